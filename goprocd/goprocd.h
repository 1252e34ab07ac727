/*
 * Copyright (c) 2026 The goproc authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

#ifndef GOPROCD_H
#define GOPROCD_H

#include <sys/types.h>
#include <sys/queue.h>

#include <event.h>
#include <limits.h>
#include <stdint.h>

#include "compat.h"
#include "goproc.h"
#include "imsg.h"
#include "sandbox.h"

#define GOPROCD_USER "_goproc"
#define GOPROCD_FORCE_GRACE_MS 5000 /* -F: SIGTERM, then SIGKILL */
#define FINAL_WAIT_MS 3000          /* the last snapshot, at a stop */
#define GP_BOOT_ID_LEN 36

/*
 * Descriptors a child finds at exec: its parent's channel, then its
 * peers' at the next numbers, in id order (proc.c).
 */
#define PROC_PARENT_FD 3

enum proc_id {
	PROC_PARENT,
	PROC_REGISTRY,
	PROC_PROBER,
	PROC_FRONTEND,
	PROC_MAX
};

struct imsgev;

/*
 * A channel's messages, one at a time: 0 when handled, -1 for a type
 * this edge does not carry (proc_dispatch then fatals).
 */
typedef int (*imsgev_cb)(struct imsgev *, struct imsg *);

/* The peer closed the channel. */
typedef void (*imsgev_lost)(struct imsgev *);

struct imsgev {
	struct imsgbuf ibuf;
	void (*handler)(int, short, void *);
	const char *name; /* in proc_dispatch's messages */
	imsgev_cb cb;
	imsgev_lost lost;
	int drain; /* read what is queued before lost */
	struct event ev;
	short events;
	void *data;
};

/*
 * One peer of a process, as its role file lists it: the channel to it
 * and the handler of the messages that come that way (vmd's p_cb).
 */
struct proc_peer {
	enum proc_id id;
	const char *name; /* the handler's, in proc_dispatch's messages */
	imsgev_cb cb;
	struct imsgev *iev;
	int fdpass; /* descriptors come this way */
};

/*
 * A row of the process table in proc.c: one role, and what proc_run
 * does for it from the exec to the exit.  Each hook is optional but
 * shutdown, which does not return.
 */
struct proc_role {
	const char *title; /* "goprocd: title" in ps(1), and -P title */
	enum proc_id id;
	enum sandbox_role sandbox;
	/* Before the privilege drop: a descriptor the sandbox keeps, or -1. */
	int (*init)(void);
	void (*start)(void); /* channels ready, before the sandbox */
	imsgev_lost lost;    /* a peer closed its channel */
	void (*shutdown)(void);
	struct proc_peer *peers; /* PROC_MAX - 1 of them */
};

/* Flow control of a streamed reply, frontend -> registry. */
#define LIST_CHUNK 256 /* entries per credit */

/*
 * The messages between goprocd's processes, numbered after the client
 * protocol's (common/goproc.h), so that a client's message types and
 * these never meet.  Their values are the same as when both lived in
 * goproc.h: the imsg fuzz corpus holds some of them.
 */
enum {
	/* parent -> frontend */
	IMSG_CONTROLFD = IMSG_CTL_LAST + 1, /* the listening control socket */
	/* frontend -> parent */
	IMSG_CONTROL_READY, /* the socket accepts connections */

	/* parent -> registry */
	IMSG_STATE_FDS, /* snapshot (or -1), then journal */
	IMSG_STATE_JOURNAL,
	IMSG_STATE_TMPFD,     /* a fresh temporary snapshot file */
	IMSG_STATE_COMMITTED, /* the temporary file is the snapshot */
	/* registry -> parent */
	IMSG_STATE_LOADED, /* startup load done, daemon may listen */
	IMSG_STATE_TMPREQ, /* open a temporary snapshot file */
	IMSG_STATE_COMMIT, /* rename it over the snapshot, fsync */

	/* registry -> prober */
	IMSG_PROBE_ADD,     /* check a PID for add, read its metadata */
	IMSG_PROBE_WATCH,   /* watch an entry's liveness */
	IMSG_PROBE_UNWATCH, /* stop watching an entry */
	/* prober -> registry */
	IMSG_PROBE_INFO,  /* answer to IMSG_PROBE_ADD */
	IMSG_PROBE_ALIVE, /* an entry's liveness changed or was seen */

	/* registry -> parent */
	IMSG_KILL, /* signal one registered process */
	/* parent -> registry */
	IMSG_KILL_RESULT,

	IMSG_REQ_MORE,         /* frontend: send more */
	IMSG_REQ_CANCEL,       /* frontend: client went away */
	IMSG_CONFIG,           /* parent: new intervals */
	IMSG_LOAD_ERROR,       /* registry: cannot start */
	IMSG_VETTED,           /* prober: watching a process */
	IMSG_UNVETTED,         /* prober: watch ended */
	IMSG_PROBE_CMD,        /* registry: read a cmdline */
	IMSG_PROBE_CMDINFO,    /* prober: the answer */
	IMSG_STATE_SYNC,       /* parent: SIGHUP, compact */
	IMSG_STATE_FINAL,      /* parent: stopping, compact */
	IMSG_STATE_FINAL_DONE, /* registry: snapshot written */
	IMSG_PROBE_SAMPLES,    /* prober: metrics of alive entries */
	IMSG_WATCH_ON,         /* registry: a watch's events start here */
	IMSG_WATCH_END,        /* frontend: that watcher is gone */
	IMSG_EVENT,            /* registry: a change, as struct gp_event */
	IMSG_PROBE_TREE,       /* registry: list --children of entries */
	IMSG_PROBE_TREEINFO,   /* prober: those of one entry */
	IMSG_PROM_ON,          /* parent: metrics_textfile is set */
	IMSG_PROM_TMPREQ,      /* registry: open a temporary textfile */
	IMSG_PROM_TMPFD,       /* parent: it (or -1 and an errno) */
	IMSG_PROM_WRITTEN,     /* registry: written (an errno, 0: fine) */
	IMSG_PROBE_MATCH,      /* registry: add --match, find processes */
	IMSG_PROBE_MATCHINFO,  /* prober: one process found */
	IMSG_PROBE_MATCHEND,   /* prober: all of them sent */
	IMSG_STATE_JTMPREQ,    /* registry: open a temporary journal */
	IMSG_STATE_JTMPFD,     /* parent: it (or -1 and an errno) */
	IMSG_STATE_JCOMMIT,    /* registry: rename it over the journal */
	IMSG_STATE_JCOMMITTED, /* parent: done (or an errno) */
};

/* registry -> prober, IMSG_PROBE_ADD; peerid is the registry's op id. */
struct probe_add_req {
	uint32_t uid;
	int32_t pid;
};

/* registry -> prober, IMSG_PROBE_CMD; peerid is the registry's op id. */
struct probe_cmd_req {
	uint64_t start_ticks;
	int32_t pid;
	uint32_t pad;
};

/*
 * prober -> registry, IMSG_PROBE_INFO, and IMSG_PROBE_CMDINFO (where
 * error ESRCH means that the process is gone, a zombie or another one).
 */
struct probe_info {
	int32_t error; /* 0, ESRCH, EPERM, EINVAL: a thread,
					   EACCES: init or a kernel thread */
	int32_t pid;
	int32_t pgid;
	int32_t tgid;      /* EINVAL: the thread's process */
	int32_t cmd_error; /* errno: cmd could not be read */
	uint32_t pad;
	uint64_t start_ticks;
	char boot_id[GP_BOOT_ID_LEN + 1];
	char cmd[GP_CMD_MAX + 1];
};

/* registry -> prober, IMSG_PROBE_WATCH and IMSG_PROBE_UNWATCH */
struct probe_watch {
	uint64_t id;
	uint64_t start_ticks; /* 0: unknown, take the current one */
	int64_t added_at;     /* ns since the epoch */
	int32_t pid;
	char boot_id[GP_BOOT_ID_LEN + 1];
};

/* prober -> registry, IMSG_PROBE_ALIVE */
struct probe_alive {
	uint64_t id;
	uint64_t start_ticks; /* identity learned for an old entry */
	int64_t when;         /* ns since the epoch */
	uint32_t alive;
	char boot_id[GP_BOOT_ID_LEN + 1];
};

/*
 * prober -> registry, IMSG_PROBE_SAMPLES: an array of these, at most
 * PROBE_SAMPLES_MAX in one message.  valid holds GP_MET_SAMPLE and may
 * hold GP_MET_CPU_PCT and GP_MET_STARTED.
 */
struct probe_sample {
	uint64_t id;
	uint64_t
	    start_ticks; /* the process sampled: stale if not the entry's */
	uint64_t cpu_ns;
	uint64_t rss_bytes;
	int64_t sampled_at;
	int64_t started_at;
	uint32_t valid;
	uint32_t threads;
	uint32_t cpu_pct;
	char state;
	char pad[3];
};

#define PROBE_SAMPLES_MAX                                                      \
	((MAX_IMSGSIZE - IMSG_HEADER_SIZE) / sizeof(struct probe_sample))

/*
 * registry -> prober, IMSG_PROBE_TREE: an array of these, at most
 * PROBE_TREE_MAX; peerid is the registry's op id.  The prober answers
 * each with an IMSG_PROBE_TREEINFO.
 */
struct probe_tree_req {
	uint64_t start_ticks;
	uint32_t index; /* the entry's place in the list */
	int32_t pid;
};

#define PROBE_TREE_MAX                                                         \
	((MAX_IMSGSIZE - IMSG_HEADER_SIZE) / sizeof(struct probe_tree_req))

/* prober -> registry, IMSG_PROBE_TREEINFO */
struct probe_tree_info {
	uint32_t index;
	uint32_t pad;
	struct gp_children kids;
};

/*
 * registry -> prober, IMSG_PROBE_MATCH; peerid is the registry's op id.
 * The prober answers with an IMSG_PROBE_MATCHINFO per process found
 * (at most GP_MATCH_MAX), then an IMSG_PROBE_MATCHEND.
 */
struct probe_match_req {
	uint32_t uid;    /* the client's, from SO_PEERCRED */
	int32_t client;  /* its pid, from SO_PEERCRED: never matched, nor
			    its ancestors */
	uint32_t flags;  /* GP_REQ_FULL, EXACT, NEWEST, OLDEST, UID */
	uint32_t euid;   /* -u, with GP_REQ_UID */
	uint32_t nppids; /* -P */
	int32_t ppids[GP_SEL_MAX];
	char pattern[GP_PATTERN_MAX + 1];
};

/*
 * prober -> registry, IMSG_PROBE_MATCHINFO: what probe_add would say of
 * a process found, and its name (/proc/PID/comm).
 */
struct probe_match_info {
	struct probe_info pi;
	char comm[GP_COMM_MAX + 1];
	char pad[7];
};

/* prober -> registry, IMSG_PROBE_MATCHEND */
#define MATCH_BADRE 1   /* the pattern does not compile: msg says why */
#define MATCH_TOOMANY 2 /* more than GP_MATCH_MAX: none sent */
#define MATCH_NOPROC 3  /* /proc could not be read */

struct probe_match_end {
	uint32_t error;   /* 0 or MATCH_* */
	uint32_t matched; /* processes found, MATCHINFO sent but TOOMANY */
	char msg[GP_MSG_MAX + 1];
	char pad[7];
};

/* registry -> parent, IMSG_KILL; peerid is the registry's op id. */
struct kill_req {
	uint64_t id;
	uint64_t start_ticks;
	int32_t pid;
	int32_t pgid;
	int32_t signo;
	uint32_t wait_ms;
	uint32_t uid;   /* the client's, from SO_PEERCRED */
	uint32_t flags; /* KILL_TREE */
};

#define KILL_TREE 0x0001 /* the descendants too (kill --tree) */

/* parent -> registry, IMSG_KILL_RESULT */
struct kill_result {
	uint64_t id;
	int32_t error;  /* 0, ESRCH (exited), or an errno */
	int32_t signo;  /* the signal that ended it */
	uint32_t flags; /* GP_RES_* */
	uint32_t pad;
	/* group members or descendants left alone, and the tree's count */
	struct gp_tally tally;
};

/*
 * prober -> parent, IMSG_VETTED and IMSG_UNVETTED: the processes the
 * prober watches, which alone the parent agrees to signal.
 */
struct vetted {
	uint64_t start_ticks;
	int32_t pid;
	uint32_t pad;
};

/* parent -> prober, registry and frontend, IMSG_CONFIG */
struct config_msg {
	int64_t liveness_ns;
	int64_t metrics_ns; /* prober: 0, no sampling */
	int64_t last_seen_ns;
	int64_t client_timeout_ns;    /* frontend */
	uint32_t max_clients_per_uid; /* frontend */
	uint32_t max_clients;         /* frontend */
	uint32_t pad;
	uint32_t max_entries_per_uid; /* registry */
	uint32_t max_labels;          /* registry */
	uint32_t max_cmd_bytes;       /* registry */
	uint32_t pad2;
	int64_t dead_retention_ns; /* registry: 0, keep dead entries */
};

/* parent -> registry, IMSG_STATE_FDS, with the snapshot's fd if any */
struct state_fds {
	int32_t have_snapshot;
	char snapshot[PATH_MAX]; /* for messages only */
	char journal[PATH_MAX];
};

/* registry -> parent, IMSG_LOAD_ERROR */
struct load_error {
	char msg[GP_MSG_MAX + 1];
};

/* proc.c */
void imsg_event_add(struct imsgev *);
void imsgev_send(struct imsgev *);
int imsg_compose_event(
    struct imsgev *, uint32_t, uint32_t, pid_t, int, const void *, size_t);
int imsg_compose_event_ibuf(struct imsgev *, uint32_t, uint32_t, struct ibuf *);
void imsgev_init(struct imsgev *, int, void (*)(int, short, void *), void *);
int imsgev_dispatch_io(struct imsgev *, short);
void proc_imsgev_init(
    struct imsgev *, int, const char *, imsgev_cb, imsgev_lost, int, void *);
void proc_dispatch(int, short, void *);
int proc_dispatch_null(struct imsgev *, struct imsg *);
void proc_init(const char *, int, int, int, const char *);
__dead void proc_child(const char *, int, int);
__dead void proc_run(enum proc_id, int);
pid_t proc_pid(enum proc_id);
int proc_reaped(pid_t, int);
void proc_lost_wait(struct imsgev *);
void proc_kill(void);
void proc_setup(const char *, int);
void proc_ignore_signals(void);
void proc_title_init(int, char *[]);
void proc_title(const char *);
void proc_drop(const char *, const char *);
int64_t now_ns(void);

/* control.c: the client connections, used by the frontend */
#define CONTROL_MAX_CONNS 1024   /* clients at once, watchers included */
#define CONTROL_RESERVED 8       /* of them, for root and the daemon's user */
#define CONTROL_DRAIN_TIMEOUT 10 /* seconds to hang up after the end */
#define CONTROL_MAX_QUEUE (2 * LIST_CHUNK + 16) /* replies queued */
#define WATCH_BUF_MAX (256 * 1024) /* bytes of events queued per watcher */

void control_config(int64_t, uint32_t, uint32_t);
void control_init(int, struct imsgev *, uid_t);
void control_reply(struct imsg *);
void control_watch_on(uint32_t);
void control_event(struct imsg *);
void control_shutdown(void);

/* How a child should drop privileges (root only), from its argv. */
extern const char *proc_user;
extern const char *proc_root;

/*
 * Each role's part of the process table: its peers, and its hooks
 * (goprocd.c is the parent's, registry.c, prober.c and frontend.c the
 * children's).
 */
extern struct proc_peer parent_peers[PROC_MAX - 1];
extern struct proc_peer registry_peers[PROC_MAX - 1];
extern struct proc_peer prober_peers[PROC_MAX - 1];
extern struct proc_peer frontend_peers[PROC_MAX - 1];
void parent_start(void);
void parent_lost(struct imsgev *);
__dead void parent_stop(void);
int registry_init(void);
void registry_start(void);
__dead void registry_shutdown(void);
int prober_init(void);
void prober_start(void);
__dead void prober_shutdown(void);
int frontend_init(void);

/* textfile.c: the registry's side of metrics_textfile. */
#define TEXTFILE_DEBOUNCE_MS 1000 /* at most one write a second for changes */
#define TEXTFILE_IDLE_MS 15000    /* the period when metrics_interval is 0 */
struct regtab;
void textfile_init(struct imsgev *, struct regtab *);
void textfile_config(int64_t);
void textfile_on(void);
void textfile_changed(void);
void textfile_fd(int, int);
__dead void frontend_shutdown(void);

#endif /* GOPROCD_H */

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

/*
 * The protocol shared by goprocd and goprocctl: message types, limits,
 * the request and entry values that common/wire.c encodes and decodes,
 * and the default file names.  The messages goprocd's processes send
 * each other are not here: they are in goprocd/goprocd.h.
 */

#ifndef GOPROC_H
#define GOPROC_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#define GOPROC_VERSION "0.1.0"

#define GOPROC_SOCKET_NAME "goproc.sock"
#define GOPROC_PIDFILE_NAME "goproc.pid"
#define GOPROC_SNAPSHOT_NAME "goproc.snapshot.json"
#define GOPROC_SNAPSHOT_TMP "goproc.snapshot.json.tmp"
#define GOPROC_JOURNAL_TMP "goproc.journal.tmp"
#define GOPROC_JOURNAL_NAME "goproc.journal"
#define GOPROC_LOCK_NAME "goproc.lock" /* in the state directory */

#define GOPROC_LIVENESS_DEFAULT_MS 15000
#define GOPROC_LAST_SEEN_DEFAULT_MS 45000
#define GOPROC_METRICS_DEFAULT_MS 5000
#define GOPROC_METRICS_MIN_MS 100 /* metrics_interval, unless 0 (off) */

/* Limits, enforced on both sides of every channel. */
#define GP_NAME_MAX 64         /* bytes in a unique name */
#define GP_LABEL_MAX 64        /* bytes in a tag or a group */
#define GP_LABELS_MAX 32       /* tags (or groups) on one entry */
#define GP_SEL_MAX 32          /* values of one selector kind */
#define GP_SEARCH_MAX 256      /* bytes in a --search text */
#define GP_CMD_MAX 4096        /* bytes in a stored command line */
#define GP_MSG_MAX 512         /* bytes in a reply's text */
#define GP_WAIT_MAX_MS 3600000 /* kill --wait */
#define GP_PID_MAX 4194304     /* Linux PID_MAX_LIMIT */
#define GP_LIMIT_MAX 100000000 /* list --limit */

/*
 * The longest request payload wire_req_decode() accepts: a selector with
 * every list full (ids, pids, tags, all tags, groups, all groups, names),
 * a search text and update's changes (at most GP_LABELS_MAX of tags,
 * added and removed together, and as many of groups); the fixed part is
 * 72 bytes, a string 2 more than its
 * bytes.  An add is shorter (a command and two label lists).
 */
#define GP_REQ_WIRE_MAX                                                        \
	(72 + GP_SEL_MAX * (8 + 4) + 4 * 2 + (2 + GP_SEARCH_MAX) +             \
	    4 * GP_SEL_MAX * (2 + GP_LABEL_MAX) +                              \
	    GP_SEL_MAX * (2 + GP_NAME_MAX) + GP_NAME_MAX +                     \
	    2 * GP_LABELS_MAX * (2 + GP_LABEL_MAX))

/* Exit statuses of goprocctl. */
#define GP_EXIT_OK 0
#define GP_EXIT_FAIL 1
#define GP_EXIT_USAGE 2
#define GP_EXIT_NODAEMON 3

enum imsg_type {
	IMSG_NONE,

	/* goprocctl -> frontend -> registry: one request per connection */
	IMSG_CTL_PING,
	IMSG_CTL_ADD,
	IMSG_CTL_LIST,
	IMSG_CTL_RM,
	IMSG_CTL_KILL,
	IMSG_CTL_TAG,
	IMSG_CTL_GROUP,
	IMSG_CTL_RESET,
	IMSG_CTL_EXECED,  /* run: read the command line again */
	IMSG_CTL_VERSION, /* an INFO (count: seconds goprocd has run),
			     then the version in the END's text */

	/* registry -> frontend -> goprocctl: replies */
	IMSG_CTL_ENTRY,  /* one registry entry */
	IMSG_CTL_RESULT, /* what a mutation did to one entry */
	IMSG_CTL_INFO,   /* a summary line printed before entries */
	IMSG_CTL_END,    /* terminal: success, with a text */
	IMSG_CTL_ERROR,  /* terminal: failure, with a text */

	/* goprocctl -> frontend -> registry: a subscription */
	IMSG_CTL_WATCH,
	/* frontend -> goprocctl: a change of the registry (struct gp_event) */
	IMSG_CTL_EVENT,

	/* goprocctl -> frontend -> registry: change entries in place */
	IMSG_CTL_UPDATE,

	/* goprocctl -> frontend -> registry: add --match, by pattern */
	IMSG_CTL_MATCH,
};

/* goprocd numbers its own, internal, messages after this one. */
#define IMSG_CTL_LAST IMSG_CTL_MATCH

/* A bounded list of short strings: tags, groups or names. */
struct gp_strlist {
	uint32_t n;
	char v[GP_SEL_MAX][GP_LABEL_MAX + 1];
};

/* Request flags. */
#define GP_REQ_ALL 0x0001      /* rm/kill/update: allow several matches */
#define GP_REQ_ALIVE 0x0002    /* list: only alive entries */
#define GP_REQ_RENAME 0x0004   /* tag/group: rename first */
#define GP_REQ_REVERSE 0x0008  /* list: the sort order turned around */
#define GP_REQ_INITIAL 0x0010  /* watch: the current matches first */
#define GP_REQ_FOLLOW 0x0020   /* watch: then only those entries */
#define GP_REQ_DEAD 0x0040     /* list/rm/update/watch: only dead entries */
#define GP_REQ_NONAME 0x0080   /* update: take the name away */
#define GP_REQ_TREE 0x0100     /* kill: the descendants too */
#define GP_REQ_CHILDREN 0x0200 /* list: the children of alive entries */
/* add --match (IMSG_CTL_MATCH) */
#define GP_REQ_FULL 0x0400   /* -f: the pattern against the command line */
#define GP_REQ_EXACT 0x0800  /* -x: the whole name or line */
#define GP_REQ_NEWEST 0x1000 /* -n: the latest started only */
#define GP_REQ_OLDEST 0x2000 /* -o: the earliest started only */
#define GP_REQ_DRYRUN 0x4000 /* --dry-run: show, register nothing */
#define GP_REQ_UID 0x8000    /* -u: uid holds an effective uid */
#define GP_REQ_MASK 0xffff

/*
 * add --match: the pattern (in the request's search field) is at most
 * GP_PATTERN_MAX bytes; at most GP_MATCH_MAX processes match.
 */
#define GP_PATTERN_MAX GP_SEARCH_MAX
#define GP_MATCH_MAX 1024
#define GP_PATTERN_REPEAT_MAX 1000 /* intervals' bounds, multiplied */

/* The orders of list --sort; ties go by id. */
enum gp_sort {
	GP_SORT_ID,   /* the default */
	GP_SORT_NAME, /* by name; unnamed entries first */
	GP_SORT_PID,
	GP_SORT_CPU,    /* CPU %; unknown first */
	GP_SORT_RSS,    /* resident memory; unknown first */
	GP_SORT_UPTIME, /* shortest first; dead or unknown first */
	GP_SORT_MAX
};

/*
 * A control request, as goprocctl fills it and as the frontend and the
 * registry decode it.  Which fields a request type uses:
 *   ADD	pid, name, cmd (optional), tags, groups
 *   LIST/RM	flags, tags, tags_all, groups, groups_all, names, ids, pids,
 *		search; LIST also sort (enum gp_sort) and limit (0: all)
 *   KILL	as RM, plus signo and wait_ms
 *   TAG/GROUP	label, newlabel (with GP_REQ_RENAME)
 *   RESET	label (the confirmation word)
 *   WATCH	as LIST but sort and limit; flags INITIAL, FOLLOW (which
 *		needs INITIAL) and ALIVE
 *   EXECED	pid, ids[0] (exactly one id), cmd (optional): the entry's
 *		process has exec'd; cmd is what it ran, kept (and marked
 *		as the client's word) only if /proc cannot be read
 *   UPDATE	as RM (flags ALL, ALIVE, DEAD), plus name (the new one)
 *		or flag NONAME, add_tags, rm_tags, add_groups, rm_groups
 *   MATCH	search (the pattern, a POSIX extended regular expression,
 *		required), pids (-P: parent pids), uid (-u, with flag UID),
 *		name, tags, groups; flags ALL, FULL, EXACT, NEWEST or
 *		OLDEST, DRYRUN, UID
 *   PING/VERSION	nothing
 * ALIVE and DEAD exclude each other.
 */
struct gp_request {
	uint32_t type;
	uint32_t flags;
	int32_t pid;
	int32_t signo;
	uint32_t wait_ms;
	uint32_t sort;  /* enum gp_sort */
	uint32_t limit; /* the first limit entries after sorting, 0: all */
	uint32_t uid;   /* match -u: an effective uid (GP_REQ_UID) */
	char name[GP_NAME_MAX + 1];
	char label[GP_LABEL_MAX + 1];
	char newlabel[GP_LABEL_MAX + 1];
	char search[GP_SEARCH_MAX + 1];
	char cmd[GP_CMD_MAX + 1];
	struct gp_strlist tags;
	struct gp_strlist tags_all;
	struct gp_strlist groups;
	struct gp_strlist groups_all;
	struct gp_strlist names;
	uint32_t nids;
	uint32_t npids;
	uint64_t ids[GP_SEL_MAX];
	int32_t pids[GP_SEL_MAX];
	/* update: what to add to and remove from each matched entry */
	struct gp_strlist add_tags;
	struct gp_strlist rm_tags;
	struct gp_strlist add_groups;
	struct gp_strlist rm_groups;
};

/* The client's credentials, prepended by the frontend, never by a client. */
struct gp_cred {
	uint32_t uid;
	int32_t pid;
};

/*
 * Entry flags.  GP_ENT_CMD_CLIENT: the command line is what a client
 * said, not what goprocd read from /proc.
 */
#define GP_ENT_CMD_CLIENT 0x0001
#define GP_ENT_MASK 0x0001

/*
 * What an entry's last sample of /proc holds (struct gp_metrics): which
 * members are known.  An unknown member is 0 on the wire.
 */
#define GP_MET_SAMPLE 0x0001  /* state, cpu_ns, rss_bytes, threads, at */
#define GP_MET_CPU_PCT 0x0002 /* cpu_pct: two samples apart */
#define GP_MET_STARTED 0x0004 /* started_at */
#define GP_MET_EXITED 0x0008  /* exited_at */
#define GP_MET_MASK 0x000f

#define GP_CPU_PCT_MAX 100000000 /* hundredths of a percent: 10^4 cores */
#define GP_THREADS_MAX 4194304   /* Linux PID_MAX_LIMIT */

/*
 * How the process was doing when the prober last read it, and when it
 * was seen to die.  Kept in memory only: a restart starts with none.
 */
struct gp_metrics {
	uint32_t valid; /* GP_MET_* */
	uint32_t threads;
	uint32_t cpu_pct;   /* of one core, in hundredths of a percent */
	char state;         /* as in /proc/PID/stat: R, S, D, T, Z... */
	uint64_t cpu_ns;    /* user + system time, cumulative */
	uint64_t rss_bytes; /* resident memory */
	int64_t sampled_at;
	int64_t started_at;
	int64_t exited_at;
};

/*
 * list --children: the direct children of an alive entry's process, and
 * its descendants, as the prober found them through the parent links of
 * /proc for this list.  The first GP_CHILDREN_MAX children are named.
 */
#define GP_CHILDREN_MAX 32
#define GP_COMM_MAX 16 /* bytes of a process name, /proc/PID/comm */

struct gp_child {
	int32_t pid;
	char comm[GP_COMM_MAX + 1]; /* raw bytes, may be cut */
};

struct gp_children {
	uint32_t valid;     /* 0: not asked, or the process is gone */
	uint32_t nchildren; /* direct children */
	uint32_t ndesc;     /* descendants, the children included */
	uint32_t n;         /* named in v */
	struct gp_child v[GP_CHILDREN_MAX];
};

/*
 * One registry entry as it travels. Times are nanoseconds since the epoch.
 * Id 0: a process add --match --dry-run would register, not an entry.
 */
struct gp_entry {
	uint64_t id;
	int32_t pid;
	int32_t pgid;
	uint64_t start_ticks;
	int64_t added_at;
	int64_t last_seen;
	uint32_t owner_uid;
	uint32_t alive;
	uint32_t flags; /* GP_ENT_* */
	char name[GP_NAME_MAX + 1];
	char cmd[GP_CMD_MAX + 1];
	struct gp_strlist tags;
	struct gp_strlist groups;
	struct gp_metrics met;
	struct gp_children kids; /* list --children only */
};

/*
 * kill --tree: the descendants of an entry's process are found through
 * the parent links of /proc at the moment of the kill, at most
 * GP_TREE_MAX of them (the rest are spared, as GP_SPARE_LIMIT); of
 * those spared, the first GP_SPARED_MAX are named in the result.
 */
#define GP_TREE_MAX 512
#define GP_SPARED_MAX 16
#define GP_SPARE_PERM 1  /* the client may not signal it: uid */
#define GP_SPARE_LIMIT 2 /* beyond GP_TREE_MAX, or no pidfd for it */

struct gp_spared {
	int32_t pid;
	uint32_t why; /* GP_SPARE_* */
	uint32_t uid; /* its real uid (GP_SPARE_PERM) */
};

/*
 * What a kill did beside the entry's process: the members of its group
 * (or, with --tree, its descendants) left alone, and with --tree the
 * number of processes signalled, the entry's included.
 */
struct gp_tally {
	uint32_t skipped;
	uint32_t signalled; /* 0: not a tree kill */
	uint32_t nspared;
	struct gp_spared spared[GP_SPARED_MAX];
};

/* What a mutation did to one entry (IMSG_CTL_RESULT). */
#define GP_RES_REMOVED 0x0001   /* the entry left the registry */
#define GP_RES_SIGNALLED 0x0002 /* a signal was delivered */
#define GP_RES_FAILED 0x0004    /* the action failed: see msg */
#define GP_RES_EXITED 0x0008    /* the process was already gone */
#define GP_RES_RENAMED 0x0010   /* a label was renamed on it */
#define GP_RES_SKIPPED 0x0020   /* match: already registered; msg: comm */

struct gp_result {
	uint32_t flags;
	int32_t signo; /* the signal that ended it, or 0 */
	/* kill: processes of its group or tree the client may not signal. */
	struct gp_tally tally;
	char msg[GP_MSG_MAX + 1];
	struct gp_entry entry;
};

/*
 * Terminal replies (IMSG_CTL_END and IMSG_CTL_ERROR) and summaries
 * (IMSG_CTL_INFO).  A non-empty msg of END or INFO is a line for people.
 */
#define GP_ST_OK 0
#define GP_ST_FAIL 1     /* something failed */
#define GP_ST_NOTFOUND 2 /* nothing matched */
#define GP_ST_EXISTS 3   /* PID or name already registered */
#define GP_ST_PERM 4     /* permission denied */
#define GP_ST_INVAL 5    /* a request the daemon refused */
#define GP_ST_BUSY 6     /* too many clients */

struct gp_end {
	int32_t status;
	uint32_t count; /* entries or results sent */
	char msg[GP_MSG_MAX + 1];
};

/*
 * A watch connection: the registry's current matches as IMSG_CTL_ENTRY
 * (with GP_REQ_INITIAL), an IMSG_CTL_INFO that says the subscription is
 * in place (count: the entries sent), then one IMSG_CTL_EVENT per
 * change to a selected entry, until the client or the daemon leaves.
 */
enum gp_event_type {
	GP_EV_NONE,
	GP_EV_ADDED,     /* registered */
	GP_EV_EXITED,    /* its process ended (or was found gone) */
	GP_EV_SIGNALLED, /* a kill delivered signo, for by_uid/by_pid */
	GP_EV_REMOVED,   /* it left the registry */
	GP_EV_RENAMED,   /* a tag or group was renamed on it: from, to */
	GP_EV_UPDATED,   /* what list shows of it changed: changed */
	GP_EV_RESET,     /* every entry is gone, ids start over */
	GP_EV_LOST,      /* count events dropped for a slow reader */
	GP_EV_MAX
};

#define GP_EVF_ENTRY 0x0001 /* the event carries an entry */
#define GP_EVF_MASK 0x0001

/* What an updated or renamed event changed. */
#define GP_CHG_CMD 0x0001
#define GP_CHG_NAME 0x0002
#define GP_CHG_TAGS 0x0004
#define GP_CHG_GROUPS 0x0008
#define GP_CHG_MASK 0x000f
#define GP_CHG_COUNT 4 /* bits, named by gp_change_name() */

struct gp_event {
	uint32_t type;  /* enum gp_event_type */
	uint32_t flags; /* GP_EVF_*: all but reset and lost carry one */
	int64_t at;     /* ns since the epoch */
	int32_t signo;  /* signalled */
	uint32_t by_uid;
	int32_t by_pid;
	uint32_t count;   /* lost */
	uint32_t changed; /* updated, renamed: GP_CHG_* */
	char from[GP_LABEL_MAX + 1];
	char to[GP_LABEL_MAX + 1];
	struct gp_entry entry; /* as it is after the change */
};

struct ibuf;

/* wire.c: encoders return 0 or -1; decoders fill *errstr on -1. */
int wire_is_request(uint32_t);
const char *wire_req_name(uint32_t);
int wire_req_mutates(const struct gp_request *);
int wire_req_streams(uint32_t, uint32_t);
int wire_req_encode(struct ibuf *, const struct gp_request *);
int wire_req_decode(
    struct ibuf *, uint32_t, struct gp_request *, const char **);
int wire_entry_encode(struct ibuf *, const struct gp_entry *);
int wire_entry_decode(struct ibuf *, struct gp_entry *, const char **);
int wire_result_encode(struct ibuf *, const struct gp_result *);
int wire_result_decode(struct ibuf *, struct gp_result *, const char **);
int wire_end_encode(struct ibuf *, const struct gp_end *);
int wire_end_decode(struct ibuf *, struct gp_end *, const char **);
int wire_req_watches(uint32_t);
int wire_event_encode(struct ibuf *, const struct gp_event *);
int wire_event_decode(struct ibuf *, struct gp_event *, const char **);
const char *gp_event_name(uint32_t);
const char *gp_change_name(uint32_t);

/* wire.c: validation and normalization shared by both programs. */
int gp_valid_name(const char *, const char **);
int gp_pattern_check(const char *, const char **);
int gp_label_clean(const char *, char *, size_t, const char **);
int gp_strlist_add(struct gp_strlist *, const char *, size_t, const char **);
int gp_strlist_has(const struct gp_strlist *, const char *);
void gp_strlist_sort(struct gp_strlist *);
void gp_entry_sort_labels(struct gp_entry *);

/*
 * select.c: the selector rule, one copy for the registry (its entries)
 * and the frontend (the entries of events).  has() says whether the
 * entry carries label, the i-th of the request's list of kind (0: tags,
 * 1: groups), of the any (all == 0) or all list.
 */
struct gp_selent {
	uint64_t id;
	int32_t pid;
	int alive;
	const char *name; /* NULL: none */
	const char *cmd;
	int (*has)(const struct gp_selent *, int, int, size_t, const char *);
	const void *arg;
};

int gp_sel_match(const struct gp_request *, const struct gp_selent *);
int gp_entry_match(const struct gp_request *, const struct gp_entry *);

/* text.c: the selector rule, quoting, terminal-safe text. */
/* clang-format off */
int	 gp_has_selectors(const struct gp_request *);
size_t	 gp_utf8_next(const unsigned char *, size_t, uint32_t *);
size_t	 gp_utf8_next_cut(const unsigned char *, size_t, uint32_t *, int *);
const char *gp_quote(const char *, char *, size_t);
const char *gp_vis(const char *, char *, size_t);
/* clang-format on */

#endif /* GOPROC_H */

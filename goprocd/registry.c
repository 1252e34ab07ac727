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
 * The registry process owns the registry, in memory and on disk.  Every
 * request is decided here in one step; a mutation is appended to the
 * journal and answered only once an fsync has made it durable.  When the
 * journal outgrows the snapshot, the registry writes a new snapshot into
 * a file the parent opened for it and asks the parent to publish it.
 * It opens no path: its files come from the parent as descriptors.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "goprocd.h"
#include "log.h"
#include "regtab.h"
#include "sandbox.h"
#include "store.h"
#include "util.h"

#define STATE_FILE_MAX (1024LL * 1024 * 1024)
#define COMPACT_MIN (64 * 1024)          /* journal bytes */
#define COMPACT_RETRY_SEC 2              /* after a failed compaction */
#define COMPACT_SLICE_NS (2 * 1000000LL) /* snapshot writing per turn */
#define COMPACT_INFLIGHT (1024 * 1024)   /* snapshot bytes being written */
#define COMPACT_PACE_US 5000             /* a pause for a disk that lags */
#define KILL_EXIT_GRACE_MS 1000          /* kill: how long an exit may take */
#define RETENTION_BATCH 1024             /* expired entries removed per turn */
#define UPDATE_IDS_MAX 10000  /* ids in one journal record of update */
#define ADD_UNRECORDED (-100) /* add_record(): not on disk */

/* A reply waiting for its turn to go out. */
struct reply {
	TAILQ_ENTRY(reply) entry;
	uint32_t type;
	struct ibuf *buf;
};
TAILQ_HEAD(reply_list, reply);

enum op_state {
	OP_WORKING,  /* waiting for the prober or the parent */
	OP_DURABLE,  /* waiting for the journal to reach the disk */
	OP_SENDING,  /* streaming replies to the frontend */
	OP_DEFERRED, /* a mutation waiting for a compaction to end */
};

/* An entry whose process a kill signalled, its exit not yet seen. */
struct exiting {
	uint64_t id;
	int32_t signo;         /* the signal that ends it */
	struct gp_tally tally; /* group members or descendants left alone */
};

/* A client request in progress. */
struct op {
	TAILQ_ENTRY(op) entry;
	uint32_t id;   /* for the prober and parent */
	uint32_t conn; /* the frontend's connection */
	uint32_t type;
	enum op_state state;
	struct gp_cred cred;
	struct gp_request *req;
	struct probe_info *probed;      /* deferred: the prober's answer */
	struct probe_match_info *cands; /* add --match: processes found */
	size_t ncands;
	struct probe_match_end *mend; /* deferred: the prober's last word */
	struct reply_list replies;    /* sent before the stream */
	uint64_t *ids;                /* entries streamed after */
	size_t nids, pos;
	struct gp_children *kids; /* list --children: of ids[i] */
	size_t kids_pending;      /* answers the prober owes */
	uint32_t credit;
	uint32_t count; /* entries or results sent */
	uint32_t kills; /* kills still pending */
	uint32_t failed;
	struct gp_tally tally;   /* kill: what the parent said, this result */
	uint32_t nkills;         /* kills sent */
	struct exiting *exiting; /* kill: signalled, exit not yet seen */
	size_t nexiting;
	struct event ev_grace; /* kill: the wait for those exits */
	int grace_armed;
	uint64_t seq0;     /* journal_seq when it came */
	struct gp_end end; /* the terminal reply */
	int error;         /* end is an ERROR */
};
TAILQ_HEAD(op_list, op);

static int registry_dispatch_parent(struct imsgev *, struct imsg *);
static int registry_dispatch_prober(struct imsgev *, struct imsg *);
static int registry_dispatch_frontend(struct imsgev *, struct imsg *);
static void load_snapshot(int, int);
static void load_journal(int);
static void load_done(void);
__dead static void load_fail(const char *, ...)
    __attribute__((__format__(printf, 1, 2)));
static char *read_file(int, const char *, size_t *);
static struct op *op_new(uint32_t, uint32_t, const struct gp_cred *);
static struct op *op_by_id(uint32_t);
static struct op *op_by_conn(uint32_t);
static void op_free(struct op *);
static void op_reply(struct op *, uint32_t, struct ibuf *);
static void op_entry(struct op *, const struct rentry *);
static void op_finish(struct op *, int, int32_t, const char *, ...)
    __attribute__((__format__(printf, 4, 5)));
static void op_info(struct op *, uint32_t, const char *, ...)
    __attribute__((__format__(printf, 3, 4)));
static void op_pump(struct op *);
static void op_durable(struct op *);
static void req_list(struct op *);
static void list_done(struct op *);
static void list_children(struct op *, struct rentry **, size_t);
static void list_children_info(struct op *, const struct probe_tree_info *);
static int64_t sort_value(const struct rentry *, uint32_t);
static int sort_cmp(const void *, const void *);
static void list_order(const struct gp_request *, struct rentry **, size_t *);
static int add_limits(struct op *);
static void cmd_truncate(char *);
static void req_add(struct op *);
static int privileged(const struct op *);
static void req_add_probed(struct op *, const struct probe_info *);
static void req_rm(struct op *);
static void req_kill(struct op *);
static void req_kill_result(struct op *, const struct kill_result *);
static void req_kill_exited(struct rentry *);
static void req_kill_grace(int, short, void *);
static void req_kill_done(struct op *);
static int kill_remove(struct op *, struct rentry *, int32_t);
static int tally_check(const struct gp_tally *);
static void req_rename(struct op *);
static void req_reset(struct op *);
static void add_cmd(
    struct gp_entry *, const struct probe_info *, const struct gp_request *);
static void req_execed(struct op *);
static void req_execed_probed(struct op *, const struct probe_info *);
static void probe_alive(const struct probe_alive *);
static void watch(const struct rentry *);
static void entry_dead(struct rentry *, int64_t, int64_t);
static void probe_samples(const struct probe_sample *, size_t);
static void entry_drop(struct rentry *);
static int journal_rm_all(struct rentry **, size_t);
static void unwatch(uint64_t);
static int journal_append(char *, const size_t *);
static int journal_write(const char *, size_t);
static void commit_schedule(void);
static void commit(int, short, void *);
static void compact_want(void);
static void compact_start(void);
static int parent_answer(struct imsg *, int, int *, int *);
static void compact_reply(struct imsg *);
static void compact_open(int);
static void compact_slice(int, short, void *);
static void compact_file_failed(const char *);
static void slice_took(int64_t);
static void compact_done(void);
static void journal_swap(int);
static void journal_swapped(void);
static void journal_swap_failed(const char *);
static void buf_add(char **, size_t *, size_t *, const char *, size_t);
static int op_waits(const struct op *);
static int deferred_any(void);
static void compact_failed(const char *);
static void compact_later(void);
static void compact_end(void);
static void compact_retry(int, short, void *);
static void final_check(void);
static void op_start(struct op *);
static void req_ping(struct op *);
static void req_version(struct op *);
static void registry_request(struct imsg *);
static void op_fail(struct op *, int);
static void deferred_run(void);
static void seen_tick(int, short, void *);
static int select_matches(struct op *, struct rentry ***, size_t *);
static void req_watch(struct op *);
static void op_stream(struct op *, struct rentry **, size_t);
static void event_emit(const struct gp_event *, const struct rentry *);
static void event_entry(uint32_t, const struct rentry *, int64_t);
static void event_signalled(const struct op *, const struct rentry *, int32_t);
static void event_updated(const struct rentry *, uint32_t);
static uint64_t *rename_members(int, const char *, size_t *);
static void event_renamed(int, const char *, const char *, uint64_t *, size_t);
static void req_update(struct op *);
static int update_check(struct op *, struct rentry **, size_t);
static int journal_update_all(
    const uint64_t *, size_t, const struct gp_request *);
static void retention_arm(void);
static void req_match(struct op *);
static void match_info(struct op *, const struct probe_match_info *);
static void match_end(struct op *, const struct probe_match_end *);
static void req_match_probed(struct op *, const struct probe_match_end *);
static int match_guard(
    struct op *, const struct probe_match_info **, size_t, uint32_t);
static void match_register(
    struct op *, const struct probe_match_info **, size_t, uint32_t);
static struct rentry *registered(const struct probe_info *);
static int name_taken(struct op *);
static void add_fill(struct op *, const struct probe_info *, struct gp_entry *);
static int add_record(struct op *, struct gp_entry *, const char *,
    struct rentry **, char *, size_t);
static void retention_run(int, short, void *);

static struct imsgev iev_parent, iev_prober, iev_frontend;

/* The registry's row of the process table: its peers, in id order. */
struct proc_peer registry_peers[PROC_MAX - 1] = {
	{ PROC_PARENT, "registry_dispatch_parent", registry_dispatch_parent,
	    &iev_parent, 1 },
	{ PROC_PROBER, "registry_dispatch_prober", registry_dispatch_prober,
	    &iev_prober, 0 },
	{ PROC_FRONTEND, "registry_dispatch_frontend",
	    registry_dispatch_frontend, &iev_frontend, 0 },
};

static struct regtab *rt;
static struct op_list ops = TAILQ_HEAD_INITIALIZER(ops);
static struct op_list durable_wait = TAILQ_HEAD_INITIALIZER(durable_wait);
static uint32_t next_opid = 1;
static int loaded;
static char snapshot_path[PATH_MAX] = GOPROC_SNAPSHOT_NAME;
static char journal_path[PATH_MAX] = GOPROC_JOURNAL_NAME;
static uint64_t snap_seq;

/* The journal and the commit machinery. */
static int journal_fd = -1;
static uint64_t journal_seq; /* last record written */
static off_t journal_size;
static off_t snapshot_size;
static int dirty; /* written, not yet synced */
static int compacting;
static int want_compact;    /* a compaction should run */
static int compact_backoff; /* the last one failed: wait */
static int compact_failing; /* and was logged */
static int resync;          /* memory holds what the journal lacks */
static int store_errno;     /* the last write failed so */
static int commit_errno;    /* the records ops wait for were lost so */
static int have_snapshot;   /* the snapshot file exists */
static int final;           /* stopping: a last compaction, then FINAL_DONE */
static int final_tries, final_sent;
static uint64_t compact_seq; /* what the snapshot being written holds */
static off_t compact_size;
static struct snapview *view; /* the registry at compact_seq, being written */
static int view_fd = -1;      /* into this file */
static uint64_t view_kicked;  /* bytes of it handed to writeback */
static uint64_t view_synced;  /* bytes of it on the disk */
static struct compact_stats {
	int64_t begun, written; /* CLOCK_MONOTONIC, ns */
	int64_t slice_max;      /* the longest slice */
	int64_t wait_max;       /* the longest wait for the disk */
	int64_t published;      /* the snapshot is in place */
	size_t slices;
	size_t paused; /* slices after a pause for the disk */
	int resync;    /* memory held what the journal lacked, at the start */
} cst;
static struct event ev_slice;
static char *since; /* records written after compact_seq */
static size_t since_len, since_cap;
static int swapping;     /* the journal is being replaced: hold records */
static int jtmp_fd = -1; /* the new journal, written and synced */
static char *held;       /* records held back meanwhile */
static size_t held_len, held_cap;
static struct event ev_commit;
static struct event ev_retry;
static struct event ev_seen;
static struct event ev_retention;
static int64_t retention_ns;  /* dead_retention, 0: keep dead entries */
static int64_t retention_due; /* ev_retention fires then, 0: not armed */
static int retention_failing; /* the last removal could not be recorded */
static struct timeval seen_tv = { GOPROC_LAST_SEEN_DEFAULT_MS / 1000, 0 };
static int64_t seen_at;         /* every alive entry was seen then */
static uid_t admin_uid;         /* who started goprocd */
static struct timespec started; /* CLOCK_BOOTTIME at our start */
/* Limits on what a client may add (goprocd.conf). */
static uint32_t max_entries_per_uid = CONFIG_ENTRIES_PER_UID_DEFAULT;
static uint32_t max_labels = CONFIG_LABELS_DEFAULT;
static uint32_t max_cmd_bytes = CONFIG_CMD_BYTES_DEFAULT;
static uid_t daemon_uid; /* goprocd's own user, before the drop */
static size_t nalive;    /* entries alive */
static size_t nwatchers; /* the frontend's, to send events to */

/*
 * The handler of each request type of the wire table.  A new request
 * type is a row there and a row here.
 */
static const struct {
	uint32_t type;
	void (*start)(struct op *);
} op_starts[] = {
	{ IMSG_CTL_PING, req_ping },
	{ IMSG_CTL_ADD, req_add },
	{ IMSG_CTL_LIST, req_list },
	{ IMSG_CTL_RM, req_rm },
	{ IMSG_CTL_KILL, req_kill },
	{ IMSG_CTL_TAG, req_rename },
	{ IMSG_CTL_GROUP, req_rename },
	{ IMSG_CTL_RESET, req_reset },
	{ IMSG_CTL_EXECED, req_execed },
	{ IMSG_CTL_VERSION, req_version },
	{ IMSG_CTL_WATCH, req_watch },
	{ IMSG_CTL_UPDATE, req_update },
	{ IMSG_CTL_MATCH, req_match },
};

/* Before the privilege drop (proc_run): who we are, jansson's seed. */
int
registry_init(void)
{
	unsigned char key[REGTAB_HASH_KEY_LEN];

	admin_uid = getuid();
	daemon_uid = geteuid();
	if (clock_gettime(CLOCK_BOOTTIME, &started) == -1)
		fatal("clock_gettime");
	/* jansson seeds its hashes from /dev/urandom: while it is there. */
	json_object_seed(0);
	/* The key of the table's hashes, while getrandom(2) is allowed. */
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		fatal("getrandom");
	regtab_hash_key(key, sizeof(key));
	explicit_bzero(key, sizeof(key));
	/*
	 * A list or a selection of many entries builds arrays of megabytes
	 * for a moment: mapped on their own and unmapped when freed, they
	 * do not stay in the heap (glibc would raise its threshold past
	 * them after the first).
	 */
	(void)mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	(void)mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
	return (-1);
}

/* Channels ready, before the sandbox: the table and the timers. */
void
registry_start(void)
{
	if ((rt = regtab_new()) == NULL)
		fatal(NULL);
	evtimer_set(&ev_commit, commit, NULL);
	evtimer_set(&ev_retry, compact_retry, NULL);
	evtimer_set(&ev_slice, compact_slice, NULL);
	evtimer_set(&ev_seen, seen_tick, NULL);
	evtimer_set(&ev_retention, retention_run, NULL);
	textfile_init(&iev_parent, rt);
}

/* The loop ended, or a peer closed its channel: the parent stops us. */
__dead void
registry_shutdown(void)
{
	if (journal_fd != -1 && dirty && fdatasync(journal_fd) == -1)
		log_warn("fdatasync %s", journal_path);
	exit(0);
}

/* Tell the parent why we cannot start, then stop. */
__dead static void
load_fail(const char *fmt, ...)
{
	struct load_error le;
	va_list ap;

	memset(&le, 0, sizeof(le));
	va_start(ap, fmt);
	(void)vsnprintf(le.msg, sizeof(le.msg), fmt, ap);
	va_end(ap);
	imsg_compose(
	    &iev_parent.ibuf, IMSG_LOAD_ERROR, 0, 0, -1, &le, sizeof(le));
	(void)imsgbuf_flush(&iev_parent.ibuf);
	exit(1);
}

/* Read a whole state file, bounded. */
static char *
read_file(int fd, const char *path, size_t *lenp)
{
	struct stat sb;
	char *buf;
	size_t len = 0;
	ssize_t n;

	if (fstat(fd, &sb) == -1)
		load_fail("%s: fstat: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		load_fail("%s: not a regular file", path);
	if (sb.st_size > STATE_FILE_MAX)
		load_fail("%s: too large (%lld bytes, at most %lld)", path,
		    (long long)sb.st_size, STATE_FILE_MAX);
	if ((buf = malloc(sb.st_size + 1)) == NULL)
		fatal(NULL);
	while (len < (size_t)sb.st_size) {
		n = pread(fd, buf + len, sb.st_size - len, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			load_fail("%s: read: %s", path, strerror(errno));
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	*lenp = len;
	return (buf);
}

static void
load_snapshot(int fd, int have)
{
	struct snapshot_info si;
	char err[GP_MSG_MAX];

	if (!have)
		return;
	if (fd == -1)
		fatalx("%s: snapshot without a descriptor", __func__);
	if (snapshot_load(rt, fd, &si, err, sizeof(err)) == -1)
		load_fail("%s: %s", snapshot_path, err);
	close(fd);
	have_snapshot = 1;
	snap_seq = si.journal_seq;
	snapshot_size = si.size;
	journal_seq = snap_seq;
	log_debug("%s: %zu entries, next id %llu", snapshot_path,
	    regtab_count(rt), (unsigned long long)regtab_next_id(rt));
}

static void
load_journal(int fd)
{
	char *buf, err[GP_MSG_MAX];
	size_t len, valid;
	uint64_t last;
	int torn;

	journal_fd = fd;
	buf = read_file(fd, journal_path, &len);
	if (journal_replay(rt, buf, len, snap_seq, &last, &valid, &torn, err,
	        sizeof(err)) == -1)
		load_fail("%s: %s", journal_path, err);
	free(buf);
	if (torn) {
		log_warnx(
		    "%s: discarding a torn last record (%zu bytes at offset %zu)",
		    journal_path, len - valid, valid);
		if (ftruncate(fd, valid) == -1 || fsync(fd) == -1)
			load_fail(
			    "%s: truncate: %s", journal_path, strerror(errno));
		len = valid;
	}
	if (last > journal_seq)
		journal_seq = last;
	journal_size = len;
	/* Give back what parsing a large snapshot took. */
	(void)malloc_trim(0);
}

/* Loaded: watch every alive entry and let the daemon listen. */
static void
load_done(void)
{
	struct rentry *e;
	size_t undated = 0;

	loaded = 1;
	seen_at = now_ns();
	for (e = regtab_first(rt); e != NULL; e = regtab_next(rt, e)) {
		/* Entries from the Go program have no owner: the daemon's. */
		if (e->owner_uid == REGTAB_UID_UNKNOWN)
			regtab_set_owner(rt, e, daemon_uid);
		if (e->alive) {
			watch(e);
			nalive++;
		} else if (e->dead_at == 0) {
			/* Dead since a time not recorded: from now on. */
			regtab_set_alive(rt, e, 0, seen_at);
			undated++;
		}
	}
	log_info("registry loaded: %zu entries, next id %llu", regtab_count(rt),
	    (unsigned long long)regtab_next_id(rt));
	imsg_compose_event(&iev_parent, IMSG_STATE_LOADED, 0, 0, -1, NULL, 0);
	evtimer_add(&ev_seen, &seen_tv);
	retention_arm();
	/* A snapshot keeps the times of death just given. */
	if (undated > 0 ||
	    (journal_size > COMPACT_MIN && journal_size > snapshot_size))
		compact_want();
}

/*
 * What the parent answers about a state file: a descriptor and nothing
 * else (*fdp), or no descriptor and the errno that kept it from opening
 * one (*errp, *fdp -1); without a descriptor expected, an errno or
 * nothing at all.  -1 for anything else.
 */
static int
parent_answer(struct imsg *imsg, int want_fd, int *fdp, int *errp)
{
	*fdp = imsg_get_fd(imsg);
	*errp = 0;
	if (*fdp != -1)
		return (want_fd && imsg_get_len(imsg) == 0 ? 0 : -1);
	if (!want_fd && imsg_get_len(imsg) == 0)
		return (0);
	if (imsg_get_data(imsg, errp, sizeof(*errp)) == -1 || *errp <= 0)
		return (-1);
	return (0);
}

/* The parent's answers during a compaction: a file, or its rename. */
static void
compact_reply(struct imsg *imsg)
{
	int sfd, serr, ok;

	switch (imsg_get_type(imsg)) {
	case IMSG_STATE_TMPFD:
		ok = view != NULL && view_fd == -1;
		break;
	case IMSG_STATE_COMMITTED:
		/* With an errno: the snapshot may not be in place. */
		ok = compacting && !swapping && view == NULL;
		break;
	case IMSG_STATE_JTMPFD:
		ok = swapping && jtmp_fd == -1;
		break;
	case IMSG_STATE_JCOMMITTED:
		ok = swapping && jtmp_fd != -1;
		break;
	default:
		ok = 0;
		break;
	}
	if (!ok ||
	    parent_answer(imsg,
	        imsg_get_type(imsg) == IMSG_STATE_TMPFD ||
	            imsg_get_type(imsg) == IMSG_STATE_JTMPFD,
	        &sfd, &serr) == -1)
		fatalx(
		    "%s: bad answer of type %u", __func__, imsg_get_type(imsg));

	switch (imsg_get_type(imsg)) {
	case IMSG_STATE_TMPFD:
		if (sfd == -1)
			compact_failed(strerror(serr));
		else
			compact_open(sfd);
		break;
	case IMSG_STATE_COMMITTED:
		if (serr != 0)
			compact_failed(strerror(serr));
		else
			compact_done();
		break;
	case IMSG_STATE_JTMPFD:
		if (sfd == -1)
			journal_swap_failed(strerror(serr));
		else
			journal_swap(sfd);
		break;
	case IMSG_STATE_JCOMMITTED:
		if (serr != 0) {
			close(jtmp_fd);
			jtmp_fd = -1;
			journal_swap_failed(strerror(serr));
		} else
			journal_swapped();
		break;
	}
}

static int
registry_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct config_msg cm;
	struct kill_result kres;
	static struct state_fds sf;
	struct op *op;
	int sfd, serr;

	switch (imsg_get_type(imsg)) {
	case IMSG_STATE_FDS:
		if (loaded || imsg_get_data(imsg, &sf, sizeof(sf)) == -1 ||
		    memchr(sf.snapshot, '\0', sizeof(sf.snapshot)) == NULL ||
		    memchr(sf.journal, '\0', sizeof(sf.journal)) == NULL)
			fatalx("%s: bad IMSG_STATE_FDS", __func__);
		(void)strlcpy(
		    snapshot_path, sf.snapshot, sizeof(snapshot_path));
		(void)strlcpy(journal_path, sf.journal, sizeof(journal_path));
		load_snapshot(imsg_get_fd(imsg), sf.have_snapshot);
		break;
	case IMSG_STATE_JOURNAL:
		if (loaded || imsg_get_len(imsg) != 0 ||
		    (sfd = imsg_get_fd(imsg)) == -1)
			fatalx("%s: bad IMSG_STATE_JOURNAL", __func__);
		load_journal(sfd);
		load_done();
		break;
	case IMSG_STATE_TMPFD:
	case IMSG_STATE_COMMITTED:
	case IMSG_STATE_JTMPFD:
	case IMSG_STATE_JCOMMITTED:
		compact_reply(imsg);
		break;
	case IMSG_STATE_SYNC:
		/* SIGHUP: fold the journal into the snapshot. */
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: bad IMSG_STATE_SYNC", __func__);
		if (loaded && (journal_size > 0 || !have_snapshot || resync))
			compact_want();
		break;
	case IMSG_STATE_FINAL:
		/* Stopping: the snapshot must hold every entry. */
		if (!loaded || final || imsg_get_len(imsg) != 0)
			fatalx("%s: bad IMSG_STATE_FINAL", __func__);
		final = 1;
		if (journal_size > 0 || !have_snapshot || resync)
			want_compact = 1;
		if (!compacting && !want_compact)
			final_check();
		else
			commit_schedule();
		break;
	case IMSG_KILL_RESULT:
		if (imsg_get_data(imsg, &kres, sizeof(kres)) == -1 ||
		    (op = op_by_id(imsg_get_id(imsg))) == NULL ||
		    op->type != IMSG_CTL_KILL || op->kills == 0 ||
		    tally_check(&kres.tally) == -1)
			fatalx("%s: bad IMSG_KILL_RESULT", __func__);
		req_kill_result(op, &kres);
		break;
	case IMSG_CONFIG:
		if (imsg_get_data(imsg, &cm, sizeof(cm)) == -1 ||
		    cm.last_seen_ns < 1000000)
			fatalx("%s: bad IMSG_CONFIG", __func__);
		if (cm.max_entries_per_uid < 1 ||
		    cm.max_labels > GP_LABELS_MAX ||
		    cm.max_cmd_bytes < CONFIG_CMD_BYTES_MIN ||
		    cm.max_cmd_bytes > GP_CMD_MAX || cm.dead_retention_ns < 0 ||
		    cm.dead_retention_ns > CONFIG_RETENTION_MAX ||
		    cm.metrics_ns < 0 || cm.metrics_ns > CONFIG_DURATION_MAX)
			fatalx("%s: bad IMSG_CONFIG limits", __func__);
		retention_ns = cm.dead_retention_ns;
		retention_due = 0;
		evtimer_del(&ev_retention);
		retention_arm();
		max_entries_per_uid = cm.max_entries_per_uid;
		max_labels = cm.max_labels;
		max_cmd_bytes = cm.max_cmd_bytes;
		seen_tv.tv_sec = cm.last_seen_ns / 1000000000;
		seen_tv.tv_usec = (cm.last_seen_ns % 1000000000) / 1000;
		if (loaded) {
			evtimer_del(&ev_seen);
			evtimer_add(&ev_seen, &seen_tv);
		}
		textfile_config(cm.metrics_ns);
		break;
	case IMSG_PROM_ON:
		if (!loaded || imsg_get_len(imsg) != 0)
			fatalx("%s: bad IMSG_PROM_ON", __func__);
		textfile_on();
		break;
	case IMSG_PROM_TMPFD:
		/* No descriptor: the parent says why (an errno). */
		sfd = imsg_get_fd(imsg);
		serr = 0;
		if ((sfd != -1 && imsg_get_len(imsg) != 0) ||
		    (sfd == -1 &&
		        imsg_get_data(imsg, &serr, sizeof(serr)) == -1))
			fatalx("%s: bad IMSG_PROM_TMPFD", __func__);
		textfile_fd(sfd, serr);
		break;
	default:
		return (-1);
	}
	return (0);
}

static int
registry_dispatch_prober(struct imsgev *iev, struct imsg *imsg)
{
	static struct probe_info pi;
	static struct probe_sample samples[PROBE_SAMPLES_MAX];
	static struct probe_tree_info ti;
	static struct probe_match_info mi;
	static struct probe_match_end me;
	struct probe_alive pa;
	struct op *op;
	size_t len;

	switch (imsg_get_type(imsg)) {
	case IMSG_PROBE_INFO:
		if (imsg_get_data(imsg, &pi, sizeof(pi)) == -1 ||
		    memchr(pi.cmd, '\0', sizeof(pi.cmd)) == NULL ||
		    memchr(pi.boot_id, '\0', sizeof(pi.boot_id)) == NULL ||
		    (op = op_by_id(imsg_get_id(imsg))) == NULL ||
		    op->type != IMSG_CTL_ADD)
			fatalx("%s: bad IMSG_PROBE_INFO", __func__);
		if (final || swapping) {
			/* Recorded once the journal is in place. */
			if ((op->probed = malloc(sizeof(pi))) == NULL)
				fatal(NULL);
			*op->probed = pi;
			op->state = OP_DEFERRED;
		} else
			req_add_probed(op, &pi);
		break;
	case IMSG_PROBE_CMDINFO:
		if (imsg_get_data(imsg, &pi, sizeof(pi)) == -1 ||
		    memchr(pi.cmd, '\0', sizeof(pi.cmd)) == NULL ||
		    (op = op_by_id(imsg_get_id(imsg))) == NULL ||
		    op->type != IMSG_CTL_EXECED)
			fatalx("%s: bad IMSG_PROBE_CMDINFO", __func__);
		req_execed_probed(op, &pi);
		break;
	case IMSG_PROBE_MATCHINFO:
		if (imsg_get_data(imsg, &mi, sizeof(mi)) == -1 ||
		    (op = op_by_id(imsg_get_id(imsg))) == NULL ||
		    op->type != IMSG_CTL_MATCH)
			fatalx("%s: bad IMSG_PROBE_MATCHINFO", __func__);
		match_info(op, &mi);
		break;
	case IMSG_PROBE_MATCHEND:
		if (imsg_get_data(imsg, &me, sizeof(me)) == -1 ||
		    (op = op_by_id(imsg_get_id(imsg))) == NULL ||
		    op->type != IMSG_CTL_MATCH)
			fatalx("%s: bad IMSG_PROBE_MATCHEND", __func__);
		match_end(op, &me);
		break;
	case IMSG_PROBE_TREEINFO:
		if (imsg_get_data(imsg, &ti, sizeof(ti)) == -1 ||
		    (op = op_by_id(imsg_get_id(imsg))) == NULL ||
		    op->type != IMSG_CTL_LIST)
			fatalx("%s: bad IMSG_PROBE_TREEINFO", __func__);
		list_children_info(op, &ti);
		break;
	case IMSG_PROBE_ALIVE:
		if (imsg_get_data(imsg, &pa, sizeof(pa)) == -1 ||
		    memchr(pa.boot_id, '\0', sizeof(pa.boot_id)) == NULL)
			fatalx("%s: bad IMSG_PROBE_ALIVE", __func__);
		probe_alive(&pa);
		break;
	case IMSG_PROBE_SAMPLES:
		len = imsg_get_len(imsg);
		if (len == 0 || len % sizeof(*samples) != 0 ||
		    len / sizeof(*samples) > PROBE_SAMPLES_MAX)
			fatalx("%s: bad IMSG_PROBE_SAMPLES", __func__);
		if (imsg_get_data(imsg, samples, len) == -1)
			fatalx("%s: bad IMSG_PROBE_SAMPLES", __func__);
		probe_samples(samples, len / sizeof(*samples));
		break;
	default:
		return (-1);
	}
	return (0);
}

/*
 * A request of a type of the wire table, as the frontend checked it and
 * prefixed with the client's credentials.
 */
static void
registry_request(struct imsg *imsg)
{
	struct ibuf payload;
	struct gp_cred cred;
	struct op *op;
	const char *errstr;
	uint32_t type = imsg_get_type(imsg);

	if (imsg_get_ibuf(imsg, &payload) == -1 ||
	    ibuf_get(&payload, &cred, sizeof(cred)) == -1)
		fatalx("%s: short request", __func__);
	if (op_by_conn(imsg_get_id(imsg)) != NULL)
		fatalx("%s: second request on connection %u", __func__,
		    imsg_get_id(imsg));
	op = op_new(type, imsg_get_id(imsg), &cred);
	if (wire_req_decode(&payload, type, op->req, &errstr) == -1)
		fatalx("%s: bad %s request: %s", __func__, wire_req_name(type),
		    errstr);
	if (op_waits(op) || (wire_req_mutates(op->req) && deferred_any()))
		op->state = OP_DEFERRED;
	else
		op_start(op);
}

static int
registry_dispatch_frontend(struct imsgev *iev, struct imsg *imsg)
{
	struct op *op;
	uint32_t type;

	type = imsg_get_type(imsg);
	if (wire_is_request(type)) {
		registry_request(imsg);
		return (0);
	}
	switch (type) {
	case IMSG_REQ_MORE:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: bad IMSG_REQ_MORE", __func__);
		if ((op = op_by_conn(imsg_get_id(imsg))) != NULL &&
		    op->state == OP_SENDING) {
			op->credit = LIST_CHUNK;
			op_pump(op);
		}
		break;
	case IMSG_WATCH_END:
		if (imsg_get_len(imsg) != 0 || nwatchers == 0)
			fatalx("%s: bad IMSG_WATCH_END", __func__);
		nwatchers--;
		break;
	case IMSG_REQ_CANCEL:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: bad IMSG_REQ_CANCEL", __func__);
		/* The work goes on; only the replies are dropped. */
		if ((op = op_by_conn(imsg_get_id(imsg))) != NULL) {
			op->conn = 0;
			if (op->state == OP_SENDING)
				op_free(op);
		}
		break;
	default:
		return (-1);
	}
	return (0);
}

/* Start a request with the handler of its type. */
static void
op_start(struct op *op)
{
	size_t i;

	for (i = 0; i < nitems(op_starts); i++)
		if (op_starts[i].type == op->type) {
			op_starts[i].start(op);
			return;
		}
	fatalx("%s: no handler for %s requests", __func__,
	    wire_req_name(op->type));
}

static void
req_ping(struct op *op)
{
	op_finish(op, 0, GP_ST_OK, "pong");
}

/*
 * The version, after an INFO whose count is the seconds goprocd has run
 * (the registry starts with it; a suspended machine's time counts).
 */
static void
req_version(struct op *op)
{
	struct timespec now;
	time_t up;

	if (clock_gettime(CLOCK_BOOTTIME, &now) == -1)
		fatal("clock_gettime");
	up = now.tv_sec - started.tv_sec;
	op_info(op,
	    up < 0              ? 0 :
	        up > UINT32_MAX ? UINT32_MAX :
	                          (uint32_t)up,
	    "%s", "");
	op_finish(op, 0, GP_ST_OK, "%s", GOPROC_VERSION);
}

/*
 * A watcher: the frontend starts matching events for it at WATCH_ON,
 * which goes out before the current matches, so that a change after
 * this moment reaches it as an event whatever the stream of entries is
 * doing meanwhile.  The END says that the entries are all out; the
 * frontend keeps the connection and tells us, with WATCH_END, when the
 * watcher is gone.
 */
static void
req_watch(struct op *op)
{
	struct rentry **m;
	size_t n;

	nwatchers++;
	imsg_compose_event(
	    &iev_frontend, IMSG_WATCH_ON, op->conn, 0, -1, NULL, 0);
	if (op->req->flags & GP_REQ_INITIAL) {
		select_matches(op, &m, &n);
		op_stream(op, m, n);
		free(m);
	}
	op_finish(op, 0, GP_ST_OK, "%s", "");
}

/*
 * Tell the frontend of a change, for its watchers; nothing is built
 * while there are none.  e is the entry after the change, or NULL.
 */
static void
event_emit(const struct gp_event *tmpl, const struct rentry *e)
{
	static struct gp_event ev;
	struct ibuf *buf;

	textfile_changed();
	if (nwatchers == 0)
		return;
	ev = *tmpl;
	if (ev.at == 0)
		ev.at = now_ns();
	if (e != NULL) {
		ev.flags |= GP_EVF_ENTRY;
		rentry_fill(rt, e, &ev.entry);
		if (ev.entry.alive && ev.entry.last_seen < seen_at)
			ev.entry.last_seen = seen_at;
	}
	/* A kill that found its process gone removes the entry alive. */
	if (ev.type == GP_EV_EXITED && ev.entry.alive) {
		ev.entry.alive = 0;
		ev.entry.met.valid |= GP_MET_EXITED;
		ev.entry.met.exited_at = ev.at;
	}
	if ((buf = ibuf_dynamic(256, MAX_IMSGSIZE)) == NULL)
		fatal(NULL);
	if (wire_event_encode(buf, &ev) == -1)
		fatalx("%s: event does not encode", __func__);
	if (imsg_compose_event_ibuf(&iev_frontend, IMSG_EVENT, 0, buf) == -1)
		fatal("%s: compose", __func__);
	ibuf_free(buf);
}

/* An event that says no more than its type, time and the entry. */
static void
event_entry(uint32_t type, const struct rentry *e, int64_t at)
{
	static struct gp_event ev;

	if (nwatchers == 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.at = at;
	event_emit(&ev, e);
}

/* A kill delivered a signal, for the client of op. */
static void
event_signalled(const struct op *op, const struct rentry *e, int32_t signo)
{
	static struct gp_event ev;

	if (nwatchers == 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = GP_EV_SIGNALLED;
	ev.signo = signo;
	ev.by_uid = op->cred.uid;
	ev.by_pid = op->cred.pid;
	event_emit(&ev, e);
}

static void
event_updated(const struct rentry *e, uint32_t changed)
{
	static struct gp_event ev;

	if (nwatchers == 0)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = GP_EV_UPDATED;
	ev.changed = changed;
	event_emit(&ev, e);
}

/* The ids of the entries a rename is about to change, for its events. */
static uint64_t *
rename_members(int kind, const char *label, size_t *np)
{
	static struct gp_request sel;
	struct rentry **m;
	uint64_t *ids;
	const char *errstr;
	size_t i, n;

	*np = 0;
	if (nwatchers == 0)
		return (NULL);
	memset(&sel, 0, sizeof(sel));
	if (gp_strlist_add(kind == REGTAB_TAG ? &sel.tags : &sel.groups, label,
	        GP_SEL_MAX, &errstr) == -1)
		fatalx("%s: %s", __func__, errstr);
	if (regtab_select(rt, &sel, &m, &n) == -1)
		fatal("%s: regtab_select", __func__);
	if (n == 0 || (ids = reallocarray(NULL, n, sizeof(*ids))) == NULL) {
		if (n != 0)
			fatal(NULL);
		free(m);
		return (NULL);
	}
	for (i = 0; i < n; i++)
		ids[i] = m[i]->id;
	free(m);
	*np = n;
	return (ids);
}

/* One renamed event per entry the rename changed; frees ids. */
static void
event_renamed(
    int kind, const char *from, const char *to, uint64_t *ids, size_t n)
{
	static struct gp_event ev;
	struct rentry *e;
	size_t i;

	memset(&ev, 0, sizeof(ev));
	ev.type = GP_EV_RENAMED;
	ev.changed = kind == REGTAB_TAG ? GP_CHG_TAGS : GP_CHG_GROUPS;
	(void)strlcpy(ev.from, from, sizeof(ev.from));
	(void)strlcpy(ev.to, to, sizeof(ev.to));
	ev.at = now_ns();
	for (i = 0; i < n; i++)
		if ((e = regtab_find_id(rt, ids[i])) != NULL)
			event_emit(&ev, e);
	free(ids);
}

/*
 * A mutation waits while the journal is replaced at the end of a
 * compaction, so that its record goes straight to the journal: written,
 * or refused with the reason, never held in memory.  A reset or a rename
 * waits for the whole compaction: it would have the snapshot being
 * written copy every entry it changes first.
 */
static int
op_waits(const struct op *op)
{
	if (!wire_req_mutates(op->req))
		return (0);
	if (final || swapping)
		return (1);
	return (compacting &&
	    (op->type == IMSG_CTL_RESET || (op->req->flags & GP_REQ_RENAME)));
}

/* A request waits already: later mutations queue behind it. */
static int
deferred_any(void)
{
	struct op *op;

	TAILQ_FOREACH(op, &ops, entry)
		if (op->state == OP_DEFERRED)
			return (1);
	return (0);
}

/* Start, in order of arrival, what waited for a compaction to end. */
static void
deferred_run(void)
{
	struct op *op;
	struct probe_info *pi;
	struct probe_match_end *me;

	while (!final && !swapping) {
		TAILQ_FOREACH(op, &ops, entry)
			if (op->state == OP_DEFERRED)
				break;
		if (op == NULL)
			return;
		if (op->probed == NULL && op->mend == NULL && op_waits(op))
			return;
		op->state = OP_WORKING;
		if ((pi = op->probed) != NULL) {
			op->probed = NULL;
			req_add_probed(op, pi);
			free(pi);
		} else if ((me = op->mend) != NULL) {
			op->mend = NULL;
			req_match_probed(op, me);
			free(me);
		} else
			op_start(op);
	}
}

static struct op *
op_new(uint32_t type, uint32_t conn, const struct gp_cred *cred)
{
	struct op *op;

	if ((op = calloc(1, sizeof(*op))) == NULL ||
	    (op->req = calloc(1, sizeof(*op->req))) == NULL)
		fatal(NULL);
	op->id = next_opid++;
	if (next_opid == 0)
		next_opid = 1;
	op->conn = conn;
	op->type = type;
	op->cred = *cred;
	op->state = OP_WORKING;
	op->credit = LIST_CHUNK;
	op->seq0 = journal_seq;
	TAILQ_INIT(&op->replies);
	TAILQ_INSERT_TAIL(&ops, op, entry);
	return (op);
}

static struct op *
op_by_id(uint32_t id)
{
	struct op *op;

	TAILQ_FOREACH(op, &ops, entry)
		if (op->id == id)
			return (op);
	return (NULL);
}

static struct op *
op_by_conn(uint32_t conn)
{
	struct op *op;

	if (conn == 0)
		return (NULL);
	TAILQ_FOREACH(op, &ops, entry)
		if (op->conn == conn)
			return (op);
	return (NULL);
}

static void
op_free(struct op *op)
{
	struct reply *r;

	if (op->state == OP_DURABLE)
		TAILQ_REMOVE(&durable_wait, op, entry);
	else
		TAILQ_REMOVE(&ops, op, entry);
	while ((r = TAILQ_FIRST(&op->replies)) != NULL) {
		TAILQ_REMOVE(&op->replies, r, entry);
		ibuf_free(r->buf);
		free(r);
	}
	if (op->grace_armed)
		evtimer_del(&op->ev_grace);
	free(op->exiting);
	free(op->kids);
	free(op->ids);
	free(op->probed);
	free(op->cands);
	free(op->mend);
	free(op->req);
	free(op);
}

/* Queue a reply (an encoded payload) to go out before the stream. */
static void
op_reply(struct op *op, uint32_t type, struct ibuf *buf)
{
	struct reply *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal(NULL);
	r->type = type;
	r->buf = buf;
	TAILQ_INSERT_TAIL(&op->replies, r, entry);
}

static struct ibuf *
encode_entry(const struct rentry *e, const struct gp_children *kids)
{
	static struct gp_entry ge;
	struct ibuf *buf;

	rentry_fill_fields(rt, e, &ge);
	if (kids != NULL && e->alive)
		ge.kids = *kids;
	if (ge.alive && ge.last_seen < seen_at)
		ge.last_seen = seen_at;
	if ((buf = ibuf_dynamic(256, MAX_IMSGSIZE)) == NULL)
		fatal(NULL);
	if (wire_entry_encode(buf, &ge) == -1)
		fatalx("%s: entry %llu does not encode", __func__,
		    (unsigned long long)e->id);
	return (buf);
}

static void
op_entry(struct op *op, const struct rentry *e)
{
	op_reply(op, IMSG_CTL_ENTRY, encode_entry(e, NULL));
}

static void
op_result(struct op *op, const struct rentry *e, uint32_t flags, int32_t signo,
    const char *msg)
{
	static struct gp_result res;
	struct ibuf *buf;

	memset(&res, 0, sizeof(res));
	rentry_fill(rt, e, &res.entry);
	if (res.entry.alive && res.entry.last_seen < seen_at)
		res.entry.last_seen = seen_at;
	res.flags = flags;
	res.signo = signo;
	res.tally = op->tally;
	(void)strlcpy(res.msg, msg, sizeof(res.msg));
	if ((buf = ibuf_dynamic(256, MAX_IMSGSIZE)) == NULL)
		fatal(NULL);
	if (wire_result_encode(buf, &res) == -1)
		fatalx("%s: result does not encode", __func__);
	op_reply(op, IMSG_CTL_RESULT, buf);
}

static void
op_info(struct op *op, uint32_t count, const char *fmt, ...)
{
	struct gp_end info;
	struct ibuf *buf;
	va_list ap;

	memset(&info, 0, sizeof(info));
	info.count = count;
	va_start(ap, fmt);
	(void)vsnprintf(info.msg, sizeof(info.msg), fmt, ap);
	va_end(ap);
	if ((buf = ibuf_dynamic(64, MAX_IMSGSIZE)) == NULL)
		fatal(NULL);
	if (wire_end_encode(buf, &info) == -1)
		fatalx("%s: info does not encode", __func__);
	op_reply(op, IMSG_CTL_INFO, buf);
}

/*
 * The request is decided: set its terminal reply, then send everything
 * once whatever it changed is on disk.
 */
static void
op_finish(struct op *op, int error, int32_t status, const char *fmt, ...)
{
	va_list ap;

	op->error = error;
	op->end.status = status;
	va_start(ap, fmt);
	(void)vsnprintf(op->end.msg, sizeof(op->end.msg), fmt, ap);
	va_end(ap);
	/*
	 * What this request changed must be on disk before it is answered;
	 * a request that changed nothing does not wait for others.
	 */
	if ((dirty || compacting) && journal_seq != op->seq0) {
		TAILQ_REMOVE(&ops, op, entry);
		TAILQ_INSERT_TAIL(&durable_wait, op, entry);
		op->state = OP_DURABLE;
		commit_schedule();
		return;
	}
	op->state = OP_SENDING;
	op_pump(op);
}

/*
 * What the request changed could not be recorded: drop the replies it
 * prepared and answer with the reason instead.
 */
static void
op_fail(struct op *op, int error)
{
	struct reply *r;

	while ((r = TAILQ_FIRST(&op->replies)) != NULL) {
		TAILQ_REMOVE(&op->replies, r, entry);
		ibuf_free(r->buf);
		free(r);
	}
	free(op->ids);
	op->ids = NULL;
	op->nids = op->pos = 0;
	op->count = 0;
	op->error = 1;
	memset(&op->end, 0, sizeof(op->end));
	op->end.status = GP_ST_FAIL;
	(void)snprintf(op->end.msg, sizeof(op->end.msg),
	    "cannot record the change: %s", strerror(error));
}

/* The journal is synced: what waited for it may be answered. */
static void
op_durable(struct op *op)
{
	TAILQ_REMOVE(&durable_wait, op, entry);
	TAILQ_INSERT_TAIL(&ops, op, entry);
	op->state = OP_SENDING;
	op_pump(op);
}

/* Send what the credit allows; the terminal reply last. */
static void
op_pump(struct op *op)
{
	struct reply *r;
	struct rentry *e, *prev = NULL, *next;
	struct ibuf *buf;
	uint64_t id;

	if (op->conn == 0) {
		op_free(op);
		return;
	}
	/*
	 * Nothing changes during one call: an entry follows the last one
	 * sent more often than not (a list in ID order), and is found
	 * from it without a search.  Between calls, entries may go.
	 */
	while (op->credit > 0) {
		if ((r = TAILQ_FIRST(&op->replies)) != NULL) {
			TAILQ_REMOVE(&op->replies, r, entry);
			if (imsg_compose_event_ibuf(
			        &iev_frontend, r->type, op->conn, r->buf) == -1)
				fatal("%s: compose", __func__);
			if (r->type != IMSG_CTL_INFO) {
				op->credit--;
				op->count++;
			}
			ibuf_free(r->buf);
			free(r);
			continue;
		}
		if (op->pos < op->nids) {
			id = op->ids[op->pos++];
			if (prev != NULL &&
			    (next = regtab_next(rt, prev)) != NULL &&
			    next->id == id)
				e = next;
			else if ((e = regtab_find_id(rt, id)) == NULL)
				continue; /* removed meanwhile */
			prev = e;
			buf = encode_entry(e,
			    op->kids != NULL ? &op->kids[op->pos - 1] : NULL);
			if (imsg_compose_event_ibuf(&iev_frontend,
			        IMSG_CTL_ENTRY, op->conn, buf) == -1)
				fatal("%s: compose", __func__);
			ibuf_free(buf);
			op->credit--;
			op->count++;
			continue;
		}
		if (op->end.count == 0)
			op->end.count = op->count;
		if ((buf = ibuf_dynamic(64, MAX_IMSGSIZE)) == NULL)
			fatal(NULL);
		if (wire_end_encode(buf, &op->end) == -1)
			fatalx("%s: end does not encode", __func__);
		if (imsg_compose_event_ibuf(&iev_frontend,
		        op->error ? IMSG_CTL_ERROR : IMSG_CTL_END, op->conn,
		        buf) == -1)
			fatal("%s: compose", __func__);
		ibuf_free(buf);
		op_free(op);
		return;
	}
}

static int
select_matches(struct op *op, struct rentry ***matches, size_t *n)
{
	if (regtab_select(rt, op->req, matches, n) == -1)
		fatal("%s: regtab_select", __func__);
	return (0);
}

/* Keep the ids of the matches, to stream them with flow control. */
static void
op_stream(struct op *op, struct rentry **m, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	if ((op->ids = reallocarray(NULL, n, sizeof(*op->ids))) == NULL)
		fatal(NULL);
	for (i = 0; i < n; i++)
		op->ids[i] = m[i]->id;
	op->nids = n;
	op->pos = 0;
}

/*
 * What list --sort orders by, for an entry: a dead entry, or one whose
 * value is unknown, ranks below every known value (-1).  Uptime is
 * ascending: the latest start first.
 */
static int64_t
sort_value(const struct rentry *e, uint32_t key)
{
	const struct gp_metrics *m;

	if (key == GP_SORT_PID)
		return (e->pid);
	if (key != GP_SORT_CPU && key != GP_SORT_RSS && key != GP_SORT_UPTIME)
		return (0);
	/* Only an alive entry's sample counts: most have none. */
	if (!e->alive || (m = regtab_metrics(rt, e)) == NULL)
		return (-1);
	switch (key) {
	case GP_SORT_CPU:
		if (!(m->valid & GP_MET_CPU_PCT))
			return (-1);
		return (m->cpu_pct);
	case GP_SORT_RSS:
		if (!(m->valid & GP_MET_SAMPLE))
			return (-1);
		return ((int64_t)m->rss_bytes);
	default:
		if (!(m->valid & GP_MET_STARTED))
			return (-1);
		return (INT64_MAX - m->started_at);
	}
}

static uint32_t sort_key;

/* An entry and its sort_value(), found once rather than per comparison. */
struct sort_item {
	int64_t v;
	struct rentry *e;
};

static int
sort_cmp(const void *a, const void *b)
{
	const struct sort_item *ia = a, *ib = b;
	const char *na, *nb;
	int c;

	if (sort_key == GP_SORT_NAME) {
		na = rentry_name(ia->e);
		nb = rentry_name(ib->e);
		if ((c = strcmp(na == NULL ? "" : na, nb == NULL ? "" : nb)) !=
		    0)
			return (c);
	} else if (ia->v != ib->v)
		return (ia->v < ib->v ? -1 : 1);
	return (ia->e->id < ib->e->id ? -1 : ia->e->id > ib->e->id);
}

/* list --sort, --reverse and --limit, on the matches. */
static void
list_order(const struct gp_request *req, struct rentry **m, size_t *n)
{
	struct sort_item *v;
	struct rentry *t;
	size_t i;

	if (req->sort == GP_SORT_ID && !(req->flags & GP_REQ_REVERSE) &&
	    req->limit == 0)
		return;
	sort_key = req->sort;
	if (*n > 1) {
		if ((v = reallocarray(NULL, *n, sizeof(*v))) == NULL)
			fatal(NULL);
		for (i = 0; i < *n; i++) {
			v[i].e = m[i];
			v[i].v = sort_value(m[i], sort_key); /* name, id: 0 */
		}
		qsort(v, *n, sizeof(*v), sort_cmp);
		for (i = 0; i < *n; i++)
			m[i] = v[i].e;
		free(v);
	}
	if (req->flags & GP_REQ_REVERSE)
		for (i = 0; i < *n / 2; i++) {
			t = m[i];
			m[i] = m[*n - 1 - i];
			m[*n - 1 - i] = t;
		}
	if (req->limit != 0 && *n > req->limit)
		*n = req->limit;
}

static void
req_list(struct op *op)
{
	struct rentry **m;
	size_t n;

	select_matches(op, &m, &n);
	list_order(op->req, m, &n);
	op_stream(op, m, n);
	if (op->req->flags & GP_REQ_CHILDREN)
		list_children(op, m, n);
	free(m);
	if (op->kids_pending == 0)
		list_done(op);
}

static void
list_done(struct op *op)
{
	/* goproc says the same with or without filters. */
	if (op->nids > 0)
		op_finish(op, 0, GP_ST_OK, "%s", "");
	else
		op_finish(op, 0, GP_ST_OK, "No processes registered");
}

/*
 * list --children: ask the prober, which reads /proc, for the children
 * of the alive matches, in messages of PROBE_TREE_MAX; the list goes
 * out once every answer is in.
 */
static void
list_children(struct op *op, struct rentry **m, size_t n)
{
	static struct probe_tree_req treq[PROBE_TREE_MAX];
	size_t i, k = 0;

	if (n == 0)
		return;
	if ((op->kids = calloc(n, sizeof(*op->kids))) == NULL)
		fatal(NULL);
	for (i = 0; i < n; i++) {
		if (!m[i]->alive)
			continue;
		treq[k].index = (uint32_t)i;
		treq[k].pid = m[i]->pid;
		treq[k].start_ticks = m[i]->start_ticks;
		op->kids_pending++;
		if (++k < nitems(treq) && i + 1 < n)
			continue;
		imsg_compose_event(&iev_prober, IMSG_PROBE_TREE, op->id, 0, -1,
		    treq, k * sizeof(treq[0]));
		k = 0;
	}
	if (k > 0)
		imsg_compose_event(&iev_prober, IMSG_PROBE_TREE, op->id, 0, -1,
		    treq, k * sizeof(treq[0]));
}

/* The prober's answer for one entry of a list --children. */
static void
list_children_info(struct op *op, const struct probe_tree_info *ti)
{
	const struct gp_children *k = &ti->kids;
	uint32_t i;

	if (ti->index >= op->nids || op->kids_pending == 0 || k->valid > 1 ||
	    k->n > GP_CHILDREN_MAX || k->n > k->nchildren ||
	    k->nchildren > k->ndesc || k->ndesc > GP_PID_MAX)
		fatalx("%s: bad IMSG_PROBE_TREEINFO", __func__);
	for (i = 0; i < k->n; i++)
		if (k->v[i].pid < 1 || k->v[i].pid > GP_PID_MAX ||
		    memchr(k->v[i].comm, '\0', sizeof(k->v[i].comm)) == NULL)
			fatalx("%s: bad IMSG_PROBE_TREEINFO child", __func__);
	op->kids[ti->index] = *k;
	if (--op->kids_pending == 0)
		list_done(op);
}

/*
 * The limits of goprocd.conf on a new entry: labels, and entries per
 * uid (root and the daemon's user have none).  Returns -1 once the
 * request is answered.
 */
static int
add_limits(struct op *op)
{
	struct gp_request *req = op->req;

	if (req->tags.n > max_labels || req->groups.n > max_labels) {
		op_finish(op, 1, GP_ST_INVAL,
		    "too many %s (%u, limit %u, max_labels in goprocd.conf)",
		    req->tags.n > max_labels ? "tags" : "groups",
		    req->tags.n > max_labels ? req->tags.n : req->groups.n,
		    max_labels);
		return (-1);
	}
	if (privileged(op))
		return (0);
	if (regtab_uid_count(rt, op->cred.uid) >= max_entries_per_uid) {
		op_finish(op, 1, GP_ST_FAIL,
		    "too many entries for uid %u (limit %u, max_entries_per_uid in goprocd.conf)",
		    op->cred.uid, max_entries_per_uid);
		return (-1);
	}
	return (0);
}

/*
 * Keep at most max_cmd_bytes of a command line: a longer one is cut at a
 * character boundary and ends with "...".
 */
static void
cmd_truncate(char *cmd)
{
	size_t len;

	if (strlen(cmd) <= max_cmd_bytes)
		return;
	len = max_cmd_bytes - 3;
	/* Do not end inside a UTF-8 sequence. */
	while (len > 0 && ((unsigned char)cmd[len] & 0xc0) == 0x80)
		len--;
	memcpy(cmd + len, "...", 4);
}

static void
req_add(struct op *op)
{
	struct gp_request *req = op->req;
	struct probe_add_req par;

	if (add_limits(op) == -1 || name_taken(op) == -1)
		return;
	par.uid = op->cred.uid;
	par.pid = req->pid;
	imsg_compose_event(
	    &iev_prober, IMSG_PROBE_ADD, op->id, 0, -1, &par, sizeof(par));
}

static void
req_add_probed(struct op *op, const struct probe_info *pi)
{
	static struct gp_entry ge;
	struct gp_request *req = op->req;
	struct rentry *e;
	char err[GP_MSG_MAX];
	int r;

	if (pi->pid != req->pid)
		fatalx("%s: answer for the wrong pid", __func__);
	if (pi->error == ESRCH) {
		op_finish(
		    op, 1, GP_ST_NOTFOUND, "pid %d: no such process", req->pid);
		return;
	}
	if (pi->error == EPERM) {
		op_finish(
		    op, 1, GP_ST_PERM, "pid %d: permission denied", req->pid);
		return;
	}
	if (pi->error == EINVAL) {
		op_finish(op, 1, GP_ST_INVAL,
		    "pid %d is a thread of process %d, not a process", req->pid,
		    pi->tgid);
		return;
	}
	if (pi->error == EACCES) {
		op_finish(op, 1, GP_ST_PERM,
		    "pid %d is %s and cannot be registered", req->pid,
		    req->pid == 1 ? "init" : "a kernel thread");
		return;
	}
	if (pi->error != 0)
		fatalx("%s: bad error %d", __func__, pi->error);

	add_fill(op, pi, &ge);

	/* Other adds of the same uid may have finished meanwhile. */
	if (add_limits(op) == -1)
		return;
	r = add_record(op, &ge, pi->boot_id, &e, err, sizeof(err));
	if (r == REGTAB_EEXIST &&
	    (req->name[0] == '\0' || regtab_find_name(rt, req->name) == NULL)) {
		/* A PID already tracked: an answer, as in goproc. */
		op_finish(op, 0, GP_ST_EXISTS, "%s", err);
		return;
	}
	if (r == REGTAB_EEXIST) {
		op_finish(op, 1, GP_ST_EXISTS, "%s", err);
		return;
	}
	if (r != REGTAB_OK) {
		op_finish(op, 1, r == ADD_UNRECORDED ? GP_ST_FAIL : GP_ST_INVAL,
		    "%s", err);
		return;
	}
	op_entry(op, e);
	op_finish(op, 0, GP_ST_OK, "%s", "");
}

/* A new entry as add makes it of what the prober said of its process. */
static void
add_fill(struct op *op, const struct probe_info *pi, struct gp_entry *ge)
{
	struct gp_request *req = op->req;

	memset(ge, 0, sizeof(*ge));
	ge->pid = pi->pid;
	ge->pgid = pi->pgid;
	ge->start_ticks = pi->start_ticks;
	ge->added_at = ge->last_seen = now_ns();
	ge->owner_uid = op->cred.uid;
	ge->alive = 1;
	(void)strlcpy(ge->name, req->name, sizeof(ge->name));
	add_cmd(ge, pi, req);
	cmd_truncate(ge->cmd);
	ge->tags = req->tags;
	ge->groups = req->groups;
	gp_entry_sort_labels(ge);
}

/*
 * Register a new entry and journal it, then watch it.  Returns
 * REGTAB_OK with the entry in *ep, a REGTAB_* error, or ADD_UNRECORDED
 * when it could not be recorded (and is not registered); err says why.
 */
static int
add_record(struct op *op, struct gp_entry *ge, const char *boot_id,
    struct rentry **ep, char *err, size_t errlen)
{
	struct rentry *e;
	size_t jlen;
	uint64_t id;
	int r;

	if ((r = regtab_add(rt, ge, boot_id, &e, err, errlen)) != REGTAB_OK)
		return (r);
	if (journal_append(journal_add(rt, ++journal_seq, e, &jlen), &jlen) ==
	    -1) {
		/* Not on disk: not in memory either, nor its ID used. */
		r = errno;
		id = e->id;
		regtab_remove(rt, e);
		if (regtab_set_next_id(rt, id, err, errlen) == -1)
			fatalx("%s: next id %llu: %s", __func__,
			    (unsigned long long)id, err);
		(void)snprintf(
		    err, errlen, "cannot record the change: %s", strerror(r));
		return (ADD_UNRECORDED);
	}
	watch(e);
	nalive++;
	event_entry(GP_EV_ADDED, e, e->added_at);
	*ep = e;
	return (REGTAB_OK);
}

/* add's --name, taken by another entry: the request is answered. */
static int
name_taken(struct op *op)
{
	struct rentry *e;

	if (op->req->name[0] == '\0' ||
	    (e = regtab_find_name(rt, op->req->name)) == NULL)
		return (0);
	op_finish(op, 1, GP_ST_EXISTS,
	    "name \"%s\" is already in use by id %llu", op->req->name,
	    (unsigned long long)e->id);
	return (-1);
}

/*
 * add --match: the prober, which reads /proc, compiles the pattern and
 * finds the processes (never the client, whose pid the frontend took
 * from SO_PEERCRED, nor its ancestors); the registry decides what of
 * them to register.
 */
static void
req_match(struct op *op)
{
	static struct probe_match_req mr;
	struct gp_request *req = op->req;

	if (add_limits(op) == -1 || name_taken(op) == -1)
		return;
	memset(&mr, 0, sizeof(mr));
	mr.uid = op->cred.uid;
	mr.client = op->cred.pid;
	mr.flags = req->flags &
	    (GP_REQ_FULL | GP_REQ_EXACT | GP_REQ_NEWEST | GP_REQ_OLDEST |
	        GP_REQ_UID);
	mr.euid = req->uid;
	mr.nppids = req->npids;
	memcpy(mr.ppids, req->pids, sizeof(mr.ppids));
	(void)strlcpy(mr.pattern, req->search, sizeof(mr.pattern));
	imsg_compose_event(
	    &iev_prober, IMSG_PROBE_MATCH, op->id, 0, -1, &mr, sizeof(mr));
}

/* One process the prober found for an add --match. */
static void
match_info(struct op *op, const struct probe_match_info *mi)
{
	const struct probe_info *pi = &mi->pi;
	struct probe_match_info *nc;

	if (op->mend != NULL || op->ncands >= GP_MATCH_MAX || pi->pid < 1 ||
	    pi->pid > GP_PID_MAX ||
	    memchr(pi->cmd, '\0', sizeof(pi->cmd)) == NULL ||
	    memchr(pi->boot_id, '\0', sizeof(pi->boot_id)) == NULL ||
	    memchr(mi->comm, '\0', sizeof(mi->comm)) == NULL ||
	    (pi->error != 0 && pi->error != ESRCH && pi->error != EPERM &&
	        pi->error != EINVAL && pi->error != EACCES))
		fatalx("%s: bad IMSG_PROBE_MATCHINFO", __func__);
	if (op->ncands % 64 == 0) {
		nc = reallocarray(op->cands, op->ncands + 64, sizeof(*nc));
		if (nc == NULL)
			fatal(NULL);
		op->cands = nc;
	}
	op->cands[op->ncands++] = *mi;
}

/* The prober found them all: decide, or wait for a compaction to end. */
static void
match_end(struct op *op, const struct probe_match_end *me)
{
	if (memchr(me->msg, '\0', sizeof(me->msg)) == NULL ||
	    me->error > MATCH_NOPROC || op->mend != NULL ||
	    (me->error == 0 && me->matched != op->ncands))
		fatalx("%s: bad IMSG_PROBE_MATCHEND", __func__);
	if (final || swapping) {
		if ((op->mend = malloc(sizeof(*me))) == NULL)
			fatal(NULL);
		*op->mend = *me;
		op->state = OP_DEFERRED;
	} else
		req_match_probed(op, me);
}

/*
 * The processes found: those the client may not add are counted, those
 * gone are forgotten, those registered already are reported as skipped,
 * and the rest registered, all of them or none.
 */
static void
req_match_probed(struct op *op, const struct probe_match_end *me)
{
	const struct probe_match_info **reg;
	const char *pat = op->req->search;
	size_t i, nreg = 0;
	uint32_t denied = 0;

	switch (me->error) {
	case MATCH_BADRE:
		op_finish(op, 1, GP_ST_INVAL, "invalid pattern \"%s\": %s", pat,
		    me->msg);
		return;
	case MATCH_TOOMANY:
		op_finish(op, 1, GP_ST_INVAL,
		    "%u processes match \"%s\", more than %d: narrow the pattern",
		    me->matched, pat, GP_MATCH_MAX);
		return;
	case MATCH_NOPROC:
		op_finish(op, 1, GP_ST_FAIL,
		    "cannot read /proc to match \"%s\"", pat);
		return;
	}
	if ((reg = reallocarray(NULL, op->ncands + 1, sizeof(*reg))) == NULL)
		fatal(NULL);
	for (i = 0; i < op->ncands; i++) {
		if (op->cands[i].pi.error == EPERM)
			denied++;
		else if (op->cands[i].pi.error == 0 &&
		    registered(&op->cands[i].pi) == NULL)
			reg[nreg++] = &op->cands[i];
	}
	if (match_guard(op, reg, nreg, denied) == 0)
		match_register(op, reg, nreg, denied);
	free(reg);
}

/*
 * What add --match refuses: nothing found, several without --all (or
 * --dry-run), several for one --name.  Returns -1 once answered.
 */
static int
match_guard(struct op *op, const struct probe_match_info **reg, size_t nreg,
    uint32_t denied)
{
	const char *pat = op->req->search;
	char pids[GP_MSG_MAX / 4], pid[32];
	size_t i, nskip = 0;

	for (i = 0; i < op->ncands; i++)
		if (op->cands[i].pi.error == 0)
			nskip++;
	nskip -= nreg;
	if (nreg == 0 && nskip == 0) {
		if (denied > 0)
			op_finish(op, 1, GP_ST_PERM,
			    "no process you may add matches \"%s\": %u of other users do (permission denied)",
			    pat, denied);
		else
			op_finish(op, 1, GP_ST_NOTFOUND,
			    "no process matches \"%s\"", pat);
		return (-1);
	}
	if (nreg > 1 && op->req->name[0] != '\0') {
		op_finish(op, 1, GP_ST_INVAL,
		    "--name names one process, but %zu match \"%s\"", nreg,
		    pat);
		return (-1);
	}
	if (nreg <= 1 || (op->req->flags & (GP_REQ_ALL | GP_REQ_DRYRUN)))
		return (0);
	pids[0] = '\0';
	for (i = 0; i < nreg; i++) {
		(void)snprintf(pid, sizeof(pid), "%s%d", i > 0 ? ", " : "",
		    reg[i]->pi.pid);
		if (strlen(pids) + strlen(pid) + sizeof(", ...") >
		    sizeof(pids)) {
			(void)strlcat(pids, ", ...", sizeof(pids));
			break;
		}
		(void)strlcat(pids, pid, sizeof(pids));
	}
	op_finish(op, 1, GP_ST_INVAL,
	    "%zu processes match \"%s\" (pids: %s). Use --all to register them all, or --dry-run to see them",
	    nreg, pat, pids);
	return (-1);
}

/*
 * Report the skipped, then register the rest (with --dry-run, show them
 * as entries without an id).  A failure stops at that process: those
 * before it stay registered, and are reported.
 */
static void
match_register(struct op *op, const struct probe_match_info **reg, size_t nreg,
    uint32_t denied)
{
	static struct gp_entry ge;
	const struct probe_match_info *c;
	struct rentry *e;
	struct ibuf *buf;
	char err[GP_MSG_MAX];
	size_t i;
	int r;

	for (i = 0; i < op->ncands; i++) {
		c = &op->cands[i];
		if (c->pi.error == 0 && (e = registered(&c->pi)) != NULL)
			op_result(op, e, GP_RES_SKIPPED, 0, c->comm);
	}
	for (i = 0; i < nreg; i++) {
		add_fill(op, &reg[i]->pi, &ge);
		if (op->req->flags & GP_REQ_DRYRUN) {
			if ((buf = ibuf_dynamic(256, MAX_IMSGSIZE)) == NULL)
				fatal(NULL);
			if (wire_entry_encode(buf, &ge) == -1)
				fatalx(
				    "%s: candidate does not encode", __func__);
			op_reply(op, IMSG_CTL_ENTRY, buf);
			continue;
		}
		if (add_limits(op) == -1)
			return;
		r = add_record(
		    op, &ge, reg[i]->pi.boot_id, &e, err, sizeof(err));
		if (r != REGTAB_OK) {
			op_finish(op, 1,
			    r == ADD_UNRECORDED    ? GP_ST_FAIL :
			        r == REGTAB_EEXIST ? GP_ST_EXISTS :
			                             GP_ST_INVAL,
			    "pid %d: %s", ge.pid, err);
			return;
		}
		op_entry(op, e);
	}
	if (denied > 0)
		op_finish(op, 0, GP_ST_OK,
		    "Not registered: %u matching process%s of other users (permission denied)",
		    denied, denied == 1 ? "" : "es");
	else
		op_finish(op, 0, GP_ST_OK, "%s", "");
}

/* The entry of a process (pid, start time, boot), if it is registered. */
static struct rentry *
registered(const struct probe_info *pi)
{
	struct rentry *o;
	const char *b;

	for (o = regtab_find_pid(rt, pi->pid); o != NULL;
	     o = regtab_next_pid(rt, o)) {
		b = rentry_boot_id(rt, o);
		if (o->start_ticks == pi->start_ticks &&
		    strcmp(b != NULL ? b : "", pi->boot_id) == 0)
			return (o);
	}
	return (NULL);
}

/*
 * The command line of a new entry is what the prober read from /proc.
 * Only where /proc could not be read does the client's word stand in
 * (or "pid:PID", as goproc's add says), marked as a client's.
 */
static void
add_cmd(struct gp_entry *ge, const struct probe_info *pi,
    const struct gp_request *req)
{
	if (pi->cmd_error == 0) {
		(void)strlcpy(ge->cmd, pi->cmd, sizeof(ge->cmd));
		return;
	}
	log_debug("pid %d: cannot read its command line: %s", pi->pid,
	    strerror(pi->cmd_error));
	if (req->cmd[0] != '\0')
		(void)strlcpy(ge->cmd, req->cmd, sizeof(ge->cmd));
	else
		(void)snprintf(ge->cmd, sizeof(ge->cmd), "pid:%d", pi->pid);
	ge->flags |= GP_ENT_CMD_CLIENT;
}

/*
 * rm and kill: more than one match needs --all.  goproc's words, with
 * the ids of the matches (as many as fit).
 */
static int
check_all(struct op *op, struct rentry **m, size_t n, int kill)
{
	const char *verb = kill ? "terminate" : "delete";

	char ids[GP_MSG_MAX / 2], id[32];
	size_t i;

	if (n <= 1 || (op->req->flags & GP_REQ_ALL))
		return (0);
	ids[0] = '\0';
	for (i = 0; i < n; i++) {
		(void)snprintf(id, sizeof(id), "%s%llu", i > 0 ? ", " : "",
		    (unsigned long long)m[i]->id);
		if (strlen(ids) + strlen(id) + sizeof(", ...") > sizeof(ids)) {
			(void)strlcat(ids, ", ...", sizeof(ids));
			break;
		}
		(void)strlcat(ids, id, sizeof(ids));
	}
	if (op->type == IMSG_CTL_UPDATE)
		verb = "update";
	op_finish(op, 1, GP_ST_INVAL,
	    "multiple %sprocesses match filters (ids: %s). Use --all to %s all or narrow the selection",
	    kill ? "alive " : "", ids, verb);
	return (-1);
}

/* Root and the daemon's owner may act on every entry. */
static int
privileged(const struct op *op)
{
	return (op->cred.uid == 0 || op->cred.uid == admin_uid);
}

/*
 * Everyone may list; a mutation acts only on the client's own entries.
 * One entry of somebody else's refuses the whole request.
 */
static int
check_owner(struct op *op, struct rentry **m, size_t n)
{
	size_t i;

	if (privileged(op))
		return (0);
	for (i = 0; i < n; i++) {
		if (m[i]->owner_uid == op->cred.uid)
			continue;
		op_finish(op, 1, GP_ST_PERM,
		    "permission denied: [id=%llu] pid=%d belongs to uid %u",
		    (unsigned long long)m[i]->id, m[i]->pid, m[i]->owner_uid);
		return (-1);
	}
	return (0);
}

static void
req_rm(struct op *op)
{
	struct rentry **m;
	size_t i, n;
	int r;

	if (!gp_has_selectors(op->req) && !(op->req->flags & GP_REQ_ALL)) {
		op_finish(op, 1, GP_ST_INVAL,
		    "provide at least one selector (--id/--pid/--tag/--group/--name/--search) or pass --all");
		return;
	}
	select_matches(op, &m, &n);
	if (n == 0) {
		free(m);
		op_finish(
		    op, 0, GP_ST_NOTFOUND, "No matching processes registered");
		return;
	}
	if (check_all(op, m, n, 0) == -1 || check_owner(op, m, n) == -1) {
		free(m);
		return;
	}
	/* Every removal on disk first, in one write, or none. */
	if (journal_rm_all(m, n) == -1) {
		r = errno;
		free(m);
		op_finish(op, 1, GP_ST_FAIL, "cannot record the change: %s",
		    strerror(r));
		return;
	}
	for (i = 0; i < n; i++) {
		op_result(op, m[i], GP_RES_REMOVED, 0, "");
		entry_drop(m[i]);
	}
	free(m);
	op_finish(op, 0, GP_ST_OK, "%s", "");
}

/*
 * update: what rm allows (--all for several, the owner's entries), a
 * new name for one entry only and free, and each entry within the
 * label limits.  Returns -1 once the request is answered.
 */
static int
update_check(struct op *op, struct rentry **m, size_t n)
{
	static struct gp_entry ge;
	struct gp_request *req = op->req;
	struct rentry *holder;
	char err[128];
	uint32_t changed;
	size_t i;

	if (check_all(op, m, n, 0) == -1 || check_owner(op, m, n) == -1)
		return (-1);
	if (req->name[0] != '\0' && n > 1) {
		op_finish(op, 1, GP_ST_INVAL,
		    "name \"%s\" can go to one process only, not %zu",
		    req->name, n);
		return (-1);
	}
	if (req->name[0] != '\0' &&
	    (holder = regtab_find_name(rt, req->name)) != NULL &&
	    holder != m[0]) {
		op_finish(op, 1, GP_ST_EXISTS,
		    "name \"%s\" is already in use by id %llu", req->name,
		    (unsigned long long)holder->id);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (regtab_edit(
		        rt, m[i], req, &ge, &changed, err, sizeof(err)) == 0 &&
		    ge.tags.n <= max_labels && ge.groups.n <= max_labels)
			continue;
		if (ge.tags.n > max_labels || ge.groups.n > max_labels)
			(void)snprintf(err, sizeof(err),
			    "too many %s (%u, limit %u, max_labels in goprocd.conf)",
			    ge.tags.n > max_labels ? "tags" : "groups",
			    ge.tags.n > max_labels ? ge.tags.n : ge.groups.n,
			    max_labels);
		op_finish(op, 1, GP_ST_INVAL, "[id=%llu] pid=%d: %s",
		    (unsigned long long)m[i]->id, m[i]->pid, err);
		return (-1);
	}
	return (0);
}

/*
 * Change the name, tags and groups of the matches in one step: every
 * check first, then one journal write, then the table.  One entry
 * replies per entry changed, as list shows it.
 */
static void
req_update(struct op *op)
{
	static struct gp_entry ge;
	struct gp_request *req = op->req;
	struct rentry **m, *e;
	uint64_t *ids;
	uint32_t changed;
	size_t i, n, nchg;
	char err[128];
	int r;

	if (!gp_has_selectors(req) && !(req->flags & GP_REQ_ALL)) {
		op_finish(op, 1, GP_ST_INVAL,
		    "provide at least one selector (--id/--pid/--tag/--group/--search/--alive/--dead) or pass --all");
		return;
	}
	select_matches(op, &m, &n);
	if (n == 0) {
		free(m);
		op_finish(
		    op, 0, GP_ST_NOTFOUND, "No matching processes registered");
		return;
	}
	if (update_check(op, m, n) == -1) {
		free(m);
		return;
	}
	if ((ids = reallocarray(NULL, n, sizeof(*ids))) == NULL)
		fatal(NULL);
	for (i = nchg = 0; i < n; i++) {
		if (regtab_edit(
		        rt, m[i], req, &ge, &changed, err, sizeof(err)) == -1)
			fatalx("%s: %s", __func__, err);
		if (changed != 0)
			m[nchg++] = m[i];
	}
	for (i = 0; i < nchg; i++)
		ids[i] = m[i]->id;
	if (nchg == 0) {
		free(ids);
		free(m);
		op_finish(op, 0, GP_ST_OK,
		    "No changes: %zu matching process(es) already as requested",
		    n);
		return;
	}
	/* Every change on disk first, in one write, or none. */
	if (journal_update_all(ids, nchg, req) == -1) {
		r = errno;
		free(ids);
		free(m);
		op_finish(op, 1, GP_ST_FAIL, "cannot record the change: %s",
		    strerror(r));
		return;
	}
	for (i = 0; i < nchg; i++) {
		if (regtab_edit(
		        rt, m[i], req, &ge, &changed, err, sizeof(err)) == -1)
			fatalx("%s: %s", __func__, err);
		e = regtab_replace(rt, m[i], &ge);
		event_updated(e, changed);
	}
	free(m);
	/* Streamed after the durable write, as list streams them. */
	op->ids = ids;
	op->nids = nchg;
	op->pos = 0;
	op_finish(op, 0, GP_ST_OK, "%s", "");
}

/*
 * dead_retention: the timer is set for the entry that died first.  A
 * death later than that one changes nothing; each costs O(log n).
 */
static void
retention_arm(void)
{
	struct rentry *e;
	struct timeval tv;
	int64_t due, now, wait;

	if (!loaded || retention_ns == 0 ||
	    (e = regtab_first_dead(rt)) == NULL) {
		if (retention_due != 0)
			evtimer_del(&ev_retention);
		retention_due = 0;
		return;
	}
	due = e->dead_at > INT64_MAX - retention_ns ? INT64_MAX :
	                                              e->dead_at + retention_ns;
	if (retention_due != 0 && retention_due <= due)
		return;
	now = now_ns();
	wait = due > now ? due - now : 0;
	tv.tv_sec = wait / 1000000000;
	tv.tv_usec = (wait % 1000000000) / 1000;
	evtimer_del(&ev_retention);
	evtimer_add(&ev_retention, &tv);
	retention_due = due;
}

/* Remove, as rm would, the dead entries whose retention ran out. */
static void
retention_run(int fd, short event, void *arg)
{
	struct rentry *m[RETENTION_BATCH];
	struct timeval tv = { COMPACT_RETRY_SEC, 0 };
	int64_t now;
	size_t i, n;

	retention_due = 0;
	if (final || retention_ns == 0)
		return;
	now = now_ns();
	n = regtab_dead_until(rt, now - retention_ns, m, RETENTION_BATCH);
	if (n > 0 && journal_rm_all(m, n) == -1) {
		if (!retention_failing)
			log_warnx("dead_retention: cannot record removals: %s; "
			          "retrying every %d s",
			    strerror(errno), COMPACT_RETRY_SEC);
		retention_failing = 1;
		evtimer_add(&ev_retention, &tv);
		retention_due = now + (int64_t)COMPACT_RETRY_SEC * 1000000000;
		return;
	}
	retention_failing = 0;
	for (i = 0; i < n; i++) {
		log_debug("id %llu: dead for dead_retention, removed",
		    (unsigned long long)m[i]->id);
		entry_drop(m[i]);
	}
	if (n > 0)
		commit_schedule();
	retention_arm();
}

static void
req_kill(struct op *op)
{
	struct rentry **m;
	struct kill_req kr;
	size_t i, n, alive = 0;

	if (!gp_has_selectors(op->req) && !(op->req->flags & GP_REQ_ALL)) {
		op_finish(op, 1, GP_ST_INVAL,
		    "provide at least one selector (--id/--pid/--tag/--group/--name) or pass --all");
		return;
	}
	select_matches(op, &m, &n);
	for (i = 0; i < n; i++)
		if (m[i]->alive)
			m[alive++] = m[i];
	if (alive == 0) {
		free(m);
		op_finish(op, 0, n == 0 ? GP_ST_NOTFOUND : GP_ST_OK, "%s",
		    n == 0 ?
		        "No processes match the provided selectors" :
		        "Matching processes exist but none are currently alive");
		return;
	}
	if (check_all(op, m, alive, 1) == -1 ||
	    check_owner(op, m, alive) == -1) {
		free(m);
		return;
	}
	for (i = 0; i < alive; i++) {
		memset(&kr, 0, sizeof(kr));
		kr.id = m[i]->id;
		kr.pid = m[i]->pid;
		kr.pgid = m[i]->pgid;
		kr.start_ticks = m[i]->start_ticks;
		kr.signo = op->req->signo;
		kr.wait_ms = op->req->wait_ms;
		kr.uid = op->cred.uid;
		if (op->req->flags & GP_REQ_TREE)
			kr.flags = KILL_TREE;
		imsg_compose_event(
		    &iev_parent, IMSG_KILL, op->id, 0, -1, &kr, sizeof(kr));
		op->kills++;
		op->nkills++;
	}
	free(m);
}

/*
 * The parent's answer for one entry.  An entry leaves the registry only
 * once its process has exited: a signal it outlives (USR1 it handles,
 * CONT) leaves it in place, and the answer says "Signalled".  The prober
 * sees an exit the moment it happens, so a delivered signal waits up to
 * KILL_EXIT_GRACE_MS for that news.
 */
static void
req_kill_result(struct op *op, const struct kill_result *kres)
{
	struct timeval tv;
	struct rentry *e;
	struct exiting *ex;
	char msg[GP_MSG_MAX];

	op->kills--;
	op->tally = kres->tally;
	if ((e = regtab_find_id(rt, kres->id)) != NULL && kres->error == 0)
		event_signalled(op, e, kres->signo);
	if (e == NULL) {
		/* Removed by another request while the signal went out. */
		op->failed++;
	} else if (kres->error == 0 &&
	    (!e->alive || (kres->flags & GP_RES_EXITED))) {
		/* The prober saw the exit, or the parent reports one. */
		(void)kill_remove(op, e, kres->signo);
	} else if (kres->error == 0) {
		ex = reallocarray(
		    op->exiting, op->nexiting + 1, sizeof(*op->exiting));
		if (ex == NULL)
			fatal(NULL);
		op->exiting = ex;
		op->exiting[op->nexiting].id = e->id;
		op->exiting[op->nexiting].tally = kres->tally;
		op->exiting[op->nexiting++].signo = kres->signo;
	} else {
		if (kres->error == ESRCH) {
			(void)strlcpy(msg, "process exited", sizeof(msg));
			if (e->alive) {
				unwatch(e->id);
				entry_dead(e, seen_at, now_ns());
			}
		} else if (kres->error == ETIMEDOUT)
			(void)strlcpy(
			    msg, "still alive 5 s after SIGKILL", sizeof(msg));
		else
			(void)strlcpy(msg, strerror(kres->error), sizeof(msg));
		op_result(op, e, GP_RES_FAILED | (kres->flags & GP_RES_EXITED),
		    kres->signo, msg);
		op->failed++;
	}
	memset(&op->tally, 0, sizeof(op->tally));
	if (op->kills > 0)
		return;
	if (op->nexiting > 0) {
		tv.tv_sec = KILL_EXIT_GRACE_MS / 1000;
		tv.tv_usec = (KILL_EXIT_GRACE_MS % 1000) * 1000;
		evtimer_set(&op->ev_grace, req_kill_grace, op);
		evtimer_add(&op->ev_grace, &tv);
		op->grace_armed = 1;
		return;
	}
	req_kill_done(op);
}

/* The prober saw an entry exit: a kill that waits for it is done with it. */
static void
req_kill_exited(struct rentry *e)
{
	struct op *op;
	size_t i;
	int32_t signo;

	TAILQ_FOREACH(op, &ops, entry) {
		if (op->type != IMSG_CTL_KILL || op->state != OP_WORKING)
			continue;
		for (i = 0; i < op->nexiting; i++)
			if (op->exiting[i].id == e->id)
				break;
		if (i == op->nexiting)
			continue;
		signo = op->exiting[i].signo;
		op->tally = op->exiting[i].tally;
		op->exiting[i] = op->exiting[--op->nexiting];
		(void)kill_remove(op, e, signo);
		memset(&op->tally, 0, sizeof(op->tally));
		if (op->nexiting == 0 && op->kills == 0) {
			evtimer_del(&op->ev_grace);
			op->grace_armed = 0;
			req_kill_done(op);
		}
		return;
	}
}

/* The grace ran out: what is still alive was signalled, and stays. */
static void
req_kill_grace(int fd, short event, void *arg)
{
	struct op *op = arg;
	struct rentry *e;
	size_t i;

	op->grace_armed = 0;
	for (i = 0; i < op->nexiting; i++) {
		if ((e = regtab_find_id(rt, op->exiting[i].id)) == NULL)
			continue;
		op->tally = op->exiting[i].tally;
		if (e->alive)
			op_result(
			    op, e, GP_RES_SIGNALLED, op->exiting[i].signo, "");
		else
			(void)kill_remove(op, e, op->exiting[i].signo);
		memset(&op->tally, 0, sizeof(op->tally));
	}
	op->nexiting = 0;
	req_kill_done(op);
}

/*
 * A signalled entry whose process exited: record its removal, then take
 * it out.  Signalled but not recorded (a full disk), it stays, and the
 * kill is reported as failed: memory is what the disk is.
 */
static int
kill_remove(struct op *op, struct rentry *e, int32_t signo)
{
	char msg[GP_MSG_MAX];
	size_t jlen;

	if (journal_append(journal_rm(++journal_seq, e->id, &jlen), &jlen) ==
	    -1) {
		(void)snprintf(msg, sizeof(msg),
		    "cannot record the removal: %s", strerror(errno));
		op_result(op, e, GP_RES_SIGNALLED | GP_RES_FAILED, signo, msg);
		op->failed++;
		return (-1);
	}
	op_result(op, e, GP_RES_SIGNALLED | GP_RES_REMOVED, signo, "");
	if (e->alive)
		event_entry(GP_EV_EXITED, e, 0);
	entry_drop(e);
	return (0);
}

/* The parent's count of a kill's group or tree, checked. */
static int
tally_check(const struct gp_tally *t)
{
	uint32_t i;

	if (t->skipped > GP_PID_MAX || t->signalled > GP_PID_MAX ||
	    t->nspared > GP_SPARED_MAX || t->nspared > t->skipped)
		return (-1);
	for (i = 0; i < t->nspared; i++)
		if (t->spared[i].pid < 1 || t->spared[i].pid > GP_PID_MAX ||
		    (t->spared[i].why != GP_SPARE_PERM &&
		        t->spared[i].why != GP_SPARE_LIMIT))
			return (-1);
	return (0);
}

/* Every kill of the request is decided: the terminal reply. */
static void
req_kill_done(struct op *op)
{
	if (op->failed == 0)
		op_finish(op, 0, GP_ST_OK, "%s", "");
	else if (op->failed >= op->nkills)
		op_finish(op, 1, GP_ST_FAIL,
		    "no processes were killed (see output above)");
	else
		op_finish(op, 1, GP_ST_FAIL,
		    "partially successful: killed %u/%u processes",
		    op->nkills - op->failed, op->nkills);
}

static void
req_rename(struct op *op)
{
	size_t jlen;
	static struct gp_request sel;
	struct gp_request *req = op->req;
	struct rentry **m;
	const char *kind, *errstr;
	uint64_t *ids;
	size_t n, changed, nids;
	char err[GP_MSG_MAX];
	char qfrom[GP_LABEL_MAX * 4 + 3], qto[GP_LABEL_MAX * 4 + 3];
	int k, r;

	k = op->type == IMSG_CTL_TAG ? REGTAB_TAG : REGTAB_GROUP;
	kind = k == REGTAB_TAG ? "tag" : "group";
	changed = 0;
	if (req->flags & GP_REQ_RENAME) {
		/*
		 * As goproc: a label no entry has, or a rename to itself,
		 * changes nothing and is no error; the new label's entries
		 * are listed all the same.
		 */
		if (strcmp(req->label, req->newlabel) == 0 ||
		    regtab_label_count(rt, k, req->label) == 0) {
			if (gp_label_clean(req->newlabel, err, sizeof(err),
			        &errstr) == -1) {
				op_finish(op, 1, GP_ST_INVAL,
				    "invalid label: %s", errstr);
				return;
			}
			goto renamed;
		}
		if (!privileged(op)) {
			memset(&sel, 0, sizeof(sel));
			if (gp_strlist_add(
			        k == REGTAB_TAG ? &sel.tags : &sel.groups,
			        req->label, GP_SEL_MAX, &errstr) == -1)
				fatalx("%s: %s", __func__, errstr);
			if (regtab_select(rt, &sel, &m, &n) == -1)
				fatal("%s: regtab_select", __func__);
			r = check_owner(op, m, n);
			free(m);
			if (r == -1)
				return;
		}
		/* Checked, recorded, then applied: replay must not fail. */
		if (gp_label_clean(req->label, err, sizeof(err), &errstr) ==
		        -1 ||
		    gp_label_clean(req->newlabel, err, sizeof(err), &errstr) ==
		        -1) {
			op_finish(
			    op, 1, GP_ST_INVAL, "invalid label: %s", errstr);
			return;
		}
		if (journal_append(journal_rename(++journal_seq, k, req->label,
		                       req->newlabel, &jlen),
		        &jlen) == -1) {
			op_finish(op, 1, GP_ST_FAIL,
			    "cannot record the change: %s", strerror(errno));
			return;
		}
		ids = rename_members(k, req->label, &nids);
		if (regtab_rename(rt, k, req->label, req->newlabel, &changed,
		        err, sizeof(err)) != REGTAB_OK)
			fatalx("%s: recorded rename failed: %s", __func__, err);
		event_renamed(k, req->label, req->newlabel, ids, nids);
renamed:
		op_info(op, changed, "Renamed %s %s -> %s on %zu process(es)",
		    kind, gp_quote(req->label, qfrom, sizeof(qfrom)),
		    gp_quote(req->newlabel, qto, sizeof(qto)), changed);
		(void)strlcpy(req->label, req->newlabel, sizeof(req->label));
	}
	memset(&req->tags, 0, sizeof(req->tags));
	memset(&req->groups, 0, sizeof(req->groups));
	if (gp_strlist_add(k == REGTAB_TAG ? &req->tags : &req->groups,
	        req->label, GP_SEL_MAX, &kind) == -1)
		fatalx("%s: label %s: %s", __func__, req->label, kind);
	kind = k == REGTAB_TAG ? "tag" : "group";
	select_matches(op, &m, &n);
	op_stream(op, m, n);
	free(m);
	if (n == 0)
		op_finish(op, 0, GP_ST_OK, "No processes found with %s %s",
		    kind, gp_quote(req->label, qfrom, sizeof(qfrom)));
	else
		op_finish(op, 0, GP_ST_OK, "%s", "");
}

static void
req_reset(struct op *op)
{
	size_t jlen;
	struct rentry *e;

	if (strcmp(op->req->label, "RESET") != 0) {
		op_finish(op, 1, GP_ST_INVAL,
		    "destructive command: confirmation required");
		return;
	}
	if (!privileged(op)) {
		op_finish(op, 1, GP_ST_PERM,
		    "permission denied: only root may reset the registry");
		return;
	}
	if (journal_append(journal_reset(++journal_seq, &jlen), &jlen) == -1) {
		op_finish(op, 1, GP_ST_FAIL, "cannot record the change: %s",
		    strerror(errno));
		return;
	}
	for (e = regtab_first(rt); e != NULL; e = regtab_next(rt, e))
		if (e->alive)
			unwatch(e->id);
	regtab_reset(rt);
	nalive = 0;
	event_entry(GP_EV_RESET, NULL, 0);
	/* The snapshot is the registry: an empty one, now. */
	want_compact = 1;
	op_finish(op, 0, GP_ST_OK, "Registry cleared and IDs reset");
}

/*
 * run: the client registered its child before the exec, when the child's
 * command line was still the client's own, then let it exec.  Read it
 * again; the command the client says it ran stands in, marked as the
 * client's, only if the process is gone (or a zombie) by then.
 */
static void
req_execed(struct op *op)
{
	struct gp_request *req = op->req;
	struct probe_cmd_req pcr;
	struct rentry *e;

	if ((e = regtab_find_id(rt, req->ids[0])) == NULL ||
	    e->pid != req->pid) {
		op_finish(op, 1, GP_ST_NOTFOUND,
		    "no entry with id %llu for pid %d",
		    (unsigned long long)req->ids[0], req->pid);
		return;
	}
	if (!privileged(op) && e->owner_uid != op->cred.uid) {
		op_finish(op, 1, GP_ST_PERM,
		    "permission denied: [id=%llu] pid=%d belongs to uid %u",
		    (unsigned long long)e->id, e->pid, e->owner_uid);
		return;
	}
	memset(&pcr, 0, sizeof(pcr));
	pcr.pid = e->pid;
	pcr.start_ticks = e->start_ticks;
	imsg_compose_event(
	    &iev_prober, IMSG_PROBE_CMD, op->id, 0, -1, &pcr, sizeof(pcr));
}

static void
req_execed_probed(struct op *op, const struct probe_info *pi)
{
	struct gp_request *req = op->req;
	struct rentry *e;
	char cmd[GP_CMD_MAX + 1];
	size_t jlen;
	int client;

	if ((e = regtab_find_id(rt, req->ids[0])) == NULL ||
	    e->pid != pi->pid || e->start_ticks != pi->start_ticks) {
		op_finish(op, 1, GP_ST_NOTFOUND,
		    "id %llu was removed meanwhile",
		    (unsigned long long)req->ids[0]);
		return;
	}
	if (pi->error == 0 && pi->cmd_error == 0) {
		(void)strlcpy(cmd, pi->cmd, sizeof(cmd));
		client = 0;
	} else if (req->cmd[0] != '\0') {
		(void)strlcpy(cmd, req->cmd, sizeof(cmd));
		client = 1;
	} else {
		op_entry(op, e);
		op_finish(op, 0, GP_ST_OK, "%s", "");
		return;
	}
	cmd_truncate(cmd);
	if (strcmp(cmd, rentry_cmd(e)) != 0 || client != e->cmd_client) {
		e = regtab_set_cmd(rt, e, cmd, client);
		/* Lost on a full disk: the next compaction has it. */
		if (journal_append(journal_cmd(++journal_seq, e->id,
		                       rentry_cmd(e), client, &jlen),
		        &jlen) == -1)
			resync = 1;
		event_updated(e, GP_CHG_CMD);
	}
	op_entry(op, e);
	op_finish(op, 0, GP_ST_OK, "%s", "");
}

/*
 * The metrics of alive entries, as the prober read them.  A sample of
 * an entry removed or dead meanwhile, or of another process, is stale.
 */
static void
probe_samples(const struct probe_sample *s, size_t n)
{
	struct gp_metrics m;
	struct rentry *e;
	size_t i;

	for (i = 0; i < n; i++, s++) {
		if (!(s->valid & GP_MET_SAMPLE) ||
		    (s->valid &
		        ~(GP_MET_SAMPLE | GP_MET_CPU_PCT | GP_MET_STARTED)) ||
		    !((s->state >= 'A' && s->state <= 'Z') ||
		        (s->state >= 'a' && s->state <= 'z')) ||
		    s->threads > GP_THREADS_MAX ||
		    s->cpu_pct > GP_CPU_PCT_MAX || s->cpu_ns > INT64_MAX ||
		    s->rss_bytes > INT64_MAX || s->sampled_at < 0 ||
		    s->started_at < 0)
			fatalx("%s: bad sample of id %llu", __func__,
			    (unsigned long long)s->id);
		if ((e = regtab_find_id(rt, s->id)) == NULL || !e->alive ||
		    e->start_ticks != s->start_ticks)
			continue;
		memset(&m, 0, sizeof(m));
		m.valid = s->valid;
		m.state = s->state;
		m.threads = s->threads;
		m.cpu_pct = (s->valid & GP_MET_CPU_PCT) ? s->cpu_pct : 0;
		m.cpu_ns = s->cpu_ns;
		m.rss_bytes = s->rss_bytes;
		m.sampled_at = s->sampled_at;
		m.started_at = (s->valid & GP_MET_STARTED) ? s->started_at : 0;
		regtab_set_metrics(rt, e, &m);
	}
}

/* The prober saw an entry die, or learned the identity of an old one. */
static void
probe_alive(const struct probe_alive *pa)
{
	size_t jlen;
	struct rentry *e;
	char err[GP_MSG_MAX];

	if ((e = regtab_find_id(rt, pa->id)) == NULL)
		return; /* removed meanwhile */
	if (pa->alive) {
		if (pa->start_ticks != 0 && e->start_ticks == 0) {
			if (regtab_set_identity(rt, e, pa->start_ticks,
			        pa->boot_id, err, sizeof(err)) == -1)
				log_warnx("id %llu: %s",
				    (unsigned long long)e->id, err);
			/* Lost on a full disk: the next compaction has it. */
			if (journal_append(journal_ident(++journal_seq, e->id,
			                       e->start_ticks,
			                       rentry_boot_id(rt, e), &jlen),
			        &jlen) == -1)
				resync = 1;
		}
		return;
	}
	if (!e->alive)
		return;
	log_debug("id %llu (pid %d) exited", (unsigned long long)e->id, e->pid);
	entry_dead(e, pa->when, pa->when);
	commit_schedule();
	req_kill_exited(e); /* may remove e */
}

/*
 * An alive entry is dead, last seen alive at when (0: unknown, keep what
 * we had) and seen to die at exited (0: it was gone when we looked); the
 * prober no longer watches it.
 */
static void
entry_dead(struct rentry *e, int64_t when, int64_t exited)
{
	size_t jlen;

	/* The clock of dead_retention starts when it was seen to die. */
	regtab_set_alive(rt, e, 0, exited != 0 ? exited : now_ns());
	regtab_set_exited(rt, e, exited);
	if (when != 0)
		regtab_set_seen(e, when);
	nalive--;
	/* Lost on a full disk: the next compaction has it. */
	if (journal_append(journal_alive(++journal_seq, e->id, 0, e->last_seen,
	                       e->dead_at, &jlen),
	        &jlen) == -1)
		resync = 1;
	event_entry(GP_EV_EXITED, e, exited);
	retention_arm();
}

/* Take out of memory and the prober an entry whose removal is recorded. */
static void
entry_drop(struct rentry *e)
{
	if (e->alive) {
		unwatch(e->id);
		nalive--;
	}
	event_entry(GP_EV_REMOVED, e, 0);
	regtab_remove(rt, e);
}

/* Records gathered to go to the journal in one write. */
struct jbatch {
	char *buf;
	size_t len, cap;
};

static void
jbatch_add(struct jbatch *b, char *line, size_t jlen)
{
	char *nbuf;

	if (line == NULL)
		fatalx("%s: a journal record does not encode", __func__);
	if (b->len + jlen > b->cap) {
		b->cap = (b->len + jlen) * 2;
		if ((nbuf = realloc(b->buf, b->cap)) == NULL)
			fatal(NULL);
		b->buf = nbuf;
	}
	memcpy(b->buf + b->len, line, jlen);
	b->len += jlen;
	free(line);
}

/* Record the removal of n entries in one write: all of them or none. */
static int
journal_rm_all(struct rentry **m, size_t n)
{
	struct jbatch b = { NULL, 0, 0 };
	char *line;
	size_t i, jlen;

	for (i = 0; i < n; i++) {
		line = journal_rm(++journal_seq, m[i]->id, &jlen);
		jbatch_add(&b, line, jlen);
	}
	return (journal_append(b.buf, &b.len));
}

/*
 * Record an update of n entries in one write: one record, or one per
 * UPDATE_IDS_MAX entries, so that no line outgrows JOURNAL_LINE_MAX.
 */
static int
journal_update_all(const uint64_t *ids, size_t n, const struct gp_request *req)
{
	struct jbatch b = { NULL, 0, 0 };
	char *line;
	size_t i, k, jlen;

	for (i = 0; i < n; i += k) {
		k = n - i > UPDATE_IDS_MAX ? UPDATE_IDS_MAX : n - i;
		line = journal_update(++journal_seq, ids + i, k, req, &jlen);
		jbatch_add(&b, line, jlen);
	}
	return (journal_append(b.buf, &b.len));
}

static void
watch(const struct rentry *e)
{
	struct probe_watch pw;

	memset(&pw, 0, sizeof(pw));
	pw.id = e->id;
	pw.pid = e->pid;
	pw.start_ticks = e->start_ticks;
	pw.added_at = e->added_at;
	(void)strlcpy(pw.boot_id, rentry_boot_id(rt, e), sizeof(pw.boot_id));
	imsg_compose_event(
	    &iev_prober, IMSG_PROBE_WATCH, 0, 0, -1, &pw, sizeof(pw));
}

static void
unwatch(uint64_t id)
{
	struct probe_watch pw;

	memset(&pw, 0, sizeof(pw));
	pw.id = id;
	imsg_compose_event(
	    &iev_prober, IMSG_PROBE_UNWATCH, 0, 0, -1, &pw, sizeof(pw));
}

/* Every alive entry is alive now: one record, not one per entry. */
static void
seen_tick(int fd, short event, void *arg)
{
	size_t jlen;

	seen_at = now_ns();
	if (nalive > 0) {
		if (journal_append(
		        journal_seen(++journal_seq, seen_at, NULL, 0, &jlen),
		        &jlen) == -1)
			resync = 1;
		commit_schedule();
	}
	evtimer_add(&ev_seen, &seen_tv);
}

/*
 * Append one record (or several, in one buffer).  While a compaction
 * writes its snapshot, a copy is kept for the journal that will follow
 * it; while that journal replaces the old one, the record is held back.
 * -1 with errno: nothing of it is in the journal.
 */
static int
journal_append(char *line, const size_t *lenp)
{
	size_t len;
	int rv, saved;

	/* Every string was validated as UTF-8 before it got here. */
	if (line == NULL)
		fatalx("%s: a journal record does not encode", __func__);
	len = *lenp;
	if (swapping) {
		buf_add(&held, &held_len, &held_cap, line, len);
		free(line);
		dirty = 1;
		return (0);
	}
	rv = journal_write(line, len);
	saved = errno;
	if (rv == 0 && compacting)
		buf_add(&since, &since_len, &since_cap, line, len);
	free(line);
	errno = saved;
	return (rv);
}

/* Append len bytes at p to a growing buffer. */
static void
buf_add(char **bufp, size_t *lenp, size_t *capp, const char *p, size_t len)
{
	if (*lenp + len > *capp) {
		*capp = (*lenp + len) * 2;
		if ((*bufp = realloc(*bufp, *capp)) == NULL)
			fatal(NULL);
	}
	memcpy(*bufp + *lenp, p, len);
	*lenp += len;
}

/*
 * Write at the end of the journal.  A write that fails (a full disk,
 * EIO, a quota) is cut off again with ftruncate on our descriptor, so
 * that the journal ends with its last good record and the next append
 * follows it.  -1 with errno then.
 */
static int
journal_write(const char *buf, size_t len)
{
	size_t off;
	int saved;

	if (store_write_all(journal_fd, buf, len, &off) == 0) {
		if (store_errno != 0)
			log_info("%s: writing again", journal_path);
		store_errno = 0;
		journal_size += len;
		dirty = 1;
		return (0);
	}
	saved = errno;
	/* A torn record must not stay in front of the next one. */
	if (off > 0 && ftruncate(journal_fd, journal_size) == -1)
		fatal("%s: cannot cut a failed write back to %lld bytes",
		    journal_path, (long long)journal_size);
	if (saved != store_errno)
		log_warnx(
		    "%s: write: %s; changes are refused until it succeeds",
		    journal_path, strerror(saved));
	store_errno = saved;
	errno = saved;
	return (-1);
}

static void
commit_schedule(void)
{
	struct timeval tv = { 0, 0 };

	if (!evtimer_pending(&ev_commit, NULL))
		evtimer_add(&ev_commit, &tv);
}

/*
 * Make the journal durable, answer what waited for it, and compact when
 * the journal has outgrown the snapshot (or a reset, a lost record or a
 * stop asks for it).  Everything that arrived in one turn of the event
 * loop shares one fsync.
 */
static void
commit(int fd, short event, void *arg)
{
	struct op *op;
	int error;

	if (swapping)
		return;
	if (!compacting) {
		if (journal_size > COMPACT_MIN && journal_size > snapshot_size)
			want_compact = 1;
		if (resync || (final && journal_size > 0))
			want_compact = 1;
		if (want_compact && (!compact_backoff || final) &&
		    !(final && final_tries >= 2))
			compact_start();
	}
	error = commit_errno;
	commit_errno = 0;
	if (dirty) {
		dirty = 0;
		if (fdatasync(journal_fd) == -1) {
			/*
			 * Those requests are refused; what is in memory is
			 * written whole by a compaction, later.
			 */
			error = errno;
			log_warn("fdatasync %s", journal_path);
			resync = 1;
			compact_later();
		}
	}
	while ((op = TAILQ_FIRST(&durable_wait)) != NULL) {
		if (error != 0)
			op_fail(op, error);
		op_durable(op);
	}
	deferred_run();
	final_check();
}

/* A compaction is wanted: at the next commit, unless one failed lately. */
static void
compact_want(void)
{
	want_compact = 1;
	commit_schedule();
}

/*
 * A compaction takes the registry as it is now, after the last journal
 * record, and writes it in slices while requests go on; the records
 * written meanwhile are kept for the journal that follows the snapshot.
 */
static void
compact_start(void)
{
	if (compacting)
		return;
	compacting = 1;
	want_compact = 0;
	if (final)
		final_tries++;
	compact_seq = journal_seq;
	since_len = 0;
	memset(&cst, 0, sizeof(cst));
	cst.begun = gp_mono_ns();
	/*
	 * The snapshot takes in what the journal lacked; a record lost
	 * from now on needs the next one.
	 */
	cst.resync = resync;
	resync = 0;
	view = snapview_begin(rt, compact_seq, now_ns());
	imsg_compose_event(&iev_parent, IMSG_STATE_TMPREQ, 0, 0, -1, NULL, 0);
}

/* The temporary file the parent opened: write the registry into it. */
static void
compact_open(int fd)
{
	view_fd = fd;
	view_kicked = view_synced = 0;
	snapview_open(view, fd);
	compact_slice(-1, 0, NULL);
}

/*
 * One slice of the snapshot, then back to the event loop.  What a slice
 * wrote is handed to writeback at once.  Past COMPACT_INFLIGHT bytes on
 * their way to the disk, the next slice comes after a pause rather than
 * a wait, and then waits (usually not at all) for the older half: a
 * journal sync may have to wait for that data on a file system that
 * orders data before metadata.  The parent syncs the file at the end.
 */
static void
compact_slice(int fd, short event, void *arg)
{
	static const struct timeval now = { 0, 0 };
	static const struct timeval pace = { 0, COMPACT_PACE_US };
	uint64_t bytes, size;
	int64_t t0, tw;
	char err[GP_MSG_MAX];
	int rv;

	/* Answers out first: a request waits for a slice, not two. */
	imsgev_send(&iev_frontend);
	imsgev_send(&iev_prober);
	imsgev_send(&iev_parent);
	t0 = gp_mono_ns();
	if (view_kicked - view_synced > COMPACT_INFLIGHT) {
		/* Written during the pause, most of the time: no wait. */
		tw = gp_mono_ns();
		bytes = view_kicked - COMPACT_INFLIGHT / 2;
		(void)sync_file_range(view_fd, view_synced, bytes - view_synced,
		    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
		        SYNC_FILE_RANGE_WAIT_AFTER);
		view_synced = bytes;
		if (gp_mono_ns() - tw > cst.wait_max)
			cst.wait_max = gp_mono_ns() - tw;
	}
	rv = snapview_step(view, COMPACT_SLICE_NS, seen_at);
	bytes = snapview_bytes(view);
	if (bytes > view_kicked) {
		(void)sync_file_range(view_fd, view_kicked, bytes - view_kicked,
		    SYNC_FILE_RANGE_WRITE);
		view_kicked = bytes;
	}
	if (rv == 1) {
		slice_took(t0);
		/* A disk that lags behind gets a pause to catch up. */
		if (view_kicked - view_synced > COMPACT_INFLIGHT) {
			cst.paused++;
			evtimer_add(&ev_slice, &pace);
		} else
			evtimer_add(&ev_slice, &now);
		return;
	}
	rv = snapview_end(view, &size, err, sizeof(err)) == -1 ? -1 : rv;
	view = NULL;
	if (rv == -1) {
		compact_file_failed(err);
		return;
	}
	slice_took(t0);
	cst.written = gp_mono_ns();
	/* The parent syncs it before the rename: that may take a while. */
	close(view_fd);
	view_fd = -1;
	compact_size = size;
	imsg_compose_event(&iev_parent, IMSG_STATE_COMMIT, 0, 0, -1, NULL, 0);
}

static void
slice_took(int64_t t0)
{
	int64_t d = gp_mono_ns() - t0;

	cst.slices++;
	if (d > cst.slice_max)
		cst.slice_max = d;
}

/* Give back the space the partial file took. */
static void
compact_file_failed(const char *why)
{
	(void)ftruncate(view_fd, 0);
	close(view_fd);
	view_fd = -1;
	compact_failed(why);
}

/*
 * The new snapshot is in place.  The journal starts over empty, or with
 * the records written since the snapshot's last one: those go into a
 * new journal that the parent renames over the old one.  Until then the
 * old one holds every record, and those up to the snapshot's are
 * skipped when it is read.
 */
static void
compact_done(void)
{
	snap_seq = compact_seq;
	snapshot_size = compact_size;
	have_snapshot = 1;
	compact_backoff = 0;
	cst.published = gp_mono_ns();
	if (compact_failing)
		log_info("%s written again", snapshot_path);
	compact_failing = 0;
	log_debug("compacted: snapshot %lld bytes, %zu entries written in "
	          "%lld ms (%zu slices, %zu after a pause, the longest %.1f "
	          "ms, %.1f ms of it waiting for the disk), in place "
	          "%lld ms later, %zu bytes of records since",
	    (long long)snapshot_size, regtab_count(rt),
	    (long long)(cst.written - cst.begun) / 1000000, cst.slices,
	    cst.paused, cst.slice_max / 1e6, cst.wait_max / 1e6,
	    (long long)(cst.published - cst.written) / 1000000, since_len);
	if (since_len > 0) {
		swapping = 1;
		imsg_compose_event(
		    &iev_parent, IMSG_STATE_JTMPREQ, 0, 0, -1, NULL, 0);
		return;
	}
	if (ftruncate(journal_fd, 0) == -1)
		log_warn("truncate %s", journal_path);
	else
		journal_size = 0;
	compact_end();
}

/* Write the records since the snapshot into the new journal, sync it. */
static void
journal_swap(int fd)
{
	int saved;

	if (store_write_all(fd, since, since_len, NULL) == -1 ||
	    fdatasync(fd) == -1) {
		saved = errno;
		close(fd);
		journal_swap_failed(strerror(saved));
		return;
	}
	jtmp_fd = fd;
	imsg_compose_event(&iev_parent, IMSG_STATE_JCOMMIT, 0, 0, -1, NULL, 0);
}

/* The new journal is in place: append to it from now on. */
static void
journal_swapped(void)
{
	close(journal_fd);
	journal_fd = jtmp_fd;
	jtmp_fd = -1;
	journal_size = since_len;
	log_debug("%s replaced in %.1f ms, mutations held meanwhile",
	    journal_path, (gp_mono_ns() - cst.published) / 1e6);
	compact_end();
}

/*
 * The old journal stays: it holds every record, those the snapshot holds
 * are skipped when it is read.  It is replaced at the next compaction.
 */
static void
journal_swap_failed(const char *why)
{
	log_warnx(
	    "%s.tmp: %s; keeping %s whole", journal_path, why, journal_path);
	compact_later();
	compact_end();
}

/*
 * The snapshot could not be written (or published): the old snapshot and
 * the journal are as they were, and hold every acknowledged change.  Try
 * again a little later.
 */
static void
compact_failed(const char *why)
{
	/* Once: a full disk would repeat it every COMPACT_RETRY_SEC. */
	if (!compact_failing)
		log_warnx("%s.tmp: %s; keeping %s and %s, retrying every %d s",
		    snapshot_path, why, snapshot_path, journal_path,
		    COMPACT_RETRY_SEC);
	else
		log_debug("%s.tmp: %s", snapshot_path, why);
	compact_failing = 1;
	compact_later();
	if (compacting) {
		resync |= cst.resync;
		compact_end();
	} else
		commit_schedule();
}

/* A compaction is due, but not before COMPACT_RETRY_SEC. */
static void
compact_later(void)
{
	struct timeval tv = { COMPACT_RETRY_SEC, 0 };

	want_compact = 1;
	compact_backoff = 1;
	if (!evtimer_pending(&ev_retry, NULL))
		evtimer_add(&ev_retry, &tv);
}

/* Write what was held back, then answer what waited. */
static void
compact_end(void)
{
	char err[GP_MSG_MAX];

	if (view != NULL)
		(void)snapview_end(view, NULL, err, sizeof(err));
	view = NULL;
	evtimer_del(&ev_slice);
	compacting = swapping = 0;
	since_len = 0;
	if (held_len > 0) {
		if (journal_write(held, held_len) == -1) {
			/* Those requests are refused; memory is written whole. */
			commit_errno = errno;
			resync = 1;
			compact_later();
		}
		held_len = 0;
	}
	commit(-1, 0, NULL);
}

static void
compact_retry(int fd, short event, void *arg)
{
	compact_backoff = 0;
	commit_schedule();
}

/* Stopping, and nothing left to write: tell the parent. */
static void
final_check(void)
{
	if (!final || final_sent || compacting)
		return;
	if (want_compact && (!compact_backoff || final) && final_tries < 2)
		return;
	final_sent = 1;
	imsg_compose_event(
	    &iev_parent, IMSG_STATE_FINAL_DONE, 0, 0, -1, NULL, 0);
}

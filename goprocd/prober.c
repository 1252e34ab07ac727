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
 * The prober knows which registered processes are alive.  It holds one
 * pidfd per alive entry, so an exit is seen the moment it happens; where
 * no pidfd can be had it probes the entry every liveness interval.  It
 * also checks and describes a PID for `add', and every metrics interval
 * reads how each alive entry's process is doing (/proc/PID/stat: state,
 * CPU time, threads, resident memory) for the registry.  It reads /proc
 * and sends signal 0, nothing more.
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/tree.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "goprocd.h"
#include "log.h"
#include "procfs.h"
#include "sandbox.h"

#define PROBER_FD_RESERVE 32
#define SAMPLE_SLICE 64 /* watches sampled in a turn of the event loop */

struct watch {
	RB_ENTRY(watch) node;
	TAILQ_ENTRY(watch) poll_entry;
	TAILQ_ENTRY(watch) fresh_entry;
	TAILQ_ENTRY(watch) stat_entry;
	int statfd;           /* its /proc/PID/stat held open, or -1 */
	uint64_t cpu_ticks;   /* at the last sample, for the CPU use */
	int64_t sampled_mono; /* CLOCK_MONOTONIC ns of it, 0: none */
	uint64_t id;
	uint64_t start_ticks;
	int64_t added_at; /* for an entry without start_ticks */
	int32_t pid;
	int pidfd;  /* -1: probed by timer */
	int polled; /* on the polled list */
	int vetted; /* the parent knows it */
	int fresh;  /* on the fresh list: sample it soon */
	struct event ev;
};

/* The samples of one interval, sent in messages of PROBE_SAMPLES_MAX. */
struct sample_batch {
	struct probe_sample s[PROBE_SAMPLES_MAX];
	size_t n;
	int64_t boot_ns; /* the boot time, ns since the epoch, or -1 */
	int64_t real_ns;
	int64_t mono_ns;
};

RB_HEAD(watch_tree, watch);
TAILQ_HEAD(watch_list, watch);

static int watch_cmp(struct watch *, struct watch *);
RB_PROTOTYPE_STATIC(watch_tree, watch, node, watch_cmp);

static int prober_dispatch_parent(struct imsgev *, struct imsg *);
static int prober_dispatch_registry(struct imsgev *, struct imsg *);
static void probe_add(uint32_t, const struct probe_add_req *);
static void probe_cmd(uint32_t, const struct probe_cmd_req *);
static void probe_tree(uint32_t, const struct probe_tree_req *, size_t);
static void probe_describe(uint32_t, int32_t, struct probe_info *);
static void probe_match(uint32_t, struct probe_match_req *);
static int match_compile(regex_t *, const struct probe_match_req *);
static void match_exclude(struct proc_link *, size_t, int32_t);
static int match_one(
    const regex_t *, const struct probe_match_req *, const struct proc_link *);
static size_t match_pick(const struct proc_link *, size_t *, size_t, int);
static void match_send(uint32_t, uint32_t, const struct proc_link *);
static int found_cmp(const void *, const void *);
static int started_before(uint64_t, int64_t);
static void watch_add(const struct probe_watch *);
static void watch_remove(struct watch *);
static void watch_exit(int, short, void *);
static void watch_poll(int, short, void *);
static int watch_alive(struct watch *);
static void report(struct watch *, int, uint64_t, int64_t);
static void set_interval(int64_t);
static void vet(struct watch *, int);
static int64_t boot_time_ns(void);
static int64_t ticks_ns(uint64_t);
static void batch_begin(struct sample_batch *);
static void batch_flush(struct sample_batch *);
static void sample(struct sample_batch *, struct watch *);
static void sample_all(int, short, void *);
static void sample_fresh(int, short, void *);
static void sample_soon(struct watch *);
static void set_metrics(int64_t);
static uint64_t metrics_min_dt(void);
static void statfd_close(struct watch *);
static int watch_stat(struct watch *, struct proc_stat *);

static struct imsgev iev_parent, iev_registry, iev_frontend;

/*
 * The prober's row of the process table: its peers, in id order.  The
 * frontend has nothing to say to the prober.
 */
struct proc_peer prober_peers[PROC_MAX - 1] = {
	{ PROC_PARENT, "prober_dispatch_parent", prober_dispatch_parent,
	    &iev_parent, 0 },
	{ PROC_REGISTRY, "prober_dispatch_registry", prober_dispatch_registry,
	    &iev_registry, 0 },
	{ PROC_FRONTEND, "prober_dispatch_frontend", proc_dispatch_null,
	    &iev_frontend, 0 },
};

static struct watch_tree watches = RB_INITIALIZER(&watches);
static struct watch_list polled = TAILQ_HEAD_INITIALIZER(polled);
static struct watch_list fresh = TAILQ_HEAD_INITIALIZER(fresh);
static struct event ev_poll, ev_metrics, ev_fresh;
static uint64_t sample_next; /* the ID a pass goes on from, 0: none */
static struct timeval poll_tv = { GOPROC_LIVENESS_DEFAULT_MS / 1000, 0 };
static struct timeval metrics_tv = { GOPROC_METRICS_DEFAULT_MS / 1000, 0 };
static int metrics_on = 1;
static long page_size;
static int procfd = -1;
static long clk_tck; /* units of start_ticks per second */
static struct watch_list statfds = TAILQ_HEAD_INITIALIZER(statfds);
static size_t npidfds, nstatfds, pidfd_max;
static char boot_id[GP_BOOT_ID_LEN + 1];
static pid_t daemon_pid; /* goprocd's parent: add --match leaves it out */
static const struct proc_link *found_links; /* what found_cmp() sorts */

RB_GENERATE_STATIC(watch_tree, watch, node, watch_cmp);

static int
watch_cmp(struct watch *a, struct watch *b)
{
	return (a->id < b->id ? -1 : a->id > b->id);
}

/*
 * Before the privilege drop (proc_run): /proc, whose descriptor the
 * sandbox keeps, the boot id, and every descriptor we may have.
 */
int
prober_init(void)
{
	struct rlimit rl;

	if ((procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		fatal("open /proc");
	daemon_pid = getppid();
	if (procfs_read_boot_id(procfd, boot_id, sizeof(boot_id)) == -1)
		fatal("cannot read the boot id");
	if ((clk_tck = sysconf(_SC_CLK_TCK)) <= 0)
		fatal("sysconf _SC_CLK_TCK");
	if ((page_size = sysconf(_SC_PAGESIZE)) <= 0)
		fatal("sysconf _SC_PAGESIZE");

	/* One pidfd per alive entry: take every descriptor we may. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("setrlimit RLIMIT_NOFILE");
	}
	/* Keep some descriptors for /proc reads and the channels. */
	if (rl.rlim_cur > PROBER_FD_RESERVE)
		pidfd_max = rl.rlim_cur - PROBER_FD_RESERVE;
	log_debug("boot id %s, up to %zu pidfds", boot_id, pidfd_max);
	return (procfd);
}

/* Channels ready, before the sandbox: the interval probe. */
void
prober_start(void)
{
	evtimer_set(&ev_poll, watch_poll, NULL);
	evtimer_add(&ev_poll, &poll_tv);
	evtimer_set(&ev_metrics, sample_all, NULL);
	evtimer_add(&ev_metrics, &metrics_tv);
	evtimer_set(&ev_fresh, sample_fresh, NULL);
}

/* The loop ended, or a peer closed its channel: the parent stops us. */
__dead void
prober_shutdown(void)
{
	exit(0);
}

static void
set_interval(int64_t ns)
{
	if (ns < 1000000)
		fatalx("%s: bad liveness interval", __func__);
	poll_tv.tv_sec = ns / 1000000000;
	poll_tv.tv_usec = (ns % 1000000000) / 1000;
	evtimer_del(&ev_poll);
	evtimer_add(&ev_poll, &poll_tv);
}

/* Sample every ns (0: never); a new interval starts now. */
static void
set_metrics(int64_t ns)
{
	struct watch *w;

	if (ns != 0 && ns < (int64_t)GOPROC_METRICS_MIN_MS * 1000000)
		fatalx("%s: bad metrics interval", __func__);
	evtimer_del(&ev_metrics);
	sample_next = 0;
	metrics_on = ns != 0;
	if (!metrics_on) {
		while ((w = TAILQ_FIRST(&fresh)) != NULL) {
			TAILQ_REMOVE(&fresh, w, fresh_entry);
			w->fresh = 0;
		}
		return;
	}
	metrics_tv.tv_sec = ns / 1000000000;
	metrics_tv.tv_usec = (ns % 1000000000) / 1000;
	evtimer_add(&ev_metrics, &metrics_tv);
}

static int
prober_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct config_msg cm;

	switch (imsg_get_type(imsg)) {
	case IMSG_CONFIG:
		if (imsg_get_data(imsg, &cm, sizeof(cm)) == -1)
			fatalx("%s: bad IMSG_CONFIG", __func__);
		set_interval(cm.liveness_ns);
		set_metrics(cm.metrics_ns);
		break;
	default:
		return (-1);
	}
	return (0);
}

static int
prober_dispatch_registry(struct imsgev *iev, struct imsg *imsg)
{
	struct probe_add_req par;
	struct probe_cmd_req pcr;
	static struct probe_match_req mr;
	static struct probe_tree_req treq[PROBE_TREE_MAX];
	struct probe_watch pw;
	struct watch key, *w;
	size_t len;

	switch (imsg_get_type(imsg)) {
	case IMSG_PROBE_TREE:
		len = imsg_get_len(imsg);
		if (len == 0 || len % sizeof(treq[0]) != 0 ||
		    len / sizeof(treq[0]) > PROBE_TREE_MAX ||
		    imsg_get_data(imsg, treq, len) == -1)
			fatalx("%s: bad IMSG_PROBE_TREE", __func__);
		probe_tree(imsg_get_id(imsg), treq, len / sizeof(treq[0]));
		break;
	case IMSG_PROBE_MATCH:
		if (imsg_get_data(imsg, &mr, sizeof(mr)) == -1 ||
		    memchr(mr.pattern, '\0', sizeof(mr.pattern)) == NULL ||
		    mr.pattern[0] == '\0' || mr.nppids > GP_SEL_MAX ||
		    mr.client < 0 || mr.client > GP_PID_MAX)
			fatalx("%s: bad IMSG_PROBE_MATCH", __func__);
		probe_match(imsg_get_id(imsg), &mr);
		break;
	case IMSG_PROBE_ADD:
		if (imsg_get_data(imsg, &par, sizeof(par)) == -1)
			fatalx("%s: bad IMSG_PROBE_ADD", __func__);
		probe_add(imsg_get_id(imsg), &par);
		break;
	case IMSG_PROBE_CMD:
		if (imsg_get_data(imsg, &pcr, sizeof(pcr)) == -1)
			fatalx("%s: bad IMSG_PROBE_CMD", __func__);
		probe_cmd(imsg_get_id(imsg), &pcr);
		break;
	case IMSG_PROBE_WATCH:
		if (imsg_get_data(imsg, &pw, sizeof(pw)) == -1 ||
		    memchr(pw.boot_id, '\0', sizeof(pw.boot_id)) == NULL ||
		    pw.id == 0 || pw.pid < 1 || pw.pid > GP_PID_MAX)
			fatalx("%s: bad IMSG_PROBE_WATCH", __func__);
		watch_add(&pw);
		break;
	case IMSG_PROBE_UNWATCH:
		if (imsg_get_data(imsg, &pw, sizeof(pw)) == -1)
			fatalx("%s: bad IMSG_PROBE_UNWATCH", __func__);
		key.id = pw.id;
		if ((w = RB_FIND(watch_tree, &watches, &key)) != NULL)
			watch_remove(w);
		break;
	default:
		return (-1);
	}
	return (0);
}

/* add: the answer of probe_describe. */
static void
probe_add(uint32_t opid, const struct probe_add_req *par)
{
	static struct probe_info pi;

	if (par->pid < 1 || par->pid > GP_PID_MAX)
		fatalx("%s: bad pid %d", __func__, par->pid);
	probe_describe(par->uid, par->pid, &pi);
	imsg_compose_event(
	    &iev_registry, IMSG_PROBE_INFO, opid, 0, -1, &pi, sizeof(pi));
}

/*
 * May a client of the given uid add this PID?  It must exist (and not be
 * a zombie), be neither init nor a kernel thread, and the client must be
 * able to signal it, as kill(2) would decide.  What add records of it.
 */
static void
probe_describe(uint32_t uid, int32_t pid, struct probe_info *pi)
{
	struct proc_stat st;
	struct proc_status ps;
	const char *errstr;

	memset(pi, 0, sizeof(*pi));
	pi->pid = pid;
	if (procfs_read_stat(procfd, pid, &st, &errstr) == -1 ||
	    st.state == 'Z' || st.state == 'X')
		pi->error = ESRCH;
	else if (procfs_read_status(procfd, pid, &ps) == -1)
		pi->error = ESRCH;
	else if ((pi->tgid = ps.tgid) != pid)
		pi->error = EINVAL; /* a thread, not a process */
	else if (procfs_protected(&st) != NULL)
		pi->error = EACCES; /* init or a kernel thread */
	else if (!procfs_can_signal(uid, ps.ruid, ps.suid))
		pi->error = EPERM;
	else {
		pi->pgid = st.pgid;
		pi->start_ticks = st.start_ticks;
		(void)strlcpy(pi->boot_id, boot_id, sizeof(pi->boot_id));
		if (procfs_read_cmdline(
		        procfd, pid, pi->cmd, sizeof(pi->cmd)) == -1) {
			if (errno == ENOENT || errno == ESRCH)
				pi->error = ESRCH;
			else
				pi->cmd_error = errno;
		}
	}
}

/*
 * add --match: the processes whose name (or, with -f, command line)
 * the pattern matches, as pgrep(1) finds them, from one reading of the
 * parent links in /proc.  Never the client, its ancestors, or goprocd's
 * own processes; never init or a kernel thread (procfs_links leaves
 * them out, with the zombies).
 */
static void
probe_match(uint32_t opid, struct probe_match_req *mr)
{
	static struct probe_match_end end;
	struct proc_link *links = NULL;
	regex_t re;
	size_t i, n = 0, *found = NULL, nfound = 0;
	int rc;

	memset(&end, 0, sizeof(end));
	if ((rc = match_compile(&re, mr)) != 0) {
		end.error = MATCH_BADRE;
		(void)regerror(rc, &re, end.msg, sizeof(end.msg));
		goto done;
	}
	if (procfs_links(procfd, &links, &n) == -1) {
		log_warn("add --match: /proc");
		end.error = MATCH_NOPROC;
		regfree(&re);
		goto done;
	}
	if (n > 0 && (found = reallocarray(NULL, n, sizeof(*found))) == NULL)
		fatal(NULL);
	match_exclude(links, n, mr->client);
	for (i = 0; i < n; i++)
		if (links[i].pid != 0 && match_one(&re, mr, &links[i]))
			found[nfound++] = i;
	regfree(&re);
	if (nfound > 0 && (mr->flags & (GP_REQ_NEWEST | GP_REQ_OLDEST)))
		nfound = match_pick(
		    links, found, nfound, (mr->flags & GP_REQ_NEWEST) != 0);
	end.matched = (uint32_t)nfound;
	if (nfound > GP_MATCH_MAX) {
		end.error = MATCH_TOOMANY;
		goto done;
	}
	/* In the order of pids, as pgrep lists them. */
	found_links = links;
	if (nfound > 1)
		qsort(found, nfound, sizeof(*found), found_cmp);
	for (i = 0; i < nfound; i++)
		match_send(opid, mr->uid, &links[found[i]]);
done:
	free(found);
	free(links);
	imsg_compose_event(
	    &iev_registry, IMSG_PROBE_MATCHEND, opid, 0, -1, &end, sizeof(end));
}

static int
found_cmp(const void *a, const void *b)
{
	int32_t pa = found_links[*(const size_t *)a].pid;
	int32_t pb = found_links[*(const size_t *)b].pid;

	return (pa < pb ? -1 : pa > pb);
}

/* The pattern, anchored with -x, as POSIX extended, without submatches. */
static int
match_compile(regex_t *re, const struct probe_match_req *mr)
{
	char buf[GP_PATTERN_MAX + 8];

	if (mr->flags & GP_REQ_EXACT)
		(void)snprintf(buf, sizeof(buf), "^(%s)$", mr->pattern);
	else
		(void)strlcpy(buf, mr->pattern, sizeof(buf));
	return (regcomp(re, buf, REG_EXTENDED | REG_NOSUB));
}

/*
 * Strike out (pid 0) the client and its ancestors, and goprocd: the
 * parent and its children, ourselves among them.
 */
static void
match_exclude(struct proc_link *links, size_t n, int32_t client)
{
	struct proc_link *l;
	int32_t pid = client;
	size_t i, steps;

	for (steps = 0; pid > 0 && steps <= n; steps++) {
		l = (struct proc_link *)procfs_link_find(links, n, pid);
		if (l == NULL)
			break;
		pid = l->ppid;
		l->pid = 0;
	}
	for (i = 0; i < n; i++)
		if (links[i].pid == daemon_pid || links[i].ppid == daemon_pid)
			links[i].pid = 0;
}

/* Does a process pass the pattern, -P and -u? */
static int
match_one(const regex_t *re, const struct probe_match_req *mr,
    const struct proc_link *l)
{
	static char cmd[GP_CMD_MAX + 1];
	struct proc_status ps;
	const char *text = l->comm;
	uint32_t i;

	if (mr->nppids > 0) {
		for (i = 0; i < mr->nppids; i++)
			if (mr->ppids[i] == l->ppid)
				break;
		if (i == mr->nppids)
			return (0);
	}
	if (mr->flags & GP_REQ_FULL) {
		if (procfs_read_cmdline(procfd, l->pid, cmd, sizeof(cmd)) == -1)
			return (0);
		text = cmd;
	}
	if (regexec(re, text, 0, NULL, 0) != 0)
		return (0);
	if (mr->flags & GP_REQ_UID)
		return (procfs_read_status(procfd, l->pid, &ps) == 0 &&
		    ps.euid == mr->euid);
	return (1);
}

/*
 * -n and -o: the one that started last (first); of those that started
 * in the same tick, the highest (lowest) pid.  Left in found[0].
 */
static size_t
match_pick(const struct proc_link *links, size_t *found, size_t n, int newest)
{
	const struct proc_link *a, *b;
	size_t i, best = found[0];

	for (i = 1; i < n; i++) {
		a = &links[found[i]];
		b = &links[best];
		if (a->start_ticks != b->start_ticks ?
		        (a->start_ticks > b->start_ticks) == newest :
		        (a->pid > b->pid) == newest)
			best = found[i];
	}
	found[0] = best;
	return (1);
}

/*
 * One process found: what add would record of it, as the client may add
 * it, and its name.  A process that is not the one found any more (its
 * pid reused) is gone.
 */
static void
match_send(uint32_t opid, uint32_t uid, const struct proc_link *l)
{
	static struct probe_match_info mi;

	memset(&mi, 0, sizeof(mi));
	probe_describe(uid, l->pid, &mi.pi);
	if (mi.pi.error == 0 && mi.pi.start_ticks != l->start_ticks) {
		memset(&mi.pi, 0, sizeof(mi.pi));
		mi.pi.pid = l->pid;
		mi.pi.error = ESRCH;
	}
	(void)strlcpy(mi.comm, l->comm, sizeof(mi.comm));
	imsg_compose_event(
	    &iev_registry, IMSG_PROBE_MATCHINFO, opid, 0, -1, &mi, sizeof(mi));
}

/*
 * Read the command line of a registered process again (run, once the
 * process has exec'd).  Error ESRCH: it is gone, a zombie (which has no
 * command line left) or another process; cmd_error: it could not be read.
 */
static void
probe_cmd(uint32_t opid, const struct probe_cmd_req *pcr)
{
	struct probe_info pi;
	struct proc_stat st;
	const char *errstr;
	char name[sizeof(st.comm) + 2];

	memset(&pi, 0, sizeof(pi));
	pi.pid = pcr->pid;
	if (pcr->pid < 1 || pcr->pid > GP_PID_MAX)
		fatalx("%s: bad pid %d", __func__, pcr->pid);
	pi.start_ticks = pcr->start_ticks;
	if (procfs_read_stat(procfd, pcr->pid, &st, &errstr) == -1 ||
	    st.state == 'Z' || st.state == 'X' ||
	    st.start_ticks != pcr->start_ticks)
		pi.error = ESRCH;
	else if (procfs_read_cmdline(
	             procfd, pcr->pid, pi.cmd, sizeof(pi.cmd)) == -1) {
		if (errno == ENOENT || errno == ESRCH)
			pi.error = ESRCH;
		else
			pi.cmd_error = errno;
	} else {
		/*
		 * No command line but its name in brackets: it is exiting
		 * (its memory, and its argv with it, goes first).
		 */
		(void)snprintf(name, sizeof(name), "[%s]", st.comm);
		if (strcmp(pi.cmd, name) == 0)
			pi.error = ESRCH;
	}
	if (pi.error != 0 || pi.cmd_error != 0)
		pi.cmd[0] = '\0';
	imsg_compose_event(
	    &iev_registry, IMSG_PROBE_CMDINFO, opid, 0, -1, &pi, sizeof(pi));
}

/*
 * list --children: the children and descendants of each process asked
 * for, from one reading of the parent links in /proc, and only of a
 * process that still has the entry's start time.  Every request gets
 * its answer, valid 0 when /proc cannot be read or the process is gone.
 */
static void
probe_tree(uint32_t opid, const struct probe_tree_req *treq, size_t nreq)
{
	static struct probe_tree_info ti;
	static size_t idx[GP_CHILDREN_MAX];
	const struct proc_link *root;
	struct proc_link *links = NULL;
	struct gp_child *c;
	size_t i, j, n = 0;
	int ok;

	if ((ok = procfs_links(procfd, &links, &n) == 0) == 0)
		log_warn("list --children: /proc");
	for (i = 0; i < nreq; i++) {
		if (treq[i].pid < 1 || treq[i].pid > GP_PID_MAX)
			fatalx("%s: bad pid %d", __func__, treq[i].pid);
		memset(&ti, 0, sizeof(ti));
		ti.index = treq[i].index;
		root = ok ? procfs_link_find(links, n, treq[i].pid) : NULL;
		if (root != NULL && root->start_ticks == treq[i].start_ticks) {
			ti.kids.valid = 1;
			ti.kids.nchildren = (uint32_t)procfs_children(links, n,
			    root->pid, root->start_ticks, idx, nitems(idx));
			ti.kids.ndesc = (uint32_t)procfs_descendants(
			    links, n, root->pid, root->start_ticks, NULL, 0);
			ti.kids.n = ti.kids.nchildren < GP_CHILDREN_MAX ?
			    ti.kids.nchildren :
			    GP_CHILDREN_MAX;
			for (j = 0; j < ti.kids.n; j++) {
				c = &ti.kids.v[j];
				c->pid = links[idx[j]].pid;
				(void)strlcpy(c->comm, links[idx[j]].comm,
				    sizeof(c->comm));
			}
		}
		imsg_compose_event(&iev_registry, IMSG_PROBE_TREEINFO, opid, 0,
		    -1, &ti, sizeof(ti));
	}
	free(links);
}

/*
 * Did the process with this start time (in clock ticks since boot)
 * start before added_at (ns since the epoch)?  An entry from the Go
 * program's snapshot has no start time of its own: it may take the
 * process now at its PID only if so, for one that started later has
 * reused the PID.  The boot time is the kernel's btime (/proc/stat), to
 * the nanosecond: CLOCK_REALTIME less CLOCK_BOOTTIME, the clock that
 * start times count.  Unknown is no.
 */
static int
started_before(uint64_t start_ticks, int64_t added_at)
{
	int64_t boot_ns, start_ns;

	if (added_at <= 0 || (boot_ns = boot_time_ns()) == -1 ||
	    (start_ns = ticks_ns(start_ticks)) == -1 ||
	    start_ns > INT64_MAX - boot_ns)
		return (0);
	return (boot_ns + start_ns < added_at);
}

/*
 * The moment the machine booted, in ns since the epoch: CLOCK_REALTIME
 * less CLOCK_BOOTTIME, the clock that start times count.  -1 if unknown.
 */
static int64_t
boot_time_ns(void)
{
	static int64_t last = -1;
	struct timespec real, boot;
	int64_t ns;

	if (clock_gettime(CLOCK_REALTIME, &real) == -1 ||
	    clock_gettime(CLOCK_BOOTTIME, &boot) == -1)
		return (-1);
	ns = ((int64_t)real.tv_sec - boot.tv_sec) * 1000000000 +
	    (real.tv_nsec - boot.tv_nsec);
	if (ns < 0)
		return (-1);
	/*
	 * The two clocks are not read at once: keep the value unless the
	 * real time was set, so that a start time does not move between
	 * samples.
	 */
	if (last == -1 || ns - last > 1000000 || last - ns > 1000000)
		last = ns;
	return (last);
}

/* Clock ticks (of /proc/PID/stat) in ns; -1 if that overflows. */
static int64_t
ticks_ns(uint64_t ticks)
{
	uint64_t secs = ticks / (uint64_t)clk_tck;

	if (clk_tck <= 0 || secs > (uint64_t)INT64_MAX / 1000000000 - 1)
		return (-1);
	return ((int64_t)secs * 1000000000 +
	    (int64_t)(ticks % (uint64_t)clk_tck) * 1000000000 / clk_tck);
}

/*
 * Tell the registry an entry is alive or dead.  When is the moment it
 * was last known alive; 0 for a process that was never seen alive here
 * (gone before the daemon started, or another process under its pid).
 */
static void
report(struct watch *w, int alive, uint64_t start_ticks, int64_t when)
{
	struct probe_alive pa;

	memset(&pa, 0, sizeof(pa));
	pa.id = w->id;
	pa.alive = alive;
	pa.start_ticks = start_ticks;
	(void)strlcpy(pa.boot_id, boot_id, sizeof(pa.boot_id));
	pa.when = when;
	imsg_compose_event(
	    &iev_registry, IMSG_PROBE_ALIVE, 0, 0, -1, &pa, sizeof(pa));
}

/*
 * Watch an alive entry.  The pidfd is opened before the identity check,
 * so the process it pins is the one whose start time matched.
 */
static void
watch_add(const struct probe_watch *pw)
{
	struct watch *w;
	struct proc_stat st;
	const char *errstr;
	int learned = 0, perr;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal(NULL);
	w->id = pw->id;
	w->pid = pw->pid;
	w->start_ticks = pw->start_ticks;
	w->added_at = pw->added_at;
	w->pidfd = -1;
	w->statfd = -1;
	if (RB_INSERT(watch_tree, &watches, w) != NULL)
		fatalx("%s: id %llu watched twice", __func__,
		    (unsigned long long)pw->id);

	if (strcmp(pw->boot_id, boot_id) != 0 && pw->boot_id[0] != '\0') {
		log_debug("id %llu: recorded before a reboot",
		    (unsigned long long)w->id);
		report(w, 0, 0, 0);
		watch_remove(w);
		return;
	}
	/* A pidfd matters more than a held stat: give one up for it. */
	if (npidfds + nstatfds >= pidfd_max && nstatfds > 0)
		statfd_close(TAILQ_FIRST(&statfds));
	if (npidfds + nstatfds < pidfd_max)
		w->pidfd = sys_pidfd_open(w->pid);
	else
		errno = EMFILE;
	perr = errno;
	if (w->pidfd == -1 && errno == ESRCH) {
		report(w, 0, 0, 0);
		watch_remove(w);
		return;
	}
	if (w->pidfd != -1)
		npidfds++;
	if (procfs_read_stat(procfd, w->pid, &st, &errstr) == -1) {
		if (errno == ENOENT || errno == ESRCH) {
			report(w, 0, 0, 0);
			watch_remove(w);
			return;
		}
		/* Cannot tell now: the interval probe will. */
		log_warnx("id %llu: pid %d: %s", (unsigned long long)w->id,
		    w->pid, errstr);
		if (w->pidfd != -1) {
			close(w->pidfd);
			w->pidfd = -1;
			npidfds--;
		}
		perr = errno;
	} else if (st.state == 'Z' || st.state == 'X' ||
	    (w->start_ticks != 0 && st.start_ticks != w->start_ticks)) {
		report(w, 0, 0, 0);
		watch_remove(w);
		return;
	} else if (procfs_protected(&st) != NULL) {
		/* A snapshot or journal naming init: never adopt it. */
		log_warnx("id %llu: pid %d is %s, not watched",
		    (unsigned long long)w->id, w->pid, procfs_protected(&st));
		report(w, 0, 0, 0);
		watch_remove(w);
		return;
	} else if (w->start_ticks == 0 &&
	    !started_before(st.start_ticks, w->added_at)) {
		log_debug("id %llu: pid %d started after the entry was added",
		    (unsigned long long)w->id, w->pid);
		report(w, 0, 0, 0);
		watch_remove(w);
		return;
	} else if (w->start_ticks == 0) {
		w->start_ticks = st.start_ticks;
		learned = 1;
	}
	if (w->pidfd == -1) {
		log_debug(
		    "id %llu: no pidfd for pid %d (%s), probing every interval",
		    (unsigned long long)w->id, w->pid, strerror(perr));
		TAILQ_INSERT_TAIL(&polled, w, poll_entry);
		w->polled = 1;
	} else {
		event_set(&w->ev, w->pidfd, EV_READ, watch_exit, w);
		event_add(&w->ev, NULL);
	}
	if (w->start_ticks == 0)
		return; /* vetted once its identity is known */
	vet(w, 1);
	if (learned || pw->boot_id[0] == '\0')
		report(w, 1, w->start_ticks, now_ns());
	sample_soon(w);
}

/* Tell the parent which processes it may signal. */
static void
vet(struct watch *w, int on)
{
	struct vetted v;

	if (w->vetted == on)
		return;
	w->vetted = on;
	memset(&v, 0, sizeof(v));
	v.pid = w->pid;
	v.start_ticks = w->start_ticks;
	imsg_compose_event(&iev_parent, on ? IMSG_VETTED : IMSG_UNVETTED, 0, 0,
	    -1, &v, sizeof(v));
}

static void
watch_remove(struct watch *w)
{
	vet(w, 0);
	RB_REMOVE(watch_tree, &watches, w);
	if (w->pidfd != -1) {
		if (!w->polled && event_initialized(&w->ev))
			event_del(&w->ev);
		close(w->pidfd);
		npidfds--;
	}
	if (w->polled)
		TAILQ_REMOVE(&polled, w, poll_entry);
	if (w->fresh)
		TAILQ_REMOVE(&fresh, w, fresh_entry);
	statfd_close(w);
	free(w);
}

static void
statfd_close(struct watch *w)
{
	if (w->statfd == -1)
		return;
	close(w->statfd);
	w->statfd = -1;
	TAILQ_REMOVE(&statfds, w, stat_entry);
	nstatfds--;
}

/*
 * Read the stat of a watch's process.  The file is held open while
 * descriptors are to spare (the pidfds come first): reading it again
 * costs a third of opening it, and it stays the process's own, failing
 * once that process is gone whoever takes its PID.
 */
static int
watch_stat(struct watch *w, struct proc_stat *st)
{
	const char *errstr;

	if (w->statfd == -1 && npidfds + nstatfds + 1 < pidfd_max &&
	    (w->statfd = procfs_open_stat(procfd, w->pid)) != -1) {
		TAILQ_INSERT_TAIL(&statfds, w, stat_entry);
		nstatfds++;
	}
	if (w->statfd == -1)
		return (procfs_read_stat(procfd, w->pid, st, &errstr));
	if (procfs_pread_stat(w->statfd, w->pid, st, &errstr) == -1) {
		statfd_close(w);
		return (-1);
	}
	return (0);
}

/* A pidfd became readable: its process has exited. */
static void
watch_exit(int fd, short event, void *arg)
{
	struct watch *w = arg;

	report(w, 0, 0, now_ns());
	watch_remove(w);
}

/* Is the process still the one we watch?  For the interval probe. */
static int
watch_alive(struct watch *w)
{
	struct proc_stat st;
	const char *errstr;

	if (w->pid <= 1 || (kill(w->pid, 0) == -1 && errno == ESRCH))
		return (0);
	if (procfs_read_stat(procfd, w->pid, &st, &errstr) == -1)
		return (errno != ENOENT && errno != ESRCH);
	if (st.state == 'Z' || st.state == 'X' || procfs_protected(&st) != NULL)
		return (0);
	if (w->start_ticks == 0) {
		/* An old entry whose identity could not be read before. */
		if (!started_before(st.start_ticks, w->added_at))
			return (0);
		w->start_ticks = st.start_ticks;
		vet(w, 1);
		report(w, 1, w->start_ticks, now_ns());
		sample_soon(w);
	}
	return (st.start_ticks == w->start_ticks);
}

static void
watch_poll(int fd, short event, void *arg)
{
	struct watch *w, *tw;

	TAILQ_FOREACH_SAFE(w, &polled, poll_entry, tw) {
		if (!watch_alive(w)) {
			report(w, 0, 0, now_ns());
			watch_remove(w);
		}
	}
	evtimer_add(&ev_poll, &poll_tv);
}

/*
 * A new watch is sampled at once, with the others that come in the same
 * turn of the loop, so that a `list' right after an `add' shows it.
 */
static void
sample_soon(struct watch *w)
{
	struct timeval now = { 0, 0 };

	if (!metrics_on || w->fresh || w->start_ticks == 0)
		return;
	TAILQ_INSERT_TAIL(&fresh, w, fresh_entry);
	w->fresh = 1;
	if (!evtimer_pending(&ev_fresh, NULL))
		evtimer_add(&ev_fresh, &now);
}

static void
sample_fresh(int fd, short event, void *arg)
{
	static struct sample_batch b;
	struct watch *w;

	batch_begin(&b);
	while ((w = TAILQ_FIRST(&fresh)) != NULL) {
		TAILQ_REMOVE(&fresh, w, fresh_entry);
		w->fresh = 0;
		sample(&b, w);
	}
	batch_flush(&b);
}

/* Half the metrics interval, in ns: the shortest span to measure CPU use. */
static uint64_t
metrics_min_dt(void)
{
	return (((uint64_t)metrics_tv.tv_sec * 1000000000 +
	            (uint64_t)metrics_tv.tv_usec * 1000) /
	    2);
}

/*
 * The metrics interval: sample every watched process, SAMPLE_SLICE of
 * them in a turn of the event loop, so that a request for the prober
 * (an add) waits for a slice, not for the whole pass.  A pass goes on
 * by ID, past the watches that went meanwhile.
 */
static void
sample_all(int fd, short event, void *arg)
{
	static const struct timeval now = { 0, 0 };
	static struct sample_batch b;
	struct watch key, *w;
	size_t n;

	batch_begin(&b);
	key.id = sample_next;
	for (w = RB_NFIND(watch_tree, &watches, &key), n = 0;
	     w != NULL && n < SAMPLE_SLICE;
	     w = RB_NEXT(watch_tree, &watches, w), n++) {
		if (w->fresh) {
			TAILQ_REMOVE(&fresh, w, fresh_entry);
			w->fresh = 0;
		}
		sample(&b, w);
	}
	batch_flush(&b);
	if (w != NULL) {
		sample_next = w->id;
		evtimer_add(&ev_metrics, &now);
		return;
	}
	sample_next = 0;
	evtimer_add(&ev_metrics, &metrics_tv);
}

static void
batch_begin(struct sample_batch *b)
{
	struct timespec ts;

	b->n = 0;
	b->boot_ns = boot_time_ns();
	b->real_ns = now_ns();
	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	b->mono_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
batch_flush(struct sample_batch *b)
{
	if (b->n == 0)
		return;
	imsg_compose_event(&iev_registry, IMSG_PROBE_SAMPLES, 0, 0, -1, b->s,
	    b->n * sizeof(b->s[0]));
	b->n = 0;
}

/*
 * Read how the process of a watch is doing.  A process that is not the
 * one watched any more (its PID reused), a zombie, or one whose stat
 * cannot be read gives no sample: its entry keeps the one before, and
 * the pidfd or the interval probe tells its end.
 */
static void
sample(struct sample_batch *b, struct watch *w)
{
	struct probe_sample *s;
	struct proc_stat st;
	uint64_t ticks, dt, pct;
	int64_t start_ns;

	if (w->start_ticks == 0 || watch_stat(w, &st) == -1 ||
	    st.start_ticks != w->start_ticks || st.state == 'Z' ||
	    st.state == 'X')
		return;
	s = &b->s[b->n];
	memset(s, 0, sizeof(*s));
	s->id = w->id;
	s->start_ticks = w->start_ticks;
	s->valid = GP_MET_SAMPLE;
	s->state = st.state;
	s->threads = st.threads;
	s->sampled_at = b->real_ns;
	ticks =
	    st.utime > UINT64_MAX - st.stime ? UINT64_MAX : st.utime + st.stime;
	if ((s->cpu_ns = (uint64_t)ticks_ns(ticks)) == (uint64_t)-1)
		s->cpu_ns = INT64_MAX;
	s->rss_bytes =
	    st.rss_pages > (uint64_t)INT64_MAX / (uint64_t)page_size ?
	    INT64_MAX :
	    st.rss_pages * (uint64_t)page_size;
	if (b->boot_ns != -1 && (start_ns = ticks_ns(st.start_ticks)) != -1 &&
	    start_ns <= INT64_MAX - b->boot_ns) {
		s->started_at = b->boot_ns + start_ns;
		s->valid |= GP_MET_STARTED;
	}
	/*
	 * The use of one core since the last sample, in 1/100 percent.  A
	 * sample taken just before (a fresh watch) is too close to tell:
	 * the next interval measures from the older one.
	 */
	dt = (uint64_t)(b->mono_ns - w->sampled_mono);
	if (w->sampled_mono != 0 && b->mono_ns > w->sampled_mono &&
	    dt < metrics_min_dt())
		goto done;
	if (w->sampled_mono != 0 && b->mono_ns > w->sampled_mono &&
	    ticks >= w->cpu_ticks) {
		pct = (uint64_t)((long double)(ticks - w->cpu_ticks) * 1e13L /
		        clk_tck / dt +
		    0.5L);
		s->cpu_pct =
		    pct > GP_CPU_PCT_MAX ? GP_CPU_PCT_MAX : (uint32_t)pct;
		s->valid |= GP_MET_CPU_PCT;
	}
	w->cpu_ticks = ticks;
	w->sampled_mono = b->mono_ns;
done:
	if (++b->n == PROBE_SAMPLES_MAX)
		batch_flush(b);
}

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
 * What every goprocd process shares: the process table, which starts
 * and runs each role and stops the children, the imsg event plumbing
 * and the per-process setup after exec.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "goprocd.h"
#include "log.h"

static struct proc_role *proc_role(enum proc_id);
static pid_t proc_exec(struct proc_role *, int[PROC_MAX][PROC_MAX][2], int, int,
    int, const char *);
static void proc_channels(struct proc_role *);
static int proc_peer_fd(enum proc_id, enum proc_id);
static void proc_lost(struct imsgev *);
static void proc_status(enum proc_id, int);

/*
 * The roles, one row each: the parent (goprocd.c), then its children,
 * each of which the parent forks and re-execs as "goprocd -P title".
 * The peers and the hooks are in each role's own file.
 */
static struct proc_role procs[PROC_MAX] = {
	{ .title = "parent",
	    .id = PROC_PARENT,
	    .sandbox = SANDBOX_PARENT,
	    .start = parent_start,
	    .lost = parent_lost,
	    .shutdown = parent_stop,
	    .peers = parent_peers },
	{ .title = "registry",
	    .id = PROC_REGISTRY,
	    .sandbox = SANDBOX_REGISTRY,
	    .init = registry_init,
	    .start = registry_start,
	    .shutdown = registry_shutdown,
	    .peers = registry_peers },
	{ .title = "prober",
	    .id = PROC_PROBER,
	    .sandbox = SANDBOX_PROBER,
	    .init = prober_init,
	    .start = prober_start,
	    .shutdown = prober_shutdown,
	    .peers = prober_peers },
	{ .title = "frontend",
	    .id = PROC_FRONTEND,
	    .sandbox = SANDBOX_FRONTEND,
	    .init = frontend_init,
	    .shutdown = frontend_shutdown,
	    .peers = frontend_peers },
};

/* The role this process runs. */
static struct proc_role *proc_self;

/* The parent's: its own executable, which each child re-execs. */
static const char *proc_exe;

/* The parent's: each child's pid and the parent's end of its channel. */
static pid_t proc_pids[PROC_MAX];
static int proc_fds[PROC_MAX] = { -1, -1, -1, -1 };

static struct proc_role *
proc_role(enum proc_id id)
{
	if ((unsigned int)id >= PROC_MAX || procs[id].id != id)
		fatalx("%s: no process %d", __func__, id);
	return (&procs[id]);
}

/*
 * The parent: connect every pair of processes with a socketpair (vmd's
 * mesh), then fork and re-exec each child with its channels at fixed
 * descriptors, self being goprocd's own executable.  A child that drops
 * privileges chroots to the directory rootfd, named root.
 */
void
proc_init(
    const char *self, int debug, int verbose, int rootfd, const char *root)
{
	int pairs[PROC_MAX][PROC_MAX][2];
	int i, j;

	proc_exe = self;
	for (i = 0; i < PROC_MAX; i++)
		for (j = i + 1; j < PROC_MAX; j++) {
			if (socketpair(AF_UNIX,
			        SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
			        pairs[i][j]) == -1)
				fatal("socketpair");
			pairs[j][i][0] = pairs[i][j][1];
			pairs[j][i][1] = pairs[i][j][0];
		}
	for (i = PROC_PARENT + 1; i < PROC_MAX; i++)
		proc_pids[i] =
		    proc_exec(&procs[i], pairs, debug, verbose, rootfd, root);
	/* The children's ends are theirs alone. */
	for (i = PROC_PARENT + 1; i < PROC_MAX; i++)
		for (j = 0; j < PROC_MAX; j++)
			if (i != j)
				close(pairs[i][j][0]);
	for (i = PROC_PARENT + 1; i < PROC_MAX; i++)
		proc_fds[i] = pairs[PROC_PARENT][i][0];
}

/*
 * Fork and re-exec a child: its channel to the parent at
 * PROC_PARENT_FD, then those to its peers in id order.
 */
static pid_t
proc_exec(struct proc_role *p, int pairs[PROC_MAX][PROC_MAX][2], int debug,
    int verbose, int rootfd, const char *root)
{
	char *argv[12];
	int argc = 0, fds[PROC_MAX - 1], i, n = 0;
	pid_t pid;

	switch (pid = fork()) {
	case -1:
		fatal("fork");
	case 0:
		break;
	default:
		return (pid);
	}

	/* The child chroots to ".": the directory checked, not a name.
	 * Before the dup2()s below, which may reuse its number. */
	if (proc_user != NULL && rootfd != -1 && fchdir(rootfd) == -1) {
		log_warn("%s: fchdir %s", p->title, root);
		_exit(1);
	}

	/* Move out of the way of 3..5 first, then into place. */
	fds[n++] = fcntl(pairs[p->id][PROC_PARENT][0], F_DUPFD, 10);
	for (i = PROC_PARENT + 1; i < PROC_MAX; i++)
		if (i != (int)p->id)
			fds[n++] = fcntl(pairs[p->id][i][0], F_DUPFD, 10);
	for (i = 0; i < n; i++) {
		if (fds[i] == -1 || dup2(fds[i], PROC_PARENT_FD + i) == -1) {
			log_warn("%s: dup2", p->title);
			_exit(1);
		}
		close(fds[i]);
	}
	for (i = PROC_PARENT_FD; i < PROC_PARENT_FD + n; i++)
		if (fcntl(i, F_SETFL, O_NONBLOCK) == -1)
			_exit(1);

	argv[argc++] = "goprocd";
	argv[argc++] = "-P";
	argv[argc++] = (char *)p->title;
	if (debug)
		argv[argc++] = "-d";
	if (verbose > 0)
		argv[argc++] = verbose > 1 ? "-vv" : "-v";
	if (proc_user != NULL) {
		argv[argc++] = "-u";
		argv[argc++] = (char *)proc_user;
		argv[argc++] = "-E";
		argv[argc++] = (char *)root;
	}
	argv[argc++] = NULL;
	execv(proc_exe, argv);
	log_warn("exec %s", proc_exe);
	_exit(1);
}

/* A re-exec'd child, "goprocd -P title": run the role of that title. */
__dead void
proc_child(const char *title, int debug, int verbose)
{
	int i;

	log_init(debug, LOG_DAEMON);
	for (i = PROC_PARENT + 1; i < PROC_MAX; i++)
		if (strcmp(title, procs[i].title) == 0)
			proc_run(procs[i].id, verbose);
	fatalx("unknown process role %s", title);
}

/*
 * Run a role, in the order of vmd's proc_run: a child takes its title
 * and opens what it needs, then drops its privileges; every process
 * then makes its event base, its channels and its events, enters its
 * sandbox and runs the loop.  The parent took its title before it
 * forked, and keeps its privileges: its sandbox alone confines it.
 */
__dead void
proc_run(enum proc_id id, int verbose)
{
	struct proc_role *p = proc_role(id);
	int fd = -1;

	proc_self = p;
	if (id != PROC_PARENT)
		proc_setup(p->title, verbose);
	if (p->init != NULL)
		fd = p->init();
	if (id != PROC_PARENT)
		proc_drop(proc_user, proc_root);

	event_init();
	proc_channels(p);
	if (p->start != NULL)
		p->start();

	sandbox_enter(p->sandbox, fd, verbose > 1);
	event_dispatch();
	p->shutdown();
	exit(0);
}

/*
 * A channel per peer, read by proc_dispatch with the peer's handler.
 * The parent reads what a child said before it went away; a child
 * stops at once when a channel closes.
 */
static void
proc_channels(struct proc_role *p)
{
	struct proc_peer *pp;
	int i;

	for (i = 0; i < PROC_MAX - 1; i++) {
		pp = &p->peers[i];
		proc_imsgev_init(pp->iev, proc_peer_fd(p->id, pp->id), pp->name,
		    pp->cb, p->lost != NULL ? p->lost : proc_lost,
		    p->id == PROC_PARENT, proc_role(pp->id));
		if (pp->fdpass)
			imsgbuf_allow_fdpass(&pp->iev->ibuf);
	}
}

/* Where process self finds its channel to peer. */
static int
proc_peer_fd(enum proc_id self, enum proc_id peer)
{
	if (self == peer)
		fatalx("%s: %s has no channel to itself", __func__,
		    proc_role(self)->title);
	if (self == PROC_PARENT)
		return (proc_fds[peer]);
	/* The parent's, then the peers' in id order, skipping self. */
	return (PROC_PARENT_FD + peer - (peer > self));
}

/* A child's channel closed: the parent is stopping us. */
static void
proc_lost(struct imsgev *iev)
{
	proc_self->shutdown();
	exit(0);
}

/* The parent's: a child's pid, 0 once it is gone. */
pid_t
proc_pid(enum proc_id id)
{
	return (proc_pids[proc_role(id)->id]);
}

/* The parent's: if pid was a child, say how it ended and return 1. */
int
proc_reaped(pid_t pid, int status)
{
	int i;

	for (i = PROC_PARENT + 1; i < PROC_MAX; i++)
		if (proc_pids[i] > 0 && proc_pids[i] == pid) {
			proc_status(i, status);
			return (1);
		}
	return (0);
}

static void
proc_status(enum proc_id id, int status)
{
	const char *title = proc_role(id)->title;

	if (WIFSIGNALED(status))
		log_warnx("%s (pid %ld) terminated by signal %d", title,
		    (long)proc_pids[id], WTERMSIG(status));
	else
		log_warnx("%s (pid %ld) exited with status %d", title,
		    (long)proc_pids[id], WEXITSTATUS(status));
	proc_pids[id] = 0;
}

/*
 * The parent's: the child whose channel is iev closed it, so it is
 * dying.  The first to die makes the others leave: say how each one
 * ended, if it does so within a second.
 */
void
proc_lost_wait(struct imsgev *iev)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	struct proc_role *p = iev->data;
	int i, j, status;
	pid_t pid;

	log_warnx("%s closed its channel", p->title);
	for (i = 0; i < 100; i++) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			(void)proc_reaped(pid, status);
		for (j = PROC_PARENT + 1, pid = 0; j < PROC_MAX; j++)
			if (proc_pids[j] > 0)
				pid = proc_pids[j];
		if (pid == 0)
			break;
		nanosleep(&ts, NULL);
	}
}

/*
 * The parent's, at a stop: close every channel, which is what stops a
 * child (they ignore SIGTERM), wait up to 3 seconds for them, then kill
 * those left.
 */
void
proc_kill(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	struct proc_peer *pp;
	pid_t pid;
	int i, left, tries, wstatus;

	for (i = 0; i < PROC_MAX - 1; i++) {
		pp = &procs[PROC_PARENT].peers[i];
		if (pp->iev->ibuf.w != NULL) {
			event_del(&pp->iev->ev);
			close(pp->iev->ibuf.fd);
		}
	}
	for (tries = 0; tries < 300; tries++) {
		left = 0;
		for (i = PROC_PARENT + 1; i < PROC_MAX; i++) {
			if (proc_pids[i] <= 0)
				continue;
			pid = waitpid(proc_pids[i], &wstatus, WNOHANG);
			if (pid == proc_pids[i] ||
			    (pid == -1 && errno == ECHILD))
				proc_pids[i] = 0;
			else
				left++;
		}
		if (left == 0)
			break;
		nanosleep(&ts, NULL);
	}
	for (i = PROC_PARENT + 1; i < PROC_MAX; i++) {
		if (proc_pids[i] <= 0)
			continue;
		log_warnx("%s did not stop, killing it", procs[i].title);
		(void)kill(proc_pids[i], SIGKILL);
		for (tries = 0; tries < 100; tries++) {
			pid = waitpid(proc_pids[i], &wstatus, WNOHANG);
			if (pid == proc_pids[i] ||
			    (pid == -1 && errno == ECHILD))
				break;
			nanosleep(&ts, NULL);
		}
		if (tries == 100)
			log_warnx("%s (pid %ld) cannot be stopped",
			    procs[i].title, (long)proc_pids[i]);
	}
}

void
imsgev_init(
    struct imsgev *iev, int fd, void (*handler)(int, short, void *), void *data)
{
	if (imsgbuf_init(&iev->ibuf, fd) == -1)
		fatal("imsgbuf_init");
	iev->handler = handler;
	iev->data = data;
	iev->events = EV_READ;
	event_set(&iev->ev, fd, iev->events, iev->handler, iev);
	event_add(&iev->ev, NULL);
}

/* Re-arm: always read, and write while something is queued. */
void
imsg_event_add(struct imsgev *iev)
{
	short events = EV_READ;

	if (imsgbuf_queuelen(&iev->ibuf) > 0)
		events |= EV_WRITE;
	/* Already armed as wanted: spare the event loop a round trip. */
	if (events == iev->events &&
	    event_pending(&iev->ev, EV_READ | EV_WRITE, NULL))
		return;
	iev->events = events;
	event_del(&iev->ev);
	event_set(&iev->ev, iev->ibuf.fd, iev->events, iev->handler, iev);
	event_add(&iev->ev, NULL);
}

/*
 * Send what is queued now rather than at the next turn of the event
 * loop, for a process about to keep the loop busy for a while.  A peer
 * gone is noticed by the loop, as always.
 */
void
imsgev_send(struct imsgev *iev)
{
	if (imsgbuf_queuelen(&iev->ibuf) == 0)
		return;
	if (imsgbuf_write(&iev->ibuf) == -1 && errno != EPIPE)
		fatal("imsgbuf_write");
	imsg_event_add(iev);
}

int
imsg_compose_event(struct imsgev *iev, uint32_t type, uint32_t peerid,
    pid_t pid, int fd, const void *data, size_t datalen)
{
	int ret;

	if ((ret = imsg_compose(
	         &iev->ibuf, type, peerid, pid, fd, data, datalen)) != -1)
		imsg_event_add(iev);
	return (ret);
}

int
imsg_compose_event_ibuf(
    struct imsgev *iev, uint32_t type, uint32_t peerid, struct ibuf *payload)
{
	struct ibuf *wbuf;

	if ((wbuf = imsg_create(
	         &iev->ibuf, type, peerid, 0, ibuf_size(payload))) == NULL)
		return (-1);
	if (imsg_add(wbuf, ibuf_data(payload), ibuf_size(payload)) == -1)
		return (-1);
	imsg_close(&iev->ibuf, wbuf);
	imsg_event_add(iev);
	return (0);
}

/*
 * The I/O half of a dispatch function.  Returns 0 when the peer has
 * closed the channel, 1 otherwise.
 */
int
imsgev_dispatch_io(struct imsgev *iev, short event)
{
	struct imsgbuf *ibuf = &iev->ibuf;

	if (event & EV_READ) {
		switch (imsgbuf_read(ibuf)) {
		case -1:
			if (errno == ECONNRESET)
				return (0);
			fatal("imsgbuf_read");
		case 0:
			return (0);
		}
	}
	if (event & EV_WRITE) {
		if (imsgbuf_write(ibuf) == -1) {
			if (errno == EPIPE)
				return (0);
			fatal("imsgbuf_write");
		}
	}
	return (1);
}

/*
 * A channel between two goprocd processes: proc_dispatch reads it and
 * hands each message to cb.  When the peer closes it, lost is called,
 * at once, or with drain after the messages already read are handled.
 */
void
proc_imsgev_init(struct imsgev *iev, int fd, const char *name, imsgev_cb cb,
    imsgev_lost lost, int drain, void *data)
{
	iev->name = name;
	iev->cb = cb;
	iev->lost = lost;
	iev->drain = drain;
	imsgev_init(iev, fd, proc_dispatch, data);
}

/*
 * The one dispatch loop of every channel between goprocd's processes:
 * the I/O, then each message to the channel's handler, which returns -1
 * for a type its edge does not carry, then re-arm.
 */
void
proc_dispatch(int fd, short event, void *arg)
{
	struct imsgev *iev = arg;
	struct imsg imsg;
	ssize_t n;
	int closed;

	closed = imsgev_dispatch_io(iev, event) == 0;
	if (closed && !iev->drain)
		iev->lost(iev);
	for (;;) {
		if ((n = imsg_get(&iev->ibuf, &imsg)) == -1)
			fatal("%s: imsg_get", iev->name);
		if (n == 0)
			break;
		if (iev->cb(iev, &imsg) == -1)
			fatalx("%s: unexpected imsg %u, length %zu", iev->name,
			    imsg_get_type(&imsg), imsg_get_len(&imsg));
		imsg_free(&imsg);
	}
	if (closed)
		iev->lost(iev);
	imsg_event_add(iev);
}

/* The handler of an edge that carries nothing. */
int
proc_dispatch_null(struct imsgev *iev, struct imsg *imsg)
{
	return (-1);
}

/* The original argument strings, which setproctitle(3) writes over. */
static char *title_start, *title_end;

/*
 * Note where main()'s argument strings lie, before anything changes
 * them: from argv[0] on, argc strings one after the other.  libbsd's
 * constructor has already moved argv[1..] to copies of its own, so the
 * strings are followed in place, each checked against its copy.
 */
void
proc_title_init(int argc, char *argv[])
{
	char *end;
	int i;

	if (argc < 1 || argv[0] == NULL)
		return;
	end = argv[0] + strlen(argv[0]) + 1;
	for (i = 1; i < argc && argv[i] != NULL; i++) {
		if (strcmp(end, argv[i]) != 0)
			break;
		end += strlen(end) + 1;
	}
	title_start = argv[0];
	title_end = end;
}

/*
 * "goprocd: name" in ps(1).  libbsd's setproctitle(3) marks the end of
 * the original argv[0] with a '.' when the title is shorter than it (as
 * for the parent, started by its full path), and ps shows that byte:
 * clear the rest of the argument strings.
 */
void
proc_title(const char *name)
{
	char want[128];
	size_t len, size;

	setproctitle("%s", name);
	if (title_start == NULL)
		return;
	size = title_end - title_start;
	len = strnlen(title_start, size);
	/*
	 * Only where setproctitle(3) put the title: without libbsd's
	 * constructor it does nothing, and the area still holds argv.
	 */
	(void)snprintf(want, sizeof(want), "%s: %s", getprogname(), name);
	if (len >= size || strncmp(title_start, want, strlen(want)) != 0)
		return;
	/*
	 * A title exactly as long as the old argv[0] gets a ' ' where
	 * argv[0] ended: clear it too.
	 */
	if (len != strlen(want) &&
	    (len != strlen(want) + 1 || title_start[len - 1] != ' '))
		return;
	len = strlen(want);
	memset(title_start + len, 0, size - len);
}

/* Title, log name and comm of a freshly exec'd process. */
void
proc_setup(const char *name, int verbose)
{
	log_procinit(name);
	log_setverbose(verbose);
	proc_title(name);
	(void)signal(SIGPIPE, SIG_IGN);
	(void)signal(SIGHUP, SIG_IGN);
	/*
	 * Ctrl+C, kill -TERM -PGID, timeout(1) and pkill goprocd reach us
	 * as well as the parent: it decides, and stops us by closing our
	 * channel.  Otherwise we would exit first and the parent would
	 * take a clean stop for a lost child.
	 */
	(void)signal(SIGINT, SIG_IGN);
	(void)signal(SIGTERM, SIG_IGN);
	proc_ignore_signals();
}

/*
 * Ignore every signal whose default action would end the process and
 * that nothing here uses: a stray kill -USR1 must not stop a daemon.
 * SIGHUP, SIGINT, SIGTERM and SIGPIPE are each process's own business.
 * SIGQUIT and the signals of a fault (SIGABRT, SIGBUS, SIGFPE, SIGILL,
 * SIGSEGV, SIGSYS, SIGTRAP) keep their default: they dump core.
 */
void
proc_ignore_signals(void)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM,
		SIGPROF, SIGIO, SIGPWR, SIGSTKFLT, SIGXCPU, SIGXFSZ };
	size_t i;
	int sig;

	for (i = 0; i < nitems(sigs); i++)
		(void)signal(sigs[i], SIG_IGN);
	for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		(void)signal(sig, SIG_IGN);
}

int64_t
now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		fatal("clock_gettime");
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/*
 * When goprocd runs as root: lock this process into an empty directory
 * and become the unprivileged user, groups first and uid last, then make
 * sure there is no way back.  As an ordinary user there is nothing to
 * drop; the sandbox alone confines the process.
 */
void
proc_drop(const char *user, const char *root)
{
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	if (getuid() != 0 || user == NULL)
		return;
	if ((pw = getpwnam(user)) == NULL)
		fatalx("unknown user %s", user);
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0)
		fatalx("user %s is root, refusing to run as it", user);
	if (root != NULL) {
		/* The parent left us in root, opened and checked by it. */
		if (chroot(".") == -1)
			fatal("chroot %s", root);
		if (chdir("/") == -1)
			fatal("chdir /");
	}
	if (setgroups(1, &gid) == -1)
		fatal("setgroups");
	if (setresgid(gid, gid, gid) == -1)
		fatal("setresgid");
	if (setresuid(uid, uid, uid) == -1)
		fatal("setresuid");
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid || setuid(0) != -1 || seteuid(0) != -1)
		fatalx("cannot drop privileges to %s", user);
	log_debug("running as %s (uid %u)%s%s", user, (unsigned)uid,
	    root != NULL ? " in " : "", root != NULL ? root : "");
}

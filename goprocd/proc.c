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
 * What every goprocd process shares: the imsg event plumbing and the
 * per-process setup after exec.
 */

#include <sys/types.h>
#include <sys/queue.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "goprocd.h"
#include "log.h"

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

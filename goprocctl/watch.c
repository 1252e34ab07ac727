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
 * watch and wait: one IMSG_CTL_WATCH request, then the stream of its
 * replies for as long as the connection lives.  The initial entries come
 * first (with GP_REQ_INITIAL), an IMSG_CTL_INFO says the subscription is
 * in place, and one IMSG_CTL_EVENT follows per change.  No reply timeout
 * applies: watch runs until it is interrupted, wait until its entries
 * have ended or its own deadline (-t) has passed.
 */

#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "goproc.h"
#include "goprocctl.h"
#include "imsg.h"

/* clang-format off */
#define EXIT_TIMEOUT	124	/* wait -t, as timeout(1) */

/* wait: an entry of the set waited on. */
struct waited {
	struct gp_entry	 e;	/* as last seen */
	int		 ended;
};

static struct parse_result	*res;
static const struct output	*out;
static int			 subscribed;	/* the INFO has come */
static struct waited		*set;
static size_t			 nset, maxset, nended;

static void	 on_signal(int);
static void	 flush_out(void);
static int64_t	 wall_ns(void);
static int	 stream(struct imsgbuf *, int, int64_t);
static int	 dispatch(struct imsg *);
static void	 watch_entry(const struct gp_entry *);
static void	 wait_entry(const struct gp_entry *);
static int	 wait_info(const struct gp_end *);
static int	 wait_event(const struct gp_event *);
static int	 wait_done(void);
static void	 wait_end(struct waited *, const struct gp_entry *, int,
		    int64_t);
static struct waited *wait_find(uint64_t);
static int	 waited_cmp(const void *, const void *);
static __dead void wait_timeout(void);
/* clang-format on */

/* watch: interrupted.  Each line is out already. */
static void
on_signal(int sig)
{
	_exit(GP_EXIT_OK);
}

/* Each line out as it comes; a reader that left ends watch quietly. */
static void
flush_out(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno == EPIPE)
			exit(GP_EXIT_OK);
		err(GP_EXIT_FAIL, "stdout");
	}
}

static int64_t
wall_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		err(GP_EXIT_FAIL, "clock_gettime");
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/*
 * Run watch or wait over the socket at sock: r is the command line, o
 * the output.  Returns the exit status, or exits.
 */
int
watch(const char *sock, struct parse_result *r, const struct output *o)
{
	struct sigaction sa;
	struct imsgbuf ibuf;
	int64_t until = -1;
	int fd, status;

	res = r;
	out = o;
	(void)signal(SIGPIPE, SIG_IGN);
	if (res->action == WATCH) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		(void)sigemptyset(&sa.sa_mask);
		(void)sigaction(SIGINT, &sa, NULL);
		(void)sigaction(SIGTERM, &sa, NULL);
	}

	/* The connection has its deadline; the replies have none. */
	fd = connect_daemon(sock, now_ms() + (int64_t)res->timeout * 1000);
	if (imsgbuf_init(&ibuf, fd) == -1)
		die(GP_EXIT_FAIL, "%s", strerror(errno));
	send_request(&ibuf, &res->req);
	if (res->action == WAIT && res->deadline > 0)
		until = now_ms() + (int64_t)res->deadline * 1000;
	status = stream(&ibuf, fd, until);
	imsgbuf_clear(&ibuf);
	(void)close(fd);
	free(set);
	return (status);
}

/*
 * Read the replies until wait is done or until (a monotonic time in ms,
 * -1: none) has passed.  watch never returns.
 */
static int
stream(struct imsgbuf *ibuf, int fd, int64_t until)
{
	struct pollfd pfd;
	struct imsg imsg;
	int64_t left;
	ssize_t n;
	int done, ms;

	for (;;) {
		while ((n = imsg_get(ibuf, &imsg)) != 0) {
			if (n == -1)
				die(GP_EXIT_FAIL, "bad reply from goprocd: %s",
				    strerror(errno));
			done = dispatch(&imsg);
			imsg_free(&imsg);
			if (done) {
				out->tail(res);
				return (GP_EXIT_OK);
			}
		}
		ms = -1;
		if (until != -1) {
			if ((left = until - now_ms()) <= 0)
				wait_timeout();
			ms = left > INT_MAX ? INT_MAX : (int)left;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		switch (poll(&pfd, 1, ms)) {
		case -1:
			if (errno == EINTR)
				continue;
			die(GP_EXIT_FAIL, "poll: %s", strerror(errno));
		case 0:
			continue;
		default:
			break;
		}
		switch (imsgbuf_read(ibuf)) {
		case -1:
			if (errno == ECONNRESET)
				die(GP_EXIT_FAIL,
				    "goprocd closed the connection");
			die(GP_EXIT_FAIL, "cannot read from goprocd: %s",
			    strerror(errno));
		case 0:
			die(GP_EXIT_FAIL, "goprocd closed the connection");
		default:
			break;
		}
	}
}

/*
 * Handle one reply of the stream.  Returns 1 once wait is done, else 0;
 * the end of the stream and malformed replies end the program.
 */
static int
dispatch(struct imsg *imsg)
{
	struct ibuf view;
	struct gp_entry entry;
	struct gp_event ev;
	struct gp_end end;
	const char *errstr;
	uint32_t type;

	type = imsg_get_type(imsg);
	if (imsg_get_ibuf(imsg, &view) == -1)
		die(GP_EXIT_FAIL, "bad reply from goprocd (type %u)", type);
	switch (type) {
	case IMSG_CTL_ENTRY:
		if (wire_entry_decode(&view, &entry, &errstr) == -1)
			die(GP_EXIT_FAIL, "bad entry from goprocd: %s", errstr);
		if (subscribed || !(res->req.flags & GP_REQ_INITIAL))
			die(GP_EXIT_FAIL,
			    "bad reply from goprocd: entry out of place");
		if (res->action == WATCH)
			watch_entry(&entry);
		else
			wait_entry(&entry);
		return (0);
	case IMSG_CTL_INFO:
		if (wire_end_decode(&view, &end, &errstr) == -1)
			die(GP_EXIT_FAIL, "bad reply from goprocd: %s", errstr);
		if (subscribed)
			die(GP_EXIT_FAIL,
			    "bad reply from goprocd: a second subscription");
		subscribed = 1;
		return (res->action == WAIT ? wait_info(&end) : 0);
	case IMSG_CTL_EVENT:
		if (wire_event_decode(&view, &ev, &errstr) == -1)
			die(GP_EXIT_FAIL, "bad event from goprocd: %s", errstr);
		if (!subscribed)
			die(GP_EXIT_FAIL,
			    "bad reply from goprocd: event before the subscription");
		if (res->action == WAIT)
			return (wait_event(&ev));
		out->event(res, &ev);
		flush_out();
		return (0);
	case IMSG_CTL_END:
		if (wire_end_decode(&view, &end, &errstr) == -1)
			die(GP_EXIT_FAIL, "bad reply from goprocd: %s", errstr);
		die(GP_EXIT_FAIL, "goprocd closed the connection");
	case IMSG_CTL_ERROR:
		if (wire_end_decode(&view, &end, &errstr) == -1)
			die(GP_EXIT_FAIL, "bad reply from goprocd: %s", errstr);
		die(GP_EXIT_FAIL, "%s",
		    end.msg[0] != '\0' ? end.msg : "request failed");
	default:
		die(GP_EXIT_FAIL, "unexpected reply from goprocd (type %u)",
		    type);
	}
}

/* watch --initial: an entry there at the start, as a present event. */
static void
watch_entry(const struct gp_entry *e)
{
	static struct gp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_PRESENT;
	ev.at = wall_ns();
	ev.entry = *e;
	out->event(res, &ev);
	flush_out();
}

/* wait: one entry of the set; one already dead has ended. */
static void
wait_entry(const struct gp_entry *e)
{
	struct waited *w;
	int64_t at;

	if (nset == maxset) {
		maxset = maxset == 0 ? 16 : maxset * 2;
		if ((w = reallocarray(set, maxset, sizeof(*set))) == NULL)
			err(GP_EXIT_FAIL, NULL);
		set = w;
	}
	w = &set[nset++];
	w->e = *e;
	w->ended = 0;
	if (!e->alive) {
		at = e->met.valid & GP_MET_EXITED ? e->met.exited_at :
		                                    e->last_seen;
		wait_end(w, e, 0, at);
	}
}

/* wait: the set is complete.  Returns 1 if it has ended already. */
static int
wait_info(const struct gp_end *end)
{
	if (nset == 0) {
		if (res->allow_empty)
			exit(GP_EXIT_OK);
		die(GP_EXIT_FAIL, "No processes match the provided selectors");
	}
	qsort(set, nset, sizeof(*set), waited_cmp);
	return (wait_done());
}

/*
 * wait: an event for the set.  An exit or a removal ends its entry, a
 * reset ends them all; lost events leave us unable to tell.
 */
static int
wait_event(const struct gp_event *ev)
{
	struct waited *w;
	size_t i;
	int64_t at;

	switch (ev->type) {
	case GP_EV_LOST:
		die(GP_EXIT_FAIL,
		    "events were lost, cannot tell which entries ended");
	case GP_EV_RESET:
		for (i = 0; i < nset; i++)
			if (!set[i].ended)
				wait_end(&set[i], &set[i].e, 1, ev->at);
		return (wait_done());
	default:
		break;
	}
	if (!(ev->flags & GP_EVF_ENTRY) ||
	    (w = wait_find(ev->entry.id)) == NULL || w->ended)
		return (0);
	switch (ev->type) {
	case GP_EV_EXITED:
		at = ev->entry.met.valid & GP_MET_EXITED ?
		    ev->entry.met.exited_at :
		    ev->at;
		wait_end(w, &ev->entry, 0, at);
		return (wait_done());
	case GP_EV_REMOVED:
		wait_end(w, &ev->entry, 1, ev->at);
		return (wait_done());
	default:
		/* Its name may have changed: print it as it is now. */
		w->e = ev->entry;
		return (0);
	}
}

/* Whether wait is done: every entry has ended, or one with --any. */
static int
wait_done(void)
{
	if (res->any)
		return (nended > 0);
	return (nended == nset);
}

static void
wait_end(struct waited *w, const struct gp_entry *e, int removed, int64_t at)
{
	if (e != &w->e)
		w->e = *e;
	w->ended = 1;
	nended++;
	out->ended(res, &w->e, removed, at);
	if (fflush(stdout) == EOF)
		err(GP_EXIT_FAIL, "stdout");
}

static struct waited *
wait_find(uint64_t id)
{
	struct waited key;

	if (!subscribed)
		return (NULL);
	key.e.id = id;
	return (bsearch(&key, set, nset, sizeof(*set), waited_cmp));
}

static int
waited_cmp(const void *a, const void *b)
{
	const struct waited *wa = a, *wb = b;

	if (wa->e.id < wb->e.id)
		return (-1);
	return (wa->e.id > wb->e.id);
}

/*
 * wait -t has passed: the entries still alive on stdout, the timeout on
 * stderr.
 */
static __dead void
wait_timeout(void)
{
	size_t i;

	for (i = 0; i < nset; i++)
		if (!set[i].ended)
			out->alive(res, &set[i].e);
	if (fflush(stdout) == EOF)
		err(GP_EXIT_FAIL, "stdout");
	fprintf(stderr, "%s: timed out after %d seconds\n", getprogname(),
	    res->deadline);
	out->tail(res);
	exit(EXIT_TIMEOUT);
}

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
 * goprocctl top: a live view of the registry.  One watch connection
 * keeps a table of the entries (its initial entries, then every event as
 * it comes); every -d seconds one list --alive request, on a connection
 * of its own, brings the metrics goprocd last sampled.  A lost event or
 * a reset starts the table over from a new watch.  Without a terminal,
 * -b prints a frame per refresh instead.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <curses.h>
#include <err.h>
#include <errno.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
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
#include "top.h"

/* clang-format off */
#define TOP_DELAY_MS	1000	/* -d: the default refresh */
#define TOP_HELD_MAX	1000	/* events held while paused */
#define TOP_WAKE_MS	1000	/* the longest sleep */

enum conn_kind {
	C_WATCH,	/* the subscription */
	C_LIST,		/* a refresh of the metrics */
	C_VERSION,
	C_KILL,
	C_MAX
};

/* One connection to goprocd, one request. */
struct conn {
	int		 fd;		/* -1: closed */
	struct imsgbuf	 ibuf;
	int64_t		 deadline;	/* ms, 0: none */
	int		 synced;	/* watch: its INFO came */
};

/* An event that came while the view was paused. */
struct held {
	TAILQ_ENTRY(held)	 entry;
	struct gp_event		 ev;
};

static struct top_state	 ts;
static struct conn	 conns[C_MAX];
static struct parse_result *tres;
static const char	*tsock;
static int		 curses_on;
static volatile sig_atomic_t quit_signal;
static TAILQ_HEAD(, held) helds = TAILQ_HEAD_INITIALIZER(helds);
static size_t		 nheld;
static int		 held_lost;	/* more than TOP_HELD_MAX held */
static int		 frames;	/* refreshes done */

static __dead void top_fail(int, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
static void	 top_restore(void);
static void	 on_signal(int);
static void	 clock_now(void);
static int	 conn_open(enum conn_kind, const struct gp_request *, int);
static void	 conn_close(enum conn_kind);
static void	 conn_read(enum conn_kind);
static void	 conn_reply(enum conn_kind, struct imsg *);
static void	 watch_start(void);
static void	 watch_reply(uint32_t, struct ibuf *);
static void	 list_start(void);
static void	 list_done(void);
static void	 event_apply(const struct gp_event *);
static void	 event_hold(const struct gp_event *);
static struct top_ent *table_put(const struct gp_entry *);
static void	 table_del(uint64_t);
static void	 table_clear(void);
static void	 curses_start(void);
static void	 loop(void);
static int	 loop_timeout(int64_t);
static void	 loop_timers(int64_t *);
/* clang-format on */

/*
 * Leave with a message on stderr, after the terminal is itself again.
 */
static __dead void
top_fail(int status, const char *fmt, ...)
{
	va_list ap;
	char msg[GP_MSG_MAX + 256], buf[4 * sizeof(msg) + 1];

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	top_restore();
	(void)fflush(stdout);
	fprintf(
	    stderr, "%s: %s\n", getprogname(), gp_vis(msg, buf, sizeof(buf)));
	exit(status);
}

/* The terminal as it was: on every way out, atexit(3) included. */
static void
top_restore(void)
{
	if (curses_on) {
		curses_on = 0;
		(void)endwin();
	}
}

static void
on_signal(int sig)
{
	quit_signal = sig;
}

static void
clock_now(void)
{
	struct timespec ts1, ts2;

	if (clock_gettime(CLOCK_MONOTONIC, &ts1) == -1 ||
	    clock_gettime(CLOCK_REALTIME, &ts2) == -1)
		top_fail(GP_EXIT_FAIL, "clock_gettime: %s", strerror(errno));
	ts.now = (int64_t)ts1.tv_sec * 1000 + ts1.tv_nsec / 1000000;
	ts.wall = (int64_t)ts2.tv_sec * 1000000000 + ts2.tv_nsec;
}

/*
 * Open a connection of the given kind and queue its request.  Returns
 * 0, or -1 when goprocd is not there (fatal if must).
 */
static int
conn_open(enum conn_kind k, const struct gp_request *req, int must)
{
	struct sockaddr_un sun;
	struct conn *c = &conns[k];
	struct ibuf *b;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, tsock, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		top_fail(GP_EXIT_FAIL, "socket path too long: %s", tsock);
	if ((fd = socket(
	         AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1)
		top_fail(GP_EXIT_FAIL, "socket: %s", strerror(errno));
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == EINTR)
			continue;
		(void)close(fd);
		if (!must)
			return (-1);
		if (errno == ENOENT || errno == ECONNREFUSED)
			top_fail(
			    ts.version[0] != '\0' || conns[C_WATCH].synced ?
			        GP_EXIT_FAIL :
			        GP_EXIT_NODAEMON,
			    "daemon is not running (%s at %s)",
			    errno == ENOENT ? "no socket" :
			                      "connection refused",
			    tsock);
		top_fail(GP_EXIT_FAIL, "cannot connect to %s: %s", tsock,
		    strerror(errno));
	}
	if (imsgbuf_init(&c->ibuf, fd) == -1 ||
	    (b = ibuf_dynamic(256, MAX_IMSGSIZE - IMSG_HEADER_SIZE)) == NULL)
		top_fail(GP_EXIT_FAIL, "%s", strerror(errno));
	if (wire_req_encode(b, req) == -1 ||
	    imsg_compose(&c->ibuf, req->type, 0, 0, -1, ibuf_data(b),
	        ibuf_size(b)) == -1)
		top_fail(
		    GP_EXIT_FAIL, "cannot queue request: %s", strerror(errno));
	ibuf_free(b);
	c->fd = fd;
	c->synced = 0;
	c->deadline = ts.now + (int64_t)tres->timeout * 1000;
	if (k == C_KILL)
		c->deadline += 1000; /* goprocd waits 1 s for the exit */
	if (imsgbuf_write(&c->ibuf) == -1 && errno != EPIPE &&
	    errno != ECONNRESET)
		top_fail(GP_EXIT_FAIL, "cannot send request to goprocd: %s",
		    strerror(errno));
	return (0);
}

static void
conn_close(enum conn_kind k)
{
	struct conn *c = &conns[k];

	if (c->fd == -1)
		return;
	imsgbuf_clear(&c->ibuf);
	(void)close(c->fd);
	c->fd = -1;
	c->deadline = 0;
	c->synced = 0;
}

/* Read what came on a connection and handle each reply. */
static void
conn_read(enum conn_kind k)
{
	struct conn *c = &conns[k];
	struct imsg imsg;
	ssize_t n;

	switch (imsgbuf_read(&c->ibuf)) {
	case -1:
		if (errno != ECONNRESET)
			top_fail(GP_EXIT_FAIL, "cannot read from goprocd: %s",
			    strerror(errno));
		/* FALLTHROUGH */
	case 0:
		if (k == C_WATCH)
			top_fail(GP_EXIT_FAIL,
			    "goprocd closed the connection: the daemon is gone");
		(void)snprintf(ts.status, sizeof(ts.status),
		    "goprocd closed the connection");
		ts.dirty = 1;
		conn_close(k);
		return;
	default:
		break;
	}
	while (c->fd != -1 && (n = imsg_get(&c->ibuf, &imsg)) != 0) {
		if (n == -1)
			top_fail(GP_EXIT_FAIL, "bad reply from goprocd: %s",
			    strerror(errno));
		conn_reply(k, &imsg);
		imsg_free(&imsg);
	}
}

/* One reply on one connection. */
static void
conn_reply(enum conn_kind k, struct imsg *imsg)
{
	struct ibuf view;
	struct gp_entry entry;
	struct gp_result r;
	struct gp_end end;
	struct top_ent *te;
	const char *errstr;
	uint32_t type;

	type = imsg_get_type(imsg);
	if (imsg_get_ibuf(imsg, &view) == -1)
		top_fail(
		    GP_EXIT_FAIL, "bad reply from goprocd (type %u)", type);
	if (k == C_WATCH) {
		watch_reply(type, &view);
		return;
	}
	switch (type) {
	case IMSG_CTL_ENTRY:
		if (wire_entry_decode(&view, &entry, &errstr) == -1)
			top_fail(
			    GP_EXIT_FAIL, "bad entry from goprocd: %s", errstr);
		/* A refresh: the metrics of the entries still alive. */
		if (k == C_LIST && !ts.paused &&
		    (te = top_find(&ts, entry.id)) != NULL && te->e.alive)
			te->e.met = entry.met;
		return;
	case IMSG_CTL_RESULT:
		if (wire_result_decode(&view, &r, &errstr) == -1)
			top_fail(GP_EXIT_FAIL, "bad result from goprocd: %s",
			    errstr);
		if (r.flags & GP_RES_FAILED)
			(void)snprintf(ts.status, sizeof(ts.status),
			    "failed to kill id %llu: %s",
			    (unsigned long long)r.entry.id, r.msg);
		else
			(void)snprintf(ts.status, sizeof(ts.status),
			    "%s id %llu (pid %d)",
			    r.flags & GP_RES_REMOVED ? "killed and removed" :
			                               "signalled",
			    (unsigned long long)r.entry.id, (int)r.entry.pid);
		ts.dirty = 1;
		return;
	case IMSG_CTL_INFO:
		if (wire_end_decode(&view, &end, &errstr) == -1)
			top_fail(
			    GP_EXIT_FAIL, "bad reply from goprocd: %s", errstr);
		/* version: how long goprocd has run, in seconds. */
		if (k == C_VERSION)
			ts.started = ts.now - (int64_t)end.count * 1000;
		return;
	case IMSG_CTL_END:
	case IMSG_CTL_ERROR:
		if (wire_end_decode(&view, &end, &errstr) == -1)
			top_fail(
			    GP_EXIT_FAIL, "bad reply from goprocd: %s", errstr);
		conn_close(k);
		if (k == C_VERSION)
			(void)strlcpy(ts.version, end.msg, sizeof(ts.version));
		else if (type == IMSG_CTL_ERROR || end.status != GP_ST_OK)
			(void)strlcpy(ts.status, end.msg, sizeof(ts.status));
		if (k == C_LIST)
			list_done();
		ts.dirty = 1;
		return;
	default:
		top_fail(GP_EXIT_FAIL,
		    "unexpected reply from goprocd (type %u)", type);
	}
}

/* The subscription, from nothing: the table starts over. */
static void
watch_start(void)
{
	struct gp_request req;

	conn_close(C_WATCH);
	table_clear();
	memset(&req, 0, sizeof(req));
	req.type = IMSG_CTL_WATCH;
	req.flags = GP_REQ_INITIAL;
	(void)conn_open(C_WATCH, &req, 1);
	ts.dirty = 1;
}

/* The initial entries, the INFO that ends them, then events. */
static void
watch_reply(uint32_t type, struct ibuf *view)
{
	static struct gp_event ev;
	struct conn *c = &conns[C_WATCH];
	struct gp_end end;
	const char *errstr;

	switch (type) {
	case IMSG_CTL_ENTRY:
		if (c->synced ||
		    wire_entry_decode(view, &ev.entry, &errstr) == -1)
			top_fail(GP_EXIT_FAIL, "bad entry from goprocd");
		(void)table_put(&ev.entry);
		break;
	case IMSG_CTL_INFO:
		if (wire_end_decode(view, &end, &errstr) == -1)
			top_fail(
			    GP_EXIT_FAIL, "bad reply from goprocd: %s", errstr);
		c->synced = 1;
		c->deadline = 0;
		break;
	case IMSG_CTL_EVENT:
		if (!c->synced || wire_event_decode(view, &ev, &errstr) == -1)
			top_fail(GP_EXIT_FAIL, "bad event from goprocd");
		if (ts.paused)
			event_hold(&ev);
		else
			event_apply(&ev);
		break;
	case IMSG_CTL_END:
	case IMSG_CTL_ERROR:
		if (wire_end_decode(view, &end, &errstr) == -1)
			top_fail(
			    GP_EXIT_FAIL, "bad reply from goprocd: %s", errstr);
		top_fail(GP_EXIT_FAIL, "%s",
		    end.msg[0] != '\0' ? end.msg : "watch failed");
	default:
		top_fail(GP_EXIT_FAIL,
		    "unexpected reply from goprocd (type %u)", type);
	}
	ts.dirty = 1;
}

/* A change of the registry, into the table. */
static void
event_apply(const struct gp_event *ev)
{
	struct top_ent *te;

	switch (ev->type) {
	case GP_EV_RESET:
	case GP_EV_LOST:
		watch_start();
		return;
	case GP_EV_REMOVED:
		table_del(ev->entry.id);
		break;
	case GP_EV_ADDED:
	case GP_EV_EXITED:
	case GP_EV_SIGNALLED:
	case GP_EV_RENAMED:
	case GP_EV_UPDATED:
		if (!(ev->flags & GP_EVF_ENTRY))
			break;
		te = table_put(&ev->entry);
		if (ev->type == GP_EV_EXITED)
			te->died = ts.now;
		break;
	default:
		break;
	}
	ts.dirty = 1;
}

/* Paused: keep the event for later, within a bound. */
static void
event_hold(const struct gp_event *ev)
{
	struct held *h;

	if (held_lost)
		return;
	if (nheld >= TOP_HELD_MAX) {
		held_lost = 1;
		return;
	}
	if ((h = malloc(sizeof(*h))) == NULL)
		top_fail(GP_EXIT_FAIL, "%s", strerror(errno));
	h->ev = *ev;
	TAILQ_INSERT_TAIL(&helds, h, entry);
	nheld++;
}

/* Space: pause the view, or apply what came meanwhile and go on. */
void
top_pause(struct top_state *t, int on)
{
	struct held *h;

	t->paused = on;
	t->dirty = 1;
	if (on)
		return;
	while ((h = TAILQ_FIRST(&helds)) != NULL) {
		TAILQ_REMOVE(&helds, h, entry);
		if (!held_lost)
			event_apply(&h->ev);
		free(h);
	}
	nheld = 0;
	if (held_lost) {
		held_lost = 0;
		watch_start();
	}
}

static int
ent_cmp(const void *key, const void *elem)
{
	uint64_t id = *(const uint64_t *)key;
	const struct top_ent *te = *(struct top_ent *const *)elem;

	return (id < te->e.id ? -1 : id > te->e.id);
}

struct top_ent *
top_find(struct top_state *t, uint64_t id)
{
	struct top_ent **p;

	if (t->nents == 0)
		return (NULL);
	p = bsearch(&id, t->ents, t->nents, sizeof(*t->ents), ent_cmp);
	return (p == NULL ? NULL : *p);
}

/*
 * An entry as it is now, new or replacing the one with its id.  An
 * entry without metrics keeps those the table had.
 */
static struct top_ent *
table_put(const struct gp_entry *e)
{
	struct gp_metrics met;
	struct top_ent *te, **n;
	size_t lo = 0, hi = ts.nents, mid;

	if ((te = top_find(&ts, e->id)) != NULL) {
		met = te->e.met;
		te->e = *e;
		if (e->met.valid == 0 && e->alive)
			te->e.met = met;
		return (te);
	}
	if (ts.nents == ts.maxents) {
		ts.maxents = ts.maxents == 0 ? 64 : ts.maxents * 2;
		if ((n = reallocarray(ts.ents, ts.maxents, sizeof(*n))) == NULL)
			top_fail(GP_EXIT_FAIL, "%s", strerror(errno));
		ts.ents = n;
	}
	if ((te = calloc(1, sizeof(*te))) == NULL)
		top_fail(GP_EXIT_FAIL, "%s", strerror(errno));
	te->e = *e;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ts.ents[mid]->e.id < e->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(
	    ts.ents + lo + 1, ts.ents + lo, (ts.nents - lo) * sizeof(*ts.ents));
	ts.ents[lo] = te;
	ts.nents++;
	return (te);
}

static void
table_del(uint64_t id)
{
	struct top_ent **p;
	size_t i;

	if (ts.nents == 0 ||
	    (p = bsearch(&id, ts.ents, ts.nents, sizeof(*ts.ents), ent_cmp)) ==
	        NULL)
		return;
	i = (size_t)(p - ts.ents);
	free(*p);
	memmove(ts.ents + i, ts.ents + i + 1,
	    (ts.nents - i - 1) * sizeof(*ts.ents));
	ts.nents--;
	ts.nview = 0; /* it may be there */
}

static void
table_clear(void)
{
	size_t i;

	for (i = 0; i < ts.nents; i++)
		free(ts.ents[i]);
	ts.nents = 0;
	ts.nview = 0;
}

/* A refresh of the metrics: list --alive. */
static void
list_start(void)
{
	struct gp_request req;

	memset(&req, 0, sizeof(req));
	req.type = IMSG_CTL_LIST;
	req.flags = GP_REQ_ALIVE;
	if (conn_open(C_LIST, &req, 0) == -1)
		top_fail(GP_EXIT_FAIL, "goprocd is gone");
}

/* A refresh is complete: a frame in batch mode, the end after -n. */
static void
list_done(void)
{
	frames++;
	if (ts.batch) {
		top_view_build(&ts);
		top_frame(&ts, stdout);
		if (fflush(stdout) == EOF || ferror(stdout))
			err(GP_EXIT_FAIL, "stdout");
	}
	if (tres->top.iterations > 0 && frames >= tres->top.iterations) {
		top_restore();
		exit(GP_EXIT_OK);
	}
}

/* K and y: SIGTERM to one entry, as goprocctl kill --id does. */
void
top_kill(struct top_state *t, uint64_t id)
{
	struct gp_request req;

	if (conns[C_KILL].fd != -1) {
		(void)snprintf(
		    t->status, sizeof(t->status), "a kill is under way");
		return;
	}
	memset(&req, 0, sizeof(req));
	req.type = IMSG_CTL_KILL;
	req.signo = SIGTERM;
	req.ids[0] = id;
	req.nids = 1;
	if (conn_open(C_KILL, &req, 0) == -1)
		(void)snprintf(
		    t->status, sizeof(t->status), "cannot reach goprocd");
	else
		(void)snprintf(t->status, sizeof(t->status),
		    "sending SIGTERM to id %llu...", (unsigned long long)id);
	t->dirty = 1;
}

static void
curses_start(void)
{
	if (newterm(NULL, stdout, stdin) == NULL)
		top_fail(GP_EXIT_FAIL, "cannot use the terminal (TERM=%s)",
		    getenv("TERM") != NULL ? getenv("TERM") : "");
	curses_on = 1;
	(void)cbreak();
	(void)noecho();
	(void)nonl();
	(void)keypad(stdscr, TRUE);
	(void)nodelay(stdscr, TRUE);
	(void)curs_set(0);
	(void)set_escdelay(25);
}

/* How long poll may sleep: the next timer, at most TOP_WAKE_MS. */
static int
loop_timeout(int64_t next)
{
	int64_t t = next - ts.now, d;
	size_t i;
	int k;

	if (t > TOP_WAKE_MS)
		t = TOP_WAKE_MS;
	for (k = 0; k < C_MAX; k++)
		if (conns[k].fd != -1 && conns[k].deadline != 0 &&
		    conns[k].deadline - ts.now < t)
			t = conns[k].deadline - ts.now;
	for (i = 0; i < ts.nents; i++)
		if (ts.ents[i]->died != 0 &&
		    (d = ts.ents[i]->died + TOP_HILITE_MS - ts.now) > 0 &&
		    d < t)
			t = d;
	return (t < 0 ? 0 : (int)t);
}

/* The refresh that is due, and the requests past their deadline. */
static void
loop_timers(int64_t *next)
{
	int k;

	for (k = 0; k < C_MAX; k++) {
		if (conns[k].fd == -1 || conns[k].deadline == 0 ||
		    ts.now < conns[k].deadline)
			continue;
		if (k == C_WATCH)
			top_fail(GP_EXIT_FAIL,
			    "no answer from goprocd within %ds", tres->timeout);
		conn_close(k);
		(void)snprintf(ts.status, sizeof(ts.status),
		    "no answer from goprocd within %ds", tres->timeout);
		ts.dirty = 1;
	}
	if (ts.now >= *next && conns[C_WATCH].synced && !ts.paused &&
	    conns[C_LIST].fd == -1) {
		list_start();
		*next = ts.now + tres->top.delay_ms;
		ts.dirty = 1; /* the times in the rows move on */
	}
}

/* Wait for keys, replies, signals and timers, until q. */
static void
loop(void)
{
	struct pollfd pfd[C_MAX + 1];
	enum conn_kind which[C_MAX + 1];
	sigset_t empty;
	struct timespec tmo;
	int64_t next = 0;
	wint_t wc;
	int i, n, r;

	sigemptyset(&empty);
	for (;;) {
		clock_now();
		loop_timers(&next);
		if (!ts.batch && ts.dirty) {
			top_view_build(&ts);
			top_draw(&ts);
			ts.dirty = 0;
		}
		n = 0;
		if (!ts.batch) {
			pfd[n].fd = STDIN_FILENO;
			pfd[n].events = POLLIN;
			which[n++] = C_MAX;
		}
		for (i = 0; i < C_MAX; i++) {
			if (conns[i].fd == -1)
				continue;
			pfd[n].fd = conns[i].fd;
			pfd[n].events = POLLIN;
			if (imsgbuf_queuelen(&conns[i].ibuf) > 0)
				pfd[n].events |= POLLOUT;
			which[n++] = i;
		}
		r = loop_timeout(next);
		tmo.tv_sec = r / 1000;
		tmo.tv_nsec = (long)(r % 1000) * 1000000;
		/* The signals come only while waiting here. */
		if ((r = ppoll(pfd, (nfds_t)n, &tmo, &empty)) == -1 &&
		    errno != EINTR)
			top_fail(GP_EXIT_FAIL, "poll: %s", strerror(errno));
		if (quit_signal != 0)
			break;
		if (r == 0)
			ts.dirty = 1; /* a highlight ends, or the clock moves */
		clock_now();
		for (i = 0; r > 0 && i < n; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (which[i] == C_MAX)
				continue;
			if ((pfd[i].revents & POLLOUT) &&
			    imsgbuf_write(&conns[which[i]].ibuf) == -1 &&
			    errno != EPIPE && errno != ECONNRESET)
				top_fail(GP_EXIT_FAIL,
				    "cannot send request to goprocd: %s",
				    strerror(errno));
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				conn_read(which[i]);
		}
		/* Keys, and KEY_RESIZE after a SIGWINCH, on today's rows. */
		if (!ts.batch && ts.dirty)
			top_view_build(&ts);
		while (!ts.batch && (r = get_wch(&wc)) != ERR) {
			top_key(&ts, r, wc);
			ts.dirty = 1;
			if (ts.quit)
				return;
		}
	}
}

/* goprocctl top: returns its exit status. */
int
top(struct parse_result *res, const char *sock)
{
	struct gp_request req;
	struct sigaction sa;
	sigset_t mask;
	int k;

	tres = res;
	tsock = sock;
	ts.batch = res->top.batch;
	if (res->top.delay_ms == 0)
		res->top.delay_ms = TOP_DELAY_MS;
	if (!ts.batch && (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)))
		top_fail(GP_EXIT_FAIL,
		    "top needs a terminal; use top -b for batch output");
	(void)setlocale(LC_ALL, "");
	ts.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	for (k = 0; k < C_MAX; k++)
		conns[k].fd = -1;
	ts.started = -1;
	clock_now();

	/* The signals that end top wait for ppoll(2). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGWINCH);
	(void)sigprocmask(SIG_BLOCK, &mask, NULL);

	memset(&req, 0, sizeof(req));
	req.type = IMSG_CTL_VERSION;
	(void)conn_open(C_VERSION, &req, 1);
	watch_start();
	if (atexit(top_restore) != 0)
		top_fail(GP_EXIT_FAIL, "atexit");
	if (!ts.batch)
		curses_start();
	loop();
	top_restore();
	return (GP_EXIT_OK);
}

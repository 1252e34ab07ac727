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
 * Client connections on the control socket.  One connection carries one
 * request: it is read, validated in full, stamped with the client's
 * credentials and handed to the registry; the registry's replies come
 * back tagged with the connection's id and go out to the client, which
 * is closed after the terminal END or ERROR.
 *
 * No client can lock the others out: each uid other than root and the
 * daemon's own user holds at most max_clients_per_uid connections, and
 * CONTROL_RESERVED of the max_clients are kept for those two.  A
 * client refused is told so and closed at once, before any buffer is
 * allocated for it.  A client has client_timeout to send its request,
 * and a reply that the client does not read for as long closes the
 * connection.
 *
 * A watch request keeps its connection after the registry's END: the
 * registry's events are matched against its selectors (common/select.c)
 * and sent on.  What a watcher has not read is bounded: past
 * WATCH_BUF_MAX bytes queued, its events are dropped and counted, and
 * once it has caught up with half of that it is told how many with a
 * lost event.  A watcher that reads nothing for client_timeout while
 * events wait is closed like any client.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "goprocd.h"
#include "log.h"

enum conn_state {
	CONN_REQUEST, /* waiting for the client's request */
	CONN_BUSY,    /* the registry works on it */
	CONN_CLOSING, /* the last reply is queued */
	CONN_DRAIN,   /* all said: wait for the client to hang up */
	CONN_WATCH,   /* a watcher, past its initial entries */
};

/* An event held for a watcher until its initial entries are out. */
struct held {
	TAILQ_ENTRY(held) entry;
	struct ibuf *buf;
};

struct ctl_conn {
	TAILQ_ENTRY(ctl_conn) entry;
	uint32_t id;
	enum conn_state state;
	uint32_t type; /* the request, once it is in */
	struct imsgev iev;
	struct gp_cred cred;
	uint32_t credit; /* replies until MORE is due */
	int want_more;   /* the registry is paused */
	struct event ev_timeout;
	/* A watcher's: */
	struct gp_request *watch; /* its selectors */
	int watching;             /* the registry's WATCH_ON came */
	uint64_t *follow;         /* GP_REQ_FOLLOW: its entries */
	size_t nfollow, capfollow;
	TAILQ_HEAD(, held) held;
	size_t heldbytes;
	uint32_t lost; /* events dropped since the last lost event */
};

TAILQ_HEAD(, ctl_conn) ctl_conns = TAILQ_HEAD_INITIALIZER(ctl_conns);

static void control_accept(int, short, void *);
static void control_resume(int, short, void *);
static void control_dispatch_client(int, short, void *);
static void control_timeout(int, short, void *);
static void control_close(struct ctl_conn *);
static void control_fail(struct ctl_conn *, int32_t, const char *);
static void control_request(struct ctl_conn *, struct imsg *);
static void control_refuse(int, const struct ucred *, const char *);
static void control_stall_arm(struct ctl_conn *);
static struct ctl_conn *control_by_id(uint32_t);
static int control_done(struct ctl_conn *);
static void watch_synced(struct ctl_conn *);
static void watch_follow(struct ctl_conn *, uint64_t);
static int watch_match(
    const struct ctl_conn *, const struct gp_event *, const struct gp_entry *);
static void watch_send(struct ctl_conn *, const void *, size_t);
static void watch_lost(struct ctl_conn *);
static int id_cmp(const void *, const void *);

static struct imsgev *iev_reg;
static struct event ev_accept, ev_pause;
static struct timeval pause_tv = { 1, 0 };
static int listen_fd = -1;
static uint32_t nconns;
static uint32_t next_id = 1;
static uid_t admin_uid;
static struct timeval client_tv = { CONFIG_CLIENT_TIMEOUT_DEFAULT_MS / 1000,
	0 };
static uint32_t max_per_uid = CONFIG_CLIENTS_PER_UID_DEFAULT;
static uint32_t max_conns = CONTROL_MAX_CONNS;

/* Limits from the configuration; they apply to connections accepted next. */
void
control_config(int64_t timeout_ns, uint32_t per_uid, uint32_t max)
{
	client_tv.tv_sec = timeout_ns / 1000000000;
	client_tv.tv_usec = (timeout_ns % 1000000000) / 1000;
	max_per_uid = per_uid;
	max_conns = max;
}

void
control_init(int fd, struct imsgev *registry, uid_t admin)
{
	admin_uid = admin;
	iev_reg = registry;
	listen_fd = fd;
	event_set(
	    &ev_accept, listen_fd, EV_READ | EV_PERSIST, control_accept, NULL);
	event_add(&ev_accept, NULL);
	evtimer_set(&ev_pause, control_resume, NULL);
}

void
control_shutdown(void)
{
	struct ctl_conn *c, *tc;

	TAILQ_FOREACH_SAFE(c, &ctl_conns, entry, tc)
		control_close(c);
	if (listen_fd != -1)
		close(listen_fd);
}

/* Out of descriptors a second ago: try accepting again. */
static void
control_resume(int fd, short event, void *arg)
{
	event_add(&ev_accept, NULL);
}

/*
 * Tell a client it is refused and close it.  The reply is one short
 * message made in a static buffer; it fits an empty socket buffer, so a
 * non-blocking send either writes it whole or the client is gone.
 */
static void
control_refuse(int fd, const struct ucred *cred, const char *msg)
{
	static unsigned char out[IMSG_HEADER_SIZE + 16 + GP_MSG_MAX];
	static struct timespec logged;
	static unsigned int unlogged;
	struct timespec now;
	struct imsg_hdr hdr;
	struct gp_end end;
	struct ibuf *buf;
	size_t len;

	/*
	 * A client can be refused thousands of times a second: log one
	 * refusal a second, and how many went unlogged before it.
	 */
	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	if (logged.tv_sec != 0 && now.tv_sec - logged.tv_sec < 1)
		unlogged++;
	else {
		if (unlogged > 0)
			log_warnx(
			    "refusing client pid %d uid %u: %s (and %u other refusals since the last such message)",
			    (int)cred->pid, cred->uid, msg, unlogged);
		else
			log_warnx("refusing client pid %d uid %u: %s",
			    (int)cred->pid, cred->uid, msg);
		logged = now;
		unlogged = 0;
	}
	memset(&end, 0, sizeof(end));
	end.status = GP_ST_BUSY;
	(void)strlcpy(end.msg, msg, sizeof(end.msg));
	if ((buf = ibuf_open(sizeof(out) - IMSG_HEADER_SIZE)) == NULL)
		fatal(NULL);
	if (wire_end_encode(buf, &end) == -1)
		fatalx("%s: wire_end_encode", __func__);
	len = IMSG_HEADER_SIZE + ibuf_size(buf);
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = IMSG_CTL_ERROR;
	hdr.len = len;
	hdr.pid = getpid();
	memcpy(out, &hdr, sizeof(hdr));
	memcpy(out + IMSG_HEADER_SIZE, ibuf_data(buf), ibuf_size(buf));
	ibuf_free(buf);
	(void)send(fd, out, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

static void
control_accept(int fd, short event, void *arg)
{
	struct ctl_conn *c, *o;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char msg[GP_MSG_MAX];
	uint32_t mine = 0;
	int cfd, privileged;

	if ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1) {
		if (errno == ENFILE || errno == EMFILE) {
			log_warn("%s: accept", __func__);
			event_del(&ev_accept);
			evtimer_add(&ev_pause, &pause_tv);
		} else if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("%s: accept", __func__);
		return;
	}
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warn("%s: SO_PEERCRED", __func__);
		close(cfd);
		return;
	}

	/*
	 * Past a limit, a client is told so and dropped at once.  The last
	 * CONTROL_RESERVED connections are for root and the daemon's user,
	 * who have no limit of their own.
	 */
	privileged = cred.uid == 0 || cred.uid == admin_uid;
	if (!privileged) {
		TAILQ_FOREACH(o, &ctl_conns, entry)
			if (o->cred.uid == cred.uid)
				mine++;
		if (mine >= max_per_uid) {
			(void)snprintf(msg, sizeof(msg),
			    "too many clients of uid %u at once (limit %u, max_clients_per_uid in goprocd.conf), try again later",
			    cred.uid, max_per_uid);
			control_refuse(cfd, &cred, msg);
			return;
		}
	}
	if (nconns >= max_conns ||
	    (!privileged && nconns >= max_conns - CONTROL_RESERVED)) {
		control_refuse(
		    cfd, &cred, "too many clients at once, try again later");
		return;
	}

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal(NULL);
	c->id = next_id++;
	if (next_id == 0)
		next_id = 1;
	c->cred.uid = cred.uid;
	c->cred.pid = cred.pid;
	c->state = CONN_REQUEST;
	TAILQ_INIT(&c->held);
	imsgev_init(&c->iev, cfd, control_dispatch_client, c);
	/* A request is a few KiB: a read buffer for the largest, no more. */
	if (imsgbuf_set_readsize(
	        &c->iev.ibuf, IMSG_HEADER_SIZE + GP_REQ_WIRE_MAX) == -1)
		fatal("%s: imsgbuf_set_readsize", __func__);
	TAILQ_INSERT_TAIL(&ctl_conns, c, entry);
	nconns++;
	evtimer_set(&c->ev_timeout, control_timeout, c);
	evtimer_add(&c->ev_timeout, &client_tv);
}

/*
 * Replies are queued for the client: it must take some of them within
 * client_timeout.  The timer runs while anything is queued, from the
 * last time the socket took bytes.
 */
static void
control_stall_arm(struct ctl_conn *c)
{
	if (imsgbuf_queuelen(&c->iev.ibuf) == 0) {
		evtimer_del(&c->ev_timeout);
		return;
	}
	evtimer_add(&c->ev_timeout, &client_tv);
}

static struct ctl_conn *
control_by_id(uint32_t id)
{
	struct ctl_conn *c;

	TAILQ_FOREACH(c, &ctl_conns, entry)
		if (c->id == id)
			return (c);
	return (NULL);
}

static void
control_close(struct ctl_conn *c)
{
	struct held *h;

	if (c->state == CONN_BUSY)
		imsg_compose_event(
		    iev_reg, IMSG_REQ_CANCEL, c->id, 0, -1, NULL, 0);
	if (c->watching)
		imsg_compose_event(
		    iev_reg, IMSG_WATCH_END, c->id, 0, -1, NULL, 0);
	while ((h = TAILQ_FIRST(&c->held)) != NULL) {
		TAILQ_REMOVE(&c->held, h, entry);
		ibuf_free(h->buf);
		free(h);
	}
	free(c->watch);
	free(c->follow);
	TAILQ_REMOVE(&ctl_conns, c, entry);
	evtimer_del(&c->ev_timeout);
	event_del(&c->iev.ev);
	imsgbuf_clear(&c->iev.ibuf);
	close(c->iev.ibuf.fd);
	free(c);
	nconns--;
	if (!evtimer_pending(&ev_pause, NULL))
		event_add(&ev_accept, NULL);
}

static void
control_timeout(int fd, short event, void *arg)
{
	struct ctl_conn *c = arg;

	switch (c->state) {
	case CONN_REQUEST:
		log_debug("client pid %d uid %u sent no request in %llds",
		    c->cred.pid, c->cred.uid, (long long)client_tv.tv_sec);
		break;
	case CONN_BUSY:
	case CONN_CLOSING:
	case CONN_WATCH:
		log_warnx(
		    "client pid %d uid %u read no reply in %llds, closing",
		    c->cred.pid, c->cred.uid, (long long)client_tv.tv_sec);
		break;
	case CONN_DRAIN:
		break;
	}
	control_close(c);
}

/* Answer with an error and close once it is written. */
static void
control_fail(struct ctl_conn *c, int32_t status, const char *msg)
{
	struct gp_end end;
	struct ibuf *buf;

	memset(&end, 0, sizeof(end));
	end.status = status;
	(void)strlcpy(end.msg, msg, sizeof(end.msg));
	if ((buf = ibuf_dynamic(64, MAX_IMSGSIZE)) == NULL)
		fatal(NULL);
	if (wire_end_encode(buf, &end) == -1)
		fatalx("%s: wire_end_encode", __func__);
	if (c->state == CONN_BUSY)
		imsg_compose_event(
		    iev_reg, IMSG_REQ_CANCEL, c->id, 0, -1, NULL, 0);
	c->state = CONN_CLOSING;
	if (imsg_compose_event_ibuf(&c->iev, IMSG_CTL_ERROR, 0, buf) == -1)
		fatal("%s: compose", __func__);
	ibuf_free(buf);
	control_stall_arm(c);
}

static void
control_dispatch_client(int fd, short event, void *arg)
{
	struct imsgev *iev = arg;
	struct ctl_conn *c = iev->data;
	struct imsgbuf *ibuf = &c->iev.ibuf;
	struct imsg imsg;
	char buf[512];
	ssize_t n;

	if (event & EV_READ) {
		switch (c->state) {
		case CONN_REQUEST:
			n = imsgbuf_read(ibuf);
			if (n == 0 || (n == -1 && errno != EAGAIN)) {
				control_close(c);
				return;
			}
			break;
		case CONN_BUSY:
		case CONN_WATCH:
			/* One request per connection: more is a hangup. */
			if ((n = recv(fd, buf, 1, MSG_PEEK)) == 0 ||
			    (n == -1 && errno != EAGAIN && errno != EINTR)) {
				control_close(c);
				return;
			}
			if (n == 1) {
				log_warnx(
				    "client pid %d sent data after its request",
				    c->cred.pid);
				control_close(c);
				return;
			}
			break;
		case CONN_CLOSING:
		case CONN_DRAIN:
			/*
			 * Whatever it still sends is ignored; closing with it
			 * unread would reset the connection under our reply.
			 */
			while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
				;
			if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				control_close(c);
				return;
			}
			break;
		}
	}
	if (event & EV_WRITE) {
		if (imsgbuf_write(ibuf) == -1) {
			control_close(c);
			return;
		}
		if (control_done(c))
			return;
		control_stall_arm(c);
		if (c->want_more && imsgbuf_queuelen(ibuf) < LIST_CHUNK) {
			c->want_more = 0;
			imsg_compose_event(
			    iev_reg, IMSG_REQ_MORE, c->id, 0, -1, NULL, 0);
		}
		if (c->lost > 0 && c->state == CONN_WATCH)
			watch_lost(c);
	}

	if (c->state == CONN_REQUEST) {
		if ((n = imsg_get(ibuf, &imsg)) == -1) {
			log_warnx(
			    "client pid %d: bad message header", c->cred.pid);
			control_close(c);
			return;
		}
		if (n > 0) {
			control_request(c, &imsg);
			imsg_free(&imsg);
		}
	}
	if (control_done(c))
		return;
	imsg_event_add(&c->iev);
}

/*
 * The last reply is written: say so with a half close and give the
 * client a moment to hang up.  Returns 1 if the connection is gone.
 */
static int
control_done(struct ctl_conn *c)
{
	struct timeval tv = { CONTROL_DRAIN_TIMEOUT, 0 };

	if (c->state != CONN_CLOSING || imsgbuf_queuelen(&c->iev.ibuf) > 0)
		return (0);
	if (shutdown(c->iev.ibuf.fd, SHUT_WR) == -1) {
		control_close(c);
		return (1);
	}
	c->state = CONN_DRAIN;
	evtimer_del(&c->ev_timeout);
	evtimer_add(&c->ev_timeout, &tv);
	event_del(&c->iev.ev);
	event_set(&c->iev.ev, c->iev.ibuf.fd, EV_READ, control_dispatch_client,
	    &c->iev);
	event_add(&c->iev.ev, NULL);
	return (1);
}

/* Validate a client's request completely, then pass it on. */
static void
control_request(struct ctl_conn *c, struct imsg *imsg)
{
	static struct gp_request req;
	struct ibuf payload;
	struct iovec iov[2];
	const char *errstr;
	uint32_t type = imsg_get_type(imsg);
	char msg[GP_MSG_MAX + 1];

	evtimer_del(&c->ev_timeout);
	/* The request is in: the read buffer is no longer needed. */
	(void)imsgbuf_set_readsize(&c->iev.ibuf, 0);
	if (!wire_is_request(type)) {
		log_warnx("client pid %d: unknown request type %u", c->cred.pid,
		    type);
		control_fail(c, GP_ST_INVAL, "unknown request");
		return;
	}
	if (imsg_get_fd(imsg) != -1)
		fatalx("%s: client passed a descriptor", __func__);
	if (imsg_get_ibuf(imsg, &payload) == -1 ||
	    wire_req_decode(&payload, type, &req, &errstr) == -1) {
		log_warnx(
		    "client pid %d: bad request: %s", c->cred.pid, errstr);
		(void)snprintf(msg, sizeof(msg), "bad request: %s", errstr);
		control_fail(c, GP_ST_INVAL, msg);
		return;
	}
	if (imsg_get_ibuf(imsg, &payload) == -1)
		fatalx("%s: imsg_get_ibuf", __func__);
	if (wire_req_watches(type)) {
		if ((c->watch = malloc(sizeof(*c->watch))) == NULL)
			fatal(NULL);
		*c->watch = req;
	}
	iov[0].iov_base = &c->cred;
	iov[0].iov_len = sizeof(c->cred);
	iov[1].iov_base = ibuf_data(&payload);
	iov[1].iov_len = ibuf_size(&payload);
	if (imsg_composev(&iev_reg->ibuf, type, c->id, 0, -1, iov, 2) == -1)
		fatal("%s: imsg_composev", __func__);
	imsg_event_add(iev_reg);
	c->type = type;
	c->state = CONN_BUSY;
	c->credit = LIST_CHUNK;
}

/*
 * A reply from the registry for one connection: check it decodes, then
 * send it on as it came.  Replies for a connection that went away are
 * dropped.
 */
void
control_reply(struct imsg *imsg)
{
	static struct gp_entry entry;
	static struct gp_result result;
	struct gp_end end;
	struct ctl_conn *c;
	struct ibuf payload;
	const char *errstr = "bad length";
	uint32_t type = imsg_get_type(imsg);
	int r = -1;

	if (imsg_get_ibuf(imsg, &payload) == -1)
		fatalx("%s: imsg_get_ibuf", __func__);
	switch (type) {
	case IMSG_CTL_ENTRY:
		r = wire_entry_decode(&payload, &entry, &errstr);
		break;
	case IMSG_CTL_RESULT:
		r = wire_result_decode(&payload, &result, &errstr);
		break;
	case IMSG_CTL_INFO:
	case IMSG_CTL_END:
	case IMSG_CTL_ERROR:
		r = wire_end_decode(&payload, &end, &errstr);
		break;
	}
	if (r == -1)
		fatalx("%s: bad reply type %u from registry: %s", __func__,
		    type, errstr);

	if ((c = control_by_id(imsg_get_id(imsg))) == NULL ||
	    c->state != CONN_BUSY)
		return;
	if ((type == IMSG_CTL_ENTRY || type == IMSG_CTL_RESULT) &&
	    !wire_req_streams(c->type, type))
		fatalx("%s: reply type %u from registry to a %s request",
		    __func__, type, wire_req_name(c->type));
	if (imsg_get_ibuf(imsg, &payload) == -1)
		fatalx("%s: imsg_get_ibuf", __func__);
	if (!evtimer_pending(&c->ev_timeout, NULL))
		evtimer_add(&c->ev_timeout, &client_tv);
	if (type == IMSG_CTL_END && c->watch != NULL) {
		/* The watcher's initial entries are out: it is subscribed. */
		if (imsg_compose_event_ibuf(
		        &c->iev, IMSG_CTL_INFO, 0, &payload) == -1) {
			control_close(c);
			return;
		}
		watch_synced(c);
		return;
	}
	if (type == IMSG_CTL_ENTRY && c->watch != NULL &&
	    (c->watch->flags & GP_REQ_FOLLOW))
		watch_follow(c, entry.id);
	if (imsg_compose_event_ibuf(&c->iev, type, 0, &payload) == -1) {
		control_close(c);
		return;
	}
	if (type == IMSG_CTL_END || type == IMSG_CTL_ERROR) {
		c->state = CONN_CLOSING;
		return;
	}
	if (type == IMSG_CTL_ENTRY || type == IMSG_CTL_RESULT) {
		if (--c->credit == 0) {
			c->credit = LIST_CHUNK;
			if (imsgbuf_queuelen(&c->iev.ibuf) < LIST_CHUNK)
				imsg_compose_event(iev_reg, IMSG_REQ_MORE,
				    c->id, 0, -1, NULL, 0);
			else
				c->want_more = 1;
		}
	}
}

/*
 * The registry starts the events of a watch request here.  A watcher
 * that left meanwhile is no watcher: the registry is told at once.
 */
void
control_watch_on(uint32_t id)
{
	struct ctl_conn *c;

	if ((c = control_by_id(id)) == NULL || c->state != CONN_BUSY ||
	    c->watch == NULL || c->watching) {
		imsg_compose_event(iev_reg, IMSG_WATCH_END, id, 0, -1, NULL, 0);
		return;
	}
	c->watching = 1;
}

static int
id_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* A followed watcher's initial entry: its events are this entry's. */
static void
watch_follow(struct ctl_conn *c, uint64_t id)
{
	uint64_t *n;
	size_t cap;

	if (c->nfollow == c->capfollow) {
		cap = c->capfollow == 0 ? 64 : c->capfollow * 2;
		if ((n = reallocarray(c->follow, cap, sizeof(*n))) == NULL)
			fatal(NULL);
		c->follow = n;
		c->capfollow = cap;
	}
	c->follow[c->nfollow++] = id;
}

/*
 * The watcher has all its initial entries and the INFO after them: the
 * events held meanwhile follow, in order.
 */
static void
watch_synced(struct ctl_conn *c)
{
	struct held *h;

	c->state = CONN_WATCH;
	if (c->nfollow > 1)
		qsort(c->follow, c->nfollow, sizeof(*c->follow), id_cmp);
	while ((h = TAILQ_FIRST(&c->held)) != NULL) {
		TAILQ_REMOVE(&c->held, h, entry);
		if (imsg_compose_event_ibuf(
		        &c->iev, IMSG_CTL_EVENT, 0, h->buf) == -1)
			fatal("%s: compose", __func__);
		ibuf_free(h->buf);
		free(h);
	}
	c->heldbytes = 0;
	watch_lost(c);
	control_stall_arm(c);
}

/*
 * Does the watcher want the event?  The entry as it is after the change
 * must match its selectors, or as it was before (prev, when the change
 * could make it stop matching).  A followed watcher wants the events of
 * its entries alone, once it knows them all.
 */
static int
watch_match(const struct ctl_conn *c, const struct gp_event *ev,
    const struct gp_entry *prev)
{
	size_t i;

	if (ev->type == GP_EV_RESET)
		return (1);
	if (c->watch->flags & GP_REQ_FOLLOW) {
		if (c->state == CONN_WATCH)
			return (bsearch(&ev->entry.id, c->follow, c->nfollow,
			            sizeof(*c->follow), id_cmp) != NULL);
		for (i = 0; i < c->nfollow; i++)
			if (c->follow[i] == ev->entry.id)
				return (1);
	}
	return (gp_entry_match(c->watch, &ev->entry) ||
	    (prev != NULL && gp_entry_match(c->watch, prev)));
}

/* Queue an event for a watcher, within its bound. */
static void
watch_send(struct ctl_conn *c, const void *data, size_t len)
{
	struct held *h;
	size_t queued;

	queued = imsgbuf_queuebytes(&c->iev.ibuf) + c->heldbytes;
	if (c->lost > 0 || queued + IMSG_HEADER_SIZE + len > WATCH_BUF_MAX) {
		if (c->lost++ == 0)
			log_debug("client pid %d: watcher behind, dropping "
			          "events",
			    c->cred.pid);
		return;
	}
	if (c->state != CONN_WATCH) {
		if ((h = calloc(1, sizeof(*h))) == NULL ||
		    (h->buf = ibuf_open(len)) == NULL)
			fatal(NULL);
		if (ibuf_add(h->buf, data, len) == -1)
			fatal("%s: ibuf_add", __func__);
		TAILQ_INSERT_TAIL(&c->held, h, entry);
		c->heldbytes += IMSG_HEADER_SIZE + len;
		return;
	}
	if (imsg_compose_event(&c->iev, IMSG_CTL_EVENT, 0, 0, -1, data, len) ==
	    -1)
		fatal("%s: compose", __func__);
	if (!evtimer_pending(&c->ev_timeout, NULL))
		evtimer_add(&c->ev_timeout, &client_tv);
}

/*
 * A watcher that lost events has caught up (half its bound is free):
 * tell it how many, and send it events again.
 */
static void
watch_lost(struct ctl_conn *c)
{
	struct gp_event ev;
	struct ibuf *buf;

	if (c->lost == 0 ||
	    imsgbuf_queuebytes(&c->iev.ibuf) > WATCH_BUF_MAX / 2)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = GP_EV_LOST;
	ev.at = now_ns();
	ev.count = c->lost;
	if ((buf = ibuf_dynamic(64, MAX_IMSGSIZE)) == NULL)
		fatal(NULL);
	if (wire_event_encode(buf, &ev) == -1)
		fatalx("%s: wire_event_encode", __func__);
	if (imsg_compose_event_ibuf(&c->iev, IMSG_CTL_EVENT, 0, buf) == -1)
		fatal("%s: compose", __func__);
	ibuf_free(buf);
	log_debug(
	    "client pid %d: watcher lost %u events", c->cred.pid, c->lost);
	c->lost = 0;
	control_stall_arm(c);
}

/*
 * A change the registry decided: check that it decodes, then send it on
 * to every watcher whose selectors it matches.
 */
void
control_event(struct imsg *imsg)
{
	static struct gp_event ev;
	static struct gp_entry prev;
	struct ctl_conn *c;
	struct ibuf payload;
	const struct gp_entry *pp = NULL;
	struct gp_strlist *l;
	const char *errstr;
	uint32_t i;

	if (imsg_get_ibuf(imsg, &payload) == -1 ||
	    wire_event_decode(&payload, &ev, &errstr) == -1)
		fatalx("%s: bad event from registry: %s", __func__,
		    imsg_get_len(imsg) == 0 ? "empty" : errstr);
	if (ev.type == GP_EV_LOST)
		fatalx("%s: lost event from registry", __func__);
	if (ev.type == GP_EV_EXITED) {
		/* It was alive a moment ago. */
		prev = ev.entry;
		prev.alive = 1;
		pp = &prev;
	} else if (ev.type == GP_EV_RENAMED) {
		/* It carried the old label. */
		prev = ev.entry;
		l = ev.changed == GP_CHG_TAGS ? &prev.tags : &prev.groups;
		for (i = 0; i < l->n; i++)
			if (strcmp(l->v[i], ev.to) == 0)
				(void)strlcpy(
				    l->v[i], ev.from, sizeof(l->v[i]));
		pp = &prev;
	}
	if (imsg_get_ibuf(imsg, &payload) == -1)
		fatalx("%s: imsg_get_ibuf", __func__);
	TAILQ_FOREACH(c, &ctl_conns, entry) {
		if (!c->watching || c->state == CONN_CLOSING ||
		    c->state == CONN_DRAIN || !watch_match(c, &ev, pp))
			continue;
		watch_send(c, ibuf_data(&payload), ibuf_size(&payload));
	}
}

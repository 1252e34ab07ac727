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
 * CONTROL_RESERVED of the CONTROL_MAX_CONNS are kept for those two.  A
 * client refused is told so and closed at once, before any buffer is
 * allocated for it.  A client has client_timeout to send its request,
 * and a reply that the client does not read for as long closes the
 * connection.
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

static struct imsgev *iev_reg;
static struct event ev_accept, ev_pause;
static struct timeval pause_tv = { 1, 0 };
static int listen_fd = -1;
static int nconns;
static uint32_t next_id = 1;
static uid_t admin_uid;
static struct timeval client_tv = { CONFIG_CLIENT_TIMEOUT_DEFAULT_MS / 1000,
	0 };
static uint32_t max_per_uid = CONFIG_CLIENTS_PER_UID_DEFAULT;

/* Limits from the configuration; they apply to connections accepted next. */
void
control_config(int64_t timeout_ns, uint32_t per_uid)
{
	client_tv.tv_sec = timeout_ns / 1000000000;
	client_tv.tv_usec = (timeout_ns % 1000000000) / 1000;
	max_per_uid = per_uid;
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
	if (nconns >= CONTROL_MAX_CONNS ||
	    (!privileged && nconns >= CONTROL_MAX_CONNS - CONTROL_RESERVED)) {
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
	if (c->state == CONN_BUSY)
		imsg_compose_event(
		    iev_reg, IMSG_REQ_CANCEL, c->id, 0, -1, NULL, 0);
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

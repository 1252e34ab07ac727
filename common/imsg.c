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
 * Framed messages over a UNIX stream socket, with the API of OpenBSD's
 * imsg_init(3).
 *
 * On the wire a message is a struct imsg_hdr in host byte order followed
 * by its payload; hdr.len counts both.  A message that carries a file
 * descriptor has IMSG_FD_MARK set in hdr.len, and the descriptor travels
 * with SCM_RIGHTS on the message's first byte.  Descriptor passing is
 * off until imsgbuf_allow_fdpass() is called.
 *
 * Incoming bytes collect in a read buffer of IBUF_READ_SIZE bytes, or of
 * the size imsgbuf_set_readsize() sets for one imsgbuf, allocated at the
 * first read.  Each
 * descriptor received is remembered with the range of stream offsets
 * that arrived in the same recvmsg(2) call.  A marked message claims the
 * oldest descriptor whose range holds the message's first byte; a
 * descriptor whose range lies wholly before the message being parsed was
 * claimed by nobody and is closed.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"

/* clang-format off */
#define IMSG_ALLOW_FDPASS	0x01
#define IMSG_FD_MARK		0x80000000U

/* A received descriptor and the stream offsets [start, end) it came with. */
struct imsg_fd {
	TAILQ_ENTRY(imsg_fd)	 entry;
	uint64_t		 start;
	uint64_t		 end;
	int			 fd;
};

/* Read side of an imsgbuf: unparsed bytes are buf[rpos, wpos). */
struct imsg_rstate {
	unsigned char		*buf;	/* NULL until the first read */
	size_t			 size;	/* bytes at buf, once allocated */
	size_t			 rpos;
	size_t			 wpos;
	uint64_t		 base;	/* stream offset of buf[0] */
	TAILQ_HEAD(, imsg_fd)	 fds;
};

/* Shared with imsg-buffer.c only, see there. */
void		*msgbuf_rstate(struct msgbuf *);
void		 msgbuf_set_rstate(struct msgbuf *, void *, void (*)(void *));

static void	 imsg_rstate_free(void *);
static void	 imsg_rstate_compact(struct imsg_rstate *);
static void	 imsg_fd_expire(struct imsg_rstate *, uint64_t);
static int	 imsg_recv_fds(struct imsgbuf *, struct imsg_rstate *,
		    struct msghdr *, size_t);
/* clang-format on */

/*
 * Set up imsgbuf to exchange messages over the socket fd.  The caller
 * keeps ownership of fd and usually makes it non-blocking for use in an
 * event loop.  Returns 0, or -1 if memory runs out.
 */
int
imsgbuf_init(struct imsgbuf *imsgbuf, int fd)
{
	struct imsg_rstate *rs;

	memset(imsgbuf, 0, sizeof(*imsgbuf));
	if ((imsgbuf->w = msgbuf_new()) == NULL)
		return (-1);
	if ((rs = calloc(1, sizeof(*rs))) == NULL) {
		msgbuf_free(imsgbuf->w);
		imsgbuf->w = NULL;
		return (-1);
	}
	rs->size = IBUF_READ_SIZE;
	TAILQ_INIT(&rs->fds);
	msgbuf_set_rstate(imsgbuf->w, rs, imsg_rstate_free);
	imsgbuf->pid = getpid();
	imsgbuf->maxsize = MAX_IMSGSIZE;
	imsgbuf->fd = fd;
	imsgbuf->flags = 0;
	return (0);
}

/* Accept and send file descriptors on this imsgbuf. */
void
imsgbuf_allow_fdpass(struct imsgbuf *imsgbuf)
{
	imsgbuf->flags |= IMSG_ALLOW_FDPASS;
}

/*
 * Set the largest message, header included, that is composed or
 * accepted.  It must lie in [IMSG_HEADER_SIZE, MAX_IMSGSIZE].
 */
int
imsgbuf_set_maxsize(struct imsgbuf *imsgbuf, uint32_t maxsize)
{
	if (maxsize < IMSG_HEADER_SIZE) {
		errno = EINVAL;
		return (-1);
	}
	if (maxsize > MAX_IMSGSIZE) {
		errno = ERANGE;
		return (-1);
	}
	imsgbuf->maxsize = maxsize;
	return (0);
}

/*
 * Give imsgbuf a read buffer of size bytes instead of IBUF_READ_SIZE: a
 * message longer than that is then refused by imsg_get() as one above
 * maxsize is.  The bytes buffered and not parsed yet must fit.  A size
 * of 0 frees the buffer of an imsgbuf that reads no more.  Returns 0,
 * or -1 (ERANGE: too large or too small for what is buffered; ENOMEM).
 */
int
imsgbuf_set_readsize(struct imsgbuf *imsgbuf, size_t size)
{
	struct imsg_rstate *rs;
	unsigned char *nbuf = NULL;

	rs = msgbuf_rstate(imsgbuf->w);
	if (size > IBUF_READ_SIZE || size < rs->wpos - rs->rpos) {
		errno = ERANGE;
		return (-1);
	}
	if (rs->buf == NULL) {
		rs->size = size;
		return (0);
	}
	if (size > 0 && (nbuf = malloc(size)) == NULL)
		return (-1);
	if (rs->wpos > rs->rpos)
		memcpy(nbuf, rs->buf + rs->rpos, rs->wpos - rs->rpos);
	freezero(rs->buf, rs->size);
	rs->base += rs->rpos;
	rs->wpos -= rs->rpos;
	rs->rpos = 0;
	rs->buf = nbuf;
	rs->size = size;
	return (0);
}

static void
imsg_rstate_free(void *arg)
{
	struct imsg_rstate *rs = arg;
	struct imsg_fd *ifd;

	if (rs == NULL)
		return;
	while ((ifd = TAILQ_FIRST(&rs->fds)) != NULL) {
		TAILQ_REMOVE(&rs->fds, ifd, entry);
		close(ifd->fd);
		free(ifd);
	}
	freezero(rs->buf, rs->size);
	freezero(rs, sizeof(*rs));
}

/* Move the unparsed bytes to the front of the read buffer. */
static void
imsg_rstate_compact(struct imsg_rstate *rs)
{
	if (rs->rpos == 0)
		return;
	if (rs->wpos > rs->rpos)
		memmove(rs->buf, rs->buf + rs->rpos, rs->wpos - rs->rpos);
	rs->base += rs->rpos;
	rs->wpos -= rs->rpos;
	rs->rpos = 0;
}

/* Close the descriptors that arrived wholly before stream offset off. */
static void
imsg_fd_expire(struct imsg_rstate *rs, uint64_t off)
{
	struct imsg_fd *ifd;

	while ((ifd = TAILQ_FIRST(&rs->fds)) != NULL && ifd->end <= off) {
		TAILQ_REMOVE(&rs->fds, ifd, entry);
		close(ifd->fd);
		free(ifd);
	}
}

/*
 * Take the descriptors out of a message that brought n bytes.  At most
 * one is kept; the rest, or all of them if descriptor passing is off,
 * are closed.  Returns -1 with EBADMSG for a descriptor that was not
 * allowed, or -1 with ENOMEM.
 */
static int
imsg_recv_fds(struct imsgbuf *imsgbuf, struct imsg_rstate *rs,
    struct msghdr *msg, size_t n)
{
	struct cmsghdr *cmsg;
	struct imsg_fd *ifd;
	unsigned char *data;
	size_t i, nfds;
	int fd, kept = 0, error = 0;

	cmsg = CMSG_FIRSTHDR(msg);
	for (; cmsg != NULL; cmsg = CMSG_NXTHDR(msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		data = CMSG_DATA(cmsg);
		for (i = 0; i < nfds; i++) {
			memcpy(&fd, data + i * sizeof(fd), sizeof(fd));
			if (!(imsgbuf->flags & IMSG_ALLOW_FDPASS)) {
				close(fd);
				error = EBADMSG;
				continue;
			}
			if (kept || n == 0) {
				close(fd);
				continue;
			}
			if ((ifd = calloc(1, sizeof(*ifd))) == NULL) {
				close(fd);
				error = ENOMEM;
				continue;
			}
			ifd->fd = fd;
			ifd->start = rs->base + rs->wpos;
			ifd->end = ifd->start + n;
			TAILQ_INSERT_TAIL(&rs->fds, ifd, entry);
			kept = 1;
		}
	}
	if ((msg->msg_flags & MSG_CTRUNC) &&
	    !(imsgbuf->flags & IMSG_ALLOW_FDPASS))
		error = EBADMSG;
	if (error != 0) {
		errno = error;
		return (-1);
	}
	return (0);
}

/*
 * Read what the socket has into the read buffer.  Returns 1 when the
 * socket was read (or had nothing for now: EAGAIN and EINTR), 0 on end
 * of file and -1 on an error.  The bytes read stay buffered even when a
 * descriptor that came with them is refused.
 */
int
imsgbuf_read(struct imsgbuf *imsgbuf)
{
	struct imsg_rstate *rs;
	struct msghdr msg;
	struct iovec iov;
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	ssize_t n;
	int rv;

	rs = msgbuf_rstate(imsgbuf->w);
	imsg_rstate_compact(rs);
	if (rs->wpos == rs->size) {
		errno = ENOBUFS;
		return (-1);
	}
	if (rs->buf == NULL && (rs->buf = malloc(rs->size)) == NULL)
		return (-1);

	memset(&msg, 0, sizeof(msg));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = rs->buf + rs->wpos;
	iov.iov_len = rs->size - rs->wpos;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = sizeof(cmsgbuf.buf);

	if ((n = recvmsg(imsgbuf->fd, &msg, MSG_CMSG_CLOEXEC)) == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return (1);
		return (-1);
	}
	rv = imsg_recv_fds(imsgbuf, rs, &msg, n);
	rs->wpos += n;
	if (rv == -1)
		return (-1);
	return (n == 0 ? 0 : 1);
}

/*
 * Write what the socket takes of the queued messages.  Returns 0, also
 * when the socket is full, or -1 on an error (EPIPE: the peer is gone).
 */
int
imsgbuf_write(struct imsgbuf *imsgbuf)
{
	return (msgbuf_write(imsgbuf->fd, imsgbuf->w));
}

/* Write until the queue is empty, waiting for the socket as needed. */
int
imsgbuf_flush(struct imsgbuf *imsgbuf)
{
	struct pollfd pfd;

	while (imsgbuf_queuelen(imsgbuf) > 0) {
		if (imsgbuf_write(imsgbuf) == -1)
			return (-1);
		if (imsgbuf_queuelen(imsgbuf) == 0)
			break;
		pfd.fd = imsgbuf->fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			return (-1);
	}
	return (0);
}

/*
 * Free everything imsgbuf holds: queued messages, buffered input and
 * received descriptors.  The socket itself is left open.
 */
void
imsgbuf_clear(struct imsgbuf *imsgbuf)
{
	msgbuf_free(imsgbuf->w);
	imsgbuf->w = NULL;
}

/* Number of messages (buffers) still waiting to be written. */
uint32_t
imsgbuf_queuelen(struct imsgbuf *imsgbuf)
{
	if (imsgbuf->w == NULL)
		return (0);
	return (msgbuf_queuelen(imsgbuf->w));
}

/* Bytes waiting to be written (goproc's own addition to the API). */
size_t
imsgbuf_queuebytes(struct imsgbuf *imsgbuf)
{
	if (imsgbuf->w == NULL)
		return (0);
	return (msgbuf_queuebytes(imsgbuf->w));
}

/*
 * Take the next complete message out of the read buffer.  Returns its
 * length (header included), 0 if no complete message is buffered yet,
 * or -1.  The header is checked as soon as it is in, before the rest of
 * the message arrives: a length below IMSG_HEADER_SIZE fails with
 * EBADMSG and one above the imsgbuf's maxsize with ERANGE.  A message
 * marked as carrying a descriptor that never came fails with EBADMSG.
 * The message must be released with imsg_free().
 */
ssize_t
imsg_get(struct imsgbuf *imsgbuf, struct imsg *imsg)
{
	struct imsg_rstate *rs;
	struct imsg_hdr hdr;
	struct imsg_fd *ifd = NULL;
	struct ibuf *buf;
	unsigned char *p;
	size_t avail, len, datalen;
	uint64_t start;

	rs = msgbuf_rstate(imsgbuf->w);
	avail = rs->wpos - rs->rpos;
	if (avail < IMSG_HEADER_SIZE)
		return (0);
	p = rs->buf + rs->rpos;
	memcpy(&hdr, p, sizeof(hdr));
	len = hdr.len & ~IMSG_FD_MARK;
	if (len < IMSG_HEADER_SIZE) {
		errno = EBADMSG;
		return (-1);
	}
	if (len > imsgbuf->maxsize || len > rs->size) {
		errno = ERANGE;
		return (-1);
	}
	if (len > avail)
		return (0);

	start = rs->base + rs->rpos;
	imsg_fd_expire(rs, start);
	if (hdr.len & IMSG_FD_MARK) {
		ifd = TAILQ_FIRST(&rs->fds);
		if (ifd == NULL || ifd->start > start) {
			errno = EBADMSG;
			return (-1);
		}
	}

	datalen = len - IMSG_HEADER_SIZE;
	if ((buf = ibuf_open(datalen)) == NULL)
		return (-1);
	if (ibuf_add(buf, p + IMSG_HEADER_SIZE, datalen) == -1) {
		ibuf_free(buf);
		return (-1);
	}
	if (ifd != NULL) {
		TAILQ_REMOVE(&rs->fds, ifd, entry);
		ibuf_fd_set(buf, ifd->fd);
		free(ifd);
	}
	rs->rpos += len;

	memset(imsg, 0, sizeof(*imsg));
	imsg->hdr = hdr;
	imsg->hdr.len = len;
	imsg->buf = buf;
	imsg->data = datalen > 0 ? ibuf_data(buf) : NULL;
	return (len);
}

/* The name used by the newest manual page. */
ssize_t
imsgbuf_get(struct imsgbuf *imsgbuf, struct imsg *imsg)
{
	return (imsg_get(imsgbuf, imsg));
}

/* Make ibuf a read-only view of the payload of imsg. */
int
imsg_get_ibuf(struct imsg *imsg, struct ibuf *ibuf)
{
	if (imsg->buf == NULL) {
		errno = EBADMSG;
		return (-1);
	}
	ibuf_from_ibuf(ibuf, imsg->buf);
	return (0);
}

/*
 * Copy the payload of imsg to data.  The payload must be exactly len
 * bytes, else this fails with EBADMSG.
 */
int
imsg_get_data(struct imsg *imsg, void *data, size_t len)
{
	if (len == 0) {
		errno = EINVAL;
		return (-1);
	}
	if (imsg->buf == NULL || ibuf_size(imsg->buf) != len) {
		errno = EBADMSG;
		return (-1);
	}
	memcpy(data, ibuf_data(imsg->buf), len);
	return (0);
}

/* Take the descriptor that came with imsg: once, then -1. */
int
imsg_get_fd(struct imsg *imsg)
{
	if (imsg->buf == NULL)
		return (-1);
	return (ibuf_fd_get(imsg->buf));
}

uint32_t
imsg_get_id(struct imsg *imsg)
{
	return (imsg->hdr.peerid);
}

/* Length of the payload. */
size_t
imsg_get_len(struct imsg *imsg)
{
	if (imsg->buf == NULL)
		return (0);
	return (ibuf_size(imsg->buf));
}

pid_t
imsg_get_pid(struct imsg *imsg)
{
	return (imsg->hdr.pid);
}

uint32_t
imsg_get_type(struct imsg *imsg)
{
	return (imsg->hdr.type);
}

/*
 * Queue a copy of a received message on imsgbuf.  Its descriptor, if
 * any, is not forwarded and stays with msg.  Returns 1 or -1.
 */
int
imsg_forward(struct imsgbuf *imsgbuf, struct imsg *msg)
{
	struct ibuf *buf;
	size_t len;

	len = imsg_get_len(msg);
	buf = imsg_create(
	    imsgbuf, msg->hdr.type, msg->hdr.peerid, msg->hdr.pid, len);
	if (buf == NULL)
		return (-1);
	if (len > 0 && imsg_add(buf, ibuf_data(msg->buf), len) == -1)
		return (-1);
	imsg_close(imsgbuf, buf);
	return (1);
}

/*
 * Queue a message with datalen bytes of payload and, if fd is not -1, a
 * descriptor that the imsgbuf then owns and closes once sent.  On error
 * the caller keeps fd.  Returns 1 or -1.
 */
int
imsg_compose(struct imsgbuf *imsgbuf, uint32_t type, uint32_t id, pid_t pid,
    int fd, const void *data, size_t datalen)
{
	struct ibuf *buf;

	if (fd != -1) {
		if (!(imsgbuf->flags & IMSG_ALLOW_FDPASS)) {
			errno = EINVAL;
			return (-1);
		}
		if (fd < 0) {
			errno = EBADF;
			return (-1);
		}
	}
	if ((buf = imsg_create(imsgbuf, type, id, pid, datalen)) == NULL)
		return (-1);
	if (imsg_add(buf, data, datalen) == -1)
		return (-1);
	ibuf_fd_set(buf, fd);
	imsg_close(imsgbuf, buf);
	return (1);
}

/* imsg_compose() with the payload gathered from iovcnt iovecs. */
int
imsg_composev(struct imsgbuf *imsgbuf, uint32_t type, uint32_t id, pid_t pid,
    int fd, const struct iovec *iov, int iovcnt)
{
	struct ibuf *buf;
	size_t datalen = 0;
	int i;

	if (iovcnt < 0 || (iovcnt > 0 && iov == NULL)) {
		errno = EINVAL;
		return (-1);
	}
	if (fd != -1) {
		if (!(imsgbuf->flags & IMSG_ALLOW_FDPASS)) {
			errno = EINVAL;
			return (-1);
		}
		if (fd < 0) {
			errno = EBADF;
			return (-1);
		}
	}
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > imsgbuf->maxsize - datalen) {
			errno = ERANGE;
			return (-1);
		}
		datalen += iov[i].iov_len;
	}
	if ((buf = imsg_create(imsgbuf, type, id, pid, datalen)) == NULL)
		return (-1);
	for (i = 0; i < iovcnt; i++)
		if (imsg_add(buf, iov[i].iov_base, iov[i].iov_len) == -1)
			return (-1);
	ibuf_fd_set(buf, fd);
	imsg_close(imsgbuf, buf);
	return (1);
}

/*
 * Queue a message whose payload is the unread part of buf, and whose
 * descriptor is the one buf holds, if any.  buf is consumed whether
 * this succeeds or not.  Returns 1 or -1.
 */
int
imsg_compose_ibuf(struct imsgbuf *imsgbuf, uint32_t type, uint32_t id,
    pid_t pid, struct ibuf *buf)
{
	struct ibuf *msg;
	int saved_errno;

	if (buf == NULL) {
		errno = EINVAL;
		return (-1);
	}
	if (ibuf_fd_avail(buf) && !(imsgbuf->flags & IMSG_ALLOW_FDPASS)) {
		errno = EINVAL;
		goto fail;
	}
	if ((msg = imsg_create(imsgbuf, type, id, pid, ibuf_size(buf))) == NULL)
		goto fail;
	if (imsg_add(msg, ibuf_data(buf), ibuf_size(buf)) == -1)
		goto fail;
	ibuf_fd_set(msg, ibuf_fd_get(buf));
	ibuf_free(buf);
	imsg_close(imsgbuf, msg);
	return (1);

fail:
	saved_errno = errno;
	ibuf_free(buf);
	errno = saved_errno;
	return (-1);
}

/*
 * Start a message with room for datalen bytes of payload, to be filled
 * with imsg_add() and queued with imsg_close().  A pid of 0 stands for
 * the imsgbuf's own.  Fails with ERANGE if the message would be larger
 * than the imsgbuf's maxsize.
 */
struct ibuf *
imsg_create(struct imsgbuf *imsgbuf, uint32_t type, uint32_t id, pid_t pid,
    size_t datalen)
{
	struct imsg_hdr hdr;
	struct ibuf *buf;

	if (datalen > imsgbuf->maxsize - IMSG_HEADER_SIZE) {
		errno = ERANGE;
		return (NULL);
	}
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.peerid = id;
	hdr.pid = pid == 0 ? imsgbuf->pid : pid;
	buf = ibuf_dynamic(IMSG_HEADER_SIZE + datalen, imsgbuf->maxsize);
	if (buf == NULL)
		return (NULL);
	if (ibuf_add(buf, &hdr, sizeof(hdr)) == -1) {
		ibuf_free(buf);
		return (NULL);
	}
	return (buf);
}

/*
 * Append datalen bytes to a message from imsg_create().  On error the
 * message is freed and -1 returned, so calls can be chained without
 * checking each.  Returns datalen on success.
 */
int
imsg_add(struct ibuf *msg, const void *data, size_t datalen)
{
	if (msg == NULL)
		return (-1);
	if (ibuf_add(msg, data, datalen) == -1) {
		ibuf_free(msg);
		return (-1);
	}
	return ((int)datalen);
}

/* Fill in the length of a message from imsg_create() and queue it. */
void
imsg_close(struct imsgbuf *imsgbuf, struct ibuf *msg)
{
	uint32_t len;

	if (msg == NULL)
		return;
	len = ibuf_size(msg);
	if (ibuf_fd_avail(msg))
		len |= IMSG_FD_MARK;
	(void)ibuf_set_h32(msg, offsetof(struct imsg_hdr, len), len);
	ibuf_close(imsgbuf->w, msg);
}

/* Release a message from imsg_get(), closing an unclaimed descriptor. */
void
imsg_free(struct imsg *imsg)
{
	ibuf_free(imsg->buf);
	imsg->buf = NULL;
	imsg->data = NULL;
}

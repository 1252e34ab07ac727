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
 * Buffers (ibuf) and write queues (msgbuf), the lower half of the
 * imsg API described in OpenBSD's ibuf_add(3).
 *
 * An ibuf owns its memory and is either fixed (ibuf_open) or grows up to
 * a limit (ibuf_dynamic).  Bytes are appended at wpos and consumed from
 * rpos; ibuf_data() and ibuf_size() describe the unread part.  A view
 * (ibuf_from_buffer, ibuf_from_ibuf, ibuf_get_ibuf) borrows memory that
 * belongs to someone else: it is read-only and must not be freed.
 *
 * A msgbuf is a queue of ibufs waiting to be written.  A queued ibuf
 * that carries a descriptor sends it with SCM_RIGHTS together with its
 * first byte, then closes it.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"

/* clang-format off */
/* The fd field of a view: it owns neither memory nor a descriptor. */
#define IBUF_FD_VIEW	(-2)

/* How many queued buffers one write call hands to the kernel. */
#define MSGBUF_IOVCNT	64

struct msgbuf {
	TAILQ_HEAD(, ibuf)	 bufs;
	uint32_t		 queued;
	size_t			 bytes;		/* of them, not yet written */
	void			*rstate;
	void			(*rstate_free)(void *);
};

/*
 * Shared with imsg.c only: the read state of the imsgbuf that owns the
 * msgbuf hangs off it and is released by msgbuf_free().
 */
void		*msgbuf_rstate(struct msgbuf *);
void		 msgbuf_set_rstate(struct msgbuf *, void *, void (*)(void *));

static int	 ibuf_is_view(const struct ibuf *);
static struct ibuf *ibuf_new(size_t);
static int	 ibuf_inline(const struct ibuf *);
static int	 ibuf_grow(struct ibuf *, size_t);
static void	 msgbuf_enqueue(struct msgbuf *, struct ibuf *);
static void	 msgbuf_dequeue(struct msgbuf *, struct ibuf *);
static void	 msgbuf_drain(struct msgbuf *, size_t);
static int	 msgbuf_fill_iov(struct msgbuf *, struct iovec *, int);
static int	 ibuf_write_error(void);
/* clang-format on */

static int
ibuf_is_view(const struct ibuf *buf)
{
	return (buf->fd == IBUF_FD_VIEW);
}

/*
 * A buffer and its first len bytes of memory, in one allocation.  Owned
 * buffers always have backing memory, even when empty, so that a pointer
 * into them is never NULL.
 */
static struct ibuf *
ibuf_new(size_t len)
{
	struct ibuf *buf;

	if (len > SIZE_MAX - sizeof(*buf) - 1) {
		errno = ENOMEM;
		return (NULL);
	}
	if ((buf = calloc(1, sizeof(*buf) + (len == 0 ? 1 : len))) == NULL)
		return (NULL);
	buf->buf = (unsigned char *)(buf + 1);
	buf->fd = -1;
	return (buf);
}

/* Whether buf's memory is still the one allocated with it. */
static int
ibuf_inline(const struct ibuf *buf)
{
	return (buf->buf == (const unsigned char *)(buf + 1));
}

/* Make room for at least need bytes, within the buffer's limit. */
static int
ibuf_grow(struct ibuf *buf, size_t need)
{
	unsigned char *p;
	size_t nsize;

	if (need <= buf->size)
		return (0);
	if (ibuf_is_view(buf) || need > buf->max) {
		errno = ERANGE;
		return (-1);
	}
	nsize = buf->size;
	if (nsize < 64)
		nsize = 64;
	while (nsize < need && nsize <= SIZE_MAX / 2)
		nsize *= 2;
	if (nsize < need)
		nsize = need;
	if (nsize > buf->max)
		nsize = buf->max;
	if (ibuf_inline(buf)) {
		/* Out of the allocation it came with. */
		if ((p = calloc(nsize, 1)) == NULL)
			return (-1);
		memcpy(p, buf->buf, buf->size);
		explicit_bzero(buf->buf, buf->size);
	} else if ((p = recallocarray(buf->buf, buf->size, nsize, 1)) == NULL)
		return (-1);
	buf->buf = p;
	buf->size = nsize;
	return (0);
}

/* A fixed buffer of exactly len bytes. */
struct ibuf *
ibuf_open(size_t len)
{
	struct ibuf *buf;

	if ((buf = ibuf_new(len)) == NULL)
		return (NULL);
	buf->size = buf->max = len;
	return (buf);
}

/* A buffer of len bytes that grows on demand up to max bytes. */
struct ibuf *
ibuf_dynamic(size_t len, size_t max)
{
	struct ibuf *buf;

	if (max < len) {
		errno = EINVAL;
		return (NULL);
	}
	if ((buf = ibuf_new(len)) == NULL)
		return (NULL);
	buf->size = len;
	buf->max = max;
	return (buf);
}

/*
 * Append len bytes of space and return a pointer to it.  Fails with
 * ERANGE when the buffer cannot hold them and EINVAL on a view.
 */
void *
ibuf_reserve(struct ibuf *buf, size_t len)
{
	void *p;

	if (ibuf_is_view(buf)) {
		errno = EINVAL;
		return (NULL);
	}
	if (len > SIZE_MAX - buf->wpos) {
		errno = ERANGE;
		return (NULL);
	}
	if (ibuf_grow(buf, buf->wpos + len) == -1)
		return (NULL);
	p = buf->buf + buf->wpos;
	buf->wpos += len;
	return (p);
}

int
ibuf_add(struct ibuf *buf, const void *data, size_t len)
{
	void *p;

	if ((p = ibuf_reserve(buf, len)) == NULL)
		return (-1);
	if (len > 0)
		memcpy(p, data, len);
	return (0);
}

int
ibuf_add_ibuf(struct ibuf *buf, const struct ibuf *from)
{
	return (ibuf_add(buf, ibuf_data(from), ibuf_size(from)));
}

int
ibuf_add_zero(struct ibuf *buf, size_t len)
{
	void *p;

	if ((p = ibuf_reserve(buf, len)) == NULL)
		return (-1);
	if (len > 0)
		memset(p, 0, len);
	return (0);
}

/*
 * The n* functions store values in network byte order, the h* ones in
 * host byte order.  A value that does not fit the width is EINVAL.
 */
int
ibuf_add_n8(struct ibuf *buf, uint64_t value)
{
	uint8_t v;

	if (value > UINT8_MAX) {
		errno = EINVAL;
		return (-1);
	}
	v = value;
	return (ibuf_add(buf, &v, sizeof(v)));
}

int
ibuf_add_n16(struct ibuf *buf, uint64_t value)
{
	uint16_t v;

	if (value > UINT16_MAX) {
		errno = EINVAL;
		return (-1);
	}
	v = htobe16(value);
	return (ibuf_add(buf, &v, sizeof(v)));
}

int
ibuf_add_n32(struct ibuf *buf, uint64_t value)
{
	uint32_t v;

	if (value > UINT32_MAX) {
		errno = EINVAL;
		return (-1);
	}
	v = htobe32(value);
	return (ibuf_add(buf, &v, sizeof(v)));
}

int
ibuf_add_n64(struct ibuf *buf, uint64_t value)
{
	uint64_t v;

	v = htobe64(value);
	return (ibuf_add(buf, &v, sizeof(v)));
}

int
ibuf_add_h16(struct ibuf *buf, uint64_t value)
{
	uint16_t v;

	if (value > UINT16_MAX) {
		errno = EINVAL;
		return (-1);
	}
	v = value;
	return (ibuf_add(buf, &v, sizeof(v)));
}

int
ibuf_add_h32(struct ibuf *buf, uint64_t value)
{
	uint32_t v;

	if (value > UINT32_MAX) {
		errno = EINVAL;
		return (-1);
	}
	v = value;
	return (ibuf_add(buf, &v, sizeof(v)));
}

int
ibuf_add_h64(struct ibuf *buf, uint64_t value)
{
	return (ibuf_add(buf, &value, sizeof(value)));
}

/*
 * Return a pointer to len bytes at offset pos of the unread part of the
 * buffer, or NULL with ERANGE if they are not all there.
 */
void *
ibuf_seek(struct ibuf *buf, size_t pos, size_t len)
{
	size_t size;

	size = ibuf_size(buf);
	if (pos > size || len > size - pos) {
		errno = ERANGE;
		return (NULL);
	}
	return ((unsigned char *)ibuf_data(buf) + pos);
}

/* Overwrite len bytes at offset pos of the unread part of the buffer. */
int
ibuf_set(struct ibuf *buf, size_t pos, const void *data, size_t len)
{
	void *p;

	if (ibuf_is_view(buf)) {
		errno = EINVAL;
		return (-1);
	}
	if ((p = ibuf_seek(buf, pos, len)) == NULL)
		return (-1);
	if (len > 0)
		memcpy(p, data, len);
	return (0);
}

int
ibuf_set_n8(struct ibuf *buf, size_t pos, uint64_t value)
{
	uint8_t v;

	if (value > UINT8_MAX) {
		errno = EINVAL;
		return (-1);
	}
	v = value;
	return (ibuf_set(buf, pos, &v, sizeof(v)));
}

int
ibuf_set_n16(struct ibuf *buf, size_t pos, uint64_t value)
{
	uint16_t v;

	if (value > UINT16_MAX) {
		errno = EINVAL;
		return (-1);
	}
	v = htobe16(value);
	return (ibuf_set(buf, pos, &v, sizeof(v)));
}

int
ibuf_set_n32(struct ibuf *buf, size_t pos, uint64_t value)
{
	uint32_t v;

	if (value > UINT32_MAX) {
		errno = EINVAL;
		return (-1);
	}
	v = htobe32(value);
	return (ibuf_set(buf, pos, &v, sizeof(v)));
}

int
ibuf_set_n64(struct ibuf *buf, size_t pos, uint64_t value)
{
	uint64_t v;

	v = htobe64(value);
	return (ibuf_set(buf, pos, &v, sizeof(v)));
}

int
ibuf_set_h16(struct ibuf *buf, size_t pos, uint64_t value)
{
	uint16_t v;

	if (value > UINT16_MAX) {
		errno = EINVAL;
		return (-1);
	}
	v = value;
	return (ibuf_set(buf, pos, &v, sizeof(v)));
}

int
ibuf_set_h32(struct ibuf *buf, size_t pos, uint64_t value)
{
	uint32_t v;

	if (value > UINT32_MAX) {
		errno = EINVAL;
		return (-1);
	}
	v = value;
	return (ibuf_set(buf, pos, &v, sizeof(v)));
}

int
ibuf_set_h64(struct ibuf *buf, size_t pos, uint64_t value)
{
	return (ibuf_set(buf, pos, &value, sizeof(value)));
}

/* The unread part of the buffer starts here. */
void *
ibuf_data(const struct ibuf *buf)
{
	if (buf->buf == NULL)
		return (NULL);
	return (buf->buf + buf->rpos);
}

/* Number of bytes written but not yet read. */
size_t
ibuf_size(const struct ibuf *buf)
{
	return (buf->wpos - buf->rpos);
}

/* Number of bytes that can still be appended; a view takes none. */
size_t
ibuf_left(const struct ibuf *buf)
{
	if (ibuf_is_view(buf))
		return (0);
	return (buf->max - buf->wpos);
}

/*
 * Make the unread part exactly len bytes long: cut it short, or extend
 * it with zero bytes.  A view can only be cut.
 */
int
ibuf_truncate(struct ibuf *buf, size_t len)
{
	if (ibuf_size(buf) >= len) {
		buf->wpos = buf->rpos + len;
		return (0);
	}
	return (ibuf_add_zero(buf, len - ibuf_size(buf)));
}

/* Start reading from the beginning again. */
void
ibuf_rewind(struct ibuf *buf)
{
	buf->rpos = 0;
}

/* Queue buf for writing; the msgbuf owns it from now on. */
void
ibuf_close(struct msgbuf *msgbuf, struct ibuf *buf)
{
	if (buf == NULL)
		return;
	msgbuf_enqueue(msgbuf, buf);
}

/* Make buf a read-only view of the len bytes at data. */
void
ibuf_from_buffer(struct ibuf *buf, void *data, size_t len)
{
	memset(buf, 0, sizeof(*buf));
	buf->buf = data;
	buf->size = buf->wpos = len;
	buf->fd = IBUF_FD_VIEW;
}

/* Make buf a read-only view of the unread part of from. */
void
ibuf_from_ibuf(struct ibuf *buf, const struct ibuf *from)
{
	ibuf_from_buffer(buf, ibuf_data(from), ibuf_size(from));
}

/*
 * The ibuf_get* functions consume from the read position.  Asking for
 * more than is there fails with EBADMSG and consumes nothing.
 */
int
ibuf_get(struct ibuf *buf, void *data, size_t len)
{
	if (ibuf_size(buf) < len) {
		errno = EBADMSG;
		return (-1);
	}
	if (len > 0)
		memcpy(data, ibuf_data(buf), len);
	buf->rpos += len;
	return (0);
}

/* Make new a view of the next len bytes of buf and skip them. */
int
ibuf_get_ibuf(struct ibuf *buf, size_t len, struct ibuf *new)
{
	if (ibuf_size(buf) < len) {
		errno = EBADMSG;
		return (-1);
	}
	ibuf_from_buffer(new, ibuf_data(buf), len);
	buf->rpos += len;
	return (0);
}

int
ibuf_get_n8(struct ibuf *buf, uint8_t *value)
{
	return (ibuf_get(buf, value, sizeof(*value)));
}

int
ibuf_get_n16(struct ibuf *buf, uint16_t *value)
{
	if (ibuf_get(buf, value, sizeof(*value)) == -1)
		return (-1);
	*value = be16toh(*value);
	return (0);
}

int
ibuf_get_n32(struct ibuf *buf, uint32_t *value)
{
	if (ibuf_get(buf, value, sizeof(*value)) == -1)
		return (-1);
	*value = be32toh(*value);
	return (0);
}

int
ibuf_get_n64(struct ibuf *buf, uint64_t *value)
{
	if (ibuf_get(buf, value, sizeof(*value)) == -1)
		return (-1);
	*value = be64toh(*value);
	return (0);
}

int
ibuf_get_h16(struct ibuf *buf, uint16_t *value)
{
	return (ibuf_get(buf, value, sizeof(*value)));
}

int
ibuf_get_h32(struct ibuf *buf, uint32_t *value)
{
	return (ibuf_get(buf, value, sizeof(*value)));
}

int
ibuf_get_h64(struct ibuf *buf, uint64_t *value)
{
	return (ibuf_get(buf, value, sizeof(*value)));
}

/*
 * Consume len bytes and return them as a newly allocated NUL-terminated
 * string.  The bytes are a string without its terminator: a NUL among
 * them means the length is wrong, so that fails with EBADMSG instead of
 * silently returning a shorter string.
 */
char *
ibuf_get_string(struct ibuf *buf, size_t len)
{
	char *str;

	if (ibuf_size(buf) < len) {
		errno = EBADMSG;
		return (NULL);
	}
	if (len > 0 && memchr(ibuf_data(buf), '\0', len) != NULL) {
		errno = EBADMSG;
		return (NULL);
	}
	if ((str = malloc(len + 1)) == NULL)
		return (NULL);
	if (len > 0)
		memcpy(str, ibuf_data(buf), len);
	str[len] = '\0';
	buf->rpos += len;
	return (str);
}

/*
 * Consume a fixed field of dstlen bytes holding a NUL-terminated string
 * and copy it to dst.  Fails with EBADMSG if the field is short and with
 * EOVERFLOW if it holds no NUL; either way nothing is consumed and dst
 * is left an empty string.
 */
int
ibuf_get_strbuf(struct ibuf *buf, char *dst, size_t dstlen)
{
	if (ibuf_size(buf) < dstlen) {
		if (dstlen > 0)
			dst[0] = '\0';
		errno = EBADMSG;
		return (-1);
	}
	if (dstlen == 0 || memchr(ibuf_data(buf), '\0', dstlen) == NULL) {
		if (dstlen > 0)
			dst[0] = '\0';
		errno = EOVERFLOW;
		return (-1);
	}
	memcpy(dst, ibuf_data(buf), dstlen);
	buf->rpos += dstlen;
	return (0);
}

int
ibuf_skip(struct ibuf *buf, size_t len)
{
	if (ibuf_size(buf) < len) {
		errno = EBADMSG;
		return (-1);
	}
	buf->rpos += len;
	return (0);
}

/*
 * Free buf, its memory (cleared first) and its descriptor.  Freeing a
 * view is a bug in the caller and aborts.
 */
void
ibuf_free(struct ibuf *buf)
{
	int saved_errno;

	if (buf == NULL)
		return;
	if (ibuf_is_view(buf))
		abort();
	saved_errno = errno;
	if (buf->fd >= 0)
		close(buf->fd);
	if (ibuf_inline(buf))
		freezero(buf, sizeof(*buf) + buf->size);
	else {
		freezero(buf->buf, buf->size);
		free(buf);
	}
	errno = saved_errno;
}

int
ibuf_fd_avail(struct ibuf *buf)
{
	return (buf->fd >= 0);
}

/* Take the descriptor out of buf; the caller now owns it. */
int
ibuf_fd_get(struct ibuf *buf)
{
	int fd;

	if (buf->fd < 0)
		return (-1);
	fd = buf->fd;
	buf->fd = -1;
	return (fd);
}

/*
 * Attach fd to buf, which then owns it, closing any descriptor it held
 * before.  A view cannot hold one.
 */
void
ibuf_fd_set(struct ibuf *buf, int fd)
{
	if (ibuf_is_view(buf))
		return;
	if (buf->fd >= 0)
		close(buf->fd);
	buf->fd = fd < 0 ? -1 : fd;
}

struct msgbuf *
msgbuf_new(void)
{
	struct msgbuf *msgbuf;

	if ((msgbuf = calloc(1, sizeof(*msgbuf))) == NULL)
		return (NULL);
	TAILQ_INIT(&msgbuf->bufs);
	return (msgbuf);
}

void
msgbuf_free(struct msgbuf *msgbuf)
{
	if (msgbuf == NULL)
		return;
	msgbuf_clear(msgbuf);
	if (msgbuf->rstate_free != NULL)
		msgbuf->rstate_free(msgbuf->rstate);
	free(msgbuf);
}

/* Drop everything queued, closing the descriptors that were not sent. */
void
msgbuf_clear(struct msgbuf *msgbuf)
{
	struct ibuf *buf;

	while ((buf = TAILQ_FIRST(&msgbuf->bufs)) != NULL)
		msgbuf_dequeue(msgbuf, buf);
}

/* Number of buffers waiting to be written. */
uint32_t
msgbuf_queuelen(struct msgbuf *msgbuf)
{
	return (msgbuf->queued);
}

/* Bytes waiting to be written (goproc's own addition to the API). */
size_t
msgbuf_queuebytes(struct msgbuf *msgbuf)
{
	return (msgbuf->bytes);
}

void *
msgbuf_rstate(struct msgbuf *msgbuf)
{
	return (msgbuf->rstate);
}

void
msgbuf_set_rstate(struct msgbuf *msgbuf, void *rstate, void (*fn)(void *))
{
	msgbuf->rstate = rstate;
	msgbuf->rstate_free = fn;
}

static void
msgbuf_enqueue(struct msgbuf *msgbuf, struct ibuf *buf)
{
	TAILQ_INSERT_TAIL(&msgbuf->bufs, buf, entry);
	msgbuf->queued++;
	msgbuf->bytes += ibuf_size(buf);
}

static void
msgbuf_dequeue(struct msgbuf *msgbuf, struct ibuf *buf)
{
	TAILQ_REMOVE(&msgbuf->bufs, buf, entry);
	msgbuf->queued--;
	msgbuf->bytes -= ibuf_size(buf);
	ibuf_free(buf);
}

/* Consume n written bytes from the head of the queue. */
static void
msgbuf_drain(struct msgbuf *msgbuf, size_t n)
{
	struct ibuf *buf, *next;

	for (buf = TAILQ_FIRST(&msgbuf->bufs); buf != NULL; buf = next) {
		next = TAILQ_NEXT(buf, entry);
		if (n < ibuf_size(buf)) {
			buf->rpos += n;
			msgbuf->bytes -= n;
			break;
		}
		n -= ibuf_size(buf);
		msgbuf_dequeue(msgbuf, buf);
	}
}

/*
 * Describe the head of the queue in iov.  A buffer that carries a
 * descriptor must be the first one of a write, so the list stops before
 * the next such buffer.
 */
static int
msgbuf_fill_iov(struct msgbuf *msgbuf, struct iovec *iov, int iovcnt)
{
	struct ibuf *buf;
	int n = 0;

	TAILQ_FOREACH(buf, &msgbuf->bufs, entry) {
		if (n == iovcnt || (n > 0 && buf->fd >= 0))
			break;
		iov[n].iov_base = ibuf_data(buf);
		iov[n].iov_len = ibuf_size(buf);
		n++;
	}
	return (n);
}

/* Transient write errors leave the data queued for the next attempt. */
static int
ibuf_write_error(void)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
	    errno == ENOBUFS)
		return (0);
	return (-1);
}

/*
 * Write as much of the queue as fd takes with writev(2), without
 * descriptor passing.  Returns 0, or -1 on a hard error.
 */
int
ibuf_write(int fd, struct msgbuf *msgbuf)
{
	struct iovec iov[MSGBUF_IOVCNT];
	ssize_t n;
	int iovcnt;

	if (TAILQ_EMPTY(&msgbuf->bufs))
		return (0);
	iovcnt = msgbuf_fill_iov(msgbuf, iov, MSGBUF_IOVCNT);
	if ((n = writev(fd, iov, iovcnt)) == -1)
		return (ibuf_write_error());
	msgbuf_drain(msgbuf, n);
	return (0);
}

/*
 * Write as much of the queue as the socket fd takes with sendmsg(2).
 * The descriptor of the first buffer, if any, goes with its first byte
 * and is closed once sent.  A closed peer is EPIPE, not SIGPIPE.
 * Returns 0, or -1 on a hard error.
 */
int
msgbuf_write(int fd, struct msgbuf *msgbuf)
{
	struct iovec iov[MSGBUF_IOVCNT];
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct msghdr msg;
	struct cmsghdr *cmsg;
	struct ibuf *first;
	ssize_t n;

	if ((first = TAILQ_FIRST(&msgbuf->bufs)) == NULL)
		return (0);

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = msgbuf_fill_iov(msgbuf, iov, MSGBUF_IOVCNT);
	if (first->fd >= 0) {
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = sizeof(cmsgbuf.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), &first->fd, sizeof(int));
	}

	if ((n = sendmsg(fd, &msg, MSG_NOSIGNAL)) == -1)
		return (ibuf_write_error());

	/* The descriptor went out with the first byte. */
	if (first->fd >= 0 && n > 0) {
		close(first->fd);
		first->fd = -1;
	}
	msgbuf_drain(msgbuf, n);
	return (0);
}

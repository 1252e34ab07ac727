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
 * The imsg reader (common/imsg.c) as the frontend runs it on a client
 * connection: bytes arrive on a non-blocking UNIX socket, imsgbuf_read
 * buffers them, and imsg_get takes out messages until it has no complete
 * one (0) or refuses the stream (-1, where the frontend hangs up).  The
 * first three bytes set up the connection:
 *
 *	byte 0	maxsize: IMSG_HEADER_SIZE + 16 * n, or MAX_IMSGSIZE for 255
 *	byte 1	0x01 accept descriptors, 0x02 send one with the first chunk,
 *		0x04 send one with every chunk, 0x08 send three at once (more
 *		than the reader takes)
 *	byte 2	chunk size in bytes, 0 for everything at once
 *
 * and the rest is what the peer writes, one chunk and one read at a
 * time, then end of file.  Every message must respect maxsize, every
 * descriptor must be handed out at most once or closed, and nothing may
 * leak a descriptor.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "goproc.h"
#include "imsg.h"

/* clang-format off */
#define F_ALLOW_FD	0x01
#define F_FD_FIRST	0x02
#define F_FD_EVERY	0x04
#define F_FD_MANY	0x08
#define FDS_MAX		3

struct conn {
	struct imsgbuf	 ib;
	uint32_t	 maxsize;
	int		 allow_fd;
	int		 stopped;	/* the reader refused the stream */
	int		 eof;
};

static int	 open_fds(void);
static void	 drain(struct conn *);
static void	 step(struct conn *);
static int	 send_chunk(int, const uint8_t *, size_t, int);
/* clang-format on */

static struct gp_request req;
static unsigned char data_copy[MAX_IMSGSIZE + 1];
static int devnull = -1;

/* How many descriptors the process has open. */
static int
open_fds(void)
{
	DIR *d;
	struct dirent *de;
	int n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	(void)closedir(d);
	return (n);
}

/* Take out every complete message, as the frontend does. */
static void
drain(struct conn *c)
{
	struct imsg imsg;
	struct ibuf payload;
	const char *errstr;
	uint32_t type;
	size_t len;
	ssize_t n;
	int fd;

	while (!c->stopped) {
		if ((n = imsg_get(&c->ib, &imsg)) == -1) {
			FUZZ_CHECK(errno == EBADMSG || errno == ERANGE);
			c->stopped = 1;
			return;
		}
		if (n == 0)
			return;
		FUZZ_CHECK((size_t)n >= IMSG_HEADER_SIZE);
		FUZZ_CHECK((size_t)n <= c->maxsize);
		len = imsg_get_len(&imsg);
		FUZZ_CHECK(len == (size_t)n - IMSG_HEADER_SIZE);

		FUZZ_CHECK(imsg_get_ibuf(&imsg, &payload) == 0);
		FUZZ_CHECK(ibuf_size(&payload) == len);
		FUZZ_CHECK(ibuf_get(&payload, data_copy, len) == 0);
		FUZZ_CHECK(ibuf_size(&payload) == 0);
		if (len > 0) {
			FUZZ_CHECK(imsg_get_data(&imsg, data_copy, len) == 0);
			FUZZ_CHECK(
			    imsg_get_data(&imsg, data_copy, len + 1) == -1);
		} else
			FUZZ_CHECK(imsg_get_data(&imsg, data_copy, 1) == -1);

		if ((fd = imsg_get_fd(&imsg)) != -1) {
			FUZZ_CHECK(c->allow_fd);
			FUZZ_CHECK(fcntl(fd, F_GETFD) != -1);
			(void)close(fd);
			FUZZ_CHECK(imsg_get_fd(&imsg) == -1);
		}

		/* A request goes on to the wire decoder. */
		type = imsg_get_type(&imsg);
		if (wire_is_request(type)) {
			FUZZ_CHECK(imsg_get_ibuf(&imsg, &payload) == 0);
			errstr = NULL;
			if (wire_req_decode(&payload, type, &req, &errstr) ==
			    -1)
				FUZZ_CHECK(fuzz_errstr_ok(errstr));
		}
		imsg_free(&imsg);
	}
}

/* One read event on the connection. */
static void
step(struct conn *c)
{
	int n;

	if (c->stopped || c->eof)
		return;
	if ((n = imsgbuf_read(&c->ib)) == -1) {
		c->stopped = 1;
		return;
	}
	if (n == 0)
		c->eof = 1;
	drain(c);
}

/*
 * Write len bytes, with nfd descriptors (0 to FDS_MAX).  Returns the bytes
 * written, or -1 with errno set.
 */
static int
send_chunk(int s, const uint8_t *p, size_t len, int nfd)
{
	struct msghdr msg;
	struct iovec iov;
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(FDS_MAX * sizeof(int))];
	} cmsgbuf;
	struct cmsghdr *cmsg;
	ssize_t n;
	int fds[FDS_MAX], i;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)p;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (nfd > 0) {
		for (i = 0; i < nfd; i++)
			if ((fds[i] = fcntl(devnull, F_DUPFD_CLOEXEC, 0)) == -1)
				abort();
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = CMSG_SPACE(nfd * sizeof(int));
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_len = CMSG_LEN(nfd * sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), fds, nfd * sizeof(int));
	}
	n = sendmsg(s, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	for (i = 0; i < nfd; i++)
		(void)close(fds[i]);
	return ((int)n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conn c;
	const uint8_t *p;
	size_t left, chunk, n, i;
	int sv[2], flags, nfds, nfd, sent, first = 1;

	if (size < 3)
		return (0);
	if (devnull == -1 &&
	    (devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		abort();
	nfds = open_fds();

	memset(&c, 0, sizeof(c));
	if (data[0] == 255)
		c.maxsize = MAX_IMSGSIZE;
	else
		c.maxsize = IMSG_HEADER_SIZE + 16 * (uint32_t)data[0];
	flags = data[1];
	chunk = data[2];
	p = data + 3;
	left = size - 3;
	if (chunk == 0)
		chunk = left;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	if (fcntl(sv[1], F_SETFL, O_NONBLOCK) == -1)
		abort();
	if (imsgbuf_init(&c.ib, sv[1]) == -1)
		abort();
	FUZZ_CHECK(imsgbuf_set_maxsize(&c.ib, c.maxsize) == 0);
	if (flags & F_ALLOW_FD) {
		imsgbuf_allow_fdpass(&c.ib);
		c.allow_fd = 1;
	}

	while (left > 0 && !c.stopped) {
		n = left < chunk ? left : chunk;
		nfd = 0;
		if ((flags & F_FD_EVERY) || ((flags & F_FD_FIRST) && first))
			nfd = flags & F_FD_MANY ? FDS_MAX : 1;
		sent = send_chunk(sv[0], p, n, nfd);
		if (sent == -1 && (errno == EAGAIN || errno == EINTR)) {
			step(&c);
			continue;
		}
		if (sent == -1)
			break;
		first = 0;
		p += sent;
		left -= sent;
		step(&c);
	}
	(void)shutdown(sv[0], SHUT_WR);
	/* Every read takes a byte or more, or ends the connection. */
	for (i = 0; !c.stopped && !c.eof; i++) {
		FUZZ_CHECK(i <= size + 1);
		step(&c);
	}

	imsgbuf_clear(&c.ib);
	(void)close(sv[0]);
	(void)close(sv[1]);
	FUZZ_CHECK(open_fds() == nfds);
	return (0);
}

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
 * Unit tests for common/imsg.c and common/imsg-buffer.c: framing over
 * a socketpair, hostile headers, descriptor passing and the ibuf edge
 * cases (empty buffers, SIZE_MAX, truncated reads, growth limits).
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imsg.h"

/* clang-format off */
#define PAYLOAD_MAX	(MAX_IMSGSIZE - IMSG_HEADER_SIZE)

static void	 mkpair(int[2]);
static void	 mkbufs(struct imsgbuf *, struct imsgbuf *, int[2]);
static void	 freebufs(struct imsgbuf *, struct imsgbuf *, int[2]);
static ssize_t	 recv_one(struct imsgbuf *, struct imsg *);
static void	 mkpipe(int[2]);
static int	 pipe_peer_closed(int);
static void	 read_through(int, const char *);
static void	 raw_write(int, const void *, size_t);
static void	 raw_sendfds(int, const void *, size_t, const int *, int);
static size_t	 frame(unsigned char *, uint32_t, uint32_t, const void *,
		    size_t);
static size_t	 many_size(int);
static void	 many_fill(unsigned char *, size_t, int);
/* clang-format on */

/* A non-blocking UNIX stream socketpair. */
static void
mkpair(int sv[2])
{
	int type = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;

	ATF_REQUIRE(socketpair(AF_UNIX, type, 0, sv) == 0);
}

/* Sender a on sv[0], receiver b on sv[1]. */
static void
mkbufs(struct imsgbuf *a, struct imsgbuf *b, int sv[2])
{
	mkpair(sv);
	ATF_REQUIRE(imsgbuf_init(a, sv[0]) == 0);
	ATF_REQUIRE(imsgbuf_init(b, sv[1]) == 0);
}

static void
freebufs(struct imsgbuf *a, struct imsgbuf *b, int sv[2])
{
	imsgbuf_clear(a);
	imsgbuf_clear(b);
	close(sv[0]);
	close(sv[1]);
}

/* Read until one message is complete and return its length. */
static ssize_t
recv_one(struct imsgbuf *ib, struct imsg *imsg)
{
	struct pollfd pfd;
	ssize_t n;
	int i;

	for (i = 0; i < 100; i++) {
		if ((n = imsg_get(ib, imsg)) != 0) {
			ATF_REQUIRE_MSG(n > 0, "imsg_get: %s", strerror(errno));
			return (n);
		}
		pfd.fd = ib->fd;
		pfd.events = POLLIN;
		ATF_REQUIRE(poll(&pfd, 1, 5000) == 1);
		ATF_REQUIRE_EQ(imsgbuf_read(ib), 1);
	}
	atf_tc_fail("no message after 100 reads");
	/* NOTREACHED */
	return (-1);
}

static void
mkpipe(int p[2])
{
	ATF_REQUIRE(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
}

/*
 * With rfd the read end of an empty pipe: did every copy of the write
 * end get closed?
 */
static int
pipe_peer_closed(int rfd)
{
	char c;

	return (read(rfd, &c, 1) == 0);
}

/* Read str through fd, which must deliver exactly that. */
static void
read_through(int fd, const char *str)
{
	char buf[64];
	ssize_t n;

	memset(buf, 0, sizeof(buf));
	n = read(fd, buf, sizeof(buf) - 1);
	ATF_REQUIRE_EQ(n, (ssize_t)strlen(str));
	ATF_REQUIRE_STREQ(buf, str);
}

static void
raw_write(int fd, const void *data, size_t len)
{
	ATF_REQUIRE_EQ(write(fd, data, len), (ssize_t)len);
}

/* Send data with nfds descriptors in one SCM_RIGHTS message. */
static void
raw_sendfds(int s, const void *data, size_t len, const int *fds, int nfds)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} cmsgbuf;
	struct msghdr msg;
	struct cmsghdr *cmsg;
	struct iovec iov;

	ATF_REQUIRE(nfds >= 1 && nfds <= 4);
	memset(&msg, 0, sizeof(msg));
	memset(&cmsgbuf, 0, sizeof(cmsgbuf));
	iov.iov_base = (void *)(uintptr_t)data;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cmsgbuf.buf;
	msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * nfds);
	ATF_REQUIRE_EQ(sendmsg(s, &msg, 0), (ssize_t)len);
}

/*
 * Build a raw message in out: a header claiming hdrlen bytes followed by
 * len bytes of data.  Returns the number of bytes built.
 */
static size_t
frame(unsigned char *out, uint32_t type, uint32_t hdrlen, const void *data,
    size_t len)
{
	struct imsg_hdr hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = hdrlen;
	hdr.peerid = 5;
	hdr.pid = 4242;
	memcpy(out, &hdr, sizeof(hdr));
	if (len > 0)
		memcpy(out + sizeof(hdr), data, len);
	return (sizeof(hdr) + len);
}

/* Payload size of message i in the bulk test: varied, some maximal. */
static size_t
many_size(int i)
{
	if (i % 97 == 0)
		return (PAYLOAD_MAX);
	return (((size_t)i * 7919) % 2049);
}

static void
many_fill(unsigned char *p, size_t len, int i)
{
	size_t j;

	for (j = 0; j < len; j++)
		p[j] = (unsigned char)(i + j * 31);
}

ATF_TC_WITHOUT_HEAD(roundtrip_one);
ATF_TC_BODY(roundtrip_one, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	char out[6];
	int sv[2];

	mkbufs(&a, &b, sv);
	ATF_REQUIRE_EQ(imsgbuf_queuebytes(&a), 0);
	ATF_REQUIRE_EQ(imsg_compose(&a, 42, 7, 99, -1, "hello", 6), 1);
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 1);
	ATF_REQUIRE_EQ(imsgbuf_queuebytes(&a), IMSG_HEADER_SIZE + 6);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 0);
	ATF_REQUIRE_EQ(imsgbuf_queuebytes(&a), 0);

	ATF_REQUIRE_EQ(recv_one(&b, &imsg), (ssize_t)(IMSG_HEADER_SIZE + 6));
	ATF_REQUIRE_EQ(imsg_get_type(&imsg), 42);
	ATF_REQUIRE_EQ(imsg_get_id(&imsg), 7);
	ATF_REQUIRE_EQ(imsg_get_pid(&imsg), 99);
	ATF_REQUIRE_EQ(imsg_get_len(&imsg), 6);
	ATF_REQUIRE_EQ(imsg.hdr.len, IMSG_HEADER_SIZE + 6);
	ATF_REQUIRE_EQ(imsg_get_fd(&imsg), -1);
	ATF_REQUIRE_EQ(imsg_get_data(&imsg, out, sizeof(out)), 0);
	ATF_REQUIRE_STREQ(out, "hello");
	ATF_REQUIRE_STREQ((char *)imsg.data, "hello");
	imsg_free(&imsg);
	ATF_REQUIRE_EQ(imsg_get(&b, &imsg), 0);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(roundtrip_empty_payload);
ATF_TC_BODY(roundtrip_empty_payload, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	struct ibuf view;
	char c;
	int sv[2];

	mkbufs(&a, &b, sv);
	ATF_REQUIRE_EQ(imsg_compose(&a, 1, 0, 0, -1, NULL, 0), 1);
	ATF_REQUIRE_EQ(imsgbuf_flush(&a), 0);
	ATF_REQUIRE_EQ(recv_one(&b, &imsg), (ssize_t)IMSG_HEADER_SIZE);
	ATF_REQUIRE_EQ(imsg_get_len(&imsg), 0);
	ATF_REQUIRE(imsg.data == NULL);
	ATF_REQUIRE_EQ(imsg_get_ibuf(&imsg, &view), 0);
	ATF_REQUIRE_EQ(ibuf_size(&view), 0);
	ATF_REQUIRE_ERRNO(EBADMSG, imsg_get_data(&imsg, &c, 1) == -1);
	imsg_free(&imsg);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(roundtrip_many);
ATF_TC_BODY(roundtrip_many, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	unsigned char *want, *got;
	size_t len;
	ssize_t n;
	int sv[2], sent = 0, recvd = 0, rounds = 0;
	const int total = 10000;

	ATF_REQUIRE((want = malloc(PAYLOAD_MAX)) != NULL);
	ATF_REQUIRE((got = malloc(PAYLOAD_MAX)) != NULL);
	mkbufs(&a, &b, sv);
	while (recvd < total) {
		ATF_REQUIRE_MSG(++rounds < 1000000, "no progress");
		while (sent < total && imsgbuf_queuelen(&a) < 64) {
			len = many_size(sent);
			many_fill(want, len, sent);
			ATF_REQUIRE_EQ(
			    imsg_compose(&a, sent, sent * 3, 0, -1, want, len),
			    1);
			sent++;
		}
		ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
		ATF_REQUIRE_EQ(
		    imsgbuf_queuelen(&a) == 0, imsgbuf_queuebytes(&a) == 0);
		ATF_REQUIRE(imsgbuf_queuebytes(&a) <=
		    imsgbuf_queuelen(&a) * (IMSG_HEADER_SIZE + PAYLOAD_MAX));
		ATF_REQUIRE_EQ(imsgbuf_read(&b), 1);
		while ((n = imsg_get(&b, &imsg)) > 0) {
			len = many_size(recvd);
			ATF_REQUIRE_EQ((size_t)n, IMSG_HEADER_SIZE + len);
			ATF_REQUIRE_EQ(imsg_get_type(&imsg), (uint32_t)recvd);
			ATF_REQUIRE_EQ(imsg_get_id(&imsg), (uint32_t)recvd * 3);
			ATF_REQUIRE_EQ(imsg_get_pid(&imsg), getpid());
			ATF_REQUIRE_EQ(imsg_get_len(&imsg), len);
			many_fill(want, len, recvd);
			if (len > 0) {
				ATF_REQUIRE_EQ(
				    imsg_get_data(&imsg, got, len), 0);
				ATF_REQUIRE(memcmp(got, want, len) == 0);
			}
			imsg_free(&imsg);
			recvd++;
		}
		ATF_REQUIRE_EQ(n, 0);
	}
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 0);
	ATF_REQUIRE_EQ(imsgbuf_queuebytes(&a), 0);
	freebufs(&a, &b, sv);
	free(want);
	free(got);
}

ATF_TC_WITHOUT_HEAD(split_across_reads);
ATF_TC_BODY(split_across_reads, tc)
{
	struct imsgbuf b;
	struct imsg imsg;
	unsigned char raw[64];
	const char *payload = "split me";
	size_t len, i;
	int sv[2];

	mkpair(sv);
	ATF_REQUIRE(imsgbuf_init(&b, sv[1]) == 0);
	len = frame(raw, 9, IMSG_HEADER_SIZE + strlen(payload) + 1, payload,
	    strlen(payload) + 1);
	for (i = 0; i < len; i++) {
		ATF_REQUIRE_EQ(imsg_get(&b, &imsg), 0);
		raw_write(sv[0], raw + i, 1);
		ATF_REQUIRE_EQ(imsgbuf_read(&b), 1);
	}
	ATF_REQUIRE_EQ(imsg_get(&b, &imsg), (ssize_t)len);
	ATF_REQUIRE_EQ(imsg_get_type(&imsg), 9);
	ATF_REQUIRE_EQ(imsg_get_id(&imsg), 5);
	ATF_REQUIRE_EQ(imsg_get_pid(&imsg), 4242);
	ATF_REQUIRE_STREQ((char *)imsg.data, payload);
	imsg_free(&imsg);
	ATF_REQUIRE_EQ(imsg_get(&b, &imsg), 0);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

ATF_TC_WITHOUT_HEAD(compose_over_maxsize);
ATF_TC_BODY(compose_over_maxsize, tc)
{
	struct imsgbuf a, b;
	unsigned char *data;
	size_t small = 64 - IMSG_HEADER_SIZE;
	int sv[2];

	ATF_REQUIRE((data = calloc(1, MAX_IMSGSIZE)) != NULL);
	mkbufs(&a, &b, sv);
	ATF_REQUIRE_EQ(imsg_compose(&a, 1, 0, 0, -1, data, PAYLOAD_MAX), 1);
	ATF_REQUIRE_ERRNO(
	    ERANGE, imsg_compose(&a, 1, 0, 0, -1, data, PAYLOAD_MAX + 1) == -1);
	ATF_REQUIRE_ERRNO(
	    ERANGE, imsg_compose(&a, 1, 0, 0, -1, data, SIZE_MAX) == -1);
	ATF_REQUIRE_ERRNO(
	    ERANGE, imsg_create(&a, 1, 0, 0, PAYLOAD_MAX + 1) == NULL);

	ATF_REQUIRE_EQ(imsgbuf_set_maxsize(&a, 64), 0);
	ATF_REQUIRE_EQ(imsg_compose(&a, 1, 0, 0, -1, data, small), 1);
	ATF_REQUIRE_ERRNO(
	    ERANGE, imsg_compose(&a, 1, 0, 0, -1, data, small + 1) == -1);
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 2);
	freebufs(&a, &b, sv);
	free(data);
}

ATF_TC_WITHOUT_HEAD(set_maxsize_bounds);
ATF_TC_BODY(set_maxsize_bounds, tc)
{
	struct imsgbuf a, b;
	int sv[2];

	mkbufs(&a, &b, sv);
	ATF_REQUIRE_EQ(a.maxsize, MAX_IMSGSIZE);
	ATF_REQUIRE_ERRNO(
	    EINVAL, imsgbuf_set_maxsize(&a, IMSG_HEADER_SIZE - 1) == -1);
	ATF_REQUIRE_ERRNO(
	    ERANGE, imsgbuf_set_maxsize(&a, MAX_IMSGSIZE + 1) == -1);
	ATF_REQUIRE_EQ(a.maxsize, MAX_IMSGSIZE);
	ATF_REQUIRE_EQ(imsgbuf_set_maxsize(&a, IMSG_HEADER_SIZE), 0);
	ATF_REQUIRE_EQ(imsg_compose(&a, 1, 0, 0, -1, NULL, 0), 1);
	ATF_REQUIRE_ERRNO(ERANGE, imsg_compose(&a, 1, 0, 0, -1, "x", 1) == -1);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(set_readsize_bounds_messages);
ATF_TC_BODY(set_readsize_bounds_messages, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	char big[200];
	int sv[2];

	mkbufs(&a, &b, sv);
	ATF_REQUIRE_ERRNO(
	    ERANGE, imsgbuf_set_readsize(&b, IBUF_READ_SIZE + 1) == -1);
	ATF_REQUIRE_EQ(imsgbuf_set_readsize(&b, IMSG_HEADER_SIZE + 100), 0);
	/* A message that fits the buffer exactly is read ... */
	memset(big, 'x', sizeof(big));
	ATF_REQUIRE_EQ(imsg_compose(&a, 1, 0, 0, -1, big, 100), 1);
	ATF_REQUIRE_EQ(imsg_compose(&a, 2, 0, 0, -1, big, 101), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	ATF_REQUIRE_EQ(recv_one(&b, &imsg), (ssize_t)(IMSG_HEADER_SIZE + 100));
	imsg_free(&imsg);
	/* ... one byte more is refused as soon as its header is in. */
	ATF_REQUIRE_EQ(imsgbuf_read(&b), 1);
	ATF_REQUIRE_ERRNO(ERANGE, imsg_get(&b, &imsg) == -1);
	/* What is buffered must fit a new size; 0 frees the buffer. */
	ATF_REQUIRE_ERRNO(ERANGE, imsgbuf_set_readsize(&b, 0) == -1);
	freebufs(&a, &b, sv);

	mkbufs(&a, &b, sv);
	ATF_REQUIRE_EQ(imsg_compose(&a, 1, 0, 0, -1, "hi", 2), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	ATF_REQUIRE_EQ(recv_one(&b, &imsg), (ssize_t)(IMSG_HEADER_SIZE + 2));
	imsg_free(&imsg);
	ATF_REQUIRE_EQ(imsgbuf_set_readsize(&b, 0), 0);
	ATF_REQUIRE_EQ(imsg_get(&b, &imsg), 0);
	ATF_REQUIRE_ERRNO(ENOBUFS, imsgbuf_read(&b) == -1);
	ATF_REQUIRE_EQ(imsgbuf_set_readsize(&b, 64), 0);
	ATF_REQUIRE_EQ(imsg_compose(&a, 3, 0, 0, -1, "yo", 2), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	ATF_REQUIRE_EQ(recv_one(&b, &imsg), (ssize_t)(IMSG_HEADER_SIZE + 2));
	ATF_REQUIRE_EQ(imsg_get_type(&imsg), 3);
	imsg_free(&imsg);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(recv_len_over_maxsize);
ATF_TC_BODY(recv_len_over_maxsize, tc)
{
	struct imsgbuf b;
	struct imsg imsg;
	unsigned char raw[IMSG_HEADER_SIZE];
	int sv[2];

	/* Only the header arrives: it is refused without waiting. */
	mkpair(sv);
	ATF_REQUIRE(imsgbuf_init(&b, sv[1]) == 0);
	raw_write(sv[0], raw, frame(raw, 1, MAX_IMSGSIZE + 1, NULL, 0));
	ATF_REQUIRE_EQ(imsgbuf_read(&b), 1);
	ATF_REQUIRE_ERRNO(ERANGE, imsg_get(&b, &imsg) == -1);
	/* The stream stays broken. */
	ATF_REQUIRE_ERRNO(ERANGE, imsg_get(&b, &imsg) == -1);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);

	/* All length bits set, fd mark included. */
	mkpair(sv);
	ATF_REQUIRE(imsgbuf_init(&b, sv[1]) == 0);
	raw_write(sv[0], raw, frame(raw, 1, UINT32_MAX, NULL, 0));
	ATF_REQUIRE_EQ(imsgbuf_read(&b), 1);
	ATF_REQUIRE_ERRNO(ERANGE, imsg_get(&b, &imsg) == -1);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);

	/* Within MAX_IMSGSIZE but above this imsgbuf's maxsize. */
	mkpair(sv);
	ATF_REQUIRE(imsgbuf_init(&b, sv[1]) == 0);
	ATF_REQUIRE_EQ(imsgbuf_set_maxsize(&b, 64), 0);
	raw_write(sv[0], raw, frame(raw, 1, 65, NULL, 0));
	ATF_REQUIRE_EQ(imsgbuf_read(&b), 1);
	ATF_REQUIRE_ERRNO(ERANGE, imsg_get(&b, &imsg) == -1);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

ATF_TC_WITHOUT_HEAD(recv_len_under_header);
ATF_TC_BODY(recv_len_under_header, tc)
{
	struct imsgbuf b;
	struct imsg imsg;
	unsigned char raw[IMSG_HEADER_SIZE];
	uint32_t lens[] = { 0, 1, IMSG_HEADER_SIZE - 1 };
	size_t i;
	int sv[2];

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		mkpair(sv);
		ATF_REQUIRE(imsgbuf_init(&b, sv[1]) == 0);
		raw_write(sv[0], raw, frame(raw, 1, lens[i], NULL, 0));
		ATF_REQUIRE_EQ(imsgbuf_read(&b), 1);
		ATF_REQUIRE_ERRNO(EBADMSG, imsg_get(&b, &imsg) == -1);
		imsgbuf_clear(&b);
		close(sv[0]);
		close(sv[1]);
	}
}

ATF_TC_WITHOUT_HEAD(fd_passing);
ATF_TC_BODY(fd_passing, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	int sv[2], p[2], fd;

	mkbufs(&a, &b, sv);
	imsgbuf_allow_fdpass(&a);
	imsgbuf_allow_fdpass(&b);
	mkpipe(p);
	ATF_REQUIRE_EQ(imsg_compose(&a, 3, 0, 0, p[0], "fd", 3), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	/* Sent, so the sender's copy is closed. */
	ATF_REQUIRE_ERRNO(EBADF, fcntl(p[0], F_GETFD) == -1);

	ATF_REQUIRE_EQ(recv_one(&b, &imsg), (ssize_t)(IMSG_HEADER_SIZE + 3));
	ATF_REQUIRE_EQ(imsg.hdr.len, IMSG_HEADER_SIZE + 3);
	ATF_REQUIRE_EQ(imsg_get_len(&imsg), 3);
	ATF_REQUIRE((fd = imsg_get_fd(&imsg)) >= 0);
	ATF_REQUIRE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	raw_write(p[1], "through", 7);
	read_through(fd, "through");
	close(fd);
	close(p[1]);
	imsg_free(&imsg);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(fd_passing_association);
ATF_TC_BODY(fd_passing_association, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	int sv[2], p1[2], p2[2], fd, i;

	mkbufs(&a, &b, sv);
	imsgbuf_allow_fdpass(&a);
	imsgbuf_allow_fdpass(&b);
	mkpipe(p1);
	mkpipe(p2);
	ATF_REQUIRE_EQ(imsg_compose(&a, 1, 0, 0, -1, "a", 1), 1);
	ATF_REQUIRE_EQ(imsg_compose(&a, 2, 0, 0, p1[0], "b", 1), 1);
	ATF_REQUIRE_EQ(imsg_compose(&a, 3, 0, 0, -1, "c", 1), 1);
	ATF_REQUIRE_EQ(imsg_compose(&a, 4, 0, 0, p2[0], "d", 1), 1);
	ATF_REQUIRE_EQ(imsg_compose(&a, 5, 0, 0, -1, "e", 1), 1);
	ATF_REQUIRE_EQ(imsgbuf_flush(&a), 0);
	raw_write(p1[1], "one", 3);
	raw_write(p2[1], "two", 3);

	for (i = 1; i <= 5; i++) {
		recv_one(&b, &imsg);
		ATF_REQUIRE_EQ(imsg_get_type(&imsg), (uint32_t)i);
		fd = imsg_get_fd(&imsg);
		if (i == 2 || i == 4) {
			ATF_REQUIRE(fd >= 0);
			read_through(fd, i == 2 ? "one" : "two");
			close(fd);
		} else
			ATF_REQUIRE_EQ(fd, -1);
		imsg_free(&imsg);
	}
	close(p1[1]);
	close(p2[1]);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(fd_recv_refused);
ATF_TC_BODY(fd_recv_refused, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	int sv[2], p[2];

	mkbufs(&a, &b, sv);
	imsgbuf_allow_fdpass(&a);
	mkpipe(p);
	ATF_REQUIRE_EQ(imsg_compose(&a, 3, 0, 0, p[1], "fd", 3), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	ATF_REQUIRE_ERRNO(EBADMSG, imsgbuf_read(&b) == -1);
	/* The marked message has no descriptor to go with it. */
	ATF_REQUIRE_ERRNO(EBADMSG, imsg_get(&b, &imsg) == -1);
	/* Every copy of the write end is gone: nothing leaked. */
	ATF_REQUIRE(pipe_peer_closed(p[0]));
	close(p[0]);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(fd_compose_refused);
ATF_TC_BODY(fd_compose_refused, tc)
{
	struct imsgbuf a, b;
	struct ibuf *buf;
	struct iovec iov;
	char x[] = "x";
	int sv[2], p[2];

	mkbufs(&a, &b, sv);
	mkpipe(p);
	ATF_REQUIRE_ERRNO(
	    EINVAL, imsg_compose(&a, 1, 0, 0, p[0], "x", 1) == -1);
	iov.iov_base = x;
	iov.iov_len = 1;
	ATF_REQUIRE_ERRNO(
	    EINVAL, imsg_composev(&a, 1, 0, 0, p[0], &iov, 1) == -1);
	ATF_REQUIRE((buf = ibuf_open(1)) != NULL);
	ATF_REQUIRE_EQ(ibuf_add(buf, "x", 1), 0);
	ibuf_fd_set(buf, p[1]);
	/* buf and its descriptor are consumed even on failure. */
	ATF_REQUIRE_ERRNO(EINVAL, imsg_compose_ibuf(&a, 1, 0, 0, buf) == -1);
	ATF_REQUIRE(pipe_peer_closed(p[0]));
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 0);
	/* The caller still owns the descriptor of a failed compose. */
	ATF_REQUIRE(fcntl(p[0], F_GETFD) != -1);
	close(p[0]);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(fd_excess_closed);
ATF_TC_BODY(fd_excess_closed, tc)
{
	struct imsgbuf b;
	struct imsg imsg;
	unsigned char raw[64];
	size_t len;
	int sv[2], stray[2], extra[2], good[2], fds[2], fd;

	mkpair(sv);
	ATF_REQUIRE(imsgbuf_init(&b, sv[1]) == 0);
	imsgbuf_allow_fdpass(&b);
	mkpipe(stray);
	mkpipe(extra);
	mkpipe(good);

	/* An unmarked message that comes with a descriptor anyway. */
	len = frame(raw, 1, IMSG_HEADER_SIZE + 1, "x", 1);
	raw_sendfds(sv[0], raw, len, &stray[1], 1);
	/* A marked message with two descriptors: only the first is kept. */
	len = frame(raw, 2, (IMSG_HEADER_SIZE + 1) | 0x80000000U, "y", 1);
	fds[0] = good[0];
	fds[1] = extra[1];
	raw_sendfds(sv[0], raw, len, fds, 2);
	close(stray[1]);
	close(extra[1]);
	close(good[0]);

	recv_one(&b, &imsg);
	ATF_REQUIRE_EQ(imsg_get_type(&imsg), 1);
	ATF_REQUIRE_EQ(imsg_get_fd(&imsg), -1);
	imsg_free(&imsg);
	recv_one(&b, &imsg);
	ATF_REQUIRE_EQ(imsg_get_type(&imsg), 2);
	ATF_REQUIRE_EQ(imsg.hdr.len, IMSG_HEADER_SIZE + 1);
	ATF_REQUIRE((fd = imsg_get_fd(&imsg)) >= 0);
	raw_write(good[1], "good", 4);
	read_through(fd, "good");
	close(fd);
	imsg_free(&imsg);

	ATF_REQUIRE(pipe_peer_closed(stray[0]));
	ATF_REQUIRE(pipe_peer_closed(extra[0]));
	close(stray[0]);
	close(extra[0]);
	close(good[1]);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

ATF_TC_WITHOUT_HEAD(get_fd_once);
ATF_TC_BODY(get_fd_once, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	int sv[2], p[2], fd;

	mkbufs(&a, &b, sv);
	imsgbuf_allow_fdpass(&a);
	imsgbuf_allow_fdpass(&b);
	mkpipe(p);
	ATF_REQUIRE_EQ(imsg_compose(&a, 3, 0, 0, p[1], NULL, 0), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	recv_one(&b, &imsg);
	ATF_REQUIRE((fd = imsg_get_fd(&imsg)) >= 0);
	ATF_REQUIRE_EQ(imsg_get_fd(&imsg), -1);
	imsg_free(&imsg);
	/* A claimed descriptor belongs to the caller: still open. */
	ATF_REQUIRE(!pipe_peer_closed(p[0]));
	close(fd);
	ATF_REQUIRE(pipe_peer_closed(p[0]));
	close(p[0]);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(free_closes_unclaimed_fd);
ATF_TC_BODY(free_closes_unclaimed_fd, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	int sv[2], p[2];

	mkbufs(&a, &b, sv);
	imsgbuf_allow_fdpass(&a);
	imsgbuf_allow_fdpass(&b);
	mkpipe(p);
	ATF_REQUIRE_EQ(imsg_compose(&a, 3, 0, 0, p[1], NULL, 0), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	recv_one(&b, &imsg);
	ATF_REQUIRE(!pipe_peer_closed(p[0]));
	imsg_free(&imsg);
	ATF_REQUIRE(pipe_peer_closed(p[0]));
	close(p[0]);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(clear_closes_queued_fds);
ATF_TC_BODY(clear_closes_queued_fds, tc)
{
	struct imsgbuf a, b;
	int sv[2], p[2], q[2];

	mkbufs(&a, &b, sv);
	imsgbuf_allow_fdpass(&a);
	imsgbuf_allow_fdpass(&b);
	mkpipe(p);
	mkpipe(q);
	/* One descriptor still queued on a, one received but unparsed on b. */
	ATF_REQUIRE_EQ(imsg_compose(&a, 1, 0, 0, q[1], NULL, 0), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	ATF_REQUIRE_EQ(imsgbuf_read(&b), 1);
	ATF_REQUIRE_EQ(imsg_compose(&a, 1, 0, 0, p[1], NULL, 0), 1);
	ATF_REQUIRE(!pipe_peer_closed(p[0]));
	ATF_REQUIRE(!pipe_peer_closed(q[0]));
	freebufs(&a, &b, sv);
	ATF_REQUIRE(pipe_peer_closed(p[0]));
	ATF_REQUIRE(pipe_peer_closed(q[0]));
	close(p[0]);
	close(q[0]);
}

ATF_TC_WITHOUT_HEAD(read_eof);
ATF_TC_BODY(read_eof, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	int sv[2];

	mkbufs(&a, &b, sv);
	ATF_REQUIRE_EQ(imsg_compose(&a, 8, 0, 0, -1, "last", 4), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	imsgbuf_clear(&a);
	close(sv[0]);
	/* Data that came before the end is still delivered. */
	ATF_REQUIRE_EQ(imsgbuf_read(&b), 1);
	ATF_REQUIRE_EQ(imsgbuf_read(&b), 0);
	ATF_REQUIRE_EQ(imsg_get(&b, &imsg), (ssize_t)(IMSG_HEADER_SIZE + 4));
	ATF_REQUIRE_EQ(imsg_get_type(&imsg), 8);
	imsg_free(&imsg);
	ATF_REQUIRE_EQ(imsg_get(&b, &imsg), 0);
	imsgbuf_clear(&b);
	close(sv[1]);
}

ATF_TC_WITHOUT_HEAD(read_eagain);
ATF_TC_BODY(read_eagain, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	int sv[2];

	mkbufs(&a, &b, sv);
	ATF_REQUIRE_EQ(imsgbuf_read(&b), 1);
	ATF_REQUIRE_EQ(imsg_get(&b, &imsg), 0);
	ATF_REQUIRE_EQ(imsgbuf_get(&b, &imsg), 0);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(write_epipe);
ATF_TC_BODY(write_epipe, tc)
{
	struct imsgbuf a, b;
	int sv[2];

	mkbufs(&a, &b, sv);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	ATF_REQUIRE_EQ(imsg_compose(&a, 1, 0, 0, -1, "x", 1), 1);
	imsgbuf_clear(&b);
	close(sv[1]);
	ATF_REQUIRE_ERRNO(EPIPE, imsgbuf_write(&a) == -1);
	ATF_REQUIRE_ERRNO(EPIPE, imsgbuf_flush(&a) == -1);
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 1);
	imsgbuf_clear(&a);
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 0);
	close(sv[0]);
}

ATF_TC_WITHOUT_HEAD(write_eagain_keeps_queue);
ATF_TC_BODY(write_eagain_keeps_queue, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	unsigned char *data;
	int sv[2], i, queued = 0, got = 0;

	ATF_REQUIRE((data = calloc(1, PAYLOAD_MAX)) != NULL);
	mkbufs(&a, &b, sv);
	/* Fill the socket until a write leaves data queued. */
	for (i = 0; i < 10000 && queued == 0; i++) {
		ATF_REQUIRE_EQ(
		    imsg_compose(&a, i, 0, 0, -1, data, PAYLOAD_MAX), 1);
		ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
		queued = imsgbuf_queuelen(&a);
	}
	ATF_REQUIRE(queued > 0);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), (uint32_t)queued);
	while (got < i) {
		ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
		ATF_REQUIRE_EQ(imsgbuf_read(&b), 1);
		while (imsg_get(&b, &imsg) > 0) {
			ATF_REQUIRE_EQ(imsg_get_type(&imsg), (uint32_t)got);
			ATF_REQUIRE_EQ(imsg_get_len(&imsg), PAYLOAD_MAX);
			imsg_free(&imsg);
			got++;
		}
	}
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 0);
	freebufs(&a, &b, sv);
	free(data);
}

ATF_TC_WITHOUT_HEAD(get_data_exact_size);
ATF_TC_BODY(get_data_exact_size, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	uint64_t v = 0x0102030405060708ULL, out = 0;
	uint32_t small;
	unsigned char big[16];
	int sv[2];

	mkbufs(&a, &b, sv);
	ATF_REQUIRE_EQ(imsg_compose(&a, 1, 0, 0, -1, &v, sizeof(v)), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	recv_one(&b, &imsg);
	ATF_REQUIRE_ERRNO(
	    EBADMSG, imsg_get_data(&imsg, &small, sizeof(small)) == -1);
	ATF_REQUIRE_ERRNO(
	    EBADMSG, imsg_get_data(&imsg, big, sizeof(big)) == -1);
	ATF_REQUIRE_ERRNO(EINVAL, imsg_get_data(&imsg, &out, 0) == -1);
	ATF_REQUIRE_EQ(imsg_get_data(&imsg, &out, sizeof(out)), 0);
	ATF_REQUIRE_EQ(out, v);
	/* It does not consume: the same answer again. */
	out = 0;
	ATF_REQUIRE_EQ(imsg_get_data(&imsg, &out, sizeof(out)), 0);
	ATF_REQUIRE_EQ(out, v);
	imsg_free(&imsg);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(get_ibuf_payload);
ATF_TC_BODY(get_ibuf_payload, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	struct ibuf view;
	uint32_t u32;
	uint16_t u16;
	int sv[2];

	mkbufs(&a, &b, sv);
	ATF_REQUIRE_EQ(
	    imsg_compose(&a, 1, 0, 0, -1, "\x00\x00\x01\x02\x03\x04", 6), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	recv_one(&b, &imsg);
	ATF_REQUIRE_EQ(imsg_get_ibuf(&imsg, &view), 0);
	ATF_REQUIRE_EQ(ibuf_get_n32(&view, &u32), 0);
	ATF_REQUIRE_EQ(u32, 0x0102);
	ATF_REQUIRE_EQ(ibuf_get_n16(&view, &u16), 0);
	ATF_REQUIRE_EQ(u16, 0x0304);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_n16(&view, &u16) == -1);
	/* Reading a view leaves the message whole. */
	ATF_REQUIRE_EQ(imsg_get_len(&imsg), 6);
	imsg_free(&imsg);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(pid_defaults_to_own);
ATF_TC_BODY(pid_defaults_to_own, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	int sv[2];

	mkbufs(&a, &b, sv);
	ATF_REQUIRE_EQ(a.pid, getpid());
	ATF_REQUIRE_EQ(imsg_compose(&a, 1, 0, 0, -1, NULL, 0), 1);
	ATF_REQUIRE_EQ(imsg_compose(&a, 2, 0, 1234, -1, NULL, 0), 1);
	ATF_REQUIRE_EQ(imsgbuf_flush(&a), 0);
	recv_one(&b, &imsg);
	ATF_REQUIRE_EQ(imsg_get_pid(&imsg), getpid());
	imsg_free(&imsg);
	recv_one(&b, &imsg);
	ATF_REQUIRE_EQ(imsg_get_pid(&imsg), 1234);
	imsg_free(&imsg);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(create_add_close);
ATF_TC_BODY(create_add_close, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	struct ibuf *msg;
	unsigned char *big;
	int sv[2];

	mkbufs(&a, &b, sv);
	/* The size given to imsg_create is a hint; the message grows. */
	ATF_REQUIRE((msg = imsg_create(&a, 11, 22, 33, 4)) != NULL);
	ATF_REQUIRE_EQ(imsg_add(msg, "abcd", 4), 4);
	ATF_REQUIRE_EQ(imsg_add(msg, "efgh", 4), 4);
	ATF_REQUIRE_EQ(imsg_add(msg, "ijk", 4), 4);
	ATF_REQUIRE_EQ(imsg_add(msg, NULL, 0), 0);
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 0);
	imsg_close(&a, msg);
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	ATF_REQUIRE_EQ(recv_one(&b, &imsg), (ssize_t)(IMSG_HEADER_SIZE + 12));
	ATF_REQUIRE_EQ(imsg_get_type(&imsg), 11);
	ATF_REQUIRE_EQ(imsg_get_id(&imsg), 22);
	ATF_REQUIRE_EQ(imsg_get_pid(&imsg), 33);
	ATF_REQUIRE_STREQ((char *)imsg.data, "abcdefghijk");
	imsg_free(&imsg);

	/* Growing past maxsize fails and frees the message. */
	ATF_REQUIRE((big = calloc(1, MAX_IMSGSIZE)) != NULL);
	ATF_REQUIRE((msg = imsg_create(&a, 1, 0, 0, 0)) != NULL);
	ATF_REQUIRE_EQ(imsg_add(msg, big, PAYLOAD_MAX), (int)PAYLOAD_MAX);
	ATF_REQUIRE_ERRNO(ERANGE, imsg_add(msg, "x", 1) == -1);
	/* A failed create or add chains into the next imsg_add. */
	ATF_REQUIRE_EQ(imsg_add(NULL, "x", 1), -1);
	imsg_close(&a, NULL);
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 0);
	free(big);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(composev);
ATF_TC_BODY(composev, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	struct iovec iov[3];
	unsigned char *big;
	char one[] = "one ", two[] = "two";
	int sv[2];

	mkbufs(&a, &b, sv);
	iov[0].iov_base = one;
	iov[0].iov_len = 4;
	iov[1].iov_base = NULL;
	iov[1].iov_len = 0;
	iov[2].iov_base = two;
	iov[2].iov_len = 4;
	ATF_REQUIRE_EQ(imsg_composev(&a, 6, 1, 0, -1, iov, 3), 1);
	ATF_REQUIRE_EQ(imsg_composev(&a, 7, 1, 0, -1, NULL, 0), 1);
	ATF_REQUIRE_EQ(imsgbuf_flush(&a), 0);
	ATF_REQUIRE_EQ(recv_one(&b, &imsg), (ssize_t)(IMSG_HEADER_SIZE + 8));
	ATF_REQUIRE_EQ(imsg_get_type(&imsg), 6);
	ATF_REQUIRE_STREQ((char *)imsg.data, "one two");
	imsg_free(&imsg);
	ATF_REQUIRE_EQ(recv_one(&b, &imsg), (ssize_t)IMSG_HEADER_SIZE);
	ATF_REQUIRE_EQ(imsg_get_type(&imsg), 7);
	imsg_free(&imsg);

	/* The parts together may not exceed maxsize. */
	ATF_REQUIRE((big = calloc(1, MAX_IMSGSIZE)) != NULL);
	iov[0].iov_base = big;
	iov[0].iov_len = PAYLOAD_MAX;
	iov[1].iov_base = big;
	iov[1].iov_len = 1;
	ATF_REQUIRE_ERRNO(ERANGE, imsg_composev(&a, 1, 0, 0, -1, iov, 2) == -1);
	iov[1].iov_len = SIZE_MAX;
	ATF_REQUIRE_ERRNO(ERANGE, imsg_composev(&a, 1, 0, 0, -1, iov, 2) == -1);
	ATF_REQUIRE_ERRNO(
	    EINVAL, imsg_composev(&a, 1, 0, 0, -1, iov, -1) == -1);
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 0);
	free(big);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(compose_ibuf);
ATF_TC_BODY(compose_ibuf, tc)
{
	struct imsgbuf a, b;
	struct imsg imsg;
	struct ibuf *buf;
	struct ibuf view;
	uint32_t v;
	int sv[2];

	mkbufs(&a, &b, sv);
	ATF_REQUIRE((buf = ibuf_dynamic(0, 64)) != NULL);
	ATF_REQUIRE_EQ(ibuf_add_n32(buf, 0xdeadbeef), 0);
	ATF_REQUIRE_EQ(ibuf_add(buf, "tail", 4), 0);
	ATF_REQUIRE_EQ(imsg_compose_ibuf(&a, 12, 0, 0, buf), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	recv_one(&b, &imsg);
	ATF_REQUIRE_EQ(imsg_get_type(&imsg), 12);
	ATF_REQUIRE_EQ(imsg_get_len(&imsg), 8);
	ATF_REQUIRE_EQ(imsg_get_ibuf(&imsg, &view), 0);
	ATF_REQUIRE_EQ(ibuf_get_n32(&view, &v), 0);
	ATF_REQUIRE_EQ(v, 0xdeadbeef);
	ATF_REQUIRE(memcmp(ibuf_data(&view), "tail", 4) == 0);
	imsg_free(&imsg);

	/* Too big: refused, and buf is freed all the same. */
	ATF_REQUIRE((buf = ibuf_open(MAX_IMSGSIZE)) != NULL);
	ATF_REQUIRE_EQ(ibuf_add_zero(buf, MAX_IMSGSIZE), 0);
	ATF_REQUIRE_ERRNO(ERANGE, imsg_compose_ibuf(&a, 1, 0, 0, buf) == -1);
	ATF_REQUIRE_EQ(imsgbuf_queuelen(&a), 0);
	freebufs(&a, &b, sv);
}

ATF_TC_WITHOUT_HEAD(forward);
ATF_TC_BODY(forward, tc)
{
	struct imsgbuf a, b, c, d;
	struct imsg imsg, fwd;
	int sv[2], sv2[2], p[2], fd;

	mkbufs(&a, &b, sv);
	mkbufs(&c, &d, sv2);
	imsgbuf_allow_fdpass(&a);
	imsgbuf_allow_fdpass(&b);
	imsgbuf_allow_fdpass(&c);
	imsgbuf_allow_fdpass(&d);
	mkpipe(p);
	ATF_REQUIRE_EQ(imsg_compose(&a, 77, 88, 99, p[0], "relay", 6), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&a), 0);
	recv_one(&b, &imsg);
	ATF_REQUIRE_EQ(imsg_forward(&c, &imsg), 1);
	ATF_REQUIRE_EQ(imsgbuf_write(&c), 0);
	recv_one(&d, &fwd);
	ATF_REQUIRE_EQ(imsg_get_type(&fwd), 77);
	ATF_REQUIRE_EQ(imsg_get_id(&fwd), 88);
	ATF_REQUIRE_EQ(imsg_get_pid(&fwd), 99);
	ATF_REQUIRE_EQ(imsg_get_len(&fwd), 6);
	ATF_REQUIRE_STREQ((char *)fwd.data, "relay");
	/* The descriptor is not forwarded; it stays with the original. */
	ATF_REQUIRE_EQ(imsg_get_fd(&fwd), -1);
	ATF_REQUIRE((fd = imsg_get_fd(&imsg)) >= 0);
	close(fd);
	imsg_free(&fwd);
	imsg_free(&imsg);
	close(p[1]);
	freebufs(&a, &b, sv);
	freebufs(&c, &d, sv2);
}

ATF_TC_WITHOUT_HEAD(ibuf_zero_length);
ATF_TC_BODY(ibuf_zero_length, tc)
{
	struct ibuf *buf;
	struct ibuf view;
	char c;
	char *s;

	ATF_REQUIRE((buf = ibuf_open(0)) != NULL);
	ATF_REQUIRE_EQ(ibuf_size(buf), 0);
	ATF_REQUIRE_EQ(ibuf_left(buf), 0);
	ATF_REQUIRE_EQ(ibuf_add(buf, NULL, 0), 0);
	ATF_REQUIRE_EQ(ibuf_add_zero(buf, 0), 0);
	ATF_REQUIRE(ibuf_reserve(buf, 0) != NULL);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_add(buf, "x", 1) == -1);
	ATF_REQUIRE_EQ(ibuf_get(buf, &c, 0), 0);
	ATF_REQUIRE_EQ(ibuf_skip(buf, 0), 0);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get(buf, &c, 1) == -1);
	ATF_REQUIRE_EQ(ibuf_get_ibuf(buf, 0, &view), 0);
	ATF_REQUIRE_EQ(ibuf_size(&view), 0);
	ATF_REQUIRE((s = ibuf_get_string(buf, 0)) != NULL);
	ATF_REQUIRE_STREQ(s, "");
	free(s);
	ATF_REQUIRE(ibuf_seek(buf, 0, 0) != NULL);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_seek(buf, 0, 1) == NULL);
	ibuf_free(buf);

	ATF_REQUIRE((buf = ibuf_dynamic(0, 0)) != NULL);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_add(buf, "x", 1) == -1);
	ibuf_free(buf);

	ibuf_from_buffer(&view, NULL, 0);
	ATF_REQUIRE_EQ(ibuf_size(&view), 0);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get(&view, &c, 1) == -1);
	ibuf_free(NULL);
}

ATF_TC_WITHOUT_HEAD(ibuf_size_max);
ATF_TC_BODY(ibuf_size_max, tc)
{
	struct ibuf *buf;
	struct ibuf view;

	ATF_REQUIRE((buf = ibuf_dynamic(10, 100)) != NULL);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_reserve(buf, SIZE_MAX) == NULL);
	ATF_REQUIRE_EQ(ibuf_add(buf, "abc", 3), 0);
	/* wpos + SIZE_MAX wraps around: still refused. */
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_reserve(buf, SIZE_MAX) == NULL);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_reserve(buf, SIZE_MAX - 2) == NULL);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_add_zero(buf, SIZE_MAX) == -1);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_truncate(buf, SIZE_MAX) == -1);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_seek(buf, SIZE_MAX, 1) == NULL);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_seek(buf, 1, SIZE_MAX) == NULL);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_set(buf, 1, "x", SIZE_MAX) == -1);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_skip(buf, SIZE_MAX) == -1);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_ibuf(buf, SIZE_MAX, &view) == -1);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_string(buf, SIZE_MAX) == NULL);
	ATF_REQUIRE_EQ(ibuf_size(buf), 3);
	ATF_REQUIRE(memcmp(ibuf_data(buf), "abc", 3) == 0);
	ibuf_free(buf);

	ATF_REQUIRE((buf = ibuf_open(8)) != NULL);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_reserve(buf, SIZE_MAX) == NULL);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_reserve(buf, 9) == NULL);
	ATF_REQUIRE(ibuf_reserve(buf, 8) != NULL);
	ibuf_free(buf);
}

ATF_TC_WITHOUT_HEAD(ibuf_truncated_get);
ATF_TC_BODY(ibuf_truncated_get, tc)
{
	struct ibuf view;
	unsigned char data[7] = { 1, 2, 3, 4, 5, 6, 7 };
	uint64_t u64;
	uint32_t u32;
	uint16_t u16;
	uint8_t u8;
	char str[8];

	ibuf_from_buffer(&view, data, sizeof(data));
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_n64(&view, &u64) == -1);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_h64(&view, &u64) == -1);
	ATF_REQUIRE_EQ(ibuf_size(&view), 7);
	ATF_REQUIRE_EQ(ibuf_get_n32(&view, &u32), 0);
	ATF_REQUIRE_EQ(u32, 0x01020304);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_n32(&view, &u32) == -1);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_h32(&view, &u32) == -1);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_strbuf(&view, str, 4) == -1);
	ATF_REQUIRE_EQ(ibuf_get_n16(&view, &u16), 0);
	ATF_REQUIRE_EQ(u16, 0x0506);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_n16(&view, &u16) == -1);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_h16(&view, &u16) == -1);
	ATF_REQUIRE_EQ(ibuf_get_n8(&view, &u8), 0);
	ATF_REQUIRE_EQ(u8, 7);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_n8(&view, &u8) == -1);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_skip(&view, 1) == -1);
	ATF_REQUIRE_EQ(ibuf_size(&view), 0);
	ibuf_rewind(&view);
	ATF_REQUIRE_EQ(ibuf_size(&view), 7);
}

ATF_TC_WITHOUT_HEAD(ibuf_dynamic_growth);
ATF_TC_BODY(ibuf_dynamic_growth, tc)
{
	struct ibuf *buf;
	unsigned char *p;
	size_t i;

	ATF_REQUIRE_ERRNO(EINVAL, ibuf_dynamic(10, 5) == NULL);
	ATF_REQUIRE((buf = ibuf_dynamic(4, 1000)) != NULL);
	ATF_REQUIRE_EQ(ibuf_left(buf), 1000);
	for (i = 0; i < 1000; i++)
		ATF_REQUIRE_EQ(ibuf_add_n8(buf, i & 0xff), 0);
	ATF_REQUIRE_EQ(ibuf_left(buf), 0);
	ATF_REQUIRE_EQ(ibuf_size(buf), 1000);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_add_n8(buf, 0) == -1);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_reserve(buf, 1) == NULL);
	ATF_REQUIRE_EQ(ibuf_size(buf), 1000);
	p = ibuf_data(buf);
	for (i = 0; i < 1000; i++)
		ATF_REQUIRE_EQ(p[i], i & 0xff);

	/* Truncate shrinks, and grows again with zeroes. */
	ATF_REQUIRE_EQ(ibuf_truncate(buf, 10), 0);
	ATF_REQUIRE_EQ(ibuf_size(buf), 10);
	ATF_REQUIRE_EQ(ibuf_left(buf), 990);
	ATF_REQUIRE_EQ(ibuf_truncate(buf, 20), 0);
	p = ibuf_data(buf);
	ATF_REQUIRE_EQ(p[9], 9);
	ATF_REQUIRE_EQ(p[10], 0);
	ATF_REQUIRE_EQ(p[19], 0);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_truncate(buf, 1001) == -1);
	ibuf_free(buf);

	ATF_REQUIRE((buf = ibuf_open(4)) != NULL);
	ATF_REQUIRE_EQ(ibuf_add(buf, "abcd", 4), 0);
	ATF_REQUIRE_ERRNO(ERANGE, ibuf_add(buf, "e", 1) == -1);
	ibuf_free(buf);
}

ATF_TC_WITHOUT_HEAD(ibuf_byte_order);
ATF_TC_BODY(ibuf_byte_order, tc)
{
	struct ibuf *buf;
	unsigned char *p;
	uint64_t u64;
	uint32_t u32;
	uint16_t u16, h16 = 0xabcd;
	uint8_t u8;
	const unsigned char want[] = { 0x7f, 0x12, 0x34, 0x89, 0xab, 0xcd, 0xef,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

	ATF_REQUIRE((buf = ibuf_dynamic(0, 64)) != NULL);
	ATF_REQUIRE_EQ(ibuf_add_n8(buf, 0x7f), 0);
	ATF_REQUIRE_EQ(ibuf_add_n16(buf, 0x1234), 0);
	ATF_REQUIRE_EQ(ibuf_add_n32(buf, 0x89abcdef), 0);
	ATF_REQUIRE_EQ(ibuf_add_n64(buf, 0x0102030405060708ULL), 0);
	ATF_REQUIRE_EQ(ibuf_size(buf), sizeof(want));
	ATF_REQUIRE(memcmp(ibuf_data(buf), want, sizeof(want)) == 0);

	/* Values that do not fit the width are refused. */
	ATF_REQUIRE_ERRNO(EINVAL, ibuf_add_n8(buf, 0x100) == -1);
	ATF_REQUIRE_ERRNO(EINVAL, ibuf_add_n16(buf, 0x10000) == -1);
	ATF_REQUIRE_ERRNO(EINVAL, ibuf_add_n32(buf, 0x100000000ULL) == -1);
	ATF_REQUIRE_ERRNO(EINVAL, ibuf_add_h16(buf, 0x10000) == -1);
	ATF_REQUIRE_ERRNO(EINVAL, ibuf_add_h32(buf, 0x100000000ULL) == -1);
	ATF_REQUIRE_ERRNO(EINVAL, ibuf_set_n8(buf, 0, 0x100) == -1);
	ATF_REQUIRE_ERRNO(EINVAL, ibuf_set_n16(buf, 0, 0x10000) == -1);
	ATF_REQUIRE_ERRNO(EINVAL, ibuf_set_n32(buf, 0, 0x100000000ULL) == -1);
	ATF_REQUIRE_EQ(ibuf_size(buf), sizeof(want));

	ATF_REQUIRE_EQ(ibuf_get_n8(buf, &u8), 0);
	ATF_REQUIRE_EQ(u8, 0x7f);
	ATF_REQUIRE_EQ(ibuf_get_n16(buf, &u16), 0);
	ATF_REQUIRE_EQ(u16, 0x1234);
	ATF_REQUIRE_EQ(ibuf_get_n32(buf, &u32), 0);
	ATF_REQUIRE_EQ(u32, 0x89abcdef);
	ATF_REQUIRE_EQ(ibuf_get_n64(buf, &u64), 0);
	ATF_REQUIRE_EQ(u64, 0x0102030405060708ULL);
	ATF_REQUIRE_EQ(ibuf_size(buf), 0);

	/* Host order is the machine's own layout. */
	ATF_REQUIRE_EQ(ibuf_add_h16(buf, 0xabcd), 0);
	ATF_REQUIRE(memcmp(ibuf_data(buf), &h16, sizeof(h16)) == 0);
	ATF_REQUIRE_EQ(ibuf_add_h32(buf, 0xdeadbeef), 0);
	ATF_REQUIRE_EQ(ibuf_add_h64(buf, 0xfeedfacecafebeefULL), 0);
	ATF_REQUIRE_EQ(ibuf_get_h16(buf, &u16), 0);
	ATF_REQUIRE_EQ(u16, 0xabcd);
	ATF_REQUIRE_EQ(ibuf_get_h32(buf, &u32), 0);
	ATF_REQUIRE_EQ(u32, 0xdeadbeef);
	ATF_REQUIRE_EQ(ibuf_get_h64(buf, &u64), 0);
	ATF_REQUIRE_EQ(u64, 0xfeedfacecafebeefULL);

	/* The set functions write relative to the read position. */
	ibuf_rewind(buf);
	ATF_REQUIRE_EQ(ibuf_skip(buf, 1), 0);
	ATF_REQUIRE_EQ(ibuf_set_n16(buf, 0, 0xbeef), 0);
	ATF_REQUIRE_EQ(ibuf_set_n32(buf, 2, 0x01020304), 0);
	ATF_REQUIRE_EQ(ibuf_set_n64(buf, 6, 0x1112131415161718ULL), 0);
	ATF_REQUIRE_EQ(ibuf_set_h16(buf, 0, 0x4142), 0);
	ATF_REQUIRE_EQ(ibuf_set_n8(buf, 14, 0x99), 0);
	ATF_REQUIRE_ERRNO(
	    ERANGE, ibuf_set_h64(buf, ibuf_size(buf) - 7, 0) == -1);
	ATF_REQUIRE_EQ(ibuf_set_h32(buf, ibuf_size(buf) - 4, 7), 0);
	ATF_REQUIRE_EQ(ibuf_set_h64(buf, ibuf_size(buf) - 8, 8), 0);
	p = ibuf_seek(buf, 0, 15);
	ATF_REQUIRE(p != NULL);
	ATF_REQUIRE_EQ(ibuf_get_h16(buf, &u16), 0);
	ATF_REQUIRE_EQ(u16, 0x4142);
	ATF_REQUIRE_EQ(ibuf_get_n32(buf, &u32), 0);
	ATF_REQUIRE_EQ(u32, 0x01020304);
	ATF_REQUIRE_EQ(p[6], 0x11);
	ATF_REQUIRE_EQ(p[13], 0x18);
	ATF_REQUIRE_EQ(p[14], 0x99);
	ibuf_free(buf);
}

ATF_TC_WITHOUT_HEAD(ibuf_get_strbuf_no_nul);
ATF_TC_BODY(ibuf_get_strbuf_no_nul, tc)
{
	struct ibuf view;
	char str[8];
	char field[8] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' };
	char good[8] = { 'n', 'a', 'm', 'e', '\0', 'x', 'x', 'x' };

	ibuf_from_buffer(&view, field, sizeof(field));
	memset(str, 'z', sizeof(str));
	ATF_REQUIRE_ERRNO(
	    EOVERFLOW, ibuf_get_strbuf(&view, str, sizeof(str)) == -1);
	ATF_REQUIRE_EQ(str[0], '\0');
	ATF_REQUIRE_EQ(ibuf_size(&view), 8);
	ATF_REQUIRE_ERRNO(EOVERFLOW, ibuf_get_strbuf(&view, str, 0) == -1);

	ibuf_from_buffer(&view, good, sizeof(good));
	ATF_REQUIRE_EQ(ibuf_get_strbuf(&view, str, sizeof(str)), 0);
	ATF_REQUIRE_STREQ(str, "name");
	ATF_REQUIRE_EQ(ibuf_size(&view), 0);
}

ATF_TC_WITHOUT_HEAD(ibuf_get_string);
ATF_TC_BODY(ibuf_get_string, tc)
{
	struct ibuf view;
	char data[] = "namegroup";
	char nul[] = { 'a', '\0', 'b' };
	char *s;

	ibuf_from_buffer(&view, data, 9);
	ATF_REQUIRE((s = ibuf_get_string(&view, 4)) != NULL);
	ATF_REQUIRE_STREQ(s, "name");
	free(s);
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_string(&view, 6) == NULL);
	ATF_REQUIRE((s = ibuf_get_string(&view, 5)) != NULL);
	ATF_REQUIRE_STREQ(s, "group");
	free(s);

	/* An embedded NUL means the length is wrong. */
	ibuf_from_buffer(&view, nul, sizeof(nul));
	ATF_REQUIRE_ERRNO(EBADMSG, ibuf_get_string(&view, 3) == NULL);
	ATF_REQUIRE_EQ(ibuf_size(&view), 3);
}

ATF_TC_WITHOUT_HEAD(ibuf_views_read_only);
ATF_TC_BODY(ibuf_views_read_only, tc)
{
	struct ibuf *buf;
	struct ibuf view, sub;
	unsigned char c;

	ATF_REQUIRE((buf = ibuf_open(8)) != NULL);
	ATF_REQUIRE_EQ(ibuf_add(buf, "abcdefgh", 8), 0);
	ATF_REQUIRE_EQ(ibuf_skip(buf, 2), 0);
	ibuf_from_ibuf(&view, buf);
	ATF_REQUIRE_EQ(ibuf_size(&view), 6);
	ATF_REQUIRE_EQ(ibuf_left(&view), 0);
	ATF_REQUIRE(!ibuf_fd_avail(&view));
	ATF_REQUIRE_EQ(ibuf_fd_get(&view), -1);
	ATF_REQUIRE_ERRNO(EINVAL, ibuf_add(&view, "x", 1) == -1);
	ATF_REQUIRE_ERRNO(EINVAL, ibuf_reserve(&view, 0) == NULL);
	ATF_REQUIRE_ERRNO(EINVAL, ibuf_set(&view, 0, "x", 1) == -1);
	ATF_REQUIRE_ERRNO(EINVAL, ibuf_truncate(&view, 7) == -1);

	ATF_REQUIRE_EQ(ibuf_get_ibuf(&view, 3, &sub), 0);
	ATF_REQUIRE_EQ(ibuf_size(&sub), 3);
	ATF_REQUIRE_EQ(ibuf_size(&view), 3);
	ATF_REQUIRE_EQ(ibuf_get_n8(&sub, &c), 0);
	ATF_REQUIRE_EQ(c, 'c');
	ATF_REQUIRE_EQ(ibuf_get_n8(&view, &c), 0);
	ATF_REQUIRE_EQ(c, 'f');
	/* A view can be narrowed. */
	ATF_REQUIRE_EQ(ibuf_truncate(&view, 1), 0);
	ATF_REQUIRE_EQ(ibuf_size(&view), 1);
	/* Reading views leaves the owner untouched. */
	ATF_REQUIRE_EQ(ibuf_size(buf), 6);
	ibuf_free(buf);
}

ATF_TC_WITHOUT_HEAD(ibuf_fd_ownership);
ATF_TC_BODY(ibuf_fd_ownership, tc)
{
	struct ibuf *buf;
	int p[2], q[2], fd;

	mkpipe(p);
	mkpipe(q);
	ATF_REQUIRE((buf = ibuf_open(1)) != NULL);
	ATF_REQUIRE(!ibuf_fd_avail(buf));
	ibuf_fd_set(buf, p[1]);
	ATF_REQUIRE(ibuf_fd_avail(buf));
	/* Replacing the descriptor closes the old one. */
	ibuf_fd_set(buf, q[1]);
	ATF_REQUIRE(pipe_peer_closed(p[0]));
	ATF_REQUIRE_EQ((fd = ibuf_fd_get(buf)), q[1]);
	ATF_REQUIRE_EQ(ibuf_fd_get(buf), -1);
	ibuf_fd_set(buf, fd);
	ibuf_free(buf);
	ATF_REQUIRE(pipe_peer_closed(q[0]));
	close(p[0]);
	close(q[0]);
}

ATF_TC_WITHOUT_HEAD(msgbuf_queue);
ATF_TC_BODY(msgbuf_queue, tc)
{
	struct msgbuf *mb;
	struct ibuf *buf;
	char out[16];
	int sv[2], i;

	mkpair(sv);
	ATF_REQUIRE((mb = msgbuf_new()) != NULL);
	ATF_REQUIRE_EQ(msgbuf_queuelen(mb), 0);
	ATF_REQUIRE_EQ(ibuf_write(sv[0], mb), 0);
	ATF_REQUIRE_EQ(msgbuf_write(sv[0], mb), 0);
	for (i = 0; i < 3; i++) {
		ATF_REQUIRE((buf = ibuf_open(4)) != NULL);
		ATF_REQUIRE_EQ(ibuf_add(buf, "abcd", 4), 0);
		ATF_REQUIRE_EQ(ibuf_skip(buf, i), 0);
		ibuf_close(mb, buf);
	}
	ATF_REQUIRE_EQ(msgbuf_queuelen(mb), 3);
	ATF_REQUIRE_EQ(ibuf_write(sv[0], mb), 0);
	ATF_REQUIRE_EQ(msgbuf_queuelen(mb), 0);
	memset(out, 0, sizeof(out));
	ATF_REQUIRE_EQ(read(sv[1], out, sizeof(out)), 9);
	ATF_REQUIRE_STREQ(out, "abcdbcdcd");

	ATF_REQUIRE((buf = ibuf_open(4)) != NULL);
	ibuf_close(mb, buf);
	ATF_REQUIRE_EQ(msgbuf_queuelen(mb), 1);
	msgbuf_clear(mb);
	ATF_REQUIRE_EQ(msgbuf_queuelen(mb), 0);
	msgbuf_free(mb);
	close(sv[0]);
	close(sv[1]);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, roundtrip_one);
	ATF_TP_ADD_TC(tp, roundtrip_empty_payload);
	ATF_TP_ADD_TC(tp, roundtrip_many);
	ATF_TP_ADD_TC(tp, split_across_reads);
	ATF_TP_ADD_TC(tp, compose_over_maxsize);
	ATF_TP_ADD_TC(tp, set_maxsize_bounds);
	ATF_TP_ADD_TC(tp, set_readsize_bounds_messages);
	ATF_TP_ADD_TC(tp, recv_len_over_maxsize);
	ATF_TP_ADD_TC(tp, recv_len_under_header);
	ATF_TP_ADD_TC(tp, fd_passing);
	ATF_TP_ADD_TC(tp, fd_passing_association);
	ATF_TP_ADD_TC(tp, fd_recv_refused);
	ATF_TP_ADD_TC(tp, fd_compose_refused);
	ATF_TP_ADD_TC(tp, fd_excess_closed);
	ATF_TP_ADD_TC(tp, get_fd_once);
	ATF_TP_ADD_TC(tp, free_closes_unclaimed_fd);
	ATF_TP_ADD_TC(tp, clear_closes_queued_fds);
	ATF_TP_ADD_TC(tp, read_eof);
	ATF_TP_ADD_TC(tp, read_eagain);
	ATF_TP_ADD_TC(tp, write_epipe);
	ATF_TP_ADD_TC(tp, write_eagain_keeps_queue);
	ATF_TP_ADD_TC(tp, get_data_exact_size);
	ATF_TP_ADD_TC(tp, get_ibuf_payload);
	ATF_TP_ADD_TC(tp, pid_defaults_to_own);
	ATF_TP_ADD_TC(tp, create_add_close);
	ATF_TP_ADD_TC(tp, composev);
	ATF_TP_ADD_TC(tp, compose_ibuf);
	ATF_TP_ADD_TC(tp, forward);
	ATF_TP_ADD_TC(tp, ibuf_zero_length);
	ATF_TP_ADD_TC(tp, ibuf_size_max);
	ATF_TP_ADD_TC(tp, ibuf_truncated_get);
	ATF_TP_ADD_TC(tp, ibuf_dynamic_growth);
	ATF_TP_ADD_TC(tp, ibuf_byte_order);
	ATF_TP_ADD_TC(tp, ibuf_get_strbuf_no_nul);
	ATF_TP_ADD_TC(tp, ibuf_get_string);
	ATF_TP_ADD_TC(tp, ibuf_views_read_only);
	ATF_TP_ADD_TC(tp, ibuf_fd_ownership);
	ATF_TP_ADD_TC(tp, msgbuf_queue);
	return (atf_no_error());
}

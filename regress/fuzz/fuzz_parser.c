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
 * goprocctl's command line parser (goprocctl/parser.c).  The bytes are
 * the arguments after argv[0], separated by NUL bytes.  A refused
 * command line must say why; an accepted request, as goprocctl sends
 * it, must be one that goprocd's decoder accepts too.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "goproc.h"
#include "goprocctl.h"
#include "imsg.h"

/* clang-format off */
#define ARGS_MAX	128

static void	 check_request(const struct parse_result *);
/* clang-format on */

static struct parse_result res;
static struct gp_request req;

/* goprocd must accept the request goprocctl would send. */
static void
check_request(const struct parse_result *r)
{
	struct ibuf *b, in;
	const char *errstr = NULL;

	if ((b = ibuf_dynamic(64, MAX_IMSGSIZE - IMSG_HEADER_SIZE)) == NULL)
		abort();
	FUZZ_CHECK(wire_req_encode(b, &r->req) == 0);
	ibuf_from_ibuf(&in, b);
	if (wire_req_decode(&in, r->req.type, &req, &errstr) == -1)
		fuzz_fail(__FILE__, __LINE__, errstr);
	ibuf_free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[ARGS_MAX + 2], *p, *end;
	int argc = 0;

	if ((buf = malloc(size + 1)) == NULL)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = "goprocctl";
	for (p = buf, end = buf + size; p < end && argc <= ARGS_MAX;
	     p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	if (parse(argc, argv, &res) == -1) {
		FUZZ_CHECK(res.error[0] != '\0');
		FUZZ_CHECK(memchr(res.error, '\0', sizeof(res.error)) != NULL);
		free(buf);
		return (0);
	}
	switch (res.action) {
	case PING:
	case ADD:
	case LIST:
	case RM:
	case KILL:
	case TAG:
	case GROUP:
	case RESET:
		check_request(&res);
		break;
	case RUN:
		FUZZ_CHECK(res.cmdargc > 0);
		FUZZ_CHECK(res.cmdargv > argv && res.cmdargv < argv + argc);
		break;
	default:
		break;
	}
	free(buf);
	return (0);
}

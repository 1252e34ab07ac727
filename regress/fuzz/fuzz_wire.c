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
 * The wire decoders (common/wire.c) as the frontend and goprocctl run
 * them on a message's payload.  The first byte picks what the rest is:
 *
 *	0 to 7	a request of type IMSG_CTL_PING + n (wire_req_decode)
 *	8	an entry (wire_entry_decode)
 *	9	a result (wire_result_decode)
 *	10	an end, error or info (wire_end_decode)
 *	11	a request of a type that is not one (must be refused)
 *	12	a request of type IMSG_CTL_EXECED
 *	13	a request of type IMSG_CTL_VERSION
 *	14	a request of type IMSG_CTL_WATCH
 *	15	an event (wire_event_decode)
 *	16	a request of type IMSG_CTL_UPDATE
 *	17	a request of type IMSG_CTL_MATCH
 *
 * A value that decodes is encoded again, no longer than it came, and
 * must decode to the same value: encode and decode are inverses on
 * everything the decoder accepts.  A refusal must give a reason.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "goproc.h"
#include "imsg.h"

/* clang-format off */
#define KIND_REQ_COUNT	8
#define KIND_ENTRY	8
#define KIND_RESULT	9
#define KIND_END	10
#define KIND_BADTYPE	11
#define KIND_EXECED	12
#define KIND_VERSION	13
#define KIND_WATCH	14
#define KIND_EVENT	15
#define KIND_UPDATE	16
#define KIND_MATCH	17
#define KIND_COUNT	18

#define ENCODE_MAX	(1024 * 1024)

static int	 req_same(const struct gp_request *, const struct gp_request *);
static struct ibuf *encode_start(void);
static void	 fuzz_req(uint32_t, void *, size_t);
static void	 fuzz_entry(void *, size_t);
static void	 fuzz_result(void *, size_t);
static void	 fuzz_end(void *, size_t);
static void	 fuzz_event(void *, size_t);
/* clang-format on */

/* The decoded values are large: keep them off the stack. */
static struct gp_request req1, req2;
static struct gp_result res1, res2;
static struct gp_entry ent1, ent2;
static struct gp_end end1, end2;
static struct gp_event ev1, ev2;

static int
req_same(const struct gp_request *a, const struct gp_request *b)
{
	if (a->type != b->type || a->flags != b->flags || a->pid != b->pid ||
	    a->signo != b->signo || a->wait_ms != b->wait_ms ||
	    a->uid != b->uid || a->nids != b->nids || a->npids != b->npids)
		return (0);
	if (a->nids > GP_SEL_MAX || a->npids > GP_SEL_MAX)
		return (0);
	if (memcmp(a->ids, b->ids, a->nids * sizeof(a->ids[0])) != 0 ||
	    memcmp(a->pids, b->pids, a->npids * sizeof(a->pids[0])) != 0)
		return (0);
	if (strcmp(a->name, b->name) != 0 || strcmp(a->label, b->label) != 0 ||
	    strcmp(a->newlabel, b->newlabel) != 0 ||
	    strcmp(a->search, b->search) != 0 || strcmp(a->cmd, b->cmd) != 0)
		return (0);
	return (fuzz_strlist_same(&a->tags, &b->tags) &&
	    fuzz_strlist_same(&a->tags_all, &b->tags_all) &&
	    fuzz_strlist_same(&a->groups, &b->groups) &&
	    fuzz_strlist_same(&a->groups_all, &b->groups_all) &&
	    fuzz_strlist_same(&a->names, &b->names));
}

static struct ibuf *
encode_start(void)
{
	struct ibuf *b;

	if ((b = ibuf_dynamic(64, ENCODE_MAX)) == NULL)
		abort();
	return (b);
}

static void
fuzz_req(uint32_t type, void *p, size_t len)
{
	struct ibuf in, *b;
	const char *errstr = NULL;

	ibuf_from_buffer(&in, p, len);
	if (wire_req_decode(&in, type, &req1, &errstr) == -1) {
		FUZZ_CHECK(fuzz_errstr_ok(errstr));
		return;
	}
	FUZZ_CHECK(req1.type == type);

	b = encode_start();
	FUZZ_CHECK(wire_req_encode(b, &req1) == 0);
	FUZZ_CHECK(ibuf_size(b) <= len);
	ibuf_from_ibuf(&in, b);
	errstr = NULL;
	FUZZ_CHECK(wire_req_decode(&in, type, &req2, &errstr) == 0);
	FUZZ_CHECK(req_same(&req1, &req2));
	ibuf_free(b);
}

static void
fuzz_entry(void *p, size_t len)
{
	struct ibuf in, *b;
	const char *errstr = NULL;

	ibuf_from_buffer(&in, p, len);
	if (wire_entry_decode(&in, &ent1, &errstr) == -1) {
		FUZZ_CHECK(fuzz_errstr_ok(errstr));
		return;
	}
	b = encode_start();
	FUZZ_CHECK(wire_entry_encode(b, &ent1) == 0);
	FUZZ_CHECK(ibuf_size(b) <= len);
	ibuf_from_ibuf(&in, b);
	errstr = NULL;
	FUZZ_CHECK(wire_entry_decode(&in, &ent2, &errstr) == 0);
	FUZZ_CHECK(fuzz_entry_same(&ent1, &ent2));
	ibuf_free(b);
}

static void
fuzz_result(void *p, size_t len)
{
	struct ibuf in, *b;
	const char *errstr = NULL;

	ibuf_from_buffer(&in, p, len);
	if (wire_result_decode(&in, &res1, &errstr) == -1) {
		FUZZ_CHECK(fuzz_errstr_ok(errstr));
		return;
	}
	b = encode_start();
	FUZZ_CHECK(wire_result_encode(b, &res1) == 0);
	FUZZ_CHECK(ibuf_size(b) <= len);
	ibuf_from_ibuf(&in, b);
	errstr = NULL;
	FUZZ_CHECK(wire_result_decode(&in, &res2, &errstr) == 0);
	FUZZ_CHECK(res1.flags == res2.flags && res1.signo == res2.signo);
	FUZZ_CHECK(strcmp(res1.msg, res2.msg) == 0);
	FUZZ_CHECK(fuzz_entry_same(&res1.entry, &res2.entry));
	ibuf_free(b);
}

static void
fuzz_end(void *p, size_t len)
{
	struct ibuf in, *b;
	const char *errstr = NULL;

	ibuf_from_buffer(&in, p, len);
	if (wire_end_decode(&in, &end1, &errstr) == -1) {
		FUZZ_CHECK(fuzz_errstr_ok(errstr));
		return;
	}
	b = encode_start();
	FUZZ_CHECK(wire_end_encode(b, &end1) == 0);
	FUZZ_CHECK(ibuf_size(b) == len);
	ibuf_from_ibuf(&in, b);
	errstr = NULL;
	FUZZ_CHECK(wire_end_decode(&in, &end2, &errstr) == 0);
	FUZZ_CHECK(end1.status == end2.status && end1.count == end2.count);
	FUZZ_CHECK(strcmp(end1.msg, end2.msg) == 0);
	ibuf_free(b);
}

static void
fuzz_event(void *p, size_t len)
{
	struct ibuf in, *b;
	const char *errstr = NULL;

	ibuf_from_buffer(&in, p, len);
	if (wire_event_decode(&in, &ev1, &errstr) == -1) {
		FUZZ_CHECK(fuzz_errstr_ok(errstr));
		return;
	}
	FUZZ_CHECK(gp_event_name(ev1.type) != NULL);
	b = encode_start();
	FUZZ_CHECK(wire_event_encode(b, &ev1) == 0);
	FUZZ_CHECK(ibuf_size(b) <= len);
	ibuf_from_ibuf(&in, b);
	errstr = NULL;
	FUZZ_CHECK(wire_event_decode(&in, &ev2, &errstr) == 0);
	FUZZ_CHECK(ev1.type == ev2.type && ev1.flags == ev2.flags &&
	    ev1.at == ev2.at && ev1.signo == ev2.signo &&
	    ev1.by_uid == ev2.by_uid && ev1.by_pid == ev2.by_pid &&
	    ev1.count == ev2.count && ev1.changed == ev2.changed);
	FUZZ_CHECK(
	    strcmp(ev1.from, ev2.from) == 0 && strcmp(ev1.to, ev2.to) == 0);
	if (ev1.flags & GP_EVF_ENTRY)
		FUZZ_CHECK(fuzz_entry_same(&ev1.entry, &ev2.entry));
	ibuf_free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *errstr = NULL;
	struct ibuf in;
	unsigned int kind;
	uint8_t *p;
	size_t len;

	if (size == 0)
		return (0);
	kind = data[0] % KIND_COUNT;
	len = size - 1;
	/* An exact copy, so that any read past the payload is caught. */
	if ((p = malloc(len > 0 ? len : 1)) == NULL)
		abort();
	memcpy(p, data + 1, len);

	if (kind < KIND_REQ_COUNT)
		fuzz_req(IMSG_CTL_PING + kind, p, len);
	else if (kind == KIND_ENTRY)
		fuzz_entry(p, len);
	else if (kind == KIND_RESULT)
		fuzz_result(p, len);
	else if (kind == KIND_END)
		fuzz_end(p, len);
	else if (kind == KIND_EXECED)
		fuzz_req(IMSG_CTL_EXECED, p, len);
	else if (kind == KIND_VERSION)
		fuzz_req(IMSG_CTL_VERSION, p, len);
	else if (kind == KIND_WATCH)
		fuzz_req(IMSG_CTL_WATCH, p, len);
	else if (kind == KIND_EVENT)
		fuzz_event(p, len);
	else if (kind == KIND_UPDATE)
		fuzz_req(IMSG_CTL_UPDATE, p, len);
	else if (kind == KIND_MATCH)
		fuzz_req(IMSG_CTL_MATCH, p, len);
	else {
		ibuf_from_buffer(&in, p, len);
		FUZZ_CHECK(wire_req_decode(&in, IMSG_CTL_ENTRY + data[0] % 2,
		               &req1, &errstr) == -1);
		FUZZ_CHECK(fuzz_errstr_ok(errstr));
	}
	free(p);
	return (0);
}

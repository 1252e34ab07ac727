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
 * The wire codec (common/wire.c): round trips of every message, and the
 * decoders' refusal of truncated, padded, over-long, over-count and
 * malformed payloads; the name and label checks.
 */

#include <sys/types.h>

#include <atf-c.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goproc.h"
#include "imsg.h"

/* clang-format off */
#define PAYLOAD_MAX	(MAX_IMSGSIZE - IMSG_HEADER_SIZE)

enum kind {
	K_REQ,
	K_ENTRY,
	K_RESULT,
	K_END,
	K_EVENT,
};

/* A string as raw bytes, so that tests can embed NULs. */
struct rstr {
	const char	*s;
	size_t		 len;
};

/* A request as raw wire fields, without the encoder's checks. */
struct rreq {
	uint32_t	 flags;
	int32_t		 pid;
	int32_t		 signo;
	uint32_t	 wait_ms;
	uint32_t	 sort;
	uint32_t	 limit;
	uint32_t	 uid;		/* match -u */
	uint32_t	 nids;
	uint32_t	 npids;
	uint64_t	 ids[40];
	int32_t		 pids[40];
	struct rstr	 str[5];	/* name label newlabel search cmd */
	/* tags tags_all groups groups_all names, update's add_tags rm_tags
	 * add_groups rm_groups */
	uint32_t	 nl[9];
	struct rstr	 l[9][40];
};

/* An entry as raw wire fields. */
struct rentry {
	uint64_t	 id;
	uint64_t	 start_ticks;
	int64_t		 added_at;
	int64_t		 last_seen;
	int32_t		 pid;
	int32_t		 pgid;
	uint32_t	 owner_uid;
	uint32_t	 alive;
	uint32_t	 flags;
	uint32_t	 reserved;
	uint64_t	 met64[5];	/* cpu_ns rss sampled started exited */
	uint32_t	 met32[4];	/* valid threads cpu_pct state */
	struct rstr	 name;
	struct rstr	 cmd;
	uint32_t	 nl[2];
	struct rstr	 l[2][40];
};

enum {
	S_NAME,
	S_LABEL,
	S_NEWLABEL,
	S_SEARCH,
	S_CMD,
};
enum {
	L_TAGS,
	L_TAGS_ALL,
	L_GROUPS,
	L_GROUPS_ALL,
	L_NAMES,
};

static char	 pool[64][GP_CMD_MAX + 16];
static int	 npool;
static char	 spool[512][16];
static int	 nspool;

static struct rstr	 rs(const char *);
static struct rstr	 rep(char, size_t);
static char		*pstr(const char *, ...)
			    __attribute__((__format__(printf, 1, 2)));
static struct ibuf	*newbuf(void);
static int		 decode(enum kind, uint32_t, const void *, size_t,
			    void *, const char **);
static void		 put_rstr(struct ibuf *, struct rstr);
static struct ibuf	*raw_req(const struct rreq *);
static void		 raw_entry_into(struct ibuf *, const struct rentry *);
static struct ibuf	*raw_entry(const struct rentry *);
static void		 rentry_min(struct rentry *);
static void		 fill_label(char *, size_t, int, const char *);
static void		 fill_req_full(uint32_t, struct gp_request *);
static void		 fill_req_min(uint32_t, struct gp_request *);
static void		 fill_entry_full(struct gp_entry *);
static void		 fill_entry_min(struct gp_entry *);
static void		 check_strlist(const struct gp_strlist *,
			    const struct gp_strlist *);
static void		 check_req(const struct gp_request *,
			    const struct gp_request *);
static void		 check_entry(const struct gp_entry *,
			    const struct gp_entry *);
static void		 req_roundtrip(uint32_t, int);
static void		 check_truncation(enum kind, uint32_t, struct ibuf *);
static void		 check_trailing(enum kind, uint32_t, struct ibuf *);
static void		 req_refused(uint32_t, const struct rreq *,
			    const char *);
static void		 req_min_raw(uint32_t, struct rreq *);
static void		 entry_refused(const struct rentry *, const char *);

static const uint32_t req_types[] = {
	IMSG_CTL_PING,
	IMSG_CTL_ADD,
	IMSG_CTL_LIST,
	IMSG_CTL_RM,
	IMSG_CTL_KILL,
	IMSG_CTL_TAG,
	IMSG_CTL_GROUP,
	IMSG_CTL_RESET,
	IMSG_CTL_WATCH,
	IMSG_CTL_EXECED,
	IMSG_CTL_UPDATE,
	IMSG_CTL_MATCH,
};
/* clang-format on */

static struct rstr
rs(const char *s)
{
	struct rstr r;

	r.s = s;
	r.len = strlen(s);
	return (r);
}

/* n copies of c, from the pool. */
static struct rstr
rep(char c, size_t n)
{
	struct rstr r;

	ATF_REQUIRE(npool < (int)(sizeof(pool) / sizeof(pool[0])));
	ATF_REQUIRE(n < sizeof(pool[0]));
	memset(pool[npool], c, n);
	pool[npool][n] = '\0';
	r.s = pool[npool++];
	r.len = n;
	return (r);
}

static char *
pstr(const char *fmt, ...)
{
	va_list ap;
	char *p;

	ATF_REQUIRE(nspool < (int)(sizeof(spool) / sizeof(spool[0])));
	p = spool[nspool++];
	va_start(ap, fmt);
	(void)vsnprintf(p, sizeof(spool[0]), fmt, ap);
	va_end(ap);
	return (p);
}

static struct ibuf *
newbuf(void)
{
	struct ibuf *b;

	b = ibuf_dynamic(64, PAYLOAD_MAX);
	ATF_REQUIRE(b != NULL);
	return (b);
}

/*
 * Decode len bytes from a private heap copy, so that a read past the
 * end is caught by the sanitizers and valgrind.
 */
static int
decode(enum kind k, uint32_t type, const void *data, size_t len, void *out,
    const char **errstr)
{
	struct ibuf view;
	void *copy;
	int rv = -1;

	copy = malloc(len > 0 ? len : 1);
	ATF_REQUIRE(copy != NULL);
	if (len > 0)
		memcpy(copy, data, len);
	ibuf_from_buffer(&view, copy, len);
	*errstr = NULL;
	switch (k) {
	case K_REQ:
		rv = wire_req_decode(&view, type, out, errstr);
		break;
	case K_ENTRY:
		rv = wire_entry_decode(&view, out, errstr);
		break;
	case K_RESULT:
		rv = wire_result_decode(&view, out, errstr);
		break;
	case K_END:
		rv = wire_end_decode(&view, out, errstr);
		break;
	case K_EVENT:
		rv = wire_event_decode(&view, out, errstr);
		break;
	}
	free(copy);
	if (rv == -1)
		ATF_CHECK_MSG(*errstr != NULL && **errstr != '\0',
		    "decoder failed without a reason");
	return (rv);
}

static void
put_rstr(struct ibuf *b, struct rstr r)
{
	ATF_REQUIRE(ibuf_add_h16(b, r.len) == 0);
	ATF_REQUIRE(ibuf_add(b, r.s, r.len) == 0);
}

static struct ibuf *
raw_req(const struct rreq *r)
{
	struct ibuf *b;
	uint32_t i, k;

	b = newbuf();
	ATF_REQUIRE(ibuf_add_h32(b, r->flags) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, (uint32_t)r->pid) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, (uint32_t)r->signo) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, r->wait_ms) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, r->nids) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, r->npids) == 0);
	for (k = 0; k < 5; k++)
		ATF_REQUIRE(ibuf_add_h32(b, r->nl[k]) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, r->sort) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, r->limit) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, r->uid) == 0);
	for (k = 5; k < 9; k++)
		ATF_REQUIRE(ibuf_add_h32(b, r->nl[k]) == 0);
	for (i = 0; i < r->nids && i < 40; i++)
		ATF_REQUIRE(ibuf_add_h64(b, r->ids[i]) == 0);
	for (i = 0; i < r->npids && i < 40; i++)
		ATF_REQUIRE(ibuf_add_h32(b, (uint32_t)r->pids[i]) == 0);
	for (k = 0; k < 5; k++)
		put_rstr(b, r->str[k]);
	for (k = 0; k < 9; k++)
		for (i = 0; i < r->nl[k] && i < 40; i++)
			put_rstr(b, r->l[k][i]);
	return (b);
}

static void
raw_entry_into(struct ibuf *b, const struct rentry *e)
{
	uint32_t i, k;

	ATF_REQUIRE(ibuf_add_h64(b, e->id) == 0);
	ATF_REQUIRE(ibuf_add_h64(b, e->start_ticks) == 0);
	ATF_REQUIRE(ibuf_add_h64(b, (uint64_t)e->added_at) == 0);
	ATF_REQUIRE(ibuf_add_h64(b, (uint64_t)e->last_seen) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, (uint32_t)e->pid) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, (uint32_t)e->pgid) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, e->owner_uid) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, e->alive) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, e->nl[0]) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, e->nl[1]) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, e->flags) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, e->reserved) == 0);
	for (k = 0; k < 5; k++)
		ATF_REQUIRE(ibuf_add_h64(b, e->met64[k]) == 0);
	for (k = 0; k < 4; k++)
		ATF_REQUIRE(ibuf_add_h32(b, e->met32[k]) == 0);
	put_rstr(b, e->name);
	put_rstr(b, e->cmd);
	for (k = 0; k < 2; k++)
		for (i = 0; i < e->nl[k] && i < 40; i++)
			put_rstr(b, e->l[k][i]);
}

static struct ibuf *
raw_entry(const struct rentry *e)
{
	struct ibuf *b;

	b = newbuf();
	raw_entry_into(b, e);
	return (b);
}

static void
rentry_min(struct rentry *e)
{
	memset(e, 0, sizeof(*e));
	e->id = 1;
	e->pid = 1;
	e->name = rs("");
	e->cmd = rs("");
}

/* A distinct label of exactly len bytes, starting with a number. */
static void
fill_label(char *dst, size_t len, int i, const char *pad)
{
	size_t n, plen;

	n = (size_t)snprintf(dst, len + 1, "%02d", i);
	plen = strlen(pad);
	while (n + plen <= len) {
		memcpy(dst + n, pad, plen);
		n += plen;
	}
	while (n < len)
		dst[n++] = 'x';
	dst[len] = '\0';
}

/* A request of the given type with every field it uses at its limit. */
static void
fill_req_full(uint32_t type, struct gp_request *req)
{
	int i;

	memset(req, 0, sizeof(*req));
	req->type = type;
	switch (type) {
	case IMSG_CTL_ADD:
		req->pid = GP_PID_MAX;
		memset(req->name, 'N', GP_NAME_MAX);
		memset(req->cmd, 'c', GP_CMD_MAX);
		for (i = 0; i < GP_LABELS_MAX; i++) {
			fill_label(req->tags.v[i], GP_LABEL_MAX, i, "\xc3\xa9");
			fill_label(req->groups.v[i], GP_LABEL_MAX, i, "g");
		}
		req->tags.n = req->groups.n = GP_LABELS_MAX;
		break;
	case IMSG_CTL_KILL:
		req->signo = 64;
		req->wait_ms = GP_WAIT_MAX_MS;
		/* FALLTHROUGH */
	case IMSG_CTL_LIST:
	case IMSG_CTL_RM:
		req->flags = GP_REQ_ALIVE;
		if (type != IMSG_CTL_LIST)
			req->flags |= GP_REQ_ALL;
		else {
			req->flags |= GP_REQ_REVERSE;
			req->sort = GP_SORT_MAX - 1;
			req->limit = GP_LIMIT_MAX;
		}
		for (i = 0; i < GP_SEL_MAX; i++) {
			fill_label(req->tags.v[i], GP_LABEL_MAX, i, "t");
			fill_label(req->tags_all.v[i], GP_LABEL_MAX, i, "T");
			fill_label(req->groups.v[i], GP_LABEL_MAX, i, "g");
			fill_label(req->groups_all.v[i], GP_LABEL_MAX, i, "G");
			fill_label(req->names.v[i], GP_NAME_MAX, i, "n.-_");
			req->ids[i] = i == 0 ? UINT64_MAX : (uint64_t)i;
			req->pids[i] = i == 0 ? GP_PID_MAX : i;
		}
		req->tags.n = req->tags_all.n = req->groups.n =
		    req->groups_all.n = req->names.n = GP_SEL_MAX;
		req->nids = req->npids = GP_SEL_MAX;
		memset(req->search, 's', GP_SEARCH_MAX);
		break;
	case IMSG_CTL_TAG:
	case IMSG_CTL_GROUP:
		req->flags = GP_REQ_RENAME;
		fill_label(req->label, GP_LABEL_MAX, 1, "\xe6\x97\xa5");
		fill_label(req->newlabel, GP_LABEL_MAX, 2, "\xf0\x9f\x98\x80");
		break;
	case IMSG_CTL_RESET:
		(void)strlcpy(req->label, "RESET", sizeof(req->label));
		break;
	case IMSG_CTL_EXECED:
		req->pid = GP_PID_MAX;
		req->ids[0] = UINT64_MAX;
		req->nids = 1;
		memset(req->cmd, 'c', GP_CMD_MAX);
		break;
	case IMSG_CTL_UPDATE:
		fill_req_full(IMSG_CTL_RM, req);
		req->type = type;
		req->flags = GP_REQ_ALL | GP_REQ_DEAD;
		memset(req->name, 'N', GP_NAME_MAX);
		for (i = 0; i < GP_LABELS_MAX / 2; i++) {
			fill_label(req->add_tags.v[i], GP_LABEL_MAX, i, "a");
			fill_label(req->rm_tags.v[i], GP_LABEL_MAX, i, "r");
			fill_label(req->add_groups.v[i], GP_LABEL_MAX, i, "A");
			fill_label(req->rm_groups.v[i], GP_LABEL_MAX, i, "R");
		}
		req->add_tags.n = req->rm_tags.n = GP_LABELS_MAX / 2;
		req->add_groups.n = req->rm_groups.n = GP_LABELS_MAX / 2;
		break;
	case IMSG_CTL_MATCH:
		req->flags = GP_REQ_ALL | GP_REQ_FULL | GP_REQ_EXACT |
		    GP_REQ_NEWEST | GP_REQ_DRYRUN | GP_REQ_UID;
		req->uid = UINT32_MAX;
		memset(req->search, 's', GP_PATTERN_MAX);
		memset(req->name, 'N', GP_NAME_MAX);
		for (i = 0; i < GP_SEL_MAX; i++)
			req->pids[i] = i == 0 ? GP_PID_MAX : i;
		req->npids = GP_SEL_MAX;
		for (i = 0; i < GP_LABELS_MAX; i++) {
			fill_label(req->tags.v[i], GP_LABEL_MAX, i, "t");
			fill_label(req->groups.v[i], GP_LABEL_MAX, i, "g");
		}
		req->tags.n = req->groups.n = GP_LABELS_MAX;
		break;
	}
}

/* A request of the given type with as little as it may carry. */
static void
fill_req_min(uint32_t type, struct gp_request *req)
{
	memset(req, 0, sizeof(*req));
	req->type = type;
	switch (type) {
	case IMSG_CTL_ADD:
		req->pid = 1;
		break;
	case IMSG_CTL_KILL:
		req->signo = 1;
		break;
	case IMSG_CTL_TAG:
	case IMSG_CTL_GROUP:
		(void)strlcpy(req->label, "a", sizeof(req->label));
		break;
	case IMSG_CTL_RESET:
		(void)strlcpy(req->label, "RESET", sizeof(req->label));
		break;
	case IMSG_CTL_EXECED:
		req->pid = 1;
		req->ids[0] = 1;
		req->nids = 1;
		break;
	case IMSG_CTL_UPDATE:
		req->flags = GP_REQ_NONAME;
		break;
	case IMSG_CTL_MATCH:
		(void)strlcpy(req->search, "x", sizeof(req->search));
		break;
	}
}

static void
fill_entry_full(struct gp_entry *e)
{
	int i;

	memset(e, 0, sizeof(*e));
	e->id = UINT64_MAX;
	e->pid = GP_PID_MAX;
	e->pgid = GP_PID_MAX;
	e->start_ticks = UINT64_MAX;
	e->added_at = INT64_MAX;
	e->last_seen = INT64_MIN;
	e->owner_uid = UINT32_MAX;
	e->alive = 1;
	e->flags = GP_ENT_CMD_CLIENT;
	memset(e->name, 'z', GP_NAME_MAX);
	memset(e->cmd, '/', GP_CMD_MAX);
	for (i = 0; i < GP_LABELS_MAX; i++) {
		fill_label(e->tags.v[i], GP_LABEL_MAX, i, "t a");
		fill_label(e->groups.v[i], GP_LABEL_MAX, i, "\xc3\xa9");
	}
	e->tags.n = e->groups.n = GP_LABELS_MAX;
	e->met.valid = GP_MET_MASK;
	e->met.state = 'R';
	e->met.threads = GP_THREADS_MAX;
	e->met.cpu_pct = GP_CPU_PCT_MAX;
	e->met.cpu_ns = INT64_MAX;
	e->met.rss_bytes = INT64_MAX;
	e->met.sampled_at = INT64_MAX;
	e->met.started_at = 1;
	e->met.exited_at = INT64_MAX;
}

static void
fill_entry_min(struct gp_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->id = 1;
	e->pid = 1;
}

static void
check_strlist(const struct gp_strlist *a, const struct gp_strlist *b)
{
	uint32_t i;

	ATF_REQUIRE_EQ(a->n, b->n);
	for (i = 0; i < a->n; i++)
		ATF_CHECK_STREQ(a->v[i], b->v[i]);
}

static void
check_req(const struct gp_request *a, const struct gp_request *b)
{
	uint32_t i;

	ATF_CHECK_EQ(a->type, b->type);
	ATF_CHECK_EQ(a->flags, b->flags);
	ATF_CHECK_EQ(a->pid, b->pid);
	ATF_CHECK_EQ(a->signo, b->signo);
	ATF_CHECK_EQ(a->wait_ms, b->wait_ms);
	ATF_CHECK_EQ(a->sort, b->sort);
	ATF_CHECK_EQ(a->limit, b->limit);
	ATF_CHECK_STREQ(a->name, b->name);
	ATF_CHECK_STREQ(a->label, b->label);
	ATF_CHECK_STREQ(a->newlabel, b->newlabel);
	ATF_CHECK_STREQ(a->search, b->search);
	ATF_CHECK_STREQ(a->cmd, b->cmd);
	check_strlist(&a->tags, &b->tags);
	check_strlist(&a->tags_all, &b->tags_all);
	check_strlist(&a->groups, &b->groups);
	check_strlist(&a->groups_all, &b->groups_all);
	check_strlist(&a->names, &b->names);
	ATF_REQUIRE_EQ(a->nids, b->nids);
	ATF_REQUIRE_EQ(a->npids, b->npids);
	for (i = 0; i < a->nids; i++)
		ATF_CHECK_EQ(a->ids[i], b->ids[i]);
	for (i = 0; i < a->npids; i++)
		ATF_CHECK_EQ(a->pids[i], b->pids[i]);
}

static void
check_entry(const struct gp_entry *a, const struct gp_entry *b)
{
	ATF_CHECK_EQ(a->id, b->id);
	ATF_CHECK_EQ(a->pid, b->pid);
	ATF_CHECK_EQ(a->pgid, b->pgid);
	ATF_CHECK_EQ(a->start_ticks, b->start_ticks);
	ATF_CHECK_EQ(a->added_at, b->added_at);
	ATF_CHECK_EQ(a->last_seen, b->last_seen);
	ATF_CHECK_EQ(a->owner_uid, b->owner_uid);
	ATF_CHECK_EQ(a->alive, b->alive);
	ATF_CHECK_EQ(a->flags, b->flags);
	ATF_CHECK_STREQ(a->name, b->name);
	ATF_CHECK_STREQ(a->cmd, b->cmd);
	check_strlist(&a->tags, &b->tags);
	check_strlist(&a->groups, &b->groups);
	ATF_CHECK_EQ(a->met.valid, b->met.valid);
	ATF_CHECK_EQ(a->met.state, b->met.state);
	ATF_CHECK_EQ(a->met.threads, b->met.threads);
	ATF_CHECK_EQ(a->met.cpu_pct, b->met.cpu_pct);
	ATF_CHECK_EQ(a->met.cpu_ns, b->met.cpu_ns);
	ATF_CHECK_EQ(a->met.rss_bytes, b->met.rss_bytes);
	ATF_CHECK_EQ(a->met.sampled_at, b->met.sampled_at);
	ATF_CHECK_EQ(a->met.started_at, b->met.started_at);
	ATF_CHECK_EQ(a->met.exited_at, b->met.exited_at);
}

/* Encode, decode, compare; then truncation and trailing bytes. */
static void
req_roundtrip(uint32_t type, int full)
{
	struct gp_request in, out;
	struct ibuf *b;
	const char *errstr;

	if (full)
		fill_req_full(type, &in);
	else
		fill_req_min(type, &in);
	b = newbuf();
	ATF_REQUIRE(wire_req_encode(b, &in) == 0);
	ATF_REQUIRE(ibuf_size(b) <= PAYLOAD_MAX);
	if (decode(K_REQ, type, ibuf_data(b), ibuf_size(b), &out, &errstr) ==
	    -1)
		atf_tc_fail("type %u: %s", type, errstr);
	check_req(&in, &out);
	check_truncation(K_REQ, type, b);
	check_trailing(K_REQ, type, b);
	ibuf_free(b);
}

/* Every proper prefix of a valid payload is refused. */
static void
check_truncation(enum kind k, uint32_t type, struct ibuf *b)
{
	union {
		struct gp_request req;
		struct gp_entry entry;
		struct gp_result result;
		struct gp_end end;
		struct gp_event event;
	} * out;
	const char *errstr;
	size_t len;

	out = malloc(sizeof(*out));
	ATF_REQUIRE(out != NULL);
	for (len = 0; len < ibuf_size(b); len++)
		if (decode(k, type, ibuf_data(b), len, out, &errstr) != -1)
			atf_tc_fail("kind %d type %u: prefix of %zu of %zu "
			            "bytes accepted",
			    k, type, len, ibuf_size(b));
	free(out);
}

static void
check_trailing(enum kind k, uint32_t type, struct ibuf *b)
{
	union {
		struct gp_request req;
		struct gp_entry entry;
		struct gp_result result;
		struct gp_end end;
		struct gp_event event;
	} * out;
	const char *errstr;
	unsigned char *p;
	size_t len, extra;

	out = malloc(sizeof(*out));
	ATF_REQUIRE(out != NULL);
	len = ibuf_size(b);
	p = malloc(len + 8);
	ATF_REQUIRE(p != NULL);
	memcpy(p, ibuf_data(b), len);
	memset(p + len, 0, 8);
	for (extra = 1; extra <= 8; extra++) {
		ATF_CHECK(decode(k, type, p, len + extra, out, &errstr) == -1);
		ATF_CHECK_STREQ(errstr, "trailing bytes after message");
	}
	free(p);
	free(out);
}

static void
req_refused(uint32_t type, const struct rreq *r, const char *want)
{
	struct gp_request *out;
	struct ibuf *b;
	const char *errstr;

	out = malloc(sizeof(*out));
	ATF_REQUIRE(out != NULL);
	b = raw_req(r);
	if (decode(K_REQ, type, ibuf_data(b), ibuf_size(b), out, &errstr) != -1)
		atf_tc_fail("type %u: accepted, expected \"%s\"", type, want);
	else if (want != NULL && strcmp(errstr, want) != 0)
		atf_tc_fail_nonfatal(
		    "type %u: \"%s\", expected \"%s\"", type, errstr, want);
	ibuf_free(b);
	free(out);
}

/* A raw request that the decoder accepts for the type. */
static void
req_min_raw(uint32_t type, struct rreq *r)
{
	int k;

	memset(r, 0, sizeof(*r));
	for (k = 0; k < 5; k++)
		r->str[k] = rs("");
	switch (type) {
	case IMSG_CTL_ADD:
		r->pid = 100;
		break;
	case IMSG_CTL_KILL:
		r->signo = 15;
		break;
	case IMSG_CTL_TAG:
	case IMSG_CTL_GROUP:
		r->str[S_LABEL] = rs("db");
		break;
	case IMSG_CTL_RESET:
		r->str[S_LABEL] = rs("RESET");
		break;
	case IMSG_CTL_EXECED:
		r->pid = 100;
		r->nids = 1;
		r->ids[0] = 7;
		break;
	case IMSG_CTL_UPDATE:
		r->nl[5] = 1;
		r->l[5][0] = rs("t");
		break;
	case IMSG_CTL_MATCH:
		r->str[S_SEARCH] = rs("sle+p");
		break;
	}
}

static void
entry_refused(const struct rentry *e, const char *want)
{
	struct gp_entry *out;
	struct ibuf *b;
	const char *errstr;

	out = malloc(sizeof(*out));
	ATF_REQUIRE(out != NULL);
	b = raw_entry(e);
	if (decode(K_ENTRY, 0, ibuf_data(b), ibuf_size(b), out, &errstr) != -1)
		atf_tc_fail("entry accepted, expected \"%s\"", want);
	else if (want != NULL && strcmp(errstr, want) != 0)
		atf_tc_fail_nonfatal(
		    "entry: \"%s\", expected \"%s\"", errstr, want);
	ibuf_free(b);
	free(out);
}

ATF_TC_WITHOUT_HEAD(req_roundtrip_ping);
ATF_TC_BODY(req_roundtrip_ping, tc)
{
	req_roundtrip(IMSG_CTL_PING, 1);
	req_roundtrip(IMSG_CTL_PING, 0);
}

ATF_TC_WITHOUT_HEAD(req_roundtrip_add);
ATF_TC_BODY(req_roundtrip_add, tc)
{
	req_roundtrip(IMSG_CTL_ADD, 1);
	req_roundtrip(IMSG_CTL_ADD, 0);
}

ATF_TC_WITHOUT_HEAD(req_roundtrip_list);
ATF_TC_BODY(req_roundtrip_list, tc)
{
	req_roundtrip(IMSG_CTL_LIST, 1);
	req_roundtrip(IMSG_CTL_LIST, 0);
}

ATF_TC_WITHOUT_HEAD(req_roundtrip_rm);
ATF_TC_BODY(req_roundtrip_rm, tc)
{
	req_roundtrip(IMSG_CTL_RM, 1);
	req_roundtrip(IMSG_CTL_RM, 0);
}

ATF_TC_WITHOUT_HEAD(req_roundtrip_kill);
ATF_TC_BODY(req_roundtrip_kill, tc)
{
	req_roundtrip(IMSG_CTL_KILL, 1);
	req_roundtrip(IMSG_CTL_KILL, 0);
}

ATF_TC_WITHOUT_HEAD(req_roundtrip_tag);
ATF_TC_BODY(req_roundtrip_tag, tc)
{
	req_roundtrip(IMSG_CTL_TAG, 1);
	req_roundtrip(IMSG_CTL_TAG, 0);
}

ATF_TC_WITHOUT_HEAD(req_roundtrip_group);
ATF_TC_BODY(req_roundtrip_group, tc)
{
	req_roundtrip(IMSG_CTL_GROUP, 1);
	req_roundtrip(IMSG_CTL_GROUP, 0);
}

ATF_TC_WITHOUT_HEAD(req_roundtrip_reset);
ATF_TC_BODY(req_roundtrip_reset, tc)
{
	req_roundtrip(IMSG_CTL_RESET, 1);
	req_roundtrip(IMSG_CTL_RESET, 0);
}

ATF_TC_WITHOUT_HEAD(req_roundtrip_execed);
ATF_TC_BODY(req_roundtrip_execed, tc)
{
	req_roundtrip(IMSG_CTL_EXECED, 1);
	req_roundtrip(IMSG_CTL_EXECED, 0);
}

ATF_TC_WITHOUT_HEAD(req_roundtrip_match);
ATF_TC_BODY(req_roundtrip_match, tc)
{
	req_roundtrip(IMSG_CTL_MATCH, 1);
	req_roundtrip(IMSG_CTL_MATCH, 0);
}

ATF_TC_WITHOUT_HEAD(req_roundtrip_version);
ATF_TC_BODY(req_roundtrip_version, tc)
{
	struct rreq r;

	req_roundtrip(IMSG_CTL_VERSION, 1);
	req_roundtrip(IMSG_CTL_VERSION, 0);
	/* It carries nothing. */
	req_min_raw(IMSG_CTL_VERSION, &r);
	r.pid = 1;
	req_refused(IMSG_CTL_VERSION, &r, "unexpected pid in request");
	req_min_raw(IMSG_CTL_VERSION, &r);
	r.flags = GP_REQ_ALL;
	req_refused(
	    IMSG_CTL_VERSION, &r, "request flag not valid for this request");
}

ATF_TC_WITHOUT_HEAD(req_execed_needs_one_id);
ATF_TC_BODY(req_execed_needs_one_id, tc)
{
	struct rreq r;

	req_min_raw(IMSG_CTL_EXECED, &r);
	r.nids = 0;
	req_refused(IMSG_CTL_EXECED, &r, "request needs exactly one id");
	req_min_raw(IMSG_CTL_EXECED, &r);
	r.nids = 2;
	r.ids[1] = 8;
	req_refused(IMSG_CTL_EXECED, &r, "request needs exactly one id");
	req_min_raw(IMSG_CTL_EXECED, &r);
	r.npids = 1;
	r.pids[0] = 5;
	req_refused(IMSG_CTL_EXECED, &r, "unexpected selectors in request");
	req_min_raw(IMSG_CTL_EXECED, &r);
	r.pid = 0;
	req_refused(IMSG_CTL_EXECED, &r, "pid out of range (1 to 4194304)");
	/* Other requests without selectors still refuse an id. */
	req_min_raw(IMSG_CTL_ADD, &r);
	r.nids = 1;
	r.ids[0] = 7;
	req_refused(IMSG_CTL_ADD, &r, "unexpected selectors in request");
}

ATF_TC_WITHOUT_HEAD(req_raw_minimal_accepted);
ATF_TC_BODY(req_raw_minimal_accepted, tc)
{
	struct gp_request out;
	struct rreq r;
	struct ibuf *b;
	const char *errstr;
	size_t i;

	for (i = 0; i < sizeof(req_types) / sizeof(req_types[0]); i++) {
		req_min_raw(req_types[i], &r);
		b = raw_req(&r);
		if (decode(K_REQ, req_types[i], ibuf_data(b), ibuf_size(b),
		        &out, &errstr) == -1)
			atf_tc_fail("type %u: %s", req_types[i], errstr);
		ATF_CHECK_EQ(out.type, req_types[i]);
		ibuf_free(b);
	}
}

ATF_TC_WITHOUT_HEAD(req_unknown_type);
ATF_TC_BODY(req_unknown_type, tc)
{
	struct rreq r;

	req_min_raw(IMSG_CTL_PING, &r);
	req_refused(IMSG_NONE, &r, "unknown request type");
	req_refused(IMSG_CTL_ENTRY, &r, "unknown request type");
	req_refused(IMSG_CTL_END, &r, "unknown request type");
	/* The first of goprocd's internal types. */
	req_refused(IMSG_CTL_LAST + 1, &r, "unknown request type");
}

ATF_TC_WITHOUT_HEAD(req_empty_payload);
ATF_TC_BODY(req_empty_payload, tc)
{
	struct gp_request out;
	const char *errstr;

	ATF_CHECK(decode(K_REQ, IMSG_CTL_PING, "", 0, &out, &errstr) == -1);
	ATF_CHECK_STREQ(errstr, "message truncated");
}

ATF_TC_WITHOUT_HEAD(req_overlong_strings);
ATF_TC_BODY(req_overlong_strings, tc)
{
	struct rreq r;

	req_min_raw(IMSG_CTL_ADD, &r);
	r.str[S_NAME] = rep('a', GP_NAME_MAX + 1);
	req_refused(IMSG_CTL_ADD, &r, "name too long (at most 64 bytes)");

	req_min_raw(IMSG_CTL_ADD, &r);
	r.str[S_CMD] = rep('c', GP_CMD_MAX + 1);
	req_refused(IMSG_CTL_ADD, &r, "command too long (at most 4096 bytes)");

	req_min_raw(IMSG_CTL_ADD, &r);
	r.nl[L_TAGS] = 1;
	r.l[L_TAGS][0] = rep('t', GP_LABEL_MAX + 1);
	req_refused(IMSG_CTL_ADD, &r, "tag too long (at most 64 bytes)");

	req_min_raw(IMSG_CTL_ADD, &r);
	r.nl[L_GROUPS] = 1;
	r.l[L_GROUPS][0] = rep('g', GP_LABEL_MAX + 1);
	req_refused(IMSG_CTL_ADD, &r, "group too long (at most 64 bytes)");

	req_min_raw(IMSG_CTL_LIST, &r);
	r.str[S_SEARCH] = rep('s', GP_SEARCH_MAX + 1);
	req_refused(
	    IMSG_CTL_LIST, &r, "search text too long (at most 256 bytes)");

	req_min_raw(IMSG_CTL_LIST, &r);
	r.nl[L_NAMES] = 1;
	r.l[L_NAMES][0] = rep('n', GP_NAME_MAX + 1);
	req_refused(IMSG_CTL_LIST, &r, "name too long (at most 64 bytes)");

	req_min_raw(IMSG_CTL_TAG, &r);
	r.str[S_LABEL] = rep('l', GP_LABEL_MAX + 1);
	req_refused(IMSG_CTL_TAG, &r, "label too long (at most 64 bytes)");

	req_min_raw(IMSG_CTL_TAG, &r);
	r.flags = GP_REQ_RENAME;
	r.str[S_NEWLABEL] = rep('l', GP_LABEL_MAX + 1);
	req_refused(IMSG_CTL_TAG, &r, "new label too long (at most 64 bytes)");

	/* A string that runs past the end of the payload. */
	req_min_raw(IMSG_CTL_ADD, &r);
	r.str[S_CMD] = rep('c', 10);
	{
		struct gp_request out;
		struct ibuf *b;
		const char *errstr;

		b = raw_req(&r);
		ATF_REQUIRE(ibuf_truncate(b, ibuf_size(b) - 5) == 0);
		ATF_CHECK(decode(K_REQ, IMSG_CTL_ADD, ibuf_data(b),
		              ibuf_size(b), &out, &errstr) == -1);
		ATF_CHECK_STREQ(errstr, "message truncated");
		ibuf_free(b);
	}
}

ATF_TC_WITHOUT_HEAD(req_overcount_lists);
ATF_TC_BODY(req_overcount_lists, tc)
{
	static const char *const msgs_sel[5] = {
		"too many tags (at most 32)",
		"too many tags (at most 32)",
		"too many groups (at most 32)",
		"too many groups (at most 32)",
		"too many names (at most 32)",
	};
	struct rreq r;
	uint32_t i;
	int k;

	for (k = 0; k < 5; k++) {
		req_min_raw(IMSG_CTL_LIST, &r);
		r.nl[k] = GP_SEL_MAX + 1;
		for (i = 0; i < r.nl[k]; i++)
			r.l[k][i] = rs(pstr("v%u", i));
		req_refused(IMSG_CTL_LIST, &r, msgs_sel[k]);
	}

	req_min_raw(IMSG_CTL_ADD, &r);
	r.nl[L_TAGS] = GP_LABELS_MAX + 1;
	for (i = 0; i < r.nl[L_TAGS]; i++)
		r.l[L_TAGS][i] = rs(pstr("t%u", i));
	req_refused(IMSG_CTL_ADD, &r, "too many tags (at most 32)");

	req_min_raw(IMSG_CTL_ADD, &r);
	r.nl[L_GROUPS] = GP_LABELS_MAX + 1;
	for (i = 0; i < r.nl[L_GROUPS]; i++)
		r.l[L_GROUPS][i] = rs(pstr("g%u", i));
	req_refused(IMSG_CTL_ADD, &r, "too many groups (at most 32)");

	req_min_raw(IMSG_CTL_LIST, &r);
	r.nids = GP_SEL_MAX + 1;
	for (i = 0; i < r.nids; i++)
		r.ids[i] = i + 1;
	req_refused(IMSG_CTL_LIST, &r, "too many ids (at most 32)");

	req_min_raw(IMSG_CTL_LIST, &r);
	r.npids = GP_SEL_MAX + 1;
	for (i = 0; i < r.npids; i++)
		r.pids[i] = (int32_t)i + 1;
	req_refused(IMSG_CTL_LIST, &r, "too many pids (at most 32)");

	/* A huge count with no data behind it. */
	req_min_raw(IMSG_CTL_LIST, &r);
	r.nl[L_TAGS] = UINT32_MAX;
	req_refused(IMSG_CTL_LIST, &r, "too many tags (at most 32)");
	req_min_raw(IMSG_CTL_LIST, &r);
	r.nids = UINT32_MAX;
	req_refused(IMSG_CTL_LIST, &r, "too many ids (at most 32)");
}

ATF_TC_WITHOUT_HEAD(req_bad_names_labels);
ATF_TC_BODY(req_bad_names_labels, tc)
{
	struct rreq r;

	req_min_raw(IMSG_CTL_ADD, &r);
	r.str[S_NAME] = rs("db reader");
	req_refused(IMSG_CTL_ADD, &r, "name has invalid characters");

	req_min_raw(IMSG_CTL_ADD, &r);
	r.str[S_NAME] = rs("caf\xc3\xa9");
	req_refused(IMSG_CTL_ADD, &r, "name has invalid characters");

	req_min_raw(IMSG_CTL_ADD, &r);
	r.str[S_NAME].s = "ab\0c";
	r.str[S_NAME].len = 4;
	req_refused(IMSG_CTL_ADD, &r, "name has invalid characters");

	req_min_raw(IMSG_CTL_LIST, &r);
	r.nl[L_NAMES] = 1;
	r.l[L_NAMES][0] = rs("a/b");
	req_refused(IMSG_CTL_LIST, &r, "name has invalid characters");

	req_min_raw(IMSG_CTL_LIST, &r);
	r.nl[L_NAMES] = 1;
	r.l[L_NAMES][0] = rs("");
	req_refused(IMSG_CTL_LIST, &r, "name is empty");

	req_min_raw(IMSG_CTL_ADD, &r);
	r.nl[L_TAGS] = 1;
	r.l[L_TAGS][0] = rs("a,b");
	req_refused(
	    IMSG_CTL_ADD, &r, "label has invalid characters (one of , [ ] \")");

	req_min_raw(IMSG_CTL_ADD, &r);
	r.nl[L_GROUPS] = 1;
	r.l[L_GROUPS][0] = rs("a\x01");
	req_refused(IMSG_CTL_ADD, &r, "label has control characters");

	req_min_raw(IMSG_CTL_LIST, &r);
	r.nl[L_TAGS_ALL] = 1;
	r.l[L_TAGS_ALL][0] = rs("\xff");
	req_refused(IMSG_CTL_LIST, &r, "label is not valid UTF-8");

	req_min_raw(IMSG_CTL_LIST, &r);
	r.nl[L_GROUPS_ALL] = 1;
	r.l[L_GROUPS_ALL][0] = rs("   ");
	req_refused(IMSG_CTL_LIST, &r, "label is empty");

	req_min_raw(IMSG_CTL_LIST, &r);
	r.nl[L_TAGS] = 1;
	r.l[L_TAGS][0].s = "a\0b";
	r.l[L_TAGS][0].len = 3;
	req_refused(IMSG_CTL_LIST, &r, "tag has control characters");

	req_min_raw(IMSG_CTL_TAG, &r);
	r.str[S_LABEL] = rs("[x]");
	req_refused(
	    IMSG_CTL_TAG, &r, "label has invalid characters (one of , [ ] \")");

	req_min_raw(IMSG_CTL_GROUP, &r);
	r.flags = GP_REQ_RENAME;
	r.str[S_NEWLABEL] = rs("a\"b");
	req_refused(IMSG_CTL_GROUP, &r,
	    "label has invalid characters (one of , [ ] \")");

	req_min_raw(IMSG_CTL_ADD, &r);
	r.str[S_CMD].s = "sleep\0 10";
	r.str[S_CMD].len = 9;
	req_refused(IMSG_CTL_ADD, &r, "command has a NUL byte");

	req_min_raw(IMSG_CTL_LIST, &r);
	r.str[S_SEARCH].s = "x\0";
	r.str[S_SEARCH].len = 2;
	req_refused(IMSG_CTL_LIST, &r, "search text has a NUL byte");
}

ATF_TC_WITHOUT_HEAD(req_labels_cleaned_deduplicated);
ATF_TC_BODY(req_labels_cleaned_deduplicated, tc)
{
	struct gp_request out;
	struct rreq r;
	struct ibuf *b;
	const char *errstr;

	req_min_raw(IMSG_CTL_ADD, &r);
	r.nl[L_TAGS] = 4;
	r.l[L_TAGS][0] = rs("  db ");
	r.l[L_TAGS][1] = rs("db");
	r.l[L_TAGS][2] = rs("\tread\n");
	r.l[L_TAGS][3] = rs("db");
	r.nl[L_GROUPS] = 2;
	r.l[L_GROUPS][0] = rs("prod");
	r.l[L_GROUPS][1] = rs(" prod");
	b = raw_req(&r);
	if (decode(K_REQ, IMSG_CTL_ADD, ibuf_data(b), ibuf_size(b), &out,
	        &errstr) == -1)
		atf_tc_fail("%s", errstr);
	ATF_REQUIRE_EQ(out.tags.n, 2);
	ATF_CHECK_STREQ(out.tags.v[0], "db");
	ATF_CHECK_STREQ(out.tags.v[1], "read");
	ATF_REQUIRE_EQ(out.groups.n, 1);
	ATF_CHECK_STREQ(out.groups.v[0], "prod");
	ibuf_free(b);

	/* 32 duplicates of one tag are one tag. */
	req_min_raw(IMSG_CTL_LIST, &r);
	r.nl[L_TAGS] = GP_SEL_MAX;
	for (int i = 0; i < GP_SEL_MAX; i++)
		r.l[L_TAGS][i] = rs("same");
	r.nids = 3;
	r.ids[0] = r.ids[1] = 7;
	r.ids[2] = 8;
	r.npids = 2;
	r.pids[0] = r.pids[1] = 42;
	b = raw_req(&r);
	if (decode(K_REQ, IMSG_CTL_LIST, ibuf_data(b), ibuf_size(b), &out,
	        &errstr) == -1)
		atf_tc_fail("%s", errstr);
	ATF_CHECK_EQ(out.tags.n, 1);
	ATF_CHECK_EQ(out.nids, 2);
	ATF_CHECK_EQ(out.npids, 1);
	ibuf_free(b);

	/* The label of a tag request is cleaned too. */
	req_min_raw(IMSG_CTL_TAG, &r);
	r.str[S_LABEL] = rs(" db ");
	r.flags = GP_REQ_RENAME;
	r.str[S_NEWLABEL] = rs("database\t");
	b = raw_req(&r);
	if (decode(K_REQ, IMSG_CTL_TAG, ibuf_data(b), ibuf_size(b), &out,
	        &errstr) == -1)
		atf_tc_fail("%s", errstr);
	ATF_CHECK_STREQ(out.label, "db");
	ATF_CHECK_STREQ(out.newlabel, "database");
	ibuf_free(b);
}

ATF_TC_WITHOUT_HEAD(req_ranges);
ATF_TC_BODY(req_ranges, tc)
{
	struct rreq r;

	req_min_raw(IMSG_CTL_ADD, &r);
	r.pid = 0;
	req_refused(IMSG_CTL_ADD, &r, "pid out of range (1 to 4194304)");
	r.pid = -3;
	req_refused(IMSG_CTL_ADD, &r, "pid out of range (1 to 4194304)");
	r.pid = GP_PID_MAX + 1;
	req_refused(IMSG_CTL_ADD, &r, "pid out of range (1 to 4194304)");

	req_min_raw(IMSG_CTL_LIST, &r);
	r.npids = 1;
	r.pids[0] = 0;
	req_refused(IMSG_CTL_LIST, &r, "pid out of range (1 to 4194304)");
	r.pids[0] = -1;
	req_refused(IMSG_CTL_LIST, &r, "pid out of range (1 to 4194304)");

	req_min_raw(IMSG_CTL_LIST, &r);
	r.nids = 1;
	r.ids[0] = 0;
	req_refused(IMSG_CTL_LIST, &r, "id out of range (at least 1)");

	req_min_raw(IMSG_CTL_KILL, &r);
	r.signo = 0;
	req_refused(IMSG_CTL_KILL, &r, "signal out of range (1 to 64)");
	r.signo = 65;
	req_refused(IMSG_CTL_KILL, &r, "signal out of range (1 to 64)");
	r.signo = -9;
	req_refused(IMSG_CTL_KILL, &r, "signal out of range (1 to 64)");

	req_min_raw(IMSG_CTL_KILL, &r);
	r.wait_ms = GP_WAIT_MAX_MS + 1;
	req_refused(IMSG_CTL_KILL, &r, "wait too long (at most 3600000 ms)");
}

ATF_TC_WITHOUT_HEAD(req_fields_per_type);
ATF_TC_BODY(req_fields_per_type, tc)
{
	struct rreq r;
	size_t i;
	uint32_t t;

	for (i = 0; i < sizeof(req_types) / sizeof(req_types[0]); i++) {
		t = req_types[i];

		req_min_raw(t, &r);
		r.flags = 0x10000;
		req_refused(t, &r, "unknown request flags");

		req_min_raw(t, &r);
		r.uid = 1;
		req_refused(t, &r,
		    t == IMSG_CTL_MATCH ? "uid without its flag" :
		                          "unexpected uid in request");
		if (t != IMSG_CTL_MATCH) {
			req_min_raw(t, &r);
			r.flags = GP_REQ_FULL;
			req_refused(
			    t, &r, "request flag not valid for this request");
			req_min_raw(t, &r);
			r.flags = GP_REQ_DRYRUN;
			req_refused(
			    t, &r, "request flag not valid for this request");
		}

		if (t != IMSG_CTL_ADD && t != IMSG_CTL_EXECED) {
			req_min_raw(t, &r);
			r.pid = 5;
			req_refused(t, &r, "unexpected pid in request");
			req_min_raw(t, &r);
			r.str[S_CMD] = rs("x");
			req_refused(t, &r, "unexpected command in request");
		}
		if (t != IMSG_CTL_ADD && t != IMSG_CTL_UPDATE &&
		    t != IMSG_CTL_MATCH) {
			req_min_raw(t, &r);
			r.str[S_NAME] = rs("x");
			req_refused(t, &r, "unexpected name in request");
		}
		if (t != IMSG_CTL_LIST) {
			req_min_raw(t, &r);
			r.sort = GP_SORT_CPU;
			req_refused(
			    t, &r, "unexpected sort or limit in request");
			req_min_raw(t, &r);
			r.limit = 1;
			req_refused(
			    t, &r, "unexpected sort or limit in request");
			req_min_raw(t, &r);
			r.flags = GP_REQ_REVERSE;
			req_refused(
			    t, &r, "request flag not valid for this request");
		} else {
			req_min_raw(t, &r);
			r.sort = GP_SORT_MAX;
			req_refused(t, &r, "unknown sort order");
			req_min_raw(t, &r);
			r.limit = GP_LIMIT_MAX + 1;
			req_refused(
			    t, &r, "limit too large (at most 100000000)");
		}
		if (t != IMSG_CTL_KILL) {
			req_min_raw(t, &r);
			r.signo = 9;
			req_refused(
			    t, &r, "unexpected signal or wait in request");
			req_min_raw(t, &r);
			r.wait_ms = 1;
			req_refused(
			    t, &r, "unexpected signal or wait in request");
		}
		if (t != IMSG_CTL_LIST && t != IMSG_CTL_RM &&
		    t != IMSG_CTL_KILL && t != IMSG_CTL_WATCH &&
		    t != IMSG_CTL_UPDATE) {
			if (t != IMSG_CTL_EXECED) {
				req_min_raw(t, &r);
				r.nids = 1;
				r.ids[0] = 1;
				req_refused(
				    t, &r, "unexpected selectors in request");
			}
			if (t != IMSG_CTL_MATCH) {
				req_min_raw(t, &r);
				r.str[S_SEARCH] = rs("x");
				req_refused(
				    t, &r, "unexpected selectors in request");
				req_min_raw(t, &r);
				r.npids = 1;
				r.pids[0] = 1;
				req_refused(
				    t, &r, "unexpected selectors in request");
			}
			req_min_raw(t, &r);
			r.nl[L_TAGS_ALL] = 1;
			r.l[L_TAGS_ALL][0] = rs("x");
			req_refused(t, &r, "unexpected selectors in request");
			if (t != IMSG_CTL_MATCH) {
				req_min_raw(t, &r);
				r.flags = GP_REQ_ALL;
				req_refused(t, &r,
				    "request flag not valid for this request");
			}
			if (t != IMSG_CTL_ADD && t != IMSG_CTL_MATCH) {
				req_min_raw(t, &r);
				r.nl[L_TAGS] = 1;
				r.l[L_TAGS][0] = rs("x");
				req_refused(t, &r,
				    "unexpected tags or groups in request");
			}
		}
		if (t != IMSG_CTL_TAG && t != IMSG_CTL_GROUP &&
		    t != IMSG_CTL_RESET) {
			req_min_raw(t, &r);
			r.str[S_LABEL] = rs("x");
			req_refused(t, &r, "unexpected label in request");
		}
		if (t != IMSG_CTL_TAG && t != IMSG_CTL_GROUP) {
			req_min_raw(t, &r);
			r.str[S_NEWLABEL] = rs("x");
			req_refused(t, &r, NULL);
			req_min_raw(t, &r);
			r.flags = GP_REQ_RENAME;
			req_refused(
			    t, &r, "request flag not valid for this request");
		}
		if (t != IMSG_CTL_LIST) {
			req_min_raw(t, &r);
			r.flags = GP_REQ_CHILDREN;
			req_refused(
			    t, &r, "request flag not valid for this request");
		}
		if (t != IMSG_CTL_KILL) {
			req_min_raw(t, &r);
			r.flags = GP_REQ_TREE;
			req_refused(
			    t, &r, "request flag not valid for this request");
		}
	}

	req_min_raw(IMSG_CTL_LIST, &r);
	r.flags = GP_REQ_ALL;
	req_refused(
	    IMSG_CTL_LIST, &r, "request flag not valid for this request");

	req_min_raw(IMSG_CTL_TAG, &r);
	r.str[S_LABEL] = rs("");
	req_refused(IMSG_CTL_TAG, &r, "missing label in request");
	req_min_raw(IMSG_CTL_TAG, &r);
	r.flags = GP_REQ_RENAME;
	req_refused(IMSG_CTL_TAG, &r, "rename without a new label");
	req_min_raw(IMSG_CTL_GROUP, &r);
	r.str[S_NEWLABEL] = rs("x");
	req_refused(IMSG_CTL_GROUP, &r, "new label without rename");

	req_min_raw(IMSG_CTL_RESET, &r);
	r.str[S_LABEL] = rs("reset");
	req_refused(
	    IMSG_CTL_RESET, &r, "reset requires the confirmation word RESET");
	req_min_raw(IMSG_CTL_RESET, &r);
	r.str[S_LABEL] = rs("");
	req_refused(IMSG_CTL_RESET, &r, "missing label in request");
}

/* add --match: a pattern, -n or -o, a uid with its flag. */
ATF_TC_WITHOUT_HEAD(req_match_checks);
ATF_TC_BODY(req_match_checks, tc)
{
	struct gp_request out;
	struct rreq r;
	struct ibuf *b;
	const char *errstr;

	req_min_raw(IMSG_CTL_MATCH, &r);
	r.str[S_SEARCH] = rs("");
	req_refused(IMSG_CTL_MATCH, &r, "missing pattern in request");
	req_min_raw(IMSG_CTL_MATCH, &r);
	r.flags = GP_REQ_NEWEST | GP_REQ_OLDEST;
	req_refused(IMSG_CTL_MATCH, &r, "newest and oldest exclude each other");
	req_min_raw(IMSG_CTL_MATCH, &r);
	r.str[S_SEARCH] = rep('s', GP_PATTERN_MAX + 1);
	req_refused(
	    IMSG_CTL_MATCH, &r, "search text too long (at most 256 bytes)");
	req_min_raw(IMSG_CTL_MATCH, &r);
	r.npids = 1;
	r.pids[0] = GP_PID_MAX + 1;
	req_refused(IMSG_CTL_MATCH, &r, "pid out of range (1 to 4194304)");
	req_min_raw(IMSG_CTL_MATCH, &r);
	r.pid = 1;
	req_refused(IMSG_CTL_MATCH, &r, "unexpected pid in request");
	/* What glibc would take too long to compile or to match. */
	req_min_raw(IMSG_CTL_MATCH, &r);
	r.str[S_SEARCH] = rs("(.*)\\1x");
	req_refused(IMSG_CTL_MATCH, &r, "back-references are not supported");
	req_min_raw(IMSG_CTL_MATCH, &r);
	r.str[S_SEARCH] = rs("((a{10}){10}){11}");
	req_refused(IMSG_CTL_MATCH, &r,
	    "intervals repeat too much (their bounds multiplied, at most 1000)");
	req_min_raw(IMSG_CTL_MATCH, &r);
	r.str[S_SEARCH] = rs("a{2,99999999999999999999}");
	req_refused(IMSG_CTL_MATCH, &r, NULL);

	/* Every option at once, and uid 0 with its flag. */
	req_min_raw(IMSG_CTL_MATCH, &r);
	r.flags = GP_REQ_ALL | GP_REQ_FULL | GP_REQ_EXACT | GP_REQ_OLDEST |
	    GP_REQ_DRYRUN | GP_REQ_UID;
	r.npids = 2;
	r.pids[0] = 7;
	r.pids[1] = 7;
	r.nl[L_TAGS] = 1;
	r.l[L_TAGS][0] = rs(" web ");
	b = raw_req(&r);
	ATF_REQUIRE_MSG(decode(K_REQ, IMSG_CTL_MATCH, ibuf_data(b),
	                    ibuf_size(b), &out, &errstr) == 0,
	    "%s", errstr);
	ATF_CHECK_STREQ(out.search, "sle+p");
	ATF_CHECK_EQ(out.uid, 0);
	ATF_CHECK_EQ(out.npids, 1);
	ATF_CHECK_EQ(out.pids[0], 7);
	ATF_CHECK_STREQ(out.tags.v[0], "web");
	ATF_CHECK_EQ(out.flags, r.flags);
	ibuf_free(b);
}

/* The patterns gp_pattern_check() lets through, and those it does not. */
ATF_TC_WITHOUT_HEAD(pattern_check);
ATF_TC_BODY(pattern_check, tc)
{
	static const char *const ok[] = { "sleep", "^(a|b)+$", "a{1000}",
		"x{2,500}y{2}", "((a{10}){10}){10}", "[\\1]", "[]\\1]",
		"[[:digit:]]\\.1", "a\\{5000}", "a{,}", "{", "\\" };
	static const char *const bad[] = { "(a)\\1", "[a]\\9",
		"[[:alpha:]]]\\2", "a{1001}", "a{1,1001}", "(a{500}){3}",
		"a{2}b{501}", "a{00000000000000000000001001}" };
	const char *errstr;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		errstr = NULL;
		ATF_CHECK_MSG(gp_pattern_check(ok[i], &errstr) == 0, "%s: %s",
		    ok[i], errstr);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ATF_CHECK_MSG(gp_pattern_check(bad[i], &errstr) == -1,
		    "%s accepted", bad[i]);
}

/* update: what its changes may be, each checked in decode. */
ATF_TC_WITHOUT_HEAD(req_update_checks);
ATF_TC_BODY(req_update_checks, tc)
{
	struct rreq r;
	int i;

	req_min_raw(IMSG_CTL_UPDATE, &r);
	r.nl[5] = 0;
	req_refused(IMSG_CTL_UPDATE, &r, "update without a change");
	req_min_raw(IMSG_CTL_UPDATE, &r);
	r.nl[6] = 1;
	r.l[6][0] = rs("t");
	req_refused(IMSG_CTL_UPDATE, &r, "a tag both added and removed");
	req_min_raw(IMSG_CTL_UPDATE, &r);
	r.nl[7] = r.nl[8] = 1;
	r.l[7][0] = r.l[8][0] = rs(" g ");
	req_refused(IMSG_CTL_UPDATE, &r, "a group both added and removed");
	req_min_raw(IMSG_CTL_UPDATE, &r);
	r.flags = GP_REQ_NONAME;
	r.str[0] = rs("web");
	req_refused(
	    IMSG_CTL_UPDATE, &r, "a new name and no name exclude each other");
	req_min_raw(IMSG_CTL_UPDATE, &r);
	r.str[0] = rs("bad name");
	req_refused(IMSG_CTL_UPDATE, &r, "name has invalid characters");
	req_min_raw(IMSG_CTL_UPDATE, &r);
	r.l[5][0] = rs("a,b");
	req_refused(IMSG_CTL_UPDATE, &r,
	    "label has invalid characters (one of , [ ] \")");
	req_min_raw(IMSG_CTL_UPDATE, &r);
	r.l[5][0] = rs("");
	req_refused(IMSG_CTL_UPDATE, &r, "label is empty");
	req_min_raw(IMSG_CTL_UPDATE, &r);
	r.nl[5] = 20;
	r.nl[6] = 13;
	for (i = 0; i < 33; i++)
		r.l[5 + (i >= 20)][i % 20] = rs(i < 20 ? "x" : "y");
	req_refused(IMSG_CTL_UPDATE, &r,
	    "too many tag changes (at most 32 added and removed)");
	req_min_raw(IMSG_CTL_UPDATE, &r);
	r.flags = GP_REQ_ALIVE | GP_REQ_DEAD;
	req_refused(IMSG_CTL_UPDATE, &r, "alive and dead exclude each other");
	req_min_raw(IMSG_CTL_LIST, &r);
	r.nl[5] = 1;
	r.l[5][0] = rs("t");
	req_refused(IMSG_CTL_LIST, &r, "unexpected changes in request");
	req_min_raw(IMSG_CTL_KILL, &r);
	r.flags = GP_REQ_DEAD;
	req_refused(
	    IMSG_CTL_KILL, &r, "request flag not valid for this request");
}

/* GP_REQ_WIRE_MAX, which sizes the frontend's read buffer, is exact. */
ATF_TC_WITHOUT_HEAD(req_wire_max_is_the_longest_request);
ATF_TC_BODY(req_wire_max_is_the_longest_request, tc)
{
	static const uint32_t types[] = { IMSG_CTL_PING, IMSG_CTL_ADD,
		IMSG_CTL_LIST, IMSG_CTL_RM, IMSG_CTL_KILL, IMSG_CTL_TAG,
		IMSG_CTL_GROUP, IMSG_CTL_RESET, IMSG_CTL_UPDATE,
		IMSG_CTL_MATCH };
	struct gp_request req;
	struct ibuf *b;
	size_t i, longest = 0;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		fill_req_full(types[i], &req);
		b = newbuf();
		ATF_REQUIRE(wire_req_encode(b, &req) == 0);
		ATF_CHECK_MSG(ibuf_size(b) <= GP_REQ_WIRE_MAX,
		    "type %u: %zu bytes", types[i], ibuf_size(b));
		if (ibuf_size(b) > longest)
			longest = ibuf_size(b);
		ibuf_free(b);
	}
	ATF_CHECK_EQ(longest, GP_REQ_WIRE_MAX);
	ATF_CHECK(IMSG_HEADER_SIZE + GP_REQ_WIRE_MAX <= MAX_IMSGSIZE);
}

ATF_TC_WITHOUT_HEAD(req_encode_refuses_bad_struct);
ATF_TC_BODY(req_encode_refuses_bad_struct, tc)
{
	struct gp_request req;
	struct ibuf *b;

	fill_req_min(IMSG_CTL_ADD, &req);
	memset(req.name, 'a', sizeof(req.name));
	b = newbuf();
	ATF_CHECK(wire_req_encode(b, &req) == -1);
	ibuf_free(b);

	fill_req_min(IMSG_CTL_LIST, &req);
	req.tags.n = GP_SEL_MAX + 1;
	b = newbuf();
	ATF_CHECK(wire_req_encode(b, &req) == -1);
	ibuf_free(b);

	fill_req_min(IMSG_CTL_LIST, &req);
	req.nids = GP_SEL_MAX + 1;
	b = newbuf();
	ATF_CHECK(wire_req_encode(b, &req) == -1);
	ibuf_free(b);

	/* A buffer too small for the message. */
	fill_req_full(IMSG_CTL_LIST, &req);
	b = ibuf_dynamic(64, 1024);
	ATF_REQUIRE(b != NULL);
	ATF_CHECK(wire_req_encode(b, &req) == -1);
	ibuf_free(b);
}

ATF_TC_WITHOUT_HEAD(entry_roundtrip);
ATF_TC_BODY(entry_roundtrip, tc)
{
	struct gp_entry in, out;
	struct ibuf *b;
	const char *errstr;
	int full;

	for (full = 0; full <= 1; full++) {
		if (full)
			fill_entry_full(&in);
		else
			fill_entry_min(&in);
		b = newbuf();
		ATF_REQUIRE(wire_entry_encode(b, &in) == 0);
		if (decode(K_ENTRY, 0, ibuf_data(b), ibuf_size(b), &out,
		        &errstr) == -1)
			atf_tc_fail("%s", errstr);
		check_entry(&in, &out);
		check_truncation(K_ENTRY, 0, b);
		check_trailing(K_ENTRY, 0, b);
		ibuf_free(b);
	}
	/* add --match --dry-run: a process without an id yet. */
	fill_entry_min(&in);
	in.id = 0;
	b = newbuf();
	ATF_REQUIRE(wire_entry_encode(b, &in) == 0);
	if (decode(K_ENTRY, 0, ibuf_data(b), ibuf_size(b), &out, &errstr) == -1)
		atf_tc_fail("candidate: %s", errstr);
	check_entry(&in, &out);
	ibuf_free(b);
}

/* An entry whose list --children the decoder refuses, and why. */
static void
kids_refused(const struct gp_entry *in, const char *want)
{
	static struct gp_entry out;
	struct ibuf *b;
	const char *errstr;

	b = newbuf();
	ATF_REQUIRE(wire_entry_encode(b, in) == 0);
	ATF_CHECK(decode(K_ENTRY, 0, ibuf_data(b), ibuf_size(b), &out,
	              &errstr) == -1);
	ATF_CHECK_STREQ(errstr, want);
	ibuf_free(b);
}

ATF_TC_WITHOUT_HEAD(entry_children);
ATF_TC_BODY(entry_children, tc)
{
	static struct gp_entry in, out;
	struct ibuf *b;
	const char *errstr;
	uint32_t i;

	fill_entry_min(&in);
	in.alive = 1;
	in.kids.valid = 1;
	in.kids.nchildren = 40;
	in.kids.ndesc = GP_PID_MAX;
	in.kids.n = GP_CHILDREN_MAX;
	for (i = 0; i < GP_CHILDREN_MAX; i++) {
		in.kids.v[i].pid = GP_PID_MAX - i;
		memset(in.kids.v[i].comm, 'c', GP_COMM_MAX);
	}
	b = newbuf();
	ATF_REQUIRE(wire_entry_encode(b, &in) == 0);
	if (decode(K_ENTRY, 0, ibuf_data(b), ibuf_size(b), &out, &errstr) == -1)
		atf_tc_fail("%s", errstr);
	ATF_CHECK(memcmp(&in.kids, &out.kids, sizeof(in.kids)) == 0);
	check_truncation(K_ENTRY, 0, b);
	check_trailing(K_ENTRY, 0, b);
	ibuf_free(b);

	/* What the decoder refuses: each count past the next. */
	in.kids.n = 2;
	in.kids.nchildren = 1;
	kids_refused(&in, "entry children out of range");
	in.kids.nchildren = 3;
	in.kids.ndesc = 2;
	kids_refused(&in, "entry children out of range");
	in.kids.ndesc = 3;
	in.kids.v[1].pid = 0;
	kids_refused(&in, "child pid out of range (1 to 4194304)");
}

ATF_TC_WITHOUT_HEAD(entry_refused_fields);
ATF_TC_BODY(entry_refused_fields, tc)
{
	struct rentry e;
	uint32_t i;

	rentry_min(&e);
	e.id = 0;
	entry_refused(&e, "entry id out of range (at least 1)");
	rentry_min(&e);
	e.pid = 0;
	entry_refused(&e, "entry pid out of range (1 to 4194304)");
	e.pid = GP_PID_MAX + 1;
	entry_refused(&e, "entry pid out of range (1 to 4194304)");
	rentry_min(&e);
	e.pgid = -1;
	entry_refused(&e, "entry pgid out of range (0 to 4194304)");
	rentry_min(&e);
	e.alive = 2;
	entry_refused(&e, "entry alive flag is not 0 or 1");
	rentry_min(&e);
	e.flags = 0x8000;
	entry_refused(&e, "unknown entry flags");
	rentry_min(&e);
	e.reserved = 4;
	entry_refused(&e, "unknown entry flags");
	rentry_min(&e);
	e.reserved = 2; /* a candidate of add --match --dry-run */
	entry_refused(&e, "a candidate with an id");
	rentry_min(&e);
	e.id = 0;
	entry_refused(&e, "entry id out of range (at least 1)");
	rentry_min(&e);
	e.alive = 0;
	e.reserved = 1; /* list --children follow */
	entry_refused(&e, "children of a dead entry");

	/* Metrics: cpu_ns rss sampled started exited; valid threads pct state */
	rentry_min(&e);
	e.met32[0] = 0x10;
	entry_refused(&e, "unknown entry metrics");
	e.met32[0] = GP_MET_CPU_PCT;
	entry_refused(&e, "entry CPU use without a sample");
	e.met32[0] = GP_MET_SAMPLE;
	entry_refused(&e, "entry state is not a letter");
	e.met32[3] = '?';
	entry_refused(&e, "entry state is not a letter");
	rentry_min(&e);
	e.met32[3] = 'R';
	entry_refused(&e, "entry state is not a letter");
	for (i = 0; i < 5; i++) {
		rentry_min(&e);
		e.met64[i] = 1;
		entry_refused(&e, "entry metrics set but not valid");
	}
	for (i = 1; i < 3; i++) {
		rentry_min(&e);
		e.met32[i] = 1;
		entry_refused(&e, "entry metrics set but not valid");
	}
	rentry_min(&e);
	e.met32[0] = GP_MET_MASK;
	e.met32[3] = 'S';
	e.met32[1] = GP_THREADS_MAX + 1;
	entry_refused(&e, "entry metrics out of range");
	e.met32[1] = 1;
	e.met32[2] = GP_CPU_PCT_MAX + 1;
	entry_refused(&e, "entry metrics out of range");
	e.met32[2] = 1;
	for (i = 0; i < 5; i++) {
		e.met64[i] = (uint64_t)INT64_MAX + 1;
		entry_refused(&e, "entry metrics out of range");
		e.met64[i] = 1;
	}
	rentry_min(&e);
	e.name = rs("no way");
	entry_refused(&e, "name has invalid characters");
	rentry_min(&e);
	e.name = rep('n', GP_NAME_MAX + 1);
	entry_refused(&e, "name too long (at most 64 bytes)");
	rentry_min(&e);
	e.cmd = rep('c', GP_CMD_MAX + 1);
	entry_refused(&e, "command too long (at most 4096 bytes)");
	rentry_min(&e);
	e.nl[0] = GP_LABELS_MAX + 1;
	for (i = 0; i < e.nl[0]; i++)
		e.l[0][i] = rs(pstr("t%u", i));
	entry_refused(&e, "too many tags (at most 32)");
	rentry_min(&e);
	e.nl[1] = UINT32_MAX;
	entry_refused(&e, "too many groups (at most 32)");
	rentry_min(&e);
	e.nl[1] = 1;
	e.l[1][0] = rep('g', GP_LABEL_MAX + 1);
	entry_refused(&e, "group too long (at most 64 bytes)");
	rentry_min(&e);
	e.nl[0] = 1;
	e.l[0][0] = rs("x]");
	entry_refused(&e, "label has invalid characters (one of , [ ] \")");
}

ATF_TC_WITHOUT_HEAD(result_roundtrip);
ATF_TC_BODY(result_roundtrip, tc)
{
	struct gp_result in, out;
	struct ibuf *b;
	const char *errstr;
	int full, i;

	for (full = 0; full <= 1; full++) {
		memset(&in, 0, sizeof(in));
		if (full) {
			in.flags = GP_RES_REMOVED | GP_RES_SIGNALLED |
			    GP_RES_FAILED | GP_RES_EXITED | GP_RES_RENAMED;
			in.signo = 64;
			in.tally.skipped = GP_PID_MAX;
			in.tally.signalled = GP_PID_MAX;
			in.tally.nspared = GP_SPARED_MAX;
			for (i = 0; i < GP_SPARED_MAX; i++) {
				in.tally.spared[i].pid = GP_PID_MAX - i;
				in.tally.spared[i].why =
				    i % 2 ? GP_SPARE_LIMIT : GP_SPARE_PERM;
				in.tally.spared[i].uid = UINT32_MAX - i;
			}
			memset(in.msg, 'm', GP_MSG_MAX);
			fill_entry_full(&in.entry);
		} else
			fill_entry_min(&in.entry);
		b = newbuf();
		ATF_REQUIRE(wire_result_encode(b, &in) == 0);
		ATF_REQUIRE(ibuf_size(b) <= PAYLOAD_MAX);
		if (decode(K_RESULT, 0, ibuf_data(b), ibuf_size(b), &out,
		        &errstr) == -1)
			atf_tc_fail("%s", errstr);
		ATF_CHECK_EQ(in.flags, out.flags);
		ATF_CHECK_EQ(in.signo, out.signo);
		ATF_CHECK_EQ(in.tally.skipped, out.tally.skipped);
		ATF_CHECK_EQ(in.tally.signalled, out.tally.signalled);
		ATF_CHECK_EQ(in.tally.nspared, out.tally.nspared);
		ATF_CHECK(memcmp(in.tally.spared, out.tally.spared,
		              sizeof(in.tally.spared)) == 0);
		ATF_CHECK_STREQ(in.msg, out.msg);
		check_entry(&in.entry, &out.entry);
		check_truncation(K_RESULT, 0, b);
		check_trailing(K_RESULT, 0, b);
		ibuf_free(b);
	}
}

ATF_TC_WITHOUT_HEAD(result_refused_fields);
ATF_TC_BODY(result_refused_fields, tc)
{
	struct gp_result out;
	struct rentry e;
	struct ibuf *b;
	const char *errstr;
	struct {
		uint32_t flags;
		int32_t signo;
		uint32_t reserved;
		size_t msglen;
		const char *want;
		uint32_t skipped, signalled, nspared;
		int32_t pid; /* of each spared */
		uint32_t why;
	} cases[] = {
		{ 0x40, 0, 0, 0, "unknown result flags", 3, 0, 0, 0, 0 },
		{ 0, 65, 0, 0, "result signal out of range (0 to 64)", 3, 0, 0,
		    0, 0 },
		{ 0, -1, 0, 0, "result signal out of range (0 to 64)", 3, 0, 0,
		    0, 0 },
		{ 0, 0, 1, 0, "reserved field is not zero", 3, 0, 0, 0, 0 },
		{ 0, 0, 0, GP_MSG_MAX + 1,
		    "message text too long (at most 512 bytes)", 3, 0, 0, 0,
		    0 },
		{ 0, 0, 0, 0, "result process count out of range",
		    GP_PID_MAX + 1, 0, 0, 0, 0 },
		{ 0, 0, 0, 0, "result process count out of range", 3,
		    GP_PID_MAX + 1, 0, 0, 0 },
		{ 0, 0, 0, 0,
		    "too many spared processes in result (at most 16)", 40, 1,
		    GP_SPARED_MAX + 1, 5, GP_SPARE_PERM },
		{ 0, 0, 0, 0,
		    "too many spared processes in result (at most 16)", 1, 1, 2,
		    5, GP_SPARE_PERM },
		{ 0, 0, 0, 0, "spared pid out of range (1 to 4194304)", 3, 1, 1,
		    0, GP_SPARE_PERM },
		{ 0, 0, 0, 0, "spared pid out of range (1 to 4194304)", 3, 1, 1,
		    GP_PID_MAX + 1, GP_SPARE_LIMIT },
		{ 0, 0, 0, 0, "unknown reason for a spared process", 3, 1, 1, 5,
		    3 },
		{ 0, 0, 0, 0, "message truncated", 3, 1, 2, 5, GP_SPARE_PERM },
	};
	size_t i, j, n;

	rentry_min(&e);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b = newbuf();
		ATF_REQUIRE(ibuf_add_h32(b, cases[i].flags) == 0);
		ATF_REQUIRE(ibuf_add_h32(b, (uint32_t)cases[i].signo) == 0);
		ATF_REQUIRE(ibuf_add_h32(b, cases[i].skipped) == 0);
		ATF_REQUIRE(ibuf_add_h32(b, cases[i].signalled) == 0);
		ATF_REQUIRE(ibuf_add_h32(b, cases[i].nspared) == 0);
		ATF_REQUIRE(ibuf_add_h32(b, cases[i].reserved) == 0);
		put_rstr(b, rep('m', cases[i].msglen));
		/* Past one, a spared process short of nspared: truncated. */
		n = cases[i].nspared <= 1 ? cases[i].nspared :
		                            cases[i].nspared - 1;
		for (j = 0; j < n; j++) {
			ATF_REQUIRE(
			    ibuf_add_h32(b, (uint32_t)cases[i].pid) == 0);
			ATF_REQUIRE(ibuf_add_h32(b, cases[i].why) == 0);
			ATF_REQUIRE(ibuf_add_h32(b, 0) == 0);
		}
		if (cases[i].nspared <= 1)
			raw_entry_into(b, &e);
		ATF_CHECK(decode(K_RESULT, 0, ibuf_data(b), ibuf_size(b), &out,
		              &errstr) == -1);
		ATF_CHECK_STREQ(errstr, cases[i].want);
		ibuf_free(b);
	}

	/* A bad entry inside a result. */
	e.alive = 7;
	b = newbuf();
	for (j = 0; j < 6; j++)
		ATF_REQUIRE(ibuf_add_h32(b, 0) == 0);
	put_rstr(b, rs(""));
	raw_entry_into(b, &e);
	ATF_CHECK(decode(K_RESULT, 0, ibuf_data(b), ibuf_size(b), &out,
	              &errstr) == -1);
	ATF_CHECK_STREQ(errstr, "entry alive flag is not 0 or 1");
	ibuf_free(b);
}

ATF_TC_WITHOUT_HEAD(end_roundtrip);
ATF_TC_BODY(end_roundtrip, tc)
{
	struct gp_end in, out;
	struct ibuf *b;
	const char *errstr;
	int full;

	for (full = 0; full <= 1; full++) {
		memset(&in, 0, sizeof(in));
		if (full) {
			in.status = GP_ST_BUSY;
			in.count = UINT32_MAX;
			memset(in.msg, 'e', GP_MSG_MAX);
		}
		b = newbuf();
		ATF_REQUIRE(wire_end_encode(b, &in) == 0);
		if (decode(K_END, 0, ibuf_data(b), ibuf_size(b), &out,
		        &errstr) == -1)
			atf_tc_fail("%s", errstr);
		ATF_CHECK_EQ(in.status, out.status);
		ATF_CHECK_EQ(in.count, out.count);
		ATF_CHECK_STREQ(in.msg, out.msg);
		check_truncation(K_END, 0, b);
		check_trailing(K_END, 0, b);
		ibuf_free(b);
	}
}

ATF_TC_WITHOUT_HEAD(end_refused_fields);
ATF_TC_BODY(end_refused_fields, tc)
{
	struct gp_end out;
	struct ibuf *b;
	const char *errstr;
	struct {
		int32_t status;
		struct rstr msg;
		const char *want;
	} cases[] = {
		{ GP_ST_BUSY + 1, { "", 0 }, "unknown status" },
		{ -1, { "", 0 }, "unknown status" },
		{ 0, { "a\0b", 3 }, "message text has a NUL byte" },
		{ 0, { NULL, 0 }, "message text too long (at most 512 bytes)" },
	};
	size_t i;

	cases[3].msg = rep('m', GP_MSG_MAX + 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b = newbuf();
		ATF_REQUIRE(ibuf_add_h32(b, (uint32_t)cases[i].status) == 0);
		ATF_REQUIRE(ibuf_add_h32(b, 0) == 0);
		put_rstr(b, cases[i].msg);
		ATF_CHECK(decode(K_END, 0, ibuf_data(b), ibuf_size(b), &out,
		              &errstr) == -1);
		ATF_CHECK_STREQ(errstr, cases[i].want);
		ibuf_free(b);
	}
}

/* clang-format off */
/* An event as raw wire fields, with a minimal entry if entry is set. */
struct revent {
	uint32_t	 type;
	uint32_t	 flags;
	int64_t		 at;
	int32_t		 signo;
	uint32_t	 by_uid;
	int32_t		 by_pid;
	uint32_t	 count;
	uint32_t	 changed;
	uint32_t	 reserved;
	struct rstr	 from;
	struct rstr	 to;
	int		 entry;
};
/* clang-format on */

static struct ibuf *
raw_event(const struct revent *r)
{
	struct rentry e;
	struct ibuf *b;

	b = newbuf();
	ATF_REQUIRE(ibuf_add_h32(b, r->type) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, r->flags) == 0);
	ATF_REQUIRE(ibuf_add_h64(b, (uint64_t)r->at) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, (uint32_t)r->signo) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, r->by_uid) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, (uint32_t)r->by_pid) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, r->count) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, r->changed) == 0);
	ATF_REQUIRE(ibuf_add_h32(b, r->reserved) == 0);
	put_rstr(b, r->from.s != NULL ? r->from : rs(""));
	put_rstr(b, r->to.s != NULL ? r->to : rs(""));
	if (r->entry) {
		rentry_min(&e);
		raw_entry_into(b, &e);
	}
	return (b);
}

/* The smallest valid event of a type, as raw fields. */
static void
revent_min(uint32_t type, struct revent *r)
{
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->at = 1;
	if (type != GP_EV_RESET && type != GP_EV_LOST) {
		r->flags = GP_EVF_ENTRY;
		r->entry = 1;
	}
	switch (type) {
	case GP_EV_SIGNALLED:
		r->signo = 15;
		break;
	case GP_EV_RENAMED:
		r->changed = GP_CHG_TAGS;
		r->from = rs("a");
		r->to = rs("b");
		break;
	case GP_EV_LOST:
		r->count = 1;
		break;
	default:
		break;
	}
}

static void
event_refused(const struct revent *r, const char *want, int line)
{
	struct gp_event *out;
	struct ibuf *b;
	const char *errstr;

	out = malloc(sizeof(*out));
	ATF_REQUIRE(out != NULL);
	b = raw_event(r);
	if (decode(K_EVENT, 0, ibuf_data(b), ibuf_size(b), out, &errstr) != -1)
		atf_tc_fail_nonfatal(
		    "line %d: accepted, expected \"%s\"", line, want);
	else if (strcmp(errstr, want) != 0)
		atf_tc_fail_nonfatal(
		    "line %d: \"%s\", expected \"%s\"", line, errstr, want);
	ibuf_free(b);
	free(out);
}

/* A valid event of each type, its entry full or minimal. */
static void
fill_event(uint32_t type, int full, struct gp_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->at = full ? INT64_MAX : INT64_MIN;
	if (type != GP_EV_RESET && type != GP_EV_LOST) {
		ev->flags = GP_EVF_ENTRY;
		if (full)
			fill_entry_full(&ev->entry);
		else
			fill_entry_min(&ev->entry);
	}
	switch (type) {
	case GP_EV_SIGNALLED:
		ev->signo = full ? 64 : 1;
		ev->by_uid = full ? UINT32_MAX : 0;
		ev->by_pid = full ? GP_PID_MAX : 0;
		break;
	case GP_EV_RENAMED:
		ev->changed = full ? GP_CHG_GROUPS : GP_CHG_TAGS;
		if (full) {
			fill_label(ev->from, GP_LABEL_MAX, 1, "\xc3\xa9");
			fill_label(ev->to, GP_LABEL_MAX, 2, "t a");
		} else {
			(void)strlcpy(ev->from, "a", sizeof(ev->from));
			(void)strlcpy(ev->to, "b", sizeof(ev->to));
		}
		break;
	case GP_EV_UPDATED:
		ev->changed = full ? GP_CHG_MASK : GP_CHG_NAME;
		break;
	case GP_EV_LOST:
		ev->count = full ? UINT32_MAX : 1;
		break;
	default:
		break;
	}
}

ATF_TC_WITHOUT_HEAD(event_roundtrip);
ATF_TC_BODY(event_roundtrip, tc)
{
	struct gp_event *in, *out;
	struct ibuf *b;
	const char *errstr;
	uint32_t type;
	int full;

	in = malloc(sizeof(*in));
	out = malloc(sizeof(*out));
	ATF_REQUIRE(in != NULL && out != NULL);
	for (type = GP_EV_NONE + 1; type < GP_EV_MAX; type++) {
		ATF_CHECK(gp_event_name(type) != NULL);
		for (full = 0; full <= 1; full++) {
			fill_event(type, full, in);
			b = newbuf();
			ATF_REQUIRE(wire_event_encode(b, in) == 0);
			ATF_REQUIRE(ibuf_size(b) <= PAYLOAD_MAX);
			if (decode(K_EVENT, 0, ibuf_data(b), ibuf_size(b), out,
			        &errstr) == -1)
				atf_tc_fail("event %s: %s", gp_event_name(type),
				    errstr);
			ATF_CHECK_EQ(in->type, out->type);
			ATF_CHECK_EQ(in->flags, out->flags);
			ATF_CHECK_EQ(in->at, out->at);
			ATF_CHECK_EQ(in->signo, out->signo);
			ATF_CHECK_EQ(in->by_uid, out->by_uid);
			ATF_CHECK_EQ(in->by_pid, out->by_pid);
			ATF_CHECK_EQ(in->count, out->count);
			ATF_CHECK_EQ(in->changed, out->changed);
			ATF_CHECK_STREQ(in->from, out->from);
			ATF_CHECK_STREQ(in->to, out->to);
			check_entry(&in->entry, &out->entry);
			check_truncation(K_EVENT, 0, b);
			check_trailing(K_EVENT, 0, b);
			ibuf_free(b);
		}
	}
	ATF_CHECK(gp_event_name(GP_EV_NONE) == NULL);
	ATF_CHECK(gp_event_name(GP_EV_MAX) == NULL);
	ATF_CHECK_STREQ(gp_event_name(GP_EV_EXITED), "exited");
	free(in);
	free(out);
}

ATF_TC_WITHOUT_HEAD(event_minimal_accepted);
ATF_TC_BODY(event_minimal_accepted, tc)
{
	struct gp_event *out;
	struct revent r;
	struct ibuf *b;
	const char *errstr;
	uint32_t type;

	out = malloc(sizeof(*out));
	ATF_REQUIRE(out != NULL);
	for (type = GP_EV_NONE + 1; type < GP_EV_MAX; type++) {
		revent_min(type, &r);
		b = raw_event(&r);
		if (decode(K_EVENT, 0, ibuf_data(b), ibuf_size(b), out,
		        &errstr) == -1)
			atf_tc_fail_nonfatal("event %u: %s", type, errstr);
		ibuf_free(b);
	}
	free(out);
}

#define REFUSED(r, want) event_refused(&(r), (want), __LINE__)

ATF_TC_WITHOUT_HEAD(event_refused_type_flags_entry);
ATF_TC_BODY(event_refused_type_flags_entry, tc)
{
	struct revent r;

	revent_min(GP_EV_EXITED, &r);
	r.type = GP_EV_NONE;
	REFUSED(r, "unknown event type");
	r.type = GP_EV_MAX;
	REFUSED(r, "unknown event type");
	r.type = UINT32_MAX;
	REFUSED(r, "unknown event type");

	revent_min(GP_EV_EXITED, &r);
	r.flags |= 0x2;
	REFUSED(r, "unknown event flags");
	revent_min(GP_EV_EXITED, &r);
	r.reserved = 1;
	REFUSED(r, "unknown event flags");

	/* Every type but reset and lost carries an entry, those none. */
	revent_min(GP_EV_ADDED, &r);
	r.flags = 0;
	r.entry = 0;
	REFUSED(r, "event without its entry");
	revent_min(GP_EV_REMOVED, &r);
	r.flags = 0;
	REFUSED(r, "event without its entry");
	revent_min(GP_EV_RESET, &r);
	r.flags = GP_EVF_ENTRY;
	r.entry = 1;
	REFUSED(r, "unexpected entry in event");
	revent_min(GP_EV_LOST, &r);
	r.flags = GP_EVF_ENTRY;
	REFUSED(r, "unexpected entry in event");
	/* The flag says so, and the entry is missing or cut short. */
	revent_min(GP_EV_EXITED, &r);
	r.entry = 0;
	REFUSED(r, "message truncated");
}

ATF_TC_WITHOUT_HEAD(event_refused_signal_count_changed);
ATF_TC_BODY(event_refused_signal_count_changed, tc)
{
	struct revent r;

	revent_min(GP_EV_SIGNALLED, &r);
	r.signo = 0;
	REFUSED(r, "event signal or client out of range");
	r.signo = 65;
	REFUSED(r, "event signal or client out of range");
	r.signo = -1;
	REFUSED(r, "event signal or client out of range");
	revent_min(GP_EV_SIGNALLED, &r);
	r.by_pid = -1;
	REFUSED(r, "event signal or client out of range");
	r.by_pid = GP_PID_MAX + 1;
	REFUSED(r, "event signal or client out of range");

	revent_min(GP_EV_EXITED, &r);
	r.signo = 15;
	REFUSED(r, "unexpected signal in event");
	revent_min(GP_EV_EXITED, &r);
	r.by_uid = 1;
	REFUSED(r, "unexpected signal in event");
	revent_min(GP_EV_RESET, &r);
	r.by_pid = 1;
	REFUSED(r, "unexpected signal in event");

	revent_min(GP_EV_LOST, &r);
	r.count = 0;
	REFUSED(r, "event count out of place");
	revent_min(GP_EV_EXITED, &r);
	r.count = 1;
	REFUSED(r, "event count out of place");
	revent_min(GP_EV_RESET, &r);
	r.count = 3;
	REFUSED(r, "event count out of place");

	revent_min(GP_EV_UPDATED, &r);
	r.changed = GP_CHG_MASK + 1;
	REFUSED(r, "event changes out of place");
	revent_min(GP_EV_EXITED, &r);
	r.changed = GP_CHG_NAME;
	REFUSED(r, "event changes out of place");
	revent_min(GP_EV_RENAMED, &r);
	r.changed = 0;
	REFUSED(r, "event changes out of place");
	r.changed = GP_CHG_TAGS | GP_CHG_GROUPS;
	REFUSED(r, "event changes out of place");
	r.changed = GP_CHG_NAME;
	REFUSED(r, "event changes out of place");
}

ATF_TC_WITHOUT_HEAD(event_refused_labels);
ATF_TC_BODY(event_refused_labels, tc)
{
	struct revent r;

	revent_min(GP_EV_RENAMED, &r);
	r.from = rs("");
	REFUSED(r, "event labels out of place");
	revent_min(GP_EV_RENAMED, &r);
	r.to = rs("");
	REFUSED(r, "event labels out of place");
	revent_min(GP_EV_EXITED, &r);
	r.from = rs("a");
	REFUSED(r, "event labels out of place");
	revent_min(GP_EV_UPDATED, &r);
	r.to = rs("b");
	REFUSED(r, "event labels out of place");
	revent_min(GP_EV_RESET, &r);
	r.from = rs("a");
	r.to = rs("b");
	REFUSED(r, "event labels out of place");

	revent_min(GP_EV_RENAMED, &r);
	r.from = rs("a,b");
	REFUSED(r, "label has invalid characters (one of , [ ] \")");
	revent_min(GP_EV_RENAMED, &r);
	r.to = rs("x]");
	REFUSED(r, "label has invalid characters (one of , [ ] \")");
	revent_min(GP_EV_RENAMED, &r);
	r.from = rs("a\x01");
	REFUSED(r, "label has control characters");
	revent_min(GP_EV_RENAMED, &r);
	r.to = rs("\xff");
	REFUSED(r, "label is not valid UTF-8");
	revent_min(GP_EV_RENAMED, &r);
	r.from = (struct rstr){ "a\0b", 3 };
	REFUSED(r, "label has control characters");
	revent_min(GP_EV_RENAMED, &r);
	r.from = rep('f', GP_LABEL_MAX + 1);
	REFUSED(r, "label too long (at most 64 bytes)");
	revent_min(GP_EV_RENAMED, &r);
	r.to = rep('t', GP_LABEL_MAX + 1);
	REFUSED(r, "new label too long (at most 64 bytes)");
}

ATF_TC_WITHOUT_HEAD(event_refused_length);
ATF_TC_BODY(event_refused_length, tc)
{
	struct gp_event *out;
	struct revent r;
	struct ibuf *b;
	const char *errstr;
	uint32_t type;

	out = malloc(sizeof(*out));
	ATF_REQUIRE(out != NULL);
	for (type = GP_EV_NONE + 1; type < GP_EV_MAX; type++) {
		revent_min(type, &r);
		b = raw_event(&r);
		check_truncation(K_EVENT, 0, b);
		check_trailing(K_EVENT, 0, b);
		ibuf_free(b);
	}
	/* Shorter than the fixed part. */
	ATF_CHECK(decode(K_EVENT, 0, "\x01\0\0\0", 4, out, &errstr) == -1);
	ATF_CHECK_STREQ(errstr, "message truncated");
	free(out);
}

ATF_TC_WITHOUT_HEAD(valid_name);
ATF_TC_BODY(valid_name, tc)
{
	const char *errstr;
	char buf[GP_NAME_MAX + 2];

	ATF_CHECK(gp_valid_name("db-reader", &errstr) == 0);
	ATF_CHECK(gp_valid_name("A.b_C-9", &errstr) == 0);
	ATF_CHECK(gp_valid_name("x", &errstr) == 0);
	memset(buf, 'a', GP_NAME_MAX);
	buf[GP_NAME_MAX] = '\0';
	ATF_CHECK(gp_valid_name(buf, &errstr) == 0);
	buf[GP_NAME_MAX] = 'a';
	buf[GP_NAME_MAX + 1] = '\0';
	ATF_CHECK(gp_valid_name(buf, &errstr) == -1);
	ATF_CHECK_STREQ(errstr, "name too long (at most 64 bytes)");
	ATF_CHECK(gp_valid_name("", &errstr) == -1);
	ATF_CHECK_STREQ(errstr, "name is empty");
	ATF_CHECK(gp_valid_name("a b", &errstr) == -1);
	ATF_CHECK_STREQ(errstr, "name has invalid characters");
	ATF_CHECK(gp_valid_name("a/b", &errstr) == -1);
	ATF_CHECK(gp_valid_name("a:b", &errstr) == -1);
	ATF_CHECK(gp_valid_name("caf\xc3\xa9", &errstr) == -1);
	ATF_CHECK(gp_valid_name("a\n", &errstr) == -1);
}

ATF_TC_WITHOUT_HEAD(label_clean);
ATF_TC_BODY(label_clean, tc)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: refused */
		const char *err;
	} cases[] = {
		{ "db", "db", NULL },
		{ "  db  ", "db", NULL },
		{ "\t\n\v\f\r db \r\n", "db", NULL },
		{ "my tag", "my tag", NULL },
		{ "caf\xc3\xa9", "caf\xc3\xa9", NULL },
		{ "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac",
		    NULL },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", NULL },
		{ "a:b/c=d", "a:b/c=d", NULL },
		{ "", NULL, "label is empty" },
		{ " \t ", NULL, "label is empty" },
		{ "a,b", NULL,
		    "label has invalid characters (one of , [ ] \")" },
		{ "[a", NULL,
		    "label has invalid characters (one of , [ ] \")" },
		{ "a]", NULL,
		    "label has invalid characters (one of , [ ] \")" },
		{ "\"a\"", NULL,
		    "label has invalid characters (one of , [ ] \")" },
		{ "a\tb", NULL, "label has control characters" },
		{ "a\x01", NULL, "label has control characters" },
		{ "a\x7f", NULL, "label has control characters" },
		{ "a\xc2\x85", NULL, "label has control characters" },
		{ "\xff", NULL, "label is not valid UTF-8" },
		{ "\xc3", NULL, "label is not valid UTF-8" },
		{ "\xc3x", NULL, "label is not valid UTF-8" },
		{ "\xc0\xaf", NULL, "label is not valid UTF-8" },
		{ "\xe0\x80\xaf", NULL, "label is not valid UTF-8" },
		{ "\xed\xa0\x80", NULL, "label is not valid UTF-8" },
		{ "\xf4\x90\x80\x80", NULL, "label is not valid UTF-8" },
		{ "\xf8\x88\x80\x80\x80", NULL, "label is not valid UTF-8" },
		{ "\x80", NULL, "label is not valid UTF-8" },
	};
	char out[GP_LABEL_MAX + 1], in[256];
	const char *errstr;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		errstr = NULL;
		memset(out, 0, sizeof(out));
		if (cases[i].out != NULL) {
			if (gp_label_clean(
			        cases[i].in, out, sizeof(out), &errstr) == -1)
				atf_tc_fail_nonfatal("case %zu: %s", i, errstr);
			else
				ATF_CHECK_STREQ(out, cases[i].out);
		} else {
			if (gp_label_clean(
			        cases[i].in, out, sizeof(out), &errstr) == 0)
				atf_tc_fail_nonfatal("case %zu accepted", i);
			else
				ATF_CHECK_STREQ(errstr, cases[i].err);
		}
	}

	/* 64 bytes after trimming are fine, 65 are not. */
	memset(in, ' ', sizeof(in));
	memset(in + 3, 'x', GP_LABEL_MAX);
	in[3 + GP_LABEL_MAX + 3] = '\0';
	ATF_CHECK(gp_label_clean(in, out, sizeof(out), &errstr) == 0);
	ATF_CHECK_EQ(strlen(out), GP_LABEL_MAX);
	memset(in, 'x', GP_LABEL_MAX + 1);
	in[GP_LABEL_MAX + 1] = '\0';
	ATF_CHECK(gp_label_clean(in, out, sizeof(out), &errstr) == -1);
	ATF_CHECK_STREQ(errstr, "label too long (at most 64 bytes)");

	/* A multi-byte character counts its bytes. */
	for (i = 0; i < 32; i++)
		memcpy(in + 2 * i, "\xc3\xa9", 2);
	in[64] = '\0';
	ATF_CHECK(gp_label_clean(in, out, sizeof(out), &errstr) == 0);
	memcpy(in + 64, "\xc3\xa9", 3);
	ATF_CHECK(gp_label_clean(in, out, sizeof(out), &errstr) == -1);

	/* An output buffer too small for the label. */
	ATF_CHECK(gp_label_clean("abcdef", out, 4, &errstr) == -1);
	ATF_CHECK_STREQ(errstr, "label too long (at most 64 bytes)");

	/* In place. */
	(void)strlcpy(in, "  inplace  ", sizeof(in));
	ATF_CHECK(gp_label_clean(in, in, sizeof(in), &errstr) == 0);
	ATF_CHECK_STREQ(in, "inplace");
}

ATF_TC_WITHOUT_HEAD(strlist);
ATF_TC_BODY(strlist, tc)
{
	struct gp_strlist l;
	const char *errstr;
	char v[16];
	int i;

	memset(&l, 0, sizeof(l));
	ATF_CHECK(gp_strlist_add(&l, " db ", 4, &errstr) == 0);
	ATF_CHECK(gp_strlist_add(&l, "db", 2, &errstr) == 0);
	ATF_CHECK_EQ(l.n, 1);
	ATF_CHECK_STREQ(l.v[0], "db");
	ATF_CHECK(gp_strlist_has(&l, "db"));
	ATF_CHECK(!gp_strlist_has(&l, " db "));
	ATF_CHECK(!gp_strlist_has(&l, "d"));

	/* len bounds the bytes read; a NUL ends the string earlier. */
	ATF_CHECK(gp_strlist_add(&l, "readXXX", 4, &errstr) == 0);
	ATF_CHECK(gp_strlist_has(&l, "read"));
	ATF_CHECK(gp_strlist_add(&l, "prod", 100, &errstr) == 0);
	ATF_CHECK(gp_strlist_has(&l, "prod"));
	ATF_CHECK_EQ(l.n, 3);

	ATF_CHECK(gp_strlist_add(&l, "a,b", 3, &errstr) == -1);
	ATF_CHECK_STREQ(
	    errstr, "label has invalid characters (one of , [ ] \")");
	ATF_CHECK(gp_strlist_add(&l, "", 0, &errstr) == -1);
	ATF_CHECK_STREQ(errstr, "label is empty");
	ATF_CHECK_EQ(l.n, 3);

	memset(&l, 0, sizeof(l));
	for (i = 0; i < GP_SEL_MAX; i++) {
		(void)snprintf(v, sizeof(v), "v%d", i);
		ATF_REQUIRE(gp_strlist_add(&l, v, strlen(v), &errstr) == 0);
	}
	ATF_CHECK_EQ(l.n, GP_SEL_MAX);
	/* A duplicate is still fine when the list is full. */
	ATF_CHECK(gp_strlist_add(&l, "v0", 2, &errstr) == 0);
	ATF_CHECK(gp_strlist_add(&l, "one-more", 8, &errstr) == -1);
	ATF_CHECK_STREQ(errstr, "too many values (at most 32)");
	ATF_CHECK_EQ(l.n, GP_SEL_MAX);
}

ATF_TC_WITHOUT_HEAD(strlist_sort);
ATF_TC_BODY(strlist_sort, tc)
{
	struct gp_strlist l;
	struct gp_entry e;
	const char *errstr;
	static const char *const in[] = { "caf\xc3\xa9", "b", "B", "a", "Z",
		"a1", "10", "9" };
	static const char *const want[] = { "10", "9", "B", "Z", "a", "a1", "b",
		"caf\xc3\xa9" };
	size_t i;

	memset(&l, 0, sizeof(l));
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		ATF_REQUIRE(
		    gp_strlist_add(&l, in[i], strlen(in[i]), &errstr) == 0);
	gp_strlist_sort(&l);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ATF_CHECK_STREQ(l.v[i], want[i]);

	memset(&e, 0, sizeof(e));
	ATF_REQUIRE(gp_strlist_add(&e.tags, "read", 4, &errstr) == 0);
	ATF_REQUIRE(gp_strlist_add(&e.tags, "db", 2, &errstr) == 0);
	ATF_REQUIRE(gp_strlist_add(&e.groups, "z", 1, &errstr) == 0);
	ATF_REQUIRE(gp_strlist_add(&e.groups, "prod", 4, &errstr) == 0);
	gp_entry_sort_labels(&e);
	ATF_CHECK_STREQ(e.tags.v[0], "db");
	ATF_CHECK_STREQ(e.tags.v[1], "read");
	ATF_CHECK_STREQ(e.groups.v[0], "prod");
	ATF_CHECK_STREQ(e.groups.v[1], "z");
}

ATF_TC_WITHOUT_HEAD(is_request_follows_the_table);
ATF_TC_BODY(is_request_follows_the_table, tc)
{
	uint32_t t;

	for (t = IMSG_CTL_PING; t < IMSG_CTL_ENTRY; t++)
		ATF_CHECK(wire_is_request(t));
	ATF_CHECK(!wire_is_request(IMSG_NONE));
	ATF_CHECK(!wire_is_request(IMSG_CTL_ENTRY));
	ATF_CHECK(!wire_is_request(IMSG_CTL_LAST + 1));
}

ATF_TC_WITHOUT_HEAD(request_rows);
ATF_TC_BODY(request_rows, tc)
{
	static const struct {
		uint32_t type;
		const char *name;
		int mutates;
		int entries;
		int results;
	} want[] = {
		{ IMSG_CTL_PING, "ping", 0, 0, 0 },
		{ IMSG_CTL_ADD, "add", 1, 1, 0 },
		{ IMSG_CTL_LIST, "list", 0, 1, 0 },
		{ IMSG_CTL_RM, "rm", 1, 0, 1 },
		{ IMSG_CTL_KILL, "kill", 1, 0, 1 },
		{ IMSG_CTL_TAG, "tag", 0, 1, 0 },
		{ IMSG_CTL_GROUP, "group", 0, 1, 0 },
		{ IMSG_CTL_RESET, "reset", 1, 0, 0 },
		{ IMSG_CTL_EXECED, "execed", 1, 1, 0 },
		{ IMSG_CTL_VERSION, "version", 0, 0, 0 },
	};
	struct gp_request req;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		memset(&req, 0, sizeof(req));
		req.type = want[i].type;
		ATF_CHECK_STREQ(wire_req_name(want[i].type), want[i].name);
		ATF_CHECK_EQ(wire_req_mutates(&req), want[i].mutates);
		ATF_CHECK_EQ(wire_req_streams(want[i].type, IMSG_CTL_ENTRY),
		    want[i].entries);
		ATF_CHECK_EQ(wire_req_streams(want[i].type, IMSG_CTL_RESULT),
		    want[i].results);
		/* Terminal replies are no stream. */
		ATF_CHECK(!wire_req_streams(want[i].type, IMSG_CTL_INFO));
		ATF_CHECK(!wire_req_streams(want[i].type, IMSG_CTL_END));
		ATF_CHECK(!wire_req_streams(want[i].type, IMSG_CTL_ERROR));
	}
	/* Every request type has its row. */
	for (i = IMSG_CTL_PING; i < IMSG_CTL_ENTRY; i++)
		ATF_CHECK(wire_req_name(i) != NULL);
	ATF_CHECK(wire_req_name(IMSG_NONE) == NULL);
	ATF_CHECK(wire_req_name(IMSG_CTL_ENTRY) == NULL);
	ATF_CHECK(!wire_req_streams(IMSG_CTL_ENTRY, IMSG_CTL_ENTRY));
}

ATF_TC_WITHOUT_HEAD(request_rename_mutates);
ATF_TC_BODY(request_rename_mutates, tc)
{
	struct gp_request req;

	memset(&req, 0, sizeof(req));
	req.type = IMSG_CTL_TAG;
	ATF_CHECK(!wire_req_mutates(&req));
	req.flags = GP_REQ_RENAME;
	ATF_CHECK(wire_req_mutates(&req));
	req.type = IMSG_CTL_GROUP;
	ATF_CHECK(wire_req_mutates(&req));
	req.type = IMSG_CTL_LIST;
	req.flags = GP_REQ_RENAME;
	ATF_CHECK(!wire_req_mutates(&req));
	req.type = IMSG_CTL_ENTRY;
	ATF_CHECK(!wire_req_mutates(&req));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, is_request_follows_the_table);
	ATF_TP_ADD_TC(tp, event_roundtrip);
	ATF_TP_ADD_TC(tp, event_minimal_accepted);
	ATF_TP_ADD_TC(tp, event_refused_type_flags_entry);
	ATF_TP_ADD_TC(tp, event_refused_signal_count_changed);
	ATF_TP_ADD_TC(tp, event_refused_labels);
	ATF_TP_ADD_TC(tp, event_refused_length);
	ATF_TP_ADD_TC(tp, request_rows);
	ATF_TP_ADD_TC(tp, request_rename_mutates);
	ATF_TP_ADD_TC(tp, req_roundtrip_ping);
	ATF_TP_ADD_TC(tp, req_roundtrip_version);
	ATF_TP_ADD_TC(tp, req_roundtrip_add);
	ATF_TP_ADD_TC(tp, req_roundtrip_list);
	ATF_TP_ADD_TC(tp, req_roundtrip_rm);
	ATF_TP_ADD_TC(tp, req_roundtrip_kill);
	ATF_TP_ADD_TC(tp, req_roundtrip_tag);
	ATF_TP_ADD_TC(tp, req_roundtrip_group);
	ATF_TP_ADD_TC(tp, req_roundtrip_reset);
	ATF_TP_ADD_TC(tp, req_roundtrip_execed);
	ATF_TP_ADD_TC(tp, req_roundtrip_match);
	ATF_TP_ADD_TC(tp, req_execed_needs_one_id);
	ATF_TP_ADD_TC(tp, req_raw_minimal_accepted);
	ATF_TP_ADD_TC(tp, req_unknown_type);
	ATF_TP_ADD_TC(tp, req_empty_payload);
	ATF_TP_ADD_TC(tp, req_overlong_strings);
	ATF_TP_ADD_TC(tp, req_overcount_lists);
	ATF_TP_ADD_TC(tp, req_bad_names_labels);
	ATF_TP_ADD_TC(tp, req_labels_cleaned_deduplicated);
	ATF_TP_ADD_TC(tp, req_ranges);
	ATF_TP_ADD_TC(tp, req_fields_per_type);
	ATF_TP_ADD_TC(tp, entry_children);
	ATF_TP_ADD_TC(tp, req_encode_refuses_bad_struct);
	ATF_TP_ADD_TC(tp, req_update_checks);
	ATF_TP_ADD_TC(tp, req_match_checks);
	ATF_TP_ADD_TC(tp, pattern_check);
	ATF_TP_ADD_TC(tp, req_wire_max_is_the_longest_request);
	ATF_TP_ADD_TC(tp, entry_roundtrip);
	ATF_TP_ADD_TC(tp, entry_refused_fields);
	ATF_TP_ADD_TC(tp, result_roundtrip);
	ATF_TP_ADD_TC(tp, result_refused_fields);
	ATF_TP_ADD_TC(tp, end_roundtrip);
	ATF_TP_ADD_TC(tp, end_refused_fields);
	ATF_TP_ADD_TC(tp, valid_name);
	ATF_TP_ADD_TC(tp, label_clean);
	ATF_TP_ADD_TC(tp, strlist);
	ATF_TP_ADD_TC(tp, strlist_sort);

	return (atf_no_error());
}

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
 * Write the seed corpora of the wire and imsg fuzz targets, encoded with
 * the real encoders, under the directory given (regress/fuzz/corpus):
 * wire/<name> is a kind byte and a payload, imsg/<name> three setup
 * bytes and a byte stream, as fuzz_wire.c and fuzz_imsg.c describe.
 * Run by "make fuzz-corpus" after a change to the wire format.
 */

#include <sys/types.h>

#include <err.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goproc.h"
#include "goprocd.h"
#include "imsg.h"

/* clang-format off */
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

#define IMSG_MAXSIZE_MAX 255	/* setup byte 0 for MAX_IMSGSIZE */
#define IMSG_FD_MARK	0x80000000U

#define F_ALLOW_FD	0x01
#define F_FD_FIRST	0x02
#define F_FD_MANY	0x08

static void	 put_file(const char *, const char *, const char *,
		    const void *, size_t);
static void	 put_wire(const char *, const char *, uint8_t,
		    const struct ibuf *, size_t);
static struct ibuf *enc_req(const struct gp_request *);
static struct ibuf *enc_entry(const struct gp_entry *);
static struct ibuf *enc_result(const struct gp_result *);
static struct ibuf *enc_end(const struct gp_end *);
static struct ibuf *enc_event(const struct gp_event *);
static void	 stream_start(struct ibuf *, uint8_t, uint8_t, uint8_t);
static void	 stream_msg(struct ibuf *, uint32_t, uint32_t,
		    const struct ibuf *);
static void	 label(struct gp_strlist *, const char *);
static void	 requests(const char *);
static void	 replies(const char *);
static void	 streams(const char *);
/* clang-format on */

static struct gp_request req;
static struct gp_entry entry;
static struct gp_result result;
static struct gp_end end;
static struct gp_event event;

static void
put_file(const char *dir, const char *sub, const char *name, const void *p,
    size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	if ((f = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	if (len > 0 && fwrite(p, len, 1, f) != 1)
		err(1, "%s", path);
	if (fclose(f) == EOF)
		err(1, "%s", path);
}

/* A wire seed: the kind byte, then len bytes of the payload in b. */
static void
put_wire(const char *dir, const char *name, uint8_t kind, const struct ibuf *b,
    size_t len)
{
	unsigned char *p;

	if ((p = malloc(len + 1)) == NULL)
		err(1, NULL);
	p[0] = kind;
	memcpy(p + 1, ibuf_data(b), len);
	put_file(dir, "wire", name, p, len + 1);
	free(p);
}

static struct ibuf *
enc_req(const struct gp_request *r)
{
	struct ibuf *b;

	if ((b = ibuf_dynamic(64, MAX_IMSGSIZE)) == NULL)
		err(1, NULL);
	if (wire_req_encode(b, r) == -1)
		err(1, "wire_req_encode");
	return (b);
}

static struct ibuf *
enc_entry(const struct gp_entry *e)
{
	struct ibuf *b;

	if ((b = ibuf_dynamic(64, MAX_IMSGSIZE)) == NULL)
		err(1, NULL);
	if (wire_entry_encode(b, e) == -1)
		err(1, "wire_entry_encode");
	return (b);
}

static struct ibuf *
enc_result(const struct gp_result *r)
{
	struct ibuf *b;

	if ((b = ibuf_dynamic(64, MAX_IMSGSIZE)) == NULL)
		err(1, NULL);
	if (wire_result_encode(b, r) == -1)
		err(1, "wire_result_encode");
	return (b);
}

static struct ibuf *
enc_event(const struct gp_event *e)
{
	struct ibuf *b;

	if ((b = ibuf_dynamic(64, MAX_IMSGSIZE)) == NULL)
		err(1, NULL);
	if (wire_event_encode(b, e) == -1)
		err(1, "wire_event_encode");
	return (b);
}

static struct ibuf *
enc_end(const struct gp_end *e)
{
	struct ibuf *b;

	if ((b = ibuf_dynamic(64, MAX_IMSGSIZE)) == NULL)
		err(1, NULL);
	if (wire_end_encode(b, e) == -1)
		err(1, "wire_end_encode");
	return (b);
}

static void
label(struct gp_strlist *l, const char *s)
{
	(void)strlcpy(l->v[l->n++], s, sizeof(l->v[0]));
}

/* One valid request of each type, and a few that must be refused. */
static void
requests(const char *dir)
{
	struct ibuf *b;

	memset(&req, 0, sizeof(req));
	b = enc_req(&req);
	put_wire(
	    dir, "req-ping", IMSG_CTL_PING - IMSG_CTL_PING, b, ibuf_size(b));
	put_wire(dir, "req-ping-short", 0, b, ibuf_size(b) - 1);
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	req.pid = 4242;
	(void)strlcpy(req.name, "db-reader", sizeof(req.name));
	(void)strlcpy(req.cmd, "/usr/bin/reader --db x", sizeof(req.cmd));
	label(&req.tags, "db");
	label(&req.tags, "read");
	label(&req.groups, "prod");
	b = enc_req(&req);
	put_wire(dir, "req-add", IMSG_CTL_ADD - IMSG_CTL_PING, b, ibuf_size(b));
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	req.flags = GP_REQ_ALIVE;
	label(&req.tags, "db");
	label(&req.tags_all, "prod");
	label(&req.tags_all, "eu");
	label(&req.groups, "batch");
	label(&req.groups_all, "nightly");
	label(&req.names, "db-reader");
	req.nids = 2;
	req.ids[0] = 7;
	req.ids[1] = 12;
	req.npids = 1;
	req.pids[0] = 99;
	(void)strlcpy(req.search, "reader", sizeof(req.search));
	b = enc_req(&req);
	put_wire(
	    dir, "req-list", IMSG_CTL_LIST - IMSG_CTL_PING, b, ibuf_size(b));
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	req.flags = GP_REQ_ALL;
	label(&req.groups, "prod");
	b = enc_req(&req);
	put_wire(dir, "req-rm", IMSG_CTL_RM - IMSG_CTL_PING, b, ibuf_size(b));
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	req.signo = SIGTERM;
	req.wait_ms = 5000;
	req.nids = 1;
	req.ids[0] = 3;
	b = enc_req(&req);
	put_wire(
	    dir, "req-kill", IMSG_CTL_KILL - IMSG_CTL_PING, b, ibuf_size(b));
	/* The same payload as a list: kill's fields are not list's. */
	put_wire(dir, "req-kill-as-list", IMSG_CTL_LIST - IMSG_CTL_PING, b,
	    ibuf_size(b));
	ibuf_free(b);
	req.flags = GP_REQ_TREE;
	b = enc_req(&req);
	put_wire(dir, "req-kill-tree", IMSG_CTL_KILL - IMSG_CTL_PING, b,
	    ibuf_size(b));
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	req.flags = GP_REQ_RENAME;
	(void)strlcpy(req.label, "db", sizeof(req.label));
	(void)strlcpy(req.newlabel, " database ", sizeof(req.newlabel));
	b = enc_req(&req);
	put_wire(dir, "req-tag-rename", IMSG_CTL_TAG - IMSG_CTL_PING, b,
	    ibuf_size(b));
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	(void)strlcpy(req.label, "\xc3\xa9t\xc3\xa9", sizeof(req.label));
	b = enc_req(&req);
	put_wire(
	    dir, "req-group", IMSG_CTL_GROUP - IMSG_CTL_PING, b, ibuf_size(b));
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	(void)strlcpy(req.label, "RESET", sizeof(req.label));
	b = enc_req(&req);
	put_wire(
	    dir, "req-reset", IMSG_CTL_RESET - IMSG_CTL_PING, b, ibuf_size(b));
	put_wire(dir, "req-badtype", KIND_BADTYPE, b, ibuf_size(b));
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	req.pid = 4242;
	req.ids[0] = 12;
	req.nids = 1;
	(void)strlcpy(req.cmd, "sleep 1000", sizeof(req.cmd));
	b = enc_req(&req);
	put_wire(dir, "req-execed", KIND_EXECED, b, ibuf_size(b));
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	b = enc_req(&req);
	put_wire(dir, "req-version", KIND_VERSION, b, ibuf_size(b));
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	req.flags = GP_REQ_INITIAL | GP_REQ_FOLLOW;
	label(&req.tags, "web");
	b = enc_req(&req);
	put_wire(dir, "req-watch", KIND_WATCH, b, ibuf_size(b));
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	req.flags = GP_REQ_ALL | GP_REQ_DEAD;
	label(&req.tags, "db");
	label(&req.add_tags, "archived");
	label(&req.rm_tags, "read");
	label(&req.add_groups, "old");
	label(&req.rm_groups, "prod");
	b = enc_req(&req);
	put_wire(dir, "req-update", KIND_UPDATE, b, ibuf_size(b));
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	req.nids = 1;
	req.ids[0] = 12;
	(void)strlcpy(req.name, "db-writer", sizeof(req.name));
	b = enc_req(&req);
	put_wire(dir, "req-update-name", KIND_UPDATE, b, ibuf_size(b));
	ibuf_free(b);

	/* add --match: a pattern, pgrep's options, labels for all. */
	memset(&req, 0, sizeof(req));
	(void)strlcpy(req.search, "^(nginx|php-fpm)$", sizeof(req.search));
	req.flags = GP_REQ_ALL | GP_REQ_FULL | GP_REQ_UID | GP_REQ_NEWEST;
	req.uid = 33;
	req.npids = 1;
	req.pids[0] = 1;
	label(&req.tags, "web");
	label(&req.groups, "prod");
	b = enc_req(&req);
	put_wire(dir, "req-match", KIND_MATCH, b, ibuf_size(b));
	ibuf_free(b);

	memset(&req, 0, sizeof(req));
	(void)strlcpy(req.search, "sleep", sizeof(req.search));
	req.flags = GP_REQ_DRYRUN | GP_REQ_EXACT;
	(void)strlcpy(req.name, "napper", sizeof(req.name));
	b = enc_req(&req);
	put_wire(dir, "req-match-dry", KIND_MATCH, b, ibuf_size(b));
	ibuf_free(b);
}

static void
replies(const char *dir)
{
	struct ibuf *b;

	memset(&entry, 0, sizeof(entry));
	entry.id = 7;
	entry.pid = 4242;
	entry.pgid = 4242;
	entry.start_ticks = 81234;
	entry.added_at = 1700000000123456789LL;
	entry.last_seen = 1700000100000000000LL;
	entry.owner_uid = 1000;
	entry.alive = 1;
	(void)strlcpy(entry.name, "db-reader", sizeof(entry.name));
	(void)strlcpy(entry.cmd, "/usr/bin/reader --db x", sizeof(entry.cmd));
	label(&entry.tags, "db");
	label(&entry.groups, "prod");
	b = enc_entry(&entry);
	put_wire(dir, "entry", KIND_ENTRY, b, ibuf_size(b));
	put_wire(dir, "entry-short", KIND_ENTRY, b, ibuf_size(b) - 3);
	ibuf_free(b);
	/* list --children: two named of three, five descendants. */
	entry.kids.valid = 1;
	entry.kids.nchildren = 3;
	entry.kids.ndesc = 5;
	entry.kids.n = 2;
	entry.kids.v[0].pid = 4243;
	(void)strlcpy(entry.kids.v[0].comm, "worker", GP_COMM_MAX + 1);
	entry.kids.v[1].pid = 4244;
	(void)strlcpy(entry.kids.v[1].comm, "sh", GP_COMM_MAX + 1);
	b = enc_entry(&entry);
	put_wire(dir, "entry-children", KIND_ENTRY, b, ibuf_size(b));
	ibuf_free(b);
	memset(&entry.kids, 0, sizeof(entry.kids));
	/* add --match --dry-run: a process without an id. */
	entry.id = 0;
	b = enc_entry(&entry);
	put_wire(dir, "entry-candidate", KIND_ENTRY, b, ibuf_size(b));
	ibuf_free(b);
	entry.id = 7;

	memset(&result, 0, sizeof(result));
	result.flags = GP_RES_SKIPPED;
	(void)strlcpy(result.msg, "nginx", sizeof(result.msg));
	result.entry = entry;
	b = enc_result(&result);
	put_wire(dir, "result-skipped", KIND_RESULT, b, ibuf_size(b));
	ibuf_free(b);

	memset(&result, 0, sizeof(result));
	result.flags = GP_RES_SIGNALLED | GP_RES_REMOVED;
	result.signo = SIGTERM;
	result.tally.skipped = 2;
	(void)strlcpy(result.msg, "terminated", sizeof(result.msg));
	result.entry = entry;
	b = enc_result(&result);
	put_wire(dir, "result", KIND_RESULT, b, ibuf_size(b));
	ibuf_free(b);
	/* kill --tree: the count, and the processes spared. */
	result.tally.signalled = 5;
	result.tally.nspared = 2;
	result.tally.spared[0].pid = 4250;
	result.tally.spared[0].why = GP_SPARE_PERM;
	result.tally.spared[0].uid = 1;
	result.tally.spared[1].pid = 4251;
	result.tally.spared[1].why = GP_SPARE_LIMIT;
	b = enc_result(&result);
	put_wire(dir, "result-tree", KIND_RESULT, b, ibuf_size(b));
	ibuf_free(b);

	memset(&end, 0, sizeof(end));
	end.status = GP_ST_NOTFOUND;
	end.count = 0;
	(void)strlcpy(end.msg, "no entry matched", sizeof(end.msg));
	b = enc_end(&end);
	put_wire(dir, "end", KIND_END, b, ibuf_size(b));
	ibuf_free(b);

	memset(&event, 0, sizeof(event));
	event.type = GP_EV_SIGNALLED;
	event.flags = GP_EVF_ENTRY;
	event.at = 1700000200000000000LL;
	event.signo = SIGTERM;
	event.by_uid = 1000;
	event.by_pid = 4343;
	event.entry = entry;
	b = enc_event(&event);
	put_wire(dir, "event-signalled", KIND_EVENT, b, ibuf_size(b));
	ibuf_free(b);
	memset(&event, 0, sizeof(event));
	event.type = GP_EV_RENAMED;
	event.flags = GP_EVF_ENTRY;
	event.changed = GP_CHG_TAGS;
	(void)strlcpy(event.from, "db", sizeof(event.from));
	(void)strlcpy(event.to, "database", sizeof(event.to));
	event.entry = entry;
	b = enc_event(&event);
	put_wire(dir, "event-renamed", KIND_EVENT, b, ibuf_size(b));
	ibuf_free(b);
	memset(&event, 0, sizeof(event));
	event.type = GP_EV_LOST;
	event.count = 12;
	b = enc_event(&event);
	put_wire(dir, "event-lost", KIND_EVENT, b, ibuf_size(b));
	ibuf_free(b);
}

static void
stream_start(struct ibuf *s, uint8_t maxsize, uint8_t flags, uint8_t chunk)
{
	if (ibuf_add_n8(s, maxsize) == -1 || ibuf_add_n8(s, flags) == -1 ||
	    ibuf_add_n8(s, chunk) == -1)
		err(1, NULL);
}

/* One message: the header, with len as given (0: the true one). */
static void
stream_msg(
    struct ibuf *s, uint32_t type, uint32_t len, const struct ibuf *payload)
{
	struct imsg_hdr hdr;
	size_t plen = payload == NULL ? 0 : ibuf_size(payload);

	memset(&hdr, 0, sizeof(hdr));
	hdr.type = type;
	hdr.len = len != 0 ? len : (uint32_t)(IMSG_HEADER_SIZE + plen);
	hdr.pid = 4242;
	if (ibuf_add(s, &hdr, sizeof(hdr)) == -1 ||
	    (plen > 0 && ibuf_add(s, ibuf_data(payload), plen) == -1))
		err(1, NULL);
}

static void
streams(const char *dir)
{
	struct ibuf *s, *ping, *add, *list;

	if ((s = ibuf_dynamic(64, 65536)) == NULL)
		err(1, NULL);
	memset(&req, 0, sizeof(req));
	ping = enc_req(&req);
	req.pid = 17;
	label(&req.tags, "db");
	add = enc_req(&req);
	memset(&req, 0, sizeof(req));
	label(&req.tags, "db");
	list = enc_req(&req);

	stream_start(s, IMSG_MAXSIZE_MAX, 0, 0);
	stream_msg(s, IMSG_CTL_PING, 0, ping);
	put_file(dir, "imsg", "ping", ibuf_data(s), ibuf_size(s));

	(void)ibuf_truncate(s, 0);
	stream_start(s, IMSG_MAXSIZE_MAX, 0, 5);
	stream_msg(s, IMSG_CTL_ADD, 0, add);
	put_file(dir, "imsg", "add-chunked", ibuf_data(s), ibuf_size(s));

	(void)ibuf_truncate(s, 0);
	stream_start(s, 16, 0, 0);
	stream_msg(s, IMSG_CTL_LIST, 0, list);
	stream_msg(s, IMSG_CTL_PING, 0, ping);
	stream_msg(s, IMSG_CTL_END, 0, NULL);
	put_file(dir, "imsg", "three", ibuf_data(s), ibuf_size(s));

	(void)ibuf_truncate(s, 0);
	stream_start(s, 4, 0, 0);
	stream_msg(s, IMSG_CTL_ADD, 0, add);
	put_file(dir, "imsg", "too-large", ibuf_data(s), ibuf_size(s));

	(void)ibuf_truncate(s, 0);
	stream_start(s, IMSG_MAXSIZE_MAX, 0, 0);
	stream_msg(s, IMSG_CTL_PING, IMSG_HEADER_SIZE - 1, NULL);
	put_file(dir, "imsg", "len-below-header", ibuf_data(s), ibuf_size(s));

	(void)ibuf_truncate(s, 0);
	stream_start(s, IMSG_MAXSIZE_MAX, 0, 0);
	stream_msg(s, IMSG_CTL_ADD, 0, add);
	if (ibuf_truncate(s, ibuf_size(s) - 2) == -1)
		err(1, NULL);
	put_file(dir, "imsg", "truncated", ibuf_data(s), ibuf_size(s));

	(void)ibuf_truncate(s, 0);
	stream_start(s, IMSG_MAXSIZE_MAX, F_ALLOW_FD | F_FD_FIRST, 0);
	stream_msg(
	    s, IMSG_STATE_FDS, (IMSG_HEADER_SIZE + 4) | IMSG_FD_MARK, NULL);
	if (ibuf_add_h32(s, 1) == -1)
		err(1, NULL);
	stream_msg(s, IMSG_CTL_PING, 0, ping);
	put_file(dir, "imsg", "fd-passed", ibuf_data(s), ibuf_size(s));

	(void)ibuf_truncate(s, 0);
	stream_start(s, IMSG_MAXSIZE_MAX, F_ALLOW_FD, 0);
	stream_msg(s, IMSG_STATE_FDS, IMSG_HEADER_SIZE | IMSG_FD_MARK, NULL);
	put_file(dir, "imsg", "fd-missing", ibuf_data(s), ibuf_size(s));

	(void)ibuf_truncate(s, 0);
	stream_start(s, IMSG_MAXSIZE_MAX, F_FD_FIRST, 3);
	stream_msg(s, IMSG_CTL_PING, 0, ping);
	put_file(dir, "imsg", "fd-refused", ibuf_data(s), ibuf_size(s));

	(void)ibuf_truncate(s, 0);
	stream_start(
	    s, IMSG_MAXSIZE_MAX, F_ALLOW_FD | F_FD_FIRST | F_FD_MANY, 0);
	stream_msg(s, IMSG_STATE_FDS, IMSG_HEADER_SIZE | IMSG_FD_MARK, NULL);
	stream_msg(s, IMSG_STATE_FDS, IMSG_HEADER_SIZE | IMSG_FD_MARK, NULL);
	put_file(dir, "imsg", "fd-many", ibuf_data(s), ibuf_size(s));

	ibuf_free(ping);
	ibuf_free(add);
	ibuf_free(list);
	ibuf_free(s);
}

int
main(int argc, char *argv[])
{
	if (argc != 2) {
		(void)fprintf(stderr, "usage: mkcorpus corpus-dir\n");
		return (1);
	}
	requests(argv[1]);
	replies(argv[1]);
	streams(argv[1]);
	return (0);
}

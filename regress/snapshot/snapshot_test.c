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
 * The snapshot and the journal: round trips, a snapshot written by the
 * Go program, every corrupt form refused with its message, replay of
 * each journal operation, torn and corrupt journals, and recovery from
 * a crash in the middle of a compaction.
 */

#include <sys/types.h>

#include <atf-c.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "goproc.h"
#include "regtab.h"
#include "store.h"
#include "testutil.h"

#define BOOT_A "8c2f0f7e-4a7b-4f8e-9d2c-1b2a3c4d5e6f"
#define BOOT_B "0e1d2c3b-4a59-4687-a6b5-c4d3e2f10a0b"
#define NOW 1795705805123456789LL

static struct rentry *add(struct regtab *, uint64_t, int32_t, uint64_t,
    const char *, const char *, const char *, const char *, const char *);
static char *dump(struct regtab *, uint64_t);
static struct regtab *load_str(const char *, struct snapshot_info *);
static void check_refused(const char *, const char *);
static char *proc_json(const char *, const char *);
static char *snap_with(const char *);
static struct regtab *sample(void);
static void append(char **, const char *);
static void replay_ok(struct regtab *, const char *, uint64_t, uint64_t *);
static void check_replay_refused(const char *, const char *);
static void rename_tag(
    struct regtab *, char **, uint64_t *, const char *, const char *);

static struct rentry *
add(struct regtab *rt, uint64_t id, int32_t pid, uint64_t ticks,
    const char *boot, const char *name, const char *tags, const char *groups,
    const char *cmd)
{
	static struct gp_entry ge;
	struct rentry *e;
	char err[256];

	memset(&ge, 0, sizeof(ge));
	ge.id = id;
	ge.pid = pid;
	ge.pgid = pid;
	ge.start_ticks = ticks;
	ge.added_at = NOW - 1000000007LL * pid;
	ge.last_seen = NOW - pid;
	ge.owner_uid = 1000;
	ge.alive = pid % 2;
	if (name != NULL)
		strlcpy(ge.name, name, sizeof(ge.name));
	strlcpy(ge.cmd, cmd, sizeof(ge.cmd));
	list_set(&ge.tags, tags);
	list_set(&ge.groups, groups);
	ATF_REQUIRE_MSG(
	    (id != 0 ? regtab_insert(rt, &ge, boot, 0, &e, err, sizeof(err)) :
	               regtab_add(rt, &ge, boot, &e, err, sizeof(err))) ==
	        REGTAB_OK,
	    "%s", err);
	return (e);
}

/* The snapshot of a table as a string, written through a file. */
static char *
dump(struct regtab *rt, uint64_t seq)
{
	FILE *f;
	char *buf, err[256];
	long len;
	uint64_t size;

	ATF_REQUIRE((f = tmpfile()) != NULL);
	ATF_REQUIRE_MSG(snapshot_write(rt, fileno(f), seq, NOW, &size, err,
	                    sizeof(err)) == 0,
	    "%s", err);
	ATF_REQUIRE((len = lseek(fileno(f), 0, SEEK_END)) >= 0);
	ATF_CHECK_EQ((uint64_t)len, size);
	ATF_REQUIRE((buf = calloc(1, len + 1)) != NULL);
	ATF_REQUIRE(pread(fileno(f), buf, len, 0) == len);
	fclose(f);
	return (buf);
}

static struct regtab *
load_str(const char *s, struct snapshot_info *si)
{
	struct regtab *rt;
	struct snapshot_info info;
	char err[512];

	rt = regtab_new();
	ATF_REQUIRE_MSG(snapshot_load_buf(rt, s, strlen(s), si ? si : &info,
	                    err, sizeof(err)) == 0,
	    "%s", err);
	return (rt);
}

/* A load that must fail with exactly this message. */
static void
check_refused(const char *s, const char *msg)
{
	struct regtab *rt;
	struct snapshot_info si;
	char err[512];

	rt = regtab_new();
	ATF_CHECK_MSG(
	    snapshot_load_buf(rt, s, strlen(s), &si, err, sizeof(err)) == -1,
	    "loaded: %.200s", s);
	ATF_CHECK_STREQ_MSG(err, msg, "input: %.200s", s);
	ATF_CHECK_EQ(regtab_count(rt), 0);
	regtab_free(rt);
}

/* A valid entry object with the member key replaced (or added). */
static char *
proc_json(const char *key, const char *value)
{
	json_t *o, *v;
	json_error_t jerr;
	char *s;

	o = json_loads("{\"id\":1,\"pid\":10,\"pgid\":10,\"cmd\":\"x\","
	               "\"name\":\"n\",\"alive\":true,"
	               "\"added_at\":\"2026-01-01T00:00:00Z\","
	               "\"last_seen\":\"2026-01-01T00:00:00Z\","
	               "\"meta\":{\"tags\":[\"a\"],\"groups\":[]}}",
	    0, &jerr);
	ATF_REQUIRE(o != NULL);
	if (key != NULL) {
		if (value == NULL)
			json_object_del(o, key);
		else {
			v = json_loads(value, JSON_DECODE_ANY, &jerr);
			ATF_REQUIRE_MSG(v != NULL, "%s: %s", value, jerr.text);
			json_object_set_new(o, key, v);
		}
	}
	ATF_REQUIRE((s = json_dumps(o, JSON_COMPACT)) != NULL);
	json_decref(o);
	return (s);
}

/* A snapshot holding the given procs array body. */
static char *
snap_with(const char *procs)
{
	char *s;

	ATF_REQUIRE(asprintf(&s,
	                "{\"version\":1,\"next_id\":100,"
	                "\"procs\":[%s]}",
	                procs) != -1);
	return (s);
}

/* Entries exercising every field, escapes and unknown identities. */
static struct regtab *
sample(void)
{
	struct regtab *rt;
	struct rentry *e;
	char err[256];

	rt = regtab_new();
	add(rt, 0, 4242, 81234, BOOT_A, "db-reader", "db,read", "prod",
	    "/usr/bin/reader --db \"x\" \\ tab\there\nnew line caf\xc3\xa9");
	add(rt, 0, 17, 0, "", NULL, "", "", "pid:17");
	e = add(rt, 0, 99, 5, BOOT_B, "batch.1", "a b,\xe2\x9c\x93", "batch",
	    "sleep 1000");
	regtab_set_owner(rt, e, REGTAB_UID_UNKNOWN);
	e->added_at = -1500000000LL; /* before 1970 */
	add(rt, 9, 1, 1, BOOT_A, NULL, "init", "", "/sbin/init");
	ATF_REQUIRE(regtab_set_next_id(rt, 50, err, sizeof(err)) == 0);
	return (rt);
}

ATF_TC_WITHOUT_HEAD(round_trip_keeps_every_field);
ATF_TC_BODY(round_trip_keeps_every_field, tc)
{
	struct regtab *rt, *rt2;
	struct snapshot_info si;
	struct gp_entry *a, *b;
	struct rentry *e, *f;
	char *s1, *s2;

	rt = sample();
	s1 = dump(rt, 77);
	rt2 = load_str(s1, &si);
	ATF_CHECK_EQ(si.journal_seq, 77);
	ATF_CHECK_EQ(si.next_id, 50);
	ATF_CHECK_EQ(si.created_unix, NOW / 1000000000);
	ATF_CHECK_EQ(si.count, 4);
	ATF_CHECK_EQ(si.unknown, 1);
	ATF_CHECK_EQ(si.size, strlen(s1));
	ATF_CHECK_EQ(regtab_count(rt2), regtab_count(rt));
	ATF_CHECK_EQ(regtab_next_id(rt2), 50);

	ATF_REQUIRE((a = calloc(1, sizeof(*a))) != NULL);
	ATF_REQUIRE((b = calloc(1, sizeof(*b))) != NULL);
	for (e = regtab_first(rt), f = regtab_first(rt2); e != NULL;
	     e = regtab_next(rt, e), f = regtab_next(rt2, f)) {
		ATF_REQUIRE(f != NULL);
		rentry_fill(rt, e, a);
		rentry_fill(rt2, f, b);
		ATF_CHECK_MSG(
		    memcmp(a, b, sizeof(*a)) == 0, "entry %" PRIu64, e->id);
		ATF_CHECK_STREQ(rentry_boot_id(rt, e), rentry_boot_id(rt2, f));
	}
	ATF_CHECK(f == NULL);
	ATF_CHECK_EQ(regtab_find_id(rt2, 3)->owner_uid, REGTAB_UID_UNKNOWN);
	ATF_CHECK_EQ(regtab_find_id(rt2, 3)->added_at, -1500000000LL);

	/* Writing it again gives the same bytes. */
	s2 = dump(rt2, 77);
	ATF_CHECK_STREQ(s1, s2);
	free(a);
	free(b);
	free(s1);
	free(s2);
	regtab_free(rt);
	regtab_free(rt2);
}

ATF_TC_WITHOUT_HEAD(snapshot_has_one_entry_per_line);
ATF_TC_BODY(snapshot_has_one_entry_per_line, tc)
{
	struct regtab *rt;
	char *s, *p;
	int lines = 0;

	rt = sample();
	s = dump(rt, 0);
	for (p = s; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	/* The header, 4 entries, and the tail. */
	ATF_CHECK_EQ(lines, 6);
	ATF_CHECK_MATCH("^\\{\"version\":1,\"next_id\":50,\"created_unix\":"
	                "1795705805,\"journal_seq\":0,\"entries\":4,\"pids\":4,"
	                "\"names\":2,\"labels\":9,\"procs\":\\[\n\\{\"id\":1,"
	                "\"pid\":4242,",
	    s);
	ATF_CHECK_MATCH("\"added_at\":\"2026-11-26T", s);
	ATF_CHECK_MATCH("\n\\]\\}\n$", s);
	free(s);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(empty_registry_round_trip);
ATF_TC_BODY(empty_registry_round_trip, tc)
{
	struct regtab *rt, *rt2;
	char *s, err[256];

	rt = regtab_new();
	ATF_REQUIRE(regtab_set_next_id(rt, 5, err, sizeof(err)) == 0);
	s = dump(rt, 3);
	rt2 = load_str(s, NULL);
	ATF_CHECK_EQ(regtab_count(rt2), 0);
	ATF_CHECK_EQ(regtab_next_id(rt2), 5);
	free(s);
	regtab_free(rt);
	regtab_free(rt2);
}

ATF_TC_WITHOUT_HEAD(large_snapshot_loads_from_a_descriptor);
ATF_TC_BODY(large_snapshot_loads_from_a_descriptor, tc)
{
	struct regtab *rt, *rt2;
	struct snapshot_info si;
	char *s1, *s2, name[32], err[256];
	char cmd[GP_CMD_MAX + 1];
	FILE *f;
	int i;

	rt = regtab_new();
	/* Entries larger than the reader's window, escaped or not. */
	memset(cmd, 'x', GP_CMD_MAX);
	cmd[GP_CMD_MAX] = '\0';
	add(rt, 0, 1, 1, BOOT_A, NULL, "", "", cmd);
	for (i = 0; i < GP_CMD_MAX; i++)
		cmd[i] = i % 2 ? '"' : '\n';
	add(rt, 0, 2, 2, BOOT_A, NULL, "", "", cmd);
	for (i = 3; i <= 3000; i++) {
		snprintf(name, sizeof(name), "proc-%d", i);
		add(rt, 0, i, i, BOOT_A, name, "web,t", "g", "/usr/bin/worker");
	}
	s1 = dump(rt, 1);
	ATF_REQUIRE(strlen(s1) > 256 * 1024);
	ATF_REQUIRE((f = tmpfile()) != NULL);
	ATF_REQUIRE(fwrite(s1, 1, strlen(s1), f) == strlen(s1));
	ATF_REQUIRE(fflush(f) == 0);
	ATF_REQUIRE(lseek(fileno(f), 0, SEEK_SET) == 0);
	rt2 = regtab_new();
	ATF_REQUIRE_MSG(
	    snapshot_load(rt2, fileno(f), &si, err, sizeof(err)) == 0, "%s",
	    err);
	fclose(f);
	ATF_CHECK_EQ(si.size, strlen(s1));
	ATF_CHECK_EQ(regtab_count(rt2), 3000);
	s2 = dump(rt2, 1);
	ATF_CHECK(strcmp(s1, s2) == 0);
	free(s1);
	free(s2);
	regtab_free(rt);
	regtab_free(rt2);
}

ATF_TC(go_snapshot_loads);
ATF_TC_HEAD(go_snapshot_loads, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "data/go-snapshot.json, as the Go "
	    "program writes it, loads and next_id continues from it");
}
ATF_TC_BODY(go_snapshot_loads, tc)
{
	struct regtab *rt;
	struct snapshot_info si;
	struct rentry *e;
	struct gp_entry ge;
	char path[1024], err[256];
	int fd;

	snprintf(path, sizeof(path), "%s/data/go-snapshot.json",
	    atf_tc_get_config_var_wd(tc, "srcdir", "."));
	ATF_REQUIRE_MSG((fd = open(path, O_RDONLY)) != -1, "%s", path);
	rt = regtab_new();
	ATF_REQUIRE_MSG(
	    snapshot_load(rt, fd, &si, err, sizeof(err)) == 0, "%s", err);
	close(fd);
	ATF_CHECK_EQ(si.count, 3);
	ATF_CHECK_EQ(si.unknown, 3);
	ATF_CHECK_EQ(si.journal_seq, 0);
	ATF_CHECK_EQ(si.created_unix, 1795705805);

	ATF_REQUIRE((e = regtab_find_id(rt, 7)) != NULL);
	ATF_CHECK_EQ(e->pid, 4242);
	ATF_CHECK_STREQ(rentry_name(e), "db-reader");
	ATF_CHECK_STREQ(rentry_cmd(e), "/usr/bin/reader --db \"x\"");
	ATF_CHECK_EQ(e->added_at, 1795705445123456789LL);
	ATF_CHECK_EQ(e->last_seen, 1795705800000000000LL);
	ATF_CHECK_EQ(e->start_ticks, 0);
	ATF_CHECK_STREQ(rentry_boot_id(rt, e), "");
	ATF_CHECK_EQ(e->owner_uid, REGTAB_UID_UNKNOWN);
	ATF_CHECK_EQ(e->alive, 1);
	ATF_CHECK_STREQ(rentry_tag(rt, e, 0), "db");
	ATF_CHECK_STREQ(rentry_tag(rt, e, 1), "read");
	ATF_CHECK_STREQ(rentry_group(rt, e, 0), "prod");

	ATF_REQUIRE((e = regtab_find_id(rt, 3)) != NULL);
	ATF_CHECK(rentry_name(e) == NULL);
	ATF_CHECK_EQ(e->added_at, 1735814045500000000LL);
	ATF_CHECK_EQ(e->last_seen, 0); /* Go's zero time */
	ATF_CHECK_EQ(e->ntags + e->ngroups, 0);

	ATF_REQUIRE((e = regtab_find_id(rt, 12)) != NULL);
	ATF_CHECK_EQ(e->ntags, 0);
	ATF_CHECK_EQ(e->ngroups, 2);
	ATF_CHECK_EQ(e->added_at, 1774747800000001000LL);

	/* IDs continue after next_id, not after the highest ID. */
	memset(&ge, 0, sizeof(ge));
	ge.pid = 555;
	ATF_REQUIRE(
	    regtab_add(rt, &ge, BOOT_A, &e, err, sizeof(err)) == REGTAB_OK);
	ATF_CHECK_EQ(e->id, 42);
	regtab_free(rt);
}

/*
 * The counts of a snapshot's header only size the indexes: counts that
 * lie, far too high (bounded by the file's size), too low or absent,
 * load the same registry.
 */
ATF_TC_WITHOUT_HEAD(header_counts_are_only_hints);
ATF_TC_BODY(header_counts_are_only_hints, tc)
{
	static const char *heads[] = {
		"\"entries\":4,\"pids\":4,\"names\":2,\"labels\":9",
		"\"entries\":9223372036854775807,\"pids\":9223372036854775807,"
		"\"names\":9223372036854775807,\"labels\":9223372036854775807",
		"\"entries\":0,\"pids\":0,\"names\":1,\"labels\":0",
		"\"labels\":100000000",
	};
	struct regtab *rt, *rt2;
	struct regtab_size sz;
	struct snapshot_info si;
	char *s, *s2, *body, *want;
	size_t i;

	rt = sample();
	want = dump(rt, 0);
	ATF_REQUIRE((body = strstr(want, "\"procs\":[")) != NULL);
	for (i = 0; i < nitems(heads); i++) {
		ATF_REQUIRE(
		    asprintf(&s,
		        "{\"version\":1,\"next_id\":50,\"created_unix\":"
		        "1795705805,\"journal_seq\":0,%s,%s",
		        heads[i], body) != -1);
		rt2 = load_str(s, &si);
		/* No more than one entry per 64 bytes of the file. */
		ATF_CHECK(si.hint.entries <= strlen(s) / 64);
		ATF_CHECK(si.hint.pids <= strlen(s) / 64);
		ATF_CHECK(si.hint.names <= strlen(s) / 64);
		ATF_CHECK(si.hint.labels <= strlen(s) / 64);
		ATF_CHECK(si.hint.pids <= si.hint.entries &&
		    si.hint.names <= si.hint.entries);
		regtab_size(rt2, &sz);
		ATF_CHECK_EQ(sz.entries, 4);
		ATF_CHECK_EQ(sz.pids, 4);
		ATF_CHECK_EQ(sz.names, 2);
		ATF_CHECK_EQ(sz.labels, 9);
		s2 = dump(rt2, 0);
		ATF_CHECK_STREQ_MSG(s2, want, "header %s", heads[i]);
		free(s2);
		free(s);
		regtab_free(rt2);
	}
	free(want);
	regtab_free(rt);

	/*
	 * Hashes sized by the counts are freed with the table, also when
	 * the load fails or finds nothing (the valgrind run's leak
	 * check sees to it).
	 */
	check_refused("{\"version\":1,\"next_id\":1,\"entries\":2,\"pids\":2,"
	              "\"names\":2,\"labels\":2,\"procs\":[{\"id\":1,}]}",
	    "procs[0]: invalid JSON at offset 84: string or '}' expected");
	rt = load_str("{\"version\":1,\"next_id\":1,\"entries\":1,\"pids\":1,"
	              "\"names\":1,\"labels\":1,\"procs\":[]}                  "
	              "                                                  ",
	    NULL);
	ATF_CHECK_EQ(regtab_count(rt), 0);
	regtab_free(rt);
}

ATF_TC(our_snapshot_loads_and_writes_back_the_same);
ATF_TC_HEAD(our_snapshot_loads_and_writes_back_the_same, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "data/snapshot.json, as goprocd "
	    "writes it, loads and is written back byte for byte");
}
ATF_TC_BODY(our_snapshot_loads_and_writes_back_the_same, tc)
{
	struct regtab *rt;
	struct snapshot_info si;
	struct rentry *e;
	char path[1024], err[256], *want, *got;
	FILE *f;
	long len;
	int fd;

	snprintf(path, sizeof(path), "%s/data/snapshot.json",
	    atf_tc_get_config_var_wd(tc, "srcdir", "."));
	ATF_REQUIRE_MSG((f = fopen(path, "r")) != NULL, "%s", path);
	ATF_REQUIRE(fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0);
	ATF_REQUIRE((want = calloc(1, len + 1)) != NULL);
	fd = fileno(f);
	ATF_REQUIRE(pread(fd, want, len, 0) == len);
	ATF_REQUIRE(lseek(fd, 0, SEEK_SET) == 0);
	rt = regtab_new();
	ATF_REQUIRE_MSG(
	    snapshot_load(rt, fd, &si, err, sizeof(err)) == 0, "%s", err);
	fclose(f);
	ATF_CHECK_EQ(si.count, 3);
	ATF_CHECK_EQ(si.unknown, 1);
	ATF_CHECK_EQ(si.journal_seq, 3);
	ATF_CHECK_EQ(si.hint.entries, 3);
	ATF_CHECK_EQ(si.hint.pids, 3);
	ATF_CHECK_EQ(si.hint.names, 2);
	ATF_CHECK_EQ(si.hint.labels, 8);
	ATF_CHECK_EQ(regtab_next_id(rt), 9);
	ATF_REQUIRE((e = regtab_find_name(rt, "db-reader")) != NULL);
	ATF_CHECK_STREQ(
	    rentry_cmd(e), "/usr/bin/reader --db \"x\" \\ caf\xc3\xa9");
	ATF_CHECK_EQ(e->owner_uid, 1000);
	ATF_CHECK_EQ(regtab_find_id(rt, 2)->owner_uid, REGTAB_UID_UNKNOWN);
	ATF_CHECK_STREQ(
	    rentry_tag(rt, regtab_find_id(rt, 8), 1), "\xe2\x9c\x93");

	got = dump(rt, 3);
	ATF_CHECK_STREQ(got, want);
	free(got);
	free(want);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(times_in_any_zone_and_precision);
ATF_TC_BODY(times_in_any_zone_and_precision, tc)
{
	static const struct {
		const char *s;
		int64_t ns;
	} good[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "1970-01-01T01:00:00+01:00", 0 },
		{ "1969-12-31T23:59:59.9Z", -100000000LL },
		{ "2000-02-29T12:00:00.000000001Z", 951825600000000001LL },
		{ "2026-11-26T15:04:05.123456789123Z", 1795705445123456789LL },
		{ "2026-11-26T10:34:05.5-04:30", 1795705445500000000LL },
		{ "0001-01-01T00:00:00Z", 0 },
	};
	static const char *const bad[] = {
		"",
		"2026-11-26",
		"2026-11-26T15:04:05",
		"2026-02-29T00:00:00Z",
		"2026-13-01T00:00:00Z",
		"2026-11-26T24:00:00Z",
		"2026-11-26T15:04:60Z",
		"2026-11-26T15:04:05.Z",
		"2026-11-26T15:04:05+0100",
		"2026-11-26 15:04:05Z",
		"2026-11-26T15:04:05Zjunk",
		"3000-01-01T00:00:00Z",
		"1600-01-01T00:00:00Z",
		"2026-11-26t15:04:05z",
	};
	const char *errstr;
	char buf[STORE_TIME_LEN];
	int64_t ns;
	size_t i;

	for (i = 0; i < nitems(good); i++) {
		ATF_CHECK_MSG(store_time_parse(good[i].s, &ns, &errstr) == 0,
		    "%s: %s", good[i].s, errstr);
		ATF_CHECK_EQ_MSG(ns, good[i].ns, "%s", good[i].s);
	}
	for (i = 0; i < nitems(bad); i++)
		ATF_CHECK_MSG(store_time_parse(bad[i], &ns, &errstr) == -1,
		    "accepted %s", bad[i]);
	store_time_format(1795705445123456789LL, buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "2026-11-26T15:04:05.123456789Z");
	store_time_format(1795705445500000000LL, buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "2026-11-26T15:04:05.5Z");
	store_time_format(-100000000LL, buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "1969-12-31T23:59:59.9Z");
	store_time_format(0, buf, sizeof(buf));
	ATF_CHECK_STREQ(buf, "1970-01-01T00:00:00Z");
}

ATF_TC_WITHOUT_HEAD(unknown_keys_are_ignored);
ATF_TC_BODY(unknown_keys_are_ignored, tc)
{
	struct regtab *rt;
	char *p, *s;

	p = proc_json("future", "{\"x\":[1,2,{\"y\":null}]}");
	ATF_REQUIRE(asprintf(&s,
	                "{\"later\":[{\"a\":\"]}\"}],\"version\":1,"
	                "\"next_id\":2,\"procs\":[%s],\"zzz\":true}",
	                p) != -1);
	rt = load_str(s, NULL);
	ATF_CHECK_EQ(regtab_count(rt), 1);
	free(p);
	free(s);
	regtab_free(rt);
}

/*
 * The fast reader takes a string of plain characters (printable ASCII,
 * no quote, no backslash) eight bytes at a time: each byte value at
 * each place of a command line, near the ends of the eight and across
 * them, is taken exactly when it is plain, and then copied whole.
 */
ATF_TC_WITHOUT_HEAD(fast_reader_takes_only_plain_strings);
ATF_TC_BODY(fast_reader_takes_only_plain_strings, tc)
{
	struct gp_entry *ge;
	char cmd[20], line[256], boot[REGTAB_BOOT_ID_LEN + 1];
	int64_t dead_at;
	size_t at, len;
	int b, n, plain, rv;

	ATF_REQUIRE((ge = calloc(1, sizeof(*ge))) != NULL);
	for (at = 0; at < sizeof(cmd) - 1; at++) {
		for (b = 1; b < 256; b++) {
			memset(cmd, 'x', sizeof(cmd) - 1);
			cmd[sizeof(cmd) - 1] = '\0';
			cmd[at] = (char)b;
			n = snprintf(line, sizeof(line),
			    "{\"id\":1,\"pid\":2,\"pgid\":2,\"cmd\":\"%s\","
			    "\"name\":\"\",\"alive\":false,"
			    "\"added_at\":\"2026-01-02T03:04:05Z\","
			    "\"last_seen\":\"2026-01-02T03:04:05Z\"}",
			    cmd);
			ATF_REQUIRE(n > 0 && (size_t)n < sizeof(line));
			len = n;
			plain = b >= 0x20 && b <= 0x7e && b != '"' && b != '\\';
			rv = store_entry_fast(
			    line, len, ge, boot, sizeof(boot), &dead_at);
			ATF_CHECK_MSG(rv == (plain ? 0 : -1),
			    "byte 0x%02x at %zu: %d", b, at, rv);
			if (plain && rv == 0)
				ATF_CHECK_STREQ(ge->cmd, cmd);
		}
	}
	free(ge);
}

ATF_TC_WITHOUT_HEAD(corrupt_snapshot_is_refused_with_its_reason);
ATF_TC_BODY(corrupt_snapshot_is_refused_with_its_reason, tc)
{
	static const struct {
		const char *key;
		const char *value; /* NULL: the key is missing */
		const char *msg;
	} procs[] = {
		{ "pid", "-3",
		    "procs[0].pid: must be an integer in "
		    "1..4194304, got -3" },
		{ "pid", "4194305",
		    "procs[0].pid: must be an integer in "
		    "1..4194304, got 4194305" },
		{ "pid", "\"10\"",
		    "procs[0].pid: must be an integer in "
		    "1..4194304, got a string" },
		{ "pid", "10.0",
		    "procs[0].pid: must be an integer in "
		    "1..4194304, got a real number (10)" },
		{ "pid", NULL, "procs[0].pid: missing" },
		{ "id", "0",
		    "procs[0].id: must be an integer in "
		    "1..9223372036854775806, got 0" },
		{ "pgid", "-1",
		    "procs[0].pgid: must be an integer in "
		    "0..4194304, got -1" },
		{ "cmd", "null",
		    "procs[0].cmd: must be a string of at most "
		    "4096 bytes, got null" },
		{ "name", "\"bad name\"",
		    "procs[0].name: name has invalid "
		    "characters" },
		{ "name", "7", "procs[0].name: must be a string, got 7" },
		{ "alive", "\"yes\"",
		    "procs[0].alive: must be true or false, "
		    "got a string" },
		{ "added_at", "\"yesterday\"",
		    "procs[0].added_at: not an "
		    "RFC 3339 time: \"yesterday\"" },
		{ "last_seen", "1700000000",
		    "procs[0].last_seen: must be an "
		    "RFC 3339 time, got 1700000000" },
		{ "meta", "[]",
		    "procs[0].meta: must be an object, got an "
		    "array" },
		{ "meta", "{\"tags\":\"db\"}",
		    "procs[0].meta.tags: must be an "
		    "array, got a string" },
		{ "meta", "{\"groups\":[\"ok\",3]}",
		    "procs[0].meta.groups[1]: "
		    "must be a string, got 3" },
		{ "meta", "{\"tags\":[\"ok\",\"a,b\"]}",
		    "procs[0].meta.tags[1]: label has invalid characters "
		    "(one of , [ ] \")" },
		{ "start_ticks", "-1",
		    "procs[0].start_ticks: must be an "
		    "integer in 0..9223372036854775807, got -1" },
		{ "owner_uid", "4294967296",
		    "procs[0].owner_uid: must be an "
		    "integer in 0..4294967295, got 4294967296" },
		{ "owner_uid", "1234567890123456789",
		    "procs[0].owner_uid: must be an "
		    "integer in 0..4294967295, got 1234567890123456789" },
		{ "start_ticks", "-0.5",
		    "procs[0].start_ticks: must be an "
		    "integer in 0..9223372036854775807, got a real number "
		    "(-0.5)" },
		{ "boot_id", "\"not-a-uuid\"",
		    "procs[0].boot_id: must be \"\" "
		    "or a UUID, got another string" },
	};
	static const struct {
		const char *snap;
		const char *msg;
	} whole[] = {
		{ "", "empty file" },
		{ "  \n", "empty file" },
		{ "not json", "not a JSON object" },
		{ "[1,2]", "not a JSON object" },
		{ "{\"version\":1,\"next_id\":1,\"procs\":[]",
		    "offset 35: "
		    "unexpected end of file" },
		{ "{\"version\":1,\"next_id\":1,\"procs\":[]}x",
		    "offset 36: "
		    "data after the snapshot" },
		{ "{\"version\":1,\"next_id\":1,\"procs\":[{\"id\":1",
		    "offset 41: unexpected end of file" },
		{ "{\"version\":1,\"next_id\":1,\"next_id\":2,\"procs\":[]}",
		    "duplicate key \"next_id\"" },
		{ "{\"version\":2,\"next_id\":1,\"procs\":[]}",
		    "version: unsupported version 2" },
		{ "{\"version\":\"1\",\"next_id\":1,\"procs\":[]}",
		    "version: must be an integer in 0..9223372036854775807, "
		    "got a string" },
		{ "{\"version\":1,\"procs\":[]}", "next_id: missing" },
		{ "{\"version\":1,\"next_id\":1}", "procs: missing" },
		{ "{\"next_id\":1,\"procs\":[]}", "version: missing" },
		{ "{\"version\":1,\"next_id\":0,\"procs\":[]}",
		    "next_id: must "
		    "be an integer in 1..9223372036854775807, got 0" },
		{ "{\"version\":1,\"next_id\":1,\"procs\":{}}",
		    "procs: must be an array" },
		{ "{\"version\":1,\"next_id\":1,\"procs\":[1]}",
		    "procs[0]: must be an object, got 1" },
		{ "{\"version\":1,\"next_id\":1,\"procs\":[{\"id\":1,}]}",
		    "procs[0]: invalid JSON at offset 42: string or '}' "
		    "expected" },
		{ "{\"version\":1,\"next_id\":1,\"procs\":[{\"id\":1,"
		  "\"id\":2}]}",
		    "procs[0]: invalid JSON at offset 45: duplicate object key" },
		{ "{\"version\":1,\"next_id\":1,\"procs\":[],}",
		    "offset 36: expected a key" },
		{ "{\"version\":1,\"next_id\":1,\"procs\":[,]}",
		    "offset 34: a value is missing" },
		{ "{\"version\":1,\"next_id\":1,\"pids\":-1,\"procs\":[]}",
		    "pids: must be an integer in 0..9223372036854775807, "
		    "got -1" },
		{ "{\"version\":1,\"next_id\":1,\"names\":\"2\",\"procs\":[]}",
		    "names: must be an integer in 0..9223372036854775807, "
		    "got a string" },
	};
	char *p, *q, *s, *big;
	size_t i;

	for (i = 0; i < nitems(procs); i++) {
		p = proc_json(procs[i].key, procs[i].value);
		s = snap_with(p);
		check_refused(s, procs[i].msg);
		free(p);
		free(s);
	}
	for (i = 0; i < nitems(whole); i++)
		check_refused(whole[i].snap, whole[i].msg);

	/* Duplicate IDs, duplicate names, next_id not after every ID. */
	p = proc_json(NULL, NULL);
	q = proc_json("name", "\"other\"");
	ATF_REQUIRE(asprintf(&s, "%s,%s", p, q) != -1);
	big = snap_with(s);
	check_refused(big, "procs[1]: id 1 already exists");
	free(q);
	free(s);
	free(big);
	q = proc_json("id", "2");
	ATF_REQUIRE(asprintf(&s, "%s,%s", p, q) != -1);
	big = snap_with(s);
	check_refused(big, "procs[1]: name \"n\" is already in use by id 1");
	free(s);
	free(big);
	ATF_REQUIRE(
	    asprintf(&s,
	        "{\"version\":1,\"next_id\":2,\"procs\":[%s,"
	        "{\"id\":5,\"pid\":1,\"pgid\":0,\"cmd\":\"\",\"alive\":false,"
	        "\"added_at\":\"2026-01-01T00:00:00Z\","
	        "\"last_seen\":\"2026-01-01T00:00:00Z\"}]}",
	        p) != -1);
	check_refused(s, "next_id: must be greater than every id (5), got 2");
	free(s);
	free(q);
	free(p);

	/* Oversized strings. */
	ATF_REQUIRE((big = malloc(GP_CMD_MAX + 4)) != NULL);
	big[0] = '"';
	memset(big + 1, 'x', GP_CMD_MAX + 1);
	strlcpy(big + GP_CMD_MAX + 2, "\"", 2);
	p = proc_json("cmd", big);
	s = snap_with(p);
	check_refused(s,
	    "procs[0].cmd: must be a string of at most 4096 "
	    "bytes, got a longer one");
	free(p);
	free(s);
	big[GP_NAME_MAX + 2] = '"';
	big[GP_NAME_MAX + 3] = '\0';
	p = proc_json("name", big);
	s = snap_with(p);
	check_refused(s, "procs[0].name: too long");
	free(p);
	free(s);
	big[GP_LABEL_MAX + 2] = '\0';
	ATF_REQUIRE(asprintf(&q, "{\"tags\":[%s\"]}", big) != -1);
	p = proc_json("meta", q);
	s = snap_with(p);
	check_refused(s,
	    "procs[0].meta.tags[0]: label too long (at most 64 "
	    "bytes)");
	free(p);
	free(q);
	free(s);
	free(big);
}

ATF_TC_WITHOUT_HEAD(write_error_is_reported);
ATF_TC_BODY(write_error_is_reported, tc)
{
	struct regtab *rt;
	char err[256];
	int fd;

	rt = sample();
	ATF_REQUIRE((fd = open("/dev/null", O_RDONLY)) != -1);
	ATF_CHECK(snapshot_write(rt, fd, 0, NOW, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ(err, "write: Bad file descriptor");
	close(fd);
	regtab_free(rt);
}

static void
append(char **buf, const char *line)
{
	char *s;

	ATF_REQUIRE(line != NULL);
	ATF_REQUIRE(asprintf(&s, "%s%s", *buf == NULL ? "" : *buf, line) != -1);
	free(*buf);
	*buf = s;
}

static void
replay_ok(struct regtab *rt, const char *j, uint64_t snap_seq, uint64_t *lastp)
{
	char err[512];
	size_t valid;
	int torn;

	ATF_REQUIRE_MSG(journal_replay(rt, j, strlen(j), snap_seq, lastp,
	                    &valid, &torn, err, sizeof(err)) == 0,
	    "%s", err);
	ATF_CHECK_EQ(valid, strlen(j));
	ATF_CHECK_EQ(torn, 0);
}

ATF_TC_WITHOUT_HEAD(encoders_write_one_line_each);
ATF_TC_BODY(encoders_write_one_line_each, tc)
{
	struct regtab *rt;
	char *lines[7];
	uint64_t ids[] = { 1, 2 };
	size_t len, i;

	rt = sample();
	lines[0] = journal_add(rt, 1, regtab_find_id(rt, 1), &len);
	lines[1] = journal_rm(2, 1, &len);
	lines[2] = journal_alive(3, 2, 0, NOW, 0, &len);
	lines[3] = journal_seen(4, NOW, ids, 2, &len);
	lines[4] = journal_rename(5, REGTAB_GROUP, "a", "b", &len);
	lines[5] = journal_reset(6, &len);
	lines[6] = journal_ident(7, 2, 99, BOOT_A, &len);
	for (i = 0; i < nitems(lines); i++) {
		ATF_REQUIRE(lines[i] != NULL);
		ATF_CHECK(
		    strchr(lines[i], '\n') == lines[i] + strlen(lines[i]) - 1);
	}
	ATF_CHECK_EQ(len, strlen(lines[6]));
	ATF_CHECK_STREQ(lines[1], "{\"seq\":2,\"op\":\"rm\",\"id\":1}\n");
	ATF_CHECK_STREQ(lines[2],
	    "{\"seq\":3,\"op\":\"alive\",\"id\":2,"
	    "\"alive\":false,\"last_seen\":\"2026-11-26T15:10:05.123456789Z\"}"
	    "\n");
	ATF_CHECK_STREQ(lines[3],
	    "{\"seq\":4,\"op\":\"seen\",\"last_seen\":"
	    "\"2026-11-26T15:10:05.123456789Z\",\"ids\":[1,2]}\n");
	ATF_CHECK_STREQ(lines[4],
	    "{\"seq\":5,\"op\":\"rename\",\"kind\":"
	    "\"group\",\"from\":\"a\",\"to\":\"b\"}\n");
	ATF_CHECK_STREQ(lines[5], "{\"seq\":6,\"op\":\"reset\"}\n");
	ATF_CHECK_MATCH(
	    "^\\{\"seq\":1,\"op\":\"add\",\"proc\":\\{\"id\":1,", lines[0]);
	for (i = 0; i < nitems(lines); i++)
		free(lines[i]);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(replay_applies_each_operation);
ATF_TC_BODY(replay_applies_each_operation, tc)
{
	struct regtab *src, *rt;
	struct rentry *e;
	char *j = NULL, *line;
	uint64_t ids[] = { 1, 3 }, last;

	src = sample();
	rt = regtab_new();
	/* add */
	for (e = regtab_first(src); e != NULL; e = regtab_next(src, e)) {
		line = journal_add(src, e->id, e, NULL);
		append(&j, line);
		free(line);
	}
	replay_ok(rt, j, 0, &last);
	ATF_CHECK_EQ(last, 9);
	ATF_CHECK_EQ(regtab_count(rt), 4);
	ATF_CHECK_EQ(regtab_next_id(rt), 10);
	ATF_CHECK_STREQ(rentry_cmd(regtab_find_id(rt, 1)),
	    rentry_cmd(regtab_find_id(src, 1)));
	ATF_CHECK_STREQ(rentry_name(regtab_find_id(rt, 3)), "batch.1");
	free(j);
	j = NULL;

	/* alive, seen, rename, ident, rm */
	append(&j, line = journal_alive(10, 1, 0, NOW + 5, 0, NULL));
	free(line);
	append(&j, line = journal_seen(11, NOW + 9, ids, 2, NULL));
	free(line);
	append(
	    &j, line = journal_rename(12, REGTAB_TAG, "db", "database", NULL));
	free(line);
	append(&j, line = journal_ident(13, 2, 4321, BOOT_B, NULL));
	free(line);
	append(&j, line = journal_rm(14, 9, NULL));
	free(line);
	replay_ok(rt, j, 0, &last);
	ATF_CHECK_EQ(last, 14);
	e = regtab_find_id(rt, 1);
	ATF_CHECK_EQ(e->alive, 0);
	ATF_CHECK_EQ(e->last_seen, NOW + 9);
	ATF_CHECK_STREQ(rentry_tag(rt, e, 0), "database");
	ATF_CHECK_EQ(regtab_find_id(rt, 3)->last_seen, NOW + 9);
	ATF_CHECK_EQ(regtab_find_id(rt, 2)->start_ticks, 4321);
	ATF_CHECK_STREQ(rentry_boot_id(rt, regtab_find_id(rt, 2)), BOOT_B);
	ATF_CHECK(regtab_find_id(rt, 9) == NULL);
	ATF_CHECK_EQ(regtab_count(rt), 3);
	free(j);
	j = NULL;

	/* reset */
	append(&j, line = journal_reset(15, NULL));
	free(line);
	e = regtab_find_id(src, 1);
	append(&j, line = journal_add(src, 16, e, NULL));
	free(line);
	replay_ok(rt, j, 0, &last);
	ATF_CHECK_EQ(regtab_count(rt), 1);
	ATF_CHECK_EQ(regtab_next_id(rt), 2);
	free(j);
	regtab_free(src);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(cmd_source_is_kept);
ATF_TC_BODY(cmd_source_is_kept, tc)
{
	struct regtab *rt, *rt2;
	char *p, *s, *s2;

	/* Ours, without the key: read from /proc. */
	p = proc_json("start_ticks", "5");
	s = snap_with(p);
	rt = load_str(s, NULL);
	ATF_CHECK_EQ(regtab_find_id(rt, 1)->cmd_client, 0);
	s2 = dump(rt, 1);
	ATF_CHECK(strstr(s2, "cmd_source") == NULL);
	free(p);
	free(s);
	free(s2);
	regtab_free(rt);

	/* The Go program's (no start_ticks): what its client said. */
	p = proc_json(NULL, NULL);
	s = snap_with(p);
	rt = load_str(s, NULL);
	ATF_CHECK_EQ(regtab_find_id(rt, 1)->cmd_client, 1);
	s2 = dump(rt, 1);
	ATF_CHECK(strstr(s2, "\"cmd_source\":\"client\"") != NULL);
	rt2 = load_str(s2, NULL);
	ATF_CHECK_EQ(regtab_find_id(rt2, 1)->cmd_client, 1);
	free(p);
	free(s);
	free(s2);
	regtab_free(rt);
	regtab_free(rt2);

	p = proc_json("cmd_source", "\"proc\"");
	s = snap_with(p);
	rt = load_str(s, NULL);
	ATF_CHECK_EQ(regtab_find_id(rt, 1)->cmd_client, 0);
	free(p);
	free(s);
	regtab_free(rt);

	p = proc_json("cmd_source", "\"kernel\"");
	s = snap_with(p);
	check_refused(s,
	    "procs[0].cmd_source: must be \"proc\" or "
	    "\"client\"");
	free(p);
	free(s);
	p = proc_json("cmd_source", "1");
	s = snap_with(p);
	check_refused(s,
	    "procs[0].cmd_source: must be \"proc\" or "
	    "\"client\"");
	free(p);
	free(s);
}

ATF_TC_WITHOUT_HEAD(replay_cmd_replaces_the_command);
ATF_TC_BODY(replay_cmd_replaces_the_command, tc)
{
	struct regtab *rt;
	struct rentry *e;
	char *j = NULL, *line, *longer;
	uint64_t last;

	rt = sample();
	/* Longer than before: the entry is rebuilt with all it had. */
	ATF_REQUIRE(asprintf(&longer, "%s --and more",
	                rentry_cmd(regtab_find_id(rt, 3))) != -1);
	append(&j, line = journal_cmd(20, 3, longer, 0, NULL));
	free(line);
	/* Shorter, and a client's word. */
	append(&j, line = journal_cmd(21, 9, "init", 1, NULL));
	free(line);
	replay_ok(rt, j, 0, &last);
	ATF_CHECK_EQ(last, 21);
	e = regtab_find_id(rt, 3);
	ATF_REQUIRE(e != NULL);
	ATF_CHECK_STREQ(rentry_cmd(e), longer);
	ATF_CHECK_EQ(e->cmd_client, 0);
	ATF_CHECK_STREQ(rentry_name(e), "batch.1");
	ATF_CHECK(regtab_find_name(rt, "batch.1") == e);
	ATF_CHECK_STREQ(rentry_group(rt, e, 0), "batch");
	ATF_CHECK_EQ(e->start_ticks, 5);
	ATF_CHECK_STREQ(rentry_boot_id(rt, e), BOOT_B);
	ATF_CHECK_EQ(e->added_at, -1500000000LL);
	ATF_CHECK_EQ(regtab_count(rt), 4);
	ATF_CHECK_EQ(regtab_next_id(rt), 50);
	e = regtab_find_id(rt, 9);
	ATF_CHECK_STREQ(rentry_cmd(e), "init");
	ATF_CHECK_EQ(e->cmd_client, 1);
	free(j);
	free(longer);

	check_replay_refused("{\"seq\":1,\"op\":\"cmd\",\"id\":9,"
	                     "\"cmd\":\"x\",\"cmd_source\":\"user\"}\n",
	    "line 1: cmd_source: must be \"proc\" or \"client\"");
	check_replay_refused("{\"seq\":1,\"op\":\"cmd\",\"id\":9,"
	                     "\"cmd_source\":\"proc\"}\n",
	    "line 1: cmd: missing");
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(seen_without_ids_bumps_every_alive_entry);
ATF_TC_BODY(seen_without_ids_bumps_every_alive_entry, tc)
{
	struct regtab *rt;
	char *j = NULL, *line;
	int64_t dead_seen;
	uint64_t last;

	rt = sample();
	/* Entry 1 is dead, 2, 3 and 9 are alive. */
	ATF_REQUIRE(regtab_find_id(rt, 1)->alive == 0);
	dead_seen = regtab_find_id(rt, 1)->last_seen;
	append(&j, line = journal_seen(1, NOW + 50, NULL, 0, NULL));
	ATF_CHECK_STREQ(line,
	    "{\"seq\":1,\"op\":\"seen\",\"last_seen\":"
	    "\"2026-11-26T15:10:05.123456839Z\"}\n");
	free(line);
	append(&j, line = journal_alive(2, 9, 0, NOW + 60, 0, NULL));
	free(line);
	append(&j, line = journal_seen(3, NOW + 70, NULL, 0, NULL));
	free(line);
	replay_ok(rt, j, 0, &last);
	ATF_CHECK_EQ(regtab_find_id(rt, 1)->last_seen, dead_seen);
	ATF_CHECK_EQ(regtab_find_id(rt, 2)->last_seen, NOW + 70);
	ATF_CHECK_EQ(regtab_find_id(rt, 3)->last_seen, NOW + 70);
	ATF_CHECK_EQ(regtab_find_id(rt, 9)->last_seen, NOW + 60);
	free(j);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(replay_skips_records_in_the_snapshot);
ATF_TC_BODY(replay_skips_records_in_the_snapshot, tc)
{
	struct regtab *rt;
	const char *j;
	uint64_t last;

	rt = sample();
	j = "{\"seq\":4,\"op\":\"rm\",\"id\":77}\n"
	    "{\"seq\":5,\"op\":\"rm\",\"id\":1}\n"
	    "{\"seq\":6,\"op\":\"rm\",\"id\":2}\n";
	replay_ok(rt, j, 5, &last);
	ATF_CHECK_EQ(last, 6);
	ATF_CHECK(regtab_find_id(rt, 1) != NULL);
	ATF_CHECK(regtab_find_id(rt, 2) == NULL);
	/* A journal wholly inside the snapshot changes nothing. */
	replay_ok(rt, j, 40, &last);
	ATF_CHECK_EQ(last, 40);
	ATF_CHECK_EQ(regtab_count(rt), 3);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(torn_last_line_is_discarded);
ATF_TC_BODY(torn_last_line_is_discarded, tc)
{
	struct regtab *rt;
	const char *j, *t;
	char err[256];
	uint64_t last;
	size_t valid;
	int torn;

	rt = sample();
	j = "{\"seq\":1,\"op\":\"rm\",\"id\":1}\n"
	    "{\"seq\":2,\"op\":\"rm\",\"id\":2}\n"
	    "{\"seq\":3,\"op\":\"rm\",\"i";
	ATF_REQUIRE_MSG(journal_replay(rt, j, strlen(j), 0, &last, &valid,
	                    &torn, err, sizeof(err)) == 0,
	    "%s", err);
	ATF_CHECK_EQ(torn, 1);
	t = strstr(j, "{\"seq\":3");
	ATF_CHECK_EQ(valid, (size_t)(t - j));
	ATF_CHECK_EQ(last, 2);
	ATF_CHECK_EQ(regtab_count(rt), 2);
	regtab_free(rt);

	/* A complete record without its newline is torn too. */
	rt = sample();
	j = "{\"seq\":1,\"op\":\"rm\",\"id\":1}";
	ATF_REQUIRE(journal_replay(rt, j, strlen(j), 0, &last, &valid, &torn,
	                err, sizeof(err)) == 0);
	ATF_CHECK_EQ(torn, 1);
	ATF_CHECK_EQ(valid, 0);
	ATF_CHECK_EQ(last, 0);
	ATF_CHECK_EQ(regtab_count(rt), 4);
	regtab_free(rt);
}

static void
check_replay_refused(const char *j, const char *msg)
{
	struct regtab *rt;
	char err[512];
	uint64_t last;
	size_t valid;
	int torn;

	rt = sample();
	ATF_CHECK_MSG(journal_replay(rt, j, strlen(j), 0, &last, &valid, &torn,
	                  err, sizeof(err)) == -1,
	    "accepted: %s", j);
	ATF_CHECK_STREQ_MSG(err, msg, "journal: %s", j);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(corrupt_line_is_refused_with_its_number);
ATF_TC_BODY(corrupt_line_is_refused_with_its_number, tc)
{
#define L1 "{\"seq\":1,\"op\":\"rm\",\"id\":1}\n"
#define L3 "{\"seq\":9,\"op\":\"reset\"}\n"
	check_replay_refused(L1 "not json\n" L3,
	    "line 2: invalid JSON at column 3: invalid token");
	check_replay_refused(L1 "\n" L3, "line 2: empty line");
	check_replay_refused(L1 "[1]\n" L3,
	    "line 2: must be an object, got "
	    "an array");
	check_replay_refused(L1
	    "{\"seq\":2,\"op\":\"rm\",\"id\":1,\"id\":1}\n" L3,
	    "line 2: invalid JSON at column 30: duplicate object key");
	check_replay_refused(L1 "{\"seq\":2,\"op\":\"explode\"}\n" L3,
	    "line 2: op: unknown operation \"explode\"");
	check_replay_refused(L1 "{\"seq\":2}\n" L3, "line 2: op: missing");
	check_replay_refused(
	    L1 "{\"op\":\"reset\"}\n" L3, "line 2: seq: missing");
	check_replay_refused(L1 "{\"seq\":1,\"op\":\"reset\"}\n" L3,
	    "line 2: seq: 1 does not follow 1");
	check_replay_refused(L1 "{\"seq\":2,\"op\":\"rm\",\"id\":1}\n" L3,
	    "line 2: id: unknown id 1");
	check_replay_refused(L1 "{\"seq\":2,\"op\":\"rm\",\"id\":\"2\"}\n" L3,
	    "line 2: id: must be an integer in 1..9223372036854775806, got a "
	    "string");
	check_replay_refused(L1 "{\"seq\":2,\"op\":\"alive\",\"id\":2,"
	                        "\"last_seen\":\"2026-01-01T00:00:00Z\"}\n" L3,
	    "line 2: alive: must be true or false, got nothing");
	check_replay_refused(L1 "{\"seq\":2,\"op\":\"seen\",\"last_seen\":"
	                        "\"2026-01-01T00:00:00Z\",\"ids\":[2,1]}\n" L3,
	    "line 2: ids[1]: unknown id 1");
	check_replay_refused(L1 "{\"seq\":2,\"op\":\"rename\",\"kind\":"
	                        "\"colour\",\"from\":\"a\",\"to\":\"b\"}\n" L3,
	    "line 2: kind: must be \"tag\" or \"group\"");
	check_replay_refused(L1 "{\"seq\":2,\"op\":\"rename\",\"kind\":"
	                        "\"tag\",\"from\":\"db\",\"to\":\"a]\"}\n" L3,
	    "line 2: rename: invalid new label: label has invalid characters "
	    "(one of , [ ] \")");
	check_replay_refused(
	    L1 "{\"seq\":2,\"op\":\"add\"}\n" L3, "line 2: proc: missing");
	check_replay_refused(L1 "{\"seq\":2,\"op\":\"add\",\"proc\":{\"id\":2,"
	                        "\"pid\":-3}}\n" L3,
	    "line 2: proc.pid: must be an integer in "
	    "1..4194304, got -3");
	check_replay_refused(L1 "{\"seq\":2,\"op\":\"ident\",\"id\":2,"
	                        "\"start_ticks\":5,\"boot_id\":\"x\"}\n" L3,
	    "line 2: boot_id: invalid boot id");
#undef L1
#undef L3
}

/* Rename a tag in the table, and journal it. */
static void
rename_tag(struct regtab *rt, char **j, uint64_t *seq, const char *from,
    const char *to)
{
	char *line, err[256];
	size_t n;

	ATF_REQUIRE_MSG(regtab_rename(rt, REGTAB_TAG, from, to, &n, err,
	                    sizeof(err)) == REGTAB_OK,
	    "%s", err);
	append(j, line = journal_rename(++*seq, REGTAB_TAG, from, to, NULL));
	free(line);
}

ATF_TC_WITHOUT_HEAD(crash_during_compaction_loses_nothing);
ATF_TC_BODY(crash_during_compaction_loses_nothing, tc)
{
	struct regtab *live, *rt;
	struct rentry *e;
	struct snapshot_info si;
	char *j = NULL, *line, *snap, *want, *got;
	uint64_t seq = 0, last, ids[2];
	int i;

	/*
	 * The live registry journals each mutation; after record S the
	 * compaction writes a snapshot holding S, and the daemon dies
	 * before it can truncate the journal, which goes on to S + k.
	 */
	live = regtab_new();
	snap = NULL;
	for (i = 1; i <= 12; i++) {
		e = add(live, 0, 1000 + i, i, BOOT_A, NULL,
		    i % 2 ? "odd" : "even", "", "/bin/worker");
		append(&j, line = journal_add(live, ++seq, e, NULL));
		free(line);
		if (i == 8) {
			snap = dump(live, seq);
			rename_tag(live, &j, &seq, "odd", "even");
			regtab_remove(live, regtab_find_id(live, 2));
			append(&j, line = journal_rm(++seq, 2, NULL));
			free(line);
		}
	}
	ids[0] = 1;
	ids[1] = 12;
	regtab_set_seen(regtab_find_id(live, 1), NOW + 1);
	regtab_set_seen(regtab_find_id(live, 12), NOW + 1);
	append(&j, line = journal_seen(++seq, NOW + 1, ids, 2, NULL));
	free(line);
	want = dump(live, seq);

	/* Restart: the new snapshot, then the whole journal. */
	rt = load_str(snap, &si);
	ATF_CHECK_EQ(si.journal_seq, 8);
	replay_ok(rt, j, si.journal_seq, &last);
	ATF_CHECK_EQ(last, seq);
	got = dump(rt, last);
	ATF_CHECK_STREQ(got, want);
	regtab_free(rt);
	free(got);

	/* Restart before the rename: no snapshot, the whole journal. */
	rt = regtab_new();
	replay_ok(rt, j, 0, &last);
	got = dump(rt, last);
	ATF_CHECK_STREQ(got, want);
	regtab_free(rt);
	free(got);

	free(want);
	free(snap);
	free(j);
	regtab_free(live);
}

/* Read a whole file from its start. */
static char *
slurp(int fd)
{
	char *buf;
	off_t len;

	ATF_REQUIRE((len = lseek(fd, 0, SEEK_END)) >= 0);
	ATF_REQUIRE((buf = calloc(1, len + 1)) != NULL);
	ATF_REQUIRE(pread(fd, buf, len, 0) == len);
	return (buf);
}

/*
 * A snapshot written in slices while the table changes between them is
 * the table as it was when the view began, byte for byte; and with the
 * journal's later records replayed on it, the table as it is at the end.
 */
ATF_TC_WITHOUT_HEAD(sliced_snapshot_is_the_moment_it_began);
ATF_TC_BODY(sliced_snapshot_is_the_moment_it_began, tc)
{
	struct regtab *live, *rt;
	struct snapview *sv;
	struct rentry *e;
	FILE *f;
	char *j = NULL, *line, *want, *got, *now, cmd[64], name[32];
	char err[256];
	uint64_t seq = 0, snap, last, size, id;
	size_t steps = 0;
	int i, rv;

	live = regtab_new();
	for (i = 1; i <= 1200; i++) {
		(void)snprintf(name, sizeof(name), "w%d", i);
		e = add(live, 0, 2000 + i, i, BOOT_A, i % 3 ? NULL : name,
		    i % 2 ? "odd,all" : "even,all", i % 5 ? "" : "five",
		    "/bin/worker");
		append(&j, line = journal_add(live, ++seq, e, NULL));
		free(line);
	}
	snap = seq;
	want = dump(live, snap);

	ATF_REQUIRE((f = tmpfile()) != NULL);
	sv = snapview_begin(live, snap, NOW);
	snapview_open(sv, fileno(f));
	/* One nanosecond: a slice of the fewest entries, many slices. */
	while ((rv = snapview_step(sv, 1, 0)) == 1) {
		steps++;
		/* Behind the cursor, ahead of it and far ahead. */
		id = (steps * 37) % 1200 + 1;
		if ((e = regtab_find_id(live, id)) != NULL) {
			switch (steps % 5) {
			case 0:
				regtab_remove(live, e);
				append(&j, line = journal_rm(++seq, id, NULL));
				break;
			case 1:
				regtab_set_alive(live, e, 0, NOW + steps);
				regtab_set_seen(e, NOW + steps);
				append(&j,
				    line = journal_alive(++seq, id, 0,
				        NOW + steps, NOW + steps, NULL));
				break;
			case 2:
				(void)snprintf(cmd, sizeof(cmd),
				    "/bin/worker --a-longer-command %zu",
				    steps);
				e = regtab_set_cmd(live, e, cmd, 1);
				append(&j,
				    line =
				        journal_cmd(++seq, id, cmd, 1, NULL));
				break;
			case 3:
				ATF_REQUIRE(regtab_set_identity(live, e, steps,
				                BOOT_B, err, sizeof(err)) == 0);
				append(&j,
				    line = journal_ident(
				        ++seq, id, steps, BOOT_B, NULL));
				break;
			default:
				e = add(live, 0, 9000 + (int)steps, 1, BOOT_A,
				    NULL, "new", "", "/bin/new");
				append(&j,
				    line = journal_add(live, ++seq, e, NULL));
				break;
			}
			free(line);
		}
		if (steps == 20) {
			rename_tag(live, &j, &seq, "odd", "even");
		}
	}
	ATF_REQUIRE_EQ(rv, 0);
	ATF_CHECK_MSG(steps > 30, "%zu slices", steps);
	ATF_REQUIRE_MSG(
	    snapview_end(sv, &size, err, sizeof(err)) == 0, "%s", err);
	got = slurp(fileno(f));
	fclose(f);
	ATF_CHECK_EQ(strlen(got), size);
	ATF_CHECK_STREQ(got, want);

	/* The snapshot and the records since are the table now. */
	now = dump(live, seq);
	rt = load_str(got, NULL);
	replay_ok(rt, j, snap, &last);
	ATF_CHECK_EQ(last, seq);
	free(got);
	got = dump(rt, last);
	ATF_CHECK_STREQ(got, now);
	regtab_free(rt);
	free(got);
	free(now);
	free(want);
	free(j);
	regtab_free(live);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, round_trip_keeps_every_field);
	ATF_TP_ADD_TC(tp, snapshot_has_one_entry_per_line);
	ATF_TP_ADD_TC(tp, empty_registry_round_trip);
	ATF_TP_ADD_TC(tp, large_snapshot_loads_from_a_descriptor);
	ATF_TP_ADD_TC(tp, go_snapshot_loads);
	ATF_TP_ADD_TC(tp, our_snapshot_loads_and_writes_back_the_same);
	ATF_TP_ADD_TC(tp, header_counts_are_only_hints);
	ATF_TP_ADD_TC(tp, times_in_any_zone_and_precision);
	ATF_TP_ADD_TC(tp, unknown_keys_are_ignored);
	ATF_TP_ADD_TC(tp, fast_reader_takes_only_plain_strings);
	ATF_TP_ADD_TC(tp, corrupt_snapshot_is_refused_with_its_reason);
	ATF_TP_ADD_TC(tp, write_error_is_reported);
	ATF_TP_ADD_TC(tp, encoders_write_one_line_each);
	ATF_TP_ADD_TC(tp, replay_applies_each_operation);
	ATF_TP_ADD_TC(tp, seen_without_ids_bumps_every_alive_entry);
	ATF_TP_ADD_TC(tp, replay_skips_records_in_the_snapshot);
	ATF_TP_ADD_TC(tp, cmd_source_is_kept);
	ATF_TP_ADD_TC(tp, replay_cmd_replaces_the_command);
	ATF_TP_ADD_TC(tp, torn_last_line_is_discarded);
	ATF_TP_ADD_TC(tp, corrupt_line_is_refused_with_its_number);
	ATF_TP_ADD_TC(tp, crash_during_compaction_loses_nothing);
	ATF_TP_ADD_TC(tp, sliced_snapshot_is_the_moment_it_began);
	return (atf_no_error());
}

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
 * The registry table: IDs, every selector alone and combined, names,
 * duplicate processes, label renames, reset, and the cost of a selection
 * in a large registry.
 */

#include <sys/types.h>

#include <atf-c.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "goproc.h"
#include "regtab.h"
#include "testutil.h"

#define BOOT_A "8c2f0f7e-4a7b-4f8e-9d2c-1b2a3c4d5e6f"
#define BOOT_B "0e1d2c3b-4a59-4687-a6b5-c4d3e2f10a0b"

static int add_full(struct regtab *, uint64_t, int32_t, uint64_t, const char *,
    const char *, const char *, const char *, const char *, struct rentry **,
    char *, size_t);
static struct rentry *add(struct regtab *, int32_t, const char *, const char *,
    const char *, const char *);
static struct gp_request *req_new(void);
static const char *select_ids(struct regtab *, const struct gp_request *);
static const char *labels(struct regtab *, const struct rentry *, int);
static struct regtab *fixture(void);
static struct regtab *big_registry(void);
static int died_before(const struct rentry *, const struct rentry *);

static int
add_full(struct regtab *rt, uint64_t id, int32_t pid, uint64_t ticks,
    const char *boot, const char *name, const char *tags, const char *groups,
    const char *cmd, struct rentry **ep, char *err, size_t errlen)
{
	static struct gp_entry ge;

	memset(&ge, 0, sizeof(ge));
	ge.id = id;
	ge.pid = pid;
	ge.pgid = pid;
	ge.start_ticks = ticks;
	ge.added_at = 1000;
	ge.last_seen = 2000;
	ge.owner_uid = 1000;
	ge.alive = 1;
	if (name != NULL)
		strlcpy(ge.name, name, sizeof(ge.name));
	strlcpy(ge.cmd, cmd == NULL ? "cmd" : cmd, sizeof(ge.cmd));
	list_set(&ge.tags, tags);
	list_set(&ge.groups, groups);
	if (id != 0)
		return (regtab_insert(rt, &ge, boot, 0, ep, err, errlen));
	return (regtab_add(rt, &ge, boot, ep, err, errlen));
}

/* Add a process that must be accepted; its start time is its PID. */
static struct rentry *
add(struct regtab *rt, int32_t pid, const char *name, const char *tags,
    const char *groups, const char *cmd)
{
	struct rentry *e;
	char err[256];
	int rv;

	rv = add_full(rt, 0, pid, pid, BOOT_A, name, tags, groups, cmd, &e, err,
	    sizeof(err));
	ATF_REQUIRE_MSG(rv == REGTAB_OK, "add pid %d: %s", pid, err);
	return (e);
}

static struct gp_request *
req_new(void)
{
	struct gp_request *req;

	ATF_REQUIRE((req = calloc(1, sizeof(*req))) != NULL);
	req->type = IMSG_CTL_LIST;
	return (req);
}

/* The IDs a request selects, as "1,2,3". */
static const char *
select_ids(struct regtab *rt, const struct gp_request *req)
{
	static char buf[4096];
	struct rentry **v;
	size_t n, i, off = 0;

	ATF_REQUIRE(regtab_select(rt, req, &v, &n) == 0);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			ATF_REQUIRE(v[i - 1]->id < v[i]->id);
		off += snprintf(buf + off, sizeof(buf) - off, "%s%" PRIu64,
		    i ? "," : "", v[i]->id);
		ATF_REQUIRE(off < sizeof(buf));
	}
	free(v);
	return (buf);
}

/* An entry's tags or groups as "a,b". */
static const char *
labels(struct regtab *rt, const struct rentry *e, int kind)
{
	static char buf[4096];
	const char *s;
	size_t i;

	buf[0] = '\0';
	for (i = 0;; i++) {
		s = kind == REGTAB_TAG ? rentry_tag(rt, e, i) :
		                         rentry_group(rt, e, i);
		if (s == NULL)
			break;
		if (i > 0)
			strlcat(buf, ",", sizeof(buf));
		strlcat(buf, s, sizeof(buf));
	}
	return (buf);
}

/* A small registry used by the selector tests. */
static struct regtab *
fixture(void)
{
	struct regtab *rt;

	rt = regtab_new();
	add(rt, 100, "web", "http,front", "prod", "/usr/bin/nginx -g x");
	add(rt, 200, "db", "db,read", "prod,eu", "/usr/bin/postgres -D /d");
	add(rt, 300, NULL, "db", "dev", "/usr/bin/postgres -D /dev");
	add(rt, 400, "cache", "front", "dev,eu", "redis-server");
	regtab_set_alive(rt, regtab_find_id(rt, 3), 0, 1);
	return (rt);
}

ATF_TC_WITHOUT_HEAD(ids_are_monotonic_and_never_reused);
ATF_TC_BODY(ids_are_monotonic_and_never_reused, tc)
{
	struct regtab *rt;
	struct rentry *e;

	rt = regtab_new();
	ATF_CHECK_EQ(add(rt, 10, NULL, "", "", NULL)->id, 1);
	ATF_CHECK_EQ(add(rt, 11, NULL, "", "", NULL)->id, 2);
	e = add(rt, 12, NULL, "", "", NULL);
	ATF_CHECK_EQ(e->id, 3);
	regtab_remove(rt, e);
	regtab_remove(rt, regtab_find_id(rt, 1));
	ATF_CHECK_EQ(add(rt, 13, NULL, "", "", NULL)->id, 4);
	ATF_CHECK_EQ(regtab_count(rt), 2);
	ATF_CHECK(regtab_find_id(rt, 1) == NULL);
	ATF_CHECK(regtab_find_id(rt, 3) == NULL);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(stored_id_moves_next_id);
ATF_TC_BODY(stored_id_moves_next_id, tc)
{
	struct regtab *rt;
	struct rentry *e;
	struct gp_entry *ge;
	char err[256];

	rt = regtab_new();
	/* A new entry never takes the ID it is handed. */
	ATF_REQUIRE((ge = calloc(1, sizeof(*ge))) != NULL);
	ge->id = 500;
	ge->pid = 9;
	ATF_REQUIRE(regtab_add(rt, ge, "", &e, err, sizeof(err)) == REGTAB_OK);
	ATF_CHECK_EQ(e->id, 1);
	regtab_remove(rt, e);
	ge->id = 0;
	ATF_CHECK_EQ(
	    regtab_insert(rt, ge, "", 0, &e, err, sizeof(err)), REGTAB_EINVAL);
	free(ge);

	ATF_REQUIRE(add_full(rt, 41, 10, 0, "", NULL, "", "", NULL, &e, err,
	                sizeof(err)) == REGTAB_OK);
	ATF_CHECK_EQ(e->id, 41);
	ATF_REQUIRE(add_full(rt, 7, 11, 0, "", NULL, "", "", NULL, &e, err,
	                sizeof(err)) == REGTAB_OK);
	ATF_CHECK_EQ(regtab_next_id(rt), 42);
	ATF_CHECK_EQ(add(rt, 12, NULL, "", "", NULL)->id, 42);
	ATF_CHECK_EQ(add_full(rt, 7, 13, 0, "", NULL, "", "", NULL, &e, err,
	                 sizeof(err)),
	    REGTAB_EEXIST);
	ATF_CHECK_STREQ(err, "id 7 already exists");
	ATF_CHECK(regtab_set_next_id(rt, 42, err, sizeof(err)) == -1);
	ATF_CHECK(regtab_set_next_id(rt, 100, err, sizeof(err)) == 0);
	ATF_CHECK_EQ(add(rt, 14, NULL, "", "", NULL)->id, 100);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(no_selector_lists_everything_by_id);
ATF_TC_BODY(no_selector_lists_everything_by_id, tc)
{
	struct regtab *rt;
	struct gp_request *req;

	rt = fixture();
	req = req_new();
	ATF_CHECK_STREQ(select_ids(rt, req), "1,2,3,4");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(select_tag_matches_any);
ATF_TC_BODY(select_tag_matches_any, tc)
{
	struct regtab *rt;
	struct gp_request *req;

	rt = fixture();
	req = req_new();
	list_set(&req->tags, "read,http");
	ATF_CHECK_STREQ(select_ids(rt, req), "1,2");
	list_set(&req->tags, "front,db"); /* overlapping: no duplicates */
	ATF_CHECK_STREQ(select_ids(rt, req), "1,2,3,4");
	list_set(&req->tags, "nosuch,front");
	ATF_CHECK_STREQ(select_ids(rt, req), "1,4");
	list_set(&req->tags, "nosuch");
	ATF_CHECK_STREQ(select_ids(rt, req), "");
	list_set(&req->tags, "prod"); /* a group, not a tag */
	ATF_CHECK_STREQ(select_ids(rt, req), "");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(select_tag_all_needs_every_tag);
ATF_TC_BODY(select_tag_all_needs_every_tag, tc)
{
	struct regtab *rt;
	struct gp_request *req;

	rt = fixture();
	req = req_new();
	list_set(&req->tags_all, "db");
	ATF_CHECK_STREQ(select_ids(rt, req), "2,3");
	list_set(&req->tags_all, "db,read");
	ATF_CHECK_STREQ(select_ids(rt, req), "2");
	list_set(&req->tags_all, "db,nosuch");
	ATF_CHECK_STREQ(select_ids(rt, req), "");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(select_group_matches_any);
ATF_TC_BODY(select_group_matches_any, tc)
{
	struct regtab *rt;
	struct gp_request *req;

	rt = fixture();
	req = req_new();
	list_set(&req->groups, "prod");
	ATF_CHECK_STREQ(select_ids(rt, req), "1,2");
	list_set(&req->groups, "dev,eu");
	ATF_CHECK_STREQ(select_ids(rt, req), "2,3,4");
	list_set(&req->groups, "db"); /* a tag, not a group */
	ATF_CHECK_STREQ(select_ids(rt, req), "");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(select_group_all_needs_every_group);
ATF_TC_BODY(select_group_all_needs_every_group, tc)
{
	struct regtab *rt;
	struct gp_request *req;

	rt = fixture();
	req = req_new();
	list_set(&req->groups_all, "eu,prod");
	ATF_CHECK_STREQ(select_ids(rt, req), "2");
	list_set(&req->groups_all, "eu,dev");
	ATF_CHECK_STREQ(select_ids(rt, req), "4");
	list_set(&req->groups_all, "eu");
	ATF_CHECK_STREQ(select_ids(rt, req), "2,4");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(select_pid_finds_every_entry_of_a_pid);
ATF_TC_BODY(select_pid_finds_every_entry_of_a_pid, tc)
{
	struct regtab *rt;
	struct gp_request *req;
	char err[256];

	rt = fixture();
	/* The same PID, reused by a process with another start time. */
	ATF_REQUIRE(add_full(rt, 0, 300, 999, BOOT_A, NULL, "", "", NULL, NULL,
	                err, sizeof(err)) == REGTAB_OK);
	req = req_new();
	req->npids = 1;
	req->pids[0] = 300;
	ATF_CHECK_STREQ(select_ids(rt, req), "3,5");
	req->npids = 2;
	req->pids[1] = 100;
	ATF_CHECK_STREQ(select_ids(rt, req), "1,3,5");
	req->pids[0] = 12345;
	req->npids = 1;
	ATF_CHECK_STREQ(select_ids(rt, req), "");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(select_id);
ATF_TC_BODY(select_id, tc)
{
	struct regtab *rt;
	struct gp_request *req;

	rt = fixture();
	req = req_new();
	req->nids = 3;
	req->ids[0] = 4;
	req->ids[1] = 2;
	req->ids[2] = 77;
	ATF_CHECK_STREQ(select_ids(rt, req), "2,4");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(select_name_is_exact);
ATF_TC_BODY(select_name_is_exact, tc)
{
	struct regtab *rt;
	struct gp_request *req;

	rt = fixture();
	req = req_new();
	list_set(&req->names, "db,cache");
	ATF_CHECK_STREQ(select_ids(rt, req), "2,4");
	list_set(&req->names, "d");
	ATF_CHECK_STREQ(select_ids(rt, req), "");
	ATF_CHECK(regtab_find_name(rt, "web") == regtab_find_id(rt, 1));
	ATF_CHECK(regtab_find_name(rt, "WEB") == NULL);
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(select_alive_skips_dead_entries);
ATF_TC_BODY(select_alive_skips_dead_entries, tc)
{
	struct regtab *rt;
	struct gp_request *req;

	rt = fixture();
	req = req_new();
	req->flags = GP_REQ_ALIVE;
	ATF_CHECK_STREQ(select_ids(rt, req), "1,2,4");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(select_search_is_a_substring_of_the_command);
ATF_TC_BODY(select_search_is_a_substring_of_the_command, tc)
{
	struct regtab *rt;
	struct gp_request *req;

	rt = fixture();
	req = req_new();
	strlcpy(req->search, "postgres", sizeof(req->search));
	ATF_CHECK_STREQ(select_ids(rt, req), "2,3");
	strlcpy(req->search, "-D /dev", sizeof(req->search));
	ATF_CHECK_STREQ(select_ids(rt, req), "3");
	strlcpy(req->search, "POSTGRES", sizeof(req->search));
	ATF_CHECK_STREQ(select_ids(rt, req), "");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(selector_kinds_are_anded);
ATF_TC_BODY(selector_kinds_are_anded, tc)
{
	struct regtab *rt;
	struct gp_request *req;

	rt = fixture();
	req = req_new();
	list_set(&req->tags, "db");
	list_set(&req->groups, "dev");
	ATF_CHECK_STREQ(select_ids(rt, req), "3");
	req->flags = GP_REQ_ALIVE;
	ATF_CHECK_STREQ(select_ids(rt, req), "");
	req->flags = 0;
	list_set(&req->groups, "");
	strlcpy(req->search, "/d", sizeof(req->search));
	ATF_CHECK_STREQ(select_ids(rt, req), "2,3");
	list_set(&req->names, "db");
	ATF_CHECK_STREQ(select_ids(rt, req), "2");
	req->npids = 1;
	req->pids[0] = 300;
	ATF_CHECK_STREQ(select_ids(rt, req), "");
	list_set(&req->names, "");
	list_set(&req->tags, "");
	list_set(&req->tags_all, "db,read");
	req->pids[0] = 200;
	req->nids = 1;
	req->ids[0] = 2;
	ATF_CHECK_STREQ(select_ids(rt, req), "2");
	req->ids[0] = 3;
	ATF_CHECK_STREQ(select_ids(rt, req), "");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(name_rules);
ATF_TC_BODY(name_rules, tc)
{
	static const char *const bad[] = {
		"with space",
		"slash/name",
		"a,b",
		"\xc3\xbcn\xc3\xaf",
		"tab\there",
	};
	struct regtab *rt;
	char err[256];
	size_t i;

	rt = regtab_new();
	for (i = 0; i < nitems(bad); i++)
		ATF_CHECK_EQ_MSG(add_full(rt, 0, 10 + i, 1, "", bad[i], "", "",
		                     NULL, NULL, err, sizeof(err)),
		    REGTAB_EINVAL, "%s", bad[i]);
	ATF_CHECK_EQ(regtab_count(rt), 0);
	add(rt, 50, "Good.name-1_x", "", "", NULL);
	add(rt, 51,
	    "1234567890123456789012345678901234567890123456789012345678901234",
	    "", "", NULL);
	ATF_CHECK_STREQ(rentry_name(regtab_find_id(rt, 1)), "Good.name-1_x");
	ATF_CHECK(rentry_name(add(rt, 52, NULL, "", "", NULL)) == NULL);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(duplicate_name_names_its_holder);
ATF_TC_BODY(duplicate_name_names_its_holder, tc)
{
	struct regtab *rt;
	char err[256];

	rt = regtab_new();
	add(rt, 10, NULL, "", "", NULL);
	add(rt, 11, "api", "", "", NULL);
	ATF_CHECK_EQ(add_full(rt, 0, 12, 12, BOOT_A, "api", "", "", NULL, NULL,
	                 err, sizeof(err)),
	    REGTAB_EEXIST);
	ATF_CHECK_STREQ(err, "name \"api\" is already in use by id 2");
	ATF_CHECK_EQ(regtab_count(rt), 2);
	/* Free again once the holder is gone. */
	regtab_remove(rt, regtab_find_id(rt, 2));
	ATF_CHECK_EQ(add(rt, 12, "api", "", "", NULL)->id, 3);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(duplicate_process_is_refused);
ATF_TC_BODY(duplicate_process_is_refused, tc)
{
	struct regtab *rt;
	char err[256];

	rt = regtab_new();
	add(rt, 10, NULL, "", "", NULL);
	add(rt, 4242, NULL, "", "", NULL);
	ATF_CHECK_EQ(add_full(rt, 0, 4242, 4242, BOOT_A, NULL, "", "", NULL,
	                 NULL, err, sizeof(err)),
	    REGTAB_EEXIST);
	ATF_CHECK_STREQ(err, "pid 4242 already registered as id 2");
	ATF_CHECK_EQ(regtab_count(rt), 2);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(reused_pid_is_accepted);
ATF_TC_BODY(reused_pid_is_accepted, tc)
{
	struct regtab *rt;
	struct rentry *old;
	char err[256];

	rt = regtab_new();
	old = add(rt, 4242, NULL, "", "", NULL);
	regtab_set_alive(rt, old, 0, 1);
	/* Another start time: another process. */
	ATF_CHECK_EQ(add_full(rt, 0, 4242, 5000, BOOT_A, NULL, "", "", NULL,
	                 NULL, err, sizeof(err)),
	    REGTAB_OK);
	/* The same start time after a reboot: another process too. */
	ATF_CHECK_EQ(add_full(rt, 0, 4242, 4242, BOOT_B, NULL, "", "", NULL,
	                 NULL, err, sizeof(err)),
	    REGTAB_OK);
	ATF_CHECK_EQ(regtab_find_pid(rt, 4242)->id, 1);
	ATF_CHECK_EQ(regtab_next_pid(rt, regtab_find_pid(rt, 4242))->id, 2);
	ATF_CHECK_STREQ(rentry_boot_id(rt, regtab_find_id(rt, 3)), BOOT_B);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(labels_are_trimmed_sorted_sets);
ATF_TC_BODY(labels_are_trimmed_sorted_sets, tc)
{
	struct regtab *rt;
	struct rentry *e;

	rt = regtab_new();
	e = add(rt, 10, NULL, " web ,db,web,api", "b,a,b", NULL);
	ATF_CHECK_STREQ(labels(rt, e, REGTAB_TAG), "api,db,web");
	ATF_CHECK_STREQ(labels(rt, e, REGTAB_GROUP), "a,b");
	ATF_CHECK_EQ(regtab_label_count(rt, REGTAB_TAG, "web"), 1);
	ATF_CHECK_EQ(regtab_label_count(rt, REGTAB_GROUP, "web"), 0);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(invalid_label_is_refused);
ATF_TC_BODY(invalid_label_is_refused, tc)
{
	struct regtab *rt;
	char err[256];

	rt = regtab_new();
	ATF_CHECK_EQ(add_full(rt, 0, 10, 1, "", NULL, "ok,a[b", "", NULL, NULL,
	                 err, sizeof(err)),
	    REGTAB_EINVAL);
	ATF_CHECK_MATCH("^tags\\[1\\]: ", err);
	ATF_CHECK_EQ(add_full(rt, 0, 10, 1, "", NULL, "", "   ", NULL, NULL,
	                 err, sizeof(err)),
	    REGTAB_EINVAL);
	ATF_CHECK_MATCH("^groups\\[0\\]: ", err);
	ATF_CHECK_EQ(regtab_count(rt), 0);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(rename_tag);
ATF_TC_BODY(rename_tag, tc)
{
	struct regtab *rt;
	struct gp_request *req;
	char err[256];
	size_t n;

	rt = fixture();
	ATF_REQUIRE(regtab_rename(rt, REGTAB_TAG, "db", "database", &n, err,
	                sizeof(err)) == REGTAB_OK);
	ATF_CHECK_EQ(n, 2);
	ATF_CHECK_STREQ(
	    labels(rt, regtab_find_id(rt, 2), REGTAB_TAG), "database,read");
	ATF_CHECK_STREQ(
	    labels(rt, regtab_find_id(rt, 3), REGTAB_TAG), "database");
	req = req_new();
	list_set(&req->tags, "db");
	ATF_CHECK_STREQ(select_ids(rt, req), "");
	list_set(&req->tags, "database");
	ATF_CHECK_STREQ(select_ids(rt, req), "2,3");
	/* A rename moving the label to the end keeps the set sorted. */
	ATF_REQUIRE(regtab_rename(rt, REGTAB_TAG, "database", "zz", &n, err,
	                sizeof(err)) == REGTAB_OK);
	ATF_CHECK_STREQ(
	    labels(rt, regtab_find_id(rt, 2), REGTAB_TAG), "read,zz");
	ATF_CHECK_STREQ(
	    labels(rt, regtab_find_id(rt, 2), REGTAB_GROUP), "eu,prod");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(rename_group);
ATF_TC_BODY(rename_group, tc)
{
	struct regtab *rt;
	struct gp_request *req;
	char err[256];
	size_t n;

	rt = fixture();
	ATF_REQUIRE(regtab_rename(rt, REGTAB_GROUP, "eu", "a-eu", &n, err,
	                sizeof(err)) == REGTAB_OK);
	ATF_CHECK_EQ(n, 2);
	ATF_CHECK_STREQ(
	    labels(rt, regtab_find_id(rt, 2), REGTAB_GROUP), "a-eu,prod");
	ATF_CHECK_STREQ(
	    labels(rt, regtab_find_id(rt, 4), REGTAB_GROUP), "a-eu,dev");
	ATF_CHECK_STREQ(
	    labels(rt, regtab_find_id(rt, 2), REGTAB_TAG), "db,read");
	req = req_new();
	list_set(&req->groups_all, "a-eu,dev");
	ATF_CHECK_STREQ(select_ids(rt, req), "4");
	/* A tag of the same name is untouched. */
	ATF_REQUIRE(regtab_rename(rt, REGTAB_GROUP, "db", "x", &n, err,
	                sizeof(err)) == REGTAB_OK);
	ATF_CHECK_EQ(n, 0);
	ATF_CHECK_EQ(regtab_label_count(rt, REGTAB_TAG, "db"), 2);
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(rename_merges_into_existing_label);
ATF_TC_BODY(rename_merges_into_existing_label, tc)
{
	struct regtab *rt;
	struct gp_request *req;
	char err[256];
	size_t n;

	rt = fixture();
	/* Entry 1 has http and front, entry 4 has front only. */
	ATF_REQUIRE(regtab_rename(rt, REGTAB_TAG, "front", "http", &n, err,
	                sizeof(err)) == REGTAB_OK);
	ATF_CHECK_EQ(n, 2);
	ATF_CHECK_STREQ(labels(rt, regtab_find_id(rt, 1), REGTAB_TAG), "http");
	ATF_CHECK_STREQ(labels(rt, regtab_find_id(rt, 4), REGTAB_TAG), "http");
	ATF_CHECK_STREQ(
	    labels(rt, regtab_find_id(rt, 1), REGTAB_GROUP), "prod");
	ATF_CHECK_EQ(regtab_label_count(rt, REGTAB_TAG, "http"), 2);
	ATF_CHECK_EQ(regtab_label_count(rt, REGTAB_TAG, "front"), 0);
	req = req_new();
	list_set(&req->tags, "http");
	ATF_CHECK_STREQ(select_ids(rt, req), "1,4");
	/* Groups merge the same way; the tags before them stay in place. */
	ATF_REQUIRE(regtab_rename(rt, REGTAB_GROUP, "eu", "dev", &n, err,
	                sizeof(err)) == REGTAB_OK);
	ATF_CHECK_EQ(n, 2);
	ATF_CHECK_STREQ(labels(rt, regtab_find_id(rt, 4), REGTAB_GROUP), "dev");
	ATF_CHECK_STREQ(
	    labels(rt, regtab_find_id(rt, 2), REGTAB_GROUP), "dev,prod");
	ATF_CHECK_STREQ(
	    labels(rt, regtab_find_id(rt, 2), REGTAB_TAG), "db,read");
	/* The name and command line stored after the labels are intact. */
	ATF_CHECK_STREQ(rentry_name(regtab_find_id(rt, 1)), "web");
	ATF_CHECK_STREQ(
	    rentry_cmd(regtab_find_id(rt, 1)), "/usr/bin/nginx -g x");
	ATF_CHECK_STREQ(rentry_name(regtab_find_id(rt, 2)), "db");
	ATF_CHECK_STREQ(
	    rentry_cmd(regtab_find_id(rt, 2)), "/usr/bin/postgres -D /d");
	ATF_CHECK(regtab_find_name(rt, "cache") == regtab_find_id(rt, 4));
	ATF_CHECK_STREQ(rentry_cmd(regtab_find_id(rt, 4)), "redis-server");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(rename_to_itself_or_unknown_changes_nothing);
ATF_TC_BODY(rename_to_itself_or_unknown_changes_nothing, tc)
{
	struct regtab *rt;
	char err[256];
	size_t n;

	rt = fixture();
	ATF_REQUIRE(regtab_rename(rt, REGTAB_TAG, "db", " db ", &n, err,
	                sizeof(err)) == REGTAB_OK);
	ATF_CHECK_EQ(n, 0);
	ATF_CHECK_EQ(regtab_label_count(rt, REGTAB_TAG, "db"), 2);
	ATF_REQUIRE(regtab_rename(rt, REGTAB_TAG, "nosuch", "other", &n, err,
	                sizeof(err)) == REGTAB_OK);
	ATF_CHECK_EQ(n, 0);
	ATF_CHECK_EQ(regtab_label_count(rt, REGTAB_TAG, "other"), 0);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(rename_to_invalid_label_changes_nothing);
ATF_TC_BODY(rename_to_invalid_label_changes_nothing, tc)
{
	struct regtab *rt;
	char err[256];
	size_t n;

	rt = fixture();
	ATF_CHECK_EQ(
	    regtab_rename(rt, REGTAB_TAG, "db", "a,b", &n, err, sizeof(err)),
	    REGTAB_EINVAL);
	ATF_CHECK_MATCH("^invalid new label", err);
	ATF_CHECK_EQ(
	    regtab_rename(rt, REGTAB_TAG, "db", "", &n, err, sizeof(err)),
	    REGTAB_EINVAL);
	ATF_CHECK_EQ(n, 0);
	ATF_CHECK_EQ(regtab_label_count(rt, REGTAB_TAG, "db"), 2);
	ATF_CHECK_STREQ(
	    labels(rt, regtab_find_id(rt, 2), REGTAB_TAG), "db,read");
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(remove_leaves_every_index);
ATF_TC_BODY(remove_leaves_every_index, tc)
{
	struct regtab *rt;
	struct gp_request *req;

	rt = fixture();
	regtab_remove(rt, regtab_find_id(rt, 2));
	ATF_CHECK(regtab_find_name(rt, "db") == NULL);
	ATF_CHECK(regtab_find_pid(rt, 200) == NULL);
	ATF_CHECK_EQ(regtab_label_count(rt, REGTAB_TAG, "read"), 0);
	ATF_CHECK_EQ(regtab_label_count(rt, REGTAB_TAG, "db"), 1);
	req = req_new();
	list_set(&req->groups, "eu");
	ATF_CHECK_STREQ(select_ids(rt, req), "4");
	ATF_CHECK_EQ(regtab_count(rt), 3);
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(reset_restarts_ids_at_one);
ATF_TC_BODY(reset_restarts_ids_at_one, tc)
{
	struct regtab *rt;
	struct gp_request *req;

	rt = fixture();
	regtab_reset(rt);
	ATF_CHECK_EQ(regtab_count(rt), 0);
	ATF_CHECK(regtab_first(rt) == NULL);
	ATF_CHECK_EQ(regtab_label_count(rt, REGTAB_TAG, "db"), 0);
	ATF_CHECK_EQ(add(rt, 200, "db", "", "", NULL)->id, 1);
	req = req_new();
	ATF_CHECK_STREQ(select_ids(rt, req), "1");
	free(req);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(fill_copies_every_field);
ATF_TC_BODY(fill_copies_every_field, tc)
{
	struct regtab *rt;
	struct gp_entry *ge;

	rt = fixture();
	ATF_REQUIRE((ge = calloc(1, sizeof(*ge))) != NULL);
	rentry_fill(rt, regtab_find_id(rt, 2), ge);
	ATF_CHECK_EQ(ge->id, 2);
	ATF_CHECK_EQ(ge->pid, 200);
	ATF_CHECK_EQ(ge->pgid, 200);
	ATF_CHECK_EQ(ge->start_ticks, 200);
	ATF_CHECK_EQ(ge->added_at, 1000);
	ATF_CHECK_EQ(ge->last_seen, 2000);
	ATF_CHECK_EQ(ge->owner_uid, 1000);
	ATF_CHECK_EQ(ge->alive, 1);
	ATF_CHECK_STREQ(ge->name, "db");
	ATF_CHECK_STREQ(ge->cmd, "/usr/bin/postgres -D /d");
	ATF_CHECK_EQ(ge->tags.n, 2);
	ATF_CHECK_STREQ(ge->tags.v[0], "db");
	ATF_CHECK_STREQ(ge->tags.v[1], "read");
	ATF_CHECK_EQ(ge->groups.n, 2);
	ATF_CHECK_STREQ(ge->groups.v[0], "eu");
	ATF_CHECK_STREQ(ge->groups.v[1], "prod");
	free(ge);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(setters_change_liveness_and_identity);
ATF_TC_BODY(setters_change_liveness_and_identity, tc)
{
	struct regtab *rt;
	struct rentry *e;
	char err[256];

	rt = regtab_new();
	ATF_REQUIRE(add_full(rt, 0, 10, 0, "", NULL, "", "", NULL, &e, err,
	                sizeof(err)) == REGTAB_OK);
	ATF_CHECK_STREQ(rentry_boot_id(rt, e), "");
	regtab_set_alive(rt, e, 0, 1);
	regtab_set_seen(e, 12345);
	ATF_CHECK_EQ(e->alive, 0);
	ATF_CHECK_EQ(e->last_seen, 12345);
	ATF_CHECK(regtab_set_identity(
	              rt, e, 77, "not-a-uuid", err, sizeof(err)) == -1);
	ATF_REQUIRE(
	    regtab_set_identity(rt, e, 77, BOOT_B, err, sizeof(err)) == 0);
	ATF_CHECK_EQ(e->start_ticks, 77);
	ATF_CHECK_STREQ(rentry_boot_id(rt, e), BOOT_B);
	/* Now the same process cannot be added twice. */
	ATF_CHECK_EQ(add_full(rt, 0, 10, 77, BOOT_B, NULL, "", "", NULL, NULL,
	                 err, sizeof(err)),
	    REGTAB_EEXIST);
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(command_is_kept_as_valid_utf8);
ATF_TC_BODY(command_is_kept_as_valid_utf8, tc)
{
	struct regtab *rt;
	struct rentry *e;

	rt = regtab_new();
	e = add(rt, 10, NULL, "", "", "caf\xc3\xa9 -x");
	ATF_CHECK_STREQ(rentry_cmd(e), "caf\xc3\xa9 -x");
	e = add(rt, 11, NULL, "", "",
	    "a\xff"
	    "b\xc3");
	ATF_CHECK_STREQ(rentry_cmd(e), "a?b?");
	/* The name and the command line share the entry's allocation. */
	e = add(rt, 12, "db", "t1,t2", "g", "/usr/bin/db -x");
	ATF_CHECK_STREQ(rentry_name(e), "db");
	ATF_CHECK_STREQ(rentry_cmd(e), "/usr/bin/db -x");
	ATF_CHECK(regtab_find_name(rt, "db") == e);
	e = regtab_set_cmd(rt, e, "/usr/bin/db --a-longer-command-line", 1);
	ATF_CHECK_STREQ(rentry_name(e), "db");
	ATF_CHECK_STREQ(rentry_cmd(e), "/usr/bin/db --a-longer-command-line");
	ATF_CHECK(regtab_find_name(rt, "db") == e);
	ATF_CHECK_STREQ(rentry_tag(rt, e, 1), "t2");
	regtab_free(rt);
}

/*
 * One PID registered many times (a PID used again): its entries come in
 * the order of their IDs, also after most of them go, down to one and
 * to none, and with one put back under an older ID.
 */
ATF_TC_WITHOUT_HEAD(pid_of_many_entries);
ATF_TC_BODY(pid_of_many_entries, tc)
{
	static const uint64_t keep[] = { 5, 20, 33 };
	struct regtab *rt;
	struct rentry *e;
	char err[256];
	uint64_t id, prev;
	size_t i, n;

	rt = regtab_new();
	for (i = 1; i <= 40; i++)
		ATF_REQUIRE_MSG(add_full(rt, 0, 77, i, "", NULL, "", "", NULL,
		                    NULL, err, sizeof(err)) == REGTAB_OK,
		    "%s", err);
	for (id = 1; id <= 40; id++)
		if (id != 5 && id != 20 && id != 33)
			regtab_remove(rt, regtab_find_id(rt, id));
	for (e = regtab_find_pid(rt, 77), n = 0; e != NULL;
	     e = regtab_next_pid(rt, e), n++) {
		ATF_REQUIRE(n < nitems(keep));
		ATF_CHECK_EQ(e->id, keep[n]);
	}
	ATF_CHECK_EQ(n, nitems(keep));
	/* Put back under its own ID, 20 goes back between 5 and 33. */
	e = regtab_set_cmd(rt, regtab_find_id(rt, 20),
	    "a command line longer than the one it had", 0);
	for (e = regtab_find_pid(rt, 77), prev = 0, n = 0; e != NULL;
	     e = regtab_next_pid(rt, e), n++) {
		ATF_CHECK(e->id > prev);
		prev = e->id;
	}
	ATF_CHECK_EQ(n, 3);
	regtab_remove(rt, regtab_find_id(rt, 5));
	regtab_remove(rt, regtab_find_id(rt, 33));
	e = regtab_find_pid(rt, 77);
	ATF_REQUIRE(e != NULL);
	ATF_CHECK_EQ(e->id, 20);
	ATF_CHECK(regtab_next_pid(rt, e) == NULL);
	regtab_remove(rt, e);
	ATF_CHECK(regtab_find_pid(rt, 77) == NULL);
	regtab_free(rt);
}

/*
 * Names and labels are hashed with a key: another key puts the same
 * strings elsewhere, so that nobody without it can choose strings that
 * share a slot; a table made after the key was set finds its strings.
 */
ATF_TC_WITHOUT_HEAD(string_hash_is_keyed);
ATF_TC_BODY(string_hash_is_keyed, tc)
{
	static uint32_t before[1000];
	unsigned char key[REGTAB_HASH_KEY_LEN];
	struct regtab *rt;
	char s[32];
	size_t i, same;

	for (i = 0; i < nitems(before); i++) {
		snprintf(s, sizeof(s), "t%zu", i);
		before[i] = regtab_str_hash(s);
		ATF_REQUIRE_EQ(regtab_str_hash(s), before[i]);
	}
	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 37 + 11);
	regtab_hash_key(key, sizeof(key));
	for (i = same = 0; i < nitems(before); i++) {
		snprintf(s, sizeof(s), "t%zu", i);
		if (regtab_str_hash(s) == before[i])
			same++;
	}
	ATF_CHECK_MSG(
	    same < 3, "%zu of %zu hashes unchanged", same, nitems(before));
	rt = regtab_new();
	for (i = 0; i < nitems(before); i++) {
		snprintf(s, sizeof(s), "n%zu", i);
		add(rt, (int32_t)i + 1, s, i % 2 ? "odd" : "even", "",
		    "/bin/x");
	}
	for (i = 0; i < nitems(before); i++) {
		snprintf(s, sizeof(s), "n%zu", i);
		ATF_REQUIRE(regtab_find_name(rt, s) != NULL);
	}
	ATF_CHECK_EQ(regtab_label_count(rt, REGTAB_TAG, "odd"), 500);
	regtab_free(rt);
}

/*
 * The sample of a process stays with its entry, through a longer command
 * line (a new allocation), and goes with it; an entry without one has
 * none, also in a page of IDs where others have one.
 */
ATF_TC_WITHOUT_HEAD(metrics_stay_with_their_entry);
ATF_TC_BODY(metrics_stay_with_their_entry, tc)
{
	static struct gp_entry ge;
	struct gp_metrics m;
	const struct gp_metrics *got;
	struct regtab *rt;
	struct rentry *e;
	uint64_t id;
	int32_t pid;

	rt = regtab_new();
	for (pid = 1; pid <= 300; pid++) {
		e = add(rt, pid, NULL, "", "", "/bin/w");
		if (pid % 3 != 0)
			continue;
		memset(&m, 0, sizeof(m));
		m.valid = GP_MET_SAMPLE;
		m.rss_bytes = (uint64_t)pid * 4096;
		regtab_set_metrics(rt, e, &m);
		if (pid % 2 == 0)
			regtab_set_exited(rt, e, 1000 + pid);
	}
	/* A longer command line moves the entry; a new sample keeps exit. */
	e = regtab_set_cmd(rt, regtab_find_id(rt, 66),
	    "/bin/w --with-a-much-longer-command-line", 0);
	ATF_CHECK_STREQ(
	    rentry_cmd(e), "/bin/w --with-a-much-longer-command-line");
	memset(&m, 0, sizeof(m));
	m.valid = GP_MET_SAMPLE;
	m.rss_bytes = 66 * 4096;
	regtab_set_metrics(rt, e, &m);
	/* Every entry of the first page of IDs goes. */
	for (id = 1; id < 64; id++)
		regtab_remove(rt, regtab_find_id(rt, id));
	for (id = 1; id <= 300; id++) {
		if ((e = regtab_find_id(rt, id)) == NULL) {
			ATF_REQUIRE(id < 64);
			continue;
		}
		got = regtab_metrics(rt, e);
		if (id % 3 != 0) {
			ATF_CHECK_MSG(got == NULL, "id %" PRIu64, id);
			continue;
		}
		ATF_REQUIRE_MSG(got != NULL, "id %" PRIu64, id);
		ATF_CHECK_EQ(got->rss_bytes, id * 4096);
		ATF_CHECK_EQ((got->valid & GP_MET_EXITED) != 0, id % 2 == 0);
		ATF_CHECK_EQ(got->exited_at, id % 2 == 0 ? 1000 + id : 0);
		rentry_fill(rt, e, &ge);
		ATF_CHECK_EQ(ge.met.rss_bytes, id * 4096);
	}
	/* New entries, in a page where others were sampled, have none. */
	e = add(rt, 301, NULL, "", "", "/bin/w");
	ATF_CHECK(regtab_metrics(rt, e) == NULL);
	regtab_free(rt);
}

/* 100,000 entries; "rare" on every 10,000th, "common" on all. */
static struct regtab *
big_registry(void)
{
	struct regtab *rt;
	int32_t i;
	char name[32];

	rt = regtab_new();
	for (i = 1; i <= 100000; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		add(rt, i, i % 2 ? name : NULL,
		    i % 10000 == 0 ? "common,rare" : "common,web",
		    i % 3 ? "prod" : "dev", "/usr/bin/worker --serve");
	}
	return (rt);
}

ATF_TC(select_by_rare_tag_visits_only_its_entries);
ATF_TC_HEAD(select_by_rare_tag_visits_only_its_entries, tc)
{
	atf_tc_set_md_var(tc, "timeout", "300");
}
ATF_TC_BODY(select_by_rare_tag_visits_only_its_entries, tc)
{
	struct regtab *rt;
	struct gp_request *req;
	struct rentry **v;
	size_t n;
	uint64_t before;

	rt = big_registry();
	ATF_REQUIRE_EQ(regtab_count(rt), 100000);
	req = req_new();

	list_set(&req->tags, "rare");
	before = regtab_visits(rt);
	ATF_REQUIRE(regtab_select(rt, req, &v, &n) == 0);
	ATF_CHECK_EQ(n, 10);
	ATF_CHECK_EQ(regtab_visits(rt) - before, 10);
	ATF_CHECK_EQ(v[0]->id, 10000);
	ATF_CHECK_EQ(v[9]->id, 100000);
	free(v);

	/* With --tag-all, the rarest label drives the selection. */
	list_set(&req->tags, "");
	list_set(&req->tags_all, "common,rare");
	list_set(&req->groups, "prod,dev");
	before = regtab_visits(rt);
	ATF_REQUIRE(regtab_select(rt, req, &v, &n) == 0);
	ATF_CHECK_EQ(n, 10);
	ATF_CHECK_EQ(regtab_visits(rt) - before, 10);
	free(v);

	/* A name or a PID costs one visit. */
	list_set(&req->tags_all, "common");
	list_set(&req->names, "p99999");
	before = regtab_visits(rt);
	ATF_CHECK_STREQ(select_ids(rt, req), "99999");
	ATF_CHECK_EQ(regtab_visits(rt) - before, 1);
	list_set(&req->names, "");
	req->npids = 1;
	req->pids[0] = 5;
	before = regtab_visits(rt);
	ATF_CHECK_STREQ(select_ids(rt, req), "5");
	ATF_CHECK_EQ(regtab_visits(rt) - before, 1);

	/* Without an indexed selector, everything is visited. */
	memset(req, 0, sizeof(*req));
	strlcpy(req->search, "worker", sizeof(req->search));
	before = regtab_visits(rt);
	ATF_REQUIRE(regtab_select(rt, req, &v, &n) == 0);
	ATF_CHECK_EQ(n, 100000);
	ATF_CHECK_EQ(regtab_visits(rt) - before, 100000);
	free(v);

	free(req);
	regtab_free(rt);
}

ATF_TC(entries_stay_compact);
ATF_TC_HEAD(entries_stay_compact, tc)
{
	atf_tc_set_md_var(tc, "timeout", "300");
}
ATF_TC_BODY(entries_stay_compact, tc)
{
	struct regtab *rt;
	struct mallinfo2 before, full, after;
	size_t per;

	before = mallinfo2();
	rt = big_registry();
	full = mallinfo2();
	regtab_free(rt);
	after = mallinfo2();
	if (full.uordblks <= before.uordblks)
		atf_tc_skip("mallinfo2 does not see this allocator");
	per = (full.uordblks - before.uordblks) / 100000;
	printf("%zu bytes per entry, %zu left after regtab_free\n", per,
	    after.uordblks - before.uordblks);
	/* 64 MiB for the whole daemon at 100,000 entries. */
	ATF_CHECK_MSG(per < 320, "%zu bytes per entry", per);
	/* Chunks held in malloc's thread cache still count as used. */
	ATF_CHECK_MSG(after.uordblks < before.uordblks + 64 * 1024,
	    "%zu bytes left after regtab_free",
	    after.uordblks - before.uordblks);
}

ATF_TC_WITHOUT_HEAD(entries_are_counted_per_owner);
ATF_TC_BODY(entries_are_counted_per_owner, tc)
{
	struct regtab *rt;
	struct rentry *a, *b, *c;
	char err[256];

	rt = regtab_new();
	ATF_CHECK_EQ(regtab_uid_count(rt, 1000), 0);
	a = add(rt, 10, NULL, "", "", NULL);
	b = add(rt, 11, NULL, "", "", NULL);
	/* A stored entry counts as a new one does. */
	ATF_REQUIRE(add_full(rt, 40, 12, 12, BOOT_A, NULL, "", "", NULL, &c,
	                err, sizeof(err)) == REGTAB_OK);
	ATF_CHECK_EQ(regtab_uid_count(rt, 1000), 3);
	regtab_set_owner(rt, c, 0);
	ATF_CHECK_EQ(regtab_uid_count(rt, 1000), 2);
	ATF_CHECK_EQ(regtab_uid_count(rt, 0), 1);
	regtab_remove(rt, a);
	ATF_CHECK_EQ(regtab_uid_count(rt, 1000), 1);
	/* A new owner takes the entry's count with it. */
	regtab_set_owner(rt, b, 7);
	ATF_CHECK_EQ(regtab_uid_count(rt, 7), 1);
	ATF_CHECK_EQ(regtab_uid_count(rt, 1000), 0);
	regtab_remove(rt, b);
	ATF_CHECK_EQ(regtab_uid_count(rt, 1000), 0);
	ATF_CHECK_EQ(regtab_uid_count(rt, 7), 0);
	regtab_reset(rt);
	ATF_CHECK_EQ(regtab_uid_count(rt, 0), 0);
	regtab_free(rt);
}

/* The order of death a heap must keep: earlier, then lower ID. */
static int
died_before(const struct rentry *a, const struct rentry *b)
{
	if (a->dead_at != b->dead_at)
		return (a->dead_at < b->dead_at);
	return (a->id < b->id);
}

/*
 * Deaths, revivals and removals in a scrambled order: the first dead
 * entry is always the earliest, and the entries dead by a time are
 * exactly those, whatever the batch size.
 */
ATF_TC_WITHOUT_HEAD(dead_entries_by_time_of_death);
ATF_TC_BODY(dead_entries_by_time_of_death, tc)
{
	struct regtab *rt;
	struct rentry *e, *first, *m[600];
	size_t i, n, want, step;

	rt = regtab_new();
	for (i = 0; i < 600; i++)
		add(rt, 1000 + (int32_t)i, NULL, "", "", NULL);
	for (step = 0; step < 3000; step++) {
		i = (step * 7919) % 600;
		e = regtab_find_id(rt, i + 1);
		if (e == NULL)
			continue;
		if (step % 11 == 10) {
			regtab_remove(rt, e);
			continue;
		}
		/* Some share a time of death: the ID decides. */
		if (e->alive || step % 3 == 0)
			regtab_set_alive(rt, e, 0, (int64_t)((step * 31) % 97));
		else
			regtab_set_alive(rt, e, 1, 0);
		first = regtab_first_dead(rt);
		n = 0;
		for (e = regtab_first(rt); e != NULL; e = regtab_next(rt, e))
			if (!e->alive) {
				n++;
				ATF_REQUIRE(first != NULL);
				ATF_REQUIRE_MSG(!died_before(e, first),
				    "id %llu died before the first, %llu",
				    (unsigned long long)e->id,
				    (unsigned long long)first->id);
			}
		ATF_REQUIRE_EQ(n, regtab_dead_count(rt));
	}
	for (i = 0; i < 97; i += 8) {
		want = 0;
		for (e = regtab_first(rt); e != NULL; e = regtab_next(rt, e))
			if (!e->alive && e->dead_at <= (int64_t)i)
				want++;
		n = regtab_dead_until(rt, (int64_t)i, m, nitems(m));
		ATF_CHECK_EQ_MSG(
		    n, want, "dead by %zu: %zu, want %zu", i, n, want);
		for (; n > 0; n--) {
			ATF_CHECK(!m[n - 1]->alive);
			ATF_CHECK(m[n - 1]->dead_at <= (int64_t)i);
		}
		if (want > 2)
			ATF_CHECK_EQ(
			    regtab_dead_until(rt, (int64_t)i, m, 2), 2);
	}
	regtab_free(rt);
}

/*
 * The index by ID against a plain array: IDs inserted out of order and
 * far apart, pages emptied in the middle and at the end, lookups and
 * walks from every kind of place.
 */
/* Entry i's tags and groups: small labels and large ones, shared. */
static void
bulk_labels(size_t i, char *tags, char *groups, size_t len)
{
	snprintf(
	    tags, len, "t%zu,b%zu%s", i / 10, i % 7, i % 5 == 0 ? ",both" : "");
	snprintf(groups, len, "g%zu%s", i % 3, i % 4 == 0 ? ",both" : "");
}

#define BULK_PIDS 200 /* PIDs of bulk_load_builds_the_same_sets */

/* The IDs of a PID's entries, in the order the PID index gives them. */
static const char *
pid_ids(struct regtab *rt, int32_t pid)
{
	static char buf[4096];
	struct rentry *e;
	size_t len = 0;

	buf[0] = '\0';
	for (e = regtab_find_pid(rt, pid); e != NULL;
	     e = regtab_next_pid(rt, e)) {
		ATF_REQUIRE(e->pid == pid);
		len += snprintf(
		    buf + len, sizeof(buf) - len, "%" PRIu64 " ", e->id);
		ATF_REQUIRE(len < sizeof(buf));
	}
	return (buf);
}

/* Every label's members and every PID's entries in both tables are the same. */
static void
bulk_compare(struct regtab *a, struct regtab *b, size_t n)
{
	static char want[65536];
	struct gp_request *req;
	char lab[32];
	size_t i;
	int kind;

	for (i = 1; i <= BULK_PIDS + 1; i++) {
		strlcpy(want, pid_ids(a, (int32_t)i), sizeof(want));
		ATF_CHECK_STREQ_MSG(pid_ids(b, (int32_t)i), want, "pid %zu", i);
	}

	req = req_new();
	for (i = 0; i <= n / 10 + 8; i++) {
		for (kind = 0; kind < 2; kind++) {
			if (i < n / 10)
				snprintf(lab, sizeof(lab), "t%zu", i);
			else if (i < n / 10 + 7)
				snprintf(lab, sizeof(lab), "b%zu", i - n / 10);
			else if (i == n / 10 + 7)
				snprintf(lab, sizeof(lab), "both");
			else
				snprintf(lab, sizeof(lab), "g%d", kind);
			memset(req, 0, sizeof(*req));
			req->type = IMSG_CTL_LIST;
			list_set(kind == 0 ? &req->tags : &req->groups, lab);
			strlcpy(want, select_ids(a, req), sizeof(want));
			ATF_CHECK_STREQ_MSG(
			    select_ids(b, req), want, "label %s", lab);
			ATF_CHECK_EQ(regtab_label_count(a, kind, lab),
			    regtab_label_count(b, kind, lab));
		}
	}
	free(req);
}

ATF_TC_WITHOUT_HEAD(bulk_load_builds_the_same_sets);
ATF_TC_BODY(bulk_load_builds_the_same_sets, tc)
{
	struct regtab *rt[2];
	struct rentry *e;
	char tags[64], groups[64], err[256];
	size_t i, j, changed[2];
	const size_t n = 600;

	for (j = 0; j < 2; j++) {
		rt[j] = regtab_new();
		if (j == 1)
			regtab_bulk(rt[j], 1);
		for (i = 0; i < n; i++) {
			bulk_labels(i, tags, groups, sizeof(tags));
			/* Three entries a PID, in the order of their IDs. */
			ATF_REQUIRE_MSG(
			    add_full(rt[j], i + 1, (int32_t)(i % BULK_PIDS) + 1,
			        1, BOOT_A, NULL, tags, groups, NULL, &e, err,
			        sizeof(err)) == REGTAB_OK,
			    "%s", err);
		}
		regtab_bulk(rt[j], 0);
	}
	bulk_compare(rt[0], rt[1], n);
	ATF_CHECK_STREQ(pid_ids(rt[1], 1), "1 201 401 ");
	ATF_CHECK_STREQ(pid_ids(rt[1], BULK_PIDS), "200 400 600 ");
	/* The sets are hash sets now: removals, renames and adds work. */
	for (j = 0; j < 2; j++) {
		for (i = 1; i <= n; i += 3)
			regtab_remove(rt[j], regtab_find_id(rt[j], i));
		ATF_REQUIRE(regtab_rename(rt[j], REGTAB_TAG, "b3", "both",
		                &changed[j], err, sizeof(err)) == REGTAB_OK);
		ATF_REQUIRE(regtab_rename(rt[j], REGTAB_GROUP, "g1", "g2",
		                &changed[j], err, sizeof(err)) == REGTAB_OK);
		e = add(rt[j], 99999, NULL, "both,b0", "g2", NULL);
		ATF_CHECK_EQ(e->id, n + 1);
	}
	bulk_compare(rt[0], rt[1], n);
	regtab_free(rt[0]);
	regtab_free(rt[1]);
	/* A table freed while it loads frees its arrays. */
	rt[0] = regtab_new();
	regtab_bulk(rt[0], 1);
	ATF_REQUIRE(add_full(rt[0], 5, 7, 1, BOOT_A, NULL, "a,b", "c", NULL,
	                NULL, err, sizeof(err)) == REGTAB_OK);
	regtab_free(rt[0]);
}

/*
 * The hashes (PIDs, names, labels, label sets) through growth, shrinking
 * and regrowth, checked against a plain array after every step: entries
 * come and go at random, many share a PID or a tag, so that probe paths
 * wrap around the end of tables of every capacity, and groups of one or
 * two members come and go, so that the indexes of freed labels are
 * handed out again.
 */
#define CHURN_SLOTS 3000
#define CHURN_PIDS 1200
#define CHURN_TAGS 40
#define CHURN_GROUPS 4000

ATF_TC_WITHOUT_HEAD(hashes_survive_churn);
ATF_TC_BODY(hashes_survive_churn, tc)
{
	static struct rentry *have[CHURN_SLOTS];
	static int32_t pid_of[CHURN_SLOTS];
	static size_t tag_of[CHURN_SLOTS];
	static size_t group_of[CHURN_SLOTS];
	static const char *boots[] = { "", BOOT_A, BOOT_B };
	struct regtab *rt;
	struct rentry *e, *low;
	char name[32], tag[32], group[32], cmd[64], err[256];
	uint64_t x = 88172645463325252ULL;
	size_t step, i, k, n, want;
	uint64_t prev;
	int32_t pid;
	int grow;

	rt = regtab_new();
	for (step = 0; step < 60000; step++) {
		/* Grow to most slots, shrink to none, and again. */
		grow = (step / 15000) % 2 == 0;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		i = x % CHURN_SLOTS;
		if (have[i] == NULL && (grow || x % 8 == 0)) {
			pid = (int32_t)((x >> 20) % CHURN_PIDS) + 1;
			tag_of[i] = (x >> 40) % CHURN_TAGS;
			/* Groups of a member or two: labels freed and reused. */
			group_of[i] = (x >> 8) % CHURN_GROUPS;
			snprintf(name, sizeof(name), "n%zu", i);
			snprintf(tag, sizeof(tag), "t%zu", tag_of[i]);
			snprintf(group, sizeof(group), "g%zu", group_of[i]);
			ATF_REQUIRE_MSG(
			    add_full(rt, 0, pid, (uint64_t)step + 1,
			        boots[i % 3], i % 2 ? name : NULL, tag, group,
			        NULL, &have[i], err, sizeof(err)) == REGTAB_OK,
			    "%s", err);
			pid_of[i] = pid;
		} else if (have[i] != NULL && x % 16 == 1) {
			/*
			 * A longer command line: the entry is put back in
			 * every index under its own, older ID.
			 */
			n = strlen(rentry_cmd(have[i]));
			if (n + 1 < sizeof(cmd)) {
				memset(cmd, 'c', n + 1);
				cmd[n + 1] = '\0';
				have[i] = regtab_set_cmd(rt, have[i], cmd, 0);
			}
		} else if (have[i] != NULL && (!grow || x % 8 == 0)) {
			regtab_remove(rt, have[i]);
			have[i] = NULL;
		}
		if (step % 211 != 0)
			continue;
		for (i = 0, n = 0; i < CHURN_SLOTS; i++) {
			if (have[i] == NULL)
				continue;
			n++;
			/* Its PID's chain starts at the lowest ID and has it. */
			low = regtab_find_pid(rt, pid_of[i]);
			ATF_REQUIRE(low != NULL && low->id <= have[i]->id);
			for (e = low; e != NULL && e != have[i];
			     e = regtab_next_pid(rt, e))
				ATF_REQUIRE(e->pid == pid_of[i]);
			ATF_REQUIRE_MSG(e == have[i], "step %zu: pid %d", step,
			    (int)pid_of[i]);
			snprintf(name, sizeof(name), "n%zu", i);
			ATF_REQUIRE((regtab_find_name(rt, name) == have[i]) ==
			    (i % 2 == 1));
			/* Labels come and go; each entry keeps its own. */
			snprintf(tag, sizeof(tag), "t%zu", tag_of[i]);
			snprintf(group, sizeof(group), "g%zu", group_of[i]);
			ATF_REQUIRE_STREQ(labels(rt, have[i], REGTAB_TAG), tag);
			ATF_REQUIRE_STREQ(
			    labels(rt, have[i], REGTAB_GROUP), group);
			ATF_REQUIRE(
			    regtab_label_count(rt, REGTAB_GROUP, group) > 0);
			ATF_REQUIRE_STREQ(
			    rentry_boot_id(rt, have[i]), boots[i % 3]);
		}
		ATF_REQUIRE_EQ(regtab_count(rt), n);
		for (k = 0; k < CHURN_TAGS; k++) {
			for (i = 0, want = 0; i < CHURN_SLOTS; i++)
				if (have[i] != NULL && tag_of[i] == k)
					want++;
			snprintf(tag, sizeof(tag), "t%zu", k);
			ATF_REQUIRE_EQ(
			    regtab_label_count(rt, REGTAB_TAG, tag), want);
			ATF_REQUIRE_EQ(
			    regtab_label_count(rt, REGTAB_GROUP, tag), 0);
		}
		/* Each PID's entries, all of them, in the order of IDs. */
		for (pid = 1; pid <= CHURN_PIDS; pid++) {
			for (i = 0, want = 0; i < CHURN_SLOTS; i++)
				if (have[i] != NULL && pid_of[i] == pid)
					want++;
			for (e = regtab_find_pid(rt, pid), n = 0, prev = 0;
			     e != NULL; e = regtab_next_pid(rt, e), n++) {
				ATF_REQUIRE(e->pid == pid && e->id > prev);
				prev = e->id;
			}
			ATF_REQUIRE_EQ(n, want);
		}
	}
	regtab_free(rt);
}

ATF_TC_WITHOUT_HEAD(ids_index_finds_and_walks);
ATF_TC_BODY(ids_index_finds_and_walks, tc)
{
	static struct rentry *have[8192];
	struct regtab *rt;
	struct rentry *e;
	char err[256];
	uint64_t id, want;
	size_t step, n;

	rt = regtab_new();
	for (step = 0; step < 20000; step++) {
		/* Four IDs a page at most, so that pages empty often. */
		id = (step * 7919) % 509 * 16 + 1;
		if (step % 500 == 0)
			id = 8140 + step % 40;
		e = regtab_find_id(rt, id);
		ATF_REQUIRE_MSG(
		    e == have[id], "find %llu", (unsigned long long)id);
		if (e != NULL && step % 3 != 0) {
			regtab_remove(rt, e);
			have[id] = NULL;
		} else if (e == NULL) {
			ATF_REQUIRE_MSG(
			    add_full(rt, id, (int32_t)id, 0, "", NULL, "", "",
			        NULL, &e, err, sizeof(err)) == REGTAB_OK,
			    "%s", err);
			have[id] = e;
		}
		if (step % 97 != 0)
			continue;
		/* Every walk, and from every ID, agrees with the array. */
		e = regtab_first(rt);
		for (id = 1, n = 0; id < nitems(have); id++) {
			if (have[id] == NULL)
				continue;
			ATF_REQUIRE_MSG(e == have[id], "walk at %llu",
			    (unsigned long long)id);
			e = regtab_next(rt, e);
			n++;
		}
		ATF_REQUIRE(e == NULL);
		ATF_REQUIRE_EQ(n, regtab_count(rt));
		for (id = 0; id < nitems(have); id += 5) {
			for (want = id;
			     want < nitems(have) && have[want] == NULL; want++)
				;
			e = regtab_from_id(rt, id);
			ATF_REQUIRE_MSG(
			    e == (want < nitems(have) ? have[want] : NULL),
			    "from %llu", (unsigned long long)id);
		}
	}
	regtab_reset(rt);
	ATF_CHECK(regtab_first(rt) == NULL);
	ATF_CHECK_EQ(add(rt, 5, NULL, "", "", NULL)->id, 1);
	regtab_free(rt);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, ids_are_monotonic_and_never_reused);
	ATF_TP_ADD_TC(tp, ids_index_finds_and_walks);
	ATF_TP_ADD_TC(tp, bulk_load_builds_the_same_sets);
	ATF_TP_ADD_TC(tp, dead_entries_by_time_of_death);
	ATF_TP_ADD_TC(tp, stored_id_moves_next_id);
	ATF_TP_ADD_TC(tp, no_selector_lists_everything_by_id);
	ATF_TP_ADD_TC(tp, select_tag_matches_any);
	ATF_TP_ADD_TC(tp, select_tag_all_needs_every_tag);
	ATF_TP_ADD_TC(tp, select_group_matches_any);
	ATF_TP_ADD_TC(tp, select_group_all_needs_every_group);
	ATF_TP_ADD_TC(tp, select_pid_finds_every_entry_of_a_pid);
	ATF_TP_ADD_TC(tp, select_id);
	ATF_TP_ADD_TC(tp, select_name_is_exact);
	ATF_TP_ADD_TC(tp, select_alive_skips_dead_entries);
	ATF_TP_ADD_TC(tp, select_search_is_a_substring_of_the_command);
	ATF_TP_ADD_TC(tp, selector_kinds_are_anded);
	ATF_TP_ADD_TC(tp, name_rules);
	ATF_TP_ADD_TC(tp, duplicate_name_names_its_holder);
	ATF_TP_ADD_TC(tp, duplicate_process_is_refused);
	ATF_TP_ADD_TC(tp, reused_pid_is_accepted);
	ATF_TP_ADD_TC(tp, labels_are_trimmed_sorted_sets);
	ATF_TP_ADD_TC(tp, invalid_label_is_refused);
	ATF_TP_ADD_TC(tp, rename_tag);
	ATF_TP_ADD_TC(tp, rename_group);
	ATF_TP_ADD_TC(tp, rename_merges_into_existing_label);
	ATF_TP_ADD_TC(tp, rename_to_itself_or_unknown_changes_nothing);
	ATF_TP_ADD_TC(tp, rename_to_invalid_label_changes_nothing);
	ATF_TP_ADD_TC(tp, remove_leaves_every_index);
	ATF_TP_ADD_TC(tp, reset_restarts_ids_at_one);
	ATF_TP_ADD_TC(tp, fill_copies_every_field);
	ATF_TP_ADD_TC(tp, setters_change_liveness_and_identity);
	ATF_TP_ADD_TC(tp, command_is_kept_as_valid_utf8);
	ATF_TP_ADD_TC(tp, metrics_stay_with_their_entry);
	ATF_TP_ADD_TC(tp, string_hash_is_keyed);
	ATF_TP_ADD_TC(tp, pid_of_many_entries);
	ATF_TP_ADD_TC(tp, select_by_rare_tag_visits_only_its_entries);
	ATF_TP_ADD_TC(tp, entries_stay_compact);
	ATF_TP_ADD_TC(tp, entries_are_counted_per_owner);
	ATF_TP_ADD_TC(tp, hashes_survive_churn);
	return (atf_no_error());
}

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
 * The journal: one JSON object per line, each with a strictly increasing
 * "seq" and an "op", appended after every mutation and folded into the
 * snapshot by compaction.
 *
 *	{"seq":7,"op":"add","proc":{...as in the snapshot...}}
 *	{"seq":8,"op":"rm","id":12}
 *	{"seq":9,"op":"alive","id":12,"alive":false,"last_seen":"...",
 *	    "dead_at":"..."}
 *	{"seq":10,"op":"seen","last_seen":"...","ids":[3,4,12]}
 *	{"seq":11,"op":"seen","last_seen":"..."}	(every alive entry)
 *	{"seq":12,"op":"rename","kind":"tag","from":"db","to":"database"}
 *	{"seq":13,"op":"reset"}
 *	{"seq":14,"op":"ident","id":3,"start_ticks":81234,"boot_id":"..."}
 *	{"seq":15,"op":"cmd","id":3,"cmd":"sleep 10","cmd_source":"proc"}
 *	{"seq":16,"op":"update","ids":[3,4],"name":null,"add_tags":["a"],
 *	    "rm_tags":[],"add_groups":[],"rm_groups":["b"]}
 *
 * "dead_at" (when the entry was seen to die) may be absent from an
 * "alive" record of an older journal.  An "update" applies the same
 * changes to every entry in "ids", as goprocctl update asked: "name"
 * null keeps the name, "" takes it away, another string (for one entry
 * only) gives it.
 */

#include <sys/types.h>

#include <inttypes.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goproc.h"
#include "log.h"
#include "regtab.h"
#include "store.h"
#include "util.h"

static json_t *jrec(uint64_t, const char *);
static int jput(json_t *, const char *, json_t *);
static char *jline(json_t *, int, size_t *);
static int get_entry(struct regtab *, const json_t *, const char *,
    struct rentry **, char *, size_t);
static int get_string(
    const json_t *, const char *, const char **, char *, size_t);
static int replay_line(struct regtab *, const char *, size_t, uint64_t,
    uint64_t *, int64_t *, char *, size_t);
static int replay_add(struct regtab *, json_t *, int64_t *, char *, size_t);
static int replay_rm(struct regtab *, json_t *, int64_t *, char *, size_t);
static int replay_alive(struct regtab *, json_t *, int64_t *, char *, size_t);
static int replay_seen(struct regtab *, json_t *, int64_t *, char *, size_t);
static int replay_rename(struct regtab *, json_t *, int64_t *, char *, size_t);
static int replay_reset(struct regtab *, json_t *, int64_t *, char *, size_t);
static int replay_ident(struct regtab *, json_t *, int64_t *, char *, size_t);
static int replay_cmd(struct regtab *, json_t *, int64_t *, char *, size_t);
static int replay_update(struct regtab *, json_t *, int64_t *, char *, size_t);

/* The journal's operations, and how replay applies each. */
static const struct {
	const char *op;
	int (*apply)(struct regtab *, json_t *, int64_t *, char *, size_t);
} replay_ops[] = {
	{ "add", replay_add },
	{ "rm", replay_rm },
	{ "alive", replay_alive },
	{ "seen", replay_seen },
	{ "rename", replay_rename },
	{ "reset", replay_reset },
	{ "ident", replay_ident },
	{ "cmd", replay_cmd },
	{ "update", replay_update },
};

static json_t *
jrec(uint64_t seq, const char *op)
{
	json_t *o;

	if ((o = json_object()) == NULL)
		fatal(NULL);
	if (jput(o, "seq", json_integer((json_int_t)seq)) == -1 ||
	    jput(o, "op", json_string(op)) == -1)
		fatal(NULL);
	return (o);
}

static int
jput(json_t *o, const char *key, json_t *v)
{
	if (v == NULL)
		return (-1);
	return (json_object_set_new(o, key, v));
}

/* Dump a record as one line and free it; NULL if ok is false. */
static char *
jline(json_t *o, int ok, size_t *lenp)
{
	char *s, *line;
	size_t len;

	if (!ok) {
		json_decref(o);
		return (NULL);
	}
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL)
		fatal(NULL);
	len = strlen(s);
	if ((line = realloc(s, len + 2)) == NULL)
		fatal(NULL);
	line[len] = '\n';
	line[len + 1] = '\0';
	if (lenp != NULL)
		*lenp = len + 1;
	return (line);
}

/*
 * Encoders.  Each returns a new line ending in '\n' (and its length in
 * *lenp), or NULL when a string cannot be stored (invalid UTF-8).
 */

char *
journal_add(
    const struct regtab *rt, uint64_t seq, const struct rentry *e, size_t *lenp)
{
	json_t *o;

	o = jrec(seq, "add");
	return (jline(o, jput(o, "proc", store_entry_json(rt, e)) == 0, lenp));
}

char *
journal_rm(uint64_t seq, uint64_t id, size_t *lenp)
{
	json_t *o;

	o = jrec(seq, "rm");
	return (
	    jline(o, jput(o, "id", json_integer((json_int_t)id)) == 0, lenp));
}

char *
journal_alive(uint64_t seq, uint64_t id, int alive, int64_t last_seen,
    int64_t dead_at, size_t *lenp)
{
	json_t *o;
	char tbuf[STORE_TIME_LEN], dbuf[STORE_TIME_LEN];
	int ok;

	o = jrec(seq, "alive");
	store_time_format(last_seen, tbuf, sizeof(tbuf));
	ok = jput(o, "id", json_integer((json_int_t)id)) == 0 &&
	    jput(o, "alive", json_boolean(alive)) == 0 &&
	    jput(o, "last_seen", json_string(tbuf)) == 0;
	if (ok && !alive && dead_at > 0) {
		store_time_format(dead_at, dbuf, sizeof(dbuf));
		ok = jput(o, "dead_at", json_string(dbuf)) == 0;
	}
	return (jline(o, ok, lenp));
}

/*
 * The entries in ids were seen alive at last_seen; without ids (n 0),
 * every entry alive at this point of the journal was.
 */
char *
journal_seen(uint64_t seq, int64_t last_seen, const uint64_t *ids, size_t n,
    size_t *lenp)
{
	json_t *o, *a;
	char tbuf[STORE_TIME_LEN];
	size_t i;

	o = jrec(seq, "seen");
	store_time_format(last_seen, tbuf, sizeof(tbuf));
	if (jput(o, "last_seen", json_string(tbuf)) == -1)
		fatal(NULL);
	if (n == 0)
		return (jline(o, 1, lenp));
	if ((a = json_array()) == NULL)
		fatal(NULL);
	for (i = 0; i < n; i++)
		if (json_array_append_new(
		        a, json_integer((json_int_t)ids[i])) == -1)
			fatal(NULL);
	return (jline(o, jput(o, "ids", a) == 0, lenp));
}

char *
journal_rename(
    uint64_t seq, int kind, const char *from, const char *to, size_t *lenp)
{
	json_t *o;

	o = jrec(seq, "rename");
	return (jline(o,
	    jput(o, "kind",
	        json_string(kind == REGTAB_GROUP ? "group" : "tag")) == 0 &&
	        jput(o, "from", json_string(from)) == 0 &&
	        jput(o, "to", json_string(to)) == 0,
	    lenp));
}

char *
journal_reset(uint64_t seq, size_t *lenp)
{
	return (jline(jrec(seq, "reset"), 1, lenp));
}

char *
journal_ident(uint64_t seq, uint64_t id, uint64_t start_ticks,
    const char *boot_id, size_t *lenp)
{
	json_t *o;

	o = jrec(seq, "ident");
	return (jline(o,
	    jput(o, "id", json_integer((json_int_t)id)) == 0 &&
	        jput(o, "start_ticks", json_integer((json_int_t)start_ticks)) ==
	            0 &&
	        jput(o, "boot_id", json_string(boot_id)) == 0,
	    lenp));
}

/* The command line of an entry was read again (run, after its exec). */
char *
journal_cmd(
    uint64_t seq, uint64_t id, const char *cmd, int client, size_t *lenp)
{
	json_t *o;

	o = jrec(seq, "cmd");
	return (jline(o,
	    jput(o, "id", json_integer((json_int_t)id)) == 0 &&
	        jput(o, "cmd", json_string(cmd)) == 0 &&
	        jput(o, "cmd_source",
	            json_string(client ? "client" : "proc")) == 0,
	    lenp));
}

static json_t *
jlabels(const struct gp_strlist *l)
{
	json_t *a;
	uint32_t i;

	if ((a = json_array()) == NULL)
		fatal(NULL);
	for (i = 0; i < l->n && i < GP_SEL_MAX; i++)
		if (json_array_append_new(a, json_string(l->v[i])) == -1) {
			json_decref(a);
			return (NULL);
		}
	return (a);
}

/*
 * update: the changes of req, made to the n entries in ids.  The name
 * goes to one entry only.
 */
char *
journal_update(uint64_t seq, const uint64_t *ids, size_t n,
    const struct gp_request *req, size_t *lenp)
{
	json_t *o, *a, *name;
	size_t i;

	o = jrec(seq, "update");
	if ((a = json_array()) == NULL)
		fatal(NULL);
	for (i = 0; i < n; i++)
		if (json_array_append_new(
		        a, json_integer((json_int_t)ids[i])) == -1)
			fatal(NULL);
	if (req->flags & GP_REQ_NONAME)
		name = json_string("");
	else if (req->name[0] != '\0')
		name = json_string(req->name);
	else
		name = json_null();
	return (jline(o,
	    jput(o, "ids", a) == 0 && jput(o, "name", name) == 0 &&
	        jput(o, "add_tags", jlabels(&req->add_tags)) == 0 &&
	        jput(o, "rm_tags", jlabels(&req->rm_tags)) == 0 &&
	        jput(o, "add_groups", jlabels(&req->add_groups)) == 0 &&
	        jput(o, "rm_groups", jlabels(&req->rm_groups)) == 0,
	    lenp));
}

/*
 * Replay.
 */

/* The entry named by an ID member; an unknown ID is an error. */
static int
get_entry(struct regtab *rt, const json_t *o, const char *key,
    struct rentry **ep, char *err, size_t errlen)
{
	int64_t id;

	if (store_get_int(o, key, 1, 1, REGTAB_ID_MAX, &id, err, errlen) == -1)
		return (-1);
	if ((*ep = regtab_find_id(rt, id)) == NULL) {
		snprintf(err, errlen, "%s: unknown id %" PRId64, key, id);
		return (-1);
	}
	return (0);
}

static int
get_string(
    const json_t *o, const char *key, const char **sp, char *err, size_t errlen)
{
	json_t *v;
	char dbuf[64];

	if ((v = json_object_get(o, key)) == NULL) {
		snprintf(err, errlen, "%s: missing", key);
		return (-1);
	}
	if (!json_is_string(v)) {
		snprintf(err, errlen, "%s: must be a string, got %s", key,
		    store_json_describe(v, dbuf, sizeof(dbuf)));
		return (-1);
	}
	*sp = json_string_value(v);
	return (0);
}

/* {"op":"add","proc":{...}} */
static int
replay_add(
    struct regtab *rt, json_t *o, int64_t *seen_allp, char *err, size_t errlen)
{
	json_t *v;

	if ((v = json_object_get(o, "proc")) == NULL) {
		snprintf(err, errlen, "proc: missing");
		return (-1);
	}
	return (store_entry_load(rt, v, "proc", NULL, err, errlen));
}

/* {"op":"rm","id":12} */
static int
replay_rm(
    struct regtab *rt, json_t *o, int64_t *seen_allp, char *err, size_t errlen)
{
	struct rentry *e;

	if (get_entry(rt, o, "id", &e, err, errlen) == -1)
		return (-1);
	regtab_remove(rt, e);
	return (0);
}

/* {"op":"alive","id":12,"alive":false,"last_seen":"..."} */
static int
replay_alive(
    struct regtab *rt, json_t *o, int64_t *seen_allp, char *err, size_t errlen)
{
	struct rentry *e;
	json_t *v;
	char dbuf[64];
	int64_t when, dead_at;

	if (get_entry(rt, o, "id", &e, err, errlen) == -1 ||
	    store_get_time(o, "last_seen", &when, err, errlen) == -1)
		return (-1);
	if (!json_is_boolean(v = json_object_get(o, "alive"))) {
		snprintf(err, errlen, "alive: must be true or false, got %s",
		    v == NULL ? "nothing" :
		                store_json_describe(v, dbuf, sizeof(dbuf)));
		return (-1);
	}
	dead_at = 0;
	if (json_object_get(o, "dead_at") != NULL &&
	    store_get_time(o, "dead_at", &dead_at, err, errlen) == -1)
		return (-1);
	if (json_is_true(v) && dead_at != 0) {
		snprintf(err, errlen, "dead_at: for a dead entry only");
		return (-1);
	}
	regtab_set_alive(rt, e, json_is_true(v), dead_at);
	regtab_set_seen(e, when);
	return (0);
}

/* {"op":"seen","last_seen":"...","ids":[3,4,12]}, or without ids */
static int
replay_seen(
    struct regtab *rt, json_t *o, int64_t *seen_allp, char *err, size_t errlen)
{
	struct rentry *e;
	json_t *v;
	char dbuf[64];
	int64_t when;
	size_t i;

	if (store_get_time(o, "last_seen", &when, err, errlen) == -1)
		return (-1);
	if ((v = json_object_get(o, "ids")) == NULL) {
		if (when > *seen_allp)
			*seen_allp = when;
		return (0);
	}
	if (!json_is_array(v)) {
		snprintf(err, errlen, "ids: must be an array, got %s",
		    store_json_describe(v, dbuf, sizeof(dbuf)));
		return (-1);
	}
	for (i = 0; i < json_array_size(v); i++) {
		if (!json_is_integer(json_array_get(v, i)) ||
		    (e = regtab_find_id(rt,
		         json_integer_value(json_array_get(v, i)))) == NULL) {
			snprintf(err, errlen, "ids[%zu]: unknown id %s", i,
			    store_json_describe(
			        json_array_get(v, i), dbuf, sizeof(dbuf)));
			return (-1);
		}
		regtab_set_seen(e, when);
	}
	return (0);
}

/* {"op":"rename","kind":"tag","from":"db","to":"database"} */
static int
replay_rename(
    struct regtab *rt, json_t *o, int64_t *seen_allp, char *err, size_t errlen)
{
	const char *k, *from, *to;
	char msg[256];
	size_t changed;
	int kind;

	if (get_string(o, "kind", &k, err, errlen) == -1 ||
	    get_string(o, "from", &from, err, errlen) == -1 ||
	    get_string(o, "to", &to, err, errlen) == -1)
		return (-1);
	if (strcmp(k, "tag") == 0)
		kind = REGTAB_TAG;
	else if (strcmp(k, "group") == 0)
		kind = REGTAB_GROUP;
	else {
		snprintf(err, errlen, "kind: must be \"tag\" or \"group\"");
		return (-1);
	}
	if (regtab_rename(rt, kind, from, to, &changed, msg, sizeof(msg)) !=
	    REGTAB_OK) {
		snprintf(err, errlen, "rename: %s", msg);
		return (-1);
	}
	return (0);
}

/* {"op":"reset"} */
static int
replay_reset(
    struct regtab *rt, json_t *o, int64_t *seen_allp, char *err, size_t errlen)
{
	regtab_reset(rt);
	*seen_allp = 0;
	return (0);
}

/* {"op":"ident","id":3,"start_ticks":81234,"boot_id":"..."} */
static int
replay_ident(
    struct regtab *rt, json_t *o, int64_t *seen_allp, char *err, size_t errlen)
{
	struct rentry *e;
	const char *boot;
	char msg[256];
	int64_t ticks;

	if (get_entry(rt, o, "id", &e, err, errlen) == -1 ||
	    store_get_int(
	        o, "start_ticks", 1, 0, INT64_MAX, &ticks, err, errlen) == -1 ||
	    get_string(o, "boot_id", &boot, err, errlen) == -1)
		return (-1);
	if (regtab_set_identity(rt, e, ticks, boot, msg, sizeof(msg)) == -1) {
		snprintf(err, errlen, "boot_id: %s", msg);
		return (-1);
	}
	return (0);
}

/* {"op":"cmd","id":3,"cmd":"sleep 10","cmd_source":"proc"} */
static int
replay_cmd(
    struct regtab *rt, json_t *o, int64_t *seen_allp, char *err, size_t errlen)
{
	struct rentry *e;
	const char *cmd, *src;

	if (get_entry(rt, o, "id", &e, err, errlen) == -1 ||
	    get_string(o, "cmd", &cmd, err, errlen) == -1 ||
	    get_string(o, "cmd_source", &src, err, errlen) == -1)
		return (-1);
	if (json_string_length(json_object_get(o, "cmd")) > GP_CMD_MAX ||
	    strlen(cmd) != json_string_length(json_object_get(o, "cmd"))) {
		snprintf(err, errlen,
		    "cmd: must be a string of at most %d bytes without NUL",
		    GP_CMD_MAX);
		return (-1);
	}
	if (strcmp(src, "proc") != 0 && strcmp(src, "client") != 0) {
		snprintf(
		    err, errlen, "cmd_source: must be \"proc\" or \"client\"");
		return (-1);
	}
	(void)regtab_set_cmd(rt, e, cmd, strcmp(src, "client") == 0);
	return (0);
}

/* One list of labels of an update record, each as a tag must be. */
static int
get_labels(const json_t *o, const char *key, struct gp_strlist *l, char *err,
    size_t errlen)
{
	json_t *a, *v;
	const char *errstr;
	char dbuf[64], clean[GP_LABEL_MAX + 1];
	size_t i;

	memset(l, 0, sizeof(*l));
	if ((a = json_object_get(o, key)) == NULL || !json_is_array(a)) {
		snprintf(err, errlen, "%s: must be an array, got %s", key,
		    a == NULL ? "nothing" :
		                store_json_describe(a, dbuf, sizeof(dbuf)));
		return (-1);
	}
	if (json_array_size(a) > GP_LABELS_MAX) {
		snprintf(
		    err, errlen, "%s: more than %d labels", key, GP_LABELS_MAX);
		return (-1);
	}
	json_array_foreach(a, i, v)
	{
		errstr = NULL;
		if (!json_is_string(v))
			errstr = "must be a string";
		else if (json_string_length(v) > GP_LABEL_MAX ||
		    strlen(json_string_value(v)) != json_string_length(v))
			errstr = "too long, or has a NUL";
		else if (gp_label_clean(json_string_value(v), clean,
		             sizeof(clean), &errstr) == -1)
			;
		else if (strcmp(clean, json_string_value(v)) != 0)
			errstr = "has surrounding spaces";
		else if (gp_strlist_has(l, clean))
			errstr = "repeated";
		else if (gp_strlist_add(l, clean, sizeof(clean), &errstr) == 0)
			continue;
		snprintf(err, errlen, "%s[%zu]: %s", key, i, errstr);
		return (-1);
	}
	return (0);
}

/* The name of an update record, into req: null, "" or a name. */
static int
get_update_name(
    const json_t *o, struct gp_request *req, char *err, size_t errlen)
{
	json_t *v;
	const char *errstr;
	char dbuf[64];

	if ((v = json_object_get(o, "name")) == NULL) {
		snprintf(err, errlen, "name: missing");
		return (-1);
	}
	if (json_is_null(v))
		return (0);
	if (!json_is_string(v)) {
		snprintf(err, errlen, "name: must be null or a string, got %s",
		    store_json_describe(v, dbuf, sizeof(dbuf)));
		return (-1);
	}
	if (json_string_length(v) == 0) {
		req->flags |= GP_REQ_NONAME;
		return (0);
	}
	errstr = "too long";
	if (json_string_length(v) > GP_NAME_MAX ||
	    gp_valid_name(json_string_value(v), &errstr) == -1) {
		snprintf(err, errlen, "name: %s", errstr);
		return (-1);
	}
	(void)strlcpy(req->name, json_string_value(v), sizeof(req->name));
	return (0);
}

/* {"op":"update","ids":[3,4],"name":null,"add_tags":[...],...} */
static int
replay_update(
    struct regtab *rt, json_t *o, int64_t *seen_allp, char *err, size_t errlen)
{
	static struct gp_request req;
	static struct gp_entry ge;
	struct rentry *e, *holder;
	json_t *ids, *v;
	char msg[128], dbuf[64];
	uint32_t changed;
	size_t i;

	memset(&req, 0, sizeof(req));
	if (get_update_name(o, &req, err, errlen) == -1 ||
	    get_labels(o, "add_tags", &req.add_tags, err, errlen) == -1 ||
	    get_labels(o, "rm_tags", &req.rm_tags, err, errlen) == -1 ||
	    get_labels(o, "add_groups", &req.add_groups, err, errlen) == -1 ||
	    get_labels(o, "rm_groups", &req.rm_groups, err, errlen) == -1)
		return (-1);
	if ((ids = json_object_get(o, "ids")) == NULL || !json_is_array(ids) ||
	    json_array_size(ids) == 0) {
		snprintf(err, errlen, "ids: must be an array of ids");
		return (-1);
	}
	if (req.name[0] != '\0' && json_array_size(ids) != 1) {
		snprintf(err, errlen, "name: for one entry only, got %zu ids",
		    json_array_size(ids));
		return (-1);
	}
	json_array_foreach(ids, i, v)
	{
		if (!json_is_integer(v) ||
		    (e = regtab_find_id(rt, json_integer_value(v))) == NULL) {
			snprintf(err, errlen, "ids[%zu]: unknown id %s", i,
			    store_json_describe(v, dbuf, sizeof(dbuf)));
			return (-1);
		}
		if (regtab_edit(rt, e, &req, &ge, &changed, msg, sizeof(msg)) ==
		    -1) {
			snprintf(err, errlen, "ids[%zu]: %s", i, msg);
			return (-1);
		}
		if (req.name[0] != '\0' &&
		    (holder = regtab_find_name(rt, req.name)) != NULL &&
		    holder != e) {
			snprintf(err, errlen,
			    "name: \"%s\" is already in use by id %" PRIu64,
			    req.name, holder->id);
			return (-1);
		}
		if (changed != 0)
			(void)regtab_replace(rt, e, &ge);
	}
	return (0);
}

/*
 * Check and apply one record; *prevp is the seq of the one before.  A
 * "seen" of every alive entry is not applied to each of them at once:
 * *seen_allp keeps the latest, and the caller applies it at the end.
 */
static int
replay_line(struct regtab *rt, const char *p, size_t len, uint64_t snap_seq,
    uint64_t *prevp, int64_t *seen_allp, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *o;
	const char *op;
	char dbuf[64];
	int64_t seq;
	size_t i;
	int rv = -1;

	if (len == 0) {
		snprintf(err, errlen, "empty line");
		return (-1);
	}
	if (len > JOURNAL_LINE_MAX) {
		snprintf(err, errlen, "longer than %d bytes", JOURNAL_LINE_MAX);
		return (-1);
	}
	if ((o = json_loadb(p, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	         &jerr)) == NULL) {
		snprintf(err, errlen, "invalid JSON at column %d: %s",
		    jerr.column, gp_json_error_text(&jerr));
		return (-1);
	}
	if (!json_is_object(o)) {
		snprintf(err, errlen, "must be an object, got %s",
		    store_json_describe(o, dbuf, sizeof(dbuf)));
		goto done;
	}
	if (store_get_int(o, "seq", 1, 1, INT64_MAX, &seq, err, errlen) == -1 ||
	    get_string(o, "op", &op, err, errlen) == -1)
		goto done;
	if ((uint64_t)seq <= *prevp) {
		snprintf(err, errlen,
		    "seq: %" PRId64 " does not follow %" PRIu64, seq, *prevp);
		goto done;
	}
	for (i = 0; i < nitems(replay_ops); i++)
		if (strcmp(op, replay_ops[i].op) == 0)
			break;
	if (i == nitems(replay_ops)) {
		snprintf(err, errlen, "op: unknown operation \"%s\"",
		    store_printable(op) ? op : "?");
		goto done;
	}
	*prevp = seq;
	if ((uint64_t)seq <= snap_seq) {
		/* Already in the snapshot. */
		rv = 0;
		goto done;
	}
	rv = replay_ops[i].apply(rt, o, seen_allp, err, errlen);
done:
	json_decref(o);
	return (rv);
}

/*
 * Apply the journal in buf to the table (loaded from a snapshot holding
 * records up to snap_seq): every record after snap_seq, in order.  A
 * last line without its '\n' is a torn write: it is left out, *tornp is
 * set and *validp is where it starts (else len).  *lastp receives the
 * last seq seen (at least snap_seq).  The latest "seen" of every alive
 * entry is applied once at the end, to the entries alive then, so that
 * replay costs O(records) plus one pass over the table.  Any complete
 * line that does not parse or apply is an error naming its line number;
 * the table is then partly replayed and should be thrown away.
 */
int
journal_replay(struct regtab *rt, const char *buf, size_t len,
    uint64_t snap_seq, uint64_t *lastp, size_t *validp, int *tornp, char *err,
    size_t errlen)
{
	struct rentry *e;
	const char *nl;
	char msg[GP_MSG_MAX];
	size_t off, end, lineno;
	uint64_t prev = 0;
	int64_t seen_all = 0;

	*tornp = 0;
	*lastp = snap_seq;
	end = len;
	if (len > 0 && buf[len - 1] != '\n') {
		nl = memrchr(buf, '\n', len);
		end = nl == NULL ? 0 : (size_t)(nl - buf) + 1;
		*tornp = 1;
	}
	*validp = end;
	for (off = 0, lineno = 1; off < end; lineno++) {
		nl = memchr(buf + off, '\n', end - off);
		if (replay_line(rt, buf + off, nl - (buf + off), snap_seq,
		        &prev, &seen_all, msg, sizeof(msg)) == -1) {
			snprintf(err, errlen, "line %zu: %s", lineno, msg);
			return (-1);
		}
		off = nl - buf + 1;
	}
	if (seen_all != 0)
		for (e = regtab_first(rt); e != NULL; e = regtab_next(rt, e))
			if (e->alive && e->last_seen < seen_all)
				regtab_set_seen(e, seen_all);
	if (prev > snap_seq)
		*lastp = prev;
	return (0);
}

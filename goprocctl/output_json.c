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
 * JSON output: the replies are collected and printed as one document by
 * the tail hook, the only thing goprocctl writes to stdout with --json.
 *
 *   ping		{"pong": true}
 *   add		{"entry": {...}}
 *   add --match	{"entries": [...], "skipped": [{pid, comm, id, reason}],
 *			"dry_run": false}; with --dry-run the entries' ids
 *			are null
 *   run		{"entry": {...}, "started_pid": 4242}
 *   list, tag, group	{"entries": [...], "renamed": {...}, "message": "..."}
 *   rm		{"removed": [...]}
 *   kill		{"results": [...], "failed": 0}
 *   reset		{"reset": true, "message": "..."}
 *   any failure	{"error": "..."}
 *
 * watch prints one compact object per event as it comes instead, and
 * wait an array of the entries that ended; their errors go to stderr.
 *
 * "renamed" appears after a rename and "message" when goprocd sent one.
 */

#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat.h"
#include "goproc.h"
#include "goprocctl.h"

/* clang-format off */
struct jentry {
	uint64_t	 id;
	json_t		*obj;
};

static struct {
	json_t		*entry;		/* add, run */
	struct jentry	*entries;	/* list, tag, group */
	size_t		 nentries;
	size_t		 maxentries;
	json_t		*results;	/* rm: removed entries; kill */
	json_t		*errors;	/* rm: failed removals */
	json_t		*renamed;
	json_t		*message;
	json_t		*error;
	json_t		*ended;		/* wait */
	int		 failed;
	int		 inorder;	/* list --sort, --reverse: as sent */
	size_t		 streamed;	/* list: entries printed as they came */
	int64_t		 uptime;	/* version: goprocd's seconds, or -1 */
} js = { .uptime = -1 };

static void	 json_head(struct parse_result *);
static void	 json_entry(struct parse_result *, const struct gp_entry *);
static void	 json_result(struct parse_result *, const struct gp_result *);
static void	 json_info(struct parse_result *, const struct gp_end *);
static void	 json_end(struct parse_result *, const struct gp_end *);
static void	 json_error(struct parse_result *, const char *);
static void	 json_tail(struct parse_result *);
static void	 json_event(struct parse_result *, const struct gp_event *);
static void	 json_ended(struct parse_result *, const struct gp_entry *,
		    int, int64_t);
static void	 json_alive(struct parse_result *, const struct gp_entry *);
static void	 json_stream_tail(struct parse_result *);
static void	 json_list_entry(const struct gp_entry *);
static void	 json_list_tail(void);
static void	 jprint(const json_t *, const char *);
static void	 js_free(void);
static json_t	*jcheck(json_t *);
static void	 jset(json_t *, const char *, json_t *);
static json_t	*jstr(const char *);
static json_t	*jtime(int64_t);
static json_t	*jlabels(const struct gp_strlist *);
static json_t	*jentry_new(const struct gp_entry *);
static json_t	*jspared_new(const struct gp_tally *);
static void	 jkids(json_t *, const struct gp_children *);
static void	 jmetrics(json_t *, const struct gp_entry *);
static int	 jentry_cmp(const void *, const void *);

const struct output json_output = {
	.head = json_head,
	.entry = json_entry,
	.result = json_result,
	.info = json_info,
	.end = json_end,
	.error = json_error,
	.tail = json_tail,
	.event = json_event,
	.ended = json_ended,
	.alive = json_alive,
};
/* clang-format on */

static json_t *
jcheck(json_t *v)
{
	if (v == NULL)
		err(GP_EXIT_FAIL, NULL);
	return (v);
}

static void
jset(json_t *obj, const char *key, json_t *v)
{
	if (json_object_set_new(obj, key, jcheck(v)) == -1)
		err(GP_EXIT_FAIL, NULL);
}

/* kill --tree: the processes left alone, with pid, reason and uid. */
static json_t *
jspared_new(const struct gp_tally *t)
{
	json_t *a, *o;
	uint32_t i;

	a = jcheck(json_array());
	for (i = 0; i < t->nspared; i++) {
		o = jcheck(json_object());
		jset(o, "pid", json_integer(t->spared[i].pid));
		if (t->spared[i].why == GP_SPARE_PERM) {
			jset(o, "reason", jstr("permission"));
			jset(o, "uid", json_integer(t->spared[i].uid));
		} else
			jset(o, "reason", jstr("limit"));
		if (json_array_append_new(a, o) == -1)
			err(GP_EXIT_FAIL, NULL);
	}
	return (a);
}

/*
 * A JSON string.  Command lines and messages are bytes; what is not
 * UTF-8 in them becomes U+FFFD.
 */
static json_t *
jstr(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	json_t *v;
	char *buf;
	size_t len, i, n, o = 0;
	uint32_t cp;

	if ((v = json_string(s)) != NULL)
		return (v);
	len = strlen(s);
	if ((buf = reallocarray(NULL, len + 1, 3)) == NULL)
		err(GP_EXIT_FAIL, NULL);
	for (i = 0; i < len; i += n) {
		if ((n = gp_utf8_next(p + i, len - i, &cp)) == 0) {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			n = 1;
			continue;
		}
		memcpy(buf + o, p + i, n);
		o += n;
	}
	buf[o] = '\0';
	v = jcheck(json_string(buf));
	free(buf);
	return (v);
}

/* RFC 3339 in UTC with nanoseconds, or null for 0. */
static json_t *
jtime(int64_t ns)
{
	struct tm tm;
	time_t t;
	int64_t secs, frac;
	char date[64], buf[96];

	if (ns == 0)
		return (json_null());
	secs = ns / 1000000000;
	frac = ns % 1000000000;
	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	t = (time_t)secs;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return (json_null());
	(void)snprintf(buf, sizeof(buf), "%s.%09lldZ", date, (long long)frac);
	return (json_string(buf));
}

static json_t *
jlabels(const struct gp_strlist *l)
{
	json_t *a;
	uint32_t i;

	a = jcheck(json_array());
	for (i = 0; i < l->n; i++)
		if (json_array_append_new(a, jstr(l->v[i])) == -1)
			err(GP_EXIT_FAIL, NULL);
	return (a);
}

/*
 * The last sample of an entry's process: each member null when unknown,
 * uptime_seconds also for a dead entry.
 */
static void
jmetrics(json_t *o, const struct gp_entry *e)
{
	const struct gp_metrics *m = &e->met;
	struct timespec ts;
	char state[2];
	int64_t up;
	int sample = (m->valid & GP_MET_SAMPLE) != 0;

	state[0] = m->state;
	state[1] = '\0';
	jset(o, "state", sample ? json_string(state) : json_null());
	jset(o, "cpu_seconds",
	    sample ?
	        json_real((double)((m->cpu_ns + 5000000) / 10000000) / 100) :
	        json_null());
	jset(o, "cpu_percent",
	    m->valid & GP_MET_CPU_PCT ?
	        json_real((double)(((uint64_t)m->cpu_pct + 5) / 10) / 10) :
	        json_null());
	jset(o, "rss_bytes",
	    sample ? json_integer((json_int_t)m->rss_bytes) : json_null());
	jset(o, "threads", sample ? json_integer(m->threads) : json_null());
	jset(o, "started_at",
	    m->valid & GP_MET_STARTED ? jtime(m->started_at) : json_null());
	if (e->alive && (m->valid & GP_MET_STARTED)) {
		if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
			err(GP_EXIT_FAIL, "clock_gettime");
		up = ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec -
		         m->started_at) /
		    1000000000;
		jset(o, "uptime_seconds", json_integer(up > 0 ? up : 0));
	} else
		jset(o, "uptime_seconds", json_null());
	jset(o, "sampled_at", sample ? jtime(m->sampled_at) : json_null());
	jset(o, "exited_at",
	    m->valid & GP_MET_EXITED ? jtime(m->exited_at) : json_null());
}

static json_t *
jentry_new(const struct gp_entry *e)
{
	json_t *o;

	o = jcheck(json_object());
	/* add --match --dry-run: a process that has no id yet. */
	jset(o, "id",
	    e->id != 0 ? json_integer((json_int_t)e->id) : json_null());
	jset(o, "pid", json_integer(e->pid));
	jset(o, "pgid", json_integer(e->pgid));
	jset(o, "name", e->name[0] != '\0' ? jstr(e->name) : json_null());
	jset(o, "cmd", jstr(e->cmd));
	jset(o, "cmd_source",
	    json_string(e->flags & GP_ENT_CMD_CLIENT ? "client" : "proc"));
	jset(o, "alive", json_boolean(e->alive));
	jset(o, "tags", jlabels(&e->tags));
	jset(o, "groups", jlabels(&e->groups));
	jset(o, "added_at", jtime(e->added_at));
	jset(o, "last_seen", jtime(e->last_seen));
	jset(o, "owner_uid", json_integer(e->owner_uid));
	jset(o, "start_ticks", json_integer((json_int_t)e->start_ticks));
	jmetrics(o, e);
	if (e->kids.valid)
		jkids(o, &e->kids);
	return (o);
}

/* list --children: "children" [{pid, comm}], "descendants" n. */
static void
jkids(json_t *o, const struct gp_children *k)
{
	json_t *a, *c;
	uint32_t i;

	a = jcheck(json_array());
	for (i = 0; i < k->n; i++) {
		c = jcheck(json_object());
		jset(c, "pid", json_integer(k->v[i].pid));
		jset(c, "comm", jstr(k->v[i].comm));
		if (json_array_append_new(a, c) == -1)
			err(GP_EXIT_FAIL, NULL);
	}
	jset(o, "children", a);
	jset(o, "nchildren", json_integer(k->nchildren));
	jset(o, "descendants", json_integer(k->ndesc));
}

static int
jentry_cmp(const void *a, const void *b)
{
	const struct jentry *ea = a, *eb = b;

	if (ea->id < eb->id)
		return (-1);
	return (ea->id > eb->id);
}

static void
json_head(struct parse_result *res)
{
	memset(&js, 0, sizeof(js));
	js.results = jcheck(json_array());
	js.errors = jcheck(json_array());
	js.ended = jcheck(json_array());
	js.inorder = res->action == LIST &&
	    (res->req.sort != GP_SORT_ID || (res->req.flags & GP_REQ_REVERSE));
}

static void
json_entry(struct parse_result *res, const struct gp_entry *e)
{
	struct jentry *ne;

	if (res->action == ADD || res->action == RUN) {
		json_decref(js.entry);
		js.entry = jentry_new(e);
		return;
	}
	if (res->action == LIST && !(res->req.flags & GP_REQ_CHILDREN)) {
		json_list_entry(e);
		return;
	}
	if (js.nentries == js.maxentries) {
		js.maxentries = js.maxentries == 0 ? 64 : js.maxentries * 2;
		ne = reallocarray(
		    js.entries, js.maxentries, sizeof(*js.entries));
		if (ne == NULL)
			err(GP_EXIT_FAIL, NULL);
		js.entries = ne;
	}
	js.entries[js.nentries].id = e->id;
	js.entries[js.nentries].obj = jentry_new(e);
	js.nentries++;
}

static void
json_result(struct parse_result *res, const struct gp_result *r)
{
	json_t *o;

	if (res->action == MATCH) {
		o = jcheck(json_object());
		jset(o, "pid", json_integer(r->entry.pid));
		jset(o, "comm", jstr(r->msg));
		jset(o, "id", json_integer((json_int_t)r->entry.id));
		jset(o, "reason", json_string("already registered"));
		if (json_array_append_new(js.results, o) == -1)
			err(GP_EXIT_FAIL, NULL);
		return;
	}
	if (res->action != KILL) {
		if (r->flags & GP_RES_FAILED) {
			js.failed++;
			o = jcheck(json_object());
			jset(o, "entry", jentry_new(&r->entry));
			jset(o, "error",
			    jstr(r->msg[0] != '\0' ? r->msg : "failed"));
			if (json_array_append_new(js.errors, o) == -1)
				err(GP_EXIT_FAIL, NULL);
		} else if (json_array_append_new(
		               js.results, jentry_new(&r->entry)) == -1)
			err(GP_EXIT_FAIL, NULL);
		return;
	}

	o = jcheck(json_object());
	jset(o, "entry", jentry_new(&r->entry));
	jset(o, "killed", json_boolean(r->flags & GP_RES_SIGNALLED));
	jset(o, "removed", json_boolean(r->flags & GP_RES_REMOVED));
	jset(o, "signal",
	    r->signo != 0 ? jstr(signal_name(r->signo)) : json_null());
	jset(o, "skipped", json_integer(r->tally.skipped));
	if (res->req.flags & GP_REQ_TREE) {
		jset(o, "signalled", json_integer(r->tally.signalled));
		jset(o, "spared", jspared_new(&r->tally));
	}
	if (r->flags & GP_RES_FAILED) {
		js.failed++;
		jset(o, "error", jstr(r->msg[0] != '\0' ? r->msg : "failed"));
	} else
		jset(o, "error", json_null());
	if (json_array_append_new(js.results, o) == -1)
		err(GP_EXIT_FAIL, NULL);
}

static void
json_info(struct parse_result *res, const struct gp_end *info)
{
	json_t *o;

	if (res->action == VERSIONS)
		js.uptime = info->count;
	if ((res->action == TAG || res->action == GROUP) &&
	    (res->req.flags & GP_REQ_RENAME)) {
		o = jcheck(json_object());
		jset(o, "kind",
		    json_string(res->action == TAG ? "tag" : "group"));
		jset(o, "from", jstr(res->req.label));
		jset(o, "to", jstr(res->req.newlabel));
		jset(o, "count", json_integer(info->count));
		json_decref(js.renamed);
		js.renamed = o;
	}
}

static void
json_end(struct parse_result *res, const struct gp_end *end)
{
	json_decref(js.message);
	js.message = NULL;
	if (end->msg[0] != '\0' || res->action == RESET)
		js.message = jstr(end->msg);
}

static void
json_error(struct parse_result *res, const char *msg)
{
	char buf[4 * (GP_MSG_MAX + 320) + 1];

	/* watch and wait: stdout holds only events or the ended entries. */
	if (res->action == WATCH || res->action == WAIT) {
		if (fflush(stdout) == EOF)
			err(GP_EXIT_FAIL, "stdout");
		fprintf(stderr, "%s: %s\n", getprogname(),
		    gp_vis(msg, buf, sizeof(buf)));
		js.failed = 1;
		return;
	}
	json_decref(js.error);
	js.error = jstr(msg);
}

static void
json_tail(struct parse_result *res)
{
	json_t *doc, *a;
	size_t i;

	if (res->action == WATCH || res->action == WAIT) {
		json_stream_tail(res);
		return;
	}
	if (js.streamed > 0) {
		json_list_tail();
		return;
	}
	doc = jcheck(json_object());
	if (res->action == VERSIONS)
		jset(doc, "goprocctl", jstr(GOPROC_VERSION));
	if (js.error != NULL) {
		jset(doc, "error", json_incref(js.error));
		/*
		 * A kill, rm or add --match that failed in part still says
		 * what it did.
		 */
		if (res->action == MATCH ?
		        js.nentries == 0 :
		        (res->action != KILL && res->action != RM) ||
		            js.results == NULL ||
		            json_array_size(js.results) == 0)
			goto print;
	}
	switch (res->action) {
	case PING:
		jset(doc, "pong", json_true());
		break;
	case ADD:
	case RUN:
		jset(doc, "entry",
		    js.entry != NULL ? json_incref(js.entry) : json_null());
		if (res->action == RUN)
			jset(doc, "started_pid", json_integer(res->child));
		break;
	case LIST:
	case TAG:
	case GROUP:
	case UPDATE:
		if (js.nentries > 1 && !js.inorder)
			qsort(js.entries, js.nentries, sizeof(*js.entries),
			    jentry_cmp);
		a = jcheck(json_array());
		for (i = 0; i < js.nentries; i++)
			if (json_array_append(a, js.entries[i].obj) == -1)
				err(GP_EXIT_FAIL, NULL);
		jset(doc, "entries", a);
		if (js.renamed != NULL)
			jset(doc, "renamed", json_incref(js.renamed));
		break;
	case MATCH:
		/* Kept in the order goprocd sent them: the order of pids. */
		a = jcheck(json_array());
		for (i = 0; i < js.nentries; i++)
			if (json_array_append(a, js.entries[i].obj) == -1)
				err(GP_EXIT_FAIL, NULL);
		jset(doc, "entries", a);
		jset(doc, "skipped", json_incref(js.results));
		jset(doc, "dry_run",
		    json_boolean(res->req.flags & GP_REQ_DRYRUN));
		break;
	case RM:
		jset(doc, "removed", json_incref(js.results));
		if (js.failed > 0)
			jset(doc, "errors", json_incref(js.errors));
		break;
	case KILL:
		jset(doc, "results", json_incref(js.results));
		jset(doc, "failed", json_integer(js.failed));
		break;
	case RESET:
		jset(doc, "reset", json_true());
		break;
	case VERSIONS:
		jset(doc, "goprocd",
		    js.message != NULL ? json_incref(js.message) : json_null());
		if (js.uptime >= 0)
			jset(doc, "uptime_seconds", json_integer(js.uptime));
		break;
	default:
		break;
	}
	if (js.message != NULL && res->action != PING &&
	    res->action != VERSIONS)
		jset(doc, "message", json_incref(js.message));

print:
	/* Reals as short as they are exact: 12.5, not 12.4999999999. */
	if (json_dumpf(doc, stdout,
	        JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	            JSON_REAL_PRECISION(15)) == -1)
		errx(GP_EXIT_FAIL, "cannot write JSON output");
	putchar('\n');
	if (fflush(stdout) == EOF || ferror(stdout))
		err(GP_EXIT_FAIL, "stdout");
	json_decref(doc);
	js_free();
}

/* What json_head() and the replies gathered. */
static void
js_free(void)
{
	size_t i;

	for (i = 0; i < js.nentries; i++)
		json_decref(js.entries[i].obj);
	free(js.entries);
	json_decref(js.entry);
	json_decref(js.results);
	json_decref(js.errors);
	json_decref(js.renamed);
	json_decref(js.message);
	json_decref(js.error);
	json_decref(js.ended);
	memset(&js, 0, sizeof(js));
}

/*
 * watch: one line, {"event": "exited", "at": TIME, "entry": {...}}, with
 * what the event's type adds.
 */
static void
json_event(struct parse_result *res, const struct gp_event *ev)
{
	json_t *o, *a;
	const char *name;
	char buf[64];
	size_t i;

	name = ev->type == EV_PRESENT ? "present" : gp_event_name(ev->type);
	o = jcheck(json_object());
	jset(o, "event", json_string(name != NULL ? name : "unknown"));
	jset(o, "at", json_string(time_ms(ev->at, buf, sizeof(buf))));
	jset(o, "entry",
	    ev->type == EV_PRESENT || (ev->flags & GP_EVF_ENTRY) ?
	        jentry_new(&ev->entry) :
	        json_null());
	switch (ev->type) {
	case GP_EV_SIGNALLED:
		jset(o, "signal", jstr(signal_name(ev->signo)));
		jset(o, "signo", json_integer(ev->signo));
		jset(o, "by_uid", json_integer(ev->by_uid));
		jset(o, "by_pid", json_integer(ev->by_pid));
		break;
	case GP_EV_RENAMED:
		jset(o, "kind",
		    json_string(
		        ev->changed == GP_CHG_GROUPS ? "group" : "tag"));
		jset(o, "from", jstr(ev->from));
		jset(o, "to", jstr(ev->to));
		break;
	case GP_EV_UPDATED:
		a = jcheck(json_array());
		for (i = 0; i < GP_CHG_COUNT; i++)
			if ((ev->changed & (1U << i)) &&
			    json_array_append_new(a,
			        jcheck(json_string(gp_change_name(1U << i)))) ==
			        -1)
				err(GP_EXIT_FAIL, NULL);
		jset(o, "changed", a);
		break;
	case GP_EV_LOST:
		jset(o, "count", json_integer(ev->count));
		break;
	default:
		break;
	}
	if (json_dumpf(o, stdout,
	        JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) ==
	    -1) {
		/* The reader has left: watch ends there, and not in error. */
		if (errno == EPIPE)
			exit(GP_EXIT_OK);
		errx(GP_EXIT_FAIL, "cannot write JSON output");
	}
	putchar('\n');
	json_decref(o);
}

/* wait: an entry that ended, for the array printed at the end. */
static void
json_ended(
    struct parse_result *res, const struct gp_entry *e, int removed, int64_t at)
{
	if (json_array_append_new(js.ended, jentry_new(e)) == -1)
		err(GP_EXIT_FAIL, NULL);
}

static void
json_alive(struct parse_result *res, const struct gp_entry *e)
{
}

/*
 * watch has printed its events already; wait prints the entries that
 * ended, unless it failed.
 */
static void
json_stream_tail(struct parse_result *res)
{
	if (res->action == WAIT && !js.failed) {
		if (json_dumpf(js.ended, stdout,
		        JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		            JSON_REAL_PRECISION(15)) == -1)
			errx(GP_EXIT_FAIL, "cannot write JSON output");
		putchar('\n');
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		err(GP_EXIT_FAIL, "stdout");
	json_decref(js.ended);
	js.ended = NULL;
}

/*
 * list: goprocd sends the entries in the order to print them, so the
 * document is written as they come, in the form json_tail() gives it,
 * and the client never holds the whole list.  A list that fails before
 * its first entry is written by json_tail() as any other command.
 */
static void
json_list_entry(const struct gp_entry *e)
{
	json_t *o;

	fputs(
	    js.streamed == 0 ? "{\n  \"entries\": [\n    " : ",\n    ", stdout);
	o = jentry_new(e);
	jprint(o, "    ");
	json_decref(o);
	js.streamed++;
}

/* The end of a list written by json_list_entry(). */
static void
json_list_tail(void)
{
	fputs("\n  ]", stdout);
	if (js.message != NULL) {
		fputs(",\n  \"message\": ", stdout);
		jprint(js.message, "  ");
	}
	if (js.error != NULL) {
		fputs(",\n  \"error\": ", stdout);
		jprint(js.error, "  ");
	}
	fputs("\n}\n", stdout);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(GP_EXIT_FAIL, "stdout");
	js_free();
}

/* A value as json_tail() indents it, each line after the first by pad. */
static void
jprint(const json_t *v, const char *pad)
{
	char *s, *p, *nl;

	if ((s = json_dumps(v,
	         JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
	             JSON_REAL_PRECISION(15))) == NULL)
		errx(GP_EXIT_FAIL, "cannot write JSON output");
	for (p = s; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		fwrite(p, 1, nl + 1 - p, stdout);
		fputs(pad, stdout);
	}
	fputs(p, stdout);
	free(s);
}

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
 * The snapshot file.  It is written as a stream, one entry per line,
 * and read as a stream too: a small scanner finds the extent of each
 * top-level value and of each element of "procs", and jansson decodes
 * and checks each of them on its own, so neither direction ever holds
 * the whole registry as JSON in memory.
 *
 *	{"version":1,"next_id":N,"created_unix":T,"journal_seq":S,
 *	"entries":E,"pids":P,"names":M,"labels":L,"procs":[
 *	{"id":1,"pid":...,"meta":{"tags":[...],"groups":[...]},...},
 *	...
 *	]}
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "goproc.h"
#include "log.h"
#include "regtab.h"
#include "store.h"
#include "util.h"

#define WBUF_SIZE (64 * 1024)
#define RBUF_CHUNK (64 * 1024)
#define ENTRY_MIN 64 /* bytes of the file per entry a count may claim */

#define RD_EOF (-1)
#define RD_ERR (-2)

/* A buffered writer over a descriptor. */
struct wbuf {
	int fd;
	char *buf;
	size_t len;
	uint64_t total;
	int error; /* errno of the failed write */
};

/* A snapshot being written. */
struct snapwriter {
	struct wbuf w;
	const struct regtab *rt; /* whose labels the entries refer to */
	int first;               /* no entry yet */
};

/*
 * A reader over a descriptor (growing window) or over a whole buffer.
 * Bytes before mark may be dropped when more are read.
 */
struct reader {
	int fd; /* -1: all of data is there */
	const char *data;
	char *buf;
	size_t cap;
	size_t len;
	size_t pos;
	size_t mark;
	uint64_t base; /* file offset of data[0] */
	uint64_t size; /* of the whole file, 0: not known */
	int eof;
	char *err;
	size_t errlen;
};

static int wbuf_flush(struct wbuf *);
static int wbuf_put(const char *, size_t, void *);
static int snapshot_sep(struct snapwriter *);
static void jset(json_t *, const char *, json_t *);
static int days_in_month(int64_t, int);
static int64_t days_since_epoch(int64_t, int, int);
static int digits(const char *, size_t, int64_t *);
static int get_cmd_source(const json_t *, struct gp_entry *, char *, size_t);
static int entry_put(struct regtab *, const struct gp_entry *, const char *,
    int64_t, const char *, struct rentry **, char *, size_t);
static int get_labels(
    const json_t *, const char *, struct gp_strlist *, char *, size_t);
static int rd_more(struct reader *);
static int rd_peek(struct reader *);
static int rd_ws(struct reader *);
static int rd_value(struct reader *, const char **, size_t *);
static int rd_line(struct reader *, const char **, size_t *);
static json_t *rd_decode(struct reader *, const char *, const char *, size_t);
static int snap_header(
    struct reader *, const char *, json_t *, struct snapshot_info *, int *);
static int snap_entry(struct reader *, struct regtab *, struct gp_entry *,
    size_t, struct rentry **);
static void snap_reserve(
    struct reader *, struct regtab *, struct snapshot_info *);
static int snap_procs(struct reader *, struct regtab *, struct snapshot_info *);
static int snap_parse(struct reader *, struct regtab *, struct snapshot_info *);

/* Can s be quoted in a one-line message as it is? */
int
store_printable(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 64 || s[i] < 0x20 || s[i] > 0x7e)
			return (0);
	return (1);
}

/* Describe a JSON value for an error message: "-3", "a string", ... */
const char *
store_json_describe(const json_t *v, char *buf, size_t len)
{
	switch (json_typeof(v)) {
	case JSON_INTEGER:
		snprintf(
		    buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return (buf);
	case JSON_REAL:
		snprintf(buf, len, "a real number (%g)", json_real_value(v));
		return (buf);
	default:
		return (gp_json_type_name(v));
	}
}

static int
days_in_month(int64_t y, int m)
{
	static const int mdays[12] = {
		31,
		28,
		31,
		30,
		31,
		30,
		31,
		31,
		30,
		31,
		30,
		31,
	};

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return (29);
	return (mdays[m - 1]);
}

/* Days from 1970-01-01 to the given date of the proleptic Gregorian year. */
static int64_t
days_since_epoch(int64_t y, int m, int d)
{
	static const int before[12] = {
		0,
		31,
		59,
		90,
		120,
		151,
		181,
		212,
		243,
		273,
		304,
		334,
	};
	int64_t p, leaps;

	/* Leap days in the years before y, counted from year 0. */
	p = y - 1;
	if (p >= 0)
		leaps = p / 4 - p / 100 + p / 400 + 1;
	else
		leaps = 0;
	/* The same count for 1970 is 478. */
	return ((y - 1970) * 365 + (leaps - 478) + before[m - 1] +
	    (m > 2 && days_in_month(y, 2) == 29) + d - 1);
}

static int
digits(const char *s, size_t n, int64_t *vp)
{
	size_t i;
	int64_t v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	*vp = v;
	return (0);
}

/*
 * Parse an RFC 3339 time as Go writes time.Time in JSON
 * ("2006-01-02T15:04:05.999999999Z07:00") into nanoseconds since the
 * epoch.  Go's zero time ("0001-01-01T00:00:00Z") becomes 0.
 */
int
store_time_parse(const char *s, int64_t *nsp, const char **errstr)
{
	int64_t y, mo, d, h, mi, sec, oh, om, frac, v, secs, ns;
	size_t i, len, nd;
	int sign;

	*errstr = "not an RFC 3339 time";
	len = strlen(s);
	if (len < 20 || len > STORE_TIME_LEN - 1)
		return (-1);
	if (digits(s, 4, &y) == -1 || s[4] != '-' ||
	    digits(s + 5, 2, &mo) == -1 || s[7] != '-' ||
	    digits(s + 8, 2, &d) == -1 || s[10] != 'T' ||
	    digits(s + 11, 2, &h) == -1 || s[13] != ':' ||
	    digits(s + 14, 2, &mi) == -1 || s[16] != ':' ||
	    digits(s + 17, 2, &sec) == -1)
		return (-1);
	i = 19;
	frac = 0;
	if (s[i] == '.') {
		for (i++, nd = 0; s[i] >= '0' && s[i] <= '9'; i++, nd++)
			if (nd < 9)
				frac = frac * 10 + (s[i] - '0');
		if (nd == 0)
			return (-1);
		for (; nd < 9; nd++)
			frac *= 10;
	}
	oh = om = 0;
	sign = 1;
	if (s[i] == 'Z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		sign = s[i] == '-' ? -1 : 1;
		if (digits(s + i + 1, 2, &oh) == -1 || s[i + 3] != ':' ||
		    digits(s + i + 4, 2, &om) == -1)
			return (-1);
		i += 6;
	} else
		return (-1);
	if (s[i] != '\0')
		return (-1);
	*errstr = "time field out of range";
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
	    mi > 59 || sec > 59 || oh > 23 || om > 59)
		return (-1);

	secs = days_since_epoch(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	if (secs == -62135596800LL && frac == 0) {
		*nsp = 0;
		return (0);
	}
	*errstr = "time out of range (years 1678 to 2261)";
	if (__builtin_mul_overflow(secs, (int64_t)1000000000, &v) ||
	    __builtin_add_overflow(v, frac, &ns))
		return (-1);
	*nsp = ns;
	return (0);
}

/* Format nanoseconds since the epoch as Go does: UTC, no trailing zeros. */
void
store_time_format(int64_t ns, char *buf, size_t len)
{
	struct tm tm;
	time_t secs;
	int64_t frac;
	char fbuf[16];
	int n;

	secs = ns / 1000000000;
	frac = ns % 1000000000;
	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	if (gmtime_r(&secs, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	fbuf[0] = '\0';
	if (frac != 0) {
		snprintf(fbuf, sizeof(fbuf), ".%09" PRId64, frac);
		for (n = (int)strlen(fbuf); fbuf[n - 1] == '0'; n--)
			fbuf[n - 1] = '\0';
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%sZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, fbuf);
}

static void
jset(json_t *o, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(o, key, v) == -1)
		fatalx("%s: cannot encode \"%s\"", __func__, key);
}

/* One entry as a JSON object, in the order the Go program writes it. */
json_t *
store_entry_json(const struct regtab *rt, const struct rentry *e)
{
	json_t *o, *meta, *tags, *groups;
	char tbuf[STORE_TIME_LEN];
	const char *name;
	size_t i;

	if ((o = json_object()) == NULL || (meta = json_object()) == NULL ||
	    (tags = json_array()) == NULL || (groups = json_array()) == NULL)
		fatal(NULL);
	jset(o, "id", json_integer((json_int_t)e->id));
	jset(o, "pid", json_integer(e->pid));
	jset(o, "pgid", json_integer(e->pgid));
	jset(o, "cmd", json_string(rentry_cmd(e)));
	name = rentry_name(e);
	jset(o, "name", json_string(name == NULL ? "" : name));
	jset(o, "alive", json_boolean(e->alive));
	store_time_format(e->added_at, tbuf, sizeof(tbuf));
	jset(o, "added_at", json_string(tbuf));
	store_time_format(e->last_seen, tbuf, sizeof(tbuf));
	jset(o, "last_seen", json_string(tbuf));
	for (i = 0; i < e->ntags; i++)
		if (json_array_append_new(
		        tags, json_string(rentry_tag(rt, e, i))) == -1)
			fatalx("%s: cannot encode a tag", __func__);
	for (i = 0; i < e->ngroups; i++)
		if (json_array_append_new(
		        groups, json_string(rentry_group(rt, e, i))) == -1)
			fatalx("%s: cannot encode a group", __func__);
	jset(meta, "tags", tags);
	jset(meta, "groups", groups);
	jset(o, "meta", meta);
	jset(o, "start_ticks", json_integer((json_int_t)e->start_ticks));
	jset(o, "boot_id", json_string(rentry_boot_id(rt, e)));
	if (e->owner_uid != REGTAB_UID_UNKNOWN)
		jset(o, "owner_uid", json_integer(e->owner_uid));
	if (e->cmd_client)
		jset(o, "cmd_source", json_string("client"));
	if (!e->alive && e->dead_at > 0) {
		store_time_format(e->dead_at, tbuf, sizeof(tbuf));
		jset(o, "dead_at", json_string(tbuf));
	}
	return (o);
}

/* An integer member within [min, max]; *vp is untouched when absent. */
int
store_get_int(const json_t *o, const char *key, int required, int64_t min,
    int64_t max, int64_t *vp, char *err, size_t errlen)
{
	json_t *v;
	char dbuf[64];

	if ((v = json_object_get(o, key)) == NULL) {
		if (!required)
			return (0);
		snprintf(err, errlen, "%s: missing", key);
		return (-1);
	}
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max) {
		snprintf(err, errlen,
		    "%s: must be an integer in %" PRId64 "..%" PRId64
		    ", got %s",
		    key, min, max, store_json_describe(v, dbuf, sizeof(dbuf)));
		return (-1);
	}
	*vp = json_integer_value(v);
	return (0);
}

int
store_get_time(
    const json_t *o, const char *key, int64_t *vp, char *err, size_t errlen)
{
	json_t *v;
	const char *errstr;
	char dbuf[64];

	if ((v = json_object_get(o, key)) == NULL) {
		snprintf(err, errlen, "%s: missing", key);
		return (-1);
	}
	if (!json_is_string(v)) {
		snprintf(err, errlen, "%s: must be an RFC 3339 time, got %s",
		    key, store_json_describe(v, dbuf, sizeof(dbuf)));
		return (-1);
	}
	if (store_time_parse(json_string_value(v), vp, &errstr) == -1) {
		if (store_printable(json_string_value(v)))
			snprintf(err, errlen, "%s: %s: \"%s\"", key, errstr,
			    json_string_value(v));
		else
			snprintf(err, errlen, "%s: %s", key, errstr);
		return (-1);
	}
	return (0);
}

/* meta.tags or meta.groups: null, or an array of labels (a set). */
static int
get_labels(const json_t *meta, const char *key, struct gp_strlist *sl,
    char *err, size_t errlen)
{
	json_t *a, *v;
	const char *errstr;
	char clean[GP_LABEL_MAX + 1], dbuf[64];
	size_t i, j;

	sl->n = 0;
	if (meta == NULL || (a = json_object_get(meta, key)) == NULL ||
	    json_is_null(a))
		return (0);
	if (!json_is_array(a)) {
		snprintf(err, errlen, "meta.%s: must be an array, got %s", key,
		    store_json_describe(a, dbuf, sizeof(dbuf)));
		return (-1);
	}
	json_array_foreach(a, i, v)
	{
		if (!json_is_string(v)) {
			snprintf(err, errlen,
			    "meta.%s[%zu]: must be a string, got %s", key, i,
			    store_json_describe(v, dbuf, sizeof(dbuf)));
			return (-1);
		}
		errstr = "too long";
		if (json_string_length(v) > 4 * GP_LABEL_MAX ||
		    gp_label_clean(json_string_value(v), clean, sizeof(clean),
		        &errstr) == -1) {
			snprintf(
			    err, errlen, "meta.%s[%zu]: %s", key, i, errstr);
			return (-1);
		}
		for (j = 0; j < sl->n; j++)
			if (strcmp(sl->v[j], clean) == 0)
				break;
		if (j < sl->n)
			continue;
		if (sl->n == GP_LABELS_MAX) {
			snprintf(err, errlen, "meta.%s: more than %d labels",
			    key, GP_LABELS_MAX);
			return (-1);
		}
		strlcpy(sl->v[sl->n++], clean, sizeof(sl->v[0]));
	}
	return (0);
}

/*
 * Check one entry object of a snapshot (or of a journal "add") and fill
 * ge and boot from it.  Keys the schema does not know are ignored.  The
 * error names the key at fault, without the "procs[N]." prefix.
 */
int
store_entry_parse(const json_t *o, struct gp_entry *ge, char *boot,
    size_t bootlen, char *err, size_t errlen)
{
	json_t *v, *meta;
	const char *errstr;
	char dbuf[64];
	int64_t n;

	memset(ge, 0, sizeof(*ge));
	boot[0] = '\0';
	if (!json_is_object(o)) {
		snprintf(err, errlen, "must be an object, got %s",
		    store_json_describe(o, dbuf, sizeof(dbuf)));
		return (-1);
	}
	if (store_get_int(o, "id", 1, 1, REGTAB_ID_MAX, &n, err, errlen) == -1)
		return (-1);
	ge->id = n;
	if (store_get_int(o, "pid", 1, 1, GP_PID_MAX, &n, err, errlen) == -1)
		return (-1);
	ge->pid = n;
	if (store_get_int(o, "pgid", 1, 0, GP_PID_MAX, &n, err, errlen) == -1)
		return (-1);
	ge->pgid = n;

	if ((v = json_object_get(o, "cmd")) == NULL) {
		snprintf(err, errlen, "cmd: missing");
		return (-1);
	}
	if (!json_is_string(v) || json_string_length(v) > GP_CMD_MAX) {
		snprintf(err, errlen,
		    "cmd: must be a string of at most %d bytes, got %s%s",
		    GP_CMD_MAX,
		    json_is_string(v) ?
		        "a longer one" :
		        store_json_describe(v, dbuf, sizeof(dbuf)),
		    "");
		return (-1);
	}
	strlcpy(ge->cmd, json_string_value(v), sizeof(ge->cmd));

	if ((v = json_object_get(o, "name")) != NULL && !json_is_null(v)) {
		if (!json_is_string(v)) {
			snprintf(err, errlen, "name: must be a string, got %s",
			    store_json_describe(v, dbuf, sizeof(dbuf)));
			return (-1);
		}
		if (json_string_length(v) > 0) {
			errstr = "too long";
			if (json_string_length(v) > GP_NAME_MAX ||
			    gp_valid_name(json_string_value(v), &errstr) ==
			        -1) {
				snprintf(err, errlen, "name: %s", errstr);
				return (-1);
			}
			strlcpy(
			    ge->name, json_string_value(v), sizeof(ge->name));
		}
	}

	if ((v = json_object_get(o, "alive")) == NULL) {
		snprintf(err, errlen, "alive: missing");
		return (-1);
	}
	if (!json_is_boolean(v)) {
		snprintf(err, errlen, "alive: must be true or false, got %s",
		    store_json_describe(v, dbuf, sizeof(dbuf)));
		return (-1);
	}
	ge->alive = json_is_true(v);
	if (store_get_time(o, "added_at", &ge->added_at, err, errlen) == -1 ||
	    store_get_time(o, "last_seen", &ge->last_seen, err, errlen) == -1)
		return (-1);

	meta = json_object_get(o, "meta");
	if (meta != NULL && json_is_null(meta))
		meta = NULL;
	if (meta != NULL && !json_is_object(meta)) {
		snprintf(err, errlen, "meta: must be an object, got %s",
		    store_json_describe(meta, dbuf, sizeof(dbuf)));
		return (-1);
	}
	if (get_labels(meta, "tags", &ge->tags, err, errlen) == -1 ||
	    get_labels(meta, "groups", &ge->groups, err, errlen) == -1)
		return (-1);

	n = 0;
	if (store_get_int(o, "start_ticks", 0, 0, INT64_MAX, &n, err, errlen) ==
	    -1)
		return (-1);
	ge->start_ticks = n;
	n = REGTAB_UID_UNKNOWN;
	if (store_get_int(o, "owner_uid", 0, 0, UINT32_MAX, &n, err, errlen) ==
	    -1)
		return (-1);
	ge->owner_uid = n;
	if ((v = json_object_get(o, "boot_id")) != NULL) {
		if (!json_is_string(v) ||
		    json_string_length(v) > REGTAB_BOOT_ID_LEN ||
		    !regtab_valid_boot_id(json_string_value(v))) {
			snprintf(err, errlen,
			    "boot_id: must be \"\" or a UUID, got %s",
			    json_is_string(v) ?
			        "another string" :
			        store_json_describe(v, dbuf, sizeof(dbuf)));
			return (-1);
		}
		strlcpy(boot, json_string_value(v), bootlen);
	}
	return (get_cmd_source(o, ge, err, errlen));
}

/*
 * Where the command line came from: "proc" (goprocd read it), or
 * "client" (a client's word).  An entry of the Go program (without
 * start_ticks) holds what its client said.
 */
static int
get_cmd_source(const json_t *o, struct gp_entry *ge, char *err, size_t errlen)
{
	json_t *v;

	if ((v = json_object_get(o, "cmd_source")) == NULL) {
		if (json_object_get(o, "start_ticks") == NULL)
			ge->flags |= GP_ENT_CMD_CLIENT;
		return (0);
	}
	if (json_is_string(v) && strcmp(json_string_value(v), "proc") == 0)
		return (0);
	if (json_is_string(v) && strcmp(json_string_value(v), "client") == 0) {
		ge->flags |= GP_ENT_CMD_CLIENT;
		return (0);
	}
	snprintf(err, errlen, "cmd_source: must be \"proc\" or \"client\"");
	return (-1);
}

/*
 * Check one entry object and add it to the table with its own ID.  The
 * error starts with what, e.g. "procs[3].pid: ..." or "procs[3]: id 2
 * already exists".
 */
int
store_entry_load(struct regtab *rt, const json_t *o, const char *what,
    struct rentry **ep, char *err, size_t errlen)
{
	struct gp_entry ge;
	char boot[REGTAB_BOOT_ID_LEN + 1], msg[GP_MSG_MAX];
	int64_t dead_at = 0;

	if (store_entry_parse(o, &ge, boot, sizeof(boot), msg, sizeof(msg)) ==
	        -1 ||
	    (json_object_get(o, "dead_at") != NULL &&
	        store_get_time(o, "dead_at", &dead_at, msg, sizeof(msg)) ==
	            -1)) {
		snprintf(err, errlen, "%s%s%s", what,
		    json_is_object(o) ? "." : ": ", msg);
		return (-1);
	}
	if (ge.alive && dead_at != 0) {
		snprintf(
		    err, errlen, "%s.dead_at: for a dead entry only", what);
		return (-1);
	}
	return (entry_put(rt, &ge, boot, dead_at, what, ep, err, errlen));
}

/* Add a checked entry to the table; the error starts with what. */
static int
entry_put(struct regtab *rt, const struct gp_entry *ge, const char *boot,
    int64_t dead_at, const char *what, struct rentry **ep, char *err,
    size_t errlen)
{
	struct rentry *e;
	char msg[GP_MSG_MAX];

	/* A dead entry goes into the heap of the dead with its time. */
	if (regtab_insert(rt, ge, boot, dead_at, &e, msg, sizeof(msg)) !=
	    REGTAB_OK) {
		snprintf(err, errlen, "%s: %s", what, msg);
		return (-1);
	}
	if (ep != NULL)
		*ep = e;
	return (0);
}

/*
 * Writing.
 */

/*
 * Write all len bytes of buf to fd, again after EINTR.  Returns 0, or -1
 * with errno set (EIO for a write that wrote nothing); *done is what was
 * written before that, so that a caller can cut a torn record off.
 */
int
store_write_all(int fd, const void *buf, size_t len, size_t *done)
{
	const char *p = buf;
	size_t off;
	ssize_t n;

	for (off = 0; off < len; off += n) {
		if ((n = write(fd, p + off, len - off)) == -1) {
			if (errno == EINTR) {
				n = 0;
				continue;
			}
			break;
		}
		if (n == 0) {
			errno = EIO;
			break;
		}
	}
	if (done != NULL)
		*done = off;
	return (off == len ? 0 : -1);
}

static int
wbuf_flush(struct wbuf *w)
{
	if (store_write_all(w->fd, w->buf, w->len, NULL) == -1) {
		w->error = errno;
		return (-1);
	}
	w->total += w->len;
	w->len = 0;
	return (0);
}

static int
wbuf_put(const char *p, size_t len, void *arg)
{
	struct wbuf *w = arg;
	size_t n;

	if (w->error != 0)
		return (-1);
	while (len > 0) {
		if (w->len == WBUF_SIZE && wbuf_flush(w) == -1)
			return (-1);
		n = WBUF_SIZE - w->len;
		if (n > len)
			n = len;
		memcpy(w->buf + w->len, p, n);
		w->len += n;
		p += n;
		len -= n;
	}
	return (0);
}

/*
 * Start a snapshot in fd, from its current offset: next_id and
 * journal_seq (the last journal record it holds) go in its header, now
 * (ns) is its time of creation.  Entries follow with snapshot_put() and
 * snapshot_put_text(), in the order of their IDs; snapshot_close() ends
 * it.  The caller syncs and renames the file.
 */
struct snapwriter *
snapshot_open(const struct regtab *rt, int fd, uint64_t next_id,
    uint64_t journal_seq, int64_t now, const struct regtab_size *sz)
{
	struct snapwriter *sw;
	char head[256];
	int n;

	if ((sw = calloc(1, sizeof(*sw))) == NULL ||
	    (sw->w.buf = malloc(WBUF_SIZE)) == NULL)
		fatal(NULL);
	sw->rt = rt;
	sw->w.fd = fd;
	sw->first = 1;
	n = snprintf(head, sizeof(head),
	    "{\"version\":%d,\"next_id\":%" PRIu64 ",\"created_unix\":%" PRId64
	    ",\"journal_seq\":%" PRIu64 ",\"entries\":%zu,\"pids\":%zu,"
	    "\"names\":%zu,\"labels\":%zu,\"procs\":[",
	    SNAPSHOT_VERSION, next_id, now / 1000000000, journal_seq,
	    sz->entries, sz->pids, sz->names, sz->labels);
	if (n < 0 || (size_t)n >= sizeof(head))
		fatalx("%s: header too long", __func__);
	(void)wbuf_put(head, n, &sw->w);
	return (sw);
}

/* What goes before an entry: a newline, after a comma but the first. */
static int
snapshot_sep(struct snapwriter *sw)
{
	int first = sw->first;

	sw->first = 0;
	return (wbuf_put(first ? "\n" : ",\n", first ? 1 : 2, &sw->w));
}

/* One entry, as store_entry_text() would give it.  -1: a write failed. */
int
snapshot_put_text(struct snapwriter *sw, const char *text, size_t len)
{
	if (snapshot_sep(sw) == -1 || wbuf_put(text, len, &sw->w) == -1)
		return (-1);
	return (0);
}

/* One entry as it is now.  -1: a write failed. */
int
snapshot_put(struct snapwriter *sw, const struct rentry *e)
{
	json_t *o;
	int n;

	if (snapshot_sep(sw) == -1)
		return (-1);
	o = store_entry_json(sw->rt, e);
	n = json_dump_callback(
	    o, wbuf_put, &sw->w, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return (n == -1 ? -1 : 0);
}

/* The bytes handed to the file so far. */
uint64_t
snapshot_written(const struct snapwriter *sw)
{
	return (sw->w.total);
}

/*
 * End the snapshot and free sw.  *sizep (if not NULL) receives the bytes
 * written; -1 with a message in err if any write failed.
 */
int
snapshot_close(struct snapwriter *sw, uint64_t *sizep, char *err, size_t errlen)
{
	int rv = 0;

	if (wbuf_put("\n]}\n", 4, &sw->w) == -1 || wbuf_flush(&sw->w) == -1) {
		snprintf(err, errlen, "write: %s",
		    strerror(sw->w.error != 0 ? sw->w.error : EIO));
		rv = -1;
	} else if (sizep != NULL)
		*sizep = sw->w.total;
	free(sw->w.buf);
	free(sw);
	return (rv);
}

/*
 * One entry as the snapshot holds it, NUL-terminated (free(3) it); *lenp
 * receives its length.
 */
char *
store_entry_text(const struct regtab *rt, const struct rentry *e, size_t *lenp)
{
	json_t *o;
	char *s;

	o = store_entry_json(rt, e);
	if ((s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		fatalx("%s: an entry does not encode", __func__);
	json_decref(o);
	*lenp = strlen(s);
	return (s);
}

/* Write the whole table as a snapshot to fd in one go (see snapshot_open). */
int
snapshot_write(struct regtab *rt, int fd, uint64_t journal_seq, int64_t now,
    uint64_t *sizep, char *err, size_t errlen)
{
	struct snapwriter *sw;
	struct regtab_size sz;
	struct rentry *e;

	regtab_size(rt, &sz);
	sw = snapshot_open(rt, fd, regtab_next_id(rt), journal_seq, now, &sz);
	for (e = regtab_first(rt); e != NULL; e = regtab_next(rt, e))
		if (snapshot_put(sw, e) == -1)
			break;
	return (snapshot_close(sw, sizep, err, errlen));
}

/*
 * Reading.
 */

/* Read more bytes, keeping those from mark on.  1: more, 0: EOF. */
static int
rd_more(struct reader *r)
{
	size_t ncap;
	ssize_t n;
	char *nbuf;

	if (r->eof)
		return (0);
	if (r->mark > 0) {
		memmove(r->buf, r->buf + r->mark, r->len - r->mark);
		r->base += r->mark;
		r->len -= r->mark;
		r->pos -= r->mark;
		r->mark = 0;
	}
	if (r->len == r->cap) {
		if (r->cap >= SNAPSHOT_VALUE_MAX + RBUF_CHUNK) {
			snprintf(r->err, r->errlen,
			    "offset %" PRIu64 ": value larger than %d bytes",
			    r->base, SNAPSHOT_VALUE_MAX);
			return (-1);
		}
		ncap = r->cap == 0 ? RBUF_CHUNK : r->cap * 2;
		if ((nbuf = realloc(r->buf, ncap)) == NULL)
			fatal(NULL);
		r->buf = nbuf;
		r->cap = ncap;
	}
	for (;;) {
		n = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (n == -1 && errno == EINTR)
			continue;
		break;
	}
	r->data = r->buf;
	if (n == -1) {
		snprintf(r->err, r->errlen, "read: %s", strerror(errno));
		return (-1);
	}
	if (n == 0) {
		r->eof = 1;
		return (0);
	}
	r->len += n;
	if (r->base + r->len > SNAPSHOT_SIZE_MAX) {
		snprintf(r->err, r->errlen, "larger than %llu bytes",
		    SNAPSHOT_SIZE_MAX);
		return (-1);
	}
	return (1);
}

static int
rd_peek(struct reader *r)
{
	int rc;

	while (r->pos == r->len) {
		if ((rc = rd_more(r)) == 0)
			return (RD_EOF);
		if (rc == -1)
			return (RD_ERR);
	}
	return ((unsigned char)r->data[r->pos]);
}

/* Skip white space between values; returns the next byte. */
static int
rd_ws(struct reader *r)
{
	int c;

	for (;;) {
		r->mark = r->pos;
		c = rd_peek(r);
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return (c);
		r->pos++;
	}
}

/*
 * Find the extent of the value starting at the cursor and move past it.
 * The result points into the window and is valid until the next read.
 */
static int
rd_value(struct reader *r, const char **vp, size_t *lenp)
{
	int c, depth = 0, instr = 0, esc = 0, scalar;

	r->mark = r->pos;
	if ((c = rd_peek(r)) == RD_ERR)
		return (-1);
	if (c == RD_EOF || c == ',' || c == ']' || c == '}' || c == ':') {
		snprintf(r->err, r->errlen, "offset %" PRIu64 ": %s",
		    r->base + r->pos,
		    c == RD_EOF ? "unexpected end of file" :
		                  "a value is missing");
		return (-1);
	}
	scalar = c != '"' && c != '{' && c != '[';
	for (;;) {
		if ((c = rd_peek(r)) == RD_ERR)
			return (-1);
		if (c == RD_EOF) {
			if (scalar)
				break;
			snprintf(r->err, r->errlen,
			    "offset %" PRIu64 ": unexpected end of file",
			    r->base + r->pos);
			return (-1);
		}
		if (r->pos - r->mark >= SNAPSHOT_VALUE_MAX) {
			snprintf(r->err, r->errlen,
			    "offset %" PRIu64 ": value larger than %d bytes",
			    r->base + r->mark, SNAPSHOT_VALUE_MAX);
			return (-1);
		}
		if (scalar) {
			if (strchr(",]} \t\r\n", c) != NULL)
				break;
			r->pos++;
			continue;
		}
		r->pos++;
		if (instr && !esc && c != '"' && c != '\\') {
			/* The plain bytes of a string, at once. */
			while (r->pos < r->len && r->data[r->pos] != '"' &&
			    r->data[r->pos] != '\\')
				r->pos++;
			continue;
		}
		if (instr) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"') {
				instr = 0;
				if (depth == 0)
					break;
			}
			continue;
		}
		if (c == '"')
			instr = 1;
		else if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']') {
			if (--depth == 0)
				break;
		}
	}
	*vp = r->data + r->mark;
	*lenp = r->pos - r->mark;
	return (0);
}

/*
 * The rest of the line at the read position, less the comma goprocd
 * writes after an entry: the entry, if goprocd wrote the file.  -1 when
 * the line does not end in the buffer or is longer than a value may be.
 */
static int
rd_line(struct reader *r, const char **vp, size_t *lenp)
{
	const char *s, *nl;
	size_t len;

	s = r->data + r->pos;
	if ((nl = memchr(s, '\n', r->len - r->pos)) == NULL)
		return (-1);
	len = nl - s;
	if (len > 0 && s[len - 1] == ',')
		len--;
	if (len == 0 || len >= SNAPSHOT_VALUE_MAX)
		return (-1);
	*vp = s;
	*lenp = len;
	return (0);
}

/* Decode one value found by rd_value(); what names it in errors. */
static json_t *
rd_decode(struct reader *r, const char *what, const char *p, size_t len)
{
	json_error_t jerr;
	json_t *v;
	uint64_t at;

	v = json_loadb(p, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (v == NULL) {
		/* jerr.position counts the bytes read, the bad one too. */
		at = r->base + r->mark;
		if (jerr.position > 0)
			at += jerr.position - 1;
		snprintf(r->err, r->errlen,
		    "%s: invalid JSON at offset %" PRIu64 ": %s", what, at,
		    gp_json_error_text(&jerr));
	}
	return (v);
}

/*
 * A top-level key other than "procs": the integers of the header go to
 * si; keys of a later version are ignored.
 */
static int
snap_header(struct reader *r, const char *key, json_t *v,
    struct snapshot_info *si, int *versionp)
{
	static const struct {
		const char *key;
		int64_t min;
		int64_t max;
	} ranges[] = {
		{ "version", 0, INT64_MAX },
		{ "next_id", 1, REGTAB_ID_MAX + 1 },
		{ "created_unix", INT64_MIN, INT64_MAX },
		{ "journal_seq", 0, INT64_MAX },
		{ "entries", 0, INT64_MAX },
		{ "pids", 0, INT64_MAX },
		{ "names", 0, INT64_MAX },
		{ "labels", 0, INT64_MAX },
	};
	json_t *o;
	char dbuf[64];
	int64_t n;
	size_t i;
	int rv;

	for (i = 0; i < nitems(ranges); i++)
		if (strcmp(key, ranges[i].key) == 0)
			break;
	if (i == nitems(ranges))
		return (0);
	if ((o = json_object()) == NULL || json_object_set(o, key, v) == -1)
		fatal(NULL);
	rv = store_get_int(
	    o, key, 1, ranges[i].min, ranges[i].max, &n, r->err, r->errlen);
	json_decref(o);
	if (rv == -1)
		return (-1);
	switch (i) {
	case 0:
		if (n != SNAPSHOT_VERSION) {
			snprintf(r->err, r->errlen,
			    "version: unsupported version %s",
			    store_json_describe(v, dbuf, sizeof(dbuf)));
			return (-1);
		}
		*versionp = 1;
		break;
	case 1:
		si->next_id = n;
		break;
	case 2:
		si->created_unix = n;
		break;
	case 3:
		si->journal_seq = n;
		break;
	case 4:
		si->hint.entries = n;
		break;
	case 5:
		si->hint.pids = n;
		break;
	case 6:
		si->hint.names = n;
		break;
	case 7:
		si->hint.labels = n;
		break;
	}
	return (0);
}

/*
 * The header's counts, where it has them, size the indexes before
 * "procs" is read.  They are hints: at most one entry (and label) per
 * ENTRY_MIN bytes of the file is believed, no more PIDs or names than
 * entries (si keeps the counts believed), and wrong counts cost only
 * time or memory.
 */
static void
snap_reserve(struct reader *r, struct regtab *rt, struct snapshot_info *si)
{
	struct regtab_size *sz = &si->hint;
	size_t most = r->size / ENTRY_MIN;

	if (sz->entries > most)
		sz->entries = most;
	if (sz->labels > most)
		sz->labels = most;
	/* Each entry has one PID and at most one name. */
	if (sz->pids > sz->entries)
		sz->pids = sz->entries;
	if (sz->names > sz->entries)
		sz->names = sz->entries;
	regtab_reserve(rt, sz);
}

/*
 * One element of "procs": read by store_entry_fast() in the form goprocd
 * writes, else decoded by jansson, which also names what is wrong.
 */
static int
snap_entry(struct reader *r, struct regtab *rt, struct gp_entry *ge, size_t i,
    struct rentry **ep)
{
	json_t *v;
	const char *p;
	char boot[REGTAB_BOOT_ID_LEN + 1], what[32], msg[GP_MSG_MAX];
	size_t len;
	int64_t dead_at;
	int fast, rv;

	/*
	 * An entry as goprocd writes it, a line each: read from the line
	 * without finding the value's end first.  Anything else, or one the
	 * table refuses, goes through jansson, whose message names the entry.
	 */
	if (rd_line(r, &p, &len) == 0 &&
	    store_entry_fast(p, len, ge, boot, sizeof(boot), &dead_at) == 0) {
		r->pos += len;
		fast = 1;
	} else {
		if (rd_value(r, &p, &len) == -1)
			return (-1);
		fast = store_entry_fast(
		           p, len, ge, boot, sizeof(boot), &dead_at) == 0;
	}
	if (fast &&
	    regtab_insert(rt, ge, boot, dead_at, ep, msg, sizeof(msg)) ==
	        REGTAB_OK)
		return (0);
	snprintf(what, sizeof(what), "procs[%zu]", i);
	if ((v = rd_decode(r, what, p, len)) == NULL)
		return (-1);
	rv = store_entry_load(rt, v, what, ep, r->err, r->errlen);
	json_decref(v);
	return (rv);
}

static int
snap_procs(struct reader *r, struct regtab *rt, struct snapshot_info *si)
{
	json_t *v;
	struct gp_entry *ge;
	struct rentry *e;
	const char *p;
	size_t i, len;
	int c, rv = -1;

	if ((c = rd_ws(r)) == 'n') {
		if (rd_value(r, &p, &len) == -1 ||
		    (v = rd_decode(r, "procs", p, len)) == NULL)
			return (-1);
		if (!json_is_null(v)) {
			json_decref(v);
			snprintf(r->err, r->errlen, "procs: must be an array");
			return (-1);
		}
		json_decref(v);
		return (0);
	}
	if (c == RD_ERR)
		return (-1);
	if (c != '[') {
		snprintf(r->err, r->errlen, "procs: must be an array");
		return (-1);
	}
	r->pos++;
	if ((ge = calloc(1, sizeof(*ge))) == NULL)
		fatal(NULL);
	for (i = 0;; i++) {
		if ((c = rd_ws(r)) == ']' && i == 0) {
			r->pos++;
			rv = 0;
			break;
		}
		if (snap_entry(r, rt, ge, i, &e) == -1)
			break;
		si->count++;
		if (e->start_ticks == 0)
			si->unknown++;
		if ((c = rd_ws(r)) == ',') {
			r->pos++;
			continue;
		}
		if (c == ']') {
			r->pos++;
			rv = 0;
			break;
		}
		if (c != RD_ERR)
			snprintf(r->err, r->errlen,
			    "offset %" PRIu64 ": %s after procs[%zu]",
			    r->base + r->pos,
			    c == RD_EOF ? "unexpected end of file" :
			                  "expected ',' or ']'",
			    i);
		break;
	}
	free(ge);
	return (rv);
}

static int
snap_parse(struct reader *r, struct regtab *rt, struct snapshot_info *si)
{
	json_t *seen, *k, *v;
	const char *p, *key;
	int c, first, version = 0, procs = 0, rv = -1;
	size_t len;

	if ((seen = json_object()) == NULL)
		fatal(NULL);
	if ((c = rd_ws(r)) != '{') {
		if (c != RD_ERR)
			snprintf(r->err, r->errlen, "%s",
			    c == RD_EOF ? "empty file" : "not a JSON object");
		goto done;
	}
	r->pos++;
	for (first = 1;; first = 0) {
		if ((c = rd_ws(r)) == '}' && first) {
			r->pos++;
			break;
		}
		if (c == RD_ERR)
			goto done;
		if (c != '"') {
			snprintf(r->err, r->errlen,
			    "offset %" PRIu64 ": expected a key",
			    r->base + r->pos);
			goto done;
		}
		if (rd_value(r, &p, &len) == -1 ||
		    (k = rd_decode(r, "key", p, len)) == NULL)
			goto done;
		key = json_string_value(k);
		if (json_object_get(seen, key) != NULL) {
			snprintf(r->err, r->errlen, "duplicate key \"%s\"",
			    store_printable(key) ? key : "?");
			json_decref(k);
			goto done;
		}
		if (json_object_set_new(seen, key, json_true()) == -1)
			fatal(NULL);
		if ((c = rd_ws(r)) != ':') {
			if (c != RD_ERR)
				snprintf(r->err, r->errlen,
				    "offset %" PRIu64
				    ": expected ':' after a key",
				    r->base + r->pos);
			json_decref(k);
			goto done;
		}
		r->pos++;
		if (strcmp(key, "procs") == 0) {
			json_decref(k);
			procs = 1;
			snap_reserve(r, rt, si);
			if (snap_procs(r, rt, si) == -1)
				goto done;
		} else {
			if (rd_ws(r) == RD_ERR || rd_value(r, &p, &len) == -1 ||
			    (v = rd_decode(r,
			         store_printable(key) ? key : "value", p,
			         len)) == NULL) {
				json_decref(k);
				goto done;
			}
			c = snap_header(r, key, v, si, &version);
			json_decref(v);
			json_decref(k);
			if (c == -1)
				goto done;
		}
		if ((c = rd_ws(r)) == ',') {
			r->pos++;
			continue;
		}
		if (c == '}') {
			r->pos++;
			break;
		}
		if (c != RD_ERR)
			snprintf(r->err, r->errlen, "offset %" PRIu64 ": %s",
			    r->base + r->pos,
			    c == RD_EOF ? "unexpected end of file" :
			                  "expected ',' or '}'");
		goto done;
	}
	if ((c = rd_ws(r)) != RD_EOF) {
		if (c != RD_ERR)
			snprintf(r->err, r->errlen,
			    "offset %" PRIu64 ": data after the snapshot",
			    r->base + r->pos);
		goto done;
	}
	if (!version || !procs || si->next_id == 0) {
		snprintf(r->err, r->errlen, "%s: missing",
		    !version   ? "version" :
		        !procs ? "procs" :
		                 "next_id");
		goto done;
	}
	if (regtab_next_id(rt) > si->next_id) {
		snprintf(r->err, r->errlen,
		    "next_id: must be greater than every id (%" PRIu64
		    "), got %" PRIu64,
		    regtab_next_id(rt) - 1, si->next_id);
		goto done;
	}
	if (regtab_set_next_id(rt, si->next_id, r->err, r->errlen) == -1)
		goto done;
	si->size = r->base + r->len;
	rv = 0;
done:
	json_decref(seen);
	return (rv);
}

/*
 * Load a snapshot from fd (read to its end) into an empty table.  On
 * error the table is left empty and err holds one line naming what is
 * wrong, to be prefixed with the file name.
 */
int
snapshot_load(struct regtab *rt, int fd, struct snapshot_info *si, char *err,
    size_t errlen)
{
	struct reader r;
	struct stat sb;
	int rv;

	memset(si, 0, sizeof(*si));
	memset(&r, 0, sizeof(r));
	r.fd = fd;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		r.size = sb.st_size;
	r.err = err;
	r.errlen = errlen;
	if (regtab_count(rt) != 0) {
		snprintf(err, errlen, "registry not empty");
		return (-1);
	}
	regtab_bulk(rt, 1);
	rv = snap_parse(&r, rt, si);
	regtab_bulk(rt, 0);
	free(r.buf);
	if (rv == -1)
		regtab_reset(rt);
	return (rv);
}

/* The same, from a buffer holding the whole file. */
int
snapshot_load_buf(struct regtab *rt, const void *buf, size_t len,
    struct snapshot_info *si, char *err, size_t errlen)
{
	struct reader r;
	int rv;

	memset(si, 0, sizeof(*si));
	memset(&r, 0, sizeof(r));
	r.fd = -1;
	r.data = buf;
	r.len = r.size = len;
	r.eof = 1;
	r.err = err;
	r.errlen = errlen;
	if (regtab_count(rt) != 0) {
		snprintf(err, errlen, "registry not empty");
		return (-1);
	}
	if (len > SNAPSHOT_SIZE_MAX) {
		snprintf(
		    err, errlen, "larger than %llu bytes", SNAPSHOT_SIZE_MAX);
		return (-1);
	}
	regtab_bulk(rt, 1);
	rv = snap_parse(&r, rt, si);
	regtab_bulk(rt, 0);
	if (rv == -1)
		regtab_reset(rt);
	return (rv);
}

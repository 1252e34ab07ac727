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
 * goprocd's configuration file: a JSON object whose keys are
 * "liveness_interval", "last_seen_interval" and "metrics_interval" (Go
 * durations such as "15s" or "1m30s"; the last may be "0", no sampling),
 * "dead_retention" (a duration up to 87600h; absent: dead entries stay),
 * "state_dir", "socket_group" and "metrics_textfile", and the limits on
 * clients: "client_timeout" (a duration), "max_clients", "max_clients_per_uid",
 * "max_entries_per_uid", "max_labels" and "max_cmd_bytes" (integers).
 * The environment variables GOPROC_LIVENESS_INTERVAL,
 * GOPROC_LAST_SEEN_INTERVAL, GOPROC_METRICS_INTERVAL,
 * GOPROC_DEAD_RETENTION, GOPROC_STATE_DIR, GOPROC_METRICS_TEXTFILE
 * and those of the limits
 * (GOPROC_CLIENT_TIMEOUT, GOPROC_MAX_CLIENTS_PER_UID, ...) override the
 * file.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "config.h"
#include "goproc.h"
#include "util.h"

#define NS_PER_US 1000ULL
#define NS_PER_MS 1000000ULL
#define NS_PER_S 1000000000ULL
#define NS_PER_MIN (60 * NS_PER_S)
#define NS_PER_HOUR (60 * NS_PER_MIN)
#define DURATION_ABS_MAX (1ULL << 63) /* |INT64_MIN| */

#define QUOTE_MAX 128 /* bytes of a value quoted in a message */
#define WHERE_MAX (PATH_MAX + QUOTE_MAX + 96) /* file: line L column C: key K */

/* An integer limit: its key, its environment variable and its range. */
struct limit_key {
	const char *key;
	const char *env;
	size_t off; /* in struct goproc_config, a uint32_t */
	uint32_t min;
	uint32_t max;
};

/* clang-format off */
static const struct limit_key limit_keys[] = {
	{ "max_clients", "GOPROC_MAX_CLIENTS",
	    offsetof(struct goproc_config, max_clients),
	    CONFIG_CLIENTS_MIN, CONFIG_CLIENTS_MAX },
	{ "max_clients_per_uid", "GOPROC_MAX_CLIENTS_PER_UID",
	    offsetof(struct goproc_config, max_clients_per_uid),
	    1, CONFIG_CLIENTS_PER_UID_MAX },
	{ "max_entries_per_uid", "GOPROC_MAX_ENTRIES_PER_UID",
	    offsetof(struct goproc_config, max_entries_per_uid),
	    1, CONFIG_ENTRIES_PER_UID_MAX },
	{ "max_labels", "GOPROC_MAX_LABELS",
	    offsetof(struct goproc_config, max_labels),
	    0, GP_LABELS_MAX },
	{ "max_cmd_bytes", "GOPROC_MAX_CMD_BYTES",
	    offsetof(struct goproc_config, max_cmd_bytes),
	    CONFIG_CMD_BYTES_MIN, GP_CMD_MAX },
};
/* clang-format on */

struct duration_unit {
	const char *name;
	uint64_t ns;
};

/* clang-format off */
static const struct duration_unit duration_units[] = {
	{ "ns",		1 },
	{ "us",		NS_PER_US },
	{ "\xc2\xb5s",	NS_PER_US },	/* U+00B5 MICRO SIGN */
	{ "\xce\xbcs",	NS_PER_US },	/* U+03BC GREEK SMALL MU */
	{ "ms",		NS_PER_MS },
	{ "s",		NS_PER_S },
	{ "m",		NS_PER_MIN },
	{ "h",		NS_PER_HOUR },
};
/* clang-format on */

static void quote(const char *, char *, size_t);
static void shown(const char *, const char *, const char *, char *, size_t);
static int key_position(const char *, size_t, const char *, int *, int *);
static int set_duration(int64_t *, const char *, const char *, char *, size_t);
static int set_state_dir(
    char *, size_t, const char *, const char *, char *, size_t);
static int set_textfile(
    char *, size_t, const char *, const char *, char *, size_t);
static int valid_group(const char *);
static const struct limit_key *limit_key(const char *);
static int set_limit(struct goproc_config *, const struct limit_key *, json_t *,
    const char *, const char *, char *, size_t);
static int apply_key(struct goproc_config *, const char *, const char *,
    json_t *, char *, size_t);
static int read_file(const char *, char *, size_t, size_t *, char *, size_t);
static int env_duration(const char *, int64_t *, char *, size_t);
static int apply_env(struct goproc_config *, char *, size_t);
static int duration_number(
    const char **, uint64_t *, uint64_t *, double *, const char **);
static uint64_t duration_unit_ns(const char **, const char **);
static char *fmt_frac(char *, uint64_t *, int);
static char *fmt_uint(char *, uint64_t);
static int fmt_duration(int64_t, char *, size_t);
static int config_dump_limits(const struct goproc_config *, char *, size_t);
static int dump_duration(char **, size_t *, const char *, int64_t, int64_t);

/*
 * Copy s into out between double quotes, escaping quotes, backslashes
 * and control characters, and shortening it if it is long, so that a
 * value from a file or the environment cannot garble a log line.
 */
static void
quote(const char *s, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	if (outlen < 8) {
		if (outlen > 0)
			out[0] = '\0';
		return;
	}
	out[o++] = '"';
	for (; *p != '\0'; p++) {
		/*
		 * Leave room for an escape, "...", the closing quote and the
		 * NUL; do not cut a UTF-8 sequence short unless it runs on.
		 */
		if (o + 9 >= outlen &&
		    ((*p & 0xc0) != 0x80 || o + 5 >= outlen)) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (*p == '"' || *p == '\\') {
			out[o++] = '\\';
			out[o++] = *p;
		} else if (*p < 0x20 || *p == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0xf];
		} else
			out[o++] = *p;
	}
	out[o++] = '"';
	out[o] = '\0';
}

/*
 * A value in a message, as prefix then the quoted value, but only when
 * it comes from the environment (where names its origin): an error
 * about a file never quotes the file's content, which may not be a
 * configuration file at all (a link to a file of secrets, say).
 */
static void
shown(const char *where, const char *prefix, const char *val, char *out,
    size_t outlen)
{
	char q[QUOTE_MAX];

	if (strncmp(where, "environment ", 12) != 0) {
		if (outlen > 0)
			out[0] = '\0';
		return;
	}
	quote(val, q, sizeof(q));
	(void)snprintf(out, outlen, "%s%s", prefix, q);
}

/*
 * Where the top-level key key first appears in the JSON text buf, as a
 * 1-based line and column (in characters, as jansson counts them), so
 * that an error about it can point there instead of quoting it.  A key
 * written with escapes is not found.  Returns 0, or -1 if not found.
 */
static int
key_position(const char *buf, size_t len, const char *key, int *line, int *col)
{
	size_t i, start, klen = strlen(key);
	int depth = 0, l = 1, c = 0, sl = 0, sc = 0, esc;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			l++;
			c = 0;
			continue;
		}
		if (((unsigned char)buf[i] & 0xc0) != 0x80)
			c++;
		if (buf[i] == '{' || buf[i] == '[')
			depth++;
		else if (buf[i] == '}' || buf[i] == ']')
			depth--;
		if (buf[i] != '"')
			continue;
		/* A string: find its end, noting any escape. */
		sl = l;
		sc = c;
		start = ++i;
		esc = 0;
		for (; i < len && buf[i] != '"'; i++) {
			if (buf[i] == '\\') {
				esc = 1;
				i++;
			}
			if (i < len && ((unsigned char)buf[i] & 0xc0) != 0x80)
				c++;
		}
		if (i >= len)
			return (-1);
		c++;
		if (depth == 1 && !esc && i - start == klen &&
		    memcmp(buf + start, key, klen) == 0) {
			*line = sl;
			*col = sc;
			return (0);
		}
	}
	return (-1);
}

/*
 * Scan one number of a duration at *sp, an integer part and an optional
 * fraction, and move *sp past it.  The integer goes into *v, the
 * fraction's digits into *f and 10 to the power of their count into
 * *scale; fraction digits past what fits are ignored.  Returns 0, or -1
 * with *errstr set.
 */
static int
duration_number(const char **sp, uint64_t *v, uint64_t *f, double *scale,
    const char **errstr)
{
	const char *s = *sp;
	int pre, post, foverflow;

	if (*s != '.' && (*s < '0' || *s > '9')) {
		*errstr = "invalid duration";
		return (-1);
	}

	/* The integer part. */
	*v = 0;
	pre = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		pre = 1;
		if (*v > DURATION_ABS_MAX / 10) {
			*errstr = "duration out of range";
			return (-1);
		}
		*v = *v * 10 + (uint64_t)(*s - '0');
		if (*v > DURATION_ABS_MAX) {
			*errstr = "duration out of range";
			return (-1);
		}
	}

	/* The fraction: digits past what fits are ignored. */
	*f = 0;
	*scale = 1;
	post = 0;
	if (*s == '.') {
		s++;
		foverflow = 0;
		for (; *s >= '0' && *s <= '9'; s++) {
			post = 1;
			if (foverflow)
				continue;
			if (*f > (DURATION_ABS_MAX - 1) / 10 ||
			    *f * 10 + (uint64_t)(*s - '0') > DURATION_ABS_MAX) {
				foverflow = 1;
				continue;
			}
			*f = *f * 10 + (uint64_t)(*s - '0');
			*scale *= 10;
		}
	}
	if (!pre && !post) {
		*errstr = "invalid duration";
		return (-1);
	}
	*sp = s;
	return (0);
}

/*
 * Scan the unit at *sp, which runs up to the next number, and move *sp
 * past it.  Returns the unit in nanoseconds, or 0 with *errstr set.
 */
static uint64_t
duration_unit_ns(const char **sp, const char **errstr)
{
	const char *s = *sp, *u;
	size_t ulen, i;

	u = s;
	while (*s != '\0' && *s != '.' && (*s < '0' || *s > '9'))
		s++;
	ulen = (size_t)(s - u);
	if (ulen == 0) {
		*errstr = "missing unit in duration";
		return (0);
	}
	for (i = 0; i < nitems(duration_units); i++) {
		if (strlen(duration_units[i].name) == ulen &&
		    memcmp(duration_units[i].name, u, ulen) == 0) {
			*sp = s;
			return (duration_units[i].ns);
		}
	}
	*errstr = "unknown unit in duration";
	return (0);
}

/*
 * Parse a duration in the syntax of Go's time.ParseDuration: an optional
 * sign, then one or more decimal numbers, each with an optional fraction
 * and a unit among ns, us, µs, ms, s, m and h ("1h2m3.5s").  "0" needs no
 * unit.  Returns 0 and the duration in nanoseconds, or -1 with *errstr
 * set.
 */
int
parse_duration(const char *s, int64_t *ns, const char **errstr)
{
	const char *dummy;
	uint64_t total = 0, v, f, unit;
	double scale;
	int neg = 0;

	if (errstr == NULL)
		errstr = &dummy;
	*errstr = NULL;
	if (s == NULL) {
		*errstr = "invalid duration";
		return (-1);
	}
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return (0);
	}
	if (*s == '\0') {
		*errstr = "invalid duration";
		return (-1);
	}
	while (*s != '\0') {
		if (duration_number(&s, &v, &f, &scale, errstr) == -1 ||
		    (unit = duration_unit_ns(&s, errstr)) == 0)
			return (-1);
		if (v > DURATION_ABS_MAX / unit) {
			*errstr = "duration out of range";
			return (-1);
		}
		v *= unit;
		if (f > 0) {
			/* As Go does, in float64: exact to the nanosecond. */
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > DURATION_ABS_MAX) {
				*errstr = "duration out of range";
				return (-1);
			}
		}
		total += v;
		if (total > DURATION_ABS_MAX) {
			*errstr = "duration out of range";
			return (-1);
		}
	}
	if (neg) {
		if (total == DURATION_ABS_MAX)
			*ns = INT64_MIN;
		else
			*ns = -(int64_t)total;
	} else {
		if (total > (uint64_t)INT64_MAX) {
			*errstr = "duration out of range";
			return (-1);
		}
		*ns = (int64_t)total;
	}
	return (0);
}

/*
 * Write the digits of v's fraction with prec digits, without trailing
 * zeros, before p; leave the integer part in *v.
 */
static char *
fmt_frac(char *p, uint64_t *v, int prec)
{
	int i, digit, print = 0;

	for (i = 0; i < prec; i++) {
		digit = (int)(*v % 10);
		print = print || digit != 0;
		if (print)
			*--p = (char)('0' + digit);
		*v /= 10;
	}
	if (print)
		*--p = '.';
	return (p);
}

static char *
fmt_uint(char *p, uint64_t v)
{
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	return (p);
}

/* Format a duration the way Go's Duration.String does: 1h0m0s, 250ms. */
static int
fmt_duration(int64_t d, char *buf, size_t len)
{
	char tmp[48];
	char *p = tmp + sizeof(tmp);
	uint64_t u;
	int prec;

	*--p = '\0';
	u = d < 0 ? -(uint64_t)d : (uint64_t)d;
	*--p = 's';
	if (u < NS_PER_S) {
		if (u == 0)
			*--p = '0';
		else {
			if (u < NS_PER_US) {
				prec = 0;
				*--p = 'n';
			} else if (u < NS_PER_MS) {
				prec = 3;
				p -= 2;
				memcpy(p, "\xc2\xb5", 2);
			} else {
				prec = 6;
				*--p = 'm';
			}
			p = fmt_frac(p, &u, prec);
			p = fmt_uint(p, u);
		}
	} else {
		p = fmt_frac(p, &u, 9);
		p = fmt_uint(p, u % 60);
		u /= 60;
		if (u > 0) {
			*--p = 'm';
			p = fmt_uint(p, u % 60);
			u /= 60;
			if (u > 0) {
				*--p = 'h';
				p = fmt_uint(p, u);
			}
		}
	}
	if (d < 0)
		*--p = '-';
	if (strlcpy(buf, p, len) >= len)
		return (-1);
	return (0);
}

/*
 * Parse val as one of the daemon's intervals into *dst.  where names
 * the value's origin in messages, e.g. 'file: key "liveness_interval"'.
 */
static int
set_duration(
    int64_t *dst, const char *val, const char *where, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 8];
	const char *errstr;
	int64_t ns;

	if (parse_duration(val, &ns, &errstr) == -1) {
		shown(where, " ", val, q, sizeof(q));
		seterr(err, errlen, "%s: %s%s", where, errstr, q);
		return (-1);
	}
	shown(where, ", got ", val, q, sizeof(q));
	if (ns <= 0) {
		seterr(err, errlen, "%s: must be positive%s", where, q);
		return (-1);
	}
	if (ns < CONFIG_DURATION_MIN) {
		seterr(err, errlen, "%s: must be at least 1ms%s", where, q);
		return (-1);
	}
	if (ns > CONFIG_DURATION_MAX) {
		seterr(err, errlen, "%s: must be at most 24h%s", where, q);
		return (-1);
	}
	*dst = ns;
	return (0);
}

/* metrics_interval: a duration of at least 100ms, or 0 for none. */
static int
set_metrics(
    int64_t *dst, const char *val, const char *where, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 8];
	int64_t ns;

	if (parse_duration(val, &ns, NULL) == 0 && ns == 0) {
		*dst = 0;
		return (0);
	}
	if (set_duration(&ns, val, where, err, errlen) == -1)
		return (-1);
	if (ns < (int64_t)GOPROC_METRICS_MIN_MS * 1000000) {
		shown(where, ", got ", val, q, sizeof(q));
		seterr(err, errlen, "%s: must be 0 (off) or at least 100ms%s",
		    where, q);
		return (-1);
	}
	*dst = ns;
	return (0);
}

/*
 * dead_retention: how long a dead entry stays, from 1ms to 87600h (ten
 * years); leaving the key out keeps dead entries until rm.
 */
static int
set_retention(
    int64_t *dst, const char *val, const char *where, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 8];
	const char *errstr;
	int64_t ns;

	if (parse_duration(val, &ns, &errstr) == -1) {
		shown(where, " ", val, q, sizeof(q));
		seterr(err, errlen, "%s: %s%s", where, errstr, q);
		return (-1);
	}
	shown(where, ", got ", val, q, sizeof(q));
	if (ns <= 0) {
		seterr(err, errlen,
		    "%s: must be positive (leave it out to keep dead entries)%s",
		    where, q);
		return (-1);
	}
	if (ns < CONFIG_DURATION_MIN) {
		seterr(err, errlen, "%s: must be at least 1ms%s", where, q);
		return (-1);
	}
	if (ns > CONFIG_RETENTION_MAX) {
		seterr(err, errlen, "%s: must be at most 87600h%s", where, q);
		return (-1);
	}
	*dst = ns;
	return (0);
}

static int
set_state_dir(char *dst, size_t dstlen, const char *val, const char *where,
    char *err, size_t errlen)
{
	char q[QUOTE_MAX + 8];

	shown(where, ", got ", val, q, sizeof(q));
	if (val[0] != '/') {
		seterr(err, errlen, "%s: must be an absolute path%s", where, q);
		return (-1);
	}
	if (strlcpy(dst, val, dstlen) >= dstlen) {
		seterr(err, errlen,
		    "%s: path too long (%zu bytes, at most %zu)", where,
		    strlen(val), dstlen - 1);
		return (-1);
	}
	return (0);
}

/*
 * metrics_textfile: an absolute path whose last component ends in
 * ".prom" (node_exporter's textfile collector reads those alone), of
 * visible ASCII, without "." or ".." components.  "" turns it off.
 */
static int
set_textfile(char *dst, size_t dstlen, const char *val, const char *where,
    char *err, size_t errlen)
{
	char q[QUOTE_MAX + 8];
	const char *base, *c;
	size_t i, blen, slen = strlen(CONFIG_TEXTFILE_SUFFIX);

	if (val[0] == '\0') {
		dst[0] = '\0';
		return (0);
	}
	shown(where, ", got ", val, q, sizeof(q));
	for (i = 0; val[i] != '\0'; i++)
		if (val[i] <= 0x20 || val[i] >= 0x7f) {
			seterr(err, errlen,
			    "%s: only visible ASCII characters, no spaces%s",
			    where, q);
			return (-1);
		}
	if (val[0] != '/') {
		seterr(err, errlen, "%s: must be an absolute path%s", where, q);
		return (-1);
	}
	for (c = val; (c = strchr(c, '/')) != NULL; c++)
		if (strncmp(c, "/./", 3) == 0 || strncmp(c, "/../", 4) == 0 ||
		    strcmp(c, "/.") == 0 || strcmp(c, "/..") == 0) {
			seterr(err, errlen,
			    "%s: no \".\" or \"..\" components%s", where, q);
			return (-1);
		}
	base = strrchr(val, '/') + 1;
	blen = strlen(base);
	if (blen <= slen ||
	    strcmp(base + blen - slen, CONFIG_TEXTFILE_SUFFIX) != 0 ||
	    blen > CONFIG_TEXTFILE_NAME_MAX) {
		seterr(err, errlen,
		    "%s: the file name must end in \"%s\" and have 1 to %d bytes before it%s",
		    where, CONFIG_TEXTFILE_SUFFIX,
		    (int)(CONFIG_TEXTFILE_NAME_MAX - slen), q);
		return (-1);
	}
	if (strlcpy(dst, val, dstlen) >= dstlen) {
		seterr(err, errlen,
		    "%s: path too long (%zu bytes, at most %zu)", where,
		    strlen(val), dstlen - 1);
		return (-1);
	}
	return (0);
}

/* A group name: 1 to 32 of [A-Za-z0-9._-], not starting with '-'. */
static int
valid_group(const char *s)
{
	size_t i;

	if (s[0] == '\0' || s[0] == '-')
		return (0);
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= CONFIG_GROUP_MAX)
			return (0);
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    s[i] == '_' || s[i] == '-')
			continue;
		return (0);
	}
	return (1);
}

static const struct limit_key *
limit_key(const char *key)
{
	size_t i;

	for (i = 0; i < nitems(limit_keys); i++)
		if (strcmp(limit_keys[i].key, key) == 0)
			return (&limit_keys[i]);
	return (NULL);
}

/*
 * Set an integer limit from a JSON integer (val) or, for the
 * environment, from the decimal digits s.  where names the origin.
 */
static int
set_limit(struct goproc_config *cfg, const struct limit_key *lk, json_t *val,
    const char *s, const char *where, char *err, size_t errlen)
{
	char q[QUOTE_MAX];
	long long v = 0;
	size_t i;
	int ok = 1;

	if (val != NULL) {
		if (!json_is_integer(val)) {
			seterr(err, errlen,
			    "%s: must be an integer in %u..%u, got %s", where,
			    lk->min, lk->max, gp_json_type_name(val));
			return (-1);
		}
		v = json_integer_value(val);
		(void)snprintf(q, sizeof(q), "%lld", v);
	} else {
		quote(s, q, sizeof(q));
		if (s[0] == '\0')
			ok = 0;
		for (i = 0; ok && s[i] != '\0'; i++) {
			if (s[i] < '0' || s[i] > '9' || i >= 10)
				ok = 0;
			else
				v = v * 10 + (s[i] - '0');
		}
		if (!ok) {
			seterr(err, errlen,
			    "%s: must be an integer in %u..%u, got %s", where,
			    lk->min, lk->max, q);
			return (-1);
		}
	}
	if (v < lk->min || v > lk->max) {
		/* A value from the file is not repeated (see shown()). */
		if (val != NULL)
			seterr(err, errlen, "%s: must be in %u..%u", where,
			    lk->min, lk->max);
		else
			seterr(err, errlen, "%s: must be in %u..%u, got %s",
			    where, lk->min, lk->max, q);
		return (-1);
	}
	*(uint32_t *)((char *)cfg + lk->off) = (uint32_t)v;
	return (0);
}

static int
apply_key(struct goproc_config *cfg, const char *name, const char *key,
    json_t *val, char *err, size_t errlen)
{
	char where[WHERE_MAX];
	char q[QUOTE_MAX];
	const struct limit_key *lk;
	const char *s;

	quote(key, q, sizeof(q));
	(void)snprintf(where, sizeof(where), "%s: key %s", name, q);

	if ((lk = limit_key(key)) != NULL)
		return (set_limit(cfg, lk, val, NULL, where, err, errlen));
	if (strcmp(key, "liveness_interval") != 0 &&
	    strcmp(key, "last_seen_interval") != 0 &&
	    strcmp(key, "metrics_interval") != 0 &&
	    strcmp(key, "dead_retention") != 0 &&
	    strcmp(key, "client_timeout") != 0 &&
	    strcmp(key, "state_dir") != 0 && strcmp(key, "socket_group") != 0 &&
	    strcmp(key, "metrics_textfile") != 0) {
		/* The key is the file's text: config_parse() says where. */
		seterr(err, errlen, "%s: unknown key", name);
		return (-1);
	}
	if (!json_is_string(val)) {
		seterr(err, errlen, "%s: must be a string, got %s", where,
		    gp_json_type_name(val));
		return (-1);
	}
	s = json_string_value(val);

	if (strcmp(key, "liveness_interval") == 0)
		return (set_duration(&cfg->liveness_ns, s, where, err, errlen));
	if (strcmp(key, "last_seen_interval") == 0)
		return (
		    set_duration(&cfg->last_seen_ns, s, where, err, errlen));
	if (strcmp(key, "metrics_interval") == 0)
		return (set_metrics(&cfg->metrics_ns, s, where, err, errlen));
	if (strcmp(key, "dead_retention") == 0)
		return (set_retention(
		    &cfg->dead_retention_ns, s, where, err, errlen));
	if (strcmp(key, "client_timeout") == 0)
		return (set_duration(
		    &cfg->client_timeout_ns, s, where, err, errlen));
	if (strcmp(key, "state_dir") == 0)
		return (set_state_dir(cfg->state_dir, sizeof(cfg->state_dir), s,
		    where, err, errlen));
	if (strcmp(key, "metrics_textfile") == 0)
		return (set_textfile(cfg->metrics_textfile,
		    sizeof(cfg->metrics_textfile), s, where, err, errlen));

	/* socket_group */
	if (!valid_group(s)) {
		seterr(err, errlen,
		    "%s: invalid group name (1 to %d letters, digits, '.', '_' or '-', not starting with '-')",
		    where, CONFIG_GROUP_MAX);
		return (-1);
	}
	(void)strlcpy(cfg->socket_group, s, sizeof(cfg->socket_group));
	return (0);
}

void
config_defaults(struct goproc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->liveness_ns = (int64_t)GOPROC_LIVENESS_DEFAULT_MS * 1000000;
	cfg->last_seen_ns = (int64_t)GOPROC_LAST_SEEN_DEFAULT_MS * 1000000;
	cfg->metrics_ns = (int64_t)GOPROC_METRICS_DEFAULT_MS * 1000000;
	cfg->client_timeout_ns =
	    (int64_t)CONFIG_CLIENT_TIMEOUT_DEFAULT_MS * 1000000;
	cfg->max_clients = CONFIG_CLIENTS_MAX;
	cfg->max_clients_per_uid = CONFIG_CLIENTS_PER_UID_DEFAULT;
	cfg->max_entries_per_uid = CONFIG_ENTRIES_PER_UID_DEFAULT;
	cfg->max_labels = CONFIG_LABELS_DEFAULT;
	cfg->max_cmd_bytes = CONFIG_CMD_BYTES_DEFAULT;
}

/*
 * Parse the JSON document buf (len bytes) read from name over *cfg.
 * Keys that are absent keep their values; on error *cfg is unchanged.
 */
int
config_parse(struct goproc_config *cfg, const char *name, const char *buf,
    size_t len, char *err, size_t errlen)
{
	struct goproc_config tmp;
	json_error_t jerr;
	json_t *root;
	char at[PATH_MAX + 64];
	const char *key;
	void *it;
	int line, col;

	if (name == NULL)
		name = "configuration";
	if (len == 0) {
		seterr(err, errlen, "%s: empty file, expected a JSON object",
		    name);
		return (-1);
	}
	root = json_loadb(
	    buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (root == NULL) {
		seterr(err, errlen, "%s: line %d column %d: invalid JSON: %s",
		    name, jerr.line, jerr.column, gp_json_error_text(&jerr));
		return (-1);
	}
	if (!json_is_object(root)) {
		seterr(err, errlen,
		    "%s: the top level must be a JSON object, not %s", name,
		    gp_json_type_name(root));
		json_decref(root);
		return (-1);
	}

	tmp = *cfg;
	for (it = json_object_iter(root); it != NULL;
	     it = json_object_iter_next(root, it)) {
		/* Errors say where the key is, not what the file says. */
		key = json_object_iter_key(it);
		if (key_position(buf, len, key, &line, &col) == 0)
			(void)snprintf(at, sizeof(at), "%s: line %d column %d",
			    name, line, col);
		else
			(void)strlcpy(at, name, sizeof(at));
		if (apply_key(&tmp, at, key, json_object_iter_value(it), err,
		        errlen) == -1) {
			json_decref(root);
			return (-1);
		}
	}
	json_decref(root);
	*cfg = tmp;
	return (0);
}

/*
 * Read the whole regular file path, at most max bytes, into buf.
 */
static int
read_file(const char *path, char *buf, size_t max, size_t *lenp, char *err,
    size_t errlen)
{
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd, saved_errno;

	/*
	 * A FIFO must not block the open, nor a symbolic link lead the
	 * daemon (root, maybe) to a file it was not meant to read: the
	 * file is named directly.  O_NONBLOCK stays set, which changes
	 * nothing for the regular file it must be (and the sandboxed
	 * parent, reloading, may not call fcntl).
	 */
	if ((fd = open(path,
	         O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW)) ==
	    -1) {
		/* No lstat(2): the sandboxed parent may not call it. */
		if (errno == ELOOP)
			seterr(err, errlen,
			    "%s: is a symbolic link; name the configuration file itself",
			    path);
		else
			seterr(err, errlen, "%s: cannot open: %s", path,
			    strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		saved_errno = errno;
		(void)close(fd);
		seterr(err, errlen, "%s: cannot stat: %s", path,
		    strerror(saved_errno));
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		(void)close(fd);
		seterr(err, errlen, "%s: not a regular file", path);
		return (-1);
	}
	if (st.st_size > (off_t)max) {
		(void)close(fd);
		seterr(err, errlen,
		    "%s: file too large (%lld bytes, at most %zu)", path,
		    (long long)st.st_size, max);
		return (-1);
	}
	/* Read one byte more than allowed to notice a file that grew. */
	for (;;) {
		n = read(fd, buf + len, max + 1 - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			saved_errno = errno;
			(void)close(fd);
			seterr(err, errlen, "%s: read error: %s", path,
			    strerror(saved_errno));
			return (-1);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			(void)close(fd);
			seterr(err, errlen,
			    "%s: file too large (more than %zu bytes)", path,
			    max);
			return (-1);
		}
	}
	(void)close(fd);
	*lenp = len;
	return (0);
}

/* Parse the duration in the environment variable name, if it is set. */
static int
env_duration(const char *name, int64_t *dst, char *err, size_t errlen)
{
	char where[64];
	const char *v;

	if ((v = getenv(name)) == NULL || *v == '\0')
		return (0);
	(void)snprintf(where, sizeof(where), "environment %s", name);
	return (set_duration(dst, v, where, err, errlen));
}

/* Environment overrides; a variable that is set but empty is unset. */
static int
apply_env(struct goproc_config *cfg, char *err, size_t errlen)
{
	char where[64];
	const char *v;
	size_t i;

	if (env_duration("GOPROC_LIVENESS_INTERVAL", &cfg->liveness_ns, err,
	        errlen) == -1)
		return (-1);
	if (env_duration("GOPROC_LAST_SEEN_INTERVAL", &cfg->last_seen_ns, err,
	        errlen) == -1)
		return (-1);
	if (env_duration("GOPROC_CLIENT_TIMEOUT", &cfg->client_timeout_ns, err,
	        errlen) == -1)
		return (-1);
	if ((v = getenv("GOPROC_METRICS_INTERVAL")) != NULL && *v != '\0' &&
	    set_metrics(&cfg->metrics_ns, v,
	        "environment GOPROC_METRICS_INTERVAL", err, errlen) == -1)
		return (-1);
	if ((v = getenv("GOPROC_DEAD_RETENTION")) != NULL && *v != '\0' &&
	    set_retention(&cfg->dead_retention_ns, v,
	        "environment GOPROC_DEAD_RETENTION", err, errlen) == -1)
		return (-1);
	for (i = 0; i < nitems(limit_keys); i++) {
		if ((v = getenv(limit_keys[i].env)) == NULL || *v == '\0')
			continue;
		(void)snprintf(
		    where, sizeof(where), "environment %s", limit_keys[i].env);
		if (set_limit(
		        cfg, &limit_keys[i], NULL, v, where, err, errlen) == -1)
			return (-1);
	}
	if ((v = getenv("GOPROC_METRICS_TEXTFILE")) != NULL && *v != '\0' &&
	    set_textfile(cfg->metrics_textfile, sizeof(cfg->metrics_textfile),
	        v, "environment GOPROC_METRICS_TEXTFILE", err, errlen) == -1)
		return (-1);
	if ((v = getenv("GOPROC_STATE_DIR")) == NULL || *v == '\0')
		return (0);
	return (set_state_dir(cfg->state_dir, sizeof(cfg->state_dir), v,
	    "environment GOPROC_STATE_DIR", err, errlen));
}

/*
 * Load the configuration: the defaults, then the file path (unless it is
 * NULL), then the environment.  On error *cfg is unchanged.
 */
int
config_load(
    struct goproc_config *cfg, const char *path, char *err, size_t errlen)
{
	struct goproc_config tmp;
	char *buf;
	size_t len;
	int rv;

	config_defaults(&tmp);
	if (path != NULL) {
		if (strlcpy(tmp.path, path, sizeof(tmp.path)) >=
		    sizeof(tmp.path)) {
			seterr(err, errlen, "configuration file path too long");
			return (-1);
		}
		if ((buf = malloc(CONFIG_FILE_MAX + 1)) == NULL) {
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			return (-1);
		}
		rv = read_file(path, buf, CONFIG_FILE_MAX, &len, err, errlen);
		if (rv == 0)
			rv = config_parse(&tmp, path, buf, len, err, errlen);
		free(buf);
		if (rv == -1)
			return (-1);
	}
	if (apply_env(&tmp, err, errlen) == -1)
		return (-1);
	*cfg = tmp;
	return (0);
}

/*
 * One line for goprocd -n -v, e.g.
 * "liveness_interval=15s last_seen_interval=45s".  Returns 0, or -1 if
 * buf is too small.
 */
int
config_dump(const struct goproc_config *cfg, char *buf, size_t len)
{
	char live[48], seen[48];
	int n;

	if (fmt_duration(cfg->liveness_ns, live, sizeof(live)) == -1 ||
	    fmt_duration(cfg->last_seen_ns, seen, sizeof(seen)) == -1)
		return (-1);
	n = snprintf(buf, len,
	    "liveness_interval=%s last_seen_interval=%s%s%s%s%s%s%s", live,
	    seen, cfg->state_dir[0] != '\0' ? " state_dir=" : "",
	    cfg->state_dir,
	    cfg->socket_group[0] != '\0' ? " socket_group=" : "",
	    cfg->socket_group,
	    cfg->metrics_textfile[0] != '\0' ? " metrics_textfile=" : "",
	    cfg->metrics_textfile);
	if (n < 0 || (size_t)n >= len)
		return (-1);
	return (config_dump_limits(cfg, buf + n, len - (size_t)n));
}

/* Append " key=duration" to *buf if ns is not the default def. */
static int
dump_duration(char **buf, size_t *len, const char *key, int64_t ns, int64_t def)
{
	char d[48];
	int n;

	if (ns == def)
		return (0);
	if (fmt_duration(ns, d, sizeof(d)) == -1)
		return (-1);
	n = snprintf(*buf, *len, " %s=%s", key, d);
	if (n < 0 || (size_t)n >= *len)
		return (-1);
	*buf += n;
	*len -= (size_t)n;
	return (0);
}

/* The limits that differ from their defaults, appended by config_dump(). */
static int
config_dump_limits(const struct goproc_config *cfg, char *buf, size_t len)
{
	struct goproc_config def;
	size_t i;
	uint32_t v;
	int n;

	config_defaults(&def);
	if (dump_duration(&buf, &len, "metrics_interval", cfg->metrics_ns,
	        def.metrics_ns) == -1 ||
	    dump_duration(&buf, &len, "client_timeout", cfg->client_timeout_ns,
	        def.client_timeout_ns) == -1 ||
	    dump_duration(&buf, &len, "dead_retention", cfg->dead_retention_ns,
	        def.dead_retention_ns) == -1)
		return (-1);
	for (i = 0; i < nitems(limit_keys); i++) {
		v = *(const uint32_t *)((const char *)cfg + limit_keys[i].off);
		if (v ==
		    *(const uint32_t *)((const char *)&def + limit_keys[i].off))
			continue;
		n = snprintf(buf, len, " %s=%u", limit_keys[i].key, v);
		if (n < 0 || (size_t)n >= len)
			return (-1);
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

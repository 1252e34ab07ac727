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
 * A fast reader for the entries of a snapshot as goprocd writes them.
 * Building a jansson tree for each of a million entries costs most of
 * the start-up, so an entry in the plain form goprocd writes (known
 * keys, each once; strings of printable ASCII without escapes; plain
 * integers) is read here directly.  It accepts a strict subset of what
 * the jansson path accepts, with the same checks and the same result:
 * whatever it does not recognise, or any value the checks would refuse,
 * makes it say "not mine", and the caller decodes the entry with
 * jansson, which accepts it or names the error.
 */

#include <sys/types.h>

#include <stdint.h>
#include <string.h>

#include "goproc.h"
#include "regtab.h"
#include "store.h"

/* The keys of an entry, as bits of struct fast.seen. */
enum {
	K_ID,
	K_PID,
	K_PGID,
	K_CMD,
	K_NAME,
	K_ALIVE,
	K_ADDED_AT,
	K_LAST_SEEN,
	K_META,
	K_START_TICKS,
	K_BOOT_ID,
	K_OWNER_UID,
	K_CMD_SOURCE,
	K_DEAD_AT,
	K_MAX
};

/* The keys and their lengths, in the order goprocd writes them. */
/* clang-format off */
#define KEY(s)	{ s, sizeof(s) - 1 }
/* clang-format on */
static const struct {
	const char *s;
	size_t len;
} keys[K_MAX] = {
	KEY("id"),
	KEY("pid"),
	KEY("pgid"),
	KEY("cmd"),
	KEY("name"),
	KEY("alive"),
	KEY("added_at"),
	KEY("last_seen"),
	KEY("meta"),
	KEY("start_ticks"),
	KEY("boot_id"),
	KEY("owner_uid"),
	KEY("cmd_source"),
	KEY("dead_at"),
};
#undef KEY

/* The bytes a string may hold here: printable ASCII, no quote, no escape. */
static const uint8_t plain[256] = {
	[0x20 ... 0x21] = 1, /* '"' is 0x22 */
	[0x23 ... 0x5b] = 1, /* '\\' is 0x5c */
	[0x5d ... 0x7e] = 1,
};

/* A JSON value of one of the kinds an entry holds. */
enum {
	V_INT,
	V_STR,
	V_TRUE,
	V_FALSE,
	V_NULL
};

struct cursor {
	const char *p;
	const char *end;
};

struct val {
	int type;
	int64_t i;
	const char *s; /* V_STR: the bytes, no escapes */
	size_t len;
};

/* The last boot ID found valid, a UUID (its length, or all zeroes). */
static char valid_boot[REGTAB_BOOT_ID_LEN];

static void ws(struct cursor *);
static int lit(struct cursor *, const char *);
static int str(struct cursor *, const char **, size_t *);
static int num(struct cursor *, int64_t *);
static int scalar(struct cursor *, struct val *);
static int key_of(const char *, size_t, int);
static int get_int(const struct val *, int64_t, int64_t, int64_t *);
static int get_time(const struct val *, int64_t *);
static int labels(struct cursor *, struct gp_strlist *);
static int meta(struct cursor *, struct gp_entry *);
static int fields(
    struct cursor *, struct gp_entry *, char *, size_t, int64_t *, uint32_t *);

static void
ws(struct cursor *c)
{
	while (c->p < c->end &&
	    (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
lit(struct cursor *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return (-1);
	c->p += n;
	return (0);
}

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/*
 * The bytes of w that are not plain, as their high bits: under 0x20,
 * from 0x7f on, '"' and '\\'.  A borrow or a carry only comes from a
 * byte flagged itself, so the lowest flag is exact.
 */
static inline uint64_t
not_plain(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');

	return (((w - ONES * 0x20) & ~w) | ((w + ONES) | w) |
	           ((q - ONES) & ~q) | ((b - ONES) & ~b)) &
	    HIGH;
}

/* A string of printable ASCII without escapes. */
static int
str(struct cursor *c, const char **sp, size_t *lenp)
{
	const char *s;
	uint64_t w, m;

	if (c->p == c->end || *c->p != '"')
		return (-1);
	s = ++c->p;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* Eight bytes at a time, up to the first that is not plain. */
	while (c->end - c->p >= 8) {
		memcpy(&w, c->p, sizeof(w));
		if ((m = not_plain(w)) != 0) {
			c->p += __builtin_ctzll(m) / 8;
			break;
		}
		c->p += 8;
	}
#endif
	while (c->p < c->end && plain[(unsigned char)*c->p])
		c->p++;
	if (c->p == c->end || *c->p != '"')
		return (-1);
	*sp = s;
	*lenp = c->p - s;
	c->p++;
	return (0);
}

/* An integer as JSON writes it, of at most 18 digits. */
static int
num(struct cursor *c, int64_t *vp)
{
	int64_t v = 0;
	int neg = 0, n = 0;

	if (c->p < c->end && *c->p == '-') {
		neg = 1;
		c->p++;
	}
	for (; c->p < c->end && *c->p >= '0' && *c->p <= '9'; c->p++, n++)
		if (n < 18)
			v = v * 10 + (*c->p - '0');
	if (n == 0 || n > 18 || (n > 1 && c->p[-n] == '0'))
		return (-1);
	/* A fraction or an exponent makes a real. */
	if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E'))
		return (-1);
	*vp = neg ? -v : v;
	return (0);
}

static int
scalar(struct cursor *c, struct val *v)
{
	if (c->p == c->end)
		return (-1);
	switch (*c->p) {
	case '"':
		v->type = V_STR;
		return (str(c, &v->s, &v->len));
	case 't':
		v->type = V_TRUE;
		return (lit(c, "true"));
	case 'f':
		v->type = V_FALSE;
		return (lit(c, "false"));
	case 'n':
		v->type = V_NULL;
		return (lit(c, "null"));
	default:
		v->type = V_INT;
		return (num(c, &v->i));
	}
}

/*
 * The key s[0 .. len), looked for from key first on: goprocd writes the
 * keys in the order of keys[], so the one after the last is the guess.
 */
static int
key_of(const char *s, size_t len, int first)
{
	int i, k;

	for (i = 0; i < K_MAX; i++) {
		if ((k = first + i) >= K_MAX)
			k -= K_MAX;
		if (keys[k].len == len && memcmp(keys[k].s, s, len) == 0)
			return (k);
	}
	return (-1);
}

static int
get_int(const struct val *v, int64_t min, int64_t max, int64_t *vp)
{
	if (v->type != V_INT || v->i < min || v->i > max)
		return (-1);
	*vp = v->i;
	return (0);
}

static int
get_time(const struct val *v, int64_t *vp)
{
	char buf[STORE_TIME_LEN];
	const char *errstr;

	if (v->type != V_STR || v->len >= sizeof(buf))
		return (-1);
	memcpy(buf, v->s, v->len);
	buf[v->len] = '\0';
	return (store_time_parse(buf, vp, &errstr));
}

/* null, or an array of labels: the set of them in sl. */
static int
labels(struct cursor *c, struct gp_strlist *sl)
{
	char in[4 * GP_LABEL_MAX + 1], clean[GP_LABEL_MAX + 1];
	const char *errstr, *s;
	size_t len;
	uint32_t j;

	sl->n = 0;
	if (c->p < c->end && *c->p == 'n')
		return (lit(c, "null"));
	if (c->p == c->end || *c->p++ != '[')
		return (-1);
	ws(c);
	if (c->p < c->end && *c->p == ']') {
		c->p++;
		return (0);
	}
	for (;;) {
		ws(c);
		if (str(c, &s, &len) == -1 || len >= sizeof(in))
			return (-1);
		memcpy(in, s, len);
		in[len] = '\0';
		if (gp_label_clean(in, clean, sizeof(clean), &errstr) == -1)
			return (-1);
		for (j = 0; j < sl->n; j++)
			if (strcmp(sl->v[j], clean) == 0)
				break;
		if (j == sl->n) {
			if (sl->n == GP_LABELS_MAX)
				return (-1);
			strlcpy(sl->v[sl->n++], clean, sizeof(sl->v[0]));
		}
		ws(c);
		if (c->p == c->end)
			return (-1);
		if (*c->p == ']') {
			c->p++;
			return (0);
		}
		if (*c->p++ != ',')
			return (-1);
	}
}

/* null, or an object of "tags" and "groups", each at most once. */
static int
meta(struct cursor *c, struct gp_entry *ge)
{
	const char *s;
	size_t len;
	int seen = 0, bit;

	if (c->p < c->end && *c->p == 'n')
		return (lit(c, "null"));
	if (c->p == c->end || *c->p++ != '{')
		return (-1);
	ws(c);
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		return (0);
	}
	for (;;) {
		ws(c);
		if (str(c, &s, &len) == -1)
			return (-1);
		if (len == 4 && memcmp(s, "tags", 4) == 0)
			bit = 1;
		else if (len == 6 && memcmp(s, "groups", 6) == 0)
			bit = 2;
		else
			return (-1);
		if (seen & bit)
			return (-1);
		seen |= bit;
		ws(c);
		if (c->p == c->end || *c->p++ != ':')
			return (-1);
		ws(c);
		if (labels(c, bit == 1 ? &ge->tags : &ge->groups) == -1)
			return (-1);
		ws(c);
		if (c->p == c->end)
			return (-1);
		if (*c->p == '}') {
			c->p++;
			return (0);
		}
		if (*c->p++ != ',')
			return (-1);
	}
}

/* The members of the object; *seenp gets a bit per key found. */
static int
fields(struct cursor *c, struct gp_entry *ge, char *boot, size_t bootlen,
    int64_t *dead_at, uint32_t *seenp)
{
	struct val v;
	const char *s, *errstr;
	size_t len;
	int64_t n;
	int k = -1;

	for (;;) {
		ws(c);
		if (str(c, &s, &len) == -1 ||
		    (k = key_of(s, len, k + 1)) == -1 || (*seenp & (1U << k)))
			return (-1);
		*seenp |= 1U << k;
		ws(c);
		if (c->p == c->end || *c->p++ != ':')
			return (-1);
		ws(c);
		if (k == K_META) {
			if (meta(c, ge) == -1)
				return (-1);
		} else if (scalar(c, &v) == -1)
			return (-1);
		switch (k) {
		case K_ID:
			if (get_int(&v, 1, REGTAB_ID_MAX, &n) == -1)
				return (-1);
			ge->id = n;
			break;
		case K_PID:
		case K_PGID:
			if (get_int(&v, k == K_PID, GP_PID_MAX, &n) == -1)
				return (-1);
			*(k == K_PID ? &ge->pid : &ge->pgid) = n;
			break;
		case K_CMD:
			if (v.type != V_STR || v.len > GP_CMD_MAX)
				return (-1);
			memcpy(ge->cmd, v.s, v.len);
			ge->cmd[v.len] = '\0';
			break;
		case K_NAME:
			if (v.type == V_NULL)
				break;
			if (v.type != V_STR || v.len > GP_NAME_MAX)
				return (-1);
			memcpy(ge->name, v.s, v.len);
			ge->name[v.len] = '\0';
			if (v.len > 0 && gp_valid_name(ge->name, &errstr) == -1)
				return (-1);
			break;
		case K_ALIVE:
			if (v.type != V_TRUE && v.type != V_FALSE)
				return (-1);
			ge->alive = v.type == V_TRUE;
			break;
		case K_ADDED_AT:
			if (get_time(&v, &ge->added_at) == -1)
				return (-1);
			break;
		case K_LAST_SEEN:
			if (get_time(&v, &ge->last_seen) == -1)
				return (-1);
			break;
		case K_START_TICKS:
			if (get_int(&v, 0, INT64_MAX, &n) == -1)
				return (-1);
			ge->start_ticks = n;
			break;
		case K_OWNER_UID:
			if (get_int(&v, 0, UINT32_MAX, &n) == -1)
				return (-1);
			ge->owner_uid = n;
			break;
		case K_BOOT_ID:
			if (v.type != V_STR || v.len > REGTAB_BOOT_ID_LEN ||
			    v.len >= bootlen)
				return (-1);
			memcpy(boot, v.s, v.len);
			boot[v.len] = '\0';
			/* Most entries have the boot ID of the one before. */
			if (v.len == REGTAB_BOOT_ID_LEN &&
			    memcmp(boot, valid_boot, v.len) == 0)
				break;
			if (!regtab_valid_boot_id(boot))
				return (-1);
			if (v.len == REGTAB_BOOT_ID_LEN)
				memcpy(valid_boot, boot, v.len);
			break;
		case K_CMD_SOURCE:
			if (v.type == V_STR && v.len == 6 &&
			    memcmp(v.s, "client", 6) == 0)
				ge->flags |= GP_ENT_CMD_CLIENT;
			else if (v.type != V_STR || v.len != 4 ||
			    memcmp(v.s, "proc", 4) != 0)
				return (-1);
			break;
		case K_DEAD_AT:
			if (get_time(&v, dead_at) == -1)
				return (-1);
			break;
		}
		ws(c);
		if (c->p == c->end)
			return (-1);
		if (*c->p == '}') {
			c->p++;
			return (0);
		}
		if (*c->p++ != ',')
			return (-1);
	}
}

/*
 * Read the entry object p[0 .. len) into ge, boot and *dead_at, as
 * store_entry_parse() and store_entry_load() would.  Returns 0, or -1
 * for an entry this reader leaves to them: one in another form, or one
 * they would refuse.
 */
int
store_entry_fast(const char *p, size_t len, struct gp_entry *ge, char *boot,
    size_t bootlen, int64_t *dead_at)
{
	struct cursor c;
	uint32_t seen = 0, need;

	c.p = p;
	c.end = p + len;
	/* Not memset: struct gp_entry is large; what regtab reads is set. */
	ge->id = 0;
	ge->pid = ge->pgid = 0;
	ge->start_ticks = 0;
	ge->added_at = ge->last_seen = 0;
	ge->owner_uid = REGTAB_UID_UNKNOWN;
	ge->alive = 0;
	ge->flags = 0;
	ge->name[0] = ge->cmd[0] = '\0';
	ge->tags.n = ge->groups.n = 0;
	boot[0] = '\0';
	*dead_at = 0;
	ws(&c);
	if (c.p == c.end || *c.p++ != '{')
		return (-1);
	ws(&c);
	if (c.p < c.end && *c.p == '}')
		return (-1); /* missing keys: the jansson path says which */
	if (fields(&c, ge, boot, bootlen, dead_at, &seen) == -1)
		return (-1);
	ws(&c);
	if (c.p != c.end)
		return (-1);
	need = 1U << K_ID | 1U << K_PID | 1U << K_PGID | 1U << K_CMD |
	    1U << K_ALIVE | 1U << K_ADDED_AT | 1U << K_LAST_SEEN;
	if ((seen & need) != need || (ge->alive && *dead_at != 0))
		return (-1);
	/* An entry of the Go program: its command is its client's word. */
	if (!(seen & (1U << K_CMD_SOURCE)) && !(seen & (1U << K_START_TICKS)))
		ge->flags |= GP_ENT_CMD_CLIENT;
	return (0);
}

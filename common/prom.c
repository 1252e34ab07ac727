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
 * The Prometheus text exposition format, version 0.0.4:
 *
 *	# HELP goproc_process_alive Whether ...
 *	# TYPE goproc_process_alive gauge
 *	goproc_process_alive{id="12",name="db-reader"} 1
 *
 * A label value is UTF-8 in double quotes where backslash, double quote
 * and newline are escaped as \\, \" and \n.  The format has no escape
 * for other control characters, and a byte that is not UTF-8 would make
 * the whole file unreadable, so those are written as the visible text
 * \xNN (\uNNNN for C1 controls): no control byte is ever written as it
 * is.  No PID labels a time series but goproc_process_info, whose value
 * is constant: series are keyed by the registry id, which is never
 * reused.
 */

#include <sys/types.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goproc.h"
#include "prom.h"

/* The families of one entry's samples, in the order they are written. */
enum prom_fam {
	FAM_ALIVE,
	FAM_INFO,
	FAM_CPU,
	FAM_RSS,
	FAM_THREADS,
	FAM_START,
	FAM_COUNT
};

/* clang-format off */
static const struct {
	const char	*name;
	const char	*type;
	const char	*help;
} fams[FAM_COUNT] = {
	[FAM_ALIVE] = { "goproc_process_alive", "gauge",
	    "Whether the registered process is alive (1) or dead (0)." },
	[FAM_INFO] = { "goproc_process_info", "gauge",
	    "Registry entry metadata; always 1." },
	[FAM_CPU] = { "goproc_process_cpu_seconds_total", "counter",
	    "User and system CPU time of the alive process, in seconds." },
	[FAM_RSS] = { "goproc_process_resident_memory_bytes", "gauge",
	    "Resident memory of the alive process, in bytes." },
	[FAM_THREADS] = { "goproc_process_threads", "gauge",
	    "Threads of the alive process." },
	[FAM_START] = { "goproc_process_start_time_seconds", "gauge",
	    "Start time of the process since the Unix epoch, in seconds." },
};
/* clang-format on */

struct prom_buf {
	char *p;
	size_t len;
	size_t cap;
};

struct gp_prom {
	struct prom_buf fam[FAM_COUNT];
	uint64_t nalive;
	uint64_t ndead;
};

/*
 * Worst case of an escaped label value: 7 bytes (\\u0085) for 2 of
 * input, 5 (\\x01) for 1, so 5 per input byte, plus "..." and the NUL.
 */
#define ESC_MAX(n) (5 * (size_t)(n) + 4)
#define LABELS_MAX (GP_LABELS_MAX * (GP_LABEL_MAX + 1) + 1)

/* clang-format off */
static int	 buf_printf(struct prom_buf *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
static size_t	 esc_char(char *, size_t, const unsigned char *, size_t);
static void	 join(char *, size_t, const struct gp_strlist *);
static int	 put_seconds(struct prom_buf *, const char *, int64_t);
/* clang-format on */

struct gp_prom *
gp_prom_new(void)
{
	return (calloc(1, sizeof(struct gp_prom)));
}

void
gp_prom_free(struct gp_prom *pr)
{
	size_t i;

	if (pr == NULL)
		return;
	for (i = 0; i < FAM_COUNT; i++)
		free(pr->fam[i].p);
	free(pr);
}

/* Empty, keeping the memory for the next rendering. */
void
gp_prom_reset(struct gp_prom *pr)
{
	size_t i;

	for (i = 0; i < FAM_COUNT; i++)
		pr->fam[i].len = 0;
	pr->nalive = pr->ndead = 0;
}

static int
buf_printf(struct prom_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t ncap;
	char *np;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p == NULL ? NULL : b->p + b->len,
		    b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return (-1);
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return (0);
		}
		ncap = b->cap == 0 ? 16384 : b->cap;
		while (ncap - b->len <= (size_t)n)
			ncap *= 2;
		if ((np = realloc(b->p, ncap)) == NULL)
			return (-1);
		b->p = np;
		b->cap = ncap;
	}
}

/*
 * One character of a label value (n bytes at s, or 1 that starts no
 * UTF-8 sequence) as the format wants it.  Returns the bytes written
 * to out (room: at least 8).
 */
static size_t
esc_char(char *out, size_t room, const unsigned char *s, size_t n)
{
	uint32_t cp;

	if (n == 1) {
		switch (s[0]) {
		case '\\':
			return ((size_t)snprintf(out, room, "\\\\"));
		case '"':
			return ((size_t)snprintf(out, room, "\\\""));
		case '\n':
			return ((size_t)snprintf(out, room, "\\n"));
		}
		if (s[0] < 0x20 || s[0] >= 0x7f)
			return ((size_t)snprintf(out, room, "\\\\x%02x", s[0]));
		out[0] = (char)s[0];
		return (1);
	}
	(void)gp_utf8_next(s, n, &cp);
	if (cp >= 0x80 && cp <= 0x9f)
		return ((size_t)snprintf(out, room, "\\\\u%04x", cp));
	memcpy(out, s, n);
	return (n);
}

/*
 * Escape s as a label value into out (outsz bytes), keeping at most max
 * of its bytes, cut on a character boundary and followed by "..." when
 * cut.  The result is always terminated; it stops early, on a character
 * boundary, if out is too small.  Returns its length.
 */
size_t
gp_prom_label(char *out, size_t outsz, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, o = 0, n, w;
	char tmp[8];
	uint32_t cp;

	if (outsz == 0)
		return (0);
	while (i < len) {
		n = gp_utf8_next(u + i, len - i, &cp);
		if (n == 0)
			n = 1; /* not UTF-8: escaped byte by byte */
		if (i + n > max) {
			if (o + 3 < outsz) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		w = esc_char(tmp, sizeof(tmp), u + i, n);
		if (o + w >= outsz)
			break;
		memcpy(out + o, tmp, w);
		o += w;
		i += n;
	}
	out[o] = '\0';
	return (o);
}

/* A label set as one string, ",a,b," ("" for none). */
static void
join(char *out, size_t outsz, const struct gp_strlist *l)
{
	uint32_t i;

	out[0] = '\0';
	for (i = 0; i < l->n && i < GP_SEL_MAX; i++) {
		if (i == 0)
			(void)strlcat(out, ",", outsz);
		(void)strlcat(out, l->v[i], outsz);
		(void)strlcat(out, ",", outsz);
	}
}

/* Nanoseconds as seconds, exactly: "1733400000.123456789". */
static int
put_seconds(struct prom_buf *b, const char *labels, int64_t ns)
{
	return (buf_printf(b, "%s %" PRId64 ".%09" PRId64 "\n", labels,
	    ns / 1000000000, ns % 1000000000));
}

/* Add one entry's samples.  -1 (errno ENOMEM) if memory ran out. */
int
gp_prom_add(struct gp_prom *pr, const struct gp_entry *e)
{
	static char name[ESC_MAX(GP_NAME_MAX)], cmd[ESC_MAX(GP_PROM_CMD_MAX)];
	static char raw[LABELS_MAX], tags[ESC_MAX(LABELS_MAX)],
	    groups[ESC_MAX(LABELS_MAX)];
	char key[ESC_MAX(GP_NAME_MAX) + 64];
	const struct gp_metrics *m = &e->met;
	int sample, r = 0;

	(void)gp_prom_label(name, sizeof(name), e->name, GP_NAME_MAX);
	(void)snprintf(
	    key, sizeof(key), "{id=\"%" PRIu64 "\",name=\"%s\"}", e->id, name);
	(void)gp_prom_label(cmd, sizeof(cmd), e->cmd, GP_PROM_CMD_MAX);
	join(raw, sizeof(raw), &e->tags);
	(void)gp_prom_label(tags, sizeof(tags), raw, sizeof(raw));
	join(raw, sizeof(raw), &e->groups);
	(void)gp_prom_label(groups, sizeof(groups), raw, sizeof(raw));

	if (e->alive)
		pr->nalive++;
	else
		pr->ndead++;
	r |= buf_printf(&pr->fam[FAM_ALIVE], "%s%s %d\n", fams[FAM_ALIVE].name,
	    key, e->alive ? 1 : 0);
	r |= buf_printf(&pr->fam[FAM_INFO],
	    "%s{id=\"%" PRIu64 "\",name=\"%s\",pid=\"%d\",tags=\"%s\","
	    "groups=\"%s\",cmd=\"%s\"} 1\n",
	    fams[FAM_INFO].name, e->id, name, (int)e->pid, tags, groups, cmd);
	/* A dead process's last sample says nothing of now. */
	sample = e->alive && (m->valid & GP_MET_SAMPLE);
	if (sample) {
		(void)buf_printf(&pr->fam[FAM_CPU], "%s", fams[FAM_CPU].name);
		r |= put_seconds(&pr->fam[FAM_CPU], key, (int64_t)m->cpu_ns);
		r |= buf_printf(&pr->fam[FAM_RSS], "%s%s %" PRIu64 "\n",
		    fams[FAM_RSS].name, key, m->rss_bytes);
		r |= buf_printf(&pr->fam[FAM_THREADS], "%s%s %" PRIu32 "\n",
		    fams[FAM_THREADS].name, key, m->threads);
	}
	if ((m->valid & GP_MET_STARTED) && m->started_at > 0) {
		r |=
		    buf_printf(&pr->fam[FAM_START], "%s", fams[FAM_START].name);
		r |= put_seconds(&pr->fam[FAM_START], key, m->started_at);
	}
	if (r != 0) {
		errno = ENOMEM;
		return (-1);
	}
	return (0);
}

/*
 * Write it all through put (which returns -1 on failure): goproc_up
 * (up: 1 when the registry answered), the entry counts, then each
 * family.  Returns 0, or put's -1.
 */
int
gp_prom_write(const struct gp_prom *pr, int up,
    int (*put)(const char *, size_t, void *), void *arg)
{
	char head[1024];
	int i, n;

	n = snprintf(head, sizeof(head),
	    "# HELP goproc_up Whether goprocd answered (1) or not (0).\n"
	    "# TYPE goproc_up gauge\n"
	    "goproc_up %d\n"
	    "# HELP goproc_registry_entries Registry entries by state.\n"
	    "# TYPE goproc_registry_entries gauge\n"
	    "goproc_registry_entries{state=\"alive\"} %" PRIu64 "\n"
	    "goproc_registry_entries{state=\"dead\"} %" PRIu64 "\n",
	    up ? 1 : 0, pr->nalive, pr->ndead);
	if (put(head, (size_t)n, arg) == -1)
		return (-1);
	for (i = 0; i < FAM_COUNT; i++) {
		n = snprintf(head, sizeof(head), "# HELP %s %s\n# TYPE %s %s\n",
		    fams[i].name, fams[i].help, fams[i].name, fams[i].type);
		if (put(head, (size_t)n, arg) == -1)
			return (-1);
		if (pr->fam[i].len > 0 &&
		    put(pr->fam[i].p, pr->fam[i].len, arg) == -1)
			return (-1);
	}
	return (0);
}

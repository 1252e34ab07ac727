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
 * What goprocctl top shows: the rows the filter selects in their order,
 * drawn with curses, or printed as plain frames (-b).  Text a process
 * or a client chose goes through gp_vis(), and in a locale that is not
 * UTF-8 every byte beyond ASCII is escaped too.
 */

#include <sys/types.h>

#include <curses.h>
#include <err.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "goproc.h"
#include "goprocctl.h"
#include "top.h"

/* clang-format off */
enum column {
	COL_ID,
	COL_PID,
	COL_NAME,
	COL_STATE,
	COL_CPU,
	COL_RSS,
	COL_UPTIME,
	COL_TAGS,
	COL_GROUPS,
	COL_CMD,
	COL_MAX
};

static const struct {
	const char	*title;
	int		 width;		/* 80 columns */
	int		 wide;		/* 120 and more */
	int		 right;		/* aligned right */
} cols[COL_MAX] = {
	{ "ID",		4,	6,	1 },
	{ "PID",	7,	7,	1 },
	{ "NAME",	10,	16,	0 },
	{ "STATE",	5,	5,	0 },
	{ "CPU%",	6,	6,	1 },
	{ "RSS",	6,	6,	1 },
	{ "UPTIME",	8,	8,	0 },
	{ "TAGS",	8,	14,	0 },
	{ "GROUPS",	8,	14,	0 },
	{ "CMD",	0,	0,	0 },
};

const char *const top_sort_names[TS_MAX] = {
	"id", "name", "pid", "cpu", "rss", "uptime",
};

static const char footer[] =
    "q:quit s:sort r:rev /:filter Enter:view K:kill t:tags g:groups "
    "Spc:pause ?:help";

static const char *const help_lines[] = {
	"goprocctl top: the keys",
	"",
	"  q            quit (in a view: back to the list)",
	"  j k, arrows  move down and up",
	"  PgDn PgUp    move a page",
	"  Home End     the first and the last entry",
	"  s            sort by the next column: id, name, pid, cpu, rss, uptime",
	"  r            reverse the order",
	"  /            filter: tag:T group:G tag-all:T group-all:G name:N",
	"               id:N pid:N alive, other words search the command line",
	"  Enter        every field of the selected entry",
	"  K            send SIGTERM to the selected entry (asks first)",
	"  t g          the tags or groups with counts; Enter filters by one",
	"  Space        pause the updates, and resume",
	"  ?            this help",
	"",
	"Press any key to go back.",
};

static const struct top_state *cmp_ts;

static int64_t	 sort_value(const struct gp_entry *, int);
static int	 ent_order(const void *, const void *);
static int	 text_cols(const char *);
static const char *cut(const char *, int, int, int, char *, size_t);
static const char *fmt_labels(const struct top_state *,
		    const struct gp_strlist *, char *, size_t);
static const char *fmt_dead(int64_t, char *, size_t);
static const char *fmt_time(int64_t, char *, size_t);
static const char *cell(const struct top_state *, const struct top_ent *,
		    int, char *, size_t);
static void	 widths(int, int *);
static void	 row_text(const struct top_state *, const struct top_ent *,
		    const int *, char *, size_t);
static void	 head_text(const struct top_state *, int, char *, size_t);
static void	 cols_text(const int *, char *, size_t);
static void	 put_line(int, const char *, attr_t);
static void	 draw_list(struct top_state *);
static void	 draw_bottom(struct top_state *);
static void	 draw_detail(struct top_state *);
static void	 draw_labels(struct top_state *);
static void	 draw_help(struct top_state *);
static int	 detail_lines(const struct top_state *, const struct gp_entry *,
		    char [][GP_MSG_MAX], int);
/* clang-format on */

/*
 * A copy of s for the screen: gp_vis(), and in a locale that is not
 * UTF-8, bytes beyond ASCII as octal escapes.
 */
const char *
top_safe(const struct top_state *t, const char *s, char *out, size_t outsz)
{
	static char vis[4 * GP_CMD_MAX + 1];
	const unsigned char *p;
	size_t o = 0;

	(void)gp_vis(s, vis, sizeof(vis));
	if (t->utf8) {
		(void)strlcpy(out, vis, outsz);
		return (out);
	}
	for (p = (const unsigned char *)vis; *p != '\0'; p++) {
		if (o + 5 > outsz)
			break;
		if (*p < 0x80)
			out[o++] = (char)*p;
		else
			o += (size_t)snprintf(out + o, outsz - o, "\\%03o", *p);
	}
	out[o] = '\0';
	return (out);
}

/* Columns the (safe) text takes on the screen. */
static int
text_cols(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), n;
	uint32_t c;
	int w, total = 0;

	while (len > 0) {
		if ((n = gp_utf8_next(p, len, &c)) == 0)
			n = 1;
		w = n == 1 ? 1 : wcwidth((wchar_t)c);
		total += w < 0 ? 1 : w;
		p += n;
		len -= n;
	}
	return (total);
}

/*
 * The (safe) text s in width columns, cut at a character, padded with
 * blanks if pad, aligned right if right.
 */
static const char *
cut(const char *s, int width, int pad, int right, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), n, o = 0;
	uint32_t c;
	int w, used = 0, fill;

	if (right && (fill = width - text_cols(s)) > 0) {
		for (; fill > 0 && o + 1 < outsz; fill--, used++)
			out[o++] = ' ';
	}
	while (len > 0) {
		if ((n = gp_utf8_next(p, len, &c)) == 0)
			n = 1;
		w = n == 1 ? 1 : wcwidth((wchar_t)c);
		if (w < 0)
			w = 1;
		if (used + w > width || o + n + 1 > outsz)
			break;
		memcpy(out + o, p, n);
		o += n;
		used += w;
		p += n;
		len -= n;
	}
	for (; pad && used < width && o + 1 < outsz; used++)
		out[o++] = ' ';
	out[o] = '\0';
	return (out);
}

static const char *
fmt_labels(const struct top_state *t, const struct gp_strlist *l, char *buf,
    size_t len)
{
	char one[4 * GP_LABEL_MAX + 1];
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < l->n && i < GP_SEL_MAX; i++) {
		if (i > 0)
			(void)strlcat(buf, ",", len);
		(void)strlcat(buf, top_safe(t, l->v[i], one, sizeof(one)), len);
	}
	if (l->n == 0)
		(void)strlcpy(buf, "-", len);
	return (buf);
}

/* Since when an entry is dead, coarse: "dead 45s", "dead 3m", "dead 2h". */
static const char *
fmt_dead(int64_t ns, char *buf, size_t len)
{
	long long s = ns > 0 ? ns / 1000000000 : 0;

	if (s < 60)
		(void)snprintf(buf, len, "dead %llds", s);
	else if (s < 3600)
		(void)snprintf(buf, len, "dead %lldm", s / 60);
	else if (s < 86400)
		(void)snprintf(buf, len, "dead %lldh", s / 3600);
	else
		(void)snprintf(buf, len, "dead %lldd", s / 86400);
	return (buf);
}

/* A time in ns since the epoch as local "2026-12-05 13:42:24". */
static const char *
fmt_time(int64_t ns, char *buf, size_t len)
{
	struct tm tm;
	time_t sec = (time_t)(ns / 1000000000);

	if (ns <= 0 || localtime_r(&sec, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		(void)strlcpy(buf, "-", len);
	return (buf);
}

/* The text of one cell of a row. */
static const char *
cell(const struct top_state *t, const struct top_ent *te, int col, char *buf,
    size_t len)
{
	const struct gp_entry *e = &te->e;
	const struct gp_metrics *m = &e->met;

	switch (col) {
	case COL_ID:
		(void)snprintf(buf, len, "%" PRIu64, e->id);
		return (buf);
	case COL_PID:
		(void)snprintf(buf, len, "%d", (int)e->pid);
		return (buf);
	case COL_NAME:
		return (
		    e->name[0] != '\0' ? top_safe(t, e->name, buf, len) : "-");
	case COL_STATE:
		if (!e->alive)
			return ("dead");
		if (!(m->valid & GP_MET_SAMPLE) || m->state < '!' ||
		    m->state > '~')
			return ("-");
		(void)snprintf(buf, len, "%c", m->state);
		return (buf);
	case COL_CPU:
		if (!e->alive || !(m->valid & GP_MET_CPU_PCT))
			return ("-");
		return (fmt_cpu(m->cpu_pct, buf, len));
	case COL_RSS:
		if (!e->alive || !(m->valid & GP_MET_SAMPLE))
			return ("-");
		return (fmt_rss(m->rss_bytes, buf, len));
	case COL_UPTIME:
		if (!e->alive)
			return (m->valid & GP_MET_EXITED ?
			        fmt_dead(t->wall - m->exited_at, buf, len) :
			        "dead");
		if (!(m->valid & GP_MET_STARTED))
			return ("-");
		return (fmt_up(t->wall - m->started_at, buf, len));
	case COL_TAGS:
		return (fmt_labels(t, &e->tags, buf, len));
	case COL_GROUPS:
		return (fmt_labels(t, &e->groups, buf, len));
	default:
		return (top_safe(t, e->cmd, buf, len));
	}
}

/* The width of each column for a screen width (INT_MAX: no cut). */
static void
widths(int width, int *w)
{
	int c, used = 0;

	for (c = 0; c < COL_CMD; c++) {
		w[c] = width >= 120 ? cols[c].wide : cols[c].width;
		used += w[c] + 1;
	}
	if (width == INT_MAX)
		w[COL_CMD] = INT_MAX;
	else
		w[COL_CMD] = width > used ? width - used : 0;
}

static void
row_text(const struct top_state *t, const struct top_ent *te, const int *w,
    char *buf, size_t len)
{
	static char text[4 * GP_CMD_MAX + 1], part[4 * GP_CMD_MAX + 1];
	int c;

	buf[0] = '\0';
	for (c = 0; c < COL_MAX; c++) {
		cut(cell(t, te, c, text, sizeof(text)), w[c], c != COL_CMD,
		    cols[c].right, part, sizeof(part));
		(void)strlcat(buf, part, len);
		if (c != COL_CMD)
			(void)strlcat(buf, " ", len);
	}
}

static void
cols_text(const int *w, char *buf, size_t len)
{
	char part[64];
	int c;

	buf[0] = '\0';
	for (c = 0; c < COL_MAX; c++) {
		(void)strlcat(buf,
		    cut(cols[c].title, w[c] > 60 ? 60 : w[c], c != COL_CMD,
		        cols[c].right, part, sizeof(part)),
		    len);
		if (c != COL_CMD)
			(void)strlcat(buf, " ", len);
	}
}

/*
 * The header's two lines: the daemon and the totals of the rows shown,
 * then the filter and the order.
 */
static void
head_text(const struct top_state *t, int line, char *buf, size_t len)
{
	char cpu[32], rss[32], now[32], up[32], ver[4 * GP_MSG_MAX + 1];
	char filt[4 * GP_SEARCH_MAX + 1], of[48];
	uint64_t tcpu = 0, trss = 0;
	size_t i, alive = 0;
	int kcpu = 0, krss = 0;

	if (line == 1) {
		(void)snprintf(buf, len, "up %s  filter: %s  sort: %s%s%s",
		    t->started >= 0 ? fmt_up((t->now - t->started) * 1000000,
		                          up, sizeof(up)) :
		                      "?",
		    t->filtertext[0] != '\0' ?
		        top_safe(t, t->filtertext, filt, sizeof(filt)) :
		        "none",
		    top_sort_names[t->sort], t->reverse ? ", reversed" : "",
		    t->paused ? "  [paused]" : "");
		return;
	}
	for (i = 0; i < t->nview; i++) {
		const struct gp_entry *e = &t->view[i]->e;

		if (!e->alive)
			continue;
		alive++;
		if (e->met.valid & GP_MET_CPU_PCT) {
			tcpu += e->met.cpu_pct;
			kcpu = 1;
		}
		if (e->met.valid & GP_MET_SAMPLE) {
			trss += e->met.rss_bytes;
			krss = 1;
		}
	}
	of[0] = '\0';
	if (t->nview != t->nents)
		(void)snprintf(of, sizeof(of), " (of %zu)", t->nents);
	(void)snprintf(buf, len,
	    "goprocd %s  %s  entries %zu%s  alive %zu  dead %zu  cpu %s  rss %s",
	    t->version[0] != '\0' ? top_safe(t, t->version, ver, sizeof(ver)) :
	                            "?",
	    fmt_time(t->wall, now, sizeof(now)) + 11, t->nview, of, alive,
	    t->nview - alive, kcpu ? fmt_cpu(tcpu, cpu, sizeof(cpu)) : "-",
	    krss ? fmt_rss(trss, rss, sizeof(rss)) : "-");
}

/*
 * What a row sorts by, for the numeric columns: the smallest first, an
 * unknown value last.
 */
static int64_t
sort_value(const struct gp_entry *e, int sort)
{
	const struct gp_metrics *m = &e->met;

	switch (sort) {
	case TS_PID:
		return (e->pid);
	case TS_CPU:
		if (e->alive && (m->valid & GP_MET_CPU_PCT))
			return (-(int64_t)m->cpu_pct);
		break;
	case TS_RSS:
		if (e->alive && (m->valid & GP_MET_SAMPLE) &&
		    m->rss_bytes <= INT64_MAX)
			return (-(int64_t)m->rss_bytes);
		break;
	case TS_UPTIME:
		if (e->alive && (m->valid & GP_MET_STARTED))
			return (m->started_at);
		break;
	default:
		return (0);
	}
	return (INT64_MAX);
}

/* The order of the rows: the sort column, then the id. */
static int
ent_order(const void *a, const void *b)
{
	const struct gp_entry *x = &(*(struct top_ent *const *)a)->e;
	const struct gp_entry *y = &(*(struct top_ent *const *)b)->e;
	int64_t vx, vy;
	int r;

	if (cmp_ts->sort == TS_NAME)
		r = strcmp(x->name, y->name);
	else if (cmp_ts->sort == TS_ID)
		r = x->id < y->id ? -1 : x->id > y->id;
	else {
		vx = sort_value(x, cmp_ts->sort);
		vy = sort_value(y, cmp_ts->sort);
		r = vx < vy ? -1 : vx > vy;
	}
	if (cmp_ts->reverse)
		r = -r;
	if (r == 0)
		r = x->id < y->id ? -1 : x->id > y->id;
	return (r);
}

/* The rows the filter selects, in order; the selection follows its id. */
void
top_view_build(struct top_state *t)
{
	struct top_ent **n;
	size_t i;

	if (t->maxview < t->nents) {
		if ((n = reallocarray(t->view, t->nents, sizeof(*n))) == NULL)
			err(GP_EXIT_FAIL, NULL);
		t->view = n;
		t->maxview = t->nents;
	}
	t->nview = 0;
	for (i = 0; i < t->nents; i++)
		if (gp_entry_match(&t->filter, &t->ents[i]->e))
			t->view[t->nview++] = t->ents[i];
	cmp_ts = t;
	if (t->nview > 1)
		qsort(t->view, t->nview, sizeof(*t->view), ent_order);
	for (i = 0; i < t->nview; i++)
		if (t->view[i]->e.id == t->sel_id)
			break;
	if (i < t->nview)
		t->sel = i;
	else if (t->sel >= t->nview)
		t->sel = t->nview > 0 ? t->nview - 1 : 0;
	t->sel_id = t->nview > 0 ? t->view[t->sel]->e.id : 0;
}

static int
label_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct top_label *)a)->name,
	    ((const struct top_label *)b)->name));
}

/* t and g: every tag (kind 0) or group (1) of the table, with counts. */
void
top_labels_build(struct top_state *t, int kind)
{
	const struct gp_strlist *l;
	struct top_label *n;
	size_t i, j, k, max = 0;

	t->nlabels = 0;
	t->lsel = t->lfirst = 0;
	t->labelkind = kind;
	for (i = 0; i < t->nents; i++) {
		l = kind == 0 ? &t->ents[i]->e.tags : &t->ents[i]->e.groups;
		for (j = 0; j < l->n && j < GP_SEL_MAX; j++) {
			for (k = 0; k < t->nlabels; k++)
				if (strcmp(t->labels[k].name, l->v[j]) == 0)
					break;
			if (k < t->nlabels) {
				t->labels[k].count++;
				continue;
			}
			if (t->nlabels == max) {
				max = max == 0 ? 32 : max * 2;
				n = reallocarray(t->labels, max, sizeof(*n));
				if (n == NULL)
					err(GP_EXIT_FAIL, NULL);
				t->labels = n;
			}
			(void)strlcpy(t->labels[k].name, l->v[j],
			    sizeof(t->labels[k].name));
			t->labels[t->nlabels++].count = 1;
		}
	}
	if (t->nlabels > 1)
		qsort(t->labels, t->nlabels, sizeof(*t->labels), label_cmp);
}

/* -b: one frame, the header and every row, in plain text. */
void
top_frame(struct top_state *t, FILE *f)
{
	static char buf[8 * GP_CMD_MAX];
	int w[COL_MAX];
	size_t i;

	widths(INT_MAX, w);
	head_text(t, 0, buf, sizeof(buf));
	fprintf(f, "%s\n", buf);
	head_text(t, 1, buf, sizeof(buf));
	fprintf(f, "%s\n", buf);
	cols_text(w, buf, sizeof(buf));
	fprintf(f, "%s\n", buf);
	for (i = 0; i < t->nview; i++) {
		row_text(t, t->view[i], w, buf, sizeof(buf));
		fprintf(f, "%s\n", buf);
	}
	fprintf(f, "\n");
}

/* Rows of entries the list shows. */
int
top_list_rows(void)
{
	return (LINES > 6 ? LINES - 5 : 1);
}

/*
 * One screen line, cut to the width, with attributes; reversed, it
 * takes the whole width.
 */
static void
put_line(int y, const char *s, attr_t a)
{
	static char buf[8 * GP_CMD_MAX];

	if (y < 0 || y >= LINES)
		return;
	(void)cut(s, COLS, (a & A_REVERSE) != 0, 0, buf, sizeof(buf));
	(void)attrset(a);
	(void)mvaddstr(y, 0, buf);
	(void)attrset(A_NORMAL);
}

static void
draw_list(struct top_state *t)
{
	static char buf[8 * GP_CMD_MAX];
	const struct top_ent *te;
	int w[COL_MAX], rows, y;
	size_t i;
	attr_t a;

	widths(COLS, w);
	rows = top_list_rows();
	if (t->sel < t->first)
		t->first = t->sel;
	if (t->sel >= t->first + (size_t)rows)
		t->first = t->sel - (size_t)rows + 1;
	if (t->first > 0 && t->first + (size_t)rows > t->nview)
		t->first =
		    t->nview > (size_t)rows ? t->nview - (size_t)rows : 0;
	head_text(t, 0, buf, sizeof(buf));
	put_line(0, buf, A_NORMAL);
	head_text(t, 1, buf, sizeof(buf));
	put_line(1, buf, A_NORMAL);
	cols_text(w, buf, sizeof(buf));
	put_line(2, buf, A_BOLD);
	for (y = 0, i = t->first; y < rows && i < t->nview; y++, i++) {
		te = t->view[i];
		a = A_NORMAL;
		if (!te->e.alive)
			a |= A_DIM;
		if (te->died != 0 && t->now - te->died < TOP_HILITE_MS)
			a = A_BOLD;
		if (i == t->sel)
			a |= A_REVERSE;
		row_text(t, te, w, buf, sizeof(buf));
		put_line(3 + y, buf, a);
	}
	draw_bottom(t);
}

/* The status or prompt line, and the keys. */
static void
draw_bottom(struct top_state *t)
{
	char buf[8 * GP_SEARCH_MAX], name[4 * GP_NAME_MAX + 1];
	const struct top_ent *te;

	if (t->mode == TM_FILTER) {
		(void)snprintf(buf, sizeof(buf), "filter: %s",
		    top_safe(
		        t, t->input, buf + sizeof(buf) / 2, sizeof(buf) / 2));
		put_line(LINES - 2, buf, A_BOLD);
		(void)curs_set(1);
		(void)move(LINES - 2,
		    text_cols(buf) < COLS ? text_cols(buf) : COLS - 1);
	} else if (t->mode == TM_CONFIRM &&
	    (te = top_find(t, t->confirm_id)) != NULL) {
		(void)snprintf(buf, sizeof(buf),
		    "Send SIGTERM to id %" PRIu64 " (%s, pid %d)? (y/n)",
		    te->e.id,
		    te->e.name[0] != '\0' ?
		        top_safe(t, te->e.name, name, sizeof(name)) :
		        "no name",
		    (int)te->e.pid);
		put_line(LINES - 2, buf, A_BOLD);
	} else
		put_line(LINES - 2, top_safe(t, t->status, buf, sizeof(buf)),
		    A_NORMAL);
	put_line(LINES - 1, footer, A_REVERSE);
}

/* Every field of an entry, one line each; returns how many. */
static int
detail_lines(const struct top_state *t, const struct gp_entry *e,
    char out[][GP_MSG_MAX], int max)
{
	static char v[4 * GP_CMD_MAX + 1];
	const struct gp_metrics *m = &e->met;
	struct top_ent te;
	char a[64], b[64];
	int n = 0;

	te.e = *e;
	te.died = 0;
#define LINE(...)                                                              \
	do {                                                                   \
		if (n < max)                                                   \
			(void)snprintf(out[n++], GP_MSG_MAX, __VA_ARGS__);     \
	} while (0)
	LINE("id          %" PRIu64, e->id);
	LINE("pid         %d (process group %d)", (int)e->pid, (int)e->pgid);
	LINE("name        %s",
	    e->name[0] != '\0' ? top_safe(t, e->name, v, sizeof(v)) : "-");
	LINE("alive       %s", e->alive ? "yes" : "no");
	LINE("state       %s", cell(t, &te, COL_STATE, a, sizeof(a)));
	LINE("cpu         %s", cell(t, &te, COL_CPU, a, sizeof(a)));
	LINE("rss         %s", cell(t, &te, COL_RSS, a, sizeof(a)));
	if (e->alive && (m->valid & GP_MET_SAMPLE))
		LINE("threads     %u", m->threads);
	else
		LINE("threads     -");
	LINE("started     %s (%s)",
	    m->valid & GP_MET_STARTED ? fmt_time(m->started_at, a, sizeof(a)) :
	                                "-",
	    cell(t, &te, COL_UPTIME, b, sizeof(b)));
	if (m->valid & GP_MET_EXITED)
		LINE("exited      %s", fmt_time(m->exited_at, a, sizeof(a)));
	LINE("added       %s", fmt_time(e->added_at, a, sizeof(a)));
	LINE("last seen   %s", fmt_time(e->last_seen, a, sizeof(a)));
	LINE("owner uid   %u", e->owner_uid);
	LINE("tags        %s", fmt_labels(t, &e->tags, v, sizeof(v)));
	LINE("groups      %s", fmt_labels(t, &e->groups, v, sizeof(v)));
	LINE("command     %s",
	    e->flags & GP_ENT_CMD_CLIENT ?
	        "(as the client gave it, /proc could not be read)" :
	        "");
#undef LINE
	return (n);
}

/* Enter: every field, and the whole command line, wrapped. */
static void
draw_detail(struct top_state *t)
{
	static char cmd[4 * GP_CMD_MAX + 1];
	char lines[24][GP_MSG_MAX], buf[GP_MSG_MAX + 64];
	const struct top_ent *te;
	const char *p;
	int n, i, y = 0, skip, w;

	if ((te = top_find(t, t->sel_id)) == NULL) {
		t->mode = TM_LIST;
		draw_list(t);
		return;
	}
	(void)snprintf(buf, sizeof(buf),
	    "entry %" PRIu64 "  (q: back, j/k: scroll, K: kill)", te->e.id);
	put_line(y++, buf, A_BOLD);
	n = detail_lines(t, &te->e, lines, 24);
	skip = t->scroll;
	for (i = 0; i < n && y < LINES - 2; i++) {
		if (skip > 0) {
			skip--;
			continue;
		}
		put_line(y++, lines[i], te->e.alive ? A_NORMAL : A_DIM);
	}
	/* The command line, COLS - 2 columns a line. */
	p = top_safe(t, te->e.cmd, cmd, sizeof(cmd));
	w = COLS > 4 ? COLS - 2 : 2;
	while (*p != '\0' && y < LINES - 2) {
		(void)cut(p, w, 0, 0, buf, sizeof(buf));
		if (buf[0] == '\0')
			break;
		if (skip > 0)
			skip--;
		else {
			(void)mvaddstr(y, 2, buf);
			y++;
		}
		p += strlen(buf);
	}
	draw_bottom(t);
}

static void
draw_labels(struct top_state *t)
{
	char buf[4 * GP_LABEL_MAX + 64], name[4 * GP_LABEL_MAX + 1];
	size_t i, rows;
	int y = 0;

	rows = LINES > 4 ? (size_t)LINES - 4 : 1;
	if (t->lsel < t->lfirst)
		t->lfirst = t->lsel;
	if (t->lsel >= t->lfirst + rows)
		t->lfirst = t->lsel - rows + 1;
	(void)snprintf(buf, sizeof(buf), "%s  (Enter: filter by it, q: back)",
	    t->labelkind == 0 ? "tags" : "groups");
	put_line(y++, buf, A_BOLD);
	if (t->nlabels == 0)
		put_line(
		    y++, t->labelkind == 0 ? "no tags" : "no groups", A_NORMAL);
	for (i = t->lfirst; i < t->nlabels && y < LINES - 2; i++) {
		(void)snprintf(buf, sizeof(buf), "%6u  %s", t->labels[i].count,
		    top_safe(t, t->labels[i].name, name, sizeof(name)));
		put_line(y++, buf, i == t->lsel ? A_REVERSE : A_NORMAL);
	}
	draw_bottom(t);
}

static void
draw_help(struct top_state *t)
{
	size_t i;
	int y = 0;

	for (i = (size_t)t->scroll;
	     i < sizeof(help_lines) / sizeof(help_lines[0]) && y < LINES - 1;
	     i++)
		put_line(y++, help_lines[i], i == 0 ? A_BOLD : A_NORMAL);
	put_line(LINES - 1, footer, A_REVERSE);
}

/* The screen, for the mode top is in. */
void
top_draw(struct top_state *t)
{
	(void)erase();
	(void)curs_set(0);
	switch (t->mode) {
	case TM_DETAIL:
		draw_detail(t);
		break;
	case TM_HELP:
		draw_help(t);
		break;
	case TM_LABELS:
		draw_labels(t);
		break;
	default:
		draw_list(t);
		break;
	}
	(void)refresh();
}

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
 * Human output: the lines of the seed's CLI on stdout, errors as
 * "goprocctl: ..." on stderr.
 */

#include <sys/types.h>

#include <err.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compat.h"
#include "goproc.h"
#include "goprocctl.h"

/* clang-format off */
/* Entry lines are held back and printed sorted by id. */
struct line {
	uint64_t	 id;
	char		*text;
};

static struct line	*lines;
static size_t		 nlines, maxlines;
static int		 inorder;	/* list --sort, --reverse: as sent */
static int64_t		 daemon_up = -1; /* version: goprocd's seconds */

/* list --long: the time of the output, and the totals of its last line. */
static struct {
	int64_t		 now;
	uint64_t	 entries;
	uint64_t	 alive;
	uint64_t	 cpu_pct;
	uint64_t	 rss;
	int		 cpu_known;
	int		 rss_known;
} tot;

static void	 show_head(struct parse_result *);
static void	 show_entry(struct parse_result *, const struct gp_entry *);
static void	 show_result(struct parse_result *, const struct gp_result *);
static void	 show_info(struct parse_result *, const struct gp_end *);
static void	 show_end(struct parse_result *, const struct gp_end *);
static void	 show_error(struct parse_result *, const char *);
static void	 show_tail(struct parse_result *);
static void	 show_event(struct parse_result *, const struct gp_event *);
static void	 show_ended(struct parse_result *, const struct gp_entry *,
		    int, int64_t);
static void	 show_alive(struct parse_result *, const struct gp_entry *);
static void	 print_vis(FILE *, const char *);
static void	 print_labels(FILE *, const char *,
		    const struct gp_strlist *);
static void	 print_entry(FILE *, const struct gp_entry *, int, int);
static void	 print_ident(FILE *, const struct gp_entry *);
static void	 print_tree(FILE *, const struct gp_result *);
static void	 print_kids(FILE *, const struct gp_entry *);
static void	 print_metrics(FILE *, const struct gp_entry *);
static void	 print_total(void);
static int64_t	 wall_ns(void);
static int	 line_cmp(const void *, const void *);
static void	 hold_line(uint64_t, char *);
static void	 flush_lines(void);

const struct output show_output = {
	.head = show_head,
	.entry = show_entry,
	.result = show_result,
	.info = show_info,
	.end = show_end,
	.error = show_error,
	.tail = show_tail,
	.event = show_event,
	.ended = show_ended,
	.alive = show_alive,
};
/* clang-format on */

/* Text a process or a client chose, safe for a terminal. */
static void
print_vis(FILE *f, const char *s)
{
	static char buf[4 * GP_CMD_MAX + 1];

	fputs(gp_vis(s, buf, sizeof(buf)), f);
}

static void
print_labels(FILE *f, const char *what, const struct gp_strlist *l)
{
	uint32_t i;

	fprintf(f, " %s=[", what);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			fputc(',', f);
		print_vis(f, l->v[i]);
	}
	fputc(']', f);
}

/* "[id=12] pid=4242 name=db-reader", name=- for an entry without one. */
/*
 * kill --tree: how many processes of the tree got the signal, and the
 * processes left alone, with the reason.
 */
static void
print_tree(FILE *f, const struct gp_result *r)
{
	const struct gp_tally *t = &r->tally;
	const struct gp_spared *sp;
	uint32_t i;

	fprintf(f, "\nSignalled %u process%s in the tree of pid %d",
	    t->signalled, t->signalled == 1 ? "" : "es", r->entry.pid);
	if (t->skipped > 0)
		fprintf(f, ", spared %u", t->skipped);
	for (i = 0; i < t->nspared; i++) {
		sp = &t->spared[i];
		if (sp->why == GP_SPARE_PERM)
			fprintf(f,
			    "\nSpared pid %d: owned by uid %u (Operation not permitted)",
			    sp->pid, sp->uid);
		else
			fprintf(f,
			    "\nSpared pid %d: beyond the limit of %d processes",
			    sp->pid, GP_TREE_MAX);
	}
	if (t->skipped > t->nspared)
		fprintf(f, "\nSpared %u more", t->skipped - t->nspared);
}

/*
 * list --children, below an alive entry, as systemctl status shows a
 * unit's processes: the count, then one line per direct child.
 */
static void
print_kids(FILE *f, const struct gp_entry *e)
{
	const struct gp_children *k = &e->kids;
	uint32_t i;

	if (!k->valid)
		return;
	fprintf(f, "\n    children=%u descendants=%u", k->nchildren, k->ndesc);
	for (i = 0; i < k->n; i++) {
		fprintf(f, "\n    %s %d ",
		    i + 1 == k->n && k->nchildren == k->n ? "`-" : "|-",
		    k->v[i].pid);
		print_vis(f, k->v[i].comm);
	}
	if (k->nchildren > k->n)
		fprintf(f, "\n    `- %u more", k->nchildren - k->n);
}

static void
print_ident(FILE *f, const struct gp_entry *e)
{
	fprintf(f, "[id=%" PRIu64 "] pid=%d name=", e->id, e->pid);
	if (e->name[0] != '\0')
		print_vis(f, e->name);
	else
		fputc('-', f);
}

/*
 * "[id=12] pid=4242 name=db-reader alive=true cmd=... tags=[db,read]
 * groups=[prod]", without alive= for removals; list --long puts the
 * metrics after alive=.
 */
static void
print_entry(FILE *f, const struct gp_entry *e, int alive, int metrics)
{
	print_ident(f, e);
	if (alive)
		fprintf(f, " alive=%s", e->alive ? "true" : "false");
	if (metrics)
		print_metrics(f, e);
	/* A command line goprocd could not read from /proc is marked. */
	fputs(e->flags & GP_ENT_CMD_CLIENT ? " cmd=(client) " : " cmd=", f);
	print_vis(f, e->cmd);
	print_labels(f, "tags", &e->tags);
	print_labels(f, "groups", &e->groups);
}

static int64_t
wall_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		err(GP_EXIT_FAIL, "clock_gettime");
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/* Hundredths of a percent as "12.5%", to the nearest tenth. */
const char *
fmt_cpu(uint64_t pct, char *buf, size_t len)
{
	uint64_t tenths = (pct + 5) / 10;

	(void)snprintf(
	    buf, len, "%" PRIu64 ".%" PRIu64 "%%", tenths / 10, tenths % 10);
	return (buf);
}

/*
 * Bytes in units of 1024, rounded down: whole KiB under 1 MiB ("812K"),
 * else the largest of M, G and T that is at least 1, with one decimal
 * below 100 ("34.1M", "1.2G") and none from 100 up ("123M").
 */
const char *
fmt_rss(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "MGT";
	uint64_t div = 1024 * 1024, whole;
	size_t u = 0;

	if (bytes < div) {
		(void)snprintf(buf, len, "%" PRIu64 "K", bytes / 1024);
		return (buf);
	}
	while (u + 1 < sizeof(units) - 1 && bytes / div >= 1024) {
		div *= 1024;
		u++;
	}
	whole = bytes / div;
	if (whole >= 100)
		(void)snprintf(buf, len, "%" PRIu64 "%c", whole, units[u]);
	else
		(void)snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c", whole,
		    bytes % div * 10 / div, units[u]);
	return (buf);
}

/* Nanoseconds as "45s", "12m05s", "2h03m" or "3d04h"; 0s if negative. */
const char *
fmt_up(int64_t ns, char *buf, size_t len)
{
	int64_t s = ns > 0 ? ns / 1000000000 : 0;

	if (s < 60)
		(void)snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		(void)snprintf(buf, len, "%lldm%02llds", (long long)s / 60,
		    (long long)s % 60);
	else if (s < 86400)
		(void)snprintf(buf, len, "%lldh%02lldm", (long long)s / 3600,
		    (long long)s % 3600 / 60);
	else
		(void)snprintf(buf, len, "%lldd%02lldh", (long long)s / 86400,
		    (long long)s % 86400 / 3600);
	return (buf);
}

/*
 * list --long: " cpu=12.5% rss=34.1M threads=4 up=2h03m state=S", each
 * value - when unknown, all of them for a dead entry; and the totals.
 */
static void
print_metrics(FILE *f, const struct gp_entry *e)
{
	const struct gp_metrics *m = &e->met;
	char buf[64];
	int live = e->alive != 0, sample;

	sample = live && (m->valid & GP_MET_SAMPLE);
	tot.entries++;
	tot.alive += live;
	if (live && (m->valid & GP_MET_CPU_PCT)) {
		fprintf(f, " cpu=%s", fmt_cpu(m->cpu_pct, buf, sizeof(buf)));
		tot.cpu_pct += m->cpu_pct;
		tot.cpu_known = 1;
	} else
		fputs(" cpu=-", f);
	if (sample) {
		fprintf(f, " rss=%s threads=%u",
		    fmt_rss(m->rss_bytes, buf, sizeof(buf)), m->threads);
		tot.rss += m->rss_bytes;
		tot.rss_known = 1;
	} else
		fputs(" rss=- threads=-", f);
	if (live && (m->valid & GP_MET_STARTED)) {
		if (tot.now == 0)
			tot.now = wall_ns();
		fprintf(f, " up=%s",
		    fmt_up(tot.now - m->started_at, buf, sizeof(buf)));
	} else
		fputs(" up=-", f);
	if (sample)
		fprintf(f, " state=%c", m->state);
	else
		fputs(" state=-", f);
}

/* "Total: 5 entries, 3 alive, cpu=112.5%, rss=340.2M" after list -l. */
static void
print_total(void)
{
	char cpu[64], rss[64];

	if (tot.entries == 0)
		return;
	printf("Total: %" PRIu64 " %s, %" PRIu64 " alive, cpu=%s, rss=%s\n",
	    tot.entries, tot.entries == 1 ? "entry" : "entries", tot.alive,
	    tot.cpu_known ? fmt_cpu(tot.cpu_pct, cpu, sizeof(cpu)) : "-",
	    tot.rss_known ? fmt_rss(tot.rss, rss, sizeof(rss)) : "-");
	memset(&tot, 0, sizeof(tot));
}

static int
line_cmp(const void *a, const void *b)
{
	const struct line *la = a, *lb = b;

	if (la->id < lb->id)
		return (-1);
	return (la->id > lb->id);
}

static void
flush_lines(void)
{
	size_t i;

	if (nlines > 1 && !inorder)
		qsort(lines, nlines, sizeof(*lines), line_cmp);
	for (i = 0; i < nlines; i++) {
		printf("%s\n", lines[i].text);
		free(lines[i].text);
	}
	free(lines);
	lines = NULL;
	nlines = maxlines = 0;
}

static void
show_head(struct parse_result *res)
{
	/* list --sort or --reverse: goprocd's order, not the ids'. */
	inorder = res->action == LIST &&
	    (res->req.sort != GP_SORT_ID || (res->req.flags & GP_REQ_REVERSE));
	/* Ours first: it is known even when goprocd does not answer. */
	if (res->action == VERSIONS)
		printf("goprocctl %s\n", GOPROC_VERSION);
}

static void
show_entry(struct parse_result *res, const struct gp_entry *e)
{
	FILE *f;
	char *text = NULL;
	size_t len = 0;

	switch (res->action) {
	case ADD:
		printf("Process %d registered with id %" PRIu64 "\n", e->pid,
		    e->id);
		return;
	case RUN:
		printf("Started pid=%d registry id=%" PRIu64 "\n",
		    (int)res->child, e->id);
		return;
	case MATCH:
		if (e->id != 0) {
			printf("Process %d registered with id %" PRIu64 "\n",
			    e->pid, e->id);
			return;
		}
		/* --dry-run: what add would record, without an id. */
		printf("Would register pid=%d name=", e->pid);
		print_vis(stdout, e->name[0] != '\0' ? e->name : "-");
		fputs(" cmd=", stdout);
		print_vis(stdout, e->cmd);
		print_labels(stdout, "tags", &e->tags);
		print_labels(stdout, "groups", &e->groups);
		putchar('\n');
		return;
	default:
		break;
	}

	/*
	 * goprocd sends a list in the order to print it (of ids, or as
	 * sorted): print it as it comes, without holding a million lines.
	 */
	if (res->action == LIST && !(res->req.flags & GP_REQ_CHILDREN)) {
		print_entry(stdout, e, 1, res->longfmt);
		putchar('\n');
		return;
	}
	if ((f = open_memstream(&text, &len)) == NULL)
		err(GP_EXIT_FAIL, NULL);
	print_entry(f, e, 1, res->action == LIST && res->longfmt);
	print_kids(f, e);
	if (fclose(f) == EOF)
		err(GP_EXIT_FAIL, NULL);
	hold_line(e->id, text);
}

/* Keep a line (text, allocated) to print in the order of ids. */
static void
hold_line(uint64_t id, char *text)
{
	struct line *nl;

	if (nlines == maxlines) {
		maxlines = maxlines == 0 ? 64 : maxlines * 2;
		nl = reallocarray(lines, maxlines, sizeof(*lines));
		if (nl == NULL)
			err(GP_EXIT_FAIL, NULL);
		lines = nl;
	}
	lines[nlines].id = id;
	lines[nlines].text = text;
	nlines++;
}

/*
 * One line for what rm or kill did to an entry, in goproc's words:
 * "Removed ...", "Killed and removed ...", "Failed to kill ...: why",
 * and "Signalled ..." for a signal its process outlived (it stays).
 */
static void
show_result(struct parse_result *res, const struct gp_result *r)
{
	const struct gp_entry *e = &r->entry;
	FILE *f;
	char *text = NULL;
	size_t len = 0;

	if (res->action == MATCH) {
		/* add --match: a process found that is registered already. */
		printf("Skipped pid %d (", e->pid);
		print_vis(stdout, r->msg);
		printf("): already registered as id %" PRIu64 "\n", e->id);
		return;
	}
	if ((f = open_memstream(&text, &len)) == NULL)
		err(GP_EXIT_FAIL, NULL);
	if (res->action != KILL) {
		if (r->flags & GP_RES_FAILED) {
			fprintf(f, "Failed to remove ");
			print_ident(f, e);
			fprintf(f, ": ");
			print_vis(f, r->msg[0] != '\0' ? r->msg : "failed");
		} else {
			fprintf(f, "Removed ");
			print_entry(f, e, 0, 0);
		}
		goto done;
	}

	if ((r->flags & (GP_RES_FAILED | GP_RES_SIGNALLED)) ==
	    (GP_RES_FAILED | GP_RES_SIGNALLED)) {
		/* goproc's words for a kill whose removal failed. */
		fprintf(f, "Killed ");
		print_ident(f, e);
		fprintf(f, " but failed to remove from registry: ");
		print_vis(f, r->msg[0] != '\0' ? r->msg : "failed");
		goto skipped;
	}
	if (r->flags & GP_RES_FAILED)
		fprintf(f, "Failed to kill ");
	else if (r->flags & GP_RES_REMOVED)
		fprintf(f, "Killed and removed ");
	else
		fprintf(f, "Signalled ");
	print_ident(f, e);
	if (r->flags & GP_RES_FAILED) {
		fprintf(f, ": ");
		print_vis(f, r->msg[0] != '\0' ? r->msg : "failed");
	} else if (r->signo != 0 && r->signo != res->req.signo) {
		if (res->wait > 0)
			fprintf(f, " (%s after %ds)", signal_name(r->signo),
			    res->wait);
		else
			fprintf(f, " (%s)", signal_name(r->signo));
	}
skipped:
	if (r->tally.signalled > 0)
		print_tree(f, r);
	/* kill: the members of its process group left alone. */
	else if (r->tally.skipped > 0)
		fprintf(f,
		    "\nNot signalled: %u other process%s in process group %d (Operation not permitted)",
		    r->tally.skipped, r->tally.skipped == 1 ? "" : "es",
		    e->pid);
done:
	if (fclose(f) == EOF)
		err(GP_EXIT_FAIL, NULL);
	hold_line(e->id, text);
}

static void
show_info(struct parse_result *res, const struct gp_end *info)
{
	if (res->action == VERSIONS) {
		daemon_up = info->count;
		return;
	}
	if (info->msg[0] != '\0') {
		print_vis(stdout, info->msg);
		printf("\n");
	}
}

static void
show_end(struct parse_result *res, const struct gp_end *end)
{
	char buf[32];

	flush_lines();
	print_total();
	if (res->action == PING) {
		printf("pong\n");
		return;
	}
	if (res->action == VERSIONS) {
		printf("goprocd ");
		print_vis(stdout, end->msg);
		printf("\n");
		if (daemon_up >= 0)
			printf("uptime %s\n",
			    fmt_up(daemon_up * 1000000000, buf, sizeof(buf)));
		return;
	}
	if (end->msg[0] != '\0') {
		print_vis(stdout, end->msg);
		printf("\n");
	}
}

static void
show_error(struct parse_result *res, const char *msg)
{
	flush_lines();
	if (fflush(stdout) == EOF)
		err(GP_EXIT_FAIL, "stdout");
	fprintf(stderr, "%s: ", getprogname());
	print_vis(stderr, msg);
	fputc('\n', stderr);
}

static void
show_tail(struct parse_result *res)
{
	flush_lines();
	if (fflush(stdout) == EOF || ferror(stdout))
		err(GP_EXIT_FAIL, "stdout");
}

/*
 * Nanoseconds since the epoch as RFC 3339 in UTC, to the millisecond:
 * "2026-12-04T14:00:00.123Z".
 */
const char *
time_ms(int64_t ns, char *buf, size_t len)
{
	struct tm tm;
	time_t t;
	int64_t secs, frac;
	char date[64];

	secs = ns / 1000000000;
	frac = ns % 1000000000;
	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	t = (time_t)secs;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		(void)strlcpy(date, "?", sizeof(date));
	(void)snprintf(
	    buf, len, "%s.%03lldZ", date, (long long)(frac / 1000000));
	return (buf);
}

/*
 * watch: "TIME EVENT ENTRY EXTRAS", ENTRY as list prints it; reset and
 * lost carry no entry.
 */
static void
show_event(struct parse_result *res, const struct gp_event *ev)
{
	const char *name, *sig;
	char buf[64];
	size_t i;
	int n = 0;

	name = ev->type == EV_PRESENT ? "present" : gp_event_name(ev->type);
	printf("%s %s", time_ms(ev->at, buf, sizeof(buf)),
	    name != NULL ? name : "unknown");
	if (ev->type == EV_PRESENT || (ev->flags & GP_EVF_ENTRY)) {
		putchar(' ');
		print_entry(stdout, &ev->entry, 1, 0);
	}
	switch (ev->type) {
	case GP_EV_SIGNALLED:
		sig = signal_name(ev->signo);
		if (strncmp(sig, "SIG", 3) == 0)
			sig += 3;
		printf(" signal=%s by_uid=%u by_pid=%d", sig, ev->by_uid,
		    ev->by_pid);
		break;
	case GP_EV_RENAMED:
		printf(" kind=%s from=",
		    ev->changed == GP_CHG_GROUPS ? "group" : "tag");
		print_vis(stdout, ev->from);
		fputs(" to=", stdout);
		print_vis(stdout, ev->to);
		break;
	case GP_EV_UPDATED:
		fputs(" changed=", stdout);
		for (i = 0; i < GP_CHG_COUNT; i++)
			if (ev->changed & (1U << i))
				printf("%s%s", n++ > 0 ? "," : "",
				    gp_change_name(1U << i));
		break;
	case GP_EV_LOST:
		printf(" count=%u", ev->count);
		break;
	default:
		break;
	}
	putchar('\n');
}

/* wait: "Exited [id=3] pid=4242 name=web at TIME", or "Removed ...". */
static void
show_ended(
    struct parse_result *res, const struct gp_entry *e, int removed, int64_t at)
{
	char buf[64];

	fputs(removed ? "Removed " : "Exited ", stdout);
	print_ident(stdout, e);
	printf(" at %s\n", time_ms(at, buf, sizeof(buf)));
}

/* wait, timed out: "Still alive [id=3] pid=4242 name=web". */
static void
show_alive(struct parse_result *res, const struct gp_entry *e)
{
	fputs("Still alive ", stdout);
	print_ident(stdout, e);
	putchar('\n');
}

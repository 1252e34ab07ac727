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
 * A snapshot written in slices, between requests, of the registry as it
 * was when the view began, while the registry goes on changing.
 *
 * The entries are written in the order of their IDs, up to a cursor.  An
 * entry the view began with that is about to change (or go) before the
 * cursor reached it is copied first, as the snapshot would hold it: the
 * writer takes that copy instead of the entry.  Entries added since have
 * IDs from the view's next ID on, and are left out.  So the snapshot is
 * exactly the registry at the journal record the view began after, and
 * the journal's later records apply to it as they applied in memory.
 */

#include <sys/types.h>
#include <sys/tree.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "regtab.h"
#include "store.h"
#include "util.h"

/* For RB_GENERATE_STATIC: libbsd leaves it undefined. */
#ifndef __unused
#define __unused __attribute__((__unused__))
#endif

#define SLICE_CHECK 32 /* entries between looks at the clock */

/* An entry as it was when the view began. */
struct copy {
	RB_ENTRY(copy) link;
	uint64_t id;
	size_t len;
	char *text;
};

RB_HEAD(copy_tree, copy);

struct snapview {
	struct regtab *rt;
	struct snapwriter *sw;
	struct copy_tree copies;
	size_t ncopies;
	size_t copied_bytes;
	struct regtab_size size; /* of the registry at the view */
	uint64_t next_id;        /* entries from this ID on came later */
	uint64_t cursor;         /* written: every ID up to this one */
	uint64_t seq;
	int64_t now;
	int64_t seen_at; /* last-seen time of the alive, when written */
	size_t written;  /* entries */
};

static int copy_cmp(struct copy *, struct copy *);
static void view_hook(struct rentry *, void *);
static void copy_free(struct snapview *, struct copy *);
static void view_seen(const struct snapview *, struct rentry *);

RB_GENERATE_STATIC(copy_tree, copy, link, copy_cmp);

static int
copy_cmp(struct copy *a, struct copy *b)
{
	return (a->id < b->id ? -1 : a->id > b->id);
}

/*
 * The view of rt now: journal_seq is the last record it holds, now (ns)
 * the snapshot's time.  From here on rt tells the view of every change.
 */
struct snapview *
snapview_begin(struct regtab *rt, uint64_t journal_seq, int64_t now)
{
	struct snapview *sv;

	if ((sv = calloc(1, sizeof(*sv))) == NULL)
		fatal(NULL);
	sv->rt = rt;
	RB_INIT(&sv->copies);
	sv->next_id = regtab_next_id(rt);
	regtab_size(rt, &sv->size);
	sv->seq = journal_seq;
	sv->now = now;
	regtab_set_hook(rt, view_hook, sv);
	return (sv);
}

/* An entry is about to change: keep it as the view has it. */
static void
view_hook(struct rentry *e, void *arg)
{
	struct snapview *sv = arg;
	struct copy key, *c;

	if (e->id <= sv->cursor || e->id >= sv->next_id)
		return;
	key.id = e->id;
	if (RB_FIND(copy_tree, &sv->copies, &key) != NULL)
		return;
	if ((c = malloc(sizeof(*c))) == NULL)
		fatal(NULL);
	c->id = e->id;
	view_seen(sv, e);
	c->text = store_entry_text(sv->rt, e, &c->len);
	RB_INSERT(copy_tree, &sv->copies, c);
	sv->ncopies++;
	sv->copied_bytes += c->len;
}

/* An alive entry is written as seen when the registry last looked. */
static void
view_seen(const struct snapview *sv, struct rentry *e)
{
	if (e->alive && e->last_seen < sv->seen_at)
		regtab_set_seen(e, sv->seen_at);
}

static void
copy_free(struct snapview *sv, struct copy *c)
{
	RB_REMOVE(copy_tree, &sv->copies, c);
	sv->ncopies--;
	sv->copied_bytes -= c->len;
	free(c->text);
	free(c);
}

/* Write into fd (from its current offset) from now on. */
void
snapview_open(struct snapview *sv, int fd)
{
	if (sv->sw != NULL)
		fatalx("%s: the view is written already", __func__);
	sv->sw =
	    snapshot_open(sv->rt, fd, sv->next_id, sv->seq, sv->now, &sv->size);
}

/*
 * Write entries until budget_ns have passed (0: all of them).  Alive
 * entries are written as seen at seen_at, at the latest.  1: more to
 * write, 0: all written, -1: a write failed (see snapview_end()).
 */
int
snapview_step(struct snapview *sv, int64_t budget_ns, int64_t seen_at)
{
	struct copy key, *c;
	struct rentry *e;
	uint64_t id;
	int64_t deadline;
	size_t n;
	int rv;

	if (sv->sw == NULL)
		fatalx("%s: no file", __func__);
	sv->seen_at = seen_at;
	deadline = budget_ns > 0 ? gp_mono_ns() + budget_ns : 0;
	e = regtab_from_id(sv->rt, sv->cursor + 1);
	key.id = sv->cursor + 1;
	c = RB_NFIND(copy_tree, &sv->copies, &key);
	for (n = 1;; n++) {
		if (c != NULL && (e == NULL || c->id <= e->id))
			id = c->id;
		else if (e != NULL)
			id = e->id;
		else
			return (0);
		if (id >= sv->next_id)
			return (0);
		if (c != NULL && c->id == id) {
			rv = snapshot_put_text(sv->sw, c->text, c->len);
			if (e != NULL && e->id == id)
				e = regtab_next(sv->rt, e);
			key.id = id;
			copy_free(sv, c);
			c = RB_NFIND(copy_tree, &sv->copies, &key);
		} else {
			view_seen(sv, e);
			rv = snapshot_put(sv->sw, e);
			e = regtab_next(sv->rt, e);
		}
		if (rv == -1)
			return (-1);
		sv->cursor = id;
		sv->written++;
		if (deadline != 0 && n % SLICE_CHECK == 0 &&
		    gp_mono_ns() >= deadline)
			return (1);
	}
}

/* Bytes handed to the file so far. */
uint64_t
snapview_bytes(const struct snapview *sv)
{
	return (sv->sw == NULL ? 0 : snapshot_written(sv->sw));
}

/* Entries written, entries copied and the bytes the copies take. */
void
snapview_stats(const struct snapview *sv, size_t *written, size_t *ncopies,
    size_t *copied_bytes)
{
	*written = sv->written;
	*ncopies = sv->ncopies;
	*copied_bytes = sv->copied_bytes;
}

/*
 * Stop watching the table and free the view.  With a file: end the
 * snapshot, *sizep (if not NULL) its size; -1 with err if a write failed.
 */
int
snapview_end(struct snapview *sv, uint64_t *sizep, char *err, size_t errlen)
{
	struct copy *c;
	int rv = 0;

	regtab_set_hook(sv->rt, NULL, NULL);
	while ((c = RB_MIN(copy_tree, &sv->copies)) != NULL)
		copy_free(sv, c);
	if (sv->sw != NULL)
		rv = snapshot_close(sv->sw, sizep, err, errlen);
	free(sv);
	return (rv);
}

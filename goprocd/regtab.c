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
 * The registry table.  Entries live in a table of pages by ID and a hash
 * by PID; named entries also in a hash of names.  Tags, groups and boot
 * IDs are interned in one hash of labels, and every label keeps two hash
 * sets of the entries that carry it as a tag and as a group, so that a
 * selection by label costs what it matches, not the registry.
 */

#include <sys/types.h>
#include <sys/tree.h>

#include <inttypes.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goproc.h"
#include "log.h"
#include "regtab.h"

/* For RB_GENERATE_STATIC: libbsd leaves it undefined. */
#ifndef __unused
#define __unused __attribute__((__unused__))
#endif

#define IDPAGE_SHIFT 6
#define IDPAGE (1 << IDPAGE_SHIFT) /* IDs in a page of the ID index */

/*
 * The entries of IDPAGE consecutive IDs, and the last sample of each
 * entry's process: met is NULL until one of them has one.
 */
struct idpage {
	uint64_t used; /* bit i: e[i] is an entry */
	struct gp_metrics **met;
	struct rentry *e[IDPAGE];
};

/*
 * Entries by ID: the pages that hold entries or did, sorted by page
 * number (ID / IDPAGE).  IDs are handed out in ascending order, so a new
 * page comes at the end, and dense IDs cost about 8 bytes an entry.  A
 * page left empty stays until empty pages are half of them; lookups skip
 * it.
 */
struct idtab {
	uint64_t *pno;        /* page numbers, ascending */
	struct idpage **page; /* the page of each */
	size_t n;
	size_t cap;
	size_t empty; /* pages without an entry */
	size_t hint;  /* the page of the last lookup */
};

/*
 * A set of entries: up to RSET_SMALL of them an array of exactly n
 * (cap == n), more an open-addressed hash set (linear probing, no
 * tombstones; cap > n).  Most labels have a few members, and a hash
 * would be a third empty; a hash set that shrinks to half of
 * RSET_SMALL is an array again.
 */
#define RSET_SMALL 16
#define PID_PARTS_SHIFT 22 /* a loaded table's PIDs go in by 1024 parts */

struct rset {
	struct rentry **slot;
	uint32_t cap; /* slots, 0: none allocated */
	uint32_t n;
};

/*
 * Entries by PID: an open-addressed hash (linear probing) of the PIDs.
 * A PID of one entry holds it; a PID of several (a PID used again, or a
 * process registered again after a restart) holds them in a pidvec, in
 * the order of their IDs, and its key is negative.  Most PIDs have one
 * entry, which then needs no link to the next.
 */
struct pidvec {
	uint32_t n;
	uint32_t cap;
	struct rentry *v[];
};

/* An entry and its PID, as pid_build() sorts them. */
struct pidpair {
	struct rentry *e;
	int32_t pid;
};

union pidslot {
	struct rentry *e;   /* key[j] > 0 */
	struct pidvec *vec; /* key[j] < 0 */
};

struct pidtab {
	union pidslot *slot;
	int32_t *key; /* +/- the PID of slot[j], 0: free; probes read keys */
	uint32_t cap; /* slots, 0: none allocated */
	uint32_t n;   /* PIDs */
};

/*
 * Strings by their text: an open-addressed hash (linear probing) of
 * objects holding them, the labels or the names.  The hash of each
 * string is kept beside it, in an array of its own (12 bytes a slot
 * rather than a padded 16).
 */
struct strhash {
	void **slot;
	uint32_t *hash; /* of the string of slot[j] */
	uint32_t cap;   /* slots, 0: none allocated */
	uint32_t n;
	const char *(*str)(const void *);
};

/* An interned string: a tag, a group or a boot ID. */
struct rlabel {
	struct rset members[2]; /* REGTAB_TAG, REGTAB_GROUP */
	uint32_t refs;          /* uses as a boot ID */
	uint32_t idx;           /* in the label table, what entries hold */
	char s[];
};

/*
 * The labels by index: v[i] is the label entries refer to as i, NULL
 * for an index free to hand out again (those are on the stack free).
 * Index 0 is never handed out: an entry's boot ID 0 is none.
 */
struct labtab {
	struct rlabel **v;
	uint32_t n; /* indexes in use or freed, 0 included */
	uint32_t cap;
	uint32_t *free;
	uint32_t nfree;
	uint32_t capfree;
};

/* How many entries one uid owns. */
struct ruid {
	RB_ENTRY(ruid) link;
	uint32_t uid;
	size_t n;
};

/* Dead entries, a binary min-heap by (dead_at, id). */
struct deadheap {
	struct rentry **v;
	uint32_t n;
	uint32_t cap;
};

RB_HEAD(uid_tree, ruid);

struct regtab {
	struct idtab ids;
	struct pidtab pids;
	struct strhash names;
	struct strhash labels;
	struct labtab labs;
	struct uid_tree uids;
	struct deadheap dead;
	size_t count;
	uint64_t next_id;
	uint64_t max_id; /* no entry has a higher ID */
	uint64_t visits;
	struct rlabel *last_boot; /* the boot ID of the last entry added */
	int bulk;                 /* loading: sets are arrays */
	regtab_hook_fn *hook;     /* told before an entry changes */
	void *hook_arg;
};

/* The resolved selectors of one request. */
struct sel {
	const struct gp_request *req;
	struct rlabel *any[2][GP_SEL_MAX];
	size_t nany[2];
	struct rlabel *all[2][GP_SEL_MAX];
	size_t nall[2];
	/* The label of each value of the request's lists, NULL: unknown. */
	struct rlabel *at[2][2][GP_SEL_MAX];
	size_t nids;
	size_t npids;
	size_t nnames;
};

/* What add_check() found out for add_insert(): the entry's ID and labels. */
struct add_plan {
	char tags[GP_LABELS_MAX][GP_LABEL_MAX + 1];
	char groups[GP_LABELS_MAX][GP_LABEL_MAX + 1];
	size_t ntags;
	size_t ngroups;
	uint64_t id;
	int64_t dead_at;
	struct rlabel *boot; /* interned already, or NULL */
};

/* Where the candidates of a selection come from. */
enum {
	SRC_ALL, /* the whole registry */
	SRC_IDS,
	SRC_PIDS,
	SRC_NAMES,
	SRC_ANY,   /* the members of each --tag (or --group) label */
	SRC_EVERY, /* the members of one --tag-all (or --group-all) label */
	SRC_DEAD   /* the dead entries (--dead) */
};

struct source {
	int src;
	int kind;         /* SRC_ANY: REGTAB_TAG or REGTAB_GROUP */
	struct rset *set; /* SRC_EVERY */
};

/* A growing array of entries. */
struct evec {
	struct rentry **v;
	size_t n;
	size_t cap;
};

static int idt_where(const struct idtab *, uint64_t, size_t *);
static int idt_page(struct idtab *, uint64_t, size_t *);
static void idt_free_page(struct idpage *);
static struct gp_metrics **met_ref(
    const struct regtab *, const struct rentry *, int);
static struct gp_metrics **met_new(struct regtab *, struct rentry *);
static struct gp_metrics *met_take(struct regtab *, struct rentry *);
static void idt_insert(struct idtab *, struct rentry *);
static void idt_remove(struct idtab *, struct rentry *);
static struct rentry *idt_find(struct idtab *, uint64_t);
static struct rentry *idt_from(struct idtab *, uint64_t);
static struct rentry *idt_max(const struct idtab *);
static int uid_cmp(struct ruid *, struct ruid *);
static int dead_before(const struct rentry *, const struct rentry *);
static void dh_place(struct deadheap *, uint32_t, struct rentry *);
static void dh_up(struct deadheap *, uint32_t);
static void dh_down(struct deadheap *, uint32_t);
static void dh_insert(struct deadheap *, struct rentry *);
static void dh_remove(struct deadheap *, struct rentry *);
static void uid_count(struct regtab *, uint32_t, int);
static void *table_alloc(size_t, size_t);
static int shift_back(uint32_t, uint32_t, uint32_t, uint32_t);
static uint32_t str_hash(const char *);
static int sh_slot(const struct strhash *, const char *, uint32_t, uint32_t *);
static void sh_resize(struct strhash *, uint32_t);
static void *sh_find(const struct strhash *, const char *);
static void sh_insert(struct strhash *, void *);
static void sh_remove(struct strhash *, void *);
static const char *label_str(const void *);
static const char *name_str(const void *);
static uint32_t pid_home(const struct pidtab *, int32_t);
static int pid_slot(const struct pidtab *, int32_t, uint32_t *);
static void pid_resize(struct pidtab *, uint32_t);
static void pid_insert(struct pidtab *, int32_t, struct rentry *);
static void pid_build(struct regtab *);
static void pid_remove(struct pidtab *, struct rentry *);
static struct pidvec *pv_add(struct pidvec *, struct rentry *);
static uint32_t pv_find(const struct pidvec *, const struct rentry *);
static uint32_t rset_home(const struct rset *, const struct rentry *);
static int rset_array(const struct rset *);
static void rset_exact(struct rset *, uint32_t);
static void rset_resize(struct rset *, uint32_t);
static void rset_place(struct rset *, struct rentry *);
static void rset_reserve(struct rset *, uint32_t);
static int rset_find(const struct rset *, const struct rentry *, uint32_t *);
static void rset_add(struct rset *, struct rentry *);
static void rset_del(struct rset *, struct rentry *);
static void rset_build(struct rset *);
static void rset_fill(struct rset *, struct rentry *);
static struct rlabel *label_at(const struct regtab *, uint32_t);
static void lt_reserve(struct labtab *, uint64_t);
static uint32_t lt_insert(struct labtab *, struct rlabel *);
static void lt_remove(struct labtab *, struct rlabel *);
static void lt_free(struct labtab *);
static struct rlabel *label_find(struct regtab *, const char *);
static struct rlabel *label_get(struct regtab *, const char *);
static void label_release(struct regtab *, struct rlabel *);
static struct rentry *name_find(struct regtab *, const char *);
static int strp_cmp(const void *, const void *);
static int entry_cmp(const void *, const void *);
static int clean_labels(const struct gp_strlist *, const char *,
    char (*)[GP_LABEL_MAX + 1], size_t *, char *, size_t);
static int has_label(const struct rentry *, int, const struct rlabel *);
static const char *lab_str(const struct regtab *, uint32_t);
static void copy_cmd(char *, const char *, size_t);
static int sel_resolve(
    struct regtab *, const struct gp_request *, struct sel *);
static int sel_match(const struct sel *, const struct rentry *);
static void evec_push(struct evec *, struct rentry *);
static void sel_source(
    const struct regtab *, const struct sel *, struct source *);
static void sel_gather(
    struct regtab *, const struct sel *, const struct source *, struct evec *);
static void regtab_clear(struct regtab *);
static void entry_changes(struct regtab *, struct rentry *);
static void fill_str(char *, const char *, size_t);
static int add_entry(struct regtab *, const struct gp_entry *, const char *,
    int, int64_t, struct rentry **, char *, size_t);
static int add_check(struct regtab *, const struct gp_entry *, const char *,
    int, struct add_plan *, char *, size_t);
static struct rentry *add_insert(struct regtab *, const struct gp_entry *,
    const char *, const struct add_plan *);

RB_GENERATE_STATIC(uid_tree, ruid, link, uid_cmp);

/*
 * The ID index.  Where page number pno is or would go in t: 1 and *where
 * its index if it is there, else 0 and *where the index of the first
 * page after it.  A walk in ID order, or an add at the end, finds its
 * page at the hint or the one after.
 */
static int
idt_where(const struct idtab *t, uint64_t pno, size_t *where)
{
	size_t lo, hi, mid;

	if (t->hint < t->n && t->pno[t->hint] == pno) {
		*where = t->hint;
		return (1);
	}
	if (t->hint + 1 < t->n && t->pno[t->hint + 1] == pno) {
		*where = t->hint + 1;
		return (1);
	}
	lo = 0;
	hi = t->n;
	if (t->n > 0 && t->pno[t->n - 1] < pno)
		lo = t->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->pno[mid] < pno)
			lo = mid + 1;
		else
			hi = mid;
	}
	*where = lo;
	return (lo < t->n && t->pno[lo] == pno);
}

/* The same, and the next lookups start from that page. */
static int
idt_page(struct idtab *t, uint64_t pno, size_t *where)
{
	if (!idt_where(t, pno, where))
		return (0);
	t->hint = *where;
	return (1);
}

static void
idt_free_page(struct idpage *p)
{
	size_t i;

	if (p->met != NULL)
		for (i = 0; i < IDPAGE; i++)
			free(p->met[i]);
	free(p->met);
	free(p);
}

/* Drop the empty pages, once they are half of them. */
static void
idt_compact(struct idtab *t)
{
	size_t i, n;

	if (t->empty * 2 < t->n)
		return;
	for (i = n = 0; i < t->n; i++) {
		if (t->page[i]->used == 0) {
			idt_free_page(t->page[i]);
			continue;
		}
		t->pno[n] = t->pno[i];
		t->page[n++] = t->page[i];
	}
	t->n = n;
	t->empty = 0;
	t->hint = 0;
}

static void
idt_insert(struct idtab *t, struct rentry *e)
{
	struct idpage *p;
	size_t w, ncap;
	uint64_t pno;
	unsigned int i;

	pno = e->id >> IDPAGE_SHIFT;
	i = e->id & (IDPAGE - 1);
	if (!idt_page(t, pno, &w)) {
		if (t->n == t->cap) {
			ncap = t->cap == 0 ? 64 : t->cap * 2;
			if ((t->pno = reallocarray(
			         t->pno, ncap, sizeof(*t->pno))) == NULL ||
			    (t->page = reallocarray(
			         t->page, ncap, sizeof(*t->page))) == NULL)
				fatal(NULL);
			t->cap = ncap;
		}
		if ((p = malloc(sizeof(*p))) == NULL)
			fatal(NULL);
		p->used = 0;
		p->met = NULL;
		memmove(
		    &t->pno[w + 1], &t->pno[w], (t->n - w) * sizeof(*t->pno));
		memmove(&t->page[w + 1], &t->page[w],
		    (t->n - w) * sizeof(*t->page));
		t->pno[w] = pno;
		t->page[w] = p;
		t->n++;
		t->empty++;
		t->hint = w;
	}
	p = t->page[w];
	if (p->used == 0)
		t->empty--;
	p->used |= (uint64_t)1 << i;
	p->e[i] = e;
}

static void
idt_remove(struct idtab *t, struct rentry *e)
{
	struct idpage *p;
	size_t w;

	if (!idt_page(t, e->id >> IDPAGE_SHIFT, &w))
		fatalx("%s: id %" PRIu64 " not indexed", __func__, e->id);
	p = t->page[w];
	p->used &= ~((uint64_t)1 << (e->id & (IDPAGE - 1)));
	if (p->used != 0)
		return;
	if (w + 1 < t->n) {
		t->empty++;
		idt_compact(t);
		return;
	}
	/* The last page holds an entry: idt_max() and adds look there. */
	idt_free_page(t->page[--t->n]);
	while (t->n > 0 && t->page[t->n - 1]->used == 0) {
		idt_free_page(t->page[--t->n]);
		t->empty--;
	}
	if (t->hint >= t->n)
		t->hint = 0;
}

static struct rentry *
idt_find(struct idtab *t, uint64_t id)
{
	struct idpage *p;
	size_t w;
	unsigned int i;

	if (!idt_page(t, id >> IDPAGE_SHIFT, &w))
		return (NULL);
	p = t->page[w];
	i = id & (IDPAGE - 1);
	if ((p->used & ((uint64_t)1 << i)) == 0)
		return (NULL);
	return (p->e[i]);
}

/* The entry with the lowest ID not below id, or NULL. */
static struct rentry *
idt_from(struct idtab *t, uint64_t id)
{
	struct idpage *p;
	uint64_t bits;
	size_t w;

	if (idt_page(t, id >> IDPAGE_SHIFT, &w)) {
		p = t->page[w];
		bits = p->used & (~(uint64_t)0 << (id & (IDPAGE - 1)));
		if (bits != 0)
			return (p->e[__builtin_ctzll(bits)]);
		w++;
	}
	for (; w < t->n; w++) {
		p = t->page[w];
		if (p->used != 0) {
			t->hint = w;
			return (p->e[__builtin_ctzll(p->used)]);
		}
	}
	return (NULL);
}

/* The entry with the highest ID, or NULL: the last page has entries. */
static struct rentry *
idt_max(const struct idtab *t)
{
	const struct idpage *p;

	if (t->n == 0)
		return (NULL);
	p = t->page[t->n - 1];
	return (p->e[IDPAGE - 1 - __builtin_clzll(p->used)]);
}

/* Dead entries in the order they died, ties by ID. */
/* Dead entries in the order they died, then by ID. */
static int
dead_before(const struct rentry *a, const struct rentry *b)
{
	if (a->dead_at != b->dead_at)
		return (a->dead_at < b->dead_at);
	return (a->id < b->id);
}

static void
dh_place(struct deadheap *h, uint32_t i, struct rentry *e)
{
	h->v[i] = e;
	e->dead_pos = i;
}

static void
dh_up(struct deadheap *h, uint32_t i)
{
	struct rentry *e = h->v[i];
	uint32_t p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (!dead_before(e, h->v[p]))
			break;
		dh_place(h, i, h->v[p]);
		i = p;
	}
	dh_place(h, i, e);
}

static void
dh_down(struct deadheap *h, uint32_t i)
{
	struct rentry *e = h->v[i];
	uint32_t c;

	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && dead_before(h->v[c + 1], h->v[c]))
			c++;
		if (!dead_before(h->v[c], e))
			break;
		dh_place(h, i, h->v[c]);
		i = c;
	}
	dh_place(h, i, e);
}

static void
dh_insert(struct deadheap *h, struct rentry *e)
{
	struct rentry **v;
	uint32_t cap;

	if (h->n == h->cap) {
		if (h->cap > UINT32_MAX / 2)
			fatalx("%s: too many dead entries", __func__);
		cap = h->cap == 0 ? 64 : h->cap * 2;
		if ((v = reallocarray(h->v, cap, sizeof(*v))) == NULL)
			fatal(NULL);
		h->v = v;
		h->cap = cap;
	}
	dh_place(h, h->n++, e);
	dh_up(h, h->n - 1);
}

static void
dh_remove(struct deadheap *h, struct rentry *e)
{
	struct rentry *last;
	uint32_t i = e->dead_pos;

	if (i >= h->n || h->v[i] != e)
		fatalx("%s: id %" PRIu64 " not indexed", __func__, e->id);
	if (i == --h->n)
		return;
	/* The last entry takes the place: up or down from there. */
	last = h->v[h->n];
	dh_place(h, i, last);
	dh_up(h, i);
	if (last->dead_pos == i)
		dh_down(h, i);
}

static int
uid_cmp(struct ruid *a, struct ruid *b)
{
	if (a->uid < b->uid)
		return (-1);
	return (a->uid > b->uid);
}

/* Count one entry more (delta 1) or less (-1) for uid. */
static void
uid_count(struct regtab *rt, uint32_t uid, int delta)
{
	struct ruid key, *u;

	key.uid = uid;
	if ((u = RB_FIND(uid_tree, &rt->uids, &key)) == NULL) {
		if (delta < 0)
			fatalx("%s: uid %u owns no entry", __func__, uid);
		if ((u = calloc(1, sizeof(*u))) == NULL)
			fatal(NULL);
		u->uid = uid;
		RB_INSERT(uid_tree, &rt->uids, u);
	}
	if (delta > 0)
		u->n++;
	else if (--u->n == 0) {
		RB_REMOVE(uid_tree, &rt->uids, u);
		free(u);
	}
}

/* The number of entries uid owns, kept as entries come and go. */
size_t
regtab_uid_count(struct regtab *rt, uint32_t uid)
{
	struct ruid key, *u;

	key.uid = uid;
	if ((u = RB_FIND(uid_tree, &rt->uids, &key)) == NULL)
		return (0);
	return (u->n);
}

/* Give an entry another owner (entries the Go program wrote have none). */
void
regtab_set_owner(struct regtab *rt, struct rentry *e, uint32_t uid)
{
	entry_changes(rt, e);
	uid_count(rt, e->owner_uid, -1);
	e->owner_uid = uid;
	uid_count(rt, uid, 1);
}

/*
 * A zeroed hash table, written rather than calloc'ed: the probes read a
 * fresh mapping before they write it, which would cost each page a
 * second fault and a TLB shootdown.
 */
static void *
table_alloc(size_t n, size_t size)
{
	void *p;

	if ((p = reallocarray(NULL, n, size)) == NULL)
		fatal(NULL);
	memset(p, 0, n * size);
	return (p);
}

/*
 * The three hashes (strings, PIDs, sets of entries) probe linearly and
 * delete without tombstones: the slots after a hole, up to the next empty
 * one, are moved back into it when that keeps them reachable.  Slot j,
 * whose home is k, moves into hole i if i lies on its probe path, from k
 * to j.
 *
 * A capacity is any number, not only a power of two: the home of a
 * 32-bit hash h is h * cap / 2^32 (so the high bits of h count, and the
 * hashes below mix them), and a table grows by half rather than doubles.
 * Between growths a table is then 50 to 75 % full, instead of 37 to 75 %.
 */
static uint32_t
tab_home(uint32_t h, uint32_t cap)
{
	return ((uint32_t)(((uint64_t)h * cap) >> 32));
}

static uint32_t
tab_next(uint32_t j, uint32_t cap)
{
	return (j + 1 == cap ? 0 : j + 1);
}

/* Slots from a forward to b, around the end. */
static uint32_t
tab_dist(uint32_t a, uint32_t b, uint32_t cap)
{
	return (b >= a ? b - a : b + (cap - a));
}

/*
 * The capacity after cap for at least need elements, at most 3/4 full:
 * cap and a half, or more where need asks for it.
 */
static uint32_t
tab_grow(uint32_t cap, uint64_t need, uint32_t min)
{
	uint64_t ncap;

	ncap = (uint64_t)cap + cap / 2;
	if (ncap < (need * 4 + 2) / 3)
		ncap = (need * 4 + 2) / 3;
	if (ncap < min)
		ncap = min;
	if (ncap > UINT32_MAX / 2)
		fatalx("%s: table too large", __func__);
	return ((uint32_t)ncap);
}

/* Whether n elements, n < 2^62, would make cap slots more than 3/4 full. */
static int
tab_over(uint64_t n, uint32_t cap)
{
	return (n * 4 > (uint64_t)cap * 3);
}

static int
shift_back(uint32_t i, uint32_t j, uint32_t k, uint32_t cap)
{
	return (tab_dist(k, j, cap) >= tab_dist(i, j, cap));
}

/*
 * A hash's bits mixed into the high ones of 32: multiply-shift, whose
 * odd multiplier is part of the key (regtab_hash_key()), so that which
 * PIDs share a slot is nothing a user can work out.
 */
static uint64_t mix_mult = 0x9e3779b97f4a7c15ULL;

static uint32_t
mix32(uint64_t v)
{
	return ((uint32_t)((v * mix_mult) >> 32));
}

/*
 * The string hashes.  Names and labels are whatever a client sends: with
 * a hash anybody can compute, strings chosen offline to share a slot
 * would make every insertion and lookup walk all of them, a stall for
 * every client.  SipHash with a key drawn at start-up
 * (regtab_hash_key()) leaves nobody able to choose them.  The key is
 * zero until it is set.
 */
static unsigned char hash_key[crypto_shorthash_KEYBYTES];
_Static_assert(sizeof(hash_key) + sizeof(mix_mult) == REGTAB_HASH_KEY_LEN,
    "hash key size");
static size_t tables; /* alive: the key may not change under them */

/* The key of the hashes: SipHash's, then the multiplier's. */
void
regtab_hash_key(const unsigned char *key, size_t len)
{
	if (len != REGTAB_HASH_KEY_LEN)
		fatalx("%s: a key of %zu bytes, not %d", __func__, len,
		    REGTAB_HASH_KEY_LEN);
	if (tables > 0)
		fatalx("%s: after a table was made", __func__);
	memcpy(hash_key, key, sizeof(hash_key));
	memcpy(&mix_mult, key + sizeof(hash_key), sizeof(mix_mult));
	mix_mult |= 1;
}

static uint32_t
str_hash(const char *s)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint32_t v;

	(void)crypto_shorthash(
	    h, (const unsigned char *)s, strlen(s), hash_key);
	memcpy(&v, h, sizeof(v));
	return (v);
}

/* The slot of s (1), or the free slot where it would go (0). */
static int
sh_slot(const struct strhash *t, const char *s, uint32_t h, uint32_t *where)
{
	uint32_t j;

	for (j = tab_home(mix32(h), t->cap); t->slot[j] != NULL;
	     j = tab_next(j, t->cap)) {
		if (t->hash[j] == h && strcmp(t->str(t->slot[j]), s) == 0) {
			*where = j;
			return (1);
		}
	}
	*where = j;
	return (0);
}

static void
sh_resize(struct strhash *t, uint32_t cap)
{
	void **old;
	uint32_t *oldhash, oldcap, i, j;

	old = t->slot;
	oldhash = t->hash;
	oldcap = t->cap;
	t->slot = NULL;
	t->hash = NULL;
	t->cap = cap;
	if (cap > 0) {
		t->slot = table_alloc(cap, sizeof(*t->slot));
		t->hash = table_alloc(cap, sizeof(*t->hash));
	}
	for (i = 0; i < oldcap; i++) {
		if (old[i] == NULL)
			continue;
		for (j = tab_home(mix32(oldhash[i]), cap); t->slot[j] != NULL;
		     j = tab_next(j, cap))
			;
		t->slot[j] = old[i];
		t->hash[j] = oldhash[i];
	}
	free(old);
	free(oldhash);
}

static void *
sh_find(const struct strhash *t, const char *s)
{
	uint32_t j;

	if (t->cap == 0 || !sh_slot(t, s, str_hash(s), &j))
		return (NULL);
	return (t->slot[j]);
}

/* Add p, whose string is not in t yet. */
static void
sh_insert(struct strhash *t, void *p)
{
	uint32_t h, j;

	if (tab_over((uint64_t)t->n + 1, t->cap))
		sh_resize(t, tab_grow(t->cap, (uint64_t)t->n + 1, 16));
	h = str_hash(t->str(p));
	if (sh_slot(t, t->str(p), h, &j))
		fatalx("%s: already there", __func__);
	t->slot[j] = p;
	t->hash[j] = h;
	t->n++;
}

static void
sh_remove(struct strhash *t, void *p)
{
	uint32_t i, j, k;

	if (t->cap == 0 || !sh_slot(t, t->str(p), str_hash(t->str(p)), &i) ||
	    t->slot[i] != p)
		fatalx("%s: not there", __func__);
	/* Shift back the slots that probed past the hole. */
	for (j = tab_next(i, t->cap); t->slot[j] != NULL;
	     j = tab_next(j, t->cap)) {
		k = tab_home(mix32(t->hash[j]), t->cap);
		if (shift_back(i, j, k, t->cap)) {
			t->slot[i] = t->slot[j];
			t->hash[i] = t->hash[j];
			i = j;
		}
	}
	t->slot[i] = NULL;
	t->n--;
	if (t->n == 0)
		sh_resize(t, 0);
	else if (t->cap > 16 && (uint64_t)t->n * 8 < t->cap)
		sh_resize(t, t->cap / 2);
}

static const char *
label_str(const void *p)
{
	return (((const struct rlabel *)p)->s);
}

static const char *
name_str(const void *p)
{
	return (rentry_name(p));
}

/*
 * The PID index.
 */
static uint32_t
pid_home(const struct pidtab *t, int32_t pid)
{
	return (tab_home(mix32((uint32_t)pid), t->cap));
}

/* The slot of pid (1), or the free slot where it would go (0). */
static int
pid_slot(const struct pidtab *t, int32_t pid, uint32_t *where)
{
	uint32_t j;

	for (j = pid_home(t, pid); t->key[j] != 0; j = tab_next(j, t->cap)) {
		if (t->key[j] == pid || t->key[j] == -pid) {
			*where = j;
			return (1);
		}
	}
	*where = j;
	return (0);
}

static void
pid_resize(struct pidtab *t, uint32_t cap)
{
	union pidslot *old;
	int32_t *oldkey;
	uint32_t oldcap, i, j;

	old = t->slot;
	oldkey = t->key;
	oldcap = t->cap;
	t->slot = NULL;
	t->key = NULL;
	t->cap = cap;
	if (cap > 0) {
		t->slot = table_alloc(cap, sizeof(*t->slot));
		t->key = table_alloc(cap, sizeof(*t->key));
	}
	for (i = 0; i < oldcap; i++) {
		if (oldkey[i] == 0)
			continue;
		(void)pid_slot(t, oldkey[i] < 0 ? -oldkey[i] : oldkey[i], &j);
		t->slot[j] = old[i];
		t->key[j] = oldkey[i];
	}
	free(old);
	free(oldkey);
}

/* Put e in a vector of entries in the order of their IDs (NULL: new). */
static struct pidvec *
pv_add(struct pidvec *pv, struct rentry *e)
{
	struct pidvec *npv;
	uint32_t i, cap;

	if (pv == NULL || pv->n == pv->cap) {
		cap = pv == NULL ? 2 : pv->cap * 2;
		if (cap > UINT32_MAX / 2)
			fatalx("%s: too many entries of a pid", __func__);
		if ((npv = realloc(
		         pv, sizeof(*npv) + (size_t)cap * sizeof(npv->v[0]))) ==
		    NULL)
			fatal(NULL);
		if (pv == NULL)
			npv->n = 0;
		npv->cap = cap;
		pv = npv;
	}
	/* A new entry has the highest ID: from the end. */
	for (i = pv->n; i > 0 && pv->v[i - 1]->id > e->id; i--)
		pv->v[i] = pv->v[i - 1];
	pv->v[i] = e;
	pv->n++;
	return (pv);
}

/* Where e is in a vector; it must be there. */
static uint32_t
pv_find(const struct pidvec *pv, const struct rentry *e)
{
	uint32_t lo, hi, mid;

	lo = 0;
	hi = pv->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pv->v[mid]->id < e->id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == pv->n || pv->v[lo] != e)
		fatalx("%s: id %" PRIu64 " not indexed", __func__, e->id);
	return (lo);
}

/* Index e under pid, its PID (passed so as not to read e). */
static void
pid_insert(struct pidtab *t, int32_t pid, struct rentry *e)
{
	struct pidvec *pv;
	uint32_t j;

	if (tab_over((uint64_t)t->n + 1, t->cap))
		pid_resize(t, tab_grow(t->cap, (uint64_t)t->n + 1, 16));
	if (!pid_slot(t, pid, &j)) {
		t->slot[j].e = e;
		t->key[j] = pid;
		t->n++;
		return;
	}
	if (t->key[j] > 0) {
		pv = pv_add(NULL, t->slot[j].e);
		t->slot[j].vec = pv_add(pv, e);
		t->key[j] = -pid;
	} else
		t->slot[j].vec = pv_add(t->slot[j].vec, e);
}

/*
 * Index the PIDs of the entries a snapshot loaded in the order of their
 * home slots, a part of the hash at a time (which stays in the cache),
 * rather than each at a random place as the entries came: a counting
 * sort by the high bits of the mixed PID, which order the home slots.
 * The entries of a PID keep the order of their IDs.
 */
static void
pid_build(struct regtab *rt)
{
	struct pidpair *v;
	size_t at[(1U << (32 - PID_PARTS_SHIFT)) + 1], i;
	struct rentry *e;
	uint32_t p;

	if (rt->count == 0)
		return;
	memset(at, 0, sizeof(at));
	for (e = regtab_first(rt); e != NULL; e = regtab_next(rt, e))
		at[(mix32((uint32_t)e->pid) >> PID_PARTS_SHIFT) + 1]++;
	for (p = 1; p < nitems(at); p++)
		at[p] += at[p - 1];
	if ((v = reallocarray(NULL, rt->count, sizeof(*v))) == NULL)
		fatal(NULL);
	for (e = regtab_first(rt); e != NULL; e = regtab_next(rt, e)) {
		i = at[mix32((uint32_t)e->pid) >> PID_PARTS_SHIFT]++;
		v[i].e = e;
		v[i].pid = e->pid;
	}
	for (i = 0; i < rt->count; i++)
		pid_insert(&rt->pids, v[i].pid, v[i].e);
	free(v);
}

static void
pid_remove(struct pidtab *t, struct rentry *e)
{
	struct pidvec *pv, *npv;
	uint32_t i, j, k;

	if (t->cap == 0 || !pid_slot(t, e->pid, &i))
		fatalx("%s: pid %d not indexed", __func__, e->pid);
	if (t->key[i] < 0) {
		pv = t->slot[i].vec;
		j = pv_find(pv, e);
		memmove(&pv->v[j], &pv->v[j + 1],
		    (pv->n - j - 1) * sizeof(pv->v[0]));
		if (--pv->n == 1) {
			t->slot[i].e = pv->v[0];
			t->key[i] = e->pid;
			free(pv);
		} else if (pv->n <= pv->cap / 4) {
			/* If it cannot shrink, the larger memory serves. */
			pv->cap /= 2;
			npv = realloc(
			    pv, sizeof(*pv) + pv->cap * sizeof(pv->v[0]));
			if (npv != NULL)
				t->slot[i].vec = npv;
		}
		return;
	}
	if (t->slot[i].e != e)
		fatalx("%s: id %" PRIu64 " not indexed", __func__, e->id);
	/* The PID is gone: shift back the slots that probed past it. */
	for (j = tab_next(i, t->cap); t->key[j] != 0; j = tab_next(j, t->cap)) {
		k = pid_home(t, t->key[j] < 0 ? -t->key[j] : t->key[j]);
		if (shift_back(i, j, k, t->cap)) {
			t->slot[i] = t->slot[j];
			t->key[i] = t->key[j];
			i = j;
		}
	}
	t->slot[i].e = NULL;
	t->key[i] = 0;
	t->n--;
	if (t->n == 0)
		pid_resize(t, 0);
	else if (t->cap > 16 && (uint64_t)t->n * 8 < t->cap)
		pid_resize(t, t->cap / 2);
}

/*
 * Hash sets.  The hash of an entry is taken from its address, which
 * never changes while the entry is in a set: probing, resizing and
 * deleting never read an entry.
 */
static uint32_t
rset_home(const struct rset *s, const struct rentry *e)
{
	return (tab_home(mix32((uintptr_t)e >> 4), s->cap));
}

/* Is the set an array (or empty) rather than a hash? */
static int
rset_array(const struct rset *s)
{
	return (s->n == s->cap);
}

/* Make the set an array of its n members, which are in slot[0 .. old). */
static void
rset_exact(struct rset *s, uint32_t old)
{
	struct rentry **v;
	uint32_t i, n;

	for (i = n = 0; i < old; i++)
		if (s->slot[i] != NULL)
			s->slot[n++] = s->slot[i];
	if (n != s->n)
		fatalx("%s: %u members, %u counted", __func__, n, s->n);
	if (n == 0) {
		free(s->slot);
		s->slot = NULL;
	} else if ((v = reallocarray(s->slot, n, sizeof(*v))) != NULL)
		s->slot = v; /* if not, the larger memory serves */
	s->cap = n;
}

/* Make the set a hash of cap slots (0: free it). */
static void
rset_resize(struct rset *s, uint32_t cap)
{
	struct rentry **old;
	uint32_t oldcap, i;

	old = s->slot;
	oldcap = s->cap;
	if (cap == 0) {
		free(old);
		s->slot = NULL;
		s->cap = 0;
		return;
	}
	s->slot = table_alloc(cap, sizeof(*s->slot));
	s->cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i] != NULL)
			rset_place(s, old[i]);
	free(old);
}

/* Put e in the first free slot from its home; the set has room. */
static void
rset_place(struct rset *s, struct rentry *e)
{
	uint32_t j;

	for (j = rset_home(s, e); s->slot[j] != NULL; j = tab_next(j, s->cap))
		;
	s->slot[j] = e;
}

/* Make room for more entries so that rset_add() will not allocate. */
static void
rset_reserve(struct rset *s, uint32_t more)
{
	uint64_t need;

	need = (uint64_t)s->n + more;
	if (need <= RSET_SMALL && rset_array(s))
		return;
	if (rset_array(s) || tab_over(need, s->cap))
		rset_resize(s, tab_grow(s->cap, need, 4));
}

static int
rset_find(const struct rset *s, const struct rentry *e, uint32_t *where)
{
	uint32_t j;

	if (rset_array(s)) {
		for (j = 0; j < s->n; j++) {
			if (s->slot[j] == e) {
				if (where != NULL)
					*where = j;
				return (1);
			}
		}
		return (0);
	}
	for (j = rset_home(s, e); s->slot[j] != NULL; j = tab_next(j, s->cap)) {
		if (s->slot[j] == e) {
			if (where != NULL)
				*where = j;
			return (1);
		}
	}
	return (0);
}

static void
rset_add(struct rset *s, struct rentry *e)
{
	struct rentry **v;

	if (rset_find(s, e, NULL))
		return;
	rset_reserve(s, 1);
	if (rset_array(s)) {
		if ((v = reallocarray(s->slot, s->n + 1, sizeof(*v))) == NULL)
			fatal(NULL);
		s->slot = v;
		s->slot[s->n++] = e;
		s->cap = s->n;
		return;
	}
	rset_place(s, e);
	s->n++;
}

/*
 * While a snapshot loads (regtab_bulk()), a set only counts its members.
 * At the end each is allocated at its size, after the entries and
 * without the arrays a growing set leaves behind, and filled:
 * rset_build() empties it with room for the count, rset_fill() puts
 * each member back.  Until the count is reached, a set of cap up to
 * RSET_SMALL is an array being filled, a larger one a hash.
 */
static void
rset_build(struct rset *s)
{
	uint32_t n;

	if ((n = s->n) == 0)
		return;
	s->n = 0;
	if (n <= RSET_SMALL) {
		s->slot = reallocarray(NULL, n, sizeof(*s->slot));
		if (s->slot == NULL)
			fatal(NULL);
		s->cap = n;
	} else {
		s->cap = tab_grow(0, n, 4);
		s->slot = table_alloc(s->cap, sizeof(*s->slot));
	}
}

static void
rset_fill(struct rset *s, struct rentry *e)
{
	if (s->n >= s->cap ||
	    (s->cap > RSET_SMALL && tab_over(s->n + 1, s->cap)))
		fatalx("%s: more members than counted", __func__);
	if (s->cap <= RSET_SMALL)
		s->slot[s->n] = e;
	else
		rset_place(s, e);
	s->n++;
}

static void
rset_del(struct rset *s, struct rentry *e)
{
	uint32_t i, j, k;

	if (!rset_find(s, e, &i))
		return;
	if (rset_array(s)) {
		s->slot[i] = s->slot[s->n - 1];
		s->slot[--s->n] = NULL;
		rset_exact(s, s->n + 1);
		return;
	}
	/* Shift back the entries that probed past the hole. */
	for (j = tab_next(i, s->cap); s->slot[j] != NULL;
	     j = tab_next(j, s->cap)) {
		k = rset_home(s, s->slot[j]);
		if (shift_back(i, j, k, s->cap)) {
			s->slot[i] = s->slot[j];
			i = j;
		}
	}
	s->slot[i] = NULL;
	s->n--;
	if (s->n <= RSET_SMALL / 2)
		rset_exact(s, s->cap);
	else if ((uint64_t)s->n * 8 < s->cap)
		rset_resize(s, s->cap / 2);
}

/* The label of an index an entry holds. */
static struct rlabel *
label_at(const struct regtab *rt, uint32_t i)
{
	if (i == 0 || i >= rt->labs.n || rt->labs.v[i] == NULL)
		fatalx("%s: no label %u", __func__, i);
	return (rt->labs.v[i]);
}

static const char *
lab_str(const struct regtab *rt, uint32_t i)
{
	return (label_at(rt, i)->s);
}

/* Room for n labels in all, so that lt_insert() will not allocate. */
static void
lt_reserve(struct labtab *t, uint64_t n)
{
	struct rlabel **nv;
	uint64_t cap;

	n++; /* index 0 */
	if (n <= t->cap)
		return;
	if (n > UINT32_MAX)
		fatalx("%s: too many labels", __func__);
	cap = t->cap == 0 ? 16 : t->cap;
	while (cap < n)
		cap += cap / 2;
	if (cap > UINT32_MAX)
		cap = UINT32_MAX;
	if ((nv = reallocarray(t->v, cap, sizeof(*t->v))) == NULL)
		fatal(NULL);
	t->v = nv;
	t->cap = cap;
}

/* Give a label an index: one freed before, or the next. */
static uint32_t
lt_insert(struct labtab *t, struct rlabel *l)
{
	uint32_t i;

	if (t->nfree > 0)
		i = t->free[--t->nfree];
	else {
		if (t->n == 0)
			t->n = 1;
		lt_reserve(t, t->n);
		i = t->n++;
	}
	t->v[i] = l;
	return (i);
}

static void
lt_remove(struct labtab *t, struct rlabel *l)
{
	uint32_t *nf;
	uint32_t cap;

	t->v[l->idx] = NULL;
	if (t->nfree == t->capfree) {
		cap = t->capfree == 0 ? 16 : t->capfree + t->capfree / 2;
		if ((nf = reallocarray(t->free, cap, sizeof(*nf))) == NULL)
			fatal(NULL);
		t->free = nf;
		t->capfree = cap;
	}
	t->free[t->nfree++] = l->idx;
}

/* Forget every index; the table holds no label. */
static void
lt_free(struct labtab *t)
{
	free(t->v);
	free(t->free);
	memset(t, 0, sizeof(*t));
}

static struct rlabel *
label_find(struct regtab *rt, const char *s)
{
	return (sh_find(&rt->labels, s));
}

static struct rlabel *
label_get(struct regtab *rt, const char *s)
{
	struct rlabel *l;
	size_t len;

	if ((l = label_find(rt, s)) != NULL)
		return (l);
	len = strlen(s);
	if ((l = calloc(1, sizeof(*l) + len + 1)) == NULL)
		fatal(NULL);
	memcpy(l->s, s, len + 1);
	sh_insert(&rt->labels, l);
	l->idx = lt_insert(&rt->labs, l);
	return (l);
}

/* Free a label nobody uses any more. */
static void
label_release(struct regtab *rt, struct rlabel *l)
{
	if (l == NULL || l->refs > 0 || l->members[REGTAB_TAG].n > 0 ||
	    l->members[REGTAB_GROUP].n > 0)
		return;
	if (l == rt->last_boot)
		rt->last_boot = NULL;
	sh_remove(&rt->labels, l);
	lt_remove(&rt->labs, l);
	rset_resize(&l->members[REGTAB_TAG], 0);
	rset_resize(&l->members[REGTAB_GROUP], 0);
	free(l);
}

static struct rentry *
name_find(struct regtab *rt, const char *s)
{
	return (sh_find(&rt->names, s));
}

static int
strp_cmp(const void *a, const void *b)
{
	return (strcmp(a, b));
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct rentry *ea = *(struct rentry *const *)a;
	const struct rentry *eb = *(struct rentry *const *)b;

	if (ea->id < eb->id)
		return (-1);
	return (ea->id > eb->id);
}

struct regtab *
regtab_new(void)
{
	struct regtab *rt;

	if ((rt = calloc(1, sizeof(*rt))) == NULL)
		fatal(NULL);
	rt->names.str = name_str;
	rt->labels.str = label_str;
	RB_INIT(&rt->uids);
	rt->next_id = 1;
	tables++;
	return (rt);
}

static void
regtab_clear(struct regtab *rt)
{
	struct rentry *e;

	regtab_bulk(rt, 0);
	/* From the highest ID down: pages go from the end. */
	while ((e = idt_max(&rt->ids)) != NULL)
		regtab_remove(rt, e);
	rt->max_id = 0;
	/* Empty now, but a hash sized by regtab_reserve() keeps its slots. */
	if (rt->pids.n == 0)
		pid_resize(&rt->pids, 0);
	if (rt->names.n == 0)
		sh_resize(&rt->names, 0);
	if (rt->labels.n == 0) {
		sh_resize(&rt->labels, 0);
		lt_free(&rt->labs);
	}
}

/* Free the table and every entry in it. */
void
regtab_free(struct regtab *rt)
{
	if (rt == NULL)
		return;
	regtab_clear(rt);
	lt_free(&rt->labs);
	free(rt->ids.pno);
	free(rt->ids.page);
	free(rt->dead.v);
	free(rt);
	tables--;
}

/*
 * Loading a snapshot (on, into an empty table) or done (off): while on,
 * the table only takes regtab_insert(); the label sets only count their
 * members, and the PIDs are not indexed: both are built when it is
 * turned off, the sets in one pass over the entries.
 */
void
regtab_bulk(struct regtab *rt, int on)
{
	struct rentry *e;
	struct rlabel *l;
	uint32_t j;
	size_t i;
	int kind;

	if (on) {
		if (rt->count != 0)
			fatalx("%s: the table is not empty", __func__);
		rt->bulk = 1;
		return;
	}
	if (!rt->bulk)
		return;
	rt->bulk = 0;
	for (j = 1; j < rt->labs.n; j++) {
		if ((l = rt->labs.v[j]) == NULL)
			continue;
		rset_build(&l->members[REGTAB_TAG]);
		rset_build(&l->members[REGTAB_GROUP]);
	}
	for (e = regtab_first(rt); e != NULL; e = regtab_next(rt, e)) {
		for (i = 0; i < (size_t)e->ntags + e->ngroups; i++) {
			kind = i < e->ntags ? REGTAB_TAG : REGTAB_GROUP;
			rset_fill(&label_at(rt, e->lab[i])->members[kind], e);
		}
	}
	for (j = 1; j < rt->labs.n; j++) {
		if ((l = rt->labs.v[j]) == NULL)
			continue;
		for (kind = 0; kind < 2; kind++)
			if (!rset_array(&l->members[kind]) &&
			    l->members[kind].cap <= RSET_SMALL)
				fatalx(
				    "%s: fewer members than counted", __func__);
	}
	pid_build(rt);
}

/* Forget every entry; IDs start again at 1. */
void
regtab_reset(struct regtab *rt)
{
	regtab_clear(rt);
	rt->next_id = 1;
}

size_t
regtab_count(const struct regtab *rt)
{
	return (rt->count);
}

void
regtab_size(const struct regtab *rt, struct regtab_size *sz)
{
	sz->entries = rt->count;
	sz->pids = rt->pids.n;
	sz->names = rt->names.n;
	sz->labels = rt->labels.n;
}

/*
 * Size the hashes of PIDs, names and labels, and the table of labels,
 * for sz at once, rather than growing them again and again as a snapshot
 * loads.  Nothing shrinks; the caller bounds sz, and a count no table
 * could hold is ignored.
 */
void
regtab_reserve(struct regtab *rt, const struct regtab_size *sz)
{
	const uint64_t most = UINT32_MAX / 4;

	if (sz->pids <= most && tab_over(sz->pids, rt->pids.cap))
		pid_resize(&rt->pids, tab_grow(rt->pids.cap, sz->pids, 16));
	if (sz->names <= most && tab_over(sz->names, rt->names.cap))
		sh_resize(&rt->names, tab_grow(rt->names.cap, sz->names, 16));
	if (sz->labels <= most && tab_over(sz->labels, rt->labels.cap))
		sh_resize(
		    &rt->labels, tab_grow(rt->labels.cap, sz->labels, 16));
	if (sz->labels <= most)
		lt_reserve(&rt->labs, sz->labels);
}

uint64_t
regtab_next_id(const struct regtab *rt)
{
	return (rt->next_id);
}

/* Set the next ID to hand out; it must exceed every ID in the table. */
int
regtab_set_next_id(struct regtab *rt, uint64_t next, char *err, size_t errlen)
{
	struct rentry *max;

	max = idt_max(&rt->ids);
	if (next < 1 || next > REGTAB_ID_MAX + 1 ||
	    (max != NULL && next <= max->id)) {
		snprintf(err, errlen,
		    "must be an integer in %" PRIu64 "..%" PRId64
		    ", got %" PRIu64,
		    max == NULL ? 1 : max->id + 1, (int64_t)REGTAB_ID_MAX + 1,
		    next);
		return (-1);
	}
	rt->next_id = next;
	return (0);
}

/* A boot ID is empty (unknown) or a UUID as the kernel prints it. */
int
regtab_valid_boot_id(const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0')
		return (1);
	for (i = 0; i < REGTAB_BOOT_ID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return (0);
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		               (s[i] >= 'a' && s[i] <= 'f') ||
		               (s[i] >= 'A' && s[i] <= 'F')))
			return (0);
	}
	return (s[i] == '\0');
}

/*
 * Clean, sort and deduplicate one label list into out; *np receives the
 * number of distinct labels.
 */
static int
clean_labels(const struct gp_strlist *sl, const char *what,
    char (*out)[GP_LABEL_MAX + 1], size_t *np, char *err, size_t errlen)
{
	const char *errstr;
	size_t i, n;

	if (sl->n > GP_LABELS_MAX) {
		snprintf(err, errlen, "too many %s (%u, at most %d)", what,
		    sl->n, GP_LABELS_MAX);
		return (-1);
	}
	for (i = 0; i < sl->n; i++) {
		errstr = "not terminated";
		if (memchr(sl->v[i], '\0', sizeof(sl->v[i])) == NULL ||
		    gp_label_clean(sl->v[i], out[i], sizeof(out[i]), &errstr) ==
		        -1) {
			snprintf(err, errlen, "%s[%zu]: %s", what, i, errstr);
			return (-1);
		}
	}
	/* In order and distinct already, as goprocd writes them. */
	for (i = 1; i < sl->n && strcmp(out[i - 1], out[i]) < 0; i++)
		;
	if (i >= sl->n) {
		*np = sl->n;
		return (0);
	}
	qsort(out, sl->n, sizeof(out[0]), strp_cmp);
	for (i = n = 0; i < sl->n; i++) {
		if (n > 0 && strcmp(out[n - 1], out[i]) == 0)
			continue;
		if (n != i)
			memcpy(out[n], out[i], sizeof(out[n]));
		n++;
	}
	*np = n;
	return (0);
}

/*
 * Copy a command line, replacing each byte that is not part of valid
 * UTF-8 with '?', so that it can always be stored as a JSON string.
 */
static void
copy_cmd(char *dst, const char *src, size_t len)
{
	const unsigned char *p = (const unsigned char *)src;
	uint32_t cp;
	size_t i, n;

	for (i = 0; i < len;) {
		/* Most command lines are ASCII: a byte at a time, no call. */
		if (p[i] < 0x80) {
			dst[i] = p[i];
			i++;
			continue;
		}
		if ((n = gp_utf8_next(p + i, len - i, &cp)) == 0) {
			dst[i++] = '?';
			continue;
		}
		memcpy(dst + i, p + i, n);
		i += n;
	}
	dst[len] = '\0';
}

/*
 * Add an entry.  A new entry (keepid 0) takes the next ID, whatever
 * ge->id says, and is refused when the same process (PID, start time
 * and boot ID) is registered already.  A stored entry (keepid 1, from a
 * snapshot or the journal) keeps ge->id, which must be free, and the
 * next ID moves past it.  A name must be free in both cases.  Labels
 * are trimmed, sorted and deduplicated.
 */
static int
add_entry(struct regtab *rt, const struct gp_entry *ge, const char *boot_id,
    int keepid, int64_t dead_at, struct rentry **ep, char *err, size_t errlen)
{
	struct add_plan plan;
	struct rentry *e;
	int r;

	if (ep != NULL)
		*ep = NULL;
	/* A new entry is checked against the PIDs, not indexed yet. */
	if (!keepid && rt->bulk)
		fatalx("%s: the table is loading", __func__);
	if ((r = add_check(rt, ge, boot_id, keepid, &plan, err, errlen)) !=
	    REGTAB_OK)
		return (r);
	plan.dead_at = dead_at;
	e = add_insert(rt, ge, boot_id, &plan);
	if (ep != NULL)
		*ep = e;
	return (REGTAB_OK);
}

/*
 * Check everything add_entry() needs before it changes anything: the
 * fields of ge, its labels (cleaned into plan) and the ID, name and
 * process it would take.  Returns REGTAB_OK with plan filled in, or
 * REGTAB_EINVAL or REGTAB_EEXIST with a message in err.
 */
static int
add_check(struct regtab *rt, const struct gp_entry *ge, const char *boot_id,
    int keepid, struct add_plan *plan, char *err, size_t errlen)
{
	struct rentry *o;
	struct rentry *nm;
	struct rlabel *boot;
	const char *errstr;

	if (ge->pid < 1 || ge->pid > GP_PID_MAX) {
		snprintf(err, errlen, "pid must be in 1..%d, got %d",
		    GP_PID_MAX, ge->pid);
		return (REGTAB_EINVAL);
	}
	if (ge->pgid < 0 || ge->pgid > GP_PID_MAX) {
		snprintf(err, errlen, "pgid must be in 0..%d, got %d",
		    GP_PID_MAX, ge->pgid);
		return (REGTAB_EINVAL);
	}
	if (keepid && (ge->id < 1 || ge->id > REGTAB_ID_MAX)) {
		snprintf(err, errlen,
		    "id must be in 1..%" PRId64 ", got %" PRIu64,
		    (int64_t)REGTAB_ID_MAX, ge->id);
		return (REGTAB_EINVAL);
	}
	if (memchr(ge->name, '\0', sizeof(ge->name)) == NULL ||
	    memchr(ge->cmd, '\0', sizeof(ge->cmd)) == NULL) {
		snprintf(err, errlen, "name or command not terminated");
		return (REGTAB_EINVAL);
	}
	if (ge->name[0] != '\0' && gp_valid_name(ge->name, &errstr) == -1) {
		snprintf(err, errlen, "invalid name: %s", errstr);
		return (REGTAB_EINVAL);
	}
	/* The entries of a snapshot share a boot ID or a few. */
	boot = NULL;
	if (boot_id != NULL && *boot_id != '\0' && rt->last_boot != NULL &&
	    strcmp(boot_id, rt->last_boot->s) == 0)
		boot = rt->last_boot;
	else if (!regtab_valid_boot_id(boot_id)) {
		snprintf(err, errlen, "invalid boot id");
		return (REGTAB_EINVAL);
	} else if (boot_id != NULL && *boot_id != '\0')
		boot = label_find(rt, boot_id);
	plan->boot = boot;
	if (clean_labels(&ge->tags, "tags", plan->tags, &plan->ntags, err,
	        errlen) == -1 ||
	    clean_labels(&ge->groups, "groups", plan->groups, &plan->ngroups,
	        err, errlen) == -1)
		return (REGTAB_EINVAL);

	if (keepid) {
		/* A snapshot lists IDs in order: past the highest, no search. */
		if (ge->id <= rt->max_id &&
		    regtab_find_id(rt, ge->id) != NULL) {
			snprintf(err, errlen, "id %" PRIu64 " already exists",
			    ge->id);
			return (REGTAB_EEXIST);
		}
		plan->id = ge->id;
	} else {
		if (rt->next_id > REGTAB_ID_MAX) {
			snprintf(err, errlen, "no more ids");
			return (REGTAB_EINVAL);
		}
		plan->id = rt->next_id;
	}
	if (ge->name[0] != '\0' && (nm = name_find(rt, ge->name)) != NULL) {
		snprintf(err, errlen,
		    "name \"%s\" is already in use by id %" PRIu64, ge->name,
		    nm->id);
		return (REGTAB_EEXIST);
	}
	if (!keepid) {
		for (o = regtab_find_pid(rt, ge->pid); o != NULL;
		     o = regtab_next_pid(rt, o)) {
			if (o->start_ticks != ge->start_ticks ||
			    o->boot != (boot == NULL ? 0 : boot->idx))
				continue;
			if (boot == NULL && boot_id != NULL && *boot_id != '\0')
				continue;
			snprintf(err, errlen,
			    "pid %d already registered as id %" PRIu64, ge->pid,
			    o->id);
			return (REGTAB_EEXIST);
		}
	}
	return (REGTAB_OK);
}

/*
 * Insert the entry add_check() allowed, under the ID and with the labels
 * of plan, into every index.  It cannot fail.
 */
static struct rentry *
add_insert(struct regtab *rt, const struct gp_entry *ge, const char *boot_id,
    const struct add_plan *plan)
{
	struct rentry *e;
	struct rlabel *l, *boot;
	char *names;
	size_t cmdlen, namelen, i;
	int kind;

	cmdlen = strlen(ge->cmd);
	namelen = strnlen(ge->name, GP_NAME_MAX + 1);
	if (namelen > GP_NAME_MAX)
		fatalx("%s: name too long", __func__);
	/* The name (if any) and the command line follow the labels. */
	if ((e = calloc(1,
	         sizeof(*e) +
	             (plan->ntags + plan->ngroups) * sizeof(e->lab[0]) +
	             (namelen > 0 ? namelen + 1 : 0) + cmdlen + 1)) == NULL)
		fatal(NULL);
	e->id = plan->id;
	e->pid = ge->pid;
	e->pgid = ge->pgid;
	e->start_ticks = ge->start_ticks;
	e->added_at = ge->added_at;
	e->last_seen = ge->last_seen;
	e->owner_uid = ge->owner_uid;
	e->alive = ge->alive != 0;
	e->dead_at = e->alive ? 0 : plan->dead_at;
	e->cmd_client = (ge->flags & GP_ENT_CMD_CLIENT) != 0;
	e->ntags = plan->ntags;
	e->ngroups = plan->ngroups;
	e->namelen = namelen;
	names = (char *)&e->lab[plan->ntags + plan->ngroups];
	if (namelen > 0)
		memcpy(names, ge->name, namelen + 1);
	copy_cmd(rentry_cmd(e), ge->cmd, cmdlen);
	if (boot_id != NULL && *boot_id != '\0') {
		boot = plan->boot != NULL ? plan->boot : label_get(rt, boot_id);
		boot->refs++;
		e->boot = boot->idx;
		rt->last_boot = boot;
	}
	for (i = 0; i < plan->ntags + plan->ngroups; i++) {
		kind = i < plan->ntags ? REGTAB_TAG : REGTAB_GROUP;
		l = label_get(rt,
		    kind == REGTAB_TAG ? plan->tags[i] :
		                         plan->groups[i - plan->ntags]);
		e->lab[i] = l->idx;
		if (rt->bulk)
			l->members[kind].n++;
		else
			rset_add(&l->members[kind], e);
	}
	if (namelen > 0)
		sh_insert(&rt->names, e);
	idt_insert(&rt->ids, e);
	if (e->id > rt->max_id)
		rt->max_id = e->id;
	/* A snapshot's PIDs are indexed once it is read. */
	if (!rt->bulk)
		pid_insert(&rt->pids, e->pid, e);
	if (!e->alive)
		dh_insert(&rt->dead, e);
	uid_count(rt, e->owner_uid, 1);
	rt->count++;
	if (plan->id >= rt->next_id)
		rt->next_id = plan->id + 1;
	return (e);
}

/*
 * Register a new process.  Returns REGTAB_OK, or REGTAB_EINVAL or
 * REGTAB_EEXIST with a message in err naming the entry in the way.
 */
int
regtab_add(struct regtab *rt, const struct gp_entry *ge, const char *boot_id,
    struct rentry **ep, char *err, size_t errlen)
{
	return (add_entry(rt, ge, boot_id, 0, 0, ep, err, errlen));
}

/*
 * Put back a stored entry with its own ID (ge->id); a dead one with the
 * time it was seen to die (0: not recorded).
 */
int
regtab_insert(struct regtab *rt, const struct gp_entry *ge, const char *boot_id,
    int64_t dead_at, struct rentry **ep, char *err, size_t errlen)
{
	return (add_entry(rt, ge, boot_id, 1, dead_at, ep, err, errlen));
}

/* Remove an entry from every index and free it. */
void
regtab_remove(struct regtab *rt, struct rentry *e)
{
	struct rlabel *l;
	size_t i;
	int kind;

	if (rt->bulk)
		fatalx("%s: the table is loading", __func__);
	entry_changes(rt, e);
	free(met_take(rt, e));
	idt_remove(&rt->ids, e);
	pid_remove(&rt->pids, e);
	if (!e->alive)
		dh_remove(&rt->dead, e);
	if (e->namelen > 0)
		sh_remove(&rt->names, e);
	for (i = 0; i < (size_t)e->ntags + e->ngroups; i++) {
		l = label_at(rt, e->lab[i]);
		kind = i < e->ntags ? REGTAB_TAG : REGTAB_GROUP;
		rset_del(&l->members[kind], e);
		label_release(rt, l);
	}
	if (e->boot != 0) {
		l = label_at(rt, e->boot);
		l->refs--;
		label_release(rt, l);
	}
	uid_count(rt, e->owner_uid, -1);
	rt->count--;
	free(e);
}

struct rentry *
regtab_find_id(struct regtab *rt, uint64_t id)
{
	return (idt_find(&rt->ids, id));
}

/* The entry with the lowest ID not below id, or NULL. */
struct rentry *
regtab_from_id(struct regtab *rt, uint64_t id)
{
	return (idt_from(&rt->ids, id));
}

/*
 * Have fn called with an entry before any of what a snapshot holds of it
 * changes or it is removed (NULL: no longer).  The last-seen time and
 * the metrics are not such changes.
 */
void
regtab_set_hook(struct regtab *rt, regtab_hook_fn *fn, void *arg)
{
	rt->hook = fn;
	rt->hook_arg = arg;
}

static void
entry_changes(struct regtab *rt, struct rentry *e)
{
	if (rt->hook != NULL)
		rt->hook(e, rt->hook_arg);
}

struct rentry *
regtab_find_name(struct regtab *rt, const char *name)
{
	return (name_find(rt, name));
}

/* The entry with this PID and the lowest ID, or NULL. */
struct rentry *
regtab_find_pid(struct regtab *rt, int32_t pid)
{
	uint32_t j;

	if (pid < 1 || rt->pids.cap == 0 || !pid_slot(&rt->pids, pid, &j))
		return (NULL);
	if (rt->pids.key[j] < 0)
		return (rt->pids.slot[j].vec->v[0]);
	return (rt->pids.slot[j].e);
}

/* The entry with the same PID as e and the next higher ID, or NULL. */
struct rentry *
regtab_next_pid(struct regtab *rt, struct rentry *e)
{
	struct pidvec *pv;
	uint32_t j;

	if (rt->pids.cap == 0 || !pid_slot(&rt->pids, e->pid, &j))
		fatalx("%s: pid %d not indexed", __func__, e->pid);
	if (rt->pids.key[j] > 0)
		return (NULL);
	pv = rt->pids.slot[j].vec;
	j = pv_find(pv, e);
	return (j + 1 < pv->n ? pv->v[j + 1] : NULL);
}

struct rentry *
regtab_first(struct regtab *rt)
{
	return (idt_from(&rt->ids, 0));
}

struct rentry *
regtab_next(struct regtab *rt, struct rentry *e)
{
	return (idt_from(&rt->ids, e->id + 1));
}

static int
has_label(const struct rentry *e, int kind, const struct rlabel *l)
{
	size_t i, start, end;

	start = kind == REGTAB_TAG ? 0 : e->ntags;
	end = kind == REGTAB_TAG ? e->ntags : (size_t)e->ntags + e->ngroups;
	for (i = start; i < end; i++)
		if (e->lab[i] == l->idx)
			return (1);
	return (0);
}

/*
 * Look up the labels of a request.  Returns 0 when some selector can
 * match nothing at all (an unknown label in --tag-all, or no known
 * label in --tag).
 */
static int
sel_resolve(struct regtab *rt, const struct gp_request *req, struct sel *s)
{
	const struct gp_strlist *any[2], *all[2];
	struct rlabel *l;
	size_t i, n;
	int k;

	memset(s, 0, sizeof(*s));
	s->req = req;
	any[REGTAB_TAG] = &req->tags;
	any[REGTAB_GROUP] = &req->groups;
	all[REGTAB_TAG] = &req->tags_all;
	all[REGTAB_GROUP] = &req->groups_all;
	for (k = 0; k < 2; k++) {
		n = any[k]->n > GP_SEL_MAX ? GP_SEL_MAX : any[k]->n;
		for (i = 0; i < n; i++) {
			if (memchr(any[k]->v[i], '\0', sizeof(any[k]->v[i])) ==
			    NULL)
				continue;
			l = label_find(rt, any[k]->v[i]);
			if (l != NULL && l->members[k].n > 0) {
				s->any[k][s->nany[k]++] = l;
				s->at[k][0][i] = l;
			}
		}
		if (n > 0 && s->nany[k] == 0)
			return (0);
		n = all[k]->n > GP_SEL_MAX ? GP_SEL_MAX : all[k]->n;
		for (i = 0; i < n; i++) {
			if (memchr(all[k]->v[i], '\0', sizeof(all[k]->v[i])) ==
			    NULL)
				return (0);
			l = label_find(rt, all[k]->v[i]);
			if (l == NULL || l->members[k].n == 0)
				return (0);
			s->all[k][s->nall[k]++] = l;
			s->at[k][1][i] = l;
		}
	}
	s->nids = req->nids > GP_SEL_MAX ? GP_SEL_MAX : req->nids;
	s->npids = req->npids > GP_SEL_MAX ? GP_SEL_MAX : req->npids;
	s->nnames = req->names.n > GP_SEL_MAX ? GP_SEL_MAX : req->names.n;
	return (1);
}

/* What sel_match() hands the selector rule. */
struct sel_arg {
	const struct sel *s;
	const struct rentry *e;
};

static int
sel_has(
    const struct gp_selent *se, int kind, int all, size_t i, const char *label)
{
	const struct sel_arg *a = se->arg;
	const struct rlabel *l;

	(void)label;
	if (i >= GP_SEL_MAX || (l = a->s->at[kind][all][i]) == NULL)
		return (0);
	return (has_label(a->e, kind, l));
}

/* Does e satisfy every selector of the request (common/select.c)? */
static int
sel_match(const struct sel *s, const struct rentry *e)
{
	struct gp_selent se;
	struct sel_arg a;

	a.s = s;
	a.e = e;
	se.id = e->id;
	se.pid = e->pid;
	se.alive = e->alive;
	se.name = rentry_name(e);
	se.cmd = rentry_cmd(e);
	se.has = sel_has;
	se.arg = &a;
	return (gp_sel_match(s->req, &se));
}

static void
evec_push(struct evec *v, struct rentry *e)
{
	struct rentry **nv;
	size_t ncap;

	if (v->n == v->cap) {
		ncap = v->cap == 0 ? 16 : v->cap * 2;
		if ((nv = reallocarray(v->v, ncap, sizeof(*nv))) == NULL)
			fatal(NULL);
		v->v = nv;
		v->cap = ncap;
	}
	v->v[v->n++] = e;
}

/*
 * Choose where the candidates of a selection come from: the smallest
 * index among the selectors given, else (SRC_ALL) the whole registry.
 */
static void
sel_source(const struct regtab *rt, const struct sel *s, struct source *src)
{
	size_t best, cost, i;
	int k;

	src->src = SRC_ALL;
	src->kind = 0;
	src->set = NULL;
	best = rt->count;
	if ((s->req->flags & GP_REQ_DEAD) && rt->dead.n < best) {
		best = rt->dead.n;
		src->src = SRC_DEAD;
	}
	if (s->nids > 0 && s->nids < best) {
		best = s->nids;
		src->src = SRC_IDS;
	}
	if (s->nnames > 0 && s->nnames < best) {
		best = s->nnames;
		src->src = SRC_NAMES;
	}
	if (s->npids > 0 && s->npids < best) {
		best = s->npids;
		src->src = SRC_PIDS;
	}
	for (k = 0; k < 2; k++) {
		for (i = 0, cost = 0; i < s->nany[k]; i++)
			cost += s->any[k][i]->members[k].n;
		if (s->nany[k] > 0 && cost < best) {
			best = cost;
			src->src = SRC_ANY;
			src->kind = k;
		}
		for (i = 0; i < s->nall[k]; i++) {
			if (s->all[k][i]->members[k].n < best) {
				best = s->all[k][i]->members[k].n;
				src->src = SRC_EVERY;
				src->set = &s->all[k][i]->members[k];
			}
		}
	}
}

/*
 * Gather the candidates of an indexed source (not SRC_ALL) into cand,
 * in no particular order and possibly more than once.
 */
static void
sel_gather(struct regtab *rt, const struct sel *s, const struct source *src,
    struct evec *cand)
{
	const struct gp_request *req = s->req;
	const struct rset *set;
	struct rentry *e;
	size_t i, j;

	switch (src->src) {
	case SRC_IDS:
		for (i = 0; i < s->nids; i++)
			if ((e = regtab_find_id(rt, req->ids[i])) != NULL)
				evec_push(cand, e);
		break;
	case SRC_NAMES:
		for (i = 0; i < s->nnames; i++) {
			if (memchr(req->names.v[i], '\0',
			        sizeof(req->names.v[i])) == NULL)
				continue;
			if ((e = regtab_find_name(rt, req->names.v[i])) != NULL)
				evec_push(cand, e);
		}
		break;
	case SRC_PIDS:
		for (i = 0; i < s->npids; i++)
			for (e = regtab_find_pid(rt, req->pids[i]); e != NULL;
			     e = regtab_next_pid(rt, e))
				evec_push(cand, e);
		break;
	case SRC_ANY:
		for (i = 0; i < s->nany[src->kind]; i++) {
			set = &s->any[src->kind][i]->members[src->kind];
			for (j = 0; j < set->cap; j++)
				if (set->slot[j] != NULL)
					evec_push(cand, set->slot[j]);
		}
		break;
	case SRC_EVERY:
		set = src->set;
		for (j = 0; j < set->cap; j++)
			if (set->slot[j] != NULL)
				evec_push(cand, set->slot[j]);
		break;
	case SRC_DEAD:
		for (j = 0; j < rt->dead.n; j++)
			evec_push(cand, rt->dead.v[j]);
		break;
	default:
		fatalx("%s: source %d", __func__, src->src);
	}
}

/*
 * Select the entries a request's selectors match, sorted by ID, into a
 * new array *resp (free it with free(3); NULL when nothing matched).
 * The candidates come from the smallest index among the selectors
 * given; a request without an indexed selector walks the registry.
 */
int
regtab_select(struct regtab *rt, const struct gp_request *req,
    struct rentry ***resp, size_t *np)
{
	struct sel s;
	struct source src;
	struct evec cand, res;
	struct rentry *e;
	size_t i, n;

	if (rt->bulk)
		fatalx("%s: the table is loading", __func__);
	*resp = NULL;
	*np = 0;
	if (!sel_resolve(rt, req, &s))
		return (0);
	sel_source(rt, &s, &src);

	memset(&cand, 0, sizeof(cand));
	memset(&res, 0, sizeof(res));
	if (src.src == SRC_ALL) {
		for (e = idt_from(&rt->ids, 0); e != NULL;
		     e = idt_from(&rt->ids, e->id + 1)) {
			rt->visits++;
			if (sel_match(&s, e))
				evec_push(&res, e);
		}
		*resp = res.v;
		*np = res.n;
		return (0);
	}
	sel_gather(rt, &s, &src, &cand);

	for (i = 0; i < cand.n; i++) {
		rt->visits++;
		if (sel_match(&s, cand.v[i]))
			evec_push(&res, cand.v[i]);
	}
	free(cand.v);
	if (res.n > 1)
		qsort(res.v, res.n, sizeof(res.v[0]), entry_cmp);
	for (i = n = 0; i < res.n; i++)
		if (n == 0 || res.v[n - 1] != res.v[i])
			res.v[n++] = res.v[i];
	*resp = res.v;
	*np = n;
	return (0);
}

/* How many entries carry this tag or group. */
size_t
regtab_label_count(struct regtab *rt, int kind, const char *label)
{
	struct rlabel *l;

	if (kind != REGTAB_TAG && kind != REGTAB_GROUP)
		return (0);
	if ((l = label_find(rt, label)) == NULL)
		return (0);
	return (l->members[kind].n);
}

/*
 * Rename a tag or group on every entry carrying it; an entry that
 * already carries the new label keeps one copy.  *changedp receives the
 * number of entries changed (0 when nothing carries the old label or
 * when both names are the same).  On an invalid label nothing changes.
 */
int
regtab_rename(struct regtab *rt, int kind, const char *from, const char *to,
    size_t *changedp, char *err, size_t errlen)
{
	char cfrom[GP_LABEL_MAX + 1], cto[GP_LABEL_MAX + 1];
	struct rlabel *lf, *lt;
	uint32_t *lab;
	struct rentry **members, *e;
	const char *errstr;
	size_t n, i, j, start, end;

	if (rt->bulk)
		fatalx("%s: the table is loading", __func__);
	*changedp = 0;
	if (kind != REGTAB_TAG && kind != REGTAB_GROUP) {
		snprintf(err, errlen, "unknown label kind %d", kind);
		return (REGTAB_EINVAL);
	}
	if (gp_label_clean(from, cfrom, sizeof(cfrom), &errstr) == -1) {
		snprintf(err, errlen, "invalid label: %s", errstr);
		return (REGTAB_EINVAL);
	}
	if (gp_label_clean(to, cto, sizeof(cto), &errstr) == -1) {
		snprintf(err, errlen, "invalid new label: %s", errstr);
		return (REGTAB_EINVAL);
	}
	if ((lf = label_find(rt, cfrom)) == NULL || lf->members[kind].n == 0 ||
	    strcmp(cfrom, cto) == 0)
		return (REGTAB_OK);

	lt = label_get(rt, cto);
	rset_reserve(&lt->members[kind], lf->members[kind].n);
	n = 0;
	if ((members = calloc(lf->members[kind].n, sizeof(*members))) == NULL)
		fatal(NULL);
	for (j = 0; j < lf->members[kind].cap; j++)
		if (lf->members[kind].slot[j] != NULL)
			members[n++] = lf->members[kind].slot[j];
	/* In the order of their IDs, as everywhere else. */
	qsort(members, n, sizeof(*members), entry_cmp);

	for (j = 0; j < n; j++) {
		e = members[j];
		entry_changes(rt, e);
		start = kind == REGTAB_TAG ? 0 : e->ntags;
		end = kind == REGTAB_TAG ? e->ntags :
		                           (size_t)e->ntags + e->ngroups;
		lab = e->lab;
		for (i = start; i < end && lab[i] != lf->idx; i++)
			;
		if (has_label(e, kind, lt)) {
			/*
			 * Merge: the entry keeps one label fewer; its name
			 * and command line move with the labels after it.
			 */
			memmove(&lab[i], &lab[i + 1],
			    ((size_t)e->ntags + e->ngroups - i - 1) *
			            sizeof(*lab) +
			        (e->namelen > 0 ? e->namelen + 1 : 0) +
			        strlen(rentry_cmd(e)) + 1);
			if (kind == REGTAB_TAG)
				e->ntags--;
			else
				e->ngroups--;
		} else {
			/* Replace, then move the new label into order. */
			lab[i] = lt->idx;
			for (; i > start &&
			     strcmp(lab_str(rt, lab[i - 1]), lt->s) > 0;
			     i--) {
				lab[i] = lab[i - 1];
				lab[i - 1] = lt->idx;
			}
			for (; i + 1 < end &&
			     strcmp(lab_str(rt, lab[i + 1]), lt->s) < 0;
			     i++) {
				lab[i] = lab[i + 1];
				lab[i + 1] = lt->idx;
			}
			rset_add(&lt->members[kind], e);
		}
		rset_del(&lf->members[kind], e);
	}
	free(members);
	*changedp = n;
	label_release(rt, lf);
	return (REGTAB_OK);
}

/*
 * An entry is alive, or dead since when (ns since the epoch; 0: not
 * known, yet).  Dead entries are kept in the order they died.
 */
void
regtab_set_alive(struct regtab *rt, struct rentry *e, int alive, int64_t when)
{
	entry_changes(rt, e);
	if (!e->alive)
		dh_remove(&rt->dead, e);
	e->alive = alive != 0;
	e->dead_at = alive ? 0 : when;
	if (!e->alive)
		dh_insert(&rt->dead, e);
}

/* The dead entry that died first, or NULL. */
struct rentry *
regtab_first_dead(struct regtab *rt)
{
	return (rt->dead.n == 0 ? NULL : rt->dead.v[0]);
}

/*
 * Up to max dead entries that died at or before when, in no particular
 * order, into m; how many.  O(what it returns): the heap is walked down
 * only where it holds such entries.
 */
size_t
regtab_dead_until(
    struct regtab *rt, int64_t when, struct rentry **m, size_t max)
{
	const struct deadheap *h = &rt->dead;
	uint32_t *stack, i;
	size_t n = 0, sp = 0;

	if (max == 0 || h->n == 0)
		return (0);
	/* Each entry taken pushes two: 2 * max + 1 at most. */
	if ((stack = reallocarray(NULL, 2 * max + 1, sizeof(*stack))) == NULL)
		fatal(NULL);
	stack[sp++] = 0;
	while (sp > 0 && n < max) {
		i = stack[--sp];
		if (i >= h->n || h->v[i]->dead_at > when)
			continue;
		m[n++] = h->v[i];
		if (2 * (uint64_t)i + 2 <= UINT32_MAX) {
			stack[sp++] = 2 * i + 2;
			stack[sp++] = 2 * i + 1;
		}
	}
	free(stack);
	return (n);
}

size_t
regtab_dead_count(const struct regtab *rt)
{
	return (rt->dead.n);
}

void
regtab_set_seen(struct rentry *e, int64_t when)
{
	e->last_seen = when;
}

/*
 * Where the metrics of an entry are kept: in its ID page, whose array of
 * them is made when create says so.  NULL: the page has none.
 */
static struct gp_metrics **
met_ref(const struct regtab *rt, const struct rentry *e, int create)
{
	struct idpage *p;
	size_t w;

	if (!idt_where(&rt->ids, e->id >> IDPAGE_SHIFT, &w))
		fatalx("%s: id %" PRIu64 " not indexed", __func__, e->id);
	p = rt->ids.page[w];
	if (p->met == NULL) {
		if (!create)
			return (NULL);
		if ((p->met = calloc(IDPAGE, sizeof(*p->met))) == NULL)
			fatal(NULL);
	}
	return (&p->met[e->id & (IDPAGE - 1)]);
}

static struct gp_metrics **
met_new(struct regtab *rt, struct rentry *e)
{
	struct gp_metrics **mp;

	mp = met_ref(rt, e, 1);
	if (*mp == NULL && (*mp = calloc(1, sizeof(**mp))) == NULL)
		fatal(NULL);
	return (mp);
}

/* The metrics of an entry, now the caller's (NULL: none). */
static struct gp_metrics *
met_take(struct regtab *rt, struct rentry *e)
{
	struct gp_metrics **mp, *m;

	if ((mp = met_ref(rt, e, 0)) == NULL)
		return (NULL);
	m = *mp;
	*mp = NULL;
	return (m);
}

/* The last sample of an entry's process, or NULL. */
const struct gp_metrics *
regtab_metrics(const struct regtab *rt, const struct rentry *e)
{
	struct gp_metrics **mp;

	if ((mp = met_ref(rt, e, 0)) == NULL)
		return (NULL);
	return (*mp);
}

/*
 * The last sample of an entry's process, which replaces the one before;
 * a time of exit already known stays.  Kept out of line, in the entry's
 * ID page: most entries of a large registry are dead and were never
 * sampled.
 */
void
regtab_set_metrics(
    struct regtab *rt, struct rentry *e, const struct gp_metrics *m)
{
	struct gp_metrics *met;
	uint32_t exited;
	int64_t at;

	met = *met_new(rt, e);
	exited = met->valid & GP_MET_EXITED;
	at = met->exited_at;
	*met = *m;
	met->valid = (m->valid & ~GP_MET_EXITED) | exited;
	met->exited_at = exited ? at : 0;
}

/* The process of an entry was seen to die at when (ns since the epoch). */
void
regtab_set_exited(struct regtab *rt, struct rentry *e, int64_t when)
{
	struct gp_metrics *met;

	if (when <= 0)
		return;
	met = *met_new(rt, e);
	met->valid |= GP_MET_EXITED;
	met->exited_at = when;
}

/* Record the identity learned for an entry: start time and boot ID. */
int
regtab_set_identity(struct regtab *rt, struct rentry *e, uint64_t start_ticks,
    const char *boot_id, char *err, size_t errlen)
{
	struct rlabel *l;
	uint32_t old;

	if (!regtab_valid_boot_id(boot_id)) {
		snprintf(err, errlen, "invalid boot id");
		return (-1);
	}
	entry_changes(rt, e);
	old = e->boot;
	e->boot = 0;
	if (boot_id != NULL && *boot_id != '\0') {
		l = label_get(rt, boot_id);
		l->refs++;
		e->boot = l->idx;
	}
	if (old != 0) {
		l = label_at(rt, old);
		l->refs--;
		label_release(rt, l);
	}
	e->start_ticks = start_ticks;
	return (0);
}

/*
 * Replace the command line of an entry; client says whether it is a
 * client's word rather than what was read from /proc.  The command is
 * stored inside the entry, so a longer one means a new entry with the
 * same ID, name and labels: the returned pointer replaces e.
 */
struct rentry *
regtab_set_cmd(struct regtab *rt, struct rentry *e, const char *cmd, int client)
{
	static struct gp_entry ge;
	size_t len;

	len = strnlen(cmd, GP_CMD_MAX + 1);
	if (len > GP_CMD_MAX)
		fatalx("%s: command too long", __func__);
	entry_changes(rt, e);
	e->cmd_client = client != 0;
	if (len <= strlen(rentry_cmd(e))) {
		copy_cmd(rentry_cmd(e), cmd, len);
		return (e);
	}
	rentry_fill(rt, e, &ge);
	memcpy(ge.cmd, cmd, len);
	ge.cmd[len] = '\0';
	return (regtab_replace(rt, e, &ge));
}

/*
 * Apply one list of changes to a label list: remove, then add.  -1 when
 * the result would hold more than GP_LABELS_MAX labels.
 */
static int
edit_labels(struct gp_strlist *have, const struct gp_strlist *add,
    const struct gp_strlist *rm)
{
	uint32_t i, j, n;

	for (i = n = 0; i < have->n; i++) {
		if (gp_strlist_has(rm, have->v[i]))
			continue;
		if (n != i)
			memcpy(have->v[n], have->v[i], sizeof(have->v[n]));
		n++;
	}
	have->n = n;
	for (j = 0; j < add->n && j < GP_SEL_MAX; j++) {
		if (gp_strlist_has(have, add->v[j]))
			continue;
		if (have->n >= GP_LABELS_MAX)
			return (-1);
		memcpy(have->v[have->n++], add->v[j], sizeof(have->v[0]));
	}
	gp_strlist_sort(have);
	return (0);
}

/* Two sorted label lists hold the same labels. */
static int
same_labels(const struct gp_strlist *a, const struct gp_strlist *b)
{
	uint32_t i;

	if (a->n != b->n)
		return (0);
	for (i = 0; i < a->n && i < GP_SEL_MAX; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return (0);
	return (1);
}

/*
 * What update makes of an entry: ge receives it after the change (its
 * name, tags and groups as req says), *changedp the GP_CHG_* bits of
 * what differs.  Nothing in the table changes.  -1 with a message when
 * the entry would carry too many labels.
 */
int
regtab_edit(const struct regtab *rt, const struct rentry *e,
    const struct gp_request *req, struct gp_entry *ge, uint32_t *changedp,
    char *err, size_t errlen)
{
	static struct gp_entry old;

	rentry_fill(rt, e, ge);
	old = *ge;
	*changedp = 0;
	if (edit_labels(&ge->tags, &req->add_tags, &req->rm_tags) == -1 ||
	    edit_labels(&ge->groups, &req->add_groups, &req->rm_groups) == -1) {
		snprintf(err, errlen, "too many %s (at most %d)",
		    ge->tags.n >= GP_LABELS_MAX ? "tags" : "groups",
		    GP_LABELS_MAX);
		return (-1);
	}
	if (req->flags & GP_REQ_NONAME)
		ge->name[0] = '\0';
	else if (req->name[0] != '\0')
		(void)strlcpy(ge->name, req->name, sizeof(ge->name));
	if (strcmp(old.name, ge->name) != 0)
		*changedp |= GP_CHG_NAME;
	if (!same_labels(&old.tags, &ge->tags))
		*changedp |= GP_CHG_TAGS;
	if (!same_labels(&old.groups, &ge->groups))
		*changedp |= GP_CHG_GROUPS;
	return (0);
}

/*
 * Give an entry the name, labels and command line of ge, in every
 * index; its ID, process, times, owner and metrics stay.  The caller
 * checked that the name is free (or the entry's own).  The entry may
 * move: the returned pointer replaces e.
 */
struct rentry *
regtab_replace(struct regtab *rt, struct rentry *e, const struct gp_entry *ge)
{
	static struct gp_entry ne;
	struct gp_metrics *met;
	char boot[REGTAB_BOOT_ID_LEN + 1], err[128];
	int64_t dead_at;

	rentry_fill(rt, e, &ne);
	(void)strlcpy(ne.name, ge->name, sizeof(ne.name));
	(void)strlcpy(ne.cmd, ge->cmd, sizeof(ne.cmd));
	ne.tags = ge->tags;
	ne.groups = ge->groups;
	strlcpy(boot, rentry_boot_id(rt, e), sizeof(boot));
	met = met_take(rt, e);
	dead_at = e->dead_at;
	regtab_remove(rt, e);
	if (add_entry(rt, &ne, boot, 1, dead_at, &e, err, sizeof(err)) !=
	    REGTAB_OK)
		fatalx("%s: id %" PRIu64 ": %s", __func__, ne.id, err);
	if (met != NULL)
		*met_ref(rt, e, 1) = met;
	return (e);
}

const char *
rentry_name(const struct rentry *e)
{
	if (e->namelen == 0)
		return (NULL);
	return ((const char *)&e->lab[e->ntags + e->ngroups]);
}

/* The command line, after the labels and the name. */
char *
rentry_cmd(const struct rentry *e)
{
	char *p;

	p = (char *)&e->lab[e->ntags + e->ngroups];
	return (e->namelen == 0 ? p : p + e->namelen + 1);
}

const char *
rentry_boot_id(const struct regtab *rt, const struct rentry *e)
{
	return (e->boot == 0 ? "" : lab_str(rt, e->boot));
}

const char *
rentry_tag(const struct regtab *rt, const struct rentry *e, size_t i)
{
	if (i >= e->ntags)
		return (NULL);
	return (lab_str(rt, e->lab[i]));
}

const char *
rentry_group(const struct regtab *rt, const struct rentry *e, size_t i)
{
	if (i >= e->ngroups)
		return (NULL);
	return (lab_str(rt, e->lab[e->ntags + i]));
}

/* Fill a wire entry from a registry entry. */
void
rentry_fill(
    const struct regtab *rt, const struct rentry *e, struct gp_entry *ge)
{
	memset(ge, 0, sizeof(*ge));
	rentry_fill_fields(rt, e, ge);
}

/*
 * The same, leaving the bytes after each string and the unused label
 * slots as they were: what wire_entry_encode() reads, without writing
 * the 9 KiB of a struct gp_entry for each entry of a list.
 */
/* strlcpy(3) without its byte loop: a list copies every string. */
static void
fill_str(char *dst, const char *src, size_t size)
{
	size_t len;

	len = strnlen(src, size - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

void
rentry_fill_fields(
    const struct regtab *rt, const struct rentry *e, struct gp_entry *ge)
{
	const struct gp_metrics *m;
	size_t i;

	ge->flags = 0;
	ge->name[0] = '\0';
	memset(&ge->met, 0, sizeof(ge->met));
	memset(&ge->kids, 0, sizeof(ge->kids));
	ge->id = e->id;
	ge->pid = e->pid;
	ge->pgid = e->pgid;
	ge->start_ticks = e->start_ticks;
	ge->added_at = e->added_at;
	ge->last_seen = e->last_seen;
	ge->owner_uid = e->owner_uid;
	ge->alive = e->alive;
	if (e->cmd_client)
		ge->flags |= GP_ENT_CMD_CLIENT;
	if (e->namelen > 0)
		fill_str(ge->name, rentry_name(e), sizeof(ge->name));
	fill_str(ge->cmd, rentry_cmd(e), sizeof(ge->cmd));
	ge->tags.n = e->ntags;
	for (i = 0; i < e->ntags; i++)
		fill_str(ge->tags.v[i], lab_str(rt, e->lab[i]),
		    sizeof(ge->tags.v[i]));
	ge->groups.n = e->ngroups;
	for (i = 0; i < e->ngroups; i++)
		fill_str(ge->groups.v[i], lab_str(rt, e->lab[e->ntags + i]),
		    sizeof(ge->groups.v[i]));
	if ((m = regtab_metrics(rt, e)) != NULL)
		ge->met = *m;
}

/* The hash of a name or a label under the key set now, for the tests. */
uint32_t
regtab_str_hash(const char *s)
{
	return (str_hash(s));
}

/* Candidates examined by regtab_select() so far, for the tests. */
uint64_t
regtab_visits(const struct regtab *rt)
{
	return (rt->visits);
}

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
 * Checks on registry tables for the fuzz targets that load them.
 */

#include <sys/types.h>

#include <string.h>

#include "fuzz.h"
#include "goproc.h"
#include "regtab.h"

/*
 * The indexes of a table agree with its entries: IDs ascend below
 * next_id, and each entry is found by its ID, its PID, its name and
 * its labels.
 */
void
fuzz_regtab_check(struct regtab *rt)
{
	struct rentry *e, *p;
	const char *name;
	size_t n = 0, i;
	uint64_t prev = 0;

	for (e = regtab_first(rt); e != NULL; e = regtab_next(rt, e)) {
		FUZZ_CHECK(e->id > prev);
		FUZZ_CHECK(e->id < regtab_next_id(rt));
		prev = e->id;
		FUZZ_CHECK(regtab_find_id(rt, e->id) == e);
		for (p = regtab_find_pid(rt, e->pid); p != NULL && p != e;
		     p = regtab_next_pid(rt, p))
			;
		FUZZ_CHECK(p == e);
		if ((name = rentry_name(e)) != NULL && name[0] != '\0')
			FUZZ_CHECK(regtab_find_name(rt, name) == e);
		for (i = 0; i < e->ntags; i++)
			FUZZ_CHECK(regtab_label_count(rt, REGTAB_TAG,
			               rentry_tag(rt, e, i)) > 0);
		for (i = 0; i < e->ngroups; i++)
			FUZZ_CHECK(regtab_label_count(rt, REGTAB_GROUP,
			               rentry_group(rt, e, i)) > 0);
		n++;
	}
	FUZZ_CHECK(n == regtab_count(rt));
}

/* The same entries, field by field (next_id is the caller's business). */
int
fuzz_regtab_same(struct regtab *a, struct regtab *b)
{
	static struct gp_entry ga, gb;
	struct rentry *ea, *eb;

	if (regtab_count(a) != regtab_count(b))
		return (0);
	for (ea = regtab_first(a); ea != NULL; ea = regtab_next(a, ea)) {
		if ((eb = regtab_find_id(b, ea->id)) == NULL)
			return (0);
		rentry_fill(a, ea, &ga);
		rentry_fill(b, eb, &gb);
		if (!fuzz_entry_same(&ga, &gb) ||
		    strcmp(rentry_boot_id(a, ea), rentry_boot_id(b, eb)) != 0)
			return (0);
	}
	return (1);
}

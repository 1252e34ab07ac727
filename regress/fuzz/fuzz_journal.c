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
 * The journal reader (goprocd/journal.c): journal_replay into a fresh
 * table, as goprocd replays goproc.journal after the snapshot.  A
 * replay that succeeds leaves a table whose indexes agree, and whose
 * entries, written as journal "add" records, replay to the same table.
 * The part of the journal after the middle record is also replayed on
 * its own, as over a snapshot holding the first half.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "regtab.h"
#include "store.h"

/* clang-format off */
static void	 replay_adds(struct regtab *);
/* clang-format on */

/* Each entry as an "add" record, replayed into a new table. */
static void
replay_adds(struct regtab *rt)
{
	struct regtab *rt2;
	struct rentry *e;
	char *buf = NULL, *line, err[1024];
	size_t len = 0, n, valid;
	uint64_t seq = 0, last;
	int torn;

	for (e = regtab_first(rt); e != NULL; e = regtab_next(rt, e)) {
		line = journal_add(rt, ++seq, e, &n);
		FUZZ_CHECK(line != NULL);
		FUZZ_CHECK(n > 0 && line[n - 1] == '\n');
		FUZZ_CHECK(memchr(line, '\n', n - 1) == NULL);
		if ((buf = realloc(buf, len + n)) == NULL)
			abort();
		memcpy(buf + len, line, n);
		len += n;
		free(line);
	}
	if ((rt2 = regtab_new()) == NULL)
		abort();
	err[0] = '\0';
	if (journal_replay(
	        rt2, buf, len, 0, &last, &valid, &torn, err, sizeof(err)) == -1)
		fuzz_fail(__FILE__, __LINE__, err);
	FUZZ_CHECK(last == seq && valid == len && !torn);
	FUZZ_CHECK(fuzz_regtab_same(rt, rt2));
	fuzz_regtab_check(rt2);
	regtab_free(rt2);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct regtab *rt;
	const char *buf;
	char *copy, err[1024];
	size_t valid;
	uint64_t last;
	int torn, rv;

	/* An exact copy, so that any read past the end is caught. */
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	buf = copy;

	if ((rt = regtab_new()) == NULL)
		abort();
	err[0] = '\0';
	rv = journal_replay(
	    rt, buf, size, 0, &last, &valid, &torn, err, sizeof(err));
	FUZZ_CHECK(valid <= size);
	FUZZ_CHECK(torn == (valid < size));
	FUZZ_CHECK(valid == 0 || buf[valid - 1] == '\n');
	if (rv == -1) {
		FUZZ_CHECK(fuzz_errstr_ok(err));
		regtab_free(rt);
		free(copy);
		return (0);
	}
	fuzz_regtab_check(rt);
	replay_adds(rt);
	regtab_free(rt);

	/* The records after seq last / 2 on their own. */
	if (last > 1) {
		if ((rt = regtab_new()) == NULL)
			abort();
		err[0] = '\0';
		if (journal_replay(rt, buf, size, last / 2, &last, &valid,
		        &torn, err, sizeof(err)) == -1)
			FUZZ_CHECK(fuzz_errstr_ok(err));
		else
			fuzz_regtab_check(rt);
		regtab_free(rt);
	}
	free(copy);
	return (0);
}

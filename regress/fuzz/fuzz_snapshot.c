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
 * The snapshot loader (goprocd/snapshot.c) on a whole file in memory.
 * A snapshot that loads is written out again and read back through a
 * descriptor, the way goprocd reads it at startup: the same entries, the
 * same next_id and journal_seq, and a table whose indexes agree.
 */

#include <sys/types.h>
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "regtab.h"
#include "store.h"

/* clang-format off */
#define NOW_NS	(1700000000LL * 1000000000LL)
/* clang-format on */

static int memfd = -1;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot_info si, si2;
	struct regtab *rt, *rt2;
	uint64_t written;
	char err[1024];

	if (memfd == -1 &&
	    (memfd = memfd_create("fuzz_snapshot", MFD_CLOEXEC)) == -1)
		abort();
	if ((rt = regtab_new()) == NULL)
		abort();
	err[0] = '\0';
	if (snapshot_load_buf(rt, data, size, &si, err, sizeof(err)) == -1) {
		FUZZ_CHECK(fuzz_errstr_ok(err));
		FUZZ_CHECK(regtab_count(rt) == 0);
		regtab_free(rt);
		return (0);
	}
	FUZZ_CHECK(si.count == regtab_count(rt));
	FUZZ_CHECK(si.unknown <= si.count);
	FUZZ_CHECK(si.next_id == regtab_next_id(rt));
	FUZZ_CHECK(si.size == size);
	fuzz_regtab_check(rt);

	if (ftruncate(memfd, 0) == -1 || lseek(memfd, 0, SEEK_SET) == -1)
		abort();
	err[0] = '\0';
	FUZZ_CHECK(snapshot_write(rt, memfd, si.journal_seq, NOW_NS, &written,
	               err, sizeof(err)) == 0);
	FUZZ_CHECK(lseek(memfd, 0, SEEK_CUR) == (off_t)written);
	if (lseek(memfd, 0, SEEK_SET) == -1)
		abort();

	if ((rt2 = regtab_new()) == NULL)
		abort();
	err[0] = '\0';
	if (snapshot_load(rt2, memfd, &si2, err, sizeof(err)) == -1)
		fuzz_fail(__FILE__, __LINE__, err);
	FUZZ_CHECK(si2.count == si.count);
	FUZZ_CHECK(si2.unknown == si.unknown);
	FUZZ_CHECK(si2.next_id == si.next_id);
	FUZZ_CHECK(si2.journal_seq == si.journal_seq);
	FUZZ_CHECK(si2.created_unix == NOW_NS / 1000000000);
	FUZZ_CHECK(si2.size == written);
	FUZZ_CHECK(regtab_next_id(rt2) == regtab_next_id(rt));
	FUZZ_CHECK(fuzz_regtab_same(rt, rt2));
	fuzz_regtab_check(rt2);

	regtab_free(rt2);
	regtab_free(rt);
	return (0);
}

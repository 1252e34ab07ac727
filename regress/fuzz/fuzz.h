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
 * What the fuzz targets share: the libFuzzer entry point, a check that
 * aborts with the failed condition, and comparisons of decoded values.
 */

#ifndef FUZZ_H
#define FUZZ_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "compat.h"
#include "goproc.h"

/* clang-format off */
#define FUZZ_CHECK(c)							\
	do {								\
		if (!(c))						\
			fuzz_fail(__FILE__, __LINE__, #c);		\
	} while (0)

struct regtab;

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* fuzz_util.c */
__dead void fuzz_fail(const char *, int, const char *);
int	 fuzz_errstr_ok(const char *);
int	 fuzz_strlist_same(const struct gp_strlist *,
	    const struct gp_strlist *);
int	 fuzz_entry_same(const struct gp_entry *, const struct gp_entry *);

/* fuzz_regtab.c */
int	 fuzz_regtab_same(struct regtab *, struct regtab *);
void	 fuzz_regtab_check(struct regtab *);
/* clang-format on */

#endif /* FUZZ_H */

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
 * Checks shared by the fuzz targets that need nothing but goproc.h.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "goproc.h"

/* A harness check failed: name it, then crash for libFuzzer. */
void
fuzz_fail(const char *file, int line, const char *cond)
{
	(void)fprintf(stderr, "%s:%d: check failed: %s\n", file, line, cond);
	abort();
}

/*
 * An error text a caller may print on one line: present, NUL-terminated
 * within GP_MSG_MAX bytes, not empty.
 */
int
fuzz_errstr_ok(const char *s)
{
	size_t len;

	if (s == NULL)
		return (0);
	len = strnlen(s, GP_MSG_MAX + 1);
	return (len > 0 && len <= GP_MSG_MAX);
}

int
fuzz_strlist_same(const struct gp_strlist *a, const struct gp_strlist *b)
{
	uint32_t i;

	if (a->n != b->n || a->n > GP_SEL_MAX)
		return (0);
	for (i = 0; i < a->n; i++) {
		if (memchr(a->v[i], '\0', sizeof(a->v[i])) == NULL ||
		    memchr(b->v[i], '\0', sizeof(b->v[i])) == NULL)
			return (0);
		if (strcmp(a->v[i], b->v[i]) != 0)
			return (0);
	}
	return (1);
}

int
fuzz_entry_same(const struct gp_entry *a, const struct gp_entry *b)
{
	if (a->id != b->id || a->pid != b->pid || a->pgid != b->pgid ||
	    a->start_ticks != b->start_ticks || a->added_at != b->added_at ||
	    a->last_seen != b->last_seen || a->owner_uid != b->owner_uid ||
	    a->alive != b->alive || a->flags != b->flags)
		return (0);
	if (memchr(a->name, '\0', sizeof(a->name)) == NULL ||
	    memchr(b->name, '\0', sizeof(b->name)) == NULL ||
	    strcmp(a->name, b->name) != 0)
		return (0);
	if (memchr(a->cmd, '\0', sizeof(a->cmd)) == NULL ||
	    memchr(b->cmd, '\0', sizeof(b->cmd)) == NULL ||
	    strcmp(a->cmd, b->cmd) != 0)
		return (0);
	return (fuzz_strlist_same(&a->tags, &b->tags) &&
	    fuzz_strlist_same(&a->groups, &b->groups));
}

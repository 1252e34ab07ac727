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
 * Helpers the C unit tests share.  Each fails the test case through
 * ATF_REQUIRE when it cannot do its job.  The strings they return live
 * in static buffers, overwritten by the next call to the same helper.
 */

#ifndef TESTUTIL_H
#define TESTUTIL_H

struct gp_strlist;

const char *make_tmpdir(void);
const char *path_in(const char *, const char *);
const char *cwd_path(const char *);
const char *write_file(const char *, const char *, size_t);
void read_file(const char *, char *, size_t, size_t *);
void list_set(struct gp_strlist *, const char *);

#endif /* TESTUTIL_H */

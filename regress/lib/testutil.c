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
 * Helpers the C unit tests share, and the LeakSanitizer hooks every one
 * of them needs.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <atf-c.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "goproc.h"
#include "testutil.h"

const char *__lsan_default_options(void);
const char *__lsan_default_suppressions(void);

/* A fresh directory, mode 0700, under the test's work directory. */
const char *
make_tmpdir(void)
{
	static char dir[PATH_MAX];
	char cwd[PATH_MAX];

	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	ATF_REQUIRE((size_t)snprintf(dir, sizeof(dir), "%s/tmp.XXXXXX", cwd) <
	    sizeof(dir));
	ATF_REQUIRE(mkdtemp(dir) != NULL);
	/* mkdtemp makes it 0700, but be explicit about what we test. */
	ATF_REQUIRE(chmod(dir, 0700) == 0);
	return (dir);
}

/* dir/name. */
const char *
path_in(const char *dir, const char *name)
{
	static char path[PATH_MAX];

	ATF_REQUIRE((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) <
	    sizeof(path));
	return (path);
}

/* The absolute path of name in the test's work directory. */
const char *
cwd_path(const char *name)
{
	static char path[PATH_MAX];
	char cwd[PATH_MAX];

	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	ATF_REQUIRE((size_t)snprintf(path, sizeof(path), "%s/%s", cwd, name) <
	    sizeof(path));
	return (path);
}

/* Write a file in the test's work directory; return its absolute path. */
const char *
write_file(const char *name, const char *data, size_t len)
{
	static char path[PATH_MAX];
	int fd;

	(void)strlcpy(path, cwd_path(name), sizeof(path));
	ATF_REQUIRE(
	    (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1);
	ATF_REQUIRE(write(fd, data, len) == (ssize_t)len);
	ATF_REQUIRE(close(fd) == 0);
	return (path);
}

/* Read at most len bytes, at least one, of path into buf. */
void
read_file(const char *path, char *buf, size_t len, size_t *n)
{
	ssize_t r;
	int fd;

	ATF_REQUIRE((fd = open(path, O_RDONLY)) != -1);
	ATF_REQUIRE((r = read(fd, buf, len)) > 0);
	ATF_REQUIRE(close(fd) == 0);
	*n = (size_t)r;
}

/* Fill a list from a comma-separated string (NULL or "" for none). */
void
list_set(struct gp_strlist *l, const char *csv)
{
	char *s, *p, *tok;

	memset(l, 0, sizeof(*l));
	if (csv == NULL || *csv == '\0')
		return;
	ATF_REQUIRE((s = strdup(csv)) != NULL);
	for (p = s; (tok = strsep(&p, ",")) != NULL;) {
		ATF_REQUIRE(l->n < GP_SEL_MAX);
		(void)strlcpy(l->v[l->n++], tok, sizeof(l->v[0]));
	}
	free(s);
}

/*
 * libatf-c does not free the test case list it prints for kyua, which
 * LeakSanitizer would report in SANITIZE=1 builds, and kyua takes any
 * output on stderr for a broken list.  Without the sanitizer these are
 * never called.
 */
const char *
__lsan_default_options(void)
{
	return ("print_suppressions=0");
}

const char *
__lsan_default_suppressions(void)
{
	return (
	    "leak:libatf-c.so\n"
	    "leak:atf_tp_get_tcs\nleak:atf_list_init\nleak:atf_list_append\n"
	    "leak:atf_map_init_charpp\nleak:atf_map_insert\n");
}

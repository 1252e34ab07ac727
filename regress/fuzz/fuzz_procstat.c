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
 * The /proc parsers (goprocd/procfs.c) on what a process controls: its
 * command name inside /proc/PID/stat, and the boot ID file.  A stat
 * line that parses gives fields in range and a command name that is a
 * NUL-terminated prefix of what was between the parentheses.
 */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "goproc.h"
#include "procfs.h"

/* clang-format off */
static void	 fuzz_stat(const char *, size_t);
static void	 fuzz_boot_id(const char *, size_t);
/* clang-format on */

static void
fuzz_stat(const char *buf, size_t len)
{
	struct proc_stat ps;
	const char *errstr = NULL, *lp;
	size_t n;

	memset(&ps, 0xa5, sizeof(ps));
	if (procfs_parse_stat(buf, len, &ps, &errstr) == -1) {
		FUZZ_CHECK(fuzz_errstr_ok(errstr));
		FUZZ_CHECK(errno == EINVAL);
		return;
	}
	FUZZ_CHECK(ps.pid >= 1 && ps.pid <= GP_PID_MAX);
	FUZZ_CHECK(ps.ppid >= 0 && ps.ppid <= GP_PID_MAX);
	FUZZ_CHECK(ps.pgid >= 0 && ps.pgid <= GP_PID_MAX);
	FUZZ_CHECK(ps.sid >= 0 && ps.sid <= GP_PID_MAX);
	FUZZ_CHECK(ps.start_ticks <= INT64_MAX);
	FUZZ_CHECK((ps.state >= 'A' && ps.state <= 'Z') ||
	    (ps.state >= 'a' && ps.state <= 'z'));
	n = strnlen(ps.comm, sizeof(ps.comm));
	FUZZ_CHECK(n < sizeof(ps.comm));
	FUZZ_CHECK((lp = memchr(buf, '(', len)) != NULL);
	FUZZ_CHECK((size_t)(lp + 1 - buf) + n <= len);
	FUZZ_CHECK(memcmp(ps.comm, lp + 1, n) == 0);
}

static void
fuzz_boot_id(const char *buf, size_t len)
{
	char out[PROCFS_BOOT_ID_LEN + 1], small[PROCFS_BOOT_ID_LEN];
	const char *errstr = NULL;
	size_t i;

	if (procfs_parse_boot_id(buf, len, out, sizeof(out), &errstr) == -1) {
		FUZZ_CHECK(fuzz_errstr_ok(errstr));
		return;
	}
	FUZZ_CHECK(strlen(out) == PROCFS_BOOT_ID_LEN);
	FUZZ_CHECK(memcmp(out, buf, PROCFS_BOOT_ID_LEN) == 0);
	for (i = 0; i < PROCFS_BOOT_ID_LEN; i++)
		FUZZ_CHECK(out[i] == '-' || (out[i] >= '0' && out[i] <= '9') ||
		    (out[i] >= 'a' && out[i] <= 'f'));
	errstr = NULL;
	FUZZ_CHECK(procfs_parse_boot_id(
	               buf, len, small, sizeof(small), &errstr) == -1);
	FUZZ_CHECK(errno == ERANGE && fuzz_errstr_ok(errstr));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf;

	/* An exact copy, so that any read past the end is caught. */
	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(buf, data, size);
	fuzz_stat(buf, size);
	fuzz_boot_id(buf, size);
	free(buf);
	return (0);
}

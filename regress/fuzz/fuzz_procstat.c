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
 * command name inside /proc/PID/stat, its command line, and the files
 * around them.  The bytes go to procfs_parse_stat and
 * procfs_parse_boot_id, then become every file of a process 1 in a
 * private directory that stands for /proc (each file a link to one
 * memfd), for the readers: stat, cmdline (into a short and a full
 * buffer), status (uids and tgid) and the boot ID.  A stat line that
 * parses gives fields in range and a command name that is a
 * NUL-terminated prefix of what was between the parentheses; a command
 * line comes out NUL-terminated in its buffer, as printable UTF-8.
 */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "goproc.h"
#include "procfs.h"

/* clang-format off */
#define FAKE_PID	1

static void	 fuzz_stat(const char *, size_t);
static void	 fuzz_boot_id(const char *, size_t);
static void	 check_stat(const struct proc_stat *);
static void	 check_line(const char *, size_t);
static void	 fake_proc_remove(void);
static void	 fake_proc_init(void);
static void	 fake_proc_write(const char *, size_t);
static void	 fuzz_readers(const uint8_t *, size_t);

/* The files of the fake /proc, relative to it. */
static const char *const fake_files[] = {
	"1/stat",
	"1/cmdline",
	"1/status",
	"sys/kernel/random/boot_id",
};
static const char *const fake_dirs[] = {
	"sys/kernel/random",
	"sys/kernel",
	"sys",
	"1",
};
static char fake_root[PATH_MAX];
static int procfd = -1;
static int memfd = -1;
static char cmdline[GP_CMD_MAX + 1];
/* clang-format on */

static void
check_stat(const struct proc_stat *ps)
{
	FUZZ_CHECK(ps->pid >= 1 && ps->pid <= GP_PID_MAX);
	FUZZ_CHECK(ps->ppid >= 0 && ps->ppid <= GP_PID_MAX);
	FUZZ_CHECK(ps->pgid >= 0 && ps->pgid <= GP_PID_MAX);
	FUZZ_CHECK(ps->sid >= 0 && ps->sid <= GP_PID_MAX);
	FUZZ_CHECK(ps->start_ticks <= INT64_MAX);
	FUZZ_CHECK((ps->state >= 'A' && ps->state <= 'Z') ||
	    (ps->state >= 'a' && ps->state <= 'z'));
	FUZZ_CHECK(memchr(ps->comm, '\0', sizeof(ps->comm)) != NULL);
}

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
	check_stat(&ps);
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

/*
 * A command line as goprocd keeps it: NUL-terminated within len bytes,
 * valid UTF-8 (control characters are kept; goprocctl encodes them).
 */
static void
check_line(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i, j, k;
	uint32_t cp;

	n = strnlen(s, len);
	FUZZ_CHECK(n < len);
	for (i = 0; i < n; i += k) {
		if (u[i] < 0x80) {
			FUZZ_CHECK(u[i] != '\0');
			k = 1;
			continue;
		}
		if (u[i] >= 0xc2 && u[i] <= 0xdf) {
			k = 2;
			cp = u[i] & 0x1f;
		} else if (u[i] >= 0xe0 && u[i] <= 0xef) {
			k = 3;
			cp = u[i] & 0x0f;
		} else {
			FUZZ_CHECK(u[i] >= 0xf0 && u[i] <= 0xf4);
			k = 4;
			cp = u[i] & 0x07;
		}
		FUZZ_CHECK(n - i >= k);
		for (j = 1; j < k; j++) {
			FUZZ_CHECK((u[i + j] & 0xc0) == 0x80);
			cp = (cp << 6) | (u[i + j] & 0x3f);
		}
		FUZZ_CHECK(cp >= 0x80 && cp <= 0x10ffff);
		FUZZ_CHECK(cp < 0xd800 || cp > 0xdfff);
		FUZZ_CHECK((k == 2 && cp < 0x800) ||
		    (k == 3 && cp >= 0x800 && cp < 0x10000) ||
		    (k == 4 && cp >= 0x10000));
	}
}

static void
fake_proc_remove(void)
{
	size_t i;

	if (procfd == -1)
		return;
	for (i = 0; i < nitems(fake_files); i++)
		(void)unlinkat(procfd, fake_files[i], 0);
	for (i = 0; i < nitems(fake_dirs); i++)
		(void)unlinkat(procfd, fake_dirs[i], AT_REMOVEDIR);
	(void)close(procfd);
	procfd = -1;
	(void)rmdir(fake_root);
	(void)close(memfd);
	memfd = -1;
}

static void
fake_proc_init(void)
{
	char target[64];
	const char *tmp;
	size_t i;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	(void)snprintf(
	    fake_root, sizeof(fake_root), "%s/goproc-fuzz-proc.XXXXXX", tmp);
	if (mkdtemp(fake_root) == NULL)
		abort();
	if ((procfd = open(fake_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		abort();
	for (i = nitems(fake_dirs); i > 0; i--)
		if (mkdirat(procfd, fake_dirs[i - 1], 0700) == -1)
			abort();
	if ((memfd = memfd_create("fuzz_procstat", MFD_CLOEXEC)) == -1)
		abort();
	(void)snprintf(target, sizeof(target), "/proc/self/fd/%d", memfd);
	for (i = 0; i < nitems(fake_files); i++)
		if (symlinkat(target, procfd, fake_files[i]) == -1)
			abort();
	if (atexit(fake_proc_remove) != 0)
		abort();
}

/* Make every file of the fake /proc hold the len bytes of buf. */
static void
fake_proc_write(const char *buf, size_t len)
{
	size_t off;
	ssize_t n;

	if (ftruncate(memfd, 0) == -1)
		abort();
	for (off = 0; off < len; off += n)
		if ((n = pwrite(memfd, buf + off, len - off, off)) <= 0)
			abort();
}

static void
fuzz_readers(const uint8_t *data, size_t size)
{
	struct proc_stat ps;
	char boot[PROCFS_BOOT_ID_LEN + 1];
	const char *errstr;
	struct proc_status st;
	size_t len;

	if (procfd == -1)
		fake_proc_init();
	fake_proc_write((const char *)data, size);

	errstr = NULL;
	if (procfs_read_stat(procfd, FAKE_PID, &ps, &errstr) == 0) {
		check_stat(&ps);
		FUZZ_CHECK(ps.pid == FAKE_PID);
	} else
		FUZZ_CHECK(fuzz_errstr_ok(errstr));

	/* A short buffer, sized by the input's length, and a full one. */
	len = 1 + size % 24;
	memset(cmdline, 0xa5, sizeof(cmdline));
	if (procfs_read_cmdline(procfd, FAKE_PID, cmdline, len) == 0)
		check_line(cmdline, len);
	FUZZ_CHECK((unsigned char)cmdline[len] == 0xa5);
	if (procfs_read_cmdline(procfd, FAKE_PID, cmdline, sizeof(cmdline)) ==
	    0)
		check_line(cmdline, sizeof(cmdline));

	if (procfs_read_status(procfd, FAKE_PID, &st) == 0)
		FUZZ_CHECK(st.ruid != UINT32_MAX && st.euid != UINT32_MAX &&
		    st.suid != UINT32_MAX && st.tgid >= 1 &&
		    st.tgid <= GP_PID_MAX);
	if (procfs_read_boot_id(procfd, boot, sizeof(boot)) == 0)
		FUZZ_CHECK(strlen(boot) == PROCFS_BOOT_ID_LEN);
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
	fuzz_readers(data, size);
	return (0);
}

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
 * /proc parsers and readers.  The readers take a descriptor on /proc
 * and open files relative to it, so that they keep working once the
 * process has lost its view of the filesystem.  The parsers are pure
 * functions of their bytes: a process chooses its own command name and
 * command line, so nothing here trusts them.  The pidfd wrappers at the
 * end serve the parent and the prober alike.
 */

#include <sys/types.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "goproc.h"
#include "procfs.h"

#define STAT_FIELDS_MIN 24 /* up to rss */
#define STAT_FIELDS_MAX 64 /* Linux 6 prints 52 */
#define BOOT_ID_FILE "sys/kernel/random/boot_id"

/* A command line being copied out: valid UTF-8, words joined. */
struct cmdline_out {
	char *buf;
	size_t cap; /* bytes available, without the NUL */
	size_t len;
	size_t pending; /* NULs seen since the last word */
	int full;
};

static int parse_i64(const char *, size_t, int64_t, int64_t, int64_t *);
static int parse_u64(const char *, size_t, uint64_t, uint64_t *);
static int parse_number(const char *, size_t);
static const char *stat_head(
    const char *, const char *, struct proc_stat *, const char **);
static const char *stat_field(int, const char *, size_t, struct proc_stat *);
static ssize_t read_file(int, const char *, char *, size_t);
static int stat_check(
    const char *, size_t, int32_t, struct proc_stat *, const char **);
static size_t cmdline_feed(struct cmdline_out *, const char *, size_t, int);
static int status_uids(const char *, size_t, struct proc_status *);
static int status_tgid(const char *, size_t, struct proc_status *);

/* Parse a decimal integer of exactly n bytes within [min, max]. */
static int
parse_i64(const char *s, size_t n, int64_t min, int64_t max, int64_t *out)
{
	uint64_t v, limit;
	int neg = 0;

	if (n > 0 && s[0] == '-') {
		neg = 1;
		s++;
		n--;
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (parse_u64(s, n, limit, &v) == -1)
		return (-1);
	if (neg)
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*out = (int64_t)v;
	if (*out < min || *out > max)
		return (-1);
	return (0);
}

/* Parse unsigned decimal digits, exactly n bytes, at most max. */
static int
parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0, d;
	size_t i;

	if (n == 0 || n > 20)
		return (-1);
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		d = (uint64_t)(s[i] - '0');
		if (d > max || v > (max - d) / 10)
			return (-1);
		v = v * 10 + d;
	}
	*out = v;
	return (0);
}

/* A field that is some 64-bit integer, signed or unsigned. */
static int
parse_number(const char *s, size_t n)
{
	int64_t i;
	uint64_t u;

	if (n > 0 && s[0] == '-')
		return (parse_i64(s, n, INT64_MIN, INT64_MAX, &i));
	return (parse_u64(s, n, UINT64_MAX, &u));
}

/*
 * The head of /proc/PID/stat, up to end: the PID, then the command name
 * between parentheses, which ends at the last ')'.  Returns a pointer
 * past the ')', or NULL with *errstr set.
 */
static const char *
stat_head(
    const char *buf, const char *end, struct proc_stat *ps, const char **errstr)
{
	const char *lp, *rp;
	int64_t v;
	size_t n;

	lp = memchr(buf, '(', (size_t)(end - buf));
	rp = memrchr(buf, ')', (size_t)(end - buf));
	if (lp == NULL || rp == NULL || rp < lp) {
		*errstr = "no command name in stat";
		return (NULL);
	}
	if (lp == buf || lp[-1] != ' ' ||
	    parse_i64(buf, (size_t)(lp - 1 - buf), 1, GP_PID_MAX, &v) == -1) {
		*errstr = "invalid pid in stat";
		return (NULL);
	}
	ps->pid = (int32_t)v;
	n = (size_t)(rp - lp - 1);
	if (n > sizeof(ps->comm) - 1)
		n = sizeof(ps->comm) - 1;
	memcpy(ps->comm, lp + 1, n);
	ps->comm[n] = '\0';
	return (rp + 1);
}

/*
 * Field number field (3 and up) of /proc/PID/stat, n bytes at tok, into
 * ps.  Returns NULL, or what is wrong with it.
 */
static const char *
stat_field(int field, const char *tok, size_t n, struct proc_stat *ps)
{
	int64_t v;
	uint64_t u;

	switch (field) {
	case 3:
		if (n != 1 ||
		    !((*tok >= 'A' && *tok <= 'Z') ||
		        (*tok >= 'a' && *tok <= 'z')))
			return ("invalid state in stat");
		ps->state = *tok;
		break;
	case 4:
		if (parse_i64(tok, n, 0, GP_PID_MAX, &v) == -1)
			return ("invalid parent pid in stat");
		ps->ppid = (int32_t)v;
		break;
	case 5:
		if (parse_i64(tok, n, 0, GP_PID_MAX, &v) == -1)
			return ("invalid process group in stat");
		ps->pgid = (int32_t)v;
		break;
	case 6:
		if (parse_i64(tok, n, 0, GP_PID_MAX, &v) == -1)
			return ("invalid session in stat");
		ps->sid = (int32_t)v;
		break;
	case 9:
		if (parse_u64(tok, n, UINT32_MAX, &u) == -1)
			return ("invalid flags in stat");
		ps->flags = (uint32_t)u;
		break;
	case 14:
	case 15:
		if (parse_u64(tok, n, INT64_MAX, &u) == -1)
			return ("invalid CPU time in stat");
		if (field == 14)
			ps->utime = u;
		else
			ps->stime = u;
		break;
	case 20:
		if (parse_u64(tok, n, GP_THREADS_MAX, &u) == -1)
			return ("invalid thread count in stat");
		ps->threads = (uint32_t)u;
		break;
	case 22:
		if (parse_u64(tok, n, INT64_MAX, &u) == -1)
			return ("invalid start time in stat");
		ps->start_ticks = u;
		break;
	case 24:
		if (parse_u64(tok, n, INT64_MAX, &u) == -1)
			return ("invalid resident set size in stat");
		ps->rss_pages = u;
		break;
	default:
		if (parse_number(tok, n) == -1)
			return ("invalid number in stat");
		break;
	}
	return (NULL);
}

/*
 * Parse the contents of /proc/PID/stat: "pid (comm) state ppid pgrp
 * session ... starttime ...".  The command name may hold any byte
 * but NUL, spaces and parentheses included, so it ends at the last ')'.
 * A name longer than the field is truncated.  buf need not be
 * NUL-terminated.
 */
int
procfs_parse_stat(
    const char *buf, size_t len, struct proc_stat *ps, const char **errstr)
{
	struct proc_stat tmp;
	const char *dummy, *end, *p, *tok;
	size_t n;
	int field;

	if (errstr == NULL)
		errstr = &dummy;
	*errstr = NULL;
	memset(&tmp, 0, sizeof(tmp));

	if (len == 0) {
		*errstr = "empty stat";
		goto bad;
	}
	if (len > PROCFS_STAT_MAX) {
		*errstr = "stat too long";
		goto bad;
	}
	if (memchr(buf, '\0', len) != NULL) {
		*errstr = "NUL byte in stat";
		goto bad;
	}
	end = buf + len;
	if (end[-1] == '\n')
		end--;
	if ((p = stat_head(buf, end, &tmp, errstr)) == NULL)
		goto bad;

	/* Fields 3 and up, each after exactly one space. */
	field = 2;
	while (p < end) {
		if (*p != ' ') {
			*errstr = "malformed stat";
			goto bad;
		}
		tok = ++p;
		while (p < end && *p != ' ')
			p++;
		n = (size_t)(p - tok);
		if (++field > STAT_FIELDS_MAX) {
			*errstr = "too many fields in stat";
			goto bad;
		}
		if ((*errstr = stat_field(field, tok, n, &tmp)) != NULL)
			goto bad;
	}
	if (field < STAT_FIELDS_MIN) {
		*errstr = "too few fields in stat";
		goto bad;
	}
	*ps = tmp;
	return (0);
bad:
	errno = EINVAL;
	return (-1);
}

/*
 * Read at most len bytes of procfd/path into buf.  Returns the length,
 * or -1 with errno set (ENOENT or ESRCH: the process is gone).
 */
static ssize_t
read_file(int procfd, const char *path, char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;
	int fd, saved_errno;

	if ((fd = openat(procfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return (-1);
	while (off < len) {
		n = read(fd, buf + off, len - off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			saved_errno = errno;
			(void)close(fd);
			errno = saved_errno;
			return (-1);
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	(void)close(fd);
	return ((ssize_t)off);
}

/* Open /proc/PID/stat to read it again with procfs_pread_stat(). */
int
procfs_open_stat(int procfd, int32_t pid)
{
	char path[32];

	if (pid <= 0) {
		errno = EINVAL;
		return (-1);
	}
	(void)snprintf(path, sizeof(path), "%d/stat", (int)pid);
	return (openat(procfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY));
}

/*
 * Read and parse a /proc/PID/stat held open: the file stays the one of
 * the process it was opened for, and fails with ESRCH once that process
 * is gone, even if another takes its PID.
 */
int
procfs_pread_stat(
    int fd, int32_t pid, struct proc_stat *ps, const char **errstr)
{
	char buf[PROCFS_STAT_MAX + 1];
	const char *dummy;
	ssize_t n;

	if (errstr == NULL)
		errstr = &dummy;
	while ((n = pread(fd, buf, sizeof(buf), 0)) == -1 && errno == EINTR)
		;
	if (n == -1) {
		*errstr = strerror(errno);
		return (-1);
	}
	return (stat_check(buf, (size_t)n, pid, ps, errstr));
}

/* Parse the n bytes read of /proc/PID/stat; they must be PID's. */
static int
stat_check(const char *buf, size_t n, int32_t pid, struct proc_stat *ps,
    const char **errstr)
{
	if (n > PROCFS_STAT_MAX) {
		*errstr = "stat too long";
		errno = EINVAL;
		return (-1);
	}
	if (procfs_parse_stat(buf, n, ps, errstr) == -1)
		return (-1);
	if (ps->pid != pid) {
		*errstr = "stat of another process";
		errno = EINVAL;
		return (-1);
	}
	return (0);
}

/*
 * Read and parse /proc/PID/stat.  When the process is gone, returns -1
 * with errno ENOENT or ESRCH.
 */
int
procfs_read_stat(
    int procfd, int32_t pid, struct proc_stat *ps, const char **errstr)
{
	char path[32], buf[PROCFS_STAT_MAX + 1];
	const char *dummy;
	ssize_t n;

	if (errstr == NULL)
		errstr = &dummy;
	if (pid <= 0) {
		*errstr = "invalid pid";
		errno = EINVAL;
		return (-1);
	}
	(void)snprintf(path, sizeof(path), "%d/stat", (int)pid);
	if ((n = read_file(procfd, path, buf, sizeof(buf))) == -1) {
		*errstr = strerror(errno);
		return (-1);
	}
	return (stat_check(buf, (size_t)n, pid, ps, errstr));
}

/*
 * Append the raw bytes s[0..n) of a command line to o: a run of NULs
 * becomes a space between words (trailing ones are dropped), and a
 * byte that is not part of valid UTF-8 becomes '?'; control characters
 * are kept as they are.  Characters are never split.  Returns the bytes consumed, fewer
 * than n when the tail is an incomplete character and more input may
 * follow (eof is 0), or when o is full.
 */
static size_t
cmdline_feed(struct cmdline_out *o, const char *s, size_t n, int eof)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t i = 0, seq, out;
	int more, valid;

	while (i < n && !o->full) {
		if (u[i] == '\0') {
			o->pending++;
			i++;
			continue;
		}
		seq = gp_utf8_next_cut(u + i, n - i, &cp, &more);
		if (more && !eof)
			break;
		/*
		 * Control characters are kept, so that --json is exact;
		 * goprocctl encodes them for a terminal.
		 */
		valid = seq > 0;
		out = valid ? seq : 1;
		if (o->len + o->pending + out > o->cap) {
			o->full = 1;
			break;
		}
		for (; o->pending > 0; o->pending--)
			o->buf[o->len++] = ' ';
		if (valid)
			memcpy(o->buf + o->len, u + i, seq);
		else
			o->buf[o->len] = '?';
		o->len += out;
		i += seq > 0 ? seq : 1;
	}
	o->buf[o->len] = '\0';
	return (i);
}

/*
 * Read /proc/PID/cmdline into buf as one line: the arguments joined
 * with spaces, invalid UTF-8 replaced with '?', truncated to fit
 * without splitting a character.  A process without a command line (a
 * kernel thread or a zombie) gets its command name in brackets, as ps
 * shows it.  Returns 0, or -1 with errno set.
 */
int
procfs_read_cmdline(int procfd, int32_t pid, char *buf, size_t len)
{
	struct cmdline_out o;
	struct proc_stat ps;
	char path[32], chunk[1024], name[sizeof(ps.comm) + 2];
	size_t have = 0, used;
	ssize_t n;
	int fd, eof = 0, saved_errno;

	if (buf == NULL || len == 0 || pid <= 0) {
		errno = EINVAL;
		return (-1);
	}
	buf[0] = '\0';
	memset(&o, 0, sizeof(o));
	o.buf = buf;
	o.cap = len - 1;

	(void)snprintf(path, sizeof(path), "%d/cmdline", (int)pid);
	if ((fd = openat(procfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return (-1);
	while (!o.full && !(eof && have == 0)) {
		if (!eof) {
			n = read(fd, chunk + have, sizeof(chunk) - have);
			if (n == -1) {
				if (errno == EINTR)
					continue;
				saved_errno = errno;
				(void)close(fd);
				buf[0] = '\0';
				errno = saved_errno;
				return (-1);
			}
			if (n == 0)
				eof = 1;
			have += (size_t)n;
		}
		used = cmdline_feed(&o, chunk, have, eof);
		memmove(chunk, chunk + used, have - used);
		have -= used;
	}
	(void)close(fd);

	if (o.len == 0) {
		if (procfs_read_stat(procfd, pid, &ps, NULL) == -1) {
			buf[0] = '\0';
			return (-1);
		}
		(void)snprintf(name, sizeof(name), "[%s]", ps.comm);
		memset(&o, 0, sizeof(o));
		o.buf = buf;
		o.cap = len - 1;
		(void)cmdline_feed(&o, name, strlen(name), 1);
	}
	return (0);
}

/*
 * The real, effective and saved user IDs from the "Uid:" line of a
 * /proc/PID/status text (NUL-terminated, n bytes).
 */
static int
status_uids(const char *buf, size_t n, struct proc_status *ps)
{
	uint64_t ids[3];
	const char *p, *end, *tok;
	int i;

	/* The line starts the file or follows a newline. */
	if (strncmp(buf, "Uid:", 4) == 0)
		p = buf;
	else if ((p = strstr(buf, "\nUid:")) != NULL)
		p++;
	else
		return (-1);
	p += 4;
	if ((end = strchr(p, '\n')) == NULL)
		end = buf + n;
	for (i = 0; i < 3; i++) {
		while (p < end && (*p == '\t' || *p == ' '))
			p++;
		tok = p;
		while (p < end && *p != '\t' && *p != ' ')
			p++;
		if (parse_u64(
		        tok, (size_t)(p - tok), UINT32_MAX - 1, &ids[i]) == -1)
			return (-1);
	}
	ps->ruid = (uint32_t)ids[0];
	ps->euid = (uint32_t)ids[1];
	ps->suid = (uint32_t)ids[2];
	return (0);
}

/*
 * The thread group from the "Tgid:" line of a /proc/PID/status text: a
 * process's own id, or for a thread the id of its process.
 */
static int
status_tgid(const char *buf, size_t n, struct proc_status *ps)
{
	const char *p, *end;
	uint64_t v;

	if ((p = strstr(buf, "\nTgid:")) == NULL)
		return (-1);
	p += 6;
	while (*p == '\t' || *p == ' ')
		p++;
	if ((end = strchr(p, '\n')) == NULL)
		end = buf + n;
	if (parse_u64(p, (size_t)(end - p), GP_PID_MAX, &v) == -1 || v == 0)
		return (-1);
	ps->tgid = (int32_t)v;
	return (0);
}

/*
 * Read /proc/PID/status once: the thread group and the real, effective
 * and saved user IDs of PID (a task id: a thread's as well).  Returns
 * 0, or -1 with errno set (EINVAL if a line is missing or bad).
 */
int
procfs_read_status(int procfd, int32_t pid, struct proc_status *ps)
{
	char path[32], buf[PROCFS_STATUS_MAX + 1];
	ssize_t n;

	if (pid <= 0) {
		errno = EINVAL;
		return (-1);
	}
	(void)snprintf(path, sizeof(path), "%d/status", (int)pid);
	if ((n = read_file(procfd, path, buf, sizeof(buf) - 1)) == -1)
		return (-1);
	buf[n] = '\0';
	if (status_uids(buf, (size_t)n, ps) == -1 ||
	    status_tgid(buf, (size_t)n, ps) == -1) {
		errno = EINVAL;
		return (-1);
	}
	return (0);
}

/*
 * Whether an unprivileged sender whose real and effective user ID are
 * client_uid may signal a process with real user ID ruid and saved user
 * ID suid, by the rule of kill(2).
 */
int
procfs_can_signal(uint32_t client_uid, uint32_t ruid, uint32_t suid)
{
	return (client_uid == 0 || client_uid == ruid || client_uid == suid);
}

/*
 * Check a boot ID (a lowercase UUID, optionally followed by a newline)
 * and copy it to out without the newline.
 */
int
procfs_parse_boot_id(
    const char *buf, size_t len, char *out, size_t outlen, const char **errstr)
{
	const char *dummy;
	size_t i;

	if (errstr == NULL)
		errstr = &dummy;
	*errstr = NULL;
	if (len == PROCFS_BOOT_ID_LEN + 1 && buf[PROCFS_BOOT_ID_LEN] == '\n')
		len--;
	if (len != PROCFS_BOOT_ID_LEN) {
		*errstr = "boot id has the wrong length";
		errno = EINVAL;
		return (-1);
	}
	for (i = 0; i < len; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (buf[i] == '-')
				continue;
		} else if ((buf[i] >= '0' && buf[i] <= '9') ||
		    (buf[i] >= 'a' && buf[i] <= 'f'))
			continue;
		*errstr = "boot id is not a UUID";
		errno = EINVAL;
		return (-1);
	}
	if (outlen < PROCFS_BOOT_ID_LEN + 1) {
		*errstr = "boot id buffer too small";
		errno = ERANGE;
		return (-1);
	}
	memcpy(out, buf, PROCFS_BOOT_ID_LEN);
	out[PROCFS_BOOT_ID_LEN] = '\0';
	return (0);
}

/* The running kernel's boot ID, from /proc/sys/kernel/random/boot_id. */
int
procfs_read_boot_id(int procfd, char *buf, size_t len)
{
	char raw[64];
	ssize_t n;

	if ((n = read_file(procfd, BOOT_ID_FILE, raw, sizeof(raw))) == -1)
		return (-1);
	return (procfs_parse_boot_id(raw, (size_t)n, buf, len, NULL));
}

/*
 * Why goprocd must never register or signal this process: "init" for
 * PID 1 (kill(2) of PID 1 or of process group 1 is how a whole machine
 * dies), "a kernel thread" for a task with PF_KTHREAD.  NULL otherwise.
 * A process group ID of 0 is not a test: a process whose group leader
 * lives in an outer PID namespace shows 0 as well.
 */
const char *
procfs_protected(const struct proc_stat *ps)
{
	if (ps->pid <= 1)
		return ("init");
	if (ps->flags & PROCFS_PF_KTHREAD)
		return ("a kernel thread");
	return (NULL);
}

/*
 * Call fn(pid, arg) for each process in /proc (the numbered entries;
 * threads are not listed there), until fn returns -1.  The directory is
 * read with getdents64(2), every record checked against the bytes the
 * kernel returned.  Returns 0, or -1 with errno set.
 */
int
procfs_scan(int procfd, int (*fn)(int32_t, void *), void *arg)
{
	/* struct linux_dirent64: d_ino, d_off, d_reclen, d_type, d_name */
	const size_t namepos = 8 + 8 + 2 + 1;
	union {
		char c[8192];
		uint64_t align;
	} buf;
	const char *name;
	uint64_t pid;
	uint16_t reclen;
	size_t off, len;
	long n;
	int fd, saved_errno, r = 0;

	if ((fd = openat(procfd, ".",
	         O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY)) == -1)
		return (-1);
	while (r == 0) {
		n = syscall(SYS_getdents64, fd, buf.c, sizeof(buf.c));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			r = -1;
			break;
		}
		if (n == 0)
			break;
		for (off = 0; off < (size_t)n; off += reclen) {
			if ((size_t)n - off < namepos + 1) {
				errno = EIO;
				r = -1;
				break;
			}
			memcpy(&reclen, buf.c + off + 16, sizeof(reclen));
			if (reclen < namepos + 1 || reclen > (size_t)n - off) {
				errno = EIO;
				r = -1;
				break;
			}
			name = buf.c + off + namepos;
			len = strnlen(name, reclen - namepos);
			if (len == reclen - namepos) {
				errno = EIO;
				r = -1;
				break;
			}
			if (parse_u64(name, len, GP_PID_MAX, &pid) == -1 ||
			    pid == 0)
				continue;
			if (fn((int32_t)pid, arg) == -1) {
				r = -1;
				break;
			}
		}
	}
	saved_errno = errno;
	(void)close(fd);
	errno = saved_errno;
	return (r);
}

/* The growing table of procfs_links(). */
struct links {
	int procfd;
	struct proc_link *v;
	size_t n, max;
};

/* procfs_scan() callback: one process, unless gone, a zombie or kernel's. */
static int
links_add(int32_t pid, void *arg)
{
	struct links *l = arg;
	struct proc_link *nv;
	struct proc_stat st;
	size_t nmax;

	if (procfs_read_stat(l->procfd, pid, &st, NULL) == -1 ||
	    st.state == 'Z' || st.state == 'X' ||
	    (st.flags & PROCFS_PF_KTHREAD))
		return (0);
	if (l->n == l->max) {
		nmax = l->max == 0 ? 256 : l->max * 2;
		if ((nv = reallocarray(l->v, nmax, sizeof(*l->v))) == NULL)
			return (-1);
		l->v = nv;
		l->max = nmax;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	l->v[l->n].pid = st.pid;
	l->v[l->n].ppid = st.ppid;
	l->v[l->n].pgid = st.pgid;
	l->v[l->n].start_ticks = st.start_ticks;
	(void)strlcpy(l->v[l->n].comm, st.comm, sizeof(l->v[l->n].comm));
	l->n++;
	return (0);
}

static int
link_cmp(const void *a, const void *b)
{
	const struct proc_link *la = a, *lb = b;

	if (la->ppid != lb->ppid)
		return (la->ppid < lb->ppid ? -1 : 1);
	return (la->pid < lb->pid ? -1 : la->pid > lb->pid);
}

/*
 * Read the parent link of every process in /proc (zombies and kernel
 * threads left out), sorted by parent, then pid.  *links is to be
 * freed.  Returns 0, or -1 with errno set.
 */
int
procfs_links(int procfd, struct proc_link **links, size_t *n)
{
	struct links l;
	int saved_errno;

	memset(&l, 0, sizeof(l));
	l.procfd = procfd;
	if (procfs_scan(procfd, links_add, &l) == -1) {
		saved_errno = errno;
		free(l.v);
		errno = saved_errno;
		return (-1);
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), link_cmp);
	*links = l.v;
	*n = l.n;
	return (0);
}

/* The first link whose parent is ppid, in links sorted by parent. */
static size_t
links_first(const struct proc_link *links, size_t n, int32_t ppid)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (links[mid].ppid < ppid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/*
 * The descendants of the process root, which started at root_start,
 * breadth first (parents before their children), from links as
 * procfs_links() returns them.  A child must have started no earlier
 * than its parent: a link read before its parent's PID was reused is
 * not followed.  The indexes of the first max of them go to out; the
 * return value counts them all.
 */
size_t
procfs_descendants(const struct proc_link *links, size_t n, int32_t root,
    uint64_t root_start, size_t *out, size_t max)
{
	size_t *queue, head = 0, tail = 0, i;
	int32_t pid;
	uint64_t start;
	char *seen;

	if (n == 0)
		return (0);
	if ((queue = calloc(n, sizeof(*queue))) == NULL ||
	    (seen = calloc(n, 1)) == NULL) {
		free(queue);
		return (0);
	}
	pid = root;
	start = root_start;
	for (;;) {
		for (i = links_first(links, n, pid);
		     i < n && links[i].ppid == pid; i++) {
			if (seen[i] || links[i].pid == root ||
			    links[i].start_ticks < start)
				continue;
			seen[i] = 1;
			if (tail < max)
				out[tail] = i;
			queue[tail++] = i;
		}
		if (head == tail)
			break;
		pid = links[queue[head]].pid;
		start = links[queue[head]].start_ticks;
		head++;
	}
	free(queue);
	free(seen);
	return (tail);
}

/*
 * The direct children of root, which started at root_start, from links
 * as procfs_links() returns them, in the order of their pids: the
 * indexes of the first max in out, the count of all returned.
 */
size_t
procfs_children(const struct proc_link *links, size_t n, int32_t root,
    uint64_t root_start, size_t *out, size_t max)
{
	size_t i, count = 0;

	for (i = links_first(links, n, root); i < n && links[i].ppid == root;
	     i++) {
		if (links[i].pid == root || links[i].start_ticks < root_start)
			continue;
		if (count < max)
			out[count] = i;
		count++;
	}
	return (count);
}

/* The link of a process in links, or NULL. */
const struct proc_link *
procfs_link_find(const struct proc_link *links, size_t n, int32_t pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (links[i].pid == pid)
			return (&links[i]);
	return (NULL);
}

/* pidfd_open(2), which libc does not wrap everywhere. */
int
sys_pidfd_open(pid_t pid)
{
	return ((int)syscall(SYS_pidfd_open, pid, 0));
}

/* pidfd_send_signal(2) to the process itself, with no siginfo. */
int
sys_pidfd_send_signal(int pidfd, int sig)
{
	return ((int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0));
}

/* 1 once the process behind pidfd has exited. */
int
pidfd_exited(int pidfd)
{
	struct pollfd pfd;

	pfd.fd = pidfd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return (poll(&pfd, 1, 0) == 1);
}

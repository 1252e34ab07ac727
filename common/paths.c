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
 * The socket is -s PATH, else $GOPROC_SOCKET, else goproc.sock in
 * ${GOPROC_RUNTIME_DIR:-${XDG_RUNTIME_DIR:-/run/user/UID}} on Linux and
 * /tmp/goproc-UID.sock elsewhere.  The PID file sits beside it, and so do
 * the snapshot and the journal unless a state directory is configured.
 * An environment variable that is set but empty counts as unset.  A
 * relative socket path is made absolute against the current directory,
 * since the daemon changes directory when it detaches.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "goproc.h"
#include "paths.h"
#include "util.h"

#define SUN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

static const char *getenv_nonempty(const char *);
static void strip_slashes(char *);
static int join(char *, size_t, const char *, const char *, char *, size_t);
static int copy_dir(char *, size_t, const char *, const char *, char *, size_t);
static int default_socket(char *, size_t, char *, size_t);
static int open_root(const char *, struct stat *, char *, size_t);
static int open_step(int, const char *, const char *, const char *, int, int *,
    struct stat *, char *, size_t);
static int open_dir_own(
    int, const char *, const struct stat *, int, char *, size_t);

static const char *
getenv_nonempty(const char *name)
{
	const char *v;

	if ((v = getenv(name)) == NULL || *v == '\0')
		return (NULL);
	return (v);
}

/* Remove trailing slashes, but leave "/" alone. */
static void
strip_slashes(char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
}

/* dst = dir/name, without doubling a slash after "/". */
static int
join(char *dst, size_t dstlen, const char *dir, const char *name, char *err,
    size_t errlen)
{
	size_t dlen = strlen(dir);
	const char *sep = "/";
	int n;

	if (dlen > 0 && dir[dlen - 1] == '/')
		sep = "";
	n = snprintf(dst, dstlen, "%s%s%s", dir, sep, name);
	if (n < 0 || (size_t)n >= dstlen) {
		seterr(err, errlen, "path too long: %s%s%s", dir, sep, name);
		return (-1);
	}
	return (0);
}

/*
 * Copy the directory dir, which must be absolute, into dst without its
 * trailing slashes.  what names dir's origin in messages.
 */
static int
copy_dir(char *dst, size_t dstlen, const char *dir, const char *what, char *err,
    size_t errlen)
{
	if (dir[0] != '/') {
		seterr(err, errlen, "%s: must be an absolute path, got \"%s\"",
		    what, dir);
		return (-1);
	}
	if (strlcpy(dst, dir, dstlen) >= dstlen) {
		seterr(err, errlen,
		    "%s: path too long (%zu bytes, at most %zu)", what,
		    strlen(dir), dstlen - 1);
		return (-1);
	}
	strip_slashes(dst);
	return (0);
}

/*
 * The socket when neither -s nor GOPROC_SOCKET names one: goproc.sock in
 * ${GOPROC_RUNTIME_DIR:-${XDG_RUNTIME_DIR:-/run/user/UID}} on Linux,
 * /tmp/goproc-UID.sock elsewhere.
 */
static int
default_socket(char *sock, size_t len, char *err, size_t errlen)
{
#ifdef __linux__
	char dir[PATH_MAX];
	const char *v;
	int n;

	if ((v = getenv_nonempty("GOPROC_RUNTIME_DIR")) != NULL) {
		if (copy_dir(dir, sizeof(dir), v,
		        "environment GOPROC_RUNTIME_DIR", err, errlen) == -1)
			return (-1);
	} else if ((v = getenv_nonempty("XDG_RUNTIME_DIR")) != NULL) {
		if (copy_dir(dir, sizeof(dir), v, "environment XDG_RUNTIME_DIR",
		        err, errlen) == -1)
			return (-1);
	} else {
		n = snprintf(
		    dir, sizeof(dir), "/run/user/%u", (unsigned int)geteuid());
		if (n < 0 || (size_t)n >= sizeof(dir)) {
			seterr(err, errlen, "runtime directory path too long");
			return (-1);
		}
	}
	return (join(sock, len, dir, GOPROC_SOCKET_NAME, err, errlen));
#else
	int n;

	n = snprintf(sock, len, "/tmp/goproc-%u.sock", (unsigned int)geteuid());
	if (n < 0 || (size_t)n >= len) {
		seterr(err, errlen, "socket path too long");
		return (-1);
	}
	return (0);
#endif
}

/*
 * Resolve every path from the -s flag (or NULL), the environment and
 * the configured state directory (or "" or NULL).  On error *p is
 * unchanged and err holds a one-line message.
 */
int
paths_resolve(struct goproc_paths *p, const char *socket_flag,
    const char *state_dir_cfg, char *err, size_t errlen)
{
	struct goproc_paths tmp;
	char cwd[PATH_MAX];
	const char *sock, *v;
	char *slash;
	size_t len;

	memset(&tmp, 0, sizeof(tmp));

	if (socket_flag != NULL) {
		if (*socket_flag == '\0') {
			seterr(err, errlen, "socket path is empty");
			return (-1);
		}
		sock = socket_flag;
	} else if ((v = getenv_nonempty("GOPROC_SOCKET")) != NULL)
		sock = v;
	else {
		if (default_socket(
		        tmp.socket, sizeof(tmp.socket), err, errlen) == -1)
			return (-1);
		sock = tmp.socket;
	}

	if (sock != tmp.socket) {
		if (sock[0] == '/') {
			if (strlcpy(tmp.socket, sock, sizeof(tmp.socket)) >=
			    sizeof(tmp.socket)) {
				seterr(err, errlen,
				    "socket path too long (%zu bytes, at most %zu): %s",
				    strlen(sock), SUN_PATH_MAX - 1, sock);
				return (-1);
			}
		} else {
			if (getcwd(cwd, sizeof(cwd)) == NULL) {
				seterr(err, errlen,
				    "cannot make socket path %s absolute: %s",
				    sock, strerror(errno));
				return (-1);
			}
			if (join(tmp.socket, sizeof(tmp.socket), cwd, sock, err,
			        errlen) == -1)
				return (-1);
		}
	}

	len = strlen(tmp.socket);
	if (tmp.socket[len - 1] == '/') {
		seterr(err, errlen, "socket path names a directory: %s",
		    tmp.socket);
		return (-1);
	}
	if (len + 1 > SUN_PATH_MAX) {
		seterr(err, errlen,
		    "socket path too long (%zu bytes, at most %zu): %s", len,
		    SUN_PATH_MAX - 1, tmp.socket);
		return (-1);
	}

	/* The runtime directory is the socket's directory. */
	(void)strlcpy(tmp.rundir, tmp.socket, sizeof(tmp.rundir));
	slash = strrchr(tmp.rundir, '/');
	if (slash == tmp.rundir)
		slash[1] = '\0';
	else
		*slash = '\0';
	strip_slashes(tmp.rundir);
	if (join(tmp.pidfile, sizeof(tmp.pidfile), tmp.rundir,
	        GOPROC_PIDFILE_NAME, err, errlen) == -1)
		return (-1);

	if ((v = getenv_nonempty("GOPROC_STATE_DIR")) != NULL) {
		if (copy_dir(tmp.statedir, sizeof(tmp.statedir), v,
		        "environment GOPROC_STATE_DIR", err, errlen) == -1)
			return (-1);
	} else if (state_dir_cfg != NULL && state_dir_cfg[0] != '\0') {
		if (copy_dir(tmp.statedir, sizeof(tmp.statedir), state_dir_cfg,
		        "state directory", err, errlen) == -1)
			return (-1);
	} else
		(void)strlcpy(tmp.statedir, tmp.rundir, sizeof(tmp.statedir));

	if (join(tmp.snapshot, sizeof(tmp.snapshot), tmp.statedir,
	        GOPROC_SNAPSHOT_NAME, err, errlen) == -1 ||
	    join(tmp.snapshot_tmp, sizeof(tmp.snapshot_tmp), tmp.statedir,
	        GOPROC_SNAPSHOT_TMP, err, errlen) == -1 ||
	    join(tmp.journal, sizeof(tmp.journal), tmp.statedir,
	        GOPROC_JOURNAL_NAME, err, errlen) == -1 ||
	    join(tmp.journal_tmp, sizeof(tmp.journal_tmp), tmp.statedir,
	        GOPROC_JOURNAL_TMP, err, errlen) == -1 ||
	    join(tmp.statelock, sizeof(tmp.statelock), tmp.statedir,
	        GOPROC_LOCK_NAME, err, errlen) == -1)
		return (-1);

	memcpy(p, &tmp, sizeof(*p));
	return (0);
}

/*
 * May a directory above the runtime or state directory be trusted?  It
 * must belong to root or to us, and nobody else may write to it unless
 * it is sticky (as /tmp is: others cannot rename what is ours in it).
 * This is OpenSSH's safe_path() with the sticky exception.
 */
static int
ancestor_safe(const struct stat *st, const char *anc, const char *dir,
    char *err, size_t errlen)
{
	uid_t uid = geteuid();

	if (!S_ISDIR(st->st_mode)) {
		seterr(err, errlen, "directory %s: %s is not a directory", dir,
		    anc);
		return (-1);
	}
	if (st->st_uid != 0 && st->st_uid != uid) {
		seterr(err, errlen,
		    "directory %s: its ancestor %s is owned by uid %u; only root or uid %u may own the directories above it",
		    dir, anc, (unsigned int)st->st_uid, (unsigned int)uid);
		return (-1);
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (st->st_mode & S_ISVTX) == 0) {
		seterr(err, errlen,
		    "directory %s: its ancestor %s has mode %04o; a directory above it that others can write to must be sticky",
		    dir, anc, (unsigned int)(st->st_mode & 07777));
		return (-1);
	}
	return (0);
}

/*
 * Why openat(fd, name) of a directory failed, or what name is instead:
 * a symbolic link is never followed.
 */
static void
open_dir_error(int fd, const char *name, const char *path, int saved_errno,
    char *err, size_t errlen)
{
	struct stat st;

	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode)) {
			seterr(err, errlen,
			    "directory %s is a symbolic link; it must be a directory",
			    path);
			return;
		}
		if (!S_ISDIR(st.st_mode)) {
			seterr(err, errlen, "%s is not a directory", path);
			return;
		}
	}
	seterr(err, errlen, "cannot open directory %s: %s", path,
	    strerror(saved_errno));
}

/*
 * Open the root directory as the start of a walk to path (O_PATH) and
 * check it as an ancestor unless path is "/" itself.  Returns the
 * descriptor, or -1.
 */
static int
open_root(const char *path, struct stat *st, char *err, size_t errlen)
{
	int fd;

	if ((fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		seterr(err, errlen, "cannot open /: %s", strerror(errno));
		return (-1);
	}
	if (fstat(fd, st) == -1) {
		seterr(err, errlen, "cannot stat /: %s", strerror(errno));
		(void)close(fd);
		return (-1);
	}
	if (strcmp(path, "/") != 0 &&
	    ancestor_safe(st, "/", path, err, errlen) == -1) {
		(void)close(fd);
		return (-1);
	}
	return (fd);
}

/*
 * One step of paths_open_dir(): open component comp below fd, creating
 * it if missing (*created tells whether the last one was), and check it.
 * sofar is the path up to comp, path the whole directory.  fd is closed
 * in any case; returns the new descriptor with *st filled in, or -1.
 */
static int
open_step(int fd, const char *comp, const char *sofar, const char *path,
    int last, int *created, struct stat *st, char *err, size_t errlen)
{
	int nfd, flags, saved_errno;

	flags =
	    (last ? O_RDONLY : O_PATH) | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	nfd = openat(fd, comp, flags);
	if (nfd == -1 && errno == ENOENT) {
		if (mkdirat(fd, comp, last ? 0700 : 0755) == 0)
			*created = last;
		else if (errno != EEXIST) {
			seterr(err, errlen, "cannot create directory %s: %s",
			    sofar, strerror(errno));
			(void)close(fd);
			return (-1);
		}
		nfd = openat(fd, comp, flags);
	}
	if (nfd == -1) {
		saved_errno = errno;
		open_dir_error(fd, comp, sofar, saved_errno, err, errlen);
		(void)close(fd);
		return (-1);
	}
	(void)close(fd);
	fd = nfd;
	if (fstat(fd, st) == -1) {
		seterr(err, errlen, "cannot stat directory %s: %s", sofar,
		    strerror(errno));
		(void)close(fd);
		return (-1);
	}
	if (S_ISLNK(st->st_mode)) {
		/* O_PATH|O_NOFOLLOW opens the link itself. */
		seterr(err, errlen,
		    "directory %s is a symbolic link; it must be a directory",
		    sofar);
		(void)close(fd);
		return (-1);
	}
	if (!last && ancestor_safe(st, sofar, path, err, errlen) == -1) {
		(void)close(fd);
		return (-1);
	}
	return (fd);
}

/*
 * The checks on the directory paths_open_dir() reached: it must be ours
 * and writable by no one else; one it created gets mode 0700.  fd is
 * closed on error.  Returns fd, or -1.
 */
static int
open_dir_own(int fd, const char *path, const struct stat *st, int created,
    char *err, size_t errlen)
{
	if (!S_ISDIR(st->st_mode)) {
		seterr(err, errlen, "%s is not a directory", path);
		(void)close(fd);
		return (-1);
	}
	/* 0700 whatever the umask. */
	if (created && fchmod(fd, 0700) == -1) {
		seterr(err, errlen, "cannot set the mode of directory %s: %s",
		    path, strerror(errno));
		(void)close(fd);
		return (-1);
	}
#ifndef __linux__
	/* The shared /tmp is the runtime directory off Linux. */
	if (strcmp(path, "/tmp") == 0)
		return (fd);
#endif
	if (st->st_uid != geteuid()) {
		seterr(err, errlen, "directory %s is owned by uid %u, not %u",
		    path, (unsigned int)st->st_uid, (unsigned int)geteuid());
		(void)close(fd);
		return (-1);
	}
	if (!created && (st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		seterr(err, errlen,
		    "directory %s has mode %04o; it must not be writable by group or others",
		    path, (unsigned int)(st->st_mode & 07777));
		(void)close(fd);
		return (-1);
	}
	return (fd);
}

/*
 * Open the directory dir once, for good, and return its descriptor
 * (O_RDONLY, close-on-exec).  Every component is opened relative to the
 * one before it, without following symbolic links, and checked on the
 * descriptor: each ancestor with ancestor_safe(), dir itself must be
 * ours and writable by no one else.  Missing components are created:
 * dir with mode 0700 whatever the umask, its parents with 0755 (less
 * the umask).  Everything done in dir afterwards is done relative to
 * the descriptor, so that dir cannot be swapped under the daemon.
 */
int
paths_open_dir(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX], walk[PATH_MAX], sofar[PATH_MAX];
	struct stat st;
	char *comp, *next;
	int fd, last, created;

	if (dir == NULL || dir[0] != '/') {
		seterr(err, errlen, "directory %s is not an absolute path",
		    dir == NULL ? "(null)" : dir);
		return (-1);
	}
	if (strlcpy(path, dir, sizeof(path)) >= sizeof(path)) {
		seterr(err, errlen, "directory path too long: %s", dir);
		return (-1);
	}
	strip_slashes(path);

	if ((fd = open_root(path, &st, err, errlen)) == -1)
		return (-1);
	(void)strlcpy(sofar, "/", sizeof(sofar));
	(void)strlcpy(walk, path, sizeof(walk));

	created = 0;
	for (comp = walk + 1; comp != NULL && *comp != '\0'; comp = next) {
		if ((next = strchr(comp, '/')) != NULL) {
			*next++ = '\0';
			while (*next == '/')
				next++;
		}
		last = next == NULL || *next == '\0';
		if (strcmp(sofar, "/") != 0)
			(void)strlcat(sofar, "/", sizeof(sofar));
		(void)strlcat(sofar, comp, sizeof(sofar));
		if ((fd = open_step(fd, comp, sofar, path, last, &created, &st,
		         err, errlen)) == -1)
			return (-1);
	}

	if (strcmp(path, "/") == 0) {
		/* No component: dir is the root directory itself. */
		(void)close(fd);
		if ((fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
		        -1 ||
		    fstat(fd, &st) == -1) {
			seterr(err, errlen, "cannot open directory /: %s",
			    strerror(errno));
			if (fd != -1)
				(void)close(fd);
			return (-1);
		}
	}
	return (open_dir_own(fd, path, &st, created, err, errlen));
}

/* paths_open_dir() for a caller that only needs the directory to exist. */
int
paths_ensure_dir(const char *dir, char *err, size_t errlen)
{
	int fd;

	if ((fd = paths_open_dir(dir, err, errlen)) == -1)
		return (-1);
	(void)close(fd);
	return (0);
}

/*
 * Open the state file name in the directory dirfd (path names it in
 * messages) with flags, which may include O_CREAT (mode 0600).  The file
 * must be a regular file owned by us and writable by no one else;
 * anything else, a symbolic link, a FIFO or another user's file, is
 * refused and left as it is.  The open never blocks (a FIFO would block
 * it) nor follows a link; once the file is known to be regular,
 * O_NONBLOCK is cleared again.  Returns the descriptor (close-on-exec),
 * or -1 with errno set (ENOENT: the file does not exist) and err filled.
 */
int
paths_open_file(int dirfd, const char *name, const char *path, int flags,
    char *err, size_t errlen)
{
	struct stat st;
	int fd, saved_errno;

	fd = openat(dirfd, name,
	    flags | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
	if (fd == -1) {
		saved_errno = errno;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode))
			seterr(err, errlen,
			    "%s is a symbolic link; it must be a regular file",
			    path);
		else if (saved_errno == ENXIO || saved_errno == EISDIR)
			seterr(err, errlen, "%s is not a regular file", path);
		else
			seterr(err, errlen, "cannot open %s: %s", path,
			    strerror(saved_errno));
		errno = saved_errno;
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		saved_errno = errno;
		seterr(err, errlen, "cannot stat %s: %s", path,
		    strerror(saved_errno));
		goto fail;
	}
	saved_errno = EPERM;
	if (!S_ISREG(st.st_mode)) {
		seterr(err, errlen, "%s is not a regular file", path);
		goto fail;
	}
	if (st.st_uid != geteuid()) {
		seterr(err, errlen, "%s is owned by uid %u, not %u", path,
		    (unsigned int)st.st_uid, (unsigned int)geteuid());
		goto fail;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		seterr(err, errlen,
		    "%s has mode %04o; it must not be writable by group or others",
		    path, (unsigned int)(st.st_mode & 07777));
		goto fail;
	}
	if (fcntl(fd, F_SETFL, flags & O_APPEND) == -1) {
		saved_errno = errno;
		seterr(
		    err, errlen, "%s: fcntl: %s", path, strerror(saved_errno));
		goto fail;
	}
	return (fd);
fail:
	(void)close(fd);
	errno = saved_errno;
	return (-1);
}

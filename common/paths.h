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
 * Where goprocd's files live: the control socket, the PID file, the
 * snapshot and the journal.
 */

#ifndef PATHS_H
#define PATHS_H

#include <sys/types.h>

#include <limits.h>
#include <stddef.h>

/* clang-format off */
struct goproc_paths {
	char	 rundir[PATH_MAX];	/* the socket's directory */
	char	 socket[PATH_MAX];
	char	 pidfile[PATH_MAX];
	char	 statedir[PATH_MAX];
	char	 snapshot[PATH_MAX];
	char	 snapshot_tmp[PATH_MAX];
	char	 journal[PATH_MAX];
	char	 journal_tmp[PATH_MAX];
	char	 statelock[PATH_MAX];	/* held for the daemon's life */
};

int	 paths_resolve(struct goproc_paths *, const char *, const char *,
	    char *, size_t);
int	 paths_ensure_dir(const char *, char *, size_t);
int	 paths_open_dir(const char *, char *, size_t);
int	 paths_open_file(int, const char *, const char *, int, char *, size_t);

/* clang-format on */

#endif /* PATHS_H */

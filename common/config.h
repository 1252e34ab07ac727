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
 * goprocd's configuration: a JSON file (--config) and environment
 * variables that override it.
 */

#ifndef CONFIG_H
#define CONFIG_H

#include <sys/types.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* clang-format off */
#define CONFIG_FILE_MAX		65536	/* bytes in a config file */
#define CONFIG_DURATION_MIN	1000000LL	/* 1ms, in nanoseconds */
#define CONFIG_DURATION_MAX	86400000000000LL /* 24h */
#define CONFIG_RETENTION_MAX	(87600LL * 3600 * 1000000000) /* 87600h */
#define CONFIG_GROUP_MAX	32	/* bytes in socket_group */

/* Limits on what clients may hold, and their bounds. */
#define CONFIG_CLIENT_TIMEOUT_DEFAULT_MS	10000
#define CONFIG_CLIENTS_PER_UID_DEFAULT	8
#define CONFIG_CLIENTS_PER_UID_MAX	32
#define CONFIG_CLIENTS_MIN		16	/* 8 of them are root's */
#define CONFIG_CLIENTS_MAX		1024	/* CONTROL_MAX_CONNS */
#define CONFIG_ENTRIES_PER_UID_DEFAULT	10000
#define CONFIG_ENTRIES_PER_UID_MAX	1000000
#define CONFIG_LABELS_DEFAULT		32	/* GP_LABELS_MAX */
#define CONFIG_CMD_BYTES_MIN		16
#define CONFIG_CMD_BYTES_DEFAULT	4096	/* GP_CMD_MAX */
#define CONFIG_TEXTFILE_SUFFIX	".prom"
#define CONFIG_TEXTFILE_NAME_MAX	200	/* bytes of its last component */

struct goproc_config {
	int64_t	 liveness_ns;
	int64_t	 last_seen_ns;
	int64_t	 metrics_ns;		/* 0: no sampling */
	int64_t	 client_timeout_ns;
	int64_t	 dead_retention_ns;	/* 0: keep dead entries until rm */
	uint32_t max_clients;		/* connections at once */
	uint32_t max_clients_per_uid;
	uint32_t max_entries_per_uid;
	uint32_t max_labels;		/* tags, and groups, per entry */
	uint32_t max_cmd_bytes;
	char	 state_dir[PATH_MAX];
	char	 socket_group[64];
	char	 metrics_textfile[PATH_MAX];	/* "": none */
	char	 path[PATH_MAX];	/* file it came from, "" if none */
};

void	 config_defaults(struct goproc_config *);
int	 config_load(struct goproc_config *, const char *, char *, size_t);
int	 config_parse(struct goproc_config *, const char *, const char *,
	    size_t, char *, size_t);
int	 config_dump(const struct goproc_config *, char *, size_t);
int	 parse_duration(const char *, int64_t *, const char **);

/* clang-format on */

#endif /* CONFIG_H */

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
 * The registry on disk: the snapshot (goproc.snapshot.json, the Go
 * program's schema plus keys it ignores) and the journal (goproc.journal,
 * one JSON record per line).  These functions read and write descriptors
 * and buffers they are given; they never open, rename or sync a file.
 */

#ifndef STORE_H
#define STORE_H

#include <sys/types.h>

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define SNAPSHOT_VERSION 1
#define SNAPSHOT_SIZE_MAX (1024ULL * 1024 * 1024) /* whole file */
#define SNAPSHOT_VALUE_MAX (1024 * 1024)          /* one top-level value */
#define JOURNAL_LINE_MAX (1024 * 1024)            /* one record */
#define STORE_TIME_LEN 40 /* an RFC 3339 time and its NUL */

struct gp_entry;
struct gp_request;
struct regtab;
struct rentry;
struct snapwriter;
struct snapview;

/* What a snapshot load found, for the caller's compaction policy. */
struct snapshot_info {
	uint64_t size;        /* bytes in the snapshot */
	uint64_t journal_seq; /* last journal record it holds */
	uint64_t next_id;
	int64_t created_unix;
	size_t count;   /* entries loaded */
	size_t unknown; /* of which without start_ticks */
	/* The header's "entries", "pids", "names" and "labels", as believed. */
	struct regtab_size hint;
};

/* snapshot.c */
int snapshot_load(struct regtab *, int, struct snapshot_info *, char *, size_t);
int snapshot_load_buf(struct regtab *, const void *, size_t,
    struct snapshot_info *, char *, size_t);
int snapshot_write(
    struct regtab *, int, uint64_t, int64_t, uint64_t *, char *, size_t);
struct snapwriter *snapshot_open(const struct regtab *, int, uint64_t, uint64_t,
    int64_t, const struct regtab_size *);
int snapshot_put(struct snapwriter *, const struct rentry *);
int snapshot_put_text(struct snapwriter *, const char *, size_t);
uint64_t snapshot_written(const struct snapwriter *);
int snapshot_close(struct snapwriter *, uint64_t *, char *, size_t);
char *store_entry_text(const struct regtab *, const struct rentry *, size_t *);
int store_write_all(int, const void *, size_t, size_t *);

/* snapshot.c: one entry as JSON, shared with the journal */
json_t *store_entry_json(const struct regtab *, const struct rentry *);
int store_entry_parse(
    const json_t *, struct gp_entry *, char *, size_t, char *, size_t);
int store_entry_load(struct regtab *, const json_t *, const char *,
    struct rentry **, char *, size_t);
int store_get_int(const json_t *, const char *, int, int64_t, int64_t,
    int64_t *, char *, size_t);
int store_get_time(const json_t *, const char *, int64_t *, char *, size_t);
int store_time_parse(const char *, int64_t *, const char **);
void store_time_format(int64_t, char *, size_t);
const char *store_json_describe(const json_t *, char *, size_t);
int store_printable(const char *);

/* snapview.c: a snapshot of a moment, written in slices */
struct snapview *snapview_begin(struct regtab *, uint64_t, int64_t);
void snapview_open(struct snapview *, int);
int snapview_step(struct snapview *, int64_t, int64_t);
uint64_t snapview_bytes(const struct snapview *);
void snapview_stats(const struct snapview *, size_t *, size_t *, size_t *);
int snapview_end(struct snapview *, uint64_t *, char *, size_t);

/* snapfast.c: an entry in the form goprocd writes, without jansson */
int store_entry_fast(
    const char *, size_t, struct gp_entry *, char *, size_t, int64_t *);

/* journal.c: each encoder returns one line ending in '\n' (free(3) it) */
char *journal_add(
    const struct regtab *, uint64_t, const struct rentry *, size_t *);
char *journal_rm(uint64_t, uint64_t, size_t *);
char *journal_alive(uint64_t, uint64_t, int, int64_t, int64_t, size_t *);
char *journal_seen(uint64_t, int64_t, const uint64_t *, size_t, size_t *);
char *journal_rename(uint64_t, int, const char *, const char *, size_t *);
char *journal_reset(uint64_t, size_t *);
char *journal_ident(uint64_t, uint64_t, uint64_t, const char *, size_t *);
char *journal_cmd(uint64_t, uint64_t, const char *, int, size_t *);
char *journal_update(
    uint64_t, const uint64_t *, size_t, const struct gp_request *, size_t *);
int journal_replay(struct regtab *, const char *, size_t, uint64_t, uint64_t *,
    size_t *, int *, char *, size_t);

#endif /* STORE_H */

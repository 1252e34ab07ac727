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
 * The registry table: every entry in memory, with indexes by ID, PID,
 * name, tag and group.  Pure data structure code: no I/O, no imsg.
 */

#ifndef REGTAB_H
#define REGTAB_H

#include <sys/types.h>
#include <sys/tree.h>

#include <stddef.h>
#include <stdint.h>

#include "goproc.h"

#define REGTAB_BOOT_ID_LEN 36         /* a UUID, as in /proc */
#define REGTAB_ID_MAX (INT64_MAX - 1) /* ids fit a JSON integer */
#define REGTAB_UID_UNKNOWN UINT32_MAX /* owner not recorded */

/* Return values of regtab_add(), regtab_insert() and regtab_rename(). */
#define REGTAB_OK 0
#define REGTAB_EINVAL (-1) /* a value the registry refuses */
#define REGTAB_EEXIST (-2) /* id, name or process taken */

/* Label kinds for regtab_rename(). */
#define REGTAB_TAG 0
#define REGTAB_GROUP 1

struct regtab;
struct rlabel;

/*
 * One registry entry.  Callers may read every member; only regtab.c
 * writes them (the setters below change the unindexed ones).  The
 * labels are interned, and an entry holds the index of each in its
 * table (4 bytes rather than a pointer's 8: a large registry holds
 * millions): lab[0 .. ntags) are the tags and lab[ntags .. ntags +
 * ngroups) the groups, each part sorted by name, and boot the boot ID
 * (0: none); read them with rentry_tag(), rentry_group() and
 * rentry_boot_id().  The name and the command line are stored after the
 * labels, in the same allocation (rentry_name(), rentry_cmd()).  The
 * last sample of its process, if any, is kept by the table
 * (regtab_metrics()): most entries of a large registry have none.
 * start_ticks 0 and an empty boot id mean the process's identity was
 * never recorded (an entry from a snapshot of the Go program).
 */
struct rentry {
	uint64_t id;
	uint64_t start_ticks;
	int64_t added_at;  /* ns since the epoch */
	int64_t last_seen; /* ns since the epoch */
	int64_t dead_at;   /* seen to die then (ns), 0: alive or unknown */
	int32_t pid;
	int32_t pgid;
	uint32_t owner_uid;
	uint32_t dead_pos; /* in the heap of dead entries */
	uint32_t boot;     /* label index of the boot ID, 0: none */
	uint8_t alive : 1;
	uint8_t cmd_client : 1; /* the command is a client's word */
	uint8_t ntags;
	uint8_t ngroups;
	uint8_t namelen; /* 0: no name */
	uint32_t lab[];
};

typedef void regtab_hook_fn(struct rentry *, void *);

/* How many entries, distinct PIDs, names and labels a table holds. */
struct regtab_size {
	size_t entries;
	size_t pids;
	size_t names;
	size_t labels;
};

#define REGTAB_HASH_KEY_LEN 24 /* bytes of the key of the hashes */

void regtab_hash_key(const unsigned char *, size_t);
struct regtab *regtab_new(void);
void regtab_free(struct regtab *);
void regtab_reset(struct regtab *);
void regtab_bulk(struct regtab *, int);
size_t regtab_count(const struct regtab *);
void regtab_size(const struct regtab *, struct regtab_size *);
void regtab_reserve(struct regtab *, const struct regtab_size *);
uint64_t regtab_next_id(const struct regtab *);
int regtab_set_next_id(struct regtab *, uint64_t, char *, size_t);

int regtab_add(struct regtab *, const struct gp_entry *, const char *,
    struct rentry **, char *, size_t);
int regtab_insert(struct regtab *, const struct gp_entry *, const char *,
    int64_t, struct rentry **, char *, size_t);
void regtab_remove(struct regtab *, struct rentry *);

struct rentry *regtab_find_id(struct regtab *, uint64_t);
struct rentry *regtab_from_id(struct regtab *, uint64_t);
void regtab_set_hook(struct regtab *, regtab_hook_fn *, void *);
struct rentry *regtab_find_name(struct regtab *, const char *);
struct rentry *regtab_find_pid(struct regtab *, int32_t);
struct rentry *regtab_next_pid(struct regtab *, struct rentry *);
struct rentry *regtab_first(struct regtab *);
struct rentry *regtab_next(struct regtab *, struct rentry *);

int regtab_select(
    struct regtab *, const struct gp_request *, struct rentry ***, size_t *);
int regtab_rename(
    struct regtab *, int, const char *, const char *, size_t *, char *, size_t);
size_t regtab_label_count(struct regtab *, int, const char *);

size_t regtab_uid_count(struct regtab *, uint32_t);
void regtab_set_owner(struct regtab *, struct rentry *, uint32_t);

void regtab_set_alive(struct regtab *, struct rentry *, int, int64_t);
struct rentry *regtab_first_dead(struct regtab *);
size_t regtab_dead_until(struct regtab *, int64_t, struct rentry **, size_t);
size_t regtab_dead_count(const struct regtab *);
int regtab_edit(const struct regtab *, const struct rentry *,
    const struct gp_request *, struct gp_entry *, uint32_t *, char *, size_t);
struct rentry *regtab_replace(
    struct regtab *, struct rentry *, const struct gp_entry *);
void regtab_set_seen(struct rentry *, int64_t);
void regtab_set_metrics(
    struct regtab *, struct rentry *, const struct gp_metrics *);
const struct gp_metrics *regtab_metrics(
    const struct regtab *, const struct rentry *);
void regtab_set_exited(struct regtab *, struct rentry *, int64_t);
int regtab_set_identity(
    struct regtab *, struct rentry *, uint64_t, const char *, char *, size_t);
struct rentry *regtab_set_cmd(
    struct regtab *, struct rentry *, const char *, int);

const char *rentry_name(const struct rentry *);
char *rentry_cmd(const struct rentry *);
const char *rentry_boot_id(const struct regtab *, const struct rentry *);
const char *rentry_tag(const struct regtab *, const struct rentry *, size_t);
const char *rentry_group(const struct regtab *, const struct rentry *, size_t);
void rentry_fill(
    const struct regtab *, const struct rentry *, struct gp_entry *);
void rentry_fill_fields(
    const struct regtab *, const struct rentry *, struct gp_entry *);

int regtab_valid_boot_id(const char *);
uint64_t regtab_visits(const struct regtab *);
uint32_t regtab_str_hash(const char *);

#endif /* REGTAB_H */

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
 * The control protocol's wire format, and the checks on names and labels
 * that both programs share.
 *
 * A payload is a fixed struct of explicit-width integers in host byte
 * order, followed by strings, each a uint16 length and that many bytes
 * (no NUL).  The layouts:
 *
 * request	struct wire_req, ids[nids] (uint64), pids[npids] (int32),
 *		name, label, newlabel, search, cmd, tags[ntags],
 *		tags_all[ntags_all], groups[ngroups], groups_all[ngroups_all],
 *		names[nnames], add_tags[nadd_tags], rm_tags[nrm_tags],
 *		add_groups[nadd_groups], rm_groups[nrm_groups]
 * entry	struct wire_entry, name, cmd, tags[ntags], groups[ngroups]
 * entry	... then with WIRE_ENT_KIDS nchildren, ndesc, n as uint32s
 *		and n (pid as a uint32, comm); WIRE_ENT_CAND marks id 0,
 *		a process that add --match --dry-run would register
 * result	struct wire_result, msg, nspared (pid, why, uid) as uint32s,
 *		then an entry
 * end, info	struct wire_end, msg
 * event	struct wire_event, from, to, then an entry (GP_EVF_ENTRY)
 *
 * The decoders read through the checked ibuf_get functions, bound every
 * count and length by the limits in goproc.h, refuse trailing bytes and
 * leave a short static reason in *errstr on failure.
 */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "goproc.h"
#include "imsg.h"

/* clang-format off */
#define STR(x)		#x
#define XSTR(x)		STR(x)

struct wire_req {
	uint32_t	flags;
	int32_t		pid;
	int32_t		signo;
	uint32_t	wait_ms;
	uint32_t	nids;
	uint32_t	npids;
	uint32_t	ntags;
	uint32_t	ntags_all;
	uint32_t	ngroups;
	uint32_t	ngroups_all;
	uint32_t	nnames;
	uint32_t	sort;
	uint32_t	limit;
	uint32_t	uid;		/* match -u */
	uint32_t	nadd_tags;	/* update */
	uint32_t	nrm_tags;
	uint32_t	nadd_groups;
	uint32_t	nrm_groups;
};

struct wire_entry {
	uint64_t	id;
	uint64_t	start_ticks;
	int64_t		added_at;
	int64_t		last_seen;
	int32_t		pid;
	int32_t		pgid;
	uint32_t	owner_uid;
	uint32_t	alive;
	uint32_t	ntags;
	uint32_t	ngroups;
	uint32_t	flags;
	uint32_t	extra;		/* WIRE_ENT_* */
	/* struct gp_metrics */
	uint64_t	cpu_ns;
	uint64_t	rss_bytes;
	int64_t		sampled_at;
	int64_t		started_at;
	int64_t		exited_at;
	uint32_t	met_valid;
	uint32_t	threads;
	uint32_t	cpu_pct;
	uint32_t	state;
};

struct wire_result {
	uint32_t	flags;
	int32_t		signo;
	uint32_t	skipped;
	uint32_t	signalled;
	uint32_t	nspared;
	uint32_t	reserved;
};

struct wire_end {
	int32_t		status;
	uint32_t	count;
};

struct wire_event {
	uint32_t	type;
	uint32_t	flags;
	int64_t		at;
	int32_t		signo;
	uint32_t	by_uid;
	int32_t		by_pid;
	uint32_t	count;
	uint32_t	changed;
	uint32_t	reserved;
};

_Static_assert(sizeof(struct wire_req) == 72, "wire_req has padding");
_Static_assert(sizeof(struct wire_entry) == 120, "wire_entry has padding");
_Static_assert(sizeof(struct wire_result) == 24, "wire_result has padding");
_Static_assert(sizeof(struct wire_end) == 8, "wire_end has padding");
_Static_assert(sizeof(struct wire_event) == 40, "wire_event has padding");

/* A string field on the wire and the reasons it can be refused. */
struct strfield {
	size_t		 max;
	const char	*toolong;
	const char	*nul;
};

/* A list of labels or names on the wire. */
struct listfield {
	struct strfield	 str;
	uint32_t	 maxcount;
	const char	*toomany;
	int		 names;		/* entries must be valid names */
};

#define SIGNO_MAX		64
#define WIRE_ENT_KIDS		0x0001	/* list --children follow */
#define WIRE_ENT_CAND		0x0002	/* id 0: match --dry-run's */
#define GP_RES_MASK							\
	(GP_RES_REMOVED | GP_RES_SIGNALLED | GP_RES_FAILED | GP_RES_EXITED | \
	    GP_RES_RENAMED | GP_RES_SKIPPED)

static const char e_short[] = "message truncated";
static const char e_trailing[] = "trailing bytes after message";

static const struct strfield f_name = {
	GP_NAME_MAX,
	"name too long (at most " XSTR(GP_NAME_MAX) " bytes)",
	"name has invalid characters",
};
static const struct strfield f_label = {
	GP_LABEL_MAX,
	"label too long (at most " XSTR(GP_LABEL_MAX) " bytes)",
	"label has control characters",
};
static const struct strfield f_newlabel = {
	GP_LABEL_MAX,
	"new label too long (at most " XSTR(GP_LABEL_MAX) " bytes)",
	"new label has control characters",
};
static const struct strfield f_search = {
	GP_SEARCH_MAX,
	"search text too long (at most " XSTR(GP_SEARCH_MAX) " bytes)",
	"search text has a NUL byte",
};
static const struct strfield f_cmd = {
	GP_CMD_MAX,
	"command too long (at most " XSTR(GP_CMD_MAX) " bytes)",
	"command has a NUL byte",
};
static const struct strfield f_comm = {
	GP_COMM_MAX,
	"process name too long (at most " XSTR(GP_COMM_MAX) " bytes)",
	"process name has a NUL byte",
};
static const struct strfield f_msg = {
	GP_MSG_MAX,
	"message text too long (at most " XSTR(GP_MSG_MAX) " bytes)",
	"message text has a NUL byte",
};

static const struct listfield l_tags = {
	{ GP_LABEL_MAX,
	  "tag too long (at most " XSTR(GP_LABEL_MAX) " bytes)",
	  "tag has control characters" },
	GP_LABELS_MAX, "too many tags (at most " XSTR(GP_LABELS_MAX) ")", 0,
};
static const struct listfield l_groups = {
	{ GP_LABEL_MAX,
	  "group too long (at most " XSTR(GP_LABEL_MAX) " bytes)",
	  "group has control characters" },
	GP_LABELS_MAX, "too many groups (at most " XSTR(GP_LABELS_MAX) ")", 0,
};
static const struct listfield l_tags_sel = {
	{ GP_LABEL_MAX,
	  "tag too long (at most " XSTR(GP_LABEL_MAX) " bytes)",
	  "tag has control characters" },
	GP_SEL_MAX, "too many tags (at most " XSTR(GP_SEL_MAX) ")", 0,
};
static const struct listfield l_groups_sel = {
	{ GP_LABEL_MAX,
	  "group too long (at most " XSTR(GP_LABEL_MAX) " bytes)",
	  "group has control characters" },
	GP_SEL_MAX, "too many groups (at most " XSTR(GP_SEL_MAX) ")", 0,
};
static const struct listfield l_names = {
	{ GP_NAME_MAX,
	  "name too long (at most " XSTR(GP_NAME_MAX) " bytes)",
	  "name has invalid characters" },
	GP_SEL_MAX, "too many names (at most " XSTR(GP_SEL_MAX) ")", 1,
};

/* Which fields a request type may carry. */
#define RF_PID		0x0001	/* pid */
#define RF_NAME		0x0002	/* name */
#define RF_CMD		0x0004	/* cmd */
#define RF_LABELS	0x0008	/* tags and groups to attach */
#define RF_SEL		0x0010	/* selectors */
#define RF_KILL		0x0020	/* signo, wait_ms */
#define RF_LABEL	0x0040	/* label */
#define RF_NEWLABEL	0x0080	/* newlabel */
#define RF_ID		0x0100	/* exactly one id, no other selector */
#define RF_ORDER	0x0200	/* sort, limit */
#define RF_EDIT		0x0400	/* labels to add and remove, name flag */
#define RF_MATCH	0x0800	/* pattern (search), parent pids, uid */

/* What a request type does. */
#define RT_MUTATES	0x01	/* changes the registry */
#define RT_RENAME	0x02	/* changes it with GP_REQ_RENAME only */
#define RT_ENTRIES	0x04	/* answered with IMSG_CTL_ENTRY replies */
#define RT_RESULTS	0x08	/* answered with IMSG_CTL_RESULT replies */
#define RT_WATCH	0x10	/* then the connection stays, for events */

/*
 * One row per request type: its name, the fields and flags it may
 * carry, and what it does.  The codec, the frontend's checks and the
 * registry's dispatch all read this table.
 */
static const struct req_type {
	uint32_t	 type;
	const char	*name;
	uint32_t	 fields;
	uint32_t	 flags;
	uint32_t	 does;
} req_types[] = {
	{ IMSG_CTL_PING,	"ping",		0,
	    0,				0 },
	{ IMSG_CTL_ADD,		"add",		RF_PID | RF_NAME | RF_CMD | RF_LABELS,
	    0,				RT_MUTATES | RT_ENTRIES },
	{ IMSG_CTL_LIST,	"list",		RF_SEL | RF_ORDER,
	    GP_REQ_ALIVE | GP_REQ_DEAD | GP_REQ_REVERSE | GP_REQ_CHILDREN,
	    RT_ENTRIES },
	{ IMSG_CTL_RM,		"rm",		RF_SEL,
	    GP_REQ_ALL | GP_REQ_ALIVE | GP_REQ_DEAD, RT_MUTATES | RT_RESULTS },
	{ IMSG_CTL_KILL,	"kill",		RF_SEL | RF_KILL,
	    GP_REQ_ALL | GP_REQ_ALIVE | GP_REQ_TREE, RT_MUTATES | RT_RESULTS },
	{ IMSG_CTL_TAG,		"tag",		RF_LABEL | RF_NEWLABEL,
	    GP_REQ_RENAME,		RT_RENAME | RT_ENTRIES },
	{ IMSG_CTL_GROUP,	"group",	RF_LABEL | RF_NEWLABEL,
	    GP_REQ_RENAME,		RT_RENAME | RT_ENTRIES },
	{ IMSG_CTL_RESET,	"reset",	RF_LABEL,
	    0,				RT_MUTATES },
	{ IMSG_CTL_EXECED,	"execed",	RF_PID | RF_ID | RF_CMD,
	    0,				RT_MUTATES | RT_ENTRIES },
	{ IMSG_CTL_VERSION,	"version",	0,
	    0,				0 },
	{ IMSG_CTL_WATCH,	"watch",	RF_SEL,
	    GP_REQ_ALIVE | GP_REQ_DEAD | GP_REQ_INITIAL | GP_REQ_FOLLOW,
	    RT_ENTRIES | RT_WATCH },
	{ IMSG_CTL_UPDATE,	"update",	RF_SEL | RF_NAME | RF_EDIT,
	    GP_REQ_ALL | GP_REQ_ALIVE | GP_REQ_DEAD | GP_REQ_NONAME,
	    RT_MUTATES | RT_ENTRIES },
	{ IMSG_CTL_MATCH,	"match",	RF_MATCH | RF_NAME | RF_LABELS,
	    GP_REQ_ALL | GP_REQ_FULL | GP_REQ_EXACT | GP_REQ_NEWEST |
	    GP_REQ_OLDEST | GP_REQ_DRYRUN | GP_REQ_UID,
	    RT_MUTATES | RT_ENTRIES | RT_RESULTS },
};

static const char *const event_names[GP_EV_MAX] = {
	[GP_EV_ADDED] =		"added",
	[GP_EV_EXITED] =	"exited",
	[GP_EV_SIGNALLED] =	"signalled",
	[GP_EV_REMOVED] =	"removed",
	[GP_EV_RENAMED] =	"renamed",
	[GP_EV_UPDATED] =	"updated",
	[GP_EV_RESET] =		"reset",
	[GP_EV_LOST] =		"lost",
};

static int	 put_str(struct ibuf *, const char *, size_t, size_t);
static int	 put_list(struct ibuf *, const struct gp_strlist *, uint32_t,
		    size_t);
static int	 get_str(struct ibuf *, char *, size_t, const struct strfield *,
		    const char **);
static int	 get_list(struct ibuf *, uint32_t, struct gp_strlist *,
		    const struct listfield *, const char **);
static int	 entry_encode(struct ibuf *, const struct gp_entry *);
static int	 entry_decode(struct ibuf *, struct gp_entry *, const char **);
static int	 metrics_decode(const struct wire_entry *, struct gp_metrics *,
		    const char **);
static int	 order_check(const struct req_type *,
		    const struct gp_request *, const char **);
static int	 req_check(const struct req_type *, struct gp_request *,
		    const char **);
static int	 labels_check(const struct req_type *, struct gp_request *,
		    const char **);
static const char *bracket_end(const char *);
static int	 match_check(const struct req_type *,
		    const struct gp_request *, const char **);
static int	 edit_check(const struct req_type *,
		    const struct gp_request *, const char **);
static int	 label_check(const unsigned char *, size_t, const char **);
static int	 event_check(const struct wire_event *, const char **);
static int	 spared_decode(struct ibuf *, struct gp_tally *, const char **);
static int	 kids_encode(struct ibuf *, const struct gp_children *);
static int	 kids_decode(struct ibuf *, struct gp_children *,
		    const char **);
static int	 is_space(unsigned char);
static int	 strlist_cmp(const void *, const void *);
/* clang-format on */

/* The row of a request type, or NULL for a type that is no request. */
static const struct req_type *
req_type(uint32_t type)
{
	size_t i;

	for (i = 0; i < sizeof(req_types) / sizeof(req_types[0]); i++)
		if (req_types[i].type == type)
			return (&req_types[i]);
	return (NULL);
}

/* 1 if type is a request a client may send. */
int
wire_is_request(uint32_t type)
{
	return (req_type(type) != NULL);
}

/* The name of a request type, or NULL for a type that is no request. */
const char *
wire_req_name(uint32_t type)
{
	const struct req_type *rt;

	if ((rt = req_type(type)) == NULL)
		return (NULL);
	return (rt->name);
}

/* 1 if the (decoded) request changes the registry. */
int
wire_req_mutates(const struct gp_request *req)
{
	const struct req_type *rt;

	if ((rt = req_type(req->type)) == NULL)
		return (0);
	if (rt->does & RT_MUTATES)
		return (1);
	return ((rt->does & RT_RENAME) && (req->flags & GP_REQ_RENAME));
}

/*
 * 1 if a request of the given type may be answered with streamed
 * replies of type reply (IMSG_CTL_ENTRY or IMSG_CTL_RESULT).
 */
int
wire_req_streams(uint32_t type, uint32_t reply)
{
	const struct req_type *rt;

	if ((rt = req_type(type)) == NULL)
		return (0);
	switch (reply) {
	case IMSG_CTL_ENTRY:
		return ((rt->does & RT_ENTRIES) != 0);
	case IMSG_CTL_RESULT:
		return ((rt->does & RT_RESULTS) != 0);
	}
	return (0);
}

/* 1 if a request of the type subscribes to events after its replies. */
int
wire_req_watches(uint32_t type)
{
	const struct req_type *rt;

	if ((rt = req_type(type)) == NULL)
		return (0);
	return ((rt->does & RT_WATCH) != 0);
}

/* The name of an event type, or NULL. */
const char *
gp_event_name(uint32_t type)
{
	if (type >= GP_EV_MAX)
		return (NULL);
	return (event_names[type]);
}

/* The name of one GP_CHG_* bit, as watch prints it, or NULL. */
const char *
gp_change_name(uint32_t bit)
{
	switch (bit) {
	case GP_CHG_CMD:
		return ("cmd");
	case GP_CHG_NAME:
		return ("name");
	case GP_CHG_TAGS:
		return ("tags");
	case GP_CHG_GROUPS:
		return ("groups");
	}
	return (NULL);
}

/*
 * Append a string field: its length as a uint16, then its bytes.  The
 * string must be NUL-terminated inside its fieldsz bytes and be at most
 * max bytes long.
 */
static int
put_str(struct ibuf *b, const char *s, size_t fieldsz, size_t max)
{
	size_t len;

	len = strnlen(s, fieldsz);
	if (len == fieldsz || len > max || len > UINT16_MAX) {
		errno = EINVAL;
		return (-1);
	}
	if (ibuf_add_h16(b, len) == -1 || ibuf_add(b, s, len) == -1)
		return (-1);
	return (0);
}

static int
put_list(
    struct ibuf *b, const struct gp_strlist *l, uint32_t maxcount, size_t max)
{
	uint32_t i;

	if (l->n > maxcount || l->n > GP_SEL_MAX) {
		errno = EINVAL;
		return (-1);
	}
	for (i = 0; i < l->n; i++)
		if (put_str(b, l->v[i], sizeof(l->v[i]), max) == -1)
			return (-1);
	return (0);
}

/*
 * Read a string field into dst (dstsz bytes, NUL-terminated on success).
 */
static int
get_str(struct ibuf *b, char *dst, size_t dstsz, const struct strfield *f,
    const char **errstr)
{
	uint16_t len;

	if (ibuf_get_h16(b, &len) == -1) {
		*errstr = e_short;
		return (-1);
	}
	if (len > f->max || len >= dstsz) {
		*errstr = f->toolong;
		return (-1);
	}
	if (ibuf_get(b, dst, len) == -1) {
		*errstr = e_short;
		return (-1);
	}
	if (memchr(dst, '\0', len) != NULL) {
		*errstr = f->nul;
		return (-1);
	}
	dst[len] = '\0';
	return (0);
}

/*
 * Read n strings into the list l, cleaning and deduplicating them.
 */
static int
get_list(struct ibuf *b, uint32_t n, struct gp_strlist *l,
    const struct listfield *f, const char **errstr)
{
	char tmp[GP_LABEL_MAX + 1];
	uint32_t i;

	memset(l, 0, sizeof(*l));
	if (n > f->maxcount || n > GP_SEL_MAX) {
		*errstr = f->toomany;
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (get_str(b, tmp, sizeof(tmp), &f->str, errstr) == -1)
			return (-1);
		if (f->names && gp_valid_name(tmp, errstr) == -1)
			return (-1);
		if (gp_strlist_add(l, tmp, strlen(tmp), errstr) == -1)
			return (-1);
	}
	return (0);
}

int
wire_req_encode(struct ibuf *b, const struct gp_request *req)
{
	struct wire_req w;
	uint32_t i;

	if (req->nids > GP_SEL_MAX || req->npids > GP_SEL_MAX ||
	    (uint64_t)req->add_tags.n + req->rm_tags.n > GP_LABELS_MAX ||
	    (uint64_t)req->add_groups.n + req->rm_groups.n > GP_LABELS_MAX) {
		errno = EINVAL;
		return (-1);
	}
	memset(&w, 0, sizeof(w));
	w.flags = req->flags;
	w.pid = req->pid;
	w.signo = req->signo;
	w.wait_ms = req->wait_ms;
	w.sort = req->sort;
	w.limit = req->limit;
	w.uid = req->uid;
	w.nids = req->nids;
	w.npids = req->npids;
	w.ntags = req->tags.n;
	w.ntags_all = req->tags_all.n;
	w.ngroups = req->groups.n;
	w.ngroups_all = req->groups_all.n;
	w.nnames = req->names.n;
	w.nadd_tags = req->add_tags.n;
	w.nrm_tags = req->rm_tags.n;
	w.nadd_groups = req->add_groups.n;
	w.nrm_groups = req->rm_groups.n;
	if (ibuf_add(b, &w, sizeof(w)) == -1)
		return (-1);
	for (i = 0; i < req->nids; i++)
		if (ibuf_add_h64(b, req->ids[i]) == -1)
			return (-1);
	for (i = 0; i < req->npids; i++)
		if (ibuf_add_h32(b, (uint32_t)req->pids[i]) == -1)
			return (-1);
	if (put_str(b, req->name, sizeof(req->name), GP_NAME_MAX) == -1 ||
	    put_str(b, req->label, sizeof(req->label), GP_LABEL_MAX) == -1 ||
	    put_str(b, req->newlabel, sizeof(req->newlabel), GP_LABEL_MAX) ==
	        -1 ||
	    put_str(b, req->search, sizeof(req->search), GP_SEARCH_MAX) == -1 ||
	    put_str(b, req->cmd, sizeof(req->cmd), GP_CMD_MAX) == -1)
		return (-1);
	if (put_list(b, &req->tags, GP_SEL_MAX, GP_LABEL_MAX) == -1 ||
	    put_list(b, &req->tags_all, GP_SEL_MAX, GP_LABEL_MAX) == -1 ||
	    put_list(b, &req->groups, GP_SEL_MAX, GP_LABEL_MAX) == -1 ||
	    put_list(b, &req->groups_all, GP_SEL_MAX, GP_LABEL_MAX) == -1 ||
	    put_list(b, &req->names, GP_SEL_MAX, GP_NAME_MAX) == -1 ||
	    put_list(b, &req->add_tags, GP_LABELS_MAX, GP_LABEL_MAX) == -1 ||
	    put_list(b, &req->rm_tags, GP_LABELS_MAX, GP_LABEL_MAX) == -1 ||
	    put_list(b, &req->add_groups, GP_LABELS_MAX, GP_LABEL_MAX) == -1 ||
	    put_list(b, &req->rm_groups, GP_LABELS_MAX, GP_LABEL_MAX) == -1)
		return (-1);
	return (0);
}

/*
 * Decode a request of the given imsg type and check it: lengths, counts,
 * names and labels (cleaned and deduplicated), ranges, and that it
 * carries only the fields and flags its type uses.
 */
int
wire_req_decode(
    struct ibuf *b, uint32_t type, struct gp_request *req, const char **errstr)
{
	struct wire_req w;
	const struct req_type *rt = NULL;
	const struct listfield *lt, *lg;
	uint32_t j, k;
	uint64_t id;
	uint32_t pid;

	memset(req, 0, sizeof(*req));
	if ((rt = req_type(type)) == NULL) {
		*errstr = "unknown request type";
		return (-1);
	}
	req->type = type;

	if (ibuf_get(b, &w, sizeof(w)) == -1) {
		*errstr = e_short;
		return (-1);
	}
	req->flags = w.flags;
	req->uid = w.uid;
	req->pid = w.pid;
	req->signo = w.signo;
	req->wait_ms = w.wait_ms;
	req->sort = w.sort;
	req->limit = w.limit;

	if (w.nids > GP_SEL_MAX) {
		*errstr = "too many ids (at most " XSTR(GP_SEL_MAX) ")";
		return (-1);
	}
	if (w.npids > GP_SEL_MAX) {
		*errstr = "too many pids (at most " XSTR(GP_SEL_MAX) ")";
		return (-1);
	}
	for (j = 0; j < w.nids; j++) {
		if (ibuf_get_h64(b, &id) == -1) {
			*errstr = e_short;
			return (-1);
		}
		if (id == 0) {
			*errstr = "id out of range (at least 1)";
			return (-1);
		}
		for (k = 0; k < req->nids; k++)
			if (req->ids[k] == id)
				break;
		if (k == req->nids)
			req->ids[req->nids++] = id;
	}
	for (j = 0; j < w.npids; j++) {
		if (ibuf_get_h32(b, &pid) == -1) {
			*errstr = e_short;
			return (-1);
		}
		if ((int32_t)pid < 1 || (int32_t)pid > GP_PID_MAX) {
			*errstr =
			    "pid out of range (1 to " XSTR(GP_PID_MAX) ")";
			return (-1);
		}
		for (k = 0; k < req->npids; k++)
			if (req->pids[k] == (int32_t)pid)
				break;
		if (k == req->npids)
			req->pids[req->npids++] = (int32_t)pid;
	}

	if (get_str(b, req->name, sizeof(req->name), &f_name, errstr) == -1 ||
	    get_str(b, req->label, sizeof(req->label), &f_label, errstr) ==
	        -1 ||
	    get_str(b, req->newlabel, sizeof(req->newlabel), &f_newlabel,
	        errstr) == -1 ||
	    get_str(b, req->search, sizeof(req->search), &f_search, errstr) ==
	        -1 ||
	    get_str(b, req->cmd, sizeof(req->cmd), &f_cmd, errstr) == -1)
		return (-1);

	/* update: GP_LABELS_MAX changes of each kind, which bounds a request. */
	if (w.nadd_tags > GP_LABELS_MAX ||
	    w.nrm_tags > GP_LABELS_MAX - w.nadd_tags) {
		*errstr = "too many tag changes (at most " XSTR(
		    GP_LABELS_MAX) " added and removed)";
		return (-1);
	}
	if (w.nadd_groups > GP_LABELS_MAX ||
	    w.nrm_groups > GP_LABELS_MAX - w.nadd_groups) {
		*errstr = "too many group changes (at most " XSTR(
		    GP_LABELS_MAX) " added and removed)";
		return (-1);
	}
	if (rt->fields & RF_SEL) {
		lt = &l_tags_sel;
		lg = &l_groups_sel;
	} else {
		lt = &l_tags;
		lg = &l_groups;
	}
	if (get_list(b, w.ntags, &req->tags, lt, errstr) == -1 ||
	    get_list(b, w.ntags_all, &req->tags_all, &l_tags_sel, errstr) ==
	        -1 ||
	    get_list(b, w.ngroups, &req->groups, lg, errstr) == -1 ||
	    get_list(b, w.ngroups_all, &req->groups_all, &l_groups_sel,
	        errstr) == -1 ||
	    get_list(b, w.nnames, &req->names, &l_names, errstr) == -1 ||
	    get_list(b, w.nadd_tags, &req->add_tags, &l_tags, errstr) == -1 ||
	    get_list(b, w.nrm_tags, &req->rm_tags, &l_tags, errstr) == -1 ||
	    get_list(b, w.nadd_groups, &req->add_groups, &l_groups, errstr) ==
	        -1 ||
	    get_list(b, w.nrm_groups, &req->rm_groups, &l_groups, errstr) == -1)
		return (-1);

	if (ibuf_size(b) != 0) {
		*errstr = e_trailing;
		return (-1);
	}
	return (req_check(rt, req, errstr));
}

/*
 * The checks that depend on the request type.
 */
static int
req_check(
    const struct req_type *rt, struct gp_request *req, const char **errstr)
{
	if (req->flags & ~GP_REQ_MASK) {
		*errstr = "unknown request flags";
		return (-1);
	}
	if (req->flags & ~rt->flags) {
		*errstr = "request flag not valid for this request";
		return (-1);
	}
	if ((req->flags & GP_REQ_FOLLOW) && !(req->flags & GP_REQ_INITIAL)) {
		*errstr = "follow needs the initial entries";
		return (-1);
	}
	if ((req->flags & GP_REQ_ALIVE) && (req->flags & GP_REQ_DEAD)) {
		*errstr = "alive and dead exclude each other";
		return (-1);
	}
	if (edit_check(rt, req, errstr) == -1)
		return (-1);

	if (rt->fields & RF_PID) {
		if (req->pid < 1 || req->pid > GP_PID_MAX) {
			*errstr =
			    "pid out of range (1 to " XSTR(GP_PID_MAX) ")";
			return (-1);
		}
	} else if (req->pid != 0) {
		*errstr = "unexpected pid in request";
		return (-1);
	}

	if (rt->fields & RF_NAME) {
		if (req->name[0] != '\0' &&
		    gp_valid_name(req->name, errstr) == -1)
			return (-1);
	} else if (req->name[0] != '\0') {
		*errstr = "unexpected name in request";
		return (-1);
	}

	if (!(rt->fields & RF_CMD) && req->cmd[0] != '\0') {
		*errstr = "unexpected command in request";
		return (-1);
	}

	if (!(rt->fields & (RF_LABELS | RF_SEL)) &&
	    (req->tags.n != 0 || req->groups.n != 0)) {
		*errstr = "unexpected tags or groups in request";
		return (-1);
	}
	if (!(rt->fields & RF_SEL) &&
	    (req->tags_all.n != 0 || req->groups_all.n != 0 ||
	        req->names.n != 0 ||
	        (!(rt->fields & RF_MATCH) &&
	            (req->npids != 0 || req->search[0] != '\0')) ||
	        (req->nids != 0 && !(rt->fields & RF_ID)))) {
		*errstr = "unexpected selectors in request";
		return (-1);
	}
	if ((rt->fields & RF_ID) && req->nids != 1) {
		*errstr = "request needs exactly one id";
		return (-1);
	}

	if (rt->fields & RF_KILL) {
		if (req->signo < 1 || req->signo > SIGNO_MAX) {
			*errstr =
			    "signal out of range (1 to " XSTR(SIGNO_MAX) ")";
			return (-1);
		}
		if (req->wait_ms > GP_WAIT_MAX_MS) {
			*errstr = "wait too long (at most " XSTR(
			    GP_WAIT_MAX_MS) " ms)";
			return (-1);
		}
	} else if (req->signo != 0 || req->wait_ms != 0) {
		*errstr = "unexpected signal or wait in request";
		return (-1);
	}

	if (order_check(rt, req, errstr) == -1 ||
	    match_check(rt, req, errstr) == -1)
		return (-1);

	return (labels_check(rt, req, errstr));
}

/*
 * add --match: a pattern, newest or oldest but not both, a uid only
 * with its flag.  Other requests carry no uid.
 */
static int
match_check(const struct req_type *rt, const struct gp_request *req,
    const char **errstr)
{
	if (!(rt->fields & RF_MATCH)) {
		if (req->uid == 0)
			return (0);
		*errstr = "unexpected uid in request";
		return (-1);
	}
	if (req->search[0] == '\0') {
		*errstr = "missing pattern in request";
		return (-1);
	}
	if ((req->flags & GP_REQ_NEWEST) && (req->flags & GP_REQ_OLDEST)) {
		*errstr = "newest and oldest exclude each other";
		return (-1);
	}
	if (!(req->flags & GP_REQ_UID) && req->uid != 0) {
		*errstr = "uid without its flag";
		return (-1);
	}
	return (gp_pattern_check(req->search, errstr));
}

/*
 * The patterns of add --match that glibc's regex would take too long to
 * compile or match (the prober does both, and watches nothing meanwhile):
 * back-references, and interval expressions whose bounds, multiplied
 * together, exceed GP_PATTERN_REPEAT_MAX.  The pattern's syntax is
 * regcomp's to judge.
 */
int
gp_pattern_check(const char *pat, const char **errstr)
{
	const char *p = pat;
	unsigned long long weight = 1, n, m;

	while (*p != '\0') {
		if (*p == '\\') {
			if (p[1] >= '1' && p[1] <= '9') {
				*errstr = "back-references are not supported";
				return (-1);
			}
			p += p[1] != '\0' ? 2 : 1;
		} else if (*p == '[')
			p = bracket_end(p);
		else if (*p == '{' && p[1] >= '0' && p[1] <= '9') {
			for (n = 0, p++; *p >= '0' && *p <= '9'; p++)
				if ((n = n * 10 + (unsigned)(*p - '0')) >
				    GP_PATTERN_REPEAT_MAX)
					n = GP_PATTERN_REPEAT_MAX + 1;
			m = n;
			if (*p == ',')
				for (m = 0, p++; *p >= '0' && *p <= '9'; p++)
					if ((m = m * 10 +
					            (unsigned)(*p - '0')) >
					    GP_PATTERN_REPEAT_MAX)
						m = GP_PATTERN_REPEAT_MAX + 1;
			weight *= m > n ? m : n > 0 ? n : 1;
			if (weight > GP_PATTERN_REPEAT_MAX) {
				*errstr = "intervals repeat too much (their "
				          "bounds multiplied, at most " XSTR(
				              GP_PATTERN_REPEAT_MAX) ")";
				return (-1);
			}
		} else if ((*p == '*' || *p == '+' || *p == '?') && p > pat &&
		    (p[-1] == '*' || p[-1] == '+' || p[-1] == '?' ||
		        p[-1] == '}')) {
			*errstr = "a repetition of a repetition";
			return (-1);
		} else
			p++;
	}
	return (0);
}

/*
 * Past a bracket expression that starts at p ('['): a ']' first (after
 * an optional '^') is a member; [: :], [= =] and [. .] are skipped whole.
 */
static const char *
bracket_end(const char *p)
{
	char close;

	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p != '\0' && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
			close = p[1];
			for (p += 2;
			     *p != '\0' && !(p[0] == close && p[1] == ']'); p++)
				;
			if (*p != '\0')
				p += 2;
		} else
			p++;
	}
	return (*p == ']' ? p + 1 : p);
}

/*
 * The label and the new label of tag, group and reset: present where the
 * request takes them, cleaned as a label (reset: the confirmation word).
 */
static int
labels_check(
    const struct req_type *rt, struct gp_request *req, const char **errstr)
{
	char tmp[GP_LABEL_MAX + 1];

	if (rt->fields & RF_LABEL) {
		if (req->label[0] == '\0') {
			*errstr = "missing label in request";
			return (-1);
		}
		if (rt->type == IMSG_CTL_RESET) {
			if (strcmp(req->label, "RESET") != 0) {
				*errstr =
				    "reset requires the confirmation word RESET";
				return (-1);
			}
		} else {
			if (gp_label_clean(
			        req->label, tmp, sizeof(tmp), errstr) == -1)
				return (-1);
			(void)strlcpy(req->label, tmp, sizeof(req->label));
		}
	} else if (req->label[0] != '\0') {
		*errstr = "unexpected label in request";
		return (-1);
	}

	if (rt->fields & RF_NEWLABEL) {
		if ((req->flags & GP_REQ_RENAME) && req->newlabel[0] == '\0') {
			*errstr = "rename without a new label";
			return (-1);
		}
		if (!(req->flags & GP_REQ_RENAME) && req->newlabel[0] != '\0') {
			*errstr = "new label without rename";
			return (-1);
		}
		if (req->newlabel[0] != '\0') {
			if (gp_label_clean(
			        req->newlabel, tmp, sizeof(tmp), errstr) == -1)
				return (-1);
			(void)strlcpy(
			    req->newlabel, tmp, sizeof(req->newlabel));
		}
	} else if (req->newlabel[0] != '\0') {
		*errstr = "unexpected new label in request";
		return (-1);
	}
	return (0);
}

/*
 * update's changes: at least one; a name, or NONAME, not both; no label
 * both added and removed.  Other requests carry none.
 */
static int
edit_check(const struct req_type *rt, const struct gp_request *req,
    const char **errstr)
{
	const struct gp_strlist *add[2] = { &req->add_tags, &req->add_groups };
	const struct gp_strlist *rm[2] = { &req->rm_tags, &req->rm_groups };
	uint32_t i;
	int k;

	if (!(rt->fields & RF_EDIT)) {
		if (req->add_tags.n == 0 && req->rm_tags.n == 0 &&
		    req->add_groups.n == 0 && req->rm_groups.n == 0)
			return (0);
		*errstr = "unexpected changes in request";
		return (-1);
	}
	if ((req->flags & GP_REQ_NONAME) && req->name[0] != '\0') {
		*errstr = "a new name and no name exclude each other";
		return (-1);
	}
	if (req->add_tags.n == 0 && req->rm_tags.n == 0 &&
	    req->add_groups.n == 0 && req->rm_groups.n == 0 &&
	    req->name[0] == '\0' && !(req->flags & GP_REQ_NONAME)) {
		*errstr = "update without a change";
		return (-1);
	}
	for (k = 0; k < 2; k++)
		for (i = 0; i < add[k]->n && i < GP_SEL_MAX; i++)
			if (gp_strlist_has(rm[k], add[k]->v[i])) {
				*errstr = k == 0 ?
				    "a tag both added and removed" :
				    "a group both added and removed";
				return (-1);
			}
	return (0);
}

/* list's sort and limit. */
static int
order_check(const struct req_type *rt, const struct gp_request *req,
    const char **errstr)
{
	if (!(rt->fields & RF_ORDER)) {
		if (req->sort == 0 && req->limit == 0)
			return (0);
		*errstr = "unexpected sort or limit in request";
		return (-1);
	}
	if (req->sort >= GP_SORT_MAX) {
		*errstr = "unknown sort order";
		return (-1);
	}
	if (req->limit > GP_LIMIT_MAX) {
		*errstr = "limit too large (at most " XSTR(GP_LIMIT_MAX) ")";
		return (-1);
	}
	return (0);
}

static int
entry_encode(struct ibuf *b, const struct gp_entry *e)
{
	struct wire_entry w;

	memset(&w, 0, sizeof(w));
	w.id = e->id;
	w.start_ticks = e->start_ticks;
	w.added_at = e->added_at;
	w.last_seen = e->last_seen;
	w.pid = e->pid;
	w.pgid = e->pgid;
	w.owner_uid = e->owner_uid;
	w.alive = e->alive;
	w.ntags = e->tags.n;
	w.ngroups = e->groups.n;
	w.flags = e->flags;
	w.met_valid = e->met.valid;
	w.threads = e->met.threads;
	w.cpu_pct = e->met.cpu_pct;
	w.state = (uint32_t)(unsigned char)e->met.state;
	w.cpu_ns = e->met.cpu_ns;
	w.rss_bytes = e->met.rss_bytes;
	w.sampled_at = e->met.sampled_at;
	w.started_at = e->met.started_at;
	w.exited_at = e->met.exited_at;
	if (e->kids.valid)
		w.extra = WIRE_ENT_KIDS;
	if (e->id == 0)
		w.extra |= WIRE_ENT_CAND;
	if (ibuf_add(b, &w, sizeof(w)) == -1)
		return (-1);
	if (put_str(b, e->name, sizeof(e->name), GP_NAME_MAX) == -1 ||
	    put_str(b, e->cmd, sizeof(e->cmd), GP_CMD_MAX) == -1 ||
	    put_list(b, &e->tags, GP_LABELS_MAX, GP_LABEL_MAX) == -1 ||
	    put_list(b, &e->groups, GP_LABELS_MAX, GP_LABEL_MAX) == -1)
		return (-1);
	if (w.extra & WIRE_ENT_KIDS)
		return (kids_encode(b, &e->kids));
	return (0);
}

/* list --children of an entry. */
static int
kids_encode(struct ibuf *b, const struct gp_children *k)
{
	uint32_t i;

	if (k->n > GP_CHILDREN_MAX) {
		errno = EINVAL;
		return (-1);
	}
	if (ibuf_add_h32(b, k->nchildren) == -1 ||
	    ibuf_add_h32(b, k->ndesc) == -1 || ibuf_add_h32(b, k->n) == -1)
		return (-1);
	for (i = 0; i < k->n; i++)
		if (ibuf_add_h32(b, (uint32_t)k->v[i].pid) == -1 ||
		    put_str(b, k->v[i].comm, sizeof(k->v[i].comm),
		        GP_COMM_MAX) == -1)
			return (-1);
	return (0);
}

static int
kids_decode(struct ibuf *b, struct gp_children *k, const char **errstr)
{
	uint32_t i, pid;

	if (ibuf_get_h32(b, &k->nchildren) == -1 ||
	    ibuf_get_h32(b, &k->ndesc) == -1 || ibuf_get_h32(b, &k->n) == -1) {
		*errstr = e_short;
		return (-1);
	}
	if (k->n > GP_CHILDREN_MAX || k->n > k->nchildren ||
	    k->nchildren > k->ndesc || k->ndesc > GP_PID_MAX) {
		*errstr = "entry children out of range";
		return (-1);
	}
	k->valid = 1;
	for (i = 0; i < k->n; i++) {
		if (ibuf_get_h32(b, &pid) == -1) {
			*errstr = e_short;
			return (-1);
		}
		if ((int32_t)pid < 1 || (int32_t)pid > GP_PID_MAX) {
			*errstr = "child pid out of range (1 to " XSTR(
			    GP_PID_MAX) ")";
			return (-1);
		}
		k->v[i].pid = (int32_t)pid;
		if (get_str(b, k->v[i].comm, sizeof(k->v[i].comm), &f_comm,
		        errstr) == -1)
			return (-1);
	}
	return (0);
}

/*
 * The metrics of a wire entry: a member that the mask says is unknown
 * must be 0, and each known one within its bounds.
 */
static int
metrics_decode(
    const struct wire_entry *w, struct gp_metrics *m, const char **errstr)
{
	int sample = (w->met_valid & GP_MET_SAMPLE) != 0;

	if (w->met_valid & ~GP_MET_MASK) {
		*errstr = "unknown entry metrics";
		return (-1);
	}
	if ((w->met_valid & GP_MET_CPU_PCT) && !sample) {
		*errstr = "entry CPU use without a sample";
		return (-1);
	}
	if (sample ? !((w->state >= 'A' && w->state <= 'Z') ||
	                 (w->state >= 'a' && w->state <= 'z')) :
	             w->state != 0) {
		*errstr = "entry state is not a letter";
		return (-1);
	}
	if ((!sample &&
	        (w->threads != 0 || w->cpu_ns != 0 || w->rss_bytes != 0 ||
	            w->sampled_at != 0)) ||
	    (!(w->met_valid & GP_MET_CPU_PCT) && w->cpu_pct != 0) ||
	    (!(w->met_valid & GP_MET_STARTED) && w->started_at != 0) ||
	    (!(w->met_valid & GP_MET_EXITED) && w->exited_at != 0)) {
		*errstr = "entry metrics set but not valid";
		return (-1);
	}
	if (w->threads > GP_THREADS_MAX || w->cpu_pct > GP_CPU_PCT_MAX ||
	    w->cpu_ns > INT64_MAX || w->rss_bytes > INT64_MAX ||
	    w->sampled_at < 0 || w->started_at < 0 || w->exited_at < 0) {
		*errstr = "entry metrics out of range";
		return (-1);
	}
	m->valid = w->met_valid;
	m->threads = w->threads;
	m->cpu_pct = w->cpu_pct;
	m->state = (char)w->state;
	m->cpu_ns = w->cpu_ns;
	m->rss_bytes = w->rss_bytes;
	m->sampled_at = w->sampled_at;
	m->started_at = w->started_at;
	m->exited_at = w->exited_at;
	return (0);
}

/* Decode an entry, leaving what follows it in b. */
static int
entry_decode(struct ibuf *b, struct gp_entry *e, const char **errstr)
{
	struct wire_entry w;

	/*
	 * Not all of it: a struct gp_entry is 9 KiB, mostly string room
	 * that the strings decoded below fill as far as they need.
	 */
	memset(e, 0, offsetof(struct gp_entry, name));
	e->name[0] = e->cmd[0] = '\0';
	e->tags.n = e->groups.n = 0;
	memset(&e->met, 0, sizeof(e->met));
	memset(&e->kids, 0, sizeof(e->kids));
	if (ibuf_get(b, &w, sizeof(w)) == -1) {
		*errstr = e_short;
		return (-1);
	}
	if (w.id == 0 && !(w.extra & WIRE_ENT_CAND)) {
		*errstr = "entry id out of range (at least 1)";
		return (-1);
	}
	if (w.id != 0 && (w.extra & WIRE_ENT_CAND)) {
		*errstr = "a candidate with an id";
		return (-1);
	}
	if (w.pid < 1 || w.pid > GP_PID_MAX) {
		*errstr = "entry pid out of range (1 to " XSTR(GP_PID_MAX) ")";
		return (-1);
	}
	if (w.pgid < 0 || w.pgid > GP_PID_MAX) {
		*errstr = "entry pgid out of range (0 to " XSTR(GP_PID_MAX) ")";
		return (-1);
	}
	if (w.alive > 1) {
		*errstr = "entry alive flag is not 0 or 1";
		return (-1);
	}
	if ((w.flags & ~GP_ENT_MASK) != 0 ||
	    (w.extra & ~(WIRE_ENT_KIDS | WIRE_ENT_CAND)) != 0) {
		*errstr = "unknown entry flags";
		return (-1);
	}
	if ((w.extra & WIRE_ENT_KIDS) && !w.alive) {
		*errstr = "children of a dead entry";
		return (-1);
	}
	e->id = w.id;
	e->start_ticks = w.start_ticks;
	e->added_at = w.added_at;
	e->last_seen = w.last_seen;
	e->pid = w.pid;
	e->pgid = w.pgid;
	e->owner_uid = w.owner_uid;
	e->alive = w.alive;
	e->flags = w.flags;
	if (metrics_decode(&w, &e->met, errstr) == -1)
		return (-1);
	if (get_str(b, e->name, sizeof(e->name), &f_name, errstr) == -1 ||
	    get_str(b, e->cmd, sizeof(e->cmd), &f_cmd, errstr) == -1)
		return (-1);
	if (e->name[0] != '\0' && gp_valid_name(e->name, errstr) == -1)
		return (-1);
	if (get_list(b, w.ntags, &e->tags, &l_tags, errstr) == -1 ||
	    get_list(b, w.ngroups, &e->groups, &l_groups, errstr) == -1)
		return (-1);
	if (w.extra & WIRE_ENT_KIDS)
		return (kids_decode(b, &e->kids, errstr));
	return (0);
}

int
wire_entry_encode(struct ibuf *b, const struct gp_entry *e)
{
	return (entry_encode(b, e));
}

int
wire_entry_decode(struct ibuf *b, struct gp_entry *e, const char **errstr)
{
	if (entry_decode(b, e, errstr) == -1)
		return (-1);
	if (ibuf_size(b) != 0) {
		*errstr = e_trailing;
		return (-1);
	}
	return (0);
}

int
wire_result_encode(struct ibuf *b, const struct gp_result *r)
{
	struct wire_result w;
	uint32_t i;

	memset(&w, 0, sizeof(w));
	w.flags = r->flags;
	w.signo = r->signo;
	w.skipped = r->tally.skipped;
	w.signalled = r->tally.signalled;
	w.nspared = r->tally.nspared;
	if (w.nspared > GP_SPARED_MAX) {
		errno = EINVAL;
		return (-1);
	}
	if (ibuf_add(b, &w, sizeof(w)) == -1)
		return (-1);
	if (put_str(b, r->msg, sizeof(r->msg), GP_MSG_MAX) == -1)
		return (-1);
	for (i = 0; i < w.nspared; i++)
		if (ibuf_add_h32(b, (uint32_t)r->tally.spared[i].pid) == -1 ||
		    ibuf_add_h32(b, r->tally.spared[i].why) == -1 ||
		    ibuf_add_h32(b, r->tally.spared[i].uid) == -1)
			return (-1);
	return (entry_encode(b, &r->entry));
}

int
wire_result_decode(struct ibuf *b, struct gp_result *r, const char **errstr)
{
	struct wire_result w;

	memset(r, 0, sizeof(*r));
	if (ibuf_get(b, &w, sizeof(w)) == -1) {
		*errstr = e_short;
		return (-1);
	}
	if (w.flags & ~GP_RES_MASK) {
		*errstr = "unknown result flags";
		return (-1);
	}
	if (w.signo < 0 || w.signo > SIGNO_MAX) {
		*errstr =
		    "result signal out of range (0 to " XSTR(SIGNO_MAX) ")";
		return (-1);
	}
	if (w.reserved != 0) {
		*errstr = "reserved field is not zero";
		return (-1);
	}
	if (w.nspared > GP_SPARED_MAX || w.nspared > w.skipped) {
		*errstr = "too many spared processes in result (at most " XSTR(
		    GP_SPARED_MAX) ")";
		return (-1);
	}
	if (w.skipped > GP_PID_MAX || w.signalled > GP_PID_MAX) {
		*errstr = "result process count out of range";
		return (-1);
	}
	r->flags = w.flags;
	r->signo = w.signo;
	r->tally.skipped = w.skipped;
	r->tally.signalled = w.signalled;
	r->tally.nspared = w.nspared;
	if (get_str(b, r->msg, sizeof(r->msg), &f_msg, errstr) == -1)
		return (-1);
	if (spared_decode(b, &r->tally, errstr) == -1)
		return (-1);
	return (wire_entry_decode(b, &r->entry, errstr));
}

/* The processes a kill spared, named in a result. */
static int
spared_decode(struct ibuf *b, struct gp_tally *t, const char **errstr)
{
	struct gp_spared *sp;
	uint32_t i, pid;

	for (i = 0; i < t->nspared; i++) {
		sp = &t->spared[i];
		if (ibuf_get_h32(b, &pid) == -1 ||
		    ibuf_get_h32(b, &sp->why) == -1 ||
		    ibuf_get_h32(b, &sp->uid) == -1) {
			*errstr = e_short;
			return (-1);
		}
		sp->pid = (int32_t)pid;
		if (sp->pid < 1 || sp->pid > GP_PID_MAX) {
			*errstr = "spared pid out of range (1 to " XSTR(
			    GP_PID_MAX) ")";
			return (-1);
		}
		if (sp->why != GP_SPARE_PERM && sp->why != GP_SPARE_LIMIT) {
			*errstr = "unknown reason for a spared process";
			return (-1);
		}
	}
	return (0);
}

int
wire_end_encode(struct ibuf *b, const struct gp_end *end)
{
	struct wire_end w;

	memset(&w, 0, sizeof(w));
	w.status = end->status;
	w.count = end->count;
	if (ibuf_add(b, &w, sizeof(w)) == -1)
		return (-1);
	return (put_str(b, end->msg, sizeof(end->msg), GP_MSG_MAX));
}

int
wire_end_decode(struct ibuf *b, struct gp_end *end, const char **errstr)
{
	struct wire_end w;

	memset(end, 0, sizeof(*end));
	if (ibuf_get(b, &w, sizeof(w)) == -1) {
		*errstr = e_short;
		return (-1);
	}
	if (w.status < GP_ST_OK || w.status > GP_ST_BUSY) {
		*errstr = "unknown status";
		return (-1);
	}
	end->status = w.status;
	end->count = w.count;
	if (get_str(b, end->msg, sizeof(end->msg), &f_msg, errstr) == -1)
		return (-1);
	if (ibuf_size(b) != 0) {
		*errstr = e_trailing;
		return (-1);
	}
	return (0);
}

/*
 * A unique name: 1 to GP_NAME_MAX letters, digits, '.', '-' or '_'.
 */
int
gp_valid_name(const char *s, const char **errstr)
{
	size_t len, i;

	len = strnlen(s, GP_NAME_MAX + 1);
	if (len == 0) {
		*errstr = "name is empty";
		return (-1);
	}
	if (len > GP_NAME_MAX) {
		*errstr = "name too long (at most " XSTR(GP_NAME_MAX) " bytes)";
		return (-1);
	}
	for (i = 0; i < len; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		    s[i] == '-' || s[i] == '_')
			continue;
		*errstr = "name has invalid characters";
		return (-1);
	}
	return (0);
}

/*
 * Check the len bytes of a trimmed label: valid UTF-8, no control
 * characters (C0, DEL, C1), none of , [ ] ".
 */
static int
label_check(const unsigned char *s, size_t len, const char **errstr)
{
	size_t i, n;
	uint32_t cp;

	for (i = 0; i < len; i += n) {
		if (s[i] < 0x80) {
			cp = s[i];
			n = 1;
		} else if ((n = gp_utf8_next(s + i, len - i, &cp)) == 0) {
			*errstr = "label is not valid UTF-8";
			return (-1);
		}
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			*errstr = "label has control characters";
			return (-1);
		}
		if (cp == ',' || cp == '[' || cp == ']' || cp == '"') {
			*errstr =
			    "label has invalid characters (one of , [ ] \")";
			return (-1);
		}
	}
	return (0);
}

static int
is_space(unsigned char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r');
}

/*
 * Clean a tag or group: trim surrounding ASCII whitespace, then require
 * 1 to GP_LABEL_MAX bytes of valid UTF-8 without control characters or
 * any of , [ ] ".  The cleaned copy goes to out (outsz bytes).
 */
int
gp_label_clean(const char *in, char *out, size_t outsz, const char **errstr)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t len;

	while (is_space(*s))
		s++;
	len = strlen((const char *)s);
	while (len > 0 && is_space(s[len - 1]))
		len--;
	if (len == 0) {
		*errstr = "label is empty";
		return (-1);
	}
	if (len > GP_LABEL_MAX || len >= outsz) {
		*errstr =
		    "label too long (at most " XSTR(GP_LABEL_MAX) " bytes)";
		return (-1);
	}
	if (label_check(s, len, errstr) == -1)
		return (-1);
	memmove(out, s, len);
	out[len] = '\0';
	return (0);
}

/*
 * Add the string s (at most len bytes of it, up to a NUL) to l after
 * cleaning it as a label.  A value already in the list is ignored.
 */
int
gp_strlist_add(
    struct gp_strlist *l, const char *s, size_t len, const char **errstr)
{
	char in[4 * GP_LABEL_MAX + 1], out[GP_LABEL_MAX + 1];

	len = strnlen(s, len);
	if (len >= sizeof(in)) {
		*errstr =
		    "label too long (at most " XSTR(GP_LABEL_MAX) " bytes)";
		return (-1);
	}
	memcpy(in, s, len);
	in[len] = '\0';
	if (gp_label_clean(in, out, sizeof(out), errstr) == -1)
		return (-1);
	if (gp_strlist_has(l, out))
		return (0);
	if (l->n >= GP_SEL_MAX) {
		*errstr = "too many values (at most " XSTR(GP_SEL_MAX) ")";
		return (-1);
	}
	memcpy(l->v[l->n], out, sizeof(out));
	l->n++;
	return (0);
}

int
gp_strlist_has(const struct gp_strlist *l, const char *s)
{
	uint32_t i;

	for (i = 0; i < l->n && i < GP_SEL_MAX; i++)
		if (strcmp(l->v[i], s) == 0)
			return (1);
	return (0);
}

static int
strlist_cmp(const void *a, const void *b)
{
	return (strcmp(a, b));
}

/* Sort a list in byte order. */
void
gp_strlist_sort(struct gp_strlist *l)
{
	if (l->n > 1 && l->n <= GP_SEL_MAX)
		qsort(l->v, l->n, sizeof(l->v[0]), strlist_cmp);
}

void
gp_entry_sort_labels(struct gp_entry *e)
{
	gp_strlist_sort(&e->tags);
	gp_strlist_sort(&e->groups);
}

int
wire_event_encode(struct ibuf *b, const struct gp_event *ev)
{
	struct wire_event w;

	memset(&w, 0, sizeof(w));
	w.type = ev->type;
	w.flags = ev->flags;
	w.at = ev->at;
	w.signo = ev->signo;
	w.by_uid = ev->by_uid;
	w.by_pid = ev->by_pid;
	w.count = ev->count;
	w.changed = ev->changed;
	if (ibuf_add(b, &w, sizeof(w)) == -1)
		return (-1);
	if (put_str(b, ev->from, sizeof(ev->from), GP_LABEL_MAX) == -1 ||
	    put_str(b, ev->to, sizeof(ev->to), GP_LABEL_MAX) == -1)
		return (-1);
	if (!(ev->flags & GP_EVF_ENTRY))
		return (0);
	return (entry_encode(b, &ev->entry));
}

/*
 * What each event type carries: an entry but for reset and lost, a
 * signal and who asked for signalled only, labels for renamed only, a
 * count for lost only.
 */
static int
event_check(const struct wire_event *w, const char **errstr)
{
	int entry, renamed;

	if (w->type == GP_EV_NONE || w->type >= GP_EV_MAX) {
		*errstr = "unknown event type";
		return (-1);
	}
	if ((w->flags & ~GP_EVF_MASK) != 0 || w->reserved != 0) {
		*errstr = "unknown event flags";
		return (-1);
	}
	entry = w->type != GP_EV_RESET && w->type != GP_EV_LOST;
	if (entry != ((w->flags & GP_EVF_ENTRY) != 0)) {
		*errstr = entry ? "event without its entry" :
		                  "unexpected entry in event";
		return (-1);
	}
	if (w->type == GP_EV_SIGNALLED) {
		if (w->signo < 1 || w->signo > SIGNO_MAX || w->by_pid < 0 ||
		    w->by_pid > GP_PID_MAX) {
			*errstr = "event signal or client out of range";
			return (-1);
		}
	} else if (w->signo != 0 || w->by_uid != 0 || w->by_pid != 0) {
		*errstr = "unexpected signal in event";
		return (-1);
	}
	if ((w->type == GP_EV_LOST) != (w->count != 0)) {
		*errstr = "event count out of place";
		return (-1);
	}
	renamed = w->type == GP_EV_RENAMED;
	if ((w->changed & ~GP_CHG_MASK) != 0 ||
	    (w->changed != 0 && w->type != GP_EV_UPDATED && !renamed) ||
	    (renamed && w->changed != GP_CHG_TAGS &&
	        w->changed != GP_CHG_GROUPS)) {
		*errstr = "event changes out of place";
		return (-1);
	}
	return (0);
}

int
wire_event_decode(struct ibuf *b, struct gp_event *ev, const char **errstr)
{
	struct wire_event w;
	int renamed;

	memset(ev, 0, sizeof(*ev));
	if (ibuf_get(b, &w, sizeof(w)) == -1) {
		*errstr = e_short;
		return (-1);
	}
	if (event_check(&w, errstr) == -1)
		return (-1);
	ev->type = w.type;
	ev->flags = w.flags;
	ev->at = w.at;
	ev->signo = w.signo;
	ev->by_uid = w.by_uid;
	ev->by_pid = w.by_pid;
	ev->count = w.count;
	ev->changed = w.changed;
	if (get_str(b, ev->from, sizeof(ev->from), &f_label, errstr) == -1 ||
	    get_str(b, ev->to, sizeof(ev->to), &f_newlabel, errstr) == -1)
		return (-1);
	renamed = ev->type == GP_EV_RENAMED;
	if (renamed != (ev->from[0] != '\0') ||
	    renamed != (ev->to[0] != '\0')) {
		*errstr = "event labels out of place";
		return (-1);
	}
	if (renamed &&
	    (label_check((const unsigned char *)ev->from, strlen(ev->from),
	         errstr) == -1 ||
	        label_check((const unsigned char *)ev->to, strlen(ev->to),
	            errstr) == -1))
		return (-1);
	if (ev->flags & GP_EVF_ENTRY)
		return (wire_entry_decode(b, &ev->entry, errstr));
	if (ibuf_size(b) != 0) {
		*errstr = e_trailing;
		return (-1);
	}
	return (0);
}

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
 * goprocctl top: what top.c (the connections and the table), top_keys.c
 * (what the keys do) and top_draw.c (the screen and batch frames) share.
 */

#ifndef TOP_H
#define TOP_H

#include <stdio.h>
#include <wchar.h>

#include "goproc.h"

/* clang-format off */
#define TOP_HILITE_MS	3000	/* an entry that just died stands out */

enum top_sort {
	TS_ID,
	TS_NAME,
	TS_PID,
	TS_CPU,		/* highest first */
	TS_RSS,		/* highest first */
	TS_UPTIME,	/* longest first */
	TS_MAX
};

enum top_mode {
	TM_LIST,
	TM_DETAIL,
	TM_HELP,
	TM_LABELS,	/* t or g: the tags or groups with counts */
	TM_FILTER,	/* /: typing a filter */
	TM_CONFIRM,	/* K: y or n */
};

struct top_ent {
	struct gp_entry	 e;
	int64_t		 died;		/* when its exit came (ms), or 0 */
};

struct top_label {
	char		 name[GP_LABEL_MAX + 1];
	unsigned int	 count;
};

struct top_state {
	int		 batch;
	int		 utf8;		/* the locale's codeset is UTF-8 */
	int64_t		 now;		/* monotonic ms */
	int64_t		 wall;		/* ns since the epoch, at now */
	struct top_ent	**ents;		/* the registry, by id */
	size_t		 nents, maxents;
	struct top_ent	**view;		/* what the filter selects, sorted */
	size_t		 nview, maxview;
	struct gp_request filter;
	char		 filtertext[GP_SEARCH_MAX + 1];
	int		 sort;
	int		 reverse;
	int		 paused;
	char		 version[GP_MSG_MAX + 1];
	int64_t		 started;	/* goprocd's start (ms, as now), or -1 */
	char		 status[GP_MSG_MAX + 256];
	enum top_mode	 mode;
	uint64_t	 sel_id;	/* the selected entry */
	size_t		 sel, first;	/* its row, the first row shown */
	int		 scroll;	/* detail and help: lines scrolled */
	struct top_label *labels;	/* TM_LABELS */
	size_t		 nlabels, lsel, lfirst;
	int		 labelkind;	/* 0: tags, 1: groups */
	char		 input[GP_SEARCH_MAX + 1];	/* TM_FILTER */
	uint64_t	 confirm_id;	/* TM_CONFIRM */
	int		 dirty;		/* redraw */
	int		 quit;
};

/* top.c */
struct top_ent	*top_find(struct top_state *, uint64_t);
void		 top_kill(struct top_state *, uint64_t);
void		 top_pause(struct top_state *, int);

/* top_keys.c */
void		 top_key(struct top_state *, int, wint_t);
int		 top_filter_parse(const char *, struct gp_request *, char *,
		    size_t);

/* top_draw.c */
extern const char *const top_sort_names[TS_MAX];
void		 top_view_build(struct top_state *);
void		 top_labels_build(struct top_state *, int);
void		 top_draw(struct top_state *);
void		 top_frame(struct top_state *, FILE *);
int		 top_list_rows(void);
const char	*top_safe(const struct top_state *, const char *, char *,
		    size_t);
/* clang-format on */

#endif /* TOP_H */

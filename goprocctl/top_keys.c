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
 * What the keys of goprocctl top do, in each of its views, and the
 * filter typed after /: the selectors of list, as words, turned into
 * a struct gp_request that gp_entry_match() applies to the table.
 */

#include <sys/types.h>

#include <curses.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "goproc.h"
#include "goprocctl.h"
#include "top.h"

/* clang-format off */
#define CTRL(c)		((c) & 0x1f)
#define KEY_ESC		0x1b

static int	 filter_word(const char *, struct gp_request *, char *,
		    size_t);
static void	 set_filter(struct top_state *, const char *);
static void	 key_list(struct top_state *, int);
static void	 key_filter(struct top_state *, int, wint_t);
static void	 key_labels(struct top_state *, int);
static void	 key_detail(struct top_state *, int);
static void	 move_sel(size_t *, size_t, long);
/* clang-format on */

/* One word of a filter into req; plain words go to the search text. */
static int
filter_word(const char *w, struct gp_request *req, char *err, size_t len)
{
	static const struct {
		const char *prefix;
		size_t off;
	} lists[] = {
		{ "tag:", offsetof(struct gp_request, tags) },
		{ "tag-all:", offsetof(struct gp_request, tags_all) },
		{ "group:", offsetof(struct gp_request, groups) },
		{ "group-all:", offsetof(struct gp_request, groups_all) },
	};
	char clean[GP_LABEL_MAX + 1];
	const char *errstr = NULL, *v;
	long long n;
	size_t i, pl;

	if (strcmp(w, "alive") == 0) {
		req->flags |= GP_REQ_ALIVE;
		return (0);
	}
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		pl = strlen(lists[i].prefix);
		if (strncmp(w, lists[i].prefix, pl) != 0)
			continue;
		v = w + pl;
		if (gp_label_clean(v, clean, sizeof(clean), &errstr) == -1 ||
		    gp_strlist_add(
		        (struct gp_strlist *)((char *)req + lists[i].off),
		        clean, strlen(clean), &errstr) == -1)
			break;
		return (0);
	}
	if (errstr == NULL && strncmp(w, "name:", 5) == 0) {
		if (gp_valid_name(w + 5, &errstr) == 0 &&
		    gp_strlist_add(
		        &req->names, w + 5, strlen(w + 5), &errstr) == 0)
			return (0);
	} else if (errstr == NULL &&
	    (strncmp(w, "id:", 3) == 0 || strncmp(w, "pid:", 4) == 0)) {
		v = strchr(w, ':') + 1;
		n = strtonum(
		    v, 1, w[0] == 'i' ? LLONG_MAX : GP_PID_MAX, &errstr);
		if (errstr == NULL && w[0] == 'i' && req->nids < GP_SEL_MAX)
			req->ids[req->nids++] = (uint64_t)n;
		else if (errstr == NULL && w[0] == 'p' &&
		    req->npids < GP_SEL_MAX)
			req->pids[req->npids++] = (int32_t)n;
		else if (errstr == NULL)
			errstr = "too many";
		if (errstr == NULL)
			return (0);
	} else if (errstr == NULL) {
		if (req->search[0] != '\0')
			(void)strlcat(req->search, " ", sizeof(req->search));
		if (strlcat(req->search, w, sizeof(req->search)) <
		    sizeof(req->search))
			return (0);
		errstr = "too long";
	}
	(void)snprintf(err, len, "bad filter \"%s\": %s", w, errstr);
	return (-1);
}

/*
 * A filter as typed, "tag:web group:prod name:db alive text", into req.
 * Returns 0, or -1 with the reason in err.
 */
int
top_filter_parse(
    const char *text, struct gp_request *req, char *err, size_t len)
{
	char copy[GP_SEARCH_MAX + 1], *p, *w;

	memset(req, 0, sizeof(*req));
	req->type = IMSG_CTL_LIST;
	if (strlcpy(copy, text, sizeof(copy)) >= sizeof(copy)) {
		(void)snprintf(err, len, "filter too long");
		return (-1);
	}
	for (p = copy; (w = strsep(&p, " \t")) != NULL;) {
		if (*w == '\0')
			continue;
		if (filter_word(w, req, err, len) == -1)
			return (-1);
	}
	return (0);
}

static void
set_filter(struct top_state *t, const char *text)
{
	struct gp_request req;

	if (top_filter_parse(text, &req, t->status, sizeof(t->status)) == -1)
		return;
	t->filter = req;
	(void)strlcpy(t->filtertext, text, sizeof(t->filtertext));
	t->status[0] = '\0';
	t->first = 0;
}

/* Move an index by delta within [0, n). */
static void
move_sel(size_t *sel, size_t n, long delta)
{
	long v = (long)*sel + delta;

	if (v >= (long)n)
		v = (long)n - 1;
	if (v < 0)
		v = 0;
	*sel = (size_t)v;
}

static void
key_list(struct top_state *t, int k)
{
	long page = top_list_rows();

	switch (k) {
	case 'q':
		t->quit = 1;
		return;
	case 'j':
	case KEY_DOWN:
		move_sel(&t->sel, t->nview, 1);
		break;
	case 'k':
	case KEY_UP:
		move_sel(&t->sel, t->nview, -1);
		break;
	case KEY_NPAGE:
		move_sel(&t->sel, t->nview, page);
		break;
	case KEY_PPAGE:
		move_sel(&t->sel, t->nview, -page);
		break;
	case KEY_HOME:
		t->sel = 0;
		break;
	case KEY_END:
		move_sel(&t->sel, t->nview, (long)t->nview);
		break;
	case 's':
		t->sort = (t->sort + 1) % TS_MAX;
		return;
	case 'r':
		t->reverse = !t->reverse;
		return;
	case '/':
		(void)strlcpy(t->input, t->filtertext, sizeof(t->input));
		t->mode = TM_FILTER;
		return;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (t->nview > 0) {
			t->mode = TM_DETAIL;
			t->scroll = 0;
		}
		return;
	case 'K':
		if (t->nview > 0) {
			t->confirm_id = t->sel_id;
			t->mode = TM_CONFIRM;
		}
		return;
	case 't':
	case 'g':
		top_labels_build(t, k == 'g');
		t->mode = TM_LABELS;
		return;
	case ' ':
		top_pause(t, !t->paused);
		return;
	case '?':
		t->mode = TM_HELP;
		t->scroll = 0;
		return;
	default:
		return;
	}
	if (t->nview > 0)
		t->sel_id = t->view[t->sel]->e.id;
}

/* /: a line of text; Enter applies it, Escape leaves it. */
static void
key_filter(struct top_state *t, int r, wint_t wc)
{
	char mb[MB_LEN_MAX + 1];
	mbstate_t ps;
	size_t len = strlen(t->input), n;

	if (r == KEY_CODE_YES && wc == KEY_ENTER)
		wc = '\n';
	else if (r == KEY_CODE_YES && wc == KEY_BACKSPACE)
		wc = 0x7f;
	else if (r == KEY_CODE_YES)
		return;
	switch (wc) {
	case '\n':
	case '\r':
		t->mode = TM_LIST;
		set_filter(t, t->input);
		return;
	case KEY_ESC:
		t->mode = TM_LIST;
		return;
	case 0x7f:
	case '\b':
		/* Back over one character, however many bytes it took. */
		while (
		    len > 0 && ((unsigned char)t->input[--len] & 0xc0) == 0x80)
			;
		t->input[len] = '\0';
		return;
	case CTRL('u'):
		t->input[0] = '\0';
		return;
	default:
		break;
	}
	if (wc < 0x20 || wc == 0x7f)
		return;
	memset(&ps, 0, sizeof(ps));
	if ((n = wcrtomb(mb, (wchar_t)wc, &ps)) == (size_t)-1 ||
	    len + n >= sizeof(t->input))
		return;
	memcpy(t->input + len, mb, n);
	t->input[len + n] = '\0';
}

/* t, g: move, and Enter filters by the label. */
static void
key_labels(struct top_state *t, int k)
{
	char text[GP_LABEL_MAX + 16];

	switch (k) {
	case 'j':
	case KEY_DOWN:
		move_sel(&t->lsel, t->nlabels, 1);
		return;
	case 'k':
	case KEY_UP:
		move_sel(&t->lsel, t->nlabels, -1);
		return;
	case KEY_NPAGE:
		move_sel(&t->lsel, t->nlabels, LINES > 4 ? LINES - 4 : 1);
		return;
	case KEY_PPAGE:
		move_sel(&t->lsel, t->nlabels, -(LINES > 4 ? LINES - 4 : 1));
		return;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (t->lsel < t->nlabels) {
			(void)snprintf(text, sizeof(text), "%s:%s",
			    t->labelkind == 0 ? "tag" : "group",
			    t->labels[t->lsel].name);
			set_filter(t, text);
		}
		t->mode = TM_LIST;
		return;
	case 'q':
	case KEY_ESC:
	case KEY_LEFT:
	case KEY_BACKSPACE:
		t->mode = TM_LIST;
		return;
	default:
		return;
	}
}

static void
key_detail(struct top_state *t, int k)
{
	switch (k) {
	case 'j':
	case KEY_DOWN:
		t->scroll++;
		return;
	case 'k':
	case KEY_UP:
		if (t->scroll > 0)
			t->scroll--;
		return;
	case 'K':
		t->confirm_id = t->sel_id;
		t->mode = TM_CONFIRM;
		return;
	case 'q':
	case KEY_ESC:
	case KEY_LEFT:
	case KEY_BACKSPACE:
	case '\n':
	case '\r':
	case KEY_ENTER:
		t->mode = TM_LIST;
		return;
	default:
		return;
	}
}

/*
 * One key: r is what get_wch(3) returned (OK for a character, or
 * KEY_CODE_YES for a function key), wc the key.
 */
void
top_key(struct top_state *t, int r, wint_t wc)
{
	int k = (int)wc;

	if (r == KEY_CODE_YES && wc == KEY_RESIZE)
		return;
	/* Ctrl-L, in any view: the whole screen drawn again. */
	if (r == OK && wc == CTRL('l')) {
		(void)clearok(curscr, TRUE);
		return;
	}
	/* A character beyond Latin-1 is no key but in a filter. */
	if (r == OK && wc > 0xff)
		k = 0;
	switch (t->mode) {
	case TM_FILTER:
		key_filter(t, r, wc);
		return;
	case TM_CONFIRM:
		t->mode = TM_LIST;
		if (r == OK && (wc == 'y' || wc == 'Y'))
			top_kill(t, t->confirm_id);
		else
			(void)snprintf(
			    t->status, sizeof(t->status), "kill cancelled");
		return;
	case TM_HELP:
		t->mode = TM_LIST;
		return;
	case TM_LABELS:
		key_labels(t, k);
		return;
	case TM_DETAIL:
		key_detail(t, k);
		return;
	default:
		key_list(t, k);
		return;
	}
}

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
 * The selector rule: which entries a request's selectors (--id, --pid,
 * --name, --tag, --tag-all, --group, --group-all, --search, --alive, --dead)
 * select.  Every kind given must match; within a kind, one value is
 * enough, but for the _all lists, which need every value.  The registry
 * applies it to its entries and the frontend to the entries of events,
 * each telling it through has() how to find a label on its own kind of
 * entry.
 */

#include <sys/types.h>

#include <string.h>

#include "goproc.h"

static int entry_has(const struct gp_selent *, int, int, size_t, const char *);

int
gp_sel_match(const struct gp_request *req, const struct gp_selent *e)
{
	const struct gp_strlist *lists[2][2];
	size_t i, n;
	int k, ok;

	if ((req->flags & GP_REQ_ALIVE) && !e->alive)
		return (0);
	if ((req->flags & GP_REQ_DEAD) && e->alive)
		return (0);
	if (req->nids > 0) {
		n = req->nids > GP_SEL_MAX ? GP_SEL_MAX : req->nids;
		for (i = 0, ok = 0; i < n && !ok; i++)
			ok = req->ids[i] == e->id;
		if (!ok)
			return (0);
	}
	if (req->npids > 0) {
		n = req->npids > GP_SEL_MAX ? GP_SEL_MAX : req->npids;
		for (i = 0, ok = 0; i < n && !ok; i++)
			ok = req->pids[i] == e->pid;
		if (!ok)
			return (0);
	}
	if (req->names.n > 0) {
		if (e->name == NULL || e->name[0] == '\0')
			return (0);
		n = req->names.n > GP_SEL_MAX ? GP_SEL_MAX : req->names.n;
		for (i = 0, ok = 0; i < n && !ok; i++)
			ok = strncmp(req->names.v[i], e->name,
			         sizeof(req->names.v[i])) == 0;
		if (!ok)
			return (0);
	}
	lists[0][0] = &req->tags;
	lists[0][1] = &req->tags_all;
	lists[1][0] = &req->groups;
	lists[1][1] = &req->groups_all;
	for (k = 0; k < 2; k++) {
		n = lists[k][0]->n > GP_SEL_MAX ? GP_SEL_MAX : lists[k][0]->n;
		for (i = 0, ok = n == 0; i < n && !ok; i++)
			ok = e->has(e, k, 0, i, lists[k][0]->v[i]);
		if (!ok)
			return (0);
		n = lists[k][1]->n > GP_SEL_MAX ? GP_SEL_MAX : lists[k][1]->n;
		for (i = 0; i < n; i++)
			if (!e->has(e, k, 1, i, lists[k][1]->v[i]))
				return (0);
	}
	if (memchr(req->search, '\0', sizeof(req->search)) != NULL &&
	    req->search[0] != '\0' && strstr(e->cmd, req->search) == NULL)
		return (0);
	return (1);
}

/* A gp_entry's labels, for gp_entry_match(). */
static int
entry_has(
    const struct gp_selent *se, int kind, int all, size_t i, const char *label)
{
	const struct gp_entry *e = se->arg;
	const struct gp_strlist *have;
	size_t j, n;

	(void)all;
	(void)i;
	have = kind == 0 ? &e->tags : &e->groups;
	n = have->n > GP_SEL_MAX ? GP_SEL_MAX : have->n;
	for (j = 0; j < n; j++)
		if (strncmp(have->v[j], label, sizeof(have->v[j])) == 0)
			return (1);
	return (0);
}

/* Does the request select this entry, as it travels? */
int
gp_entry_match(const struct gp_request *req, const struct gp_entry *e)
{
	struct gp_selent se;

	se.id = e->id;
	se.pid = e->pid;
	se.alive = e->alive;
	se.name = e->name;
	se.cmd = e->cmd;
	se.has = entry_has;
	se.arg = e;
	return (gp_sel_match(req, &se));
}

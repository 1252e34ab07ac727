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
 * goprocctl metrics: the entries of a list, in the Prometheus text
 * exposition format (common/prom.c), printed by the tail hook once the
 * registry has answered, so that a failure prints nothing to stdout.
 */

#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "goproc.h"
#include "goprocctl.h"
#include "prom.h"

/* clang-format off */
static void	 prom_head(struct parse_result *);
static void	 prom_entry(struct parse_result *, const struct gp_entry *);
static void	 prom_result(struct parse_result *, const struct gp_result *);
static void	 prom_info(struct parse_result *, const struct gp_end *);
static void	 prom_end(struct parse_result *, const struct gp_end *);
static void	 prom_error(struct parse_result *, const char *);
static void	 prom_tail(struct parse_result *);
static int	 prom_put(const char *, size_t, void *);

static struct gp_prom	*prom;
static int		 answered;

const struct output prom_output = {
	.head = prom_head,
	.entry = prom_entry,
	.result = prom_result,
	.info = prom_info,
	.end = prom_end,
	.error = prom_error,
	.tail = prom_tail,
};
/* clang-format on */

static void
prom_head(struct parse_result *r)
{
	if ((prom = gp_prom_new()) == NULL)
		err(GP_EXIT_FAIL, NULL);
}

static void
prom_entry(struct parse_result *r, const struct gp_entry *e)
{
	if (gp_prom_add(prom, e) == -1)
		err(GP_EXIT_FAIL, NULL);
}

static void
prom_result(struct parse_result *r, const struct gp_result *res)
{
}

static void
prom_info(struct parse_result *r, const struct gp_end *end)
{
}

/* "No processes registered" is an empty registry, not an error. */
static void
prom_end(struct parse_result *r, const struct gp_end *end)
{
	answered = 1;
}

static void
prom_error(struct parse_result *r, const char *msg)
{
	(void)fprintf(stderr, "goprocctl: %s\n", msg);
}

static int
prom_put(const char *s, size_t len, void *arg)
{
	return (fwrite(s, 1, len, stdout) == len ? 0 : -1);
}

static void
prom_tail(struct parse_result *r)
{
	if (answered && gp_prom_write(prom, 1, prom_put, NULL) == -1)
		err(GP_EXIT_FAIL, "stdout");
	gp_prom_free(prom);
	prom = NULL;
	if (fflush(stdout) == EOF || ferror(stdout))
		err(GP_EXIT_FAIL, "stdout");
}

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

#ifndef PROM_H
#define PROM_H

#include <stddef.h>
#include <stdint.h>

struct gp_entry;

/*
 * The registry in the Prometheus text exposition format 0.0.4, one
 * copy for goprocctl metrics and goprocd's metrics_textfile.  Entries
 * are added one by one (each metric family has its own buffer, since
 * the format wants the samples of a family together), then written out
 * through a callback in one go.
 */

/* Bytes of a command line kept in goproc_process_info's cmd label. */
#define GP_PROM_CMD_MAX 256

struct gp_prom;

/* clang-format off */
struct gp_prom	*gp_prom_new(void);
void		 gp_prom_free(struct gp_prom *);
void		 gp_prom_reset(struct gp_prom *);
int		 gp_prom_add(struct gp_prom *, const struct gp_entry *);
int		 gp_prom_write(const struct gp_prom *, int,
		    int (*)(const char *, size_t, void *), void *);
size_t		 gp_prom_label(char *, size_t, const char *, size_t);
/* clang-format on */

#endif /* PROM_H */

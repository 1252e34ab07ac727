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
 * common/log.h for the fuzz targets: logging is silent and a fatal
 * error aborts, so that libFuzzer reports it as a crash with the input
 * that caused it.
 */

#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int log_verbose;

static __dead void vfatal(int, const char *, va_list)
    __attribute__((__format__(printf, 2, 0)));

void
log_init(int n_debug, int facility)
{
}

void
log_procinit(const char *name)
{
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return (log_verbose);
}

void
log_warn(const char *emsg, ...)
{
}

void
log_warnx(const char *emsg, ...)
{
}

void
log_info(const char *emsg, ...)
{
}

void
log_debug(const char *emsg, ...)
{
}

void
logit(int pri, const char *fmt, ...)
{
}

void
vlog(int pri, const char *fmt, va_list ap)
{
}

/* Say what went wrong on stderr, then abort. */
static void
vfatal(int code, const char *emsg, va_list ap)
{
	(void)fputs("fatal: ", stderr);
	if (emsg != NULL)
		(void)vfprintf(stderr, emsg, ap);
	if (code != 0)
		(void)fprintf(
		    stderr, "%s%s", emsg != NULL ? ": " : "", strerror(code));
	(void)fputc('\n', stderr);
	abort();
}

void
fatal(const char *emsg, ...)
{
	va_list ap;
	int code = errno;

	va_start(ap, emsg);
	vfatal(code, emsg, ap);
}

void
fatalx(const char *emsg, ...)
{
	va_list ap;

	va_start(ap, emsg);
	vfatal(0, emsg, ap);
}

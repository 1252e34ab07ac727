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
 * Logging for goprocd: to stderr in the foreground (-d), otherwise to
 * syslog.  Every goprocd process calls log_init before it drops its
 * privileges, so the syslog socket is already open inside the sandbox.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX 8192

static int log_debug_mode = 1; /* stderr until log_init says otherwise */
static int log_verbose;
static char log_procname[32];

static void vfatal(int, const char *, va_list)
    __attribute__((__format__(printf, 2, 0)));

/*
 * Choose the destination: stderr when n_debug is non-zero, syslog with
 * the given facility otherwise.
 */
void
log_init(int n_debug, int facility)
{
	int saved_errno = errno;

	log_debug_mode = n_debug;
	if (!log_debug_mode)
		openlog(getprogname(), LOG_PID | LOG_NDELAY, facility);
	tzset();
	errno = saved_errno;
}

/* Name this process in fatal messages ("fatal in registry: ..."). */
void
log_procinit(const char *name)
{
	if (name == NULL)
		log_procname[0] = '\0';
	else
		(void)strlcpy(log_procname, name, sizeof(log_procname));
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
logit(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int saved_errno = errno;

	if (log_debug_mode) {
		(void)vsnprintf(line, sizeof(line), fmt, ap);
		/* One write per line, so that processes do not interleave. */
		(void)fprintf(stderr, "%s\n", line);
		(void)fflush(stderr);
	} else
		vsyslog(pri, fmt, ap);
	errno = saved_errno;
}

void
log_warn(const char *emsg, ...)
{
	char msg[LOG_LINE_MAX];
	va_list ap;
	int saved_errno = errno;

	if (emsg == NULL)
		logit(LOG_ERR, "%s", strerror(saved_errno));
	else {
		va_start(ap, emsg);
		(void)vsnprintf(msg, sizeof(msg), emsg, ap);
		va_end(ap);
		logit(LOG_ERR, "%s: %s", msg, strerror(saved_errno));
	}
	errno = saved_errno;
}

void
log_warnx(const char *emsg, ...)
{
	va_list ap;

	va_start(ap, emsg);
	vlog(LOG_ERR, emsg, ap);
	va_end(ap);
}

void
log_info(const char *emsg, ...)
{
	va_list ap;

	va_start(ap, emsg);
	vlog(LOG_INFO, emsg, ap);
	va_end(ap);
}

void
log_debug(const char *emsg, ...)
{
	va_list ap;

	if (log_verbose > 0) {
		va_start(ap, emsg);
		vlog(LOG_DEBUG, emsg, ap);
		va_end(ap);
	}
}

/*
 * Log a fatal error, with strerror(code) appended when code is non-zero,
 * and prefixed with the process name when one was set.
 */
static void
vfatal(int code, const char *emsg, va_list ap)
{
	char msg[LOG_LINE_MAX];
	char prefix[64];
	const char *sep = "";

	if (log_procname[0] != '\0')
		(void)snprintf(
		    prefix, sizeof(prefix), "fatal in %s: ", log_procname);
	else
		(void)strlcpy(prefix, "fatal: ", sizeof(prefix));

	msg[0] = '\0';
	if (emsg != NULL) {
		(void)vsnprintf(msg, sizeof(msg), emsg, ap);
		if (code != 0)
			sep = ": ";
	}
	if (code != 0)
		logit(LOG_CRIT, "%s%s%s%s", prefix, msg, sep, strerror(code));
	else
		logit(LOG_CRIT, "%s%s", prefix, msg);
}

void
fatal(const char *emsg, ...)
{
	va_list ap;
	int code = errno;

	va_start(ap, emsg);
	vfatal(code, emsg, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *emsg, ...)
{
	va_list ap;

	va_start(ap, emsg);
	vfatal(0, emsg, ap);
	va_end(ap);
	exit(1);
}

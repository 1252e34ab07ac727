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
 * The registry's side of metrics_textfile.  The parent owns the
 * directory: on the registry's request (IMSG_PROM_TMPREQ) it opens a
 * fresh temporary file there and passes the descriptor
 * (IMSG_PROM_TMPFD); the registry writes the whole registry into it in
 * Prometheus's text format (common/prom.c) and says how that went
 * (IMSG_PROM_WRITTEN); the parent renames the file into place, or
 * removes it and the old file stays.  One write at a time, every
 * metrics_interval and at most TEXTFILE_DEBOUNCE_MS after a change.
 */

#include <sys/types.h>

#include <errno.h>
#include <event.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "goprocd.h"
#include "log.h"
#include "prom.h"
#include "regtab.h"
#include "util.h"

/* clang-format off */
static void	 tf_schedule(int64_t);
static void	 tf_fire(int, short, void *);
static int	 tf_put(const char *, size_t, void *);
static int	 tf_render(int);

static struct imsgev	*tf_parent;
static struct regtab	*tf_tab;
static struct gp_prom	*tf_prom;
static struct event	 ev_tf;
static int		 tf_on;		/* metrics_textfile is set */
static int		 tf_inflight;	/* asked for a file, not done */
static int		 tf_again;	/* a change came meanwhile */
static int64_t		 tf_interval = (int64_t)TEXTFILE_IDLE_MS * 1000000;
static int64_t		 tf_last;	/* the last write began, monotonic */
static int64_t		 tf_due;	/* ev_tf fires then, 0: not armed */
/* clang-format on */

void
textfile_init(struct imsgev *parent, struct regtab *tab)
{
	tf_parent = parent;
	tf_tab = tab;
	evtimer_set(&ev_tf, tf_fire, NULL);
}

/* metrics_interval (0: not sampled, then every TEXTFILE_IDLE_MS). */
void
textfile_config(int64_t metrics_ns)
{
	tf_interval =
	    metrics_ns > 0 ? metrics_ns : (int64_t)TEXTFILE_IDLE_MS * 1000000;
	/* Sooner if the interval shrank; a longer one counts from the next. */
	if (tf_on && !tf_inflight)
		tf_schedule(tf_last + tf_interval - gp_mono_ns());
}

/* The parent has a textfile to write: the first one at once. */
void
textfile_on(void)
{
	if (tf_on)
		return;
	if ((tf_prom = gp_prom_new()) == NULL)
		fatal(NULL);
	tf_on = 1;
	tf_schedule(0);
}

/* The registry changed: write it soon, but not more than once a second. */
void
textfile_changed(void)
{
	if (!tf_on)
		return;
	if (tf_inflight) {
		tf_again = 1;
		return;
	}
	tf_schedule(
	    tf_last + (int64_t)TEXTFILE_DEBOUNCE_MS * 1000000 - gp_mono_ns());
}

/* Arm ev_tf delay ns from now, unless it fires sooner already. */
static void
tf_schedule(int64_t delay)
{
	struct timeval tv;
	int64_t now = gp_mono_ns();

	if (delay < 0)
		delay = 0;
	if (tf_due != 0 && tf_due <= now + delay)
		return;
	evtimer_del(&ev_tf);
	tf_due = now + delay;
	tv.tv_sec = delay / 1000000000;
	tv.tv_usec = (delay % 1000000000) / 1000;
	evtimer_add(&ev_tf, &tv);
}

static void
tf_fire(int fd, short ev, void *arg)
{
	tf_due = 0;
	if (tf_inflight)
		return;
	tf_inflight = 1;
	tf_again = 0;
	imsg_compose_event(tf_parent, IMSG_PROM_TMPREQ, 0, 0, -1, NULL, 0);
}

static int
tf_put(const char *s, size_t len, void *arg)
{
	int fd = *(int *)arg;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		s += n;
		len -= (size_t)n;
	}
	return (0);
}

/* The whole registry into fd.  Returns 0 or an errno. */
static int
tf_render(int fd)
{
	static struct gp_entry ge;
	struct rentry *e;

	gp_prom_reset(tf_prom);
	for (e = regtab_first(tf_tab); e != NULL; e = regtab_next(tf_tab, e)) {
		rentry_fill(tf_tab, e, &ge);
		if (gp_prom_add(tf_prom, &ge) == -1)
			return (errno);
	}
	if (gp_prom_write(tf_prom, 1, tf_put, &fd) == -1)
		return (errno != 0 ? errno : EIO);
	return (0);
}

/*
 * The parent's answer to IMSG_PROM_TMPREQ: a descriptor to write, or
 * (fd -1) the errno of its failure, which it has logged.
 */
void
textfile_fd(int fd, int error)
{
	int64_t t0;

	if (!tf_inflight)
		fatalx("%s: no textfile was asked for", __func__);
	t0 = gp_mono_ns();
	tf_last = t0;
	if (fd != -1) {
		error = tf_render(fd);
		if (close(fd) == -1 && error == 0)
			error = errno;
		log_debug("textfile: %zu entries in %" PRId64 " us%s%s",
		    regtab_count(tf_tab), (gp_mono_ns() - t0) / 1000,
		    error != 0 ? ": " : "", error != 0 ? strerror(error) : "");
		imsg_compose_event(tf_parent, IMSG_PROM_WRITTEN, 0, 0, -1,
		    &error, sizeof(error));
	}
	tf_inflight = 0;
	if (tf_again && error == 0)
		tf_schedule((int64_t)TEXTFILE_DEBOUNCE_MS * 1000000);
	else
		tf_schedule(tf_interval);
	tf_again = 0;
}

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
 * The frontend is the only process that reads bytes from clients.  It
 * receives the listening control socket from the parent, and carries
 * requests to the registry and replies back (control.c).
 */

#include <sys/types.h>

#include <errno.h>
#include <event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "goprocd.h"
#include "log.h"
#include "sandbox.h"

__dead static void frontend_shutdown(void);
static void frontend_dispatch_parent(int, short, void *);
static void frontend_dispatch_registry(int, short, void *);
static void frontend_dispatch_prober(int, short, void *);

static struct imsgev iev_parent, iev_registry, iev_prober;
static int have_control;
static uid_t admin_uid; /* who started goprocd */

__dead void
frontend(int debug, int verbose)
{
	proc_setup("frontend", verbose);
	admin_uid = getuid();
	proc_drop(proc_user, proc_root);

	event_init();

	imsgev_init(
	    &iev_parent, PROC_PARENT_FD, frontend_dispatch_parent, NULL);
	imsgbuf_allow_fdpass(&iev_parent.ibuf);
	imsgev_init(
	    &iev_registry, PROC_PEER1_FD, frontend_dispatch_registry, NULL);
	imsgev_init(&iev_prober, PROC_PEER2_FD, frontend_dispatch_prober, NULL);

	sandbox_enter(SANDBOX_FRONTEND, -1, verbose > 1);
	event_dispatch();
	frontend_shutdown();
}

__dead static void
frontend_shutdown(void)
{
	control_shutdown();
	exit(0);
}

static void
frontend_dispatch_parent(int fd, short event, void *arg)
{
	struct imsgev *iev = arg;
	struct imsg imsg;
	struct config_msg cm;
	ssize_t n;
	int cfd;

	if (imsgev_dispatch_io(iev, event) == 0)
		frontend_shutdown();
	for (;;) {
		if ((n = imsg_get(&iev->ibuf, &imsg)) == -1)
			fatal("%s: imsg_get", __func__);
		if (n == 0)
			break;
		switch (imsg_get_type(&imsg)) {
		case IMSG_CONTROLFD:
			if (have_control || imsg_get_len(&imsg) != 0 ||
			    (cfd = imsg_get_fd(&imsg)) == -1)
				fatalx("%s: bad IMSG_CONTROLFD", __func__);
			have_control = 1;
			control_init(cfd, &iev_registry, admin_uid);
			imsg_compose_event(
			    iev, IMSG_CONTROL_READY, 0, 0, -1, NULL, 0);
			break;
		case IMSG_CONFIG:
			if (imsg_get_data(&imsg, &cm, sizeof(cm)) == -1 ||
			    cm.client_timeout_ns < 1000000 ||
			    cm.max_clients_per_uid < 1)
				fatalx("%s: bad IMSG_CONFIG", __func__);
			control_config(
			    cm.client_timeout_ns, cm.max_clients_per_uid);
			break;
		default:
			fatalx("%s: unexpected imsg %u", __func__,
			    imsg_get_type(&imsg));
		}
		imsg_free(&imsg);
	}
	imsg_event_add(iev);
}

static void
frontend_dispatch_registry(int fd, short event, void *arg)
{
	struct imsgev *iev = arg;
	struct imsg imsg;
	ssize_t n;

	if (imsgev_dispatch_io(iev, event) == 0)
		frontend_shutdown();
	for (;;) {
		if ((n = imsg_get(&iev->ibuf, &imsg)) == -1)
			fatal("%s: imsg_get", __func__);
		if (n == 0)
			break;
		switch (imsg_get_type(&imsg)) {
		case IMSG_CTL_ENTRY:
		case IMSG_CTL_RESULT:
		case IMSG_CTL_INFO:
		case IMSG_CTL_END:
		case IMSG_CTL_ERROR:
			control_reply(&imsg);
			break;
		default:
			fatalx("%s: unexpected imsg %u", __func__,
			    imsg_get_type(&imsg));
		}
		imsg_free(&imsg);
	}
	imsg_event_add(iev);
}

/* Nothing travels between the frontend and the prober. */
static void
frontend_dispatch_prober(int fd, short event, void *arg)
{
	struct imsgev *iev = arg;
	struct imsg imsg;
	ssize_t n;

	if (imsgev_dispatch_io(iev, event) == 0)
		frontend_shutdown();
	if ((n = imsg_get(&iev->ibuf, &imsg)) == -1)
		fatal("%s: imsg_get", __func__);
	if (n > 0)
		fatalx(
		    "%s: unexpected imsg %u", __func__, imsg_get_type(&imsg));
	imsg_event_add(iev);
}

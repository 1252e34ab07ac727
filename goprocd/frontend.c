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
static int frontend_dispatch_parent(struct imsgev *, struct imsg *);
static int frontend_dispatch_registry(struct imsgev *, struct imsg *);
static void frontend_lost(struct imsgev *);

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

	proc_imsgev_init(&iev_parent, PROC_PARENT_FD,
	    "frontend_dispatch_parent", frontend_dispatch_parent, frontend_lost,
	    0, NULL);
	imsgbuf_allow_fdpass(&iev_parent.ibuf);
	proc_imsgev_init(&iev_registry, PROC_PEER1_FD,
	    "frontend_dispatch_registry", frontend_dispatch_registry,
	    frontend_lost, 0, NULL);
	/* Nothing travels between the frontend and the prober. */
	proc_imsgev_init(&iev_prober, PROC_PEER2_FD, "frontend_dispatch_prober",
	    proc_dispatch_null, frontend_lost, 0, NULL);

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

/* A peer closed its channel: the parent is stopping us. */
static void
frontend_lost(struct imsgev *iev)
{
	frontend_shutdown();
}

static int
frontend_dispatch_parent(struct imsgev *iev, struct imsg *imsg)
{
	struct config_msg cm;
	int cfd;

	switch (imsg_get_type(imsg)) {
	case IMSG_CONTROLFD:
		if (have_control || imsg_get_len(imsg) != 0 ||
		    (cfd = imsg_get_fd(imsg)) == -1)
			fatalx("%s: bad IMSG_CONTROLFD", __func__);
		have_control = 1;
		control_init(cfd, &iev_registry, admin_uid);
		imsg_compose_event(iev, IMSG_CONTROL_READY, 0, 0, -1, NULL, 0);
		break;
	case IMSG_CONFIG:
		if (imsg_get_data(imsg, &cm, sizeof(cm)) == -1 ||
		    cm.client_timeout_ns < 1000000 ||
		    cm.max_clients_per_uid < 1)
			fatalx("%s: bad IMSG_CONFIG", __func__);
		control_config(cm.client_timeout_ns, cm.max_clients_per_uid);
		break;
	default:
		return (-1);
	}
	return (0);
}

static int
frontend_dispatch_registry(struct imsgev *iev, struct imsg *imsg)
{
	switch (imsg_get_type(imsg)) {
	case IMSG_CTL_ENTRY:
	case IMSG_CTL_RESULT:
	case IMSG_CTL_INFO:
	case IMSG_CTL_END:
	case IMSG_CTL_ERROR:
		control_reply(imsg);
		break;
	default:
		return (-1);
	}
	return (0);
}

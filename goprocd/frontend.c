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
#include <sys/resource.h>

#include <errno.h>
#include <event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "goprocd.h"
#include "log.h"
#include "sandbox.h"

static int frontend_dispatch_parent(struct imsgev *, struct imsg *);
static int frontend_dispatch_registry(struct imsgev *, struct imsg *);

static struct imsgev iev_parent, iev_registry, iev_prober;
static int have_control;
static uid_t admin_uid; /* who started goprocd */

/*
 * The frontend's row of the process table: its peers, in id order.
 * Nothing travels between the frontend and the prober.
 */
struct proc_peer frontend_peers[PROC_MAX - 1] = {
	{ PROC_PARENT, "frontend_dispatch_parent", frontend_dispatch_parent,
	    &iev_parent, 1 },
	{ PROC_REGISTRY, "frontend_dispatch_registry",
	    frontend_dispatch_registry, &iev_registry, 0 },
	{ PROC_PROBER, "frontend_dispatch_prober", proc_dispatch_null,
	    &iev_prober, 0 },
};

/*
 * Before the privilege drop (proc_run): who started goprocd, and a
 * descriptor for every client there may be (watchers stay connected).
 */
int
frontend_init(void)
{
	struct rlimit rl;

	admin_uid = getuid();
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < CONTROL_MAX_CONNS + 64 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < CONTROL_MAX_CONNS + 64 ?
		    rl.rlim_max :
		    CONTROL_MAX_CONNS + 64;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("setrlimit RLIMIT_NOFILE");
	}
	return (-1);
}

/* The loop ended, or a peer closed its channel: the parent stops us. */
__dead void
frontend_shutdown(void)
{
	control_shutdown();
	exit(0);
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
		    cm.max_clients_per_uid < 1 ||
		    cm.max_clients < CONFIG_CLIENTS_MIN ||
		    cm.max_clients > CONTROL_MAX_CONNS)
			fatalx("%s: bad IMSG_CONFIG", __func__);
		control_config(cm.client_timeout_ns, cm.max_clients_per_uid,
		    cm.max_clients);
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
	case IMSG_WATCH_ON:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: bad IMSG_WATCH_ON", __func__);
		control_watch_on(imsg_get_id(imsg));
		break;
	case IMSG_EVENT:
		control_event(imsg);
		break;
	default:
		return (-1);
	}
	return (0);
}

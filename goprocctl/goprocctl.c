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
 * goprocctl: the control client of goprocd.  One command line, one
 * connection, one request, replies until END or ERROR.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "goproc.h"
#include "goprocctl.h"
#include "imsg.h"
#include "paths.h"

/* clang-format off */
/* Where run is with the process it starts. */
enum run_state {
	RUN_NONE,	/* no process */
	RUN_HELD,	/* forked, held before its exec, being registered */
	RUN_EXECED,	/* registered and exec'd: it is on its own */
	RUN_REMOVING,	/* its exec failed: removing its entry */
};
/*
 * kill: goprocd's worst case beyond --wait.  After --wait it sends
 * SIGKILL and waits 5 s more for the exit; a signal without --wait waits
 * up to 1 s for the exit to be seen.
 */
#define KILL_AFTER_WAIT	5
#define KILL_EXIT_GRACE	1

static __dead void usage(const char *);
static __dead void usage_error(const struct parse_result *);
static int	 run(const char *);
static void	 run_fork(struct parse_result *, int);
static int	 run_release(void);
static void	 run_drop(void);
static int	 exchange(const char *, int, const struct gp_request *);
static __dead void exec_daemon(struct parse_result *);
static int	 read_replies(struct imsgbuf *, int, int64_t);
static int	 dispatch(struct imsg *, int *);
static int	 span_seconds(const struct parse_result *);

static const struct output	*out = &show_output;
static struct parse_result	 res;
static struct gp_entry		 added;		/* add, run: the new entry */
static int			 nadded;
static enum run_state		 run_state;
static int			 run_go = -1;	/* run: write to let it exec */
static int			 run_exec = -1;	/* run: its exec's errno */
static int			 run_errno;	/* run: why its exec failed */
/* clang-format on */

static const char selectors_usage[] =
    "selectors:\n"
    "  [--tag tag]... [--tag-all tag]... [--group group]... [--group-all group]...\n"
    "  [--pid pid]... [--id id]... [--name name]... [--search text]\n"
    "  [--alive | --dead]  (--dead: list, rm, update and watch; update takes\n"
    "  --name as the new name, not as a selector)\n";

/*
 * The usage of one command (cmd) or of all, on stdout for --help and
 * exit 0.
 */
static __dead void
usage(const char *cmd)
{
	const char *name, *synopsis;
	size_t i;
	int selectors;

	for (i = 0;
	     cmd != NULL && command_usage(i, &name, &synopsis, &selectors) == 0;
	     i++) {
		if (strcmp(cmd, name) != 0)
			continue;
		printf(
		    "usage: %s [--config file] [--socket path] [--json] %s\n",
		    getprogname(), synopsis);
		if (selectors)
			fputs(selectors_usage, stdout);
		exit(GP_EXIT_OK);
	}
	printf(
	    "usage: %s [--config file] [--socket path] [--json] command [args]\n"
	    "       %s --help | --version\n"
	    "       %s command --help\n"
	    "commands:\n",
	    getprogname(), getprogname(), getprogname());
	for (i = 0; command_usage(i, &name, &synopsis, &selectors) == 0; i++)
		printf("  %s\n", synopsis);
	fputs(selectors_usage, stdout);
	printf(
	    "every command but daemon and watch takes -t|--timeout seconds\n");
	exit(GP_EXIT_OK);
}

/*
 * A command line refused: one line that says why, and where to read
 * more.  Usage errors exit 2; the errors goproc reported as such exit 1.
 */
static __dead void
usage_error(const struct parse_result *r)
{
	char buf[4 * sizeof(r->error) + 1];

	fprintf(stderr, "%s: %s\n", getprogname(),
	    gp_vis(r->error, buf, sizeof(buf)));
	if (r->status != 0)
		exit(r->status);
	if (r->command != NULL)
		fprintf(
		    stderr, "Try '%s %s --help'.\n", getprogname(), r->command);
	else
		fprintf(stderr, "Try '%s --help'.\n", getprogname());
	exit(GP_EXIT_USAGE);
}

/*
 * Report a failure through the output and exit.  A process that run
 * holds before its exec, because it could not register it, ends there
 * without having run anything.
 */
__dead void
die(int status, const char *fmt, ...)
{
	va_list ap;
	char msg[GP_MSG_MAX + 256], full[sizeof(msg) + 64];

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (run_state == RUN_HELD) {
		run_state = RUN_NONE;
		run_drop();
		(void)snprintf(full, sizeof(full),
		    "registration failed, stopped pid %d: %s", (int)res.child,
		    msg);
		status = GP_EXIT_FAIL;
	} else if (run_state == RUN_REMOVING) {
		(void)snprintf(full, sizeof(full),
		    "cannot run %s: %s (and its entry, id %" PRIu64
		    ", could not be removed: %s)",
		    res.cmdargv[0], strerror(run_errno), added.id, msg);
		status = GP_EXIT_FAIL;
	} else
		(void)strlcpy(full, msg, sizeof(full));
	out->error(&res, full);
	out->tail(&res);
	exit(status);
}

/*
 * How long goprocd may stay silent: --timeout, plus for kill the longest
 * goprocd itself may take, so that the client never gives up first.
 */
static int
span_seconds(const struct parse_result *r)
{
	if (r->action != KILL)
		return (r->timeout);
	if (r->wait > 0)
		return (
		    r->timeout + r->wait + KILL_AFTER_WAIT + KILL_EXIT_GRACE);
	return (r->timeout + KILL_EXIT_GRACE);
}

int64_t
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		err(GP_EXIT_FAIL, "clock_gettime");
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * Connect to goprocd's socket.  A missing socket or a refused connection
 * means that no daemon runs; a full backlog is retried until deadline.
 */
int
connect_daemon(const char *path, int64_t deadline)
{
	struct sockaddr_un sun;
	int fd, flags;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		die(GP_EXIT_FAIL, "socket path too long: %s", path);
	if ((fd = socket(
	         AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1)
		die(GP_EXIT_FAIL, "socket: %s", strerror(errno));
	for (;;) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			break;
		switch (errno) {
		case EINTR:
			continue;
		case ENOENT:
		case ENOTDIR:
			die(GP_EXIT_NODAEMON,
			    "daemon is not running (no socket at %s)", path);
		case ECONNREFUSED:
			die(GP_EXIT_NODAEMON,
			    "daemon is not running (connection refused at %s)",
			    path);
		case EAGAIN:
			if (now_ms() >= deadline)
				die(GP_EXIT_FAIL,
				    "no answer from goprocd within %ds",
				    span_seconds(&res));
			(void)poll(NULL, 0, 10);
			continue;
		default:
			die(GP_EXIT_FAIL, "cannot connect to %s: %s", path,
			    strerror(errno));
		}
	}
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
		die(GP_EXIT_FAIL, "fcntl: %s", strerror(errno));
	return (fd);
}

/*
 * run: start the command so that it is always registered, however short
 * it is.  The child makes a process group of its own and waits on a pipe
 * while goprocd registers it (its PID and start time stay the same across
 * the exec); then it may exec.  A close-on-exec pipe says whether the
 * exec succeeded: it carries the child's errno if not, and the entry is
 * removed again.  At registration the child's command line is still ours,
 * so goprocd is then asked to read it again, and only its answer is
 * printed.
 */
static int
run(const char *sock)
{
	static struct gp_request rreq;
	size_t len = 0;
	int fd, i;

	/*
	 * The command as we start it: goprocd keeps it, marked as ours,
	 * only if it cannot read the process's own command line.
	 */
	for (i = 0; i < res.cmdargc; i++) {
		if (i > 0)
			len = strlcat(res.req.cmd, " ", sizeof(res.req.cmd));
		len = strlcat(res.req.cmd, res.cmdargv[i], sizeof(res.req.cmd));
		if (len >= sizeof(res.req.cmd))
			break;
	}

	/* Without a daemon, start nothing. */
	fd = connect_daemon(sock, now_ms() + (int64_t)res.timeout * 1000);
	(void)signal(SIGPIPE, SIG_IGN);
	run_fork(&res, fd);
	res.req.pid = res.child;
	(void)exchange(sock, fd, &res.req);

	if ((run_errno = run_release()) != 0) {
		run_state = RUN_REMOVING;
		memset(&rreq, 0, sizeof(rreq));
		rreq.type = IMSG_CTL_RM;
		rreq.ids[0] = added.id;
		rreq.nids = 1;
		(void)exchange(sock, -1, &rreq);
		run_state = RUN_NONE;
		die(GP_EXIT_FAIL, "cannot run %s: %s", res.cmdargv[0],
		    strerror(run_errno));
	}

	memset(&rreq, 0, sizeof(rreq));
	rreq.type = IMSG_CTL_EXECED;
	rreq.pid = res.child;
	rreq.ids[0] = added.id;
	rreq.nids = 1;
	(void)strlcpy(rreq.cmd, res.req.cmd, sizeof(rreq.cmd));
	nadded = 0;
	return (exchange(sock, -1, &rreq));
}

/*
 * Fork the child of run, held before its exec until run_release().  It
 * closes sock, our connection to goprocd.
 */
static void
run_fork(struct parse_result *r, int sock)
{
	ssize_t n;
	pid_t pid;
	int go[2], ex[2], error;
	char c;

	if (pipe2(go, O_CLOEXEC) == -1 || pipe2(ex, O_CLOEXEC) == -1)
		die(GP_EXIT_FAIL, "pipe: %s", strerror(errno));
	(void)fflush(NULL);
	switch (pid = fork()) {
	case -1:
		die(GP_EXIT_FAIL, "fork: %s", strerror(errno));
	case 0:
		(void)close(sock);
		(void)close(go[1]);
		(void)close(ex[0]);
		(void)setpgid(0, 0);
		(void)signal(SIGPIPE, SIG_DFL);
		do {
			n = read(go[0], &c, 1);
		} while (n == -1 && errno == EINTR);
		if (n != 1)
			_exit(GP_EXIT_FAIL); /* not registered: run nothing */
		(void)close(go[0]);
		execvp(r->cmdargv[0], r->cmdargv);
		error = errno;
		if (write(ex[1], &error, sizeof(error)) != sizeof(error))
			_exit(126);
		_exit(127);
	default:
		break;
	}
	/* Before goprocd reads it, so that the entry has pgid == pid. */
	(void)setpgid(pid, pid);
	(void)close(go[0]);
	(void)close(ex[1]);
	run_go = go[1];
	run_exec = ex[0];
	r->child = pid;
	run_state = RUN_HELD;
}

/* Let the registered child exec.  Returns 0, or the errno of its exec. */
static int
run_release(void)
{
	ssize_t n;
	int error = 0;

	if (write(run_go, "x", 1) != 1)
		error = errno; /* it is gone */
	(void)close(run_go);
	run_go = -1;
	run_state = RUN_EXECED;
	if (error == 0) {
		do {
			n = read(run_exec, &error, sizeof(error));
		} while (n == -1 && errno == EINTR);
		if (n == 0)
			error = 0;
		else if (n != sizeof(error))
			error = EIO;
	}
	(void)close(run_exec);
	run_exec = -1;
	if (error != 0)
		while (waitpid(res.child, NULL, 0) == -1 && errno == EINTR)
			;
	return (error);
}

/* The held child could not be registered: it exits without exec. */
static void
run_drop(void)
{
	if (run_go != -1) {
		(void)close(run_go);
		run_go = -1;
	}
	while (waitpid(res.child, NULL, 0) == -1 && errno == EINTR)
		;
}

/*
 * One request on one connection (fd, or a new one if -1): send it and
 * handle the replies.  Returns the exit status they call for.
 */
static int
exchange(const char *sock, int fd, const struct gp_request *req)
{
	struct imsgbuf ibuf;
	int64_t deadline;
	int status;

	deadline = now_ms() + (int64_t)span_seconds(&res) * 1000;
	if (fd == -1)
		fd = connect_daemon(sock, deadline);
	if (imsgbuf_init(&ibuf, fd) == -1)
		die(GP_EXIT_FAIL, "%s", strerror(errno));
	send_request(&ibuf, req);
	status = read_replies(&ibuf, fd, deadline);
	imsgbuf_clear(&ibuf);
	(void)close(fd);
	return (status);
}

/*
 * Run goprocd in the foreground: the one next to this program first (an
 * installed tree or the build tree), else the one in $PATH.
 */
static __dead void
exec_daemon(struct parse_result *r)
{
	static const char *const rel[] = {
		"/goprocd",
		"/../goprocd/goprocd",
		"/../sbin/goprocd",
	};
	struct stat sb;
	char *args[9];
	char self[PATH_MAX], path[PATH_MAX], *slash;
	ssize_t len;
	size_t i;
	int n = 0;

	args[n++] = "goprocd";
	args[n++] = "-d";
	if (r->force)
		args[n++] = "-F";
	if (r->config != NULL) {
		args[n++] = "-c";
		args[n++] = (char *)r->config;
	}
	if (r->socket != NULL) {
		args[n++] = "-s";
		args[n++] = (char *)r->socket;
	}
	args[n] = NULL;

	(void)fflush(NULL);
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len > 0) {
		self[len] = '\0';
		if ((slash = strrchr(self, '/')) != NULL)
			*slash = '\0';
		for (i = 0; i < nitems(rel); i++) {
			if (snprintf(path, sizeof(path), "%s%s", self,
			        rel[i]) >= (int)sizeof(path))
				continue;
			if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode) ||
			    access(path, X_OK) == -1)
				continue;
			execv(path, args);
			err(GP_EXIT_FAIL, "cannot run %s", path);
		}
	}
	execvp("goprocd", args);
	err(GP_EXIT_FAIL, "cannot run goprocd");
}

void
send_request(struct imsgbuf *ibuf, const struct gp_request *req)
{
	struct ibuf *b;

	if ((b = ibuf_dynamic(256, MAX_IMSGSIZE - IMSG_HEADER_SIZE)) == NULL)
		die(GP_EXIT_FAIL, "%s", strerror(errno));
	if (wire_req_encode(b, req) == -1)
		die(GP_EXIT_FAIL, "cannot encode request: %s", strerror(errno));
	if (imsg_compose(
	        ibuf, req->type, 0, 0, -1, ibuf_data(b), ibuf_size(b)) == -1)
		die(GP_EXIT_FAIL, "cannot queue request: %s", strerror(errno));
	ibuf_free(b);
	/*
	 * A daemon that refuses us (too many clients) answers and hangs up
	 * before reading: its answer is waiting, so go and read it.
	 */
	if (imsgbuf_flush(ibuf) == -1 && errno != EPIPE && errno != ECONNRESET)
		die(GP_EXIT_FAIL, "cannot send request to goprocd: %s",
		    strerror(errno));
}

/*
 * Handle one reply.  Returns 1 once the exchange is over (END), 0 while
 * more replies are due; ERROR and malformed replies end the program.
 */
static int
dispatch(struct imsg *imsg, int *status)
{
	struct ibuf view;
	struct gp_entry entry;
	struct gp_result result;
	struct gp_end end;
	const char *errstr;
	uint32_t type;

	type = imsg_get_type(imsg);
	if (imsg_get_ibuf(imsg, &view) == -1)
		die(GP_EXIT_FAIL, "bad reply from goprocd (type %u)", type);
	switch (type) {
	case IMSG_CTL_ENTRY:
		if (wire_entry_decode(&view, &entry, &errstr) == -1)
			die(GP_EXIT_FAIL, "bad entry from goprocd: %s", errstr);
		if (res.action == ADD || res.action == RUN) {
			added = entry;
			nadded++;
		} else
			out->entry(&res, &entry);
		return (0);
	case IMSG_CTL_RESULT:
		if (wire_result_decode(&view, &result, &errstr) == -1)
			die(GP_EXIT_FAIL, "bad result from goprocd: %s",
			    errstr);
		if (run_state == RUN_REMOVING)
			return (0);
		if (result.flags & GP_RES_FAILED)
			*status = GP_EXIT_FAIL;
		out->result(&res, &result);
		return (0);
	case IMSG_CTL_INFO:
		if (wire_end_decode(&view, &end, &errstr) == -1)
			die(GP_EXIT_FAIL, "bad reply from goprocd: %s", errstr);
		if (run_state != RUN_REMOVING)
			out->info(&res, &end);
		return (0);
	case IMSG_CTL_END:
		if (wire_end_decode(&view, &end, &errstr) == -1)
			die(GP_EXIT_FAIL, "bad reply from goprocd: %s", errstr);
		if (run_state == RUN_REMOVING)
			return (1);
		if (res.action == ADD && nadded == 0 &&
		    end.status == GP_ST_EXISTS) {
			/* "pid N already registered as id M", as goproc. */
			out->end(&res, &end);
			return (1);
		}
		if (res.action == ADD || res.action == RUN) {
			if (nadded != 1)
				die(GP_EXIT_FAIL,
				    "bad reply from goprocd: %d entries for one process",
				    nadded);
			/* run: once goprocd has read its command line. */
			if (res.action == ADD || run_state == RUN_EXECED)
				out->entry(&res, &added);
		}
		if (end.status == GP_ST_FAIL)
			*status = GP_EXIT_FAIL;
		out->end(&res, &end);
		return (1);
	case IMSG_CTL_ERROR:
		if (wire_end_decode(&view, &end, &errstr) == -1)
			die(GP_EXIT_FAIL, "bad reply from goprocd: %s", errstr);
		die(GP_EXIT_FAIL, "%s",
		    end.msg[0] != '\0' ? end.msg : "request failed");
	default:
		die(GP_EXIT_FAIL, "unexpected reply from goprocd (type %u)",
		    type);
	}
}

/*
 * Read replies until END, an ERROR or the deadline.  The timeout bounds
 * the daemon's silence, so each reply that arrives restarts it: a long
 * list that keeps coming is not cut off.
 */
static int
read_replies(struct imsgbuf *ibuf, int fd, int64_t deadline)
{
	struct pollfd pfd;
	struct imsg imsg;
	int64_t left, span;
	ssize_t n;
	int status = GP_EXIT_OK, done;

	span = deadline - now_ms();
	for (;;) {
		while ((n = imsg_get(ibuf, &imsg)) != 0) {
			if (n == -1)
				die(GP_EXIT_FAIL, "bad reply from goprocd: %s",
				    strerror(errno));
			done = dispatch(&imsg, &status);
			imsg_free(&imsg);
			if (done)
				return (status);
			deadline = now_ms() + span;
		}
		if ((left = deadline - now_ms()) <= 0)
			die(GP_EXIT_FAIL, "no answer from goprocd within %ds",
			    span_seconds(&res));
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		switch (poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left)) {
		case -1:
			if (errno == EINTR)
				continue;
			die(GP_EXIT_FAIL, "poll: %s", strerror(errno));
		case 0:
			continue;
		default:
			break;
		}
		switch (imsgbuf_read(ibuf)) {
		case -1:
			die(GP_EXIT_FAIL, "cannot read from goprocd: %s",
			    strerror(errno));
		case 0:
			die(GP_EXIT_FAIL, "goprocd closed the connection");
		default:
			break;
		}
	}
}

int
main(int argc, char *argv[])
{
	struct goproc_paths paths;
	struct imsgbuf ibuf;
	struct passwd *pw;
	char errbuf[PATH_MAX + 128];
	int64_t deadline;
	int fd, status;

	if (parse(argc, argv, &res) == -1)
		usage_error(&res);
	switch (res.action) {
	case HELP:
		usage(res.command);
	case VERSION:
		printf("goprocctl %s\n", GOPROC_VERSION);
		if (fflush(stdout) == EOF || ferror(stdout))
			err(GP_EXIT_FAIL, "stdout");
		exit(GP_EXIT_OK);
	case DAEMON:
		exec_daemon(&res);
	default:
		break;
	}

	if (res.json)
		out = &json_output;
	else if (res.action == METRICS)
		out = &prom_output;
	out->head(&res);

	if (paths_resolve(&paths, res.socket, NULL, errbuf, sizeof(errbuf)) ==
	    -1)
		die(GP_EXIT_FAIL, "%s", errbuf);
	/* add --match -u name: goprocd looks up no user; we do, as pgrep. */
	if (res.action == MATCH && res.user != NULL) {
		if ((pw = getpwnam(res.user)) == NULL)
			die(GP_EXIT_USAGE, "add: unknown user \"%s\"",
			    res.user);
		res.req.uid = (uint32_t)pw->pw_uid;
	}

	if (res.action == TOP)
		return (top(&res, paths.socket));
	if (res.action == RUN) {
		status = run(paths.socket);
		out->tail(&res);
		return (status);
	}
	if (res.action == WATCH || res.action == WAIT)
		return (watch(paths.socket, &res, out));
	deadline = now_ms() + (int64_t)span_seconds(&res) * 1000;
	fd = connect_daemon(paths.socket, deadline);
	if (imsgbuf_init(&ibuf, fd) == -1)
		die(GP_EXIT_FAIL, "%s", strerror(errno));
	send_request(&ibuf, &res.req);
	status = read_replies(&ibuf, fd, deadline);
	imsgbuf_clear(&ibuf);
	(void)close(fd);

	out->tail(&res);
	return (status);
}

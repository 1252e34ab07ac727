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
 * goprocd's parent process: it holds the PID file, owns the names in the
 * state directory, forks and re-execs the registry, prober and frontend,
 * and is the only process that sends real signals, on the registry's
 * request and after checking the target's identity.
 */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/tree.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <libutil.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "goprocd.h"
#include "log.h"
#include "paths.h"
#include "procfs.h"
#include "sandbox.h"

#define FREE_STEP (16 * 1024 * 1024) /* of a replaced snapshot, per step */
#define FREE_STEP_US 20000           /* between steps */

/* A kill in progress: waiting for the process to exit (--wait). */
struct pkill {
	TAILQ_ENTRY(pkill) entry;
	uint32_t opid;
	struct kill_req req;
	int pidfd;
	int group;
	int escalated;
	int tallied;
	struct gp_tally tally; /* of the first signal: group or tree */
	struct event ev;
};
TAILQ_HEAD(, pkill) pkills = TAILQ_HEAD_INITIALIZER(pkills);

/* A process the prober watches: the only kind the parent signals. */
struct vproc {
	RB_ENTRY(vproc) node;
	int32_t pid;
	uint64_t start_ticks;
	uint32_t refs;
};
RB_HEAD(vproc_tree, vproc) vprocs = RB_INITIALIZER(&vprocs);

static int
vproc_cmp(struct vproc *a, struct vproc *b)
{
	if (a->pid != b->pid)
		return (a->pid < b->pid ? -1 : 1);
	return (a->start_ticks < b->start_ticks ?
	        -1 :
	        a->start_ticks > b->start_ticks);
}
RB_GENERATE_STATIC(vproc_tree, vproc, node, vproc_cmp);

__dead static void usage(void);
static const char *options(int, char *[]);
static void configure(void);
static void lock(void);
static void open_dirs(void);
static void lock_pidfile(void);
static void clear_socket(void);
static void detach(void);
static void parent_sig(int, short, void *);
static int parent_dispatch_registry(struct imsgev *, struct imsg *);
static int parent_dispatch_prober(struct imsgev *, struct imsg *);
static int parent_dispatch_frontend(struct imsgev *, struct imsg *);
__dead static void parent_shutdown(int);
static int control_listen(const char *, char *, size_t);
static void force_stop(pid_t);
static void daemonize(void);
static void ready_report(const char *);
static void sd_notify_ready(void);
static void send_state_fds(void);
static int state_tmp_open(const char *, int);
static void state_tmp(int);
static void state_commit(int);
static int state_sync(const char *);
static void old_hold(void);
static void old_free(int);
static void old_step(int, short, void *);
static void final_snapshot(void);
static void textfile_open(void);
static void textfile_tmp(void);
static void textfile_written(int);
static void parent_kill(uint32_t, const struct kill_req *);
static void vetted(int, const struct vetted *);
static void pkill_event(int, short, void *);
static void pkill_finish(struct pkill *, int, int);
static int pkill_signal(struct pkill *, int);
static int signal_checked(
    int, int32_t, uint64_t, int32_t, uint32_t, int, uint32_t *);
struct gpass;
static int gpass_done(struct gpass *, int32_t, uint64_t);
static void gpass_add(struct gpass *, int32_t, uint64_t);
static int gpass_member(int32_t, void *);
static int group_signal(
    const struct kill_req *, int, struct gp_tally *, uint32_t *);
static void tally_spare(struct gp_tally *, int32_t, uint32_t, uint32_t);
struct tree;
static int tree_pin(struct tree *, const struct kill_req *, struct gp_tally *);
static void tree_signal(
    struct tree *, const struct kill_req *, int, struct gp_tally *, int);
static void tree_free(struct tree *);
static void reload(void);
static int user_resolve(void);
static int empty_dir(void);
static int socket_share(const char *, char *, size_t);
static int socket_share_dir(void);
static int lock_file(int, const char *, const char *, pid_t *, char *, size_t);
static void lock_file_write(int, const char *);
static int state_open(char *, size_t);
static const char *socket_name(void);
static int runtime_dir_defaulted(const char *);

static struct imsgev iev_registry, iev_prober, iev_frontend;

/* The parent's row of the process table: a channel to each child. */
struct proc_peer parent_peers[PROC_MAX - 1] = {
	{ PROC_REGISTRY, "parent_dispatch_registry", parent_dispatch_registry,
	    &iev_registry, 1 },
	{ PROC_PROBER, "parent_dispatch_prober", parent_dispatch_prober,
	    &iev_prober, 1 },
	{ PROC_FRONTEND, "parent_dispatch_frontend", parent_dispatch_frontend,
	    &iev_frontend, 1 },
};

/* clang-format off */
static struct goproc_config	 conf;
static struct goproc_paths	 paths;
static const char		*conffile;
static int			 rundirfd = -1;	/* the socket's directory */
static int			 statedirfd = -1;
static int			 emptyfd = -1;	/* the children's chroot */
static int			 pidfilefd = -1;	/* locked, in rundirfd */
static int			 statelockfd = -1;	/* locked, in statedirfd */
static int			 snapshotfd = -1, journalfd = -1;
/* metrics_textfile, fixed at the start: its directory, names, path. */
static int			 textdirfd = -1;
static char			 textname[NAME_MAX + 1];
static char			 texttmp[NAME_MAX + 1];
static char			 textpath[PATH_MAX];
static int			 debug, verbose;
static int			 force, noaction;
static const char		*sockarg;	/* -s */
static const char		*sockgroup;
static gid_t			 sockgid;
static char			 emptydir[PATH_MAX];
const char			*proc_user;
const char			*proc_root;
static int			 procfd = -1;
static int			 ready_fd = -1;
static int			 control_fd = -1;
static int			 socket_bound;
static int			 shutting_down;
static char			 self[PATH_MAX];
static char			 confpath[PATH_MAX];
/* clang-format on */
static struct event ev_sigint, ev_sigterm, ev_sighup, ev_sigchld;
static struct event ev_sigusr1, ev_sigusr2;
static struct event ev_free; /* a replaced snapshot, freed in steps */
static int freefd = -1;
static off_t freesize;

__dead static void
usage(void)
{
	fprintf(stderr,
	    "usage: %s [-dFnv] [-c file] [-g group] [-s socket] [-u user]\n",
	    getprogname());
	exit(GP_EXIT_USAGE);
}

/*
 * The parent, in its phases: options, configuration, the locks and the
 * files it holds, then the children and its own event loop.  A child
 * re-exec'd by proc_init() comes here too and goes to its role.
 */
int
main(int argc, char *argv[])
{
	const char *role;

	proc_title_init(argc, argv);
	if ((role = options(argc, argv)) != NULL)
		proc_child(role, debug, verbose);
	configure();
	lock();
	detach();
	proc_init(self, debug, verbose, emptyfd, emptydir);
	proc_run(PROC_PARENT, verbose);
}

/* The options; a child's role (-P) if it is one, else NULL. */
static const char *
options(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'F' },
		{ "socket", required_argument, NULL, 's' },
		{ "socket-group", required_argument, NULL, 'g' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *role = NULL;
	int ch;

	while ((ch = getopt_long(
	            argc, argv, "c:dE:Fg:hnP:s:u:vV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conffile = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'E':
			proc_root = optarg;
			break;
		case 'F':
			force = 1;
			break;
		case 'g':
			sockgroup = optarg;
			break;
		case 'u':
			proc_user = optarg;
			break;
		case 'n':
			noaction = 1;
			break;
		case 'P':
			role = optarg;
			break;
		case 's':
			sockarg = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("goprocd %s\n", GOPROC_VERSION);
			exit(0);
		case 'h':
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0)
		usage();
	return (role);
}

/*
 * The configuration, the socket's group, the children's user and the
 * paths; -n stops here.  Errors go to stderr: nothing is started yet.
 */
static void
configure(void)
{
	struct group *gr;
	char err[GP_MSG_MAX + PATH_MAX];
	ssize_t n;

	log_init(1, LOG_DAEMON);
	log_setverbose(verbose);

	/*
	 * The daemon changes directory: remember where the file is, without
	 * resolving a symbolic link the file must not be.
	 */
	if (conffile != NULL && conffile[0] != '/') {
		if (getcwd(confpath, sizeof(confpath)) == NULL ||
		    strlcat(confpath, "/", sizeof(confpath)) >=
		        sizeof(confpath) ||
		    strlcat(confpath, conffile, sizeof(confpath)) >=
		        sizeof(confpath)) {
			fprintf(stderr, "goprocd: %s: %s\n", conffile,
			    errno != 0 ? strerror(errno) : "path too long");
			exit(1);
		}
		conffile = confpath;
	}
	if (config_load(&conf, conffile, err, sizeof(err)) == -1) {
		fprintf(stderr, "goprocd: %s\n", err);
		exit(1);
	}
	if (sockgroup == NULL && conf.socket_group[0] != '\0')
		sockgroup = conf.socket_group;
	if (sockgroup != NULL) {
		/* Now: the sandboxed parent reads no group database. */
		if ((gr = getgrnam(sockgroup)) == NULL) {
			fprintf(stderr,
			    "goprocd: socket group %s: no such group\n",
			    sockgroup);
			exit(1);
		}
		sockgid = gr->gr_gid;
	}
	if (getuid() == 0 && user_resolve() == -1)
		exit(1);
	if (paths_resolve(&paths, sockarg, conf.state_dir, err, sizeof(err)) ==
	    -1) {
		fprintf(stderr, "goprocd: %s\n", err);
		exit(1);
	}
	if (noaction) {
		if (verbose) {
			/* Paths are anyone's bytes: encoded for a terminal. */
			static char v1[4 * sizeof(err) + 1],
			    v2[4 * sizeof(paths.socket) + 1],
			    v3[4 * sizeof(paths.statedir) + 1];

			(void)config_dump(&conf, err, sizeof(err));
			printf("%s\nsocket %s\nstate directory %s\n",
			    gp_vis(err, v1, sizeof(v1)),
			    gp_vis(paths.socket, v2, sizeof(v2)),
			    gp_vis(paths.statedir, v3, sizeof(v3)));
		}
		printf("configuration OK\n");
		exit(0);
	}

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n == -1 || n >= (ssize_t)sizeof(self) - 1) {
		fprintf(stderr, "goprocd: cannot find own executable\n");
		exit(1);
	}
	self[n] = '\0';
}

/*
 * Make this daemon the only one: open the directories, lock the pid
 * file (stopping the running daemon first with -F) and the state
 * directory, open the state files, and clear a stale socket.
 */
static void
lock(void)
{
	char err[GP_MSG_MAX + PATH_MAX];
	pid_t otherpid;

	open_dirs();
	lock_pidfile();
	/* Two daemons with one state directory would corrupt it. */
	statelockfd = lock_file(statedirfd, GOPROC_LOCK_NAME, paths.statelock,
	    &otherpid, err, sizeof(err));
	if (statelockfd == -1) {
		if (errno == EEXIST)
			fprintf(stderr,
			    "goprocd: state directory %s is in use by goprocd pid %ld (lock file %s)\n",
			    paths.statedir, (long)otherpid, paths.statelock);
		else
			fprintf(stderr, "goprocd: state lock: %s\n", err);
		(void)unlinkat(rundirfd, GOPROC_PIDFILE_NAME, 0);
		exit(1);
	}
	if (state_open(err, sizeof(err)) == -1) {
		fprintf(stderr, "goprocd: %s\n", err);
		(void)unlinkat(rundirfd, GOPROC_PIDFILE_NAME, 0);
		exit(1);
	}
	clear_socket();

	if ((procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1) {
		fprintf(stderr, "goprocd: /proc: %s\n", strerror(errno));
		(void)unlinkat(rundirfd, GOPROC_PIDFILE_NAME, 0);
		exit(1);
	}
}

/* Each directory is opened once; all else is relative to it. */
static void
open_dirs(void)
{
	char err[GP_MSG_MAX + PATH_MAX];

	if ((rundirfd = paths_open_dir(paths.rundir, err, sizeof(err))) == -1 ||
	    (statedirfd = paths_open_dir(paths.statedir, err, sizeof(err))) ==
	        -1) {
		fprintf(stderr, "goprocd: %s\n", err);
		if (rundirfd == -1 && runtime_dir_defaulted(sockarg))
			fprintf(stderr,
			    "goprocd: /run/user/UID is made at login by pam_systemd; without it, set GOPROC_RUNTIME_DIR (or XDG_RUNTIME_DIR) to a directory of your own\n");
		exit(1);
	}

	textfile_open();
	if (getuid() == 0 && empty_dir() == -1)
		exit(1);
}

/*
 * metrics_textfile's directory, checked and opened once as the state
 * directory is (paths_open_dir()); the file itself is only ever
 * replaced by a rename, so a reader sees the old file or the new one.
 */
static void
textfile_open(void)
{
	char dir[PATH_MAX], err[GP_MSG_MAX + PATH_MAX];
	char *slash;

	if (conf.metrics_textfile[0] == '\0')
		return;
	(void)strlcpy(textpath, conf.metrics_textfile, sizeof(textpath));
	(void)strlcpy(dir, textpath, sizeof(dir));
	/* config.c: absolute, and the name ends in .prom. */
	slash = strrchr(dir, '/');
	(void)strlcpy(textname, slash + 1, sizeof(textname));
	/* CONFIG_TEXTFILE_NAME_MAX keeps it short enough. */
	if ((size_t)snprintf(texttmp, sizeof(texttmp), ".%s.tmp", textname) >=
	    sizeof(texttmp))
		fatalx("%s: name too long", __func__);
	if (slash == dir)
		slash++;
	*slash = '\0';
	if ((textdirfd = paths_open_dir(dir, err, sizeof(err))) == -1) {
		fprintf(stderr, "goprocd: metrics_textfile: %s\n", err);
		exit(1);
	}
}

/*
 * A fresh temporary textfile for the registry: whatever had its name
 * goes first, so that the file is new, regular and ours.  Mode 0644:
 * node_exporter reads it, as another user.
 */
static void
textfile_tmp(void)
{
	int fd = -1, error;

	if (textdirfd == -1)
		fatalx("%s: no metrics_textfile", __func__);
	if (unlinkat(textdirfd, texttmp, 0) == -1 && errno != ENOENT)
		error = errno;
	else if ((fd = openat(textdirfd, texttmp,
	              O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	              0600)) == -1 ||
	    fchmodat(textdirfd, texttmp, 0644, 0) == -1)
		error = errno;
	else {
		imsg_compose_event(
		    &iev_registry, IMSG_PROM_TMPFD, 0, 0, fd, NULL, 0);
		return;
	}
	log_warnx("metrics_textfile: cannot create %s beside %s: %s", texttmp,
	    textpath, strerror(error));
	if (fd != -1) {
		(void)close(fd);
		(void)unlinkat(textdirfd, texttmp, 0);
	}
	imsg_compose_event(
	    &iev_registry, IMSG_PROM_TMPFD, 0, 0, -1, &error, sizeof(error));
}

/* The registry wrote the temporary file (error 0) or failed to. */
static void
textfile_written(int error)
{
	static int failing;

	if (error == 0 &&
	    renameat(textdirfd, texttmp, textdirfd, textname) == -1)
		error = errno;
	if (error == 0) {
		if (failing)
			log_info(
			    "metrics_textfile: %s written again", textpath);
		failing = 0;
		return;
	}
	(void)unlinkat(textdirfd, texttmp, 0);
	/* Once per failure: it is retried every interval. */
	if (!failing)
		log_warnx(
		    "metrics_textfile: cannot write %s, the old file stays: %s",
		    textpath, strerror(error));
	failing = 1;
}

/* The pid file: ours, or (-F) ours once its holder has stopped. */
static void
lock_pidfile(void)
{
	char err[GP_MSG_MAX + PATH_MAX];
	pid_t otherpid;

	pidfilefd = lock_file(rundirfd, GOPROC_PIDFILE_NAME, paths.pidfile,
	    &otherpid, err, sizeof(err));
	if (pidfilefd == -1 && errno == EEXIST && force) {
		force_stop(otherpid);
		if (getuid() == 0 && empty_dir() == -1)
			exit(1);

		pidfilefd = lock_file(rundirfd, GOPROC_PIDFILE_NAME,
		    paths.pidfile, &otherpid, err, sizeof(err));
	}
	if (pidfilefd == -1) {
		if (errno == EEXIST)
			fprintf(stderr,
			    "goprocd: Daemon is already running (pid %ld). Stop it manually or re-run with --force (pid file %s).\n",
			    (long)otherpid, paths.pidfile);
		else
			fprintf(stderr, "goprocd: pid file: %s\n", err);
		exit(1);
	}
}

/*
 * The lock is ours: no daemon is alive, so a socket left is stale.
 * Anything else at that path (a file named by a mistaken -s) is not
 * ours to remove.
 */
static void
clear_socket(void)
{
	struct stat sb;

	if (fstatat(rundirfd, socket_name(), &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISSOCK(sb.st_mode)) {
		fprintf(stderr,
		    "goprocd: %s exists and is not a socket; not removing it\n",
		    paths.socket);
		(void)unlinkat(rundirfd, GOPROC_PIDFILE_NAME, 0);
		exit(1);
	}
	if (unlinkat(rundirfd, socket_name(), 0) == 0)
		log_debug("removed stale socket %s", paths.socket);
	else if (errno != ENOENT) {
		fprintf(stderr, "goprocd: cannot remove stale socket %s: %s\n",
		    paths.socket, strerror(errno));
		(void)unlinkat(rundirfd, GOPROC_PIDFILE_NAME, 0);
		exit(1);
	}
	if (sockgroup != NULL && socket_share_dir() == -1) {
		(void)unlinkat(rundirfd, GOPROC_PIDFILE_NAME, 0);
		exit(1);
	}
}

/* Into the background unless -d, as "goprocd: parent". */
static void
detach(void)
{
	if (!debug)
		daemonize();
	log_init(debug, LOG_DAEMON);
	log_setverbose(verbose);
	log_procinit("parent");
	proc_title("parent");
	lock_file_write(pidfilefd, paths.pidfile);
	lock_file_write(statelockfd, paths.statelock);
}

/*
 * The parent's start hook (proc_run): its signals, the state files and
 * the configuration to the children, then its sandbox's capabilities.
 */
void
parent_start(void)
{
	uint64_t caps;

	proc_ignore_signals();
	signal_set(&ev_sigint, SIGINT, parent_sig, NULL);
	signal_set(&ev_sigterm, SIGTERM, parent_sig, NULL);
	signal_set(&ev_sighup, SIGHUP, parent_sig, NULL);
	signal_set(&ev_sigchld, SIGCHLD, parent_sig, NULL);
	signal_add(&ev_sigint, NULL);
	signal_add(&ev_sigterm, NULL);
	signal_add(&ev_sighup, NULL);
	signal_add(&ev_sigchld, NULL);
	signal_set(&ev_sigusr1, SIGUSR1, parent_sig, NULL);
	signal_set(&ev_sigusr2, SIGUSR2, parent_sig, NULL);
	signal_add(&ev_sigusr1, NULL);
	signal_add(&ev_sigusr2, NULL);
	(void)signal(SIGPIPE, SIG_IGN);

	log_info(
	    "starting, socket %s, state in %s", paths.socket, paths.statedir);
	send_state_fds();
	reload();

	/* The socket is bound by a name relative to its directory. */
	if (fchdir(rundirfd) == -1)
		fatal("fchdir %s", paths.rundir);

	/* Signals to others' processes; the socket's group, once bound. */
	caps = 1ULL << CAP_KILL;
	if (sockgroup != NULL)
		caps |= 1ULL << CAP_CHOWN;
	sandbox_caps(caps);
}

static void
parent_sig(int sig, short event, void *arg)
{
	pid_t pid;
	int status;

	switch (sig) {
	case SIGINT:
	case SIGTERM:
		log_info("%s received, shutting down",
		    sig == SIGINT ? "SIGINT" : "SIGTERM");
		parent_shutdown(0);
	case SIGUSR1:
	case SIGUSR2:
		log_info("%s received, ignored",
		    sig == SIGUSR1 ? "SIGUSR1" : "SIGUSR2");
		break;
	case SIGHUP:
		log_info("SIGHUP received, reloading %s",
		    conffile != NULL ? conffile : "the environment");
		reload();
		break;
	case SIGCHLD:
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (!proc_reaped(pid, status))
				continue;
			ready_report(
			    "a goprocd process failed to start; see the log");
			parent_shutdown(1);
		}
		break;
	}
}

/*
 * The parent's lost hook: a child closed its channel, so it is dying.
 * Say how the children ended, and take the whole daemon down.
 */
void
parent_lost(struct imsgev *iev)
{
	proc_lost_wait(iev);
	ready_report("a goprocd process failed to start; see the log");
	parent_shutdown(1);
}

/* The parent's shutdown hook: its event loop has ended. */
__dead void
parent_stop(void)
{
	parent_shutdown(0);
}

/* Stop every child, remove the socket and the pid file, and exit. */
__dead static void
parent_shutdown(int status)
{
	if (shutting_down++)
		exit(status);
	if (status == 0)
		final_snapshot();
	proc_kill();
	/* A textfile the registry was writing when it stopped. */
	if (textdirfd != -1)
		(void)unlinkat(textdirfd, texttmp, 0);
	if (socket_bound)
		(void)unlinkat(rundirfd, socket_name(), 0);
	/* The state lock file stays: it is released with the descriptor. */
	if (pidfilefd != -1)
		(void)unlinkat(rundirfd, GOPROC_PIDFILE_NAME, 0);
	log_info("terminating");
	exit(status);
}

/* -F: stop the daemon holding the pid file, by TERM and then KILL. */
static void
force_stop(pid_t pid)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int waited;

	if (pid <= 1)
		return;
	fprintf(stderr,
	    "goprocd: Stopping existing daemon process... (pid %ld)\n",
	    (long)pid);
	if (kill(pid, SIGTERM) == -1)
		return;
	for (waited = 0; waited < GOPROCD_FORCE_GRACE_MS; waited += 20) {
		if (kill(pid, 0) == -1 && errno == ESRCH)
			return;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "goprocd: pid %ld ignored SIGTERM, sending SIGKILL\n",
	    (long)pid);
	(void)kill(pid, SIGKILL);
	for (waited = 0; waited < GOPROCD_FORCE_GRACE_MS; waited += 20) {
		if (kill(pid, 0) == -1 && errno == ESRCH)
			return;
		nanosleep(&ts, NULL);
	}
}

/*
 * Detach from the terminal.  The process that started us waits on a pipe
 * until the daemon is ready or has failed, so that its exit status says
 * which.
 */
static void
daemonize(void)
{
	char buf[GP_MSG_MAX + 1];
	ssize_t n;
	size_t len = 0;
	int p[2], fd;

	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("pipe");
	switch (fork()) {
	case -1:
		fatal("fork");
	case 0:
		break;
	default:
		close(p[1]);
		for (;;) {
			n = read(p[0], buf + len, sizeof(buf) - 1 - len);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			len += n;
			if (len == sizeof(buf) - 1)
				break;
		}
		buf[len] = '\0';
		if (len > 0 && strcmp(buf, "ok") == 0)
			_exit(0);
		fprintf(stderr, "goprocd: %s\n",
		    len > 0 ? buf : "failed to start; see the system log");
		_exit(1);
	}
	close(p[0]);
	ready_fd = p[1];
	if (setsid() == -1)
		fatal("setsid");
	if (chdir("/") == -1)
		fatal("chdir");
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(fd, STDIN_FILENO);
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

/* Tell whoever started us how the start went ("ok" or a reason). */
static void
ready_report(const char *msg)
{
	if (ready_fd == -1)
		return;
	(void)write(ready_fd, msg, strlen(msg));
	close(ready_fd);
	ready_fd = -1;
}

/* The systemd readiness datagram, if we run under a service manager. */
static void
sd_notify_ready(void)
{
	struct sockaddr_un sun;
	const char *path;
	const char msg[] = "READY=1";
	socklen_t len;
	int fd;

	if ((path = getenv("NOTIFY_SOCKET")) == NULL || *path == '\0')
		return;
	if ((path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("NOTIFY_SOCKET: unusable address %s", path);
		return;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("NOTIFY_SOCKET: socket");
		return;
	}
	if (sendto(fd, msg, sizeof(msg) - 1, 0, (struct sockaddr *)&sun, len) ==
	    -1)
		log_warn("NOTIFY_SOCKET: sendto %s", path);
	close(fd);
}

/*
 * Started as root: the children run as -u USER, else _goproc.  Without
 * _goproc there is no silent fallback: a shared user such as nobody
 * would let every other service running as it signal the children.
 */
static int
user_resolve(void)
{
	struct passwd *pw;

	if (proc_user == NULL) {
		if (getpwnam(GOPROCD_USER) == NULL) {
			fprintf(stderr,
			    "goprocd: user %s does not exist; create it (make install does) or name the user the children run as with -u user\n",
			    GOPROCD_USER);
			return (-1);
		}
		proc_user = GOPROCD_USER;
	}
	if ((pw = getpwnam(proc_user)) == NULL) {
		fprintf(stderr, "goprocd: user %s: no such user\n", proc_user);
		return (-1);
	}
	if (pw->pw_uid == 0) {
		fprintf(stderr,
		    "goprocd: user %s is root; the children need an unprivileged user\n",
		    proc_user);
		return (-1);
	}
	return (0);
}

/*
 * The root-owned empty directory the children are locked into, opened
 * once in the runtime directory; the children chroot to it by fchdir.
 */
static int
empty_dir(void)
{
	struct stat sb;
	int n;

	n = snprintf(emptydir, sizeof(emptydir), "%s/empty", paths.rundir);
	if (n < 0 || (size_t)n >= sizeof(emptydir)) {
		fprintf(
		    stderr, "goprocd: %s/empty: path too long\n", paths.rundir);
		return (-1);
	}
	if (emptyfd != -1) {
		(void)close(emptyfd);
		emptyfd = -1;
	}
	if (mkdirat(rundirfd, "empty", 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "goprocd: mkdir %s: %s\n", emptydir,
		    strerror(errno));
		return (-1);
	}
	emptyfd = openat(
	    rundirfd, "empty", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (emptyfd == -1 || fstat(emptyfd, &sb) == -1 ||
	    !S_ISDIR(sb.st_mode) || sb.st_uid != 0 ||
	    (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0 || sb.st_nlink != 2) {
		fprintf(stderr,
		    "goprocd: %s must be an empty directory owned by root and writable by root alone\n",
		    emptydir);
		return (-1);
	}
	return (0);
}

/* The socket's name in the runtime directory. */
/*
 * The runtime directory is /run/user/UID because nothing named another:
 * no -s, and none of GOPROC_SOCKET, GOPROC_RUNTIME_DIR, XDG_RUNTIME_DIR.
 */
static int
runtime_dir_defaulted(const char *sockflag)
{
	static const char *vars[] = { "GOPROC_SOCKET", "GOPROC_RUNTIME_DIR",
		"XDG_RUNTIME_DIR" };
	const char *v;
	size_t i;

	if (sockflag != NULL)
		return (0);
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return (0);
	return (1);
}

static const char *
socket_name(void)
{
	return (strrchr(paths.socket, '/') + 1);
}

/*
 * --socket-group: members of the group may connect.  The directory lets
 * them through (0710) and the socket lets them write (0660).  The
 * directory is changed through its descriptor, before the sandbox.
 */
static int
socket_share_dir(void)
{
	if (fchown(rundirfd, -1, sockgid) == -1 ||
	    fchmod(rundirfd, S_IRWXU | S_IXGRP) == -1) {
		fprintf(stderr, "goprocd: socket group %s on %s: %s\n",
		    sockgroup, paths.rundir, strerror(errno));
		return (-1);
	}
	return (0);
}

static int
socket_share(const char *path, char *err, size_t errlen)
{
	if (fchownat(rundirfd, socket_name(), -1, sockgid,
	        AT_SYMLINK_NOFOLLOW) == -1 ||
	    fchmodat(rundirfd, socket_name(),
	        S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP, 0) == -1) {
		snprintf(err, errlen, "socket group %s on %s: %s", sockgroup,
		    path, strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * Bind the control socket: 0600 in a 0700 directory.  The parent's
 * working directory is the runtime directory (main() fchdir'd to its
 * descriptor), and the socket is bound by its name alone.
 */
static int
control_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, socket_name(), sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return (-1);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	         0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return (-1);
	}
	old = umask(S_IXUSR | S_IRWXG | S_IRWXO);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, errlen, "bind %s: %s", path, strerror(errno));
		(void)umask(old);
		close(fd);
		return (-1);
	}
	(void)umask(old);
	socket_bound = 1;
	if (fchmodat(rundirfd, socket_name(), S_IRUSR | S_IWUSR, 0) == -1) {
		snprintf(err, errlen, "chmod %s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	if (sockgroup != NULL && socket_share(path, err, errlen) == -1) {
		close(fd);
		return (-1);
	}
	if (listen(fd, 128) == -1) {
		snprintf(err, errlen, "listen %s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	return (fd);
}

/*
 * Lock the file name in dirfd (path names it in messages) for the
 * daemon's life and return its descriptor.  If another process holds
 * the lock, fail with errno EEXIST and its PID in *otherpid (0 if it
 * has not written it yet).  This replaces libbsd's pidfile_open(),
 * which takes a path: the file must be opened relative to the checked
 * directory, and be a regular file of ours (paths_open_file()).  The
 * lock is flock(2)'s, as pidfile_open() takes it, so that the two kinds
 * of daemon exclude each other.
 */
static int
lock_file(int dirfd, const char *name, const char *path, pid_t *otherpid,
    char *err, size_t errlen)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	char buf[32];
	const char *errstr;
	ssize_t n;
	int fd, tries;

	*otherpid = 0;
	if ((fd = paths_open_file(
	         dirfd, name, path, O_RDWR | O_CREAT, err, errlen)) == -1)
		return (-1);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return (fd);
	if (errno != EWOULDBLOCK) {
		snprintf(
		    err, errlen, "cannot lock %s: %s", path, strerror(errno));
		(void)close(fd);
		return (-1);
	}
	/* The holder writes its PID right after it took the lock. */
	for (tries = 0; tries < 50; tries++) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			*otherpid =
			    (pid_t)strtonum(buf, 1, GP_PID_MAX, &errstr);
			if (errstr != NULL)
				*otherpid = 0;
			break;
		}
		nanosleep(&ts, NULL);
	}
	(void)close(fd);
	snprintf(err, errlen, "%s is locked by pid %ld", path, (long)*otherpid);
	errno = EEXIST;
	return (-1);
}

/* Our PID into a lock file, once it is final (after daemonize()). */
static void
lock_file_write(int fd, const char *path)
{
	char buf[32];
	int n;

	/* As libbsd's pidfile_write(): the number alone. */
	n = snprintf(buf, sizeof(buf), "%ld", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, n, 0) != n)
		log_warn("cannot write pid to %s", path);
}

/*
 * Open the snapshot (if any) and the journal, before the daemon
 * detaches: a file that is not what it must be (paths_open_file()) is
 * refused with a message naming it, and left as it is.
 */
static int
state_open(char *err, size_t errlen)
{
	snapshotfd = paths_open_file(statedirfd, GOPROC_SNAPSHOT_NAME,
	    paths.snapshot, O_RDONLY, err, errlen);
	if (snapshotfd == -1 && errno != ENOENT)
		return (-1);
	journalfd = paths_open_file(statedirfd, GOPROC_JOURNAL_NAME,
	    paths.journal, O_RDWR | O_APPEND | O_CREAT, err, errlen);
	if (journalfd == -1) {
		if (snapshotfd != -1)
			(void)close(snapshotfd);
		snapshotfd = -1;
		return (-1);
	}
	return (0);
}

/* Hand the snapshot (if any) and the journal to the registry. */
static void
send_state_fds(void)
{
	static struct state_fds sf;

	sf.have_snapshot = snapshotfd != -1;
	(void)strlcpy(sf.snapshot, paths.snapshot, sizeof(sf.snapshot));
	(void)strlcpy(sf.journal, paths.journal, sizeof(sf.journal));
	imsg_compose_event(
	    &iev_registry, IMSG_STATE_FDS, 0, 0, snapshotfd, &sf, sizeof(sf));
	imsg_compose_event(
	    &iev_registry, IMSG_STATE_JOURNAL, 0, 0, journalfd, NULL, 0);
	snapshotfd = journalfd = -1;
}

/*
 * A fresh temporary file in the state directory: whatever had its name
 * goes first, so that the file is new, regular and ours.  -1 with errno.
 */
static int
state_tmp_open(const char *name, int flags)
{
	if (unlinkat(statedirfd, name, 0) == -1 && errno != ENOENT)
		return (-1);
	return (openat(statedirfd, name,
	    flags | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
}

/*
 * A temporary snapshot for a compaction, or (journal) the temporary
 * journal that takes the records written while it ran.
 */
static void
state_tmp(int journal)
{
	int fd, error;

	if (journal)
		fd = state_tmp_open(GOPROC_JOURNAL_TMP, O_RDWR | O_APPEND);
	else
		fd = state_tmp_open(GOPROC_SNAPSHOT_TMP, O_WRONLY);
	if (fd == -1) {
		/* A full disk: the registry keeps its files and retries. */
		error = errno;
		log_warn("open %s",
		    journal ? paths.journal_tmp : paths.snapshot_tmp);
		imsg_compose_event(&iev_registry,
		    journal ? IMSG_STATE_JTMPFD : IMSG_STATE_TMPFD, 0, 0, -1,
		    &error, sizeof(error));
		return;
	}
	imsg_compose_event(&iev_registry,
	    journal ? IMSG_STATE_JTMPFD : IMSG_STATE_TMPFD, 0, 0, fd, NULL, 0);
}

/* Sync a file of the state directory to the disk: 0, or an errno. */
static int
state_sync(const char *name)
{
	int fd, error = 0;

	if ((fd = openat(
	         statedirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return (errno);
	if (fsync(fd) == -1)
		error = errno;
	(void)close(fd);
	return (error);
}

/*
 * The registry has written the temporary file: publish it
 * (the snapshot, or the journal).
 */
static void
state_commit(int journal)
{
	const char *tmp, *name;
	int error = 0;

	tmp = journal ? GOPROC_JOURNAL_TMP : GOPROC_SNAPSHOT_TMP;
	name = journal ? GOPROC_JOURNAL_NAME : GOPROC_SNAPSHOT_NAME;
	if (!journal)
		old_hold();
	/*
	 * The registry synced the journal; a snapshot is synced here, where
	 * the wait holds up no request but a kill.  On failure the registry
	 * keeps its journal whole and retries.
	 */
	if (!journal && (error = state_sync(tmp)) != 0)
		log_warnx("fsync %s: %s", paths.snapshot_tmp, strerror(error));
	else if (renameat(statedirfd, tmp, statedirfd, name) == -1) {
		error = errno;
		log_warn("rename %s to %s",
		    journal ? paths.journal_tmp : paths.snapshot_tmp,
		    journal ? paths.journal : paths.snapshot);
	} else if (fsync(statedirfd) == -1) {
		error = errno;
		log_warn("fsync %s", paths.statedir);
	}
	if (!journal)
		old_free(error == 0);
	imsg_compose_event(&iev_registry,
	    journal ? IMSG_STATE_JCOMMITTED : IMSG_STATE_COMMITTED, 0, 0, -1,
	    error != 0 ? &error : NULL, error != 0 ? sizeof(error) : 0);
}

/*
 * The snapshot about to be replaced stays open past the rename, and is
 * freed a step at a time: a file system that frees hundreds of MiB at
 * once holds up every journal sync meanwhile.
 */
static void
old_hold(void)
{
	struct stat sb;

	if (freefd != -1) {
		/* The last one is not freed yet: the rest of it at once. */
		evtimer_del(&ev_free);
		(void)close(freefd);
		freefd = -1;
	}
	freefd = openat(statedirfd, GOPROC_SNAPSHOT_NAME,
	    O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (freefd != -1 &&
	    (fstat(freefd, &sb) == -1 || !S_ISREG(sb.st_mode))) {
		(void)close(freefd);
		freefd = -1;
	}
	freesize = freefd == -1 ? 0 : sb.st_size;
}

/* Renamed over (replaced): free it in steps; else just let go. */
static void
old_free(int replaced)
{
	if (freefd == -1)
		return;
	if (!replaced) {
		(void)close(freefd);
		freefd = -1;
		return;
	}
	if (!evtimer_initialized(&ev_free))
		evtimer_set(&ev_free, old_step, NULL);
	old_step(-1, 0, NULL);
}

static void
old_step(int fd, short event, void *arg)
{
	struct timeval tv = { 0, FREE_STEP_US };

	freesize = freesize > FREE_STEP ? freesize - FREE_STEP : 0;
	if (freesize == 0 || ftruncate(freefd, freesize) == -1) {
		(void)close(freefd);
		freefd = -1;
		return;
	}
	evtimer_add(&ev_free, &tv);
}

/*
 * A clean stop: the registry folds the journal into the snapshot first,
 * so that the snapshot alone holds the registry.  Bounded by
 * FINAL_WAIT_MS; past it the daemon stops anyway, and the journal still
 * holds what the snapshot lacks.
 */
static void
final_snapshot(void)
{
	struct imsgbuf *ibuf = &iev_registry.ibuf;
	struct timespec t0, t;
	struct pollfd pfd;
	struct imsg imsg;
	ssize_t n;
	long left;
	int done = 0;

	/* Not loaded (or gone): there is nothing to fold. */
	if (proc_pid(PROC_REGISTRY) <= 0 || ibuf->w == NULL || control_fd == -1)
		return;
	if (imsg_compose(ibuf, IMSG_STATE_FINAL, 0, 0, -1, NULL, 0) == -1)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!done) {
		if (imsgbuf_flush(ibuf) == -1)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = FINAL_WAIT_MS -
		    ((t.tv_sec - t0.tv_sec) * 1000 +
		        (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0) {
			log_warnx(
			    "the registry did not write the snapshot within %d ms; the journal keeps the rest",
			    FINAL_WAIT_MS);
			return;
		}
		pfd.fd = ibuf->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (pfd.revents == 0)
			continue;
		switch (imsgbuf_read(ibuf)) {
		case -1:
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return;
		case 0:
			return;
		}
		while ((n = imsg_get(ibuf, &imsg)) > 0) {
			switch (imsg_get_type(&imsg)) {
			case IMSG_STATE_TMPREQ:
			case IMSG_STATE_JTMPREQ:
				state_tmp(
				    imsg_get_type(&imsg) == IMSG_STATE_JTMPREQ);
				break;
			case IMSG_STATE_COMMIT:
			case IMSG_STATE_JCOMMIT:
				state_commit(
				    imsg_get_type(&imsg) == IMSG_STATE_JCOMMIT);
				break;
			case IMSG_STATE_FINAL_DONE:
				done = 1;
				break;
			default:
				/* Kills and the like: too late for them. */
				break;
			}
			imsg_free(&imsg);
		}
		if (n == -1)
			return;
	}
}

/* Read the configuration again and hand the intervals on. */
static void
reload(void)
{
	static int reloads;
	struct goproc_config nconf;
	struct config_msg cm;
	char err[GP_MSG_MAX + PATH_MAX];

	if (config_load(&nconf, conffile, err, sizeof(err)) == -1) {
		log_warnx(
		    "reload failed, keeping the old configuration: %s", err);
		nconf = conf;
	}
	if (strcmp(nconf.metrics_textfile, textpath) != 0) {
		log_warnx(
		    "metrics_textfile: a change takes effect when goprocd restarts; still %s",
		    textpath[0] != '\0' ? textpath : "none");
		(void)strlcpy(nconf.metrics_textfile, textpath,
		    sizeof(nconf.metrics_textfile));
	}
	conf = nconf;
	memset(&cm, 0, sizeof(cm));
	cm.liveness_ns = conf.liveness_ns;
	cm.last_seen_ns = conf.last_seen_ns;
	cm.metrics_ns = conf.metrics_ns;
	cm.client_timeout_ns = conf.client_timeout_ns;
	cm.max_clients_per_uid = conf.max_clients_per_uid;
	cm.max_clients = conf.max_clients;
	cm.max_entries_per_uid = conf.max_entries_per_uid;
	cm.max_labels = conf.max_labels;
	cm.max_cmd_bytes = conf.max_cmd_bytes;
	cm.dead_retention_ns = conf.dead_retention_ns;
	imsg_compose_event(&iev_prober, IMSG_CONFIG, 0, 0, -1, &cm, sizeof(cm));
	imsg_compose_event(
	    &iev_registry, IMSG_CONFIG, 0, 0, -1, &cm, sizeof(cm));
	imsg_compose_event(
	    &iev_frontend, IMSG_CONFIG, 0, 0, -1, &cm, sizeof(cm));
	/* SIGHUP (not the start): fold the journal into the snapshot. */
	if (reloads++ > 0)
		imsg_compose_event(
		    &iev_registry, IMSG_STATE_SYNC, 0, 0, -1, NULL, 0);
}

static int
parent_dispatch_registry(struct imsgev *iev, struct imsg *imsg)
{
	struct kill_req kr;
	struct load_error le;
	char err[GP_MSG_MAX + PATH_MAX];
	int error;

	switch (imsg_get_type(imsg)) {
	case IMSG_STATE_LOADED:
		if (imsg_get_len(imsg) != 0 || control_fd != -1)
			fatalx("%s: bad IMSG_STATE_LOADED", __func__);
		if ((control_fd = control_listen(
		         paths.socket, err, sizeof(err))) == -1) {
			log_warnx("%s", err);
			ready_report(err);
			parent_shutdown(1);
		}
		imsg_compose_event(
		    &iev_frontend, IMSG_CONTROLFD, 0, 0, control_fd, NULL, 0);
		if (textdirfd != -1)
			imsg_compose_event(
			    &iev_registry, IMSG_PROM_ON, 0, 0, -1, NULL, 0);
		break;
	case IMSG_PROM_TMPREQ:
		if (imsg_get_len(imsg) != 0 || textdirfd == -1)
			fatalx("%s: bad IMSG_PROM_TMPREQ", __func__);
		textfile_tmp();
		break;
	case IMSG_PROM_WRITTEN:
		if (imsg_get_data(imsg, &error, sizeof(error)) == -1 ||
		    error < 0 || textdirfd == -1)
			fatalx("%s: bad IMSG_PROM_WRITTEN", __func__);
		textfile_written(error);
		break;
	case IMSG_LOAD_ERROR:
		if (imsg_get_data(imsg, &le, sizeof(le)) == -1 ||
		    memchr(le.msg, '\0', sizeof(le.msg)) == NULL)
			fatalx("%s: bad IMSG_LOAD_ERROR", __func__);
		log_warnx("%s", le.msg);
		ready_report(le.msg);
		parent_shutdown(1);
	case IMSG_STATE_TMPREQ:
	case IMSG_STATE_JTMPREQ:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: bad IMSG_STATE_TMPREQ", __func__);
		state_tmp(imsg_get_type(imsg) == IMSG_STATE_JTMPREQ);
		break;
	case IMSG_STATE_COMMIT:
	case IMSG_STATE_JCOMMIT:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: bad IMSG_STATE_COMMIT", __func__);
		state_commit(imsg_get_type(imsg) == IMSG_STATE_JCOMMIT);
		break;
	case IMSG_KILL:
		if (imsg_get_data(imsg, &kr, sizeof(kr)) == -1)
			fatalx("%s: bad IMSG_KILL", __func__);
		parent_kill(imsg_get_id(imsg), &kr);
		break;
	default:
		return (-1);
	}
	return (0);
}

static int
parent_dispatch_prober(struct imsgev *iev, struct imsg *imsg)
{
	struct vetted v;

	switch (imsg_get_type(imsg)) {
	case IMSG_VETTED:
	case IMSG_UNVETTED:
		if (imsg_get_data(imsg, &v, sizeof(v)) == -1 || v.pid < 1 ||
		    v.pid > GP_PID_MAX || v.start_ticks == 0)
			fatalx("%s: bad IMSG_VETTED", __func__);
		vetted(imsg_get_type(imsg) == IMSG_VETTED, &v);
		break;
	default:
		return (-1);
	}
	return (0);
}

static void
vetted(int on, const struct vetted *v)
{
	struct vproc key, *vp;

	key.pid = v->pid;
	key.start_ticks = v->start_ticks;
	vp = RB_FIND(vproc_tree, &vprocs, &key);
	if (on) {
		if (vp == NULL) {
			if ((vp = calloc(1, sizeof(*vp))) == NULL)
				fatal(NULL);
			vp->pid = v->pid;
			vp->start_ticks = v->start_ticks;
			RB_INSERT(vproc_tree, &vprocs, vp);
		}
		vp->refs++;
		return;
	}
	if (vp == NULL)
		fatalx("%s: pid %d was never vetted", __func__, v->pid);
	if (--vp->refs == 0) {
		RB_REMOVE(vproc_tree, &vprocs, vp);
		free(vp);
	}
}

static int
parent_dispatch_frontend(struct imsgev *iev, struct imsg *imsg)
{
	switch (imsg_get_type(imsg)) {
	case IMSG_CONTROL_READY:
		if (imsg_get_len(imsg) != 0)
			fatalx("%s: bad IMSG_CONTROL_READY", __func__);
		log_info("ready, listening on %s", paths.socket);
		sd_notify_ready();
		ready_report("ok");
		break;
	default:
		return (-1);
	}
	return (0);
}

/*
 * Signal one process through its pidfd, on behalf of a client whose uid
 * is uid, if it is still what the caller expects and the client could
 * signal it itself.  Everything is read after the pidfd was opened, so
 * it describes the process the pidfd pins, as it is now: its start
 * time (start_ticks, unless 0), its process group (pgid, unless 0), and
 * its real and saved uid, checked by the rule of kill(2).  init and
 * kernel threads are never signalled.  Returns 0, or -1 with errno:
 * ESRCH when it is gone or no longer the process expected, EPERM when
 * the client may not signal it (its real uid then in *ruid, if not
 * NULL), or the error of the signal.
 */
static int
signal_checked(int pidfd, int32_t pid, uint64_t start_ticks, int32_t pgid,
    uint32_t uid, int signo, uint32_t *ruid)
{
	struct proc_stat st;
	struct proc_status ps;
	const char *errstr, *why;

	if (pid <= 1 || pgid < 0 || pgid == 1) {
		log_warnx(
		    "refusing to signal pid %d, process group %d", pid, pgid);
		errno = EPERM;
		return (-1);
	}
	if (procfs_read_stat(procfd, pid, &st, &errstr) == -1 ||
	    st.state == 'Z' || st.state == 'X' ||
	    (start_ticks != 0 && st.start_ticks != start_ticks) ||
	    (pgid != 0 && st.pgid != pgid)) {
		errno = ESRCH;
		return (-1);
	}
	if ((why = procfs_protected(&st)) != NULL) {
		log_warnx("refusing to signal pid %d: it is %s", pid, why);
		errno = EPERM;
		return (-1);
	}
	if (procfs_read_status(procfd, pid, &ps) == -1 || pidfd_exited(pidfd)) {
		errno = ESRCH;
		return (-1);
	}
	if (!procfs_can_signal(uid, ps.ruid, ps.suid)) {
		if (ruid != NULL)
			*ruid = ps.ruid;
		log_info(
		    "not signalling pid %d (uid %u, saved uid %u) for uid %u: operation not permitted",
		    pid, ps.ruid, ps.suid, uid);
		errno = EPERM;
		return (-1);
	}
	if (sys_pidfd_send_signal(pidfd, signo) == -1)
		return (-1);
	/*
	 * A stopped process acts on a signal only once it runs again (as
	 * systemd does when it stops a unit): continue it, unless the
	 * signal is one that stops or continues.
	 */
	if (st.state == 'T' && signo != SIGKILL && signo != SIGCONT &&
	    signo != SIGSTOP && signo != SIGTSTP && signo != SIGTTIN &&
	    signo != SIGTTOU)
		(void)sys_pidfd_send_signal(pidfd, SIGCONT);
	return (0);
}

/* A member of a process group already signalled or refused. */
struct gdone {
	int32_t pid;
	uint64_t start_ticks;
};

/* The walks over /proc for the members of a process group. */
struct gpass {
	const struct kill_req *kr;
	struct gp_tally *t; /* members left alone go there */
	int signo;
	int found; /* members not handled by an earlier walk */
	uint32_t skipped;
	uint32_t signalled;
	struct gdone *done;
	size_t ndone, maxdone;
};

static int
gpass_done(struct gpass *gp, int32_t pid, uint64_t start_ticks)
{
	size_t i;

	for (i = 0; i < gp->ndone; i++)
		if (gp->done[i].pid == pid &&
		    gp->done[i].start_ticks == start_ticks)
			return (1);
	return (0);
}

static void
gpass_add(struct gpass *gp, int32_t pid, uint64_t start_ticks)
{
	struct gdone *nd;

	if (gp->ndone == gp->maxdone) {
		gp->maxdone = gp->maxdone == 0 ? 16 : gp->maxdone * 2;
		nd = reallocarray(gp->done, gp->maxdone, sizeof(*gp->done));
		if (nd == NULL)
			fatal(NULL);
		gp->done = nd;
	}
	gp->done[gp->ndone].pid = pid;
	gp->done[gp->ndone].start_ticks = start_ticks;
	gp->ndone++;
}

/* procfs_scan() callback: signal pid if it is a member of the group. */
static int
gpass_member(int32_t pid, void *arg)
{
	struct gpass *gp = arg;
	struct proc_stat st;
	uint32_t ruid = 0;
	int pidfd;

	if (pid == gp->kr->pid ||
	    procfs_read_stat(procfd, pid, &st, NULL) == -1 ||
	    st.pgid != gp->kr->pid || gpass_done(gp, pid, st.start_ticks))
		return (0);
	/* Pin it, then check it again: the pid may have been reused. */
	if ((pidfd = sys_pidfd_open(pid)) == -1)
		return (0);
	gp->found = 1;
	if (signal_checked(pidfd, pid, st.start_ticks, gp->kr->pid, gp->kr->uid,
	        gp->signo, &ruid) == 0) {
		gp->signalled++;
		gpass_add(gp, pid, st.start_ticks);
	} else if (errno == EPERM) {
		gp->skipped++;
		tally_spare(gp->t, pid, GP_SPARE_PERM, ruid);
		gpass_add(gp, pid, st.start_ticks);
	} else if (errno != ESRCH)
		log_warn("process group %d: pid %d", gp->kr->pid, pid);
	(void)close(pidfd);
	return (0);
}

/*
 * Signal the members of the process group that the entry leads, other
 * than the leader, one by one, each checked as signal_checked() does:
 * what kill(-pgid) would do, but only to processes the client could
 * signal.  The walk is repeated while it finds members that forked
 * during the last one.  Members left alone are added to t, those
 * signalled to *signalled.  Returns 0, or -1 with errno when /proc
 * cannot be read.
 */
static int
group_signal(const struct kill_req *kr, int signo, struct gp_tally *t,
    uint32_t *signalled)
{
	struct gpass gp;
	int pass, saved_errno;

	memset(&gp, 0, sizeof(gp));
	gp.kr = kr;
	gp.t = t;
	gp.signo = signo;
	for (pass = 0; pass < 4; pass++) {
		gp.found = 0;
		if (procfs_scan(procfd, gpass_member, &gp) == -1) {
			saved_errno = errno;
			log_warn("process group %d: /proc", kr->pid);
			free(gp.done);
			errno = saved_errno;
			return (-1);
		}
		if (!gp.found)
			break;
	}
	if (gp.skipped > 0)
		log_warnx(
		    "process group %d (id %llu): %u member(s) left alone, uid %u may not signal them",
		    kr->pid, (unsigned long long)kr->id, gp.skipped, kr->uid);
	log_debug("process group %d: signal %d sent to %u other member(s)",
	    kr->pid, signo, gp.signalled);
	*signalled += gp.signalled;
	free(gp.done);
	return (0);
}

/* A process a kill left alone, and why: counted, and named if room. */
static void
tally_spare(struct gp_tally *t, int32_t pid, uint32_t why, uint32_t uid)
{
	struct gp_spared *sp;

	t->skipped++;
	if (t->nspared == GP_SPARED_MAX)
		return;
	sp = &t->spared[t->nspared++];
	sp->pid = pid;
	sp->why = why;
	sp->uid = uid;
}

/* How many times kill --tree walks /proc, while it finds new ones. */
#define TREE_PASSES 3

/* A descendant pinned by kill --tree. */
struct tnode {
	int32_t pid;
	int32_t pgid;
	uint64_t start_ticks;
	int pidfd;
};

/*
 * The descendants of a kill --tree: those pinned and waiting for their
 * signal, and those done (signalled, refused or gone) in an earlier
 * pass, never pinned twice.  At most GP_TREE_MAX in all.
 */
struct tree {
	struct tnode pinned[GP_TREE_MAX];
	size_t npinned;
	struct gdone done[GP_TREE_MAX];
	size_t ndone;
	int pass;
};

static int
tree_done(const struct tree *tr, int32_t pid, uint64_t start_ticks)
{
	size_t i;

	for (i = 0; i < tr->ndone; i++)
		if (tr->done[i].pid == pid &&
		    tr->done[i].start_ticks == start_ticks)
			return (1);
	return (0);
}

/*
 * Find the descendants of the entry's process through the parent links
 * in /proc, as they are now, and pin each with a pidfd, checking after
 * it is open that the process is still the one the walk saw (its start
 * time).  The first pass names what the bound leaves out.  Returns the
 * number pinned, or -1 with errno when /proc cannot be read.
 */
static int
tree_pin(struct tree *tr, const struct kill_req *kr, struct gp_tally *t)
{
	static size_t idx[GP_TREE_MAX + GP_SPARED_MAX];
	struct proc_link *links, *l;
	struct proc_stat st;
	struct tnode *tn;
	size_t i, n, total, named;
	int pidfd;

	if (procfs_links(procfd, &links, &n) == -1) {
		log_warn("kill --tree of pid %d: /proc", kr->pid);
		return (-1);
	}
	total = procfs_descendants(
	    links, n, kr->pid, kr->start_ticks, idx, nitems(idx));
	named = total < nitems(idx) ? total : nitems(idx);
	for (i = 0; i < named; i++) {
		l = &links[idx[i]];
		if (tree_done(tr, l->pid, l->start_ticks))
			continue;
		if (tr->npinned + tr->ndone == GP_TREE_MAX) {
			if (tr->pass == 0)
				tally_spare(t, l->pid, GP_SPARE_LIMIT, 0);
			continue;
		}
		if ((pidfd = sys_pidfd_open(l->pid)) == -1) {
			if (errno != ESRCH && tr->pass == 0)
				tally_spare(t, l->pid, GP_SPARE_LIMIT, 0);
			continue;
		}
		if (procfs_read_stat(procfd, l->pid, &st, NULL) == -1 ||
		    st.start_ticks != l->start_ticks || pidfd_exited(pidfd)) {
			(void)close(pidfd);
			continue;
		}
		tn = &tr->pinned[tr->npinned++];
		tn->pid = l->pid;
		tn->pgid = st.pgid;
		tn->start_ticks = l->start_ticks;
		tn->pidfd = pidfd;
	}
	if (tr->pass == 0 && total > named)
		t->skipped += (uint32_t)(total - named);
	free(links);
	tr->pass++;
	return ((int)tr->npinned);
}

/*
 * Signal the pinned descendants, parents before their children (the
 * order of the walk): a parent that is told first cannot start a child
 * again when it sees one die, and a child whose parent exits meanwhile
 * is still reached through its pidfd, whoever reparents it.  Each is
 * checked as signal_checked() does, with the client's uid; members of
 * the group the entry leads are left to group_signal().
 */
static void
tree_signal(struct tree *tr, const struct kill_req *kr, int group,
    struct gp_tally *t, int signo)
{
	struct tnode *tn;
	uint32_t ruid;
	size_t i;

	for (i = 0; i < tr->npinned; i++) {
		tn = &tr->pinned[i];
		ruid = 0;
		if (group && tn->pgid == kr->pid)
			; /* the group's: signalled or counted already */
		else if (signal_checked(tn->pidfd, tn->pid, tn->start_ticks, 0,
		             kr->uid, signo, &ruid) == 0)
			t->signalled++;
		else if (errno == EPERM)
			tally_spare(t, tn->pid, GP_SPARE_PERM, ruid);
		else if (errno != ESRCH)
			log_warn(
			    "kill --tree of pid %d: pid %d", kr->pid, tn->pid);
		(void)close(tn->pidfd);
		tr->done[tr->ndone].pid = tn->pid;
		tr->done[tr->ndone++].start_ticks = tn->start_ticks;
	}
	tr->npinned = 0;
}

static void
tree_free(struct tree *tr)
{
	size_t i;

	for (i = 0; i < tr->npinned; i++)
		(void)close(tr->pinned[i].pidfd);
	tr->npinned = 0;
}

/*
 * Signal the registered process, the members of its process group when
 * it leads one, and with --tree its descendants, checking each at the
 * moment of the signal.  The descendants are all pinned before the
 * first signal; the entry's process must pass the check, or nothing is
 * signalled.  Walks that find what forked meanwhile follow.  Returns 0
 * or -1 with errno; what the first signal did beside the entry's
 * process is in pk->tally.
 */
static int
pkill_signal(struct pkill *pk, int signo)
{
	static struct tree tr;
	const struct kill_req *kr = &pk->req;
	struct gp_tally t;
	uint32_t n = 1;

	memset(&t, 0, sizeof(t));
	tr.npinned = tr.ndone = 0;
	tr.pass = 0;
	if ((kr->flags & KILL_TREE) && tree_pin(&tr, kr, &t) == -1)
		return (-1);
	if (signal_checked(pk->pidfd, kr->pid, kr->start_ticks, 0, kr->uid,
	        signo, NULL) == -1 ||
	    (pk->group && group_signal(kr, signo, &t, &n) == -1)) {
		tree_free(&tr);
		return (-1);
	}
	if (kr->flags & KILL_TREE) {
		t.signalled = n;
		do
			tree_signal(&tr, kr, pk->group, &t, signo);
		while (tr.pass < TREE_PASSES && tree_pin(&tr, kr, &t) > 0);
		tree_free(&tr);
		log_info("kill --tree of pid %d: signal %d sent to %u "
		         "process(es), %u left alone",
		    kr->pid, signo, t.signalled, t.skipped);
	}
	if (!pk->tallied) {
		pk->tally = t;
		pk->tallied = 1;
	}
	return (0);
}

/*
 * Signal one registered process, and only if it is still the process
 * the registry recorded: the pidfd pins the process, the start time read
 * after opening it proves its identity.  The process group is signalled
 * only when the entry leads it, member by member.
 */
static void
parent_kill(uint32_t opid, const struct kill_req *kr)
{
	struct pkill *pk;
	struct vproc vkey;
	struct proc_stat st;
	struct timeval tv;
	const char *errstr;
	int pidfd;

	if (kr->pid < 1 || kr->pid > GP_PID_MAX || kr->signo < 1 ||
	    kr->signo > 64 || kr->wait_ms > GP_WAIT_MAX_MS ||
	    kr->start_ticks == 0)
		fatalx("%s: bad IMSG_KILL", __func__);

	if ((pk = calloc(1, sizeof(*pk))) == NULL)
		fatal(NULL);
	pk->opid = opid;
	pk->req = *kr;
	pk->pidfd = -1;

	vkey.pid = kr->pid;
	vkey.start_ticks = kr->start_ticks;
	if (RB_FIND(vproc_tree, &vprocs, &vkey) == NULL) {
		/* Not a process the prober watches: never signal it. */
		log_warnx(
		    "refusing to signal pid %d (id %llu): not a watched process",
		    kr->pid, (unsigned long long)kr->id);
		pkill_finish(pk, ESRCH, 0);
		return;
	}
	if (kr->pid == 1) {
		log_warnx("refusing to signal pid 1 (id %llu): it is init",
		    (unsigned long long)kr->id);
		pkill_finish(pk, EPERM, 0);
		return;
	}

	if ((pidfd = sys_pidfd_open(kr->pid)) == -1) {
		pkill_finish(pk, errno, 0);
		return;
	}
	pk->pidfd = pidfd;
	if (procfs_read_stat(procfd, kr->pid, &st, &errstr) == -1 ||
	    st.start_ticks != kr->start_ticks || pidfd_exited(pidfd)) {
		log_debug(
		    "kill id %llu: pid %d is no longer the registered process",
		    (unsigned long long)kr->id, kr->pid);
		pkill_finish(pk, ESRCH, 0);
		return;
	}
	pk->group = kr->pgid == kr->pid && st.pgid == kr->pid;
	if (pkill_signal(pk, kr->signo) == -1) {
		pkill_finish(pk, errno, 0);
		return;
	}
	log_info("sent signal %d to %s %d (id %llu)", kr->signo,
	    pk->group ? "process group" : "pid", kr->pid,
	    (unsigned long long)kr->id);
	if (kr->wait_ms == 0) {
		pkill_finish(pk, 0, kr->signo);
		return;
	}
	TAILQ_INSERT_TAIL(&pkills, pk, entry);
	tv.tv_sec = kr->wait_ms / 1000;
	tv.tv_usec = (kr->wait_ms % 1000) * 1000;
	event_set(&pk->ev, pidfd, EV_READ, pkill_event, pk);
	event_add(&pk->ev, &tv);
}

/*
 * --wait: the process exited, or the wait ran out and KILL follows,
 * with every check made again.
 */
static void
pkill_event(int fd, short event, void *arg)
{
	struct pkill *pk = arg;
	struct timeval tv = { 5, 0 };

	if (event & EV_READ) {
		TAILQ_REMOVE(&pkills, pk, entry);
		pkill_finish(pk, 0, pk->escalated ? SIGKILL : pk->req.signo);
		return;
	}
	if (pk->escalated) {
		TAILQ_REMOVE(&pkills, pk, entry);
		pkill_finish(pk, ETIMEDOUT, SIGKILL);
		return;
	}
	pk->escalated = 1;
	log_info("pid %d did not exit within %ums, sending SIGKILL",
	    pk->req.pid, pk->req.wait_ms);
	if (pkill_signal(pk, SIGKILL) == -1) {
		TAILQ_REMOVE(&pkills, pk, entry);
		if (errno == ESRCH)
			pkill_finish(pk, 0, pk->req.signo);
		else
			pkill_finish(pk, errno, 0);
		return;
	}
	event_set(&pk->ev, pk->pidfd, EV_READ, pkill_event, pk);
	event_add(&pk->ev, &tv);
}

static void
pkill_finish(struct pkill *pk, int error, int signo)
{
	struct kill_result kres;

	memset(&kres, 0, sizeof(kres));
	kres.id = pk->req.id;
	kres.error = error;
	kres.signo = signo;
	kres.tally = pk->tally;
	if (error == 0)
		kres.flags = GP_RES_SIGNALLED;
	else if (error == ESRCH)
		kres.flags = GP_RES_EXITED | GP_RES_FAILED;
	else
		kres.flags = GP_RES_FAILED;
	imsg_compose_event(&iev_registry, IMSG_KILL_RESULT, pk->opid, 0, -1,
	    &kres, sizeof(kres));
	if (pk->pidfd != -1)
		close(pk->pidfd);
	free(pk);
}

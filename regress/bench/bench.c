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
 * bench: figures for a real goprocd at 100 and at 100,000 registered
 * entries.  It starts private daemons (GOPROC_RUNTIME_DIR in a fresh
 * temporary directory), loads most entries from a generated snapshot,
 * registers live sleep(1) processes through the add path, talks to the
 * daemon with its own imsg client (one connection per request) and runs
 * goprocctl as a user would.  A metrics phase (alone with -m) registers
 * 10,000 idle children of its own and reads what sampling them costs
 * the prober, then compares samples with ps and /proc.  A million phase
 * (only with -M) loads 100,000 and 1,000,000 dead entries and measures
 * start-up, RSS, the full lists and add there.  It prints what
 * it measured next to the targets and never fails on a number.
 */

#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pty.h>
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
#include "imsg.h"

/* clang-format off */
#define NSMALL		100	/* entries of the small registry */
#define NBIG		100000	/* entries of the large registry */
#define NLIVE		1000	/* live processes registered by add */
#define NADD		300	/* adds timed with the imsg client */
#define NCTLADD		50	/* adds timed with goprocctl */
#define NTAGLIST	200	/* list --tag requests */
#define NFULL		3	/* full lists, each way */
#define NPING		200	/* goprocctl ping runs */
#define NDEATH		20	/* kill -9, then wait for alive=false */
#define TAG_MATCHES	10	/* entries per "t<N>" tag */
#define PID_STRIDE	40503	/* odd: i * stride mod 2^22 is unique */
#define FAKE_BOOT_ID	"00000000-0000-4000-8000-000000000000"
#define OTHER_BOOT_ID	"11111111-1111-4111-8111-111111111111"
#define REQ_TIMEOUT_MS	30000	/* one request's replies */
#define START_TIMEOUT_MS 60000	/* until a new daemon answers ping */
#define DEATH_TIMEOUT_MS 5000
#define STOP_TIMEOUT_MS	5000

#define MIB		(1024.0 * 1024.0)

#define T_ADD_RATIO	2.0	/* add at 100,000 / add at 100 */
#define T_TAG_MS	5.0
#define T_FULL_MS	1000.0
#define T_PING_MS	2.0
#define T_RSS_MIB	64.0

/* The metrics phase. */
#define NIDLE		10000	/* idle live processes */
#define NLISTL		20	/* goprocctl list, and list -l, runs */
#define WINDOW_S	60	/* prober CPU measured over this span */
#define MET_INTERVAL_S	5	/* metrics_interval of the cost run */
#define ACC_INTERVAL_MS	1000	/* metrics_interval of the accuracy run */
#define MEM_BYTES	(100 * 1024 * 1024)	/* touched by one child */
#define SAMPLE_TIMEOUT_MS 10000	/* until an entry has its sample */

#define T_PROBER_PCT	2.0	/* of one core */
#define T_LISTL_RATIO	1.15	/* list -l / list */
#define T_CPU_POINTS	5.0	/* cpu_pct against ps %cpu */
#define T_RSS_PCT	2.0	/* rss_bytes against VmRSS */

/* The watch phase. */
#define NWTRIALS	200	/* kill -9 seen by watch, and by wait */
#define NWATCHERS	500	/* connected watchers that read everything */
#define NWADD		200	/* goprocctl adds, without and with them */
#define NROUNDS		4	/* in turn, NWADD / NROUNDS adds each way */
#define NGROUPS		1000	/* groups of 100 entries, slow watcher */
#define SUB_SETTLE_MS	10	/* after the frontend holds wait's socket */
#define EVENT_TIMEOUT_MS 10000	/* until a line, or a wait, comes */
#define SLOW_TIMEOUT	"600s"	/* client_timeout with the slow watcher */
#define DRAIN_QUIET_MS	2000	/* the slow watcher's read ends after */

#define T_EV_MED_MS	5.0
#define T_EV_P99_MS	20.0
#define T_WATCHERS_RATIO 1.10	/* add with 500 watchers / with none */
#define T_SLOW_MIB	1.0	/* frontend VmRSS growth, slow watcher */

/* The top phase. */
#define NTOPDEAD	9000	/* dead entries, beside NLIVE alive */
#define TOP_COLS	100	/* top's terminal */
#define TOP_ROWS	30
#define TOP_WINDOW_S	30	/* top's CPU time read over this span */
#define NTOPKEYS	40	/* s pressed: a sort and a new frame each */
#define TOP_QUIET_MS	150	/* a frame is out after this silence */
#define TOP_START_MS	20000	/* until the first frame shows all entries */

#define T_TOP_PCT	5.0	/* of one core */
#define T_FRAME_MS	16.0

/* The million phase. */
#define NMILLION	1000000	/* dead entries of the largest registry */
#define NMLIST		3	/* full lists, each way, per size */
#define NMADD		50	/* goprocctl adds per size */
#define MDEAD_AT	"2026-01-02T04:05:07Z"	/* dead_at of those entries */

#define T_M_START_MS	2000.0	/* start-up at 1,000,000 */
#define T_M_RSS_MIB	200.0
#define T_M_LIST_MS	1500.0
#define NCLIVE		16	/* processes added and removed in turn */
#define NCOMPACT	2	/* compactions a request stream runs through */
#define NCREQ_MAX	200000	/* requests timed, at most */
#define T_C_WAIT_MS	20.0	/* no request waits longer at 1,000,000 */

enum role { R_PARENT, R_REGISTRY, R_PROBER, R_FRONTEND, R_MAX };

static const char *const role_names[R_MAX] = {
	"parent", "registry", "prober", "frontend",
};

/* Files a daemon may leave in its runtime directory. */
static const char *const daemon_files[] = {
	GOPROC_SOCKET_NAME, GOPROC_PIDFILE_NAME, GOPROC_SNAPSHOT_NAME,
	GOPROC_SNAPSHOT_TMP, GOPROC_JOURNAL_NAME, "goprocd.log",
	"goprocd.conf",
};

/* Indexes into daemon_files. */
#define F_SNAPSHOT	2
#define F_JOURNAL	4
#define F_LOG		5
#define F_CONF		6

struct daemon {
	char		 dir[PATH_MAX];
	char		 sock[PATH_MAX];
	char		 empty[PATH_MAX];	/* the children's chroot */
	char		 files[nitems(daemon_files)][PATH_MAX];
	pid_t		 pid;
	pid_t		 procs[R_MAX];	/* parent first, then its children */
	double		 startup_ms;
	const char	*conf;		/* goprocd -c, or NULL */
	const char	*metrics;	/* GOPROC_METRICS_INTERVAL, or NULL */
	const char	*timeout;	/* GOPROC_CLIENT_TIMEOUT, or NULL */
	int		 verbose;	/* goprocd -v: debug lines in its log */
};

struct rss {
	long		 kb[R_MAX];
	long		 sum;
};

struct stats {
	double		 med;
	double		 p95;
	double		 min;
	double		 max;
};

struct reply {
	int		 decode;	/* decode entries */
	uint64_t	 want_id;	/* report this entry's alive flag */
	uint32_t	 type;		/* IMSG_CTL_END or IMSG_CTL_ERROR */
	int32_t		 status;
	uint32_t	 entries;
	uint64_t	 first_id;
	int		 found;
	int		 alive;
	struct gp_metrics met;		/* want_id's */
	char		 msg[GP_MSG_MAX + 1];
};

struct live {
	pid_t		 pid;
	uint64_t	 id;		/* in the large registry, or 0 */
	int		 reaped;
};

/* The children of the metrics phase. */
enum kid { K_IDLE, K_BUSY, K_MEM };

/* Lines of goprocctl watch, read through a pipe. */
struct linebuf {
	int		 fd;
	size_t		 len;
	double		 t;		/* when the last read returned */
	char		 buf[16384];
};

struct target {
	const char	*name;
	int		 met;
};

static __dead void bail(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));
static void	 on_signal(int);
static void	 cleanup(void);
static void	 kill_procs(struct live *, size_t);
static void	 stop_pid(pid_t, const pid_t *, size_t);
static void	 block_signals(sigset_t *);
static void	 restore_signals(const sigset_t *);
static double	 now_ms(void);
static void	 sleep_ms(double);
static int	 dcmp(const void *, const void *);
static struct stats summarize(double *, size_t);
static double	 pct(const double *, size_t, double);
static void	 read_line(const char *, const char *, char *, size_t);
static void	 read_boot_id(void);
static void	 machine(void);
static const char *fs_name(const char *);
static void	 path_join(char *, size_t, const char *, const char *);
static void	 setup_dirs(void);
static void	 daemon_init(struct daemon *, const char *);
static void	 write_snapshot(const char *, size_t, size_t, const char *);
static void	 daemon_start(struct daemon *);
static void	 daemon_stop(struct daemon *);
static void	 daemon_procs(struct daemon *);
static int	 find_procs(struct daemon *);
static void	 read_rss(const struct daemon *, struct rss *);
static long	 proc_status_kb(pid_t, const char *);
static int	 count_fds(pid_t);
static double	 proc_cpu_s(pid_t);
static int	 client_open(const char *);
static int	 request(const char *, const struct gp_request *,
		    struct reply *);
static void	 req_init(struct gp_request *, uint32_t);
static void	 req_tag(struct gp_strlist *, const char *);
static double	 timed_request(const char *, const struct gp_request *,
		    struct reply *);
static pid_t	 start_prog(const struct daemon *, const char *,
		    char *const[], int, volatile pid_t *);
static double	 spawn_prog(const struct daemon *, const char *,
		    char *const[], int, int *);
static double	 run_prog(const struct daemon *, const char *, char *const[]);
static void	 spawn_live(size_t);
static void	 reap_live(struct live *);
static void	 add_live(const struct daemon *, struct live *, size_t, size_t,
		    double *, int);
static void	 ctl_add_live(const struct daemon *, struct live *, size_t,
		    size_t, double *);
static void	 print_header(const char *);
static void	 row(const char *, const char *, const char *, int);
static void	 rowf(const char *, const char *, int, const char *, ...)
		    __attribute__((__format__(printf, 4, 5)));
static void	 print_rss(const char *, const struct rss *);
static void	 target(const char *, int);
static void	 rm_tree(const char *);
static const char *boot_for_snapshot(void);
static struct stats bench_small(void);
static void	 bench_big_lists(struct rss *, struct rss *);
static void	 bench_big_live(const struct stats *, const struct rss *,
		    const struct rss *, struct rss *);
static void	 bench_registry(void);
static size_t	 spawn_kid(enum kid);
static void	 stop_kids(void);
static void	 write_conf(const char *, const char *);
static void	 cpu_shares(const struct daemon *, int, double *, double *);
static void	 wait_sample(const struct daemon *, const struct live *,
		    uint32_t, struct reply *);
static void	 mid_interval(const struct daemon *, const struct live *);
static double	 ps_cpu(pid_t);
static double	 stat_read_us(void);
static void	 list_long(const struct daemon *);
static void	 metrics_cost(void);
static void	 metrics_accuracy(void);
static void	 req_send(struct imsgbuf *, const struct gp_request *);
static void	 read_more(struct imsgbuf *);
static int	 watch_open(const char *, struct imsgbuf *);
static pid_t	 drain_start(const int *, size_t);
static void	 stop_child(volatile pid_t *);
static double	 wait_line(struct linebuf *, const char *, pid_t);
static void	 watch_latency(const struct daemon *, double *);
static int	 idle_fds(pid_t);
static void	 wait_latency(const struct daemon *, double *);
static void	 latency_rows(const char *, const char *, double *);
static int	 has_command(const char *);
static void	 watchers_add(const struct daemon *);
static void	 rename_group(const struct daemon *, const char *,
		    const char *);
static void	 drain_slow(struct imsgbuf *, size_t *, uint32_t *);
static void	 slow_watcher(void);
static void	 bench_watch(void);
static size_t	 pty_read(int, double, double, double *, const char *);
static pid_t	 top_start(const struct daemon *, int *);
static void	 top_frames(int, double *);
static void	 bench_top(void);
static void	 bench_textfile(void);
static double	 run_rusage(const struct daemon *, char *const[], long *);
static void	 million_size(struct daemon *, size_t, const struct stats *);
static void	 bench_million(void);
static void	 compact_latency(struct daemon *, size_t);
static ino_t	 snapshot_ino(const struct daemon *);

static pid_t		 mainpid;
static volatile sig_atomic_t cleaning;
static char		 topdir[PATH_MAX];
static char		 ctl_err[PATH_MAX];
static char		 goprocd_path[PATH_MAX];
static char		 goprocctl_path[PATH_MAX];
static char		 boot_id[64];
static struct daemon	 dsmall, dbig, dmet, dacc, dwatch, dslow, dtop, dprom;
static struct daemon	 dmsmall, dm100k, dm1m;
static struct daemon *const daemons[] = { &dsmall, &dbig, &dmet, &dacc,
	&dwatch, &dslow, &dtop, &dprom, &dmsmall, &dm100k, &dm1m };
static struct live	 live[NLIVE];
static size_t		 nlive;
static struct live	 mkids[NIDLE + 2];	/* of the metrics phase */
static size_t		 nmkids;
static volatile pid_t	 ctl_pid;
static volatile pid_t	 watch_pid;	/* goprocctl watch */
static volatile pid_t	 drain_pid;	/* reads the watchers */
static volatile pid_t	 top_pid;	/* goprocctl top */
static struct target	 targets[32];
static size_t		 ntargets;
static int		 snapshot_dated;	/* write dead_at too */
/* clang-format on */

static __dead void
bail(const char *fmt, ...)
{
	va_list ap;
	sigset_t old;

	(void)fflush(stdout);
	fprintf(stderr, "bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	block_signals(&old);
	cleaning = 1;
	cleanup();
	if (topdir[0] != '\0')
		rm_tree(topdir);
	exit(1);
}

/* SIGINT, SIGTERM, SIGHUP: stop what we started, remove what we made. */
static void
on_signal(int sig)
{
	static const char msg[] = "bench: interrupted, cleaning up\n";

	if (getpid() != mainpid)
		_exit(128 + sig);
	if (cleaning)
		return;
	cleaning = 1;
	(void)write(STDERR_FILENO, msg, sizeof(msg) - 1);
	cleanup();
	_exit(128 + sig);
}

/*
 * Kill every live process and daemon, and remove the known files.  Only
 * async-signal-safe calls: it also runs from the signal handler.
 */
static void
cleanup(void)
{
	struct daemon *d;
	size_t i, j;
	pid_t p;

	if ((p = ctl_pid) > 0)
		(void)kill(p, SIGKILL);
	stop_child(&watch_pid);
	stop_child(&drain_pid);
	stop_child(&top_pid);
	for (i = 0; i < nitems(daemons); i++) {
		d = daemons[i];
		if (d->pid > 0)
			stop_pid(d->pid, d->procs + 1, R_MAX - 1);
		d->pid = 0;
	}
	if (p > 0)
		(void)waitpid(p, NULL, 0);
	ctl_pid = 0;
	kill_procs(live, nlive);
	kill_procs(mkids, nmkids);
	for (i = 0; i < nitems(daemons); i++) {
		d = daemons[i];
		for (j = 0; j < nitems(daemon_files); j++)
			if (d->files[j][0] != '\0')
				(void)unlink(d->files[j]);
		if (d->dir[0] != '\0') {
			(void)rmdir(d->empty);
			(void)rmdir(d->dir);
		}
	}
	if (ctl_err[0] != '\0')
		(void)unlink(ctl_err);
	if (topdir[0] != '\0')
		(void)rmdir(topdir);
}

/* SIGKILL and reap the processes of l not reaped yet; async-signal-safe. */
static void
kill_procs(struct live *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i].pid > 0 && !l[i].reaped)
			(void)kill(l[i].pid, SIGKILL);
	for (i = 0; i < n; i++) {
		if (l[i].pid > 0 && !l[i].reaped) {
			while (
			    waitpid(l[i].pid, NULL, 0) == -1 && errno == EINTR)
				;
			l[i].reaped = 1;
		}
	}
}

/*
 * SIGTERM a daemon's parent and wait for it; SIGKILL it and its children
 * if it does not go in time.
 */
static void
stop_pid(pid_t pid, const pid_t *kids, size_t nkids)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	size_t i, tries;
	pid_t r;

	(void)kill(pid, SIGTERM);
	for (tries = 0; tries < STOP_TIMEOUT_MS / 10; tries++) {
		r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r == -1 && errno == ECHILD))
			return;
		(void)nanosleep(&ts, NULL);
	}
	(void)kill(pid, SIGKILL);
	for (i = 0; i < nkids; i++)
		if (kids[i] > 0)
			(void)kill(kids[i], SIGKILL);
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
}

static void
block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	(void)sigprocmask(SIG_BLOCK, &set, old);
}

static void
restore_signals(const sigset_t *old)
{
	(void)sigprocmask(SIG_SETMASK, old, NULL);
}

static double
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
}

static void
sleep_ms(double ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ms / 1e3);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1e3) * 1e6);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* A percentile of sorted values, interpolated between ranks. */
static double
pct(const double *v, size_t n, double q)
{
	double pos, f;
	size_t i;

	if (n == 0)
		return (NAN);
	pos = q * (double)(n - 1);
	i = (size_t)floor(pos);
	f = pos - (double)i;
	if (i + 1 >= n)
		return (v[n - 1]);
	return (v[i] + f * (v[i + 1] - v[i]));
}

/* Sorts v in place. */
static struct stats
summarize(double *v, size_t n)
{
	struct stats s;

	qsort(v, n, sizeof(*v), dcmp);
	s.med = pct(v, n, 0.5);
	s.p95 = pct(v, n, 0.95);
	s.min = n > 0 ? v[0] : NAN;
	s.max = n > 0 ? v[n - 1] : NAN;
	return (s);
}

/* The first line of path starting with key, after its colon. */
static void
read_line(const char *path, const char *key, char *buf, size_t len)
{
	FILE *f;
	char line[1024], *p;
	size_t klen = strlen(key);

	(void)strlcpy(buf, "unknown", len);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, klen) != 0)
			continue;
		if ((p = strchr(line, ':')) == NULL)
			continue;
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		p[strcspn(p, "\n")] = '\0';
		(void)strlcpy(buf, p, len);
		break;
	}
	(void)fclose(f);
}

static void
read_boot_id(void)
{
	FILE *f;

	boot_id[0] = '\0';
	if ((f = fopen("/proc/sys/kernel/random/boot_id", "r")) == NULL)
		return;
	if (fgets(boot_id, sizeof(boot_id), f) == NULL)
		boot_id[0] = '\0';
	boot_id[strcspn(boot_id, "\n")] = '\0';
	(void)fclose(f);
}

static const char *
fs_name(const char *path)
{
	static char buf[32];
	struct statfs sfs;

	if (statfs(path, &sfs) == -1)
		return ("unknown");
	switch ((unsigned long)sfs.f_type) {
	case 0xef53UL:
		return ("ext2/3/4");
	case 0x01021994UL:
		return ("tmpfs");
	case 0x58465342UL:
		return ("xfs");
	case 0x9123683eUL:
		return ("btrfs");
	case 0x794c7630UL:
		return ("overlayfs");
	default:
		(void)snprintf(buf, sizeof(buf), "fs type 0x%lx",
		    (unsigned long)sfs.f_type);
		return (buf);
	}
}

static void
machine(void)
{
	struct utsname u;
	char model[256], date[64];
	time_t t;
	FILE *f;
	int pidmax = 0;

	read_line("/proc/cpuinfo", "model name", model, sizeof(model));
	if (uname(&u) == -1)
		bail("uname: %s", strerror(errno));
	t = time(NULL);
	(void)strftime(
	    date, sizeof(date), "%Y-%m-%d %H:%M:%S %z", localtime(&t));
	if ((f = fopen("/proc/sys/kernel/pid_max", "r")) != NULL) {
		if (fscanf(f, "%d", &pidmax) != 1)
			pidmax = 0;
		(void)fclose(f);
	}
	printf("goproc benchmark (goprocd %s)\n\n", GOPROC_VERSION);
	printf("  machine    %ld CPUs, %s\n", sysconf(_SC_NPROCESSORS_ONLN),
	    model);
	printf("  kernel     %s %s %s, pid_max %d\n", u.sysname, u.release,
	    u.machine, pidmax);
	printf("  date       %s\n", date);
	printf("  state dir  %s (%s; every mutation is fdatasync'ed)\n", topdir,
	    fs_name(topdir));
	printf("  load       %d,%03d entries come from a generated snapshot "
	       "in goproc's own format:\n"
	       "             pid_max %d cannot hold that many live "
	       "processes, so they are dead\n"
	       "             (alive false, a boot_id that is not this "
	       "kernel's, unique pids in\n"
	       "             1..%d, owner_uid %u, tags t<i/%d> (each "
	       "matches %d entries)\n"
	       "             plus b<i%%100> on every third, group g<i%%100>, "
	       "a name on every fifth,\n"
	       "             cmd \"/usr/bin/worker --shard N\").\n",
	    NBIG / 1000, NBIG % 1000, pidmax, GP_PID_MAX, (unsigned)getuid(),
	    TAG_MATCHES, TAG_MATCHES);
	printf("  live       %d,%03d sleep(1) processes, spawned here, are "
	       "registered through the add\n"
	       "             path (the prober holds a pidfd for each) and "
	       "killed at the end.\n",
	    NLIVE / 1000, NLIVE % 1000);
}

static void
path_join(char *buf, size_t len, const char *dir, const char *name)
{
	if (strlcpy(buf, dir, len) >= len || strlcat(buf, "/", len) >= len ||
	    strlcat(buf, name, len) >= len)
		bail("path too long: %s/%s", dir, name);
}

static void
daemon_init(struct daemon *d, const char *name)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	path_join(d->dir, sizeof(d->dir), topdir, name);
	if (mkdir(d->dir, 0700) == -1)
		bail("mkdir %s: %s", d->dir, strerror(errno));
	for (i = 0; i < nitems(daemon_files); i++)
		path_join(
		    d->files[i], sizeof(d->files[i]), d->dir, daemon_files[i]);
	path_join(d->sock, sizeof(d->sock), d->dir, GOPROC_SOCKET_NAME);
	path_join(d->empty, sizeof(d->empty), d->dir, "empty");
	if (strlen(d->sock) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		bail("socket path too long: %s", d->sock);
}

/* Find goprocd and goprocctl, and make the temporary directories. */
static void
setup_dirs(void)
{
	char self[PATH_MAX], *slash;
	const char *tmp;
	ssize_t n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		bail("readlink /proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	path_join(
	    goprocd_path, sizeof(goprocd_path), self, "../../goprocd/goprocd");
	path_join(goprocctl_path, sizeof(goprocctl_path), self,
	    "../../goprocctl/goprocctl");
	if (access(goprocd_path, X_OK) == -1 ||
	    access(goprocctl_path, X_OK) == -1)
		bail("goprocd or goprocctl not built (looked for %s and %s)",
		    goprocd_path, goprocctl_path);

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (snprintf(topdir, sizeof(topdir), "%s/goproc-bench.XXXXXX", tmp) >=
	    (int)sizeof(topdir))
		bail("TMPDIR too long");
	if (mkdtemp(topdir) == NULL) {
		topdir[0] = '\0';
		bail("mkdtemp: %s", strerror(errno));
	}
	path_join(ctl_err, sizeof(ctl_err), topdir, "goprocctl.err");
	daemon_init(&dsmall, "small");
	daemon_init(&dbig, "big");
	daemon_init(&dmet, "metrics");
	daemon_init(&dacc, "accuracy");
	daemon_init(&dwatch, "watch");
	daemon_init(&dslow, "slow");
	daemon_init(&dtop, "top");
	daemon_init(&dprom, "textfile");
	daemon_init(&dmsmall, "m100");
	daemon_init(&dm100k, "m100k");
	daemon_init(&dm1m, "m1m");
}

/* A snapshot of n dead entries in goproc's format, in ngroups groups. */
static void
write_snapshot(const char *path, size_t n, size_t ngroups, const char *boot)
{
	FILE *f;
	static char vbuf[1 << 20];
	size_t i, nlabels;
	int32_t pid;
	unsigned uid = (unsigned)getuid();

	if ((f = fopen(path, "w")) == NULL)
		bail("%s: %s", path, strerror(errno));
	(void)setvbuf(f, vbuf, _IOFBF, sizeof(vbuf));
	/*
	 * The counts goprocd writes in its header: the t<N> tags, the
	 * b<N> tags (distinct below i = 300, then all 100), the groups
	 * and the one boot ID are the labels.
	 */
	nlabels = (n + TAG_MATCHES - 1) / TAG_MATCHES +
	    (n < 300 ? (n + 2) / 3 : 100) + (n < ngroups ? n : ngroups) +
	    (n > 0);
	fprintf(f,
	    "{\"version\":1,\"next_id\":%zu,\"created_unix\":%lld,"
	    "\"journal_seq\":0,\"entries\":%zu,\"pids\":%zu,\"names\":%zu,"
	    "\"labels\":%zu,\"procs\":[",
	    n + 1, (long long)time(NULL), n, n, (n + 4) / 5, nlabels);
	for (i = 0; i < n; i++) {
		pid = (int32_t)(((uint64_t)i * PID_STRIDE) % GP_PID_MAX) + 1;
		fprintf(f,
		    "%s\n{\"id\":%zu,\"pid\":%d,\"pgid\":%d,"
		    "\"cmd\":\"/usr/bin/worker --shard %zu\",",
		    i == 0 ? "" : ",", i + 1, pid, pid, i % 64);
		if (i % 5 == 0)
			fprintf(f, "\"name\":\"worker-%zu\",", i);
		else
			fprintf(f, "\"name\":\"\",");
		fprintf(f,
		    "\"alive\":false,\"added_at\":\"2026-01-02T03:04:05Z\","
		    "\"last_seen\":\"2026-01-02T04:05:06.5Z\","
		    "\"meta\":{\"tags\":[");
		/* In order, as goprocd writes them. */
		if (i % 3 == 0)
			fprintf(f, "\"b%zu\",", i % 100);
		fprintf(f,
		    "\"t%zu\"],\"groups\":[\"g%zu\"]},\"start_ticks\":%zu,"
		    "\"boot_id\":\"%s\",\"owner_uid\":%u%s}",
		    i / TAG_MATCHES, i % ngroups, 1000 + i, boot, uid,
		    snapshot_dated ? ",\"dead_at\":\"" MDEAD_AT "\"" : "");
	}
	fprintf(f, "\n]}\n");
	if (fflush(f) == EOF || ferror(f) || fsync(fileno(f)) == -1)
		bail("%s: write: %s", path, strerror(errno));
	(void)fclose(f);
}

/* Start goprocd -d on the directory and wait until ping answers. */
static void
daemon_start(struct daemon *d)
{
	struct gp_request req;
	struct reply rep;
	char *args[10];
	sigset_t old;
	double t0;
	pid_t pid;
	int fd, status, n = 0;

	args[n++] = "goprocd";
	args[n++] = "-d";
	/* As root without _goproc, goprocd needs -u. */
	if (geteuid() == 0 && getpwnam("_goproc") == NULL) {
		args[n++] = "-u";
		args[n++] = "nobody";
	}
	if (d->conf != NULL) {
		args[n++] = "-c";
		args[n++] = (char *)d->conf;
	}
	if (d->verbose)
		args[n++] = "-v";
	args[n] = NULL;
	req_init(&req, IMSG_CTL_PING);
	block_signals(&old);
	t0 = now_ms();
	switch (pid = fork()) {
	case -1:
		bail("fork: %s", strerror(errno));
	case 0:
		restore_signals(&old);
		if (setenv("GOPROC_RUNTIME_DIR", d->dir, 1) == -1 ||
		    (d->metrics != NULL &&
		        setenv("GOPROC_METRICS_INTERVAL", d->metrics, 1) ==
		            -1) ||
		    (d->timeout != NULL &&
		        setenv("GOPROC_CLIENT_TIMEOUT", d->timeout, 1) == -1))
			_exit(127);
		if ((fd = open(d->files[F_LOG], O_WRONLY | O_CREAT | O_APPEND,
		         0600)) == -1)
			_exit(127);
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			(void)dup2(fd, STDIN_FILENO);
		execv(goprocd_path, args);
		_exit(127);
	default:
		break;
	}
	d->pid = pid;
	restore_signals(&old);
	for (;;) {
		memset(&rep, 0, sizeof(rep));
		if (request(d->sock, &req, &rep) == 0 &&
		    rep.type == IMSG_CTL_END)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			d->pid = 0;
			bail("goprocd exited at startup (status %d), see %s",
			    status, d->files[F_LOG]);
		}
		if (now_ms() - t0 > START_TIMEOUT_MS)
			bail("goprocd did not answer within %d s",
			    START_TIMEOUT_MS / 1000);
		sleep_ms(1);
	}
	d->startup_ms = now_ms() - t0;
	daemon_procs(d);
}

static void
daemon_stop(struct daemon *d)
{
	sigset_t old;

	block_signals(&old);
	if (d->pid > 0)
		stop_pid(d->pid, d->procs + 1, R_MAX - 1);
	d->pid = 0;
	restore_signals(&old);
}

/*
 * The daemon's four processes.  A child may not have exec'd into its
 * role yet when ping answers: the prober has no part in a ping.
 */
static void
daemon_procs(struct daemon *d)
{
	double t0;
	int r;

	t0 = now_ms();
	while ((r = find_procs(d)) != -1) {
		if (now_ms() - t0 > START_TIMEOUT_MS)
			bail("cannot find the %s process of goprocd %d",
			    role_names[r], (int)d->pid);
		sleep_ms(1);
	}
}

/* By the role in their title; a role not found, or -1. */
static int
find_procs(struct daemon *d)
{
	char path[PATH_MAX], buf[4096], *p, *end;
	struct dirent *de;
	DIR *dir;
	ssize_t n;
	long kid;
	int fd, r;

	memset(d->procs, 0, sizeof(d->procs));
	d->procs[R_PARENT] = d->pid;
	(void)snprintf(path, sizeof(path), "/proc/%d/task", (int)d->pid);
	if ((dir = opendir(path)) == NULL)
		bail("%s: %s", path, strerror(errno));
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%d/task/%s/children",
		    (int)d->pid, de->d_name);
		if ((fd = open(path, O_RDONLY)) == -1)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		(void)close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		for (p = buf; *p != '\0'; p = end) {
			kid = strtol(p, &end, 10);
			if (end == p)
				break;
			(void)snprintf(
			    path, sizeof(path), "/proc/%ld/cmdline", kid);
			if ((fd = open(path, O_RDONLY)) == -1)
				continue;
			n = read(fd, path, sizeof(path) - 1);
			(void)close(fd);
			if (n <= 0)
				continue;
			path[n] = '\0';
			for (r = R_REGISTRY; r < R_MAX; r++)
				if (strstr(path, role_names[r]) != NULL)
					d->procs[r] = (pid_t)kid;
		}
	}
	(void)closedir(dir);
	for (r = 0; r < R_MAX; r++)
		if (d->procs[r] == 0)
			return (r);
	return (-1);
}

static long
proc_status_kb(pid_t pid, const char *key)
{
	char path[64], val[128];

	(void)snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	read_line(path, key, val, sizeof(val));
	return (strtol(val, NULL, 10));
}

static void
read_rss(const struct daemon *d, struct rss *r)
{
	int i;

	r->sum = 0;
	for (i = 0; i < R_MAX; i++) {
		r->kb[i] = proc_status_kb(d->procs[i], "VmRSS:");
		r->sum += r->kb[i];
	}
}

static int
count_fds(pid_t pid)
{
	char path[64];
	struct dirent *de;
	DIR *dir;
	int n = 0;

	(void)snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	(void)closedir(dir);
	return (n);
}

/* User plus system CPU time of a process, in seconds. */
static double
proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	ssize_t n;
	int fd;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY)) == -1)
		return (NAN);
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return (NAN);
	buf[n] = '\0';
	/* Fields 14 and 15, counted after the command in parentheses. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2,
	        "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
	        &st) != 2)
		return (NAN);
	return ((double)(ut + st) / (double)sysconf(_SC_CLK_TCK));
}

/* Connect to a daemon; -1 with errno (ENOENT, ECONNREFUSED) if none. */
static int
client_open(const char *sock)
{
	struct sockaddr_un sun;
	int fd, save;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, sock, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		bail("socket: %s", strerror(errno));
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == EINTR)
			continue;
		save = errno;
		(void)close(fd);
		errno = save;
		return (-1);
	}
	return (fd);
}

/*
 * One request on a new connection, replies read until END or ERROR, as
 * goprocctl does.  Returns -1 only when the daemon cannot be reached.
 */
static int
request(const char *sock, const struct gp_request *req, struct reply *rep)
{
	static struct gp_entry ge;
	struct imsgbuf ibuf;
	struct imsg imsg;
	struct ibuf view;
	struct gp_end end;
	struct pollfd pfd;
	const char *errstr;
	uint32_t type;
	ssize_t n;
	int fd, done = 0;

	if ((fd = client_open(sock)) == -1)
		return (-1);
	if (imsgbuf_init(&ibuf, fd) == -1)
		bail("imsgbuf_init: %s", strerror(errno));
	req_send(&ibuf, req);
	while (!done) {
		while (!done && (n = imsg_get(&ibuf, &imsg)) != 0) {
			if (n == -1)
				bail("bad reply: %s", strerror(errno));
			type = imsg_get_type(&imsg);
			if (imsg_get_ibuf(&imsg, &view) == -1)
				bail("bad reply of type %u", type);
			switch (type) {
			case IMSG_CTL_ENTRY:
				rep->entries++;
				if (!rep->decode)
					break;
				if (wire_entry_decode(&view, &ge, &errstr) ==
				    -1)
					bail("bad entry: %s", errstr);
				if (rep->entries == 1)
					rep->first_id = ge.id;
				if (rep->want_id != 0 &&
				    ge.id == rep->want_id) {
					rep->found = 1;
					rep->alive = ge.alive != 0;
					rep->met = ge.met;
				}
				break;
			case IMSG_CTL_RESULT:
			case IMSG_CTL_INFO:
				break;
			case IMSG_CTL_END:
			case IMSG_CTL_ERROR:
				if (wire_end_decode(&view, &end, &errstr) == -1)
					bail("bad end: %s", errstr);
				rep->type = type;
				rep->status = end.status;
				(void)strlcpy(
				    rep->msg, end.msg, sizeof(rep->msg));
				done = 1;
				break;
			default:
				bail("unexpected reply type %u", type);
			}
			imsg_free(&imsg);
		}
		if (done)
			break;
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		switch (poll(&pfd, 1, REQ_TIMEOUT_MS)) {
		case -1:
			if (errno == EINTR)
				continue;
			bail("poll: %s", strerror(errno));
		case 0:
			bail("no answer from goprocd within %d s",
			    REQ_TIMEOUT_MS / 1000);
		default:
			break;
		}
		switch (imsgbuf_read(&ibuf)) {
		case -1:
			bail("read from goprocd: %s", strerror(errno));
		case 0:
			bail("goprocd closed the connection");
		default:
			break;
		}
	}
	imsgbuf_clear(&ibuf);
	(void)close(fd);
	return (0);
}

static void
req_init(struct gp_request *req, uint32_t type)
{
	memset(req, 0, sizeof(*req));
	req->type = type;
}

static void
req_tag(struct gp_strlist *l, const char *s)
{
	const char *errstr;

	if (gp_strlist_add(l, s, strlen(s), &errstr) == -1)
		bail("label %s: %s", s, errstr);
}

/* A request that must reach the daemon; its round trip in ms. */
static double
timed_request(const char *sock, const struct gp_request *req, struct reply *rep)
{
	double t0;

	t0 = now_ms();
	if (request(sock, req, rep) == -1)
		bail("cannot connect to %s: %s", sock, strerror(errno));
	return (now_ms() - t0);
}

/*
 * Start a program (goprocctl, ps) with args, against a daemon if d is not
 * NULL, stdout to outfd (or /dev/null if -1); its pid, also kept in *slot
 * for cleanup().
 */
static pid_t
start_prog(const struct daemon *d, const char *path, char *const args[],
    int outfd, volatile pid_t *slot)
{
	sigset_t old;
	pid_t pid;
	int fd;

	block_signals(&old);
	switch (pid = fork()) {
	case -1:
		bail("fork: %s", strerror(errno));
	case 0:
		restore_signals(&old);
		if (d != NULL && setenv("GOPROC_RUNTIME_DIR", d->dir, 1) == -1)
			_exit(127);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			(void)dup2(fd, STDIN_FILENO);
			(void)dup2(outfd != -1 ? outfd : fd, STDOUT_FILENO);
		}
		if ((fd = open(ctl_err, O_WRONLY | O_CREAT | O_APPEND, 0600)) !=
		    -1)
			(void)dup2(fd, STDERR_FILENO);
		execvp(path, args);
		_exit(127);
	default:
		break;
	}
	*slot = pid;
	restore_signals(&old);
	return (pid);
}

/*
 * Run a program as start_prog() does and return its wall time (fork to
 * reaped) in ms, its wait status in *status.
 */
static double
spawn_prog(const struct daemon *d, const char *path, char *const args[],
    int outfd, int *status)
{
	double t0, t;
	pid_t pid;

	t0 = now_ms();
	pid = start_prog(d, path, args, outfd, &ctl_pid);
	while (waitpid(pid, status, 0) == -1)
		if (errno != EINTR)
			bail("waitpid: %s", strerror(errno));
	t = now_ms() - t0;
	ctl_pid = 0;
	return (t);
}

/* The same against a daemon, stdout to /dev/null; a failure ends the run. */
static double
run_prog(const struct daemon *d, const char *path, char *const args[])
{
	double t;
	int status;

	t = spawn_prog(d, path, args, -1, &status);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		bail("%s %s failed (status %d), see %s", path,
		    args[1] != NULL ? args[1] : "", status, ctl_err);
	return (t);
}

/* Start n sleep processes for the daemon to watch. */
static void
spawn_live(size_t n)
{
	sigset_t old;
	pid_t pid;
	int fd;

	while (nlive < n) {
		block_signals(&old);
		switch (pid = fork()) {
		case -1:
			bail("fork: %s", strerror(errno));
		case 0:
			restore_signals(&old);
			if ((fd = open("/dev/null", O_RDWR)) != -1) {
				(void)dup2(fd, STDIN_FILENO);
				(void)dup2(fd, STDOUT_FILENO);
				(void)dup2(fd, STDERR_FILENO);
			}
			execlp("sleep", "sleep", "3600", (char *)NULL);
			_exit(127);
		default:
			break;
		}
		live[nlive].pid = pid;
		live[nlive].id = 0;
		live[nlive].reaped = 0;
		nlive++;
		restore_signals(&old);
	}
}

static void
reap_live(struct live *l)
{
	while (waitpid(l->pid, NULL, 0) == -1)
		if (errno != EINTR)
			bail("waitpid %d: %s", (int)l->pid, strerror(errno));
	l->reaped = 1;
}

/* Add l[from .. to) with the imsg client; round trips into ms. */
static void
add_live(const struct daemon *d, struct live *l, size_t from, size_t to,
    double *ms, int keepid)
{
	struct gp_request req;
	struct reply rep;
	size_t i;

	for (i = from; i < to; i++) {
		req_init(&req, IMSG_CTL_ADD);
		req.pid = l[i].pid;
		req_tag(&req.tags, "live");
		req_tag(&req.groups, "bench");
		memset(&rep, 0, sizeof(rep));
		rep.decode = 1;
		ms[i - from] = timed_request(d->sock, &req, &rep);
		if (rep.type != IMSG_CTL_END || rep.entries != 1)
			bail("add %d: %s", (int)l[i].pid, rep.msg);
		if (keepid)
			l[i].id = rep.first_id;
	}
}

/* Add l[from .. to) with goprocctl add. */
static void
ctl_add_live(
    const struct daemon *d, struct live *l, size_t from, size_t to, double *ms)
{
	char pidbuf[16];
	char *args[] = { "goprocctl", "add", pidbuf, "--tag", "live", "--group",
		"bench", NULL };
	size_t i;

	for (i = from; i < to; i++) {
		(void)snprintf(pidbuf, sizeof(pidbuf), "%d", (int)l[i].pid);
		ms[i - from] = run_prog(d, goprocctl_path, args);
	}
}

static void
print_header(const char *title)
{
	printf("\n%-46s %-22s %-11s %s\n", title, "measured", "target", "met");
	printf("%-46s %-22s %-11s %s\n",
	    "----------------------------------------------",
	    "----------------------", "-----------", "---");
}

/* met: 1 yes, 0 no, -1 no target. */
static void
row(const char *what, const char *value, const char *tgt, int met)
{
	const char *m = "";

	if (met > 0)
		m = "yes";
	else if (met == 0)
		m = "NO";
	printf("%-46s %-22s %-11s %s\n", what, value, tgt, m);
	(void)fflush(stdout);
}

static void
rowf(const char *what, const char *tgt, int met, const char *fmt, ...)
{
	char value[128];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	row(what, value, tgt, met);
}

static void
print_rss(const char *when, const struct rss *r)
{
	printf("  %-22s %9.1f %9.1f %9.1f %9.1f %9.1f\n", when,
	    r->kb[R_PARENT] / 1024.0, r->kb[R_REGISTRY] / 1024.0,
	    r->kb[R_PROBER] / 1024.0, r->kb[R_FRONTEND] / 1024.0,
	    r->sum / 1024.0);
}

static void
target(const char *name, int met)
{
	if (ntargets < nitems(targets)) {
		targets[ntargets].name = name;
		targets[ntargets].met = met;
		ntargets++;
	}
}

/* Remove a directory and what is in it (one level of subdirectories). */
static void
rm_tree(const char *path)
{
	char sub[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	DIR *dir;

	if ((dir = opendir(path)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		(void)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
			rm_tree(sub);
		else
			(void)unlink(sub);
	}
	(void)closedir(dir);
	(void)rmdir(path);
}

static const char *
boot_for_snapshot(void)
{
	if (strcmp(boot_id, FAKE_BOOT_ID) == 0)
		return (OTHER_BOOT_ID);
	return (FAKE_BOOT_ID);
}

/*
 * Fork a child for the metrics phase, registered in mkids[]: one that
 * pauses, one that spins, or one that touches MEM_BYTES and then pauses
 * (returned once the memory is touched).  Its index in mkids[].
 */
static size_t
spawn_kid(enum kid kind)
{
	static volatile unsigned long spin;
	static char *volatile keep;
	sigset_t old;
	char *mem, c = 0;
	pid_t pid;
	int fd, p[2] = { -1, -1 };

	if (nmkids >= nitems(mkids))
		bail("too many children");
	if (kind == K_MEM && pipe2(p, O_CLOEXEC) == -1)
		bail("pipe: %s", strerror(errno));
	block_signals(&old);
	switch (pid = fork()) {
	case -1:
		bail("fork: %s", strerror(errno));
	case 0:
		restore_signals(&old);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			(void)dup2(fd, STDIN_FILENO);
			(void)dup2(fd, STDOUT_FILENO);
			(void)dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				(void)close(fd);
		}
		if (kind == K_BUSY)
			for (;;)
				spin++;
		if (kind == K_MEM) {
			(void)close(p[0]);
			if ((mem = malloc(MEM_BYTES)) == NULL)
				_exit(1);
			memset(mem, 0xa5, MEM_BYTES);
			keep = mem;
			if (keep[MEM_BYTES - 1] != (char)0xa5)
				_exit(1);
			if (write(p[1], "m", 1) != 1)
				_exit(1);
		}
		for (;;)
			(void)pause();
	default:
		break;
	}
	mkids[nmkids].pid = pid;
	mkids[nmkids].id = 0;
	mkids[nmkids].reaped = 0;
	nmkids++;
	restore_signals(&old);
	if (kind == K_MEM) {
		(void)close(p[1]);
		while (read(p[0], &c, 1) == -1 && errno == EINTR)
			;
		if (c != 'm')
			bail("the child touching %d MiB failed",
			    MEM_BYTES / (1024 * 1024));
		(void)close(p[0]);
	}
	return (nmkids - 1);
}

/* Kill and reap the children of the metrics phase. */
static void
stop_kids(void)
{
	sigset_t old;

	block_signals(&old);
	kill_procs(mkids, nmkids);
	nmkids = 0;
	restore_signals(&old);
}

/* A goprocd.conf that sets metrics_interval. */
static void
write_conf(const char *path, const char *interval)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL)
		bail("%s: %s", path, strerror(errno));
	fprintf(f, "{\n\t\"metrics_interval\": \"%s\"\n}\n", interval);
	if (fflush(f) == EOF || ferror(f))
		bail("%s: write: %s", path, strerror(errno));
	(void)fclose(f);
}

/*
 * Each process's share of one core over secs seconds, in percent, into
 * share; the CPU seconds into cpu.
 */
static void
cpu_shares(const struct daemon *d, int secs, double *share, double *cpu)
{
	double c0[R_MAX], c1, t0, wall;
	int r;

	for (r = 0; r < R_MAX; r++)
		c0[r] = proc_cpu_s(d->procs[r]);
	t0 = now_ms();
	sleep_ms(secs * 1e3);
	wall = (now_ms() - t0) / 1e3;
	for (r = 0; r < R_MAX; r++) {
		c1 = proc_cpu_s(d->procs[r]);
		if (isnan(c0[r]) || isnan(c1))
			bail("cannot read the CPU time of the %s (%d)",
			    role_names[r], (int)d->procs[r]);
		cpu[r] = c1 - c0[r];
		share[r] = 100.0 * cpu[r] / wall;
	}
}

/* list --pid of a child until its entry has the valid bits of want. */
static void
wait_sample(const struct daemon *d, const struct live *k, uint32_t want,
    struct reply *rep)
{
	struct gp_request req;
	double t0;

	req_init(&req, IMSG_CTL_LIST);
	req.npids = 1;
	req.pids[0] = k->pid;
	t0 = now_ms();
	for (;;) {
		memset(rep, 0, sizeof(*rep));
		rep->decode = 1;
		rep->want_id = k->id;
		(void)timed_request(d->sock, &req, rep);
		if (!rep->found)
			bail("list --pid %d: id %llu not listed", (int)k->pid,
			    (unsigned long long)k->id);
		if ((rep->met.valid & want) == want)
			return;
		if (now_ms() - t0 > SAMPLE_TIMEOUT_MS)
			bail("pid %d: no sample (valid 0x%x) after %d ms",
			    (int)k->pid, rep->met.valid, SAMPLE_TIMEOUT_MS);
		sleep_ms(100);
	}
}

/*
 * Wait for a new sample of k (a sweep), then half an interval, so that
 * a window of whole intervals holds as many sweeps as intervals.
 */
static void
mid_interval(const struct daemon *d, const struct live *k)
{
	struct reply rep;
	int64_t sampled;
	double t0;

	wait_sample(d, k, GP_MET_SAMPLE, &rep);
	sampled = rep.met.sampled_at;
	t0 = now_ms();
	do {
		if (now_ms() - t0 > 2 * MET_INTERVAL_S * 1e3)
			bail("pid %d: no new sample in %d s", (int)k->pid,
			    2 * MET_INTERVAL_S);
		sleep_ms(20);
		wait_sample(d, k, GP_MET_SAMPLE, &rep);
	} while (rep.met.sampled_at == sampled);
	sleep_ms(MET_INTERVAL_S * 1e3 / 2);
}

/* ps -o %cpu= -p pid. */
static double
ps_cpu(pid_t pid)
{
	char pidbuf[16], out[128], *end;
	char *args[] = { "ps", "-o", "%cpu=", "-p", pidbuf, NULL };
	double v;
	ssize_t n;
	int p[2], status;

	(void)snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	if (pipe2(p, O_CLOEXEC) == -1)
		bail("pipe: %s", strerror(errno));
	(void)spawn_prog(NULL, "ps", args, p[1], &status);
	(void)close(p[1]);
	n = read(p[0], out, sizeof(out) - 1);
	(void)close(p[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n <= 0)
		bail("ps -o %%cpu= -p %d failed (status %d), see %s", (int)pid,
		    status, ctl_err);
	out[n] = '\0';
	v = strtod(out, &end);
	if (end == out)
		bail("ps -o %%cpu= -p %d: %s", (int)pid, out);
	return (v);
}

/*
 * The CPU time of one open, read and close of /proc/PID/stat by this
 * process, without a sandbox, in microseconds: the floor of a sample.
 */
static double
stat_read_us(void)
{
	struct timespec c0, c1;
	char path[64], buf[1024];
	size_t i, pass;
	int pfd, fd;

	if ((pfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		bail("/proc: %s", strerror(errno));
	(void)clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < nmkids; i++) {
			(void)snprintf(
			    path, sizeof(path), "%d/stat", (int)mkids[i].pid);
			fd = openat(pfd, path, O_RDONLY | O_CLOEXEC);
			if (fd == -1 || read(fd, buf, sizeof(buf)) <= 0)
				bail("/proc/%s: %s", path, strerror(errno));
			(void)close(fd);
		}
	}
	(void)clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	(void)close(pfd);
	return (((double)(c1.tv_sec - c0.tv_sec) * 1e9 +
	            (double)(c1.tv_nsec - c0.tv_nsec)) /
	    1e3 / (3.0 * (double)nmkids));
}

/*
 * goprocctl list against list -l > /dev/null, NLISTL runs each taken
 * in turn; skipped if this goprocctl has no -l.
 */
static void
list_long(const struct daemon *d)
{
	static double plain[NLISTL], lng[NLISTL];
	char *list_args[] = { "goprocctl", "list", NULL };
	char *long_args[] = { "goprocctl", "list", "-l", NULL };
	struct stats sp, sl;
	double ratio;
	size_t i;
	int status, has_l, met;

	(void)spawn_prog(d, goprocctl_path, long_args, -1, &status);
	has_l = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	for (i = 0; i < NLISTL; i++) {
		plain[i] = run_prog(d, goprocctl_path, list_args);
		if (has_l)
			lng[i] = run_prog(d, goprocctl_path, long_args);
	}
	sp = summarize(plain, NLISTL);
	rowf("goprocctl list > /dev/null, median (20 runs)", "", -1,
	    "%.1f ms (best %.1f)", sp.med, sp.min);
	if (!has_l) {
		row("goprocctl list -l > /dev/null",
		    "skipped: goprocctl has no -l", "", -1);
		return;
	}
	sl = summarize(lng, NLISTL);
	rowf("goprocctl list -l > /dev/null, median", "", -1,
	    "%.1f ms (best %.1f)", sl.med, sl.min);
	ratio = sl.med / sp.med;
	met = ratio <= T_LISTL_RATIO;
	rowf("list -l / list (median)", "<= 1.15x", met, "%.2fx", ratio);
	target("list -l within 15% of list", met);
}

/*
 * What sampling costs: NIDLE idle processes registered through the add
 * path, the prober's CPU over WINDOW_S with metrics_interval at its
 * default, list against list -l, then the same span with sampling off
 * (metrics_interval 0 in goprocd.conf, and SIGHUP).
 */
static void
metrics_cost(void)
{
	static double ms[NIDLE];
	char interval[16];
	struct gp_request req;
	struct reply rep;
	struct stats s;
	double t0, spawn_ms, share[R_MAX], cpu[R_MAX], sweep_ms;
	int64_t sampled;
	int met;

	print_header("metrics: 10,000 idle live processes");
	t0 = now_ms();
	while (nmkids < NIDLE)
		(void)spawn_kid(K_IDLE);
	spawn_ms = now_ms() - t0;
	(void)snprintf(interval, sizeof(interval), "%ds", MET_INTERVAL_S);
	write_conf(dmet.files[F_CONF], interval);
	dmet.conf = dmet.files[F_CONF];
	daemon_start(&dmet);
	t0 = now_ms();
	add_live(&dmet, mkids, 0, NIDLE, ms, 1);
	rowf("spawning / adding the 10,000", "", -1, "%.1f / %.1f s",
	    spawn_ms / 1e3, (now_ms() - t0) / 1e3);
	s = summarize(ms, NIDLE);
	rowf("add, imsg client, median / p95", "", -1, "%.2f / %.2f ms", s.med,
	    s.p95);
	req_init(&req, IMSG_CTL_LIST);
	memset(&rep, 0, sizeof(rep));
	(void)timed_request(dmet.sock, &req, &rep);
	if (rep.type != IMSG_CTL_END || rep.entries != NIDLE)
		bail("the registry holds %u entries, not %d", rep.entries,
		    NIDLE);
	rowf("prober descriptors", "", -1, "%d",
	    count_fds(dmet.procs[R_PROBER]));

	mid_interval(&dmet, &mkids[0]);
	cpu_shares(&dmet, WINDOW_S, share, cpu);
	met = share[R_PROBER] < T_PROBER_PCT;
	rowf("prober CPU, metrics_interval 5s, over 60 s", "< 2%", met,
	    "%.2f%% of a core", share[R_PROBER]);
	target("prober under 2% of a core at 10,000", met);
	sweep_ms = cpu[R_PROBER] * 1e3 / ((double)WINDOW_S / MET_INTERVAL_S);
	rowf("  prober CPU per sweep of 10,000", "", -1,
	    "%.1f ms (%.1f us each)", sweep_ms, sweep_ms * 1e3 / NIDLE);
	rowf("  a bare read of /proc/PID/stat, CPU", "", -1, "%.1f us",
	    stat_read_us());
	rowf("  registry CPU, same span", "", -1, "%.2f%% of a core",
	    share[R_REGISTRY]);

	list_long(&dmet);

	/* Sampling off: the same daemon reloads its configuration. */
	write_conf(dmet.files[F_CONF], "0");
	if (kill(dmet.pid, SIGHUP) == -1)
		bail("kill -HUP %d: %s", (int)dmet.pid, strerror(errno));
	sleep_ms(1000);
	wait_sample(&dmet, &mkids[0], GP_MET_SAMPLE, &rep);
	sampled = rep.met.sampled_at;
	cpu_shares(&dmet, WINDOW_S, share, cpu);
	wait_sample(&dmet, &mkids[0], GP_MET_SAMPLE, &rep);
	if (rep.met.sampled_at != sampled)
		bail("goprocd still samples after metrics_interval 0 and "
		     "SIGHUP, see %s",
		    dmet.files[F_LOG]);
	rowf("prober CPU, metrics_interval 0, over 60 s", "", -1,
	    "%.2f%% of a core", share[R_PROBER]);
	rowf("  registry CPU, same span", "", -1, "%.2f%% of a core",
	    share[R_REGISTRY]);
	daemon_stop(&dmet);
	stop_kids();
}

/*
 * How a sample compares with ps and /proc: a process that spins and one
 * that holds MEM_BYTES, with metrics_interval ACC_INTERVAL_MS.
 */
static void
metrics_accuracy(void)
{
	char interval[16];
	double ms[2], pct, ps, vmrss, rss, diff;
	struct reply rep;
	size_t busy, mem;
	int met;

	(void)snprintf(interval, sizeof(interval), "%dms", ACC_INTERVAL_MS);
	print_header("metrics: accuracy, metrics_interval 1s");
	dacc.metrics = interval;
	daemon_start(&dacc);
	/* The busy loop last, so that it starts on a quiet machine. */
	mem = spawn_kid(K_MEM);
	add_live(&dacc, mkids, mem, mem + 1, ms, 1);
	busy = spawn_kid(K_BUSY);
	add_live(&dacc, mkids, busy, busy + 1, ms, 1);
	sleep_ms(2 * ACC_INTERVAL_MS + 200);

	wait_sample(&dacc, &mkids[busy], GP_MET_SAMPLE | GP_MET_CPU_PCT, &rep);
	ps = ps_cpu(mkids[busy].pid);
	pct = rep.met.cpu_pct / 100.0;
	diff = fabs(pct - ps);
	met = diff <= T_CPU_POINTS;
	rowf("busy loop: cpu_pct against ps %cpu", "<= 5 points", met,
	    "%.1f / %.1f (%.1f)", pct, ps, diff);
	target("cpu_pct within 5 points of ps", met);

	wait_sample(&dacc, &mkids[mem], GP_MET_SAMPLE, &rep);
	vmrss = proc_status_kb(mkids[mem].pid, "VmRSS:") * 1024.0;
	if (vmrss <= 0)
		bail("no VmRSS for pid %d", (int)mkids[mem].pid);
	rss = (double)rep.met.rss_bytes;
	diff = 100.0 * fabs(rss - vmrss) / vmrss;
	met = diff <= T_RSS_PCT;
	rowf("100 MiB touched: rss_bytes against VmRSS", "<= 2%", met,
	    "%.1f / %.1f MiB (%.2f%%)", rss / MIB, vmrss / MIB, diff);
	target("rss_bytes within 2% of VmRSS", met);
	daemon_stop(&dacc);
	stop_kids();
}

/* The registry of 100 entries: startup and the add path. */
static struct stats
bench_small(void)
{
	static double ms[NADD], ms2[NCTLADD];
	struct stats s, s_ctl;

	print_header("registry of 100 entries");
	write_snapshot(
	    dsmall.files[F_SNAPSHOT], NSMALL, 100, boot_for_snapshot());
	daemon_start(&dsmall);
	rowf("startup (until ping answers)", "", -1, "%.1f ms",
	    dsmall.startup_ms);
	add_live(&dsmall, live, 0, NADD, ms, 0);
	s = summarize(ms, NADD);
	rowf("add, imsg client, median / p95 (300 adds)", "", -1,
	    "%.2f / %.2f ms", s.med, s.p95);
	ctl_add_live(&dsmall, live, NADD, NADD + NCTLADD, ms2);
	s_ctl = summarize(ms2, NCTLADD);
	rowf("goprocctl add, wall, median / p95 (50 adds)", "", -1,
	    "%.2f / %.2f ms", s_ctl.med, s_ctl.p95);
	daemon_stop(&dsmall);
	return (s);
}

/*
 * The registry of 100,000 entries: startup, list --tag, the full list
 * and ping.
 */
static void
bench_big_lists(struct rss *rss_load, struct rss *rss_list)
{
	static double ms[NLIVE];
	char *ping_args[] = { "goprocctl", "ping", NULL };
	char *list_args[] = { "goprocctl", "list", NULL };
	char *true_args[] = { "true", NULL };
	struct gp_request req;
	struct reply rep;
	struct stats s_tag, s_raw, s_full, s_ping, s_true;
	struct stat sb;
	char tag[GP_LABEL_MAX + 1];
	double t0, cpu0[R_MAX], cpu1[R_MAX];
	double full_raw[NFULL], full_ctl[NFULL];
	size_t i;
	int r, met;

	/* 100,000 entries. */
	print_header("registry of 100,000 entries");
	t0 = now_ms();
	write_snapshot(dbig.files[F_SNAPSHOT], NBIG, 100, boot_for_snapshot());
	if (stat(dbig.files[F_SNAPSHOT], &sb) == -1)
		bail("%s: %s", dbig.files[F_SNAPSHOT], strerror(errno));
	rowf("snapshot generated", "", -1, "%.1f MiB in %.0f ms",
	    sb.st_size / MIB, now_ms() - t0);
	daemon_start(&dbig);
	rowf(
	    "startup (until ping answers)", "", -1, "%.0f ms", dbig.startup_ms);
	req_init(&req, IMSG_CTL_LIST);
	memset(&rep, 0, sizeof(rep));
	(void)timed_request(dbig.sock, &req, &rep);
	if (rep.entries != NBIG)
		bail(
		    "the registry holds %u entries, not %d", rep.entries, NBIG);
	read_rss(&dbig, rss_load);

	/* list --tag t<N>: 10 matches among 100,000. */
	for (i = 0; i < NTAGLIST; i++) {
		(void)snprintf(tag, sizeof(tag), "t%zu",
		    (i * 37 + 123) % (NBIG / TAG_MATCHES));
		req_init(&req, IMSG_CTL_LIST);
		req_tag(&req.tags, tag);
		memset(&rep, 0, sizeof(rep));
		rep.decode = 1;
		ms[i] = timed_request(dbig.sock, &req, &rep);
		if (rep.type != IMSG_CTL_END || rep.entries != TAG_MATCHES)
			bail("list --tag %s: %u entries (%s)", tag, rep.entries,
			    rep.msg);
	}
	s_tag = summarize(ms, NTAGLIST);
	met = s_tag.med < T_TAG_MS;
	rowf("list --tag tN (10 matches), median", "< 5 ms", met, "%.3f ms",
	    s_tag.med);
	rowf("list --tag tN (10 matches), p95", "", -1, "%.3f ms", s_tag.p95);
	target("list --tag under 5 ms", met);

	/* Full list: the raw drain, then goprocctl list > /dev/null. */
	for (r = 0; r < R_MAX; r++)
		cpu0[r] = proc_cpu_s(dbig.procs[r]);
	for (i = 0; i < NFULL; i++) {
		req_init(&req, IMSG_CTL_LIST);
		memset(&rep, 0, sizeof(rep));
		full_raw[i] = timed_request(dbig.sock, &req, &rep);
		if (rep.type != IMSG_CTL_END || rep.entries != NBIG)
			bail("full list: %u entries", rep.entries);
	}
	for (r = 0; r < R_MAX; r++)
		cpu1[r] = proc_cpu_s(dbig.procs[r]);
	for (i = 0; i < NFULL; i++)
		full_ctl[i] = run_prog(&dbig, goprocctl_path, list_args);
	s_raw = summarize(full_raw, NFULL);
	s_full = summarize(full_ctl, NFULL);
	read_rss(&dbig, rss_list);
	met = s_full.med < T_FULL_MS;
	rowf("full list, goprocctl list > /dev/null, wall", "< 1 s", met,
	    "%.0f ms (best %.0f)", s_full.med, s_full.min);
	target("full list under 1 s", met);
	rowf("full list, raw imsg client drain", "", -1, "%.0f ms (best %.0f)",
	    s_raw.med, s_raw.min);
	rowf("  CPU per full list: registry / frontend", "", -1,
	    "%.2f / %.2f s", (cpu1[R_REGISTRY] - cpu0[R_REGISTRY]) / NFULL,
	    (cpu1[R_FRONTEND] - cpu0[R_FRONTEND]) / NFULL);

	/* ping: goprocctl, a bare fork+exec, the imsg client. */
	for (i = 0; i < NPING; i++)
		ms[i] = run_prog(&dbig, goprocctl_path, ping_args);
	s_ping = summarize(ms, NPING);
	for (i = 0; i < NPING; i++)
		ms[i] = run_prog(&dbig, "/bin/true", true_args);
	s_true = summarize(ms, NPING);
	met = s_ping.med < T_PING_MS;
	rowf("goprocctl ping, fork+exec wall, median", "< 2 ms", met, "%.2f ms",
	    s_ping.med);
	rowf("goprocctl ping, fork+exec wall, p95", "", -1, "%.2f ms",
	    s_ping.p95);
	target("goprocctl ping under 2 ms", met);
	rowf("  fork+exec of /bin/true, median / p95", "", -1, "%.2f / %.2f ms",
	    s_true.med, s_true.p95);
	for (i = 0; i < NPING; i++) {
		req_init(&req, IMSG_CTL_PING);
		memset(&rep, 0, sizeof(rep));
		ms[i] = timed_request(dbig.sock, &req, &rep);
	}
	s_ping = summarize(ms, NPING);
	rowf("  ping, imsg client, median / p95", "", -1, "%.3f / %.3f ms",
	    s_ping.med, s_ping.p95);
}

/*
 * The 1,000 live processes added at 100,000 entries, the RSS after
 * each step, and death detection.
 */
static void
bench_big_live(const struct stats *s_small, const struct rss *rss_load,
    const struct rss *rss_list, struct rss *rss_live)
{
	static double ms[NLIVE], ms2[NCTLADD];
	struct gp_request req;
	struct reply rep;
	struct stats s_big, s_ctl, s_death;
	double t0, ratio;
	size_t i, j;
	int fds_before, fds_after, met;

	/* add at 100,000, then the rest of the live processes. */
	fds_before = count_fds(dbig.procs[R_PROBER]);
	add_live(&dbig, live, 0, NADD, ms, 1);
	s_big = summarize(ms, NADD);
	rowf("add, imsg client, median / p95 (300 adds)", "", -1,
	    "%.2f / %.2f ms", s_big.med, s_big.p95);
	ratio = s_big.med / s_small->med;
	met = ratio <= T_ADD_RATIO;
	rowf("add at 100,000 / add at 100 (median)", "<= 2x", met,
	    "%.2fx (p95 %.2fx)", ratio, s_big.p95 / s_small->p95);
	target("add at 100,000 within 2x of add at 100", met);
	ctl_add_live(&dbig, live, NADD, NADD + NCTLADD, ms2);
	s_ctl = summarize(ms2, NCTLADD);
	rowf("goprocctl add, wall, median / p95 (50 adds)", "", -1,
	    "%.2f / %.2f ms", s_ctl.med, s_ctl.p95);
	add_live(&dbig, live, NADD + NCTLADD, NLIVE, ms, 0);
	s_big = summarize(ms, NLIVE - NADD - NCTLADD);
	rowf("add of 650 more live (to 101,000), med / p95", "", -1,
	    "%.2f / %.2f ms", s_big.med, s_big.p95);
	fds_after = count_fds(dbig.procs[R_PROBER]);
	read_rss(&dbig, rss_live);
	rowf("prober descriptors, before / after 1,000 adds", "", -1, "%d / %d",
	    fds_before, fds_after);

	met = rss_load->sum / 1024.0 < T_RSS_MIB;
	rowf("RSS, 4 processes, after load", "< 64 MiB", met, "%.1f MiB",
	    rss_load->sum / 1024.0);
	j = rss_list->sum / 1024.0 < T_RSS_MIB;
	rowf("RSS, 4 processes, after full lists", "< 64 MiB", (int)j,
	    "%.1f MiB", rss_list->sum / 1024.0);
	met = met && j;
	j = rss_live->sum / 1024.0 < T_RSS_MIB;
	rowf("RSS, 4 processes, after 1,000 live adds", "< 64 MiB", (int)j,
	    "%.1f MiB", rss_live->sum / 1024.0);
	target("RSS under 64 MiB", met && j);

	/* Death detection: kill -9, then list --pid every 1 ms. */
	for (i = 0; i < NDEATH; i++) {
		req_init(&req, IMSG_CTL_LIST);
		req.npids = 1;
		req.pids[0] = live[i].pid;
		t0 = now_ms();
		if (kill(live[i].pid, SIGKILL) == -1)
			bail("kill %d: %s", (int)live[i].pid, strerror(errno));
		reap_live(&live[i]);
		for (;;) {
			memset(&rep, 0, sizeof(rep));
			rep.decode = 1;
			rep.want_id = live[i].id;
			(void)timed_request(dbig.sock, &req, &rep);
			if (!rep.found)
				bail("list --pid %d: id %llu not listed",
				    (int)live[i].pid,
				    (unsigned long long)live[i].id);
			if (!rep.alive)
				break;
			if (now_ms() - t0 > DEATH_TIMEOUT_MS)
				bail("pid %d still alive after %d ms",
				    (int)live[i].pid, DEATH_TIMEOUT_MS);
			sleep_ms(1);
		}
		ms[i] = now_ms() - t0;
	}
	s_death = summarize(ms, NDEATH);
	rowf("death detection (kill -9 to alive=false), med", "", -1, "%.2f ms",
	    s_death.med);
	rowf("death detection, p95 / max (20 kills)", "", -1, "%.2f / %.2f ms",
	    s_death.p95, s_death.max);
}

/*
 * The registries of 100 and of 100,000 entries: startup, add, list,
 * ping, RSS and death detection.
 */
static void
bench_registry(void)
{
	struct stats s_small;
	struct rss rss_load, rss_list, rss_live;
	double t0, spawn_ms;
	sigset_t old;

	t0 = now_ms();
	spawn_live(NLIVE);
	spawn_ms = now_ms() - t0;
	s_small = bench_small();
	bench_big_lists(&rss_load, &rss_list);
	bench_big_live(&s_small, &rss_load, &rss_list, &rss_live);
	rowf("spawning the 1,000 sleep processes", "", -1, "%.0f ms", spawn_ms);

	printf("\nVmRSS in MiB, registry of 100,000 entries\n");
	printf("  %-22s %9s %9s %9s %9s %9s\n", "", role_names[R_PARENT],
	    role_names[R_REGISTRY], role_names[R_PROBER],
	    role_names[R_FRONTEND], "sum");
	print_rss("after load", &rss_load);
	print_rss("after full lists", &rss_list);
	print_rss("after 1,000 live adds", &rss_live);

	/* A quiet machine for what follows. */
	daemon_stop(&dbig);
	block_signals(&old);
	kill_procs(live, nlive);
	restore_signals(&old);
}

/* Encode a request and send it on ibuf. */
static void
req_send(struct imsgbuf *ibuf, const struct gp_request *req)
{
	struct ibuf *b;

	if ((b = ibuf_dynamic(256, MAX_IMSGSIZE - IMSG_HEADER_SIZE)) == NULL ||
	    wire_req_encode(b, req) == -1 ||
	    imsg_compose(
	        ibuf, req->type, 0, 0, -1, ibuf_data(b), ibuf_size(b)) == -1)
		bail("cannot encode a request: %s", strerror(errno));
	ibuf_free(b);
	if (imsgbuf_flush(ibuf) == -1)
		bail("cannot send a request: %s", strerror(errno));
}

/* Wait for bytes from goprocd and read them into ibuf. */
static void
read_more(struct imsgbuf *ibuf)
{
	struct pollfd pfd;

	pfd.fd = ibuf->fd;
	pfd.events = POLLIN;
	for (;;) {
		pfd.revents = 0;
		switch (poll(&pfd, 1, REQ_TIMEOUT_MS)) {
		case -1:
			if (errno == EINTR)
				continue;
			bail("poll: %s", strerror(errno));
		case 0:
			bail("no answer from goprocd within %d s",
			    REQ_TIMEOUT_MS / 1000);
		default:
			break;
		}
		break;
	}
	switch (imsgbuf_read(ibuf)) {
	case -1:
		bail("read from goprocd: %s", strerror(errno));
	case 0:
		bail("goprocd closed the watch connection");
	default:
		break;
	}
}

/*
 * A raw watcher of every entry (no selectors, no initial entries), once
 * its INFO says it is subscribed.  Its imsgbuf is kept in ibuf, or freed
 * if ibuf is NULL; its descriptor.
 */
static int
watch_open(const char *sock, struct imsgbuf *ibuf)
{
	struct imsgbuf own, *ib = ibuf != NULL ? ibuf : &own;
	struct gp_request req;
	struct gp_end end;
	struct imsg imsg;
	struct ibuf view;
	const char *errstr;
	uint32_t type;
	ssize_t n;
	int fd;

	if ((fd = client_open(sock)) == -1)
		bail("cannot connect to %s: %s", sock, strerror(errno));
	if (imsgbuf_init(ib, fd) == -1)
		bail("imsgbuf_init: %s", strerror(errno));
	req_init(&req, IMSG_CTL_WATCH);
	req_send(ib, &req);
	for (;;) {
		while ((n = imsg_get(ib, &imsg)) != 0) {
			if (n == -1)
				bail("bad reply: %s", strerror(errno));
			type = imsg_get_type(&imsg);
			if ((type == IMSG_CTL_END || type == IMSG_CTL_ERROR) &&
			    (imsg_get_ibuf(&imsg, &view) == -1 ||
			        wire_end_decode(&view, &end, &errstr) == -1))
				bail("bad reply to watch");
			imsg_free(&imsg);
			if (type == IMSG_CTL_INFO) {
				if (ibuf == NULL)
					imsgbuf_clear(ib);
				return (fd);
			}
			if (type == IMSG_CTL_END || type == IMSG_CTL_ERROR)
				bail("watch refused: %s", end.msg);
			if (type != IMSG_CTL_ENTRY)
				bail("unexpected reply type %u to watch", type);
		}
		read_more(ib);
	}
}

/*
 * A child that reads and drops whatever comes on the watchers' sockets,
 * as fast as it comes (epoll); the parent's copies are closed.
 */
static pid_t
drain_start(const int *fds, size_t n)
{
	static struct epoll_event evs[64];
	static char buf[65536];
	struct epoll_event ev;
	sigset_t old;
	size_t i, open;
	pid_t pid;
	int ep, nev, j;

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		bail("epoll_create1: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.fd = fds[i];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) == -1)
			bail("epoll_ctl: %s", strerror(errno));
	}
	block_signals(&old);
	switch (pid = fork()) {
	case -1:
		bail("fork: %s", strerror(errno));
	case 0:
		restore_signals(&old);
		for (open = n; open > 0;) {
			if ((nev = epoll_wait(ep, evs, nitems(evs), -1)) ==
			    -1) {
				if (errno == EINTR)
					continue;
				_exit(1);
			}
			for (j = 0; j < nev; j++) {
				if (read(evs[j].data.fd, buf, sizeof(buf)) > 0)
					continue;
				(void)epoll_ctl(
				    ep, EPOLL_CTL_DEL, evs[j].data.fd, NULL);
				open--;
			}
		}
		_exit(0);
	default:
		break;
	}
	drain_pid = pid;
	restore_signals(&old);
	(void)close(ep);
	for (i = 0; i < n; i++)
		(void)close(fds[i]);
	return (pid);
}

/* SIGKILL and reap a child kept in *slot; async-signal-safe. */
static void
stop_child(volatile pid_t *slot)
{
	pid_t p;

	if ((p = *slot) <= 0)
		return;
	(void)kill(p, SIGKILL);
	while (waitpid(p, NULL, 0) == -1 && errno == EINTR)
		;
	*slot = 0;
}

/*
 * Read goprocctl watch's lines until one says event for pid; when the
 * read that brought it returned (CLOCK_MONOTONIC, ms).
 */
static double
wait_line(struct linebuf *lb, const char *event, pid_t pid)
{
	char want[32], *nl, *sp;
	struct pollfd pfd;
	size_t elen = strlen(event), used;
	double t0 = now_ms(), left;
	ssize_t n;
	int match;

	(void)snprintf(want, sizeof(want), " pid=%d ", (int)pid);
	for (;;) {
		while ((nl = memchr(lb->buf, '\n', lb->len)) != NULL) {
			*nl = '\0';
			/* TIME EVENT [id=N] pid=P ... */
			sp = strchr(lb->buf, ' ');
			match = sp != NULL &&
			    strncmp(sp + 1, event, elen) == 0 &&
			    sp[1 + elen] == ' ' && strstr(sp, want) != NULL;
			used = (size_t)(nl + 1 - lb->buf);
			memmove(lb->buf, nl + 1, lb->len - used);
			lb->len -= used;
			if (match)
				return (lb->t);
		}
		if (lb->len == sizeof(lb->buf))
			lb->len = 0; /* a line too long for us: dropped */
		if ((left = EVENT_TIMEOUT_MS - (now_ms() - t0)) <= 0)
			bail("goprocctl watch: no %s line for pid %d in %d s",
			    event, (int)pid, EVENT_TIMEOUT_MS / 1000);
		pfd.fd = lb->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)left + 1) <= 0)
			continue;
		n = read(lb->fd, lb->buf + lb->len, sizeof(lb->buf) - lb->len);
		lb->t = now_ms();
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			bail("goprocctl watch exited, see %s", ctl_err);
		lb->len += (size_t)n;
	}
}

/*
 * kill -9 of a registered child until goprocctl watch prints its exited
 * line, NWTRIALS times with one watch client.  The client is subscribed
 * once its --initial line of a first child has come; each child's added
 * line is read before its kill.
 */
static void
watch_latency(const struct daemon *d, double *ms)
{
	static struct linebuf lb;
	char *args[] = { "goprocctl", "watch", "--tag", "live", "--initial",
		NULL };
	double t0, add_ms;
	size_t i, k;
	int p[2];

	if (pipe2(p, O_CLOEXEC) == -1)
		bail("pipe: %s", strerror(errno));
	k = spawn_kid(K_IDLE);
	add_live(d, mkids, k, k + 1, &add_ms, 1);
	(void)start_prog(d, goprocctl_path, args, p[1], &watch_pid);
	(void)close(p[1]);
	memset(&lb, 0, sizeof(lb));
	lb.fd = p[0];
	(void)wait_line(&lb, "present", mkids[k].pid);
	for (i = 0; i < NWTRIALS; i++) {
		k = spawn_kid(K_IDLE);
		add_live(d, mkids, k, k + 1, &add_ms, 1);
		(void)wait_line(&lb, "added", mkids[k].pid);
		t0 = now_ms();
		if (kill(mkids[k].pid, SIGKILL) == -1)
			bail("kill %d: %s", (int)mkids[k].pid, strerror(errno));
		ms[i] = wait_line(&lb, "exited", mkids[k].pid) - t0;
		reap_live(&mkids[k]);
	}
	stop_child(&watch_pid);
	(void)close(p[0]);
}

/*
 * The frontend's descriptors once the connections of earlier clients
 * are gone: the fewest seen over 50 ms.
 */
static int
idle_fds(pid_t front)
{
	double t0;
	int n, least = INT_MAX;

	t0 = now_ms();
	do {
		if ((n = count_fds(front)) != -1 && n < least)
			least = n;
		sleep_ms(1);
	} while (now_ms() - t0 < 50);
	return (least);
}

/*
 * kill -9 of a registered child until goprocctl wait --id N has exited
 * (its pidfd readable, then waitpid), NWTRIALS times.  The client starts
 * once the frontend holds no other client's connection, and the kill
 * comes SUB_SETTLE_MS after the frontend holds one more descriptor, the
 * wait client's connection: a subscription is one registry round trip.
 */
static void
wait_latency(const struct daemon *d, double *ms)
{
	char idbuf[24];
	char *args[] = { "goprocctl", "wait", "--id", idbuf, NULL };
	struct pollfd pfd;
	double t0, add_ms;
	size_t i, k;
	pid_t pid;
	int base, status;

	base = idle_fds(d->procs[R_FRONTEND]);
	for (i = 0; i < NWTRIALS; i++) {
		k = spawn_kid(K_IDLE);
		add_live(d, mkids, k, k + 1, &add_ms, 1);
		(void)snprintf(idbuf, sizeof(idbuf), "%llu",
		    (unsigned long long)mkids[k].id);
		t0 = now_ms();
		while (count_fds(d->procs[R_FRONTEND]) > base &&
		    now_ms() - t0 < EVENT_TIMEOUT_MS)
			sleep_ms(0.1);
		pid = start_prog(d, goprocctl_path, args, -1, &ctl_pid);
		t0 = now_ms();
		while (count_fds(d->procs[R_FRONTEND]) <= base &&
		    now_ms() - t0 < EVENT_TIMEOUT_MS) {
			if (waitpid(pid, &status, WNOHANG) == pid) {
				ctl_pid = 0;
				bail("goprocctl wait --id %s returned before "
				     "the kill (status %d), see %s",
				    idbuf, status, ctl_err);
			}
			sleep_ms(0.1);
		}
		sleep_ms(SUB_SETTLE_MS);
		if ((pfd.fd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1)
			bail("pidfd_open: %s", strerror(errno));
		pfd.events = POLLIN;
		pfd.revents = 0;
		t0 = now_ms();
		if (kill(mkids[k].pid, SIGKILL) == -1)
			bail("kill %d: %s", (int)mkids[k].pid, strerror(errno));
		if (poll(&pfd, 1, EVENT_TIMEOUT_MS) != 1)
			bail("goprocctl wait --id %s: still waiting after %d s",
			    idbuf, EVENT_TIMEOUT_MS / 1000);
		while (waitpid(pid, &status, 0) == -1)
			if (errno != EINTR)
				bail("waitpid: %s", strerror(errno));
		ms[i] = now_ms() - t0;
		ctl_pid = 0;
		(void)close(pfd.fd);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bail(
			    "goprocctl wait --id %s failed (status %d), see %s",
			    idbuf, status, ctl_err);
		reap_live(&mkids[k]);
	}
}

/* Median and p99 of NWTRIALS latencies against the targets. */
static void
latency_rows(const char *what, const char *tname, double *ms)
{
	char label[64];
	struct stats s;
	double p99;
	int met;

	s = summarize(ms, NWTRIALS);
	p99 = pct(ms, NWTRIALS, 0.99);
	(void)snprintf(label, sizeof(label), "%s, median", what);
	rowf(label, "<= 5 ms", s.med <= T_EV_MED_MS, "%.2f ms", s.med);
	(void)snprintf(label, sizeof(label), "%s, p99", what);
	rowf(label, "<= 20 ms", p99 <= T_EV_P99_MS, "%.2f ms (max %.2f)", p99,
	    s.max);
	met = s.med <= T_EV_MED_MS && p99 <= T_EV_P99_MS;
	target(tname, met);
}

/*
 * goprocctl add with no watcher and with NWATCHERS raw watchers of every
 * entry, whose sockets a child of ours reads as fast as it can; NROUNDS
 * times in turn, so that the machine's drift falls on both.
 */
static void
watchers_add(const struct daemon *d)
{
	static double ms0[NWADD], ms1[NWADD];
	static int fds[NWATCHERS];
	struct stats s0, s1;
	double t0, c, cpu0 = 0, cpu1 = 0, sub_ms = 0, ratio;
	size_t i, k, r, per = NWADD / NROUNDS;
	pid_t front = d->procs[R_FRONTEND];
	int base, fds_front = 0, met;

	k = nmkids;
	for (i = 0; i < 2 * NWADD; i++)
		(void)spawn_kid(K_IDLE);
	base = count_fds(front);
	for (r = 0; r < NROUNDS; r++) {
		c = proc_cpu_s(front);
		ctl_add_live(d, mkids, k, k + per, ms0 + r * per);
		cpu0 += proc_cpu_s(front) - c;
		k += per;
		t0 = now_ms();
		for (i = 0; i < NWATCHERS; i++)
			fds[i] = watch_open(d->sock, NULL);
		sub_ms += now_ms() - t0;
		(void)drain_start(fds, NWATCHERS);
		fds_front = count_fds(front);
		c = proc_cpu_s(front);
		ctl_add_live(d, mkids, k, k + per, ms1 + r * per);
		cpu1 += proc_cpu_s(front) - c;
		k += per;
		stop_child(&drain_pid);
		t0 = now_ms();
		while (count_fds(front) > base && now_ms() - t0 < 5000)
			sleep_ms(1);
	}
	s0 = summarize(ms0, per * NROUNDS);
	s1 = summarize(ms1, per * NROUNDS);
	rowf("500 raw watchers subscribed, mean", "", -1, "in %.0f ms",
	    sub_ms / NROUNDS);
	rowf("goprocctl add, no watcher, median / p95", "", -1,
	    "%.2f / %.2f ms", s0.med, s0.p95);
	rowf("goprocctl add, 500 watchers, median / p95", "", -1,
	    "%.2f / %.2f ms", s1.med, s1.p95);
	ratio = s1.med / s0.med;
	met = ratio <= T_WATCHERS_RATIO;
	rowf("add with 500 watchers / with none (median)", "<= 1.10x", met,
	    "%.2fx", ratio);
	target("500 watchers slow add by at most 10%", met);
	rowf("  frontend CPU per add, none / 500 watchers", "", -1,
	    "%.2f / %.2f ms", cpu0 * 1e3 / (double)(per * NROUNDS),
	    cpu1 * 1e3 / (double)(per * NROUNDS));
	rowf("  frontend descriptors with the watchers", "", -1, "%d",
	    fds_front);
}

/* goprocctl group FROM --rename TO, through the imsg client. */
static void
rename_group(const struct daemon *d, const char *from, const char *to)
{
	struct gp_request req;
	struct reply rep;

	req_init(&req, IMSG_CTL_GROUP);
	req.flags = GP_REQ_RENAME;
	(void)strlcpy(req.label, from, sizeof(req.label));
	(void)strlcpy(req.newlabel, to, sizeof(req.newlabel));
	memset(&rep, 0, sizeof(rep));
	(void)timed_request(d->sock, &req, &rep);
	if (rep.type != IMSG_CTL_END)
		bail("rename group %s to %s: %s", from, to, rep.msg);
}

/*
 * Read what the slow watcher was sent, until a lost event or
 * DRAIN_QUIET_MS without a byte: the events read, and the lost count.
 */
static void
drain_slow(struct imsgbuf *ibuf, size_t *nev, uint32_t *lost)
{
	static struct gp_event ev;
	struct pollfd pfd;
	struct imsg imsg;
	struct ibuf view;
	const char *errstr;
	ssize_t n;

	*nev = 0;
	*lost = 0;
	for (;;) {
		while ((n = imsg_get(ibuf, &imsg)) != 0) {
			if (n == -1)
				bail("bad event: %s", strerror(errno));
			if (imsg_get_type(&imsg) != IMSG_CTL_EVENT ||
			    imsg_get_ibuf(&imsg, &view) == -1 ||
			    wire_event_decode(&view, &ev, &errstr) == -1)
				bail("bad message of type %u to the watcher",
				    imsg_get_type(&imsg));
			imsg_free(&imsg);
			if (ev.type == GP_EV_LOST) {
				*lost += ev.count;
				return;
			}
			(*nev)++;
		}
		pfd.fd = ibuf->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, DRAIN_QUIET_MS) == 0)
			return;
		switch (imsgbuf_read(ibuf)) {
		case -1:
			if (errno == EINTR)
				continue;
			bail("read from goprocd: %s", strerror(errno));
		case 0:
			bail("goprocd closed the slow watcher");
		default:
			break;
		}
	}
}

/*
 * A watcher that reads nothing while 100,000 events go by: NGROUPS
 * group renames on a registry of 100,000 entries in NGROUPS groups
 * (one renamed event per entry), with client_timeout SLOW_TIMEOUT.
 */
static void
slow_watcher(void)
{
	struct imsgbuf ibuf;
	char from[16], to[16];
	double t0, push_ms;
	long rss0, rss1, hwm0, hwm1;
	pid_t front;
	size_t k, nev;
	uint32_t lost;
	int met;

	print_header("watch: a watcher that never reads");
	write_snapshot(
	    dslow.files[F_SNAPSHOT], NBIG, NGROUPS, boot_for_snapshot());
	dslow.timeout = SLOW_TIMEOUT;
	daemon_start(&dslow);
	front = dslow.procs[R_FRONTEND];
	/* The rename replies' path once, with no watcher. */
	rename_group(&dslow, "g0", "w0");
	rename_group(&dslow, "w0", "g0");
	(void)watch_open(dslow.sock, &ibuf);
	rss0 = proc_status_kb(front, "VmRSS:");
	hwm0 = proc_status_kb(front, "VmHWM:");
	t0 = now_ms();
	for (k = 0; k < NGROUPS; k++) {
		(void)snprintf(from, sizeof(from), "g%zu", k);
		(void)snprintf(to, sizeof(to), "h%zu", k);
		rename_group(&dslow, from, to);
	}
	push_ms = now_ms() - t0;
	rss1 = proc_status_kb(front, "VmRSS:");
	hwm1 = proc_status_kb(front, "VmHWM:");
	rowf("100,000 renamed events (1,000 group renames)", "", -1,
	    "in %.1f s", push_ms / 1e3);
	met = (rss1 - rss0) / 1024.0 <= T_SLOW_MIB;
	rowf("frontend VmRSS, before / after", "", -1, "%.1f / %.1f MiB",
	    rss0 / 1024.0, rss1 / 1024.0);
	rowf("frontend VmRSS growth", "<= 1 MiB", met, "%ld KiB", rss1 - rss0);
	rowf("  frontend VmHWM, before / after", "", -1, "%.1f / %.1f MiB",
	    hwm0 / 1024.0, hwm1 / 1024.0);
	target("a slow watcher costs the frontend <= 1 MiB", met);
	drain_slow(&ibuf, &nev, &lost);
	rowf("slow watcher, events read then lost", "", -1, "%zu, lost %u", nev,
	    lost);
	row("slow watcher got a lost event", lost > 0 ? "yes" : "no", "", -1);
	if (nev + lost != NBIG)
		rowf("  events read + lost", "", -1, "%zu, not %d", nev + lost,
		    NBIG);
	imsgbuf_clear(&ibuf);
	(void)close(ibuf.fd);
	daemon_stop(&dslow);
}

/* Does this goprocctl know the command (goprocctl command --help)? */
static int
has_command(const char *cmd)
{
	char *args[] = { "goprocctl", (char *)cmd, "--help", NULL };
	int status;

	(void)spawn_prog(NULL, goprocctl_path, args, -1, &status);
	return (WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * Events and watchers: kill -9 until goprocctl watch and goprocctl wait
 * see it, what 500 watchers cost an add, and what a watcher that never
 * reads costs the frontend.
 */
static void
bench_watch(void)
{
	static double ms[NWTRIALS];

	print_header("watch: latency and watchers");
	daemon_start(&dwatch);
	if (has_command("watch")) {
		watch_latency(&dwatch, ms);
		latency_rows(
		    "kill -9 to watch's exited line", "watch latency", ms);
	} else
		row("kill -9 to watch's exited line",
		    "skipped: no goprocctl watch", "", -1);
	if (has_command("wait")) {
		wait_latency(&dwatch, ms);
		latency_rows("kill -9 to wait's exit", "wait latency", ms);
	} else
		row("kill -9 to wait's exit", "skipped: no goprocctl wait", "",
		    -1);
	watchers_add(&dwatch);
	daemon_stop(&dwatch);
	stop_kids();
	slow_watcher();
}

/*
 * Read what top writes on its terminal until quiet_ms pass without a
 * byte, or, with want, until that text has come; never past deadline
 * (ms).  The time of the last byte goes in *last; returns the bytes
 * read, or 0 when want did not come.
 */
static size_t
pty_read(
    int fd, double quiet_ms, double deadline, double *last, const char *want)
{
	static char buf[65536];
	struct pollfd pfd;
	size_t total = 0, have = 0, wlen = want != NULL ? strlen(want) : 0;
	double left;
	ssize_t n;

	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		left = deadline - now_ms();
		if (want == NULL && quiet_ms < left)
			left = quiet_ms;
		if (left <= 0)
			return (want != NULL ? 0 : total);
		if ((n = poll(&pfd, 1, (int)ceil(left))) == -1) {
			if (errno == EINTR)
				continue;
			bail("poll: %s", strerror(errno));
		}
		if (n == 0) {
			if (want == NULL)
				break;
			continue;
		}
		if ((n = read(fd, buf + have, sizeof(buf) - have)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			bail("goprocctl top left early (see %s)", ctl_err);
		}
		*last = now_ms();
		total += (size_t)n;
		have += (size_t)n;
		if (want == NULL) {
			have = 0;
			continue;
		}
		if (memmem(buf, have, want, wlen) != NULL)
			break;
		/* Keep what may hold the start of want. */
		if (have > wlen) {
			memmove(buf, buf + have - wlen, wlen);
			have = wlen;
		}
	}
	return (total);
}

/* goprocctl top on a new TOP_COLS x TOP_ROWS terminal; its master in *fdp. */
static pid_t
top_start(const struct daemon *d, int *fdp)
{
	struct winsize ws;
	sigset_t old;
	pid_t pid;
	int fd;

	memset(&ws, 0, sizeof(ws));
	ws.ws_col = TOP_COLS;
	ws.ws_row = TOP_ROWS;
	block_signals(&old);
	switch (pid = forkpty(fdp, NULL, NULL, &ws)) {
	case -1:
		bail("forkpty: %s", strerror(errno));
	case 0:
		restore_signals(&old);
		if (setenv("GOPROC_RUNTIME_DIR", d->dir, 1) == -1 ||
		    setenv("TERM", "xterm-256color", 1) == -1 ||
		    setenv("LC_ALL", "C.UTF-8", 1) == -1)
			_exit(127);
		if ((fd = open(ctl_err, O_WRONLY | O_CREAT | O_APPEND, 0600)) !=
		    -1)
			(void)dup2(fd, STDERR_FILENO);
		execl(goprocctl_path, "goprocctl", "top", (char *)NULL);
		_exit(127);
	default:
		break;
	}
	top_pid = pid;
	restore_signals(&old);
	return (pid);
}

/*
 * Press s (the next sort column: the whole table sorted again, every row
 * of the screen new) NTOPKEYS times; the time from the key to the last
 * byte of the frame it brings, into ms.  Each key comes just after a
 * refresh has been drawn, so that the next one (a second later) does not
 * fall in the frame measured.
 */
static void
top_frames(int fd, double *ms)
{
	struct pollfd pfd;
	double t0, last;
	size_t i;

	pfd.fd = fd;
	pfd.events = POLLIN;
	for (i = 0; i < NTOPKEYS; i++) {
		(void)pty_read(fd, TOP_QUIET_MS, now_ms() + 5000, &last, NULL);
		while (poll(&pfd, 1, 3000) == -1)
			if (errno != EINTR)
				bail("poll: %s", strerror(errno));
		(void)pty_read(fd, 20, now_ms() + 1000, &last, NULL);
		t0 = last = now_ms();
		if (write(fd, "s", 1) != 1)
			bail("write to top: %s", strerror(errno));
		if (pty_read(fd, TOP_QUIET_MS, t0 + 5000, &last, NULL) == 0)
			bail("goprocctl top drew nothing after a key");
		ms[i] = last - t0;
	}
}

/*
 * goprocctl top on a terminal against 10,000 entries, 1,000 of them
 * alive: its CPU use at the default refresh, what the daemon spends on
 * it meanwhile, and how long a key takes to become a new frame.
 */
static void
bench_top(void)
{
	static double ms[NLIVE];
	struct stats s;
	double t0, t1, last, c0[3], c1[3], p95;
	pid_t pid, procs[3];
	sigset_t old;
	size_t i;
	int fd, status;

	print_header("top: 10,000 entries, 1,000 alive");
	if (!has_command("top")) {
		row("goprocctl top", "skipped: no goprocctl top", "", -1);
		return;
	}
	write_snapshot(
	    dtop.files[F_SNAPSHOT], NTOPDEAD, 100, boot_for_snapshot());
	daemon_start(&dtop);
	block_signals(&old);
	kill_procs(live, nlive);
	nlive = 0;
	restore_signals(&old);
	spawn_live(NLIVE);
	add_live(&dtop, live, 0, NLIVE, ms, 1);

	/*
	 * The whole table in the header: a frame drawn in full (Ctrl-L),
	 * since curses sends only the cells that change.
	 */
	pid = top_start(&dtop, &fd);
	t0 = now_ms();
	do {
		if (now_ms() - t0 > TOP_START_MS)
			bail("goprocctl top never showed all the entries");
		if (write(fd, "\f", 1) != 1)
			bail("write to top: %s", strerror(errno));
	} while (pty_read(fd, 0, now_ms() + 500, &last,
	             "entries 10000  alive 1000") == 0);
	/* The first refresh of the metrics, then a quiet terminal. */
	(void)pty_read(fd, TOP_QUIET_MS, now_ms() + 3000, &last, NULL);

	procs[0] = pid;
	procs[1] = dtop.procs[R_REGISTRY];
	procs[2] = dtop.procs[R_FRONTEND];
	t0 = now_ms();
	for (i = 0; i < 3; i++)
		c0[i] = proc_cpu_s(procs[i]);
	/* Everything it draws, until the window ends. */
	(void)pty_read(
	    fd, TOP_WINDOW_S * 1000.0, t0 + TOP_WINDOW_S * 1000.0, &last, NULL);
	t1 = now_ms();
	for (i = 0; i < 3; i++)
		c1[i] = proc_cpu_s(procs[i]);
	rowf("top's CPU at the default refresh", "<= 5 %",
	    (c1[0] - c0[0]) * 1e5 / (t1 - t0) <= T_TOP_PCT, "%.2f %% of a core",
	    (c1[0] - c0[0]) * 1e5 / (t1 - t0));
	target("top CPU", (c1[0] - c0[0]) * 1e5 / (t1 - t0) <= T_TOP_PCT);
	rowf("registry's CPU meanwhile", "", -1, "%.2f %% of a core",
	    (c1[1] - c0[1]) * 1e5 / (t1 - t0));
	rowf("frontend's CPU meanwhile", "", -1, "%.2f %% of a core",
	    (c1[2] - c0[2]) * 1e5 / (t1 - t0));

	top_frames(fd, ms);
	s = summarize(ms, NTOPKEYS);
	p95 = pct(ms, NTOPKEYS, 0.95);
	rowf("key s to its frame, median", "<= 16 ms", s.med <= T_FRAME_MS,
	    "%.2f ms", s.med);
	rowf("key s to its frame, p95", "<= 16 ms", p95 <= T_FRAME_MS,
	    "%.2f ms (max %.2f)", p95, s.max);
	target("top frame", s.med <= T_FRAME_MS && p95 <= T_FRAME_MS);

	/* q, and what it writes until the terminal closes. */
	if (write(fd, "q", 1) != 1)
		bail("write to top: %s", strerror(errno));
	while (read(fd, ms, sizeof(ms)) > 0 || errno == EINTR)
		;
	block_signals(&old);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			bail("waitpid: %s", strerror(errno));
	top_pid = 0;
	restore_signals(&old);
	(void)close(fd);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		bail("goprocctl top ended with status %d (see %s)", status,
		    ctl_err);
	daemon_stop(&dtop);
	block_signals(&old);
	kill_procs(live, nlive);
	restore_signals(&old);
}

/*
 * metrics_textfile at 10,000 entries: goprocd rewrites the file every
 * 100 ms (metrics_interval) while pings run back to back for
 * TF_SECONDS; a ping that waits behind a write shows it.  The write
 * times are goprocd's own (its -v log lines "textfile: N entries in
 * U us").
 */
#define TF_ENTRIES 10000
#define TF_SECONDS 10
#define TF_PINGS_MAX 200000
#define TF_TARGET_MS 50.0

static void
bench_textfile(void)
{
	static double ms[TF_PINGS_MAX], wr[4096];
	char tfdir[PATH_MAX], tfpath[PATH_MAX], line[512];
	struct gp_request req;
	struct reply rep;
	struct stats s, w;
	struct stat sb;
	size_t n = 0, nw = 0;
	double t0, us;
	FILE *f;
	int met;

	print_header(
	    "metrics_textfile: 10,000 entries, rewritten every 100 ms");
	path_join(tfdir, sizeof(tfdir), dprom.dir, "tf");
	path_join(tfpath, sizeof(tfpath), tfdir, "goproc.prom");
	if (mkdir(tfdir, 0755) == -1)
		bail("mkdir %s: %s", tfdir, strerror(errno));
	if ((f = fopen(dprom.files[6], "w")) == NULL)
		bail("%s: %s", dprom.files[6], strerror(errno));
	fprintf(f,
	    "{\"metrics_interval\": \"100ms\", "
	    "\"metrics_textfile\": \"%s\"}\n",
	    tfpath);
	if (fclose(f) == EOF)
		bail("%s: %s", dprom.files[6], strerror(errno));
	dprom.conf = dprom.files[6];
	dprom.verbose = 1;
	write_snapshot(
	    dprom.files[F_SNAPSHOT], TF_ENTRIES, 100, boot_for_snapshot());
	daemon_start(&dprom);
	sleep_ms(500);

	req_init(&req, IMSG_CTL_PING);
	t0 = now_ms();
	while (n < TF_PINGS_MAX && now_ms() - t0 < TF_SECONDS * 1e3)
		ms[n++] = timed_request(dprom.sock, &req, &rep);
	s = summarize(ms, n);
	if (stat(tfpath, &sb) == -1)
		bail("%s: %s", tfpath, strerror(errno));
	daemon_stop(&dprom);

	if ((f = fopen(dprom.files[F_LOG], "r")) == NULL)
		bail("%s: %s", dprom.files[F_LOG], strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL && nw < nitems(wr))
		if (sscanf(line, "textfile: %*u entries in %lf us", &us) == 1)
			wr[nw++] = us / 1e3;
	(void)fclose(f);
	if (nw == 0)
		bail("no textfile write in %s", dprom.files[F_LOG]);
	w = summarize(wr, nw);

	rowf("textfile size", "", -1, "%.1f KiB", sb.st_size / 1024.0);
	met = w.max < TF_TARGET_MS;
	rowf("write, median / max", "< 50 ms", met, "%.1f / %.1f ms (%zu)",
	    w.med, w.max, nw);
	target("textfile write under 50 ms at 10,000", met);
	met = s.max < TF_TARGET_MS;
	rowf("ping meanwhile, median / p95 / max", "< 50 ms", met,
	    "%.2f / %.2f / %.1f ms", s.med, s.p95, s.max);
	target("no ping waits 50 ms behind a textfile write", met);
}

/*
 * Run goprocctl with args against a daemon, stdout to /dev/null; its
 * wall time in ms and its peak RSS in KiB (*maxkb).
 */
static double
run_rusage(const struct daemon *d, char *const args[], long *maxkb)
{
	struct rusage ru;
	double t0, t;
	pid_t pid;
	int status;

	t0 = now_ms();
	pid = start_prog(d, goprocctl_path, args, -1, &ctl_pid);
	while (wait4(pid, &status, 0, &ru) == -1)
		if (errno != EINTR)
			bail("wait4: %s", strerror(errno));
	t = now_ms() - t0;
	ctl_pid = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		bail("goprocctl %s %s failed (status %d), see %s", args[1],
		    args[2] != NULL ? args[2] : "", status, ctl_err);
	*maxkb = ru.ru_maxrss;
	return (t);
}

/*
 * One registry of n dead entries (with a time of death, as goprocd
 * writes them): start-up, RSS, the full lists and goprocctl add.  With
 * s_small NULL, the adds are the baseline; returns nothing.
 */
static void
million_size(struct daemon *d, size_t n, const struct stats *s_small)
{
	static double ms[NMADD];
	char *list_args[] = { "goprocctl", "list", NULL };
	char *json_args[] = { "goprocctl", "--json", "list", NULL };
	char title[64];
	struct rss rss_load, rss_list;
	struct stats s_list, s_json, s_add;
	struct stat sb;
	double t0, gen_ms, cpu, list[NMLIST], json[NMLIST];
	long kb, list_kb = 0, json_kb = 0;
	size_t i;
	int met;

	(void)snprintf(title, sizeof(title), "registry of %zu dead entries", n);
	print_header(title);
	t0 = now_ms();
	snapshot_dated = 1;
	write_snapshot(d->files[F_SNAPSHOT], n, 100, boot_for_snapshot());
	snapshot_dated = 0;
	gen_ms = now_ms() - t0;
	if (stat(d->files[F_SNAPSHOT], &sb) == -1)
		bail("%s: %s", d->files[F_SNAPSHOT], strerror(errno));
	rowf("snapshot generated", "", -1, "%.1f MiB in %.0f ms",
	    sb.st_size / MIB, gen_ms);
	daemon_start(d);
	cpu = proc_cpu_s(d->procs[R_REGISTRY]);
	met = n < NMILLION || d->startup_ms < T_M_START_MS;
	rowf("startup (until ping answers)", n < NMILLION ? "" : "< 2 s",
	    n < NMILLION ? -1 : met, "%.0f ms", d->startup_ms);
	rowf("  registry CPU time at startup", "", -1, "%.2f s", cpu);
	if (n == NMILLION)
		target("startup under 2 s at 1,000,000", met);
	read_rss(d, &rss_load);

	for (i = 0; i < NMLIST; i++) {
		list[i] = run_rusage(d, list_args, &kb);
		if (kb > list_kb)
			list_kb = kb;
		json[i] = run_rusage(d, json_args, &kb);
		if (kb > json_kb)
			json_kb = kb;
	}
	read_rss(d, &rss_list);
	s_list = summarize(list, NMLIST);
	s_json = summarize(json, NMLIST);
	met = n < NMILLION || s_list.med < T_M_LIST_MS;
	rowf("full list, goprocctl list > /dev/null",
	    n < NMILLION ? "" : "< 1.5 s", n < NMILLION ? -1 : met,
	    "%.0f ms (best %.0f)", s_list.med, s_list.min);
	if (n == NMILLION)
		target("full list under 1.5 s at 1,000,000", met);
	rowf("full list, goprocctl --json list > /dev/null", "", -1,
	    "%.0f ms (best %.0f)", s_json.med, s_json.min);
	rowf("  goprocctl peak RSS: list / --json list", "", -1,
	    "%.1f / %.1f MiB", list_kb / 1024.0, json_kb / 1024.0);

	spawn_live(nlive + NMADD);
	ctl_add_live(d, live, nlive - NMADD, nlive, ms);
	s_add = summarize(ms, NMADD);
	rowf("goprocctl add, wall, median / p95 (50 adds)", "", -1,
	    "%.2f / %.2f ms", s_add.med, s_add.p95);
	rowf("  against 100 entries (median)", "", -1, "%.2fx",
	    s_add.med / s_small->med);

	met = n < NMILLION || rss_list.sum / 1024.0 < T_M_RSS_MIB;
	rowf("RSS, 4 processes, after load / after lists",
	    n < NMILLION ? "" : "< 200 MiB", n < NMILLION ? -1 : met,
	    "%.1f / %.1f MiB", rss_load.sum / 1024.0, rss_list.sum / 1024.0);
	if (n == NMILLION)
		target("RSS under 200 MiB at 1,000,000", met);
	printf("  VmRSS in MiB %9s %9s %9s %9s %9s\n", role_names[R_PARENT],
	    role_names[R_REGISTRY], role_names[R_PROBER],
	    role_names[R_FRONTEND], "sum");
	print_rss("after load", &rss_load);
	print_rss("after full lists", &rss_list);
	compact_latency(d, n);
	daemon_stop(d);
	(void)unlink(d->files[F_SNAPSHOT]);
	(void)unlink(d->files[F_JOURNAL]);
}

static ino_t
snapshot_ino(const struct daemon *d)
{
	struct stat sb;

	if (stat(d->files[F_SNAPSHOT], &sb) == -1)
		bail("%s: %s", d->files[F_SNAPSHOT], strerror(errno));
	return (sb.st_ino);
}

/*
 * Requests while the registry writes snapshots: adds and removals of
 * NCLIVE live processes, a list of their tag and a ping, in turn, each
 * timed, through NCOMPACT compactions that SIGHUP starts.  A compaction
 * is over when a new snapshot has replaced the old one.
 */
static void
compact_latency(struct daemon *d, size_t n)
{
	static double ms[NCREQ_MAX], during[NCREQ_MAX];
	struct gp_request req;
	struct reply rep;
	struct stats s;
	double t, t0, took[NCOMPACT], last = 0, p999, worst = 0, worst_at = 0;
	int worst_c = 0;
	size_t i, k, nms = 0, ndur = 0, first;
	uint64_t ids[NCLIVE];
	ino_t ino;
	int c, active, met;

	first = nlive;
	spawn_live(nlive + NCLIVE);
	memset(ids, 0, sizeof(ids));
	c = 0;
	active = 0;
	ino = snapshot_ino(d);
	t0 = now_ms();
	for (k = 0; nms + 4 <= NCREQ_MAX; k++) {
		i = k % NCLIVE;
		if (!active && c < NCOMPACT && k > 200) {
			/* The journal has records: SIGHUP folds them in. */
			if (kill(d->pid, SIGHUP) == -1)
				bail("kill: %s", strerror(errno));
			active = 1;
			t0 = now_ms();
		}
		req_init(&req, ids[i] == 0 ? IMSG_CTL_ADD : IMSG_CTL_RM);
		if (ids[i] == 0) {
			req.pid = live[first + i].pid;
			req_tag(&req.tags, "churn");
		} else {
			req.ids[0] = ids[i];
			req.nids = 1;
		}
		memset(&rep, 0, sizeof(rep));
		rep.decode = 1;
		t = ms[nms++] = timed_request(d->sock, &req, &rep);
		if (active)
			during[ndur++] = t;
		if (active && t > worst) {
			worst = t;
			worst_at = now_ms() - t0;
			worst_c = c;
		}
		if (rep.type != IMSG_CTL_END)
			bail("%s %d: %s", ids[i] == 0 ? "add" : "rm",
			    (int)live[first + i].pid, rep.msg);
		ids[i] = ids[i] == 0 ? rep.first_id : 0;

		req_init(&req, IMSG_CTL_LIST);
		req_tag(&req.tags, "churn");
		memset(&rep, 0, sizeof(rep));
		t = ms[nms++] = timed_request(d->sock, &req, &rep);
		if (active)
			during[ndur++] = t;
		req_init(&req, IMSG_CTL_PING);
		memset(&rep, 0, sizeof(rep));
		t = ms[nms++] = timed_request(d->sock, &req, &rep);
		if (active)
			during[ndur++] = t;

		if (active && snapshot_ino(d) != ino) {
			took[c++] = now_ms() - t0;
			ino = snapshot_ino(d);
			active = 0;
			last = now_ms();
		}
		if (c == NCOMPACT && !active && now_ms() - last > 500)
			break;
	}
	if (c < NCOMPACT)
		bail("%d of %d compactions ended within %zu requests", c,
		    NCOMPACT, nms);
	s = summarize(ms, nms);
	p999 = pct(ms, nms, 0.999);
	rowf("requests through 2 compactions (add/rm, list, ping)", "", -1,
	    "%zu, %zu of them during one", nms, ndur);
	rowf("  compaction, SIGHUP to new snapshot", "", -1, "%.0f ms, %.0f ms",
	    took[0], took[1]);
	rowf("  slowest add/rm during one, ended after SIGHUP", "", -1,
	    "%.2f ms, at %.0f of %.0f ms", worst, worst_at, took[worst_c]);
	rowf("  request wall time, median / p99.9 / max", "", -1,
	    "%.2f / %.2f / %.2f ms", s.med, p999, s.max);
	s = summarize(during, ndur);
	met = n < NMILLION || s.max < T_C_WAIT_MS;
	rowf("  during a compaction: median / p99.9 / max",
	    n < NMILLION ? "" : "max < 20 ms", n < NMILLION ? -1 : met,
	    "%.2f / %.2f / %.2f ms", s.med, pct(during, ndur, 0.999), s.max);
	if (n == NMILLION)
		target("no request waits 20 ms behind a snapshot at 1,000,000",
		    met);
}

/*
 * The registry at 100,000 and at 1,000,000 dead entries: start-up,
 * RSS, the full lists, and goprocctl add against 100 entries.
 */
static void
bench_million(void)
{
	static double ms[NMADD];
	struct stats s_small;
	sigset_t old;

	print_header("registry of 100 entries (goprocctl add baseline)");
	snapshot_dated = 1;
	write_snapshot(
	    dmsmall.files[F_SNAPSHOT], NSMALL, 100, boot_for_snapshot());
	snapshot_dated = 0;
	daemon_start(&dmsmall);
	spawn_live(NMADD);
	ctl_add_live(&dmsmall, live, 0, NMADD, ms);
	s_small = summarize(ms, NMADD);
	rowf("goprocctl add, wall, median / p95 (50 adds)", "", -1,
	    "%.2f / %.2f ms", s_small.med, s_small.p95);
	daemon_stop(&dmsmall);
	million_size(&dm100k, NBIG, &s_small);
	million_size(&dm1m, NMILLION, &s_small);
	block_signals(&old);
	kill_procs(live, nlive);
	restore_signals(&old);
}

int
main(int argc, char *argv[])
{
	static const char *const unset[] = { "GOPROC_SOCKET",
		"GOPROC_STATE_DIR", "XDG_RUNTIME_DIR",
		"GOPROC_LIVENESS_INTERVAL", "GOPROC_LAST_SEEN_INTERVAL",
		"GOPROC_METRICS_INTERVAL", "GOPROC_CLIENT_TIMEOUT" };
	struct sigaction sa;
	struct stat sb;
	size_t i, j, nmet;
	sigset_t old;
	int ch, all, mflag = 0, pflag = 0, tflag = 0, wflag = 0, Mflag = 0;

	while ((ch = getopt(argc, argv, "Mmptw")) != -1) {
		switch (ch) {
		case 'M':
			Mflag = 1;
			break;
		case 'm':
			mflag = 1;
			break;
		case 'p':
			pflag = 1;
			break;
		case 't':
			tflag = 1;
			break;
		case 'w':
			wflag = 1;
			break;
		default:
			fprintf(stderr, "usage: bench [-Mmptw]\n");
			return (2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: bench [-Mmptw]\n");
		return (2);
	}
	mainpid = getpid();
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < nitems(unset); i++)
		(void)unsetenv(unset[i]);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)signal(SIGPIPE, SIG_IGN);

	setup_dirs();
	read_boot_id();
	machine();
	all = !mflag && !pflag && !tflag && !wflag && !Mflag;
	if (all)
		bench_registry();
	if (all || mflag) {
		metrics_cost();
		metrics_accuracy();
	}
	if (all || wflag)
		bench_watch();
	if (all || tflag)
		bench_top();
	if (all || pflag)
		bench_textfile();
	if (Mflag)
		bench_million();

	block_signals(&old);
	cleaning = 1;
	cleanup();
	if (stat(topdir, &sb) == 0)
		rm_tree(topdir);

	for (i = nmet = 0; i < ntargets; i++)
		nmet += targets[i].met != 0;
	printf("\ntargets met: %zu of %zu", nmet, ntargets);
	if (nmet < ntargets) {
		printf("; missed:");
		for (i = j = 0; i < ntargets; i++)
			if (!targets[i].met)
				printf("%s %s", j++ == 0 ? "" : ",",
				    targets[i].name);
	}
	printf("\n");
	return (0);
}

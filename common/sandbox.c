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
 * The sandbox each goprocd process enters once its setup is done, in the
 * order of STYLE.md: PR_SET_NO_NEW_PRIVS, then Landlock (best effort),
 * then resource limits, then the seccomp allowlist of its role.
 *
 * Each allowlist below reads like a pledge string: a system call that is
 * not in it kills the process (SIGSYS).  In the children, socket(2) and
 * connect(2) fail with EACCES instead, because syslog(3) tries to
 * reconnect when /dev/log goes away and must not take the daemon down
 * with it.
 *
 * In debug mode (-v -v, or GOPROC_SANDBOX_DEBUG in the environment) a
 * forbidden call raises SIGSYS instead, and the handler names the call
 * on stderr before the process exits.
 */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/capability.h>
#include <linux/landlock.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"
#include "sandbox.h"

/* make SANITIZE=1 */
#if defined(__SANITIZE_ADDRESS__)
#define SC_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SC_SANITIZER 1
#endif
#endif
#ifdef SC_SANITIZER
#include <sanitizer/lsan_interface.h>
#endif

/* clang-format off */

/* Landlock rights and fields newer than the oldest supported headers. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE		(1ULL << 14)	/* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV		(1ULL << 15)	/* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP		(1ULL << 0)	/* ABI 4 */
#define LANDLOCK_ACCESS_NET_CONNECT_TCP		(1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET	(1ULL << 0)	/* ABI 6 */
#define LANDLOCK_SCOPE_SIGNAL			(1ULL << 1)
#endif

#ifndef SYS_SECCOMP
#define SYS_SECCOMP		1	/* si_code of a seccomp SIGSYS */
#endif

/* Every file system right of ABI 1, a contiguous mask. */
#define LL_FS_ABI1	((1ULL << 13) - 1)

/* struct landlock_ruleset_attr as of ABI 6; older ABIs take a prefix. */
struct ll_ruleset_attr {
	uint64_t	 handled_access_fs;
	uint64_t	 handled_access_net;	/* ABI 4 */
	uint64_t	 scoped;		/* ABI 6 */
};

struct ll_path_beneath {
	uint64_t	 allowed_access;
	int32_t		 parent_fd;
} __attribute__((__packed__));

/* One system call of an allowlist, and the code that needs it. */
struct sc_allow {
	int		 nr;
	const char	*why;
};

/*
 * One argument-filtered rule: the call is allowed (or, with errno set,
 * fails with it) when every comparison holds.  A comparison on the
 * role's directory descriptor takes it from sandbox_enter().
 */
struct sc_rule {
	int			 nr;
	int			 errnum;	/* 0: allow */
	unsigned int		 ncmp;
	struct scmp_arg_cmp	 cmp[2];
	const char		*why;
};

#define DIRFD_DATUM		(~0ULL)	/* replaced with the role's dirfd */
#define SC(name, why)		{ SCMP_SYS(name), why }
#define CMP(a, o, x, y)							\
	{ .arg = (a), .op = (o), .datum_a = (x), .datum_b = (y) }

/* What every role needs, parent included; mmap(2) is in base_rules. */
static const struct sc_allow base_allow[] = {
	/* descriptors opened before the sandbox or received over imsg */
	SC(read,		"imsg channels, libevent's signal socket"),
	SC(write,		"imsg channels, stderr in the foreground"),
	SC(close,		"descriptors received or accepted"),
	SC(recvmsg,		"imsg, with SCM_RIGHTS"),
	SC(sendmsg,		"imsg, with SCM_RIGHTS"),
	SC(sendto,		"syslog(3) on the already connected /dev/log"),
	/* the event loop */
	SC(epoll_wait,		"libevent"),
	SC(epoll_pwait,		"libevent"),
	SC(epoll_ctl,		"libevent"),
	SC(rt_sigreturn,	"return from a signal handler"),
	SC(restart_syscall,	"resume a call interrupted by a stop"),
	/* clocks, when the vDSO cannot answer */
	SC(clock_gettime,	"libevent, now_ns(), syslog(3)"),
	SC(gettimeofday,	"libevent"),
	SC(time,		"syslog(3)"),
	/* memory; mmap(2) is in base_rules */
	SC(brk,			"malloc(3)"),
	SC(munmap,		"free(3)"),
	SC(mremap,		"realloc(3)"),
	SC(madvise,		"free(3), malloc_trim(3)"),
	SC(sysinfo,		"qsort(3) of more than 1 KiB: physical memory"),
	/* this process */
	SC(getpid,		"syslog(3) LOG_PID, imsgbuf_init()"),
	SC(exit_group,		"exit(3)"),
};

static const struct sc_rule base_rules[] = {
	{ SCMP_SYS(mmap), 0, 1,
	    { CMP(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0) },
	    "malloc(3), never executable" },
};

/* The children make no socket at all, and connect none. */
static const struct sc_rule child_rules[] = {
	{ SCMP_SYS(socket), EACCES, 0, { { 0 } },
	    "syslog(3) reconnecting: fail, do not die" },
	{ SCMP_SYS(connect), EACCES, 0, { { 0 } },
	    "syslog(3) reconnecting: fail, do not die" },
};

/* The registry: its state files, passed by the parent as descriptors. */
static const struct sc_allow registry_allow[] = {
	SC(pread64,		"read a state file whole"),
	SC(fstat,		"size of a state file"),
	SC(fsync,		"a new snapshot is durable"),
	SC(fdatasync,		"a journal record is durable"),
	SC(sync_file_range,	"start writing a snapshot out as it is written"),
	SC(ftruncate,		"cut a torn journal record, empty the journal"),
	SC(geteuid,		"the owner of entries the Go program wrote"),
};

static const struct sc_rule registry_rules[] = {
	{ SCMP_SYS(newfstatat), 0, 1,
	    { CMP(3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH) },
	    "fstat(3) of a descriptor, as glibc does it" },
};

/* The prober: /proc and pidfds, signal 0 and no other. */
static const struct sc_allow prober_allow[] = {
	SC(pidfd_open,		"one pidfd per watched process"),
	SC(pread64,		"read a held /proc/PID/stat again"),
	SC(getdents64,		"list /proc for the children of list --children"),
};

static const struct sc_rule prober_rules[] = {
	{ SCMP_SYS(openat), 0, 2,
	    { CMP(0, SCMP_CMP_EQ, DIRFD_DATUM, 0),
	      CMP(2, SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT | O_TRUNC,
		  O_RDONLY) },
	    "read /proc/PID/{stat,status,cmdline} under the /proc dirfd" },
	{ SCMP_SYS(kill), 0, 1,
	    { CMP(1, SCMP_CMP_EQ, 0, 0) },
	    "kill(pid, 0), the liveness probe without a pidfd" },
};

/* The frontend: client connections on the listening socket it got. */
static const struct sc_allow frontend_allow[] = {
	SC(accept4,		"a client connection"),
	SC(recvfrom,		"recv(2) MSG_PEEK once the request is in"),
};

static const struct sc_rule frontend_rules[] = {
	{ SCMP_SYS(getsockopt), 0, 2,
	    { CMP(1, SCMP_CMP_EQ, SOL_SOCKET, 0),
	      CMP(2, SCMP_CMP_EQ, SO_PEERCRED, 0) },
	    "the client's credentials" },
	{ SCMP_SYS(shutdown), 0, 1,
	    { CMP(1, SCMP_CMP_EQ, SHUT_WR, 0) },
	    "half-close a client after its last reply" },
};

/*
 * The parent: the names in the state and runtime directories, the
 * control socket, the signals it sends for the registry, its children.
 */
static const struct sc_allow parent_allow[] = {
	SC(openat,		"state files, /proc/PID/stat, the configuration"),
	SC(fstat,		"stdio(3)"),
	SC(renameat,		"publish a new snapshot, in the state dirfd"),
	SC(fsync,		"the state directory after a rename"),
	SC(ftruncate,		"free a replaced snapshot a step at a time"),
	SC(unlinkat,		"the socket, the pid file, a stale temp file"),
	SC(umask,		"create the control socket 0600"),
	SC(fchmodat,		"the control socket, in the runtime dirfd"),
	SC(fchownat,		"--socket-group: the socket, in the runtime dirfd"),
	SC(bind,		"the control socket, once the registry loaded"),
	SC(connect,		"syslog(3) reconnecting after syslogd restarted"),
	SC(listen,		"the control socket"),
	SC(pidfd_open,		"pin a process before checking its identity"),
	SC(pidfd_send_signal,	"signal a registered process or a member"),
	SC(kill,		"stop the children"),
	SC(getdents64,		"list /proc for a process group or kill --tree"),
	SC(wait4,		"reap the children"),
	SC(poll,		"has a pidfd's process exited"),
	SC(clock_nanosleep,	"wait for the children at shutdown"),
	SC(nanosleep,		"wait for the children at shutdown"),
};

static const struct sc_rule parent_rules[] = {
	{ SCMP_SYS(newfstatat), 0, 1,
	    { CMP(3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH) },
	    "fstat(3) of a descriptor, as glibc does it" },
	{ SCMP_SYS(socket), 0, 1,
	    { CMP(0, SCMP_CMP_EQ, AF_UNIX, 0) },
	    "the control socket, the sd_notify datagram" },
	{ SCMP_SYS(socket), EACCES, 1,
	    { CMP(0, SCMP_CMP_NE, AF_UNIX, 0) },
	    "any other socket: fail, do not die" },
};

#ifdef SC_SANITIZER
/* What the AddressSanitizer runtime calls on its own. */
static const struct sc_allow sanitizer_allow[] = {
	SC(sigaltstack,		"the runtime, at exit"),
	SC(getrandom,		"the runtime's allocator"),
};
#endif

struct sc_role {
	const char		*name;
	const struct sc_allow	*allow;
	size_t			 nallow;
	const struct sc_rule	*rules;
	size_t			 nrules;
	int			 child;		/* child_rules too */
};

static const struct sc_role roles[] = {
	[SANDBOX_REGISTRY] = { "registry", registry_allow,
	    nitems(registry_allow), registry_rules, nitems(registry_rules),
	    1 },
	[SANDBOX_PROBER] = { "prober", prober_allow, nitems(prober_allow),
	    prober_rules, nitems(prober_rules), 1 },
	[SANDBOX_FRONTEND] = { "frontend", frontend_allow,
	    nitems(frontend_allow), frontend_rules, nitems(frontend_rules),
	    1 },
	[SANDBOX_PARENT] = { "parent", parent_allow, nitems(parent_allow),
	    parent_rules, nitems(parent_rules), 0 },
};

/* Debug mode: system call names, resolved before the filter is loaded. */
#define SC_NAMES_MAX		1024

static char		*sc_names[SC_NAMES_MAX];
static uint32_t		 sc_arch;
#ifdef SC_SANITIZER
static int		 sc_sandboxed;
#endif
static const char	*sc_role_name = "?";

static void	 landlock_apply(enum sandbox_role, int);
static void	 limits_apply(enum sandbox_role);
static void	 seccomp_apply(enum sandbox_role, int, int);
static void	 sc_add_allow(scmp_filter_ctx, const struct sc_allow *, size_t);
static void	 sc_add_rules(scmp_filter_ctx, const struct sc_rule *, size_t,
		    int);
static void	 sigsys_install(void);
static void	 sigsys_puts(char *, size_t, size_t *, const char *);
static void	 sigsys_handler(int, siginfo_t *, void *);
static int	 debug_env(void);

/* clang-format on */

const char *
sandbox_role_name(enum sandbox_role role)
{
	if ((size_t)role >= nitems(roles))
		return ("?");
	return (roles[role].name);
}

/*
 * Enter the sandbox of a role, for good.  dirfd is the one directory the
 * role may see: the /proc descriptor for the prober, the state directory
 * for the registry (or -1: it opens no path at all); -1 for the others.
 * debug traps a forbidden call and names it instead of killing silently.
 */
void
sandbox_enter(enum sandbox_role role, int dirfd, int debug)
{
	if ((size_t)role >= nitems(roles))
		fatalx("%s: bad role %d", __func__, role);
	if (role == SANDBOX_PROBER && dirfd == -1)
		fatalx("%s: the prober needs its /proc descriptor", __func__);
	debug = debug || debug_env();

#ifdef GOPROC_NOSANDBOX
	/* make NOSANDBOX=1: for valgrind, which cannot run under seccomp. */
	log_warnx("%s: built without its sandbox (NOSANDBOX=1), not for use",
	    roles[role].name);
	return;
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl PR_SET_NO_NEW_PRIVS");
	landlock_apply(role, dirfd);
	limits_apply(role);
	seccomp_apply(role, dirfd, debug);
}

/*
 * Keep only the capabilities in keep (a mask of CAP_* bits) of those the
 * process has, in its effective, permitted and bounding sets, and check
 * that the others are gone.  For the parent started as root, which
 * keeps its user ID: root's files stay its own, but no capability beyond
 * what it still has to do is left to it.  Nothing to do for anyone else.
 */
void
sandbox_caps(uint64_t keep)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint64_t have;
	int cap;

	if (geteuid() != 0)
		return;
	memset(&hdr, 0, sizeof(hdr));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) == -1)
		fatal("capget");
	have = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	keep &= have;

	/* The bounding set needs CAP_SETPCAP; a container may lack it. */
	for (cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0;
	     cap++) {
		if ((keep & (1ULL << cap)) != 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1) {
			if (errno != EPERM)
				fatal("prctl PR_CAPBSET_DROP %d", cap);
			log_debug("capability bounding set left as it is: %s",
			    strerror(errno));
			break;
		}
	}

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (uint32_t)keep;
	data[1].effective = data[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data) == -1)
		fatal("capset");
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) == -1)
		fatal("capget");
	if (((uint64_t)data[1].permitted << 32 | data[0].permitted) != keep ||
	    ((uint64_t)data[1].effective << 32 | data[0].effective) != keep ||
	    data[0].inheritable != 0 || data[1].inheritable != 0)
		fatalx("cannot drop capabilities");
	log_debug("capabilities kept: %#llx", (unsigned long long)keep);
}

static int
debug_env(void)
{
	const char *s;

	return ((s = getenv(SANDBOX_DEBUG_ENV)) != NULL && *s != '\0' &&
	    strcmp(s, "0") != 0);
}

/* The Landlock ABI of the running kernel, or -1 without Landlock. */
int
sandbox_landlock_abi(void)
{
#ifdef SYS_landlock_create_ruleset
	return ((int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION));
#else
	errno = ENOSYS;
	return (-1);
#endif
}

/*
 * Handle every right the kernel knows and grant back only the role's
 * directory: the prober reads /proc, the registry (given a directory)
 * reads and writes the files in it and creates nothing.  No TCP, no
 * abstract UNIX sockets; the registry and frontend signal no process
 * outside their own domain.  The parent gets no ruleset: it opens the
 * configuration file wherever it is, on every SIGHUP.
 */
static void
landlock_apply(enum sandbox_role role, int dirfd)
{
	struct ll_ruleset_attr attr;
	struct ll_path_beneath pb;
	size_t attrlen;
	int abi, rfd;
	const char *name = roles[role].name, *what;

	if (role == SANDBOX_PARENT)
		return;
	if ((abi = sandbox_landlock_abi()) == -1) {
		/* EPERM: a container's own seccomp filter refused it. */
		if (errno == ENOSYS || errno == EOPNOTSUPP || errno == EPERM) {
			log_info("%s: Landlock unavailable (%s), seccomp only",
			    name, strerror(errno));
			return;
		}
		fatal("%s: landlock_create_ruleset version", name);
	}

	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = LL_FS_ABI1;
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	attrlen = sizeof(attr.handled_access_fs);
	if (abi >= 4) {
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP |
		    LANDLOCK_ACCESS_NET_CONNECT_TCP;
		attrlen = offsetof(struct ll_ruleset_attr, scoped);
	}
	if (abi >= 6) {
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
		if (role != SANDBOX_PROBER)
			attr.scoped |= LANDLOCK_SCOPE_SIGNAL;
		attrlen = sizeof(attr);
	}
	if ((rfd = (int)syscall(
	         SYS_landlock_create_ruleset, &attr, attrlen, 0)) == -1)
		fatal("%s: landlock_create_ruleset", name);

	memset(&pb, 0, sizeof(pb));
	pb.parent_fd = dirfd;
	if (role == SANDBOX_PROBER)
		pb.allowed_access =
		    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	else if (role == SANDBOX_REGISTRY && dirfd != -1) {
		pb.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE |
		    LANDLOCK_ACCESS_FS_WRITE_FILE;
		if (abi >= 3)
			pb.allowed_access |= LANDLOCK_ACCESS_FS_TRUNCATE;
	}
	if (pb.allowed_access != 0 &&
	    syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &pb,
	        0) == -1)
		fatal("%s: landlock_add_rule", name);

	if (syscall(SYS_landlock_restrict_self, rfd, 0) == -1)
		fatal("%s: landlock_restrict_self", name);
	close(rfd);
	if (pb.allowed_access == 0)
		what = "no file system access";
	else if (role == SANDBOX_PROBER)
		what = "/proc read-only";
	else
		what = "the state directory only";
	log_debug("%s: Landlock ABI %d, %s", name, abi, what);
}

/*
 * No new processes in any child (RLIMIT_NPROC binds an unprivileged
 * user only, as the children are once they dropped privileges).  No file
 * may grow in the prober and the frontend either, unless stderr is a
 * file: then it is the log of a foreground daemon.
 */
static void
limits_apply(enum sandbox_role role)
{
	struct rlimit rl = { 0, 0 };
	struct stat sb;

	if (role == SANDBOX_PARENT)
		return;
	if (setrlimit(RLIMIT_NPROC, &rl) == -1)
		fatal("setrlimit RLIMIT_NPROC");
	if (role == SANDBOX_REGISTRY)
		return;
	if (fstat(STDERR_FILENO, &sb) == 0 && S_ISREG(sb.st_mode))
		return;
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
		fatal("setrlimit RLIMIT_FSIZE");
}

static void
seccomp_apply(enum sandbox_role role, int dirfd, int debug)
{
	const struct sc_role *r = &roles[role];
	scmp_filter_ctx ctx;
	int rc;

	if ((ctx = seccomp_init(
	         debug ? SCMP_ACT_TRAP : SCMP_ACT_KILL_PROCESS)) == NULL)
		fatalx("%s: seccomp_init failed", r->name);
	if ((rc = seccomp_attr_set(
	         ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0) {
		errno = -rc;
		fatal("%s: seccomp_attr_set", r->name);
	}
	sc_add_allow(ctx, base_allow, nitems(base_allow));
	sc_add_rules(ctx, base_rules, nitems(base_rules), dirfd);
	if (r->child)
		sc_add_rules(ctx, child_rules, nitems(child_rules), dirfd);
	sc_add_allow(ctx, r->allow, r->nallow);
	sc_add_rules(ctx, r->rules, r->nrules, dirfd);

#ifdef SC_SANITIZER
	sc_add_allow(ctx, sanitizer_allow, nitems(sanitizer_allow));
#endif
	if (debug) {
		sc_role_name = r->name;
		sigsys_install();
	}
	log_debug("%s: seccomp allowlist loaded%s", r->name,
	    debug ? ", forbidden calls are named on stderr" : "");
	if ((rc = seccomp_load(ctx)) < 0) {
		errno = -rc;
		fatal("%s: seccomp_load", r->name);
	}
	seccomp_release(ctx);
#ifdef SC_SANITIZER
	sc_sandboxed = 1;
#endif
}

#ifdef SC_SANITIZER
/*
 * LeakSanitizer asks this before its check at exit, which needs
 * ptrace(2) and /proc: neither is left to a sandboxed process.
 */
int
__lsan_is_turned_off(void)
{
	return (sc_sandboxed);
}
#endif

static void
sc_add_allow(scmp_filter_ctx ctx, const struct sc_allow *a, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a[i].nr, 0)) <
		    0) {
			errno = -rc;
			fatal("seccomp_rule_add %d (%s)", a[i].nr, a[i].why);
		}
	}
}

static void
sc_add_rules(scmp_filter_ctx ctx, const struct sc_rule *r, size_t n, int dirfd)
{
	struct scmp_arg_cmp cmp[nitems(r->cmp)];
	uint32_t action;
	size_t i, j;
	int rc;

	for (i = 0; i < n; i++) {
		for (j = 0; j < r[i].ncmp; j++) {
			cmp[j] = r[i].cmp[j];
			if (cmp[j].datum_a == DIRFD_DATUM)
				cmp[j].datum_a = (uint64_t)(int64_t)dirfd;
		}
		action = r[i].errnum == 0 ? SCMP_ACT_ALLOW :
		                            SCMP_ACT_ERRNO(r[i].errnum);
		if ((rc = seccomp_rule_add_array(
		         ctx, action, r[i].nr, r[i].ncmp, cmp)) < 0) {
			errno = -rc;
			fatal("seccomp_rule_add %d (%s)", r[i].nr, r[i].why);
		}
	}
}

/* Debug mode: resolve the names now, catch SIGSYS from now on. */
static void
sigsys_install(void)
{
	struct sigaction sa;
	sigset_t set;
	int nr;

	sc_arch = seccomp_arch_native();
	for (nr = 0; nr < SC_NAMES_MAX; nr++)
		if (sc_names[nr] == NULL)
			sc_names[nr] = seccomp_syscall_resolve_num_arch(
			    SCMP_ARCH_NATIVE, nr);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys_handler;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		fatal("sigaction SIGSYS");
	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	if (sigprocmask(SIG_UNBLOCK, &set, NULL) == -1)
		fatal("sigprocmask");
}

/* Append s to buf (of size len) at *off; async-signal-safe. */
static void
sigsys_puts(char *buf, size_t len, size_t *off, const char *s)
{
	while (*s != '\0' && *off < len - 1)
		buf[(*off)++] = *s++;
	buf[*off] = '\0';
}

/*
 * A forbidden system call, in debug mode.  Only async-signal-safe work
 * here: the names were resolved before the filter was loaded.
 */
static void
sigsys_handler(int sig, siginfo_t *si, void *uctx)
{
	char buf[256], num[16], *p;
	const char *name = NULL;
	size_t off = 0;
	unsigned int nr;

	nr = (unsigned int)si->si_syscall;
	if (si->si_code == SYS_SECCOMP && si->si_arch == sc_arch &&
	    nr < SC_NAMES_MAX)
		name = sc_names[nr];
	p = num + sizeof(num) - 1;
	*p = '\0';
	do {
		*--p = '0' + nr % 10;
		nr /= 10;
	} while (nr != 0 && p > num);

	sigsys_puts(buf, sizeof(buf), &off, "fatal in ");
	sigsys_puts(buf, sizeof(buf), &off, sc_role_name);
	sigsys_puts(
	    buf, sizeof(buf), &off, ": sandbox: forbidden system call ");
	sigsys_puts(buf, sizeof(buf), &off, name != NULL ? name : "unknown");
	sigsys_puts(buf, sizeof(buf), &off, " (");
	sigsys_puts(buf, sizeof(buf), &off, p);
	sigsys_puts(buf, sizeof(buf), &off, ")\n");
	(void)write(STDERR_FILENO, buf, off);
	_exit(SANDBOX_EXIT_SYSCALL);
}

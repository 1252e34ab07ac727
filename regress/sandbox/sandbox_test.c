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
 * Tests of the sandbox of each role.  Every case forks: the child sets up
 * what the role would, enters the sandbox and makes one call, allowed or
 * forbidden; the test process judges it by the child's exit status.
 */

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"

/* Exit statuses of a child that made its call and saw what it expected. */
#define OK 0
#define BAD_SETUP 90  /* the child could not prepare */
#define BAD_RESULT 91 /* the call did not do what it should */

static pid_t target; /* a process for the prober to probe */
static int procfd = -1;

static pid_t start_child(void (*)(void));
static int wait_child(pid_t);
static int run_child(void (*)(void));
static const char *describe(int);
static void expect_exit(int, int);
static void expect_sigsys(int);
static void enter(enum sandbox_role);
static void open_passwd(void);
static void exec_true(void);
static pid_t start_target(void);
static void stop_target(void);

/*
 * Fork a child that runs fn and exits with OK if fn returns.  The child
 * dumps no core when the sandbox kills it, and a debug mode set in the
 * environment does not turn its SIGSYS into an exit.
 */
static pid_t
start_child(void (*fn)(void))
{
	struct rlimit rl = { 0, 0 };
	pid_t pid;

	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		(void)setrlimit(RLIMIT_CORE, &rl);
		(void)unsetenv(SANDBOX_DEBUG_ENV);
		fn();
		_exit(OK);
	}
	return (pid);
}

static int
wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		ATF_REQUIRE(errno == EINTR);
	return (status);
}

static int
run_child(void (*fn)(void))
{
	return (wait_child(start_child(fn)));
}

static const char *
describe(int status)
{
	static char buf[64];

	if (WIFEXITED(status))
		snprintf(
		    buf, sizeof(buf), "exited with %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, sizeof(buf), "status %#x", status);
	return (buf);
}

static void
expect_exit(int status, int code)
{
	ATF_REQUIRE_MSG(WIFEXITED(status) && WEXITSTATUS(status) == code,
	    "child %s, expected exit %d", describe(status), code);
}

static void
expect_sigsys(int status)
{
	ATF_REQUIRE_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
	    "child %s, expected SIGSYS", describe(status));
}

/* In a child: open what the role opens before its sandbox, enter it. */
static void
enter(enum sandbox_role role)
{
	int dirfd = -1;

	if (role == SANDBOX_PROBER) {
		if ((procfd = open(
		         "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
			_exit(BAD_SETUP);
		dirfd = procfd;
	}
	sandbox_enter(role, dirfd, 0);
}

/* The role that open_passwd() and exec_true() enter. */
static enum sandbox_role tested;

static void
open_passwd(void)
{
	enter(tested);
	(void)open("/etc/passwd", O_RDONLY);
	_exit(BAD_RESULT);
}

static void
exec_true(void)
{
	char *argv[] = { "true", NULL };

	enter(tested);
	(void)execve("/bin/true", argv, NULL);
	_exit(BAD_RESULT);
}

/* A child of the test process that waits to be killed. */
static pid_t
start_target(void)
{
	ATF_REQUIRE((target = fork()) != -1);
	if (target == 0) {
		for (;;)
			pause();
	}
	return (target);
}

static void
stop_target(void)
{
	ATF_REQUIRE(kill(target, SIGKILL) == 0);
	(void)wait_child(target);
}

/*
 * The registry.
 */

static void
registry_write_fsync(void)
{
	struct stat sb;
	char buf[8];
	int fd;

	if ((fd = open(
	         "state", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		_exit(BAD_SETUP);
	enter(SANDBOX_REGISTRY);
	if (write(fd, "hello", 5) != 5 || fsync(fd) == -1 ||
	    fdatasync(fd) == -1 || fstat(fd, &sb) == -1 || sb.st_size != 5 ||
	    pread(fd, buf, sizeof(buf), 0) != 5 ||
	    memcmp(buf, "hello", 5) != 0 || ftruncate(fd, 0) == -1 ||
	    fstat(fd, &sb) == -1 || sb.st_size != 0)
		_exit(BAD_RESULT);
	if (close(fd) == -1)
		_exit(BAD_RESULT);
}

ATF_TC_WITHOUT_HEAD(registry_write_fsync_allowed);
ATF_TC_BODY(registry_write_fsync_allowed, tc)
{
	expect_exit(run_child(registry_write_fsync), OK);
}

ATF_TC_WITHOUT_HEAD(registry_open_killed);
ATF_TC_BODY(registry_open_killed, tc)
{
	tested = SANDBOX_REGISTRY;
	expect_sigsys(run_child(open_passwd));
}

ATF_TC_WITHOUT_HEAD(registry_execve_killed);
ATF_TC_BODY(registry_execve_killed, tc)
{
	tested = SANDBOX_REGISTRY;
	expect_sigsys(run_child(exec_true));
}

/* socket(2) and connect(2) fail with EACCES, for syslog(3)'s sake. */
static void
registry_socket(void)
{
	struct sockaddr_un sun;
	int s;

	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		_exit(BAD_SETUP);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)strlcpy(sun.sun_path, "log", sizeof(sun.sun_path));
	enter(SANDBOX_REGISTRY);
	if (socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EACCES)
		_exit(BAD_RESULT);
	if (socket(AF_UNIX, SOCK_DGRAM, 0) != -1 || errno != EACCES)
		_exit(BAD_RESULT);
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) != -1 ||
	    errno != EACCES)
		_exit(BAD_RESULT);
}

ATF_TC_WITHOUT_HEAD(registry_socket_denied);
ATF_TC_BODY(registry_socket_denied, tc)
{
	expect_exit(run_child(registry_socket), OK);
}

static void
registry_mmap_exec(void)
{
	enter(SANDBOX_REGISTRY);
	(void)mmap(NULL, 4096, PROT_READ | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	_exit(BAD_RESULT);
}

ATF_TC_WITHOUT_HEAD(registry_mmap_exec_killed);
ATF_TC_BODY(registry_mmap_exec_killed, tc)
{
	expect_sigsys(run_child(registry_mmap_exec));
}

/*
 * The prober.
 */

static void
prober_kill0(void)
{
	enter(SANDBOX_PROBER);
	if (kill(target, 0) == -1)
		_exit(BAD_RESULT);
}

ATF_TC_WITHOUT_HEAD(prober_kill0_allowed);
ATF_TC_BODY(prober_kill0_allowed, tc)
{
	start_target();
	expect_exit(run_child(prober_kill0), OK);
	stop_target();
}

static void
prober_kill_term(void)
{
	enter(SANDBOX_PROBER);
	(void)kill(target, SIGTERM);
	_exit(BAD_RESULT);
}

ATF_TC_WITHOUT_HEAD(prober_kill_term_killed);
ATF_TC_BODY(prober_kill_term_killed, tc)
{
	start_target();
	expect_sigsys(run_child(prober_kill_term));
	ATF_REQUIRE_MSG(waitpid(target, NULL, WNOHANG) == 0,
	    "the target did not survive the prober");
	stop_target();
}

/* /proc/PID/stat and cmdline of another process, as probe_add does. */
static void
prober_read_proc(void)
{
	char path[64], buf[4096];
	int fd;

	enter(SANDBOX_PROBER);
	snprintf(path, sizeof(path), "%d/stat", (int)target);
	if ((fd = openat(procfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) ==
	        -1 ||
	    read(fd, buf, sizeof(buf)) <= 0 || close(fd) == -1)
		_exit(BAD_RESULT);
	snprintf(path, sizeof(path), "%d/cmdline", (int)target);
	if ((fd = openat(procfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) ==
	        -1 ||
	    read(fd, buf, sizeof(buf)) <= 0 || close(fd) == -1)
		_exit(BAD_RESULT);
}

ATF_TC_WITHOUT_HEAD(prober_read_proc_allowed);
ATF_TC_BODY(prober_read_proc_allowed, tc)
{
	start_target();
	expect_exit(run_child(prober_read_proc), OK);
	stop_target();
}

/* An absolute path passes the dirfd check; Landlock refuses it. */
static void
prober_open_outside(void)
{
	enter(SANDBOX_PROBER);
	if (openat(procfd, "/etc/passwd", O_RDONLY | O_CLOEXEC) != -1)
		_exit(BAD_RESULT);
	_exit(errno == EACCES ? OK : BAD_RESULT + 1);
}

ATF_TC_WITHOUT_HEAD(prober_open_outside_proc_denied);
ATF_TC_BODY(prober_open_outside_proc_denied, tc)
{
	if (sandbox_landlock_abi() < 1)
		atf_tc_skip("Landlock is not available: %s", strerror(errno));
	expect_exit(run_child(prober_open_outside), OK);
}

static void
prober_open_write(void)
{
	char path[64];

	snprintf(path, sizeof(path), "%d/comm", (int)getpid());
	enter(SANDBOX_PROBER);
	(void)openat(procfd, path, O_WRONLY | O_CLOEXEC);
	_exit(BAD_RESULT);
}

ATF_TC_WITHOUT_HEAD(prober_open_write_killed);
ATF_TC_BODY(prober_open_write_killed, tc)
{
	expect_sigsys(run_child(prober_open_write));
}

static void
prober_open_cwd(void)
{
	enter(SANDBOX_PROBER);
	(void)open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	_exit(BAD_RESULT);
}

ATF_TC_WITHOUT_HEAD(prober_open_other_dirfd_killed);
ATF_TC_BODY(prober_open_other_dirfd_killed, tc)
{
	expect_sigsys(run_child(prober_open_cwd));
}

static void
prober_ptrace(void)
{
	enter(SANDBOX_PROBER);
	(void)ptrace(PTRACE_ATTACH, target, NULL, NULL);
	_exit(BAD_RESULT);
}

ATF_TC_WITHOUT_HEAD(prober_ptrace_killed);
ATF_TC_BODY(prober_ptrace_killed, tc)
{
	start_target();
	expect_sigsys(run_child(prober_ptrace));
	stop_target();
}

/*
 * The frontend.
 */

/* A listening socket with one client waiting, as the parent passes it. */
static int
listen_with_client(int *client)
{
	struct sockaddr_un sun;
	int s;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)strlcpy(sun.sun_path, "ctl.sock", sizeof(sun.sun_path));
	(void)unlink(sun.sun_path);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	         0)) == -1 ||
	    bind(s, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(s, 8) == -1)
		_exit(BAD_SETUP);
	if ((*client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(*client, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		_exit(BAD_SETUP);
	return (s);
}

static void
frontend_accept(void)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	pid_t self = getpid();
	char b;
	int s, c, fd;

	s = listen_with_client(&c);
	enter(SANDBOX_FRONTEND);
	if ((fd = accept4(s, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		_exit(BAD_RESULT);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    cred.pid != self)
		_exit(BAD_RESULT + 1);
	if (write(c, "x", 1) != 1 || recv(fd, &b, 1, MSG_PEEK) != 1 ||
	    read(fd, &b, 1) != 1 || b != 'x')
		_exit(BAD_RESULT + 2);
	if (close(fd) == -1 || close(c) == -1)
		_exit(BAD_RESULT + 3);
}

ATF_TC_WITHOUT_HEAD(frontend_accept_allowed);
ATF_TC_BODY(frontend_accept_allowed, tc)
{
	expect_exit(run_child(frontend_accept), OK);
}

ATF_TC_WITHOUT_HEAD(frontend_open_killed);
ATF_TC_BODY(frontend_open_killed, tc)
{
	tested = SANDBOX_FRONTEND;
	expect_sigsys(run_child(open_passwd));
}

ATF_TC_WITHOUT_HEAD(frontend_execve_killed);
ATF_TC_BODY(frontend_execve_killed, tc)
{
	tested = SANDBOX_FRONTEND;
	expect_sigsys(run_child(exec_true));
}

/* getsockopt(2) serves SO_PEERCRED and nothing else. */
static void
frontend_sockopt(void)
{
	socklen_t len;
	int s, c, v;

	s = listen_with_client(&c);
	enter(SANDBOX_FRONTEND);
	len = sizeof(v);
	(void)getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len);
	_exit(BAD_RESULT);
}

ATF_TC_WITHOUT_HEAD(frontend_other_sockopt_killed);
ATF_TC_BODY(frontend_other_sockopt_killed, tc)
{
	expect_sigsys(run_child(frontend_sockopt));
}

/*
 * The parent.
 */

static void
parent_socket(void)
{
	int s;

	enter(SANDBOX_PARENT);
	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    close(s) == -1)
		_exit(BAD_RESULT);
	if (socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EACCES)
		_exit(BAD_RESULT + 1);
}

ATF_TC_WITHOUT_HEAD(parent_unix_socket_only);
ATF_TC_BODY(parent_unix_socket_only, tc)
{
	expect_exit(run_child(parent_socket), OK);
}

/* A group kill: list /proc, pin a member, signal it through the pidfd. */
static void
parent_group_walk(void)
{
	char buf[4096];
	pid_t self = getpid();
	long n;
	int pfd, dfd, pidfd;

	if ((pfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		_exit(BAD_RESULT);
	enter(SANDBOX_PARENT);
	if ((dfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		_exit(BAD_RESULT + 1);
	if ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) <= 0)
		_exit(BAD_RESULT + 2);
	if ((pidfd = (int)syscall(SYS_pidfd_open, self, 0)) == -1 ||
	    syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == -1)
		_exit(BAD_RESULT + 3);
	(void)close(pidfd);
	(void)close(dfd);
}

ATF_TC_WITHOUT_HEAD(parent_walks_a_process_group);
ATF_TC_BODY(parent_walks_a_process_group, tc)
{
	expect_exit(run_child(parent_group_walk), OK);
}

ATF_TC_WITHOUT_HEAD(parent_execve_killed);
ATF_TC_BODY(parent_execve_killed, tc)
{
	tested = SANDBOX_PARENT;
	expect_sigsys(run_child(exec_true));
}

/*
 * Debug mode: the forbidden call is named on stderr.
 */

static int debug_arg;

static void
debug_execve(void)
{
	char *argv[] = { "true", NULL };

	sandbox_enter(SANDBOX_FRONTEND, -1, debug_arg);
	(void)execve("/bin/true", argv, NULL);
	_exit(BAD_RESULT);
}

/* Run debug_execve with stderr on a pipe; return what it wrote. */
static int
run_debug_child(char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;
	pid_t pid;
	int p[2], status;

	ATF_REQUIRE(pipe(p) == 0);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		if (dup2(p[1], STDERR_FILENO) == -1)
			_exit(BAD_SETUP);
		(void)close(p[0]);
		(void)close(p[1]);
		debug_execve();
		_exit(OK);
	}
	(void)close(p[1]);
	while (
	    off < len - 1 && (n = read(p[0], buf + off, len - 1 - off)) != 0) {
		ATF_REQUIRE(n > 0 || errno == EINTR);
		if (n > 0)
			off += n;
	}
	buf[off] = '\0';
	(void)close(p[0]);
	status = wait_child(pid);
	printf("child stderr: %s", buf);
	return (status);
}

ATF_TC_WITHOUT_HEAD(debug_mode_names_syscall);
ATF_TC_BODY(debug_mode_names_syscall, tc)
{
	char buf[1024];
	int status;

	unsetenv(SANDBOX_DEBUG_ENV);
	debug_arg = 1;
	status = run_debug_child(buf, sizeof(buf));
	expect_exit(status, SANDBOX_EXIT_SYSCALL);
	ATF_REQUIRE_MATCH("fatal in frontend: sandbox: forbidden system "
	                  "call execve \\([0-9]+\\)",
	    buf);
}

ATF_TC_WITHOUT_HEAD(debug_env_names_syscall);
ATF_TC_BODY(debug_env_names_syscall, tc)
{
	char buf[1024];
	int status;

	ATF_REQUIRE(setenv(SANDBOX_DEBUG_ENV, "1", 1) == 0);
	debug_arg = 0;
	status = run_debug_child(buf, sizeof(buf));
	expect_exit(status, SANDBOX_EXIT_SYSCALL);
	ATF_REQUIRE_MATCH("forbidden system call execve", buf);
}

/*
 * Every role: no new privileges and a seccomp filter, as
 * /proc/PID/status shows them from outside.
 */

static int ready_pipe[2], hold_pipe[2];
static enum sandbox_role status_role;

static void
status_hold(void)
{
	char b;

	(void)close(ready_pipe[0]);
	(void)close(hold_pipe[1]);
	enter(status_role);
	if (write(ready_pipe[1], "r", 1) != 1)
		_exit(BAD_RESULT);
	/* Returns 0 once the test process closes its end. */
	if (read(hold_pipe[0], &b, 1) != 0)
		_exit(BAD_RESULT);
}

/* 1 if /proc/PID/status has the line "field:\tvalue". */
static int
status_has(pid_t pid, const char *field, const char *value)
{
	FILE *f;
	char path[64], line[256], want[128];
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	snprintf(want, sizeof(want), "%s:\t%s\n", field, value);
	ATF_REQUIRE((f = fopen(path, "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strcmp(line, want) == 0)
			found = 1;
	fclose(f);
	return (found);
}

ATF_TC_WITHOUT_HEAD(no_new_privs_set);
ATF_TC_BODY(no_new_privs_set, tc)
{
	static const enum sandbox_role all[] = { SANDBOX_REGISTRY,
		SANDBOX_PROBER, SANDBOX_FRONTEND, SANDBOX_PARENT };
	size_t i;
	pid_t pid;
	char b;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		status_role = all[i];
		ATF_REQUIRE(pipe(ready_pipe) == 0 && pipe(hold_pipe) == 0);
		pid = start_child(status_hold);
		(void)close(ready_pipe[1]);
		(void)close(hold_pipe[0]);
		ATF_REQUIRE_MSG(read(ready_pipe[0], &b, 1) == 1,
		    "%s did not enter its sandbox", sandbox_role_name(all[i]));
		ATF_CHECK_MSG(status_has(pid, "NoNewPrivs", "1"),
		    "%s: NoNewPrivs is not 1", sandbox_role_name(all[i]));
		ATF_CHECK_MSG(status_has(pid, "Seccomp", "2"),
		    "%s: Seccomp is not 2", sandbox_role_name(all[i]));
		(void)close(hold_pipe[1]);
		(void)close(ready_pipe[0]);
		expect_exit(wait_child(pid), OK);
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, registry_write_fsync_allowed);
	ATF_TP_ADD_TC(tp, registry_open_killed);
	ATF_TP_ADD_TC(tp, registry_execve_killed);
	ATF_TP_ADD_TC(tp, registry_socket_denied);
	ATF_TP_ADD_TC(tp, registry_mmap_exec_killed);
	ATF_TP_ADD_TC(tp, prober_kill0_allowed);
	ATF_TP_ADD_TC(tp, prober_kill_term_killed);
	ATF_TP_ADD_TC(tp, prober_read_proc_allowed);
	ATF_TP_ADD_TC(tp, prober_open_outside_proc_denied);
	ATF_TP_ADD_TC(tp, prober_open_write_killed);
	ATF_TP_ADD_TC(tp, prober_open_other_dirfd_killed);
	ATF_TP_ADD_TC(tp, prober_ptrace_killed);
	ATF_TP_ADD_TC(tp, frontend_accept_allowed);
	ATF_TP_ADD_TC(tp, frontend_open_killed);
	ATF_TP_ADD_TC(tp, frontend_execve_killed);
	ATF_TP_ADD_TC(tp, frontend_other_sockopt_killed);
	ATF_TP_ADD_TC(tp, parent_unix_socket_only);
	ATF_TP_ADD_TC(tp, parent_execve_killed);
	ATF_TP_ADD_TC(tp, parent_walks_a_process_group);
	ATF_TP_ADD_TC(tp, debug_mode_names_syscall);
	ATF_TP_ADD_TC(tp, debug_env_names_syscall);
	ATF_TP_ADD_TC(tp, no_new_privs_set);
	return (atf_no_error());
}

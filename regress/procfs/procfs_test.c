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
 * Tests of the /proc parsers and readers, on made-up lines and on real
 * processes: this one, children it starts, and a zombie.
 */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "testutil.h"

/* A real stat line from Linux 6 (52 fields), with a hostile comm. */
#define STAT_HEAD "123 (a) b (c)) S 1 123 123 0 -1 4194304 100 0 1 0 0 0 "
#define STAT_TAIL                                                              \
	"0 0 20 0 1 0 43141 3133440 358 18446744073709551615 "                 \
	"93906949332992 93906949352873 140734124458160 0 0 0 "                 \
	"0 0 0 0 0 0 17 1 0 0 0 0 0 93906949368880 "                           \
	"93906949370496 93907680215040 140734124460679 "                       \
	"140734124460699 140734124460699 140734124462059 0\n"
#define STAT_LINE STAT_HEAD STAT_TAIL

#define BOOT_ID "0dbec934-f157-49a8-ab98-b88b0544c6a8"

static int open_proc(void);
static pid_t spawn(char *const[]);
static void reap(pid_t);
static int parse(const char *, struct proc_stat *, const char **);
static const char *parse_error(const char *);

static int
open_proc(void)
{
	int fd;

	ATF_REQUIRE((fd = open("/proc", O_RDONLY | O_DIRECTORY)) != -1);
	return (fd);
}

/*
 * Run /bin/sleep with argv and return its PID once the exec has
 * happened, so that its command line is the new one.
 */
static pid_t
spawn(char *const argv[])
{
	pid_t pid;
	int fds[2], err;
	ssize_t n;

	ATF_REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		(void)close(fds[0]);
		execv("/bin/sleep", argv);
		err = errno;
		(void)write(fds[1], &err, sizeof(err));
		_exit(127);
	}
	(void)close(fds[1]);
	n = read(fds[0], &err, sizeof(err));
	(void)close(fds[0]);
	ATF_REQUIRE_MSG(n == 0, "exec /bin/sleep failed");
	return (pid);
}

static void
reap(pid_t pid)
{
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
}

static int
parse(const char *line, struct proc_stat *ps, const char **errstr)
{
	return (procfs_parse_stat(line, strlen(line), ps, errstr));
}

/* A line that must not parse; return the reason. */
static const char *
parse_error(const char *line)
{
	struct proc_stat ps;
	const char *errstr = NULL;

	ATF_REQUIRE_MSG(parse(line, &ps, &errstr) == -1, "accepted: %s", line);
	ATF_REQUIRE(errstr != NULL);
	return (errstr);
}

ATF_TC_WITHOUT_HEAD(parse_stat_of_self);
ATF_TC_BODY(parse_stat_of_self, tc)
{
	struct proc_stat ps;
	const char *errstr;
	char buf[4096];
	size_t n;

	/* A name with a space and a parenthesis, as anyone may choose. */
	ATF_REQUIRE(prctl(PR_SET_NAME, "self) test") == 0);
	read_file("/proc/self/stat", buf, sizeof(buf), &n);
	ATF_REQUIRE_MSG(
	    procfs_parse_stat(buf, n, &ps, &errstr) == 0, "%s", errstr);
	ATF_CHECK_EQ(getpid(), ps.pid);
	ATF_CHECK_EQ(getppid(), ps.ppid);
	ATF_CHECK_EQ(getpgrp(), ps.pgid);
	ATF_CHECK_EQ(getsid(0), ps.sid);
	ATF_CHECK_EQ('R', ps.state);
	ATF_CHECK_STREQ("self) test", ps.comm);
	ATF_CHECK(ps.start_ticks > 0);
}

ATF_TC_WITHOUT_HEAD(parse_stat_comm_with_spaces_and_parens);
ATF_TC_BODY(parse_stat_comm_with_spaces_and_parens, tc)
{
	struct proc_stat ps;
	const char *errstr;

	ATF_REQUIRE_MSG(parse(STAT_LINE, &ps, &errstr) == 0, "%s", errstr);
	ATF_CHECK_EQ(123, ps.pid);
	ATF_CHECK_STREQ("a) b (c)", ps.comm);
	ATF_CHECK_EQ('S', ps.state);
	ATF_CHECK_EQ(1, ps.ppid);
	ATF_CHECK_EQ(123, ps.pgid);
	ATF_CHECK_EQ(123, ps.sid);
	ATF_CHECK_EQ(43141, ps.start_ticks);
}

ATF_TC_WITHOUT_HEAD(parse_stat_comm_with_newline_and_fake_fields);
ATF_TC_BODY(parse_stat_comm_with_newline_and_fake_fields, tc)
{
	struct proc_stat ps;
	const char *errstr;

	ATF_REQUIRE_MSG(
	    parse("7 (x) Z 9 9 9 0\n) S 1 7 7 " STAT_TAIL, &ps, &errstr) == 0,
	    "%s", errstr);
	ATF_CHECK_STREQ("x) Z 9 9 9 0\n", ps.comm);
	ATF_CHECK_EQ('S', ps.state);
	ATF_CHECK_EQ(1, ps.ppid);
}

ATF_TC_WITHOUT_HEAD(parse_stat_truncates_a_long_comm);
ATF_TC_BODY(parse_stat_truncates_a_long_comm, tc)
{
	struct proc_stat ps;
	const char *errstr;

	/* Workqueue threads show names longer than TASK_COMM_LEN. */
	ATF_REQUIRE_MSG(parse("77 (kworker/u8:0-kvfree_rcu_reclaim) I 2 0 0 "
	                      "0 -1 69238880 0 0 0 0 0 0 " STAT_TAIL,
	                    &ps, &errstr) == 0,
	    "%s", errstr);
	ATF_CHECK_STREQ("kworker/u8:0-kvf", ps.comm);
	ATF_CHECK_EQ('I', ps.state);
	ATF_CHECK_EQ(2, ps.ppid);
	ATF_CHECK_EQ(0, ps.pgid);
	ATF_CHECK_EQ(0, ps.sid);
}

ATF_TC_WITHOUT_HEAD(parse_stat_respects_the_length);
ATF_TC_BODY(parse_stat_respects_the_length, tc)
{
	struct proc_stat ps;
	const char *errstr;
	char buf[1024];
	size_t len = strlen(STAT_LINE);

	/* Not NUL-terminated, and followed by bytes that would not parse. */
	memcpy(buf, STAT_LINE, len);
	memset(buf + len, 'x', sizeof(buf) - len);
	ATF_REQUIRE_MSG(
	    procfs_parse_stat(buf, len, &ps, &errstr) == 0, "%s", errstr);
	ATF_CHECK_EQ(43141, ps.start_ticks);
	/* Without its newline, too. */
	ATF_REQUIRE(procfs_parse_stat(buf, len - 1, &ps, &errstr) == 0);
	ATF_CHECK_EQ(43141, ps.start_ticks);
	/* One byte more takes in the garbage. */
	ATF_CHECK(procfs_parse_stat(buf, len + 1, &ps, &errstr) == -1);
}

ATF_TC_WITHOUT_HEAD(parse_stat_rejects_truncated_lines);
ATF_TC_BODY(parse_stat_rejects_truncated_lines, tc)
{
	struct proc_stat ps;
	const char *errstr;
	const char *line = STAT_LINE, *p;
	size_t len, cut;
	int spaces;

	ATF_CHECK_STREQ("empty stat", parse_error(""));
	ATF_CHECK_STREQ("no command name in stat", parse_error("123"));
	ATF_CHECK_STREQ("no command name in stat", parse_error("123 (a b c"));
	ATF_CHECK_STREQ(
	    "invalid parent pid in stat", parse_error("123 (a) b (c"));
	ATF_CHECK_STREQ("too few fields in stat", parse_error("123 (a)"));
	ATF_CHECK_STREQ(
	    "too few fields in stat", parse_error("123 (a) S 1 123 123 0 -1"));

	/* Every cut before the resident set size (field 24) is an error. */
	p = strrchr(line, ')');
	for (spaces = 0, len = (size_t)(p - line); spaces < 22; len++)
		if (line[len] == ' ')
			spaces++;
	for (cut = 0; cut < len; cut++)
		ATF_CHECK_MSG(procfs_parse_stat(line, cut, &ps, &errstr) == -1,
		    "accepted the first %zu bytes", cut);
	ATF_CHECK(procfs_parse_stat(line, len + 1, &ps, &errstr) == 0);
}

ATF_TC_WITHOUT_HEAD(parse_stat_rejects_non_numeric_fields);
ATF_TC_BODY(parse_stat_rejects_non_numeric_fields, tc)
{
	ATF_CHECK_STREQ(
	    "invalid pid in stat", parse_error("abc (a) S 1 1 1 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid parent pid in stat",
	    parse_error("1 (a) S x 1 1 0 -1 4194304 100 0 1 0 0 0 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid process group in stat",
	    parse_error(
	        "1 (a) S 1 1a 1 0 -1 4194304 100 0 1 0 0 0 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid session in stat",
	    parse_error("1 (a) S 1 1 + 0 -1 4194304 100 0 1 0 0 0 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid number in stat",
	    parse_error("1 (a) S 1 1 1 0 -1 4194304 abc 0 1 0 0 0 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid number in stat",
	    parse_error("1 (a) S 1 1 1 0 -1 4194304 100 0 1 0 0 0 0 0 20 0 1 0 "
	                "43141 0x10 0\n"));
	ATF_CHECK_STREQ("invalid number in stat",
	    parse_error("1 (a) S 1 1 1 0 -1 4194304 100 0 1 0 0 0 0 0 20 0 1 0 "
	                "43141 18446744073709551616 0\n"));
}

ATF_TC_WITHOUT_HEAD(parse_stat_rejects_bad_start_times);
ATF_TC_BODY(parse_stat_rejects_bad_start_times, tc)
{
	struct proc_stat ps;
	const char *errstr;

	ATF_CHECK_STREQ("invalid start time in stat",
	    parse_error(STAT_HEAD "0 0 20 0 1 0 -5 0\n"));
	ATF_CHECK_STREQ("invalid start time in stat",
	    parse_error(STAT_HEAD "0 0 20 0 1 0 12a 0\n"));
	ATF_CHECK_STREQ("invalid start time in stat",
	    parse_error(STAT_HEAD "0 0 20 0 1 0 9223372036854775808 0\n"));
	ATF_REQUIRE(parse(STAT_HEAD "0 0 20 0 1 0 9223372036854775807 0 0\n",
	                &ps, &errstr) == 0);
	ATF_CHECK_EQ(INT64_MAX, ps.start_ticks);
}

ATF_TC_WITHOUT_HEAD(parse_stat_reads_the_metrics);
ATF_TC_BODY(parse_stat_reads_the_metrics, tc)
{
	struct proc_stat ps;
	const char *errstr;

	ATF_REQUIRE_MSG(parse(STAT_LINE, &ps, &errstr) == 0, "%s", errstr);
	ATF_CHECK_EQ(0, ps.utime);
	ATF_CHECK_EQ(0, ps.stime);
	ATF_CHECK_EQ(1, ps.threads);
	ATF_CHECK_EQ(358, ps.rss_pages);
	ATF_REQUIRE_MSG(
	    parse("9 (a) R 1 9 9 0 -1 0 0 0 0 0 9223372036854775807 "
	          "250 0 0 20 0 4194304 0 7 0 "
	          "9223372036854775807 0\n",
	        &ps, &errstr) == 0,
	    "%s", errstr);
	ATF_CHECK_EQ(INT64_MAX, ps.utime);
	ATF_CHECK_EQ(250, ps.stime);
	ATF_CHECK_EQ(4194304, ps.threads);
	ATF_CHECK_EQ(INT64_MAX, ps.rss_pages);

	ATF_CHECK_STREQ("invalid CPU time in stat",
	    parse_error(
	        "9 (a) R 1 9 9 0 -1 0 0 0 0 0 -1 0 0 0 20 0 1 0 7 0 0\n"));
	ATF_CHECK_STREQ("invalid CPU time in stat",
	    parse_error("9 (a) R 1 9 9 0 -1 0 0 0 0 0 0 9223372036854775808 0 "
	                "0 20 0 1 0 7 0 0\n"));
	ATF_CHECK_STREQ("invalid thread count in stat",
	    parse_error("9 (a) R 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 4194305 0 "
	                "7 0 0\n"));
	ATF_CHECK_STREQ("invalid thread count in stat",
	    parse_error(
	        "9 (a) R 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 -1 0 7 0 0\n"));
	ATF_CHECK_STREQ("invalid resident set size in stat",
	    parse_error("9 (a) R 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7 0 "
	                "-3\n"));
	ATF_CHECK_STREQ("too few fields in stat",
	    parse_error("9 (a) R 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7 0\n"));
}

ATF_TC_WITHOUT_HEAD(parse_stat_rejects_out_of_range_ids);
ATF_TC_BODY(parse_stat_rejects_out_of_range_ids, tc)
{
	ATF_CHECK_STREQ(
	    "invalid pid in stat", parse_error("0 (a) S 1 1 1 " STAT_TAIL));
	ATF_CHECK_STREQ(
	    "invalid pid in stat", parse_error("-1 (a) S 1 1 1 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid pid in stat",
	    parse_error("4194305 (a) S 1 1 1 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid parent pid in stat",
	    parse_error(
	        "1 (a) S -1 1 1 0 -1 4194304 100 0 1 0 0 0 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid process group in stat",
	    parse_error("1 (a) S 1 99999999999 1 0 -1 4194304 100 0 1 0 0 "
	                "0 " STAT_TAIL));
}

ATF_TC_WITHOUT_HEAD(parse_stat_rejects_malformed_lines);
ATF_TC_BODY(parse_stat_rejects_malformed_lines, tc)
{
	ATF_CHECK_STREQ("malformed stat",
	    parse_error("1 (a)S 1 1 1 0 -1 4194304 100 0 1 0 0 0 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid state in stat",
	    parse_error(
	        "1 (a)  S 1 1 1 0 -1 4194304 100 0 1 0 0 0 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid state in stat",
	    parse_error(
	        "1 (a) S\t1 1 1 0 -1 4194304 100 0 1 0 0 0 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid state in stat",
	    parse_error(
	        "1 (a) SS 1 1 1 0 -1 4194304 100 0 1 0 0 0 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid state in stat",
	    parse_error("1 (a) 5 1 1 1 0 -1 4194304 100 0 1 0 0 0 " STAT_TAIL));
	ATF_CHECK_STREQ("invalid number in stat",
	    parse_error("1 (a) S 1 1 1 0 -1 4194304 100 0 1 0 0 0 0 0 20 0 1 0 "
	                "43141 0\n\n"));
	ATF_CHECK_STREQ(
	    "invalid pid in stat", parse_error("1(a) S 1 1 1 " STAT_TAIL));
}

ATF_TC_WITHOUT_HEAD(parse_stat_rejects_nul_bytes);
ATF_TC_BODY(parse_stat_rejects_nul_bytes, tc)
{
	struct proc_stat ps;
	const char *errstr;
	char buf[512];

	/* Even inside the command name. */
	(void)strlcpy(buf, STAT_LINE, sizeof(buf));
	buf[5] = '\0';
	ATF_CHECK(
	    procfs_parse_stat(buf, strlen(STAT_LINE), &ps, &errstr) == -1);
	ATF_CHECK_STREQ("NUL byte in stat", errstr);
}

ATF_TC_WITHOUT_HEAD(parse_stat_rejects_too_many_fields);
ATF_TC_BODY(parse_stat_rejects_too_many_fields, tc)
{
	char buf[1024];
	int i, n;

	n = snprintf(buf, sizeof(buf), "1 (a) S");
	for (i = 3; i <= 65; i++)
		n += snprintf(buf + n, sizeof(buf) - n, " 1");
	ATF_CHECK_STREQ("too many fields in stat", parse_error(buf));
}

ATF_TC_WITHOUT_HEAD(read_stat_of_self);
ATF_TC_BODY(read_stat_of_self, tc)
{
	struct proc_stat ps;
	const char *errstr;
	int procfd = open_proc();

	ATF_REQUIRE(prctl(PR_SET_NAME, "read self") == 0);
	ATF_REQUIRE_MSG(procfs_read_stat(procfd, getpid(), &ps, &errstr) == 0,
	    "%s", errstr);
	ATF_CHECK_EQ(getpid(), ps.pid);
	ATF_CHECK_EQ(getppid(), ps.ppid);
	ATF_CHECK_STREQ("read self", ps.comm);
}

ATF_TC_WITHOUT_HEAD(read_stat_of_a_child);
ATF_TC_BODY(read_stat_of_a_child, tc)
{
	char *const argv[] = { "sleep", "60", NULL };
	struct proc_stat self, ps;
	const char *errstr;
	pid_t pid;
	int procfd = open_proc();

	ATF_REQUIRE(procfs_read_stat(procfd, getpid(), &self, &errstr) == 0);
	pid = spawn(argv);
	ATF_REQUIRE_MSG(
	    procfs_read_stat(procfd, pid, &ps, &errstr) == 0, "%s", errstr);
	reap(pid);
	ATF_CHECK_EQ(pid, ps.pid);
	ATF_CHECK_EQ(getpid(), ps.ppid);
	ATF_CHECK_EQ(getpgrp(), ps.pgid);
	ATF_CHECK_STREQ("sleep", ps.comm);
	ATF_CHECK(ps.state == 'S' || ps.state == 'R');
	ATF_CHECK(ps.start_ticks >= self.start_ticks);
}

ATF_TC_WITHOUT_HEAD(read_stat_of_a_gone_process);
ATF_TC_BODY(read_stat_of_a_gone_process, tc)
{
	struct proc_stat ps;
	const char *errstr;
	pid_t pid;
	int procfd = open_proc();

	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0)
		_exit(0);
	ATF_REQUIRE(waitpid(pid, NULL, 0) == pid);
	errno = 0;
	ATF_CHECK(procfs_read_stat(procfd, pid, &ps, &errstr) == -1);
	ATF_CHECK_MSG(errno == ENOENT || errno == ESRCH, "errno %d", errno);
}

ATF_TC_WITHOUT_HEAD(held_stat_is_the_process_own);
ATF_TC_BODY(held_stat_is_the_process_own, tc)
{
	struct proc_stat a, b;
	const char *errstr;
	pid_t pid;
	int fd, procfd = open_proc();

	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ATF_REQUIRE((fd = procfs_open_stat(procfd, pid)) != -1);
	ATF_REQUIRE_MSG(
	    procfs_pread_stat(fd, pid, &a, &errstr) == 0, "%s", errstr);
	ATF_REQUIRE_MSG(
	    procfs_pread_stat(fd, pid, &b, &errstr) == 0, "%s", errstr);
	ATF_CHECK_EQ(pid, a.pid);
	ATF_CHECK_EQ(a.start_ticks, b.start_ticks);
	ATF_CHECK(a.rss_pages > 0);
	ATF_CHECK_EQ(1, a.threads);
	/* Read as another PID's: refused. */
	ATF_CHECK(procfs_pread_stat(fd, pid + 1, &b, &errstr) == -1);
	ATF_CHECK_STREQ("stat of another process", errstr);
	/* Once the process is reaped the file fails, whoever has the PID. */
	ATF_REQUIRE(kill(pid, SIGKILL) == 0);
	ATF_REQUIRE(waitpid(pid, NULL, 0) == pid);
	errno = 0;
	ATF_CHECK(procfs_pread_stat(fd, pid, &b, &errstr) == -1);
	ATF_CHECK_EQ(ESRCH, errno);
	close(fd);
	errno = 0;
	ATF_CHECK(procfs_open_stat(procfd, 0) == -1);
	ATF_CHECK_EQ(EINVAL, errno);
}

ATF_TC_WITHOUT_HEAD(read_stat_rejects_invalid_pids);
ATF_TC_BODY(read_stat_rejects_invalid_pids, tc)
{
	struct proc_stat ps;
	const char *errstr;
	int procfd = open_proc();

	ATF_CHECK_ERRNO(
	    EINVAL, procfs_read_stat(procfd, 0, &ps, &errstr) == -1);
	ATF_CHECK_ERRNO(
	    EINVAL, procfs_read_stat(procfd, -1, &ps, &errstr) == -1);
}

ATF_TC_WITHOUT_HEAD(read_cmdline_joins_arguments);
ATF_TC_BODY(read_cmdline_joins_arguments, tc)
{
	char *const argv[] = { "sleep", "60", NULL };
	char buf[256];
	pid_t pid;
	int procfd = open_proc(), rv;

	pid = spawn(argv);
	rv = procfs_read_cmdline(procfd, pid, buf, sizeof(buf));
	reap(pid);
	ATF_REQUIRE(rv == 0);
	ATF_CHECK_STREQ("sleep 60", buf);
}

ATF_TC_WITHOUT_HEAD(read_cmdline_keeps_control_characters);
ATF_TC_BODY(read_cmdline_keeps_control_characters, tc)
{
	char *const argv[] = { "a\tb\x1b[31m\x7f", "60", NULL };
	char buf[256];
	pid_t pid;
	int procfd = open_proc(), rv;

	pid = spawn(argv);
	rv = procfs_read_cmdline(procfd, pid, buf, sizeof(buf));
	reap(pid);
	ATF_REQUIRE(rv == 0);
	ATF_CHECK_STREQ("a\tb\x1b[31m\x7f 60", buf);
}

ATF_TC_WITHOUT_HEAD(read_cmdline_keeps_utf8);
ATF_TC_BODY(read_cmdline_keeps_utf8, tc)
{
	char *const argv[] = { "caf\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80",
		"60", NULL };
	char buf[256];
	pid_t pid;
	int procfd = open_proc(), rv;

	pid = spawn(argv);
	rv = procfs_read_cmdline(procfd, pid, buf, sizeof(buf));
	reap(pid);
	ATF_REQUIRE(rv == 0);
	ATF_CHECK_STREQ("caf\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80 60", buf);
}

ATF_TC_WITHOUT_HEAD(read_cmdline_replaces_invalid_utf8);
ATF_TC_BODY(read_cmdline_replaces_invalid_utf8, tc)
{
	/* Stray bytes, a cut sequence, an overlong '/', a surrogate; C1 stays. */
	char *const argv[] = { "a\xff\xc3(b\xc0\xaf\xed\xa0\x80\xc2\x85", "60",
		NULL };
	char buf[256];
	pid_t pid;
	int procfd = open_proc(), rv;

	pid = spawn(argv);
	rv = procfs_read_cmdline(procfd, pid, buf, sizeof(buf));
	reap(pid);
	ATF_REQUIRE(rv == 0);
	ATF_CHECK_STREQ("a?"
	                "?(b?????\xc2\x85 60",
	    buf);
}

ATF_TC_WITHOUT_HEAD(read_cmdline_truncates_between_characters);
ATF_TC_BODY(read_cmdline_truncates_between_characters, tc)
{
	char *const argv[] = { "\xc3\xa9\xc3\xa9\xc3\xa9", "60", NULL };
	char buf[16];
	pid_t pid;
	int procfd = open_proc();

	pid = spawn(argv);
	ATF_CHECK(procfs_read_cmdline(procfd, pid, buf, 6) == 0);
	ATF_CHECK_STREQ("\xc3\xa9\xc3\xa9", buf);
	ATF_CHECK(procfs_read_cmdline(procfd, pid, buf, 7) == 0);
	ATF_CHECK_STREQ("\xc3\xa9\xc3\xa9\xc3\xa9", buf);
	ATF_CHECK(procfs_read_cmdline(procfd, pid, buf, 9) == 0);
	ATF_CHECK_STREQ("\xc3\xa9\xc3\xa9\xc3\xa9 6", buf);
	ATF_CHECK(procfs_read_cmdline(procfd, pid, buf, 1) == 0);
	ATF_CHECK_STREQ("", buf);
	reap(pid);
}

ATF_TC_WITHOUT_HEAD(read_cmdline_truncates_long_command_lines);
ATF_TC_BODY(read_cmdline_truncates_long_command_lines, tc)
{
	static char arg[8192];
	char *const argv[] = { arg, "60", NULL };
	char buf[4097];
	pid_t pid;
	int procfd = open_proc(), rv;

	memset(arg, 'x', sizeof(arg) - 1);
	pid = spawn(argv);
	rv = procfs_read_cmdline(procfd, pid, buf, sizeof(buf));
	reap(pid);
	ATF_REQUIRE(rv == 0);
	ATF_CHECK_EQ(4096, strlen(buf));
	ATF_CHECK(strspn(buf, "x") == 4096);
}

ATF_TC_WITHOUT_HEAD(read_cmdline_of_a_zombie_is_its_name);
ATF_TC_BODY(read_cmdline_of_a_zombie_is_its_name, tc)
{
	siginfo_t si;
	char buf[64];
	pid_t pid;
	int procfd = open_proc(), rv;

	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		(void)prctl(PR_SET_NAME, "zombie kid");
		_exit(0);
	}
	/* Wait for the exit, but leave the zombie in place. */
	ATF_REQUIRE(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0);
	rv = procfs_read_cmdline(procfd, pid, buf, sizeof(buf));
	(void)waitpid(pid, NULL, 0);
	ATF_REQUIRE(rv == 0);
	ATF_CHECK_STREQ("[zombie kid]", buf);
}

ATF_TC_WITHOUT_HEAD(read_cmdline_of_a_gone_process);
ATF_TC_BODY(read_cmdline_of_a_gone_process, tc)
{
	char buf[64];
	pid_t pid;
	int procfd = open_proc();

	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0)
		_exit(0);
	ATF_REQUIRE(waitpid(pid, NULL, 0) == pid);
	errno = 0;
	ATF_CHECK(procfs_read_cmdline(procfd, pid, buf, sizeof(buf)) == -1);
	ATF_CHECK_MSG(errno == ENOENT || errno == ESRCH, "errno %d", errno);
	ATF_CHECK_STREQ("", buf);
}

ATF_TC_WITHOUT_HEAD(read_status_of_self);
ATF_TC_BODY(read_status_of_self, tc)
{
	uid_t r, e, s;
	struct proc_status ps;
	int procfd = open_proc();

	ATF_REQUIRE(getresuid(&r, &e, &s) == 0);
	ATF_REQUIRE(procfs_read_status(procfd, getpid(), &ps) == 0);
	ATF_CHECK_EQ(getpid(), ps.tgid);
	ATF_CHECK_EQ(r, ps.ruid);
	ATF_CHECK_EQ(e, ps.euid);
	ATF_CHECK_EQ(s, ps.suid);
}

static void *
thread_wait(void *arg)
{
	int *fds = arg;
	pid_t tid = gettid();
	char c;

	(void)write(fds[1], &tid, sizeof(tid));
	(void)read(fds[0], &c, 1);
	return (NULL);
}

ATF_TC_WITHOUT_HEAD(read_status_of_a_thread_names_its_process);
ATF_TC_BODY(read_status_of_a_thread_names_its_process, tc)
{
	struct proc_status ps;
	pthread_t t;
	pid_t tid;
	int tofds[2], fromfds[2], fds[2], procfd = open_proc(), rv;

	ATF_REQUIRE(pipe(tofds) == 0);
	ATF_REQUIRE(pipe(fromfds) == 0);
	fds[0] = tofds[0];
	fds[1] = fromfds[1];
	ATF_REQUIRE(pthread_create(&t, NULL, thread_wait, fds) == 0);
	ATF_REQUIRE(read(fromfds[0], &tid, sizeof(tid)) == sizeof(tid));
	rv = procfs_read_status(procfd, tid, &ps);
	(void)write(tofds[1], "x", 1);
	ATF_REQUIRE(pthread_join(t, NULL) == 0);
	ATF_REQUIRE(rv == 0);
	ATF_CHECK(tid != getpid());
	ATF_CHECK_EQ(getpid(), ps.tgid);
}

ATF_TC(read_status_tells_real_effective_and_saved_apart);
ATF_TC_HEAD(read_status_tells_real_effective_and_saved_apart, tc)
{
	atf_tc_set_md_var(tc, "require.user", "root");
}
ATF_TC_BODY(read_status_tells_real_effective_and_saved_apart, tc)
{
	struct proc_status ps;
	pid_t pid;
	int fds[2], procfd = open_proc(), rv;
	char c;

	ATF_REQUIRE(pipe(fds) == 0);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		(void)close(fds[0]);
		if (setresuid(1001, 1002, 1003) == -1)
			_exit(1);
		(void)write(fds[1], "x", 1);
		pause();
		_exit(0);
	}
	(void)close(fds[1]);
	ATF_REQUIRE(read(fds[0], &c, 1) == 1);
	rv = procfs_read_status(procfd, pid, &ps);
	reap(pid);
	ATF_REQUIRE(rv == 0);
	ATF_CHECK_EQ(pid, ps.tgid);
	ATF_CHECK_EQ(1001, ps.ruid);
	ATF_CHECK_EQ(1002, ps.euid);
	ATF_CHECK_EQ(1003, ps.suid);
}

ATF_TC_WITHOUT_HEAD(read_status_of_a_gone_process);
ATF_TC_BODY(read_status_of_a_gone_process, tc)
{
	struct proc_status ps;
	pid_t pid;
	int procfd = open_proc();

	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0)
		_exit(0);
	ATF_REQUIRE(waitpid(pid, NULL, 0) == pid);
	errno = 0;
	ATF_CHECK(procfs_read_status(procfd, pid, &ps) == -1);
	ATF_CHECK_MSG(errno == ENOENT || errno == ESRCH, "errno %d", errno);
}

ATF_TC_WITHOUT_HEAD(can_signal_follows_kill_rules);
ATF_TC_BODY(can_signal_follows_kill_rules, tc)
{
	/* Root may signal anything. */
	ATF_CHECK(procfs_can_signal(0, 1000, 1000));
	/* The same real uid, or a saved uid equal to the client's. */
	ATF_CHECK(procfs_can_signal(1000, 1000, 1000));
	ATF_CHECK(procfs_can_signal(1000, 1000, 0));
	ATF_CHECK(procfs_can_signal(1000, 0, 1000));
	/* A setuid program run by someone else is not ours. */
	ATF_CHECK(!procfs_can_signal(1000, 0, 0));
	ATF_CHECK(!procfs_can_signal(1000, 1001, 1001));
	ATF_CHECK(!procfs_can_signal(1000, 1001, 0));
}

ATF_TC_WITHOUT_HEAD(parse_boot_id_accepts_a_uuid);
ATF_TC_BODY(parse_boot_id_accepts_a_uuid, tc)
{
	const char *errstr;
	char out[64];

	ATF_REQUIRE(procfs_parse_boot_id(
	                BOOT_ID "\n", 37, out, sizeof(out), &errstr) == 0);
	ATF_CHECK_STREQ(BOOT_ID, out);
	memset(out, 'x', sizeof(out));
	ATF_REQUIRE(procfs_parse_boot_id(BOOT_ID, 36, out, 37, &errstr) == 0);
	ATF_CHECK_STREQ(BOOT_ID, out);
}

ATF_TC_WITHOUT_HEAD(parse_boot_id_rejects_other_text);
ATF_TC_BODY(parse_boot_id_rejects_other_text, tc)
{
	static const char *bad[] = {
		"",
		"0dbec934-f157-49a8-ab98-b88b0544c6a",
		"0dbec934-f157-49a8-ab98-b88b0544c6a8a",
		"0dbec934-f157-49a8-ab98-b88b0544c6a8\n\n",
		"0dbec934-f157-49a8-ab98-b88b0544c6a8 ",
		"0DBEC934-F157-49A8-AB98-B88B0544C6A8",
		"0dbec934f-157-49a8-ab98-b88b0544c6a8",
		"0dbec934-f157-49a8-ab98-b88b0544c6ag",
		"0dbec934_f157_49a8_ab98_b88b0544c6a8",
		"------------------------------------",
	};
	const char *errstr;
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ATF_CHECK_MSG(procfs_parse_boot_id(bad[i], strlen(bad[i]), out,
		                  sizeof(out), &errstr) == -1,
		    "accepted \"%s\"", bad[i]);
	ATF_CHECK(procfs_parse_boot_id(BOOT_ID, 36, out, 36, &errstr) == -1);
}

ATF_TC_WITHOUT_HEAD(read_boot_id_of_the_running_kernel);
ATF_TC_BODY(read_boot_id_of_the_running_kernel, tc)
{
	char want[64], got[64];
	size_t n;
	int procfd = open_proc();

	read_file(
	    "/proc/sys/kernel/random/boot_id", want, sizeof(want) - 1, &n);
	ATF_REQUIRE(n == 37 && want[36] == '\n');
	want[36] = '\0';
	ATF_REQUIRE(procfs_read_boot_id(procfd, got, sizeof(got)) == 0);
	ATF_CHECK_STREQ(want, got);
}

/* A kernel thread's line: PF_KTHREAD in the flags, group and session 0. */
#define STAT_KTHREAD                                                           \
	"2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 19 0 0 "   \
	"18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 0 0 0 0 0 0 " \
	"0 0 0 0 0 0 0 0\n"

ATF_TC_WITHOUT_HEAD(parse_stat_keeps_the_flags);
ATF_TC_BODY(parse_stat_keeps_the_flags, tc)
{
	struct proc_stat ps;
	const char *errstr;

	ATF_REQUIRE_MSG(parse(STAT_LINE, &ps, &errstr) == 0, "%s", errstr);
	ATF_CHECK_EQ(4194304u, ps.flags);
	ATF_REQUIRE_MSG(parse(STAT_KTHREAD, &ps, &errstr) == 0, "%s", errstr);
	ATF_CHECK_EQ(2129984u, ps.flags);
	ATF_CHECK_STREQ("invalid flags in stat",
	    parse_error("5 (x) S 1 5 5 0 -1 4294967296 0 0 0 0 0 0 0 0 20 0 "
	                "1 0 19 0\n"));
	ATF_CHECK_STREQ("invalid flags in stat",
	    parse_error(
	        "5 (x) S 1 5 5 0 -1 -1 0 0 0 0 0 0 0 0 20 0 1 0 19 0\n"));
}

ATF_TC_WITHOUT_HEAD(protected_is_init_and_kernel_threads);
ATF_TC_BODY(protected_is_init_and_kernel_threads, tc)
{
	struct proc_stat ps;
	const char *errstr;
	int procfd = open_proc();

	ATF_REQUIRE_MSG(parse(STAT_LINE, &ps, &errstr) == 0, "%s", errstr);
	ATF_CHECK(procfs_protected(&ps) == NULL);
	ps.pid = 1;
	ATF_CHECK_STREQ("init", procfs_protected(&ps));
	ATF_REQUIRE_MSG(parse(STAT_KTHREAD, &ps, &errstr) == 0, "%s", errstr);
	ATF_CHECK_STREQ("a kernel thread", procfs_protected(&ps));
	/* A process whose group leader is outside its PID namespace. */
	ATF_REQUIRE_MSG(parse(STAT_LINE, &ps, &errstr) == 0, "%s", errstr);
	ps.pgid = 0;
	ps.sid = 0;
	ATF_CHECK(procfs_protected(&ps) == NULL);

	ATF_REQUIRE(procfs_read_stat(procfd, getpid(), &ps, &errstr) == 0);
	ATF_CHECK(procfs_protected(&ps) == NULL);
	ATF_REQUIRE(procfs_read_stat(procfd, 1, &ps, &errstr) == 0);
	ATF_CHECK_STREQ("init", procfs_protected(&ps));
}

struct scan_seen {
	pid_t want[2];
	int found[2];
	size_t calls;
	size_t stop_after;
};

static int
scan_cb(int32_t pid, void *arg)
{
	struct scan_seen *s = arg;
	size_t i;

	s->calls++;
	for (i = 0; i < 2; i++)
		if (pid == s->want[i])
			s->found[i] = 1;
	if (s->stop_after != 0 && s->calls == s->stop_after)
		return (-1);
	return (0);
}

ATF_TC_WITHOUT_HEAD(scan_lists_processes);
ATF_TC_BODY(scan_lists_processes, tc)
{
	char *const argv[] = { "sleep", "60", NULL };
	struct scan_seen s;
	int procfd = open_proc();

	memset(&s, 0, sizeof(s));
	s.want[0] = getpid();
	s.want[1] = spawn(argv);
	ATF_CHECK(procfs_scan(procfd, scan_cb, &s) == 0);
	reap(s.want[1]);
	ATF_CHECK(s.found[0]);
	ATF_CHECK(s.found[1]);
	ATF_CHECK(s.calls >= 2);

	/* A callback that returns -1 stops the walk. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	ATF_CHECK(procfs_scan(procfd, scan_cb, &s) == -1);
	ATF_CHECK_EQ(1, s.calls);
}

/* A table of links as procfs_links() returns it: sorted by parent. */
static int
test_link_cmp(const void *a, const void *b)
{
	const struct proc_link *la = a, *lb = b;

	if (la->ppid != lb->ppid)
		return (la->ppid < lb->ppid ? -1 : 1);
	return (la->pid < lb->pid ? -1 : la->pid > lb->pid);
}

ATF_TC_WITHOUT_HEAD(descendants_breadth_first_and_bounded);
ATF_TC_BODY(descendants_breadth_first_and_bounded, tc)
{
	/* pid, ppid, start: 10 is the root; 40 started before its parent. */
	struct proc_link l[] = {
		{ .pid = 1, .ppid = 0, .start_ticks = 1 },
		{ .pid = 10, .ppid = 1, .start_ticks = 100 },
		{ .pid = 11, .ppid = 10, .start_ticks = 110 },
		{ .pid = 12, .ppid = 10, .start_ticks = 120 },
		{ .pid = 13, .ppid = 11, .start_ticks = 130 },
		{ .pid = 14, .ppid = 13, .start_ticks = 140 },
		{ .pid = 20, .ppid = 1, .start_ticks = 200 },
		{ .pid = 21, .ppid = 20, .start_ticks = 210 },
		{ .pid = 40, .ppid = 12, .start_ticks = 50 },
	};
	size_t n = sizeof(l) / sizeof(l[0]), out[8], total, i;
	const int32_t want[] = { 11, 12, 13, 14 };

	qsort(l, n, sizeof(l[0]), test_link_cmp);
	total = procfs_descendants(l, n, 10, 100, out, 8);
	ATF_REQUIRE_EQ(total, 4);
	for (i = 0; i < total; i++)
		ATF_CHECK_EQ(l[out[i]].pid, want[i]);
	/* Bounded: all are counted, the first two named. */
	total = procfs_descendants(l, n, 10, 100, out, 2);
	ATF_CHECK_EQ(total, 4);
	ATF_CHECK_EQ(l[out[0]].pid, 11);
	ATF_CHECK_EQ(l[out[1]].pid, 12);
	/* A root that started later than the walk saw: its pid reused. */
	ATF_CHECK_EQ(procfs_descendants(l, n, 10, 115, out, 8), 1);
	ATF_CHECK_EQ(procfs_descendants(l, n, 14, 140, out, 8), 0);
	ATF_CHECK_EQ(procfs_descendants(l, 0, 10, 100, out, 8), 0);
}

ATF_TC_WITHOUT_HEAD(links_has_own_child);
ATF_TC_BODY(links_has_own_child, tc)
{
	struct proc_link *l;
	size_t n, i, out[16], total;
	pid_t child;
	int procfd, found = 0, status;

	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ATF_REQUIRE(procfd != -1);
	if ((child = fork()) == 0) {
		pause();
		_exit(0);
	}
	ATF_REQUIRE(child > 0);
	ATF_REQUIRE(procfs_links(procfd, &l, &n) == 0);
	for (i = 0; i < n; i++) {
		if (i > 0)
			ATF_CHECK(l[i - 1].ppid <= l[i].ppid);
		if (l[i].pid == getpid()) {
			total = procfs_descendants(
			    l, n, getpid(), l[i].start_ticks, out, 16);
			ATF_CHECK(total >= 1);
			for (size_t j = 0; j < total && j < 16; j++)
				if (l[out[j]].pid == child)
					found = 1;
		}
	}
	ATF_CHECK(found);
	free(l);
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	close(procfd);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, parse_stat_of_self);
	ATF_TP_ADD_TC(tp, parse_stat_comm_with_spaces_and_parens);
	ATF_TP_ADD_TC(tp, parse_stat_comm_with_newline_and_fake_fields);
	ATF_TP_ADD_TC(tp, parse_stat_truncates_a_long_comm);
	ATF_TP_ADD_TC(tp, parse_stat_respects_the_length);
	ATF_TP_ADD_TC(tp, parse_stat_rejects_truncated_lines);
	ATF_TP_ADD_TC(tp, parse_stat_rejects_non_numeric_fields);
	ATF_TP_ADD_TC(tp, parse_stat_rejects_bad_start_times);
	ATF_TP_ADD_TC(tp, parse_stat_reads_the_metrics);
	ATF_TP_ADD_TC(tp, parse_stat_rejects_out_of_range_ids);
	ATF_TP_ADD_TC(tp, parse_stat_rejects_malformed_lines);
	ATF_TP_ADD_TC(tp, parse_stat_rejects_nul_bytes);
	ATF_TP_ADD_TC(tp, parse_stat_rejects_too_many_fields);
	ATF_TP_ADD_TC(tp, read_stat_of_self);
	ATF_TP_ADD_TC(tp, read_stat_of_a_child);
	ATF_TP_ADD_TC(tp, read_stat_of_a_gone_process);
	ATF_TP_ADD_TC(tp, held_stat_is_the_process_own);
	ATF_TP_ADD_TC(tp, read_stat_rejects_invalid_pids);
	ATF_TP_ADD_TC(tp, read_cmdline_joins_arguments);
	ATF_TP_ADD_TC(tp, read_cmdline_keeps_control_characters);
	ATF_TP_ADD_TC(tp, read_cmdline_keeps_utf8);
	ATF_TP_ADD_TC(tp, read_cmdline_replaces_invalid_utf8);
	ATF_TP_ADD_TC(tp, read_cmdline_truncates_between_characters);
	ATF_TP_ADD_TC(tp, read_cmdline_truncates_long_command_lines);
	ATF_TP_ADD_TC(tp, read_cmdline_of_a_zombie_is_its_name);
	ATF_TP_ADD_TC(tp, read_cmdline_of_a_gone_process);
	ATF_TP_ADD_TC(tp, read_status_of_self);
	ATF_TP_ADD_TC(tp, read_status_of_a_thread_names_its_process);
	ATF_TP_ADD_TC(tp, read_status_tells_real_effective_and_saved_apart);
	ATF_TP_ADD_TC(tp, read_status_of_a_gone_process);
	ATF_TP_ADD_TC(tp, can_signal_follows_kill_rules);
	ATF_TP_ADD_TC(tp, parse_boot_id_accepts_a_uuid);
	ATF_TP_ADD_TC(tp, parse_boot_id_rejects_other_text);
	ATF_TP_ADD_TC(tp, read_boot_id_of_the_running_kernel);
	ATF_TP_ADD_TC(tp, parse_stat_keeps_the_flags);
	ATF_TP_ADD_TC(tp, protected_is_init_and_kernel_threads);
	ATF_TP_ADD_TC(tp, scan_lists_processes);
	ATF_TP_ADD_TC(tp, descendants_breadth_first_and_bounded);
	ATF_TP_ADD_TC(tp, links_has_own_child);

	return (atf_no_error());
}

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
 * goprocctl's command line parser (goprocctl/parser.c): every command
 * and option, the defaults, and the command lines it must refuse.
 */

#include <sys/types.h>

#include <atf-c.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goproc.h"
#include "goprocctl.h"

/* clang-format off */
static struct parse_result	 res;

static int	 do_parse(char *[]);
static void	 parse_ok(char *[], const char *, int);
static void	 parse_bad(char *[], const char *, const char *, int);
/* clang-format on */

/* Run parse() over a NULL-terminated argv, goprocctl first. */
static int
do_parse(char *argv[])
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	return (parse(argc, argv, &res));
}

static void
parse_ok(char *argv[], const char *file, int line)
{
	if (do_parse(argv) == -1)
		atf_tc_fail_check(file, line, "parse failed: %s", res.error);
}

static void
parse_bad(char *argv[], const char *want, const char *file, int line)
{
	if (do_parse(argv) != -1)
		atf_tc_fail_check(
		    file, line, "parse accepted, expected \"%s\"", want);
	else if (strstr(res.error, want) == NULL)
		atf_tc_fail_check(file, line, "error \"%s\", expected \"%s\"",
		    res.error, want);
}

#define ARGV(...) ((char *[]){ "goprocctl", __VA_ARGS__, NULL })
#define OK(...) parse_ok(ARGV(__VA_ARGS__), __FILE__, __LINE__)
#define BAD(want, ...) parse_bad(ARGV(__VA_ARGS__), want, __FILE__, __LINE__)

ATF_TC_WITHOUT_HEAD(defaults);
ATF_TC_BODY(defaults, tc)
{
	static const struct {
		const char *cmd;
		enum actions action;
		uint32_t type;
		int timeout;
	} cases[] = {
		{ "ping", PING, IMSG_CTL_PING, 2 },
		{ "list", LIST, IMSG_CTL_LIST, 3 },
		{ "version", VERSIONS, IMSG_CTL_VERSION, 2 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		OK((char *)cases[i].cmd);
		ATF_CHECK_EQ(res.action, cases[i].action);
		ATF_CHECK_EQ(res.req.type, cases[i].type);
		ATF_CHECK_EQ(res.timeout, cases[i].timeout);
		ATF_CHECK_EQ(res.json, 0);
		ATF_CHECK(res.socket == NULL);
		ATF_CHECK(res.config == NULL);
		ATF_CHECK_EQ(res.req.flags, 0);
	}

	OK("add", "1");
	ATF_CHECK_EQ(res.action, ADD);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_ADD);
	ATF_CHECK_EQ(res.timeout, 3);
	OK("run", "--", "true");
	ATF_CHECK_EQ(res.action, RUN);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_ADD);
	ATF_CHECK_EQ(res.timeout, 3);
	OK("rm", "--id", "1");
	ATF_CHECK_EQ(res.action, RM);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_RM);
	ATF_CHECK_EQ(res.timeout, 3);
	OK("kill", "--id", "1");
	ATF_CHECK_EQ(res.action, KILL);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_KILL);
	ATF_CHECK_EQ(res.timeout, 5);
	ATF_CHECK_EQ(res.req.signo, SIGTERM);
	ATF_CHECK_EQ(res.req.wait_ms, 0);
	ATF_CHECK_EQ(res.wait, 0);
	OK("tag", "db");
	ATF_CHECK_EQ(res.action, TAG);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_TAG);
	ATF_CHECK_EQ(res.timeout, 3);
	OK("group", "prod");
	ATF_CHECK_EQ(res.action, GROUP);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_GROUP);
	ATF_CHECK_EQ(res.timeout, 3);
	OK("reset", "--confirm", "RESET");
	ATF_CHECK_EQ(res.action, RESET);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_RESET);
	ATF_CHECK_EQ(res.timeout, 5);
	OK("daemon");
	ATF_CHECK_EQ(res.action, DAEMON);
	ATF_CHECK_EQ(res.force, 0);
}

ATF_TC_WITHOUT_HEAD(global_options);
ATF_TC_BODY(global_options, tc)
{
	OK("--config", "/etc/goproc.json", "--socket", "/tmp/s.sock", "--json",
	    "ping");
	ATF_CHECK_STREQ(res.config, "/etc/goproc.json");
	ATF_CHECK_STREQ(res.socket, "/tmp/s.sock");
	ATF_CHECK_EQ(res.json, 1);
	ATF_CHECK_EQ(res.action, PING);

	OK("--config=c.json", "--socket=s.sock", "list");
	ATF_CHECK_STREQ(res.config, "c.json");
	ATF_CHECK_STREQ(res.socket, "s.sock");

	/* Every command inherits them. */
	OK("list", "--json", "--socket", "x.sock", "--config", "y.json");
	ATF_CHECK_EQ(res.json, 1);
	ATF_CHECK_STREQ(res.socket, "x.sock");
	ATF_CHECK_STREQ(res.config, "y.json");
	OK("daemon", "--config", "d.json", "--socket", "d.sock");
	ATF_CHECK_STREQ(res.config, "d.json");
	ATF_CHECK_STREQ(res.socket, "d.sock");

	BAD("option --socket requires an argument", "--socket");
	BAD("option --config requires an argument", "ping", "--config");
	BAD("unknown option --bogus", "--bogus", "ping");
	BAD("unknown option -x", "-x", "ping");
	BAD("option --json does not take an argument", "--json=yes", "ping");
}

ATF_TC_WITHOUT_HEAD(help_version);
ATF_TC_BODY(help_version, tc)
{
	OK("--help");
	ATF_CHECK_EQ(res.action, HELP);
	OK("-h");
	ATF_CHECK_EQ(res.action, HELP);
	OK("--version");
	ATF_CHECK_EQ(res.action, VERSION);
	OK("-V");
	ATF_CHECK_EQ(res.action, VERSION);
	OK("list", "--help");
	ATF_CHECK_EQ(res.action, HELP);
	OK("kill", "-h");
	ATF_CHECK_EQ(res.action, HELP);
	OK("--json", "-h", "bogus");
	ATF_CHECK_EQ(res.action, HELP);
}

ATF_TC_WITHOUT_HEAD(command_errors);
ATF_TC_BODY(command_errors, tc)
{
	char *none[] = { "goprocctl", NULL };

	parse_bad(none, "missing command", __FILE__, __LINE__);
	BAD("missing command", "--json");
	BAD("unknown command \"bogus\"", "bogus");
	BAD("unknown command \"PING\"", "PING");
	BAD("unknown option --bogus", "list", "--bogus");
	BAD("unknown option -z", "list", "-z");
	BAD("option --tag requires an argument", "list", "--tag");
	BAD("option --timeout requires an argument", "ping", "-t");
	BAD("option --timeout requires an argument", "ping", "--timeout");
	BAD("option --alive does not take an argument", "list", "--alive=1");
	BAD("ping: unexpected argument \"extra\"", "ping", "extra");
	BAD("list: unexpected argument \"x\"", "list", "x");

	/* An option of another command. */
	BAD("unknown option --tag", "ping", "--tag", "x");
	BAD("unknown option --all", "list", "--all");
	BAD("unknown option --signal", "rm", "--id", "1", "--signal", "KILL");
	BAD("unknown option --rename", "list", "--rename", "x");
	BAD("unknown option --confirm", "ping", "--confirm", "RESET");
	BAD("unknown option --alive", "add", "1", "--alive");
	BAD("unknown option --timeout", "daemon", "--timeout", "3");
	BAD("unknown option -f", "ping", "-f");
}

ATF_TC_WITHOUT_HEAD(timeout);
ATF_TC_BODY(timeout, tc)
{
	OK("ping", "-t", "7");
	ATF_CHECK_EQ(res.timeout, 7);
	OK("ping", "--timeout", "8");
	ATF_CHECK_EQ(res.timeout, 8);
	OK("ping", "--timeout=9");
	ATF_CHECK_EQ(res.timeout, 9);
	OK("ping", "-t10");
	ATF_CHECK_EQ(res.timeout, 10);
	OK("list", "-t", "3600");
	ATF_CHECK_EQ(res.timeout, 3600);
	OK("add", "5", "--timeout", "1");
	ATF_CHECK_EQ(res.timeout, 1);
	OK("reset", "--confirm", "RESET", "-t", "60");
	ATF_CHECK_EQ(res.timeout, 60);

	BAD("invalid --timeout \"0\": too small", "ping", "-t", "0");
	BAD("invalid --timeout \"3601\": too large", "ping", "-t", "3601");
	BAD("invalid --timeout \"2s\": invalid", "ping", "-t", "2s");
	BAD("invalid --timeout \"1.5\": invalid", "list", "--timeout", "1.5");
	BAD("invalid --timeout \"\": invalid", "list", "--timeout", "");
}

ATF_TC_WITHOUT_HEAD(add);
ATF_TC_BODY(add, tc)
{
	OK("add", "4242", "--tag", "db", "--tag", " read ", "--tag", "db",
	    "--group", "prod", "--name", "db-reader");
	ATF_CHECK_EQ(res.req.pid, 4242);
	ATF_REQUIRE_EQ(res.req.tags.n, 2);
	ATF_CHECK_STREQ(res.req.tags.v[0], "db");
	ATF_CHECK_STREQ(res.req.tags.v[1], "read");
	ATF_REQUIRE_EQ(res.req.groups.n, 1);
	ATF_CHECK_STREQ(res.req.groups.v[0], "prod");
	ATF_CHECK_STREQ(res.req.name, "db-reader");
	ATF_CHECK_EQ(res.req.names.n, 0);

	/* Options before the pid. */
	OK("add", "--tag=x", "77");
	ATF_CHECK_EQ(res.req.pid, 77);
	ATF_CHECK_EQ(res.req.tags.n, 1);
	OK("add", "--", "4194304");
	ATF_CHECK_EQ(res.req.pid, GP_PID_MAX);

	BAD("add: missing pid", "add");
	BAD("add: missing pid", "add", "--tag", "x");
	BAD("add: unexpected argument \"5\"", "add", "4", "5");
	BAD("invalid --name \"db reader\": name has invalid characters", "add",
	    "1", "--name", "db reader");
	BAD("invalid --name \"\": name is empty", "add", "1", "--name", "");
	BAD("invalid --tag \"a]b\": label has invalid characters", "add", "1",
	    "--tag", "a]b");
	/* goproc's flags took comma-separated lists. */
	OK("add", "1", "--tag", "a,b", "--group", " g ,h");
	ATF_REQUIRE_EQ(res.req.tags.n, 2);
	ATF_CHECK_STREQ(res.req.tags.v[0], "a");
	ATF_CHECK_STREQ(res.req.tags.v[1], "b");
	ATF_REQUIRE_EQ(res.req.groups.n, 2);
	ATF_CHECK_STREQ(res.req.groups.v[0], "g");
	ATF_CHECK_STREQ(res.req.groups.v[1], "h");
	BAD("invalid --tag \"\": label is empty", "add", "1", "--tag", "a,");
	BAD("invalid --name \"a,b\": name has invalid characters", "add", "1",
	    "--name", "a,b");
	BAD("invalid --group \"  \": label is empty", "add", "1", "--group",
	    "  ");
}

ATF_TC_WITHOUT_HEAD(add_match);
ATF_TC_BODY(add_match, tc)
{
	OK("add", "--match", "^sle+p$", "--tag", "a,b", "--group", "g");
	ATF_CHECK_EQ(res.action, MATCH);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_MATCH);
	ATF_CHECK_STREQ(res.req.search, "^sle+p$");
	ATF_CHECK_EQ(res.req.pid, 0);
	ATF_CHECK_EQ(res.req.flags, 0);
	ATF_CHECK_EQ(res.req.tags.n, 2);
	ATF_CHECK_STREQ(res.req.groups.v[0], "g");

	/* pgrep's options, short and long. */
	OK("add", "-fx", "-n", "-u", "0", "-P", "7,8", "--match", "a|b",
	    "--all", "--dry-run", "--name", "web");
	ATF_CHECK_EQ(res.req.flags,
	    GP_REQ_FULL | GP_REQ_EXACT | GP_REQ_NEWEST | GP_REQ_UID |
	        GP_REQ_ALL | GP_REQ_DRYRUN);
	ATF_CHECK_EQ(res.req.uid, 0);
	ATF_CHECK(res.user == NULL);
	ATF_REQUIRE_EQ(res.req.npids, 2);
	ATF_CHECK_EQ(res.req.pids[1], 8);
	ATF_CHECK_STREQ(res.req.name, "web");
	OK("add", "--full", "--exact", "--oldest", "--euid", "daemon",
	    "--parent", "1", "--match", "x");
	ATF_CHECK_EQ(res.req.flags,
	    GP_REQ_FULL | GP_REQ_EXACT | GP_REQ_OLDEST | GP_REQ_UID);
	ATF_CHECK_STREQ(res.user, "daemon");
	OK("add", "-u", "4294967294", "--match", "x");
	ATF_CHECK_EQ(res.req.uid, 4294967294U);

	BAD("add: -n and -o exclude each other", "add", "-n", "-o", "--match",
	    "x");
	BAD("add: a pid and --match exclude each other", "add", "5", "--match",
	    "x");
	BAD("add: -f, -x, -u, -P, -n, -o, --all and --dry-run go with --match",
	    "add", "5", "-f");
	BAD("go with --match", "add", "5", "--all");
	BAD("go with --match", "add", "5", "-P", "1");
	BAD("add: --match needs a pattern", "add", "--match", "");
	BAD("add: --match pattern too long (at most 256 bytes)", "add",
	    "--match",
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy");
	BAD("add: invalid pattern \"(\": ", "add", "--match", "(");
	BAD("add: invalid pattern \"(a)\\1\": back-references are not supported",
	    "add", "--match", "(a)\\1");
	BAD("add: invalid pattern \"(a{100}){20}\": intervals repeat too much",
	    "add", "--match", "(a{100}){20}");
	OK("add", "-x", "--match", "a|b");
	ATF_CHECK_STREQ(res.req.search, "a|b"); /* goprocd anchors it */
	BAD("invalid -P \"0\" (1 to 4194304)", "add", "-P", "0", "--match",
	    "x");
	BAD("invalid -P \"x\"", "add", "-P", "x", "--match", "x");
	BAD("invalid -u \"4294967295\": too large", "add", "-u", "4294967295",
	    "--match", "x");
	BAD("add: -u needs a user", "add", "-u", "", "--match", "x");
	BAD("option --euid requires an argument", "add", "--match", "x", "-u");
	/* run takes none of them. */
	BAD("unknown option", "run", "--match", "x", "--", "true");
	BAD("unknown option -f", "run", "-f", "--", "true");
	ATF_CHECK_EQ(res.status, 0);
}

ATF_TC_WITHOUT_HEAD(add_strict_pid);
ATF_TC_BODY(add_strict_pid, tc)
{
	BAD("add: PID must be a positive integer: 12x", "add", "12x");
	BAD("add: PID must be a positive integer: 0", "add", "0");
	BAD("add: PID must be at most 4194304: 99999999999", "add",
	    "99999999999");
	BAD("add: PID must be at most 4194304: 4194305", "add", "4194305");
	BAD("add: PID must be a positive integer: ", "add", "");
	BAD("add: PID must be a positive integer:  12", "add", " 12");
	BAD("add: PID must be a positive integer: +12", "add", "+12");
	BAD("invalid --timeout \" 5\": invalid", "ping", "-t", " 5");
	BAD("add: PID must be a positive integer: 0x10", "add", "0x10");
	BAD("add: PID must be a positive integer: -3", "add", "-3");
	ATF_CHECK_EQ(res.status, 0);
	BAD("add: PID must be a positive integer: -3", "add", "--", "-3");
}

ATF_TC_WITHOUT_HEAD(run);
ATF_TC_BODY(run, tc)
{
	OK("run", "--tag", "t", "--group", "g", "--name", "n", "-t", "9", "--",
	    "sleep", "10");
	ATF_CHECK_EQ(res.action, RUN);
	ATF_CHECK_EQ(res.timeout, 9);
	ATF_CHECK_STREQ(res.req.name, "n");
	ATF_CHECK_EQ(res.req.tags.n, 1);
	ATF_CHECK_EQ(res.req.groups.n, 1);
	ATF_REQUIRE_EQ(res.cmdargc, 2);
	ATF_CHECK_STREQ(res.cmdargv[0], "sleep");
	ATF_CHECK_STREQ(res.cmdargv[1], "10");
	ATF_CHECK(res.cmdargv[2] == NULL);
	ATF_CHECK_EQ(res.req.pid, 0);
	ATF_CHECK_STREQ(res.req.cmd, "");

	/* What follows -- belongs to the command, options included. */
	OK("run", "--", "ls", "--tag", "-l", "--");
	ATF_REQUIRE_EQ(res.cmdargc, 4);
	ATF_CHECK_STREQ(res.cmdargv[1], "--tag");
	ATF_CHECK_STREQ(res.cmdargv[3], "--");
	ATF_CHECK_EQ(res.req.tags.n, 0);

	/* "--" as the value of an option is not the separator. */
	OK("run", "--tag", "--", "--", "true");
	ATF_CHECK_EQ(res.req.tags.n, 1);
	ATF_CHECK_STREQ(res.req.tags.v[0], "--");
	ATF_REQUIRE_EQ(res.cmdargc, 1);
	ATF_CHECK_STREQ(res.cmdargv[0], "true");

	BAD("run: missing -- before the command", "run");
	BAD("run: missing -- before the command", "run", "--tag", "x");
	BAD("run: missing -- before the command", "run", "--tag", "--");
	/* As in goproc, the command may also come without "--". */
	OK("run", "--tag", "t", "sleep", "-x", "--name", "1");
	ATF_CHECK_EQ(res.req.tags.n, 1);
	ATF_CHECK_STREQ(res.req.name, "");
	ATF_REQUIRE_EQ(res.cmdargc, 4);
	ATF_CHECK_STREQ(res.cmdargv[0], "sleep");
	ATF_CHECK_STREQ(res.cmdargv[2], "--name");
	OK("run", "sleep", "--", "1");
	ATF_REQUIRE_EQ(res.cmdargc, 3);
	ATF_CHECK_STREQ(res.cmdargv[1], "--");
	BAD("run: missing command after --", "run", "--");
	BAD("run: missing command after --", "run", "--name", "x", "--");
	BAD("unknown option --alive", "run", "--alive", "--", "true");
}

ATF_TC_WITHOUT_HEAD(list_selectors);
ATF_TC_BODY(list_selectors, tc)
{
	OK("list", "--tag", "a", "--tag", "b", "--tag-all", "c", "--group", "d",
	    "--group-all", "e", "--group-all", "f", "--pid", "10", "--pid",
	    "11", "--pid", "10", "--id", "5", "--id", "9223372036854775807",
	    "--name", "n1", "--name", "n2", "--alive", "--search",
	    "reader --db");
	ATF_CHECK_EQ(res.req.tags.n, 2);
	ATF_CHECK_EQ(res.req.tags_all.n, 1);
	ATF_CHECK_EQ(res.req.groups.n, 1);
	ATF_CHECK_EQ(res.req.groups_all.n, 2);
	ATF_CHECK_EQ(res.req.npids, 2);
	ATF_CHECK_EQ(res.req.pids[0], 10);
	ATF_CHECK_EQ(res.req.pids[1], 11);
	ATF_CHECK_EQ(res.req.nids, 2);
	ATF_CHECK_EQ(res.req.ids[1], 9223372036854775807ULL);
	ATF_CHECK_EQ(res.req.names.n, 2);
	ATF_CHECK_STREQ(res.req.names.v[1], "n2");
	ATF_CHECK_STREQ(res.req.name, "");
	ATF_CHECK_EQ(res.req.flags, GP_REQ_ALIVE);
	ATF_CHECK_STREQ(res.req.search, "reader --db");

	BAD("invalid --pid \"0\": too small", "list", "--pid", "0");
	BAD("invalid --pid \"12x\": invalid", "list", "--pid", "12x");
	BAD("invalid --pid \"4194305\": too large", "list", "--pid", "4194305");
	BAD("invalid --id \"0\": too small", "list", "--id", "0");
	BAD("invalid --id \"-1\": too small", "list", "--id", "-1");
	BAD("invalid --id \"1e3\": invalid", "list", "--id", "1e3");
	BAD("invalid --id \"99999999999999999999\": too large", "list", "--id",
	    "99999999999999999999");
	BAD("invalid --name \"a/b\": name has invalid characters", "list",
	    "--name", "a/b");
	BAD("invalid --tag-all \"x]\": label has invalid characters", "list",
	    "--tag-all", "x]");
	BAD("invalid --group-all \"\": label is empty", "list", "--group-all",
	    "");
}

/* list -l, --sort, --reverse and --limit. */
ATF_TC_WITHOUT_HEAD(list_long_order);
ATF_TC_BODY(list_long_order, tc)
{
	static const struct {
		const char *key;
		uint32_t sort;
	} keys[] = {
		{ "cpu", GP_SORT_CPU },
		{ "rss", GP_SORT_RSS },
		{ "uptime", GP_SORT_UPTIME },
		{ "id", GP_SORT_ID },
		{ "name", GP_SORT_NAME },
		{ "pid", GP_SORT_PID },
	};
	size_t i;

	OK("list");
	ATF_CHECK_EQ(res.longfmt, 0);
	ATF_CHECK_EQ(res.req.sort, GP_SORT_ID);
	ATF_CHECK_EQ(res.req.limit, 0);
	ATF_CHECK_EQ(res.req.flags, 0);
	OK("list", "-l");
	ATF_CHECK_EQ(res.longfmt, 1);
	OK("list", "--long", "--alive");
	ATF_CHECK_EQ(res.longfmt, 1);
	ATF_CHECK_EQ(res.req.flags, GP_REQ_ALIVE);
	OK("list", "-lt", "4");
	ATF_CHECK_EQ(res.longfmt, 1);
	ATF_CHECK_EQ(res.timeout, 4);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		OK("list", "--sort", (char *)keys[i].key);
		ATF_CHECK_EQ(res.req.sort, keys[i].sort);
		ATF_CHECK_EQ(res.req.flags, 0);
	}
	OK("list", "--sort=rss", "--sort", "pid");
	ATF_CHECK_EQ(res.req.sort, GP_SORT_PID);
	OK("list", "--sort", "cpu", "--reverse", "--limit", "5", "--tag", "a");
	ATF_CHECK_EQ(res.req.sort, GP_SORT_CPU);
	ATF_CHECK_EQ(res.req.flags, GP_REQ_REVERSE);
	ATF_CHECK_EQ(res.req.limit, 5);
	ATF_CHECK_EQ(res.req.tags.n, 1);
	ATF_CHECK_EQ(res.longfmt, 0);
	OK("list", "--reverse");
	ATF_CHECK_EQ(res.req.sort, GP_SORT_ID);
	ATF_CHECK_EQ(res.req.flags, GP_REQ_REVERSE);
	OK("list", "--limit=1");
	ATF_CHECK_EQ(res.req.limit, 1);
	OK("list", "--limit", "100000000");
	ATF_CHECK_EQ(res.req.limit, GP_LIMIT_MAX);
	ATF_CHECK_EQ(res.status, 0);

	BAD("invalid --sort \"mem\": unknown key (cpu, rss, uptime, id, name, pid)",
	    "list", "--sort", "mem");
	ATF_CHECK_EQ(res.status, 0); /* a usage error: exit 2 */
	ATF_CHECK_STREQ(res.command, "list");
	BAD("invalid --sort \"CPU\": unknown key", "list", "--sort", "CPU");
	BAD("invalid --sort \"\": unknown key", "list", "--sort=");
	BAD("option --sort requires an argument", "list", "--sort");
	BAD("invalid --limit \"0\": too small (1 to 100000000)", "list",
	    "--limit", "0");
	BAD("invalid --limit \"100000001\": too large (1 to 100000000)", "list",
	    "--limit", "100000001");
	BAD("invalid --limit \"-3\": too small", "list", "--limit=-3");
	BAD("invalid --limit \"ten\": invalid", "list", "--limit", "ten");
	BAD("invalid --limit \" 5\": invalid", "list", "--limit", " 5");
	BAD("option --limit requires an argument", "list", "--limit");
	BAD("option --long does not take an argument", "list", "--long=yes");
	BAD("option --reverse does not take an argument", "list",
	    "--reverse=1");
	ATF_CHECK_EQ(res.status, 0);

	/* list's alone. */
	BAD("unknown option -l", "ping", "-l");
	BAD("unknown option --long", "rm", "--id", "1", "--long");
	BAD("unknown option --sort", "kill", "--all", "--sort", "cpu");
	BAD("unknown option --reverse", "tag", "a", "--reverse");
	BAD("unknown option --limit", "group", "a", "--limit", "1");
}

ATF_TC_WITHOUT_HEAD(search_bounds);
ATF_TC_BODY(search_bounds, tc)
{
	char text[GP_SEARCH_MAX + 2];

	memset(text, 's', GP_SEARCH_MAX);
	text[GP_SEARCH_MAX] = '\0';
	OK("list", "--search", text);
	ATF_CHECK_EQ(strlen(res.req.search), GP_SEARCH_MAX);
	text[GP_SEARCH_MAX] = 's';
	text[GP_SEARCH_MAX + 1] = '\0';
	BAD("--search text too long (at most 256 bytes)", "list", "--search",
	    text);
}

/* 32 values of each repeatable selector fit, the 33rd does not. */
ATF_TC_WITHOUT_HEAD(selectors_overflow);
ATF_TC_BODY(selectors_overflow, tc)
{
	static const char *const opts[] = { "--tag", "--tag-all", "--group",
		"--group-all", "--name", "--pid", "--id" };
	char *argv[2 + 2 * (GP_SEL_MAX + 1) + 2];
	char vals[GP_SEL_MAX + 1][16], want[64];
	size_t o;
	int i, n;

	for (o = 0; o < sizeof(opts) / sizeof(opts[0]); o++) {
		n = 0;
		argv[n++] = "goprocctl";
		argv[n++] = "list";
		for (i = 0; i <= GP_SEL_MAX; i++) {
			(void)snprintf(vals[i], sizeof(vals[i]), "%d", i + 1);
			argv[n++] = (char *)opts[o];
			argv[n++] = vals[i];
		}
		argv[n] = NULL;

		/* Duplicates do not count. */
		argv[n - 1] = vals[0];
		parse_ok(argv, __FILE__, __LINE__);

		argv[n - 1] = vals[GP_SEL_MAX];
		(void)snprintf(want, sizeof(want),
		    "too many %s values (at most 32)", opts[o]);
		parse_bad(argv, want, __FILE__, __LINE__);

		argv[n - 2] = NULL;
		parse_ok(argv, __FILE__, __LINE__);
	}

	/* The same bound for the labels of add. */
	n = 0;
	argv[n++] = "goprocctl";
	argv[n++] = "add";
	for (i = 0; i <= GP_LABELS_MAX; i++) {
		(void)snprintf(vals[i], sizeof(vals[i]), "t%d", i);
		argv[n++] = "--tag";
		argv[n++] = vals[i];
	}
	argv[n++] = "1";
	argv[n] = NULL;
	parse_bad(
	    argv, "too many --tag values (at most 32)", __FILE__, __LINE__);
}

ATF_TC_WITHOUT_HEAD(rm);
ATF_TC_BODY(rm, tc)
{
	OK("rm", "--name", "db-reader");
	ATF_CHECK_EQ(res.req.flags, 0);
	ATF_CHECK_EQ(res.req.names.n, 1);
	OK("rm", "--tag", "db", "--all", "--alive", "-t", "4");
	ATF_CHECK_EQ(res.req.flags, GP_REQ_ALL | GP_REQ_ALIVE);
	ATF_CHECK_EQ(res.timeout, 4);
	OK("rm", "--search", "sleep");
	OK("rm", "--pid", "1");
	OK("rm", "--group-all", "x");
	ATF_CHECK_EQ(res.req.signo, 0);

	BAD("provide at least one selector", "rm");
	BAD("provide at least one selector", "rm", "--all");
	OK("rm", "--alive", "--all");
	ATF_CHECK_EQ(res.status, 0);
	BAD("unknown option --wait", "rm", "--id", "1", "--wait", "1");
}

ATF_TC_WITHOUT_HEAD(kill_signals);
ATF_TC_BODY(kill_signals, tc)
{
	static const struct {
		const char *arg;
		int signo;
	} cases[] = {
		{ "TERM", SIGTERM },
		{ "SIGTERM", SIGTERM },
		{ "term", SIGTERM },
		{ "sigterm", SIGTERM },
		{ "SigTerm", SIGTERM },
		{ "KILL", SIGKILL },
		{ "SIGKILL", SIGKILL },
		{ "HUP", SIGHUP },
		{ "INT", SIGINT },
		{ "QUIT", SIGQUIT },
		{ "USR1", SIGUSR1 },
		{ "USR2", SIGUSR2 },
		{ "STOP", SIGSTOP },
		{ "CONT", SIGCONT },
		{ "ALRM", SIGALRM },
		{ "WINCH", SIGWINCH },
		{ "PIPE", SIGPIPE },
		{ "TSTP", SIGTSTP },
		{ "1", 1 },
		{ "9", 9 },
		{ "15", 15 },
		{ "64", 64 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		OK("kill", "--id", "1", "--signal", (char *)cases[i].arg);
		ATF_CHECK_EQ_MSG(
		    res.req.signo, cases[i].signo, "%s", cases[i].arg);
	}

	BAD("unknown signal \"FOO\"", "kill", "--id", "1", "--signal", "FOO");
	BAD("unknown signal \"SIG\"", "kill", "--id", "1", "--signal", "SIG");
	BAD("unknown signal \"0\"", "kill", "--id", "1", "--signal", "0");
	BAD("unknown signal \"65\"", "kill", "--id", "1", "--signal", "65");
	BAD("unknown signal \"-9\"", "kill", "--id", "1", "--signal=-9");
	BAD("unknown signal \"9x\"", "kill", "--id", "1", "--signal", "9x");
	BAD("unknown signal \"\"", "kill", "--id", "1", "--signal", "");
	BAD("unknown signal \"SIGSIGTERM\"", "kill", "--id", "1", "--signal",
	    "SIGSIGTERM");
}

ATF_TC_WITHOUT_HEAD(kill_tree);
ATF_TC_BODY(kill_tree, tc)
{
	OK("kill", "--id", "1", "--tree");
	ATF_CHECK_EQ(res.req.flags, GP_REQ_TREE);
	OK("kill", "--tag", "db", "--all", "--tree", "--wait", "2");
	ATF_CHECK_EQ(res.req.flags, GP_REQ_ALL | GP_REQ_TREE);
	ATF_CHECK_EQ(res.req.wait_ms, 2000);
	BAD("option --tree does not take an argument", "kill", "--id", "1",
	    "--tree=yes");
	BAD("unknown option --tree", "rm", "--id", "1", "--tree");
	OK("list", "--children", "--alive");
	ATF_CHECK_EQ(res.req.flags, GP_REQ_CHILDREN | GP_REQ_ALIVE);
	BAD("unknown option --children", "kill", "--id", "1", "--children");
}

ATF_TC_WITHOUT_HEAD(kill_wait);
ATF_TC_BODY(kill_wait, tc)
{
	OK("kill", "--tag", "db", "--all", "--wait", "5");
	ATF_CHECK_EQ(res.wait, 5);
	ATF_CHECK_EQ(res.req.wait_ms, 5000);
	ATF_CHECK_EQ(res.req.flags, GP_REQ_ALL);
	OK("kill", "--tag", "db", "--wait", "0");
	ATF_CHECK_EQ(res.req.wait_ms, 0);
	OK("kill", "--tag", "db", "--wait", "3600");
	ATF_CHECK_EQ(res.req.wait_ms, GP_WAIT_MAX_MS);

	BAD("invalid --wait \"3601\": too large", "kill", "--id", "1", "--wait",
	    "3601");
	BAD("invalid --wait \"-1\": too small", "kill", "--id", "1",
	    "--wait=-1");
	BAD("invalid --wait \"0.5\": invalid", "kill", "--id", "1", "--wait",
	    "0.5");
	BAD("invalid --wait \"5s\": invalid", "kill", "--id", "1", "--wait",
	    "5s");
	OK("kill", "--all");
	ATF_CHECK_EQ(res.req.flags, GP_REQ_ALL);
	BAD("provide at least one selector", "kill", "--signal", "KILL");
	ATF_CHECK_EQ(res.status, GP_EXIT_FAIL);
}

ATF_TC_WITHOUT_HEAD(tag_group);
ATF_TC_BODY(tag_group, tc)
{
	OK("tag", "db");
	ATF_CHECK_STREQ(res.req.label, "db");
	ATF_CHECK_EQ(res.req.flags, 0);
	ATF_CHECK_STREQ(res.req.newlabel, "");
	OK("tag", " db ", "--rename", " database ");
	ATF_CHECK_STREQ(res.req.label, "db");
	ATF_CHECK_STREQ(res.req.newlabel, "database");
	ATF_CHECK_EQ(res.req.flags, GP_REQ_RENAME);
	OK("group", "--rename=live", "prod", "-t", "4");
	ATF_CHECK_EQ(res.action, GROUP);
	ATF_CHECK_STREQ(res.req.label, "prod");
	ATF_CHECK_STREQ(res.req.newlabel, "live");
	ATF_CHECK_EQ(res.timeout, 4);

	BAD("tag: missing tag name", "tag");
	BAD("group: missing group name", "group", "--rename", "x");
	BAD("tag: unexpected argument \"b\"", "tag", "a", "b");
	BAD("invalid tag \"a,b\": label has invalid characters", "tag", "a,b");
	BAD("invalid group \"\": label is empty", "group", "");
	BAD("invalid --rename \"x[1]\": label has invalid characters", "tag",
	    "a", "--rename", "x[1]");
	BAD("invalid --rename \"\": label is empty", "tag", "a", "--rename",
	    "");
	BAD("unknown option --tag", "tag", "a", "--tag", "b");
}

ATF_TC_WITHOUT_HEAD(reset_confirm);
ATF_TC_BODY(reset_confirm, tc)
{
	OK("reset", "--confirm", "RESET");
	ATF_CHECK_STREQ(res.req.label, "RESET");
	OK("reset", "--confirm=RESET");
	ATF_CHECK_STREQ(res.req.label, "RESET");

	BAD("destructive command: confirmation required", "reset");
	BAD("destructive command: confirmation required", "reset", "--confirm",
	    "reset");
	BAD("destructive command: confirmation required", "reset", "--confirm",
	    "RESET ");
	BAD("destructive command: confirmation required", "reset", "--confirm",
	    "");
	BAD("destructive command: confirmation required", "reset", "--confirm",
	    "yes");
	BAD("option --confirm requires an argument", "reset", "--confirm");
	BAD("reset: unexpected argument \"RESET\"", "reset", "RESET");
}

ATF_TC_WITHOUT_HEAD(daemon);
ATF_TC_BODY(daemon, tc)
{
	OK("daemon", "-f");
	ATF_CHECK_EQ(res.force, 1);
	OK("daemon", "--force");
	ATF_CHECK_EQ(res.force, 1);
	OK("--config", "c.json", "daemon");
	ATF_CHECK_STREQ(res.config, "c.json");
	ATF_CHECK_EQ(res.force, 0);
	BAD("daemon: unexpected argument \"now\"", "daemon", "now");
	BAD("option --force does not take an argument", "daemon", "--force=1");
	BAD("unknown option -x", "daemon", "-fx");
}

ATF_TC_WITHOUT_HEAD(version);
ATF_TC_BODY(version, tc)
{
	OK("version");
	ATF_CHECK_EQ(res.action, VERSIONS);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_VERSION);
	OK("--json", "version", "-t", "7");
	ATF_CHECK_EQ(res.action, VERSIONS);
	ATF_CHECK_EQ(res.json, 1);
	ATF_CHECK_EQ(res.timeout, 7);
	OK("version", "--socket", "s");
	ATF_CHECK_STREQ(res.socket, "s");
	OK("version", "--help");
	ATF_CHECK_EQ(res.action, HELP);
	ATF_CHECK_STREQ(res.command, "version");
	BAD("version: unexpected argument \"now\"", "version", "now");
	BAD("unknown option --tag", "version", "--tag", "x");
	BAD("unknown command \"VERSION\"", "VERSION");
}

ATF_TC_WITHOUT_HEAD(usage_rows);
ATF_TC_BODY(usage_rows, tc)
{
	const char *name, *synopsis;
	char *argv[3];
	size_t i;
	int selectors;

	for (i = 0; command_usage(i, &name, &synopsis, &selectors) == 0; i++) {
		/* Each synopsis starts with its command, a parser row. */
		ATF_CHECK_MSG(strncmp(synopsis, name, strlen(name)) == 0 &&
		        synopsis[strlen(name)] == ' ',
		    "%s: %s", name, synopsis);
		argv[0] = "goprocctl";
		argv[1] = (char *)name;
		argv[2] = NULL;
		(void)parse(2, argv, &res);
		ATF_CHECK_STREQ(res.command, name);
		ATF_CHECK_EQ(selectors,
		    strcmp(name, "list") == 0 || strcmp(name, "rm") == 0 ||
		        strcmp(name, "kill") == 0 ||
		        strcmp(name, "watch") == 0 ||
		        strcmp(name, "wait") == 0 ||
		        strcmp(name, "update") == 0 ||
		        strcmp(name, "metrics") == 0);
	}
	ATF_CHECK_EQ(i, 16);
}

ATF_TC_WITHOUT_HEAD(update);
ATF_TC_BODY(update, tc)
{
	OK("update", "--tag", "db", "--add-tag", "a,b", "--remove-tag", "c",
	    "--add-group", "g", "--remove-group", "h", "--name", "web");
	ATF_CHECK_EQ(res.action, UPDATE);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_UPDATE);
	ATF_CHECK_EQ(res.req.tags.n, 1);
	ATF_CHECK_EQ(res.req.names.n, 0);
	ATF_CHECK_STREQ(res.req.name, "web");
	ATF_CHECK_EQ(res.req.add_tags.n, 2);
	ATF_CHECK_STREQ(res.req.add_tags.v[1], "b");
	ATF_CHECK_STREQ(res.req.rm_tags.v[0], "c");
	ATF_CHECK_STREQ(res.req.add_groups.v[0], "g");
	ATF_CHECK_STREQ(res.req.rm_groups.v[0], "h");
	OK("update", "--dead", "--all", "--no-name");
	ATF_CHECK_EQ(res.req.flags, GP_REQ_DEAD | GP_REQ_ALL | GP_REQ_NONAME);
	OK("update", "--all", "--add-tag", "x");
	ATF_CHECK_EQ(res.req.flags, GP_REQ_ALL);
	BAD("nothing to change", "update", "--id", "1");
	BAD("exclude each other", "update", "--id", "1", "--name", "a",
	    "--no-name");
	BAD("both added and removed", "update", "--id", "1", "--add-tag", "x",
	    "--remove-tag", "x");
	BAD("invalid --name", "update", "--id", "1", "--name", "bad name");
	BAD("invalid --add-tag", "update", "--id", "1", "--add-tag", "a,,b");
	BAD("exclude each other", "update", "--id", "1", "--alive", "--dead",
	    "--add-tag", "x");
	BAD("unknown option", "update", "--id", "1", "--signal", "KILL");
	OK("list", "--dead");
	ATF_CHECK_EQ(res.req.flags, GP_REQ_DEAD);
	OK("rm", "--dead", "--all");
	ATF_CHECK_EQ(res.req.flags, GP_REQ_DEAD | GP_REQ_ALL);
	BAD("exclude each other", "list", "--alive", "--dead");
	BAD("unknown option", "kill", "--dead", "--all");
}

ATF_TC_WITHOUT_HEAD(metrics);
ATF_TC_BODY(metrics, tc)
{
	OK("metrics");
	ATF_CHECK_EQ(res.action, METRICS);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_LIST);
	OK("metrics", "--tag", "db", "--alive", "-t", "7");
	ATF_CHECK_EQ(res.req.tags.n, 1);
	ATF_CHECK_EQ(res.req.flags, GP_REQ_ALIVE);
	ATF_CHECK_EQ(res.timeout, 7);
	BAD("metrics: --json does not apply, the output is Prometheus's "
	    "text format",
	    "--json", "metrics");
	BAD("unknown option --long", "metrics", "--long");
}

ATF_TC_WITHOUT_HEAD(watch);
ATF_TC_BODY(watch, tc)
{
	OK("watch");
	ATF_CHECK_EQ(res.action, WATCH);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_WATCH);
	ATF_CHECK_EQ(res.req.flags, 0);
	ATF_CHECK_EQ(res.initial, 0);
	OK("watch", "--initial", "--tag", "a,b", "--alive", "--json");
	ATF_CHECK_EQ(res.req.flags, GP_REQ_INITIAL | GP_REQ_ALIVE);
	ATF_CHECK_EQ(res.req.tags.n, 2);
	ATF_CHECK_EQ(res.json, 1);
	OK("watch", "--id", "3", "--pid", "4", "--name", "web", "--group", "g",
	    "--group-all", "h", "--tag-all", "t", "--search", "x");
	ATF_CHECK_EQ(res.req.nids, 1);
	ATF_CHECK_EQ(res.req.npids, 1);

	/* No reply timeout, so no -t; no operand; no list options. */
	BAD("unknown option -t", "watch", "-t", "5");
	BAD("unknown option --timeout", "watch", "--timeout", "5");
	BAD("watch: unexpected argument \"x\"", "watch", "x");
	BAD("unknown option --sort", "watch", "--sort", "cpu");
	BAD("unknown option --all", "watch", "--all");
	BAD("option --initial does not take an argument", "watch",
	    "--initial=1");
	BAD("invalid --id \"0\"", "watch", "--id", "0");
	ATF_CHECK_EQ(res.status, 0);
}

ATF_TC_WITHOUT_HEAD(wait);
ATF_TC_BODY(wait, tc)
{
	OK("wait", "--name", "backup");
	ATF_CHECK_EQ(res.action, WAIT);
	ATF_CHECK_EQ(res.req.type, IMSG_CTL_WATCH);
	ATF_CHECK_EQ(res.req.flags, GP_REQ_INITIAL | GP_REQ_FOLLOW);
	ATF_CHECK_EQ(res.deadline, 0);
	ATF_CHECK_EQ(res.timeout, 3); /* connecting only */
	ATF_CHECK_EQ(res.any, 0);
	ATF_CHECK_EQ(res.allow_empty, 0);
	OK("wait", "--tag", "w", "--any", "--allow-empty", "-t", "86400");
	ATF_CHECK_EQ(res.any, 1);
	ATF_CHECK_EQ(res.allow_empty, 1);
	ATF_CHECK_EQ(res.deadline, 86400);
	ATF_CHECK_EQ(res.timeout, 3);
	OK("wait", "--alive", "--timeout", "31536000");
	ATF_CHECK_EQ(
	    res.req.flags, GP_REQ_INITIAL | GP_REQ_FOLLOW | GP_REQ_ALIVE);
	ATF_CHECK_EQ(res.deadline, 31536000);

	/* A selector is required; these are usage errors (exit 2). */
	BAD("wait: provide at least one selector", "wait");
	ATF_CHECK_EQ(res.status, 0);
	BAD("wait: provide at least one selector", "wait", "--any");
	ATF_CHECK_EQ(res.status, 0);
	BAD("wait: --all is not an option of wait", "wait", "--all");
	ATF_CHECK_EQ(res.status, 0);
	BAD("wait: --all is not an option of wait", "wait", "--id", "1",
	    "--all");
	BAD("invalid --timeout \"0\": too small (1 to 31536000 seconds)",
	    "wait", "--id", "1", "-t", "0");
	BAD("invalid --timeout \"31536001\": too large", "wait", "--id", "1",
	    "-t", "31536001");
	BAD("invalid --timeout \"x\": invalid", "wait", "--id", "1",
	    "--timeout", "x");
	BAD("option --timeout requires an argument", "wait", "--id", "1", "-t");
	BAD("unknown option --initial", "wait", "--id", "1", "--initial");
	BAD("unknown option --bogus", "wait", "--id", "1", "--bogus");
	BAD("wait: unexpected argument \"web\"", "wait", "web");
	ATF_CHECK_EQ(res.status, 0);
}

ATF_TC_WITHOUT_HEAD(config_accepted_everywhere);
ATF_TC_BODY(config_accepted_everywhere, tc)
{
	OK("ping", "--config", "c");
	OK("add", "1", "--config", "c");
	OK("run", "--config", "c", "--", "true");
	OK("list", "--config", "c");
	OK("rm", "--id", "1", "--config", "c");
	OK("kill", "--id", "1", "--config", "c");
	OK("tag", "a", "--config", "c");
	OK("group", "a", "--config", "c");
	OK("reset", "--confirm", "RESET", "--config", "c");
	ATF_CHECK_STREQ(res.config, "c");
}

/* parse() starts afresh every time. */
ATF_TC_WITHOUT_HEAD(reparse);
ATF_TC_BODY(reparse, tc)
{
	OK("--json", "list", "--tag", "a", "--alive");
	OK("list");
	ATF_CHECK_EQ(res.json, 0);
	ATF_CHECK_EQ(res.req.tags.n, 0);
	ATF_CHECK_EQ(res.req.flags, 0);
	BAD("unknown option -q", "list", "-q");
	OK("ping");
	ATF_CHECK_STREQ(res.error, "");
}

/* top: -b, -n iterations, -d seconds with up to three decimals. */
ATF_TC_WITHOUT_HEAD(top_options);
ATF_TC_BODY(top_options, tc)
{
	OK("top");
	ATF_CHECK_EQ(res.action, TOP);
	ATF_CHECK_EQ(res.top.batch, 0);
	ATF_CHECK_EQ(res.top.iterations, 0);
	ATF_CHECK_EQ(res.top.delay_ms, 0);
	OK("top", "-b", "-n", "3", "-d", "0.25");
	ATF_CHECK_EQ(res.top.batch, 1);
	ATF_CHECK_EQ(res.top.iterations, 3);
	ATF_CHECK_EQ(res.top.delay_ms, 250);
	OK("top", "-d", "2");
	ATF_CHECK_EQ(res.top.delay_ms, 2000);
	OK("top", "-d", "1.");
	ATF_CHECK_EQ(res.top.delay_ms, 1000);
	OK("top", "-d", "0.1");
	ATF_CHECK_EQ(res.top.delay_ms, 100);
	BAD("invalid -d", "top", "-d", "0.09");
	BAD("invalid -d", "top", "-d", "0");
	BAD("invalid -d", "top", "-d", ".5");
	BAD("invalid -d", "top", "-d", "1.2345");
	BAD("invalid -d", "top", "-d", "1.x");
	BAD("invalid -d", "top", "-d", "-1");
	BAD("invalid -d", "top", "-d", "3601");
	BAD("invalid -n", "top", "-n", "0");
	BAD("unexpected argument", "top", "x");
	BAD("unknown option", "top", "--tag", "a");
}

ATF_TC_WITHOUT_HEAD(signal_names);
ATF_TC_BODY(signal_names, tc)
{
	ATF_CHECK_STREQ(signal_name(SIGTERM), "SIGTERM");
	ATF_CHECK_STREQ(signal_name(SIGKILL), "SIGKILL");
	ATF_CHECK_STREQ(signal_name(SIGABRT), "SIGABRT");
	ATF_CHECK_STREQ(signal_name(SIGCHLD), "SIGCHLD");
	ATF_CHECK_STREQ(signal_name(SIGRTMIN), "SIGRTMIN");
	ATF_CHECK_STREQ(signal_name(SIGRTMIN + 2), "SIGRTMIN+2");
	ATF_CHECK_STREQ(signal_name(32), "SIG32");

	ATF_CHECK_EQ(parse_signal("RTMIN"), SIGRTMIN);
	ATF_CHECK_EQ(parse_signal("SIGRTMIN+3"), SIGRTMIN + 3);
	ATF_CHECK_EQ(parse_signal("rtmax-1"), SIGRTMAX - 1);
	ATF_CHECK_EQ(parse_signal("RTMAX+1"), -1);
	ATF_CHECK_EQ(parse_signal("RTMIN-1"), -1);
	ATF_CHECK_EQ(parse_signal("RTMIN+"), -1);
	ATF_CHECK_EQ(parse_signal("IOT"), SIGABRT);
	ATF_CHECK_EQ(parse_signal("CLD"), SIGCHLD);
}

/* common/text.c: Go's %q for the words of goproc, vis(3) for terminals. */
ATF_TC_WITHOUT_HEAD(text_quote_vis);
ATF_TC_BODY(text_quote_vis, tc)
{
	char buf[256];

	ATF_CHECK_STREQ(gp_quote("db", buf, sizeof(buf)), "\"db\"");
	ATF_CHECK_STREQ(
	    gp_quote("a\\b\"c", buf, sizeof(buf)), "\"a\\\\b\\\"c\"");
	ATF_CHECK_STREQ(
	    gp_quote("\t\x1b\x7f", buf, sizeof(buf)), "\"\\t\\x1b\\x7f\"");
	ATF_CHECK_STREQ(
	    gp_quote("caf\xc3\xa9", buf, sizeof(buf)), "\"caf\xc3\xa9\"");
	ATF_CHECK_STREQ(
	    gp_quote("a\302\240b", buf, sizeof(buf)), "\"a\\u00a0b\"");
	ATF_CHECK_STREQ(gp_quote("\xff", buf, sizeof(buf)), "\"\\xff\"");
	ATF_CHECK_STREQ(
	    gp_quote("\xf3\xb0\x80\x80", buf, sizeof(buf)), "\"\\U000f0000\"");
	ATF_CHECK_STREQ(gp_quote("abcdef", buf, 6), "\"abc\"");

	ATF_CHECK_STREQ(gp_vis("sleep 10", buf, sizeof(buf)), "sleep 10");
	ATF_CHECK_STREQ(
	    gp_vis("a\x1b[2Jb\nc\td", buf, sizeof(buf)), "a\\033[2Jb\\nc\\td");
	ATF_CHECK_STREQ(
	    gp_vis("x\\y caf\xc3\xa9 \xff \xc2\x85", buf, sizeof(buf)),
	    "x\\y caf\xc3\xa9 \\377 \\302\\205");
	/* A bidirectional override would reorder what follows it. */
	ATF_CHECK_STREQ(
	    gp_vis("a\342\200\256b", buf, sizeof(buf)), "a\\342\\200\\256b");
	ATF_CHECK_STREQ(gp_vis("\n\n\n", buf, 5), "\\n\\n");
	/* Cut short inside a run of plain characters, and after one. */
	ATF_CHECK_STREQ(gp_vis("abcdef", buf, 4), "abc");
	ATF_CHECK_STREQ(gp_vis("ab\ncd", buf, 6), "ab\\nc");
	ATF_CHECK_STREQ(gp_vis("ab\ncd", buf, 3), "ab");
	ATF_CHECK_STREQ(gp_vis("abc", buf, 1), "");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, text_quote_vis);
	ATF_TP_ADD_TC(tp, defaults);
	ATF_TP_ADD_TC(tp, global_options);
	ATF_TP_ADD_TC(tp, help_version);
	ATF_TP_ADD_TC(tp, command_errors);
	ATF_TP_ADD_TC(tp, timeout);
	ATF_TP_ADD_TC(tp, add);
	ATF_TP_ADD_TC(tp, add_strict_pid);
	ATF_TP_ADD_TC(tp, run);
	ATF_TP_ADD_TC(tp, list_selectors);
	ATF_TP_ADD_TC(tp, list_long_order);
	ATF_TP_ADD_TC(tp, search_bounds);
	ATF_TP_ADD_TC(tp, selectors_overflow);
	ATF_TP_ADD_TC(tp, rm);
	ATF_TP_ADD_TC(tp, kill_signals);
	ATF_TP_ADD_TC(tp, kill_wait);
	ATF_TP_ADD_TC(tp, kill_tree);
	ATF_TP_ADD_TC(tp, tag_group);
	ATF_TP_ADD_TC(tp, reset_confirm);
	ATF_TP_ADD_TC(tp, daemon);
	ATF_TP_ADD_TC(tp, version);
	ATF_TP_ADD_TC(tp, watch);
	ATF_TP_ADD_TC(tp, wait);
	ATF_TP_ADD_TC(tp, usage_rows);
	ATF_TP_ADD_TC(tp, update);
	ATF_TP_ADD_TC(tp, add_match);
	ATF_TP_ADD_TC(tp, config_accepted_everywhere);
	ATF_TP_ADD_TC(tp, reparse);
	ATF_TP_ADD_TC(tp, top_options);
	ATF_TP_ADD_TC(tp, signal_names);
	ATF_TP_ADD_TC(tp, metrics);

	return (atf_no_error());
}

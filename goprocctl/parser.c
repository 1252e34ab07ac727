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
 * The goprocctl command line, parsed into a struct parse_result.  No I/O
 * happens here: a refused command line leaves its reason in res->error.
 */

#include <sys/types.h>

#include <getopt.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "goproc.h"
#include "goprocctl.h"

/* clang-format off */
#define TIMEOUT_MAX	3600	/* seconds */
#define WAIT_MAX	(GP_WAIT_MAX_MS / 1000)
#define SIGNO_MAX	64
#define DEADLINE_MAX	31536000	/* wait -t: a year, in seconds */

enum {
	OPT_CONFIG = 256,
	OPT_SOCKET,
	OPT_JSON,
	OPT_TAG,
	OPT_TAG_ALL,
	OPT_GROUP,
	OPT_GROUP_ALL,
	OPT_PID,
	OPT_ID,
	OPT_NAME,
	OPT_ALIVE,
	OPT_SEARCH,
	OPT_ALL,
	OPT_SIGNAL,
	OPT_WAIT,
	OPT_RENAME,
	OPT_CONFIRM,
	OPT_SORT,
	OPT_REVERSE,
	OPT_LIMIT,
	OPT_INITIAL,
	OPT_ANY,
	OPT_ALLOW_EMPTY,
	OPT_DEAD,
	OPT_ADD_TAG,
	OPT_REMOVE_TAG,
	OPT_ADD_GROUP,
	OPT_REMOVE_GROUP,
	OPT_NO_NAME,
	OPT_TREE,
	OPT_CHILDREN,
	OPT_MATCH,
	OPT_DRY_RUN,
};

/* What each command takes: its options and its operand. */
struct command {
	const char		*name;
	enum actions		 action;
	uint32_t		 type;
	const char		*optstring;
	const struct option	*longopts;
	const char		*operand;	/* NULL: takes none */
	int			 timeout;	/* default, seconds */
	const char		*synopsis;	/* for --help */
	int			 selectors;	/* takes the selector options */
};

#define GLOBAL_OPTS							\
	{ "config",	required_argument,	NULL,	OPT_CONFIG },	\
	{ "socket",	required_argument,	NULL,	OPT_SOCKET },	\
	{ "json",	no_argument,		NULL,	OPT_JSON },	\
	{ "help",	no_argument,		NULL,	'h' }

#define SELECTOR_OPTS							\
	{ "tag",	required_argument,	NULL,	OPT_TAG },	\
	{ "tag-all",	required_argument,	NULL,	OPT_TAG_ALL },	\
	{ "group",	required_argument,	NULL,	OPT_GROUP },	\
	{ "group-all",	required_argument,	NULL,	OPT_GROUP_ALL }, \
	{ "pid",	required_argument,	NULL,	OPT_PID },	\
	{ "id",		required_argument,	NULL,	OPT_ID },	\
	{ "name",	required_argument,	NULL,	OPT_NAME },	\
	{ "alive",	no_argument,		NULL,	OPT_ALIVE },	\
	{ "search",	required_argument,	NULL,	OPT_SEARCH }

#define TIMEOUT_OPT							\
	{ "timeout",	required_argument,	NULL,	't' }

static const struct option global_opts[] = {
	GLOBAL_OPTS,
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 },
};

static const struct option ping_opts[] = {
	GLOBAL_OPTS,
	TIMEOUT_OPT,
	{ NULL,		0,			NULL,	0 },
};

static const struct option run_opts[] = {
	GLOBAL_OPTS,
	TIMEOUT_OPT,
	{ "tag",	required_argument,	NULL,	OPT_TAG },
	{ "group",	required_argument,	NULL,	OPT_GROUP },
	{ "name",	required_argument,	NULL,	OPT_NAME },
	{ NULL,		0,			NULL,	0 },
};

/* add: run's, and those of add --match, pgrep's. */
static const struct option add_opts[] = {
	GLOBAL_OPTS,
	TIMEOUT_OPT,
	{ "tag",	required_argument,	NULL,	OPT_TAG },
	{ "group",	required_argument,	NULL,	OPT_GROUP },
	{ "name",	required_argument,	NULL,	OPT_NAME },
	{ "match",	required_argument,	NULL,	OPT_MATCH },
	{ "full",	no_argument,		NULL,	'f' },
	{ "exact",	no_argument,		NULL,	'x' },
	{ "euid",	required_argument,	NULL,	'u' },
	{ "parent",	required_argument,	NULL,	'P' },
	{ "newest",	no_argument,		NULL,	'n' },
	{ "oldest",	no_argument,		NULL,	'o' },
	{ "all",	no_argument,		NULL,	OPT_ALL },
	{ "dry-run",	no_argument,		NULL,	OPT_DRY_RUN },
	{ NULL,		0,			NULL,	0 },
};

static const struct option list_opts[] = {
	GLOBAL_OPTS,
	TIMEOUT_OPT,
	SELECTOR_OPTS,
	{ "dead",	no_argument,		NULL,	OPT_DEAD },
	{ "long",	no_argument,		NULL,	'l' },
	{ "sort",	required_argument,	NULL,	OPT_SORT },
	{ "reverse",	no_argument,		NULL,	OPT_REVERSE },
	{ "limit",	required_argument,	NULL,	OPT_LIMIT },
	{ "children",	no_argument,		NULL,	OPT_CHILDREN },
	{ NULL,		0,			NULL,	0 },
};

static const struct option rm_opts[] = {
	GLOBAL_OPTS,
	TIMEOUT_OPT,
	SELECTOR_OPTS,
	{ "dead",	no_argument,		NULL,	OPT_DEAD },
	{ "all",	no_argument,		NULL,	OPT_ALL },
	{ NULL,		0,			NULL,	0 },
};

static const struct option kill_opts[] = {
	GLOBAL_OPTS,
	TIMEOUT_OPT,
	SELECTOR_OPTS,
	{ "all",	no_argument,		NULL,	OPT_ALL },
	{ "signal",	required_argument,	NULL,	OPT_SIGNAL },
	{ "wait",	required_argument,	NULL,	OPT_WAIT },
	{ "tree",	no_argument,		NULL,	OPT_TREE },
	{ NULL,		0,			NULL,	0 },
};

static const struct option watch_opts[] = {
	GLOBAL_OPTS,
	SELECTOR_OPTS,
	{ "dead",	no_argument,		NULL,	OPT_DEAD },
	{ "initial",	no_argument,		NULL,	OPT_INITIAL },
	{ NULL,		0,			NULL,	0 },
};

static const struct option wait_opts[] = {
	GLOBAL_OPTS,
	TIMEOUT_OPT,
	SELECTOR_OPTS,
	{ "any",	no_argument,		NULL,	OPT_ANY },
	{ "allow-empty", no_argument,		NULL,	OPT_ALLOW_EMPTY },
	{ "all",	no_argument,		NULL,	OPT_ALL },
	{ NULL,		0,			NULL,	0 },
};

static const struct option label_opts[] = {
	GLOBAL_OPTS,
	TIMEOUT_OPT,
	{ "rename",	required_argument,	NULL,	OPT_RENAME },
	{ NULL,		0,			NULL,	0 },
};

static const struct option reset_opts[] = {
	GLOBAL_OPTS,
	TIMEOUT_OPT,
	{ "confirm",	required_argument,	NULL,	OPT_CONFIRM },
	{ NULL,		0,			NULL,	0 },
};

static const struct option top_opts[] = {
	GLOBAL_OPTS,
	TIMEOUT_OPT,
	{ NULL,		0,			NULL,	0 },
};

/* update: the selectors but --name, which is the new name here. */
static const struct option update_opts[] = {
	GLOBAL_OPTS,
	TIMEOUT_OPT,
	{ "tag",	required_argument,	NULL,	OPT_TAG },
	{ "tag-all",	required_argument,	NULL,	OPT_TAG_ALL },
	{ "group",	required_argument,	NULL,	OPT_GROUP },
	{ "group-all",	required_argument,	NULL,	OPT_GROUP_ALL },
	{ "pid",	required_argument,	NULL,	OPT_PID },
	{ "id",		required_argument,	NULL,	OPT_ID },
	{ "alive",	no_argument,		NULL,	OPT_ALIVE },
	{ "dead",	no_argument,		NULL,	OPT_DEAD },
	{ "search",	required_argument,	NULL,	OPT_SEARCH },
	{ "all",	no_argument,		NULL,	OPT_ALL },
	{ "add-tag",	required_argument,	NULL,	OPT_ADD_TAG },
	{ "remove-tag",	required_argument,	NULL,	OPT_REMOVE_TAG },
	{ "add-group",	required_argument,	NULL,	OPT_ADD_GROUP },
	{ "remove-group", required_argument,	NULL,	OPT_REMOVE_GROUP },
	{ "name",	required_argument,	NULL,	OPT_NAME },
	{ "no-name",	no_argument,		NULL,	OPT_NO_NAME },
	{ NULL,		0,			NULL,	0 },
};

static const struct option daemon_opts[] = {
	GLOBAL_OPTS,
	{ "force",	no_argument,		NULL,	'f' },
	{ NULL,		0,			NULL,	0 },
};

static const struct option metrics_opts[] = {
	GLOBAL_OPTS,
	TIMEOUT_OPT,
	SELECTOR_OPTS,
	{ NULL,		0,			NULL,	0 },
};

static const struct command commands[] = {
	{ "ping",   PING,   IMSG_CTL_PING,  "-:ht:", ping_opts,   NULL,   2,
	    "ping [-t|--timeout seconds]", 0 },
	{ "add",    ADD,    IMSG_CTL_ADD,   "-:ht:fxu:P:no", add_opts, "pid", 3,
	    "add pid [--tag tag]... [--group group]... [--name name] [-t seconds]\n"
	    "      add --match pattern [-f|--full] [-x|--exact] [-u|--euid user]\n"
	    "      [-P|--parent ppid[,ppid...]] [-n|--newest | -o|--oldest] [--all]\n"
	    "      [--dry-run] [--tag tag]... [--group group]... [--name name]\n"
	    "      [-t seconds]", 0 },
	{ "run",    RUN,    IMSG_CTL_ADD,   "+:ht:", run_opts,    NULL,   3,
	    "run [--tag tag]... [--group group]... [--name name] [-t seconds]\n      [--] command [arg ...]", 0 },
	{ "list",   LIST,   IMSG_CTL_LIST,  "-:hlt:", list_opts,  NULL,   3,
	    "list [selectors] [--dead] [-l|--long] [--sort cpu|rss|uptime|id|name|pid]\n"
	    "      [--reverse] [--limit n] [--children] [-t seconds]", 1 },
	{ "rm",     RM,     IMSG_CTL_RM,    "-:ht:", rm_opts,     NULL,   3,
	    "rm selectors [--dead] [--all] [-t seconds]", 1 },
	{ "kill",   KILL,   IMSG_CTL_KILL,  "-:ht:", kill_opts,   NULL,   5,
	    "kill selectors | --all [--signal sig] [--wait seconds] [--tree]\n"
	    "      [-t seconds]", 1 },
	{ "tag",    TAG,    IMSG_CTL_TAG,   "-:ht:", label_opts,  "tag",  3,
	    "tag tag [--rename new] [-t seconds]", 0 },
	{ "group",  GROUP,  IMSG_CTL_GROUP, "-:ht:", label_opts,  "group", 3,
	    "group group [--rename new] [-t seconds]", 0 },
	{ "reset",  RESET,  IMSG_CTL_RESET, "-:ht:", reset_opts,  NULL,   5,
	    "reset --confirm RESET [-t seconds]", 0 },
	{ "version", VERSIONS, IMSG_CTL_VERSION, "-:ht:", ping_opts, NULL, 2,
	    "version [-t|--timeout seconds]", 0 },
	{ "watch",  WATCH,  IMSG_CTL_WATCH, "-:h",   watch_opts,  NULL,   3,
	    "watch [selectors] [--dead] [--initial]", 1 },
	{ "wait",   WAIT,   IMSG_CTL_WATCH, "-:ht:", wait_opts,   NULL,   3,
	    "wait selectors [--any] [--allow-empty] [-t seconds]", 1 },
	{ "daemon", DAEMON, IMSG_NONE,      "-:hf",  daemon_opts, NULL,   0,
	    "daemon [-f|--force]", 0 },
	{ "top",    TOP,    IMSG_CTL_WATCH, "-:hbd:n:t:", top_opts, NULL, 3,
	    "top [-b] [-d seconds] [-n iterations] [-t seconds]", 0 },
	{ "update", UPDATE, IMSG_CTL_UPDATE, "-:ht:", update_opts, NULL,  3,
	    "update selectors-but-name [--dead] | --all [--add-tag tag]...\n"
	    "      [--remove-tag tag]... [--add-group group]... [--remove-group group]...\n"
	    "      [--name new | --no-name] [-t seconds]", 1 },
	{ "metrics", METRICS, IMSG_CTL_LIST, "-:ht:", metrics_opts, NULL, 3,
	    "metrics [selectors] [-t seconds]", 1 },
};

/* The keys of list --sort, in the order its error lists them. */
static const struct {
	const char	*name;
	enum gp_sort	 sort;
} sort_keys[] = {
	{ "cpu",	GP_SORT_CPU },
	{ "rss",	GP_SORT_RSS },
	{ "uptime",	GP_SORT_UPTIME },
	{ "id",		GP_SORT_ID },
	{ "name",	GP_SORT_NAME },
	{ "pid",	GP_SORT_PID },
};

static const struct {
	const char	*name;
	int		 signo;
} signals[] = {
	{ "HUP",	SIGHUP },
	{ "INT",	SIGINT },
	{ "QUIT",	SIGQUIT },
	{ "ILL",	SIGILL },
	{ "TRAP",	SIGTRAP },
	{ "ABRT",	SIGABRT },
	{ "IOT",	SIGIOT },
	{ "BUS",	SIGBUS },
	{ "FPE",	SIGFPE },
	{ "KILL",	SIGKILL },
	{ "USR1",	SIGUSR1 },
	{ "SEGV",	SIGSEGV },
	{ "USR2",	SIGUSR2 },
	{ "PIPE",	SIGPIPE },
	{ "ALRM",	SIGALRM },
	{ "TERM",	SIGTERM },
	{ "STKFLT",	SIGSTKFLT },
	{ "CHLD",	SIGCHLD },
	{ "CLD",	SIGCHLD },
	{ "CONT",	SIGCONT },
	{ "STOP",	SIGSTOP },
	{ "TSTP",	SIGTSTP },
	{ "TTIN",	SIGTTIN },
	{ "TTOU",	SIGTTOU },
	{ "URG",	SIGURG },
	{ "XCPU",	SIGXCPU },
	{ "XFSZ",	SIGXFSZ },
	{ "VTALRM",	SIGVTALRM },
	{ "PROF",	SIGPROF },
	{ "WINCH",	SIGWINCH },
	{ "IO",		SIGIO },
	{ "POLL",	SIGPOLL },
	{ "PWR",	SIGPWR },
	{ "SYS",	SIGSYS },
};

static int	 fail(struct parse_result *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
static int	 bad_pid(struct parse_result *, const char *, const char *);
static const char *optname(const struct option *, int, char *, size_t);
static int	 bad_option(struct parse_result *, const struct option *,
		    int, char *[], int);
static int	 add_label(struct parse_result *, struct gp_strlist *,
		    const char *, const char *);
static int	 add_name(struct parse_result *, const char *);
static int	 add_pid(struct parse_result *, const char *);
static int	 add_id(struct parse_result *, const char *);
static int	 option(struct parse_result *, int, char *);
static int	 list_option(struct parse_result *, int, const char *);
static int	 watch_option(struct parse_result *, int, const char *);
static int	 top_option(struct parse_result *, int, const char *);
static int	 match_option(struct parse_result *, int, const char *);
static int	 match_finish(struct parse_result *);
static int	 match_compile(const char *, int, char *, size_t);
static int	 operand(struct parse_result *, const struct command *,
		    const char *, int);
static int	 finish(struct parse_result *, const struct command *,
		    const char *);
static int	 update_finish(struct parse_result *);
static long long number(const char *, long long, long long, const char **);
/* clang-format on */

/*
 * strtonum(3), without the leading blanks and plus sign that strtoll(3)
 * lets through.
 */
static long long
number(const char *s, long long min, long long max, const char **errstr)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9') {
		*errstr = "invalid";
		return (0);
	}
	return (strtonum(s, min, max, errstr));
}

static int
fail(struct parse_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
	return (-1);
}

/* The pid operand of add, refused: goproc's rule, a positive integer. */
static int
bad_pid(struct parse_result *res, const char *arg, const char *errstr)
{
	if (errstr != NULL && strcmp(errstr, "too large") == 0)
		return (fail(
		    res, "add: PID must be at most %d: %s", GP_PID_MAX, arg));
	return (fail(res, "add: PID must be a positive integer: %s", arg));
}

/* The name of the option with the given val, as the user writes it. */
static const char *
optname(const struct option *longopts, int val, char *buf, size_t len)
{
	const struct option *o;

	for (o = longopts; o->name != NULL; o++)
		if (o->val == val) {
			(void)snprintf(buf, len, "--%s", o->name);
			return (buf);
		}
	(void)snprintf(buf, len, "-%c", val);
	return (buf);
}

/* Explain a '?' or ':' from getopt_long. */
static int
bad_option(struct parse_result *res, const struct option *longopts, int ch,
    char *argv[], int ind)
{
	char name[64];
	const char *arg;

	arg = ind > 0 ? argv[ind - 1] : "";
	if (ch == ':') {
		if (optopt == 0)
			return (
			    fail(res, "option %s requires an argument", arg));
		return (fail(res, "option %s requires an argument",
		    optname(longopts, optopt, name, sizeof(name))));
	}
	if (optopt >= 256 || (optopt != 0 && strncmp(arg, "--", 2) == 0))
		return (fail(res, "option %s does not take an argument",
		    optname(longopts, optopt, name, sizeof(name))));
	/* "add -5": a negative number, not an option. */
	if (res->action == ADD && optopt >= '0' && optopt <= '9' &&
	    arg[0] == '-')
		return (bad_pid(res, arg, NULL));
	if (optopt != 0)
		return (fail(res, "unknown option -%c", optopt));
	return (fail(res, "unknown option %s", arg));
}

static int
add_label(struct parse_result *res, struct gp_strlist *l, const char *opt,
    const char *value)
{
	char clean[GP_LABEL_MAX + 1];
	const char *errstr;

	if (gp_label_clean(value, clean, sizeof(clean), &errstr) == -1)
		return (fail(res, "invalid %s \"%s\": %s", opt, value, errstr));
	if (l->n >= GP_SEL_MAX && !gp_strlist_has(l, clean))
		return (fail(
		    res, "too many %s values (at most %d)", opt, GP_SEL_MAX));
	if (gp_strlist_add(l, clean, strlen(clean), &errstr) == -1)
		return (fail(res, "invalid %s \"%s\": %s", opt, value, errstr));
	return (0);
}

static int
add_name(struct parse_result *res, const char *value)
{
	const char *errstr;

	if (gp_valid_name(value, &errstr) == -1)
		return (fail(res, "invalid --name \"%s\": %s", value, errstr));
	if (res->action == ADD || res->action == RUN || res->action == UPDATE) {
		if (res->action == UPDATE && res->req.name[0] != '\0' &&
		    strcmp(res->req.name, value) != 0)
			return (fail(res,
			    "update: one --name only: a name goes to one process"));
		(void)strlcpy(res->req.name, value, sizeof(res->req.name));
		return (0);
	}
	return (add_label(res, &res->req.names, "--name", value));
}

static int
add_pid(struct parse_result *res, const char *value)
{
	const char *errstr;
	long long pid;
	uint32_t i;

	pid = number(value, 1, GP_PID_MAX, &errstr);
	if (errstr != NULL)
		return (fail(res, "invalid --pid \"%s\": %s (1 to %d)", value,
		    errstr, GP_PID_MAX));
	for (i = 0; i < res->req.npids; i++)
		if (res->req.pids[i] == (int32_t)pid)
			return (0);
	if (res->req.npids >= GP_SEL_MAX)
		return (fail(
		    res, "too many --pid values (at most %d)", GP_SEL_MAX));
	res->req.pids[res->req.npids++] = (int32_t)pid;
	return (0);
}

static int
add_id(struct parse_result *res, const char *value)
{
	const char *errstr;
	long long id;
	uint32_t i;

	id = number(value, 1, LLONG_MAX, &errstr);
	if (errstr != NULL)
		return (fail(res, "invalid --id \"%s\": %s", value, errstr));
	for (i = 0; i < res->req.nids; i++)
		if (res->req.ids[i] == (uint64_t)id)
			return (0);
	if (res->req.nids >= GP_SEL_MAX)
		return (
		    fail(res, "too many --id values (at most %d)", GP_SEL_MAX));
	res->req.ids[res->req.nids++] = (uint64_t)id;
	return (0);
}

/*
 * One value of a selector or label option: what option() does with it.
 */
static int
item(struct parse_result *res, int ch, const char *value)
{
	struct gp_request *req = &res->req;

	switch (ch) {
	case OPT_TAG:
		return (add_label(res, &req->tags, "--tag", value));
	case OPT_TAG_ALL:
		return (add_label(res, &req->tags_all, "--tag-all", value));
	case OPT_GROUP:
		return (add_label(res, &req->groups, "--group", value));
	case OPT_GROUP_ALL:
		return (add_label(res, &req->groups_all, "--group-all", value));
	case OPT_NAME:
		return (add_name(res, value));
	case OPT_PID:
		return (add_pid(res, value));
	case OPT_ADD_TAG:
		return (add_label(res, &req->add_tags, "--add-tag", value));
	case OPT_REMOVE_TAG:
		return (add_label(res, &req->rm_tags, "--remove-tag", value));
	case OPT_ADD_GROUP:
		return (add_label(res, &req->add_groups, "--add-group", value));
	case OPT_REMOVE_GROUP:
		return (
		    add_label(res, &req->rm_groups, "--remove-group", value));
	default:
		return (add_id(res, value));
	}
}

/*
 * goproc's --tag, --group, --pid, --id (and --name of a selector) take
 * comma-separated lists, "--tag a,b" as "--tag a --tag b".  A comma is
 * never part of a label, a name or a number, so each item is one value.
 */
static int
items(struct parse_result *res, int ch, const char *arg)
{
	char *copy, *p, *v;
	int r = 0;

	if (strchr(arg, ',') == NULL ||
	    (ch == OPT_NAME &&
	        (res->action == ADD || res->action == RUN ||
	            res->action == UPDATE)))
		return (item(res, ch, arg));
	if ((copy = strdup(arg)) == NULL)
		return (fail(res, "out of memory"));
	for (p = copy; r == 0 && (v = strsep(&p, ",")) != NULL;)
		r = item(res, ch, v);
	free(copy);
	return (r);
}

/* The options of list alone: the long format and the order. */
static int
list_option(struct parse_result *res, int ch, const char *arg)
{
	struct gp_request *req = &res->req;
	const char *errstr;
	long long n;
	size_t i;

	switch (ch) {
	case 'l':
		res->longfmt = 1;
		break;
	case OPT_SORT:
		for (i = 0; i < sizeof(sort_keys) / sizeof(sort_keys[0]); i++)
			if (strcmp(arg, sort_keys[i].name) == 0)
				break;
		if (i == sizeof(sort_keys) / sizeof(sort_keys[0]))
			return (fail(res,
			    "invalid --sort \"%s\": unknown key (cpu, rss, uptime, id, name, pid)",
			    arg));
		req->sort = sort_keys[i].sort;
		break;
	case OPT_REVERSE:
		req->flags |= GP_REQ_REVERSE;
		break;
	default:
		n = number(arg, 1, GP_LIMIT_MAX, &errstr);
		if (errstr != NULL)
			return (
			    fail(res, "invalid --limit \"%s\": %s (1 to %d)",
			        arg, errstr, GP_LIMIT_MAX));
		req->limit = (uint32_t)n;
		break;
	}
	return (0);
}

/* The options of watch and wait alone; wait's -t is its deadline. */
static int
watch_option(struct parse_result *res, int ch, const char *arg)
{
	const char *errstr;
	long long n;

	switch (ch) {
	case OPT_INITIAL:
		res->initial = 1;
		break;
	case OPT_ANY:
		res->any = 1;
		break;
	case OPT_ALLOW_EMPTY:
		res->allow_empty = 1;
		break;
	case OPT_ALL:
		return (fail(res,
		    "wait: --all is not an option of wait: name what to wait for with selectors"));
	default:
		n = number(arg, 1, DEADLINE_MAX, &errstr);
		if (errstr != NULL)
			return (fail(res,
			    "invalid --timeout \"%s\": %s (1 to %d seconds)",
			    arg, errstr, DEADLINE_MAX));
		res->deadline = (int)n;
		break;
	}
	return (0);
}

/*
 * The options of top: -b, -n iterations, -d seconds (with up to three
 * decimals: 0.5).
 */
static int
top_option(struct parse_result *res, int ch, const char *arg)
{
	const char *errstr, *dot, *frac;
	char whole[16];
	long long n, ms = 0;
	size_t len, i;

	switch (ch) {
	case 'b':
		res->top.batch = 1;
		return (0);
	case 'n':
		n = number(arg, 1, INT_MAX, &errstr);
		if (errstr != NULL)
			return (
			    fail(res, "invalid -n \"%s\": %s", arg, errstr));
		res->top.iterations = (int)n;
		return (0);
	}
	if ((dot = strchr(arg, '.')) == NULL)
		dot = arg + strlen(arg);
	len = (size_t)(dot - arg);
	if (len == 0 || len >= sizeof(whole) ||
	    strlen(dot + (*dot != '\0')) > 3)
		return (fail(res, "invalid -d \"%s\" (0.1 to %d seconds)", arg,
		    TIMEOUT_MAX));
	memcpy(whole, arg, len);
	whole[len] = '\0';
	n = number(whole, 0, TIMEOUT_MAX, &errstr);
	frac = *dot == '.' ? dot + 1 : dot;
	for (i = 0; i < 3; i++) {
		ms *= 10;
		if (*frac >= '0' && *frac <= '9')
			ms += *frac++ - '0';
		else if (*frac != '\0')
			errstr = "invalid";
	}
	if (errstr != NULL || n * 1000 + ms < 100 ||
	    n * 1000 + ms > TIMEOUT_MAX * 1000)
		return (fail(res, "invalid -d \"%s\" (0.1 to %d seconds)", arg,
		    TIMEOUT_MAX));
	res->top.delay_ms = (int)(n * 1000 + ms);
	return (0);
}

/*
 * One option of a command.  The command's table decides which options
 * reach this point.
 */
static int
option(struct parse_result *res, int ch, char *arg)
{
	struct gp_request *req = &res->req;
	const char *errstr;
	long long n;
	int signo;

	if (res->action == ADD &&
	    (ch == 'f' || ch == 'x' || ch == 'u' || ch == 'P' || ch == 'n' ||
	        ch == 'o' || ch == OPT_MATCH || ch == OPT_DRY_RUN))
		return (match_option(res, ch, arg));
	switch (ch) {
	case OPT_CONFIG:
		res->config = arg;
		break;
	case OPT_SOCKET:
		res->socket = arg;
		break;
	case OPT_JSON:
		res->json = 1;
		break;
	case 'f':
		res->force = 1;
		break;
	case 't':
		if (res->action == WAIT)
			return (watch_option(res, ch, arg));
		n = number(arg, 1, TIMEOUT_MAX, &errstr);
		if (errstr != NULL)
			return (fail(res,
			    "invalid --timeout \"%s\": %s (1 to %d seconds)",
			    arg, errstr, TIMEOUT_MAX));
		res->timeout = (int)n;
		break;
	case OPT_TAG:
	case OPT_TAG_ALL:
	case OPT_GROUP:
	case OPT_GROUP_ALL:
	case OPT_NAME:
	case OPT_PID:
	case OPT_ID:
	case OPT_ADD_TAG:
	case OPT_REMOVE_TAG:
	case OPT_ADD_GROUP:
	case OPT_REMOVE_GROUP:
		return (items(res, ch, arg));
	case OPT_ALIVE:
		req->flags |= GP_REQ_ALIVE;
		break;
	case OPT_DEAD:
		req->flags |= GP_REQ_DEAD;
		break;
	case OPT_NO_NAME:
		req->flags |= GP_REQ_NONAME;
		break;
	case OPT_TREE:
		req->flags |= GP_REQ_TREE;
		break;
	case OPT_CHILDREN:
		req->flags |= GP_REQ_CHILDREN;
		break;
	case 'l':
	case OPT_SORT:
	case OPT_REVERSE:
	case OPT_LIMIT:
		return (list_option(res, ch, arg));
	case 'b':
	case 'd':
	case 'n':
		return (top_option(res, ch, arg));
	case OPT_SEARCH:
		if (strlen(arg) > GP_SEARCH_MAX)
			return (fail(res,
			    "--search text too long (at most %d bytes)",
			    GP_SEARCH_MAX));
		(void)strlcpy(req->search, arg, sizeof(req->search));
		break;
	case OPT_ALL:
		if (res->action == WAIT)
			return (watch_option(res, ch, arg));
		req->flags |= GP_REQ_ALL;
		break;
	case OPT_INITIAL:
	case OPT_ANY:
	case OPT_ALLOW_EMPTY:
		return (watch_option(res, ch, arg));
	case OPT_SIGNAL:
		if ((signo = parse_signal(arg)) == -1)
			return (fail(res, "unknown signal \"%s\"", arg));
		req->signo = signo;
		break;
	case OPT_WAIT:
		n = number(arg, 0, WAIT_MAX, &errstr);
		if (errstr != NULL)
			return (fail(res,
			    "invalid --wait \"%s\": %s (0 to %d seconds)", arg,
			    errstr, WAIT_MAX));
		res->wait = (int)n;
		req->wait_ms = (uint32_t)n * 1000;
		break;
	case OPT_RENAME:
		if (gp_label_clean(arg, req->newlabel, sizeof(req->newlabel),
		        &errstr) == -1)
			return (fail(
			    res, "invalid --rename \"%s\": %s", arg, errstr));
		req->flags |= GP_REQ_RENAME;
		break;
	case OPT_CONFIRM:
		if (strlcpy(req->label, arg, sizeof(req->label)) >=
		    sizeof(req->label))
			req->label[0] = '\0';
		break;
	default:
		return (fail(res, "unexpected option"));
	}
	return (0);
}

/* The command's operand: the pid of add, the label of tag and group. */
static int
operand(
    struct parse_result *res, const struct command *cmd, const char *arg, int n)
{
	const char *errstr;
	long long pid;

	if (cmd->operand == NULL || n > 0)
		return (fail(
		    res, "%s: unexpected argument \"%s\"", cmd->name, arg));
	switch (cmd->action) {
	case ADD:
		pid = number(arg, 1, GP_PID_MAX, &errstr);
		if (errstr != NULL)
			return (bad_pid(res, arg, errstr));
		res->req.pid = (int32_t)pid;
		break;
	case TAG:
	case GROUP:
		if (gp_label_clean(arg, res->req.label, sizeof(res->req.label),
		        &errstr) == -1)
			return (fail(res, "invalid %s \"%s\": %s", cmd->operand,
			    arg, errstr));
		break;
	default:
		return (fail(
		    res, "%s: unexpected argument \"%s\"", cmd->name, arg));
	}
	return (0);
}

/*
 * The options of add --match, as pgrep(1) has them: -f the command line,
 * -x exact, -u the effective user (a name is looked up by goprocctl.c),
 * -P parent pids, -n newest, -o oldest; and --all, --dry-run.
 */
static int
match_option(struct parse_result *res, int ch, const char *arg)
{
	struct gp_request *req = &res->req;
	const char *errstr;
	long long n;
	char *copy, *p, *v;
	int r = 0;

	switch (ch) {
	case OPT_MATCH:
		if (arg[0] == '\0')
			return (fail(res, "add: --match needs a pattern"));
		if (strlen(arg) > GP_PATTERN_MAX)
			return (fail(res,
			    "add: --match pattern too long (at most %d bytes)",
			    GP_PATTERN_MAX));
		(void)strlcpy(req->search, arg, sizeof(req->search));
		break;
	case 'f':
		req->flags |= GP_REQ_FULL;
		break;
	case 'x':
		req->flags |= GP_REQ_EXACT;
		break;
	case 'n':
		req->flags |= GP_REQ_NEWEST;
		break;
	case 'o':
		req->flags |= GP_REQ_OLDEST;
		break;
	case OPT_DRY_RUN:
		req->flags |= GP_REQ_DRYRUN;
		break;
	case 'u':
		req->flags |= GP_REQ_UID;
		res->user = NULL;
		if (arg[0] >= '0' && arg[0] <= '9') {
			n = number(arg, 0, UINT32_MAX - 1, &errstr);
			if (errstr != NULL)
				return (fail(
				    res, "invalid -u \"%s\": %s", arg, errstr));
			req->uid = (uint32_t)n;
		} else if (arg[0] == '\0')
			return (fail(res, "add: -u needs a user"));
		else
			res->user = arg;
		break;
	default: /* 'P': a comma-separated list, as pgrep's */
		if ((copy = strdup(arg)) == NULL)
			return (fail(res, "out of memory"));
		for (p = copy; r == 0 && (v = strsep(&p, ",")) != NULL;)
			if ((r = add_pid(res, v)) == -1 &&
			    strncmp(res->error, "too many", 8) == 0)
				(void)fail(res,
				    "too many -P values (at most %d)",
				    GP_SEL_MAX);
			else if (r == -1)
				(void)fail(res, "invalid -P \"%s\" (1 to %d)",
				    v, GP_PID_MAX);
		free(copy);
		return (r);
	}
	return (0);
}

/*
 * Compile the pattern as goprocd will, to refuse a bad one at once;
 * 0, or a regerror(3) code with its text in buf.
 */
static int
match_compile(const char *pat, int exact, char *buf, size_t len)
{
	char anchored[GP_PATTERN_MAX + 8];
	regex_t re;
	int rc;

	if (exact)
		(void)snprintf(anchored, sizeof(anchored), "^(%s)$", pat);
	else
		(void)strlcpy(anchored, pat, sizeof(anchored));
	if ((rc = regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB)) != 0) {
		(void)regerror(rc, &re, buf, len);
		return (rc);
	}
	regfree(&re);
	return (0);
}

/* add: a pid, or --match and its options. */
static int
match_finish(struct parse_result *res)
{
	struct gp_request *req = &res->req;
	const char *errstr;
	char why[128];

	if (req->search[0] == '\0') {
		if ((req->flags &
		        (GP_REQ_FULL | GP_REQ_EXACT | GP_REQ_NEWEST |
		            GP_REQ_OLDEST | GP_REQ_UID | GP_REQ_DRYRUN |
		            GP_REQ_ALL)) != 0 ||
		    req->npids != 0)
			return (fail(res,
			    "add: -f, -x, -u, -P, -n, -o, --all and --dry-run go with --match"));
		if (req->pid == 0)
			return (fail(res, "add: missing pid"));
		return (0);
	}
	if (req->pid != 0)
		return (fail(res, "add: a pid and --match exclude each other"));
	if ((req->flags & GP_REQ_NEWEST) && (req->flags & GP_REQ_OLDEST))
		return (fail(res, "add: -n and -o exclude each other"));
	if (gp_pattern_check(req->search, &errstr) == -1)
		return (fail(res, "add: invalid pattern \"%s\": %s",
		    req->search, errstr));
	if (match_compile(req->search, (req->flags & GP_REQ_EXACT) != 0, why,
	        sizeof(why)) != 0)
		return (fail(
		    res, "add: invalid pattern \"%s\": %s", req->search, why));
	res->action = MATCH;
	req->type = IMSG_CTL_MATCH;
	return (0);
}

/* Label lists that update both adds to and removes from. */
static const char *
both_ways(const struct gp_strlist *add, const struct gp_strlist *rm)
{
	uint32_t i;

	for (i = 0; i < add->n; i++)
		if (gp_strlist_has(rm, add->v[i]))
			return (add->v[i]);
	return (NULL);
}

/* update: something to change, selectors or --all, no contradiction. */
static int
update_finish(struct parse_result *res)
{
	struct gp_request *req = &res->req;
	const char *l;

	if ((req->flags & GP_REQ_NONAME) && req->name[0] != '\0')
		return (fail(
		    res, "update: --name and --no-name exclude each other"));
	if ((l = both_ways(&req->add_tags, &req->rm_tags)) != NULL)
		return (
		    fail(res, "update: tag \"%s\" both added and removed", l));
	if ((l = both_ways(&req->add_groups, &req->rm_groups)) != NULL)
		return (fail(
		    res, "update: group \"%s\" both added and removed", l));
	if (req->add_tags.n + req->rm_tags.n > GP_LABELS_MAX ||
	    req->add_groups.n + req->rm_groups.n > GP_LABELS_MAX)
		return (fail(res,
		    "update: too many changes (at most %d tags and %d groups added and removed)",
		    GP_LABELS_MAX, GP_LABELS_MAX));
	if (req->add_tags.n == 0 && req->rm_tags.n == 0 &&
	    req->add_groups.n == 0 && req->rm_groups.n == 0 &&
	    req->name[0] == '\0' && !(req->flags & GP_REQ_NONAME))
		return (fail(res,
		    "update: nothing to change (--add-tag, --remove-tag, --add-group, --remove-group, --name or --no-name)"));
	if (!gp_has_selectors(req) && !(req->flags & GP_REQ_ALL)) {
		res->status = GP_EXIT_FAIL;
		return (fail(res,
		    "provide at least one selector (--id/--pid/--tag/--group/--search/--alive/--dead) or pass --all"));
	}
	return (0);
}

/* Checks once the whole command line is in. */
static int
finish(struct parse_result *res, const struct command *cmd, const char *confirm)
{
	struct gp_request *req = &res->req;

	if ((req->flags & GP_REQ_ALIVE) && (req->flags & GP_REQ_DEAD))
		return (fail(res, "%s: --alive and --dead exclude each other",
		    cmd->name));
	switch (cmd->action) {
	case ADD:
		return (match_finish(res));
	case TAG:
	case GROUP:
		if (req->label[0] == '\0')
			return (fail(res, "%s: missing %s name", cmd->name,
			    cmd->operand));
		break;
	case RM:
		/* goproc's words; the status of an error, not of a usage. */
		if (!gp_has_selectors(req)) {
			res->status = GP_EXIT_FAIL;
			return (fail(res,
			    "provide at least one selector (--id/--pid/--tag/--group/--name/--search)"));
		}
		break;
	case KILL:
		if (!gp_has_selectors(req) && !(req->flags & GP_REQ_ALL)) {
			res->status = GP_EXIT_FAIL;
			return (fail(res,
			    "provide at least one selector (--id/--pid/--tag/--group/--name) or pass --all"));
		}
		if (req->signo == 0)
			req->signo = SIGTERM;
		break;
	case WATCH:
		if (res->initial)
			req->flags |= GP_REQ_INITIAL;
		break;
	case UPDATE:
		return (update_finish(res));
	case WAIT:
		/* A usage error: wait has no --all to wait for everything. */
		if (!gp_has_selectors(req))
			return (fail(res,
			    "wait: provide at least one selector (--id/--pid/--tag/--group/--name/--search)"));
		req->flags |= GP_REQ_INITIAL | GP_REQ_FOLLOW;
		break;
	case METRICS:
		if (res->json)
			return (fail(res,
			    "metrics: --json does not apply, the output is Prometheus's text format"));
		break;
	case RESET:
		if (confirm == NULL || strcmp(confirm, "RESET") != 0) {
			res->status = GP_EXIT_FAIL;
			return (fail(res,
			    "destructive command: confirmation required (--confirm RESET)"));
		}
		break;
	default:
		break;
	}
	return (0);
}

/*
 * Parse the whole command line, argv[0] included, into res.  Returns 0,
 * or -1 with the reason in res->error.
 */
int
parse(int argc, char *argv[], struct parse_result *res)
{
	const struct command *cmd = NULL;
	const char *confirm = NULL;
	char **cargv;
	size_t i;
	int ch, cargc, nops = 0, argind = -1;

	memset(res, 0, sizeof(*res));
	res->child = -1;

	optind = 0;
	opterr = 0;
	while (
	    (ch = getopt_long(argc, argv, "+:hV", global_opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			res->action = HELP;
			return (0);
		case 'V':
			res->action = VERSION;
			return (0);
		case OPT_CONFIG:
		case OPT_SOCKET:
		case OPT_JSON:
			(void)option(res, ch, optarg);
			break;
		default:
			return (bad_option(res, global_opts, ch, argv, optind));
		}
	}
	if (optind >= argc)
		return (fail(res, "missing command"));
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL)
		return (fail(res, "unknown command \"%s\"", argv[optind]));

	res->command = cmd->name;
	res->action = cmd->action;
	res->req.type = cmd->type;
	res->timeout = cmd->timeout;

	cargc = argc - optind;
	cargv = argv + optind;
	optind = 0;
	while ((ch = getopt_long(
	            cargc, cargv, cmd->optstring, cmd->longopts, NULL)) != -1) {
		switch (ch) {
		case 1:
			if (operand(res, cmd, optarg, nops++) == -1)
				return (-1);
			break;
		case 'h':
			res->action = HELP;
			return (0);
		case ':':
		case '?':
			return (
			    bad_option(res, cmd->longopts, ch, cargv, optind));
		case OPT_CONFIRM:
			confirm = optarg;
			/* FALLTHROUGH */
		default:
			/* Where the last option's value was its own word. */
			if (optarg != NULL && optind > 0 &&
			    optarg == cargv[optind - 1])
				argind = optind - 1;
			if (option(res, ch, optarg) == -1)
				return (-1);
			break;
		}
	}

	if (cmd->action == RUN) {
		/*
		 * Options end at "--", or, as goproc allowed, at the first
		 * word that is not one; the command follows.
		 */
		if (optind >= 2 && strcmp(cargv[optind - 1], "--") == 0 &&
		    optind - 1 != argind) {
			if (optind >= cargc)
				return (
				    fail(res, "run: missing command after --"));
		} else if (optind >= cargc)
			return (
			    fail(res, "run: missing -- before the command"));
		res->cmdargc = cargc - optind;
		res->cmdargv = cargv + optind;
	} else {
		for (; optind < cargc; optind++)
			if (operand(res, cmd, cargv[optind], nops++) == -1)
				return (-1);
	}
	return (finish(res, cmd, confirm));
}

/*
 * The name and --help synopsis of the i-th command, and whether it takes
 * the selector options.  Returns -1 past the last command.
 */
int
command_usage(
    size_t i, const char **name, const char **synopsis, int *selectors)
{
	if (i >= sizeof(commands) / sizeof(commands[0]))
		return (-1);
	*name = commands[i].name;
	*synopsis = commands[i].synopsis;
	*selectors = commands[i].selectors;
	return (0);
}

/*
 * A signal by name (TERM, SIGTERM, term, RTMIN+2) or number (1 to 64).
 * Returns -1 for anything else.
 */
int
parse_signal(const char *s)
{
	const char *errstr;
	long long n;
	size_t i;
	int base, off = 0;

	if (*s >= '0' && *s <= '9') {
		n = number(s, 1, SIGNO_MAX, &errstr);
		return (errstr != NULL ? -1 : (int)n);
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcasecmp(s, signals[i].name) == 0)
			return (signals[i].signo);
	if (strncasecmp(s, "RTMIN", 5) == 0) {
		base = SIGRTMIN;
		s += 5;
	} else if (strncasecmp(s, "RTMAX", 5) == 0) {
		base = SIGRTMAX;
		s += 5;
	} else
		return (-1);
	if (*s == '+' || *s == '-') {
		if (s[1] < '0' || s[1] > '9')
			return (-1);
		off = (int)number(s + 1, 0, SIGNO_MAX, &errstr);
		if (errstr != NULL)
			return (-1);
		if (*s == '-')
			off = -off;
	} else if (*s != '\0')
		return (-1);
	if (base + off < SIGRTMIN || base + off > SIGRTMAX)
		return (-1);
	return (base + off);
}

/* "SIGTERM", "SIGRTMIN+2" or "SIG33". */
const char *
signal_name(int signo)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].signo == signo) {
			(void)snprintf(
			    buf, sizeof(buf), "SIG%s", signals[i].name);
			return (buf);
		}
	if (signo == SIGRTMIN)
		(void)snprintf(buf, sizeof(buf), "SIGRTMIN");
	else if (signo > SIGRTMIN && signo <= SIGRTMAX)
		(void)snprintf(
		    buf, sizeof(buf), "SIGRTMIN+%d", signo - SIGRTMIN);
	else
		(void)snprintf(buf, sizeof(buf), "SIG%d", signo);
	return (buf);
}

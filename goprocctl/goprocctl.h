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

#ifndef GOPROCCTL_H
#define GOPROCCTL_H

#include <sys/types.h>

#include "goproc.h"

/* clang-format off */
enum actions {
	NONE,
	HELP,
	VERSION,	/* --version: goprocctl's alone */
	VERSIONS,	/* version: goprocctl's and goprocd's */
	PING,
	ADD,
	RUN,
	LIST,
	RM,
	KILL,
	TAG,
	GROUP,
	RESET,
	DAEMON,
	TOP,
};

/* top's options. */
struct top_opts {
	int			 batch;		/* -b */
	int			 iterations;	/* -n, 0: no end */
	int			 delay_ms;	/* -d */
};

/* The command line, parsed. */
struct parse_result {
	enum actions		 action;
	const char		*command;	/* the command word */
	const char		*config;	/* --config */
	const char		*socket;	/* --socket */
	int			 json;		/* --json */
	int			 longfmt;	/* list -l|--long */
	int			 force;		/* daemon --force */
	int			 timeout;	/* --timeout, seconds */
	int			 wait;		/* kill --wait, seconds */
	int			 cmdargc;	/* run: the command after -- */
	char			**cmdargv;
	pid_t			 child;		/* run: the started process */
	struct gp_request	 req;		/* what goes to goprocd */
	struct top_opts		 top;		/* top -b, -n, -d */
	char			 error[256];	/* why parse() failed */
	int			 status;	/* its exit status, 0: usage */
};

/* Hooks that print the replies, human or JSON. */
struct output {
	void	(*head)(struct parse_result *);
	void	(*entry)(struct parse_result *, const struct gp_entry *);
	void	(*result)(struct parse_result *, const struct gp_result *);
	void	(*info)(struct parse_result *, const struct gp_end *);
	void	(*end)(struct parse_result *, const struct gp_end *);
	void	(*error)(struct parse_result *, const char *);
	void	(*tail)(struct parse_result *);
};

/* parser.c */
int		 parse(int, char *[], struct parse_result *);
int		 command_usage(size_t, const char **, const char **, int *);
int		 parse_signal(const char *);
const char	*signal_name(int);

/* output.c */
extern const struct output	show_output;
const char	*fmt_cpu(uint64_t, char *, size_t);
const char	*fmt_rss(uint64_t, char *, size_t);
const char	*fmt_up(int64_t, char *, size_t);

/* output_json.c */
extern const struct output	json_output;
/* top.c */
int		 top(struct parse_result *, const char *);
/* clang-format on */

#endif /* GOPROCCTL_H */

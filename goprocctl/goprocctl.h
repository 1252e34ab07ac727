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

#include "compat.h"
#include "goproc.h"

struct imsgbuf;

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
	WATCH,
	WAIT,
	TOP,
	UPDATE,
	METRICS,
	MATCH,		/* add --match */
};

/* top's options. */
struct top_opts {
	int			 batch;		/* -b */
	int			 iterations;	/* -n, 0: no end */
	int			 delay_ms;	/* -d */
};

/* watch --initial: an entry present at the start, as an event. */
#define EV_PRESENT	GP_EV_MAX

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
	int			 initial;	/* watch --initial */
	int			 any;		/* wait --any */
	int			 allow_empty;	/* wait --allow-empty */
	int			 deadline;	/* wait -t, seconds, 0: none */
	int			 cmdargc;	/* run: the command after -- */
	char			**cmdargv;
	pid_t			 child;		/* run: the started process */
	const char		*user;		/* add -u, a name to look up */
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
	/* watch: one event; wait: an entry ended, or is still alive. */
	void	(*event)(struct parse_result *, const struct gp_event *);
	void	(*ended)(struct parse_result *, const struct gp_entry *, int,
		    int64_t);
	void	(*alive)(struct parse_result *, const struct gp_entry *);
};

/* parser.c */
int		 parse(int, char *[], struct parse_result *);
int		 command_usage(size_t, const char **, const char **, int *);
int		 parse_signal(const char *);
const char	*signal_name(int);

/* goprocctl.c */
__dead void	 die(int, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
int64_t		 now_ms(void);
int		 connect_daemon(const char *, int64_t);
void		 send_request(struct imsgbuf *, const struct gp_request *);

/* watch.c */
int		 watch(const char *, struct parse_result *,
		    const struct output *);

/* output.c */
extern const struct output	show_output;

/* output_prom.c */
extern const struct output	prom_output;
const char	*time_ms(int64_t, char *, size_t);
const char	*fmt_cpu(uint64_t, char *, size_t);
const char	*fmt_rss(uint64_t, char *, size_t);
const char	*fmt_up(int64_t, char *, size_t);

/* output_json.c */
extern const struct output	json_output;
/* top.c */
int		 top(struct parse_result *, const char *);
/* clang-format on */

#endif /* GOPROCCTL_H */

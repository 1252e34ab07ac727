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
 * The configuration parser (common/config.c): config_parse on the bytes
 * as a whole file, and parse_duration on them as one string.  A refused
 * file leaves the configuration as it was; an accepted one holds values
 * in range.  A duration that parses is printed as goprocd -n prints it
 * (config_dump, in the format of Go's Duration.String) and must parse
 * back to the same number of nanoseconds.
 */

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "goproc.h"

/* clang-format off */
#define DUMP_MAX	(2 * PATH_MAX + 256)

static void	 dumped_duration(const char *, const char *, int64_t);
static void	 check_dump(const struct goproc_config *);
static void	 fuzz_duration(const uint8_t *, size_t);
/* clang-format on */

static struct goproc_config cfg, saved, dcfg;
static char dump[DUMP_MAX];

/* The value of key= in dump must parse to ns. */
static void
dumped_duration(const char *buf, const char *key, int64_t ns)
{
	char val[64];
	const char *p, *errstr = NULL;
	size_t len;
	int64_t back;

	FUZZ_CHECK((p = strstr(buf, key)) != NULL);
	p += strlen(key);
	len = strcspn(p, " ");
	FUZZ_CHECK(len > 0 && len < sizeof(val));
	memcpy(val, p, len);
	val[len] = '\0';
	if (parse_duration(val, &back, &errstr) == -1)
		fuzz_fail(__FILE__, __LINE__, val);
	FUZZ_CHECK(back == ns);
}

static void
check_dump(const struct goproc_config *c)
{
	FUZZ_CHECK(config_dump(c, dump, sizeof(dump)) == 0);
	dumped_duration(dump, "liveness_interval=", c->liveness_ns);
	dumped_duration(dump, " last_seen_interval=", c->last_seen_ns);
	if (c->metrics_ns != (int64_t)GOPROC_METRICS_DEFAULT_MS * 1000000)
		dumped_duration(dump, " metrics_interval=", c->metrics_ns);
}

static void
fuzz_duration(const uint8_t *data, size_t size)
{
	const char *errstr = NULL;
	char *s;
	int64_t ns;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (parse_duration(s, &ns, &errstr) == -1)
		FUZZ_CHECK(fuzz_errstr_ok(errstr));
	else {
		config_defaults(&dcfg);
		dcfg.liveness_ns = ns;
		dcfg.last_seen_ns = ns;
		dcfg.metrics_ns = ns;
		check_dump(&dcfg);
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024];
	size_t i;

	config_defaults(&cfg);
	saved = cfg;
	err[0] = '\0';
	if (config_parse(&cfg, "fuzz.conf", (const char *)data, size, err,
	        sizeof(err)) == -1) {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(memcmp(&cfg, &saved, sizeof(cfg)) == 0);
	} else {
		FUZZ_CHECK(cfg.liveness_ns >= CONFIG_DURATION_MIN &&
		    cfg.liveness_ns <= CONFIG_DURATION_MAX);
		FUZZ_CHECK(cfg.last_seen_ns >= CONFIG_DURATION_MIN &&
		    cfg.last_seen_ns <= CONFIG_DURATION_MAX);
		FUZZ_CHECK(
		    memchr(cfg.state_dir, '\0', sizeof(cfg.state_dir)) != NULL);
		FUZZ_CHECK(cfg.state_dir[0] == '\0' || cfg.state_dir[0] == '/');
		FUZZ_CHECK(strnlen(cfg.socket_group,
		               sizeof(cfg.socket_group)) <= CONFIG_GROUP_MAX);
		for (i = 0; cfg.socket_group[i] != '\0'; i++)
			FUZZ_CHECK(cfg.socket_group[i] != ' ' &&
			    cfg.socket_group[i] != '/');
		check_dump(&cfg);
	}
	fuzz_duration(data, size);
	return (0);
}

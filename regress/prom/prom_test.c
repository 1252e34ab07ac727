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
 * The Prometheus text format of common/prom.c: label escaping, the cap
 * on cmd, and the samples of an entry.
 */

#include <sys/types.h>

#include <atf-c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goproc.h"
#include "prom.h"

struct out {
	char buf[65536];
	size_t len;
};

static int
put(const char *s, size_t len, void *arg)
{
	struct out *o = arg;

	if (o->len + len >= sizeof(o->buf))
		return (-1);
	memcpy(o->buf + o->len, s, len);
	o->len += len;
	o->buf[o->len] = '\0';
	return (0);
}

static const char *
label(const char *s, size_t max)
{
	static char buf[1024];

	(void)gp_prom_label(buf, sizeof(buf), s, max);
	return (buf);
}

ATF_TC_WITHOUT_HEAD(escapes);
ATF_TC_BODY(escapes, tc)
{
	ATF_CHECK_STREQ(
	    "plain /usr/bin/x --y", label("plain /usr/bin/x --y", 256));
	ATF_CHECK_STREQ("a\\\"b\\\\c\\nd", label("a\"b\\c\nd", 256));
	ATF_CHECK_STREQ("\\\\x01\\\\x09\\\\x7f", label("\x01\t\x7f", 256));
	/* Not UTF-8: each byte as text; a C1 control too; é stays. */
	ATF_CHECK_STREQ("\\\\xff\\\\xc3(", label("\xff\xc3(", 256));
	ATF_CHECK_STREQ("\\\\u0085\xc3\xa9", label("\xc2\x85\xc3\xa9", 256));
}

ATF_TC_WITHOUT_HEAD(cut_between_characters);
ATF_TC_BODY(cut_between_characters, tc)
{
	ATF_CHECK_STREQ("abc...", label("abcdef", 3));
	ATF_CHECK_STREQ("abc", label("abc", 3));
	/* "é" is two bytes: it does not fit in 4 after "abc". */
	ATF_CHECK_STREQ("abc...", label("abc\xc3\xa9", 4));
	ATF_CHECK_STREQ("abc\xc3\xa9", label("abc\xc3\xa9", 5));
}

ATF_TC_WITHOUT_HEAD(small_buffer_stops_whole);
ATF_TC_BODY(small_buffer_stops_whole, tc)
{
	char buf[6];

	/* "a" then "\\x01" (5 bytes) would not fit with the NUL. */
	ATF_CHECK_EQ(1, gp_prom_label(buf, sizeof(buf), "a\x01", 256));
	ATF_CHECK_STREQ("a", buf);
}

ATF_TC_WITHOUT_HEAD(entry_samples);
ATF_TC_BODY(entry_samples, tc)
{
	static struct gp_entry e;
	static struct out o;
	struct gp_prom *pr;

	ATF_REQUIRE((pr = gp_prom_new()) != NULL);
	e.id = 7;
	e.pid = 4242;
	e.alive = 1;
	(void)strlcpy(e.name, "db", sizeof(e.name));
	(void)strlcpy(e.cmd, "/usr/bin/db --x", sizeof(e.cmd));
	e.tags.n = 2;
	(void)strlcpy(e.tags.v[0], "a", sizeof(e.tags.v[0]));
	(void)strlcpy(e.tags.v[1], "b", sizeof(e.tags.v[1]));
	e.met.valid = GP_MET_SAMPLE | GP_MET_STARTED;
	e.met.cpu_ns = 1500000000ULL;
	e.met.rss_bytes = 4096;
	e.met.threads = 3;
	e.met.started_at = 1733400000123456789LL;
	ATF_REQUIRE(gp_prom_add(pr, &e) == 0);
	e.id = 8;
	e.alive = 0;
	e.name[0] = '\0';
	e.tags.n = 0;
	ATF_REQUIRE(gp_prom_add(pr, &e) == 0);
	ATF_REQUIRE(gp_prom_write(pr, 1, put, &o) == 0);
	gp_prom_free(pr);

	ATF_CHECK(strstr(o.buf, "\ngoproc_up 1\n") != NULL);
	ATF_CHECK(strstr(o.buf,
	              "goproc_registry_entries{state=\"alive\"} 1\n"
	              "goproc_registry_entries{state=\"dead\"} 1\n") != NULL);
	ATF_CHECK(strstr(o.buf,
	              "goproc_process_alive{id=\"7\",name=\"db\"} 1\n"
	              "goproc_process_alive{id=\"8\",name=\"\"} 0\n") != NULL);
	ATF_CHECK(
	    strstr(o.buf,
	        "goproc_process_info{id=\"7\",name=\"db\",pid=\"4242\","
	        "tags=\",a,b,\",groups=\"\",cmd=\"/usr/bin/db --x\"} 1\n") !=
	    NULL);
	ATF_CHECK(strstr(o.buf,
	              "goproc_process_cpu_seconds_total{id=\"7\",name=\"db\"} "
	              "1.500000000\n") != NULL);
	ATF_CHECK(
	    strstr(o.buf,
	        "goproc_process_resident_memory_bytes{id=\"7\",name=\"db\"} "
	        "4096\n") != NULL);
	ATF_CHECK(
	    strstr(o.buf, "goproc_process_threads{id=\"7\",name=\"db\"} 3\n") !=
	    NULL);
	ATF_CHECK(strstr(o.buf,
	              "goproc_process_start_time_seconds{id=\"7\",name=\"db\"} "
	              "1733400000.123456789\n") != NULL);
	/* The dead entry's last sample says nothing of now. */
	ATF_CHECK(strstr(o.buf, "goproc_process_threads{id=\"8\"") == NULL);
	ATF_CHECK(
	    strstr(o.buf,
	        "# TYPE goproc_process_cpu_seconds_total counter\n") != NULL);
}

static int
put_fail(const char *s, size_t len, void *arg)
{
	return (-1);
}

ATF_TC_WITHOUT_HEAD(write_failure_is_reported);
ATF_TC_BODY(write_failure_is_reported, tc)
{
	struct gp_prom *pr;

	ATF_REQUIRE((pr = gp_prom_new()) != NULL);
	ATF_CHECK_EQ(-1, gp_prom_write(pr, 1, put_fail, NULL));
	gp_prom_free(pr);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, escapes);
	ATF_TP_ADD_TC(tp, cut_between_characters);
	ATF_TP_ADD_TC(tp, small_buffer_stops_whole);
	ATF_TP_ADD_TC(tp, entry_samples);
	ATF_TP_ADD_TC(tp, write_failure_is_reported);
	return (atf_no_error());
}

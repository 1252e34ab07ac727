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
 * Tests of goprocd's configuration: Go durations, the JSON file and its
 * error messages, and the environment overrides.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "testutil.h"

#define SEC 1000000000LL
#define MS 1000000LL

static void clear_env(void);
static int64_t duration(const char *);
static const char *duration_error(const char *);
static const char *parse_error(const char *);
static void load_error(const char *, const char *, const char *);

static void
clear_env(void)
{
	ATF_REQUIRE(unsetenv("GOPROC_LIVENESS_INTERVAL") == 0);
	ATF_REQUIRE(unsetenv("GOPROC_LAST_SEEN_INTERVAL") == 0);
	ATF_REQUIRE(unsetenv("GOPROC_METRICS_INTERVAL") == 0);
	ATF_REQUIRE(unsetenv("GOPROC_STATE_DIR") == 0);
	ATF_REQUIRE(unsetenv("GOPROC_METRICS_TEXTFILE") == 0);
}

static int64_t
duration(const char *s)
{
	const char *errstr;
	int64_t ns;

	ATF_REQUIRE_MSG(parse_duration(s, &ns, &errstr) == 0,
	    "parse_duration(\"%s\"): %s", s, errstr);
	return (ns);
}

static const char *
duration_error(const char *s)
{
	const char *errstr = NULL;
	int64_t ns;

	ATF_REQUIRE_MSG(parse_duration(s, &ns, &errstr) == -1,
	    "parse_duration(\"%s\") succeeded", s);
	ATF_REQUIRE(errstr != NULL);
	return (errstr);
}

/* Parse a document that must fail; return the message. */
static const char *
parse_error(const char *doc)
{
	static char err[1024];
	struct goproc_config cfg;

	config_defaults(&cfg);
	err[0] = '\0';
	ATF_REQUIRE_MSG(config_parse(&cfg, "test.json", doc, strlen(doc), err,
	                    sizeof(err)) == -1,
	    "config_parse accepted %s", doc);
	return (err);
}

/* config_load(path) must fail with "path: suffix". */
static void
load_error(const char *path, const char *suffix, const char *what)
{
	struct goproc_config cfg;
	char err[1024], want[PATH_MAX + 256];

	clear_env();
	(void)snprintf(want, sizeof(want), "%s: %s", path, suffix);
	ATF_REQUIRE_MSG(config_load(&cfg, path, err, sizeof(err)) == -1,
	    "%s was accepted", what);
	ATF_CHECK_STREQ(want, err);
}

ATF_TC_WITHOUT_HEAD(defaults_are_15s_and_45s);
ATF_TC_BODY(defaults_are_15s_and_45s, tc)
{
	struct goproc_config cfg;

	memset(&cfg, 0xff, sizeof(cfg));
	config_defaults(&cfg);
	ATF_CHECK_EQ(15 * SEC, cfg.liveness_ns);
	ATF_CHECK_EQ(45 * SEC, cfg.last_seen_ns);
	ATF_CHECK_STREQ("", cfg.state_dir);
	ATF_CHECK_STREQ("", cfg.socket_group);
	ATF_CHECK_STREQ("", cfg.path);
}

ATF_TC_WITHOUT_HEAD(load_without_file_gives_defaults);
ATF_TC_BODY(load_without_file_gives_defaults, tc)
{
	struct goproc_config cfg;
	char err[256];

	clear_env();
	memset(&cfg, 0xff, sizeof(cfg));
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == 0);
	ATF_CHECK_EQ(15 * SEC, cfg.liveness_ns);
	ATF_CHECK_EQ(45 * SEC, cfg.last_seen_ns);
	ATF_CHECK_STREQ("", cfg.state_dir);
	ATF_CHECK_STREQ("", cfg.path);
}

ATF_TC_WITHOUT_HEAD(load_reads_every_key);
ATF_TC_BODY(load_reads_every_key, tc)
{
	struct goproc_config cfg;
	const char *doc, *path;
	char err[256];

	clear_env();
	doc = "{\n"
	      "  \"liveness_interval\": \"1m30s\",\n"
	      "  \"last_seen_interval\": \"250ms\",\n"
	      "  \"state_dir\": \"/var/lib/goproc\",\n"
	      "  \"socket_group\": \"goproc\"\n"
	      "}\n";
	path = write_file("good.json", doc, strlen(doc));
	ATF_REQUIRE_MSG(
	    config_load(&cfg, path, err, sizeof(err)) == 0, "%s", err);
	ATF_CHECK_EQ(90 * SEC, cfg.liveness_ns);
	ATF_CHECK_EQ(250 * MS, cfg.last_seen_ns);
	ATF_CHECK_STREQ("/var/lib/goproc", cfg.state_dir);
	ATF_CHECK_STREQ("goproc", cfg.socket_group);
	ATF_CHECK_STREQ(path, cfg.path);
}

ATF_TC_WITHOUT_HEAD(missing_keys_keep_their_values);
ATF_TC_BODY(missing_keys_keep_their_values, tc)
{
	struct goproc_config cfg;
	const char *doc = "{\"last_seen_interval\": \"1h\"}";
	char err[256];

	config_defaults(&cfg);
	cfg.liveness_ns = 7 * SEC;
	ATF_REQUIRE(
	    config_parse(&cfg, "t", doc, strlen(doc), err, sizeof(err)) == 0);
	ATF_CHECK_EQ(7 * SEC, cfg.liveness_ns);
	ATF_CHECK_EQ(3600 * SEC, cfg.last_seen_ns);
}

ATF_TC_WITHOUT_HEAD(empty_object_is_accepted);
ATF_TC_BODY(empty_object_is_accepted, tc)
{
	struct goproc_config cfg;
	char err[256];

	config_defaults(&cfg);
	ATF_REQUIRE(config_parse(&cfg, "t", "{}", 2, err, sizeof(err)) == 0);
	ATF_CHECK_EQ(15 * SEC, cfg.liveness_ns);
}

ATF_TC_WITHOUT_HEAD(duration_units);
ATF_TC_BODY(duration_units, tc)
{
	ATF_CHECK_EQ(100, duration("100ns"));
	ATF_CHECK_EQ(500000, duration("500us"));
	ATF_CHECK_EQ(500000, duration("500\xc2\xb5s")); /* U+00B5 */
	ATF_CHECK_EQ(500000, duration("500\xce\xbcs")); /* U+03BC */
	ATF_CHECK_EQ(250 * MS, duration("250ms"));
	ATF_CHECK_EQ(15 * SEC, duration("15s"));
	ATF_CHECK_EQ(2 * 60 * SEC, duration("2m"));
	ATF_CHECK_EQ(3600 * SEC, duration("1h"));
}

ATF_TC_WITHOUT_HEAD(duration_compound);
ATF_TC_BODY(duration_compound, tc)
{
	ATF_CHECK_EQ(90 * SEC, duration("1m30s"));
	ATF_CHECK_EQ(3723 * SEC + 500 * MS, duration("1h2m3.5s"));
	ATF_CHECK_EQ(SEC + 1, duration("1s1ns"));
	/* Units may repeat and come in any order, as in Go. */
	ATF_CHECK_EQ(61 * SEC, duration("1s1m"));
	ATF_CHECK_EQ(2 * SEC, duration("1s1s"));
}

ATF_TC_WITHOUT_HEAD(duration_fractions);
ATF_TC_BODY(duration_fractions, tc)
{
	ATF_CHECK_EQ(1500 * MS, duration("1.5s"));
	ATF_CHECK_EQ(500 * MS, duration(".5s"));
	ATF_CHECK_EQ(5 * SEC, duration("5.s"));
	ATF_CHECK_EQ(90 * 60 * SEC, duration("1.5h"));
	ATF_CHECK_EQ(1500, duration("1.5us"));
	ATF_CHECK_EQ(SEC + 1, duration("1.000000001s"));
	/* Digits below a nanosecond are dropped. */
	ATF_CHECK_EQ(SEC, duration("1.0000000009s"));
	ATF_CHECK_EQ(SEC, duration("1.00000000000000000000000001s"));
}

ATF_TC_WITHOUT_HEAD(duration_signs_and_zero);
ATF_TC_BODY(duration_signs_and_zero, tc)
{
	ATF_CHECK_EQ(5 * SEC, duration("+5s"));
	ATF_CHECK_EQ(-5 * SEC, duration("-5s"));
	ATF_CHECK_EQ(-1500 * MS, duration("-1.5s"));
	ATF_CHECK_EQ(0, duration("0"));
	ATF_CHECK_EQ(0, duration("-0"));
	ATF_CHECK_EQ(0, duration("+0"));
	ATF_CHECK_EQ(0, duration("0s"));
	ATF_CHECK_EQ(0, duration("0.0h"));
}

ATF_TC_WITHOUT_HEAD(duration_extremes);
ATF_TC_BODY(duration_extremes, tc)
{
	ATF_CHECK_EQ(INT64_MAX, duration("2562047h47m16.854775807s"));
	ATF_CHECK_EQ(INT64_MAX, duration("9223372036854775807ns"));
	ATF_CHECK_EQ(INT64_MIN, duration("-2562047h47m16.854775808s"));
	ATF_CHECK_EQ(INT64_MIN, duration("-9223372036854775808ns"));
}

ATF_TC_WITHOUT_HEAD(duration_overflow_is_an_error);
ATF_TC_BODY(duration_overflow_is_an_error, tc)
{
	ATF_CHECK_STREQ("duration out of range",
	    duration_error("2562047h47m16.854775808s"));
	ATF_CHECK_STREQ(
	    "duration out of range", duration_error("9223372036854775808ns"));
	ATF_CHECK_STREQ(
	    "duration out of range", duration_error("100000000000000000000s"));
	ATF_CHECK_STREQ("duration out of range", duration_error("2562048h"));
	ATF_CHECK_STREQ(
	    "duration out of range", duration_error("2562047h2562047h"));
}

ATF_TC_WITHOUT_HEAD(duration_missing_unit);
ATF_TC_BODY(duration_missing_unit, tc)
{
	ATF_CHECK_STREQ("missing unit in duration", duration_error("1"));
	ATF_CHECK_STREQ("missing unit in duration", duration_error("15"));
	ATF_CHECK_STREQ("missing unit in duration", duration_error("1.5"));
	ATF_CHECK_STREQ("missing unit in duration", duration_error("1s2"));
	ATF_CHECK_STREQ("missing unit in duration", duration_error("-1"));
	ATF_CHECK_STREQ("missing unit in duration", duration_error("00"));
}

ATF_TC_WITHOUT_HEAD(duration_unknown_unit);
ATF_TC_BODY(duration_unknown_unit, tc)
{
	ATF_CHECK_STREQ("unknown unit in duration", duration_error("1x"));
	ATF_CHECK_STREQ("unknown unit in duration", duration_error("1sec"));
	ATF_CHECK_STREQ("unknown unit in duration", duration_error("1S"));
	ATF_CHECK_STREQ("unknown unit in duration", duration_error("1 s"));
	ATF_CHECK_STREQ("unknown unit in duration", duration_error("1s "));
	ATF_CHECK_STREQ("unknown unit in duration", duration_error("1d"));
	ATF_CHECK_STREQ("unknown unit in duration", duration_error("1e3s"));
	ATF_CHECK_STREQ("unknown unit in duration", duration_error("5s-3s"));
}

ATF_TC_WITHOUT_HEAD(duration_invalid_syntax);
ATF_TC_BODY(duration_invalid_syntax, tc)
{
	ATF_CHECK_STREQ("invalid duration", duration_error(""));
	ATF_CHECK_STREQ("invalid duration", duration_error("abc"));
	ATF_CHECK_STREQ("invalid duration", duration_error("s"));
	ATF_CHECK_STREQ("invalid duration", duration_error(".s"));
	ATF_CHECK_STREQ("invalid duration", duration_error("-"));
	ATF_CHECK_STREQ("invalid duration", duration_error("+"));
	ATF_CHECK_STREQ("invalid duration", duration_error("--5s"));
	ATF_CHECK_STREQ("invalid duration", duration_error(" 5s"));
}

ATF_TC_WITHOUT_HEAD(invalid_duration_message);
ATF_TC_BODY(invalid_duration_message, tc)
{
	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"liveness_interval\": invalid "
	    "duration",
	    parse_error("{\"liveness_interval\": \"abc\"}"));
	ATF_CHECK_STREQ("test.json: line 1 column 2: key "
	                "\"last_seen_interval\": missing unit in duration",
	    parse_error("{\"last_seen_interval\": \"45\"}"));
	ATF_CHECK_STREQ("test.json: line 1 column 2: key "
	                "\"liveness_interval\": unknown unit in duration",
	    parse_error("{\"liveness_interval\": \"5d\"}"));
}

ATF_TC_WITHOUT_HEAD(zero_duration_is_rejected);
ATF_TC_BODY(zero_duration_is_rejected, tc)
{
	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"liveness_interval\": must be "
	    "positive",
	    parse_error("{\"liveness_interval\": \"0s\"}"));
	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"last_seen_interval\": must be "
	    "positive",
	    parse_error("{\"last_seen_interval\": \"0\"}"));
}

ATF_TC_WITHOUT_HEAD(negative_duration_is_rejected);
ATF_TC_BODY(negative_duration_is_rejected, tc)
{
	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"liveness_interval\": must be "
	    "positive",
	    parse_error("{\"liveness_interval\": \"-5s\"}"));
}

ATF_TC_WITHOUT_HEAD(duration_below_1ms_is_rejected);
ATF_TC_BODY(duration_below_1ms_is_rejected, tc)
{
	struct goproc_config cfg;
	const char *doc = "{\"liveness_interval\": \"1ms\"}";
	char err[256];

	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"liveness_interval\": must be at "
	    "least 1ms",
	    parse_error("{\"liveness_interval\": \"500us\"}"));
	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"liveness_interval\": must be at "
	    "least 1ms",
	    parse_error("{\"liveness_interval\": \"999999ns\"}"));
	config_defaults(&cfg);
	ATF_REQUIRE(
	    config_parse(&cfg, "t", doc, strlen(doc), err, sizeof(err)) == 0);
	ATF_CHECK_EQ(MS, cfg.liveness_ns);
}

ATF_TC_WITHOUT_HEAD(duration_above_24h_is_rejected);
ATF_TC_BODY(duration_above_24h_is_rejected, tc)
{
	struct goproc_config cfg;
	const char *doc = "{\"last_seen_interval\": \"24h\"}";
	char err[256];

	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"last_seen_interval\": must be at "
	    "most 24h",
	    parse_error("{\"last_seen_interval\": \"25h\"}"));
	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"last_seen_interval\": must be at "
	    "most 24h",
	    parse_error("{\"last_seen_interval\": \"24h0m0.000000001s\"}"));
	config_defaults(&cfg);
	ATF_REQUIRE(
	    config_parse(&cfg, "t", doc, strlen(doc), err, sizeof(err)) == 0);
	ATF_CHECK_EQ(24 * 3600 * SEC, cfg.last_seen_ns);
}

ATF_TC_WITHOUT_HEAD(overflowing_duration_message);
ATF_TC_BODY(overflowing_duration_message, tc)
{
	ATF_CHECK_STREQ("test.json: line 1 column 2: key "
	                "\"liveness_interval\": duration out of range",
	    parse_error("{\"liveness_interval\": \"9999999999h\"}"));
}

ATF_TC_WITHOUT_HEAD(unknown_key_is_named);
ATF_TC_BODY(unknown_key_is_named, tc)
{
	ATF_CHECK_STREQ("test.json: line 1 column 2: unknown key",
	    parse_error("{\"livenes_interval\": \"15s\"}"));
}

ATF_TC_WITHOUT_HEAD(unknown_key_is_escaped);
ATF_TC_BODY(unknown_key_is_escaped, tc)
{
	ATF_CHECK_STREQ(
	    "test.json: unknown key", parse_error("{\"a\\nb\\\"c\": 1}"));
}

ATF_TC_WITHOUT_HEAD(long_value_is_shortened_in_messages);
ATF_TC_BODY(long_value_is_shortened_in_messages, tc)
{
	struct goproc_config cfg;
	char val[512], err[1024];
	char *p;

	clear_env();
	memset(val, 'x', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	ATF_REQUIRE(setenv("GOPROC_LIVENESS_INTERVAL", val, 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_MATCH("^environment GOPROC_LIVENESS_INTERVAL: invalid "
	                "duration \"x+\\.\\.\\.\"$",
	    err);
	ATF_CHECK(strlen(err) < 200);

	/* Not in the middle of a character, wherever the cut falls. */
	for (p = val + 1; p + 2 < val + sizeof(val); p += 2)
		memcpy(p, "\xc3\xa9", 2);
	ATF_REQUIRE(setenv("GOPROC_LIVENESS_INTERVAL", val, 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	p = strstr(err, "...");
	ATF_REQUIRE(p != NULL);
	ATF_CHECK(p[-2] == '\xc3' && p[-1] == '\xa9');
}

ATF_TC_WITHOUT_HEAD(non_string_value_is_rejected);
ATF_TC_BODY(non_string_value_is_rejected, tc)
{
	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"liveness_interval\": must be a "
	    "string, got a number",
	    parse_error("{\"liveness_interval\": 15}"));
	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"last_seen_interval\": must be a "
	    "string, got null",
	    parse_error("{\"last_seen_interval\": null}"));
	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"state_dir\": must be a string, got an array",
	    parse_error("{\"state_dir\": [\"/x\"]}"));
	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"socket_group\": must be a string, got true",
	    parse_error("{\"socket_group\": true}"));
}

ATF_TC_WITHOUT_HEAD(invalid_json_names_line_and_column);
ATF_TC_BODY(invalid_json_names_line_and_column, tc)
{
	ATF_CHECK_STREQ("test.json: line 3 column 3: invalid JSON: string or "
	                "'}' expected",
	    parse_error("{\n  \"liveness_interval\": \"15s\",\n  x\n}\n"));
}

ATF_TC_WITHOUT_HEAD(trailing_garbage_is_rejected);
ATF_TC_BODY(trailing_garbage_is_rejected, tc)
{
	ATF_CHECK_STREQ("test.json: line 1 column 4: invalid JSON: end of "
	                "file expected",
	    parse_error("{} x"));
}

ATF_TC_WITHOUT_HEAD(duplicate_key_is_rejected);
ATF_TC_BODY(duplicate_key_is_rejected, tc)
{
	ATF_CHECK_STREQ("test.json: line 1 column 47: invalid JSON: "
	                "duplicate object key",
	    parse_error("{\"liveness_interval\": \"1s\", "
	                "\"liveness_interval\": \"2s\"}"));
}

ATF_TC_WITHOUT_HEAD(top_level_must_be_an_object);
ATF_TC_BODY(top_level_must_be_an_object, tc)
{
	ATF_CHECK_STREQ(
	    "test.json: the top level must be a JSON object, not an array",
	    parse_error("[]"));
	ATF_CHECK_STREQ(
	    "test.json: the top level must be a JSON object, not a string",
	    parse_error("\"15s\""));
	ATF_CHECK_STREQ(
	    "test.json: the top level must be a JSON object, not null",
	    parse_error("null"));
}

ATF_TC_WITHOUT_HEAD(empty_file_is_rejected);
ATF_TC_BODY(empty_file_is_rejected, tc)
{
	load_error(write_file("empty.json", "", 0),
	    "empty file, expected a JSON object", "an empty file");
}

ATF_TC_WITHOUT_HEAD(missing_file_is_rejected);
ATF_TC_BODY(missing_file_is_rejected, tc)
{
	const char *path;

	path = cwd_path("nonexistent.json");
	load_error(
	    path, "cannot open: No such file or directory", "a missing file");
}

ATF_TC_WITHOUT_HEAD(file_too_large_is_rejected);
ATF_TC_BODY(file_too_large_is_rejected, tc)
{
	struct goproc_config cfg;
	const char *path;
	char *doc, err[256];

	/* Exactly the limit is fine: an object padded with spaces. */
	ATF_REQUIRE((doc = malloc(CONFIG_FILE_MAX + 1)) != NULL);
	memset(doc, ' ', CONFIG_FILE_MAX + 1);
	doc[0] = '{';
	doc[CONFIG_FILE_MAX - 1] = '}';
	path = write_file("limit.json", doc, CONFIG_FILE_MAX);
	clear_env();
	ATF_CHECK_MSG(
	    config_load(&cfg, path, err, sizeof(err)) == 0, "%s", err);

	doc[CONFIG_FILE_MAX - 1] = ' ';
	doc[CONFIG_FILE_MAX] = '}';
	path = write_file("big.json", doc, CONFIG_FILE_MAX + 1);
	load_error(path, "file too large (65537 bytes, at most 65536)",
	    "a file over the limit");
	free(doc);
}

ATF_TC_WITHOUT_HEAD(directory_is_rejected);
ATF_TC_BODY(directory_is_rejected, tc)
{
	const char *path;

	path = cwd_path("dir.json");
	ATF_REQUIRE(mkdir(path, 0755) == 0);
	load_error(path, "not a regular file", "a directory");
}

ATF_TC_WITHOUT_HEAD(fifo_is_rejected_without_blocking);
ATF_TC_BODY(fifo_is_rejected_without_blocking, tc)
{
	const char *path;

	path = cwd_path("fifo.json");
	ATF_REQUIRE(mkfifo(path, 0644) == 0);
	load_error(path, "not a regular file", "a FIFO");
}

/* An error about a file says where, never what the file says. */
ATF_TC_WITHOUT_HEAD(errors_never_quote_the_file);
ATF_TC_BODY(errors_never_quote_the_file, tc)
{
	static const char *docs[] = {
		"root:$6$s3cr3tHASH:19000:0:99999:7:::\n",
		"{\"s3cr3tHASH\": 1}",
		"{\n  \"liveness_interval\": \"s3cr3tHASH\"\n}",
		"{\"liveness_interval\": \"1s\", \"s3cr3tHASH\": 1}",
		"{\"state_dir\": \"s3cr3tHASH\"}",
		"{\"socket_group\": \"-s3cr3tHASH\"}",
		"{\"liveness_interval\": \"-5s3cr3tHASH\"}",
		"{\"a\": 1 s3cr3tHASH}",
		"{} s3cr3tHASH",
		"[\"s3cr3tHASH\"]",
		"{\"s3cr3tHASH\": 1, \"s3cr3tHASH\": 2}",
	};
	struct goproc_config cfg;
	char err[1024];
	size_t i;

	clear_env();
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		ATF_REQUIRE_MSG(
		    config_load(&cfg,
		        write_file("secret", docs[i], strlen(docs[i])), err,
		        sizeof(err)) == -1,
		    "%s was accepted", docs[i]);
		ATF_CHECK_MSG(strstr(err, "s3cr3t") == NULL &&
		        strstr(err, "HASH") == NULL,
		    "the message quotes the file: %s", err);
	}
	ATF_CHECK_STREQ("test.json: line 3 column 3: unknown key",
	    parse_error("{\n  \"liveness_interval\": \"1s\",\n  \"x\": 2\n}"));
	ATF_CHECK_STREQ(
	    "test.json: line 2 column 3: key \"liveness_interval\": "
	    "invalid duration",
	    parse_error("{\n  \"liveness_interval\": \"x\"}"));
	/* Columns count characters, not bytes. */
	ATF_CHECK_STREQ("test.json: line 1 column 21: unknown key",
	    parse_error("{\"state_dir\": \"/\xc3\xa9\", \"x\": 1}"));
}

ATF_TC_WITHOUT_HEAD(symlink_is_rejected);
ATF_TC_BODY(symlink_is_rejected, tc)
{
	const char *path;
	const char *doc = "{\"liveness_interval\": \"5s\"}";

	(void)write_file("real.json", doc, strlen(doc));
	path = cwd_path("link.json");
	ATF_REQUIRE(symlink("real.json", path) == 0);
	load_error(path,
	    "is a symbolic link; name the configuration file itself",
	    "a symbolic link");
}

ATF_TC_WITHOUT_HEAD(file_errors_name_the_file);
ATF_TC_BODY(file_errors_name_the_file, tc)
{
	const char *doc = "{\"liveness_interval\": \"-5s\"}";

	load_error(write_file("neg.json", doc, strlen(doc)),
	    "line 1 column 2: key \"liveness_interval\": must be positive",
	    "a negative interval");
}

ATF_TC_WITHOUT_HEAD(failed_parse_leaves_config_unchanged);
ATF_TC_BODY(failed_parse_leaves_config_unchanged, tc)
{
	struct goproc_config cfg;
	const char *doc = "{\"liveness_interval\": \"2s\", "
	                  "\"last_seen_interval\": \"0s\"}";
	char err[256];

	config_defaults(&cfg);
	ATF_REQUIRE(
	    config_parse(&cfg, "t", doc, strlen(doc), err, sizeof(err)) == -1);
	ATF_CHECK_EQ(15 * SEC, cfg.liveness_ns);
	ATF_CHECK_EQ(45 * SEC, cfg.last_seen_ns);
}

ATF_TC_WITHOUT_HEAD(environment_wins_over_file);
ATF_TC_BODY(environment_wins_over_file, tc)
{
	struct goproc_config cfg;
	const char *doc, *path;
	char err[256];

	clear_env();
	doc = "{\"liveness_interval\": \"1m\", \"last_seen_interval\": "
	      "\"2m\", \"state_dir\": \"/from/file\"}";
	path = write_file("env.json", doc, strlen(doc));
	ATF_REQUIRE(setenv("GOPROC_LIVENESS_INTERVAL", "250ms", 1) == 0);
	ATF_REQUIRE(setenv("GOPROC_LAST_SEEN_INTERVAL", "1h", 1) == 0);
	ATF_REQUIRE(setenv("GOPROC_STATE_DIR", "/from/env", 1) == 0);
	ATF_REQUIRE_MSG(
	    config_load(&cfg, path, err, sizeof(err)) == 0, "%s", err);
	ATF_CHECK_EQ(250 * MS, cfg.liveness_ns);
	ATF_CHECK_EQ(3600 * SEC, cfg.last_seen_ns);
	ATF_CHECK_STREQ("/from/env", cfg.state_dir);
}

ATF_TC_WITHOUT_HEAD(environment_applies_without_file);
ATF_TC_BODY(environment_applies_without_file, tc)
{
	struct goproc_config cfg;
	char err[256];

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_LAST_SEEN_INTERVAL", "1m30s", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == 0);
	ATF_CHECK_EQ(15 * SEC, cfg.liveness_ns);
	ATF_CHECK_EQ(90 * SEC, cfg.last_seen_ns);
}

ATF_TC_WITHOUT_HEAD(empty_environment_is_ignored);
ATF_TC_BODY(empty_environment_is_ignored, tc)
{
	struct goproc_config cfg;
	char err[256];

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_LIVENESS_INTERVAL", "", 1) == 0);
	ATF_REQUIRE(setenv("GOPROC_STATE_DIR", "", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == 0);
	ATF_CHECK_EQ(15 * SEC, cfg.liveness_ns);
	ATF_CHECK_STREQ("", cfg.state_dir);
}

ATF_TC_WITHOUT_HEAD(bad_environment_names_the_variable);
ATF_TC_BODY(bad_environment_names_the_variable, tc)
{
	struct goproc_config cfg;
	char err[256];

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_LIVENESS_INTERVAL", "x", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ(
	    "environment GOPROC_LIVENESS_INTERVAL: invalid duration \"x\"",
	    err);

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_LAST_SEEN_INTERVAL", "-1s", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("environment GOPROC_LAST_SEEN_INTERVAL: must be "
	                "positive, got \"-1s\"",
	    err);
}

ATF_TC_WITHOUT_HEAD(relative_state_dir_in_environment_is_rejected);
ATF_TC_BODY(relative_state_dir_in_environment_is_rejected, tc)
{
	struct goproc_config cfg;
	char err[256];

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_STATE_DIR", "state", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("environment GOPROC_STATE_DIR: must be an absolute "
	                "path, got \"state\"",
	    err);
}

ATF_TC_WITHOUT_HEAD(state_dir_must_be_absolute);
ATF_TC_BODY(state_dir_must_be_absolute, tc)
{
	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"state_dir\": must be an absolute "
	    "path",
	    parse_error("{\"state_dir\": \"var/lib/goproc\"}"));
	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"state_dir\": must be an absolute "
	    "path",
	    parse_error("{\"state_dir\": \"\"}"));
}

ATF_TC_WITHOUT_HEAD(state_dir_too_long_is_rejected);
ATF_TC_BODY(state_dir_too_long_is_rejected, tc)
{
	char doc[PATH_MAX + 64], want[256];
	int n;

	n = snprintf(doc, sizeof(doc), "{\"state_dir\": \"/");
	memset(doc + n, 'a', PATH_MAX - 1);
	(void)strlcpy(
	    doc + n + PATH_MAX - 1, "\"}", sizeof(doc) - n - (PATH_MAX - 1));
	(void)snprintf(want, sizeof(want),
	    "test.json: line 1 column 2: key \"state_dir\": path too long (%d bytes, at most "
	    "%d)",
	    PATH_MAX, PATH_MAX - 1);
	ATF_CHECK_STREQ(want, parse_error(doc));
}

ATF_TC_WITHOUT_HEAD(socket_group_accepts_group_names);
ATF_TC_BODY(socket_group_accepts_group_names, tc)
{
	static const char *good[] = {
		"goproc", "_goproc", "a", "Wheel.admins_1-2",
		"abcdefghijklmnopqrstuvwxyz012345", /* 32 */
	};
	struct goproc_config cfg;
	char doc[128], err[256];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		config_defaults(&cfg);
		(void)snprintf(
		    doc, sizeof(doc), "{\"socket_group\": \"%s\"}", good[i]);
		ATF_CHECK_MSG(config_parse(&cfg, "t", doc, strlen(doc), err,
		                  sizeof(err)) == 0,
		    "%s: %s", good[i], err);
		ATF_CHECK_STREQ(good[i], cfg.socket_group);
	}
}

ATF_TC_WITHOUT_HEAD(socket_group_rejects_other_names);
ATF_TC_BODY(socket_group_rejects_other_names, tc)
{
	static const char *bad[] = {
		"", "-wheel", "two words", "a/b", "caf\xc3\xa9",
		"abcdefghijklmnopqrstuvwxyz0123456", /* 33 */
	};
	char doc[128];
	size_t i;

	ATF_CHECK_STREQ(
	    "test.json: line 1 column 2: key \"socket_group\": "
	    "invalid group name (1 to 32 letters, digits, '.', '_' or "
	    "'-', not starting with '-')",
	    parse_error("{\"socket_group\": \"-wheel\"}"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)snprintf(
		    doc, sizeof(doc), "{\"socket_group\": \"%s\"}", bad[i]);
		ATF_CHECK_MATCH("invalid group name", parse_error(doc));
	}
}

ATF_TC_WITHOUT_HEAD(dump_prints_go_durations);
ATF_TC_BODY(dump_prints_go_durations, tc)
{
	struct goproc_config cfg;
	char buf[256];

	config_defaults(&cfg);
	ATF_REQUIRE(config_dump(&cfg, buf, sizeof(buf)) == 0);
	ATF_CHECK_STREQ("liveness_interval=15s last_seen_interval=45s", buf);

	cfg.liveness_ns = 90 * SEC;
	cfg.last_seen_ns = 250 * MS;
	ATF_REQUIRE(config_dump(&cfg, buf, sizeof(buf)) == 0);
	ATF_CHECK_STREQ(
	    "liveness_interval=1m30s last_seen_interval=250ms", buf);

	cfg.liveness_ns = 3600 * SEC;
	cfg.last_seen_ns = 1500 * MS;
	ATF_REQUIRE(config_dump(&cfg, buf, sizeof(buf)) == 0);
	ATF_CHECK_STREQ(
	    "liveness_interval=1h0m0s last_seen_interval=1.5s", buf);

	cfg.liveness_ns = 1500 * 1000;
	cfg.last_seen_ns = 1500;
	ATF_REQUIRE(config_dump(&cfg, buf, sizeof(buf)) == 0);
	ATF_CHECK_STREQ(
	    "liveness_interval=1.5ms last_seen_interval=1.5\xc2\xb5s", buf);

	cfg.liveness_ns = 1;
	cfg.last_seen_ns = 26 * 3600 * SEC + 3 * SEC + 40 * MS;
	ATF_REQUIRE(config_dump(&cfg, buf, sizeof(buf)) == 0);
	ATF_CHECK_STREQ(
	    "liveness_interval=1ns last_seen_interval=26h0m3.04s", buf);
}

ATF_TC_WITHOUT_HEAD(dump_prints_state_dir_and_group);
ATF_TC_BODY(dump_prints_state_dir_and_group, tc)
{
	struct goproc_config cfg;
	char buf[256];

	config_defaults(&cfg);
	(void)strlcpy(cfg.state_dir, "/var/lib/goproc", sizeof(cfg.state_dir));
	(void)strlcpy(cfg.socket_group, "goproc", sizeof(cfg.socket_group));
	ATF_REQUIRE(config_dump(&cfg, buf, sizeof(buf)) == 0);
	ATF_CHECK_STREQ("liveness_interval=15s last_seen_interval=45s "
	                "state_dir=/var/lib/goproc socket_group=goproc",
	    buf);
}

ATF_TC_WITHOUT_HEAD(dump_parses_back);
ATF_TC_BODY(dump_parses_back, tc)
{
	static const int64_t values[] = {
		MS,
		250 * MS,
		1500 * MS,
		59 * SEC + 999 * MS,
		90 * SEC,
		3600 * SEC,
		3600 * SEC + 1,
		86399 * SEC + 123456789,
		24 * 3600 * SEC,
	};
	struct goproc_config cfg, back;
	char buf[256], doc[512], err[256], *p, *sp;
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		config_defaults(&cfg);
		cfg.liveness_ns = values[i];
		ATF_REQUIRE(config_dump(&cfg, buf, sizeof(buf)) == 0);
		p = buf + strlen("liveness_interval=");
		ATF_REQUIRE((sp = strchr(p, ' ')) != NULL);
		*sp = '\0';
		(void)snprintf(
		    doc, sizeof(doc), "{\"liveness_interval\": \"%s\"}", p);
		config_defaults(&back);
		ATF_REQUIRE_MSG(config_parse(&back, "t", doc, strlen(doc), err,
		                    sizeof(err)) == 0,
		    "%s", err);
		ATF_CHECK_EQ_MSG(values[i], back.liveness_ns, "%s", p);
	}
}

ATF_TC_WITHOUT_HEAD(dump_reports_a_short_buffer);
ATF_TC_BODY(dump_reports_a_short_buffer, tc)
{
	struct goproc_config cfg;
	char buf[16];

	config_defaults(&cfg);
	ATF_CHECK_EQ(-1, config_dump(&cfg, buf, sizeof(buf)));
}

static void
clear_limit_env(void)
{
	clear_env();
	ATF_REQUIRE(unsetenv("GOPROC_CLIENT_TIMEOUT") == 0);
	ATF_REQUIRE(unsetenv("GOPROC_MAX_CLIENTS") == 0);
	ATF_REQUIRE(unsetenv("GOPROC_MAX_CLIENTS_PER_UID") == 0);
	ATF_REQUIRE(unsetenv("GOPROC_MAX_ENTRIES_PER_UID") == 0);
	ATF_REQUIRE(unsetenv("GOPROC_MAX_LABELS") == 0);
	ATF_REQUIRE(unsetenv("GOPROC_MAX_CMD_BYTES") == 0);
}

ATF_TC_WITHOUT_HEAD(limits_have_defaults);
ATF_TC_BODY(limits_have_defaults, tc)
{
	struct goproc_config cfg;

	config_defaults(&cfg);
	ATF_CHECK_EQ(cfg.client_timeout_ns, 10 * SEC);
	ATF_CHECK_EQ(cfg.max_clients_per_uid, 8);
	ATF_CHECK_EQ(cfg.max_entries_per_uid, 10000);
	ATF_CHECK_EQ(cfg.max_labels, 32);
	ATF_CHECK_EQ(cfg.max_cmd_bytes, 4096);
}

ATF_TC_WITHOUT_HEAD(limits_are_read);
ATF_TC_BODY(limits_are_read, tc)
{
	static const char doc[] =
	    "{\"client_timeout\": \"2.5s\", \"max_clients_per_uid\": 1}";
	struct goproc_config cfg;
	char err[256];

	config_defaults(&cfg);
	ATF_REQUIRE_MSG(config_parse(&cfg, "test.json", doc, strlen(doc), err,
	                    sizeof(err)) == 0,
	    "%s", err);
	ATF_CHECK_EQ(cfg.client_timeout_ns, 2500 * MS);
	ATF_CHECK_EQ(cfg.max_clients_per_uid, 1);
}

ATF_TC_WITHOUT_HEAD(bad_limits_are_named);
ATF_TC_BODY(bad_limits_are_named, tc)
{
	static const struct {
		const char *doc;
		const char *err;
	} bad[] = {
		{ "{\"max_clients_per_uid\": \"8\"}",
		    "test.json: line 1 column 2: key \"max_clients_per_uid\": "
		    "must be an integer in 1..32, got a string" },
		{ "{\"max_clients_per_uid\": 0}",
		    "test.json: line 1 column 2: key "
		    "\"max_clients_per_uid\": must be in 1..32" },
		{ "{\"max_clients_per_uid\": -1}",
		    "test.json: line 1 column 2: key "
		    "\"max_clients_per_uid\": must be in 1..32" },
		{ "{\"max_clients_per_uid\": 33}",
		    "test.json: line 1 column 2: key "
		    "\"max_clients_per_uid\": must be in 1..32" },
		{ "{\"max_clients_per_uid\": 1.5}",
		    "test.json: line 1 column 2: key "
		    "\"max_clients_per_uid\": must be an integer in 1..32, "
		    "got a number" },
		{ "{\"max_clients_per_uid\": 99999999999999}",
		    "test.json: line 1 column 2: key \"max_clients_per_uid\": must be in 1..32" },
		{ "{\"client_timeout\": \"0s\"}",
		    "test.json: line 1 column 2: key "
		    "\"client_timeout\": must be positive" },
		{ "{\"client_timeout\": 10}",
		    "test.json: line 1 column 2: key "
		    "\"client_timeout\": must be a string, got a number" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ATF_CHECK_STREQ(bad[i].err, parse_error(bad[i].doc));
}

ATF_TC_WITHOUT_HEAD(limits_from_environment);
ATF_TC_BODY(limits_from_environment, tc)
{
	static const char doc[] =
	    "{\"max_clients_per_uid\": 4, \"client_timeout\": \"5s\"}";
	struct goproc_config cfg;
	const char *path;
	char err[256];

	path = write_file("limits.json", doc, strlen(doc));
	clear_limit_env();
	ATF_REQUIRE(setenv("GOPROC_MAX_CLIENTS_PER_UID", "2", 1) == 0);
	ATF_REQUIRE(setenv("GOPROC_CLIENT_TIMEOUT", "1m", 1) == 0);
	ATF_REQUIRE_MSG(
	    config_load(&cfg, path, err, sizeof(err)) == 0, "%s", err);
	ATF_CHECK_EQ(cfg.max_clients_per_uid, 2);
	ATF_CHECK_EQ(cfg.client_timeout_ns, 60 * SEC);

	clear_limit_env();
	ATF_REQUIRE(setenv("GOPROC_MAX_CLIENTS_PER_UID", "", 1) == 0);
	ATF_REQUIRE_MSG(
	    config_load(&cfg, path, err, sizeof(err)) == 0, "%s", err);
	ATF_CHECK_EQ(cfg.max_clients_per_uid, 4);

	clear_limit_env();
	ATF_REQUIRE(setenv("GOPROC_MAX_CLIENTS_PER_UID", "2x", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("environment GOPROC_MAX_CLIENTS_PER_UID: must be an "
	                "integer in 1..32, got \"2x\"",
	    err);
	clear_limit_env();
	ATF_REQUIRE(setenv("GOPROC_MAX_CLIENTS_PER_UID", "-2", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("environment GOPROC_MAX_CLIENTS_PER_UID: must be an "
	                "integer in 1..32, got \"-2\"",
	    err);
	clear_limit_env();
	ATF_REQUIRE(setenv("GOPROC_MAX_CLIENTS_PER_UID", "33", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("environment GOPROC_MAX_CLIENTS_PER_UID: must be in "
	                "1..32, got \"33\"",
	    err);
	clear_limit_env();
	ATF_REQUIRE_MSG(
	    config_load(&cfg, NULL, err, sizeof(err)) == 0, "%s", err);
	ATF_CHECK_EQ(cfg.max_clients, 1024);
	ATF_REQUIRE(setenv("GOPROC_MAX_CLIENTS", "16", 1) == 0);
	ATF_REQUIRE_MSG(
	    config_load(&cfg, NULL, err, sizeof(err)) == 0, "%s", err);
	ATF_CHECK_EQ(cfg.max_clients, 16);
	ATF_REQUIRE(setenv("GOPROC_MAX_CLIENTS", "15", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("environment GOPROC_MAX_CLIENTS: must be in "
	                "16..1024, got \"15\"",
	    err);
	ATF_REQUIRE(setenv("GOPROC_MAX_CLIENTS", "1025", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("environment GOPROC_MAX_CLIENTS: must be in "
	                "16..1024, got \"1025\"",
	    err);
	clear_limit_env();
	ATF_REQUIRE(setenv("GOPROC_CLIENT_TIMEOUT", "soon", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("environment GOPROC_CLIENT_TIMEOUT: invalid duration "
	                "\"soon\"",
	    err);
	clear_limit_env();
}

ATF_TC_WITHOUT_HEAD(registry_limits_are_read);
ATF_TC_BODY(registry_limits_are_read, tc)
{
	static const char doc[] = "{\"max_entries_per_uid\": 1000000, "
	                          "\"max_labels\": 0, \"max_cmd_bytes\": 16}";
	struct goproc_config cfg;
	char err[256];

	config_defaults(&cfg);
	ATF_REQUIRE_MSG(config_parse(&cfg, "test.json", doc, strlen(doc), err,
	                    sizeof(err)) == 0,
	    "%s", err);
	ATF_CHECK_EQ(cfg.max_entries_per_uid, 1000000);
	ATF_CHECK_EQ(cfg.max_labels, 0);
	ATF_CHECK_EQ(cfg.max_cmd_bytes, 16);
}

ATF_TC_WITHOUT_HEAD(bad_registry_limits_are_named);
ATF_TC_BODY(bad_registry_limits_are_named, tc)
{
	static const struct {
		const char *doc;
		const char *err;
	} bad[] = {
		{ "{\"max_labels\": \"8\"}",
		    "test.json: line 1 column 2: key \"max_labels\": "
		    "must be an integer in 0..32, got a string" },
		{ "{\"max_labels\": 33}",
		    "test.json: line 1 column 2: key \"max_labels\": must be in 0..32" },
		{ "{\"max_labels\": -1}",
		    "test.json: line 1 column 2: key \"max_labels\": must be in 0..32" },
		{ "{\"max_entries_per_uid\": 0}",
		    "test.json: line 1 column 2: key \"max_entries_per_uid\": must be in "
		    "1..1000000" },
		{ "{\"max_entries_per_uid\": 1000001}",
		    "test.json: line 1 column 2: key \"max_entries_per_uid\": must be in "
		    "1..1000000" },
		{ "{\"max_entries_per_uid\": 1.5}",
		    "test.json: line 1 column 2: key \"max_entries_per_uid\": must be an "
		    "integer in 1..1000000, got a number" },
		{ "{\"max_cmd_bytes\": 15}",
		    "test.json: line 1 column 2: key \"max_cmd_bytes\": "
		    "must be in 16..4096" },
		{ "{\"max_cmd_bytes\": 4097}",
		    "test.json: line 1 column 2: key \"max_cmd_bytes\": "
		    "must be in 16..4096" },
		{ "{\"max_cmd_bytes\": null}",
		    "test.json: line 1 column 2: key \"max_cmd_bytes\": "
		    "must be an integer in 16..4096, got null" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ATF_CHECK_STREQ(bad[i].err, parse_error(bad[i].doc));
}

ATF_TC_WITHOUT_HEAD(registry_limits_from_environment);
ATF_TC_BODY(registry_limits_from_environment, tc)
{
	static const char doc[] = "{\"max_labels\": 4, \"max_cmd_bytes\": 100}";
	struct goproc_config cfg;
	const char *path;
	char err[256];

	path = write_file("limits.json", doc, strlen(doc));
	clear_limit_env();
	ATF_REQUIRE(setenv("GOPROC_MAX_LABELS", "2", 1) == 0);
	ATF_REQUIRE(setenv("GOPROC_MAX_ENTRIES_PER_UID", "5", 1) == 0);
	ATF_REQUIRE_MSG(
	    config_load(&cfg, path, err, sizeof(err)) == 0, "%s", err);
	ATF_CHECK_EQ(cfg.max_labels, 2);
	ATF_CHECK_EQ(cfg.max_cmd_bytes, 100);
	ATF_CHECK_EQ(cfg.max_entries_per_uid, 5);

	clear_limit_env();
	ATF_REQUIRE(setenv("GOPROC_MAX_LABELS", "2x", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("environment GOPROC_MAX_LABELS: must be an integer "
	                "in 0..32, got \"2x\"",
	    err);
	clear_limit_env();
	ATF_REQUIRE(setenv("GOPROC_MAX_CMD_BYTES", "-20", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("environment GOPROC_MAX_CMD_BYTES: must be an "
	                "integer in 16..4096, got \"-20\"",
	    err);
	clear_limit_env();
	ATF_REQUIRE(
	    setenv("GOPROC_MAX_ENTRIES_PER_UID", "99999999999999", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("environment GOPROC_MAX_ENTRIES_PER_UID: must be an "
	                "integer in 1..1000000, got \"99999999999999\"",
	    err);
	clear_limit_env();
}

ATF_TC_WITHOUT_HEAD(dump_prints_changed_limits);
ATF_TC_BODY(dump_prints_changed_limits, tc)
{
	struct goproc_config cfg;
	char buf[256];

	config_defaults(&cfg);
	cfg.client_timeout_ns = 90 * SEC;
	cfg.max_clients_per_uid = 3;
	cfg.max_labels = 4;
	cfg.max_entries_per_uid = 100;
	ATF_REQUIRE(config_dump(&cfg, buf, sizeof(buf)) == 0);
	ATF_CHECK_STREQ("liveness_interval=15s last_seen_interval=45s "
	                "client_timeout=1m30s max_clients_per_uid=3 "
	                "max_entries_per_uid=100 max_labels=4",
	    buf);
}

ATF_TC_WITHOUT_HEAD(metrics_interval);
ATF_TC_BODY(metrics_interval, tc)
{
	static const char on[] = "{\"metrics_interval\": \"250ms\"}";
	static const char off[] = "{\"metrics_interval\": \"0\"}";
	struct goproc_config cfg;
	char err[256], buf[256];

	clear_env();
	config_defaults(&cfg);
	ATF_CHECK_EQ(cfg.metrics_ns, 5 * SEC);
	ATF_REQUIRE_MSG(config_parse(&cfg, "test.json", on, strlen(on), err,
	                    sizeof(err)) == 0,
	    "%s", err);
	ATF_CHECK_EQ(cfg.metrics_ns, 250 * MS);
	ATF_REQUIRE(config_dump(&cfg, buf, sizeof(buf)) == 0);
	ATF_CHECK_STREQ("liveness_interval=15s last_seen_interval=45s "
	                "metrics_interval=250ms",
	    buf);
	ATF_REQUIRE_MSG(config_parse(&cfg, "test.json", off, strlen(off), err,
	                    sizeof(err)) == 0,
	    "%s", err);
	ATF_CHECK_EQ(cfg.metrics_ns, 0);
	ATF_REQUIRE(config_dump(&cfg, buf, sizeof(buf)) == 0);
	ATF_CHECK_STREQ("liveness_interval=15s last_seen_interval=45s "
	                "metrics_interval=0s",
	    buf);

	ATF_CHECK_STREQ("test.json: line 1 column 2: key \"metrics_interval\": "
	                "must be 0 (off) or at least 100ms",
	    parse_error("{\"metrics_interval\": \"99ms\"}"));
	ATF_CHECK_STREQ("test.json: line 1 column 2: key \"metrics_interval\": "
	                "must be positive",
	    parse_error("{\"metrics_interval\": \"-1s\"}"));
	ATF_CHECK_STREQ("test.json: line 1 column 2: key \"metrics_interval\": "
	                "must be at most 24h",
	    parse_error("{\"metrics_interval\": \"25h\"}"));

	ATF_REQUIRE(setenv("GOPROC_METRICS_INTERVAL", "0", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == 0);
	ATF_CHECK_EQ(cfg.metrics_ns, 0);
	ATF_REQUIRE(setenv("GOPROC_METRICS_INTERVAL", "2s", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == 0);
	ATF_CHECK_EQ(cfg.metrics_ns, 2 * SEC);
	ATF_REQUIRE(setenv("GOPROC_METRICS_INTERVAL", "1ms", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("environment GOPROC_METRICS_INTERVAL: must be 0 (off) "
	                "or at least 100ms, got \"1ms\"",
	    err);
	clear_env();
}

ATF_TC_WITHOUT_HEAD(metrics_textfile);
ATF_TC_BODY(metrics_textfile, tc)
{
	static const char ok[] =
	    "{\"metrics_textfile\": \"/var/lib/goproc-textfile/goproc.prom\"}";
	static const char *const bad[] = { "relative/goproc.prom",
		"/tmp/goproc.txt", "/tmp/.prom", "/tmp/../goproc.prom",
		"/tmp/./goproc.prom", "/tmp/a b.prom",
		"/tmp/a\x7f"
		"b.prom",
		"/tmp/\xc3\xa9.prom", "/tmp/goproc.prom/" };
	struct goproc_config cfg;
	char err[512], buf[512], json[256];
	size_t i;

	clear_env();
	config_defaults(&cfg);
	ATF_CHECK_STREQ("", cfg.metrics_textfile);
	ATF_REQUIRE_MSG(config_parse(&cfg, "test.json", ok, strlen(ok), err,
	                    sizeof(err)) == 0,
	    "%s", err);
	ATF_CHECK_STREQ(
	    "/var/lib/goproc-textfile/goproc.prom", cfg.metrics_textfile);
	ATF_REQUIRE(config_dump(&cfg, buf, sizeof(buf)) == 0);
	ATF_CHECK_STREQ("liveness_interval=15s last_seen_interval=45s "
	                "metrics_textfile=/var/lib/goproc-textfile/goproc.prom",
	    buf);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)snprintf(json, sizeof(json),
		    "{\"metrics_textfile\": \"%s\"}", bad[i]);
		ATF_CHECK_MATCH_MSG("^test.json: line 1 column 2: key "
		                    "\"metrics_textfile\": ",
		    parse_error(json), "%s", bad[i]);
		ATF_REQUIRE(setenv("GOPROC_METRICS_TEXTFILE", bad[i], 1) == 0);
		ATF_CHECK_MSG(config_load(&cfg, NULL, err, sizeof(err)) == -1,
		    "%s", bad[i]);
		ATF_CHECK_MATCH("^environment GOPROC_METRICS_TEXTFILE: ", err);
	}
	ATF_REQUIRE(setenv("GOPROC_METRICS_TEXTFILE", "/run/x/a.prom", 1) == 0);
	ATF_REQUIRE(config_load(&cfg, NULL, err, sizeof(err)) == 0);
	ATF_CHECK_STREQ("/run/x/a.prom", cfg.metrics_textfile);
	clear_env();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, defaults_are_15s_and_45s);
	ATF_TP_ADD_TC(tp, load_without_file_gives_defaults);
	ATF_TP_ADD_TC(tp, load_reads_every_key);
	ATF_TP_ADD_TC(tp, missing_keys_keep_their_values);
	ATF_TP_ADD_TC(tp, empty_object_is_accepted);
	ATF_TP_ADD_TC(tp, duration_units);
	ATF_TP_ADD_TC(tp, duration_compound);
	ATF_TP_ADD_TC(tp, duration_fractions);
	ATF_TP_ADD_TC(tp, duration_signs_and_zero);
	ATF_TP_ADD_TC(tp, duration_extremes);
	ATF_TP_ADD_TC(tp, duration_overflow_is_an_error);
	ATF_TP_ADD_TC(tp, duration_missing_unit);
	ATF_TP_ADD_TC(tp, duration_unknown_unit);
	ATF_TP_ADD_TC(tp, duration_invalid_syntax);
	ATF_TP_ADD_TC(tp, invalid_duration_message);
	ATF_TP_ADD_TC(tp, zero_duration_is_rejected);
	ATF_TP_ADD_TC(tp, negative_duration_is_rejected);
	ATF_TP_ADD_TC(tp, duration_below_1ms_is_rejected);
	ATF_TP_ADD_TC(tp, duration_above_24h_is_rejected);
	ATF_TP_ADD_TC(tp, overflowing_duration_message);
	ATF_TP_ADD_TC(tp, unknown_key_is_named);
	ATF_TP_ADD_TC(tp, unknown_key_is_escaped);
	ATF_TP_ADD_TC(tp, long_value_is_shortened_in_messages);
	ATF_TP_ADD_TC(tp, non_string_value_is_rejected);
	ATF_TP_ADD_TC(tp, invalid_json_names_line_and_column);
	ATF_TP_ADD_TC(tp, trailing_garbage_is_rejected);
	ATF_TP_ADD_TC(tp, duplicate_key_is_rejected);
	ATF_TP_ADD_TC(tp, top_level_must_be_an_object);
	ATF_TP_ADD_TC(tp, empty_file_is_rejected);
	ATF_TP_ADD_TC(tp, missing_file_is_rejected);
	ATF_TP_ADD_TC(tp, file_too_large_is_rejected);
	ATF_TP_ADD_TC(tp, directory_is_rejected);
	ATF_TP_ADD_TC(tp, fifo_is_rejected_without_blocking);
	ATF_TP_ADD_TC(tp, errors_never_quote_the_file);
	ATF_TP_ADD_TC(tp, symlink_is_rejected);
	ATF_TP_ADD_TC(tp, file_errors_name_the_file);
	ATF_TP_ADD_TC(tp, failed_parse_leaves_config_unchanged);
	ATF_TP_ADD_TC(tp, environment_wins_over_file);
	ATF_TP_ADD_TC(tp, environment_applies_without_file);
	ATF_TP_ADD_TC(tp, empty_environment_is_ignored);
	ATF_TP_ADD_TC(tp, bad_environment_names_the_variable);
	ATF_TP_ADD_TC(tp, relative_state_dir_in_environment_is_rejected);
	ATF_TP_ADD_TC(tp, state_dir_must_be_absolute);
	ATF_TP_ADD_TC(tp, state_dir_too_long_is_rejected);
	ATF_TP_ADD_TC(tp, socket_group_accepts_group_names);
	ATF_TP_ADD_TC(tp, socket_group_rejects_other_names);
	ATF_TP_ADD_TC(tp, dump_prints_go_durations);
	ATF_TP_ADD_TC(tp, dump_prints_state_dir_and_group);
	ATF_TP_ADD_TC(tp, dump_parses_back);
	ATF_TP_ADD_TC(tp, dump_reports_a_short_buffer);
	ATF_TP_ADD_TC(tp, limits_have_defaults);
	ATF_TP_ADD_TC(tp, limits_are_read);
	ATF_TP_ADD_TC(tp, bad_limits_are_named);
	ATF_TP_ADD_TC(tp, limits_from_environment);
	ATF_TP_ADD_TC(tp, registry_limits_are_read);
	ATF_TP_ADD_TC(tp, bad_registry_limits_are_named);
	ATF_TP_ADD_TC(tp, registry_limits_from_environment);
	ATF_TP_ADD_TC(tp, dump_prints_changed_limits);
	ATF_TP_ADD_TC(tp, metrics_interval);
	ATF_TP_ADD_TC(tp, metrics_textfile);

	return (atf_no_error());
}

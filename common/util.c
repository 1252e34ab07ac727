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

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "compat.h"
#include "util.h"

/* Write a message into err (errlen bytes), if the caller gave one. */
void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* What a JSON value is, for a message: "an object", "a string", ... */
const char *
gp_json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return ("an object");
	case JSON_ARRAY:
		return ("an array");
	case JSON_STRING:
		return ("a string");
	case JSON_INTEGER:
	case JSON_REAL:
		return ("a number");
	case JSON_TRUE:
		return ("true");
	case JSON_FALSE:
		return ("false");
	case JSON_NULL:
		return ("null");
	}
	return ("an unknown value");
}

/*
 * What jansson found wrong, without the text it found it near: its
 * messages end in " near '<the offending token>'", which is file
 * content.
 */
const char *
gp_json_error_text(const json_error_t *jerr)
{
	static char text[JSON_ERROR_TEXT_LENGTH];
	char *near;

	switch (json_error_code(jerr)) {
	case json_error_invalid_utf8:
		return ("invalid UTF-8");
	case json_error_premature_end_of_input:
		return ("premature end of input");
	case json_error_duplicate_key:
		return ("duplicate object key");
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return ("NUL byte");
	case json_error_stack_overflow:
		return ("maximum parsing depth reached");
	case json_error_numeric_overflow:
		return ("number out of range");
	default:
		break;
	}
	(void)strlcpy(text, jerr->text, sizeof(text));
	if ((near = strstr(text, " near ")) != NULL)
		*near = '\0';
	return (text);
}

/* CLOCK_MONOTONIC in ns, for intervals. */
int64_t
gp_mono_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

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
 * Text shared by goprocd and goprocctl: the selector rule of rm and
 * kill, a UTF-8 decoder, Go's %q quoting of a label (the words goproc
 * printed), and a terminal-safe copy of bytes a process or a client chose.
 */

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#define LIBBSD_OPENBSD_VIS
#include <vis.h>

#include "goproc.h"

/* clang-format off */
#define VIS_FLAGS	(VIS_CSTYLE | VIS_OCTAL | VIS_TAB | VIS_NL | VIS_NOSLASH)

static int	 go_printable(uint32_t);
static int	 terminal_safe(uint32_t);
/* clang-format on */

/*
 * Whether a request names the entries it acts on: every selector kind,
 * --alive included.  rm and kill without one need --all.
 */
int
gp_has_selectors(const struct gp_request *r)
{
	return (r->tags.n > 0 || r->tags_all.n > 0 || r->groups.n > 0 ||
	    r->groups_all.n > 0 || r->names.n > 0 || r->nids > 0 ||
	    r->npids > 0 || r->search[0] != '\0' ||
	    (r->flags & (GP_REQ_ALIVE | GP_REQ_DEAD)));
}

/*
 * Decode the UTF-8 sequence at s (len bytes left, len > 0).  Returns its
 * length and the code point in *cp, or 0 for a byte that starts no valid
 * sequence (overlong forms and surrogates included).
 */
size_t
gp_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	return (gp_utf8_next_cut(s, len, cp, NULL));
}

/*
 * gp_utf8_next, for input that comes in pieces: when more is not NULL,
 * *more is set if s is the valid start of a sequence that len cuts
 * short (the return is 0 then too), so that the caller can wait for
 * the rest.
 */
size_t
gp_utf8_next_cut(const unsigned char *s, size_t len, uint32_t *cp, int *more)
{
	uint32_t c, min;
	size_t n, k;

	if (more != NULL)
		*more = 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		return (0);
	for (k = 1; k < n; k++) {
		if (k >= len) {
			if (more != NULL)
				*more = 1;
			return (0);
		}
		if ((s[k] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (s[k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (n);
}

/*
 * Go's strconv.IsPrint for the code points a label can hold: letters,
 * marks, numbers, punctuation and symbols print; spaces other than
 * U+0020, format characters and private use do not.  Unassigned code
 * points count as printable.
 */
static int
go_printable(uint32_t c)
{
	/* clang-format off */
	static const struct {
		uint32_t lo, hi;
	} np[] = {
		{ 0x0000, 0x001f }, { 0x007f, 0x00a0 }, { 0x00ad, 0x00ad },
		{ 0x0600, 0x0605 }, { 0x061c, 0x061c }, { 0x06dd, 0x06dd },
		{ 0x070f, 0x070f }, { 0x08e2, 0x08e2 }, { 0x1680, 0x1680 },
		{ 0x180e, 0x180e }, { 0x2000, 0x200f }, { 0x2028, 0x202f },
		{ 0x205f, 0x2064 }, { 0x2066, 0x206f }, { 0x3000, 0x3000 },
		{ 0xe000, 0xf8ff }, { 0xfeff, 0xfeff }, { 0xfff9, 0xfffb },
		{ 0x110bd, 0x110bd }, { 0x110cd, 0x110cd },
		{ 0x1d173, 0x1d17a }, { 0xe0001, 0xe0001 },
		{ 0xe0020, 0xe007f }, { 0xf0000, 0x10ffff },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(np) / sizeof(np[0]); i++)
		if (c >= np[i].lo && c <= np[i].hi)
			return (0);
	return (1);
}

/*
 * Quote s as Go's %q does (strconv.Quote): in double quotes, with \" and
 * \\, \a \b \f \n \r \t \v, \xNN for other control bytes and for bytes
 * of invalid UTF-8, \uNNNN or \UNNNNNNNN for other unprintable code
 * points.  Truncated to fit out (outsz > 2), never inside an escape.
 */
const char *
gp_quote(const char *s, char *out, size_t outsz)
{
	static const char esc[] = "\a\b\f\n\r\t\v";
	static const char letter[] = "abfnrtv";
	const unsigned char *p = (const unsigned char *)s;
	const char *e;
	char tmp[16];
	size_t len, n, o = 0, t;
	uint32_t c;

	len = strlen(s);
	out[o++] = '"';
	while (len > 0) {
		n = gp_utf8_next(p, len, &c);
		if (n == 0) {
			(void)snprintf(tmp, sizeof(tmp), "\\x%02x", p[0]);
			n = 1;
		} else if (c == '"' || c == '\\')
			(void)snprintf(tmp, sizeof(tmp), "\\%c", (int)c);
		else if (c > 0 && c < 0x20 && (e = strchr(esc, (int)c)) != NULL)
			(void)snprintf(
			    tmp, sizeof(tmp), "\\%c", letter[e - esc]);
		else if (c < 0x20 || c == 0x7f)
			(void)snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		else if (!go_printable(c))
			(void)snprintf(tmp, sizeof(tmp),
			    c < 0x10000 ? "\\u%04x" : "\\U%08x", c);
		else {
			memcpy(tmp, p, n);
			tmp[n] = '\0';
		}
		t = strlen(tmp);
		if (o + t + 2 > outsz)
			break;
		memcpy(out + o, tmp, t);
		o += t;
		p += n;
		len -= n;
	}
	out[o++] = '"';
	out[o] = '\0';
	return (out);
}

/*
 * Whether a multibyte code point may go to a terminal as it is: not a C1
 * control, not a line or paragraph separator, not a bidirectional
 * control that reorders what follows it.
 */
static int
terminal_safe(uint32_t c)
{
	if (c < 0xa0)
		return (0);
	if ((c >= 0x200e && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0x061c)
		return (0);
	return (1);
}

/*
 * A copy of s for a terminal, as ps(1) shows a command line: vis(3)
 * encodes control characters and bytes that are not UTF-8 (\n, \t,
 * \033, \377), printable UTF-8 stays readable, a backslash stays as it
 * is.  out holds at least 4 * strlen(s) + 1 bytes, or the copy is cut
 * short at a character boundary.
 */
const char *
gp_vis(const char *s, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)s;
	char tmp[16], *end;
	size_t len, n, o = 0, t;
	uint32_t c;

	if (outsz == 0)
		return (out);
	len = strlen(s);
	while (len > 0) {
		/* Printable ASCII, which vis(3) leaves as it is, a run at once. */
		for (n = 0; n < len && p[n] >= 0x20 && p[n] < 0x7f; n++)
			;
		if (n > 0) {
			t = n < outsz - o - 1 ? n : outsz - o - 1;
			memcpy(out + o, p, t);
			o += t;
			p += t;
			len -= t;
			if (t < n)
				break;
			continue;
		}
		if ((n = gp_utf8_next(p, len, &c)) > 1 && terminal_safe(c)) {
			memcpy(tmp, p, n);
			t = n;
		} else {
			n = 1;
			end = vis(tmp, p[0], VIS_FLAGS, len > 1 ? p[1] : '\0');
			t = (size_t)(end - tmp);
		}
		if (o + t + 1 > outsz)
			break;
		memcpy(out + o, tmp, t);
		o += t;
		p += n;
		len -= n;
	}
	out[o] = '\0';
	return (out);
}

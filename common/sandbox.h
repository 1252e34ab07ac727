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
 * The sandbox of each goprocd process, the Linux analog of pledge(2) and
 * unveil(2): no new privileges, a seccomp allowlist per role and, where
 * the kernel has it, a Landlock ruleset.
 */

#ifndef SANDBOX_H
#define SANDBOX_H

#include <signal.h>
#include <stdint.h>

/* clang-format off */
enum sandbox_role {
	SANDBOX_REGISTRY,
	SANDBOX_PROBER,
	SANDBOX_FRONTEND,
	SANDBOX_PARENT,
};

/* Set (and not "0") in the environment: as if debug were given. */
#define SANDBOX_DEBUG_ENV	"GOPROC_SANDBOX_DEBUG"

/* The status of a process that debug mode stopped for a system call. */
#define SANDBOX_EXIT_SYSCALL	(128 + SIGSYS)

void		 sandbox_enter(enum sandbox_role, int, int);
void		 sandbox_caps(uint64_t);
int		 sandbox_landlock_abi(void);
const char	*sandbox_role_name(enum sandbox_role);
/* clang-format on */

#endif /* SANDBOX_H */

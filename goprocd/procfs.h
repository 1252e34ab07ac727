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
 * Parsers for the /proc files the prober and the parent read, thin
 * readers that open them relative to a descriptor on /proc, and the
 * pidfd calls both make.
 */

#ifndef PROCFS_H
#define PROCFS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/* clang-format off */
#define PROCFS_STAT_MAX		4096	/* most bytes of PID/stat */
#define PROCFS_STATUS_MAX	16384	/* most bytes of PID/status */
#define PROCFS_BOOT_ID_LEN	36	/* a UUID without its newline */
#define PROCFS_PF_KTHREAD	0x00200000 /* flags: a kernel thread */

struct proc_stat {
	int32_t		 pid;
	char		 comm[17];	/* raw bytes, may be cut */
	char		 state;
	int32_t		 ppid;
	int32_t		 pgid;
	int32_t		 sid;
	uint32_t	 flags;		/* field 9: PF_* */
	uint64_t	 utime;		/* field 14: user time, in ticks */
	uint64_t	 stime;		/* field 15: system time, in ticks */
	uint32_t	 threads;	/* field 20 */
	uint64_t	 start_ticks;	/* field 22: ticks since boot */
	uint64_t	 rss_pages;	/* field 24: resident pages */
};

/* What goprocd reads from /proc/PID/status. */
struct proc_status {
	int32_t		 tgid;		/* the process a task belongs to */
	uint32_t	 ruid;
	uint32_t	 euid;
	uint32_t	 suid;
};

int	 procfs_parse_stat(const char *, size_t, struct proc_stat *,
	    const char **);
int	 procfs_read_stat(int, int32_t, struct proc_stat *, const char **);
int	 procfs_open_stat(int, int32_t);
int	 procfs_pread_stat(int, int32_t, struct proc_stat *, const char **);
int	 procfs_read_cmdline(int, int32_t, char *, size_t);
int	 procfs_read_status(int, int32_t, struct proc_status *);
int	 procfs_can_signal(uint32_t, uint32_t, uint32_t);
int	 procfs_read_boot_id(int, char *, size_t);
const char *procfs_protected(const struct proc_stat *);
int	 procfs_scan(int, int (*)(int32_t, void *), void *);
int	 procfs_parse_boot_id(const char *, size_t, char *, size_t,
	    const char **);
/*
 * A process and its parent link, as procfs_links() reads them from
 * /proc/PID/stat; the walks of kill --tree and list --children.
 */
struct proc_link {
	int32_t		 pid;
	int32_t		 ppid;
	int32_t		 pgid;
	uint32_t	 pad;
	uint64_t	 start_ticks;
	char		 comm[17];
};

int	 procfs_links(int, struct proc_link **, size_t *);
size_t	 procfs_descendants(const struct proc_link *, size_t, int32_t,
	    uint64_t, size_t *, size_t);
size_t	 procfs_children(const struct proc_link *, size_t, int32_t,
	    uint64_t, size_t *, size_t);
const struct proc_link *procfs_link_find(const struct proc_link *, size_t,
	    int32_t);
int	 sys_pidfd_open(pid_t);
int	 sys_pidfd_send_signal(int, int);
int	 pidfd_exited(int);

/* clang-format on */

#endif /* PROCFS_H */

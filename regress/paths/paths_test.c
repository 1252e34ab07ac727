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
 * Tests of where goprocd's files live: the socket's precedence rules,
 * the derived names, and the checks on the runtime directory.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <atf-c.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "testutil.h"

static void clear_env(void);
static void resolve(struct goproc_paths *, const char *, const char *);
static const char *resolve_error(const char *, const char *);
static const char *ensure_error(const char *);

static void
clear_env(void)
{
	ATF_REQUIRE(unsetenv("GOPROC_SOCKET") == 0);
	ATF_REQUIRE(unsetenv("GOPROC_RUNTIME_DIR") == 0);
	ATF_REQUIRE(unsetenv("XDG_RUNTIME_DIR") == 0);
	ATF_REQUIRE(unsetenv("GOPROC_STATE_DIR") == 0);
}

static void
resolve(struct goproc_paths *p, const char *flag, const char *statedir)
{
	char err[512];

	err[0] = '\0';
	ATF_REQUIRE_MSG(paths_resolve(p, flag, statedir, err, sizeof(err)) == 0,
	    "paths_resolve: %s", err);
}

static const char *
resolve_error(const char *flag, const char *statedir)
{
	static char err[PATH_MAX + 512];
	struct goproc_paths p;

	err[0] = '\0';
	ATF_REQUIRE_MSG(
	    paths_resolve(&p, flag, statedir, err, sizeof(err)) == -1,
	    "paths_resolve succeeded");
	return (err);
}

static const char *
ensure_error(const char *dir)
{
	static char err[512];

	err[0] = '\0';
	ATF_REQUIRE_MSG(paths_ensure_dir(dir, err, sizeof(err)) == -1,
	    "paths_ensure_dir(%s) succeeded", dir);
	return (err);
}

ATF_TC_WITHOUT_HEAD(socket_flag_wins_over_environment);
ATF_TC_BODY(socket_flag_wins_over_environment, tc)
{
	struct goproc_paths p;

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_SOCKET", "/env/sock", 1) == 0);
	ATF_REQUIRE(setenv("GOPROC_RUNTIME_DIR", "/goproc-rt", 1) == 0);
	ATF_REQUIRE(setenv("XDG_RUNTIME_DIR", "/xdg-rt", 1) == 0);
	resolve(&p, "/flag/dir/my.sock", NULL);
	ATF_CHECK_STREQ("/flag/dir/my.sock", p.socket);
	ATF_CHECK_STREQ("/flag/dir", p.rundir);
}

ATF_TC_WITHOUT_HEAD(goproc_socket_wins_over_runtime_dirs);
ATF_TC_BODY(goproc_socket_wins_over_runtime_dirs, tc)
{
	struct goproc_paths p;

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_SOCKET", "/env/dir/g.sock", 1) == 0);
	ATF_REQUIRE(setenv("GOPROC_RUNTIME_DIR", "/goproc-rt", 1) == 0);
	ATF_REQUIRE(setenv("XDG_RUNTIME_DIR", "/xdg-rt", 1) == 0);
	resolve(&p, NULL, NULL);
	ATF_CHECK_STREQ("/env/dir/g.sock", p.socket);
	ATF_CHECK_STREQ("/env/dir", p.rundir);
}

ATF_TC_WITHOUT_HEAD(goproc_runtime_dir_wins_over_xdg);
ATF_TC_BODY(goproc_runtime_dir_wins_over_xdg, tc)
{
	struct goproc_paths p;

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_RUNTIME_DIR", "/goproc-rt", 1) == 0);
	ATF_REQUIRE(setenv("XDG_RUNTIME_DIR", "/xdg-rt", 1) == 0);
	resolve(&p, NULL, NULL);
	ATF_CHECK_STREQ("/goproc-rt/goproc.sock", p.socket);
	ATF_CHECK_STREQ("/goproc-rt", p.rundir);
}

ATF_TC_WITHOUT_HEAD(xdg_runtime_dir_wins_over_default);
ATF_TC_BODY(xdg_runtime_dir_wins_over_default, tc)
{
	struct goproc_paths p;

	clear_env();
	ATF_REQUIRE(setenv("XDG_RUNTIME_DIR", "/xdg-rt", 1) == 0);
	resolve(&p, NULL, NULL);
	ATF_CHECK_STREQ("/xdg-rt/goproc.sock", p.socket);
	ATF_CHECK_STREQ("/xdg-rt", p.rundir);
}

ATF_TC_WITHOUT_HEAD(default_is_run_user_uid);
ATF_TC_BODY(default_is_run_user_uid, tc)
{
	struct goproc_paths p;
	char want[64];

	clear_env();
	resolve(&p, NULL, NULL);
	(void)snprintf(want, sizeof(want), "/run/user/%u/goproc.sock",
	    (unsigned int)geteuid());
	ATF_CHECK_STREQ(want, p.socket);
	(void)snprintf(
	    want, sizeof(want), "/run/user/%u", (unsigned int)geteuid());
	ATF_CHECK_STREQ(want, p.rundir);
}

ATF_TC_WITHOUT_HEAD(empty_environment_counts_as_unset);
ATF_TC_BODY(empty_environment_counts_as_unset, tc)
{
	struct goproc_paths p;
	char want[64];

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_SOCKET", "", 1) == 0);
	ATF_REQUIRE(setenv("GOPROC_RUNTIME_DIR", "", 1) == 0);
	ATF_REQUIRE(setenv("XDG_RUNTIME_DIR", "", 1) == 0);
	ATF_REQUIRE(setenv("GOPROC_STATE_DIR", "", 1) == 0);
	resolve(&p, NULL, NULL);
	(void)snprintf(want, sizeof(want), "/run/user/%u/goproc.sock",
	    (unsigned int)geteuid());
	ATF_CHECK_STREQ(want, p.socket);
	ATF_CHECK_STREQ(p.rundir, p.statedir);
}

ATF_TC_WITHOUT_HEAD(relative_runtime_dir_is_rejected);
ATF_TC_BODY(relative_runtime_dir_is_rejected, tc)
{
	clear_env();
	ATF_REQUIRE(setenv("GOPROC_RUNTIME_DIR", "run", 1) == 0);
	ATF_CHECK_STREQ("environment GOPROC_RUNTIME_DIR: must be an absolute "
	                "path, got \"run\"",
	    resolve_error(NULL, NULL));

	clear_env();
	ATF_REQUIRE(setenv("XDG_RUNTIME_DIR", "./xdg", 1) == 0);
	ATF_CHECK_STREQ("environment XDG_RUNTIME_DIR: must be an absolute "
	                "path, got \"./xdg\"",
	    resolve_error(NULL, NULL));
}

ATF_TC_WITHOUT_HEAD(runtime_dir_trailing_slash_is_dropped);
ATF_TC_BODY(runtime_dir_trailing_slash_is_dropped, tc)
{
	struct goproc_paths p;

	clear_env();
	ATF_REQUIRE(setenv("XDG_RUNTIME_DIR", "/xdg-rt//", 1) == 0);
	resolve(&p, NULL, NULL);
	ATF_CHECK_STREQ("/xdg-rt/goproc.sock", p.socket);
	ATF_CHECK_STREQ("/xdg-rt", p.rundir);
	ATF_CHECK_STREQ("/xdg-rt/goproc.pid", p.pidfile);
}

ATF_TC_WITHOUT_HEAD(relative_socket_is_made_absolute);
ATF_TC_BODY(relative_socket_is_made_absolute, tc)
{
	struct goproc_paths p;
	char cwd[PATH_MAX], want[PATH_MAX + 32];

	clear_env();
	ATF_REQUIRE(getcwd(cwd, sizeof(cwd)) != NULL);
	resolve(&p, "x.sock", NULL);
	(void)snprintf(want, sizeof(want), "%s/x.sock", cwd);
	ATF_CHECK_STREQ(want, p.socket);
	ATF_CHECK_STREQ(cwd, p.rundir);

	ATF_REQUIRE(setenv("GOPROC_SOCKET", "sub/y.sock", 1) == 0);
	resolve(&p, NULL, NULL);
	(void)snprintf(want, sizeof(want), "%s/sub/y.sock", cwd);
	ATF_CHECK_STREQ(want, p.socket);
}

ATF_TC_WITHOUT_HEAD(socket_in_root_directory);
ATF_TC_BODY(socket_in_root_directory, tc)
{
	struct goproc_paths p;

	clear_env();
	resolve(&p, "/g.sock", NULL);
	ATF_CHECK_STREQ("/", p.rundir);
	ATF_CHECK_STREQ("/goproc.pid", p.pidfile);
	ATF_CHECK_STREQ("/goproc.journal", p.journal);
}

ATF_TC_WITHOUT_HEAD(socket_naming_a_directory_is_rejected);
ATF_TC_BODY(socket_naming_a_directory_is_rejected, tc)
{
	clear_env();
	ATF_CHECK_STREQ("socket path names a directory: /run/x/",
	    resolve_error("/run/x/", NULL));
	ATF_CHECK_STREQ("socket path is empty", resolve_error("", NULL));
}

ATF_TC_WITHOUT_HEAD(socket_path_too_long_is_rejected);
ATF_TC_BODY(socket_path_too_long_is_rejected, tc)
{
	struct goproc_paths p;
	char sock[200], want[400];

	clear_env();
	/* 107 bytes and the NUL fill sun_path exactly. */
	memset(sock, 'a', sizeof(sock));
	sock[0] = '/';
	sock[107] = '\0';
	resolve(&p, sock, NULL);
	ATF_CHECK_STREQ(sock, p.socket);

	sock[107] = 'a';
	sock[108] = '\0';
	(void)snprintf(want, sizeof(want),
	    "socket path too long (108 bytes, at most 107): %s", sock);
	ATF_CHECK_STREQ(want, resolve_error(sock, NULL));
}

ATF_TC_WITHOUT_HEAD(runtime_dir_too_long_for_socket_is_rejected);
ATF_TC_BODY(runtime_dir_too_long_for_socket_is_rejected, tc)
{
	char dir[200], want[400];

	clear_env();
	/* 96 + "/goproc.sock" is 108 bytes: one too many. */
	memset(dir, 'd', sizeof(dir));
	dir[0] = '/';
	dir[96] = '\0';
	ATF_REQUIRE(setenv("XDG_RUNTIME_DIR", dir, 1) == 0);
	(void)snprintf(want, sizeof(want),
	    "socket path too long (108 bytes, at most 107): %s/goproc.sock",
	    dir);
	ATF_CHECK_STREQ(want, resolve_error(NULL, NULL));
}

ATF_TC_WITHOUT_HEAD(derived_file_names);
ATF_TC_BODY(derived_file_names, tc)
{
	struct goproc_paths p;

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_RUNTIME_DIR", "/rt", 1) == 0);
	resolve(&p, NULL, NULL);
	ATF_CHECK_STREQ("/rt", p.rundir);
	ATF_CHECK_STREQ("/rt/goproc.sock", p.socket);
	ATF_CHECK_STREQ("/rt/goproc.pid", p.pidfile);
	ATF_CHECK_STREQ("/rt", p.statedir);
	ATF_CHECK_STREQ("/rt/goproc.snapshot.json", p.snapshot);
	ATF_CHECK_STREQ("/rt/goproc.snapshot.json.tmp", p.snapshot_tmp);
	ATF_CHECK_STREQ("/rt/goproc.journal.tmp", p.journal_tmp);
	ATF_CHECK_STREQ("/rt/goproc.journal", p.journal);
}

ATF_TC_WITHOUT_HEAD(configured_state_dir_holds_the_state);
ATF_TC_BODY(configured_state_dir_holds_the_state, tc)
{
	struct goproc_paths p;

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_RUNTIME_DIR", "/rt", 1) == 0);
	resolve(&p, NULL, "/var/lib/goproc/");
	ATF_CHECK_STREQ("/rt/goproc.pid", p.pidfile);
	ATF_CHECK_STREQ("/var/lib/goproc", p.statedir);
	ATF_CHECK_STREQ("/var/lib/goproc/goproc.snapshot.json", p.snapshot);
	ATF_CHECK_STREQ(
	    "/var/lib/goproc/goproc.snapshot.json.tmp", p.snapshot_tmp);
	ATF_CHECK_STREQ("/var/lib/goproc/goproc.journal", p.journal);
}

ATF_TC_WITHOUT_HEAD(state_dir_environment_wins_over_config);
ATF_TC_BODY(state_dir_environment_wins_over_config, tc)
{
	struct goproc_paths p;

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_RUNTIME_DIR", "/rt", 1) == 0);
	ATF_REQUIRE(setenv("GOPROC_STATE_DIR", "/env/state", 1) == 0);
	resolve(&p, NULL, "/cfg/state");
	ATF_CHECK_STREQ("/env/state", p.statedir);
	ATF_CHECK_STREQ("/env/state/goproc.journal", p.journal);
}

ATF_TC_WITHOUT_HEAD(relative_state_dir_is_rejected);
ATF_TC_BODY(relative_state_dir_is_rejected, tc)
{
	clear_env();
	ATF_REQUIRE(setenv("GOPROC_RUNTIME_DIR", "/rt", 1) == 0);
	ATF_CHECK_STREQ("state directory: must be an absolute path, got "
	                "\"state\"",
	    resolve_error(NULL, "state"));
	ATF_REQUIRE(setenv("GOPROC_STATE_DIR", "env-state", 1) == 0);
	ATF_CHECK_STREQ("environment GOPROC_STATE_DIR: must be an absolute "
	                "path, got \"env-state\"",
	    resolve_error(NULL, "/cfg"));
}

ATF_TC_WITHOUT_HEAD(state_file_names_too_long_are_rejected);
ATF_TC_BODY(state_file_names_too_long_are_rejected, tc)
{
	char dir[PATH_MAX];

	clear_env();
	ATF_REQUIRE(setenv("GOPROC_RUNTIME_DIR", "/rt", 1) == 0);
	memset(dir, 's', sizeof(dir));
	dir[0] = '/';
	dir[PATH_MAX - 10] = '\0';
	ATF_CHECK_MATCH("^path too long: /sss*/goproc\\.snapshot\\.json$",
	    resolve_error(NULL, dir));
}

ATF_TC_WITHOUT_HEAD(failed_resolve_leaves_paths_unchanged);
ATF_TC_BODY(failed_resolve_leaves_paths_unchanged, tc)
{
	struct goproc_paths p;
	char err[256];

	clear_env();
	resolve(&p, "/a/b.sock", NULL);
	ATF_REQUIRE(
	    paths_resolve(&p, "/a/b.sock", "rel", err, sizeof(err)) == -1);
	ATF_CHECK_STREQ("/a/b.sock", p.socket);
	ATF_CHECK_STREQ("/a", p.statedir);
}

ATF_TC_WITHOUT_HEAD(ensure_dir_creates_0700_under_umask_0);
ATF_TC_BODY(ensure_dir_creates_0700_under_umask_0, tc)
{
	struct stat st;
	char top[PATH_MAX], dir[PATH_MAX], err[512];

	(void)strlcpy(top, make_tmpdir(), sizeof(top));
	(void)strlcpy(dir, path_in(top, "a/b/run"), sizeof(dir));
	(void)umask(0);
	ATF_REQUIRE_MSG(
	    paths_ensure_dir(dir, err, sizeof(err)) == 0, "%s", err);
	ATF_REQUIRE(lstat(dir, &st) == 0);
	ATF_CHECK(S_ISDIR(st.st_mode));
	ATF_CHECK_EQ(0700, st.st_mode & 07777);
	ATF_CHECK_EQ(geteuid(), st.st_uid);
	ATF_REQUIRE(lstat(path_in(top, "a/b"), &st) == 0);
	ATF_CHECK_EQ(0755, st.st_mode & 07777);
	ATF_REQUIRE(lstat(path_in(top, "a"), &st) == 0);
	ATF_CHECK_EQ(0755, st.st_mode & 07777);
}

ATF_TC_WITHOUT_HEAD(ensure_dir_is_0700_under_a_strict_umask);
ATF_TC_BODY(ensure_dir_is_0700_under_a_strict_umask, tc)
{
	struct stat st;
	char dir[PATH_MAX], err[512];

	(void)strlcpy(dir, path_in(make_tmpdir(), "run"), sizeof(dir));
	(void)umask(0777);
	ATF_REQUIRE_MSG(
	    paths_ensure_dir(dir, err, sizeof(err)) == 0, "%s", err);
	ATF_REQUIRE(lstat(dir, &st) == 0);
	ATF_CHECK_EQ(0700, st.st_mode & 07777);
}

ATF_TC_WITHOUT_HEAD(ensure_dir_accepts_an_existing_private_dir);
ATF_TC_BODY(ensure_dir_accepts_an_existing_private_dir, tc)
{
	struct stat st;
	char dir[PATH_MAX], err[512];

	(void)strlcpy(dir, make_tmpdir(), sizeof(dir));
	ATF_REQUIRE(chmod(dir, 0750) == 0);
	ATF_REQUIRE_MSG(
	    paths_ensure_dir(dir, err, sizeof(err)) == 0, "%s", err);
	/* An existing directory keeps its mode. */
	ATF_REQUIRE(lstat(dir, &st) == 0);
	ATF_CHECK_EQ(0750, st.st_mode & 07777);
}

ATF_TC_WITHOUT_HEAD(ensure_dir_refuses_a_symlink);
ATF_TC_BODY(ensure_dir_refuses_a_symlink, tc)
{
	char top[PATH_MAX], link[PATH_MAX], want[PATH_MAX + 128];

	(void)strlcpy(top, make_tmpdir(), sizeof(top));
	ATF_REQUIRE(mkdir(path_in(top, "real"), 0700) == 0);
	(void)strlcpy(link, path_in(top, "link"), sizeof(link));
	ATF_REQUIRE(symlink("real", link) == 0);
	(void)snprintf(want, sizeof(want),
	    "directory %s is a symbolic link; it must be a directory", link);
	ATF_CHECK_STREQ(want, ensure_error(link));
}

ATF_TC_WITHOUT_HEAD(ensure_dir_refuses_a_group_writable_dir);
ATF_TC_BODY(ensure_dir_refuses_a_group_writable_dir, tc)
{
	char dir[PATH_MAX], want[PATH_MAX + 128];

	(void)strlcpy(dir, make_tmpdir(), sizeof(dir));
	ATF_REQUIRE(chmod(dir, 0770) == 0);
	(void)snprintf(want, sizeof(want),
	    "directory %s has mode 0770; it must not be writable by group or "
	    "others",
	    dir);
	ATF_CHECK_STREQ(want, ensure_error(dir));
}

ATF_TC_WITHOUT_HEAD(ensure_dir_refuses_a_world_writable_dir);
ATF_TC_BODY(ensure_dir_refuses_a_world_writable_dir, tc)
{
	char dir[PATH_MAX], want[PATH_MAX + 128];

	(void)strlcpy(dir, make_tmpdir(), sizeof(dir));
	ATF_REQUIRE(chmod(dir, 01777) == 0);
	(void)snprintf(want, sizeof(want),
	    "directory %s has mode 1777; it must not be writable by group or "
	    "others",
	    dir);
	ATF_CHECK_STREQ(want, ensure_error(dir));
}

ATF_TC_WITHOUT_HEAD(ensure_dir_refuses_a_non_directory);
ATF_TC_BODY(ensure_dir_refuses_a_non_directory, tc)
{
	char file[PATH_MAX], want[PATH_MAX + 128];
	int fd;

	(void)strlcpy(file, path_in(make_tmpdir(), "file"), sizeof(file));
	ATF_REQUIRE((fd = open(file, O_WRONLY | O_CREAT, 0600)) != -1);
	ATF_REQUIRE(close(fd) == 0);
	(void)snprintf(want, sizeof(want), "%s is not a directory", file);
	ATF_CHECK_STREQ(want, ensure_error(file));
}

ATF_TC_WITHOUT_HEAD(ensure_dir_refuses_a_file_as_parent);
ATF_TC_BODY(ensure_dir_refuses_a_file_as_parent, tc)
{
	char file[PATH_MAX], dir[PATH_MAX];
	int fd;

	(void)strlcpy(file, path_in(make_tmpdir(), "file"), sizeof(file));
	ATF_REQUIRE((fd = open(file, O_WRONLY | O_CREAT, 0600)) != -1);
	ATF_REQUIRE(close(fd) == 0);
	(void)strlcpy(dir, path_in(file, "run"), sizeof(dir));
	ATF_CHECK_MATCH("file is not a directory", ensure_error(dir));
}

ATF_TC_WITHOUT_HEAD(ensure_dir_refuses_a_relative_path);
ATF_TC_BODY(ensure_dir_refuses_a_relative_path, tc)
{
	ATF_CHECK_STREQ(
	    "directory run is not an absolute path", ensure_error("run"));
}

ATF_TC(ensure_dir_refuses_a_dir_owned_by_another_user);
ATF_TC_HEAD(ensure_dir_refuses_a_dir_owned_by_another_user, tc)
{
	atf_tc_set_md_var(tc, "require.user", "root");
}
ATF_TC_BODY(ensure_dir_refuses_a_dir_owned_by_another_user, tc)
{
	char dir[PATH_MAX], want[PATH_MAX + 128];

	(void)strlcpy(dir, make_tmpdir(), sizeof(dir));
	ATF_REQUIRE(chown(dir, 4242, 4242) == 0);
	(void)snprintf(want, sizeof(want),
	    "directory %s is owned by uid 4242, not 0", dir);
	ATF_CHECK_STREQ(want, ensure_error(dir));
}

ATF_TC_WITHOUT_HEAD(open_dir_refuses_a_world_writable_ancestor);
ATF_TC_BODY(open_dir_refuses_a_world_writable_ancestor, tc)
{
	char top[PATH_MAX], pub[PATH_MAX], dir[PATH_MAX];
	char want[3 * PATH_MAX], err[3 * PATH_MAX];
	struct stat st;

	(void)strlcpy(top, make_tmpdir(), sizeof(top));
	(void)strlcpy(pub, path_in(top, "pub"), sizeof(pub));
	ATF_REQUIRE(mkdir(pub, 0700) == 0);
	ATF_REQUIRE(chmod(pub, 0777) == 0);
	(void)strlcpy(dir, path_in(pub, "run"), sizeof(dir));
	(void)snprintf(want, sizeof(want),
	    "directory %s: its ancestor %s has mode 0777; a directory above "
	    "it that others can write to must be sticky",
	    dir, pub);
	ATF_REQUIRE(paths_open_dir(dir, err, sizeof(err)) == -1);
	ATF_CHECK_STREQ(want, err);
	/* Refused before anything was created in it. */
	ATF_CHECK(lstat(dir, &st) == -1 && errno == ENOENT);

	/* Sticky, as /tmp is: accepted. */
	ATF_REQUIRE(chmod(pub, 01777) == 0);
	ATF_REQUIRE_MSG(
	    paths_ensure_dir(dir, err, sizeof(err)) == 0, "%s", err);
}

ATF_TC_WITHOUT_HEAD(open_dir_refuses_a_symlinked_ancestor);
ATF_TC_BODY(open_dir_refuses_a_symlinked_ancestor, tc)
{
	char top[PATH_MAX], dir[PATH_MAX], want[3 * PATH_MAX];

	(void)strlcpy(top, make_tmpdir(), sizeof(top));
	ATF_REQUIRE(mkdir(path_in(top, "real"), 0700) == 0);
	ATF_REQUIRE(mkdir(path_in(top, "real/run"), 0700) == 0);
	ATF_REQUIRE(symlink("real", path_in(top, "link")) == 0);
	(void)strlcpy(dir, path_in(top, "link/run"), sizeof(dir));
	(void)snprintf(want, sizeof(want),
	    "directory %s is a symbolic link; it must be a directory",
	    path_in(top, "link"));
	ATF_CHECK_STREQ(want, ensure_error(dir));
}

ATF_TC(open_dir_refuses_an_ancestor_owned_by_another_user);
ATF_TC_HEAD(open_dir_refuses_an_ancestor_owned_by_another_user, tc)
{
	atf_tc_set_md_var(tc, "require.user", "root");
}
ATF_TC_BODY(open_dir_refuses_an_ancestor_owned_by_another_user, tc)
{
	char top[PATH_MAX], other[PATH_MAX], dir[PATH_MAX];
	char want[3 * PATH_MAX];

	(void)strlcpy(top, make_tmpdir(), sizeof(top));
	(void)strlcpy(other, path_in(top, "other"), sizeof(other));
	ATF_REQUIRE(mkdir(other, 0755) == 0);
	ATF_REQUIRE(chown(other, 4242, 4242) == 0);
	(void)strlcpy(dir, path_in(other, "run"), sizeof(dir));
	ATF_REQUIRE(mkdir(dir, 0700) == 0);
	(void)snprintf(want, sizeof(want),
	    "directory %s: its ancestor %s is owned by uid 4242; only root "
	    "or uid 0 may own the directories above it",
	    dir, other);
	ATF_CHECK_STREQ(want, ensure_error(dir));
}

/* The descriptor stays on the directory opened, whatever the name. */
ATF_TC_WITHOUT_HEAD(open_dir_descriptor_survives_a_swap);
ATF_TC_BODY(open_dir_descriptor_survives_a_swap, tc)
{
	char top[PATH_MAX], dir[PATH_MAX], err[512];
	struct stat st;
	int fd;

	(void)strlcpy(top, make_tmpdir(), sizeof(top));
	(void)strlcpy(dir, path_in(top, "run"), sizeof(dir));
	ATF_REQUIRE_MSG(
	    (fd = paths_open_dir(dir, err, sizeof(err))) != -1, "%s", err);
	ATF_REQUIRE(rename(dir, path_in(top, "moved")) == 0);
	ATF_REQUIRE(mkdir(path_in(top, "evil"), 0700) == 0);
	ATF_REQUIRE(symlink("evil", dir) == 0);
	ATF_REQUIRE(close(openat(fd, "f", O_WRONLY | O_CREAT, 0600)) == 0);
	ATF_CHECK(lstat(path_in(top, "moved/f"), &st) == 0);
	ATF_CHECK(lstat(path_in(top, "evil/f"), &st) == -1);
	ATF_REQUIRE(close(fd) == 0);
	/* And the symbolic link now in its place is refused. */
	ATF_CHECK_MATCH("is a symbolic link", ensure_error(dir));
}

static const char *
open_file_error(int dfd, const char *name, int flags)
{
	static char err[512];

	err[0] = '\0';
	ATF_REQUIRE_MSG(
	    paths_open_file(dfd, name, name, flags, err, sizeof(err)) == -1,
	    "paths_open_file(%s) succeeded", name);
	return (err);
}

ATF_TC_WITHOUT_HEAD(open_file_refuses_what_is_not_ours);
ATF_TC_BODY(open_file_refuses_what_is_not_ours, tc)
{
	struct stat st;
	char err[512];
	int dfd, fd;

	ATF_REQUIRE((dfd = open(make_tmpdir(), O_RDONLY | O_DIRECTORY)) != -1);

	ATF_REQUIRE(mkfifoat(dfd, "fifo", 0600) == 0);
	ATF_CHECK_STREQ("fifo is not a regular file",
	    open_file_error(dfd, "fifo", O_RDONLY));
	ATF_CHECK_STREQ("fifo is not a regular file",
	    open_file_error(dfd, "fifo", O_RDWR | O_APPEND | O_CREAT));

	ATF_REQUIRE(symlinkat("/etc/passwd", dfd, "link") == 0);
	ATF_CHECK_STREQ("link is a symbolic link; it must be a regular file",
	    open_file_error(dfd, "link", O_RDONLY));

	ATF_REQUIRE((fd = openat(dfd, "open", O_WRONLY | O_CREAT, 0600)) != -1);
	ATF_REQUIRE(fchmod(fd, 0622) == 0);
	ATF_REQUIRE(write(fd, "x", 1) == 1);
	ATF_REQUIRE(close(fd) == 0);
	ATF_CHECK_STREQ("open has mode 0622; it must not be writable by group "
	                "or others",
	    open_file_error(dfd, "open", O_RDWR | O_APPEND | O_CREAT));
	/* Left as it was. */
	ATF_REQUIRE(fstatat(dfd, "open", &st, 0) == 0);
	ATF_CHECK_EQ(1, st.st_size);
	ATF_CHECK_EQ(0622, st.st_mode & 07777);

	ATF_REQUIRE(mkdirat(dfd, "dir", 0700) == 0);
	ATF_CHECK_STREQ(
	    "dir is not a regular file", open_file_error(dfd, "dir", O_RDONLY));

	/* A missing file: ENOENT, or created 0600 with O_CREAT. */
	ATF_REQUIRE(paths_open_file(
	                dfd, "none", "none", O_RDONLY, err, sizeof(err)) == -1);
	ATF_CHECK_EQ(ENOENT, errno);
	ATF_REQUIRE_MSG(
	    (fd = paths_open_file(dfd, "new", "new",
	         O_RDWR | O_APPEND | O_CREAT, err, sizeof(err))) != -1,
	    "%s", err);
	ATF_CHECK_EQ(O_APPEND, fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK));
	ATF_REQUIRE(close(fd) == 0);
}

ATF_TC(open_file_refuses_another_users_file);
ATF_TC_HEAD(open_file_refuses_another_users_file, tc)
{
	atf_tc_set_md_var(tc, "require.user", "root");
}
ATF_TC_BODY(open_file_refuses_another_users_file, tc)
{
	int dfd, fd;

	ATF_REQUIRE((dfd = open(make_tmpdir(), O_RDONLY | O_DIRECTORY)) != -1);
	ATF_REQUIRE((fd = openat(dfd, "f", O_WRONLY | O_CREAT, 0600)) != -1);
	ATF_REQUIRE(fchown(fd, 4242, 4242) == 0);
	ATF_REQUIRE(close(fd) == 0);
	ATF_CHECK_STREQ("f is owned by uid 4242, not 0",
	    open_file_error(dfd, "f", O_RDONLY));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, socket_flag_wins_over_environment);
	ATF_TP_ADD_TC(tp, goproc_socket_wins_over_runtime_dirs);
	ATF_TP_ADD_TC(tp, goproc_runtime_dir_wins_over_xdg);
	ATF_TP_ADD_TC(tp, xdg_runtime_dir_wins_over_default);
	ATF_TP_ADD_TC(tp, default_is_run_user_uid);
	ATF_TP_ADD_TC(tp, empty_environment_counts_as_unset);
	ATF_TP_ADD_TC(tp, relative_runtime_dir_is_rejected);
	ATF_TP_ADD_TC(tp, runtime_dir_trailing_slash_is_dropped);
	ATF_TP_ADD_TC(tp, relative_socket_is_made_absolute);
	ATF_TP_ADD_TC(tp, socket_in_root_directory);
	ATF_TP_ADD_TC(tp, socket_naming_a_directory_is_rejected);
	ATF_TP_ADD_TC(tp, socket_path_too_long_is_rejected);
	ATF_TP_ADD_TC(tp, runtime_dir_too_long_for_socket_is_rejected);
	ATF_TP_ADD_TC(tp, derived_file_names);
	ATF_TP_ADD_TC(tp, configured_state_dir_holds_the_state);
	ATF_TP_ADD_TC(tp, state_dir_environment_wins_over_config);
	ATF_TP_ADD_TC(tp, relative_state_dir_is_rejected);
	ATF_TP_ADD_TC(tp, state_file_names_too_long_are_rejected);
	ATF_TP_ADD_TC(tp, failed_resolve_leaves_paths_unchanged);
	ATF_TP_ADD_TC(tp, ensure_dir_creates_0700_under_umask_0);
	ATF_TP_ADD_TC(tp, ensure_dir_is_0700_under_a_strict_umask);
	ATF_TP_ADD_TC(tp, ensure_dir_accepts_an_existing_private_dir);
	ATF_TP_ADD_TC(tp, ensure_dir_refuses_a_symlink);
	ATF_TP_ADD_TC(tp, ensure_dir_refuses_a_group_writable_dir);
	ATF_TP_ADD_TC(tp, ensure_dir_refuses_a_world_writable_dir);
	ATF_TP_ADD_TC(tp, ensure_dir_refuses_a_non_directory);
	ATF_TP_ADD_TC(tp, ensure_dir_refuses_a_file_as_parent);
	ATF_TP_ADD_TC(tp, ensure_dir_refuses_a_relative_path);
	ATF_TP_ADD_TC(tp, ensure_dir_refuses_a_dir_owned_by_another_user);
	ATF_TP_ADD_TC(tp, open_dir_refuses_a_world_writable_ancestor);
	ATF_TP_ADD_TC(tp, open_dir_refuses_a_symlinked_ancestor);
	ATF_TP_ADD_TC(tp, open_dir_refuses_an_ancestor_owned_by_another_user);
	ATF_TP_ADD_TC(tp, open_dir_descriptor_survives_a_swap);
	ATF_TP_ADD_TC(tp, open_file_refuses_what_is_not_ours);
	ATF_TP_ADD_TC(tp, open_file_refuses_another_users_file);

	return (atf_no_error());
}

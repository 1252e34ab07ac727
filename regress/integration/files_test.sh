#! /usr/bin/env atf-sh
#
# goprocd's files and directories: a runtime or state directory that
# others could swap is refused, a directory swapped under a running
# daemon is not followed, state files that are not the daemon's own
# regular files are refused and left alone, two daemons never share a
# state directory, and a configuration error never quotes the file.

. "$(atf_get_srcdir)/common.sh"

# gp_refused pattern goprocd-args...: goprocd -d must exit 1 within 5 s
# and say pattern (an extended regex) on stderr.
gp_refused()
{
	gp_refused_re=$1
	shift
	"${GOPROCD}" -d "$@" >refused.out 2>refused.err &
	gp_refused_pid=$!
	echo "${gp_refused_pid}" >>daemon.pids
	gp_wait_gone "${gp_refused_pid}" || {
		kill -TERM "${gp_refused_pid}" 2>/dev/null
		atf_fail "goprocd is still running after 5 s"
	}
	wait "${gp_refused_pid}"
	rc=$?
	[ ${rc} -eq 1 ] || {
		cat refused.err >&2
		atf_fail "goprocd exited with ${rc}, not 1"
	}
	grep -Eq -- "${gp_refused_re}" refused.err || {
		cat refused.err >&2
		atf_fail "goprocd did not say: ${gp_refused_re}"
	}
}

atf_test_case world_writable_ancestor cleanup
world_writable_ancestor_head()
{
	atf_set "descr" "a runtime directory under a world-writable," \
	    "non-sticky directory is refused, naming that directory"
}
world_writable_ancestor_body()
{
	gp_env
	mkdir -m 777 pub
	chmod 777 pub
	export GOPROC_RUNTIME_DIR=$(pwd)/pub/run
	gp_refused "directory $(pwd)/pub/run: its ancestor $(pwd)/pub has mode 0777; a directory above it that others can write to must be sticky"
	[ ! -e pub/run ] || atf_fail "goprocd created pub/run"

	# Sticky, as /tmp is: no one else can rename what is ours there.
	chmod 1777 pub
	gp_start
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
}
world_writable_ancestor_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case state_dir_ancestor cleanup
state_dir_ancestor_head()
{
	atf_set "descr" "the state directory's ancestors are checked too," \
	    "and a symbolic link among them is not followed"
}
state_dir_ancestor_body()
{
	gp_env
	mkdir -m 700 real
	ln -s real link
	GOPROC_STATE_DIR=$(pwd)/link/state gp_refused \
	    "directory $(pwd)/link is a symbolic link; it must be a directory"
	[ ! -e real/state ] || atf_fail "goprocd followed the link"
	mkdir -m 770 shared
	GOPROC_STATE_DIR=$(pwd)/shared/state gp_refused \
	    "its ancestor $(pwd)/shared has mode 0770"
}
state_dir_ancestor_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case swapped_runtime_dir cleanup
swapped_runtime_dir_head()
{
	atf_set "descr" "a runtime directory renamed and replaced by a" \
	    "symbolic link under the running daemon is not followed"
}
swapped_runtime_dir_body()
{
	gp_start
	pid=$(gp_pid)
	p=$(gp_spawn sleep 300)
	atf_check -o match:"registered with id 1" "${GOPROCCTL}" add "$p"
	mv run moved
	mkdir -m 700 evil
	ln -s evil run
	export GOPROC_SOCKET=$(pwd)/moved/goproc.sock
	# A reset writes a new snapshot: temp file, rename, fsync.
	atf_check -o ignore "${GOPROCCTL}" reset --confirm RESET
	atf_check -o match:"registered with id 1" "${GOPROCCTL}" add "$p"
	kill -TERM "${pid}"
	gp_wait_gone "${pid}" || atf_fail "goprocd did not stop"
	atf_check -o empty ls -A evil
	[ -f moved/goproc.snapshot.json ] ||
	    atf_fail "the snapshot is not in the directory opened"
	[ ! -e moved/goproc.pid ] || atf_fail "the pid file was left"
	[ ! -e moved/goproc.sock ] || atf_fail "the socket was left"
}
swapped_runtime_dir_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case fifo_snapshot cleanup
fifo_snapshot_head()
{
	atf_set "descr" "a FIFO at the snapshot path is refused at once"
}
fifo_snapshot_body()
{
	gp_env
	mkdir -m 700 run
	mkfifo -m 600 run/goproc.snapshot.json
	gp_refused "$(pwd)/run/goproc.snapshot.json is not a regular file"
	[ -p run/goproc.snapshot.json ] || atf_fail "the FIFO was touched"
}
fifo_snapshot_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case socket_path_not_socket cleanup
socket_path_not_socket_head()
{
	atf_set "descr" "a file that is not a socket at the socket path is" \
	    "refused and left alone, not removed as a stale socket"
}
socket_path_not_socket_body()
{
	gp_env
	mkdir -m 700 run
	echo precious >run/notes.txt
	gp_refused "$(pwd)/run/notes.txt exists and is not a socket" \
	    -s "$(pwd)/run/notes.txt"
	atf_check -o inline:"precious\n" cat run/notes.txt
	ln -s notes.txt run/goproc.sock
	gp_refused "$(pwd)/run/goproc.sock exists and is not a socket"
	[ -L run/goproc.sock ] || atf_fail "the symbolic link was removed"
	[ -e run/goproc.pid ] && atf_fail "the PID file was left behind"
	# A stale socket is still removed.
	rm run/goproc.sock
	python3 -c 'import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$(pwd)/run/goproc.sock"
	gp_start
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
}
socket_path_not_socket_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case state_files_not_ours cleanup
state_files_not_ours_head()
{
	atf_set "descr" "a journal or snapshot writable by others, owned by" \
	    "another user or a symbolic link is refused and left alone"
	atf_set "require.user" "root"
}
state_files_not_ours_body()
{
	gp_env
	mkdir -m 700 run
	printf 'forged\n' >run/goproc.journal
	chmod 666 run/goproc.journal
	gp_refused "$(pwd)/run/goproc.journal has mode 0666; it must not be writable by group or others"
	atf_check -o inline:"forged\n" cat run/goproc.journal
	atf_check -o inline:"666\n" stat -c %a run/goproc.journal

	chmod 600 run/goproc.journal
	chown 4242:4242 run/goproc.journal
	gp_refused "$(pwd)/run/goproc.journal is owned by uid 4242, not 0"
	atf_check -o inline:"forged\n" cat run/goproc.journal
	rm run/goproc.journal

	printf '{}' >forged.json
	ln -s ../forged.json run/goproc.snapshot.json
	gp_refused "$(pwd)/run/goproc.snapshot.json is a symbolic link; it must be a regular file"
	rm run/goproc.snapshot.json
	printf '{"version": 1}' >run/goproc.snapshot.json
	chown 4242:4242 run/goproc.snapshot.json
	gp_refused "$(pwd)/run/goproc.snapshot.json is owned by uid 4242, not 0"
}
state_files_not_ours_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case shared_state_dir cleanup
shared_state_dir_head()
{
	atf_set "descr" "a second daemon with another socket but the same" \
	    "state directory is refused, naming the first one's pid"
}
shared_state_dir_body()
{
	# gp_env unsets GOPROC_STATE_DIR: the configuration names it.
	printf '{"state_dir": "%s"}' "$(pwd)/state" >state.json
	GP_BASE=$(pwd)/one
	mkdir one two
	gp_start -c state.json
	first=$(gp_pid)
	GP_BASE=$(pwd)/two
	gp_env
	gp_refused "state directory $(pwd)/state is in use by goprocd pid ${first} \\(lock file $(pwd)/state/goproc.lock\\)" \
	    -c state.json
	[ ! -e two/run/goproc.pid ] || atf_fail "the pid file was left"
	# The first is unharmed; once it stops, the second may start.
	GP_BASE=$(pwd)/one
	gp_env
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	gp_stop
	GP_BASE=$(pwd)/two
	gp_start -c state.json
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
}
shared_state_dir_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case config_not_quoted
config_not_quoted_head()
{
	atf_set "descr" "an error about the configuration file never quotes" \
	    "it, and a configuration file that is a symbolic link is refused"
}
config_not_quoted_body()
{
	gp_env
	printf 'root:$6$s3cr3tHASH:19000:0:99999:7:::\n' >shadow
	chmod 600 shadow
	ln -s shadow link.json
	atf_check -s exit:1 -o empty -e not-match:'s3cr3t' \
	    -e match:"link.json: is a symbolic link; name the configuration file itself" \
	    "${GOPROCD}" -n -c link.json
	atf_check -s exit:1 -o empty -e not-match:'s3cr3t' \
	    -e match:"shadow: line 1 column [0-9]+: invalid JSON" \
	    "${GOPROCD}" -n -c shadow
	printf '{\n  "liveness_interval": "s3cr3tHASH"\n}\n' >value.json
	atf_check -s exit:1 -o empty -e not-match:'s3cr3t' \
	    -e match:'value.json: line 2 column 3: key "liveness_interval": invalid duration$' \
	    "${GOPROCD}" -n -c value.json
	printf '{"liveness_interval": "1s", "s3cr3tHASH": 1}' >key.json
	atf_check -s exit:1 -o empty -e not-match:'s3cr3t' \
	    -e match:'key.json: line 1 column 29: unknown key$' \
	    "${GOPROCD}" -n -c key.json
	printf '{"a": s3cr3tHASH}' >token.json
	atf_check -s exit:1 -o empty -e not-match:'s3cr3t' \
	    -e match:'token.json: line 1 column 7: invalid JSON' \
	    "${GOPROCD}" -n -c token.json
}

atf_test_case config_link_on_reload cleanup
config_link_on_reload_head()
{
	atf_set "descr" "a configuration file replaced by a symbolic link" \
	    "or a FIFO is refused on SIGHUP, and the daemon keeps running"
}
config_link_on_reload_body()
{
	printf '{"liveness_interval": "5s"}' >c.json
	printf '{"liveness_interval": "s3cr3tHASH"}' >real.json
	gp_start -c c.json
	pid=$(gp_pid)
	rm c.json
	ln -s real.json c.json
	kill -HUP "${pid}"
	gp_poll_log "c.json: is a symbolic link; name the configuration file itself"
	rm c.json
	mkfifo c.json
	kill -HUP "${pid}"
	gp_poll_log "c.json: not a regular file"
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	atf_check -s exit:1 grep s3cr3t goprocd.log
}
config_link_on_reload_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

# gp_poll_log text: wait up to 5 s for text in goprocd.log.
gp_poll_log()
{
	i=0
	while [ $i -lt 100 ]; do
		grep -Fq -- "$1" goprocd.log && return 0
		sleep 0.05
		i=$((i + 1))
	done
	cat goprocd.log >&2
	atf_fail "goprocd did not log: $1"
}

atf_init_test_cases()
{
	atf_add_test_case world_writable_ancestor
	atf_add_test_case state_dir_ancestor
	atf_add_test_case swapped_runtime_dir
	atf_add_test_case fifo_snapshot
	atf_add_test_case socket_path_not_socket
	atf_add_test_case state_files_not_ours
	atf_add_test_case shared_state_dir
	atf_add_test_case config_not_quoted
	atf_add_test_case config_link_on_reload
}

# Shared by the integration tests: run a real goprocd in the test's
# private work directory and drive it with the real goprocctl.

top=$(cd "$(atf_get_srcdir)/../.." && pwd)
GOPROCD=${top}/goprocd/goprocd
GOPROCCTL=${top}/goprocctl/goprocctl

# A private runtime directory, and nothing inherited from the caller.
gp_env()
{
	unset GOPROC_SOCKET GOPROC_STATE_DIR XDG_RUNTIME_DIR
	unset GOPROC_LIVENESS_INTERVAL GOPROC_LAST_SEEN_INTERVAL
	export GOPROC_RUNTIME_DIR="${GP_BASE:-$(pwd)}/run"
	SOCK=${GOPROC_RUNTIME_DIR}/goproc.sock
	PIDFILE=${GOPROC_RUNTIME_DIR}/goproc.pid
}

# gp_start [goprocd flags...]: start goprocd -d in the background and
# wait until it answers.
gp_start()
{
	gp_env
	"${GOPROCD}" -d "$@" >>goprocd.log 2>&1 &
	echo $! >>daemon.pids
	gp_wait_ready || {
		cat goprocd.log >&2
		atf_fail "goprocd did not become ready"
	}
}

gp_wait_ready()
{
	i=0
	while [ $i -lt 100 ]; do
		"${GOPROCCTL}" ping >/dev/null 2>&1 && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# The pid of the running daemon's parent process.
gp_pid()
{
	cat "${PIDFILE}"
}

# Children of a process, one pid a line.
gp_children()
{
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep .
}

# gp_wait_gone pid...: wait up to 5 s for the processes to end.
gp_wait_gone()
{
	i=0
	while [ $i -lt 100 ]; do
		alive=0
		for p in "$@"; do
			# A zombie of ours (this shell's child) counts as gone.
			if [ -d /proc/"$p" ] && ! grep -q '^State:.*Z' \
			    /proc/"$p"/status 2>/dev/null; then
				alive=1
			fi
		done
		[ $alive -eq 0 ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# Stop every daemon this test started, whatever state it is in.
gp_cleanup()
{
	[ -f daemon.pids ] || return 0
	for p in $(cat daemon.pids); do
		kill -TERM "$p" 2>/dev/null
	done
	sleep 0.2
	for p in $(cat daemon.pids); do
		for c in $(gp_children "$p"); do
			kill -KILL "$c" 2>/dev/null
		done
		kill -KILL "$p" 2>/dev/null
	done
	[ -f base.dir ] && rm -rf "$(cat base.dir)"
	if [ -f tracked.pids ]; then
		for p in $(cat tracked.pids); do
			kill -KILL "$p" 2>/dev/null
		done
	fi
	return 0
}

# gp_spawn CMD...: a process to track, killed at cleanup; prints its pid.
gp_spawn()
{
	"$@" >/dev/null 2>&1 </dev/null &
	echo $! >>tracked.pids
	echo $!
}

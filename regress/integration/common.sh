# Shared by the integration tests: run a real goprocd in the test's
# private work directory and drive it with the real goprocctl.

top=$(cd "$(atf_get_srcdir)/../.." && pwd)
GOPROCD=${top}/goprocd/goprocd
GOPROCCTL=${top}/goprocctl/goprocctl

# A root goprocd runs its children as _goproc and refuses to start
# without it unless -u names a user (make install and make deps create
# it); create it here too.  Tests race to do so: either may win.
gp_ensure_user()
{
	[ "$(id -u)" -eq 0 ] || return 0
	i=0
	while ! getent passwd _goproc >/dev/null; do
		[ $i -lt 50 ] || return 1
		useradd --system --no-create-home --shell /usr/sbin/nologin \
		    _goproc >/dev/null 2>&1 || sleep 0.1
		i=$((i + 1))
	done
}
gp_ensure_user

# A private runtime directory, and nothing inherited from the caller.
gp_env()
{
	unset GOPROC_SOCKET GOPROC_STATE_DIR XDG_RUNTIME_DIR
	unset GOPROC_LIVENESS_INTERVAL GOPROC_LAST_SEEN_INTERVAL
	unset GOPROC_METRICS_INTERVAL GOPROC_DEAD_RETENTION
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

# gp_wait_for test-args...: wait up to 5 s until test(1) holds of the
# arguments ("gp_wait_for -S sock"); returns 1 if it never did.
gp_wait_for()
{
	_gw_i=0
	while ! test "$@"; do
		[ ${_gw_i} -lt 100 ] || return 1
		sleep 0.05
		_gw_i=$((_gw_i + 1))
	done
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
		# A shell's children first (sh -c 'sleep 1000; ...'): they
		# would outlive it.
		for p in $(cat tracked.pids); do
			for c in $(gp_children "$p"); do
				kill -KILL "$c" 2>/dev/null
			done
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
	gp_wait_exec $! "$1"
	echo $!
}

# gp_wait_exec PID CMD: wait until a forked shell has become CMD, so that
# what goprocd reads of it is CMD's command line, not the shell's.
gp_wait_exec()
{
	_i=0
	while [ $_i -lt 200 ]; do
		case "$(tr '\0' ' ' </proc/"$1"/cmdline 2>/dev/null)" in
		"$2"*|*/"$2"*|"") return 0 ;;
		esac
		sleep 0.01
		_i=$((_i + 1))
	done
}

# Helpers for commands_test.sh, persist_test.sh and liveness_test.sh.

# gp_stop: stop the running daemon with SIGTERM and wait until it and
# its children are gone.
gp_stop()
{
	gp_stop_pid=$(gp_pid)
	gp_stop_kids=$(gp_children "${gp_stop_pid}")
	kill -TERM "${gp_stop_pid}"
	gp_wait_gone "${gp_stop_pid}" ${gp_stop_kids} ||
	    atf_fail "goprocd did not stop"
}

# gp_poll regex goprocctl-args...: run goprocctl every 50 ms, up to 5 s,
# until a line of its output matches the extended regex.
gp_poll()
{
	gp_poll_re=$1
	shift
	i=0
	while [ $i -lt 100 ]; do
		"${GOPROCCTL}" "$@" 2>/dev/null | grep -Eq -- "${gp_poll_re}" &&
		    return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# gp_wait_dead id: wait until the entry id is listed as alive=false.
gp_wait_dead()
{
	gp_poll "^\\[id=$1\\] .* alive=false " list --id "$1" ||
	    atf_fail "entry $1 is not dead after 5 s"
}

# gp_run goprocctl-run-args...: goprocctl run, its output in run.out
# and run.err; the process group it started (from "Started pid=P",
# "started_pid" or "stopped pid P") is killed by gp_cleanup_groups.
# Sets gp_run_pid and returns goprocctl's exit status.
gp_run()
{
	"${GOPROCCTL}" run "$@" </dev/null >run.out 2>run.err
	gp_run_rc=$?
	gp_run_pid=$(sed -n -e 's/^Started pid=\([0-9][0-9]*\) .*/\1/p' \
	    -e 's/.*"started_pid": *\([0-9][0-9]*\).*/\1/p' run.out)
	[ -n "${gp_run_pid}" ] || gp_run_pid=$(sed -n \
	    's/.*stopped pid \([0-9][0-9]*\).*/\1/p' run.err)
	[ -n "${gp_run_pid}" ] && echo "${gp_run_pid}" >>tracked.pgids
	return ${gp_run_rc}
}

# gp_pgid pid: the process group of a process (field 5 of its stat).
gp_pgid()
{
	sed 's/.*) //' /proc/"$1"/stat | cut -d ' ' -f 3
}

# gp_start_ticks pid: the start time of a process (field 22 of its stat).
gp_start_ticks()
{
	sed 's/.*) //' /proc/"$1"/stat | cut -d ' ' -f 20
}

# gp_alive pid: the process exists and is not a zombie.
gp_alive()
{
	[ -d /proc/"$1" ] && ! grep -q '^State:.*Z' /proc/"$1"/status \
	    2>/dev/null
}

# Prefix for a command to run as nobody:nogroup (also with atf_check).
GP_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"

# gp_group_alive pgid: the processes of a process group that are not
# zombies (pid 1 may not reap the orphans), one pid a line.
gp_group_alive()
{
	ps -e -o pgid= -o stat= -o pid= |
	    awk -v g="$1" '$1 == g && $2 !~ /^Z/ { print $3 }'
}

# gp_start_nobody: start goprocd -d as nobody, its runtime directory in
# a fresh directory under /tmp owned by nobody (the test's work
# directory is not reachable by nobody); gp_cleanup_groups removes it.
gp_start_nobody()
{
	gp_env
	gp_nobody_dir=$(mktemp -d /tmp/goproc-nobody.XXXXXX) ||
	    atf_fail "cannot create a directory for nobody"
	echo "${gp_nobody_dir}" >>nobody.dirs
	chmod 755 "${gp_nobody_dir}"
	chown nobody:nogroup "${gp_nobody_dir}"
	export GOPROC_RUNTIME_DIR=${gp_nobody_dir}/run
	SOCK=${GOPROC_RUNTIME_DIR}/goproc.sock
	PIDFILE=${GOPROC_RUNTIME_DIR}/goproc.pid
	(cd "${gp_nobody_dir}" && exec ${GP_NOBODY} "${GOPROCD}" -d) \
	    >>goprocd.log 2>&1 &
	echo $! >>daemon.pids
	gp_wait_ready || {
		cat goprocd.log >&2
		atf_fail "goprocd did not become ready as nobody"
	}
}

# gp_fake_daemon: something at ${SOCK} that accepts connections and
# never answers.
gp_fake_daemon()
{
	gp_env
	mkdir -m 700 -p "${GOPROC_RUNTIME_DIR}"
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(16)
held = []
while True:
    held.append(s.accept()[0])
' "${SOCK}" >/dev/null 2>&1 </dev/null &
	echo $! >>daemon.pids
	gp_wait_for -S "${SOCK}"
	[ -S "${SOCK}" ] || atf_fail "the fake daemon did not bind ${SOCK}"
}

# Kill the process groups that goprocctl run started, and remove the
# directories made for nobody; for cleanup, after gp_cleanup.
gp_cleanup_groups()
{
	if [ -f tracked.pgids ]; then
		for g in $(cat tracked.pgids); do
			[ "$g" -gt 1 ] 2>/dev/null && kill -KILL "-$g" 2>/dev/null
		done
	fi
	if [ -f nobody.dirs ]; then
		for d in $(cat nobody.dirs); do
			case "$d" in
			/tmp/goproc-nobody.*) rm -rf "$d" ;;
			esac
		done
	fi
	return 0
}

# gp_child role: the pid of the daemon's child "goprocd: role".
gp_child()
{
	for c in $(gp_children "$(gp_pid)"); do
		ps -o args= -p "$c" | grep -q "^goprocd: $1" && echo "$c"
	done
}

# The snapshot and the journal of a daemon started with gp_env and no
# state directory.
gp_snapshot()
{
	echo "${GOPROC_RUNTIME_DIR}/goproc.snapshot.json"
}

gp_journal()
{
	echo "${GOPROC_RUNTIME_DIR}/goproc.journal"
}

# A runtime directory that other users can reach (the test's work
# directory sits below directories private to root); gp_cleanup removes
# it.
gp_shared_base()
{
	GP_BASE=$(mktemp -d /tmp/goproc-test.XXXXXX)
	echo "${GP_BASE}" >base.dir
	chmod 755 "${GP_BASE}"
	export GP_BASE
}

# Prefix for a command to run as nobody:nogroup, ending the options.
GP_AS_NOBODY="${GP_NOBODY} --"

# gp_frontend_rss: VmRSS of the daemon's frontend, in kB.
gp_frontend_rss()
{
	for c in $(gp_children "$(gp_pid)"); do
		if ps -o args= -p "$c" | grep -q "goprocd: frontend"; then
			awk '/^VmRSS/ { print $2 }' /proc/"$c"/status
		fi
	done
}

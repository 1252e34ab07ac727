#! /usr/bin/env atf-sh
#
# goprocd as a daemon: start, answer, refuse a second instance, stop
# cleanly, and never outlive one of its processes.

. "$(atf_get_srcdir)/common.sh"

atf_test_case ping cleanup
ping_head()
{
	atf_set "descr" "goprocctl ping answers pong through the registry"
}
ping_body()
{
	gp_start
	atf_check -s exit:0 -o inline:"pong\n" -e empty "${GOPROCCTL}" ping
	atf_check -s exit:0 -o inline:"pong\n" -e empty \
	    "${GOPROCCTL}" ping --timeout 1
	atf_check -s exit:0 -o inline:"pong\n" -e empty \
	    "${GOPROCCTL}" --socket "${SOCK}" ping -t 1
}
ping_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case ping_no_daemon
ping_no_daemon_head()
{
	atf_set "descr" "without a daemon, ping fails at once with exit 3"
}
ping_no_daemon_body()
{
	gp_env
	start=$(date +%s%N)
	atf_check -s exit:3 -o empty \
	    -e match:"^goprocctl: daemon is not running \\(no socket at ${SOCK}\\)" \
	    "${GOPROCCTL}" ping --timeout 10
	end=$(date +%s%N)
	[ $(((end - start) / 1000000)) -lt 1000 ] ||
	    atf_fail "ping took $(((end - start) / 1000000)) ms to fail"
}

atf_test_case titles cleanup
titles_head()
{
	atf_set "descr" "goprocd runs as four processes with their titles"
}
titles_body()
{
	gp_start
	ppid=$(gp_pid)
	# Started by its full path, longer than the title: nothing of the
	# old argv[0] (libbsd's '.') shows after the title.
	atf_check -o inline:"goprocd: parent\n" sh -c \
	    "ps -o args= -p ${ppid} | sed 's/ *\$//'"
	atf_check -o inline:"goprocd: parent" sh -c \
	    "tr -d '\\000' </proc/${ppid}/cmdline"
	for c in $(gp_children "${ppid}"); do
		ps -o args= -p "$c" >>titles
	done
	sort titles >titles.sorted
	printf 'goprocd: frontend\ngoprocd: prober\ngoprocd: registry\n' \
	    >expected
	atf_check -o file:expected sed 's/ *$//' titles.sorted
}
titles_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case roles cleanup
roles_head()
{
	atf_set "descr" "each role is goprocd itself, re-executed by the" \
	    "parent, with its channels to the parent and its two peers" \
	    "at descriptors 3, 4 and 5"
	atf_set "require.progs" "ss"
}
roles_body()
{
	gp_start
	ppid=$(gp_pid)
	exe=$(readlink /proc/"${ppid}"/exe)
	[ "${exe}" = "${GOPROCD}" ] || atf_fail "parent runs ${exe}"
	for role in registry prober frontend; do
		c=$(gp_child "${role}")
		[ $(echo "${c}" | wc -w) -eq 1 ] ||
		    atf_fail "${role}: processes '${c}'"
		atf_check -o inline:"goprocd: ${role}\n" sh -c \
		    "ps -o args= -p ${c} | sed 's/ *\$//'"
		atf_check -o match:"^PPid:[[:space:]]+${ppid}\$" \
		    cat /proc/"${c}"/status
		[ "$(readlink /proc/"${c}"/exe)" = "${exe}" ] ||
		    atf_fail "${role} runs $(readlink /proc/"${c}"/exe)"
		for fd in 3 4 5; do
			atf_check -o match:"^socket:" \
			    readlink /proc/"${c}"/fd/"${fd}"
		done
		# Nothing of the parent's leaks through the exec.
		ls -l /proc/"${c}"/fd | grep -q "goproc\.pid" &&
		    atf_fail "${role} holds the pid file"
	done
	# Each channel leads where its number says: the parent, then the
	# two other children in the order registry, prober, frontend.
	reg=$(gp_child registry)
	pro=$(gp_child prober)
	fro=$(gp_child frontend)
	roles_peer "${reg}" 3 "${ppid}"
	roles_peer "${reg}" 4 "${pro}"
	roles_peer "${reg}" 5 "${fro}"
	roles_peer "${pro}" 3 "${ppid}"
	roles_peer "${pro}" 4 "${reg}"
	roles_peer "${pro}" 5 "${fro}"
	roles_peer "${fro}" 3 "${ppid}"
	roles_peer "${fro}" 4 "${reg}"
	roles_peer "${fro}" 5 "${pro}"
}
# roles_peer pid fd peer: the socket at pid's fd is connected to one
# that process peer holds.
roles_peer()
{
	ino=$(readlink /proc/"$1"/fd/"$2" | sed 's/^socket:\[\(.*\)\]$/\1/')
	other=$(ss -xa | awk -v i="${ino}" '$6 == i { print $8 }')
	[ -n "${other}" ] || atf_fail "pid $1 fd $2: no peer in ss -x"
	ls -l /proc/"$3"/fd | grep -q "socket:\[${other}\]" ||
	    atf_fail "pid $1 fd $2 does not lead to pid $3"
}
roles_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case unknown_role
unknown_role_head()
{
	atf_set "descr" "goprocd -P runs only a child's role, never the" \
	    "parent's or one it does not know"
}
unknown_role_body()
{
	gp_env
	atf_check -s exit:1 -o empty \
	    -e match:"unknown process role bogus" "${GOPROCD}" -d -P bogus
	atf_check -s exit:1 -o empty \
	    -e match:"unknown process role parent" "${GOPROCD}" -d -P parent
}

atf_test_case restart cleanup
restart_head()
{
	atf_set "descr" "a stopped daemon starts again with its four roles," \
	    "all new processes, and stops again cleanly"
}
restart_body()
{
	gp_start
	old=$(gp_pid)
	oldkids=$(gp_children "${old}")
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	kill -TERM "${old}"
	gp_wait_gone "${old}" ${oldkids} || atf_fail "processes left behind"
	gp_start
	new=$(gp_pid)
	[ "${new}" != "${old}" ] || atf_fail "the same parent ${old}"
	for role in registry prober frontend; do
		c=$(gp_child "${role}")
		[ -n "${c}" ] || atf_fail "no ${role} after the restart"
		for o in ${oldkids}; do
			[ "${c}" != "${o}" ] || atf_fail "${role} is old"
		done
	done
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	newkids=$(gp_children "${new}")
	kill -TERM "${new}"
	gp_wait_gone "${new}" ${newkids} || atf_fail "processes left behind"
	[ "$(grep -c terminating goprocd.log)" -eq 2 ] ||
	    atf_fail "two stops expected in the log"
	atf_check -s exit:1 grep -E "closed its channel|exited with|did not stop" \
	    goprocd.log
}
restart_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case title_same_length cleanup
title_same_length_head()
{
	atf_set "descr" "started as goprocd/goprocd, as long as the title" \
	    "'goprocd: parent', the parent's title has no trailing blank"
}
title_same_length_body()
{
	gp_env
	# libbsd puts a ' ' where an argv[0] of the title's length ended.
	(cd "${top}" && exec goprocd/goprocd -d) >>goprocd.log 2>&1 &
	echo $! >>daemon.pids
	gp_wait_ready || atf_fail "goprocd did not become ready"
	ppid=$(gp_pid)
	atf_check -o inline:"goprocd: parent" sh -c \
	    "tr -d '\\000' </proc/${ppid}/cmdline"
	atf_check -o inline:"goprocd: parent\n" ps -o args= -p "${ppid}"
}
title_same_length_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case no_runtime_dir
no_runtime_dir_head()
{
	atf_set "descr" "a user without XDG_RUNTIME_DIR, whose /run/user/UID" \
	    "cannot be made, is told which variable to set"
	atf_set "require.user" "root"
}
no_runtime_dir_body()
{
	[ -e /run/user/65534 ] && atf_skip "/run/user/65534 exists"
	atf_check -s exit:1 -o empty \
	    -e match:"cannot create directory /run/user/65534" \
	    -e match:"set GOPROC_RUNTIME_DIR \(or XDG_RUNTIME_DIR\)" \
	    env -u XDG_RUNTIME_DIR -u GOPROC_RUNTIME_DIR -u GOPROC_SOCKET \
	    -u GOPROC_STATE_DIR ${GP_NOBODY} "${GOPROCD}" -d
	# Named, the directory's own error is all there is to say.
	atf_check -s exit:1 -o empty -e not-match:"GOPROC_RUNTIME_DIR" \
	    env GOPROC_RUNTIME_DIR=/run/user/65534 ${GP_NOBODY} "${GOPROCD}" -d
}

atf_test_case second_instance cleanup
second_instance_head()
{
	atf_set "descr" "a second goprocd refuses to start and names the pid"
}
second_instance_body()
{
	gp_start
	pid=$(gp_pid)
	atf_check -s exit:1 -o empty \
	    -e match:"Daemon is already running \\(pid ${pid}\\)\\. Stop it manually or re-run with --force " \
	    "${GOPROCD}" -d
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	atf_check -o inline:"${pid}" cat "${PIDFILE}"
}
second_instance_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case force_replaces cleanup
force_replaces_head()
{
	atf_set "descr" "goprocd -F stops the running daemon and takes over"
}
force_replaces_body()
{
	gp_start
	old=$(gp_pid)
	oldkids=$(gp_children "${old}")
	gp_start -F
	gp_wait_gone "${old}" ${oldkids} ||
	    atf_fail "the old daemon is still running"
	gp_wait_ready || atf_fail "the new daemon did not become ready"
	new=$(gp_pid)
	[ "${new}" != "${old}" ] || atf_fail "pid file still names ${old}"
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	atf_check -o match:"Stopping existing daemon process\\.\\.\\. \\(pid ${old}\\)" \
	    cat goprocd.log
}
force_replaces_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case sigterm_to_all cleanup
sigterm_to_all_head()
{
	atf_set "descr" "SIGTERM to all four processes at once, as pkill" \
	    "goprocd sends it, is a clean stop with status 0"
}
sigterm_to_all_body()
{
	gp_start
	daemon=$(tail -n 1 daemon.pids)
	pid=$(gp_pid)
	[ "${daemon}" = "${pid}" ] || atf_fail "pid file names ${pid}"
	kids=$(gp_children "${pid}")
	kill -TERM ${kids} "${pid}"
	wait "${daemon}"
	status=$?
	gp_wait_gone "${pid}" ${kids} || atf_fail "processes left behind"
	[ "${status}" -eq 0 ] || {
		cat goprocd.log >&2
		atf_fail "goprocd exited with ${status}"
	}
	atf_check -o match:"SIGTERM received" cat goprocd.log
	atf_check -s exit:1 grep -E "closed its channel|exited with" \
	    goprocd.log
	[ ! -e "${SOCK}" ] || atf_fail "socket left behind"
	[ ! -e "${PIDFILE}" ] || atf_fail "pid file left behind"
}
sigterm_to_all_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case sigterm_cleans_up cleanup
sigterm_cleans_up_head()
{
	atf_set "descr" "SIGTERM leaves no socket, no pid file, no process"
}
sigterm_cleans_up_body()
{
	gp_start
	pid=$(gp_pid)
	kids=$(gp_children "${pid}")
	[ $(echo "${kids}" | wc -w) -eq 3 ] || atf_fail "children: ${kids}"
	kill -TERM "${pid}"
	gp_wait_gone "${pid}" ${kids} || atf_fail "processes left behind"
	[ ! -e "${SOCK}" ] || atf_fail "socket left behind"
	[ ! -e "${PIDFILE}" ] || atf_fail "pid file left behind"
}
sigterm_cleans_up_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case sigint_cleans_up cleanup
sigint_cleans_up_head()
{
	atf_set "descr" "SIGINT (Ctrl+C) stops the daemon the same way"
}
sigint_cleans_up_body()
{
	gp_start
	pid=$(gp_pid)
	kids=$(gp_children "${pid}")
	kill -INT "${pid}"
	gp_wait_gone "${pid}" ${kids} || atf_fail "processes left behind"
	[ ! -e "${SOCK}" ] || atf_fail "socket left behind"
	[ ! -e "${PIDFILE}" ] || atf_fail "pid file left behind"
}
sigint_cleans_up_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case sighup_keeps_running cleanup
sighup_keeps_running_head()
{
	atf_set "descr" "SIGHUP reloads the configuration and keeps serving"
}
sighup_keeps_running_body()
{
	printf '{"liveness_interval": "5s"}\n' >good.json
	gp_start -c "$(pwd)/good.json"
	pid=$(gp_pid)
	printf '{"liveness_interval": "bogus"}\n' >good.json
	kill -HUP "${pid}"
	sleep 0.3
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	atf_check -o match:"reload failed.*liveness_interval" cat goprocd.log
}
sighup_keeps_running_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

# A dead child brings the whole daemon down, whichever child it was.
child_death()
{
	gp_start
	pid=$(gp_pid)
	kids=$(gp_children "${pid}")
	victim=
	for c in ${kids}; do
		ps -o args= -p "$c" | grep -q "goprocd: $1" && victim=$c
	done
	[ -n "${victim}" ] || atf_fail "no $1 process"
	kill -KILL "${victim}"
	gp_wait_gone "${pid}" ${kids} || atf_fail "processes left behind"
	[ ! -e "${SOCK}" ] || atf_fail "socket left behind"
	atf_check -o match:"$1.*terminated by signal 9" cat goprocd.log
	atf_check -s exit:3 -e ignore "${GOPROCCTL}" ping
}

atf_test_case registry_death cleanup
registry_death_head()
{
	atf_set "descr" "killing the registry ends the whole daemon"
}
registry_death_body()
{
	child_death registry
}
registry_death_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case prober_death cleanup
prober_death_head()
{
	atf_set "descr" "killing the prober ends the whole daemon"
}
prober_death_body()
{
	child_death prober
}
prober_death_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case frontend_death cleanup
frontend_death_head()
{
	atf_set "descr" "killing the frontend ends the whole daemon"
}
frontend_death_body()
{
	child_death frontend
}
frontend_death_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case parent_death cleanup
parent_death_head()
{
	atf_set "descr" "killing the parent with SIGKILL leaves no child"
}
parent_death_body()
{
	gp_start
	pid=$(gp_pid)
	kids=$(gp_children "${pid}")
	kill -KILL "${pid}"
	gp_wait_gone ${kids} || atf_fail "children outlived the parent"
	# What it leaves is stale and the next start cleans it up.
	gp_start
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
}
parent_death_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case modes cleanup
modes_head()
{
	atf_set "descr" "the runtime directory is 0700 and the socket 0600"
}
modes_body()
{
	umask 000
	gp_start
	atf_check -o inline:"700\n" stat -c %a "${GOPROC_RUNTIME_DIR}"
	atf_check -o inline:"600\n" stat -c %a "${SOCK}"
	atf_check -o inline:"600\n" stat -c %a "${PIDFILE}"
}
modes_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case daemonizes cleanup
daemonizes_head()
{
	atf_set "descr" "without -d goprocd returns once it is ready"
}
daemonizes_body()
{
	gp_env
	atf_check -s exit:0 -o empty -e empty "${GOPROCD}"
	pid=$(gp_pid)
	echo "${pid}" >>daemon.pids
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	kill -TERM "${pid}"
	gp_wait_gone "${pid}" || atf_fail "daemon did not stop"
}
daemonizes_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case config_check
config_check_head()
{
	atf_set "descr" "goprocd -n checks the configuration and exits"
}
config_check_body()
{
	gp_env
	printf '{"liveness_interval": "1m30s", "last_seen_interval": "250ms"}' \
	    >good.json
	atf_check -s exit:0 -o inline:"configuration OK\n" -e empty \
	    "${GOPROCD}" -n -c good.json
	printf '{"liveness_interval": "0s"}' >zero.json
	atf_check -s exit:1 -o empty \
	    -e match:'zero.json: line 1 column 2: key "liveness_interval": must be positive' \
	    "${GOPROCD}" -n -c zero.json
	printf '{"livenes_interval": "5s"}' >typo.json
	atf_check -s exit:1 -o empty \
	    -e match:'typo.json: line 1 column 2: unknown key$' \
	    "${GOPROCD}" -n -c typo.json
	printf '{"liveness_interval": ' >broken.json
	atf_check -s exit:1 -o empty -e match:'broken.json: .*JSON' \
	    "${GOPROCD}" -n -c broken.json
	atf_check -s exit:1 -o empty -e match:'missing.json: .*No such file' \
	    "${GOPROCD}" -n -c missing.json
	GOPROC_LIVENESS_INTERVAL=-5s atf_check -s exit:1 -o empty \
	    -e match:'GOPROC_LIVENESS_INTERVAL' "${GOPROCD}" -n -c good.json
	[ ! -e "${GOPROC_RUNTIME_DIR}" ] ||
	    atf_fail "-n created the runtime directory"
}

atf_test_case socket_too_long
socket_too_long_head()
{
	atf_set "descr" "a socket path longer than sun_path is refused"
}
socket_too_long_body()
{
	gp_env
	long=$(pwd)/$(printf '%0120d' 0)/goproc.sock
	atf_check -s exit:1 -o empty -e match:"socket path too long" \
	    "${GOPROCD}" -d -s "${long}"
}

atf_test_case runtime_dir_owner
runtime_dir_owner_head()
{
	atf_set "descr" "a runtime directory owned by another user is refused"
	atf_set "require.user" "root"
}
runtime_dir_owner_body()
{
	gp_env
	mkdir -m 700 run
	chown nobody run
	atf_check -s exit:1 -o empty -e match:"run.* owned by" "${GOPROCD}" -d
}

atf_test_case usage
usage_head()
{
	atf_set "descr" "bad flags are usage errors with exit status 2"
}
usage_body()
{
	atf_check -s exit:2 -o empty -e match:"usage: goprocd" "${GOPROCD}" -x
	atf_check -s exit:2 -o empty \
	    -e inline:"goprocctl: unknown option --bogus\nTry 'goprocctl --help'.\n" \
	    "${GOPROCCTL}" --bogus
	atf_check -s exit:2 -o empty -e match:"^Try 'goprocctl --help'" \
	    "${GOPROCCTL}" frobnicate
	atf_check -s exit:0 -o match:"^goprocd 0" "${GOPROCD}" -V
	atf_check -s exit:0 -o match:"^goprocctl 0" "${GOPROCCTL}" --version
	atf_check -s exit:0 -o match:"usage" "${GOPROCCTL}" --help
}

atf_test_case notify_ready cleanup
notify_ready_head()
{
	atf_set "descr" "under a service manager goprocd sends READY=1"
	atf_set "require.progs" "python3"
}
notify_ready_body()
{
	gp_env
	# A stand-in for systemd's notification socket.
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(10)
print(s.recv(4096).decode(), flush=True)
' "$(pwd)/notify.sock" >notify.out &
	listener=$!
	gp_wait_for -S notify.sock
	NOTIFY_SOCKET="$(pwd)/notify.sock" "${GOPROCD}" -d >>goprocd.log 2>&1 &
	echo $! >>daemon.pids
	wait "${listener}"
	atf_check -o inline:"READY=1\n" cat notify.out
	# Ready means ready: the socket answers at once.
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
}
notify_ready_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case goprocctl_daemon cleanup
goprocctl_daemon_head()
{
	atf_set "descr" "goprocctl daemon runs goprocd -d, --force replaces"
}
goprocctl_daemon_body()
{
	gp_env
	"${GOPROCCTL}" daemon >>goprocd.log 2>&1 &
	echo $! >>daemon.pids
	gp_wait_ready || atf_fail "goprocctl daemon did not start goprocd"
	first=$(gp_pid)
	atf_check -o match:"goprocd: parent" ps -o args= -p "${first}"
	# A second one says so, and its hint is a flag that daemon takes.
	atf_check -s exit:1 -o empty \
	    -e match:"^goprocd: Daemon is already running \\(pid ${first}\\)\\. Stop it manually or re-run with --force" \
	    "${GOPROCCTL}" daemon
	"${GOPROCCTL}" daemon --force >>goprocd.log 2>&1 &
	echo $! >>daemon.pids
	gp_wait_gone "${first}" || atf_fail "--force left the old daemon"
	gp_wait_ready || atf_fail "the new daemon did not start"
	[ "$(gp_pid)" != "${first}" ] || atf_fail "still the old daemon"
	atf_check -o match:"Stopping existing daemon process\\.\\.\\. \\(pid ${first}\\)" \
	    cat goprocd.log
}
goprocctl_daemon_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case sandboxed cleanup
sandboxed_head()
{
	atf_set "descr" "all four processes run with no new privileges and" \
	    "a seccomp filter"
}
sandboxed_body()
{
	gp_start
	n=0
	for c in "$(gp_pid)" $(gp_children "$(gp_pid)"); do
		atf_check -o match:"^NoNewPrivs:[[:space:]]+1$" \
		    -o match:"^Seccomp:[[:space:]]+2$" cat /proc/"$c"/status
		n=$((n + 1))
	done
	[ "$n" -eq 4 ] || atf_fail "expected 4 processes, found $n"
}
sandboxed_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case config_check_encoded
config_check_encoded_head()
{
	atf_set "descr" "goprocd -n -v encodes the control bytes of a path"
}
config_check_encoded_body()
{
	gp_env
	esc=$(printf '\033')
	mkdir -p "$(pwd)/a${esc}b"
	GOPROC_STATE_DIR="$(pwd)/a${esc}b" atf_check \
	    -o match:"^state directory .*/a\\\\033b\$" \
	    -o not-match:"${esc}" "${GOPROCD}" -n -v
}

atf_init_test_cases()
{
	atf_add_test_case config_check_encoded
	atf_add_test_case sandboxed
	atf_add_test_case ping
	atf_add_test_case ping_no_daemon
	atf_add_test_case titles
	atf_add_test_case title_same_length
	atf_add_test_case roles
	atf_add_test_case unknown_role
	atf_add_test_case restart
	atf_add_test_case no_runtime_dir
	atf_add_test_case second_instance
	atf_add_test_case force_replaces
	atf_add_test_case sigterm_cleans_up
	atf_add_test_case sigterm_to_all
	atf_add_test_case sigint_cleans_up
	atf_add_test_case sighup_keeps_running
	atf_add_test_case registry_death
	atf_add_test_case prober_death
	atf_add_test_case frontend_death
	atf_add_test_case parent_death
	atf_add_test_case modes
	atf_add_test_case daemonizes
	atf_add_test_case config_check
	atf_add_test_case socket_too_long
	atf_add_test_case runtime_dir_owner
	atf_add_test_case usage
	atf_add_test_case notify_ready
	atf_add_test_case goprocctl_daemon
}

#! /usr/bin/env atf-sh
#
# A goproc user's scripts read goprocctl's output: every case of the Go
# program's output (what it prints and its exit status) through a real
# goprocd, one test case a command.  Where goprocctl differs on purpose,
# goprocctl(1) says so under COMPATIBILITY.

. "$(atf_get_srcdir)/common.sh"

# expect line...: the lines, in the file "expected".
expect()
{
	printf '%s\n' "$@" >expected
}

# Two alive entries, one with a name and one without.
#   [id=1] sleep 1001 name=web tags=[a,b] groups=[prod]
#   [id=2] sleep 1002          tags=[b]   groups=[]
pair()
{
	gp_start
	p1=$(gp_spawn sleep 1001)
	p2=$(gp_spawn sleep 1002)
	"${GOPROCCTL}" add "${p1}" --name web --tag a --tag b --group prod \
	    >/dev/null || atf_fail "cannot add ${p1}"
	"${GOPROCCTL}" add "${p2}" --tag b >/dev/null ||
	    atf_fail "cannot add ${p2}"
	l1="[id=1] pid=${p1} name=web alive=true cmd=sleep 1001 tags=[a,b] groups=[prod]"
	l2="[id=2] pid=${p2} name=- alive=true cmd=sleep 1002 tags=[b] groups=[]"
}

# fake_kill_daemon flags:name... then ERROR text: a stand-in goprocd that
# answers any request with one kill result per argument (flags, then the
# entry's name or -, ids from 1, pids from 101, message "Operation not
# permitted" on a failure), then a terminal ERROR with the last
# argument.  goprocd cannot make a kill fail on demand; this shows what
# goprocctl prints for each kind of result it may get.
fake_kill_daemon()
{
	gp_env
	mkdir -m 700 -p "${GOPROC_RUNTIME_DIR}"
	python3 -c '
import os, socket, struct, sys
RESULT, ERROR = 12, 15
def s(v):
    v = v.encode()
    return struct.pack("=H", len(v)) + v
def msg(t, body):
    return struct.pack("=IIII", t, 16 + len(body), 0, os.getpid()) + body
out = b""
for i, arg in enumerate(sys.argv[2:-1]):
    flags, name = arg.split(":")
    flags = int(flags)
    why = "Operation not permitted" if flags & 4 else ""
    entry = struct.pack("=QQqqiiIIIIII", i + 1, 1, 0, 0, 101 + i, 0, 0, 1,
        0, 0, 0, 0) + bytes(56) + s("" if name == "-" else name) + s("sleep 1000")
    out += msg(RESULT, struct.pack("=IiIIII", flags, 15, 0, 0, 0, 0) + s(why) +
        entry)
out += msg(ERROR, struct.pack("=iI", 1, 0) + s(sys.argv[-1]))
l = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
l.bind(sys.argv[1])
l.listen(4)
while True:
    c = l.accept()[0]
    c.recv(65536)
    c.sendall(out)
    c.close()
' "${SOCK}" "$@" >/dev/null 2>&1 </dev/null &
	echo $! >>daemon.pids
	gp_wait_for -S "${SOCK}"
	[ -S "${SOCK}" ] || atf_fail "the fake daemon did not bind ${SOCK}"
}

atf_test_case ping cleanup
ping_head()
{
	atf_set "descr" "ping prints pong"
}
ping_body()
{
	gp_start
	atf_check -s exit:0 -o inline:"pong\n" -e empty "${GOPROCCTL}" ping
}
ping_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add cleanup
add_head()
{
	atf_set "descr" "add: registered, already tracked (exit 0), name in" \
	    "use (exit 1), a PID that is not positive"
}
add_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	q=$(gp_spawn sleep 1000)
	atf_check -s exit:0 -e empty \
	    -o inline:"Process ${p} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p}" --name db
	atf_check -s exit:0 -e empty \
	    -o inline:"pid ${p} already registered as id 1\n" \
	    "${GOPROCCTL}" add "${p}"
	atf_check -s exit:1 -o empty \
	    -e match:"^goprocctl: name \"db\" is already in use" \
	    "${GOPROCCTL}" add "${q}" --name db
	atf_check -s exit:2 -o empty \
	    -e inline:"goprocctl: add: PID must be a positive integer: -5\nTry 'goprocctl add --help'.\n" \
	    "${GOPROCCTL}" add -5
}
add_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case run cleanup
run_head()
{
	atf_set "descr" "run prints Started pid=P registry id=N"
}
run_body()
{
	gp_start
	gp_run --name job -- sleep 1000 || atf_fail "run: $(cat run.err)"
	atf_check -o inline:"Started pid=${gp_run_pid} registry id=1\n" \
	    cat run.out
}
run_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case list cleanup
list_head()
{
	atf_set "descr" "list: every line has name=, name=- without one;" \
	    "nothing to show says No processes registered, filters or not"
}
list_body()
{
	gp_start
	atf_check -s exit:0 -e empty -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list
	pair
	expect "${l1}" "${l2}"
	atf_check -s exit:0 -e empty -o file:expected "${GOPROCCTL}" list
	# The third field is always the name.
	atf_check -o inline:"name=web\nname=-\n" \
	    sh -c "'${GOPROCCTL}' list | cut -d ' ' -f 3"
	atf_check -s exit:0 -e empty -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list --tag nosuch
	atf_check -s exit:0 -e empty -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list --name nosuch --alive
}
list_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case tag_group cleanup
tag_group_head()
{
	atf_set "descr" "tag and group: not found with Go's %q quoting," \
	    "--rename's summary line, then the list lines"
}
tag_group_body()
{
	pair
	atf_check -s exit:0 -e empty \
	    -o inline:"No processes found with tag \"x\"\n" \
	    "${GOPROCCTL}" tag x
	atf_check -s exit:0 -e empty \
	    -o inline:"No processes found with group \"g\"\n" \
	    "${GOPROCCTL}" group g
	# %q: a backslash doubled, an unprintable space as \u00a0.
	atf_check -s exit:0 -e empty \
	    -o inline:"No processes found with tag \"a\\\\\\\\b\"\n" \
	    "${GOPROCCTL}" tag 'a\b'
	atf_check -s exit:0 -e empty \
	    -o inline:"No processes found with tag \"a\\\\u00a0b\"\n" \
	    "${GOPROCCTL}" tag "$(printf 'a\302\240b')"
	cafe=$(printf 'caf\303\251')
	atf_check -s exit:0 -e empty \
	    -o inline:"No processes found with tag \"${cafe}\"\n" \
	    "${GOPROCCTL}" tag "${cafe}"
	expect "${l1}" "${l2}"
	atf_check -s exit:0 -e empty -o file:expected "${GOPROCCTL}" tag b
	expect 'Renamed tag "b" -> "c" on 2 process(es)' \
	    "[id=1] pid=${p1} name=web alive=true cmd=sleep 1001 tags=[a,c] groups=[prod]" \
	    "[id=2] pid=${p2} name=- alive=true cmd=sleep 1002 tags=[c] groups=[]"
	atf_check -s exit:0 -e empty -o file:expected \
	    "${GOPROCCTL}" tag b --rename c
	expect 'Renamed group "prod" -> "live" on 1 process(es)' \
	    "[id=1] pid=${p1} name=web alive=true cmd=sleep 1001 tags=[a,c] groups=[live]"
	atf_check -s exit:0 -e empty -o file:expected \
	    "${GOPROCCTL}" group prod --rename live
}
tag_group_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm cleanup
rm_head()
{
	atf_set "descr" "rm: Removed lines with name=, no match (exit 0)," \
	    "no selector and several matches (exit 1); --alive selects"
}
rm_body()
{
	pair
	atf_check -s exit:0 -e empty \
	    -o inline:"No matching processes registered\n" \
	    "${GOPROCCTL}" rm --name nosuch
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: provide at least one selector (--id/--pid/--tag/--group/--name/--search)\n" \
	    "${GOPROCCTL}" rm
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: multiple processes match filters (ids: 1, 2). Use --all to delete all or narrow the selection\n" \
	    "${GOPROCCTL}" rm --tag b
	atf_check -s exit:1 -o empty -e match:"multiple processes match" \
	    "${GOPROCCTL}" rm --alive
	expect "Removed [id=1] pid=${p1} name=web cmd=sleep 1001 tags=[a,b] groups=[prod]" \
	    "Removed [id=2] pid=${p2} name=- cmd=sleep 1002 tags=[b] groups=[]"
	atf_check -s exit:0 -e empty -o file:expected \
	    "${GOPROCCTL}" rm --alive --all
	gp_alive "${p1}" || atf_fail "rm signalled pid ${p1}"
}
rm_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case kill cleanup
kill_head()
{
	atf_set "descr" "kill: Killed and removed lines with name=, no match" \
	    "and none alive (exit 0), no selector and several alive (exit 1)"
}
kill_body()
{
	pair
	p3=$(gp_spawn sleep 1003)
	atf_check -o ignore "${GOPROCCTL}" add "${p3}" --tag dead
	kill -KILL "${p3}"
	gp_wait_dead 3
	atf_check -s exit:0 -e empty \
	    -o inline:"No processes match the provided selectors\n" \
	    "${GOPROCCTL}" kill --name nosuch
	atf_check -s exit:0 -e empty \
	    -o inline:"Matching processes exist but none are currently alive\n" \
	    "${GOPROCCTL}" kill --tag dead
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: provide at least one selector (--id/--pid/--tag/--group/--name) or pass --all\n" \
	    "${GOPROCCTL}" kill
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: multiple alive processes match filters (ids: 1, 2). Use --all to terminate all or narrow the selection\n" \
	    "${GOPROCCTL}" kill --tag b
	expect "Killed and removed [id=1] pid=${p1} name=web" \
	    "Killed and removed [id=2] pid=${p2} name=-"
	atf_check -s exit:0 -e empty -o file:expected "${GOPROCCTL}" kill --all
	gp_wait_gone "${p1}" "${p2}" || atf_fail "kill --all left a process"
}
kill_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case kill_failures cleanup
kill_failures_head()
{
	atf_set "descr" "kill: Failed to kill lines, and the partial and" \
	    "total failures, exit 1, in goproc's words"
	atf_set "require.progs" "python3"
}
kill_failures_body()
{
	# GP_RES_FAILED is 4, GP_RES_SIGNALLED | GP_RES_REMOVED is 3.
	fake_kill_daemon 4:web 3:- \
	    "partially successful: killed 1/2 processes"
	atf_check -s exit:1 \
	    -o inline:"Failed to kill [id=1] pid=101 name=web: Operation not permitted\nKilled and removed [id=2] pid=102 name=-\n" \
	    -e inline:"goprocctl: partially successful: killed 1/2 processes\n" \
	    "${GOPROCCTL}" kill --all
}
kill_failures_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case kill_none_killed cleanup
kill_none_killed_head()
{
	atf_set "descr" "kill: when no kill succeeded, each Failed to kill" \
	    "line, then no processes were killed (see output above)"
	atf_set "require.progs" "python3"
}
kill_none_killed_body()
{
	fake_kill_daemon 4:web 4:- "no processes were killed (see output above)"
	atf_check -s exit:1 \
	    -o inline:"Failed to kill [id=1] pid=101 name=web: Operation not permitted\nFailed to kill [id=2] pid=102 name=-: Operation not permitted\n" \
	    -e inline:"goprocctl: no processes were killed (see output above)\n" \
	    "${GOPROCCTL}" kill --all
}
kill_none_killed_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case kill_signal_outlived cleanup
kill_signal_outlived_head()
{
	atf_set "descr" "a signal the process outlives (USR1 it ignores," \
	    "CONT) leaves the entry: Signalled, not Killed and removed"
}
kill_signal_outlived_body()
{
	gp_start
	gp_run --name usr1 -- sh -c 'trap "" USR1; while :; do sleep 0.1; done' ||
	    atf_fail "run: $(cat run.err)"
	p=${gp_run_pid}
	atf_check -s exit:0 -e empty \
	    -o inline:"Signalled [id=1] pid=${p} name=usr1\n" \
	    "${GOPROCCTL}" kill --name usr1 --signal USR1
	atf_check -s exit:0 -e empty \
	    -o inline:"Signalled [id=1] pid=${p} name=usr1\n" \
	    "${GOPROCCTL}" kill --name usr1 --signal CONT
	gp_alive "${p}" || atf_fail "pid ${p} died"
	atf_check -o match:"^\\[id=1\\] pid=${p} name=usr1 alive=true " \
	    "${GOPROCCTL}" list
	atf_check -s exit:0 -e empty \
	    -o inline:"Killed and removed [id=1] pid=${p} name=usr1\n" \
	    "${GOPROCCTL}" kill --name usr1
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}
kill_signal_outlived_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case kill_wait_outlasts_timeout cleanup
kill_wait_outlasts_timeout_head()
{
	atf_set "descr" "kill --wait: the client waits as long as goprocd may" \
	    "take (wait + 5 s after SIGKILL), beyond its own --timeout"
}
kill_wait_outlasts_timeout_body()
{
	gp_start
	gp_run --name stubborn -- \
	    sh -c 'trap "" TERM; while :; do sleep 0.1; done' ||
	    atf_fail "run: $(cat run.err)"
	p=${gp_run_pid}
	# goprocd's parent held still for 4 s: its answer comes some 5 s
	# after the request, within wait + 5 s, beyond --timeout + --wait.
	"${GOPROCCTL}" kill --name stubborn --wait 1 --timeout 1 \
	    >kill.out 2>kill.err &
	client=$!
	sleep 0.3
	kill -STOP "$(gp_pid)"
	sleep 4
	kill -CONT "$(gp_pid)"
	wait "${client}"
	rc=$?
	[ ${rc} -eq 0 ] || atf_fail "kill exited ${rc}: $(cat kill.err)"
	atf_check -o inline:"Killed and removed [id=1] pid=${p} name=stubborn (SIGKILL after 1s)\n" \
	    cat kill.out
	atf_check -o empty cat kill.err
}
kill_wait_outlasts_timeout_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"
	[ -f run/goproc.pid ] && kill -CONT "$(cat run/goproc.pid)" 2>/dev/null
	gp_cleanup; gp_cleanup_groups
}

atf_test_case kill_wait_survives_sigkill cleanup
kill_wait_survives_sigkill_head()
{
	atf_set "descr" "kill --wait of a process still alive 5 s after" \
	    "SIGKILL: the client waits for goprocd, which says so"
	atf_set "require.user" "root"
	atf_set "require.progs" "unshare python3"
}
kill_wait_survives_sigkill_body()
{
	gp_start
	# The init of a PID namespace outlives SIGKILL while a child of
	# its, traced from outside, stays an unreaped zombie.
	unshare --pid --fork sh -c 'sleep 1000 & wait' </dev/null \
	    >/dev/null 2>&1 &
	echo $! >>tracked.pids
	init= child=
	i=0
	while [ -z "${child}" ] && [ $i -lt 100 ]; do
		sleep 0.05
		init=$(gp_children $!)
		[ -n "${init}" ] && child=$(gp_children "${init}")
		i=$((i + 1))
	done
	[ -n "${child}" ] || atf_fail "no process in the new namespace"
	echo "${init}" >>tracked.pids
	python3 -c '
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p,
    ctypes.c_void_p]
if libc.ptrace(0x4206, int(sys.argv[1]), None, None) != 0:  # SEIZE
    sys.exit("ptrace: errno %d" % ctypes.get_errno())
open("seized", "w").close()
time.sleep(60)
' "${child}" &
	echo $! >tracer.pid
	gp_wait_for -f seized
	[ -f seized ] || atf_fail "cannot trace pid ${child}"
	atf_check -o ignore "${GOPROCCTL}" add "${init}"
	start=$(date +%s%N)
	atf_check -s exit:1 \
	    -o inline:"Failed to kill [id=1] pid=${init} name=-: still alive 5 s after SIGKILL\n" \
	    -e inline:"goprocctl: no processes were killed (see output above)\n" \
	    "${GOPROCCTL}" kill --id 1 --wait 1
	end=$(date +%s%N)
	ms=$(((end - start) / 1000000))
	[ ${ms} -ge 5900 ] || atf_fail "answered after ${ms} ms, not 6 s"
	atf_check -o match:"^\\[id=1\\] pid=${init} name=- " \
	    "${GOPROCCTL}" list
}
kill_wait_survives_sigkill_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"
	[ -f tracer.pid ] && kill -KILL "$(cat tracer.pid)" 2>/dev/null
	gp_cleanup
}

atf_test_case reset cleanup
reset_head()
{
	atf_set "descr" "reset: cleared with --confirm RESET, refused without"
}
reset_body()
{
	pair
	atf_check -s exit:1 -o empty \
	    -e match:"^goprocctl: destructive command: confirmation required" \
	    "${GOPROCCTL}" reset
	atf_check -s exit:0 -e empty \
	    -o inline:"Registry cleared and IDs reset\n" \
	    "${GOPROCCTL}" reset --confirm RESET
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}
reset_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case terminal_safe cleanup
terminal_safe_head()
{
	atf_set "descr" "an ESC and a newline in a command line are encoded" \
	    "with vis(3) on one line; --json keeps the bytes"
}
terminal_safe_body()
{
	gp_start
	gp_run --name esc -- sh -c 'sleep 1000; :' "$(printf 'a\033[2Jb\nc')" ||
	    atf_fail "run: $(cat run.err)"
	p=${gp_run_pid}
	atf_check -s exit:0 -e empty \
	    -o inline:"[id=1] pid=${p} name=esc alive=true cmd=sh -c sleep 1000; : a\\\\033[2Jb\\\\nc tags=[] groups=[]\n" \
	    "${GOPROCCTL}" list
	atf_check -o inline:"\"sh -c sleep 1000; : a\\\\u001b[2Jb\\\\nc\"\n" \
	    sh -c "'${GOPROCCTL}' --json list | jq -c '.entries[0].cmd'"
	# An error that echoes what the client sent encodes it too.
	atf_check -s exit:2 -o empty \
	    -e match:'^goprocctl: invalid tag "a\\033b": label has control characters$' \
	    "${GOPROCCTL}" tag "$(printf 'a\033b')"
}
terminal_safe_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case command_help cleanup
command_help_head()
{
	atf_set "descr" "goprocctl CMD --help prints that command's usage"
}
command_help_body()
{
	atf_check -s exit:0 -e empty \
	    -o inline:"usage: goprocctl [--config file] [--socket path] [--json] reset --confirm RESET [-t seconds]\n" \
	    "${GOPROCCTL}" reset --help
	atf_check -s exit:0 -e empty -o match:"^selectors:" \
	    "${GOPROCCTL}" rm --help
	atf_check -s exit:0 -e empty -o match:"^commands:" "${GOPROCCTL}" --help
}
command_help_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case run_without_dashes cleanup
run_without_dashes_head()
{
	atf_set "descr" "run takes the command without --, as goproc did;" \
	    "the options end at the command's first word"
}
run_without_dashes_body()
{
	gp_start
	gp_run --name n --tag t sleep 1001 || {
		cat run.err >&2
		atf_fail "run without -- failed"
	}
	atf_check -o match:"^Started pid=${gp_run_pid} registry id=1\$" \
	    cat run.out
	gp_wait_exec "${gp_run_pid}" sleep
	expect "[id=1] pid=${gp_run_pid} name=n alive=true cmd=sleep 1001 tags=[t] groups=[]"
	atf_check -o file:expected "${GOPROCCTL}" list
	# What follows the command's first word is the command's.
	atf_check -s exit:0 -o match:"^Started pid=" -e empty \
	    "${GOPROCCTL}" run sh -c 'exit 0' --tag x
	atf_check -o inline:'No processes found with tag "x"\n' \
	    "${GOPROCCTL}" tag x
}
run_without_dashes_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case comma_lists cleanup
comma_lists_head()
{
	atf_set "descr" "--tag, --group, --pid, --id and a selector's --name" \
	    "take comma-separated lists, as goproc's flags did"
}
comma_lists_body()
{
	gp_start
	p1=$(gp_spawn sleep 1001)
	p2=$(gp_spawn sleep 1002)
	atf_check -o inline:"Process ${p1} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p1}" --name web --tag a,b --group prod,eu
	atf_check -o inline:"Process ${p2} registered with id 2\n" \
	    "${GOPROCCTL}" add "${p2}" --tag c
	l1="[id=1] pid=${p1} name=web alive=true cmd=sleep 1001 tags=[a,b] groups=[eu,prod]"
	l2="[id=2] pid=${p2} name=- alive=true cmd=sleep 1002 tags=[c] groups=[]"
	expect "${l1}" "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --tag b,c
	atf_check -o file:expected "${GOPROCCTL}" list --pid "${p1},${p2}"
	atf_check -o file:expected "${GOPROCCTL}" list --id 1,2
	expect "${l1}"
	atf_check -o file:expected "${GOPROCCTL}" list --tag-all a,b
	atf_check -o file:expected "${GOPROCCTL}" list --group-all eu,prod
	atf_check -o file:expected "${GOPROCCTL}" list --name web,nosuch
	# An empty item is refused, not taken as no filter.
	atf_check -s exit:2 -o empty -e match:'invalid --tag "": label is empty' \
	    "${GOPROCCTL}" rm --tag a,
	# add's --name is one name, as in goproc.
	atf_check -s exit:2 -o empty -e match:"name has invalid characters" \
	    "${GOPROCCTL}" add "${p2}" --name x,y
	expect "Removed [id=1] pid=${p1} name=web cmd=sleep 1001 tags=[a,b] groups=[eu,prod]" \
	    "Removed [id=2] pid=${p2} name=- cmd=sleep 1002 tags=[c] groups=[]"
	atf_check -o file:expected "${GOPROCCTL}" rm --id 1,2 --all
}
comma_lists_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case ping
	atf_add_test_case comma_lists
	atf_add_test_case run_without_dashes
	atf_add_test_case add
	atf_add_test_case run
	atf_add_test_case list
	atf_add_test_case tag_group
	atf_add_test_case rm
	atf_add_test_case kill
	atf_add_test_case kill_failures
	atf_add_test_case kill_none_killed
	atf_add_test_case kill_signal_outlived
	atf_add_test_case kill_wait_outlasts_timeout
	atf_add_test_case kill_wait_survives_sigkill
	atf_add_test_case reset
	atf_add_test_case terminal_safe
	atf_add_test_case command_help
}

#! /usr/bin/env atf-sh
#
# The signals goprocd sends and the signals it receives: init and kernel
# threads are never registered nor signalled, a kill reaches only the
# processes the client could signal itself, checked when the signal is
# sent, and a stray signal does not stop the daemon.

. "$(atf_get_srcdir)/common.sh"

# A kernel thread this PID namespace can see: kthreadd (pid 2) on a host.
kthread_pid()
{
	for f in /proc/[0-9]*/stat; do
		# Field 9, the flags, has PF_KTHREAD (0x00200000).
		fl=$(sed 's/.*) //' "$f" 2>/dev/null | cut -d ' ' -f 7)
		[ -n "${fl}" ] || continue
		if [ $(((fl / 2097152) % 2)) -eq 1 ]; then
			p=${f#/proc/}
			echo "${p%/stat}"
			return 0
		fi
	done
	return 1
}

atf_test_case init_refused cleanup
init_refused_head()
{
	atf_set "descr" "pid 1 cannot be registered"
}
init_refused_body()
{
	gp_start
	atf_check -s exit:1 -e inline:"goprocctl: pid 1 is init and cannot be registered\n" \
	    "${GOPROCCTL}" add 1 --name init
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}
init_refused_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case kthread_refused cleanup
kthread_refused_head()
{
	atf_set "descr" "a kernel thread (add 2) cannot be registered"
}
kthread_refused_body()
{
	k=$(kthread_pid) || atf_skip "no kernel thread visible here"
	gp_start
	atf_check -s exit:1 \
	    -e inline:"goprocctl: pid ${k} is a kernel thread and cannot be registered\n" \
	    "${GOPROCCTL}" add "${k}"
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}
kthread_refused_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case init_in_pid_namespace cleanup
init_in_pid_namespace_head()
{
	atf_set "descr" "in a PID namespace, its init is neither registered" \
	    "nor adopted from a snapshot, and kill never becomes kill(-1)"
	atf_set "require.user" "root"
	atf_set "require.progs" "unshare"
}
init_in_pid_namespace_body()
{
	unshare --pid --fork --mount-proc true 2>/dev/null ||
	    atf_skip "unshare --pid is not permitted here"
	# A snapshot as the Go program writes it, naming pid 1, alive.
	now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	cat >go-snapshot.json <<EOF
{"version": 1, "next_id": 2, "procs": [{"id": 1, "pid": 1, "pgid": 1,
 "cmd": "init", "name": "init", "alive": true, "added_at": "${now}",
 "last_seen": "${now}", "meta": {}}]}
EOF
	# Run inside the namespace, where this shell is pid 1.
	cat >ns.sh <<'EOF'
. ./ns.env
gp_env
sleep 1000 &
bystander=$!
"${GOPROCD}" -d >>goprocd.log 2>&1 &
gp_wait_ready || { echo "not ready"; exit 1; }
"${GOPROCCTL}" add 1 --name init
echo "add: $?"
kill -TERM "$(gp_pid)"; wait $! 2>/dev/null
rm -rf "${GOPROC_RUNTIME_DIR}"
mkdir -m 700 "${GOPROC_RUNTIME_DIR}"
cp go-snapshot.json "${GOPROC_RUNTIME_DIR}/goproc.snapshot.json"
"${GOPROCD}" -d >>goprocd.log 2>&1 &
gp_wait_ready || { echo "not ready"; exit 1; }
"${GOPROCCTL}" list
"${GOPROCCTL}" kill --name init
echo "kill: $?"
kill -0 "${bystander}" && echo "bystander alive"
kill -TERM "$(gp_pid)" "${bystander}"
wait
EOF
	cat >ns.env <<EOF
atf_get_srcdir() { echo "$(atf_get_srcdir)"; }
atf_fail() { echo "\$*"; exit 1; }
. "$(atf_get_srcdir)/common.sh"
EOF
	cat >expected <<EOF
add: 1
[id=1] pid=1 name=init alive=false cmd=(client) init tags=[] groups=[]
Matching processes exist but none are currently alive
kill: 0
bystander alive
EOF
	atf_check -o file:expected \
	    -e inline:"goprocctl: pid 1 is init and cannot be registered\n" \
	    unshare --pid --fork --mount-proc sh ns.sh
}
init_in_pid_namespace_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

# group_of_three: as root, start a process group whose leader runs as
# nobody, with one member of root's and one of nobody's; sets leader,
# rootm and nobm.
group_of_three()
{
	setsid sh -c "sleep 1001 & echo \$! >rootm.pid;
	    ${GP_NOBODY} sleep 1002 & echo \$! >nobm.pid;
	    exec ${GP_NOBODY} sleep 1003" </dev/null >/dev/null 2>&1 &
	leader=$!
	echo "${leader}" >>tracked.pgids
	i=0
	while [ $i -lt 200 ]; do
		[ -s rootm.pid ] && [ -s nobm.pid ] &&
		    [ "$(ps -o user= -p "${leader}")" = nobody ] &&
		    [ "$(ps -o user= -p "$(cat nobm.pid)")" = nobody ] && break
		sleep 0.02
		i=$((i + 1))
	done
	rootm=$(cat rootm.pid)
	nobm=$(cat nobm.pid)
	[ "$(gp_pgid "${rootm}")" = "${leader}" ] &&
	    [ "$(gp_pgid "${nobm}")" = "${leader}" ] ||
	    atf_fail "the process group did not form"
}

atf_test_case group_kill_checks_members cleanup
group_kill_checks_members_head()
{
	atf_set "descr" "a group kill leaves alone the members the client" \
	    "could not signal itself, and says so"
	atf_set "require.user" "root"
	atf_set "require.progs" "setpriv setsid"
}
group_kill_checks_members_body()
{
	gp_shared_base
	gp_start --socket-group nogroup
	group_of_three
	atf_check -o inline:"Process ${leader} registered with id 1\n" \
	    ${GP_NOBODY} "${GOPROCCTL}" add "${leader}" --name grp
	atf_check -o inline:"Killed and removed [id=1] pid=${leader} name=grp
Not signalled: 1 other process in process group ${leader} (Operation not permitted)\n" \
	    ${GP_NOBODY} "${GOPROCCTL}" kill --name grp
	gp_wait_gone "${leader}" "${nobm}" ||
	    atf_fail "nobody's processes were not killed"
	gp_alive "${rootm}" || atf_fail "root's member was signalled"
	atf_check -o match:"member\\(s\\) left alone, uid 65534 may not" \
	    cat goprocd.log

	# The same for --json, and root may signal every member.
	group_of_three
	atf_check -o ignore ${GP_NOBODY} "${GOPROCCTL}" add "${leader}" \
	    --name grp
	atf_check -o save:out ${GP_NOBODY} "${GOPROCCTL}" --json kill \
	    --name grp
	atf_check -o inline:"1\n" jq '.results[0].skipped' out
	atf_check -o inline:"true\n" jq '.results[0].killed' out
	gp_alive "${rootm}" || atf_fail "root's member was signalled"
	kill -KILL "${rootm}"

	group_of_three
	atf_check -o ignore "${GOPROCCTL}" add "${leader}" --name grp
	atf_check -o inline:"Killed and removed [id=3] pid=${leader} name=grp\n" \
	    "${GOPROCCTL}" kill --name grp
	gp_wait_gone "${leader}" "${nobm}" "${rootm}" ||
	    atf_fail "root's kill did not reach every member"
}
group_kill_checks_members_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case group_kill_wait_rechecks cleanup
group_kill_wait_rechecks_head()
{
	atf_set "descr" "the SIGKILL after --wait checks every member again"
	atf_set "require.user" "root"
	atf_set "require.progs" "setpriv setsid"
}
group_kill_wait_rechecks_body()
{
	gp_shared_base
	gp_start --socket-group nogroup
	# A leader of nobody's that ignores TERM, a member of root's.
	setsid sh -c "sleep 1001 & echo \$! >rootm.pid;
	    exec ${GP_NOBODY} sh -c 'trap \"\" TERM; while :; do sleep 1; done'" \
	    </dev/null >/dev/null 2>&1 &
	leader=$!
	echo "${leader}" >>tracked.pgids
	i=0
	while [ $i -lt 200 ]; do
		[ -s rootm.pid ] &&
		    [ "$(ps -o user= -p "${leader}")" = nobody ] && break
		sleep 0.02
		i=$((i + 1))
	done
	rootm=$(cat rootm.pid)
	atf_check -o ignore ${GP_NOBODY} "${GOPROCCTL}" add "${leader}" \
	    --name stubborn
	atf_check -o inline:"Killed and removed [id=1] pid=${leader} name=stubborn (SIGKILL after 1s)
Not signalled: 1 other process in process group ${leader} (Operation not permitted)\n" \
	    ${GP_NOBODY} "${GOPROCCTL}" kill --name stubborn --wait 1
	gp_alive "${rootm}" || atf_fail "root's member was signalled"
}
group_kill_wait_rechecks_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case checked_at_kill_time cleanup
checked_at_kill_time_head()
{
	atf_set "descr" "a process that became root after it was registered" \
	    "is refused with EPERM and stays registered"
	atf_set "require.user" "root"
	atf_set "require.progs" "setpriv python3"
}
checked_at_kill_time_body()
{
	gp_shared_base
	gp_start --socket-group nogroup
	flags=${GP_BASE}/flags
	mkdir "${flags}"
	chown nobody "${flags}"
	# Runs as nobody with root as its saved uid, as a set-user-ID
	# program would, and becomes root once told to.
	python3 -c '
import os, sys, time
os.setresgid(65534, 65534, 0)
os.setresuid(65534, 65534, 0)
open(sys.argv[1] + "/ready", "w").close()
while not os.path.exists(sys.argv[1] + "/go"):
    time.sleep(0.02)
os.setresuid(0, 0, 0)
open(sys.argv[1] + "/root", "w").close()
time.sleep(1000)
' "${flags}" </dev/null >/dev/null 2>&1 &
	p=$!
	echo "${p}" >>tracked.pids
	i=0
	while [ ! -e "${flags}/ready" ] && [ $i -lt 200 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	atf_check -o inline:"Process ${p} registered with id 1\n" \
	    ${GP_NOBODY} "${GOPROCCTL}" add "${p}" --name helper
	touch "${flags}/go"
	i=0
	while [ ! -e "${flags}/root" ] && [ $i -lt 200 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	[ -e "${flags}/root" ] || atf_fail "the helper did not become root"
	atf_check -s exit:1 \
	    -o match:"^Failed to kill \\[id=1\\] pid=${p} name=helper: Operation not permitted$" \
	    -e match:"no processes were killed" \
	    ${GP_NOBODY} "${GOPROCCTL}" kill --name helper
	gp_alive "${p}" || atf_fail "the process that became root was killed"
	atf_check -o match:"^\\[id=1\\] pid=${p} name=helper alive=true " \
	    "${GOPROCCTL}" list
	# Root may.
	atf_check -o match:"Killed and removed \\[id=1\\] pid=${p}" \
	    "${GOPROCCTL}" kill --name helper
	gp_wait_gone "${p}" || atf_fail "root's kill did not reach it"
}
checked_at_kill_time_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case stray_signals cleanup
stray_signals_head()
{
	atf_set "descr" "SIGUSR1 and other stray signals leave the daemon" \
	    "answering"
}
stray_signals_body()
{
	gp_start
	pid=$(gp_pid)
	kids=$(gp_children "${pid}")
	for s in USR1 USR2 ALRM VTALRM PROF IO PWR XCPU XFSZ RTMIN RTMAX; do
		kill -s "$s" "${pid}" 2>/dev/null || kill -"$s" "${pid}" ||
		    atf_fail "cannot send SIG$s"
	done
	for c in ${kids}; do
		kill -USR1 "$c"
		kill -ALRM "$c"
	done
	sleep 0.2
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	p=$(gp_spawn sleep 1000)
	atf_check -o inline:"Process ${p} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p}"
	[ "$(gp_pid)" = "${pid}" ] || atf_fail "the daemon restarted"
	atf_check -o match:"SIGUSR1 received, ignored" cat goprocd.log
	# SIGTERM still stops it cleanly.
	gp_stop
	atf_check -o match:"SIGTERM received, shutting down" cat goprocd.log
}
stray_signals_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case stopped_process cleanup
stopped_process_head()
{
	atf_set "descr" "a stopped process is continued after a signal that" \
	    "ends it, so that the kill takes effect"
}
stopped_process_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	kill -STOP "${p}"
	atf_check -o ignore "${GOPROCCTL}" add "${p}" --name frozen
	atf_check -o inline:"Killed and removed [id=1] pid=${p} name=frozen\n" \
	    "${GOPROCCTL}" kill --name frozen
	gp_wait_gone "${p}" || atf_fail "the stopped process survived"
	# A stop signal leaves it stopped.
	q=$(gp_spawn sleep 1000)
	kill -STOP "${q}"
	atf_check -o ignore "${GOPROCCTL}" add "${q}" --name held
	atf_check -o inline:"Signalled [id=2] pid=${q} name=held\n" \
	    "${GOPROCCTL}" kill --name held --signal TSTP
	grep -q '^State:.*T' /proc/"${q}"/status ||
	    atf_fail "a stop signal continued the process"
}
stopped_process_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case init_refused
	atf_add_test_case kthread_refused
	atf_add_test_case init_in_pid_namespace
	atf_add_test_case group_kill_checks_members
	atf_add_test_case group_kill_wait_rechecks
	atf_add_test_case checked_at_kill_time
	atf_add_test_case stray_signals
	atf_add_test_case stopped_process
}

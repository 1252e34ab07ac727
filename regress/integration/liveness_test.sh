#! /usr/bin/env atf-sh
#
# Liveness and identity: deaths are seen at once, a reused pid or an
# entry from another boot is never taken for the process it was, and
# kill signals a process group only when the entry leads it.

. "$(atf_get_srcdir)/common.sh"

# Start goprocd with a liveness interval far longer than any test.
start_slow_probe()
{
	printf '{"liveness_interval": "60s"}\n' >slow.json
	gp_start -c "$(pwd)/slow.json"
}

# take_pid pid: start "sleep 1000" as a child of this shell with the
# given pid, which must be free; prints nothing and sets taken, or
# skips the test if the pid cannot be had.
take_pid()
{
	[ -w /proc/sys/kernel/ns_last_pid ] ||
	    atf_skip "/proc/sys/kernel/ns_last_pid is not writable"
	taken=
	try=0
	while [ ${try} -lt 20 ]; do
		echo $(($1 - 1)) >/proc/sys/kernel/ns_last_pid
		sleep 1000 &
		n=$!
		if [ "${n}" = "$1" ]; then
			echo "${n}" >>tracked.pids
			taken=${n}
			return 0
		fi
		kill -KILL "${n}"
		wait "${n}" 2>/dev/null
		try=$((try + 1))
	done
	atf_skip "could not get pid $1 again in 20 tries"
}

# A snapshot in goprocd's own format; each argument is one entry.
write_snapshot()
{
	mkdir -m 700 -p "${GOPROC_RUNTIME_DIR}"
	{
		printf '{"version":1,"next_id":10,"created_unix":1795705805,"procs":[\n'
		sep=
		for e in "$@"; do
			printf '%s%s\n' "${sep}" "${e}"
			sep=,
		done
		printf ']}\n'
	} >"${GOPROC_RUNTIME_DIR}/goproc.snapshot.json"
}

# entry id pid start_ticks boot_id: one entry, alive, of our format.
entry()
{
	printf '{"id":%s,"pid":%s,"pgid":%s,"cmd":"sleep 1000","name":"e%s","alive":true,"added_at":"2026-01-01T00:00:00Z","last_seen":"2026-01-02T03:04:05Z","meta":{"tags":[],"groups":[]},"start_ticks":%s,"boot_id":"%s","owner_uid":0}' \
	    "$1" "$2" "$2" "$1" "$3" "$4"
}

FAKE_BOOT=00000000-0000-0000-0000-000000000000

atf_test_case death_seen_at_once cleanup
death_seen_at_once_head()
{
	atf_set "descr" "with a 60 s liveness interval, a killed process is" \
	    "alive=false within 1 s"
}
death_seen_at_once_body()
{
	start_slow_probe
	t=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${t}"
	kill -KILL "${t}"
	start=$(date +%s%N)
	i=0
	while [ $i -lt 20 ]; do
		"${GOPROCCTL}" list --id 1 | grep -q " alive=false " && break
		sleep 0.05
		i=$((i + 1))
	done
	end=$(date +%s%N)
	[ $i -lt 20 ] || atf_fail "still alive=true after" \
	    "$(((end - start) / 1000000)) ms"
	atf_check -o inline:"[id=1] pid=${t} name=- alive=false cmd=sleep 1000 tags=[] groups=[]\n" \
	    "${GOPROCCTL}" list
}
death_seen_at_once_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case exit_seen_at_once cleanup
exit_seen_at_once_head()
{
	atf_set "descr" "a process that exits by itself is alive=false" \
	    "within 1 s, with a 60 s liveness interval"
}
exit_seen_at_once_body()
{
	start_slow_probe
	mkfifo fifo
	t=$(gp_spawn sh -c 'read x <"$0"; exit 0' "$(pwd)/fifo")
	atf_check -o ignore "${GOPROCCTL}" add "${t}"
	atf_check -o match:" alive=true " "${GOPROCCTL}" list --id 1
	echo go >fifo
	i=0
	while [ $i -lt 20 ]; do
		"${GOPROCCTL}" list --id 1 | grep -q " alive=false " && break
		sleep 0.05
		i=$((i + 1))
	done
	[ $i -lt 20 ] || atf_fail "still alive=true 1 s after its exit"
}
exit_seen_at_once_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case death_while_down cleanup
death_while_down_head()
{
	atf_set "descr" "a process that died while goprocd was down is" \
	    "alive=false after the start"
}
death_while_down_body()
{
	gp_start
	sleep 1000 &
	t=$!
	echo "${t}" >>tracked.pids
	gp_wait_exec "${t}" sleep
	atf_check -o ignore "${GOPROCCTL}" add "${t}"
	gp_stop
	kill -KILL "${t}"
	wait "${t}"
	gp_start
	atf_check -o inline:"[id=1] pid=${t} name=- alive=false cmd=sleep 1000 tags=[] groups=[]\n" \
	    "${GOPROCCTL}" list
}
death_while_down_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case pid_reuse_not_signalled cleanup
pid_reuse_not_signalled_head()
{
	atf_set "descr" "a process that takes the pid of a dead entry is" \
	    "not that entry, and kill does not signal it"
	atf_set "require.user" "root"
}
pid_reuse_not_signalled_body()
{
	gp_start
	sleep 1000 &
	old=$!
	echo "${old}" >>tracked.pids
	gp_wait_exec "${old}" sleep
	atf_check -o inline:"Process ${old} registered with id 1\n" \
	    "${GOPROCCTL}" add "${old}" --name old
	kill -KILL "${old}"
	wait "${old}"
	gp_wait_dead 1
	take_pid "${old}"
	sleep 0.3
	atf_check -o inline:"[id=1] pid=${old} name=old alive=false cmd=sleep 1000 tags=[] groups=[]\n" \
	    "${GOPROCCTL}" list
	atf_check -s exit:0 \
	    -o inline:"Matching processes exist but none are currently alive\n" \
	    -e empty "${GOPROCCTL}" kill --id 1
	atf_check -s exit:0 \
	    -o inline:"Matching processes exist but none are currently alive\n" \
	    -e empty "${GOPROCCTL}" kill --pid "${old}" --signal KILL
	sleep 0.3
	gp_alive "${taken}" || atf_fail "the new process ${taken} was killed"
	atf_check -o match:"^\\[id=1\\] .* alive=false " "${GOPROCCTL}" list
}
pid_reuse_not_signalled_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case pid_reuse_across_restart cleanup
pid_reuse_across_restart_head()
{
	atf_set "descr" "a pid reused while goprocd was down is seen as" \
	    "another process at the next start, and not signalled"
	atf_set "require.user" "root"
}
pid_reuse_across_restart_body()
{
	gp_start
	sleep 1000 &
	old=$!
	echo "${old}" >>tracked.pids
	gp_wait_exec "${old}" sleep
	atf_check -o ignore "${GOPROCCTL}" add "${old}" --name old
	gp_stop
	kill -KILL "${old}"
	wait "${old}"
	take_pid "${old}"
	# Another start time, even if the clock tick is coarse.
	sleep 0.1
	gp_start
	atf_check -o inline:"[id=1] pid=${old} name=old alive=false cmd=sleep 1000 tags=[] groups=[]\n" \
	    "${GOPROCCTL}" list
	atf_check -s exit:0 \
	    -o inline:"Matching processes exist but none are currently alive\n" \
	    "${GOPROCCTL}" kill --name old
	sleep 0.3
	gp_alive "${taken}" || atf_fail "the new process ${taken} was killed"
}
pid_reuse_across_restart_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case kill_member_signals_process_only cleanup
kill_member_signals_process_only_head()
{
	atf_set "descr" "kill of an entry that does not lead its process" \
	    "group signals that process alone"
}
kill_member_signals_process_only_body()
{
	gp_start
	# A shell leading a group of its own (so that a wrong group kill
	# cannot reach this test), with two sleeps in its group.
	sh=$(gp_spawn setsid sh -c \
	    'sleep 1000 & echo $! >child.pid; sleep 1000; exit 0')
	echo "${sh}" >>tracked.pgids
	gp_wait_for -s child.pid
	child=$(cat child.pid)
	[ -n "${child}" ] || atf_fail "no child.pid"
	[ "$(gp_pgid "${child}")" = "${sh}" ] ||
	    atf_fail "pgid of ${child} is $(gp_pgid "${child}"), not ${sh}"
	sleep 0.1
	others=$(gp_group_alive "${sh}" | grep -vx "${child}")
	[ $(echo ${others} | wc -w) -ge 1 ] || atf_fail "no other member"
	atf_check -o ignore "${GOPROCCTL}" add "${child}"
	atf_check -s exit:0 \
	    -o inline:"Killed and removed [id=1] pid=${child} name=-\n" \
	    -e empty "${GOPROCCTL}" kill --id 1
	gp_wait_gone "${child}" || atf_fail "pid ${child} is still running"
	sleep 0.2
	for o in ${others}; do
		gp_alive "${o}" || atf_fail "pid ${o} of the same group was killed"
	done
}
kill_member_signals_process_only_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case kill_leader_signals_group cleanup
kill_leader_signals_group_head()
{
	atf_set "descr" "kill of an entry that run started signals its whole" \
	    "process group"
}
kill_leader_signals_group_body()
{
	gp_start
	gp_run -- sh -c 'sleep 1000 & sleep 1000; exit 0' ||
	    atf_fail "run failed: $(cat run.err)"
	leader=${gp_run_pid}
	i=0
	while [ $(gp_group_alive "${leader}" | wc -l) -lt 3 ] &&
	    [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	members=$(gp_group_alive "${leader}")
	[ $(echo ${members} | wc -w) -eq 3 ] ||
	    atf_fail "group ${leader} is ${members}"
	atf_check -s exit:0 \
	    -o inline:"Killed and removed [id=1] pid=${leader} name=-\n" \
	    -e empty "${GOPROCCTL}" kill --id 1
	gp_wait_gone ${members} ||
	    atf_fail "left in the group: $(gp_group_alive "${leader}")"
}
kill_leader_signals_group_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case other_boot_dead cleanup
other_boot_dead_head()
{
	atf_set "descr" "snapshot entries recorded under another boot id are" \
	    "dead, even when their pid and start time match a process"
}
other_boot_dead_body()
{
	gp_env
	t1=$(gp_spawn sleep 1000)
	t2=$(gp_spawn sleep 1000)
	t3=$(gp_spawn sleep 1000)
	sleep 0.1
	boot=$(cat /proc/sys/kernel/random/boot_id)
	write_snapshot \
	    "$(entry 1 "${t1}" "$(gp_start_ticks "${t1}")" "${FAKE_BOOT}")" \
	    "$(entry 2 "${t2}" "$(gp_start_ticks "${t2}")" "${boot}")" \
	    "$(entry 3 "${t3}" "$(gp_start_ticks "${t3}")" \
	        "8c2f0f7e-4a7b-4f8e-9d2c-1b2a3c4d5e6f")"
	gp_start
	cat >expected <<EOF
[id=1] pid=${t1} name=e1 alive=false cmd=sleep 1000 tags=[] groups=[]
[id=2] pid=${t2} name=e2 alive=true cmd=sleep 1000 tags=[] groups=[]
[id=3] pid=${t3} name=e3 alive=false cmd=sleep 1000 tags=[] groups=[]
EOF
	atf_check -o file:expected "${GOPROCCTL}" list
	atf_check -s exit:0 \
	    -o inline:"Matching processes exist but none are currently alive\n" \
	    "${GOPROCCTL}" kill --id 1
	sleep 0.2
	gp_alive "${t1}" || atf_fail "pid ${t1} was killed"
}
other_boot_dead_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case other_start_time_dead cleanup
other_start_time_dead_head()
{
	atf_set "descr" "a snapshot entry whose pid runs a process with" \
	    "another start time is dead"
}
other_start_time_dead_body()
{
	gp_env
	t=$(gp_spawn sleep 1000)
	sleep 0.1
	boot=$(cat /proc/sys/kernel/random/boot_id)
	write_snapshot \
	    "$(entry 1 "${t}" "$(($(gp_start_ticks "${t}") - 1))" "${boot}")"
	gp_start
	atf_check -o inline:"[id=1] pid=${t} name=e1 alive=false cmd=sleep 1000 tags=[] groups=[]\n" \
	    "${GOPROCCTL}" list
}
other_start_time_dead_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case dead_at_load_keeps_last_seen cleanup
dead_at_load_keeps_last_seen_head()
{
	atf_set "descr" "an entry found dead at load keeps the last_seen of" \
	    "the snapshot: it was not seen alive since"
	atf_set "require.progs" "jq"
}
dead_at_load_keeps_last_seen_body()
{
	gp_env
	t=$(gp_spawn sleep 1000)
	sleep 0.1
	write_snapshot \
	    "$(entry 1 "${t}" "$(gp_start_ticks "${t}")" "${FAKE_BOOT}")"
	gp_start
	atf_check -o match:" alive=false " "${GOPROCCTL}" list --id 1
	atf_check -o save:out "${GOPROCCTL}" --json list --id 1
	atf_check -o match:'^"2026-01-02T03:04:05(\.0+)?Z"$' \
	    jq '.entries[0].last_seen' out
}
dead_at_load_keeps_last_seen_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case go_entry_takes_start_time cleanup
go_entry_takes_start_time_head()
{
	atf_set "descr" "an alive entry of a Go snapshot whose pid runs a" \
	    "process that started before the entry was added takes that" \
	    "process's start time and stays alive"
	atf_set "require.progs" "jq"
}
go_entry_takes_start_time_body()
{
	gp_env
	t=$(gp_spawn sleep 1000)
	sleep 0.1
	added=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
	mkdir -m 700 -p "${GOPROC_RUNTIME_DIR}"
	cat >"${GOPROC_RUNTIME_DIR}/goproc.snapshot.json" <<EOF
{
  "version": 1,
  "next_id": 8,
  "procs": [
    {
      "id": 7,
      "pid": ${t},
      "pgid": ${t},
      "cmd": "pid:${t}",
      "name": "go",
      "alive": true,
      "added_at": "${added}",
      "last_seen": "${added}",
      "meta": {
        "tags": ["db"],
        "groups": null
      }
    }
  ],
  "created_unix": 1795705805
}
EOF
	gp_start
	atf_check -o inline:"[id=7] pid=${t} name=go alive=true cmd=(client) pid:${t} tags=[db] groups=[]\n" \
	    "${GOPROCCTL}" list
	atf_check -o save:out "${GOPROCCTL}" --json list
	atf_check -o inline:"$(gp_start_ticks "${t}")\n" \
	    jq '.entries[0].start_ticks' out
	# The identity is kept: after a restart too.
	gp_stop
	gp_start
	atf_check -o save:out2 "${GOPROCCTL}" --json list
	atf_check -o inline:"[true,$(gp_start_ticks "${t}")]\n" \
	    jq -c '.entries[0] | [.alive,.start_ticks]' out2
}
go_entry_takes_start_time_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case death_seen_at_once
	atf_add_test_case exit_seen_at_once
	atf_add_test_case death_while_down
	atf_add_test_case pid_reuse_not_signalled
	atf_add_test_case pid_reuse_across_restart
	atf_add_test_case kill_member_signals_process_only
	atf_add_test_case kill_leader_signals_group
	atf_add_test_case other_boot_dead
	atf_add_test_case other_start_time_dead
	atf_add_test_case dead_at_load_keeps_last_seen
	atf_add_test_case go_entry_takes_start_time
}

#! /usr/bin/env atf-sh
#
# What the registry stores is what goprocd saw, not what a client said:
# command lines are read from /proc, run registers every process it
# starts, and an entry of the Go program's snapshot takes only the
# process it was about.

. "$(atf_get_srcdir)/common.sh"

RAW="python3 $(atf_get_srcdir)/rawclient.py"

# go_snapshot procs-json: a snapshot as the Go program writes it (no
# start_ticks, boot_id or owner_uid) as the state of a new daemon.
go_snapshot()
{
	gp_env
	mkdir -m 700 "${GOPROC_RUNTIME_DIR}"
	cat >"${GOPROC_RUNTIME_DIR}/goproc.snapshot.json" <<EOF
{
  "version": 1,
  "next_id": 10,
  "procs": [$1],
  "created_unix": 1795705805
}
EOF
}

# go_proc id pid added_at: one entry of a Go snapshot, alive when saved.
go_proc()
{
	cat <<EOF
    {
      "id": $1,
      "pid": $2,
      "pgid": 0,
      "cmd": "pid:$2",
      "name": "",
      "alive": true,
      "added_at": "$3",
      "last_seen": "$3",
      "meta": {"tags": ["go"], "groups": []}
    }
EOF
}

atf_test_case add_cmd_read_from_proc cleanup
add_cmd_read_from_proc_head()
{
	atf_set "descr" "add stores the command line goprocd reads from" \
	    "/proc, not the one a client sends"
	atf_set "require.progs" "python3 jq"
}
add_cmd_read_from_proc_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	atf_check -o match:"status=0" \
	    ${RAW} "${SOCK}" add-cmd "${p}" "/usr/sbin/sshd -D"
	atf_check -o match:"^\\[id=1\\] pid=${p} .*cmd=sleep 1000 tags=" \
	    "${GOPROCCTL}" list
	atf_check -o not-match:sshd "${GOPROCCTL}" list --search sshd
	atf_check -o inline:'"sleep 1000"\n"proc"\n' \
	    sh -c "'${GOPROCCTL}' --json list | jq '.entries[0] | .cmd, .cmd_source'"
	# Nor can the request run sends after the exec change it.
	atf_check -o match:"status=0" \
	    ${RAW} "${SOCK}" execed "${p}" 1 "/usr/sbin/sshd -D"
	atf_check -o match:"^\\[id=1\\] pid=${p} .*cmd=sleep 1000 tags=" \
	    "${GOPROCCTL}" list
	atf_check -o match:"status=2 msg=no entry with id 2 for pid ${p}" \
	    ${RAW} "${SOCK}" execed "${p}" 2 "x"
}
add_cmd_read_from_proc_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case run_cmd_read_after_exec cleanup
run_cmd_read_after_exec_head()
{
	atf_set "descr" "run stores the command line of the process after" \
	    "its exec, read from /proc"
	atf_set "require.progs" "jq"
}
run_cmd_read_after_exec_body()
{
	gp_start
	gp_run --name job -- sleep 1000 || atf_fail "run: $(cat run.err)"
	p=${gp_run_pid}
	atf_check -o inline:"Started pid=${p} registry id=1\n" cat run.out
	atf_check -o match:"^\\[id=1\\] pid=${p} .*cmd=sleep 1000 tags=" \
	    "${GOPROCCTL}" list
	atf_check -o inline:'"sleep 1000"\n"proc"\n' \
	    sh -c "'${GOPROCCTL}' --json list | jq '.entries[0] | .cmd, .cmd_source'"
	# --json prints the entry as it is after the exec.
	gp_run --json -- sleep 1001 || atf_fail "run: $(cat run.err)"
	atf_check -o inline:'"sleep 1001"\n' jq '.entry.cmd' run.out
}
run_cmd_read_after_exec_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case run_quick_commands cleanup
run_quick_commands_head()
{
	atf_set "descr" "run registers every process it starts, however" \
	    "quickly it exits"
	atf_set "require.progs" "jq"
}
run_quick_commands_body()
{
	gp_start
	i=0
	while [ $i -lt 30 ]; do
		"${GOPROCCTL}" run --tag quick -- true </dev/null >run.out \
		    2>run.err || atf_fail "run $i: exit $?: $(cat run.err)"
		grep -Eq "^Started pid=[0-9]+ registry id=$((i + 1))\$" \
		    run.out || atf_fail "run $i printed: $(cat run.out)"
		i=$((i + 1))
	done
	"${GOPROCCTL}" --json list --tag quick >list.json ||
	    atf_fail "list failed"
	atf_check -o inline:"30\n" jq '.entries | length' list.json
	# Each is "true": read from /proc, or, when the process was gone
	# before goprocd could read it, what goprocctl ran, marked so.
	atf_check -o inline:"30\n" jq '[.entries[] | select(.cmd == "true" and
	    (.cmd_source == "proc" or .cmd_source == "client"))] | length' \
	    list.json
	n=$(jq '[.entries[] | select(.cmd_source == "client")] | length' \
	    list.json)
	atf_check -o inline:"${n}\n" sh -c \
	    "'${GOPROCCTL}' list --tag quick | grep -c 'cmd=(client) true tags=' || :"
}
run_quick_commands_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case run_exec_failure cleanup
run_exec_failure_head()
{
	atf_set "descr" "run of a command that cannot be executed fails" \
	    "with exit 1 and leaves no entry"
}
run_exec_failure_body()
{
	gp_start
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: cannot run /nonexistent: No such file or directory\n" \
	    "${GOPROCCTL}" run --tag t -- /nonexistent
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: cannot run /: Permission denied\n" \
	    "${GOPROCCTL}" run -- /
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
	# The name it asked for is free again.
	gp_run --name n -- sleep 1000 || atf_fail "run: $(cat run.err)"
	atf_check -o match:" name=n alive=true cmd=sleep 1000 " \
	    "${GOPROCCTL}" list
}
run_exec_failure_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case go_entry_cmd_marked cleanup
go_entry_cmd_marked_head()
{
	atf_set "descr" "the command of a Go snapshot's entry, which its" \
	    "client gave, is shown as such"
	atf_set "require.progs" "jq"
}
go_entry_cmd_marked_body()
{
	go_snapshot "$(go_proc 3 17 2025-01-02T03:04:05Z)"
	gp_start
	atf_check -o match:"^\\[id=3\\] pid=17 .*cmd=\\(client\\) pid:17 tags=\\[go\\]" \
	    "${GOPROCCTL}" list
	atf_check -o inline:'"pid:17"\n"client"\n' \
	    sh -c "'${GOPROCCTL}' --json list | jq '.entries[0] | .cmd, .cmd_source'"
}
go_entry_cmd_marked_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case go_entry_not_adopted_by_later_process cleanup
go_entry_not_adopted_by_later_process_head()
{
	atf_set "descr" "an entry of a Go snapshot is dead when the process" \
	    "now at its pid started after the entry was added, and kill" \
	    "leaves that process alone"
}
go_entry_not_adopted_by_later_process_body()
{
	p=$(gp_spawn sleep 1000)
	go_snapshot "$(go_proc 3 "${p}" 2020-01-01T00:00:00Z)"
	gp_start
	gp_wait_dead 3
	"${GOPROCCTL}" kill --id 3 >kill.out 2>&1
	sleep 0.2
	gp_alive "${p}" || atf_fail "pid ${p} was killed: $(cat kill.out)"
	atf_check -o match:"^\\[id=3\\] pid=${p} .*alive=false " \
	    "${GOPROCCTL}" list
}
go_entry_not_adopted_by_later_process_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case go_entry_adopts_earlier_process cleanup
go_entry_adopts_earlier_process_head()
{
	atf_set "descr" "an entry of a Go snapshot takes the process at its" \
	    "pid that started before it was added, and belongs to the" \
	    "daemon's user"
	atf_set "require.progs" "jq"
}
go_entry_adopts_earlier_process_body()
{
	p=$(gp_spawn sleep 1000)
	sleep 0.1
	added=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
	go_snapshot "$(go_proc 5 "${p}" "${added}")"
	gp_start
	sleep 0.3
	atf_check -o match:"^\\[id=5\\] pid=${p} .*alive=true " \
	    "${GOPROCCTL}" list
	atf_check -o inline:"$(id -u)\n" \
	    sh -c "'${GOPROCCTL}' --json list | jq '.entries[0].owner_uid'"
	atf_check -o ignore -e ignore "${GOPROCCTL}" kill --id 5
	gp_wait_gone "${p}" || atf_fail "pid ${p} was not killed"
}
go_entry_adopts_earlier_process_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case add_cmd_read_from_proc
	atf_add_test_case run_cmd_read_after_exec
	atf_add_test_case run_quick_commands
	atf_add_test_case run_exec_failure
	atf_add_test_case go_entry_cmd_marked
	atf_add_test_case go_entry_not_adopted_by_later_process
	atf_add_test_case go_entry_adopts_earlier_process
}

#! /usr/bin/env atf-sh
#
# Every goprocctl command through a real goprocd: what a user sees on
# standard output and standard error, and the exit status.

. "$(atf_get_srcdir)/common.sh"

# Three entries to select from; the third is dead.
#   [id=1] sleep 1001 name=one tags=[a,b] groups=[g1]
#   [id=2] sleep 1002 name=two tags=[b,c] groups=[g1,g2]
#   [id=3] sleep 1003          tags=[d]   groups=[g3]  (dead)
# Sets p1 p2 p3, the list lines l1 l2 l3 and the rm lines r1 r2 r3.
fixture()
{
	gp_start
	p1=$(gp_spawn sleep 1001)
	p2=$(gp_spawn sleep 1002)
	p3=$(gp_spawn sleep 1003)
	"${GOPROCCTL}" add "${p1}" --name one --tag a --tag b --group g1 \
	    >/dev/null || atf_fail "cannot add ${p1}"
	"${GOPROCCTL}" add "${p2}" --name two --tag b --tag c --group g1 \
	    --group g2 >/dev/null || atf_fail "cannot add ${p2}"
	"${GOPROCCTL}" add "${p3}" --tag d --group g3 >/dev/null ||
	    atf_fail "cannot add ${p3}"
	kill -KILL "${p3}"
	gp_wait_dead 3
	l1="[id=1] pid=${p1} name=one alive=true cmd=sleep 1001 tags=[a,b] groups=[g1]"
	l2="[id=2] pid=${p2} name=two alive=true cmd=sleep 1002 tags=[b,c] groups=[g1,g2]"
	l3="[id=3] pid=${p3} name=- alive=false cmd=sleep 1003 tags=[d] groups=[g3]"
	r1="Removed [id=1] pid=${p1} name=one cmd=sleep 1001 tags=[a,b] groups=[g1]"
	r2="Removed [id=2] pid=${p2} name=two cmd=sleep 1002 tags=[b,c] groups=[g1,g2]"
	r3="Removed [id=3] pid=${p3} name=- cmd=sleep 1003 tags=[d] groups=[g3]"
}

# expect line...: the lines, in the file "expected".
expect()
{
	printf '%s\n' "$@" >expected
}

#
# add
#

atf_test_case add_registers cleanup
add_registers_head()
{
	atf_set "descr" "add registers a running process and prints its id"
}
add_registers_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	atf_check -s exit:0 -o inline:"Process ${p} registered with id 1\n" \
	    -e empty "${GOPROCCTL}" add "${p}"
	atf_check -o inline:"[id=1] pid=${p} name=- alive=true cmd=sleep 1000 tags=[] groups=[]\n" \
	    -e empty "${GOPROCCTL}" list
}
add_registers_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add_ids_monotonic cleanup
add_ids_monotonic_head()
{
	atf_set "descr" "ids are 1, 2, 3 and an id is not reused after rm"
}
add_ids_monotonic_body()
{
	gp_start
	for n in 1 2 3 4; do
		eval p$n=\$\(gp_spawn sleep 1000\)
	done
	atf_check -o inline:"Process ${p1} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p1}"
	atf_check -o inline:"Process ${p2} registered with id 2\n" \
	    "${GOPROCCTL}" add "${p2}"
	atf_check -o inline:"Process ${p3} registered with id 3\n" \
	    "${GOPROCCTL}" add "${p3}"
	atf_check -o ignore "${GOPROCCTL}" rm --id 3
	atf_check -o inline:"Process ${p4} registered with id 4\n" \
	    "${GOPROCCTL}" add "${p4}"
}
add_ids_monotonic_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add_pid_parsing cleanup
add_pid_parsing_head()
{
	atf_set "descr" "add refuses a pid that is not a positive decimal" \
	    "number in range, with exit status 2"
}
add_pid_parsing_body()
{
	gp_start
	for bad in 12x 0 99999999999 "" " 5" "5 " +5 0x10 4194305; do
		atf_check -s exit:2 -o empty \
		    -e match:"^goprocctl: add: PID must be " \
		    "${GOPROCCTL}" add "${bad}"
	done
	atf_check -s exit:2 -o empty \
	    -e match:"^goprocctl: add: PID must be a positive integer: -3\$" \
	    "${GOPROCCTL}" add -- -3
	atf_check -s exit:2 -o empty \
	    -e inline:"goprocctl: add: PID must be a positive integer: -3\nTry 'goprocctl add --help'.\n" \
	    "${GOPROCCTL}" add -3
	atf_check -s exit:2 -o empty -e match:"add --help" "${GOPROCCTL}" add
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}
add_pid_parsing_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add_no_such_process cleanup
add_no_such_process_head()
{
	atf_set "descr" "add of a pid with no process fails with exit 1"
}
add_no_such_process_body()
{
	gp_start
	# A child of this shell, reaped here: its pid is free.
	sleep 1000 &
	p=$!
	kill -KILL "${p}"
	wait "${p}"
	[ -d /proc/"${p}" ] && atf_skip "pid ${p} was taken again"
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: pid ${p}: no such process\n" \
	    "${GOPROCCTL}" add "${p}"
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}
add_no_such_process_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add_permission_denied cleanup
add_permission_denied_head()
{
	atf_set "descr" "a client that is not root may not add a process" \
	    "of another user"
	atf_set "require.user" "root"
	atf_set "require.progs" "setpriv"
}
add_permission_denied_body()
{
	# nobody cannot reach a socket in the root-only work directory, so
	# the daemon runs as nobody in a directory of its own.
	gp_start_nobody
	p=$(gp_spawn sleep 1000)
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: pid ${p}: permission denied\n" \
	    ${GP_NOBODY} "${GOPROCCTL}" add "${p}"
	atf_check -o inline:"No processes registered\n" \
	    ${GP_NOBODY} "${GOPROCCTL}" list
	# The same user's process is accepted.
	q=$(gp_spawn ${GP_NOBODY} sleep 1000)
	i=0
	while [ "$(stat -c %u /proc/"${q}")" != "$(id -u nobody)" ] &&
	    [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	atf_check -o inline:"Process ${q} registered with id 1\n" \
	    ${GP_NOBODY} "${GOPROCCTL}" add "${q}"
}
add_permission_denied_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case add_thread_id_refused cleanup
add_thread_id_refused_head()
{
	atf_set "descr" "add of the id of a thread that is not a process" \
	    "fails with exit 1 and registers nothing"
	atf_set "require.progs" "python3"
}
add_thread_id_refused_body()
{
	gp_start
	gp_spawn python3 -c '
import os, sys, threading, time
def run():
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(threading.get_native_id()))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    time.sleep(1000)
threading.Thread(target=run, daemon=True).start()
time.sleep(1000)
' "$(pwd)/tid" >/dev/null
	gp_wait_for -s tid
	tid=$(cat tid)
	[ -n "${tid}" ] || atf_fail "no thread id"
	tgid=$(sed -n 's/^Tgid:[[:space:]]*//p' /proc/"${tid}"/status)
	echo "${tgid}" >>tracked.pids
	[ "${tid}" != "${tgid}" ] || atf_fail "${tid} is not a secondary thread"
	atf_check -s exit:1 -o empty \
	    -e match:"^goprocctl: pid ${tid} is a thread of process ${tgid}, not a process" \
	    "${GOPROCCTL}" add "${tid}"
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}
add_thread_id_refused_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add_already_tracked cleanup
add_already_tracked_head()
{
	atf_set "descr" "adding a tracked pid again names the existing id," \
	    "exit 0 as in goproc"
}
add_already_tracked_body()
{
	gp_start
	p0=$(gp_spawn sleep 1000)
	p=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${p0}"
	atf_check -o ignore "${GOPROCCTL}" add "${p}" --name first
	atf_check -s exit:0 -e empty \
	    -o inline:"pid ${p} already registered as id 2\n" \
	    "${GOPROCCTL}" add "${p}" --name second
	atf_check -o inline:"[id=2] pid=${p} name=first alive=true cmd=sleep 1000 tags=[] groups=[]\n" \
	    "${GOPROCCTL}" list --pid "${p}"
}
add_already_tracked_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add_name_valid cleanup
add_name_valid_head()
{
	atf_set "descr" "a name of letters, digits, '.', '-', '_', up to" \
	    "64 bytes, is accepted"
}
add_name_valid_body()
{
	gp_start
	p1=$(gp_spawn sleep 1000)
	p2=$(gp_spawn sleep 1000)
	n64=$(printf 'n%.0s' $(seq 64))
	atf_check -o inline:"Process ${p1} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p1}" --name "Db.reader-2_x"
	atf_check -o inline:"Process ${p2} registered with id 2\n" \
	    "${GOPROCCTL}" add "${p2}" --name "${n64}"
	expect "[id=1] pid=${p1} name=Db.reader-2_x alive=true cmd=sleep 1000 tags=[] groups=[]" \
	    "[id=2] pid=${p2} name=${n64} alive=true cmd=sleep 1000 tags=[] groups=[]"
	atf_check -o file:expected "${GOPROCCTL}" list
}
add_name_valid_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add_name_invalid cleanup
add_name_invalid_head()
{
	atf_set "descr" "a name that is empty, too long or has other" \
	    "characters is a usage error"
}
add_name_invalid_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	n65=$(printf 'n%.0s' $(seq 65))
	atf_check -s exit:2 -o empty \
	    -e match:"^goprocctl: invalid --name \"${n65}\": name too long \\(at most 64 bytes\\)" \
	    "${GOPROCCTL}" add "${p}" --name "${n65}"
	for bad in "a b" "a/b" "é" "a:b" "a,b"; do
		atf_check -s exit:2 -o empty \
		    -e match:"^goprocctl: invalid --name \"${bad}\": name has invalid characters" \
		    "${GOPROCCTL}" add "${p}" --name "${bad}"
	done
	atf_check -s exit:2 -o empty \
	    -e match:"^goprocctl: invalid --name \"\": name is empty" \
	    "${GOPROCCTL}" add "${p}" --name ""
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}
add_name_invalid_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add_name_duplicate cleanup
add_name_duplicate_head()
{
	atf_set "descr" "a name already in use is refused, naming its holder"
}
add_name_duplicate_body()
{
	gp_start
	p0=$(gp_spawn sleep 1000)
	p1=$(gp_spawn sleep 1000)
	p2=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${p0}" --name other
	atf_check -o ignore "${GOPROCCTL}" add "${p1}" --name db
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: name \"db\" is already in use by id 2\n" \
	    "${GOPROCCTL}" add "${p2}" --name db
	atf_check -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list --pid "${p2}"
}
add_name_duplicate_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add_labels_normalized cleanup
add_labels_normalized_head()
{
	atf_set "descr" "tags and groups are trimmed, deduplicated and sorted"
}
add_labels_normalized_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	atf_check -o inline:"Process ${p} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p}" --tag " b " --tag a --tag b \
	    --group "	prod" --group dev --group "prod  "
	atf_check -o inline:"[id=1] pid=${p} name=- alive=true cmd=sleep 1000 tags=[a,b] groups=[dev,prod]\n" \
	    "${GOPROCCTL}" list
}
add_labels_normalized_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add_label_empty cleanup
add_label_empty_head()
{
	atf_set "descr" "an empty or blank tag or group is a usage error"
}
add_label_empty_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	for opt in --tag --group; do
		for bad in "" "   "; do
			atf_check -s exit:2 -o empty \
			    -e match:"^goprocctl: invalid ${opt} \"${bad}\": label is empty" \
			    "${GOPROCCTL}" add "${p}" "${opt}" "${bad}"
		done
	done
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}
add_label_empty_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add_label_invalid cleanup
add_label_invalid_head()
{
	atf_set "descr" "a label with , [ ] \" or a control character, or" \
	    "longer than 64 bytes, is a usage error"
}
add_label_invalid_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	for bad in "x]" "[x" 'q"'; do
		atf_check -s exit:2 -o empty \
		    -e match:"label has invalid characters" \
		    "${GOPROCCTL}" add "${p}" --tag "${bad}"
	done
	atf_check -s exit:2 -o empty -e match:"label has control characters" \
	    "${GOPROCCTL}" add "${p}" --group "$(printf 'a\tb')"
	atf_check -s exit:2 -o empty \
	    -e match:"label too long \\(at most 64 bytes\\)" \
	    "${GOPROCCTL}" add "${p}" --tag "$(printf 'x%.0s' $(seq 65))"
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
	# UTF-8 is fine.
	atf_check -o inline:"Process ${p} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p}" --tag "ünï"
	atf_check -o match:"tags=\\[ünï\\]" "${GOPROCCTL}" list
}
add_label_invalid_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case add_too_many_labels cleanup
add_too_many_labels_head()
{
	atf_set "descr" "32 tags are accepted, 33 are refused with the bound"
}
add_too_many_labels_body()
{
	gp_start
	p1=$(gp_spawn sleep 1000)
	p2=$(gp_spawn sleep 1000)
	t32=
	for i in $(seq 32); do
		t32="${t32} --tag t$i"
	done
	atf_check -s exit:2 -o empty \
	    -e match:"^goprocctl: too many --tag values \\(at most 32\\)" \
	    "${GOPROCCTL}" add "${p1}" ${t32} --tag t33
	g33=
	for i in $(seq 33); do
		g33="${g33} --group g$i"
	done
	atf_check -s exit:2 -o empty \
	    -e match:"^goprocctl: too many --group values \\(at most 32\\)" \
	    "${GOPROCCTL}" add "${p1}" ${g33}
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
	atf_check -o inline:"Process ${p2} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p2}" ${t32}
	atf_check -o inline:"32\n" sh -c "'${GOPROCCTL}' --json list |
	    jq '.entries[0].tags | length'"
}
add_too_many_labels_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

#
# run
#

atf_test_case run_starts_and_registers cleanup
run_starts_and_registers_head()
{
	atf_set "descr" "run starts the command, registers it and prints" \
	    "its pid and id"
}
run_starts_and_registers_body()
{
	gp_start
	gp_run --tag r --group g --name job -- sleep 1000 ||
	    atf_fail "run failed: $(cat run.err)"
	p=${gp_run_pid}
	atf_check -o inline:"Started pid=${p} registry id=1\n" cat run.out
	atf_check -o empty cat run.err
	atf_check -o inline:"[id=1] pid=${p} name=job alive=true cmd=sleep 1000 tags=[r] groups=[g]\n" \
	    "${GOPROCCTL}" list
	atf_check -o inline:"sleep\n" cat /proc/"${p}"/comm
}
run_starts_and_registers_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case run_outlives_client cleanup
run_outlives_client_head()
{
	atf_set "descr" "the process run started keeps running after" \
	    "goprocctl exits"
}
run_outlives_client_body()
{
	gp_start
	gp_run -- sleep 1000 || atf_fail "run failed: $(cat run.err)"
	p=${gp_run_pid}
	sleep 0.5
	gp_alive "${p}" || atf_fail "pid ${p} did not outlive goprocctl"
	atf_check -o match:"^\\[id=1\\] pid=${p} name=- alive=true " \
	    "${GOPROCCTL}" list
}
run_outlives_client_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case run_own_process_group cleanup
run_own_process_group_head()
{
	atf_set "descr" "run starts the command in a process group of its own"
}
run_own_process_group_body()
{
	gp_start
	gp_run -- sleep 1000 || atf_fail "run failed: $(cat run.err)"
	p=${gp_run_pid}
	[ "$(gp_pgid "${p}")" = "${p}" ] ||
	    atf_fail "pgid of ${p} is $(gp_pgid "${p}")"
	[ "$(gp_pgid $$)" != "${p}" ] || atf_fail "shares the test's group"
	atf_check -o inline:"${p}\n" sh -c "'${GOPROCCTL}' --json list |
	    jq '.entries[0].pgid'"
}
run_own_process_group_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case run_records_command cleanup
run_records_command_head()
{
	atf_set "descr" "run records the command and its arguments, joined" \
	    "by spaces, and list --search finds it"
}
run_records_command_body()
{
	gp_start
	gp_run -- sh -c 'sleep 1000; :' x || atf_fail "run: $(cat run.err)"
	p=${gp_run_pid}
	atf_check -o inline:"[id=1] pid=${p} name=- alive=true cmd=sh -c sleep 1000; : x tags=[] groups=[]\n" \
	    "${GOPROCCTL}" list --search "sleep 1000; :"
}
run_records_command_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case run_command_not_found cleanup
run_command_not_found_head()
{
	atf_set "descr" "a command that cannot be executed is reported," \
	    "exit 1, and nothing is registered"
}
run_command_not_found_body()
{
	gp_start
	gp_run -- /nonexistent/command arg
	[ ${gp_run_rc} -eq 1 ] || atf_fail "exit status ${gp_run_rc}, not 1"
	atf_check -o empty cat run.out
	atf_check -o inline:"goprocctl: cannot run /nonexistent/command: No such file or directory\n" \
	    cat run.err
	gp_run -- goproc-no-such-command
	[ ${gp_run_rc} -eq 1 ] || atf_fail "exit status ${gp_run_rc}, not 1"
	atf_check -o match:"^goprocctl: cannot run goproc-no-such-command: No such file or directory$" \
	    cat run.err
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}
run_command_not_found_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case run_duplicate_name cleanup
run_duplicate_name_head()
{
	atf_set "descr" "when registration fails, run stops the process it" \
	    "started and exits 1"
}
run_duplicate_name_body()
{
	gp_start
	holder=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${holder}" --name dup
	gp_run --name dup -- sleep 1000
	[ ${gp_run_rc} -eq 1 ] || atf_fail "exit status ${gp_run_rc}, not 1"
	atf_check -o empty cat run.out
	atf_check -o match:"^goprocctl: registration failed, stopped pid [0-9]+: name \"dup\" is already in use by id 1$" \
	    cat run.err
	[ -n "${gp_run_pid}" ] || atf_fail "no pid in: $(cat run.err)"
	gp_wait_gone "${gp_run_pid}" ||
	    atf_fail "the started process ${gp_run_pid} is still running"
	atf_check -o inline:"[id=1] pid=${holder} name=dup alive=true cmd=sleep 1000 tags=[] groups=[]\n" \
	    "${GOPROCCTL}" list
}
run_duplicate_name_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case run_duplicate_name_stubborn cleanup
run_duplicate_name_stubborn_head()
{
	atf_set "descr" "a started process that ignores SIGTERM is killed" \
	    "when its registration fails"
}
run_duplicate_name_stubborn_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${p}" --name dup
	gp_run --name dup -- sh -c 'trap "" TERM; while :; do sleep 0.1; done'
	[ ${gp_run_rc} -eq 1 ] || atf_fail "exit status ${gp_run_rc}, not 1"
	[ -n "${gp_run_pid}" ] || atf_fail "no pid in: $(cat run.err)"
	gp_wait_gone "${gp_run_pid}" ||
	    atf_fail "the started process ${gp_run_pid} is still running"
	[ -z "$(gp_group_alive "${gp_run_pid}")" ] ||
	    atf_fail "processes left in its group: $(gp_group_alive "${gp_run_pid}")"
}
run_duplicate_name_stubborn_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case run_no_daemon cleanup
run_no_daemon_head()
{
	atf_set "descr" "without a daemon run exits 3 and starts nothing"
}
run_no_daemon_body()
{
	gp_env
	gp_run -- touch "$(pwd)/started"
	[ ${gp_run_rc} -eq 3 ] || atf_fail "exit status ${gp_run_rc}, not 3"
	atf_check -o match:"^goprocctl: daemon is not running" cat run.err
	sleep 0.2
	[ ! -e started ] || atf_fail "the command was started"
}
run_no_daemon_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

#
# list
#

atf_test_case list_format cleanup
list_format_head()
{
	atf_set "descr" "list prints one line an entry, name= only with a" \
	    "name, tags=[] when there are none"
}
list_format_body()
{
	fixture
	p4=$(gp_spawn sleep 1004)
	atf_check -o ignore "${GOPROCCTL}" add "${p4}"
	expect "${l1}" "${l2}" "${l3}" \
	    "[id=4] pid=${p4} name=- alive=true cmd=sleep 1004 tags=[] groups=[]"
	atf_check -s exit:0 -o file:expected -e empty "${GOPROCCTL}" list
}
list_format_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_sorted_by_id cleanup
list_sorted_by_id_head()
{
	atf_set "descr" "list prints entries in the numeric order of their ids"
}
list_sorted_by_id_body()
{
	gp_start
	pids=
	for i in $(seq 12); do
		pids="$(gp_spawn sleep 1000) ${pids}"
	done
	# Added in decreasing pid order, with names in decreasing order.
	: >expected
	n=1
	for p in ${pids}; do
		name=$(printf 'n%02d' $((100 - n)))
		atf_check -o ignore "${GOPROCCTL}" add "${p}" --name "${name}"
		echo "[id=${n}] pid=${p} name=${name} alive=true cmd=sleep 1000 tags=[] groups=[]" \
		    >>expected
		n=$((n + 1))
	done
	atf_check -o file:expected "${GOPROCCTL}" list
}
list_sorted_by_id_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_empty cleanup
list_empty_head()
{
	atf_set "descr" "list on an empty registry says so, exit 0"
}
list_empty_body()
{
	gp_start
	atf_check -s exit:0 -o inline:"No processes registered\n" -e empty \
	    "${GOPROCCTL}" list
}
list_empty_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_no_match cleanup
list_no_match_head()
{
	atf_set "descr" "list with filters that match nothing says so, exit 0"
}
list_no_match_body()
{
	fixture
	for f in "--tag zz" "--name nobody" "--id 99" "--search zzz"; do
		atf_check -s exit:0 \
		    -o inline:"No processes registered\n" \
		    -e empty "${GOPROCCTL}" list ${f}
	done
}
list_no_match_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_filter_tag cleanup
list_filter_tag_head()
{
	atf_set "descr" "list --tag matches entries with any of the tags"
}
list_filter_tag_body()
{
	fixture
	expect "${l1}"
	atf_check -o file:expected "${GOPROCCTL}" list --tag a
	expect "${l1}" "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --tag a --tag c
	expect "${l2}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list --tag d --tag c
}
list_filter_tag_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_filter_tag_all cleanup
list_filter_tag_all_head()
{
	atf_set "descr" "list --tag-all matches entries with all the tags"
}
list_filter_tag_all_body()
{
	fixture
	expect "${l1}" "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --tag-all b
	expect "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --tag-all b \
	    --tag-all c
	atf_check -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list --tag-all a --tag-all c
}
list_filter_tag_all_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_filter_group cleanup
list_filter_group_head()
{
	atf_set "descr" "list --group matches entries in any of the groups"
}
list_filter_group_body()
{
	fixture
	expect "${l1}" "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --group g1
	expect "${l2}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list --group g3 --group g2
}
list_filter_group_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_filter_group_all cleanup
list_filter_group_all_head()
{
	atf_set "descr" "list --group-all matches entries in all the groups"
}
list_filter_group_all_body()
{
	fixture
	expect "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --group-all g1 \
	    --group-all g2
	atf_check -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list --group-all g1 --group-all g3
}
list_filter_group_all_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_filter_pid cleanup
list_filter_pid_head()
{
	atf_set "descr" "list --pid matches entries for any of the pids"
}
list_filter_pid_body()
{
	fixture
	expect "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --pid "${p2}"
	expect "${l1}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list --pid "${p3}" \
	    --pid "${p1}"
	atf_check -s exit:2 -o empty -e match:"invalid" \
	    "${GOPROCCTL}" list --pid 12x
}
list_filter_pid_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_filter_id cleanup
list_filter_id_head()
{
	atf_set "descr" "list --id matches entries with any of the ids"
}
list_filter_id_body()
{
	fixture
	expect "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list --id 3
	expect "${l1}" "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --id 2 --id 1 --id 7
	atf_check -s exit:2 -o empty -e match:"invalid" \
	    "${GOPROCCTL}" list --id x
}
list_filter_id_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_filter_name cleanup
list_filter_name_head()
{
	atf_set "descr" "list --name matches entries with any of the names" \
	    "exactly"
}
list_filter_name_body()
{
	fixture
	expect "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --name two
	expect "${l1}" "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --name two --name one
	atf_check -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list --name on
}
list_filter_name_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_filter_alive cleanup
list_filter_alive_head()
{
	atf_set "descr" "list --alive leaves out the dead entries"
}
list_filter_alive_body()
{
	fixture
	expect "${l1}" "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --alive
}
list_filter_alive_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_filter_search cleanup
list_filter_search_head()
{
	atf_set "descr" "list --search matches a substring of the command"
}
list_filter_search_body()
{
	fixture
	expect "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list --search 1003
	expect "${l1}" "${l2}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list --search "eep 100"
	atf_check -s exit:2 -o empty -e match:"usage|too long|at most" \
	    "${GOPROCCTL}" list --search "$(printf 'x%.0s' $(seq 257))"
}
list_filter_search_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case list_filters_combined cleanup
list_filters_combined_head()
{
	atf_set "descr" "different kinds of filters must all match"
}
list_filters_combined_body()
{
	fixture
	expect "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --tag b --group g2
	expect "${l1}"
	atf_check -o file:expected "${GOPROCCTL}" list --tag b --alive \
	    --search 1001
	expect "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --group g2 --group g3 \
	    --alive
	expect "${l2}"
	atf_check -o file:expected "${GOPROCCTL}" list --id 1 --id 2 \
	    --tag-all c --pid "${p2}" --name two --group-all g1
	atf_check -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list --name one --group g3
	atf_check -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list --id 3 --alive
}
list_filters_combined_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

#
# rm
#

# rm_one want keep selectors: on the fixture, rm with the selectors (a
# string evaluated after the fixture is set up) prints the rm line
# named want and leaves the list lines named in keep.
rm_one()
{
	want=$1
	keep=$2
	fixture
	eval "set -- $3"
	eval expect \"\${${want}}\"
	atf_check -s exit:0 -o file:expected -e empty "${GOPROCCTL}" rm "$@"
	eval expect $(for k in ${keep}; do printf '"${%s}" ' "$k"; done)
	atf_check -o file:expected "${GOPROCCTL}" list
}

atf_test_case rm_by_id cleanup
rm_by_id_head()
{
	atf_set "descr" "rm --id removes that entry and prints it"
}
rm_by_id_body()
{
	rm_one r2 "l1 l3" "--id 2"
}
rm_by_id_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm_by_pid cleanup
rm_by_pid_head()
{
	atf_set "descr" "rm --pid removes the entry of that pid, dead or not"
}
rm_by_pid_body()
{
	rm_one r3 "l1 l2" '--pid "${p3}"'
}
rm_by_pid_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm_by_name cleanup
rm_by_name_head()
{
	atf_set "descr" "rm --name removes the entry with that name"
}
rm_by_name_body()
{
	rm_one r1 "l2 l3" "--name one"
}
rm_by_name_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm_by_tag cleanup
rm_by_tag_head()
{
	atf_set "descr" "rm --tag removes the entry with that tag"
}
rm_by_tag_body()
{
	rm_one r1 "l2 l3" "--tag a"
}
rm_by_tag_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm_by_tag_all cleanup
rm_by_tag_all_head()
{
	atf_set "descr" "rm --tag-all removes the entry with all the tags"
}
rm_by_tag_all_body()
{
	rm_one r2 "l1 l3" "--tag-all b --tag-all c"
}
rm_by_tag_all_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm_by_group cleanup
rm_by_group_head()
{
	atf_set "descr" "rm --group removes the entry in that group"
}
rm_by_group_body()
{
	rm_one r3 "l1 l2" "--group g3"
}
rm_by_group_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm_by_group_all cleanup
rm_by_group_all_head()
{
	atf_set "descr" "rm --group-all removes the entry in all the groups"
}
rm_by_group_all_body()
{
	rm_one r2 "l1 l3" "--group-all g2 --group-all g1"
}
rm_by_group_all_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm_by_search cleanup
rm_by_search_head()
{
	atf_set "descr" "rm --search removes the entry whose command matches"
}
rm_by_search_body()
{
	rm_one r2 "l1 l3" '--search "p 1002"'
}
rm_by_search_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm_does_not_signal cleanup
rm_does_not_signal_head()
{
	atf_set "descr" "rm leaves the process of the entry running"
}
rm_does_not_signal_body()
{
	fixture
	atf_check -o ignore "${GOPROCCTL}" rm --name one
	sleep 0.2
	gp_alive "${p1}" || atf_fail "rm ended pid ${p1}"
}
rm_does_not_signal_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm_many_needs_all cleanup
rm_many_needs_all_head()
{
	atf_set "descr" "rm of several matches without --all fails, exit 1," \
	    "and removes nothing"
}
rm_many_needs_all_body()
{
	fixture
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: multiple processes match filters (ids: 1, 2). Use --all to delete all or narrow the selection\n" \
	    "${GOPROCCTL}" rm --tag b
	expect "${l1}" "${l2}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list
}
rm_many_needs_all_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm_all cleanup
rm_all_head()
{
	atf_set "descr" "rm --all removes every match and prints each"
}
rm_all_body()
{
	fixture
	expect "${r1}" "${r2}"
	atf_check -s exit:0 -o file:expected -e empty \
	    "${GOPROCCTL}" rm --tag b --all
	expect "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list
	expect "${r3}"
	atf_check -o file:expected "${GOPROCCTL}" rm --search sleep --all
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}
rm_all_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm_no_match cleanup
rm_no_match_head()
{
	atf_set "descr" "rm that matches nothing says so, exit 0 as in goproc"
}
rm_no_match_body()
{
	fixture
	atf_check -s exit:0 -e empty \
	    -o inline:"No matching processes registered\n" \
	    "${GOPROCCTL}" rm --name nosuch
	atf_check -s exit:0 -e empty \
	    -o inline:"No matching processes registered\n" \
	    "${GOPROCCTL}" rm --tag a --group g3 --all
	expect "${l1}" "${l2}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list
}
rm_no_match_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case rm_needs_selector cleanup
rm_needs_selector_head()
{
	atf_set "descr" "rm without a selector fails with goproc's words," \
	    "exit 1; --alive is a selector"
}
rm_needs_selector_body()
{
	fixture
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: provide at least one selector (--id/--pid/--tag/--group/--name/--search)\n" \
	    "${GOPROCCTL}" rm
	atf_check -s exit:1 -o empty -e match:"provide at least one selector" \
	    "${GOPROCCTL}" rm --all
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: multiple processes match filters (ids: 1, 2). Use --all to delete all or narrow the selection\n" \
	    "${GOPROCCTL}" rm --alive
	expect "${l1}" "${l2}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list
	expect "${r1}" "${r2}"
	atf_check -s exit:0 -o file:expected -e empty \
	    "${GOPROCCTL}" rm --alive --all
	expect "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list
}
rm_needs_selector_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

#
# kill
#

atf_test_case kill_terminates_and_removes cleanup
kill_terminates_and_removes_head()
{
	atf_set "descr" "kill ends the process and removes its entry"
}
kill_terminates_and_removes_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	q=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${p}" --name victim --tag t
	atf_check -o ignore "${GOPROCCTL}" add "${q}"
	atf_check -s exit:0 \
	    -o inline:"Killed and removed [id=1] pid=${p} name=victim\n" \
	    -e empty "${GOPROCCTL}" kill --name victim
	gp_wait_gone "${p}" || atf_fail "pid ${p} is still running"
	atf_check -o inline:"[id=2] pid=${q} name=- alive=true cmd=sleep 1000 tags=[] groups=[]\n" \
	    "${GOPROCCTL}" list
	gp_alive "${q}" || atf_fail "pid ${q} was killed too"
}
kill_terminates_and_removes_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case kill_dead_entry_left_alone cleanup
kill_dead_entry_left_alone_head()
{
	atf_set "descr" "kill neither signals nor removes a dead entry"
}
kill_dead_entry_left_alone_body()
{
	fixture
	atf_check -s exit:0 \
	    -o inline:"Matching processes exist but none are currently alive\n" \
	    -e empty "${GOPROCCTL}" kill --id 3
	expect "${l1}" "${l2}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list
}
kill_dead_entry_left_alone_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case kill_many_needs_all cleanup
kill_many_needs_all_head()
{
	atf_set "descr" "kill of several alive matches without --all fails," \
	    "exit 1, and signals nothing"
}
kill_many_needs_all_body()
{
	fixture
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: multiple alive processes match filters (ids: 1, 2). Use --all to terminate all or narrow the selection\n" \
	    "${GOPROCCTL}" kill --group g1
	sleep 0.2
	gp_alive "${p1}" || atf_fail "pid ${p1} was killed"
	gp_alive "${p2}" || atf_fail "pid ${p2} was killed"
	expect "${l1}" "${l2}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list
	# One alive match among dead ones needs no --all.
	expect "Killed and removed [id=2] pid=${p2} name=two"
	atf_check -s exit:0 -o file:expected "${GOPROCCTL}" kill --tag c \
	    --tag d
}
kill_many_needs_all_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case kill_all cleanup
kill_all_head()
{
	atf_set "descr" "kill --all kills every alive match and keeps the dead"
}
kill_all_body()
{
	fixture
	expect "Killed and removed [id=1] pid=${p1} name=one" \
	    "Killed and removed [id=2] pid=${p2} name=two"
	atf_check -s exit:0 -o file:expected -e empty \
	    "${GOPROCCTL}" kill --search sleep --all
	gp_wait_gone "${p1}" "${p2}" || atf_fail "processes still running"
	expect "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list
}
kill_all_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

# A process that writes the name of HUP or USR1 to sig.out and exits.
sigrecorder()
{
	gp_spawn sh -c 'trap "echo HUP >>$0; exit 0" HUP
	    trap "echo USR1 >>$0; exit 0" USR1
	    while :; do sleep 0.1; done' "$(pwd)/sig.out"
}

wait_sig_out()
{
	i=0
	while [ $i -lt 100 ]; do
		[ -s sig.out ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

atf_test_case kill_signal_by_name cleanup
kill_signal_by_name_head()
{
	atf_set "descr" "kill --signal takes a name, without SIG, any case"
}
kill_signal_by_name_body()
{
	gp_start
	p=$(sigrecorder)
	sleep 0.2
	atf_check -o ignore "${GOPROCCTL}" add "${p}" --name rec
	atf_check -s exit:0 -o inline:"Killed and removed [id=1] pid=${p} name=rec\n" \
	    "${GOPROCCTL}" kill --name rec --signal hup
	wait_sig_out || atf_fail "the process got no signal it records"
	atf_check -o inline:"HUP\n" cat sig.out
	p=$(sigrecorder)
	sleep 0.2
	rm -f sig.out
	atf_check -o ignore "${GOPROCCTL}" add "${p}" --name rec
	atf_check -s exit:0 -o ignore "${GOPROCCTL}" kill --name rec \
	    --signal sigusr1
	wait_sig_out || atf_fail "the process got no signal it records"
	atf_check -o inline:"USR1\n" cat sig.out
}
kill_signal_by_name_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case kill_signal_by_number cleanup
kill_signal_by_number_head()
{
	atf_set "descr" "kill --signal takes a number"
}
kill_signal_by_number_body()
{
	gp_start
	p=$(sigrecorder)
	sleep 0.2
	atf_check -o ignore "${GOPROCCTL}" add "${p}" --name rec
	atf_check -s exit:0 -o inline:"Killed and removed [id=1] pid=${p} name=rec\n" \
	    "${GOPROCCTL}" kill --name rec --signal 10
	wait_sig_out || atf_fail "the process got no signal it records"
	atf_check -o inline:"USR1\n" cat sig.out
}
kill_signal_by_number_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case kill_bad_signal cleanup
kill_bad_signal_head()
{
	atf_set "descr" "kill --signal with an unknown signal is a usage" \
	    "error and signals nothing"
}
kill_bad_signal_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${p}"
	for bad in BOGUS SIGBOGUS 0 65 -1 1x ""; do
		atf_check -s exit:2 -o empty \
		    -e match:"^goprocctl: unknown signal \"${bad}\"" \
		    "${GOPROCCTL}" kill --id 1 --signal "${bad}"
	done
	sleep 0.2
	gp_alive "${p}" || atf_fail "pid ${p} was killed"
	atf_check -o match:"^\\[id=1\\] pid=${p} name=- alive=true " \
	    "${GOPROCCTL}" list
}
kill_bad_signal_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case kill_wait_escalates cleanup
kill_wait_escalates_head()
{
	atf_set "descr" "kill --wait sends SIGKILL to a process that ignores" \
	    "SIGTERM, and says so"
}
kill_wait_escalates_body()
{
	gp_start
	gp_run --name stubborn -- \
	    sh -c 'trap "" TERM; while :; do sleep 0.1; done' ||
	    atf_fail "run failed: $(cat run.err)"
	p=${gp_run_pid}
	sleep 0.2
	start=$(date +%s%N)
	atf_check -s exit:0 \
	    -o inline:"Killed and removed [id=1] pid=${p} name=stubborn (SIGKILL after 1s)\n" \
	    -e empty "${GOPROCCTL}" kill --name stubborn --wait 1
	end=$(date +%s%N)
	ms=$(((end - start) / 1000000))
	[ ${ms} -ge 900 ] || atf_fail "SIGKILL after ${ms} ms, not 1 s"
	gp_wait_gone "${p}" || atf_fail "pid ${p} is still running"
	[ -z "$(gp_group_alive "${p}")" ] ||
	    atf_fail "processes left in its group: $(gp_group_alive "${p}")"
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}
kill_wait_escalates_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case kill_needs_selector cleanup
kill_needs_selector_head()
{
	atf_set "descr" "kill without a selector or --all fails with" \
	    "goproc's words, exit 1"
}
kill_needs_selector_body()
{
	fixture
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: provide at least one selector (--id/--pid/--tag/--group/--name) or pass --all\n" \
	    "${GOPROCCTL}" kill
	atf_check -s exit:1 -o empty -e match:"provide at least one selector" \
	    "${GOPROCCTL}" kill --signal KILL
	gp_alive "${p1}" || atf_fail "pid ${p1} was killed"
	expect "${l1}" "${l2}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list
}
kill_needs_selector_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

#
# tag and group
#

atf_test_case tag_lists cleanup
tag_lists_head()
{
	atf_set "descr" "tag T lists the entries with the tag T"
}
tag_lists_body()
{
	fixture
	expect "${l1}" "${l2}"
	atf_check -s exit:0 -o file:expected -e empty "${GOPROCCTL}" tag b
	expect "${l3}"
	atf_check -s exit:0 -o file:expected -e empty "${GOPROCCTL}" tag d
}
tag_lists_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case tag_not_found cleanup
tag_not_found_head()
{
	atf_set "descr" "tag of a tag no entry has says so, exit 0"
}
tag_not_found_body()
{
	fixture
	atf_check -s exit:0 -o inline:"No processes found with tag \"zz\"\n" \
	    -e empty "${GOPROCCTL}" tag zz
	# A group name is not a tag.
	atf_check -s exit:0 -o inline:"No processes found with tag \"g1\"\n" \
	    -e empty "${GOPROCCTL}" tag g1
}
tag_not_found_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case tag_rename cleanup
tag_rename_head()
{
	atf_set "descr" "tag --rename renames the tag everywhere and lists" \
	    "the entries"
}
tag_rename_body()
{
	fixture
	expect 'Renamed tag "b" -> "x" on 2 process(es)' \
	    "[id=1] pid=${p1} name=one alive=true cmd=sleep 1001 tags=[a,x] groups=[g1]" \
	    "[id=2] pid=${p2} name=two alive=true cmd=sleep 1002 tags=[c,x] groups=[g1,g2]"
	atf_check -s exit:0 -o file:expected -e empty \
	    "${GOPROCCTL}" tag b --rename x
	atf_check -o inline:"No processes found with tag \"b\"\n" \
	    "${GOPROCCTL}" tag b
	atf_check -o inline:"${l3}\n" "${GOPROCCTL}" list --id 3
}
tag_rename_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case tag_rename_merges cleanup
tag_rename_merges_head()
{
	atf_set "descr" "renaming a tag into one an entry already has leaves" \
	    "it once"
}
tag_rename_merges_body()
{
	fixture
	expect 'Renamed tag "a" -> "b" on 1 process(es)' \
	    "[id=1] pid=${p1} name=one alive=true cmd=sleep 1001 tags=[b] groups=[g1]" \
	    "${l2}"
	atf_check -s exit:0 -o file:expected -e empty \
	    "${GOPROCCTL}" tag a --rename b
	atf_check -o inline:"No processes found with tag \"a\"\n" \
	    "${GOPROCCTL}" tag a
}
tag_rename_merges_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case tag_rename_unknown cleanup
tag_rename_unknown_head()
{
	atf_set "descr" "renaming a tag no entry has changes nothing and" \
	    "exits 0, as goproc; so does renaming a tag to itself"
}
tag_rename_unknown_body()
{
	fixture
	expect 'Renamed tag "zz" -> "y" on 0 process(es)' \
	    'No processes found with tag "y"'
	atf_check -s exit:0 -o file:expected -e empty \
	    "${GOPROCCTL}" tag zz --rename y
	expect 'Renamed tag "zz" -> "a" on 0 process(es)' "${l1}"
	atf_check -s exit:0 -o file:expected -e empty \
	    "${GOPROCCTL}" tag zz --rename a
	expect 'Renamed tag "b" -> "b" on 0 process(es)' "${l1}" "${l2}"
	atf_check -s exit:0 -o file:expected -e empty \
	    "${GOPROCCTL}" tag b --rename b
	atf_check -s exit:2 -o empty -e match:"label has invalid characters" \
	    "${GOPROCCTL}" tag a --rename "x,y"
	expect "${l1}" "${l2}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list
}
tag_rename_unknown_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case group_lists cleanup
group_lists_head()
{
	atf_set "descr" "group G lists the entries in the group G"
}
group_lists_body()
{
	fixture
	expect "${l1}" "${l2}"
	atf_check -s exit:0 -o file:expected -e empty "${GOPROCCTL}" group g1
	expect "${l2}"
	atf_check -s exit:0 -o file:expected -e empty "${GOPROCCTL}" group g2
}
group_lists_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case group_not_found cleanup
group_not_found_head()
{
	atf_set "descr" "group of a group no entry is in says so, exit 0"
}
group_not_found_body()
{
	fixture
	atf_check -s exit:0 -o inline:"No processes found with group \"zz\"\n" \
	    -e empty "${GOPROCCTL}" group zz
	atf_check -s exit:0 -o inline:"No processes found with group \"a\"\n" \
	    -e empty "${GOPROCCTL}" group a
}
group_not_found_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case group_rename cleanup
group_rename_head()
{
	atf_set "descr" "group --rename renames the group everywhere and" \
	    "lists the entries"
}
group_rename_body()
{
	fixture
	expect 'Renamed group "g1" -> "prod" on 2 process(es)' \
	    "[id=1] pid=${p1} name=one alive=true cmd=sleep 1001 tags=[a,b] groups=[prod]" \
	    "[id=2] pid=${p2} name=two alive=true cmd=sleep 1002 tags=[b,c] groups=[g2,prod]"
	atf_check -s exit:0 -o file:expected -e empty \
	    "${GOPROCCTL}" group g1 --rename prod
	atf_check -o inline:"No processes found with group \"g1\"\n" \
	    "${GOPROCCTL}" group g1
}
group_rename_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case group_rename_merges cleanup
group_rename_merges_head()
{
	atf_set "descr" "renaming a group into one an entry is already in" \
	    "leaves it once"
}
group_rename_merges_body()
{
	fixture
	expect 'Renamed group "g2" -> "g1" on 1 process(es)' \
	    "${l1}" \
	    "[id=2] pid=${p2} name=two alive=true cmd=sleep 1002 tags=[b,c] groups=[g1]"
	atf_check -s exit:0 -o file:expected -e empty \
	    "${GOPROCCTL}" group g2 --rename g1
}
group_rename_merges_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case group_rename_unknown cleanup
group_rename_unknown_head()
{
	atf_set "descr" "renaming a group no entry is in changes nothing" \
	    "and exits 0, as goproc"
}
group_rename_unknown_body()
{
	fixture
	expect 'Renamed group "zz" -> "y" on 0 process(es)' \
	    'No processes found with group "y"'
	atf_check -s exit:0 -o file:expected -e empty \
	    "${GOPROCCTL}" group zz --rename y
	expect "${l1}" "${l2}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list
}
group_rename_unknown_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

#
# reset
#

atf_test_case reset_requires_confirm cleanup
reset_requires_confirm_head()
{
	atf_set "descr" "reset without --confirm RESET is a usage error and" \
	    "changes nothing"
}
reset_requires_confirm_body()
{
	fixture
	atf_check -s exit:1 -o empty \
	    -e match:"^goprocctl: destructive command: confirmation required" \
	    "${GOPROCCTL}" reset
	for word in reset YES "RESET " ""; do
		atf_check -s exit:1 -o empty \
		    -e match:"^goprocctl: destructive command: confirmation required" \
		    "${GOPROCCTL}" reset --confirm "${word}"
	done
	expect "${l1}" "${l2}" "${l3}"
	atf_check -o file:expected "${GOPROCCTL}" list
}
reset_requires_confirm_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case reset_clears cleanup
reset_clears_head()
{
	atf_set "descr" "reset --confirm RESET forgets every entry and starts" \
	    "the ids over at 1"
}
reset_clears_body()
{
	fixture
	atf_check -s exit:0 -o inline:"Registry cleared and IDs reset\n" \
	    -e empty "${GOPROCCTL}" reset --confirm RESET
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
	gp_alive "${p1}" || atf_fail "reset ended pid ${p1}"
	atf_check -o inline:"Process ${p1} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p1}" --name one
}
reset_clears_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

#
# --json
#

ENTRY_KEYS='["added_at","alive","cmd","cmd_source","cpu_percent","cpu_seconds","exited_at","groups","id","last_seen","name","owner_uid","pgid","pid","rss_bytes","sampled_at","start_ticks","started_at","state","tags","threads","uptime_seconds"]'

atf_test_case json_ping cleanup
json_ping_head()
{
	atf_set "descr" "ping --json prints {\"pong\": true}"
	atf_set "require.progs" "jq"
}
json_ping_body()
{
	gp_start
	atf_check -o save:out -e empty "${GOPROCCTL}" --json ping
	atf_check -o inline:'{"pong":true}\n' jq -c . out
}
json_ping_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case version cleanup
version_head()
{
	atf_set "descr" "version prints goprocctl's version, then goprocd's" \
	    "and how long goprocd has run"
}
version_body()
{
	gp_start
	v=$("${GOPROCCTL}" --version | sed 's/^goprocctl //')
	[ -n "${v}" ] || atf_fail "no version from --version"
	sleep 2
	atf_check -o save:out -e empty "${GOPROCCTL}" version
	atf_check -o inline:"goprocctl ${v}\ngoprocd ${v}\n" head -n 2 out
	atf_check -o match:"^uptime [2-9]s\$" tail -n 1 out
	atf_check -o inline:"3\n" wc -l <out
}
version_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case version_no_daemon
version_no_daemon_head()
{
	atf_set "descr" "without a daemon version prints goprocctl's" \
	    "version, then the error, exit 3"
}
version_no_daemon_body()
{
	gp_env
	v=$("${GOPROCCTL}" --version | sed 's/^goprocctl //')
	atf_check -s exit:3 -o inline:"goprocctl ${v}\n" \
	    -e inline:"goprocctl: daemon is not running (no socket at ${SOCK})\n" \
	    "${GOPROCCTL}" version
}

atf_test_case json_version cleanup
json_version_head()
{
	atf_set "descr" "version --json prints both versions"
	atf_set "require.progs" "jq"
}
json_version_body()
{
	gp_start
	v=$("${GOPROCCTL}" --version | sed 's/^goprocctl //')
	atf_check -o save:out -e empty "${GOPROCCTL}" --json version
	atf_check -o inline:"{\"goprocctl\":\"${v}\",\"goprocd\":\"${v}\"}\n" \
	    jq -c 'del(.uptime_seconds)' out
	atf_check -o inline:"true\n" jq '.uptime_seconds >= 0 and
	    .uptime_seconds < 60' out
}
json_version_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case json_version_no_daemon
json_version_no_daemon_head()
{
	atf_set "descr" "without a daemon version --json keeps goprocctl's" \
	    "version beside the error, exit 3"
	atf_set "require.progs" "jq"
}
json_version_no_daemon_body()
{
	gp_env
	v=$("${GOPROCCTL}" --version | sed 's/^goprocctl //')
	atf_check -s exit:3 -o save:out -e empty "${GOPROCCTL}" --json version
	atf_check -o inline:"{\"goprocctl\":\"${v}\",\"error\":\"daemon is not running (no socket at ${SOCK})\"}\n" \
	    jq -c . out
}

atf_test_case json_add cleanup
json_add_head()
{
	atf_set "descr" "add --json prints the new entry with every member"
	atf_set "require.progs" "jq"
}
json_add_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	atf_check -s exit:0 -o save:out -e empty \
	    "${GOPROCCTL}" --json add "${p}" --name j --tag b --tag a --group g
	atf_check -o inline:'["entry"]\n' jq -c keys out
	atf_check -o inline:"${ENTRY_KEYS}\n" jq -c '.entry | keys' out
	atf_check -o inline:"[1,${p},\"j\",\"sleep 1000\",true,[\"a\",\"b\"],[\"g\"],0,$(gp_start_ticks "${p}")]\n" \
	    jq -c '.entry | [.id,.pid,.name,.cmd,.alive,.tags,.groups,.owner_uid,.start_ticks]' out
	atf_check -o match:'^"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z"$' \
	    jq .entry.added_at out
	# Without a name, name is null.
	q=$(gp_spawn sleep 1000)
	atf_check -o save:out2 "${GOPROCCTL}" add "${q}" --json
	atf_check -o inline:"null\n" jq .entry.name out2
}
json_add_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case json_run cleanup
json_run_head()
{
	atf_set "descr" "run --json prints the entry and started_pid"
	atf_set "require.progs" "jq"
}
json_run_body()
{
	gp_start
	gp_run --json --tag r -- sleep 1000 || atf_fail "run: $(cat run.err)"
	p=${gp_run_pid}
	[ -n "${p}" ] || atf_fail "no started_pid in $(cat run.out)"
	atf_check -o inline:'["entry","started_pid"]\n' jq -c keys run.out
	atf_check -o inline:"[${p},${p},${p},1,\"sleep 1000\",[\"r\"]]\n" \
	    jq -c '[.started_pid,.entry.pid,.entry.pgid,.entry.id,.entry.cmd,.entry.tags]' \
	    run.out
}
json_run_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup; gp_cleanup_groups
}

atf_test_case json_list cleanup
json_list_head()
{
	atf_set "descr" "list --json prints {\"entries\": [...]}"
	atf_set "require.progs" "jq"
}
json_list_body()
{
	gp_start
	atf_check -o save:empty.json -e empty "${GOPROCCTL}" --json list
	atf_check -o inline:'{"entries":[],"message":"No processes registered"}\n' \
	    jq -c . empty.json
	p1=$(gp_spawn sleep 1001)
	p2=$(gp_spawn sleep 1002)
	atf_check -o ignore "${GOPROCCTL}" add "${p1}" --tag a
	atf_check -o ignore "${GOPROCCTL}" add "${p2}" --name two
	atf_check -o save:out -e empty "${GOPROCCTL}" --json list
	atf_check -o inline:'["entries"]\n' jq -c keys out
	atf_check -o inline:"${ENTRY_KEYS}\n${ENTRY_KEYS}\n" \
	    jq -c '.entries[] | keys' out
	atf_check -o inline:"[1,${p1},null,[\"a\"]]\n[2,${p2},\"two\",[]]\n" \
	    jq -c '.entries[] | [.id,.pid,.name,.tags]' out
	atf_check -o save:none.json "${GOPROCCTL}" --json list --tag zz
	atf_check -o inline:'{"entries":[],"message":"No processes registered"}\n' \
	    jq -c . none.json
}
json_list_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case json_rm cleanup
json_rm_head()
{
	atf_set "descr" "rm --json prints {\"removed\": [...]}"
	atf_set "require.progs" "jq"
}
json_rm_body()
{
	fixture
	atf_check -s exit:0 -o save:out -e empty \
	    "${GOPROCCTL}" --json rm --tag b --all
	atf_check -o inline:'["removed"]\n' jq -c keys out
	atf_check -o inline:"[1,${p1},\"one\"]\n[2,${p2},\"two\"]\n" \
	    jq -c '.removed[] | [.id,.pid,.name]' out
	atf_check -o inline:"${ENTRY_KEYS}\n" jq -c '.removed[0] | keys' out
}
json_rm_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case json_kill cleanup
json_kill_head()
{
	atf_set "descr" "kill --json prints {\"results\": [...], \"failed\": 0}"
	atf_set "require.progs" "jq"
}
json_kill_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${p}" --name k
	atf_check -s exit:0 -o save:out -e empty \
	    "${GOPROCCTL}" --json kill --name k
	atf_check -o inline:'["failed","results"]\n' jq -c keys out
	atf_check -o inline:'0\n' jq .failed out
	atf_check -o inline:'["entry","error","killed","removed","signal","skipped"]\n' \
	    jq -c '.results[0] | keys' out
	atf_check -o inline:"[${p},\"k\",true,true,\"SIGTERM\",null]\n" \
	    jq -c '.results[0] | [.entry.pid,.entry.name,.killed,.removed,.signal,.error]' \
	    out
	gp_wait_gone "${p}" || atf_fail "pid ${p} is still running"
	atf_check -s exit:0 -o save:none "${GOPROCCTL}" --json kill --name k
	atf_check -o inline:'[[],0]\n' jq -c '[.results,.failed]' none
}
json_kill_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case json_tag_rename cleanup
json_tag_rename_head()
{
	atf_set "descr" "tag --rename --json adds a renamed object"
	atf_set "require.progs" "jq"
}
json_tag_rename_body()
{
	fixture
	atf_check -s exit:0 -o save:out -e empty \
	    "${GOPROCCTL}" --json tag b --rename x
	atf_check -o inline:'["entries","renamed"]\n' jq -c keys out
	atf_check -o inline:'{"count":2,"from":"b","kind":"tag","to":"x"}\n' \
	    jq -cS .renamed out
	atf_check -o inline:'[1,2]\n' jq -c '[.entries[].id]' out
	atf_check -s exit:0 -o save:g "${GOPROCCTL}" --json group g3
	atf_check -o inline:'[3]\n' jq -c '[.entries[].id]' g
}
json_tag_rename_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case json_reset cleanup
json_reset_head()
{
	atf_set "descr" "reset --json prints reset and the message"
	atf_set "require.progs" "jq"
}
json_reset_body()
{
	fixture
	atf_check -s exit:0 -o save:out -e empty \
	    "${GOPROCCTL}" --json reset --confirm RESET
	atf_check -o inline:'{"message":"Registry cleared and IDs reset","reset":true}\n' \
	    jq -cS . out
}
json_reset_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case json_error cleanup
json_error_head()
{
	atf_set "descr" "a failure with --json prints {\"error\": ...} on" \
	    "standard output, exit 1"
	atf_set "require.progs" "jq"
}
json_error_body()
{
	fixture
	atf_check -s exit:1 -o save:out -e empty \
	    "${GOPROCCTL}" --json rm --tag b
	atf_check -o inline:'{"error":"multiple processes match filters (ids: 1, 2). Use --all to delete all or narrow the selection"}\n' \
	    jq -c . out
	atf_check -s exit:1 -o save:out2 -e empty \
	    "${GOPROCCTL}" --json add "${p2}" --name one
	atf_check -o inline:"{\"error\":\"name \\\"one\\\" is already in use by id 1\"}\n" \
	    jq -c . out2
	atf_check -s exit:1 -o save:out3 -e empty \
	    "${GOPROCCTL}" --json kill --tag b
	atf_check -o inline:'["error"]\n' jq -c keys out3
	# A usage error is still text on standard error.
	atf_check -s exit:2 -o empty -e match:"^Try 'goprocctl list --help'" \
	    "${GOPROCCTL}" --json list --bogus
}
json_error_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case json_no_daemon
json_no_daemon_head()
{
	atf_set "descr" "without a daemon --json prints the error, exit 3"
	atf_set "require.progs" "jq"
}
json_no_daemon_body()
{
	gp_env
	atf_check -s exit:3 -o save:out -e empty "${GOPROCCTL}" --json list
	atf_check -o inline:"{\"error\":\"daemon is not running (no socket at ${SOCK})\"}\n" \
	    jq -c . out
}

#
# Exit statuses and timeouts
#

atf_test_case exit_no_daemon
exit_no_daemon_head()
{
	atf_set "descr" "every command exits 3 at once without a daemon"
}
exit_no_daemon_body()
{
	gp_env
	for cmd in ping "add $$" list "rm --id 1" "kill --id 1" "tag a" \
	    "group g" "reset --confirm RESET" "run -- true"; do
		set -- ${cmd}
		c=$1
		shift
		start=$(date +%s%N)
		atf_check -s exit:3 -o empty \
		    -e inline:"goprocctl: daemon is not running (no socket at ${SOCK})\n" \
		    "${GOPROCCTL}" "${c}" --timeout 10 "$@"
		end=$(date +%s%N)
		[ $(((end - start) / 1000000)) -lt 1000 ] ||
		    atf_fail "${cmd} took $(((end - start) / 1000000)) ms"
	done
}

atf_test_case exit_statuses cleanup
exit_statuses_head()
{
	atf_set "descr" "exit status 0 on success, 1 on failure, 2 on a" \
	    "usage error, 3 without a daemon"
}
exit_statuses_body()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	atf_check -s exit:0 -o ignore -e empty "${GOPROCCTL}" add "${p}"
	atf_check -s exit:0 -o not-empty -e empty "${GOPROCCTL}" add "${p}"
	atf_check -s exit:1 -o empty -e not-empty "${GOPROCCTL}" rm --all
	atf_check -s exit:2 -o empty -e not-empty "${GOPROCCTL}" add x
	atf_check -s exit:2 -o empty -e not-empty "${GOPROCCTL}" list --bogus
	gp_stop
	atf_check -s exit:3 -o empty -e not-empty "${GOPROCCTL}" list
	# A usage error wins over a missing daemon.
	atf_check -s exit:2 -o empty -e not-empty "${GOPROCCTL}" add x
}
exit_statuses_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case timeout_no_answer cleanup
timeout_no_answer_head()
{
	atf_set "descr" "a daemon that does not answer makes goprocctl fail" \
	    "after --timeout, exit 1"
	atf_set "require.progs" "python3"
}
timeout_no_answer_body()
{
	gp_fake_daemon
	start=$(date +%s%N)
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: no answer from goprocd within 1s\n" \
	    "${GOPROCCTL}" list --timeout 1
	end=$(date +%s%N)
	ms=$(((end - start) / 1000000))
	[ ${ms} -ge 900 ] && [ ${ms} -lt 2000 ] ||
	    atf_fail "list --timeout 1 took ${ms} ms"
	start=$(date +%s%N)
	atf_check -s exit:1 -o empty -e match:"within 2s" \
	    "${GOPROCCTL}" ping
	end=$(date +%s%N)
	ms=$(((end - start) / 1000000))
	[ ${ms} -ge 1900 ] && [ ${ms} -lt 3000 ] ||
	    atf_fail "ping (default 2 s) took ${ms} ms"
	atf_check -s exit:2 -o empty -e match:"usage|timeout" \
	    "${GOPROCCTL}" list --timeout 0
	atf_check -s exit:2 -o empty -e match:"usage|timeout" \
	    "${GOPROCCTL}" list --timeout 3601
}
timeout_no_answer_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case add_registers
	atf_add_test_case add_ids_monotonic
	atf_add_test_case add_pid_parsing
	atf_add_test_case add_no_such_process
	atf_add_test_case add_permission_denied
	atf_add_test_case add_thread_id_refused
	atf_add_test_case add_already_tracked
	atf_add_test_case add_name_valid
	atf_add_test_case add_name_invalid
	atf_add_test_case add_name_duplicate
	atf_add_test_case add_labels_normalized
	atf_add_test_case add_label_empty
	atf_add_test_case add_label_invalid
	atf_add_test_case add_too_many_labels

	atf_add_test_case run_starts_and_registers
	atf_add_test_case run_outlives_client
	atf_add_test_case run_own_process_group
	atf_add_test_case run_records_command
	atf_add_test_case run_command_not_found
	atf_add_test_case run_duplicate_name
	atf_add_test_case run_duplicate_name_stubborn
	atf_add_test_case run_no_daemon

	atf_add_test_case list_format
	atf_add_test_case list_sorted_by_id
	atf_add_test_case list_empty
	atf_add_test_case list_no_match
	atf_add_test_case list_filter_tag
	atf_add_test_case list_filter_tag_all
	atf_add_test_case list_filter_group
	atf_add_test_case list_filter_group_all
	atf_add_test_case list_filter_pid
	atf_add_test_case list_filter_id
	atf_add_test_case list_filter_name
	atf_add_test_case list_filter_alive
	atf_add_test_case list_filter_search
	atf_add_test_case list_filters_combined

	atf_add_test_case rm_by_id
	atf_add_test_case rm_by_pid
	atf_add_test_case rm_by_name
	atf_add_test_case rm_by_tag
	atf_add_test_case rm_by_tag_all
	atf_add_test_case rm_by_group
	atf_add_test_case rm_by_group_all
	atf_add_test_case rm_by_search
	atf_add_test_case rm_does_not_signal
	atf_add_test_case rm_many_needs_all
	atf_add_test_case rm_all
	atf_add_test_case rm_no_match
	atf_add_test_case rm_needs_selector

	atf_add_test_case kill_terminates_and_removes
	atf_add_test_case kill_dead_entry_left_alone
	atf_add_test_case kill_many_needs_all
	atf_add_test_case kill_all
	atf_add_test_case kill_signal_by_name
	atf_add_test_case kill_signal_by_number
	atf_add_test_case kill_bad_signal
	atf_add_test_case kill_wait_escalates
	atf_add_test_case kill_needs_selector

	atf_add_test_case tag_lists
	atf_add_test_case tag_not_found
	atf_add_test_case tag_rename
	atf_add_test_case tag_rename_merges
	atf_add_test_case tag_rename_unknown
	atf_add_test_case group_lists
	atf_add_test_case group_not_found
	atf_add_test_case group_rename
	atf_add_test_case group_rename_merges
	atf_add_test_case group_rename_unknown

	atf_add_test_case reset_requires_confirm
	atf_add_test_case reset_clears

	atf_add_test_case json_ping
	atf_add_test_case version
	atf_add_test_case version_no_daemon
	atf_add_test_case json_version
	atf_add_test_case json_version_no_daemon
	atf_add_test_case json_add
	atf_add_test_case json_run
	atf_add_test_case json_list
	atf_add_test_case json_rm
	atf_add_test_case json_kill
	atf_add_test_case json_tag_rename
	atf_add_test_case json_reset
	atf_add_test_case json_error
	atf_add_test_case json_no_daemon

	atf_add_test_case exit_no_daemon
	atf_add_test_case exit_statuses
	atf_add_test_case timeout_no_answer
}

#! /usr/bin/env atf-sh
#
# The registry on disk: it survives restarts and crashes, the journal is
# compacted, snapshots of the Go program load, and damaged files are
# refused without being touched.

. "$(atf_get_srcdir)/common.sh"

# A registry with names, tags, groups, a removed entry, a renamed tag
# and group and a dead entry; sets p1..p4.
populate()
{
	p1=$(gp_spawn sleep 1001)
	p2=$(gp_spawn sleep 1002)
	p3=$(gp_spawn sleep 1003)
	p4=$(gp_spawn sleep 1004)
	"${GOPROCCTL}" add "${p1}" --name web --tag http --tag front \
	    --group prod >/dev/null || atf_fail "add ${p1}"
	"${GOPROCCTL}" add "${p2}" --tag db --group prod --group eu \
	    >/dev/null || atf_fail "add ${p2}"
	"${GOPROCCTL}" add "${p3}" --name tmp >/dev/null || atf_fail "add ${p3}"
	"${GOPROCCTL}" add "${p4}" --name batch.1 --tag db >/dev/null ||
	    atf_fail "add ${p4}"
	"${GOPROCCTL}" rm --name tmp >/dev/null || atf_fail "rm tmp"
	"${GOPROCCTL}" tag db --rename database >/dev/null ||
	    atf_fail "tag --rename"
	"${GOPROCCTL}" group eu --rename eu-west >/dev/null ||
	    atf_fail "group --rename"
	kill -KILL "${p4}"
	gp_wait_dead 4
}

atf_test_case restart_keeps_entries cleanup
restart_keeps_entries_head()
{
	atf_set "descr" "after a restart list shows the same entries, names" \
	    "and labels"
}
restart_keeps_entries_body()
{
	gp_start
	populate
	cat >expected <<EOF
[id=1] pid=${p1} name=web alive=true cmd=sleep 1001 tags=[front,http] groups=[prod]
[id=2] pid=${p2} name=- alive=true cmd=sleep 1002 tags=[database] groups=[eu-west,prod]
[id=4] pid=${p4} name=batch.1 alive=false cmd=sleep 1004 tags=[database] groups=[]
EOF
	atf_check -o file:expected "${GOPROCCTL}" list
	gp_stop
	gp_start
	atf_check -o file:expected "${GOPROCCTL}" list
	atf_check -o match:"registry loaded: 3 entries, next id 5" \
	    cat goprocd.log
}
restart_keeps_entries_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case restart_continues_ids cleanup
restart_continues_ids_head()
{
	atf_set "descr" "after a restart the next add continues the ids," \
	    "even past a removed last id"
}
restart_continues_ids_body()
{
	gp_start
	populate
	p5=$(gp_spawn sleep 1005)
	"${GOPROCCTL}" add "${p5}" >/dev/null || atf_fail "add ${p5}"
	"${GOPROCCTL}" rm --id 5 >/dev/null || atf_fail "rm --id 5"
	gp_stop
	gp_start
	atf_check -o inline:"Process ${p5} registered with id 6\n" \
	    "${GOPROCCTL}" add "${p5}"
	# The name of a removed entry is free again.
	p6=$(gp_spawn sleep 1006)
	atf_check -o inline:"Process ${p6} registered with id 7\n" \
	    "${GOPROCCTL}" add "${p6}" --name tmp
}
restart_continues_ids_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case state_file_modes cleanup
state_file_modes_head()
{
	atf_set "descr" "the snapshot and the journal are mode 0600 in the" \
	    "runtime directory, whatever the umask"
}
state_file_modes_body()
{
	umask 000
	gp_start
	p=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${p}"
	atf_check -o ignore "${GOPROCCTL}" reset --confirm RESET
	atf_check -o ignore "${GOPROCCTL}" add "${p}"
	atf_check -o inline:"600\n" stat -c %a "$(gp_snapshot)"
	atf_check -o inline:"600\n" stat -c %a "$(gp_journal)"
	atf_check -o inline:"0\n" stat -c %u "$(gp_snapshot)"
	[ ! -e "$(gp_snapshot).tmp" ] ||
	    atf_fail "$(gp_snapshot).tmp left behind"
}
state_file_modes_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

# cycle_until_compacted: add and remove a process until the journal
# shrinks, at most 400 times; sets cycles and max (the largest journal
# size seen before it shrank, after any add or rm).
cycle_until_compacted()
{
	q=$(gp_spawn sleep 1009)
	cycles=0
	max=0
	while [ ${cycles} -lt 400 ]; do
		for op in add rm; do
			if [ ${op} = add ]; then
				"${GOPROCCTL}" add "${q}" --tag cycle \
				    --group churn >/dev/null
			else
				"${GOPROCCTL}" rm --pid "${q}" >/dev/null
			fi || atf_fail "${op} failed in cycle ${cycles}"
			size=$(stat -c %s "$(gp_journal)")
			[ ${size} -lt ${max} ] && break
			max=${size}
		done
		cycles=$((cycles + 1))
		[ ${size} -lt ${max} ] && break
	done
	[ ${size} -lt ${max} ] ||
	    atf_fail "the journal was not compacted after 400 add/rm" \
	    "cycles (${size} bytes)"
	# Finish the cycle.
	if [ ${op} = add ]; then
		"${GOPROCCTL}" rm --pid "${q}" >/dev/null || atf_fail "rm ${q}"
	fi
}

atf_test_case journal_compacted cleanup
journal_compacted_head()
{
	atf_set "descr" "past 64 KiB the journal is compacted into the" \
	    "snapshot"
}
journal_compacted_body()
{
	gp_start
	populate
	cycle_until_compacted
	# The record that triggered the compaction is not seen: allow 1 KiB.
	[ ${max} -gt 64512 ] ||
	    atf_fail "compacted at ${max} bytes, before 64 KiB"
	[ -f "$(gp_snapshot)" ] || atf_fail "no snapshot after compaction"
	js=$(stat -c %s "$(gp_journal)")
	ss=$(stat -c %s "$(gp_snapshot)")
	[ ${js} -lt ${ss} ] ||
	    atf_fail "journal ${js} bytes, snapshot ${ss} bytes"
	[ ! -e "$(gp_snapshot).tmp" ] ||
	    atf_fail "$(gp_snapshot).tmp left behind"
}
journal_compacted_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case compaction_keeps_registry cleanup
compaction_keeps_registry_head()
{
	atf_set "descr" "after a compaction a restart shows the same registry" \
	    "and continues the ids"
}
compaction_keeps_registry_body()
{
	gp_start
	populate
	cycle_until_compacted
	# One more change, so that the journal is not empty.
	"${GOPROCCTL}" tag http --rename web >/dev/null || atf_fail "rename"
	"${GOPROCCTL}" list >before || atf_fail "list failed"
	gp_stop
	gp_start
	atf_check -o file:before "${GOPROCCTL}" list
	next=$((4 + cycles + 1))
	atf_check -o inline:"Process ${q} registered with id ${next}\n" \
	    "${GOPROCCTL}" add "${q}"
}
compaction_keeps_registry_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case crash_parent_after_ack cleanup
crash_parent_after_ack_head()
{
	atf_set "descr" "an acknowledged add survives a SIGKILL of the" \
	    "daemon's parent right after it"
}
crash_parent_after_ack_body()
{
	gp_start
	t=$(gp_spawn sleep 1000)
	parent=$(gp_pid)
	kids=$(gp_children "${parent}")
	"${GOPROCCTL}" add "${t}" --name crash --tag t --group g >/dev/null &&
	    kill -KILL "${parent}"
	gp_wait_gone "${parent}" ${kids} || atf_fail "the daemon lives on"
	gp_start
	atf_check -o inline:"[id=1] pid=${t} name=crash alive=true cmd=sleep 1000 tags=[t] groups=[g]\n" \
	    "${GOPROCCTL}" list
}
crash_parent_after_ack_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case crash_registry_after_ack cleanup
crash_registry_after_ack_head()
{
	atf_set "descr" "an acknowledged change survives a SIGKILL of the" \
	    "registry process right after it"
}
crash_registry_after_ack_body()
{
	gp_start
	t1=$(gp_spawn sleep 1000)
	t2=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${t1}" --tag a
	parent=$(gp_pid)
	kids=$(gp_children "${parent}")
	registry=$(gp_child registry)
	[ -n "${registry}" ] || atf_fail "no registry process"
	"${GOPROCCTL}" tag a --rename b >/dev/null &&
	    "${GOPROCCTL}" add "${t2}" --name last >/dev/null &&
	    kill -KILL "${registry}"
	gp_wait_gone "${parent}" ${kids} || atf_fail "the daemon lives on"
	gp_start
	cat >expected <<EOF
[id=1] pid=${t1} name=- alive=true cmd=sleep 1000 tags=[b] groups=[]
[id=2] pid=${t2} name=last alive=true cmd=sleep 1000 tags=[] groups=[]
EOF
	atf_check -o file:expected "${GOPROCCTL}" list
}
crash_registry_after_ack_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

# A registry of 100,000 entries from a snapshot and one added process;
# a compaction of it (SIGHUP) is under way when this returns.
big_compaction()
{
	gp_env
	mkdir -m 700 "${GOPROC_RUNTIME_DIR}"
	python3 "$(atf_get_srcdir)/mksnap.py" 100000 >"$(gp_snapshot)"
	gp_start -v
	t=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${t}" --tag before
	kill -HUP "$(gp_pid)"
	i=0
	until [ -e "$(gp_snapshot).tmp" ]; do
		[ $i -lt 400 ] || atf_fail "no compaction began"
		sleep 0.01
		i=$((i + 1))
	done
}

# during_adds N: add up to N processes, tagged during, while the
# compaction runs; sets inside to how many were answered while it ran.
during_adds()
{
	inside=0
	n=0
	while [ $n -lt "$1" ] && [ -e "$(gp_snapshot).tmp" ]; do
		p=$(gp_spawn sleep 1000)
		"${GOPROCCTL}" add "${p}" --tag during -t 5 >/dev/null ||
		    atf_fail "add ${p} during the compaction"
		[ -e "$(gp_snapshot).tmp" ] && inside=$((inside + 1))
		n=$((n + 1))
	done
}

atf_test_case compaction_serves_requests cleanup
compaction_serves_requests_head()
{
	atf_set "descr" "while a large snapshot is written, adds are" \
	    "answered, and they are in the journal that follows it"
	atf_set "require.progs" "python3"
}
compaction_serves_requests_body()
{
	big_compaction
	during_adds 1000
	[ ${inside} -gt 0 ] ||
	    atf_fail "no add was answered while the snapshot was written"
	echo "${inside} adds answered during the compaction"
	# It ends when the journal of the records since is in place (the
	# old one, with every record, stays until then, even with neither
	# file.tmp there).
	i=0
	until grep -q "journal.*replaced in" goprocd.log; do
		[ $i -lt 600 ] || atf_fail "the compaction did not end"
		sleep 0.05
		i=$((i + 1))
	done
	# The journal holds what came after the snapshot's last record.
	jl=$(grep -c '"op":"add"' "$(gp_journal)")
	[ "${jl}" -ge "${inside}" ] && [ "${jl}" -le "${n}" ] ||
	    atf_fail "${jl} adds in the journal, ${inside} to ${n} expected"
	"${GOPROCCTL}" list --tag during --tag before >before ||
	    atf_fail "list failed"
	[ "$(wc -l <before)" -eq $((n + 1)) ] || atf_fail "$(cat before)"
	gp_stop
	gp_start
	atf_check -o file:before "${GOPROCCTL}" list --tag during --tag before
	atf_check -o inline:"$((100000 + n + 1))\n" sh -c \
	    "'${GOPROCCTL}' list | wc -l"
}
compaction_serves_requests_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case crash_during_compaction cleanup
crash_during_compaction_head()
{
	atf_set "descr" "a SIGKILL of the registry while it writes a large" \
	    "snapshot loses no acknowledged change"
	atf_set "require.progs" "python3"
}
crash_during_compaction_body()
{
	big_compaction
	during_adds 3
	parent=$(gp_pid)
	kids=$(gp_children "${parent}")
	registry=$(gp_child registry)
	[ -n "${registry}" ] || atf_fail "no registry process"
	kill -KILL "${registry}"
	gp_wait_gone "${parent}" ${kids} || atf_fail "the daemon lives on"
	"${GOPROCCTL}" list --tag during >/dev/null 2>&1 &&
	    atf_fail "the daemon still answers"
	gp_start
	atf_check -o match:"^${n}\$" sh -c \
	    "'${GOPROCCTL}' list --tag during | wc -l"
	atf_check -o inline:"$((100000 + n + 1))\n" sh -c \
	    "'${GOPROCCTL}' list | wc -l"
}
crash_during_compaction_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

# started_before pid time: the process at pid started before time.
started_before()
{
	[ -d /proc/"$1" ] || return 1
	sb_btime=$(awk '$1 == "btime" { print $2 }' /proc/stat)
	sb_start=$((sb_btime + $(gp_start_ticks "$1") / $(getconf CLK_TCK)))
	[ "${sb_start}" -lt "$(date -d "$2" +%s)" ]
}

# The Go program's snapshot from the tree, as the state of a new daemon.
go_snapshot()
{
	gp_env
	mkdir -m 700 "${GOPROC_RUNTIME_DIR}"
	cp "$(atf_get_srcdir)/../snapshot/data/go-snapshot.json" \
	    "$(gp_snapshot)"
}

atf_test_case go_snapshot_loads cleanup
go_snapshot_loads_head()
{
	atf_set "descr" "a snapshot written by the Go program loads"
}
go_snapshot_loads_body()
{
	go_snapshot
	# Entries 7 and 12 were alive; they stay so only if the process
	# that happens to run at their pid here started before they were
	# added.
	a7=false
	a12=false
	started_before 4242 2026-11-26T15:04:05Z && a7=true
	started_before 99 2026-03-29T01:30:00Z && a12=true
	gp_start
	cat >expected <<EOF
[id=3] pid=17 name=- alive=false cmd=(client) pid:17 tags=[] groups=[]
[id=7] pid=4242 name=db-reader alive=${a7} cmd=(client) /usr/bin/reader --db "x" tags=[db,read] groups=[prod]
[id=12] pid=99 name=- alive=${a12} cmd=(client) pid:99 tags=[] groups=[batch,prod]
EOF
	atf_check -o file:expected "${GOPROCCTL}" list
	atf_check -o match:"registry loaded: 3 entries, next id 42" \
	    cat goprocd.log
}
go_snapshot_loads_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case go_snapshot_times cleanup
go_snapshot_times_head()
{
	atf_set "descr" "the times of a Go snapshot, in any zone, are shown" \
	    "in UTC"
	atf_set "require.progs" "jq"
}
go_snapshot_times_body()
{
	go_snapshot
	gp_start
	atf_check -o save:out "${GOPROCCTL}" --json list --id 7 --id 3 --id 12
	atf_check -o match:'^"2025-01-02T10:34:05\.50*Z"$' \
	    jq '.entries[] | select(.id == 3) | .added_at' out
	atf_check -o match:'^"2026-11-26T15:04:05\.123456789Z"$' \
	    jq '.entries[] | select(.id == 7) | .added_at' out
	atf_check -o match:'^"2026-03-29T01:30:00\.0000010*Z"$' \
	    jq '.entries[] | select(.id == 12) | .added_at' out
}
go_snapshot_times_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case go_snapshot_next_id cleanup
go_snapshot_next_id_head()
{
	atf_set "descr" "after a Go snapshot the next add gets its next_id"
}
go_snapshot_next_id_body()
{
	go_snapshot
	gp_start
	p=$(gp_spawn sleep 1000)
	atf_check -o inline:"Process ${p} registered with id 42\n" \
	    "${GOPROCCTL}" add "${p}"
	# Its names are taken.
	q=$(gp_spawn sleep 1000)
	atf_check -s exit:1 -o empty \
	    -e inline:"goprocctl: name \"db-reader\" is already in use by id 7\n" \
	    "${GOPROCCTL}" add "${q}" --name db-reader
}
go_snapshot_next_id_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case torn_journal_record cleanup
torn_journal_record_head()
{
	atf_set "descr" "a torn last journal record is discarded with a" \
	    "warning, and the rest loads"
}
torn_journal_record_body()
{
	gp_start
	populate
	"${GOPROCCTL}" list >before
	gp_stop
	printf '{"seq":' >>"$(gp_journal)"
	: >goprocd.log
	gp_start
	atf_check -o file:before "${GOPROCCTL}" list
	atf_check -o match:"goproc.journal: discarding a torn last record" \
	    cat goprocd.log
}
torn_journal_record_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case torn_journal_then_append cleanup
torn_journal_then_append_head()
{
	atf_set "descr" "changes made after a torn record was discarded" \
	    "survive the next restart"
}
torn_journal_then_append_body()
{
	gp_start
	populate
	gp_stop
	printf '{"seq":999,"op":"rm","id"' >>"$(gp_journal)"
	gp_start
	p5=$(gp_spawn sleep 1005)
	atf_check -o ignore "${GOPROCCTL}" add "${p5}" --name after
	"${GOPROCCTL}" list >before
	gp_stop
	: >goprocd.log
	gp_start
	atf_check -o file:before "${GOPROCCTL}" list
	atf_check -s exit:1 -o empty grep -E "torn|invalid|error" goprocd.log
}
torn_journal_then_append_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case corrupt_journal_refused cleanup
corrupt_journal_refused_head()
{
	atf_set "descr" "a corrupt journal line stops goprocd at start," \
	    "naming the file and line, and the file is left untouched"
}
corrupt_journal_refused_body()
{
	gp_start
	populate
	# A crash: a clean stop would fold the journal into the snapshot.
	p=$(gp_pid)
	kids=$(gp_children "${p}")
	kill -KILL "${p}"
	gp_wait_gone "${p}" ${kids} || atf_fail "goprocd did not die"
	[ $(wc -l <"$(gp_journal)") -ge 3 ] || atf_fail "journal too short"
	sed '2s/.*/{"seq":2,garbage}/' "$(gp_journal)" >bad.journal
	cp bad.journal "$(gp_journal)"
	atf_check -s exit:1 -o empty \
	    -e match:"goproc\\.journal: line 2: " \
	    timeout 10 "${GOPROCD}" -d
	atf_check cmp bad.journal "$(gp_journal)"
	[ ! -e "${SOCK}" ] || atf_fail "socket left behind"
	atf_check -s exit:3 -o empty -e ignore "${GOPROCCTL}" list
}
corrupt_journal_refused_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case corrupt_snapshot_refused cleanup
corrupt_snapshot_refused_head()
{
	atf_set "descr" "a snapshot that does not parse stops goprocd at" \
	    "start, naming the file, and is left untouched"
}
corrupt_snapshot_refused_body()
{
	go_snapshot
	head -c 200 "$(gp_snapshot)" >bad.snapshot
	cp bad.snapshot "$(gp_snapshot)"
	atf_check -s exit:1 -o empty \
	    -e match:"goproc\\.snapshot\\.json: offset [0-9]+: " \
	    timeout 10 "${GOPROCD}" -d
	atf_check cmp bad.snapshot "$(gp_snapshot)"
	[ ! -e "$(gp_journal)" ] || [ ! -s "$(gp_journal)" ] ||
	    atf_fail "a journal was written"
}
corrupt_snapshot_refused_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case invalid_snapshot_entry_refused cleanup
invalid_snapshot_entry_refused_head()
{
	atf_set "descr" "a snapshot with two entries of the same id stops" \
	    "goprocd, naming the entry"
}
invalid_snapshot_entry_refused_body()
{
	go_snapshot
	sed 's/"id": 12,/"id": 7,/' "$(gp_snapshot)" >bad.snapshot
	cp bad.snapshot "$(gp_snapshot)"
	atf_check -s exit:1 -o empty \
	    -e match:"goproc\\.snapshot\\.json: procs\\[2\\]: id 7 " \
	    timeout 10 "${GOPROCD}" -d
	atf_check cmp bad.snapshot "$(gp_snapshot)"
}
invalid_snapshot_entry_refused_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case load_error_reported_once cleanup
load_error_reported_once_head()
{
	atf_set "descr" "the error about a damaged state file is printed once"
}
load_error_reported_once_body()
{
	go_snapshot
	head -c 200 "$(gp_snapshot)" >bad.snapshot
	cp bad.snapshot "$(gp_snapshot)"
	atf_check -s exit:1 -o empty -e save:err timeout 10 "${GOPROCD}" -d
	atf_check -o inline:"1\n" grep -c "goproc.snapshot.json: offset" err
}
load_error_reported_once_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case reset_clears_state cleanup
reset_clears_state_head()
{
	atf_set "descr" "after reset and a restart the registry is empty and" \
	    "ids start at 1"
}
reset_clears_state_body()
{
	gp_start
	populate
	atf_check -o ignore "${GOPROCCTL}" reset --confirm RESET
	gp_stop
	gp_start
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
	atf_check -o inline:"Process ${p1} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p1}" --name web
}
reset_clears_state_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case reset_clears_go_snapshot cleanup
reset_clears_go_snapshot_head()
{
	atf_set "descr" "reset also forgets the entries loaded from a snapshot"
}
reset_clears_go_snapshot_body()
{
	go_snapshot
	gp_start
	atf_check -o ignore "${GOPROCCTL}" reset --confirm RESET
	gp_stop
	gp_start
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
	p=$(gp_spawn sleep 1000)
	atf_check -o inline:"Process ${p} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p}" --name db-reader
}
reset_clears_go_snapshot_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case restart_keeps_entries
	atf_add_test_case restart_continues_ids
	atf_add_test_case state_file_modes
	atf_add_test_case journal_compacted
	atf_add_test_case compaction_keeps_registry
	atf_add_test_case crash_parent_after_ack
	atf_add_test_case crash_registry_after_ack
	atf_add_test_case go_snapshot_loads
	atf_add_test_case go_snapshot_times
	atf_add_test_case go_snapshot_next_id
	atf_add_test_case torn_journal_record
	atf_add_test_case torn_journal_then_append
	atf_add_test_case corrupt_journal_refused
	atf_add_test_case corrupt_snapshot_refused
	atf_add_test_case invalid_snapshot_entry_refused
	atf_add_test_case load_error_reported_once
	atf_add_test_case reset_clears_state
	atf_add_test_case reset_clears_go_snapshot
	atf_add_test_case compaction_serves_requests
	atf_add_test_case crash_during_compaction
}

#! /usr/bin/env atf-sh
#
# The registry on disk when things go wrong or the daemon stops: a full
# disk refuses changes but keeps the daemon up, and the snapshot alone
# holds the registry after a clean stop, a reset and SIGHUP.

. "$(atf_get_srcdir)/common.sh"

# snap_show: "next_id N" then "id name tags" per entry, as a program
# reading the Go snapshot format sees the snapshot.
snap_show()
{
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print("next_id", d["next_id"])
for p in d["procs"]:
    print(p["id"], p.get("name") or "-", ",".join(p["meta"]["tags"]))
' "$(gp_snapshot)"
}

# snap_count: how many entries the snapshot holds.
snap_count()
{
	python3 -c '
import json, sys
print(len(json.load(open(sys.argv[1]))["procs"]))
' "$(gp_snapshot)" 2>/dev/null
}

# journal_check: every line of the journal is a whole JSON record.
journal_check()
{
	python3 -c '
import json, sys
b = open(sys.argv[1], "rb").read()
if b and not b.endswith(b"\n"):
    sys.exit("journal ends with a partial record")
for n, l in enumerate(b.splitlines(), 1):
    json.loads(l)
' "$(gp_journal)" || atf_fail "the journal is damaged"
}

# snap_wait FILE: wait up to 5 s for snap_show to print FILE.
snap_wait()
{
	i=0
	while [ $i -lt 100 ]; do
		snap_show >snap.out 2>/dev/null && cmp -s "$1" snap.out &&
		    return 0
		sleep 0.05
		i=$((i + 1))
	done
	snap_show >&2
	atf_fail "the snapshot does not hold the registry"
}

# crash: SIGKILL the daemon, as a power cut would stop it.
crash()
{
	_p=$(gp_pid)
	_k=$(gp_children "${_p}")
	kill -KILL "${_p}"
	gp_wait_gone "${_p}" ${_k} || atf_fail "goprocd did not die"
}

atf_test_case snapshot_is_registry cleanup
snapshot_is_registry_head()
{
	atf_set "descr" "after a clean stop, SIGHUP and reset the snapshot" \
	    "alone holds every entry"
	atf_set "require.progs" "python3"
}
snapshot_is_registry_body()
{
	gp_start
	p1=$(gp_spawn sleep 1001)
	p2=$(gp_spawn sleep 1002)
	p3=$(gp_spawn sleep 1003)
	"${GOPROCCTL}" add "${p1}" --name one --tag a >/dev/null ||
	    atf_fail "add one"
	"${GOPROCCTL}" add "${p2}" --name two --tag b >/dev/null ||
	    atf_fail "add two"
	gp_stop
	cat >expected <<EOF
next_id 3
1 one a
2 two b
EOF
	snap_show >snap.out
	atf_check -o file:expected cat snap.out
	atf_check -o inline:"0\n" stat -c %s "$(gp_journal)"

	# SIGHUP folds what was added since.
	gp_start
	"${GOPROCCTL}" add "${p3}" --name three --tag c >/dev/null ||
	    atf_fail "add three"
	echo "3 three c" >>expected
	sed -i 's/^next_id 3$/next_id 4/' expected
	kill -HUP "$(gp_pid)"
	snap_wait expected

	# reset: an empty registry, IDs from 1, once reset answered.
	atf_check -o ignore "${GOPROCCTL}" reset --confirm RESET
	snap_show >snap.out
	atf_check -o inline:"next_id 1\n" cat snap.out
	gp_stop
	snap_show >snap.out
	atf_check -o inline:"next_id 1\n" cat snap.out
}
snapshot_is_registry_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case disk_full cleanup
disk_full_head()
{
	atf_set "descr" "a full disk refuses changes with a clear error; the" \
	    "daemon keeps serving and writes again once there is space"
	atf_set "require.user" "root"
	atf_set "require.progs" "python3 mount umount dd"
}
disk_full_body()
{
	gp_env
	mkdir -p "${GOPROC_RUNTIME_DIR}"
	mount -t tmpfs -o size=512k,mode=0700 goproc-test \
	    "${GOPROC_RUNTIME_DIR}" || atf_skip "cannot mount a tmpfs"
	echo "${GOPROC_RUNTIME_DIR}" >mounted
	gp_start
	pids=
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		pids="${pids} $(gp_spawn sleep $((2000 + i)))"
	done
	plast=$(gp_spawn sleep 2999)
	set -- ${pids}
	"${GOPROCCTL}" add "$1" --name keep >/dev/null || atf_fail "add keep"
	shift

	# Fill the disk; the journal's last page may still have room for a
	# few records, so add until the disk refuses.
	dd if=/dev/zero of="${GOPROC_RUNTIME_DIR}/fill" bs=4k \
	    >/dev/null 2>&1
	ok=0
	for p in "$@"; do
		shift
		if ! "${GOPROCCTL}" add "${p}" --name "n${p}" \
		    --tag long-label-to-fill-the-last-page-of-the-journal-1 \
		    --tag long-label-to-fill-the-last-page-of-the-journal-2 \
		    --tag long-label-to-fill-the-last-page-of-the-journal-3 \
		    --tag long-label-to-fill-the-last-page-of-the-journal-4 \
		    >out 2>err; then
			refused=${p}
			break
		fi
		ok=$((ok + 1))
	done
	[ -n "${refused}" ] || atf_fail "no add was refused on a full disk"
	atf_check -o inline:"goprocctl: cannot record the change: No space left on device\n" \
	    cat err
	atf_check -o empty cat out

	# Nothing of it is in memory; reads work; every process is up.
	"${GOPROCCTL}" list >during || atf_fail "list failed on a full disk"
	atf_check -s exit:1 grep "pid=${refused} " during
	atf_check -o inline:"$((ok + 1))\n" grep -c "alive=" during
	atf_check -o ignore "${GOPROCCTL}" ping
	[ "$(gp_children "$(gp_pid)" | wc -l)" -eq 3 ] ||
	    atf_fail "a goprocd process is gone"

	# A compaction (SIGHUP) fails for lack of space: the old snapshot
	# and the journal stay as they were.
	cp "$(gp_journal)" journal.before
	[ -e "$(gp_snapshot)" ] && cp "$(gp_snapshot)" snapshot.before
	kill -HUP "$(gp_pid)"
	sleep 0.5
	atf_check -o ignore "${GOPROCCTL}" ping
	atf_check cmp journal.before "$(gp_journal)"
	if [ -e snapshot.before ]; then
		atf_check cmp snapshot.before "$(gp_snapshot)"
	else
		[ ! -s "$(gp_snapshot)" ] ||
		    atf_fail "a partial snapshot appeared"
	fi
	journal_check

	# Space again: the same add works.
	rm -f "${GOPROC_RUNTIME_DIR}/fill"
	atf_check -o match:"registered with id" "${GOPROCCTL}" add \
	    "${refused}" --name "n${refused}"
	atf_check -o inline:"$((ok + 2))\n" sh -c \
	    "'${GOPROCCTL}' list | grep -c alive="

	# The failed compaction is tried again, and now succeeds.
	i=0
	until [ "$(snap_count)" = $((ok + 2)) ]; do
		[ $i -lt 100 ] || atf_fail "the compaction was not retried"
		sleep 0.05
		i=$((i + 1))
	done

	# One more change, in the journal only; a crash, a restart: the
	# journal replays strictly, nothing is lost.
	atf_check -o ignore "${GOPROCCTL}" add "${plast}" --name last
	"${GOPROCCTL}" list >after
	atf_check -o inline:"$((ok + 3))\n" grep -c "alive=" after
	crash
	journal_check
	gp_start
	atf_check -o file:after "${GOPROCCTL}" list
}
disk_full_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"
	gp_cleanup
	[ -f mounted ] && umount -l "$(cat mounted)"
	return 0
}

atf_init_test_cases()
{
	atf_add_test_case snapshot_is_registry
	atf_add_test_case disk_full
}

#! /usr/bin/env atf-sh
#
# goprocctl update, the --dead selector and dead_retention, with the real
# daemon and client.

. "$(atf_get_srcdir)/common.sh"

gp_case()
{
	atf_test_case "$1" cleanup
	eval "$1_head() { atf_set descr '$2'; }"
	eval "$1_cleanup() { . \"\$(atf_get_srcdir)/common.sh\"; gp_cleanup; }"
}

# Two entries: id 1 (web, tags a b, group prod) and id 2 (no name, tag
# a, group dev); sets p1 and p2.
two()
{
	p1=$(gp_spawn sleep 1101)
	p2=$(gp_spawn sleep 1102)
	"${GOPROCCTL}" add "${p1}" --name web --tag a --tag b --group prod \
	    >/dev/null || atf_fail "add ${p1}"
	"${GOPROCCTL}" add "${p2}" --tag a --group dev >/dev/null ||
	    atf_fail "add ${p2}"
}

gp_case flags "each change flag, one line per entry changed as list prints it"
flags_body()
{
	gp_start
	two
	atf_check -o inline:"[id=1] pid=${p1} name=web alive=true cmd=sleep 1101 tags=[b,c] groups=[eu,prod]\n" \
	    "${GOPROCCTL}" update --id 1 --add-tag c --remove-tag a \
	    --add-group eu
	atf_check -o inline:"[id=2] pid=${p2} name=db alive=true cmd=sleep 1102 tags=[a] groups=[]\n" \
	    "${GOPROCCTL}" update --pid "${p2}" --remove-group dev --name db
	atf_check -o inline:"[id=1] pid=${p1} name=- alive=true cmd=sleep 1101 tags=[b,c] groups=[eu,prod]\n" \
	    "${GOPROCCTL}" update --id 1 --no-name
	# Comma lists, and a change that changes nothing is no line.
	atf_check -o inline:"[id=2] pid=${p2} name=db alive=true cmd=sleep 1102 tags=[a,b,x,y] groups=[]\n" \
	    "${GOPROCCTL}" update --tag a --add-tag x,y,b --all
	atf_check -o inline:"No changes: 1 matching process(es) already as requested\n" \
	    "${GOPROCCTL}" update --id 1 --add-tag b
	# The indexes follow.
	atf_check -o match:"^\[id=1\] .* tags=\[b,c\]" -o not-match:"\\[id=2\\]" \
	    "${GOPROCCTL}" list --tag c
	atf_check -o match:"^\[id=2\] " "${GOPROCCTL}" list --name db
	atf_check -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list --name web
	atf_check -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list --group dev
	atf_check -o match:'"name": "db"' -o match:'"entries"' \
	    "${GOPROCCTL}" --json update --id 2 --add-group g
	atf_check -o inline:"No matching processes registered\n" \
	    "${GOPROCCTL}" update --id 9 --add-tag q
}

gp_case all_guard "more than one match needs --all"
all_guard_body()
{
	gp_start
	two
	atf_check -s exit:1 -e match:"multiple processes match filters \(ids: 1, 2\). Use --all to update all" \
	    "${GOPROCCTL}" update --tag a --add-tag z
	atf_check -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list --tag z
	atf_check -o match:"id=1" -o match:"id=2" \
	    "${GOPROCCTL}" update --tag a --add-tag z --all
	atf_check -s exit:1 -e match:"provide at least one selector" \
	    "${GOPROCCTL}" update --add-tag z
}

gp_case name_rule "a name goes to one entry only, and never to a second one"
name_rule_body()
{
	gp_start
	two
	atf_check -s exit:1 -e inline:"goprocctl: name \"web\" is already in use by id 1\n" \
	    "${GOPROCCTL}" update --id 2 --name web
	atf_check -s exit:1 -e inline:"goprocctl: name \"x\" can go to one process only, not 2\n" \
	    "${GOPROCCTL}" update --tag a --all --name x
	atf_check -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list --name x
	# Its own name again: no change.
	atf_check -o match:"^No changes" "${GOPROCCTL}" update --id 1 --name web
	atf_check -s exit:2 -e match:"exclude each other" \
	    "${GOPROCCTL}" update --id 1 --name a --no-name
	atf_check -s exit:2 -e match:"invalid --name" \
	    "${GOPROCCTL}" update --id 1 --name "a b"
	atf_check -s exit:2 -e match:"both added and removed" \
	    "${GOPROCCTL}" update --id 1 --add-group g --remove-group g
}

atf_test_case owner cleanup
owner_head()
{
	atf_set "descr" "update follows the owner rules of rm"
	atf_set "require.user" "root"
	atf_set "require.progs" "setpriv"
}
owner_body()
{
	gp_shared_base
	gp_start --socket-group nogroup
	${GP_AS_NOBODY} sleep 1000 >/dev/null 2>&1 </dev/null &
	echo $! >>tracked.pids
	pn=$!
	p1=$(gp_spawn sleep 1103)
	atf_check -o ignore ${GP_AS_NOBODY} "${GOPROCCTL}" add "${pn}"
	atf_check -o ignore "${GOPROCCTL}" add "${p1}"
	atf_check -o match:"^\[id=1\] .* tags=\[mine\]" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" update --id 1 --add-tag mine
	atf_check -s exit:1 -e match:"permission denied: \[id=2\] pid=${p1} belongs to uid 0" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" update --id 2 --add-tag x
	# One entry of somebody else's refuses the whole request.
	atf_check -s exit:1 -e match:"permission denied" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" update --all --add-tag x
	atf_check -o not-match:"tags=\\[[^]]*x" "${GOPROCCTL}" list
	# Root may change every entry.
	atf_check -o match:"id=1" -o match:"id=2" \
	    "${GOPROCCTL}" update --all --add-group both
}
owner_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

gp_case journaled "an update survives kill -9 of the daemon and a clean stop"
journaled_body()
{
	gp_start
	two
	atf_check -o ignore "${GOPROCCTL}" update --id 1 --name front \
	    --remove-tag b --add-group eu
	atf_check -o ignore "${GOPROCCTL}" update --id 2 --no-name \
	    --add-tag n
	atf_check -o match:'"op":"update"' cat "$(gp_journal)"
	cat >expected <<EOF
[id=1] pid=${p1} name=front alive=true cmd=sleep 1101 tags=[a] groups=[eu,prod]
[id=2] pid=${p2} name=- alive=true cmd=sleep 1102 tags=[a,n] groups=[dev]
EOF
	atf_check -o file:expected "${GOPROCCTL}" list
	pid=$(gp_pid)
	kids=$(gp_children "${pid}")
	kill -KILL "${pid}" ${kids}
	gp_wait_gone "${pid}" ${kids} || atf_fail "goprocd did not die"
	gp_start
	atf_check -o file:expected "${GOPROCCTL}" list
	atf_check -o match:"^\[id=1\] " "${GOPROCCTL}" list --name front
	atf_check -o match:"^\[id=2\] " "${GOPROCCTL}" list --tag n
	# Through a compaction (the snapshot) too.
	gp_stop
	gp_start
	atf_check -o file:expected "${GOPROCCTL}" list
	atf_check -s exit:1 -e match:"already in use by id 1" \
	    "${GOPROCCTL}" update --id 2 --name front
}

gp_case events "watchers get an updated event per entry changed"
events_body()
{
	gp_start
	two
	"${GOPROCCTL}" watch >events.out 2>&1 &
	echo $! >>tracked.pids
	sleep 0.5
	atf_check -o ignore "${GOPROCCTL}" update --all --add-tag w
	i=0
	while [ $i -lt 100 ] && [ "$(grep -c updated events.out)" -lt 2 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	atf_check -o match:"updated.*id=1" -o match:"updated.*id=2" \
	    cat events.out
}

gp_case dead_selector "--dead for list, rm and update; refused with --alive"
dead_selector_body()
{
	gp_start
	two
	kill "${p2}"
	gp_wait_dead 2
	atf_check -o match:"^\[id=2\] " -o not-match:"\\[id=1\\]" \
	    "${GOPROCCTL}" list --dead
	atf_check -o match:"^\[id=1\] " -o not-match:"\\[id=2\\]" \
	    "${GOPROCCTL}" list --alive
	atf_check -s exit:2 -e match:"--alive and --dead exclude each other" \
	    "${GOPROCCTL}" list --alive --dead
	atf_check -o match:"^\[id=2\] .*tags=\[a,gone\]" \
	    "${GOPROCCTL}" update --dead --add-tag gone
	atf_check -o inline:"Removed [id=2] pid=${p2} name=- cmd=sleep 1102 tags=[a,gone] groups=[dev]\n" \
	    "${GOPROCCTL}" rm --dead --all
	atf_check -o inline:"No matching processes registered\n" \
	    "${GOPROCCTL}" rm --dead --all
	atf_check -o match:"^\[id=1\] " "${GOPROCCTL}" list
}

gp_case retention "dead_retention removes a dead entry, also across a restart"
retention_body()
{
	echo '{"dead_retention": "2s"}' >goprocd.conf
	gp_start -c "$(pwd)/goprocd.conf"
	two
	"${GOPROCCTL}" watch >events.out 2>&1 &
	echo $! >>tracked.pids
	sleep 0.5
	kill "${p2}"
	gp_wait_dead 2
	# Still there before its time ...
	atf_check -o match:"^\[id=2\] " "${GOPROCCTL}" list --dead
	# ... gone after it, with a removed event, journaled as an rm.
	gp_poll "^No processes registered" list --dead ||
	    atf_fail "entry 2 was not removed"
	atf_check -o match:'"op":"rm","id":2' cat "$(gp_journal)"
	atf_check -o match:"removed.*id=2" cat events.out
	atf_check -o match:"^\[id=1\] " "${GOPROCCTL}" list
	# Across a restart the clock goes on from the time of death.
	kill "${p1}"
	gp_wait_dead 1
	atf_check -o match:'"dead_at"' cat "$(gp_journal)"
	pid=$(gp_pid)
	kids=$(gp_children "${pid}")
	kill -KILL "${pid}" ${kids}
	gp_wait_gone "${pid}" ${kids} || atf_fail "goprocd did not die"
	sleep 1
	gp_start -c "$(pwd)/goprocd.conf"
	gp_poll "^No processes registered" list ||
	    atf_fail "entry 1 was not removed after the restart"
	# Unset keeps dead entries; the environment sets it too.
	gp_stop
	p3=$(gp_spawn sleep 1104)
	gp_start
	atf_check -o ignore "${GOPROCCTL}" add "${p3}"
	kill "${p3}"
	gp_wait_dead 3
	sleep 2.5
	atf_check -o match:"^\[id=3\] " "${GOPROCCTL}" list
	gp_stop
	gp_env
	GOPROC_DEAD_RETENTION=1s "${GOPROCD}" -d >>goprocd.log 2>&1 &
	echo $! >>daemon.pids
	gp_wait_ready || atf_fail "goprocd did not become ready"
	gp_poll "^No processes registered" list ||
	    atf_fail "entry 3 was not removed with GOPROC_DEAD_RETENTION"
}

gp_case retention_config "dead_retention is checked like the other durations"
retention_config_body()
{
	echo '{"dead_retention": "0s"}' >bad.conf
	atf_check -s exit:1 -e match:"dead_retention.*must be positive" \
	    "${GOPROCD}" -n -c "$(pwd)/bad.conf"
	echo '{"dead_retention": "3 days"}' >bad.conf
	atf_check -s exit:1 -e match:"dead_retention" \
	    "${GOPROCD}" -n -c "$(pwd)/bad.conf"
	echo '{"dead_retention": "168h"}' >good.conf
	atf_check -o ignore -e ignore "${GOPROCD}" -n -c "$(pwd)/good.conf"
	GOPROC_DEAD_RETENTION=-1s atf_check -s exit:1 \
	    -e match:"environment GOPROC_DEAD_RETENTION" \
	    "${GOPROCD}" -n -c "$(pwd)/good.conf"
}

atf_init_test_cases()
{
	atf_add_test_case flags
	atf_add_test_case all_guard
	atf_add_test_case name_rule
	atf_add_test_case owner
	atf_add_test_case journaled
	atf_add_test_case events
	atf_add_test_case dead_selector
	atf_add_test_case retention
	atf_add_test_case retention_config
}

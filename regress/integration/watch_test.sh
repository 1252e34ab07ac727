#! /usr/bin/env atf-sh
#
# watch and wait: the registry's changes as they happen, matched against
# a client's selectors by the daemon, with a bounded buffer for a client
# that does not read; wait ends when the selected entries are dead.

. "$(atf_get_srcdir)/common.sh"

watch_case()
{
	atf_test_case "$1" cleanup
	eval "$1_head() { atf_set descr '$2'; atf_set require.user root;
	    atf_set require.progs 'python3 setpriv'; }"
	eval "$1_cleanup() { . \"\$(atf_get_srcdir)/common.sh\";
	    [ -f watchers ] && kill \$(cat watchers) 2>/dev/null; gp_cleanup;
	    gp_cleanup_groups; }"
}

# watch_bg FILE ARGS...: goprocctl watch ARGS in the background, its
# standard output in FILE, its error in FILE.err, its status in
# FILE.rc when it ends; its pid in $watcher.
watch_bg()
{
	_out=$1
	shift
	( "${GOPROCCTL}" watch "$@" >"${_out}" 2>"${_out}.err"
	    echo $? >"${_out}.rc" ) &
	# The subshell's pid; goprocctl is its only child.
	_sub=$!
	_i=0
	watcher=
	while [ -z "${watcher}" ] && [ $_i -lt 100 ]; do
		watcher=$(gp_children "${_sub}" | head -n 1)
		[ -n "${watcher}" ] || sleep 0.05
		_i=$((_i + 1))
	done
	[ -n "${watcher}" ] || atf_fail "goprocctl watch did not start"
	echo "${watcher}" >>watchers
}

# seen FILE ERE: wait up to 5 s until a line of FILE matches.
seen()
{
	_i=0
	until grep -Eq -- "$2" "$1" 2>/dev/null; do
		[ $_i -lt 100 ] || {
			echo "--- $1:" >&2
			cat "$1" >&2
			atf_fail "no line matching '$2' in $1"
		}
		sleep 0.05
		_i=$((_i + 1))
	done
}

# line_no FILE ERE: the number of the first line of FILE that matches.
line_no()
{
	grep -En -- "$2" "$1" | head -n 1 | cut -d: -f1
}

# add_sleeper ARGS...: register a new sleep 1000 with goprocctl add ARGS;
# sets $p to its pid.
add_sleeper()
{
	p=$(gp_spawn sleep 1000)
	"${GOPROCCTL}" add "${p}" "$@" >/dev/null || atf_fail "add $* failed"
}

T='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'

watch_case every_event "every kind of change reaches a watcher, in order"
every_event_body()
{
	gp_start
	add_sleeper --name first
	watch_bg w.out --initial
	seen w.out "^${T} present \\[id=1\\] pid=${p} name=first alive=true "

	add_sleeper --name two --tag web
	p2=${p}
	seen w.out "^${T} added \\[id=2\\] pid=${p2} name=two alive=true cmd=sleep 1000 tags=\\[web\\] groups=\\[\\]\$"
	kill -KILL "${p2}"
	seen w.out "^${T} exited \\[id=2\\] pid=${p2} name=two alive=false "

	add_sleeper --name three
	p3=${p}
	atf_check -o match:"Killed and removed" "${GOPROCCTL}" kill --name three
	seen w.out "^${T} removed \\[id=3\\] pid=${p3} name=three "
	atf_check -o match:"^${T} signalled \\[id=3\\] pid=${p3} name=three .* signal=TERM by_uid=0 by_pid=[0-9]+\$" \
	    grep -E "signalled" w.out
	s=$(line_no w.out " signalled \\[id=3\\]")
	e=$(line_no w.out " exited \\[id=3\\]")
	r=$(line_no w.out " removed \\[id=3\\]")
	[ -n "${e}" ] || atf_fail "no exited event for id 3"
	[ "${s}" -lt "${r}" ] && [ "${e}" -lt "${r}" ] ||
	    atf_fail "id 3: signalled ${s}, exited ${e}, removed ${r}"

	atf_check -o ignore "${GOPROCCTL}" rm --name two
	seen w.out "^${T} removed \\[id=2\\] pid=${p2} name=two alive=false "

	add_sleeper --tag web --tag x
	p4=${p}
	atf_check -o ignore "${GOPROCCTL}" tag web --rename www
	seen w.out "^${T} renamed \\[id=4\\] pid=${p4} name=- alive=true cmd=sleep 1000 tags=\\[www,x\\] groups=\\[\\] kind=tag from=web to=www\$"

	gp_run -- sleep 1000 || atf_fail "run failed"
	seen w.out "^${T} added \\[id=5\\] pid=${gp_run_pid} "
	seen w.out "^${T} updated \\[id=5\\] pid=${gp_run_pid} name=- alive=true cmd=sleep 1000 .* changed=cmd\$"

	atf_check -o ignore "${GOPROCCTL}" reset --confirm RESET
	seen w.out "^${T} reset\$"
	# Nothing but these, and the watcher still runs.
	atf_check -o inline:"7\n" sh -c "grep -c ' present \| added \| exited ' w.out"
	kill -0 "${watcher}" || atf_fail "the watcher ended"
	[ ! -s w.out.err ] || atf_fail "watch wrote to stderr: $(cat w.out.err)"
}

watch_case initial "--initial first lists the current matches as present"
initial_body()
{
	gp_start
	add_sleeper --name a --tag web
	pa=${p}
	add_sleeper --name b --tag web
	pb=${p}
	kill -KILL "${pb}"
	gp_wait_dead 2
	add_sleeper --name c --tag db
	watch_bg w.out --initial --tag web
	seen w.out " present \\[id=2\\] pid=${pb} name=b alive=false "
	seen w.out " present \\[id=1\\] pid=${pa} name=a alive=true "
	atf_check -s exit:1 grep "name=c" w.out
	# Then the events of the matches only.
	add_sleeper --name d --tag db
	add_sleeper --name e --tag web
	seen w.out " added \\[id=5\\] .* name=e "
	atf_check -s exit:1 grep "name=d" w.out

	# Without --initial, nothing is said until something changes.
	watch_bg w2.out --tag web
	i=0
	until grep -q " added " w2.out; do
		[ $i -lt 50 ] || atf_fail "the second watcher saw no add"
		add_sleeper --tag web --name "f$i"
		sleep 0.1
		i=$((i + 1))
	done
	atf_check -s exit:1 grep " present " w2.out
}

watch_case selectors_at_the_event "a selector applies to the entry as it is at the event"
selectors_at_the_event_body()
{
	gp_start
	add_sleeper --name keep --tag keep --tag new
	ps=${p}
	add_sleeper --name x --tag old
	px=${p}
	watch_bg new.out --initial --tag new
	seen new.out " present \\[id=1\\] "
	watch_bg old.out --initial --tag old --tag keep
	seen old.out " present \\[id=2\\] "
	watch_bg alive.out --initial --alive --name x
	seen alive.out " present \\[id=2\\] "

	# x gains the tag new: it starts to appear; it loses old: its
	# watcher sees the change that ends its match, and no more.
	atf_check -o ignore "${GOPROCCTL}" tag old --rename new
	seen new.out " renamed \\[id=2\\] .* tags=\\[new\\] .* kind=tag from=old to=new\$"
	seen old.out " renamed \\[id=2\\] .* kind=tag from=old to=new\$"
	kill -KILL "${px}"
	seen new.out " exited \\[id=2\\] "
	# An entry that dies leaves --alive with the event of its death.
	seen alive.out " exited \\[id=2\\] pid=${px} name=x alive=false "
	kill -KILL "${ps}"
	seen old.out " exited \\[id=1\\] "
	atf_check -s exit:1 grep " exited \\[id=2\\]" old.out
}

watch_case json "--json: one object a line, with the members of the event"
json_body()
{
	gp_start
	add_sleeper --name first
	watch_bg w.json --json --initial
	seen w.json '"event": *"present"'
	add_sleeper --name two --tag web
	atf_check -o ignore "${GOPROCCTL}" kill --name two
	atf_check -o ignore "${GOPROCCTL}" tag web --rename www 2>/dev/null
	add_sleeper --name three --tag a
	atf_check -o ignore "${GOPROCCTL}" tag a --rename b
	atf_check -o ignore "${GOPROCCTL}" reset --confirm RESET
	seen w.json '"event": *"reset"'
	atf_check -o inline:"ok\n" python3 -c '
import json, re, sys
ev = [json.loads(l) for l in open("w.json")]
names = [e["event"] for e in ev]
for want in ("present", "added", "signalled", "exited", "removed",
             "renamed", "reset"):
    assert want in names, (want, names)
for e in ev:
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", e["at"]), e
    if e["event"] == "reset":
        assert e["entry"] is None, e
        continue
    assert isinstance(e["entry"]["id"], int) and "alive" in e["entry"], e
    if e["event"] == "signalled":
        assert e["signal"] == "SIGTERM" and e["signo"] == 15, e
        assert e["by_uid"] == 0 and e["by_pid"] > 0, e
    if e["event"] == "renamed":
        assert (e["kind"], e["from"], e["to"]) == ("tag", "a", "b"), e
        assert e["entry"]["tags"] == ["b"], e
print("ok")'
}

watch_case daemon_goes_away "a watcher says so and exits 1 when goprocd stops"
daemon_goes_away_body()
{
	gp_start
	add_sleeper --name first
	watch_bg w.out --initial
	seen w.out " present "
	gp_stop
	gp_wait_for -f w.out.rc || atf_fail "the watcher did not end"
	atf_check -o inline:"1\n" cat w.out.rc
	atf_check -o match:"goprocctl: .*" cat w.out.err
}

watch_case interrupted "SIGINT, SIGTERM and a closed pipe end a watcher with 0"
interrupted_body()
{
	gp_start
	add_sleeper --name first
	watch_bg w.out --initial
	seen w.out " present "
	kill -INT "${watcher}"
	gp_wait_for -f w.out.rc || atf_fail "SIGINT did not end the watcher"
	atf_check -o inline:"0\n" cat w.out.rc

	watch_bg t.out --initial
	seen t.out " present "
	kill -TERM "${watcher}"
	gp_wait_for -f t.out.rc || atf_fail "SIGTERM did not end the watcher"
	atf_check -o inline:"0\n" cat t.out.rc

	# A reader that takes one line and leaves.
	( "${GOPROCCTL}" watch --initial; echo $? >pipe.rc ) | head -n 1 >one &
	gp_wait_for -s one || atf_fail "no line through the pipe"
	i=0
	while [ ! -f pipe.rc ] && [ $i -lt 50 ]; do
		add_sleeper
		sleep 0.1
		i=$((i + 1))
	done
	atf_check -o inline:"0\n" cat pipe.rc
}

watch_case slow_reader_loses "a watcher that does not read loses events, is told how many, and costs its bound"
slow_reader_loses_body()
{
	gp_env
	mkdir -m 700 "${GOPROC_RUNTIME_DIR}"
	python3 "$(atf_get_srcdir)/mksnap.py" 5000 |
	    sed 's/"groups":\["g[0-9]*"\]/"groups":["all"]/' \
	    >"${GOPROC_RUNTIME_DIR}/goproc.snapshot.json"
	export GOPROC_CLIENT_TIMEOUT=120s
	gp_start
	before=$(gp_frontend_rss)
	# The reader sleeps while 20,000 events go by.
	( "${GOPROCCTL}" watch --group all --group b; echo $? >w.rc ) |
	    ( sleep 10; cat ) >w.out &
	sleep 1
	for g in all b all b; do
		"${GOPROCCTL}" group "${g}" --rename \
		    "$([ "$g" = b ] && echo all || echo b)" >/dev/null ||
		    atf_fail "rename failed"
	done
	# gp_frontend_rss is in kB.
	during=$(gp_frontend_rss)
	# The reader sleeps 10 s, longer than seen waits: let it wake first.
	_i=0
	while [ ! -s w.out ] && [ $_i -lt 200 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	seen w.out " lost count=[0-9]+\$"
	sleep 1
	renamed=$(grep -c " renamed " w.out)
	lost=$(sed -n 's/.* lost count=\([0-9]*\)$/\1/p' w.out |
	    awk '{ s += $1 } END { print s + 0 }')
	echo "frontend VmRSS ${before} kB, ${during} kB while the watcher slept"
	echo "${renamed} renamed events read, ${lost} lost"
	[ $((renamed + lost)) -eq 20000 ] ||
	    atf_fail "${renamed} events read and ${lost} lost, not 20000"
	[ "${lost}" -gt 0 ] || atf_fail "nothing was lost"
	# AddressSanitizer holds freed memory in quarantine: the bound is
	# the plain build's to show (and the benchmark's to measure).
	if ldd "${GOPROCD}" 2>/dev/null | grep -q libasan; then
		echo "AddressSanitizer build: the frontend's RSS is not checked"
	else
		[ $((during - before)) -lt 4096 ] ||
		    atf_fail "the frontend grew from ${before} kB to ${during} kB"
	fi
	pkill -f "goprocctl watch --group all" 2>/dev/null
}

watch_case per_uid_limit "watchers count towards max_clients_per_uid"
per_uid_limit_body()
{
	gp_shared_base
	printf '{"max_clients_per_uid": 2}\n' >limits.json
	gp_start --socket-group nogroup -c "$(pwd)/limits.json"
	add_sleeper --name first
	for n in 1 2; do
		( ${GP_AS_NOBODY} "${GOPROCCTL}" watch --initial >"n$n.out" \
		    2>&1 ) &
		echo $! >>subshells
		seen "n$n.out" " present \\[id=1\\] "
	done
	atf_check -s exit:1 -e match:"too many clients of uid" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" watch
	# Root is not counted with them.
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	# A subshell may have become goprocctl itself: kill either.
	for w in $(cat subshells); do
		pkill -P "$w" 2>/dev/null || kill "$w" 2>/dev/null || true
	done
}

watch_case wait_all "wait returns once every selected entry is dead"
wait_all_body()
{
	gp_start
	add_sleeper --name a --tag w
	pa=${p}
	add_sleeper --name b --tag w
	pb=${p}
	( "${GOPROCCTL}" wait --tag w >wait.out 2>wait.err
	    echo $? >wait.rc ) &
	sleep 0.5
	kill -KILL "${pa}"
	gp_wait_dead 1
	sleep 0.3
	[ ! -f wait.rc ] || atf_fail "wait ended with one entry alive"
	kill -KILL "${pb}"
	gp_wait_for -f wait.rc || atf_fail "wait did not end"
	atf_check -o inline:"0\n" cat wait.rc
	atf_check -o match:"^Exited \\[id=1\\] pid=${pa} name=a at ${T}\$" \
	    -o match:"^Exited \\[id=2\\] pid=${pb} name=b at ${T}\$" \
	    cat wait.out
	atf_check -o inline:"2\n" sh -c "wc -l <wait.out | tr -d ' '"
}

watch_case wait_any "wait --any returns at the first death"
wait_any_body()
{
	gp_start
	add_sleeper --name a --tag w
	add_sleeper --name b --tag w
	pb=${p}
	( "${GOPROCCTL}" wait --any --tag w >wait.out 2>wait.err
	    echo $? >wait.rc ) &
	sleep 0.5
	kill -KILL "${pb}"
	gp_wait_for -f wait.rc || atf_fail "wait --any did not end"
	atf_check -o inline:"0\n" cat wait.rc
	atf_check -o match:"^Exited \\[id=2\\] pid=${pb} name=b at ${T}\$" \
	    cat wait.out
	atf_check -s exit:1 grep "\\[id=1\\]" wait.out
}

watch_case wait_already_dead "an entry already dead counts at once"
wait_already_dead_body()
{
	gp_start
	add_sleeper --name a
	kill -KILL "${p}"
	gp_wait_dead 1
	atf_check -o match:"^Exited \\[id=1\\] pid=${p} name=a at ${T}\$" \
	    "${GOPROCCTL}" wait --name a -t 5
	add_sleeper --name b --tag z
	atf_check -o match:"^Exited \\[id=1\\] " "${GOPROCCTL}" wait --any \
	    --name a --name b -t 5
}

watch_case wait_timeout "wait -t says which entries are alive and exits 124"
wait_timeout_body()
{
	gp_start
	add_sleeper --name a
	pa=${p}
	add_sleeper --name b
	kill -KILL "${p}"
	gp_wait_dead 2
	atf_check -s exit:124 -o match:"^Still alive \\[id=1\\] pid=${pa} name=a\$" \
	    -o match:"^Exited \\[id=2\\] " -e match:"timed out after 1 second" \
	    "${GOPROCCTL}" wait --name a --name b -t 1
}

watch_case wait_no_match "wait with no match is an error, unless --allow-empty"
wait_no_match_body()
{
	gp_start
	atf_check -s exit:1 -e match:"No processes match" \
	    "${GOPROCCTL}" wait --name nobody -t 5
	atf_check -s exit:0 -o empty -e empty \
	    "${GOPROCCTL}" wait --name nobody --allow-empty -t 5
	atf_check -s exit:2 -e match:"selector" "${GOPROCCTL}" wait
}

watch_case wait_removed "an entry removed while waited on ends the wait"
wait_removed_body()
{
	gp_start
	add_sleeper --name a
	( "${GOPROCCTL}" wait --name a >wait.out 2>wait.err
	    echo $? >wait.rc ) &
	sleep 0.5
	atf_check -o ignore "${GOPROCCTL}" rm --name a
	gp_wait_for -f wait.rc || atf_fail "wait did not end"
	atf_check -o inline:"0\n" cat wait.rc
	atf_check -o match:"^Removed \\[id=1\\] pid=${p} name=a at ${T}\$" \
	    cat wait.out
}

watch_case wait_pid_reused "wait ends with its process, not a stranger on the same pid"
wait_pid_reused_body()
{
	[ -w /proc/sys/kernel/ns_last_pid ] ||
	    atf_skip "/proc/sys/kernel/ns_last_pid is not writable"
	gp_start
	# A child of this shell, so that it is reaped here and its pid free.
	sleep 1000 &
	pa=$!
	echo "${pa}" >>tracked.pids
	gp_wait_exec "${pa}" sleep
	"${GOPROCCTL}" add "${pa}" --name a >/dev/null || atf_fail "add failed"
	( "${GOPROCCTL}" wait --pid "${pa}" >wait.out 2>wait.err
	    echo $? >wait.rc ) &
	sleep 0.5
	kill -KILL "${pa}"
	wait "${pa}" 2>/dev/null
	# A stranger takes the pid at once.
	taken=
	try=0
	while [ -z "${taken}" ] && [ ${try} -lt 20 ]; do
		echo $((pa - 1)) >/proc/sys/kernel/ns_last_pid
		sleep 1000 &
		n=$!
		echo "${n}" >>tracked.pids
		[ "${n}" = "${pa}" ] && taken=${n}
		try=$((try + 1))
	done
	[ -n "${taken}" ] || atf_skip "could not get pid ${pa} again"
	gp_wait_for -f wait.rc || atf_fail "wait followed the stranger"
	atf_check -o inline:"0\n" cat wait.rc
	atf_check -o match:"^Exited \\[id=1\\] pid=${pa} name=a " cat wait.out
	kill -0 "${taken}" || atf_fail "the stranger is gone"
}

watch_case wait_daemon_stops "wait reports the daemon going away"
wait_daemon_stops_body()
{
	gp_start
	add_sleeper --name a
	( "${GOPROCCTL}" wait --name a >wait.out 2>wait.err
	    echo $? >wait.rc ) &
	sleep 0.5
	gp_stop
	gp_wait_for -f wait.rc || atf_fail "wait did not end"
	atf_check -o inline:"1\n" cat wait.rc
	atf_check -o match:"goprocctl: " cat wait.err
}

watch_case many_matches "selections sorted past 1 KiB, in the registry and the frontend, inside the sandbox"
many_matches_body()
{
	gp_env
	mkdir -m 700 "${GOPROC_RUNTIME_DIR}"
	python3 "$(atf_get_srcdir)/mksnap.py" 20000 \
	    >"${GOPROC_RUNTIME_DIR}/goproc.snapshot.json"
	gp_start
	atf_check -o inline:"200\n" sh -c \
	    "\"${GOPROCCTL}\" list --group g0 | wc -l | tr -d ' '"
	atf_check -o inline:"200\n" sh -c \
	    "\"${GOPROCCTL}\" wait --group g1 -t 5 | grep -c '^Exited '"
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
}

atf_init_test_cases()
{
	atf_add_test_case many_matches
	atf_add_test_case every_event
	atf_add_test_case initial
	atf_add_test_case selectors_at_the_event
	atf_add_test_case json
	atf_add_test_case daemon_goes_away
	atf_add_test_case interrupted
	atf_add_test_case slow_reader_loses
	atf_add_test_case per_uid_limit
	atf_add_test_case wait_all
	atf_add_test_case wait_any
	atf_add_test_case wait_already_dead
	atf_add_test_case wait_timeout
	atf_add_test_case wait_no_match
	atf_add_test_case wait_removed
	atf_add_test_case wait_pid_reused
	atf_add_test_case wait_daemon_stops
}

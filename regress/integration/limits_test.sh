#! /usr/bin/env atf-sh
#
# What one client may hold: connections per uid with a reserve for root,
# a deadline on replies it does not read, nothing kept for a client that
# is refused, and bounded entries, labels and commands in the registry.

. "$(atf_get_srcdir)/common.sh"

RAW="python3 $(atf_get_srcdir)/rawclient.py"

# as_user USER: the prefix to run a command as USER in the socket's group.
as_user()
{
	echo setpriv --reuid="$1" --regid="$(id -g "$1")" \
	    --groups="$(getent group nogroup | cut -d: -f3)" --
}

# A python3 that other users can run (not one under root's home).
for PY_ANY in /usr/bin/python3 /usr/local/bin/python3 python3; do
	[ -x "${PY_ANY}" ] && break
done

# hold USER N OUT: USER opens N connections and holds those accepted;
# waits until OUT says how many were held and refused.
hold()
{
	$(as_user "$1") "${PY_ANY}" "$(atf_get_srcdir)/rawclient.py" "${SOCK}" \
	    hold-many "$2" 0.5 >"$3" 2>&1 &
	echo $! >>holders
	_i=0
	until grep -q '^held=' "$3" 2>/dev/null; do
		[ $_i -lt 200 ] || atf_fail "$1's connections did not open"
		sleep 0.05
		_i=$((_i + 1))
	done
}

stop_holders()
{
	[ -f holders ] && kill $(cat holders) 2>/dev/null
	rm -f holders
}

limits_case()
{
	atf_test_case "$1" cleanup
	eval "$1_head() { atf_set descr '$2'; atf_set require.user root;
	    atf_set require.progs 'python3 setpriv'; }"
	eval "$1_cleanup() { . \"\$(atf_get_srcdir)/common.sh\";
	    [ -f holders ] && kill \$(cat holders) 2>/dev/null; gp_cleanup; }"
}

limits_case clients_per_uid "a uid holds at most max_clients_per_uid connections"
clients_per_uid_body()
{
	gp_shared_base
	# Idle connections are not dropped during the test.
	export GOPROC_CLIENT_TIMEOUT=60s
	gp_start --socket-group nogroup
	hold nobody 10 nobody.out
	atf_check -o match:"^held=8 refused=2 too many clients of uid 65534 at once \(limit 8, max_clients_per_uid in goprocd.conf\)" \
	    cat nobody.out
	atf_check -s exit:1 -e match:"too many clients of uid 65534" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" ping
	# Another uid, and root, are served.
	atf_check -o inline:"pong\n" $(as_user daemon) "${GOPROCCTL}" ping
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	grep -q "refusing client pid [0-9]* uid 65534: too many clients" \
	    goprocd.log || atf_fail "no refusal logged"
	stop_holders
	sleep 0.3
	atf_check -o inline:"pong\n" ${GP_AS_NOBODY} "${GOPROCCTL}" ping
}

limits_case root_reserve "users filling every slot do not lock root out"
root_reserve_body()
{
	gp_shared_base
	export GOPROC_CLIENT_TIMEOUT=60s GOPROC_MAX_CLIENTS=32
	gp_start --socket-group nogroup
	# Four users try to take all 32 connections.
	hold nobody 8 u1.out
	hold daemon 8 u2.out
	hold bin 8 u3.out
	hold sys 8 u4.out
	atf_check -o match:"^held=8 refused=0" cat u1.out
	atf_check -o match:"^held=8 refused=0" cat u2.out
	atf_check -o match:"^held=8 refused=0" cat u3.out
	atf_check -o match:"^held=0 refused=8 too many clients at once" \
	    cat u4.out
	atf_check -s exit:1 -e match:"too many clients at once" \
	    $(as_user sys) "${GOPROCCTL}" ping
	# The last 8 are root's.
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	p=$(gp_spawn sleep 1000)
	atf_check -o match:"registered with id 1" "${GOPROCCTL}" add "${p}"
	atf_check -o match:"^\[id=1\] pid=${p} " "${GOPROCCTL}" list
	stop_holders
}

limits_case stalled_reader "a client that does not read its reply is closed"
stalled_reader_body()
{
	gp_env
	mkdir -m 700 "${GOPROC_RUNTIME_DIR}"
	python3 "$(atf_get_srcdir)/mksnap.py" 50000 \
	    >"${GOPROC_RUNTIME_DIR}/goproc.snapshot.json"
	export GOPROC_CLIENT_TIMEOUT=2s
	gp_start
	# Asks for 50000 entries, reads nothing for 6 s.
	${RAW} "${SOCK}" slow-list 6 >slow.out &
	slow=$!
	i=0
	until grep -q asked slow.out; do
		[ $i -lt 100 ] || atf_fail "the slow client did not ask"
		sleep 0.05
		i=$((i + 1))
	done
	sleep 1
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping -t 1
	atf_check -o match:"^\[id=7\] " "${GOPROCCTL}" list --id 7 -t 1
	wait "${slow}"
	n=$(sed -n 's/^entries=//p' slow.out)
	[ -n "${n}" ] && [ "${n}" -lt 50000 ] ||
	    atf_fail "the stalled client got ${n:-no} entries, not cut off"
	grep -q "read no reply in 2s, closing" goprocd.log ||
	    atf_fail "the closing is not logged"
	# A reader that keeps reading gets everything.
	atf_check -o match:"^\[id=50000\] " "${GOPROCCTL}" list
}

limits_case max_clients "1024 clients at once by default, watchers included"
max_clients_body()
{
	gp_start
	${RAW} "${SOCK}" hold-many 1030 5 >many.out 2>&1 &
	echo $! >>holders
	i=0
	until grep -q '^held=' many.out; do
		[ $i -lt 600 ] || atf_fail "the connections did not open"
		sleep 0.05
		i=$((i + 1))
	done
	atf_check -o match:"^held=1024 refused=6 too many clients at once" \
	    cat many.out
	stop_holders
	sleep 0.3
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
}

limits_case refused_cost "refused connections cost the frontend no memory"
refused_cost_body()
{
	gp_env
	export GOPROC_MAX_CLIENTS=32
	gp_start
	before=$(gp_frontend_rss)
	# 32 are held, the other 1968 refused.
	${RAW} "${SOCK}" hold-many 2000 1 >many.out 2>&1 &
	echo $! >>holders
	i=0
	until grep -q '^held=' many.out; do
		[ $i -lt 400 ] || atf_fail "the connections did not open"
		sleep 0.05
		i=$((i + 1))
	done
	atf_check -o match:"^held=32 refused=1968 too many clients at once" \
	    cat many.out
	after=$(gp_frontend_rss)
	echo "frontend VmRSS ${before} kB, with 2000 clients ${after} kB"
	# 64 KiB of buffer per connection, as it was, would be 125 MiB;
	# 8 MiB leaves room for AddressSanitizer's own bookkeeping.
	[ $((after - before)) -lt 8192 ] ||
	    atf_fail "frontend grew from ${before} kB to ${after} kB"
	# Nor a log line each: one a second, then how many were not logged.
	n=$(grep -c "refusing client" goprocd.log)
	[ "${n}" -le 10 ] || atf_fail "${n} refusals logged, not one a second"
	sleep 1.1
	atf_check -s exit:1 -e match:"too many clients at once" \
	    "${GOPROCCTL}" ping
	grep -Eq "refusing client .*\(and [0-9]+ other refusals since" \
	    goprocd.log || atf_fail "the unlogged refusals are not counted"
	stop_holders
	sleep 0.3
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
}

limits_case entries_per_uid "max_entries_per_uid bounds the entries of a uid"
entries_per_uid_body()
{
	gp_shared_base
	echo '{"max_entries_per_uid": 2}' >goprocd.conf
	gp_start --socket-group nogroup -c "$(pwd)/goprocd.conf"
	for i in 1 2 3; do
		${GP_AS_NOBODY} sleep 1000 >/dev/null 2>&1 </dev/null &
		echo $! >>tracked.pids
		eval "p$i=$!"
	done
	atf_check -o ignore ${GP_AS_NOBODY} "${GOPROCCTL}" add "${p1}"
	atf_check -o ignore ${GP_AS_NOBODY} "${GOPROCCTL}" add "${p2}"
	atf_check -s exit:1 -e inline:"goprocctl: too many entries for uid 65534 (limit 2, max_entries_per_uid in goprocd.conf)\n" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" add "${p3}"
	# Root has no limit, and root's entries count for nobody else.
	for i in 1 2 3; do
		atf_check -o ignore "${GOPROCCTL}" add "$(gp_spawn sleep 1000)"
	done
	# The count survives a restart (snapshot and journal) ...
	gp_stop
	gp_start --socket-group nogroup -c "$(pwd)/goprocd.conf"
	atf_check -s exit:1 -e match:"too many entries for uid 65534" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" add "${p3}"
	# ... goes down as entries leave ...
	atf_check -o ignore ${GP_AS_NOBODY} "${GOPROCCTL}" rm --pid "${p1}"
	atf_check -o match:"registered with id 6" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" add "${p3}"
	atf_check -s exit:1 -e match:"too many entries for uid 65534" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" add "${p1}"
	# ... and to nothing at a reset.
	atf_check -o ignore "${GOPROCCTL}" reset --confirm RESET
	atf_check -o ignore ${GP_AS_NOBODY} "${GOPROCCTL}" add "${p1}"
	atf_check -o ignore ${GP_AS_NOBODY} "${GOPROCCTL}" add "${p2}"
	gp_stop
	# The environment overrides the file.
	GOPROC_MAX_ENTRIES_PER_UID=3 gp_start --socket-group nogroup \
	    -c "$(pwd)/goprocd.conf"
	atf_check -o ignore ${GP_AS_NOBODY} "${GOPROCCTL}" add "${p3}"
}

limits_case labels_and_cmd "max_labels and max_cmd_bytes bound a new entry"
labels_and_cmd_body()
{
	echo '{"max_labels": 2, "max_cmd_bytes": 24}' >goprocd.conf
	gp_start -c "$(pwd)/goprocd.conf"
	p=$(gp_spawn sleep 1000)
	atf_check -s exit:1 -e inline:"goprocctl: too many tags (3, limit 2, max_labels in goprocd.conf)\n" \
	    "${GOPROCCTL}" add "${p}" --tag a --tag b --tag c
	atf_check -s exit:1 -e inline:"goprocctl: too many groups (3, limit 2, max_labels in goprocd.conf)\n" \
	    "${GOPROCCTL}" add "${p}" --group a --group b --group c
	atf_check -o ignore "${GOPROCCTL}" add "${p}" --tag a --tag b \
	    --group c --group d
	# A longer command line is kept cut, marked with "...".
	q=$(gp_spawn sleep 1000 2000 3000 4000 5000 6000)
	atf_check -o ignore "${GOPROCCTL}" add "${q}"
	atf_check -o match:"cmd=sleep 1000 2000 3000 \.\.\. tags" \
	    "${GOPROCCTL}" list --pid "${q}"
	# A bad value is refused, naming the file and the key.
	echo '{"max_labels": 33}' >bad.conf
	atf_check -s exit:1 -e match:"bad.conf: line 1 column 2: key \"max_labels\": must be in 0..32$" \
	    "${GOPROCD}" -n -c "$(pwd)/bad.conf"
	atf_check -s exit:1 -e match:"environment GOPROC_MAX_CMD_BYTES: must be an integer in 16..4096, got \"lots\"" \
	    env GOPROC_MAX_CMD_BYTES=lots "${GOPROCD}" -n
}

atf_init_test_cases()
{
	atf_add_test_case clients_per_uid
	atf_add_test_case root_reserve
	atf_add_test_case stalled_reader
	atf_add_test_case refused_cost
	atf_add_test_case max_clients
	atf_add_test_case entries_per_uid
	atf_add_test_case labels_and_cmd
}

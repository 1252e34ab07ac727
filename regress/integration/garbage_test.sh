#! /usr/bin/env atf-sh
#
# Bytes no goprocctl would send: each bad client is answered with an
# error or dropped, and goprocd goes on serving the others with the
# registry unchanged.

. "$(atf_get_srcdir)/common.sh"

RAW="python3 $(atf_get_srcdir)/rawclient.py"

# A registry with something in it, and its listing to compare against.
setup_registry()
{
	gp_start
	p=$(gp_spawn sleep 1000)
	"${GOPROCCTL}" add "${p}" --name keep --tag t >/dev/null ||
	    atf_fail "add failed"
	"${GOPROCCTL}" list >before
}

check_unharmed()
{
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping
	atf_check -o file:before "${GOPROCCTL}" list
	atf_check -s exit:1 -o empty -e empty sh -c \
	    "grep -E 'fatal|closed its channel' goprocd.log"
}

bad_client()
{
	atf_test_case "$1" cleanup
	eval "$1_head() { atf_set descr '$2'; atf_set require.progs python3; }"
	eval "$1_cleanup() { . \"\$(atf_get_srcdir)/common.sh\"; gp_cleanup; }"
}

bad_client random_bytes "random bytes are dropped"
random_bytes_body()
{
	setup_registry
	atf_check -o inline:"closed\n" ${RAW} "${SOCK}" random
	check_unharmed
}

bad_client lying_header "a header claiming 256 MiB is dropped"
lying_header_body()
{
	setup_registry
	atf_check -o inline:"closed\n" ${RAW} "${SOCK}" liar
	check_unharmed
}

bad_client short_header "a header shorter than itself is dropped"
short_header_body()
{
	setup_registry
	atf_check -o inline:"closed\n" ${RAW} "${SOCK}" short-header
	check_unharmed
}

bad_client truncated "a request cut short is dropped"
truncated_body()
{
	setup_registry
	atf_check -o inline:"closed\n" ${RAW} "${SOCK}" truncated
	check_unharmed
}

bad_client unknown_type "an unknown request type gets an error"
unknown_type_body()
{
	setup_registry
	atf_check -o match:"status=5 msg=unknown request" ${RAW} "${SOCK}" unknown-type
	check_unharmed
}

bad_client oversized_string "an over-long name gets an error"
oversized_string_body()
{
	setup_registry
	atf_check -o match:"status=5 msg=bad request: .*name" \
	    ${RAW} "${SOCK}" oversized-name
	check_unharmed
}

bad_client bad_count "a list count beyond its bound gets an error"
bad_count_body()
{
	setup_registry
	atf_check -o match:"status=5 msg=bad request" ${RAW} "${SOCK}" bad-count
	check_unharmed
}

bad_client two_requests "a second request on one connection is refused"
two_requests_body()
{
	setup_registry
	# The first is answered, then the connection is closed.
	atf_check -o inline:"type=14 status=0 msg=pong\n" \
	    ${RAW} "${SOCK}" two-requests
	check_unharmed
}

bad_client silent_client "a client that sends nothing is dropped in 10 s"
silent_client_body()
{
	setup_registry
	${RAW} "${SOCK}" silent >silent.out &
	silent=$!
	sleep 1
	# Meanwhile everybody else is served.
	check_unharmed
	wait "${silent}"
	atf_check -o match:"^closed after 1[01] s" cat silent.out
}

bad_client too_many_clients "past 32 clients at once, a clear refusal"
too_many_clients_body()
{
	gp_env
	export GOPROC_MAX_CLIENTS=32
	# Long enough that no held client is dropped as silent meanwhile.
	export GOPROC_CLIENT_TIMEOUT=120s
	setup_registry
	# One process opens the 32 connections, so that a loaded machine
	# starting many interpreters cannot leave one behind.
	${RAW} "${SOCK}" hold-many 32 0.5 >held 2>&1 &
	echo $! >holders
	i=0
	until grep -q '^held=' held 2>/dev/null; do
		[ $i -lt 600 ] || atf_fail "the 32 clients did not connect:" \
		    "$(tail -n 2 held)"
		sleep 0.05
		i=$((i + 1))
	done
	atf_check -o match:"^held=32 refused=0 " cat held
	atf_check -s exit:1 -e match:"too many clients" "${GOPROCCTL}" ping
	kill $(cat holders)
	wait $(cat holders)
	sleep 0.2
	check_unharmed
}

bad_client slow_reader "a client that stops reading a long list stalls nobody"
slow_reader_body()
{
	gp_env
	mkdir -m 700 "${GOPROC_RUNTIME_DIR}"
	python3 "$(atf_get_srcdir)/mksnap.py" 50000 \
	    >"${GOPROC_RUNTIME_DIR}/goproc.snapshot.json"
	gp_start
	before=$(gp_frontend_rss)
	${RAW} "${SOCK}" slow-list 4 >slow.out &
	slow=$!
	i=0
	until grep -q asked slow.out; do
		[ $i -lt 100 ] || atf_fail "the slow client did not ask"
		sleep 0.05
		i=$((i + 1))
	done
	sleep 1
	# Others are served while the list waits on its reader ...
	atf_check -o inline:"pong\n" "${GOPROCCTL}" ping -t 1
	atf_check -o match:"^\[id=7\] " "${GOPROCCTL}" list --id 7 -t 1
	# ... and the frontend holds a few chunks of it, not all of it.
	after=$(gp_frontend_rss)
	[ $((after - before)) -lt 3072 ] ||
	    atf_fail "frontend grew from ${before} kB to ${after} kB"
	wait "${slow}"
	atf_check -o match:"^entries=50000$" cat slow.out
}

atf_init_test_cases()
{
	atf_add_test_case random_bytes
	atf_add_test_case lying_header
	atf_add_test_case short_header
	atf_add_test_case truncated
	atf_add_test_case unknown_type
	atf_add_test_case oversized_string
	atf_add_test_case bad_count
	atf_add_test_case two_requests
	atf_add_test_case silent_client
	atf_add_test_case too_many_clients
	atf_add_test_case slow_reader
}

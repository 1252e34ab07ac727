#! /usr/bin/env atf-sh
#
# Where no pidfd can be had, an entry is probed every liveness_interval.

. "$(atf_get_srcdir)/common.sh"

# Seconds (with a fraction) until `list --pid P` shows alive=false.
time_to_death()
{
	start=$(date +%s%N)
	i=0
	while ! "${GOPROCCTL}" list --pid "$1" | grep -q "alive=false"; do
		[ $i -lt 400 ] || { echo never; return; }
		sleep 0.01
		i=$((i + 1))
	done
	end=$(date +%s%N)
	echo $(((end - start) / 1000000))
}

atf_test_case fallback_probe cleanup
fallback_probe_head()
{
	atf_set "descr" "out of descriptors, the prober falls back to polling"
	atf_set "require.progs" "prlimit"
}
fallback_probe_body()
{
	gp_env
	export GOPROC_LIVENESS_INTERVAL=300ms
	# Room for a few pidfds, not for twenty.
	prlimit --nofile=48:48 "${GOPROCD}" -d -v >>goprocd.log 2>&1 &
	echo $! >>daemon.pids
	gp_wait_ready || atf_fail "goprocd did not start"
	i=0
	while [ $i -lt 20 ]; do
		p=$(gp_spawn sleep 1000)
		echo "$p" >>added
		atf_check -o ignore "${GOPROCCTL}" add "$p"
		i=$((i + 1))
	done
	atf_check -o match:"probing every interval" cat goprocd.log
	first=$(head -n 1 added)
	last=$(tail -n 1 added)
	kill -KILL "${first}" "${last}"
	# The first has a pidfd: seen at once.  The last is polled: seen
	# within an interval or so, not never.
	t=$(time_to_death "${first}")
	[ "$t" != never ] && [ "$t" -lt 1000 ] ||
	    atf_fail "pidfd entry seen dead after ${t} ms"
	t=$(time_to_death "${last}")
	[ "$t" != never ] && [ "$t" -lt 2000 ] ||
	    atf_fail "polled entry seen dead after ${t} ms"
	atf_check -o match:"alive=true" "${GOPROCCTL}" list --pid \
	    "$(sed -n 10p added)"
}
fallback_probe_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case fallback_probe
}

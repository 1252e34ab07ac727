#! /usr/bin/env atf-sh
#
# Metrics: every alive entry carries what the prober last read of its
# process in /proc, checked here against /proc for real processes; the
# unknown cases are null; list sorts, reverses and limits in the daemon.

. "$(atf_get_srcdir)/common.sh"

# start_every INTERVAL: goprocd sampling every INTERVAL.
start_every()
{
	printf '{"metrics_interval": "%s"}\n' "$1" >metrics.json
	gp_start -c "$(pwd)/metrics.json"
}

# Sample every 300 ms, so that two samples come within a second.
start_fast()
{
	start_every 300ms
}

# field ID NAME: the member NAME of entry ID in --json list, as Python
# prints it (None for null).
field()
{
	"${GOPROCCTL}" --json list --id "$1" | python3 -c '
import json, sys
e = json.load(sys.stdin)["entries"]
print(e[0][sys.argv[1]] if len(e) == 1 else "no entry")' "$2"
}

# wait_field ID NAME PYTHON-EXPR: wait up to 5 s until the expression
# holds of v, the member's value.
wait_field()
{
	i=0
	while [ $i -lt 50 ]; do
		"${GOPROCCTL}" --json list --id "$1" | python3 -c '
import json, sys
v = json.load(sys.stdin)["entries"][0][sys.argv[1]]
sys.exit(0 if eval(sys.argv[2]) else 1)' "$2" "$3" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	atf_fail "entry $1: $2 is $(field "$1" "$2"), expected $3"
}

# near A B TOLERANCE: |A - B| <= TOLERANCE, all numbers.
near()
{
	python3 -c 'import sys; a, b, t = map(float, sys.argv[1:4]);
sys.exit(0 if abs(a - b) <= t else 1)' "$1" "$2" "$3"
}

# The user and system time of a process in seconds, from its stat.
proc_cpu()
{
	sed 's/.*) //' /proc/"$1"/stat | awk -v t="$(getconf CLK_TCK)" \
	    '{ printf "%.2f\n", ($12 + $13) / t }'
}

# Whole seconds since a process started, from /proc.
proc_age()
{
	ps -o etimes= -p "$1" | tr -d ' '
}

atf_test_case busy_loop cleanup
busy_loop_head()
{
	atf_set "descr" "a busy loop: state R, CPU use near one core as ps" \
	    "reports it, CPU time as in /proc, one thread"
}
busy_loop_body()
{
	start_fast
	b=$(gp_spawn sh -c 'while :; do :; done')
	atf_check -o ignore "${GOPROCCTL}" add "${b}" --name busy
	wait_field 1 cpu_percent 'v is not None and v >= 50'
	sleep 1
	pct=$(field 1 cpu_percent)
	ps=$(ps -o %cpu= -p "${b}" | tr -d ' ')
	near "${pct}" "${ps}" 25 ||
	    atf_fail "cpu_percent ${pct}, ps says ${ps}"
	atf_check_equal "$(field 1 state)" "R"
	atf_check_equal "$(field 1 threads)" "1"
	cpu=$(field 1 cpu_seconds)
	now=$(proc_cpu "${b}")
	# Sampled at most an interval ago, never ahead of the kernel.
	near "${cpu}" "${now}" 1 || atf_fail "cpu_seconds ${cpu}, /proc ${now}"
	python3 -c "import sys; sys.exit(0 if ${cpu} <= ${now} + 0.01 else 1)" ||
	    atf_fail "cpu_seconds ${cpu} ahead of /proc ${now}"
}
busy_loop_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case sleeper cleanup
sleeper_head()
{
	atf_set "descr" "a sleeping process: state S, 0% CPU, start time and" \
	    "uptime as /proc says, sampled_at recent, exited_at null"
}
sleeper_body()
{
	start_fast
	s=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${s}"
	wait_field 1 cpu_percent 'v is not None'
	atf_check_equal "$(field 1 state)" "S"
	atf_check_equal "$(field 1 cpu_percent)" "0.0"
	atf_check_equal "$(field 1 threads)" "1"
	atf_check_equal "$(field 1 exited_at)" "None"
	"${GOPROCCTL}" --json list --id 1 >list.json
	python3 - "${s}" "$(getconf CLK_TCK)" <<'EOF' || atf_fail "times"
import datetime, json, sys, time
pid, hz = sys.argv[1], int(sys.argv[2])
e = json.load(open("list.json"))["entries"][0]
def t(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
btime = int([l for l in open("/proc/stat") if l.startswith("btime")][0].split()[1])
ticks = int(open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()[19])
start = btime + ticks / hz
now = time.time()
# btime is whole seconds, and moves when the clock is stepped: the start
# is known to a second or so.  The uptime goprocctl prints is whole
# seconds since started_at, counted a moment before now.
checks = [
    ("started_at", abs(t(e["started_at"]) - start) <= 2),
    ("uptime_seconds",
     -0.5 <= (now - t(e["started_at"])) - e["uptime_seconds"] <= 2),
    ("sampled_at", -0.5 <= now - t(e["sampled_at"]) <= 2),
    ("rss_bytes", e["rss_bytes"] > 0),
    ("cpu_seconds", e["cpu_seconds"] >= 0),
]
bad = [n for n, ok in checks if not ok]
if bad:
    print("wrong:", bad, e, "start", start, "now", now)
sys.exit(1 if bad else 0)
EOF
}
sleeper_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case memory cleanup
memory_head()
{
	atf_set "descr" "a process that touched 100 MiB: rss_bytes within 2%" \
	    "of VmRSS; one with four threads: threads=4"
}
memory_body()
{
	start_fast
	m=$(gp_spawn python3 -c '
import threading, time
b = bytearray(100 * 1024 * 1024)
for i in range(0, len(b), 4096):
    b[i] = 1
for _ in range(3):
    threading.Thread(target=time.sleep, args=(1000,), daemon=True).start()
open("touched", "w").close()
time.sleep(1000)')
	gp_wait_for -e touched || atf_fail "the process did not touch its memory"
	atf_check -o ignore "${GOPROCCTL}" add "${m}"
	wait_field 1 threads 'v == 4'
	sleep 0.7
	rss=$(field 1 rss_bytes)
	vm=$(awk '/^VmRSS:/ { print $2 * 1024 }' /proc/"${m}"/status)
	[ "${rss}" -ge $((100 * 1024 * 1024)) ] ||
	    atf_fail "rss_bytes ${rss} below 100 MiB"
	near "${rss}" "${vm}" "$((vm / 50))" ||
	    atf_fail "rss_bytes ${rss}, VmRSS ${vm}"
	"${GOPROCCTL}" list -l --id 1 >long.out
	grep -Eq ' rss=1[0-9][0-9]\.?[0-9]*M threads=4 ' long.out ||
	    atf_fail "list -l: $(cat long.out)"
}
memory_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case stopped cleanup
stopped_head()
{
	atf_set "descr" "a stopped process shows state T, and S again once" \
	    "continued"
}
stopped_body()
{
	start_fast
	s=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${s}"
	wait_field 1 state 'v == "S"'
	kill -STOP "${s}"
	wait_field 1 state 'v == "T"'
	kill -CONT "${s}"
	wait_field 1 state 'v == "S"'
}
stopped_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case other_user cleanup
other_user_head()
{
	atf_set "descr" "another user's process, added by root, is sampled" \
	    "like any other (its stat is readable)"
	atf_set "require.user" "root"
}
other_user_body()
{
	start_fast
	${GP_NOBODY} sleep 1000 </dev/null >/dev/null 2>&1 &
	n=$!
	echo "${n}" >>tracked.pids
	gp_wait_exec "${n}" sleep
	atf_check -o ignore "${GOPROCCTL}" add "${n}"
	wait_field 1 state 'v == "S"'
	wait_field 1 rss_bytes 'v > 0'
}
other_user_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case dead_keeps_sample cleanup
dead_keeps_sample_head()
{
	atf_set "descr" "a dead entry keeps its last sample, gains exited_at," \
	    "and has no uptime; list -l shows dashes"
}
dead_keeps_sample_body()
{
	start_fast
	s=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${s}"
	wait_field 1 state 'v == "S"'
	before=$(date +%s)
	kill -KILL "${s}"
	gp_wait_dead 1
	after=$(date +%s)
	atf_check_equal "$(field 1 state)" "S"
	atf_check_equal "$(field 1 uptime_seconds)" "None"
	"${GOPROCCTL}" --json list --id 1 | python3 -c '
import datetime, json, sys
e = json.load(sys.stdin)["entries"][0]
t = datetime.datetime.fromisoformat(e["exited_at"].replace("Z", "+00:00"))
sys.exit(0 if int(sys.argv[1]) <= t.timestamp() <= int(sys.argv[2]) + 1
    and e["rss_bytes"] > 0 else 1)' "${before}" "${after}" ||
	    atf_fail "exited_at: $(field 1 exited_at)"
	atf_check -o match:' alive=false cpu=- rss=- threads=- up=- state=- ' \
	    "${GOPROCCTL}" list -l --id 1
}
dead_keeps_sample_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case null_when_unknown cleanup
null_when_unknown_head()
{
	atf_set "descr" "with metrics_interval 0, and after a restart until" \
	    "the next sample, every metric is null"
}
null_when_unknown_body()
{
	start_every 0
	s=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${s}"
	sleep 0.5
	for f in state cpu_seconds cpu_percent rss_bytes threads started_at \
	    uptime_seconds sampled_at exited_at; do
		atf_check_equal "$(field 1 ${f})" "None"
	done
	atf_check -o match:' alive=true cpu=- rss=- threads=- up=- state=- ' \
	    "${GOPROCCTL}" list -l --id 1

	# Samples live in memory only: after a restart the CPU use, which
	# takes two samples, is unknown again.
	gp_stop
	start_fast
	wait_field 1 cpu_percent 'v == 0.0'
	gp_stop
	start_every 1h
	wait_field 1 state 'v == "S"'
	atf_check_equal "$(field 1 cpu_percent)" "None"
}
null_when_unknown_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case every_process_sampled cleanup
every_process_sampled_head()
{
	atf_set "descr" "each pass samples every watched process, more of" \
	    "them than the prober samples in one turn of its loop"
}
every_process_sampled_body()
{
	start_fast
	i=0
	while [ $i -lt 150 ]; do
		p=$(gp_spawn sleep 1000)
		atf_check -o ignore "${GOPROCCTL}" add "${p}"
		i=$((i + 1))
	done
	# Every 300 ms: each one sampled again within the last second.
	sleep 2
	"${GOPROCCTL}" --json list >list.json
	python3 - <<'EOF' || atf_fail "samples not renewed"
import datetime, json, sys, time
def t(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
now = time.time()
es = json.load(open("list.json"))["entries"]
stale = [(e["id"], e["sampled_at"]) for e in es
         if e["sampled_at"] is None or now - t(e["sampled_at"]) > 1]
if len(es) != 150 or stale:
    print(len(es), "entries; sampled more than 1 s ago:", stale)
    sys.exit(1)
EOF
}
every_process_sampled_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case sort_orders cleanup
sort_orders_head()
{
	atf_set "descr" "list --sort cpu|rss|uptime|id|name|pid, --reverse" \
	    "and --limit order and cut in the daemon; the default list line" \
	    "does not change"
}
sort_orders_body()
{
	start_fast
	# Start times count in clock ticks (10 ms at 100 Hz): the three
	# start 0.1 s apart, so that --sort uptime has no tie to break.
	s=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${s}" --name zeta
	sleep 0.1
	b=$(gp_spawn sh -c 'while :; do :; done')
	atf_check -o ignore "${GOPROCCTL}" add "${b}" --name alpha
	sleep 0.1
	m=$(gp_spawn python3 -c '
import time
b = bytearray(64 * 1024 * 1024)
for i in range(0, len(b), 4096):
    b[i] = 1
open("touched", "w").close()
time.sleep(1000)')
	gp_wait_for -e touched || atf_fail "the process did not touch its memory"
	atf_check -o ignore "${GOPROCCTL}" add "${m}" --name mid
	wait_field 2 cpu_percent 'v is not None and v > 20'
	wait_field 3 rss_bytes 'v > 60 * 1024 * 1024'
	sleep 0.5

	ids()
	{
		"${GOPROCCTL}" list "$@" | sed -n 's/^\[id=\([0-9]*\)\].*/\1/p' |
		    tr '\n' ' '
	}
	atf_check_equal "$(ids --sort cpu --reverse --limit 1)" "2 "
	atf_check_equal "$(ids --sort rss --reverse --limit 1)" "3 "
	atf_check_equal "$(ids --sort name)" "2 3 1 "
	atf_check_equal "$(ids --sort name --reverse)" "1 3 2 "
	atf_check_equal "$(ids --sort id --reverse)" "3 2 1 "
	atf_check_equal "$(ids --limit 2)" "1 2 "
	# Uptime ascending: the last one started comes first.
	atf_check_equal "$(ids --sort uptime)" "3 2 1 "
	want=$(printf '%s\n' "${s} 1" "${b} 2" "${m} 3" | sort -n |
	    awk '{ printf "%s ", $2 }')
	atf_check_equal "$(ids --sort pid)" "${want}"
	# A dead entry ranks below every alive one.
	kill -KILL "${b}"
	gp_wait_dead 2
	atf_check_equal "$(ids --sort cpu)" "2 1 3 "

	# The default line is the one scripts parse, unchanged.
	atf_check -o match:"^\\[id=1\\] pid=${s} name=zeta alive=true cmd=sleep 1000 tags=\\[\\] groups=\\[\\]\$" \
	    "${GOPROCCTL}" list --id 1
	atf_check -o match:"^\\[id=1\\] pid=${s} name=zeta alive=true cpu=0\\.0% rss=[0-9.]+[KMG] threads=1 up=[0-9]+s state=S cmd=sleep 1000 tags=\\[\\] groups=\\[\\]\$" \
	    "${GOPROCCTL}" list -l --id 1
}
sort_orders_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case busy_loop
	atf_add_test_case sleeper
	atf_add_test_case memory
	atf_add_test_case stopped
	atf_add_test_case other_user
	atf_add_test_case dead_keeps_sample
	atf_add_test_case null_when_unknown
	atf_add_test_case sort_orders
	atf_add_test_case every_process_sampled
}

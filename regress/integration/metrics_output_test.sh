#! /usr/bin/env atf-sh
#
# What goprocctl prints of the metrics of each entry: list --long, its
# summary line, the JSON members, the order of a sorted list, and what
# a list request carries.  goprocd's samples depend on the machine, so
# a stand-in daemon sends chosen values.

. "$(atf_get_srcdir)/common.sh"

# fake_daemon: a stand-in goprocd that answers every request with the
# entries in the file "entries" (one JSON object a line, read again at
# each connection) and an END with the text of the file "endmsg", and
# appends "type flags sort limit" of each request to the file
# "requests".  An entry's started_ago is started_at in seconds before
# the reply; the other members are the wire's, in nanoseconds.
fake_daemon()
{
	gp_env
	mkdir -m 700 -p "${GOPROC_RUNTIME_DIR}"
	: >entries
	: >endmsg
	: >requests
	python3 -c '
import json, os, socket, struct, sys, time
ENTRY, END = 11, 14
def s(v):
    v = v.encode()
    return struct.pack("=H", len(v)) + v
def msg(t, body):
    return struct.pack("=IIII", t, 16 + len(body), 0, os.getpid()) + body
def entry(d, now):
    started = d.get("started_at", 0)
    if "started_ago" in d:
        started = now - d["started_ago"] * 10**9
    body = struct.pack("=QQqqiiIIIIII", d["id"], 1, now, now,
        d.get("pid", 100 + d["id"]), 0, 0, d.get("alive", 1),
        len(d.get("tags", [])), 0, 0, 0)
    body += struct.pack("=QQqqqIIII", d.get("cpu_ns", 0), d.get("rss", 0),
        d.get("sampled_at", 0), started, d.get("exited_at", 0),
        d.get("valid", 0), d.get("threads", 0), d.get("pct", 0),
        ord(d["state"]) if "state" in d else 0)
    body += s(d.get("name", "")) + s(d.get("cmd", "sleep 1000"))
    for t in d.get("tags", []):
        body += s(t)
    return msg(ENTRY, body)
dir = sys.argv[2]
l = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
l.bind(sys.argv[1])
l.listen(4)
while True:
    c = l.accept()[0]
    buf = b""
    while len(buf) < 16 or len(buf) < struct.unpack_from("=I", buf, 4)[0] & 0xffff:
        more = c.recv(65536)
        if not more:
            break
        buf += more
    if len(buf) >= 16 + 56:
        t = struct.unpack_from("=I", buf, 0)[0]
        flags = struct.unpack_from("=I", buf, 16)[0]
        sort, limit = struct.unpack_from("=II", buf, 16 + 44)
        with open(dir + "/requests", "a") as f:
            f.write("%d %d %d %d\n" % (t, flags, sort, limit))
    now = time.time_ns()
    out = b""
    n = 0
    with open(dir + "/entries") as f:
        for line in f:
            if line.strip():
                out += entry(json.loads(line), now)
                n += 1
    with open(dir + "/endmsg") as f:
        text = f.read().rstrip("\n")
    out += msg(END, struct.pack("=iI", 0, n) + s(text))
    c.sendall(out)
    c.close()
' "${SOCK}" "$(pwd)" >fake.log 2>&1 </dev/null &
	echo $! >>daemon.pids
	gp_wait_for -S "${SOCK}"
	[ -S "${SOCK}" ] || atf_fail "the fake daemon did not bind ${SOCK}"
}

# expect line...: the lines, in the file "expected".
expect()
{
	printf '%s\n' "$@" >expected
}

# one_of file line...: the file is exactly one of the lines.
one_of()
{
	_f=$1
	shift
	for _l in "$@"; do
		printf '%s\n' "${_l}" | cmp -s - "${_f}" && return 0
	done
	echo "got: $(cat "${_f}")" >&2
	atf_fail "none of the expected lines: $*"
}

# Sample and CPU known, alive; its start is not.
S=$((1 | 2))
SAMPLE=1
STARTED=4
EXITED=8

atf_test_case long_format cleanup
long_format_head()
{
	atf_set "descr" "list -l: the metrics after alive=, - for each" \
	    "unknown value and for every value of a dead entry, and the" \
	    "summary line"
}
long_format_body()
{
	fake_daemon
	cat >entries <<EOF
{"id": 1, "name": "web", "tags": ["a", "b"], "valid": $S, "pct": 1250, "rss": 35756851, "threads": 4, "state": "S", "cpu_ns": 5000000000, "sampled_at": 1000}
{"id": 2, "valid": $SAMPLE, "rss": 1048576, "threads": 1, "state": "R", "sampled_at": 1000}
{"id": 3, "alive": 0, "valid": $((S | EXITED)), "pct": 9900, "rss": 1073741824, "threads": 9, "state": "Z", "sampled_at": 1000, "exited_at": 2000}
{"id": 4}
{"id": 5, "valid": $S, "pct": 10000, "rss": 0, "threads": 2, "state": "D", "sampled_at": 1000}
EOF
	expect \
	    "[id=1] pid=101 name=web alive=true cpu=12.5% rss=34.1M threads=4 up=- state=S cmd=sleep 1000 tags=[a,b] groups=[]" \
	    "[id=2] pid=102 name=- alive=true cpu=- rss=1.0M threads=1 up=- state=R cmd=sleep 1000 tags=[] groups=[]" \
	    "[id=3] pid=103 name=- alive=false cpu=- rss=- threads=- up=- state=- cmd=sleep 1000 tags=[] groups=[]" \
	    "[id=4] pid=104 name=- alive=true cpu=- rss=- threads=- up=- state=- cmd=sleep 1000 tags=[] groups=[]" \
	    "[id=5] pid=105 name=- alive=true cpu=100.0% rss=0K threads=2 up=- state=D cmd=sleep 1000 tags=[] groups=[]" \
	    "Total: 5 entries, 4 alive, cpu=112.5%, rss=35.1M"
	atf_check -s exit:0 -e empty -o file:expected "${GOPROCCTL}" list -l
	atf_check -s exit:0 -e empty -o file:expected \
	    "${GOPROCCTL}" list --long --alive

	# Nothing known of any alive entry: the totals say -.
	cat >entries <<EOF
{"id": 3, "alive": 0, "valid": $S, "pct": 100, "rss": 4096, "threads": 1, "state": "S", "sampled_at": 1000}
{"id": 4}
EOF
	expect \
	    "[id=3] pid=103 name=- alive=false cpu=- rss=- threads=- up=- state=- cmd=sleep 1000 tags=[] groups=[]" \
	    "[id=4] pid=104 name=- alive=true cpu=- rss=- threads=- up=- state=- cmd=sleep 1000 tags=[] groups=[]" \
	    "Total: 2 entries, 1 alive, cpu=-, rss=-"
	atf_check -s exit:0 -e empty -o file:expected "${GOPROCCTL}" list -l

	echo '{"id": 7}' >entries
	expect \
	    "[id=7] pid=107 name=- alive=true cpu=- rss=- threads=- up=- state=- cmd=sleep 1000 tags=[] groups=[]" \
	    "Total: 1 entry, 1 alive, cpu=-, rss=-"
	atf_check -s exit:0 -e empty -o file:expected "${GOPROCCTL}" list -l

	# Nothing matched: the daemon's words alone, no summary.
	: >entries
	echo "No processes registered" >endmsg
	atf_check -s exit:0 -e empty -o inline:"No processes registered\n" \
	    "${GOPROCCTL}" list -l --tag nosuch
}
long_format_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case units cleanup
units_head()
{
	atf_set "descr" "list -l: rss in K under 1 MiB, then M, G or T with" \
	    "one decimal below 100; cpu rounded to a tenth"
}
units_body()
{
	fake_daemon
	i=0
	for v in 0:0 1023:0 1047552:5 1048575:4 1048576:6 \
	    104752743:1249 104857599:1250 104857600:1255 \
	    1073741823:99999 1073741824:100000000 \
	    $((1024 * 1024 * 1024 * 1024 - 1)):7 \
	    $((1024 * 1024 * 1024 * 1024)):8 \
	    $((99 * 1024 * 1024 * 1024 * 1024 + 1024 * 1024 * 1024 * 1024 * 9 / 10 + 1)):9 \
	    $((2000 * 1024 * 1024 * 1024 * 1024)):10; do
		i=$((i + 1))
		printf '{"id": %d, "valid": %d, "rss": %s, "pct": %s, "threads": 1, "state": "S", "sampled_at": 1}\n' \
		    $i $S "${v%%:*}" "${v##*:}"
	done >entries
	atf_check -s exit:0 -e empty -o save:out "${GOPROCCTL}" list -l
	expect "cpu=0.0% rss=0K" "cpu=0.0% rss=0K" "cpu=0.1% rss=1023K" \
	    "cpu=0.0% rss=1023K" "cpu=0.1% rss=1.0M" "cpu=12.5% rss=99.9M" \
	    "cpu=12.5% rss=99.9M" "cpu=12.6% rss=100M" \
	    "cpu=1000.0% rss=1023M" "cpu=1000000.0% rss=1.0G" \
	    "cpu=0.1% rss=1023G" "cpu=0.1% rss=1.0T" "cpu=0.1% rss=99.9T" \
	    "cpu=0.1% rss=2000T" "Total:"
	atf_check -o file:expected sed -n \
	    's/.* \(cpu=[^ ]*\) \(rss=[^ ]*\) .*/\1 \2/p; s/^\(Total:\).*/\1/p' \
	    out
}
units_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case uptime cleanup
uptime_head()
{
	atf_set "descr" "list -l: up= from started_at by the client's clock," \
	    "45s, 12m05s, 2h03m, 3d04h; 0s for a start in the future"
}
uptime_body()
{
	fake_daemon
	# ago alternatives...: what up= may say, the seconds taken or not.
	for c in "0 0s 1s" "59 59s 1m00s" "60 1m00s 1m01s" \
	    "725 12m05s 12m06s" "3599 59m59s 1h00m" "3600 1h00m" \
	    "7380 2h03m" "86399 23h59m 1d00h" "86400 1d00h" \
	    "273600 3d04h" "-100 0s"; do
		set -- $c
		echo "{\"id\": 1, \"valid\": ${STARTED}, \"started_ago\": $1}" \
		    >entries
		shift
		atf_check -s exit:0 -e empty -o save:out \
		    "${GOPROCCTL}" list -l
		sed -n 's/.* \(up=[^ ]*\) .*/\1/p' out >up
		alts=
		for a in "$@"; do
			alts="${alts} up=$a"
		done
		one_of up ${alts}
	done
	# A dead entry has no uptime, however long ago it started.
	echo "{\"id\": 1, \"alive\": 0, \"valid\": ${STARTED}, \"started_ago\": 60}" \
	    >entries
	atf_check -s exit:0 -e empty -o match:" up=- " "${GOPROCCTL}" list -l
}
uptime_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case default_unchanged cleanup
default_unchanged_head()
{
	atf_set "descr" "list without -l prints the lines of before, whatever" \
	    "the metrics, and no summary"
}
default_unchanged_body()
{
	fake_daemon
	cat >entries <<EOF
{"id": 1, "name": "web", "tags": ["a"], "valid": $((S | STARTED)), "pct": 1250, "rss": 35756851, "threads": 4, "state": "S", "sampled_at": 1000, "started_ago": 10}
{"id": 2, "alive": 0, "valid": $((S | EXITED)), "pct": 1, "rss": 1, "threads": 1, "state": "Z", "sampled_at": 1, "exited_at": 2}
EOF
	expect \
	    "[id=1] pid=101 name=web alive=true cmd=sleep 1000 tags=[a] groups=[]" \
	    "[id=2] pid=102 name=- alive=false cmd=sleep 1000 tags=[] groups=[]"
	atf_check -s exit:0 -e empty -o file:expected "${GOPROCCTL}" list
	atf_check -s exit:0 -e empty -o file:expected \
	    "${GOPROCCTL}" list --sort cpu --limit 10
	atf_check -s exit:0 -e empty -o file:expected "${GOPROCCTL}" tag a
}
default_unchanged_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case order cleanup
order_head()
{
	atf_set "descr" "a list is printed in the order goprocd sends it," \
	    "without holding it; tag and group results are sorted by id," \
	    "in text and in JSON"
}
order_body()
{
	fake_daemon
	printf '{"id": %d}\n' 3 1 2 >entries
	# The ids of the lines, of the entries; atf_check would print to
	# the command substitution.
	ids()
	{
		"${GOPROCCTL}" "$@" >out || atf_fail "$*: failed"
		sed -n 's/^\[id=\([0-9]*\)\].*/\1/p' out | tr '\n' ' '
	}
	jids()
	{
		"${GOPROCCTL}" --json "$@" >out || atf_fail "--json $*: failed"
		python3 -c 'import json, sys
print(" ".join(str(e["id"]) for e in json.load(sys.stdin)["entries"]), end=" ")' \
		    <out
	}
	for cmd in "tag x" "group x"; do
		[ "$(ids ${cmd})" = "1 2 3 " ] ||
		    atf_fail "${cmd}: not in the order of ids"
		[ "$(jids ${cmd})" = "1 2 3 " ] ||
		    atf_fail "--json ${cmd}: not in the order of ids"
	done
	# goprocd sends a plain list in the order of ids (commands_test.sh
	# checks that); the client prints each entry as it comes.
	for cmd in "list" "list -l" "list --sort id" "list --limit 3" \
	    "list --sort cpu" "list -l --sort name" "list --reverse" \
	    "list --sort id --reverse" "list --sort rss --limit 3"; do
		[ "$(ids ${cmd})" = "3 1 2 " ] ||
		    atf_fail "${cmd}: not in the daemon's order"
		[ "$(jids ${cmd})" = "3 1 2 " ] ||
		    atf_fail "--json ${cmd}: not in the daemon's order"
	done
}
order_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case request cleanup
request_head()
{
	atf_set "descr" "list sends --sort, --reverse and --limit in its" \
	    "request: sort and limit fields, GP_REQ_REVERSE"
}
request_body()
{
	fake_daemon
	"${GOPROCCTL}" list >/dev/null
	"${GOPROCCTL}" list --sort cpu --reverse --limit 5 >/dev/null
	"${GOPROCCTL}" list --alive --sort uptime >/dev/null
	"${GOPROCCTL}" list -l --sort name --limit 100000000 >/dev/null
	"${GOPROCCTL}" list --sort pid >/dev/null
	"${GOPROCCTL}" --json list --sort rss --reverse >/dev/null
	"${GOPROCCTL}" list --sort id --reverse >/dev/null
	# type flags sort limit: LIST is 3, GP_REQ_ALIVE 2, GP_REQ_REVERSE 8.
	expect "3 0 0 0" "3 8 3 5" "3 2 5 0" "3 0 1 100000000" "3 0 2 0" \
	    "3 8 4 0" "3 8 0 0"
	atf_check -o file:expected cat requests
}
request_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case json_members cleanup
json_members_head()
{
	atf_set "descr" "--json: each entry has the metrics members, null" \
	    "when unknown; a dead entry keeps its sample; reals print short"
}
json_members_body()
{
	fake_daemon
	# 2026-12-05T08:00:00Z and a second and a half later.
	t=1796457600000000000
	cat >entries <<EOF
{"id": 1, "valid": $((S | STARTED)), "pct": 1250, "rss": 35756851, "threads": 4, "state": "S", "cpu_ns": 1234560000, "sampled_at": $((t + 1500000000)), "started_ago": 30}
{"id": 2, "alive": 0, "valid": $((S | STARTED | EXITED)), "pct": 3, "rss": 4096, "threads": 1, "state": "Z", "cpu_ns": 100000000, "sampled_at": $t, "started_at": $t, "exited_at": $((t + 1))}
{"id": 3}
{"id": 4, "valid": $SAMPLE, "rss": 8192, "threads": 2, "state": "R", "cpu_ns": 0, "sampled_at": $t}
EOF
	atf_check -s exit:0 -e empty -o save:out "${GOPROCCTL}" --json list
	atf_check -s exit:0 -e empty -o save:check python3 -c '
import json, sys
keys = ["state", "cpu_seconds", "cpu_percent", "rss_bytes", "threads",
    "started_at", "uptime_seconds", "sampled_at", "exited_at"]
for e in json.load(open("out"))["entries"]:
    m = [e[k] for k in keys]
    if e["id"] == 1:
        up = m[6]
        assert up in (30, 31), up
        assert m[5].endswith("Z") and len(m[5]) == 30, m[5]
        m[5] = m[6] = "-"
    # The members follow the others, in this order.
    assert list(e)[-len(keys):] == keys, list(e)
    print(e["id"], json.dumps(m))
' 
	cat >expected <<'EOF'
1 ["S", 1.23, 12.5, 35756851, 4, "-", "-", "2026-12-05T08:00:01.500000000Z", null]
2 ["Z", 0.1, 0.0, 4096, 1, "2026-12-05T08:00:00.000000000Z", null, "2026-12-05T08:00:00.000000000Z", "2026-12-05T08:00:00.000000001Z"]
3 [null, null, null, null, null, null, null, null, null]
4 ["R", 0.0, null, 8192, 2, null, null, "2026-12-05T08:00:00.000000000Z", null]
EOF
	atf_check -o file:expected cat check
	# Short and exact: no 12.4999... or 1.2300000000000000.
	atf_check -o ignore grep -Fx '      "cpu_seconds": 1.23,' out
	atf_check -o ignore grep -Fx '      "cpu_percent": 12.5,' out
	atf_check -o ignore grep -Fx '      "cpu_seconds": 0.1,' out
	atf_check -o ignore grep -Fx '      "cpu_percent": 0.0,' out

	# add's entry has them too.
	head -n 1 entries >one
	mv one entries
	atf_check -s exit:0 -e empty -o save:out "${GOPROCCTL}" --json add 5
	atf_check -o inline:'S 12.5 35756851\n' python3 -c '
import json
e = json.load(open("out"))["entry"]
print(e["state"], e["cpu_percent"], e["rss_bytes"])'
}
json_members_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case long_format
	atf_add_test_case units
	atf_add_test_case uptime
	atf_add_test_case default_unchanged
	atf_add_test_case order
	atf_add_test_case request
	atf_add_test_case json_members
}

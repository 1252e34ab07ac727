#! /usr/bin/env atf-sh
#
# add --match: every running process a pattern finds is registered in one
# request, as pgrep(1) finds them, with the real daemon and client.  The
# processes have names of this test's own, so that nothing else matches.

. "$(atf_get_srcdir)/common.sh"

match_case()
{
	atf_test_case "$1" cleanup
	eval "$1_head() { atf_set descr '$2'; }"
	eval "$1_cleanup() { . \"\$(atf_get_srcdir)/common.sh\";
	    gp_cleanup; gp_cleanup_groups; }"
}

# uniq WORD: a process name no other process has (at most 15 bytes).
uniq()
{
	echo "gm$1$$" | cut -c1-15
}

# copy NAME [DIR]: /bin/sleep under that name, in DIR (default: here);
# prints its path.
copy()
{
	cp /bin/sleep "${2:-$(pwd)}/$1"
	echo "${2:-$(pwd)}/$1"
}

# wait_comm PID NAME: wait up to 5 s until the process has exec'd NAME
# (setpriv changes its uid first).
wait_comm()
{
	_i=0
	while [ "$(cat /proc/"$1"/comm 2>/dev/null)" != "$2" ]; do
		[ ${_i} -lt 100 ] || atf_fail "pid $1 did not become $2"
		sleep 0.05
		_i=$((_i + 1))
	done
}

# spawn_as NAME CMD...: start CMD (setpriv ... NAME args) in the
# background, killed at cleanup; its pid in spawned once it runs NAME.
spawn_as()
{
	_n=$1
	shift
	"$@" >/dev/null 2>&1 </dev/null &
	spawned=$!
	echo "${spawned}" >>tracked.pids
	wait_comm "${spawned}" "${_n}"
}

# cmd_of PID: the command line of a process, as goprocd reads it.
cmd_of()
{
	tr '\0' ' ' </proc/"$1"/cmdline | sed 's/ $//'
}

# sorted PID...: the pids in numeric order, one a line.
sorted()
{
	printf '%s\n' "$@" | sort -n
}

match_case name "a regular expression against the process name"
name_body()
{
	n=$(uniq nm)
	s=$(copy "${n}")
	gp_start
	p=$(gp_spawn "${s}" 1000)
	atf_check -o inline:"Process ${p} registered with id 1\n" \
	    "${GOPROCCTL}" add --match "^gm(nm|xx)[0-9]+$" --tag web \
	    --group prod --name one
	atf_check -o inline:"[id=1] pid=${p} name=one alive=true cmd=${s} 1000 tags=[web] groups=[prod]\n" \
	    "${GOPROCCTL}" list
	# Nothing else matches; the pattern is on the name, not the line.
	atf_check -s exit:1 -e inline:"goprocctl: no process matches \"1000\"\n" \
	    "${GOPROCCTL}" add --match 1000
}

match_case full "-f matches the whole command line, NULs as spaces"
full_body()
{
	n=$(uniq fu)
	s=$(copy "${n}")
	gp_start
	p1=$(gp_spawn "${s}" 1001)
	p2=$(gp_spawn "${s}" 1002)
	atf_check -s exit:1 -e match:"no process matches" \
	    "${GOPROCCTL}" add --match "${n} 1002"
	atf_check -o inline:"Process ${p2} registered with id 1\n" \
	    "${GOPROCCTL}" add -f --match "/${n} 1002$"
	atf_check -o inline:"Skipped pid ${p2} (${n}): already registered as id 1
Process ${p1} registered with id 2\n" \
	    "${GOPROCCTL}" add --full --match "${n} 100[12]"
}

match_case exact "-x matches the whole name only"
exact_body()
{
	n=$(uniq ex)
	s=$(copy "${n}")
	gp_start
	p=$(gp_spawn "${s}" 1000)
	short=$(echo "${n}" | cut -c1-6)
	atf_check -s exit:1 -e inline:"goprocctl: no process matches \"${short}\"\n" \
	    "${GOPROCCTL}" add -x --match "${short}"
	atf_check -o inline:"Would register pid=${p} name=- cmd=${s} 1000 tags=[] groups=[]\n" \
	    "${GOPROCCTL}" add --dry-run --match "${short}"
	atf_check -o inline:"Process ${p} registered with id 1\n" \
	    "${GOPROCCTL}" add --exact --match "${short}.*"
}

match_case euid "-u selects by effective user, name or uid"
euid_head()
{
	atf_set descr "-u selects by effective user, name or uid"
	atf_set require.user root
	atf_set require.progs setpriv
}
euid_body()
{
	gp_shared_base
	n=$(uniq eu)
	s=$(copy "${n}" "${GP_BASE}")
	gp_start
	mine=$(gp_spawn "${s}" 1000)
	spawn_as "${n}" ${GP_AS_NOBODY} "${s}" 1001
	theirs=${spawned}
	atf_check -o inline:"Process ${theirs} registered with id 1\n" \
	    "${GOPROCCTL}" add -u nobody --match "${n}"
	atf_check -o inline:"Process ${mine} registered with id 2\n" \
	    "${GOPROCCTL}" add -u 0 --match "${n}"
	atf_check -s exit:2 -e inline:"goprocctl: add: unknown user \"gm-no-such-user\"\n" \
	    "${GOPROCCTL}" add -u gm-no-such-user --match "${n}"
}

match_case parent "-P selects the children of a process"
parent_body()
{
	n=$(uniq pa)
	s=$(copy "${n}")
	gp_start
	other=$(gp_spawn "${s}" 1000)
	p=$(gp_spawn sh -c "${s} 1001 & ${s} 1002 & wait")
	_i=0
	while [ "$(gp_children "${p}" | wc -l)" -lt 2 ]; do
		[ ${_i} -lt 100 ] || atf_fail "no children of ${p}"
		sleep 0.05
		_i=$((_i + 1))
	done
	kids=$(gp_children "${p}")
	echo ${kids} >>tracked.pids
	set -- $(sorted ${kids})
	atf_check -o inline:"Process $1 registered with id 1
Process $2 registered with id 2\n" \
	    "${GOPROCCTL}" add -P "${p}" --all --match "${n}"
	atf_check -o match:"^\[id=2\] pid=$2 " "${GOPROCCTL}" list --id 2
	atf_check -o inline:"Process ${other} registered with id 3\n" \
	    "${GOPROCCTL}" add -P 1,"$(awk '{ print $4 }' /proc/"${other}"/stat)" \
	    --match "${n}"
}

match_case newest_oldest "-n and -o take the newest and the oldest by start time"
newest_oldest_body()
{
	n=$(uniq no)
	s=$(copy "${n}")
	gp_start
	p1=$(gp_spawn "${s}" 1001)
	sleep 0.1
	p2=$(gp_spawn "${s}" 1002)
	sleep 0.1
	p3=$(gp_spawn "${s}" 1003)
	[ "$(gp_start_ticks "${p1}")" -lt "$(gp_start_ticks "${p3}")" ] ||
	    atf_fail "the processes started in the same tick"
	atf_check -o inline:"Process ${p3} registered with id 1\n" \
	    "${GOPROCCTL}" add -n --match "${n}"
	atf_check -o inline:"Process ${p1} registered with id 2\n" \
	    "${GOPROCCTL}" add --oldest --match "${n}"
	# The newest is taken first, then skipped as registered.
	atf_check -o inline:"Skipped pid ${p3} (${n}): already registered as id 1\n" \
	    "${GOPROCCTL}" add --newest --match "${n}"
	atf_check -s exit:2 -e match:"-n and -o exclude each other" \
	    "${GOPROCCTL}" add -n -o --match "${n}"
}

match_case not_self "never goprocctl itself, its ancestors or goprocd"
not_self_body()
{
	n=$(uniq se)
	cp /bin/sh "$(pwd)/${n}"
	gp_start
	# A shell of that name that does not exec its last command.
	p=$(gp_spawn "$(pwd)/${n}" -c "sleep 1000; :")
	# goprocctl's own command line and its shell's match, and are left
	# out: only the other shell is registered.
	atf_check -o inline:"Process ${p} registered with id 1\n" \
	    "$(pwd)/${n}" -c "\"${GOPROCCTL}\" add -f --match '${n}' --all; :"
	# goprocctl itself, under a name of its own.
	c=$(uniq ct)
	cp "${GOPROCCTL}" "$(pwd)/${c}"
	atf_check -s exit:1 -e inline:"${c}: no process matches \"${c}\"\n" \
	    "$(pwd)/${c}" add -x --match "${c}"
	# goprocd: the parent (a child of this shell) and its children.
	atf_check -s exit:1 -e match:"no process matches" \
	    "${GOPROCCTL}" add -x --match goprocd -P "$$,$(gp_pid)"
	atf_check -s exit:1 -e match:"no process matches" \
	    "${GOPROCCTL}" add -f --match "goprocd" -P "$(gp_pid)"
	atf_check -o inline:"[id=1] pid=${p} name=- alive=true cmd=$(pwd)/${n} -c sleep 1000; : tags=[] groups=[]\n" \
	    "${GOPROCCTL}" list
}

match_case guard "several matches need --all; --dry-run registers nothing"
guard_body()
{
	n=$(uniq gu)
	s=$(copy "${n}")
	gp_start
	p1=$(gp_spawn "${s}" 1001)
	p2=$(gp_spawn "${s}" 1002)
	set -- $(sorted "${p1}" "${p2}")
	atf_check -s exit:1 -e inline:"goprocctl: 2 processes match \"${n}\" (pids: $1, $2). Use --all to register them all, or --dry-run to see them\n" \
	    "${GOPROCCTL}" add --match "${n}"
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
	atf_check -o inline:"Would register pid=$1 name=- cmd=$(cmd_of "$1") tags=[t] groups=[]
Would register pid=$2 name=- cmd=$(cmd_of "$2") tags=[t] groups=[]\n" \
	    "${GOPROCCTL}" add --dry-run --tag t --match "${n}"
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
	atf_check -s exit:1 -e inline:"goprocctl: --name names one process, but 2 match \"${n}\"\n" \
	    "${GOPROCCTL}" add --all --name web --match "${n}"
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
	atf_check -o inline:"Process $1 registered with id 1
Process $2 registered with id 2\n" \
	    "${GOPROCCTL}" add --all --group g --match "${n}"
	atf_check -o match:"groups=\[g\]" "${GOPROCCTL}" list --id 2
}

match_case skipped "a process already registered is reported and skipped"
skipped_body()
{
	n=$(uniq sk)
	s=$(copy "${n}")
	gp_start
	p1=$(gp_spawn "${s}" 1001)
	p2=$(gp_spawn "${s}" 1002)
	"${GOPROCCTL}" add "${p2}" --name first >/dev/null
	# One left to register: no --all needed.
	atf_check -o inline:"Skipped pid ${p2} (${n}): already registered as id 1
Process ${p1} registered with id 2\n" \
	    "${GOPROCCTL}" add --match "${n}"
	if [ "${p1}" -lt "${p2}" ]; then
		both="${p1} (${n}): already registered as id 2
Skipped pid ${p2} (${n}): already registered as id 1"
	else
		both="${p2} (${n}): already registered as id 1
Skipped pid ${p1} (${n}): already registered as id 2"
	fi
	atf_check -o inline:"Skipped pid ${both}\n" \
	    "${GOPROCCTL}" add --match "${n}"
	atf_check -o inline:"[id=1] pid=${p2} name=first alive=true cmd=${s} 1002 tags=[] groups=[]
[id=2] pid=${p1} name=- alive=true cmd=${s} 1001 tags=[] groups=[]\n" \
	    "${GOPROCCTL}" list
}

match_case other_user "a process of another user: root may register it, others not"
other_user_head()
{
	atf_set descr "a process of another user: root may register it," \
	    "others not"
	atf_set require.user root
	atf_set require.progs setpriv
}
other_user_body()
{
	gp_shared_base
	n=$(uniq ou)
	s=$(copy "${n}" "${GP_BASE}")
	gp_start --socket-group nogroup
	spawn_as "${n}" setpriv --reuid=daemon --regid=daemon --clear-groups \
	    "${s}" 1000
	p=${spawned}
	atf_check -s exit:1 -e inline:"goprocctl: no process you may add matches \"${n}\": 1 of other users do (permission denied)\n" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" add --match "${n}"
	# One of nobody's beside it: that one is registered, the other told.
	spawn_as "${n}" ${GP_AS_NOBODY} "${s}" 1001
	q=${spawned}
	atf_check -o inline:"Process ${q} registered with id 1
Not registered: 1 matching process of other users (permission denied)\n" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" add --match "${n}"
	atf_check -o inline:"Process ${p} registered with id 2\n" \
	    "${GOPROCCTL}" add --match "${n}" -u daemon
	atf_check -o match:"^\[id=2\] pid=${p} " "${GOPROCCTL}" list --id 2
}

match_case json "--json: the entries as add prints them, and the skipped"
json_body()
{
	n=$(uniq js)
	s=$(copy "${n}")
	gp_start
	p1=$(gp_spawn "${s}" 1001)
	p2=$(gp_spawn "${s}" 1002)
	"${GOPROCCTL}" add "${p1}" >/dev/null
	atf_check -o save:match.json "${GOPROCCTL}" --json add --all \
	    --tag j --match "${n}"
	atf_check -o inline:"[${p2}] [2] ['j'] [[${p1}, '${n}', 1]] False\n" \
	    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print([e["pid"] for e in d["entries"]], [e["id"] for e in d["entries"]],
    d["entries"][0]["tags"],
    [[s["pid"], s["comm"], s["id"]] for s in d["skipped"]], d["dry_run"])
' match.json
	p3=$(gp_spawn "${s}" 1003)
	atf_check -o inline:"[None] [${p3}] True\n" -x "\"${GOPROCCTL}\" --json \
	    add --dry-run -f --match '${s} 100[13]' | python3 -c '
import json, sys
d = json.load(sys.stdin)
print([e[\"id\"] for e in d[\"entries\"]],
    [e[\"pid\"] for e in d[\"entries\"]], d[\"dry_run\"])'"
	atf_check -s exit:1 -o match:"no process matches" \
	    "${GOPROCCTL}" --json add --match "${n}-none"
}

match_case bad_pattern "a pattern that does not compile is refused, named"
bad_pattern_body()
{
	gp_start
	atf_check -s exit:2 -e match:"add: invalid pattern \"a\(b\": " \
	    "${GOPROCCTL}" add --match "a(b"
	atf_check -s exit:2 -e match:"back-references are not supported" \
	    "${GOPROCCTL}" add -f --match "(.*)\\1x"
	atf_check -s exit:2 -e match:"at most 256 bytes" \
	    "${GOPROCCTL}" add --match "$(printf '%0257d' 0)"
}

atf_init_test_cases()
{
	atf_add_test_case name
	atf_add_test_case full
	atf_add_test_case exact
	atf_add_test_case euid
	atf_add_test_case parent
	atf_add_test_case newest_oldest
	atf_add_test_case not_self
	atf_add_test_case guard
	atf_add_test_case skipped
	atf_add_test_case other_user
	atf_add_test_case json
	atf_add_test_case bad_pattern
}

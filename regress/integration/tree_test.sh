#! /usr/bin/env atf-sh
#
# Process trees: kill --tree signals the entry's process and every
# descendant that /proc links to it at the moment of the kill, each
# checked as the members of a group are, and reports what it spared;
# list --children shows the direct children and the descendants.

. "$(atf_get_srcdir)/common.sh"

# descendants PID: every descendant of a process, one pid a line.
descendants()
{
	for _c in $(gp_children "$1"); do
		echo "${_c}"
		descendants "${_c}"
	done
}

# wait_tree PID N: wait up to 5 s until the process has N descendants.
wait_tree()
{
	_i=0
	while [ "$(descendants "$1" | wc -l)" -lt "$2" ]; do
		[ ${_i} -lt 100 ] || atf_fail "pid $1 has no $2 descendants"
		sleep 0.05
		_i=$((_i + 1))
	done
}

# tree_up PID N: wait for N descendants; they are in kids, and killed
# at cleanup.
tree_up()
{
	wait_tree "$1" "$2"
	kids=$(descendants "$1")
	echo ${kids} >tree.pids
}

# A sleep under a name of this test's own, so that nothing else matches.
unique_sleep()
{
	cp /bin/sleep "$(pwd)/$1"
	echo "$(pwd)/$1"
}

tree_case()
{
	atf_test_case "$1" cleanup
	eval "$1_head() { atf_set descr '$2'; }"
	eval "$1_cleanup() { . \"\$(atf_get_srcdir)/common.sh\";
	    [ -f tree.pids ] && kill -KILL \$(cat tree.pids) 2>/dev/null;
	    gp_cleanup; gp_cleanup_groups; }"
}

tree_case grandchildren "kill --tree reaches the children and grandchildren"
grandchildren_body()
{
	s=$(unique_sleep gp-tree-a)
	gp_start
	p=$(gp_spawn sh -c "${s} 1000 & sh -c '${s} 1001 & ${s} 1002 & wait' & wait")
	tree_up "${p}" 4
	atf_check -o inline:"Process ${p} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p}"
	atf_check -o inline:"Killed and removed [id=1] pid=${p} name=-
Signalled 5 processes in the tree of pid ${p}\n" \
	    "${GOPROCCTL}" kill --tree --id 1
	gp_wait_gone "${p}" ${kids} ||
	    atf_fail "a descendant outlived kill --tree"
	atf_check -o inline:"No processes registered\n" "${GOPROCCTL}" list
}

tree_case without_tree "kill without --tree leaves the children alone"
without_tree_body()
{
	s=$(unique_sleep gp-tree-b)
	gp_start
	p=$(gp_spawn sh -c "${s} 1000 & wait")
	tree_up "${p}" 1
	kid=${kids}
	"${GOPROCCTL}" add "${p}" >/dev/null
	atf_check -o inline:"Killed and removed [id=1] pid=${p} name=-\n" \
	    "${GOPROCCTL}" kill --id 1
	gp_wait_gone "${p}" || atf_fail "the entry's process did not exit"
	gp_alive "${kid}" || atf_fail "the child was signalled without --tree"
}

tree_case other_group "kill --tree reaches a descendant in another process group"
other_group_body()
{
	s=$(unique_sleep gp-tree-c)
	gp_start
	# run: the entry leads its group; setsid puts one child outside.
	gp_run -- sh -c "setsid ${s} 1000 & ${s} 1001 & wait" ||
	    atf_fail "run failed: $(cat run.err)"
	p=${gp_run_pid}
	tree_up "${p}" 2
	n=0
	for k in ${kids}; do
		[ "$(gp_pgid "${k}")" = "${p}" ] || n=$((n + 1))
	done
	[ ${n} -eq 1 ] || atf_fail "no child outside the group (${n})"
	atf_check -o inline:"Killed and removed [id=1] pid=${p} name=-
Signalled 3 processes in the tree of pid ${p}\n" \
	    "${GOPROCCTL}" kill --tree --id 1
	gp_wait_gone "${p}" ${kids} ||
	    atf_fail "the child in another group outlived kill --tree"
}

tree_case other_user "kill --tree spares and reports a descendant of another user"
other_user_head()
{
	atf_set descr "kill --tree spares and reports a descendant of" \
	    "another user"
	atf_set require.user root
	atf_set require.progs setpriv
}
other_user_body()
{
	gp_shared_base
	# Where nobody and daemon may run it from.
	cp /bin/sleep "${GP_BASE}/gp-tree-d"
	s=${GP_BASE}/gp-tree-d
	gp_start --socket-group nogroup
	# A shell of nobody's that may still change its uid: it starts
	# one child as daemon, one as itself.
	p=$(gp_spawn sh -c "exec setpriv --reuid=nobody --regid=nogroup \
	    --clear-groups --inh-caps=+setuid,+setgid \
	    --ambient-caps=+setuid,+setgid sh -c 'setpriv --reuid=daemon \
	    --regid=daemon --clear-groups --inh-caps=-all ${s} 1000 & \
	    ${s} 1001 & wait'")
	tree_up "${p}" 2
	theirs=
	for k in ${p} ${kids}; do
		_i=0
		while [ "$(stat -c %u /proc/"${k}")" = 0 ] && [ ${_i} -lt 100 ]
		do
			sleep 0.05
			_i=$((_i + 1))
		done
		[ "$(stat -c %u /proc/"${k}")" = "$(id -u daemon)" ] &&
		    theirs=${k}
	done
	[ -n "${theirs}" ] || atf_fail "no child of daemon's"
	atf_check -o inline:"Process ${p} registered with id 1\n" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" add "${p}"
	atf_check -o inline:"Killed and removed [id=1] pid=${p} name=-
Signalled 2 processes in the tree of pid ${p}, spared 1
Spared pid ${theirs}: owned by uid $(id -u daemon) (Operation not permitted)\n" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" kill --tree --id 1
	gp_wait_gone "${p}" || atf_fail "the entry's process did not exit"
	gp_alive "${theirs}" || atf_fail "the child of daemon's was signalled"
}

tree_case json "kill --tree --json counts the processes signalled"
json_body()
{
	s=$(unique_sleep gp-tree-e)
	gp_start
	p=$(gp_spawn sh -c "${s} 1000 & ${s} 1001 & wait")
	tree_up "${p}" 2
	"${GOPROCCTL}" add "${p}" >/dev/null
	atf_check -o save:kill.json "${GOPROCCTL}" --json kill --tree --id 1
	atf_check -o inline:"3 0 []\n" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(r["signalled"], r["skipped"], r["spared"])' kill.json
}

tree_case children "list --children shows the direct children and counts the descendants"
children_body()
{
	s=$(unique_sleep gp-tree-f)
	gp_start
	p=$(gp_spawn sh -c "${s} 1000 & sh -c '${s} 1001 & wait' & wait")
	tree_up "${p}" 3
	"${GOPROCCTL}" add "${p}" >/dev/null
	k1=
	for k in $(gp_children "${p}"); do
		case "$(cat /proc/"${k}"/comm)" in
		gp-tree-f) k1=${k} ;;
		sh) k2=${k} ;;
		esac
	done
	[ -n "${k1}" ] && [ -n "${k2}" ] || atf_fail "children not found"
	if [ "${k1}" -lt "${k2}" ]; then
		kids="    |- ${k1} gp-tree-f
    \`- ${k2} sh"
	else
		kids="    |- ${k2} sh
    \`- ${k1} gp-tree-f"
	fi
	atf_check -o inline:"[id=1] pid=${p} name=- alive=true cmd=sh -c ${s} 1000 & sh -c '${s} 1001 & wait' & wait tags=[] groups=[]
    children=2 descendants=3
${kids}\n" "${GOPROCCTL}" list --children
	sorted=$(printf '%s\n' "${k1}" "${k2}" | sort -n | paste -sd, - |
	    sed 's/,/, /')
	atf_check -o inline:"2 3 [${sorted}]\n" -x "\"${GOPROCCTL}\" --json \
	    list --children | python3 -c '
import json, sys
e = json.load(sys.stdin)[\"entries\"][0]
print(e[\"nchildren\"], e[\"descendants\"],
    sorted(c[\"pid\"] for c in e[\"children\"]))' | sed 's/\\[\\(.*\\)\\]/[\\1]/'"
	# Without --children, nothing more.
	atf_check -o not-match:"children=" "${GOPROCCTL}" list
}

atf_init_test_cases()
{
	atf_add_test_case grandchildren
	atf_add_test_case without_tree
	atf_add_test_case other_group
	atf_add_test_case other_user
	atf_add_test_case json
	atf_add_test_case children
}

#! /usr/bin/env atf-sh
#
# Privilege separation as a user sees it: as root, the children run as
# an unprivileged user locked into an empty directory, and clients from
# the socket group may act on their own entries only.

. "$(atf_get_srcdir)/common.sh"

# The user the children become without -u.
drop_user()
{
	echo _goproc
}

atf_test_case children_drop cleanup
children_drop_head()
{
	atf_set "descr" "as root, the children run unprivileged in an empty root"
	atf_set "require.user" "root"
}
children_drop_body()
{
	gp_start
	pid=$(gp_pid)
	user=$(drop_user)
	uid=$(id -u "${user}")
	atf_check -o inline:"0\n" sh -c "ps -o uid= -p ${pid} | tr -d ' '"
	# The parent stays root, with CAP_KILL alone.
	atf_check -o match:"^CapEff:[[:space:]]+0000000000000020$" \
	    -o match:"^CapPrm:[[:space:]]+0000000000000020$" \
	    -o match:"^CapBnd:[[:space:]]+0000000000000020$" \
	    cat /proc/"${pid}"/status
	n=0
	for c in $(gp_children "${pid}"); do
		atf_check -o inline:"${uid}\n" \
		    sh -c "ps -o uid= -p $c | tr -d ' '"
		atf_check -o inline:"${GOPROC_RUNTIME_DIR}/empty\n" \
		    readlink /proc/"$c"/root
		grep -q "^Groups:[[:space:]]*$(id -g "${user}")[[:space:]]*$" \
		    /proc/"$c"/status || atf_fail "supplementary groups kept"
		n=$((n + 1))
	done
	[ $n -eq 3 ] || atf_fail "expected 3 children, found $n"
	atf_check -o inline:"0\n" sh -c "ls -A '${GOPROC_RUNTIME_DIR}/empty' |
	    wc -l"
	# And the daemon still does its work as root wants it.
	p=$(gp_spawn sleep 1000)
	atf_check -o inline:"Process ${p} registered with id 1\n" \
	    "${GOPROCCTL}" add "${p}"
	atf_check -o match:"Killed and removed \\[id=1\\] pid=${p}" \
	    "${GOPROCCTL}" kill --id 1
}
children_drop_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case user_flag cleanup
user_flag_head()
{
	atf_set "descr" "-u names the user; root or an unknown one is refused"
	atf_set "require.user" "root"
}
user_flag_body()
{
	gp_env
	atf_check -s exit:1 -e match:"user nosuchuser42: no such user" \
	    "${GOPROCD}" -d -u nosuchuser42
	atf_check -s exit:1 -e match:"user root is root" "${GOPROCD}" -d -u root
	gp_start -u daemon
	for c in $(gp_children "$(gp_pid)"); do
		atf_check -o inline:"$(id -u daemon)\n" \
		    sh -c "ps -o uid= -p $c | tr -d ' '"
	done
}
user_flag_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case no_goproc_user cleanup
no_goproc_user_head()
{
	atf_set "descr" "without _goproc a root goprocd needs -u, never nobody"
	atf_set "require.user" "root"
	atf_set "require.progs" "unshare"
}
no_goproc_user_body()
{
	gp_env
	# A system without _goproc: in a mount namespace of its own.
	grep -v '^_goproc:' /etc/passwd >passwd
	cat >nsrun.sh <<EOF
mount --bind "$(pwd)/passwd" /etc/passwd || exit 99
exec "\$@"
EOF
	atf_check -s exit:1 -o empty \
	    -e match:"user _goproc does not exist.*-u user" \
	    timeout 10 unshare -m sh nsrun.sh "${GOPROCD}" -d
	atf_check -s exit:1 test -e "${SOCK}"

	# Named explicitly, nobody is accepted.
	unshare -m sh nsrun.sh "${GOPROCD}" -d -u nobody >>goprocd.log 2>&1 &
	echo $! >>daemon.pids
	gp_wait_ready || atf_fail "goprocd -u nobody did not start"
	for c in $(gp_children "$(gp_pid)"); do
		atf_check -o inline:"$(id -u nobody)\n" \
		    sh -c "ps -o uid= -p $c | tr -d ' '"
	done
}
no_goproc_user_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case socket_group cleanup
socket_group_head()
{
	atf_set "descr" "--socket-group opens the socket to a group, no further"
	atf_set "require.user" "root"
	atf_set "require.progs" "setpriv"
}
socket_group_body()
{
	gp_shared_base
	gp_start --socket-group nogroup
	# CAP_CHOWN as well, to give the socket to its group.
	atf_check -o match:"^CapEff:[[:space:]]+0000000000000021$" \
	    cat /proc/"$(gp_pid)"/status
	atf_check -o inline:"660 root nogroup\n" stat -c '%a %U %G' "${SOCK}"
	atf_check -o inline:"710 root nogroup\n" \
	    stat -c '%a %U %G' "${GOPROC_RUNTIME_DIR}"
	atf_check -o inline:"pong\n" ${GP_AS_NOBODY} "${GOPROCCTL}" ping
	atf_check -o inline:"pong\n" \
	    setpriv --reuid=daemon --regid=daemon \
	    --groups="$(getent group nogroup | cut -d: -f3)" \
	    "${GOPROCCTL}" ping
	atf_check -s exit:1 -e match:"Permission denied" \
	    setpriv --reuid=daemon --regid=daemon --clear-groups \
	    "${GOPROCCTL}" ping
}
socket_group_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_test_case owners_only cleanup
owners_only_head()
{
	atf_set "descr" "a client acts on its own entries only; all may list"
	atf_set "require.user" "root"
	atf_set "require.progs" "setpriv"
}
owners_only_body()
{
	gp_shared_base
	gp_start --socket-group nogroup
	rootp=$(gp_spawn sleep 1000)
	atf_check -o ignore "${GOPROCCTL}" add "${rootp}" --name rootjob \
	    --tag shared
	# A process of nobody's, added by nobody.
	${GP_AS_NOBODY} sleep 1000 >/dev/null 2>&1 </dev/null &
	nobp=$!
	echo "${nobp}" >>tracked.pids
	atf_check -o inline:"Process ${nobp} registered with id 2\n" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" add "${nobp}" --name nobjob \
	    --tag shared
	# nobody cannot add root's process, nor touch root's entry.
	p2=$(gp_spawn sleep 1000)
	atf_check -s exit:1 -e match:"permission denied" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" add "${p2}"
	atf_check -o match:"name=rootjob" ${GP_AS_NOBODY} "${GOPROCCTL}" list
	atf_check -s exit:1 \
	    -e match:"permission denied: \\[id=1\\] pid=${rootp} belongs to uid 0" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" rm --name rootjob
	atf_check -s exit:1 -e match:"permission denied: \\[id=1\\]" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" kill --tag shared --all
	kill -0 "${rootp}" || atf_fail "root's process was signalled"
	atf_check -s exit:1 -e match:"permission denied" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" tag shared --rename mine
	atf_check -s exit:1 -e match:"permission denied" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" reset --confirm RESET
	atf_check -o match:"name=rootjob.*tags=\\[shared\\]" \
	    "${GOPROCCTL}" list --id 1
	# Its own entry it may kill; root may do anything.
	atf_check -o match:"Killed and removed \\[id=2\\] pid=${nobp}" \
	    ${GP_AS_NOBODY} "${GOPROCCTL}" kill --name nobjob
	atf_check -o match:"Renamed tag" "${GOPROCCTL}" tag shared \
	    --rename mine
	atf_check -o match:"Registry cleared" "${GOPROCCTL}" reset \
	    --confirm RESET
}
owners_only_cleanup()
{
	. "$(atf_get_srcdir)/common.sh"; gp_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case children_drop
	atf_add_test_case user_flag
	atf_add_test_case no_goproc_user
	atf_add_test_case socket_group
	atf_add_test_case owners_only
}

#!/bin/sh
#
# Run goproc under valgrind's memcheck: every case of the C unit tests,
# then a real goprocd (its four processes) driven through each command
# by goprocctl, also under valgrind.  The tree must be built with
# NOSANDBOX=1 (make valgrind does it): valgrind cannot run under seccomp.
#
# Prints one line per program with errors, then "valgrind: N runs, M with
# errors"; exits non-zero when a run had a memory error or a definite
# leak.

cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
GOPROCD=${top}/goprocd/goprocd
GOPROCCTL=${top}/goprocctl/goprocctl

command -v valgrind >/dev/null 2>&1 || {
	echo "valgrind: not installed (make deps)" >&2
	exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/goproc-valgrind.XXXXXX") || exit 1
chmod 755 "${work}"
trap 'rm -rf "${work}"' EXIT
VG="valgrind --vgdb=no --leak-check=full --errors-for-leak-kinds=definite"
VG="${VG} --trace-children=yes --trace-children-skip=/bin/*,/usr/bin/*"
runs=0
bad=0

# check LOG...: count the runs, report those with errors.  A process
# killed by a signal (a test's child, a forked child that exec'd) writes
# no summary: it is counted, and only what it reported is held against it.
check()
{
	for log in "$@"; do
		runs=$((runs + 1))
		if grep -qE "ERROR SUMMARY: [1-9]" "${log}"; then
			bad=$((bad + 1))
			echo "valgrind: errors in $(sed -n \
			    's/^==[0-9]*== Command: //p' "${log}" | head -n 1)"
			grep -E "^==[0-9]+== +(Invalid|Conditional|Use of|[0-9,]+ bytes .* definitely)" \
			    "${log}" | head -n 5
		fi
	done
}

# The unit tests but the sandbox's, which needs seccomp: each case in a
# directory of its own, two at a time.
for prog in regress/*/*_test; do
	case ${prog} in
	*.sh | regress/sandbox/*) continue ;;
	esac
	[ -x "${prog}" ] || continue
	n=0
	for tc in $("${prog}" -l | sed -n 's/^ident: //p'); do
		n=$((n + 1))
		echo "${top}/${prog} ${tc}"
	done
	echo "valgrind: ${prog}, ${n} cases" >&2
done >"${work}/cases"
export VG work
xargs -P 2 -L 1 sh -c 'd=$(mktemp -d "${work}/case.XXXXXX") &&
    cd "$d" && ${VG} --log-file="${work}/unit.%p" "$0" "$1" \
    >/dev/null 2>&1; exit 0' <"${work}/cases"
check "${work}"/unit.*

# goprocd, its children and goprocctl.
export GOPROC_RUNTIME_DIR="${work}/run"
unset GOPROC_SOCKET GOPROC_STATE_DIR XDG_RUNTIME_DIR
# As root without _goproc (make deps and make install create it), name
# the children's user: goprocd refuses to pick one.
uflag=
[ "$(id -u)" -ne 0 ] || getent passwd _goproc >/dev/null || uflag="-u nobody"
${VG} --log-file="${work}/daemon.%p" "${GOPROCD}" -d ${uflag} \
    >"${work}/goprocd.log" 2>&1 &
daemon=$!
# ctl ARGS: goprocctl under valgrind; a failure names the command.  The
# commands give the daemon 60 s, as everything is slower under memcheck.
ctl()
{
	${VG} --log-file="${work}/ctl.%p" "${GOPROCCTL}" "$@" && return 0
	echo "valgrind: goprocctl $* failed" >&2
	return 1
}
i=0
until "${GOPROCCTL}" ping >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 600 ]; then
		echo "valgrind: goprocd did not become ready" >&2
		cat "${work}/goprocd.log" >&2
		kill "${daemon}" 2>/dev/null
		exit 1
	fi
	sleep 0.1
done
echo "valgrind: goprocd is up"
sleep 1747 >/dev/null 2>&1 &
s1=$!
sleep 1747 >/dev/null 2>&1 &
s2=$!
fail=0
# Watchers see every change below, through the registry's events and
# the frontend's subscriptions; they end with the daemon.
ctl watch --initial >"${work}/watch.out" 2>&1 &
w1=$!
ctl --json watch --tag web --alive >"${work}/watch.json" 2>&1 &
w2=$!
ctl ping -t 60 >/dev/null || fail=1
ctl add "${s1}" --name one --tag web --group fleet -t 60 >/dev/null || fail=1
ctl add "${s2}" --tag web --tag db -t 60 >/dev/null || fail=1
ctl run --tag batch -t 60 -- sleep 1747 >/dev/null || fail=1
ctl list -t 60 >/dev/null || fail=1
ctl --json list --tag web --alive -t 60 >/dev/null || fail=1
ctl list --search sleep --group-all fleet -t 60 >/dev/null || fail=1
ctl tag web --rename www -t 60 >/dev/null || fail=1
ctl group fleet -t 60 >/dev/null || fail=1
ctl update --id 1 --add-tag x --remove-tag www -t 60 >/dev/null || fail=1
ctl metrics -t 60 >/dev/null || fail=1
ctl list --children -t 60 >/dev/null || fail=1
ctl add --match '^sleep$' --all --dry-run -t 60 >/dev/null || fail=1
kill -9 "${s2}"
ctl wait --id 2 -t 60 >/dev/null || fail=1
ctl rm --id 2 -t 60 >/dev/null || fail=1
# valgrind 3.19 lacks pidfd_send_signal(2): the kills may fail with
# ENOSYS, but the paths up to the signal still run under memcheck.
ctl kill --tag batch --tree -t 60 >/dev/null 2>&1
ctl kill --name one --signal KILL --wait 2 -t 60 >/dev/null 2>&1
ctl add 1 -t 60 >/dev/null 2>&1
ctl --json add 99999999 -t 60 >/dev/null 2>&1
kill -HUP "$(cat "${GOPROC_RUNTIME_DIR}/goproc.pid")"
ctl reset --confirm RESET -t 60 >/dev/null || fail=1
ctl list -t 60 >/dev/null || fail=1
kill "$(cat "${GOPROC_RUNTIME_DIR}/goproc.pid")"
wait "${daemon}"
wait "${w1}" "${w2}"
grep -q " reset" "${work}/watch.out" || {
	echo "valgrind: the watcher missed events:" >&2
	cat "${work}/watch.out" >&2
	fail=1
}
kill "${s1}" "${s2}" 2>/dev/null
pkill -x -f "sleep 1747"
if [ ${fail} -ne 0 ]; then
	echo "valgrind: a goprocctl command failed; the daemon's log:" >&2
	cat "${work}/goprocd.log" >&2
	bad=$((bad + 1))
fi
check "${work}"/daemon.* "${work}"/ctl.*

echo "valgrind: ${runs} runs, ${bad} with errors"
[ ${bad} -eq 0 ] && [ ${runs} -gt 0 ]

#! /usr/bin/env atf-sh
#
# make install and uninstall into a private DESTDIR, the installed
# programs, the systemd units, the SysV init script and the bash
# completion.

top=$(cd "$(atf_get_srcdir)/../.." && pwd)
GOPROCD=${top}/goprocd/goprocd
GOPROCCTL=${top}/goprocctl/goprocctl

# mk ARG...: make ARG... in the source tree into ./dest, which must
# succeed quietly.  The programs are taken as they are built, never
# rebuilt: other tests are using them.
mk()
{
	atf_check -s exit:0 -o empty -e empty \
	    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s \
	    --no-print-directory -C "${top}" \
	    -o goprocd/goprocd -o goprocctl/goprocctl \
	    DESTDIR="$(pwd)/dest" "$@"
}

# A private runtime directory, and nothing inherited from the caller.
private_env()
{
	unset GOPROC_SOCKET GOPROC_STATE_DIR XDG_RUNTIME_DIR
	unset GOPROC_LIVENESS_INTERVAL GOPROC_LAST_SEEN_INTERVAL
	GOPROC_RUNTIME_DIR="$(pwd)/run"
	export GOPROC_RUNTIME_DIR
}

# ping_until_ready GOPROCCTL: wait up to 5 s for the daemon to answer.
ping_until_ready()
{
	i=0
	while [ $i -lt 100 ]; do
		"$1" ping >/dev/null 2>&1 && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# A root goprocd needs the _goproc user (make install creates it; here
# the install goes to DESTDIR): create it as the integration tests do.
ensure_user()
{
	[ "$(id -u)" -eq 0 ] || return 0
	i=0
	while ! getent passwd _goproc >/dev/null; do
		[ $i -lt 50 ] || atf_fail "cannot create user _goproc"
		useradd --system --no-create-home --shell /usr/sbin/nologin \
		    _goproc >/dev/null 2>&1 || sleep 0.1
		i=$((i + 1))
	done
}

# start_daemon GOPROCD GOPROCCTL: goprocd -d in the background, ready.
start_daemon()
{
	ensure_user
	"$1" -d >>goprocd.log 2>&1 &
	echo $! >>daemon.pids
	ping_until_ready "$2" || {
		cat goprocd.log >&2
		atf_fail "goprocd did not become ready"
	}
}

# 0 once none of the processes is left (a zombie counts as gone).
wait_gone()
{
	i=0
	while [ $i -lt 100 ]; do
		alive=0
		for p in "$@"; do
			if [ -d /proc/"$p" ] && ! grep -q '^State:.*Z' \
			    /proc/"$p"/status 2>/dev/null; then
				alive=1
			fi
		done
		[ $alive -eq 0 ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# Stop every daemon and process a test started.
cleanup_all()
{
	for p in $(cat daemon.pids 2>/dev/null); do
		kids=$(cat /proc/"$p"/task/*/children 2>/dev/null)
		kill -TERM "$p" 2>/dev/null
		sleep 0.2
		kill -KILL "$p" ${kids} 2>/dev/null
	done
	for p in $(cat tracked.pids 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null
	done
	return 0
}

atf_test_case install_tree
install_tree_head()
{
	atf_set "descr" "make install puts every file in place with its mode"
	atf_set "require.progs" "make"
}
install_tree_body()
{
	mk PREFIX=/usr install

	cat >expected <<EOF
755 ./etc/init.d/goprocd
755 ./usr/bin/goprocctl
644 ./usr/lib/systemd/system/goprocd.service
644 ./usr/lib/systemd/user/goprocd.service
755 ./usr/sbin/goprocd
644 ./usr/share/bash-completion/completions/goprocctl
644 ./usr/share/doc/goproc/examples/goprocd.conf
644 ./usr/share/doc/goproc/examples/prometheus/goproc.rules.yml
644 ./usr/share/doc/goproc/examples/prometheus/prometheus-node-exporter.default
644 ./usr/share/doc/goproc/examples/prometheus/prometheus.yml
644 ./usr/share/doc/goproc/examples/prometheus/targets/goproc-hosts.yml
644 ./usr/share/man/man1/goprocctl.1
644 ./usr/share/man/man5/goprocd.conf.5
644 ./usr/share/man/man8/goprocd.8
EOF
	(cd dest && find . ! -type d -exec stat -c '%a %n' {} + |
	    sort -k 2) >tree
	atf_check -o file:expected cat tree

	atf_check cmp "${GOPROCD}" dest/usr/sbin/goprocd
	atf_check cmp "${GOPROCCTL}" dest/usr/bin/goprocctl
	atf_check cmp "${top}/man/goprocd.8" dest/usr/share/man/man8/goprocd.8
	atf_check cmp "${top}/man/goprocctl.1" \
	    dest/usr/share/man/man1/goprocctl.1
	atf_check cmp "${top}/man/goprocd.conf.5" \
	    dest/usr/share/man/man5/goprocd.conf.5
	atf_check cmp "${top}/etc/goprocctl.bash-completion" \
	    dest/usr/share/bash-completion/completions/goprocctl
	atf_check cmp "${top}/etc/goprocd.conf.example" \
	    dest/usr/share/doc/goproc/examples/goprocd.conf

	# The service files name the installed daemon, nothing under
	# /usr/local.
	atf_check -o inline:"ExecStart=/usr/sbin/goprocd -d \$GOPROCD_OPTS\n" \
	    grep '^ExecStart=' dest/usr/lib/systemd/system/goprocd.service
	atf_check -o inline:"ExecStart=/usr/sbin/goprocd -d\n" \
	    grep '^ExecStart=' dest/usr/lib/systemd/user/goprocd.service
	atf_check -o match:'DAEMON:=/usr/sbin/goprocd}' \
	    cat dest/etc/init.d/goprocd
	atf_check -s exit:1 grep -r /usr/local/sbin/goprocd \
	    dest/usr/lib/systemd dest/etc/init.d

	# With the default prefix.
	rm -rf dest
	mk install
	for f in usr/local/sbin/goprocd usr/local/bin/goprocctl \
	    usr/local/share/man/man8/goprocd.8 \
	    usr/local/share/man/man1/goprocctl.1 \
	    usr/local/lib/systemd/system/goprocd.service \
	    usr/local/lib/systemd/user/goprocd.service \
	    usr/local/share/bash-completion/completions/goprocctl \
	    etc/init.d/goprocd; do
		[ -f dest/"$f" ] ||
		    atf_fail "missing ${f} with the default prefix"
	done
	atf_check -o inline:"ExecStart=/usr/local/sbin/goprocd -d\n" \
	    grep '^ExecStart=' dest/usr/local/lib/systemd/user/goprocd.service
}

atf_test_case install_creates_user
install_creates_user_head()
{
	atf_set "descr" "make install creates _goproc once, not with DESTDIR"
	atf_set "require.progs" "make"
	atf_set "require.user" "root"
}
install_creates_user_body()
{
	# useradd and getent that only pretend, and log what they were
	# asked; the files go under a private prefix.
	mkdir bin
	cat >bin/useradd <<'EOF'
#!/bin/sh
echo "useradd $*" >>"${GP_LOG}"
: >"${GP_HAVE}"
EOF
	cat >bin/getent <<'EOF'
#!/bin/sh
[ "$1 $2" = "passwd _goproc" ] && [ -e "${GP_HAVE}" ] &&
    echo "_goproc:x:999:999::/nonexistent:/usr/sbin/nologin" && exit 0
exit 2
EOF
	chmod 755 bin/useradd bin/getent
	export GP_LOG="$(pwd)/log" GP_HAVE="$(pwd)/have"
	export PATH="$(pwd)/bin:${PATH}"

	mk install
	atf_check -s exit:1 test -e log

	p=$(pwd)/prefix
	for i in 1 2; do
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s \
		    --no-print-directory -C "${top}" \
		    -o goprocd/goprocd -o goprocctl/goprocctl \
		    PREFIX="${p}" SYSCONFDIR="${p}/etc" install \
		    >install.out 2>&1 || {
			cat install.out >&2
			atf_fail "make install into ${p} failed"
		}
	done
	atf_check -o inline:"useradd --system --no-create-home --shell /usr/sbin/nologin _goproc\n" \
	    cat log
	[ -x "${p}/sbin/goprocd" ] || atf_fail "goprocd not installed"
}

atf_test_case installed_binaries_run cleanup
installed_binaries_run_head()
{
	atf_set "descr" "the installed goprocd and goprocctl work together"
	atf_set "require.progs" "make"
}
installed_binaries_run_body()
{
	mk PREFIX=/usr install
	d=$(pwd)/dest/usr/sbin/goprocd
	c=$(pwd)/dest/usr/bin/goprocctl
	private_env

	atf_check -s exit:0 -o inline:"configuration OK\n" -e empty "$d" -n
	atf_check -s exit:0 -o inline:"configuration OK\n" -e empty \
	    "$d" -n -c dest/usr/share/doc/goproc/examples/goprocd.conf
	atf_check -s exit:0 -o match:'^goprocctl [0-9]' -e empty "$c" --version
	atf_check -s exit:0 -o match:'^goprocd [0-9]' -e empty "$d" -V

	start_daemon "$d" "$c"
	pid=$(cat run/goproc.pid)
	atf_check -o inline:"${d}\n" readlink /proc/"${pid}"/exe
	atf_check -s exit:0 -o inline:"pong\n" -e empty "$c" ping
	sleep 300 </dev/null >/dev/null 2>&1 &
	echo $! >>tracked.pids
	atf_check -s exit:0 -o match:'registered with id 1' -e empty \
	    "$c" add $! --name installed
	atf_check -s exit:0 -o match:'name=installed alive=true' -e empty \
	    "$c" list

	kill -TERM "${pid}"
	wait_gone "${pid}" || atf_fail "goprocd did not stop on SIGTERM"
	[ -e run/goproc.sock ] && atf_fail "the socket is left after a stop"
	atf_check -s exit:3 -o empty -e match:'daemon is not running' "$c" ping
}
installed_binaries_run_cleanup()
{
	cleanup_all
}

atf_test_case uninstall_removes
uninstall_removes_head()
{
	atf_set "descr" "make uninstall removes every file install put"
	atf_set "require.progs" "make"
}
uninstall_removes_body()
{
	for prefix in /usr /usr/local /opt/gp; do
		rm -rf dest
		mk PREFIX="${prefix}" \
		    install
		[ -n "$(find dest ! -type d)" ] ||
		    atf_fail "install put nothing in place"
		mk PREFIX="${prefix}" \
		    uninstall
		atf_check -o empty find dest ! -type d
		atf_check -o empty find dest -name '*goproc*'
	done
	# Nothing to remove is not an error.
	mk PREFIX=/usr uninstall
}

atf_test_case systemd_verify
systemd_verify_head()
{
	atf_set "descr" "systemd-analyze verify accepts both installed units"
	atf_set "require.progs" "make systemd-analyze"
}
systemd_verify_body()
{
	mk PREFIX=/usr install
	dest=$(pwd)/dest
	mkdir system user xdg
	chmod 0700 xdg
	# The units as installed, but naming the daemon where it now is.
	sed "s|=/usr/sbin/goprocd|=${dest}/usr/sbin/goprocd|" \
	    dest/usr/lib/systemd/system/goprocd.service \
	    >system/goprocd.service
	sed "s|=/usr/sbin/goprocd|=${dest}/usr/sbin/goprocd|" \
	    dest/usr/lib/systemd/user/goprocd.service >user/goprocd.service
	grep -q "^ExecStart=${dest}/usr/sbin/goprocd " system/goprocd.service ||
	    atf_fail "the system unit has no ExecStart to rewrite"
	grep -q "^ExecStart=${dest}/usr/sbin/goprocd" user/goprocd.service ||
	    atf_fail "the user unit has no ExecStart to rewrite"

	# Documentation= is checked against the installed manual pages.
	if command -v man >/dev/null 2>&1; then
		man=yes
	else
		man=no
	fi
	export MANPATH="${dest}/usr/share/man"
	atf_check -s exit:0 -o ignore -e save:system.err \
	    systemd-analyze verify --man="${man}" system/goprocd.service
	atf_check -s exit:0 -o ignore -e save:user.err \
	    env XDG_RUNTIME_DIR="$(pwd)/xdg" \
	    systemd-analyze --user verify --man="${man}" user/goprocd.service
	# Warnings about the unit (an unknown key, a bad value) are no
	# failure to systemd-analyze; they are to this test.
	atf_check -s exit:1 grep goprocd system.err user.err

	# What the units promise.
	envline="Environment=GOPROC_RUNTIME_DIR=/run/goproc"
	envline="${envline} GOPROC_STATE_DIR=/var/lib/goproc"
	for l in Type=notify NotifyAccess=main RuntimeDirectory=goproc \
	    RuntimeDirectoryMode=0700 StateDirectory=goproc \
	    StateDirectoryMode=0700 Restart=on-failure \
	    'ExecReload=/bin/kill -HUP $MAINPID' ProtectSystem=strict \
	    ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes \
	    RestrictAddressFamilies=AF_UNIX "${envline}"; do
		grep -qxF "$l" system/goprocd.service ||
		    atf_fail "the system unit lacks ${l}"
	done
	atf_check -o match:'^CapabilityBoundingSet=.*CAP_KILL' \
	    grep '^CapabilityBoundingSet=' system/goprocd.service
	atf_check -o not-match:'CAP_SYS_PTRACE|CAP_SYS_ADMIN|CAP_DAC_' \
	    grep '^CapabilityBoundingSet=' system/goprocd.service
	for l in Type=notify Restart=on-failure \
	    'ExecReload=/bin/kill -HUP $MAINPID'; do
		grep -qxF "$l" user/goprocd.service ||
		    atf_fail "the user unit lacks ${l}"
	done
	atf_check -s exit:1 grep -E '^(RuntimeDirectory|User)=' \
	    user/goprocd.service
}

atf_test_case sysv_start_status_stop cleanup
sysv_start_status_stop_head()
{
	atf_set "descr" "the SysV init script starts, reports and stops goprocd"
}
sysv_start_status_stop_body()
{
	ensure_user
	private_env
	DAEMON=${GOPROCD}
	GOPROC_STATE_DIR=$(pwd)/state
	GOPROCD_DEFAULTS=/dev/null
	export DAEMON GOPROC_STATE_DIR GOPROCD_DEFAULTS
	init=${top}/etc/goprocd.init

	atf_check -s exit:3 -o inline:"goprocd is not running\n" -e empty \
	    sh "${init}" status
	atf_check -s exit:0 -o match:'goprocd' -e empty sh "${init}" start
	pid=$(cat run/goproc.pid)
	echo "${pid}" >>daemon.pids
	atf_check -o match:'^goprocd: parent' ps -o args= -p "${pid}"
	atf_check -s exit:0 -o inline:"pong\n" -e empty "${GOPROCCTL}" ping
	[ -f state/goproc.journal ] ||
	    atf_fail "the registry is not in GOPROC_STATE_DIR"

	atf_check -s exit:0 -o inline:"goprocd is running, pid ${pid}\n" \
	    -e empty sh "${init}" status
	# Starting a running daemon succeeds and leaves it alone.
	atf_check -s exit:0 -o match:"already running, pid ${pid}" -e empty \
	    sh "${init}" start
	atf_check -o inline:"${pid}" cat run/goproc.pid
	atf_check -s exit:0 -o ignore -e empty sh "${init}" force-reload
	atf_check -s exit:0 -o inline:"pong\n" -e empty "${GOPROCCTL}" ping
	atf_check -o inline:"${pid}" cat run/goproc.pid

	atf_check -s exit:0 -o match:'goprocd' -e empty sh "${init}" stop
	wait_gone "${pid}" || atf_fail "goprocd is still running after stop"
	[ -e run/goproc.pid ] && atf_fail "the pid file is left after stop"
	atf_check -s exit:3 -o inline:"goprocd is not running\n" -e empty \
	    sh "${init}" status
	atf_check -s exit:3 -o empty -e match:'daemon is not running' \
	    "${GOPROCCTL}" ping
	# Stopping a stopped daemon succeeds.
	atf_check -s exit:0 -o ignore -e empty sh "${init}" stop

	# A daemon that died leaves its pid file: status 1, and a new start
	# takes its place.
	atf_check -s exit:0 -o ignore -e empty sh "${init}" start
	pid=$(cat run/goproc.pid)
	echo "${pid}" >>daemon.pids
	kill -KILL "${pid}"
	wait_gone "${pid}" || atf_fail "goprocd survived SIGKILL"
	atf_check -s exit:1 -o match:'not running' -e empty sh "${init}" status
	atf_check -s exit:0 -o ignore -e empty sh "${init}" start
	pid=$(cat run/goproc.pid)
	echo "${pid}" >>daemon.pids
	atf_check -s exit:0 -o match:"is running, pid ${pid}" -e empty \
	    sh "${init}" status
	atf_check -s exit:0 -o ignore -e empty sh "${init}" restart
	npid=$(cat run/goproc.pid)
	echo "${npid}" >>daemon.pids
	[ "${npid}" != "${pid}" ] || atf_fail "restart kept pid ${pid}"
	atf_check -s exit:0 -o inline:"pong\n" -e empty "${GOPROCCTL}" ping
	atf_check -s exit:0 -o ignore -e empty sh "${init}" stop
	wait_gone "${npid}" || atf_fail "goprocd is still running after stop"

	atf_check -s exit:2 -o empty -e match:'^usage:' sh "${init}" bogus
	atf_check -s exit:5 -o ignore -e match:'not installed' \
	    env DAEMON=/nonexistent/goprocd sh "${init}" start
}
sysv_start_status_stop_cleanup()
{
	cleanup_all
}

atf_test_case completion_words cleanup
completion_words_head()
{
	atf_set "descr" "the bash completion offers commands, flags and" \
	    "the names, tags and groups of the running daemon"
	atf_set "require.progs" "bash"
}
completion_words_body()
{
	private_env
	cat >complete.bash <<EOF
. "${top}/etc/goprocctl.bash-completion"
# complete WORD...: complete the last word, print one candidate a line.
complete_words()
{
	COMP_WORDS=("${GOPROCCTL}" "\$@")
	COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1))
	COMP_LINE="\${COMP_WORDS[*]}"
	COMP_POINT=\${#COMP_LINE}
	COMPREPLY=()
	_goprocctl goprocctl "\${COMP_WORDS[COMP_CWORD]}" \\
	    "\${COMP_WORDS[COMP_CWORD - 1]}"
	((\${#COMPREPLY[@]} == 0)) || printf '%s\n' "\${COMPREPLY[@]}"
}
complete_words "\$@"
EOF
	atf_check -o inline:"kill\n" -e empty bash complete.bash ki
	atf_check -o inline:"--signal\n" -e empty bash complete.bash kill --si
	atf_check -o inline:"TERM\nTRAP\nTSTP\nTTIN\nTTOU\n" -e empty \
	    sh -c "bash complete.bash kill --signal T | sort"
	atf_check -o inline:"SIGKILL\n" -e empty \
	    bash complete.bash kill --signal SIGKI
	atf_check -o inline:"--tag\n--tag-all\n" -e empty \
	    bash complete.bash list --ta
	atf_check -o inline:"--alive\n--all\n" -e empty \
	    bash complete.bash rm --al
	atf_check -o inline:"--alive\n" -e empty bash complete.bash list --al
	atf_check -o inline:"--dry-run\n" -e empty bash complete.bash add --dr
	atf_check -o empty -e empty bash complete.bash run --mat
	atf_check -o empty -e empty bash complete.bash add --match sle ""
	atf_check -o inline:"root\n" -e empty bash complete.bash add --euid roo
	atf_check -o inline:"--wait\n" -e empty bash complete.bash kill --wa
	atf_check -o inline:"RESET\n" -e empty bash complete.bash reset \
	    --confirm ""

	# No daemon: nothing to offer, and quietly.
	atf_check -o empty -e empty bash complete.bash list --name ""

	start_daemon "${GOPROCD}" "${GOPROCCTL}"
	sleep 300 </dev/null >/dev/null 2>&1 &
	echo $! >>tracked.pids
	atf_check -o ignore "${GOPROCCTL}" add $! --name napper \
	    --tag 'night shift' --group sleepers
	sleep 300 </dev/null >/dev/null 2>&1 &
	echo $! >>tracked.pids
	atf_check -o ignore "${GOPROCCTL}" add $! --name nodder --tag nap

	atf_check -o inline:"napper\nnodder\n" -e empty \
	    bash complete.bash list --name ""
	atf_check -o inline:"napper\n" -e empty \
	    bash complete.bash kill --name nap
	atf_check -o inline:"napper\n" -e empty \
	    bash complete.bash kill --name = nap
	atf_check -o inline:"nap\nnight\\\\ shift\n" -e empty \
	    sh -c 'bash complete.bash rm --tag "" | sort'
	atf_check -o inline:"sleepers\n" -e empty \
	    bash complete.bash list --group ""
	atf_check -o inline:"sleepers\n" -e empty bash complete.bash group s
	atf_check -o inline:"1\n2\n" -e empty \
	    sh -c 'bash complete.bash kill --id "" | sort'
	# The daemon of another socket is asked when --socket says so.
	atf_check -o empty -e empty bash complete.bash \
	    --socket "$(pwd)/elsewhere.sock" list --name ""
	atf_check -o inline:"napper\nnodder\n" -e empty bash complete.bash \
	    --socket "$(pwd)/run/goproc.sock" list --name ""
}
completion_words_cleanup()
{
	cleanup_all
}

atf_init_test_cases()
{
	atf_add_test_case install_tree
	atf_add_test_case install_creates_user
	atf_add_test_case installed_binaries_run
	atf_add_test_case uninstall_removes
	atf_add_test_case systemd_verify
	atf_add_test_case sysv_start_status_stop
	atf_add_test_case completion_words
}

#! /usr/bin/env atf-sh
#
# goprocctl top against the real daemon, in a real terminal: tmux runs
# it in a pane of a private server, send-keys types, capture-pane shows
# what a person would see.

. "$(atf_get_srcdir)/common.sh"

top_case()
{
	atf_test_case "$1" cleanup
	eval "$1_head() { atf_set descr '$2';
	    atf_set require.progs 'tmux'; }"
	eval "$1_cleanup() { . \"\$(atf_get_srcdir)/common.sh\";
	    top_cleanup; gp_cleanup; }"
}

# The private tmux server: its socket under /tmp (a socket path is
# short), named in tmux.sock for the cleanup.
tm()
{
	tmux -S "$(cat tmux.sock)" "$@"
}

top_cleanup()
{
	[ -f tmux.sock ] || return 0
	tm kill-server 2>/dev/null
	rm -f "$(cat tmux.sock)"
	return 0
}

# top_shell [WIDTH HEIGHT [LOCALE]]: a pane running sh, the daemon's
# runtime directory in its environment.
top_shell()
{
	unset TMUX
	[ -f tmux.sock ] || mktemp -u /tmp/goproc-top.XXXXXX >tmux.sock
	tm -f /dev/null new-session -d -s top -x "${1:-100}" -y "${2:-30}" \
	    "env GOPROC_RUNTIME_DIR='${GOPROC_RUNTIME_DIR}' \
	    LC_ALL=${3:-C.UTF-8} PS1='$ ' sh" ||
	    atf_fail "tmux did not start"
	pane_has '^\$'
}

# top_run [ARGS]: goprocctl top ARGS in the pane's shell, which then
# says how it ended; waits until its header is there.
top_run()
{
	tm send-keys -t top "'${GOPROCCTL}' top $* ; echo top-exit=\$?" Enter
	pane_has '^up [0-9][0-9a-z]*  filter: '
}

# pane_has ERE [SECONDS]: wait up to SECONDS (5) until a line of the
# pane matches.
pane_has()
{
	_end=$(($(date +%s%N) / 1000000 + ${2:-5} * 1000))
	while ! tm capture-pane -p -t top | grep -Eq -- "$1"; do
		[ $(($(date +%s%N) / 1000000)) -lt ${_end} ] || {
			echo "--- the pane:" >&2
			tm capture-pane -p -t top >&2
			atf_fail "nothing matches '$1' on the screen"
		}
		sleep 0.05
	done
}

# pane_lacks ERE: wait up to 5 s until no line of the pane matches.
pane_lacks()
{
	_i=0
	while tm capture-pane -p -t top | grep -Eq -- "$1"; do
		[ $_i -lt 100 ] || {
			tm capture-pane -p -t top >&2
			atf_fail "the screen still shows '$1'"
		}
		sleep 0.05
		_i=$((_i + 1))
	done
}

# The screen line of a row, by the entry's name.
row_of()
{
	tm capture-pane -p -t top | grep -nE "^ +[0-9]+ +[0-9]+ $1 " |
	    head -n 1 | cut -d: -f1
}

keys()
{
	tm send-keys -t top "$@"
}

# The pid of top: the child of the pane's shell.
top_pid()
{
	gp_children "$(tm display-message -p -t top '#{pane_pid}')" |
	    head -n 1
}

# Three entries: zulu (tag web, group prod), alpha (tag db), mike.
three()
{
	gp_start
	pz=$(gp_spawn sleep 1000)
	"${GOPROCCTL}" add "${pz}" --name zulu --tag web --group prod \
	    >/dev/null || atf_fail "add zulu"
	pa=$(gp_spawn sleep 1001)
	"${GOPROCCTL}" add "${pa}" --name alpha --tag db >/dev/null ||
	    atf_fail "add alpha"
	pm=$(gp_spawn sleep 1002)
	"${GOPROCCTL}" add "${pm}" --name mike --tag web >/dev/null ||
	    atf_fail "add mike"
}

top_case rows "one row per entry, with the header and the keys"
rows_body()
{
	three
	top_shell
	top_run
	pane_has "^ +1 +${pz} zulu +S +.* web +prod +sleep 1000"
	pane_has "^ +2 +${pa} alpha +S "
	pane_has "^ +3 +${pm} mike "
	pane_has "^goprocd 0\\.1\\.0 .* entries 3  alive 3  dead 0 "
	pane_has "^ +ID +PID NAME +STATE +CPU% +RSS UPTIME +TAGS +GROUPS +CMD"
	pane_has "^q:quit .* \\?:help$"
	# An entry added now shows at once.
	p4=$(gp_spawn sleep 1003)
	"${GOPROCCTL}" add "${p4}" --name four >/dev/null
	pane_has "^ +4 +${p4} four " 1
	# And one removed goes.
	"${GOPROCCTL}" rm --name four >/dev/null
	pane_lacks " four "
}

top_case death "a process killed outside is shown dead within a second"
death_body()
{
	three
	top_shell
	top_run
	pane_has "^ +2 +${pa} alpha +S "
	kill -KILL "${pa}"
	pane_has "^ +2 +${pa} alpha +dead +- +- dead [0-9]+s " 1
	pane_has " entries 3  alive 2  dead 1 "
}

top_case sort "s changes the order of the rows, r reverses it"
sort_body()
{
	three
	top_shell
	top_run
	pane_has "^ +3 +${pm} mike "
	[ "$(row_of zulu)" -lt "$(row_of alpha)" ] ||
	    atf_fail "not in the order of ids"
	keys s
	pane_has "sort: name$"
	[ "$(row_of alpha)" -lt "$(row_of mike)" ] &&
	    [ "$(row_of mike)" -lt "$(row_of zulu)" ] ||
	    atf_fail "not in the order of names"
	keys r
	pane_has "sort: name, reversed$"
	[ "$(row_of zulu)" -lt "$(row_of mike)" ] &&
	    [ "$(row_of mike)" -lt "$(row_of alpha)" ] ||
	    atf_fail "not in the reverse order of names"
}

top_case filter "/ filters with the selectors of list; t picks a tag"
filter_body()
{
	three
	top_shell
	top_run
	pane_has "^ +3 +${pm} mike "
	keys / "tag:web alive" Enter
	pane_has "^up [0-9][0-9a-z]*  filter: tag:web alive  sort: id"
	pane_lacks " alpha "
	pane_has " zulu "
	pane_has " mike "
	pane_has " entries 2 \\(of 3\\) "
	keys / C-u "group:prod" Enter
	pane_lacks " mike "
	pane_has " zulu "
	# Plain words search the command line.
	keys / C-u "1001" Enter
	pane_has " alpha "
	pane_lacks " zulu "
	# A bad selector is refused; the filter stays.
	keys / C-u "pid:x" Enter
	pane_has "bad filter \"pid:x\""
	pane_has "^up [0-9][0-9a-z]*  filter: 1001 "
	# t lists the tags with their counts; Enter filters by one.
	keys t
	pane_has "^tags "
	pane_has "^ +1  db$"
	pane_has "^ +2  web$"
	keys j j Enter
	pane_has "^up [0-9][0-9a-z]*  filter: tag:web  "
	pane_has " mike "
	pane_lacks " alpha "
	keys / C-u Enter
	pane_has " alpha "
}

top_case detail "Enter shows every field and the whole command line"
detail_body()
{
	gp_start
	long="marker-$(printf '%0150d' 0)-END"
	p=$(gp_spawn sh -c 'sleep 1000; true' "${long}")
	"${GOPROCCTL}" add "${p}" --name long --tag t1 --tag t2 \
	    --group g1 >/dev/null || atf_fail "add"
	top_shell
	top_run
	pane_has "^ +1 +${p} long "
	pane_lacks "-END"
	keys Enter
	pane_has "^entry 1 "
	pane_has "^pid +${p} "
	pane_has "^name +long$"
	pane_has "^tags +t1,t2$"
	pane_has "^groups +g1$"
	pane_has "^owner uid +$(id -u)$"
	pane_has "^  sh -c sleep 1000; true marker-0+"
	pane_has "^  0+-END$"
	keys q
	pane_has "^up [0-9][0-9a-z]*  filter: "
	pane_has "^ +1 +${p} long "
}

top_case kill "K asks, naming the entry, then sends SIGTERM"
kill_body()
{
	three
	top_shell
	top_run
	pane_has "^ +3 +${pm} mike "
	keys j K
	pane_has "^Send SIGTERM to id 2 \\(alpha, pid ${pa}\\)\\? \\(y/n\\)"
	keys n
	pane_has "^kill cancelled"
	gp_alive "${pa}" || atf_fail "alpha was killed after n"
	keys K
	pane_has "^Send SIGTERM to id 2 \\(alpha, pid ${pa}\\)"
	keys y
	pane_has "^killed and removed id 2 \\(pid ${pa}\\)"
	gp_wait_gone "${pa}" || atf_fail "alpha is still there"
	pane_lacks " alpha "
	gp_alive "${pz}" && gp_alive "${pm}" || atf_fail "killed another"
}

top_case pause "Space holds the rows still until it is pressed again"
pause_body()
{
	three
	top_shell
	top_run
	pane_has "^ +3 +${pm} mike "
	keys Space
	pane_has "\\[paused\\]"
	kill -KILL "${pm}"
	sleep 1
	pane_has "^ +3 +${pm} mike +S "
	keys Space
	pane_has "^ +3 +${pm} mike +dead "
}

top_case resize "the screen follows the size of the terminal"
resize_body()
{
	three
	top_shell 100 30
	top_run
	pane_has "^ +3 +${pm} mike "
	# The command column takes what the others leave.
	pane_has "^ +3 +${pm} mike .* sleep 1002$"
	tm resize-window -t top -x 80 -y 24
	pane_has "^ +3 +${pm} mike .* sleep 100$"
	[ "$(tm capture-pane -p -t top | sed -n 24p | cut -c1-6)" = "q:quit" ] ||
	    atf_fail "the keys are not on the last line"
	tm resize-window -t top -x 132 -y 40
	pane_has "^ +ID +PID NAME {13}STATE "
	[ "$(tm capture-pane -p -t top | sed -n 40p | cut -c1-6)" = "q:quit" ] ||
	    atf_fail "the keys are not on the last line"
}

top_case quit "q, SIGTERM and SIGINT leave the terminal as it was"
quit_body()
{
	three
	top_shell
	tm send-keys -t top "echo before-top" Enter
	pane_has "^before-top$"
	top_run
	pane_lacks "^before-top$"
	keys q
	pane_has "^top-exit=0$"
	pane_has "^before-top$"
	pane_lacks "  filter: "

	tm send-keys -t top "clear" Enter
	top_run
	kill -TERM "$(top_pid)"
	pane_has "^top-exit=0$"
	pane_lacks "  filter: "

	tm send-keys -t top "clear" Enter
	top_run
	keys C-c
	pane_has "^top-exit=0$"
	pane_lacks "  filter: "
	# The terminal echoes and edits lines again.
	tm send-keys -t top "echo typed-back" Enter
	pane_has "^typed-back$"
}

top_case daemon_gone "the daemon going away ends top with a message, exit 1"
daemon_gone_body()
{
	three
	top_shell
	top_run
	pane_has "^ +3 +${pm} mike "
	gp_stop
	pane_has "^goprocctl: goprocd closed the connection"
	pane_has "^top-exit=1$"
	pane_lacks "  filter: "
}

top_case unsafe_text "control bytes and non-UTF-8 output stay harmless"
unsafe_text_body()
{
	gp_start
	p=$(gp_spawn sh -c 'sleep 1000; true' "$(printf 'h\303\251\033[31mred')")
	"${GOPROCCTL}" add "${p}" --name odd >/dev/null || atf_fail "add"
	top_shell 160 30 C.UTF-8
	top_run
	pane_has " odd .* true hé\\\\033\\[31mred$"
	keys q
	pane_has "^top-exit=0$"
	tm kill-server
	top_shell 160 30 C
	top_run
	pane_has " odd .* true h\\\\303\\\\251\\\\033\\[31mred"
}

top_case batch "-b prints -n plain frames and exits 0"
batch_body()
{
	three
	atf_check -o save:frames "${GOPROCCTL}" top -b -n 3 -d 0.2
	atf_check -o inline:"3\n" grep -c "^goprocd 0\\.1\\.0 " frames
	atf_check -o inline:"3\n" grep -c "^ +1 +${pz} zulu " -E frames
	atf_check -o inline:"3\n" grep -c "^ +3 +${pm} mike " -E frames
	atf_check -o inline:"3\n" grep -Ec "^up [0-9]+s  filter: none  sort: id$" frames
	atf_check -s exit:1 grep -q "$(printf '\033')" frames
	# A death shows in the next frame; -n 1 is one frame.
	kill -KILL "${pa}"
	gp_wait_dead 2
	atf_check -o match:"^ +2 +${pa} alpha +dead " "${GOPROCCTL}" top -b -n 1
	atf_check -o inline:"1\n" -x "'${GOPROCCTL}' top -b -n 1 | grep -c '^goprocd '"
}

top_case no_terminal "without a terminal and without -b, top refuses"
no_terminal_body()
{
	gp_start
	atf_check -s exit:1 \
	    -e inline:"goprocctl: top needs a terminal; use top -b for batch output\n" \
	    "${GOPROCCTL}" top
	atf_check -s exit:2 -e match:"invalid -d" "${GOPROCCTL}" top -b -d 0
	atf_check -s exit:2 -e match:"invalid -n" "${GOPROCCTL}" top -b -n x
}

atf_init_test_cases()
{
	atf_add_test_case rows
	atf_add_test_case death
	atf_add_test_case sort
	atf_add_test_case filter
	atf_add_test_case detail
	atf_add_test_case kill
	atf_add_test_case pause
	atf_add_test_case resize
	atf_add_test_case quit
	atf_add_test_case daemon_gone
	atf_add_test_case unsafe_text
	atf_add_test_case batch
	atf_add_test_case no_terminal
}

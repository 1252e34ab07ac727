#! /usr/bin/env atf-sh
#
# The manual pages: they lint clean, render, and document the options
# that goprocd and goprocctl accept, no fewer and no more.

PAGES="goprocd.8 goprocctl.1 goprocd.conf.5"

man_dir()
{
	echo "$(atf_get_srcdir)/../../man"
}

# The long flags (--xxx) in a text, one a line, sorted.
long_flags()
{
	grep -o -- '--[a-z][a-z0-9-]*' "$1" | sort -u
}

# The long flags a page documents as "Fl -xxx", one a line, sorted.
page_long_flags()
{
	grep -o 'Fl -[a-z][a-z0-9-]*' "$1" | sed 's/^Fl /-/' | sort -u
}

# Keep a test away from any daemon the user runs.
private_env()
{
	unset GOPROC_SOCKET GOPROC_STATE_DIR GOPROC_LIVENESS_INTERVAL \
	    GOPROC_LAST_SEEN_INTERVAL XDG_RUNTIME_DIR NOTIFY_SOCKET
	GOPROC_RUNTIME_DIR="$(pwd)/run"
	export GOPROC_RUNTIME_DIR
}

atf_test_case lint
lint_head()
{
	atf_set "descr" "mandoc -Tlint -Wwarning finds nothing in any page"
	atf_set "require.progs" "mandoc"
}
lint_body()
{
	dir=$(man_dir)
	for p in ${PAGES}; do
		[ -f "${dir}/$p" ] || atf_fail "missing page man/$p"
	done
	for page in "${dir}"/*.[1-9]; do
		atf_check -s exit:0 -o empty -e empty \
		    mandoc -Tlint -Wwarning "${page}"
	done
}

atf_test_case goprocctl_flags
goprocctl_flags_head()
{
	atf_set "descr" "goprocctl.1 documents exactly the long flags of" \
	    "goprocctl's usage"
}
goprocctl_flags_body()
{
	bin="$(atf_get_srcdir)/../../goprocctl/goprocctl"
	page="$(man_dir)/goprocctl.1"
	[ -x "${bin}" ] || atf_skip "goprocctl is not built"
	[ -f "${page}" ] || atf_fail "missing page man/goprocctl.1"
	private_env

	atf_check -s exit:0 -o save:usage -e empty "${bin}" --help
	long_flags usage >help.flags
	[ -s help.flags ] || atf_fail "goprocctl --help shows no long flags"

	# Every command the page lists ("It Cm add", or "It Xo" then
	# "Cm add"), for the usage it may print of its own.
	awk '/^\.It Xo$/ { xo = 1; next }
	    xo && /^\.Cm / { print $2 }
	    { xo = 0 }
	    /^\.It Cm / { print $3 }' "${page}" | sort -u >commands
	[ -s commands ] || atf_fail "goprocctl.1 lists no commands"
	while read -r cmd; do
		"${bin}" "${cmd}" --help >>usage 2>&1 </dev/null
	done <commands
	long_flags usage >usage.flags
	page_long_flags "${page}" >page.flags

	comm -23 help.flags page.flags >undocumented
	comm -13 usage.flags page.flags >unknown
	if [ -s undocumented ] || [ -s unknown ]; then
		[ -s undocumented ] && echo "in goprocctl --help, not in" \
		    "goprocctl.1:" $(cat undocumented) >&2
		[ -s unknown ] && echo "in goprocctl.1, not in any" \
		    "goprocctl usage:" $(cat unknown) >&2
		atf_fail "goprocctl.1 and goprocctl's usage disagree"
	fi
}

atf_test_case goprocd_flags
goprocd_flags_head()
{
	atf_set "descr" "goprocd.8's SYNOPSIS matches goprocd's usage, and" \
	    "goprocd accepts the long flags the page documents"
}
goprocd_flags_body()
{
	bin="$(atf_get_srcdir)/../../goprocd/goprocd"
	page="$(man_dir)/goprocd.8"
	[ -x "${bin}" ] || atf_skip "goprocd is not built"
	[ -f "${page}" ] || atf_fail "missing page man/goprocd.8"
	private_env

	atf_check -s exit:2 -o empty -e save:usage "${bin}" -h
	grep -q '^usage: goprocd ' usage || atf_fail "goprocd -h: no usage"

	# "[-dFnv] [-c file]" and ".Op Fl dFnv" ".Op Fl c Ar file" become
	# one line per flag: "F", "c file".
	grep -o '\[-[^]]*\]' usage | sed 's/^\[-//; s/\]$//' >usage.ops
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "${page}" |
	    sed -n 's/^\.Op Fl //p' | sed 's/ Ar / /g' >page.ops
	for f in usage page; do
		while read -r flags arg; do
			if [ -n "${arg}" ]; then
				echo "${flags} ${arg}"
			else
				echo "${flags}" | fold -w 1
			fi
		done <"$f.ops" | sort >"$f.flags"
	done
	[ -s usage.flags ] || atf_fail "no flags in goprocd's usage"
	if ! cmp -s usage.flags page.flags; then
		diff -u usage.flags page.flags >&2
		atf_fail "goprocd.8's SYNOPSIS and goprocd's usage disagree"
	fi

	# The usage shows no long flags: check that goprocd knows each one
	# the page documents.  -n stops goprocd before it starts anything.
	page_long_flags "${page}" >page.long
	[ -s page.long ] || atf_fail "goprocd.8 documents no long flags"
	while read -r flag; do
		"${bin}" -n "${flag}" >/dev/null 2>err </dev/null
		if grep -q "unrecognized option" err; then
			cat err >&2
			atf_fail "goprocd.8 documents ${flag}, goprocd refuses it"
		fi
	done <page.long
}

atf_test_case renders
renders_head()
{
	atf_set "descr" "mandoc renders each page with its title and NAME line"
	atf_set "require.progs" "mandoc"
}
renders_body()
{
	bs=$(printf '\b')
	for p in ${PAGES}; do
		page="$(man_dir)/$p"
		[ -f "${page}" ] || atf_fail "missing page man/$p"
		name=$(sed -n 's/^\.Nm //p' "${page}" | head -n 1)
		desc=$(sed -n 's/^\.Nd //p' "${page}")
		title=$(sed -n 's/^\.Dt \([^ ]*\) \([^ ]*\)$/\1(\2)/p' "${page}")
		[ -n "${name}" ] && [ -n "${desc}" ] && [ -n "${title}" ] ||
		    atf_fail "$p: no .Nm, .Nd or .Dt"

		atf_check -s exit:0 -o save:out -e empty mandoc -Tascii "${page}"
		sed "s/.${bs}//g" out >text
		head -n 1 text | grep -q "^${title} " ||
		    atf_fail "$p: the first line does not start with ${title}"
		grep -qx "     ${name} - ${desc}" text ||
		    atf_fail "$p: no NAME line \"${name} - ${desc}\""
	done
}

atf_test_case pages_and_readme
pages_and_readme_head()
{
	atf_set "descr" "goprocctl is a user command, goprocctl(1), with a" \
	    "COMPATIBILITY section; the README tour and the daemon pages" \
	    "say what holds"
}
pages_and_readme_body()
{
	dir=$(man_dir)
	readme="$(atf_get_srcdir)/../../README.md"
	atf_check -o inline:".Dt GOPROCCTL 1\n" grep '^\.Dt' "${dir}/goprocctl.1"
	atf_check -o inline:".Sh COMPATIBILITY\n" \
	    grep '^\.Sh COMPATIBILITY' "${dir}/goprocctl.1"
	[ -e "${dir}/goprocctl.8" ] && atf_fail "man/goprocctl.8 is still there"
	# rm --all alone, which goproc accepted, is a listed difference.
	sed -n '/^\.Sh COMPATIBILITY/,/^\.Sh /p' "${dir}/goprocctl.1" >compat
	atf_check -o ignore grep '^\.Cm rm Fl -all$' compat
	atf_check -s exit:1 grep -l 'Xr goprocctl 8' "${dir}"/*.[1-9]
	atf_check -s exit:1 grep -n 'not used yet' "${dir}/goprocd.conf.5"
	sed -n '/^\.Sh FILES/,/^\.Sh /p' "${dir}/goprocd.8" >files
	atf_check -o ignore grep '^\.It Pa empty/' files
	# Each file once.
	atf_check -o empty -e empty sh -c "grep '^\.It Pa' files | sort | uniq -d"
	# A process group is signalled member by member (SECURITY
	# CONSIDERATIONS), never with kill(-pgid).
	sed -n '/^\.Ss Liveness/,/^\.Ss /p' "${dir}/goprocd.8" >liveness
	atf_check -s exit:1 grep -A1 'process group, with$' liveness
	# The tour says where the programs are, and that make run keeps
	# the terminal.
	sed -n '/^## A short tour/,/^## /p' "${readme}" >tour
	atf_check -o ignore grep 'goprocctl/goprocctl' tour
	atf_check -o ignore grep 'make install' tour
	atf_check -o ignore grep 'make run. keeps the terminal' tour
}

atf_init_test_cases()
{
	atf_add_test_case pages_and_readme
	atf_add_test_case lint
	atf_add_test_case goprocctl_flags
	atf_add_test_case goprocd_flags
	atf_add_test_case renders
}

#! /usr/bin/env atf-sh
#
# Prometheus: goprocctl metrics and goprocd's metrics_textfile in the
# text exposition format, read by the real node_exporter and scraped by
# the real Prometheus (make deps installs both), all on 127.0.0.1 with
# free ports and the test's own directories.

. "$(atf_get_srcdir)/common.sh"

PROM=$(atf_get_srcdir)/prom.py
RULES=${top}/etc/prometheus/goproc.rules.yml

# start_textfile [INTERVAL]: goprocd writing tf/goproc.prom, sampling
# every INTERVAL (500ms).
start_textfile()
{
	mkdir -m 0755 tf
	printf '{"metrics_interval": "%s", "metrics_textfile": "%s"}\n' \
	    "${1:-500ms}" "$(pwd)/tf/goproc.prom" >goprocd.json
	gp_start -c "$(pwd)/goprocd.json"
	gp_wait_for -f tf/goproc.prom || atf_fail "no tf/goproc.prom"
}

# bg NAME CMD...: a server of the test, killed at cleanup.
bg()
{
	_name=$1
	shift
	"$@" >"${_name}.log" 2>&1 </dev/null &
	echo $! >>servers.pids
}

# wait_log REGEX: up to 5 s until goprocd.log has a line that matches.
wait_log()
{
	_i=0
	while ! grep -Eq -- "$1" goprocd.log; do
		[ ${_i} -lt 100 ] || return 1
		sleep 0.05
		_i=$((_i + 1))
	done
}

prom_cleanup()
{
	for p in $(cat servers.pids 2>/dev/null); do
		kill -TERM "$p" 2>/dev/null
	done
	sleep 0.3
	for p in $(cat servers.pids 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null
	done
	gp_cleanup
}

atf_test_case scraped cleanup
scraped_head()
{
	atf_set "descr" "node_exporter reads the textfile, Prometheus" \
	    "scrapes it: both entries alive, then the killed one dead," \
	    "and the shipped GoprocProcessDown alert fires for it"
	atf_set "require.progs" "prometheus prometheus-node-exporter python3"
	atf_set "timeout" "120"
}
scraped_body()
{
	start_textfile
	p1=$(gp_spawn sleep 300)
	p2=$(gp_spawn sleep 301)
	atf_check -o ignore "${GOPROCCTL}" add "${p1}" --name web
	atf_check -o ignore "${GOPROCCTL}" add "${p2}" --name db --tag db

	nport=$(python3 "${PROM}" port)
	pport=$(python3 "${PROM}" port)
	bg node_exporter prometheus-node-exporter \
	    --collector.disable-defaults --collector.textfile \
	    --collector.textfile.directory="$(pwd)/tf" \
	    --web.listen-address=127.0.0.1:"${nport}"
	cp "${RULES}" rules.yml
	cat >prometheus.yml <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - rules.yml
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:${nport}']
EOC
	bg prometheus prometheus --config.file="$(pwd)/prometheus.yml" \
	    --storage.tsdb.path="$(pwd)/tsdb" \
	    --web.listen-address=127.0.0.1:"${pport}"
	python3 "${PROM}" wait-http "http://127.0.0.1:${nport}/metrics" 20 ||
	    { cat node_exporter.log; atf_fail "node_exporter did not start"; }
	base=http://127.0.0.1:${pport}
	python3 "${PROM}" wait-http "${base}/-/ready" 30 ||
	    { cat prometheus.log; atf_fail "prometheus did not start"; }

	for n in web db; do
		atf_check python3 "${PROM}" query "${base}" \
		    "goproc_process_alive{name=\"${n}\"}" 1 30
	done
	atf_check python3 "${PROM}" query "${base}" \
	    'goproc_registry_entries{state="alive"}' 2 10
	atf_check python3 "${PROM}" query "${base}" \
	    'count(goproc_process_info{tags=",db,",pid="'"${p2}"'"})' 1 10
	atf_check python3 "${PROM}" query "${base}" \
	    'count(goproc_process_resident_memory_bytes > 0)' 2 20

	kill -KILL "${p2}"
	atf_check python3 "${PROM}" query "${base}" \
	    'goproc_process_alive{name="db"}' 0 20
	atf_check python3 "${PROM}" query "${base}" \
	    'goproc_process_alive{name="web"}' 1 5
	atf_check python3 "${PROM}" query "${base}" \
	    'count(ALERTS{alertname="GoprocProcessDown",name="db"})' 1 20
	atf_check python3 "${PROM}" query "${base}" \
	    'count(ALERTS{alertname="GoprocProcessDown"})' 1 5
}
scraped_cleanup()
{
	prom_cleanup
}

atf_test_case promtool_metrics cleanup
promtool_metrics_head()
{
	atf_set "descr" "goprocctl metrics passes promtool check metrics," \
	    "a hostile command line included, escaped and capped"
	atf_set "require.progs" "promtool python3"
}
promtool_metrics_body()
{
	printf '{"metrics_interval": "300ms"}\n' >goprocd.json
	gp_start -c "$(pwd)/goprocd.json"
	hostile=$(printf 'a"b\\c\nd\001e\377f\302\205g')
	long=$(python3 -c 'print("x" * 1000)')
	p1=$(gp_spawn python3 -c 'import time; time.sleep(300)' "${hostile}")
	p2=$(gp_spawn python3 -c 'import time; time.sleep(300)' "${long}")
	atf_check -o ignore "${GOPROCCTL}" add "${p1}" --name hostile \
	    --tag t1 --group g1 --group g2
	atf_check -o ignore "${GOPROCCTL}" add "${p2}"
	gp_poll '^goproc_process_threads\{id="2"' metrics ||
	    atf_fail "no sample of entry 2"

	"${GOPROCCTL}" metrics >m.prom || atf_fail "goprocctl metrics failed"
	atf_check -o ignore -e ignore promtool check metrics <m.prom
	# promtool prints lint problems, if any, and exits 0 with none.
	promtool check metrics <m.prom >lint.out 2>&1
	atf_check -o empty cat lint.out
	atf_check python3 "${PROM}" clean m.prom
	atf_check python3 "${PROM}" check m.prom
	atf_check -o match:'cmd="[^"]*time.sleep.300. a\\"b\\\\c\\nd\\\\x01e.f\\\\u0085g"' \
	    grep '^goproc_process_info{id="1"' m.prom
	atf_check -o match:'name="hostile",pid="[0-9]+",tags=",t1,",groups=",g1,g2,"' \
	    grep '^goproc_process_info{id="1"' m.prom
	# 256 bytes of the command line, then "...".
	atf_check -o inline:"259\n" python3 -c '
import re, sys
l = [x for x in open("m.prom") if x.startswith("goproc_process_info{id=\"2\"")]
print(len(re.search(r"cmd=\"([^\"]*)\"", l[0]).group(1)))'
	for m in goproc_up goproc_registry_entries goproc_process_alive \
	    goproc_process_info goproc_process_cpu_seconds_total \
	    goproc_process_resident_memory_bytes goproc_process_threads \
	    goproc_process_start_time_seconds; do
		atf_check -o match:"^# HELP $m " cat m.prom
		grep -q "^# TYPE $m " m.prom || atf_fail "no TYPE of $m"
	done
	atf_check -o inline:'goproc_registry_entries{state="alive"} 1\n' \
	    sh -c "'${GOPROCCTL}' metrics --name hostile | grep state=.alive"
	atf_check -s exit:2 -e match:'--json does not apply' \
	    "${GOPROCCTL}" --json metrics
}
promtool_metrics_cleanup()
{
	gp_cleanup
}

atf_test_case promtool_rules
promtool_rules_head()
{
	atf_set "descr" "the shipped rules and configuration pass promtool"
	atf_set "require.progs" "promtool"
}
promtool_rules_body()
{
	atf_check -o match:'SUCCESS: 3 rules found' promtool check rules \
	    "${RULES}"
	atf_check -o match:'SUCCESS' promtool check config \
	    "${top}/etc/prometheus/prometheus.yml"
}

atf_test_case never_partial cleanup
never_partial_head()
{
	atf_set "descr" "a reader never sees a partial textfile while" \
	    "goprocd rewrites it under a stream of adds and removals"
	atf_set "require.progs" "python3"
	atf_set "timeout" "120"
}
never_partial_body()
{
	start_textfile 100ms
	pids=
	i=0
	while [ $i -lt 30 ]; do
		pids="${pids} $(gp_spawn sleep 300)"
		i=$((i + 1))
	done
	python3 "${PROM}" reader tf/goproc.prom 8 >reads.out 2>reads.err &
	reader=$!
	for round in 1 2 3; do
		for p in ${pids}; do
			"${GOPROCCTL}" add "$p" --tag churn >/dev/null ||
			    atf_fail "add $p failed"
		done
		"${GOPROCCTL}" rm --tag churn --all >/dev/null ||
		    atf_fail "rm failed"
	done
	wait "${reader}" || { cat reads.err; atf_fail "a read was partial"; }
	atf_check -o match:'^[0-9]+$' cat reads.out
	[ "$(cat reads.out)" -gt 100 ] || atf_fail "only $(cat reads.out) reads"
	gp_stop
	atf_check -o inline:"goproc.prom\n" ls -A tf
}
never_partial_cleanup()
{
	gp_cleanup
}

atf_test_case full_disk cleanup
full_disk_head()
{
	atf_set "descr" "a full disk is logged, the old file stays, and the" \
	    "file is written again once there is room"
	atf_set "require.user" "root"
	atf_set "require.progs" "python3"
}
full_disk_body()
{
	mkdir -m 0755 tf
	mount -t tmpfs -o size=64k,mode=0755 tmpfs tf 2>/dev/null ||
	    atf_skip "cannot mount a tmpfs here"
	echo "$(pwd)/tf" >mounted
	printf '{"metrics_interval": "200ms", "metrics_textfile": "%s"}\n' \
	    "$(pwd)/tf/goproc.prom" >goprocd.json
	gp_start -c "$(pwd)/goprocd.json"
	gp_wait_for -f tf/goproc.prom || atf_fail "no tf/goproc.prom"
	dd if=/dev/zero of=tf/fill bs=4k >/dev/null 2>&1
	i=0
	while [ $i -lt 40 ]; do
		p=$(gp_spawn sleep 300)
		"${GOPROCCTL}" add "$p" --tag "t$i" >/dev/null
		i=$((i + 1))
	done
	wait_log 'cannot write .*goproc.prom, the old file stays' ||
	    { cat goprocd.log; atf_fail "no warning in the log"; }
	atf_check python3 "${PROM}" check tf/goproc.prom
	atf_check -o inline:'goproc_registry_entries{state="alive"} 0\n' \
	    grep 'state="alive"' tf/goproc.prom
	rm tf/fill
	wait_log 'goproc.prom written again' ||
	    { cat goprocd.log; atf_fail "not written again"; }
	atf_check -o inline:'goproc_registry_entries{state="alive"} 40\n' \
	    grep 'state="alive"' tf/goproc.prom
	gp_stop
	atf_check -o inline:"goproc.prom\n" ls -A tf
}
full_disk_cleanup()
{
	gp_cleanup
	[ -f mounted ] && umount "$(cat mounted)"
	return 0
}

atf_test_case bad_textfile cleanup
bad_textfile_head()
{
	atf_set "descr" "a bad metrics_textfile, in the file or the" \
	    "environment, or its directory, stops goprocd with a clear error"
}
bad_textfile_body()
{
	gp_env
	for v in relative/goproc.prom /tmp/goproc.txt /tmp/.prom \
	    /tmp/../goproc.prom '/tmp/a b.prom'; do
		printf '{"metrics_textfile": "%s"}\n' "$v" >bad.json
		atf_check -s exit:1 -e match:'key "metrics_textfile"' \
		    "${GOPROCD}" -n -c "$(pwd)/bad.json"
		atf_check -s exit:1 \
		    -e match:'environment GOPROC_METRICS_TEXTFILE' \
		    env GOPROC_METRICS_TEXTFILE="$v" "${GOPROCD}" -n
	done
	mkdir -m 0777 open
	atf_check -s exit:1 -e match:'metrics_textfile: .*must not be writable' \
	    env GOPROC_METRICS_TEXTFILE="$(pwd)/open/goproc.prom" \
	    "${GOPROCD}" -d
	mkdir -m 0755 real
	ln -s real link
	atf_check -s exit:1 -e match:'metrics_textfile: .*link' \
	    env GOPROC_METRICS_TEXTFILE="$(pwd)/link/goproc.prom" \
	    "${GOPROCD}" -d
}
bad_textfile_cleanup()
{
	gp_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case scraped
	atf_add_test_case promtool_metrics
	atf_add_test_case promtool_rules
	atf_add_test_case never_partial
	atf_add_test_case full_disk
	atf_add_test_case bad_textfile
}

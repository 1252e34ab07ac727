#!/usr/bin/env python3
# Helpers of prometheus_test.sh:
#   prom.py port                      a free TCP port on 127.0.0.1
#   prom.py wait-http URL SECONDS     until URL answers 200
#   prom.py query BASE EXPR WANT SECONDS
#       until Prometheus's /api/v1/query of EXPR returns one sample of
#       value WANT (as a number)
#   prom.py check FILE                the textfile is whole: it parses,
#       ends in a newline, and has one goproc_process_info and one
#       goproc_process_alive per entry that goproc_registry_entries counts
#   prom.py reader FILE SECONDS       read FILE in a loop, "check" each
#       read; prints the number of reads
#   prom.py clean FILE                no control byte but newline, UTF-8
import json
import re
import socket
import sys
import time
import urllib.parse
import urllib.request


def port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def wait_http(url, secs):
    end = time.time() + float(secs)
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return 0
        except Exception:
            pass
        time.sleep(0.2)
    print("no answer from %s within %ss" % (url, secs), file=sys.stderr)
    return 1


def query(base, expr, want, secs):
    end = time.time() + float(secs)
    last = None
    while time.time() < end:
        url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                doc = json.load(r)
            res = doc["data"]["result"]
            last = res
            if len(res) == 1 and float(res[0]["value"][1]) == float(want):
                return 0
        except Exception as e:
            last = e
        time.sleep(0.25)
    print("%s: not %s within %ss, last: %r" % (expr, want, secs, last),
          file=sys.stderr)
    return 1


SAMPLE = re.compile(r'^([a-z_]+)(\{.*\})? (\S+)$')


def check_text(text):
    if not text.endswith("\n"):
        return "does not end in a newline"
    counts = {}
    entries = 0
    for line in text.split("\n")[:-1]:
        if line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if m is None:
            return "bad line %r" % line
        float(m.group(3))
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
        if m.group(1) == "goproc_registry_entries":
            entries += int(m.group(3))
    if counts.get("goproc_up") != 1:
        return "no goproc_up"
    for name in ("goproc_process_info", "goproc_process_alive"):
        if counts.get(name, 0) != entries:
            return "%d %s for %d entries" % (counts.get(name, 0), name,
                                             entries)
    return None


def check(path):
    with open(path) as f:
        why = check_text(f.read())
    if why:
        print("%s: %s" % (path, why), file=sys.stderr)
        return 1
    return 0


def reader(path, secs):
    end = time.time() + float(secs)
    n = 0
    while time.time() < end:
        with open(path) as f:
            text = f.read()
        why = check_text(text)
        if why:
            print("read %d: %s" % (n, why), file=sys.stderr)
            return 1
        n += 1
    print(n)
    return 0


def clean(path):
    data = open(path, "rb").read()
    data.decode("utf-8")
    bad = [b for b in data if (b < 0x20 and b != 0x0a) or b == 0x7f]
    if bad:
        print("control bytes: %r" % bad, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    sys.exit({"port": port, "wait-http": wait_http, "query": query,
              "check": check, "reader": reader,
              "clean": clean}[cmd](*args) or 0)

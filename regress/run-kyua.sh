#!/bin/sh
#
# Run the test suite with kyua and print "N passed, M failed" as the last
# line.  Exits non-zero when a test failed or broke, or when none ran.

cd "$(dirname "$0")" || exit 1
results=${KYUA_RESULTS:-$(pwd)/../.kyua/results.db}
mkdir -p "$(dirname "$results")"
rm -f "$results"

# Under LeakSanitizer, ignore what libatf-c itself never frees.
export LSAN_OPTIONS="suppressions=$(pwd)/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

kyua test --results-file="$results" "$@"
kyua report --results-file="$results" \
    --results-filter=skipped,xfail,broken,failed
summary=$(kyua report --results-file="$results" --verbose |
    grep -E '^Test cases:' | tail -n 1)
# Test cases: T total, S skipped, X expected failures, B broken, F failed
set -- $(echo "$summary" | tr -cs '0-9' ' ')
total=${1:-0} skipped=${2:-0} xfail=${3:-0} broken=${4:-0} failed=${5:-0}
bad=$((broken + failed))
passed=$((total - skipped - xfail - bad))
# What the failed cases printed, so that a log alone tells why.
if [ "$bad" -gt 0 ]; then
	kyua report --results-file="$results" --verbose \
	    --results-filter=broken,failed |
	    sed -n '/^===> [a-z].*:/,/^===> [A-Z]/p' | head -n 400
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $bad failed, $skipped skipped"
else
	echo "$passed passed, $bad failed"
fi
[ "$bad" -eq 0 ] && [ "$total" -gt 0 ]

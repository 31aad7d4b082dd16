#!/usr/bin/env bash
# Runs the test command given as arguments, its output shown as it comes and kept in
# .build/test-output.log; when it fails, ends with a summary of what failed — the assertion
# messages (cut to 240 characters) and, last, one line per failed test — so that the tail of a CI
# log, often all that is kept of it, names the failing tests.
set -uo pipefail
log=.build/test-output.log
mkdir -p .build
"$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
    echo
    echo "== the test run failed (exit $status); its whole output: $log =="
    grep -E ': error: ' "$log" | sed 's#^.*/Tests/#Tests/#' | cut -c1-240 | tail -n 20
    echo "-- failed tests:"
    grep -oE "Test Case '[^']+' failed \([0-9.]+ seconds\)" "$log" | sed "s/^Test Case '//; s/' failed / /" | tail -n 20
fi
exit "$status"

#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time, starting from its committed seed corpus.
#   run-fuzzer.sh BINARY SEED_CORPUS WORK_DIR SECONDS RESULTS_FILE
# New inputs go to WORK_DIR (the committed corpus is only read). Any crash, leak, timeout or
# sanitizer report fails the run; its reproducer is kept in WORK_DIR/artifacts. One line per
# run (executions, seconds, outcome) is appended to RESULTS_FILE.
set -uo pipefail
binary=$1 seeds=$2 work=$3 seconds=$4 results=$5
name=$(basename "$binary")
mkdir -p "$work/corpus" "$work/artifacts"
log="$work/last-run.log"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" -dict="$(dirname "$0")/json.dict" \
    "$work/corpus" "$seeds" >"$log" 2>&1
status=$?

runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
time=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -Eo 'in [0-9]+' | grep -Eo '[0-9]+')
outcome=passed
[ $status -eq 0 ] || outcome="FAILED (exit $status; see $log)"
printf '%s: %s executions in %s s, corpus %s inputs, %s\n' "$name" "${runs:-?}" \
    "${time:-$seconds}" "$(ls "$work/corpus" | wc -l)" "$outcome" | tee -a "$results"
if [ $status -ne 0 ]; then
    tail -60 "$log"
    exit 1
fi

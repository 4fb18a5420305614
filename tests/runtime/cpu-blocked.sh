#!/bin/sh
# A thread that blocks every signal (as liblzma's workers do) is sampled
# like any other with perf_event_open: its function has its share of the
# samples, from the CPU time the workload reports for each thread.
. "$(dirname "$0")/rt-lib.sh"

KILN_CPUPROFILE="$TMP/cpu.pb.gz" preload -t "$(slow 60)" "$RT/sigwork" block 1 >"$TMP/out" ||
	fail "sigwork block failed"
check_valid_profile "$TMP/cpu.pb.gz"
grep -q '^Comment: kiln: CPU samples from perf_event_open' "$TMP/raw.txt" ||
	fail "not sampled with perf_event_open"
pprof_counts "$TMP/cpu.pb.gz" >"$TMP/counts"
cat "$TMP/out" "$TMP/counts" >&2
secs=$(awk '{ print $4 }' "$TMP/out")
got=$(cum_of blocked_work <"$TMP/counts")
main=$(cum_of main_work <"$TMP/counts")
# 100 Hz: a CPU second is 100 samples; at least 80% of them
awk -v g="$got" -v s="$secs" 'BEGIN { exit !(s > 0.5 && g >= 0.8 * s * 100 && g <= 1.2 * s * 100) }' ||
	fail "blocked_work has $got samples for $secs s of CPU"
in_range "$main" 80 120 || fail "main_work has $main samples, expected ~100"
echo "ok: blocked_work $got samples for $secs s, main_work $main"

#!/bin/sh
# CPU profile of two threads burning CPU in different functions: both hot
# functions are named, each with about the CPU time it used (1 s at 100 Hz
# is ~100 samples), and the profile has Go's CPU sample types.
. "$(dirname "$0")/rt-lib.sh"

KILN_CPUPROFILE="$TMP/cpu.pb.gz" preload "$RT/cpuwork" 1 || fail "cpuwork failed"
check_valid_profile "$TMP/cpu.pb.gz"
grep -q '^samples/count cpu/nanoseconds$' "$TMP/raw.txt" || fail "sample types"
grep -q '^PeriodType: cpu nanoseconds$' "$TMP/raw.txt" || fail "period type"
grep -q '^Period: 10000000$' "$TMP/raw.txt" || fail "period is not 10ms"
pprof_counts "$TMP/cpu.pb.gz" >"$TMP/counts"
cat "$TMP/counts" >&2
a=$(count_of hot_alpha <"$TMP/counts")
b=$(count_of hot_beta <"$TMP/counts")
in_range "$a" 60 140 || fail "hot_alpha has $a samples, expected ~100"
in_range "$b" 60 140 || fail "hot_beta has $b samples, expected ~100"
echo "ok: hot_alpha $a, hot_beta $b samples"
# the sampler the environment asked for
# (valgrind runs the program as translated code: libkiln samples with signals there)
if [ "${KILN_CPU_SIGNALS:-0}" = 1 ] || [ "${KILN_TEST_CHECKER:-}" = memcheck ]; then
	grep -q '^Comment: kiln: CPU samples from SIGPROF timers' "$TMP/raw.txt" || fail "not the fallback sampler"
else
	grep -q '^Comment: kiln: CPU samples from perf_event_open' "$TMP/raw.txt" || fail "not perf_event_open"
fi

#!/bin/sh
# Where perf_event_open is refused (a seccomp filter, as in containers;
# also as ENOSYS) CPU profiling falls back to SIGPROF timers: it says so
# once on stderr and in the profile's comments, and still profiles.
. "$(dirname "$0")/rt-lib.sh"
[ "$(uname -m)" = x86_64 ] || skip_lacks "x86_64 (the seccomp filter of tests/runtime/noperf.c)"

for how in EACCES ENOSYS; do
	arg=
	[ "$how" = ENOSYS ] && arg=-ENOSYS
	KILN_CPUPROFILE="$TMP/cpu.pb.gz" preload -t "$(slow 60)" "$RT/noperf" $arg "$RT/cpuwork" 1 \
		2>"$TMP/err" || { cat "$TMP/err" >&2; fail "cpuwork failed without perf_event_open ($how)"; }
	cat "$TMP/err" >&2
	n=$(grep -c '^kiln: CPU profiling with SIGPROF timers: perf_event_open is not usable here' "$TMP/err")
	[ "$n" -eq 1 ] || fail "the fallback was said $n times on stderr ($how), not once"
	check_valid_profile "$TMP/cpu.pb.gz"
	grep -q '^Comment: kiln: CPU samples from SIGPROF timers, 100 Hz (perf_event_open not used: .*perf_event_open' \
		"$TMP/raw.txt" || { grep Comment "$TMP/raw.txt" >&2; fail "no fallback comment ($how)"; }
	pprof_counts "$TMP/cpu.pb.gz" >"$TMP/counts"
	a=$(cum_of hot_alpha <"$TMP/counts")
	b=$(cum_of hot_beta <"$TMP/counts")
	in_range "$a" 60 140 || fail "hot_alpha has $a samples ($how), expected ~100"
	in_range "$b" 60 140 || fail "hot_beta has $b samples ($how), expected ~100"
done
echo "ok"

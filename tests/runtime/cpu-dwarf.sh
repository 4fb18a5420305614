#!/bin/sh
# KILN_CALL_GRAPH=dwarf: CPU call chains unwound by DWARF CFI from the
# user stack the kernel copies with each sample, so a program built
# without frame pointers (cpuwork-nofp) still shows who called the hot
# functions: run_alpha above hot_alpha, run_beta above hot_beta.
. "$(dirname "$0")/rt-lib.sh"

KILN_CALL_GRAPH=dwarf KILN_CPUPROFILE="$TMP/cpu.pb.gz" preload -t "$(slow 60)" "$RT/cpuwork-nofp" 1 ||
	fail "cpuwork-nofp failed"
check_valid_profile "$TMP/cpu.pb.gz"
grep -q '^Comment: kiln: CPU samples from perf_event_open: .*DWARF call chains' "$TMP/raw.txt" ||
	{ grep Comment "$TMP/raw.txt" >&2; fail "not DWARF call chains"; }
pprof_counts "$TMP/cpu.pb.gz" >"$TMP/counts"
cat "$TMP/counts" >&2
for f in alpha beta; do
	hot=$(cum_of "hot_$f" <"$TMP/counts")
	run=$(cum_of "run_$f" <"$TMP/counts")
	in_range "$hot" 60 140 || fail "hot_$f has $hot samples, expected ~100"
	awk -v r="$run" -v h="$hot" 'BEGIN { exit !(r >= 0.9 * h) }' ||
		fail "run_$f is above only $run of hot_$f's $hot samples"
done
echo "ok"

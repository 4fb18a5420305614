#!/bin/sh
# A program that sets its own SIGPROF handler mid-run, as sort does (its
# handler resets SIGPROF to SIG_DFL and raises it, so one SIGPROF kills
# it), runs to the end with libkiln: with perf_event_open sampling no
# signal reaches it and the profile has both phases; with signal timers
# (KILN_CPU_SIGNALS=1, and always under valgrind, where libkiln samples
# with signals) libkiln gives SIGPROF up first, and the profile says when
# it stopped and why.
. "$(dirname "$0")/rt-lib.sh"

for mode in perf signals; do
	sig=0
	[ "$mode" = signals ] && sig=1
	sampler=$mode
	[ "${KILN_TEST_CHECKER:-}" = memcheck ] && sampler=signals
	KILN_CPU_SIGNALS=$sig KILN_CPUPROFILE="$TMP/$mode.pb.gz" \
		preload -t "$(slow 60)" "$RT/sigwork" handler 0.5 >"$TMP/out" 2>"$TMP/err" ||
		{ cat "$TMP/err" >&2; fail "sigwork exited $? with $mode sampling"; }
	grep -qx done "$TMP/out" || fail "sigwork's output is missing ($mode)"
	if grep -q 'caught SIGPROF' "$TMP/err"; then fail "a SIGPROF reached the program ($mode)"; fi
	check_valid_profile "$TMP/$mode.pb.gz"
	pprof_counts "$TMP/$mode.pb.gz" >"$TMP/counts"
	before=$(cum_of work_before <"$TMP/counts")
	after=$(cum_of work_after <"$TMP/counts")
	echo "# $mode: work_before $before, work_after $after samples" >&2
	# 0.5 s of CPU at 100 Hz is ~50 samples
	in_range "$before" 30 70 || fail "work_before has $before samples ($mode), expected ~50"
	if [ "$sampler" = perf ]; then
		grep -q '^Comment: kiln: CPU samples from perf_event_open' "$TMP/raw.txt" ||
			fail "the perf profile does not say it came from perf_event_open"
		in_range "$after" 30 70 || fail "work_after has $after samples, expected ~50"
		if grep -q 'CPU profiling stopped' "$TMP/raw.txt"; then fail "perf sampling stopped"; fi
	else
		grep -q '^Comment: kiln: CPU samples from SIGPROF timers' "$TMP/raw.txt" ||
			fail "the fallback profile does not say it came from SIGPROF timers"
		grep -q '^Comment: CPU profiling stopped at [0-9]*\.[0-9]* s: the program set its own SIGPROF handler$' \
			"$TMP/raw.txt" || { grep Comment "$TMP/raw.txt" >&2; fail "no stop comment"; }
		[ "$after" -eq 0 ] || fail "work_after has $after samples after profiling stopped"
	fi
done
echo "ok"

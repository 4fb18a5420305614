#!/bin/sh
# Allocation failures inside libkiln never abort its host (SQLite's and
# curl's fault injection). KILN_TEST_FAIL_ALLOC=N fails the Nth allocation
# of the first writer call of the process (nomem.c); for N = 1, 2, ... until
# a run makes no failure, for each writer (kiln_heap_write, kiln_mutex_write,
# kiln_cpu_stop, a GET of /debug/pprof/heap and of /threads, a POST to
# /symbol, whose first writer call stores the body), nomemwork-api must exit 0 with
# its normal output, its first call returning KILN_ENOMEM with a message
# saying what was being done (HTTP: 503 or 500 with it) or succeeding, its
# second call working, with no temporary file left; every profile written
# opens in go tool pprof. The same with ",every" (all later allocations of
# the call fail too). Then LD_PRELOAD with KILN_HEAPPROFILE failing at exit:
# the program's own exit status and output, one line from libkiln.
# Argument: a mode to run alone (heap, mutex, cpu, http, http-threads,
# http-symbol, every, exit).
. "$(dirname "$0")/rt-lib.sh"

only=${1:-}
# Under memcheck every run takes a second or more: N is sampled, growing
# by half each step; leaks of the recovery paths are errors there.
# Under TSan runs are slow too (the thread dump waits for signals TSan
# delivers late): N is sampled there as well.
step() {
	if [ -n "$VALGRIND" ] || [ "${KILN_TEST_CHECKER:-}" = tsan ]; then echo $(($1 + 1 + $1 / 2));
	else echo $(($1 + 1)); fi
}
VG_LEAKS="--leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --suppressions=$KILN_SRC/tests/runtime/nomem.supp"
run_api() {
	if [ -n "$VALGRIND" ]; then
		# Under valgrind the CPU profiler samples with signals and says
		# so on stderr, which these runs must keep empty: ask for them.
		# shellcheck disable=SC2086
		KILN_CPU_SIGNALS=1 $VALGRIND $VG_LEAKS "$@"
	else
		run_linked "$@"
	fi
}
MAX_N=5000 # a writer call making more allocations than this is a failure

# check_run MODE SPEC: one run with KILN_TEST_FAIL_ALLOC=SPEC; sets $failed
# (the first call failed) and keeps the profiles written for pprof.
check_run() {
	mode=$1 spec=$2 dir="$TMP/run"
	rm -rf "$dir"
	mkdir -p "$dir"
	case $mode in
	http-threads) set -- http "$dir" /debug/pprof/threads ;;
	http-symbol) set -- http "$dir" symbol ;;
	*) set -- "$mode" "$dir" ;;
	esac
	KILN_TEST_FAIL_ALLOC=$spec run_api "$RT/nomemwork-api" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 0 ] || { cat "$TMP/out" "$TMP/err" >&2
		fail "$mode, failure at $spec: exit status $rc"; }
	[ -s "$TMP/err" ] && { cat "$TMP/err" >&2; fail "$mode, failure at $spec: stderr not empty"; }
	[ "$(tail -1 "$TMP/out")" = done ] || { cat "$TMP/out" >&2
		fail "$mode, failure at $spec: output does not end with done"; }
	c1=$(awk '$1 == "call1" { print $2 }' "$TMP/out")
	c2=$(awk '$1 == "call2" { print $2 }' "$TMP/out")
	case $mode in http*) ok=200 ;; *) ok=0 ;; esac
	case $c1 in
	"$ok") failed= ;;
	-12|503|500)
		grep -q '^call1 -12 out of memory .' "$TMP/out" ||
			grep -q '^bodyp1.pb.gz: out of memory .' "$TMP/out" || {
			cat "$TMP/out" >&2; fail "$mode, failure at $spec: no out-of-memory message"; }
		[ -e "$dir/p1.pb.gz" ] && [ "$ok" = 0 ] &&
			fail "$mode, failure at $spec: the failed call wrote its profile"
		failed=1 ;;
	*) cat "$TMP/out" >&2; fail "$mode, failure at $spec: first call returned '$c1'" ;;
	esac
	[ "$c2" = "$ok" ] || { cat "$TMP/out" >&2
		fail "$mode, failure at $spec: second call returned '$c2', not $ok"; }
	left=$(find "$dir" -name '*.tmp*' | head -1)
	[ -z "$left" ] || fail "$mode, failure at $spec: temporary $left left behind"
	[ -s "$dir/p2.pb.gz" ] || fail "$mode, failure at $spec: no second profile"
	if [ "$mode" = http-symbol ]; then
		# pprof's symbolizer protocol: "ADDRESS NAME" lines, not a profile
		grep -q '^0x[0-9a-f]* main$' "$dir/p2.pb.gz" ||
			{ cat "$dir/p2.pb.gz" >&2; fail "http-symbol, failure at $spec: main not named"; }
		return 0
	fi
	mv "$dir/p2.pb.gz" "$TMP/profiles/$mode-$spec.pb.gz"
	[ -z "$failed" ] && mv "$dir/p1.pb.gz" "$TMP/profiles/$mode-$spec-first.pb.gz"
	return 0
}

# All profiles of one writer in one pprof run (it merges them, reading
# each); one by one only to name the bad one.
check_profiles() {
	if ! pprof -raw "$TMP"/profiles/*.pb.gz >"$TMP/raw.txt" 2>"$TMP/raw.err" ||
	   [ -s "$TMP/raw.err" ]; then
		for f in "$TMP"/profiles/*.pb.gz; do check_valid_profile "$f"; done
		cat "$TMP/raw.err" >&2
		fail "go tool pprof does not read the $1 profiles cleanly"
	fi
	rm -f "$TMP"/profiles/*.pb.gz
}

for mode in heap mutex cpu http http-threads http-symbol; do
	[ -z "$only" ] || [ "$only" = "$mode" ] || continue
	mkdir -p "$TMP/profiles"
	n=1 runs=0
	while :; do
		check_run "$mode" "$n"
		runs=$((runs + 1))
		[ -n "$failed" ] || break
		n=$(step "$n")
		[ "$n" -le "$MAX_N" ] || fail "$mode: still failing at N=$n"
	done
	[ "$n" -gt 1 ] || fail "$mode: no allocation failed at N=1 (is injection working?)"
	[ "$mode" = http-symbol ] || check_profiles "$mode"
	echo "ok: $mode: $runs runs, the first call makes $((n - 1)) allocations or fewer"
done

if [ -z "$only" ] || [ "$only" = every ]; then
	mkdir -p "$TMP/profiles"
	for mode in heap mutex cpu http; do
		for n in 1 10; do
			check_run "$mode" "$n,every"
			[ -n "$failed" ] || fail "$mode: nothing failed with $n,every"
		done
		check_profiles "$mode"
	done
	echo "ok: every later allocation failing too"
fi

# LD_PRELOAD: the heap profile written at exit fails; the program keeps
# its exit status and output, libkiln says so once, no file is left.
if [ -z "$only" ] || [ "$only" = exit ]; then
	for n in 1 2 10 40; do
		dir="$TMP/exit-$n"
		mkdir -p "$dir"
		KILN_HEAPPROFILE="$dir/h.pb.gz" KILN_HEAP_RATE=4096 KILN_TEST_FAIL_ALLOC=$n \
			preload "$RT/nomemwork" 3 >"$TMP/out" 2>"$TMP/err"
		rc=$?
		[ "$rc" -eq 3 ] || { cat "$TMP/err" >&2; fail "exit, failure at $n: status $rc, not 3"; }
		[ "$(cat "$TMP/out")" = done ] || fail "exit, failure at $n: output changed"
		[ "$(grep -c . "$TMP/err")" -eq 1 ] &&
			grep -q '^kiln: KILN_HEAPPROFILE: writing the profile: out of memory .' "$TMP/err" ||
			{ cat "$TMP/err" >&2; fail "exit, failure at $n: not one line saying the profile could not be written"; }
		[ -z "$(ls -A "$dir")" ] || { ls -l "$dir" >&2; fail "exit, failure at $n: files left behind"; }
	done
	echo "ok: a failed write at exit keeps the program's exit status"
fi

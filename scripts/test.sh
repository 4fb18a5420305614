#!/usr/bin/env bash
# Sets up and runs kiln's whole test suite (`.ci/run` runs exactly this):
#   test   gcc with warnings as errors, every test
#   asan   gcc with AddressSanitizer + UndefinedBehaviorSanitizer, every test
#          but libkiln's (ASan interposes malloc as libkiln does)
#   ubsan  gcc with UndefinedBehaviorSanitizer alone: libkiln's tests, and
#          again under valgrind memcheck
#   tsan   gcc with ThreadSanitizer: libkiln's tests (its CPU profiler, writer
#          and HTTP threads); gcc's TSan runtime is a shared library that a
#          preloaded libkiln can stand in front of, clang's is linked in
#   fuzz   clang with libFuzzer and warnings as errors: every fuzz target
#          for fuzz_seconds (60) each,
#          from the committed seeds, and every saved crasher replayed
# Usage: scripts/test.sh [BUILD...]   (default: all of them, in that order)
#
# Each build's old test log is removed first, a folder configured with other
# options is configured again (scripts/build.sh), every skipped test is
# listed with its reason, and a build that ran no test fails. Under CI=true
# a skip counts as a failure unless the machine lacks what the test needs
# (hardware PMU counters, kprobes): setup.sh installs everything else.
# Prints "N passed, N failed, N skipped" last; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

strict=()
[ "${CI:-}" = true ] && strict=(--strict)
# A sanitizer report stops the test and fails it, with a stack.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

passed=0 failed=0 skipped=0
report=()

# run_suite LABEL DIR "CC CXX" "meson test args" [meson setup options...]
run_suite() {
	local label=$1 dir=$2 compilers=$3 test_args=$4
	shift 4
	local cc cxx start=$SECONDS
	read -r cc cxx <<<"$compilers"
	echo "== $label: building $dir ($cc${*:+, $*})"
	rm -f "$dir/meson-logs/testlog.json"
	if ! CC=$cc CXX=$cxx bash scripts/build.sh "$dir" "$@"; then
		failed=$((failed + 1))
		report+=("  FAIL $label: the build failed")
		return
	fi
	echo "== $label: meson test $test_args"
	# shellcheck disable=SC2086 # test_args is a word list
	meson test -C "$dir" --print-errorlogs $test_args >"$dir.test.log" 2>&1
	grep -E '^ *[0-9]+/[0-9]+ ' "$dir.test.log" | grep -vE ' (OK|EXPECTEDFAIL) ' || true
	local out p f s
	out=$(python3 scripts/testlog.py "$label" "$dir/meson-logs/testlog.json" "${strict[@]}")
	read -r p f s <<<"$(tail -1 <<<"$out")"
	while IFS= read -r line; do report+=("$line"); done < <(sed '$d' <<<"$out")
	if [ "$f" -gt 0 ]; then
		echo "== $label: what the failed tests printed (last 200 lines):"
		grep -vE '^ *[0-9]+/[0-9]+ .* (OK|SKIP) ' "$dir.test.log" | tail -200
	fi
	echo "== $label: $p passed, $f failed, $s skipped in $((SECONDS - start)) s (log: $dir.test.log)"
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

builds=("$@")
[ ${#builds[@]} -gt 0 ] || builds=(test asan ubsan tsan fuzz)
for b in "${builds[@]}"; do
	case $b in
	test)  run_suite test build-test "gcc g++" "--num-processes 2" -Dwerror=true ;;
	asan)  run_suite asan build-asan "gcc g++" "--num-processes 2" \
		-Db_sanitize=address,undefined -Db_lundef=false ;;
	ubsan) run_suite ubsan build-ubsan "gcc g++" "--num-processes 2 --suite runtime" \
		-Db_sanitize=undefined -Db_lundef=false ;;
	tsan)  run_suite tsan build-tsan "gcc g++" "--num-processes 2 --suite runtime" \
		-Db_sanitize=thread -Db_lundef=false ;;
	fuzz)  run_suite fuzz build-fuzz "clang clang++" "--num-processes 2 --suite fuzz" \
		-Dfuzz=true -Dwerror=true ;;
	*) echo "test.sh: unknown build '$b' (test, asan, ubsan, tsan, fuzz)" >&2; exit 2 ;;
	esac
done

echo
echo "== skipped and failed tests:"
if [ ${#report[@]} -eq 0 ]; then echo "  none"; else printf '%s\n' "${report[@]}"; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/bin/sh
# Runs a libFuzzer target as a meson test (suite fuzz, tests/fuzz/meson.build),
# in one of two ways:
#
#   run-fuzzer.sh fuzz FUZZER TARGET SECONDS WORKDIR SRCDIR [EXTRA_SEED...]
#     Fuzzes for SECONDS, starting from SRCDIR/seeds/TARGET (and the extra
#     seed files, e.g. binaries built by other tests). The corpus it grows is
#     kept in WORKDIR/corpus-TARGET (the build folder), so later runs start
#     where this one stopped. A crash, sanitizer report, leak or timeout
#     fails the test and leaves the input in WORKDIR/crashes-TARGET/, with a
#     hint to save it in SRCDIR/crashers/TARGET/ as a regression test.
#
#   run-fuzzer.sh replay FUZZER TARGET WORKDIR DIR...
#     Runs every file of the DIRs once (libFuzzer runs file arguments once
#     each, without fuzzing): the saved crashers and the seeds.
set -eu

# Per-input limits: a timeout or a memory blow-up is a finding too.
limits="-timeout=10 -rss_limit_mb=2048"
# Leaks inside libraries kiln uses, not kiln's (see the file).
export LSAN_OPTIONS="suppressions=$(dirname "$0")/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

mode=$1
fuzzer=$2
target=$3
shift 3

case $mode in
fuzz)
	seconds=$1
	work=$2
	src=$3
	shift 3
	corpus=$work/corpus-$target
	crashes=$work/crashes-$target
	extra=$work/extra-seeds-$target
	mkdir -p "$corpus" "$crashes" "$extra"
	# libFuzzer takes folders as corpora; seed files built elsewhere are
	# copied into one.
	for seed in "$@"; do
		cp -f "$seed" "$extra/$(basename "$seed")"
	done
	dict=
	[ -f "$src/dicts/$target.dict" ] && dict="-dict=$src/dicts/$target.dict"
	before=$(ls "$crashes" | wc -l)
	status=0
	# shellcheck disable=SC2086
	"$fuzzer" -max_total_time="$seconds" $limits $dict -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$corpus" "$src/seeds/$target" "$extra" || status=$?
	if [ "$status" -ne 0 ]; then
		echo >&2
		echo "fuzz-$target found a problem (exit $status); its input is in $crashes/:" >&2
		ls -t "$crashes" | head -n $(( $(ls "$crashes" | wc -l) - before )) | \
			sed "s|^|  $crashes/|" >&2
		echo "Minimize it:  $fuzzer -minimize_crash=1 -runs=100000 FILE" >&2
		echo "then save the result as $src/crashers/$target/<what-it-is>: every" >&2
		echo "build replays that folder (tests fuzz-$target-replay, replay-$target)." >&2
	fi
	exit "$status"
	;;
replay)
	work=$1
	shift
	crashes=$work/replay-crashes-$target
	mkdir -p "$crashes"
	files=
	n=0
	for dir in "$@"; do
		[ -d "$dir" ] || { echo "no folder $dir" >&2; exit 1; }
		for f in "$dir"/*; do
			[ -f "$f" ] || continue
			files="$files $f"
			n=$((n + 1))
		done
	done
	if [ "$n" -eq 0 ]; then
		# Without file arguments libFuzzer would start fuzzing instead.
		echo "fuzz-$target-replay: nothing to replay in $*" >&2
		exit 1
	fi
	echo "fuzz-$target-replay: $n inputs"
	# shellcheck disable=SC2086
	exec "$fuzzer" $limits -artifact_prefix="$crashes/" $files
	;;
*)
	echo "usage: run-fuzzer.sh fuzz|replay ..." >&2
	exit 2
	;;
esac

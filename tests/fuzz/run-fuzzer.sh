#!/bin/sh
# Runs a libFuzzer target for a few seconds over a corpus kept in the build
# folder, seeded with the given files; crashes are written beside the
# corpus. Used by meson test --suite fuzz (tests/fuzz/meson.build).
#   run-fuzzer.sh FUZZER SECONDS CORPUS_DIR [SEED...]
set -eu
fuzzer=$1
seconds=$2
corpus=$3
shift 3
mkdir -p "$corpus"
for seed in "$@"; do
	cp -f "$seed" "$corpus/seed-$(basename "$seed")"
done
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$(dirname "$corpus")/" "$corpus"

#!/usr/bin/env bash
# Configures and builds kiln in the folder given (default: build).
# Usage: [CC=.. CXX=..] scripts/build.sh [BUILD_DIR] [meson setup options...]
#
# A folder is reused only when it was configured with the same options and
# compilers; otherwise it is wiped and configured again, so a folder left by
# another configuration can never be built or tested as if it were this one.
# Meson's and ninja's output goes to BUILD_DIR.log and is shown on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true

want=$(printf '%s\n' "CC=${CC:-}" "CXX=${CXX:-}" "$@")
log="$dir.log"
if [ ! -f "$dir/build.ninja" ] || [ "$(cat "$dir/.kiln-config" 2>/dev/null)" != "$want" ]; then
	[ -d "$dir" ] && echo "build: $dir was configured differently; configuring it again" >&2
	rm -rf "$dir"
	if ! meson setup "$dir" "$@" >"$log" 2>&1; then
		tail -40 "$log" >&2
		echo "build: meson setup $dir $* failed (whole log: $log)" >&2
		exit 1
	fi
	printf '%s\n' "$want" >"$dir/.kiln-config"
fi
if ! ninja -C "$dir" >"$log" 2>&1; then
	grep -B2 -A12 -m5 'error' "$log" >&2 || tail -40 "$log" >&2
	echo "build: ninja -C $dir failed (whole log: $log)" >&2
	exit 1
fi

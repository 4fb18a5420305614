#!/usr/bin/env bash
# Sets up and runs kiln's whole test suite: a normal build, then the same
# suite built with AddressSanitizer and UndefinedBehaviorSanitizer. Prints
# "N passed, N failed[, N skipped]" last; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

passed=0 failed=0 skipped=0
run_suite() { # build-dir, meson setup options...
	local dir=$1; shift
	bash scripts/build.sh "$dir" "$@" || { failed=$((failed + 1)); return; }
	meson test -C "$dir" --print-errorlogs --num-processes 2 || true
	local counts
	counts=$(python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line).get("result", "")
    if r in ("OK", "EXPECTEDFAIL"): p += 1
    elif r == "SKIP": s += 1
    else: f += 1
print(p, f, s)
PY
	) || counts="0 1 0"
	read -r p f s <<<"$counts"
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

run_suite build-test
run_suite build-asan -Db_sanitize=address,undefined -Db_lundef=false

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

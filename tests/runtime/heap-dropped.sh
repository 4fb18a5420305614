#!/bin/sh
# When a hook finds no memory for a new stack bucket it drops the sample
# and counts it: the profile says how many, in a comment, instead of the
# host dying or the loss going unseen. KILN_TEST_BUCKET_LIMIT makes the
# tables refuse to grow past two buckets, as if out of memory.
. "$(dirname "$0")/rt-lib.sh"

KILN_TEST_BUCKET_LIMIT=2 run_linked "$RT/heapwork-api" 1 "$TMP/h.pb.gz" >"$TMP/out" 2>"$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "heapwork-api failed with a bucket limit"; }
check_valid_profile "$TMP/h.pb.gz"
[ ! -s "$TMP/raw.err" ] || { cat "$TMP/raw.err" >&2; fail "go tool pprof warns about the profile"; }
n=$(sed -n 's/^Comment: \([0-9]*\) samples dropped: out of memory$/\1/p' "$TMP/raw.txt")
[ -n "$n" ] || { grep '^Comment' "$TMP/raw.txt" >&2; fail "no comment counts the dropped samples"; }
# heapwork's three sites make 16384 + 262144 + 10 allocations at rate 1:
# with two buckets at most, at least one site's samples were dropped.
[ "$n" -ge 10 ] || fail "only $n samples counted as dropped"
stacks=$(awk '/^Samples:/ { s = 1; next } /^Locations/ { s = 0 } s && /^ *-?[0-9]+ .*:/' "$TMP/raw.txt" | wc -l)
[ "$stacks" -le 2 ] || fail "$stacks samples in a profile limited to two buckets"
# Without the limit, nothing is dropped and no comment says so.
run_linked "$RT/heapwork-api" 1 "$TMP/full.pb.gz" >/dev/null 2>&1 || fail "heapwork-api failed"
pprof -raw "$TMP/full.pb.gz" 2>/dev/null | grep -q 'samples dropped' && fail "samples dropped without a limit"
echo "ok: $n samples dropped and counted"

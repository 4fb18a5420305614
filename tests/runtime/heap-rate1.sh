#!/bin/sh
# At rate 1 every allocation is recorded, so the profile is exact: the
# counts and bytes of each heapwork site, through the kiln_heap_start and
# kiln_heap_write calls of a program linked with libkiln.
. "$(dirname "$0")/rt-lib.sh"

run_linked "$RT/heapwork-api" 1 "$TMP/h.pb.gz" || fail "heapwork-api failed"
check_valid_profile "$TMP/h.pb.gz"
grep -q '^Period: 1$' "$TMP/raw.txt" || fail "period is not 1"
site_values "$TMP/h.pb.gz" >"$TMP/v.txt"
cat "$TMP/v.txt" >&2
expect() {
	got=$(value "$1" "$2" <"$TMP/v.txt")
	[ "$got" = "$3" ] || fail "$1 column $2 is $got, expected $3"
}
# columns: alloc_objects alloc_space inuse_objects inuse_space
expect keep_blocks 1 16384;  expect keep_blocks 2 67108864
expect keep_blocks 3 16384;  expect keep_blocks 4 67108864
expect churn_blocks 1 262144; expect churn_blocks 2 268435456
expect churn_blocks 3 0;     expect churn_blocks 4 0
expect leak_blocks 1 10;     expect leak_blocks 2 10485760
expect leak_blocks 3 10;     expect leak_blocks 4 10485760
echo "ok: exact counts at rate 1"

#!/bin/sh
# gperftools-style snapshots: KILN_HEAP_INTERVAL writes a numbered profile
# each time that many bytes have been allocated; the final profile is still
# written at exit.
. "$(dirname "$0")/rt-lib.sh"

KILN_HEAPPROFILE="$TMP/h.pb.gz" KILN_HEAP_INTERVAL=$((64 * 1048576)) \
	preload "$RT/heapwork" || fail "heapwork failed"
check_valid_profile "$TMP/h.pb.gz"
ls "$TMP" >&2
[ -s "$TMP/h.0001.pb.gz" ] || fail "no first snapshot h.0001.pb.gz"
[ -s "$TMP/h.0003.pb.gz" ] || fail "expected at least 3 snapshots for 330 MiB at 64 MiB"
check_valid_profile "$TMP/h.0001.pb.gz"
echo "ok: snapshots written"

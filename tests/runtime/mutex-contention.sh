#!/bin/sh
# Contention profile: four threads wait for a mutex held 2 ms at a time;
# the waiting site (wait_for_lock) comes first by delay, with Go's mutex
# profile types.
. "$(dirname "$0")/rt-lib.sh"

KILN_MUTEXPROFILE="$TMP/m.pb.gz" preload "$RT/mutexwork" >/dev/null || fail "mutexwork failed"
check_valid_profile "$TMP/m.pb.gz"
grep -q '^contentions/count delay/nanoseconds$' "$TMP/raw.txt" || fail "sample types"
pprof -top -sample_index=delay "$TMP/m.pb.gz" >"$TMP/top" 2>&1 || fail "pprof -top"
cat "$TMP/top" >&2
first=$(awk 'f && NF >= 6 { print $6; exit } /flat%/ { f = 1 }' "$TMP/top")
[ "$first" = wait_for_lock ] || fail "first by delay is $first, not wait_for_lock"
# 200 holds of 2 ms: the waiters' total delay is at least a few hundred ms
delay=$(site_values "$TMP/m.pb.gz" | value wait_for_lock 2)
[ "$delay" -gt 200000000 ] || fail "wait_for_lock delay $delay ns is too small"
echo "ok: wait_for_lock first, $delay ns"

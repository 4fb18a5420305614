#!/usr/bin/env bash
# Attaching to a running process (-p) and recording the whole system (-a).
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go

"$(workload threads)" 4 &
wpid=$!
sleep 0.3
out="$TMP/p.pb.gz"
kiln_record -g -p "$wpid" --duration 1 -o "$out" || fail "record -p"
pprof_counts "$out" > "$TMP/c"
[ "$(cum_of thread_one_work < "$TMP/c")" -gt 100 ] || fail "-p: thread_one_work missing"
[ "$(cum_of thread_two_work < "$TMP/c")" -gt 100 ] || fail "-p: thread_two_work missing"

out="$TMP/a.pb.gz"
kiln_record -g -a --duration 1 -o "$out" || fail "record -a"
pprof_counts "$out" > "$TMP/c"
[ "$(cum_of thread_one_work < "$TMP/c")" -gt 100 ] || fail "-a: thread_one_work missing"
check_valid_profile "$out"
kill $wpid 2>/dev/null; wait $wpid 2>/dev/null
echo ok

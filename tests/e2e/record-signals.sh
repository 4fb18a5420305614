#!/usr/bin/env bash
# Nothing lost: SIGINT mid-run writes a valid profile; SIGKILL of kiln after
# two checkpoints leaves the last checkpoint, valid, with the early samples.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go

out="$TMP/int.pb.gz"
"$KILN" record -q -o "$out" -- "$(workload cpu-split)" 30 &
kpid=$!
sleep 1.5
kill -INT $kpid
wait $kpid; rc=$?
[ -s "$out" ] || fail "no profile after SIGINT (exit $rc)"
check_valid_profile "$out"
n=$(pprof_counts "$out" | count_of hot_a)
[ "$n" -gt 200 ] || fail "SIGINT profile has only $n hot_a samples"

out="$TMP/kill.pb.gz"
"$KILN" record -q --checkpoint 1 -o "$out" -- "$(workload cpu-split)" 30 &
kpid=$!
sleep 2.6
kill -KILL $kpid
wait $kpid 2>/dev/null
pkill -KILL -f "$(workload cpu-split) 30" || true
[ -s "$out" ] || fail "no checkpoint file after SIGKILL"
check_valid_profile "$out"
n=$(pprof_counts "$out" | count_of hot_a)
# Two checkpoints of ~1 s at 999 Hz: hot_a alone has ~600 per second.
[ "$n" -gt 500 ] || fail "checkpoint has only $n hot_a samples"
ls "$TMP" | grep -q '\.tmp\.' && fail "temporary file left behind"
echo ok

#!/usr/bin/env bash
# Nothing lost: SIGINT mid-run writes a valid profile; SIGKILL of kiln after
# two checkpoints leaves the last checkpoint, valid, with the early samples.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go

out="$TMP/int.pb.gz"
"$KILN" record -q -o "$out" -- "$(workload cpu-split)" 30 &
kpid=$!
at_exit "kill -KILL $kpid 2>/dev/null; pkill -KILL -f '$(workload cpu-split) 30'"
sleep 1.5
kill -INT $kpid
wait $kpid; rc=$?
[ -s "$out" ] || fail "no profile after SIGINT (exit $rc)"
check_valid_profile "$out"
n=$(pprof_counts "$out" | cum_of hot_a)
[ "$n" -gt 30 ] || fail "SIGINT profile has only $n hot_a samples"

out="$TMP/kill.pb.gz"
"$KILN" record -q --checkpoint 1 -o "$out" -- "$(workload cpu-split)" 30 &
kpid=$!
sleep 2.6
kill -KILL $kpid
wait $kpid 2>/dev/null
pkill -KILL -f "$(workload cpu-split) 30" || true
[ -s "$out" ] || fail "no checkpoint file after SIGKILL"
check_valid_profile "$out"
n=$(pprof_counts "$out" | cum_of hot_a)
[ "$n" -gt 30 ] || fail "checkpoint has only $n hot_a samples"
# The file is the second checkpoint (or later): it covers >= 2 s.
d=$(awk '/^Duration:/ { print $2 }' "$TMP/raw.txt")
in_range "$d" 1.9 3 || fail "checkpoint covers $d s, expected the first two intervals"
ls "$TMP" | grep -q '\.tmp\.' && fail "temporary file left behind"
echo ok

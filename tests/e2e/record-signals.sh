#!/usr/bin/env bash
# Nothing lost: SIGINT mid-run writes a valid profile; SIGKILL of kiln after
# two checkpoints leaves the last checkpoint, valid, with the early samples.
# Signals wait for kiln's events to be open and for the checkpoints to be
# written, not for guessed start-up times, so a loaded machine gives the
# same result.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go

wl=$(workload cpu-split)
out="$TMP/int.pb.gz"
"$KILN" record -q -o "$out" -- "$wl" 30 &
kpid=$!
at_exit "kill -KILL $kpid 2>/dev/null; pkill -KILL -f '$wl 30'"
wait_perf_fds $kpid || fail "kiln record never opened its events"
sleep 1.5
kill -INT $kpid
wait $kpid; rc=$?
[ -s "$out" ] || fail "no profile after SIGINT (exit $rc)"
check_valid_profile "$out"
n=$(pprof_counts "$out" | cum_of hot_a)
[ "$n" -gt 30 ] || fail "SIGINT profile has only $n hot_a samples"

# Checkpoints replace the file (a new inode each time): kill kiln once the
# second one is there.
out="$TMP/kill.pb.gz"
t0=$(date +%s.%N)
"$KILN" record -q --checkpoint 1 -o "$out" -- "$wl" 30 &
kpid=$!
at_exit "kill -KILL $kpid 2>/dev/null"
seen=0 last=
for _ in $(seq 600); do
	ino=$(stat -c %i "$out" 2>/dev/null) && [ "$ino" != "$last" ] && { seen=$((seen + 1)); last=$ino; }
	[ "$seen" -ge 2 ] && break
	kill -0 $kpid 2>/dev/null || break
	sleep 0.05
done
kill -KILL $kpid
t1=$(date +%s.%N)
wait $kpid 2>/dev/null
pkill -KILL -f "$wl 30"
[ "$seen" -ge 2 ] || fail "$seen checkpoint(s) written in 30 s"
[ -s "$out" ] || fail "no checkpoint file after SIGKILL"
check_valid_profile "$out"
n=$(pprof_counts "$out" | cum_of hot_a)
[ "$n" -gt 30 ] || fail "checkpoint has only $n hot_a samples"
# The file is the second checkpoint (or later): it covers >= 2 s, and no
# more than kiln ran.
d=$(awk '/^Duration:/ { print $2 }' "$TMP/raw.txt")
max=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
in_range "$d" 1.9 "$max" || fail "checkpoint covers $d s, expected 2 s or more, at most the $max s kiln ran"
note "checkpoint covers $d of $max s"
ls "$TMP" | grep -q '\.tmp\.' && fail "temporary file left behind"
echo ok

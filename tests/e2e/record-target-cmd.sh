#!/usr/bin/env bash
# -a/-C/-p/-t with a command (perf's `perf record -a -- sleep 5`): the
# targets are recorded while the command runs, kiln stops when it exits
# and exits with its status. Before, -a/-C ignored the command and
# recorded until killed, and -p/-t refused it. The same for kiln top.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go

cd "$TMP"
"$(workload threads)" 60 & wpid=$!
at_exit "kill $wpid 2>/dev/null"
# Its two threads, however long a loaded machine takes to start them.
for _ in $(seq 100); do
	[ "$(ls /proc/$wpid/task | wc -l)" -ge 3 ] && break
	sleep 0.1
done
tids=$(ls /proc/$wpid/task | sort -n)
[ "$(echo "$tids" | wc -l)" -ge 3 ] || fail "the threads workload has no threads"
tid=$(echo "$tids" | sed -n 2p)

# -a -- sleep 1: bounded, exit 0, samples of the other process.
timeout 20 "$KILN" record -q -a --timestamps -o a.pb.gz -- sleep 1 2>err; rc=$?
[ "$rc" -ne 124 ] || fail "record -a -- sleep 1 did not stop when sleep exited"
[ "$rc" -eq 0 ] || { cat err >&2; fail "record -a -- sleep 1 exited $rc"; }
check_valid_profile a.pb.gz
pprof_counts a.pb.gz > c
[ "$(cum_of thread_one_work < c)" -gt 0 ] || { head -20 c >&2; fail "-a: no samples of the other process"; }
d=$(awk '/^Duration:/ { print $2 }' raw.txt)
in_range "$d" 0.5 10 || fail "-a -- sleep 1 recorded for $d s"

# The command's status passes through, with -a and with -C.
timeout 20 "$KILN" record -q -a -o b.pb.gz -- sh -c 'exit 3'; rc=$?
[ "$rc" -eq 3 ] || fail "record -a -- sh -c 'exit 3' gave $rc"
check_valid_profile b.pb.gz
timeout 20 "$KILN" record -q -C 0 -o c.pb.gz -- sh -c 'exit 4'; rc=$?
[ "$rc" -eq 4 ] || fail "record -C 0 -- sh -c 'exit 4' gave $rc"
# A command that cannot run: 127, as without -a, and no output.
timeout 20 "$KILN" record -q -a -o n.pb.gz -- ./no-such-command 2>err; rc=$?
[ "$rc" -eq 127 ] || { cat err >&2; fail "record -a -- missing command gave $rc"; }
[ ! -e n.pb.gz ] || fail "output written for a command that never ran"

# -p PID -- sleep 1: the process's samples, and only its; stops with sleep.
timeout 20 "$KILN" record -q -g -p "$wpid" -o p.pb.gz -- sleep 1 2>err; rc=$?
[ "$rc" -ne 124 ] || fail "record -p -- sleep 1 did not stop when sleep exited"
[ "$rc" -eq 0 ] || { cat err >&2; fail "record -p PID -- sleep 1 exited $rc"; }
check_valid_profile p.pb.gz
pprof_counts p.pb.gz > c
[ "$(share_of thread_one_work < c)" -ge 25 ] || fail "-p -- sleep: thread_one_work missing"
[ "$(share_of thread_two_work < c)" -ge 25 ] || fail "-p -- sleep: thread_two_work missing"
d=$(awk '/^Duration:/ { print $2 }' raw.txt)
in_range "$d" 0.5 10 || fail "-p -- sleep 1 recorded for $d s"
timeout 20 "$KILN" record -q -p "$wpid" -o p3.pb.gz -- sh -c 'sleep 0.3; exit 3'; rc=$?
[ "$rc" -eq 3 ] || fail "record -p PID -- sh -c 'exit 3' gave $rc"

# -t TID -- sleep 1: that thread alone.
timeout 20 "$KILN" record -q -t "$tid" --timestamps -o t.pb.gz -- sleep 1 2>err; rc=$?
[ "$rc" -ne 124 ] || fail "record -t -- sleep 1 did not stop when sleep exited"
[ "$rc" -eq 0 ] || { cat err >&2; fail "record -t TID -- sleep 1 exited $rc"; }
check_valid_profile t.pb.gz
pprof -tags t.pb.gz 2>/dev/null > tags || fail "pprof -tags t.pb.gz"
seen=$(awk '/^ *tid:/ {f=1; next} f && /^ *[a-z]+:/ {f=0} f && NF {print $NF}' tags | sort -u)
[ -n "$seen" ] || { cat tags >&2; fail "-t -- sleep: no samples"; }
[ "$seen" = "$tid" ] || { cat tags >&2; fail "-t $tid recorded threads: $seen"; }

# SIGINT still stops cleanly: a valid profile, the command goes too.
"$KILN" record -q -a -o i.pb.gz -- sleep 31.7 & kpid=$!
at_exit "kill -KILL $kpid 2>/dev/null"
# Before its handler is set, SIGINT is ignored in a background job: wait
# for the events (opened after the handler), not a guessed start-up time.
wait_perf_fds $kpid || fail "record -a -- sleep never opened its events"
sleep 1
kill -INT $kpid
timeout 20 tail --pid=$kpid -f /dev/null || fail "record -a -- sleep ignored SIGINT"
wait $kpid
check_valid_profile i.pb.gz
pgrep -x -f 'sleep 31.7' >/dev/null && fail "the command outlived kiln"

# kiln top -a -- CMD ends with the command.
timeout 20 "$KILN" top --stdio -q -d 0.5 -a -- sleep 1 >top.txt 2>top.err; rc=$?
[ "$rc" -ne 124 ] || fail "top -a -- sleep 1 did not stop when sleep exited"
[ "$rc" -eq 0 ] || { cat top.err >&2; fail "top -a -- sleep 1 exited $rc"; }
grep -q 'PerfTop:.*(all, [0-9]* CPUs\?)' top.txt || { cat top.txt >&2; fail "top -a -- sleep: no system-wide screen"; }
timeout 20 "$KILN" top --stdio -q -d 0.5 -p "$wpid" -- sleep 1 >top.txt 2>top.err; rc=$?
[ "$rc" -eq 0 ] || { cat top.err >&2; fail "top -p PID -- sleep 1 exited $rc"; }
grep -q "(target_pid: $wpid)" top.txt || { cat top.txt >&2; fail "top -p -- sleep: no screen of the process"; }
kill $wpid 2>/dev/null; wait $wpid 2>/dev/null
echo ok

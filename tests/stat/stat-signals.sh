# Ctrl-C: in -a and -p modes kiln stat prints what it counted so far and
# exits 0; with a command, SIGINT goes to the command and the counts are
# still printed. Signals are sent once kiln has its counters open
# (wait_perf_fds), never after a fixed guess at start-up time, so a loaded
# machine gives the same result.
. "$KILN_SRC/tests/lib.sh"
need_root

online=$(awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { split($i, r, "-"); n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } print n }' /sys/devices/system/cpu/online)

"$KILN" stat -a -e cpu-clock,context-switches >"$TMP/a.out" 2>&1 &
k=$!
at_exit "kill $k 2>/dev/null"
wait_perf_fds $k || fail "kiln stat -a never opened its counters: $(cat "$TMP/a.out")"
t0=$(date +%s.%N)
sleep 0.5
kill -INT $k
wait $k; rc=$?
t1=$(date +%s.%N)
[ $rc = 0 ] || fail "-a ended by SIGINT: exit $rc: $(cat "$TMP/a.out")"
grep -q "Performance counter stats for 'system wide'" "$TMP/a.out" || fail "no header: $(cat "$TMP/a.out")"
ms=$(awk '$3 == "cpu-clock" { gsub(",", "", $1); print $1 }' "$TMP/a.out")
# cpu-clock counts every online CPU's time, idle or not: at least the 0.5 s
# after the counters opened, at most until kiln ended (plus start-up).
max=$(awk -v a="$t0" -v b="$t1" -v n="$online" 'BEGIN { print (b - a + 1) * 1000 * n }')
in_range "$ms" $((450 * online)) "$max" || fail "-a cpu-clock $ms msec on $online CPUs after >= 0.5 s"
grep -q 'seconds time elapsed' "$TMP/a.out" || fail "no elapsed line"

"$STAT_WORK" spin 20000 &
w=$!
at_exit "kill $w 2>/dev/null"
"$KILN" stat -p $w -e task-clock >"$TMP/p.out" 2>&1 &
k=$!
at_exit "kill $k 2>/dev/null"
wait_perf_fds $k || fail "kiln stat -p never opened its counters: $(cat "$TMP/p.out")"
sleep 0.5
kill -INT $k
wait $k; rc=$?
kill $w; wait $w 2>/dev/null
[ $rc = 0 ] || fail "-p ended by SIGINT: exit $rc: $(cat "$TMP/p.out")"
grep -q "process id '$w'" "$TMP/p.out" || fail "no -p header: $(cat "$TMP/p.out")"
ms=$(awk '$3 == "task-clock" { gsub(",", "", $1); print $1 }' "$TMP/p.out")
# A spinning process gets a share of a CPU even on a loaded machine.
in_range "$ms" 50 20000 || fail "-p task-clock $ms msec of a spinning process over 0.5 s"

# A command killed by SIGINT: its status (130) passes through, counts print.
setsid "$KILN" stat -e task-clock -- "$STAT_WORK" spin 20000 >"$TMP/c.out" 2>&1 &
k=$!
at_exit "kill -KILL -- -$k 2>/dev/null"
wait_perf_fds $k || fail "kiln stat -- CMD never opened its counters: $(cat "$TMP/c.out")"
# The counters start at the command's exec.
for _ in $(seq 200); do
	c=$(pgrep -P $k -x stat-work) && break
	sleep 0.1
done
[ -n "${c:-}" ] || fail "the command never started under kiln stat"
sleep 0.3
kill -INT "$c" || fail "cannot signal the command"
wait $k; rc=$?
[ $rc = 130 ] || fail "command killed by SIGINT: kiln exit $rc, expected 130: $(cat "$TMP/c.out")"
ms=$(awk '$3 == "task-clock" { gsub(",", "", $1); print $1 }' "$TMP/c.out")
in_range "$ms" 10 20000 || fail "no task-clock count after the command's Ctrl-C: $(cat "$TMP/c.out")"

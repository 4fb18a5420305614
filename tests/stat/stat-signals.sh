# Ctrl-C: in -a and -p modes kiln stat prints what it counted so far and
# exits 0; with a command, SIGINT goes to the command and the counts are
# still printed.
. "$KILN_SRC/tests/lib.sh"
need_root

"$KILN" stat -a -e cpu-clock,context-switches >"$TMP/a.out" 2>&1 &
k=$!
sleep 0.5
kill -INT $k
wait $k; rc=$?
[ $rc = 0 ] || fail "-a ended by SIGINT: exit $rc"
grep -q "Performance counter stats for 'system wide'" "$TMP/a.out" || fail "no header: $(cat "$TMP/a.out")"
ms=$(awk '$3 == "cpu-clock" { gsub(",", "", $1); print $1 }' "$TMP/a.out")
in_range "$ms" 100 100000 || fail "-a cpu-clock $ms msec after 0.5 s"
grep -q 'seconds time elapsed' "$TMP/a.out" || fail "no elapsed line"

"$STAT_WORK" spin 5000 &
w=$!
"$KILN" stat -p $w -e task-clock >"$TMP/p.out" 2>&1 &
k=$!
sleep 0.5
kill -INT $k
wait $k; rc=$?
kill $w; wait $w 2>/dev/null
[ $rc = 0 ] || fail "-p ended by SIGINT: exit $rc"
grep -q "process id '$w'" "$TMP/p.out" || fail "no -p header: $(cat "$TMP/p.out")"
ms=$(awk '$3 == "task-clock" { gsub(",", "", $1); print $1 }' "$TMP/p.out")
in_range "$ms" 50 5000 || fail "-p task-clock $ms msec of a spinning process over 0.5 s"

# A command killed by SIGINT: its status (130) passes through, counts print.
setsid "$KILN" stat -e task-clock -- "$STAT_WORK" spin 5000 >"$TMP/c.out" 2>&1 &
k=$!
sleep 0.5
pkill -INT -P $k -x stat-work || kill -INT -- -$k
wait $k; rc=$?
[ $rc = 130 ] || fail "command killed by SIGINT: kiln exit $rc, expected 130"
grep -q 'task-clock' "$TMP/c.out" || fail "no counts after the command's Ctrl-C"

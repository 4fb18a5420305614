# Exit statuses and errors: the command's status passes through, a missing
# command is reported as a shell would (127), an event this machine cannot
# count is "<not supported>" with status 0, a bad event string is shown
# with a caret under the offending character.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd perf
need_cmd setpriv

"$KILN" stat -e task-clock -- "$STAT_WORK" exit 7 2>/dev/null
rc=$?; [ $rc = 7 ] || fail "exit status $rc, expected the command's 7"

"$KILN" stat -- kiln-no-such-command-xyz 2>"$TMP/err"
rc=$?; [ $rc = 127 ] || fail "missing command: exit $rc, expected 127"
grep -qx "kiln: cannot run 'kiln-no-such-command-xyz': No such file or directory" "$TMP/err" ||
	fail "missing command message: $(cat "$TMP/err")"

# software/config=0x999/ is refused by every kernel: a real <not supported>
# path on any machine.
"$KILN" stat -e task-clock,software/config=0x999/ -- true 2>"$TMP/out"
rc=$?; [ $rc = 0 ] || fail "unsupported event made stat exit $rc"
grep -Eq '^ +<not supported> +software/config=0x999/' "$TMP/out" ||
	fail "no <not supported> line: $(cat "$TMP/out")"
grep -q 'task-clock' "$TMP/out" || fail "the supported event is missing"

# cycles: whatever perf says about it here, kiln says too; both print a
# cycles line and exit 0 either way.
perf stat -e cycles -- true >"$TMP/p.cycles" 2>&1 || fail "perf stat -e cycles: $(cat "$TMP/p.cycles")"
"$KILN" stat -e cycles -- true >"$TMP/k.cycles" 2>&1 || fail "kiln stat -e cycles: $(cat "$TMP/k.cycles")"
for f in p k; do
	grep -Eq '^ +([0-9][0-9.,]*|<not supported>) +cycles' "$TMP/$f.cycles" ||
		fail "no cycles line: $(cat "$TMP/$f.cycles")"
done
grep -q '<not supported>' "$TMP/p.cycles" && p=no || p=yes
grep -q '<not supported>' "$TMP/k.cycles" && k=no || k=yes
[ "$p" = "$k" ] || fail "cycles countable here: perf $p, kiln $k"
note "cycles countable here: $k (perf agrees)"

"$KILN" stat -e 'task-clock,cycles:uq' -- true 2>"$TMP/err"
rc=$?; [ $rc = 1 ] || fail "bad modifier: exit $rc"
grep -q "column 20: unknown modifier 'q'" "$TMP/err" || fail "message: $(cat "$TMP/err")"
grep -qx '  task-clock,cycles:uq' "$TMP/err" || fail "no echo of the string"
grep -qx "$(printf '%*s^' 21 '')" "$TMP/err" || fail "caret misplaced: $(cat -A "$TMP/err")"

# Unprivileged: with perf_event_paranoid >= 2 kernel counting is refused,
# and kiln falls back to user-space counting (":u"), as perf does; below 2
# it counts the kernel too, and nothing falls back.
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$KILN" stat -e task-clock,page-faults -- true 2>"$TMP/nobody" ||
	fail "unprivileged stat failed: $(cat "$TMP/nobody")"
if [ "$paranoid" -ge 2 ]; then
	grep -Eq '^ +[0-9.,]+ msec task-clock:u ' "$TMP/nobody" ||
		fail "no :u fallback for an unprivileged user (perf_event_paranoid $paranoid): $(cat "$TMP/nobody")"
	note "unprivileged: fell back to task-clock:u"
else
	grep -Eq '^ +[0-9.,]+ msec task-clock ' "$TMP/nobody" ||
		fail "unprivileged task-clock not counted in full (perf_event_paranoid $paranoid): $(cat "$TMP/nobody")"
	note "unprivileged: perf_event_paranoid $paranoid lets task-clock count the kernel too"
fi

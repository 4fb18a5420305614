# -o writes the report to a file with perf's "# started on" line, -D
# delays counting, -I prints timestamps that advance by the interval.
. "$KILN_SRC/tests/lib.sh"
need_root

"$KILN" stat -o "$TMP/out.txt" -e task-clock -- true 2>"$TMP/stderr" || fail "-o failed: $(cat "$TMP/stderr")"
[ -s "$TMP/stderr" ] && fail "-o still wrote to stderr: $(cat "$TMP/stderr")"
head -1 "$TMP/out.txt" | grep -Eq '^# started on [A-Z][a-z]{2} [A-Z][a-z]{2} +[0-9]+ [0-9:]{8} [0-9]{4}$' ||
	fail "no '# started on' line: $(head -1 "$TMP/out.txt")"
grep -q 'task-clock' "$TMP/out.txt" || fail "no counts in the -o file"

# -D 300 on a 600 ms (CPU time) spin leaves out what ran in the first
# 300 ms of wall time: at most 300 ms, less on a loaded machine.
"$KILN" stat -x, -D 300 -e task-clock -- "$STAT_WORK" spin 600 2>"$TMP/d.csv" ||
	fail "-D 300 failed: $(cat "$TMP/d.csv")"
ms=$(awk -F, '$3 == "task-clock" { print $1 }' "$TMP/d.csv")
[ -n "$ms" ] || fail "-D 300 printed no task-clock: $(cat "$TMP/d.csv")"
in_range "$ms" 150 590 || fail "-D 300 counted $ms msec of a 600 ms spin"

# -I 100 over >= 500 ms of sleeps: one line per interval and a partial one
# last. What holds at any load: every line is a complete task-clock line,
# timestamps increase, interval k ends no earlier than k × 100 ms (kiln
# keeps an absolute schedule and catches up after a late wake-up, so the
# count of lines is fixed by the run's length, not by how late wake-ups
# are), and typical wake-ups are not late by half an interval.
"$KILN" stat -x, -I 100 -e task-clock -- "$STAT_WORK" sleeps 500 2>"$TMP/i.csv" ||
	fail "-I 100 failed: $(cat "$TMP/i.csv")"
awk -F, -v step=0.1 '
	function bad(why) { print "line " NR ": " why ": " $0; err = 1; exit 1 }
	$1 !~ /^ *[0-9]+\.[0-9]+$/ { bad("no timestamp") }
	$4 != "task-clock" { bad("not a task-clock line") }
	$2 !~ /^[0-9]+\.[0-9]+$/ && $2 != "<not counted>" { bad("no count") }
	NR > 1 && $1 + 0 <= prev { bad("timestamp does not advance") }
	{ prev = $1 + 0; t[NR] = prev }
	END {
		if (err) exit 1
		# The last line is the partial interval; the others are full.
		n = NR - 1
		if (n < 5) { print NR " lines for a run of 500+ ms"; exit 1 }
		if (t[NR] < 0.5) { print "the run ended at " t[NR] " s, before its 500 sleeps could"; exit 1 }
		if (n > t[NR] / step + 1) { print n " full intervals in " t[NR] " s"; exit 1 }
		for (i = 1; i <= n; i++) {
			late[i] = t[i] - i * step
			if (late[i] < -1e-6) { print "interval " i " ended early, at " t[i]; exit 1 }
		}
		# Median lateness (insertion sort: a handful of values).
		for (i = 2; i <= n; i++) for (j = i; j > 1 && late[j - 1] > late[j]; j--) {
			x = late[j]; late[j] = late[j - 1]; late[j - 1] = x }
		m = late[int((n + 1) / 2)]
		if (m > step / 2) { print "interval ends drift from k x 100 ms: median " m " s late"; exit 1 }
	}' "$TMP/i.csv" >"$TMP/i.check" ||
	fail "-I 100: $(cat "$TMP/i.check"): $(cut -d, -f1 "$TMP/i.csv" | tr '\n' ' ')"

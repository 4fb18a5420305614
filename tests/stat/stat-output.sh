# -o writes the report to a file with perf's "# started on" line, -D
# delays counting, -I prints timestamps that advance by the interval.
. "$KILN_SRC/tests/lib.sh"
need_root

"$KILN" stat -o "$TMP/out.txt" -e task-clock -- true 2>"$TMP/stderr" || fail "-o failed"
[ -s "$TMP/stderr" ] && fail "-o still wrote to stderr: $(cat "$TMP/stderr")"
head -1 "$TMP/out.txt" | grep -Eq '^# started on [A-Z][a-z]{2} [A-Z][a-z]{2} +[0-9]+ [0-9:]{8} [0-9]{4}$' ||
	fail "no '# started on' line: $(head -1 "$TMP/out.txt")"
grep -q 'task-clock' "$TMP/out.txt" || fail "no counts in the -o file"

# -D 300 on a 600 ms (CPU time) spin leaves out what ran in the first
# 300 ms of wall time: at most 300 ms, less on a loaded machine.
"$KILN" stat -x, -D 300 -e task-clock -- "$STAT_WORK" spin 600 2>"$TMP/d.csv"
ms=$(awk -F, '$3 == "task-clock" { print $1 }' "$TMP/d.csv")
in_range "$ms" 150 590 || fail "-D 300 counted $ms msec of a 600 ms spin"

# -I 100 over >= 500 ms of sleeps: at least 5 lines, then a partial one.
"$KILN" stat -x, -I 100 -e task-clock -- "$STAT_WORK" sleeps 500 2>"$TMP/i.csv"
n=$(wc -l <"$TMP/i.csv")
in_range "$n" 5 1000 || fail "-I 100 printed $n lines for 500+ ms: $(cat "$TMP/i.csv")"
awk -F, 'NR > 1 && $1 <= prev { exit 1 } { prev = $1 }' "$TMP/i.csv" || fail "timestamps do not advance"
awk -F, 'NR < 5 { d = $1 - NR * 0.1; if (d < 0 || d > 0.05) exit 1 }' "$TMP/i.csv" ||
	fail "interval timestamps drift from k × 100 ms: $(cut -d, -f1 "$TMP/i.csv" | tr '\n' ' ')"

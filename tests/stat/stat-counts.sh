# kiln stat counts what perf stat counts for deterministic software events:
# page faults of a program touching N pages, context switches of one that
# sleeps N times, task-clock of a 200 ms spin, and exactly N
# syscalls:sys_enter_write for N write calls. Tolerances are stated per
# event; both tools run the same command.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd perf

W=$STAT_WORK
# value EVENT FILE: the count of EVENT in -x, output.
value() { awk -F, -v e="$2" '$3 == e { print $1 }' "$1"; }

check_near() { # what kiln perf tolerance-abs tolerance-rel
	awk -v k="$2" -v p="$3" -v a="$4" -v r="$5" 'BEGIN {
		d = k - p; if (d < 0) d = -d
		exit !(d <= a + r * p) }' || fail "$1: kiln $2 vs perf $3 (allowed ±$4 + $5×perf)"
	note "$1: kiln $2, perf $3"
}

run_both() { # event args...
	ev=$1; shift
	perf stat -x, -e "$ev" -- "$@" 2>"$TMP/perf.csv" || true
	"$KILN" stat -x, -e "$ev" -- "$@" 2>"$TMP/kiln.csv" || true
}

run_both page-faults "$W" pages 2000
k=$(value "$TMP/kiln.csv" page-faults); p=$(value "$TMP/perf.csv" page-faults)
[ -n "$k" ] && [ -n "$p" ] || fail "page-faults missing: $(cat "$TMP/kiln.csv")"
in_range "$k" 2000 3000 || fail "page-faults $k for 2000 touched pages"
check_near "page-faults (2000 pages)" "$k" "$p" 20 0.02

run_both context-switches "$W" sleeps 50
k=$(value "$TMP/kiln.csv" context-switches); p=$(value "$TMP/perf.csv" context-switches)
in_range "$k" 50 70 || fail "context-switches $k for 50 sleeps"
check_near "context-switches (50 sleeps)" "$k" "$p" 10 0

run_both task-clock "$W" spin 200
k=$(value "$TMP/kiln.csv" task-clock); p=$(value "$TMP/perf.csv" task-clock)
in_range "$k" 150 400 || fail "task-clock $k msec for a 200 ms spin"
check_near "task-clock (200 ms spin)" "$k" "$p" 0 0.25

# A tracepoint count is exact.
"$KILN" list tracepoint >/dev/null 2>&1 || skip "no tracefs here: $("$KILN" list tracepoint 2>&1 | tail -1)"
run_both syscalls:sys_enter_write "$W" writes 1234
k=$(value "$TMP/kiln.csv" syscalls:sys_enter_write); p=$(value "$TMP/perf.csv" syscalls:sys_enter_write)
[ "$k" = 1234 ] || fail "syscalls:sys_enter_write counted $k for 1234 writes"
[ "$k" = "$p" ] || fail "syscalls:sys_enter_write: kiln $k, perf $p"
note "syscalls:sys_enter_write: $k = perf's $p"

# A group counts its members.
"$KILN" stat -x, -e '{task-clock,page-faults}' -- "$W" pages 500 2>"$TMP/kiln.csv"
k=$(value "$TMP/kiln.csv" page-faults)
in_range "$k" 500 1000 || fail "grouped page-faults $k for 500 pages"

# --no-inherit leaves a child's page faults out; inherit (the default)
# counts them.
"$KILN" stat -x, -e page-faults -- sh -c "$W pages 3000" 2>"$TMP/inh.csv"
"$KILN" stat -x, --no-inherit -e page-faults -- sh -c "$W pages 3000; true" 2>"$TMP/noinh.csv"
a=$(value "$TMP/inh.csv" page-faults); b=$(value "$TMP/noinh.csv" page-faults)
in_range "$a" 3000 100000 || fail "inherited page-faults $a should include the child's 3000"
in_range "$b" 0 2999 || fail "--no-inherit page-faults $b should leave out the child's 3000"
note "inherit: $a with the child, $b without"

# kiln stat counts what perf stat counts for deterministic software events:
# page faults of a program touching N pages, context switches of one that
# sleeps N times, task-clock of a 200 ms spin, and exactly N
# syscalls:sys_enter_write for N write calls. Tolerances are stated per
# event; both tools run the same command, and both must succeed.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd perf

W=$STAT_WORK
# value FILE EVENT: the count of EVENT in -x, output; fails if there is none.
value() {
	local v
	v=$(awk -F, -v e="$2" '$3 == e { print $1 }' "$1")
	[[ $v =~ ^[0-9]+(\.[0-9]+)?$ ]] || fail "no count of $2 in $1: $(cat "$1")"
	echo "$v"
}

check_near() { # what kiln perf tolerance-abs tolerance-rel
	awk -v k="$2" -v p="$3" -v a="$4" -v r="$5" 'BEGIN {
		d = k - p; if (d < 0) d = -d
		exit !(d <= a + r * p) }' || fail "$1: kiln $2 vs perf $3 (allowed ±$4 + $5×perf)"
	note "$1: kiln $2, perf $3"
}

# kiln_stat OUT ARGS...: kiln stat -x, whose counts go to OUT; the
# workloads exit 0, so must kiln.
kiln_stat() {
	local out=$1; shift
	"$KILN" stat -x, "$@" 2>"$out" || fail "kiln stat $* exited $?: $(cat "$out")"
}

run_both() { # event args...
	ev=$1; shift
	perf stat -x, -e "$ev" -- "$@" 2>"$TMP/perf.csv" || fail "perf stat -e $ev $* exited $?: $(cat "$TMP/perf.csv")"
	kiln_stat "$TMP/kiln.csv" -e "$ev" -- "$@"
	k=$(value "$TMP/kiln.csv" "$ev") || exit 1
	p=$(value "$TMP/perf.csv" "$ev") || exit 1
}

run_both page-faults "$W" pages 2000
in_range "$k" 2000 3000 || fail "page-faults $k for 2000 touched pages"
check_near "page-faults (2000 pages)" "$k" "$p" 20 0.02

run_both context-switches "$W" sleeps 50
in_range "$k" 50 70 || fail "context-switches $k for 50 sleeps"
check_near "context-switches (50 sleeps)" "$k" "$p" 10 0

run_both task-clock "$W" spin 200
in_range "$k" 150 400 || fail "task-clock $k msec for a 200 ms spin"
check_near "task-clock (200 ms spin)" "$k" "$p" 0 0.25

# A group counts its members.
kiln_stat "$TMP/kiln.csv" -e '{task-clock,page-faults}' -- "$W" pages 500
k=$(value "$TMP/kiln.csv" page-faults) || exit 1
in_range "$k" 500 1000 || fail "grouped page-faults $k for 500 pages"
value "$TMP/kiln.csv" task-clock >/dev/null || exit 1

# --no-inherit leaves a child's page faults out; inherit (the default)
# counts them.
kiln_stat "$TMP/inh.csv" -e page-faults -- sh -c "$W pages 3000"
kiln_stat "$TMP/noinh.csv" --no-inherit -e page-faults -- sh -c "$W pages 3000; true"
a=$(value "$TMP/inh.csv" page-faults) || exit 1
b=$(value "$TMP/noinh.csv" page-faults) || exit 1
in_range "$a" 3000 100000 || fail "inherited page-faults $a should include the child's 3000"
in_range "$b" 1 2999 || fail "--no-inherit page-faults $b should leave out the child's 3000"
note "inherit: $a with the child, $b without"

# A tracepoint count is exact (last: it alone needs tracefs).
need_tracefs
"$KILN" list tracepoint >"$TMP/tp.txt" 2>&1 || fail "kiln list tracepoint with tracefs mounted: $(tail -1 "$TMP/tp.txt")"
run_both syscalls:sys_enter_write "$W" writes 1234
[ "$k" = 1234 ] || fail "syscalls:sys_enter_write counted $k for 1234 writes"
[ "$k" = "$p" ] || fail "syscalls:sys_enter_write: kiln $k, perf $p"
note "syscalls:sys_enter_write: $k = perf's $p"

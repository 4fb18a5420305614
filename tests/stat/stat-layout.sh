# kiln stat prints perf stat's layout: the same lines, columns and fields
# for the same command, in the table, -x CSV, -j JSON, -r, -I, group and
# system-wide forms. Numbers differ run to run, so both outputs are
# normalised (numbers → N, K/M/G rates → /sec, runs of spaces → one) and
# then must be identical; line lengths must match too (the columns).
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd perf
need_cmd python3

norm() { sed -E 's/  \( \+- +[0-9.]+% \)//; s/[0-9][0-9.,]*/N/g; s/[KMG]\/sec/\/sec/; s/ +/ /g; s/ +$//' "$1"; }

# run_both ARGS...: perf stat and kiln stat on the same command; both exit
# 0 (every command here does) and print something.
run_both() {
	perf stat "$@" >"$TMP/perf.out" 2>&1 || fail "perf stat $* exited $?: $(cat "$TMP/perf.out")"
	"$KILN" stat "$@" >"$TMP/kiln.out" 2>&1 || fail "kiln stat $* exited $?: $(cat "$TMP/kiln.out")"
	[ -s "$TMP/perf.out" ] || fail "perf stat $* printed nothing: nothing to compare"
}

compare() {
	desc=$1; shift
	run_both "$@"
	if ! diff <(norm "$TMP/perf.out") <(norm "$TMP/kiln.out") >"$TMP/diff"; then
		cat "$TMP/diff" >&2
		fail "$desc: kiln's lines differ from perf's"
	fi
	note "$desc: same lines"
}

# Line lengths carry the column widths; only for outputs whose numbers
# have a fixed width (table lines are right-aligned in fixed columns).
compare_widths() {
	desc=$1; shift
	run_both "$@"
	# Drop lines whose width depends on a value: rates and metrics keep
	# their width, counts are right-aligned, so every line qualifies except
	# the noise column.
	# (-r's elapsed line takes its precision from the spread: not compared)
	widths() { sed -E 's/  \( \+- +[0-9.]+% \)//; /\+-.*seconds time elapsed/d' "$1" |
		   awk '{print length($0)}'; }
	if ! diff <(widths "$TMP/perf.out") <(widths "$TMP/kiln.out") >/dev/null; then
		paste -d'\n' "$TMP/perf.out" "$TMP/kiln.out" | cat -A >&2
		fail "$desc: column widths differ from perf's"
	fi
	note "$desc: same column widths"
}

W=$STAT_WORK
compare "default events" -- "$W" pages 100
compare_widths "default events" -- "$W" pages 100
compare "CSV" -x, -- "$W" pages 100
compare "CSV with ;" -x';' -e task-clock,page-faults,cycles -- "$W" pages 100
compare "JSON" -j -- "$W" pages 100
compare "repeat" -r 3 -e task-clock,page-faults,cycles -- "$W" pages 100
compare_widths "repeat" -r 3 -e task-clock,page-faults,cycles -- "$W" pages 100
compare "repeat CSV" -x, -r 3 -e task-clock,page-faults -- "$W" pages 100
compare "repeat JSON" -j -r 3 -e task-clock,page-faults -- "$W" pages 100
compare "group" -e '{task-clock,page-faults}' -- "$W" pages 100
compare "group with modifier" -e '{task-clock,page-faults}:u' -- "$W" pages 100
# Interval output: how many intervals a run spans, and which of them find
# the command asleep (<not counted>), depend on the load, so intervals.py
# checks what holds at any load (complete lines, the same events in every
# block, increasing timestamps, no block early, a plausible number of
# blocks) and compares the header and the kinds of blocks with perf's.
# sleep 0.6: six full intervals, the first with the command's start, then
# asleep ones, and a partial one with its exit.
compare_intervals() { # desc format [--widths] args...
	desc=$1 format=$2; shift 2
	widths=
	[ "$1" = --widths ] && { widths=--widths; shift; }
	run_both "$@"
	python3 "$KILN_SRC/tests/stat/intervals.py" "$format" 0.1 3 "$TMP/perf.out" "$TMP/kiln.out" \
		$widths >"$TMP/check" || {
		cat "$TMP/check" >&2
		paste -d'\n' "$TMP/perf.out" "$TMP/kiln.out" >&2
		fail "$desc: kiln's interval output differs from perf's"
	}
	note "$desc: same layout, $(grep -c . "$TMP/kiln.out") lines"
}
compare_intervals "interval" table --widths -I 100 -e task-clock,page-faults,cycles -- sleep 0.6
compare_intervals "interval CSV" csv -x, -I 100 -e task-clock,page-faults -- sleep 0.6
compare_intervals "interval JSON" json -j -I 100 -e task-clock,page-faults -- sleep 0.6
compare "system-wide" -a -e cpu-clock,context-switches -- "$W" sleeps 20
compare "CPU list" -C 0 -e cpu-clock -- "$W" sleeps 20
# Every PMU event from sysfs here (msr/tsc/, power/energy-*/ with their
# sysfs unit and scale, ...), system-wide as such PMUs count.
"$KILN" list pmu >"$TMP/pmu" || fail "kiln list pmu"
pmu_events=$(awk '{ print $1 }' "$TMP/pmu" | paste -sd, -)
if [ -n "$pmu_events" ]; then
	compare "PMU events" -a -e "$pmu_events" -- sleep 0.1
	compare_widths "PMU events" -a -e "$pmu_events" -- sleep 0.1
else
	note "no sysfs PMU events on this machine"
fi

# -p with a command as the timer: "process id 'N'" header, no user/sys.
"$W" spin 3000 &
spinner=$!
at_exit "kill $spinner 2>/dev/null"
compare "process id" -p $spinner -e task-clock,context-switches -- sleep 0.2
kill $spinner; wait $spinner 2>/dev/null
compare "null run" -n -- "$W" pages 10
compare "null run repeated" -n -r 3 -- "$W" pages 10

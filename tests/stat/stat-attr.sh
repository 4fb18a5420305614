# The attrs kiln stat passes to perf_event_open, through the
# KILN_TEST_ATTR_FILE seam: hardware events are built and tried (and fall
# back to <not supported> where the machine has no PMU), counting mode
# asks for the enabled/running times, a launched command is counted from
# its exec with inheritance, -a opens one counter per CPU.
. "$KILN_SRC/tests/lib.sh"
need_root

# field BLOCK KEY: value of KEY= in the BLOCK-th attr dump (from 1).
field() { awk -v b="$1" -v k="$2" 'BEGIN { RS = ""; FS = "\n" }
	NR == b { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$TMP/attr"; }
expect() { v=$(field "$1" "$2"); [ "$v" = "$3" ] || fail "attr $1 $2=$v, expected $3 ($4)"; }

KILN_TEST_ATTR_FILE="$TMP/attr" "$KILN" stat -e 'cycles:u,{instructions,branch-misses}' -- true \
	2>"$TMP/out" || fail "stat failed: $(cat "$TMP/out")"
n=$(awk 'BEGIN { RS = "" } END { print NR }' "$TMP/attr")
[ "$n" -ge 2 ] || fail "expected at least 2 attrs, got $n"
expect 1 type 0 "cycles is PERF_TYPE_HARDWARE"
expect 1 config 0 "PERF_COUNT_HW_CPU_CYCLES"
expect 1 exclude_user 0 ":u"
expect 1 exclude_kernel 1 ":u"
expect 1 exclude_hv 1 ":u"
expect 1 disabled 1 "started by exec"
expect 1 enable_on_exec 1 "counting starts at exec"
expect 1 inherit 1 "children counted"
expect 1 read_format 0x3 "TOTAL_TIME_ENABLED|TOTAL_TIME_RUNNING"
expect 1 cpu -1 "per task"
expect 1 sample_period 0 "counting, not sampling"
pid=$(field 1 pid)
[ "$pid" -gt 0 ] 2>/dev/null || fail "counters must be opened on the child, pid=$pid"
expect 2 type 0 "instructions"
expect 2 config 0x1 "PERF_COUNT_HW_INSTRUCTIONS"
expect 2 group_fd -1 "group leader"
expect 2 exclude_kernel 0 "no modifier"
# branch-misses is only tried when its leader opened.
if grep -q '<not supported>.*instructions' "$TMP/out"; then
	grep -Eq '<not counted> +branch-misses' "$TMP/out" ||
		fail "a member of a failed group must be <not counted>: $(cat "$TMP/out")"
	note "no hardware PMU here: fell back to <not supported>/<not counted>"
else
	expect 3 config 0x5 "PERF_COUNT_HW_BRANCH_MISSES"
	gfd=$(field 3 group_fd); [ "$gfd" -ge 0 ] || fail "member opened without its leader"
fi

rm -f "$TMP/attr"
KILN_TEST_ATTR_FILE="$TMP/attr" "$KILN" stat --no-inherit -e page-faults -- true 2>"$TMP/out" ||
	fail "stat --no-inherit failed: $(cat "$TMP/out")"
expect 1 inherit 0 "--no-inherit"

rm -f "$TMP/attr"
KILN_TEST_ATTR_FILE="$TMP/attr" "$KILN" stat -a -e cpu-clock -- true 2>"$TMP/out" ||
	fail "stat -a failed: $(cat "$TMP/out")"
ncpu=$(awk 'BEGIN { RS = "" } END { print NR }' "$TMP/attr")
online=$(awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { split($i, r, "-"); n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } print n }' /sys/devices/system/cpu/online)
[ "$ncpu" = "$online" ] || fail "-a opened $ncpu counters for $online online CPUs"
expect 1 pid -1 "-a counts CPUs"
expect 1 cpu "$(cut -d, -f1 /sys/devices/system/cpu/online | cut -d- -f1)" "first online CPU"
expect 1 enable_on_exec 0 "-a is enabled by kiln, not by exec"

rm -f "$TMP/attr"
KILN_TEST_ATTR_FILE="$TMP/attr" "$KILN" stat -D 50 -e task-clock -- true 2>"$TMP/out" ||
	fail "stat -D 50 failed: $(cat "$TMP/out")"
expect 1 enable_on_exec 0 "-D enables after the delay"

#!/usr/bin/env bash
# A tracepoint perf.data becomes an event profile: one sample per event in
# time order, labels time/cpu/pid/tid/comm and each field of the
# tracepoint's format (decoded with libtraceevent from the file's
# TRACING_DATA). Checked against perf script event by event.
. "$KILN_SRC/tests/lib.sh"
need_tracefs
need_cmd perf
need_cmd go
. "$KILN_SRC/tests/perfdata/common.sh"
cd "$TMP" || fail "cd"

# sched_switch: numbers and char arrays, of the workload's own tasks (with
# -a, the threads other programs start and end during the recording make
# perf script's own bookkeeping skip some of their events, run to run).
perf_record -e sched:sched_switch -o sw.data -- "$APP" 0.3
to_pprof sw.data sw.pb.gz
perf script -i sw.data > perf-script.txt 2>/dev/null || fail "perf script -i sw.data"
python3 "$C" trace perf-script.txt "$TMP/raw.txt" prev_pid,next_pid,next_comm,prev_prio >&2 ||
	fail "kiln's event profile of sched_switch differs from perf script"
# The workload's own writes: a syscall tracepoint, in pipe mode.
perf record -q -e syscalls:sys_enter_write -o - -- "$(workload syscalls)" 0.05 2>/dev/null > wr.data ||
	fail "perf record -e syscalls:sys_enter_write -o -"
to_pprof wr.data wr.pb.gz
perf script -i wr.data > perf-script.txt 2>/dev/null || fail "perf script -i wr.data"
python3 "$C" trace perf-script.txt "$TMP/raw.txt" fd,count >&2 ||
	fail "kiln's event profile of sys_enter_write differs from perf script"
grep -q 'count:\[' "$TMP/raw.txt" || fail "sys_enter_write samples carry no count field"
# pprof's tag filters work on the fields.
n=$(perf script -i sw.data 2>/dev/null | grep -c 'next_pid=0 ')
k=$(pprof -raw -tagfocus=next_pid=0 sw.pb.gz 2>/dev/null | grep -c 'next_pid:\[0')
[ "$n" = "$k" ] || fail "-tagfocus=next_pid=0: perf script has $n switches to idle, kiln's profile $k"
echo ok

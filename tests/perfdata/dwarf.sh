#!/usr/bin/env bash
# perf record --call-graph dwarf: kiln unwinds the copied user stacks at
# import with its own unwinder, against the binaries on this machine.
# nofp is built without frame pointers, so only CFI finds main -> a -> b
# -> leaf; kiln's cumulative shares must be perf report --children's.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd perf
need_cmd go
. "$KILN_SRC/tests/perfdata/common.sh"
cd "$TMP" || fail "cd"

perf_record -F 499 --call-graph dwarf -o dw.data -- "$(workload nofp)" 1
compare_report dw.data
to_pprof dw.data dw.pb.gz
perf report --stdio --children -g none -i dw.data 2>/dev/null |
	awk '$NF ~ /^(main|a|b|leaf)$/ && $2 ~ /%$/ { sub("%", "", $1); print $NF, $1 }' | sort > perf-cum.txt
pprof -top -cum -nodefraction=0 -sample_index=cpu dw.pb.gz 2>/dev/null |
	awk '$NF ~ /^(main|a|b|leaf)$/ { sub("%", "", $5); print $NF, $5 }' | sort > kiln-cum.txt
[ "$(wc -l < perf-cum.txt)" -eq 4 ] || { cat perf-cum.txt >&2; fail "perf report does not show main, a, b and leaf"; }
join perf-cum.txt kiln-cum.txt > both.txt
[ "$(wc -l < both.txt)" -eq 4 ] || { cat kiln-cum.txt >&2; fail "kiln's unwound stacks lack main, a, b or leaf"; }
awk '{ d = $2 - $3; if (d < 0) d = -d; if (d > 0.1) { print "cum of " $1 ": perf " $2 "%, kiln " $3 "%"; bad = 1 } } END { exit bad }' \
	both.txt >&2 || fail "kiln's DWARF-unwound shares differ from perf's"
echo ok

#!/usr/bin/env bash
# --call-graph dwarf recovers full stacks through code without frame
# pointers (our -fomit-frame-pointer build, libc's qsort, libstdc++), where
# -g (frame pointers) breaks; and kiln's stacks agree with perf's own
# DWARF unwinding on the same workloads.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go
need_cmd python3
need_cmd perf

share() { # profile leaf chain [--consecutive] -> "match total share"
	pprof -traces -sample_index=samples "$1" 2>/dev/null |
		python3 "$KILN_SRC/tests/e2e/chains.py" "$2" "$3" ${4:-}
}

check() { # workload leaf chain [--consecutive]
	local w=$1 leaf=$2 chain=$3 cons=${4:-}
	kiln_record --call-graph dwarf -o "$TMP/$w-dwarf.pb.gz" -- "$(workload "$w")" 1.5 ||
		fail "record $w dwarf"
	read -r m t s <<<"$(share "$TMP/$w-dwarf.pb.gz" "$leaf" "$chain" $cons)"
	note "$w dwarf: $m of $t samples in $leaf carry $chain ($s%)"
	[ "$t" -gt 30 ] || fail "$w: only $t samples in $leaf"
	in_range "$s" 95 100 || fail "$w: --call-graph dwarf full chains in $s% < 95%"

	kiln_record -g -o "$TMP/$w-fp.pb.gz" -- "$(workload "$w")" 1 || fail "record $w fp"
	read -r m t s <<<"$(share "$TMP/$w-fp.pb.gz" "$leaf" "$chain" $cons)"
	note "$w fp: $m of $t samples carry the chain ($s%)"
	[ "$t" -gt 30 ] || fail "$w: only $t samples in $leaf with -g"
	in_range "$s" 0 50 || fail "$w: frame pointers unexpectedly gave full chains ($s%)"

	# The same workload under perf's own DWARF unwinding.
	perf record -q --call-graph dwarf -F 999 -o "$TMP/$w.data" -- "$(workload "$w")" 1.5 \
		>/dev/null 2>&1 || fail "perf record $w"
	perf script -i "$TMP/$w.data" -F ip,sym >"$TMP/perf.script" 2>"$TMP/perf.err" ||
		{ cat "$TMP/perf.err" >&2; fail "perf script $w"; }
	python3 "$KILN_SRC/tests/e2e/perf_chains.py" "$leaf" "$chain" <"$TMP/perf.script" >"$TMP/perf.txt" ||
		fail "perf_chains.py"
	read -r m t s < "$TMP/perf.txt"
	note "$w perf: $m of $t samples carry the chain ($s%)"
	# perf's hot path is only a reference if perf's own unwinding worked.
	[ "$t" -gt 30 ] || fail "$w: perf recorded only $t samples in $leaf"
	perf_top=$(sed -n 2p "$TMP/perf.txt")
	pprof -traces -sample_index=samples "$TMP/$w-dwarf.pb.gz" >"$TMP/traces" 2>/dev/null || fail "pprof -traces"
	python3 "$KILN_SRC/tests/e2e/chains.py" "$leaf" "$chain" -v <"$TMP/traces" 2>"$TMP/kiln-top.txt" >/dev/null
	kiln_top=$(sed 's/^most common: //' "$TMP/kiln-top.txt" | tr ';' '\n' |
		grep -Fx -f <(tr ',' '\n' <<<"$chain") | paste -sd, -)
	[ -n "$kiln_top" ] || fail "$w: no hot path in kiln's profile"
	[ "$kiln_top" = "$perf_top" ] || fail "$w: kiln's hot path '$kiln_top' != perf's '$perf_top'"
}

check nofp leaf leaf,b,a,main --consecutive
check qsort-cb compare_slowly compare_slowly,sort_all,main

# Truncation is reported: a tiny stack copy cannot reach main.
kiln_record --call-graph dwarf,64 -o "$TMP/small.pb.gz" -- "$(workload nofp)" 0.5 ||
	fail "record with a 64-byte stack"
check_valid_profile "$TMP/small.pb.gz"
grep -q '^Comment: truncated stacks: [1-9]' "$TMP/raw.txt" || fail "truncated stacks not counted"

# C++: demangled names through libstdc++ and libc frames (last: it alone
# needs a C++ compiler, for the workload).
[ -x "$(workload cxx-thread)" ] || skip "needs a C++ compiler: the cxx-thread workload is not built"
kiln_record --call-graph dwarf -o "$TMP/cxx.pb.gz" -- "$(workload cxx-thread)" 1 ||
	fail "record cxx-thread"
pprof -traces "$TMP/cxx.pb.gz" 2>/dev/null > "$TMP/cxx.txt" || fail "pprof -traces cxx.pb.gz"
grep -q 'kilnwork::Cruncher<unsigned long>::crunch(unsigned long)' "$TMP/cxx.txt" ||
	fail "no demangled C++ name"
read -r m t s <<<"$(share "$TMP/cxx.pb.gz" 'kilnwork::Cruncher<unsigned long>::crunch(unsigned long)' \
	'kilnwork::Cruncher<unsigned long>::crunch(unsigned long),start_thread')"
note "cxx-thread: $s% of $t crunch samples reach start_thread through libstdc++"
[ "$t" -gt 30 ] || fail "cxx-thread: only $t samples in crunch"
in_range "$s" 95 100 || fail "C++ stacks through libstdc++ broken ($s%)"
echo ok

#!/usr/bin/env bash
# kiln diff on two recordings of slow-b, the second with func_b twice as
# slow: func_b's delta is positive and the largest, func_a's negative;
# -c ratio puts func_b above 1; the header is perf diff's (compared with the
# real perf, on which func_b grows too).
. "$KILN_SRC/tests/lib.sh"
need_root

wl=$(workload slow-b)
kiln_record -F 999 -o "$TMP/old.pb.gz" -- "$wl" 1.5 1 || fail "record old"
kiln_record -F 999 -o "$TMP/new.pb.gz" -- "$wl" 1.5 2 || fail "record new"
"$KILN" diff "$TMP/old.pb.gz" "$TMP/new.pb.gz" >"$TMP/d.txt" 2>"$TMP/d.err" ||
	{ cat "$TMP/d.err" >&2; fail "diff exited with $?"; }
cat "$TMP/d.txt" >&2
grep -q '^# Baseline  Delta Abs  Shared Object  *Symbol$' "$TMP/d.txt" || fail "header"
# "   47.94%    -14.67%  slow-b  [.] func_a": symbol → delta
delta() { awk -v s="$1" '$NF == s && $(NF-1) == "[.]" { d = $2; sub("%", "", d); print d + 0; exit }' "$TMP/d.txt"; }
a=$(delta func_a); b=$(delta func_b)
note "func_a $a, func_b $b"
[ -n "$a" ] && [ -n "$b" ] || fail "func_a/func_b rows missing"
awk -v b="$b" 'BEGIN { exit !(b > 5) }' || fail "func_b's delta $b not clearly positive"
awk -v a="$a" 'BEGIN { exit !(a < -5) }' || fail "func_a's delta $a not clearly negative"
max=$(awk '/^ / { for (i = 1; i <= NF; i++) if ($i ~ /^[+-][0-9.]+%$/) { v = $i; sub("%", "", v); if (v + 0 > m) m = v + 0 } } END { print m }' "$TMP/d.txt")
[ "$max" = "$b" ] || fail "largest delta is $max, not func_b's $b"

# The same comparison through kiln report -diff_base agrees on the signs
# (of cum: work happens in spin, inlined into both).
"$KILN" report -top -diff_base "$TMP/old.pb.gz" "$TMP/new.pb.gz" >"$TMP/r.txt" 2>"$TMP/r.err" ||
	{ cat "$TMP/r.err" >&2; fail "report -diff_base"; }
# cum SYMBOL: func's cum in the -top rows ("flat flat% sum% cum cum% name").
cum() { awk -v s="$1" '$NF == s && NF == 6 { print $4; exit }' "$TMP/r.txt"; }
ra=$(cum func_a); rb=$(cum func_b)
note "report -diff_base: func_a $ra, func_b $rb"
[[ $rb =~ ^[0-9.]+[a-z]*$ ]] && [ "${rb%%[a-z]*}" != 0 ] || { cat "$TMP/r.txt" >&2; fail "report -diff_base: func_b's cum $rb is not positive"; }
[[ $ra =~ ^-[0-9.]+[a-z]*$ ]] || { cat "$TMP/r.txt" >&2; fail "report -diff_base: func_a's cum $ra is not negative"; }

"$KILN" diff -c ratio "$TMP/old.pb.gz" "$TMP/new.pb.gz" >"$TMP/ratio.txt" || fail "-c ratio"
grep -q '^# Baseline      Ratio  Shared Object' "$TMP/ratio.txt" || fail "ratio header"
# (func_b's share grows from ~1/2 to ~2/3: a ratio near 1.3, less where
# a sanitizer's run shifts the shares; 1.2 failed once under ASan)
awk '$NF == "func_b" { found = 1; ok = $2 > 1.05 } END { exit !(found && ok) }' "$TMP/ratio.txt" ||
	{ cat "$TMP/ratio.txt" >&2; fail "func_b's ratio"; }
"$KILN" diff -c delta -s sym "$TMP/old.pb.gz" "$TMP/new.pb.gz" "$TMP/new.pb.gz" >"$TMP/multi.txt" ||
	fail "-c delta with two NEW"
grep -q '^#  \[2\] ' "$TMP/multi.txt" || fail "data file list"
grep -q '^# Baseline      Delta      Delta  Symbol$' "$TMP/multi.txt" || fail "two delta columns"
"$KILN" diff -c nonsense "$TMP/old.pb.gz" "$TMP/new.pb.gz" 2>/dev/null && fail "bad -c accepted"

# perf diff on the same workload: the same header, and func_b grew there too.
need_cmd perf
perf record -q -F 999 -e cpu-clock -o "$TMP/old.data" -- "$wl" 0.5 1 >/dev/null 2>"$TMP/p.err" ||
	{ cat "$TMP/p.err" >&2; fail "perf record (old)"; }
perf record -q -F 999 -e cpu-clock -o "$TMP/new.data" -- "$wl" 0.5 2 >/dev/null 2>"$TMP/p.err" ||
	{ cat "$TMP/p.err" >&2; fail "perf record (new)"; }
perf diff "$TMP/old.data" "$TMP/new.data" >"$TMP/p.txt" 2>"$TMP/p.err" || { cat "$TMP/p.err" >&2; fail "perf diff"; }
ph=$(grep -m1 '^# Baseline' "$TMP/p.txt" | tr -s ' ' | sed 's/ $//')
kh=$(grep -m1 '^# Baseline' "$TMP/d.txt" | tr -s ' ' | sed 's/ $//')
[ -n "$ph" ] || { cat "$TMP/p.txt" >&2; fail "perf diff printed no header"; }
note "perf: $ph"
[ "$ph" = "$kh" ] || fail "header differs from perf diff's: $kh"
pb=$(awk '$NF == "func_b" && $(NF-1) == "[.]" { print $2; exit }' "$TMP/p.txt")
note "perf's func_b delta: $pb"
[[ $pb =~ ^\+[0-9.]+%$ ]] || { cat "$TMP/p.txt" >&2; fail "perf diff: func_b's delta $pb not positive"; }
echo ok

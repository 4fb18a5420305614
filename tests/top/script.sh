#!/usr/bin/env bash
# kiln script: one entry per sample of a --timestamps profile, in perf
# script's layout (compared with the real perf); one per
# distinct stack with its count for aggregated profiles; folded stacks.
. "$KILN_SRC/tests/lib.sh"
need_root

wl=$(workload cpu-split)
kiln_record -F 999 -g --timestamps -o "$TMP/t.pb.gz" -- "$wl" 1 || fail "record"
# Samples recorded, as kiln report counts them.
n=$("$KILN" report -top -sample_index=samples "$TMP/t.pb.gz" 2>/dev/null |
	sed -nE 's/.* of ([0-9]+) total.*/\1/p' | head -1)
[ -n "$n" ] && [ "$n" -gt 100 ] || fail "too few samples ($n)"

"$KILN" script -i "$TMP/t.pb.gz" >"$TMP/s.txt" 2>"$TMP/s.err" || { cat "$TMP/s.err" >&2; fail "script"; }
head_re='^cpu-split +[0-9]+/[0-9]+ +\[[0-9]{3}\] +[0-9]+\.[0-9]{6}: +[0-9]+ cpu-clock:$'
lines=$(grep -Ec "$head_re" "$TMP/s.txt")
note "$lines sample lines, $n samples recorded"
[ "$lines" -eq "$n" ] || { head "$TMP/s.txt" >&2; fail "$lines lines for $n samples"; }
# Time order.
grep -E "$head_re" "$TMP/s.txt" | awk '{ t = $4; sub(":", "", t); if (t + 0 < last) exit 1; last = t + 0 }' ||
	fail "samples out of time order"
# Stacks below: leaf first, hot_a+0x.. in the workload, main below it.
grep -Eq $'^\t +[0-9a-f]+ hot_a\\+0x[0-9a-f]+ \\(.*/cpu-split\\)$' "$TMP/s.txt" || fail "hot_a frame"
awk '/ cpu-clock:$/ { s = "" } /^\t/ { s = s " " $2 } /^$/ && s ~ /hot_a.* work.* main/ { ok = 1 } END { exit !ok }' \
	"$TMP/s.txt" || fail "stack hot_a → work → main"

# -F: perf's default fields for this kind of recording, and the layout
# perf script prints for them.
"$KILN" script -i "$TMP/t.pb.gz" -F comm,tid,time,period,event,ip,sym,symoff,dso >"$TMP/f.txt" ||
	fail "script -F"
kfirst=$(grep -m1 'cpu-clock:$' "$TMP/f.txt")
echo "$kfirst" | grep -Eq '^cpu-split +[0-9]+ +[0-9]+\.[0-9]{6}: +[0-9]+ cpu-clock:$' ||
	fail "-F layout: $kfirst"
# perf script on the same workload: the same sample and frame lines.
need_cmd perf
perf record -q -F 999 -g -e cpu-clock -o "$TMP/perf.data" -- "$wl" 0.3 >/dev/null 2>"$TMP/p.err" ||
	{ cat "$TMP/p.err" >&2; fail "perf record"; }
perf script -i "$TMP/perf.data" >"$TMP/p.txt" 2>"$TMP/p.err" || { cat "$TMP/p.err" >&2; fail "perf script"; }
grep -q 'cpu-clock' "$TMP/p.txt" || fail "perf script printed no cpu-clock sample"
grep -q $'^\t.*hot_' "$TMP/p.txt" || fail "perf script printed no hot_ frame"
# Same columns: "comm tid time: period event:" then tab-indented frames.
shape() { sed -E 's/:[a-zA-Z]+:/:/; s/[0-9a-f]{3,}/N/g; s/[0-9]+/N/g; s/ +/ /g; s/ $//'; }
ps=$(grep -m1 'cpu-clock' "$TMP/p.txt" | shape)
ks=$(echo "$kfirst" | shape)
note "perf: $ps"
note "kiln: $ks"
[ "$ps" = "$ks" ] || fail "sample line differs from perf script's"
pf=$(grep -m1 $'^\t.*hot_' "$TMP/p.txt" | sed -E 's/\+0x[0-9a-f]+//; s/[0-9a-f]+ /N /; s/\(.*\)/(DSO)/')
kf=$(grep -m1 $'^\t.*hot_' "$TMP/f.txt" | sed -E 's/\+0x[0-9a-f]+//; s/[0-9a-f]+ /N /; s/\(.*\)/(DSO)/')
[ -n "$kf" ] || fail "kiln script -F printed no hot_ frame"
[ "$(echo "$pf" | sed 's/hot_[abc]/hot/')" = "$(echo "$kf" | sed 's/hot_[abc]/hot/')" ] ||
	fail "frame lines differ: perf '$pf' kiln '$kf'"

# An aggregated profile: one entry per distinct stack; counts add up.
kiln_record -F 999 -g -o "$TMP/a.pb.gz" -- "$wl" 1 || fail "record"
na=$("$KILN" report -top -sample_index=samples "$TMP/a.pb.gz" 2>/dev/null |
	sed -nE 's/.* of ([0-9]+) total.*/\1/p' | head -1)
[ -n "$na" ] && [ "$na" -gt 100 ] || fail "too few samples in the aggregated profile ($na)"
"$KILN" script -i "$TMP/a.pb.gz" >"$TMP/a.txt" || fail "script (aggregated)"
sum=$(awk '/ samples: / { for (i = 1; i < NF; i++) if ($(i + 1) == "samples:") s += $i } END { print s + 0 }' "$TMP/a.txt")
note "aggregated: counts add up to $sum of $na"
[ "$sum" -eq "$na" ] || fail "counts add up to $sum, not $na"

# Folded stacks, root first: "a;b;c count", counts adding up.
"$KILN" script -i "$TMP/t.pb.gz" --folded >"$TMP/fold.txt" || fail "--folded"
grep -Eq '^[^ ]*main;work;hot_a[^ ]* [0-9]+$' "$TMP/fold.txt" || { head -3 "$TMP/fold.txt" >&2; fail "folded main;work;hot_a"; }
fsum=$(awk '{ s += $NF } END { print s }' "$TMP/fold.txt")
[ "$fsum" -eq "$n" ] || fail "folded counts $fsum != $n"
echo ok

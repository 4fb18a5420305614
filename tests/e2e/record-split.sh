#!/usr/bin/env bash
# A CPU-bound workload with a 60/30/10 split across hot_a/hot_b/hot_c,
# recorded with call chains and read back by the real go tool pprof.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go

for variant in cpu-split cpu-split-pie cpu-split-nopie; do
	out="$TMP/$variant.pb.gz"
	kiln_record -F 999 -g -o "$out" -- "$(workload $variant)" 1.5 || fail "record $variant"
	check_valid_profile "$out"
	[ -s "$TMP/raw.err" ] && { cat "$TMP/raw.err" >&2; fail "pprof warned on $variant"; }
	pprof_counts "$out" > "$TMP/counts"
	a=$(cum_of hot_a < "$TMP/counts"); b=$(cum_of hot_b < "$TMP/counts")
	c=$(cum_of hot_c < "$TMP/counts")
	total=$((a + b + c))
	note "$variant: hot_a=$a hot_b=$b hot_c=$c samples"
	[ "$total" -gt 150 ] || fail "$variant: only $total samples in hot_a/b/c"
	# Tolerance: 7 percentage points of the three functions' total.
	in_range "$(awk -v x=$a -v t=$total 'BEGIN{print 100*x/t}')" 53 67 || fail "$variant: hot_a share"
	in_range "$(awk -v x=$b -v t=$total 'BEGIN{print 100*x/t}')" 23 37 || fail "$variant: hot_b share"
	in_range "$(awk -v x=$c -v t=$total 'BEGIN{print 100*x/t}')" 4 17 || fail "$variant: hot_c share"
	# Call chains: main -> work -> hot_a, so main's cum covers hot_a.
	m=$(cum_of main < "$TMP/counts")
	[ "$m" -ge "$total" ] || fail "$variant: main cum $m < $total: call chains broken"
	grep -q "work" "$TMP/counts" || fail "$variant: work() missing from stacks"
done
# Sample types and period as the issue asks.
grep -q 'samples/count cpu/nanoseconds\[dflt\]' "$TMP/raw.txt" || {
	head -5 "$TMP/raw.txt" >&2; fail "sample types"; }
grep -q '^PeriodType: cpu nanoseconds' "$TMP/raw.txt" || fail "period type"
echo ok

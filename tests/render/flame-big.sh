#!/usr/bin/env bash
# A flame graph of 100,000 distinct stacks stays small enough for a browser:
# narrow frames are merged, so the SVG has a bounded number of frames. The
# size reached is printed (and must stay under 4 MB).
. "$KILN_SRC/tests/lib.sh"
need_cmd xmllint
"$MKRENDER" "$TMP" 100000 || fail "mkrender"
start=$(date +%s.%N)
"$KILN" report -flame "$TMP/big.pb.gz" >"$TMP/big.svg" || fail "kiln report -flame"
end=$(date +%s.%N)
size=$(stat -c %s "$TMP/big.svg")
frames=$(grep -c '<g class="f"' "$TMP/big.svg")
merged=$(grep -c 'frames narrower than' "$TMP/big.svg")
note "100,000 stacks: SVG $size bytes, $frames frames ($merged merged), $(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }') s"
xmllint --noout "$TMP/big.svg" || fail "big SVG is not XML"
[ "$size" -lt 4000000 ] || fail "SVG too big: $size bytes"
[ "$frames" -gt 100 ] || fail "only $frames frames drawn"
[ "$merged" -gt 0 ] || fail "expected merged narrow frames"
"$KILN" report -folded "$TMP/big.pb.gz" >"$TMP/big.folded" || fail "folded"
[ "$(wc -l <"$TMP/big.folded")" -eq 100000 ] || fail "folded should have 100000 distinct stacks"
# Sorted byte by byte, as stackcollapse's output is.
LC_ALL=C sort -c "$TMP/big.folded" || fail "folded lines not sorted"

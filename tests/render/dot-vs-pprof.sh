#!/usr/bin/env bash
# kiln report -dot against go tool pprof -dot: the same nodes (labels with
# flat and cum) and the same edges (with values), on the known profile, the
# report module's worked case and Go profiles, and a profile with 2,000
# functions where nodecount=80 and the fractions trim the graph. Then -svg
# through Graphviz.
. "$KILN_SRC/tests/lib.sh"
need_cmd go
need_cmd python3
need_cmd xmllint
need_cmd dot
"$MKRENDER" "$TMP" 3000 || fail "mkrender"
n=0
for f in "$TMP/known.pb.gz" "$TMP/big.pb.gz" "$KILN_SRC"/tests/report/corpus/worked.pb.gz \
	 "$KILN_SRC"/tests/report/corpus/go-cpu.pb.gz "$KILN_SRC"/tests/report/corpus/go-heap.pb.gz; do
	for opts in "" "-nodecount=10" "-focus=work|fn_1 -lines"; do
		# shellcheck disable=SC2086
		"$KILN" report -dot $opts "$f" >"$TMP/k.dot" || fail "kiln -dot $opts $f"
		# shellcheck disable=SC2086
		pprof -dot $opts "$f" >"$TMP/g.dot" 2>/dev/null || fail "pprof -dot $opts $f"
		python3 "$KILN_SRC/tests/render/dotsets.py" "$TMP/k.dot" >"$TMP/k.set" || fail "dotsets.py (kiln)"
		python3 "$KILN_SRC/tests/render/dotsets.py" "$TMP/g.dot" >"$TMP/g.set" || fail "dotsets.py (pprof)"
		# A focus that matches nothing gives an empty graph: kiln's must be
		# empty too, but it does not count as a graph compared.
		diff -u "$TMP/g.set" "$TMP/k.set" >&2 || fail "node/edge sets differ for $opts $(basename "$f")"
		[ -s "$TMP/g.set" ] && n=$((n + 1))
	done
done
note "$n graphs identical to go tool pprof's"
[ "$n" -ge 10 ] || fail "too few graphs compared"
# the legend matches too (same header lines)
"$KILN" report -dot "$KILN_SRC/tests/report/corpus/worked.pb.gz" >"$TMP/k.dot" || fail "kiln -dot worked"
pprof -dot "$KILN_SRC/tests/report/corpus/worked.pb.gz" >"$TMP/g.dot" 2>/dev/null || fail "pprof -dot worked"
grep '^subgraph' "$TMP/k.dot" >"$TMP/kl"
grep '^subgraph' "$TMP/g.dot" >"$TMP/gl" || fail "go tool pprof's graph has no legend"
diff -u "$TMP/gl" "$TMP/kl" || fail "legend differs"
# inline edges are dashed
"$KILN" report -dot -lines "$TMP/known.pb.gz" | grep 'helper' | grep -- '->' | grep -q 'style="dashed"' ||
	fail "inline edge compute -> helper should be dashed"
"$KILN" report -svg "$TMP/known.pb.gz" >"$TMP/g.svg" || fail "kiln report -svg"
xmllint --noout "$TMP/g.svg" || fail "-svg output is not XML"
grep -q '>compute<' "$TMP/g.svg" || fail "-svg lacks compute"
"$KILN" report -png -o "$TMP/g.png" "$TMP/known.pb.gz" || fail "kiln report -png"
[ "$(head -c 4 "$TMP/g.png" | od -An -tx1 | tr -d ' ')" = "89504e47" ] || fail "-png is not a PNG"
"$KILN" report -pdf -o "$TMP/g.pdf" "$TMP/known.pb.gz" || fail "kiln report -pdf"
[ "$(head -c 4 "$TMP/g.pdf")" = "%PDF" ] || fail "-pdf is not a PDF"

#!/usr/bin/env bash
# Hostile perf.data: truncated files, sizes and counts pointing past the
# end, other byte order, a compressed record that does not decompress. Every reading command must
# say what is wrong in one line and exit non-zero: no crash, no hang, no
# partial output on success.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd perf
need_cmd timeout
. "$KILN_SRC/tests/perfdata/common.sh"
cd "$TMP" || fail "cd"

perf_record -F 199 -g -o good.data -- "$APP" 0.2
perf record -q -F 199 -o - -- "$APP" 0.2 2>/dev/null > pipe.data || fail "perf record -o -"
python3 "$KILN_SRC/tests/perfdata/hostile.py" good.data pipe.data bad || fail "hostile.py"
n=0
for f in bad/*; do
	for cmd in "report --stdio" "script" "evlist -v"; do
		timeout -k 5 20 "$KILN" $cmd "$f" > out.txt 2> err.txt
		rc=$?
		[ "$rc" -eq 124 ] && fail "kiln $cmd $f hangs"
		[ "$rc" -ge 128 ] && { cat err.txt >&2; fail "kiln $cmd $f dies of signal $((rc - 128))"; }
		# evlist reads the header only: a broken record is not its business.
		[ "$rc" -eq 0 ] && [[ $cmd == evlist* ]] && continue
		[ "$rc" -ne 0 ] || { head -3 out.txt >&2; fail "kiln $cmd $f succeeds on a broken file"; }
		[ "$(wc -l < err.txt)" -eq 1 ] && grep -q '^kiln: ' err.txt ||
			{ cat err.txt >&2; fail "kiln $cmd $f: not one error line"; }
		n=$((n + 1))
	done
done
note "$n runs on $(ls bad | wc -l) hostile files"
# The messages say what and what to do.
"$KILN" report --stdio bad/compressed-record 2>&1 | grep -q 'compressed records (perf record -z) do not decompress' ||
	fail "a broken compressed record does not say so"
"$KILN" report --stdio bad/other-endian 2>&1 | grep -q 'other byte order.*perf script' ||
	fail "an other-endian perf.data does not say how to read it"
"$KILN" report --stdio bad/truncated-50pct 2>&1 | grep -q 'truncated' ||
	fail "a truncated perf.data does not say it is truncated"
echo ok

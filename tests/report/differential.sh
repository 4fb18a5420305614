#!/usr/bin/env bash
# Differential test against go tool pprof on random profiles (randprof.c):
# odd shapes no hand-written case thinks of (empty names, address-only
# frames, repeated functions, negative and cancelling values, profiles
# without mappings), one source, two sources and a base, under the main
# reports and filters. Same comparison as conformance.sh (compare.py, zero
# tolerance), and the exit status must agree too.
. "$KILN_SRC/tests/lib.sh"
need_cmd go
need_cmd python3
: "${RANDPROF:?RANDPROF must point at the randprof helper}"
export TZ=UTC
cd "$TMP" || fail "cd"
seeds=${REPORT_DIFF_SEEDS:-12}
cases=0
failed=0
both_ok=0
run_case() {
	cases=$((cases + 1))
	"$KILN" report "$@" > k.out 2> k.err
	krc=$?
	pprof "$@" > p.out 2> p.err
	prc=$?
	# Cases both tools refuse count for the exit status only: they must
	# not be what the whole run consists of.
	[ "$krc" -eq 0 ] && [ "$prc" -eq 0 ] && [ -s p.out ] && both_ok=$((both_ok + 1))
	if [ "$krc" -ne "$prc" ] || ! python3 "$KILN_SRC/tests/report/compare.py" k.out p.out "$*"; then
		echo "   (exit status: kiln $krc, pprof $prc; seed files kept as $seed-*.pb.gz)"
		cp a.pb.gz "$KILN_BUILD/report-diff-$seed-a.pb.gz"
		cp b.pb.gz "$KILN_BUILD/report-diff-$seed-b.pb.gz"
		failed=$((failed + 1))
	fi
}
for ((seed = 1; seed <= seeds; seed++)); do
	"$RANDPROF" a.pb.gz "$seed" || fail "randprof $seed"
	"$RANDPROF" b.pb.gz "$((seed + 1000))" || fail "randprof $((seed + 1000))"
	for args in "-top" "-top -cum -lines" "-tree" "-traces" "-top -nodecount=3 -addresses" \
		    "-top -files -noinlines" "-raw" "-tags" "-peek fn1" "-top -mean" \
		    "-top -focus=fn2 -hide=fn3" "-top -drop_negative -show_from=fn1" \
		    "-top -tagfocus=t=v1" "-top -tagfocus=bytes=100:3000"; do
		# shellcheck disable=SC2086
		run_case $args a.pb.gz
	done
	run_case -top a.pb.gz b.pb.gz
	run_case -traces a.pb.gz b.pb.gz
	run_case -top -diff_base=b.pb.gz a.pb.gz
	run_case -tree -base=b.pb.gz a.pb.gz
	run_case -raw -diff_base=b.pb.gz a.pb.gz
	run_case -top -normalize -base=b.pb.gz a.pb.gz
done
note "$cases cases on $seeds seeds, $failed mismatches, $both_ok with output from both"
[ "$cases" -gt 0 ] || fail "no case compared"
# Random profiles make some cases fail in both tools (a -peek or -focus
# that matches nothing); most must give a report to compare.
[ $((2 * both_ok)) -gt "$cases" ] || fail "only $both_ok of $cases cases gave a report in both tools"
[ "$failed" -eq 0 ] || fail "$failed of $cases cases differ from go tool pprof"
echo ok

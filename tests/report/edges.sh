#!/usr/bin/env bash
# Values at the limits of int64_t through the CLI, where C's arithmetic is
# undefined (a -Db_sanitize=undefined build aborts; see meson.build) and Go's
# is not: a profile whose one sample is scaled past INT64_MAX by -divide_by
# and written with -proto saturates (pprof on amd64 would write INT64_MIN);
# as a -diff_base it is negated to INT64_MIN, which kiln report prints as
# go tool pprof does, and kiln diff and the differential flame graph negate
# back without overflow; sums past INT64_MAX wrap, as in pprof.
source "$KILN_SRC/tests/lib.sh"
need_cmd go
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

worked=$KILN_SRC/tests/report/corpus/worked.pb.gz
big=$TMP/big.pb

# kiln ARGS... > $TMP/out, failing on a non-zero exit or any stderr.
k() {
	local rc=0
	"$KILN" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	[ $rc -eq 0 ] || { cat "$TMP/err" >&2; fail "kiln $* exited $rc"; }
	[ ! -s "$TMP/err" ] || { cat "$TMP/err" >&2; fail "kiln $* printed errors"; }
}

# The worked case's sample on main alone (20ms), times 1e30.
k report -proto -ignore '^(A|B|C)$' -divide_by 1e-30 "$worked"
cp "$TMP/out" "$big"
k report -traces "$big"
grep -qxF '2562047.79hrs   main' "$TMP/out" || { cat "$TMP/out" >&2; fail "-divide_by 1e-30 did not saturate to INT64_MAX"; }

# The saturated profile as a diff base: INT64_MIN samples.
for view in -top -traces -tree -tags; do
	k report "$view" -diff_base "$big" "$worked"
	pprof "$view" -diff_base "$big" "$worked" >"$TMP/p.out" 2>"$TMP/p.err" ||
		{ cat "$TMP/p.err" >&2; fail "go tool pprof $view -diff_base failed"; }
	if ! cmp -s "$TMP/p.out" "$TMP/out"; then
		diff "$TMP/p.out" "$TMP/out" >&2
		fail "$view -diff_base: kiln differs from go tool pprof"
	fi
	[ "$view" != -top ] || grep -qF 'Total samples = -2562047.79hrs' "$TMP/out" ||
		{ cat "$TMP/out" >&2; fail "the INT64_MIN total is not pprof's"; }
done

# kiln diff negates the base back: main had all of the baseline and 10%
# of the new profile.
k diff "$big" "$worked"
grep -qE '^ +100\.00% +-90\.00% .*\[\.\] main$' "$TMP/out" || { cat "$TMP/out" >&2; fail "kiln diff's main row"; }

# Every sample at INT64_MAX: the sums wrap as Go's (report, kiln diff).
k report -proto -divide_by 1e-30 "$worked"
cp "$TMP/out" "$TMP/all.pb"
for view in -top -tree -traces -tags; do
	k report "$view" "$TMP/all.pb"
	pprof "$view" "$TMP/all.pb" >"$TMP/p.out" 2>"$TMP/p.err" ||
		{ cat "$TMP/p.err" >&2; fail "go tool pprof $view failed"; }
	cmp -s "$TMP/p.out" "$TMP/out" || { diff "$TMP/p.out" "$TMP/out" >&2; fail "$view: kiln differs from go tool pprof"; }
done
k diff "$TMP/all.pb" "$worked"
grep -qF '[.] main' "$TMP/out" || { cat "$TMP/out" >&2; fail "kiln diff of wrapped sums"; }

# So does the differential flame graph, whose change is then -INT64_MAX.
k report -flame -diff_base "$big" -o "$TMP/diff.svg" "$worked"
grep -qF '<title>main (200ms, 100.00%; base 2562047.79hrs, change -2562047.79hrs)' "$TMP/diff.svg" ||
	{ grep -o '<title>[^<]*' "$TMP/diff.svg" >&2; fail "differential flame graph's main frame"; }
echo "ok"

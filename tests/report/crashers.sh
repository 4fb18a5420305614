#!/usr/bin/env bash
# Every saved crasher of the profile fuzz target (tests/fuzz/crashers/profile,
# inputs that once crashed or hit undefined behaviour in the decoder and the
# reports) through `kiln report` in each view: pprof's text reports, the perf
# view and the drawings. Each run ends cleanly (exit 0, or 1 with a one-line
# error), never with a signal or a sanitizer report (in a -Db_sanitize build
# UBSan aborts; see meson.build); where go tool pprof reads the file too, the
# text reports are pprof's byte for byte. The fuzz target replays the same
# files through the library (tests/fuzz); this covers what the CLI adds.
source "$KILN_SRC/tests/lib.sh"
need_cmd go
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

dir=$KILN_SRC/tests/fuzz/crashers/profile
files=()
for f in "$dir"/*; do
	[ -f "$f" ] && files+=("$f")
done
[ ${#files[@]} -gt 0 ] || fail "no crashers in $dir"

# run_kiln NAME ARGS...: kiln report ARGS into $TMP/NAME.{out,err}; fails
# unless it exits 0, or 1 with a one-line "kiln: report: ..." error.
run_kiln() {
	local name=$1 rc
	shift
	"$KILN" report "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
	if grep -qE 'runtime error|Sanitizer|^    #[0-9]' "$TMP/$name.err"; then
		cat "$TMP/$name.err" >&2
		fail "kiln report $* hit undefined behaviour or a memory error"
	fi
	case $rc in
	0) return 0 ;;
	1) if [ "$(wc -l <"$TMP/$name.err")" -ne 1 ] || ! grep -q '^kiln: report: ' "$TMP/$name.err"; then
		cat "$TMP/$name.err" >&2
		fail "kiln report $* failed without a one-line error"
	   fi
	   return 1 ;;
	*) cat "$TMP/$name.err" >&2; fail "kiln report $* exited $rc" ;;
	esac
}

checked=0
for f in "${files[@]}"; do
	base=$(basename "$f")
	for view in -top -tree -traces -raw -tags -comments; do
		if run_kiln k "$view" "$f"; then
			kiln_ok=1
		else
			kiln_ok=0
		fi
		if pprof "$view" "$f" >"$TMP/p.out" 2>"$TMP/p.err"; then
			[ $kiln_ok = 1 ] || fail "$base $view: go tool pprof reads it, kiln says: $(cat "$TMP/k.err")"
			if ! cmp -s "$TMP/p.out" "$TMP/k.out"; then
				diff "$TMP/p.out" "$TMP/k.out" | head -20 >&2
				fail "$base $view: kiln's report differs from go tool pprof's"
			fi
			checked=$((checked + 1))
		else
			note "$base $view: go tool pprof refuses it: $(head -1 "$TMP/p.err"); kiln exit ok=$kiln_ok"
		fi
	done
	# The perf view and the drawings have no peer here: a clean exit, and
	# output that is what it says (an SVG, a profile kiln reads back).
	for args in "--stdio" "--stdio -g" "--stdio --no-children -g" "--sort comm,dso,sym --stdio -g" \
		"-dot" "-folded" "-speedscope" "-peek ." "-list ."; do
		# shellcheck disable=SC2086 # args is a word list
		run_kiln k $args "$f" || true
	done
	if run_kiln k -flame -o "$TMP/flame.svg" "$f"; then
		grep -q '</svg>' "$TMP/flame.svg" || fail "$base -flame: no SVG written"
	fi
	if run_kiln proto -proto "$f"; then
		run_kiln raw -raw "$TMP/proto.out" || fail "$base: kiln cannot read its own -proto output"
	fi
done

# The crasher this test was written for: the duration's percentage of
# 11611392 hours once converted 4.18e19 ns to int64_t (report.c:177).
f=$dir/fuzz-profile-ubsan-report177-float-cast.min.pb
[ -f "$f" ] || fail "the float-cast crasher $f is missing"
run_kiln k -top "$f" || fail "kiln report -top refuses $f"
grep -qxF 'Duration: 111ns, Total samples = 11611392hrs (8309344177346644992.00%)' "$TMP/k.out" ||
	{ cat "$TMP/k.out" >&2; fail "the float-cast crasher's header is not pprof's"; }
[ $checked -gt 0 ] || fail "go tool pprof read none of the crashers: nothing was compared"
echo "ok: ${#files[@]} crasher(s), $checked report(s) identical to go tool pprof"

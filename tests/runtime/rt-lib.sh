# Helpers for libkiln's shell tests; sourced after tests/lib.sh's
# variables are set (meson passes KILN, KILN_BUILD, KILN_SRC, LIBKILN).
. "$KILN_SRC/tests/lib.sh"

need_cmd go
RT="$KILN_BUILD/tests/runtime"

# KILN_TEST_CHECKER (tests/runtime/meson.build) says what watches libkiln:
#   memcheck: every program started with libkiln runs in valgrind, with
#     the options in KILN_TEST_VALGRIND (it exits at its first error);
#   tsan: libkiln and the workloads are built with ThreadSanitizer.
VALGRIND=
if [ "${KILN_TEST_CHECKER:-}" = memcheck ]; then
	need_cmd valgrind
	VALGRIND="valgrind $KILN_TEST_VALGRIND"
fi

# Runs a program with libkiln preloaded; -t SECONDS bounds it. Under
# memcheck the program's dynamic loader is valgrind's client, and it
# preloads libkiln itself (--preload): with LD_PRELOAD, valgrind's own
# launcher would load libkiln too (it is re-run at each exec it follows).
preload_exec() {
	t=
	if [ "$1" = -t ]; then t="timeout $2"; shift 2; fi
	if [ -n "$VALGRIND" ]; then
		ldso=$(readelf -l "$1" | sed -n 's/^.*interpreter: \(.*\)\]$/\1/p')
		[ -n "$ldso" ] || fail "no dynamic loader named in $1"
		# shellcheck disable=SC2086
		exec $t $VALGRIND "$ldso" --preload "$LIBKILN" "$@"
	fi
	exec $t env LD_PRELOAD="$LIBKILN" "$@"
}
preload() { (preload_exec "$@"); }
# Runs a program linked with libkiln. Under TSan it is preloaded too: gcc
# links TSan's runtime first, and only a preloaded libkiln comes ahead of
# its malloc.
run_linked() {
	if [ "${KILN_TEST_CHECKER:-}" = tsan ]; then
		preload "$@"
	else
		# shellcheck disable=SC2086
		$VALGRIND "$@"
	fi
}
# Under memcheck programs run tens of times slower, under TSan several: timeouts scale.
slow() {
	if [ -n "$VALGRIND" ]; then echo $(($1 * 10));
	elif [ "${KILN_TEST_CHECKER:-}" = tsan ]; then echo $(($1 * 4));
	else echo "$1"; fi
}

# Per leaf function, the sum of each sample value over the given profiles
# (merged by pprof): "function v1 v2 ...", from `pprof -raw`.
site_values() {
	pprof -raw "$@" 2>"$TMP/raw.err" | awk '
		/^Samples:/ { sec = "s"; next }
		/^Locations/ { sec = "l"; next }
		/^Mappings/ { sec = "m"; next }
		sec == "s" && /^ *-?[0-9][-0-9 ]*:/ {
			split($0, a, ":"); nv = split(a[1], v, " "); split(a[2], ids, " ")
			for (i = 1; i <= nv; i++) sum[ids[1], i] += v[i]
			leaf[ids[1]] = 1; n = nv }
		sec == "l" && /^ +[0-9]+: 0x/ { id = $1; sub(":", "", id); fn[id] = $4 }
		END {
			for (l in leaf) { f = (l in fn) ? fn[l] : "?"; names[f] = 1
				for (i = 1; i <= n; i++) tot[f, i] += sum[l, i] }
			for (f in names) { line = f; for (i = 1; i <= n; i++) line = line " " tot[f, i]; print line }
		}' || { cat "$TMP/raw.err" >&2; fail "pprof -raw $*"; }
}
# value FUNCTION COLUMN (1-based sample type) from site_values on stdin
value() { awk -v f="$1" -v c="$2" '$1 == f { print $(c + 1); found = 1 } END { if (!found) print 0 }'; }

# |got - want| <= pct% of want
within() { awk -v g="$1" -v w="$2" -v p="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w * p / 100) }'; }

# Helpers for libkiln's shell tests; sourced after tests/lib.sh's
# variables are set (meson passes KILN, KILN_BUILD, KILN_SRC, LIBKILN).
. "$KILN_SRC/tests/lib.sh"

if [ -n "${KILN_TEST_SANITIZED:-}" ]; then
	skip "built with -Db_sanitize=$KILN_TEST_SANITIZED, which interposes malloc as libkiln does"
fi
need_cmd go
RT="$KILN_BUILD/tests/runtime"

# Runs a command with libkiln preloaded.
preload() { env LD_PRELOAD="$LIBKILN" "$@"; }

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

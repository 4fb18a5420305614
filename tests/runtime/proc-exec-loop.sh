#!/bin/sh
# A shell loop of 300 /bin/true with heap and CPU profiling: every process
# loads libkiln (through the inherited LD_PRELOAD), starts both profilers
# and writes two valid, empty profiles of its own, and the loop exits 0.
# (How fast: bench/libkiln-exec.)
. "$(dirname "$0")/rt-lib.sh"

mkdir "$TMP/o"
preload -t "$(slow 120)" env KILN_HEAPPROFILE="$TMP/o/h.pb.gz" KILN_CPUPROFILE="$TMP/o/c.pb.gz" \
	sh -c 'i=0; while [ $i -lt 300 ]; do /bin/true || exit 1; i=$((i + 1)); done' 2>"$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "the loop failed (status $?)"; }
[ ! -s "$TMP/err" ] || { head "$TMP/err" >&2; fail "libkiln printed something"; }
nh=$(ls "$TMP/o" | grep -c '^h\.[0-9]*\.pb\.gz$')
nc=$(ls "$TMP/o" | grep -c '^c\.[0-9]*\.pb\.gz$')
note "$nh heap and $nc CPU profiles"
[ "$nh" -ge 300 ] || fail "$nh heap profiles, want >= 300"
[ "$nc" -ge 300 ] || fail "$nc CPU profiles, want >= 300"
[ -z "$(ls "$TMP/o" | grep -v '^[hc]\.[0-9]*\.pb\.gz$')" ] || fail "stray files: $(ls "$TMP/o" | grep -v '^[hc]\.[0-9]*\.pb\.gz$')"
for f in $(ls "$TMP"/o/*.pb.gz | sed -n '1p;150p;$p'); do
	check_valid_profile "$f"
	[ ! -s "$TMP/raw.err" ] || { cat "$TMP/raw.err" >&2; fail "pprof warned about $f"; }
done
echo "ok: 300 processes, each its own profiles"

#!/bin/sh
# pprof's remote symbolization (-symbolize=remote): a program served by
# libkiln with KILN_SYMBOLIZE=none hands out address-only profiles; kiln
# report on its URL asks the server's /debug/pprof/symbol for the names,
# as go tool pprof does, and shows the same functions pprof shows.
. "$(dirname "$0")/rt-lib.sh"
need_cmd go

KILN_HTTP=127.0.0.1:0 KILN_SYMBOLIZE=none KILN_HEAPPROFILE="$TMP/h.pb.gz" \
	preload_exec "$RT/httpwork" "$(slow 60)" 2>"$TMP/err" &
pid=$!
trap 'kill -0 $pid 2>/dev/null || cat "$TMP/err" >&2; kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
port=
for _ in $(seq "$(slow 100)"); do
	port=$(sed -n 's/^kiln: serving \/debug\/pprof\/ on port \([0-9]*\)$/\1/p' "$TMP/err")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { cat "$TMP/err" >&2; fail "the server did not start"; }
url="http://127.0.0.1:$port/debug/pprof/heap"

# What the server hands out has no names: -symbolize=none shows them so.
"$KILN" report -raw -symbolize=none "$url" >"$TMP/none.txt" 2>"$TMP/k.err" ||
	{ cat "$TMP/k.err" >&2; fail "kiln report -symbolize=none $url"; }
grep -q grow_cache "$TMP/none.txt" && fail "KILN_SYMBOLIZE=none served names"
# Remote only: the names come from the server alone.
"$KILN" report -raw -symbolize=remote "$url" >"$TMP/remote.txt" 2>"$TMP/k.err" ||
	{ cat "$TMP/k.err" >&2; fail "kiln report -symbolize=remote $url"; }
grep -q grow_cache "$TMP/remote.txt" || { cat "$TMP/remote.txt" >&2; fail "-symbolize=remote named no grow_cache"; }
# The functions named are go tool pprof's, asked the same way.
fns() { awk '/^Locations/ { on = 1; next } /^Mappings/ { on = 0 } on && NF >= 4 { print $4 }' "$1" | sort -u; }
pprof -raw -symbolize=remote "$url" >"$TMP/pprof.txt" 2>"$TMP/p.err" ||
	{ cat "$TMP/p.err" >&2; fail "go tool pprof -symbolize=remote $url"; }
fns "$TMP/pprof.txt" >"$TMP/pf"
fns "$TMP/remote.txt" >"$TMP/kf"
grep -q grow_cache "$TMP/pf" || { cat "$TMP/pprof.txt" >&2; fail "pprof names no grow_cache"; }
comm -3 "$TMP/pf" "$TMP/kf" | grep . >&2 && fail "kiln's remote names differ from pprof's"
# A local file is never sent anywhere: -symbolize=remote leaves it as is.
"$KILN" report -proto -symbolize=none "$url" >"$TMP/addr.pb.gz" 2>/dev/null || fail "saving the profile"
"$KILN" report -raw -symbolize=remote "$TMP/addr.pb.gz" >"$TMP/file.txt" 2>&1 || fail "kiln report -symbolize=remote FILE"
grep -q grow_cache "$TMP/file.txt" && fail "-symbolize=remote named a local file's addresses"
kill -0 $pid 2>/dev/null || fail "the server died"
echo "ok: -symbolize=remote names $(wc -l < "$TMP/kf") functions as pprof does"

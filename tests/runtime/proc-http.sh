#!/bin/sh
# KILN_HTTP in a process tree: the first process serves /debug/pprof, its
# descendants (which inherit KILN_HTTP) stay silent instead of each trying
# the same port ("Address already in use") or announcing one of their own.
. "$(dirname "$0")/rt-lib.sh"
need_cmd python3
T=$(slow 60)
kids="/bin/true | cat; sh -c '/bin/true'"

# Port 0: one "serving" line, the first process's.
preload -t "$T" env KILN_HTTP=127.0.0.1:0 "$RT/heapwork" spawn "$kids" >/dev/null 2>"$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "heapwork spawn failed"; }
cat "$TMP/err" >&2
n=$(grep -c '^kiln: serving /debug/pprof/ on port [0-9]*$' "$TMP/err")
[ "$n" -eq 1 ] || fail "$n processes announced a server, want 1"
[ "$(grep -c . "$TMP/err")" -eq 1 ] || fail "libkiln printed more than the port"

# A fixed port: the descendants' fetch (python3, preloaded too) is answered
# by the first process, and no one finds the port taken.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fetch="python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/debug/pprof/', timeout=30).read()\""
preload -t "$T" env KILN_HTTP="127.0.0.1:$port" "$RT/heapwork" spawn "$kids; $fetch" \
	>/dev/null 2>"$TMP/err"
rc=$?
cat "$TMP/err" >&2
if grep -qi 'address already in use' "$TMP/err"; then fail "a descendant tried to serve the port"; fi
[ "$rc" -eq 0 ] || fail "heapwork or the fetch from a descendant failed (status $rc)"
[ ! -s "$TMP/err" ] || fail "libkiln printed something"
echo "ok: served by the first process only"

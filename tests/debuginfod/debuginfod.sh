#!/bin/bash
# Debug files by build id from a real debuginfod server on loopback. A
# program built with -g is split: its debug file goes to a folder a
# `debuginfod -F` serves, the stripped binary is recorded. With
# DEBUGINFOD_URLS naming the server (and an empty private client cache),
# kiln record names the program's functions and source lines from the
# fetched file, and annotate shows its source; without DEBUGINFOD_URLS
# they stay unnamed; with a server that does not answer, the recording
# still works and one warning says why.
. "$(dirname "$0")/../lib.sh"
need_cmd debuginfod
need_cmd debuginfod-find
need_cmd objcopy
need_cmd strip
need_cmd curl
need_cmd python3

# A private home: perf record (other tests) caches the unstripped workload
# in ~/.debug by build id, where kiln report would find its names.
export HOME=$TMP/home
mkdir -p "$HOME"
unset PPROF_BINARY_PATH
prog=$(workload cpu-split)
[ -x "$prog" ] || fail "missing workload $prog"
mkdir -p "$TMP/serve" "$TMP/bin"
objcopy --only-keep-debug "$prog" "$TMP/serve/cpu-split.debug" || fail "objcopy --only-keep-debug"
strip --strip-debug --strip-unneeded -o "$TMP/bin/cpu-split" "$prog" || fail "strip"
bid=$(readelf -n "$TMP/bin/cpu-split" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')
[ -n "$bid" ] || fail "the stripped binary has no build id"
[ "$(readelf -n "$TMP/serve/cpu-split.debug" 2>/dev/null | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p')" = "$bid" ] ||
	fail "the debug file's build id differs"
readelf -S "$TMP/bin/cpu-split" | grep -q '\.symtab\|\.debug_info' && fail "the binary is not stripped"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
debuginfod -F -p "$port" -d "$TMP/db.sqlite" -t 0 -g 0 "$TMP/serve" >"$TMP/server.log" 2>&1 &
server=$!
at_exit "kill $server 2>/dev/null; wait $server 2>/dev/null"
# Up and indexed once it serves the debug file (asked without a client
# cache, so kiln's own fetch below is the first one that lands in it).
ok=
for _ in $(seq 300); do
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
		"http://127.0.0.1:$port/buildid/$bid/debuginfo" 2>/dev/null)
	[ "$code" = 200 ] && { ok=1; break; }
	kill -0 "$server" 2>/dev/null || { cat "$TMP/server.log" >&2; fail "debuginfod exited"; }
	sleep 0.1
done
[ -n "$ok" ] || { cat "$TMP/server.log" >&2; fail "debuginfod did not serve $bid within 30 s"; }
note "debuginfod on port $port serves $bid"

# With the server: functions and lines from the fetched debug file.
cache="$TMP/cache"
mkdir -p "$cache"
DEBUGINFOD_URLS="http://127.0.0.1:$port" DEBUGINFOD_CACHE_PATH="$cache" \
	timeout 120 "$KILN" record -q -o "$TMP/with.pb.gz" -- "$TMP/bin/cpu-split" 1 \
	2>"$TMP/with.err" || { cat "$TMP/with.err" >&2; fail "kiln record with debuginfod"; }
cat "$TMP/with.err" >&2
"$KILN" report -top "$TMP/with.pb.gz" >"$TMP/with.top" || fail "report -top"
grep -q ' hot_a$' "$TMP/with.top" || { cat "$TMP/with.top" >&2; fail "hot_a not named with debuginfod"; }
"$KILN" report -top -lines "$TMP/with.pb.gz" >"$TMP/with.lines" || fail "report -lines"
grep -Eq 'hot_a .*cpu-split\.c:[0-9]+' "$TMP/with.lines" ||
	{ cat "$TMP/with.lines" >&2; fail "no source line of hot_a with debuginfod"; }
find "$cache" -type f -name debuginfo | grep -q "$bid" ||
	{ find "$cache" >&2; fail "the debug file is not in the private cache"; }
check_valid_profile "$TMP/with.pb.gz"

# annotate reads source lines through the same fetch (a fresh cache: the
# server is asked again).
rm -rf "$cache"; mkdir -p "$cache"
DEBUGINFOD_URLS="http://127.0.0.1:$port" DEBUGINFOD_CACHE_PATH="$cache" \
	timeout 120 "$KILN" annotate -i "$TMP/with.pb.gz" hot_a >"$TMP/annotate.txt" 2>"$TMP/annotate.err" ||
	{ cat "$TMP/annotate.err" >&2; fail "annotate hot_a with debuginfod"; }
# The source line of hot_a, which only the fetched DWARF points to.
grep -Eq '^ *: *[0-9]+ .*SPIN\(6, r\)' "$TMP/annotate.txt" ||
	{ cat "$TMP/annotate.txt" >&2; fail "annotate shows no source of hot_a with debuginfod"; }

# Without DEBUGINFOD_URLS: nothing is fetched, the functions stay unnamed.
rm -rf "$cache"; mkdir -p "$cache"
env -u DEBUGINFOD_URLS DEBUGINFOD_CACHE_PATH="$cache" \
	timeout 120 "$KILN" record -q -o "$TMP/without.pb.gz" -- "$TMP/bin/cpu-split" 1 \
	2>"$TMP/without.err" || { cat "$TMP/without.err" >&2; fail "kiln record without debuginfod"; }
"$KILN" report -top "$TMP/without.pb.gz" >"$TMP/without.top" || fail "report -top"
grep -q ' hot_a$' "$TMP/without.top" && { cat "$TMP/without.top" >&2; fail "hot_a named without debuginfod"; }
grep -q 'cpu-split' "$TMP/without.top" || { cat "$TMP/without.top" >&2; fail "no cpu-split frames without debuginfod"; }
[ -z "$(find "$cache" -type f)" ] || fail "something was fetched without DEBUGINFOD_URLS"

# A server that is not there: the recording works, one warning, bounded.
kill "$server"; wait "$server" 2>/dev/null
start=$(date +%s)
DEBUGINFOD_URLS="http://127.0.0.1:$port" DEBUGINFOD_CACHE_PATH="$cache" \
	timeout 120 "$KILN" record -q -o "$TMP/dead.pb.gz" -- "$TMP/bin/cpu-split" 1 \
	2>"$TMP/dead.err" || { cat "$TMP/dead.err" >&2; fail "kiln record with a dead server"; }
cat "$TMP/dead.err" >&2
[ "$(grep -c 'warning: debuginfod' "$TMP/dead.err")" = 1 ] || fail "not one debuginfod warning for a dead server"
[ $(( $(date +%s) - start )) -lt 60 ] || fail "a dead server held the recording up"
"$KILN" report -top "$TMP/dead.pb.gz" >/dev/null || fail "report of the recording with a dead server"

# A server that accepts connections and never answers: the wait is bounded
# by DEBUGINFOD_TIMEOUT (2 s without a byte), once for the whole run.
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True); time.sleep(600)' >"$TMP/mute.port" &
mute=$!
at_exit "kill $mute 2>/dev/null"
for _ in $(seq 100); do [ -s "$TMP/mute.port" ] && break; sleep 0.1; done
mport=$(cat "$TMP/mute.port")
[ -n "$mport" ] || fail "the silent server did not start"
start=$(date +%s)
DEBUGINFOD_URLS="http://127.0.0.1:$mport" DEBUGINFOD_CACHE_PATH="$cache" DEBUGINFOD_TIMEOUT=2 \
	timeout 120 "$KILN" record -q -o "$TMP/mute.pb.gz" -- "$TMP/bin/cpu-split" 1 \
	2>"$TMP/mute.err" || { cat "$TMP/mute.err" >&2; fail "kiln record with a silent server"; }
cat "$TMP/mute.err" >&2
[ "$(grep -c 'warning: debuginfod: .*no answer' "$TMP/mute.err")" = 1 ] ||
	fail "not one debuginfod warning for a silent server"
[ $(( $(date +%s) - start )) -lt 30 ] || fail "a silent server held the recording up"
echo "ok: debuginfod serves function names and lines"

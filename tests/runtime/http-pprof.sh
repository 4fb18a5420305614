#!/bin/sh
# The /debug/pprof endpoint of a program run with LD_PRELOAD=libkiln.so and
# KILN_HTTP=127.0.0.1:0, answered to the real `go tool pprof` (heap, CPU
# with -seconds, mutex, threads (current stacks; threads-dump.sh checks
# them), the legacy heap text) and to plain HTTP
# (index, cmdline, symbol, errors), and to `kiln report URL`.
. "$(dirname "$0")/rt-lib.sh"
need_cmd python3

KILN_HTTP=127.0.0.1:0 KILN_MUTEX=1 KILN_HEAPPROFILE="$TMP/snap.pb.gz" \
	preload_exec "$RT/httpwork" "$(slow 120)" 2>"$TMP/err" &
pid=$!
# A server that died (a sanitizer or valgrind halts it at its first
# report) shows why.
trap 'kill -0 $pid 2>/dev/null || cat "$TMP/err" >&2; kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
port=
for _ in $(seq "$(slow 100)"); do
	port=$(sed -n 's/^kiln: serving \/debug\/pprof\/ on port \([0-9]*\)$/\1/p' "$TMP/err")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { cat "$TMP/err" >&2; fail "the server did not start"; }
base="http://127.0.0.1:$port/debug/pprof"
note "serving at $base"

# GET (or POST with a body) printing "status\nheaders\n\nbody".
http() {
	python3 - "$@" <<'PY'
import sys, urllib.request, urllib.error
url = sys.argv[1]
data = sys.argv[2].encode() if len(sys.argv) > 2 else None
try:
    r = urllib.request.urlopen(url, data=data, timeout=60)
    status, headers, body = r.status, r.headers, r.read()
except urllib.error.HTTPError as e:
    status, headers, body = e.code, e.headers, e.read()
sys.stdout.write("%d\n%s\n" % (status, "".join("%s: %s\n" % kv for kv in headers.items())))
sys.stdout.write(body.decode("latin-1"))
PY
}

http "$base/" >"$TMP/index" || fail "index"
head -1 "$TMP/index" | grep -q '^200$' || fail "index status $(head -1 "$TMP/index")"
for p in allocs block heap mutex profile threadcreate threads cmdline; do
	grep -q "href=\"$p" "$TMP/index" || fail "index lacks $p"
done

http "$base/cmdline" | tail -n +2 | grep -q httpwork || fail "cmdline"

http "$base/nosuch" >"$TMP/404"
head -1 "$TMP/404" | grep -q '^404$' || fail "unknown profile status"
grep -qi '^X-Go-Pprof: 1' "$TMP/404" || fail "errors lack X-Go-Pprof"

# heap, as go tool pprof fetches it
pprof -raw "$base/heap" >"$TMP/heap.txt" 2>"$TMP/heap.err" ||
	{ cat "$TMP/heap.err" >&2; fail "go tool pprof could not fetch the heap profile"; }
grep -q 'grow_cache' "$TMP/heap.txt" || fail "heap profile lacks grow_cache"
grep -q '^alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes$' \
	"$TMP/heap.txt" || fail "heap sample types"
pprof -raw "$base/heap?gc=1" >/dev/null 2>&1 || fail "gc=1 is not ignored"

# allocs: same data, alloc_space by default
pprof -top "$base/allocs" 2>/dev/null | grep -q '^Type: alloc_space$' || fail "allocs default type"

# the legacy text form, which pprof parses too
http "$base/heap?debug=1" >"$TMP/text"
sed -n 2,1000p "$TMP/text" | grep -q '^heap profile: [0-9]*: [0-9]* \[[0-9]*: [0-9]*\] @ heap/1048576$' ||
	{ head -5 "$TMP/text" >&2; fail "debug=1 header"; }
grep -q 'grow_cache' "$TMP/text" || fail "debug=1 text is not symbolized"
pprof -raw "$base/heap?debug=1" >"$TMP/legacy.txt" 2>"$TMP/legacy.err" ||
	{ cat "$TMP/legacy.err" >&2; fail "pprof cannot read the debug=1 text"; }
grep -q 'inuse_space/bytes' "$TMP/legacy.txt" || fail "legacy text parsed without inuse_space"

# CPU for 2 seconds; the CPU-bound loop dominates
pprof -seconds 2 -top "$base/profile" >"$TMP/cpu.txt" 2>"$TMP/cpu.err" ||
	{ cat "$TMP/cpu.err" >&2; fail "go tool pprof could not fetch a CPU profile"; }
grep -q 'spin_work' "$TMP/cpu.txt" || { cat "$TMP/cpu.txt" >&2; fail "CPU profile lacks spin_work"; }
grep -q '^Type: cpu$' "$TMP/cpu.txt" || fail "CPU profile type"

# one CPU profile at a time
http "$base/profile?seconds=4" >"$TMP/first" &
first=$!
sleep 2
http "$base/profile?seconds=1" >"$TMP/busy"
head -1 "$TMP/busy" | grep -q '^500$' || fail "a second CPU profile was not refused"
grep -q 'Could not enable CPU profiling' "$TMP/busy" || fail "busy message"
wait $first
head -1 "$TMP/first" | grep -q '^200$' || fail "the first CPU profile failed"

pprof -raw "$base/mutex" >"$TMP/mutex.txt" 2>&1 || fail "mutex profile"
grep -q 'lock_site' "$TMP/mutex.txt" || fail "mutex profile lacks lock_site"

# delta profiles: grow_cache allocated before the window, contention goes on
pprof -seconds 1 -raw "$base/heap" >"$TMP/dheap.txt" 2>"$TMP/dheap.err" ||
	{ cat "$TMP/dheap.err" >&2; fail "delta heap profile"; }
grep -q grow_cache "$TMP/dheap.txt" && fail "the delta heap profile shows grow_cache"
# On a busy machine one thread may hold the lock through a whole short
# window (glibc mutexes are not fair): allow a few windows.
found=
for _ in 1 2 3; do
	pprof -seconds 1 -raw "$base/mutex" >"$TMP/dmutex.txt" 2>&1 || fail "delta mutex profile"
	grep -q lock_site "$TMP/dmutex.txt" && { found=1; break; }
done
[ -n "$found" ] || fail "the delta mutex profile lacks lock_site"
http "$base/heap?seconds=1&debug=1" | head -1 | grep -q '^400$' || fail "seconds with debug accepted"

# SIGUSR2 writes a numbered heap snapshot (gperftools style)
kill -USR2 $pid
for _ in $(seq "$(slow 50)"); do [ -s "$TMP/snap.0001.pb.gz" ] && break; sleep 0.1; done
check_valid_profile "$TMP/snap.0001.pb.gz"
grep -q grow_cache "$TMP/raw.txt" || fail "the SIGUSR2 snapshot lacks grow_cache"

pprof -raw "$base/threads" >"$TMP/threads.txt" 2>&1 || fail "threads profile"
grep -q '^threads/count$' "$TMP/threads.txt" || fail "threads profile sample type"
grep -q 'main' "$TMP/threads.txt" || fail "threads profile lacks the main thread's stack"
pprof -raw "$base/threadcreate" >/dev/null 2>&1 || fail "threadcreate profile"

# remote symbolization, as pprof's symbolz client asks
addr=$(awk '/grow_cache/ && $2 ~ /^0x/ { print $2; exit }' "$TMP/heap.txt")
[ -n "$addr" ] || fail "no grow_cache address"
http "$base/symbol" "$addr" >"$TMP/sym"
grep -q "num_symbols: 1" "$TMP/sym" || fail "symbol: no num_symbols"
grep -q "^$addr grow_cache$" "$TMP/sym" || { cat "$TMP/sym" >&2; fail "symbol lookup"; }

# kiln report fetches over HTTP too (src/cli/fetch.c)
"$KILN" report -top "$base/heap" >"$TMP/kr.txt" 2>"$TMP/kr.err" ||
	{ cat "$TMP/kr.err" >&2; fail "kiln report could not fetch the heap profile"; }
grep -q grow_cache "$TMP/kr.txt" || { cat "$TMP/kr.txt" >&2; fail "kiln report -top lacks grow_cache"; }
"$KILN" report -top -seconds 1 "$base/profile" >"$TMP/krc.txt" 2>"$TMP/krc.err" ||
	{ cat "$TMP/krc.err" >&2; fail "kiln report -seconds could not fetch a CPU profile"; }
grep -q spin_work "$TMP/krc.txt" || { cat "$TMP/krc.txt" >&2; fail "kiln report CPU profile lacks spin_work"; }
"$KILN" report -top "$base/nosuch" >/dev/null 2>"$TMP/kre.err" && fail "kiln report accepted a 404"
grep -q '404.*Unknown profile' "$TMP/kre.err" || { cat "$TMP/kre.err" >&2; fail "kiln report does not show the server's error"; }
"$KILN" report -top "http://127.0.0.1:1/debug/pprof/heap" >/dev/null 2>"$TMP/krr.err" &&
	fail "kiln report accepted a refused connection"
grep -q '127.0.0.1:1/debug/pprof/heap' "$TMP/krr.err" || { cat "$TMP/krr.err" >&2; fail "refused connection message"; }
kill -0 $pid 2>/dev/null || fail "the server died"
if grep -q 'SUMMARY: .*Sanitizer' "$TMP/err"; then cat "$TMP/err" >&2; fail "the server had a sanitizer report"; fi
echo "ok: /debug/pprof answered go tool pprof"

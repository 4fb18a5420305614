#!/usr/bin/env bash
# A small gzip file that decodes to a huge profile (a "memory bomb") is
# refused with one line naming what was too big, long before kiln's memory
# grows past the limit: --max-memory given, the default (a share of RAM),
# from a file and over http://, for every command that reads profiles.
. "$KILN_SRC/tests/lib.sh"
need_cmd python3
[ -x /usr/bin/time ] || skip "needs /usr/bin/time (package time; scripts/setup.sh installs it)"

bomb=$TMP/bomb.pb.gz
# 200 MB uncompressed (~200 KB of gzip): 50 M samples, 2.4 GB decoded.
python3 "$KILN_SRC/tests/report/memory-bomb.py" "$bomb" 200000000 || fail "cannot write the bomb"
note "bomb: $(stat -c %s "$bomb") bytes compressed"

sanitized=false
ldd "$KILN" | grep -q 'libasan' && sanitized=true

# refused LIMIT_MB CMD...: the command fails with the one-line message and
# (outside sanitizer builds, whose shadow memory inflates RSS) its peak RSS
# stays under the limit plus what kiln takes before reading anything.
refused() {
	local limit_mb=$1; shift
	/usr/bin/time -f '%M' -o "$TMP/rss" "$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	[ "$rc" -ne 0 ] || fail "$* accepted the bomb (exit 0)"
	[ "$rc" -lt 128 ] || fail "$* died of signal $((rc - 128)): $(tail -3 "$TMP/err")"
	[ "$(grep -vc '^Command exited' "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "$*: not one line"; }
	grep -q "needs more than $limit_mb MiB of memory to load (.* samples so far); --max-memory SIZE raises the limit" "$TMP/err" ||
		{ cat "$TMP/err" >&2; fail "$*: message does not say what was too big"; }
	local rss_kb; rss_kb=$(tail -1 "$TMP/rss")
	note "$*: exit $rc, peak RSS $((rss_kb / 1024)) MiB: $(head -1 "$TMP/err")"
	if ! $sanitized; then
		[ "$rss_kb" -lt $(((limit_mb + 64) * 1024)) ] ||
			fail "$*: peak RSS $((rss_kb / 1024)) MiB is past the $limit_mb MiB limit"
	fi
}

refused 64 "$KILN" report --max-memory 64M -top "$bomb"
refused 64 "$KILN" report -max-memory=64MiB -traces "$bomb"
refused 64 "$KILN" diff --max-memory 64M "$bomb" "$bomb"
refused 64 "$KILN" script --max-memory 64M -i "$bomb"
refused 64 "$KILN" annotate --max-memory 64M -i "$bomb" main

# Bad sizes are usage errors.
for bad in 0 -5 12Q ''; do
	"$KILN" report --max-memory "$bad" -top "$bomb" >/dev/null 2>"$TMP/err" && fail "--max-memory '$bad' accepted"
	grep -q "max-memory" "$TMP/err" || fail "--max-memory '$bad': $(cat "$TMP/err")"
done

# Over HTTP: the same bound applies to what a server sends.
port_file=$TMP/port
python3 - "$TMP" "$port_file" <<'PY' &
import http.server, os, socketserver, sys
os.chdir(sys.argv[1])
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass
with socketserver.TCPServer(("127.0.0.1", 0), Quiet) as srv:
    open(sys.argv[2] + ".tmp", "w").write(str(srv.server_address[1]))
    os.rename(sys.argv[2] + ".tmp", sys.argv[2])
    srv.timeout = 1
    for _ in range(60):
        srv.handle_request()
PY
server=$!
at_exit "kill $server 2>/dev/null"
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
[ -s "$port_file" ] || fail "test HTTP server did not start"
refused 64 "$KILN" report --max-memory 64M -top "http://127.0.0.1:$(cat "$port_file")/bomb.pb.gz"

# The default: a share of RAM, so the machine is never in trouble. A bigger
# bomb (1 GB uncompressed, 12 GB decoded) must stop at it. Sanitizer builds
# skip this part only: ASan's quarantine and shadow multiply what it maps.
if ! $sanitized; then
	python3 "$KILN_SRC/tests/report/memory-bomb.py" "$bomb" 1000000000 || fail "cannot write the bomb"
	ram_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
	limit_mb=$((ram_mb / 8))
	[ "$limit_mb" -ge 1024 ] || limit_mb=$((ram_mb / 2 < 1024 ? ram_mb / 2 : 1024))
	# The message rounds the limit down to whole MiB of the page-exact RAM.
	/usr/bin/time -f '%M' -o "$TMP/rss" "$KILN" report -top "$bomb" >/dev/null 2>"$TMP/err" &&
		fail "the default limit accepted a 12 GB profile"
	grep -q 'MiB of memory to load (.* samples so far); --max-memory SIZE raises the limit' "$TMP/err" ||
		{ cat "$TMP/err" >&2; fail "default limit: wrong message"; }
	rss_kb=$(tail -1 "$TMP/rss")
	note "default: peak RSS $((rss_kb / 1024)) MiB of ${ram_mb} MiB RAM: $(head -1 "$TMP/err")"
	[ "$rss_kb" -lt $(((limit_mb + 64) * 1024)) ] || fail "default: peak RSS $((rss_kb / 1024)) MiB past RAM/8"
fi
echo "ok"

#!/usr/bin/env bash
# kiln web under 1,000 simultaneous requests (before the fix: 260 reset).
# Every one must get an HTTP answer: 200, or 503 past the connection
# limit -- no resets, no silent closes.
. "$KILN_SRC/tests/lib.sh"
. "$KILN_SRC/tests/web/web-lib.sh"
need_cmd python3
need_cmd curl
# the client needs a descriptor per connection too
ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 1100 ] || skip_lacks "1,100 file descriptors (ulimit -Hn is $(ulimit -Hn))"
"$MKRENDER" "$TMP" || fail "mkrender"
cd "$TMP" || exit 1
start_web web.out known.pb.gz
[ "$(code "${base}api/meta?token=$tok")" = 200 ] || fail "server not answering"
python3 "$KILN_SRC/tests/web/dos.py" flood "$port" 1000 "$tok" >flood.out 2>&1
rc=$?
note "1000 requests: $(cat flood.out)"
[ $rc = 0 ] || fail "requests without an HTTP answer: $(cat flood.out)"
# Once the flood's connections are closed, the server answers normally.
for _ in $(seq 100); do
	c=$(code "${base}api/meta?token=$tok")
	[ "$c" = 200 ] && break
	sleep 0.1
done
[ "$c" = 200 ] || fail "server not answering 10 s after the flood ($c)"
kill -0 "$web_pid" || fail "kiln web died"

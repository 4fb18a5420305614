#!/usr/bin/env bash
# kiln web at the HTTP level (curl, no browser): default loopback address
# and free port, endpoints and content types, the security rules (".." and
# foreign paths refused, non-loopback Host refused, CSP header, escaped
# names in JSON), kiln report -http, and a warning for a public address.
# Requests carry the token's cookie, set by opening the printed URL (the
# token itself is tested in rebinding.sh).
. "$KILN_SRC/tests/lib.sh"
need_cmd curl
"$MKRENDER" "$TMP" || fail "mkrender"
cd "$TMP" || exit 1
"$KILN" web known.pb.gz >web.out 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do grep -q '^Serving' web.out && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' web.out) || fail "no URL printed: $(cat web.out)"
[[ $url =~ ^http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]+$ ]] || fail "not a loopback URL: $url"
curl -s -c jar -o /dev/null "$url" || fail "printed URL"
url=${url%%\?*}

code() { curl -s -b jar -o /dev/null -w '%{http_code}' "$@"; }
curl() { command curl -b jar "$@"; }
[ "$(code "${url}top")" = 200 ] || fail "/top"
[ "$(code "${url}nope")" = 404 ] || fail "unknown path should be 404"
[ "$(code -X POST "${url}api/meta")" = 405 ] || fail "POST should be 405"
[ "$(code -H 'Host: attacker.example' "${url}api/meta")" = 403 ] || fail "foreign Host should be 403"
[ "$(code "${url}api/source?file=../../../../etc/passwd")" = 403 ] || fail ".. should be 403"
[ "$(code "${url}api/source?file=/etc/passwd")" = 403 ] || fail "foreign absolute path should be 403"
[ "$(code "${url}api/source?file=app.c")" = 200 ] || fail "app.c should be served"
[ "$(code "${url}api/top?si=nonesuch")" = 400 ] || fail "bad sample index should be 400"
[ "$(code "${url}api/top?f=%28")" = 400 ] || fail "bad regex should be 400"
[ "$(code "${url}api/top?n=-1")" = 400 ] || fail "bad nodecount should be 400"
curl -s -D headers -o page.html "${url}flamegraph" || fail "page"
grep -qi "^Content-Security-Policy: default-src 'none'; script-src 'self'" headers || fail "no CSP"
grep -qi '^X-Content-Type-Options: nosniff' headers || fail "no nosniff"
grep -q 'src="/assets/app.js"' page.html || fail "page does not load the embedded script"
[ "$(code "${url}assets/app.js")" = 200 ] || fail "embedded app.js"
curl -s -D dlh -o dl.pb.gz "${url}download" || fail "download"
grep -qi '^Content-Type: application/vnd.google.protobuf+gzip' dlh || fail "download type"
"$KILN" report -folded dl.pb.gz | grep -q '^main;work;compute 400000000$' || fail "downloaded profile"
curl -s "${url}api/top" | grep -q '\["compute",400000000,' || fail "top JSON"
curl -s "${url}api/flame?si=samples" | grep -q '"sampleType":"samples"' || fail "flame JSON si"
kill $pid; wait $pid 2>/dev/null

# names are escaped in JSON (no raw '<' reaches the page)
"$KILN" report -http=127.0.0.1:0 evil.pb.gz >web2.out 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q '^Serving' web2.out && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' web2.out) || fail "kiln report -http printed no URL"
command curl -s -c jar -o /dev/null "$url" || fail "printed URL"
url=${url%%\?*}
body=$(curl -s "${url}api/top")
[[ $body == *'\u003cscript\u003ewindow.__pwned=1\u003c/script\u003e'* ]] || fail "evil name not escaped: $body"
[[ $body != *'<script'* ]] || fail "raw <script in JSON"
[ "$(code "${url}api/source?file=../../../../etc/passwd")" = 403 ] || fail "profile-named .. path should be 403"
kill $pid; wait $pid 2>/dev/null

# a public address warns
"$KILN" web --http 0.0.0.0:0 known.pb.gz >web3.out 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q '^Serving' web3.out && break; sleep 0.1; done
grep -q 'other machines can reach' web3.out || fail "no warning for 0.0.0.0: $(cat web3.out)"
kill $pid; wait $pid 2>/dev/null
"$KILN" web -h | grep -q -- '--http HOST:PORT' || fail "kiln web -h"

#!/usr/bin/env bash
# kiln web against DNS rebinding and other origins (issue: a hostile page
# reaching the loopback server). Host headers: only literal loopback forms
# (127.0.0.0/8 dotted quads, [::1], localhost, each with an optional port)
# are accepted; names that merely start like them are refused. The per-run
# token: every path without it (or its cookie) gets 403; the printed URL
# sets an HttpOnly SameSite=Strict cookie and redirects to the clean URL.
. "$KILN_SRC/tests/lib.sh"
. "$KILN_SRC/tests/web/web-lib.sh"
need_cmd curl
"$MKRENDER" "$TMP" || fail "mkrender"
cd "$TMP" || exit 1
start_web web.out known.pb.gz

# Forged Host headers are refused even with the token; each of these got
# 200 before the fix.
for h in '127.attacker.example' '127.0.0.1.nip.io' 'localhost:1@evil.example' \
	 'attacker.example' "127.0.0.1:$port.evil.example" '127.0.0.1:80:80' \
	 'localhost.evil.example' '[::1].evil.example' '[::1]:1@evil.example' \
	 '127.0.0.1.' '127.0.0.256' '127.0.0' '0x7f.0.0.1' 'evil.127.0.0.1'; do
	c=$(code -H "Host: $h" "${base}api/meta?token=$tok")
	[ "$c" = 403 ] || fail "Host: '$h' got $c, want 403"
done
c=$(code -H 'Host: 127.attacker.example' "${base}download?token=$tok")
[ "$c" = 403 ] || fail "/download with a rebinding Host got $c"
# Literal loopback forms work.
for h in "127.0.0.1:$port" "localhost:$port" "LocalHost:$port" "[::1]:$port" '127.0.0.1' \
	 "127.1.2.3:$port" 'localhost'; do
	c=$(code -H "Host: $h" "${base}api/meta?token=$tok")
	[ "$c" = 200 ] || fail "Host: '$h' got $c, want 200"
done

# The token.
[[ $url =~ ^http://127\.0\.0\.1:[0-9]+/\?token=[0-9a-f]{32}$ ]] || fail "printed URL carries no token: $url"
for p in '' top flamegraph source api/meta api/top api/flame 'api/source?re=.' \
	 'api/source?file=app.c' api/files download assets/app.js assets/app.css; do
	c=$(code "$base$p")
	[ "$c" = 403 ] || fail "/$p without the token got $c, want 403"
done
body=$(curl -s --max-time 20 "${base}api/meta")
[ "$(printf '%s\n' "$body" | wc -l)" = 1 ] && [[ $body == *token* ]] ||
	fail "the 403 should be one line about the token: $body"
wrong=$(printf '%s' "$tok" | tr '0-9a-f' '1-9a-f0')
[ "$(code "${base}api/meta?token=$wrong")" = 403 ] || fail "a wrong token was accepted"
[ "$(code "${base}api/meta?token=${tok}0")" = 403 ] || fail "a longer token was accepted"
[ "$(code -H "Cookie: kiln_token_$port=$wrong" "${base}api/meta")" = 403 ] || fail "a wrong cookie was accepted"
[ "$(code -H "Cookie: kiln_token_1=$tok" "${base}api/meta")" = 403 ] || fail "another port's cookie was accepted"
[ "$(code -H "Cookie: kiln_token_$port=$tok" "${base}api/meta")" = 200 ] || fail "the cookie was refused"
[ "$(code "${base}download?token=$tok")" = 200 ] || fail "?token= on /download (scripts) was refused"

# The printed URL: 303 to the clean URL, setting the cookie.
curl -s --max-time 20 -D h1 -o /dev/null "$url" || fail "printed URL"
grep -q '^HTTP/1.1 303' h1 || fail "printed URL does not redirect: $(cat h1)"
grep -qi '^Location: /\s*$' h1 || fail "redirect is not to the clean URL: $(cat h1)"
cookie=$(grep -i '^Set-Cookie:' h1 | tr -d '\r')
[[ $cookie == *"kiln_token_$port=$tok"* && $cookie == *HttpOnly* && $cookie == *SameSite=Strict* &&
   $cookie == *'Path=/'* ]] || fail "cookie: '$cookie'"
curl -s --max-time 20 -D h2 -o /dev/null "${base}flamegraph?si=samples&token=$tok&f=a%20b%2Fc"
grep -qi '^Location: /flamegraph?si=samples&f=a%20b%2Fc\s*$' h2 || fail "redirect keeps the other parameters: $(cat h2)"
# A browser-like client: follow the redirect, then use the cookie only.
eff=$(curl -s --max-time 20 -c jar -b jar -L -o page.html -w '%{http_code} %{url_effective}' "$url")
[ "$eff" = "200 $base" ] || fail "following the printed URL: $eff"
grep -q 'src="/assets/app.js"' page.html || fail "page after the redirect"
for p in top api/meta api/top download assets/app.js 'api/source?file=app.c'; do
	c=$(code -b jar "$base$p")
	[ "$c" = 200 ] || fail "/$p with the cookie got $c"
done
[ "$(code -b jar -X POST "${base}api/meta")" = 405 ] || fail "POST with the cookie should be 405"

# Each run has its own token.
mkdir two && cd two && cp ../known.pb.gz . || exit 1
first_tok=$tok first_base=$base
start_web web.out known.pb.gz
[ -n "$tok" ] && [ "$tok" != "$first_tok" ] || fail "two runs share a token ($tok)"
[ "$(code "${base}api/meta?token=$first_tok")" = 403 ] || fail "one run's token opens another"
[ "$(code "${first_base}api/meta?token=$first_tok")" = 200 ] || fail "first server"

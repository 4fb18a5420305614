#!/usr/bin/env bash
# kiln web in a real browser: headless Debian chromium + playwright-core
# (browser.js) on the profiles of tests/render/mkrender.c. Screenshots go to
# the build folder (tests/web/*.png).
. "$KILN_SRC/tests/lib.sh"
. "$KILN_SRC/tests/web/npm-setup.sh"
[ -x /usr/bin/chromium ] || skip "needs Debian's chromium (scripts/setup.sh installs it)"
need_cmd node
need_cmd npm
web_npm_setup || fail "could not install playwright-core with npm ci"

"$MKRENDER" "$TMP" || fail "mkrender"
"$KILN" report -flame -o "$TMP/known.svg" "$TMP/known.pb.gz" || fail "kiln report -flame"

start_web() { # PROFILE OUTFILE -> prints URL
	(cd "$TMP" && exec "$KILN" web "$1" >"$2" 2>&1) &
	echo $! >"$2.pid"
	for _ in $(seq 100); do
		grep -q '^Serving' "$2" 2>/dev/null && break
		sleep 0.1
	done
	grep -o 'http://[^ ]*' "$2" || { cat "$2" >&2; return 1; }
}
stop_web() { kill "$(cat "$1.pid")" 2>/dev/null; wait "$(cat "$1.pid")" 2>/dev/null; }

url=$(start_web known.pb.gz "$TMP/web1.out") || fail "kiln web did not start"
evil=$(start_web evil.pb.gz "$TMP/web2.out") || { stop_web "$TMP/web1.out"; fail "kiln web (evil) did not start"; }
shots="$KILN_BUILD/tests/web"
mkdir -p "$shots"
node "$KILN_SRC/tests/web/browser.js" "$url" "$evil" "$TMP/known.svg" "$shots"
rc=$?
stop_web "$TMP/web1.out"
stop_web "$TMP/web2.out"
[ $rc -eq 0 ] || fail "browser checks failed"

#!/usr/bin/env bash
# kiln web in a real browser: headless Debian chromium driven through
# Debian's chromedriver by python3-selenium (browser.py), on the profiles of
# tests/render/mkrender.c; no npm registry needed. Screenshots go to the
# build folder (tests/web/*.png).
. "$KILN_SRC/tests/lib.sh"
[ -x /usr/bin/chromium ] || skip "needs Debian's chromium (scripts/setup.sh installs it)"
need_cmd python3
# The first python3 that has selenium: python3-selenium is the system
# python's, which a python3 earlier in PATH (pyenv, a venv) may not see.
py=
for p in python3 /usr/bin/python3; do
	command -v "$p" >/dev/null 2>&1 && "$p" -c 'import selenium' 2>/dev/null && { py=$p; break; }
done
[ -n "$py" ] && [ -x /usr/bin/chromedriver ] ||
	skip "needs python3-selenium and chromium-driver (scripts/setup.sh installs them)"

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
"$py" "$KILN_SRC/tests/web/browser.py" "$url" "$evil" "$TMP/known.svg" "$shots"
rc=$?
stop_web "$TMP/web1.out"
stop_web "$TMP/web2.out"
[ $rc -eq 0 ] || fail "browser checks failed"

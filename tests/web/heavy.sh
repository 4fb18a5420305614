#!/usr/bin/env bash
# Heavy reports do not hold up light requests: six /api/source?re=. (the
# -list view of every function) on a 100,000-function profile run while
# small requests (/api/meta, the cached /api/top, a page, an asset) are
# made; each small one must be answered while heavy ones are still running
# (before the fix every request waited behind one lock for the heavy one:
# 89 s). Heavy ones get 200, or 503 when they waited too long for one of
# the two heavy slots.
. "$KILN_SRC/tests/lib.sh"
. "$KILN_SRC/tests/web/web-lib.sh"
need_cmd curl
GEN=${GEN_PROFILE:?}
cd "$TMP" || exit 1
"$GEN" big.pb.gz 50000 7 100000 2>/dev/null || fail "gen-profile"
start_web web.out big.pb.gz
[ "$(code "${base}api/meta?token=$tok")" = 200 ] || fail "server not answering"

cpu() { awk '{ print $14 + $15 }' "/proc/$web_pid/stat"; }
c0=$(cpu)
heavy=""
for i in 1 2 3 4 5 6; do
	( c=$(curl -s -o heavy$i.out -w '%{http_code}' --max-time 240 "${base}api/source?re=.&token=$tok")
	  echo "$c" >heavy$i.code ) &
	heavy="$heavy $!"
done
at_exit "kill $heavy 2>/dev/null"

# Wait until the server is busy with them (half a second of its CPU time).
hz=$(getconf CLK_TCK)
for _ in $(seq 600); do
	[ $(( $(cpu) - c0 )) -ge $((hz / 2)) ] && break
	sleep 0.1
done
[ $(( $(cpu) - c0 )) -ge $((hz / 2)) ] || fail "the heavy requests never started"
running() { local n=0; for i in 1 2 3 4 5 6; do [ -e heavy$i.code ] || n=$((n + 1)); done; echo $n; }
for p in api/meta api/top top assets/app.js api/files api/meta; do
	[ "$(running)" -gt 0 ] || fail "the heavy requests finished before /$p was asked (too small a profile?)"
	c=$(curl -s -o small.out -w '%{http_code}' --max-time 60 -H "Cookie: kiln_token_$port=$tok" "${base}$p")
	left=$(running)
	[ "$c" = 200 ] || fail "/$p got $c while heavy reports ran"
	[ "$left" -gt 0 ] || fail "/$p was answered only after every heavy report had finished"
done
wait $heavy
ok=0
for i in 1 2 3 4 5 6; do
	c=$(cat heavy$i.code)
	case $c in
	200) grep -q '^ROUTINE' heavy$i.out || fail "heavy $i: no listing"; ok=$((ok + 1)) ;;
	503) ;;
	*) fail "heavy $i got $c: $(head -c 300 heavy$i.out)" ;;
	esac
done
[ $ok -ge 2 ] || fail "only $ok heavy reports completed"
note "heavy: $ok of 6 completed, $((6 - ok)) got 503"

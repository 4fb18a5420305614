#!/usr/bin/env bash
# kiln web under slowloris: 64 connections that send half a request and
# then hold (before the fix they used up every connection, and 0 of 12
# probes were answered). Each probe must now be answered while they hold,
# and the server must close the silent connections itself (idle timeout,
# 30 s) within a minute.
. "$KILN_SRC/tests/lib.sh"
. "$KILN_SRC/tests/web/web-lib.sh"
need_cmd curl
need_cmd python3
"$MKRENDER" "$TMP" || fail "mkrender"
cd "$TMP" || exit 1
start_web web.out known.pb.gz
[ "$(code "${base}api/meta?token=$tok")" = 200 ] || fail "server not answering"

python3 "$KILN_SRC/tests/web/dos.py" slowloris "$port" 64 ready 60 >slow.out 2>&1 &
slow=$!
at_exit "kill $slow 2>/dev/null"
for _ in $(seq 200); do [ -e ready ] && break; kill -0 $slow 2>/dev/null || break; sleep 0.1; done
[ -e ready ] || fail "slowloris client did not start: $(cat slow.out)"
answered=0
for i in $(seq 12); do
	case $((i % 3)) in
	0) p="api/meta" ;; 1) p="api/top" ;; 2) p="top" ;;
	esac
	c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Cookie: kiln_token_$port=$tok" "${base}$p")
	case $c in 200) answered=$((answered + 1)) ;; esac
done
kill -0 $slow 2>/dev/null || fail "the slow connections were dropped before the probes ran: $(cat slow.out)"
[ "$answered" = 12 ] || fail "$answered of 12 probes answered while 64 slow connections held"
wait $slow
rc=$?
note "slowloris: $(cat slow.out)"
[ $rc = 0 ] || fail "the server did not close idle connections: $(cat slow.out)"
[ "$(code "${base}api/meta?token=$tok")" = 200 ] || fail "server not answering afterwards"

# Sourced by the web tests after tests/lib.sh: starts kiln web and reads
# the URL it prints.
#
# start_web OUT ARGS...: runs `kiln web ARGS` in the background in the
# current folder, stopped when the test exits, and sets
#   web_pid  the server's pid
#   url      the printed URL (http://127.0.0.1:PORT/?token=...)
#   base     the same without the query (http://127.0.0.1:PORT/)
#   port     PORT
#   tok      the token ("" when the URL carries none)
start_web() {
	local out=$1
	shift
	"$KILN" web "$@" >"$out" 2>&1 &
	web_pid=$!
	at_exit "stop_pid $web_pid"
	for _ in $(seq 600); do
		grep -q '^Serving' "$out" && break
		kill -0 "$web_pid" 2>/dev/null || break
		sleep 0.1
	done
	url=$(grep -o 'http://[^ ]*' "$out") || fail "kiln web printed no URL: $(cat "$out")"
	base=${url%%\?*}
	port=${base##*:}
	port=${port%/}
	tok=""
	[[ $url == *'?token='* ]] && tok=${url#*\?token=}
	return 0
}
# Stops a background process: TERM, then KILL if it is still there after
# 10 s (a server stuck in a request must not hang the test).
stop_pid() {
	kill "$1" 2>/dev/null || return 0
	for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}
stop_web() { stop_pid "$web_pid"; }

# HTTP status of a request (000 when there was no answer), 20 s at most.
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@"; }

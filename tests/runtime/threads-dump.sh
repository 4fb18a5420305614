#!/bin/sh
# /debug/pprof/threads: threadswork's threads, parked in known places (two
# in wait_in_cond, one in spin_in_loop, one in sleep_in_nanosleep, one in
# masked_sleep with every signal blocked), each show up there with the
# right counts (debug=1), tids, names and states (debug=2), as a profile
# go tool pprof and kiln report read without warnings (debug=0); the masked
# thread is reported, not waited for; and the program's own sleep is not
# cut short by the signal that takes the stacks.
. "$(dirname "$0")/rt-lib.sh"
need_cmd python3

KILN_HTTP=127.0.0.1:0 preload_exec -t "$(slow 120)" "$RT/threadswork" "$(slow 100)" \
	>"$TMP/out" 2>"$TMP/err" &
pid=$!
trap 'kill -0 $pid 2>/dev/null || cat "$TMP/err" >&2; kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
port=
for _ in $(seq "$(slow 100)"); do
	port=$(sed -n 's/^kiln: serving \/debug\/pprof\/ on port \([0-9]*\)$/\1/p' "$TMP/err")
	[ -n "$port" ] && grep -q '^ready ' "$TMP/out" && break
	sleep 0.1
done
[ -n "$port" ] || { cat "$TMP/err" >&2; fail "the server did not start"; }
grep -q '^ready ' "$TMP/out" || fail "the threads did not get to their places"
wpid=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$TMP/out") # not $pid, which may be timeout's
sleep 0.5 # from "arrived" to inside the wait
base="http://127.0.0.1:$port/debug/pprof"

# GET, body to stdout; fails unless 200. Bounded: a request that hangs on
# a thread fails the test.
get() {
	timeout "$(slow 30)" python3 - "$1" <<'PY'
import sys, urllib.request
r = urllib.request.urlopen(sys.argv[1], timeout=600)
sys.stdout.buffer.write(r.read())
PY
}
# tid_of NAME: the tid of threadswork's thread NAME (empty when none)
tid_of() {
	for c in /proc/$wpid/task/*/comm; do
		[ "$(cat "$c" 2>/dev/null)" = "$1" ] && { basename "$(dirname "$c")"; return; }
	done
}

# debug=1: "N @ pcs", "# tids: ...", then "#\tpc\tfunc\tfile:line" per frame
get "$base/threads?debug=1" >"$TMP/d1" || fail "threads?debug=1"
cat "$TMP/d1" >&2
total=$(sed -n '1s/^threads profile: total \([0-9]*\)$/\1/p' "$TMP/d1")
[ -n "$total" ] || fail "debug=1 header"
sum=$(awk '/^[0-9]+ @/ { s += $1 } END { print s + 0 }' "$TMP/d1")
[ "$sum" -eq "$total" ] || fail "debug=1 counts add up to $sum, not the total $total"
[ "$total" -ge 7 ] || fail "debug=1 total $total: fewer than threadswork's 6 threads and the server's"
# count_with TEXT: the count of the stack whose lines hold TEXT
count_with() {
	awk -v pat="$1" '/^[0-9]+ @/ { n = $1 } /^$/ { n = "" }
		n != "" && index($0, pat) { print n; found = 1; exit } END { if (!found) print 0 }' "$TMP/d1"
}
[ "$(count_with '	wait_in_cond	')" -eq 2 ] || fail "debug=1: wait_in_cond not on 2 threads"
[ "$(count_with '	spin_in_loop	')" -eq 1 ] || fail "debug=1: spin_in_loop not on 1 thread"
[ "$(count_with '	sleep_in_nanosleep	')" -eq 1 ] || fail "debug=1: sleep_in_nanosleep not on 1 thread"
# Under memcheck /proc shows valgrind's signal masks, not the program's:
# there the masked thread is one that did not answer in time.
blocked='stack unavailable: signals blocked'
[ -n "$VALGRIND" ] && blocked='stack unavailable: no answer to the signal in time (signals blocked?)'
# (other threads, the server's own, may block it too)
[ "$(count_with "$blocked")" -ge 1 ] ||
	fail "debug=1: the thread blocking signals is not reported as such"
masked=$(tid_of masked)
[ -n "$masked" ] || fail "no thread named masked in /proc/$wpid/task"
awk '/^# tids:/ { tids = $0 } /signals blocked/ { print tids }' "$TMP/d1" |
	grep -qw "$masked" || fail "debug=1: the signals-blocked stack is not thread $masked's"

get "$base/" | grep -q 'href="threads?debug=2"' || fail "the index lacks the full thread dump"

# debug=2: "thread TID \"name\" [S (sleeping)]:", frames, a blank line
get "$base/threads?debug=2" >"$TMP/d2" || fail "threads?debug=2"
# section NAME: that thread's lines
section() { awk -v n="\"$1\"" '$1 == "thread" && $3 == n { p = 1 } p && /^$/ { exit } p' "$TMP/d2"; }
for spec in cond-a:S:wait_in_cond cond-b:S:wait_in_cond spinner:R:spin_in_loop \
	sleeper:S:sleep_in_nanosleep "masked:S:$blocked"; do
	name=${spec%%:*} rest=${spec#*:}
	state=${rest%%:*} where=${rest#*:}
	tid=$(tid_of "$name")
	[ -n "$tid" ] || fail "no thread named $name in /proc/$wpid/task"
	section "$name" >"$TMP/sec"
	[ -s "$TMP/sec" ] || fail "debug=2 lacks thread $name"
	head -1 "$TMP/sec" | grep -q "^thread $tid \"$name\" \[$state " ||
		fail "debug=2: $name: $(head -1 "$TMP/sec"), want tid $tid state $state"
	grep -qF "$where" "$TMP/sec" || { cat "$TMP/sec" >&2; fail "debug=2: $name is not in $where"; }
done
n2=$(grep -c '^thread [0-9]' "$TMP/d2")
[ "$n2" -ge 7 ] || fail "debug=2 lists $n2 threads"

# debug=0: a profile, read by go tool pprof without warnings
pprof -raw "$base/threads" >"$TMP/raw.txt" 2>"$TMP/raw.err" ||
	{ cat "$TMP/raw.err" >&2; fail "go tool pprof could not fetch the threads profile"; }
if grep -v -e '^Fetching profile over HTTP from' -e '^Saved profile in' "$TMP/raw.err" | grep -q .; then
	cat "$TMP/raw.err" >&2; fail "go tool pprof warned about the threads profile"
fi
grep -q '^threads/count$' "$TMP/raw.txt" || fail "threads profile sample type"
pprof -top -nodefraction=0 "$base/threads" >"$TMP/top" 2>/dev/null || fail "pprof -top threads"
cum() { awk -v f="$1" 'p && $6 == f { print $4; found = 1; exit } /flat%/ { p = 1 }
	END { if (!found) print 0 }' "$2"; }
[ "$(cum wait_in_cond "$TMP/top")" = 2 ] || { cat "$TMP/top" >&2; fail "pprof -top: wait_in_cond not 2"; }
[ "$(cum spin_in_loop "$TMP/top")" = 1 ] || fail "pprof -top: spin_in_loop not 1"
[ "$(cum sleep_in_nanosleep "$TMP/top")" = 1 ] || fail "pprof -top: sleep_in_nanosleep not 1"
grep -qF "$blocked" "$TMP/top" || fail "pprof -top lacks the masked thread"
grep -q "tid:$masked" "$TMP/raw.txt" || grep -q "tid:\[.*$masked" "$TMP/raw.txt" ||
	grep -q "$masked" "$TMP/raw.txt" || fail "the threads profile has no tid labels"
"$KILN" report -top -nodefraction=0 "$base/threads" >"$TMP/kr" 2>"$TMP/kr.err" ||
	{ cat "$TMP/kr.err" >&2; fail "kiln report could not fetch the threads profile"; }
[ "$(cum wait_in_cond "$TMP/kr")" = 2 ] || { cat "$TMP/kr" >&2; fail "kiln report -top: wait_in_cond not 2"; }

# the main thread's sleep(), interrupted by each request's signal, went on
kill -0 $pid 2>/dev/null || fail "threadswork ended early: its sleep was cut short"
grep -q '^done$' "$TMP/out" && fail "threadswork's sleep ended early"
if grep -q 'SUMMARY: .*Sanitizer' "$TMP/err"; then cat "$TMP/err" >&2; fail "sanitizer report"; fi
echo "ok: every thread at its place in debug=0, 1 and 2"

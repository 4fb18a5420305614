#!/bin/sh
# Many threads allocating through every interposed entry point at rate 1
# while the main thread forks children that allocate and exec: must finish
# (no deadlock: bounded by timeout), exit 0, and leave valid profiles, the
# parent's at KILN_HEAPPROFILE and each descendant's beside it, with its pid
# before the extension (h.PID.pb.gz): the 16 forked children that exit and
# the 4 /bin/true programs the others exec (not under memcheck).
. "$(dirname "$0")/rt-lib.sh"

KILN_HEAPPROFILE="$TMP/h.pb.gz" KILN_HEAP_RATE=1 \
	preload -t "$(slow 120)" "$RT/heapstress" >"$TMP/out" 2>"$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "heapstress failed or hung (status $?)"; }
grep -q '^ok 20 forks$' "$TMP/out" || fail "heapstress did not finish its forks"
check_valid_profile "$TMP/h.pb.gz"
grep -q 'worker' "$TMP/raw.txt" || fail "the worker threads' allocations are missing"
n=0
for f in "$TMP"/h.*.pb.gz; do
	[ -e "$f" ] || continue
	check_valid_profile "$f"
	n=$((n + 1))
done
# Under memcheck, libkiln is valgrind's --preload, which exec'd programs
# do not inherit: only the forked children profile themselves there.
want=20
[ -n "$VALGRIND" ] && want=16
[ "$n" -eq "$want" ] || fail "$n descendants wrote profiles, expected $want (16 forked, 4 exec'd)"
echo "ok: parent and $n descendants wrote valid profiles"

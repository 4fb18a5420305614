#!/usr/bin/env bash
# Early failures tear down a half-built recording cleanly: a command that
# cannot run (after the rings are mapped and the reader thread runs, also
# with -a at a high rate so the reader is busy draining), a dead -p, an
# unknown event. Repeated, because a teardown race shows only sometimes;
# in the sanitizer build (CI runs the suite under address,undefined) any
# report turns the exit status and the one-line message checked here into
# something else.
. "$KILN_SRC/tests/lib.sh"
need_root

cd "$TMP"
"$(workload threads)" 60 & wpid=$!
at_exit "kill $wpid 2>/dev/null"
sleep 0.1 & dead=$!; wait $dead

# expect RC MESSAGE-REGEX CMD...: exit status and exactly one stderr line.
expect() {
	local want=$1 re=$2 rc
	shift 2
	timeout 30 "$KILN" "$@" >out 2>err; rc=$?
	[ "$rc" -eq "$want" ] || { cat err >&2; fail "kiln $* exited $rc, expected $want"; }
	[ "$(wc -l < err)" -eq 1 ] && grep -Eq -- "$re" err ||
		{ cat err >&2; fail "kiln $*: expected one line matching '$re'"; }
}

missing="kiln: cannot run './no-such-command': No such file or directory"
for i in $(seq 15); do
	expect 127 "^$missing\$" record -q -o x.pb.gz -- ./no-such-command
	expect 127 "^$missing\$" record -q -a -F 20000 -o x.pb.gz -- ./no-such-command
	expect 127 "^$missing\$" record -q -p "$wpid" -F 20000 -o x.pb.gz -- ./no-such-command
	expect 127 "^$missing\$" top --stdio -q -a -F 20000 -- ./no-such-command
	expect 1 "$dead" record -q -p "$dead" -o x.pb.gz
	expect 1 "no-such-event" record -q -e no-such-event -o x.pb.gz -- true
	[ ! -e x.pb.gz ] || fail "output written by a recording that never started"
done
# No child left behind by the failed launches.
pgrep -f no-such-command >/dev/null && fail "a child of a failed launch is still there"
echo ok

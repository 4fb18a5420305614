#!/usr/bin/env bash
# The command's exit status passes through; bad input gives one clear line,
# a non-zero exit and no output file.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go

cd "$TMP" || fail "cd $TMP"
# The command works for a while (cpu-split), then fails: the profile keeps
# that work.
work="'$(workload cpu-split)' 0.3 && exec '$(workload exitcode)'"
"$KILN" record -q -o a.pb.gz -- sh -c "$work 3"; rc=$?
[ "$rc" -eq 3 ] || fail "exit status 3 became $rc"
[ -s a.pb.gz ] || fail "no profile after a failing command"
[ "$(pprof_counts a.pb.gz | cum_of hot_a)" -gt 0 ] || fail "the profile of a failing command lost its samples"
"$KILN" record -q -o b.pb.gz -- sh -c "$work -9"; rc=$?
[ "$rc" -eq 137 ] || fail "SIGKILLed command gave $rc, expected 137"
[ -s b.pb.gz ] || fail "no profile after the command was killed"
[ "$(pprof_counts b.pb.gz | cum_of hot_a)" -gt 0 ] || fail "the profile of a killed command lost its samples"

"$KILN" record -o c.pb.gz -- ./no-such-command 2>err; rc=$?
[ "$rc" -eq 127 ] || fail "missing command gave $rc, expected 127"
grep -qx "kiln: cannot run './no-such-command': No such file or directory" err ||
	{ cat err >&2; fail "message for a missing command"; }
[ ! -e c.pb.gz ] || fail "output written for a command that never ran"

"$KILN" record -e no-such-event -o d.pb.gz -- true 2>err; rc=$?
[ "$rc" -ne 0 ] || fail "unknown event accepted"
[ "$(wc -l < err)" -eq 1 ] || { cat err >&2; fail "expected one line for an unknown event"; }
grep -q "no-such-event" err || fail "the event is not named"
grep -q "kiln list" err || { cat err >&2; fail "no hint at kiln list"; }
[ ! -e d.pb.gz ] || fail "output written for an unknown event"

sleep 0.1 & dead=$!; wait $dead
"$KILN" record -p "$dead" -o e.pb.gz 2>err; rc=$?
[ "$rc" -ne 0 ] || fail "dead pid accepted"
grep -q "$dead" err || { cat err >&2; fail "dead pid not named"; }
[ ! -e e.pb.gz ] || fail "output written for a dead pid"

"$KILN" record --call-graph lbr -o f.pb.gz -- true 2>err; rc=$?
[ "$rc" -ne 0 ] && [ "$(wc -l < err)" -eq 1 ] && grep -q "lbr" err || { cat err >&2; fail "--call-graph lbr"; }
[ ! -e f.pb.gz ] || fail "output written for a refused call-graph mode"

"$KILN" record --bogus -- true 2>err; rc=$?
[ "$rc" -ne 0 ] && grep -q -- "--bogus" err || fail "unknown option"
ls "$TMP" | grep -q '\.tmp\.' && fail "temporary file left behind"
echo ok

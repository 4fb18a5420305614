#!/usr/bin/env bash
# Threads and forked children are followed; labels tell them apart.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go

out="$TMP/threads.pb.gz"
kiln_record -g -o "$out" -- "$(workload threads)" 1 || fail "record threads"
pprof_counts "$out" > "$TMP/c"
[ "$(share_of thread_one_work < "$TMP/c")" -ge 25 ] || fail "thread_one_work missing"
[ "$(share_of thread_two_work < "$TMP/c")" -ge 25 ] || fail "thread_two_work missing"
# spin() is inlined into both: one location, the inline frame first.
pprof -top "$out" 2>/dev/null | grep -q ' spin (inline)$' || fail "no inline frame for spin"
pprof -traces "$out" 2>/dev/null | grep -A1 ' spin (inline)$' | grep -q 'thread_one_work' ||
	fail "inline frame not followed by its caller"
pprof -tags "$out" > "$TMP/tags" 2>/dev/null || fail "pprof -tags"
tids=$(awk '/^ *tid:/ {f=1; next} f && /^ *[a-z]+:/ {f=0} f && NF {n++} END {print n+0}' "$TMP/tags")
[ "$tids" -ge 2 ] || { cat "$TMP/tags" >&2; fail "expected >= 2 tids, got $tids"; }
grep -q 'comm:' "$TMP/tags" || fail "no comm label"

out="$TMP/fork.pb.gz"
kiln_record -g -o "$out" -- "$(workload forker)" 1 || fail "record forker"
pprof_counts "$out" > "$TMP/c"
[ "$(share_of parent_work < "$TMP/c")" -ge 25 ] || fail "parent_work missing"
[ "$(share_of child_work < "$TMP/c")" -ge 25 ] || fail "child_work (forked child) missing"
pprof -tags "$out" > "$TMP/tags" 2>/dev/null || fail "pprof -tags (forker)"
pids=$(awk '/^ *pid:/ {f=1; next} f && /^ *[a-z]+:/ {f=0} f && NF {n++} END {print n+0}' "$TMP/tags")
[ "$pids" -ge 2 ] || { cat "$TMP/tags" >&2; fail "expected 2 pids, got $pids"; }
# --no-inherit: the forked child is not followed.
out="$TMP/noinherit.pb.gz"
kiln_record --no-inherit -g -o "$out" -- "$(workload forker)" 0.5 || fail "record --no-inherit"
pprof_counts "$out" > "$TMP/c"
[ "$(share_of parent_work < "$TMP/c")" -ge 50 ] || fail "--no-inherit lost the command itself"
[ "$(cum_of child_work < "$TMP/c")" -eq 0 ] || fail "--no-inherit still followed the child"
echo ok

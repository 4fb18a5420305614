#!/usr/bin/env bash
# Attaching to a running process (-p) and recording the whole system (-a).
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go

"$(workload threads)" 60 &
wpid=$!
at_exit "kill $wpid 2>/dev/null"
sleep 0.3
out="$TMP/p.pb.gz"
kiln_record -g -p "$wpid" --duration 1 -o "$out" || fail "record -p"
pprof_counts "$out" > "$TMP/c"
[ "$(share_of thread_one_work < "$TMP/c")" -ge 25 ] || fail "-p: thread_one_work missing"
[ "$(share_of thread_two_work < "$TMP/c")" -ge 25 ] || fail "-p: thread_two_work missing"

out="$TMP/a.pb.gz"
kiln_record -g -a --duration 1 -o "$out" || fail "record -a"
pprof_counts "$out" > "$TMP/c"
# Its share of the whole system depends on what else runs (a loaded CI
# machine, other tests in parallel); what must hold is that it is there.
[ "$(cum_of thread_one_work < "$TMP/c")" -ge 10 ] ||
	fail "-a: thread_one_work missing ($(cum_of thread_one_work < "$TMP/c") samples)"
check_valid_profile "$out"

# -a limited to CPU 0 with -C: every sample says cpu 0.
out="$TMP/c0.pb.gz"
kiln_record --timestamps -a -C 0 --duration 0.5 -o "$out" || fail "record -a -C 0"
pprof -tags "$out" 2>/dev/null > "$TMP/tags" || fail "pprof -tags (-C 0)"
cpus=$(awk '/^ *cpu:/ {f=1; next} f && /^ *[a-z]+:/ {f=0} f && NF {print $NF}' "$TMP/tags" | sort -u)
[ "$cpus" = "0cpu" ] || [ "$cpus" = "0" ] || { cat "$TMP/tags" >&2; fail "-C 0 gave cpus: $cpus"; }

# -t: one thread only.
tid=$(ls /proc/$wpid/task | sort -n | sed -n 2p)
[ -n "$tid" ] || fail "the threads workload has no second thread"
out="$TMP/t.pb.gz"
kiln_record -g -t "$tid" --duration 0.5 -o "$out" || fail "record -t"
pprof -tags "$out" 2>/dev/null > "$TMP/tags" || fail "pprof -tags (-t)"
tids=$(awk '/^ *tid:/ {f=1; next} f && /^ *[a-z]+:/ {f=0} f && NF {n++} END {print n+0}' "$TMP/tags")
[ "$tids" -eq 1 ] || { cat "$TMP/tags" >&2; fail "-t recorded $tids threads"; }
kill $wpid 2>/dev/null; wait $wpid 2>/dev/null
echo ok

#!/bin/sh
# A child forked without exec keeps being CPU-profiled: the parent's
# sampler stays with the parent, so the child starts its own and writes
# c.PID.pb.gz. cpuwork forks, while its two threads burn CPU, a child that
# burns 1 s in hot_child: the first process's c.pb.gz holds hot_alpha and
# hot_beta and no hot_child, the child's file ~100 samples of hot_child (at
# 100 Hz) and none of the parent's functions. Run in both samplers
# (perf_event_open and the SIGPROF fallback).
. "$(dirname "$0")/rt-lib.sh"
T=$(slow 60)

for mode in perf signals; do
	d="$TMP/$mode"
	mkdir -p "$d"
	sig=0
	[ "$mode" = signals ] && sig=1
	preload -t "$T" env KILN_CPU_SIGNALS=$sig KILN_CPUPROFILE="$d/c.pb.gz" "$RT/cpuwork" 1 fork \
		>"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err" >&2; fail "$mode: cpuwork fork failed"; }
	ls -l "$d" >&2
	[ -f "$d/c.pb.gz" ] || fail "$mode: the first process wrote no c.pb.gz"
	set -- "$d"/c.[0-9]*.pb.gz
	[ -e "$1" ] || set --
	[ $# -eq 1 ] || fail "$mode: $# child profiles, want 1${1:+: $*}"
	child=$1
	check_valid_profile "$d/c.pb.gz"
	pprof_counts "$d/c.pb.gz" >"$TMP/parent"
	check_valid_profile "$child"
	pprof_counts "$child" >"$TMP/child"
	cat "$TMP/parent" "$TMP/child" >&2
	a=$(count_of hot_alpha <"$TMP/parent")
	c=$(count_of hot_child <"$TMP/parent")
	in_range "$a" 60 140 || fail "$mode: the parent's hot_alpha has $a samples, expected ~100"
	[ "$c" -eq 0 ] || fail "$mode: the parent's profile holds $c samples of the child's hot_child"
	c=$(count_of hot_child <"$TMP/child")
	a=$(count_of hot_alpha <"$TMP/child")
	in_range "$c" 60 140 || fail "$mode: the child's hot_child has $c samples, expected ~100"
	[ "$a" -eq 0 ] || fail "$mode: the child's profile holds $a samples of the parent's hot_alpha"
	echo "ok: $mode: parent hot_alpha $(count_of hot_alpha <"$TMP/parent"), child hot_child $c"
done

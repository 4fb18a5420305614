#!/usr/bin/env bash
# kiln top --stdio on the cpu-split workload (hot_a/hot_b/hot_c = 60/30/10%):
# system-wide, its hot function is named in the first screens; attached to
# the process, the three appear in their known order; a command, -g
# (Children/Self and call graphs), -K/-U and the header as perf top prints.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd perf

wl=$(workload cpu-split)
"$wl" 30 & wpid=$!
at_exit "kill $wpid 2>/dev/null; wait $wpid 2>/dev/null"

# Whole system (the default), three refreshes of one second.
"$KILN" top --stdio -d 1 --iterations 3 -E 25 >"$TMP/all.txt" 2>"$TMP/all.err" ||
	{ cat "$TMP/all.err" >&2; fail "kiln top exited with $?"; }
[ "$(grep -c 'PerfTop:' "$TMP/all.txt")" -eq 3 ] || fail "expected 3 screens"
grep -q '^  Overhead  Shared Object *Symbol$' "$TMP/all.txt" || fail "column headers"
grep -Eq '^ +PerfTop: +[0-9]+ irqs/sec  kernel: *[0-9.]+%  exact: +[0-9.]+% lost: [0-9]+/[0-9]+ drop: 0/0 \[999Hz cpu-clock\],  \(all, [0-9]+ CPUs?\)$' \
	"$TMP/all.txt" || { head -3 "$TMP/all.txt" >&2; fail "PerfTop line"; }
grep -Eq '^ +[0-9.]+%  cpu-split +\[\.\] hot_a$' "$TMP/all.txt" ||
	{ cat "$TMP/all.txt" >&2; fail "hot_a not in the first screens"; }

# Attached to the workload: hot_a > hot_b > hot_c, and only its process.
"$KILN" top --stdio -d 1 --iterations 2 -p "$wpid" -E 0 >"$TMP/pid.txt" 2>"$TMP/pid.err" ||
	{ cat "$TMP/pid.err" >&2; fail "kiln top -p exited with $?"; }
last=$(awk '/PerfTop:/ { n++ } n == 2' "$TMP/pid.txt")
pct() { echo "$last" | awk -v s="$1" '$NF == s && $(NF-1) == "[.]" { print $1 + 0; exit }'; }
a=$(pct hot_a); b=$(pct hot_b); c=$(pct hot_c)
note "-p: hot_a=$a% hot_b=$b% hot_c=$c%"
[ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] || { echo "$last" >&2; fail "hot functions missing with -p"; }
awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN { exit !(a > b && b > c) }' || fail "order hot_a > hot_b > hot_c"
grep -q "(target_pid: $wpid)" "$TMP/pid.txt" || fail "target in the PerfTop line"
echo "$last" | grep -E '^ +[0-9.]+%' | grep -Ev 'cpu-split|lib|ld-linux|\[kernel\]|\[vdso\]|\[unknown\]' &&
	fail "rows from other processes with -p"

# -g: Children and Self, main's children cover the hot functions, and the
# call graph under work names its callees.
"$KILN" top --stdio -d 1 --iterations 2 -g -p "$wpid" -E 6 >"$TMP/g.txt" 2>/dev/null ||
	fail "kiln top -g"
grep -q '^  Children      Self  Shared Object' "$TMP/g.txt" || fail "-g columns"
grep -Eq '^ +[0-9.]+% +0\.00%  cpu-split +\[\.\] work$' "$TMP/g.txt" || fail "-g: work has children only"
grep -Eq -- '--[0-9.]+%--hot_a$' "$TMP/g.txt" || fail "-g: call graph with hot_a"

# -U hides user symbols, -K kernel ones; each still shows the other kind
# (dd reading /dev/zero runs in the kernel, cpu-split in user space: on a
# machine whose other CPUs run user code, nothing else need enter the
# kernel), so an empty screen cannot pass.
timeout 5 dd if=/dev/zero of=/dev/null bs=1M 2>/dev/null & ddpid=$!
"$KILN" top --stdio -d 1 --iterations 1 -U -E 0 >"$TMP/u.txt" 2>"$TMP/u.err" || { cat "$TMP/u.err" >&2; fail "-U"; }
kill "$ddpid" 2>/dev/null; wait "$ddpid" 2>/dev/null
grep -E '^ +[0-9.]+%' "$TMP/u.txt" >"$TMP/u.rows"
grep -q '\[k\]' "$TMP/u.rows" || { cat "$TMP/u.txt" >&2; fail "-U shows no kernel symbols"; }
grep -q '\[\.\]' "$TMP/u.rows" && fail "-U shows user symbols"
"$KILN" top --stdio -d 1 --iterations 1 -K -E 0 >"$TMP/k.txt" 2>"$TMP/k.err" || { cat "$TMP/k.err" >&2; fail "-K"; }
grep -E '^ +[0-9.]+%' "$TMP/k.txt" >"$TMP/k.rows"
grep -q '\[\.\] hot_a$' "$TMP/k.rows" || { cat "$TMP/k.txt" >&2; fail "-K does not show hot_a"; }
grep -q '\[k\]' "$TMP/k.rows" && fail "-K shows kernel symbols"

# A command: top ends with it.
"$KILN" top --stdio -d 0.5 -s comm,dso,sym -- "$wl" 1.5 >"$TMP/cmd.txt" 2>"$TMP/cmd.err" ||
	{ cat "$TMP/cmd.err" >&2; fail "kiln top -- CMD"; }
grep -q '^  Overhead  Command  *Shared Object  *Symbol$' "$TMP/cmd.txt" || fail "-s comm,dso,sym headers"
grep -Eq '^ +[0-9.]+%  cpu-split +cpu-split +\[\.\] hot_a$' "$TMP/cmd.txt" || fail "command: hot_a"

# perf top's own PerfTop line, for comparison. perf top --stdio needs a
# stdin that stays open (on end of file it redraws without pause), and is
# stopped once it has drawn two screens, however long it took to start.
mkfifo "$TMP/perf.in"
(exec sleep 120 >"$TMP/perf.in") & feeder=$!
at_exit "kill $feeder 2>/dev/null"
perf top --stdio -d 1 -F 999 -e cpu-clock <"$TMP/perf.in" >"$TMP/perf.raw" 2>"$TMP/perf.err" & ptop=$!
at_exit "kill $ptop 2>/dev/null"
for _ in $(seq 300); do
	[ "$(grep -c 'PerfTop:' "$TMP/perf.raw")" -ge 2 ] && break
	kill -0 $ptop 2>/dev/null || break
	sleep 0.1
done
[ "$(grep -c 'PerfTop:' "$TMP/perf.raw")" -ge 2 ] ||
	{ cat "$TMP/perf.err" >&2; fail "perf top drew no screen in 30 s"; }
kill $ptop; wait $ptop 2>/dev/null
tr -d '\033' <"$TMP/perf.raw" >"$TMP/perf.txt"
pl=$(grep -m1 'PerfTop:' "$TMP/perf.txt" | sed -E 's/[0-9.]+/N/g; s/ +/ /g; s/: /:/g')
kl=$(grep -m1 'PerfTop:' "$TMP/all.txt" | sed -E 's/[0-9.]+/N/g; s/ +/ /g; s/: /:/g')
note "perf: $pl"
note "kiln: $kl"
[ "$pl" = "$kl" ] || fail "PerfTop line differs from perf's"
echo ok

#!/usr/bin/env bash
# The perf-style view. First against kiln's own pprof view on the same
# profiles (whose sums must agree: Self per symbol = flat of -noinlines,
# Children = cum), then against the real perf report: one workload recorded
# by perf record and by kiln record, whose top rows must name the same
# symbols in the same order with overheads within 7 percentage points.
. "$KILN_SRC/tests/lib.sh"
need_cmd python3
: "${MKPROFILES:?}"
export TZ=UTC
cd "$TMP" || fail "cd"
"$MKPROFILES" . || fail "mkprofiles"

# Symbol overheads vs pprof -noinlines (the symbol of an address is its
# outermost function). Percentages are compared within 0.01.
check_against_pprof() { # PROFILE
	"$KILN" report --stdio --no-children --sort sym "$1" > self.txt || fail "perf view $1"
	"$KILN" report --stdio -g --sort sym "$1" > children.txt || fail "perf view -g $1"
	"$KILN" report -top -noinlines "$1" > top.txt || fail "top $1"
	python3 - self.txt children.txt top.txt <<'PY' || fail "perf view disagrees with -top -noinlines on $1"
import re, sys
def perf(path, children):
    out = {}
    for line in open(path):
        m = re.match(r"^\s+([\d.]+)%\s+(?:([\d.]+)%\s+)?\[([.k])\] (.*)$", line)
        if m:
            out[m.group(4)] = (float(m.group(1)), float(m.group(2) or 0))
    return out
def pct(s):
    return float(s.rstrip("%"))
top = {}
rows = open(sys.argv[3]).read().split("cum%\n")[1].splitlines()
for r in rows:
    f = r.split()
    top[" ".join(f[5:])] = (pct(f[1]), pct(f[4]))
self, ch = perf(sys.argv[1], False), perf(sys.argv[2], True)
bad = compared = 0
for name, (flat, cum) in top.items():
    if name.startswith("[") or name.startswith("0x"):
        continue
    compared += 1
    if flat > 0 and (name not in self or abs(self[name][0] - flat) > 0.011):
        print("self of %s: perf view %s, pprof flat %.2f" % (name, self.get(name), flat)); bad += 1
    if name not in ch or abs(ch[name][0] - cum) > 0.011 or abs(ch[name][1] - flat) > 0.011:
        print("children of %s: perf view %s, pprof cum %.2f flat %.2f" % (name, ch.get(name), cum, flat)); bad += 1
# Nothing compared is no agreement: an empty view or -top must fail.
if not compared or not self or not ch:
    print("nothing to compare: %d -top rows, %d self rows, %d children rows" % (compared, len(self), len(ch)))
    bad += 1
sys.exit(1 if bad else 0)
PY
}
check_against_pprof rich.pb.gz
check_against_pprof worked.pb.gz
check_against_pprof "$KILN_SRC/tests/report/corpus/go-cpu.pb.gz"

# Kernel frames are [k], in the [kernel.kallsyms] object; the default keys
# are comm,dso,sym; the percent limit hides small entries.
"$KILN" report --stdio rich.pb.gz > default.txt || fail "default perf view"
grep -q "^# Overhead  Command  Shared Object" default.txt || fail "default keys"
grep -q "\[kernel.kallsyms\]  \[k\] ksys_write" default.txt || fail "kernel symbol marking"
grep -q "libc.so.6 .*\[\.\] __memmove_avx_unaligned_erms" default.txt || fail "dso names"
"$KILN" report --stdio --percent-limit 10 rich.pb.gz > limited.txt || fail "percent-limit"
python3 - limited.txt <<'PY' || fail "--percent-limit let small entries through"
import re, sys
v = [float(m.group(1)) for m in (re.match(r"^\s+([\d.]+)%", l) for l in open(sys.argv[1])) if m]
sys.exit(0 if v and min(v) >= 10 else 1)
PY
"$KILN" report --stdio -g --sort comm,dso,sym rich.pb.gz > graph.txt || fail "call graph"
grep -q -- "---" graph.txt || fail "no call graph under entries"

# Against perf report on a recorded workload. Both recorders must work
# here (software cpu-clock sampling needs no PMU): a failure of either is a
# failure of the test, and so is a comparison of no rows.
need_root
need_cmd perf
wl=$(workload cpu-split)
[ -x "$wl" ] || fail "workload cpu-split not built ($wl)"
perf record -q -e cpu-clock -F 999 -g -o perf.data -- "$wl" 1.5 > /dev/null 2> perf-record.err ||
	{ cat perf-record.err >&2; fail "perf record failed"; }
kiln_record -F 999 -g -o kiln.pb.gz -- "$wl" 1.5 > /dev/null || fail "kiln record failed"
perf report -i perf.data --stdio --no-children --sort comm,dso,sym -g none > perf.txt 2> perf-report.err ||
	{ cat perf-report.err >&2; fail "perf report failed"; }
"$KILN" report --stdio --no-children --sort comm,dso,sym kiln.pb.gz > kiln.txt || fail "kiln perf view"
python3 - perf.txt kiln.txt <<'PY' || fail "top rows differ from perf report"
import re, sys
def rows(path):
    out = []
    for line in open(path):
        m = re.match(r"^\s+([\d.]+)%\s+(\S+)\s+(\S+)\s+\[([.k])\] (\S+)", line)
        if m:
            out.append((float(m.group(1)), m.group(2), m.group(3), m.group(5)))
    return out
p, k = rows(sys.argv[1]), rows(sys.argv[2])
# The three hot functions hold ~all samples: compare the rows above 5%.
ptop = [r for r in p if r[0] >= 5]
ktop = k[:len(ptop)]
print("perf:", ptop)
print("kiln:", ktop)
# hot_a, hot_b and hot_c at least: fewer rows means a recording went wrong.
if len(ptop) < 3 or {r[3] for r in ptop} < {"hot_a", "hot_b", "hot_c"}:
    print("perf report shows %d rows above 5%%, not hot_a/b/c" % len(ptop))
    sys.exit(1)
if [r[1:] for r in ptop] != [r[1:] for r in ktop]:
    sys.exit(1)
sys.exit(0 if all(abs(a[0] - b[0]) <= 7 for a, b in zip(ptop, ktop)) else 1)
PY
echo ok

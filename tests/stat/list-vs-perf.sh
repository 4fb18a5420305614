# kiln list against perf list on this machine: the software/tool section,
# the PMU section and the tracepoint section name the same events in the
# same layout; --json is valid JSON with the same names; --probe marks an
# event unsupported exactly when perf stat cannot count it. Both tools
# must succeed, and a comparison of two empty lists is no comparison.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd perf
need_cmd python3
need_tracefs

# same NAME ARGS...: kiln list ARGS and perf list ARGS print the same lines
# (perf's blank lines apart), and at least one.
same() {
	local name=$1; shift
	"$KILN" list "$@" >"$TMP/k.txt" 2>"$TMP/k.err" || fail "kiln list $*: $(cat "$TMP/k.err")"
	perf list "$@" >"$TMP/p.raw" 2>"$TMP/p.err" || fail "perf list $*: $(cat "$TMP/p.err")"
	grep -v '^$' "$TMP/p.raw" >"$TMP/p.txt"
	[ -s "$TMP/p.txt" ] || fail "perf list $* lists nothing: nothing to compare"
	diff "$TMP/p.txt" "$TMP/k.txt" >"$TMP/diff" ||
		{ head -40 "$TMP/diff" >&2; fail "kiln list $* differs from perf list $*"; }
	note "list $name: $(wc -l <"$TMP/k.txt") lines, identical"
	cp "$TMP/k.txt" "$TMP/k.$name"
}

same sw sw
# Every machine has some PMU in sysfs (software, tracepoint, msr, ...); perf
# lists the ones with events, which may be none in a small VM.
"$KILN" list pmu >"$TMP/k.pmu" 2>"$TMP/k.err" || fail "kiln list pmu: $(cat "$TMP/k.err")"
perf list pmu 2>"$TMP/p.err" | grep -v '^$' >"$TMP/p.pmu"
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "perf list pmu: $(cat "$TMP/p.err")"
diff "$TMP/p.pmu" "$TMP/k.pmu" >&2 || fail "kiln list pmu differs from perf list pmu"
[ -s "$TMP/p.pmu" ] && note "list pmu: $(wc -l <"$TMP/k.pmu") lines, identical" ||
	note "list pmu: no PMU events on this machine, for perf as for kiln"
same tracepoint tracepoint
same sched 'sched:*'
same fault '*fault*'

"$KILN" list --json sw >"$TMP/k.json" || fail "kiln list --json sw"
python3 - "$TMP/k.json" "$TMP/k.sw" <<'PY' || fail "--json output"
import json, sys
events = json.load(open(sys.argv[1]))
names = [l.split()[0] for l in open(sys.argv[2]) if l.strip()]
assert names, "no names in the text list"
assert [e["EventName"] for e in events] == names, "names differ from the text list"
cs = [e for e in events if e["EventName"] == "context-switches"][0]
assert cs["Aliases"] == ["cs"] and cs["EventType"] == "Software event", cs
PY

"$KILN" list --probe hw sw >"$TMP/k.probe" || fail "kiln list --probe hw sw"
perf stat -e cycles -- true >"$TMP/p.cycles" 2>&1 || fail "perf stat -e cycles: $(cat "$TMP/p.cycles")"
grep -Eq '[0-9] +cycles|<not supported> +cycles' "$TMP/p.cycles" || fail "perf stat printed no cycles line: $(cat "$TMP/p.cycles")"
grep -q '<not supported>' "$TMP/p.cycles" && want=yes || want=no
grep -Eq '^  cpu-cycles OR cycles +\[Hardware event\]  <not supported>$' "$TMP/k.probe" && got=yes || got=no
[ "$want" = "$got" ] || fail "--probe marks cycles unsupported: $got; perf: $want"
grep -Eq '^  cpu-cycles OR cycles +\[Hardware event\]' "$TMP/k.probe" || fail "--probe does not list cycles"
grep -Eq '^  task-clock +\[Software event\]' "$TMP/k.probe" || fail "--probe does not list task-clock"
grep -q 'task-clock.*not supported' "$TMP/k.probe" && fail "task-clock marked unsupported"
note "--probe: cycles unsupported here: $got (perf agrees)"

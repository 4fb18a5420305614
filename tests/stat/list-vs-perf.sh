# kiln list against perf list on this machine: the software/tool section
# and the tracepoint section name the same events in the same layout;
# --json is valid JSON with the same names; --probe marks an event
# unsupported exactly when perf stat cannot count it.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd perf

"$KILN" list sw >"$TMP/k.sw" || fail "kiln list sw failed"
perf list sw 2>/dev/null | grep -v '^$' >"$TMP/p.sw"
diff "$TMP/p.sw" "$TMP/k.sw" >&2 || fail "kiln list sw differs from perf list sw"
note "list sw: $(wc -l <"$TMP/k.sw") lines, identical"

"$KILN" list pmu >"$TMP/k.pmu"
perf list pmu 2>/dev/null | grep -v '^$' >"$TMP/p.pmu"
diff "$TMP/p.pmu" "$TMP/k.pmu" >&2 || fail "kiln list pmu differs from perf list pmu"

if "$KILN" list tracepoint >"$TMP/k.tp" 2>"$TMP/k.err"; then
	perf list tracepoint 2>/dev/null | grep -v '^$' >"$TMP/p.tp"
	diff "$TMP/p.tp" "$TMP/k.tp" >/dev/null || fail "kiln list tracepoint differs from perf's"
	perf list 'sched:*' 2>/dev/null | grep -v '^$' >"$TMP/p.glob"
	"$KILN" list 'sched:*' >"$TMP/k.glob"
	diff "$TMP/p.glob" "$TMP/k.glob" >&2 || fail "kiln list 'sched:*' differs"
	note "list tracepoint: $(wc -l <"$TMP/k.tp") tracepoints, identical"
else
	note "tracepoints not compared: $(cat "$TMP/k.err")"
fi

"$KILN" list '*fault*' >"$TMP/k.glob"
perf list '*fault*' 2>/dev/null | grep -v '^$' >"$TMP/p.glob"
diff "$TMP/p.glob" "$TMP/k.glob" >&2 || fail "kiln list '*fault*' differs"

need_cmd python3
"$KILN" list --json sw >"$TMP/k.json"
python3 - "$TMP/k.json" "$TMP/k.sw" <<'PY' || fail "--json output"
import json, sys
events = json.load(open(sys.argv[1]))
names = [l.split()[0] for l in open(sys.argv[2]) if l.strip()]
assert [e["EventName"] for e in events] == names, "names differ from the text list"
cs = [e for e in events if e["EventName"] == "context-switches"][0]
assert cs["Aliases"] == ["cs"] and cs["EventType"] == "Software event", cs
PY

"$KILN" list --probe hw sw >"$TMP/k.probe"
perf stat -e cycles -- true 2>&1 | grep -q '<not supported>' && want=yes || want=no
grep -Eq '^  cpu-cycles OR cycles +\[Hardware event\]  <not supported>$' "$TMP/k.probe" && got=yes || got=no
[ "$want" = "$got" ] || fail "--probe marks cycles unsupported: $got; perf: $want"
grep -q 'task-clock.*not supported' "$TMP/k.probe" && fail "task-clock marked unsupported"
note "--probe: cycles unsupported here: $got (perf agrees)"

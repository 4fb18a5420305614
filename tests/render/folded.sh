#!/usr/bin/env bash
# kiln report -folded against the expected stacks of the known profile
# (sorted as stackcollapse prints them), -speedscope against speedscope's
# format, and folded output for a perf-recorded workload against
# stackcollapse's rules (every line "frames value", root first).
. "$KILN_SRC/tests/lib.sh"
"$MKRENDER" "$TMP" || fail "mkrender"
"$KILN" report -folded "$TMP/known.pb.gz" >"$TMP/got" || fail "kiln report -folded"
cat >"$TMP/want" <<'END'
main 100000000
main;sys_write 200000000
main;work;compute 400000000
main;work;compute;helper 200000000
main;work;memcpy 100000000
END
diff -u "$TMP/want" "$TMP/got" || fail "folded stacks differ"
"$KILN" report -folded -sample_index=samples "$TMP/known.pb.gz" >"$TMP/got2" || fail "-sample_index=samples"
awk '{ $NF = $NF / 10000000; print }' "$TMP/want" | diff -u - "$TMP/got2" || fail "folded sample counts differ"
"$KILN" report -folded -focus=memcpy "$TMP/known.pb.gz" >"$TMP/got3" || fail "-focus"
[ "$(cat "$TMP/got3")" = "main;work;memcpy 100000000" ] || fail "focus=memcpy: $(cat "$TMP/got3")"
"$KILN" report -folded -noinlines "$TMP/known.pb.gz" | grep -q '^main;work;compute 600000000$' || fail "-noinlines folds helper into compute"

# a name with ';' is written with ':' (stackcollapse-perf.pl does tr/;/:/)
"$KILN" report -folded "$TMP/evil.pb.gz" >"$TMP/evil" || fail "evil folded"
[ "$(wc -l <"$TMP/evil")" -eq 3 ] || fail "evil: 3 stacks expected"
while read -r line; do
	[[ $line =~ ^[^\;]+(\;[^\;]+)*\ [0-9]+$ ]] || fail "not a folded line: $line"
done <"$TMP/evil"

# speedscope
"$KILN" report -speedscope "$TMP/known.pb.gz" >"$TMP/ss.json" || fail "-speedscope"
python3 - "$TMP/ss.json" <<'END' || fail "speedscope JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["$schema"] == "https://www.speedscope.app/file-format-schema.json"
frames = [f["name"] for f in d["shared"]["frames"]]
p = d["profiles"][0]
assert p["type"] == "sampled" and p["unit"] == "nanoseconds", p
assert len(p["samples"]) == len(p["weights"]) == 5
stacks = sorted((";".join(frames[i] for i in s), w) for s, w in zip(p["samples"], p["weights"]))
assert stacks == [("main", 100000000), ("main;sys_write", 200000000),
                  ("main;work;compute", 400000000), ("main;work;compute;helper", 200000000),
                  ("main;work;memcpy", 100000000)], stacks
assert p["endValue"] == 1000000000
END

#!/usr/bin/env bash
# kiln report -folded against the expected stacks of the known profile
# (sorted as stackcollapse prints them), -speedscope against speedscope's
# format, and folded output for a workload recorded by kiln record against
# stackcollapse's rules (every line "frames value", root first) and against
# go tool pprof's counts of the same profile.
. "$KILN_SRC/tests/lib.sh"
need_cmd python3
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
"$KILN" report -folded -noinlines "$TMP/known.pb.gz" >"$TMP/got4" || fail "-noinlines"
grep -q '^main;work;compute 600000000$' "$TMP/got4" || fail "-noinlines folds helper into compute"

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

# A recorded workload (root: kiln record samples the CPU): well-formed
# lines, main;work;hot_a among them, and the counts go tool pprof finds in
# the same file, in total and for hot_a as a leaf.
need_root
need_cmd go
wl=$(workload cpu-split)
kiln_record -F 999 -g -o "$TMP/rec.pb.gz" -- "$wl" 1 || fail "kiln record"
"$KILN" report -folded -sample_index=samples "$TMP/rec.pb.gz" >"$TMP/rec.folded" || fail "-folded of a recording"
while read -r line; do
	[[ $line =~ ^[^\;]+(\;[^\;]+)*\ [0-9]+$ ]] || fail "not a folded line: $line"
done <"$TMP/rec.folded"
grep -Eq '(^|;)main;work;hot_a [0-9]+$' "$TMP/rec.folded" || { head "$TMP/rec.folded" >&2; fail "no main;work;hot_a stack"; }
pprof_counts "$TMP/rec.pb.gz" >"$TMP/rec.counts"
total=$(awk -F'\t' '{ t += $2 } END { print t + 0 }' "$TMP/rec.counts")
hot=$(count_of hot_a <"$TMP/rec.counts")
ftotal=$(awk '{ t += $NF } END { print t + 0 }' "$TMP/rec.folded")
fhot=$(awk '{ s = $0; sub(/ [0-9]+$/, "", s) } s ~ /(^|;)hot_a$/ { t += $NF } END { print t + 0 }' "$TMP/rec.folded")
note "recording: $ftotal samples folded ($fhot in hot_a), go tool pprof: $total ($hot)"
[ "$total" -gt 100 ] || fail "go tool pprof finds only $total samples in the recording"
[ "$ftotal" -eq "$total" ] || fail "folded counts add up to $ftotal, go tool pprof counts $total"
[ "$fhot" -eq "$hot" ] || fail "folded stacks end in hot_a $fhot times, go tool pprof's flat is $hot"
echo ok

#!/bin/bash
# kiln inject --jit: node --perf-prof writes jit-PID.dump, kiln record keeps
# the mapping node makes of it, and inject names the JavaScript frames from
# it, as perf inject --jit + perf report do on a run of the same program.
# Also: node --perf-basic-prof's /tmp/perf-PID.map still names frames
# without inject, and a cut, corrupt or missing dump is one clear line.
. "$(dirname "$0")/../lib.sh"
need_cmd node
need_cmd perf

cat >"$TMP/hot.js" <<'JS'
function hot(n) { let s = 0; for (let i = 0; i < n; i++) { s = (s * 31 + i) % 1000003; } return s; }
const end = Date.now() + 1000; let t = 0;
while (Date.now() < end) t += hot(100000);
if (t < 0) console.log(t);
JS
# Share of all samples (integer percent) of the first -top row whose name
# starts "JS:*hot " (node 20's name for the optimized function; node 18,
# Debian 12's, says "LazyCompile:*hot "), 0 if none.
hot_share() {
	"$KILN" report -top "$1" | awk '/^ *flat/ { f = 1; next }
		f && $6 ~ /^(JS|LazyCompile):\*hot$/ { sub(/%/, "", $2); print int($2); found = 1; exit }
		END { if (!found) print 0 }'
}

mkdir -p "$TMP/kiln"
(cd "$TMP/kiln" && "$KILN" record -q -g -o "$TMP/node.pb.gz" -- node --perf-prof "$TMP/hot.js") \
	2>"$TMP/record.err" || { cat "$TMP/record.err" >&2; fail "kiln record of node --perf-prof"; }
dump=$(ls "$TMP"/kiln/jit-*.dump 2>/dev/null | head -1)
[ -n "$dump" ] || fail "node --perf-prof wrote no jitdump"
pid=$(basename "$dump" .dump); pid=${pid#jit-}
at_exit "rm -f /tmp/perf-$pid.map"
zcat "$TMP/node.pb.gz" | grep -aq "$dump" || fail "the recording does not name $dump"
before=$(hot_share "$TMP/node.pb.gz")
[ "$before" = 0 ] || fail "JS:*hot named before inject ($before%)"

"$KILN" inject --jit -i "$TMP/node.pb.gz" -o "$TMP/node-jit.pb.gz" 2>"$TMP/inject.err" ||
	{ cat "$TMP/inject.err" >&2; fail "kiln inject --jit"; }
[ -s "$TMP/inject.err" ] && { cat "$TMP/inject.err" >&2; fail "inject warned on a whole dump"; }
check_valid_profile "$TMP/node-jit.pb.gz"
kshare=$(hot_share "$TMP/node-jit.pb.gz")
note "kiln: JS:*hot has $kshare% of the samples after inject"
[ "$kshare" -ge 50 ] || { "$KILN" report -top "$TMP/node-jit.pb.gz" | head -20 >&2;
	fail "JS:*hot has $kshare% after inject (node spends its second in it)"; }
# Stacks keep their native frames below the JIT ones.
"$KILN" report -traces "$TMP/node-jit.pb.gz" | grep -Eq '(JS|LazyCompile):\*hot' || fail "no JS:*hot in -traces"

# annotate disassembles the JIT code from the dump's code bytes.
name=$("$KILN" report -top "$TMP/node-jit.pb.gz" | awk '/^ *flat/ { f = 1; next }
	f && $6 ~ /^(JS|LazyCompile):\*hot$/ { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print; exit }')
"$KILN" annotate -i "$TMP/node-jit.pb.gz" "$name" >"$TMP/annotate.txt" 2>"$TMP/annotate.err" ||
	{ cat "$TMP/annotate.err" >&2; fail "annotate $name"; }
grep -q "Disassembly of $(basename "$dump") " "$TMP/annotate.txt" ||
	{ head -3 "$TMP/annotate.txt" >&2; fail "annotate did not read the code from the dump"; }
awk '$2 == ":" && $1 + 0 > 0 && $4 != "" { hot++ } END { exit !(hot >= 1) }' "$TMP/annotate.txt" ||
	{ head -20 "$TMP/annotate.txt" >&2; fail "no sampled instruction in the annotated JIT code"; }

# perf on its own run of the same program: the same function on top, a
# share close to kiln's.
mkdir -p "$TMP/perf"
(cd "$TMP/perf" && perf record -q -k 1 -g -o perf.data node --perf-prof "$TMP/hot.js") \
	>/dev/null 2>"$TMP/perf.err" || { cat "$TMP/perf.err" >&2; fail "perf record of node"; }
ppid_dump=$(ls "$TMP"/perf/jit-*.dump | head -1); ppid=$(basename "$ppid_dump" .dump)
at_exit "rm -f /tmp/perf-${ppid#jit-}.map; rm -rf \$HOME/.debug/jit/*-${ppid#jit-}"
perf inject --jit -i "$TMP/perf/perf.data" -o "$TMP/perf/perf.jit.data" 2>>"$TMP/perf.err" ||
	{ cat "$TMP/perf.err" >&2; fail "perf inject --jit"; }
pshare=$(perf report -i "$TMP/perf/perf.jit.data" --stdio --no-children --sort sym 2>/dev/null |
	awk '$3 ~ /^(JS|LazyCompile):\*hot$/ { sub(/%/, "", $1); print int($1); exit }')
note "perf: JS:*hot has ${pshare:-0}% of the samples after perf inject --jit"
[ "${pshare:-0}" -ge 50 ] || fail "perf inject --jit gives JS:*hot ${pshare:-0}%: the peer disagrees with node"
diff=$(( kshare > pshare ? kshare - pshare : pshare - kshare ))
[ "$diff" -le 20 ] || fail "kiln's JS:*hot share $kshare% is far from perf's $pshare%"

# A dump cut short: a warning, what came before it is used.
size=$(stat -c %s "$dump")
cp "$dump" "$TMP/whole.dump"
head -c $(( size * 9 / 10 + 7 )) "$TMP/whole.dump" >"$dump"
"$KILN" inject --jit -i "$TMP/node.pb.gz" -o "$TMP/cut.pb.gz" 2>"$TMP/cut.err" ||
	{ cat "$TMP/cut.err" >&2; fail "inject of a cut dump failed"; }
[ "$(grep -c 'warning: inject: .*cut short or corrupt' "$TMP/cut.err")" = 1 ] ||
	{ cat "$TMP/cut.err" >&2; fail "not one warning for a cut dump"; }
"$KILN" report -top "$TMP/cut.pb.gz" >/dev/null || fail "report of the profile from a cut dump"
# Not a jitdump, or gone: nothing to inject from, an error and exit 1.
printf 'not a jitdump, garbage of more than forty bytes here' >"$dump"
"$KILN" inject --jit -i "$TMP/node.pb.gz" -o "$TMP/bad.pb.gz" 2>"$TMP/bad.err" &&
	fail "inject succeeded without a readable dump"
cat "$TMP/bad.err" >&2
grep -q 'warning: inject: .*not a jitdump' "$TMP/bad.err" || fail "no warning naming the corrupt dump"
grep -q '^kiln: inject: no jitdump could be read (of the 1 the profile names)' "$TMP/bad.err" || fail "no error for no readable dump"
[ -e "$TMP/bad.pb.gz" ] && fail "inject wrote an output without a dump"
rm -f "$dump"
"$KILN" inject --jit -i "$TMP/node.pb.gz" -o "$TMP/gone.pb.gz" 2>"$TMP/gone.err" &&
	fail "inject succeeded with the dump gone"
grep -q "warning: inject: $dump: No such file" "$TMP/gone.err" &&
	grep -q "^kiln: inject: no jitdump could be read" "$TMP/gone.err" ||
	{ cat "$TMP/gone.err" >&2; fail "no warning naming the missing dump"; }
"$KILN" inject -i "$TMP/node.pb.gz" -o /dev/null 2>"$TMP/nojit.err" && fail "inject without --jit succeeded"
grep -q -- '--jit' "$TMP/nojit.err" || fail "inject without --jit does not say what is missing"

# node --perf-basic-prof: /tmp/perf-PID.map names the frames at record time.
(cd "$TMP/kiln" && "$KILN" record -q -o "$TMP/basic.pb.gz" -- node --perf-basic-prof "$TMP/hot.js") \
	2>"$TMP/basic.err" || { cat "$TMP/basic.err" >&2; fail "kiln record of node --perf-basic-prof"; }
for m in /tmp/perf-*.map; do
	[ "$m" -nt "$TMP/hot.js" ] && at_exit "rm -f $m"
done
bshare=$(hot_share "$TMP/basic.pb.gz")
[ "$bshare" -ge 50 ] || fail "JS:*hot has $bshare% with --perf-basic-prof"
# Nothing to inject (no jitdump named): as perf inject, the profile comes
# out unchanged, with a warning.
"$KILN" inject --jit -i "$TMP/basic.pb.gz" -o "$TMP/basic-jit.pb.gz" 2>"$TMP/none.err" ||
	{ cat "$TMP/none.err" >&2; fail "inject of a profile without a jitdump"; }
grep -q 'warning: inject: the profile names no jitdump' "$TMP/none.err" || fail "no warning without a jitdump"
[ "$(hot_share "$TMP/basic-jit.pb.gz")" = "$bshare" ] || fail "inject changed a profile without a jitdump"
echo "ok: kiln inject --jit names node's JIT code as perf inject --jit does ($kshare% vs $pshare%)"

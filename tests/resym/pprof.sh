#!/usr/bin/env bash
# kiln report BINARY PROFILE, -symbolize and PPROF_BINARY_PATH against go
# tool pprof on a gperftools CPU profile (addresses only) of the workload.
# go tool pprof's binutils (addr2line) name neither libc (stripped) nor
# _start, which kiln does (symtab, debug files), so the reports keep the
# workload's own functions (-show) and compare byte for byte.
. "$KILN_SRC/tests/resym/lib.sh"
need_cmd go
cd "$TMP" || fail "cd"
export HOME=$TMP/home # no ~/.debug or ~/pprof/binaries of the machine's
mkdir -p "$HOME"
gperf_profile "$TMP/bin" cpu.prof
SHOW='-show=^(hot_|main)'

# 1. BINARY PROFILE, functions and lines.
same "BINARY PROFILE" -top "$SHOW" bin/work cpu.prof
same "BINARY PROFILE -lines" -top -lines "$SHOW" bin/work cpu.prof
grep -q 'hot_b' k.out || fail "hot_b is not in the report: $(cat k.out)"
# The profile names its binary: local symbolization finds it there too.
same "the recorded path" -top "$SHOW" cpu.prof
# What kiln keeps: every sample and value, new functions, has_* flags.
"$KILN" report -raw bin/work cpu.prof > raw.txt || fail "report -raw"
"$KILN" report -raw -symbolize=none cpu.prof > raw0.txt || fail "report -raw -symbolize=none"
diff <(sed -n '/^Samples/,/^Locations/p' raw0.txt) <(sed -n '/^Samples/,/^Locations/p' raw.txt) >&2 ||
	fail "re-symbolizing changed the samples"
grep -q 'work  \[FN\]\[FL\]\[LN\]\[IN\]$' raw.txt || fail "the workload's mapping lacks has_* flags: $(grep -A3 Mappings raw.txt)"
grep -q ' hot_a .*work.c:' raw.txt || fail "no hot_a location with its line"

# 2. -symbolize=none: addresses stay (BINARY still names the main mapping).
same "-symbolize=none" -top -symbolize=none bin/work cpu.prof
grep -q 'hot_' k.out && fail "-symbolize=none symbolized"

# 3. PPROF_BINARY_PATH: the binary moved away, found in each of pprof's
#    layouts (DIR/NAME, DIR/PATH), and not found without it.
mkdir -p away/flat "away/tree$TMP/bin"
cp bin/work away/flat/work
cp bin/work "away/tree$TMP/bin/work"
mv bin/work bin/work.moved
same "moved, no search path" -top "$SHOW" cpu.prof
grep -q 'hot_b' k.out && fail "symbolized although the binary moved away"
for d in away/flat away/tree; do
	PPROF_BINARY_PATH="$TMP/nothing:$TMP/$d" same "PPROF_BINARY_PATH=$d" -top "$SHOW" cpu.prof
	grep -q 'hot_b' k.out || fail "PPROF_BINARY_PATH=$d: not symbolized"
done
# $HOME/pprof/binaries is the default.
mkdir -p home2/pprof/binaries && cp bin/work.moved home2/pprof/binaries/work
HOME=$TMP/home2 "$KILN" report -top "$SHOW" cpu.prof > k.out 2> k.err || fail "HOME default"
grep -q 'hot_b' k.out || fail "\$HOME/pprof/binaries is not searched"
mv bin/work.moved bin/work

# 4. -symbolize=force redoes a symbolized profile, local does not: named
#    from a copy without DWARF (function names, no lines), then asked for
#    lines with the full binary. A location the new file cannot name keeps
#    its old lines (pprof's rule), so a stripped binary changes nothing.
objcopy --strip-debug bin/work nodebug || fail "objcopy"
objcopy --strip-all bin/work stripped || fail "objcopy"
"$KILN" report -proto -o named.pb.gz nodebug cpu.prof 2> /dev/null || fail "report -proto"
same "local on a named profile" -top -lines "$SHOW" bin/work named.pb.gz
grep -q 'work.c:' k.out && fail "local re-symbolized a named mapping"
same "-symbolize=force" -top -lines -symbolize=force "$SHOW" bin/work named.pb.gz
grep -q 'hot_b .*work.c:' k.out || fail "-symbolize=force did not redo the mapping"
same "-symbolize=force, stripped" -top -symbolize=force stripped named.pb.gz
grep -q 'hot_b' k.out || fail "-symbolize=force dropped names the new file lacks"

# 5. Bad input: one line and a non-zero exit.
echo "not a binary" > notes.txt
fails_clearly "a non-ELF BINARY" "$KILN" report -top notes.txt cpu.prof
fails_clearly "a missing profile" "$KILN" report -top bin/work missing.prof
fails_clearly "a bad mode" "$KILN" report -top -symbolize=sideways cpu.prof
fails_clearly "a missing --symfs" "$KILN" report -top --symfs "$TMP/none" cpu.prof
# A profile with build ids (kiln record) and another binary.
if [ "$(id -u)" -eq 0 ]; then
	kiln_record -o rec.pb.gz -- bin/work 20000000 > /dev/null || fail "kiln record"
	cc -x c -o other - <<<'int main(void) { return 0; }' || fail "cc"
	fails_clearly "a build id mismatch" "$KILN" report -top ./other rec.pb.gz
	grep -q 'build id' err.txt || fail "the mismatch message does not say build id"
else
	note "not root: the build-id mismatch case needs kiln record"
fi
echo "ok"

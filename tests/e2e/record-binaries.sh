#!/usr/bin/env bash
# Shared libraries, stripped binaries and kernel frames.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go

out="$TMP/shlib.pb.gz"
kiln_record -g -o "$out" -- "$(workload shlib)" 1 || fail "record shlib"
pprof_counts "$out" > "$TMP/c"
[ "$(share_of lib_hot < "$TMP/c")" -ge 80 ] || fail "lib_hot from libkilnwork.so missing"
check_valid_profile "$out"
grep -q 'libkilnwork.so' "$TMP/raw.txt" || fail "no mapping for libkilnwork.so"

# Stripped: no names for its own code, but a mapping and addresses, no crash.
out="$TMP/stripped.pb.gz"
kiln_record -o "$out" -- "$(workload cpu-split-stripped)" 1 || fail "record stripped"
check_valid_profile "$out"
grep -q 'cpu-split-stripped' "$TMP/raw.txt" || fail "no mapping for the stripped binary"
grep -E '^ +[0-9]+: 0x[0-9a-f]+ M=[0-9]+ *$' "$TMP/raw.txt" | head -1 | grep -q . ||
	{ sed -n '/Locations/,/Mappings/p' "$TMP/raw.txt" | head >&2; fail "no bare address locations"; }

# Kernel frames under write(2).
out="$TMP/sys.pb.gz"
kiln_record -g -o "$out" -- "$(workload syscalls)" 1 || fail "record syscalls"
check_valid_profile "$out"
grep -q '\[kernel.kallsyms\]' "$TMP/raw.txt" || fail "no kernel mapping"
pprof_counts "$out" > "$TMP/c"
grep -Eq '^(ksys_write|vfs_write|__x64_sys_write|entry_SYSCALL_64[a-z_]*)'$'\t' "$TMP/c" ||
	{ head -20 "$TMP/c" >&2; fail "no kernel write path frames"; }
# libc's write() keeps no frame pointer, so with -g its caller write_loop is
# skipped (the DWARF unwinder fixes that); main must still be above it.
[ "$(share_of main < "$TMP/c")" -ge 50 ] || fail "user frames missing above kernel frames"
# JIT code in anonymous memory, named by /tmp/perf-PID.map.
out="$TMP/jit.pb.gz"
"$KILN" record -q -o "$out" -- "$(workload jit)" 1 2>"$TMP/jit.err" & kpid=$!
wait $kpid || { cat "$TMP/jit.err" >&2; fail "record jit"; }
pprof_counts "$out" > "$TMP/c"
[ "$(share_of jitted_hot_loop < "$TMP/c")" -ge 80 ] || { head "$TMP/c" >&2; fail "JIT symbol from perf map missing"; }
check_valid_profile "$out"
grep -q '^File: jit' <(pprof -top "$out" 2>/dev/null) || fail "main binary is not mapping[0]"
for f in /tmp/perf-*.map; do
	[ -e "$f" ] || continue
	pid=${f#/tmp/perf-}; pid=${pid%.map}
	[ -d "/proc/$pid" ] || rm -f "$f" # left by the workload
done
echo ok

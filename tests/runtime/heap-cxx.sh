#!/bin/sh
# C++ new and delete are seen (through malloc and free) and attributed to
# the functions calling them, though libstdc++'s operator new has no frame
# pointer: exact counts at rate 1.
. "$(dirname "$0")/rt-lib.sh"
[ -x "$RT/cxxwork" ] || skip "no C++ compiler"

KILN_HEAPPROFILE="$TMP/h.pb.gz" KILN_HEAP_RATE=1 preload "$RT/cxxwork" >/dev/null ||
	fail "cxxwork failed"
check_valid_profile "$TMP/h.pb.gz"
pprof -traces -sample_index=alloc_objects "$TMP/h.pb.gz" >"$TMP/traces" 2>&1
cat "$TMP/traces" >&2
grep -q 'make_nodes' "$TMP/traces" || fail "make_nodes is missing from the stacks"
grep -q 'make_buffers' "$TMP/traces" || fail "make_buffers is missing from the stacks"
# by the function calling new: -show keeps only these frames
pprof -raw -show='^make_' "$TMP/h.pb.gz" >/dev/null 2>&1 || fail "pprof -show"
vals=$(pprof -top -show='^make_' -sample_index=inuse_space -unit=B "$TMP/h.pb.gz" 2>/dev/null)
echo "$vals" >&2
echo "$vals" | grep -Eq '^ *1008000B .* make_nodes(\(\))?$' || fail "make_nodes inuse is not 1000 x 1008 B"
vals=$(pprof -top -show='^make_' -sample_index=alloc_space -unit=B "$TMP/h.pb.gz" 2>/dev/null)
echo "$vals" | grep -Eq '^ *1000000B .* make_buffers(\(\))?$' || fail "make_buffers alloc is not 500 x 2000 B"
echo "ok: C++ allocations attributed to their callers"

#!/usr/bin/env bash
# The rings' wake-up policy, through the attr-dump seam (KILN_TEST_ATTR_FILE):
# the kernel must wake the reader well before a ring is full, whatever -m
# says. It used to ask for a wake-up every 64 KiB, which the kernel caps at
# the ring's size: rings of -m 1 to 8 pages woke the reader only when full,
# and lost most samples where perf (waking at half the ring) lost few.
# bench/ring-loss measures the losses themselves against perf.
. "$KILN_SRC/tests/lib.sh"
need_root

page=$(getconf PAGESIZE)
# wakeup_events shares a union with wakeup_watermark (kiln sets watermark):
# the value of every sampling attr (sample_id_all=1) of the dump, one a line.
wakeups() { awk 'BEGIN { RS = ""; FS = "\n" }
	{ w = ""; s = 0
	  for (i = 1; i <= NF; i++) { split($i, kv, "=")
		if (kv[1] == "wakeup_events") w = kv[2]
		if (kv[1] == "sample_id_all" && kv[2] == 1) s = 1 }
	  if (s) print w }' "$1"; }

# check WHAT PAGES: every sampling attr wakes at most a quarter of the way
# into a PAGES-page ring, and at most every 64 KiB.
check() {
	local what=$1 pages=$2 ring max n=0
	ring=$((pages * page)); max=$((ring / 4)); [ $max -gt 65536 ] && max=65536
	for w in $(wakeups "$TMP/attr"); do
		n=$((n + 1))
		[ "$w" -gt 0 ] && [ "$w" -le "$max" ] ||
			fail "$what: wake-up after $w bytes of a $ring-byte ring (at most $max)"
	done
	[ $n -gt 0 ] || fail "$what: no sampling attr in the dump"
	rm -f "$TMP/attr"
}

for m in 1 2 4 8 16 1024; do
	KILN_TEST_ATTR_FILE="$TMP/attr" "$KILN" record -q -m $m -o "$TMP/x.pb.gz" -- true ||
		fail "record -m $m"
	check "record -m $m" $m
done
KILN_TEST_ATTR_FILE="$TMP/attr" "$KILN" record -q -o "$TMP/x.pb.gz" -- true || fail "record"
check "record (default rings)" 128
KILN_TEST_ATTR_FILE="$TMP/attr" "$KILN" record -q --call-graph dwarf -o "$TMP/x.pb.gz" -- true ||
	fail "record --call-graph dwarf"
check "record --call-graph dwarf (default rings)" 512
KILN_TEST_ATTR_FILE="$TMP/attr" "$KILN" top --stdio -q -m 2 -d 0.2 --iterations 1 -a \
	>/dev/null || fail "top -m 2"
check "top -m 2" 2
echo ok

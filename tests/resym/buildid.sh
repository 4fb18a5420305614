#!/usr/bin/env bash
# kiln buildid-list against perf buildid-list -i on binaries and on a
# profile's mappings; kiln buildid-cache and perf buildid-cache on one
# ~/.debug: each lists what the other added, perf report symbolizes a
# moved binary from what kiln cached, and kiln report from what perf did.
. "$KILN_SRC/tests/resym/lib.sh"
need_cmd perf
need_root
cd "$TMP" || fail "cd"
export HOME=$TMP/home
mkdir -p "$HOME" && build_work bin

# 1. buildid-list -i BINARY, as perf's.
for f in bin/work "$KILN" /usr/lib/x86_64-linux-gnu/libc.so.6; do
	k=$("$KILN" buildid-list -i "$f") || fail "kiln buildid-list -i $f"
	p=$(perf buildid-list -i "$f" 2>/dev/null)
	[ -n "$p" ] && [ "$k" = "$p" ] || fail "buildid-list -i $f: kiln '$k', perf '$p'"
done
bid=$("$KILN" buildid-list -i bin/work)
# A profile's mappings: "<build id> <path>", the binary's among them; -H
# keeps only those with samples.
kiln_record -o rec.pb.gz -- bin/work 30000000 > /dev/null || fail "kiln record"
"$KILN" buildid-list -i rec.pb.gz > list.txt || fail "buildid-list of a profile"
grep -qx "$bid $TMP/bin/work" list.txt || { cat list.txt >&2; fail "the workload is not listed"; }
"$KILN" buildid-list -H rec.pb.gz > hits.txt || fail "buildid-list -H"
grep -qx "$bid $TMP/bin/work" hits.txt || fail "-H drops the workload"
[ "$(wc -l < hits.txt)" -le "$(wc -l < list.txt)" ] || fail "-H lists more"
echo "no profile" > notes.txt
fails_clearly "buildid-list of text" "$KILN" buildid-list -i notes.txt
fails_clearly "buildid-list of a missing file" "$KILN" buildid-list -i missing.pb.gz

# 2. kiln adds, perf lists and uses it.
"$KILN" buildid-cache -a bin/work || fail "kiln buildid-cache -a"
perf buildid-cache -l 2>/dev/null | grep -qx "$bid $TMP/bin/work" ||
	fail "perf buildid-cache -l does not list what kiln added: $(perf buildid-cache -l 2>&1)"
"$KILN" buildid-cache -l | grep -qx "$bid $TMP/bin/work" || fail "kiln -l does not list it"
perf record -q -o perf.data -- bin/work 30000000 > /dev/null 2>&1 || fail "perf record"
# a perf.data's build ids, as perf buildid-list -i lists them
perf buildid-list -i perf.data 2>/dev/null | sort > perf-bids.txt
"$KILN" buildid-list -i perf.data | sort > kiln-bids.txt || fail "kiln buildid-list -i perf.data"
grep -q "^$bid " kiln-bids.txt || fail "the workload is not among the perf.data's build ids"
cmp -s perf-bids.txt kiln-bids.txt || { diff perf-bids.txt kiln-bids.txt >&2; fail "perf.data build ids differ from perf buildid-list"; }
mv bin/work bin/work.moved
perf report -i perf.data --stdio 2>/dev/null | grep -q 'hot_b' ||
	fail "perf report does not find the binary kiln cached"
mv bin/work.moved bin/work

# 3. perf adds, kiln lists and uses it (a gperftools profile: no build
#    id recorded, found by path in the cache; the same build as bin/work,
#    built in the same folder).
"$KILN" buildid-cache -P || fail "kiln buildid-cache -P"
[ -z "$(perf buildid-cache -l 2>/dev/null)" ] || fail "kiln -P left entries perf lists"
# -M: build ids of a profile not in the cache.
"$KILN" buildid-cache -M rec.pb.gz | grep -q "^$bid " || fail "-M does not name the missing workload"
gperf_profile "$TMP/g" cpu.prof
gbid=$("$KILN" buildid-list -i g/work)
perf buildid-cache -a g/work 2>/dev/null || fail "perf buildid-cache -a"
"$KILN" buildid-cache -l | grep -qx "$gbid $TMP/g/work" || fail "kiln -l does not list what perf added"
rm g/work
"$KILN" report -top -show='^(hot_|main)' cpu.prof > k.out 2> k.err || fail "kiln report"
grep -q 'hot_b' k.out || fail "kiln report does not find the binary perf cached"
"$KILN" buildid-cache -a bin/work || fail "-a"
"$KILN" buildid-cache -M rec.pb.gz | grep -q "^$bid " && fail "-M names a cached build id"
# -r and -p remove; perf sees them gone.
"$KILN" buildid-cache -r bin/work || fail "-r"
perf buildid-cache -l 2>/dev/null | grep -q "^$bid " && fail "perf still lists what kiln -r removed"
"$KILN" buildid-cache -a bin/work && "$KILN" buildid-cache -p "$TMP/bin/work" || fail "-a, -p"
"$KILN" buildid-cache -l | grep -q "^$bid " && fail "-p left the entry"
fails_clearly "-r of an uncached file" "$KILN" buildid-cache -r bin/work
fails_clearly "-a of a non-ELF" "$KILN" buildid-cache -a notes.txt
echo "ok"

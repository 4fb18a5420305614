#!/bin/sh
# Heap profile accuracy at the default rate (512 KiB) against the known
# sites of heapwork: keep_blocks 64 MiB live (4 KiB blocks), churn_blocks
# 256 MiB allocated and freed (1 KiB blocks), leak_blocks 10 MiB live
# (1 MiB blocks). Sampling is Poisson, so one run's estimate of a site has
# a relative standard deviation of about 1/sqrt(samples): 8.8% for the
# 64 MiB site, 4.4% for the churn, 12.5% for the leak. To test the
# estimator's accuracy rather than luck, RUNS independent processes are
# merged (as pprof merges profiles) and each site must be within 10% of
# RUNS times the truth; single runs are printed for information.
. "$(dirname "$0")/rt-lib.sh"

RUNS=20
MIB=1048576
i=0
while [ $i -lt $RUNS ]; do
	i=$((i + 1))
	KILN_HEAPPROFILE="$TMP/h$i.pb.gz" preload "$RT/heapwork" || fail "heapwork run $i failed"
	[ -s "$TMP/h$i.pb.gz" ] || fail "run $i wrote no profile"
	set -- "$@" "$TMP/h$i.pb.gz"
done
check_valid_profile "$TMP/h1.pb.gz"
grep -q '^alloc_objects/count alloc_space/bytes inuse_objects/count inuse_space/bytes$' "$TMP/raw.txt" ||
	fail "sample types are not Go's heap profile types"
grep -q '^PeriodType: space bytes$' "$TMP/raw.txt" || fail "period type is not space/bytes"
grep -q '^Period: 524288$' "$TMP/raw.txt" || fail "period is not the default rate"
grep -q 'bytes:\[4096\]' "$TMP/raw.txt" || fail "no bytes label"

site_values "$TMP/h1.pb.gz" >"$TMP/one.txt"
note "one run (alloc_space inuse_space): $(grep -E '^(keep|churn|leak)_blocks' "$TMP/one.txt" |
	awk '{ printf "%s %.1f/%.1f MiB  ", $1, $3 / 1048576, $5 / 1048576 }')"

site_values "$@" >"$TMP/all.txt"
cat "$TMP/all.txt" >&2
for site in keep_blocks:64:64 churn_blocks:256:0 leak_blocks:10:10; do
	f=${site%%:*}; rest=${site#*:}; alloc=${rest%%:*}; inuse=${rest#*:}
	want_alloc=$((alloc * MIB * RUNS)); want_inuse=$((inuse * MIB * RUNS))
	got_alloc=$(value "$f" 2 <"$TMP/all.txt"); got_inuse=$(value "$f" 4 <"$TMP/all.txt")
	within "$got_alloc" "$want_alloc" 10 ||
		fail "$f alloc_space $got_alloc is not within 10% of $want_alloc"
	if [ "$inuse" -gt 0 ]; then
		within "$got_inuse" "$want_inuse" 10 ||
			fail "$f inuse_space $got_inuse is not within 10% of $want_inuse"
	else
		# near zero: every churned block is freed, sampled ones included
		[ "$got_inuse" -le $((MIB * RUNS / 100)) ] ||
			fail "$f inuse_space $got_inuse is not near zero"
	fi
done
echo "ok: $RUNS runs, every site within 10%"

#!/bin/sh
# Debian's own programs under KILN_CPUPROFILE end as they do without
# libkiln (same exit status, same output) and their profiles open in go
# tool pprof without warnings:
#   sort of ~50 MB: sort sets a SIGPROF handler that kills it on the first
#     SIGPROF (gperftools kills it); also with KILN_CPU_SIGNALS=1, where
#     libkiln gives the signal up and says so in the profile;
#   xz -T2 -3 (4 MiB blocks): liblzma's worker threads block every signal, yet the
#     profile accounts for >= 80% of xz's CPU time (time(1) of the child).
. "$(dirname "$0")/rt-lib.sh"
need_cmd sort
need_cmd xz
need_cmd /usr/bin/time

# 5,000,000 pseudo-random numbers, one a line: ~48 MB
awk 'BEGIN { srand(13); for (i = 0; i < 5000000; i++) print int(rand() * 1e9) }' >"$TMP/big.txt"

timeout 300 sort -o "$TMP/sorted.ref" "$TMP/big.txt"
ref=$?
for sig in 0 1; do
	rm -f "$TMP/sorted"
	KILN_CPU_SIGNALS=$sig KILN_CPUPROFILE="$TMP/sort.pb.gz" \
		preload -t "$(slow 300)" sort -o "$TMP/sorted" "$TMP/big.txt"
	rc=$?
	[ "$rc" -eq "$ref" ] || fail "sort exited $rc with libkiln (KILN_CPU_SIGNALS=$sig), $ref without"
	cmp -s "$TMP/sorted" "$TMP/sorted.ref" || fail "sort's output differs (KILN_CPU_SIGNALS=$sig)"
	check_valid_profile "$TMP/sort.pb.gz"
	if [ "$sig" = 1 ]; then
		grep -q '^Comment: CPU profiling stopped at .*the program set its own SIGPROF handler$' \
			"$TMP/raw.txt" || fail "sort's fallback profile lacks the stop comment"
	else
		n=$(site_values "$TMP/sort.pb.gz" | awk '{ t += $(NF - 1) } END { printf "%.0f\n", t }')
		[ "$n" -gt 0 ] || fail "sort's profile has no samples"
		echo "# sort: $n samples" >&2
	fi
done

# ~23 MB that xz compresses in a few CPU seconds (the random numbers above
# take it ten times longer), in 4 MiB blocks: one thread has work per block
seq 1 3000000 >"$TMP/data"
timeout 300 xz -T2 -3 --block-size=4MiB -c "$TMP/data" >"$TMP/ref.xz"
ref=$?
# time(1) outside libkiln, so that only xz writes the profile
timeout "$(slow 300)" /usr/bin/time -f '%U %S' -o "$TMP/time" env LD_PRELOAD="$LIBKILN" \
	KILN_CPUPROFILE="$TMP/xz.pb.gz" xz -T2 -3 --block-size=4MiB -c "$TMP/data" >"$TMP/out.xz"
rc=$?
[ "$rc" -eq "$ref" ] || fail "xz exited $rc with libkiln, $ref without"
cmp -s "$TMP/out.xz" "$TMP/ref.xz" || fail "xz's output differs with libkiln"
check_valid_profile "$TMP/xz.pb.gz"
ns=$(site_values "$TMP/xz.pb.gz" | awk '{ t += $NF } END { printf "%.0f\n", t }')
if grep -q 'user time only' "$TMP/raw.txt"; then
	cpu=$(awk '{ print $1 }' "$TMP/time")
else
	cpu=$(awk '{ print $1 + $2 }' "$TMP/time")
fi
echo "# xz: profile $ns ns for $cpu CPU seconds" >&2
awk -v n="$ns" -v c="$cpu" 'BEGIN { exit !(c > 0.5 && n / 1e9 >= 0.8 * c) }' ||
	fail "xz's profile accounts for $ns ns of $cpu CPU seconds (< 80%)"
echo "ok: xz's profile has $(awk -v n="$ns" -v c="$cpu" 'BEGIN { printf "%.0f", 100 * n / 1e9 / c }')% of its CPU time"

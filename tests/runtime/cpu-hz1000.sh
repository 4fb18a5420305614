#!/bin/sh
# KILN_CPU_HZ=1000 gives 1000 samples per CPU second (perf_event_open's
# period is CPU time in nanoseconds; signal timers would be capped by the
# kernel's tick): at least 90% of them, counted against the CPU time the
# kernel charged the workload (user + system where kernel time is
# sampled, user alone where perf_event_paranoid allows only that).
. "$(dirname "$0")/rt-lib.sh"
need_cmd /usr/bin/time

# time(1) outside libkiln: only the workload writes the profile
timeout "$(slow 60)" /usr/bin/time -f '%U %S' -o "$TMP/time" env LD_PRELOAD="$LIBKILN" \
	KILN_CPU_HZ=1000 KILN_CPUPROFILE="$TMP/cpu.pb.gz" "$RT/cpuwork" 1 ||
	fail "cpuwork failed"
check_valid_profile "$TMP/cpu.pb.gz"
grep -q '^Comment: kiln: CPU samples from perf_event_open' "$TMP/raw.txt" ||
	fail "not sampled with perf_event_open"
total=$(site_values "$TMP/cpu.pb.gz" | awk '{ t += $(NF - 1) } END { printf "%.0f\n", t }')
if grep -q 'user time only' "$TMP/raw.txt"; then
	cpu=$(awk '{ print $1 }' "$TMP/time")
else
	cpu=$(awk '{ print $1 + $2 }' "$TMP/time")
fi
echo "# $total samples for $cpu CPU seconds" >&2
awk -v t="$total" -v c="$cpu" 'BEGIN { exit !(c >= 1 && t >= 0.9 * 1000 * c) }' ||
	fail "$total samples for $cpu s of CPU at 1000 Hz (< 90%)"
echo "ok: $total samples for $cpu CPU seconds"

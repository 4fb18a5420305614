# Shared helpers for kiln's shell tests. Source it; meson passes KILN (the
# binary), KILN_BUILD (build folder) and KILN_SRC (source folder).
set -u
# kiln asks debuginfod servers when DEBUGINFOD_URLS names them: a machine's
# own setting (Debian's /etc/profile.d/debuginfod.sh) must not send every
# test to the network. tests/debuginfod sets it for each command it runs.
unset DEBUGINFOD_URLS
: "${KILN:?KILN must point at the kiln binary}"
: "${KILN_BUILD:?}"
: "${KILN_SRC:?}"

TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kiln-$TEST_NAME.XXXXXX")
CLEANUP=":"
trap 'eval "$CLEANUP"; rm -rf "$TMP"' EXIT
# Runs a command when the test exits, however it exits (e.g. to kill a
# background workload after a failed check).
at_exit() { CLEANUP="$CLEANUP; $*"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
# Exit code 77 is meson's "skipped"; always say why. A skip for a missing
# prerequisite (a tool, a mount) is a failure under CI=true, where
# scripts/setup.sh guarantees them (scripts/test.sh enforces it); only what a
# machine can truly lack (hardware PMU counters, kprobes) uses skip_lacks.
skip() { echo "SKIP: $*" >&2; exit 77; }
skip_lacks() { echo "SKIP: machine lacks $*" >&2; exit 77; }
note() { echo "# $*" >&2; }

need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || skip "needs '$1' (run scripts/setup.sh)"; }

# Workload binaries built by tests/workloads/meson.build.
workload() { echo "$KILN_BUILD/tests/workloads/$1"; }

# go tool pprof without network or telemetry, caching under the build folder.
pprof() {
	HOME="${KILN_BUILD}/gohome" GOTOOLCHAIN=local GOTELEMETRY=off \
		go tool pprof "$@"
}

# Checks that a float is within [lo, hi].
in_range() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }

# "name flat cum" per row of `pprof -top` in sample counts, for awk lookups.
pprof_counts() {
	pprof -top -sample_index=samples -nodefraction=0 "$@" 2>/dev/null |
		awk 'f && NF >= 6 { name = $6; for (i = 7; i <= NF; i++) name = name " " $i;
			print name "\t" $1 "\t" $4 } /flat%/ { f = 1 }'
}
# flat count of one function from pprof_counts output on stdin
count_of() { awk -F'\t' -v n="$1" '$1 == n { print $2; found = 1 } END { if (!found) print 0 }'; }
# cum of one function as a percentage of all samples (integer)
share_of() { awk -F'\t' -v n="$1" '{ t += $2 } $1 == n { c = $3 } END { print (t ? int(100 * c / t) : 0) }'; }
cum_of() { awk -F'\t' -v n="$1" '$1 == n { print $3; found = 1 } END { if (!found) print 0 }'; }

# Records with kiln, failing the test with kiln's stderr on error.
kiln_record() {
	"$KILN" record -q "$@" 2>"$TMP/record.err" || {
		rc=$?; cat "$TMP/record.err" >&2; return $rc; }
}

# A profile opens in go tool pprof without warnings or errors.
check_valid_profile() {
	pprof -raw "$1" >"$TMP/raw.txt" 2>"$TMP/raw.err" || {
		cat "$TMP/raw.err" >&2; fail "go tool pprof cannot read $1"; }
}

# Tracepoints need tracefs: mounts it (as root) where a fresh boot has not.
# Only a kernel without the mount point truly lacks it.
need_tracefs() {
	need_root
	[ -d /sys/kernel/tracing ] || skip_lacks "tracefs (no /sys/kernel/tracing)"
	mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing ||
		fail "cannot mount tracefs on /sys/kernel/tracing"
}

# Waits up to 20 s for process PID to hold a perf_event descriptor: kiln
# installs its signal handlers before it opens events, so a signal sent
# after this is handled, however slowly a loaded machine started kiln.
wait_perf_fds() {
	for _ in $(seq 200); do
		ls -l "/proc/$1/fd" 2>/dev/null | grep -q 'anon_inode:\[perf_event\]' && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

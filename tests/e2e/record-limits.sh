#!/usr/bin/env bash
# Lost samples are counted, printed and kept in the profile; missing
# permissions are explained (perf_event_paranoid), not crashed on.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go
need_cmd runuser

# A one-page ring cannot hold even one 8 KiB stack copy: every sample of
# this recording is lost, and kiln must say so.
out="$TMP/lost.pb.gz"
"$KILN" record -m 1 --call-graph dwarf -o "$out" -- "$(workload cpu-split)" 0.5 2>"$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "record with a tiny ring"; }
grep -Eq '^kiln: warning: lost [1-9][0-9]* samples' "$TMP/err" || { cat "$TMP/err" >&2; fail "no lost warning"; }
grep -Eq '[1-9][0-9]* lost, wrote' "$TMP/err" || fail "summary does not count lost samples"
check_valid_profile "$out"
grep -Eq '^Comment: samples: [0-9]+, lost: [1-9]' "$TMP/raw.txt" || fail "lost count not in the profile"

# Without privileges, system-wide sampling needs perf_event_paranoid <= 0
# (CAP_PERFMON aside): above that, one line that names the setting and what
# to change; at 0 or below the recording works.
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)
# A copy the user can reach whatever the build folder's permissions.
chmod 777 "$TMP"
install -m 755 "$KILN" "$TMP/kiln"
runuser -u nobody -- "$TMP/kiln" record -e cpu-clock -a -o "$TMP/nobody.pb.gz" --duration 0.1 2>"$TMP/err"; rc=$?
if [ "$paranoid" -ge 1 ]; then
	[ "$rc" -ne 0 ] || fail "unprivileged system-wide recording accepted (perf_event_paranoid $paranoid)"
	[ "$(wc -l < "$TMP/err")" -eq 1 ] || { cat "$TMP/err" >&2; fail "expected one line"; }
	grep -q 'perf_event_paranoid' "$TMP/err" || { cat "$TMP/err" >&2; fail "no paranoid hint"; }
	[ ! -e "$TMP/nobody.pb.gz" ] || fail "output written without permission"
else
	[ "$rc" -eq 0 ] || { cat "$TMP/err" >&2; fail "unprivileged -a refused with perf_event_paranoid $paranoid"; }
	[ -s "$TMP/nobody.pb.gz" ] || fail "no profile from the unprivileged recording"
	note "perf_event_paranoid is $paranoid here: unprivileged -a allowed, and it worked"
fi
echo ok

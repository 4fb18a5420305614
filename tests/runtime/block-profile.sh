#!/bin/sh
# Block profile: blockwork's known waits (a condition variable ~1 s in
# wait_in_cond, nanosleep 0.5 s in sleep_in_nanosleep, poll 0.7 s in
# wait_in_poll, the joins ~1 s in join_all) each come out at their site
# within 30%, with Go's block profile types, read by go tool pprof -top and
# kiln report -top: written at exit (KILN_BLOCKPROFILE), and over HTTP,
# where recording is off until a ?seconds=N request, which returns only
# what its window saw.
. "$(dirname "$0")/rt-lib.sh"
need_cmd python3

# delay_of TOPFILE FUNC: FUNC's flat delay in ms from a `-top -unit=ms`
# listing (pprof's or kiln's); 0 when absent.
delay_of() {
	awk -v f="$2" 'p && $6 == f { v = $1; sub("ms$", "", v); print v; found = 1; exit }
		/flat%/ { p = 1 } END { if (!found) print 0 }' "$1"
}

# check_sites PROFILE ROUNDS: each site's delay within 30% of ROUNDS times
# its wait, in both readers' -top; the number of waits from pprof -raw.
check_sites() {
	pprof -top -unit=ms -sample_index=delay -nodefraction=0 "$1" >"$TMP/top" 2>"$TMP/top.err" ||
		{ cat "$TMP/top.err" >&2; fail "go tool pprof -top $1"; }
	"$KILN" report -top -unit=ms -sample_index=delay -nodefraction=0 "$1" >"$TMP/ktop" \
		2>"$TMP/ktop.err" || { cat "$TMP/ktop.err" >&2; fail "kiln report -top $1"; }
	site_values "$1" >"$TMP/sites"
	for fw in wait_in_cond:1000:1 join_all:1000:3 wait_in_poll:700:1 sleep_in_nanosleep:500:1; do
		f=${fw%%:*} rest=${fw#*:}
		ms=${rest%%:*} per=${rest#*:}
		want=$((ms * $2))
		for t in top ktop; do
			got=$(delay_of "$TMP/$t" "$f")
			within "$got" "$want" 30 || { cat "$TMP/$t" >&2
				fail "$1 ($t): $f blocked ${got} ms, want $want ms ± 30%"; }
		done
		n=$(value "$f" 1 <"$TMP/sites")
		# a condition variable may wake spuriously: at least once a round
		if [ "$f" = wait_in_cond ]; then
			[ "$n" -ge "$2" ] || fail "$1: $f waited $n times in $2 rounds"
		else
			[ "$n" -eq $((per * $2)) ] || fail "$1: $f waited $n times, want $((per * $2))"
		fi
	done
}

# 1. KILN_BLOCKPROFILE: written at exit, one round
KILN_BLOCKPROFILE="$TMP/b.pb.gz" preload -t "$(slow 60)" "$RT/blockwork" 1 >/dev/null ||
	fail "blockwork failed"
check_valid_profile "$TMP/b.pb.gz"
grep -q '^contentions/count delay/nanoseconds$' "$TMP/raw.txt" || fail "sample types"
grep -q '^PeriodType: contentions count$' "$TMP/raw.txt" || fail "period type"
check_sites "$TMP/b.pb.gz" 1
note "KILN_BLOCKPROFILE: $(tr '\n' ' ' <"$TMP/sites")"

# 2. over HTTP: round 1 runs at once, each later one when a line comes
mkfifo "$TMP/in"
KILN_HTTP=127.0.0.1:0 preload_exec -t "$(slow 300)" "$RT/blockwork" 3 -wait <"$TMP/in" \
	>"$TMP/out" 2>"$TMP/err" &
pid=$!
trap 'kill -0 $pid 2>/dev/null || cat "$TMP/err" >&2; kill $pid 2>/dev/null; rm -rf "$TMP"' EXIT
exec 3>"$TMP/in"
port=
for _ in $(seq "$(slow 100)"); do
	port=$(sed -n 's/^kiln: serving \/debug\/pprof\/ on port \([0-9]*\)$/\1/p' "$TMP/err")
	[ -n "$port" ] && grep -q '^round 1 done$' "$TMP/out" && break
	sleep 0.1
done
[ -n "$port" ] || { cat "$TMP/err" >&2; fail "the server did not start"; }
grep -q '^round 1 done$' "$TMP/out" || fail "round 1 did not end"
base="http://127.0.0.1:$port/debug/pprof"

# off by default: round 1 left nothing
pprof -proto "$base/block" >"$TMP/off.pb.gz" 2>"$TMP/off.err" ||
	{ cat "$TMP/off.err" >&2; fail "go tool pprof could not fetch the block profile"; }
[ "$(site_values "$TMP/off.pb.gz" | value wait_in_cond 2)" -eq 0 ] ||
	fail "blocking was recorded before anything asked for it"

# window: ?seconds=N turns recording on while it runs; the next round
# starts once the request has surely begun
window() {
	pprof -proto -seconds "$(slow 6)" "$base/block" >"$TMP/$1.pb.gz" 2>"$TMP/$1.err" &
	fetch=$!
	sleep "$(slow 2)"
	echo go >&3
	wait $fetch || { cat "$TMP/$1.err" >&2; fail "go tool pprof -seconds could not fetch $1"; }
	grep -q "^round $2 done$" "$TMP/out" || fail "round $2 did not end inside the window"
}
window w1 2
check_sites "$TMP/w1.pb.gz" 1
window w2 3
check_sites "$TMP/w2.pb.gz" 1 # a delta: not rounds 2 and 3
note "window: $(tr '\n' ' ' <"$TMP/sites")"
# without seconds: everything recorded so far, rounds 2 and 3
pprof -proto "$base/block" >"$TMP/all.pb.gz" 2>"$TMP/all.err" ||
	{ cat "$TMP/all.err" >&2; fail "block profile after the windows"; }
check_sites "$TMP/all.pb.gz" 2
# kiln report fetches the URL itself
"$KILN" report -top -sample_index=delay "$base/block" >"$TMP/kr.txt" 2>"$TMP/kr.err" ||
	{ cat "$TMP/kr.err" >&2; fail "kiln report could not fetch the block profile"; }
grep -q wait_in_cond "$TMP/kr.txt" || { cat "$TMP/kr.txt" >&2; fail "kiln report -top URL lacks wait_in_cond"; }
exec 3>&-
wait $pid || fail "blockwork under KILN_HTTP failed"
if grep -q 'SUMMARY: .*Sanitizer' "$TMP/err"; then cat "$TMP/err" >&2; fail "sanitizer report"; fi
echo "ok: blocking delays at their sites, at exit and over HTTP windows"

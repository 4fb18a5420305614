#!/bin/sh
# Issue 13's case: `timeout 60 git log --stat -n 200` with libkiln preloaded
# and KILN_HEAPPROFILE. timeout is the first process (h.pb.gz); git, its
# child, writes h.PID.pb.gz, the large one, which opens in go tool pprof
# without warnings; git's output and exit status are unchanged.
. "$(dirname "$0")/rt-lib.sh"
need_cmd git
T=$(slow 60)

# A scratch repository with 200 commits, each changing two files.
repo="$TMP/repo"
git init -q "$repo" || fail "git init"
cd "$repo" || fail "cd $repo"
git config user.name kiln && git config user.email kiln@example.invalid &&
	git config commit.gpgsign false || fail "git config"
i=0
while [ $i -lt 200 ]; do
	seq $i $((i + 400)) >a.txt
	echo "$i" >>"b-$((i % 7)).txt"
	git add -A && git commit -q -m "commit $i" || fail "git commit $i"
	i=$((i + 1))
done

timeout "$T" git log --stat -n 200 >"$TMP/plain.out" 2>&1; want=$?
mkdir "$TMP/o"
# Rate 16 KiB: git's allocations for 200 small commits are sampled for sure.
env LD_PRELOAD="$LIBKILN" KILN_HEAPPROFILE="$TMP/o/h.pb.gz" KILN_HEAP_RATE=16384 \
	timeout "$T" git log --stat -n 200 >"$TMP/kiln.out" 2>"$TMP/err"; got=$?
ls -l "$TMP/o" >&2
[ "$got" -eq "$want" ] || { cat "$TMP/err" >&2; fail "git exited $got with libkiln, $want without"; }
[ ! -s "$TMP/err" ] || { cat "$TMP/err" >&2; fail "git or libkiln printed on stderr"; }
cmp -s "$TMP/plain.out" "$TMP/kiln.out" || fail "git's output differs with libkiln"
[ "$(grep -c '^commit ' "$TMP/kiln.out")" -eq 200 ] || fail "git log did not list 200 commits"

[ -f "$TMP/o/h.pb.gz" ] || fail "timeout, the first process, wrote no h.pb.gz"
# git's profile: the one whose main mapping is git.
gitf= big=0
for f in "$TMP"/o/h.*.pb.gz; do
	[ -e "$f" ] || continue
	pprof -raw "$f" >"$TMP/raw.txt" 2>"$TMP/raw.err" || { cat "$TMP/raw.err" >&2; fail "pprof cannot read $f"; }
	[ ! -s "$TMP/raw.err" ] || { cat "$TMP/raw.err" >&2; fail "pprof warned about $f"; }
	# a mapping line: "1: 0xstart/0xlimit/0xoffset /usr/bin/git BUILDID"
	if grep -Eq '^1: 0x[0-9a-fx/]+ [^ ]*/git( |$)' "$TMP/raw.txt"; then gitf=$f; fi
	s=$(wc -c <"$f"); [ "$s" -gt "$big" ] && { big=$s; bigf=$f; }
done
[ -n "$gitf" ] || fail "no profile of git itself"
[ "$gitf" = "$bigf" ] || fail "git's profile $gitf is not the largest ($bigf)"
[ "$(wc -c <"$gitf")" -gt "$(wc -c <"$TMP/o/h.pb.gz")" ] || fail "git's profile is not larger than timeout's"
pprof -raw "$gitf" | awk '/^Samples:/ { s = 1; next } /^Locations/ { s = 0 } s && /^ *[0-9]+ / { n++ }
	END { exit !(n > 0) }' || fail "git's profile has no samples"
echo "ok: git's own profile kept"

#!/usr/bin/env bash
# libkiln inside programs nobody on this project wrote (Debian's own),
# with KILN_CPUPROFILE and KILN_HEAPPROFILE both set: each finishes with
# the same exit status and output as without libkiln, every profile it
# should write exists and opens in go tool pprof without a warning, and
# nothing hangs (every run is bounded). Descendants write their own files
# (the path with their pid before the extension), so the program's own
# profile is never overwritten by a helper process's.
#   python3.11  a small workload (non-PIE: heap hooks through its PLT)
#   sort        a 50 MB file (installs its own SIGPROF handler)
#   xz -T2      two busy threads that block every signal (liblzma's)
#   git log     in a scratch repository, through timeout
#   sh          a loop of 300 /bin/true
#   dlclose     a library that allocates, closed before the profiles are written
. "$KILN_SRC/tests/runtime/rt-lib.sh"

cd "$TMP"
out=$TMP/prof

# pprof_clean FILE: go tool pprof reads it without a word on stderr.
pprof_clean() {
	pprof -raw "$1" >/dev/null 2>pp.err || { cat pp.err >&2; fail "go tool pprof cannot read $1"; }
	[ ! -s pp.err ] || { cat pp.err >&2; fail "go tool pprof warns about $1"; }
}

# run NAME TIMEOUT CMD...: runs CMD without and then with libkiln (profiles
# into $out/NAME/), both bounded; the exit status and stdout must agree.
run() {
	local name=$1 t=$2 rc0 rc1
	shift 2
	rm -rf "$out/$name"
	mkdir -p "$out/$name"
	timeout "$t" "$@" >"$name.plain" 2>"$name.plain.err"; rc0=$?
	[ "$rc0" -ne 124 ] || fail "$name: timed out without libkiln"
	# env execs CMD, so CMD is the first process with libkiln (the
	# timeout around it has none): its profiles have the names as given.
	timeout "$t" env KILN_CPUPROFILE="$out/$name/cpu.pb.gz" KILN_HEAPPROFILE="$out/$name/heap.pb.gz" \
		LD_PRELOAD="$LIBKILN" "$@" >"$name.kiln" 2>"$name.kiln.err"; rc1=$?
	[ "$rc1" -ne 124 ] || { cat "$name.kiln.err" >&2; fail "$name: hung with libkiln (killed after $t s)"; }
	[ "$rc1" -eq "$rc0" ] || { cat "$name.kiln.err" >&2; fail "$name: exit $rc1 with libkiln, $rc0 without"; }
	cmp -s "$name.plain" "$name.kiln" || fail "$name: different output with libkiln"
}

need_cmd /usr/bin/python3.11
run python 120 /usr/bin/python3.11 -c '
import hashlib, json
d = {}
for i in range(200000):
    d[str(i)] = [i] * 3
s = json.dumps(d)
print(hashlib.sha256(s.encode()).hexdigest(), len(d))'
pprof_clean "$out/python/cpu.pb.gz"
pprof_clean "$out/python/heap.pb.gz"
pprof -top -sample_index=alloc_space "$out/python/heap.pb.gz" 2>/dev/null | grep -q . ||
	fail "python: empty heap profile"

# ~50 MB of lines in a shuffled order.
awk 'BEGIN { srand(7); for (i = 0; i < 2500000; i++) printf "%08d line %d of the sort input\n", int(rand() * 1e8), i }' >big.txt
run sort 300 sort -o sorted.txt big.txt
cmp -s sorted.txt <(sort big.txt) || fail "sort: output differs"
pprof_clean "$out/sort/cpu.pb.gz"
pprof_clean "$out/sort/heap.pb.gz"

need_cmd xz
# Compressible (random text costs xz a minute of CPU here); 4 MiB blocks
# give both threads work.
seq 1 3000000 >xzin.txt
run xz 300 xz -T2 -3 --block-size=4MiB -c xzin.txt
pprof_clean "$out/xz/cpu.pb.gz"
pprof_clean "$out/xz/heap.pb.gz"
# Both threads are in the profile: its samples cover most of xz's CPU time.
cpu_s=$( { timeout 300 /usr/bin/time -f '%U %S' env KILN_CPUPROFILE="$TMP/xz-cpu.pb.gz" \
	LD_PRELOAD="$LIBKILN" xz -T2 -3 --block-size=4MiB -c xzin.txt >/dev/null; } 2>&1 | tail -1 | awk '{ print $1 + $2 }')
prof_s=$(pprof -raw "$TMP/xz-cpu.pb.gz" 2>/dev/null | awk '/^Samples:/ { s = 1; next } /^Locations/ { s = 0 }
	s && /^ *[0-9]+ +[0-9]+:/ { t += $2 } END { print t / 1e9 }')
note "xz -T2: $cpu_s s of CPU, $prof_s s in the profile"
awk -v c="$cpu_s" -v p="$prof_s" 'BEGIN { exit !(c > 0 && p >= 0.8 * c) }' ||
	fail "xz -T2: the profile holds $prof_s s of $cpu_s s of CPU"

need_cmd git
git init -q repo && (
	cd repo && git config user.email t@example.org && git config user.name t &&
	for i in $(seq 60); do
		seq "$i" 400 >"f$((i % 7)).txt" && git add . && git commit -qm "commit $i" || exit 1
	done ) || fail "cannot make the scratch git repository"
run git 120 timeout 60 git -C repo log --stat -n 200
# timeout is the program started; git, its child, writes h.PID.pb.gz.
ls "$out/git"/heap.*.pb.gz >/dev/null 2>&1 || { ls -l "$out/git" >&2; fail "git: no profile of the descendant"; }
for f in "$out/git"/*.pb.gz; do pprof_clean "$f"; done
big=$(ls -S "$out/git"/heap*.pb.gz | head -1)
[ "$big" != "$out/git/heap.pb.gz" ] || fail "git: timeout's profile is larger than git's"

run loop 120 sh -c 'for i in $(seq 300); do /bin/true; done'
# One file of each kind per true (dash leaves through _exit(): its own
# profiles are not written).
n=$(ls "$out/loop"/heap*.pb.gz | wc -l); m=$(ls "$out/loop"/cpu*.pb.gz | wc -l)
[ "$n" -ge 300 ] && [ "$m" -ge 300 ] || fail "loop: $n heap and $m CPU profiles for 300 processes"
for f in $(ls "$out/loop"/*.pb.gz | shuf -n 4 --random-source=big.txt); do
	pprof_clean "$f"
done
for f in "$out/loop"/*.pb.gz; do
	"$KILN" report -raw "$f" >/dev/null 2>k.err || { cat k.err >&2; fail "kiln report cannot read $f"; }
done

run dlclose 120 "$RT/dlclose-work" "$RT/libdlclose-lib.so"
pprof_clean "$out/dlclose/cpu.pb.gz"
pprof_clean "$out/dlclose/heap.pb.gz"
pprof -top -sample_index=inuse_space "$out/dlclose/heap.pb.gz" 2>/dev/null | grep -q . ||
	fail "dlclose: empty heap profile"
echo ok

#!/bin/sh
# One profile per process of a tree, none lost: with KILN_HEAPPROFILE=h.pb.gz
# the first process writes h.pb.gz and every descendant h.PID.pb.gz, so the
# process that did the work (heapwork: 64 MiB kept by keep_blocks) keeps its
# file whoever exits last: heapwork first with a pipeline below it, heapwork
# in a `sh -c 'a | b'` pipeline, and heapwork under timeout. Programs keep
# their output and exit status; libkiln prints nothing at exit unless
# KILN_VERBOSE=1; KILN_CHILDREN=0 leaves descendants without profiles.
. "$(dirname "$0")/rt-lib.sh"
T=$(slow 60)

# The one file holding heapwork's allocations, among the folder's profiles;
# each must open in pprof. Prints its name; fails unless exactly one.
heapwork_file() {
	found= n=0
	for f in "$1"/*; do
		check_valid_profile "$f"
		if grep -q keep_blocks "$TMP/raw.txt"; then found=$f; n=$((n + 1)); fi
	done
	[ "$n" -eq 1 ] || fail "$n profiles in $1 hold heapwork's keep_blocks, want 1"
	echo "$found"
}
size() { wc -c <"$1"; }
# Runs "$@" with libkiln and KILN_HEAPPROFILE=$d/h.pb.gz; stderr must stay empty.
profiled() {
	d=$1; shift
	mkdir -p "$d"
	preload -t "$T" env KILN_HEAPPROFILE="$d/h.pb.gz" "$@" >"$TMP/out" 2>"$TMP/err" ||
		{ cat "$TMP/err" >&2; fail "failed with libkiln: $*"; }
	[ ! -s "$TMP/err" ] || { cat "$TMP/err" >&2; fail "libkiln printed something: $*"; }
	ls -l "$d" >&2
}

# 1. heapwork first, a pipeline below it: its h.pb.gz is the big one.
profiled "$TMP/1" "$RT/heapwork" spawn "/bin/true | cat"
[ "$(heapwork_file "$TMP/1")" = "$TMP/1/h.pb.gz" ] || fail "h.pb.gz is not heapwork's"
n=0
for f in "$TMP"/1/h.*.pb.gz; do
	[ -e "$f" ] || continue
	[ "$(size "$f")" -lt "$(size "$TMP/1/h.pb.gz")" ] || fail "$f is not smaller than heapwork's"
	n=$((n + 1))
done
[ "$n" -ge 2 ] || fail "$n descendant profiles (true, cat), want >= 2"

# 2. heapwork inside sh -c 'a | b': its own h.PID.pb.gz, and cat's.
profiled "$TMP/2" sh -c "\"$RT/heapwork\" | cat"
f=$(heapwork_file "$TMP/2")
case "$f" in "$TMP"/2/h.[0-9]*.pb.gz) ;; *) fail "heapwork's profile is $f, want h.PID.pb.gz" ;; esac
[ "$(ls "$TMP"/2/h.*.pb.gz | wc -l)" -ge 2 ] || fail "cat's profile is missing"

# 3. timeout first: its h.pb.gz is small, heapwork's h.PID.pb.gz big.
profiled "$TMP/3" timeout "$T" "$RT/heapwork"
[ -f "$TMP/3/h.pb.gz" ] || fail "timeout, the first process, wrote no h.pb.gz"
f=$(heapwork_file "$TMP/3")
[ "$f" != "$TMP/3/h.pb.gz" ] || fail "heapwork's allocations are in timeout's file"
[ "$(size "$f")" -gt "$(size "$TMP/3/h.pb.gz")" ] || fail "heapwork's profile is not the big one"

# 4. The same output and exit status as without libkiln.
cmd='printf "a\nb\n" | cat; /bin/true | sort; (exit 3)'
timeout "$T" sh -c "$cmd" >"$TMP/plain.out" 2>&1; want=$?
mkdir -p "$TMP/4"
preload -t "$T" env KILN_HEAPPROFILE="$TMP/4/h.pb.gz" sh -c "$cmd" >"$TMP/kiln.out" 2>&1; got=$?
[ "$got" -eq "$want" ] || fail "exit status $got with libkiln, $want without"
cmp -s "$TMP/plain.out" "$TMP/kiln.out" || { diff "$TMP/plain.out" "$TMP/kiln.out" >&2; fail "output differs"; }

# 5. KILN_VERBOSE=1 says what each process wrote.
mkdir -p "$TMP/5"
preload -t "$T" env KILN_HEAPPROFILE="$TMP/5/h.pb.gz" KILN_VERBOSE=1 "$RT/heapwork" \
	spawn "sh -c '$RT/heapwork'" >/dev/null 2>"$TMP/err" || fail "KILN_VERBOSE run failed"
grep -q "^kiln: pid [0-9]* wrote its heap profile to $TMP/5/h.pb.gz$" "$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "KILN_VERBOSE=1 did not name h.pb.gz"; }
grep -q "^kiln: pid [0-9]* wrote its heap profile to $TMP/5/h\.[0-9]*\.pb\.gz$" "$TMP/err" ||
	{ cat "$TMP/err" >&2; fail "KILN_VERBOSE=1 did not name the descendant's profile"; }

# 6. KILN_CHILDREN=0: the first process alone writes.
profiled "$TMP/6" KILN_CHILDREN=0 "$RT/heapwork" spawn "/bin/true | cat; $RT/heapwork"
[ "$(ls "$TMP/6")" = h.pb.gz ] || fail "KILN_CHILDREN=0 left $(ls "$TMP/6" | tr '\n' ' ')"
[ "$(heapwork_file "$TMP/6")" = "$TMP/6/h.pb.gz" ] || fail "h.pb.gz is not the first heapwork's"
echo "ok: one profile per process, the worker's kept"

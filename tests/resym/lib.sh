# Shared by the resym tests: tests/lib.sh, and a gperftools CPU profile
# of a copy of the workload.
. "$KILN_SRC/tests/lib.sh"
export TZ=UTC
LIBPROFILER=/usr/lib/x86_64-linux-gnu/libprofiler.so.0

# build_work DIR: the workload as DIR/work, compiled here from its absolute
# path: DWARF then names the source file by that path, which GNU addr2line
# (pprof's) prints as it is and kiln, joining DW_AT_comp_dir to relative
# names as llvm-symbolizer and perf do, prints the same.
build_work() {
	mkdir -p "$1" && cc -g -O1 -fno-omit-frame-pointer -o "$1/work" "$KILN_SRC/tests/resym/work.c" ||
		fail "cannot build the workload"
}

# gperf_profile DIR OUT: builds the workload as DIR/work and profiles it
# with gperftools (CPUPROFILE) into OUT.
gperf_profile() {
	[ -e "$LIBPROFILER" ] || fail "no $LIBPROFILER (libgoogle-perftools-dev; run scripts/setup.sh)"
	build_work "$1"
	LD_PRELOAD=$LIBPROFILER CPUPROFILE="$2" CPUPROFILE_FREQUENCY=250 "$1/work" > /dev/null ||
		fail "the workload failed under libprofiler"
	[ -s "$2" ] || fail "gperftools wrote no profile"
}

# same LABEL CMD...: kiln report and go tool pprof with the same
# arguments print the same thing and exit alike.
same() {
	local label=$1
	shift
	"$KILN" report "$@" > k.out 2> k.err
	krc=$?
	pprof "$@" > p.out 2> p.err
	prc=$?
	if [ "$krc" -ne "$prc" ] || ! cmp -s k.out p.out; then
		diff p.out k.out | head -20 >&2
		head -3 k.err >&2
		fail "$label: kiln report differs from go tool pprof (exit kiln $krc, pprof $prc): $*"
	fi
}

# fails_clearly LABEL CMD...: exits non-zero with one line on stderr.
fails_clearly() {
	local label=$1
	shift
	"$@" > out.txt 2> err.txt && fail "$label: exits 0: $*"
	[ "$(wc -l < err.txt)" -eq 1 ] || { cat err.txt >&2; fail "$label: not one line on stderr"; }
	grep -q '^kiln: ' err.txt || { cat err.txt >&2; fail "$label: no 'kiln:' message"; }
	note "$label: $(cat err.txt)"
}

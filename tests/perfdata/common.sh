# Helpers of the perfdata tests (source after tests/lib.sh): perf record,
# and kiln's reading of a perf.data compared with perf's.
C="$KILN_SRC/tests/perfdata/compare.py"
APP=$(workload cpu-split)
cd "$TMP" || fail "cd"

perf_record() { perf record -q "$@" 2>"$TMP/perf.err" || { cat "$TMP/perf.err" >&2; fail "perf record $*"; }; }

# perf report's first event, as kiln report --stdio's first sample type;
# $2: how much of the samples may be named differently (libc's aliases).
compare_report() {
	perf report --stdio --no-children -g none -i "$1" > perf-report.txt 2>/dev/null ||
		fail "perf report -i $1"
	"$KILN" report --stdio "$1" > kiln-report.txt 2>kiln.err || { cat kiln.err >&2; fail "kiln report --stdio $1"; }
	python3 "$C" report perf-report.txt kiln-report.txt ${2:-5} >&2 || fail "kiln report --stdio differs from perf report on $1"
}

compare_script() {
	perf script -F comm,pid,tid,time,ip,sym,dso -i "$1" > perf-script.txt 2>/dev/null || fail "perf script -i $1"
	"$KILN" script -F comm,pid,tid,time,ip,sym,dso "$1" > kiln-script.txt 2>kiln.err ||
		{ cat kiln.err >&2; fail "kiln script $1"; }
	python3 "$C" script perf-script.txt kiln-script.txt cpu-split >&2 || fail "kiln script differs from perf script on $1"
}

# kiln's profile of a perf.data, written out for go tool pprof, which
# must read it without a warning; $3=any-binaries: except that it cannot
# open binaries (-a sees other mount namespaces and deleted files).
to_pprof() {
	"$KILN" report -proto "$1" > "$2" 2>kiln.err || { cat kiln.err >&2; fail "kiln report -proto $1"; }
	check_valid_profile "$2"
	if [ "${3:-}" = any-binaries ]; then
		grep -v -e '^Local symbolization failed for ' -e '^Some binary filenames not available' \
			-e '^Try setting PPROF_BINARY_PATH' "$TMP/raw.err" > "$TMP/raw.err2"
		mv "$TMP/raw.err2" "$TMP/raw.err"
	fi
	[ -s "$TMP/raw.err" ] && { cat "$TMP/raw.err" >&2; fail "go tool pprof warns on $1"; }
	true
}


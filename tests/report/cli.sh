#!/usr/bin/env bash
# kiln report's command line: option spellings, standard input, -proto
# round trip, and one clear error line (non-zero exit) for every kind of
# bad input or bad option.
. "$KILN_SRC/tests/lib.sh"
# kiln's exit status counts in every pipeline below.
set -o pipefail
: "${MKPROFILES:?}"
export TZ=UTC
cd "$TMP" || fail "cd"
"$MKPROFILES" . || fail "mkprofiles"

# Help answers, and says how the two styles are chosen.
"$KILN" report -h > help.txt || fail "report -h"
grep -q "perf style" help.txt || fail "help does not explain the perf style"
"$KILN" help report > /dev/null || fail "kiln help report"

# Every spelling of an option gives the same report.
"$KILN" report -top -nodecount=3 rich.pb.gz > a.txt || fail "-nodecount=3"
for spelling in "-nodecount 3" "--nodecount=3" "--nodecount 3"; do
	# shellcheck disable=SC2086
	"$KILN" report --top $spelling rich.pb.gz > b.txt || fail "$spelling"
	cmp -s a.txt b.txt || fail "'$spelling' differs from -nodecount=3"
done
grep -q "Showing top 3 nodes" a.txt || fail "nodecount not applied"

# Standard input, compressed or not.
"$KILN" report -top -nodecount=3 - < rich.pb.gz > b.txt || fail "stdin gzip"
cmp -s a.txt b.txt || fail "stdin gzip differs"
gzip -dc rich.pb.gz > rich.pb
"$KILN" report -top -nodecount=3 - < rich.pb | cmp -s a.txt - || fail "stdin raw differs"
"$KILN" report -top -nodecount=3 rich.pb | cmp -s a.txt - || fail "raw file differs"

# -proto writes the merged, filtered profile; reading it back gives the
# same report, and go tool pprof reads it too.
"$KILN" report -proto -focus=eval -output=focused.pb.gz rich.pb.gz 2> proto.err || fail "-proto"
grep -q "Generating report in focused.pb.gz" proto.err || fail "no 'Generating report' line"
# Percentages of the focused part, to compare with the saved subset.
"$KILN" report -top -focus=eval -relative_percentages rich.pb.gz | sed -n '/cum%$/,$p' > c.txt ||
	fail "-top -focus=eval"
"$KILN" report -top focused.pb.gz | sed -n '/cum%$/,$p' > d.txt || fail "reading -proto output"
# The header line and at least one row.
[ "$(wc -l < c.txt)" -ge 2 ] || fail "-top -focus=eval printed no rows"
cmp -s c.txt d.txt || { diff c.txt d.txt; fail "-proto round trip changes the rows"; }

# Merging needs matching sample types.
"$KILN" report -top rich.pb.gz worked.pb.gz > /dev/null 2> err.txt && fail "merged incompatible profiles"
grep -q "incompatible" err.txt || { cat err.txt; fail "merge error wording"; }
[ "$(wc -l < err.txt)" -eq 1 ] || fail "merge error is not one line"

# Bad inputs: one line on stderr, non-zero exit, offsets where they help.
check_error() { # NAME PATTERN ARGS...
	name=$1 pattern=$2
	shift 2
	if "$KILN" report "$@" > /dev/null 2> err.txt; then fail "$name: exit status 0"; fi
	[ "$(wc -l < err.txt)" -eq 1 ] || { cat err.txt; fail "$name: not one line"; }
	grep -q -- "$pattern" err.txt || { cat err.txt; fail "$name: expected '$pattern'"; }
}
head -c 200 rich.pb.gz > trunc.pb.gz
check_error "truncated gzip" "byte" -top trunc.pb.gz
head -c 300 rich.pb > trunc.pb
check_error "truncated proto" "byte" -top trunc.pb
printf 'this is not a profile at all\n' > text.txt
check_error "text file" "text.txt" -top text.txt
check_error "empty" "empty" -top /dev/null
check_error "missing file" "No such file" -top nonexistent.pb.gz
check_error "unreachable url" "6060" -top http://127.0.0.1:6060/debug/pprof/profile
check_error "unknown option" "unknown option" -bogus rich.pb.gz
check_error "two formats" "at most one output format" -top -tree rich.pb.gz
check_error "two granularities" "cannot be combined" -lines -files rich.pb.gz
check_error "bad regex" "focus" -top -focus='(' rich.pb.gz
check_error "bad sample index" "sample_index" -top -sample_index=nope rich.pb.gz
check_error "base and diff_base" "cannot both" -top -base=rich.pb.gz -diff_base=rich.pb.gz rich.pb.gz
check_error "normalize without base" "normalize" -top -normalize rich.pb.gz
check_error "perf and pprof styles" "cannot be combined" -tree --stdio rich.pb.gz
check_error "unknown sort key" "sort key" --sort comm,nope rich.pb.gz

# -peek without a match prints the header, then fails like pprof.
if "$KILN" report -peek nomatch rich.pb.gz > out.txt 2> err.txt; then fail "peek nomatch succeeded"; fi
grep -q "no matches found for regexp: nomatch" err.txt || fail "peek nomatch message"

# -list without the sources says where it looked.
"$KILN" report -list eval rich.pb.gz > list.txt || fail "-list"
grep -q "ROUTINE ======================== eval in /build/src/eval.c" list.txt || fail "-list routine"
grep -q "Error: open /build/src/eval.c" list.txt || fail "-list missing source"

# Default input is kiln.pb.gz.
cp rich.pb.gz kiln.pb.gz
"$KILN" report -top -nodecount=3 | cmp -s a.txt - || fail "default input kiln.pb.gz"

# Output that cannot be written (a full disk) is one error line from
# main() and exit 1, whichever command wrote it.
for args in "report -top rich.pb.gz" "report --stdio rich.pb.gz" "script rich.pb.gz" \
	"diff rich.pb.gz rich2.pb.gz" "list" "report -folded rich.pb.gz"; do
	# shellcheck disable=SC2086
	"$KILN" $args > /dev/full 2> full.err && fail "kiln $args > /dev/full exited 0"
	grep -qx "kiln: cannot write the output: No space left on device" full.err ||
		{ cat full.err >&2; fail "kiln $args > /dev/full: no write error"; }
	[ "$(wc -l < full.err)" -eq 1 ] || { cat full.err >&2; fail "kiln $args: more than one line"; }
done

# go tool pprof reads the -proto output (last: the checks above need no go).
need_cmd go
pprof -top focused.pb.gz > /dev/null 2> pprof.err || { cat pprof.err >&2; fail "go tool pprof cannot read -proto output"; }
echo ok

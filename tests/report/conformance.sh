#!/usr/bin/env bash
# kiln report against go tool pprof on the same files: CPU and heap profiles
# written by a Go program with runtime/pprof (goprof/), hand-built ones
# (mkprofiles: the worked case of pprof.md §4.9, inline chains, recursion,
# labels, several mappings, non-dense ids) and, as root, one recorded by
# kiln record. Each case runs both tools with the same options and compares
# the outputs with compare.py: same lines in the same order, whitespace runs
# normalised, zero tolerance on values.
. "$KILN_SRC/tests/lib.sh"
need_cmd go
need_cmd python3
: "${MKPROFILES:?MKPROFILES must point at the mkprofiles helper}"

export TZ=UTC
gohome="$KILN_BUILD/gohome"
mkdir -p "$gohome"
# Module-less build of one file, standard library only: no network.
(cd "$KILN_SRC/tests/report/goprof" &&
	HOME="$gohome" GOTOOLCHAIN=local GOTELEMETRY=off GO111MODULE=off GOFLAGS= \
		go build -o "$TMP/goprof" main.go) || fail "cannot build tests/report/goprof"
"$TMP/goprof" "$TMP/cpu.pb.gz" "$TMP/heap.pb.gz" 1.2 >/dev/null || fail "goprof run 1"
"$TMP/goprof" "$TMP/cpu2.pb.gz" "$TMP/heap2.pb.gz" 0.6 >/dev/null || fail "goprof run 2"
"$MKPROFILES" "$TMP" || fail "mkprofiles"

cd "$TMP" || fail "cd"
# Sources for -list on the hand-built profile, whose file names start with
# /build (found with -trim_path=/build relative to the current folder).
mkdir -p src
for f in main.c parse.c eval.c lex.h hash.h; do
	awk -v f="$f" 'BEGIN { for (i = 1; i <= 400; i++) printf "/* %s line %d */\n", f, i }' > "src/$f"
done
# A profile recorded by kiln record itself (mappings, kernel frames, comm,
# pid and tid labels). Recording needs root; without it the REC cases are
# left out and the test ends as a skip after comparing everything else. A
# failure of kiln record is a failure of this test.
wl=$(workload cpu-split)
[ -x "$wl" ] || fail "workload cpu-split not built ($wl)"
if [ "$(id -u)" -eq 0 ]; then
	"$KILN" record -F 999 -g -o rec.pb.gz -- "$wl" 1 > /dev/null 2> rec.err ||
		{ cat rec.err >&2; fail "kiln record failed"; }
	# A recording without samples would make every REC case a match of
	# two empty reports: go tool pprof must see the hot function.
	hot=$(pprof_counts rec.pb.gz | cum_of hot_a)
	[ "$hot" -ge 100 ] || fail "rec.pb.gz holds $hot samples in hot_a for 1 s at 999 Hz"
fi
cases=0
failed=0
rec_left_out=0
pprof_failed=0
# One case per line: options and files, as given to both tools. Both must
# exit with the same status (as in differential.sh) and print the same
# lines; every case here is one go tool pprof answers, so its failure is
# counted too, and a case where it fails cannot pass as a match.
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	eval "set -- $line"
	if [ "$1" = REC ]; then
		shift
		[ -f rec.pb.gz ] || { rec_left_out=$((rec_left_out + 1)); continue; }
	fi
	cases=$((cases + 1))
	rm -f k.pb.gz p.pb.gz
	# The hand-built profiles name files this machine has (libc.so.6) at
	# made-up addresses: both tools leave them unsymbolized (and, as pprof
	# does then, undemangled); re-symbolizing is tests/resym's.
	SYM=
	case "$*" in *rich*) SYM=-symbolize=none ;; esac
	if [ "$1" = PROTO ]; then
		# -proto writes gzip whose bytes may differ; compare what
		# go tool pprof -raw sees in each tool's output.
		shift
		"$KILN" report $SYM -proto -output=k.pb.gz "$@" 2> k.err
		krc=$?
		pprof $SYM -proto -output=p.pb.gz "$@" 2> p.err
		prc=$?
		if [ "$krc" -eq 0 ]; then pprof -raw k.pb.gz > k.out 2>> k.err || krc=1; else : > k.out; fi
		if [ "$prc" -eq 0 ]; then pprof -raw p.pb.gz > p.out 2>> p.err || prc=1; else : > p.out; fi
	else
		"$KILN" report $SYM "$@" > k.out 2> k.err
		krc=$?
		pprof $SYM "$@" > p.out 2> p.err
		prc=$?
	fi
	if [ "$prc" -ne 0 ]; then
		echo "FAIL: go tool pprof $line exited $prc (kiln $krc)"; cat p.err
		pprof_failed=$((pprof_failed + 1)); failed=$((failed + 1)); continue
	fi
	if [ "$krc" -ne "$prc" ]; then
		echo "FAIL: kiln report $line exited $krc, go tool pprof $prc"; cat k.err
		failed=$((failed + 1)); continue
	fi
	if [ ! -s p.out ]; then
		echo "FAIL: go tool pprof $line printed nothing: nothing to compare"
		failed=$((failed + 1)); continue
	fi
	if ! python3 "$KILN_SRC/tests/report/compare.py" k.out p.out "$line"; then
		failed=$((failed + 1))
	fi
done <<'CASES'
# Go CPU profile (recursion in fib, inlined mix, labels from pprof.Do)
-top cpu.pb.gz
-top -cum cpu.pb.gz
-top -focus=leafA cpu.pb.gz
-top -ignore=fib cpu.pb.gz
-top -hide=runtime cpu.pb.gz
-top -show=main cpu.pb.gz
-top -lines cpu.pb.gz
-top -files cpu.pb.gz
-top -addresses cpu.pb.gz
-top -filefunctions cpu.pb.gz
-top -noinlines -lines cpu.pb.gz
-top -sample_index=samples cpu.pb.gz
-top -sample_index=0 -cum cpu.pb.gz
-top -nodecount=5 cpu.pb.gz
-top -nodecount 3 -cum cpu.pb.gz
-top -nodefraction=0.1 cpu.pb.gz
-top -nodefraction=0.05 -nodecount=4 cpu.pb.gz
-top -tagfocus=worker=one cpu.pb.gz
-top -tagignore=worker cpu.pb.gz
-top -relative_percentages -focus=fib cpu.pb.gz
-top -show_from=work cpu.pb.gz
-top -prune_from=labelled cpu.pb.gz
-top -unit=s cpu.pb.gz
-top -diff_base=cpu2.pb.gz cpu.pb.gz
-top -diff_base=cpu2.pb.gz -cum -lines cpu.pb.gz
-top -base=cpu2.pb.gz cpu.pb.gz
-top -diff_base=cpu2.pb.gz -normalize cpu.pb.gz
-top cpu.pb.gz cpu2.pb.gz
-peek work cpu.pb.gz
-peek 'leaf|fib' -lines cpu.pb.gz
-traces cpu.pb.gz
-traces -diff_base=cpu2.pb.gz cpu.pb.gz
-tree cpu.pb.gz
-tree -nodecount=4 -cum cpu.pb.gz
-raw cpu.pb.gz cpu2.pb.gz
-tags cpu.pb.gz
-list main.work -source_path=$KILN_SRC/tests/report/goprof cpu.pb.gz
# Go heap profile (four sample types, bytes labels, inuse_space default)
-top heap.pb.gz
-top -sample_index=alloc_space heap.pb.gz
-top -alloc_objects -cum heap.pb.gz
-top -mean heap.pb.gz
-top -tagfocus=64kb: heap.pb.gz
-top -diff_base=heap2.pb.gz heap.pb.gz
-top -diff_base=heap2.pb.gz -drop_negative heap.pb.gz
-top -unit=auto heap.pb.gz
-top -divide_by=3 heap.pb.gz
-peek alloc heap.pb.gz
-traces heap.pb.gz
-tree heap.pb.gz
-tags heap.pb.gz
-raw heap.pb.gz
# Hand-built: the worked case of pprof.md 4.9
-top worked.pb.gz
-top -cum worked.pb.gz
-top -lines worked.pb.gz
-top -noinlines worked.pb.gz
-top -nodefraction=0.7 worked.pb.gz
-top -focus=^C$ worked.pb.gz
-top -focus=^C$ -relative_percentages worked.pb.gz
-top -sample_index=samples worked.pb.gz
-top -diff_base=worked-base.pb.gz worked.pb.gz
-top -base=worked-base.pb.gz worked.pb.gz
-peek B worked.pb.gz
-tree worked.pb.gz
-traces worked.pb.gz
# Hand-built: mappings, inline chains, recursion, labels, non-dense ids
-top rich.pb.gz
-top -cum rich.pb.gz
-top -lines rich.pb.gz
-top -noinlines rich.pb.gz
-top -addresses rich.pb.gz
-top -files rich.pb.gz
-top -filefunctions rich.pb.gz
-top -focus=eval -hide=hash rich.pb.gz
-top -ignore=kernel rich.pb.gz
-top -show=eval.c rich.pb.gz
-top -tagfocus=thread=worker rich.pb.gz
-top -tagfocus=request=1kb: rich.pb.gz
-top -tagignore=main rich.pb.gz
-top -sample_index=samples -mean rich.pb.gz
-top rich.pb.gz rich2.pb.gz
-top -diff_base=rich2.pb.gz rich.pb.gz
-top -base=rich2.pb.gz -lines rich.pb.gz
-peek apply rich.pb.gz
-peek eval -lines rich.pb.gz
-tree rich.pb.gz
-tree -addresses rich.pb.gz
-traces rich.pb.gz
-traces -lines rich.pb.gz
-tags rich.pb.gz
-raw rich.pb.gz rich2.pb.gz
-comments rich.pb.gz
-list eval rich.pb.gz
-list . -trim_path=/build rich.pb.gz
-list 'apply|hash' -trim_path=/nowhere:/build -lines rich.pb.gz
# Recorded by kiln record (root only)
REC -top rec.pb.gz
REC -top -cum -lines rec.pb.gz
REC -top -addresses rec.pb.gz
REC -peek work rec.pb.gz
REC -tree rec.pb.gz
REC -traces rec.pb.gz
REC -tags rec.pb.gz
REC -raw rec.pb.gz
REC -top -tagfocus=comm=cpu -focus=hot rec.pb.gz
# -proto output, read back by go tool pprof -raw
PROTO cpu.pb.gz
PROTO -focus=leaf -diff_base=cpu2.pb.gz cpu.pb.gz
PROTO -tagfocus=thread=worker rich.pb.gz rich2.pb.gz
CASES
note "$cases cases, $failed mismatches ($pprof_failed where go tool pprof failed)"
[ "$cases" -gt 0 ] || fail "no case compared"
[ "$failed" -eq 0 ] || fail "$failed of $cases cases differ from go tool pprof"
[ "$rec_left_out" -eq 0 ] || skip "needs root for the $rec_left_out kiln record cases (the other $cases agree)"
echo ok

#!/usr/bin/env bash
# kiln reads perf.data as perf reads it: perf record writes the files (-F
# with -g, two events, -a system-wide, pipe mode), and kiln report --stdio
# must show the same samples and per-symbol shares as perf report --stdio
# (0.1 points), kiln script the same events as perf script, and the
# profile must open in go tool pprof without warnings.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd perf
need_cmd go
. "$KILN_SRC/tests/perfdata/common.sh"

# 1. -F with frame-pointer call graphs.
perf_record -F 999 -g -o fg.data -- "$APP" 1
compare_report fg.data
compare_script fg.data
to_pprof fg.data fg.pb.gz
n=$(perf script -i fg.data 2>/dev/null | grep -c '^ *cpu-split ')
k=$(python3 "$C" counts "$TMP/raw.txt" 0)
[ "$n" = "$k" ] || fail "fg.data: perf script shows $n samples, kiln's profile holds $k"
# The call graph survives: work() is on (nearly) every stack of hot_a.
pprof -top -cum -sample_index=samples fg.pb.gz 2>/dev/null | grep -q ' work$' || fail "fg.data: no work() in the call graph"

# The build ids it names, for buildid-list: perf buildid-list's.
"$BUILDIDS" fg.data | sort > kiln-ids.txt || fail "perfdata_buildids on fg.data"
perf buildid-list -i fg.data 2>/dev/null | sort > perf-ids.txt
[ -s perf-ids.txt ] || fail "perf buildid-list shows nothing for fg.data"
diff perf-ids.txt kiln-ids.txt >&2 || fail "perfdata's build ids differ from perf buildid-list"

# With --buildid-mmap the ids come in MMAP2 records: every file perf
# buildid-list names (those samples hit) is among them, with its id.
perf_record --buildid-mmap -F 499 -g -o bm.data -- "$APP" 0.3
compare_report bm.data
"$BUILDIDS" bm.data | sort > kiln-ids.txt || fail "perfdata_buildids on bm.data"
perf buildid-list -i bm.data 2>/dev/null | sort > perf-ids.txt
grep -q cpu-split perf-ids.txt || fail "perf buildid-list -i bm.data does not name cpu-split"
comm -23 perf-ids.txt kiln-ids.txt | grep . >&2 && fail "perfdata misses build ids of MMAP2 records"
# -m: the kernel maps with their build ids; -k: the running kernel's.
"$KILN" buildid-list -m -i fg.data > kiln-ids.txt || fail "kiln buildid-list -m"
perf buildid-list -m -i fg.data 2>/dev/null | diff - kiln-ids.txt >&2 || fail "buildid-list -m differs from perf's"
grep -q 'kernel.kallsyms' kiln-ids.txt || fail "buildid-list -m names no kernel map"
"$KILN" buildid-list -k > kiln-ids.txt || fail "kiln buildid-list -k"
perf buildid-list -k 2>/dev/null | diff - kiln-ids.txt >&2 || fail "buildid-list -k differs from perf's"
# Lost samples are counted in the comments, as kiln record does.
lost=$(perf report --stdio -i fg.data 2>/dev/null | sed -n 's/^# Total Lost Samples: //p')
pprof -raw fg.pb.gz 2>/dev/null | grep -q "^Comment: samples: $n, lost: ${lost:-x}," ||
	fail "fg.data: the comments do not count $n samples and ${lost:-?} lost"

# 2. Two events: each its own sample type, with perf's sample counts.
perf_record -e cpu-clock,task-clock -F 999 -o two.data -- "$APP" 1
compare_report two.data
to_pprof two.data two.pb.gz
for i in 1 2; do
	name=$(perf evlist -i two.data | sed -n "${i}p")
	# perf report rounds its "Samples: 1K" header: count perf script's lines.
	p=$(perf script -F event -i two.data 2>/dev/null | grep -c "^ *$name:")
	k=$(python3 "$C" counts "$TMP/raw.txt" "$i")
	[ -n "$p" ] && [ "$p" = "$k" ] || fail "two.data: event $name: perf report $p samples, kiln $k"
done
"$KILN" evlist two.data > evlist.txt || fail "kiln evlist two.data"
perf evlist -i two.data 2>/dev/null | diff - evlist.txt >&2 || fail "kiln evlist differs from perf evlist"
"$KILN" evlist -v two.data > evlist.txt || fail "kiln evlist -v two.data"
perf evlist -v -i two.data 2>/dev/null | diff - evlist.txt >&2 || fail "kiln evlist -v differs from perf evlist -v"

# Event groups, named or not, next to an event of its own: evlist -g.
perf_record -e 'g1{cpu-clock,task-clock},page-faults,{cpu-clock,page-faults}' -F 499 -o grp.data -- "$APP" 0.2
"$KILN" evlist -g grp.data > evlist.txt || fail "kiln evlist -g"
perf evlist -g -i grp.data 2>/dev/null | diff - evlist.txt >&2 || fail "kiln evlist -g differs from perf evlist -g"
grep -q '^g1{cpu-clock,task-clock}$' evlist.txt || fail "evlist -g shows no named group"

# 2b. Every sample field perf can ask of a software event (ADDR, CPU,
# IDENTIFIER, DATA_SRC, PHYS_ADDR, CGROUP, page sizes, WEIGHT_STRUCT, READ
# with -s), and the side records -s, --switch-events, --namespaces and
# --all-cgroups add (SWITCH, NAMESPACES, CGROUP, READ), on a forking
# workload (FORK, EXIT, COMM).
perf_record -e cpu-clock -d --phys-data --data-page-size --code-page-size --sample-cpu -s -W \
	--all-cgroups --switch-events --namespaces --sample-identifier -F 999 -g -o many.data -- \
	"$(workload forker)"
compare_report many.data
perf script -F comm,pid,tid,time,ip,sym,dso -i many.data > perf-script.txt 2>/dev/null || fail "perf script -i many.data"
"$KILN" script -F comm,pid,tid,time,ip,sym,dso many.data > kiln-script.txt 2>kiln.err ||
	{ cat kiln.err >&2; fail "kiln script many.data"; }
python3 "$C" script perf-script.txt kiln-script.txt forker >&2 || fail "kiln script differs from perf script on many.data"
for o in -v -F; do
	"$KILN" evlist $o many.data > evlist.txt || fail "kiln evlist $o many.data"
	perf evlist $o -i many.data 2>/dev/null | diff - evlist.txt >&2 || fail "kiln evlist $o differs from perf evlist $o"
done

# For a profile, evlist lists its sample types.
printf 'samples/count\ncpu/nanoseconds\n' > want.txt
"$KILN" evlist fg.pb.gz | diff want.txt - >&2 || fail "kiln evlist of a profile does not list its sample types"

# 3. System-wide (-a) while the workload runs.
"$APP" 3 & at_exit "kill $! 2>/dev/null"
perf_record -a -F 499 -g -o a.data -- sleep 1
# Whatever else runs here shows up too, with libc's aliases named each
# its own way (malloc / __GI___libc_malloc).
compare_report a.data 25
to_pprof a.data a.pb.gz any-binaries

# 4. Pipe mode: perf record -o - | kiln report -.
perf record -q -F 999 -g -o - -- "$APP" 1 2>/dev/null > pipe.data || fail "perf record -o -"
compare_report pipe.data
perf record -q -F 999 -o - -- "$APP" 0.5 2>/dev/null | "$KILN" report --stdio - > piped.txt 2>kiln.err ||
	{ cat kiln.err >&2; fail "perf record -o - | kiln report --stdio -"; }
grep -q '\[\.\] hot_a' piped.txt || fail "kiln report - of a perf pipe shows no hot_a"
to_pprof pipe.data pipe.pb.gz

# 4b. perf record -z: zstd-compressed records, small rings so that perf
# writes many (a record may continue in the next), in a file and a pipe.
perf_record -z --mmap-pages 4 -F 999 -g -o z.data -- "$APP" 1
nz=$(perf report -D -i z.data 2>/dev/null | sed -n 's/^ *COMPRESSED events: *\([0-9]*\).*/\1/p')
[ "${nz:-0}" -gt 1 ] || fail "perf record -z wrote ${nz:-no} compressed records, not several"
compare_report z.data
compare_script z.data
to_pprof z.data z.pb.gz
perf record -q -z -F 999 -g -o - -- "$APP" 0.5 2>/dev/null > zpipe.data || fail "perf record -z -o -"
compare_report zpipe.data

# 5. Every other reading command takes a perf.data.
"$KILN" diff fg.data pipe.data > diff.txt 2>kiln.err || { cat kiln.err >&2; fail "kiln diff on perf.data"; }
grep -q hot_a diff.txt || fail "kiln diff of perf.data shows no hot_a"
"$KILN" annotate -i fg.data hot_a > ann.txt 2>kiln.err || { cat kiln.err >&2; fail "kiln annotate on perf.data"; }
[ -s ann.txt ] || fail "kiln annotate of perf.data printed nothing"
"$KILN" report -top fg.data | grep -q hot_a || fail "kiln report -top of perf.data"
echo ok

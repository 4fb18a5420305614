#!/usr/bin/env bash
# kiln archive's round trip: profiles of a copy of the workload (libkiln
# with KILN_SYMBOLIZE=none: addresses only; gperftools), archived, the
# binary deleted, the tar unpacked: kiln report --symfs DIR, or the tar
# unpacked in ~/.debug, gives the report of before. The tar's layout is
# perf's build-id cache (perf buildid-cache -l lists it).
. "$KILN_SRC/tests/resym/lib.sh"
need_cmd tar
cd "$TMP" || fail "cd"
export HOME=$TMP/home
mkdir -p "$HOME" && build_work bin
bid=$("$KILN" buildid-list -i bin/work) || fail "buildid-list"

profs=cpu.prof
if [ -n "${LIBKILN:-}" ]; then
	KILN_SYMBOLIZE=none KILN_CPUPROFILE=$TMP/lk.pb.gz LD_PRELOAD=$LIBKILN bin/work > /dev/null ||
		fail "the workload failed under libkiln"
	"$KILN" report -raw -symbolize=none lk.pb.gz | grep -q ' hot_' && fail "KILN_SYMBOLIZE=none named functions"
	profs="lk.pb.gz cpu.prof"
else
	note "this build's sanitizer owns malloc, so libkiln cannot run: gperftools' profile only"
fi
gperf_profile "$TMP/bin" cpu.prof
for prof in $profs; do
	"$KILN" report -top "$prof" > before.txt 2> /dev/null || fail "report $prof"
	grep -q hot_b before.txt || fail "$prof is not symbolized before"
	"$KILN" archive "$prof" -o "$prof.tar" 2> archive.err || { cat archive.err >&2; fail "kiln archive $prof"; }
	tar tf "$prof.tar" > names.txt || fail "tar cannot read $prof.tar"
	grep -qx "${TMP#/}/bin/work/$bid/elf" names.txt || { cat names.txt >&2; fail "no elf entry"; }
	grep -qx ".build-id/${bid:0:2}/${bid:2}" names.txt || fail "no .build-id link"
	mv bin/work bin/work.kept
	rm -rf "$HOME/.debug"
	"$KILN" report -top "$prof" > gone.txt 2> /dev/null
	grep -q hot_b gone.txt && fail "$prof: symbolized with the binary gone"
	rm -rf sym && mkdir sym && tar xf "$prof.tar" -C sym || fail "unpack"
	"$KILN" report -top --symfs sym "$prof" > after.txt 2> /dev/null || fail "report --symfs"
	diff before.txt after.txt >&2 || fail "$prof: --symfs of the unpacked archive differs"
	rm -rf "$HOME/.debug" && mkdir -p "$HOME/.debug" && tar xf "$prof.tar" -C "$HOME/.debug" || fail "unpack"
	"$KILN" report -top "$prof" > cached.txt 2> /dev/null || fail "report"
	diff before.txt cached.txt >&2 || fail "$prof: the archive unpacked in ~/.debug differs"
	mv bin/work.kept bin/work
	# (perf buildid-cache -l lists an entry while its recorded file exists)
	if command -v perf > /dev/null; then
		perf buildid-cache -l 2>&1 | tee perf-l.txt | grep -qx "$bid $TMP/bin/work" || {
			cat perf-l.txt >&2; fail "perf does not list the unpacked archive"; }
	fi
done
fails_clearly "an archive in a missing folder" "$KILN" archive cpu.prof -o "$TMP/none/x.tar"
fails_clearly "archive of a missing profile" "$KILN" archive missing.pb.gz
echo "ok"

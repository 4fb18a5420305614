#!/usr/bin/env bash
# Profiles from anywhere (issue 16): pprof's legacy formats, folded stacks
# and perf script text, compared with go tool pprof on the same input, and
# the one-line messages for files kiln names but cannot read.
#  1. pprof's own legacy test files (../shared/corpus/pprof-legacy): kiln
#     report -raw, -top and -traces byte for byte against go tool pprof,
#     with a count of identical files per format.
#  2. Hand-made legacy files (tests/fuzz/seeds/legacy, the fuzz seeds) and
#     profiles gperftools writes here (libprofiler CPUPROFILE, libtcmalloc
#     HEAPPROFILE, the CPU one also rewritten in the other three word
#     layouts), the same way, with -symbolize=none on both sides (their
#     symbolization from the local binary is tests/resym's).
#  3. Folded stacks and perf script text (of a real perf record of a test
#     workload) against go tool pprof on a profile.proto of the same stacks
#     written here independently (pbwire.py), which pprof can read.
#  4. a cut perf.data, ELF, gzip of something else, empty and unknown files:
#     one line that names the kind, and a non-zero exit.
. "$KILN_SRC/tests/lib.sh"
need_cmd go
need_cmd python3
export TZ=UTC
cd "$TMP" || fail "cd"
SEEDS="$KILN_SRC/tests/fuzz/seeds/legacy"
CORPUS="$KILN_SRC/../shared/corpus/pprof-legacy"
failed=0

# compare LABEL FILE REPORT [OPTIONS]: both tools, same exit status,
# byte-identical output.
compare() { # label file report [options for both]
	local label=$1 file=$2 rep=$3
	shift 3
	"$KILN" report "$@" "$rep" "$file" > k.out 2> k.err
	krc=$?
	pprof "$@" "$rep" "$file" > p.out 2> p.err
	prc=$?
	if [ "$krc" -ne "$prc" ] || ! cmp -s k.out p.out; then
		echo "FAIL: $label $rep differs from go tool pprof (exit kiln $krc, pprof $prc)" >&2
		diff p.out k.out | head -20 >&2
		head -3 k.err >&2
		failed=$((failed + 1))
		return 1
	fi
	[ "$krc" -eq 0 ] && [ -s k.out ] || {
		echo "FAIL: $label $rep: both tools refuse it or print nothing: $(head -1 k.err)" >&2
		failed=$((failed + 1))
		return 1
	}
	return 0
}

# 1. pprof's corpus.
corpus_missing=0
if [ ! -d "$CORPUS" ]; then
	corpus_missing=1
	note "no corpus at $CORPUS: its part is left out, and the test ends as a skip"
else
	declare -A total same
	for f in "$CORPUS"/*; do
		name=$(basename "$f")
		case "$name" in *.string|README*) continue ;; esac
		case "$name" in
		java.*) format="java ${name#java.}" ;;
		*.cpu|*.cpu_no_samples_type) format=cpu ;;
		*.heap) format=heap ;;
		*.growth) format=growth ;;
		*.contention) format=contention ;;
		*.thread|*.thread.*) format=thread ;;
		*) format=other ;;
		esac
		total[$format]=$(( ${total[$format]:-0} + 1 ))
		ok=1
		for rep in -raw -top -traces; do
			compare "$name" "$f" "$rep" || ok=0
		done
		[ "$ok" -eq 1 ] && same[$format]=$(( ${same[$format]:-0} + 1 ))
	done
	all=0
	all_same=0
	for format in "${!total[@]}"; do
		echo "# corpus $format: ${same[$format]:-0} of ${total[$format]} files identical to go tool pprof (-raw, -top, -traces)"
		all=$((all + total[$format]))
		all_same=$((all_same + ${same[$format]:-0}))
	done
	echo "# corpus: $all_same of $all files identical"
	[ "$all" -ge 16 ] || fail "the corpus holds $all readable files, expected pprof's 16"
fi

# 2. Hand-made legacy files, and what gperftools writes on this machine.
for f in "$SEEDS"/*.heap "$SEEDS"/*.heap.gz "$SEEDS"/*.prof "$SEEDS"/*.txt "$SEEDS"/java.*; do
	case "$(basename "$f")" in perf-script*.txt|unknown.txt) continue ;; esac
	for rep in -raw -top -traces; do
		compare "seed $(basename "$f")" "$f" "$rep" -symbolize=none
	done
done

# 3. Folded stacks and perf script text against a proto of the same stacks.
python3 - "$KILN_SRC/tests/report" "$SEEDS/stacks.folded" folded.pb.gz <<'PY' || fail "folded → proto"
import gzip, sys
sys.path.insert(0, sys.argv[1])
from pbwire import fv, fb, packed
strings = ['']
def s(x):
    if x not in strings:
        strings.append(x)
    return strings.index(x)
samples, fns = [], {}
for line in open(sys.argv[2], encoding='utf-8', newline=''):
    line = line.rstrip('\r\n \t')
    if not line:
        continue
    stack, count = line.rsplit(' ', 1)
    locs = []
    for fr in reversed([x for x in stack.split(';') if x]):
        fns.setdefault(fr, len(fns) + 1)
        locs.append(fns[fr])
    samples.append((locs, int(count)))
out = fb(1, fv(1, s('samples')) + fv(2, s('count')))
for locs, count in samples:
    out += fb(2, packed(1, locs) + packed(2, [count]))
for name, i in fns.items():
    out += fb(4, fv(1, i) + fb(4, fv(1, i)))
    out += fb(5, fv(1, i) + fv(2, s(name)) + fv(3, s(name)))
out += b''.join(fb(6, x.encode()) for x in strings)
open(sys.argv[3], 'wb').write(gzip.compress(out))
PY
for rep in -top -traces -tree; do
	"$KILN" report "$rep" "$SEEDS/stacks.folded" > k.out 2> k.err || fail "kiln report $rep stacks.folded: $(cat k.err)"
	pprof "$rep" folded.pb.gz > p.out 2> /dev/null || fail "pprof $rep folded.pb.gz"
	cmp -s k.out p.out || { diff p.out k.out >&2; fail "folded stacks $rep differ from pprof on the same stacks as a proto"; }
done
"$KILN" report --folded "$SEEDS/stacks.folded" | sort > k.out || fail "kiln report --folded"
tr -d '\r' < "$SEEDS/stacks.folded" | grep -v '^$' | sort > want.out
cmp -s k.out want.out || { diff want.out k.out >&2; fail "folded stacks do not come back as they went in"; }

perf_to_proto() { # TEXT PROTO
	python3 - "$KILN_SRC/tests/report" "$1" "$2" <<'PY'
import gzip, re, sys
sys.path.insert(0, sys.argv[1])
from pbwire import fv, fb, packed
strings = ['']
def s(x):
    if x not in strings:
        strings.append(x)
    return strings.index(x)
hdr = re.compile(r'^(.*?)\s+(?:(\d+)/)?(\d+)\s+(?:\[\d+\]\s+)?\d+\.\d+:\s+(?:(\d+)\s+)?(\S+)')
def event_name(tok):
    # "cpu-clock:ppp:" is cpu-clock with modifiers; "sched:sched_switch:" a tracepoint.
    tok = tok[:-1] if tok.endswith(':') else tok
    head, sep, mods = tok.rpartition(':')
    return head if sep and mods and set(mods) <= set('ukhpPGHISDeW') else tok
frame = re.compile(r'^\s+([0-9a-f]+)\s+(.*?)\s*(?:\((.*)\))?$')
samples, locs, fns, maps, event, events = [], {}, {}, {}, None, []
cur = None
def add_frame(m):
    addr, sym, dso = int(m.group(1), 16), m.group(2), m.group(3) or ''
    sym = re.sub(r'\+0x[0-9a-f]+$', '', sym)
    key = (addr, sym, dso)
    if key not in locs:
        if dso and dso not in maps:
            maps[dso] = len(maps) + 1
        fid = 0
        if sym and sym != '[unknown]':
            fid = fns.setdefault(sym, len(fns) + 1)
        locs[key] = (len(locs) + 1, maps.get(dso, 0), addr, fid)
    cur[0].append(locs[key][0])
for line in open(sys.argv[2], encoding='utf-8', errors='surrogateescape'):
    line = line.rstrip('\n')
    if not line.strip():
        cur = None
        continue
    h = hdr.match(line)
    if not h:
        m = frame.match(line)
        add_frame(m)
        continue
    comm, pid, tid, period, ev = h.groups()
    ev = event_name(ev)
    event = event or ev
    if ev not in events:
        events.append(ev)
    cur = ([], comm.strip(), pid, int(tid), int(period) if period else None, ev)
    samples.append(cur)
    # Without call graphs the one frame follows the event on this line.
    rest = line[h.end():]
    m = frame.match(rest) if rest.strip() else None
    if m:
        add_frame(m)
def unit(ev):
    return 'nanoseconds' if ev in ('cpu-clock', 'task-clock') else 'count'
# The main binary's mapping first: the first dso that is no library.
order = list(maps)
for i, d in enumerate(order):
    if d and not re.search(r'([.]so$|[.]so[._][0-9]+)', d) and d[0] != '[':
        order[0], order[i] = order[i], order[0]
        break
renum = {maps[d]: i + 1 for i, d in enumerate(order)}
maps = {d: i + 1 for i, d in enumerate(order)}
locs = {k: (i, renum.get(mid, 0), a, fid) for k, (i, mid, a, fid) in locs.items()}
out = fb(1, fv(1, s('samples')) + fv(2, s('count')))
with_period = samples and samples[0][4] is not None
if with_period:
    for ev in events:
        out += fb(1, fv(1, s(ev)) + fv(2, s(unit(ev))))
for stack, comm, pid, tid, period, ev in samples:
    labels = fb(3, fv(1, s('comm')) + fv(2, s(comm)))
    if pid is not None:
        labels += fb(3, fv(1, s('pid')) + fv(3, int(pid)))
    labels += fb(3, fv(1, s('tid')) + fv(3, tid))
    vals = [1] + [period if e == ev else 0 for e in events] if with_period else [1]
    out += fb(2, packed(1, stack) + packed(2, vals) + labels)
for dso, i in maps.items():
    out += fb(3, fv(1, i) + fv(5, s(dso)) + fv(7, 1))
for (addr, sym, dso), (i, mid, a, fid) in locs.items():
    out += fb(4, fv(1, i) + fv(2, mid) + fv(3, a) + (fb(4, fv(1, fid)) if fid else b''))
for sym, i in fns.items():
    out += fb(5, fv(1, i) + fv(2, s(sym)) + fv(3, s(sym)))
if with_period:
    out += fb(11, fv(1, s(event)) + fv(2, s(unit(event))))
out += b''.join(fb(6, x.encode('utf-8', 'surrogateescape')) for x in strings)
open(sys.argv[3], 'wb').write(gzip.compress(out))
PY
}
compare_perf_script() { # TEXT LABEL
	perf_to_proto "$1" ps.pb.gz || fail "perf script → proto ($2)"
	for rep in -top -traces -tags -raw; do
		"$KILN" report "$rep" "$1" > k.out 2> k.err || fail "kiln report $rep on $2: $(cat k.err)"
		pprof "$rep" ps.pb.gz > p.out 2> /dev/null || fail "pprof $rep on $2 as a proto"
		cmp -s k.out p.out || { diff p.out k.out | head -20 >&2; fail "$2: $rep differs from pprof on the same stacks as a proto"; }
	done
}
compare_perf_script "$SEEDS/perf-script.txt" "hand-made perf script text"
compare_perf_script "$SEEDS/perf-script-nog.txt" "hand-made perf script text without call graphs"

# 4. Files kiln names but cannot read: one line, a non-zero exit.
expect_refusal() { # FILE PATTERN
	"$KILN" report -top "$1" > k.out 2> k.err && fail "kiln report accepted $1"
	[ "$(wc -l < k.err)" -eq 1 ] || { cat k.err >&2; fail "$1: the error is not one line"; }
	grep -q -- "$2" k.err || { cat k.err >&2; fail "$1: the error does not say '$2'"; }
	grep -q 'corrupt profile at byte 0' k.err && fail "$1: called a corrupt protobuf"
	return 0
}
# A perf.data header with nothing after it: src/perfdata reads perf.data,
# and says this one is cut short.
expect_refusal "$SEEDS/perfdata.stub" "perf.data: truncated header (16 bytes)"
expect_refusal "$(workload cpu-split)" "an ELF binary, not a profile: give the profile after it"
expect_refusal "$SEEDS/empty" "empty profile"
expect_refusal "$SEEDS/unknown.txt" "text that is not a profile kiln knows.*it starts \"hello, world\""
gzip -c "$(workload cpu-split)" > elf.gz
expect_refusal elf.gz "an ELF binary (gzip-compressed)"
printf 'just words\n' | gzip > text.gz
expect_refusal text.gz "gzip-compressed text that is not a profile"
: | gzip > empty.gz
expect_refusal empty.gz "empty profile"
head -c 64 /dev/zero | tr '\0' '\377' > ff.bin
expect_refusal ff.bin "binary data that is neither profile.proto nor a gperftools CPU profile"
# A truncated protobuf is still a protobuf: it gets its byte offset.
pprof -proto "$SEEDS/heap_v2.heap" 2> /dev/null | gunzip | head -c 100 > trunc.pb
"$KILN" report -top trunc.pb > k.out 2> k.err && fail "kiln report accepted a truncated protobuf"
grep -q 'at byte [0-9]' k.err || { cat k.err >&2; fail "a truncated protobuf lost its byte offset"; }
# Legacy text that is malformed names its line, as pprof refuses it too.
printf 'heap profile: 1: 8 [1: 8] @ heap_v2/1\nnot a sample\n' > bad.heap
expect_refusal bad.heap "malformed heap sample on line 2"
pprof -top bad.heap > /dev/null 2>&1 && fail "pprof accepts bad.heap: the test's premise is wrong"

# Small files that describe huge profiles are refused within the same
# memory bound as the proto decoder's: one line, RSS under the limit.
if [ -x /usr/bin/time ]; then
	python3 - <<'PY' || fail "cannot write the legacy bombs"
import struct, zlib
def gz(name, head, line, total, tail=b''):
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [c.compress(head)]
    chunk = line * (1 << 16 // len(line) + 1)
    n = 0
    while n < total:
        out.append(c.compress(chunk))
        n += len(chunk)
    out.append(c.compress(tail))
    out.append(c.flush())
    open(name, 'wb').write(b''.join(out))
# 40 MB of text each: more than 64 MiB once parsed.
gz('bomb.heap.gz', b'heap profile: 1: 1 [1: 1] @ heap_v2/524288\n', b'1: 1 [1: 1] @ 0x1\n', 40 << 20)
gz('bomb.folded.gz', b'', b'a;b 1\n', 40 << 20)
gz('bomb.script.gz', b'', b'w 1 1.0: 1 cpu-clock:\n\t1 f (d)\n\n', 40 << 20)
gz('bomb.cpu.gz', struct.pack('<5Q', 0, 3, 0, 10000, 0), struct.pack('<3Q', 1, 1, 0x1000), 40 << 20)
# 300 MB of text: refused before it is all in memory.
gz('bomb.text.gz', b'heap profile: 1: 1 [1: 1] @ heap_v2/524288\n', b'#' * 63 + b'\n', 300 << 20)
PY
	sanitized=false
	ldd "$KILN" | grep -q 'libasan' && sanitized=true
	for b in bomb.heap.gz bomb.folded.gz bomb.script.gz bomb.cpu.gz bomb.text.gz; do
		/usr/bin/time -f '%M' -o rss "$KILN" report --max-memory 64M -top "$b" > k.out 2> k.err
		rc=$?
		[ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] || fail "$b: exit $rc: $(tail -2 k.err)"
		[ "$(grep -vc '^Command exited' k.err)" -eq 1 ] || { cat k.err >&2; fail "$b: not one line"; }
		grep -q "needs more than 64 MiB of memory to load (.*); --max-memory SIZE raises the limit" k.err ||
			{ cat k.err >&2; fail "$b: the message does not say what was too big"; }
		rss_kb=$(tail -1 rss)
		note "$b ($(stat -c %s "$b") bytes): peak RSS $((rss_kb / 1024)) MiB: $(head -1 k.err)"
		$sanitized || [ "$rss_kb" -lt $(((64 + 64) * 1024)) ] ||
			fail "$b: peak RSS $((rss_kb / 1024)) MiB is past the 64 MiB limit"
	done
else
	note "no /usr/bin/time: the legacy memory bombs are left out"
	bomb_skipped=1
fi

need_cmd cc
libprofiler=/usr/lib/x86_64-linux-gnu/libprofiler.so
libtcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc.so
[ -e "$libprofiler" ] && [ -e "$libtcmalloc" ] ||
	skip "needs gperftools' libprofiler.so and libtcmalloc.so (libgoogle-perftools-dev; run scripts/setup.sh)"
cat > w.c <<'C'
#include <stdlib.h>
#include <string.h>
__attribute__((noinline)) double burn(long n) { volatile double x = 0; for (long i = 0; i < n; i++) x += i * 0.5; return x; }
__attribute__((noinline)) double work_a(void) { return burn(40000000); }
__attribute__((noinline)) double work_b(void) { return burn(80000000); }
__attribute__((noinline)) void *grab(size_t n) { void *p = malloc(n); memset(p, 1, n); return p; }
int main(void)
{
	void *keep[64];
	for (int i = 0; i < 64; i++)
		keep[i] = grab(i % 2 ? 1 << 20 : 4096);
	double s = work_a() + work_b();
	for (int i = 0; i < 64; i += 2)
		free(keep[i]);
	return s < 0;
}
C
cc -O1 -g -fno-omit-frame-pointer -o w w.c || fail "cannot build the gperftools workload"
LD_PRELOAD=$libprofiler CPUPROFILE=cpu.prof CPUPROFILE_FREQUENCY=1000 ./w ||
	fail "the workload failed under libprofiler"
LD_PRELOAD=$libtcmalloc HEAPPROFILE=heap ./w > /dev/null 2>&1 ||
	fail "the workload failed under libtcmalloc"
[ -s cpu.prof ] && [ -s heap.0001.heap ] || fail "gperftools wrote no profiles"
python3 - cpu.prof <<'PY' || fail "cannot rewrite cpu.prof"
import struct, sys
b = open(sys.argv[1], 'rb').read()
# 64-bit little-endian words up to the trailer 0, 1, 0, then the maps text.
w = list(struct.unpack_from('<5Q', b))
pos = 40
while pos + 16 <= len(b):
    count, depth = struct.unpack_from('<2Q', b, pos)
    pcs = list(struct.unpack_from('<%dQ' % depth, b, pos + 16))
    w += [count, depth] + pcs
    pos += 16 + 8 * depth
    if count == 0 and depth == 1 and pcs == [0]:
        break
text = b[pos:]
for name, fmt, mask in (('cpu64be.prof', '>Q', 2**64 - 1), ('cpu32le.prof', '<I', 2**32 - 1),
                        ('cpu32be.prof', '>I', 2**32 - 1)):
    open(name, 'wb').write(b''.join(struct.pack(fmt, x & mask) for x in w) + text)
PY
for f in cpu.prof cpu64be.prof cpu32le.prof cpu32be.prof heap.0001.heap; do
	for rep in -raw -top -traces; do
		compare "gperftools $f" "$f" "$rep" -symbolize=none
	done
done
# The workload's own functions must be what pprof sees (so the profile
# is a real one).
pprof -top cpu.prof 2>/dev/null | grep -q 'work_b' ||
	fail "go tool pprof does not see work_b in gperftools' cpu.prof"

need_cmd perf
wl=$(workload cpu-split)
[ -x "$wl" ] || fail "workload cpu-split not built ($wl)"
perf record -q -g -F 999 -o perf.data -- "$wl" 1 > /dev/null 2> perf.err ||
	skip_lacks "perf record of a software event ($(head -1 perf.err))"
perf script -i perf.data > script.txt 2> /dev/null || fail "perf script failed"
[ -s script.txt ] || fail "perf script printed nothing"
compare_perf_script script.txt "perf script of cpu-split"
perf record -q -F 999 -o nog.data -- "$wl" 1 > /dev/null 2> perf.err || fail "perf record without -g: $(head -1 perf.err)"
perf script -i nog.data > nog.txt 2> /dev/null || fail "perf script (no call graphs) failed"
compare_perf_script nog.txt "perf script of cpu-split without call graphs"
perf record -q -e cpu-clock -e task-clock -g -o two.data -- "$wl" 1 > /dev/null 2> perf.err ||
	fail "perf record of two events: $(head -1 perf.err)"
perf script -i two.data > two.txt 2> /dev/null || fail "perf script (two events) failed"
compare_perf_script two.txt "perf script of two events"
"$KILN" report -top -sample_index=task-clock two.txt | grep -q 'hot_a' || fail "kiln does not see hot_a in task-clock"
"$KILN" report -top nog.txt | grep -q 'hot_a' || fail "kiln does not see hot_a in perf script text without call graphs"
"$KILN" report -top script.txt | grep -q 'hot_a' || fail "kiln does not see hot_a in perf script text"
perf script -i perf.data 2> /dev/null | "$KILN" report -flame - > flame.svg 2> k.err ||
	fail "perf script | kiln report -flame -: $(cat k.err)"
grep -q '<svg' flame.svg && grep -q 'hot_a' flame.svg || fail "the flame graph from perf script text lacks hot_a"
# perf.data itself is read too (src/perfdata; tests/perfdata compares it with perf).
"$KILN" report -top perf.data 2> k.err | grep -q 'hot_a' || fail "kiln report -top perf.data: no hot_a: $(cat k.err)"

[ "$failed" -eq 0 ] || fail "$failed comparisons with go tool pprof differ"
[ "${bomb_skipped:-0}" -eq 0 ] || skip "needs /usr/bin/time (package time; scripts/setup.sh installs it)"
[ "$corpus_missing" -eq 0 ] || skip_lacks "pprof's legacy test files ($CORPUS; see its README.md)"
echo "# all comparisons identical"

#!/usr/bin/env bash
# Terminal injection from a real process: a program whose name (its comm,
# which the kernel reports) and whose function's ELF symbol hold an escape
# sequence and a newline. kiln record keeps the bytes in the profile;
# report, script, annotate and top print them escaped (\x1b, \x0a), one
# row each.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go

cd "$TMP"
H="$KILN_SRC/tests/report/hostile-names.py"
prog=$'\e[31mred'
sym=$'evil\e[31m\nforged'
python3 - "$(workload evilsym)" "$prog" <<'PY' || fail "cannot patch the evilsym workload"
import os, sys
data = open(sys.argv[1], "rb").read()
assert data.count(b"evilQX31mQforged") >= 1
open(sys.argv[2], "wb").write(data.replace(b"evilQX31mQforged", b"evil\x1b[31m\nforged"))
os.chmod(sys.argv[2], 0o755)
PY

check() { python3 "$H" check "$@" || fail "kiln's output $1 is not terminal-safe"; }

kiln_record -o r.pb.gz -- "./$prog" 1 || fail "record"
# The profile keeps the bytes: go tool pprof sees the raw name.
pprof -raw r.pb.gz 2>/dev/null |
	python3 -c 'import sys; sys.exit(b"evil\x1b[31m\nforged" not in sys.stdin.buffer.read())' ||
	fail "the profile lost the symbol's bytes"

"$KILN" report --stdio --sort comm,sym r.pb.gz >perf.txt || fail "report --stdio"
check perf.txt '\x1b[31mred' 'evil\x1b[31m\x0aforged'
"$KILN" report -top r.pb.gz >top.txt || fail "report -top"
check top.txt 'evil\x1b[31m\x0aforged'
"$KILN" script r.pb.gz >script.txt || fail "script"
check script.txt '\x1b[31mred' 'evil\x1b[31m\x0aforged'
"$KILN" annotate --stdio -i r.pb.gz "$sym" >ann.txt 2>ann.err || { cat ann.err >&2; fail "annotate"; }
check ann.txt 'evil\x1b[31m\x0aforged'
timeout 30 "$KILN" top --stdio -q -d 0.5 --iterations 3 -- "./$prog" 3 >ktop.txt 2>ktop.err ||
	{ cat ktop.err >&2; fail "top"; }
check ktop.txt 'evil\x1b[31m\x0aforged'
echo ok

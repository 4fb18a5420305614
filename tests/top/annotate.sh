#!/usr/bin/env bash
# kiln annotate on the hotloop workload, whose time is spent between the
# labels hotloop_begin and hotloop_end inside hot_loop(): most of the
# function's samples must land on instructions in that range (read from
# the binary with nm, not written here). Then the errors: a symbol not in
# the profile, a binary replaced since recording (build id), a binary gone.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd nm
[ "$(uname -m)" = x86_64 ] || skip "the hotloop workload's loop is x86-64 assembly"

cp "$(workload hotloop)" "$TMP/hotloop"
kiln_record -F 999 -o "$TMP/h.pb.gz" -- "$TMP/hotloop" 1.5 || fail "record"
"$KILN" annotate -i "$TMP/h.pb.gz" --stdio hot_loop >"$TMP/ann.txt" 2>"$TMP/ann.err" ||
	{ cat "$TMP/ann.err" >&2; fail "annotate exited with $?"; }
begin=$(nm "$TMP/hotloop" | awk '$3 == "hotloop_begin" { print $1 }')
end=$(nm "$TMP/hotloop" | awk '$3 == "hotloop_end" { print $1 }')
[ -n "$begin" ] && [ -n "$end" ] || fail "labels not found by nm"
# Lines: "   62.63 :   1249:   addq   %rdi, %rax"
read -r inside total n_insn < <(awk -v b=$((16#$begin)) -v e=$((16#$end)) '
	function hex(s,  i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
	$2 == ":" && $3 ~ /^[0-9a-f]+:$/ {
		a = $3; sub(":", "", a); addr = hex(a)
		n++; t += $1; if (addr >= b && addr < e) in_ += $1 }
	END { print in_ + 0, t + 0, n + 0 }' "$TMP/ann.txt")
note "hot range $begin-$end: $inside% of $total% over $n_insn instructions"
[ "$n_insn" -ge 5 ] || { cat "$TMP/ann.txt" >&2; fail "too few instructions"; }
in_range "$total" 99 101 || fail "percentages add up to $total"
in_range "$inside" 80 101 || { cat "$TMP/ann.txt" >&2; fail "only $inside% in the loop"; }
head -1 "$TMP/ann.txt" | grep -q 'Source code & Disassembly of hotloop for cpu-clock' || fail "header"
# Source lines from DWARF are interleaved.
grep -q '__asm__ volatile' "$TMP/ann.txt" || fail "no source lines"
# No colours with --stdio.
grep -q $'\033' "$TMP/ann.txt" && fail "escape codes in --stdio output"

# A symbol the profile does not have.
"$KILN" annotate -i "$TMP/h.pb.gz" no_such_function >/dev/null 2>"$TMP/e1" && fail "unknown symbol accepted"
grep -q "symbol 'no_such_function' is not in the profile" "$TMP/e1" || { cat "$TMP/e1" >&2; fail "message"; }
# The binary replaced by another one: its build id differs.
cp "$(workload cpu-split)" "$TMP/hotloop"
"$KILN" annotate -i "$TMP/h.pb.gz" hot_loop >/dev/null 2>"$TMP/e2" && fail "changed binary accepted"
grep -q 'changed since the profile was recorded' "$TMP/e2" || { cat "$TMP/e2" >&2; fail "message"; }
# The binary gone.
rm "$TMP/hotloop"
"$KILN" annotate -i "$TMP/h.pb.gz" hot_loop >/dev/null 2>"$TMP/e3" && fail "missing binary accepted"
grep -q "hotloop" "$TMP/e3" || { cat "$TMP/e3" >&2; fail "message names the binary"; }
note "$(cat "$TMP/e3")"
echo ok

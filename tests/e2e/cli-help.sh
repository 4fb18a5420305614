#!/usr/bin/env bash
# Every registered command answers -h and `kiln help CMD` with its usage
# and exit 0; unknown commands and options fail with one clear line.
. "$KILN_SRC/tests/lib.sh"

"$KILN" --version | grep -q '^kiln version ' || fail "--version"
cmds=$("$KILN" help | awk '/^   [a-z]/ { print $1 }')
[ "$(wc -w <<<"$cmds")" -ge 5 ] || fail "kiln help lists too few commands: $cmds"
for c in $cmds; do
	"$KILN" "$c" -h > "$TMP/out" 2>&1 || fail "kiln $c -h exits $?"
	grep -qi 'usage' "$TMP/out" || fail "kiln $c -h prints no usage"
	"$KILN" help "$c" > "$TMP/out2" 2>&1 || fail "kiln help $c exits $?"
	cmp -s "$TMP/out" "$TMP/out2" || fail "kiln help $c differs from kiln $c -h"
done
"$KILN" no-such-command 2> "$TMP/err" && fail "unknown command accepted"
[ "$(wc -l < "$TMP/err")" -eq 1 ] && grep -q "no-such-command" "$TMP/err" ||
	fail "unknown command message"
"$KILN" 2>/dev/null && fail "no command accepted"
echo ok

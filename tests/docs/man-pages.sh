#!/usr/bin/env bash
# The build wrote kiln(1) and a kiln-CMD(1) for every command `kiln help`
# lists; each is what the binary prints now, renders with groff -ww without
# a warning, and names every option of the command's table (as --help
# prints it) and every example. `meson install` puts them in man1.
. "$KILN_SRC/tests/lib.sh"
need_cmd groff
need_cmd man

# The page as text; fails on any warning, for a UTF-8 or an ASCII terminal.
render() {
	groff -man -Tutf8 -ww -z "$1" 2> "$TMP/warn" || fail "groff -Tutf8 fails on $1"
	[ ! -s "$TMP/warn" ] || { cat "$TMP/warn" >&2; fail "groff -Tutf8 warns on $1"; }
	groff -man -Tascii -P-cbou -ww "$1" 2> "$TMP/warn" || fail "groff fails on $1"
	[ ! -s "$TMP/warn" ] || { cat "$TMP/warn" >&2; fail "groff warns on $1"; }
}

cmds=$("$KILN" help | awk '/^   [a-z]/ { print $1 }')
[ "$(wc -w <<<"$cmds")" -ge 9 ] || fail "kiln help lists too few commands: $cmds"

index="$KILN_MAN/kiln.1"
[ -f "$index" ] || fail "no kiln.1 in $KILN_MAN"
"$KILN" --help-man > "$TMP/now.1" || fail "kiln --help-man exits $?"
cmp -s "$TMP/now.1" "$index" || fail "kiln.1 differs from kiln --help-man"
render "$index" > "$TMP/kiln.txt"
for s in NAME SYNOPSIS DESCRIPTION COMMANDS "SEE ALSO"; do
	grep -q "^$s\$" "$TMP/kiln.txt" || fail "kiln(1) has no $s section"
done

for c in $cmds; do
	page="$KILN_MAN/kiln-$c.1"
	[ -f "$page" ] || fail "no man page for kiln $c (add it to docs/man/meson.build)"
	"$KILN" "$c" --help-man > "$TMP/now.1" || fail "kiln $c --help-man exits $?"
	cmp -s "$TMP/now.1" "$page" || fail "kiln-$c.1 differs from kiln $c --help-man"
	render "$page" > "$TMP/page.txt"
	MANWIDTH=80 man -P cat -l "$page" > "$TMP/man.txt" 2> "$TMP/man.err" ||
		fail "man -l $page exits $?"
	[ ! -s "$TMP/man.err" ] || { cat "$TMP/man.err" >&2; fail "man -l warns on kiln-$c.1"; }
	grep -q "kiln-$c(1)" "$TMP/kiln.txt" || fail "kiln(1) does not list kiln-$c(1)"
	for s in NAME SYNOPSIS OPTIONS EXAMPLES "SEE ALSO"; do
		grep -q "^$s\$" "$TMP/page.txt" || fail "kiln-$c(1) has no $s section"
	done
	grep -A1 '^NAME$' "$TMP/page.txt" | tr -s ' ' | grep -q "kiln-$c - [A-Z]" ||
		fail "kiln-$c(1): NAME has no summary"
	grep -q 'kiln(1)' "$TMP/page.txt" || fail "kiln-$c(1) does not point to kiln(1)"
	# Groff may break a line anywhere in prose, so the page's words are
	# compared as one line.
	flat=$(tr -s ' \n' '  ' < "$TMP/page.txt")
	"$KILN" "$c" --help > "$TMP/help.txt"
	opts=$(grep -E '^    -' "$TMP/help.txt" | sed -E 's/^    //; s/ {2,}.*//' |
		grep -oE '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9_-]*' | tr -d ' ,')
	[ -n "$opts" ] || [ "$c" = help ] || fail "kiln $c --help lists no options"
	for o in $opts; do
		grep -qE -- "(^| )$o([ ,=[]|\$)" "$TMP/page.txt" ||
			fail "kiln-$c(1) does not show option $o"
	done
	while IFS= read -r ex; do
		[[ $flat == *"$ex"* ]] || fail "kiln-$c(1) lacks the example: $ex"
	done < <(sed -n '/^Examples:$/,$p' "$TMP/help.txt" | grep '^  kiln ' | sed 's/^  //')
done

# meson install puts them where man looks.
command -v meson > /dev/null || skip "needs meson"
meson install -C "$KILN_BUILD" --no-rebuild --quiet --destdir "$TMP/inst" > "$TMP/install.log" 2>&1 ||
	{ tail "$TMP/install.log" >&2; fail "meson install fails"; }
man1=$(find "$TMP/inst" -type d -path '*/share/man/man1' | head -1)
[ -n "$man1" ] || fail "meson install wrote no share/man/man1"
for c in $cmds; do
	cmp -s "$man1/kiln-$c.1" "$KILN_MAN/kiln-$c.1" || fail "kiln-$c.1 not installed in $man1"
done
cmp -s "$man1/kiln.1" "$index" || fail "kiln.1 not installed"
[ -n "$(find "$TMP/inst" -path '*/share/bash-completion/completions/kiln')" ] ||
	fail "meson install did not install the bash completion"
echo ok

#!/usr/bin/env bash
# The bash completion the build wrote completes, driven as bash drives it
# (COMP_WORDS, COMP_CWORD, then _kiln; the answer in COMPREPLY): every
# command `kiln help` lists from a prefix, every option of each command's
# table (as --help prints it) from its name less one letter, file names for
# the options that take a file, event names for -e, a program after `--` or
# after the first word of record/stat/top, and nothing of kiln's after it.
. "$KILN_SRC/tests/lib.sh"
need_cmd bash

[ -s "$KILN_COMPLETION" ] || fail "no completion script at $KILN_COMPLETION"
"$KILN" --completion > "$TMP/now" || fail "kiln --completion exits $?"
cmp -s "$TMP/now" "$KILN_COMPLETION" || fail "the built completion differs from kiln --completion"
bash -n "$KILN_COMPLETION" || fail "the completion script is not valid bash"

# complete WORD...: what completing the last word offers, one per line.
cat > "$TMP/drive.sh" <<'DRIVE'
. "$KILN_COMPLETION" || exit 1
complete -p kiln > /dev/null || { echo "no 'complete' for kiln" >&2; exit 1; }
while IFS= read -r line; do
	eval "COMP_WORDS=($line)"
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_kiln
	((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' '
	echo
done
DRIVE
# Runs every query of $TMP/q (one quoted word list a line) in one bash.
queries() { : > "$TMP/q"; }
ask() { printf '%s\n' "$*" >> "$TMP/q"; }
# Event names come from `kiln list`, the kiln on PATH as the user types it.
run() { PATH="$(dirname "$KILN"):$PATH" KILN_COMPLETION="$KILN_COMPLETION" bash --norc --noprofile "$TMP/drive.sh" \
	< "$TMP/q" > "$TMP/a" 2> "$TMP/e" || { cat "$TMP/e" >&2; fail "driving the completion fails"; }
	[ ! -s "$TMP/e" ] || { cat "$TMP/e" >&2; fail "the completion writes to stderr"; }
	[ "$(wc -l < "$TMP/a")" -eq "$(wc -l < "$TMP/q")" ] || fail "lost answers"; }
# answer N: the replies to the Nth query.
answer() { sed -n "$1p" "$TMP/a"; }

cmds=$("$KILN" help | awk '/^   [a-z]/ { print $1 }')
[ "$(wc -w <<<"$cmds")" -ge 9 ] || fail "kiln help lists too few commands: $cmds"

# Expected replies, in the order asked: "WORDS<TAB>MUST-CONTAIN".
: > "$TMP/want"
want() { ask "$1"; printf '%s\t%s\n' "$1" "$2" >> "$TMP/want"; }
queries
want "kiln rep" report
for c in $cmds; do
	want "kiln ${c:0:2}" "$c"
	"$KILN" "$c" --help > "$TMP/help.txt"
	for o in $(grep -E '^    -' "$TMP/help.txt" | sed -E 's/^    //; s/ {2,}.*//' |
		   grep -oE '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9_-]*' | tr -d ' ,'); do
		# A short option is its own only completion from "-x"; a long one
		# is completed from all but its last letter.
		if [ "${#o}" -eq 2 ]; then
			want "kiln $c $o" "$o"
		else
			want "kiln $c ${o%?}" "$o"
		fi
	done
	want "kiln $c --hel" --help
done
want "kiln record --fr" --freq
want "kiln report -nodecoun" -nodecount
want "kiln report -sample_ind" -sample_index
want "kiln help rec" record
mkdir "$TMP/dir" && touch "$TMP/dir/file1.pb.gz" "$TMP/dir/file2.txt"
want "kiln record -o $TMP/dir/fi" "$TMP/dir/file1.pb.gz"
want "kiln record --output = $TMP/dir/file1" "$TMP/dir/file1.pb.gz"
want "kiln report -diff_base = $TMP/dir/file1" "$TMP/dir/file1.pb.gz"
want "kiln report -top $TMP/dir/file2" "$TMP/dir/file2.txt"
want "kiln annotate -i $TMP/dir/fi" "$TMP/dir/file1.pb.gz"
want "kiln stat -o $TMP/dir/file2" "$TMP/dir/file2.txt"
want "kiln report -source_path $TMP/di" "$TMP/dir"
want "kiln stat -e task-cl" task-clock
want "kiln stat -e cycles,page-f" cycles,page-faults
want "kiln record --event = cpu-cl" cpu-clock
want "kiln record -g -- bas" bash
want "kiln stat -e task-clock bas" bash
want "kiln top -F 99 -- bas" bash
# Replies that must not come: kiln's options after the program, a
# program where kiln's own option expects a value.
ask "kiln record ./app --fr"
ask "kiln stat -e task-clock -- ls --inher"
ask "kiln record -F bas"
ask "kiln record -- ./app -o $TMP/dir/fi"
run

n=0
while IFS=$'\t' read -r q w; do
	n=$((n + 1))
	got=" $(answer "$n")"
	[[ $got == *" $w "* ]] || fail "completing '$q' gave '$got', not $w"
done < "$TMP/want"
[ -z "$(answer $((n + 1)))" ] || fail "kiln record ./app --fr offered kiln's options: $(answer $((n + 1)))"
[ -z "$(answer $((n + 2)))" ] || fail "completing the program's options offered kiln's: $(answer $((n + 2)))"
[ -z "$(answer $((n + 3)))" ] || fail "kiln record -F offered words for a number: $(answer $((n + 3)))"
[[ " $(answer $((n + 4))) " == *" $TMP/dir/file1.pb.gz "* ]] ||
	fail "the program's own -o did not complete file names"
note "$n completions checked"
echo ok

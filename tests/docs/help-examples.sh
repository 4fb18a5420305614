#!/usr/bin/env bash
# Every command's --help ends in Examples: three to six `kiln CMD ...`
# lines, each with its explanation. Each one runs here as written, in a
# folder holding what they name: ./app (the cpu-split workload), kiln.pb.gz,
# cpu.pb.gz, old.pb.gz and new.pb.gz recorded from it, perf.data by perf, and a running `app`
# for $(pidof app). Commands that run until stopped (top, web, report
# -http) must still be running when stopped; everything else must exit 0.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd script
need_cmd timeout
need_cmd perf

cd "$TMP" || fail "cd $TMP"
# A private home: the buildid-cache examples add to and remove from ~/.debug,
# which perf and other tests read.
export HOME=$TMP/home
mkdir -p "$HOME"
cp "$(workload cpu-split)" app || fail "no cpu-split workload"
for f in kiln cpu old new; do
	kiln_record -g -o "$f.pb.gz" -- ./app 1 || fail "cannot record the fixture $f.pb.gz"
done
# kiln evlist's examples read perf's own file.
perf record -q -F 499 -o perf.data -- ./app 1 2>/dev/null || fail "perf record cannot record perf.data"
./app 600 & at_exit "kill $! 2>/dev/null"
# $(pidof app) is this test's app, whatever else on the machine is called
# app (another run of this test, say).
APP_PID=$!
pidof() { echo "$APP_PID"; }
export APP_PID
export -f pidof
unset BROWSER

cmds=$("$KILN" help | awk '/^   [a-z]/ { print $1 }')
[ "$(wc -w <<<"$cmds")" -ge 9 ] || fail "kiln help lists too few commands: $cmds"
total=0
for c in $cmds; do
	"$KILN" "$c" --help > help.txt || fail "kiln $c --help exits $?"
	sed -n '/^Examples:$/,$p' help.txt > examples.txt
	[ -s examples.txt ] || fail "kiln $c --help has no Examples"
	grep '^  kiln ' examples.txt | sed 's/^  //' > lines.txt
	n=$(wc -l < lines.txt)
	[ "$n" -ge 3 ] && [ "$n" -le 6 ] || fail "kiln $c --help has $n examples, not 3 to 6"
	# Each example line is followed by its explanation, indented further.
	awk '/^  kiln / { if (cmd) exit 1; cmd = 1; next } /^      [^ ]/ { cmd = 0 } END { exit cmd }' \
		examples.txt || fail "kiln $c: an example without an explanation"
	while IFS= read -r ex; do
		[[ $ex == "kiln $c "* || $ex == "kiln $c" ]] ||
			fail "kiln $c --help: example of another command: $ex"
		run="\"\$KILN\"${ex#kiln}"
		long=0
		case "$ex" in
		"kiln top"* | "kiln web"* | *" -http"*) long=1 ;;
		esac
		if [[ $ex == "kiln top"* && $ex != *--stdio* ]]; then
			# The terminal UI needs a terminal: script(1) gives it one.
			KILN="$KILN" timeout -k 5 -s INT 6 script -qec "$run" /dev/null \
				> out.txt 2> err.txt < /dev/null
		else
			KILN="$KILN" timeout -k 5 -s INT $((long ? 6 : 30)) bash -c "$run" \
				> out.txt 2> err.txt < /dev/null
		fi
		rc=$?
		if [ "$rc" -ne 0 ] && ! { [ "$long" -eq 1 ] && [ "$rc" -eq 124 ]; }; then
			tail -5 err.txt >&2
			fail "example of kiln $c exits $rc: $ex"
		fi
		if grep -qE "unknown option|needs a value|expects (a|a whole) number" err.txt; then
			cat err.txt >&2
			fail "example of kiln $c does not parse: $ex"
		fi
		total=$((total + 1))
	done < lines.txt
done
note "$total examples ran"
echo ok

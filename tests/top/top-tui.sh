#!/usr/bin/env bash
# kiln top's terminal UI under tmux: it shows the workload's hot function,
# h opens the help, d zooms into the selected row's shared object (every
# row then shows it), P saves the view, q quits with status 0.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd tmux

wl=$(workload cpu-split)
sock="$TMP/tmux.sock"
"$wl" 30 & wpid=$!
at_exit "tmux -S '$sock' kill-server 2>/dev/null; kill $wpid 2>/dev/null; wait $wpid 2>/dev/null"

screen() { tmux -S "$sock" capture-pane -p -t kt; }
# Waits up to 15 s for a pattern on the screen.
wait_for() {
	for _ in $(seq 150); do
		screen >"$TMP/screen.txt"
		grep -Eq "$1" "$TMP/screen.txt" && return 0
		sleep 0.1
	done
	cat "$TMP/screen.txt" >&2
	return 1
}

mkdir "$TMP/cwd"
tmux -S "$sock" new-session -d -s kt -x 150 -y 40 -c "$TMP/cwd" \
	"TERM=xterm-256color '$KILN' top -d 1 -p $wpid 2>'$TMP/top.err'; echo \$? >'$TMP/rc'; sleep 30"
wait_for 'PerfTop:' || fail "no PerfTop line on the screen"
wait_for '\[\.\] hot_a' || fail "hot_a not shown"
grep -q '^  Overhead  Shared Object' "$TMP/screen.txt" || fail "column headers"

tmux -S "$sock" send-keys -t kt h
wait_for 'kiln top keys' || fail "h: no help"
grep -q 'annotate the selected symbol' "$TMP/screen.txt" || fail "help lists a"
tmux -S "$sock" send-keys -t kt x         # any key closes the help
for _ in $(seq 100); do screen | grep -q 'kiln top keys' || break; sleep 0.1; done
screen | grep -q 'kiln top keys' && fail "help still shown"
wait_for '^ *[0-9.]+%' || fail "list back after help"

# The selected row is the first one; d keeps its shared object only.
sel=$(grep -E '^ +[0-9.]+%' "$TMP/screen.txt" | head -1 | awk '{ print $2 }')
[ -n "$sel" ] || { cat "$TMP/screen.txt" >&2; fail "no row to select"; }
note "selected shared object: $sel"
tmux -S "$sock" send-keys -t kt d
wait_for 'zoomed into' || fail "d: no zoom message"
sleep 1.5
screen >"$TMP/zoom.txt"
rows=$(grep -E '^ +[0-9.]+%' "$TMP/zoom.txt" | awk '{ print $2 }' | sort -u)
[ -n "$rows" ] || fail "d: no rows"
[ "$rows" = "$sel" ] || { cat "$TMP/zoom.txt" >&2; fail "d: rows from other objects: $rows"; }
tmux -S "$sock" send-keys -t kt d        # zoom out again
sleep 0.5

# a: the selected (hottest, user) symbol's instructions with their shares.
tmux -S "$sock" send-keys -t kt Home a
wait_for '^Annotate ' || fail "a: no annotation"
wait_for '^ +[0-9.]+ : +[0-9a-f]+: ' || fail "a: no instruction lines"
tmux -S "$sock" send-keys -t kt q        # back to the list
wait_for 'PerfTop:' || fail "back from the annotation"

tmux -S "$sock" send-keys -t kt P
wait_for 'view saved to kiln-top.0.txt' || fail "P: no message"
grep -q 'PerfTop:' "$TMP/cwd/kiln-top.0.txt" || fail "P: file lacks the view"

tmux -S "$sock" send-keys -t kt q
for _ in $(seq 50); do [ -s "$TMP/rc" ] && break; sleep 0.1; done
[ -s "$TMP/rc" ] || fail "q did not quit"
[ "$(cat "$TMP/rc")" = 0 ] || { cat "$TMP/top.err" >&2; fail "exit status $(cat "$TMP/rc")"; }
echo ok

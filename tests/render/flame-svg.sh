#!/usr/bin/env bash
# kiln report -flame / -icicle / -diff_base on the known profile of
# mkrender.c: the SVG parses as XML and has the expected frames, widths
# (1180 px for 100%), colours by kind of frame, and diff colours.
. "$KILN_SRC/tests/lib.sh"
need_cmd xmllint
"$MKRENDER" "$TMP" || fail "mkrender"
"$KILN" report -flame "$TMP/known.pb.gz" >"$TMP/f.svg" || fail "kiln report -flame"
xmllint --noout "$TMP/f.svg" || fail "flame SVG is not well-formed XML"

# "title|x|width|fill" per frame
frames() {
	xmllint --xpath '//*[local-name()="g"][@class="f"]' "$1" |
		sed -n 's|.*<title>\([^<]*\)</title><rect x="\([^"]*\)" y="\([^"]*\)" width="\([^"]*\)"[^>]*fill="\([^"]*\)".*|\1\|\2\|\3\|\4\|\5|p'
}
frames "$TMP/f.svg" >"$TMP/frames"
cat "$TMP/frames" >&2
want() { # NAME X WIDTH
	grep -q "^$1 ([^|]*|$2|[^|]*|$3|" "$TMP/frames" || fail "frame $1 at x=$2 width=$3 missing"
}
[ "$(wc -l <"$TMP/frames")" -eq 7 ] || fail "expected 7 frames (root + 6)"
want root 10.0 1180.0
want main 10.0 1180.0
want sys_write 10.0 236.0
want work 246.0 826.0
want compute 246.0 708.0
want helper 246.0 236.0
want memcpy 954.0 118.0
grep -q '^work (700ms, 70.00%)' "$TMP/frames" || fail "tooltip of work"
# depth grows upwards: compute sits one row above work
y_work=$(grep '^work ' "$TMP/frames" | cut -d'|' -f3)
y_comp=$(grep '^compute ' "$TMP/frames" | cut -d'|' -f3)
[ "$y_comp" -lt "$y_work" ] || fail "flame graph should grow upwards"

# colours: kernel orange, library yellow, inlined aqua, user red
rgb() { grep "^$1 " "$TMP/frames" | cut -d'|' -f5 | tr -d 'rgb()' ; }
IFS=, read -r r g b <<<"$(rgb sys_write)"; [ "$r" -ge 230 ] && [ "$g" -ge 140 ] && [ "$g" -le 170 ] && [ "$b" -le 30 ] || fail "kernel frame not orange: $r,$g,$b"
IFS=, read -r r g b <<<"$(rgb memcpy)"; [ "$r" -ge 190 ] && [ "$g" -ge 190 ] && [ "$b" -le 80 ] || fail "library frame not yellow: $r,$g,$b"
IFS=, read -r r g b <<<"$(rgb helper)"; [ "$r" -le 110 ] && [ "$g" -ge 165 ] && [ "$b" -ge 165 ] || fail "inlined frame not aqua: $r,$g,$b"
IFS=, read -r r g b <<<"$(rgb compute)"; [ "$r" -ge 210 ] && [ "$g" -le 120 ] && [ "$b" -le 90 ] || fail "user frame not red: $r,$g,$b"
grep -q '<script type="text/ecmascript"><!\[CDATA\[' "$TMP/f.svg" || fail "no inline script"
if grep -Eq '(src|href)="https?:' "$TMP/f.svg"; then fail "SVG references the network"; fi

# -icicle: root at the top
"$KILN" report -icicle "$TMP/known.pb.gz" >"$TMP/i.svg" || fail "kiln report -icicle"
xmllint --noout "$TMP/i.svg" || fail "icicle SVG is not XML"
frames "$TMP/i.svg" >"$TMP/iframes"
y_root=$(grep '^root ' "$TMP/iframes" | cut -d'|' -f3)
y_comp=$(grep '^compute ' "$TMP/iframes" | cut -d'|' -f3)
[ "$y_root" -lt "$y_comp" ] || fail "icicle graph should grow downwards"

# differential: widths from the new profile, red grew, blue shrank
"$KILN" report -flame -diff_base "$TMP/base.pb.gz" "$TMP/known.pb.gz" >"$TMP/d.svg" || fail "diff flame"
xmllint --noout "$TMP/d.svg" || fail "diff SVG is not XML"
frames "$TMP/d.svg" >"$TMP/dframes"
cat "$TMP/dframes" >&2
grep -q '^compute (600ms, 60.00%; base 400ms, change +200ms)|246.0|[0-9]*|708.0|rgb(255,0,0)$' "$TMP/dframes" || fail "compute should be full red, 708 wide"
grep -q '^sys_write (200ms, 20.00%; base 400ms, change -200ms)|10.0|[0-9]*|236.0|rgb(0,0,255)$' "$TMP/dframes" || fail "sys_write should be full blue"
grep -q '^memcpy ([^|]*change 0)|[^|]*|[^|]*|118.0|rgb(255,255,255)$' "$TMP/dframes" || fail "memcpy unchanged should be white"

# malicious names stay text
"$KILN" report -flame "$TMP/evil.pb.gz" >"$TMP/e.svg" || fail "evil flame"
xmllint --noout "$TMP/e.svg" || fail "evil SVG is not XML"
[ "$(grep -c '<script' "$TMP/e.svg")" -eq 1 ] || fail "a name turned into a <script> element"
grep -q '&lt;script&gt;window.__pwned=1&lt;/script&gt;' "$TMP/e.svg" || fail "evil name not escaped"

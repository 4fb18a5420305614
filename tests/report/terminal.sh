#!/usr/bin/env bash
# Terminal injection: escape sequences, newlines, DEL and invalid UTF-8 in
# a profile's names, files, labels and comments, and in a remote server's
# error body, reach no text output raw (they print as \x1b, as git and ls
# print them); valid UTF-8 prints unchanged; a newline in a name cannot
# forge a row; the proto output keeps the bytes as they were.
. "$KILN_SRC/tests/lib.sh"

cd "$TMP"
H="$KILN_SRC/tests/report/hostile-names.py"
python3 "$H" make h.pb.gz h0.pb.gz || fail "hostile-names.py make"
names="evil forge utf8 c1 del tab fine"

out() { # out NAME KILN-ARGS...: runs kiln, output in NAME
	local name=$1; shift
	"$KILN" "$@" >"$name" 2>"$name.err" || { cat "$name.err" >&2; fail "kiln $* failed"; }
}
check() { python3 "$H" check "$@" || fail "kiln's output $1 is not terminal-safe"; }

for f in top tree traces raw peek=. text; do
	out "o.$f" report "-$f" h.pb.gz
	check "o.$f" $names
done
out o.type report -top -sample_index=0 h.pb.gz
check o.type type comment
out o.tags report -tags h.pb.gz
check o.tags comm key evil
out o.comments report -comments h.pb.gz
check o.comments comment
out o.raw report -raw h.pb.gz
check o.raw map file comm key type comment
out o.list report -list=. h.pb.gz
check o.list evil utf8 file source fine
out o.perf report --stdio --sort comm,dso,sym h.pb.gz
check o.perf comm $names
out o.perfg report --stdio -g h.pb.gz
check o.perfg evil forge
out o.script script h.pb.gz
check o.script comm evil forge map
out o.diff diff h0.pb.gz h.pb.gz
check o.diff evil forge utf8 fine
for f in svg flame dot; do
	out "o.$f" report "-$f" h.pb.gz
	check "o.$f"
done
python3 -c 'import sys, xml.dom.minidom as m; [m.parse(f) for f in sys.argv[1:]]' o.svg o.flame ||
	fail "the SVG outputs are not well-formed XML"

# The proto is a machine format: the names keep their bytes.
out o.pb.gz report -proto -output=o.pb.gz h.pb.gz
gzip -dc o.pb.gz | grep -aq $'evil\e]0;pwned' || fail "-proto changed the names' bytes"

# Error messages: a file name, and a server's error body.
"$KILN" report $'/nonexistent/\e[31mx\nkiln: forged' >/dev/null 2>o.err && fail "a missing file was read"
check o.err '\x1b[31mx\x0akiln: forged'
[ "$(wc -l <o.err)" -eq 1 ] || fail "one error took $(wc -l <o.err) lines"
cat >serve.py <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"no profile \x1b]0;pwned\x07\x1b[2J\nkiln: forged line\n"
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 serve.py >port &
at_exit "kill $! 2>/dev/null"
for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
[ -s port ] || fail "the test server did not start"
"$KILN" report -top "http://127.0.0.1:$(cat port)/debug/pprof/profile" >/dev/null 2>r.err &&
	fail "a 500 answer was read as a profile"
check r.err '\x1b]0;pwned\x07\x1b[2J'
grep -q '^kiln: forged' r.err && fail "a server's error body forged a line of kiln's"
echo "ok"

#!/usr/bin/env bash
# kiln web serves source files only from the source roots: the
# -source_path folders, the current folder and the compilation folders of
# the profile's binaries (DWARF DW_AT_comp_dir), and only regular files
# whose real path lies under one. A profile naming /etc/hostname, a
# symlink to /etc/passwd, a file outside every root or a FIFO gets "not
# under the source path (add -source_path DIR)" (or "not a regular file"),
# in the file view (403) and in the -list view alike.
. "$KILN_SRC/tests/lib.sh"
. "$KILN_SRC/tests/web/web-lib.sh"
need_cmd curl
need_cmd cc
MKWEB=${MKWEB:?}
cd "$TMP" || exit 1
mkdir tree outside srcpath srcpath/lib build bin
printf 'int main(void)\n{\n\treturn APP_MARKER;\n}\n' >tree/app.c
ln -s /etc/passwd tree/link.c
ln -s app.c tree/inlink.c
ln -s ../outside/secret.c tree/outlink.c
mkfifo tree/fifo.c
mkdir tree/folder.c
echo 'SECRET_MARKER' >outside/secret.c
printf 'int extra(void)\n{\n\treturn EXTRA_MARKER;\n}\n' >srcpath/lib/extra.c
printf 'int main(void)\n{\n\treturn 0; /* PROG_MARKER */\n}\n' >build/prog.c
(cd build && cc -g -O0 -o ../bin/prog prog.c) || fail "cc -g prog.c"
"$MKWEB" prof.pb.gz -m "$TMP/bin/prog" \
	app=app.c:3 hostname=/etc/hostname:1 link=link.c:1 alink="$TMP/tree/link.c":1 \
	inlink=inlink.c:3 outlink=outlink.c:1 fifo=fifo.c:1 folder=folder.c:1 \
	secret="$TMP/outside/secret.c":1 extra=lib/extra.c:3 prog="$TMP/build/prog.c":3 ||
	fail "mkweb"
refused='not under the source path (add -source_path DIR)'

cd tree || exit 1
start_web ../web1.out -source_path "$TMP/srcpath" ../prof.pb.gz
file() { # PATH -> status in $c, body in file.out
	c=$(curl -s -o ../file.out -w '%{http_code}' --max-time 20 -G --data-urlencode "file=$1" \
		"${base}api/source?token=$tok")
}
for f in /etc/hostname link.c "$TMP/tree/link.c" outlink.c "$TMP/outside/secret.c"; do
	file "$f"
	[ "$c" = 403 ] || fail "file=$f got $c, want 403: $(head -c 300 ../file.out)"
	grep -qF "$refused" ../file.out || fail "file=$f: $(cat ../file.out)"
done
for f in fifo.c folder.c; do
	file "$f"
	[ "$c" = 403 ] || fail "file=$f got $c, want 403: $(head -c 300 ../file.out)"
	grep -qF 'not a regular file' ../file.out || fail "file=$f: $(cat ../file.out)"
done

# What lies under the roots is served.
for f in app.c inlink.c lib/extra.c "$TMP/build/prog.c"; do
	file "$f"
	[ "$c" = 200 ] || fail "file=$f got $c: $(cat ../file.out)"
done
file app.c; grep -q APP_MARKER ../file.out || fail "app.c content"
file lib/extra.c; grep -q EXTRA_MARKER ../file.out || fail "extra.c from -source_path"
file "$TMP/build/prog.c"; grep -q PROG_MARKER ../file.out || fail "prog.c from the compilation folder"

# The -list view (absolute names and -source_path): the same rules.
list=$(curl -s --max-time 60 "${base}api/source?re=.&token=$tok")
for want in "Error: open /etc/hostname: $refused" "Error: open $TMP/tree/link.c: $refused" \
	    "Error: open $TMP/outside/secret.c: $refused" EXTRA_MARKER PROG_MARKER; do
	[[ $list == *"$want"* ]] || fail "-list view lacks '$want': $list"
done
for leak in 'root:' SECRET_MARKER; do
	[[ $list != *"$leak"* ]] || fail "-list view leaks '$leak': $list"
done
stop_web

# Relative names resolve in the current folder when no -source_path is given.
start_web ../web2.out ../prof.pb.gz
list=$(curl -s --max-time 60 "${base}api/source?re=.&token=$tok")
for want in APP_MARKER "Error: open $TMP/tree/link.c: $refused" \
	    "Error: open $TMP/tree/outlink.c: $refused" "Error: open $TMP/tree/fifo.c: not a regular file"; do
	[[ $list == *"$want"* ]] || fail "-list view (cwd) lacks '$want': $list"
done
for leak in 'root:' SECRET_MARKER; do
	[[ $list != *"$leak"* ]] || fail "-list view (cwd) leaks '$leak': $list"
done
file lib/extra.c
[ "$c" != 200 ] || fail "lib/extra.c served without -source_path"

#!/bin/sh
# libkiln.so needs the C library alone (and the sanitizer runtime it was
# built with): every process of a profiled tree loads it, and zlib, libdw,
# libelf, libm, libmicrohttpd (GnuTLS and more behind it) and libgcc_s would
# cost each one more than a short program takes to run. They are loaded on
# first use (src/runtime/lazy.c, glibc's backtrace for libgcc_s); a call to
# a new function of theirs needs a stub there, or it shows up here.
. "$(dirname "$0")/rt-lib.sh"
need_cmd readelf

readelf -d "$LIBKILN" >"$TMP/dyn" || fail "readelf -d $LIBKILN"
sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' "$TMP/dyn" >"$TMP/needed"
cat "$TMP/needed" >&2
[ -s "$TMP/needed" ] || fail "no NEEDED entries read from $LIBKILN"
bad=$(grep -Ev '^(libc\.so\.6|ld-linux[-a-z0-9_.]*\.so\.[0-9]+|lib(ubsan|tsan)\.so\.[0-9]+)$' "$TMP/needed")
[ -z "$bad" ] || fail "libkiln.so needs $(echo $bad) at load time: add stubs to src/runtime/lazy.c"
echo "ok: libkiln.so needs only libc"

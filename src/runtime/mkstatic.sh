#!/bin/sh
# Builds libkiln.a as one relocatable object whose only global symbols are
# those libkiln.map exports, so the base/profile/symbols code inside cannot
# clash with a host program's own functions of the same names.
# usage: mkstatic.sh OUT.a MAPFILE CC... -- ARCHIVES...
set -eu
out=$1 map=$2
shift 2
cc=""
while [ "$1" != "--" ]; do cc="$cc $1"; shift; done
shift
tmp="$out.tmp.o"
syms="$out.syms"
sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_*]*\);$/\1/p' "$map" > "$syms"
# shellcheck disable=SC2086
$cc -r -nostdlib -o "$tmp" -Wl,--whole-archive "$@" -Wl,--no-whole-archive
objcopy --wildcard --keep-global-symbols="$syms" "$tmp"
rm -f "$out"
ar rcs "$out" "$tmp"
rm -f "$tmp" "$syms"

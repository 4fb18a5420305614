#!/usr/bin/env bash
# Output paths that are not regular files are written in place, never
# replaced: `kiln record -o /dev/null` (and `kiln report -proto -o`) once
# renamed a regular file over the device. Checked on a copy of /dev/null
# made with mknod in the scratch folder (never the real one), a FIFO with
# a reader, a listening Unix socket; symbolic links are followed (the link
# stays, what it names is written), block devices are refused.
. "$KILN_SRC/tests/lib.sh"
need_root
need_cmd go
need_cmd python3

cd "$TMP"
mknod null c 1 3 || skip "cannot mknod a character device in $TMP"
[ -c null ] || fail "mknod made no character device"

# Number of gzip members in a file: one write of one profile is one.
gz_members() {
	python3 - "$1" <<'EOF'
import sys, zlib
data = open(sys.argv[1], 'rb').read()
n = 0
while data:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    d.decompress(data)
    if not d.eof:
        sys.exit("truncated gzip member")
    data = d.unused_data
    n += 1
print(n)
EOF
}

# record -o DEVICE: the device survives, nothing else appears.
"$KILN" record -q -o null -- true || fail "record -o <char device> failed"
[ -c null ] || { ls -l null >&2; fail "record -o replaced the character device"; }
[ "$(stat -c %t:%T null)" = "1:3" ] || fail "the device numbers changed"
ls | grep -q '\.tmp\.' && fail "temporary file left behind"

kiln_record -o a.pb.gz -- "$(workload hotloop)" 0.2 || fail "record a profile"
check_valid_profile a.pb.gz
[ "$(pprof_counts a.pb.gz | cum_of hot_loop)" -gt 0 ] || fail "a.pb.gz holds no samples of hot_loop"

# report -proto -o DEVICE, and another report written with -o.
"$KILN" report -proto -o null a.pb.gz 2>err || { cat err >&2; fail "report -proto -o <char device>"; }
[ -c null ] || fail "report -proto -o replaced the character device"
"$KILN" report -top -o null a.pb.gz 2>err || { cat err >&2; fail "report -top -o <char device>"; }
[ -c null ] || fail "report -top -o replaced the character device"

# A FIFO gets the profile once (no checkpoint copies), and stays a FIFO.
mkfifo fifo
cat fifo > from-fifo & reader=$!
at_exit "kill $reader 2>/dev/null"
timeout 30 "$KILN" record -q --checkpoint 0.2 -o fifo -- sleep 1 || fail "record -o <fifo>"
wait $reader || fail "the FIFO's reader failed"
[ -p fifo ] || fail "record -o replaced the FIFO"
check_valid_profile from-fifo
[ "$(gz_members from-fifo)" -eq 1 ] || fail "the FIFO got $(gz_members from-fifo) profiles, expected 1"

mkfifo fifo2
cat fifo2 > from-fifo2 & reader=$!
timeout 30 "$KILN" report -proto -o fifo2 a.pb.gz || fail "report -proto -o <fifo>"
wait $reader || fail "the FIFO's reader failed"
[ -p fifo2 ] || fail "report -proto -o replaced the FIFO"
check_valid_profile from-fifo2

# A listening Unix stream socket: connected to and written.
python3 - sock from-sock <<'EOF' & server=$!
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(30)
c, _ = s.accept()
with open(sys.argv[2], "wb") as f:
    while True:
        b = c.recv(65536)
        if not b:
            break
        f.write(b)
EOF
at_exit "kill $server 2>/dev/null"
for _ in $(seq 100); do [ -e sock.ready ] && break; sleep 0.05; done
[ -S sock ] || fail "the test's socket server did not start"
timeout 30 "$KILN" record -q -o sock -- true || fail "record -o <socket>"
wait $server || fail "the socket server failed"
[ -S sock ] || fail "record -o replaced the socket"
check_valid_profile from-sock

# Symbolic links are followed: the link stays a link.
printf 'old' > real.pb.gz
ln -s real.pb.gz link
"$KILN" record -q -o link -- true || fail "record -o <link to a file>"
[ -L link ] || fail "the link was replaced"
[ "$(readlink link)" = real.pb.gz ] || fail "the link changed"
check_valid_profile real.pb.gz
ln -s null null-link
"$KILN" record -q -o null-link -- true || fail "record -o <link to a device>"
[ -L null-link ] && [ -c null ] || fail "a link to a device: the link or the device was replaced"
mkdir d
ln -s ../new.pb.gz d/dangling
"$KILN" record -q -o d/dangling -- true || fail "record -o <dangling link>"
[ -L d/dangling ] || fail "the dangling link was replaced"
check_valid_profile new.pb.gz

# A block device is refused, and left alone.
mknod blk b 7 255 || skip "cannot mknod a block device in $TMP"
"$KILN" record -q -o blk -- true 2>err && fail "record -o <block device> accepted"
grep -q "block device" err || { cat err >&2; fail "no reason given for the block device"; }
[ -b blk ] || fail "the block device node was replaced"
ls | grep -q '\.tmp\.' && fail "temporary file left behind"
echo ok

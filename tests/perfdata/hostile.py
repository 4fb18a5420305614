#!/usr/bin/env python3
"""Writes hostile variants of a real perf.data (file mode) and of a pipe
stream into OUT_DIR, one file each, named for what is wrong:
truncations, sizes pointing past the end, zero and huge record sizes,
huge counts in the features, other byte order, version 1, a compressed
record. usage: hostile.py FILE.data PIPE.data OUT_DIR"""
import os
import struct
import sys


def fsec(d, off):
    return struct.unpack_from("<QQ", d, off)


def features(d):
    """(bit, offset, size) of each feature section."""
    data_off, data_size = fsec(d, 40)
    bits = struct.unpack_from("<4Q", d, 72)
    table, out, k = data_off + data_size, [], 0
    for f in range(256):
        if bits[f // 64] >> (f % 64) & 1:
            off, size = fsec(d, table + 16 * k)
            out.append((f, off, size))
            k += 1
    return out


def main():
    src, pipe, out = sys.argv[1], sys.argv[2], sys.argv[3]
    d = bytearray(open(src, "rb").read())
    p = bytearray(open(pipe, "rb").read())
    os.makedirs(out, exist_ok=True)
    w = lambda name, b: open(os.path.join(out, name), "wb").write(bytes(b))
    data_off, data_size = fsec(d, 40)
    attr_size = struct.unpack_from("<Q", d, 16)[0]
    attrs_off, attrs_size = fsec(d, 24)

    for frac in (1, 8, 50, 104, 200):
        w(f"truncated-at-{frac}", d[:frac])
    for pct in (10, 50, 90, 99):
        w(f"truncated-{pct}pct", d[:len(d) * pct // 100])
    b = bytearray(d); struct.pack_into("<Q", b, 48, 1 << 62); w("data-size-huge", b)
    b = bytearray(d); struct.pack_into("<Q", b, 40, len(d) + 8); w("data-offset-past-end", b)
    b = bytearray(d); struct.pack_into("<Q", b, 16, 0); w("attr-size-zero", b)
    b = bytearray(d); struct.pack_into("<Q", b, 32, 1 << 40); w("attrs-size-huge", b)
    ids = attrs_off + attr_size - 16
    b = bytearray(d); struct.pack_into("<QQ", b, ids, 8, 1 << 61); w("ids-size-huge", b)
    b = bytearray(d); struct.pack_into("<H", b, data_off + 6, 0); w("record-size-zero", b)
    b = bytearray(d); struct.pack_into("<H", b, data_off + 6, 65535); w("record-size-past-end", b)
    b = bytearray(d); struct.pack_into("<H", b, data_off + 6, 5); w("record-size-odd", b)
    table = data_off + data_size
    b = bytearray(d); struct.pack_into("<Q", b, table + 8, 1 << 60); w("feature-size-huge", b)
    for f, off, size in features(d):
        if f == 12 and size >= 8:  # EVENT_DESC: nr events, attr size
            b = bytearray(d); struct.pack_into("<I", b, off, 0xffffffff); w("event-desc-count-huge", b)
            b = bytearray(d); struct.pack_into("<I", b, off + 4, 0xffffffff); w("event-desc-attr-size-huge", b)
        if f == 11 and size >= 4:  # CMDLINE: nr strings
            b = bytearray(d); struct.pack_into("<I", b, off, 0xffffffff); w("cmdline-count-huge", b)
        if f == 3 and size >= 4:  # HOSTNAME: string length
            b = bytearray(d); struct.pack_into("<I", b, off, 0xfffffff0); w("hostname-length-huge", b)
        if f == 2 and size >= 8:  # BUILD_ID: first record's size
            b = bytearray(d); struct.pack_into("<H", b, off + 6, 0xffff); w("build-id-size-huge", b)
    b = bytearray(d); b[0:8] = b"2ELIFREP"; w("other-endian", b)
    b = bytearray(d); b[0:8] = b"PERFFILE"; w("version-1", b)
    # A COMPRESSED record (perf record -z) first in the data.
    b = bytearray(d); struct.pack_into("<IHH", b, data_off, 81, 0, 16); w("compressed-record", b)
    # Pipe mode: truncated, a HEADER_ATTR with an attr size past its record,
    # an AUXTRACE record whose payload runs past the end.
    for pct in (5, 50, 95):
        w(f"pipe-truncated-{pct}pct", p[:len(p) * pct // 100])
    b = bytearray(p)
    if struct.unpack_from("<I", b, 16)[0] == 64:
        struct.pack_into("<I", b, 24 + 4, 60000); w("pipe-attr-size-past-record", b)
    b = bytearray(p[:16]) + struct.pack("<IHHQQQIII4x", 71, 0, 48, 1 << 40, 0, 0, 0, 0, 0)
    w("pipe-auxtrace-payload-past-end", b)
    w("pipe-no-attr", p[:16] + struct.pack("<IHH", 68, 0, 8))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes a gzip "memory bomb": a valid profile.proto whose samples are
empty apart from one value, so a few bytes of input become a pf_sample and
a value in memory; gzip shrinks the repetition about 1000 times.

Usage: memory-bomb.py OUT.pb.gz UNCOMPRESSED_BYTES
"""
import gzip
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pbwire import fb as field  # noqa: E402


def main():
    out, total = sys.argv[1], int(sys.argv[2])
    # sample_type {type: "samples" unit: "count"}; string_table; samples.
    head = field(1, b"\x08\x01\x10\x02")
    for s in (b"", b"samples", b"count"):
        head += field(6, s)
    sample = field(2, b"\x10\x01")  # Sample{value: [1]}
    per_chunk = 1 << 16
    chunk = sample * per_chunk
    n = total // len(sample)
    with gzip.open(out, "wb", compresslevel=9) as f:
        f.write(head)
        while n > 0:
            k = min(n, per_chunk)
            f.write(chunk if k == per_chunk else sample * k)
            n -= k


if __name__ == "__main__":
    main()

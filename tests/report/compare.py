#!/usr/bin/env python3
"""Compares a kiln report with go tool pprof's on the same input.

usage: compare.py KILN_OUT PPROF_OUT [LABEL]

Only whitespace is normalised: runs of spaces and tabs become one space and
line ends are stripped, because column padding is not what the conformance
test is about. Everything else must match exactly, in the same order: the
header lines, every row's values and percentages, node names. The tolerance
on values is zero.
"""
import difflib
import re
import sys


def norm(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [re.sub(r"[ \t]+", " ", line).strip() for line in f.read().splitlines()]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    k, p = norm(sys.argv[1]), norm(sys.argv[2])
    label = sys.argv[3] if len(sys.argv) > 3 else ""
    if k == p:
        return 0
    print("MISMATCH %s" % label)
    for line in difflib.unified_diff(p, k, "go tool pprof", "kiln report", lineterm="", n=2):
        print(line)
    return 1


if __name__ == "__main__":
    sys.exit(main())

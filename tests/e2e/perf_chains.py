#!/usr/bin/env python3
"""Reads `perf script -F ip,sym` output on stdin (one block of frames per
sample, leaf first, blank line between) and prints, like chains.py, the
share of samples with leaf LEAF that contain CHAIN as an ordered
subsequence ("<matching> <total> <share%>"), then the most common stack
restricted to the chain's functions on a second line."""
import sys


def samples(lines):
    frames = []
    for line in lines:
        line = line.strip()
        if not line:
            if frames:
                yield frames
            frames = []
            continue
        parts = line.split(None, 1)
        sym = parts[1] if len(parts) > 1 else "[unknown]"
        sym = sym.split("+0x")[0].split(" (")[0].strip()
        frames.append(sym)
    if frames:
        yield frames


def contains(frames, chain):
    it = iter(frames)
    return all(any(f == c for f in it) for c in chain)


def main():
    leaf, chain = sys.argv[1], sys.argv[2].split(",")
    total = match = 0
    stacks = {}
    for frames in samples(sys.stdin):
        if frames[0] != leaf:
            continue
        total += 1
        key = tuple(f for f in frames if f in chain)
        stacks[key] = stacks.get(key, 0) + 1
        if contains(frames, chain):
            match += 1
    print(f"{match} {total} {100.0 * match / total if total else 0:.1f}")
    if stacks:
        print(",".join(max(stacks.items(), key=lambda kv: kv[1])[0]))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reads `pprof -traces -sample_index=samples` output on stdin and reports,
for the samples whose leaf frame is LEAF, the share that contain CHAIN
(comma-separated, leaf first) as an ordered subsequence of their frames.
With --consecutive the chain must appear as adjacent frames.
Prints: "<matching> <total> <share%>" and, with -v, the most common stack."""
import sys


def traces(lines):
    value, frames = None, []
    for line in lines:
        if line.startswith("-----------+"):
            if value is not None:
                yield value, frames
            value, frames = None, []
            continue
        if value is None:
            parts = line.split(None, 1)
            if len(parts) == 2 and parts[0].isdigit():
                value, frames = int(parts[0]), [parts[1].strip()]
            continue
        name = line.strip()
        if name and ":" not in name.split()[0]:
            frames.append(name)
    if value is not None:
        yield value, frames


def clean(frame):
    return frame.replace(" (inline)", "").strip()


def contains(frames, chain, consecutive):
    if consecutive:
        n = len(chain)
        return any(frames[i:i + n] == chain for i in range(len(frames) - n + 1))
    it = iter(frames)
    return all(any(f == c for f in it) for c in chain)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    consecutive = "--consecutive" in sys.argv
    leaf, chain = args[0], args[1].split(",")
    total = match = 0
    stacks = {}
    for value, frames in traces(sys.stdin):
        frames = [clean(f) for f in frames]
        if not frames or frames[0] != leaf:
            continue
        total += value
        stacks[tuple(frames)] = stacks.get(tuple(frames), 0) + value
        if contains(frames, chain, consecutive):
            match += value
    share = 100.0 * match / total if total else 0.0
    print(f"{match} {total} {share:.1f}")
    if "-v" in sys.argv and stacks:
        top = max(stacks.items(), key=lambda kv: kv[1])
        print("most common: " + ";".join(top[0]), file=sys.stderr)


if __name__ == "__main__":
    main()

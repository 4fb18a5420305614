#!/usr/bin/env python3
"""Compares kiln stat -I output with perf stat's for the same command, in a
way that holds at any machine load.

usage: intervals.py FORMAT STEP MIN_GROUPS PERF_OUT KILN_OUT [--widths]
  FORMAT      table, csv (-x,) or json (-j)
  STEP        the interval in seconds (-I 100 -> 0.1)
  MIN_GROUPS  fewest interval blocks kiln may print for this run

How many intervals a run spans, and which of them find the command running
(counted) or asleep (<not counted>), depends on the load, so the two tools'
lines cannot be compared one for one. What is compared instead:
  * kiln's output on its own: every interval line is complete (JSON: one
    object per line, with a counter value), each block holds the same
    events in the same order, timestamps increase, block k (all but the
    last, partial one) ends no earlier than k * STEP, and the number of
    blocks is at least MIN_GROUPS and at most what the last timestamp
    allows;
  * against perf: the header lines, the events of a block, and the kinds
    of blocks (each block's lines normalised as stat-layout.sh does:
    numbers -> N, rates -> /sec, runs of spaces -> one) are the same; with
    --widths, every line of kiln has a length perf gives the same kind of
    line (the columns).
Exits 1 with the reasons on stdout.
"""
import json
import re
import sys

NOT = ("<not counted>", "<not supported>")


def norm(line):
    line = re.sub(r"  \( \+- +[0-9.]+% \)", "", line, count=1)
    line = re.sub(r"[0-9][0-9.,]*", "N", line)
    line = re.sub(r"[KMG]/sec", "/sec", line, count=1)
    line = re.sub(r" +", " ", line)
    return line.rstrip(" ")


def parse_line(fmt, line):
    """(timestamp text, count text, event) of an interval line, else None."""
    if fmt == "json":
        if not line.startswith("{"):
            return None
        obj = json.loads(line)  # a broken line raises: reported by the caller
        return str(obj["interval"]), str(obj["counter-value"]), obj["event"]
    if fmt == "csv":
        f = line.split(",")
        if len(f) < 4 or not re.fullmatch(r" *[0-9]+\.[0-9]+", f[0]):
            return None
        return f[0].strip(), f[1], f[3]
    m = re.match(r"^ *([0-9]+\.[0-9]+) +(<not counted>|<not supported>|[0-9][0-9.,]*) +(.*)$", line)
    if not m:
        return None
    # "msec task-clock  # 0.008 CPUs utilized": the event ends the part
    # before the metric.
    names = m.group(3).split("#")[0].split()
    return m.group(1), m.group(2), names[-1] if names else ""


def parse(fmt, path, problems, who):
    """Returns (other lines, blocks); a block is (timestamp, [(line, count, event)])."""
    other, blocks = [], []
    for n, line in enumerate(open(path, encoding="utf-8", errors="replace").read().splitlines(), 1):
        try:
            p = parse_line(fmt, line)
        except (ValueError, KeyError) as e:
            problems.append("%s line %d is not a complete JSON interval line (%s): %s" % (who, n, e, line))
            continue
        if p is None:
            if line.strip():
                other.append(line)
            continue
        ts, count, event = p
        if not blocks or blocks[-1][0] != ts:
            blocks.append((ts, []))
        blocks[-1][1].append((line, count, event))
    return other, blocks


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    fmt, step, min_groups = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    widths = "--widths" in sys.argv[6:]
    problems = []
    p_other, p_blocks = parse(fmt, sys.argv[4], problems, "perf")
    k_other, k_blocks = parse(fmt, sys.argv[5], problems, "kiln")

    if not p_blocks:
        problems.append("perf printed no interval lines: nothing to compare")
    if not k_blocks:
        problems.append("kiln printed no interval lines")
    if problems:
        print("\n".join(problems))
        return 1

    # kiln on its own.
    events = [e for _, _, e in k_blocks[0][1]]
    prev = -1.0
    for i, (ts, lines) in enumerate(k_blocks, 1):
        t = float(ts)
        if [e for _, _, e in lines] != events:
            problems.append("block %d at %s has events %s, block 1 %s" %
                            (i, ts, [e for _, _, e in lines], events))
        for line, count, _ in lines:
            if count not in NOT and not re.fullmatch(r"[0-9][0-9.,]*", count):
                problems.append("no count in: " + line)
        if t <= prev:
            problems.append("timestamp %s does not advance past %s" % (ts, prev))
        # Interval i ends at t0 + i * STEP at the earliest; only the last
        # block (the command's exit) may come sooner.
        if i < len(k_blocks) and t < i * step - 1e-6:
            problems.append("block %d ended early, at %s s" % (i, ts))
        prev = t
    last = float(k_blocks[-1][0])
    if len(k_blocks) < min_groups:
        problems.append("%d interval blocks, expected at least %d" % (len(k_blocks), min_groups))
    if len(k_blocks) - 1 > last / step + 1e-6:
        problems.append("%d full intervals of %g s before %s s" % (len(k_blocks) - 1, step, last))

    # Against perf.
    p_events = [e for _, _, e in p_blocks[0][1]]
    if events != p_events:
        problems.append("events of a block: kiln %s, perf %s" % (events, p_events))

    def dedup(lines):
        seen, out = set(), []
        for x in lines:
            if x not in seen:
                seen.add(x)
                out.append(x)
        return out

    ko, po = dedup(norm(x) for x in k_other), dedup(norm(x) for x in p_other)
    if ko != po:
        problems.append("other lines differ:\n  perf %s\n  kiln %s" % (po, ko))

    # The kinds of lines (an event counted, or <not counted>), not of
    # whole blocks: which events were counted together in one interval
    # depends on when the workload ran (perf once printed task-clock
    # counted beside page-faults <not counted> on a loaded machine).
    def kinds(blocks):
        return {norm(line) for _, lines in blocks for line, _, _ in lines}

    kk, pk = kinds(k_blocks), kinds(p_blocks)
    for k in sorted(pk - kk):
        problems.append("a kind of line only perf printed:\n    " + k)
    for k in sorted(kk - pk):
        problems.append("a kind of line only kiln printed:\n    " + k)

    if widths:
        def lengths(other, blocks):
            out = {}
            for line in other + [x for _, lines in blocks for x, _, _ in lines]:
                out.setdefault(norm(line), set()).add(len(line))
            return out

        kl, pl = lengths(k_other, k_blocks), lengths(p_other, p_blocks)
        for shape, ls in sorted(kl.items()):
            if not ls <= pl.get(shape, set()):
                problems.append("line widths %s for '%s', perf's %s" %
                                (sorted(ls), shape, sorted(pl.get(shape, set()))))

    if problems:
        print("\n".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Compares kiln's reading of a perf.data with perf's own.

usage:
  compare.py report PERF_REPORT.txt KILN_REPORT.txt [ALIAS_BUDGET]
      perf report --stdio --no-children -g none vs kiln report --stdio:
      the same sample count, and every (command, object, symbol) row
      present in both within 0.1 percentage points; rows met by only one
      side (aliases: _IO_setb / __GI__IO_setb) may hold at most
      ALIAS_BUDGET% (default 5) of the samples, and each object's total
      share must agree within 0.15 points.
  compare.py script PERF_SCRIPT.txt KILN_SCRIPT.txt BINARY
      perf script -F comm,pid,tid,time,ip,sym,dso vs kiln script with the
      same fields: the same events in the same order, the same comm, pid,
      tid and time, and the same leaf symbol wherever the leaf is in BINARY.
  compare.py counts RAW.txt INDEX
      prints how many samples (value 0) have a non-zero value INDEX in
      go tool pprof -raw output.
"""
import re
import sys


def norm(sym):
    """A symbol modulo the naming perf and kiln differ on."""
    if re.fullmatch(r"0x[0-9a-f]+", sym):
        return "[unknown]"  # perf: file offset, kiln: address
    sym = re.sub(r"\(.*\)( const)?$", "", sym)  # perf drops C++ parameters
    # GCC clones and symbol versions: perf keeps the suffix, kiln not
    sym = re.sub(r"(\.(constprop|isra|part|cold|lto_priv)(\.\d+)?)+$", "", sym)
    return re.sub(r"@+GLIBC_[\d.]+$", "", sym)


def perf_rows(path):
    rows, samples, section = {}, None, 0
    for line in open(path, encoding="utf-8", errors="replace"):
        line = re.sub(r"\[JIT\] tid \d+", "anon", line)  # a perf map's JIT code
        m = re.match(r"# Samples: (\d+\w?)", line)
        if m:
            section += 1
            if section > 1:
                break
            samples = m.group(1)
            continue
        m = re.match(r"\s+([\d.]+)%\s+(\S+)\s+(\S+)\s+\[(.)\]\s+(.*?)\s*$", line)
        if m:
            sym = norm(m.group(5))
            key = (m.group(2), m.group(3), sym)
            rows[key] = rows.get(key, 0.0) + float(m.group(1))
    return samples, rows


def report(perf, kiln, budget="5"):
    ps, pr = perf_rows(perf)
    ks, kr = perf_rows(kiln)
    bad = []
    if ps != ks:
        bad.append(f"samples: perf {ps}, kiln {ks}")
    only = 0.0
    for k in set(pr) | set(kr):
        if k in pr and k in kr:
            if abs(pr[k] - kr[k]) > 0.1 + 1e-9:
                bad.append(f"{k}: perf {pr[k]:.2f}%, kiln {kr[k]:.2f}%")
        else:
            only += pr.get(k, 0) + kr.get(k, 0)
    if only > float(budget):
        bad.append(f"rows named by one side only hold {only:.2f}% (aliases?)")
        for side, rows, other in (("perf", pr, kr), ("kiln", kr, pr)):
            top = sorted((v, k) for k, v in rows.items() if k not in other)[::-1][:8]
            bad.extend(f"  {side} only: {v:.2f}% {k}" for v, k in top)
    dso = lambda rows: {d: sum(v for (c, dd, s), v in rows.items() if dd == d)
                        for d in {k[1] for k in rows}}
    pd, kd = dso(pr), dso(kr)
    for d in set(pd) | set(kd):
        if abs(pd.get(d, 0) - kd.get(d, 0)) > 0.15 + 1e-9:
            bad.append(f"object {d}: perf {pd.get(d, 0):.2f}%, kiln {kd.get(d, 0):.2f}%")
    if not pr:
        bad.append("perf report shows no rows")
    return bad, f"{len(pr)} perf rows, {len(kr)} kiln rows, {ps} samples"


HEAD = re.compile(r"^\s*(.+?)\s+(\d+)/(\d+)\s+(\d+\.\d+):")
FRAME = re.compile(r"^\s+([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$")


def events(path):
    out = []
    for line in open(path, encoding="utf-8", errors="replace"):
        m = HEAD.match(line)
        if m:
            out.append([m.group(1), m.group(2), m.group(3), m.group(4), None])
            continue
        m = FRAME.match(line)
        if m and out and out[-1][4] is None:
            sym = norm(re.sub(r"\+0x[0-9a-f]+$", "", m.group(2)))
            out[-1][4] = (sym, m.group(3))
    return out


def script(perf, kiln, binary):
    pe, ke = events(perf), events(kiln)
    bad = []
    # Samples of the same microsecond (other CPUs) may come in either order.
    pe.sort(key=lambda e: (e[3], [str(x) for x in e]))
    ke.sort(key=lambda e: (e[3], [str(x) for x in e]))
    if len(pe) != len(ke):
        bad.append(f"events: perf {len(pe)}, kiln {len(ke)}")
    for i, (p, k) in enumerate(zip(pe, ke)):
        if p[:4] != k[:4]:
            bad.append(f"event {i}: perf {p[:4]}, kiln {k[:4]}")
        elif p[4] and k[4] and p[4][1].endswith(binary) and p[4][0] != k[4][0]:
            bad.append(f"event {i} at {p[3]}: perf leaf {p[4][0]}, kiln {k[4][0]}")
        if len(bad) > 10:
            break
    if not pe:
        bad.append("perf script shows no events")
    return bad, f"{len(pe)} events"


def counts(raw, index):
    n, on = 0, False
    for line in open(raw, encoding="utf-8"):
        if line.startswith("Samples:"):
            on = True
            continue
        if on and line.startswith(("Locations", "Mappings")):
            break
        m = re.match(r"^\s+(-?\d+(?:\s+-?\d+)*):", line)
        if on and m:
            v = [int(x) for x in m.group(1).split()]
            if len(v) > index and v[index]:
                n += v[0]
    print(n)
    return [], None


TP = re.compile(r"^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+(\d+)\.(\d+):\s+(\S+): (.*)$")


def trace(perf_script, raw, fields):
    """perf script's tracepoint lines vs go tool pprof -raw's samples of
    kiln's event profile: the same events in order, with the same tid,
    cpu, time (microseconds) and the given fields."""
    pe = []
    for line in open(perf_script, encoding="utf-8", errors="replace"):
        m = TP.match(line)
        if not m:
            continue
        # sched_switch prints key=value, syscalls "key: 0xhex"
        kv = dict(re.findall(r"(\w+)=(\S+)", m.group(7)))
        kv.update((k, str(int(v, 16))) for k, v in re.findall(r"(\w+): (0x[0-9a-f]+)", m.group(7)))
        pe.append([m.group(2), m.group(3).lstrip("0") or "0",
                   str(int(m.group(4)) * 1000000 + int(m.group(5)))] + [kv.get(f) for f in fields])
    ke, on = [], False
    for line in open(raw, encoding="utf-8"):
        if line.startswith("Samples:"):
            on = True
            continue
        if on and line.startswith(("Locations", "Mappings")):
            break
        if not on:
            continue
        m = re.match(r"^\s+(-?\d+)(\s+-?\d+)*:", line)
        if m:
            # pprof merges samples alike in every label: two events of the
            # same nanosecond print as one sample of count 2.
            ke.append({"_n": int(m.group(1))})
        elif ke:
            for k, v in re.findall(r"(\w+):\[([^\]]*)\]", line):
                ke[-1][k] = v.split(" ")[0]
    # pprof drops numeric labels of 0 without a unit: build writes pid and tid so.
    kr = [[k.get("tid", "0"), k.get("cpu"), str(int(k.get("time", "0")) // 1000)] +
          [k.get(f) for f in fields] for k in ke for _ in range(max(k["_n"], 1))]
    bad = []
    times = [int(k[2]) for k in kr]
    if times != sorted(times):
        bad.append("kiln's events are not in time order")
    # Events of the same microsecond (other CPUs) may come in either order.
    pe.sort(key=lambda e: (int(e[2]), [str(x) for x in e]))
    kr.sort(key=lambda e: (int(e[2]), [str(x) for x in e]))
    if len(pe) != len(kr):
        bad.append(f"events: perf script {len(pe)}, kiln {len(kr)}")
    for i, (p, k) in enumerate(zip(pe, kr)):
        if p != k:
            bad.append(f"event {i}: perf {p}, kiln {k}")
        if len(bad) > 10:
            break
    if not pe:
        bad.append("perf script shows no tracepoint events")
    return bad, f"{len(pe)} events"


def main():
    mode = sys.argv[1]
    if mode == "trace":
        bad, summary = trace(sys.argv[2], sys.argv[3], sys.argv[4].split(","))
        for b in bad:
            print("mismatch:", b, file=sys.stderr)
        if bad:
            sys.exit(1)
        print("ok:", summary)
        return
    if mode == "counts":
        counts(sys.argv[2], int(sys.argv[3]))
        return
    bad, summary = report(*sys.argv[2:5]) if mode == "report" else script(*sys.argv[2:5])
    for b in bad:
        print("mismatch:", b, file=sys.stderr)
    if bad:
        sys.exit(1)
    print("ok:", summary)


if __name__ == "__main__":
    main()

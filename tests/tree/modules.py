#!/usr/bin/env python3
"""The house keeps its shape: src/README.md's module table names exactly
the folders of src/, and every `#include "../X/..."` in src/Y/ follows an
arrow of the table (Y uses X). usage: modules.py SRC_DIR"""
import os
import re
import sys


def table(readme):
    mods = {}
    for line in open(readme, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("module", "---") or not line.startswith("|"):
            continue
        uses = cells[2]
        mods[cells[0]] = uses
    return mods


def main():
    src = sys.argv[1]
    mods = table(os.path.join(src, "README.md"))
    folders = {d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d))}
    bad = []
    for d in sorted(folders - set(mods)):
        bad.append(f"src/{d}/ is not in src/README.md's module table")
    for m in sorted(set(mods) - folders):
        bad.append(f"src/README.md names module '{m}', but src/{m}/ does not exist")
    inc = re.compile(r'#include\s+"\.\./([a-z]+)/')
    for m in sorted(folders & set(mods)):
        uses = mods[m]
        allowed = set(folders) - {"runtime"} if uses.startswith("every module") else \
            {u.strip() for u in uses.split(",") if u.strip()}
        for root, _, files in os.walk(os.path.join(src, m)):
            for f in files:
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(root, f)
                for n, line in enumerate(open(path, encoding="utf-8", errors="replace"), 1):
                    x = inc.search(line)
                    if x and x.group(1) != m and x.group(1) not in allowed:
                        bad.append(f"{os.path.relpath(path, src)}:{n}: {m} includes {x.group(1)}, "
                                   f"which src/README.md does not let it use")
    for b in bad:
        print(b, file=sys.stderr)
    if bad:
        sys.exit(1)
    print(f"ok: {len(folders)} modules, arrows respected")


if __name__ == "__main__":
    main()

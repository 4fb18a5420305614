#!/usr/bin/env python3
"""Reads one build's meson testlog.json and prints its verdict.

Usage: testlog.py LABEL TESTLOG_JSON [--strict]

Prints every skipped test by name with the reason it printed ("SKIP: ..."),
every failed test by name, and last a line "P F S" (passed, failed,
skipped) for scripts/test.sh to add up. A log with no test in it counts as
one failure: a run that tested nothing must not look green.

With --strict (CI=true), a skip counts as a failure unless the test said the
machine lacks something ("SKIP: machine lacks ..."): on CI, scripts/setup.sh
installs every other prerequisite, so any other skip hides a broken setup or
a broken kiln.
"""
import json
import sys

OK = {"OK", "EXPECTEDFAIL"}
SKIP = "SKIP"


def skip_reason(out):
    for line in out.splitlines():
        if line.startswith("SKIP:"):
            return line[len("SKIP:"):].strip()
    return None


def main():
    label, path = sys.argv[1], sys.argv[2]
    strict = "--strict" in sys.argv[3:]
    passed = failed = skipped = 0
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError as e:
        print(f"  {label}: no test log ({e.strerror}): counted as a failure")
        print(0, 1, 0)
        return
    for line in lines:
        if not line.strip():
            continue
        r = json.loads(line)
        name, result = r.get("name", "?"), r.get("result", "")
        out = (r.get("stdout") or "") + "\n" + (r.get("stderr") or "")
        if result in OK:
            passed += 1
        elif result == SKIP:
            why = skip_reason(out)
            lacks = why is not None and why.startswith("machine lacks")
            if strict and not lacks:
                failed += 1
                print(f"  FAIL {label}: {name}: skipped under CI=true, where setup "
                      f"installs every prerequisite: {why or 'no reason printed'}")
            else:
                skipped += 1
                print(f"  skip {label}: {name}: {why or 'no reason printed'}")
        else:
            failed += 1
            print(f"  FAIL {label}: {name}: {result}")
    if passed + failed + skipped == 0:
        print(f"  FAIL {label}: no test ran")
        failed = 1
    print(passed, failed, skipped)


if __name__ == "__main__":
    main()

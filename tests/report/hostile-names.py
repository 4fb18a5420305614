#!/usr/bin/env python3
"""Terminal injection: writes a profile whose names hold escape sequences,
newlines and invalid UTF-8, and checks kiln's text outputs for them.

  hostile-names.py make OUT.pb.gz [BASE.pb.gz]
      OUT: functions, files, a mapping, labels and a comment with hostile
      bytes; BASE (for kiln diff): the same stacks, other values.
  hostile-names.py check FILE [EXPECT...]
      FILE must hold no control byte but newline (and tab with --tabs),
      no DEL, no C1 control and only valid UTF-8; each EXPECT (a Python
      bytes literal body, e.g. 'evil\\\\x1b') must occur in it.
"""
import gzip
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pbwire import fb, fv, packed  # noqa: E402

# Each hostile string, and what kiln must print for it instead.
HOSTILE = {
    "evil": (b"evil\x1b]0;pwned\x07\x1b[2J", rb"evil\x1b]0;pwned\x07\x1b[2J"),
    "forge": (b"forge\n  999s 99.99% main", rb"forge\x0a  999s 99.99% main"),
    "utf8": (b"bad\xff\xfe\xc3(utf8", rb"bad\xff\xfe\xc3(utf8"),
    "c1": (b"c1\xc2\x9b31m", rb"c1\xc2\x9b31m"),
    "del": (b"del\x7f\x08x", rb"del\x7f\x08x"),
    "tab": (b"tab\there", rb"tab\x09here"),
    # a source line: its tab is layout and stays
    "source": (b"src\x1b[31m\tred", b"src\\x1b[31m\tred"),
    "file": (b"/src/\x1b[31mred.c", rb"/src/\x1b[31mred.c"),
    "map": (b"/bin/\x1b[1mbold", rb"/bin/\x1b[1mbold"),
    "comm": (b"\x1b[5mcomm", rb"\x1b[5mcomm"),
    "key": (b"thread\nname", rb"thread\x0aname"),
    "comment": (b"note\x1b[8mhidden", rb"note\x1b[8mhidden"),
    "type": (b"cpu\x1b[7m", rb"cpu\x1b[7m"),
}
# Valid UTF-8 passes unchanged.
FINE = "caf\u00e9_\u65e5\u672c_ok".encode()


def make(out, scale):
    strings = [b""]

    def s(x):
        if x not in strings:
            strings.append(x)
        return strings.index(x)

    msg = b""
    msg += fb(1, fv(1, s(HOSTILE["type"][0])) + fv(2, s(b"nanoseconds")))
    msg += fb(1, fv(1, s(b"samples")) + fv(2, s(b"count")))
    names = [HOSTILE[k][0] for k in ("evil", "forge", "utf8", "c1", "del", "tab")] + [FINE, b"main"]
    # functions 1..n, one location each (line 10+i), in one mapping
    # The first three in a file with a hostile name, the others in
    # hostile-src.c (written next to OUT), whose lines hold escapes.
    for i, n in enumerate(names, 1):
        file = HOSTILE["file"][0] if i <= 3 else b"hostile-src.c"
        msg += fb(5, fv(1, i) + fv(2, s(n)) + fv(3, s(n)) + fv(4, s(file)) + fv(5, 1))
    for i in range(1, len(names) + 1):
        line = fb(4, fv(1, i) + fv(2, 10 + i))
        msg += fb(4, fv(1, i) + fv(2, 1) + fv(3, 0x1000 + 16 * i) + line)
    msg += fb(3, fv(1, 1) + fv(2, 0x1000) + fv(3, 0x9000) + fv(5, s(HOSTILE["map"][0])) + fv(7, 1))
    # One sample per hostile leaf, all under main; labels on each.
    labels = fb(3, fv(1, s(b"comm")) + fv(2, s(HOSTILE["comm"][0])))
    labels += fb(3, fv(1, s(HOSTILE["key"][0])) + fv(2, s(HOSTILE["evil"][0])))
    for leaf in range(1, len(names)):
        v = (leaf * 1000000 * scale, leaf)
        msg += fb(2, packed(1, [leaf, len(names)]) + packed(2, v) + labels)
    msg += fv(13, s(HOSTILE["comment"][0]))
    body = b"".join(fb(6, x) for x in strings) + msg
    with gzip.open(out, "wb") as f:
        f.write(body)
    with open(os.path.join(os.path.dirname(out) or ".", "hostile-src.c"), "wb") as f:
        for n in range(1, 30):
            f.write(b"\tline %d " % n + HOSTILE["source"][0] + b"\n")


def check(path, expects):
    data = open(path, "rb").read()
    bad = []
    for i, c in enumerate(data):
        if (c < 0x20 and c not in (0x09, 0x0A)) or c == 0x7F:
            bad.append(i)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        sys.exit(f"{path}: not valid UTF-8 at byte {e.start}: {data[max(0, e.start - 20):e.start + 20]!r}")
    c1 = [i for i, ch in enumerate(text) if 0x80 <= ord(ch) <= 0x9F]
    if bad or c1:
        at = bad[0] if bad else c1[0]
        sys.exit(f"{path}: raw control byte in the output near {data[max(0, at - 30):at + 30]!r}")
    for want in expects:
        if want not in data:
            sys.exit(f"{path}: expected {want!r} in the output")
    for line in data.split(b"\n"):
        if line.lstrip().startswith(b"999s 99.99% main"):
            sys.exit(f"{path}: a newline in a name forged a row: {line!r}")


def main():
    if sys.argv[1] == "make":
        make(sys.argv[2], 1)
        if len(sys.argv) > 3:
            make(sys.argv[3], 2)
    elif sys.argv[1] == "check":
        args = sys.argv[2:]
        check(args[0], [HOSTILE[k][1] if k in HOSTILE else FINE if k == "fine" else k.encode()
                        for k in args[1:]])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Load for kiln web's denial-of-service tests (tests/web/slowloris.sh,
flood.sh), on 127.0.0.1 only, bounded in count and time.

  dos.py slowloris PORT N READY_FILE MAX_WAIT
      opens N connections that send half a request and then nothing,
      touches READY_FILE once all are open, and waits up to MAX_WAIT
      seconds for the server to close them (its idle timeout). Prints
      "closed C of N after S s"; exits 1 unless all were closed.
  dos.py flood PORT N TOKEN
      sends N complete requests at once, one connection each, and prints
      how many got each status; "reset", "eof" and "timeout" count the
      requests that got no HTTP answer. Exits 1 if any got none, or any
      status other than 200 or 503.
"""
import asyncio
import collections
import socket
import sys
import time


def slowloris(port, n, ready, max_wait):
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1")
        socks.append(s)
    open(ready, "w").close()
    t0 = time.monotonic()
    closed = 0
    for s in socks:
        left = max_wait - (time.monotonic() - t0)
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data = s.recv(4096)
            # closed (b"") or an error answer (408): the server let go
            closed += 1
        except socket.timeout:
            break
        except OSError:
            closed += 1
    for s in socks:
        s.close()
    print("closed %d of %d after %.0f s" % (closed, n, time.monotonic() - t0))
    return 0 if closed == n else 1


async def one(port, req, tally):
    try:
        r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 60)
    except (ConnectionResetError, ConnectionRefusedError):
        tally["reset"] += 1
        return
    except asyncio.TimeoutError:
        tally["timeout"] += 1
        return
    try:
        w.write(req)
        await w.drain()
        data = await asyncio.wait_for(r.read(), 120)
        if data.startswith(b"HTTP/1."):
            tally[data.split(b" ", 2)[1].decode()] += 1
        else:
            tally["eof"] += 1
    except (ConnectionResetError, BrokenPipeError):
        tally["reset"] += 1
    except asyncio.TimeoutError:
        tally["timeout"] += 1
    finally:
        w.close()


async def flood_all(port, n, token):
    req = ("GET /api/meta?token=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
           "Connection: close\r\n\r\n" % (token, port)).encode()
    tally = collections.Counter()
    await asyncio.gather(*(one(port, req, tally) for _ in range(n)))
    return tally


def flood(port, n, token):
    tally = asyncio.run(flood_all(port, n, token))
    print(" ".join("%s=%d" % kv for kv in sorted(tally.items())))
    bad = sum(v for k, v in tally.items() if k not in ("200", "503"))
    return 0 if bad == 0 and sum(tally.values()) == n and tally["200"] > 0 else 1


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "slowloris":
        sys.exit(slowloris(int(a[2]), int(a[3]), a[4], float(a[5])))
    if a[1] == "flood":
        sys.exit(flood(int(a[2]), int(a[3]), a[4]))
    sys.exit(2)

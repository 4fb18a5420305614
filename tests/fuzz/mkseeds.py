#!/usr/bin/env python3
"""Writes the seeds of the text-fed fuzz targets into tests/fuzz/seeds/:
procmaps (maps and comm files of processes running here), events (event
strings with this machine's sysfs PMUs and tracefs format files, and the
fake trees of tests/events), rx (patterns as pprof users write them) and
rthttp (requests as go tool pprof sends them) and jitdump (jitdump files:
small ones made here, and the head of one node --perf-prof writes). Not run by the tests; run
it again to refresh the seeds:  python3 tests/fuzz/mkseeds.py
The binary-fed targets have their own makers: mkseed-unwind.c and
mkseed-records.c."""
import os
import re
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(HERE, 'seeds')
EVENTS_TESTS = os.path.join(HERE, '..', 'events')
SYSFS = '/sys/bus/event_source/devices'
TRACEFS = '/sys/kernel/tracing'


def write(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)
    print(os.path.join(d, name), len(data))


def read(path):
    with open(path, 'rb') as f:
        return f.read()


# ---- procmaps: maps, NUL, then one comm file per thread ----------------

def proc_seed(pid, max_lines=80):
    maps = read('/proc/%d/maps' % pid).splitlines(keepends=True)[:max_lines]
    parts = [b''.join(maps)]
    tids = sorted(int(t) for t in os.listdir('/proc/%d/task' % pid))[:8]
    for tid in tids:
        parts.append(read('/proc/%d/task/%d/comm' % (pid, tid)))
    return b'\0'.join(parts)


def procmaps():
    # A short-lived single-threaded process, and this machine's init.
    p = subprocess.Popen(['sleep', '5'])
    time.sleep(0.2)
    write('procmaps', 'sleep', proc_seed(p.pid))
    p.kill()
    # A threaded process with named threads (python and its libraries).
    code = ('import threading, time, ctypes\n'
            'libc = ctypes.CDLL(None)\n'
            'def run(n):\n'
            '    libc.prctl(15, n.encode(), 0, 0, 0)\n'
            '    time.sleep(5)\n'
            'for n in ("io-worker", "gc thread", "x"):\n'
            '    threading.Thread(target=run, args=(n,), daemon=True).start()\n'
            'time.sleep(5)\n')
    p = subprocess.Popen([sys.executable, '-c', code])
    time.sleep(0.5)
    write('procmaps', 'threads', proc_seed(p.pid, 60))
    p.kill()
    # Kernel-made names kiln must survive: deleted files, memfd, names with
    # spaces, anonymous and special mappings, a line without a newline.
    write('procmaps', 'odd-names', b'\0'.join([
        b'555555554000-555555556000 r--p 00000000 fe:01 1311 /usr/bin/app\n'
        b'555555556000-55555555a000 r-xp 00002000 fe:01 1311 /usr/bin/app\n'
        b'7f1c00000000-7f1c00021000 rw-p 00000000 00:00 0 \n'
        b'7f1c2a000000-7f1c2a100000 r-xp 00000000 00:01 2048 /memfd:jit-code (deleted)\n'
        b'7f1c2b000000-7f1c2b010000 r-xp 00010000 fe:01 99 /opt/my app/lib x.so\n'
        b'7f1c2c000000-7f1c2c001000 r-xp 00000000 fe:01 98 /usr/lib/old.so (deleted)\n'
        b'7ffd1e5c0000-7ffd1e5e1000 rw-p 00000000 00:00 0                          [stack]\n'
        b'7ffd1e5f0000-7ffd1e5f2000 r-xp 00000000 00:00 0                          [vdso]\n'
        b'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]',
        b'app\n', b'worker-1\n', b'\n']))


# ---- events: flags byte, the event string, NUL-separated directives ----

def events_seed(flags, spec, directives):
    return bytes([flags]) + b'\0'.join([spec.encode()] + directives)


def pmu_directives(root, pmus):
    """P/T/F/E directives for the named PMUs of a sysfs devices folder."""
    out = []
    for pmu in pmus:
        d = os.path.join(root, pmu)
        if not os.path.isdir(d):
            continue
        out.append(b'P' + pmu.encode())
        if os.path.exists(os.path.join(d, 'type')):
            out.append(b'T' + read(os.path.join(d, 'type')))
        for kind, sub in ((b'F', 'format'), (b'E', 'events')):
            sd = os.path.join(d, sub)
            if os.path.isdir(sd):
                for name in sorted(os.listdir(sd)):
                    out.append(kind + name.encode() + b'=' + read(os.path.join(sd, name)))
    return out


def tracepoint_directives(events, formats=2):
    """Ids of the events, and the format files of the first `formats`
    (kiln reads only the ids today; the formats keep the trees real)."""
    out = []
    for i, ev in enumerate(events):
        d = os.path.join(TRACEFS, 'events', ev)
        out.append(b'I' + ev.encode() + b'=' + read(os.path.join(d, 'id')))
        if i < formats:
            out.append(b'R' + ev.encode() + b'=' + read(os.path.join(d, 'format')))
    return out


def events():
    fake = os.path.join(EVENTS_TESTS, 'fake-sysfs', 'bus', 'event_source', 'devices')
    fake_pmus = sorted(os.listdir(fake))
    fake_dirs = pmu_directives(fake, fake_pmus)
    tps = ['sched/sched_switch', 'sched/sched_wakeup', 'syscalls/sys_enter_write',
           'syscalls/sys_exit_write', 'irq/irq_handler_entry', 'kmem/kmalloc']
    tps = [t for t in tps if os.path.exists(os.path.join(TRACEFS, 'events', t, 'format'))]
    tp_dirs = tracepoint_directives(tps)
    here = pmu_directives(SYSFS, sorted(os.listdir(SYSFS)))
    write('events', 'symbols-and-cache',
          events_seed(0, 'cycles:u,instructions:k,L1-dcache-load-misses,'
                      'branch-misses:ppp,task-clock', []))
    write('events', 'groups-and-modifiers',
          events_seed(0, '{cycles,instructions}:S,{cache-misses:u,r1a8}:D', []))
    write('events', 'pmu-terms',
          events_seed(0, 'cpu/event=0x3c,umask=0x1,cmask=2,inv,edge,name=mine/u,'
                      'cpu/split=0x1f,ldlat=3,period=100000/,cpu/mem-loads,ldlat=10/pp',
                      fake_dirs))
    write('events', 'pmu-aliases',
          events_seed(2, 'cas_count_read,power/energy-pkg/,msr/tsc/,'
                      'cpu/needs-umask,umask=0x2/', fake_dirs))
    write('events', 'tool-events',
          events_seed(1, 'duration_time,user_time,system_time,cpu-clock/freq=99/', []))
    write('events', 'tracepoints',
          events_seed(2, ','.join(t.replace('/', ':') for t in tps) + ',sched:*,sys*:sys_e*',
                      tp_dirs))
    write('events', 'breakpoints',
          events_seed(0, 'mem:0x1000/8:rw,mem:0x401000:x,mem:4096/4:w', []))
    write('events', 'this-machine',
          events_seed(2, 'msr/tsc/,msr/event=0x4/,uprobe/retprobe/,software/config=3/',
                      here + tp_dirs[:3]))


# ---- rx: flags byte (1 = full match), pattern, NUL, subjects ------------

RX = [
    (0, r'main\.', ['main.main', 'runtime.main']),
    (0, r'^runtime\.(mallocgc|newobject)$', ['runtime.mallocgc']),
    (0, r'(?i)HTTP.*Handler', ['net/http.HandlerFunc.ServeHTTP']),
    (0, r'std::vector<.*>::push_back', ['std::vector<int>::push_back']),
    (1, r'runtime\..*|__libc_.*|_start', ['runtime.goexit', '_start']),
    (0, r'\bfoo\d+\b', ['foo123 bar']),
    (0, r'[\w.]+\(\*?[A-Z]\w*\)\.[A-Z]\w*', ['pkg.(*Type).Method']),
    (0, r'(?:alloc|free)_[a-z]+', ['free_pages']),
    (0, r'^\Qgo\E|[^a-z0-9_]$', ['go?']),
    (0, r'\A[a-f0-9]{8,16}\z', ['deadbeef']),
    (0, r'lib(c|m|pthread)\.so\.[0-9]+', ['libc.so.6']),
    (0, r'x*?y+?z??w{2,5}?', ['xyzww']),
    (0, r'[[:alpha:]][^\]\\-]+', ['a-b']),
    (0, r'\pL+|\p{Greek}', ['λ']),
    (0, r'(?P<name>fn)_\1', ['fn_fn']),
]


def rx():
    for i, (flags, pat, subjects) in enumerate(RX):
        data = bytes([flags]) + b'\0'.join([pat.encode()] + [s.encode() for s in subjects])
        write('rx', 'pattern-%02d' % i, data)


# ---- rthttp: query string, NUL, POST body --------------------------------

RTHTTP = [
    ('profile', b'seconds=30', b''),
    ('heap-debug', b'debug=1&gc=1', b''),
    ('delta', b'seconds=5&debug=0', b''),
    ('escaped', b'seconds=%33%30&debug=%2B1&x=%zz&&=', b''),
    ('symbol', b'', b'0x401136+0x7f3a1c2b4e10+0x4011a0'),
    ('symbol-mixed', b'', b'0x0+4198710+0X10 0x401136++0xffffffffffffffff+junk'),
    ('symbol-many', b'', b'+'.join(b'0x%x' % (0x400000 + 17 * i) for i in range(200))),
]


def rthttp():
    for name, query, body in RTHTTP:
        write('rthttp', name, query + b'\0' + body)


def jd_header(pid=4242):
    # magic, version, header size, EM_X86_64, pad, pid, timestamp, flags
    return struct.pack('<IIIIIIQQ', 0x4A695444, 1, 40, 62, 0, pid, 1, 0)


def jd_record(rid, body, ts=2):
    return struct.pack('<IIQ', rid, 16 + len(body), ts) + body


def jd_load(addr, code, name, index=0, pid=4242):
    return jd_record(0, struct.pack('<IIQQQQ', pid, pid, addr, addr, len(code), index) +
                     name + b'\0' + code)


def jd_debug(addr, entries):
    body = struct.pack('<QQ', addr, len(entries))
    for off, line, fname in entries:
        body += struct.pack('<QII', addr + off, line, 0) + fname + b'\0'
    return jd_record(2, body)


def jd_move(old, new, size, pid=4242):
    return jd_record(1, struct.pack('<IIQQQQQ', pid, pid, new, old, new, size, 0))


def jitdump():
    code = bytes([0x55, 0x48, 0x89, 0xe5, 0x90, 0x90, 0x5d, 0xc3]) * 4
    base = 0x7f0000001000
    full = (jd_header() +
            jd_debug(base, [(0, 3, b'app.js'), (8, 4, b'\xff'), (16, 7, b'lib/x.js')]) +
            jd_load(base, code, b'JS:*hot app.js:3:1') +
            jd_load(base + 0x100, code, b'JS:~cold app.js:9:1', 1) +
            jd_move(base + 0x100, base + 0x400, len(code)) +
            jd_load(base, code[:8], b'JS:*reused app.js:12:1', 2) +
            jd_record(4, struct.pack('<QQQ', 8, 0, 8) + bytes(8)) +
            jd_record(3, b''))
    write('jitdump', 'loads-moves-debug', full)
    # cut inside the last load (the unwinding and close records are 64 bytes)
    write('jitdump', 'truncated', full[:len(full) - 69])
    write('jitdump', 'header-only', jd_header())
    # The head of a real dump: node's first records (builtins, bootstrap).
    tmp = os.path.join('/tmp', 'kiln-mkseeds-jit')
    os.makedirs(tmp, exist_ok=True)
    try:
        subprocess.run(['node', '--perf-prof', '-e', 'function f(n){let s=0;'
                        'for(let i=0;i<n;i++)s+=i;return s} for(let i=0;i<2e3;i++)f(1e4)'],
                       cwd=tmp, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        print('jitdump: no node seed:', e, file=sys.stderr)
        return
    for f in os.listdir(tmp):
        path = os.path.join(tmp, f)
        if f.startswith('jit-') and f.endswith('.dump'):
            d = read(path)
            off, end = 40, 40
            while off + 16 <= len(d) and off < 6000:
                size = struct.unpack_from('<I', d, off + 4)[0]
                if size < 16:
                    break
                off += size
                end = off if off <= 8000 else end
            write('jitdump', 'node-head', d[:end])
        os.unlink(path)


def main():
    which = sys.argv[1:] or ['procmaps', 'events', 'rx', 'rthttp', 'jitdump']
    for w in which:
        globals()[w]()


if __name__ == '__main__':
    main()

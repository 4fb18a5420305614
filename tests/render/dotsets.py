#!/usr/bin/env python3
"""Prints the node and edge sets of a pprof-style DOT graph, one per line,
so two graphs (kiln's and go tool pprof's) can be compared with diff:
  node <label with flat and cum>
  edge <src label first line> -> <dst label first line> <edge label>
Node ids differ between tools only by order, so edges use names."""
import re
import sys

node_re = re.compile(r'^(N\d+) \[label="((?:[^"\\]|\\.)*)"')
edge_re = re.compile(r'^(N\d+) -> (N\d+) \[label="((?:[^"\\]|\\.)*)"')

names = {}
out = []
for line in open(sys.argv[1], encoding='utf-8', errors='replace'):
    m = edge_re.match(line)
    if m:
        out.append(('edge', m.group(1), m.group(2), m.group(3)))
        continue
    m = node_re.match(line)
    if m:
        names[m.group(1)] = m.group(2).split('\\n')[0]
        out.append(('node', m.group(2)))
res = []
for o in out:
    if o[0] == 'node':
        res.append('node ' + o[1])
    else:
        res.append('edge %s -> %s %s' % (names.get(o[1], o[1]), names.get(o[2], o[2]), o[3]))
for r in sorted(res):
    print(r)

#!/usr/bin/python3
"""coverage.py CAPTURE: ground truth for gap checks — per TCP connection and direction, the payload
bytes between the first and the last byte seen that no captured segment covers (sequence space,
unwrapped). Compare with callscope's flow gapBytes (inspect.ts)."""
import sys
from scapy.all import PcapReader, TCP, IP, IPv6
conns = {}
for p in PcapReader(sys.argv[1]):
    if TCP not in p: continue
    ip = p[IP] if IP in p else p[IPv6]
    t = p[TCP]
    key = (ip.src, t.sport, ip.dst, t.dport)
    c = conns.setdefault(key, {'base': None, 'ranges': []})
    n = len(bytes(t.payload))
    seq = t.seq + (1 if t.flags & 2 else 0)
    if c['base'] is None: c['base'] = seq
    off = (seq - c['base']) % 2**32
    if off > 2**31: off -= 2**32
    if n: c['ranges'].append((off, off + n))
for k, c in conns.items():
    r = sorted(c['ranges'])
    if not r: continue
    hole, end = 0, r[0][0]
    for a, b in r:
        if a > end: hole += a - end
        end = max(end, b)
    print(f'{k[0]}:{k[1]} -> {k[2]}:{k[3]}  first={r[0][0]} end={end} holes={hole}')

#!/usr/bin/python3
"""pcapng.py IN_V4.pcap IN_V6.pcap OUT.pcapng: a hand-built pcapng (draft-ietf-opsawg-pcapng) with
three interfaces of different link types and time settings, and blocks readers must skip:
  IDB 0 Ethernet, if_tsresol 9 (ns);  IDB 1 Linux SLL, if_tsresol 0x83 (2^-3 s… no: 1/8 s units);
  IDB 2 raw IP (101), default µs resolution, if_tsoffset +1000 s;
  plus opt_comment on the SHB/IDB/EPBs, a Custom Block (0x00000BAD, 0x40000BAD), a Decryption
  Secrets Block (0x0000000A), a Name Resolution Block, an Interface Statistics Block, a block of an
  unknown type (0x12345678), and a second section (SHB) that re-declares its interface.
The IPv4 conversation is split: even frames on IDB 0 (Ethernet), odd frames on IDB 1 (SLL); the
IPv6 one on IDB 2 (raw)."""
import struct, sys
from scapy.all import rdpcap, raw, Ether, IP

def opt(code, val):
    pad = (-len(val)) % 4
    return struct.pack('<HH', code, len(val)) + val + b'\0' * pad

def end_opts(*opts):
    return b''.join(opts) + (struct.pack('<HH', 0, 0) if opts else b'')

def block(t, body):
    body += b'\0' * ((-len(body)) % 4)
    n = len(body) + 12
    return struct.pack('<II', t, n) + body + struct.pack('<I', n)

def shb(comment):
    return block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1) + end_opts(opt(1, comment), opt(4, b'craft')))

def idb(lt, *opts):
    return block(1, struct.pack('<HHI', lt, 0, 0) + end_opts(*opts))

def epb(iface, ts_units, data, orig=None, comment=None):
    hi, lo = ts_units >> 32, ts_units & 0xffffffff
    body = struct.pack('<IIIII', iface, hi, lo, len(data), orig or len(data)) + data + b'\0' * ((-len(data)) % 4)
    return block(6, body + end_opts(*([opt(1, comment)] if comment else [])))

v4 = rdpcap(sys.argv[1]); v6 = rdpcap(sys.argv[2])
out = [shb(b'section one'),
       idb(1, opt(9, b'\x09'), opt(2, b'eth0'), opt(1, b'ns resolution')),
       idb(113, opt(9, b'\x83')),  # 2^-3 s units
       idb(101, opt(14, struct.pack('<q', 1000)))]
out.append(block(0x00000BAD, struct.pack('<I', 32473) + b'custom data'))
out.append(block(0x40000BAD, struct.pack('<I', 32473) + b'do not copy'))
out.append(block(0x0000000A, struct.pack('<II', 0x544c534b, 4) + b'KEY\n'))  # DSB, TLS key log
out.append(block(4, struct.pack('<HH', 1, 12) + b'\x0a\x00\x00\x02s.test\0\0' + struct.pack('<HH', 0, 0)))  # NRB
out.append(block(0x12345678, b'unknown block type: skip me'))
events = []
for i, p in enumerate(v4):
    t = float(p.time)
    if i % 2 == 0:
        events.append((t, epb(0, int(round(t * 1e9)), raw(p), comment=b'frame %d' % i)))
    else:
        ip = raw(p)[14:]
        sll = struct.pack('>HHH8sH', 0, 1, 6, b'\x02\0\0\0\0\x01\0\0', 0x0800) + ip
        events.append((t, epb(1, int(t * 8), sll)))  # 1/8 s resolution: times rounded down
for p in v6:
    t = float(p.time) - 1000  # if_tsoffset adds it back
    events.append((float(p.time), epb(2, int(round(t * 1e6)), raw(p)[14:])))
events.sort(key=lambda e: e[0])
out += [e[1] for e in events]
out.append(block(5, struct.pack('<III', 0, 0, 0) + end_opts(opt(4, struct.pack('<Q', 10)))))  # ISB
# a second section: interface ids restart; one more IPv4 exchange on its own Ethernet interface
out.append(shb(b'section two'))
out.append(idb(1))
out.append(block(0x12345679, b'x' * 5))
open(sys.argv[3], 'wb').write(b''.join(out))

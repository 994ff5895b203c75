#!/usr/bin/python3
"""Wrap every packet of a plain IPv4 capture in the encapsulations callscope opens, one pcap each,
built by scapy (an implementation independent of callscope's): GRE (IPv4 payload; with key and
sequence), GRE transparent Ethernet, ERSPAN type II and III, VXLAN 4789, Geneve, MPLS (two labels),
PPPoE session, and Apple PKTAP (link type 258; written by hand: scapy has no PKTAP layer).

usage: tunnels.py IN.pcap OUTDIR      (IN: Ethernet or Linux cooked IPv4 frames)
Then: for f in OUTDIR/*.pcap; do callscope $f --format table | tail -1; done
and tshark -r OUTDIR/gre.pcap -Y http for tshark's view of the same bytes."""
import struct
import sys

from scapy.all import IP, UDP, Ether, GRE, PPPoE, PPP, rdpcap
from scapy.contrib.mpls import MPLS
from scapy.contrib.erspan import ERSPAN_II, ERSPAN_III
from scapy.contrib.geneve import GENEVE
from scapy.layers.vxlan import VXLAN
from scapy.utils import PcapWriter

src, out = sys.argv[1], sys.argv[2]
pkts = rdpcap(src)
inner = []
for p in pkts:
    ip = p.getlayer(IP)
    if ip is not None:
        inner.append((float(p.time), bytes(ip)))

outer = lambda: Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02') / IP(src='172.16.0.1', dst='172.16.0.2')
ieth = lambda b: Ether(src='0a:00:00:00:00:01', dst='0a:00:00:00:00:02') / IP(b)

kinds = {
    'gre': lambda b: outer() / GRE(proto=0x0800) / IP(b),
    'gre-key-seq': lambda b: outer() / GRE(proto=0x0800, key_present=1, key=42, seqnum_present=1, seqence_number=7) / IP(b),
    'gretap': lambda b: outer() / GRE(proto=0x6558, key_present=1, key=7) / ieth(b),
    'erspan2': lambda b: outer() / GRE(proto=0x88be, seqnum_present=1) / ERSPAN_II(session_id=5) / ieth(b),
    'erspan3': lambda b: outer() / GRE(proto=0x22eb, seqnum_present=1) / ERSPAN_III(session_id=5) / ieth(b),
    'vxlan': lambda b: outer() / UDP(sport=49152, dport=4789) / VXLAN(vni=42) / ieth(b),
    'geneve': lambda b: outer() / UDP(sport=49152, dport=6081) / GENEVE(vni=43, proto=0x6558) / ieth(b),
    'mpls': lambda b: Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02', type=0x8847) / MPLS(label=100, s=0) / MPLS(label=200, s=1) / IP(b),
    'pppoe': lambda b: Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02') / PPPoE(sessionid=1) / PPP(proto=0x0021) / IP(b),
}
for name, wrap in kinds.items():
    w = PcapWriter(f'{out}/{name}.pcap', linktype=1, sync=True)
    for t, b in inner:
        f = wrap(b)
        f.time = t
        w.write(f)
    w.close()

# PKTAP: pth_length 108, pth_type_next 1, pth_dlt 0 (DLT_NULL, as lo0 is), ifname "lo0",
# pid, comm; then the 4-byte address family of the loopback header (little-endian: a Mac).
with open(f'{out}/pktap.pcap', 'wb') as fh:
    fh.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 258))
    for t, b in inner:
        h = bytearray(108)
        struct.pack_into('<III', h, 0, 108, 1, 0)
        h[12:15] = b'lo0'
        struct.pack_into('<I', h, 52, 4242)
        h[56:60] = b'curl'
        rec = bytes(h) + struct.pack('<I', 2) + b
        fh.write(struct.pack('<IIII', int(t), int(round((t - int(t)) * 1e6)), len(rec), len(rec)))
        fh.write(rec)
print(f'{len(inner)} packets wrapped {len(kinds) + 1} ways in {out}')

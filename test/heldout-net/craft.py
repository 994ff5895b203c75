#!/usr/bin/python3
"""Adversarial-but-legal TCP/IP sequences and link layers, written as pcap/pcapng (scapy).

usage: python3 craft.py OUTDIR
Each capture carries HTTP/1.1 keep-alive exchanges on port 8080 (client 10.0.0.1:40000, server
10.0.0.2:8080) unless its name says otherwise; EXPECT.txt lists the calls each should give.
"""
import os, struct, sys
from scapy.all import (Ether, Dot1Q, Dot1AD, IP, IPv6, TCP, Raw, CookedLinux, wrpcap, PcapWriter,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, fragment, raw, Loopback, conf)

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
expect = []
C, S, CP, SP = '10.0.0.1', '10.0.0.2', 40000, 8080

def req(i, extra=b''):
    return b'GET /r%d HTTP/1.1\r\nHost: s\r\n%s\r\n' % (i, extra)

def resp(i, body=None):
    body = body if body is not None else b'body-%d' % i
    return b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s' % (len(body), body)

class Conv:
    """A TCP conversation: tracks seq numbers, produces IP packets with timestamps."""
    def __init__(self, cisn=1000, sisn=5000, c=C, s=S, cp=CP, sp=SP, v6=False, t0=1700000000.0):
        self.c, self.s, self.cp, self.sp, self.v6 = c, s, cp, sp, v6
        self.cseq, self.sseq = cisn, sisn
        self.t = t0
        self.pkts = []
    def ip(self, src, dst):
        return IPv6(src=src, dst=dst) if self.v6 else IP(src=src, dst=dst)
    def mk(self, fromc, flags, seq, ack, data=b'', **kw):
        src, dst = (self.c, self.s) if fromc else (self.s, self.c)
        sp, dp = (self.cp, self.sp) if fromc else (self.sp, self.cp)
        p = self.ip(src, dst) / TCP(sport=sp, dport=dp, flags=flags, seq=seq % 2**32, ack=ack % 2**32, window=65535, **kw)
        if data: p = p / Raw(data)
        return p
    def emit(self, p, dt=0.001):
        self.t += dt
        p.time = self.t
        self.pkts.append(p)
        return p
    def handshake(self, syn_data=b''):
        self.emit(self.mk(True, 'S', self.cseq, 0, syn_data))
        self.cseq += 1 + len(syn_data)
        self.emit(self.mk(False, 'SA', self.sseq, self.cseq))
        self.sseq += 1
        self.emit(self.mk(True, 'A', self.cseq, self.sseq))
    def send(self, fromc, data, flags='PA', emit=True):
        if fromc:
            p = self.mk(True, flags, self.cseq, self.sseq, data); self.cseq += len(data) + ('F' in flags)
        else:
            p = self.mk(False, flags, self.sseq, self.cseq, data); self.sseq += len(data) + ('F' in flags)
        return self.emit(p) if emit else p
    def ack(self, fromc):
        return self.emit(self.mk(fromc, 'A', self.cseq if fromc else self.sseq, self.sseq if fromc else self.cseq))
    def exchange(self, i, **kw):
        self.send(True, req(i)); self.send(False, resp(i, **kw)); self.ack(True)
    def close(self):
        self.send(True, b'', 'FA'); self.send(False, b'', 'FA'); self.ack(True)

def save(name, pkts, linktype=None, calls='', note=''):
    path = os.path.join(out, name)
    if linktype is None:
        wrpcap(path, pkts)
    else:
        w = PcapWriter(path, linktype=linktype, sync=True)
        for p in pkts: w.write(p)
        w.close()
    expect.append(f'{name}: {calls}  {note}')

def eth(pkts):
    r = []
    for p in pkts:
        e = Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02') / p
        e.time = p.time; r.append(e)
    return r

# 1. sequence wraparound in both directions, 5 exchanges
cv = Conv(cisn=2**32 - 40, sisn=2**32 - 100); cv.handshake()
for i in range(5): cv.exchange(i)
cv.close(); save('wrap.pcap', eth(cv.pkts), calls='5 × GET /r0..4 200')

# 2. SYN retransmitted (same ISN), SYN-ACK retransmitted
cv = Conv(); p = cv.mk(True, 'S', cv.cseq, 0); cv.emit(p); cv.emit(p.copy(), 1.0)
cv.handshake.__func__  # noqa
cv.cseq += 1; q = cv.mk(False, 'SA', cv.sseq, cv.cseq); cv.emit(q); cv.emit(q.copy(), 0.2); cv.sseq += 1; cv.ack(True)
for i in range(2): cv.exchange(i)
cv.close(); save('synretx.pcap', eth(cv.pkts), calls='2 calls, handshake RTT ~1.2 s? (first SYN) ')

# 3. data in SYN (TCP Fast Open, RFC 7413)
cv = Conv(); cv.handshake(syn_data=req(0)); cv.send(False, resp(0)); cv.ack(True); cv.exchange(1); cv.close()
save('tfo.pcap', eth(cv.pkts), calls='2 calls /r0 /r1')

# 4. overlapping retransmission with different bytes
cv = Conv(); cv.handshake()
r = req(0, b'X-A: aaaaaaaaaa\r\n'); base = cv.cseq
cv.emit(cv.mk(True, 'PA', base, cv.sseq, r[:20]))
cv.emit(cv.mk(True, 'PA', base + 10, cv.sseq, r[10:20].upper() + r[20:]))  # overlaps 10 bytes, different case
cv.cseq += len(r); cv.send(False, resp(0)); cv.ack(True); cv.exchange(1); cv.close()
save('overlap-diff.pcap', eth(cv.pkts), calls='2 calls; /r0 target (first copy wins → "GET /r0 HTTP/1.1\\r\\nHo"…)')

# 5. a hole filled after later segments arrived (3 segments: 2, 3, 1), server side
cv = Conv(); cv.handshake(); cv.send(True, req(0))
body = b'x' * 3000; r = resp(0, body); b0 = cv.sseq
segs = [(0, 1000), (1000, 2000), (2000, len(r))]
for a, b in [segs[1], segs[2], segs[0]]:
    cv.emit(cv.mk(False, 'PA', b0 + a, cv.cseq, r[a:b]))
cv.sseq += len(r); cv.ack(True); cv.exchange(1); cv.close()
save('hole-fill.pcap', eth(cv.pkts), calls='2 calls, no gap')

# 5b. same, but the client's dup-ACKs (ack = hole start, SACK) arrive in between: must not declare a gap
cv = Conv(); cv.handshake(); cv.send(True, req(0)); r = resp(0, body); b0 = cv.sseq
cv.emit(cv.mk(False, 'PA', b0 + 1000, cv.cseq, r[1000:2000]))
cv.emit(cv.mk(True, 'A', cv.cseq, b0, options=[('SAck', ((b0 + 1000) % 2**32, (b0 + 2000) % 2**32))]))
cv.emit(cv.mk(False, 'PA', b0 + 2000, cv.cseq, r[2000:]))
cv.emit(cv.mk(True, 'A', cv.cseq, b0, options=[('SAck', ((b0 + 1000) % 2**32, (b0 + len(r)) % 2**32))]))
cv.emit(cv.mk(False, 'PA', b0, cv.cseq, r[:1000]))
cv.sseq += len(r); cv.ack(True); cv.exchange(1); cv.close()
save('hole-fill-sack.pcap', eth(cv.pkts), calls='2 calls, no gap')

# 5c. the receiver's ACK captured before the data it acknowledges (a SPAN/TAP port merging both
# directions, mergecap of two capture points): segment 2, the ACK of 1+2, then segment 1
cv = Conv(); cv.handshake(); cv.send(True, req(0)); r = resp(0, body); b0 = cv.sseq
cv.emit(cv.mk(False, 'PA', b0 + 1500, cv.cseq, r[1500:]))
cv.emit(cv.mk(True, 'A', cv.cseq, b0 + len(r)))
cv.emit(cv.mk(False, 'PA', b0, cv.cseq, r[:1500]))
cv.sseq += len(r); cv.exchange(1); cv.close()
save('ack-before-data.pcap', eth(cv.pkts), calls='2 calls, no gap (tshark: 2 responses)')

# 6. keep-alives (seq-1, 0 and 1 byte) and zero-window probes (1 byte of new data, later resent in full)
cv = Conv(); cv.handshake(); cv.exchange(0)
cv.emit(cv.mk(True, 'A', cv.cseq - 1, cv.sseq), 10)           # Linux keep-alive
cv.emit(cv.mk(True, 'A', cv.cseq - 1, cv.sseq, b'\x00'))        # BSD/Windows keep-alive with 1 garbage byte
cv.ack(False)
cv.send(True, req(1)); r = resp(1, b'y' * 100)
cv.emit(cv.mk(False, 'A', cv.sseq, cv.cseq, r[:1]))          # zero-window probe: 1 byte of new data
zw = cv.mk(True, 'A', cv.cseq, cv.sseq); zw[TCP].window = 0; cv.emit(zw)  # peer still at window 0: does not ack it
cv.emit(cv.mk(False, 'A', cv.sseq, cv.cseq, r[:1]), 0.5)     # probe again
cv.emit(cv.mk(False, 'PA', cv.sseq, cv.cseq, r), 0.5)        # window opened: the whole response
cv.sseq += len(r); cv.ack(True); cv.exchange(2); cv.close()
save('keepalive-zwp.pcap', eth(cv.pkts), calls='3 calls, no gap, no duplicate byte')

# 7. FIN with data (Connection: close response)
cv = Conv(); cv.handshake(); cv.send(True, req(0, b'Connection: close\r\n'))
cv.send(False, b'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nclose-delimited body', 'FPA'); cv.ack(True); cv.send(True, b'', 'FA'); cv.ack(False)
save('fin-data.pcap', eth(cv.pkts), calls='1 call, close-delimited body of 20 bytes')

# 8. RST mid-stream, then a new connection on the same ports (new ISN)
cv = Conv(); cv.handshake(); cv.exchange(0); cv.send(True, req(1)); cv.send(False, b'', 'R')
cv2 = Conv(cisn=900000, sisn=7000000, t0=cv.t + 1); cv2.handshake(); cv2.exchange(2); cv2.close()
save('rst-reuse.pcap', eth(cv.pkts + cv2.pkts), calls='3 calls: /r0 200, /r1 no response (reset), /r2 200 on a second flow')

# 8b. RST, then new connection on the same ports whose SYN was not captured
cv = Conv(); cv.handshake(); cv.exchange(0); cv.send(False, b'', 'R')
cv2 = Conv(cisn=900000, sisn=7000000, t0=cv.t + 1); cv2.handshake(); cv2.pkts = cv2.pkts[3:]; cv2.exchange(2); cv2.close()
save('rst-reuse-nosyn.pcap', eth(cv.pkts + cv2.pkts), calls='2 calls /r0 /r2')

# 9. mid-connection start: no SYN either way, capture starts between exchanges
cv = Conv(); cv.handshake(); cv.exchange(0); n = len(cv.pkts)
for i in range(1, 4): cv.exchange(i)
cv.close(); save('midstream.pcap', eth(cv.pkts[n:]), calls='3 calls /r1../r3')

# 9b. mid-connection start where the first two captured segments are reordered
cv = Conv(); cv.handshake(); n = len(cv.pkts)
r = req(1, b'X-Pad: ' + b'p' * 50 + b'\r\n'); b0 = cv.cseq
cv.emit(cv.mk(True, 'PA', b0 + 30, cv.sseq, r[30:])); cv.emit(cv.mk(True, 'PA', b0, cv.sseq, r[:30]))
cv.cseq += len(r); cv.send(False, resp(1)); cv.ack(True); cv.exchange(2); cv.close()
save('midstream-reorder.pcap', eth(cv.pkts[n:]), calls='2 calls /r1 /r2 (tshark sees both; first 30 bytes arrive second)')

# 10. every packet twice (as -i any on lo sometimes shows)
cv = Conv(); cv.handshake()
for i in range(3): cv.exchange(i)
cv.close(); d = []
for p in cv.pkts:
    q = p.copy(); q.time = p.time + 0.000001; d += [p, q]
save('dup.pcap', eth(d), calls='3 calls, no gap, bytes per direction = once')

# 11. timestamps going backwards (a few packets 2 s earlier than the previous one)
cv = Conv(); cv.handshake()
for i in range(3): cv.exchange(i)
cv.close()
for k in (5, 9): cv.pkts[k].time -= 2
save('ts-back.pcap', eth(cv.pkts), calls='3 calls; no negative durations')

# 12. TCP options (MSS, WS, SACK-permitted, timestamps, SACK) and bad checksums everywhere (offload)
cv = Conv(); opts = [('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 0)), ('WScale', 7)]
cv.emit(cv.mk(True, 'S', cv.cseq, 0, options=opts)); cv.cseq += 1
cv.emit(cv.mk(False, 'SA', cv.sseq, cv.cseq, options=opts)); cv.sseq += 1
for i in range(3):
    cv.emit(cv.mk(True, 'PA', cv.cseq, cv.sseq, req(i), options=[('NOP', None), ('NOP', None), ('Timestamp', (i + 2, 1))])); cv.cseq += len(req(i))
    cv.emit(cv.mk(False, 'PA', cv.sseq, cv.cseq, resp(i), options=[('NOP', None), ('NOP', None), ('Timestamp', (i + 2, 1))])); cv.sseq += len(resp(i))
cv.close()
bad = []
for p in eth(cv.pkts):
    p = Ether(raw(p)); p[TCP].chksum ^= 0x5a5a; p[IP].chksum ^= 0x1111; p.time = cv.pkts[len(bad)].time; bad.append(p)
save('options-badsum.pcap', bad, calls='3 calls')

# 13. IPv4 fragments of a TCP segment, out of order and overlapping (first copy wins)
cv = Conv(); cv.handshake(); cv.send(True, req(0)); r = resp(0, b'z' * 2000)
big = cv.send(False, r, emit=False); big[IP].id = 4242
frs = fragment(big, fragsize=600)
ov = frs[1].copy()  # an overlapping duplicate of fragment 1 with different bytes (should lose to the first copy)
ov[Raw].load = b'Q' * len(ov[Raw].load); del ov[IP].chksum
order = [frs[2], frs[0], ov, frs[1]] + frs[3:]  # fragment 1's "Q" copy arrives before the real one: first wins → Q
for f in order: cv.emit(f)
cv.ack(True); cv.exchange(1); cv.close()
save('ipfrag.pcap', eth(cv.pkts), calls='2 calls, /r0 body 2000 bytes (contains Q run: first copy wins, as Wireshark)')

# 14. IPv6 with hop-by-hop + destination options + fragment headers
cv = Conv(c='fd00::1', s='fd00::2', v6=True); cv.handshake(); cv.send(True, req(0)); r = resp(0, b'w' * 1800)
seg = cv.mk(False, 'PA', cv.sseq, cv.cseq, r); cv.sseq += len(r)
tcpbytes = raw(seg[TCP])
pl = raw(IPv6ExtHdrDestOpt(nh=6)) + tcpbytes  # dest opts before the transport header (fragmentable part)
parts, fs = [], 800
for off in range(0, len(pl), fs):
    chunk = pl[off:off + fs]; more = off + fs < len(pl)
    p = IPv6(src='fd00::2', dst='fd00::1') / IPv6ExtHdrHopByHop() / IPv6ExtHdrFragment(nh=60, offset=off // 8, m=int(more), id=77) / Raw(chunk)
    parts.append(p)
for p in reversed(parts): cv.emit(p)
cv.ack(True); cv.exchange(1); cv.close()
save('ipv6-ext.pcap', eth(cv.pkts), calls='2 calls, /r0 body 1800')

# 15. link layers, each carrying the same 2-exchange conversation (IPv4; IPv6 where noted)
cv = Conv(); cv.handshake(); cv.exchange(0); cv.exchange(1); cv.close(); base4 = cv.pkts
cv = Conv(c='fd00::1', s='fd00::2', v6=True); cv.handshake(); cv.exchange(0); cv.exchange(1); cv.close(); base6 = cv.pkts

def wrap(pkts, f):
    r = []
    for p in pkts:
        q = f(p); q.time = p.time; r.append(q)
    return r

def rawwrap(pkts, hdr):
    r = []
    for p in pkts:
        q = Raw(hdr(p) + raw(p)); q.time = p.time; r.append(q)
    return r

mac = dict(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')
save('link-vlan.pcap', wrap(base4, lambda p: Ether(**mac) / Dot1Q(vlan=10) / p), calls='2')
save('link-qinq.pcap', wrap(base4, lambda p: Ether(**mac) / Dot1AD(vlan=100) / Dot1Q(vlan=10) / p), calls='2')
save('link-qinq-v6.pcap', wrap(base6, lambda p: Ether(**mac) / Dot1AD(vlan=100) / Dot1Q(vlan=10) / p), calls='2')
save('link-fcs.pcap', rawwrap(base4, lambda p: b''), 1, calls='2')  # placeholder, replaced below
fcs = []
import zlib
for p in base4:
    b = raw(Ether(**mac) / p); b += struct.pack('<I', zlib.crc32(b) & 0xffffffff)
    q = Raw(b); q.time = p.time; fcs.append(q)
expect.pop(); save('link-fcs.pcap', fcs, 1, calls='2 (4-byte FCS after each frame)')
fcs6 = []
for p in base6:
    b = raw(Ether(**mac) / p); b += struct.pack('<I', zlib.crc32(b) & 0xffffffff)
    q = Raw(b); q.time = p.time; fcs6.append(q)
save('link-fcs-v6.pcap', fcs6, 1, calls='2 (IPv6, FCS)')
sll = lambda et: (lambda p: struct.pack('>HHH8sH', 0, 1, 6, b'\x02\0\0\0\0\x01\0\0', et))
save('link-sll.pcap', rawwrap(base4, sll(0x0800)), 113, calls='2')
save('link-sll-v6.pcap', rawwrap(base6, sll(0x86dd)), 113, calls='2')
save('link-sll-vlan.pcap', rawwrap(base4, lambda p: struct.pack('>HHH8sH', 0, 1, 6, b'\x02\0\0\0\0\x01\0\0', 0x8100) + struct.pack('>HH', 10, 0x0800)), 113, calls='2')
sll2 = lambda p: struct.pack('>HHIHBB8s', 0x0800 if p.haslayer(IP) else 0x86dd, 0, 1, 1, 0, 6, b'\x02\0\0\0\0\x01\0\0')
save('link-sll2.pcap', rawwrap(base4, sll2), 276, calls='2')
save('link-null-le.pcap', rawwrap(base4, lambda p: struct.pack('<I', 2)), 0, calls='2')
save('link-null-be.pcap', rawwrap(base4, lambda p: struct.pack('>I', 2)), 0, calls='2')
save('link-null-le-v6-30.pcap', rawwrap(base6, lambda p: struct.pack('<I', 30)), 0, calls='2 (macOS AF_INET6=30)')
save('link-null-le-v6-28.pcap', rawwrap(base6, lambda p: struct.pack('<I', 28)), 0, calls='2 (FreeBSD AF_INET6=28)')
save('link-null-be-v6-24.pcap', rawwrap(base6, lambda p: struct.pack('>I', 24)), 0, calls='2 (NetBSD/OpenBSD AF_INET6=24)')
save('link-loop.pcap', rawwrap(base4, lambda p: struct.pack('>I', 2)), 108, calls='2')
save('link-loop-v6.pcap', rawwrap(base6, lambda p: struct.pack('>I', 24)), 108, calls='2')
for lt in (101, 12, 14):
    save(f'link-raw{lt}.pcap', rawwrap(base4, lambda p: b''), lt, calls='2')
    save(f'link-raw{lt}-v6.pcap', rawwrap(base6, lambda p: b''), lt, calls='2')
save('link-ipv4.pcap', rawwrap(base4, lambda p: b''), 228, calls='2')
save('link-ipv6.pcap', rawwrap(base6, lambda p: b''), 229, calls='2')
# Ethernet frames padded to 60 bytes with garbage (short frames)
save('link-eth-pad.pcap', rawwrap(base4, lambda p: b''), 1, calls='2 (8 bytes of trailer after each IP packet)')
expect.pop()
save('link-eth-pad.pcap', [setattr(q, 'time', p.time) or q for p, q in ((p, Raw(raw(Ether(**mac) / p) + b'\xee' * 8)) for p in base4)], 1, calls='2 (8 bytes of trailer after each IP packet)')

with open(os.path.join(out, 'EXPECT.txt'), 'w') as f:
    f.write('\n'.join(expect) + '\n')
print('\n'.join(expect))

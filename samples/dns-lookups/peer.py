#!/usr/bin/env python3
"""Hand-made DNS peers for make.sh (standard library only, loopback only, bounded in time).

  peer.py upstream PORT SECONDS  a UDP "upstream" that dnsmasq forwards *.upstream.test to:
                                 ok.    -> CNAME + A, written with compression pointers (RFC 1035 4.1.4)
                                 fail.  -> SERVFAIL with an Extended DNS Error (RFC 8914)
                                 drop.  -> never answered
  peer.py client PORT            raw queries dig does not send: a TCP query whose 2-byte length goes
                                 out in its own segment, two queries pipelined in one write
                                 (RFC 7766 6.2.1), a 0x20 mixed-case UDP query, a UDP query
                                 with two questions, and one retransmitted unanswered
"""
import socket
import struct
import sys
import time


def wire_name(name):
    out = b''
    for label in name.rstrip('.').split('.'):
        out += bytes([len(label)]) + label.encode()
    return out + b'\0'


def query(qid, questions, rd=True, edns=True):
    flags = 0x0100 if rd else 0
    msg = struct.pack('>HHHHHH', qid, flags, len(questions), 0, 0, 1 if edns else 0)
    for name, qtype in questions:
        msg += wire_name(name) + struct.pack('>HH', qtype, 1)
    if edns:
        msg += b'\0' + struct.pack('>HHIH', 41, 1232, 0, 0)
    return msg


def question_end(msg):
    p = 12
    while msg[p]:
        p += 1 + msg[p]
    return p + 1 + 4


def upstream(port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', port))
    s.settimeout(0.5)
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            msg, peer = s.recvfrom(4096)
        except socket.timeout:
            continue
        if len(msg) < 17:
            continue
        qid = struct.unpack('>H', msg[:2])[0]
        qend = question_end(msg)
        question = msg[12:qend]
        qname = question[:-4]
        first = qname[1:1 + qname[0]].decode(errors='replace').lower()
        opt_edns = b'\0' + struct.pack('>HHIH', 41, 1232, 0, 0)
        if first == 'drop':
            continue
        if first == 'fail':
            text = b'upstream unreachable (sample)'
            ede = struct.pack('>HHH', 15, 2 + len(text), 22) + text
            opt = b'\0' + struct.pack('>HHIH', 41, 1232, 0, len(ede)) + ede
            resp = struct.pack('>HHHHHH', qid, 0x8182, 1, 0, 0, 1) + question + opt
        elif first == 'ok':
            # ok.upstream.test CNAME edge.upstream.test ; edge.upstream.test A 127.0.0.30
            # The owner of the first answer points at the question name (offset 12); the CNAME
            # target is "edge" + a pointer to "upstream.test" (offset 12 + 3); the second owner
            # points at the CNAME target inside the first answer's RDATA.
            cname_rdata = b'\x04edge' + struct.pack('>H', 0xC000 | 15)
            ans1 = struct.pack('>HHHIH', 0xC00C, 5, 1, 300, len(cname_rdata)) + cname_rdata
            target_at = 12 + len(question) + 12
            ans2 = struct.pack('>HHHIH', 0xC000 | target_at, 1, 1, 300, 4) + bytes([127, 0, 0, 30])
            resp = struct.pack('>HHHHHH', qid, 0x8180, 1, 2, 0, 1) + question + ans1 + ans2 + opt_edns
        else:
            resp = struct.pack('>HHHHHH', qid, 0x8183, 1, 0, 0, 1) + question + opt_edns
        s.sendto(resp, peer)


def read_tcp_messages(c, count):
    data = b''
    got = 0
    while got < count:
        while len(data) >= 2 and len(data) >= 2 + struct.unpack('>H', data[:2])[0]:
            data = data[2 + struct.unpack('>H', data[:2])[0]:]
            got += 1
        if got >= count:
            break
        chunk = c.recv(65536)
        if not chunk:
            break
        data += chunk
    return got


def client(port):
    # DNS over TCP: the length prefix alone in one segment, the message in the next.
    c = socket.create_connection(('127.0.0.1', port), timeout=5)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    q = query(0x5301, [('db.test', 1)])
    c.sendall(struct.pack('>H', len(q)))
    time.sleep(0.05)
    c.sendall(q)
    read_tcp_messages(c, 1)
    # Two queries pipelined in one write (RFC 7766 6.2.1.1: answers may come in any order).
    q1 = query(0x5302, [('api.test', 1)])
    q2 = query(0x5303, [('api.test', 28)])
    c.sendall(struct.pack('>H', len(q1)) + q1 + struct.pack('>H', len(q2)) + q2)
    read_tcp_messages(c, 2)
    c.close()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(2)
    # Mixed case ("0x20", draft-vixie-dnsext-dns0x20): the answer echoes the case it was asked in.
    u.sendto(query(0x5304, [('ApI.TeSt', 1)]), ('127.0.0.1', port))
    u.recvfrom(4096)
    # Two questions in one query: servers answer FORMERR, REFUSED or the first only.
    u.sendto(query(0x5305, [('api.test', 1), ('db.test', 1)]), ('127.0.0.1', port))
    u.recvfrom(4096)
    # A query nobody answers, sent three times from the same socket with the same ID, one second
    # apart, the way a stub resolver (glibc res_send) retries; dig uses a new socket per try.
    u.settimeout(1)
    q = query(0x5306, [('drop.upstream.test', 1)])
    for _ in range(3):
        u.sendto(q, ('127.0.0.1', port))
        try:
            u.recvfrom(4096)
            break
        except socket.timeout:
            pass
    u.close()


if __name__ == '__main__':
    if sys.argv[1] == 'upstream':
        upstream(int(sys.argv[2]), float(sys.argv[3]))
    elif sys.argv[1] == 'client':
        client(int(sys.argv[2]))
    else:
        sys.exit('usage: peer.py upstream PORT SECONDS | client PORT')

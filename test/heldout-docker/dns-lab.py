#!/usr/bin/env python3
"""A tiny DNS server and client over UDP (RFC 1035), standard library only.

  dns-lab.py serve ADDR PORT SECONDS        answers every A question with 10.99.9.N (N from the name's length)
  dns-lab.py query ADDR PORT SCENARIO NAME… one query per name (one socket each), a line per answer on stdout
"""
import random
import socket
import struct
import sys
import time


def qname(name):
    out = b''
    for label in name.strip('.').split('.'):
        out += bytes([len(label)]) + label.encode()
    return out + b'\0'


def serve(addr, port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    end = time.time() + seconds
    while time.time() < end:
        s.settimeout(max(0.1, end - time.time()))
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            break
        if len(data) < 12:
            continue
        qid, flags, qd = struct.unpack('!HHH', data[:6])
        # the question as asked (name, type, class)
        i = 12
        while i < len(data) and data[i] != 0:
            i += data[i] + 1
        question = data[12:i + 5]
        n = (i - 12) % 250 + 1
        answer = b'\xc0\x0c' + struct.pack('!HHIH', 1, 1, 60, 4) + bytes([10, 99, 9, n])
        s.sendto(struct.pack('!HHHHHH', qid, 0x8180, 1, 1, 0, 0) + question + answer, peer)


def query(addr, port, scenario, names):
    for name in names:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        qid = random.randrange(65536)
        s.sendto(struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0) + qname(name) + struct.pack('!HH', 1, 1), (addr, port))
        try:
            data, _ = s.recvfrom(2048)
            print('%s dns %s %d' % (scenario, name, struct.unpack('!H', data[2:4])[0] & 15), flush=True)
        except socket.timeout:
            print('%s dns %s timeout' % (scenario, name), flush=True)
        s.close()


if __name__ == '__main__':
    if sys.argv[1] == 'serve':
        serve(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        query(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:])

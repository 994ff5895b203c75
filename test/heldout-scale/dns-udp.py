# 100k DNS queries, each from a fresh UDP socket (random ephemeral source port), against a tiny UDP responder.
# python3 dns-udp.py N PORT [SRCS]  (SRCS client addresses 127.0.0.1..SRCS: more distinct flows than one address's ports)
import socket, struct, sys, threading, random
N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 25053
SRCS = int(sys.argv[3]) if len(sys.argv) > 3 else 1
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); srv.bind(('127.0.0.1', PORT))
def serve():
    while True:
        q, a = srv.recvfrom(2048)
        if q == b'stop': return
        # answer: same id and question, QR=1, one A record 10.0.0.1
        hdr = q[:2] + b'\x81\x80' + q[4:6] + b'\x00\x01\x00\x00\x00\x00'
        ans = b'\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x01'
        srv.sendto(hdr + q[12:] + ans, a)
t = threading.Thread(target=serve); t.start()
ok = 0
for i in range(N):
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.settimeout(1)
    c.bind((f'127.0.0.{1 + i % SRCS}', 0))
    qid = random.randrange(65536)
    name = b''.join(bytes([len(p)]) + p for p in f'h{i}.scale.test'.encode().split(b'.')) + b'\x00'
    c.sendto(struct.pack('>HHHHHH', qid, 0x0100, 1, 0, 0, 0) + name + b'\x00\x01\x00\x01', ('127.0.0.1', PORT))
    try:
        c.recvfrom(2048); ok += 1
    except socket.timeout:
        pass
    c.close()
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'stop', ('127.0.0.1', PORT)); t.join()
print(f'queries={N} answered={ok}', file=sys.stderr)

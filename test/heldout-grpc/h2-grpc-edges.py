#!/usr/bin/python3
"""h2-grpc-edges.py PORT: scripted h2c connections whose frames are written by hand (HPACK by
python3-hpack, Debian), for gRPC-over-HTTP/2 framing that real stacks make only by chance. Both
ends are sockets of this process: the client connects to a listener on 127.0.0.1:PORT, each side
writes its frames in turn, and the connection is closed. Bounded: every socket times out.

  split      a request message whose 5-byte prefix is split 2+3 over two DATA frames; a response
             DATA frame holding the tail of one message, a whole one and the head of a third
  contin     response trailers in HEADERS + CONTINUATION (grpc-status in the second fragment)
  maxid      a call on stream 2^31-1 (the largest stream id, RFC 9113 §5.1.1)
  unknown    an unknown frame type (0xbb, GREASE-like), unknown SETTINGS ids, PRIORITY_UPDATE (RFC
             9218, type 0x10) between frames of a call: ignored (RFC 9113 §4.1, §5.5)
  timeouts   grpc-timeout 99999999n and 1H (both units at the ends of PROTOCOL-HTTP2's range)
  nostatus   a response that ends (END_STREAM on an empty DATA) without grpc-status
  refused    response headers then RST_STREAM REFUSED_STREAM from the server (UNAVAILABLE)
  twostatus  trailers-only HEADERS then more trailers on a stream that already ended (ignored)
  bigmsg     a 70000-byte message over five DATA frames with WINDOW_UPDATEs between them
  malformed  header blocks RFC 9113 §8.2–8.3 calls malformed: an upper-case name, a pseudo-header
             after a regular one, a connection-specific header, `te: gzip`, a repeated :path
  codecs     compressed messages: grpc-encoding deflate as zlib (RFC 1950, what grpc C-core and
             grpc-go send) and as raw deflate (RFC 1951), snappy (not decodable here), and the
             compressed flag set with no grpc-encoding (a protocol error: INTERNAL for a client)
"""
import socket, struct, sys, time, zlib
import hpack

PORT = int(sys.argv[1])
PREFACE = b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'


def frame(t, flags, sid, payload=b''):
    return struct.pack('>I', len(payload))[1:] + bytes([t, flags]) + struct.pack('>I', sid & 0x7fffffff) + payload


def settings(pairs=(), ack=False):
    return frame(4, 1 if ack else 0, 0, b''.join(struct.pack('>HI', k, v) for k, v in pairs))


def lpm(body, flag=0):
    return bytes([flag]) + struct.pack('>I', len(body)) + body


def req_headers(enc, path, extra=()):
    return enc.encode([(':method', 'POST'), (':scheme', 'http'), (':path', path), (':authority', f'127.0.0.1:{PORT}'),
                       ('content-type', 'application/grpc'), ('te', 'trailers'), *extra])


def res_headers(enc, extra=()):
    return enc.encode([(':status', '200'), ('content-type', 'application/grpc'), *extra])


class Conn:
    def __init__(self, listener):
        self.c = socket.create_connection(('127.0.0.1', PORT), timeout=5)
        self.s, _ = listener.accept()
        self.s.settimeout(5)
        for k in (self.c, self.s):  # no Nagle: each write is its own segment, in script order
            k.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.ce, self.se = hpack.Encoder(), hpack.Encoder()
        self.cw(PREFACE + settings([(4, 1 << 20)]))
        self.sw(settings([(3, 100)]) + settings(ack=True))
        self.cw(settings(ack=True))

    def cw(self, b):
        self.c.sendall(b)
        time.sleep(0.01)

    def sw(self, b):
        self.s.sendall(b)
        time.sleep(0.01)

    def close(self):
        self.sw(frame(7, 0, 0, struct.pack('>II', 0, 0)))
        for k in (self.c, self.s):
            k.close()


def blob(note, data=b''):
    # heldout.r3.Blob: data = 1, note = 2
    out = b''
    if data:
        out += b'\x0a' + varint(len(data)) + data
    n = note.encode()
    return out + b'\x12' + varint(len(n)) + n


def varint(n):
    out = b''
    while n >= 0x80:
        out += bytes([(n & 0x7f) | 0x80])
        n >>= 7
    return out + bytes([n])


def case_split(k):
    m = lpm(blob('split prefix'))
    k.cw(frame(1, 4, 1, req_headers(k.ce, '/heldout.r3.Lab3/Both')))
    k.cw(frame(0, 0, 1, m[:2]))
    k.cw(frame(0, 0, 1, m[2:]))
    k.cw(frame(0, 1, 1, lpm(blob('second'))))
    ms = [lpm(blob(f'r{i}', bytes([i]) * 30)) for i in range(3)]
    k.sw(frame(1, 4, 1, res_headers(k.se)))
    k.sw(frame(0, 0, 1, ms[0][:20]))
    k.sw(frame(0, 0, 1, ms[0][20:] + ms[1] + ms[2][:3]))
    k.sw(frame(0, 0, 1, ms[2][3:]))
    k.sw(frame(1, 5, 1, k.se.encode([('grpc-status', '0')])))


def case_contin(k):
    k.cw(frame(1, 5, 1, req_headers(k.ce, '/heldout.r3.Lab3/Unary')))  # no message: END_STREAM on HEADERS
    k.sw(frame(1, 4, 1, res_headers(k.se)))
    k.sw(frame(0, 0, 1, lpm(blob('contin'))))
    block = k.se.encode([('x-pad', 'p' * 100), ('grpc-status', '5'), ('grpc-message', 'split%20trailers')])
    k.sw(frame(1, 1, 1, block[:60]))  # END_STREAM, no END_HEADERS
    k.sw(frame(9, 4, 1, block[60:]))  # CONTINUATION, END_HEADERS


def case_maxid(k):
    sid = 2 ** 31 - 1
    k.cw(frame(1, 4, sid, req_headers(k.ce, '/heldout.r3.Lab3/Unary')) + frame(0, 1, sid, lpm(blob('max id'))))
    k.sw(frame(1, 4, sid, res_headers(k.se)) + frame(0, 0, sid, lpm(blob('max id back'))))
    k.sw(frame(1, 5, sid, k.se.encode([('grpc-status', '0')])))


def case_unknown(k):
    k.cw(frame(0xbb, 0x55, 0, b'grease') + settings([(0x0a0a, 7), (0xfe03, 1), (0x8, 1), (0x9, 1)]))
    k.sw(settings(ack=True))
    k.cw(frame(1, 4, 1, req_headers(k.ce, '/heldout.r3.Lab3/Unary')))
    k.cw(frame(0x10, 0, 0, struct.pack('>I', 1) + b'u=1, i'))  # PRIORITY_UPDATE for stream 1
    k.cw(frame(0xbb, 0, 1, b'\x00' * 8))
    k.cw(frame(0, 1, 1, lpm(blob('unknown frames around'))))
    k.sw(frame(1, 4, 1, res_headers(k.se)) + frame(0xbc, 0, 1, b'x') + frame(0, 0, 1, lpm(blob('ok'))))
    k.sw(frame(1, 5, 1, k.se.encode([('grpc-status', '0')])))


def case_timeouts(k):
    for sid, to in ((1, '99999999n'), (3, '1H')):
        k.cw(frame(1, 4, sid, req_headers(k.ce, '/heldout.r3.Lab3/Unary', [('grpc-timeout', to)])) + frame(0, 1, sid, lpm(blob(to))))
        k.sw(frame(1, 5, sid, res_headers(k.se, [('grpc-status', '0')])))


def case_nostatus(k):
    k.cw(frame(1, 4, 1, req_headers(k.ce, '/heldout.r3.Lab3/Unary')) + frame(0, 1, 1, lpm(blob('no status'))))
    k.sw(frame(1, 4, 1, res_headers(k.se)) + frame(0, 0, 1, lpm(blob('answer'))) + frame(0, 1, 1))


def case_refused(k):
    k.cw(frame(1, 4, 1, req_headers(k.ce, '/heldout.r3.Lab3/Unary')) + frame(0, 1, 1, lpm(blob('refused'))))
    k.sw(frame(1, 4, 1, res_headers(k.se)) + frame(3, 0, 1, struct.pack('>I', 7)))


def case_twostatus(k):
    k.cw(frame(1, 4, 1, req_headers(k.ce, '/heldout.r3.Lab3/Unary')) + frame(0, 1, 1, lpm(blob('two'))))
    k.sw(frame(1, 5, 1, res_headers(k.se, [('grpc-status', '7'), ('grpc-message', 'first')])))
    k.sw(frame(1, 5, 1, k.se.encode([('grpc-status', '0')])))
    k.cw(frame(1, 5, 3, req_headers(k.ce, '/heldout.r3.Lab3/Unary')))
    k.sw(frame(1, 5, 3, res_headers(k.se, [('grpc-status', '0')])))


def case_bigmsg(k):
    m = lpm(blob('big', b'z' * 70000))
    k.cw(frame(1, 4, 1, req_headers(k.ce, '/heldout.r3.Lab3/Unary')) + frame(0, 1, 1, lpm(blob('give big'))))
    k.sw(frame(1, 4, 1, res_headers(k.se)))
    for i in range(0, len(m), 16384):
        k.sw(frame(0, 0, 1, m[i:i + 16384]))
        k.cw(frame(8, 0, 0, struct.pack('>I', 16384)) + frame(8, 0, 1, struct.pack('>I', 16384)))
    k.sw(frame(1, 5, 1, k.se.encode([('grpc-status', '0')])))


def case_malformed(k):
    blocks = [
        [(':method', 'POST'), (':scheme', 'http'), (':path', '/heldout.r3.Lab3/Unary'), ('Content-Type', 'application/grpc'), ('X-Upper', '1')],
        [(':method', 'POST'), ('content-type', 'application/grpc'), (':scheme', 'http'), (':path', '/heldout.r3.Lab3/Unary')],
        [(':method', 'POST'), (':scheme', 'http'), (':path', '/heldout.r3.Lab3/Unary'), ('content-type', 'application/grpc'), ('connection', 'keep-alive'), ('te', 'gzip')],
        [(':method', 'POST'), (':scheme', 'http'), (':path', '/heldout.r3.Lab3/Unary'), (':path', '/heldout.r3.Lab3/Other'), ('content-type', 'application/grpc')],
    ]
    for i, hs in enumerate(blocks):
        sid = 1 + 2 * i
        k.cw(frame(1, 4, sid, k.ce.encode(hs)) + frame(0, 1, sid, lpm(blob(f'malformed {i}'))))
        k.sw(frame(1, 5, sid, res_headers(k.se, [('grpc-status', '0')])))


def case_codecs(k):
    body = blob('compressed ' * 20)
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw_deflate = raw.compress(body) + raw.flush()
    cases = [('deflate', zlib.compress(body)), ('deflate', raw_deflate), ('snappy', b'\x00not really snappy'), (None, zlib.compress(body))]
    for i, (enc, data) in enumerate(cases):
        sid = 1 + 2 * i
        extra = [('grpc-encoding', enc)] if enc else []
        k.cw(frame(1, 4, sid, req_headers(k.ce, '/heldout.r3.Lab3/Unary', extra)) + frame(0, 1, sid, lpm(data, 1)))
        k.sw(frame(1, 4, sid, res_headers(k.se, extra)) + frame(0, 0, sid, lpm(data, 1)))
        k.sw(frame(1, 5, sid, k.se.encode([('grpc-status', '0')])))


def main():
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(('127.0.0.1', PORT))
    lst.listen(4)
    lst.settimeout(5)
    for name in ('split', 'contin', 'maxid', 'unknown', 'timeouts', 'nostatus', 'refused', 'twostatus', 'bigmsg', 'malformed', 'codecs'):
        k = Conn(lst)
        globals()['case_' + name](k)
        k.close()
        print(name, 'sent', flush=True)
        time.sleep(0.05)
    lst.close()


if __name__ == '__main__':
    main()

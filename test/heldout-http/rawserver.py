#!/usr/bin/env python3
"""A raw-socket HTTP/1.1 server that writes the edge cases of RFC 9112 byte for byte.

Usage: rawserver.py PORT [SECONDS]   (127.0.0.1 and ::1; exits after SECONDS, default 30)

Keep-alive and pipelining: every request in the buffer is answered in order. The path picks the
response (see ROUTES below); `?lf` answers with LF-only line endings.
"""
import gzip, json, socket, sys, threading, time, zlib

try:
    import brotli  # python3-brotli, optional
except ImportError:  # pragma: no cover
    brotli = None

PORT = int(sys.argv[1])
LIFE = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0


def msg(status, headers, body=b'', eol=b'\r\n'):
    out = b'HTTP/1.1 ' + status.encode() + eol
    for k, v in headers:
        out += k.encode() + b': ' + v.encode('latin1') + eol
    return out + eol + body


def respond(method, path, headers, body):
    """A list of byte strings to send (each with its own send()); 'close' after them closes."""
    base, _, query = path.partition('?')
    eol = b'\n' if 'lf' in query.split('&') else b'\r\n'
    js = json.dumps({'path': path, 'method': method, 'got': len(body), 'nested': {'a': [1, 2, {'b': None}]}}).encode()
    if base == '/json':
        return [msg('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(js)))], b'' if method == 'HEAD' else js, eol)]
    if base == '/chunked-trailers':
        # RFC 9112 §7.1.1 chunk extensions, §7.1.2 trailer section
        head = msg('200 OK', [('Content-Type', 'application/json'), ('Transfer-Encoding', 'chunked'), ('Trailer', 'X-Checksum, X-Count')], b'', eol)
        c1, c2 = js[:10], js[10:]
        chunks = [b'%x;name=first;q="quoted value"' % len(c1) + eol + c1 + eol, b'%X ; ext' % len(c2) + eol + c2 + eol, b'0;last' + eol + b'X-Checksum: abc123' + eol + b'x-count: 2' + eol + eol]
        return [head] + chunks
    if base == '/close':
        # HTTP/1.0 style: no Content-Length, the body ends with the connection (§6.3 item 8)
        return [b'HTTP/1.0 200 OK' + eol + b'Content-Type: text/plain' + eol + eol, b'line one\n', b'line two\n', 'close']
    if base == '/early':
        # RFC 9110 §15.2: 1xx interim responses (100, 103 Early Hints) before the final one
        return [b'HTTP/1.1 100 Continue' + eol + eol, b'HTTP/1.1 103 Early Hints' + eol + b'Link: </style.css>; rel=preload; as=style' + eol + eol,
                msg('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(js)))], js, eol)]
    if base == '/cookies':
        return [msg('200 OK', [('Set-Cookie', 'a=1; Path=/'), ('Set-Cookie', 'b=2; HttpOnly'), ('Set-Cookie', 'c=3; Expires=Wed, 21 Oct 2015 07:28:00 GMT'), ('Content-Length', '0')], b'', eol)]
    if base == '/fold':
        # RFC 9112 §5.2 obs-fold
        return [b'HTTP/1.1 200 OK' + eol + b'X-Folded: first' + eol + b'   second' + eol + b'\tthird' + eol + b'Content-Length: 2' + eol + eol + b'ok']
    if base == '/longhdr':
        return [msg('200 OK', [('X-Long', 'v' * 7000), ('Content-Length', '2')], b'ok', eol)]
    if base == '/case':
        return [b'HTTP/1.1 200 OK' + eol + b'cOnTeNt-TyPe: application/json' + eol + b'CONTENT-LENGTH: ' + str(len(js)).encode() + eol + b'content-ENCODING: identity' + eol + eol + js]
    if base == '/204':
        return [msg('204 No Content', [('X-A', '1')], b'', eol)]
    if base == '/304':
        # §6.3 item 1: no body even with a Content-Length
        return [msg('304 Not Modified', [('ETag', '"x"'), ('Content-Length', '1234')], b'', eol)]
    if base == '/utf16':
        b = json.dumps({'name': 'été ☃', 'n': 1}).encode('utf-16')
        return [msg('200 OK', [('Content-Type', 'application/json; charset=utf-16'), ('Content-Length', str(len(b)))], b, eol)]
    if base == '/gzip':
        b = gzip.compress(b'[' + b','.join([js] * 20) + b']')
        return [msg('200 OK', [('Content-Type', 'application/json'), ('Content-Encoding', 'gzip'), ('Content-Length', str(len(b)))], b, eol)]
    if base == '/deflate':
        b = zlib.compress(js)
        return [msg('200 OK', [('Content-Type', 'application/json'), ('Content-Encoding', 'deflate'), ('Content-Length', str(len(b)))], b, eol)]
    if base == '/gzip-chunked':
        b = gzip.compress(b'[' + b','.join([js] * 50) + b']')
        parts = [b[i:i + 100] for i in range(0, len(b), 100)]
        return [msg('200 OK', [('Content-Type', 'application/json'), ('Content-Encoding', 'gzip'), ('Transfer-Encoding', 'chunked')], b'', eol)] + [b'%x' % len(p) + eol + p + eol for p in parts] + [b'0' + eol + eol]
    if base == '/br' and brotli:
        b = brotli.compress(b'[' + b','.join([js] * 20) + b']')
        return [msg('200 OK', [('Content-Type', 'application/json'), ('Content-Encoding', 'br'), ('Content-Length', str(len(b)))], b, eol)]
    if base == '/big':
        n = 3 * 1024 * 1024
        b = (b'0123456789abcdef' * (n // 16))
        return [msg('200 OK', [('Content-Type', 'application/octet-stream'), ('Content-Length', str(n))], b, eol)]
    if base == '/echo':
        ct = headers.get('content-type', 'application/octet-stream')
        hs = [('Content-Type', ct), ('Content-Length', str(len(body)))]
        if 'content-encoding' in headers:
            hs.append(('Content-Encoding', headers['content-encoding']))
        return [msg('200 OK', hs, body, eol)]
    if base == '/head-no-body':
        # HEAD: Content-Length of the GET body, no body (RFC 9110 §9.3.2)
        return [msg('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '5000')], b'' if method == 'HEAD' else b'x' * 5000, eol)]
    return [msg('404 Not Found', [('Content-Length', '9')], b'not found', eol)]


def read_request(conn, buf):
    while b'\r\n\r\n' not in buf and b'\n\n' not in buf:
        d = conn.recv(65536)
        if not d:
            return None, buf
        buf += d
    i = buf.find(b'\r\n\r\n')
    j = buf.find(b'\n\n')
    end, sep = (i, 4) if i >= 0 and (j < 0 or i <= j) else (j, 2)
    head, buf = buf[:end].decode('latin1'), buf[end + sep:]
    lines = head.replace('\r\n', '\n').split('\n')
    method, path, _ = lines[0].split(' ', 2)
    headers = {}
    for l in lines[1:]:
        if ':' in l:
            k, v = l.split(':', 1)
            headers[k.strip().lower()] = v.strip()
    body = b''
    if headers.get('transfer-encoding', '').lower() == 'chunked':
        while True:
            while b'\n' not in buf:
                d = conn.recv(65536)
                if not d:
                    return None, buf
                buf += d
            line, buf = buf.split(b'\n', 1)
            size = int(line.split(b';')[0].strip(), 16)
            if size == 0:
                while b'\r\n' not in buf and b'\n' not in buf:
                    buf += conn.recv(65536)
                while not (buf.startswith(b'\r\n') or buf.startswith(b'\n')):  # trailers
                    while b'\n' not in buf:
                        buf += conn.recv(65536)
                    buf = buf.split(b'\n', 1)[1]
                buf = buf.split(b'\n', 1)[1]
                break
            while len(buf) < size + 2:
                d = conn.recv(65536)
                if not d:
                    return None, buf
                buf += d
            body += buf[:size]
            buf = buf[size:].lstrip(b'\r').lstrip(b'\n') if buf[size:size + 1] in (b'\r', b'\n') else buf[size:]
    else:
        n = int(headers.get('content-length', '0'))
        if n and headers.get('expect', '').lower() == '100-continue':
            conn.sendall(b'HTTP/1.1 100 Continue\r\n\r\n')
        while len(buf) < n:
            d = conn.recv(65536)
            if not d:
                return None, buf
            buf += d
        body, buf = buf[:n], buf[n:]
    return (method, path, headers, body), buf


def serve(conn):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.settimeout(10)
    buf = b''
    try:
        while True:
            req, buf = read_request(conn, buf)
            if req is None:
                break
            method, path, headers, body = req
            out = respond(method, path, headers, body)
            for part in out:
                if part == 'close':
                    conn.shutdown(socket.SHUT_WR)
                    return
                conn.sendall(part)
                time.sleep(0.002)
            if headers.get('connection', '').lower() == 'close':
                break
    except (OSError, ValueError):
        pass
    finally:
        conn.close()


def listen(family, addr):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, PORT))
    s.listen(16)
    s.settimeout(0.5)
    return s


socks = [listen(socket.AF_INET, '127.0.0.1')]
try:
    socks.append(listen(socket.AF_INET6, '::1'))
except OSError:
    pass
deadline = time.time() + LIFE
while time.time() < deadline:
    for s in socks:
        try:
            c, _ = s.accept()
            threading.Thread(target=serve, args=(c,), daemon=True).start()
        except socket.timeout:
            pass

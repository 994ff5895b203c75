"""A small cleartext HTTP/2 server that accepts the HTTP/1.1 "Upgrade: h2c" path (RFC 7540 §3.2),
built on python3-h2. Usage: server.py PORT

- A request carrying "Upgrade: h2c" and "HTTP2-Settings" is answered "101 Switching Protocols";
  the upgraded request becomes HTTP/2 stream 1 and is answered in HTTP/2, and the connection
  carries HTTP/2 from then on (more streams may follow).
- Under /h1/ the server ignores the Upgrade offer and answers in HTTP/1.1, keeping the connection
  open (a failed upgrade: the client must carry on in HTTP/1.1).
"""
import json
import socket
import sys
import threading

import h2.config
import h2.connection
import h2.events


def answer(path, method, body):
    """(status, payload, content type) for a request."""
    if path.startswith('/missing'):
        return 404, b'no such thing\n', 'text/plain'
    if method == 'POST':
        return 201, json.dumps({'created': json.loads(body or b'null')}).encode(), 'application/json'
    return 200, json.dumps({'path': path, 'id': 7, 'name': 'Ada Lovelace'}).encode(), 'application/json'


def h2_respond(conn, sid, method, path, body):
    status, payload, ctype = answer(path, method, body)
    conn.send_headers(sid, [(':status', str(status)), ('content-type', ctype),
                            ('content-length', str(len(payload))), ('server', 'h2c-upgrade-sample')])
    conn.send_data(sid, payload, end_stream=True)


def read_request(sock, buf):
    """One HTTP/1.1 request from sock (buf: bytes already read). Returns (request, rest) or (None, b'')."""
    while b'\r\n\r\n' not in buf:
        d = sock.recv(65536)
        if not d:
            return None, b''
        buf += d
    head, rest = buf.split(b'\r\n\r\n', 1)
    lines = head.decode('latin-1').split('\r\n')
    method, path, _version = lines[0].split(' ', 2)
    headers = {}
    for line in lines[1:]:
        k, v = line.split(':', 1)
        headers[k.strip().lower()] = v.strip()
    n = int(headers.get('content-length', '0'))
    while len(rest) < n:
        d = sock.recv(65536)
        if not d:
            break
        rest += d
    return (method, path, headers, rest[:n]), rest[n:]


def serve_h2(sock, conn, pending):
    heads, bodies = {}, {}
    data = pending
    while True:
        if data:
            for ev in conn.receive_data(data):
                if isinstance(ev, h2.events.RequestReceived):
                    heads[ev.stream_id] = {k.decode() if isinstance(k, bytes) else k: v.decode() if isinstance(v, bytes) else v for k, v in ev.headers}
                    bodies[ev.stream_id] = b''
                elif isinstance(ev, h2.events.DataReceived):
                    bodies[ev.stream_id] += ev.data
                    conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
                elif isinstance(ev, h2.events.StreamEnded):
                    h = heads.get(ev.stream_id, {})
                    h2_respond(conn, ev.stream_id, h.get(':method'), h.get(':path'), bodies.get(ev.stream_id, b''))
            out = conn.data_to_send()
            if out:
                sock.sendall(out)
        data = sock.recv(65536)
        if not data:
            return


def handle(sock):
    buf = b''
    while True:
        req, buf = read_request(sock, buf)
        if req is None:
            return
        method, path, headers, body = req
        offered = 'h2c' in headers.get('upgrade', '').lower() and 'http2-settings' in headers
        if offered and not path.startswith('/h1/'):
            sock.sendall(b'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n')
            conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False))
            conn.initiate_upgrade_connection(headers['http2-settings'])
            h2_respond(conn, 1, method, path, body)
            sock.sendall(conn.data_to_send())
            serve_h2(sock, conn, buf)
            return
        status, payload, ctype = answer(path, method, body)
        reason = {200: 'OK', 201: 'Created', 404: 'Not Found'}[status]
        sock.sendall(b'HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n' % (status, reason.encode(), ctype.encode(), len(payload)) + payload)


def main():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', int(sys.argv[1])))
    srv.listen(8)
    print('listening', flush=True)
    while True:
        s, _ = srv.accept()

        def run(s=s):
            try:
                handle(s)
            except OSError:
                pass
            finally:
                s.close()
        threading.Thread(target=run, daemon=True).start()


if __name__ == '__main__':
    main()

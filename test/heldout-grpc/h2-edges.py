#!/usr/bin/python3
"""h2-edges.py PORT: python-h2 (Debian python3-h2) server and client over h2c, for frame-level
cases the other tools do not make on demand. One process: the server in a thread, then the
client runs each case on its own connection (bounded: every socket times out).

  upgrade   HTTP/1.1 POST with Upgrade: h2c and a body; the server switches, stream 1 answers
  refuse    the server resets the stream with REFUSED_STREAM before any response
  tonly     gRPC Trailers-Only response (grpc-status 12 in the only HEADERS, END_STREAM)
  maxframe  the client raises SETTINGS_MAX_FRAME_SIZE to 65536: 64 KB DATA frames, 200 KB body
  tsu       the server's HPACK encoder table shrinks to 0 then grows to 256 between responses
            (dynamic table size updates, RFC 7541 §6.3), the client's to 128 (SETTINGS ack'd)
  info      103 Early Hints then 100 Continue before the final response (two 1xx)
  padded    padded DATA (pad 200) and a HEADERS with a priority block
  grpcweb   gRPC-Web (application/grpc-web+proto) whose client resets the stream (CANCEL) at
            its grpc-timeout (100m) with the response headers only
  grpcweb2  gRPC-Web: message and trailers frame in DATA, then the client resets (INTERNAL_ERROR)
"""
import socket, sys, threading, time, base64
import h2.config, h2.connection, h2.events, h2.settings
from h2.errors import ErrorCodes

PORT = int(sys.argv[1])
HOST = '127.0.0.1'

def lpm(b, flags=0):
    return bytes([flags]) + len(b).to_bytes(4, 'big') + b

def pump(sock, conn):
    data = conn.data_to_send()
    if data:
        sock.sendall(data)

def serve_conn(sock):
    sock.settimeout(5)
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False))
    first = sock.recv(65535)
    if first.startswith(b'POST') or first.startswith(b'GET'):
        head, _, body = first.partition(b'\r\n\r\n')
        lines = head.split(b'\r\n')
        hdrs = {l.split(b':', 1)[0].strip().lower(): l.split(b':', 1)[1].strip() for l in lines[1:]}
        n = int(hdrs.get(b'content-length', b'0'))
        while len(body) < n:
            body += sock.recv(65535)
        sock.sendall(b'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n')
        conn.initiate_upgrade_connection(hdrs[b'http2-settings'])
        pump(sock, conn)
        conn.send_headers(1, [(':status', '200'), ('content-type', 'text/plain')])
        conn.send_data(1, b'upgraded, got %d bytes' % len(body), end_stream=True)
        pump(sock, conn)
        rest = b''
    else:
        conn.initiate_connection()
        pump(sock, conn)
        rest = first
    count = 0
    while True:
        try:
            data = rest or sock.recv(65535)
        except OSError:
            break
        rest = b''
        if not data:
            break
        for ev in conn.receive_data(data):
            if isinstance(ev, h2.events.RequestReceived):
                h = dict((k.decode() if isinstance(k, bytes) else k, v.decode() if isinstance(v, bytes) else v) for k, v in ev.headers)
                path, sid = h[':path'], ev.stream_id
                count += 1
                if path == '/refuse':
                    conn.reset_stream(sid, ErrorCodes.REFUSED_STREAM)
                elif path.startswith('/tonly.'):
                    conn.send_headers(sid, [(':status', '200'), ('content-type', 'application/grpc'), ('grpc-status', '12'), ('grpc-message', 'not here')], end_stream=True)
                elif path == '/max':
                    conn.send_headers(sid, [(':status', '200'), ('content-type', 'application/octet-stream')])
                    pump(sock, conn)
                    body = bytes(range(256)) * 800
                    while body:
                        n = min(len(body), conn.local_flow_control_window(sid), conn.max_outbound_frame_size)
                        if n == 0:
                            break
                        conn.send_data(sid, body[:n], end_stream=(n == len(body)))
                        body = body[n:]
                        pump(sock, conn)
                    if body:
                        conn.send_data(sid, body, end_stream=True)  # window opened by then in practice
                elif path.startswith('/tsu'):
                    if path == '/tsu1':
                        conn.encoder.header_table_size = 0
                    elif path == '/tsu2':
                        conn.encoder.header_table_size = 256
                    conn.send_headers(sid, [(':status', '200'), ('x-custom-header', 'value-%s' % path), ('content-type', 'text/plain')])
                    conn.send_data(sid, path.encode(), end_stream=True)
                elif path == '/info':
                    conn.send_headers(sid, [(':status', '103'), ('link', '</style.css>; rel=preload')])
                    conn.send_headers(sid, [(':status', '100')])
                    conn.send_headers(sid, [(':status', '200'), ('content-type', 'text/plain')])
                    conn.send_data(sid, b'after two 1xx', end_stream=True)
                elif path == '/padded':
                    conn.send_headers(sid, [(':status', '200'), ('content-type', 'text/plain')])
                    conn.send_data(sid, b'padded body', pad_length=200, end_stream=True)
                elif path.startswith('/web.'):
                    conn.send_headers(sid, [(':status', '200'), ('content-type', 'application/grpc-web+proto')])
                    if path.endswith('Done'):
                        conn.send_data(sid, lpm(b'\x0a\x02ok') + lpm(b'grpc-status: 0\r\ngrpc-message: fine\r\n', 0x80))
            elif isinstance(ev, h2.events.DataReceived):
                conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.ConnectionTerminated):
                pump(sock, conn)
                sock.close()
                return
        try:
            pump(sock, conn)
        except OSError:
            break
    sock.close()

def server(lsock):
    for _ in range(20):
        try:
            s, _ = lsock.accept()
        except OSError:
            return
        threading.Thread(target=serve_conn, args=(s,), daemon=True).start()

def client(requests, settings=None, encoder_size=None, reset=None):
    """requests: list of (headers, body or None, opts). Returns when every stream ended."""
    s = socket.create_connection((HOST, PORT), timeout=5)
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    if settings:
        conn.update_settings(settings)
        conn.increment_flow_control_window(1 << 20)
    pump(s, conn)
    open_ids = set()
    for headers, body, opts in requests:
        sid = conn.get_next_available_stream_id()
        if encoder_size is not None:
            conn.encoder.header_table_size = encoder_size
        conn.send_headers(sid, headers, end_stream=body is None, **opts)
        if body is not None:
            conn.send_data(sid, body, end_stream=True)
        open_ids.add(sid)
        pump(s, conn)
    deadline = time.time() + 3
    while open_ids and time.time() < deadline:
        if reset:
            time.sleep(reset[0])
            for sid in list(open_ids):
                conn.reset_stream(sid, reset[1])
            pump(s, conn)
            break
        data = s.recv(65535)
        if not data:
            break
        for ev in conn.receive_data(data):
            if isinstance(ev, (h2.events.StreamEnded, h2.events.StreamReset)):
                open_ids.discard(ev.stream_id)
                print('stream', ev.stream_id, type(ev).__name__, getattr(ev, 'error_code', ''))
            elif isinstance(ev, h2.events.DataReceived):
                conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.InformationalResponseReceived):
                print('stream', ev.stream_id, 'informational', ev.headers[0])
            elif isinstance(ev, h2.events.TrailersReceived) and reset and reset[2:]:
                pass
        pump(s, conn)
    conn.close_connection()
    pump(s, conn)
    s.close()

def req(path, method='GET', extra=()):
    return [(':method', method), (':scheme', 'http'), (':path', path), (':authority', '%s:%d' % (HOST, PORT))] + list(extra)

def upgrade():
    s = socket.create_connection((HOST, PORT), timeout=5)
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    settings = conn.initiate_upgrade_connection()
    body = b'field=value&other=' + b'x' * 300
    s.sendall(b'POST /upgrade-post HTTP/1.1\r\nHost: %s:%d\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s' % (HOST.encode(), PORT, settings, len(body), body))
    buf = b''
    while b'\r\n\r\n' not in buf:
        buf += s.recv(65535)
    _, _, rest = buf.partition(b'\r\n\r\n')
    pump(s, conn)
    done = False
    for ev in conn.receive_data(rest) if rest else []:
        done = done or isinstance(ev, h2.events.StreamEnded)
    pump(s, conn)
    while not done:
        data = s.recv(65535)
        if not data:
            break
        for ev in conn.receive_data(data):
            if isinstance(ev, h2.events.StreamEnded):
                done = True
                print('upgrade: stream', ev.stream_id, 'ended')
        pump(s, conn)
    conn.close_connection()
    pump(s, conn)
    s.close()

lsock = socket.socket()
lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lsock.bind((HOST, PORT))
lsock.listen(8)
lsock.settimeout(10)
threading.Thread(target=server, args=(lsock,), daemon=True).start()

upgrade()
client([(req('/refuse'), None, {}), (req('/index'), None, {})][:1])
client([(req('/tonly.S/M', 'POST', [('content-type', 'application/grpc'), ('te', 'trailers')]), lpm(b'\x0a\x01x'), {})])
client([(req('/max'), None, {})], settings={h2.settings.SettingCodes.MAX_FRAME_SIZE: 65536, h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1 << 20})
client([(req('/tsu0'), None, {}), (req('/tsu1'), None, {}), (req('/tsu2', extra=[('x-client', 'a' * 50)]), None, {}), (req('/tsu3', extra=[('x-client', 'a' * 50)]), None, {})], encoder_size=128)
client([(req('/info', 'POST', [('expect', '100-continue')]), b'payload', {})])
client([(req('/padded'), None, {'priority_weight': 200, 'priority_depends_on': 0, 'priority_exclusive': True})])
client([(req('/web.S/Abandoned', 'POST', [('content-type', 'application/grpc-web+proto'), ('x-grpc-web', '1'), ('grpc-timeout', '100m')]), lpm(b'\x0a\x01q'), {})], reset=(0.1, ErrorCodes.CANCEL))
client([(req('/web.S/Done', 'POST', [('content-type', 'application/grpc-web+proto'), ('x-grpc-web', '1')]), lpm(b'\x0a\x01q'), {})], reset=(0.1, ErrorCodes.INTERNAL_ERROR))
time.sleep(0.2)
lsock.close()

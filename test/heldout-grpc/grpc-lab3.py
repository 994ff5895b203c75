#!/usr/bin/python3
"""grpc-lab3.py PORT OUTDIR: python3-grpcio (C-core) server and clients for round 3 of the held-out
checks. The server listens on 127.0.0.1:PORT and [::1]:PORT+1; the clients run every case below,
printing one line per call (what grpcio reported) to stdout. Every call has a deadline, so the run
is bounded. The messages are heldout.r3 (protos/r3/heldout/r3/lab3.proto); the protobuf edge cases
are encoded by `protoc --encode` from the text below and written, with `protoc --decode` of what
came back, to OUTDIR/pb-*.txt for comparison.

LAB3_TARGET=HOST:PORT points the clients at a proxy in front of this server (nginx-grpc.sh) instead;
the [::1] calls are then left out.

Needs: PYTHONPATH holding lab3_pb2 and rpcdetails_pb2 (`protoc --python_out`, see README).
"""
import asyncio, os, subprocess, sys, threading, time
from concurrent import futures

import grpc
import grpc.aio
from google.protobuf import any_pb2, duration_pb2

from heldout.r3 import lab3_pb2 as pb
import rpcdetails_pb2 as rpc

PORT = int(sys.argv[1])
OUT = sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_ROOT = os.path.join(HERE, 'protos', 'r3')
SVC = 'heldout.r3.Lab3'
TARGET = os.environ.get('LAB3_TARGET', f'127.0.0.1:{PORT}')

# ---- protobuf edge cases, protobuf text format ------------------------------------------------------
PB_CASES = [
    ('EchoScalars', 'heldout.r3.Scalars', '''
i32: [0, 1, -1, 2147483647, -2147483648]
i64: [0, -1, 9223372036854775807, -9223372036854775808]
u32: [0, 4294967295]
u64: [0, 18446744073709551615]
s32: [0, -1, 1, -2147483648, 2147483647]
s64: [-1, -9223372036854775808, 9223372036854775807]
f32: [0, 4294967295]
f64: [18446744073709551615]
sf32: [-1, -2147483648]
sf64: [-9223372036854775808, 1]
fl: [1.5, -0.25, inf, 3.4028235e+38]
db: [0.1, -1e-300, -inf, 2.5]
flags: [true, false, true]
colors: [RED, GREEN, COLOR_UNSPECIFIED]
neg: -5
zneg: -3
sfneg: -7
big: 18446744073709551614
tiny: 5e-324
inf: -inf
opt_zero: 0
opt_empty: ""
min64: -9223372036854775808
raw: "\\000\\377\\001"
last: "field 2^29-1"
'''),
    ('EchoScalars', 'heldout.r3.Scalars', '''
colors: [RED, GREEN]
i32: [-1]
'''),
    ('Trees', 'heldout.r3.Tree', None),  # built below: 40 levels of left, 3 children each level 1
    ('MapsEcho', 'heldout.r3.Maps', '''
by_name { key: "a" value { s: "x" n: -1 } }
by_name { key: "" value { } }
by_id { key: -9223372036854775808 value: "min" }
by_id { key: 42 value: "" }
flags { key: true value: "\\001\\002" }
flags { key: false value: "" }
nested { key: "outer" value { inner { key: "k1" value: 1 } inner { key: "k2" value: -2 } } }
colors { key: -1 value: GREEN }
colors { key: 7 value: COLOR_UNSPECIFIED }
fixed { key: 18446744073709551615 value: -0.5 }
'''),
    ('EchoScalars', 'heldout.r3.Scalars', 'colors: [1, 99, -1] zneg: -2147483648 fl: [nan, -0.0] db: [nan]'),
    ('Trees', 'heldout.r3.Tree', 'DEPTH 70'),  # past callscope's nesting limit (64)
    ('MapsEcho', 'heldout.r3.Maps', '''
by_name { key: "dup" value { n: 1 } }
by_name { key: "dup" value { n: 2 } }
colors { key: 1 value: 42 }
'''),
    ('Pick', 'heldout.r3.Choice', 'inner { s: "in" n: 3 } after: "z"'),
    ('Pick', 'heldout.r3.Choice', 'num: 0'),
    # two encodings sent as one message: field `inner` occurs twice and must merge (encoding guide,
    # "Last One Wins"); protoc --decode of the echo shows inner { s: "a" n: 2 }
    ('Pick', 'heldout.r3.Choice', ['inner { s: "a" } after: "1"', 'inner { n: 2 } after: "2"']),
    ('Pick', 'heldout.r3.Choice', 'color: COLOR_UNSPECIFIED after: "zero enum in a oneof"'),
    ('Pick', 'heldout.r3.Choice', 'blob: ""'),
    ('Wrap', 'heldout.r3.Envelope', '''
payload { type_url: "type.googleapis.com/heldout.r3.Inner" value: "\\n\\002hi\\020\\007" }
more { type_url: "type.example.com/acme.NotInAnyProto" value: "\\010\\226\\001\\022\\003abc" }
more { type_url: "type.googleapis.com/google.protobuf.Duration" value: "\\010\\003\\020\\350\\007" }
more { type_url: "" value: "" }
'''),
    ('Unknown', 'heldout.r3.Full', '''
a: 1 b: "unknown string" c: [1, 2, 3] d { s: "nested unknown" n: 5 } e: -100
'''),
]


def tree_text(depth):
    text = 'name: "leaf"'
    for i in range(depth, 0, -1):
        text = f'name: "n{i}" left {{ {text} }}'
    return 'name: "root" children { name: "c1" } children { name: "c2" children { name: "c2a" } } left { ' + text + ' }'


def protoc(mode, typ, data):
    p = subprocess.run(['protoc', '-I', PROTO_ROOT, f'--{mode}={typ}', 'heldout/r3/lab3.proto'],
                       input=data, capture_output=True, timeout=20, check=True)
    return p.stdout


# ---- server -----------------------------------------------------------------------------------------
def details_bin():
    st = rpc.Status(code=3, message='bad request: 2 fields')
    br = rpc.BadRequest(field_violations=[
        rpc.BadRequest.FieldViolation(field='data', description='too short'),
        rpc.BadRequest.FieldViolation(field='note', description='ünïcode ✗')])
    ei = rpc.ErrorInfo(reason='LAB3_INVALID', domain='lab3.heldout.test', metadata={'k': 'v', 'zone': 'lo'})
    ri = rpc.RetryInfo(retry_delay=duration_pb2.Duration(seconds=2, nanos=500000000))
    qf = rpc.QuotaFailure(violations=[rpc.QuotaFailure.Violation(subject='client:lo', description='10 per minute')])
    for m in (br, ei, ri, qf):
        a = any_pb2.Any()
        a.Pack(m)
        st.details.append(a)
    st.details.append(any_pb2.Any(type_url='type.example.com/acme.Secret', value=b'\x08\x01\x12\x02ok'))
    return st.SerializeToString()


def unary(req_bytes, ctx):
    req = pb.Blob.FromString(req_bytes)
    md = dict(ctx.invocation_metadata())
    note = req.note
    if note == 'bin':
        ctx.send_initial_metadata([('x-init-bin', b'\xff\x00\xfe init'), ('x-init', 'plain')])
        ctx.set_trailing_metadata([('x-trail-bin', md.get('x-token-bin', b'') + b'\x80'), ('x-count', '2')])
        return pb.Blob(data=md.get('x-token-bin', b''), note='bin').SerializeToString()
    if note in ('gzip', 'deflate'):
        ctx.set_compression(grpc.Compression.Gzip if note == 'gzip' else grpc.Compression.Deflate)
        return pb.Blob(data=b'lab3 compressible ' * 200, note=note).SerializeToString()
    if note == 'details':
        ctx.set_trailing_metadata([('grpc-status-details-bin', details_bin())])
        ctx.abort(grpc.StatusCode.INVALID_ARGUMENT, 'bad request: 2 fields')
    if note == 'unicode':
        ctx.abort(grpc.StatusCode.FAILED_PRECONDITION, 'ünïcødé ✗ 100% "done"\r\nnext')
    if note == 'srvcancel':
        time.sleep(0.1)
        ctx.cancel()
        return None
    if note == 'sleep':
        time.sleep(1.0)
        return req_bytes
    if note == 'big':
        return pb.Blob(data=bytes(100_000), note='big').SerializeToString()
    if note == 'empty':
        return b''
    return req_bytes


def down(req_bytes, ctx):
    req = pb.Blob.FromString(req_bytes)
    n = 5 if req.note != 'slow' else 20
    for i in range(n):
        if not ctx.is_active():
            return
        yield pb.Blob(data=bytes([i]) * (i * 10), note=f'down {i}').SerializeToString()
        if req.note == 'slow':
            time.sleep(0.25)


def up(it, ctx):
    total, count = 0, 0
    for b in it:
        if pb.Blob.FromString(b).note == 'reject':
            ctx.abort(grpc.StatusCode.INVALID_ARGUMENT, 'rejected at the first message')
        total += len(pb.Blob.FromString(b).data)
        count += 1
    return pb.Blob(data=b'', note=f'{count} messages {total} bytes').SerializeToString()


def both(it, ctx):
    for b in it:
        m = pb.Blob.FromString(b)
        yield pb.Blob(data=m.data[::-1], note='echo ' + m.note).SerializeToString()


def echo(req_bytes, ctx):
    return req_bytes


def serve():
    h = {}
    for name in ('EchoScalars', 'Trees', 'MapsEcho', 'Pick', 'Wrap', 'Unknown'):
        h[name] = grpc.unary_unary_rpc_method_handler(echo)
    h['Unary'] = grpc.unary_unary_rpc_method_handler(unary)
    h['Down'] = grpc.unary_stream_rpc_method_handler(down)
    h['Up'] = grpc.stream_unary_rpc_method_handler(up)
    h['Both'] = grpc.stream_stream_rpc_method_handler(both)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=60), options=[
        ('grpc.max_receive_message_length', 64 * 1024),
        ('grpc.http2.min_ping_interval_without_data_ms', 100),
        ('grpc.keepalive_permit_without_calls', 1),
        ('grpc.http2.max_ping_strikes', 0),
    ])
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SVC, h)])
    server.add_insecure_port(f'127.0.0.1:{PORT}')
    server.add_insecure_port(f'[::1]:{PORT + 1}')
    server.start()
    return server


# ---- clients ----------------------------------------------------------------------------------------
def say(label, what):
    print(f'{label}: {what}', flush=True)


def call(ch, method, req, label, **kw):
    f = ch.unary_unary(f'/{SVC}/{method}')
    try:
        resp, c = f.with_call(req, timeout=kw.pop('timeout', 5), **kw)
        say(label, f'OK {len(resp)} bytes initial={c.initial_metadata()} trailing={c.trailing_metadata()}')
        return resp
    except grpc.RpcError as e:
        say(label, f'{e.code().name} {e.details()!r} trailing_keys={[k for k, _ in (e.trailing_metadata() or [])]}')


def blob(data=b'', note=''):
    return pb.Blob(data=data, note=note).SerializeToString()


def run_pb(ch):
    for i, (method, typ, text) in enumerate(PB_CASES):
        if text is None:
            text = tree_text(40)
        elif isinstance(text, str) and text.startswith('DEPTH '):
            text = tree_text(int(text.split()[1]))
        parts = text if isinstance(text, list) else [text]
        raw = b''.join(protoc('encode', typ, t.encode()) for t in parts)
        with open(os.path.join(OUT, f'pb-{i}-{method}.bin'), 'wb') as f:
            f.write(raw)
        back = call(ch, method, raw, f'pb {i} {method}')
        with open(os.path.join(OUT, f'pb-{i}-{method}.txt'), 'wb') as f:
            f.write(protoc('decode', typ, back))


def run_sync(ch, small_ch):
    call(ch, 'Unary', blob(b'\x01\x02', 'bin'), 'binary metadata',
         metadata=[('x-token-bin', b'\x00\x01\xfe\xff token'), ('x-plain', 'p')])
    call(ch, 'Unary', blob(b'abc' * 500, 'gzip'), 'gzip both ways', compression=grpc.Compression.Gzip)
    call(ch, 'Unary', blob(b'abc' * 500, 'deflate'), 'deflate both ways', compression=grpc.Compression.Deflate)
    call(ch, 'Unary', blob(note='details'), 'rich details')
    call(ch, 'Unary', blob(note='unicode'), 'non-ASCII grpc-message')
    call(ch, 'Unary', blob(note='srvcancel'), 'server cancels')
    call(ch, 'Unary', blob(note='empty'), 'empty response message')
    # client cancels a unary call in flight
    fut = ch.unary_unary(f'/{SVC}/Unary').future(blob(note='sleep'), timeout=5)
    time.sleep(0.3)
    fut.cancel()
    say('client cancels unary', 'cancelled' if fut.cancelled() else 'not cancelled')
    # deadline while a server stream is flowing
    it = ch.unary_stream(f'/{SVC}/Down')(blob(note='slow'), timeout=1.1)
    n = 0
    try:
        for _ in it:
            n += 1
        say('stream deadline', f'OK after {n}')
    except grpc.RpcError as e:
        say('stream deadline', f'{e.code().name} after {n} messages')
    # message-size limits
    call(ch, 'Unary', blob(bytes(100_000), 'x'), 'request over the server limit')
    call(small_ch, 'Unary', blob(note='big'), 'response over the client limit')
    # streams
    it = ch.unary_stream(f'/{SVC}/Down')(blob(note='n'), timeout=5)
    say('down', f'{len(list(it))} messages')
    r = ch.stream_unary(f'/{SVC}/Up')(iter([blob(bytes(1000 * i), f'up {i}') for i in range(4)]), timeout=5)
    say('up', pb.Blob.FromString(r).note)
    # the server rejects a client stream at its first message while the client is still sending
    def slow_up():
        for i in range(4):
            yield blob(b'x' * 10, 'reject' if i == 0 else f'late {i}')
            time.sleep(0.2)
    try:
        ch.stream_unary(f'/{SVC}/Up')(slow_up(), timeout=5)
        say('up rejected early', 'OK?')
    except grpc.RpcError as e:
        say('up rejected early', f'{e.code().name} {e.details()!r}')
    r = ch.stream_stream(f'/{SVC}/Both')(iter([blob(b'abc', 'b1'), blob(b'', 'b2')]), timeout=5)
    say('both', [pb.Blob.FromString(x).note for x in r])
    # keepalive: idle with PINGs
    time.sleep(2.5)
    call(ch, 'Unary', blob(b'after idle', 'x'), 'after keepalive pings')


async def run_aio():
    async with grpc.aio.insecure_channel(TARGET) as ch:
        f = ch.unary_unary(f'/{SVC}/Unary')
        res = await asyncio.gather(*[f(blob(bytes([i]) * i, f'aio {i}'), timeout=10) for i in range(40)],
                                   return_exceptions=True)
        errors = sorted({f'{r.code().name} {r.details()!r}' for r in res if isinstance(r, grpc.RpcError)})
        say('aio 40 concurrent unary', f'{sum(1 for r in res if isinstance(r, bytes))} OK {errors}')

        async def bidi(k):
            call = ch.stream_stream(f'/{SVC}/Both')(timeout=10)
            got = []
            for j in range(3):
                await call.write(blob(bytes([k, j]), f'aio bidi {k}.{j}'))
                got.append(await call.read())
            await call.done_writing()
            while await call.read() != grpc.aio.EOF:
                pass
            return len(got)

        res = await asyncio.gather(*[bidi(k) for k in range(8)])
        say('aio 8 concurrent bidi', res)
        # cancel from the aio client mid server-stream
        c = ch.unary_stream(f'/{SVC}/Down')(blob(note='slow'), timeout=10)
        await c.read()
        c.cancel()
        say('aio cancel stream', await c.code())


def main():
    server = serve()
    try:
        opts = [('grpc.keepalive_time_ms', 500), ('grpc.keepalive_timeout_ms', 2000),
                ('grpc.keepalive_permit_without_calls', 1), ('grpc.http2.max_pings_without_data', 0)]
        with grpc.insecure_channel(TARGET, options=opts) as ch, \
                grpc.insecure_channel(TARGET, options=[('grpc.max_receive_message_length', 16 * 1024)]) as small:
            run_pb(ch)
            run_sync(ch, small)
        asyncio.run(run_aio())
        if 'LAB3_TARGET' in os.environ:
            return
        with grpc.insecure_channel(f'ipv6:[::1]:{PORT + 1}') as ch6:
            call(ch6, 'Unary', blob(b'v6', 'x'), 'over [::1]')
            call(ch6, 'Unary', blob(note='details'), 'details over [::1]')
    finally:
        server.stop(0.5).wait(2)


if __name__ == '__main__':
    main()

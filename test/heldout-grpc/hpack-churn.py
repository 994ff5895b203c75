#!/usr/bin/python3
"""hpack-churn.py PORT: grpcio (C-core) server and client on one connection, 120 unary calls whose
metadata keeps changing so that both HPACK encoders insert and evict dynamic-table entries all the
time (RFC 7541 §4.4): a unique x-call-id, a 300–1500-byte x-blob of varying size, a value that
repeats every 7 calls, a 6 KB header on every 40th call (grpcio's default limit on received metadata is 8 KB), and trailing and
initial metadata that change per call. Checked with compare-tshark.py."""
import random, sys
from concurrent import futures
import grpc

PORT = int(sys.argv[1])
rnd = random.Random(3)


def handler(req, ctx):
    md = dict(ctx.invocation_metadata())
    n = md.get('x-call-id', '?')
    ctx.send_initial_metadata([('x-srv-seen', n), ('x-srv-pad', 'p' * (int(n[1:]) * 37 % 900))])
    ctx.set_trailing_metadata([('x-srv-done', n[::-1]), ('x-srv-mod', str(int(n[1:]) % 5))])
    return req


server = grpc.server(futures.ThreadPoolExecutor(4))
server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler('churn.S', {'Call': grpc.unary_unary_rpc_method_handler(handler)})])
server.add_insecure_port(f'127.0.0.1:{PORT}')
server.start()
ok = 0
with grpc.insecure_channel(f'127.0.0.1:{PORT}') as ch:
    f = ch.unary_unary('/churn.S/Call')
    for i in range(120):
        md = [('x-call-id', f'c{i}'), ('x-blob', ''.join(rnd.choice('abcdefgh') for _ in range(rnd.randint(300, 1500)))),
              ('x-repeat', f'r{i % 7}')]
        if i % 40 == 39:
            md.append(('x-huge', 'H' * 6000))
        f(bytes([8, i]), metadata=md, timeout=5)
        ok += 1
server.stop(0.5).wait(2)
print(ok, 'calls')

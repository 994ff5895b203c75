"""The Person API (person.proto) served by python grpcio (grpc C-core). Usage: server.py PORT

Generic method handlers, so only the message classes are generated (protoc --python_out, done
by make.sh). GetPerson: id 42 → NOT_FOUND with a google.rpc.Status in grpc-status-details-bin,
id 3 → an exception (UNKNOWN), id 99 → slow (the client's deadline passes); x-compress: yes in
the request metadata → gzip-compressed answer.
"""
import sys
import time
from concurrent import futures

import grpc
from google.protobuf import any_pb2

import person_pb2 as pb

PEOPLE = {1: ('Ada Lovelace', 'ada@example.org'), 2: ('Alan Turing', 'alan@example.org')}


def person(pid, avatar=0):
    name, email = PEOPLE.get(pid, (f'person {pid}', f'p{pid}@example.org'))
    p = pb.Person(id=pid, name=name, email=email, role=pb.ROLE_ADMIN if pid == 1 else pb.ROLE_USER,
                  tags=['a', 'b'], labels={'team': 'core'}, score=4.5, avatar=b'\x89' * avatar)
    p.created.FromSeconds(1700000000)
    p.extra.Pack(pb.Address(city='London', country='UK'))
    return p


def status_details(code, message):
    """google.rpc.Status {code = 1, message = 2, details = 3 (Any)}, written by hand (no grpcio-status)."""
    detail = any_pb2.Any()
    detail.Pack(pb.Address(city='Nowhere', country='XX'))
    d = detail.SerializeToString()
    m = message.encode()
    return bytes([0x08, code, 0x12, len(m)]) + m + bytes([0x1a, len(d)]) + d


def get_person(req, ctx):
    metadata = dict(ctx.invocation_metadata())
    if req.id == 42:
        ctx.set_trailing_metadata([('grpc-status-details-bin', status_details(5, 'person 42 not found'))])
        ctx.abort(grpc.StatusCode.NOT_FOUND, 'person 42 not found')
    if req.id == 3:
        raise RuntimeError('boom')
    if req.id == 99:
        time.sleep(0.5)
    if metadata.get('x-compress') == 'yes':
        ctx.set_compression(grpc.Compression.Gzip)
    ctx.set_trailing_metadata([('x-served-by', 'grpcio'), ('x-trace-bin', b'\x00\x01\x02')])
    return person(req.id)


def list_persons(req, ctx):
    for i in range(req.page_size):
        yield person(i + 1, req.avatar_bytes)


def create_persons(requests, ctx):
    ids = [p.id for p in requests]
    return pb.CreatePersonsSummary(created=len(ids), ids=ids)


def chat(messages, ctx):
    for i, m in enumerate(messages):
        yield pb.ChatMessage(**{'from': 'server', 'text': 'echo: ' + m.text, 'seq': i + 1})


SERVICE = 'callscope.person.v1.PersonService'
HANDLERS = grpc.method_handlers_generic_handler(SERVICE, {
    'GetPerson': grpc.unary_unary_rpc_method_handler(get_person, pb.GetPersonRequest.FromString, pb.Person.SerializeToString),
    'ListPersons': grpc.unary_stream_rpc_method_handler(list_persons, pb.ListPersonsRequest.FromString, pb.Person.SerializeToString),
    'CreatePersons': grpc.stream_unary_rpc_method_handler(create_persons, pb.Person.FromString, pb.CreatePersonsSummary.SerializeToString),
    'Chat': grpc.stream_stream_rpc_method_handler(chat, pb.ChatMessage.FromString, pb.ChatMessage.SerializeToString),
})

if __name__ == '__main__':
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((HANDLERS,))
    server.add_insecure_port(f'127.0.0.1:{sys.argv[1]}')
    server.start()
    print('listening', flush=True)
    server.wait_for_termination()

"""Person API client on python grpcio: one channel, every kind of call. Usage: client.py PORT"""
import sys

import grpc

import person_pb2 as pb

S = '/callscope.person.v1.PersonService/'


def show(label, f):
    try:
        r = f()
        print(label, 'ok', str(r).replace('\n', ' ')[:100])
    except grpc.RpcError as e:
        print(label, 'error', e.code(), e.details())


with grpc.insecure_channel(f'127.0.0.1:{sys.argv[1]}') as ch:
    get = ch.unary_unary(S + 'GetPerson', pb.GetPersonRequest.SerializeToString, pb.Person.FromString)
    lst = ch.unary_stream(S + 'ListPersons', pb.ListPersonsRequest.SerializeToString, pb.Person.FromString)
    create = ch.stream_unary(S + 'CreatePersons', pb.Person.SerializeToString, pb.CreatePersonsSummary.FromString)
    chat = ch.stream_stream(S + 'Chat', pb.ChatMessage.SerializeToString, pb.ChatMessage.FromString)
    show('GetPerson 1', lambda: get(pb.GetPersonRequest(id=1), metadata=[('x-request-id', 'r-1')], timeout=5))
    show('GetPerson 42', lambda: get(pb.GetPersonRequest(id=42), timeout=5))
    show('GetPerson 3', lambda: get(pb.GetPersonRequest(id=3), timeout=5))
    show('GetPerson 99', lambda: get(pb.GetPersonRequest(id=99), timeout=0.2))
    show('ListPersons', lambda: len(list(lst(pb.ListPersonsRequest(page_size=3, avatar_bytes=20000), timeout=5))))
    show('CreatePersons', lambda: create(iter([pb.Person(id=i, name=f'person {i}', role=pb.ROLE_USER) for i in (7, 8, 9)]), timeout=5))
    show('Chat', lambda: [m.text for m in chat(iter([pb.ChatMessage(**{'from': 'client', 'text': t}) for t in ('hello', 'bye')]), timeout=5)])
    show('GetPerson gzip', lambda: get(pb.GetPersonRequest(id=2), compression=grpc.Compression.Gzip, metadata=[('x-compress', 'yes')], timeout=5))
    stream = lst(pb.ListPersonsRequest(page_size=1000, avatar_bytes=1000), timeout=5)
    next(stream)
    stream.cancel()
    print('ListPersons cancelled after one message')

"""The Person API as XML-RPC methods (Python's xmlrpc.server), over IPv6, HTTP/1.1 keep-alive.

Methods: signup, resign, readPerson, readUsersItemsList, addItemToUsersItemsList, modifyItem,
removeItem, plus system.multicall and the introspection methods.

Types on the wire: struct, array, string, int, i8, boolean, double, dateTime.iso8601, base64, nil.
Python's marshaller refuses integers beyond 32 bits; this server writes them as <i8> (the
Apache XML-RPC extension that Python's own parser reads) so the capture has one.

Run: /usr/bin/python3 server.py HOST PORT
"""
import datetime
import socket
import sys
import xmlrpc.client
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer


def dump_int_or_i8(marshaller, value, write):
    tag = "int" if xmlrpc.client.MININT <= value <= xmlrpc.client.MAXINT else "i8"
    write(f"<value><{tag}>{int(value)}</{tag}></value>\n")


xmlrpc.client.Marshaller.dispatch[int] = dump_int_or_i8

persons = {}
items = {}
lists = {}
next_person_id = 1234
CREATED = datetime.datetime(2024, 5, 1, 12, 0, 0)


def person_or_fault(personid):
    if personid not in persons:
        raise xmlrpc.client.Fault(404, f"no such person: {personid}")
    return persons[personid]


def signup(person):
    global next_person_id
    personid = str(next_person_id)
    next_person_id += 1
    persons[personid] = dict(person, personid=personid, createdAt=CREATED, quotaBytes=5_000_000_000)
    lists[personid] = []
    return personid


def resign(personid):
    person_or_fault(personid)
    del persons[personid]
    del lists[personid]
    return True


def readPerson(personid):
    return person_or_fault(personid)


def readUsersItemsList(personid):
    person_or_fault(personid)
    return [items[i] for i in lists[personid] if i in items]


def addItemToUsersItemsList(personid, itemid):
    person_or_fault(personid)
    items.setdefault(itemid, {"itemid": itemid, "addedAt": CREATED})
    lists[personid].append(itemid)
    return True


def modifyItem(itemid, changes):
    if itemid not in items:
        raise xmlrpc.client.Fault(404, f"no such item: {itemid}")
    items[itemid].update(changes)
    return items[itemid]


def removeItem(itemid):
    items.pop(itemid, None)
    return None  # <nil/>, allowed by allow_none=True


class Handler(SimpleXMLRPCRequestHandler):
    protocol_version = "HTTP/1.1"  # keep the connection open between calls
    rpc_paths = ("/RPC2",)


class Server(SimpleXMLRPCServer):
    address_family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET


host, port = sys.argv[1], int(sys.argv[2])
server = Server((host, port), Handler, allow_none=True, use_builtin_types=True)
for fn in (signup, resign, readPerson, readUsersItemsList, addItemToUsersItemsList, modifyItem, removeItem):
    server.register_function(fn)
server.register_multicall_functions()
server.register_introspection_functions()
print(f"xmlrpc person api listening on {host} port {port}", flush=True)
server.serve_forever()

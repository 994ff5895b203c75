"""Held-out XML-RPC server for aXMLRPC: python3's xmlrpc.server (nil allowed, builtin types), 127.0.0.1:PORT.
Stops after 60 s at most."""
import sys, time, xmlrpc.client
from xmlrpc.server import SimpleXMLRPCServer

port = int(sys.argv[1])
srv = SimpleXMLRPCServer(('127.0.0.1', port), allow_none=True, use_builtin_types=True, logRequests=True)
srv.register_introspection_functions()
srv.register_multicall_functions()
srv.register_function(lambda x: x, 'echo')
srv.register_function(lambda a, b: a + b, 'add')
srv.register_function(lambda: None, 'nothing')
srv.register_function(lambda b: len(b), 'size')
srv.register_function(lambda n: bytes(range(n % 256)), 'blob')
srv.register_function(lambda: xmlrpc.client.DateTime('20240506T07:08:09'), 'when')
def fail(code, text):
    raise xmlrpc.client.Fault(code, text)
srv.register_function(fail, 'fail')
def crash():
    raise ValueError('not a fault on purpose')
srv.register_function(crash, 'crash')
srv.timeout = 1
end = time.time() + 60  # bounded: the round's script stops it sooner
while time.time() < end:
    srv.handle_request()

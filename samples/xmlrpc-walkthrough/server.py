"""The textbook XML-RPC server: one function, fun_add, plus fun_div to show a fault.

Run: /usr/bin/python3 server.py PORT
"""
import sys
from xmlrpc.server import SimpleXMLRPCServer


def fun_add(a, b):
    return a + b


def fun_div(a, b):
    # fun_div(1, 0) raises ZeroDivisionError; the server turns it into an XML-RPC <fault>.
    return a / b


port = int(sys.argv[1])
server = SimpleXMLRPCServer(("127.0.0.1", port), logRequests=True)
server.register_function(fun_add)
server.register_function(fun_div)
print(f"xmlrpc server listening on 127.0.0.1:{port}", flush=True)
server.serve_forever()

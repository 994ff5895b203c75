"""The textbook XML-RPC client: fun_add(2, 3) -> 5, then fun_div(1, 0) -> fault.

Run: /usr/bin/python3 client.py PORT
"""
import sys
import xmlrpc.client

proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{sys.argv[1]}/RPC2")
print("fun_add(2, 3) =", proxy.fun_add(2, 3))
try:
    proxy.fun_div(1, 0)
except xmlrpc.client.Fault as fault:
    print(f"fun_div(1, 0) -> fault {fault.faultCode}: {fault.faultString}")

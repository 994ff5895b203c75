"""aria2's RPC interface (aria2c --enable-rpc, Debian aria2 1.36) called over JSON-RPC (HTTP POST, a batch,
system.multicall, GET with base64 params) and XML-RPC (python3 xmlrpc.client: a multicall, a fault), with a download
from a local HTTP server so that the WebSocket client (ws.cjs) sees aria2's notifications.
Usage: lab.py RPC_PORT FILE_PORT WORKDIR"""
import base64, http.server, json, os, sys, threading, time, urllib.error, urllib.request, xmlrpc.client

P, FP, WORK = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
WWW = os.path.join(WORK, 'www')
os.makedirs(WWW, exist_ok=True)
with open(os.path.join(WWW, 'f.bin'), 'wb') as f:
    f.write(b'x' * 50000)


class Files(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=WWW, **k)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(('127.0.0.1', FP), Files)
threading.Thread(target=srv.serve_forever, daemon=True).start()
URL = f'http://127.0.0.1:{P}/jsonrpc'
T = 'token:s3cret'


def rpc(body):
    req = urllib.request.Request(URL, data=json.dumps(body).encode(), headers={'Content-Type': 'application/json'})
    try:
        return json.loads(urllib.request.urlopen(req, timeout=10).read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read())


print(rpc({'jsonrpc': '2.0', 'id': 'v', 'method': 'aria2.getVersion', 'params': [T]}))
gid = rpc({'jsonrpc': '2.0', 'id': 1, 'method': 'aria2.addUri', 'params': [T, [f'http://127.0.0.1:{FP}/f.bin'], {'dir': os.path.join(WORK, 'dl')}]})['result']
time.sleep(1)
print(rpc({'jsonrpc': '2.0', 'id': 2, 'method': 'aria2.tellStatus', 'params': [T, gid, ['gid', 'status', 'totalLength']]}))
print(rpc({'jsonrpc': '2.0', 'id': 3, 'method': 'aria2.tellStatus', 'params': ['token:wrong', gid]}))
print(rpc([{'jsonrpc': '2.0', 'id': 4, 'method': 'aria2.getGlobalStat', 'params': [T]}, {'jsonrpc': '2.0', 'id': 5, 'method': 'aria2.nosuch', 'params': [T]}]))
print(rpc({'jsonrpc': '2.0', 'id': 6, 'method': 'system.multicall', 'params': [[{'methodName': 'aria2.getVersion', 'params': [T]}, {'methodName': 'aria2.tellActive', 'params': [T]}]]}))
q = base64.urlsafe_b64encode(json.dumps({'jsonrpc': '2.0', 'id': 'g', 'method': 'aria2.getVersion', 'params': [T]}).encode()).decode()
print(urllib.request.urlopen(f'{URL}?params={q}', timeout=10).read()[:80])
x = xmlrpc.client.ServerProxy(f'http://127.0.0.1:{P}/rpc')
print(x.aria2.getVersion(T))
print(x.system.multicall([{'methodName': 'aria2.getGlobalStat', 'params': [T]}, {'methodName': 'aria2.nosuch', 'params': []}]))
try:
    x.aria2.tellStatus(T, 'ffffffffffffffff')
except xmlrpc.client.Fault as f:
    print('fault', f)
srv.shutdown()

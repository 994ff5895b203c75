"""twisted-lab.py MODE PORT [CERT KEY]: Debian's python3-twisted 22.4 on 127.0.0.1:PORT.

xmlrpc: twisted.web.xmlrpc.XMLRPC server (allowNone, useDateTime, introspection) and the
  twisted.web.xmlrpc.Proxy client: every XML-RPC type, faults, an unknown method, system.multicall
  (Twisted's server has none: a fault), system.listMethods / methodHelp / methodSignature.
agent: twisted.web.server.Site and twisted.web.client.Agent over a persistent HTTPConnectionPool:
  GETs, a chunked response (request.write without a length), a POST with a FileBodyProducer, 404,
  a 302, a HEAD, a large body, ContentDecoderAgent with gzip.
h2: the same Site over TLS with ALPN h2 (Twisted serves HTTP/2 only over TLS; python3-h2 and
  python3-priority installed), serving until killed or 15 s; run.sh drives it with curl --http2 and
  SSLKEYLOGFILE.
One JSON line per call on stdout (check.mjs). Stops by itself.
"""
import gzip
import io
import json
import sys

from twisted.internet import defer, reactor, task
from twisted.web import resource, server, xmlrpc
from twisted.web.client import (Agent, ContentDecoderAgent, FileBodyProducer, GzipDecoder,
                                HTTPConnectionPool, readBody)
from twisted.web.http_headers import Headers

MODE, PORT = sys.argv[1], int(sys.argv[2])


def log(**kw):
    print(json.dumps(kw, default=str), flush=True)


def big(n):
    return "".join(f"{i:07d}\n" for i in range(n // 8 + 1))[:n].encode()


class Lab(xmlrpc.XMLRPC):
    """The XML-RPC methods."""

    def xmlrpc_echo(self, x):
        """Return the argument."""
        log(side="server", method="echo")
        return x

    xmlrpc_echo.signature = [["string", "string"], ["struct", "struct"]]

    def xmlrpc_add(self, a, b):
        """Add two numbers."""
        log(side="server", method="add")
        return a + b

    def xmlrpc_fail(self, code):
        log(side="server", method="fail")
        raise xmlrpc.Fault(code, f"failure number {code} & <escaped>")

    def xmlrpc_crash(self):
        log(side="server", method="crash")
        return 1 / 0  # Twisted answers fault 8002 "error"

    def xmlrpc_nothing(self):
        log(side="server", method="nothing")
        return None

    def xmlrpc_later(self, s):
        log(side="server", method="later")
        d = defer.Deferred()
        reactor.callLater(0.1, d.callback, s.upper())
        return d


class Page(resource.Resource):
    isLeaf = True

    def render_GET(self, request):
        path = request.path.decode()
        log(side="server", method=request.method.decode(), path=request.uri.decode(), version=request.clientproto.decode())
        if path == "/json":
            request.setHeader(b"content-type", b"application/json")
            return json.dumps({"ok": True, "path": path, "args": {k.decode(): [v.decode() for v in vs] for k, vs in request.args.items()}}).encode()
        if path == "/chunked":
            request.setHeader(b"content-type", b"text/plain")

            def more(i=0):
                if i == 5:
                    request.finish()
                    return
                request.write(f"chunk {i}\n".encode())
                reactor.callLater(0.02, more, i + 1)
            more()
            return server.NOT_DONE_YET
        if path == "/big":
            request.setHeader(b"content-type", b"text/plain")
            return big(400_000)
        if path == "/gzip":
            request.setHeader(b"content-type", b"text/plain")
            request.setHeader(b"content-encoding", b"gzip")
            return gzip.compress(b"gzipped text " * 100)
        if path == "/redirect":
            request.redirect(b"/json?from=redirect")
            return b""
        if path == "/missing":
            request.setResponseCode(404)
            return b"no such page"
        return b"hello from twisted"

    def render_HEAD(self, request):
        return self.render_GET(request)

    def render_POST(self, request):
        body = request.content.read()
        log(side="server", method="POST", path=request.uri.decode(), size=len(body), version=request.clientproto.decode())
        request.setHeader(b"content-type", request.getHeader(b"content-type") or b"application/octet-stream")
        return body

    render_PUT = render_POST


@defer.inlineCallbacks
def xmlrpc_client():
    p = xmlrpc.Proxy(f"http://127.0.0.1:{PORT}/RPC2".encode(), allowNone=True, useDateTime=True)
    import datetime
    from xmlrpc.client import Binary
    calls = [
        ("echo", "plain text"),
        ("echo", "ünïcödé ✓ <&>"),
        ("echo", 42),
        ("echo", -2**31),
        ("echo", 3.25),
        ("echo", True),
        ("echo", [1, "two", 3.0, False, [None]]),
        ("echo", {"name": "widget", "tags": ["a", "b"], "nested": {"n": 1}, "none": None}),
        ("echo", datetime.datetime(2024, 2, 29, 13, 45, 7)),
        ("echo", Binary(bytes(range(256)))),
        ("echo", None),
        ("echo", ""),
        ("add", 2, 40),
        ("add", 1.5, 2.25),
        ("later", "deferred"),
        ("nothing",),
        ("fail", 42),
        ("crash",),
        ("nope",),
        ("system.listMethods",),
        ("system.methodHelp", "echo"),
        ("system.methodSignature", "echo"),
        ("system.multicall", [{"methodName": "add", "params": [1, 2]}]),
    ]
    for c in calls:
        try:
            r = yield p.callRemote(*c)
            log(side="client", method=c[0], ok=True, result=r if not isinstance(r, Binary) else {"bytes": len(r.data)})
        except xmlrpc.Fault as f:
            log(side="client", method=c[0], ok=False, fault=f.faultCode, message=f.faultString)
        except Exception as e:  # noqa: BLE001
            log(side="client", method=c[0], ok=False, error=repr(e))


@defer.inlineCallbacks
def agent_client():
    pool = HTTPConnectionPool(reactor, persistent=True)
    pool.maxPersistentPerHost = 1
    agent = Agent(reactor, pool=pool)
    base = f"http://127.0.0.1:{PORT}"

    @defer.inlineCallbacks
    def req(method, path, body=None, headers=None, ag=None):
        producer = FileBodyProducer(io.BytesIO(body)) if body is not None else None
        r = yield (ag or agent).request(method.encode(), (base + path).encode(), Headers(headers or {}), producer)
        data = yield readBody(r) if method != "HEAD" else defer.succeed(b"")
        log(side="client", method=method, path=path, status=r.code, size=len(data), version=".".join(map(str, r.version[1:])))

    yield req("GET", "/json?a=1")
    yield req("GET", "/chunked")
    yield req("POST", "/echo", b'{"x": [1, 2, 3]}', {"Content-Type": ["application/json"]})
    yield req("PUT", "/echo", big(200_000), {"Content-Type": ["text/plain"]})
    yield req("GET", "/missing")
    yield req("GET", "/redirect")
    yield req("HEAD", "/json")
    yield req("GET", "/big")
    yield req("GET", "/gzip", ag=ContentDecoderAgent(agent, [(b"gzip", GzipDecoder)]))
    # two at once: the pool opens a second connection
    yield defer.gatherResults([req("GET", "/json?par=1"), req("GET", "/json?par=2")])
    yield pool.closeCachedConnections()


def main():
    if MODE == "h2":
        from twisted.internet import ssl
        with open(sys.argv[3]) as c, open(sys.argv[4]) as k:
            cert = ssl.PrivateCertificate.loadPEM(c.read() + k.read())
        opts = cert.options()
        opts._acceptableProtocols = [b"h2", b"http/1.1"]  # ALPN
        site = server.Site(Page())
        reactor.listenSSL(PORT, site, opts, interface="127.0.0.1")
        log(side="server", listening=PORT, h2=True)
        reactor.callLater(15, reactor.stop)
        reactor.run()
        return
    root = resource.Resource()
    lab = Lab(allowNone=True, useDateTime=True)
    xmlrpc.addIntrospection(lab)
    root.putChild(b"RPC2", lab)
    page = Page()
    for name in (b"json", b"chunked", b"echo", b"big", b"gzip", b"redirect", b"missing", b""):
        root.putChild(name, page)
    reactor.listenTCP(PORT, server.Site(root), interface="127.0.0.1")
    d = task.deferLater(reactor, 0.1, xmlrpc_client if MODE == "xmlrpc" else agent_client)
    d.addErrback(lambda f: log(side="client", error=str(f)))
    d.addBoth(lambda _: reactor.callLater(0.3, reactor.stop))
    reactor.callLater(20, lambda: reactor.running and reactor.stop())
    reactor.run()


main()

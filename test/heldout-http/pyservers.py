#!/usr/bin/python3
"""pyservers.py tornado|twisted PORT SECONDS: a small JSON/REST, XML-RPC and streaming app.

tornado 6: /json, /chunked (RequestHandler.flush per part: chunked), /echo (POST body back, gzip
request bodies decompressed with decompress_request), /gzip (compress_response), /xmlrpc (an
XML-RPC answer written by hand), /sse (text/event-stream).
twisted.web 22: /json, /chunked (request.write without Content-Length: chunked), /echo, /xmlrpc
(twisted.web.xmlrpc.XMLRPC, faults included), /close (HTTP/1.0 request answered without length).
"""
import json, sys, time

kind, port, life = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
DOC = {'items': [{'id': i, 'name': 'n%d' % i, 'ok': i % 2 == 0} for i in range(50)], 'nested': {'a': {'b': [1, None, 2.5]}}}

if kind == 'tornado':
    import tornado.ioloop, tornado.web
    from xmlrpc.client import dumps, loads, Fault

    class J(tornado.web.RequestHandler):
        def get(self):
            self.set_header('Set-Cookie', 'a=1; Path=/')
            self.add_header('Set-Cookie', 'b=2; HttpOnly')
            self.write(DOC)

    class C(tornado.web.RequestHandler):
        async def get(self):
            self.set_header('Content-Type', 'application/json')
            for part in ('{"parts": [', '1,', '2,', '3', ']}'):
                self.write(part)
                await self.flush()

    class E(tornado.web.RequestHandler):
        def post(self):
            self.set_header('Content-Type', self.request.headers.get('Content-Type', 'application/octet-stream'))
            self.write(self.request.body)
        put = post

    class X(tornado.web.RequestHandler):
        def post(self):
            params, method = loads(self.request.body, use_builtin_types=True)
            self.set_header('Content-Type', 'text/xml')
            if method == 'fail':
                self.write(dumps(Fault(4, 'too many'), methodresponse=True, allow_none=True))
            else:
                self.write(dumps((sum(params) if method == 'add' else list(params),), methodresponse=True, allow_none=True))

    class S(tornado.web.RequestHandler):
        async def get(self):
            self.set_header('Content-Type', 'text/event-stream')
            for i in range(3):
                self.write('id: %d\nevent: tick\ndata: {"i": %d}\n\n' % (i, i))
                await self.flush()

    app = tornado.web.Application([('/json', J), ('/chunked', C), ('/echo', E), ('/gzip', J), ('/xmlrpc', X), ('/sse', S)], compress_response=True, decompress_request=True)
    srv = app.listen(port, address='127.0.0.1', decompress_request=True)
    loop = tornado.ioloop.IOLoop.current()
    loop.call_later(life, loop.stop)
    loop.start()
else:
    from twisted.internet import reactor
    from twisted.web import resource, server, xmlrpc

    class J(resource.Resource):
        isLeaf = True
        def render_GET(self, request):
            request.setHeader(b'content-type', b'application/json')
            return json.dumps(DOC).encode()

    class C(resource.Resource):
        isLeaf = True
        def render_GET(self, request):
            request.setHeader(b'content-type', b'application/json')
            parts = [b'{"parts": [', b'1,', b'2,', b'3', b']}']
            def step():
                if parts:
                    request.write(parts.pop(0))
                    reactor.callLater(0.01, step)
                else:
                    request.finish()
            step()
            return server.NOT_DONE_YET

    class E(resource.Resource):
        isLeaf = True
        def render_POST(self, request):
            request.setHeader(b'content-type', request.getHeader(b'content-type') or b'application/octet-stream')
            return request.content.read()

    class R(xmlrpc.XMLRPC):
        def xmlrpc_add(self, *a):
            return sum(a)
        def xmlrpc_echo(self, *a):
            return list(a)
        def xmlrpc_fail(self, *a):
            return xmlrpc.Fault(4, 'too many')

    root = resource.Resource()
    root.putChild(b'json', J())
    root.putChild(b'chunked', C())
    root.putChild(b'echo', E())
    root.putChild(b'xmlrpc', R(allowNone=True))
    reactor.listenTCP(port, server.Site(root), interface='127.0.0.1')
    reactor.callLater(life, reactor.stop)
    reactor.run()

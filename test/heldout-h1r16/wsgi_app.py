# wsgi_app.py: the WSGI app served by gunicorn and uwsgi (held-out round 16). One JSON line per request on
# stderr (the server's view). Paths: /json, /stream (a generator: no length, chunked on HTTP/1.1), /etag
# (ETag + Cache-Control, 304 on If-None-Match), /big (300 KB), /gzip, /nocontent (204), /echo (POST),
# /slow (for Varnish's grace), /upload (reads a chunked request body via wsgi.input_terminated).
import gzip, json, sys, time

BIG = bytes(i % 251 for i in range(300000))

def app(environ, start_response):
    path, method = environ['PATH_INFO'], environ['REQUEST_METHOD']
    status, headers, body = '200 OK', [('Content-Type', 'application/json')], None
    if path == '/json':
        body = [json.dumps({'t': time.time(), 'q': environ.get('QUERY_STRING', '')}).encode()]
        headers.append(('Cache-Control', 'max-age=2'))
    elif path == '/stream':
        headers = [('Content-Type', 'application/x-ndjson')]
        def gen():
            for i in range(5):
                yield (json.dumps({'part': i}) + '\n').encode()
        body = gen()
    elif path == '/etag':
        tag = '"v1"'
        headers += [('ETag', tag), ('Cache-Control', 'max-age=0, must-revalidate')]
        if environ.get('HTTP_IF_NONE_MATCH') == tag:
            status, body = '304 Not Modified', []
        else:
            body = [b'{"etag": "v1"}']
    elif path == '/big':
        headers = [('Content-Type', 'application/octet-stream'), ('Content-Length', str(len(BIG)))]
        body = [BIG]
    elif path == '/gzip':
        raw = json.dumps({'items': list(range(400))}).encode()
        z = gzip.compress(raw)
        headers += [('Content-Encoding', 'gzip'), ('Content-Length', str(len(z))), ('Vary', 'Accept-Encoding')]
        body = [z]
    elif path == '/nocontent':
        status, body = '204 No Content', []
    elif path in ('/echo', '/upload'):
        data = environ['wsgi.input'].read() if path == '/upload' else environ['wsgi.input'].read(int(environ.get('CONTENT_LENGTH') or 0))
        body = [json.dumps({'got': len(data), 'method': method}).encode()]
    elif path == '/slow':
        time.sleep(0.3)
        body = [b'{"slow": true}']
        headers.append(('Cache-Control', 'max-age=1'))
    else:
        status, body = '404 Not Found', [b'{"error": "no such path"}']
    print(json.dumps({'method': method, 'path': path, 'status': int(status[:3])}), file=sys.stderr, flush=True)
    start_response(status, headers)
    return body

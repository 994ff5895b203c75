# A small schema registry (the REST calls Confluent's serializers make) for the held-out run:
#   POST /subjects/{s}/versions → {"id"}          POST /subjects/{s} → {"subject","id","version","schema"}
#   GET /schemas/ids/{id}       → {"schema", …}   GET /subjects/{s}/versions/{v|latest} → {…}
#   GET /subjects, GET /subjects/{s}/versions, PUT/GET /config[/{s}]
# Ids are global (the same schema text and type under two subjects keeps its id), as Confluent's are.
# Usage: registry.py PORT SECONDS  (127.0.0.1 only; exits after SECONDS)
import json, sys, threading, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CT = 'application/vnd.schemaregistry.v1+json'
ids = {}        # id -> {schema, schemaType, references}
subjects = {}   # subject -> [id, ...] (version = index + 1)
lock = threading.Lock()


def key(s):
    return (s['schema'], s.get('schemaType', 'AVRO'), json.dumps(s.get('references', []), sort_keys=True))


class H(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *a):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header('Content-Type', CT)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def parts(self):
        path = urllib.parse.urlsplit(self.path).path
        return [urllib.parse.unquote(p) for p in path.strip('/').split('/')]

    def body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return json.loads(self.rfile.read(n) or b'{}')

    def version_obj(self, subject, v):
        sid = subjects[subject][v - 1]
        s = ids[sid]
        o = {'subject': subject, 'version': v, 'id': sid, 'schema': s['schema']}
        if s.get('schemaType', 'AVRO') != 'AVRO':
            o['schemaType'] = s['schemaType']
        if s.get('references'):
            o['references'] = s['references']
        return o

    def do_GET(self):
        p = self.parts()
        with lock:
            if p[:2] == ['schemas', 'ids'] and len(p) == 3:
                s = ids.get(int(p[2]))
                if not s:
                    return self.reply(404, {'error_code': 40403, 'message': 'Schema not found'})
                o = {'schema': s['schema']}
                if s.get('schemaType', 'AVRO') != 'AVRO':
                    o['schemaType'] = s['schemaType']
                if s.get('references'):
                    o['references'] = s['references']
                return self.reply(200, o)
            if p == ['subjects']:
                return self.reply(200, sorted(subjects))
            if len(p) >= 3 and p[0] == 'subjects' and p[2] == 'versions':
                if p[1] not in subjects:
                    return self.reply(404, {'error_code': 40401, 'message': 'Subject not found'})
                if len(p) == 3:
                    return self.reply(200, list(range(1, len(subjects[p[1]]) + 1)))
                v = len(subjects[p[1]]) if p[3] == 'latest' else int(p[3])
                return self.reply(200, self.version_obj(p[1], v))
            if p[0] == 'config':
                return self.reply(200, {'compatibilityLevel': 'BACKWARD'})
        self.reply(404, {'error_code': 404, 'message': 'HTTP 404 Not Found'})

    def do_PUT(self):
        b = self.body()
        self.reply(200, {'compatibility': b.get('compatibility', 'BACKWARD')})

    def do_POST(self):
        p = self.parts()
        b = self.body()
        with lock:
            if len(p) == 3 and p[0] == 'subjects' and p[2] == 'versions':
                k = key(b)
                sid = next((i for i, s in ids.items() if key(s) == k), None)
                if sid is None:
                    sid = len(ids) + 1
                    ids[sid] = {'schema': b['schema'], 'schemaType': b.get('schemaType', 'AVRO'), 'references': b.get('references', [])}
                vs = subjects.setdefault(p[1], [])
                if sid not in vs:
                    vs.append(sid)
                return self.reply(200, {'id': sid})
            if len(p) == 2 and p[0] == 'subjects':
                k = key(b)
                for v, sid in enumerate(subjects.get(p[1], []), 1):
                    if key(ids[sid]) == k:
                        return self.reply(200, self.version_obj(p[1], v))
                return self.reply(404, {'error_code': 40403, 'message': 'Schema not found'})
        self.reply(404, {'error_code': 404, 'message': 'HTTP 404 Not Found'})


srv = ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H)
threading.Timer(float(sys.argv[2]), srv.shutdown).start()
print('REGISTRY', sys.argv[1], flush=True)
srv.serve_forever()

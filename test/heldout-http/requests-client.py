#!/usr/bin/python3
"""python3-requests (urllib3) against rawserver.py: one Session (keep-alive), GET/HEAD/POST JSON,
a generator body (chunked upload), a gzip-coded request body, a 1xx-preceded answer, a 3 MB body.
Usage: requests-client.py BASE_URL"""
import gzip, json, sys, requests

base = sys.argv[1]
s = requests.Session()
log = []
def note(r):
    log.append(f'{r.request.method} {r.request.path_url} -> {r.status_code} {len(r.content)}')
note(s.get(base + '/json'))
note(s.head(base + '/head-no-body'))
note(s.get(base + '/head-no-body'))
note(s.post(base + '/echo', json={'a': [1, 2, {'b': 'c'}], 'n': None}))
def gen():
    for i in range(5):
        yield json.dumps({'part': i}).encode() + b'\n'
note(s.post(base + '/echo', data=gen(), headers={'Content-Type': 'application/x-ndjson'}))
note(s.post(base + '/echo', data=gzip.compress(b'{"zipped": true}'), headers={'Content-Type': 'application/json', 'Content-Encoding': 'gzip'}))
note(s.get(base + '/early'))
note(s.get(base + '/gzip-chunked'))
note(s.get(base + '/deflate'))
note(s.get(base + '/br'))
note(s.get(base + '/utf16'))
note(s.get(base + '/cookies'))
note(s.get(base + '/big'))
note(s.get(base + '/json?lf'))
note(s.get(base + '/chunked-trailers'))
note(s.get(base + '/nope'))
note(s.get(base + '/close'))
print('\n'.join(log))

#!/usr/bin/python3
"""compare-tshark.py CAPTURE CALLS.jsonl PORT…: compares the HTTP/2 header blocks callscope decoded
(request headers and trailers, response headers and trailers of every http2/grpc call) with tshark's HPACK decoding
of the same capture (`-d tcp.port==PORT,http2` for each PORT). A call is matched by its TCP
connection (client port) and stream id. Prints the mismatches and a count; exits 1 on any.

tshark shows `-bin` values sent as gRPC true binary (a NUL, then raw octets) as bytes it cannot
print; those values are compared by length only.
"""
import json, subprocess, sys
from collections import defaultdict

cap, calls_path, ports = sys.argv[1], sys.argv[2], sys.argv[3:]
args = ['tshark', '-r', cap, '-T', 'json', '--no-duplicate-keys', '-Y', 'http2.type == 1']
for p in ports:
    args += ['-d', f'tcp.port=={p},http2']
out = json.loads(subprocess.run(args, capture_output=True, text=True, timeout=300).stdout or '[]')


def as_list(x):
    return x if isinstance(x, list) else [x]


# (client port, stream id) -> list of header blocks in order, each [(name, value)]
blocks = defaultdict(list)
for pkt in out:
    layers = pkt['_source']['layers']
    tcp = layers['tcp']
    server = tcp['tcp.srcport'] in ports
    cport = tcp['tcp.dstport'] if server else tcp['tcp.srcport']
    for h2 in as_list(layers.get('http2', [])):
        for st in as_list(h2.get('http2.stream', [])):
            if st.get('http2.type') != '1':
                continue
            sid = int(st['http2.streamid'])
            hdrs = []
            for h in as_list(st.get('http2.header', [])):
                if isinstance(h, dict):
                    hdrs.append((h.get('http2.header.name', ''), h.get('http2.header.value', '')))
            blocks[(cport, sid)].append(hdrs)

bad = n = 0
for line in open(calls_path):
    c = json.loads(line)
    if c['protocol'] not in ('http2', 'grpc') or 'http2.streamid' not in c['fields']:
        continue
    key = (str(c['client']['port']), c['fields']['http2.streamid'])
    req, res = c.get('request') or {}, c.get('response') or {}
    ours = [b for b in (req.get('headers'), req.get('trailers'), res.get('headers'), res.get('trailers')) if b]
    theirs = [b for b in blocks.get(key, []) if b]
    n += 1
    # blocks of the two directions interleave in time differently: compare the fields sorted
    flat_ours = sorted((k, v) for b in ours for k, v in b)
    flat_theirs = sorted(kv for b in theirs for kv in b)
    if len(flat_ours) != len(flat_theirs):
        bad += 1
        print(f'{key}: {len(flat_ours)} fields vs tshark {len(flat_theirs)}')
        continue
    for (k1, v1), (k2, v2) in zip(flat_ours, flat_theirs):
        if k1 != k2 or (v1 != v2 and not (k1.endswith('-bin') and v1[:1] == '\x00')):
            bad += 1
            print(f'{key}: {k1}: {v1[:80]!r} vs tshark {k2}: {v2[:80]!r}')
            break
print(f'{n} calls compared, {bad} with different headers')
sys.exit(1 if bad else 0)

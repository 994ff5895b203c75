#!/usr/bin/python3
"""check-lab3.py CALLS.jsonl OUTDIR: compares what callscope decoded for the protobuf edge cases of
grpc-lab3.py (the first calls of the capture, in order) with python protobuf's own reading of the
same bytes (OUTDIR/pb-N-Method.bin, json_format.MessageToDict: the proto3 JSON mapping). Floats are
compared as float32/float64 values, not as text. Prints one line per case and exits 1 on a mismatch.

Needs PYTHONPATH with lab3_pb2 (see README). Cases whose Any names a type no .proto defines are
skipped by MessageToDict's rules (it cannot print them) and compared by hand instead.
"""
import glob, json, math, os, re, struct, sys

from google.protobuf import json_format
from heldout.r3 import lab3_pb2 as pb

calls = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
calls.sort(key=lambda c: c['timing']['startUs'])
files = sorted(glob.glob(os.path.join(sys.argv[2], 'pb-*.bin')), key=lambda p: int(re.search(r'pb-(\d+)-', p).group(1)))
TYPES = {'EchoScalars': pb.Scalars, 'Trees': pb.Tree, 'MapsEcho': pb.Maps, 'Pick': pb.Choice, 'Wrap': pb.Envelope, 'Unknown': pb.Known}


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def same(a, b, path):
    """a: python protobuf's JSON mapping, b: callscope's value."""
    if isinstance(a, dict) and isinstance(b, dict):
        bad = [f'{path}: keys {sorted(a)} vs {sorted(b)}'] if set(a) != set(b) else []
        return bad + [m for k in a if k in b for m in same(a[k], b[k], f'{path}.{k}')]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f'{path}: {len(a)} vs {len(b)} elements']
        return [m for i, (x, y) in enumerate(zip(a, b)) for m in same(x, y, f'{path}[{i}]')]
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            if a == b or f32(a) == f32(b) or (math.isnan(a) and math.isnan(b)):
                return []
        return [f'{path}: {a!r} vs {b!r}']
    return [] if a == b or str(a) == str(b) else [f'{path}: {a!r} vs {b!r}']


def strip_depth(v, depth=0):
    """callscope keeps what lies past its nesting limit (64) as {'@bytes': …}: cut python's value there too."""
    if isinstance(v, dict):
        if depth >= 64:
            return '@cut'
        return {k: strip_depth(x, depth + 1) if isinstance(x, dict) else [strip_depth(e, depth + 1) for e in x] if isinstance(x, list) else x for k, x in v.items()}
    return v


failed = 0
for path, call in zip(files, calls):
    method = re.search(r'pb-\d+-(\w+)\.bin', path).group(1)
    assert call['target'].endswith('/' + method), (path, call['target'])
    msg = TYPES[method].FromString(open(path, 'rb').read())
    try:
        want = json_format.MessageToDict(msg, preserving_proto_field_name=True)
    except Exception as e:  # Any of an unknown type
        print(f'{os.path.basename(path)}: skipped ({type(e).__name__})')
        continue
    got = call['request'].get('value', {})
    got = {k: v for k, v in got.items() if not k.isdigit()}  # unknown fields (Known) are kept by callscope, dropped by the JSON mapping
    want, got = strip_depth(want), strip_depth(got)
    diffs = same(want, got, method)
    print(f'{os.path.basename(path)}: {"same" if not diffs else "DIFFERENT"}')
    for d in diffs[:10]:
        print('   ', d)
    failed += bool(diffs)
sys.exit(1 if failed else 0)

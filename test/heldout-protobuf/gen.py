#!/usr/bin/python3
"""Random messages for the callscope protobuf differential test.
Builds random p3.Top / p2.Top (and variants), encodes them with `protoc --encode` from text format,
and writes the reference proto3 JSON (python3-protobuf json_format, field names as in the .proto)
of what the reference parser reads from those bytes. Output: cases.jsonl."""
import json, math, random, struct, subprocess, sys, os
from concurrent.futures import ThreadPoolExecutor
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from google.protobuf import json_format, text_format, descriptor
from google.protobuf import any_pb2, timestamp_pb2, duration_pb2, struct_pb2, wrappers_pb2, empty_pb2, field_mask_pb2
import p3_pb2, p2_pb2

SEED = int(os.environ.get('SEED', '1'))
N = int(os.environ.get('N', '400'))
rnd = random.Random(SEED)
FD = descriptor.FieldDescriptor

def f32(x): return struct.unpack('<f', struct.pack('<f', x))[0]
I32 = [0, 1, -1, 2**31 - 1, -2**31, 127, 128, -129]
I64 = [0, -1, 2**63 - 1, -2**63, 2**53, 2**53 + 1, -(2**53 + 1), 2**31, -2**31 - 1]
U32 = [0, 1, 2**32 - 1, 2**31, 127, 128]
U64 = [0, 2**64 - 1, 2**63, 2**53 + 1, 2**53, 2**32]
FLT = [0.0, -0.0, math.nan, math.inf, -math.inf, f32(1e-45), f32(1.17549435e-38), f32(5.9e-39), f32(3.4028234663852886e38),
       f32(-3.4028234663852886e38), f32(0.1), f32(1e-5), f32(16777217.0), f32(1.5), f32(-2.5e-7)]
DBL = [0.0, -0.0, math.nan, math.inf, -math.inf, 5e-324, 2.2250738585072014e-308, 1e-310, 1.7976931348623157e308,
       -1.7976931348623157e308, 0.1, 1e21, 1e-7, 123456789012345680.0, 2.0**53 + 2]
CHARS = 'ab_Z09 \t\n"\\/é€😀中\u0000\u001f\u007f\u2028\ufeff'

def pick(lst, gen):
    return rnd.choice(lst) if rnd.random() < 0.5 else gen()

def rstring(): return ''.join(rnd.choice(CHARS) for _ in range(rnd.randint(0, 12)))
def rbytes(): return bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 16)))

def scalar(fd):
    t = fd.type
    if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32): return pick(I32, lambda: rnd.randint(-2**31, 2**31 - 1))
    if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64): return pick(I64, lambda: rnd.randint(-2**63, 2**63 - 1) >> rnd.randint(0, 62))
    if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32): return pick(U32, lambda: rnd.randint(0, 2**32 - 1) >> rnd.randint(0, 31))
    if t in (FD.TYPE_UINT64, FD.TYPE_FIXED64): return pick(U64, lambda: rnd.randint(0, 2**64 - 1) >> rnd.randint(0, 63))
    if t == FD.TYPE_FLOAT: return pick(FLT, lambda: f32(rnd.uniform(-1, 1) * 10 ** rnd.randint(-40, 38)))
    if t == FD.TYPE_DOUBLE: return pick(DBL, lambda: rnd.uniform(-1, 1) * 10 ** rnd.randint(-300, 300))
    if t == FD.TYPE_BOOL: return rnd.random() < 0.5
    if t == FD.TYPE_STRING: return rstring()
    if t == FD.TYPE_BYTES: return rbytes()
    if t == FD.TYPE_ENUM:
        vals = [v.number for v in fd.enum_type.values]
        closed = fd.file.syntax == 'proto2'
        if closed or rnd.random() < 0.7: return rnd.choice(vals)
        return rnd.choice([7, -5, 2**31 - 1 - 1, 1000, -2**31 + 1])
    raise ValueError(t)

def rjson(depth):
    k = rnd.randrange(6 if depth < 3 else 4)
    if k == 0: return None
    if k == 1: return rnd.random() < 0.5
    if k == 2: return pick([0.0, -1.5, 1e300, 2.0**53 + 2, 5e-324, 123], lambda: rnd.uniform(-1e6, 1e6))
    if k == 3: return rstring()
    if k == 4: return [rjson(depth + 1) for _ in range(rnd.randint(0, 3))]
    return {rstring(): rjson(depth + 1) for _ in range(rnd.randint(0, 3))}

def ts():
    t = timestamp_pb2.Timestamp()
    t.seconds = pick([-62135596800, 253402300799, 0, -1, 1700000000], lambda: rnd.randint(-62135596800, 253402300799))
    t.nanos = pick([0, 999999999, 1000000, 1000, 1, 500000000], lambda: rnd.randint(0, 999999999))
    return t

def dur():
    d = duration_pb2.Duration()
    s = pick([0, 1, -1, 315576000000, -315576000000], lambda: rnd.randint(-315576000000, 315576000000))
    n = pick([0, 1, 999999999, 500000000, 1000, 1000000], lambda: rnd.randint(0, 999999999))
    if abs(s) == 315576000000: n = 0
    if s < 0 or (s == 0 and rnd.random() < 0.5): n = -n
    d.seconds, d.nanos = s, n
    return d

WORDS = ['foo', 'bar', 'baz', 'x', 'long']
def fill_wkt(msg, name):
    if name == 'google.protobuf.Timestamp': msg.CopyFrom(ts())
    elif name == 'google.protobuf.Duration': msg.CopyFrom(dur())
    elif name == 'google.protobuf.Struct': msg.update({rstring(): rjson(1) for _ in range(rnd.randint(0, 3))})
    elif name == 'google.protobuf.Value':
        s = struct_pb2.Struct(); s.update({'v': rjson(1)}); msg.CopyFrom(s.fields['v'])
    elif name == 'google.protobuf.ListValue': msg.extend([rjson(1) for _ in range(rnd.randint(0, 3))])
    elif name == 'google.protobuf.FieldMask':
        for _ in range(rnd.randint(0, 3)):
            msg.paths.append('.'.join('_'.join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 2))) for _ in range(rnd.randint(1, 2))))
    elif name == 'google.protobuf.Empty': pass
    elif name == 'google.protobuf.Any':
        k = rnd.randrange(9)
        if k == 8:   # a type the decoder does not know (json_format cannot map it either)
            msg.type_url = 'type.googleapis.com/unknown.Thing'; msg.value = fill(p3_pb2.Scalars(), 2).SerializeToString()
        else:
            inner = [lambda: fill(p3_pb2.Scalars(), 2), ts, dur, lambda: fill(struct_pb2.Struct(), 2),
                     lambda: wrappers_pb2.Int64Value(value=scalar(p3_pb2.Scalars.DESCRIPTOR.fields_by_name['i64'])),
                     empty_pb2.Empty, lambda: fill(p3_pb2.Rec(), 1), lambda: fill(field_mask_pb2.FieldMask(), 1)][k]()
            msg.Pack(inner, 'example.com' if rnd.random() < 0.2 else 'type.googleapis.com')
    elif name.startswith('google.protobuf.') and name.endswith('Value'):
        if rnd.random() < 0.85: msg.value = scalar(msg.DESCRIPTOR.fields_by_name['value'])
    else: return False
    return True

def fill(msg, depth, p=0.5):
    d = msg.DESCRIPTOR
    if fill_wkt(msg, d.full_name): return msg
    for fd in d.fields:
        if fd.label != FD.LABEL_REQUIRED and rnd.random() > p: continue
        if fd.containing_oneof is not None and msg.WhichOneof(fd.containing_oneof.name) is not None and rnd.random() < 0.5: continue
        if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
            kf, vf = fd.message_type.fields_by_name['key'], fd.message_type.fields_by_name['value']
            m = getattr(msg, fd.name)
            for _ in range(rnd.randint(0, 3)):
                k = scalar(kf)
                if vf.message_type is not None:
                    if depth > 0: fill(m[k], depth - 1)
                    else: m[k]
                else: m[k] = scalar(vf)
            continue
        if fd.label == FD.LABEL_REPEATED:
            lst = getattr(msg, fd.name)
            for _ in range(rnd.randint(0, 4)):
                if fd.message_type is not None:
                    if depth > 0: fill(lst.add(), depth - 1)
                else: lst.append(scalar(fd))
            continue
        if fd.message_type is not None:
            if depth > 0 or fd.message_type.full_name.startswith('google.protobuf.'):
                fill(getattr(msg, fd.name), max(depth - 1, 0))
            continue
        setattr(msg, fd.name, scalar(fd))
    if d.full_name == 'p2.G':
        for ext, fn in [(p2_pb2.ext_i, None), (p2_pb2.ext_s, None), (p2_pb2.Holder.ext_e, None)]:
            if rnd.random() < 0.4: msg.Extensions[ext] = scalar(ext)
        if rnd.random() < 0.4: msg.Extensions[p2_pb2.ext_r].extend(scalar(p2_pb2.ext_r) for _ in range(rnd.randint(1, 3)))
        if rnd.random() < 0.4: msg.Extensions[p2_pb2.ext_rp].extend(scalar(p2_pb2.ext_rp) for _ in range(rnd.randint(1, 3)))
        if rnd.random() < 0.3: fill(msg.Extensions[p2_pb2.ext_m], 0)
    return msg

def rec_chain(n):
    top = p3_pb2.Rec(); cur = top
    for i in range(n): cur.v = i; cur = cur.child
    return top

def protoc_encode(proto, tname, msg):
    txt = text_format.MessageToString(msg)
    p = subprocess.run(['protoc', '-I.', f'--encode={tname}', proto], input=txt.encode(), capture_output=True, cwd=os.path.dirname(os.path.abspath(__file__)))
    if p.returncode:   # protoc's text format only takes type.googleapis.com/ Any URLs: python's bytes then
        return msg.SerializeToString(), False
    return p.stdout, True

def mark_unknown_any(m):
    """An Any of a type json_format cannot resolve becomes a StringValue marker the comparer expands."""
    if m.DESCRIPTOR.full_name == 'google.protobuf.Any':
        if m.type_url.endswith('/unknown.Thing'):
            v = m.value; m.Pack(wrappers_pb2.StringValue(value='UNKNOWN-ANY:' + m.type_url + ':' + v.hex()))
        return
    for fd, v in m.ListFields():
        if fd.message_type is None: continue
        if fd.message_type.GetOptions().map_entry:
            if fd.message_type.fields_by_name['value'].message_type is not None:
                for k in v: mark_unknown_any(v[k])
        elif fd.label == FD.LABEL_REPEATED:
            for x in v: mark_unknown_any(x)
        else: mark_unknown_any(v)

def ref_json(cls, data):
    m = cls(); m.MergeFromString(data)
    mark_unknown_any(m)
    try:
        return json_format.MessageToDict(m, preserving_proto_field_name=True), None
    except Exception as e:
        return None, f'{type(e).__name__}: {e}'

cases = []
def add(kind, cls, data, viaProtoc=False):
    ref, err = ref_json(cls, data)
    cases.append({'kind': kind, 'type': cls.DESCRIPTOR.full_name, 'hex': data.hex(), 'ref': ref, 'refError': err, 'protoc': viaProtoc})

jobs = []
for i in range(N):
    for proto, cls in (('p3.proto', p3_pb2.Top), ('p2.proto', p2_pb2.Top)):
        jobs.append((proto, cls, fill(cls(), 3)))
with ThreadPoolExecutor(8) as ex:
    encoded = list(ex.map(lambda j: protoc_encode(j[0], j[1].DESCRIPTOR.full_name, j[2]), jobs))
mismatch = 0
encoded = [(d, v) for d, v in encoded]
for (proto, cls, msg), (data, via) in zip(jobs, encoded):
    if via and data != msg.SerializeToString(deterministic=True): mismatch += 1
    add('random', cls, data, via)
encoded = [d for d, v in encoded]
prev = {}
for (proto, cls, msg), data in zip(jobs, encoded):   # concatenation = merge (encoding guide, "Last One Wins")
    if cls in prev: add('concat', cls, prev[cls] + data)
    prev[cls] = data
for i in range(N):   # packed and unpacked both accepted for the same field
    r = fill(p3_pb2.Repeated(), 1, 0.8)
    packed = r.SerializeToString(); u = p3_pb2.RepeatedUnpacked(); u.ParseFromString(packed); unpacked = u.SerializeToString()
    add('flip-p3', p3_pb2.Repeated, unpacked); add('flip-p3', p3_pb2.RepeatedUnpacked, packed)
    r2 = fill(p2_pb2.Rep(), 0, 0.8); a = r2.SerializeToString(); f = p2_pb2.RepFlip(); f.ParseFromString(a); b = f.SerializeToString()
    add('flip-p2', p2_pb2.Rep, b); add('flip-p2', p2_pb2.RepFlip, a)
    g = fill(p2_pb2.G(), 1).SerializeToString()   # closed enum values not in the enum
    add('closed-unknown', p2_pb2.G, g + bytes([0x50]) + bytes([7]))
    add('closed-unknown', p2_pb2.Rep, bytes([0x22, 3, 1, 9, 5]) + bytes([0x18, 0x63]))
for n in (10, 60, 63, 64, 65, 90):
    add('deep', p3_pb2.Rec, rec_chain(n).SerializeToString())
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cases.jsonl'), 'w') as out:
    for c in cases: out.write(json.dumps(c) + '\n')
print(f'cases {len(cases)}; protoc --encode runs {len(jobs)}, by protoc {sum(c["protoc"] for c in cases)}, bytes differing from python serialization {mismatch}', file=sys.stderr)

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'node:v8';
import * as protobuf from 'protobufjs';
import { buildProtoDefinitions, lookupMethod } from '../../../decoders/protobuf/definitions';
import { decodeProtobuf, decodeRaw, resolverFor } from '../../../decoders/protobuf/decode';
import { DEFAULT_LIMITS } from '../../../decoders/core/env';
import { fromHex } from '../../../decoders/core/bytes';
import { standardGrpcMethod } from '../../../decoders/protobuf/grpc-services';

const ALL = `syntax = "proto3";
package k;
import "google/protobuf/any.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/struct.proto";
import "sub/inner.proto";
enum Color { RED = 0; GREEN = 1; }
message All {
  int32 i32 = 1; int64 i64 = 2; uint32 u32 = 3; uint64 u64 = 4; sint32 s32 = 5; sint64 s64 = 6;
  fixed32 f32 = 7; fixed64 f64 = 8; sfixed32 sf32 = 9; sfixed64 sf64 = 10; bool b = 11; float fl = 12; double d = 13;
  string s = 14; bytes by = 15; Color color = 16; repeated int32 packed = 17; map<string, int64> m = 18;
  inner.Inner inner = 19; google.protobuf.Any any = 20; google.protobuf.Timestamp ts = 21; google.protobuf.Duration dur = 22;
  google.protobuf.StringValue sv = 23; google.protobuf.Struct st = 24; oneof o { string a = 25; int32 bb = 26; }
}
service Svc { rpc Do(All) returns (All); }
`;
const INNER = `syntax = "proto3"; package inner; message Inner { string x = 1; }`;

describe('protobuf encoding spec with a schema: every field kind', () => {
  const defs = buildProtoDefinitions([{ path: '/r/all.proto', text: ALL, root: '/r' }, { path: '/r/sub/inner.proto', text: INNER, root: '/r' }]);
  it('loads without warnings and indexes positions', () => {
    assert.deepEqual(defs.warnings, []);
    const m = lookupMethod(defs, '/k.Svc/Do')!;
    assert.equal(m.requestType, 'k.All');
    assert.equal(m.line, 17);
    assert.equal(defs.messages.get('k.All')?.line, 10);
  });
  it('round-trips a message encoded by protobufjs', () => {
    const root = defs.root;
    const All = root.lookupType('k.All');
    const Inner = root.lookupType('inner.Inner');
    const msg = All.fromObject({
      i32: -5, i64: '-9007199254740993', u32: 4000000000, u64: '18446744073709551615', s32: -3, s64: '-4', f32: 7, f64: '8', sf32: -9, sf64: '-10',
      b: true, fl: 1.5, d: 2.25, s: 'héllo', by: Uint8Array.of(1, 2, 3), color: 1, packed: [1, 2, 300], m: { a: '1', b: '2' }, inner: { x: 'in' },
      any: { type_url: 'type.googleapis.com/inner.Inner', value: Inner.encode({ x: 'packed' }).finish() },
      ts: { seconds: 1700000000, nanos: 0 }, dur: { seconds: 1, nanos: 500000000 }, sv: { value: 'w' },
      st: { fields: { k: { stringValue: 'v' }, n: { numberValue: 2 } } }, bb: 7,
    });
    const bytes = All.encode(msg).finish();
    const r = decodeProtobuf(bytes, 'k.All', resolverFor(root), DEFAULT_LIMITS);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.value, {
      i32: -5, i64: '-9007199254740993', u32: 4000000000, u64: '18446744073709551615', s32: -3, s64: '-4', f32: 7, f64: '8', sf32: -9, sf64: '-10',
      b: true, fl: 1.5, d: 2.25, s: 'héllo', by: 'AQID', color: 'GREEN', packed: [1, 2, 300], m: { a: '1', b: '2' }, inner: { x: 'in' },
      any: { '@type': 'type.googleapis.com/inner.Inner', x: 'packed' }, ts: '2023-11-14T22:13:20Z', dur: '1.500s', sv: 'w', st: { k: 'v', n: 2 }, bb: 7,
    });
  });
  it('varints of every width give the values protobufjs encoded (encoding §Base 128 Varints: short ones read as numbers, long ones as BigInt)', () => {
    const All = defs.root.lookupType('k.All');
    const cases: Array<Record<string, unknown>> = [
      { i32: 0, i64: '0', u32: 0, u64: '0', s32: 0, s64: '0', b: false },
      { i32: 2147483647, i64: '562949953421311', u32: 4294967295, u64: '562949953421312', s32: 2147483647, s64: '281474976710655', b: true },
      { i32: -2147483648, i64: '-1', u32: 1, u64: '9007199254740993', s32: -2147483648, s64: '-281474976710656' },
      { i32: -1, i64: '9223372036854775807', s32: -1, s64: '-9223372036854775808', color: 1 },
    ];
    for (const c of cases) {
      const r = decodeProtobuf(All.encode(All.fromObject(c)).finish(), 'k.All', resolverFor(defs.root), DEFAULT_LIMITS);
      const expected: Record<string, unknown> = {};
      // proto3 does not write default values.
      for (const [k, v] of Object.entries(c)) if (v !== 0 && v !== '0' && v !== false) expected[k] = k === 'color' ? 'GREEN' : v;
      assert.deepEqual(r.value, expected);
    }
  });
  it('a long repeated field keeps every element in order', () => {
    const All = defs.root.lookupType('k.All');
    const packed = Array.from({ length: 20_000 }, (_, i) => i * 7);
    const bytes = All.encode(All.fromObject({ packed })).finish();
    assert.deepEqual((decodeProtobuf(bytes, 'k.All', resolverFor(defs.root), DEFAULT_LIMITS).value as { packed: number[] }).packed, packed);
    // The same values unpacked: one tag per element.
    const parts: number[] = [];
    for (const v of packed) {
      parts.push(0x88, 0x01); // field 17, varint
      let x = v;
      while (x >= 0x80) {
        parts.push((x & 0x7f) | 0x80);
        x = Math.floor(x / 128);
      }
      parts.push(x);
    }
    const r = decodeProtobuf(Uint8Array.from(parts), 'k.All', resolverFor(defs.root), DEFAULT_LIMITS);
    assert.deepEqual((r.value as { packed: number[] }).packed, packed);
  });
  it('unknown fields are kept raw and flagged', () => {
    const r = decodeProtobuf(fromHex('0801 f80605'), 'k.All', resolverFor(defs.root), DEFAULT_LIMITS);
    assert.deepEqual(r.value, { i32: 1, '111': 5 });
    assert.match(r.warnings[0], /unknown field 111/);
  });
  it('length past the end → warning, no throw', () => {
    const r = decodeProtobuf(fromHex('7205 6869'), 'k.All', resolverFor(defs.root), DEFAULT_LIMITS);
    assert.match(r.warnings.join(), /past the end/);
  });
});

describe('definitions loading', () => {
  it('reports unresolved imports, duplicates and parse errors', () => {
    const d = buildProtoDefinitions([
      { path: 'a.proto', text: 'syntax="proto3"; package p; import "missing.proto"; message M { int32 x = 1; }' },
      { path: 'b.proto', text: 'syntax="proto3"; package p; message M { string y = 1; }' },
      { path: 'c.proto', text: 'this is not proto' },
    ]);
    assert.ok(d.warnings.some((w) => /missing\.proto/.test(w)));
    assert.ok(d.warnings.some((w) => /already defined/.test(w)));
    assert.ok(d.warnings.some((w) => /^c\.proto/.test(w)));
  });
  it("etcd's layout: an import of a sibling file is that file, not a same-named one elsewhere; option-only imports under a repository prefix are not missing", () => {
    const d = buildProtoDefinitions([
      { path: 'etcd/etcdserver/etcdserverpb/rpc.proto', text: 'syntax="proto3"; package etcdserverpb; import "gogoproto/gogo.proto"; message RangeRequest { bytes key = 1; }' },
      { path: 'etcd/functional/rpcpb/rpc.proto', text: 'syntax="proto3"; package rpcpb; import "github.com/gogo/protobuf/gogoproto/gogo.proto"; message Request { string op = 1; }' },
      { path: 'etcd/etcdserver/etcdserverpb/raft_internal.proto', text: 'syntax="proto3"; package etcdserverpb; import "rpc.proto"; message InternalRaftRequest { RangeRequest range = 9; }' },
    ]);
    assert.deepEqual(d.warnings, []);
    assert.ok(d.messages.has('etcdserverpb.InternalRaftRequest'));
    // Two same-named files and no sibling: still ambiguous, and said so
    const amb = buildProtoDefinitions([
      { path: 'x/a.proto', text: 'syntax="proto3"; package a; message A {}' },
      { path: 'y/a.proto', text: 'syntax="proto3"; package b; message A {}' },
      { path: 'z/use.proto', text: 'syntax="proto3"; package z; import "a.proto"; message U {}' },
    ]);
    assert.match(amb.warnings.join('\n'), /z\/use\.proto: import "a\.proto" is ambiguous/);
  });
});

describe('a .proto with characters above U+00FF (comments, string defaults)', () => {
  it('parses, and names and positions are those of the file', () => {
    const text = [
      '// Person API — the “sample” 日本語 ✓',
      'syntax = "proto2";',
      'package p;',
      '/* résumé — block comment */',
      'enum Role { ROLE_UNKNOWN = 0; ROLE_QUARTERMASTER_Q7 = 1; }',
      'message Person { optional string name = 1 [default = "—"]; optional int32 id = 2; optional Role role = 3; }',
      'service People { rpc Get (Person) returns (Person); rpc Ping (google.protobuf.Empty) returns (google.protobuf.Empty); }',
    ].join('\n');
    const d = buildProtoDefinitions([{ path: '/r/p.proto', text, root: '/r' }]);
    assert.deepEqual(d.warnings, []);
    const m = lookupMethod(d, '/p.People/Get')!;
    assert.equal(m.service, 'p.People');
    assert.equal(m.line, 7);
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).string('Ada');
    w.uint32((2 << 3) | 0).int32(7);
    w.uint32((3 << 3) | 0).int32(1);
    const value = decodeProtobuf(w.finish(), 'p.Person', resolverFor(d.root), DEFAULT_LIMITS).value as Record<string, unknown>;
    // (the expected enum name is built at run time: a literal of it would be the string V8 hands out)
    assert.deepEqual(value, { name: 'Ada', id: 7, role: ['ROLE', 'QUARTERMASTER', 'Q7'].join('_') });
    // Names and keys are stored one byte per character, so a call's JSON line is too (V8's serializer
    // tags a one-byte string `"`): one em dash in a comment used to make them all two-byte.
    const oneByte = (s: string) => serialize(s)[2] === 0x22;
    assert.ok(oneByte(m.service) && oneByte(m.name) && oneByte(m.path));
    assert.ok(oneByte(m.requestType) && oneByte(m.responseType), 'message type names');
    // (a well-known type from the bundled definitions too)
    const ping = lookupMethod(d, '/p.People/Ping')!;
    assert.equal(ping.requestType, 'google.protobuf.Empty');
    assert.ok(oneByte(ping.service) && oneByte(ping.name) && oneByte(ping.path) && oneByte(ping.requestType) && oneByte(ping.responseType));
    assert.ok(Object.keys(value).every(oneByte));
    assert.ok(oneByte(value.role as string), 'enum value names');
    assert.ok(oneByte(JSON.stringify(value)));
  });
});

describe('raw decoding (protoc --decode_raw)', () => {
  it('numbers, strings, nested messages, repeated fields', () => {
    // 1: 150, 2: "testing", 3: {1: 1}, 4: 1, 4: 2
    const r = decodeRaw(fromHex('089601 120774657374696e67 1a020801 2001 2002'), DEFAULT_LIMITS);
    assert.deepEqual(r.value, { '1': 150, '2': 'testing', '3': { '1': 1 }, '4': [1, 2] });
  });
  it('a nested message whose bytes are printable (field 1 holding a 32–126 byte string) is a message, not text starting with a newline', () => {
    // grpc-go reflection ListServiceResponse: {2: {7: "*"}, 6: {1: [{1: "grpc.health.v1.Health"}, {1: "grpc.reflection.v1alpha.ServerReflection"}]}}.
    // The second service entry, 0a 28 + 40 printable bytes, read as the string "\n(grpc.reflection…" before.
    const hex =
      '1203 3a012a' +
      '3245' +
      '0a17 0a15' + Buffer.from('grpc.health.v1.Health').toString('hex') +
      '0a2a 0a28' + Buffer.from('grpc.reflection.v1alpha.ServerReflection').toString('hex');
    assert.deepEqual(decodeRaw(fromHex(hex.replace(/ /g, '')), DEFAULT_LIMITS).value, {
      '2': { '7': '*' },
      '6': { '1': [{ '1': 'grpc.health.v1.Health' }, { '1': 'grpc.reflection.v1alpha.ServerReflection' }] },
    });
    // Text that starts with a newline but does not parse completely as a message stays text.
    const text = '\nHello, world: a line of text after a newline';
    assert.deepEqual(decodeRaw(fromHex('0a' + (text.length).toString(16) + Buffer.from(text).toString('hex')), DEFAULT_LIMITS).value, { '1': text });
  });
  it('fixed64 as double when plausible', () => {
    const w = protobuf.Writer.create();
    w.uint32((5 << 3) | 1).double(3.25);
    assert.deepEqual(decodeRaw(w.finish(), DEFAULT_LIMITS).value, { '5': 3.25 });
  });
  it('fuzz: random bytes never throw, depth bounded', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    for (let i = 0; i < 300; i++) decodeRaw(Uint8Array.from({ length: 64 }, rnd), DEFAULT_LIMITS);
    const deep = new Uint8Array(400);
    for (let i = 0; i < 200; i++) (deep[2 * i] = 0x0a), (deep[2 * i + 1] = 398 - 2 * i > 127 ? 0 : 398 - 2 * i);
    decodeRaw(deep, DEFAULT_LIMITS);
  });
});

describe('proto2 groups and extensions (encoding guide "Groups"; JSON mapping of extensions)', () => {
  const P2 = `syntax = "proto2"; package t2;
message Old {
  required string id = 1;
  optional int32 level = 2 [default = 7];
  optional group Result = 3 { optional string url = 4; optional int32 rank = 5; }
  extensions 100 to 199;
}
extend Old { optional string note = 100; }
message W { optional Old old = 1; }`;
  const defs = buildProtoDefinitions([{ path: '/r/t2.proto', text: P2, root: '/r' }]);
  const resolve = resolverFor(defs.root);
  it('a group is decoded by its type, an extension named [pkg.name]', () => {
    // protoc --encode=t2.Old: id "x", Result { url "u" rank 3 } (START_GROUP 0x1b … END_GROUP 0x1c), [t2.note] "hi"
    const r = decodeProtobuf(fromHex('0a01781b22017528031ca206026869'), 't2.Old', resolve, DEFAULT_LIMITS);
    assert.deepEqual(r.value, { id: 'x', result: { url: 'u', rank: 3 }, '[t2.note]': 'hi' });
    assert.deepEqual(r.warnings, []);
  });
  it('a group inside a nested message; a group without its end tag is a warning, not a throw', () => {
    const r = decodeProtobuf(fromHex('0a070a01791b28011c'), 't2.W', resolve, DEFAULT_LIMITS);
    assert.deepEqual(r.value, { old: { id: 'y', result: { rank: 1 } } });
    const cut = decodeProtobuf(fromHex('0a01781b2201752803'), 't2.Old', resolve, DEFAULT_LIMITS);
    assert.deepEqual(cut.value, { id: 'x' });
    assert.ok(cut.warnings.some((w) => /group without its end tag/.test(w)));
  });
});

describe('well-known types in the JSON mapping: 0, 3, 6 or 9 fractional digits (protobuf.dev/programming-guides/json)', () => {
  const resolve = resolverFor();
  it('Duration and Timestamp', () => {
    // seconds 1, nanos 1500 → "1.000001500s"; seconds 1, nanos 500000000 → "1.500s"; nanos 1000 → 6 digits
    assert.equal(decodeProtobuf(fromHex('080110dc0b'), 'google.protobuf.Duration', resolve, DEFAULT_LIMITS).value, '1.000001500s');
    assert.equal(decodeProtobuf(fromHex('08011080cab5ee01'), 'google.protobuf.Duration', resolve, DEFAULT_LIMITS).value, '1.500s');
    assert.equal(decodeProtobuf(fromHex('0880e2cfaa0610e807'), 'google.protobuf.Timestamp', resolve, DEFAULT_LIMITS).value, '2023-11-14T22:13:20.000001Z');
  });
  it('FieldMask: its paths in lowerCamelCase, joined by commas (as json_format and protobuf-java write them)', () => {
    // paths ["state", "fare.units", "stop_index"] — an UpdateRideRequest's update_mask sent by grpcio 1.51
    const r = decodeProtobuf(fromHex('0a057374617465 0a0a666172652e756e697473 0a0a73746f705f696e646578'), 'google.protobuf.FieldMask', resolve, DEFAULT_LIMITS);
    assert.equal(r.value, 'state,fare.units,stopIndex');
  });
});

describe('.proto roots that vendor google/protobuf/*.proto', () => {
  it('a copy of a bundled well-known file is not parsed again: no duplicate-name warnings', () => {
    const TS = 'syntax = "proto3"; package google.protobuf; message Timestamp { int64 seconds = 1; int32 nanos = 2; }';
    const APP = 'syntax = "proto3"; package app; import "google/protobuf/timestamp.proto"; message X { google.protobuf.Timestamp at = 1; }';
    const d = buildProtoDefinitions([{ path: '/r/app/x.proto', text: APP, root: '/r' }, { path: '/r/google/protobuf/timestamp.proto', text: TS, root: '/r' }]);
    assert.deepEqual(d.warnings, []);
    // at { seconds: 1700000000 }
    assert.deepEqual(decodeProtobuf(fromHex('0a06088' + '0e2cfaa06'), 'app.X', resolverFor(d.root), DEFAULT_LIMITS).value, { at: '2023-11-14T22:13:20Z' });
  });
});

describe('floats (protobuf encoding §Non-varint Numbers: I32 float, I64 double; JSON mapping "NaN", "Infinity")', () => {
  const SRC = `syntax = "proto3"; package fl; message F { repeated float fs = 1; repeated double ds = 2; float f = 3; repeated float loose = 4 [packed = false]; }`;
  const defs = buildProtoDefinitions([{ path: '/r/f.proto', text: SRC, root: '/r' }]);
  const dec = (hex: string) => decodeProtobuf(fromHex(hex), 'fl.F', resolverFor(defs.root), DEFAULT_LIMITS);
  it('a packed repeated float or double keeps Infinity and NaN as names, as an unpacked one does (JSON would print null)', () => {
    // field 1 LEN 12: 1.5f, +inf (0000807f), NaN (0000c07f); field 2 LEN 16: -inf (fff0…), 2.5
    const r = dec('0a0c 0000c03f 0000807f 0000c07f 1210 000000000000f0ff 0000000000000440');
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.value, { fs: [1.5, 'Infinity', 'NaN'], ds: ['-Infinity', 2.5] });
    assert.equal(JSON.stringify(r.value), '{"fs":[1.5,"Infinity","NaN"],"ds":["-Infinity",2.5]}');
    // the same values unpacked (field 4, I32 each)
    assert.deepEqual(dec('250000807f 250000c07f').value, { loose: ['Infinity', 'NaN'] });
  });
  it('a float reads as the shortest decimal that is the same float32: FLT_MAX 3.4028235e+38, not 3.402823e+38', () => {
    // 0xff7f7f7f = FLT_MAX; 0x3dcccccd = 0.1f; 0x3f800001 = 1 + 2^-23 (needs 8 digits); 0x00000001 = the smallest denormal
    const r = dec('1d ffff7f7f');
    assert.equal(Math.fround((r.value as { f: number }).f), 3.4028234663852886e38);
    assert.deepEqual(r.value, { f: 3.4028235e38 });
    assert.deepEqual(dec('1d cdcccc3d').value, { f: 0.1 });
    assert.deepEqual(dec('1d 0100803f').value, { f: 1.0000001 });
    assert.deepEqual(dec('1d 01000000').value, { f: 1e-45 });
    assert.equal(Math.fround(1e-45), 2 ** -149);
  });
});

describe('a recursive message deeper than limits.maxDepth (protobuf encoding §Length-delimited, nested messages)', () => {
  it('decodes down to the limit, keeps the rest as bytes, and names the type without its leading dot', () => {
    const defs = buildProtoDefinitions([{ path: '/r/t.proto', text: 'syntax = "proto3"; package t; message Tree { string name = 1; Tree left = 3; }', root: '/r' }]);
    // a { left: b { left: c { left: d } } }: each level name (field 1) then left (field 3, LEN)
    const r = decodeProtobuf(fromHex('0a0161 1a0d 0a0162 1a08 0a0163 1a03 0a0164'), 't.Tree', resolverFor(defs.root), { ...DEFAULT_LIMITS, maxDepth: 3 });
    assert.deepEqual(r.value, { name: 'a', left: { name: 'b', left: { name: 'c', left: { '@bytes': 'CgFk' } } } });
    assert.deepEqual(r.warnings, ['protobuf: nesting deeper than 3; t.Tree not decoded']);
  });
});

describe('a non-repeated message field that occurs twice (encoding guide "Last One Wins": merged)', () => {
  const SRC = `syntax = "proto3"; package mg;
message In { string s = 1; int32 n = 2; repeated int32 r = 3; }
message M { In one = 1; oneof pick { In a = 2; int32 b = 3; } int32 x = 4; }`;
  const defs = buildProtoDefinitions([{ path: '/r/m.proto', text: SRC, root: '/r' }]);
  const dec = (hex: string) => decodeProtobuf(fromHex(hex), 'mg.M', resolverFor(defs.root), DEFAULT_LIMITS);
  it('the two occurrences merge: scalars last one wins, repeated fields concatenate', () => {
    // one { s: "x" r: [1] }, x: 1, one { n: 5 r: [2] }, x: 2
    const r = dec('0a05 0a0178 1801' + '2001' + '0a04 1005 1802' + '2002');
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.value, { one: { s: 'x', r: [1, 2], n: 5 }, x: 2 });
    // one { s: "x" }, one { s: "y" }: the later scalar wins inside the merged message
    assert.deepEqual(dec('0a03 0a0178 0a03 0a0179').value, { one: { s: 'y' } });
  });
  it('a oneof message member merges with itself, but not across another member set in between', () => {
    // a { s: "p" }, a { n: 1 } → a { s: "p", n: 1 }
    assert.deepEqual(dec('1203 0a0170 1202 1001').value, { a: { s: 'p', n: 1 } });
    // a { s: "p" }, b: 7, a { n: 1 } → a { n: 1 } (b cleared a, then a starts again)
    assert.deepEqual(dec('1203 0a0170 1807 1202 1001').value, { a: { n: 1 } });
  });
  it('300 occurrences merge in one decode: the field budget is charged once per field, not per re-decode', () => {
    // 300 × one { r: [i, i, i, i, i] } (unpacked, so each element is a field), x: 9 between the first two.
    // Decoding the bytes so far at every occurrence charged ~225,000 fields and hit "too many fields".
    let hex = '';
    const want: number[] = [];
    for (let i = 0; i < 300; i++) {
      const v = i % 100;
      hex += '0a0a' + ('18' + v.toString(16).padStart(2, '0')).repeat(5);
      if (i === 0) hex += '2009';
      for (let k = 0; k < 5; k++) want.push(v);
    }
    const r = dec(hex);
    assert.deepEqual(r.warnings, []);
    // the key order is that of the first occurrence
    assert.deepEqual(Object.keys(r.value as object), ['one', 'x']);
    assert.deepEqual(r.value, { one: { r: want }, x: 9 });
  });
  it('the merged message is decoded once: its warnings are not repeated for every occurrence', () => {
    // one { 7: 1 } (field 7 not in In) three times: one decode of the merged message sees the unknown
    // field three times (a warning each); decoding the bytes so far at every occurrence gave 1 + 2 + 3.
    const r = dec('0a02 3801'.repeat(3));
    assert.deepEqual(r.value, { one: { 7: [1, 1, 1] } });
    assert.deepEqual(r.warnings, Array(3).fill('protobuf: mg.In: unknown field 7 (not in the schema)'));
  });
});

describe('standardGrpcMethod: the bundled standard gRPC services', () => {
  it('finds their rpcs and nothing else', () => {
    assert.equal(standardGrpcMethod('/grpc.health.v1.Health/Check')?.method.requestType, 'grpc.health.v1.HealthCheckRequest');
    assert.equal(standardGrpcMethod('/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo')?.method.requestStream, true);
    assert.equal(standardGrpcMethod('/grpc.reflection.v1.ServerReflection/ServerReflectionInfo')?.method.responseType, 'grpc.reflection.v1.ServerReflectionResponse');
    for (const p of ['/grpc.testing.TestService/EmptyCall', '/grpc.health.v1.Health/Nope', '/grpc.health.v1.Health/Check/x', '/k.Svc/Do', '', undefined]) assert.equal(standardGrpcMethod(p), undefined, String(p));
  });
});

// Disagreements with protoc / python3-protobuf found by the differential campaign (test/heldout-protobuf).
describe('differential campaign against protoc: schema decoding', () => {
  const defs = buildProtoDefinitions([{ path: '/r/all.proto', text: ALL, root: '/r' }, { path: '/r/sub/inner.proto', text: INNER, root: '/r' }]);
  const resolve = resolverFor(defs.root);
  const G = `syntax = "proto2"; package t3;
message M { optional group MyGroup = 1 { optional int32 a = 2; optional int32 b = 3; } repeated group RepGroup = 4 { optional int32 c = 5; } }`;
  const g = resolverFor(buildProtoDefinitions([{ path: '/r/g.proto', text: G, root: '/r' }]).root);

  it('a string that starts with U+FEFF keeps it (encoding guide "Strings": the bytes are the text)', () => {
    // All.s (14) = EF BB BF 41: "\uFEFFA" (TextDecoder's default drops a leading BOM)
    assert.deepEqual(decodeProtobuf(fromHex('7204efbbbf41'), 'k.All', resolve, DEFAULT_LIMITS).value, { s: '\uFEFFA' });
    // raw: field 2 the same bytes
    assert.deepEqual(decodeRaw(fromHex('1204efbbbf41'), DEFAULT_LIMITS).value, { 2: '\uFEFFA' });
  });

  it('a group field is named after its type lowercased, and a non-repeated group met twice merges (encoding guide "Groups", "Last One Wins")', () => {
    // MyGroup {a: 1} (0b 1001 0c), MyGroup {b: 2} (0b 1802 0c), RepGroup {c: 5} (23 2805 24)
    const r = decodeProtobuf(fromHex('0b10010c0b18020c23280524'), 't3.M', g, DEFAULT_LIMITS);
    assert.deepEqual(r.value, { mygroup: { a: 1, b: 2 }, repgroup: [{ c: 5 }] });
    assert.deepEqual(r.warnings, []);
  });

  it('a value of the wrong wire type for its field is an unknown field (encoding guide "Message Structure")', () => {
    // All.s (14, a string) sent as a varint: tag 0x70, value 5; then s = "x" as it should be
    const r = decodeProtobuf(fromHex('70057201' + '78'), 'k.All', resolve, DEFAULT_LIMITS);
    assert.deepEqual(r.value, { 14: 5, s: 'x' });
    assert.ok(r.warnings.some((w) => /wire type 0 does not match .*kept as unknown field 14/.test(w)), r.warnings.join());
  });

  it('an Any holding a Struct puts its JSON under "value" (JSON mapping: Any with a special-JSON type)', () => {
    // All.any (20) = Any { type_url ".../google.protobuf.Struct", value Struct {a: true} }
    const hex = 'a20137' + '0a2a747970652e676f6f676c65617069732e636f6d2f676f6f676c652e70726f746f6275662e53747275637412090a070a016112022001';
    assert.deepEqual(decodeProtobuf(fromHex(hex), 'k.All', resolve, DEFAULT_LIMITS).value, {
      any: { '@type': 'type.googleapis.com/google.protobuf.Struct', value: { a: true } },
    });
  });

  it('a Duration or Timestamp outside its range stays its fields, with a warning (duration.proto, timestamp.proto)', () => {
    // All.dur (22) = {seconds 5, nanos -1}: signs differ; All.ts (21) = {nanos 1 000 000 000}
    const r = decodeProtobuf(fromHex('b2010d080510ffffffffffffffffff01' + 'aa0106108094ebdc03'), 'k.All', resolve, DEFAULT_LIMITS);
    assert.deepEqual(r.value, { dur: { seconds: '5', nanos: -1 }, ts: { nanos: 1000000000 } });
    assert.ok(r.warnings.some((w) => /Duration seconds and nanos of different signs/.test(w)));
    assert.ok(r.warnings.some((w) => /Timestamp nanos out of range/.test(w)));
  });
});

describe('differential campaign against protoc --decode_raw: groups without a schema (encoding guide "Groups")', () => {
  it('a group of field 16 or more ends at its 2-byte END_GROUP tag', () => {
    // START_GROUP field 16 (83 01), field 1 = 1, END_GROUP field 16 (84 01): protoc --decode_raw prints 16 { 1: 1 }
    const r = decodeRaw(fromHex('830108018401'), DEFAULT_LIMITS);
    assert.deepEqual(r.value, { 16: { 1: 1 } });
    assert.deepEqual(r.warnings, []);
  });
  it('an END_GROUP tag of another field number does not close the group; a lone END_GROUP is named', () => {
    // START_GROUP field 1, field 1 = 1, END_GROUP field 2: protoc rejects the message
    const r = decodeRaw(fromHex('0b080114'), DEFAULT_LIMITS);
    assert.deepEqual(r.value, {});
    assert.ok(r.warnings.some((w) => /field 1: group without its end tag/.test(w)), r.warnings.join());
    assert.deepEqual(decodeRaw(fromHex('0c'), DEFAULT_LIMITS).warnings, ['protobuf: field 1: END_GROUP tag without its START_GROUP']);
  });
});

describe('differential campaign against protoc: closed and open enums (language guide "Enums", "Unrecognized enum values")', () => {
  const P2 = `syntax = "proto2"; package t4; enum C { A = 0; B = 1; } message M { optional C c = 1; repeated C p = 2 [packed = true]; }`;
  const closed = resolverFor(buildProtoDefinitions([{ path: '/r/t4.proto', text: P2, root: '/r' }]).root);
  const open = resolverFor(buildProtoDefinitions([{ path: '/r/all.proto', text: ALL, root: '/r' }, { path: '/r/sub/inner.proto', text: INNER, root: '/r' }]).root);
  it('a number a closed enum does not define stays in the field, with a warning (protoc makes it an unknown field)', () => {
    // c = 7 (08 07); p packed [1, 9] (12 02 01 09)
    const r = decodeProtobuf(fromHex('0807120201' + '09'), 't4.M', closed, DEFAULT_LIMITS);
    assert.deepEqual(r.value, { c: 7, p: ['B', 9] });
    assert.equal(r.warnings.filter((w) => /is not a value of the closed enum t4\.C/.test(w)).length, 2, r.warnings.join());
  });
  it('an open (proto3) enum keeps an unknown number without a warning', () => {
    // All.color (16) = 7: tag 80 01
    const r = decodeProtobuf(fromHex('800107'), 'k.All', open, DEFAULT_LIMITS);
    assert.deepEqual(r.value, { color: 7 });
    assert.deepEqual(r.warnings, []);
  });
});

/**
 * gRPC server reflection (grpc/reflection/v1/reflection.proto, and v1alpha): the
 * FileDescriptorProtos (google/protobuf/descriptor.proto) a server sends in a
 * `file_descriptor_response` are learned, and the calls after them, on any connection of the
 * capture, decode with field and enum names (decoders/protobuf/learned.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, frame, block, c2s, s2c, preface, lpm, norm, type Pkt } from '../http2/h2';
import { LearnedSchemas } from '../../../decoders/protobuf/learned';
import { concatBytes, fromHex } from '../../../decoders/core/bytes';
import type { CaptureScope } from '../../../decoders/core/decoder';
import type { Call } from '../../../decoders/core/model';
import { Pipeline } from '../../../decoders/pipeline';
import { nodeEnv } from '../../../cli/platform/node-env';
import { pcapFile, tcpConversation } from '../../helpers/pcap-builder';

/**
 * FileDescriptorProto (descriptor.proto) of
 *   syntax = "proto3"; package t.v1;
 *   message Req { string q = 1; int32 n = 2; }  enum Mode { MODE_UNSPECIFIED = 0; MODE_LOUD = 1; }
 *   service Echo { rpc Say(Req) returns (Req); }
 */
const ECHO_FILE = fromHex(
  '0a0c742f6563686f2e70726f746f' + // 1 name "t/echo.proto"
    '1204742e7631' + // 2 package "t.v1"
    '221e' + // 4 message_type: DescriptorProto
    '0a03526571' + //   1 name "Req"
    '120c0a0171180120012809520171' + //   2 field: name "q", number 1, label OPTIONAL, type STRING, json_name "q"
    '12090a016e180220012805' + //   2 field: name "n", number 2, label OPTIONAL, type INT32
    '2a2b0a044d6f6465' + // 5 enum_type: name "Mode"
    '12140a104d4f44455f554e5350454349464945441000' + //   value MODE_UNSPECIFIED = 0
    '120d0a094d4f44455f4c4f55441001' + //   value MODE_LOUD = 1
    '32230a044563686f' + // 6 service: name "Echo"
    '121b0a0353617912092e742e76312e5265711a092e742e76312e526571' + //   method Say(.t.v1.Req) returns (.t.v1.Req)
    '620670726f746f33', // 12 syntax "proto3"
);

/** A protobuf length-delimited field (wire type 2). */
function ld(field: number, bytes: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = bytes.length;
  while (n >= 0x80) len.push((n & 0x7f) | 0x80), (n >>>= 7);
  len.push(n);
  return concatBytes([Uint8Array.of((field << 3) | 2), Uint8Array.from(len), bytes]);
}
const text = (s: string) => new TextEncoder().encode(s);

/** ServerReflectionResponse { file_descriptor_response (4) { file_descriptor_proto (1): files } }. */
const answer = (...files: Uint8Array[]) => ld(4, concatBytes(files.map((f) => ld(1, f))));
/** ServerReflectionRequest { file_containing_symbol (4): symbol }. */
const question = (symbol: string) => ld(4, text(symbol));

const REQH = (path: string) => block([[':method', 'POST'], [':scheme', 'http'], [':path', path], ['content-type', 'application/grpc']]);
const RESH = () => block([[':status', '200'], ['content-type', 'application/grpc']]);
const OK = () => block([['grpc-status', '0']]);

function reflectionStream(version: 'v1' | 'v1alpha', files: Uint8Array[]): Pkt[] {
  return [
    c2s(preface(), frame(1, 0x4, 1, REQH(`/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`)), frame(0, 0, 1, lpm(question('t.v1.Echo')))),
    s2c(frame(1, 0x4, 1, RESH()), frame(0, 0, 1, lpm(answer(...files)))),
    c2s(frame(0, 1, 1)),
    s2c(frame(1, 0x5, 1, OK())),
  ];
}

/** Req { q: "hi", n: 3 } and back. */
function say(): Pkt[] {
  const req = Uint8Array.of(0x0a, 2, 0x68, 0x69, 0x10, 3);
  return [c2s(preface(), frame(1, 0x4, 1, REQH('/t.v1.Echo/Say')), frame(0, 1, 1, lpm(req))), s2c(frame(1, 0x4, 1, RESH()), frame(0, 0, 1, lpm(req)), frame(1, 0x5, 1, OK()))];
}

const scope = (): CaptureScope => ({ state: new Map(), learned: () => {} });

describe('gRPC server reflection: schemas learned from the capture', () => {
  for (const version of ['v1', 'v1alpha'] as const) {
    it(`${version}: a call on another connection after the answer decodes with field names`, () => {
      const capture = scope();
      let told = '';
      capture.learned = (what) => (told = what);
      const r = feed(reflectionStream(version, [ECHO_FILE]), { capture });
      assert.equal(r.calls[0].fields['protobuf.reflection_files'], 't/echo.proto');
      assert.equal(told, 'gRPC server reflection');
      const c = feed(say(), { capture }).calls[0];
      assert.deepEqual(c.request?.value, { q: 'hi', n: 3 });
      assert.deepEqual(c.response?.value, { q: 'hi', n: 3 });
      assert.equal(c.fields['protobuf.schema'], 'reflection');
      assert.equal(c.kind, 'unary');
      // No file to open: not a definition.
      assert.equal(c.definition, undefined);
      assert.deepEqual(c.warnings, []);
    });
  }

  it('only forward: the same call before any answer is decoded without a schema', () => {
    const c = feed(say(), { capture: scope() }).calls[0];
    assert.equal(c.fields['protobuf.schema'], undefined);
    assert.notDeepEqual(c.request?.value, { q: 'hi', n: 3 });
  });

  it('the answer split into pieces of 1, 2, 3, 7 and 13 bytes gives the same calls', () => {
    const whole = norm(feed(reflectionStream('v1', [ECHO_FILE]), { capture: scope() }));
    for (const split of [1, 2, 3, 7, 13]) assert.equal(norm(feed(reflectionStream('v1', [ECHO_FILE]), { capture: scope(), split })), whole);
  });

  it('a descriptor that does not parse is a warning on the reflection call; nothing is learned', () => {
    const capture = scope();
    const r = feed(reflectionStream('v1', [Uint8Array.of(0x0a, 0x7f, 1, 2)]), { capture });
    assert.ok(r.calls[0].warnings.some((w) => /reflection: a file descriptor that does not parse/.test(w)), r.calls[0].warnings.join('\n'));
    assert.equal(LearnedSchemas.of(capture, false)?.size ?? 0, 0);
    assert.equal(feed(say(), { capture }).calls[0].fields['protobuf.schema'], undefined);
  });

  it('a file learned twice is kept as first seen; a well-known file is the bundled one', () => {
    const s = new LearnedSchemas();
    assert.deepEqual(s.add([ECHO_FILE]).added, ['t/echo.proto']);
    assert.deepEqual(s.add([ECHO_FILE]).added, []);
    const wkt = ld(1, text('google/protobuf/timestamp.proto'));
    assert.deepEqual(s.add([wkt]).added, []);
    assert.equal(s.size, 1);
    assert.equal(s.lookup('/t.v1.Echo/Say')?.method.requestType, 't.v1.Req');
    assert.equal(s.lookup('/t.v1.Echo/Nope'), undefined);
  });

  it('bounded: a descriptor past 4 MiB is not learned', () => {
    const s = new LearnedSchemas();
    const r = s.add([new Uint8Array((4 << 20) + 1)]);
    assert.deepEqual(r.added, []);
    assert.match(r.warnings[0], /a file descriptor of 4194305 bytes not learned/);
  });

  it('a clash with a file learned before leaves the rest of the file usable', () => {
    const s = new LearnedSchemas();
    s.add([ECHO_FILE]);
    // Another file (another name) defining t.v1.Req again, and a service of its own.
    const other = concatBytes([
      ld(1, text('t/other.proto')),
      ld(2, text('t.v1')),
      ld(4, ld(1, text('Req'))),
      ld(6, concatBytes([ld(1, text('Other')), ld(2, concatBytes([ld(1, text('Do')), ld(2, text('.t.v1.Req')), ld(3, text('.t.v1.Req'))]))])),
      ld(12, text('proto3')),
    ]);
    const r = s.add([other]);
    assert.deepEqual(r.added, ['t/other.proto']);
    assert.ok(r.warnings.some((w) => /t\/other\.proto/.test(w)));
    assert.equal(s.lookup('/t.v1.Other/Do')?.method.requestType, 't.v1.Req');
    assert.equal(s.lookup('/t.v1.Echo/Say')?.method.responseType, 't.v1.Req');
  });

  it('Connect (connectrpc.com/docs/protocol): a reflection stream over Connect teaches the schema to a Connect unary call', () => {
    const envelope = (flags: number, m: Uint8Array) => concatBytes([Uint8Array.of(flags, 0, 0, m.length >> 8, m.length & 255), m]);
    const http = (head: string, body: Uint8Array) => concatBytes([text(`${head}Content-Length: ${body.length}\r\n\r\n`), body]);
    const server = { ip: '127.0.0.1', port: 8080 };
    const reflection = tcpConversation({
      client: { ip: '127.0.0.1', port: 40001 },
      server,
      exchanges: [
        { dir: 'c2s', data: http('POST /grpc.reflection.v1.ServerReflection/ServerReflectionInfo HTTP/1.1\r\nHost: x\r\nContent-Type: application/connect+proto\r\n', envelope(0, question('t.v1.Echo'))) },
        { dir: 's2c', data: http('HTTP/1.1 200 OK\r\nContent-Type: application/connect+proto\r\n', concatBytes([envelope(0, answer(ECHO_FILE)), envelope(2, text('{}'))])) },
      ],
    });
    const req = Uint8Array.of(0x0a, 2, 0x68, 0x69, 0x10, 3);
    const unary = tcpConversation({
      client: { ip: '127.0.0.1', port: 40002 },
      server,
      startUs: 1_700_000_001_000_000,
      exchanges: [
        { dir: 'c2s', data: http('POST /t.v1.Echo/Say HTTP/1.1\r\nHost: x\r\nContent-Type: application/proto\r\nConnect-Protocol-Version: 1\r\n', req) },
        { dir: 's2c', data: http('HTTP/1.1 200 OK\r\nContent-Type: application/proto\r\n', req) },
      ],
    });
    const calls: Call[] = [];
    const p = new Pipeline({ env: nodeEnv() }, { call: (c) => calls.push(c) });
    p.push(pcapFile([...reflection, ...unary]));
    p.end();
    const refl = calls.find((c) => c.method.endsWith('ServerReflectionInfo'));
    const say = calls.find((c) => c.method === 't.v1.Echo/Say');
    assert.equal(refl?.protocol, 'connect');
    assert.equal(refl?.fields['protobuf.reflection_files'], 't/echo.proto');
    assert.equal(say?.protocol, 'connect');
    assert.equal(say?.fields['protobuf.schema'], 'reflection');
    assert.deepEqual(say?.request?.value, { q: 'hi', n: 3 });
    assert.deepEqual(say?.response?.value, { q: 'hi', n: 3 });
  });

  it('a file that uses a type from a file of a later answer resolves once that answer comes', () => {
    const s = new LearnedSchemas();
    // t/svc.proto: service t.v1.Svc { rpc Get(.t.v1.Thing) returns (.t.v1.Thing); } — t.v1.Thing is in t/thing.proto.
    const svcFile = concatBytes([
      ld(1, text('t/svc.proto')),
      ld(2, text('t.v1')),
      ld(3, text('t/thing.proto')), // dependency
      ld(6, concatBytes([ld(1, text('Svc')), ld(2, concatBytes([ld(1, text('Get')), ld(2, text('.t.v1.Thing')), ld(3, text('.t.v1.Thing'))]))])),
      ld(12, text('proto3')),
    ]);
    const thingFile = concatBytes([ld(1, text('t/thing.proto')), ld(2, text('t.v1')), ld(4, concatBytes([ld(1, text('Thing')), ld(2, fromHex('0a046e616d651801200128095204' + '6e616d65'))])), ld(12, text('proto3'))]);
    s.add([svcFile]);
    assert.equal(s.lookup('/t.v1.Svc/Get'), undefined);
    s.add([thingFile]);
    const m = s.lookup('/t.v1.Svc/Get');
    assert.equal(m?.method.requestType, 't.v1.Thing');
    assert.ok(m?.defs.root.lookupType('t.v1.Thing').fields.name);
  });

  it('2,000 answers of one file each, each followed by a lookup (files added to one root, not rebuilt): each service found, dangling ones not; then the limit', () => {
    const s = new LearnedSchemas();
    for (let i = 0; i < 2000; i++) {
      const file = concatBytes([
        ld(1, text(`g/f${i}.proto`)),
        ld(2, text(`g${i}`)),
        ld(4, ld(1, text('M'))),
        // A service whose types never arrive (dangling), and one that resolves.
        ld(6, concatBytes([ld(1, text('Dangling')), ld(2, concatBytes([ld(1, text('X')), ld(2, text('.nowhere.T')), ld(3, text('.nowhere.T'))]))])),
        ld(6, concatBytes([ld(1, text('S')), ld(2, concatBytes([ld(1, text('Do')), ld(2, text(`.g${i}.M`)), ld(3, text(`.g${i}.M`))]))])),
      ]);
      s.add([file]);
      assert.ok(s.lookup(`/g${i}.S/Do`), `file ${i}`);
      assert.equal(s.lookup(`/g${i}.Dangling/X`), undefined, `file ${i}: a service whose types never came`);
    }
    assert.equal(s.size, 2000);
    // Past the limit: not learned, said once per answer.
    assert.match(s.add([ld(1, text('late.proto'))]).warnings[0], /more than 2000 files/);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { feed, frame, block, c2s, s2c, preface, lpm, norm, type Pkt } from '../http2/h2';
import { buildProtoDefinitions } from '../../../decoders/protobuf/definitions';
import { LengthPrefixedReader } from '../../../decoders/grpc/messages';
import { parseGrpcTimeout, percentDecode } from '../../../decoders/grpc/status';
import { grpcWebRouter } from '../../../decoders/grpc/web';
import { toBase64, toHex, fromHex, concatBytes } from '../../../decoders/core/bytes';
import { testSession } from '../../helpers/session';
import type { Call } from '../../../decoders/core/model';

const PROTO = `syntax = "proto3"; package t;
message Req { int64 id = 1; }
message Res { string name = 1; }
service S { rpc Get(Req) returns (Res); rpc List(Req) returns (stream Res); }`;
const defs = buildProtoDefinitions([{ path: 'proto/t.proto', text: PROTO }]);
const REQH = (path: string, extra: Array<[string, string]> = []) => block([[':method', 'POST'], [':scheme', 'http'], [':path', path], ['content-type', 'application/grpc'], ['grpc-timeout', '250m'], ...extra]);
const RESH = () => block([[':status', '200'], ['content-type', 'application/grpc']]);
const OK = () => block([['grpc-status', '0']]);

function unary(): Pkt[] {
  return [
    c2s(preface(), frame(1, 0x4, 1, REQH('/t.S/Get')), frame(0, 1, 1, lpm([8, 42]))),
    s2c(frame(1, 0x4, 1, RESH()), frame(0, 0, 1, lpm([0x0a, 3, 0x41, 0x64, 0x61]).subarray(0, 4))),
    s2c(frame(0, 0, 1, lpm([0x0a, 3, 0x41, 0x64, 0x61]).subarray(4)), frame(1, 0x5, 1, OK())),
  ];
}

describe('PROTOCOL-HTTP2.md: unary call with a schema', () => {
  it('decodes method, messages, status, deadline', () => {
    const env = { ...testSession().env, definitions: { proto: defs } };
    const s = feed(unary(), { env });
    const c = s.calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.method, 't.S/Get');
    assert.equal(c.target, '/t.S/Get');
    assert.equal(c.kind, 'unary');
    assert.deepEqual(c.request?.value, { id: '42' });
    assert.deepEqual(c.response?.value, { name: 'Ada' });
    assert.deepEqual(c.status, { code: 0, text: 'OK', ok: true });
    assert.equal(c.fields['grpc.timeout'], 250_000);
    assert.equal(c.definition?.name, 't.S.Get');
    assert.equal(c.definition?.line, 4);
    // The response message ended in packet 3.
    assert.equal(c.messages?.find((m) => m.dir === 's2c')?.frame, 3);
  });
  it('message framing across every split gives identical calls', () => {
    const env = { ...testSession().env, definitions: { proto: defs } };
    const whole = norm(feed(unary(), { env }));
    for (const split of [1, 2, 4, 6, 11]) assert.equal(norm(feed(unary(), { env, split })), whole);
  });
});

describe('PROTOCOL-HTTP2.md: Trailers-Only, RST_STREAM, compression', () => {
  it('Trailers-Only NOT_FOUND with a percent-encoded message', () => {
    const s = feed([c2s(preface(), frame(1, 0x4, 1, REQH('/t.S/Get')), frame(0, 1, 1, lpm([8, 1]))), s2c(frame(1, 0x5, 1, block([[':status', '200'], ['content-type', 'application/grpc'], ['grpc-status', '5'], ['grpc-message', 'no%20such%20person%20%E2%80%94']])))]);
    const c = s.calls[0];
    assert.equal(c.status?.text, 'NOT_FOUND');
    assert.equal(c.fields['grpc.message'], 'no such person —');
    assert.equal(c.fields['grpc.trailers_only'], true);
  });
  it('RST_STREAM CANCEL → aborted, CANCELLED', () => {
    const s = feed([c2s(preface(), frame(1, 0x4, 1, REQH('/t.S/List')), frame(0, 1, 1, lpm([8, 1]))), s2c(frame(1, 0x4, 1, RESH()), frame(0, 0, 1, lpm([0x0a, 1, 0x41]))), c2s(frame(3, 0, 1, [0, 0, 0, 8]))]);
    const c = s.calls[0];
    assert.equal(c.state, 'aborted');
    assert.equal(c.status?.text, 'CANCELLED');
  });
  it('PROTOCOL-HTTP2.md "Timeouts": a client RST_STREAM at grpc-timeout is DEADLINE_EXCEEDED whatever its error code', () => {
    // Connect-ES resets with INTERNAL_ERROR (0x2) when its deadline passes; grpc-js/C-core with CANCEL (0x8).
    for (const code of [0x2, 0x8, 0x0]) {
      const c = feed([
        { ...c2s(preface(), frame(1, 0x4, 1, REQH('/t.S/Get')), frame(0, 1, 1, lpm([8, 1]))), tsUs: 1_000_000 },
        { ...c2s(fromHex(`0000040300000000010000000${code.toString(16)}`)), tsUs: 1_250_400 },
      ]).calls[0];
      assert.equal(c.state, 'aborted');
      assert.deepEqual(c.status, { code: 4, text: 'DEADLINE_EXCEEDED', ok: false }, `RST_STREAM 0x${code.toString(16)}`);
    }
    // Well before the deadline an INTERNAL_ERROR reset stays INTERNAL.
    const early = feed([{ ...c2s(preface(), frame(1, 0x4, 1, REQH('/t.S/Get')), frame(0, 1, 1, lpm([8, 1]))), tsUs: 1_000_000 }, { ...c2s(fromHex('00000403000000000100000002')), tsUs: 1_010_000 }]).calls[0];
    assert.equal(early.status?.text, 'INTERNAL');
  });
  it('gzip-compressed message; snappy that is not snappy gives a clear warning', () => {
    const gz = gzipSync(Uint8Array.of(8, 7));
    const s = feed([c2s(preface(), frame(1, 0x4, 1, REQH('/t.S/Get', [['grpc-encoding', 'gzip']])), frame(0, 1, 1, lpm(gz, 1))), s2c(frame(1, 0x4, 1, RESH()), frame(1, 0x5, 1, OK()))]);
    assert.deepEqual(s.calls[0].request?.value, { '1': 7 });
    const s2 = feed([c2s(preface(), frame(1, 0x4, 1, REQH('/t.S/Get', [['grpc-encoding', 'snappy']])), frame(0, 1, 1, lpm([1, 2, 3], 1))), s2c(frame(1, 0x4, 1, RESH()), frame(1, 0x5, 1, OK()))]);
    assert.ok(s2.calls[0].warnings.some((w) => /snappy decompression failed/.test(w)));
  });
  it('grpc-encoding snappy (google/snappy framing_format.txt: stream identifier, a compressed chunk and an uncompressed one) and lz4 (lz4_Frame_format.md) decode without an injected codec', () => {
    // t.Req {id: 7} = 08 07 as a raw snappy block: preamble 2, literal tag (2-1)<<2, the bytes.
    // The uncompressed chunk adds 10 01: field 2 = 1.
    const framed = fromHex('ff060000734e61507059' + '00080000' + '00000000' + '02040807' + '01060000' + '00000000' + '1001');
    const s = feed([c2s(preface(), frame(1, 0x4, 1, REQH('/t.S/Get', [['grpc-encoding', 'snappy']])), frame(0, 1, 1, lpm(framed, 1))), s2c(frame(1, 0x4, 1, RESH()), frame(1, 0x5, 1, OK()))]);
    assert.deepEqual(s.calls[0].request?.value, { '1': 7, '2': 1 });
    assert.deepEqual(s.calls[0].warnings, []);
    assert.equal(s.calls[0].fields['grpc.encoding'], 'snappy');
    // LZ4 frame: magic, FLG 0x60, BD 0x40, HC, one stored block of 2 bytes, end mark.
    const lz4 = fromHex('04224d18 60 40 82 02000080 0807 00000000'.replace(/ /g, ''));
    const s3 = feed([c2s(preface(), frame(1, 0x4, 1, REQH('/t.S/Get', [['grpc-encoding', 'lz4']])), frame(0, 1, 1, lpm(lz4, 1))), s2c(frame(1, 0x4, 1, RESH()), frame(1, 0x5, 1, OK()))]);
    assert.deepEqual(s3.calls[0].request?.value, { '1': 7 });
    assert.deepEqual(s3.calls[0].warnings, []);
  });
  it('grpc.encoding names what compressed messages used; the headers stay as declared (PROTOCOL-HTTP2.md Compressed-Flag)', () => {
    // grpcio: the client declares grpc-encoding gzip, the server too, but neither message has the compressed flag.
    const declared = block([[':status', '200'], ['content-type', 'application/grpc'], ['grpc-encoding', 'gzip']]);
    const plain = feed([c2s(preface(), frame(1, 0x4, 1, REQH('/t.S/Get', [['grpc-encoding', 'gzip']])), frame(0, 1, 1, lpm([8, 7]))), s2c(frame(1, 0x4, 1, declared), frame(0, 0, 1, lpm([8, 1])), frame(1, 0x5, 1, OK()))]).calls[0];
    assert.equal(plain.fields['grpc.encoding'], undefined);
    assert.equal(plain.fields['grpc.request_encoding'], 'gzip');
    assert.equal(plain.fields['grpc.response_encoding'], 'gzip');
    assert.equal(plain.response?.body?.encoding, undefined);
    // Only the response is compressed (the request declared identity).
    const gz = gzipSync(Uint8Array.of(8, 9));
    const one = feed([c2s(preface(), frame(1, 0x4, 1, REQH('/t.S/Get', [['grpc-encoding', 'identity']])), frame(0, 1, 1, lpm([8, 7]))), s2c(frame(1, 0x4, 1, declared), frame(0, 0, 1, lpm(gz, 1)), frame(1, 0x5, 1, OK()))]).calls[0];
    assert.equal(one.fields['grpc.encoding'], 'gzip');
    assert.equal(one.fields['grpc.request_encoding'], 'identity');
    assert.deepEqual(one.response?.value, { '1': 9 });
    assert.equal(one.response?.body?.encoding, 'gzip');
  });
  it('decompression bomb is bounded', () => {
    const bomb = gzipSync(new Uint8Array(4 << 20));
    const env = { ...testSession().env, limits: { ...testSession().env.limits, maxDecompressedBytes: 1 << 20 } };
    const s = feed([c2s(preface(), frame(1, 0x4, 1, REQH('/t.S/Get', [['grpc-encoding', 'gzip']])), frame(0, 1, 1, lpm(bomb, 1))), s2c(frame(1, 0x5, 1, block([[':status', '200'], ['grpc-status', '0']])))], { env });
    assert.ok(s.calls[0].warnings.some((w) => /decompresses past/.test(w)));
  });
  it('message counts give the kind without a schema', () => {
    const s = feed([c2s(preface(), frame(1, 0x4, 1, REQH('/x.Y/Z')), frame(0, 1, 1, lpm([8, 1]))), s2c(frame(1, 0x4, 1, RESH()), frame(0, 0, 1, concatBytes([lpm([8, 1]), lpm([8, 2])])), frame(1, 0x5, 1, OK()))]);
    assert.equal(s.calls[0].kind, 'server-stream');
    assert.equal(s.calls[0].messages?.length, 3);
  });
});

describe('length-prefixed messages and header values', () => {
  it('reader across byte splits, zero-length messages', () => {
    const bytes = concatBytes([lpm([]), lpm([1, 2, 3]), lpm([])]);
    const got: number[] = [];
    const r = new LengthPrefixedReader(100);
    for (let i = 0; i < bytes.length; i++) r.push(bytes.subarray(i, i + 1), i, (m) => got.push(m.length, m.endOffset));
    assert.deepEqual(got, [0, 4, 3, 12, 0, 17]);
  });
  it('grpc-timeout units and percent-decoding', () => {
    assert.equal(parseGrpcTimeout('1S'), 1_000_000);
    assert.equal(parseGrpcTimeout('2M'), 120_000_000);
    assert.equal(parseGrpcTimeout('100u'), 100);
    assert.equal(parseGrpcTimeout('123456789S'), undefined);
    assert.equal(percentDecode('a%20b%zz'), 'a b%zz');
  });
});

describe('standard services bundled: grpc/health/v1/health.proto, grpc/reflection/v1alpha/reflection.proto', () => {
  const req = (path: string) => block([[':method', 'POST'], [':scheme', 'http'], [':path', path], ['content-type', 'application/grpc'], ['te', 'trailers']]);
  it('Health/Watch with one update is a server stream with named fields and enum values, without a .proto and beside unrelated ones', () => {
    // grpc-go 1.33: HealthCheckRequest {service: "echo"}, one HealthCheckResponse {status: SERVING (1)}, then grpc-status 1 at the deadline.
    const pkts = [
      c2s(preface(), frame(1, 0x4, 1, req('/grpc.health.v1.Health/Watch')), frame(0, 1, 1, fromHex('00000000060a046563686f'))),
      s2c(frame(1, 0x4, 1, RESH()), frame(0, 0, 1, fromHex('00000000020801')), frame(1, 0x5, 1, block([['grpc-status', '1'], ['grpc-message', 'Stream has ended.']]))),
    ];
    for (const env of [undefined, { ...testSession().env, definitions: { proto: defs } }]) {
      const c = feed(pkts, { env }).calls[0];
      assert.equal(c.kind, 'server-stream');
      assert.deepEqual(c.request?.value, { service: 'echo' });
      assert.deepEqual(c.messages?.filter((m) => m.dir === 's2c').map((m) => m.value), [{ status: 'SERVING' }]);
      assert.deepEqual(c.warnings, []);
      assert.equal(c.definition, undefined);
    }
  });
  it('ServerReflectionInfo: list_services and an error response by field name', () => {
    const c = feed([
      c2s(preface(), frame(1, 0x4, 1, req('/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo')), frame(0, 0, 1, fromHex('00000000033a012a'))),
      s2c(
        frame(1, 0x4, 1, RESH()),
        // {original_request: {list_services: "*"}, list_services_response: {service: [{name: "a.B"}]}}
        frame(0, 0, 1, fromHex('000000000e' + '12033a012a' + '3207' + '0a05' + '0a03612e42')),
      ),
      c2s(frame(0, 1, 1, fromHex('00000000032201' + '78'))),
      // {error_response: {error_code: 5, error_message: "x"}}
      s2c(frame(0, 0, 1, fromHex('0000000007' + '3a05' + '0805' + '1201' + '78')), frame(1, 0x5, 1, OK())),
    ]).calls[0];
    assert.equal(c.kind, 'bidi');
    assert.deepEqual(
      c.messages?.map((m) => m.value),
      [{ list_services: '*' }, { original_request: { list_services: '*' }, list_services_response: { service: [{ name: 'a.B' }] } }, { file_containing_symbol: 'x' }, { error_response: { error_code: 5, error_message: 'x' } }],
    );
  });
});

describe('PROTOCOL-WEB.md: gRPC-Web router', () => {
  const call = (reqBody: Uint8Array, resBody: Uint8Array, ct = 'application/grpc-web+proto'): Call => {
    const s = testSession();
    const c = s.newCall('http', { frame: 1, tsUs: 1, streamOffset: 0 });
    const text = ct.includes('text');
    const body = (b: Uint8Array) => (text ? { size: b.length, kind: 'text' as const, text: toBase64(b) } : { size: b.length, kind: 'binary' as const, hex: toHex(b) });
    c.http = { version: 'HTTP/1.1', method: 'POST', uri: '/t.S/Get', status: 200, requestHeaders: [['Content-Type', ct]], responseHeaders: [['Content-Type', ct]], requestBody: body(reqBody), responseBody: body(resBody) };
    assert.ok(grpcWebRouter.match(c));
    grpcWebRouter.apply(c, s);
    return c;
  };
  it('binary body with a trailers frame', () => {
    const c = call(lpm([8, 5]), concatBytes([lpm([0x0a, 1, 0x42]), lpm(new TextEncoder().encode('grpc-status: 3\r\ngrpc-message: bad\r\n'), 0x80)]));
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.fields['grpc.web'], true);
    assert.equal(c.status?.text, 'INVALID_ARGUMENT');
    assert.deepEqual(c.request?.value, { '1': 5 });
    // the trailers frame is the response's trailers, as HTTP/2 trailers are for native gRPC
    assert.deepEqual(c.response?.trailers, [['grpc-status', '3'], ['grpc-message', 'bad']]);
  });
  it('over HTTP/2, a client RST_STREAM after the trailers frame leaves the call complete', () => {
    // PROTOCOL-WEB.md trailers frame (flag 0x80) "grpc-status: 0\r\n", then RST_STREAM INTERNAL_ERROR from the client (Connect-ES).
    const trailers = fromHex('8000000010677270632d7374617475733a20300d0a');
    const ct = 'application/grpc-web+proto';
    const c = feed([
      c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/t.S/Get'], ['content-type', ct]])), frame(0, 1, 1, lpm([8, 5]))),
      s2c(frame(1, 0x4, 1, block([[':status', '200'], ['content-type', ct]])), frame(0, 0, 1, concatBytes([lpm([0x0a, 1, 0x42]), trailers]))),
      c2s(fromHex('00000403000000000100000002')),
    ]).calls[0];
    assert.equal(c.fields['grpc.web'], true);
    assert.equal(c.state, 'complete');
    assert.equal(c.status?.code, 0);
    assert.deepEqual(c.warnings, []);
    assert.equal(c.fields['grpc.reset_after_trailers'], true);
    // The same reset from the server is no client ending the call: it stays aborted, its warning kept.
    const r = feed([
      c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/t.S/Get'], ['content-type', ct]])), frame(0, 1, 1, lpm([8, 5]))),
      s2c(frame(1, 0x4, 1, block([[':status', '200'], ['content-type', ct]])), frame(0, 0, 1, concatBytes([lpm([0x0a, 1, 0x42]), trailers])), fromHex('00000403000000000100000002')),
    ]).calls[0];
    assert.equal(r.state, 'aborted');
    assert.equal(r.fields['grpc.reset_after_trailers'], undefined);
    assert.ok(r.warnings.includes('stream 1 reset by the server: RST_STREAM INTERNAL_ERROR'));
  });
  it('over HTTP/2, a client RST_STREAM CANCEL at its grpc-timeout with no status is DEADLINE_EXCEEDED (PROTOCOL-HTTP2.md, RFC 9113 §6.4)', () => {
    // python-h2 client: grpc-timeout 100m, response headers only, then RST_STREAM CANCEL (code 8) 100 ms later.
    const ct = 'application/grpc-web+proto';
    const c = feed([
      { dir: 'c2s', tsUs: 1_000_000, data: concatBytes([preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/t.S/Get'], ['content-type', ct], ['grpc-timeout', '100m']])), frame(0, 1, 1, lpm([8, 5]))]) },
      { dir: 's2c', tsUs: 1_000_400, data: frame(1, 0x4, 1, block([[':status', '200'], ['content-type', ct]])) },
      { dir: 'c2s', tsUs: 1_100_300, data: fromHex('00000403000000000100000008') },
    ]).calls[0];
    assert.equal(c.fields['grpc.web'], true);
    assert.equal(c.state, 'aborted');
    assert.deepEqual(c.status, { code: 4, text: 'DEADLINE_EXCEEDED', ok: false });
    assert.equal(c.fields['grpc.status_from'], 'rst_stream');
    assert.equal(c.fields['grpc.deadline_passed'], true);
    // A server reset (REFUSED_STREAM, code 7) before any status: UNAVAILABLE.
    const r = feed([
      c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/t.S/Get'], ['content-type', ct]])), frame(0, 1, 1, lpm([8, 5]))),
      s2c(fromHex('00000403000000000100000007')),
    ]).calls[0];
    assert.equal(r.fields['grpc.web'], true);
    assert.deepEqual([r.state, r.status?.code, r.status?.text], ['aborted', 14, 'UNAVAILABLE']);
  });
  it('grpc-web-text (base64)', () => {
    const c = call(lpm([8, 5]), concatBytes([lpm([0x0a, 1, 0x42]), lpm(new TextEncoder().encode('grpc-status: 0\r\n'), 0x80)]), 'application/grpc-web-text');
    assert.equal(c.status?.code, 0);
    assert.deepEqual(c.response?.value, { '1': 'B' });
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { nodeEnv } from '../../../cli/platform/node-env';
import { decodeHttpBody, parseJsonExact, parseMediaType } from '../../../decoders/http-common/body';
import { emitHttpCall, targetPath } from '../../../decoders/http-common/exchange';
import { BODY_ROUTERS } from '../../../decoders/http-common/routers';
import { testSession, at } from '../../helpers/session';
import type { HeaderList } from '../../../decoders/core/model';

const env = nodeEnv();
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (body: string | Uint8Array, headers: HeaderList, e = env) => {
  const b = typeof body === 'string' ? enc(body) : body;
  return decodeHttpBody(b, b.length, headers, e);
};

describe('RFC 9110 §8.3.1 media type', () => {
  it('parses type, parameters, quoted strings', () => {
    assert.deepEqual(parseMediaType('Text/HTML; Charset="utf-8"; q=1'), { essence: 'text/html', params: { charset: 'utf-8', q: '1' } });
    assert.deepEqual(parseMediaType('multipart/form-data; boundary="a;b"'), { essence: 'multipart/form-data', params: { boundary: 'a;b' } });
    assert.equal(parseMediaType(''), undefined);
  });
});

describe('JSON bodies (RFC 8259)', () => {
  it('parses application/json, +json and application/*json*', () => {
    for (const ct of ['application/json', 'application/problem+json', 'application/x-ndjson-ish-json', 'application/json; charset=utf-8']) {
      const r = dec('{"a":[1,{"b":null}]}', [['Content-Type', ct]]);
      assert.equal(r.body.kind, 'json', ct);
      assert.deepEqual(r.body.value, { a: [1, { b: null }] });
    }
  });
  it('sniffs JSON in text/plain and untyped bodies', () => {
    assert.equal(dec('[1,2]', [['Content-Type', 'text/plain']]).body.kind, 'json');
    assert.equal(dec(' {"x":1}', []).body.kind, 'json');
  });
  it('keeps invalid JSON as text with a warning', () => {
    const r = dec('{"a":', [['Content-Type', 'application/json']]);
    assert.equal(r.body.kind, 'text');
    assert.equal(r.body.text, '{"a":');
    assert.ok(r.warnings[0].startsWith('invalid JSON'));
  });
  it('bounds nesting depth (limits.maxDepth)', () => {
    const deep = '['.repeat(100) + ']'.repeat(100);
    const r = dec(deep, [['Content-Type', 'application/json']], nodeEnv({ limits: { maxDepth: 64 } }));
    assert.equal(r.body.kind, 'text');
    assert.ok(r.warnings.some((w) => /deeper than 64/.test(w)));
    const ok = dec('['.repeat(64) + ']'.repeat(64), [['Content-Type', 'application/json']]);
    assert.equal(ok.body.kind, 'json');
    const huge = '['.repeat(200000) + ']'.repeat(200000);
    assert.equal(dec(huge, [['Content-Type', 'application/json']]).body.kind, 'text');
  });
});

describe('XML, text, forms, multipart, binary', () => {
  it('XML as text (text/xml, application/xml, +xml)', () => {
    for (const ct of ['text/xml', 'application/xml', 'application/soap+xml; charset=utf-8']) {
      const r = dec('<a>é</a>', [['Content-Type', ct]]);
      assert.equal(r.body.kind, 'xml');
      assert.equal(r.body.text, '<a>é</a>');
    }
  });
  it('text with its charset (utf-8 default, latin1)', () => {
    assert.equal(dec(new Uint8Array([0x63, 0x61, 0x66, 0xe9]), [['Content-Type', 'text/plain; charset=ISO-8859-1']]).body.text, 'café');
    assert.equal(dec('café', [['Content-Type', 'text/html']]).body.text, 'café');
  });
  it('application/x-www-form-urlencoded into an object', () => {
    const r = dec('name=Ada+Lovelace&tag=a&tag=b%26c&empty=', [['Content-Type', 'application/x-www-form-urlencoded']]);
    assert.equal(r.body.kind, 'form');
    assert.deepEqual(r.body.value, { name: 'Ada Lovelace', tag: ['a', 'b&c'], empty: '' });
  });
  it('multipart/byteranges: each part says which bytes it holds (RFC 9110 section 14.6)', () => {
    // Rack::Files (rack 2.2, on puma 5.6) answering `Range: bytes=0-9,100-119,-5` with a 206: the
    // body as captured
    const body =
      '0d0a2d2d4161423033780d0a436f6e74656e742d547970653a20746578742f706c61696e0d0a436f6e74656e742d52616e67653a20627974657320302d392f363735360d0a0d0a5834624a475a67742b' +
      '380d0a2d2d4161423033780d0a436f6e74656e742d547970653a20746578742f706c61696e0d0a436f6e74656e742d52616e67653a206279746573203130302d3131392f363735360d0a0d0a30386937' +
      '63577958437467316b37424653676f370d0a2d2d4161423033780d0a436f6e74656e742d547970653a20746578742f706c61696e0d0a436f6e74656e742d52616e67653a20627974657320363735312d' +
      '363735352f363735360d0a0d0a704e513d0a0d0a2d2d4161423033782d2d0d0a';
    const bytes = Uint8Array.from(body.match(/../g)!.map((x) => parseInt(x, 16)));
    const r = dec(bytes, [['Content-Type', 'multipart/byteranges; boundary=AaB03x']]);
    const parts = (r.body?.value ?? []) as Array<{ contentRange?: string; size: number; text?: string }>;
    assert.deepEqual(
      parts.map((p) => [p.contentRange, p.size, p.text]),
      [
        ['bytes 0-9/6756', 10, 'X4bJGZgt+8'],
        ['bytes 100-119/6756', 20, '08i7cWyXCtg1k7BFSgo7'],
        ['bytes 6751-6755/6756', 5, 'pNQ=\n'],
      ],
    );
  });
  it('multipart/form-data parts listed (RFC 7578)', () => {
    const body = ['--XyZ', 'Content-Disposition: form-data; name="title"', '', 'Hello', '--XyZ', 'Content-Disposition: form-data; name="file"; filename="a.png"', 'Content-Type: image/png', '', '\x89PNG....', '--XyZ--', ''].join('\r\n');
    const r = dec(body, [['Content-Type', 'multipart/form-data; boundary=XyZ']]);
    assert.equal(r.body.kind, 'form');
    assert.deepEqual(r.body.value, [
      { name: 'title', size: 5, text: 'Hello' },
      { name: 'file', filename: 'a.png', contentType: 'image/png', size: 9 },
    ]);
  });
  it("a JSON part keeps its text though it has a file name (FormData sends a JSON Blob as a file named \"blob\")", () => {
    // (the part as Node 20's FormData writes `fd.append('meta', new Blob([json], { type: 'application/json' }))`)
    const body = ['--B', 'Content-Disposition: form-data; name="meta"; filename="blob"', 'Content-Type: application/json', '', '{"caption":"launch"}', '--B--', ''].join('\r\n');
    const r = dec(body, [['Content-Type', 'multipart/form-data; boundary=B']]);
    assert.deepEqual(r.body.value, [{ name: 'meta', filename: 'blob', contentType: 'application/json', size: 20, text: '{"caption":"launch"}' }]);
  });
  it('binary: hex of the first 64 bytes and the size', () => {
    const b = new Uint8Array(100).map((_, i) => i);
    const r = dec(b, [['Content-Type', 'application/octet-stream']]);
    assert.equal(r.body.kind, 'binary');
    assert.equal(r.body.size, 100);
    assert.equal(r.body.hex?.length, 128);
  });
  it('truncated preview: size is the full size', () => {
    const r = decodeHttpBody(enc('{"a":1'), 5000, [['Content-Type', 'application/json']], env);
    assert.equal(r.body.size, 5000);
    assert.equal(r.body.truncated, true);
    assert.equal(r.body.kind, 'text');
  });
});

describe('RFC 9110 §8.4.1 content codings', () => {
  it('identity is a no-op; unknown codings warn', () => {
    assert.equal(dec('hi', [['Content-Encoding', 'identity'], ['Content-Type', 'text/plain']]).body.text, 'hi');
    const r = dec('hi', [['Content-Encoding', 'compress']]);
    assert.ok(r.warnings.some((w) => /unknown content coding "compress"/.test(w)));
  });
  it('raw deflate (what some servers send as "deflate")', () => {
    const r = dec(new Uint8Array(zlib.deflateRawSync('{"x":2}')), [['Content-Encoding', 'deflate'], ['Content-Type', 'application/json']]);
    assert.deepEqual(r.body.value, { x: 2 });
  });
  it('a gzip bomb stops at maxDecompressedBytes (8 MiB by default)', () => {
    const bomb = new Uint8Array(zlib.gzipSync(new Uint8Array(9 << 20)));
    const r = dec(bomb, [['Content-Encoding', 'gzip']]);
    assert.ok(r.warnings.includes('gzip body expands past 8 MiB: decoding stopped'), JSON.stringify(r.warnings));
  });
});

describe('emitHttpCall: the plain-HTTP view', () => {
  it('sets method, target, status and Wireshark fields, then emits', () => {
    const s = testSession();
    const call = s.newCall('http2', at());
    call.http = {
      version: 'HTTP/2',
      method: 'GET',
      uri: 'https://api.example/v1/x?y=1',
      host: 'api.example',
      status: 503,
      reason: '',
      requestHeaders: [['user-agent', 'Go-http-client/2.0']],
      responseHeaders: [['content-type', 'text/plain'], ['server', 'envoy']],
    };
    emitHttpCall(call, s);
    assert.equal(s.calls.length, 1);
    const c = s.calls[0];
    assert.equal(c.protocol, 'http2');
    assert.equal(c.method, 'GET');
    assert.equal(c.target, '/v1/x?y=1');
    assert.deepEqual(c.status, { code: 503, text: '', ok: false });
    assert.equal(c.fields['http.host'], 'api.example');
    assert.equal(c.fields['http.user_agent'], 'Go-http-client/2.0');
    assert.equal(c.fields['http.server'], 'envoy');
    assert.equal(c.fields['http.content_type'], 'text/plain');
  });
  it('target paths', () => {
    assert.equal(targetPath('/a?b'), '/a?b');
    assert.equal(targetPath('http://h:80'), '/');
    assert.equal(targetPath('h:443', 'CONNECT'), 'h:443');
    assert.equal(targetPath('*', 'OPTIONS'), '*');
  });
  it('BODY_ROUTERS lists xmlrpc then jsonrpc', () => {
    assert.deepEqual(
      BODY_ROUTERS.slice(0, 2).map((r) => r.id),
      ['xmlrpc', 'jsonrpc'],
    );
  });
});

describe('RFC 8259 §6: integers a double cannot hold exactly', () => {
  it('a 64-bit id beyond 2^53 keeps its digits (as a string, with a note); safe integers, decimals and strings are untouched', () => {
    const text = '{"id":9007199254740993,"neg":-12345678901234567890,"safe":9007199254740991,"ts":1795300185618786,"f":1.2345678901234567e300,"s":"9007199254740993","a":[18446744073709551615]}';
    const r = dec(text, [['Content-Type', 'application/json']]);
    assert.deepEqual(r.body.value, { id: '9007199254740993', neg: '-12345678901234567890', safe: 9007199254740991, ts: 1795300185618786, f: 1.2345678901234567e300, s: '9007199254740993', a: ['18446744073709551615'] });
    assert.deepEqual(r.warnings, ['3 integers beyond ±2^53 kept as exact strings (a JSON number that large loses digits as a double)']);
  });
  it('escaped quotes inside strings do not throw the scan off', () => {
    const r = dec('{"k":"a\\"12345678901234567890","n":12345678901234567890}', [['Content-Type', 'application/json']]);
    assert.deepEqual(r.body.value, { k: 'a"12345678901234567890', n: '12345678901234567890' });
  });
  it('an ordinary body gets no note', () => {
    const r = dec('{"personid":"1574","score":57.4}', [['Content-Type', 'application/json']]);
    assert.deepEqual(r.warnings, []);
  });
  it('2^53 and 2^60, which a double holds exactly, stay numbers without a note; 2^53 + 1 does not', () => {
    const r = dec('{"a":9007199254740992,"b":1152921504606846976,"c":-9007199254740992,"d":9007199254740993}', [['Content-Type', 'application/json']]);
    assert.deepEqual(r.body.value, { a: 2 ** 53, b: 2 ** 60, c: -(2 ** 53), d: '9007199254740993' });
    assert.deepEqual(r.warnings, ['1 integer beyond ±2^53 kept as exact strings (a JSON number that large loses digits as a double)']);
  });
});

describe('RFC 8259 §6: integers beyond 2^53 kept exact wherever they stand in the text', () => {
  it('a 20-digit integer is found at every offset (the scan looks at every sixteenth character), a 15-digit run is not one', () => {
    for (let pad = 0; pad < 40; pad++) {
      const text = `{"${'p'.repeat(pad)}":12345678901234567890}`;
      const r = parseJsonExact(text);
      assert.equal(r.exact, 1, `offset ${pad}`);
      assert.equal((r.value as Record<string, unknown>)['p'.repeat(pad)], '12345678901234567890');
      const short = parseJsonExact(`{"${'p'.repeat(pad)}":123456789012345}`);
      assert.equal(short.exact, 0, `15 digits at offset ${pad}`);
      assert.equal((short.value as Record<string, unknown>)['p'.repeat(pad)], 123456789012345);
    }
  });
});

describe('Protocol Buffers bodies (Prometheus remote write 1.0 and protobuf exposition, OTLP/HTTP)', () => {
  // Facts of the formats: remote write 1.0 posts a snappy block (Content-Encoding: snappy) of prometheus.WriteRequest
  // with X-Prometheus-Remote-Write-Version 0.1.0; the protobuf exposition is
  // `application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited`, each
  // MetricFamily after its varint length. Prometheus 2.42 sent the bodies these were checked against.
  const PROTO = `syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`;
  const FAMILY = `syntax = "proto2";
package io.prometheus.client;
message MetricFamily { optional string name = 1; optional string help = 2; optional MetricType type = 3; }
enum MetricType { COUNTER = 0; GAUGE = 1; SUMMARY = 2; }
`;
  // WriteRequest{timeseries: [{labels: [{name: "__name__", value: "up"}], samples: [{value: 1, timestamp: 1700000000000}]}]}
  const write = Uint8Array.from(Buffer.from('0a220a0e0a085f5f6e616d655f5f12027570121009000000000000f03f1080d095ffbc31', 'hex'));
  // a snappy block of one literal (snappy format_description.txt: the uncompressed length, then a literal tag)
  const snappy = (b: Uint8Array) => Uint8Array.from([b.length, (b.length - 1) << 2, ...b]);
  const withDefs = (texts: string[]) => {
    const { buildProtoDefinitions } = require('../../../decoders/protobuf/definitions') as typeof import('../../../decoders/protobuf/definitions');
    return { ...env, definitions: { proto: buildProtoDefinitions(texts.map((text, i) => ({ path: `p${i}.proto`, text }))) } };
  };
  const rwHeaders: HeaderList = [['Content-Type', 'application/x-protobuf'], ['Content-Encoding', 'snappy'], ['X-Prometheus-Remote-Write-Version', '0.1.0']];
  it('without .proto files: snappy undone, decoded raw (field numbers)', () => {
    const r = dec(snappy(write), rwHeaders);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.body.kind, 'protobuf-raw');
    assert.equal(r.body.encoding, 'snappy');
    assert.deepEqual((r.body.value as Record<string, Record<string, unknown>>)['1']['1'], { '1': '__name__', '2': 'up' });
  });
  it("with the workspace's .proto: a remote write request is a typed prometheus.WriteRequest", () => {
    const r = dec(snappy(write), rwHeaders, withDefs([PROTO]));
    assert.deepEqual(r.warnings, []);
    assert.equal(r.body.kind, 'protobuf');
    assert.deepEqual(r.body.value, { timeseries: [{ labels: [{ name: '__name__', value: 'up' }], samples: [{ value: 1, timestamp: '1700000000000' }] }] });
  });
  it('the delimited exposition: each message after its varint length, typed by the proto= parameter', () => {
    const fam = (name: string, type: number) => Buffer.concat([Buffer.from([0x0a, name.length]), Buffer.from(name), Buffer.from([0x18, type])]);
    const a = fam('up', 1);
    const b = fam('go_gc_duration_seconds', 2);
    const body = Uint8Array.from(Buffer.concat([Buffer.from([a.length]), a, Buffer.from([b.length]), b]));
    const headers: HeaderList = [['Content-Type', 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited']];
    const typed = dec(body, headers, withDefs([FAMILY]));
    assert.deepEqual(typed.body.value, [{ name: 'up', type: 'GAUGE' }, { name: 'go_gc_duration_seconds', type: 'SUMMARY' }]);
    assert.equal(typed.body.kind, 'protobuf');
    const raw = dec(body, headers);
    assert.deepEqual(raw.body.value, [{ '1': 'up', '3': 1 }, { '1': 'go_gc_duration_seconds', '3': 2 }]);
    // a length past the end: what came before, and a warning
    const bad = dec(Uint8Array.from([...body, 0x7f, 1, 2]), headers);
    assert.equal((bad.body.value as unknown[]).length, 2);
    assert.match(bad.warnings.join(), /a length runs past the end/);
  });
  it('a type the loaded .proto files do not define is said; a body cut at the preview is not decoded', () => {
    const r = dec(snappy(write), rwHeaders, withDefs([FAMILY]));
    assert.equal(r.body.kind, 'protobuf-raw');
    assert.match(r.warnings.join(), /protobuf type prometheus\.WriteRequest not found/);
    const cut = decodeHttpBody(write.subarray(0, 10), write.length, [['Content-Type', 'application/x-protobuf']], env);
    assert.equal(cut.body.kind, 'binary');
    assert.match(cut.warnings.join(), /cut|captured whole|preview/);
  });
});

describe('OTLP/HTTP (opentelemetry-proto "OTLP/HTTP": /v1/traces, /v1/metrics, /v1/logs carry Export*ServiceRequest)', () => {
  // A cut-down collector message (field 1 as in the real ExportTraceServiceRequest: resource_spans)
  const OTLP = `syntax = "proto3";
package opentelemetry.proto.collector.trace.v1;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { string schema_url = 3; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
`;
  it('the request path names the message: typed with the workspace .proto, raw without', async () => {
    const { run } = await import('../http1/feed');
    const { buildProtoDefinitions } = await import('../../../decoders/protobuf/definitions');
    const body = Buffer.from('0a0a1a0868747470733a2f2f', 'hex'); // resource_spans: [{schema_url: "https://"}]
    const res = Buffer.from('0a020801', 'hex'); // partial_success: {rejected_spans: 1}
    const script = [
      { dir: 'c2s' as const, data: Buffer.concat([Buffer.from(`POST /v1/traces HTTP/1.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.length}\r\n\r\n`), body]) },
      { dir: 's2c' as const, data: Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${res.length}\r\n\r\n`), res]) },
    ];
    const typed = run(script, { env: { ...env, definitions: { proto: buildProtoDefinitions([{ path: 'trace_service.proto', text: OTLP }]) } } }).calls[0];
    assert.deepEqual(typed.request?.body?.value, { resource_spans: [{ schema_url: 'https://' }] });
    assert.deepEqual(typed.response?.body?.value, { partial_success: { rejected_spans: '1' } });
    assert.deepEqual(typed.warnings, []);
    const raw = run(script).calls[0];
    assert.equal(raw.request?.body?.kind, 'protobuf-raw');
    assert.deepEqual(raw.request?.body?.value, { '1': { '3': 'https://' } });
  });
});

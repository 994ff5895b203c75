// Twirp (decoders/twirp): HTTP/1.1 exchanges written from the Twirp wire protocol v7 ("Routing and
// Methods", "Requests", "Responses", "Error codes"), decoded through the HTTP/1.1 decoder and the
// body routers, as a capture's would be.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { run, enc, type Packet } from '../http1/feed';
import { feed, frame, block, c2s, s2c, preface } from '../http2/h2';
import { buildProtoDefinitions } from '../../../decoders/protobuf/definitions';
import { concatBytes } from '../../../decoders/core/bytes';
import { testSession } from '../../helpers/session';
import { TWIRP_CODES, twirpCodeForHttpStatus } from '../../../decoders/twirp/index';
import { twirpRoute, isTwirpProtobufTarget } from '../../../decoders/twirp/route';
import { Linker } from '../../../extension/definitions/linker';
import { callText } from '../../../cli/table';
import type { Call } from '../../../decoders/core/model';
import type { DecoderEnv } from '../../../decoders/core/env';

const PROTO = `syntax = "proto3";
package t.v1;
message Size { int32 inches = 1; }
message Hat { int32 inches = 1; string color = 2; string name = 3; }
service Haberdasher {
  rpc MakeHat(Size) returns (Hat);
  rpc Watch(Size) returns (stream Hat);
}`;
const PROTO_FILE = { path: 'proto/hat.proto', text: PROTO };
const defs = buildProtoDefinitions([PROTO_FILE]);
const withDefs = (): DecoderEnv => ({ ...testSession().env, definitions: { proto: defs } });

type Hdrs = Array<[string, string]>;
function msg(head: string, headers: Hdrs, body: Uint8Array | string): Uint8Array {
  const b = typeof body === 'string' ? enc(body) : body;
  const h = [head, ...headers.map(([k, v]) => `${k}: ${v}`), `Content-Length: ${b.length}`, '', ''].join('\r\n');
  return concatBytes([enc(h), b]);
}
const post = (path: string, ct: string | undefined, body: Uint8Array | string, extra: Hdrs = []): Packet => ({
  dir: 'c2s',
  data: msg(`POST ${path} HTTP/1.1`, [['Host', '127.0.0.1:8080'], ...(ct ? ([['Content-Type', ct]] as Hdrs) : []), ...extra], body),
});
const answer = (status: string, ct: string | undefined, body: Uint8Array | string): Packet => ({ dir: 's2c', data: msg(`HTTP/1.1 ${status}`, ct ? [['Content-Type', ct]] : [], body) });
const one = (packets: Packet[], env = withDefs()): Call => {
  const s = run(packets, { env });
  assert.equal(s.calls.length, 1);
  return s.calls[0];
};
const twirpFields = (c: Call) => Object.fromEntries(Object.entries(c.fields).filter(([k]) => k.startsWith('twirp.')));

// Hat {inches: 12, color: "purple", name: <70 × "x">}: longer than the 64 bytes a protobuf body's hex
// preview keeps, so the whole body must be kept for the router.
const LONG_NAME = 'x'.repeat(70);
const HAT = concatBytes([Uint8Array.of(0x08, 0x0c, 0x12, 0x06), enc('purple'), Uint8Array.of(0x1a, 70), enc(LONG_NAME)]);

describe('Twirp wire protocol v7: Routing and Methods', () => {
  it('routes: [<prefix>]/[<package>.]<Service>/<Method>', () => {
    assert.deepEqual(twirpRoute('/twirp/t.v1.Haberdasher/MakeHat'), { prefix: '/twirp', service: 't.v1.Haberdasher', method: 'MakeHat' });
    assert.deepEqual(twirpRoute('/api/rpc/t.v1.Haberdasher/MakeHat'), { prefix: '/api/rpc', service: 't.v1.Haberdasher', method: 'MakeHat' });
    assert.deepEqual(twirpRoute('/t.v1.Haberdasher/MakeHat'), { prefix: '', service: 't.v1.Haberdasher', method: 'MakeHat' });
    assert.deepEqual(twirpRoute('/twirp/Haberdasher/MakeHat'), { prefix: '/twirp', service: 'Haberdasher', method: 'MakeHat' });
    // absolute-form (through a forward proxy)
    assert.deepEqual(twirpRoute('http://h:1/twirp/t.Hat/Make'), { prefix: '/twirp', service: 't.Hat', method: 'Make' });
    for (const p of ['/twirp/t.v1.Haberdasher/', '/persons', '/trpc/person.byId', '/a/b.c/d.e', '/x/1abc/Do', '/' + 'a/'.repeat(400) + 'S/M']) assert.equal(twirpRoute(p), undefined, p);
  });
  it('a protobuf body is kept whole for the router when its target is package-qualified or under /twirp', () => {
    assert.equal(isTwirpProtobufTarget('/twirp/Haberdasher/MakeHat'), true);
    assert.equal(isTwirpProtobufTarget('/t.v1.Haberdasher/MakeHat'), true);
    assert.equal(isTwirpProtobufTarget('/v1/traces'), false); // (OTLP/HTTP)
    assert.equal(isTwirpProtobufTarget('/api/Upload/File'), false);
  });
});

describe('Twirp wire protocol v7: Requests and Responses', () => {
  it('protobuf: one bare message each way, decoded by the rpc input/output types; linked to the rpc', () => {
    const c = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', Uint8Array.of(0x08, 0x0c)), answer('200 OK', 'application/protobuf', HAT)]);
    assert.equal(c.protocol, 'twirp');
    assert.equal(c.kind, 'unary');
    assert.equal(c.method, 't.v1.Haberdasher/MakeHat');
    assert.equal(c.target, '/twirp/t.v1.Haberdasher/MakeHat');
    assert.deepEqual(c.status, { code: 200, text: 'OK', ok: true });
    assert.deepEqual(c.request?.value, { inches: 12 });
    assert.deepEqual(c.response?.value, { inches: 12, color: 'purple', name: LONG_NAME });
    assert.equal(c.request?.body?.kind, 'protobuf');
    assert.equal(c.response?.body?.kind, 'protobuf');
    assert.deepEqual(twirpFields(c), { 'twirp.service': 't.v1.Haberdasher', 'twirp.method': 'MakeHat', 'twirp.prefix': '/twirp', 'twirp.codec': 'protobuf' });
    assert.deepEqual(c.definition, { kind: 'proto-rpc', name: 't.v1.Haberdasher.MakeHat', file: 'proto/hat.proto', line: 6, column: 3 });
    assert.deepEqual(c.warnings, []);
    assert.equal(c.fields['http.status'], 200);
  });
  it('over HTTP/2 (h2c, as twitchtv/twirp servers also serve): the same call', () => {
    const c = feed(
      [
        c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/twirp/t.v1.Haberdasher/MakeHat'], ['content-type', 'application/protobuf']])), frame(0, 1, 1, [0x08, 0x0c])),
        s2c(frame(1, 0x4, 1, block([[':status', '200'], ['content-type', 'application/protobuf']])), frame(0, 1, 1, HAT)),
      ],
      { env: withDefs() },
    ).calls[0];
    assert.equal(c.protocol, 'twirp');
    assert.deepEqual(c.request?.value, { inches: 12 });
    assert.deepEqual(c.response?.value, { inches: 12, color: 'purple', name: LONG_NAME });
    assert.equal(c.definition?.name, 't.v1.Haberdasher.MakeHat');
    assert.deepEqual(c.warnings, []);
  });
  it('protobuf without .proto files: the raw wire format, not linked', () => {
    const c = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', Uint8Array.of(0x08, 0x0c)), answer('200 OK', 'application/protobuf', HAT)], testSession().env);
    assert.equal(c.protocol, 'twirp');
    assert.deepEqual(c.request?.value, { '1': 12 });
    assert.equal(c.request?.body?.kind, 'protobuf-raw');
    assert.equal(c.definition, undefined);
    assert.deepEqual(c.warnings, []);
  });
  it('JSON: the bodies as JSON values (application/json both ways)', () => {
    const c = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/json', '{"inches":7}'), answer('200 OK', 'application/json', '{"inches":7,"color":"red"}')]);
    assert.equal(c.protocol, 'twirp');
    assert.deepEqual(c.request?.value, { inches: 7 });
    assert.deepEqual(c.response?.value, { inches: 7, color: 'red' });
    assert.equal(c.fields['twirp.codec'], 'json');
    assert.deepEqual(c.warnings, []);
  });
  it('a 200 of another type (a proxy\'s HTML page) is not decoded as a message', () => {
    const c = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', Uint8Array.of(0x08, 1)), answer('200 OK', 'text/html', '<html>maintenance</html>')]);
    assert.equal(c.protocol, 'twirp');
    assert.equal(c.response?.value, undefined);
    assert.equal(c.response?.body?.kind, 'text');
    assert.deepEqual(c.warnings, ['response Content-Type text/html is not a Twirp one (application/protobuf, application/json): not decoded as a message']);
  });
  it('an empty protobuf request is the message with every field at its default', () => {
    const c = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', ''), answer('200 OK', 'application/protobuf', Uint8Array.of(0x12, 1, 0x41))]);
    assert.deepEqual(c.request?.value, {});
    assert.deepEqual(c.response?.value, { color: 'A' });
  });
  it('Twirp-Version (twitchtv/twirp Go client) with no prefix and no .proto files', () => {
    const c = one([post('/t.v1.Haberdasher/MakeHat', 'application/json', '{"inches":1}', [['Twirp-Version', 'v8.1.3']]), answer('200 OK', 'application/json', '{}')], testSession().env);
    assert.equal(c.protocol, 'twirp');
    assert.equal(c.fields['twirp.version'], 'v8.1.3');
    assert.equal(c.fields['twirp.prefix'], '');
  });
  it('a request without a Content-Type (its headers lost) to a /twirp route: the codec of its 200 answer', () => {
    const c = one([post('/twirp/t.v1.Haberdasher/MakeHat', undefined, Uint8Array.of(0x08, 3)), answer('200 OK', 'application/protobuf', Uint8Array.of(0x08, 3))]);
    assert.equal(c.protocol, 'twirp');
    assert.equal(c.fields['twirp.codec'], 'protobuf');
    assert.deepEqual(c.response?.value, { inches: 3 });
    // a REST path without a Content-Type stays HTTP
    assert.equal(one([post('/api/Hats/Make', undefined, 'x'), answer('200 OK', 'application/protobuf', Uint8Array.of(0x08, 3))]).protocol, 'http');
  });
  it('a custom prefix: JSON is Twirp when the route names a loaded rpc; protobuf to a package-qualified service always', () => {
    const json = [post('/api/rpc/t.v1.Haberdasher/MakeHat', 'application/json', '{"inches":7}'), answer('200 OK', 'application/json', '{"inches":7}')];
    const c = one(json);
    assert.equal(c.protocol, 'twirp');
    assert.equal(c.fields['twirp.prefix'], '/api/rpc');
    assert.equal(c.definition?.name, 't.v1.Haberdasher.MakeHat');
    assert.equal(one(json, testSession().env).protocol, 'http');
    const pb = one([post('/api/rpc/t.v1.Haberdasher/MakeHat', 'application/protobuf', Uint8Array.of(0x08, 1)), answer('200 OK', 'application/protobuf', Uint8Array.of(0x08, 1))], testSession().env);
    assert.equal(pb.protocol, 'twirp');
    assert.deepEqual(pb.request?.value, { '1': 1 });
  });
  it('a streaming rpc of the .proto file: one message each way, said so', () => {
    const c = one([post('/twirp/t.v1.Haberdasher/Watch', 'application/protobuf', Uint8Array.of(0x08, 1)), answer('200 OK', 'application/protobuf', Uint8Array.of(0x08, 1))]);
    assert.equal(c.kind, 'unary');
    assert.deepEqual(c.warnings, ['rpc /t.v1.Haberdasher/Watch streams in the .proto file; Twirp has no streams: one message each way (twirp-ts serves every rpc so)']);
  });
  it('an rpc the loaded .proto files lack: raw, with a warning', () => {
    const c = one([post('/twirp/t.v1.Haberdasher/BuyHat', 'application/protobuf', Uint8Array.of(0x08, 1)), answer('200 OK', 'application/protobuf', '')]);
    assert.equal(c.protocol, 'twirp');
    assert.deepEqual(c.request?.value, { '1': 1 });
    assert.deepEqual(c.warnings, ['rpc /t.v1.Haberdasher/BuyHat not found in the loaded .proto files: messages decoded without a schema']);
  });
  it('malformed and cut messages are warnings on the call', () => {
    const bad = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', Uint8Array.of(0x08, 0xff)), answer('200 OK', 'application/protobuf', Uint8Array.of(0x12, 0x20, 0x41))]);
    assert.equal(bad.protocol, 'twirp');
    assert.ok(bad.warnings.some((w) => w.startsWith('request: ')));
    assert.ok(bad.warnings.some((w) => w.startsWith('response: ')));
    // The response cut by a capture gap: what was seen, and why the rest is not decoded.
    const head = msg('HTTP/1.1 200 OK', [['Content-Type', 'application/protobuf']], HAT);
    const s = run([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', Uint8Array.of(0x08, 1)), { dir: 's2c', data: head.subarray(0, head.length - 40) }, { dir: 's2c', data: '', gap: 40 }], { env: withDefs() });
    const cut = s.calls[0];
    assert.equal(cut.protocol, 'twirp');
    assert.ok(cut.warnings.length > 0);
    // (the gap cut it, not the preview limit: it said 'larger than the preview')
    assert.deepEqual(cut.warnings, ['body incomplete: 40 bytes not captured (capture gap)', `response not decoded: body of ${HAT.length} bytes not captured whole`]);
  });
});

describe('Twirp: bodies past the preview limit', () => {
  it('a message longer than the preview is said to be so (not a capture gap)', () => {
    const env = withDefs();
    const c = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', Uint8Array.of(0x08, 1)), answer('200 OK', 'application/protobuf', HAT)], { ...env, limits: { ...env.limits, maxBodyBytes: 32 } });
    assert.equal(c.protocol, 'twirp');
    assert.ok(c.warnings.includes(`response not decoded: body of ${HAT.length} bytes larger than the preview`), c.warnings.join('; '));
  });
});

describe('Twirp wire protocol v7: Error codes', () => {
  it('the codes and the HTTP status each is sent with', () => {
    assert.deepEqual({ ...TWIRP_CODES }, {
      canceled: 408, unknown: 500, invalid_argument: 400, malformed: 400, deadline_exceeded: 408, not_found: 404, bad_route: 404, already_exists: 409,
      permission_denied: 403, unauthenticated: 401, resource_exhausted: 429, failed_precondition: 412, aborted: 409, out_of_range: 400, unimplemented: 501,
      internal: 500, unavailable: 503, dataloss: 500,
    });
  });
  for (const [code, status] of Object.entries(TWIRP_CODES)) {
    it(`${code}: ✗ ${status} ${code}, msg and meta`, () => {
      const body = JSON.stringify({ code, msg: `it is ${code}`, meta: { argument: 'inches', retry: '1s' } });
      const c = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/json', '{"inches":0}'), answer(`${status} X`, 'application/json', body)]);
      assert.equal(c.protocol, 'twirp');
      assert.deepEqual(c.status, { code: status, text: code, ok: false });
      assert.equal(c.fields['twirp.code'], code);
      assert.equal(c.fields['twirp.msg'], `it is ${code}`);
      assert.equal(c.fields['twirp.meta'], '{"argument":"inches","retry":"1s"}');
      assert.deepEqual(c.response?.value, JSON.parse(body));
      assert.deepEqual(c.warnings, []);
    });
  }
  it('an error code sent with another HTTP status than its own is said so', () => {
    const c = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', ''), answer('500 Internal Server Error', 'application/json', '{"code":"not_found","msg":"gone"}')]);
    assert.deepEqual(c.status, { code: 500, text: 'not_found', ok: false });
    assert.deepEqual(c.warnings, ['Twirp error code not_found is sent with HTTP 404, this one came with 500']);
  });
  it("TwirpScript's own spelling data_loss is taken for dataloss, and said so", () => {
    const c = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', ''), answer('500 Internal Server Error', 'application/json', '{"code":"data_loss","msg":"corrupt"}')]);
    assert.deepEqual(c.status, { code: 500, text: 'data_loss', ok: false });
    assert.equal(c.fields['twirp.code'], 'data_loss');
    assert.deepEqual(c.warnings, ['Twirp error code data_loss: the spec spells it dataloss']);
  });
  it('an error without a Twirp body (a proxy answered): the code a Twirp client gives the HTTP status', () => {
    assert.deepEqual([301, 400, 401, 403, 404, 429, 502, 503, 504, 500, 418].map(twirpCodeForHttpStatus), ['internal', 'internal', 'unauthenticated', 'permission_denied', 'bad_route', 'unavailable', 'unavailable', 'unavailable', 'unavailable', 'unknown', 'unknown']);
    const c = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', Uint8Array.of(0x08, 1)), answer('502 Bad Gateway', 'text/html', '<html>bad gateway</html>')]);
    assert.equal(c.protocol, 'twirp');
    assert.deepEqual(c.status, { code: 502, text: 'unavailable', ok: false });
    assert.equal(c.fields['twirp.status_from'], 'http_status');
    assert.deepEqual(c.warnings, ["HTTP 502 without a Twirp error body (an intermediary's answer?): unavailable, as a Twirp client takes it"]);
  });
  it('an error body whose code is not a Twirp code: the HTTP status decides', () => {
    const c = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', ''), answer('404 Not Found', 'application/json', '{"code":"gone","msg":"x"}')]);
    assert.deepEqual(c.status, { code: 404, text: 'bad_route', ok: false });
    assert.match(c.warnings[0], /code "gone" is not a Twirp error code: bad_route/);
  });
  it('an error whose body the capture lost: its HTTP status, no Twirp code made up from it', () => {
    const body = '{"code":"invalid_argument","msg":"too small","meta":{"argument":"inches"}}';
    const head = msg('HTTP/1.1 400 Bad Request', [['Content-Type', 'application/json']], body);
    const s = run([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', ''), { dir: 's2c', data: head.subarray(0, head.length - body.length) }, { dir: 's2c', data: '', gap: body.length }], { env: withDefs() });
    const c = s.calls[0];
    assert.equal(c.protocol, 'twirp');
    assert.deepEqual(c.status, { code: 400, text: 'Bad Request', ok: false });
    assert.equal(c.fields['twirp.code'], undefined);
    assert.ok(c.warnings.includes('HTTP 400: the error body was not captured whole, its Twirp code is not known'));
    // (the request was whole: Content-Length 0 is the all-defaults message)
    assert.deepEqual(c.request?.value, {});
  });
  it('bad_route answers to a GET and to a request of another type are Twirp calls, said to be wrong', () => {
    const badRoute = (what: string) => JSON.stringify({ code: 'bad_route', msg: what, meta: { twirp_invalid_route: 'GET /twirp/t.v1.Haberdasher/MakeHat' } });
    const get = one([{ dir: 'c2s', data: 'GET /twirp/t.v1.Haberdasher/MakeHat HTTP/1.1\r\nHost: h\r\n\r\n' }, answer('404 Not Found', 'application/json', badRoute('unsupported method GET (only POST is allowed)'))]);
    assert.equal(get.protocol, 'twirp');
    assert.deepEqual(get.status, { code: 404, text: 'bad_route', ok: false });
    assert.equal(get.fields['twirp.codec'], undefined);
    assert.deepEqual(get.warnings, ['GET request to a Twirp route: Twirp calls are POSTs of application/protobuf or application/json']);
    const text = one([post('/twirp/t.v1.Haberdasher/MakeHat', 'text/plain', 'hi'), answer('404 Not Found', 'application/json', badRoute('unexpected Content-Type: text/plain'))]);
    assert.equal(text.protocol, 'twirp');
    assert.equal(text.fields['twirp.code'], 'bad_route');
    assert.deepEqual(text.warnings, ['POST request of type text/plain to a Twirp route: Twirp calls are POSTs of application/protobuf or application/json']);
  });
});

describe('Twirp or not: Connect, REST and the other routers keep theirs', () => {
  it('Connect unary (Connect-Protocol-Version; application/proto) stays connect', () => {
    const hdr: Hdrs = [['Connect-Protocol-Version', '1']];
    assert.equal(one([post('/t.v1.Haberdasher/MakeHat', 'application/json', '{"inches":1}', hdr), answer('200 OK', 'application/json', '{}')]).protocol, 'connect');
    assert.equal(one([post('/t.v1.Haberdasher/MakeHat', 'application/proto', Uint8Array.of(8, 1)), answer('200 OK', 'application/proto', '')]).protocol, 'connect');
    // even under /twirp, with a Twirp-looking error: the header says Connect
    assert.equal(one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/json', '{}', hdr), answer('404 Not Found', 'application/json', '{"code":"not_found","message":"x"}')]).protocol, 'connect');
  });
  it('a header-less JSON POST to a loaded rpc with no prefix: Twirp, unless the answer is a Connect error', () => {
    assert.equal(one([post('/t.v1.Haberdasher/MakeHat', 'application/json', '{"inches":1}'), answer('200 OK', 'application/json', '{}')]).protocol, 'twirp');
    assert.equal(one([post('/t.v1.Haberdasher/MakeHat', 'application/json', '{"inches":1}'), answer('404 Not Found', 'application/json', '{"code":"not_found","message":"no"}')]).protocol, 'http');
    assert.equal(one([post('/t.v1.Haberdasher/MakeHat', 'application/json', '{"inches":1}'), answer('404 Not Found', 'application/json', '{"code":"not_found","msg":"no"}')]).protocol, 'twirp');
  });
  it('REST and GraphQL POSTs with a route-like path stay what they were', () => {
    for (const env of [withDefs(), testSession().env]) {
      const rest = one([post('/api/users/Create', 'application/json', '{"name":"a"}'), answer('201 Created', 'application/json', '{"id":1}')], env);
      assert.equal(rest.protocol, 'http');
      assert.deepEqual(rest.warnings, []);
      const gql = one([post('/api/graphql', 'application/json', '{"query":"{ me { id } }"}'), answer('200 OK', 'application/json', '{"data":{"me":{"id":"1"}}}')], env);
      assert.equal(gql.protocol, 'graphql');
      // a REST error with Twirp's code words but not its shape (`message`, no `msg`)
      assert.equal(one([post('/api/users/Create', 'application/json', '{}'), answer('404 Not Found', 'application/json', '{"code":"not_found","message":"x"}')], env).protocol, 'http');
    }
  });
  it('a Twirp JSON message with a `query`, `method` or `id` field is not taken for GraphQL or JSON-RPC', () => {
    const c = one([post('/twirp/t.v1.Search/Find', 'application/json', '{"query":"red hats","method":"fuzzy","id":"7"}'), answer('200 OK', 'application/json', '{"hits":[]}')], testSession().env);
    assert.equal(c.protocol, 'twirp');
    assert.deepEqual(c.request?.value, { query: 'red hats', method: 'fuzzy', id: '7' });
  });
  it('OTLP/HTTP protobuf (/v1/traces) is not Twirp', () => {
    const c = one([post('/v1/traces', 'application/x-protobuf', Uint8Array.of(0x0a, 0)), answer('200 OK', 'application/x-protobuf', '')], testSession().env);
    assert.equal(c.protocol, 'http');
  });
});

describe('Twirp calls in the editor and the terminal', () => {
  const c = (): Call => one([post('/twirp/t.v1.Haberdasher/MakeHat', 'application/protobuf', Uint8Array.of(0x08, 0x0c)), answer('200 OK', 'application/protobuf', HAT)], testSession().env);
  it('the linker links a call decoded without .proto files to its rpc (the method names it, not the prefixed target)', () => {
    const call = c();
    assert.equal(call.definition, undefined);
    const link = new Linker({ openapi: [], asyncapi: [], proto: [PROTO_FILE] }).link(call);
    assert.deepEqual(link?.ref, { kind: 'proto-rpc', name: 't.v1.Haberdasher.MakeHat', file: 'proto/hat.proto', line: 6, column: 3 });
  });
  it('the table says the method once (its prefixed route is the method too)', () => {
    assert.equal(callText(c()), 't.v1.Haberdasher/MakeHat');
  });
});

/**
 * Dubbo 3.3 Triple's HTTP RPC sub-protocol (decoders/dubbo/triple-http.ts). The exchanges follow
 * the examples of apache/dubbo-website's "Triple Protocol Specification" §2.1 and §3.1 (request
 * headers tri-protocol-version, tri-service-version, tri-service-group, tri-service-timeout; the
 * arguments as a JSON array; an error body {"status":40,"message":"request format error"}); no
 * Dubbo runs here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { run, enc, type Packet } from '../http1/feed';
import { feed, frame, block, c2s, s2c, preface } from '../http2/h2';
import { concatBytes } from '../../../decoders/core/bytes';
import { callText } from '../../../cli/table';

type Hdrs = Array<[string, string]>;
function msg(head: string, headers: Hdrs, body: string): Uint8Array {
  const b = enc(body);
  return concatBytes([enc([head, ...headers.map(([k, v]) => `${k}: ${v}`), `Content-Length: ${b.length}`, '', ''].join('\r\n')), b]);
}
const TRI: Hdrs = [['tri-protocol-version', '1.0.0'], ['tri-service-version', '1.0.0'], ['tri-service-group', 'dubbo'], ['tri-service-timeout', '3000']];
const post = (path: string, body: string, extra: Hdrs = TRI): Packet => ({ dir: 'c2s', data: msg(`POST ${path} HTTP/1.1`, [['Host', '127.0.0.1:30551'], ['Content-Type', 'application/json'], ...extra], body) });
const answer = (status: string, body: string): Packet => ({ dir: 's2c', data: msg(`HTTP/1.1 ${status}`, [['Content-Type', 'application/json']], body) });

describe('Triple HTTP RPC (Triple Protocol Specification §3.1): unary calls as plain JSON POSTs', () => {
  it('a call with its Triple headers is a Dubbo call: service, method, version, group, arguments, result', () => {
    const c = run([post('/org.apache.dubbo.demo.GreetService/greet', '["Dubbo", 2]'), answer('200 OK', '{"greeting":"Hello, Dubbo!"}')]).calls[0];
    assert.deepEqual([c.protocol, c.kind, c.method, c.target, c.status], ['dubbo', 'unary', 'greet', 'org.apache.dubbo.demo.GreetService:1.0.0', { code: 200, text: 'OK', ok: true }]);
    assert.deepEqual(
      [c.fields['dubbo.service'], c.fields['dubbo.method'], c.fields['dubbo.version'], c.fields['dubbo.group'], c.fields['dubbo.transport'], c.fields['triple.protocol_version'], c.fields['dubbo.timeout_ms']],
      ['org.apache.dubbo.demo.GreetService', 'greet', '1.0.0', 'dubbo', 'triple-http', '1.0.0', 3000],
    );
    assert.deepEqual(c.request?.value, { service: 'org.apache.dubbo.demo.GreetService', version: '1.0.0', arguments: ['Dubbo', 2] });
    assert.deepEqual(c.response?.value, { value: { greeting: 'Hello, Dubbo!' } });
    assert.equal(callText(c), 'greet("Dubbo", 2) → {greeting: "Hello, Dubbo!"}');
    assert.equal(c.http?.method, 'POST'); // the HTTP layer stays
  });
  it('an error: the HTTP status, Dubbo status and message from the JSON body', () => {
    const c = run([post('/org.apache.dubbo.demo.GreetService/greet', '{"x":1}'), answer('400 Bad Request', '{"status":40,"message":"request format error"}')]).calls[0];
    assert.deepEqual(c.request?.value, { service: 'org.apache.dubbo.demo.GreetService', version: '1.0.0', arguments: [{ x: 1 }] });
    assert.deepEqual([c.status, c.fields['triple.status']], [{ code: 400, text: 'BAD_REQUEST: request format error', ok: false }, 40]);
    // dubbo-js 3.0.0-alpha answers with gRPC's codes in `status` (held-out run: a DubboError(Code.NotFound))
    const js = run([post('/apache.dubbo.demo.example.v1.ExampleService/Say', '{"sentence":"fail"}'), answer('404 Not Found', '{"status":5,"message":"no such sentence"}')]).calls[0];
    assert.deepEqual(js.status, { code: 404, text: 'NOT_FOUND: no such sentence', ok: false });
  });
  it('without a Triple header, or not JSON, or another path shape: plain HTTP as before', () => {
    const text = (ct: string): Packet => ({ dir: 'c2s', data: msg('POST /org.apache.dubbo.demo.GreetService/greet HTTP/1.1', [['Host', 'h'], ['Content-Type', ct], ...TRI], '["Dubbo"]') });
    for (const p of [post('/org.apache.dubbo.demo.GreetService/greet', '["Dubbo"]', []), post('/org.apache.dubbo.demo.GreetService/greet', '["Dubbo"]', [['tri-consumer-appname', 'demo']]), post('/greet', '["Dubbo"]'), post('/a.B/c/d', '[]'), text('text/plain')]) {
      const c = run([p, answer('200 OK', '"hi"')]).calls[0];
      assert.equal(c.protocol, 'http');
    }
    // the media type's parameters and case do not matter
    const c = run([text('Application/JSON; charset=utf-8'), answer('200 OK', '"hi"')]).calls[0];
    assert.deepEqual([c.protocol, c.response?.value], ['dubbo', { value: 'hi' }]);
  });
  it('over HTTP/2 (h2c) as well', () => {
    const REQ = block([[':method', 'POST'], [':scheme', 'http'], [':path', '/org.apache.dubbo.demo.GreetService/greet'], ['content-type', 'application/json'], ['tri-protocol-version', '1.0.0']]);
    const RES = block([[':status', '200'], ['content-type', 'application/json']]);
    const s = feed([c2s(preface(), frame(1, 0x4, 1, REQ), frame(0, 1, 1, enc('["Dubbo"]'))), s2c(frame(1, 0x4, 1, RES), frame(0, 1, 1, enc('"Hello, Dubbo!"')))]);
    const c = s.calls[0];
    assert.deepEqual([c.protocol, c.method, c.target, c.request?.value, c.response?.value], ['dubbo', 'greet', 'org.apache.dubbo.demo.GreetService', { service: 'org.apache.dubbo.demo.GreetService', arguments: ['Dubbo'] }, { value: 'Hello, Dubbo!' }]);
  });
});

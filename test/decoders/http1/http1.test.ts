import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import type { Call } from '../../../decoders/core/model';
import type { StreamDecoder, Position } from '../../../decoders/core/decoder';
import type { HttpUpgradeInit } from '../../../decoders/core/handoff';
import { nodeEnv } from '../../../cli/platform/node-env';
import { concatBytes } from '../../../decoders/core/bytes';
import { spec, probeHttp1 } from '../../../decoders/http1/index';
import { calls, enc, run, type Packet } from './feed';

const CRLF = '\r\n';
const req = (lines: string[], body = '') => lines.join(CRLF) + CRLF + CRLF + body;

function one(packets: Packet[]): Call {
  const cs = calls(packets);
  assert.equal(cs.length, 1, JSON.stringify(cs.map((c) => [c.method, c.status, c.warnings])));
  return cs[0];
}

describe('DecoderSpec', () => {
  it('is the http decoder with ports and a probe', () => {
    assert.equal(spec.id, 'http');
    assert.ok(spec.ports?.includes(80) && spec.ports.includes(8080));
    assert.ok(!spec.handoffOnly);
  });
});

describe('probe (RFC 9112 §3 request line, §4 status line)', () => {
  const p = (s: string, dir: 'c2s' | 's2c' = 'c2s') => probeHttp1(enc(s), dir);
  it('accepts request lines with any method token', () => {
    assert.equal(p('GET / HTTP/1.1\r\nHost: x\r\n'), 'accept');
    assert.equal(p('PROPFIND /dav HTTP/1.1\r\n'), 'accept');
    assert.equal(p('M-SEARCH * HTTP/1.1\r\n'), 'accept');
    assert.equal(p('GET / HTTP/1.0\n'), 'accept');
  });
  it('asks for more until the line is complete', () => {
    assert.equal(p('GE'), 'need-more');
    assert.equal(p('GET /inde'), 'need-more');
    assert.equal(p('GET / HTT'), 'need-more');
  });
  it('accepts a long target once 64 bytes are seen', () => {
    assert.equal(p('GET /' + 'a'.repeat(80) + ' HTTP/1.1\r\n'), 'accept');
  });
  it('rejects other protocols', () => {
    assert.equal(p('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), 'reject');
    assert.equal(p('CONNECT {"verbose":false}\r\n'), 'reject');
    assert.equal(p('\x16\x03\x01\x02\x00'), 'reject');
    assert.equal(p('*3\r\n$3\r\nSET\r\n'), 'reject');
    assert.equal(p('AMQP\x00\x00\x09\x01'), 'reject');
    assert.equal(p('SEND\ndestination:/q\n\n'), 'reject');
  });
  it('accepts a server whose first bytes are HTTP/1.', () => {
    assert.equal(p('HTTP/1.1 200 OK\r\n', 's2c'), 'accept');
    assert.equal(p('HTTP', 's2c'), 'need-more');
    assert.equal(p('HTTP/2', 's2c'), 'reject');
    assert.equal(p('+OK\r\n', 's2c'), 'reject');
  });
});

describe('RFC 9112 §3 request line and §5 header fields', () => {
  it('parses method, target, version, headers in wire order', () => {
    const c = one([
      { dir: 'c2s', data: req(['GET /persons/1?x=y HTTP/1.1', 'Host: api.example', 'User-Agent: curl/8.5.0', 'Accept: */*']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 2', 'Content-Type: application/json'], '{}') },
    ]);
    assert.equal(c.protocol, 'http');
    assert.equal(c.method, 'GET');
    assert.equal(c.target, '/persons/1?x=y');
    assert.deepEqual(c.status, { code: 200, text: 'OK', ok: true });
    assert.equal(c.state, 'complete');
    assert.equal(c.fields['http.request.method'], 'GET');
    assert.equal(c.fields['http.request.uri'], '/persons/1?x=y');
    assert.equal(c.fields['http.host'], 'api.example');
    assert.equal(c.fields['http.user_agent'], 'curl/8.5.0');
    assert.equal(c.fields['http.status'], 200);
    assert.equal(c.fields['http.content_type'], 'application/json');
    assert.deepEqual(c.request?.headers?.map((h) => h[0]), ['Host', 'User-Agent', 'Accept']);
    assert.equal(c.http?.version, 'HTTP/1.1');
    assert.deepEqual(c.frames, [1, 2]);
    assert.deepEqual(c.warnings, []);
  });
  it('accepts absolute-form targets (proxies) and takes the host from them', () => {
    const c = one([
      { dir: 'c2s', data: req(['GET http://example.com/a/b HTTP/1.1', 'Proxy-Connection: keep-alive']) },
      { dir: 's2c', data: req(['HTTP/1.1 204 No Content']) },
    ]);
    assert.equal(c.target, '/a/b');
    assert.equal(c.http?.host, 'example.com');
  });
  it('ignores empty lines before a request line (§2.2)', () => {
    const c = one([
      { dir: 'c2s', data: CRLF + req(['GET / HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 204 No Content']) },
    ]);
    assert.equal(c.method, 'GET');
    assert.deepEqual(c.warnings, []);
  });
  it('joins obs-fold lines with one space and warns (§5.2)', () => {
    const c = one([
      { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h', 'X-Long: a', '   b', '\tc']) },
      { dir: 's2c', data: req(['HTTP/1.1 204 No Content']) },
    ]);
    assert.deepEqual(c.request?.headers?.[1], ['X-Long', 'a b c']);
    assert.ok(c.warnings.some((w) => /obs-fold/.test(w)));
  });
  it('accepts bare LF line endings', () => {
    const c = one([
      { dir: 'c2s', data: 'GET /lf HTTP/1.1\nHost: h\n\n' },
      { dir: 's2c', data: 'HTTP/1.1 200 OK\nContent-Length: 3\n\nabc' },
    ]);
    assert.equal(c.target, '/lf');
    assert.equal(c.response?.body?.text, 'abc');
  });
  it('bounds the number of header fields (limits.maxHeaders)', () => {
    const lines = ['GET / HTTP/1.1'];
    for (let i = 0; i < 20; i++) lines.push(`X-${i}: v`);
    const s = run([{ dir: 'c2s', data: req(lines) }], { env: nodeEnv({ limits: { maxHeaders: 10 } }) });
    assert.ok(s.warnings.some((w) => /more than 10 header fields/.test(w)));
    assert.equal(s.calls[0].request?.headers?.length, 10);
  });
  it('bounds the header section size (limits.maxHeaderBytes) and stops that direction', () => {
    const s = run([{ dir: 'c2s', data: 'GET / HTTP/1.1\r\nX: ' + 'a'.repeat(5000) }], { env: nodeEnv({ limits: { maxHeaderBytes: 1024 } }) });
    assert.ok(s.warnings.some((w) => /header section longer than 1024/.test(w)));
    assert.equal(s.calls.length, 0);
  });
  it('reports a response without a request as incomplete', () => {
    const c = one([{ dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 2'], 'ok') }]);
    assert.equal(c.state, 'incomplete');
    assert.ok(c.warnings.some((w) => /without a request/.test(w)));
    assert.equal(c.status?.code, 200);
  });
  it('reports a request without a response as incomplete at close', () => {
    const c = one([{ dir: 'c2s', data: req(['GET /x HTTP/1.1', 'Host: h']) }]);
    assert.equal(c.state, 'incomplete');
    assert.ok(c.warnings.includes('no response'));
  });
});

describe('RFC 9112 §6.2 Content-Length', () => {
  it('reads exactly Content-Length bytes, then the next message', () => {
    const cs = calls([
      { dir: 'c2s', data: req(['POST /p HTTP/1.1', 'Host: h', 'Content-Length: 13', 'Content-Type: application/json'], '{"name":"al"}') + req(['GET /q HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 201 Created', 'Content-Length: 8', 'Content-Type: application/json'], '{"id":7}') },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 0']) },
    ]);
    assert.equal(cs.length, 2);
    assert.deepEqual(cs[0].request?.body?.value, { name: 'al' });
    assert.equal(cs[0].request?.body?.kind, 'json');
    assert.deepEqual(cs[0].response?.body?.value, { id: 7 });
    assert.equal(cs[0].status?.code, 201);
    assert.equal(cs[1].target, '/q');
    assert.equal(cs[1].response?.body, undefined);
  });
  it('keeps only maxBodyBytes as preview but reports the full size', () => {
    const body = 'x'.repeat(5000);
    const c = one([
      { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 5000', 'Content-Type: text/plain'], body) },
    ]);
    assert.equal(c.response?.body?.size, 5000);
    const c2 = run(
      [
        { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h']) },
        { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 5000', 'Content-Type: text/plain'], body) },
      ],
      { env: nodeEnv({ limits: { maxBodyBytes: 100 } }) },
    ).calls[0];
    assert.equal(c2.response?.body?.size, 5000);
    assert.equal(c2.response?.body?.truncated, true);
    assert.equal(c2.response?.body?.text?.length, 100);
  });
  it('records wire bytes and stream ranges', () => {
    const r = req(['GET / HTTP/1.1', 'Host: h']);
    const s = req(['HTTP/1.1 200 OK', 'Content-Length: 2'], 'ok');
    const c = one([
      { dir: 'c2s', data: r },
      { dir: 's2c', data: s },
    ]);
    assert.equal(c.request?.wireBytes, r.length);
    assert.equal(c.response?.wireBytes, s.length);
    assert.deepEqual(c.ranges?.response, [{ flowId: 1, dir: 's2c', offset: 0, length: s.length }]);
  });
  it('treats an invalid response Content-Length as close-delimited with a warning', () => {
    const c = one([
      { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 3, 4'], 'abcd') },
      { dir: 's2c', end: true, data: '' },
    ]);
    assert.ok(c.warnings.some((w) => /invalid Content-Length/.test(w)));
    assert.equal(c.response?.body?.size, 4);
  });
});

describe('RFC 9112 §7.1 chunked transfer coding', () => {
  const chunked = req(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked', 'Content-Type: application/json', 'Trailer: X-Checksum']) + '4;ext=1;q="a b"\r\n{"a"\r\n5\r\n:[1]}\r\n0\r\nX-Checksum: abc\r\n\r\n';
  it('de-chunks the body, ignores extensions, keeps trailers', () => {
    const c = one([
      { dir: 'c2s', data: req(['GET /c HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: chunked },
    ]);
    assert.equal(c.state, 'complete');
    assert.deepEqual(c.response?.body?.value, { a: [1] });
    assert.equal(c.response?.body?.size, 9);
    assert.deepEqual(c.response?.trailers, [['X-Checksum', 'abc']]);
    assert.equal(c.response?.wireBytes, chunked.length);
  });
  it('reads chunked request bodies', () => {
    const c = one([
      { dir: 'c2s', data: req(['POST /up HTTP/1.1', 'Host: h', 'Transfer-Encoding: chunked', 'Content-Type: text/plain']) + 'A\r\n0123456789\r\n0\r\n\r\n' },
      { dir: 's2c', data: req(['HTTP/1.1 204 No Content']) },
    ]);
    assert.equal(c.request?.body?.text, '0123456789');
  });
  it('prefers Transfer-Encoding over Content-Length and warns (§6.3)', () => {
    const c = one([
      { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked', 'Content-Length: 100']) + '2\r\nok\r\n0\r\n\r\n' },
    ]);
    assert.equal(c.response?.body?.text, 'ok');
    assert.ok(c.warnings.some((w) => /Transfer-Encoding wins/.test(w)));
  });
  it('abandons a body with an invalid chunk size and resynchronises on the next status line', () => {
    const cs = calls([
      { dir: 'c2s', data: req(['GET /1 HTTP/1.1', 'Host: h']) + req(['GET /2 HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']) + 'zz\r\ngarbage\r\n' + req(['HTTP/1.1 200 OK', 'Content-Length: 1'], '2') },
    ]);
    assert.equal(cs.length, 2);
    assert.ok(cs[0].warnings.some((w) => /invalid chunk size/.test(w)));
    assert.equal(cs[0].state, 'incomplete');
    assert.equal(cs[1].response?.body?.text, '2');
  });
});

describe('RFC 9112 §6.3 close-delimited bodies and HTTP/1.0', () => {
  it('reads a response without length until the connection ends', () => {
    const c = one([
      { dir: 'c2s', data: req(['GET /old HTTP/1.0']) },
      { dir: 's2c', data: req(['HTTP/1.0 200 OK', 'Content-Type: text/html'], '<html>') },
      { dir: 's2c', data: '</html>' },
      { dir: 's2c', end: true, data: '' },
    ]);
    assert.equal(c.state, 'complete');
    assert.equal(c.response?.body?.text, '<html></html>');
    assert.equal(c.http?.version, 'HTTP/1.0');
    assert.equal(c.timing.endUs, 1_002_000);
    assert.deepEqual(c.frames, [1, 2, 3]);
  });
  it('ends the close-delimited body at close() when no FIN was seen', () => {
    const c = one([
      { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h', 'Connection: close']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Connection: close'], 'bye') },
    ]);
    assert.equal(c.state, 'complete');
    assert.equal(c.response?.body?.text, 'bye');
  });
  it('marks a Content-Length body cut by the end of the connection incomplete', () => {
    const c = one([
      { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 10'], 'abc') },
      { dir: 's2c', end: true, data: '' },
    ]);
    assert.equal(c.state, 'incomplete');
    assert.ok(c.warnings.some((w) => /7 body bytes missing/.test(w)));
  });
});

describe('RFC 9110 §9.3.2 HEAD and §15.3.5/§15.4.5 204/304 have no body', () => {
  it('does not read a body after HEAD even with Content-Length', () => {
    const cs = calls([
      { dir: 'c2s', data: req(['HEAD /big HTTP/1.1', 'Host: h']) + req(['GET /next HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 1000']) + req(['HTTP/1.1 200 OK', 'Content-Length: 2'], 'ok') },
    ]);
    assert.equal(cs.length, 2);
    assert.equal(cs[0].response?.body, undefined);
    assert.equal(cs[1].response?.body?.text, 'ok');
  });
  it('does not read a body after 204 or 304', () => {
    const cs = calls([
      { dir: 'c2s', data: req(['DELETE /p/1 HTTP/1.1', 'Host: h']) + req(['GET /p HTTP/1.1', 'Host: h', 'If-None-Match: "x"']) + req(['GET /z HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 204 No Content', 'Content-Length: 5']) + req(['HTTP/1.1 304 Not Modified', 'Content-Length: 50']) + req(['HTTP/1.1 404 Not Found', 'Content-Length: 0']) },
    ]);
    assert.deepEqual(
      cs.map((c) => c.status?.code),
      [204, 304, 404],
    );
    assert.equal(cs[2].status?.ok, false);
    assert.ok(cs.every((c) => c.state === 'complete'));
  });
});

describe('RFC 9110 §15.2 1xx interim responses and §10.1.1 Expect: 100-continue', () => {
  it('records 100 Continue as interim and waits for the final response', () => {
    const c = one([
      { dir: 'c2s', data: req(['PUT /f HTTP/1.1', 'Host: h', 'Expect: 100-continue', 'Content-Length: 4']) },
      { dir: 's2c', data: req(['HTTP/1.1 100 Continue']) },
      { dir: 'c2s', data: 'data' },
      { dir: 's2c', data: req(['HTTP/1.1 103 Early Hints', 'Link: </s.css>; rel=preload']) },
      { dir: 's2c', data: req(['HTTP/1.1 201 Created', 'Content-Length: 0']) },
    ]);
    assert.equal(c.status?.code, 201);
    assert.equal(c.state, 'complete');
    assert.deepEqual(c.http?.interim, [
      { status: 100, reason: 'Continue', tsUs: 1_001_000 },
      { status: 103, reason: 'Early Hints', tsUs: 1_003_000 },
    ]);
    assert.equal(c.timing.requestEndUs, 1_002_000);
    assert.equal(c.timing.responseStartUs, 1_004_000);
    assert.deepEqual(c.frames, [1, 3, 2, 4, 5]);
    assert.equal(c.request?.body?.text, 'data');
  });
  it('pairs an early final response (417) with the request whose body never came', () => {
    const c = one([
      { dir: 'c2s', data: req(['PUT /f HTTP/1.1', 'Host: h', 'Expect: 100-continue', 'Content-Length: 4']) },
      { dir: 's2c', data: req(['HTTP/1.1 417 Expectation Failed', 'Content-Length: 0']) },
    ]);
    assert.equal(c.status?.code, 417);
    assert.equal(c.state, 'incomplete');
  });
});

describe('RFC 9112 §9.3 persistence: keep-alive and pipelining', () => {
  it('pairs pipelined responses with requests in order', () => {
    const cs = calls([
      { dir: 'c2s', data: req(['GET /1 HTTP/1.1', 'Host: h']) + req(['GET /2 HTTP/1.1', 'Host: h']) + req(['GET /3 HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 1'], '1') + req(['HTTP/1.1 200 OK', 'Content-Length: 1'], '2') },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 1'], '3') },
    ]);
    assert.deepEqual(
      cs.map((c) => [c.target, c.response?.body?.text, c.timing.endUs]),
      [
        ['/1', '1', 1_001_000],
        ['/2', '2', 1_001_000],
        ['/3', '3', 1_002_000],
      ],
    );
  });
  it('decodes a keep-alive sequence of request/response turns', () => {
    const pk: Packet[] = [];
    for (let i = 0; i < 5; i++) {
      pk.push({ dir: 'c2s', data: req([`GET /persons/${i} HTTP/1.1`, 'Host: h', 'Connection: keep-alive']) });
      pk.push({ dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Type: application/json', `Content-Length: ${`{"id":${i}}`.length}`], `{"id":${i}}`) });
    }
    const cs = calls(pk);
    assert.equal(cs.length, 5);
    cs.forEach((c, i) => {
      assert.deepEqual(c.response?.body?.value, { id: i });
      assert.deepEqual(c.frames, [2 * i + 1, 2 * i + 2]);
      assert.equal(c.timing.startUs, 1_000_000 + 2000 * i);
      assert.equal(c.timing.responseStartUs, 1_001_000 + 2000 * i);
    });
  });
});

describe('RFC 9110 §9.3.6 CONNECT', () => {
  const connect = (authority: string) => req([`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`]);
  const established = req(['HTTP/1.1 200 Connection Established']);
  it('a 2xx answer makes the connection a tunnel: a ClientHello inside goes to tls, bytes of both sides forwarded in order', () => {
    const rec = recorder();
    const s = run(
      [
        // A ClientHello's record and handshake headers (RFC 8446 §5.1, §4.1.2): what the TLS probe takes.
        { dir: 'c2s', data: connect('example.com:443') + '\x16\x03\x01\x00\x50\x01\x00\x00\x4c\x03\x03' },
        { dir: 's2c', data: established + '\x16\x03\x03' },
        { dir: 'c2s', data: 'GET / HTTP/1.1\r\n\r\n' },
      ],
      { resolveHandoff: () => rec },
    );
    assert.equal(s.calls.length, 1);
    assert.equal(s.calls[0].target, 'example.com:443');
    assert.equal(s.calls[0].state, 'complete');
    assert.deepEqual(s.handoffs.map((h) => h.id), ['tls']);
    assert.deepEqual(rec.got, [
      ['c2s', '\x16\x03\x01\x00\x50\x01\x00\x00\x4c\x03\x03', 1],
      ['s2c', '\x16\x03\x03', 2],
      ['c2s', 'GET / HTTP/1.1\r\n\r\n', 3],
    ]);
    assert.deepEqual(s.warnings, []);
  });
  it('the client waits for the 200: its first tunnel bytes, split into pieces of 1, 2, 5 and 100 bytes, decide', () => {
    for (const [inside, id] of [
      ['\x16\x03\x01\x00\x50\x01\x00\x00\x4c\x03\x03', 'tls'],
      ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'http2'],
      ['GET /ok.json HTTP/1.1\r\nHost: a\r\n\r\n', 'http'],
    ] as const) {
      for (const split of [1, 2, 5, 100]) {
        const rec = recorder();
        const s = run(
          [
            { dir: 'c2s', data: connect('127.0.0.1:22473') },
            { dir: 's2c', data: established },
            { dir: 'c2s', data: inside },
          ],
          { resolveHandoff: () => rec, split },
        );
        assert.deepEqual(s.handoffs.map((h) => h.id), [id], `${id}, split ${split}`);
        assert.equal(rec.got.map((g) => g[1]).join(''), inside, `${id}, split ${split}`);
      }
    }
  });
  it('anything else stays an undecoded tunnel, with a warning saying so', () => {
    const s = run([
      { dir: 'c2s', data: connect('mail.example:25') },
      { dir: 's2c', data: established + '220 mail ESMTP\r\n' },
      { dir: 'c2s', data: 'EHLO me\r\n' },
    ]);
    assert.deepEqual(s.handoffs, []);
    assert.equal(s.calls.length, 1);
    assert.match(s.warnings.join('\n'), /CONNECT mail\.example:25 tunnel: not TLS, HTTP\/2, HTTP\/1\.1 or another protocol known by its first bytes inside: bytes not decoded/);
  });
  it('a tunnel the client never used ends with a warning; a refused CONNECT stays HTTP', () => {
    const s = run([
      { dir: 'c2s', data: connect('a:443') },
      { dir: 's2c', data: established },
      { dir: 'c2s', data: '', end: true },
    ]);
    assert.match(s.warnings.join('\n'), /CONNECT a:443 tunnel: the client sent nothing through it/);
    const refused = calls([
      { dir: 'c2s', data: connect('b:443') },
      { dir: 's2c', data: req(['HTTP/1.1 403 Forbidden', 'Content-Length: 0']) },
      { dir: 'c2s', data: req(['GET /next HTTP/1.1', 'Host: b']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 0']) },
    ]);
    assert.deepEqual(refused.map((c) => [c.method, c.status?.code]), [['CONNECT', 403], ['GET', 200]]);
  });
});

/** A recording decoder standing in for websocket/http2. */
function recorder(): StreamDecoder & { got: Array<[string, string, number]>; ends: string[] } {
  const r = {
    got: [] as Array<[string, string, number]>,
    ends: [] as string[],
    data(dir: string, b: Uint8Array, at: Position) {
      r.got.push([dir, new TextDecoder().decode(b), at.frame]);
    },
    gap() {},
    end(dir: string) {
      r.ends.push(dir);
    },
    close() {},
  };
  return r as never;
}

describe('RFC 9110 §7.8 Upgrade and 101 Switching Protocols', () => {
  const upgradeReq = req(['GET /chat HTTP/1.1', 'Host: h', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13']);
  const upgradeResp = req(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=']);
  it('emits the upgrade call, hands off with HttpUpgradeInit and forwards buffered bytes of both directions', () => {
    const rec = recorder();
    const s = run(
      [
        { dir: 'c2s', data: upgradeReq + 'C1' },
        { dir: 's2c', data: upgradeResp + 'S1' },
        { dir: 'c2s', data: 'C2' },
      ],
      { resolveHandoff: () => rec },
    );
    assert.equal(s.calls.length, 1);
    const c = s.calls[0];
    assert.equal(c.status?.code, 101);
    assert.equal(c.state, 'complete');
    assert.equal(s.handoffs.length, 1);
    assert.equal(s.handoffs[0].id, 'websocket');
    const init = s.handoffs[0].init as HttpUpgradeInit;
    assert.equal(init.kind, 'http-upgrade');
    assert.equal(init.protocol, 'websocket');
    assert.equal(init.upgradeCallId, c.id);
    assert.equal(init.request.uri, '/chat');
    assert.equal(init.response.status, 101);
    assert.deepEqual(rec.got, [
      ['c2s', 'C1', 1],
      ['s2c', 'S1', 2],
      ['c2s', 'C2', 3],
    ]);
  });
  it('hands h2c to http2', () => {
    const rec = recorder();
    const s = run(
      [
        { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h', 'Connection: Upgrade, HTTP2-Settings', 'Upgrade: h2c', 'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA']) },
        { dir: 's2c', data: req(['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: h2c']) + '\x00\x00\x00\x04\x00\x00\x00\x00\x00' },
      ],
      { resolveHandoff: () => rec },
    );
    assert.equal(s.handoffs[0].id, 'http2');
    assert.equal((s.handoffs[0].init as HttpUpgradeInit).protocol, 'h2c');
    assert.equal(rec.got.length, 1);
  });
  it('stays HTTP when the server refuses the upgrade', () => {
    const cs = calls([
      { dir: 'c2s', data: upgradeReq },
      { dir: 's2c', data: req(['HTTP/1.1 400 Bad Request', 'Content-Length: 3'], 'no!') },
      { dir: 'c2s', data: req(['GET /after HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 0']) },
    ]);
    assert.equal(cs.length, 2);
    assert.equal(cs[0].status?.code, 400);
    assert.equal(cs[1].target, '/after');
  });
  it('hands the HTTP/2 connection preface (prior knowledge) to http2', () => {
    const rec = recorder();
    const s = run([{ dir: 'c2s', data: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00' }], { resolveHandoff: () => rec, split: 3 });
    assert.equal(s.handoffs[0]?.id, 'http2');
    assert.equal(rec.got.map((g) => g[1]).join('').length, 33);
  });
});

describe('content codings (RFC 9110 §8.4.1)', () => {
  const json = JSON.stringify({ hello: 'world', n: [1, 2, 3] });
  for (const [name, coded] of [
    ['gzip', zlib.gzipSync(json)],
    ['x-gzip', zlib.gzipSync(json)],
    ['deflate', zlib.deflateSync(json)],
    ['br', zlib.brotliCompressSync(json)],
  ] as const) {
    it(`decodes ${name}`, () => {
      const head = enc(req(['HTTP/1.1 200 OK', `Content-Encoding: ${name}`, 'Content-Type: application/json', `Content-Length: ${coded.length}`]));
      const c = one([
        { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h', 'Accept-Encoding: gzip, deflate, br']) },
        { dir: 's2c', data: concatBytes([head, new Uint8Array(coded)]) },
      ]);
      assert.deepEqual(c.response?.body?.value, JSON.parse(json));
      assert.equal(c.response?.body?.size, coded.length);
      assert.equal(c.response?.body?.decodedSize, json.length);
      assert.equal(c.response?.body?.encoding, name);
    });
  }
  it('undoes stacked codings in reverse order (gzip, br)', () => {
    const coded = zlib.brotliCompressSync(zlib.gzipSync(json));
    const c = one([
      { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: concatBytes([enc(req(['HTTP/1.1 200 OK', 'Content-Encoding: gzip, br', 'Content-Type: application/json', `Content-Length: ${coded.length}`])), new Uint8Array(coded)]) },
    ]);
    assert.deepEqual(c.response?.body?.value, JSON.parse(json));
  });
  it('decodes gzip with chunked transfer coding', () => {
    const coded = new Uint8Array(zlib.gzipSync(json));
    const c = one([
      { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: concatBytes([enc(req(['HTTP/1.1 200 OK', 'Content-Encoding: gzip', 'Content-Type: application/json', 'Transfer-Encoding: chunked']) + '10\r\n'), coded.subarray(0, 16), enc(`\r\n${(coded.length - 16).toString(16)}\r\n`), coded.subarray(16), enc('\r\n0\r\n\r\n')]) },
    ]);
    assert.deepEqual(c.response?.body?.value, JSON.parse(json));
  });
  it('stops a decompression bomb at maxDecompressedBytes with a warning', () => {
    const bomb = new Uint8Array(zlib.gzipSync(new Uint8Array(2 << 20)));
    const s = run(
      [
        { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h']) },
        { dir: 's2c', data: concatBytes([enc(req(['HTTP/1.1 200 OK', 'Content-Encoding: gzip', `Content-Length: ${bomb.length}`])), bomb]) },
      ],
      { env: nodeEnv({ limits: { maxDecompressedBytes: 1 << 20 } }) },
    );
    const c = s.calls[0];
    assert.ok(c.warnings.some((w) => w.includes('gzip body expands past 1 MiB: decoding stopped')), JSON.stringify(c.warnings));
    assert.equal(c.response?.body?.kind, 'binary');
  });
  it('warns on a corrupt gzip body and keeps hex', () => {
    const c = one([
      { dir: 'c2s', data: req(['GET / HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Encoding: gzip', 'Content-Length: 4'], 'abcd') },
    ]);
    assert.ok(c.warnings.some((w) => /gzip body is corrupt/.test(w)));
    assert.equal(c.response?.body?.hex, '61626364');
  });
});

describe('capture gaps', () => {
  it('marks a body with a gap truncated and continues with the next message', () => {
    const cs = calls([
      { dir: 'c2s', data: req(['GET /1 HTTP/1.1', 'Host: h']) + req(['GET /2 HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 10'], 'abc') },
      { dir: 's2c', gap: 4, data: '' },
      { dir: 's2c', data: 'xyz' + req(['HTTP/1.1 200 OK', 'Content-Length: 2'], 'ok') },
    ]);
    assert.equal(cs.length, 2);
    assert.equal(cs[0].response?.body?.truncated, true);
    assert.equal(cs[0].response?.body?.size, 10);
    assert.ok(cs[0].warnings.some((w) => /4 bytes not captured/.test(w)));
    assert.equal(cs[1].response?.body?.text, 'ok');
  });
  it('resynchronises on the next request line after a gap in a header section', () => {
    const cs = calls([
      { dir: 'c2s', data: 'GET /lost HTTP/1.1\r\nHo' },
      { dir: 'c2s', gap: 10, data: '' },
      { dir: 'c2s', data: 'st: h\r\n\r\n' + req(['GET /found HTTP/1.1', 'Host: h']) },
      { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Content-Length: 0']) },
    ]);
    // The cut request is still reported (its start line was captured); responses pair in order.
    assert.equal(cs.length, 2);
    assert.equal(cs[0].target, '/lost');
    assert.equal(cs[0].state, 'incomplete');
    assert.equal(cs[0].status?.code, 200);
    assert.equal(cs[1].target, '/found');
  });
});

describe('split invariance: every split gives the same calls', () => {
  const fixtures: Array<[string, Packet[]]> = [
    [
      'pipelined, chunked, trailers, 100-continue, close-delimited',
      [
        { dir: 'c2s', data: req(['GET /1 HTTP/1.1', 'Host: h']) + req(['POST /2 HTTP/1.1', 'Host: h', 'Content-Length: 7', 'Content-Type: application/json', 'Expect: 100-continue']) },
        { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']) + '3;x=1\r\nabc\r\n0\r\nT: 1\r\n\r\n' + req(['HTTP/1.1 100 Continue']) },
        { dir: 'c2s', data: '{"a":1}' + req(['HEAD /3 HTTP/1.1', 'Host: h']) + req(['GET /4 HTTP/1.0']) },
        { dir: 's2c', data: req(['HTTP/1.1 201 Created', 'Content-Length: 2'], 'ok') + req(['HTTP/1.1 200 OK', 'Content-Length: 99']) },
        { dir: 's2c', data: req(['HTTP/1.0 200 OK'], 'till the end') },
        { dir: 's2c', end: true, data: '' },
      ],
    ],
    [
      'gzip and a bad chunk',
      [
        { dir: 'c2s', data: req(['GET /g HTTP/1.1', 'Host: h']) + '\r\n' + req(['GET /h HTTP/1.1', 'Host: h']) },
        { dir: 's2c', data: concatBytes([enc(req(['HTTP/1.1 200 OK', 'Content-Encoding: gzip', 'Content-Length: 29'])), new Uint8Array(zlib.gzipSync('hello hello'))]) },
        { dir: 's2c', data: req(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']) + 'q\r\nxx' },
      ],
    ],
  ];
  for (const [name, packets] of fixtures) {
    it(name, () => {
      const whole = JSON.stringify(calls(packets));
      assert.equal(JSON.stringify(calls(packets, { split: 1 })), whole, 'split every byte');
      const longest = Math.max(...packets.map((p) => (typeof p.data === 'string' ? p.data.length : p.data.length)));
      for (let k = 1; k < longest; k++) assert.equal(JSON.stringify(calls(packets, { splitAt: k })), whole, `split at ${k}`);
    });
  }
});

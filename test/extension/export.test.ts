import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { toHar } from '../../decoders/export/har';
import { callToJsonLine, toJsonl } from '../../decoders/export/jsonl';
import { toMermaid, mermaidText } from '../../decoders/export/mermaid';
import { toMarkdownTable, formatTime } from '../../decoders/export/markdown';
import { toCurl, toGrpcurl, toHttpFile, shellQuote } from '../../decoders/export/copy-as';
import { base64, formatDuration, isoTime } from '../../decoders/export/common';
import { makeCall, xmlrpcCall } from './builders';

describe('HAR 1.2', () => {
  test('an XML-RPC call becomes an entry with url, headers, postData, content and timings', () => {
    const har = toHar([xmlrpcCall({ id: 1 })]);
    assert.equal(har.log.version, '1.2');
    assert.equal(har.log.creator.name, 'callscope');
    assert.equal(har.log.entries.length, 1);
    const e = har.log.entries[0];
    assert.equal(e.request.method, 'POST');
    assert.equal(e.request.url, 'http://localhost:8000/RPC2');
    assert.equal(e.request.httpVersion, 'HTTP/1.1');
    assert.match(e.request.postData!.text, /<methodName>add<\/methodName>/);
    assert.equal(e.request.postData!.mimeType, 'text/xml');
    assert.equal(e.response.status, 200);
    assert.equal(e.response.statusText, 'OK');
    assert.equal(e.response.content.text, '<ok>5</ok>');
    assert.equal(e.time, 3.5);
    assert.equal(e.timings.send, 0.1);
    assert.equal(e.timings.wait, 2.9);
    assert.equal(e.timings.receive, 0.5);
    assert.equal(e.startedDateTime, '2023-11-14T22:13:20.000000Z');
    assert.ok(Array.isArray(e.cache) === false && typeof e.cache === 'object');
  });
  test('query strings are split, binary bodies are base64, non-HTTP calls and batch children are left out', () => {
    const rest = makeCall({ id: 1, target: '/search?q=a+b&n=2', http: { version: 'HTTP/1.1', method: 'GET', uri: '/search?q=a+b&n=2', status: 200, responseBody: { size: 3, kind: 'binary', hex: '010203' } } });
    const mqtt = makeCall({ id: 2, protocol: 'mqtt', method: 'PUBLISH', kind: 'publish' });
    const child = xmlrpcCall({ id: 3, parentId: 4 });
    const parent = xmlrpcCall({ id: 4, method: 'system.multicall' });
    const har = toHar([rest, mqtt, child, parent]);
    assert.equal(har.log.entries.length, 2);
    const e = har.log.entries[0];
    assert.deepEqual(e.request.queryString, [{ name: 'q', value: 'a b' }, { name: 'n', value: '2' }]);
    assert.equal(e.request.url, 'http://127.0.0.1:8080/search?q=a+b&n=2');
    assert.equal(e.response.content.encoding, 'base64');
    assert.equal(e.response.content.text, 'AQID');
    assert.match(har.log.comment!, /1 call/);
  });
});

describe('HAR 1.2 of gRPC over HTTP/2 (its HTTP facts on the call itself, no HTTP layer)', () => {
  const headers: Array<[string, string]> = [
    [':method', 'POST'],
    [':scheme', 'http'],
    [':path', '/people.v1.People/ListPeople'],
    [':authority', 'localhost:50051'],
    ['content-type', 'application/grpc'],
  ];
  const grpc = (kind: 'unary' | 'server-stream', messages: Array<{ dir: 'c2s' | 's2c'; size: number; value?: unknown }>, own: { req?: unknown; res?: unknown }) =>
    makeCall({
      id: 1,
      protocol: 'grpc',
      kind,
      method: 'people.v1.People/ListPeople',
      target: '/people.v1.People/ListPeople',
      status: { code: 0, text: 'OK', ok: true },
      request: { headers, value: own.req, body: { size: 7, kind: 'protobuf', contentType: 'application/grpc' } },
      response: {
        headers: [[':status', '200'], ['content-type', 'application/grpc']],
        trailers: [['grpc-status', '0'], ['grpc-message', '']],
        value: own.res,
        body: { size: 40, kind: 'protobuf', contentType: 'application/grpc' },
      },
      messages: messages.map((m, i) => ({ ...m, index: i, tsUs: 1_700_000_000_000_000 + i })),
    });
  test('an entry (it was left out as "not carried by HTTP"): POST to the :path, :status, trailers after the headers', () => {
    const har = toHar([grpc('unary', [{ dir: 'c2s', size: 7 }, { dir: 's2c', size: 40 }], { req: { id: '7' }, res: { name: 'Ada' } })]);
    assert.equal(har.log.entries.length, 1);
    assert.equal(har.log.comment, undefined);
    const e = har.log.entries[0];
    assert.equal(e.request.method, 'POST');
    assert.equal(e.request.url, 'http://localhost:50051/people.v1.People/ListPeople');
    assert.equal(e.request.httpVersion, 'HTTP/2');
    assert.equal(e.response.status, 200);
    assert.deepEqual(e.response.headers.slice(-2), [
      { name: 'grpc-status', value: '0', comment: 'trailer' },
      { name: 'grpc-message', value: '', comment: 'trailer' },
    ]);
    // a unary call's one message each way, decoded on the request and response
    assert.equal(e.request.postData?.text, '{"id":"7"}');
    assert.equal(e.request.postData?.mimeType, 'application/grpc');
    assert.equal(e.response.content.text, '{"name":"Ada"}');
    assert.match(e.response.content.comment!, /1 message \(40 bytes of protobuf\) decoded, shown as JSON/);
  });
  test('a server stream: its responses as an array, also when only one came; a message not decoded keeps its size', () => {
    const one = toHar([grpc('server-stream', [{ dir: 'c2s', size: 7 }, { dir: 's2c', size: 10, value: { n: 1 } }], { req: { page: 1 } })]).log.entries[0];
    assert.equal(one.request.postData?.text, '{"page":1}');
    assert.equal(one.response.content.text, '[{"n":1}]');
    const two = toHar([grpc('server-stream', [{ dir: 'c2s', size: 7 }, { dir: 's2c', size: 10, value: { n: 1 } }, { dir: 's2c', size: 30 }], { req: { page: 1 } })]).log.entries[0];
    assert.equal(two.response.content.text, '[{"n":1},{"_size":30,"_note":"not decoded"}]');
  });
});

describe('HAR 1.2 URLs of calls decrypted from TLS', () => {
  test('an HTTP/1.1 call with TLS fields is https:// (no :scheme header to say so); a plain one http://', () => {
    const http = { version: 'HTTP/1.1', method: 'GET', uri: '/persons', status: 200, host: 'api.example.test', requestHeaders: [['Host', 'api.example.test']] as Array<[string, string]> };
    const tls = makeCall({ id: 1, target: '/persons', http, fields: { 'tls.handshake.version': 'TLS 1.3', 'tls.call_id': 7 } });
    const plain = makeCall({ id: 2, target: '/persons', http });
    const [a, b] = toHar([tls, plain]).log.entries;
    assert.equal(a.request.url, 'https://api.example.test/persons');
    assert.equal(b.request.url, 'http://api.example.test/persons');
  });
});

describe('HAR 1.2 cookies and form params', () => {
  test('Cookie and Set-Cookie headers become cookies with their attributes (RFC 6265 §5.2, §5.4)', () => {
    const c = makeCall({
      id: 1,
      target: '/api/login',
      http: {
        version: 'HTTP/1.1',
        method: 'GET',
        uri: '/api/login',
        status: 200,
        requestHeaders: [['Host', 'example.test'], ['Cookie', 'sid=old; theme=light']],
        responseHeaders: [
          ['Set-Cookie', 'sid=s3cr3t-42; Path=/; HttpOnly; SameSite=Lax'],
          ['Set-Cookie', 'theme=dark; Path=/; Domain=example.test; Secure; Expires=Wed, 21 Oct 2037 07:28:00 GMT'],
          ['Set-Cookie', 'broken'],
        ],
      },
    });
    const e = toHar([c]).log.entries[0];
    assert.deepEqual(e.request.cookies, [
      { name: 'sid', value: 'old' },
      { name: 'theme', value: 'light' },
    ]);
    assert.deepEqual(e.response.cookies, [
      { name: 'sid', value: 's3cr3t-42', path: '/', httpOnly: true, sameSite: 'Lax' },
      { name: 'theme', value: 'dark', path: '/', domain: 'example.test', secure: true, expires: '2037-10-21T07:28:00.000Z' },
    ]);
  });
  test('a multipart upload lists its parts as params (file name and type; field values), a URL-encoded form its pairs', () => {
    const upload = makeCall({
      id: 1,
      target: '/upload',
      http: {
        version: 'HTTP/1.1',
        method: 'POST',
        uri: '/upload',
        status: 200,
        requestHeaders: [['Content-Type', 'multipart/form-data; boundary=x']],
        requestBody: {
          size: 3453,
          kind: 'form',
          contentType: 'multipart/form-data; boundary=x',
          value: [
            { name: 'title', size: 5, text: 'hello' },
            { name: 'file', filename: 'notes.txt', contentType: 'text/plain', size: 3000 },
          ],
        },
      },
    });
    const form = makeCall({
      id: 2,
      target: '/form',
      http: {
        version: 'HTTP/1.1',
        method: 'POST',
        uri: '/form',
        status: 303,
        requestHeaders: [['Content-Type', 'application/x-www-form-urlencoded']],
        requestBody: { size: 13, kind: 'form', text: 'a=1&b=2&a=3', value: { a: ['1', '3'], b: '2' } },
      },
    });
    const [u, f] = toHar([upload, form]).log.entries;
    assert.deepEqual(u.request.postData?.params, [
      { name: 'title', value: 'hello' },
      { name: 'file', fileName: 'notes.txt', contentType: 'text/plain', comment: '3000 bytes not kept' },
    ]);
    assert.equal(u.request.postData?.text, '');
    assert.match(u.request.postData?.comment ?? '', /parts are in params/);
    assert.deepEqual(f.request.postData?.params, [
      { name: 'a', value: '1' },
      { name: 'a', value: '3' },
      { name: 'b', value: '2' },
    ]);
    assert.equal(f.request.postData?.text, 'a=1&b=2&a=3');
  });
});

describe('JSONL', () => {
  test('one parseable line per call', () => {
    const text = toJsonl([makeCall({ id: 1 }), makeCall({ id: 2 })]);
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.equal(JSON.parse(lines[1]).id, 2);
  });
  test('ranges (editor-only stream offsets) are left out of the line and put back on the call', () => {
    const ranges = { request: [{ flowId: 1, dir: 'c2s', offset: 0, length: 10 }] } as unknown as NonNullable<ReturnType<typeof makeCall>['ranges']>;
    const c = makeCall({ id: 1, ranges });
    const line = JSON.parse(callToJsonLine(c));
    assert.equal('ranges' in line, false);
    assert.equal(line.id, 1);
    assert.equal(c.ranges, ranges);
  });
});

describe('Mermaid sequence diagram', () => {
  test('requests and responses as arrows between named lifelines', () => {
    const calls = [xmlrpcCall({ id: 1 }), makeCall({ id: 2, status: { code: 404, text: 'Not Found', ok: false } })];
    const m = toMermaid(calls, { names: { '127.0.0.1:8080': 'people' } });
    const lines = m.trimEnd().split('\n');
    assert.equal(lines[0], 'sequenceDiagram');
    assert.ok(lines.includes('  participant P1 as client 127.0.0.1'));
    assert.ok(lines.includes('  participant P2 as people'));
    assert.ok(lines.includes('  P1->>P2: add /RPC2'), m);
    assert.ok(lines.includes('  P2-->>P1: 200 OK (3.5 ms)'), m);
    assert.ok(lines.includes('  P1->>P2: GET /persons/7'), m);
    assert.ok(lines.includes('  P2--xP1: 404 Not Found (3.5 ms)'), m);
  });
  test('publish and deliver are one-way, broker in the middle', () => {
    const pub = makeCall({ id: 1, protocol: 'mqtt', kind: 'publish', method: 'PUBLISH', target: 'trips/new', server: { ip: '127.0.0.1', port: 1883 }, status: undefined });
    const del = makeCall({ id: 2, protocol: 'mqtt', kind: 'deliver', method: 'PUBLISH', target: 'trips/new', client: { ip: '127.0.0.2', port: 40000 }, server: { ip: '127.0.0.1', port: 1883 }, status: undefined, timing: { startUs: 1_700_000_000_000_200 } });
    const m = toMermaid([pub, del]);
    assert.match(m, /P1-\)P2: PUBLISH trips\/new/);
    assert.match(m, /P2-\)P3: PUBLISH trips\/new/);
  });
  test('special characters are escaped', () => {
    assert.equal(mermaidText('a;b#c<d>\ne'), 'a#59;b#35;c#lt;d#gt; e');
  });
});

describe('Markdown table', () => {
  test('header, one row per call, escaped pipes', () => {
    const md = toMarkdownTable([makeCall({ id: 1, target: '/a|b' }), makeCall({ id: 2, timing: { startUs: 1_700_000_000_250_000 } })]);
    const lines = md.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0], /^\| # \| Time \|/);
    assert.match(lines[2], /\/a\\\|b/);
    assert.match(lines[3], /\| 0\.250000 \|/);
    assert.match(lines[2], /✓ 200 OK/);
  });
  test('time display modes', () => {
    assert.equal(formatTime(2_500_000, 'relative', 1_000_000, undefined), '1.500000');
    assert.equal(formatTime(2_500_000, 'delta', 1_000_000, 2_000_000), '+0.500000');
    assert.equal(formatTime(1_700_000_000_000_000, 'absolute', 0, undefined), '2023-11-14 22:13:20.000000');
  });
});

describe('copy as', () => {
  test('curl with method, url, headers (no Host/Content-Length) and the body quoted for the shell', () => {
    const c = xmlrpcCall({ id: 1 });
    c.http!.requestBody!.text = "<a>it's</a>";
    const s = toCurl(c);
    assert.equal(
      s,
      "curl \\\n  http://localhost:8000/RPC2 \\\n  -H 'Content-Type: text/xml' \\\n  --data-raw '<a>it'\\''s</a>'\n",
    );
  });
  test('curl for a GET with no body, and a DELETE', () => {
    assert.equal(toCurl(makeCall(), { multiline: false }), 'curl http://127.0.0.1:8080/persons/7\n');
    assert.match(toCurl(makeCall({ method: 'DELETE', http: { version: 'HTTP/1.1', method: 'DELETE', uri: '/x' } })), /^curl \\\n  -X DELETE/);
  });
  test('grpcurl from a decoded request', () => {
    const c = makeCall({
      protocol: 'grpc',
      method: 'GetPerson',
      target: '/people.v1.People/GetPerson',
      request: { value: { id: 7 } },
      http: { version: 'HTTP/2', method: 'POST', uri: '/people.v1.People/GetPerson', requestHeaders: [[':authority', 'localhost:50051'], ['content-type', 'application/grpc'], ['x-trace', 'abc']] },
    });
    assert.equal(
      toGrpcurl(c, { importPaths: ['protos'], protoFiles: ['people.proto'] }),
      "grpcurl \\\n  -plaintext \\\n  -import-path protos \\\n  -proto people.proto \\\n  -H 'x-trace: abc' \\\n  -d '{\"id\":7}' \\\n  localhost:50051 \\\n  people.v1.People/GetPerson\n",
    );
  });
  test('grpcurl and .http without :authority: the server address, an IPv6 one bracketed', () => {
    const c = makeCall({
      protocol: 'grpc',
      method: 'GetPerson',
      target: '/people.v1.People/GetPerson',
      server: { ip: '::1', port: 50051 },
      request: { value: { id: 7 } },
      http: { version: 'HTTP/2', method: 'POST', uri: '/people.v1.People/GetPerson', requestHeaders: [['content-type', 'application/grpc']] },
    });
    assert.match(toGrpcurl(c), /\n {2}'\[::1\]:50051' \\\n/);
    assert.match(toHttpFile(c), /^GRPC \[::1\]:50051\/people\.v1\.People\/GetPerson$/m);
  });
  test('.http request in REST Client format', () => {
    const s = toHttpFile(xmlrpcCall({ id: 9 }));
    const lines = s.split('\n');
    assert.equal(lines[0], '### xmlrpc #9 add /RPC2');
    assert.equal(lines[1], 'POST http://localhost:8000/RPC2 HTTP/1.1');
    assert.equal(lines[2], 'Content-Type: text/xml');
    assert.equal(lines[3], '');
    assert.match(lines[4], /^<\?xml/);
  });
  test('shell quoting', () => {
    assert.equal(shellQuote('abc'), 'abc');
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote(''), "''");
  });
});

describe('formatting', () => {
  test('base64, durations, ISO time with microseconds', () => {
    assert.equal(base64(new TextEncoder().encode('hello')), 'aGVsbG8=');
    assert.equal(formatDuration(850), '850 µs');
    assert.equal(formatDuration(12_345), '12 ms');
    assert.equal(formatDuration(3_500), '3.5 ms');
    assert.equal(formatDuration(1_250_000), '1.25 s');
    assert.equal(isoTime(1_700_000_000_000_123), '2023-11-14T22:13:20.000123Z');
  });
});

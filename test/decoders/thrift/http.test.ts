/**
 * Thrift over HTTP (THttpClient / THttpServer: one message per POST, Content-Type
 * application/x-thrift or application/vnd.apache.thrift.{binary,compact,json}) and the JSON
 * protocol (thrift/doc/specs/thrift-json-protocol.md: `[1,"name",type,seqid,{struct}]`, fields as
 * {"id":{"type":value}}). Fixtures: bytes and text written by Debian python3-thrift 0.17's own
 * TBinaryProtocol, TCompactProtocol and TJSONProtocol.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readJsonMessage, looksLikeTJson } from '../../../decoders/thrift/json-protocol';
import { ThriftError } from '../../../decoders/thrift/wire';
import { renderRaw } from '../../../decoders/thrift/render';
import { fromHex } from '../../../decoders/core/bytes';
import { calls } from '../http1/feed';
import { spec } from '../../../decoders/thrift/index';
import { run, assertSplitInvariant } from '../calls/harness';

const LIMITS = { maxDepth: 64, maxLength: 1 << 20 };

// python3-thrift TJSONProtocol: every type (Python writes a NaN double as a bare `nan`).
const TJSON_TYPES =
  '[1,"types",1,7,{"1":{"tf":1},"2":{"i8":-5},"3":{"dbl":-1.5},"4":{"i16":-300},"5":{"i32":100000},"6":{"i64":-9007199254740993},' +
  '"7":{"str":"héllo \\"q\\"\\n"},"8":{"lst":["i32",3,1,2,3]},"9":{"set":["str",2,"x","y"]},"10":{"map":["i32","str",2,{"1":"a","-2":"b"}]},' +
  '"11":{"dbl":nan},"40":{"rec":{"1":{"tf":0}}}}]';

// resign("1234") and its reply `true`: binary (strict) and compact (seqid 3).
const BIN_CALL = '800100010000000672657369676e000000000b0001000000043132333400';
const BIN_REPLY = '800100020000000672657369676e000000000200000100';
const COMPACT_CALL = '8221030672657369676e18043132333400';
const COMPACT_REPLY = '8241030672657369676e010000';

const post = (ct: string, body: Uint8Array | string) => {
  const b = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const head = new TextEncoder().encode(`POST /thrift HTTP/1.1\r\nHost: h\r\nContent-Type: ${ct}\r\nContent-Length: ${b.length}\r\n\r\n`);
  const out = new Uint8Array(head.length + b.length);
  out.set(head);
  out.set(b, head.length);
  return out;
};
const ok = (ct: string, body: Uint8Array | string) => {
  const b = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const head = new TextEncoder().encode(`HTTP/1.1 200 OK\r\nContent-Type: ${ct}\r\nContent-Length: ${b.length}\r\n\r\n`);
  const out = new Uint8Array(head.length + b.length);
  out.set(head);
  out.set(b, head.length);
  return out;
};

describe('Thrift JSON protocol (thrift-json-protocol.md)', () => {
  it('reads every type: bool as 1/0, i64 beyond 2^53 exact, escapes, collections, map keys quoted, a bare nan', () => {
    assert.ok(looksLikeTJson(TJSON_TYPES));
    const m = readJsonMessage(TJSON_TYPES, LIMITS);
    assert.equal(m.protocol, 'json');
    assert.equal(m.name, 'types');
    assert.equal(m.type, 1);
    assert.equal(m.seqid, 7);
    assert.deepEqual(renderRaw(m.body), {
      '1': true,
      '2': -5,
      '3': -1.5,
      '4': -300,
      '5': 100000,
      '6': '-9007199254740993',
      '7': 'héllo "q"\n',
      '8': [1, 2, 3],
      '9': ['x', 'y'],
      '10': { '1': 'a', '-2': 'b' },
      '11': 'NaN',
      '40': { '1': false },
    });
  });

  it('malformed and hostile input: a ThriftError naming the problem, never another exception', () => {
    const bad: Array<[string, RegExp]> = [
      ['[2,"m",1,0,{}]', /version/],
      ['[1,"m",9,0,{}]', /message type/],
      ['[1,"m",1,0,{"1":{"zz":1}}]', /unknown TJSON type/],
      ['[1,"m",1,0,{"1":{"lst":["i32",5,1]}}]', /says 5 elements/],
      ['[1,"m",1,0,{"1":{"i32":"x"}}]', /not an integer/],
      ['[1,"m",1,0,{"1":{"i32":1}}', /ends inside/],
      ['[1,"m",1,0,{"1":{"lst":["i32",99999999999]}}]', /out of bounds/],
      [`[1,"m",1,0,${'{"1":{"rec":'.repeat(200)}{}${'}}'.repeat(200)}]`, /nested deeper/],
      ['[1,"m",1,0,{"1":{"dbl":"toString"}}]', /not a number/],
      ['[1,"m",1,0,{"1":{"map":["constructor","i32",0,{}]}}]', /unknown TJSON type/],
    ];
    for (const [text, why] of bad) assert.throws(() => readJsonMessage(text, LIMITS), (e: unknown) => e instanceof ThriftError && why.test((e as Error).message), text.slice(0, 60));
  });

  it('fuzz: 3,000 mutations of a real message read or fail with a ThriftError', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const alphabet = '[]{}",:0123456789-.eEnaNIfity \\u';
    for (let n = 0; n < 3000; n++) {
      const chars = [...TJSON_TYPES];
      for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) {
        const at = Math.floor(rnd() * chars.length);
        const op = rnd();
        if (op < 0.4) chars[at] = alphabet[Math.floor(rnd() * alphabet.length)];
        else if (op < 0.7) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[Math.floor(rnd() * alphabet.length)]);
      }
      const text = chars.join('');
      try {
        readJsonMessage(text, LIMITS);
      } catch (e) {
        assert.ok(e instanceof ThriftError, `${(e as Error).stack}\n${text}`);
      }
    }
  });
});

describe('Thrift over HTTP: the POST is a thrift call, its HTTP layer inside', () => {
  it('binary protocol as application/x-thrift (Python/Java THttpClient)', () => {
    const [c] = calls([
      { dir: 'c2s', data: post('application/x-thrift', fromHex(BIN_CALL)) },
      { dir: 's2c', data: ok('application/x-thrift', fromHex(BIN_REPLY)) },
    ]);
    assert.equal(c.protocol, 'thrift');
    assert.equal(c.method, 'resign');
    assert.equal(c.kind, 'unary');
    assert.deepEqual(c.request?.value, { '1': '1234' });
    assert.equal(c.response?.value, true);
    assert.deepEqual(c.status, { code: 'OK', ok: true });
    assert.equal(c.fields['thrift.transport'], 'http');
    assert.equal(c.fields['thrift.protocol'], 'binary');
    assert.equal(c.fields['http.request.method'], 'POST', 'the HTTP layer is kept');
    assert.deepEqual(c.warnings, []);
  });

  it('compact protocol as application/vnd.apache.thrift.compact', () => {
    const [c] = calls([
      { dir: 'c2s', data: post('application/vnd.apache.thrift.compact', fromHex(COMPACT_CALL)) },
      { dir: 's2c', data: ok('application/vnd.apache.thrift.compact', fromHex(COMPACT_REPLY)) },
    ]);
    assert.equal(c.protocol, 'thrift');
    assert.equal(c.fields['thrift.protocol'], 'compact');
    assert.equal(c.fields['thrift.seq_id'], 3);
    assert.equal(c.response?.value, true);
  });

  it('JSON protocol: as application/x-thrift (Python), application/vnd.apache.thrift.json (JavaScript) and application/json (JavaScript before 0.13)', () => {
    const rq = '[1,"resign",1,0,{"1":{"str":"1234"}}]';
    const rs = '[1,"resign",2,0,{"0":{"tf":1}}]';
    for (const ct of ['application/x-thrift', 'application/vnd.apache.thrift.json; charset=utf-8', 'application/json']) {
      const [c] = calls([
        { dir: 'c2s', data: post(ct, rq) },
        { dir: 's2c', data: ok(ct, rs) },
      ]);
      assert.equal(c.protocol, 'thrift', ct);
      assert.equal(c.fields['thrift.protocol'], 'json', ct);
      assert.deepEqual(c.request?.value, { '1': '1234' }, ct);
      assert.equal(c.response?.value, true, ct);
      assert.deepEqual(c.warnings, [], ct);
    }
  });

  it('a TApplicationException reply, and a reply to another call, are said', () => {
    const [c] = calls([
      { dir: 'c2s', data: post('application/x-thrift', '[1,"gone",1,4,{"1":{"str":"1234"}}]') },
      { dir: 's2c', data: ok('application/x-thrift', '[1,"other",3,5,{"1":{"str":"Unknown function gone"},"2":{"i32":1}}]') },
    ]);
    assert.equal(c.status?.code, 'TApplicationException');
    assert.match(c.status?.text ?? '', /UNKNOWN_METHOD: Unknown function gone/);
    assert.ok(c.warnings.some((w) => /reply "other" \(sequence id 5\) to the call "gone" \(sequence id 4\)/.test(w)), c.warnings.join(' | '));
  });

  it('bad bodies stay HTTP calls with a warning; an HTTP error without a reply keeps its status', () => {
    const [a] = calls([
      { dir: 'c2s', data: post('application/x-thrift', 'hello') },
      { dir: 's2c', data: ok('application/x-thrift', '') },
    ]);
    assert.equal(a.protocol, 'http');
    assert.ok(a.warnings.some((w) => /Thrift request not decoded: not a Thrift message/.test(w)), a.warnings.join(' | '));
    const [b] = calls([
      { dir: 'c2s', data: post('application/x-thrift', fromHex(BIN_CALL.slice(0, 30))) },
      { dir: 's2c', data: ok('application/x-thrift', '') },
    ]);
    assert.ok(b.warnings.some((w) => /the body ends inside the message/.test(w)), b.warnings.join(' | '));
    const [c] = calls([
      { dir: 'c2s', data: post('application/x-thrift', fromHex(BIN_CALL)) },
      { dir: 's2c', data: 'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops' },
    ]);
    assert.equal(c.protocol, 'thrift');
    assert.equal(c.status?.code, 500);
    assert.ok(c.warnings.some((w) => /Thrift reply not decoded/.test(w)), c.warnings.join(' | '));
  });
});

describe('Thrift JSON protocol over TCP (TJSONProtocol with a buffered or framed socket transport)', () => {
  const hex = (t: string) => Buffer.from(t).toString('hex');
  // python3-thrift: resign("1234") → true, unframed; a name with "]" and an escaped quote in a string.
  const CALL = '[1,"resign",1,0,{"1":{"str":"1234"}}]';
  const REPLY = '[1,"resign",2,0,{"0":{"tf":1}}]';
  const TRICKY = '[1,"resign",1,1,{"1":{"str":"a]}\\"[{\\\\"}}]'; // a string ending in an escaped backslash
  const TRICKY_REPLY = '[1,"resign",2,1,{"0":{"tf":0}}]';

  it('unframed: messages end with their top-level array, strings with brackets and escapes included; any split', () => {
    const script: Array<['c2s' | 's2c', string]> = [
      ['c2s', hex(CALL + TRICKY)],
      ['s2c', hex(REPLY)],
      ['s2c', hex(TRICKY_REPLY)],
    ];
    const { calls: got } = run(spec, script, undefined, 19400);
    assert.deepEqual(
      got.map((c) => [c.method, c.fields['thrift.protocol'], c.fields['thrift.framed'], c.request?.value, c.response?.value]),
      [
        ['resign', 'json', false, { '1': '1234' }, true],
        ['resign', 'json', false, { '1': 'a]}"[{\\' }, false],
      ],
    );
    assertSplitInvariant(spec, script, 19400);
  });

  it('framed (python3-thrift TFramedTransport)', () => {
    const frame = (t: string) => (t.length).toString(16).padStart(8, '0') + hex(t);
    const script: Array<['c2s' | 's2c', string]> = [
      ['c2s', frame(CALL)],
      ['s2c', frame(REPLY)],
    ];
    const { calls: got } = run(spec, script, undefined, 19401);
    assert.equal(got.length, 1);
    assert.equal(got[0].fields['thrift.framed'], true);
    assert.equal(got[0].response?.value, true);
    assertSplitInvariant(spec, script, 19401);
  });

  it('a message that never ends is said at the end of the stream, nothing thrown', () => {
    const { calls: got, session } = run(spec, [['c2s', hex('[1,"resign",1,0,{"1":{"str":"12')]], undefined, 19400);
    assert.equal(got.length, 0);
    assert.ok(session.warnings.some((w) => /unfinished message/.test(w)), session.warnings.join(' | '));
  });
});

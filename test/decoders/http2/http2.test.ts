import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, frame, block, settings, c2s, s2c, preface, enc, lpm, norm, type Pkt } from './h2';
import { probeHttp2 } from '../../../decoders/http2/index';
import { concatBytes, fromHex } from '../../../decoders/core/bytes';
import type { HttpUpgradeInit } from '../../../decoders/core/handoff';

const REQ = (path = '/p', extra: Array<[string, string]> = []) => block([[':method', 'GET'], [':scheme', 'http'], [':path', path], [':authority', 'h'], ...extra]);
const RES = (status = '200', extra: Array<[string, string]> = []) => block([[':status', status], ...extra]);

function simple(): Pkt[] {
  return [
    c2s(preface(), settings([[4, 65535]])),
    s2c(settings([[1, 4096]]), frame(4, 1, 0)),
    c2s(frame(1, 0x5, 1, REQ('/a'))),
    s2c(frame(1, 0x4, 1, RES('200', [['content-type', 'application/json']])), frame(0, 0, 1, enc('{"a":')), frame(0, 1, 1, enc('1}'))),
  ];
}

describe('RFC 9113 §3.4 connection preface', () => {
  it('probe accepts the preface, asks for more on a prefix, rejects other text', () => {
    assert.equal(probeHttp2(preface(), 'c2s'), 'accept');
    assert.equal(probeHttp2(preface().subarray(0, 10), 'c2s'), 'need-more');
    assert.equal(probeHttp2(enc('GET / HTTP/1.1\r\n'), 'c2s'), 'reject');
  });
  it('probe recognises mid-connection frames (§4.1 frame sanity)', () => {
    assert.equal(probeHttp2(concatBytes([frame(0, 0, 1, [1, 2, 3]), frame(8, 0, 0, [0, 0, 1, 0])]), 's2c'), 'accept');
    assert.equal(probeHttp2(frame(4, 0, 1, [0, 0, 0, 0, 0, 0]), 's2c'), 'reject'); // SETTINGS on a stream
    assert.equal(probeHttp2(enc('*1\r\n$4\r\nPING\r\n'), 'c2s'), 'reject');
  });
});

describe('RFC 9113 §6.1 DATA and §6.2 HEADERS', () => {
  it('a GET with a JSON response becomes one http2 call', () => {
    const s = feed(simple());
    assert.equal(s.calls.length, 1);
    const c = s.calls[0];
    assert.equal(c.protocol, 'http2');
    assert.equal(c.method, 'GET');
    assert.equal(c.target, '/a');
    assert.equal(c.status?.code, 200);
    assert.equal(c.state, 'complete');
    assert.deepEqual(c.response?.body?.value, { a: 1 });
    assert.equal(c.timing.startUs, 1_002_000);
    assert.equal(c.timing.endUs, 1_003_000);
    assert.equal(c.fields['http2.streamid'], 1);
  });
  it('padding and priority fields are stripped', () => {
    const hb = REQ('/pad');
    const headersPayload = concatBytes([Uint8Array.of(3), Uint8Array.of(0x80, 0, 0, 0, 15), hb, new Uint8Array(3)]);
    const s = feed([
      c2s(preface(), frame(1, 0x8 | 0x20 | 0x4 | 0x1, 1, headersPayload)),
      s2c(frame(1, 0x4, 1, RES('200', [['content-type', 'text/plain']])), frame(0, 0x8 | 0x1, 1, concatBytes([Uint8Array.of(2), enc('hi'), new Uint8Array(2)]))),
    ]);
    const c = s.calls[0];
    assert.equal(c.target, '/pad');
    assert.equal(c.fields['http2.headers.weight'], 16);
    assert.equal(c.fields['http2.headers.exclusive'], true);
    assert.equal(c.response?.body?.text, 'hi');
  });
  it('identical calls whatever the split (chunking)', () => {
    const whole = norm(feed(simple()));
    for (const split of [1, 2, 3, 5, 7, 9, 13]) assert.equal(norm(feed(simple(), { split })), whole, `split ${split}`);
  });
});

describe('RFC 9113 §6.10 CONTINUATION', () => {
  it('joins header block fragments', () => {
    const b = REQ('/continued', [['x-long', 'v'.repeat(40)]]);
    const s = feed([c2s(preface(), frame(1, 0x1, 1, b.subarray(0, 10)), frame(9, 0, 1, b.subarray(10, 20)), frame(9, 0x4, 1, b.subarray(20))), s2c(frame(1, 0x5, 1, RES('204')))]);
    assert.equal(s.calls[0].target, '/continued');
    assert.equal(s.calls[0].status?.code, 204);
  });
  it('every frame of a split header block counts in the wire bytes and packets (nghttp --continuation, a 40 KB header)', () => {
    // Request: HEADERS (no END_HEADERS) + CONTINUATION + CONTINUATION (END_HEADERS), one packet each;
    // response: HEADERS + CONTINUATION (END_HEADERS | END_STREAM on the HEADERS).
    const b = REQ('/continued', [['x-big', 'h'.repeat(300)]]);
    const r = RES('200', [['x-also-big', 'r'.repeat(100)]]);
    const s = feed([
      c2s(preface()),
      c2s(frame(1, 0x1, 1, b.subarray(0, 100))),
      c2s(frame(9, 0, 1, b.subarray(100, 200))),
      c2s(frame(9, 0x4, 1, b.subarray(200))),
      s2c(frame(1, 0x1, 1, r.subarray(0, 50))),
      s2c(frame(9, 0x4, 1, r.subarray(50))),
    ]);
    const c = s.calls[0];
    assert.equal(c.target, '/continued');
    assert.equal(c.request?.wireBytes, 3 * 9 + b.length);
    assert.equal(c.response?.wireBytes, 2 * 9 + r.length);
    assert.deepEqual(c.frames, [2, 3, 4, 5, 6]);
  });
  it('a frame other than CONTINUATION in between is a protocol error (warning)', () => {
    const b = REQ('/x');
    const s = feed([c2s(preface(), frame(1, 0x1, 1, b.subarray(0, 5)), frame(6, 0, 0, new Uint8Array(8)))]);
    assert.ok(s.warnings.some((w) => /CONTINUATION/.test(w)));
  });
});

describe('RFC 9113 §6.4 RST_STREAM, §6.8 GOAWAY', () => {
  it('RST_STREAM aborts the call with the error name', () => {
    const s = feed([c2s(preface(), frame(1, 0x4, 1, REQ('/slow')), frame(3, 0, 1, [0, 0, 0, 8]))]);
    assert.equal(s.calls[0].state, 'aborted');
    assert.equal(s.calls[0].fields['http2.rst_stream.error'], 'CANCEL');
  });
  it('GOAWAY with an error and debug data is a flow warning', () => {
    const s = feed([c2s(preface()), s2c(frame(7, 0, 0, concatBytes([Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 11), enc('calm down')])))]);
    assert.ok(s.warnings.some((w) => /GOAWAY.*ENHANCE_YOUR_CALM: calm down/.test(w)));
  });
  it('GOAWAY NO_ERROR with debug data is a graceful shutdown, no warning, unless it leaves a client stream unprocessed', () => {
    // apache2 mod_http2 on an idle h2c connection: last stream 1, NO_ERROR, debug "timeout".
    const idle = fromHex('00000f070000000000' + '00000001' + '00000000' + '74696d656f7574');
    // (each side's preface starts with SETTINGS, RFC 9113 §3.4: without them the flow warns of that)
    const s = feed([c2s(preface(), settings(), frame(1, 0x5, 1, REQ('/a'))), s2c(settings(), frame(1, 0x5, 1, RES())), s2c(idle)]);
    assert.deepEqual(s.warnings, []);
    // Stream 3 was sent but the server's GOAWAY says it processed up to 1: it will never be answered.
    const t = feed([c2s(preface(), frame(1, 0x5, 1, REQ('/a')), frame(1, 0x5, 3, REQ('/b'))), s2c(frame(1, 0x5, 1, RES())), s2c(idle)]);
    assert.ok(t.warnings.some((w) => /GOAWAY from server: last stream 1, NO_ERROR: timeout/.test(w)));
  });
});

describe('RFC 9113 §6.5 SETTINGS', () => {
  it('SETTINGS_MAX_FRAME_SIZE: a larger frame warns before the peer raised it, not after', () => {
    const big = frame(0, 1, 1, new Uint8Array(20000));
    const s1 = feed([c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':path', '/u'], [':scheme', 'http']])), big), s2c(frame(1, 0x5, 1, RES()))]);
    assert.ok(s1.warnings.some((w) => /SETTINGS_MAX_FRAME_SIZE/.test(w)));
    assert.equal(s1.calls[0].request?.body?.size, 20000);
    const s2 = feed([c2s(preface()), s2c(settings([[5, 65536]])), c2s(frame(1, 0x4, 1, block([[':method', 'POST'], [':path', '/u']])), big), s2c(frame(1, 0x5, 1, RES()))]);
    assert.ok(!s2.warnings.some((w) => /SETTINGS_MAX_FRAME_SIZE/.test(w)));
  });
});

describe('RFC 9113 §6.6 PUSH_PROMISE', () => {
  it('the promised stream becomes its own call', () => {
    const pp = concatBytes([Uint8Array.of(0, 0, 0, 2), REQ('/style.css')]);
    const s = feed([
      c2s(preface(), frame(1, 0x5, 1, REQ('/index.html'))),
      s2c(frame(5, 0x4, 1, pp), frame(1, 0x4, 1, RES()), frame(0, 1, 1, enc('<html>')), frame(1, 0x4, 2, RES('200', [['content-type', 'text/css']])), frame(0, 1, 2, enc('b{}'))),
    ]);
    assert.deepEqual(s.calls.map((c) => c.target).sort(), ['/index.html', '/style.css']);
    const pushed = s.calls.find((c) => c.target === '/style.css')!;
    assert.equal(pushed.fields['http2.push_promise'], true);
    assert.equal(pushed.state, 'complete');
  });
});

describe('RFC 9113 §5.5 unknown frame types, §6.7 PING, §6.9 WINDOW_UPDATE', () => {
  it('are ignored', () => {
    const pkts = simple();
    pkts.splice(2, 0, c2s(frame(0x42, 0xff, 0, [1, 2, 3]), frame(6, 0, 0, new Uint8Array(8)), frame(8, 0, 0, [0, 0, 1, 0])));
    const s = feed(pkts);
    assert.equal(s.calls.length, 1);
    assert.equal(s.calls[0].state, 'complete');
  });
});

describe('RFC 7541 errors on a connection', () => {
  it('HPACK index out of range: warning, later streams from that side are incomplete', () => {
    const s = feed([
      c2s(preface(), frame(1, 0x5, 1, Uint8Array.of(0xff, 0x10))),
      s2c(frame(1, 0x5, 1, RES())),
      c2s(frame(1, 0x5, 3, REQ('/later'))),
      s2c(frame(1, 0x5, 3, RES())),
    ]);
    assert.ok(s.warnings.some((w) => /HPACK error/.test(w)));
    assert.equal(s.calls.length, 2);
    for (const c of s.calls) assert.equal(c.state, 'incomplete');
  });
  it('oversized header list: fields dropped with a warning', () => {
    const env = { ...feed([]).env, limits: { ...feed([]).env.limits, maxHeaderBytes: 200 } };
    const s = feed([c2s(preface(), frame(1, 0x5, 1, REQ('/h', [['x-big', 'y'.repeat(300)]]))), s2c(frame(1, 0x5, 1, RES()))], { env });
    assert.ok(s.calls[0].warnings.some((w) => /dropped/.test(w)));
  });
});

describe('mid-connection captures (no preface)', () => {
  it('frames of a stream whose HEADERS were not captured: incomplete with a warning', () => {
    const s = feed([s2c(frame(0, 0, 7, enc('tail of a body')), frame(1, 0x5, 7, block([['grpc-status', '0']])))]);
    assert.equal(s.calls.length, 1);
    assert.equal(s.calls[0].state, 'incomplete');
    assert.match(s.calls[0].warnings.join(' '), /stream 7 started before the capture: headers unknown/);
  });
  it('a hint supplies the headers (fake headers)', () => {
    const env = { ...feed([]).env, hints: [{ port: 50051, headers: { ':path': '/pkg.Svc/Get', 'content-type': 'application/grpc' } }] };
    const s = feed([c2s(frame(0, 1, 7, lpm([8, 1]))), s2c(frame(1, 0x4, 7, RES('200', [['content-type', 'application/grpc']])), frame(0, 0, 7, lpm([8, 2])), frame(1, 0x5, 7, block([['grpc-status', '0']])))], { env, serverPort: 50051 });
    const c = s.calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.target, '/pkg.Svc/Get');
    assert.equal(c.status?.code, 0);
    assert.deepEqual(c.request?.value, { '1': 1 });
  });
  it('starting inside a frame: skips to the next frame boundary', () => {
    const tail = frame(0, 0, 1, new Uint8Array(50)).subarray(20);
    const s = feed([c2s(tail, frame(1, 0x5, 3, REQ('/after'))), s2c(frame(1, 0x5, 3, RES()))]);
    assert.ok(s.calls.some((c) => c.target === '/after' && c.state === 'complete'));
  });
  it('roles guessed the wrong way round are swapped', () => {
    const s = feed([s2c(frame(1, 0x5, 3, REQ('/swapped'))), c2s(frame(1, 0x5, 3, RES('404')))]);
    const c = s.calls[0];
    assert.equal(c.target, '/swapped');
    assert.equal(c.status?.code, 404);
    assert.equal(c.client.port, 8080);
  });
});

describe('h2c upgrade (RFC 9113 §3.2 of RFC 7540, via HTTP/1.1 hand-off)', () => {
  it('the upgrading request becomes stream 1', () => {
    const init: HttpUpgradeInit = {
      kind: 'http-upgrade',
      protocol: 'h2c',
      request: { method: 'GET', uri: '/up', headers: [['Host', 'h'], ['Connection', 'Upgrade, HTTP2-Settings'], ['Upgrade', 'h2c']], startUs: 900_000, endUs: 900_000, frame: 1 },
      response: { status: 101, reason: 'Switching Protocols', headers: [], startUs: 950_000, endUs: 950_000, frame: 2 },
      upgradeCallId: 99,
    };
    const s = feed([c2s(preface(), settings()), s2c(settings(), frame(1, 0x4, 1, RES('200', [['content-type', 'text/plain']])), frame(0, 1, 1, enc('ok')))], { init });
    const c = s.calls[0];
    assert.equal(c.target, '/up');
    assert.equal(c.http?.host, 'h');
    assert.equal(c.response?.body?.text, 'ok');
    assert.equal(c.state, 'complete');
  });
});

describe('fuzz: random and mutated input never throws, other streams continue', () => {
  it('mutations of a valid conversation', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const base = simple();
    for (let iter = 0; iter < 200; iter++) {
      const pkts = base.map((p) => ({ ...p, data: p.data!.slice() }));
      const p = pkts[Math.floor(rnd() * pkts.length)];
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) p.data![Math.floor(rnd() * p.data!.length)] = Math.floor(rnd() * 256);
      feed(pkts, { split: 1 + Math.floor(rnd() * 20) });
    }
    for (let iter = 0; iter < 50; iter++) {
      const junk = Uint8Array.from({ length: 200 }, () => Math.floor(rnd() * 256));
      feed([c2s(junk), s2c(junk)]);
      feed([c2s(preface(), junk), s2c(junk)]);
    }
  });
});

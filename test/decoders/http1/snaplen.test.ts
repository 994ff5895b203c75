import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/http1/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { testSession } from '../../helpers/session';
import { feedWithGaps } from '../../helpers/gaps';

const T = (s: string) => new TextEncoder().encode(s);

describe('RFC 9112 §2.2 message parsing when a capture cut the header section (snaplen)', () => {
  it('the request and status lines captured before the gap still make an (incomplete) call', () => {
    const s = testSession();
    const d = spec.create(s) as StreamDecoder;
    const req = 'GET /persons/1234 HTTP/1.1\r\nHost: 127.0.0.1:8010\r\nUser-Ag';
    d.data('c2s', T(req), { frame: 4, tsUs: 1_000, streamOffset: 0 });
    d.gap('c2s', 80, { frame: 4, tsUs: 1_000, streamOffset: req.length });
    const resp = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConte';
    d.data('s2c', T(resp), { frame: 6, tsUs: 2_000, streamOffset: 0 });
    d.gap('s2c', 300, { frame: 6, tsUs: 2_000, streamOffset: resp.length });
    d.close({ frame: 7, tsUs: 3_000, streamOffset: 0 });
    assert.equal(s.calls.length, 1);
    const c = s.calls[0];
    assert.equal(c.method, 'GET');
    assert.equal(c.target, '/persons/1234');
    assert.equal(c.status?.code, 200);
    assert.equal(c.state, 'incomplete');
    assert.ok(c.warnings.some((w) => /cut by the capture gap/.test(w)));
  });
  it('bytes that are not a start line before the gap make no call', () => {
    const s = testSession();
    const d = spec.create(s) as StreamDecoder;
    d.data('c2s', T('xx garbage'), { frame: 1, tsUs: 1, streamOffset: 0 });
    d.gap('c2s', 10, { frame: 1, tsUs: 1, streamOffset: 10 });
    d.close({ frame: 2, tsUs: 2, streamOffset: 0 });
    assert.equal(s.calls.length, 0);
  });
  it('a start line cut before its end (snaplen 80 keeps 14 bytes per segment) still names the call, every time', () => {
    const s = testSession();
    const d = spec.create(s) as StreamDecoder;
    let c2s = 0;
    let s2c = 0;
    for (let i = 0; i < 3; i++) {
      const req = 'POST /RPC2 HTT'; // RFC 9112 §3: method SP request-target SP HTTP-version, cut
      d.data('c2s', T(req), { frame: 10 * i + 4, tsUs: 1_000 * i + 100, streamOffset: c2s });
      d.gap('c2s', 351, { frame: 10 * i + 4, tsUs: 1_000 * i + 100, streamOffset: c2s + req.length });
      c2s += req.length + 351;
      const resp = i === 2 ? 'HTTP/1.1 404 N' : 'HTTP/1.1 200 O'; // §4: HTTP-version SP status-code SP reason, cut
      d.data('s2c', T(resp), { frame: 10 * i + 6, tsUs: 1_000 * i + 500, streamOffset: s2c });
      d.gap('s2c', 265, { frame: 10 * i + 6, tsUs: 1_000 * i + 500, streamOffset: s2c + resp.length });
      s2c += resp.length + 265;
    }
    d.close({ frame: 40, tsUs: 9_000, streamOffset: 0 });
    assert.deepEqual(
      s.calls.map((c) => [c.method, c.target, c.status?.code, c.state]),
      [
        ['POST', '/RPC2', 200, 'incomplete'],
        ['POST', '/RPC2', 200, 'incomplete'],
        ['POST', '/RPC2', 404, 'incomplete'],
      ],
    );
    assert.ok(s.calls[0].warnings.some((w) => /request line cut by the capture after 14 bytes/.test(w)));
    assert.ok(s.calls[0].warnings.some((w) => /status line cut by the capture after 14 bytes/.test(w)));
  });
  // Ruby net/http against WEBrick 1.8, `editcap -s 80` (14 payload bytes per segment): net/http sends
  // a POST's head and its body in two segments, so the 5-byte body `{nope` comes whole between
  // two cut heads. A message starts where a segment starts (RFC 9112 §2.2 gives no other marker
  // once framing is lost): the request after that body is still named.
  it('a body tail in its own segment, then a start line cut in the next: the next request is still named', () => {
    const s = testSession();
    const d = spec.create(s) as StreamDecoder;
    feedWithGaps(d, [
      ['c2s', '504f5354202f6974656d73204854'], // "POST /items HT" (frame 64: 14 of 187 bytes)
      ['gap', 'c2s', 187 - 14],
      ['c2s', '7b6e6f7065'], // "{nope" (frame 65: the whole body)
      ['s2c', '485454502f312e31203430302042'], // "HTTP/1.1 400 B" (frame 67: 14 of 229)
      ['gap', 's2c', 229 - 14],
      ['s2c', '7b227469746c65223a2262616420'], // '{"title":"bad ' (frame 69: 14 of 20)
      ['gap', 's2c', 20 - 14],
      ['c2s', '474554202f73747265616d204854'], // "GET /stream HT" (frame 71: 14 of 136)
      ['gap', 'c2s', 136 - 14],
      ['s2c', '485454502f312e3120323030204f'], // "HTTP/1.1 200 O" (frame 73: 14 of 216)
      ['gap', 's2c', 216 - 14],
    ]);
    assert.deepEqual(
      s.calls.map((c) => [c.method, c.target, c.status?.code, c.state, c.warnings.filter((w) => /without a request/.test(w))]),
      [
        ['POST', '/items', 400, 'incomplete', []],
        ['GET', '/stream', 200, 'incomplete', []],
      ],
    );
  });
  it('a cut target is kept as far as it goes, with a warning that it may be longer', () => {
    const s = testSession();
    const d = spec.create(s) as StreamDecoder;
    d.data('c2s', T('GET /persons/12'), { frame: 1, tsUs: 1, streamOffset: 0 });
    d.gap('c2s', 40, { frame: 1, tsUs: 1, streamOffset: 15 });
    d.close({ frame: 2, tsUs: 2, streamOffset: 0 });
    assert.equal(s.calls[0]?.target, '/persons/12');
    assert.ok(s.calls[0].warnings.some((w) => /the target may be longer/.test(w)));
  });
  it('text that is not the start of a start line makes no call (lower-case method, no target)', () => {
    for (const text of ['post /RPC2 HTT', 'POST RPC2 HTTP', 'HTTP/1.1 20', 'POST /a XTTP/1.1']) {
      const s = testSession();
      const d = spec.create(s) as StreamDecoder;
      const dir = text.startsWith('HTTP') ? 's2c' : 'c2s';
      d.data(dir, T(text), { frame: 1, tsUs: 1, streamOffset: 0 });
      d.gap(dir, 40, { frame: 1, tsUs: 1, streamOffset: text.length });
      d.close({ frame: 2, tsUs: 2, streamOffset: 0 });
      assert.equal(s.calls.length, 0, text);
    }
  });
  it('a 101 whose Upgrade header was cut hands a GET over to WebSocket (RFC 6455 §4.1 handshake, headers lost to the snaplen)', () => {
    const s = testSession();
    const d = spec.create(s) as StreamDecoder;
    d.data('c2s', T('GET /chat?room'), { frame: 4, tsUs: 100, streamOffset: 0 });
    d.gap('c2s', 200, { frame: 4, tsUs: 100, streamOffset: 14 });
    d.data('s2c', T('HTTP/1.1 101 S'), { frame: 6, tsUs: 200, streamOffset: 0 });
    d.gap('s2c', 150, { frame: 6, tsUs: 200, streamOffset: 14 });
    assert.deepEqual(s.handoffs.map((h) => h.id), ['websocket']);
    assert.equal(s.calls[0]?.status?.code, 101);
    assert.ok(s.calls[0].warnings.some((w) => /Upgrade header was not captured: decoded as WebSocket/.test(w)));
  });
});

/**
 * Lua held-out round (test/heldout-lua/README.md): lua-http 0.4's HTTP/1.1 server answers HEAD with
 * the chunked body a GET would get (`6\r\nhello \r\n0\r\n\r\n` after the head): RFC 9110 §9.3.2 says a
 * response to HEAD has no content, so the decoder rightly reads none (RFC 9112 §6.3 item 1) and must
 * then say what the bytes before the next status line are. The bytes are the capture's (lua-h1.pcap,
 * frames 65–68, 70–75, 77–79).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../../decoders/core/bytes';
import { run, type Packet } from './feed';

// HEAD /small HTTP/1.1 / host: 127.0.0.1:28102
const HEAD = '48454144202f736d616c6c20485454502f312e310d0a686f73743a203132372e302e302e313a32383130320d0a0d0a';
// HTTP/1.1 200 OK / content-type: text/plain / transfer-encoding: chunked / connection: transfer-encoding
const HEAD_200 = '485454502f312e3120323030204f4b0d0a636f6e74656e742d747970653a20746578742f706c61696e0d0a7472616e736665722d656e636f64696e673a206368756e6b65640d0a636f6e6e656374696f6e3a207472616e736665722d656e636f64696e670d0a0d0a';
// the body lua-http sends anyway: 6\r\nhello \r\n, then 0\r\n\r\n
const BODY = ['360d0a68656c6c6f200d0a', '300d0a0d0a'];
// POST /echo HTTP/1.1, chunked: 4 chunks "piece N;" then the last chunk
const POST = '504f5354202f6563686f20485454502f312e310d0a686f73743a203132372e302e302e313a32383130320d0a7472616e736665722d656e636f64696e673a206368756e6b65640d0a636f6e6e656374696f6e3a207472616e736665722d656e636f64696e670d0a0d0a';
const POST_BODY = ['380d0a706965636520313b0d0a', '380d0a706965636520323b0d0a', '380d0a706965636520333b0d0a', '380d0a706965636520343b0d0a', '300d0a0d0a'];
// HTTP/1.1 200 OK / x-got: 32, chunked: the 32 bytes echoed
const POST_200 = [
  '485454502f312e3120323030204f4b0d0a636f6e74656e742d747970653a20746578742f706c61696e0d0a782d676f743a2033320d0a7472616e736665722d656e636f64696e673a206368756e6b65640d0a636f6e6e656374696f6e3a207472616e736665722d656e636f64696e670d0a0d0a',
  '32300d0a706965636520313b706965636520323b706965636520333b706965636520343b0d0a',
  '300d0a0d0a',
];

const c2s = (h: string): Packet => ({ dir: 'c2s', data: fromHex(h) });
const s2c = (h: string): Packet => ({ dir: 's2c', data: fromHex(h) });

describe('RFC 9110 §9.3.2 / RFC 9112 §6.3 item 1: a body sent after the response to HEAD (lua-http 0.4 server)', () => {
  const packets = [c2s(HEAD), s2c(HEAD_200), ...BODY.map(s2c), c2s(POST), ...POST_BODY.map(c2s), ...POST_200.map(s2c)];
  for (const split of [undefined, 1, 7]) {
    it(`the HEAD has no body, the POST after it is paired${split ? ` (in ${split}-byte pieces)` : ''}`, () => {
      const s = run(packets, { split });
      assert.deepEqual(
        s.calls.map((c) => [c.method, c.target, c.status?.code, c.response?.body?.size ?? 0, c.warnings]),
        [
          ['HEAD', '/small', 200, 0, []],
          ['POST', '/echo', 200, 32, []],
        ],
      );
      assert.equal(s.calls[1].request?.body?.size, 32);
    });
  }
  it('the warning names the bytes: a body after the response to HEAD, not "bytes that are not an HTTP response"', () => {
    assert.deepEqual(run(packets).warnings, [
      's2c: a body after the response to HEAD /small, which has none (RFC 9112 §6.3 item 1): skipped: looking for the next status line',
    ]);
  });
  it('after a capture gap the bytes are not said to follow the HEAD response', () => {
    const s = run([c2s(HEAD), s2c(HEAD_200), { dir: 's2c', data: '', gap: 40 }, ...BODY.map(s2c), c2s(POST), ...POST_BODY.map(c2s), ...POST_200.map(s2c)]);
    assert.ok(!s.warnings.some((w) => w.includes('after the response to HEAD')), s.warnings.join('\n'));
    assert.deepEqual(
      s.calls.map((c) => [c.method, c.status?.code]),
      [
        ['HEAD', 200],
        ['POST', 200],
      ],
    );
  });
  it('bytes that are not a response after an ordinary one keep the plain wording', () => {
    const get = 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n';
    const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    assert.deepEqual(run([{ dir: 'c2s', data: get }, { dir: 's2c', data: `${ok}junk\r\n` }, { dir: 'c2s', data: get }, { dir: 's2c', data: ok }]).warnings, [
      's2c: bytes that are not an HTTP response: looking for the next status line',
    ]);
  });
});

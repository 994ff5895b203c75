/**
 * Pairing under capture loss with what TCP proves (test/heldout-load/README.md, the 5 % rounds):
 * a response's acknowledgement number shows the client bytes its server had received
 * (RFC 9293 §3.4), lost bytes are counted against the exact sizes of the messages seen, a gap read as
 * the body of a HEAD's answer is given back to the responses it held, and a gap before any whole
 * request is counted once requests show their size. Responses come in request order (RFC 9112 §9.3).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../../decoders/core/model';
import { enc, run, type Packet } from './feed';

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
const NO_CONTENT = 'HTTP/1.1 204 No Content\r\n\r\n';
const c2s = (data: string, acked?: number): Packet => ({ dir: 'c2s', data, acked });
const s2c = (data: string, acked?: number): Packet => ({ dir: 's2c', data, acked });
const gap = (dir: 'c2s' | 's2c', n: number): Packet => ({ dir, data: '', gap: n });
const len = (s: string) => enc(s).length;

/** "target status [frames]" per call, in call order; '-' for no status. */
function pairs(calls: Call[]): string[] {
  return calls.map((c) => `${c.fields['http.request.uri'] ?? '?'} ${c.fields['http.status'] ?? '-'} ${JSON.stringify(c.frames)}`);
}

describe('RFC 9112 §6.3 a gap taken for the body of an answer to a lost request, the next status line right after it', () => {
  // ab -i: HEADs of a large file. The answer to a lost HEAD announces Content-Length: 5000; the
  // gap after it was read as its body, until a status line stood where the body went on: the
  // request was a HEAD, and the gap held the next answer, not body bytes.
  const HEAD = 'HEAD /big HTTP/1.1\r\nHost: x\r\n\r\n';
  const R = 'HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n';
  it('the gap counts as the answer to the waiting HEAD; the next answer pairs with the next HEAD (was: with the waiting one, then one off)', () => {
    const calls = run([
      c2s(HEAD), // 1
      s2c(R), // 2
      s2c(R), // 3: answers a HEAD the capture lost (reported next)
      gap('c2s', len(HEAD)), // 4
      c2s(HEAD), // 5
      gap('s2c', len(R)), // 6: its answer
      c2s(HEAD), // 7
      s2c(R), // 8
    ]).calls;
    assert.deepEqual(pairs(calls), ['/big 200 [1,2]', '? 200 [3]', '/big - [5]', '/big 200 [7,8]']);
    const orphan = calls[1];
    assert.ok(!orphan.warnings.some((w) => w.startsWith('body incomplete')), orphan.warnings.join(' | '));
  });
});

/**
 * Header blocks RFC 9113 calls malformed (§8.1, §8.2.1, §8.2.2, §8.3): a peer resets such a stream
 * with PROTOCOL_ERROR; a capture can still hold one (a hand-rolled client, a proxy bug), and the
 * decoder reads it and says why it is malformed. Blocks are HPACK literals without indexing, new
 * name (RFC 7541 §6.2.2: 00, name length, name, value length, value), as inline hex.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, frame, c2s, s2c, preface } from './h2';

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
// 83 :method POST, 86 :scheme http, 84 :path / (static table, RFC 7541 Appendix A)
const POST = '83 86 84';
const CT_UPPER = '00 0c 436f6e74656e742d54797065 0a 746578742f706c61696e'; // Content-Type: text/plain
const CT = '00 0c 636f6e74656e742d74797065 0a 746578742f706c61696e'; // content-type: text/plain
const CONNECTION = '00 0a 636f6e6e656374696f6e 0a 6b6565702d616c697665'; // connection: keep-alive
const TE_GZIP = '00 02 7465 04 677a6970'; // te: gzip
const TE_TRAILERS = '00 02 7465 08 747261696c657273'; // te: trailers
const PATH_AGAIN = '04 02 2f78'; // :path /x (literal without indexing, static name 4)
const SCHEME = '86';
const STATUS_200 = '88';

function warningsFor(requestBlock: string, responseBlocks: string[] = [STATUS_200]) {
  const b = hex(requestBlock);
  const res = responseBlocks.map((r, i) => {
    const rb = hex(r);
    return frame(1, i === responseBlocks.length - 1 ? 0x5 : 0x4, 1, rb);
  });
  const s = feed([c2s(preface(), frame(1, 0x5, 1, b)), s2c(...res)]);
  return s.calls[0].warnings;
}

describe('RFC 9113 §8.2–8.3: malformed header blocks are read and named', () => {
  it('§8.2.1 an upper-case field name', () => {
    assert.deepEqual(warningsFor(`${POST} ${CT_UPPER}`), ['malformed request header block (RFC 9113 §8.2.1: field name "Content-Type" has upper-case letters)']);
  });
  it('§8.3 a pseudo-header after a regular field; a repeated one; a response pseudo-header in a request', () => {
    assert.deepEqual(warningsFor(`83 84 ${CT} ${SCHEME}`), ['malformed request header block (RFC 9113 §8.3: pseudo-header :scheme after a regular field)']);
    assert.deepEqual(warningsFor(`${POST} ${PATH_AGAIN}`), ['malformed request header block (RFC 9113 §8.3: pseudo-header :path repeated)']);
    assert.deepEqual(warningsFor(`${POST} ${STATUS_200}`), ['malformed request header block (RFC 9113 §8.3: pseudo-header :status in a request)']);
  });
  it('§8.2.2 connection-specific fields; te other than "trailers"', () => {
    assert.deepEqual(warningsFor(`${POST} ${CONNECTION}`), ['malformed request header block (RFC 9113 §8.2.2: connection-specific field connection)']);
    assert.deepEqual(warningsFor(`${POST} ${TE_GZIP}`), ['malformed request header block (RFC 9113 §8.2.2: connection-specific field te: gzip)']);
  });
  it('§8.1 a pseudo-header in trailers; a response pseudo-header other than :status', () => {
    // response headers, then trailers holding :status again
    assert.deepEqual(warningsFor(POST, [STATUS_200, STATUS_200]), ['malformed trailer header block (RFC 9113 §8.1: pseudo-header :status in trailers)']);
    assert.deepEqual(warningsFor(POST, [`${STATUS_200} 84`]), ['malformed response header block (RFC 9113 §8.3: pseudo-header :path in a response)']);
  });
  it('§8.1 a pseudo-header in request trailers after request headers cut by a gap: checked as the trailers they are stored as', () => {
    // Stream 1 HEADERS (END_HEADERS, 8 octets: POST, then x: y), only its first 3 captured;
    // then trailers (END_STREAM|END_HEADERS) holding :method again.
    const s = feed([
      c2s(preface(), frame(1, 0x4, 1, hex(`${POST} 00 01 78 01 79`)).subarray(0, 9 + 3)),
      { dir: 'c2s', gap: 5 },
      c2s(frame(1, 0x5, 1, hex(`83 ${CT}`))),
      s2c(frame(1, 0x5, 1, hex(STATUS_200))),
    ]);
    const c = s.calls[0];
    assert.deepEqual(c.request?.trailers, [
      [':method', 'POST'],
      ['content-type', 'text/plain'],
    ]);
    assert.ok(c.warnings.includes('malformed trailer header block (RFC 9113 §8.1: pseudo-header :method in trailers)'), c.warnings.join('; '));
  });
  it('well-formed blocks say nothing: pseudo-headers first, te: trailers, lower-case names', () => {
    assert.deepEqual(warningsFor(`${POST} ${CT} ${TE_TRAILERS}`), []);
  });
});

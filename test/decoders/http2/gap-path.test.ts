/**
 * A snaplen that cuts a connection's first header block loses the HPACK insertions of :path and
 * content-type that every later call refers to (grpc C-core indexes both on its first call):
 * `editcap -s 300` of the round-3 grpcio capture (test/heldout-grpc/grpc-lab3.py) made its later
 * calls plain `http2 POST` although each still carried grpc-timeout and gRPC-framed bodies.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, c2s, s2c, preface, norm, type Pkt } from './h2';
import { UNKNOWN_ENTRY } from '../../../decoders/http2/hpack';

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
const gap = (dir: 'c2s' | 's2c', n: number): Pkt => ({ dir, gap: n });

// RFC 7541: 83 = :method POST (static 3); 44 06 "/a.B/C" = :path with incremental indexing (§6.2.1,
// static name 4); 5f 10 "application/grpc" = content-type with incremental indexing (static name 31);
// then be / bf = the two newest dynamic entries (content-type, :path) (§2.3.3).
const FIRST_KEPT = '83';
const FIRST_LOST = '44 06 2f612e422f43 5f 10 6170706c69636174696f6e2f67727063'; // the block is 27 octets
const GRPC_TIMEOUT = '00 0c 677270632d74696d656f7574 02 3153'; // grpc-timeout: 1S, literal, new name (§6.2.2)
const GRPC_STATUS_0 = '00 0b 677270632d737461747573 01 30';

const pkts = (): Pkt[] => [
  c2s(preface(), hex('000000 04 00 00000000')),
  s2c(hex('000000 04 00 00000000')),
  // stream 1: only the frame header and :method were captured; the two insertions are lost
  c2s(hex(`00001b 01 05 00000001 ${FIRST_KEPT}`)),
  gap('c2s', hex(FIRST_LOST).length),
  s2c(hex('000001 01 05 00000001 88')),
  // stream 3: :path and content-type by reference (unknown now), grpc-timeout literal, one message
  c2s(hex(`000014 01 04 00000003 83 bf be ${GRPC_TIMEOUT}`), hex('000007 00 01 00000003 0000000002 0801')),
  s2c(hex('000001 01 04 00000003 88'), hex('000007 00 00 00000003 0000000002 0802'), hex(`00000f 01 05 00000003 ${GRPC_STATUS_0}`)),
  // stream 5: references only, a DATA frame holding exactly one message
  c2s(hex('000003 01 04 00000005 83 bf be'), hex('000008 00 01 00000005 0000000003 0a0178')),
  s2c(hex('000001 01 04 00000005 88'), hex('000007 00 01 00000005 0000000002 0803')),
  // stream 7: references only, a body that is not gRPC framing
  c2s(hex('000003 01 04 00000007 83 bf be'), hex('000003 00 01 00000007 6f6b21')),
  s2c(hex('000001 01 04 00000007 88'), hex('000002 00 01 00000007 6f6b')),
];

describe('RFC 7541 §2.3.2 + PROTOCOL-HTTP2: :path and content-type lost with the HPACK entries they refer to', () => {
  it('a request with a surviving grpc-* header, or whose DATA is exactly whole messages, is gRPC by its framing', () => {
    const s = feed(pkts());
    const by = (id: number) => s.calls.find((c) => c.fields['http2.streamid'] === id)!;
    const c3 = by(3);
    assert.deepEqual(c3.request?.headers?.slice(0, 3), [
      [':method', 'POST'],
      [UNKNOWN_ENTRY, UNKNOWN_ENTRY],
      [UNKNOWN_ENTRY, UNKNOWN_ENTRY],
    ]);
    assert.equal(c3.protocol, 'grpc');
    assert.equal(c3.fields['grpc.timeout'], 1_000_000);
    assert.deepEqual(c3.request?.value, { 1: 1 });
    assert.deepEqual(c3.response?.value, { 1: 2 });
    assert.deepEqual(c3.status, { code: 0, text: 'OK', ok: true });
    assert.ok(c3.warnings.includes('content-type unknown (lost in a gap): taken as gRPC by its message framing'));
    const c5 = by(5);
    assert.equal(c5.protocol, 'grpc');
    assert.deepEqual(c5.request?.value, { 1: 'x' });
    // Not gRPC framing: stays a plain HTTP/2 exchange.
    const c7 = by(7);
    assert.equal(c7.protocol, 'http2');
    assert.equal(c7.response?.body?.size, 2);
  });
  it('identical calls whatever the split (chunking)', () => {
    const whole = norm(feed(pkts()));
    for (const split of [1, 3, 8]) assert.equal(norm(feed(pkts(), { split })), whole);
  });
});

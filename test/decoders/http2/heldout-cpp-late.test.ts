/**
 * Held-out round 16 (test/heldout-h2r16/README.md): gRPC C++ 1.51 (C-core chttp2) captured from the
 * middle of its connection (cpp-late.pcap). C-core indexes :path, content-type, te and user-agent on a
 * connection's first call (RFC 7541 §6.2.1), so a later request names them only by dynamic-table
 * index, which the capture never saw (RFC 7541 §2.3.2). Two calls were shown as HTTP/2 POSTs:
 *  - a RESOURCE_EXHAUSTED answered Trailers-Only, whose response spells out `content-type:
 *    application/grpc` and grpc-status 8 (gRPC PROTOCOL-HTTP2.md "Responses": Trailers-Only): `✓ 200`;
 *  - a call the client cancelled at its deadline (RST_STREAM CANCEL, no response), whose request
 *    spells out grpc-timeout (it changes with every call, so it is never found in the table).
 * Frames written after the capture's, with the same HPACK shape.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pkt } from './h2';
import { feed } from './h2';

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
const pkt = (dir: 'c2s' | 's2c', h: string, tsUs?: number): Pkt => ({ dir, data: hex(h), tsUs });

// request message Req{text: "x"}, uncompressed: 00 00000003 0a0178
const DATA_END = (id: string) => pkt('c2s', `000008 00 01 ${id} 00000000030a0178`);

describe('gRPC PROTOCOL-HTTP2: calls known from fields the client or server spelled out, the rest lost', () => {
  it('Trailers-Only with a literal content-type application/grpc and grpc-status 8 makes the call gRPC', () => {
    const c = feed(
      [
        // HEADERS stream 15 (END_HEADERS): :method POST, :scheme http, then 3 dynamic entries (:path, :authority, content-type)
        pkt('c2s', '000005 01 04 0000000f 8386bebfc0'),
        DATA_END('0000000f'),
        // HEADERS (END_STREAM | END_HEADERS): :status 200, content-type (static name 31) application/grpc, grpc-status 8
        pkt('s2c', '000023 01 05 0000000f 88 0f10 10 6170706c69636174696f6e2f67727063 000b 677270632d737461747573 0138'),
      ],
      { how: 'fin' },
    ).calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.status?.code, 8);
    assert.equal(c.messages?.filter((m) => m.dir === 'c2s').length, 1);
  });
  it('a request with grpc-timeout spelled out, whole messages and no answer is gRPC (deadline exceeded)', () => {
    const pk = [
      // HEADERS stream 13: POST, http, two dynamic entries, grpc-timeout: 101m (literal, new name)
      pkt('c2s', '000017 01 04 0000000d 8386bebf 000c 677270632d74696d656f7574 04 3130316d', 1_000_000),
      pkt('c2s', '000008 00 01 0000000d 00000000030a0178', 1_000_100),
      // RST_STREAM CANCEL from the client, 102 ms later
      pkt('c2s', '000004 03 00 0000000d 00000008', 1_102_000),
    ];
    const c = feed(pk, { how: 'fin' }).calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.status?.code, 4);
    assert.equal(c.state, 'aborted');
  });
  it('without grpc-timeout (no gRPC field, no answer) the same request stays HTTP/2', () => {
    const pk = [pkt('c2s', '000004 01 04 0000000d 8386bebf'), pkt('c2s', '000008 00 01 0000000d 00000000030a0178'), pkt('c2s', '000004 03 00 0000000d 00000008')];
    assert.equal(feed(pk, { how: 'fin' }).calls[0].protocol, 'http2');
  });
  it('a response content-type application/grpc does not turn a request whose own content-type was read', () => {
    // request content-type: text/plain (literal, static name 31), a lost entry beside it
    const pk = [
      pkt('c2s', '000010 01 04 0000000f 8386be 0f10 0a746578742f706c61696e'),
      pkt('c2s', '000003 00 01 0000000f 616263'),
      pkt('s2c', '000014 01 05 0000000f 88 0f10 10 6170706c69636174696f6e2f67727063'),
    ];
    assert.equal(feed(pk, { how: 'fin' }).calls[0].protocol, 'http2');
  });
});

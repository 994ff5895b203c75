import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, frame, block, c2s, s2c, preface, lpm } from '../http2/h2';
import { fromHex } from '../../../decoders/core/bytes';

// nginx 1.22 `grpc_pass` with `keepalive_requests 7` in front of grpcio 1.51 (round-3 held-out
// capture, NGX_KEEPALIVE_REQUESTS=7 test/heldout-grpc/nginx-h2c3.sh grpc): grpc.aio had opened
// streams 1…79 at once; nginx sends GOAWAY NO_ERROR with last stream 13 (frame 563), answers 1…13,
// and the client resets 15…79 with RST_STREAM NO_ERROR (frame 641). grpcio reported those calls as
// UNAVAILABLE 'GOAWAY received'. RFC 9113 §6.8: streams above the last stream id were not processed.
const GOAWAY_13 = fromHex('000008 07 00 00000000' + '0000000d' + '00000000');
const RST_NO_ERROR = (id: number) => frame(3, 0, id, [0, 0, 0, 0]);
const REQ = block([[':method', 'POST'], [':scheme', 'http'], [':path', '/heldout.r3.Lab3/Unary'], ['content-type', 'application/grpc'], ['te', 'trailers']]);
const RES = block([[':status', '200'], ['content-type', 'application/grpc']]);
const OK = block([['grpc-status', '0']]);

describe('RFC 9113 §6.8 GOAWAY: streams above its last stream id were not processed', () => {
  it('gRPC calls on them are UNAVAILABLE (not INTERNAL from the client\'s RST_STREAM NO_ERROR); the processed one is OK', () => {
    const s = feed([
      c2s(preface(), frame(1, 0x4, 13, REQ), frame(0, 1, 13, lpm([0x12, 1, 0x61])), frame(1, 0x4, 15, REQ), frame(0, 1, 15, lpm([0x12, 1, 0x62]))),
      s2c(GOAWAY_13, frame(1, 0x4, 13, RES), frame(0, 0, 13, lpm([0x12, 1, 0x61])), frame(1, 0x5, 13, OK)),
      c2s(RST_NO_ERROR(15)),
    ]);
    const by = (id: number) => s.calls.find((c) => c.fields['http2.streamid'] === id)!;
    assert.deepEqual(by(13).status, { code: 0, text: 'OK', ok: true });
    assert.deepEqual(by(13).warnings, []);
    const c = by(15);
    assert.equal(c.state, 'aborted');
    assert.deepEqual(c.status, { code: 14, text: 'UNAVAILABLE', ok: false });
    assert.equal(c.fields['grpc.status_from'], 'goaway');
    assert.deepEqual(c.warnings, ["stream 15 not processed: the server's GOAWAY (last stream 13, NO_ERROR) came first (RFC 9113 §6.8); a client may retry it on a new connection"]);
    assert.ok(s.warnings.some((w) => /GOAWAY from server: last stream 13, NO_ERROR/.test(w)));
  });
  it('a plain HTTP/2 request above the last stream id: aborted with the same note; at or below it nothing changes', () => {
    const get = (p: string) => block([[':method', 'GET'], [':scheme', 'http'], [':path', p]]);
    const s = feed([
      c2s(preface(), frame(1, 0x5, 13, get('/a')), frame(1, 0x5, 15, get('/b'))),
      s2c(GOAWAY_13, frame(1, 0x5, 13, block([[':status', '204']]))),
      c2s(RST_NO_ERROR(15)),
    ]);
    const b = s.calls.find((c) => c.target === '/b')!;
    assert.equal(b.state, 'aborted');
    assert.equal(b.protocol, 'http2');
    assert.match(b.warnings.join(' '), /stream 15 not processed: the server's GOAWAY \(last stream 13, NO_ERROR\)/);
    assert.ok(!b.warnings.some((w) => /reset by the client/.test(w)));
    const a = s.calls.find((c) => c.target === '/a')!;
    assert.equal(a.state, 'complete');
  });
});

describe('RFC 9113 §6.8: a client stream opened after the server\'s GOAWAY was sent (in flight), above its last stream id', () => {
  it('is not processed either: UNAVAILABLE with the note', () => {
    const s = feed([
      c2s(preface(), frame(1, 0x4, 13, REQ), frame(0, 1, 13, lpm([0x12, 1, 0x61]))),
      s2c(GOAWAY_13),
      // stream 17 crossed the GOAWAY on the wire
      c2s(frame(1, 0x4, 17, REQ), frame(0, 1, 17, lpm([0x12, 1, 0x63]))),
      s2c(frame(1, 0x4, 13, RES), frame(0, 0, 13, lpm([0x12, 1, 0x61])), frame(1, 0x5, 13, OK)),
      c2s(RST_NO_ERROR(17)),
    ]);
    const c = s.calls.find((x) => x.fields['http2.streamid'] === 17)!;
    assert.deepEqual(c.status, { code: 14, text: 'UNAVAILABLE', ok: false });
    assert.equal(c.fields['grpc.status_from'], 'goaway');
    assert.equal(s.calls.find((x) => x.fields['http2.streamid'] === 13)!.status?.code, 0);
  });
});

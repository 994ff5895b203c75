import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, frame, block, c2s, s2c, preface } from '../http2/h2';
import { fromHex } from '../../../decoders/core/bytes';

// grpcio 1.51 (round-3 held-out capture, test/heldout-grpc/grpc-lab3.py "up rejected early"): the
// server aborts a client stream at its first message while the client is still sending. It sends a
// Trailers-Only response (grpc-status 3, END_STREAM), then RST_STREAM NO_ERROR so that the client
// stops (RFC 9113 §8.1). The client reported INVALID_ARGUMENT 'rejected at the first message'.
const REQ = block([[':method', 'POST'], [':scheme', 'http'], [':path', '/heldout.r3.Lab3/Up'], ['content-type', 'application/grpc'], ['te', 'trailers']]);
// frame 159: DATA, stream 53, one message: Blob { data: "xxxxxxxxxx", note: "reject" }
const DATA = fromHex('000019000000000035' + '0000000014' + '0a0a78787878787878787878120672656a656374');
const TRAILERS_ONLY = block([[':status', '200'], ['content-type', 'application/grpc'], ['grpc-status', '3'], ['grpc-message', 'rejected at the first message']]);
// frame 161: RST_STREAM, stream 53, NO_ERROR
const RST = fromHex('000004030000000035' + '00000000');

describe('gRPC status before the request ended, then RST_STREAM NO_ERROR (PROTOCOL-HTTP2.md Trailers-Only; RFC 9113 §8.1)', () => {
  it('the call is complete with the status the client reported, not aborted by a reset', () => {
    const s = feed([c2s(preface(), frame(1, 0x4, 53, REQ), DATA), s2c(frame(1, 0x5, 53, TRAILERS_ONLY), RST)]);
    assert.equal(s.calls.length, 1);
    const call = s.calls[0];
    assert.equal(call.protocol, 'grpc');
    assert.equal(call.state, 'complete');
    assert.deepEqual(call.status, { code: 3, text: 'INVALID_ARGUMENT', ok: false });
    assert.equal(call.fields['grpc.message'], 'rejected at the first message');
    assert.equal(call.fields['grpc.request_messages'], 1);
    assert.deepEqual(call.request?.value, { 1: 'xxxxxxxxxx', 2: 'reject' });
    assert.deepEqual(call.warnings, ['the server answered before the request ended, then stopped its upload: RST_STREAM NO_ERROR on stream 53 after the complete response (RFC 9113 §8.1)']);
  });
});

/**
 * A stream whose HEADERS came before the capture (RFC 9113 §5.1: frames on a stream the capture never
 * saw open) and whose DATA (§6.1) are exactly whole gRPC length-prefixed messages (PROTOCOL-HTTP2.md
 * Length-Prefixed-Message) but no trailers: nothing says gRPC for sure, so it stays an HTTP/2 call, but
 * its warning says a hint with the stream's :path and content-type decodes it; with the hint it is gRPC.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../../decoders/core/bytes';
import { feed, frame, s2c } from './h2';

// Two server messages on stream 3: 00 00000007 0a054a61736f6e (field 1 "Jason"), 00 00000006 0a044c696c79 (field 1 "Lily")
const D1 = fromHex('00000000070a054a61736f6e');
const D2 = fromHex('00000000060a044c696c79');

describe('HTTP/2 stream begun before the capture, DATA only', () => {
  it('whole gRPC messages: the warning names the hint that decodes them', () => {
    const c = feed([s2c(frame(0, 0, 3, D1), frame(0, 0, 3, D2))], { serverPort: 50051 }).calls[0];
    assert.equal(c.protocol, 'http2');
    assert.ok(c.warnings.some((w) => /whole gRPC length-prefixed messages: a hint for port 50051/.test(w)), c.warnings.join('\n'));
  });
  it('a body that is not such messages gets no such note', () => {
    const c = feed([s2c(frame(0, 0, 3, new TextEncoder().encode('<html>tail</html>')))], { serverPort: 50051 }).calls[0];
    assert.ok(!c.warnings.some((w) => /a hint for port/.test(w)));
  });
  it('with the hint: a server-stream gRPC call with both messages', () => {
    const env = { ...feed([]).env, hints: [{ port: 50051, headers: { ':path': '/t.People/Search', 'content-type': 'application/grpc' } }] };
    const c = feed([s2c(frame(0, 0, 3, D1), frame(0, 0, 3, D2))], { env, serverPort: 50051 }).calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.target, '/t.People/Search');
    assert.deepEqual(c.messages?.map((m) => m.value), [{ '1': 'Jason' }, { '1': 'Lily' }]);
    assert.equal(c.kind, 'server-stream');
  });
});

/**
 * Third held-out round of the HTTP/2 and gRPC decoders (test/heldout-grpc/README.md, "Round 3"):
 * what it showed about the HTTP/1.1 decoder (fixed in decoders/http1: Http1Decoder.h2Answer).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/http1/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { testSession } from '../../helpers/session';
import { fromHex } from '../../../decoders/core/bytes';

// curl 7.88 sending HTTP/1.1 to nginx 1.22 `listen 127.0.0.1:PORT http2;` (h2c by prior knowledge
// only): nginx reads the request line as a bad preface and answers with HTTP/2 frames: SETTINGS
// (RFC 9113 §6.5), WINDOW_UPDATE, GOAWAY PROTOCOL_ERROR (§6.8), then closes. curl: "Received
// HTTP/0.9 when not allowed". callscope: an `http` GET, incomplete, and only "s2c: 57 undecoded
// bytes at the end of the connection" (plus "bytes that are not an HTTP response" on the second).
const REQUEST = 'GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:24575\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n';
const H2_ANSWER = fromHex(
  '000012040000000000' + '000300000080' + '00040001000' + '0' + '000500ffffff' + // SETTINGS
    '000004080000000000' + '7fff0000' + // WINDOW_UPDATE
    '000008070000000000' + '00000000' + '00000001', // GOAWAY last 0, PROTOCOL_ERROR
);

describe('an HTTP/1.1 request answered with HTTP/2 frames (a prior-knowledge-only h2c server, RFC 9113 §3.3)', () => {
  it(
    'names the cause instead of "undecoded bytes"',
    () => {
      assert.equal(H2_ANSWER.length, 57);
      const s = testSession();
      const d = spec.create(s) as StreamDecoder;
      d.data('c2s', new TextEncoder().encode(REQUEST), { frame: 4, tsUs: 4000, streamOffset: 0 });
      d.data('s2c', H2_ANSWER, { frame: 6, tsUs: 6000, streamOffset: 0 });
      d.close({ frame: 9, tsUs: 9000, streamOffset: 0 });
      assert.equal(s.calls.length, 1);
      const all = [...s.warnings, ...s.calls[0].warnings].join(' | ');
      assert.match(all, /HTTP\/2/);
      assert.doesNotMatch(all, /undecoded bytes|not an HTTP response/);
    },
  );
});

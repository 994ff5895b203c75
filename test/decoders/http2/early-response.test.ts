import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, frame, block, c2s, s2c, preface, enc } from './h2';
import { fromHex } from '../../../decoders/core/bytes';

// nginx 1.22 (`listen … http2`, h2c), curl 7.88 `--http2-prior-knowledge -X POST -d a=1` to a static
// file: curl's HEADERS has no END_STREAM (a body follows), nginx answers 405 at once, ends its
// response and then sends RST_STREAM NO_ERROR so that the body is not sent (frames 154–157 of the
// round-3 held-out capture, test/heldout-grpc/nginx-h2c3.sh).
const POST_HEADERS = fromHex(
  '00003d010400000001838586418b089d5c0b8170dc134d881f7a8825b650c3abbcf2e153032a2f2a0f0d01335f981d75d0620d263d4c795bc78f0b4a7b295adb282d443c8593',
);
const RES_405 = fromHex(
  '00003701040000000148033430357689aa6355e580ae212e1f6197dd6d5f4a084a693f75040138a019b8d357197d4c5a37ff5f87497ca589d34d1f5c03313537',
);
const BODY_405 =
  '<html>\r\n<head><title>405 Not Allowed</title></head>\r\n<body>\r\n<center><h1>405 Not Allowed</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';
const RST_NO_ERROR = fromHex('000004' + '03' + '00' + '00000001' + '00000000');

describe('RFC 9113 §8.1: a complete response before the request ended, then RST_STREAM NO_ERROR', () => {
  it('the call is complete with its response, and says the upload was stopped (not "reset")', () => {
    const s = feed([c2s(preface(), POST_HEADERS), s2c(RES_405, frame(0, 1, 1, enc(BODY_405)), RST_NO_ERROR)]);
    assert.equal(s.calls.length, 1);
    const call = s.calls[0];
    assert.equal(call.method, 'POST');
    assert.equal(call.target, '/index.html');
    assert.equal(call.status?.code, 405);
    assert.equal(call.state, 'complete');
    assert.equal(call.fields['http2.rst_stream.error'], 'NO_ERROR');
    assert.equal(call.response?.body?.text, BODY_405);
    assert.deepEqual(call.warnings, ['the server answered before the request ended, then stopped its upload: RST_STREAM NO_ERROR on stream 1 after the complete response (RFC 9113 §8.1)']);
  });
  it('RST_STREAM NO_ERROR before the response ended is still an abort', () => {
    const s = feed([c2s(preface(), POST_HEADERS), s2c(RES_405, frame(0, 0, 1, enc('<html>')), RST_NO_ERROR)]);
    assert.equal(s.calls[0].state, 'aborted');
    assert.ok(s.calls[0].warnings.includes('stream 1 reset by the server (RST_STREAM NO_ERROR) before its response ended: the response is cut (RFC 9113 §8.1 allows NO_ERROR after a complete one)'));
  });
  it('a server RST_STREAM with an error after the response is still a reset', () => {
    const rst = fromHex('000004030000000001' + '00000002'); // INTERNAL_ERROR
    const s = feed([c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/u']]))), s2c(frame(1, 0x5, 1, block([[':status', '413']])), rst)]);
    assert.equal(s.calls[0].state, 'aborted');
  });
});

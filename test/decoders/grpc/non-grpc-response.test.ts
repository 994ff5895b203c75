import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, frame, block, c2s, s2c, preface, enc, lpm } from '../http2/h2';
import { fromHex } from '../../../decoders/core/bytes';

// grpcio 1.51 calling /heldout.r3.Lab3/Unary through nginx 1.22 (`grpc_pass`) whose backend is down
// (round-3 held-out capture, test/heldout-grpc/nginx-h2c3.sh down): nginx answers with its own
// `:status 502`, `content-type: text/html` and an HTML page. PROTOCOL-HTTP2.md: such a response is
// not gRPC; the client fails the call by the HTTP status (doc/http-grpc-status-mapping.md: 502 →
// UNAVAILABLE). grpcio reported `UNAVAILABLE 'Received http2 header with status: 502'`.
const REQ_HEADERS = fromHex(
  '0000e401040000000140053a70617468162f68656c646f75742e72332e4c6162332f556e617279400a3a617574686f726974790f3132372e302e302e313a32343533358386400c636f6e74656e742d74797065106170706c69636174696f6e2f677270634002746508747261696c6572734014677270632d6163636570742d656e636f64696e67176964656e746974792c206465666c6174652c20677a6970400c677270632d74696d656f7574023353400a757365722d6167656e7430677270632d707974686f6e2f312e35312e3120677270632d632f32392e302e3020286c696e75783b2063687474703229',
);
// DATA, END_STREAM, stream 1: one message, field 2 = "down"
const REQ_DATA = fromHex('00000b000100000001' + '0000000006' + '1204646f776e');
const RES_502 = fromHex(
  '00003701040000000148033530327689aa6355e580ae212e1f6197dd6d5f4a084a693f75040138a019b8d3971b654c5a37ff5f87497ca589d34d1f5c03313537',
);
const PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';

describe('gRPC PROTOCOL-HTTP2.md: a response that is not gRPC (a proxy error page)', () => {
  it("nginx's 502 page: UNAVAILABLE from the HTTP status, the page kept as an HTTP body, not an incomplete message", () => {
    for (const split of [undefined, 7]) {
      const s = feed([c2s(preface(), REQ_HEADERS, REQ_DATA), s2c(RES_502, frame(0, 1, 1, enc(PAGE)))], { split });
      assert.equal(s.calls.length, 1);
      const call = s.calls[0];
      assert.equal(call.protocol, 'grpc');
      assert.equal(call.method, 'heldout.r3.Lab3/Unary');
      assert.deepEqual(call.status, { code: 14, text: 'UNAVAILABLE', ok: false });
      assert.equal(call.fields['grpc.status_from'], 'http_status');
      assert.equal(call.fields['grpc.response_messages'], 0);
      assert.equal(call.response?.body?.contentType, 'text/html');
      assert.equal(call.response?.body?.size, 157);
      assert.equal(call.response?.body?.text, PAGE);
      // the request is still gRPC: its one message decoded (no .proto: field numbers)
      assert.deepEqual(call.request?.value, { '2': 'down' });
      assert.ok(!call.warnings.some((w) => /incomplete gRPC message/.test(w)), call.warnings.join('; '));
      assert.deepEqual(call.warnings, [
        'HTTP status 502 without grpc-status',
        'the response is not gRPC (content-type "text/html"): its 157-byte body is kept as an HTTP body',
      ]);
    }
  });
  it('a 200 with a gRPC content-type and a 503 without a content-type: gRPC framing for the first, a plain body for the second', () => {
    const req = frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/p.S/M'], ['content-type', 'application/grpc']]));
    const ok = feed([c2s(preface(), req, frame(0, 1, 1, lpm([8, 1]))), s2c(frame(1, 0x4, 1, block([[':status', '200'], ['content-type', 'application/grpc+proto']])), frame(0, 0, 1, lpm([8, 2])), frame(1, 0x5, 1, block([['grpc-status', '0']])))]);
    assert.deepEqual(ok.calls[0].response?.value, { 1: 2 });
    assert.deepEqual(ok.calls[0].warnings, []);
    const down = feed([c2s(preface(), req, frame(0, 1, 1, lpm([8, 1]))), s2c(frame(1, 0x4, 1, block([[':status', '503']])), frame(0, 1, 1, enc('no healthy upstream')))]);
    assert.equal(down.calls[0].status?.code, 14);
    assert.equal(down.calls[0].response?.body?.size, 19);
    assert.ok(!down.calls[0].warnings.some((w) => /incomplete gRPC message/.test(w)));
  });
});

describe('doc/http-grpc-status-mapping.md: a 200 response that is not gRPC', () => {
  it('a JSON answer to a gRPC request (a REST server on the path): UNKNOWN from the HTTP status, the JSON kept as the body', () => {
    const req = frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'http'], [':path', '/p.S/M'], ['content-type', 'application/grpc']]));
    const s = feed([
      c2s(preface(), req, frame(0, 1, 1, lpm([8, 1]))),
      s2c(frame(1, 0x4, 1, block([[':status', '200'], ['content-type', 'application/json']])), frame(0, 1, 1, enc('{"error":"use REST"}'))),
    ]);
    const c = s.calls[0];
    assert.deepEqual(c.status, { code: 2, text: 'UNKNOWN', ok: false });
    assert.equal(c.fields['grpc.status_from'], 'http_status');
    assert.deepEqual(c.response?.body?.value, { error: 'use REST' });
    assert.deepEqual(c.warnings, ['HTTP status 200 without grpc-status', 'the response is not gRPC (content-type "application/json"): its 20-byte body is kept as an HTTP body']);
  });
});

/**
 * Ruby HTTP held-out round (test/heldout-ruby-rpc/README.md): excon 0.88 with `persistent: true`
 * against puma 5.6 with `persistent_timeout: 1`. The client keeps the connection after a first
 * GET; puma closes it (FIN) after 1 s idle; 1.5 s later excon writes the next GET on it and puma's
 * kernel answers RST. The bytes are the capture's (frames 37, 39, 43, 45, 46).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../../decoders/core/bytes';
import { calls, type Packet } from './feed';

// GET /items/1?excon=0 HTTP/1.1 / Host / User-Agent: excon/0.88.0 / Accept: */*
const GET_0 = '474554202f6974656d732f313f6578636f6e3d3020485454502f312e310d0a486f73743a203132372e302e302e313a32323234330d0a557365722d4167656e743a206578636f6e2f302e38382e300d0a4163636570743a202a2f2a0d0a0d0a';
// HTTP/1.1 200 OK, Content-Length: 53, {"id":1,"name":"widget",…}
const OK_0 = '485454502f312e3120323030204f4b0d0a436f6e74656e742d547970653a206170706c69636174696f6e2f6a736f6e0d0a582d436f6e74656e742d547970652d4f7074696f6e733a206e6f736e6966660d0a436f6e74656e742d4c656e6774683a2035330d0a0d0a7b226964223a312c226e616d65223a22776964676574222c2274616773223a5b2261222c2262225d2c227072696365223a392e357d';
// GET /items/1?excon=1.5 HTTP/1.1 (the same headers)
const GET_1 = '474554202f6974656d732f313f6578636f6e3d312e3520485454502f312e310d0a486f73743a203132372e302e302e313a32323234330d0a557365722d4167656e743a206578636f6e2f302e38382e300d0a4163636570743a202a2f2a0d0a0d0a';

describe('RFC 9112 §9.3.1/§9.6: a request written on a keep-alive connection the server had closed', () => {
  const packets: Packet[] = [
    { dir: 'c2s', data: fromHex(GET_0) },
    { dir: 's2c', data: fromHex(OK_0) },
    { dir: 's2c', data: '', end: true }, // puma's FIN after 1 s idle
    { dir: 'c2s', data: fromHex(GET_1) }, // excon's next request, then the RST
  ];
  it('is aborted, saying the server had closed the connection before it was sent (not only "reset")', () => {
    const cs = calls(packets, { how: 'rst' });
    assert.deepEqual(
      cs.map((c) => [c.target, c.status?.code, c.state]),
      [
        ['/items/1?excon=0', 200, 'complete'],
        ['/items/1?excon=1.5', undefined, 'aborted'],
      ],
    );
    // packets are 1 ms apart: the FIN is frame 3, the request frame 4
    assert.deepEqual(cs[1].warnings, [
      'no response: sent 1.0 ms after the server closed the connection (TCP FIN): a stale keep-alive connection, the request never read (a client retries it on a new connection)',
    ]);
  });
  it('a request sent before the server closed keeps the plain wording', () => {
    const cs = calls([packets[0], packets[1], packets[3], packets[2]], { how: 'fin' });
    assert.deepEqual(cs[1].warnings, ['no response: the server closed the connection (TCP FIN) first']);
  });
});

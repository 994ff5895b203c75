/**
 * Held-out round 16 (test/heldout-h1r16): what a CONNECT tunnel carries when it is neither TLS,
 * HTTP/2 nor HTTP/1.x. Go's net/rpc/jsonrpc client in a CONNECT tunnel (the way net/rpc's
 * DialHTTP reaches a server, with the JSON codec): the calls inside were left undecoded. And gunicorn
 * 20.1's body after a response to HEAD, to the end of the connection: warned about twice.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../../decoders/pipeline';
import { ALL_DECODERS } from '../../../decoders/registry';
import type { Call } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { pcapFile, tcpConversation } from '../../helpers/pcap-builder';

const hex = (h: string) => Buffer.from(h.replace(/\s+/g, ''), 'hex');

// From /tmp/heldout-h1r16/go-jsonrpc-connect.pcap (Go 1.19 net/rpc/jsonrpc), byte for byte:
// "CONNECT /_jsonrpc_ HTTP/1.0\r\n\r\n"
const CONNECT = hex('434f4e4e454354202f5f6a736f6e7270635f20485454502f312e300d0a0d0a');
// "HTTP/1.0 200 Connected to JSON-RPC\r\n\r\n"
const CONNECTED = hex('485454502f312e302032303020436f6e6e656374656420746f204a534f4e2d5250430d0a0d0a');
// {"method":"Arith.Multiply","params":[{"A":7,"B":8}],"id":0}\n  (JSON-RPC 1.0 §1.1 request)
const MULTIPLY = hex('7b226d6574686f64223a2241726974682e4d756c7469706c79222c22706172616d73223a5b7b2241223a372c2242223a387d5d2c226964223a307d0a');
// {"id":0,"result":56,"error":null}\n
const FIFTY_SIX = hex('7b226964223a302c22726573756c74223a35362c226572726f72223a6e756c6c7d0a');
// {"method":"Arith.Divide","params":[{"A":1,"B":0}],"id":2}\n
const DIVIDE = hex('7b226d6574686f64223a2241726974682e446976696465222c22706172616d73223a5b7b2241223a312c2242223a307d5d2c226964223a327d0a');
// {"id":2,"result":null,"error":"divide by zero"}\n  (JSON-RPC 1.0 §1.2: a non-null error)
const BY_ZERO = hex('7b226964223a322c22726573756c74223a6e756c6c2c226572726f72223a22646976696465206279207a65726f227d0a');

function decode(exchanges: Array<{ dir: 'c2s' | 's2c'; data: Uint8Array }>, server = { ip: '127.0.0.1', port: 28571 }) {
  const calls: Call[] = [];
  const warnings: string[] = [];
  const p = new Pipeline({ env: nodeEnv(), decoders: ALL_DECODERS }, { call: (c) => calls.push(c), flow: (f) => warnings.push(...f.warnings) });
  p.push(pcapFile(tcpConversation({ server, client: { ip: '127.0.0.1', port: 46464 }, exchanges })));
  p.end();
  return { calls, warnings };
}

describe('RFC 9110 §9.3.6: a CONNECT tunnel carrying JSON-RPC 1.0 (Go net/rpc/jsonrpc)', () => {
  it('the calls inside are decoded as JSON-RPC, tagged with the tunnel', () => {
    const { calls, warnings } = decode([
      { dir: 'c2s', data: CONNECT },
      { dir: 's2c', data: CONNECTED },
      { dir: 'c2s', data: MULTIPLY },
      { dir: 's2c', data: FIFTY_SIX },
      { dir: 'c2s', data: DIVIDE },
      { dir: 's2c', data: BY_ZERO },
    ]);
    assert.deepEqual(
      calls.map((c) => [c.protocol, c.method, c.status?.ok]),
      [
        ['http', 'CONNECT', true],
        ['jsonrpc', 'Arith.Multiply', true],
        ['jsonrpc', 'Arith.Divide', false],
      ],
    );
    assert.equal(calls[1].response?.value, 56);
    assert.equal(calls[2].status?.text, 'divide by zero');
    assert.equal(calls[1].fields['http.proxy_tunnel'], '/_jsonrpc_');
    assert.deepEqual(warnings.filter((w) => /tunnel/.test(w)), []);
  });
  it('the client\'s first tunnel bytes one at a time still decide', () => {
    const { calls } = decode([
      { dir: 'c2s', data: CONNECT },
      { dir: 's2c', data: CONNECTED },
      ...[...MULTIPLY].map((b) => ({ dir: 'c2s' as const, data: Uint8Array.of(b) })),
      { dir: 's2c', data: FIFTY_SIX },
    ]);
    assert.deepEqual(calls.map((c) => c.method), ['CONNECT', 'Arith.Multiply']);
  });
});

// From /tmp/heldout-h1r16/wsgi-gunicorn.pcap (gunicorn 20.1, gthread worker), the HEAD connection:
// "HEAD /json HTTP/1.1\r\nHost: 127.0.0.1:28541\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n"
const HEAD_JSON = hex(
  '48454144202f6a736f6e20485454502f312e310d0a486f73743a203132372e302e302e313a32383534310d0a557365722d4167656e743a206375726c2f372e38382e310d0a4163636570743a202a2f2a0d0a0d0a',
);
// "HTTP/1.1 200 OK\r\nServer: gunicorn\r\nDate: …\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nCache-Control: max-age=2\r\n\r\n"
// (no Content-Length, not chunked: the app's length-less body, which gunicorn sends although the request was HEAD)
const HEAD_200 = hex(
  '485454502f312e3120323030204f4b0d0a5365727665723a2067756e69636f726e0d0a446174653a204d6f6e2c203233204e6f7620323032362031303a34353a313220474d540d0a436f6e6e656374696f6e3a206b6565702d616c6976650d0a436f6e74656e742d547970653a206170706c69636174696f6e2f6a736f6e0d0a43616368652d436f6e74726f6c3a206d61782d6167653d320d0a0d0a',
);
// {"t": 1795430712.7809694, "q": ""}  (34 bytes, then FIN)
const HEAD_BODY = hex('7b2274223a20313739353433303731322e373830393639342c202271223a2022227d');

describe('RFC 9112 §6.3 item 1: a body after the response to HEAD, up to the end of the connection (gunicorn)', () => {
  it('the response has no body; the bytes after it are one warning, not two', () => {
    const { calls, warnings } = decode(
      [
        { dir: 'c2s', data: HEAD_JSON },
        { dir: 's2c', data: HEAD_200 },
        { dir: 's2c', data: HEAD_BODY },
      ],
      { ip: '127.0.0.1', port: 28541 },
    );
    assert.deepEqual(calls.map((c) => [c.method, c.status?.code, c.state, c.response?.body?.size ?? 0]), [['HEAD', 200, 'complete', 0]]);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /a body after the response to HEAD \/json, which has none \(RFC 9112 §6\.3 item 1\): skipped/);
  });
});

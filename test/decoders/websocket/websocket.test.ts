import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec, parseDeflate } from '../../../decoders/websocket/index';
import type { HttpUpgradeInit } from '../../../decoders/core/handoff';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { fromHex } from '../../../decoders/core/bytes';
import { testSession } from '../../helpers/session';
import { nodeEnv } from '../../../cli/platform/node-env';
import { replay, seg, snapshot, prng, type Segment } from '../redis/feed';

function init(ext?: string, uri = '/chat'): HttpUpgradeInit {
  const headers: Array<[string, string]> = [['Upgrade', 'websocket'], ['Connection', 'Upgrade']];
  if (ext) headers.push(['Sec-WebSocket-Extensions', ext]);
  return {
    kind: 'http-upgrade',
    protocol: 'websocket',
    request: { method: 'GET', uri, headers: [], startUs: 0, endUs: 0, frame: 1 },
    response: { status: 101, reason: 'Switching Protocols', headers, startUs: 0, endUs: 0, frame: 2 },
    upgradeCallId: 1,
  };
}
const ws = (ext?: string) => (s: DecoderSession) => spec.create(s, init(ext)) as StreamDecoder;
const text = (c: { request?: { body?: { text?: string } }; response?: { body?: { text?: string } } }) => c.request?.body?.text ?? c.response?.body?.text;

describe('RFC 6455 §5.7 examples', () => {
  it('a single-frame unmasked text message (server → client)', () => {
    const s = replay(ws(), [seg('s2c', '81 05 48 65 6c 6c 6f')]);
    assert.equal(s.calls.length, 1);
    const c = s.calls[0];
    assert.equal(c.method, 'text');
    assert.equal(c.kind, 'oneway');
    assert.equal(c.target, '/chat');
    assert.equal(c.fields['websocket.dir'], 's2c');
    assert.equal(text(c), 'Hello');
  });
  it('a single-frame masked text message (client → server) is unmasked', () => {
    const s = replay(ws(), [seg('c2s', '81 85 37 fa 21 3d 7f 9f 4d 51 58')]);
    assert.equal(text(s.calls[0]), 'Hello');
    assert.deepEqual(s.warnings, []);
  });
  it('a fragmented unmasked text message is reassembled', () => {
    const s = replay(ws(), [seg('s2c', '01 03 48 65 6c'), seg('s2c', '80 02 6c 6f')]);
    assert.equal(s.calls.length, 1);
    assert.equal(text(s.calls[0]), 'Hello');
    assert.equal(s.calls[0].fields['websocket.fragments'], 2);
    assert.deepEqual(s.calls[0].frames, [1, 2]);
  });
  it('unmasked ping and masked pong pair into one event', () => {
    const s = replay(ws(), [seg('s2c', '89 05 48 65 6c 6c 6f'), seg('c2s', '8a 85 37 fa 21 3d 7f 9f 4d 51 58')]);
    assert.equal(s.calls.length, 1);
    assert.equal(s.calls[0].method, 'ping');
    assert.equal(s.calls[0].state, 'complete');
    assert.equal(s.calls[0].response?.body?.text, 'Hello');
  });
  it('256 bytes binary in a single unmasked frame (16-bit length)', () => {
    const s = replay(ws(), [seg('s2c', '82 7e 01 00' + 'ab'.repeat(256))]);
    assert.equal(s.calls[0].method, 'binary');
    assert.equal(s.calls[0].response?.body?.size, 256);
    assert.equal(s.calls[0].response?.body?.kind, 'binary');
  });
  it('64 KiB binary in a single unmasked frame (64-bit length)', () => {
    const s = replay(ws(), [seg('s2c', '82 7f 00 00 00 00 00 01 00 00' + '00'.repeat(65536))]);
    assert.equal(s.calls[0].response?.body?.size, 65536);
  });
});

describe('RFC 6455 §5.5.1 close frames', () => {
  it('close code and reason, answered by the peer', () => {
    const s = replay(ws(), [seg('c2s', '88 8b 00 00 00 00 0f a0' + Buffer.from('goodbye!!').toString('hex')), seg('s2c', '88 02 0f a0')]);
    const c = s.calls[0];
    assert.equal(c.method, 'close');
    assert.equal(c.state, 'complete');
    assert.equal(c.status?.code, 4000);
    assert.equal(c.status?.ok, false);
    assert.deepEqual(c.request?.value, { code: 4000, name: 'Private Use', reason: 'goodbye!!' });
  });
  it('1000 Normal Closure is ok; empty close is 1005', () => {
    const s = replay(ws(), [seg('s2c', '88 02 03 e8'), seg('c2s', '88 80 01 02 03 04')]);
    assert.equal(s.calls[0].status?.text, 'Normal Closure');
    assert.equal((s.calls[0].response?.value as { code: number }).code, 1005);
  });
});

describe('RFC 7692 §7.2.3 permessage-deflate examples', () => {
  it('§7.2.3.1 a message compressed in one frame and fragmented', () => {
    const s = replay(ws('permessage-deflate'), [seg('s2c', 'c1 07 f2 48 cd c9 c9 07 00'), seg('s2c', '41 03 f2 48 cd'), seg('s2c', '80 04 c9 c9 07 00')]);
    assert.deepEqual(s.calls.map(text), ['Hello', 'Hello']);
    assert.equal(s.calls[0].fields['websocket.compressed'], true);
  });
  it('§7.2.3.2 sharing the LZ77 sliding window (context takeover)', () => {
    const s = replay(ws('permessage-deflate'), [seg('s2c', 'c1 07 f2 48 cd c9 c9 07 00'), seg('s2c', 'c1 05 f2 00 11 00 00')]);
    assert.deepEqual(s.calls.map(text), ['Hello', 'Hello']);
    assert.deepEqual(s.calls[1].warnings, []);
  });
  it('§7.2.3.3 a DEFLATE block with no compression', () => {
    const s = replay(ws('permessage-deflate'), [seg('s2c', 'c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00')]);
    assert.equal(text(s.calls[0]), 'Hello');
  });
  it('§7.2.3.4 a DEFLATE block with BFINAL set', () => {
    const s = replay(ws('permessage-deflate'), [seg('s2c', 'c1 08 f3 48 cd c9 c9 07 00 00'), seg('s2c', 'c1 07 f2 48 cd c9 c9 07 00')]);
    assert.deepEqual(s.calls.map(text), ['Hello', 'Hello']);
  });
  it('§7.2.3.5 two DEFLATE blocks in one message', () => {
    const s = replay(ws('permessage-deflate'), [seg('s2c', 'c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00')]);
    assert.equal(text(s.calls[0]), 'Hello');
  });
  it('§7.1.1 server_no_context_takeover resets the server window before every message', () => {
    // The second message refers back to the first: without takeover it cannot inflate.
    const s = replay(ws('permessage-deflate; server_no_context_takeover'), [seg('s2c', 'c1 07 f2 48 cd c9 c9 07 00'), seg('s2c', 'c1 05 f2 00 11 00 00')]);
    assert.equal(text(s.calls[0]), 'Hello');
    assert.notEqual(text(s.calls[1]), 'Hello');
    // …while the client direction keeps its context.
    const k = '37fa213d';
    const mask = (hex: string) => Buffer.from(fromHex(hex).map((b, i) => b ^ fromHex(k)[i & 3])).toString('hex');
    const t = replay(ws('permessage-deflate; server_no_context_takeover'), [seg('c2s', 'c1 87' + k + mask('f248cdc9c90700')), seg('c2s', 'c1 85' + k + mask('f200110000'))]);
    assert.deepEqual(t.calls.map(text), ['Hello', 'Hello']);
  });
  it('parses negotiated parameters', () => {
    assert.deepEqual(parseDeflate('x-foo, permessage-deflate; client_max_window_bits=10; client_no_context_takeover'), {
      serverNoContextTakeover: false,
      clientNoContextTakeover: true,
      clientMaxWindowBits: 10,
    });
    assert.equal(parseDeflate('x-webkit-deflate-frame'), undefined);
  });
});

describe('JSON-RPC 2.0 over WebSocket', () => {
  it('pairs a request and its response by id', () => {
    const req = Buffer.from('{"jsonrpc":"2.0","method":"add","params":[1,2],"id":7}');
    const res = Buffer.from('{"jsonrpc":"2.0","result":3,"id":7}');
    const s = replay(ws(), [seg('c2s', `81 80 ${'00'.repeat(4)}`.replace('80', (0x80 | req.length).toString(16)) + req.toString('hex')), seg('s2c', `81 ${res.length.toString(16)}` + res.toString('hex'))]);
    assert.equal(s.calls.length, 1);
    assert.equal(s.calls[0].kind, 'unary');
    assert.equal(s.calls[0].method, 'add');
    assert.equal(s.calls[0].response?.value, 3);
    assert.equal(s.calls[0].protocol, 'jsonrpc', 'a JSON-RPC call, as over HTTP and TCP');
    assert.deepEqual(s.calls[0].status, { code: 0, text: 'OK', ok: true });
    assert.equal(s.calls[0].fields['jsonrpc.version'], '2.0');
  });
  it("a server's notification (aria2.onDownloadStart) carries its params on the request side, as over TCP", () => {
    // aria2 1.36's --enable-rpc WebSocket at /jsonrpc, after an aria2.addUri
    const note = Buffer.from('{"jsonrpc":"2.0","method":"aria2.onDownloadStart","params":[{"gid":"84553b232b3f80ac"}]}');
    const s = replay(ws(), [seg('s2c', `81 ${note.length.toString(16)}` + note.toString('hex'))]);
    const c = s.calls[0];
    assert.deepEqual([c.protocol, c.kind, c.method, c.fields['websocket.dir']], ['jsonrpc', 'oneway', 'aria2.onDownloadStart', 's2c']);
    assert.deepEqual(c.request?.value, [{ gid: '84553b232b3f80ac' }]);
    assert.equal(c.response, undefined);
  });
});

describe('limits and robustness', () => {
  it('a 2^63 frame length lie is a warning, and the other direction still decodes', () => {
    const s = replay(ws(), [seg('s2c', '82 7f 7f ff ff ff ff ff ff ff 00'), seg('c2s', '81 85 37 fa 21 3d 7f 9f 4d 51 58')]);
    assert.ok(s.warnings.some((w) => /most significant bit|exceeds/.test(w)));
    assert.equal(text(s.calls[0]), 'Hello');
  });
  it('a decompression bomb stops at maxDecompressedBytes', () => {
    const pako = require('pako') as typeof import('pako');
    const raw = pako.deflateRaw(new Uint8Array(4 << 20), { level: 9 });
    const payload = raw.subarray(0, raw.length); // ends with a final block; fine for the decoder
    const len = payload.length;
    const hdr = len < 126 ? `c1 ${len.toString(16).padStart(2, '0')}` : `c1 7e ${len.toString(16).padStart(4, '0')}`;
    const s = testSession({ env: nodeEnv({ limits: { maxDecompressedBytes: 1 << 20 } }) });
    replay(ws('permessage-deflate'), [seg('s2c', hdr + Buffer.from(payload).toString('hex'))], 'whole', s);
    assert.match(s.calls[0].warnings.join(), /decompress/);
  });
  const sample: Segment[] = [
    seg('s2c', '81 05 48 65 6c 6c 6f'),
    seg('c2s', '01 83 37 fa 21 3d 7f 9f 4d'),
    seg('c2s', '89 80 00 00 00 00'),
    seg('c2s', '80 82 37 fa 21 3d 5b 96'),
    seg('s2c', '8a 00 c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00'),
    seg('c2s', '88 82 00 00 00 00 03 e8'),
    seg('s2c', '88 02 03 e8'),
  ];
  it('split invariance: every byte boundary and random cuts give the same calls', () => {
    const whole = snapshot(replay(ws('permessage-deflate'), sample));
    assert.deepEqual(snapshot(replay(ws('permessage-deflate'), sample, 'bytes')), whole);
    for (let seed = 1; seed < 20; seed++) assert.deepEqual(snapshot(replay(ws('permessage-deflate'), sample, seed)), whole);
  });
  it('fuzz: mutated and random input never throws', () => {
    const rnd = prng(42);
    for (let i = 0; i < 300; i++) {
      const segs = sample.map((g) => {
        const b = g.bytes.slice();
        for (let k = 0; k < 3; k++) if (rnd() < 0.5) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        return { dir: g.dir, bytes: b };
      });
      replay(ws('permessage-deflate'), segs, i);
    }
  });
});

describe('JSON-RPC 1.0 §2 and JSON-RPC 2.0 §6 batches over WebSocket', () => {
  it('Go net/rpc/jsonrpc over golang.org/x/net/websocket: 1.0 requests paired, a string error is an error', () => {
    const s = replay(ws(), [
      seg('c2s', '81bce044c4279b66a942942cab43c27ee666922db04fce09b14b942db44b9966e8059025b6468d37e61dbb3fe666c27ef20bc206e61dd739990bc22da005da74b92d'),
      seg('s2c', '81227b226964223a302c22726573756c74223a34322c226572726f72223a6e756c6c7d0a'),
      seg('c2s', '81ba890bace3f229c186fd63c387ab318ea2fb62d88ba74fc595e06fc9c1a529dc82fb6ac190ab31f798ab4a8ed9b8278ea1ab319c9ed4278e8aed2996d2f401'),
      seg('s2c', '81307b226964223a312c22726573756c74223a6e756c6c2c226572726f72223a22646976696465206279207a65726f227d0a'),
    ]);
    assert.deepEqual(s.warnings, []);
    assert.deepEqual(s.calls.map((c) => [c.method, c.kind, c.state, c.status?.ok, c.fields['jsonrpc.version']]), [
      ['Arith.Multiply', 'unary', 'complete', true, '1.0'],
      ['Arith.Divide', 'unary', 'complete', false, '1.0'],
    ]);
    assert.deepEqual(s.calls[0].request?.value, [{ A: 6, B: 7 }]);
    assert.equal(s.calls[0].response?.value, 42);
    assert.deepEqual(s.calls[1].status, { code: 'error', text: 'divide by zero', ok: false });
  });
  it('ws + jayson: a batch request and its batch response pair element by element', () => {
    const s = replay(ws(), [
      seg('c2s', '81e631ddf9936aa6dbf942b297e141bedba913efd7a313f1dbfa55ffc3a201f1dbfe54a991fc55ffc3b150b99db11dff89f243bc94e013e7a2a21deca4ee1da6dbf942b297e141bedba913efd7a313f1dbfa55ffc3a200f1dbfe54a991fc55ffc3b15cb48ae058b39eb14c80'),
      seg('s2c', '81755b7b226a736f6e727063223a22322e30222c226964223a31302c22726573756c74223a327d2c7b226a736f6e727063223a22322e30222c226964223a31312c226572726f72223a7b22636f6465223a2d33323630312c226d657373616765223a224d6574686f64206e6f7420666f756e64227d7d5d'),
    ]);
    assert.deepEqual(s.warnings, []);
    assert.deepEqual(s.calls.map((c) => [c.method, c.fields['jsonrpc.id'], c.fields['jsonrpc.batch'], c.state, c.status?.code, c.response?.value]), [
      ['add', 10, true, 'complete', 0, 2],
      ['missing', 11, true, 'complete', -32601, { code: -32601, message: 'Method not found' }],
    ]);
    assert.deepEqual([s.calls[1].fields['jsonrpc.error.code'], s.calls[1].fields['jsonrpc.error.message']], [-32601, 'Method not found']);
  });
  it('a JSON object that is not JSON-RPC stays a text message', () => {
    const body = Buffer.from('{"id":5,"result":"no request pending"}');
    const s = replay(ws(), [seg('s2c', `81 ${body.length.toString(16)}` + body.toString('hex'))]);
    assert.equal(s.calls[0].method, 'text');
  });
});

describe('Brokers over WebSocket: MQTT 5.0 §6 / 3.1.1 §6 (subprotocol "mqtt"), STOMP over WebSocket', () => {
  const withProtocol = (protocol?: string) => (s: DecoderSession) => {
    const i = init();
    if (protocol) i.response.headers.push(['Sec-WebSocket-Protocol', protocol]);
    return spec.create(s, i) as StreamDecoder;
  };
  const hex = (b: string | Uint8Array) => Buffer.from(b).toString('hex');
  /** A client frame (masked with a zero key, so the payload reads as is). */
  const masked = (op: number, payload: string | Uint8Array) => {
    const p = typeof payload === 'string' ? fromHex(payload) : payload;
    return (0x80 | op).toString(16) + (0x80 | p.length).toString(16) + '00000000' + hex(p);
  };
  const server = (op: number, payload: string | Uint8Array) => {
    const p = typeof payload === 'string' ? fromHex(payload) : payload;
    return (0x80 | op).toString(16) + p.length.toString(16).padStart(2, '0') + hex(p);
  };
  // MQTT 3.1.1 CONNECT "ho-sub" as MQTT.js over ws writes it: packet split over several binary messages.
  const CONNECT = '101200044d5154540402003c0006686f2d737562';
  const mqttScript = (): Segment[] => [
    seg('c2s', masked(2, CONNECT.slice(0, 2)) + masked(2, CONNECT.slice(2, 4)) + masked(2, CONNECT.slice(4))),
    seg('s2c', server(2, '20020000')),
    seg('c2s', masked(2, '3009' + '0005' + hex('ho/q0') + hex('hi'))),
    seg('c2s', '88 80 00 00 00 00'),
    seg('s2c', '88 00'),
  ];
  it('the "mqtt" subprotocol: binary messages are one MQTT byte stream, packets across messages', () => {
    const s = replay(withProtocol('mqtt'), mqttScript());
    assert.deepEqual(s.calls.map((c) => [c.protocol, c.method, c.target ?? '']), [
      ['mqtt', 'CONNECT', 'ho-sub'],
      ['mqtt', 'PUBLISH', 'ho/q0'],
      ['websocket', 'close', '/chat'],
    ]);
    assert.equal(s.calls[0].status?.ok, true);
    assert.equal(s.calls[0].fields['websocket.subprotocol'], 'mqtt');
    assert.equal(s.calls[1].kind, 'publish');
    assert.equal(s.calls[1].request?.body?.text, 'hi');
    assert.deepEqual(s.warnings, []);
  });
  it('split invariance and fuzz with the MQTT tunnel', () => {
    const whole = snapshot(replay(withProtocol('mqtt'), mqttScript()));
    assert.deepEqual(snapshot(replay(withProtocol('mqtt'), mqttScript(), 'bytes')), whole);
    const rnd = prng(7);
    for (let i = 0; i < 200; i++) {
      const segs = mqttScript().map((g) => {
        const b = g.bytes.slice();
        if (rnd() < 0.5) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        return { dir: g.dir, bytes: b };
      });
      replay(withProtocol('mqtt'), segs, i);
    }
  });
  it('no subprotocol named: a first client message that is a STOMP CONNECT makes the stream STOMP', () => {
    const enc = (t: string) => new TextEncoder().encode(t);
    const s = replay(withProtocol(), [
      seg('c2s', masked(1, enc('CONNECT\naccept-version:1.2\nhost:/\n\n\0'))),
      seg('s2c', server(1, enc('CONNECTED\nversion:1.2\n\n\0'))),
      seg('c2s', masked(1, enc('SEND\ndestination:/queue/a\n\nhello\0'))),
      seg('c2s', masked(1, enc('\n'))),
    ]);
    assert.deepEqual(s.calls.map((c) => [c.protocol, c.method, c.target ?? '']), [
      ['stomp', 'CONNECT', '/'],
      ['stomp', 'SEND', '/queue/a'],
    ]);
    assert.equal(s.calls[1].fields['websocket.subprotocol'], 'stomp');
  });
  it('no subprotocol named: NATS (nats-server websocket listener, nats.ws) by the server\'s INFO, or the client\'s CONNECT when INFO was not captured', () => {
    const enc = (t: string) => new TextEncoder().encode(t);
    // nats.ws sends binary messages; a NATS operation may span two of them.
    const script = (withInfo: boolean): Segment[] => [
      ...(withInfo ? [seg('s2c', server(2, enc('INFO {"server_id":"N1","version":"2.9.10","headers":true,"max_payload":1048576}\r\n')))] : []),
      seg('c2s', masked(2, enc('CONNECT {"name":"natsws-lab","verbose":false,"headers":true}\r\nPING\r\n'))),
      seg('s2c', server(2, enc('PONG\r\n'))),
      seg('c2s', masked(2, enc('SUB news.* 1\r\nPUB news.tech 5\r\nhel')) + masked(2, enc('lo\r\n'))),
      seg('s2c', server(2, enc('MSG news.tech 1 5\r\nhello\r\n'))),
    ];
    const s = replay(withProtocol(), script(true));
    assert.deepEqual(s.calls.map((c) => [c.protocol, c.method, c.target ?? '']), [
      ['nats', 'INFO', ''],
      ['nats', 'CONNECT', ''],
      ['nats', 'PING', ''],
      ['nats', 'SUB', 'news.*'],
      ['nats', 'PUB', 'news.tech'],
      ['nats', 'MSG', 'news.tech'],
    ]);
    assert.equal(s.calls[4].fields['websocket.subprotocol'], 'nats');
    assert.deepEqual(replay(withProtocol(), script(false)).calls.map((c) => c.method), ['CONNECT', 'PING', 'SUB', 'PUB', 'MSG']);
    // Text that merely starts like a NATS operation is no tunnel: "PUB" from a chat client stays a message.
    const chat = replay(withProtocol(), [seg('c2s', masked(1, enc('PUB quiz tonight?')))]);
    assert.deepEqual(chat.calls.map((c) => [c.protocol, c.method]), [['websocket', 'text']]);
  });
  it('a subprotocol no broker decoder speaks keeps the per-message calls', () => {
    const s = replay(withProtocol('graphql-ws'), [seg('c2s', masked(1, new TextEncoder().encode('CONNECT\n\n\0')))]);
    assert.equal(s.calls[0].protocol, 'websocket');
    assert.equal(s.calls[0].method, 'text');
  });
});

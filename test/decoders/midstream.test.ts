/**
 * Captures that start after a broker connection opened (a live recording started while the
 * application was already connected): no AMQP protocol header, no MQTT CONNECT, no STOMP CONNECT.
 * The brokers' mid-connection probes find them by framing alone, on their port and elsewhere.
 */
import { describe, it } from 'node:test';
import { constants, deflateRawSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { probeAmqpMidstream, spec as amqp } from '../../decoders/amqp/index';
import { probeMqttMidstream } from '../../decoders/mqtt/index';
import { probeStompMidstream, spec as stomp } from '../../decoders/stomp/index';
import { run } from './calls/harness';
import { probeWebSocketMidstream } from '../../decoders/websocket/index';
import { wsFrame } from './websocket/ws-feed';
import { spec as redis } from '../../decoders/redis/index';
import { probeHttp1Midstream } from '../../decoders/http1/index';
import { fromHex } from '../../decoders/core/bytes';
import { decodeConversation } from '../helpers/conversation';
import { PUBLISH, HDR, BODY, DELIVER, ACK7, HEARTBEAT } from './amqp/frames';

const text = (s: string) => new TextEncoder().encode(s);
const hex = (...parts: string[]) => fromHex(parts.join(''));

// MQTT 3.1.1 packets of the mqtt-basics sample (mosquitto 2.0, MQTT.js): §3.12 PINGREQ, §3.13 PINGRESP,
// §3.3 PUBLISH QoS 1 `rides/status` id 0xcdaf with a JSON payload, §3.4 its PUBACK.
const PINGREQ = 'c000';
const PINGRESP = 'd000';
const PUB_QOS1 = '332c000c72696465732f737461747573cdaf7b2273657276696365223a2274726970222c227570223a747275657d';
const PUBACK = '4002cdaf';

// STOMP 1.2 frames of the stomp-basics sample (RabbitMQ 3.10 Web-STOMP plugin, @stomp/stompjs).
const SEND = 'SEND\ndestination:/queue/rides\ncontent-type:application/json\ncontent-length:13\n\n{"trip":"t1"}\0';
const MESSAGE = 'MESSAGE\nsubscription:sub-0\ndestination:/queue/rides\nmessage-id:m-1\nack:m-1\ncontent-length:13\n\n{"trip":"t1"}\0\n';
const ACK = 'ACK\nid:m-1\n\n\0';

describe('AMQP 0-9-1 §4.2.3 frames met mid-connection', () => {
  it('a whole method frame of the specification decides, on any port', () => {
    assert.equal(probeAmqpMidstream(fromHex(DELIVER), false), 'accept');
    assert.equal(probeAmqpMidstream(fromHex(PUBLISH + HDR + BODY), false), 'accept');
  });
  it('a heartbeat alone (§4.2.7: channel 0, empty) decides; a content header with its body too', () => {
    assert.equal(probeAmqpMidstream(fromHex(HEARTBEAT), false), 'accept');
    assert.equal(probeAmqpMidstream(fromHex(HDR + BODY), false), 'accept');
  });
  it('a body frame says nothing by itself; what follows it decides', () => {
    assert.equal(probeAmqpMidstream(fromHex(BODY), false), 'need-more');
    assert.equal(probeAmqpMidstream(fromHex(BODY + ACK7), false), 'accept');
  });
  it('on the AMQP port the start of a frame is enough; elsewhere its end must be seen', () => {
    const cut = fromHex(DELIVER).subarray(0, 20);
    assert.equal(probeAmqpMidstream(cut, true), 'need-more');
    assert.equal(probeAmqpMidstream(fromHex(DELIVER), true), 'accept');
  });
  it('refuses a wrong frame end, an unknown method, a head inside a frame and other bytes', () => {
    assert.equal(probeAmqpMidstream(fromHex(DELIVER.slice(0, -2) + '00'), false), 'reject');
    assert.equal(probeAmqpMidstream(fromHex('010001000000040063000ace'), false), 'reject'); // class 99
    assert.equal(probeAmqpMidstream(fromHex(DELIVER).subarray(5), true), 'reject');
    assert.equal(probeAmqpMidstream(text('GET / HTTP/1.1\r\n\r\n'), true), 'reject');
  });
});

describe('MQTT 3.1.1 §2.2 fixed headers met mid-connection', () => {
  it('on the MQTT port one valid packet decides: a quiet connection shows only its keep-alive', () => {
    assert.equal(probeMqttMidstream(fromHex(PINGREQ), true), 'accept');
    assert.equal(probeMqttMidstream(fromHex(PINGRESP), true), 'accept');
  });
  it('elsewhere a PUBLISH with a topic name decides, a lone PINGREQ does not', () => {
    assert.equal(probeMqttMidstream(fromHex(PINGREQ), false), 'need-more');
    assert.equal(probeMqttMidstream(fromHex(PUB_QOS1), false), 'accept');
    assert.equal(probeMqttMidstream(fromHex(PUBACK + PINGRESP + PUBACK), false), 'accept');
  });
  it('refuses reserved flags (§2.2.2), QoS 3 (§3.3.1.2), a zero packet identifier (§2.3.1) and wildcards in a topic name (§4.7.1)', () => {
    assert.equal(probeMqttMidstream(fromHex('6002cdb1'), true), 'reject'); // PUBREL must have flags 0010
    assert.equal(probeMqttMidstream(fromHex('360700017800017878'), true), 'reject');
    assert.equal(probeMqttMidstream(fromHex('40020000'), true), 'reject');
    assert.equal(probeMqttMidstream(fromHex('3005000261237a'), false), 'reject'); // topic "a#"
    assert.equal(probeMqttMidstream(text('hello world'), false), 'reject');
    // ab's POST body of 'p's after a lost request head: 0x70 0x70 is a PUBCOMP of 112 bytes, again and again
    assert.notEqual(probeMqttMidstream(text('p'.repeat(2000)), false), 'accept');
    assert.equal(probeMqttMidstream(text('p'.repeat(2000)), true), 'reject'); // a PUBCOMP is its identifier, or a 5.0 reason code and properties (§3.7.2)
  });
});

describe('STOMP 1.2 frames met mid-connection', () => {
  it('on the STOMP port a command line decides; elsewhere its whole header block', () => {
    assert.equal(probeStompMidstream(text('MESSAGE\n'), true), 'accept');
    assert.equal(probeStompMidstream(text('MESSAGE\n'), false), 'need-more');
    assert.equal(probeStompMidstream(text(MESSAGE), false), 'accept');
    assert.equal(probeStompMidstream(text(ACK), false), 'accept');
  });
  it('on the port, a head inside a body is taken from the frame after its NUL', () => {
    assert.equal(probeStompMidstream(text(`"t0"}\0\n${SEND}`), true), 'accept');
    assert.equal(probeStompMidstream(text(`"t0"}\0\n${SEND}`), false), 'reject');
  });
  it('refuses other text', () => {
    assert.equal(probeStompMidstream(text('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), false), 'reject');
    assert.equal(probeStompMidstream(text('SEND\nno colon here\n\n'), false), 'reject');
    assert.equal(probeStompMidstream(text('SUBSCRIBE\n\n\0'), false), 'reject');
  });
});

describe('Redis inline commands are not STOMP frames', () => {
  it('a command that needs arguments alone on its line is refused; Redis inline commands still accepted', () => {
    assert.equal(redis.probe!(text('SUBSCRIBE\nid:sub-0\ndestination:/queue/rides\n\n\0'), 'c2s'), 'reject');
    assert.equal(redis.probe!(text('SUBSCRIBE news\r\n'), 'c2s'), 'accept');
    assert.equal(redis.probe!(text('PING\r\n'), 'c2s'), 'accept');
  });
});

/** A connection whose handshake (and protocol start) the capture missed, through the whole pipeline. */
const midConnection = (port: number, exchanges: Array<{ dir: 'c2s' | 's2c'; data: Uint8Array }>, handshake = false) => decodeConversation(port, exchanges, handshake);

describe('the pipeline takes a broker connection the capture joined late', () => {
  for (const port of [5672, 25672]) {
    it(`AMQP on port ${port}: a publish, its delivery and the ack`, () => {
      const { calls, flows } = midConnection(port, [
        { dir: 'c2s', data: hex(PUBLISH, HDR, BODY) },
        { dir: 's2c', data: hex(DELIVER, HDR, BODY) },
        { dir: 'c2s', data: hex(ACK7) },
      ]);
      assert.equal(flows[0].protocol, 'amqp');
      assert.equal(flows[0].dispatch, port === 5672 ? 'port' : 'probe');
      assert.deepEqual(calls.map((c) => c.method).sort(), ['basic.deliver', 'basic.publish']);
    });
  }
  it('MQTT on its port with nothing but keep-alives', () => {
    const { calls, flows } = midConnection(1883, [
      { dir: 'c2s', data: hex(PINGREQ) },
      { dir: 's2c', data: hex(PINGRESP) },
    ]);
    assert.equal(flows[0].protocol, 'mqtt');
    assert.deepEqual(calls.map((c) => c.method), ['PINGREQ']);
  });
  it('MQTT elsewhere: a QoS 1 PUBLISH and its PUBACK', () => {
    const { calls, flows } = midConnection(18830, [
      { dir: 'c2s', data: hex(PUB_QOS1) },
      { dir: 's2c', data: hex(PUBACK) },
    ]);
    assert.equal(flows[0].protocol, 'mqtt');
    assert.equal(calls[0].method, 'PUBLISH');
    assert.equal(calls[0].status?.code, 'PUBACK');
  });
  it('STOMP elsewhere: a delivery and its ACK', () => {
    const { calls, flows } = midConnection(21613, [
      { dir: 's2c', data: text(MESSAGE) },
      { dir: 'c2s', data: text(ACK) },
    ]);
    assert.equal(flows[0].protocol, 'stomp');
    assert.ok(calls.some((c) => c.method === 'MESSAGE'));
  });
});

describe('a connection the capture joined late, its roles guessed backwards', () => {
  // The broker listens on a port above the client's (a container's published port, 32768+): the
  // port guess takes the broker for the client until its messages say otherwise.
  it('AMQP: basic.deliver comes from the broker, basic.publish from the client', () => {
    const { calls, flows } = midConnection(64000, [
      { dir: 'c2s', data: hex(PUBLISH, HDR, BODY) },
      { dir: 's2c', data: hex(DELIVER, HDR, BODY) },
      { dir: 'c2s', data: hex(ACK7) },
    ]);
    assert.equal(flows[0].roleFrom, 'payload');
    assert.equal(flows[0].server.port, 64000);
    assert.equal(flows[0].client.port, 45000);
    const deliver = calls.find((c) => c.method === 'basic.deliver');
    assert.equal(deliver?.kind, 'deliver');
    assert.equal(deliver?.server.port, 64000);
  });
  it('MQTT: PINGREQ is the client, PINGRESP the server', () => {
    const { flows } = midConnection(64000, [
      { dir: 'c2s', data: hex(PUB_QOS1, PINGREQ) },
      { dir: 's2c', data: hex(PUBACK, PINGRESP) },
    ]);
    assert.equal(flows[0].protocol, 'mqtt');
    assert.equal(flows[0].roleFrom, 'payload');
    assert.equal(flows[0].server.port, 64000);
  });
  it('STOMP: MESSAGE is a server frame, ACK a client frame', () => {
    const { calls, flows } = midConnection(64000, [
      { dir: 's2c', data: text(MESSAGE) },
      { dir: 'c2s', data: text(ACK) },
    ]);
    assert.equal(flows[0].server.port, 64000);
    assert.ok(calls.every((c) => !c.warnings.some((w) => w.includes('unknown'))));
  });
  it('RabbitMQ Streams: a Create request is the client, its response the broker (a stream port above the client\'s)', () => {
    // From the rabbitmq-stream sample: Create `rides` (max-length-bytes 10000000), correlation 0x69, and its OK.
    const create = '0000002f000d000100000069000572696465730000000100106d61782d6c656e6774682d627974657300083130303030303030';
    const ok = '0000000a800d0001000000690001';
    const { calls, flows } = midConnection(64000, [
      { dir: 'c2s', data: fromHex(create) },
      { dir: 's2c', data: fromHex(ok) },
    ]);
    assert.equal(flows[0].protocol, 'rabbitstream');
    assert.equal(flows[0].server.port, 64000);
    assert.equal(calls[0].method, 'Create');
    assert.equal(calls[0].status?.ok, true);
  });
  it('roles that agree with the messages stay as guessed', () => {
    const { flows } = midConnection(25672, [
      { dir: 'c2s', data: hex(PUBLISH, HDR, BODY) },
      { dir: 's2c', data: hex(DELIVER, HDR, BODY) },
    ]);
    assert.equal(flows[0].roleFrom, 'guess');
    assert.equal(flows[0].server.port, 25672);
  });
});

describe('a direction that starts inside a frame', () => {
  it('AMQP: whatever the offset inside a content header and body, the next whole frame is decoded (its channel opened before the capture)', () => {
    const tail = HDR + BODY;
    for (let cut = 1; cut < tail.length / 2; cut++) {
      const r = run(amqp, [
        ['c2s', tail.slice(cut * 2) + PUBLISH + HDR + BODY],
        ['s2c', DELIVER + HDR + BODY],
        ['c2s', ACK7],
      ]);
      assert.deepEqual(r.calls.map((c) => c.method).sort(), ['basic.deliver', 'basic.publish'], `cut at ${cut}`);
      assert.ok(r.session.warnings.length <= 1 && r.session.warnings.every((w) => w.includes('joined the connection inside a frame')), `cut at ${cut}: ${r.session.warnings}`);
    }
  });
  it('STOMP: the bytes before the first command line are skipped with one note, not read as a frame', () => {
    const r = run(stomp, [
      ['c2s', text(`x-note:a\n\n{"trip":"t0"}\0${SEND}`)],
      ['s2c', text(MESSAGE)],
    ]);
    assert.deepEqual(r.calls.map((c) => c.method).sort(), ['MESSAGE', 'SEND']);
    assert.equal(r.session.warnings.length, 1);
    assert.match(r.session.warnings[0], /c2s: the first 24 bytes are not a frame's start/);
  });
});

describe('WebSocket (RFC 6455 §5.2) met after its HTTP upgrade', () => {
  it('a client text frame (masked, §5.3) or a server one (unmasked) whose payload is UTF-8 decides', () => {
    assert.equal(probeWebSocketMidstream(wsFrame('c2s', '{"op":"ping"}')), 'accept');
    assert.equal(probeWebSocketMidstream(wsFrame('s2c', 'hello')), 'accept');
    assert.equal(probeWebSocketMidstream(wsFrame('s2c', Buffer.from([0xff, 0xfe]))), 'reject'); // text, not UTF-8 (§5.6)
  });
  it('a close frame with a defined code (§7.4.1) decides; a reserved one does not', () => {
    assert.equal(probeWebSocketMidstream(wsFrame('s2c', Buffer.from([0x03, 0xe8]), 0x88)), 'accept');
    assert.equal(probeWebSocketMidstream(wsFrame('s2c', Buffer.from([0x03, 0xed]), 0x88)), 'reject'); // 1005 is never sent
  });
  it('an unmasked binary frame alone waits for a second frame', () => {
    const bin = wsFrame('s2c', Buffer.from([1, 2, 3]), 0x82);
    assert.equal(probeWebSocketMidstream(bin), 'need-more');
    assert.equal(probeWebSocketMidstream(Buffer.concat([bin, bin])), 'accept');
  });
  it('empty and continuation frames are no evidence: a length-prefixed binary protocol is not WebSocket', () => {
    // Ruby DRb over a snaplen cut: a 4-byte length, then Marshal data (04 08 …); zeros parse as empty continuation frames.
    assert.notEqual(probeWebSocketMidstream(fromHex('00000003040830000000030408300000')), 'accept');
    assert.notEqual(probeWebSocketMidstream(fromHex('88008800')), 'accept');
  });
  it('refuses RSV2/RSV3, reserved opcodes, a fragmented or long control frame and mixed masking', () => {
    assert.equal(probeWebSocketMidstream(wsFrame('s2c', 'x', 0xa1)), 'reject');
    assert.equal(probeWebSocketMidstream(wsFrame('s2c', 'x', 0x83)), 'reject');
    assert.equal(probeWebSocketMidstream(wsFrame('s2c', 'x', 0x09)), 'reject');
    assert.equal(probeWebSocketMidstream(Buffer.concat([wsFrame('s2c', 'a'), wsFrame('c2s', 'b')])), 'reject');
    assert.equal(probeWebSocketMidstream(text('GET / HTTP/1.1\r\n\r\n')), 'reject');
  });
  const chat = [
    { dir: 'c2s' as const, data: wsFrame('c2s', '{"op":"subscribe","topic":"rides"}') },
    { dir: 's2c' as const, data: wsFrame('s2c', '{"ok":true}') },
    { dir: 'c2s' as const, data: wsFrame('c2s', '{"jsonrpc":"2.0","id":1,"method":"add","params":[2,3]}') },
    { dir: 's2c' as const, data: wsFrame('s2c', '{"jsonrpc":"2.0","id":1,"result":5}') },
  ];
  it('on an HTTP port (whose probe declines frames) and elsewhere: its messages, JSON-RPC inside too', () => {
    for (const port of [8080, 7411]) {
      const { calls, flows } = midConnection(port, chat);
      assert.equal(flows[0].protocol, 'websocket', `port ${port}`);
      assert.ok(flows[0].warnings.some((w) => w.includes('HTTP upgrade of this connection is not in the capture')));
      assert.deepEqual(calls.map((c) => c.protocol).sort(), ['jsonrpc', 'websocket', 'websocket']);
    }
  });
  it('the masked side is the client (§5.1), whatever the ports guessed', () => {
    const { flows } = midConnection(64000, chat);
    assert.equal(flows[0].server.port, 64000);
    assert.equal(flows[0].roleFrom, 'payload');
  });
  it('a connection whose start is in the capture (SYN, no upgrade) is not taken: Decode As is for that', () => {
    const { flows } = midConnection(7411, chat, true);
    assert.equal(flows[0].protocol, 'tcp');
  });
});

describe('permessage-deflate met mid-connection (RFC 7692 §7.2.1: context takeover)', () => {
  // A message compressed against one sent before the capture, then one that repeats nothing.
  const before = 'station to airport';
  const deflate = (text: string, dictionary?: string) => {
    const out = deflateRawSync(Buffer.from(text), { finishFlush: constants.Z_SYNC_FLUSH, ...(dictionary ? { dictionary: Buffer.from(dictionary) } : {}) });
    return out.subarray(0, out.length - 4); // §7.2.1: without the 00 00 ff ff tail
  };
  const frame = (payload: Uint8Array) => Buffer.concat([Buffer.from([0xc1, payload.length]), payload]); // FIN, RSV1, text
  it('what repeats a message before the capture is marked; the rest is exact, and so is the next message', () => {
    const { calls } = midConnection(8080, [
      { dir: 's2c', data: frame(deflate('{"ride":"station to airport"}', before)) },
      { dir: 's2c', data: frame(deflate('completely new words')) },
    ]);
    const texts = calls.map((c) => c.response?.body?.text);
    assert.match(texts[0] ?? '', /^\{"ride":".*⟨\d+ bytes before the capture⟩.*"\}$/);
    assert.match(calls[0].warnings.join(), /partly decompressed: \d+ of its 29 bytes repeat earlier messages the capture does not have/);
    assert.equal(texts[1], 'completely new words');
    assert.deepEqual(calls[1].warnings, []);
  });
});

describe('connections joined inside a long message (a body, a pipeline of large values)', () => {
  it('HTTP/1.1: a status or request line at a line start anywhere in the first bytes (RFC 9112 §3, §4)', () => {
    assert.equal(probeHttp1Midstream(text('…the rest of a body\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')), 'accept');
    assert.equal(probeHttp1Midstream(text('ppppppp\r\nPOST /up HTTP/1.0\r\nContent-Length: 3\r\n\r\nppp')), 'accept');
    assert.equal(probeHttp1Midstream(text('no message starts here\r\nnor here')), 'reject');
    assert.equal(probeHttp1Midstream(fromHex('8105' + '68656c6c6f')), 'reject');
  });
  it('HTTP/1.1: the server was sending a large body when the capture began; the client\'s next request is decoded, the body before it skipped with a note', () => {
    const body = 'x'.repeat(200_000); // more than the bytes kept while waiting for the client's side
    const { calls, flows } = midConnection(28020, [
      { dir: 's2c', data: text(body) },
      { dir: 'c2s', data: text('GET /next HTTP/1.1\r\nHost: a\r\n\r\n') },
      { dir: 's2c', data: text('HTTP/1.1 204 No Content\r\n\r\n') },
    ]);
    assert.equal(flows[0].protocol, 'http');
    assert.deepEqual(calls.map((c) => [c.method, c.target, c.status?.code]), [['GET', '/next', 204]]);
    assert.ok(flows[0].warnings.some((w) => w.includes('bytes before the first response')), flows[0].warnings.join('\n'));
  });
  it('HTTP/2: the server was sending DATA when the capture began; the client\'s next HEADERS frames decide, one per packet', () => {
    // 20 KB of a body (not frames); then two HEADERS frames (RFC 9113 §6.2) of the held-out h2 capture, streams 11 and 13.
    const body = new Uint8Array(20_000).map((_, i) => (i * 7919) & 0xff);
    const { flows } = midConnection(22250, [
      { dir: 's2c', data: body },
      { dir: 'c2s', data: fromHex('00000c01050000000b8682448761360cd416c47fc7') },
      { dir: 'c2s', data: fromHex('00000b01050000000d8682448662728e42d88fc8') },
    ]);
    assert.equal(flows[0].protocol, 'http2');
  });
  it('WebSocket: a compressed frame must start a DEFLATE block (RFC 1951 §3.2.3): a run of "A"s (RSV1 text frames of 65 bytes) is not WebSocket', () => {
    assert.notEqual(probeWebSocketMidstream(new Uint8Array(2000).fill(0x41)), 'accept');
  });
  it('Redis: a command array after a CRLF in the client\'s first bytes; what comes before it is not a command', () => {
    const { calls, flows } = midConnection(22410, [
      { dir: 'c2s', data: text(`${'V'.repeat(300)}\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n`) },
      { dir: 's2c', data: text('+OK\r\n+OK\r\n') },
    ]);
    assert.equal(flows[0].protocol, 'redis');
    assert.deepEqual(calls.map((c) => c.method).sort(), ['(reply)', 'SET']);
    assert.ok(flows[0].warnings.some((w) => w.includes('the first bytes are not a command')));
  });
});

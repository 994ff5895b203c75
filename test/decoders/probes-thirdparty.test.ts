/**
 * Heuristic probes against other protocols' connections, found by running the captures that ship with
 * Wireshark 4.0, nDPI 4.2 and tcpdump 4.99 (Debian source packages) through the CLI: an FTP session
 * taken for Redis, SMPP for Kafka, OpenFlow for a WebSocket joined late, and an HTTP request line with
 * runs of spaces left to the Redis probe. Each case is the protocol's own first bytes, by its spec.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../decoders/pipeline';
import { ALL_DECODERS } from '../../decoders/registry';
import type { Call, FlowSummary } from '../../decoders/core/model';
import { fromHex } from '../../decoders/core/bytes';
import { nodeEnv } from '../../cli/platform/node-env';
import { ethernet, pcapFile, tcpPacket } from '../helpers/pcap-builder';
import { decodeConversation } from '../helpers/conversation';
import { probeHttp1 } from '../../decoders/http1/index';
import { probeKafka, refuteKafka } from '../../decoders/kafka/index';
import { spec as redis } from '../../decoders/redis/index';
import { spec as websocket } from '../../decoders/websocket/index';
import { probeTcp as probeDnsTcp } from '../../decoders/dns/index';
import { wsFrame } from './websocket/ws-feed';

const text = (s: string) => new TextEncoder().encode(s);
const hex = (...parts: string[]) => fromHex(parts.join('').replace(/\s+/g, ''));

const decode = (port: number, exchanges: Array<{ dir: 'c2s' | 's2c'; data: Uint8Array }>, handshake = true) => decodeConversation(port, exchanges, handshake);

describe('RFC 9112 §3: a request line with runs of spaces is HTTP, not a Redis inline command', () => {
  it('the probe tolerates runs of spaces and tabs between method, target and version', () => {
    const p = (s: string) => probeHttp1(text(s), 'c2s');
    assert.equal(p('GET    /x HTTP/1.1\r\n'), 'accept');
    assert.equal(p('GET \t/x\t HTTP/1.0\r\n'), 'accept');
    assert.equal(p('GET /x   HTTP/1.1  \r\n'), 'accept');
    assert.equal(p('GET      '), 'need-more');
    assert.equal(p('GET      /x   HT'), 'need-more');
    // longer than the probe's 64 bytes, the version only begun: a plausible target decides
    assert.equal(p('GET                  /aaaaaaaaaaaaaaaaaaaaaaaa_very_long_uri HTTP/1.1\r\n'), 'accept');
    // a request line that ends just past the probe's 64 bytes, its version inside them (nDPI's weibo
    // capture: a request never answered, so no status line to recognise the connection by)
    for (const n of [55, 56, 60, 62, 63, 64, 66]) {
      const line = `GET /${'a'.repeat(n - 14)} HTTP/1.1`;
      assert.equal(line.length, n);
      assert.equal(p(`${line}\r\nHost: x\r\n\r\n`), 'accept', line);
    }
    assert.equal(p('GET    /x HTTP/2.0\r\n'), 'reject');
    assert.equal(p('GET    x y z\r\n'), 'reject');
  });
  it('on port 8080 (gamma_httpd answered nDPI\'s http-manipulated request) it is one HTTP call', () => {
    const { calls, flows } = decode(8080, [
      { dir: 'c2s', data: text('GET                  /aaaaaaaaaaaaaaaaaaaaaaaa_very_long_uri HTTP/1.1\r\nHost: www.lan:8080\r\n\r\n') },
      { dir: 's2c', data: text('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok') },
    ]);
    assert.equal(flows[0].protocol, 'http');
    assert.deepEqual(calls.map((c) => [c.protocol, c.method, c.target, c.status?.code]), [['http', 'GET', '/aaaaaaaaaaaaaaaaaaaaaaaa_very_long_uri', 200]]);
  });
});

describe('Redis: a server that speaks first is not Redis (RESP: the client always sends first)', () => {
  it('an FTP session with AUTH TLS (RFC 4217 §4) stays a raw flow', () => {
    const { calls, flows } = decode(21, [
      { dir: 's2c', data: text('220 "Authorized users only."\r\n') },
      { dir: 'c2s', data: text('AUTH TLS\r\n') },
      { dir: 's2c', data: text('234 Proceed with negotiation.\r\n') },
      { dir: 'c2s', data: hex('16030100a5010000a10303') },
    ]);
    assert.notEqual(flows[0].protocol, 'redis');
    assert.equal(calls.filter((c) => c.protocol === 'redis').length, 0);
  });
  it('the refutation reads the server\'s first byte, and not on a connection joined late', () => {
    const heads = (c2s: string, s2c: string) => ({ c2s: text(c2s), s2c: text(s2c) });
    assert.equal(redis.refute!(heads('AUTH TLS\r\n', '220 ready\r\n'), false), true);
    assert.equal(redis.refute!(heads('PING\r\n', '+PONG\r\n'), false), false);
    assert.equal(redis.refute!(heads('PING\r\n', ''), false), false);
    assert.equal(redis.refute!(heads('GET k\r\n', 'alue\r\n'), true), false);
  });
  it('inline commands on another port are still Redis', () => {
    const { calls, flows } = decode(16379, [
      { dir: 'c2s', data: text('PING\r\n') },
      { dir: 's2c', data: text('+PONG\r\n') },
    ]);
    assert.equal(flows[0].protocol, 'redis');
    assert.deepEqual(calls.map((c) => [c.method, c.status?.ok]), [['PING', true]]);
  });
});

// SMPP v3.4 §4.1.1 bind_transmitter: command_length 42, command_id 2, command_status 0, sequence_number 1,
// system_id "smppclient1", password "password", system_type "", interface_version 0x34, addr_ton 0,
// addr_npi 0, address_range "". §4.1.2 bind_transmitter_resp: command_id 0x80000002, system_id "SMSC".
const SMPP_BIND = '0000002a 00000002 00000000 00000001 736d7070636c69656e743100 70617373776f726400 00 34 00 00 00';
const SMPP_BIND_RESP = '00000015 80000002 00000000 00000001 534d534300';
// Kafka ApiVersions v3 request (KIP-511), flexible header v2: api key 18, version 3, correlation id 1,
// client id "rdkafka", no tags; client_software_name "librdkafka", client_software_version "2.0.2", no tags.
const API_VERSIONS = '00000024 0012 0003 00000001 0007 72646b61666b61 00 0b 6c69627264 6b61666b61 06 322e302e32 00';

describe('Kafka: SMPP reads as a Produce v2 header; its body and its answer do not', () => {
  it('a whole first request must read by its api key\'s schema', () => {
    assert.equal(probeKafka(hex(SMPP_BIND)), 'reject');
    assert.equal(probeKafka(hex(API_VERSIONS)), 'accept');
  });
  it('a first response whose correlation id is below the request\'s refutes it', () => {
    assert.equal(refuteKafka(hex(SMPP_BIND), hex(SMPP_BIND_RESP), false), true);
    assert.equal(refuteKafka(hex(API_VERSIONS), hex('0000000a 00000001 0000 00 00 00 00'), false), false);
    assert.equal(refuteKafka(hex(API_VERSIONS), hex('0000000a 00000001'), true), false);
  });
  it('a first request of 16 MiB or more is refused: OpenFlow 1.3 (version 4) reads as a 64 MiB frame', () => {
    // OpenFlow 1.3 §7.1 ofp_header: version 4, type 0 (HELLO), length 16, xid; a version bitmap element
    assert.equal(probeKafka(hex('04 00 0010 0000004a 0001 0008 00000010')), 'reject');
    assert.equal(probeKafka(hex('00ffffff 0012 0003 00000001 0007 72646b61666b61')), 'accept');
  });
  it('an SMPP session on port 9000 is no Kafka', () => {
    const { calls, flows } = decode(9000, [
      { dir: 'c2s', data: hex(SMPP_BIND) },
      { dir: 's2c', data: hex(SMPP_BIND_RESP) },
    ]);
    assert.notEqual(flows[0].protocol, 'kafka');
    assert.equal(calls.length, 0);
  });
});

// OpenFlow 1.0 (wire version 0x01) messages of tcpdump's of10_7050q test capture, port 6633, the capture
// joined late: 0x01 reads as a WebSocket text frame without FIN, 0x04 as an unmasked 4-byte payload.
const OF_SWITCH = '0104001800000018005c16c70000000100000000000000000104001400000019005c16c70000000400000000011200080000001a';
const OF_CONTROLLER = '0104001800000018005c16c70000000200000000ffffffff';

describe('WebSocket joined late: RFC 6455 §5.1, only the client masks', () => {
  it('an OpenFlow connection (both sides unmasked, text starting with NUL) stays raw', () => {
    const { calls, flows } = decode(6633, [
      { dir: 's2c', data: hex(OF_SWITCH) },
      { dir: 'c2s', data: hex(OF_CONTROLLER) },
      { dir: 's2c', data: hex(OF_SWITCH) },
    ], false);
    assert.notEqual(flows[0].protocol, 'websocket');
    assert.equal(calls.length, 0);
  });
  it('both sides of one masking refute; a masked client and an unmasked server do not', () => {
    const heads = (c2s: Uint8Array, s2c: Uint8Array) => ({ c2s, s2c });
    assert.equal(websocket.refute!(heads(hex(OF_CONTROLLER), hex(OF_SWITCH)), true), true);
    assert.equal(websocket.refute!(heads(wsFrame('c2s', '{"op":"sub"}'), wsFrame('s2c', '{"op":"ack"}')), true), false);
    assert.equal(websocket.refute!(heads(wsFrame('s2c', '{"a":1}'), wsFrame('s2c', '{"b":2}')), true), true);
  });
  it('a WebSocket joined late is still found (masked client, unmasked server)', () => {
    const { calls, flows } = decode(7000, [
      { dir: 'c2s', data: wsFrame('c2s', '{"op":"subscribe","topic":"rides"}') },
      { dir: 's2c', data: wsFrame('s2c', '{"op":"ack","topic":"rides"}') },
    ], false);
    assert.equal(flows[0].protocol, 'websocket');
    assert.equal(calls.length >= 1, true);
  });
});

describe('a connection whose first data segment was not captured (RFC 9293 §3.4: the handshake says where the data starts)', () => {
  it('the bytes after the hole are still probed: the next request is found', () => {
    // (nDPI's ndpi_match_string_subprotocol__error: 244 bytes lost after the handshake, then a SOAP POST)
    const seg = (tsUs: number, o: Parameters<typeof tcpPacket>[0]) => ({ tsUs, data: ethernet(tcpPacket(o)) });
    const c = { src: '10.0.0.1', dst: '10.0.0.2', sport: 45000, dport: 7777 };
    const sv = { src: '10.0.0.2', dst: '10.0.0.1', sport: 7777, dport: 45000 };
    const t = 1_700_000_000_000_000;
    const req = 'GET /after-the-hole HTTP/1.1\r\nHost: x\r\n\r\n';
    const res = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    const frames = [
      seg(t, { ...c, seq: 1000, flags: 'S' }),
      seg(t + 10, { ...sv, seq: 5000, ack: 1001, flags: 'SA' }),
      seg(t + 20, { ...c, seq: 1001, ack: 5001, flags: 'A' }),
      // bytes 1001–1244 never captured
      seg(t + 30, { ...c, seq: 1245, ack: 5001, payload: req }),
      seg(t + 40, { ...sv, seq: 5001, ack: 1245 + req.length, payload: res }),
    ];
    const calls: Call[] = [];
    const flows: FlowSummary[] = [];
    const p = new Pipeline({ env: nodeEnv(), decoders: ALL_DECODERS }, { call: (x) => calls.push(x), flow: (f) => flows.push(f) });
    p.push(pcapFile(frames));
    p.end();
    assert.equal(flows[0].protocol, 'http');
    // (whether the answer is this request's or one lost in the hole cannot be known; the decoder's
    // pairing across gaps decides that, and is tested with it)
    assert.ok(calls.some((x) => x.method === 'GET' && x.target === '/after-the-hole'));
  });
});

describe('DNS over TCP (RFC 1035 §4.2.2, §4.1.1): the header\'s first fields decide before the whole header is in', () => {
  it('VNC\'s ProtocolVersion (RFB 6.1.1, "RFB 004.001\\n") is refused with 11 bytes of its "message"', () => {
    assert.equal(probeDnsTcp(text('RFB 004.001\n\r')), 'reject');
    assert.equal(probeDnsTcp(text('RFB 003.008\n')), 'reject');
  });
  it('a query header cut before its end still waits for more', () => {
    // length 29, id 0x1234, flags 0x0100 (RD), qdcount 1 …
    assert.equal(probeDnsTcp(hex('001d 1234 0100 0001 00')), 'need-more');
    assert.equal(probeDnsTcp(hex('001d 1234 0100')), 'need-more');
    assert.equal(probeDnsTcp(hex('001d 1234 0100 0000')), 'reject');
  });
  it('a VNC session with a capture gap after the version exchange stays raw', () => {
    const { calls, flows } = decode(6900, [
      { dir: 's2c', data: text('RFB 004.001\n') },
      { dir: 'c2s', data: text('RFB 004.001\n') },
      { dir: 's2c', data: hex('0102 0d 02 00000000') },
      { dir: 'c2s', data: hex('0d') },
    ]);
    assert.notEqual(flows[0].protocol, 'dns');
    assert.equal(calls.length, 0);
  });
});

/**
 * How a RabbitMQ stream connection reaches the decoder in the pipeline (decoders/registry.ts with every
 * decoder): port 5552, the probe on another port, a capture that starts inside a connection, and a
 * capture cut to a small snaplen. Frames from samples/rabbitmq-stream (RabbitMQ 3.10.8,
 * rabbitmq-stream-js-client 1.0.0).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../../decoders/pipeline';
import type { Call, FlowSummary } from '../../../decoders/core/model';
import { fromHex } from '../../../decoders/core/bytes';
import { nodeEnv } from '../../../cli/platform/node-env';
import { pcapFile, tcpConversation, type Frame } from '../../helpers/pcap-builder';

const PEER_REQ =
  '00000100001100010000006500000006000770726f64756374000f5261626269744d512053747265616d000776657273696f6e0005302e332e300008706c6174666f726d000a6a6176617363726970740009636f707972696768740024436f707972696768742028632920323032302d3230323420436f6465727335312073726c000b696e666f726d6174696f6e00514c6963656e73656420756e646572207468652041706163686520322e3020616e64204d504c20322e30206c6963656e7365732e205365652068747470733a2f2f7777772e7261626269746d712e636f6d2f000f636f6e6e656374696f6e5f6e616d65001063616c6c73636f70652d73616d706c65';
const PEER_RESP =
  '000000f78011000100000065000100000006000c636c75737465725f6e616d65000c63732d72616262697440766d0009636f707972696768740037436f707972696768742028632920323030372d3230323220564d776172652c20496e632e206f722069747320616666696c69617465732e000b696e666f726d6174696f6e00394c6963656e73656420756e64657220746865204d504c20322e302e20576562736974653a2068747470733a2f2f7261626269746d712e636f6d0008706c6174666f726d001145726c616e672f4f54502032352e322e33000770726f6475637400085261626269744d51000776657273696f6e0006332e31302e38';
const META_REQ = '00000013000f00010000006a0000000100057269646573';
const META_RESP = '00000030800f00010000006a00000001000000093132372e302e302e31000015b000000001000572696465730001000000000000';
const DELIVER_TEXT = '0000004c00080001005000000100000001000001a205ce752900000000000000010000000000000000cc7a593000000017000000180000000000000013005375a00e7269646520726571756573746564';

function run(frames: Frame[]): { calls: Call[]; flows: FlowSummary[] } {
  const calls: Call[] = [];
  const flows: FlowSummary[] = [];
  const p = new Pipeline({ env: nodeEnv() }, { call: (c) => calls.push(c), flow: (f) => flows.push(f) });
  p.push(pcapFile(frames));
  p.end();
  return { calls, flows };
}

const conv = (port: number, exchanges: Array<['c2s' | 's2c', string]>, o: { handshake?: boolean; mss?: number } = {}) =>
  tcpConversation({ server: { ip: '127.0.0.1', port }, ...o, exchanges: exchanges.map(([dir, hex]) => ({ dir, data: fromHex(hex) })) });

describe('dispatch: port, probe, mid-connection, snaplen', () => {
  it('port 5552', () => {
    const { calls, flows } = run(conv(5552, [['c2s', PEER_REQ], ['s2c', PEER_RESP]]));
    assert.deepEqual([flows[0].protocol, flows[0].dispatch], ['rabbitstream', 'port']);
    assert.deepEqual(calls.map((c) => `${c.method} ${c.status?.text}`), ['PeerProperties OK']);
  });

  it('another port: the probe on the PeerProperties request', () => {
    const { calls, flows } = run(conv(21552, [['c2s', PEER_REQ], ['s2c', PEER_RESP]]));
    assert.deepEqual([flows[0].protocol, flows[0].dispatch], ['rabbitstream', 'probe']);
    assert.equal(calls[0].fields['client.name'], 'callscope-sample');
  });

  it('a capture that starts inside a connection: a Metadata request is not taken for a Kafka DescribeGroups', () => {
    const { calls, flows } = run(conv(5552, [['c2s', META_REQ], ['s2c', META_RESP]], { handshake: false }));
    assert.equal(flows[0].protocol, 'rabbitstream');
    assert.deepEqual(calls.map((c) => `${c.method} ${c.target} ${c.status?.text}`), ['Metadata rides OK']);
  });

  it('a consumer already reading when the capture started, on another port: its Deliver', () => {
    const { calls, flows } = run(conv(21552, [['s2c', DELIVER_TEXT]], { handshake: false }));
    assert.equal(flows[0].protocol, 'rabbitstream');
    assert.equal(calls[0].kind, 'deliver');
    assert.equal(calls[0].response?.body?.text, 'ride requested');
  });

  it('segments of 14 bytes, the rest lost (tcpdump -s 80 on loopback): still RabbitMQ Streams, not Kafka', () => {
    const frames = conv(5552, [['c2s', PEER_REQ], ['s2c', PEER_RESP], ['c2s', META_REQ], ['s2c', META_RESP]], { mss: 1460 });
    const cut = frames.map((f) => {
      // keep Ethernet (14) + IPv4 (20) + TCP (20) + 14 payload bytes
      return f.data.length > 68 ? { ...f, data: f.data.subarray(0, 68), origLen: f.data.length } : f;
    });
    const { calls, flows } = run(cut);
    assert.equal(flows[0].protocol, 'rabbitstream');
    assert.deepEqual(calls.map((c) => `${c.method} ${c.status?.text ?? ''}`), ['PeerProperties OK', 'Metadata ']);
  });
});

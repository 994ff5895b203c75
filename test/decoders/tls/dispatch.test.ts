/**
 * TLS and QUIC through the real pipeline and registry: reached by probe on any port, by port on the
 * usual ones, without taking other protocols' connections; and the CLI table's hint for connections
 * on TLS/QUIC ports that nothing decoded.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../../decoders/pipeline';
import type { Call, FlowSummary } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { formatTable } from '../../../cli/table';
import { pcapFile, tcpConversation, udpPacket, ethernet, type Frame } from '../../helpers/pcap-builder';
import { hex } from './feed';

const CLIENT_HELLO = hex(`16 0301 0059 01 000055 0303 ${'11'.repeat(32)} 00 0006 1301 1302 c02f 01 00 0026 0033 0026 0024 001d 0020 ${'22'.repeat(32)}`);
const SERVER_HELLO = hex(`16 0303 005a 02 000056 0303 ${'33'.repeat(32)} 00 1301 00 002e 002b 0002 0304 0033 0024 001d 0020 ${'44'.repeat(32)}`);
const ENCRYPTED = hex(`17 0303 0011 ${'aa'.repeat(17)} 17 0303 0020 ${'bb'.repeat(32)}`);

function run(frames: Frame[]): { calls: Call[]; flows: FlowSummary[] } {
  const calls: Call[] = [];
  const flows: FlowSummary[] = [];
  const p = new Pipeline({ env: nodeEnv() }, { call: (c) => calls.push(c), flow: (f) => flows.push(f) });
  p.push(pcapFile(frames));
  p.end();
  return { calls, flows };
}

const tlsConversation = (port: number, clientPort = 50000) =>
  tcpConversation({
    client: { ip: '10.0.0.1', port: clientPort },
    server: { ip: '10.0.0.2', port },
    exchanges: [
      { dir: 'c2s', data: CLIENT_HELLO },
      { dir: 's2c', data: SERVER_HELLO },
      { dir: 'c2s', data: ENCRYPTED },
      { dir: 's2c', data: ENCRYPTED },
    ],
  });

describe('dispatch', () => {
  it('a ClientHello on a port nobody knows is recognised by the probe', () => {
    const { calls, flows } = run(tlsConversation(23999));
    assert.equal(flows[0].protocol, 'tls');
    assert.equal(flows[0].dispatch, 'probe');
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].status, { code: 'TLS 1.3', ok: true });
  });
  it('on 443 by port; on 6380 the Redis probe declines and TLS takes it by port', () => {
    assert.equal(run(tlsConversation(443)).flows[0].dispatch, 'port');
    const r = run(tlsConversation(6380));
    assert.equal(r.flows[0].protocol, 'tls');
    assert.equal(r.flows[0].dispatch, 'port');
  });
  it('a capture that starts mid-connection on 443 is still TLS (chained records)', () => {
    const frames = tcpConversation({
      client: { ip: '10.0.0.1', port: 50000 },
      server: { ip: '10.0.0.2', port: 443 },
      handshake: false,
      exchanges: [{ dir: 'c2s', data: ENCRYPTED }, { dir: 's2c', data: ENCRYPTED }],
    });
    const { calls, flows } = run(frames);
    assert.equal(flows[0].protocol, 'tls');
    assert.equal(calls[0].method, 'TLS session');
    assert.equal(calls[0].state, 'incomplete');
  });
  it('plain text on 443 is not claimed by TLS', () => {
    const frames = tcpConversation({
      server: { ip: '10.0.0.2', port: 443 },
      exchanges: [{ dir: 'c2s', data: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' }, { dir: 's2c', data: 'HTTP/1.1 204 No Content\r\n\r\n' }],
    });
    assert.equal(run(frames).flows[0].protocol, 'http');
  });
  it('a QUIC client Initial on UDP 443 is a quic flow', () => {
    const initial = new Uint8Array(1200).fill(0x5a);
    initial.set(hex('c3 00000001 08 8394c8f03e515708 08 0011223344556677 00 4496 00000000'));
    const frames: Frame[] = [
      { tsUs: 1_700_000_000_000_000, data: ethernet(udpPacket({ src: '10.0.0.1', dst: '10.0.0.2', sport: 51000, dport: 443, payload: initial })) },
      { tsUs: 1_700_000_000_001_000, data: ethernet(udpPacket({ src: '10.0.0.2', dst: '10.0.0.1', sport: 443, dport: 51000, payload: hex('41 0011223344556677 00 00 00 00') })) },
    ];
    const { calls, flows } = run(frames);
    assert.equal(flows[0].protocol, 'quic');
    assert.equal(calls[0].protocol, 'quic');
    assert.deepEqual(calls[0].status, { code: 'QUIC v1', ok: true });
  });
});

describe('CLI table: undecoded connections on TLS/QUIC ports', () => {
  const flow = (o: Partial<FlowSummary>): FlowSummary => ({
    id: 1, transport: 'tcp', client: { ip: '10.0.0.1', port: 40000 }, server: { ip: '10.0.0.2', port: 9120 }, protocol: 'tcp', dispatch: 'none',
    c2sBytes: 300, s2cBytes: 2048, packets: 7, firstFrame: 1, startUs: 1e15, endUs: 1e15, synSeen: true, synAckUs: 1e15 + 5, roleFrom: 'syn', gapBytes: { c2s: 0, s2c: 0 }, calls: 0, warnings: [], ...o,
  });
  it('are listed apart, without the --decode-as suggestion', () => {
    const t = formatTable([], [flow({ id: 1 }), flow({ id: 2, server: { ip: '10.0.0.3', port: 443 } }), flow({ id: 3, transport: 'udp', protocol: 'udp', server: { ip: '10.0.0.4', port: 443 } })]);
    assert.match(t, /1 connection not decoded \(use --decode-as tcp\.port==PORT,PROTOCOL\):\n {2}tcp {2}10\.0\.0\.1:40000 → 10\.0\.0\.2:9120/);
    assert.match(t, /2 connections on TLS\/QUIC ports not decoded \(likely encrypted: --decode-as cannot decrypt them; record in plain text with `callscope proxy` or capture the service without TLS\):\n {2}tcp {2}10\.0\.0\.1:40000 → 10\.0\.0\.3:443 .*\n {2}udp {2}10\.0\.0\.1:40000 → 10\.0\.0\.4:443/);
  });
});

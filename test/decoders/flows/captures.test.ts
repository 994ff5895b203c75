/**
 * TCP reassembly and connection bookkeeping through the whole pipeline, on small captures kept
 * as inline hex (made with scapy, test/heldout-net/craft.py; raw IPv4, LINKTYPE_RAW 101).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../../decoders/pipeline';
import type { Call, FlowSummary } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { pcapFile, tcpPacket } from '../../helpers/pcap-builder';

const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));

function run(file: Uint8Array) {
  const calls: Call[] = [];
  const flows: FlowSummary[] = [];
  const p = new Pipeline({ env: nodeEnv() }, { call: (c) => calls.push(c), flow: (f) => flows.push(f) });
  p.push(file);
  p.end();
  return { calls, flows };
}

describe('RFC 9293 §3.10.7.4: an ACK recorded before the data it acknowledges', () => {
  // 10.0.0.1:40000 → 10.0.0.2:8080, handshake not captured: GET /; the response's second segment
  // (t=1 ms, "tent-Length: 2\r\n\r\nok"), the client's ACK of the whole response (t=2 ms), then the
  // response's first segment (t=3 ms). A SPAN/TAP port or mergecap of two capture points records
  // this order; tshark reassembles the response.
  const ackFirst = hex(
    'd4c3b2a1020004000000000000000000ffff00006500000000000000a00f00003a0000003a0000004500003a00010000400666bb0a0000010a0000029c401f90000003e9000013895018ffffe9d40000474554202f20485454502f312e310d0a0d0a00000000881300003c0000003c0000004500003c00010000400666b90a0000020a0000011f909c400000139d000003fb5018ffffd958000074656e742d4c656e6774683a20320d0a0d0a6f6b000000007017000028000000280000004500002800010000400666cd0a0000010a0000029c401f90000003fb000013b15010ffffc855000000000000581b00003c0000003c0000004500003c00010000400666b90a0000020a0000011f909c4000001389000003fb5018ffff98ea0000485454502f312e3120323030204f4b0d0a436f6e',
  );
  it('the data still reaches the decoder: one complete call, no gap', () => {
    const { calls, flows } = run(ackFirst);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].state, 'complete');
    assert.equal(calls[0].fields['http.status'], 200);
    assert.deepEqual(flows[0].gapBytes, { c2s: 0, s2c: 0 });
  });
});

describe('RFC 9293 §3.8.1: a retransmitted SYN restarts the handshake RTT', () => {
  // SYN t=0 (lost beyond the capture point), the same SYN again at t=1.0 s (RTO), SYN-ACK t=1.1 s,
  // ACK t=1.3 s. Wireshark's tcp.analysis.initial_rtt is 0.3 s: from the SYN that was answered.
  const synRetx = hex(
    'd4c3b2a1020004000000000000000000ffff000065000000000000000000000028000000280000004500002800010000400666cd0a0000010a0000029c401f90000003e8000000005002ffffdc270000010000000000000028000000280000004500002800010000400666cd0a0000010a0000029c401f90000003e8000000005002ffffdc27000001000000a086010028000000280000004500002800010000400666cd0a0000020a0000011f909c4000001388000003e95012ffffc88e000001000000e093040028000000280000004500002800010000400666cd0a0000010a0000029c401f90000003e9000013895010ffffc88f0000',
  );
  it('handshakeRttUs counts from the last SYN, not the first', () => {
    const { flows } = run(synRetx);
    assert.equal(flows.length, 1);
    assert.equal(flows[0].synSeen, true);
    assert.equal(flows[0].handshakeRttUs, 300_000);
    assert.equal(flows[0].startUs, 0);
  });
});

/** A capture of 10.0.0.1:40000 → 10.0.0.2:8080 from segments as [side, seq, ack, flags, payload] (raw IPv4, 1 ms apart). */
function capture(segs: Array<['c' | 's', number, number, string, string?]>): Uint8Array {
  return pcapFile(
    segs.map(([side, seq, ack, flags, payload], i) => {
      const c = side === 'c';
      return { tsUs: 1000 * (i + 1), data: tcpPacket({ src: c ? '10.0.0.1' : '10.0.0.2', dst: c ? '10.0.0.2' : '10.0.0.1', sport: c ? 40000 : 8080, dport: c ? 8080 : 40000, seq, ack, flags, payload }) };
    }),
    { linkType: 101 },
  );
}
const GET_A = 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n'; // 28 bytes
const GET_B = 'GET /b HTTP/1.1\r\nHost: x\r\n\r\n';
const OK_A = 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na'; // 39 bytes
const NF_B = 'HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nb'; // 46 bytes

describe('RFC 9293 §3.5: the SYN-ACK and the first response lost, the client\'s SYN and ACK seen', () => {
  // The client's ACK completing the handshake acknowledges the server's ISN + 1 (5001): the
  // server's first data segment captured, at 5040, follows 39 lost bytes. Its next ACKs (5040)
  // acknowledge the lost response too, so they alone cannot tell.
  const file = capture([
    ['c', 1000, 0, 'S'],
    ['c', 1001, 5001, 'A'],
    ['c', 1001, 5001, 'PA', GET_A],
    ['s', 5001, 1029, 'A'],
    ['c', 1029, 5040, 'PA', GET_B],
    ['s', 5040, 1057, 'PA', NF_B],
    ['c', 1057, 5086, 'A'],
  ]);
  it('GET /a lost its answer; the 404 answers GET /b (was: paired with GET /a, every later pair one off)', () => {
    const { calls, flows } = run(file);
    const a = calls.find((c) => c.fields['http.request.uri'] === '/a');
    const b = calls.find((c) => c.fields['http.request.uri'] === '/b');
    assert.equal(a?.fields['http.status'], undefined);
    assert.ok(a?.warnings.some((w) => w.startsWith('the response was not captured')));
    assert.equal(b?.fields['http.status'], 404);
    assert.equal(b?.state, 'complete');
    assert.deepEqual(flows[0].gapBytes, { c2s: 0, s2c: 39 });
  });
  it('a server\'s empty segment before its data says the same (its sequence number is SND.NXT, §3.4)', () => {
    const { calls } = run(
      capture([
        ['c', 1000, 0, 'S'],
        ['c', 1001, 5001, 'PA', GET_A],
        ['s', 5001, 1029, 'A'],
        ['c', 1029, 5040, 'PA', GET_B],
        ['s', 5040, 1057, 'PA', NF_B],
      ]),
    );
    // (the client's first ACK here is its request's: it acknowledges 5001 too)
    assert.equal(calls.find((c) => c.fields['http.request.uri'] === '/b')?.fields['http.status'], 404);
    assert.equal(calls.find((c) => c.fields['http.request.uri'] === '/a')?.fields['http.status'], undefined);
  });
});

describe('RFC 9293 §3.4: a response\'s acknowledgement number shows client bytes the capture has not reported yet', () => {
  // ab -k (one request at a time): GET /a answered; GET /a twice more, both answers lost; GET /b
  // lost; its answer, the 404, carries ACK 1113: the server had every request (28 bytes each)
  // when it sent it. The c2s gap is reported only once the next request's segment shows it.
  const file = capture([
    ['c', 1000, 0, 'S'],
    ['s', 5000, 1001, 'SA'],
    ['c', 1001, 5001, 'A'],
    ['c', 1001, 5001, 'PA', GET_A],
    ['s', 5001, 1029, 'PA', OK_A],
    ['c', 1029, 5040, 'PA', GET_A],
    ['c', 1057, 5079, 'PA', GET_A],
    ['s', 5118, 1113, 'PA', NF_B],
    ['c', 1113, 5164, 'PA', GET_B],
    ['s', 5164, 1141, 'PA', OK_A],
  ]);
  it('both waiting requests lost their answers; the 404 answers the lost request, the 200 the next one (was: the 404 to the third GET /a, then one off)', () => {
    const { calls } = run(file);
    const gets = calls.filter((c) => c.method === 'GET').map((c) => `${c.fields['http.request.uri']} ${c.fields['http.status'] ?? '-'}`);
    assert.deepEqual(gets, ['/a 200', '/a -', '/a -', '/b 200']);
    const orphan = calls.find((c) => c.method !== 'GET');
    assert.equal(orphan?.fields['http.status'], 404);
    assert.ok(orphan?.warnings.some((w) => w.includes('not captured')));
  });
});

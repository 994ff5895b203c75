/**
 * Streams still open when the TCP connection goes away. Bytes are from a real capture: nginx 1.22
 * `grpc_pass` proxying a grpc-js server-streaming call; the client cancelled, and nginx reset its
 * upstream connection (TCP RST) while the upstream stream was still sending.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, frame, block, enc, c2s, s2c, preface, type Pkt } from './h2';

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));

// nginx → upstream: preface, SETTINGS, WINDOW_UPDATE, HEADERS of stream 1 (POST /callscope.person.v1.PersonService/ListPersons), DATA (END_STREAM).
const C1 = hex(
  '505249202a20485454502f322e300d0a0d0a534d0d0a0d0a00001204000000000000010000000000020000000000047fffffff0000040800000000007fff00000000a0010400000001838644a16083a28410f5957acb620f52fdc2beb2d883d5b8b677310ac673213acb620f523f418a089d5c0b8170dc7d908700027465864d833505b11f008e9acac8b0c842d6958b510f21aa9b903485a9264fafa90b2d03497ea6f66aff008b19085ad2b16a21e435537f863485a9264faf0087b505b161cc5a938e9acac8b54790ab7443015c2d2eef008921ea496a4ac9f5597f8b1d75d0620d263d4c4d6564',
);
const C2 = hex('00000b000100000001000000000608e80710e807');
// Upstream → nginx: SETTINGS, then SETTINGS ACK and the response HEADERS of stream 1 (no END_STREAM).
const S1 = hex('000000040000000000');
const S2 = hex(
  '00000004010000000000006201040000000120880f10901d75d0620d263d4c4d6564ff75d8749f008e9acac8b0c842d6958b510f21aa9b903485a9264fafa90b2d03497ea6f66aff008a9acac8b16a21e435537f863485a9264faf0f1296dc34fd2820a9a4fdd41004e2820dc10ae05a53168dff',
);
const PKTS: Pkt[] = [
  { dir: 'c2s', data: C1 },
  { dir: 'c2s', data: C2 },
  { dir: 's2c', data: S1 },
  { dir: 'c2s', data: hex('000000040100000000') },
  { dir: 's2c', data: S2 },
];

describe('RFC 9113 §5.1 a stream open when the connection closes', () => {
  it('a TCP RST leaves the stream aborted, not "open at the end of the capture"', () => {
    const s = feed(PKTS, { how: 'rst' });
    assert.equal(s.calls.length, 1);
    const c = s.calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.target, '/callscope.person.v1.PersonService/ListPersons');
    assert.equal(c.state, 'aborted');
    assert.deepEqual(c.warnings, ['stream 1 still open when the connection was reset (TCP RST)']);
    // It lasted until the connection went (2 s in feed()), not only until its last frame (an etcd watch)
    assert.equal(c.timing.endUs, 2_000_000);
  });

  it('FIN both ways: aborted as well', () => {
    const c = feed(PKTS, { how: 'fin' }).calls[0];
    assert.equal(c.state, 'aborted');
    assert.deepEqual(c.warnings, ['stream 1 still open when the connection was closed (TCP FIN both ways)']);
  });

  it('the end of the capture: incomplete, as before', () => {
    for (const how of ['capture-end', undefined] as const) {
      const c = feed(PKTS, { how }).calls[0];
      assert.equal(c.state, 'incomplete');
      assert.deepEqual(c.warnings, ['stream 1 still open at the end of the capture']);
      assert.equal(c.timing.endUs, 1_004_000, 'ends with its last frame: nothing says how long it went on');
    }
  });

  it('a response with all its content-length bytes is complete though the client closed before the END_STREAM (curl over h2 against Node http2)', () => {
    // As in samples/tls-keylog: POST with END_STREAM on its DATA; HEADERS 201 (content-length 14)
    // and DATA of 14 bytes without END_STREAM (Node sends it in a later empty DATA frame); curl has
    // its body and closes (FIN, then RST).
    const body = '{"id":3,"n":1}';
    const pk: Pkt[] = [
      c2s(preface(), frame(1, 0x4, 1, block([[':method', 'POST'], [':scheme', 'https'], [':path', '/persons'], ['content-type', 'application/json']])), frame(0, 1, 1, enc('{}'))),
      s2c(frame(1, 0x4, 1, block([[':status', '201'], ['content-type', 'application/json'], ['content-length', String(body.length)]])), frame(0, 0, 1, enc(body))),
    ];
    for (const how of ['rst', 'fin'] as const) {
      const c = feed(pk, { how }).calls[0];
      assert.equal(c.state, 'complete');
      assert.deepEqual(c.response?.body?.value, { id: 3, n: 1 });
      assert.match(c.warnings.join(' '), /response of stream 1 had all its content-length bytes; the connection was (reset \(TCP RST\)|closed \(TCP FIN both ways\)) before the server's END_STREAM/);
    }
    // One byte short: still aborted.
    const short = feed([pk[0], s2c(frame(1, 0x4, 1, block([[':status', '201'], ['content-length', '15']])), frame(0, 0, 1, enc(body)))], { how: 'rst' }).calls[0];
    assert.equal(short.state, 'aborted');
  });

  it('any split gives the same calls', () => {
    const whole = JSON.stringify(feed(PKTS, { how: 'rst' }).calls);
    for (const split of [1, 7, 64]) assert.equal(JSON.stringify(feed(PKTS, { how: 'rst', split }).calls), whole);
  });
});

/**
 * STOMP over a capture with gaps (snaplen, kernel drops). Fixtures: the frames of stomp.test.ts
 * (RabbitMQ's STOMP plugin and stomp.js), cut the way `tcpdump -s 80` cuts them on loopback.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/stomp/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { fromHex } from '../../../decoders/core/bytes';
import { feed, snaplen, data, hole, pkt, brief, assertGapSplitInvariant, type Step } from '../../helpers/gap-feed';

const create = (s: Parameters<typeof spec.create>[0]) => spec.create(s) as StreamDecoder;
const len = (hex: string) => fromHex(hex).length;
const head = (hex: string, n: number) => hex.slice(0, 2 * n);
const tail = (hex: string, n: number) => hex.slice(2 * n);

const CONNECT = '434f4e4e4543540a6163636570742d76657273696f6e3a312e320a686f73743a2f0a6c6f67696e3a67756573740a70617373636f64653a67756573740a68656172742d626561743a313030302c313030300a0a00';
const CONNECTED = '434f4e4e45435445440d0a76657273696f6e3a312e320d0a7365727665723a5261626269744d512f332e31302e380d0a68656172742d626561743a302c300d0a0d0a000a';
// SUBSCRIBE id sub-0 /queue/rides, ack client-individual, receipt r-1; its RECEIPT
const SUBSCRIBE = '5355425343524942450a69643a7375622d300a64657374696e6174696f6e3a2f71756575652f72696465730a61636b3a636c69656e742d696e646976696475616c0a726563656970743a722d310a0a00';
const RECEIPT1 = '524543454950540a726563656970742d69643a722d310a0a00';
// SEND /queue/rides "hello" (no content-length: the body ends at the NUL)
const SEND_NUL = '53454e440a64657374696e6174696f6e3a2f71756575652f72696465730a0a68656c6c6f00';
// MESSAGE /queue/rides sub-0 m-1, ack a-1, content-length 5 "hello"; its ACK
const MESSAGE = '4d4553534147450a64657374696e6174696f6e3a2f71756575652f72696465730a737562736372697074696f6e3a7375622d300a6d6573736167652d69643a6d2d310a61636b3a612d310a636f6e74656e742d6c656e6774683a350a0a68656c6c6f00';
const ACK = '41434b0a69643a612d310a0a00';

describe('STOMP 1.2 "Frames": a gap inside a frame', () => {
  it('content-length known: the cut body is counted, and the next frame is read where this one ends', () => {
    const n = len(MESSAGE);
    const steps: Step[] = [data('s2c', head(MESSAGE, n - 4)), hole('s2c', 4), data('s2c', MESSAGE)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['MESSAGE /queue/rides complete', 'MESSAGE /queue/rides complete']);
    const m = s.calls[0];
    assert.equal(m.request?.body?.size, 5);
    assert.equal(m.request?.body?.truncated, true);
    assert.equal(m.fields['msg.key'], undefined, 'a cut body joins no publish');
    assert.match(m.warnings[0], /MESSAGE frame cut by a capture gap in its body: \d+ of \d+ bytes captured, 4 missing/);
    assert.ok(s.calls[1].fields['msg.key']);
    assert.deepEqual(s.warnings, []);
    assertGapSplitInvariant(create, steps);
  });

  it('a frame cut in its header block keeps the command and the whole header lines; its receipt is still paired', () => {
    const n = len(SUBSCRIBE);
    const steps: Step[] = [data('c2s', head(SUBSCRIBE, n - 2)), hole('c2s', 2), data('s2c', RECEIPT1)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['SUBSCRIBE /queue/rides complete']);
    assert.equal(s.calls[0].status?.text, 'receipt r-1');
    assert.match(s.calls[0].warnings[0], /SUBSCRIBE frame cut by a capture gap in its header block/);
  });

  it('a CONNECTED cut before its version header does not claim STOMP 1.0', () => {
    const s = feed(create, [data('c2s', CONNECT), data('s2c', head(CONNECTED, 12)), hole('s2c', len(CONNECTED) - 12)]);
    assert.deepEqual(brief(s), ['CONNECT / complete']);
    assert.equal(s.calls[0].status?.text, 'STOMP');
    assert.equal(s.calls[0].fields['stomp.version'], undefined);
  });
});

describe('STOMP 1.2 "Frames" (NUL-terminated): a gap over a frame boundary', () => {
  it('a frame without content-length cut by a gap: decoding resumes at the next command line after the gap', () => {
    const steps: Step[] = [data('c2s', head(SEND_NUL, 20)), hole('c2s', len(SEND_NUL) - 20 + len(SUBSCRIBE)), data('c2s', SEND_NUL)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['SEND complete', 'SEND /queue/rides complete']);
    assert.match(s.calls[0].warnings[0], /SEND frame cut by a capture gap in its header block: 20 bytes captured/);
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0], /in a frame without content-length; resynchronising at the next client command line/);
    assertGapSplitInvariant(create, steps);
  });

  it('bytes after the gap that start inside a frame are skipped up to the NUL that ends it', () => {
    const steps: Step[] = [data('c2s', SEND_NUL), hole('c2s', 20), data('c2s', tail(SUBSCRIBE, 20) + SEND_NUL)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['SEND /queue/rides complete', 'SEND /queue/rides complete']);
    assertGapSplitInvariant(create, steps);
  });

  it('a line that only looks like a command (inside a body) is not taken for a frame', () => {
    const body = new TextEncoder().encode('SEND\nnot a frame').reduce((h, b) => h + b.toString(16).padStart(2, '0'), '');
    const steps: Step[] = [data('c2s', SEND_NUL), hole('c2s', 5), data('c2s', '0a' + body + '00' + SEND_NUL)];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['SEND /queue/rides complete', 'SEND /queue/rides complete']);
  });
});

describe('STOMP under tcpdump -s 80 (14 payload bytes per segment, then a gap)', () => {
  const packets = [pkt('c2s', CONNECT), pkt('s2c', CONNECTED), pkt('c2s', SUBSCRIBE), pkt('s2c', RECEIPT1), pkt('c2s', SEND_NUL), pkt('s2c', MESSAGE), pkt('c2s', ACK)];
  it('every frame is named by its command', () => {
    const steps = snaplen(packets, 14);
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['CONNECT complete', 'SUBSCRIBE complete', 'RECEIPT complete', 'SEND complete', 'MESSAGE complete', 'ACK complete']);
    assert.match(s.calls[2].warnings.join(), /RECEIPT whose receipt-id was not captured/);
    assertGapSplitInvariant(create, steps);
  });
});

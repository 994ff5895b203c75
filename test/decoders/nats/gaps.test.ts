/**
 * NATS client protocol over a capture with gaps (snaplen, kernel drops). Operations as nats.js and
 * nats-server send them (nats-basics sample), cut the way `tcpdump -s 80` cuts them on loopback:
 * 14 payload bytes kept per segment.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/nats/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import { feed, snaplen, text, hole, tpkt, brief, assertGapSplitInvariant, type Step } from '../../helpers/gap-feed';

const create = (s: Parameters<typeof spec.create>[0]) => spec.create(s) as StreamDecoder;
const len = (t: string) => Buffer.byteLength(t);

describe('NATS protocol "PUB"/"MSG" (control line, then a payload of the size it gives): a gap inside the payload', () => {
  it('the message is listed with its subject, size and captured head; the next operation is read where the payload ends', () => {
    const pub = 'PUB events.user.created 26\r\n{"id":7,"name":"Ada Love"}\r\n';
    const steps: Step[] = [text('c2s', pub.slice(0, 36)), hole('c2s', len(pub) - 36), text('c2s', 'PUB x 2\r\nok\r\n')];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['PUB events.user.created complete', 'PUB x complete']);
    const p = s.calls[0];
    assert.equal(p.fields['nats.size'], 26);
    assert.equal(p.request?.body?.size, 26);
    assert.equal(p.request?.body?.truncated, true);
    assert.equal(p.fields['msg.key'], undefined, 'a cut payload joins no delivery');
    assert.match(p.warnings[0], /PUB cut by a capture gap: 36 of 56 bytes captured, 20 missing/);
    assert.ok(s.calls[1].fields['msg.key']);
    assert.deepEqual(s.warnings, []);
    assertGapSplitInvariant(create, steps);
  });

  it('an HMSG cut after its header block keeps the status (503 no responders)', () => {
    const hmsg = 'HMSG _INBOX.a 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n';
    const s = feed(create, [text('s2c', hmsg.slice(0, 39)), hole('s2c', len(hmsg) - 39)]);
    assert.deepEqual(brief(s), ['HMSG _INBOX.a complete']);
    assert.equal(s.calls[0].status?.code, 503);
  });
});

describe('NATS protocol control lines: a gap inside a line or over an operation boundary', () => {
  it('an operation cut inside its control line is named by its verb (and subject when whole); decoding resumes at the next operation', () => {
    const steps: Step[] = [
      text('c2s', 'PUB svc.echo _INBOX.U6'),
      hole('c2s', 30),
      text('c2s', 'garbage\r\nSUB svc.echo 1\r\n'),
      text('s2c', 'MSG svc.ec'),
      hole('s2c', 60),
      text('s2c', 'PING\r\n'),
      text('c2s', 'PONG\r\n'),
    ];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['PUB svc.echo complete', 'SUB svc.echo complete', 'MSG complete', 'PING complete']);
    assert.match(s.calls[0].warnings[0], /PUB control line cut by a capture gap/);
    assert.equal(s.calls[2].target, undefined, 'the subject was not captured whole');
    assertGapSplitInvariant(create, steps);
  });

  it('a PONG the gap may have swallowed leaves its PING incomplete instead of answering the next one', () => {
    const s = feed(create, [text('c2s', 'PING\r\n'), hole('s2c', 12), text('c2s', 'PING\r\n'), text('s2c', 'PONG\r\n')]);
    assert.deepEqual(brief(s), ['PING incomplete', 'PING complete']);
  });
});

describe('NATS under tcpdump -s 80 (14 payload bytes per segment, then a gap)', () => {
  it('INFO, CONNECT, SUB, PUB and MSG are listed', () => {
    const packets = [
      tpkt('s2c', 'INFO {"server_id":"NBX","version":"2.10.22","headers":true,"max_payload":1048576}\r\n'),
      tpkt('c2s', 'CONNECT {"verbose":false,"pedantic":false,"lang":"nats.js","version":"2.28.2","headers":true}\r\nPING\r\n'),
      tpkt('s2c', 'PONG\r\n'),
      tpkt('c2s', 'SUB events.> 1\r\n'),
      tpkt('c2s', 'PUB events.user.created 26\r\n{"id":7,"name":"Ada Love"}\r\n'),
      tpkt('s2c', 'MSG events.user.created 1 26\r\n{"id":7,"name":"Ada Love"}\r\n'),
    ];
    const steps = snaplen(packets, 14);
    const s = feed(create, steps);
    // The PING sent with CONNECT fell in the gap: its PONG stands alone.
    assert.deepEqual(brief(s), ['INFO complete', 'CONNECT complete', 'PONG complete', 'SUB events.> complete', 'PUB complete', 'MSG complete']);
    assertGapSplitInvariant(create, steps);
  });
});

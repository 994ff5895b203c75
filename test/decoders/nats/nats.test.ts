import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec, parseHeaders } from '../../../decoders/nats/index';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { messageKey } from '../../../decoders/calls/key';
import { run } from '../calls/harness';
import { replay, c2s, s2c, seg, snapshot, prng, type Segment } from '../redis/feed';

const nats = (s: DecoderSession) => spec.create(s) as StreamDecoder;

describe('NATS protocol: INFO and CONNECT', () => {
  it('INFO and CONNECT are events with JSON; secrets are redacted', () => {
    const s = replay(nats, [s2c('INFO {"server_id":"S1","version":"2.10.1","max_payload":1048576}\r\n'), c2s('CONNECT {"verbose":false,"user":"app","pass":"s3cret","auth_token":"tok"}\r\n')]);
    assert.deepEqual(s.calls.map((c) => [c.kind, c.method]), [['event', 'INFO'], ['event', 'CONNECT']]);
    assert.deepEqual(s.calls[1].request?.value, { verbose: false, user: 'app', pass: '********', auth_token: '********' });
    assert.equal(s.calls[0].fields['nats.server_id'], 'S1');
  });
});

describe('NATS protocol: PUB / SUB / MSG', () => {
  it('PUB is a publish with msg.key; MSG is a delivery with its sid', () => {
    const s = replay(nats, [c2s('SUB foo.* 9\r\nPUB foo.bar 5\r\nhello\r\n'), s2c('MSG foo.bar 9 5\r\nhello\r\n')]);
    assert.deepEqual(s.calls.map((c) => [c.kind, c.method, c.target]), [['event', 'SUB', 'foo.*'], ['publish', 'PUB', 'foo.bar'], ['deliver', 'MSG', 'foo.bar']]);
    const key = messageKey('nats', 'foo.bar', Buffer.from('hello'));
    assert.equal(s.calls[1].fields['msg.key'], key);
    assert.equal(s.calls[2].fields['msg.key'], key);
    assert.equal(s.calls[2].fields['nats.sid'], '9');
  });
  it('request/reply: a reply subject sets msg.reply_to on the publish', () => {
    const s = replay(nats, [c2s('PUB svc.time _INBOX.x.1 0\r\n\r\n'), s2c('MSG _INBOX.x.1 2 2\r\nok\r\n')]);
    assert.equal(s.calls[0].fields['msg.reply_to'], '_INBOX.x.1');
    assert.equal(s.calls[1].fields['msg.destination'], '_INBOX.x.1');
  });
  it('operations are case-insensitive and fields may be tab-separated; queue groups and UNSUB', () => {
    const s = replay(nats, [c2s('sub\tjobs\tworkers\t3\r\nunsub 3 10\r\n')]);
    assert.equal(s.calls[0].fields['nats.queue_group'], 'workers');
    assert.equal(s.calls[1].target, 'jobs');
    assert.equal(s.calls[1].fields['nats.max_msgs'], 10);
  });
  it('PING/PONG pair; -ERR is an error event', () => {
    const s = replay(nats, [c2s('PING\r\n'), s2c("PONG\r\n-ERR 'Authorization Violation'\r\n")]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.state, c.status?.ok]), [['PING', 'complete', undefined], ['-ERR', 'complete', false]]);
    assert.equal(s.calls[1].status?.text, 'Authorization Violation');
  });
  it('verbose mode pairs operations with +OK', () => {
    const s = replay(nats, [c2s('CONNECT {"verbose":true}\r\nPUB a 1\r\nx\r\n'), s2c('+OK\r\n+OK\r\n')]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.status?.code]), [['CONNECT', '+OK'], ['PUB', '+OK']]);
  });
});

describe('NATS protocol: HPUB / HMSG headers', () => {
  it('headers are parsed; NATS/1.0 503 on an inbox is a no-responders error', () => {
    const hdr = 'NATS/1.0\r\nTrace-Id: abc\r\nContent-Type: text/plain\r\n\r\n';
    const s = replay(nats, [c2s(`HPUB svc _INBOX.y.1 ${hdr.length} ${hdr.length + 2}\r\n${hdr}hi\r\n`), s2c('HMSG _INBOX.y.1 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n')]);
    assert.deepEqual(s.calls[0].request?.headers, [['Trace-Id', 'abc'], ['Content-Type', 'text/plain']]);
    assert.equal(s.calls[0].request?.body?.text, 'hi');
    assert.deepEqual(s.calls[1].status, { code: 503, text: 'No Responders', ok: false });
    assert.equal(s.calls[1].fields['nats.no_responders'], true);
  });
  it('an empty header block (nats.js: `HPUB $KV.b.k _INBOX.x 0 4`, a KV put) is no headers, no warning', () => {
    const s = replay(nats, [c2s('HPUB $KV.ho-kv.color _INBOX.0YYY.L3I 0 4\r\nblue\r\n')]);
    assert.equal(s.calls[0].request?.body?.text, 'blue');
    assert.deepEqual(s.calls[0].warnings, []);
  });
  it('status line with a description', () => {
    assert.deepEqual(parseHeaders(Buffer.from('NATS/1.0 408 Request Timeout\r\n\r\n'), 10), { headers: [], status: 408, description: 'Request Timeout' });
  });
});

describe('limits and robustness', () => {
  it('a payload size lie stops that direction with a warning; the other continues', () => {
    const s = replay(nats, [c2s('PUB a 3\r\nhello\r\n'), s2c('MSG b 1 2\r\nok\r\n')]);
    assert.ok(s.warnings.some((w) => /size 3 is wrong/.test(w)));
    assert.deepEqual(s.calls.map((c) => c.method), ['MSG']);
  });
  it('a huge size is refused without buffering', () => {
    const s = replay(nats, [c2s('PUB a 999999999999\r\nxx')]);
    assert.ok(s.warnings.some((w) => /exceeds/.test(w)));
  });
  it('resynchronizes after a gap', () => {
    const s = testGap();
    // PUB b is cut in its payload (listed, with its size), the garbage line after the gap is skipped.
    assert.deepEqual(s.calls.map((c) => `${c.method} ${c.target}`), ['PUB a', 'PUB b', 'PUB c']);
    assert.match(s.calls[1].warnings.join(), /PUB cut by a capture gap: 12 of 22 bytes captured, 10 missing/);
  });
  const sample: Segment[] = [
    s2c('INFO {"server_id":"S","headers":true}\r\n'),
    c2s('CONNECT {"verbose":false}\r\nPING\r\nSUB x 1\r\n'),
    s2c('PONG\r\n'),
    c2s('HPUB x r 12 14\r\nNATS/1.0\r\n\r\nhi\r\nPUB x 2\r\n{}\r\n'),
    s2c('HMSG x 1 r 12 14\r\nNATS/1.0\r\n\r\nhi\r\nMSG x 1 2\r\n{}\r\n'),
  ];
  it('split invariance: every byte boundary and random cuts give the same calls', () => {
    const whole = snapshot(replay(nats, sample));
    assert.deepEqual(snapshot(replay(nats, sample, 'bytes')), whole);
    for (let seed = 1; seed < 20; seed++) assert.deepEqual(snapshot(replay(nats, sample, seed)), whole);
  });
  it('fuzz: mutated input never throws', () => {
    const rnd = prng(11);
    for (let i = 0; i < 300; i++) {
      const segs = sample.map((g) => {
        const b = g.bytes.slice();
        for (let k = 0; k < 3; k++) if (rnd() < 0.5) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        return seg(g.dir, b);
      });
      replay(nats, segs, i);
    }
  });
});

import { testSession } from '../../helpers/session';
function testGap() {
  const s = testSession();
  const d = nats(s);
  const e = new TextEncoder();
  d.data('c2s', e.encode('PUB a 2\r\nok\r\nPUB b 10\r\n01'), { frame: 1, tsUs: 1, streamOffset: 0 });
  d.gap('c2s', 100, { frame: 2, tsUs: 2, streamOffset: 25 });
  d.data('c2s', e.encode('garbage tail\r\nPUB c 1\r\nz\r\n'), { frame: 3, tsUs: 3, streamOffset: 125 });
  d.close({ frame: 3, tsUs: 3, streamOffset: 0 });
  return s;
}

describe('connection end: a PING left without a PONG', () => {
  it('is aborted when the connection ended, incomplete at the end of the capture', () => {
    const script: Array<['c2s' | 's2c', string]> = [['c2s', Buffer.from('PING\r\n').toString('hex')]];
    assert.equal(run(spec, script, undefined, 4222, 'fin').calls[0].state, 'aborted');
    assert.equal(run(spec, script, undefined, 4222).calls[0].state, 'incomplete');
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec, parseMetadata } from '../../../decoders/zmtp/index';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { toHex } from '../../../decoders/core/bytes';
import { messageKey } from '../../../decoders/calls/key';
import { replay, seg, snapshot, prng, type Segment } from '../redis/feed';
import { run } from '../calls/harness';

const zmtp = (s: DecoderSession) => spec.create(s) as StreamDecoder;
const hex = (s: string) => toHex(new TextEncoder().encode(s));

/** ZMTP 3.x greeting (spec 23 §"The greeting"): signature, version, mechanism (20 bytes), as-server, filler. */
function greeting(mech = 'NULL', minor = 1, asServer = false): string {
  return 'ff 0000000000000001 7f' + ' 03' + minor.toString(16).padStart(2, '0') + hex(mech).padEnd(40, '0') + (asServer ? '01' : '00') + '00'.repeat(31);
}
/** A frame: flags, short or long size, body (hex). */
function frame(flags: number, bodyHex: string): string {
  const n = bodyHex.replace(/\s/g, '').length / 2;
  if (n > 255) return (flags | 2).toString(16).padStart(2, '0') + n.toString(16).padStart(16, '0') + bodyHex;
  return flags.toString(16).padStart(2, '0') + n.toString(16).padStart(2, '0') + bodyHex;
}
const prop = (k: string, v: string) => k.length.toString(16).padStart(2, '0') + hex(k) + v.length.toString(16).padStart(8, '0') + hex(v);
const command = (name: string, dataHex = '') => frame(4, name.length.toString(16).padStart(2, '0') + hex(name) + dataHex);
const ready = (type: string, extra = '') => command('READY', prop('Socket-Type', type) + extra);
const msg = (...parts: string[]) => parts.map((p, i) => frame(i < parts.length - 1 ? 1 : 0, hex(p))).join('');

describe('ZMTP 3.0 greeting and NULL handshake (rfc 23)', () => {
  it('greetings and READY metadata form one handshake event', () => {
    const s = replay(zmtp, [seg('c2s', greeting() + ready('REQ', prop('Identity', 'client-1'))), seg('s2c', greeting('NULL', 1, true) + ready('REP'))]);
    const h = s.calls[0];
    assert.equal(h.method, 'handshake');
    assert.equal(h.state, 'complete');
    assert.equal(h.target, 'REQ → REP');
    assert.equal(h.fields['zmtp.version'], '3.1');
    assert.equal(h.fields['zmtp.mechanism'], 'NULL');
    assert.equal(h.fields['zmtp.identity'], 'client-1');
    // the bytes of each side's handshake: a 64-byte greeting, then READY (2-byte frame header, name, metadata)
    assert.equal(h.request?.wireBytes, 64 + 2 + 6 + (1 + 11 + 4 + 3) + (1 + 8 + 4 + 8));
    assert.equal(h.response?.wireBytes, 64 + 2 + 6 + (1 + 11 + 4 + 3));
  });
  it('metadata parsing is bounded', () => {
    assert.deepEqual(parseMetadata(Buffer.from('0b536f636b65742d5479706500000003524551', 'hex'), 10), { props: { 'Socket-Type': 'REQ' } });
    assert.match(parseMetadata(Buffer.from('0b536f636b65742d54797065ffffffff5245', 'hex'), 10).warning!, /runs past/);
  });
  it('a peer of another revision than ZMTP 2.0 (1) or 3.x is reported, not decoded (2.0 itself: zmtp2.test.ts)', () => {
    const s = replay(zmtp, [seg('c2s', 'ff 0000000000000001 7f 02 05 00 00')]);
    assert.ok(s.warnings.some((w) => /ZMTP revision 2 peer/.test(w)));
  });
});

describe('REQ/REP (rfc 28): request and reply paired, delimiter removed', () => {
  it('one unary call per request', () => {
    const s = replay(zmtp, [
      seg('c2s', greeting() + ready('REQ')),
      seg('s2c', greeting() + ready('REP')),
      seg('c2s', msg('', 'Hello')),
      seg('s2c', msg('', 'World')),
    ]);
    const c = s.calls[1];
    assert.equal(c.kind, 'unary');
    assert.equal(c.state, 'complete');
    assert.deepEqual(c.request?.value, { parts: [{ size: 5, value: 'Hello' }] });
    assert.deepEqual(c.response?.value, { parts: [{ size: 5, value: 'World' }] });
  });
});

describe('PUB/SUB: subscriptions (3.0 messages, 3.1 commands) and deliveries', () => {
  it('3.0 subscription message, multipart delivery with a long frame', () => {
    const big = 'x'.repeat(300);
    const s = replay(zmtp, [
      seg('c2s', greeting('NULL', 0) + ready('SUB')),
      seg('s2c', greeting('NULL', 0) + ready('PUB')),
      seg('c2s', frame(0, '01' + hex('news'))),
      seg('s2c', msg('news', big)),
    ]);
    assert.deepEqual(s.calls.slice(1).map((c) => [c.kind, c.method, c.target]), [['event', 'SUBSCRIBE', 'news'], ['deliver', 'PUB', 'news']]);
    const d = s.calls[2];
    assert.equal(d.fields['zmtp.parts'], 2);
    assert.equal(d.fields['msg.key'], messageKey('zmtp', 'news', new TextEncoder().encode('news' + big)));
  });
  it('3.1 SUBSCRIBE and CANCEL commands', () => {
    const s = replay(zmtp, [seg('c2s', greeting() + ready('SUB') + command('SUBSCRIBE', hex('a.b')) + command('CANCEL', hex('a.b'))), seg('s2c', greeting() + ready('XPUB'))]);
    assert.deepEqual(s.calls.filter((c) => c.method !== 'handshake').map((c) => [c.method, c.target]), [['SUBSCRIBE', 'a.b'], ['CANCEL', 'a.b']]);
  });
  it('PUB into an XSUB proxy is a publish', () => {
    const s = replay(zmtp, [seg('c2s', greeting() + ready('PUB')), seg('s2c', greeting() + ready('XSUB')), seg('c2s', msg('t', 'v'))]);
    assert.equal(s.calls[1].kind, 'publish');
  });
});

describe('ZMTP 3.1 PING/PONG (rfc 37)', () => {
  it('pairs PING with PONG', () => {
    const s = replay(zmtp, [seg('c2s', greeting() + ready('DEALER')), seg('s2c', greeting() + ready('ROUTER')), seg('c2s', command('PING', '0032' + hex('ctx'))), seg('s2c', command('PONG', hex('ctx')))]);
    const p = s.calls[1];
    assert.equal(p.method, 'PING');
    assert.equal(p.state, 'complete');
    assert.equal(p.fields['zmtp.ping_ttl_ms'], 5000);
  });
});

describe('PLAIN (rfc 24) and CURVE (rfc 26)', () => {
  it('PLAIN HELLO shows the user name and redacts the password', () => {
    const hello = command('HELLO', '05' + hex('admin') + '06' + hex('s3cret'));
    const s = replay(zmtp, [
      seg('c2s', greeting('PLAIN') + hello),
      seg('s2c', greeting('PLAIN', 1, true) + command('WELCOME')),
      seg('c2s', command('INITIATE', prop('Socket-Type', 'REQ'))),
      seg('s2c', ready('REP')),
    ]);
    const h = s.calls[0];
    assert.equal(h.fields['zmtp.username'], 'admin');
    assert.ok(!JSON.stringify(s.calls).includes('s3cret'));
    assert.equal(h.state, 'complete');
  });
  it('PLAIN ERROR ends the handshake with an error status', () => {
    const s = replay(zmtp, [seg('c2s', greeting('PLAIN') + command('HELLO', '01' + hex('a') + '01' + hex('b'))), seg('s2c', greeting('PLAIN', 1, true) + command('ERROR', '0e' + hex('Invalid creds.')))]);
    assert.deepEqual(s.calls[0].status, { code: 'ERROR', text: 'Invalid creds.', ok: false });
  });
  it('PLAIN HELLO the server hangs up on (zeromq.js with no ZAP handler): the handshake is unfinished, not READY', () => {
    const script: Array<['c2s' | 's2c', string]> = [
      ['s2c', greeting('PLAIN', 1, true).replace(/\s/g, '')],
      ['c2s', (greeting('PLAIN') + command('HELLO', '05' + hex('admin') + '06' + hex('secret'))).replace(/\s/g, '')],
    ];
    const fin = run(spec, script, undefined, 5555, 'fin').calls[0];
    assert.equal(fin.state, 'aborted');
    assert.deepEqual(fin.status, { code: 'unfinished', text: 'handshake not finished (client: HELLO, server: no command)', ok: false });
    assert.match(fin.warnings.join(), /the connection was closed \(TCP FIN both ways\) first/);
    assert.equal(run(spec, script, undefined, 5555).calls[0].state, 'incomplete');
  });
  it('CURVE: boxes are encrypted; nothing after the handshake is decoded', () => {
    const s = replay(zmtp, [
      seg('c2s', greeting('CURVE') + command('HELLO', '0100' + '00'.repeat(190))),
      seg('s2c', greeting('CURVE', 1, true) + command('WELCOME', 'ab'.repeat(160))),
      seg('c2s', command('INITIATE', 'cd'.repeat(200)) + frame(4, '07' + hex('MESSAGE') + 'ee'.repeat(40))),
      seg('s2c', command('READY', 'ef'.repeat(40)) + frame(4, '07' + hex('MESSAGE') + 'ee'.repeat(40))),
    ]);
    assert.equal(s.calls.length, 1);
    assert.equal(s.calls[0].fields['zmtp.encrypted'], true);
    assert.ok(s.warnings.some((w) => /CURVE/.test(w)));
  });
});

describe('limits and robustness', () => {
  it('a 64-bit frame size lie is a warning; the other direction continues', () => {
    const s = replay(zmtp, [seg('c2s', greeting() + ready('PUSH') + '02 7fffffffffffffff 00'), seg('s2c', greeting() + ready('PULL')), seg('s2c', msg('x'))]);
    assert.ok(s.warnings.some((w) => /beyond reason|exceeds/.test(w)));
    assert.ok(s.calls.some((c) => c.method === 'PULL'));
  });
  const sample: Segment[] = [
    seg('c2s', greeting() + ready('REQ')),
    seg('s2c', greeting() + ready('REP')),
    seg('c2s', msg('', 'a', 'b'.repeat(260))),
    seg('s2c', msg('', '{"ok":true}') + command('PING', '0001')),
    seg('c2s', command('PONG')),
  ];
  it('split invariance: every byte boundary and random cuts give the same calls', () => {
    const whole = snapshot(replay(zmtp, sample));
    assert.deepEqual(snapshot(replay(zmtp, sample, 'bytes')), whole);
    for (let seed = 1; seed < 20; seed++) assert.deepEqual(snapshot(replay(zmtp, sample, seed)), whole);
  });
  it('fuzz: mutated input never throws', () => {
    const rnd = prng(5);
    for (let i = 0; i < 300; i++) {
      const segs = sample.map((g) => {
        const b = g.bytes.slice();
        for (let k = 0; k < 3; k++) if (rnd() < 0.5) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        return seg(g.dir, b);
      });
      replay(zmtp, segs, i);
    }
  });
  it('probe: greeting signature and major version 3', () => {
    assert.equal(spec.probe!(Buffer.from('ff00000000000000017f03', 'hex'), 'c2s'), 'accept');
    assert.equal(spec.probe!(Buffer.from('ff0000', 'hex'), 'c2s'), 'need-more');
    assert.equal(spec.probe!(Buffer.from('GET / HTTP/1.1'), 'c2s'), 'reject');
  });
});

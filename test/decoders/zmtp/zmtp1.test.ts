/**
 * ZMTP/1.0 (rfc.zeromq.org/spec/13, ZeroMQ 2.x): no greeting and no socket type. Each peer's first
 * frame is its identity (0–255 bytes, a final frame; empty when anonymous). A frame is a length
 * counting the flags byte and the body (one byte, or 0xFF then a 64-bit big-endian length), a
 * flags byte (bit 0 MORE, the others reserved), then the body. A REQ puts an empty delimiter part
 * before its body, and the REP answers the same way. spec/15 "Backwards interoperability": a
 * libzmq 3/4 peer sends 0xFF, an 8-byte length (its identity's size + 1), 0x7F, then waits for the
 * peer's first byte; when that is not 0xFF it goes on in ZMTP/1.0, the signature having been its
 * identity frame's long header. Fixtures written from those rules.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/zmtp/index';
import { fromHex } from '../../../decoders/core/bytes';
import type { Dir } from '../../../decoders/core/model';
import { assertSplitInvariant, fuzz, run } from '../calls/harness';
import { decodeConversation } from '../../helpers/conversation';

const hex = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
/** A short ZMTP/1.0 frame: length (flags + body), flags, body. */
const f1 = (flags: number, body: string): string => (body.length + 1).toString(16).padStart(2, '0') + flags.toString(16).padStart(2, '0') + hex(body);
/** A long ZMTP/1.0 frame: 0xFF, 64-bit length, flags, body. */
const f1long = (flags: number, body: string): string => `ff${(body.length + 1).toString(16).padStart(16, '0')}${flags.toString(16).padStart(2, '0')}${hex(body)}`;

const LONG = 'The quick brown fox jumps over the lazy dog. '.repeat(7);
const REQ_REP: Array<[Dir, string]> = [
  ['c2s', '0100'],
  ['s2c', '0100'],
  ['c2s', `0101${f1(0, 'hello')}`],
  ['s2c', `0101${f1(0, 'world')}`],
  ['c2s', `0101${f1long(0, LONG)}`],
  ['s2c', `0101${f1(1, 'part 1')}${f1(0, 'part 2')}`],
];

describe('ZMTP/1.0 (spec 13)', () => {
  it('is probed on an identity frame then a whole message of well-formed frames', () => {
    assert.equal(spec.probe!(fromHex('0100'), 'c2s'), 'need-more');
    assert.equal(spec.probe!(fromHex(`0100${f1(0, 'x')}`), 'c2s'), 'accept');
    assert.equal(spec.probe!(fromHex(`${f1(0, 'client-7')}0101${f1(0, 'x')}`), 'c2s'), 'accept');
    // the frame after the identity not finished yet: wait
    assert.equal(spec.probe!(fromHex('01000101060068656c'), 'c2s'), 'need-more');
    // an identity with MORE, a zero length, reserved flag bits: not ZMTP/1.0
    assert.equal(spec.probe!(fromHex(`0101${f1(0, 'x')}`), 'c2s'), 'reject');
    assert.equal(spec.probe!(fromHex('0000'), 'c2s'), 'reject');
    assert.equal(spec.probe!(fromHex('01000180'), 'c2s'), 'reject');
    // text protocols never pass: the "identity" flags byte is a letter
    assert.equal(spec.probe!(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'), 'c2s'), 'reject');
  });

  it('the guess needs both sides to open with an identity frame, at the connection start', () => {
    const c = fromHex(`0100${f1(0, 'x')}`);
    assert.equal(spec.refute!({ c2s: c, s2c: new Uint8Array(0) }, false), true);
    assert.equal(spec.refute!({ c2s: c, s2c: fromHex('0100') }, false), false);
    assert.equal(spec.refute!({ c2s: c, s2c: fromHex('0100') }, true), true);
    assert.equal(spec.refute!({ c2s: c, s2c: fromHex('ff00000000000000017f') }, false), false);
    assert.equal(spec.refute!({ c2s: c, s2c: fromHex('4a0000000a352e372e') }, false), true);
    // ZMTP 2.0/3.x greetings are not second-guessed
    assert.equal(spec.refute!({ c2s: fromHex('ff00000000000000017f03'), s2c: new Uint8Array(0) }, false), false);
  });

  it('REQ/REP: identities are the handshake; requests pair with replies, the delimiter left out', () => {
    const { calls } = run(spec, REQ_REP);
    const hs = calls.find((c) => c.method === 'handshake')!;
    assert.equal(hs.fields['zmtp.version'], '1.0');
    assert.equal(hs.state, 'complete');
    assert.deepEqual(hs.warnings, []);
    const reqs = calls.filter((c) => c.method === 'REQ');
    assert.equal(reqs.length, 2);
    assert.equal(reqs[0].kind, 'unary');
    assert.equal(reqs[0].state, 'complete');
    assert.deepEqual(reqs[0].request!.value, { parts: [{ size: 5, value: 'hello' }] });
    assert.deepEqual(reqs[0].response!.value, { parts: [{ size: 5, value: 'world' }] });
    assert.equal(reqs[0].fields['zmtp.socket_type_inferred'], true);
    assert.equal(reqs[0].fields['zmtp.peer_socket_type'], 'REP');
    assert.deepEqual(reqs[0].warnings, []);
    // the 8-byte length form
    assert.deepEqual(reqs[1].request!.value, { parts: [{ size: LONG.length, value: LONG }] });
    assert.deepEqual(reqs[1].response!.value, { parts: [{ size: 6, value: 'part 1' }, { size: 6, value: 'part 2' }] });
  });

  it('gives the same calls however the bytes are split', () => {
    assertSplitInvariant(spec, REQ_REP);
    assertSplitInvariant(spec, MIXED);
  });

  it('messages with no envelope are oneway, named by nothing; an identity is shown', () => {
    const { calls } = run(spec, [
      ['c2s', f1(0, 'sub-1')],
      ['s2c', '0100'],
      ['s2c', f1(1, 'weather') + f1(0, '{"t":21}')],
    ]);
    const hs = calls.find((c) => c.method === 'handshake')!;
    assert.equal(hs.fields['zmtp.identity'], 'sub-1');
    const m = calls.find((c) => c.method === 'message')!;
    assert.equal(m.kind, 'oneway');
    assert.equal(m.fields['zmtp.dir'], 's2c');
    assert.deepEqual(m.response!.value, { parts: [{ size: 7, value: 'weather' }, { size: 8, value: { t: 21 } }] });
  });

  it('mutated frames never throw or hang', () => {
    fuzz(spec, [REQ_REP, MIXED], 400, 13);
  });

  it('reserved flag bits and a zero length stop the direction with a warning', () => {
    const { session } = run(spec, [
      ['c2s', '0100'],
      ['s2c', '0100'],
      ['c2s', '0280ff'],
    ]);
    assert.match(session.warnings.join('\n'), /c2s: frame flags 0x80 have reserved bits set/);
  });
});

/** A libzmq 3/4 client (its signature) facing a ZMTP/1.0 server: the client falls back. */
const MIXED: Array<[Dir, string]> = [
  ['c2s', 'ff00000000000000017f'],
  ['s2c', '0100'],
  ['c2s', `0101${f1(0, 'ping')}`],
  ['s2c', `0101${f1(0, 'pong')}`],
];

describe('ZMTP/1.0 fallback of a ZMTP 2.0/3.x peer (spec 15)', () => {
  it('reads the signature as the identity frame header when the peer speaks 1.0', () => {
    const { calls } = run(spec, MIXED);
    const hs = calls.find((c) => c.method === 'handshake')!;
    assert.equal(hs.fields['zmtp.version'], '1.0');
    assert.deepEqual(hs.warnings, []);
    const req = calls.find((c) => c.method === 'REQ')!;
    assert.deepEqual(req.request!.value, { parts: [{ size: 4, value: 'ping' }] });
    assert.deepEqual(req.response!.value, { parts: [{ size: 4, value: 'pong' }] });
  });

  it('is found by the pipeline, with no port to go by', () => {
    const ex = (d: 'c2s' | 's2c', h: string) => ({ dir: d, data: fromHex(h) });
    const { calls } = decodeConversation(33000, REQ_REP.map(([d, h]) => ex(d, h)), true);
    assert.deepEqual(calls.map((c) => [c.protocol, c.method]), [['zmtp', 'handshake'], ['zmtp', 'REQ'], ['zmtp', 'REQ']]);
    // joined late: no identity to go by, nothing guessed
    const late = decodeConversation(33000, REQ_REP.slice(2).map(([d, h]) => ex(d, h)), false);
    assert.equal(late.calls.filter((c) => c.protocol === 'zmtp').length, 0);
  });
});

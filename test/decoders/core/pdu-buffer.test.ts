/**
 * PduBuffer's capture-gap accounting, shared by the NATS, ZMTP and WebSocket decoders: a gap that
 * cuts a PDU leaves its uncaptured rest to be dropped as it arrives, and what the gap held past the
 * PDU's end is what the caller lost its framing for.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PduBuffer } from '../../../decoders/core/pdu-buffer';
import { DirStream } from '../../../decoders/calls/stream';

const at = (streamOffset: number) => ({ frame: 1, tsUs: 1, streamOffset });
const bytes = (s: string) => new TextEncoder().encode(s);

describe('PduBuffer.gapOver', () => {
  it('a gap that ends inside the cut PDU: the rest is dropped from the next pushes, offsets kept', () => {
    const b = new PduBuffer();
    // a 20-byte PDU: 4 captured, a gap of 6, 10 still due
    assert.equal(b.gapOver(16, 6), 0);
    assert.equal(b.discarding, 10);
    b.push(bytes('0123456'), at(10)); // all 7 dropped
    assert.equal(b.length, 0);
    assert.equal(b.discarding, 3);
    b.push(bytes('789NEXT'), at(17)); // 3 dropped, the next PDU starts at offset 20
    assert.equal(new TextDecoder().decode(b.bytes()), 'NEXT');
    assert.equal(b.pos(0).streamOffset, 20);
    assert.equal(b.discarding, 0);
  });
  it('a gap that runs past the cut PDU: returns the bytes past its end, nothing left to drop', () => {
    const b = new PduBuffer();
    assert.equal(b.gapOver(16, 40), 24);
    assert.equal(b.discarding, 0);
    // a later gap while discarding counts against what is still due
    b.gapOver(10, 4);
    assert.equal(b.gapOver(b.discarding, 9), 3);
  });
  it('gapWhileDiscarding: a gap counted against what is still to drop (PduBuffer and DirStream alike)', () => {
    const b = new PduBuffer();
    const d = new DirStream();
    for (const x of [b, d]) x.gapOver(10, 4);
    assert.equal(b.gapWhileDiscarding(2), 0);
    assert.equal(d.gapWhileDiscarding(2), 0);
    assert.equal(b.discarding, 4);
    assert.equal(d.discard, 4);
    assert.equal(b.gapWhileDiscarding(9), 5);
    assert.equal(d.gapWhileDiscarding(9), 5);
    assert.equal(b.discarding, 0);
    assert.equal(d.discard, 0);
  });
  it('clear() forgets what was still to be dropped', () => {
    const b = new PduBuffer();
    b.gapOver(10, 2);
    b.clear();
    assert.equal(b.discarding, 0);
    b.push(bytes('abc'), at(0));
    assert.equal(b.length, 3);
  });
});

/** The playback clock: order, timing, speed, idle-gap skipping, pause/step. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PlaybackClock, MAX_SPEED, MIN_SPEED } from '../../../decoders/playback/clock';

const S = 1_000_000; // µs per second
const T0 = 1_700_000_000 * S;

describe('playback clock', () => {
  it('shows items at their capture offsets at 1×; nothing before play', () => {
    const c = new PlaybackClock([T0, T0 + 0.5 * S, T0 + 2 * S]);
    assert.equal(c.visibleAt(0), 0);
    c.play(1000);
    assert.equal(c.visibleAt(1000), 1);
    assert.equal(c.visibleAt(1499), 1);
    assert.equal(c.visibleAt(1500), 2);
    assert.equal(c.nextDueAt(1500), 3000);
    assert.equal(c.visibleAt(2999), 2);
    assert.equal(c.visibleAt(3000), 3);
    assert.equal(c.nextDueAt(3000), undefined);
    assert.equal(c.state(5000).done, true);
  });

  it('sorts unordered input; items at the same time appear together', () => {
    const c = new PlaybackClock([T0 + S, T0, T0 + S]);
    c.play(0);
    assert.equal(c.visibleAt(0), 1);
    assert.equal(c.visibleAt(1000), 3);
  });

  it('speed scales the wall time; clamped to 0.25×–50×; changing speed keeps the position', () => {
    const c = new PlaybackClock([T0, T0 + 10 * S], { speed: 10 });
    c.play(0);
    assert.equal(c.visibleAt(999), 1);
    assert.equal(c.visibleAt(1000), 2);
    assert.equal(new PlaybackClock([], { speed: 1000 }).speed, MAX_SPEED);
    assert.equal(new PlaybackClock([], { speed: 0.01 }).speed, MIN_SPEED);
    const d = new PlaybackClock([T0, T0 + 4 * S]);
    d.play(0);
    d.setSpeed(0.25, 2000); // 2 s of capture time done; 2 s left at 0.25× = 8 s of wall time
    assert.equal(d.visibleAt(9999), 1);
    assert.equal(d.visibleAt(10000), 2);
  });

  it('skips idle gaps longer than the threshold', () => {
    const c = new PlaybackClock([T0, T0 + 1 * S, T0 + 601 * S, T0 + 602 * S], { idleGapUs: 2 * S });
    assert.deepEqual(c.playOffsets, [0, 1 * S, 3 * S, 4 * S]);
    c.play(0);
    assert.equal(c.visibleAt(2999), 2);
    assert.equal(c.visibleAt(3000), 3);
    // The capture clock still reads the real time.
    assert.equal(c.state(3000).captureUs, T0 + 601 * S);
    c.setIdleGap(undefined, 3000);
    assert.equal(c.visibleAt(3000), 3, 'same items after turning skipping off');
    assert.equal(c.durationUs, 602 * S);
  });

  it('pause holds, step shows one more each time, stepBack goes back', () => {
    const c = new PlaybackClock([T0, T0 + S, T0 + 2 * S, T0 + 3 * S]);
    c.play(0);
    c.pause(1500);
    assert.equal(c.visibleAt(100000), 2);
    assert.equal(c.nextDueAt(100000), undefined);
    assert.equal(c.step(100000), 3);
    assert.equal(c.step(100001), 4);
    assert.equal(c.step(100002), 4);
    assert.equal(c.stepBack(100003), 3);
    c.play(200000);
    assert.equal(c.visibleAt(200999), 3);
    assert.equal(c.visibleAt(201000), 4);
    // Play at the end starts over.
    c.play(300000);
    c.pause(300000);
    c.play(300001);
    assert.equal(c.visibleAt(300001), 1);
  });

  it('step from the start shows the first item; seek', () => {
    const c = new PlaybackClock([T0, T0 + S]);
    assert.equal(c.step(0), 1);
    c.seekToCount(0, 1);
    assert.equal(c.visibleAt(2), 0);
    c.seekToCount(2, 3);
    assert.equal(c.visibleAt(4), 2);
  });
});

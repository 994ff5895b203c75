/**
 * The progress line of long CLI runs (cli/progress.ts): on a terminal only, after the first
 * second, throttled, cut to the terminal's width, and cleared before anything else is printed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Progress } from '../../cli/progress';

function fake(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  return { stream: { isTTY, columns, write: (s: string) => writes.push(s) }, writes };
}

describe('progress on stderr', () => {
  it('nothing in the first second, then one line rewritten in place, at most every 200 ms', () => {
    let t = 0;
    const { stream, writes } = fake(true);
    const p = new Progress(stream, true, 1000, () => t);
    p.decoding(10e6, 527e6, 1000);
    assert.deepEqual(writes, []);
    t = 1000;
    p.decoding(195e6, 526.7e6, 250_000);
    assert.deepEqual(writes, ['\r\x1b[Kcallscope: decoding 37% (195 of 527 MB, 250,000 calls)']);
    t = 1100;
    p.decoding(200e6, 526.7e6);
    assert.equal(writes.length, 1, 'throttled');
    t = 1300;
    p.decoding(64e6, 64.1e6);
    assert.equal(writes[1], '\r\x1b[Kcallscope: decoding 99% (64.0 of 64.1 MB)');
    p.clear();
    assert.equal(writes[2], '\r\x1b[K');
    p.clear();
    assert.equal(writes.length, 3, 'cleared once');
  });
  it('silent when stderr is not a terminal, or when told so (streamed JSONL on the same terminal)', () => {
    let t = 5000;
    for (const [tty, enabled] of [
      [false, undefined],
      [true, false],
    ] as const) {
      const { stream, writes } = fake(tty);
      const p = new Progress(stream, enabled ?? stream.isTTY, 0, () => t++);
      p.decoding(1, 2);
      p.clear();
      assert.deepEqual(writes, []);
    }
  });
  it('a capture on standard input (no size known): how much came, no percentage', () => {
    let t = 0;
    const { stream, writes } = fake(true);
    const p = new Progress(stream, true, 0, () => (t += 300));
    p.decoding(12.34e6, 0, 4321);
    assert.deepEqual(writes, ['\r\x1b[Kcallscope: decoding (12.3 MB read, 4,321 calls)']);
  });
  it('never wider than the terminal', () => {
    let t = 0;
    const { stream, writes } = fake(true, 30);
    const p = new Progress(stream, true, 0, () => (t += 500));
    p.decoding(195e6, 526.7e6, 250_000);
    assert.equal(writes[0].length, '\r\x1b[K'.length + 29);
  });
});

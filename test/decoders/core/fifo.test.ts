import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Fifo } from '../../../decoders/core/fifo';

describe('Fifo', () => {
  it('keeps order through shifts, removals, drains and replaces, and counts marked items', () => {
    const q = new Fifo<number>((x) => x % 10 === 0);
    for (let i = 0; i < 5000; i++) q.push(i);
    assert.equal(q.markedCount, 500);
    for (let i = 0; i < 3000; i++) assert.equal(q.shift(), i); // compacts on the way
    assert.equal(q.length, 2000);
    assert.equal(q.first(), 3000);
    assert.equal(q.at(1999), 4999);
    assert.equal(q.at(2000), undefined);
    assert.equal(q.markedCount, 200);
    const i = q.findIndex((x) => x === 3010);
    assert.equal(i, 10);
    q.removeAt(i);
    assert.equal(q.markedCount, 199);
    assert.equal(q.at(10), 3011);
    assert.deepEqual([...q].slice(0, 3), [3000, 3001, 3002]);
    q.replace([...q].filter((x) => x < 3005));
    assert.deepEqual(q.drain(), [3000, 3001, 3002, 3003, 3004]);
    assert.equal(q.length, 0);
    assert.equal(q.markedCount, 0);
    assert.equal(q.shift(), undefined);
  });

  it('shifts 200 000 items in linear time', () => {
    const q = new Fifo<{ n: number }>();
    for (let i = 0; i < 200_000; i++) q.push({ n: i });
    const t = performance.now();
    let sum = 0;
    while (q.length) sum += q.shift()!.n;
    assert.equal(sum, (200_000 * 199_999) / 2);
    assert.ok(performance.now() - t < 1000);
  });
});

// The definition scans' gate (extension/definitions/scan-gate.ts): a capture opened while the
// workspace is being scanned waits until the files the decoding worker needs are listed, not
// until every OpenAPI/AsyncAPI candidate has been read and parsed.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ScanGate } from '../../extension/definitions/scan-gate';

/** A promise and the function that settles it. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Has `p` settled within a few turns of the event loop? */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
}

describe('definition scans: ready waits for the listing, not for the documents', () => {
  test('no scan under way: ready at once', async () => {
    const g = new ScanGate();
    assert.equal(g.busy, false);
    assert.equal(await settled(g.ready(60_000)), true);
  });

  test('ready resolves when the scan lists its files, while it still reads documents', async () => {
    const g = new ScanGate();
    const listedNow = deferred();
    const documentsRead = deferred();
    const order: string[] = [];
    const scan = g.run(async (listed) => {
      await listedNow.promise;
      order.push('listed');
      listed();
      await documentsRead.promise; // the OpenAPI/AsyncAPI candidates, seconds in a big workspace
      order.push('documents');
    });
    const ready = g.ready(60_000).then(() => order.push('ready'));
    assert.equal(await settled(ready), false, 'nothing listed yet');
    listedNow.resolve();
    assert.equal(await settled(ready), true, 'ready once listed');
    assert.deepEqual(order, ['listed', 'ready'], 'before the documents are read');
    assert.equal(g.busy, true, 'the scan goes on');
    documentsRead.resolve();
    await scan;
    assert.deepEqual(order, ['listed', 'ready', 'documents']);
    assert.equal(g.busy, false);
  });

  test('a scan that never lists (a hung file system) holds a capture only until the time limit', async () => {
    const g = new ScanGate();
    const never = deferred();
    void g.run(() => never.promise);
    const t = Date.now();
    await g.ready(50);
    assert.ok(Date.now() - t >= 45, 'waited the time limit');
    never.resolve();
  });

  test('a scan that fails or forgets to call listed releases the waiters when it ends', async () => {
    const g = new ScanGate();
    const fail = deferred();
    const failing = g.run(() => fail.promise);
    const ready = g.ready(60_000);
    fail.reject(new Error('permission denied'));
    await assert.rejects(failing, /permission denied/);
    assert.equal(await settled(ready), true);
    assert.equal(g.busy, false);
    await g.run(async () => {});
    assert.equal(await settled(g.ready(60_000)), true);
  });

  test('scans run one after the other; ready waits for the newest one to list', async () => {
    const g = new ScanGate();
    const first = deferred();
    const secondListed = deferred();
    const running: string[] = [];
    const a = g.run(async (listed) => {
      running.push('first start');
      listed();
      await first.promise;
      running.push('first end');
    });
    const b = g.run(async (listed) => {
      running.push('second start');
      await secondListed.promise;
      listed();
      running.push('second end');
    });
    const ready = g.ready(60_000);
    assert.equal(await settled(ready), false, 'the newest scan (settings changed) has not listed');
    assert.deepEqual(running, ['first start'], 'the second waits for the first');
    first.resolve();
    await a;
    assert.equal(await settled(ready), false);
    secondListed.resolve();
    await b;
    assert.equal(await settled(ready), true);
    assert.deepEqual(running, ['first start', 'first end', 'second start', 'second end']);
  });

  test('a failed scan does not stop the next one', async () => {
    const g = new ScanGate();
    const a = g.run(async () => {
      throw new Error('boom');
    });
    let ran = false;
    const b = g.run(async (listed) => {
      ran = true;
      listed();
    });
    await assert.rejects(a, /boom/);
    await b;
    assert.equal(ran, true);
  });
});

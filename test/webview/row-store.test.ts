/**
 * The list's row store while rows stream in: a page asked for before the latest rows were
 * appended answers with the older total, and must not shrink the list (the playback e2e test once
 * ended on 78 of 79 rows).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Host } from '../../webview/host';
import type { CallRow } from '../../webview/protocol';
import { RowStore } from '../../webview/rows';

function fakeHost() {
  const asked: Array<{ m: { start: number; count: number }; answer: (total: number) => void }> = [];
  const host = {
    request(m: { start: number; count: number }) {
      return new Promise((resolve) => {
        asked.push({ m, answer: (total) => resolve({ type: 'calls/page', requestId: 0, total, rows: rowsOf(m.start, Math.min(m.count, total - m.start)) }) });
      });
    },
  } as unknown as Host;
  return { host, asked };
}

const rowsOf = (start: number, n: number) => Array.from({ length: Math.max(0, n) }, (_, i) => ({ id: start + i }) as unknown as CallRow);
const tick = () => new Promise((r) => setTimeout(r, 0));

test('a page answer older than the last appended rows does not shrink the list', async () => {
  const { host, asked } = fakeHost();
  const store = new RowStore(host);
  store.reset(); // asks for page 0
  assert.equal(asked.length, 1);
  store.appended(rowsOf(0, 78), 0);
  assert.equal(store.total, 78);
  store.appended(rowsOf(78, 1), 78); // the last row arrives while page 0 is on its way
  asked[0].answer(78); // answered before the host had the 79th call
  await tick();
  assert.equal(store.total, 79, 'the appended row is still counted');
  await new Promise((r) => setTimeout(r, 300)); // the store asks again
  const again = asked.at(-1)!;
  assert.ok(asked.length >= 2, 'the page is asked for again');
  again.answer(79);
  await tick();
  assert.equal(store.total, 79);
  assert.equal(store.at(78)?.id, 78, 'the last row is loaded');
});

test('with no rows appended meanwhile the answer sets the total (a filter can shrink it)', async () => {
  const { host, asked } = fakeHost();
  const store = new RowStore(host);
  store.appended(rowsOf(0, 10), 0);
  store.setQuery('protocol == "http"', { key: 'time', dir: 'asc' });
  asked.at(-1)!.answer(3);
  await tick();
  assert.equal(store.total, 3);
});

test('a new analysis (a playback starting, the capture decoded again) starts the list from no rows: its rows are not counted on top of the old ones', async () => {
  const { host, asked } = fakeHost();
  const store = new RowStore(host);
  store.reset();
  store.appended(rowsOf(0, 79), 0);
  asked[0].answer(79);
  await tick();
  assert.equal(store.total, 79);
  store.ensure(200, 300); // a page of the old analysis on its way
  const stale = asked.at(-1)!;
  store.clear(); // analysis/didStart
  assert.equal(store.total, 0);
  assert.equal(store.at(0), undefined, 'the old pages are gone');
  const fresh = asked.at(-1)!;
  assert.notEqual(fresh, stale);
  store.appended(rowsOf(0, 3), 0); // the playback's first rows
  assert.equal(store.total, 3, 'not 82');
  stale.answer(79); // answered late: dropped
  await tick();
  assert.equal(store.total, 3);
  fresh.answer(3);
  await tick();
  assert.equal(store.total, 3);
});

test('rows the host appends after a page answer already counted them are not counted twice (didAppend carries their position)', async () => {
  const { host, asked } = fakeHost();
  const store = new RowStore(host);
  store.reset();
  store.appended(rowsOf(0, 63), 0);
  asked[0].answer(74); // the host answered from its store: 74 rows, 11 of them not yet flushed to the webview
  await tick();
  assert.equal(store.total, 74);
  store.appended(rowsOf(63, 12), 63); // the flush with rows 63…74
  assert.equal(store.total, 75, 'not 86: the 11 already counted are not added again');
  store.appended(rowsOf(75, 4), 75);
  assert.equal(store.total, 79);
});

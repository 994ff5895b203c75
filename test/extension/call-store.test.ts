import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CallStore } from '../../extension/analysis/call-store';
import { toRow } from '../../extension/analysis/rows';
import { makeCall } from './builders';

describe('call store paging', () => {
  const store = new CallStore();
  store.add([
    makeCall({ id: 1, method: 'GET', timing: { startUs: 10, endUs: 30 } }),
    makeCall({ id: 2, method: 'POST', timing: { startUs: 20, endUs: 100 }, status: { code: 500, ok: false } }),
    makeCall({ id: 3, method: 'DELETE', timing: { startUs: 5, endUs: 6 } }),
  ]);
  test('default order is by start time even when calls arrive out of order', () => {
    assert.deepEqual(store.page(0, 10).rows.map((r) => r.id), [3, 1, 2]);
  });
  test('filter and sort; total is the filtered count', () => {
    const p = store.page(0, 10, 'method == POST || method == GET', { key: 'duration', dir: 'desc' });
    assert.equal(p.total, 2);
    assert.deepEqual(p.rows.map((r) => r.id), [2, 1]);
    assert.equal(store.indexOf(1, 'method == POST || method == GET', { key: 'duration', dir: 'desc' }), 1);
  });
  test('a bad filter answers with where it failed', () => {
    const p = store.page(0, 10, 'method ==');
    assert.equal(p.total, 0);
    assert.ok(p.filterError);
    assert.equal(typeof p.filterError!.start, 'number');
  });
  test('pages are windows', () => {
    assert.deepEqual(store.page(1, 1).rows.map((r) => r.id), [1]);
    assert.deepEqual(store.page(5, 1).rows, []);
  });
  test('rows are compact', () => {
    const r = toRow(makeCall({ id: 9, server: { ip: '::1', port: 80 } }));
    assert.equal(r.server, '[::1]:80');
    assert.equal(r.hasDefinition, false);
    assert.equal(r.responseStartUs, 1_700_000_000_003_000);
  });
});

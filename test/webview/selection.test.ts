import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { comesBefore, nearestIndex, movedSelectionNote, callName, type OrderKey } from '../../webview/selection';

/** The matching calls (in capture order) and a reader that counts how many rows it was asked for. */
function matches(keys: OrderKey[]): { at: (i: number) => Promise<OrderKey | undefined>; reads: () => number } {
  let n = 0;
  return {
    at: async (i) => {
      n++;
      return keys[i];
    },
    reads: () => n,
  };
}

describe('the selection when a filter hides the selected call (as Wireshark: the nearest match)', () => {
  // Calls 1…9 of the REST sample; the filter `method == GET` keeps 2, 4, 6 and 9.
  const gets: OrderKey[] = [2, 4, 6, 9].map((id) => ({ id, startUs: id * 1000 }));

  it('the last match before the hidden call', async () => {
    const m = matches(gets);
    assert.equal(await nearestIndex(gets.length, { id: 5, startUs: 5000 }, m.at), 1, 'PUT (call 5) hidden: GET call 4');
    assert.equal(await nearestIndex(gets.length, { id: 8, startUs: 8000 }, m.at), 2, 'DELETE (call 8): GET call 6');
    assert.equal(await nearestIndex(gets.length, { id: 10, startUs: 10_000 }, m.at), 3, 'after the last match: the last one');
  });
  it('the first match when none comes before', async () => {
    assert.equal(await nearestIndex(gets.length, { id: 1, startUs: 1000 }, matches(gets).at), 0);
  });
  it('nothing matches: no index', async () => {
    assert.equal(await nearestIndex(0, { id: 1, startUs: 1000 }, matches([]).at), -1);
  });
  it('same start time: the call number decides (the list\'s time order)', () => {
    assert.ok(comesBefore({ id: 3, startUs: 10 }, { id: 4, startUs: 10 }));
    assert.ok(!comesBefore({ id: 4, startUs: 10 }, { id: 3, startUs: 10 }));
    assert.ok(comesBefore({ id: 9, startUs: 9 }, { id: 1, startUs: 10 }));
  });
  it('a binary search: about log2(n) rows read for a million matches', async () => {
    const many = Array.from({ length: 1_000_000 }, (_, i) => ({ id: 2 * i + 2, startUs: 2 * i + 2 }));
    const m = matches(many);
    assert.equal(await nearestIndex(many.length, { id: 777_777, startUs: 777_777 }, m.at), 388_887);
    assert.ok(m.reads() <= 21, `${m.reads()} reads`);
  });
  it('the status line names both calls', () => {
    assert.equal(movedSelectionNote({ method: 'PUT', target: '/items/456' }, { method: 'GET', target: '/persons/1234/items' }), 'PUT /items/456 is hidden by the filter: selected GET /persons/1234/items, the nearest call that matches');
    assert.equal(callName({ method: 'GetPerson', target: '/p.People/GetPerson' }), 'GetPerson', 'a gRPC path that ends in the method: the method');
    assert.equal(callName({ method: 'fun_add', target: '/RPC2' }), 'fun_add /RPC2');
  });
});

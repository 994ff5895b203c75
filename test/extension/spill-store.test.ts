import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SpillStore } from '../../extension/analysis/spill-store';
import { answerQuery } from '../../extension/analysis/store-queries';
import { CallIndex } from '../../extension/analysis/call-index';
import { toRow } from '../../extension/analysis/rows';
import { Linker } from '../../extension/definitions/linker';
import { Analysis } from '../../extension/analysis/analysis';
import type { Call } from '../../decoders/core/model';
import { makeCall } from './builders';

function storeOf(calls: Call[], opts: ConstructorParameters<typeof SpillStore>[0] = {}): SpillStore {
  const s = new SpillStore(opts);
  for (const c of calls) s.add(c);
  return s;
}

describe('spill store paging (what the call list asks)', () => {
  const store = storeOf([
    makeCall({ id: 1, method: 'GET', timing: { startUs: 10, endUs: 30 } }),
    makeCall({ id: 2, method: 'POST', timing: { startUs: 20, endUs: 100 }, status: { code: 500, ok: false } }),
    makeCall({ id: 3, method: 'DELETE', timing: { startUs: 5, endUs: 6 } }),
  ]);
  test('default order is by start time even when calls arrive out of order', async () => {
    assert.deepEqual((await store.page(0, 10)).rows.map((r) => r.id), [3, 1, 2]);
  });
  test('filter and sort; total is the filtered count', async () => {
    const p = await store.page(0, 10, 'method == POST || method == GET', { key: 'duration', dir: 'desc' });
    assert.equal(p.total, 2);
    assert.deepEqual(p.rows.map((r) => r.id), [2, 1]);
    assert.equal(await store.indexOf(1, 'method == POST || method == GET', { key: 'duration', dir: 'desc' }), 1);
    assert.equal(await store.indexOf(3, 'method == POST'), -1);
  });
  test('a bad filter answers with where it failed', async () => {
    const p = await store.page(0, 10, 'method ==');
    assert.equal(p.total, 0);
    assert.ok(p.filterError);
    assert.equal(typeof p.filterError!.start, 'number');
  });
  test('pages are windows', async () => {
    assert.deepEqual((await store.page(1, 1)).rows.map((r) => r.id), [1]);
    assert.deepEqual((await store.page(5, 1)).rows, []);
  });
  test('rows are compact', () => {
    const r = toRow(makeCall({ id: 9, server: { ip: '::1', port: 80 } }));
    assert.equal(r.server, '[::1]:80');
    assert.equal(r.hasDefinition, false);
    assert.equal(r.responseStartUs, 1_700_000_000_003_000);
  });
});

describe('call index', () => {
  test('rows built from the index equal the rows built from the calls', () => {
    const calls = [
      makeCall({ id: 1 }),
      makeCall({ id: 2, server: { ip: '::1', port: 80 }, status: undefined, timing: { startUs: 7 }, target: undefined, links: { publishId: 1 } } as Partial<Call>),
      makeCall({ id: 3, http: { version: 'HTTP/1.1', method: 'GET', uri: '/x', host: 'api.local', requestHeaders: [], responseHeaders: [] } as unknown as Call['http'] }),
      // A connection that named itself, and a message the server started.
      makeCall({ id: 4, flowId: 7, fields: { 'client.name': 'trip-service', 'websocket.dir': 's2c' } } as Partial<Call>),
    ];
    const ix = new CallIndex();
    calls.forEach((c, i) => ix.add(c, i * 10, 10, { defId: -1, warnings: c.warnings.length }));
    calls.forEach((c, i) => assert.deepEqual(ix.row(i, {}), toRow(c)));
    assert.equal(ix.row(3, {}).clientName, 'trip-service');
    assert.equal(ix.row(3, {}).fromServer, true);
    // A name the user gave the client endpoint wins over the name the connection gave itself.
    assert.equal(ix.row(3, { [ix.row(3, {}).client]: 'renamed' }).clientName, 'renamed');
    assert.equal(ix.positionOf(2), 1);
    assert.equal(ix.positionOf(99), -1);
  });
  test('sparse and huge call ids still resolve', () => {
    const ix = new CallIndex();
    ix.add(makeCall({ id: 5_000_000 }), 0, 1, { defId: -1, warnings: 0 });
    ix.add(makeCall({ id: 3 }), 1, 1, { defId: -1, warnings: 0 });
    assert.equal(ix.positionOf(5_000_000), 0);
    assert.equal(ix.positionOf(3), 1);
  });
});

describe('spill file: calls beyond the resident ones are read back by offset', () => {
  const N = 500;
  const calls = Array.from({ length: N }, (_, i) =>
    makeCall({
      id: i + 1,
      method: i % 2 ? 'POST' : 'GET',
      target: `/persons/${i}`,
      status: { code: i % 10 === 0 ? 500 : 200, ok: i % 10 !== 0 },
      timing: { startUs: 1000 + i * 10, endUs: 1000 + i * 10 + (i % 7) },
      fields: { 'http.request.uri.path': `/persons/${i}`, 'x.flag': i % 3 === 0 },
      warnings: i === 7 ? ['a warning'] : [],
    }),
  );
  const store = storeOf(calls, { residentCalls: 50 });
  test('details of resident and spilled calls are the calls', () => {
    assert.deepEqual(store.get(10), calls[9]);
    assert.deepEqual(store.get(400), calls[399]);
    assert.deepEqual(store.get(N), calls[N - 1]);
    assert.equal(store.get(N + 1), undefined);
    assert.ok(store.spillBytes > 0);
  });
  test('indexed filters need no call; other fields are scanned from the file, with progress', async () => {
    const p = await store.page(0, 1000, 'http.status >= 400 || status >= 400');
    assert.equal(p.total, N / 10);
    const seen: number[] = [];
    const q = await store.page(0, 5, 'x.flag && http.request.uri.path ~ "/persons/4"', undefined, (d) => seen.push(d));
    const expected = calls.filter((c) => c.fields['x.flag'] && /\/persons\/4/i.test(String(c.fields['http.request.uri.path'])));
    assert.equal(q.total, expected.length);
    assert.deepEqual(q.rows.map((r) => r.id), expected.slice(0, 5).map((c) => c.id));
    assert.ok(seen.length >= 1, 'progress reported');
  });
  test('a memoised filter grows with new calls instead of starting over', async () => {
    const s = storeOf(calls.slice(0, 100), { residentCalls: 10 });
    assert.equal((await s.page(0, 1, 'x.flag')).total, 34);
    for (const c of calls.slice(100, 200)) s.add(c);
    assert.equal((await s.page(0, 1, 'x.flag')).total, 67);
    s.dispose();
  });
  test('sorts come from the index', async () => {
    const p = await store.page(0, 3, undefined, { key: 'target', dir: 'desc' });
    assert.deepEqual(p.rows.map((r) => r.target), ['/persons/99', '/persons/98', '/persons/97']);
    const d = await store.page(0, 2, 'method == GET', { key: 'status', dir: 'desc' });
    assert.equal(d.rows[0].status?.code, 500);
    assert.equal(await store.indexOf(400, undefined, { key: 'target', dir: 'desc' }), (await store.page(0, N, undefined, { key: 'target', dir: 'desc' })).rows.findIndex((r) => r.id === 400));
  });
  test('selected calls and exports stream from the file', async () => {
    const sel = await store.calls({ filter: 'status == 500', start: 10, count: 5 });
    assert.deepEqual(sel.map((c) => c.id), [101, 111, 121, 131, 141]);
    const all = await store.calls({});
    assert.equal(all.length, N);
    const jsonl = await answerQuery(store, 'calls/export', { format: 'jsonl', filter: 'id <= 3' });
    assert.equal(jsonl.trim().split('\n').length, 3);
  });
  test('connections and their calls come from the index', () => {
    const conns = store.connections();
    assert.deepEqual(conns.map((c) => [c.flowId, c.calls]), [[1, N]]);
    const fc = store.flowCalls(1, 10);
    assert.equal(fc.total, N);
    assert.equal(fc.rows.length, 10);
  });
  test('start times in time order for playback', async () => {
    const t = await store.startTimes();
    assert.equal(t.length, N);
    assert.ok(t.every((x, i) => i === 0 || x >= t[i - 1]));
  });
});

describe('definition links are applied on read and summarised per definition', () => {
  const openapi = `openapi: 3.0.0
info: { title: t, version: '1' }
paths:
  /persons/{id}:
    get:
      operationId: getPerson
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [name]
`;
  const body = (text: string) => ({ size: text.length, kind: 'json' as const, text, value: JSON.parse(text), contentType: 'application/json' });
  const calls = Array.from({ length: 30 }, (_, i) =>
    makeCall({
      id: i + 1,
      target: `/persons/${i}`,
      timing: { startUs: i * 100, endUs: i * 100 + (i + 1) * 10 },
      status: { code: i < 2 ? 500 : 200, ok: i >= 2 },
      http: { version: 'HTTP/1.1', method: 'GET', uri: `/persons/${i}`, status: i < 2 ? 500 : 200, requestHeaders: [], responseHeaders: [], responseBody: body(i === 5 ? '{"age":3}' : '{"name":"x"}') } as unknown as Call['http'],
    }),
  );
  test('link, stats, problems, relink', async () => {
    const store = new SpillStore({ residentCalls: 5 });
    store.setLinker(new Linker({ openapi: [{ path: '/w/api.yaml', text: openapi }], asyncapi: [], proto: [] }));
    for (const c of calls) store.add(c);
    const c6 = store.get(6)!;
    assert.equal(c6.definition?.kind, 'openapi-operation');
    assert.ok(c6.warnings.some((w) => w.startsWith('schema: ')), 'schema warning on read');
    assert.equal(store.get(7)!.warnings.length, 0);
    const [s] = store.definitionSummaries();
    assert.equal(s.calls, 30);
    assert.equal(s.errors, 2);
    assert.equal(s.ids.length, 30);
    assert.equal(s.problems.length, 1);
    assert.equal(s.problems[0].id, 6);
    assert.ok(s.exact);
    assert.equal((await store.page(0, 50, 'warnings > 0')).total, 1);
    assert.equal((await store.page(0, 1)).rows[0].hasDefinition, true);
    await store.relink(undefined);
    assert.equal(store.definitionSummaries().length, 0);
    assert.equal(store.get(6)!.definition, undefined);
    assert.equal((await store.page(0, 50, 'warnings > 0')).total, 0);
    assert.equal((await store.page(0, 1)).rows[0].hasDefinition, false);
    store.dispose();
  });
});

describe('host-fed analysis (live capture, proxy, playback)', () => {
  test('fed calls are rows for listeners and queries answer from the host store', async () => {
    const a = new Analysis({ type: 'analyze', file: '/tmp/x.pcapng', decodeAs: [], hints: [], protoPaths: [], definitionFiles: [] }, 0, '');
    const got: Array<[number, number]> = [];
    a.listen({ rows: (rows, first) => got.push([first, rows.length]) });
    a.feed({ type: 'calls', calls: [makeCall({ id: 1 }), makeCall({ id: 2 })] });
    a.feed({ type: 'calls', calls: [makeCall({ id: 3 })] });
    assert.deepEqual(got, [[0, 2], [2, 1]]);
    assert.equal(a.store.size, 3);
    assert.equal((await a.store.get(2))?.id, 2);
    assert.equal((await a.store.page(0, 10)).total, 3);
    a.dispose();
  });
});

describe('a JSON body kept as sent (Body.jsonText)', () => {
  test('is held by neither a resident call nor a spilled one (exports re-serialize both alike)', () => {
    const withText = (id: number) => {
      const c = makeCall({ id, response: { body: { size: 12, kind: 'json', value: { a: 1.5 } } } });
      // as decodeHttpBody keeps it: not enumerable
      Object.defineProperty(c.response!.body!, 'jsonText', { value: '{"a": 1.50}', enumerable: false, configurable: true });
      return c;
    };
    const store = storeOf([withText(1), withText(2)], { residentCalls: 1 });
    assert.equal(store.get(1)?.response?.body?.jsonText, undefined, 'resident');
    assert.equal(store.get(2)?.response?.body?.jsonText, undefined, 'spilled');
    assert.deepEqual(store.get(1)?.response?.body?.value, { a: 1.5 });
  });
});

describe('calls kept in memory (resident) are held as their JSON, like spilled ones', () => {
  test('a call changed after it was added reads back as added, resident or spilled', () => {
    const a = makeCall({ id: 1 });
    const b = makeCall({ id: 2 });
    const store = storeOf([a, b], { residentCalls: 1 });
    a.warnings.push('added later');
    b.warnings.push('added later');
    assert.deepEqual(store.get(1)?.warnings, [], 'resident');
    assert.deepEqual(store.get(2)?.warnings, [], 'spilled');
    assert.notEqual(store.get(1), a, 'not the decoder\'s object: holding those made V8 pretenure every later call');
  });
});

describe('targets longer than the index keeps (a 64 KiB request line)', () => {
  const long = `/search?q=${'x'.repeat(70_000)}&tail=needle`;
  const store = storeOf([
    makeCall({ id: 1, target: long, timing: { startUs: 10, endUs: 30 } }),
    makeCall({ id: 2, target: `${long.slice(0, 3000)}&other=1`, timing: { startUs: 20, endUs: 40 } }),
    makeCall({ id: 3, target: '/short', timing: { startUs: 30, endUs: 50 } }),
  ]);
  test('the list shows the start of the target and says it is cut', async () => {
    const rows = (await store.page(0, 10)).rows;
    assert.equal(rows[0].target, `${long.slice(0, 2048)}…`);
    assert.equal(rows[2].target, '/short');
  });
  test('filters see the whole target (read from the call), not the start the index keeps', async () => {
    assert.deepEqual((await store.page(0, 10, 'target contains "needle"')).rows.map((r) => r.id), [1]);
    assert.deepEqual((await store.page(0, 10, 'target contains "other=1"')).rows.map((r) => r.id), [2]);
    assert.deepEqual((await store.page(0, 10, `target == "${long}"`)).rows.map((r) => r.id), [1]);
    assert.deepEqual((await store.page(0, 10, 'target == "/short"')).rows.map((r) => r.id), [3]);
    // A filter the index answers mixed with one it does not.
    assert.deepEqual((await store.page(0, 10, 'target contains "needle" || method == POST')).rows.map((r) => r.id), [1]);
  });
  test('sorting by target orders the cut ones by their start (the same start: by time)', async () => {
    const rows = (await store.page(0, 10, undefined, { key: 'target', dir: 'asc' })).rows;
    assert.deepEqual(rows.map((r) => r.id), [1, 2, 3]);
    const desc = (await store.page(0, 10, undefined, { key: 'target', dir: 'desc' })).rows;
    assert.equal(desc[0].id, 3);
  });
  test('the call itself keeps the whole target', async () => {
    assert.equal(store.get(1)?.target, long);
  });
});

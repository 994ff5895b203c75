/**
 * Table and HAR output in bounded memory (cli/platform/sorted-spool.ts, cli/table.ts,
 * cli/har.ts): rows and entries sorted on disk past a budget give exactly the text the
 * all-in-memory formatting gives, children still sit under (or are left out for) parents
 * reported after them, and the temporary files are gone afterwards.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SortedSpool, sortableNumber } from '../../cli/platform/sorted-spool';
import { ParentLinks } from '../../cli/platform/parent-links';
import { TableWriter, formatTable } from '../../cli/table';
import { HarWriter } from '../../cli/har';
import { toHar } from '../../decoders/export/har';
import type { Call } from '../../decoders/core/model';
import { makeCall, xmlrpcCall } from '../extension/builders';
import { tempDir } from '../helpers/tmp';

async function drainAll(s: SortedSpool): Promise<string[]> {
  const out: string[] = [];
  let pauses = 0;
  await s.drain((t) => out.push(t), async () => void pauses++);
  return out;
}

describe('SortedSpool', () => {
  it('sorts across runs on disk, keeps equal keys in insertion order, any text survives', async () => {
    const dir = tempDir('callscope-spool-test-');
    const s = new SortedSpool({ budgetBytes: 2000, dir });
    const expected: Array<[string, string]> = [];
    for (let i = 0; i < 500; i++) {
      const key = sortableNumber((i * 7919) % 97);
      // line feeds, the old separator, non-Latin-1 and astral characters, an empty text
      const text = i % 50 === 0 ? '' : `#${i} line\nnext\x1e — → 😀 ${'x'.repeat(i % 13)}`;
      s.add(key, text);
      expected.push([key, text]);
    }
    assert.ok(readdirSync(dir).length > 0, 'the budget made it spill');
    const sorted = expected.map((e, i) => ({ e, i })).sort((a, b) => (a.e[0] < b.e[0] ? -1 : a.e[0] > b.e[0] ? 1 : a.i - b.i));
    assert.deepEqual(await drainAll(s), sorted.map((x) => x.e[1]));
    assert.deepEqual(readdirSync(dir), [], 'runs removed');
  });
  it('a record larger than the read and write buffers', async () => {
    const s = new SortedSpool({ budgetBytes: 1 });
    const big = 'é'.repeat(3 << 20);
    s.add('b', 'small');
    s.add('a', big);
    assert.deepEqual(await drainAll(s), [big, 'small']);
  });
  it('small outputs stay in memory; drainSync refuses after a spill', () => {
    const s = new SortedSpool({ budgetBytes: Infinity });
    s.add('2', 'two');
    s.add('1', 'one');
    const out: string[] = [];
    s.drainSync((t) => out.push(t));
    assert.deepEqual(out, ['one', 'two']);
    const t = new SortedSpool({ budgetBytes: 1 });
    t.add('1', 'x');
    assert.throws(() => t.drainSync(() => {}), /spilled/);
    t.dispose();
  });
  it('a folder it cannot write to: adding goes on (inside decoder callbacks), drain says what to do', async () => {
    const s = new SortedSpool({ budgetBytes: 1, dir: join(tmpdir(), 'callscope-no-such-folder', 'x') });
    s.add('1', 'a');
    s.add('2', 'b');
    await assert.rejects(drainAll(s), /cannot write the temporary files .*\(ENOENT\): point TMPDIR at a folder with room .* or use --format jsonl/);
  });
  it('sortableNumber orders as numbers do', () => {
    const xs = [0, 5, 17, 1e6, 1_795_300_185_618_786, 2 ** 52 + 7];
    const keys = xs.map(sortableNumber);
    assert.deepEqual([...keys].sort(), keys);
    assert.equal(sortableNumber(-5), sortableNumber(0));
  });
});

function calls(): Call[] {
  const out: Call[] = [];
  for (let i = 1; i <= 300; i++) {
    const start = 1.7e15 + ((i * 104_729) % 300) * 1000;
    out.push(makeCall({ id: i, target: `/persons/${i}`, timing: { startUs: start, endUs: start + 500 + i }, warnings: i % 40 ? [] : ['w'] }));
  }
  // an MQTT delivery reported before its publish, and a batch whose inner calls come first
  out.push(makeCall({ id: 301, protocol: 'mqtt', kind: 'deliver', method: 'PUBLISH', target: 't/1', timing: { startUs: 1.7e15 + 5 }, links: { publishId: 302 } }));
  out.push(makeCall({ id: 302, protocol: 'mqtt', kind: 'publish', method: 'PUBLISH', target: 't/1', timing: { startUs: 1.7e15 + 1 }, links: { deliveryIds: [301] } }));
  out.push(xmlrpcCall({ id: 303, parentId: 305, method: 'a' }));
  out.push(xmlrpcCall({ id: 304, parentId: 305, method: 'b' }));
  out.push(xmlrpcCall({ id: 305, method: 'system.multicall' }));
  // a child whose parent was filtered out
  out.push(xmlrpcCall({ id: 306, parentId: 999, method: 'orphan' }));
  return out;
}

describe('ParentLinks', () => {
  it('remembers the last N parents; children wait, the longest-waiting give up past the cap', () => {
    const l = new ParentLinks<string, string>(2, 2);
    l.remember(1, 'a');
    l.remember(2, 'b');
    l.remember(3, 'c');
    assert.equal(l.parent(1), undefined, 'forgotten: only the last 2');
    assert.equal(l.parent(3), 'c');
    assert.equal(l.wait(10, 'x'), undefined);
    assert.equal(l.wait(11, 'y'), undefined);
    assert.deepEqual(l.wait(11, 'z'), ['x'], 'over the cap: the children of 10 give up');
    assert.deepEqual(l.children(11), ['y', 'z']);
    assert.equal(l.children(11), undefined);
    l.wait(12, 'w');
    assert.deepEqual(l.orphans(), ['w']);
    assert.deepEqual(l.orphans(), []);
  });
  it('the oldest list still waiting gives up first: claimed lists are skipped, a parent waited for again is new', () => {
    const l = new ParentLinks<string, string>(2, 2);
    l.wait(10, 'a');
    l.wait(11, 'b');
    assert.deepEqual(l.children(10), ['a']);
    assert.equal(l.wait(10, 'c'), undefined);
    assert.deepEqual(l.wait(12, 'd'), ['b']);
    assert.deepEqual(l.wait(13, 'e'), ['c']);
    assert.deepEqual(l.orphans(), ['d', 'e']);
  });
  it('gives up in the order a Map of the waiting lists would, over many children', () => {
    const l = new ParentLinks<number, number>(4, 50);
    // the reference: a Map's first key is the longest-waiting parent
    const ref = new Map<number, number[]>();
    let refCount = 0;
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let i = 0; i < 200_000; i++) {
      const parent = rand(300);
      if (rand(3) === 0) {
        const got = l.children(parent);
        const want = ref.get(parent);
        ref.delete(parent);
        refCount -= want?.length ?? 0;
        assert.deepEqual(got, want);
        continue;
      }
      const got = l.wait(parent, i);
      const list = ref.get(parent);
      if (list) list.push(i);
      else ref.set(parent, [i]);
      let want: number[] | undefined;
      if (++refCount > 50) {
        const [first, given] = ref.entries().next().value as [number, number[]];
        ref.delete(first);
        refCount -= given.length;
        want = given;
      }
      assert.deepEqual(got, want);
    }
    assert.deepEqual(l.orphans(), [...ref.values()].flat());
  });
});

describe('TableWriter', () => {
  it('spilled to disk: the same table as in memory, deliveries and inner calls under their parent', async () => {
    const all = calls();
    const inMemory = formatTable(all, []);
    const t = new TableWriter({}, { budgetBytes: 4000 });
    for (const c of all) t.addCall(c);
    let text = '';
    await t.finish((s) => (text += s));
    assert.equal(text, inMemory);
    const lines = text.split('\n');
    const pub = lines.findIndex((l) => l.includes('PUBLISH t/1') && !l.includes('└'));
    assert.match(lines[pub + 1], /└ PUBLISH t\/1/);
    const batch = lines.findIndex((l) => l.includes('system.multicall'));
    assert.match(lines[batch + 1], /└ a\(/);
    assert.match(lines[batch + 2], /└ b\(/);
    assert.match(text, /^\S.*orphan\(/m);
    assert.match(text, /\n306 calls, 7 with warnings\n$/);
  });
});

describe('HarWriter', () => {
  for (const budget of [Infinity, 3000]) {
    it(`the same text as JSON.stringify(toHar(calls), null, 2) (budget ${budget})`, async () => {
      const all = calls();
      const h = new HarWriter('9.9.9', { budgetBytes: budget });
      for (const c of all) h.addCall(c);
      let text = '';
      await h.finish((s) => (text += s));
      assert.equal(text, JSON.stringify(toHar(all, { creatorVersion: '9.9.9' }), null, 2) + '\n');
    });
  }
  it('a folder it cannot write to: finish rejects with what to do, and writes nothing', async () => {
    const h = new HarWriter('1', { budgetBytes: 1, dir: join(tmpdir(), 'callscope-no-such-folder', 'x') });
    for (const c of calls()) h.addCall(c);
    let text = '';
    await assert.rejects(
      h.finish((s) => (text += s)),
      /cannot write the temporary files .*\(ENOENT\): point TMPDIR at a folder with room/,
    );
    assert.equal(text, '');
  });
  it('no calls: an empty log, and no temporary files made for it', async () => {
    const dir = tempDir('callscope-har-empty-');
    const h = new HarWriter('1', { budgetBytes: 1, dir });
    let text = '';
    await h.finish((s) => (text += s));
    assert.equal(text, JSON.stringify(toHar([], { creatorVersion: '1' }), null, 2) + '\n');
    assert.deepEqual(readdirSync(dir), []);
  });
});

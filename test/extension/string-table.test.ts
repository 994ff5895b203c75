import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { StringTable } from '../../extension/analysis/string-table';

/** What the table replaced: a JS array + a Map, ranks by code-unit order with absent as "" (stable). */
function referenceRanks(values: Array<string | undefined>): Uint32Array {
  const order = values.map((_, i) => i);
  order.sort((a, b) => {
    const x = values[a] ?? '';
    const y = values[b] ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const ranks = new Uint32Array(values.length);
  order.forEach((id, r) => (ranks[id] = r));
  return ranks;
}

function tableOf(strings: string[]): { t: StringTable; ids: number[] } {
  const t = new StringTable();
  return { t, ids: strings.map((s) => t.intern(s)) };
}

describe('StringTable (interned strings in a byte arena)', () => {
  test('absent is id 0; the empty string is a string of its own', () => {
    const t = new StringTable();
    assert.equal(t.intern(undefined), 0);
    assert.equal(t.get(0), undefined);
    const e = t.intern('');
    assert.notEqual(e, 0);
    assert.equal(t.get(e), '');
    assert.equal(t.intern(''), e);
    assert.equal(t.size, 1);
    assert.equal(t.get(99), undefined);
    assert.equal(t.get(-1), undefined);
  });

  test('interning round-trips and gives one id per distinct string, in order of arrival', () => {
    const { t, ids } = tableOf(['GET', 'POST', 'GET', '/a', 'POST', '/a/b']);
    assert.deepEqual(ids, [1, 2, 1, 3, 2, 4]);
    assert.deepEqual([1, 2, 3, 4].map((i) => t.get(i)), ['GET', 'POST', '/a', '/a/b']);
    assert.equal(t.size, 4);
  });

  test('equal strings that are different objects (slices, concatenations) get the same id', () => {
    const t = new StringTable();
    const head = 'GET /persons/1574 HTTP/1.1\r\nHost: x\r\n\r\n';
    const a = t.intern(head.slice(4, 17));
    const b = t.intern(['/persons/', '1574'].join(''));
    assert.equal(a, b);
    assert.equal(t.get(a), '/persons/1574');
  });

  test('non-ASCII, beyond Latin-1, astral and lone surrogates come back exactly', () => {
    const strings = ['café', 'ÿ', '\u0100', 'Ā-ā', '日本語/パス', '😀 emoji', '\ud800', 'a\udfffb', '\udc00\ud800', '\u0000nul', 'x'.repeat(3) + '\u00ff', 'x'.repeat(3) + '\u0100'];
    const { t, ids } = tableOf(strings);
    assert.equal(new Set(ids).size, strings.length);
    strings.forEach((s, i) => {
      assert.equal(t.get(ids[i]), s);
      assert.equal(t.intern(s), ids[i]);
    });
  });

  test('a Latin-1 string and a wide string of the same length do not meet', () => {
    const t = new StringTable();
    const a = t.intern('\u00e9');
    const b = t.intern('\u0129');
    assert.notEqual(a, b);
    assert.equal(t.get(a), '\u00e9');
    assert.equal(t.get(b), '\u0129');
  });

  test('long strings (beyond one String.fromCharCode chunk), both widths, in a table allowed them', () => {
    const long1 = Array.from({ length: 20_000 }, (_, i) => String.fromCharCode(32 + (i % 200))).join('');
    const long2 = Array.from({ length: 20_000 }, (_, i) => String.fromCharCode(0x100 + (i % 5000))).join('');
    const t = new StringTable({ fullChars: 100_000 });
    const ids = [long1, 'short', long2, long1.slice(0, 300)].map((s) => t.intern(s));
    assert.equal(t.get(ids[0]), long1);
    assert.equal(t.get(ids[2]), long2);
    assert.equal(t.get(ids[3]), long1.slice(0, 300));
    assert.equal(t.intern(long2), ids[2]);
    assert.equal(t.isCut(ids[0]), false);
  });

  test('bounded whatever the input: a string past the limit is kept cut, apart from a whole one of the same text', () => {
    const t = new StringTable();
    const long = `/search?q=${'x'.repeat(70_000)}`; // a request line of 64 KiB and more
    const id = t.intern(long);
    assert.equal(t.isCut(id), true);
    assert.equal(t.get(id), long.slice(0, 2048));
    assert.equal(t.intern(long), id, 'the same string again');
    // Another long string with the same start shares the entry (the calls keep the whole strings).
    assert.equal(t.intern(`${long}&page=2`), id);
    // The start itself, whole, is another entry.
    const start = t.intern(long.slice(0, 2048));
    assert.notEqual(start, id);
    assert.equal(t.isCut(start), false);
    assert.equal(t.get(start), long.slice(0, 2048));
    // Wide strings too.
    const wide = '一'.repeat(3000);
    const w = t.intern(wide);
    assert.equal(t.isCut(w), true);
    assert.equal(t.get(w), wide.slice(0, 2048));
    assert.equal(t.isCut(0), false);
    assert.equal(t.isCut(12345), false);
    // Ranks: the cut entry sorts by its start, after the whole start.
    const r = t.ranks();
    assert.ok(r[start] < r[id]);
  });

  test('past softBytes of strings, new strings keep only shortChars: memory grows with distinct strings by a bounded step', () => {
    const t = new StringTable({ fullChars: 1000, softBytes: 10_000, shortChars: 16 });
    const ids: number[] = [];
    for (let i = 0; i < 100; i++) ids.push(t.intern(`/${i}/${'y'.repeat(500)}`));
    // The first ~20 (10,000 bytes) whole, the rest cut to 16 code units.
    assert.equal(t.isCut(ids[0]), false);
    assert.equal(t.get(ids[0]), `/0/${'y'.repeat(500)}`);
    assert.equal(t.isCut(ids[99]), true);
    assert.equal(t.get(ids[99]), `/99/${'y'.repeat(500)}`.slice(0, 16));
    assert.ok(t.approxBytes < 40_000, `bounded: ${t.approxBytes}`);
    // A string held whole from before keeps its id (one entry per string whenever it comes).
    assert.equal(t.intern(`/0/${'y'.repeat(500)}`), ids[0]);
    assert.equal(t.intern(`/99/${'y'.repeat(500)}`), ids[99]);
    assert.equal(t.size, 100);
    // Short strings are still whole.
    const s = t.intern('/short');
    assert.equal(t.isCut(s), false);
    assert.equal(t.get(s), '/short');
  });

  test('many strings: growth of the arena, the id columns and the hash keeps every id', () => {
    const t = new StringTable();
    const n = 120_000;
    const ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) ids[i] = t.intern(i % 7 === 0 ? `/wide/\u4e00${i}` : `/persons/${i}`);
    assert.equal(t.size, n);
    for (let i = 0; i < n; i++) {
      assert.equal(ids[i], i + 1);
      if (i % 997 === 0) assert.equal(t.get(ids[i]), i % 7 === 0 ? `/wide/\u4e00${i}` : `/persons/${i}`);
    }
    for (let i = 0; i < n; i += 13) assert.equal(t.intern(i % 7 === 0 ? `/wide/\u4e00${i}` : `/persons/${i}`), i + 1);
    assert.equal(t.size, n);
    assert.ok(t.approxBytes > 0);
  });

  test('ranks: the order of the old table (code units, absent first, ties by id)', () => {
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const alphabet = ['a', 'b', 'Z', '0', '/', 'é', 'ÿ', '\u0100', '日', '\ud83d\ude00', '\ud800', '\udfff', '\u0000', ''];
    const strings: string[] = [''];
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const len = Math.floor(rnd() * 6);
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      strings.push(s);
    }
    const t = new StringTable();
    const values: Array<string | undefined> = [undefined];
    for (const s of strings) {
      const id = t.intern(s);
      if (id === values.length) values.push(s);
    }
    assert.deepEqual(t.ranks(), referenceRanks(values));
    // Cached while nothing new arrives; recomputed after.
    assert.equal(t.ranks(), t.ranks());
    t.intern('zzz-new');
    values.push('zzz-new');
    assert.deepEqual(t.ranks(), referenceRanks(values));
  });

  test('ranks of an empty table', () => {
    assert.deepEqual([...new StringTable().ranks()], [0]);
  });
});

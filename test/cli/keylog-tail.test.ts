/**
 * Following a key log while a live capture runs (cli/platform/keylog.ts KeyLogTail): appends (an
 * unfinished last line waits for its end), truncation, a rewrite in place, a replaced file
 * (rotation), a file that appears late, the byte bound.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyLogTail, liveKeyLogState } from '../../cli/platform/keylog';
import { KeyLog } from '../../decoders/tls/keylog';
import { UserError } from '../../cli/platform/analyze';

const tmp = mkdtempSync(join(tmpdir(), 'callscope-tail-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A key log line of its own (client random and secret both from `i`). */
const line = (i: number) => `CLIENT_RANDOM ${i.toString(16).padStart(64, '0')} ${(i & 0xff).toString(16).padStart(2, '0').repeat(48)}\n`;

function follow(opts: { maxBytes?: number } = {}) {
  const file = join(tmp, `keys-${++n}.txt`);
  const texts: string[] = [];
  const warnings: string[] = [];
  const store = new KeyLog();
  const tail = new KeyLogTail(
    file,
    (t) => {
      texts.push(t);
      store.add(t);
    },
    { intervalMs: 60_000, maxBytes: opts.maxBytes, warn: (w) => warnings.push(w) },
  );
  return { file, texts, warnings, store, tail };
}

describe('KeyLogTail: a key log followed as it grows', () => {
  it('reads what is there, then only what was appended; a line cut in the middle waits for its end', async () => {
    const t = follow();
    writeFileSync(t.file, line(1) + line(2));
    await t.tail.poll();
    assert.equal(t.store.size, 2);
    const l3 = line(3);
    appendFileSync(t.file, l3.slice(0, 40));
    await t.tail.poll();
    assert.equal(t.store.size, 2, 'half a line is not handed on');
    assert.equal(t.store.malformed, 0);
    appendFileSync(t.file, l3.slice(40) + line(4));
    await t.tail.poll();
    assert.equal(t.store.size, 4);
    assert.equal(t.store.malformed, 0);
    assert.equal(t.texts.join(''), line(1) + line(2) + l3 + line(4), 'every byte once, in order');
    await t.tail.poll();
    assert.equal(t.texts.length, 2, 'nothing new: nothing handed on');
  });
  it('truncated and written again: read from its start', async () => {
    const t = follow();
    writeFileSync(t.file, line(1) + line(2) + line(3));
    await t.tail.poll();
    writeFileSync(t.file, line(7));
    await t.tail.poll();
    assert.equal(t.store.size, 4);
    assert.equal(t.tail.restarts, 1);
    appendFileSync(t.file, line(8));
    await t.tail.poll();
    assert.equal(t.store.size, 5);
  });
  it('rewritten in place, longer than before (same inode, size only grew): the changed bytes before the end tell, read from its start', async () => {
    const t = follow();
    writeFileSync(t.file, line(1));
    await t.tail.poll();
    writeFileSync(t.file, line(5) + line(6));
    await t.tail.poll();
    assert.deepEqual([t.store.size, t.tail.restarts], [3, 1]);
  });
  it('replaced by another file (rotation: a new inode): read from its start', async () => {
    const t = follow();
    writeFileSync(t.file, line(1) + line(2));
    await t.tail.poll();
    const next = `${t.file}.new`;
    writeFileSync(next, line(1) + line(2) + line(9));
    renameSync(next, t.file);
    await t.tail.poll();
    assert.deepEqual([t.store.size, t.tail.restarts], [3, 1]);
  });
  it('not there yet: waited for, read when it comes; gone, then back: read again', async () => {
    const t = follow();
    await t.tail.poll();
    assert.deepEqual([t.store.size, t.warnings], [0, []]);
    writeFileSync(t.file, line(1));
    await t.tail.poll();
    assert.equal(t.store.size, 1);
    rmSync(t.file);
    await t.tail.poll();
    writeFileSync(t.file, line(2));
    await t.tail.poll();
    assert.equal(t.store.size, 2);
  });
  it('bounded: past maxBytes it stops following, said once', async () => {
    const t = follow({ maxBytes: 3 * line(0).length });
    writeFileSync(t.file, line(1) + line(2));
    await t.tail.poll();
    appendFileSync(t.file, line(3) + line(4) + line(5));
    await t.tail.poll();
    await t.tail.poll();
    assert.equal(t.store.size, 3);
    assert.equal(t.tail.bytesRead, 3 * line(0).length);
    assert.equal(t.warnings.length, 1);
    assert.match(t.warnings[0], /bytes read from it: the rest is not followed/);
  });
  it('an overlong line without an end is handed on (counted as malformed by the store), not kept growing', async () => {
    const t = follow();
    writeFileSync(t.file, 'x'.repeat(5000));
    await t.tail.poll();
    appendFileSync(t.file, `\n${line(1)}`);
    await t.tail.poll();
    assert.equal(t.store.size, 1);
    assert.ok(t.store.malformed >= 1);
  });
  it('stop: a last look, and a last line without its newline counts', async () => {
    const t = follow();
    writeFileSync(t.file, line(1) + line(2).trimEnd());
    await t.tail.start();
    assert.equal(t.store.size, 1);
    await t.tail.stop();
    assert.equal(t.store.size, 2);
    appendFileSync(t.file, `\n${line(3)}`);
    await t.tail.poll();
    assert.equal(t.store.size, 2, 'stopped: not read any more');
  });
  it('liveKeyLogState: a missing key log is waited for; a directory is a user error', async () => {
    assert.equal(await liveKeyLogState(join(tmp, 'nope.keys')), 'missing');
    const dir = join(tmp, 'dir.keys');
    mkdirSync(dir);
    await assert.rejects(liveKeyLogState(dir), (e) => e instanceof UserError && /is a directory/.test(e.message));
    writeFileSync(join(tmp, 'ok.keys'), '');
    assert.equal(await liveKeyLogState(join(tmp, 'ok.keys')), undefined);
  });
  it('a directory named as the key log: said once, nothing read', async () => {
    const t = follow();
    mkdirSync(t.file);
    await t.tail.poll();
    await t.tail.poll();
    assert.equal(t.warnings.length, 1);
    assert.match(t.warnings[0], /is a directory/);
  });
});

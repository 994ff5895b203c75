/**
 * A capture read from standard input, a pipe or a FIFO (`tcpdump -U -w - | callscope -`,
 * `ssh host tcpdump -w - | callscope -`): the same calls as from the file, bytes decoded as they
 * come, and Ctrl-C printing what came instead of losing it.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { ROOT, SAMPLES } from '../helpers/samples';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('callscope-stdin-');
const CLI = join(tmp, 'cli.js');
const WALKTHROUGH = join(SAMPLES, 'xmlrpc-walkthrough/xmlrpc-walkthrough.pcap');
const REST = join(SAMPLES, 'rest-person-api/rest-person-api.pcapng');

before(async () => {
  await esbuild.build({ entryPoints: [join(ROOT, 'cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: CLI, logLevel: 'error' });
});

/** The CLI with `input` written to its stdin (a pipe), stdin then closed. */
function piped(input: Uint8Array, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', cwd: tmp, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function fromFile(file: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, file, ...args], { encoding: 'utf8', cwd: tmp, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('callscope - : the capture on standard input', () => {
  for (const file of [WALKTHROUGH, REST]) {
    it(`${file.slice(SAMPLES.length + 1)}: the JSONL and the table of the file`, () => {
      const bytes = readFileSync(file);
      for (const format of ['jsonl', 'table']) {
        const a = piped(bytes, '-', '--format', format, '--no-discover');
        const b = fromFile(file, '--format', format, '--no-discover');
        assert.equal(a.code, 0, a.err);
        assert.ok(a.out.length > 0);
        assert.equal(a.out, b.out);
      }
    });
  }
  it('gzip-compressed on stdin', () => {
    const a = piped(gzipSync(readFileSync(WALKTHROUGH)), '-');
    assert.equal(a.code, 0, a.err);
    assert.match(a.out, /fun_add\(2, 3\) → 5/);
  });
  it('nothing on stdin: exit 2 and a message naming stdin', () => {
    const a = piped(new Uint8Array(0), '-');
    assert.equal(a.code, 2);
    assert.equal(a.err, 'callscope: stdin: empty input, not a pcap or pcapng file\n');
  });
  it('not a capture on stdin: exit 2, its first bytes named', () => {
    const a = piped(new TextEncoder().encode('hello\n'), '-');
    assert.equal(a.code, 2);
    assert.equal(a.err, 'callscope: stdin: not a pcap or pcapng file (starts with 0x68656c6c)\n');
  });
  it('a FIFO named as the capture is read once, from its writer (not opened and closed beforehand)', async () => {
    const fifo = join(tmp, 'capture.fifo');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [CLI, fifo, '--format', 'jsonl'], { cwd: tmp });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    // (the writer opens the FIFO as the reader does: a reader that opened and closed it first would end the writer's side)
    createReadStream(WALKTHROUGH).pipe(createWriteStream(fifo));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0);
    assert.equal(out, fromFile(WALKTHROUGH, '--format', 'jsonl').out);
  });
});

describe('callscope - : a writer that keeps its end open (a live tcpdump)', () => {
  it('calls come out as their bytes come in; Ctrl-C stops reading and ends with what came', async () => {
    const bytes = readFileSync(WALKTHROUGH);
    const child = spawn(process.execPath, [CLI, '-', '--format', 'jsonl'], { cwd: tmp });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // The whole capture, and stdin left open: two calls, the second answered before the end.
    child.stdin.write(bytes);
    const deadline = Date.now() + 30_000;
    while (out.split('\n').length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(out.trim().split('\n').length, 2, `two lines before the writer ended (got ${JSON.stringify(out)}, ${err})`);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, err);
    assert.equal(out, fromFile(WALKTHROUGH, '--format', 'jsonl').out);
    assert.match(err, /interrupted: decoding what came so far/);
  });
});

/**
 * The CLI as a user runs it: output formats, exit codes and error messages.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { createServer, type AddressInfo } from 'node:net';
import { ROOT, SAMPLES } from '../helpers/samples';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('callscope-cli-');
const CLI = join(tmp, 'cli.js');
const WALKTHROUGH = join(SAMPLES, 'xmlrpc-walkthrough/xmlrpc-walkthrough.pcap');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  await esbuild.build({ entryPoints: [join(ROOT, 'cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: CLI, logLevel: 'error' });
});

describe('callscope CLI: the walkthrough sample', () => {
  it('table: prints fun_add(2, 3) → 5', () => {
    const r = cli(WALKTHROUGH);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /xmlrpc\s+fun_add\(2, 3\) → 5/);
    assert.match(r.out, /127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+/);
  });
  it('jsonl: one object per call, decoded values stay numbers', () => {
    const r = cli(WALKTHROUGH, '--format', 'jsonl');
    assert.equal(r.code, 0, r.err);
    const calls = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const add = calls.find((c) => c.method === 'fun_add');
    assert.ok(add, 'fun_add call present');
    assert.equal(add.protocol, 'xmlrpc');
    assert.deepEqual(add.request.value, [2, 3]);
    assert.equal(add.response.value, 5);
    assert.equal(add.status.ok, true);
    assert.equal(add.http.method, 'POST');
    const fault = calls.find((c) => c.status && c.status.ok === false);
    assert.ok(fault, 'the faulting call is present with ok:false');
  });
  it('har: a valid HAR 1.2 log of the HTTP exchanges', () => {
    const r = cli(WALKTHROUGH, '--format=har');
    assert.equal(r.code, 0, r.err);
    const har = JSON.parse(r.out);
    assert.equal(har.log.version, '1.2');
    assert.ok(har.log.entries.length >= 2);
    const e = har.log.entries[0];
    assert.equal(e.request.method, 'POST');
    assert.match(e.request.postData.text, /<methodCall>/);
    assert.equal(typeof e.time, 'number');
  });
  it('har: gRPC calls are entries too (HTTP/2 POSTs with their messages as JSON), none left out', () => {
    const r = cli(join(SAMPLES, 'grpc-person-api/grpc-person-api.pcap'), '--format', 'har');
    assert.equal(r.code, 0, r.err);
    const har = JSON.parse(r.out);
    assert.equal(har.log.entries.length, 8);
    assert.equal(har.log.comment, undefined);
    const e = har.log.entries[0];
    assert.equal(e.request.url, 'http://127.0.0.1:50051/callscope.person.v1.PersonService/GetPerson');
    assert.equal(e.request.postData.text, '{"id":"1"}');
    assert.equal(e.response.status, 200);
    assert.match(e.response.content.text, /"name":"Ada Lovelace"/);
  });
  it('--filter narrows the calls', () => {
    const r = cli(WALKTHROUGH, '--format', 'jsonl', '--filter', 'method == fun_add');
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 1);
  });
  it('a gzip-compressed capture is recognised by its bytes', () => {
    const gz = join(tmp, 'walk.pcap.gz');
    writeFileSync(gz, gzipSync(readFileSync(WALKTHROUGH)));
    const r = cli(gz);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /fun_add\(2, 3\) → 5/);
  });
  it('a capture gzipped twice (python3-libtrace ships one) is read through both layers, saying so; five layers are too many', () => {
    const gz = join(tmp, 'walk.pcap.gz.gz');
    writeFileSync(gz, gzipSync(gzipSync(readFileSync(WALKTHROUGH)), { level: 0 }));
    const r = cli(gz);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /fun_add\(2, 3\) → 5/);
    assert.match(r.err, /gzip-compressed 2 times over/);
    let many = readFileSync(WALKTHROUGH) as Buffer;
    for (let i = 0; i < 5; i++) many = gzipSync(many);
    writeFileSync(gz, many);
    const deep = cli(gz);
    assert.equal(deep.code, 2);
    assert.match(deep.err, /gzip-compressed, but not a pcap or pcapng file inside \(starts with 0x1f8b0800/);
  });
});

describe('callscope CLI: --max-body', () => {
  const PERSONS = join(SAMPLES, 'xmlrpc-person-api/xmlrpc-person-api.pcap');
  const previews = (out: string) => out.trim().split('\n').flatMap((l) => (JSON.parse(l).warnings as string[]).filter((w) => /preview/.test(w)));
  it('a smaller preview cuts the larger bodies, saying so and how to raise it; the default cuts none', () => {
    const small = cli(PERSONS, '--format', 'jsonl', '--max-body', '1k');
    assert.equal(small.code, 0, small.err);
    const w = previews(small.out);
    assert.ok(w.length > 0);
    assert.match(w[0], /longer than the 1 KiB preview \(--max-body, callscope\.maxBodyBytes\)/);
    const whole = cli(PERSONS, '--format', 'jsonl');
    assert.deepEqual(previews(whole.out), []);
  });
  it('sizes are 1024-based, with or without a unit, fractions rounded to bytes', () => {
    for (const [v, said] of [
      ['2048', '2 KiB'],
      ['2k', '2 KiB'],
      ['1.5k', '1536 bytes'],
    ]) {
      const r = cli(PERSONS, '--format', 'jsonl', '--max-body', v);
      assert.equal(r.code, 0, r.err);
      const w = previews(r.out);
      assert.ok(w.length > 0, v);
      for (const x of w) assert.match(x, new RegExp(`longer than the ${said} preview`), v);
    }
  });
  it('units as in filters: kB is 1000 bytes, k and KiB 1024', () => {
    for (const [v, said] of [
      ['2kB', '2000 bytes'],
      ['2KiB', '2 KiB'],
    ]) {
      const w = previews(cli(PERSONS, '--format', 'jsonl', '--max-body', v).out);
      assert.ok(w.length > 0, v);
      for (const x of w) assert.match(x, new RegExp(`longer than the ${said} preview`), v);
    }
  });
  it('sizes: 16M, 512KiB, 2048; nonsense and out of range are exit 2 with the accepted range', () => {
    for (const v of ['16M', '512KiB', '2048']) assert.equal(cli(WALKTHROUGH, '--max-body', v).code, 0, v);
    for (const v of ['5', 'lots', '1G', '3 parsecs', '512MB']) {
      const r = cli(WALKTHROUGH, '--max-body', v);
      assert.equal(r.code, 2, v);
      assert.match(r.err, /--max-body must be a size from 1k to 256M/);
    }
  });
});

describe('callscope CLI: --filter with a mistyped field', () => {
  it('http.stauts: a warning with the documented name it was likely meant to be; a correct filter gives none', () => {
    const typo = cli(WALKTHROUGH, '--filter', 'http.stauts == 200');
    assert.equal(typo.code, 0, typo.err);
    assert.match(typo.err, /--filter: 'http\.stauts' is not a field callscope documents — did you mean http\.status\?/);
    const ok = cli(WALKTHROUGH, '--filter', 'http.status == 200');
    assert.doesNotMatch(ok.err, /did you mean/);
    assert.match(ok.out, /fun_add/);
  });
});

describe('callscope CLI: bad input', () => {
  it('not a capture: exit 2 and the first bytes named', () => {
    const f = join(tmp, 'notes.txt');
    writeFileSync(f, 'hello world');
    const r = cli(f);
    assert.equal(r.code, 2);
    assert.equal(r.err.trim(), `callscope: ${f}: not a pcap or pcapng file (starts with 0x68656c6c)`);
    assert.doesNotMatch(r.err, /at .*\.js/);
  });
  it('another capture format, an archive, a HAR: named, with what to do', () => {
    for (const [bytes, said] of [
      [Buffer.from('736e6f6f700000000000000200000004', 'hex'), /starts with 0x736e6f6f: a Solaris snoop capture; convert it with `editcap -F pcapng FILE OUT\.pcapng`/],
      [Buffer.from('474d425502000100', 'hex'), /0x474d4255: a Microsoft Network Monitor capture/],
      [Buffer.from('504b0304140000000800', 'hex'), /0x504b0304: a ZIP archive; unzip it/],
      [Buffer.from('fd377a585a000004e6d6b446', 'hex'), /xz-compressed; `xz -d` it first/],
      [Buffer.from('  {"log": {"version": "1.2"'), /JSON text, not a capture \(a HAR file\?/],
    ] as const) {
      const f = join(tmp, 'other.bin');
      writeFileSync(f, bytes);
      const r = cli(f);
      assert.equal(r.code, 2);
      assert.match(r.err, /not a pcap or pcapng file \(starts with /);
      assert.match(r.err, said);
    }
  });
  it('missing file: the OS reason', () => {
    const r = cli(join(tmp, 'nope.pcap'));
    assert.equal(r.code, 2);
    assert.match(r.err, /nope\.pcap: no such file/);
  });
  it('unreadable file: the OS reason', { skip: process.getuid?.() === 0 ? 'root reads everything' : false }, () => {
    const f = join(tmp, 'locked.pcap');
    writeFileSync(f, readFileSync(WALKTHROUGH));
    chmodSync(f, 0);
    const r = cli(f);
    assert.equal(r.code, 2);
    assert.match(r.err, /permission denied/);
  });
  it('truncated capture: complete calls printed, plus a warning naming where it ends', () => {
    const whole = readFileSync(WALKTHROUGH);
    const f = join(tmp, 'cut.pcap');
    writeFileSync(f, whole.subarray(0, whole.length - 30));
    const r = cli(f, '--format', 'jsonl');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /fun_add/);
    assert.match(r.err, /warning: .*(ends|truncat)/i);
  });
  it('bad options: exit 2 with the reason', () => {
    assert.equal(cli(WALKTHROUGH, '--format', 'xml').code, 2);
    const r = cli(WALKTHROUGH, '--decode-as', 'tcp.port=8000,http');
    assert.equal(r.code, 2);
    assert.match(r.err, /expected tcp\.port==PORT,PROTOCOL/);
    const u = cli(WALKTHROUGH, '--decode-as', 'tcp.port==8000,nosuch');
    assert.match(u.err, /unknown protocol "nosuch"/);
    const f = cli(WALKTHROUGH, '--filter', 'http.status >=');
    assert.equal(f.code, 2);
    assert.match(f.err, /bad --filter/);
    assert.equal(cli().code, 2);
    assert.equal(cli('--help').code, 0);
  });
  it('--decode-as turns a raw flow into calls', () => {
    // The walkthrough decoded as something else is no longer XML-RPC.
    const r = cli(WALKTHROUGH, '--format', 'jsonl', '--decode-as', 'tcp.port==8000,redis');
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /"protocol":"xmlrpc"/);
  });
});

describe('callscope CLI: live subcommands (options shared by capture and proxy)', () => {
  it('proxy with -w, --format and --duration runs, stops by itself and saves a pcapng', async () => {
    const out = join(tmp, 'proxy.pcapng');
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const r = cli('proxy', '--listen', `127.0.0.1:${port}`, '--target', '127.0.0.1:9', '-w', out, '--format', 'jsonl', '--duration', '0.5');
    assert.equal(r.code, 0, r.err);
    const head = readFileSync(out).subarray(0, 4);
    assert.equal(head.toString('hex'), '0a0d0d0a', 'a pcapng section header');
  });
  it('bad shared options are user errors with the reason', () => {
    const d = cli('proxy', '--listen', '127.0.0.1:9000', '--target', '127.0.0.1:9', '--duration', '-1');
    assert.equal(d.code, 2);
    assert.match(d.err, /--duration must be a positive number/);
    const f = cli('capture', '--format', 'xml');
    assert.equal(f.code, 2);
    const u = cli('capture', '--bogus');
    assert.equal(u.code, 2);
    assert.match(u.err, /capture: unknown option --bogus/);
  });
});

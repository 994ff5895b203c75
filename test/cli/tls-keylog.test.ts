/**
 * CLI: TLS key logs. `--tls-keylog FILE` (repeatable), the key logs found beside the capture,
 * `--no-discover`, and a missing key log (exit 2 with the OS reason, like any user error).
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT, SAMPLES } from '../helpers/samples';
import { freePort } from '../live/util';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('callscope-keylog-');
const CLI = join(tmp, 'cli.js');
const SAMPLE = join(SAMPLES, 'tls-keylog/tls-keylog.pcap');
const KEYS = join(SAMPLES, 'tls-keylog/tls-keylog.keys');
/** The capture alone, in a folder without its key log. */
const ALONE = join(tmp, 'alone.pcap');

function cli(...args: string[]) {
  return cliEnv({}, ...args);
}
function cliEnv(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT, timeout: 60_000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const protocols = (jsonl: string) => jsonl.trim().split('\n').map((l) => JSON.parse(l).protocol as string);

before(async () => {
  await esbuild.build({ entryPoints: [join(ROOT, 'cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: CLI, logLevel: 'error' });
  copyFileSync(SAMPLE, ALONE);
});

describe('callscope CLI: --tls-keylog', () => {
  it('the key log beside the capture is read: the calls inside TLS are listed (table)', () => {
    const r = cli(SAMPLE);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /http\s+GET \/persons\/1\s+✓ 200 OK/);
    assert.match(r.out, /grpc\s+notes\.Notes\/List/);
    assert.match(r.out, /35 calls/);
  });
  it('a capture alone: only the tls calls', () => {
    const r = cli(ALONE, '--format', 'jsonl');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual([...new Set(protocols(r.out))], ['tls']);
  });
  it('--tls-keylog FILE decrypts it (jsonl), the decrypted calls carry the TLS facts', () => {
    const r = cli(ALONE, '--format', 'jsonl', '--tls-keylog', KEYS);
    assert.equal(r.code, 0, r.err);
    const calls = r.out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(calls.length, 35);
    const post = calls.find((c) => c.method === 'POST');
    assert.equal(post.protocol, 'http2');
    assert.equal(post.fields['tls.handshake.ciphersuite'], 'TLS_AES_256_GCM_SHA384');
    assert.equal(post.fields['tls.handshake.extensions_server_name'], 'api.callscope.test');
  });
  it('in a decoding worker: the key logs (named, beside) decrypt there too (jsonl, table)', () => {
    const worker = { CALLSCOPE_WORKERS: '1', CALLSCOPE_PARALLEL_MIN_BYTES: '0', CALLSCOPE_PARALLEL_DEBUG: '1' };
    const inThread = cli(ALONE, '--format', 'jsonl', '--tls-keylog', KEYS);
    const r = cliEnv(worker, ALONE, '--format', 'jsonl', '--tls-keylog', KEYS);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /parallel run \(1 worker\): done/);
    assert.equal(r.out, inThread.out);
    assert.equal(protocols(r.out).length, 35);
    const beside = cliEnv(worker, SAMPLE);
    assert.match(beside.err, /parallel run \(1 worker\): done/);
    assert.match(beside.out, /35 calls/);
  });
  it('--no-discover: the key log beside the capture is not read', () => {
    const r = cli(SAMPLE, '--format', 'jsonl', '--no-discover');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual([...new Set(protocols(r.out))], ['tls']);
  });
  it('a missing key log: exit 2 with the OS reason, nothing decoded', () => {
    const r = cli(ALONE, '--tls-keylog', join(tmp, 'nope.keys'));
    assert.equal(r.code, 2);
    assert.match(r.err, /nope\.keys: no such file/);
    assert.equal(r.out, '');
    const dir = cli(ALONE, '--tls-keylog', tmp);
    assert.equal(dir.code, 2);
    assert.match(dir.err, /is a directory/);
  });
  it('a key log without secrets: a warning on stderr, decoding goes on', () => {
    const f = join(tmp, 'empty.keys');
    writeFileSync(f, '# nothing here\nEXPORTER_SECRET 00 11\n');
    const r = cli(ALONE, '--format', 'jsonl', '--tls-keylog', f);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /empty\.keys: no TLS secrets in it/);
    writeFileSync(f, 'CLIENT_RANDOM 0011 2233\n');
    assert.match(cli(ALONE, '--format', 'jsonl', '--tls-keylog', f).err, /empty\.keys: 1 key log line could not be read/);
  });
  it('--tls-keylog needs a value', () => {
    const r = cli(ALONE, '--tls-keylog');
    assert.equal(r.code, 2);
    assert.match(r.err, /--tls-keylog needs a value/);
  });
});

describe('platform/keylog: loadKeyLogs', () => {
  it('a named key log that is also beside the capture is read once; an unreadable one is a warning with unreadable: warn', async () => {
    const { loadKeyLogs } = await import('../../cli/platform/keylog');
    const dir = tempDir('callscope-keylog-load-');
    const capture = join(dir, 'c.pcap');
    copyFileSync(SAMPLE, capture);
    const keys = join(dir, 'c.keys');
    copyFileSync(KEYS, keys);
    const once = await loadKeyLogs({ files: [keys], captureFile: capture });
    assert.equal(once.text, `${readFileSync(KEYS, 'latin1')}\n`);
    assert.deepEqual(once.warnings, []);
    const missing = join(dir, 'nope.keys');
    await assert.rejects(loadKeyLogs({ files: [missing] }), /nope\.keys: no such file/);
    const warned = await loadKeyLogs({ files: [missing], captureFile: capture, unreadable: 'warn' });
    assert.deepEqual(warned.warnings, [`${missing}: no such file (not read)`]);
    assert.equal(warned.text, once.text);
  });
  it('keyLogStamp: the named key logs and those beside the capture; it changes when one grows', async () => {
    const { keyLogStamp, keyLogFilesBeside } = await import('../../cli/platform/keylog-files');
    const dir = tempDir('callscope-keylog-stamp-');
    const capture = join(dir, 'c.pcap');
    writeFileSync(capture, '');
    writeFileSync(join(dir, 'b.keylog'), 'x');
    writeFileSync(join(dir, 'sslkeylog-1.txt'), 'x');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    assert.deepEqual(await keyLogFilesBeside(capture), [join(dir, 'b.keylog'), join(dir, 'sslkeylog-1.txt')]);
    const named = join(tmp, 'named.keys');
    writeFileSync(named, 'x');
    const before = await keyLogStamp([named], capture);
    assert.deepEqual(before.split('|').map((p) => p.split(':')[0]), [named, join(dir, 'b.keylog'), join(dir, 'sslkeylog-1.txt')]);
    writeFileSync(join(dir, 'b.keylog'), 'xy');
    assert.notEqual(await keyLogStamp([named], capture), before);
  });
});

describe('callscope capture|proxy --tls-keylog (live)', () => {
  it('the help says how live capture and the proxy decrypt TLS', () => {
    const r = cli('capture', '--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /capture \[-i IFACE\][\s\S]*--tls-keylog FILE/);
    assert.match(r.out, /followed as the client appends to it/);
    assert.match(r.out, /never terminates TLS/);
  });
  it('a directory named as the key log: exit 2 before anything starts', async () => {
    const r = cli('proxy', '--listen', `127.0.0.1:${await freePort()}`, '--target', '127.0.0.1:1', '--tls-keylog', tmp, '--duration', '0.2');
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /is a directory/);
  });
  it('a key log not there yet: said, then waited for while recording', async () => {
    const r = cli('proxy', '--listen', `127.0.0.1:${await freePort()}`, '--target', '127.0.0.1:1', '--tls-keylog', join(tmp, 'later.keys'), '--duration', '0.3');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /later\.keys does not exist yet: it is read as soon as the client writes it/);
    assert.match(r.err, /decrypting TLS with .*later\.keys \(followed as it grows\)/);
  });
});

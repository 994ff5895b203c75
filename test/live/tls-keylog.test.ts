/**
 * Live capture decrypts TLS with a key log that grows while capturing (cli/platform/live-feed.ts,
 * keylog.ts KeyLogTail, decoders/tls HOLD_*):
 *  - the TLS sample capture fed through a LiveFeed whose key log is written in two halves during
 *    the feed, each after the packets it decrypts: the same 35 calls as `callscope
 *    samples/tls-keylog/tls-keylog.pcap`;
 *  - a real capture (tcpdump on lo, root): a node https server, a `node --tls-keylog=FILE` client
 *    in its own process writing the key log as it connects; the decrypted calls appear while
 *    capturing;
 *  - the recording proxy relays a TLS connection as it is (it never terminates TLS): with the
 *    client's key log, the calls through it are decrypted the same way.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Call } from '../../decoders/core/model';
import { Pipeline } from '../../decoders/pipeline';
import { nodeEnv } from '../../cli/platform/node-env';
import { LiveFeed } from '../../cli/platform/live-feed';
import { LiveCapture } from '../../cli/platform/live';
import { ProxySet } from '../../cli/platform/proxy';
import { loadDefinitions } from '../../cli/platform/definitions';
import { SAMPLES } from '../helpers/samples';
import { KeyLog } from '../../decoders/tls/keylog';
import { essence, freePort, has, isRoot, waitFor } from './util';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'callscope-live-tls-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const SAMPLE = join(SAMPLES, 'tls-keylog/tls-keylog.pcap');
const KEYS = join(SAMPLES, 'tls-keylog/tls-keylog.keys');

const sorted = (calls: Call[]) => calls.map((c) => JSON.stringify(essence(c))).sort();

describe('live: TLS decrypted with a key log that grows during the capture', () => {
  it('the TLS sample through a LiveFeed, its key log written in two halves during the feed: the same 35 calls as from the file', async () => {
    const { definitions } = await loadDefinitions({ captureFile: SAMPLE });
    const pcap = new Uint8Array(readFileSync(SAMPLE));
    const keyText = readFileSync(KEYS, 'latin1');

    // The reference: the file with its key log, as `callscope tls-keylog.pcap` decodes it.
    const reference: Call[] = [];
    const p = new Pipeline({ env: nodeEnv({ definitions, tlsKeyLog: keyText }) }, { call: (c) => reference.push(c) });
    p.push(pcap);
    p.end();
    assert.equal(reference.length, 35);

    // Live: the key log is empty when the feed starts; each half is appended after the packets it decrypts.
    const keyFile = join(tmp, 'sample.keys');
    writeFileSync(keyFile, '');
    const calls: Call[] = [];
    const warnings: string[] = [];
    const feed = new LiveFeed({ definitions, tlsKeyLogs: [keyFile], keyLogIntervalMs: 50 }, { call: (c) => calls.push(c), warning: (w) => warnings.push(w.message) });
    await feed.ready;
    const lines = keyText.split('\n').filter(Boolean);
    const halves = [lines.slice(0, lines.length >> 1), lines.slice(lines.length >> 1)];
    const kept = (text: string) => {
      const k = new KeyLog();
      k.add(text);
      return k.size;
    };
    const cut = pcap.length >> 1;
    const step = 1500;
    for (let o = 0; o < cut; o += step) feed.push(pcap.subarray(o, Math.min(o + step, cut)));
    const before = calls.filter((c) => c.protocol !== 'tls').length;
    appendFileSync(keyFile, `${halves[0].join('\n')}\n`);
    assert.ok(await waitFor(() => feed.keyLog!.size >= kept(halves[0].join('\n')), 10_000), 'the first half read');
    const afterFirst = calls.filter((c) => c.protocol !== 'tls').length;
    for (let o = cut; o < pcap.length; o += step) feed.push(pcap.subarray(o, Math.min(o + step, pcap.length)));
    // The second half in two writes, the first ending in the middle of a line.
    const second = `${halves[1].join('\n')}\n`;
    appendFileSync(keyFile, second.slice(0, 100));
    await new Promise((r) => setTimeout(r, 120));
    appendFileSync(keyFile, second.slice(100));
    assert.ok(await waitFor(() => feed.keyLog!.size >= kept(keyText), 10_000), 'the second half read');
    const beforeEnd = calls.length;
    await feed.end();
    process.stdout.write(`# decrypted calls: ${before} before any secret, ${afterFirst} after the first half, ${calls.filter((c) => c.protocol !== 'tls').length} in all (${beforeEnd} calls before the end, ${calls.length} after)\n`);

    assert.equal(before, 0, 'nothing decrypted before its secrets');
    assert.ok(afterFirst > 0, 'the first half decrypts calls at once');
    assert.equal(calls.length, 35, warnings.join('\n'));
    assert.deepEqual(sorted(calls), sorted(reference));
    assert.equal(feed.keyLog!.malformed, 0);
  });

  it('real capture: tcpdump on lo, an https server, a `node --tls-keylog=FILE` client: the calls come out decrypted while capturing', {
    skip: !has('tcpdump') ? 'tcpdump is not installed' : !isRoot() ? 'not root: tcpdump needs capture permission here' : !has('openssl') ? 'openssl is needed for a certificate' : false,
    timeout: 60_000,
  }, async () => {
    const key = join(tmp, 'key.pem');
    const cert = join(tmp, 'cert.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=live.callscope.test', '-keyout', key, '-out', cert]);
    const port = await freePort();
    const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    const keyFile = join(tmp, 'live.keys');
    rmSync(keyFile, { force: true }); // not there yet: the client creates it
    const calls: Array<{ call: Call; at: number }> = [];
    const warnings: string[] = [];
    const cap = new LiveCapture({ interface: 'lo', filter: `tcp port ${port}`, file: join(tmp, 'live.pcapng'), tool: 'tcpdump', tlsKeyLogs: [keyFile] }, { call: (c) => calls.push({ call: c, at: performance.now() }), warning: (w) => warnings.push(w.message) });
    // A client in its own process, TLS 1.3 then TLS 1.2, each call on a connection of its own (agent: false), the key log written by node.
    const client = (paths: string[], maxVersion: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const script = `
          const https = require('https');
          (async () => {
            for (const p of ${JSON.stringify(paths)}) {
              await new Promise((res, rej) => https.get({ host: '127.0.0.1', port: ${port}, path: p, agent: false, rejectUnauthorized: false, servername: 'live.callscope.test', maxVersion: '${maxVersion}' }, (r) => { r.resume(); r.on('end', res); }).on('error', rej));
            }
          })().catch((e) => { console.error(e.message); process.exitCode = 1; });`;
        // (no process.exit: node writes its --tls-keylog lines through a stream, which an exit would cut)
        // (asynchronously: the server answering it is in this process)
        const child = execFile(process.execPath, [`--tls-keylog=${keyFile}`, '-e', script], { encoding: 'utf8', timeout: 20_000 }, (_e, _out, err) => resolve({ code: child.exitCode, out: err }));
      });
    try {
      await cap.start();
      // warm up: tcpdump may say "listening" a moment before its filter is live
      let warm = false;
      for (let k = 0; k < 20 && !warm; k++) {
        const r = await client([`/warmup/${k}`], 'TLSv1.3');
        assert.equal(r.code, 0, r.out);
        warm = !!(await waitFor(() => calls.find((c) => c.call.target === `/warmup/${k}`), 3000, 5));
      }
      assert.ok(warm, `no decrypted call seen while warming up (warnings: ${warnings.join('; ')}; calls: ${calls.map((c) => `${c.call.protocol} ${c.call.target}`).join(', ')})`);
      const t0 = performance.now();
      const r13 = await client(['/v13/a', '/v13/b'], 'TLSv1.3');
      const r12 = await client(['/v12/a'], 'TLSv1.2');
      const clientsDone = performance.now();
      assert.equal(r13.code, 0, r13.out);
      assert.equal(r12.code, 0, r12.out);
      for (const p of ['/v13/a', '/v13/b', '/v12/a']) {
        const seen = await waitFor(() => calls.find((c) => c.call.target === p), 10_000, 5);
        assert.ok(seen, `${p} decrypted while capturing (warnings: ${warnings.join('; ')}; calls: ${calls.map((c) => `${c.call.protocol} ${c.call.target} [${c.call.warnings.join(' | ')}]`).join(', ')}; key log: ${readFileSync(keyFile, 'latin1').split('\n').length} lines)`);
        assert.equal(seen.call.protocol, 'http');
        assert.equal(seen.call.status?.code, 200);
        assert.equal(seen.call.fields['tls.handshake.extensions_server_name'], 'live.callscope.test');
        assert.equal(seen.call.fields['tls.handshake.version'], p.startsWith('/v13') ? 'TLS 1.3' : 'TLS 1.2');
      }
      const last = Math.max(...calls.filter((c) => c.call.target?.startsWith('/v1')).map((c) => c.at));
      process.stdout.write(`# live: 3 HTTPS calls decrypted, the last ${(last - t0).toFixed(0)} ms after the clients started, ${Math.max(0, last - clientsDone).toFixed(0)} ms after they exited\n`);
    } finally {
      await cap.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
    const tls = calls.filter((c) => c.call.protocol === 'tls');
    assert.ok(tls.length >= 3);
    const keyLogText = readFileSync(keyFile, 'latin1');
    for (const t of tls) {
      const random = /client random ([0-9a-f]+)…/.exec(t.call.warnings.join(' '))?.[1];
      assert.ok(!random, `${t.call.warnings.join('; ')} — in the key log at the end: ${random && keyLogText.includes(random)}; ${tls.length} tls calls, this one #${tls.indexOf(t)} at ${((t.at - tls[0].at) / 1000).toFixed(2)} s, messages ${t.call.messages?.map((m) => `${m.dir} ${m.label}`).join(', ')}`);
    }
  });

  it('the recording proxy: a client speaking TLS through it to a TLS server is recorded encrypted; its key log decrypts the calls', { skip: !has('openssl') ? 'openssl is needed for a certificate' : false, timeout: 30_000 }, async () => {
    const key = join(tmp, 'pkey.pem');
    const cert = join(tmp, 'pcert.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=proxy.callscope.test', '-keyout', key, '-out', cert]);
    const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => res.end(`hello ${req.url}`));
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    const keyFile = join(tmp, 'proxy.keys');
    writeFileSync(keyFile, '');
    const calls: Call[] = [];
    const feed = new LiveFeed({ tlsKeyLogs: [keyFile] }, { call: (c) => calls.push(c) });
    await feed.ready;
    const set = new ProxySet((b) => feed.push(b));
    try {
      const listen = await set.add({ listen: { host: '127.0.0.1', port: await freePort() }, target: { host: '127.0.0.1', port } });
      for (const p of ['/one', '/two']) {
        const body = await new Promise<string>((resolve, reject) => {
          const req = https.get({ host: '127.0.0.1', port: listen.address!.port, path: p, agent: false, rejectUnauthorized: false, servername: 'proxy.callscope.test' }, (res) => {
            let b = '';
            res.on('data', (d) => (b += d));
            res.on('end', () => resolve(b));
          });
          req.on('socket', (sock) => sock.on('keylog', (line) => appendFileSync(keyFile, line)));
          req.on('error', reject);
        });
        assert.equal(body, `hello ${p}`);
      }
      for (const p of ['/one', '/two']) assert.ok(await waitFor(() => calls.find((c) => c.protocol === 'http' && c.target === p), 5000), `${p} decrypted`);
    } finally {
      await set.close();
      await feed.end();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
    assert.deepEqual(calls.filter((c) => c.protocol === 'http').map((c) => `${c.method} ${c.target} ${c.status?.code}`), ['GET /one 200', 'GET /two 200']);
    assert.equal(calls.filter((c) => c.protocol === 'tls').length, 2);
  });
});

/**
 * Replay against a changed server: record a session with server v1 through the proxy, start v2
 * (a changed field, a changed status), replay → the diff names exactly those changes; the CLI
 * exits 1. Resend of a gRPC call from the sample capture to the live sample server (encoded with
 * its .proto), edited and not.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Call } from '../../decoders/core/model';
import { ProxySet } from '../../cli/platform/proxy';
import { LiveFeed } from '../../cli/platform/live-feed';
import { replayCapture, resendCall } from '../../cli/platform/replay';
import { analyzeFile } from '../../cli/platform/analyze';
import { loadDefinitions } from '../../cli/platform/definitions';
import { editableOf } from '../../decoders/replay/request';
import { freePort, waitFor } from './util';
import { ROOT, SAMPLES } from '../helpers/samples';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'callscope-replay-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A small JSON API + JSON-RPC + XML-RPC server; v2 changes one field, one status, one RPC result. */
function apiServer(version: 1 | 2, port: number): Promise<http.Server> {
  const s = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/rpc') {
        const m = JSON.parse(body);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: version === 1 ? m.params[0] + m.params[1] : m.params[0] * m.params[1] }));
        return;
      }
      if (req.url === '/RPC2') {
        res.setHeader('content-type', 'text/xml');
        const name = /<string>([^<]*)<\/string>/.exec(body)?.[1] ?? '?';
        res.end(`<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>greeting</name><value><string>hello ${name}</string></value></member><member><name>v</name><value><int>1</int></value></member></struct></value></param></params></methodResponse>`);
        return;
      }
      if (req.url === '/persons/1') {
        res.setHeader('content-type', 'application/json');
        res.setHeader('date', new Date(Date.now() + Math.random() * 1e6).toUTCString());
        res.end(JSON.stringify({ id: 1, name: 'Ada', email: version === 1 ? 'ada@example.com' : 'ada@example.org', tags: ['math'] }));
        return;
      }
      if (req.url === '/persons/2') {
        res.statusCode = version === 1 ? 200 : 404;
        res.setHeader('content-type', 'application/json');
        res.end(version === 1 ? JSON.stringify({ id: 2, name: 'Alan' }) : JSON.stringify({ error: 'not found' }));
        return;
      }
      res.statusCode = 404;
      res.end();
    });
  });
  return new Promise((r) => s.listen(port, '127.0.0.1', () => r(s)));
}

function stop(s: http.Server): Promise<void> {
  s.closeAllConnections();
  return new Promise((r) => s.close(() => r()));
}

async function recordSession(serverPort: number, file: string): Promise<Call[]> {
  const calls: Call[] = [];
  const feed = new LiveFeed({ file }, { call: (c) => calls.push(c) });
  const set = new ProxySet((b) => feed.push(b));
  try {
    const p = await set.add({ listen: { host: '127.0.0.1', port: await freePort() }, target: { host: '127.0.0.1', port: serverPort } });
    const base = `http://127.0.0.1:${p.address!.port}`;
    await run('curl', ['-s', `${base}/persons/1`]);
    await run('curl', ['-s', `${base}/persons/2`]);
    await run('curl', ['-s', '-H', 'content-type: application/json', '-d', '{"jsonrpc":"2.0","method":"calc","params":[3,4],"id":7}', `${base}/rpc`]);
    await run('curl', ['-s', '-H', 'content-type: text/xml', '-d', '<?xml version="1.0"?><methodCall><methodName>greet</methodName><params><param><value><string>Ada</string></value></param></params></methodCall>', `${base}/RPC2`]);
    await waitFor(() => calls.length >= 4, 2000);
  } finally {
    await set.close();
    await feed.end();
  }
  return calls;
}

describe('replay', () => {
  it('replay all against a changed server names each change; unchanged calls stay unchanged', async () => {
    const port = await freePort();
    const file = join(tmp, 'v1.pcapng');
    let v1 = await apiServer(1, port);
    let recorded: Call[];
    try {
      recorded = await recordSession(port, file);
    } finally {
      await stop(v1);
    }
    assert.deepEqual(recorded.map((c) => c.protocol), ['http', 'http', 'jsonrpc', 'xmlrpc']);
    // Same server: nothing changed (date header differs but is volatile).
    v1 = await apiServer(1, port);
    try {
      const same = await replayCapture(file, { target: { host: '127.0.0.1', port } });
      assert.deepEqual(same.map((r) => r.outcome), ['same', 'same', 'same', 'same'], JSON.stringify(same.map((r) => r.changes)));
    } finally {
      await stop(v1);
    }
    const v2 = await apiServer(2, port);
    try {
      const res = await replayCapture(file, { target: { host: '127.0.0.1', port } });
      assert.deepEqual(res.map((r) => r.outcome), ['changed', 'changed', 'changed', 'same']);
      assert.deepEqual(res[0].changes.map((c) => [c.path, c.before, c.after]), [['body.email', 'ada@example.com', 'ada@example.org']]);
      const paths = res[1].changes.map((c) => c.path);
      assert.ok(paths.includes('status.code') && paths.includes('status.ok'), paths.join(','));
      assert.deepEqual(res[2].changes.map((c) => [c.path, c.before, c.after]), [['body', 7, 12]]);
      // The CLI: exit 1 when something changed, a line per change.
      const cli = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'replay', file, '--target', `127.0.0.1:${port}`], { cwd: ROOT }).then(
        () => ({ code: 0, stdout: '' }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
      assert.equal(cli.code, 1);
      assert.match(cli.stdout, /CHANGED\s+#\d+ http GET \/persons\/1/);
      assert.match(cli.stdout, /body\.email: "ada@example\.com" → "ada@example\.org"/);
      assert.match(cli.stdout, /SAME\s+#\d+ xmlrpc/);
    } finally {
      await stop(v2);
    }
  });

  it('asks before sending anywhere but loopback (CLI)', async () => {
    const r = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'replay', join(SAMPLES, 'jsonrpc-person-api/jsonrpc-person-api.pcap'), '--target', '192.0.2.1:80'], { cwd: ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--allow-remote/);
  });

  it('resend a captured gRPC call (encoded from the .proto), as is and edited', { skip: existsSync(join(SAMPLES, 'node_modules/@grpc/grpc-js')) ? false : 'samples/node_modules not installed' }, async () => {
    const capture = join(SAMPLES, 'grpc-person-api/grpc-person-api.pcap');
    const defs = await loadDefinitions({ captureFile: capture, protoDirs: [] });
    const calls: Call[] = [];
    await analyzeFile(capture, { definitions: defs.definitions }, { call: (c) => calls.push(c) });
    const get = calls.find((c) => c.method.endsWith('/GetPerson') && c.status?.code === 0)!;
    assert.ok(get);
    const port = await freePort();
    const server = spawn(process.execPath, [join(SAMPLES, 'grpc-person-api/server.js'), String(port)], { stdio: 'ignore' });
    try {
      let r = await resendCall(get, { target: { host: '127.0.0.1', port }, definitions: defs.definitions });
      for (let i = 0; i < 30 && r.error; i++) {
        await new Promise((res) => setTimeout(res, 100));
        r = await resendCall(get, { target: { host: '127.0.0.1', port }, definitions: defs.definitions });
      }
      assert.equal(r.error, undefined);
      assert.equal(r.call?.protocol, 'grpc');
      assert.deepEqual(r.changes, [], JSON.stringify(r.changes));
      const e = editableOf(get);
      assert.deepEqual(e.value, { id: '1' });
      const r2 = await resendCall(get, { target: { host: '127.0.0.1', port }, definitions: defs.definitions, edited: { id: '2' } });
      const paths = r2.changes.map((c) => c.path);
      assert.ok(paths.includes('body.name') && paths.includes('body.id'), paths.join(','));
      const r3 = await resendCall(get, { target: { host: '127.0.0.1', port }, definitions: defs.definitions, edited: { id: '42' } });
      assert.ok(r3.changes.some((c) => c.path === 'status.code' && c.after === 5), JSON.stringify(r3.changes));
    } finally {
      server.kill('SIGTERM');
    }
  });

  it('a refused target is an error, not a crash', async () => {
    const calls: Call[] = [];
    await analyzeFile(join(SAMPLES, 'jsonrpc-person-api/jsonrpc-person-api.pcap'), {}, { call: (c) => calls.push(c) });
    const r = await resendCall(calls[0], { target: { host: '127.0.0.1', port: await freePort() } });
    assert.match(r.error ?? '', /refused|ECONNRESET|socket hang up/);
    void readFileSync;
  });
});

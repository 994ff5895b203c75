/**
 * The recording proxy with real clients and servers on loopback (ports 8800–8899): curl →
 * proxy → node:http; connect failures; several proxies at once; redis-cli → proxy →
 * redis-server; @grpc/grpc-js client → proxy → the gRPC sample server; and the proxy's pcapng
 * against a tcpdump capture of the same session.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type { Call } from '../../decoders/core/model';
import { ProxySet, parseHostPort, type ProxyEvent } from '../../cli/platform/proxy';
import { LiveFeed } from '../../cli/platform/live-feed';
import { LiveCapture } from '../../cli/platform/live';
import { decodeBytes, essence, freePort, has, isRoot, waitFor } from './util';
import { ROOT, SAMPLES } from '../helpers/samples';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'callscope-proxy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function httpServer(handler: http.RequestListener): Promise<{ port: number; close: () => Promise<void> }> {
  const port = await freePort();
  return new Promise((resolve) => {
    const s = http.createServer(handler);
    s.keepAliveTimeout = 100;
    s.listen(port, '127.0.0.1', () =>
      resolve({
        port,
        close: () =>
          new Promise<void>((r) => {
            s.closeAllConnections();
            s.close(() => r());
          }),
      }),
    );
  });
}

async function recorder(file?: string) {
  const calls: Call[] = [];
  const events: ProxyEvent[] = [];
  const feed = new LiveFeed({ file }, { call: (c) => calls.push(c) });
  const set = new ProxySet((b) => feed.push(b), { onEvent: (e) => events.push(e) });
  return { calls, events, feed, set };
}

describe('recording proxy', () => {
  it('curl → proxy → node:http: calls appear live, the pcapng reads back to the same calls', async () => {
    const srv = await httpServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ path: req.url, method: req.method, got: body ? JSON.parse(body) : null }));
      });
    });
    const file = join(tmp, 'curl.pcapng');
    const r = await recorder(file);
    try {
      const p = await r.set.add({ listen: { host: '127.0.0.1', port: await freePort() }, target: { host: '127.0.0.1', port: srv.port } });
      const base = `http://127.0.0.1:${p.address!.port}`;
      const { stdout: a } = await run('curl', ['-s', '--max-time', '5', `${base}/persons/1`]);
      assert.equal(JSON.parse(a).path, '/persons/1');
      const t0 = Date.now();
      const got = await waitFor(() => r.calls.length >= 1, 5000);
      assert.ok(got, 'first call decoded live');
      assert.ok(Date.now() - t0 < 500, `call appeared ${Date.now() - t0} ms after the response`);
      const { stdout: b } = await run('curl', ['-s', '--max-time', '5', '-H', 'content-type: application/json', '-d', '{"name":"Ada","tags":["x"]}', `${base}/persons`]);
      assert.deepEqual(JSON.parse(b).got, { name: 'Ada', tags: ['x'] });
      await waitFor(() => r.calls.length >= 2, 5000);
      await waitFor(() => r.events.filter((e) => e.type === 'closed').length >= 2, 5000);
    } finally {
      await r.set.close();
      await r.feed.end();
      await srv.close();
    }
    assert.equal(r.calls.length, 2);
    assert.equal(r.calls[0].method, 'GET');
    assert.equal(r.calls[0].server.port, srv.port);
    assert.equal((r.calls[1].http?.requestBody ?? r.calls[1].request?.body)?.kind, 'json');
    assert.notEqual(r.calls[0].client.port, r.calls[1].client.port, 'distinct synthetic client ports');
    const back = decodeBytes(new Uint8Array(readFileSync(file)));
    assert.deepEqual(back.calls.map(essence), r.calls.map(essence));
    assert.ok(back.flows.every((f) => f.synSeen && f.finUs?.c2s && f.finUs?.s2c));
    if (has('tshark')) {
      const { stdout } = await run('tshark', ['-r', file, '-Y', 'http.response.code == 200', '-T', 'fields', '-e', 'http.response.code']);
      assert.equal(stdout.trim().split('\n').length, 2);
    }
  });

  it('a refused connection is reported and recorded as SYN + RST', async () => {
    const dead = await freePort();
    const r = await recorder();
    try {
      const p = await r.set.add({ listen: { host: '127.0.0.1', port: await freePort() }, target: { host: '127.0.0.1', port: dead } });
      await run('curl', ['-s', '--max-time', '5', `http://127.0.0.1:${p.address!.port}/`]).catch(() => undefined);
      const failed = await waitFor(() => r.events.find((e) => e.type === 'connect-failed'), 5000);
      assert.ok(failed && failed.type === 'connect-failed');
      assert.match(failed.message, /refused/);
    } finally {
      await r.set.close();
      await r.feed.end();
    }
    const flows: unknown[] = [];
    void flows;
    assert.equal(r.calls.length, 0);
  });

  it('refuses a non-loopback listen address unless allowed; parses HOST:PORT', async () => {
    const r = await recorder();
    await assert.rejects(r.set.add({ listen: { host: '0.0.0.0', port: await freePort() }, target: { host: '127.0.0.1', port: 1 } }), /loopback/);
    await r.set.close();
    await r.feed.end();
    assert.deepEqual(parseHostPort('9000'), { host: '127.0.0.1', port: 9000 });
    assert.deepEqual(parseHostPort('[::1]:9000'), { host: '::1', port: 9000 });
    assert.deepEqual(parseHostPort('example.org:80'), { host: 'example.org', port: 80 });
    assert.throws(() => parseHostPort('x:70000'));
  });

  it('several proxies at once record into one capture', async () => {
    const s1 = await httpServer((_q, res) => res.end('one'));
    const s2 = await httpServer((_q, res) => res.end('two'));
    const r = await recorder();
    try {
      const p1 = await r.set.add({ listen: { host: '127.0.0.1', port: await freePort() }, target: { host: '127.0.0.1', port: s1.port } });
      const p2 = await r.set.add({ listen: { host: '127.0.0.1', port: await freePort() }, target: { host: '127.0.0.1', port: s2.port } });
      const [a, b] = await Promise.all([
        run('curl', ['-s', '--max-time', '5', `http://127.0.0.1:${p1.address!.port}/a`]),
        run('curl', ['-s', '--max-time', '5', `http://127.0.0.1:${p2.address!.port}/b`]),
      ]);
      assert.equal(a.stdout, 'one');
      assert.equal(b.stdout, 'two');
      await waitFor(() => r.calls.length >= 2, 5000);
    } finally {
      await r.set.close();
      await r.feed.end();
      await s1.close();
      await s2.close();
    }
    assert.deepEqual(r.calls.map((c) => `${c.server.port} ${c.target}`).sort(), [`${s1.port} /a`, `${s2.port} /b`].sort());
  });

  it('redis-cli → proxy → redis-server', { skip: has('redis-server') && has('redis-cli') ? false : 'redis-server/redis-cli not installed (apt-get install redis-server)' }, async () => {
    const port = await freePort();
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const r = await recorder();
    try {
      // redis-server answers before the proxy's port is chosen: a port picked while it was still
      // starting could be its own (freePort only finds one free now), the proxy then forwarding to itself.
      let ok = false;
      for (let i = 0; i < 50 && !ok; i++) {
        ok = await run('redis-cli', ['-p', String(port), 'PING']).then((x) => x.stdout.trim() === 'PONG', () => false);
        if (!ok) await new Promise((res) => setTimeout(res, 100));
      }
      assert.ok(ok, 'redis-server started');
      const p = await r.set.add({ listen: { host: '127.0.0.1', port: await freePort() }, target: { host: '127.0.0.1', port } });
      const set = await run('redis-cli', ['-p', String(p.address!.port), 'SET', 'callscope:k', 'hello']);
      assert.equal(set.stdout.trim(), 'OK');
      const get = await run('redis-cli', ['-p', String(p.address!.port), 'GET', 'callscope:k']);
      assert.equal(get.stdout.trim(), 'hello');
      await waitFor(() => r.calls.filter((c) => c.protocol === 'redis').length >= 2, 5000);
    } finally {
      await r.set.close();
      await r.feed.end();
      redis.kill('SIGTERM');
    }
    const methods = r.calls.filter((c) => c.protocol === 'redis').map((c) => c.method.toUpperCase());
    assert.ok(methods.includes('SET') && methods.includes('GET'), methods.join(','));
  });

  const grpcJs = join(SAMPLES, 'node_modules/@grpc/grpc-js');
  it('@grpc/grpc-js client → proxy (h2c) → gRPC server', { skip: existsSync(grpcJs) ? false : 'samples/node_modules not installed (cd samples && npm ci)' }, async () => {
    const port = await freePort();
    const server: ChildProcess = spawn(process.execPath, [join(SAMPLES, 'grpc-person-api/server.js'), String(port)], { stdio: 'ignore' });
    const { calls, feed, set } = await recorder();
    const req = createRequire(join(SAMPLES, 'package.json'));
    const grpc = req('@grpc/grpc-js');
    const loader = req('@grpc/proto-loader');
    const def = loader.loadSync(join(SAMPLES, 'grpc-person-api/person.proto'), { keepCase: true, longs: String, enums: String });
    const pkg = grpc.loadPackageDefinition(def).callscope.person.v1;
    let client: { close(): void; GetPerson: (r: unknown, cb: (e: Error | null, v: { name: string }) => void) => void } | undefined;
    try {
      const p = await set.add({ listen: { host: '127.0.0.1', port: await freePort() }, target: { host: '127.0.0.1', port } });
      client = new pkg.PersonService(`127.0.0.1:${p.address!.port}`, grpc.credentials.createInsecure());
      let person: { name: string } | undefined;
      // (until the server is up: on a loaded machine spawning it and loading grpc-js took more than 5 s)
      for (const until = Date.now() + 20_000; !person && Date.now() < until; ) {
        person = await new Promise((res) => client!.GetPerson({ id: 1 }, (e, v) => res(e ? undefined : v)));
        if (!person) await new Promise((res) => setTimeout(res, 100));
      }
      assert.equal(person?.name, 'Ada Lovelace');
      await waitFor(() => calls.some((c) => c.protocol === 'grpc' && c.state === 'complete'), 5000);
    } finally {
      client?.close();
      await set.close();
      await feed.end();
      server.kill('SIGTERM');
    }
    const g = calls.find((c) => c.protocol === 'grpc' && c.status?.code === 0);
    assert.ok(g, `a gRPC call: ${calls.map((c) => `${c.protocol} ${c.method} ${c.status?.code}`).join('; ')}`);
    assert.equal(g.target, '/callscope.person.v1.PersonService/GetPerson');
  });

  it('the proxy pcapng decodes to the same calls as tcpdump capturing the same session', { skip: !has('tcpdump') ? 'tcpdump not installed' : !isRoot() ? 'needs root (or capture permission) to run tcpdump' : false }, async () => {
    const srv = await httpServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ n: Number(req.url!.slice(1)), pad: 'z'.repeat(3000) }));
    });
    const file = join(tmp, 'proxy-side.pcapng');
    const dumpFile = join(tmp, 'tcpdump-side.pcapng');
    const r = await recorder(file);
    const cap = new LiveCapture({ interface: 'lo', filter: `tcp port ${srv.port}`, file: dumpFile, tool: 'tcpdump', decode: false });
    try {
      await cap.start();
      const p = await r.set.add({ listen: { host: '127.0.0.1', port: await freePort() }, target: { host: '127.0.0.1', port: srv.port } });
      for (let i = 1; i <= 3; i++) await run('curl', ['-s', '--max-time', '5', `http://127.0.0.1:${p.address!.port}/${i}`]);
      await waitFor(() => r.calls.length >= 3, 5000);
      await new Promise((res) => setTimeout(res, 300)); // let tcpdump see the last FINs
    } finally {
      await r.set.close();
      await r.feed.end();
      await cap.stop();
      await srv.close();
    }
    const proxySide = decodeBytes(new Uint8Array(readFileSync(file))).calls;
    const wireSide = decodeBytes(new Uint8Array(readFileSync(dumpFile))).calls;
    assert.equal(proxySide.length, 3);
    assert.deepEqual(proxySide.map(essence), wireSide.map(essence));
  });
});

void ROOT;

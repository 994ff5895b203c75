/**
 * The editor seam without VS Code: a host-fed Analysis (no worker) receives a live feed's calls
 * as they complete, cancel goes to the live source, and done ends it like a decoded file.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { Analysis } from '../../extension/analysis/analysis';
import { LiveFeed } from '../../cli/platform/live-feed';
import { ProxySet } from '../../cli/platform/proxy';
import type { CallRow } from '../../webview/protocol';
import { freePort, waitFor } from './util';

describe('host-fed analysis (live seam)', () => {
  it('proxy → LiveFeed → Analysis.feed: rows arrive while traffic flows; cancel stops the source', async () => {
    const a = new Analysis({ type: 'analyze', file: '/tmp/x.pcapng', decodeAs: [], hints: [], protoPaths: [], definitionFiles: [] }, 0, '');
    const seen: CallRow[] = [];
    a.listen({ rows: (b) => seen.push(...b) });
    let cancelled = false;
    a.onCancel = () => (cancelled = true);
    const port = await freePort();
    const srv = http.createServer((_q, r) => r.end('ok'));
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
    const feed = new LiveFeed({}, { call: (c) => a.feed({ type: 'calls', calls: [c] }) });
    const set = new ProxySet((b) => feed.push(b));
    try {
      const p = await set.add({ listen: { host: '127.0.0.1', port: await freePort() }, target: { host: '127.0.0.1', port } });
      await new Promise<void>((res, rej) => http.get({ host: '127.0.0.1', port: p.address!.port, path: '/live', agent: false }, (r) => r.resume().on('end', () => res())).on('error', rej));
      assert.ok(await waitFor(() => seen.length === 1, 5000));
      assert.equal(a.store.size, 1);
      assert.equal(a.state, 'running');
      a.cancel();
      assert.equal(cancelled, true);
      assert.equal(a.state, 'running', 'the source decides when it ends');
    } finally {
      await set.close();
      await feed.end();
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
    a.feed({ type: 'done', result: { frames: 0, calls: 1, flows: 1, bytesRead: feed.bytes, warnings: [], cancelled: false } });
    assert.equal(a.state, 'done');
  });
});

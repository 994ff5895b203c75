/**
 * Live capture on loopback, end to end: dumpcap and/or tcpdump on `lo` filtered to a port in
 * 8800–8899, a node:http server and client; each call must appear within 2 s of its response
 * (the measured packet → call latency is printed). Also: interface lists, error advice.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Call } from '../../decoders/core/model';
import { LiveCapture, classifyToolError, parseInterfaceList, permissionAdvice, listInterfaces, findCaptureTool, type CaptureToolName } from '../../cli/platform/live';
import { sniffCapture } from '../../decoders/capture/sniff';
import { decodeBytes, essence, freePort, has, isRoot, waitFor } from './util';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'callscope-live-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let b = '';
        res.on('data', (c) => (b += c));
        res.on('end', () => resolve(b));
      })
      .on('error', reject);
  });
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
}

describe('live capture on loopback', () => {
  for (const tool of ['dumpcap', 'tcpdump'] as CaptureToolName[]) {
    const skip = !has(tool) ? `${tool} is not installed (apt-get install ${tool === 'dumpcap' ? 'wireshark-common' : 'tcpdump'})` : !isRoot() ? `not root: ${tool} needs capture permission here` : false;
    it(`${tool}: calls appear while traffic flows (≤ 2 s), stop, saved pcapng reopens to the same calls`, { skip, timeout: 30000 }, async () => {
      const port = await freePort();
      const server = http.createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ tool, path: req.url }));
      });
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
      const file = join(tmp, `${tool}.pcapng`);
      const calls: Array<{ call: Call; at: number }> = [];
      const cap = new LiveCapture({ interface: 'lo', filter: `tcp port ${port}`, file, tool }, { call: (c) => calls.push({ call: c, at: performance.now() }) });
      const latencies: number[] = [];
      try {
        await cap.start();
        assert.equal(cap.tool.name, tool);
        // On a loaded machine a tool may report "capturing" a moment before its filter is live:
        // warm up until one request is seen, then measure.
        let warm = false;
        for (let k = 0; k < 20 && !warm; k++) {
          await get(port, `/warmup/${k}`);
          warm = !!(await waitFor(() => calls.find((c) => c.call.target === `/warmup/${k}`), 1000, 2));
        }
        assert.ok(warm, `${tool}: no call seen while warming up`);
        for (let i = 1; i <= 8; i++) {
          const body = await get(port, `/item/${i}`);
          const answered = performance.now();
          assert.equal(JSON.parse(body).path, `/item/${i}`);
          const seen = await waitFor(() => calls.find((c) => c.call.target === `/item/${i}`), 5000, 2);
          assert.ok(seen, `call ${i} appeared within 5 s (${tool})`);
          latencies.push(Math.max(0, seen.at - answered));
        }
      } finally {
        await cap.stop();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      }
      process.stdout.write(`# ${tool}: response → call latency p50 ${latencies.sort((a, b) => a - b)[latencies.length >> 1].toFixed(1)} ms, p95 ${p95(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms\n`);
      // tcpdump --immediate-mode: a few ms. dumpcap 4.0 has no immediate mode: its ~250 ms read timeout.
      // (dumpcap's bound is looser: its read timeout plus a loaded CI machine.)
      assert.ok(p95(latencies) < (tool === 'tcpdump' ? 200 : 1500), `p95 ${p95(latencies)} ms`);
      const saved = new Uint8Array(readFileSync(file));
      assert.equal(sniffCapture(saved.subarray(0, 4)), 'pcapng', 'saved as pcapng whichever tool ran');
      const back = decodeBytes(saved);
      assert.deepEqual(back.calls.map(essence), calls.map((c) => essence(c.call)));
      if (has('tshark')) {
        // (tshark's TCP sequence analysis is off: on a loaded machine `-i lo` can record a segment
        // after the ACK that covers it, which tshark may then leave undissected (our guess at why it saw
        // 7 of 8 once, under load, while callscope, reading the same file above, had all 8)
        const { stdout } = await run('tshark', ['-r', file, '-o', 'tcp.analyze_sequence_numbers:FALSE', '-Y', 'http.request.uri contains "/item/"', '-T', 'fields', '-e', 'http.request.uri']);
        assert.equal(stdout.trim().split('\n').length, 8);
      }
    });
  }

  it('a bad capture filter is reported as such', { skip: !has('tcpdump') || !isRoot() ? 'needs tcpdump and root' : false }, async () => {
    const cap = new LiveCapture({ interface: 'lo', filter: 'tcp port port port', tool: 'tcpdump', decode: false });
    await assert.rejects(cap.start(), (e: Error & { kind?: string }) => e.kind === 'bad-filter' && /capture filter/.test(e.message));
    await cap.stop();
  });

  it('an unknown interface is reported as such', { skip: !has('tcpdump') || !isRoot() ? 'needs tcpdump and root' : false }, async () => {
    const cap = new LiveCapture({ interface: 'nosuch0', tool: 'tcpdump', decode: false });
    await assert.rejects(cap.start(), (e: Error & { kind?: string }) => e.kind === 'no-interface');
    await cap.stop();
  });

  it('lists interfaces, loopback first', { skip: findCaptureTool() ? false : 'no capture tool' }, () => {
    const list = listInterfaces(findCaptureTool()!);
    assert.ok(list.length > 0);
    assert.equal(list[0].loopback, true);
  });
});

describe('capture tool messages', () => {
  const dumpcap = { name: 'dumpcap' as const, path: '/usr/bin/dumpcap' };
  const tcpdump = { name: 'tcpdump' as const, path: '/usr/bin/tcpdump' };

  it('permission errors → the exact fixes, never a password prompt', () => {
    const e1 = classifyToolError(dumpcap, "dumpcap: The capture session could not be initiated on interface 'lo' (You don't have permission to capture on that device).\nPlease check to make sure you have sufficient permissions.");
    assert.equal(e1.kind, 'permission');
    if (process.platform === 'linux') {
      assert.match(e1.message, /setcap cap_net_raw,cap_net_admin\+eip \/usr\/bin\/dumpcap/);
      assert.match(e1.message, /wireshark group/);
      assert.match(e1.message, /sudo dumpcap -i lo/);
    }
    const e2 = classifyToolError(tcpdump, 'tcpdump: lo: You don\'t have permission to perform this capture on that device\n(socket: Operation not permitted)');
    assert.equal(e2.kind, 'permission');
    assert.match(e2.message, /never asks for your password/);
    assert.doesNotMatch(permissionAdvice(tcpdump), /password:/i);
  });

  it('filters, interfaces, other failures', () => {
    assert.equal(classifyToolError(tcpdump, 'tcpdump: syntax error in filter expression').kind, 'bad-filter');
    assert.equal(classifyToolError(dumpcap, 'Invalid capture filter "tcp port x" for interface \'lo\'.').kind, 'bad-filter');
    assert.equal(classifyToolError(tcpdump, 'tcpdump: nosuch0: No such device exists', 'nosuch0').kind, 'no-interface');
    assert.equal(classifyToolError(tcpdump, 'something odd').kind, 'failed');
  });

  it('parses dumpcap and tcpdump interface lists', () => {
    const d = parseInterfaceList('1. eth0\n2. any\n3. lo (Loopback)\n4. bluetooth-monitor (Bluetooth Linux Monitor)\n');
    assert.deepEqual(d.map((i) => i.name), ['lo', 'eth0', 'any', 'bluetooth-monitor']);
    const t = parseInterfaceList('1.eth0 [Up, Running, Connected]\n2.any (Pseudo-device that captures on all interfaces) [Up, Running]\n3.lo [Up, Running, Loopback]\n');
    assert.equal(t[0].name, 'lo');
    assert.equal(t.find((i) => i.name === 'any')?.description, 'Pseudo-device that captures on all interfaces');
  });
});

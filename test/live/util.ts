/**
 * Helpers for the live/proxy/replay tests: decode a capture held in memory, free ports in the
 * 8800–8899 range reserved for these tests, bounded waits, tool detection.
 */
import { Pipeline } from '../../decoders/pipeline';
import type { Call, FlowSummary } from '../../decoders/core/model';
import { nodeEnv } from '../../cli/platform/node-env';
import { spawnSync } from 'node:child_process';
import * as net from 'node:net';

export function decodeBytes(bytes: Uint8Array, chunk = 0): { calls: Call[]; flows: FlowSummary[]; warnings: string[] } {
  const calls: Call[] = [];
  const flows: FlowSummary[] = [];
  const warnings: string[] = [];
  const p = new Pipeline({ env: nodeEnv() }, { call: (c) => calls.push(c), flow: (f) => flows.push(f), warning: (w) => warnings.push(w.message) });
  if (chunk > 0) for (let o = 0; o < bytes.length; o += chunk) p.push(bytes.subarray(o, o + chunk));
  else p.push(bytes);
  p.end();
  return { calls, flows, warnings };
}

/** What a user compares between two recordings of the same session: no addresses, ports, times or frame numbers. */
export function essence(c: Call): Record<string, unknown> {
  return {
    protocol: c.protocol,
    kind: c.kind,
    state: c.state,
    method: c.method,
    target: c.target,
    status: c.status,
    request: c.request?.value ?? c.request?.body?.value ?? c.request?.body?.text,
    response: c.response?.value ?? c.response?.body?.value ?? c.response?.body?.text,
    server: c.server.port,
  };
}

export function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** A free TCP port in [from, to] on 127.0.0.1 (the tests' reserved range is 8800–8899). */
export async function freePort(from = 8800, to = 8899, taken = new Set<number>()): Promise<number> {
  const start = from + Math.floor(Math.random() * (to - from + 1));
  for (let i = 0; i <= to - from; i++) {
    const port = from + ((start - from + i) % (to - from + 1));
    if (taken.has(port)) continue;
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${from}-${to}`);
}

export async function waitFor<T>(fn: () => T | undefined | false, timeoutMs: number, stepMs = 10): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) return undefined;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/**
 * Resend and replay: issue captured requests again (node:http for HTTP/1.1, node:http2 with raw
 * 5-byte gRPC framing for gRPC), and decode the answers with the very same decoders as the
 * capture — the requests go through an in-process recording proxy whose synthesized capture
 * feeds a Pipeline, so the new exchange becomes a `Call` of exactly the same shape as the
 * original one, and the two compare structurally (decoders/replay/diff).
 */
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { Call, HeaderList } from '../../decoders/core/model';
import type { Definitions } from '../../decoders/core/env';
import { buildRequest, type ReplayRequest } from '../../decoders/replay/request';
import { diffCalls, type Change } from '../../decoders/replay/diff';
import { protoDefinitionsOf } from '../../decoders/protobuf/definitions';
import { ProxySet, type HostPort } from './proxy';
import { LiveFeed } from './live-feed';
import { analyzeFile } from './analyze';

export interface RawResponse {
  status: number;
  headers: HeaderList;
  trailers: HeaderList;
  body: Uint8Array;
  ms: number;
}

export interface ResendResult {
  request: ReplayRequest;
  /** The new exchange, decoded like a captured one (undefined when it could not be decoded). */
  call?: Call;
  response?: RawResponse;
  /** Changes from the original call's response to the new one. */
  changes: Change[];
  error?: string;
}

export interface ResendOptions {
  target: HostPort;
  /** Edited request value (see editableOf). */
  edited?: unknown;
  definitions?: Definitions;
  rawBody?: Uint8Array;
  ignore?: string[];
  timeoutMs?: number;
}

function flattenHeaders(h: http.IncomingHttpHeaders | http2.IncomingHttpHeaders): HeaderList {
  const out: HeaderList = [];
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push([k, x]);
    else out.push([k, String(v)]);
  }
  return out;
}

function authorityFor(req: ReplayRequest, target: HostPort, sameAsOriginal: boolean): string {
  if (sameAsOriginal && req.original.authority) return req.original.authority;
  return target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

/** Send one request to `via` (host:port), returning the raw response. */
export function sendRequest(req: ReplayRequest, via: HostPort, authority: string, timeoutMs = 10000): Promise<RawResponse> {
  const t0 = performance.now();
  if (req.transport === 'grpc') {
    return new Promise((resolve, reject) => {
      const session = http2.connect(`http://${via.host.includes(':') ? `[${via.host}]` : via.host}:${via.port}`);
      const timer = setTimeout(() => {
        session.destroy();
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      session.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      const headers: http2.OutgoingHttpHeaders = { ':method': 'POST', ':path': req.path, ':authority': authority, ':scheme': 'http', te: 'trailers' };
      for (const [k, v] of req.headers) headers[k.toLowerCase()] = v;
      const stream = session.request(headers, { endStream: false });
      let status = 0;
      let rh: HeaderList = [];
      let trailers: HeaderList = [];
      const chunks: Buffer[] = [];
      stream.on('response', (h) => {
        status = Number(h[':status'] ?? 0);
        rh = flattenHeaders(h).filter(([k]) => !k.startsWith(':'));
      });
      stream.on('trailers', (h) => {
        trailers = flattenHeaders(h);
      });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e) => {
        clearTimeout(timer);
        session.close();
        reject(e);
      });
      stream.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        session.close();
        resolve({ status, headers: rh, trailers, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), ms: performance.now() - t0 });
      });
      stream.end(Buffer.from(req.body));
    });
  }
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    const list: string[] = [];
    for (const [k, v] of req.headers) list.push(k, v);
    const r = http.request(
      {
        host: via.host,
        port: via.port,
        method: req.method,
        path: req.path,
        headers: [...list, 'Host', authority, ...(req.body.length || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(req.method) ? ['Content-Length', String(req.body.length)] : []), 'Connection', 'close'] as unknown as http.OutgoingHttpHeaders,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: flattenHeaders(res.headers), trailers: flattenHeaders(res.trailers), body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), ms: performance.now() - t0 });
        });
        res.on('error', reject);
      },
    );
    void headers;
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(Buffer.from(req.body));
  });
}

/**
 * A short-lived recording session: a proxy on 127.0.0.1:0 → target whose traffic is decoded by
 * a Pipeline. `send` returns the decoded call of each exchange.
 */
export class ReplaySession {
  private feed: LiveFeed;
  private set: ProxySet;
  private calls: Call[] = [];
  private via: HostPort | undefined;
  connectError: string | undefined;

  constructor(
    readonly target: HostPort,
    definitions?: Definitions,
  ) {
    this.feed = new LiveFeed({ definitions }, { call: (c) => this.calls.push(c) });
    this.set = new ProxySet((b) => this.feed.push(b), {
      onEvent: (e) => {
        if (e.type === 'connect-failed') this.connectError = e.message;
      },
    });
  }

  async open(): Promise<void> {
    const p = await this.set.add({ listen: { host: '127.0.0.1', port: 0 }, target: this.target });
    this.via = p.address;
  }

  async send(req: ReplayRequest, opts: { sameAsOriginal: boolean; timeoutMs?: number }): Promise<{ response: RawResponse; call?: Call }> {
    if (!this.via) await this.open();
    const before = this.calls.length;
    this.connectError = undefined;
    let response: RawResponse;
    try {
      response = await sendRequest(req, this.via!, authorityFor(req, this.target, opts.sameAsOriginal), opts.timeoutMs);
    } catch (e) {
      const why = this.connectError ?? (e as Error).message;
      throw new Error(why);
    }
    // The proxy recorded the response before forwarding it; the call is usually decoded already.
    // Close-delimited bodies complete at the FIN, which follows shortly.
    const deadline = Date.now() + 2000;
    while (this.calls.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const fresh = this.calls.slice(before);
    const call = fresh.find((c) => c.method === (req.transport === 'grpc' ? req.path.slice(1) : c.method) && c.parentId === undefined) ?? fresh[0];
    return { response, call };
  }

  async close(): Promise<void> {
    await this.set.close();
    await this.feed.end();
  }
}

/** Resend one captured call (optionally edited) and compare the new response with the old one. */
export async function resendCall(original: Call, opts: ResendOptions): Promise<ResendResult> {
  const request = buildRequest(original, { edited: opts.edited, proto: protoDefinitionsOf(opts.definitions), rawBody: opts.rawBody });
  const session = new ReplaySession(opts.target, opts.definitions);
  try {
    const same = opts.target.port === original.server.port;
    const { response, call } = await session.send(request, { sameAsOriginal: same, timeoutMs: opts.timeoutMs });
    const changes = call ? diffCalls(original, call, { ignore: opts.ignore }) : [];
    return { request, call, response, changes, error: call ? undefined : 'the response could not be decoded' };
  } catch (e) {
    return { request, changes: [], error: (e as Error).message };
  } finally {
    await session.close();
  }
}

export type ReplayOutcome = 'same' | 'changed' | 'error' | 'skipped';

export interface ReplayResult {
  call: Call;
  outcome: ReplayOutcome;
  changes: Change[];
  replayed?: Call;
  error?: string;
  ms?: number;
  warnings: string[];
}

/** Whether a call is a client request callscope can issue again. */
export function isReplayable(c: Call): boolean {
  if (c.parentId !== undefined) return false;
  if (c.protocol === 'grpc') return c.kind === 'unary' || c.kind === 'server-stream';
  return !!c.http?.method && !!c.http.uri;
}

export interface ReplayAllOptions {
  target: HostPort;
  filter?: (c: Call) => boolean;
  definitions?: Definitions;
  ignore?: string[];
  timeoutMs?: number;
  /** Called after each call (progress). */
  onResult?: (r: ReplayResult, index: number, total: number) => void;
  signal?: AbortSignal;
}

/** Re-issue calls in capture order against one target; report per call what changed. */
export async function replayCalls(calls: Call[], opts: ReplayAllOptions): Promise<ReplayResult[]> {
  const list = calls.filter((c) => !opts.filter || opts.filter(c)).sort((a, b) => a.timing.startUs - b.timing.startUs || a.id - b.id);
  const proto = protoDefinitionsOf(opts.definitions);
  const session = new ReplaySession(opts.target, opts.definitions);
  const results: ReplayResult[] = [];
  try {
    for (const call of list) {
      if (opts.signal?.aborted) break;
      let r: ReplayResult;
      if (!isReplayable(call)) r = { call, outcome: 'skipped', changes: [], warnings: [] };
      else {
        try {
          const req = buildRequest(call, { proto });
          const { response, call: replayed } = await session.send(req, { sameAsOriginal: opts.target.port === call.server.port, timeoutMs: opts.timeoutMs });
          if (!replayed) r = { call, outcome: 'error', changes: [], error: `HTTP ${response.status}: the response could not be decoded`, ms: response.ms, warnings: req.warnings };
          else {
            const changes = diffCalls(call, replayed, { ignore: opts.ignore });
            r = { call, outcome: changes.length ? 'changed' : 'same', changes, replayed, ms: response.ms, warnings: req.warnings };
          }
        } catch (e) {
          r = { call, outcome: 'error', changes: [], error: (e as Error).message, warnings: [] };
        }
      }
      results.push(r);
      opts.onResult?.(r, results.length, list.length);
    }
  } finally {
    await session.close();
  }
  return results;
}

/** Decode a capture file and replay its client calls. */
export async function replayCapture(file: string, opts: ReplayAllOptions): Promise<ReplayResult[]> {
  const calls: Call[] = [];
  await analyzeFile(file, { definitions: opts.definitions }, { call: (c) => calls.push(c) });
  return replayCalls(calls, opts);
}

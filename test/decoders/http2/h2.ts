/** Test helpers: build HTTP/2 frames and HPACK blocks, feed a connection split at any size. */
import type { Dir } from '../../../decoders/core/model';
import type { DecoderEnv } from '../../../decoders/core/env';
import type { CaptureScope, CloseReason } from '../../../decoders/core/decoder';
import { Http2Connection } from '../../../decoders/http2/connection';
import { PREFACE } from '../../../decoders/http2/frames';
import { concatBytes } from '../../../decoders/core/bytes';
import { testSession, type TestSession } from '../../helpers/session';

export const enc = (s: string) => new TextEncoder().encode(s);

export function frame(type: number, flags: number, stream: number, payload: Uint8Array | number[] = []): Uint8Array {
  const p = payload instanceof Uint8Array ? payload : Uint8Array.from(payload);
  const h = Uint8Array.of(p.length >> 16, (p.length >> 8) & 255, p.length & 255, type, flags, (stream >>> 24) & 0x7f, (stream >> 16) & 255, (stream >> 8) & 255, stream & 255);
  return concatBytes([h, p]);
}

/** HPACK literal header field without indexing, new name, no Huffman (RFC 7541 §6.2.2). */
export function block(headers: Array<[string, string]>, indexing = false): Uint8Array {
  const parts: number[] = [];
  const str = (s: string) => {
    const b = enc(s);
    if (b.length >= 127) {
      parts.push(127);
      let n = b.length - 127;
      while (n >= 128) parts.push((n & 127) | 128), (n >>= 7);
      parts.push(n);
    } else parts.push(b.length);
    parts.push(...b);
  };
  for (const [k, v] of headers) {
    parts.push(indexing ? 0x40 : 0x00);
    str(k);
    str(v);
  }
  return Uint8Array.from(parts);
}

export const settings = (pairs: Array<[number, number]> = []) =>
  frame(4, 0, 0, pairs.flatMap(([id, v]) => [id >> 8, id & 255, (v >>> 24) & 255, (v >> 16) & 255, (v >> 8) & 255, v & 255]));

/** gRPC length-prefixed message. */
export function lpm(payload: Uint8Array | number[], flags = 0): Uint8Array {
  const p = payload instanceof Uint8Array ? payload : Uint8Array.from(payload);
  return concatBytes([Uint8Array.of(flags, (p.length >>> 24) & 255, (p.length >> 16) & 255, (p.length >> 8) & 255, p.length & 255), p]);
}

export interface Pkt {
  dir: Dir;
  data?: Uint8Array;
  gap?: number;
  /** Capture time; default 1_000_000 + 1000·i µs. */
  tsUs?: number;
}

export const c2s = (...parts: Uint8Array[]): Pkt => ({ dir: 'c2s', data: concatBytes(parts) });
export const s2c = (...parts: Uint8Array[]): Pkt => ({ dir: 's2c', data: concatBytes(parts) });
export const preface = () => PREFACE;

/** Packet i is frame i+1 at 1_000_000 + 1000·i µs; each packet split into pieces of `split` bytes. */
export function feed(pkts: Pkt[], opts: { split?: number; env?: DecoderEnv; init?: unknown; serverPort?: number; how?: CloseReason; capture?: CaptureScope } = {}): TestSession {
  const s = testSession({ env: opts.env, capture: opts.capture, flow: opts.serverPort ? { server: { ip: '127.0.0.1', port: opts.serverPort } } : undefined });
  const d = new Http2Connection(s, opts.init);
  const off: Record<Dir, number> = { c2s: 0, s2c: 0 };
  pkts.forEach((p, i) => {
    const at = (o: number) => ({ frame: i + 1, tsUs: p.tsUs ?? 1_000_000 + 1000 * i, streamOffset: o });
    if (p.gap) {
      d.gap(p.dir, p.gap, at(off[p.dir]));
      off[p.dir] += p.gap;
      return;
    }
    const b = p.data!;
    const step = opts.split ?? b.length;
    for (let o = 0; o < b.length; o += Math.max(1, step)) {
      const piece = b.subarray(o, Math.min(b.length, o + Math.max(1, step)));
      d.data(p.dir, piece, at(off[p.dir]));
      off[p.dir] += piece.length;
    }
  });
  const n = pkts.length + 1;
  d.end('c2s', { frame: n, tsUs: 2_000_000, streamOffset: off.c2s });
  d.end('s2c', { frame: n, tsUs: 2_000_000, streamOffset: off.s2c });
  d.close({ frame: n, tsUs: 2_000_000, streamOffset: 0 }, opts.how);
  return s;
}

/** Calls as comparable JSON. */
export const norm = (s: TestSession) => JSON.stringify(s.calls);

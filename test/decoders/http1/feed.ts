/** Feed an HTTP/1 decoder with a scripted conversation, optionally split into tiny chunks. */
import type { Dir, Call } from '../../../decoders/core/model';
import type { CloseReason, DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { Http1Decoder } from '../../../decoders/http1/decoder';
import { testSession, type TestSession } from '../../helpers/session';
import type { DecoderEnv } from '../../../decoders/core/env';

export interface Packet {
  dir: Dir;
  data: string | Uint8Array;
  /** gap of this many bytes instead of data */
  gap?: number;
  /** The other direction's stream offset the packet acknowledged (Position.acked). */
  acked?: number;
  end?: boolean;
}

export const enc = (s: string) => new TextEncoder().encode(s);

export interface RunOpts {
  /** Split each packet into pieces of at most this many bytes (same frame/time). */
  split?: number;
  /** Split each packet at this offset (into two pieces). */
  splitAt?: number;
  env?: DecoderEnv;
  resolveHandoff?: (id: string, s: DecoderSession, init?: unknown) => StreamDecoder | undefined;
  noClose?: boolean;
  /** How the connection ended, passed to close (default: absent, the end of the capture). */
  how?: CloseReason;
}

/** Packet i is frame i+1 at time 1_000_000 + 1000·i µs. */
export function run(packets: Packet[], opts: RunOpts = {}): TestSession {
  const s = testSession({ env: opts.env, resolveHandoff: opts.resolveHandoff });
  const d = new Http1Decoder(s);
  const off: Record<Dir, number> = { c2s: 0, s2c: 0 };
  let frame = 0;
  let ts = 0;
  packets.forEach((p, i) => {
    frame = i + 1;
    ts = 1_000_000 + 1000 * i;
    if (p.end) {
      d.end(p.dir, { frame, tsUs: ts, streamOffset: off[p.dir] });
      return;
    }
    if (p.gap) {
      d.gap(p.dir, p.gap, { frame, tsUs: ts, streamOffset: off[p.dir] });
      off[p.dir] += p.gap;
      return;
    }
    const bytes = typeof p.data === 'string' ? enc(p.data) : p.data;
    const pieces: Uint8Array[] = [];
    if (opts.splitAt !== undefined && opts.splitAt > 0 && opts.splitAt < bytes.length) pieces.push(bytes.subarray(0, opts.splitAt), bytes.subarray(opts.splitAt));
    else if (opts.split) for (let o = 0; o < bytes.length; o += opts.split) pieces.push(bytes.subarray(o, o + opts.split));
    else pieces.push(bytes);
    for (const piece of pieces) {
      d.data(p.dir, piece, p.acked === undefined ? { frame, tsUs: ts, streamOffset: off[p.dir] } : { frame, tsUs: ts, streamOffset: off[p.dir], acked: p.acked });
      off[p.dir] += piece.length;
    }
  });
  if (!opts.noClose) d.close({ frame, tsUs: ts, streamOffset: 0 }, opts.how);
  return s;
}

export function calls(packets: Packet[], opts: RunOpts = {}): Call[] {
  return run(packets, opts).calls;
}

/** One event of a conversation with explicit frames (time = frame ms), as the TCP reassembly delivers them. */
export type FramedEvent = ['data' | 'gap', 'c2s' | 's2c', string | number, number];

/** Feed events in the given order (not frame order); the decoder closes after the last frame. */
export function decodeFramed(events: FramedEvent[]): Call[] {
  const s = testSession();
  const d = new Http1Decoder(s);
  const off = { c2s: 0, s2c: 0 };
  let last = 0;
  for (const [kind, dir, what, frame] of events) {
    const at = { frame, tsUs: 1_000 * frame, streamOffset: off[dir] };
    if (kind === 'gap') {
      d.gap(dir, what as number, at);
      off[dir] += what as number;
    } else {
      d.data(dir, enc(what as string), at);
      off[dir] += (what as string).length;
    }
    last = Math.max(last, frame);
  }
  d.close({ frame: last + 1, tsUs: 1_000 * (last + 1), streamOffset: 0 });
  return s.calls;
}

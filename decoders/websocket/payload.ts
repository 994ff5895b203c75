/**
 * Payload previews for message protocols (WebSocket, Redis, NATS, ZeroMQ): JSON when it parses,
 * text when it is printable UTF-8, otherwise a hex preview. Bounded by limits.maxBodyBytes and
 * limits.maxDepth.
 */
import type { Body } from '../core/model';
import type { Limits } from '../core/env';
import { toHex, utf8Strict } from '../core/bytes';
import { exactIntegersNote, parseJsonExact } from '../http-common/body';

/** Hex previews stop here even when maxBodyBytes is larger (a hex dump is for eyes). */
export const MAX_HEX_PREVIEW = 4096;

function printable(s: string): boolean {
  let bad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f || c === 0xfffd) bad++;
  }
  return bad === 0 || bad * 20 < s.length;
}

/** Replace values nested deeper than `max` by a marker (JSON.parse has no depth limit). */
export function limitDepth(v: unknown, max: number, depth = 0): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (depth >= max) return '…(nested too deep)';
  if (Array.isArray(v)) return v.map((x) => limitDepth(x, max, depth + 1));
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v as object)) o[k] = limitDepth((v as Record<string, unknown>)[k], max, depth + 1);
  return o;
}

/** Text of bytes that may have been cut inside a UTF-8 sequence. */
function strictCut(b: Uint8Array, cut: boolean): string | undefined {
  const t = utf8Strict(b);
  if (t !== undefined || !cut) return t;
  for (let k = 1; k <= 3 && k < b.length; k++) {
    const u = utf8Strict(b.subarray(0, b.length - k));
    if (u !== undefined) return u;
  }
  return undefined;
}

export function looksLikeJson(t: string): boolean {
  const s = t.trimStart();
  const c = s[0];
  return c === '{' || c === '[' || (c === '"' && s.trimEnd().endsWith('"'));
}

/**
 * A Body for a message payload. `contentType` hints (e.g. from NATS/STOMP headers) are recorded only.
 * JSON integers beyond ±2^53 are kept as exact strings (parseJsonExact), and `payload: <note>` saying
 * so goes to `notes` (a call's warnings: HTTP bodies note it the same way, as `request body: <note>`).
 */
export function payloadBody(bytes: Uint8Array, limits: Limits, contentType?: string, fullSize = bytes.length, notes?: string[]): Body {
  // `fullSize` above the bytes given: the rest of the payload was not captured (a capture gap).
  const size = Math.max(fullSize, bytes.length);
  if (size === 0) return { size: 0, kind: 'none', ...(contentType ? { contentType } : {}) };
  const cut = size > Math.min(bytes.length, limits.maxBodyBytes);
  const keep = bytes.length > limits.maxBodyBytes ? bytes.subarray(0, limits.maxBodyBytes) : bytes;
  const body: Body = { size, kind: 'text' };
  if (contentType) body.contentType = contentType;
  const text = strictCut(keep, cut);
  if (text !== undefined && printable(text)) {
    if (!cut && looksLikeJson(text)) {
      try {
        const r = parseJsonExact(text);
        body.value = limitDepth(r.value, limits.maxDepth);
        body.kind = 'json';
        body.text = text;
        if (r.exact) notes?.push(`payload: ${exactIntegersNote(r.exact)}`);
        return body;
      } catch {
        /* not JSON after all */
      }
    }
    body.text = text;
    if (cut) body.truncated = true;
    return body;
  }
  body.kind = 'binary';
  const n = Math.min(keep.length, MAX_HEX_PREVIEW);
  body.hex = toHex(keep, n);
  if (size > n) body.truncated = true;
  return body;
}

/** A compact JSON-able value for a payload: parsed JSON, text, or { hex, size }. */
export function payloadValue(bytes: Uint8Array, limits: Limits, notes?: string[]): unknown {
  const b = payloadBody(bytes, limits, undefined, bytes.length, notes);
  if (b.kind === 'json') return b.value;
  if (b.kind === 'none') return '';
  if (b.kind === 'text') return b.truncated ? `${b.text}…` : b.text;
  return { hex: b.hex, size: b.size, ...(b.truncated ? { truncated: true } : {}) };
}

/** Add a frame number to a call's frame list (deduplicated against the last, at most 64). */
export function addFrame(frames: number[], frame: number): void {
  if (frames.length >= 64 || frame <= 0) return;
  if (frames.includes(frame)) return;
  frames.push(frame);
}

/**
 * Message payload previews for the broker decoders, decoded the way HTTP bodies are shown:
 * JSON when it parses (or says so), text when it is valid UTF-8 without control bytes,
 * otherwise hex of the first bytes. Always bounded by `maxBodyBytes` (and JSON by `maxDepth`:
 * deeper JSON is kept as text, as in HTTP bodies).
 */
import type { Body } from '../core/model';
import type { Limits } from '../core/env';
import { toHex, utf8Strict } from '../core/bytes';
import { parseJsonBounded } from '../http-common/body';
import { fnv1a } from './key';

const HEX_PREVIEW_BYTES = 4096;

/**
 * `bytes` is the kept prefix of a payload of `size` bytes. A JSON value whose integers beyond ±2^53
 * were kept as exact strings adds `payload: <note>` to `notes` (a call's warnings: HTTP bodies
 * note it the same way, as `request body: <note>`).
 */
export function payloadBody(bytes: Uint8Array, size: number, limits: Limits, contentType?: string, encoding?: string, notes?: string[]): Body {
  const keep = bytes.subarray(0, Math.min(bytes.length, limits.maxBodyBytes));
  const truncated = size > keep.length;
  const body: Body = { size, kind: 'none' };
  if (contentType) body.contentType = contentType;
  if (encoding) body.encoding = encoding;
  if (truncated) body.truncated = true;
  if (size === 0) return body;
  const ct = (contentType ?? '').toLowerCase();
  const text = utf8Strict(keep);
  if (text !== undefined && !truncated) {
    const t = text.trim();
    if (ct.includes('json') || ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']')))) {
      const r = parseJsonBounded(text, limits.maxDepth);
      if (r.ok) {
        body.value = r.value;
        body.kind = 'json';
        body.text = text;
        if (r.note) notes?.push(`payload: ${r.note}`);
        return body;
      }
      // not JSON (or nested too deep): shown as text
    }
  }
  if (text !== undefined && isPrintable(text)) {
    body.kind = ct.includes('xml') || /^\s*<[?!a-zA-Z]/.test(text) ? 'xml' : 'text';
    body.text = text;
    return body;
  }
  if (text === undefined && truncated) {
    // A cut may split a multi-byte character: retry without the last 3 bytes.
    const t2 = utf8Strict(keep.subarray(0, Math.max(0, keep.length - 3)));
    if (t2 !== undefined && isPrintable(t2)) {
      body.kind = 'text';
      body.text = t2;
      return body;
    }
  }
  body.kind = 'binary';
  body.hex = toHex(keep, HEX_PREVIEW_BYTES);
  return body;
}

function isPrintable(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) return false;
    if (c === 0x7f || c === 0xfffd) return false;
  }
  return true;
}

/** Collects up to `max` bytes of a payload arriving in pieces; counts the rest. */
export class PayloadBuffer {
  private parts: Uint8Array[] = [];
  kept = 0;
  size = 0;
  /** FNV-1a 32-bit over every byte (kept or not), as calls/key.ts `digest`. */
  private h = 0x811c9dc5;
  constructor(private readonly max: number) {}
  add(b: Uint8Array): void {
    this.size += b.length;
    this.h = fnv1a(b, 0, b.length, this.h);
    if (this.kept < this.max) {
      const take = b.subarray(0, Math.min(b.length, this.max - this.kept));
      this.parts.push(take.slice());
      this.kept += take.length;
    }
  }
  /** Same value as `messageKey(family, destination, wholePayload)` from calls/key.ts. */
  key(family: string, destination: string): string {
    return `${family}|${destination}|${this.size}|${this.h.toString(16).padStart(8, '0')}`;
  }
  bytes(): Uint8Array {
    if (this.parts.length === 1) return this.parts[0];
    const out = new Uint8Array(this.kept);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    this.parts = [out];
    return out;
  }
}

/**
 * Pretty-printers that produce token lists (pure, tested): JSON values, XML text, raw protobuf
 * wire format. The DOM side (body-view.ts) turns tokens into text spans — never markup.
 */

export type TokenClass = 'punct' | 'key' | 'string' | 'number' | 'bool' | 'null' | 'tag' | 'attr' | 'text' | 'comment' | 'type' | 'plain';
export interface Tok {
  c: TokenClass;
  t: string;
}

// ── JSON-like values ──────────────────────────────────────────────────────────────────────────

/** Pretty JSON tokens for any value (bigint and undefined shown readably; cycles cut). */
export function jsonTokens(value: unknown, indent = '  ', maxNodes = 20000): Tok[] {
  const out: Tok[] = [];
  let nodes = 0;
  const seen = new Set<unknown>();
  const walk = (v: unknown, pad: string): void => {
    if (++nodes > maxNodes) {
      out.push({ c: 'comment', t: '…' });
      return;
    }
    if (v === null) out.push({ c: 'null', t: 'null' });
    else if (v === undefined) out.push({ c: 'null', t: 'undefined' });
    else if (typeof v === 'string') out.push({ c: 'string', t: JSON.stringify(v) });
    else if (typeof v === 'number' || typeof v === 'bigint') out.push({ c: 'number', t: String(v) });
    else if (typeof v === 'boolean') out.push({ c: 'bool', t: String(v) });
    else if (v instanceof Uint8Array) out.push({ c: 'type', t: `<${v.length} bytes: ${hex(v.subarray(0, 32))}${v.length > 32 ? '…' : ''}>` });
    else if (Array.isArray(v)) {
      if (seen.has(v)) return void out.push({ c: 'comment', t: '[cycle]' });
      seen.add(v);
      if (v.length === 0) out.push({ c: 'punct', t: '[]' });
      else {
        out.push({ c: 'punct', t: '[\n' });
        v.forEach((x, i) => {
          out.push({ c: 'plain', t: pad + indent });
          walk(x, pad + indent);
          out.push({ c: 'punct', t: i < v.length - 1 ? ',\n' : '\n' });
        });
        out.push({ c: 'punct', t: pad + ']' });
      }
      seen.delete(v);
    } else if (typeof v === 'object') {
      if (seen.has(v)) return void out.push({ c: 'comment', t: '{cycle}' });
      seen.add(v);
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) out.push({ c: 'punct', t: '{}' });
      else {
        out.push({ c: 'punct', t: '{\n' });
        entries.forEach(([k, x], i) => {
          out.push({ c: 'plain', t: pad + indent }, { c: 'key', t: JSON.stringify(k) }, { c: 'punct', t: ': ' });
          walk(x, pad + indent);
          out.push({ c: 'punct', t: i < entries.length - 1 ? ',\n' : '\n' });
        });
        out.push({ c: 'punct', t: pad + '}' });
      }
      seen.delete(v);
    } else out.push({ c: 'plain', t: String(v) });
  };
  walk(value, '');
  return out;
}

/** Parses JSON text when it is JSON; undefined otherwise. */
export function tryJson(text: string): { value: unknown } | undefined {
  const t = text.trim();
  if (!t || !'{["'.includes(t[0]) && !/^(-?\d|true|false|null)/.test(t)) return undefined;
  try {
    return { value: JSON.parse(t) };
  } catch {
    return undefined;
  }
}

// ── XML ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Re-indents XML text into tokens. A tolerant scanner, not a parser: it never fails, it only
 * splits tags, text, comments and CDATA, and puts each element on its own line unless it holds
 * only short text (`<int>2</int>` stays on one line).
 */
export function xmlTokens(text: string, indent = '  '): Tok[] {
  const parts: Array<{ kind: 'open' | 'close' | 'self' | 'text' | 'other'; raw: string }> = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '<') {
      let end: number;
      if (text.startsWith('<!--', i)) end = text.indexOf('-->', i) + 3;
      else if (text.startsWith('<![CDATA[', i)) end = text.indexOf(']]>', i) + 3;
      else end = text.indexOf('>', i) + 1;
      if (end <= i) end = text.length;
      const raw = text.slice(i, end);
      const kind = raw.startsWith('</') ? 'close' : raw.startsWith('<?') || raw.startsWith('<!') ? 'other' : raw.endsWith('/>') ? 'self' : 'open';
      parts.push({ kind, raw });
      i = end;
    } else {
      const end = text.indexOf('<', i);
      const raw = text.slice(i, end < 0 ? text.length : end);
      if (raw.trim()) parts.push({ kind: 'text', raw: raw.trim() });
      i = end < 0 ? text.length : end;
    }
  }
  const out: Tok[] = [];
  let depth = 0;
  let lineOpen = false;
  const newline = () => {
    if (lineOpen) out.push({ c: 'plain', t: '\n' });
    lineOpen = false;
  };
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    if (p.kind === 'open' && parts[k + 1]?.kind === 'text' && parts[k + 2]?.kind === 'close' && parts[k + 1].raw.length <= 80) {
      newline();
      out.push({ c: 'plain', t: indent.repeat(depth) }, ...tagTokens(p.raw), { c: 'text', t: parts[k + 1].raw }, ...tagTokens(parts[k + 2].raw));
      lineOpen = true;
      k += 2;
      continue;
    }
    if (p.kind === 'close') depth = Math.max(0, depth - 1);
    newline();
    out.push({ c: 'plain', t: indent.repeat(depth) });
    if (p.kind === 'text') out.push({ c: 'text', t: p.raw });
    else if (p.raw.startsWith('<!--')) out.push({ c: 'comment', t: p.raw });
    else out.push(...tagTokens(p.raw));
    lineOpen = true;
    if (p.kind === 'open') depth++;
  }
  return out;
}

function tagTokens(raw: string): Tok[] {
  const m = /^(<\/?[?!]?)([^\s/>?]*)([\s\S]*?)(\/?\??>)?$/.exec(raw);
  if (!m) return [{ c: 'tag', t: raw }];
  const out: Tok[] = [{ c: 'punct', t: m[1] }, { c: 'tag', t: m[2] }];
  const attrs = m[3];
  const re = /(\s+)([^\s=]+)(\s*=\s*)?("[^"]*"|'[^']*'|[^\s"']+)?/g;
  let last = 0;
  let a: RegExpExecArray | null;
  while ((a = re.exec(attrs))) {
    if (a.index > last) out.push({ c: 'plain', t: attrs.slice(last, a.index) });
    out.push({ c: 'plain', t: a[1] }, { c: 'attr', t: a[2] });
    if (a[3]) out.push({ c: 'punct', t: a[3] });
    if (a[4]) out.push({ c: 'string', t: a[4] });
    last = re.lastIndex;
    if (a[0].length === 0) re.lastIndex++;
  }
  if (last < attrs.length) out.push({ c: 'plain', t: attrs.slice(last) });
  if (m[4]) out.push({ c: 'punct', t: m[4] });
  return out;
}

// ── protobuf wire format (no schema) ──────────────────────────────────────────────────────────

export interface RawField {
  field: number;
  wireType: 0 | 1 | 2 | 5;
  /** varint as a decimal string (it may exceed 2^53), fixed32/64 as numbers, bytes as bytes. */
  value: string | number | Uint8Array;
  /** A length-delimited field that itself parses as a message. */
  message?: RawField[];
  /** A length-delimited field that reads as UTF-8 text. */
  text?: string;
  offset: number;
  length: number;
}

function readVarint(b: Uint8Array, pos: number): [bigint, number] | undefined {
  let result = 0n;
  let shift = 0n;
  for (let i = pos; i < b.length && i < pos + 10; i++) {
    result |= BigInt(b[i] & 0x7f) << shift;
    if (!(b[i] & 0x80)) return [result, i + 1];
    shift += 7n;
  }
  return undefined;
}

/** Decodes protobuf wire format without a schema; undefined when the bytes are not a message. */
export function decodeRawProtobuf(b: Uint8Array, depth = 0): RawField[] | undefined {
  const out: RawField[] = [];
  let pos = 0;
  while (pos < b.length) {
    const start = pos;
    const key = readVarint(b, pos);
    if (!key) return undefined;
    const field = Number(key[0] >> 3n);
    const wt = Number(key[0] & 7n);
    pos = key[1];
    if (field < 1 || field > 536870911) return undefined;
    if (wt === 0) {
      const v = readVarint(b, pos);
      if (!v) return undefined;
      pos = v[1];
      out.push({ field, wireType: 0, value: v[0].toString(), offset: start, length: pos - start });
    } else if (wt === 1) {
      if (pos + 8 > b.length) return undefined;
      const v = new DataView(b.buffer, b.byteOffset + pos, 8).getFloat64(0, true);
      pos += 8;
      out.push({ field, wireType: 1, value: v, offset: start, length: pos - start });
    } else if (wt === 5) {
      if (pos + 4 > b.length) return undefined;
      const v = new DataView(b.buffer, b.byteOffset + pos, 4).getUint32(0, true);
      pos += 4;
      out.push({ field, wireType: 5, value: v, offset: start, length: pos - start });
    } else if (wt === 2) {
      const len = readVarint(b, pos);
      if (!len) return undefined;
      pos = len[1];
      const n = Number(len[0]);
      if (pos + n > b.length) return undefined;
      const bytes = b.subarray(pos, pos + n);
      pos += n;
      const f: RawField = { field, wireType: 2, value: bytes, offset: start, length: pos - start };
      const text = utf8Text(bytes);
      const nested = depth < 8 && n > 0 ? decodeRawProtobuf(bytes, depth + 1) : undefined;
      // Printable text wins over a coincidental nested parse ("hi" parses as field 13…).
      if (text !== undefined && (!nested || /^[\x20-\x7e\s]*$/.test(text))) f.text = text;
      else if (nested) f.message = nested;
      out.push(f);
    } else return undefined;
  }
  return out;
}

function utf8Text(b: Uint8Array): string | undefined {
  try {
    const t = new TextDecoder('utf-8', { fatal: true }).decode(b);
    return /[\x00-\x08\x0e-\x1f]/.test(t) ? undefined : t;
  } catch {
    return undefined;
  }
}

/** Tokens for a raw protobuf message: `1: 150`, `2: "text"`, `3 { … }`. */
export function rawProtobufTokens(fields: RawField[], pad = ''): Tok[] {
  const out: Tok[] = [];
  for (const f of fields) {
    out.push({ c: 'plain', t: pad }, { c: 'key', t: String(f.field) });
    if (f.message) {
      out.push({ c: 'punct', t: ' {\n' }, ...rawProtobufTokens(f.message, pad + '  '), { c: 'plain', t: pad }, { c: 'punct', t: '}\n' });
      continue;
    }
    out.push({ c: 'punct', t: ': ' });
    if (f.text !== undefined) out.push({ c: 'string', t: JSON.stringify(f.text) });
    else if (f.value instanceof Uint8Array) out.push({ c: 'type', t: `<${hex(f.value)}>` });
    else out.push({ c: 'number', t: String(f.value) }, { c: 'comment', t: f.wireType === 1 ? '  (fixed64 as double)' : f.wireType === 5 ? '  (fixed32)' : '' });
    out.push({ c: 'plain', t: '\n' });
  }
  return out;
}

export function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i ? ' ' : '') + b[i].toString(16).padStart(2, '0');
  return s;
}

export function hexToBytes(h: string): Uint8Array {
  const clean = h.replace(/[^0-9a-f]/gi, '');
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

// ── hex dump ──────────────────────────────────────────────────────────────────────────────────

export interface HexLine {
  offset: number;
  /** Bytes of this line (≤ width). */
  bytes: number[];
  ascii: string;
}

export function hexLines(b: Uint8Array, width = 16, from = 0, maxLines = Infinity): HexLine[] {
  const out: HexLine[] = [];
  for (let off = from - (from % width); off < b.length && out.length < maxLines; off += width) {
    const bytes = Array.from(b.subarray(off, off + width));
    out.push({ offset: off, bytes, ascii: bytes.map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '·')).join('') });
  }
  return out;
}

/** Finds the first occurrence of `needle` (text, as UTF-8/Latin-1 bytes) in `hay`. */
export function findBytes(hay: Uint8Array, needle: string, from = 0): number {
  const n = new TextEncoder().encode(needle);
  if (n.length === 0) return -1;
  outer: for (let i = from; i <= hay.length - n.length; i++) {
    for (let j = 0; j < n.length; j++) if (hay[i + j] !== n[j]) continue outer;
    return i;
  }
  return -1;
}

/** Offset just past the header block of an HTTP/1 message (after CRLF CRLF), or -1. */
export function httpBodyOffset(b: Uint8Array): number {
  const i = findBytes(b, '\r\n\r\n');
  return i < 0 ? -1 : i + 4;
}

/**
 * Renders bodies and decoded values as text spans: JSON, XML, XML-RPC/JSON-RPC values,
 * protobuf (with field names when the host decoded it with a schema, raw wire format otherwise).
 */
import { h } from './dom';
import type { Body, CallPart } from '../decoders/core/model';
import { jsonTokens, xmlTokens, tryJson, decodeRawProtobuf, rawProtobufTokens, hexToBytes, type Tok } from './pretty';
import { ellipsize, formatSize } from './format';

export function tokensToPre(tokens: Tok[], label: string): HTMLElement {
  const pre = h('pre', { class: 'code', tabindex: 0, role: 'region', 'aria-label': label });
  for (const t of tokens) {
    if (t.c === 'plain') pre.append(document.createTextNode(t.t));
    else pre.append(h('span', { class: `tok-${t.c}` }, t.t));
  }
  return pre;
}

/** A code block for a decoded value (numbers stay numbers). */
export function valueBlock(value: unknown, label: string): HTMLElement {
  return tokensToPre(jsonTokens(value), label);
}

/** The body of one side: a caption line (type, sizes, encoding) and the best rendering. */
export function bodyBlock(body: Body, label: string, onPick?: () => void): HTMLElement {
  const facts = [body.kind !== 'unknown' ? body.kind : undefined, body.contentType, formatSize(body.size), body.decodedSize !== undefined ? `${formatSize(body.decodedSize)} decoded` : undefined, body.encoding ? `encoding ${body.encoding}` : undefined, body.truncated ? 'preview (truncated)' : undefined].filter(Boolean);
  const caption = h('div', { class: 'body-caption' }, h('span', { class: 'section-title' }, label), h('span', { class: 'muted' }, facts.join(' · ')));
  const wrap = h('div', { class: 'body' }, caption, renderBody(body, label));
  if (onPick) {
    const btn = h('button', { class: 'link-button', type: 'button', title: 'Highlight the body in the Bytes tab' }, 'Show bytes');
    btn.addEventListener('click', onPick);
    caption.append(btn);
  }
  return wrap;
}

function renderBody(body: Body, label: string): HTMLElement {
  if (body.kind === 'none' || (body.size === 0 && !body.text && body.value === undefined)) return h('div', { class: 'muted empty-body' }, 'No body.');
  // (a raw decode already made, e.g. an HTTP protobuf body whose hex is only its first bytes, is shown as it is)
  if (body.value === undefined && (body.kind === 'protobuf-raw' || (body.kind === 'protobuf' && body.hex))) {
    const fields = body.hex ? decodeRawProtobuf(hexToBytes(body.hex)) : undefined;
    if (fields) return h('div', null, h('div', { class: 'muted note' }, 'No .proto definition matched: fields by number, types guessed from the wire format.'), tokensToPre(rawProtobufTokens(fields), label));
  }
  if (body.value !== undefined && body.kind !== 'xml' && body.kind !== 'text') return valueBlock(body.value, label);
  if (body.text !== undefined) {
    if (body.kind === 'json' || body.kind === 'jsonrpc') {
      const j = tryJson(body.text);
      if (j) return valueBlock(j.value, label);
    }
    if (body.kind === 'xml' || body.kind === 'xmlrpc' || body.kind === 'soap' || /^\s*</.test(body.text)) return tokensToPre(xmlTokens(body.text), label);
    const j = tryJson(body.text);
    if (j) return valueBlock(j.value, label);
    return tokensToPre([{ c: 'plain', t: body.text }], label);
  }
  if (body.hex) {
    const bytes = hexToBytes(body.hex);
    const fields = body.kind === 'protobuf' ? decodeRawProtobuf(bytes) : undefined;
    if (fields) return tokensToPre(rawProtobufTokens(fields), label);
    return tokensToPre([{ c: 'plain', t: hexDumpText(bytes) }], label);
  }
  return h('div', { class: 'muted empty-body' }, `${formatSize(body.size)} not kept in the preview.`);
}

function hexDumpText(b: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < b.length; off += 16) {
    const row = Array.from(b.subarray(off, off + 16));
    lines.push(`${off.toString(16).padStart(6, '0')}  ${row.map((x) => x.toString(16).padStart(2, '0')).join(' ').padEnd(48)}  ${row.map((x) => (x >= 32 && x < 127 ? String.fromCharCode(x) : '·')).join('')}`);
  }
  return lines.join('\n');
}

/**
 * "fun_add(2, 3)" for RPC requests whose decoded value is a parameter list, "→ 5" for results,
 * "→ fault 1: division by zero" for an XML-RPC fault and "→ error -32601: Method not found" for a
 * JSON-RPC error (when `failed`: a failed call's decoded response is its fault or error object).
 * Undefined when the value does not look like either.
 */
export function callExpression(method: string, part: CallPart | undefined, side: 'request' | 'response', failed = false, protocol?: string): string | undefined {
  let v = part?.value;
  if (v === undefined) return undefined;
  // Dubbo: the request is {parameterTypes, arguments, attachments…}, the answer {value | exception, attachments}.
  if (protocol === 'dubbo' && v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (side === 'request' && Array.isArray(o.arguments)) v = o.arguments;
    else if (side === 'response' && 'value' in o) v = o.value;
    else if (side === 'response' && o.exception && typeof o.exception === 'object') {
      const ex = o.exception as Record<string, unknown>;
      const cls = String(ex.$class ?? ex['@type'] ?? 'exception');
      const msg = ex.detailMessage ?? ex.message;
      return `→ ${cls.slice(cls.lastIndexOf('.') + 1)}${typeof msg === 'string' ? `: ${ellipsize(msg, 80)}` : ''}`;
    }
  }
  const short = (x: unknown): string => {
    const s = typeof x === 'string' ? JSON.stringify(x) : JSON.stringify(x, (_k, y) => (typeof y === 'bigint' ? String(y) : y));
    return s === undefined ? String(x) : s.length > 60 ? s.slice(0, 59) + '…' : s;
  };
  if (side === 'request') {
    const params = Array.isArray(v) ? v : v && typeof v === 'object' && 'params' in v ? (v as { params: unknown }).params : undefined;
    if (Array.isArray(params)) return `${method}(${params.map(short).join(', ')})`;
    if (params && typeof params === 'object') return `${method}(${short(params)})`;
    return undefined;
  }
  if (failed && v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const text = (x: unknown) => (typeof x === 'string' ? ellipsize(x, 80) : short(x));
    if ('faultCode' in o || 'faultString' in o) return `→ fault ${text(o.faultCode)}${o.faultString !== undefined ? `: ${text(o.faultString)}` : ''}`;
    if ('code' in o && 'message' in o) return `→ error ${text(o.code)}: ${text(o.message)}`;
    // (a Twirp error: {code, msg, meta})
    if (typeof o.code === 'string' && typeof o.msg === 'string') return `→ error ${o.code}: ${text(o.msg)}`;
  }
  const r = v && typeof v === 'object' && 'result' in v ? (v as { result: unknown }).result : v;
  return `→ ${short(r)}`;
}

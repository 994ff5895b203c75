/**
 * HTTP body decoding shared by HTTP/1.1 and HTTP/2: content codings (RFC 9110 §8.4.1 — gzip,
 * deflate, br, identity, stacked in the order applied) then the media type (RFC 9110 §8.3):
 * JSON, XML, URL-encoded forms, multipart/form-data (RFC 7578), text with its charset, binary.
 *
 * Everything is bounded: the caller passes at most `limits.maxBodyBytes` (the preview);
 * decompression stops at `limits.maxDecompressedBytes`; JSON nesting at `limits.maxDepth`.
 */
import type { Body, HeaderList } from '../core/model';
import type { DecoderEnv, Limits } from '../core/env';
import { DecompressLimitError } from '../core/env';
import { latin1Text, toHex, utf8Strict, utf8Text } from '../core/bytes';
import { decodeMsgpack } from '../core/msgpack';
import { isSnappyFramed, snappyDecompress, snappyFramedDecompress } from '../core/codecs';
import { decodeProtobuf, decodeRaw, resolverOf } from '../protobuf/decode';
import { protoDefinitionsOf } from '../protobuf/definitions';
import { requestPath } from './target';
import { isTwirpProtobufTarget } from '../twirp/route';

/** MessagePack media types (IANA application/vnd.msgpack; the older unregistered ones clients still send). */
const MSGPACK_TYPES = new Set(['application/msgpack', 'application/x-msgpack', 'application/vnd.msgpack']);

/**
 * The first value of a query-string parameter of a request URI (`?a=1&b=x`), percent- and
 * plus-decoded; undefined when absent or not decodable. No RegExp: the body routers ask on every
 * HTTP exchange.
 */
export function queryParam(uri: string | undefined, key: string): string | undefined {
  if (!uri) return undefined;
  const q = uri.indexOf('?');
  if (q < 0) return undefined;
  const end = uri.indexOf('#', q) < 0 ? uri.length : uri.indexOf('#', q);
  for (let i = q + 1; i < end; ) {
    const amp = uri.indexOf('&', i);
    const stop = amp < 0 || amp > end ? end : amp;
    if (uri.startsWith(key, i) && uri.charCodeAt(i + key.length) === 0x3d /* = */ && i + key.length < stop) {
      try {
        return decodeURIComponent(uri.slice(i + key.length + 1, stop).replace(/\+/g, ' '));
      } catch {
        return undefined;
      }
    }
    i = stop + 1;
  }
  return undefined;
}

/**
 * The first value of a header whose name is given in lower case (core/handoff's `header`, without
 * lower-casing every name it passes: a name can only match one of the same length).
 */
export function headerValue(headers: HeaderList | undefined, lowerName: string): string | undefined {
  if (!headers) return undefined;
  const len = lowerName.length;
  for (let i = 0; i < headers.length; i++) {
    const k = headers[i][0];
    if (k.length === len && (k === lowerName || k.toLowerCase() === lowerName)) return headers[i][1];
  }
  return undefined;
}

/**
 * Is header name `name` the lower-case `lower` (as long) but for case? ASCII letters are compared
 * without case, other characters exactly: what `name.toLowerCase() === lower` gives for the header
 * names callers ask about (the only non-ASCII character that lower-cases to an ASCII letter is the
 * Kelvin sign, to `k`, and none of them has a `k`). The caller checks the length first.
 */
export function sameHeaderName(name: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Parsed `type/subtype; param=value` (lower-cased type and parameter names). */
export interface MediaType {
  /** `type/subtype`, lower case, e.g. 'application/json'. */
  essence: string;
  params: Record<string, string>;
}

/**
 * The last few values parseMediaType parsed, and what it gave (frozen: shared by every caller that
 * asks for the same value). A capture's messages mostly repeat a handful of Content-Types, and each
 * exchange asks for the same ones several times (body decoding, the body routers).
 */
const MEDIA_CACHE_SIZE = 4;
const mediaCacheKeys: string[] = [];
const mediaCacheValues: Array<MediaType | undefined> = [];
let mediaCacheNext = 0;

/**
 * Parse a Content-Type value (RFC 9110 §8.3.1); undefined when absent or empty. The result is
 * frozen (it may be shared with other callers).
 */
export function parseMediaType(value: string | undefined): MediaType | undefined {
  if (!value) return undefined;
  for (let k = 0; k < mediaCacheKeys.length; k++) if (mediaCacheKeys[k] === value) return mediaCacheValues[k];
  const mt = parseMediaTypeUncached(value);
  if (mt) {
    Object.freeze(mt.params);
    Object.freeze(mt);
  }
  // (long values, multipart boundaries say, are not worth keeping)
  if (value.length <= 128) {
    mediaCacheKeys[mediaCacheNext] = value;
    mediaCacheValues[mediaCacheNext] = mt;
    mediaCacheNext = (mediaCacheNext + 1) % MEDIA_CACHE_SIZE;
  }
  return mt;
}

/**
 * Usual media types: an essence equal to one is given as this constant, which the decoders'
 * comparisons with it (`essence === 'application/json'`) then find by identity; a string made from
 * a header value is compared character by character each time.
 */
const USUAL_ESSENCES = ['application/json', 'text/plain', 'text/html', 'application/xml', 'text/xml', 'application/x-www-form-urlencoded', 'application/grpc', 'text/event-stream', 'application/octet-stream'];

function usualEssence(essence: string): string {
  for (const e of USUAL_ESSENCES) if (e === essence) return e;
  return essence;
}

function parseMediaTypeUncached(value: string): MediaType | undefined {
  if (value.indexOf(';') < 0) {
    // No parameters (the usual `application/json`): what the general path gives, cheaper.
    const essence = usualEssence(value.trim().toLowerCase());
    return essence ? { essence, params: {} } : undefined;
  }
  const parts = splitParams(value);
  const essence = usualEssence((parts.shift() ?? '').trim().toLowerCase());
  if (!essence) return undefined;
  const params: Record<string, string> = {};
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    let v = p.slice(eq + 1).trim();
    if (v.length >= 2 && v[0] === '"' && v[v.length - 1] === '"') v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    if (name && !(name in params)) params[name] = v;
  }
  return { essence, params };
}

/** Split on ';' outside quoted strings. */
function splitParams(value: string): string[] {
  if (value.indexOf('"') < 0) return value.split(';');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      cur += ch;
      if (ch === '\\' && i + 1 < value.length) cur += value[++i];
      else if (ch === '"') quoted = false;
    } else if (ch === '"') {
      quoted = true;
      cur += ch;
    } else if (ch === ';') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function isJsonType(essence: string): boolean {
  return essence === 'application/json' || essence.endsWith('+json') || (essence.startsWith('application/') && essence.includes('json'));
}

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/jsonlines', 'application/json-seq', 'application/stream+json', 'application/x-json-stream']);

/** Streamed bodies read event by event (see event-stream.ts): server-sent events, NDJSON / JSON Lines. */
export function eventStreamFormatOf(essence: string | undefined): 'sse' | 'ndjson' | undefined {
  if (!essence || essence === 'application/json') return undefined; // (the usual answer, without a hash)
  if (essence === 'text/event-stream') return 'sse';
  if (NDJSON_TYPES.has(essence)) return 'ndjson';
  return undefined;
}

export function isXmlType(essence: string): boolean {
  return essence === 'text/xml' || essence === 'application/xml' || essence.endsWith('+xml');
}

/**
 * Deepest bracket nesting of a JSON text (strings skipped), stopping early past `stopAt`.
 * Checked before JSON.parse so hostile nesting is refused without building it.
 */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * Parse JSON text with the depth bound. Returns `{ ok: true, value }`, or `{ ok: false, warning }`
 * (invalid or too deep; the warning says which). Integers beyond ±2^53 come out as exact strings
 * (see parseJsonExact), and `note` then says so.
 */
export function parseJsonBounded(text: string, maxDepth: number): { ok: true; value: unknown; note?: string } | { ok: false; warning: string } {
  let parsed: { value: unknown; exact: number };
  try {
    // V8's JSON.parse does not recurse on the native stack; the depth is checked on the result,
    // which is cheaper than scanning the text first (the text is at most the preview).
    parsed = parseJsonExact(text);
  } catch (e) {
    if (e instanceof RangeError || jsonDepth(text, maxDepth) > maxDepth) return { ok: false, warning: `JSON nested deeper than ${maxDepth} levels: kept as text` };
    return { ok: false, warning: `invalid JSON: ${(e as Error).message}` };
  }
  const value = parsed.value;
  // No walk when the text cannot nest that deep: each level needs an opening bracket.
  if (!fewBrackets(text, maxDepth) && valueDeeperThan(value, maxDepth)) return { ok: false, warning: `JSON nested deeper than ${maxDepth} levels: kept as text` };
  if (parsed.exact) return { ok: true, value, note: exactIntegersNote(parsed.exact) };
  return { ok: true, value };
}

/**
 * JSON.parse, except that an integer beyond ±2^53 (a 64-bit id), which JSON.parse would round, is
 * put in quotes first and kept as the string of its digits, as 64-bit protobuf integers are;
 * `exact` counts them. Texts without sixteen digits in a row (most) pay one scan for them. Throws
 * what JSON.parse throws. Every JSON payload the decoders show goes through here (bodies, message
 * payloads, events), most through parseJsonBounded.
 */
export function parseJsonExact(text: string): { value: unknown; exact: number } {
  // RFC 8259 §8.1: a parser may ignore a byte order mark (JSON.parse does not: U+FEFF is no JSON
  // whitespace), and a payload's text keeps it (utf8Strict).
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const exact = hasSixteenDigits(text) ? bigIntegersAsStrings(text) : undefined;
  return { value: JSON.parse(exact?.text ?? text), exact: exact?.count ?? 0 };
}

/** The note for a JSON value whose `count` integers beyond ±2^53 were kept as exact strings. */
export function exactIntegersNote(count: number): string {
  return `${count} integer${count === 1 ? '' : 's'} beyond ±2^53 kept as exact strings (a JSON number that large loses digits as a double)`;
}

/**
 * Does the text have sixteen ASCII digits in a row (what /\d{16}/ finds)? Such a run covers
 * exactly one index ≡ 15 (mod 16), so only every sixteenth character is looked at until one is a
 * digit; the run through it is then measured both ways.
 */
function hasSixteenDigits(text: string): boolean {
  const n = text.length;
  for (let i = 15; i < n; i += 16) {
    if (!isDigitCode(text.charCodeAt(i))) continue;
    let from = i;
    while (from > 0 && i - from < 15 && isDigitCode(text.charCodeAt(from - 1))) from--;
    let to = i + 1;
    while (to < n && to - from < 16 && isDigitCode(text.charCodeAt(to))) to++;
    if (to - from >= 16) return true;
  }
  return false;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The JSON text with each integer literal outside strings that a double cannot hold exactly
 * (RFC 8259 §6: only integers up to 2^53 − 1 in magnitude are sure to be; 2^53, 2^60… are held
 * exactly and stay numbers) put in quotes; undefined when there is none.
 */
function bigIntegersAsStrings(text: string): { text: string; count: number } | undefined {
  let out = '';
  let last = 0;
  let count = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // a string: to its closing quote, past escapes
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
      i++;
      continue;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i;
      let integer = true;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d >= 48 && d <= 57) continue;
        if (d === 46 || d === 101 || d === 69 || d === 43 || d === 45) integer = false;
        else break;
      }
      // (2^53 itself and the other integers a double holds exactly stay numbers: only a literal whose
      // double is another integer would lose digits)
      if (integer && i - start >= 16 && inexact(text.slice(start, i))) {
        out += text.slice(last, start) + '"' + text.slice(start, i) + '"';
        last = i;
        count++;
      }
      continue;
    }
    i++;
  }
  return count ? { text: out + text.slice(last), count } : undefined;
}

/**
 * Does a double read from this integer literal hold another integer (digits lost)? The one rule
 * for which JSON integers are kept as exact strings (parseJsonExact; jsonrpc/partial.ts for a cut
 * text).
 */
export function inexact(literal: string): boolean {
  const d = Number(literal);
  if (Number.isSafeInteger(d)) return false;
  try {
    return BigInt(d) !== BigInt(literal);
  } catch {
    return true;
  }
}

/** Are there at most `max` opening brackets ({ or [) in the text (strings included)? */
function fewBrackets(text: string, max: number): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++n > max) return false;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) if (++n > max) return false;
  return true;
}

/** Is this parsed value nested deeper than `max` containers? (stops descending at max+1) */
export function valueDeeperThan(value: unknown, max: number): boolean {
  const walk = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== 'object') return false;
    if (depth >= max) return true;
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object' && walk(x, depth + 1)) return true;
    } else for (const k in v as Record<string, unknown>) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== null && typeof x === 'object' && walk(x, depth + 1)) return true;
    }
    return false;
  };
  return walk(value, 0);
}

/** Does this text look like a JSON object or array (first non-blank is `{` or `[`)? */
function looksLikeJson(text: string): boolean {
  const m = /^\s*([[{])/.exec(text.slice(0, 64));
  return !!m;
}

function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const cs = (charset ?? 'utf-8').toLowerCase();
  if (cs === 'utf-8' || cs === 'utf8') return utf8Text(bytes);
  if (cs === 'iso-8859-1' || cs === 'latin1' || cs === 'us-ascii' || cs === 'ascii') return latin1Text(bytes);
  try {
    return new TextDecoder(cs).decode(bytes);
  } catch {
    return utf8Text(bytes);
  }
}

/** Mostly printable text (no NULs, few control characters)? Used to sniff untyped bodies. */
function looksLikeText(text: string): boolean {
  let bad = 0;
  const n = Math.min(text.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13)) bad++;
  }
  return bad <= n / 100;
}

/** Content codings listed in Content-Encoding, in the order they were applied. */
export function contentCodings(headers: HeaderList | undefined): string[] {
  const out: string[] = [];
  if (!headers) return out;
  for (const [k, v] of headers) {
    if (k.length !== 16 || k.toLowerCase() !== 'content-encoding') continue;
    for (const c of v.split(',')) {
      const t = c.trim().toLowerCase();
      // `none` is no registered coding (RFC 9110 §8.4.1), but servers send it meaning identity
      // (GraphQL Yoga's event streams, to keep proxies from compressing them): nothing to undo.
      if (t && t !== 'none') out.push(t);
    }
  }
  return out;
}

/**
 * Why a body is cut: `preview` when it is longer than the preview limit (limits.maxBodyBytes, a
 * limit of ours: the capture has the rest), `capture` when the capture lost bytes of it (snaplen, a
 * gap); undefined when it is whole.
 */
export type BodyCut = 'preview' | 'capture';

/**
 * Why `kept` bytes of a `size`-byte body are all there is: the callers keep the first maxBodyBytes
 * of what was captured, so fewer than that means the capture had no more (an HTTP/1 body holed by
 * a gap keeps the bytes before it, and counts the gap in its size).
 */
export function cutOf(kept: number, size: number, limits: Limits): BodyCut | undefined {
  return size > kept ? (kept >= limits.maxBodyBytes ? 'preview' : 'capture') : undefined;
}

/** Bodies decodeHttpBody cut at the preview limit (see bodyCut). */
const cutAtPreview = new WeakSet<Body>();

/**
 * Why a decoded HTTP body is `truncated`. A body is marked truncated also after decodeHttpBody (a
 * capture gap the HTTP/1 decoder saw): a truncated body not cut at the preview is cut by the capture.
 */
export function bodyCut(body: Body | undefined): BodyCut | undefined {
  if (!body?.truncated) return undefined;
  return cutAtPreview.has(body) ? 'preview' : 'capture';
}

/**
 * How a cut body is told in warnings: `not captured whole` (the capture lost bytes), or `longer
 * than the 1 MiB preview (--max-body, callscope.maxBodyBytes)` (our limit: the capture has the rest).
 */
export function cutWords(body: Body | undefined, limits: Limits): string {
  return bodyCut(body) === 'preview' ? previewLimitWords(limits) : 'not captured whole';
}

/** A body cut at the preview limit, for warnings: `longer than the 1 MiB preview (--max-body, callscope.maxBodyBytes)`. */
export function previewLimitWords(limits: Limits): string {
  return `longer than the ${formatBytes(limits.maxBodyBytes)} preview (--max-body, callscope.maxBodyBytes)`;
}

/**
 * Undo content codings (applied left to right, so undone right to left). Returns the decoded
 * bytes, or undefined (with a warning) when a coding is unknown, corrupt or expands too far.
 */
export function decodeContentCodings(bytes: Uint8Array, codings: string[], env: DecoderEnv, warnings: string[], cut?: BodyCut): Uint8Array | undefined {
  let cur = bytes;
  const max = env.limits.maxDecompressedBytes;
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i];
    try {
      switch (coding) {
        case 'identity':
          break;
        case 'gzip':
        case 'x-gzip':
          cur = env.compression.gunzip(cur, max);
          break;
        case 'deflate':
          cur = env.compression.inflate(cur, max);
          break;
        case 'br':
          cur = env.compression.brotli(cur, max);
          break;
        case 'snappy':
          // Prometheus remote write (and its receivers' answers): snappy's block format; framed when it says so.
          cur = isSnappyFramed(cur) ? snappyFramedDecompress(cur, max) : env.compression.snappy ? env.compression.snappy(cur, max) : snappyDecompress(cur, max);
          break;
        case 'zstd':
          if (!env.compression.zstd) {
            warnings.push('zstd content coding: no zstd decoder on this platform');
            return undefined;
          }
          cur = env.compression.zstd(cur, max);
          break;
        default:
          warnings.push(`unknown content coding "${coding}": body not decoded`);
          return undefined;
      }
    } catch (e) {
      if (e instanceof DecompressLimitError || (e as Error)?.name === 'DecompressLimitError') {
        warnings.push(`${coding} body expands past ${formatBytes(max)}: decoding stopped`);
      } else if (cut === 'preview') {
        warnings.push(`${coding} body ${previewLimitWords(env.limits)}: the preview alone could not be decoded`);
      } else if (cut === 'capture') {
        warnings.push(`${coding} body not captured whole: not decoded`);
      } else {
        warnings.push(`${coding} body is corrupt: ${(e as Error)?.message ?? String(e)}`);
      }
      return undefined;
    }
  }
  return cur;
}

function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n} bytes`;
}

/** Parse `a=1&b=x+y&a=2` into { a: ['1','2'], b: 'x y' } (bounded pair count). */
export function parseUrlEncoded(text: string, maxPairs = 10_000): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  formPairs(text, maxPairs, (k, v) => {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  });
  return { ...out };
}

/** Each name and value of a form (`a=1&b=x+y`, a name without `=` has the empty value) in order, decoded (pctDecode); at most maxPairs. */
export function formPairs(text: string, maxPairs: number, each: (name: string, value: string) => void): void {
  let n = 0;
  for (const pair of text.split('&')) {
    if (!pair) continue;
    if (++n > maxPairs) break;
    const eq = pair.indexOf('=');
    each(pctDecode(eq < 0 ? pair : pair.slice(0, eq)), eq < 0 ? '' : pctDecode(pair.slice(eq + 1)));
  }
}

/** A form (application/x-www-form-urlencoded) name or value: `+` a space, then percent-decoded; as written when that fails. */
function pctDecode(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

export interface MultipartPart {
  name?: string;
  filename?: string;
  contentType?: string;
  size: number;
  /** Short textual form fields (no filename, ≤ 1 KiB of valid UTF-8), and the part `keepText` picks whatever its size. */
  text?: string;
  /** The part's Content-ID without its angle brackets (RFC 2392; multipart/related, RFC 2387). */
  contentId?: string;
  /** Which bytes of the representation it holds (a multipart/byteranges answer, RFC 9110 section 14.6: `bytes 0-9/6756`). */
  contentRange?: string;
  /** The body ended inside this part (no delimiter after it: a cut capture or preview). */
  open?: true;
}

/**
 * SOAP messages with attachments (SOAP MTOM / XOP: `type="application/xop+xml"`; SwA: `type="text/xml"`):
 * a multipart/related body whose root part (RFC 2387 section 3.2: the `start` Content-ID, else the
 * first part) is an envelope. Its text is kept whatever its size, for the SOAP router.
 */
function soapRootPicker(params: Record<string, string>): ((part: MultipartPart, index: number) => boolean) | undefined {
  const type = (params.type ?? '').trim().toLowerCase();
  if (type !== 'application/xop+xml' && type !== 'text/xml' && type !== 'application/soap+xml') return undefined;
  return isRelatedRoot(params);
}

/** RFC 2387 section 3.2: a multipart/related body's root is the part whose Content-ID is the `start` parameter, else the first. */
export function isRelatedRoot(params: Record<string, string>): (part: MultipartPart, index: number) => boolean {
  const start = params.start?.trim().replace(/^<(.*)>$/, '$1');
  return start ? (p) => p.contentId === start : (_p, i) => i === 0;
}

/** List the parts of a multipart body (RFC 2046 §5.1, RFC 7578). Bounded to 1000 parts. */
export function parseMultipart(bytes: Uint8Array, boundary: string, warnings: string[], keepText?: (part: MultipartPart, index: number) => boolean): MultipartPart[] {
  const parts: MultipartPart[] = [];
  const text = latin1Text(bytes); // one char per byte: indexes are byte offsets
  const delim = '--' + boundary;
  let pos = text.indexOf(delim);
  if (pos < 0) {
    warnings.push('multipart boundary not found in the body');
    return parts;
  }
  while (pos >= 0 && parts.length < 1000) {
    let start = pos + delim.length;
    if (text.startsWith('--', start)) break; // close delimiter
    // skip transport padding and the line break after the delimiter
    const eol = text.indexOf('\n', start);
    if (eol < 0) break;
    start = eol + 1;
    const next = text.indexOf('\r\n' + delim, start);
    const nextLf = next < 0 ? text.indexOf('\n' + delim, start) : next;
    const end = nextLf < 0 ? text.length : nextLf;
    let headEnd = text.indexOf('\r\n\r\n', start);
    let bodyStart = headEnd + 4;
    if (headEnd < 0 || headEnd > end) {
      headEnd = text.indexOf('\n\n', start);
      bodyStart = headEnd + 2;
    }
    if (headEnd < 0 || headEnd > end) {
      headEnd = start;
      bodyStart = start;
    }
    const part: MultipartPart = { size: Math.max(0, end - bodyStart) };
    for (const line of text.slice(start, headEnd).split(/\r?\n/)) {
      const c = line.indexOf(':');
      if (c <= 0) continue;
      const name = line.slice(0, c).trim().toLowerCase();
      const value = line.slice(c + 1).trim();
      if (name === 'content-type') part.contentType = value;
      else if (name === 'content-disposition') {
        const mt = parseMediaType(value);
        if (mt?.params.name !== undefined) part.name = mt.params.name;
        if (mt?.params.filename !== undefined) part.filename = mt.params.filename;
      } else if (name === 'content-id') part.contentId = value.replace(/^<(.*)>$/, '$1');
      else if (name === 'content-range') part.contentRange = value;
    }
    if (nextLf < 0) part.open = true;
    // Short fields, and JSON parts whatever their size or file name (multipart/mixed answers:
    // GraphQL's incremental delivery sends each payload as one; a browser's or Node's FormData sends
    // a JSON Blob as a file named "blob"): as text.
    const json = part.contentType !== undefined && isJsonType(parseMediaType(part.contentType)?.essence ?? '');
    if ((part.filename === undefined && part.size <= 1024) || json || keepText?.(part, parts.length)) {
      const t = utf8Strict(bytes.subarray(bodyStart, end));
      if (t !== undefined) part.text = t;
    }
    parts.push(part);
    if (nextLf < 0) {
      warnings.push('multipart body ends without its close delimiter');
      break;
    }
    pos = text.indexOf(delim, nextLf);
  }
  return parts;
}

/**
 * Decode an HTTP body preview by Content-Encoding then Content-Type. `bytes` is at most
 * limits.maxBodyBytes (the preview); `size` the full de-chunked size. `requestHeaders`: for a
 * response, its request's (a Thrift reply may come without a Content-Type of its own).
 */
export function decodeHttpBody(bytes: Uint8Array, size: number, headers: HeaderList, env: DecoderEnv, requestHeaders?: HeaderList, target?: string): { body: Body; warnings: string[] } {
  const warnings: string[] = [];
  const limits = env.limits;
  const cut = cutOf(bytes.length, size, limits);
  const truncated = cut !== undefined;
  const ctRaw = headerValue(headers, 'content-type');
  const mt = parseMediaType(ctRaw);
  const body = new HttpBody(size);
  if (ctRaw) body.contentType = ctRaw;
  if (truncated) body.truncated = true;
  if (cut === 'preview') cutAtPreview.add(body);
  if (size === 0 && bytes.length === 0) return { body, warnings };
  try {
    const codings = contentCodings(headers).filter((c) => c !== 'identity');
    let content: Uint8Array = bytes;
    if (codings.length) {
      body.encoding = codings.join(', ');
      const decoded = decodeContentCodings(bytes, codings, env, warnings, cut);
      if (!decoded) {
        body.kind = 'binary';
        body.hex = toHex(bytes, 64);
        return { body, warnings };
      }
      content = decoded;
      if (!truncated) body.decodedSize = decoded.length;
    }
    if (content.length > limits.maxBodyBytes) {
      content = content.subarray(0, limits.maxBodyBytes);
      body.truncated = true;
      cutAtPreview.add(body);
    }
    let essence = mt?.essence ?? '';
    const charset = mt?.params.charset;
    // A response without a type of its own (or octet-stream) to a Thrift request (Node's thrift
    // web server sends none) is read as the request's Thrift.
    if (requestHeaders && (essence === '' || essence === 'application/octet-stream')) {
      const rq = parseMediaType(headerValue(requestHeaders, 'content-type'))?.essence ?? '';
      if (isThriftType(rq)) essence = rq;
    }
    if (essence === 'application/json') {
      // (the usual type, first: what the isJsonType branch below does)
      decodeJsonInto(body, decodeCharset(content, charset), limits, warnings);
    } else if (isThriftType(essence)) {
      // Thrift over HTTP (decoders/thrift/http.ts): the JSON protocol as text, the others whole.
      if (essence.endsWith('.json')) {
        body.kind = 'text';
        body.text = decodeCharset(content, charset);
      } else {
        body.kind = 'binary';
        body.hex = toHex(content);
      }
    } else if (essence === 'x-application/hessian' || essence === 'application/x-hessian') {
      // Hessian RPC over HTTP (decoders/hessian): a call or reply the Hessian router reads: keep the whole preview.
      body.kind = 'binary';
      body.hex = toHex(content);
    } else if (essence.startsWith('application/connect+') || essence === 'application/proto' || (essence.startsWith('application/grpc') && essence.endsWith('+json') && !essence.startsWith('application/grpc-web-text'))) {
      // Connect (decoders/connect): enveloped messages or one bare protobuf message the Connect
      // router decodes: keep the whole preview (application/connect+json is not one JSON text).
      // So is gRPC(-Web) with the JSON codec, `application/grpc-web+json` (Connect-ES's
      // createGrpcWebTransport without binary format): length-prefixed frames, not one JSON text.
      body.kind = 'binary';
      body.hex = toHex(content);
    } else if (eventStreamFormatOf(essence) === 'ndjson') {
      // One JSON text per line: the events are read by event-stream.ts; the preview is the text.
      body.kind = 'text';
      body.text = decodeCharset(content, charset);
    } else if (isJsonType(essence)) {
      decodeJsonInto(body, decodeCharset(content, charset), limits, warnings);
    } else if (isXmlType(essence)) {
      body.kind = 'xml';
      body.text = decodeCharset(content, charset ?? xmlDeclEncoding(content));
    } else if (essence === 'application/x-www-form-urlencoded') {
      body.kind = 'form';
      body.text = latin1Text(content);
      body.value = parseUrlEncoded(body.text);
    } else if (essence.startsWith('multipart/')) {
      const boundary = mt?.params.boundary;
      body.kind = 'form';
      if (boundary) body.value = parseMultipart(content, boundary, warnings, essence === 'multipart/related' && mt ? soapRootPicker(mt.params) : undefined);
      else {
        warnings.push('multipart body without a boundary parameter');
        body.kind = 'binary';
        body.hex = toHex(content, 64);
      }
    } else if (essence.startsWith('text/') || essence === '') {
      const text = decodeCharset(content, charset);
      if (looksLikeJson(text) && (essence === 'text/plain' || essence === '')) {
        const r = parseJsonBounded(text, limits.maxDepth);
        if (r.ok && r.value !== null && typeof r.value === 'object') {
          body.setJson(r.value, text, r.note, warnings);
          return { body, warnings };
        }
      }
      if (essence === '') {
        if (/^\s*</.test(text.slice(0, 64)) && looksLikeText(text)) {
          body.kind = 'xml';
          body.text = text;
        } else if (looksLikeText(text)) {
          body.kind = 'text';
          body.text = text;
        } else {
          body.kind = 'binary';
          body.hex = toHex(content, 64);
        }
      } else {
        body.kind = 'text';
        body.text = text;
      }
    } else if (essence.startsWith('application/grpc-web-text')) {
      // base64 text: the gRPC-Web router decodes it
      body.kind = 'text';
      body.text = latin1Text(content);
    } else if (essence.startsWith('application/grpc')) {
      // Length-prefixed messages a body router (gRPC-Web) decodes: keep the whole preview.
      body.kind = 'binary';
      body.hex = toHex(content);
    } else if (essence === 'application/protobuf' && isTwirpProtobufTarget(target)) {
      // Twirp (decoders/twirp): one message the Twirp router decodes with its rpc's types: keep the whole preview.
      body.kind = 'binary';
      body.hex = toHex(content);
    } else if (essence === 'application/octet-stream' && target !== undefined && /[?&]EIO=3\b/.test(target) && /[?&]transport=polling\b/.test(target)) {
      // An Engine.IO 3 binary payload (websocket/socketio.ts binaryPayload): keep the whole preview for it.
      body.kind = 'binary';
      body.hex = toHex(content);
    } else if (PROTOBUF_TYPES.has(essence)) {
      const implied = mt!.params.proto ? undefined : impliedProtoType(headers, target, requestHeaders !== undefined);
      decodeProtobufBody(body, content, implied ? { ...mt!.params, proto: implied } : mt!.params, env, warnings);
    } else if (MSGPACK_TYPES.has(essence)) {
      const r = decodeMsgpack(content, limits.maxDepth);
      if (r.ok) {
        body.kind = 'msgpack';
        body.value = r.value;
        body.hex = toHex(content, 64); // (the bytes' start, as for binary bodies: HAR and copy-as)
        if (r.warning) warnings.push(r.warning);
      } else {
        body.kind = 'binary';
        body.hex = toHex(content, 64);
        warnings.push(body.truncated ? 'MessagePack body cut at the preview size: not decoded (raise --max-body / callscope.maxBodyBytes)' : r.warning!);
      }
    } else if (essence === 'application/javascript' || essence === 'application/ecmascript' || essence === 'application/graphql') {
      body.kind = 'text';
      body.text = decodeCharset(content, charset);
    } else {
      body.kind = 'binary';
      body.hex = toHex(content, 64);
    }
  } catch (e) {
    warnings.push(`body not decoded: ${(e as Error)?.message ?? String(e)}`);
    body.kind = 'binary';
    body.hex = toHex(bytes, 64);
  }
  return { body, warnings };
}

/** OTLP/HTTP's default paths and the package of their messages (`…trace.v1.ExportTraceServiceRequest`). */
const OTLP_TYPES: Record<string, string> = { '/v1/traces': 'trace.v1.ExportTraceService', '/v1/metrics': 'metrics.v1.ExportMetricsService', '/v1/logs': 'logs.v1.ExportLogsService' };

/**
 * The message a protobuf body holds when its media type does not say: a Prometheus remote write 1.0 request names
 * it by a header; OTLP/HTTP by the request path (`/v1/traces` carries ExportTraceServiceRequest, its answer the
 * Response).
 */
function impliedProtoType(headers: HeaderList, target: string | undefined, isResponse: boolean): string | undefined {
  if (headerValue(headers, 'x-prometheus-remote-write-version')?.startsWith('0.1')) return 'prometheus.WriteRequest';
  const otlp = target ? OTLP_TYPES[requestPath(target)] : undefined;
  return otlp ? `opentelemetry.proto.collector.${otlp}${isResponse ? 'Response' : 'Request'}` : undefined;
}

/** Protocol Buffers as an HTTP body: OTLP/HTTP, Prometheus remote write and protobuf exposition, Google APIs' `alt=proto`. */
const PROTOBUF_TYPES = new Set(['application/x-protobuf', 'application/protobuf', 'application/vnd.google.protobuf', 'application/x-google-protobuf']);

/**
 * A protobuf HTTP body: typed when the media type names the message (`proto=io.prometheus.client.MetricFamily`,
 * Prometheus; `messageType=`; a remote write 1.0 request, `prometheus.WriteRequest`) and the workspace's .proto files define it, else decoded raw as `protoc --decode_raw`
 * does. `encoding=delimited` (Prometheus exposition): a varint length before each message, decoded one by one.
 */
function decodeProtobufBody(body: HttpBody, content: Uint8Array, params: Record<string, string>, env: DecoderEnv, warnings: string[]): void {
  body.hex = toHex(content, 64);
  if (body.truncated) {
    body.kind = 'binary';
    warnings.push('protobuf body cut at the preview size: not decoded (raise --max-body / callscope.maxBodyBytes)');
    return;
  }
  const typeName = params.proto ?? params.messagetype;
  const defs = protoDefinitionsOf(env.definitions);
  const limits = env.limits;
  // (a type the workspace does not define: raw, said once per body)
  const decode = (b: Uint8Array) => (typeName && defs ? decodeProtobuf(b, typeName, resolverOf(defs), limits) : decodeRaw(b, limits));
  if (params.encoding === 'delimited') {
    const values: unknown[] = [];
    let raw = false;
    let i = 0;
    while (i < content.length) {
      if (values.length >= limits.maxMessagesPerCall) {
        warnings.push(`delimited protobuf body: only the first ${values.length} messages decoded`);
        break;
      }
      let len = 0;
      let shift = 0;
      let b = 0x80;
      while (b & 0x80 && i < content.length && shift < 35) {
        b = content[i++];
        len += (b & 0x7f) * 2 ** shift;
        shift += 7;
      }
      if (b & 0x80 || i + len > content.length) {
        warnings.push(`delimited protobuf body: a length runs past the end at byte ${i}`);
        break;
      }
      const r = decode(content.subarray(i, i + len));
      raw ||= r.raw;
      for (const w of r.warnings) if (!warnings.includes(w)) warnings.push(w);
      values.push(r.value);
      i += len;
    }
    body.kind = raw ? 'protobuf-raw' : 'protobuf';
    body.value = values;
    return;
  }
  const r = decode(content);
  body.kind = r.raw ? 'protobuf-raw' : 'protobuf';
  body.value = r.value;
  warnings.push(...r.warnings);
}

function isThriftType(essence: string): boolean {
  return essence === 'application/x-thrift' || essence.startsWith('application/vnd.apache.thrift.');
}

/**
 * The bodies decodeHttpBody makes. A class for Body.jsonText: the text is kept in a private field
 * and read through the class's getter, so that, as a non-enumerable property would be, it is left
 * out of JSON.stringify, object spreads and structured clones (which give plain objects with the
 * other fields), without an Object.defineProperty on each JSON body (which cost as much as
 * building the rest of the body). The other fields are only declared: they become own properties
 * when set, in the order they are set, as on an object literal.
 */
class HttpBody implements Body {
  declare size: number;
  declare kind: Body['kind'];
  declare decodedSize?: number;
  declare contentType?: string;
  declare encoding?: string;
  declare value?: unknown;
  declare text?: string;
  declare hex?: string;
  declare truncated?: boolean;
  #jsonText: string | undefined = undefined;
  /** The value the text as sent may stand for in a JSON line (see verbatimJson). */
  #verbatimFor: unknown = undefined;

  constructor(size: number) {
    this.size = size;
    this.kind = 'none';
  }

  get jsonText(): string | undefined {
    return this.#jsonText;
  }

  /** A JSON body: its value, its text as sent, and `note` (integers kept exact) among the warnings. */
  setJson(value: unknown, text: string, note: string | undefined, warnings: string[]): void {
    this.kind = 'json';
    this.value = value;
    this.#jsonText = text;
    if (note) warnings.push(note);
    // The text says exactly what the value says when no integer was turned into an exact string;
    // a JSON line allows no CR or LF (JSON does, between tokens).
    else if (text.length >= VERBATIM_MIN_CHARS && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) this.#verbatimFor = value;
  }

  verbatim(): string | undefined {
    return this.#verbatimFor !== undefined && this.value === this.#verbatimFor ? this.#jsonText : undefined;
  }
}

/**
 * Below this the text as sent is not printed in place of a JSON body's value: the splice costs more
 * than it saves (measured on the 84,442 calls of the HTTP bench capture, 240-character bodies: 9.5 µs
 * a line spliced, 7.4 µs printed). Above it printing the value grows ~10 ns a character and the
 * splice ~0.4: 10 KB bodies 82 → 12 µs, 100 KB 955 → 39 µs.
 */
const VERBATIM_MIN_CHARS = 1024;

/**
 * The text as sent of a JSON body that may stand for its value in a JSON line (export/jsonl): a
 * body decodeHttpBody made, whose value is still the one parsed from that text, with no integer
 * kept as an exact string, no CR or LF, 1 KiB or more. Undefined for any other body (a structured
 * clone, a payload body, a value a decoder replaced).
 */
export function verbatimJson(body: Body): string | undefined {
  return body instanceof HttpBody ? body.verbatim() : undefined;
}

/**
 * A body declared JSON. One cut by the capture is kept as text without a word of its own: the
 * decoder that lost the bytes has said so (HTTP/1: `body incomplete: … not captured`), and a body
 * router that reads the cut text (JSON-RPC) says what it could read. One cut at the preview says
 * it is our limit, not the capture.
 */
function decodeJsonInto(body: HttpBody, text: string, limits: Limits, warnings: string[]): void {
  const r = parseJsonBounded(text, limits.maxDepth);
  if (r.ok) {
    body.setJson(r.value, text, r.note, warnings);
  } else {
    body.kind = 'text';
    body.text = text;
    if (cutAtPreview.has(body)) warnings.push(`JSON body ${previewLimitWords(limits)}, not cut by the capture: kept as text`);
    else if (!body.truncated) warnings.push(r.warning);
  }
}

/** The `encoding` of an `<?xml … encoding="…"?>` declaration, if any. */
function xmlDeclEncoding(bytes: Uint8Array): string | undefined {
  const head = latin1Text(bytes.subarray(0, 100));
  const m = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return m ? m[1] : undefined;
}

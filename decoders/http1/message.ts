/**
 * HTTP/1.x message syntax (RFC 9112 §2–§5): start lines and header sections, parsed from the
 * latin1 text of a complete head. Pure functions, no state.
 */
import type { HeaderList } from '../core/model';
import { sameHeaderName } from '../http-common/body';

/** RFC 9110 §5.6.2 tchar. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

export interface RequestLine {
  method: string;
  uri: string;
  version: string;
}

export interface StatusLine {
  version: string;
  status: number;
  reason: string;
}

/**
 * `method SP request-target SP HTTP-version` (RFC 9112 §3), lenient about repeated spaces, and about
 * spaces inside an origin-form target (`/cgi-bin/x;cat /etc/passwd`: invalid, §3.2, but sent by
 * scanners and read by some servers): such a target runs to the last whitespace before the version.
 */
export function parseRequestLine(line: string): RequestLine | undefined {
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]+([^ \t\r\n]+|\/[^\x00-\x1f\x7f]*[^ \x00-\x1f\x7f])[ \t]+(HTTP\/\d\.\d)[ \t]*$/.exec(line);
  if (!m) return undefined;
  return { method: m[1], uri: m[2], version: m[3] };
}

/** `HTTP-version SP status-code SP [reason-phrase]` (RFC 9112 §4); a missing reason is tolerated. */
export function parseStatusLine(line: string): StatusLine | undefined {
  const m = /^(HTTP\/\d\.\d)[ \t]+(\d{3})(?:[ \t]+(.*?))?[ \t]*$/.exec(line);
  if (!m) return undefined;
  return { version: m[1], status: Number(m[2]), reason: m[3] ?? '' };
}

/** Does this complete line (with its line ending) look like a request line? (resync) */
export function looksLikeRequestLine(line: string): boolean {
  const l = line.replace(/\r?\n$/, '');
  const r = parseRequestLine(l);
  return !!r && /^HTTP\/1\.[01]$/.test(r.version);
}

/**
 * A start line cut before its end by the capture (snaplen): `METHOD SP target [SP HTTP/1.x prefix]`
 * for requests (`target` possibly cut), `HTTP/1.x SP 3DIGIT [SP reason prefix]` for responses.
 * Strict enough that random bytes do not pass: an upper-case method token, a target starting with `/`,
 * `*`, or a scheme; a version prefix when anything follows the target.
 */
export function partialRequestLine(text: string): (RequestLine & { targetComplete: boolean }) | undefined {
  const m = /^([A-Z][A-Z-]{1,19}) ((?:\/|\*|[a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[!-~]*)( (H(?:T(?:T(?:P(?:\/(?:1(?:\.[01]?)?)?)?)?)?)?)?)?$/.exec(text);
  if (!m) return undefined;
  return { method: m[1], uri: m[2], version: m[5] && m[5].length === 8 ? m[5] : 'HTTP/1.1', targetComplete: m[3] !== undefined };
}

export function partialStatusLine(text: string): StatusLine | undefined {
  const m = /^(HTTP\/1\.[01]) ([1-5][0-9][0-9])(?: ([\t -~\x80-\xff]*))?$/.exec(text);
  if (!m) return undefined;
  return { version: m[1], status: Number(m[2]), reason: m[3] ?? '' };
}

/** Does this complete line look like a status line? (resync) */
export function looksLikeStatusLine(line: string): boolean {
  return !!parseStatusLine(line.replace(/\r?\n$/, ''));
}

export interface ParsedFields {
  headers: HeaderList;
  warnings: string[];
  /** More than `maxHeaders` field lines: the caller stops decoding this direction. */
  tooMany: boolean;
}

/**
 * Field lines (RFC 9112 §5): `name: OWS value OWS`. obs-fold continuation lines are joined with
 * one space (§5.2); lines without a colon are skipped with a warning.
 */
export function parseFieldLines(lines: string[], maxHeaders: number): ParsedFields {
  const headers: HeaderList = [];
  const warnings: string[] = [];
  let folded = false;
  for (const line of lines) {
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      if (headers.length) {
        const last = headers[headers.length - 1];
        const more = line.trim();
        last[1] = last[1] ? (more ? `${last[1]} ${more}` : last[1]) : more;
        folded = true;
      } else warnings.push('header section starts with a continuation line: ignored');
      continue;
    }
    const c = line.indexOf(':');
    if (c <= 0) {
      warnings.push(`invalid header line ignored: ${JSON.stringify(line.slice(0, 60))}`);
      continue;
    }
    let name = line.slice(0, c);
    if (/[ \t]$/.test(name)) {
      warnings.push(`whitespace before colon in header "${name.trim()}"`);
      name = name.trim();
    }
    if (!isToken(name)) warnings.push(`invalid header name ${JSON.stringify(name.slice(0, 40))}`);
    if (headers.length >= maxHeaders) {
      warnings.push(`more than ${maxHeaders} header fields: decoding stopped`);
      return { headers, warnings, tooMany: true };
    }
    headers.push([name, line.slice(c + 1).replace(/^[ \t]+|[ \t]+$/g, '')]);
  }
  if (folded) warnings.push('obsolete line folding (obs-fold) in header fields');
  return { headers, warnings, tooMany: false };
}

/** All values of a (possibly repeated) list header, split on commas, trimmed, lower-cased. */
export function listValues(headers: HeaderList, name: string): string[] {
  const out: string[] = [];
  const n = name.toLowerCase();
  for (const [k, v] of headers) {
    if (k.length !== n.length || k.toLowerCase() !== n) continue;
    for (const part of v.split(',')) {
      const t = part.trim().toLowerCase();
      if (t) out.push(t);
    }
  }
  return out;
}

const DIGITS = /^\d{1,15}$/;

/**
 * Content-Length (RFC 9112 §6.3 item 5): undefined when absent, a number when all values agree,
 * 'invalid' when malformed or conflicting.
 */
export function contentLength(headers: HeaderList): number | 'invalid' | undefined {
  let value: number | undefined;
  let seen = false;
  for (const [k, v] of headers) {
    if (k.length !== 14 || k.toLowerCase() !== 'content-length') continue;
    seen = true;
    if (DIGITS.test(v)) {
      // The usual single value: no list to split.
      const n = Number(v);
      if (value !== undefined && value !== n) return 'invalid';
      value = n;
      continue;
    }
    for (const part of v.split(',')) {
      const t = part.trim();
      if (!/^\d{1,15}$/.test(t)) return 'invalid';
      const n = Number(t);
      if (value !== undefined && value !== n) return 'invalid';
      value = n;
    }
  }
  if (!seen) return undefined;
  return value ?? 'invalid';
}

// ── byte-level head parsing (the hot path: one latin1 decode per head, no regex per line) ──

/** tchar (RFC 9110 §5.6.2) by byte value. */
const TCHAR = (() => {
  const t = new Uint8Array(256);
  for (const ch of "!#$%&'*+.^_`|~-") t[ch.charCodeAt(0)] = 1;
  for (let c = 48; c <= 57; c++) t[c] = 1;
  for (let c = 65; c <= 90; c++) t[c] = 1;
  for (let c = 97; c <= 122; c++) t[c] = 1;
  return t;
})();

/** Is this byte a tchar? */
export const isTcharByte = (c: number): boolean => TCHAR[c] === 1;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isWs = (c: number) => c === 32 || c === 9;

/** `HTTP/d.d` at b[i..i+8)? */
function isVersionAt(b: Uint8Array, i: number, end: number): boolean {
  return (
    i + 8 <= end &&
    b[i] === 72 && b[i + 1] === 84 && b[i + 2] === 84 && b[i + 3] === 80 && b[i + 4] === 47 &&
    isDigit(b[i + 5]) && b[i + 6] === 46 && isDigit(b[i + 7])
  );
}

/**
 * The end of a line without its line ending: b[from..lf) minus one trailing CR (`\r?\n` stripped),
 * lf being the index of its line feed.
 */
export function lineContentEnd(b: Uint8Array, lf: number, from = 0): number {
  return lf > from && b[lf - 1] === 13 ? lf - 1 : lf;
}

/**
 * parseRequestLine on bytes: b[from..end) is the line without its line ending. Returns the end of
 * the method, start and end of the target, start of the version (8 bytes), as indexes in b, or
 * undefined. Matches exactly what parseRequestLine's pattern accepts.
 */
export function scanRequestLine(b: Uint8Array, end: number, from = 0): [number, number, number, number] | undefined {
  let i = from;
  while (i < end && TCHAR[b[i]]) i++;
  if (i === from) return undefined;
  const methodEnd = i;
  while (i < end && isWs(b[i])) i++;
  if (i === methodEnd) return undefined;
  const uriStart = i;
  for (; i < end; i++) {
    const c = b[i];
    if (c === 32 || c === 9 || c === 13 || c === 10) break;
  }
  if (i === uriStart) return undefined;
  let uriEnd = i;
  while (i < end && isWs(b[i])) i++;
  if (i === uriEnd) return undefined;
  if (!isVersionAt(b, i, end)) {
    // An origin-form target with spaces in it: the version is the line's last word.
    if (b[uriStart] !== 47) return undefined;
    let e = end;
    while (e > i && isWs(b[e - 1])) e--;
    const v = e - 8;
    if (v <= i || !isWs(b[v - 1]) || !isVersionAt(b, v, e)) return undefined;
    let u = v - 1;
    while (u > uriStart && isWs(b[u - 1])) u--;
    for (let k = uriStart; k < u; k++) if (b[k] < 32 || b[k] === 127) return undefined;
    uriEnd = u;
    i = v;
  }
  const versionStart = i;
  for (i += 8; i < end; i++) if (!isWs(b[i])) return undefined;
  return [methodEnd, uriStart, uriEnd, versionStart];
}

/**
 * parseStatusLine on bytes: b[from..end) is the line without its line ending. Returns the index
 * of the 3-digit status and the reason's start and end, or undefined; exactly what
 * parseStatusLine's pattern accepts.
 */
export function scanStatusLine(b: Uint8Array, end: number, from = 0): [number, number, number] | undefined {
  if (!isVersionAt(b, from, end)) return undefined;
  let i = from + 8;
  while (i < end && isWs(b[i])) i++;
  if (i === from + 8 || i + 3 > end || !isDigit(b[i]) || !isDigit(b[i + 1]) || !isDigit(b[i + 2])) return undefined;
  const statusAt = i;
  i += 3;
  if (i === end) return [statusAt, end, end];
  if (!isWs(b[i])) return undefined;
  for (let k = i; k < end; k++) if (b[k] === 13 || b[k] === 10) return undefined;
  while (i < end && isWs(b[i])) i++;
  let e = end;
  while (e > i && isWs(b[e - 1])) e--;
  return [statusAt, i, e];
}

function isTokenRange(text: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c > 127 || !TCHAR[c]) return false;
  }
  return true;
}

/**
 * Where the fields the decoder looks up are in a parsed head's list (names compared without case,
 * as headerValue, listValues and contentLength do): `cl`, `te` the index of the only
 * Content-Length / Transfer-Encoding field, -1 when there is none, -2 when there are several;
 * `ct`, `upgrade`, `host` the index of the first Content-Type / Upgrade / Host field, or -1.
 * Found while the head is parsed, so the decoder does not scan and lower-case the names again.
 */
export interface FieldIndex {
  cl: number;
  te: number;
  ct: number;
  upgrade: number;
  host: number;
}

export interface ParsedHead extends ParsedFields, FieldIndex {
  request?: RequestLine;
  status?: StatusLine;
}


/**
 * Note header `i` in `out` when it is one of FieldIndex's. A name matches when its ASCII letters
 * match without case and its other characters exactly: what toLowerCase() gives for a latin1 name,
 * whose other characters never lower-case to ASCII. (The usual spelling is compared first: a
 * native string comparison.)
 */
function indexField(out: FieldIndex, i: number, name: string): void {
  switch (name.length) {
    case 14:
      if (name === 'Content-Length' || sameHeaderName(name, 'content-length')) out.cl = out.cl === -1 ? i : -2;
      return;
    case 17:
      if (name === 'Transfer-Encoding' || sameHeaderName(name, 'transfer-encoding')) out.te = out.te === -1 ? i : -2;
      return;
    case 12:
      if (out.ct === -1 && (name === 'Content-Type' || sameHeaderName(name, 'content-type'))) out.ct = i;
      return;
    case 7:
      if (out.upgrade === -1 && (name === 'Upgrade' || sameHeaderName(name, 'upgrade'))) out.upgrade = i;
      return;
    case 4:
      if (out.host === -1 && (name === 'Host' || sameHeaderName(name, 'host'))) out.host = i;
      return;
  }
}

/**
 * Header names as usually spelled, by length: a head's name equal to one is given as this string
 * (the same characters, not a new copy of them).
 */
const COMMON_NAMES: Array<string[] | undefined> = [];
for (const n of [
  'Host', 'Date', 'Accept', 'Server', 'Cookie', 'Origin', 'Upgrade', 'Referer', 'Expires', 'Connection', 'Keep-Alive',
  'User-Agent', 'Set-Cookie', 'Content-Type', 'Cache-Control', 'Authorization', 'Last-Modified', 'Accept-Ranges',
  'Content-Length', 'Accept-Encoding', 'Accept-Language', 'Content-Encoding', 'Transfer-Encoding',
]) (COMMON_NAMES[n.length] ??= []).push(n);

/** The COMMON_NAMES string that text[from..to) is, if any. */
function commonName(text: string, from: number, to: number): string | undefined {
  const list = COMMON_NAMES[to - from];
  if (list === undefined) return undefined;
  for (let k = 0; k < list.length; k++) {
    const n = list[k];
    let i = 0;
    while (i < n.length && text.charCodeAt(from + i) === n.charCodeAt(i)) i++;
    if (i === n.length) return n;
  }
  return undefined;
}

/**
 * A complete head: `bytes` (start line, field lines, empty line) and `text` its latin1 decoding
 * (one char per byte). Same results and warnings as parseRequestLine/parseStatusLine on the first
 * line and parseFieldLines on the others, plus the FieldIndex of the fields. The warnings are added
 * to `warnings` (the result's list). `scanned`: what scanRequestLine / scanStatusLine already gave
 * for the start line, if it was checked before.
 */
export function parseHead(bytes: Uint8Array, text: string, request: boolean, maxHeaders: number, warnings: string[] = [], scanned?: readonly number[]): ParsedHead {
  const out: ParsedHead = { headers: [], warnings, tooMany: false, cl: -1, te: -1, ct: -1, upgrade: -1, host: -1 };
  let lf = text.indexOf('\n');
  if (lf < 0) lf = text.length;
  const end = lineContentEnd(bytes, lf);
  if (request) {
    const r = scanned ?? scanRequestLine(bytes, end);
    if (r) {
      out.request = { method: text.slice(0, r[0]), uri: text.slice(r[1], r[2]), version: text.slice(r[3], r[3] + 8) };
      // (accepted, as RFC 9112 §3 lets a recipient parse on whitespace, but not what a sender may send)
      if (out.request.uri.includes(' ')) warnings.push('request line: the target holds spaces (RFC 9112 §3.2 allows none); read up to the last space before the version');
      else if (r[1] !== r[0] + 1 || bytes[r[0]] !== 32 || r[3] !== r[2] + 1 || bytes[r[2]] !== 32 || end !== r[3] + 8) warnings.push('request line: its three parts are not separated by single spaces (RFC 9112 §3)');
    }
  } else {
    const r = scanned ?? scanStatusLine(bytes, end);
    if (r) out.status = { version: text.slice(0, 8), status: (bytes[r[0]] - 48) * 100 + (bytes[r[0] + 1] - 48) * 10 + (bytes[r[0] + 2] - 48), reason: text.slice(r[1], r[2]) };
  }
  const headers = out.headers;
  let folded = false;
  let pos = lf + 1;
  const n = text.length;
  while (pos < n) {
    let next = text.indexOf('\n', pos);
    if (next < 0) next = n;
    let le = next;
    if (le > pos && text.charCodeAt(le - 1) === 13) le--;
    const ls = pos;
    pos = next + 1;
    if (le === ls) continue;
    const c0 = text.charCodeAt(ls);
    if (c0 === 32 || c0 === 9) {
      if (headers.length) {
        const last = headers[headers.length - 1];
        const more = text.slice(ls, le).trim();
        last[1] = last[1] ? (more ? `${last[1]} ${more}` : last[1]) : more;
        folded = true;
      } else warnings.push('header section starts with a continuation line: ignored');
      continue;
    }
    const c = text.indexOf(':', ls);
    if (c <= ls || c >= le) {
      warnings.push(`invalid header line ignored: ${JSON.stringify(text.slice(ls, le).slice(0, 60))}`);
      continue;
    }
    let name: string;
    const lastNameChar = text.charCodeAt(c - 1);
    if (lastNameChar === 32 || lastNameChar === 9) {
      name = text.slice(ls, c);
      warnings.push(`whitespace before colon in header "${name.trim()}"`);
      name = name.trim();
      if (!isToken(name)) warnings.push(`invalid header name ${JSON.stringify(name.slice(0, 40))}`);
    } else {
      const common = commonName(text, ls, c);
      if (common !== undefined) name = common;
      else {
        name = text.slice(ls, c);
        if (!isTokenRange(text, ls, c)) warnings.push(`invalid header name ${JSON.stringify(name.slice(0, 40))}`);
      }
    }
    if (headers.length >= maxHeaders) {
      warnings.push(`more than ${maxHeaders} header fields: decoding stopped`);
      out.tooMany = true;
      return out;
    }
    indexField(out, headers.length, name);
    let vs = c + 1;
    let ve = le;
    while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
    headers.push([name, text.slice(vs, ve)]);
  }
  if (folded) warnings.push('obsolete line folding (obs-fold) in header fields');
  return out;
}

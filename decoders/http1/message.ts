/**
 * HTTP/1.x message syntax (RFC 9112 §2–§5): start lines and header sections, parsed from the
 * latin1 text of a complete head. Pure functions, no state.
 */
import type { HeaderList } from '../core/model';

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

/** `method SP request-target SP HTTP-version` (RFC 9112 §3), lenient about repeated spaces. */
export function parseRequestLine(line: string): RequestLine | undefined {
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]+([^ \t\r\n]+)[ \t]+(HTTP\/\d\.\d)[ \t]*$/.exec(line);
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
    if (k.toLowerCase() !== n) continue;
    for (const part of v.split(',')) {
      const t = part.trim().toLowerCase();
      if (t) out.push(t);
    }
  }
  return out;
}

/**
 * Content-Length (RFC 9112 §6.3 item 5): undefined when absent, a number when all values agree,
 * 'invalid' when malformed or conflicting.
 */
export function contentLength(headers: HeaderList): number | 'invalid' | undefined {
  let value: number | undefined;
  let seen = false;
  for (const [k, v] of headers) {
    if (k.toLowerCase() !== 'content-length') continue;
    seen = true;
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

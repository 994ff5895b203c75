/**
 * DNS message parser (RFC 1035 §4.1): header, questions, resource records, name compression, and
 * the RDATA of the common types, the EDNS(0) OPT pseudo-record (RFC 6891) and SVCB/HTTPS (RFC 9460).
 *
 * Never throws. Every read is bounded by the message length; a name by 255 octets (RFC 1035 §3.1)
 * and 128 compression pointers with loop detection (§4.1.4); the record loop by the bytes left, so
 * a header claiming 65535 answers costs no more than the message holds. What does not parse
 * becomes a warning on the message, and parsing stops at the first section that cannot go on.
 */
import { formatIpv6, ipv4Text } from '../net/address';
import { be16, be32, toBase64, toHex, utf8Strict } from '../core/bytes';
import { className, edeName, ednsOptionName, svcKeyName, typeName } from './names';

export const HEADER_BYTES = 12;
/** RFC 1035 §3.1: a name is at most 255 octets on the wire (length octets included). */
const MAX_NAME_OCTETS = 255;
/** At most this many compression pointers are followed for one name. */
const MAX_POINTERS = 128;
/** Hex shown for the RDATA of a type without a presentation here (RFC 3597 `\#` form). */
const MAX_GENERIC_HEX = 256;
/** Warnings kept per message. */
const MAX_WARNINGS = 16;

export interface DnsHeader {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  /** The reserved bit (must be zero). */
  z: boolean;
  ad: boolean;
  cd: boolean;
  /** The 4-bit header RCODE (see `DnsMessage.rcode` for the extended one). */
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

export interface Question {
  name: string;
  type: number;
  class: number;
  /** mDNS (RFC 6762 §5.4): top bit of QCLASS, the querier asks for a unicast response. */
  unicastResponse?: boolean;
}

/** Decoded RDATA: the presentation text (TXT: its strings) and the facts kept as call fields. */
export type RData = string | string[];

export interface ResourceRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  /** mDNS (RFC 6762 §10.2): top bit of CLASS. */
  cacheFlush?: boolean;
  data: RData;
}

export interface EdnsOption {
  code: number;
  name: string;
  /** Decoded where the option is known, else hex. */
  value: unknown;
}

export interface Edns {
  /** Requestor's UDP payload size (the OPT CLASS). */
  udpPayloadSize: number;
  /** Upper 8 bits of the extended RCODE. */
  extendedRcode: number;
  version: number;
  /** DNSSEC OK (RFC 3225). */
  do: boolean;
  /** The other 15 flag bits (must be zero). */
  z: number;
  options: EdnsOption[];
}

export interface DnsMessage {
  header: DnsHeader;
  questions: Question[];
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  /** Additional records, without the OPT pseudo-record (see `edns`). */
  additional: ResourceRecord[];
  edns?: Edns;
  /** The full RCODE: header RCODE plus the EDNS(0) upper bits (RFC 6891 §6.1.3). */
  rcode: number;
  /** Records (and questions) parsed but not kept (beyond `maxRecords`). */
  dropped: number;
  /**
   * The first question's name as far as it goes when the message ends inside that question (a
   * snaplen, a gap): labels read so far, with a final `…` when the name itself was cut.
   */
  cutQuestion?: string;
  /** Message length in bytes (without a TCP length prefix). */
  size: number;
  warnings: string[];
  /** Every section parsed to the end of the message. */
  whole: boolean;
}

export interface ParseOptions {
  /** Interpret the top bit of CLASS as mDNS does (unicast-response / cache-flush). */
  mdns?: boolean;
  /** Questions + records kept per section (the rest are counted in `dropped`). */
  maxRecords?: number;
}

export function parseHeader(b: Uint8Array): DnsHeader | undefined {
  if (b.length < HEADER_BYTES) return undefined;
  const f = be16(b, 2);
  return {
    id: be16(b, 0),
    qr: (f & 0x8000) !== 0,
    opcode: (f >> 11) & 0xf,
    aa: (f & 0x0400) !== 0,
    tc: (f & 0x0200) !== 0,
    rd: (f & 0x0100) !== 0,
    ra: (f & 0x0080) !== 0,
    z: (f & 0x0040) !== 0,
    ad: (f & 0x0020) !== 0,
    cd: (f & 0x0010) !== 0,
    rcode: f & 0xf,
    qdcount: be16(b, 4),
    ancount: be16(b, 6),
    nscount: be16(b, 8),
    arcount: be16(b, 10),
  };
}

/** The header flags in dig's order and spelling: qr aa tc rd ra (z) ad cd. */
export function headerFlags(h: DnsHeader): string[] {
  const out: string[] = [];
  if (h.qr) out.push('qr');
  if (h.aa) out.push('aa');
  if (h.tc) out.push('tc');
  if (h.rd) out.push('rd');
  if (h.ra) out.push('ra');
  if (h.z) out.push('z');
  if (h.ad) out.push('ad');
  if (h.cd) out.push('cd');
  return out;
}

// ── names ─────────────────────────────────────────────────────────────────────────────────────

export interface NameResult {
  /** Presentation text without the final dot ("." for the root). */
  name: string;
  /** Offset just after the name where it was read (after the first pointer), or -1 on error. */
  next: number;
  error?: string;
}

/** One label in presentation form: printable ASCII as it is, `.` and `\` escaped, UTF-8 kept, other bytes `\DDD`. */
function labelText(b: Uint8Array, s: number, n: number): string {
  // The common case, a plain host-name label, in one pass.
  let plain = '';
  let ascii = true;
  for (let i = s; i < s + n; i++) {
    const c = b[i];
    if (c < 0x21 || c > 0x7e || c === 0x2e || c === 0x5c) {
      ascii = false;
      break;
    }
    plain += String.fromCharCode(c);
  }
  if (ascii) return plain;
  let utf8: string | undefined;
  let high = false;
  for (let i = s; i < s + n; i++) if (b[i] >= 0x80) high = true;
  // mDNS names are UTF-8 (RFC 6762 §16): keep them readable when they are valid and free of controls.
  if (high) utf8 = utf8Strict(b.subarray(s, s + n));
  let out = '';
  if (utf8 !== undefined && !/[\u0000-\u0020\u007f-\u009f]/.test(utf8)) {
    for (const ch of utf8) out += ch === '.' || ch === '\\' ? '\\' + ch : ch;
    return out;
  }
  for (let i = s; i < s + n; i++) {
    const c = b[i];
    if (c === 0x2e || c === 0x5c) out += '\\' + String.fromCharCode(c);
    else if (c >= 0x21 && c <= 0x7e) out += String.fromCharCode(c);
    else out += '\\' + String(c).padStart(3, '0');
  }
  return out;
}

/**
 * Read a possibly compressed name at `off` (RFC 1035 §4.1.4). Pointers may go anywhere inside the
 * message; a pointer to an offset already visited for this name is a loop.
 */
export function readName(b: Uint8Array, off: number): NameResult {
  const labels: string[] = [];
  let pos = off;
  let next = -1;
  let octets = 0;
  let pointers = 0;
  const visited: number[] = [];
  const fail = (error: string): NameResult => ({ name: labels.length ? labels.join('.') : '.', next: -1, error });
  for (;;) {
    if (pos >= b.length) return fail(`name at offset ${off} runs past the end of the message (${b.length} bytes)`);
    const len = b[pos];
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= b.length) return fail(`compression pointer at offset ${pos} cut by the end of the message`);
      const target = ((len & 0x3f) << 8) | b[pos + 1];
      if (next < 0) next = pos + 2;
      if (target >= b.length) return fail(`compression pointer at offset ${pos} points to ${target}, past the end of the message (${b.length} bytes) (RFC 1035 §4.1.4)`);
      if (visited.includes(target) || target === pos) return fail(`compression loop: pointer at offset ${pos} leads back to offset ${target} (RFC 1035 §4.1.4)`);
      if (++pointers > MAX_POINTERS) return fail(`name at offset ${off} follows more than ${MAX_POINTERS} compression pointers`);
      visited.push(target);
      pos = target;
      continue;
    }
    if (kind !== 0) return fail(`label type 0x${kind.toString(16)} at offset ${pos} is not defined (RFC 6891 §5 retired extended labels)`);
    if (len === 0) {
      octets += 1;
      if (next < 0) next = pos + 1;
      break;
    }
    if (pos + 1 + len > b.length) return fail(`label at offset ${pos} (${len} bytes) runs past the end of the message`);
    octets += 1 + len;
    if (octets > MAX_NAME_OCTETS) return fail(`name at offset ${off} is longer than ${MAX_NAME_OCTETS} octets (RFC 1035 §3.1)`);
    labels.push(labelText(b, pos + 1, len));
    pos += 1 + len;
  }
  return { name: labels.length ? labels.join('.') : '.', next };
}

/** Lower-case ASCII only (RFC 4343: DNS names compare case-insensitively, in ASCII). */
export function nameKey(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

// ── RDATA ─────────────────────────────────────────────────────────────────────────────────────

/** A `<character-string>` (RFC 1035 §3.3): readable text when it is UTF-8 without controls, else escaped. */
function characterString(b: Uint8Array, s: number, n: number): string {
  const t = utf8Strict(b.subarray(s, s + n));
  if (t !== undefined && !/[\u0000-\u0008\u000e-\u001f\u007f]/.test(t)) return t;
  let out = '';
  for (let i = s; i < s + n; i++) {
    const c = b[i];
    out += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '\\' + String(c).padStart(3, '0');
  }
  return out;
}

function characterStrings(b: Uint8Array, s: number, e: number): string[] | undefined {
  const out: string[] = [];
  let p = s;
  while (p < e) {
    const n = b[p];
    if (p + 1 + n > e) return undefined;
    out.push(characterString(b, p + 1, n));
    p += 1 + n;
  }
  return out;
}

function quoted(s: string): string {
  return '"' + s.replace(/["\\]/g, (c) => '\\' + c) + '"';
}

/** RFC 3597 §5 generic presentation: `\# <length> <hex>`. */
function generic(b: Uint8Array, s: number, n: number): string {
  if (n === 0) return '\\# 0';
  const hex = toHex(b.subarray(s, s + n), MAX_GENERIC_HEX);
  return `\\# ${n} ${hex}${n > MAX_GENERIC_HEX ? '…' : ''}`;
}

interface RdataContext {
  b: Uint8Array;
  warn: (w: string) => void;
}

/** A name inside RDATA that must end inside the RDATA (it may point outside it). */
function rdName(ctx: RdataContext, p: number, e: number, what: string): { name: string; next: number } | undefined {
  const r = readName(ctx.b, p);
  if (r.error) {
    ctx.warn(`${what}: ${r.error}`);
    return undefined;
  }
  if (r.next > e) {
    ctx.warn(`${what}: name runs past RDLENGTH`);
    return undefined;
  }
  return { name: r.name, next: r.next };
}

/** `alpn=h2,h3 port=8443 ipv4hint=…` (RFC 9460 §2.1 presentation of SvcParams). */
function svcParams(ctx: RdataContext, p: number, e: number): string | undefined {
  const b = ctx.b;
  const out: string[] = [];
  let last = -1;
  while (p < e) {
    if (p + 4 > e) return undefined;
    const key = be16(b, p);
    const len = be16(b, p + 2);
    const vs = p + 4;
    const ve = vs + len;
    if (ve > e) return undefined;
    if (key <= last) ctx.warn(`SvcParamKeys not in strictly increasing order (RFC 9460 §2.2)`);
    last = key;
    const name = svcKeyName(key);
    let text: string | undefined;
    switch (key) {
      case 0: // mandatory: list of keys
        if (len % 2 === 0) {
          const keys: string[] = [];
          for (let q = vs; q < ve; q += 2) keys.push(svcKeyName(be16(b, q)));
          text = keys.join(',');
        }
        break;
      case 1: {
        // alpn: length-prefixed protocol ids
        const ids = characterStrings(b, vs, ve);
        if (ids) text = ids.map((x) => x.replace(/[,\\]/g, (c) => '\\' + c)).join(',');
        break;
      }
      case 2:
        if (len === 0) text = '';
        break;
      case 3:
        if (len === 2) text = String(be16(b, vs));
        break;
      case 4:
        if (len > 0 && len % 4 === 0) {
          const a: string[] = [];
          for (let q = vs; q < ve; q += 4) a.push(ipv4Text(b, q));
          text = a.join(',');
        }
        break;
      case 6:
        if (len > 0 && len % 16 === 0) {
          const a: string[] = [];
          for (let q = vs; q < ve; q += 16) a.push(formatIpv6(b, q));
          text = a.join(',');
        }
        break;
      case 5:
      case 8:
        text = toBase64(b.subarray(vs, ve));
        break;
      case 7:
        text = characterString(b, vs, len);
        break;
    }
    if (text === undefined) {
      if (key <= 8) ctx.warn(`SvcParam ${name} has a malformed value (${len} bytes)`);
      text = toHex(b.subarray(vs, ve), MAX_GENERIC_HEX);
    }
    out.push(key === 2 ? name : `${name}=${text}`);
    p = ve;
  }
  return out.join(' ');
}

/** The presentation form of one RR's RDATA (dig's, without final dots), or RFC 3597's generic form. */
export function rdataText(ctx: RdataContext, type: number, s: number, n: number): RData {
  const b = ctx.b;
  const e = s + n;
  const bad = (why: string): string => {
    ctx.warn(`${typeName(type)} record: ${why}`);
    return generic(b, s, n);
  };
  switch (type) {
    case 1: // A
      return n === 4 ? ipv4Text(b, s) : bad(`RDLENGTH ${n}, expected 4`);
    case 28: // AAAA
      return n === 16 ? formatIpv6(b, s) : bad(`RDLENGTH ${n}, expected 16`);
    case 2: // NS
    case 5: // CNAME
    case 12: // PTR
    case 39: {
      // DNAME
      const r = rdName(ctx, s, e, typeName(type));
      if (!r) return generic(b, s, n);
      return r.next === e ? r.name : bad('bytes after the name');
    }
    case 15: {
      // MX: preference, exchange
      if (n < 3) return bad(`RDLENGTH ${n} too short`);
      const r = rdName(ctx, s + 2, e, 'MX');
      return r ? `${be16(b, s)} ${r.name}` : generic(b, s, n);
    }
    case 6: {
      // SOA: mname rname serial refresh retry expire minimum
      const m = rdName(ctx, s, e, 'SOA mname');
      if (!m) return generic(b, s, n);
      const r = rdName(ctx, m.next, e, 'SOA rname');
      if (!r) return generic(b, s, n);
      if (r.next + 20 !== e) return bad('the five counters do not fill RDATA');
      const nums = [0, 4, 8, 12, 16].map((k) => be32(b, r.next + k));
      return `${m.name} ${r.name} ${nums.join(' ')}`;
    }
    case 16: // TXT
    case 99: {
      // SPF
      const strs = characterStrings(b, s, e);
      return strs ?? bad('a character-string runs past RDLENGTH');
    }
    case 13: {
      // HINFO: cpu os
      const strs = characterStrings(b, s, e);
      return strs && strs.length === 2 ? strs.map(quoted).join(' ') : bad('expected two character-strings');
    }
    case 33: {
      // SRV (RFC 2782): priority weight port target
      if (n < 7) return bad(`RDLENGTH ${n} too short`);
      const r = rdName(ctx, s + 6, e, 'SRV target');
      return r ? `${be16(b, s)} ${be16(b, s + 2)} ${be16(b, s + 4)} ${r.name}` : generic(b, s, n);
    }
    case 64: // SVCB
    case 65: {
      // HTTPS (RFC 9460 §2.2): priority, target (uncompressed), params
      if (n < 3) return bad(`RDLENGTH ${n} too short`);
      const prio = be16(b, s);
      const r = rdName(ctx, s + 2, e, `${typeName(type)} target`);
      if (!r) return generic(b, s, n);
      if (prio === 0) return r.next === e ? `0 ${r.name}` : bad('AliasMode (priority 0) with SvcParams (RFC 9460 §2.4.2)');
      const params = svcParams(ctx, r.next, e);
      if (params === undefined) return bad('a SvcParam runs past RDLENGTH');
      return params ? `${prio} ${r.name} ${params}` : `${prio} ${r.name}`;
    }
    case 257: {
      // CAA (RFC 8659): flags tag value
      if (n < 2 || 2 + b[s + 1] > n) return bad('tag runs past RDLENGTH');
      const tagLen = b[s + 1];
      return `${b[s]} ${characterString(b, s + 2, tagLen)} ${quoted(characterString(b, s + 2 + tagLen, n - 2 - tagLen))}`;
    }
    default:
      return generic(b, s, n);
  }
}

// ── EDNS(0) ───────────────────────────────────────────────────────────────────────────────────

function ednsOption(b: Uint8Array, code: number, s: number, n: number): unknown {
  const e = s + n;
  switch (code) {
    case 10: // COOKIE (RFC 7873 §4): client 8 bytes, server 8–32 bytes
      if (n === 8) return { client: toHex(b.subarray(s, e)) };
      if (n >= 16 && n <= 40) return { client: toHex(b.subarray(s, s + 8)), server: toHex(b.subarray(s + 8, e)) };
      break;
    case 8: {
      // CLIENT-SUBNET (RFC 7871 §6): family, source prefix, scope prefix, address
      if (n < 4) break;
      const family = be16(b, s);
      const source = b[s + 2];
      const scope = b[s + 3];
      const addr = b.subarray(s + 4, e);
      let text: string | undefined;
      if (family === 1 && addr.length <= 4) {
        const full = new Uint8Array(4);
        full.set(addr);
        text = ipv4Text(full, 0);
      } else if (family === 2 && addr.length <= 16) {
        const full = new Uint8Array(16);
        full.set(addr);
        text = formatIpv6(full, 0);
      }
      if (text !== undefined) return { subnet: `${text}/${source}`, scope };
      break;
    }
    case 15: {
      // EDE (RFC 8914 §2): info-code, extra text
      if (n < 2) break;
      const info = be16(b, s);
      const out: Record<string, unknown> = { code: info, name: edeName(info) };
      if (n > 2) out.text = characterString(b, s + 2, n - 2);
      return out;
    }
    case 11: // TCP-KEEPALIVE (RFC 7828): optional timeout in units of 100 ms
      if (n === 0) return {};
      if (n === 2) return { timeoutMs: be16(b, s) * 100 };
      break;
    case 12: // PADDING (RFC 7830)
      return { length: n };
    case 3: {
      // NSID (RFC 5001): opaque, often text
      const t = utf8Strict(b.subarray(s, e));
      return t !== undefined && /^[\x20-\x7e]*$/.test(t) ? t : toHex(b.subarray(s, e), MAX_GENERIC_HEX);
    }
  }
  return toHex(b.subarray(s, e), MAX_GENERIC_HEX);
}

// ── message ───────────────────────────────────────────────────────────────────────────────────

/** Parse one whole DNS message. Undefined only when it is shorter than a header. */
export function parseMessage(b: Uint8Array, opts: ParseOptions = {}): DnsMessage | undefined {
  const header = parseHeader(b);
  if (!header) return undefined;
  const maxRecords = Math.max(1, opts.maxRecords ?? 1000);
  const warnings: string[] = [];
  const warn = (w: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push(w);
    else if (warnings.length === MAX_WARNINGS) warnings.push('further warnings on this message left out');
  };
  const msg: DnsMessage = {
    header,
    questions: [],
    answers: [],
    authority: [],
    additional: [],
    rcode: header.rcode,
    dropped: 0,
    size: b.length,
    warnings,
    whole: false,
  };
  const ctx: RdataContext = { b, warn };
  let p = HEADER_BYTES;
  // Questions (§4.1.2).
  for (let i = 0; i < header.qdcount; i++) {
    if (p >= b.length) {
      warn(`the header announces ${header.qdcount} question${header.qdcount === 1 ? '' : 's'}, the message ends after ${i}`);
      return msg;
    }
    const r = readName(b, p);
    if (r.error) {
      warn(`question ${i + 1}: ${r.error}`);
      if (i === 0 && r.name !== '.' && /past the end|cut by the end/.test(r.error)) msg.cutQuestion = r.name + '…';
      return msg;
    }
    if (r.next + 4 > b.length) {
      warn(`question ${i + 1} cut by the end of the message`);
      if (i === 0) msg.cutQuestion = r.name;
      return msg;
    }
    const type = be16(b, r.next);
    let cls = be16(b, r.next + 2);
    const q: Question = { name: r.name, type, class: cls };
    if (opts.mdns && cls & 0x8000) {
      cls &= 0x7fff;
      q.class = cls;
      q.unicastResponse = true;
    }
    if (msg.questions.length < maxRecords) msg.questions.push(q);
    else msg.dropped++;
    p = r.next + 4;
  }
  // Answer, authority and additional records (§4.1.3).
  const sections: Array<[ResourceRecord[], number, string]> = [
    [msg.answers, header.ancount, 'answer'],
    [msg.authority, header.nscount, 'authority'],
    [msg.additional, header.arcount, 'additional'],
  ];
  for (const [list, count, what] of sections) {
    for (let i = 0; i < count; i++) {
      if (p >= b.length) {
        warn(`the header announces ${count} ${what} record${count === 1 ? '' : 's'}, the message ends after ${i}`);
        return msg;
      }
      const r = readName(b, p);
      if (r.error) {
        warn(`${what} record ${i + 1}: ${r.error}`);
        return msg;
      }
      if (r.next + 10 > b.length) {
        warn(`${what} record ${i + 1} cut by the end of the message`);
        return msg;
      }
      const type = be16(b, r.next);
      const cls = be16(b, r.next + 2);
      const ttlRaw = be32(b, r.next + 4);
      const rdlen = be16(b, r.next + 8);
      const rs = r.next + 10;
      if (rs + rdlen > b.length) {
        warn(`${what} record ${i + 1} (${typeName(type)}): RDLENGTH ${rdlen} runs past the end of the message`);
        return msg;
      }
      p = rs + rdlen;
      if (type === 41) {
        // OPT pseudo-RR (RFC 6891 §6.1.2): only one, in the additional section, owner the root.
        if (what !== 'additional') warn(`OPT record in the ${what} section (RFC 6891 §6.1.1)`);
        if (msg.edns) {
          warn('more than one OPT record (RFC 6891 §6.1.1: FORMERR)');
          continue;
        }
        if (r.name !== '.') warn(`OPT record owned by "${r.name}", not the root`);
        const options: EdnsOption[] = [];
        let q = rs;
        while (q < rs + rdlen) {
          if (q + 4 > rs + rdlen) {
            warn('EDNS option header cut by RDLENGTH');
            break;
          }
          const code = be16(b, q);
          const olen = be16(b, q + 2);
          if (q + 4 + olen > rs + rdlen) {
            warn(`EDNS option ${ednsOptionName(code)} runs past RDLENGTH`);
            break;
          }
          if (options.length < 64) options.push({ code, name: ednsOptionName(code), value: ednsOption(b, code, q + 4, olen) });
          q += 4 + olen;
        }
        msg.edns = {
          udpPayloadSize: cls,
          extendedRcode: ttlRaw >>> 24,
          version: (ttlRaw >>> 16) & 0xff,
          do: (ttlRaw & 0x8000) !== 0,
          z: ttlRaw & 0x7fff,
          options,
        };
        msg.rcode = ((ttlRaw >>> 24) << 4) | header.rcode;
        continue;
      }
      if (list.length >= maxRecords) {
        msg.dropped++;
        continue;
      }
      const rr: ResourceRecord = {
        name: r.name,
        type,
        class: cls,
        // RFC 2181 §8: a TTL with the top bit set is taken as zero.
        ttl: ttlRaw > 0x7fffffff ? 0 : ttlRaw,
        data: rdataText(ctx, type, rs, rdlen),
      };
      if (opts.mdns && cls & 0x8000) {
        rr.class = cls & 0x7fff;
        rr.cacheFlush = true;
      }
      list.push(rr);
    }
  }
  if (p < b.length) warn(`${b.length - p} bytes after the last record`);
  msg.whole = true;
  return msg;
}

// ── values for the call model ───────────────────────────────────────────────────────────────

export function questionValue(q: Question): Record<string, unknown> {
  const v: Record<string, unknown> = { name: q.name, type: typeName(q.type) };
  if (q.class !== 1) v.class = className(q.class);
  if (q.unicastResponse) v.unicastResponse = true;
  return v;
}

export function recordValue(rr: ResourceRecord): Record<string, unknown> {
  const v: Record<string, unknown> = { name: rr.name, type: typeName(rr.type) };
  if (rr.class !== 1) v.class = className(rr.class);
  if (rr.cacheFlush) v.cacheFlush = true;
  v.ttl = rr.ttl;
  v.data = rr.data;
  return v;
}

export function ednsValue(e: Edns): Record<string, unknown> {
  const v: Record<string, unknown> = { udpPayloadSize: e.udpPayloadSize, version: e.version, do: e.do };
  if (e.extendedRcode) v.extendedRcode = e.extendedRcode;
  if (e.z) v.z = e.z;
  if (e.options.length) v.options = e.options.map((o) => ({ option: o.name, ...(typeof o.value === 'object' && o.value !== null ? (o.value as object) : { value: o.value }) }));
  return v;
}


/**
 * The two handshake messages TLS sends in the clear that say what a connection is about:
 * ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2) and ServerHello / HelloRetryRequest
 * (RFC 8446 §4.1.3–4.1.4), with the extensions worth showing: server_name (RFC 6066 §3),
 * application_layer_protocol_negotiation (RFC 7301 §3.1), supported_versions (RFC 8446 §4.2.1),
 * key_share (§4.2.8), pre_shared_key (§4.2.11). Also the SSL 2.0-compatible ClientHello
 * (RFC 5246 Appendix E.2), only named.
 *
 * Pure functions over one whole message body. Every length is checked against what is left; a
 * message that lies about a length gives what was read before it plus a problem, never a throw.
 */
import { be16, toHex, latin1Text } from '../core/bytes';
import { isGrease } from './names';

/** The SHA-256 of "HelloRetryRequest": the `random` of a ServerHello that is an HRR (RFC 8446 §4.1.3). */
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

const MAX_LIST = 256; // entries kept of any list (suites, extensions, ALPN, versions)
const MAX_NAME = 255; // bytes kept of a host or protocol name

export interface ClientHello {
  /** legacy_version (client_version before TLS 1.3). */
  version: number;
  /** The 32-byte client random (what key logs are indexed by); absent when cut short. */
  random?: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  cipherSuiteCount: number;
  compressionMethods: number;
  /** Extension types in wire order. */
  extensions: number[];
  serverName?: string;
  alpn?: string[];
  /** supported_versions, GREASE left out. */
  supportedVersions?: number[];
  /** Groups of the key_share entries. */
  keyShareGroups?: number[];
  /** An encrypted_client_hello extension: the server_name is then the public (outer) name. */
  ech?: boolean;
  /** QUIC transport parameters: this ClientHello travels in QUIC, not in TLS records. */
  quic?: boolean;
  problems: string[];
}

export interface ServerHello {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compression: number;
  extensions: number[];
  /** supported_versions: the version chosen (TLS 1.3). */
  selectedVersion?: number;
  /** ALPN protocol selected (TLS ≤ 1.2: in TLS 1.3 it is in EncryptedExtensions, encrypted). */
  alpn?: string;
  /** key_share group (ServerHello) or selected_group (HelloRetryRequest). */
  keyShareGroup?: number;
  /** pre_shared_key accepted: a resumed (or PSK) TLS 1.3 handshake. */
  psk?: boolean;
  /** The random says this is a HelloRetryRequest. */
  hrr: boolean;
  problems: string[];
}

/** A bounded reader over one message body. */
class Cursor {
  pos = 0;
  problem: string | undefined;
  constructor(
    readonly b: Uint8Array,
    readonly end = b.length,
  ) {}
  left(): number {
    return this.end - this.pos;
  }
  ok(n: number, what: string): boolean {
    if (this.problem) return false;
    if (n <= this.left()) return true;
    this.problem = `${what}: ${n} bytes needed, ${this.left()} left`;
    return false;
  }
  u8(what: string): number | undefined {
    if (!this.ok(1, what)) return undefined;
    return this.b[this.pos++];
  }
  u16(what: string): number | undefined {
    if (!this.ok(2, what)) return undefined;
    const v = be16(this.b, this.pos);
    this.pos += 2;
    return v;
  }
  bytes(n: number, what: string): Uint8Array | undefined {
    if (!this.ok(n, what)) return undefined;
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** A vector with a 1- or 2-byte length prefix. */
  vec(lenBytes: 1 | 2, what: string): Uint8Array | undefined {
    const n = lenBytes === 1 ? this.u8(what) : this.u16(what);
    return n === undefined ? undefined : this.bytes(n, what);
  }
}

const name = (b: Uint8Array) => latin1Text(b.subarray(0, MAX_NAME));

/** server_name (RFC 6066 §3): the first host_name entry. */
function serverName(data: Uint8Array, problems: string[]): string | undefined {
  const c = new Cursor(data);
  const list = c.vec(2, 'server_name list');
  if (!list) return void problems.push(c.problem!);
  const l = new Cursor(list);
  while (l.left() > 0) {
    const type = l.u8('server_name type');
    const host = l.vec(2, 'server_name host');
    if (type === undefined || !host) return void problems.push(l.problem!);
    if (type === 0) return name(host);
  }
  return undefined;
}

/** ALPN (RFC 7301 §3.1): ProtocolNameList of 1-byte-length names. */
function alpnList(data: Uint8Array, problems: string[]): string[] {
  const out: string[] = [];
  const c = new Cursor(data);
  const list = c.vec(2, 'ALPN list');
  if (!list) return problems.push(c.problem!), out;
  const l = new Cursor(list);
  while (l.left() > 0 && out.length < MAX_LIST) {
    const p = l.vec(1, 'ALPN protocol');
    if (!p) return problems.push(l.problem!), out;
    out.push(name(p));
  }
  return out;
}

function extensions(c: Cursor, each: (type: number, data: Uint8Array) => void, problems: string[]): number[] {
  const types: number[] = [];
  if (c.left() === 0) return types; // extensions are optional before TLS 1.3
  const n = c.u16('extensions');
  if (n === undefined) return problems.push(c.problem!), types;
  // A block cut short (a hello cut by a gap) still gives the extensions that are whole.
  if (n > c.left()) problems.push(`extensions: ${n} bytes announced, ${c.left()} left`);
  const all = c.bytes(Math.min(n, c.left()), 'extensions')!;
  const e = new Cursor(all);
  while (e.left() > 0) {
    const type = e.u16('extension type');
    const data = e.vec(2, 'extension data');
    if (type === undefined || !data) {
      problems.push(e.problem!);
      break;
    }
    if (types.length < MAX_LIST) types.push(type);
    each(type, data);
  }
  return types;
}

/** ClientHello body (after the 4-byte handshake header). */
export function parseClientHello(body: Uint8Array): ClientHello {
  const c = new Cursor(body);
  const problems: string[] = [];
  const out: ClientHello = { version: 0, sessionId: new Uint8Array(0), cipherSuites: [], cipherSuiteCount: 0, compressionMethods: 0, extensions: [], problems };
  const version = c.u16('client_version');
  const random = c.bytes(32, 'random');
  const sid = c.vec(1, 'session_id');
  const suites = c.vec(2, 'cipher_suites');
  const comp = c.vec(1, 'compression_methods');
  if (version !== undefined) out.version = version;
  if (random) out.random = random.slice();
  if (sid) out.sessionId = sid.slice(0, 32);
  if (suites) {
    out.cipherSuiteCount = suites.length >> 1;
    for (let i = 0; i + 1 < suites.length && out.cipherSuites.length < MAX_LIST; i += 2) out.cipherSuites.push(be16(suites, i));
    if (suites.length & 1) problems.push('cipher_suites: odd length');
  }
  if (comp) out.compressionMethods = comp.length;
  if (random === undefined || !comp) {
    problems.push(c.problem!);
    return out;
  }
  out.extensions = extensions(
    c,
    (type, data) => {
      if (type === 0) out.serverName = serverName(data, problems);
      else if (type === 16) out.alpn = alpnList(data, problems);
      else if (type === 43) {
        const d = new Cursor(data);
        const list = d.vec(1, 'supported_versions');
        if (!list) return void problems.push(d.problem!);
        out.supportedVersions = [];
        for (let i = 0; i + 1 < list.length && out.supportedVersions.length < MAX_LIST; i += 2) {
          const v = be16(list, i);
          if (!isGrease(v)) out.supportedVersions.push(v);
        }
      } else if (type === 51) {
        const d = new Cursor(data);
        const list = d.vec(2, 'key_share');
        if (!list) return void problems.push(d.problem!);
        const l = new Cursor(list);
        out.keyShareGroups = [];
        while (l.left() > 0 && out.keyShareGroups.length < MAX_LIST) {
          const g = l.u16('key_share group');
          if (g === undefined || !l.vec(2, 'key_exchange')) return void problems.push(l.problem!);
          if (!isGrease(g)) out.keyShareGroups.push(g);
        }
      } else if (type === 0xfe0d) out.ech = true;
      else if (type === 57 || type === 0xffa5) out.quic = true;
    },
    problems,
  );
  return out;
}

/** ServerHello or HelloRetryRequest body (after the 4-byte handshake header). */
export function parseServerHello(body: Uint8Array): ServerHello {
  const c = new Cursor(body);
  const problems: string[] = [];
  const out: ServerHello = { version: 0, random: new Uint8Array(0), sessionId: new Uint8Array(0), cipherSuite: -1, compression: 0, extensions: [], hrr: false, problems };
  const version = c.u16('server_version');
  const random = c.bytes(32, 'random');
  const sid = c.vec(1, 'session_id');
  const suite = c.u16('cipher_suite');
  const comp = c.u8('compression_method');
  if (version !== undefined) out.version = version;
  if (random) {
    out.random = random.slice();
    out.hrr = toHex(random) === HRR_RANDOM;
  }
  if (sid) out.sessionId = sid.slice(0, 32);
  if (suite !== undefined) out.cipherSuite = suite;
  if (comp === undefined) {
    problems.push(c.problem!);
    return out;
  }
  out.compression = comp;
  out.extensions = extensions(
    c,
    (type, data) => {
      if (type === 43 && data.length >= 2) out.selectedVersion = be16(data, 0);
      else if (type === 16) out.alpn = alpnList(data, problems)[0];
      else if (type === 51 && data.length >= 2) out.keyShareGroup = be16(data, 0);
      else if (type === 41) out.psk = true;
    },
    problems,
  );
  return out;
}

export interface Ssl2ClientHello {
  version: number;
  cipherSpecCount: number;
}

/**
 * An SSL 2.0-compatible ClientHello record (RFC 5246 Appendix E.2): 2-byte header with the high bit
 * set, msg_type 1, version, three lengths and what they announce, exactly filling the record.
 * `head` starts at the record; returns the record length, 'need-more' or undefined when it is not one.
 */
export function ssl2Hello(head: Uint8Array): { length: number; hello: Ssl2ClientHello } | 'need-more' | undefined {
  if (head.length < 1) return 'need-more';
  if (!(head[0] & 0x80)) return undefined;
  if (head.length < 11) {
    // What is there must already fit: msg_type 1, version 3.x or 0.2.
    if (head.length > 2 && head[2] !== 1) return undefined;
    if (head.length > 3 && head[3] !== 3 && head[3] !== 0) return undefined;
    return 'need-more';
  }
  const length = ((head[0] & 0x7f) << 8) | head[1];
  const version = be16(head, 3);
  const specs = be16(head, 5);
  const sid = be16(head, 7);
  const challenge = be16(head, 9);
  if (head[2] !== 1) return undefined;
  if (version !== 0x0002 && !(version >= 0x0300 && version <= 0x0303)) return undefined;
  if (specs === 0 || specs % 3 !== 0 || (sid !== 0 && sid !== 16) || challenge < 16 || challenge > 32) return undefined;
  if (9 + specs + sid + challenge !== length) return undefined;
  return { length: 2 + length, hello: { version, cipherSpecCount: specs / 3 } };
}

/**
 * The protocol an EncryptedExtensions message (RFC 8446 §4.3.1, body after the handshake header)
 * selects with ALPN, when it carries one: TLS 1.3 sends the server's choice there, encrypted.
 */
export function encryptedExtensionsAlpn(body: Uint8Array): string | undefined {
  const c = new Cursor(body);
  const list = c.vec(2, 'extensions');
  if (!list) return undefined;
  const l = new Cursor(list);
  while (l.left() >= 4) {
    const type = l.u16('extension type');
    const data = l.vec(2, 'extension data');
    if (type === undefined || !data) return undefined;
    if (type === 16) return alpnList(data, [])[0];
  }
  return undefined;
}

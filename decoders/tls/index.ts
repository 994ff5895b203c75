/**
 * TLS recognizer: the record layer (RFC 8446 §5.1, RFC 5246 §6.2) and what a handshake shows in
 * the clear — ClientHello (SNI, ALPN, supported_versions, cipher suites), ServerHello (version
 * chosen, incl. TLS 1.3 through supported_versions, cipher suite, ALPN chosen up to TLS 1.2),
 * HelloRetryRequest, alerts sent before encryption starts, and the SSL 2.0-compatible ClientHello
 * (RFC 5246 Appendix E.2, only named). Without keys, nothing is decrypted: after the handshake only
 * the sizes of the encrypted records are counted.
 *
 * With keys (env.crypto and a key log in env.tlsSecrets: files, or the capture's Decryption Secrets
 * Blocks), a connection whose ClientHello random is in the key log is decrypted (decrypt.ts: TLS 1.3
 * and the TLS 1.2 AEAD suites): the handshake messages TLS 1.3 hides are listed, and the application
 * data goes to an inner decoder (inner.ts) chosen by ALPN or by probing the plaintext, whose calls
 * come out beside this connection's tls call with its TLS facts. A record cut by a gap or that fails
 * its tag is a gap for the inner decoder; why a connection is not decrypted is a warning.
 *
 * Reached on the usual TLS ports (443, 8443, 993, 995, 465, 636, 5671, 8883, 9093, 6380… see
 * `TLS_PORTS`) and, on any port, by a probe on a ClientHello record (type 22, version
 * 0x0301–0x0304, handshake type 1, plausible lengths) or a ServerHello when only the server's side
 * is seen; a capture that starts mid-connection is recognised by two chained records. STARTTLS
 * (SMTP, IMAP, LDAP, PostgreSQL… switching to TLS inside a plain-text protocol) is out of scope:
 * such connections stay with their plain-text decoder or raw. Hands the decrypted data, when it has
 * the keys, to the decoder ALPN names (`h2` → http2, `http/1.1` → http) or a probe finds.
 *
 * One call per connection, kind 'event', method 'TLS handshake' ('TLS session' when the capture
 * starts after the handshake), target the SNI or the server address, status the version chosen
 * (ok) or the alert that ended the handshake (not ok), timing from the ClientHello to the end of
 * the handshake (TLS ≤ 1.2: the later Finished; TLS 1.3: the client's first encrypted record, its
 * Finished), emitted when the connection closes (with the byte counts of the encrypted
 * application data each way).
 *
 * TLS 1.3 hides everything after the ServerHello, so records are classified by position: the
 * server's encrypted records before the client's Finished are its handshake flight, everything
 * after is application data (post-handshake messages such as NewSessionTicket, and alerts such as
 * the closing close_notify, are encrypted the same way and counted with it).
 */
import type { CloseReason, DecoderSession, DecoderSpec, Position, ProbeResult, StreamDecoder } from '../core/decoder';
import type { Call, Dir, StreamMessage } from '../core/model';
import { be16, be24, toHex } from '../core/bytes';
import { DirStream, addFrames } from '../calls/stream';
import { encryptedExtensionsAlpn, parseClientHello, parseServerHello, ssl2Hello, type ClientHello, type ServerHello, type Ssl2ClientHello } from './hello';
import { TLS_PORTS, alertName, cipherSuiteName, extensionName, groupName, handshakeName, isTls13, versionName } from './names';
import { RecordKeys, hashBytes, suiteInfo, tls12Keys, type SuiteInfo } from './decrypt';
import { InnerStream } from './inner';
import { MAX_HELD_BYTES, growingSecrets, type GrowingSecrets } from './keylog';

/** TLSCiphertext.length ≤ 2^14 + 2048 (RFC 5246 §6.2.3; TLS 1.3 allows less: 2^14 + 256). */
export const MAX_RECORD = (1 << 14) + 2048;
/** Hello messages larger than this are counted, not parsed. */
const MAX_HELLO = 1 << 16;
const MAX_WARNINGS = 20;
const MAX_MESSAGES = 64;

/** Where the user gives a key log (said when a connection's keys are not in it). */
export const KEYLOG_HINT = 'pass the key log (SSLKEYLOGFILE) with --tls-keylog FILE, or the callscope.tls.keylogFile setting';

/**
 * After a loss of record framing: sequence numbers tried on each side of the estimate (bytes lost /
 * the usual record size), and from the expected one up…
 */
const SEQ_SEARCH = 64;
/** …on this many records before giving up the search. */
const SEQ_SEARCH_RECORDS = 4;
/** Largest decrypted handshake message kept whole (EncryptedExtensions, for its ALPN). */
const MAX_DECRYPTED_HS = 1 << 16;

/**
 * Live capture (a key log still growing, see keylog.ts `GrowingSecrets`): the client writes a
 * connection's secrets while its handshake is on the wire, so they may reach the store a little
 * after the connection's first encrypted records — or after its end (a short HTTPS call on
 * loopback is over in milliseconds; the key log is looked at every 250 ms). Those records, and
 * everything after them on the connection (its close included), are held in arrival order until
 * the secrets come, then decoded as if they had been there from the start. Held at most
 * HOLD_BYTES (and the decoders' `maxBufferedBytes`)…
 */
export const HOLD_BYTES = 1 << 20;
/** …HOLD_SEGMENTS segments (a packet's data, gaps, ends)… (and all waiting connections together: keylog.ts MAX_HELD_BYTES)… */
export const HOLD_SEGMENTS = 512;
/** …HOLD_US of capture time after the first held one… */
export const HOLD_US = 5_000_000;
/** …and HOLD_LOOKS looks at the key log (3 s at one look every 250 ms); then it is decided without them (the usual warning, with why). */
export const HOLD_LOOKS = 12;

/** What arrived on a connection while it waited for its secrets. */
type HeldSegment =
  | { kind: 'data'; dir: Dir; bytes: Uint8Array; length: number; at: Position }
  | { kind: 'gap'; dir: Dir; length: number; at: Position }
  | { kind: 'end'; dir: Dir; at: Position }
  | { kind: 'close'; at: Position; how: CloseReason };

interface Hold {
  store: GrowingSecrets;
  /** The side whose record header started the wait (its queue holds that record). */
  dir: Dir;
  segments: HeldSegment[];
  bytes: number;
  sinceUs: number;
  /** The store's `looks` when the wait began. */
  sinceLooks: number;
  /** The store's generation last looked at. */
  generation: number;
  /** The connection closed while waiting (its close is the last segment). */
  closed: boolean;
  /** Bytes counted in the store's budget (given back when the wait ends); over it: the wait ends. */
  reserved: number;
  overBudget: boolean;
  unsubscribe: () => void;
}

/** A key lookup: the keys, or why not (`missing`: the key log lacks them, which a growing one may still fix). */
interface KeyLookup {
  keys?: ConnKeys;
  note?: string;
  missing?: boolean;
}

/** Decryption state of one direction. */
interface DirKeys {
  /** Keys of the records now (TLS 1.3: handshake keys until this side's Finished). */
  keys?: RecordKeys;
  /** Keys that take over: TLS 1.3 application keys after the Finished; TLS 1.2 keys at ChangeCipherSpec. */
  next?: RecordKeys;
  /** Framing of the decrypted handshake messages (they may span records). */
  hdr: Uint8Array;
  hdrGot: number;
  hs?: HsMessage;
  opened: number;
  failed: number;
  /** Records left on which to search for the sequence number (after a loss of framing). */
  uncertain: number;
  /** Bytes lost with their record headers since the last record read (for the estimate). */
  lostBytes: number;
  /** Usual size of this side's records on the wire (header included), a running mean. */
  recordBytes: number;
  warnedFail: boolean;
  /** Application data decrypted this way already. */
  appData?: boolean;
}

interface ConnKeys {
  suite: SuiteInfo;
  tls13: boolean;
  dir: Record<Dir, DirKeys>;
  /** The ALPN protocol of the EncryptedExtensions (TLS 1.3). */
  alpn?: string;
  inner?: InnerStream;
}

/**
 * Sequence number offsets to try after records were lost with their headers: around `estimate`
 * (nearest first), then 1… SEQ_SEARCH; each once, none below 1.
 */
function seqCandidates(estimate: number): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const add = (n: number) => {
    if (n >= 1 && !seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  };
  for (let d = 0; d <= SEQ_SEARCH; d++) {
    add(estimate + d);
    add(estimate - d);
  }
  for (let n = 1; n <= SEQ_SEARCH; n++) add(n);
  return out;
}

const newDirKeys = (): DirKeys => ({ hdr: new Uint8Array(4), hdrGot: 0, opened: 0, failed: 0, uncertain: 0, lostBytes: 0, recordBytes: 0, warnedFail: false });

export const ENCRYPTED_HINT =
  'encrypted: calls inside TLS are not visible; record them in plain text with `callscope proxy --listen 127.0.0.1:PORT --target HOST:PORT` ' +
  '(the client talks plain text to the proxy: it does not terminate TLS) or capture the service without TLS';

// ── probe ─────────────────────────────────────────────────────────────────────────────────────

/** A record header a connection can carry after its start: type 20–23, version 3.1–3.3, sane length. */
function midHeader(b: Uint8Array, o: number): number | undefined {
  const t = b[o];
  if (t < 20 || t > 23 || b[o + 1] !== 3 || b[o + 2] < 1 || b[o + 2] > 3) return undefined;
  const len = be16(b, o + 3);
  return len === 0 || len > MAX_RECORD ? undefined : len;
}

/**
 * ClientHello (or, from the server, ServerHello) at the start of a direction; else two chained
 * records (a capture that starts mid-connection). Never claims a stream whose first byte is not
 * 20–23 (or an SSL 2.0 ClientHello header).
 */
export function probeTls(head: Uint8Array, dir: Dir): ProbeResult {
  if (head.length === 0) return 'need-more';
  if (head[0] & 0x80) {
    if (dir !== 'c2s') return 'reject';
    const r = ssl2Hello(head);
    return r === 'need-more' ? 'need-more' : r ? 'accept' : 'reject';
  }
  const t = head[0];
  if (t < 20 || t > 23) return 'reject';
  if (head.length > 1 && head[1] !== 3) return 'reject';
  if (head.length > 2 && head[2] > 4) return 'reject';
  if (head.length < 5) return 'need-more';
  const len = be16(head, 3);
  if (len === 0 || len > MAX_RECORD) return 'reject';
  // A hello from the wrong side (a server does not send a ClientHello): not this stream's start.
  if (t === 22 && head.length >= 6 && head[5] === (dir === 'c2s' ? 2 : 1)) return 'reject';
  if (t === 22 && head.length >= 6 && head[5] === (dir === 'c2s' ? 1 : 2)) {
    // RFC 8446 §4.1.2 / §4.1.3: handshake header, then legacy_version 3.x.
    if (head.length < 11) return 'need-more';
    const hsLen = be24(head, 6);
    const minHello = dir === 'c2s' ? 41 : 38;
    if (head[2] < 1 || len < 4 + Math.min(hsLen, minHello) || hsLen < minHello || hsLen > MAX_HELLO) return 'reject';
    if (head[9] !== 3 || head[10] > 4) return 'reject';
    return 'accept';
  }
  // Mid-connection: two chained record headers.
  let o = 0;
  for (let n = 0; n < 2; n++) {
    if (o + 5 > head.length) return 'need-more';
    const l = midHeader(head, o);
    if (l === undefined) return 'reject';
    o += 5 + l;
  }
  return 'accept';
}

// ── decoder ───────────────────────────────────────────────────────────────────────────────────

/** How a record is read: in the clear, encrypted handshake, encrypted alert, or application data. */
type RecClass = 'clear' | 'enc-hs' | 'enc-alert' | 'app' | 'early';

interface Pending {
  type: number;
  version: number;
  len: number;
  cls: RecClass;
}

/** A handshake message being gathered: its header read, `got` of its `len` body bytes seen (kept in `buf` when wanted). */
interface HsMessage {
  type: number;
  len: number;
  got: number;
  buf?: Uint8Array;
}

interface HsAcc extends HsMessage {
  start: Position;
  recordVersion: number;
}

/**
 * Handshake messages over the bytes of successive records (RFC 8446 §4, RFC 5246 §7.4): a 4-byte
 * header (type, 24-bit length), then the body; a message may span records and a record may hold
 * several. `begin(i)` when a header starts at `b[i]`, `start(type, len)` when it is whole (the
 * message to fill), `done(m, i)` when a body ends before `b[i]`.
 */
function frameHandshake<M extends HsMessage>(
  f: { hdr: Uint8Array; hdrGot: number; hs?: M },
  b: Uint8Array,
  start: (type: number, len: number) => M,
  done: (m: M, i: number) => void,
  begin?: (i: number) => void,
): void {
  let i = 0;
  while (i < b.length) {
    if (!f.hs) {
      if (f.hdrGot === 0) begin?.(i);
      const take = Math.min(4 - f.hdrGot, b.length - i);
      f.hdr.set(b.subarray(i, i + take), f.hdrGot);
      f.hdrGot += take;
      i += take;
      if (f.hdrGot < 4) return;
      f.hdrGot = 0;
      f.hs = start(f.hdr[0], be24(f.hdr, 1));
    }
    const hs = f.hs;
    const take = Math.min(hs.len - hs.got, b.length - i);
    if (hs.buf && take > 0) hs.buf.set(b.subarray(i, i + take), hs.got);
    hs.got += take;
    i += take;
    if (hs.got === hs.len) {
      f.hs = undefined;
      done(hs, i);
    }
  }
}

interface Side {
  dir: Dir;
  st: DirStream;
  records: number;
  /** The previous record, read without loss since: a handshake record in the clear, or ChangeCipherSpec. */
  prev?: 'clear-hs' | 'ccs';
  /** Stream offset where the last gap ended: a record header right there is taken as it is. */
  resumeAt?: number;
  /** This direction started with its hello in the clear (not mid-connection). */
  clear: boolean;
  /** TLS ≤ 1.2: ChangeCipherSpec seen, the records after it are encrypted. */
  ccs: boolean;
  /** Resynchronising after a gap or bytes that are not records. */
  lost: boolean;
  pending?: Pending;
  hs?: HsAcc;
  hdr: Uint8Array;
  hdrGot: number;
  hdrAt?: Position;
  hdrVersion: number;
  /** Bytes of data seen. */
  wire: number;
  appBytes: number;
  appRecords: number;
  encHsRecords: number;
  encAlerts: number;
  firstApp?: Position;
  /** Its Finished (TLS ≤ 1.2) or, for a TLS 1.3 client, its first encrypted record: header seen… */
  finishedSeen: boolean;
  /** …and where that record ends. */
  finishedEnd?: Position;
  msgIndex: number;
}

function newSide(dir: Dir): Side {
  return {
    dir,
    st: new DirStream(),
    records: 0,
    clear: false,
    ccs: false,
    lost: false,
    hdr: new Uint8Array(4),
    hdrGot: 0,
    hdrVersion: 0,
    wire: 0,
    appBytes: 0,
    appRecords: 0,
    encHsRecords: 0,
    encAlerts: 0,
    finishedSeen: false,
    msgIndex: 0,
  };
}

const later = (a: Position | undefined, b: Position | undefined) => (!a ? b : !b ? a : b.tsUs > a.tsUs || (b.tsUs === a.tsUs && b.frame > a.frame) ? b : a);

class TlsDecoder implements StreamDecoder {
  private side: Record<Dir, Side> = { c2s: newSide('c2s'), s2c: newSide('s2c') };
  private call?: Call;
  private firstVersion?: number;
  private ch?: ClientHello;
  private chAt?: Position;
  private chEnd?: Position;
  private chRecordVersion?: number;
  private clientHellos = 0;
  private ssl2?: Ssl2ClientHello;
  private sh?: ServerHello;
  private shAt?: Position;
  private hrr?: ServerHello;
  private hrrAt?: Position;
  /** Version chosen by the server. */
  private version?: number;
  private alert?: { level: number; desc: number; dir: Dir; at: Position };
  private lastHandshake?: Position;
  /** The server's first record: its answer when it is not a hello (an alert). */
  private serverFirst?: Position;
  private earlyData = false;
  /**
   * 0-RTT (RFC 8446 §4.2.10, §2.3): the client's early records, protected with keys from
   * client_early_traffic_secret, come before the ServerHello and until its EndOfEarlyData (§4.5).
   * `earlyKeys`: undefined until the first such record, null when they cannot be had.
   */
  private earlyKeys: RecordKeys | null | undefined;
  /** The client's early records are over (EndOfEarlyData, or a record under its handshake keys). */
  private earlyDone = false;
  private earlySkipped = 0;
  private earlyOpened = 0;
  /** Early application data decrypted before the inner stream can be made (the ALPN comes with the server's EncryptedExtensions). */
  private earlyQueue: Array<{ bytes?: Uint8Array; gap?: number; at: Position }> = [];
  private earlyQueued = 0;
  private messages: StreamMessage[] = [];
  private keyUpdates = 0;
  private warnings: string[] = [];
  private dead = false;
  /** Decryption: undefined until asked, null when this connection is not decrypted. */
  private dec?: ConnKeys | null;
  /** Why this connection is not decrypted (said once). */
  private decryptNote?: string;
  /** Waiting for this connection's secrets (live capture), with what came meanwhile. */
  private hold?: Hold;

  constructor(private readonly session: DecoderSession) {}

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.dead) return;
    if (this.hold) {
      this.heldData(dir, bytes, at);
      return;
    }
    const s = this.side[dir];
    s.wire += bytes.length;
    s.st.push(bytes, at);
    try {
      this.parse(s);
    } catch (e) {
      this.session.warn(`tls: internal error: ${(e as Error).message}`, at);
      this.dead = true;
    }
  }

  gap(dir: Dir, length: number, at: Position): void {
    if (this.dead) return;
    if (this.hold) {
      this.held({ kind: 'gap', dir, length, at }, 0);
      return;
    }
    const s = this.side[dir];
    if (s.lost) {
      s.st.reset();
      this.dec?.inner?.gap(dir, length, at);
      const k = this.dec?.dir[dir];
      if (k) k.lostBytes += length;
      return;
    }
    if (s.st.q.length === 0 && s.st.discard >= length) {
      // Inside application data being skipped: the next record header is still where it was.
      s.st.discard -= length;
      return;
    }
    const p = s.pending;
    const told = this.salvage(s, length, at);
    if (p && s.st.q.length + length <= 5 + p.len && s.st.q.length >= 5) {
      // The gap falls inside one record: its content is lost, its end is known.
      this.lostRecord(s, p, at);
      const rest = 5 + p.len - s.st.q.length - length;
      s.hs = undefined;
      s.hdrGot = 0;
      s.pending = undefined;
      s.st.reset();
      s.st.discard = rest;
      return;
    }
    if (!told) this.warn(`${dir}: ${length} bytes missing from the capture (frame ${at.frame}); looking for the next record`);
    const lostBefore = s.st.q.length;
    this.lose(s);
    this.dec?.inner?.gap(dir, length, at);
    const k = this.dec?.dir[dir];
    if (k) k.lostBytes += lostBefore + length;
    s.st.reset();
    s.resumeAt = at.streamOffset + length;
  }

  end(dir: Dir, at: Position): void {
    if (this.dead) return;
    if (this.hold) {
      this.held({ kind: 'end', dir, at }, 0);
      return;
    }
    this.dec?.inner?.end(dir, at);
    const s = this.side[dir];
    if (s.lost) return;
    const q = s.st.q.length;
    if (s.pending) this.warn(`${dir}: the last record is cut: ${q} of its ${5 + s.pending.len} bytes are in the capture`);
    else if (q > 0) this.warn(`${dir}: ${q} bytes of a record header at the end`);
    else if (s.st.discard > 0) this.warn(`${dir}: the last record is cut: its last ${s.st.discard} bytes are not in the capture`);
    s.st.reset();
    s.pending = undefined;
  }

  close(at: Position, how: CloseReason = 'capture-end'): void {
    if (this.dead) return;
    if (this.hold) {
      // Over, but its secrets may still be on their way: the close waits with the rest.
      if (!this.hold.closed) {
        this.hold.closed = true;
        this.held({ kind: 'close', at, how }, 0);
      }
      return;
    }
    this.dec?.inner?.close(at, how);
    const c = this.call;
    if (!c) {
      if (this.side.c2s.wire + this.side.s2c.wire > 0) this.session.warn('tls: no TLS record in this connection');
      return;
    }
    this.call = undefined;
    this.finish(c, how);
    this.session.emit(c);
  }

  // ── records ─────────────────────────────────────────────────────────────────────────────────

  private parse(s: Side): void {
    const q = s.st.q;
    for (;;) {
      if (s.lost && !this.resync(s)) return;
      if (s.records === 0 && s.dir === 'c2s' && q.length > 0 && q.at(0) & 0x80) {
        if (!this.sslv2(s)) return;
        continue;
      }
      if (!s.pending) {
        if (q.length < 5) return;
        // After the ServerHello, a growing key log may not have this connection's secrets yet.
        if (this.dec === undefined && this.sh && this.waitForKeys(s)) return;
        const h = q.peek(5);
        const type = h[0];
        const version = be16(h, 1);
        const len = be16(h, 3);
        if (type < 20 || type > 24 || h[1] !== 3 || h[2] > 4 || len > MAX_RECORD) {
          this.warn(`${s.dir}: not a TLS record at stream offset ${s.st.base} (${toHex(h)}); looking for the next record`);
          this.lose(s);
          continue;
        }
        const at = s.st.pos(0);
        this.ensureCall(at);
        if (s.dir === 's2c') this.serverFirst ??= at;
        this.firstVersion ??= version;
        const cls = this.classify(s, type, len);
        s.prev = type === 20 ? 'ccs' : type === 22 && cls === 'clear' ? 'clear-hs' : undefined;
        s.records++;
        if (cls === 'app' || cls === 'early') {
          if (cls === 'early') this.earlyData = true;
          s.appBytes += len;
          s.appRecords++;
          const decrypting = this.decrypting(s, cls);
          if (!s.firstApp) {
            s.firstApp = at;
            const label = cls === 'early' ? 'ApplicationData (0-RTT early data, first record)' : isTls13(this.version) ? 'encrypted, after the handshake (first record: application data or NewSessionTicket)' : 'ApplicationData (first record)';
            // (decrypted: the record says what it is, see decryptRecord)
            if (!decrypting) this.message(s.dir, at, len, label);
            addFrames(this.call!.frames, [at.frame]);
          }
          if (!decrypting) {
            if (cls === 'early' && this.dec) this.dec.inner?.gap(s.dir, len, at);
            s.st.skipAhead(5 + len);
            continue;
          }
        }
        s.pending = { type, version, len, cls };
      }
      const p = s.pending;
      if (q.length < 5 + p.len) return;
      const body = q.peek(5 + p.len).subarray(5);
      this.record(s, p, body);
      if (p.cls !== 'app') addFrames(this.call!.frames, s.st.frames(0, 5 + p.len));
      s.pending = undefined;
      s.st.consume(5 + p.len);
    }
  }

  /** Decide at the record header how its content is read (see the file header for TLS 1.3). */
  private classify(s: Side, type: number, len: number): RecClass {
    if (type === 23) {
      if (s.dir === 's2c' && this.sh && this.version === undefined && s.prev !== undefined) {
        // The ServerHello was cut before it said. Right after its hellos or ChangeCipherSpec, a TLS
        // 1.2 server sends handshake records (Certificate…, Finished); only TLS 1.3 encrypts there.
        this.version = 0x0304;
        this.side.c2s.ccs = this.side.s2c.ccs = false;
        this.warn('TLS 1.3 inferred: the ServerHello was cut by a gap, and the server encrypts its records right after it');
      }
      if (isTls13(this.version) && !s.ccs) {
        if (s.dir === 'c2s') {
          if (!s.finishedSeen) {
            // (0-RTT records go on until the client's EndOfEarlyData: which one a record is, its keys say)
            if (this.earlyData && !this.earlyDone && this.decryption()) return 'early';
            s.finishedSeen = true;
            return 'enc-hs';
          }
          return 'app';
        }
        return this.side.c2s.finishedSeen ? 'app' : 'enc-hs';
      }
      if (s.dir === 'c2s' && this.ch && !this.sh && this.ch.extensions.includes(42)) return 'early';
      return 'app';
    }
    if (type === 21) return len === 2 && !s.ccs ? 'clear' : 'enc-alert';
    if (type === 22) return s.ccs || (s.records > 0 && !s.clear) ? 'enc-hs' : 'clear';
    return 'clear';
  }

  private record(s: Side, p: Pending, body: Uint8Array): void {
    const first = s.records === 1;
    const end = s.st.pos(4 + p.len);
    if (p.type === 20) {
      this.message(s.dir, end, p.len, 'ChangeCipherSpec');
      // TLS 1.3 sends it only for middlebox compatibility (RFC 8446 §D.4): it changes nothing.
      if (!isTls13(this.version)) {
        s.ccs = true;
        // TLS 1.2: this side's records are protected from here, sequence number 0 (RFC 5246 §6.1).
        const k = this.sh && this.version !== undefined ? this.decryption()?.dir[s.dir] : undefined;
        if (k?.next) {
          k.keys = k.next;
          k.next = undefined;
        }
      }
      return;
    }
    if (p.type === 24) {
      this.message(s.dir, end, p.len, 'Heartbeat');
      return;
    }
    if (p.cls === 'early') {
      this.earlyRecord(s, p, body, end);
      return;
    }
    const opened = this.decrypting(s, p.cls) && this.decryptRecord(s, p, body, end);
    if (p.cls === 'app') return;
    if (p.cls === 'enc-alert') {
      s.encAlerts++;
      if (!opened) this.message(s.dir, end, p.len, 'Alert (encrypted)');
      return;
    }
    if (p.type === 21) {
      if (first) s.clear = true;
      this.onAlert(s, body[0], body[1], end);
      return;
    }
    let cls = p.cls;
    if (cls === 'clear' && first) {
      if (body[0] === (s.dir === 'c2s' ? 1 : 2)) s.clear = true;
      else cls = 'enc-hs';
    }
    if (cls === 'enc-hs') {
      s.encHsRecords++;
      const hidden13 = isTls13(this.version) && s.dir === 's2c' ? 'encrypted handshake (EncryptedExtensions … Finished)' : undefined;
      const label = hidden13 ?? (!s.finishedEnd && (s.ccs || isTls13(this.version)) ? 'Finished (encrypted)' : 'encrypted handshake');
      if (!opened) this.message(s.dir, end, p.len, label);
      if (!s.finishedEnd && (s.ccs || (isTls13(this.version) && s.dir === 'c2s'))) {
        s.finishedSeen = true;
        s.finishedEnd = end;
      }
      return;
    }
    // Handshake messages in the clear: they may span records and a record may hold several.
    this.handshakeBytes(s, body, p.version);
  }

  private handshakeBytes(s: Side, body: Uint8Array, recordVersion: number): void {
    frameHandshake<HsAcc>(
      s,
      body,
      (type, len) => {
        const hello = type === 1 || type === 2;
        const keep = hello && len <= Math.min(MAX_HELLO, this.session.env.limits.maxBufferedBytes);
        if (hello && !keep) this.warn(`${s.dir}: ${handshakeName(type)} of ${len} bytes is larger than ${MAX_HELLO}: not parsed`);
        return { type, len, got: 0, buf: keep ? new Uint8Array(len) : undefined, start: s.hdrAt!, recordVersion: s.hdrVersion };
      },
      (hs, i) => this.onHandshake(s, hs, s.st.pos(5 + i - 1)),
      (i) => {
        s.hdrAt = s.st.pos(5 + i);
        s.hdrVersion = recordVersion;
      },
    );
  }

  private onHandshake(s: Side, hs: HsAcc, end: Position, cut = false): void {
    this.lastHandshake = later(this.lastHandshake, end);
    let label = handshakeName(hs.type);
    if (hs.type === 1 && s.dir === 'c2s') {
      this.clientHellos++;
      if (this.clientHellos > 1) label += this.hrr ? ' (after HelloRetryRequest)' : ' (again)';
      if (!this.ch && hs.buf) {
        this.ch = parseClientHello(hs.buf);
        this.chAt = hs.start;
        this.chEnd = end;
        this.chRecordVersion = hs.recordVersion;
        if (!cut) for (const p of this.ch.problems) this.warn(`ClientHello: ${p}`);
        // (draft-ietf-tls-esni §6.1: a real ECH outer hello names the public server; without any
        // server_name the extension is GREASE (§6.2, Chromium sends it to an IP address too): the
        // hello is the only one and nothing is hidden)
        if (this.ch.ech && this.ch.serverName !== undefined) this.warn('ClientHello offers Encrypted Client Hello: the server name shown is the public (outer) one');
      } else if (!this.chAt) {
        this.chAt = hs.start;
        this.chEnd = end;
      }
    } else if (hs.type === 2 && s.dir === 's2c' && hs.buf) {
      const sh = parseServerHello(hs.buf);
      if (!cut) for (const p of sh.problems) this.warn(`ServerHello: ${p}`);
      if (sh.hrr && !this.sh) {
        label = 'HelloRetryRequest';
        this.hrr ??= sh;
        this.hrrAt ??= hs.start;
        if (sh.selectedVersion !== undefined) this.version = sh.selectedVersion;
      } else if (!this.sh) {
        this.sh = sh;
        this.shAt = hs.start;
        this.version = sh.selectedVersion ?? sh.version;
        // Cut before its extensions: TLS 1.3 hides behind legacy_version 1.2 unless its suite tells.
        if (cut && sh.selectedVersion === undefined && (sh.version === 0x0303 || sh.version < 0x0300)) this.version = sh.cipherSuite >> 8 === 0x13 ? 0x0304 : undefined;
      }
      if (isTls13(this.version)) this.side.c2s.ccs = this.side.s2c.ccs = false;
    }
    this.message(s.dir, end, hs.len, cut ? `${label} (cut by a gap)` : label);
  }

  private onAlert(s: Side, level: number, desc: number, at: Position): void {
    const name = alertName(desc);
    this.message(s.dir, at, 2, `Alert: ${name} (${level === 2 ? 'fatal' : level === 1 ? 'warning' : `level ${level}`})`);
    // TLS 1.3 (§6): every alert but close_notify and user_canceled is fatal, whatever its level.
    const fatal = level === 2 || (isTls13(this.version) && desc !== 0 && desc !== 90);
    if (fatal && !this.alert && !this.handshakeEnd()) this.alert = { level, desc, dir: s.dir, at };
  }

  /** An SSL 2.0-compatible ClientHello at the start of the client's side. False: wait for bytes. */
  private sslv2(s: Side): boolean {
    const q = s.st.q;
    const r = ssl2Hello(q.peek(Math.min(q.length, 11)));
    if (r === 'need-more') return false;
    if (!r) {
      this.warn(`c2s: not a TLS record nor an SSL 2.0 ClientHello at stream offset ${s.st.base}; looking for the next record`);
      s.records++;
      this.lose(s);
      return true;
    }
    if (q.length < r.length) return false;
    const start = s.st.pos(0);
    const end = s.st.pos(r.length - 1);
    this.ensureCall(start);
    this.ssl2 = r.hello;
    this.chAt = start;
    this.chEnd = end;
    this.clientHellos++;
    this.lastHandshake = end;
    s.records++;
    s.clear = true;
    this.message('c2s', end, r.length - 2, 'ClientHello (SSL 2.0-compatible)');
    addFrames(this.call!.frames, s.st.frames(0, r.length));
    s.st.consume(r.length);
    return true;
  }

  /**
   * A gap cuts the handshake record being read (snaplen, loss): decode the messages before the
   * hole, and what was captured of a hello cut by it (the server name usually comes first).
   */
  private salvage(s: Side, length: number, at: Position): boolean {
    const p = s.pending;
    if (!p || p.cls !== 'clear' || p.type !== 22 || s.st.q.length < 5) {
      if (!s.hs) return false;
      this.warn(`${s.dir}: ${handshakeName(s.hs.type)} cut by a gap of ${length} bytes (frame ${at.frame})`);
      return true;
    }
    const have = s.st.q.length;
    const body = s.st.q.peek(have).subarray(5);
    if (s.records === 1) {
      if (body.length && body[0] === (s.dir === 'c2s' ? 1 : 2)) s.clear = true;
      else return false;
    }
    this.handshakeBytes(s, body, p.version);
    const hs = s.hs;
    s.hs = undefined;
    if (!hs) return false;
    this.warn(`${s.dir}: ${handshakeName(hs.type)} cut by a gap of ${length} bytes (frame ${at.frame}): ${hs.got} of its ${hs.len} bytes captured`);
    if (hs.buf && hs.got > 0) this.onHandshake(s, { ...hs, buf: hs.buf.subarray(0, hs.got) }, s.st.pos(have - 1), true);
    return true;
  }

  private lose(s: Side): void {
    // Records were lost with their headers: the sequence number is searched for at the next one.
    const k = this.dec?.dir[s.dir];
    if (k?.keys) k.uncertain = SEQ_SEARCH_RECORDS;
    s.lost = true;
    s.prev = undefined;
    s.pending = undefined;
    s.hs = undefined;
    s.hdrGot = 0;
  }

  /**
   * Find the next record after a gap or garbage: a plausible header followed, where its length
   * says, by another. Decides only with the bytes that settle it, so any split of the stream finds
   * the same place. True once the queue starts at a record.
   */
  private resync(s: Side): boolean {
    const q = s.st.q;
    const h = new Uint8Array(5);
    if (s.resumeAt !== undefined && s.st.base === s.resumeAt && q.length >= 5) {
      // Right after a gap: captures cut by a snaplen lose the end of each segment, and TLS stacks
      // start a segment with a record, so one plausible header there is enough.
      s.resumeAt = undefined;
      for (let k = 0; k < 5; k++) h[k] = q.at(k);
      if (midHeader(h, 0) !== undefined) {
        s.lost = false;
        return true;
      }
    }
    let i = 0;
    for (; i + 5 <= q.length; i++) {
      for (let k = 0; k < 5; k++) h[k] = q.at(i + k);
      const len = midHeader(h, 0);
      if (len === undefined) continue;
      const next = i + 5 + len;
      if (next + 5 > q.length) {
        if (i > 0) s.st.consume(i);
        return false;
      }
      for (let k = 0; k < 5; k++) h[k] = q.at(next + k);
      if (midHeader(h, 0) === undefined) continue;
      s.st.consume(i);
      s.lost = false;
      return true;
    }
    if (i > 0) s.st.consume(i);
    return false;
  }

  // ── decryption ────────────────────────────────────────────────────────────────────────────

  /** Is this encrypted record to be decrypted (its bytes buffered)? */
  private decrypting(s: Side, cls: RecClass): boolean {
    // (after the ServerHello an early-looking record is read even without early keys: it may be the client's Finished)
    if (cls === 'early') return (!!this.sh && !!this.dec) || (this.earlyKeys !== null && !!this.session.env.crypto && !!this.ch?.random && !!this.session.env.tlsSecrets);
    if (cls === 'clear') return false;
    // Before the ServerHello, type 23 is 0-RTT data (not decrypted: the early secret is not used).
    if (this.ch && !this.sh) return false;
    const d = this.decryption();
    return !!d && !!d.dir[s.dir].keys;
  }

  /**
   * This connection's keys, looked up once, when its first protected record comes. Without crypto
   * or with an empty key log, nothing is said (today's behaviour); with a key log, why a
   * connection is not decrypted is a warning on its call.
   */
  private decryption(): ConnKeys | null {
    if (this.dec !== undefined) return this.dec;
    this.decide(this.lookup(false));
    return this.dec ?? null;
  }

  private decide(r: KeyLookup, waited?: string): void {
    this.dec = r.keys ?? null;
    this.decryptNote = r.note && r.missing && waited ? `${r.note} (${waited})` : r.note;
  }

  /**
   * Look this connection's keys up. `growing`: the store may still receive secrets, so an empty
   * one is not a reason to say nothing.
   */
  private lookup(growing: boolean): KeyLookup {
    const env = this.session.env;
    const secrets = env.tlsSecrets;
    if (!env.crypto || !secrets || (secrets.size === 0 && !growing)) return {};
    const random = this.ch?.random;
    if (!random) {
      return { note: 'not decrypted: the ClientHello is not in the capture (the connection started before it), and the key log is indexed by its client random' };
    }
    const sh = this.sh;
    if (!sh || this.version === undefined || sh.cipherSuite < 0 || sh.random.length !== 32) {
      return { note: 'not decrypted: the ServerHello (version, cipher suite) is not in the capture' };
    }
    if (this.version < 0x0303) {
      return { note: `not decrypted: ${versionName(this.version)} (callscope decrypts TLS 1.2 and TLS 1.3)` };
    }
    const tls13 = isTls13(this.version);
    const suite = suiteInfo(sh.cipherSuite, tls13);
    if (!suite || (suite.cbc && !env.crypto.cbcDecrypt)) {
      return { note: `cipher suite ${cipherSuiteName(sh.cipherSuite)}: not decrypted (callscope decrypts the AES-GCM, AES-CCM and ChaCha20-Poly1305 suites, and AES-CBC in TLS 1.2)` };
    }
    const crypto = env.crypto;
    const noKey = `no key in the key log for this connection (client random ${toHex(random).slice(0, 16)}…): not decrypted; ${KEYLOG_HINT}`;
    const d: ConnKeys = { suite, tls13, dir: { c2s: newDirKeys(), s2c: newDirKeys() } };
    if (tls13) {
      const labels = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'];
      const got = labels.map((l) => secrets.get(l, random));
      const missing = labels.filter((_, i) => !got[i]);
      if (missing.length === labels.length) {
        return { note: noKey, missing: true };
      }
      if (missing.length) {
        return { note: `not decrypted: the key log lacks ${missing.join(', ')} for this connection (client random ${toHex(random).slice(0, 16)}…)`, missing: true };
      }
      if (got.some((g) => g!.length !== hashBytes(suite.hash))) {
        return { note: `not decrypted: the key log's secrets for this connection are not ${hashBytes(suite.hash)} bytes long, as ${cipherSuiteName(suite.id)} needs` };
      }
      d.dir.c2s.keys = RecordKeys.fromSecret(crypto, suite, got[0]!);
      d.dir.s2c.keys = RecordKeys.fromSecret(crypto, suite, got[1]!);
      d.dir.c2s.next = RecordKeys.fromSecret(crypto, suite, got[2]!);
      d.dir.s2c.next = RecordKeys.fromSecret(crypto, suite, got[3]!);
    } else {
      const master = secrets.get('CLIENT_RANDOM', random);
      if (!master) {
        return { note: noKey, missing: true };
      }
      // RFC 7366 encrypt_then_mac (extension 22) changes only CBC records.
      const k = tls12Keys(crypto, suite, master, random, sh.random, sh.extensions.includes(22));
      d.dir.c2s.next = k.c2s;
      d.dir.s2c.next = k.s2c;
    }
    return { keys: d };
  }

  /**
   * At a record header after the ServerHello, with a growing key log (live capture): decide now if
   * the keys are there or cannot come (another reason); else start holding this connection (true:
   * leave the record where it is). See HOLD_BYTES.
   */
  private waitForKeys(s: Side): boolean {
    const store = growingSecrets(this.session.env.tlsSecrets);
    if (!store || !this.session.env.crypto) return false;
    const r = this.lookup(true);
    if (!r.missing) {
      this.decide(r);
      return false;
    }
    const at = s.st.pos(0);
    const h: Hold = { store, dir: s.dir, segments: [], bytes: s.st.q.length, sinceUs: at.tsUs, sinceLooks: store.looks, generation: store.generation, closed: false, reserved: 0, overBudget: false, unsubscribe: () => undefined };
    const unsubscribe = store.subscribe(() => {
      // Told outside this connection's packets (the key log grew, or stopped growing).
      if (this.hold !== h || this.dead) return;
      try {
        this.settle();
      } catch (e) {
        this.session.warn(`tls: internal error: ${(e as Error).message}`, at);
        this.dead = true;
        this.dropHold();
      }
    });
    if (!unsubscribe) {
      // Too many connections wait already: this one is decided now.
      this.decide(r, 'the key log is followed while capturing: too many connections were waiting for theirs');
      return false;
    }
    h.unsubscribe = unsubscribe;
    this.hold = h;
    return true;
  }

  /** The wait is over: no more told, its bytes no longer counted in the store's budget. */
  private dropHold(): void {
    const h = this.hold;
    if (!h) return;
    this.hold = undefined;
    h.unsubscribe();
    h.store.reserve(-h.reserved);
  }

  /** Bytes arrived while holding: a copy joins the previous piece of the same packet, or starts a segment. */
  private heldData(dir: Dir, bytes: Uint8Array, at: Position): void {
    const h = this.hold!;
    const last = h.segments[h.segments.length - 1];
    if (last?.kind === 'data' && last.dir === dir && last.at.frame === at.frame && last.at.tsUs === at.tsUs && last.at.streamOffset + last.length === at.streamOffset) {
      if (last.length + bytes.length > last.bytes.length) {
        const grown = new Uint8Array(Math.max(2 * last.bytes.length, last.length + bytes.length));
        grown.set(last.bytes.subarray(0, last.length));
        last.bytes = grown;
      }
      last.bytes.set(bytes, last.length);
      last.length += bytes.length;
      this.count(h, bytes.length);
      this.settle(at.tsUs);
      return;
    }
    this.held({ kind: 'data', dir, bytes: bytes.slice(), length: bytes.length, at }, bytes.length);
  }

  /** Something arrived while holding: keep it, then see whether the wait is over. */
  private held(segment: HeldSegment, bytes: number): void {
    const h = this.hold!;
    h.segments.push(segment);
    this.count(h, bytes);
    this.settle(segment.at.tsUs);
  }

  /** Held bytes, counted here and in the store (over all waiting connections); past the store's budget the wait ends. */
  private count(h: Hold, bytes: number): void {
    h.bytes += bytes;
    if (h.store.reserve(bytes)) h.reserved += bytes;
    else h.overBudget = true;
  }

  /**
   * Ends the wait when the keys came or when it cannot last any more (bounds, the store stopped
   * growing): decided, then what was held is decoded (its close too, when it came).
   */
  private settle(nowUs?: number): void {
    const h = this.hold;
    if (!h) return;
    const limit = Math.min(HOLD_BYTES, this.session.env.limits.maxBufferedBytes);
    let why: string | undefined;
    if (h.bytes > limit) why = `its first ${h.bytes} encrypted bytes were held for them`;
    else if (h.overBudget) why = `the connections waiting for theirs held ${MAX_HELD_BYTES >> 20} MiB`;
    else if (h.segments.length >= HOLD_SEGMENTS) why = `${h.segments.length} packets were held for them`;
    else if (nowUs !== undefined && nowUs - h.sinceUs > HOLD_US) why = `waited ${HOLD_US / 1e6} s of capture for them`;
    else if (h.store.looks - h.sinceLooks >= HOLD_LOOKS) why = `the key log was looked at ${h.store.looks - h.sinceLooks} times since`;
    else if (!h.store.growing) why = 'the key log was followed until the capture stopped';
    if (!why && h.store.generation === h.generation) return;
    h.generation = h.store.generation;
    const r = this.lookup(true);
    if (!why && r.missing) return;
    this.dropHold();
    this.decide(r, why && `the key log is followed while capturing: ${why}`);
    // Decode what waited, in the order it came: first the records already queued (the side that
    // started the wait first: the other's queue holds at most a partial record), then the rest.
    const other = this.side[h.dir === 'c2s' ? 's2c' : 'c2s'];
    for (const side of [this.side[h.dir], other]) {
      if (this.dead) return;
      try {
        this.parse(side);
      } catch (e) {
        this.session.warn(`tls: internal error: ${(e as Error).message}`, side.st.q.length ? side.st.pos(0) : undefined);
        this.dead = true;
      }
    }
    for (const g of h.segments) {
      if (g.kind === 'data') this.data(g.dir, g.bytes.subarray(0, g.length), g.at);
      else if (g.kind === 'gap') this.gap(g.dir, g.length, g.at);
      else if (g.kind === 'end') this.end(g.dir, g.at);
      else this.close(g.at, g.how);
    }
  }

  /** A record cut by a gap: it cannot be decrypted, but it used a sequence number. */
  private lostRecord(s: Side, p: Pending, at: Position): void {
    const k = this.dec?.dir[s.dir].keys;
    if (!k || !this.decrypting(s, p.cls)) return;
    k.seq++;
    if (p.type === 23) this.dec!.inner?.gap(s.dir, k.plainBytes(p.len), at);
    this.warn(`${s.dir}: a record (frame ${at.frame}) is cut by a gap: not decrypted`);
  }

  /** Decrypt a whole record at the head of the queue; true when it opened. */
  /**
   * A client record that may be 0-RTT (before the ServerHello, or after it until EndOfEarlyData): opened
   * with the early keys when it is one; after the ServerHello, one that is not is the client's first
   * record under its handshake keys (its Finished: the server took no early data, or EndOfEarlyData was
   * sent), read as such. An early record that cannot be opened is skipped (a gap in the inner stream).
   */
  private earlyRecord(s: Side, p: Pending, body: Uint8Array, end: Position): void {
    const header = Uint8Array.of(p.type, p.version >> 8, p.version & 0xff, p.len >> 8, p.len & 0xff);
    const keys = this.decrypting(s, 'early') ? this.earlyKeysFor(header, body) : undefined;
    const opened = keys?.open(header, body);
    if (keys && opened) {
      keys.seq++;
      this.earlyOpened++;
      const pt = opened.plaintext;
      if (opened.type === 23) {
        if (this.earlyOpened === 1 || !this.earlyQueued) this.message(s.dir, end, pt.length, 'ApplicationData (0-RTT early data)');
        this.earlyPlaintext(s, pt);
      } else if (opened.type === 22 && pt[0] === 5) {
        // EndOfEarlyData (§4.5): the client's next records are under its handshake keys.
        this.message(s.dir, end, pt.length, 'EndOfEarlyData');
        this.earlyDone = true;
      } else this.warn(`${s.dir}: decrypted 0-RTT record at frame ${end.frame} has content type ${opened.type} (${pt.length} bytes): ignored`);
      return;
    }
    if (this.sh && this.dec && this.dec.tls13 && this.dec.dir.c2s.keys && this.decryptRecord(s, { ...p, cls: 'enc-hs' }, body, end, true)) {
      this.earlyDone = true;
      s.finishedSeen = true;
      s.finishedEnd ??= end;
      s.encHsRecords++;
      return;
    }
    if (this.earlySkipped === 0 && this.earlyKeys !== undefined && this.session.env.tlsSecrets?.size) {
      this.warn(`c2s: 0-RTT early data not decrypted (${keys || this.earlyKeys ? 'a record its keys do not open' : 'the key log has no CLIENT_EARLY_TRAFFIC_SECRET for this connection'}): the requests sent in it are missing`);
    }
    // (bounded: a connection whose keys are all wrong must come to the usual failure and its warning)
    if (++this.earlySkipped > 64 && this.sh) this.earlyDone = true;
    if (this.dec) this.innerStream().gap(s.dir, Math.max(0, p.len - 17), s.st.pos(0));
    else if (this.earlyQueue.length < 1024) this.earlyQueue.push({ gap: Math.max(0, p.len - 17), at: s.st.pos(0) });
  }

  /**
   * The client's early keys, found at its first early record: client_early_traffic_secret from the key log,
   * under the TLS 1.3 cipher suite the ClientHello offered whose keys open that record (the 0-RTT suite is
   * the resumed session's, which the ServerHello has not said yet; a wrong key fails the AEAD tag).
   */
  private earlyKeysFor(header: Uint8Array, body: Uint8Array): RecordKeys | undefined {
    if (this.earlyKeys !== undefined) return this.earlyKeys ?? undefined;
    this.earlyKeys = null;
    const env = this.session.env;
    const secret = this.ch?.random ? env.tlsSecrets?.get('CLIENT_EARLY_TRAFFIC_SECRET', this.ch.random) : undefined;
    if (!secret || !env.crypto || !this.ch) return undefined;
    const tried = new Set<number>();
    for (const id of this.ch.cipherSuites.slice(0, 64)) {
      const suite = suiteInfo(id, true);
      if (!suite || tried.has(id) || hashBytes(suite.hash) !== secret.length) continue;
      tried.add(id);
      const keys = RecordKeys.fromSecret(env.crypto, suite, secret);
      if (keys.open(header, body)) {
        this.earlyKeys = keys;
        return keys;
      }
    }
    this.warn('c2s: 0-RTT early data: the key log has CLIENT_EARLY_TRAFFIC_SECRET for this connection, but under no TLS 1.3 cipher suite the ClientHello offered does it open the first early record: not decrypted');
    return undefined;
  }

  /** Early application data to the inner stream, or kept (bounded) until the inner stream can be made. */
  private earlyPlaintext(s: Side, pt: Uint8Array): void {
    if (this.dec) {
      this.plaintext(s, pt, 5);
      return;
    }
    const max = this.session.env.limits.maxBodyBytes;
    if (this.earlyQueued + pt.length > max || this.earlyQueue.length >= 1024) {
      if (this.earlyQueued <= max) this.warn(`c2s: more than ${max} bytes of 0-RTT early data before the ServerHello: the rest not decoded`);
      this.earlyQueued = max + 1;
      return;
    }
    this.earlyQueued += pt.length;
    // (one position for the record: its first packet's)
    this.earlyQueue.push({ bytes: pt.slice(), at: s.st.pos(5) });
  }

  private decryptRecord(s: Side, p: Pending, body: Uint8Array, end: Position, trial = false): boolean {
    const d = this.dec!;
    const k = d.dir[s.dir];
    const keys = k.keys!;
    const header = Uint8Array.of(p.type, p.version >> 8, p.version & 0xff, p.len >> 8, p.len & 0xff);
    let opened = keys.open(header, body);
    // (a trial: is this record under these keys? nothing changes when it is not)
    if (!opened && trial) return false;
    if (!opened && k.uncertain > 0) {
      k.uncertain--;
      for (const n of seqCandidates(k.recordBytes > 0 ? Math.round(k.lostBytes / k.recordBytes) : 0)) {
        opened = keys.open(header, body, keys.seq + n);
        if (opened) {
          keys.seq += n;
          break;
        }
      }
    }
    k.recordBytes = k.recordBytes ? (7 * k.recordBytes + 5 + p.len) / 8 : 5 + p.len;
    keys.seq++;
    if (!opened) {
      k.failed++;
      if (!k.warnedFail) {
        k.warnedFail = true;
        const early = this.earlyData && s.dir === 'c2s' ? '; 0-RTT early data is not decrypted' : '';
        this.warn(`${s.dir}: record at frame ${end.frame} fails authentication (a wrong key for this connection, or records missing before it${early}): not decrypted`);
      }
      if (p.type === 23) this.innerStream().gap(s.dir, keys.plainBytes(p.len), s.st.pos(0));
      return false;
    }
    k.uncertain = 0;
    k.lostBytes = 0;
    k.opened++;
    const pt = opened.plaintext;
    if (opened.type === 23 && !k.appData) {
      k.appData = true;
      this.message(s.dir, end, pt.length, 'ApplicationData (first record)');
    }
    if (opened.type === 23) this.plaintext(s, pt, 5 + keys.suite.explicitNonceBytes);
    else if (opened.type === 22) this.decryptedHandshake(s, pt, end);
    else if (opened.type === 21 && pt.length === 2) this.onAlert(s, pt[0], pt[1], end);
    else this.warn(`${s.dir}: decrypted record at frame ${end.frame} has content type ${opened.type} (${pt.length} bytes): ignored`);
    return true;
  }

  /**
   * Hand decrypted application data on, each byte with the capture position of the packet that
   * carried its ciphertext (`rel` is where the plaintext starts in the buffered record).
   */
  private plaintext(s: Side, pt: Uint8Array, rel: number): void {
    const inner = this.innerStream();
    let i = 0;
    while (i < pt.length) {
      const at = s.st.pos(rel + i);
      // The last plaintext byte carried by the same packet (positions change only at packet starts).
      let lo = i + 1;
      let hi = pt.length;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        const m = s.st.pos(rel + mid - 1);
        if (m.frame === at.frame && m.tsUs === at.tsUs) lo = mid;
        else hi = mid - 1;
      }
      inner.data(s.dir, pt.subarray(i, lo), at);
      i = lo;
    }
  }

  private innerStream(): InnerStream {
    const d = this.dec!;
    if (d.inner) return d.inner;
    d.inner = new InnerStream(this.session, this.alpnSelected, (c) => this.decorate(c), (t) => this.warn(t));
    // 0-RTT data decrypted before the ServerHello comes first.
    for (const q of this.earlyQueue) {
      if (q.bytes) d.inner.data('c2s', q.bytes, q.at);
      else d.inner.gap('c2s', q.gap ?? 0, q.at);
    }
    this.earlyQueue = [];
    return d.inner;
  }

  /** The TLS facts an inner call carries (Wireshark shows the TLS layer under the decrypted protocol). */
  private decorate(c: Call): void {
    const f = c.fields;
    if (this.ch?.serverName !== undefined) f['tls.handshake.extensions_server_name'] = this.ch.serverName;
    if (this.version !== undefined) f['tls.handshake.version'] = versionName(this.version);
    if (this.sh && this.sh.cipherSuite >= 0) f['tls.handshake.ciphersuite'] = cipherSuiteName(this.sh.cipherSuite);
    const alpn = this.alpnSelected;
    if (alpn !== undefined) f['tls.handshake.extensions_alpn_selected'] = alpn;
    if (this.call) f['tls.call_id'] = this.call.id;
  }

  /** The protocol the server selected with ALPN: in the ServerHello up to TLS 1.2, in the decrypted EncryptedExtensions in TLS 1.3. */
  private get alpnSelected(): string | undefined {
    return (this.dec?.tls13 ? this.dec.alpn : undefined) ?? this.sh?.alpn;
  }

  /** Decrypted handshake bytes: messages may span records; only their types and EncryptedExtensions matter. */
  private decryptedHandshake(s: Side, b: Uint8Array, end: Position): void {
    frameHandshake(
      this.dec!.dir[s.dir],
      b,
      (type, len) => ({ type, len, got: 0, buf: type === 8 && len <= MAX_DECRYPTED_HS ? new Uint8Array(len) : undefined }),
      (m) => this.onDecryptedHandshake(s, m, end),
    );
  }

  private onDecryptedHandshake(s: Side, { type, len, buf }: HsMessage, end: Position): void {
    const d = this.dec!;
    const k = d.dir[s.dir];
    this.message(s.dir, end, len, handshakeName(type));
    if (type === 8 && s.dir === 's2c' && buf) d.alpn = encryptedExtensionsAlpn(buf);
    if (!d.tls13) return;
    if (type === 20 && k.next) {
      // RFC 8446 §7.2: after its Finished, a side protects its records with the application keys.
      k.keys = k.next;
      k.next = undefined;
    } else if (type === 24 && k.keys && !k.next) {
      // KeyUpdate (§4.6.3): the sender's next records use the next generation of its secret.
      k.keys = k.keys.next() ?? k.keys;
      this.keyUpdates++;
    }
  }

  // ── the call ────────────────────────────────────────────────────────────────────────────────

  private ensureCall(at: Position): void {
    if (this.call) return;
    const c = this.session.newCall('tls', at);
    c.kind = 'event';
    c.method = 'TLS handshake';
    this.call = c;
  }

  /**
   * Where the handshake ended. A side that sent application data had sent its Finished before
   * (False Start included), so a Finished lost in a gap is stood in for by that side's first
   * application data.
   */
  private handshakeEnd(): Position | undefined {
    const { c2s, s2c } = this.side;
    const client = c2s.finishedEnd ?? c2s.firstApp;
    if (isTls13(this.version)) return client;
    const server = s2c.finishedEnd ?? s2c.firstApp;
    return client && server ? later(client, server) : undefined;
  }

  private message(dir: Dir, at: Position, size: number, label: string): void {
    const s = this.side[dir];
    const index = s.msgIndex++;
    if (this.messages.length >= Math.min(MAX_MESSAGES, this.session.env.limits.maxMessagesPerCall)) return;
    this.messages.push({ dir, index, tsUs: at.tsUs, size, frame: at.frame, label });
  }

  private warn(text: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(text);
    else if (this.warnings.length === MAX_WARNINGS) this.warnings.push('further TLS warnings on this connection left out');
  }

  private finish(c: Call, how: CloseReason): void {
    const { c2s, s2c } = this.side;
    const f = c.fields;
    const ch = this.ch;
    const sh = this.sh;
    const helloSeen = ch !== undefined || this.ssl2 !== undefined || this.chAt !== undefined;
    const server = c.server.ip.includes(':') ? `[${c.server.ip}]:${c.server.port}` : `${c.server.ip}:${c.server.port}`;
    c.method = helloSeen ? 'TLS handshake' : 'TLS session';
    c.target = ch?.serverName ?? server;
    if (this.chAt) c.timing.startUs = this.chAt.tsUs;
    if (this.chEnd) c.timing.requestEndUs = this.chEnd.tsUs;
    const answer = this.hrrAt ?? this.shAt ?? (helloSeen ? this.serverFirst : undefined);
    if (answer) c.timing.responseStartUs = answer.tsUs;
    const hsEnd = helloSeen ? this.handshakeEnd() : undefined;
    const endAt = hsEnd ?? this.alert?.at ?? later(this.lastHandshake, later(c2s.finishedEnd, s2c.finishedEnd));
    if (endAt && endAt.tsUs >= c.timing.startUs) c.timing.endUs = endAt.tsUs;

    // Fields, in Wireshark's vocabulary where it has a name for the fact.
    const recordVersion = this.ssl2 ? 0x0002 : (this.chRecordVersion ?? this.firstVersion);
    if (recordVersion !== undefined) f['tls.record.version'] = versionName(recordVersion);
    if (this.ssl2) f['tls.handshake.ssl2_client_hello'] = true;
    if (ch?.serverName !== undefined) f['tls.handshake.extensions_server_name'] = ch.serverName;
    if (ch?.alpn?.length) f['tls.handshake.extensions_alpn_str'] = ch.alpn.join(',');
    if (ch?.supportedVersions?.length) f['tls.handshake.extensions.supported_version'] = ch.supportedVersions.map(versionName).join(',');
    if (ch) f['tls.handshake.cipher_suites_count'] = ch.cipherSuiteCount;
    else if (this.ssl2) f['tls.handshake.cipher_suites_count'] = this.ssl2.cipherSpecCount;
    if (this.version !== undefined) f['tls.handshake.version'] = versionName(this.version);
    if (sh && sh.cipherSuite >= 0) f['tls.handshake.ciphersuite'] = cipherSuiteName(sh.cipherSuite);
    const alpn = this.alpnSelected;
    if (alpn !== undefined) f['tls.handshake.extensions_alpn_selected'] = alpn;
    if (sh?.keyShareGroup !== undefined) f['tls.handshake.extensions_key_share_group'] = groupName(sh.keyShareGroup);
    if (this.hrr) {
      f['tls.handshake.hello_retry_request'] = true;
      if (this.hrr.keyShareGroup !== undefined) f['tls.handshake.extensions_key_share_selected_group'] = groupName(this.hrr.keyShareGroup);
    }
    const resumed = sh && (isTls13(this.version) ? sh.psk === true : sh.sessionId.length > 0 && ch !== undefined && toHex(sh.sessionId) === toHex(ch.sessionId));
    if (resumed) f['tls.resumed'] = true;
    if (this.alert) {
      f['tls.alert_message.desc'] = this.alert.desc;
      f['tls.alert_message.level'] = this.alert.level;
    }
    if (this.earlyData) f['tls.early_data'] = true;
    const dec = this.dec;
    const opened = dec ? dec.dir.c2s.opened + dec.dir.s2c.opened + this.earlyOpened : 0;
    if (dec) {
      f['tls.decrypted_records'] = opened;
      if (this.earlyOpened) f['tls.early_data_records'] = this.earlyOpened;
      const failed = dec.dir.c2s.failed + dec.dir.s2c.failed;
      if (failed) f['tls.undecrypted_records'] = failed;
      if (this.keyUpdates) f['tls.key_updates'] = this.keyUpdates;
      if (dec.inner?.decoderId) f['tls.app_protocol'] = dec.inner.decoderId;
    }
    f['tls.app_data.c2s_bytes'] = c2s.appBytes;
    f['tls.app_data.s2c_bytes'] = s2c.appBytes;

    // Outcome.
    if (this.alert) c.status = { code: this.alert.desc, text: alertName(this.alert.desc), ok: false };
    else if (sh) {
      // The version is unknown only when the ServerHello was cut by a gap.
      const code = this.version !== undefined ? versionName(this.version) : 'TLS';
      c.status = alpn ? { code, text: alpn, ok: true } : { code, ok: true };
    }
    if (!helloSeen) {
      c.state = 'incomplete';
      this.warn(sh ? 'the ClientHello is not in the capture' : 'the handshake is not in the capture (the connection started before it)');
    } else if (this.alert || hsEnd) c.state = 'complete';
    else {
      c.state = how === 'capture-end' ? 'pending' : 'aborted';
      const ended = how === 'capture-end' ? 'the capture ended' : how === 'rst' ? 'the connection was reset' : 'the connection ended';
      this.warn(sh || this.hrr ? `${ended} before the handshake finished` : `${ended} before the server answered the ClientHello`);
    }

    c.request = { value: clientValue(ch, this.ssl2), wireBytes: c2s.wire };
    c.response = { value: serverValue(sh, this.hrr, this.version), wireBytes: s2c.wire };
    if (this.messages.length) c.messages = this.messages;
    const encrypted = c2s.appRecords + s2c.appRecords + c2s.encHsRecords + s2c.encHsRecords + c2s.encAlerts + s2c.encAlerts > 0;
    if (this.decryptNote && encrypted) this.warnings.push(this.decryptNote);
    c.warnings.push(...this.warnings);
    if (encrypted && opened === 0) c.warnings.push(ENCRYPTED_HINT);
  }
}

function clientValue(ch: ClientHello | undefined, ssl2: Ssl2ClientHello | undefined): unknown {
  if (ssl2) return { hello: 'SSL 2.0-compatible ClientHello', version: versionName(ssl2.version), cipher_specs: ssl2.cipherSpecCount };
  if (!ch) return undefined;
  const v: Record<string, unknown> = { version: versionName(ch.version) };
  if (ch.supportedVersions) v.supported_versions = ch.supportedVersions.map(versionName);
  if (ch.serverName !== undefined) v.server_name = ch.serverName;
  if (ch.alpn) v.alpn = ch.alpn;
  v.cipher_suites = ch.cipherSuites.map(cipherSuiteName);
  if (ch.keyShareGroups) v.key_share = ch.keyShareGroups.map(groupName);
  v.extensions = ch.extensions.map(extensionName);
  if (ch.sessionId.length) v.session_id_length = ch.sessionId.length;
  return v;
}

function serverValue(sh: ServerHello | undefined, hrr: ServerHello | undefined, version: number | undefined): unknown {
  if (!sh && !hrr) return undefined;
  const v: Record<string, unknown> = {};
  if (hrr) v.hello_retry_request = { key_share_group: hrr.keyShareGroup !== undefined ? groupName(hrr.keyShareGroup) : undefined, extensions: hrr.extensions.map(extensionName) };
  if (sh) {
    if (version !== undefined) v.version = versionName(version);
    v.cipher_suite = cipherSuiteName(sh.cipherSuite);
    if (sh.alpn !== undefined) v.alpn = sh.alpn;
    if (sh.keyShareGroup !== undefined) v.key_share = groupName(sh.keyShareGroup);
    v.extensions = sh.extensions.map(extensionName);
  }
  return v;
}

export const spec: DecoderSpec = {
  id: 'tls',
  name: 'TLS',
  transport: 'tcp',
  ports: TLS_PORTS,
  probeOrder: 25,
  probe: probeTls,
  create: (session) => new TlsDecoder(session),
};

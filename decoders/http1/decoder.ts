/**
 * The HTTP/1.x connection decoder: two incremental message parsers (c2s requests, s2c
 * responses) over ByteQueues, an in-order pairing queue (RFC 9112 §9.3 pipelining), message
 * framing per RFC 9112 §6.3, and the Upgrade / CONNECT switch (RFC 9110 §7.8, §9.3.6).
 *
 * Positions: every chunk pushed into a direction's queue leaves a mark (stream offset, frame,
 * timestamp). The time of a byte is the time of the chunk that carried it, so a message's
 * start/end times and frames are the same whatever the split of the stream.
 */
import type { Dir, Call, HeaderList, HttpLayer } from '../core/model';
import type { CloseReason, DecoderSession, Position, StreamDecoder } from '../core/decoder';
import type { HttpUpgradeInit } from '../core/handoff';
import { header } from '../core/handoff';
import { concatBytes, latin1Text } from '../core/bytes';
import { decodeHttpBody, headerValue } from '../http-common/body';
import { emitHttpCall } from '../http-common/exchange';
import { isSockJsLineStream } from '../websocket/sockjs-http';
import { applyEventStreams, EventStreamReader, eventStreamFormat, readCodedEventStream, streamCodings, type EventStreamFormat } from '../http-common/event-stream';
import { Input } from './input';
import { HTTP1_LINE_MAX, http1RequestStart } from './request-start';
import { probeTls } from '../tls/index';
import {
  contentLength,
  isTcharByte,
  lineContentEnd,
  listValues,
  looksLikeRequestLine,
  looksLikeStatusLine,
  parseFieldLines,
  parseHead,
  partialRequestLine,
  partialStatusLine,
  scanRequestLine,
  scanStatusLine,
  type ParsedHead,
  type RequestLine,
  type StatusLine,
} from './message';

const MAX_FRAMES = 64;
/** Targets whose last response size is kept, to size what a capture gap swallowed. */
const RESP_SIZES_MAX = 256;
/** Longest chunk-size line (size + extensions) accepted. */
const MAX_CHUNK_LINE = 4096;
/** Longest line kept while looking for a start line after losing sync. */
const MAX_RESYNC_LINE = 16 << 10;
/** plausibleStart reads this many bytes: a request's method ends before them. */
const PLAUSIBLE_START_BYTES = 24;
const H2_PREFACE = 'PRI * HTTP/2.0\r\n';
/**
 * Fewest bytes a capture gap must hold beyond the message it cut to count as (the start of) another
 * message: `GET / HTTP/1.1` CRLF CRLF is 18 bytes, `HTTP/1.1 200 ` CRLF CRLF 17; the CRLFs a client
 * may send after a body (RFC 9112 §2.2) are fewer.
 */
const MIN_LOST_MESSAGE = 16;
/** Most messages one gap is taken to have swallowed. */
const MAX_LOST_MESSAGES = 1024;
/** Responses without a request kept to match a later c2s gap against. */
const MAX_ORPHANS = 64;
/**
 * Most requests kept waiting for their responses. More wait only in a capture of the client's
 * side alone (asymmetric routing, a one-way mirror): each request would be kept to the end of the
 * connection, and every message would walk them all (7,400 requests took 0.76 s, 29,600 6.8 s).
 */
const MAX_WAITING = 1024;
/** Distinct sizes of whole messages kept per direction (Side.sizes). */
const SIZES_KEPT = 8;
const HTTP_SLASH = [72, 84, 84, 80, 47];

interface Mark {
  off: number;
  frame: number;
  tsUs: number;
  /** The other direction's stream offset the packet acknowledged (Position.acked). */
  acked: number | undefined;
}

interface Pos {
  frame: number;
  tsUs: number;
  off: number;
  /** As Mark.acked, for the first byte of a message (posAt). */
  acked?: number;
}

type Mode =
  | 'head' // waiting for / reading a start line and header section
  | 'length' // Content-Length body
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-crlf'
  | 'trailers'
  | 'close' // body delimited by the end of the connection
  | 'await' // client: request asked to switch protocols; hold bytes until the response says
  | 'resync' // lost sync: looking for the next start line
  | 'connect' // after CONNECT 2xx: the tunnel's first bytes are held until they say what runs inside
  | 'tunnel' // after CONNECT 2xx (bytes that are not TLS, HTTP/2 or HTTP/1.1) or an upgrade nobody decodes: bytes are counted, not decoded
  | 'dead' // header bounds exceeded: this direction is no longer decoded
  | 'forward'; // handed off: bytes go to the next decoder

/** One message (request or response) being read. */
interface Msg {
  start: Pos;
  end?: Pos;
  frames: number[];
  wire: number;
  request?: RequestLine;
  status?: StatusLine;
  headers: HeaderList;
  /**
   * The parsed head `headers` come from, with where its framing fields are (transferCodings,
   * msgContentLength, firstValue); none for a message salvaged from a cut start line.
   */
  head?: ParsedHead;
  trailers?: HeaderList;
  bodySize: number;
  preview: Uint8Array[];
  previewBytes: number;
  /**
   * preview[lentFrom..] are views of input bytes not copied yet (-1: none): copied at the end of
   * the decoder call that read them (Http1Decoder.ownPreviews), unless the message was emitted
   * (and its preview dropped) by then.
   */
  lentFrom: number;
  /** Some body bytes were never captured: the preview stops at the hole. */
  holed: boolean;
  remaining: number;
  warnings: string[];
  /** The body ended early (connection closed or lost). */
  cut: boolean;
  /** Server-sent events / NDJSON body: its events, read as the body arrives (or at the end when content-coded). */
  events?: EventStreamReader;
  /** Content codings to undo before reading the events (then read at the end). */
  eventCodings?: string[];
  /** The connection ended before this body did: settled at `close` by how it ended (settleEarlyEnd). */
  endedEarly?: string;
  /** The body stopped because the connection was closed or reset (not a capture cut): RFC 9112 §8. */
  aborted?: boolean;
  /** A request body after the server's final answer, its status (see Http1Decoder.noteAbandonedBody). */
  answeredBy?: number;
  /** Body bytes lost in capture gaps, how many gaps, and where their one warning is. */
  bodyGaps?: { bytes: number; count: number; warning: number };
  /**
   * A response to a request that was not captured announces a body: look at its first bytes
   * before reading them as the body (see Http1Decoder.headProbe).
   */
  headProbe?: boolean;
  /** Capture gaps taken for the body while headProbe still had to look: they held whole responses if it finds none. */
  probeGap?: { bytes: number; warnings: number };
}

/** One request/response exchange, in request order. */
interface Exchange {
  call: Call;
  req?: Msg;
  reqDone: boolean;
  resp?: Msg;
  respDone: boolean;
  /** Response-side accumulation over 1xx interim responses and the final one. */
  respStart?: Pos;
  respFrames: number[];
  respWire: number;
  interim: Array<{ status: number; reason?: string; tsUs: number }>;
  emitted: boolean;
  upgrade?: string;
  connect: boolean;
  warnings: string[];
  /**
   * A stand-in for a request lost in a c2s capture gap: it takes the response to that request so
   * the later ones keep their pairing (RFC 9112 §9.3: responses come in request order). `at` is
   * the last c2s byte captured before the gap (the lost request was sent after it).
   */
  lost?: { bytes: number; at: Pos };
  /** Its response was charged to an s2c capture gap. */
  respLost?: boolean;
}

/** A new exchange; without `req`, its request was not captured (reqDone). Every field set: one shape. */
function newExchange(call: Call, req: Msg | undefined, connect: boolean, warnings: string[], lost?: Exchange['lost']): Exchange {
  return {
    call,
    req,
    reqDone: req === undefined,
    resp: undefined,
    respDone: false,
    respStart: undefined,
    respFrames: [],
    respWire: 0,
    interim: [],
    emitted: false,
    upgrade: undefined,
    connect,
    warnings,
    lost,
    respLost: undefined,
  };
}

/** Bytes a capture gap held beyond the message it cut (see Http1Decoder.gapSurplus). */
interface LostMessages {
  surplus: number;
  /** The gaps' lengths. */
  bytes: number;
  /** `surplus` is a guess (a request head cut by the gap taken as long as the average). */
  guessed?: boolean;
}

/**
 * How many messages `surplus` lost bytes held, at least one, at most `most`: one more while the
 * bytes left hold over half of the next one's expected size (`sizeOf(i)`, else `guess`) — but on a
 * guess only while the bytes left are not more than twice `largest` (the largest message read
 * whole): one message larger than any seen so far is likelier than a run of lost ones.
 */
function lostCount(surplus: number, largest: number, guess: number, most: number, sizeOf: (i: number) => number | undefined): number {
  if (most <= 0) return 0;
  let k = 0;
  let sum = 0;
  for (; k < most; k++) {
    const known = sizeOf(k);
    const size = known || guess;
    const left = surplus - sum;
    if (k > 0 && (!size || left < size / 2 || (!known && left > 2 * largest))) break;
    sum += size;
  }
  return k;
}

/** exactLost looks no further than this many lost bytes, and sums at most this many messages of unknown size. */
const EXACT_MAX_BYTES = 1 << 16;
const EXACT_MAX_UNKNOWN = 8;

/** No expected size known for any lost message (lostCount's and exactLost's `sizeOf`/`known`). */
const noSize = (): undefined => undefined;

/**
 * How many messages `lost.surplus` bytes held, when exactly one count k (1 ≤ k ≤ most) makes them
 * exactly the sizes of the first k expected messages: `known(i)` when known, else any size in
 * `sizes` (whole messages seen on the connection, repeats allowed). Undefined when no count fits,
 * or more than one does, or the surplus is itself a guess (`lost.guessed`): lostCount's estimate
 * then. Load clients repeat the same requests and
 * servers their answers, byte for byte: a gap of 961 bytes after 851-, 110- and 285-byte answers
 * held two (851 + 110), not the one that lostCount's guess of the largest gives.
 */
function exactLost(lost: LostMessages, most: number, known: (i: number) => number | undefined, sizes: readonly number[]): number | undefined {
  const surplus = lost.surplus;
  if (lost.guessed || surplus <= 0 || surplus > EXACT_MAX_BYTES) return undefined;
  const min = sizes.length ? Math.min(...sizes) : Number.POSITIVE_INFINITY;
  // reach[u]: the totals of exactly u sizes from `sizes` (at most `surplus`).
  const reach: Set<number>[] = [new Set([0])];
  let found: number | undefined;
  let sum = 0;
  let unknown = 0;
  for (let k = 1; k <= most; k++) {
    const z = known(k - 1);
    if (z) sum += z;
    else if (++unknown > EXACT_MAX_UNKNOWN || !sizes.length) break;
    const rest = surplus - sum;
    if (rest < unknown * min) break;
    while (reach.length <= unknown) {
      const next = new Set<number>();
      for (const t of reach[reach.length - 1]) for (const size of sizes) if (t + size <= surplus) next.add(t + size);
      reach.push(next);
    }
    if (reach[unknown].has(rest)) {
      if (found !== undefined) return undefined;
      found = k;
    }
  }
  return found;
}

/** The method of a request line ends with a space or tab before byte 24, as plausibleStart wants it. */
function methodFits(line: string): boolean {
  const sp = line.search(/[ \t]/);
  return sp > 0 && sp < PLAUSIBLE_START_BYTES;
}

class Side {
  q = new Input();
  /** Stream offset of q[0]. */
  qOff = -1;
  marks: Mark[] = [];
  mode: Mode = 'head';
  /** Head scanning state: where to look for the next LF, where the current line starts. */
  scan = 0;
  lineStart = 0;
  /** The start line findHeadEnd checked (scanRequestLine / scanStatusLine, from q[0]), for parseHead. */
  startLine?: number[];
  msg?: Msg;
  ended = false;
  /** Where this direction ended (FIN or RST, or the capture's end) when `end` said so. */
  endAt?: Pos;
  /** In resync: is q[0] at the start of a line? */
  atLineStart = true;
  resyncWarned = false;
  /** Bytes of this direction lost in capture gaps. */
  gapBytes = 0;
  /** The response that ended last had no content by RFC 9112 §6.3 item 1 (a HEAD's, a 204, a 304): what it answered, for the warning when body bytes follow it anyway. */
  bodiless?: string;
  /** Position of the last byte consumed. */
  last?: Pos;
  messages = 0;
  /** Messages read whole (no gap, not cut; 1xx left out) and their bytes: the typical size. */
  wholeCount = 0;
  wholeBytes = 0;
  largestWhole = 0;
  /** The sizes of the last whole messages, each once (at most SIZES_KEPT): what exactLost sums. */
  sizes: number[] = [];
  constructor(readonly dir: Dir) {}
}

/**
 * The body preview in one piece (a single piece needs no copy). A view of input bytes, possibly:
 * to be read before the decoder call returns, not kept.
 */
function previewBytes(msg: Msg): Uint8Array {
  return msg.preview.length === 1 ? msg.preview[0] : concatBytes(msg.preview);
}

/** Previews of at most this many bytes are joined in `joinScratch`. */
const JOIN_SCRATCH_MAX = 1 << 16;
let joinScratch = new Uint8Array(0);

/**
 * previewBytes for decodeHttpBody, which reads the bytes and keeps nothing of them: several pieces
 * (a chunked body) are joined in a buffer reused from one call to the next, not a new one each.
 */
function previewToDecode(msg: Msg): Uint8Array {
  const p = msg.preview;
  if (p.length === 1) return p[0];
  let n = 0;
  for (const piece of p) n += piece.length;
  if (n === 0 || n > JOIN_SCRATCH_MAX) return concatBytes(p);
  if (joinScratch.length < n) joinScratch = new Uint8Array(Math.max(4096, 2 ** Math.ceil(Math.log2(n))));
  let o = 0;
  for (const piece of p) {
    joinScratch.set(piece, o);
    o += piece.length;
  }
  return joinScratch.subarray(0, n);
}

/**
 * eventStreamFormat of a head whose first Content-Type field is `ct`. A function of that value
 * alone: the last answer is kept, as a connection's messages mostly share one.
 */
let lastCt: string | undefined;
let lastFormat: EventStreamFormat | undefined;
function streamFormatOf(ct: string): EventStreamFormat | undefined {
  if (ct !== lastCt) {
    lastFormat = eventStreamFormat([['content-type', ct]]);
    lastCt = ct;
  }
  return lastFormat;
}

const NO_CODINGS: readonly string[] = [];
const CHUNKED: readonly string[] = ['chunked'];

/** listValues(msg.headers, 'transfer-encoding'), from the parsed head's index when it has one. */
function transferCodings(msg: Msg): readonly string[] {
  const f = msg.head;
  if (f && f.te === -1) return NO_CODINGS;
  if (f && f.te >= 0 && msg.headers[f.te][1] === 'chunked') return CHUNKED;
  return listValues(msg.headers, 'transfer-encoding');
}

/** contentLength(msg.headers), from the parsed head's index when it has one. */
function msgContentLength(msg: Msg): number | 'invalid' | undefined {
  const f = msg.head;
  if (f && f.cl === -1) return undefined;
  if (f && f.cl >= 0) {
    // One field with 1–15 digits (contentLength's usual case): its value.
    const v = msg.headers[f.cl][1];
    let n = v.length > 0 && v.length <= 15 ? 0 : -1;
    for (let i = 0; i < v.length && n >= 0; i++) {
      const c = v.charCodeAt(i);
      n = c >= 48 && c <= 57 ? n * 10 + (c - 48) : -1;
    }
    if (n >= 0) return n;
  }
  return contentLength(msg.headers);
}

/** headerValue(msg.headers, name) for the names the parsed head indexes. */
function firstValue(msg: Msg, name: 'upgrade' | 'host'): string | undefined {
  const f = msg.head;
  if (!f) return headerValue(msg.headers, name);
  const i = name === 'upgrade' ? f.upgrade : f.host;
  return i < 0 ? undefined : msg.headers[i][1];
}

/** A capture gap inside a body: one warning per message, with the total (not one per gap). */
function noteBodyGap(msg: Msg, length: number): void {
  const g = msg.bodyGaps;
  if (!g) {
    msg.bodyGaps = { bytes: length, count: 1, warning: msg.warnings.length };
    msg.warnings.push(`body incomplete: ${length} bytes not captured (capture gap)`);
    return;
  }
  g.bytes += length;
  g.count++;
  msg.warnings[g.warning] = `body incomplete: ${g.bytes} bytes not captured (${g.count} capture gaps)`;
}

/**
 * The usual chunk-size line b[from..lf) (lf the index of its line feed): 1 to 13 hex digits and
 * an optional CR, nothing else; its value, or -1 for any other line (the general pattern then).
 */
function plainChunkSize(b: Uint8Array, from: number, lf: number): number {
  const end = lf > from && b[lf - 1] === 13 ? lf - 1 : lf;
  if (end <= from || end - from > 13) return -1;
  let v = 0;
  for (let i = from; i < end; i++) {
    const c = b[i];
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

function addFrame(frames: number[], frame: number): void {
  if (frames.length && frames[frames.length - 1] === frame) return;
  if (frames.includes(frame)) return;
  if (frames.length >= MAX_FRAMES) frames[MAX_FRAMES - 1] = frame;
  else frames.push(frame);
}

export class Http1Decoder implements StreamDecoder {
  private c2s = new Side('c2s');
  private s2c = new Side('s2c');
  private exchanges: Exchange[] = [];
  /** Index in `exchanges` of the exchange the next final response answers. */
  private next?: StreamDecoder;
  /** The authority of the CONNECT whose tunnel this connection became (for warnings). */
  private connectTarget = '';
  private handedOff = false;
  /** What s2c capture gaps swallowed, not yet charged to requests (see answerFor). */
  private lostResponses?: LostMessages;
  /** Size of the last whole response to each method and target (at most RESP_SIZES_MAX targets). */
  private respSizes = new Map<string, Map<string, number>>();
  private respSizeCount = 0;
  /** Start of responses that answered no captured request (the request may sit in a c2s gap reported later). */
  private orphans: Pos[] = [];
  /** A c2s gap before any whole request, not counted yet (see noteLostMessages). */
  private blindGap?: { lost: LostMessages; at: Pos; offset: number; waitingThen: boolean };
  /** Requests reported without a response to keep at most MAX_WAITING waiting: the next responses answer them. */
  private unanswered = 0;
  /** A request head was read while an earlier request still waited for its response. */
  private pipelined = false;
  /** The most requests in flight at once (this one and those waiting before it), once pipelined; one more per response without a request. */
  private depth = 0;
  /** Messages whose preview holds views of input bytes (see Msg.lentFrom). */
  private lent: Msg[] = [];

  constructor(private readonly session: DecoderSession) {}

  // ───────────────────────────── StreamDecoder ─────────────────────────────

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    try {
      if (this.handedOff) {
        // The pipeline routes later bytes to the new decoder itself; should any still reach us,
        // pass them on unchanged.
        this.next?.data(dir, bytes, at);
        return;
      }
      const side = this.side(dir);
      if (side.qOff < 0) side.qOff = at.streamOffset;
      if (bytes.length === 0) return;
      if (side.mode === 'tunnel' || side.mode === 'dead') {
        // Not decoded: keep only the time of the last byte.
        side.qOff += bytes.length;
        side.last = { frame: at.frame, tsUs: at.tsUs, off: side.qOff - 1 };
        return;
      }
      const marks = side.marks;
      if (side.q.length === 0) {
        // Nothing buffered: the marks so far cover only consumed bytes, which are not looked up
        // again (positions are asked from the first unconsumed byte on).
        if (marks.length === 1) {
          const m = marks[0];
          m.off = side.qOff;
          m.frame = at.frame;
          m.tsUs = at.tsUs;
          m.acked = at.acked;
        } else side.marks = [{ off: side.qOff, frame: at.frame, tsUs: at.tsUs, acked: at.acked }];
      } else {
        // Consecutive chunks of one packet share a mark.
        const lastMark = marks[marks.length - 1];
        if (!lastMark || lastMark.frame !== at.frame || lastMark.tsUs !== at.tsUs) marks.push({ off: side.qOff + side.q.length, frame: at.frame, tsUs: at.tsUs, acked: at.acked });
      }
      // Parsed in place: only what this call leaves unconsumed is copied (q.own() below).
      side.q.push(bytes);
      this.parse(side);
    } catch (e) {
      this.fail(dir, e);
    } finally {
      // `bytes` may change once we return: copy what is kept of it.
      if (this.lent.length) this.ownPreviews();
      this.c2s.q.own();
      this.s2c.q.own();
    }
  }

  /** Copy the preview pieces still lent from input bytes (see Msg.lentFrom). */
  private ownPreviews(): void {
    for (const msg of this.lent) {
      if (msg.lentFrom < 0) continue; // (its preview was dropped, and it may be listed again)
      const p = msg.preview;
      for (let i = msg.lentFrom; i < p.length; i++) p[i] = p[i].slice();
      msg.lentFrom = -1;
    }
    this.lent = [];
  }

  gap(dir: Dir, length: number, at: Position): void {
    try {
      if (this.handedOff) {
        this.next?.gap(dir, length, at);
        return;
      }
      const side = this.side(dir);
      if (side.qOff < 0) side.qOff = at.streamOffset;
      if (length <= 0) return;
      side.gapBytes += length;
      this.onGap(side, length, at);
    } catch (e) {
      this.fail(dir, e);
    } finally {
      if (this.lent.length) this.ownPreviews();
    }
  }

  end(dir: Dir, at: Position): void {
    try {
      if (this.handedOff) {
        this.next?.end(dir, at);
        return;
      }
      const side = this.side(dir);
      if (side.ended) return;
      side.ended = true;
      side.endAt = { frame: at.frame, tsUs: at.tsUs, off: at.streamOffset };
      this.onEnd(side);
    } catch (e) {
      this.fail(dir, e);
    } finally {
      if (this.lent.length) this.ownPreviews();
    }
  }

  close(at: Position, how?: CloseReason): void {
    try {
      if (this.handedOff) {
        this.next?.close(at, how);
        return;
      }
      for (const side of [this.c2s, this.s2c]) {
        if (!side.ended) {
          side.ended = true;
          this.onEnd(side);
        }
      }
      for (const side of [this.c2s, this.s2c]) if (side.msg?.endedEarly) this.settleEarlyEnd(side, how);
      // (a copy: finish removes each from the list)
      for (const ex of this.exchanges.slice()) if (!ex.emitted) this.finish(ex, 'incomplete', how);
      this.exchanges = [];
    } catch (e) {
      this.session.warn(`http: internal error at close: ${(e as Error)?.message ?? String(e)}`);
    } finally {
      if (this.lent.length) this.ownPreviews();
    }
  }

  // ───────────────────────────── plumbing ─────────────────────────────

  private side(dir: Dir): Side {
    return dir === 'c2s' ? this.c2s : this.s2c;
  }

  private fail(dir: Dir, e: unknown): void {
    const side = this.side(dir);
    side.mode = 'dead';
    side.q.clear();
    side.marks = [];
    this.session.warn(`http: internal error, ${dir} no longer decoded: ${(e as Error)?.message ?? String(e)}`);
  }

  /** Position of the byte at stream offset `off` (must be buffered or just consumed). */
  private posAt(side: Side, off: number): Pos {
    const marks = side.marks;
    let m = marks[0];
    for (let i = 1; i < marks.length && marks[i].off <= off; i++) m = marks[i];
    return m ? { frame: m.frame, tsUs: m.tsUs, off, acked: m.acked } : { frame: side.last?.frame ?? 0, tsUs: side.last?.tsUs ?? 0, off };
  }

  /** Consume n buffered bytes, crediting their frames and size to `msg`. */
  private consume(side: Side, n: number, msg?: Msg): void {
    if (n <= 0) return;
    const from = side.qOff;
    const to = from + n;
    const marks = side.marks;
    if (marks.length === 1) {
      // One packet's bytes (the usual case): the loops below in short.
      const m = marks[0];
      if (msg) {
        if (m.off < to) addFrame(msg.frames, m.frame);
        msg.wire += n;
      }
      side.last = { frame: m.frame, tsUs: m.tsUs, off: to - 1 };
      if (msg) msg.end = side.last;
      side.q.skip(n);
      side.qOff = to;
      return;
    }
    if (msg) {
      for (let i = 0; i < marks.length; i++) {
        const mStart = marks[i].off;
        const mEnd = i + 1 < marks.length ? marks[i + 1].off : Infinity;
        if (mEnd <= from) continue;
        if (mStart >= to) break;
        addFrame(msg.frames, marks[i].frame);
      }
      msg.wire += n;
    }
    // The mark covering the last consumed byte (posAt): the marks before it cover only consumed bytes.
    let last = 0;
    while (last + 1 < marks.length && marks[last + 1].off <= to - 1) last++;
    const m = marks[last];
    side.last = m ? { frame: m.frame, tsUs: m.tsUs, off: to - 1 } : this.posAt(side, to - 1);
    if (msg) msg.end = side.last;
    side.q.skip(n);
    side.qOff = to;
    if (last) marks.splice(0, last);
  }

  private newMsg(side: Side): Msg {
    const start = this.posAt(side, side.qOff);
    // Every field, the optional ones too: one object shape for all messages.
    return {
      start,
      end: undefined,
      frames: [],
      wire: 0,
      request: undefined,
      status: undefined,
      headers: [],
      head: undefined,
      trailers: undefined,
      bodySize: 0,
      preview: [],
      previewBytes: 0,
      lentFrom: -1,
      holed: false,
      remaining: 0,
      warnings: [],
      cut: false,
      events: undefined,
      eventCodings: undefined,
      endedEarly: undefined,
      aborted: undefined,
      answeredBy: undefined,
      bodyGaps: undefined,
      headProbe: undefined,
      probeGap: undefined,
    };
  }

  /** Consume n body bytes, keeping the first maxBodyBytes as the preview. */
  private consumeBody(side: Side, n: number, msg: Msg): void {
    if (msg.events && !msg.eventCodings && !msg.holed) {
      const base = side.qOff;
      msg.events.push(side.q.peek(n), (i) => this.posAt(side, base + i));
    }
    const room = this.session.env.limits.maxBodyBytes - msg.previewBytes;
    if (room > 0 && !msg.holed) {
      const k = Math.min(room, n);
      // A view: copied at the end of this call if the message is still kept then (ownPreviews).
      if (msg.lentFrom < 0) {
        msg.lentFrom = msg.preview.length;
        this.lent.push(msg);
      }
      msg.preview.push(side.q.peek(k));
      msg.previewBytes += k;
    }
    msg.bodySize += n;
    this.consume(side, n, msg);
  }

  private resetScan(side: Side): void {
    side.scan = 0;
    side.lineStart = 0;
    side.startLine = undefined;
  }

  // ───────────────────────────── parsing ─────────────────────────────

  private parse(side: Side): void {
    const limits = this.session.env.limits;
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (this.handedOff) return;
      const q = side.q;
      switch (side.mode) {
        case 'head': {
          if (!side.msg) {
            // RFC 9112 §2.2: ignore empty lines before a request line (and after a body).
            let skip = 0;
            while (skip < q.length && (q.at(skip) === 13 || q.at(skip) === 10)) skip++;
            if (skip) this.consume(side, skip);
            if (q.length === 0) return;
            if (side.dir === 'c2s' && side.messages === 0) {
              const n = Math.min(q.length, H2_PREFACE.length);
              if (latin1Text(q.peek(n)) === H2_PREFACE.slice(0, n)) {
                if (n < H2_PREFACE.length) return; // could still be the HTTP/2 preface
                this.handoffPriorKnowledge();
                return;
              }
            }
            side.msg = this.newMsg(side);
          }
          if (side.lineStart === 0 && !this.plausibleStart(side)) {
            side.msg = undefined;
            if (side.dir === 's2c' && side.messages === 0 && this.h2Answer(side)) return;
            // RFC 9110 §9.3.2, RFC 9112 §6.3 item 1: a body sent after a response that has none
            // (lua-http 0.4 answers HEAD with the GET's chunked body) is what the bytes are.
            const what = side.dir === 'c2s' ? 'request' : 'response';
            const why = side.bodiless
              ? `a body after ${side.bodiless}, which has none (RFC 9112 §6.3 item 1): skipped`
              : side.messages === 0 && side.gapBytes === 0 && !side.resyncWarned
                ? `bytes before the first ${what} (the rest of a message, when the capture joined the connection inside one)`
                : `bytes that are not an HTTP ${what}`;
            side.bodiless = undefined;
            this.enterResync(side, why, true);
            continue;
          }
          side.bodiless = undefined;
          const end = this.findHeadEnd(side, limits.maxHeaderBytes);
          if (end === 'more') return;
          if (end === 'too-long') {
            this.dirWarn(side, `header section longer than ${limits.maxHeaderBytes} bytes: ${side.dir} no longer decoded`);
            this.abandonMsg(side);
            this.stop(side);
            return;
          }
          if (end === 'bad-start') {
            side.msg = undefined;
            this.enterResync(side, side.dir === 'c2s' ? 'an invalid request line' : 'an invalid status line', true);
            continue;
          }
          this.onHead(side, end);
          continue;
        }
        case 'length': {
          const msg = side.msg!;
          if (msg.headProbe) {
            const r = this.headProbe(side, msg);
            if (r === 'more') return;
            if (r === 'no-body') continue;
          }
          if (msg.remaining > 0) {
            const n = Math.min(msg.remaining, q.length);
            if (n === 0) return;
            this.consumeBody(side, n, msg);
            msg.remaining -= n;
          }
          if (msg.remaining === 0) this.onMessageEnd(side);
          continue;
        }
        case 'close': {
          const msg = side.msg!;
          if (q.length === 0) return;
          this.consumeBody(side, q.length, msg);
          return;
        }
        case 'chunk-size': {
          const msg = side.msg!;
          if (msg.headProbe) {
            const r = this.headProbe(side, msg);
            if (r === 'more') return;
            if (r === 'no-body') continue;
          }
          const lf = q.indexOf(10, 0, MAX_CHUNK_LINE);
          if (lf < 0) {
            if (q.length >= MAX_CHUNK_LINE) {
              msg.warnings.push('chunk-size line too long: chunked body abandoned');
              this.loseSync(side);
            }
            return;
          }
          let size = plainChunkSize(q.buf, q.s, q.s + lf);
          if (size < 0) {
            const line = latin1Text(q.peek(lf)).replace(/\r$/, '');
            const m = /^[ \t]*([0-9A-Fa-f]{1,13})[ \t]*(;.*)?$/.exec(line);
            if (!m) {
              msg.warnings.push(`invalid chunk size ${JSON.stringify(line.slice(0, 40))}: chunked body abandoned`);
              this.loseSync(side);
              continue;
            }
            size = parseInt(m[1], 16);
          }
          this.consume(side, lf + 1, msg);
          if (size === 0) {
            side.mode = 'trailers';
            this.resetScan(side);
          } else {
            msg.remaining = size;
            side.mode = 'chunk-data';
          }
          continue;
        }
        case 'chunk-data': {
          const msg = side.msg!;
          const n = Math.min(msg.remaining, q.length);
          if (n === 0) return;
          this.consumeBody(side, n, msg);
          msg.remaining -= n;
          if (msg.remaining === 0) side.mode = 'chunk-crlf';
          continue;
        }
        case 'chunk-crlf': {
          const msg = side.msg!;
          if (q.length === 0) return;
          const b0 = q.at(0);
          if (b0 === 10) this.consume(side, 1, msg);
          else if (b0 === 13) {
            if (q.length < 2) return;
            if (q.at(1) === 10) this.consume(side, 2, msg);
            else {
              msg.warnings.push('chunk data not followed by CRLF');
              this.consume(side, 1, msg);
            }
          } else msg.warnings.push('chunk data not followed by CRLF');
          side.mode = 'chunk-size';
          continue;
        }
        case 'trailers': {
          const msg = side.msg!;
          const end = this.findFieldsEnd(side, limits.maxHeaderBytes);
          if (end === 'more') return;
          if (end === 'too-long') {
            msg.warnings.push(`trailer section longer than ${limits.maxHeaderBytes} bytes`);
            this.loseSync(side);
            return;
          }
          const text = latin1Text(q.peek(end));
          this.consume(side, end, msg);
          const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
          const parsed = parseFieldLines(lines, limits.maxHeaders);
          msg.warnings.push(...parsed.warnings);
          if (parsed.headers.length) msg.trailers = parsed.headers;
          this.onMessageEnd(side);
          continue;
        }
        case 'connect': {
          if (q.length > limits.maxBufferedBytes) this.tunnel(`CONNECT ${this.connectTarget} tunnel: more than ${limits.maxBufferedBytes} bytes before its protocol was known: not decoded`);
          else this.decideTunnel(false);
          return;
        }
        case 'await': {
          if (q.length > limits.maxBufferedBytes) {
            this.dirWarn(side, `more than ${limits.maxBufferedBytes} bytes sent before the protocol switch was answered: dropped`);
            this.consume(side, q.length);
          }
          return;
        }
        case 'resync': {
          if (!this.resync(side)) return;
          continue;
        }
        case 'tunnel':
        case 'dead': {
          if (q.length) this.consume(side, q.length);
          side.marks = side.marks.slice(-1);
          return;
        }
        case 'forward':
          return;
      }
    }
  }

  /**
   * A server that speaks only prior-knowledge h2c answers an HTTP/1.1 request with HTTP/2 frames
   * (RFC 9113 §3.3: its connection preface is a SETTINGS frame on stream 0, then usually a
   * GOAWAY PROTOCOL_ERROR). Say so on the waiting call and read nothing more of this direction.
   */
  private h2Answer(side: Side): boolean {
    const q = side.q;
    if (q.length < 9) return false;
    const h = q.peek(9);
    const len = (h[0] << 16) | (h[1] << 8) | h[2];
    if (h[3] !== 4 || h[4] > 1 || len % 6 !== 0 || len > 16384 || h[5] | h[6] | h[7] | h[8]) return false;
    const ex = this.exchanges.find((e) => !e.respDone && !e.emitted);
    const why = 'the server answered in HTTP/2 (a SETTINGS frame where the status line belongs): it accepts only prior-knowledge h2c (RFC 9113 §3.3), not HTTP/1.1';
    if (ex) ex.warnings.push(why);
    else this.session.warn(`s2c: ${why}`);
    this.stop(side);
    return true;
  }

  /** Could the buffered bytes start an HTTP message? (cheap check before buffering a head) */
  private plausibleStart(side: Side): boolean {
    const q = side.q;
    const n = Math.min(q.length, PLAUSIBLE_START_BYTES);
    const b = q.buf;
    const s = q.s;
    if (side.dir === 's2c') {
      // starts with "HTTP/" (or with a prefix of it, when fewer bytes are here)
      for (let i = 0; i < n && i < 5; i++) if (b[s + i] !== HTTP_SLASH[i]) return false;
      return true;
    }
    // a token (the method) up to the first space or tab
    let sp = -1;
    for (let i = 0; i < n; i++) {
      const c = b[s + i];
      if (c === 32 || c === 9) {
        sp = i;
        break;
      }
      if (!isTcharByte(c)) return false;
    }
    return sp !== 0 && !(sp < 0 && n >= PLAUSIBLE_START_BYTES);
  }

  /**
   * Find the end of a header section (the empty line). Returns the byte count up to and
   * including it, 'more', 'too-long', or 'bad-start' once the start line is known to be wrong.
   */
  private findHeadEnd(side: Side, maxBytes: number): number | 'more' | 'too-long' | 'bad-start' {
    const q = side.q;
    const b = q.buf;
    const s = q.s;
    const len = q.length;
    // A line feed counts up to index maxBytes (a head of at most maxBytes + 1 bytes).
    const lim = s + Math.min(len, maxBytes + 1);
    let i = s + side.scan;
    if (side.lineStart === 0) {
      while (i < lim && b[i] !== 10) i++;
      if (i === lim) {
        side.scan = len;
        return len > maxBytes ? 'too-long' : 'more';
      }
      // (a request line with any HTTP/d.d version; resync is stricter: 1.0 and 1.1 only)
      const end = lineContentEnd(b, i, s);
      const start = side.dir === 'c2s' ? scanRequestLine(b, end, s) : scanStatusLine(b, end, s);
      if (!start) return 'bad-start';
      // Kept for parseHead, from q[0] (the bytes do not move until the head is read).
      for (let k = 0; k < start.length; k++) start[k] -= s;
      side.startLine = start;
      side.lineStart = i + 1 - s;
      i++;
    }
    // The empty line: a line feed right after the previous line's, or after a CR right after it.
    // (Past the start line, whose line feed is the first one: b[i - 1], b[i - 2] are in the head.)
    for (; i < lim; i++) {
      if (b[i] !== 10) continue;
      const p = b[i - 1];
      if (p === 10 || (p === 13 && b[i - 2] === 10)) return i + 1 - s;
    }
    side.scan = len;
    return len > maxBytes ? 'too-long' : 'more';
  }

  /** Like findHeadEnd for a trailer section (no start line: may be empty at once). */
  private findFieldsEnd(side: Side, maxBytes: number): number | 'more' | 'too-long' {
    const q = side.q;
    while (true) {
      const lf = q.indexOf(10, side.scan, maxBytes + 1);
      if (lf < 0) {
        side.scan = q.length;
        return q.length > maxBytes ? 'too-long' : 'more';
      }
      const lineLen = lf - side.lineStart;
      if (lineLen === 0 || (lineLen === 1 && q.at(side.lineStart) === 13)) return lf + 1;
      side.lineStart = lf + 1;
      side.scan = lf + 1;
    }
  }

  private onHead(side: Side, headBytes: number): void {
    const limits = this.session.env.limits;
    const msg = side.msg!;
    const bytes = side.q.peek(headBytes);
    const parsed = parseHead(bytes, latin1Text(bytes), side.dir === 'c2s', limits.maxHeaders, msg.warnings, side.startLine);
    this.consume(side, headBytes, msg);
    this.resetScan(side);
    msg.headers = parsed.headers;
    msg.head = parsed;
    side.messages++;
    const format = parsed.ct < 0 ? undefined : streamFormatOf(parsed.headers[parsed.ct][1]);
    if (format) {
      msg.events = new EventStreamReader(format, side.dir, limits);
      const codings = streamCodings(msg.headers);
      if (codings.length) msg.eventCodings = codings;
    }
    if (side.dir === 'c2s') {
      msg.request = parsed.request;
      if (!msg.request) {
        // findHeadEnd checked the line; keep going defensively.
        side.msg = undefined;
        this.enterResync(side, 'an invalid request line', true);
        return;
      }
      this.onRequestHead(side, msg);
    } else {
      msg.status = parsed.status;
      if (!msg.status) {
        side.msg = undefined;
        this.enterResync(side, 'an invalid status line', true);
        return;
      }
      this.onResponseHead(side, msg);
    }
    if (parsed.tooMany) {
      this.dirWarn(side, `more than ${limits.maxHeaders} header fields: ${side.dir} no longer decoded`);
      if (side.msg) {
        side.msg.cut = true;
        this.onMessageEnd(side);
      }
      this.stop(side);
    }
  }

  private onRequestHead(side: Side, msg: Msg): void {
    const req = msg.request!;
    const call = this.session.newCall('http', { frame: msg.start.frame, tsUs: msg.start.tsUs, streamOffset: msg.start.off });
    call.method = req.method;
    const ex = newExchange(call, msg, req.method === 'CONNECT', []);
    let waiting = 0;
    for (const e of this.exchanges) if (!e.respDone && !e.emitted && !e.respLost) waiting++;
    if (waiting) {
      this.pipelined = true;
      if (waiting >= this.depth) this.depth = waiting + 1;
    }
    const upgrade = firstValue(msg, 'upgrade');
    if (upgrade !== undefined) ex.upgrade = upgrade;
    if (waiting >= MAX_WAITING) this.giveUpOldest();
    this.exchanges.push(ex);
    // RFC 9112 §6.3 items 4–6 for requests: chunked, else Content-Length, else no body.
    const te = transferCodings(msg);
    const cl = msgContentLength(msg);
    if (te.length) {
      if (cl !== undefined) msg.warnings.push('both Transfer-Encoding and Content-Length: Transfer-Encoding wins');
      if (te[te.length - 1] === 'chunked') {
        side.mode = 'chunk-size';
        return;
      }
      msg.warnings.push(`request transfer coding "${te.join(', ')}" does not end in chunked: body length unknown, read to the end of the connection`);
      side.mode = 'close';
      return;
    }
    if (cl === 'invalid') {
      msg.warnings.push('invalid Content-Length: request framing lost');
      this.onMessageEnd(side);
      this.enterResync(side, 'an invalid Content-Length', false);
      return;
    }
    if (cl) {
      msg.remaining = cl;
      side.mode = 'length';
      return;
    }
    this.onMessageEnd(side);
  }

  /**
   * More than MAX_WAITING requests wait: the oldest with nothing of its answer is reported without
   * one; the next final response is its answer (responses come in request order, RFC 9112 §9.3).
   */
  private giveUpOldest(): void {
    const old = this.exchanges.find((e) => e.req && !e.resp && !e.respDone && !e.emitted && !e.respLost);
    if (!old) return;
    old.warnings.push(`no response seen while ${MAX_WAITING} later requests waited for theirs (a capture of the client's side only?): reported without one`);
    this.unanswered++;
    this.finish(old, 'incomplete');
  }

  private onResponseHead(side: Side, msg: Msg): void {
    const st = msg.status!;
    let ex: Exchange | undefined;
    if (this.unanswered > 0) {
      // The answer to a request reported without one (see giveUpOldest).
      if (st.status >= 100 && st.status < 200 && st.status !== 101) {
        side.msg = undefined;
        side.mode = 'head';
        return;
      }
      this.unanswered--;
      const call = this.session.newCall('http', { frame: msg.start.frame, tsUs: msg.start.tsUs, streamOffset: msg.start.off });
      ex = newExchange(call, undefined, false, [`the answer to a request reported earlier without one (more than ${MAX_WAITING} requests were waiting)`]);
      this.exchanges.push(ex);
    } else ex = this.answerFor(msg);
    if (!ex) {
      if (st.status >= 100 && st.status < 200 && st.status !== 101) {
        this.session.warn(`interim response ${st.status} without a request`);
        side.msg = undefined;
        side.mode = 'head';
        return;
      }
      const call = this.session.newCall('http', { frame: msg.start.frame, tsUs: msg.start.tsUs, streamOffset: msg.start.off });
      ex = newExchange(call, undefined, false, [this.unasked(st.status, msg.headers) ?? 'response without a request (the request was not captured)']);
      this.exchanges.push(ex);
      this.addOrphans(msg.start, 1);
    }
    ex.resp = msg;
    ex.respStart ??= msg.start;
    // SockJS's xhr_streaming and htmlfile answers are a frame per line, read as they come (websocket/sockjs-http.ts).
    if (!msg.events && isSockJsLineStream(ex.req?.request?.uri)) {
      msg.events = new EventStreamReader('ndjson', 's2c', this.session.env.limits);
      // (a content coding, as for any stream: its lines are read once it is undone, at the end)
      const codings = streamCodings(msg.headers);
      if (codings.length) msg.eventCodings = codings;
    }
    const status = st.status;
    // `end` came for c2s before this response began: the client closed its side (FIN) first, as a
    // browser does when it cancels a request. Only a half-closing client still reads the answer.
    if (this.c2s.endAt && capturedBefore(this.c2s.endAt, msg.start) && (status >= 200 || status === 101) && ex.req) {
      msg.warnings.push(`the client closed the connection (TCP FIN) ${fmtDelay(msg.start.tsUs - this.c2s.endAt.tsUs)} before this response began: a cancelled request, whose answer the client did not read (unless it only half-closed)`);
    }
    const method = ex.req?.request?.method;
    // The lost request may have been a HEAD, whose response has no body whatever it announces.
    if (!ex.req && status >= 200) msg.headProbe = true;
    if (status >= 100 && status < 200 && status !== 101) {
      side.mode = 'head';
      this.onMessageEnd(side);
      return;
    }
    // RFC 9112 §6.3 items 1–2: no body after HEAD, 1xx, 204, 304; CONNECT 2xx is a tunnel.
    if (method === 'HEAD' || status === 101 || status === 204 || status === 304 || (ex.connect && status >= 200 && status < 300)) {
      if (status !== 101 && !ex.connect) side.bodiless = method === 'HEAD' ? `the response to HEAD ${ex.req?.request?.uri}` : `a ${status} response`;
      this.onMessageEnd(side);
      return;
    }
    const te = transferCodings(msg);
    const cl = msgContentLength(msg);
    if (te.length) {
      if (cl !== undefined) msg.warnings.push('both Transfer-Encoding and Content-Length: Transfer-Encoding wins');
      if (te[te.length - 1] === 'chunked') side.mode = 'chunk-size';
      else side.mode = 'close';
      return;
    }
    if (cl === 'invalid') {
      msg.warnings.push('invalid Content-Length: body read to the end of the connection');
      side.mode = 'close';
      return;
    }
    if (cl !== undefined) {
      msg.remaining = cl;
      side.mode = 'length';
      if (cl === 0) this.onMessageEnd(side);
      return;
    }
    side.mode = 'close';
  }

  /**
   * The exchange a final or interim response answers (RFC 9112 §9.3: the oldest request without a
   * response), with two checks that keep a capture gap from shifting every later pairing:
   * - a response cannot answer a request whose first byte was captured after its own first byte
   *   (later frame, and not an earlier timestamp: packets with the same timestamp stay in capture
   *   order); it then answers a request that was not captured;
   * - responses lost in an s2c gap (lostResponses) belong to the oldest waiting requests, leaving
   *   this response at least the newest request sent before it — unless its acknowledgement number
   *   shows client bytes not seen yet that hold a request (unseenRequest): it may answer one of
   *   those, every waiting request having lost its answer. How many: the count for which the lost
   *   bytes are exactly the expected sizes, when only one is (exactLost), else see lostCount (the
   *   expected size of a response is that of the last whole response to the same method and
   *   target, else the largest whole response: response sizes vary too much for an average).
   */
  private answerFor(msg: Msg): Exchange | undefined {
    this.resolveBlindGap();
    const lost = this.lostResponses;
    this.lostResponses = undefined;
    if (!lost) {
      // Nothing lost (the usual case): the first of `waiting` below, without building the list.
      for (const e of this.exchanges) {
        if (e.respDone || e.emitted) continue;
        const start = e.req ? e.req.start : e.lost?.at;
        return start && capturedBefore(msg.start, start) ? undefined : e;
      }
      return undefined;
    }
    const waiting: Exchange[] = [];
    for (const e of this.exchanges) {
      if (e.respDone || e.emitted) continue;
      const start = e.req ? e.req.start : e.lost?.at;
      if (start && capturedBefore(msg.start, start)) break;
      waiting.push(e);
    }
    const sizeOf = (i: number): number | undefined => {
      const r = waiting[i]?.req?.request;
      return r && this.respSizes.get(r.method)?.get(r.uri);
    };
    const s2c = this.s2c;
    if (!waiting.length) {
      // Responses lost with no request waiting answered requests that were not captured either (a
      // c2s gap reported later): like responses without a request, they stand for requests of that
      // gap (noteLostMessages), else the gap's stand-ins take the answers of the requests after it.
      const exact = exactLost(lost, MAX_ORPHANS, noSize, s2c.sizes);
      this.addOrphans(msg.start, exact ?? lostCount(lost.surplus, s2c.largestWhole, s2c.largestWhole, MAX_ORPHANS, noSize));
      return undefined;
    }
    let k = 0;
    // Only exchanges with nothing of their final response yet can have lost it (an interim 100
    // Continue is not part of it: the final response after it can be lost too).
    let most = 0;
    while (most < waiting.length && !waiting[most].resp) most++;
    // The server had received client bytes not seen yet when it sent this response (its
    // acknowledgement number, RFC 9293 §3.4), enough for a request: this response may answer a
    // request they hold, every waiting one having lost its answer in the gap — and the lost bytes
    // may hold answers to more of them.
    if (most === waiting.length && this.unseenRequest(msg.start.acked) && !(most === 1 && headerValue(waiting[0].req?.headers, 'expect') !== undefined)) {
      const exact = exactLost(lost, most + MAX_ORPHANS, sizeOf, s2c.sizes);
      k = exact ?? lostCount(lost.surplus, s2c.largestWhole, s2c.largestWhole, most + MAX_ORPHANS, sizeOf);
      // Without an exact fit and with a waiting request whose answer's size was never seen, the
      // count is a guess: every waiting request is taken to have lost its answer, this response to
      // answer an unseen request. Guessed the other way, this response and every later one would
      // pair with the request before theirs, and nothing would show it; guessed this way, a
      // response answering a request captured after it is never paired with it (above).
      if (exact === undefined && k < most && waiting.some((e, i) => e.req && !sizeOf(i))) k = most;
      if (k >= most) {
        this.chargeLost(waiting, most, lost);
        this.addOrphans(msg.start, k - most);
        return undefined;
      }
    }
    // One request waiting, with nothing of its answer yet, and a whole message lost before this
    // response: that message was its answer (responses come in request order, RFC 9112 §9.3), and
    // this one answers a request a c2s gap not reported yet holds (ab -k and wrk losing a request
    // and a response close together) — unless the lost message may have been an interim 100
    // Continue (the request expects one) or the lost bytes are too few for this request's answer.
    else if (waiting.length === 1) {
      const lone = lost.bytes === lost.surplus && !waiting[0].resp && !waiting[0].interim.length && waiting[0].req?.request;
      if (lone && !headerValue(waiting[0].req!.headers, 'expect') && lost.surplus >= (this.respSizes.get(lone.method)?.get(lone.uri) ?? Number.POSITIVE_INFINITY) / 2) {
        this.chargeLost(waiting, 1, lost);
        return undefined;
      }
    } else {
      // This response answers one of the waiting requests: the lost ones answered those before it.
      most = Math.min(most, waiting.length - 1);
      k = exactLost(lost, most, sizeOf, s2c.sizes) ?? lostCount(lost.surplus, s2c.largestWhole, s2c.largestWhole, most, sizeOf);
    }
    this.chargeLost(waiting, k, lost);
    return waiting[k];
  }

  /** The first `k` of `waiting` lost their responses in an s2c gap. */
  private chargeLost(waiting: Exchange[], k: number, lost: LostMessages): void {
    for (let i = 0; i < k; i++) {
      const e = waiting[i];
      e.respLost = true;
      e.warnings.push(`the response was not captured (lost in a ${lost.bytes}-byte capture gap)`);
      this.finish(e, 'incomplete');
    }
  }

  /**
   * The client bytes before `acked` (a response's acknowledgement number) that were not seen yet
   * hold at least one whole request: the decoder is between requests (or in a Content-Length
   * body) and they reach at least MIN_LOST_MESSAGE bytes past that. Not seen yet: lost in a gap
   * the stream reports later, or captured later.
   */
  private unseenRequest(acked: number | undefined): boolean {
    const c = this.c2s;
    if (acked === undefined || c.qOff < 0) return false;
    let surplus = acked - (c.qOff + c.q.length);
    if (surplus < MIN_LOST_MESSAGE) return false;
    if (c.mode === 'length' && c.msg) surplus -= c.msg.remaining - c.q.length;
    else if (!(c.mode === 'head' && !c.msg && c.q.length === 0)) return false;
    return surplus >= MIN_LOST_MESSAGE;
  }

  /**
   * A response no request is missing for: the client's side has no capture gap, every byte of it was
   * read as requests (none cut, none waiting), and each was answered before. The server sent it unasked
   * (Mono's HttpListener answers every idle keep-alive connection `200 OK`, `Connection: close`, when
   * it stops). RFC 9110 §15.5.9 allows one response so: a 408 on an idle connection it closes.
   */
  private unasked(status: number, headers: HeaderList): string | undefined {
    // Only a response that closes the connection: a lost request is not yet a gap when its answer
    // arrives (the gap shows once the client's next segment does), and a keep-alive connection
    // that lost one under load would be said to have sent none.
    if (status !== 408 && !/(^|,)\s*close\s*(,|$)/i.test(header(headers, 'connection') ?? '')) return undefined;
    const c = this.c2s;
    if (c.messages === 0 || c.gapBytes > 0 || c.resyncWarned || c.msg || c.q.length > 0 || c.mode !== 'head') return undefined;
    if (this.exchanges.some((e) => e.req && !e.resp)) return undefined;
    return status === 408
      ? 'a 408 on an idle connection: the server closing it, not answering a request (RFC 9110 §15.5.9)'
      : 'response without a request: the client sent none (its side was captured without a gap, every request answered before this one)';
  }

  /**
   * `k` responses at `at` answered no request seen: they stand for requests a c2s gap holds
   * (noteLostMessages). On a pipelining connection each also shows one more request in flight than
   * were seen (a snaplen shows two of each eight h2load writes): lost runs may be that much longer.
   */
  private addOrphans(at: Pos, k: number): void {
    for (let i = 0; i < k; i++) this.orphans.push(at);
    if (this.orphans.length > MAX_ORPHANS) this.orphans.splice(0, this.orphans.length - MAX_ORPHANS);
    if (this.depth > 1) this.depth = Math.min(MAX_LOST_MESSAGES, this.depth + k);
  }

  /**
   * The bytes a capture gap of `length` held beyond the message it cut: all of it when it starts
   * between messages, what lies past the rest of a Content-Length body. Either way the gap holds
   * the start of at least one more message. Undefined when the gap cannot be told apart from the
   * rest of the current message (a header section, which can be any length; a chunked or
   * close-delimited body), or holds too few bytes for a message.
   */
  private gapSurplus(side: Side, length: number): LostMessages | undefined {
    const msg = side.msg;
    let surplus: number;
    if (side.mode === 'head' && !msg && side.q.length === 0) surplus = length;
    else if (msg && side.mode === 'length') surplus = length - (msg.remaining - side.q.length);
    else if (side.mode === 'head' && side.dir === 'c2s' && this.depth > 1 && side.wholeCount) {
      // A request head cut by the gap, on a connection that pipelines (a snaplen cuts every
      // segment of h2load --h1 -m 8 after its first two requests): it is taken to be as long as
      // the average request, the rest of the gap holds the requests written after it.
      surplus = length - Math.max(0, side.wholeBytes / side.wholeCount - side.q.length);
      if (surplus < MIN_LOST_MESSAGE) return undefined;
      return { surplus, bytes: length, guessed: true };
    } else return undefined;
    if (surplus < MIN_LOST_MESSAGE) return undefined;
    return { surplus, bytes: length };
  }

  /** Account for the messages a gap of `length` bytes swallowed (after the message it cut is settled). */
  private noteLostMessages(side: Side, lost: LostMessages): void {
    if (side.dir === 's2c') {
      const prev = this.lostResponses;
      this.lostResponses = prev ? { surplus: prev.surplus + lost.surplus, bytes: prev.bytes + lost.bytes, guessed: prev.guessed || lost.guessed } : lost;
      return;
    }
    this.resolveBlindGap();
    const at = side.last ?? { frame: 0, tsUs: 0, off: side.qOff };
    const waitingThen = this.exchanges.some((e) => !e.respDone && !e.emitted);
    if (!side.wholeCount) {
      // No whole request seen yet: nothing tells how long this client's requests are. Counted once
      // the requests after the gap show it, before a response is paired (resolveBlindGap).
      this.blindGap = { lost, at, offset: side.qOff, waitingThen };
      return;
    }
    this.standIns(lost, at, side.qOff, waitingThen, false);
  }

  /** Count the requests of the c2s gap that came before any whole request (blindGap), now that some were read. */
  private resolveBlindGap(): void {
    const g = this.blindGap;
    if (!g) return;
    this.blindGap = undefined;
    this.standIns(g.lost, g.at, g.offset, g.waitingThen, true);
  }

  /**
   * The requests a c2s gap at stream offset `offset` swallowed: stand-ins (Exchange.lost) placed
   * before the requests captured after the gap, less the responses without a request that already
   * stand for some. `blind`: counted after the fact (resolveBlindGap).
   */
  private standIns(lost: LostMessages, at: Pos, offset: number, waitingThen: boolean, blind: boolean): void {
    const side = this.c2s;
    const avg = side.wholeCount ? side.wholeBytes / side.wholeCount : 0;
    // A client that pipelines writes runs of requests, as many as it keeps in flight (h2load
    // --h1 -m 8, wrk with a pipelining script): a gap of eight average requests held eight, not
    // one larger one; at most the most requests it has had in flight (RFC 9112 §9.3.2) — unless the
    // gap came before any: an exact fit of the sizes of the requests seen (exactLost) then says.
    const most = this.depth > 1 ? Math.min(MAX_LOST_MESSAGES, this.depth) : MAX_LOST_MESSAGES;
    const exact = exactLost(lost, blind ? MAX_LOST_MESSAGES : most, noSize, side.sizes);
    let n =
      exact ??
      (this.depth > 1
        ? lostCount(lost.surplus, Number.POSITIVE_INFINITY, avg, most, noSize)
        : lostCount(lost.surplus, side.largestWhole, avg, MAX_LOST_MESSAGES, noSize));
    // A response that answered no request, captured after the last request byte before this gap,
    // answered a request in it: it already stands for that one (the pipeline reports a c2s gap only
    // once a later segment or an acknowledgement shows it, often after that response).
    this.orphans = this.orphans.filter((o) => !capturedBefore(o, at));
    // A client that has not pipelined on this connection, with every request answered when the
    // gap came, sent one request and waited for its answer (RFC 9112 §9.3): the gap holds at most
    // one, however large (a POST twice the size of the GETs before it). More lost ones, if any,
    // show up as responses without a request. (Counted blind, after the requests that followed:
    // two answers to requests of the gap show it pipelined.)
    if (!this.pipelined && !waitingThen && !(blind && this.orphans.length > 1)) n = Math.min(n, 1);
    while (n > 0 && this.orphans.length) {
      this.orphans.shift();
      n--;
    }
    if (n <= 0) return;
    // Before the first request captured after the gap (counted blind, some may have been read).
    let i = this.exchanges.length;
    if (blind) {
      const after = this.exchanges.findIndex((e) => e.req !== undefined && e.req.start.off > offset);
      if (after >= 0) i = after;
    }
    const made: Exchange[] = [];
    for (let k = 0; k < n; k++) {
      const call = this.session.newCall('http', { frame: at.frame, tsUs: at.tsUs, streamOffset: offset });
      made.push(newExchange(call, undefined, false, [`the request was not captured (lost in a ${lost.bytes}-byte capture gap)`], { bytes: lost.bytes, at }));
    }
    this.exchanges.splice(i, 0, ...made);
  }

  /** The current message of this side is complete (or given up). */
  private onMessageEnd(side: Side): void {
    const msg = side.msg;
    side.msg = undefined;
    if (side.mode !== 'resync' && side.mode !== 'dead' && side.mode !== 'tunnel') side.mode = 'head';
    this.resetScan(side);
    if (!msg) return;
    if (!msg.cut && !msg.holed && !(msg.status && msg.status.status < 200)) {
      side.wholeCount++;
      side.wholeBytes += msg.wire;
      if (msg.wire > side.largestWhole) side.largestWhole = msg.wire;
      const sizes = side.sizes;
      if (!sizes.includes(msg.wire)) {
        if (sizes.length >= SIZES_KEPT) sizes.shift();
        sizes.push(msg.wire);
      }
    }
    if (side.dir === 'c2s') {
      const ex = this.exchanges.find((e) => e.req === msg);
      if (!ex) return;
      ex.reqDone = true;
      if ((ex.upgrade !== undefined || ex.connect) && !ex.respDone && side.mode === 'head') side.mode = 'await';
      if (ex.respDone) this.finish(ex, msg.aborted || ex.resp?.aborted ? 'aborted' : msg.cut ? 'incomplete' : 'complete');
      return;
    }
    const ex = this.exchanges.find((e) => e.resp === msg);
    if (!ex) return;
    if (!msg.cut && !msg.holed) this.noteResponseSize(ex.req?.request, msg.wire);
    const status = msg.status!.status;
    const interim = status >= 100 && status < 200 && status !== 101;
    // The frames of all the responses (interim ones, then the final one). A final response after
    // none leaves the list empty: finish then takes its own frames, the same list.
    if (interim || ex.respFrames.length) for (const f of msg.frames) addFrame(ex.respFrames, f);
    ex.respWire += msg.wire;
    if (interim) {
      ex.interim.push({ status, reason: msg.status!.reason, tsUs: msg.start.tsUs });
      ex.resp = undefined;
      ex.warnings.push(...msg.warnings);
      return;
    }
    ex.respDone = true;
    if (status === 101) {
      this.onSwitch(ex);
      return;
    }
    if (ex.connect && status >= 200 && status < 300) {
      this.finish(ex, 'complete');
      // RFC 9110 §9.3.6: from here both directions are the tunnel. What runs inside is known from
      // the client's first bytes (an HTTPS proxy's usual load is TLS; gRPC clients behind a proxy
      // send h2c prior knowledge; `curl --proxytunnel` plain HTTP/1.1).
      this.connectTarget = ex.req?.request?.uri ?? '';
      for (const side of [this.c2s, this.s2c]) {
        if (side.dir === 's2c') side.msg = undefined;
        side.mode = 'connect';
      }
      this.decideTunnel(false);
      return;
    }
    if (ex.reqDone || msg.cut) {
      if (ex.reqDone) this.finish(ex, msg.aborted || ex.req?.aborted ? 'aborted' : msg.cut || ex.req?.cut ? 'incomplete' : 'complete');
    }
    // The request asked to switch but the server said no: the client's held bytes are HTTP again.
    if (this.c2s.mode === 'await' && !this.exchanges.some((e) => !e.respDone && (e.upgrade !== undefined || e.connect) && e.reqDone)) {
      this.c2s.mode = 'head';
      this.parse(this.c2s);
    }
  }

  /** Remember the size of a whole response to this request's method and target (see respSizes). */
  private noteResponseSize(r: RequestLine | undefined, wire: number): void {
    if (!r) return;
    // (two levels, not one `${method} ${uri}` key: a key string built and hashed per response
    // was 4% of the HTTP bench's CPU)
    let byTarget = this.respSizes.get(r.method);
    if (!byTarget) {
      if (this.respSizeCount >= RESP_SIZES_MAX) return;
      byTarget = new Map();
      this.respSizes.set(r.method, byTarget);
    }
    if (byTarget.has(r.uri)) byTarget.set(r.uri, wire);
    else if (this.respSizeCount < RESP_SIZES_MAX) {
      this.respSizeCount++;
      byTarget.set(r.uri, wire);
    }
  }

  // ───────────────────────────── switching protocols ─────────────────────────────

  private onSwitch(ex: Exchange): void {
    const resp = ex.resp!;
    let token = (header(resp.headers, 'upgrade') ?? ex.upgrade ?? '').split(',')[0].trim().toLowerCase().split('/')[0];
    if (!token && ex.req?.request?.method === 'GET' && (resp.cut || ex.req.cut)) {
      // The capture cut the headers that name the protocol (small snaplen): a GET that switched
      // protocols is a WebSocket handshake in practice (h2c upgrades are rare and carry a body).
      token = 'websocket';
      ex.warnings.push('101 Switching Protocols whose Upgrade header was not captured: decoded as WebSocket');
    }
    ex.reqDone = true;
    const reqBody = ex.req && ex.req.previewBytes ? concatBytes(ex.req.preview) : undefined;
    this.finish(ex, 'complete');
    const decoderId = token === 'websocket' ? 'websocket' : token === 'h2c' ? 'http2' : undefined;
    if (!decoderId) {
      this.tunnel(`switched to "${token || '?'}" (101): bytes not decoded`);
      return;
    }
    const req = ex.req;
    const init: HttpUpgradeInit = {
      kind: 'http-upgrade',
      protocol: token,
      request: {
        method: req?.request?.method ?? '',
        uri: req?.request?.uri ?? '',
        headers: req?.headers ?? [],
        startUs: req?.start.tsUs ?? resp.start.tsUs,
        endUs: req?.end?.tsUs ?? req?.start.tsUs ?? resp.start.tsUs,
        frame: req?.start.frame ?? resp.start.frame,
        ...(reqBody ? { body: reqBody } : {}),
      },
      response: {
        status: 101,
        reason: resp.status!.reason,
        headers: resp.headers,
        startUs: resp.start.tsUs,
        endUs: resp.end?.tsUs ?? resp.start.tsUs,
        frame: resp.start.frame,
      },
      upgradeCallId: ex.call.id,
    };
    let next: StreamDecoder | undefined;
    try {
      next = this.session.handoff(decoderId, init);
    } catch (e) {
      this.session.warn(`http: hand-off to ${decoderId} failed: ${(e as Error)?.message ?? String(e)}`);
    }
    if (!next) {
      this.tunnel(`switched to ${token} (101) but no ${decoderId} decoder: bytes not decoded`);
      return;
    }
    this.forwardTo(next);
  }

  /** `PRI * HTTP/2.0` on a port we were chosen for: this is HTTP/2 with prior knowledge. */
  private handoffPriorKnowledge(): void {
    let next: StreamDecoder | undefined;
    try {
      next = this.session.handoff('http2');
    } catch (e) {
      this.session.warn(`http: hand-off to http2 failed: ${(e as Error)?.message ?? String(e)}`);
    }
    if (!next) {
      this.tunnel('HTTP/2 connection preface but no http2 decoder: bytes not decoded');
      return;
    }
    this.forwardTo(next);
  }

  /**
   * Hand the connection over. Contract with the pipeline: once `session.handoff` has returned,
   * the pipeline delivers every later data/gap/end/close of this flow straight to `next`. What
   * it delivered to us before — the bytes after the 101's header section, and the client's
   * bytes held since its Upgrade request — is still in our queues: we pass it on here, in
   * capture order (frame number), each piece with the position of the chunk that carried it,
   * followed by `end` for a direction that already ended. From then on we consume nothing;
   * anything that still reaches us is forwarded unchanged.
   */
  private forwardTo(next: StreamDecoder): void {
    this.next = next;
    this.handedOff = true;
    const pieces: Array<{ dir: Dir; bytes: Uint8Array; at: Position }> = [];
    for (const side of [this.c2s, this.s2c]) {
      const q = side.q;
      const total = q.length;
      let off = side.qOff;
      const endOff = side.qOff + total;
      const all = total ? q.take(total) : new Uint8Array(0);
      while (off < endOff) {
        const p = this.posAt(side, off);
        let nextOff = endOff;
        for (const m of side.marks) if (m.off > off) {
          nextOff = Math.min(m.off, endOff);
          break;
        }
        pieces.push({ dir: side.dir, bytes: all.subarray(off - side.qOff, nextOff - side.qOff), at: { frame: p.frame, tsUs: p.tsUs, streamOffset: off } });
        off = nextOff;
      }
      side.mode = 'forward';
      side.marks = [];
    }
    pieces.sort((a, b) => a.at.frame - b.at.frame || a.at.tsUs - b.at.tsUs);
    for (const p of pieces) next.data(p.dir, p.bytes, p.at);
    for (const side of [this.c2s, this.s2c]) {
      if (side.ended) {
        const last = side.last;
        next.end(side.dir, { frame: last?.frame ?? 0, tsUs: last?.tsUs ?? 0, streamOffset: side.qOff });
      }
    }
  }

  /**
   * After a CONNECT 2xx: hand the connection to the decoder of what the tunnel carries, known
   * from the client's first bytes (TLS record, HTTP/2 preface, HTTP/1.x request line); bytes
   * that are none of these stay an undecoded tunnel. `final`: the client's side has ended.
   */
  private decideTunnel(final: boolean): void {
    if (this.handedOff || this.c2s.mode !== 'connect') return;
    const q = this.c2s.q;
    if (q.length === 0) {
      if (final) this.tunnel(`CONNECT ${this.connectTarget} tunnel: the client sent nothing through it`);
      return;
    }
    const head = q.peek(Math.min(q.length, HTTP1_LINE_MAX));
    const enough = final || q.length >= HTTP1_LINE_MAX;
    let id: string | undefined = tunnelProtocol(head, enough);
    if (id === 'raw') {
      // Any other protocol the pipeline's probes know by its first bytes (RFC 9110 §9.3.6: the
      // tunnel carries whatever the client speaks to the target): JSON-RPC 1.0 inside Go
      // net/rpc's `CONNECT /_goRPC_`-style tunnels, Redis through a proxy, …
      const inside = this.session.probe?.(head, 'c2s');
      if (inside === 'need-more' && !enough) return;
      id = inside === 'need-more' || inside === 'http' ? undefined : inside;
      if (id === undefined) {
        this.tunnel(`CONNECT ${this.connectTarget} tunnel: not TLS, HTTP/2, HTTP/1.1 or another protocol known by its first bytes inside: bytes not decoded`);
        return;
      }
    }
    if (id === undefined) return;
    let next: StreamDecoder | undefined;
    try {
      next = this.session.handoff(id);
    } catch (e) {
      this.session.warn(`http: hand-off to ${id} in the CONNECT tunnel failed: ${(e as Error)?.message ?? String(e)}`);
    }
    if (!next) {
      this.tunnel(`CONNECT ${this.connectTarget} tunnel: no ${id} decoder: bytes not decoded`);
      return;
    }
    // The calls inside went to the CONNECT's target, through the server this flow reached (the proxy).
    this.session.tagCalls?.({ 'http.proxy_tunnel': this.connectTarget });
    this.forwardTo(next);
  }

  /** Both directions stop being HTTP (CONNECT tunnel, unknown upgrade). */
  private tunnel(why: string): void {
    this.session.warn(why);
    for (const side of [this.c2s, this.s2c]) {
      if (side.msg && side.dir === 's2c') side.msg = undefined;
      side.mode = 'tunnel';
      if (side.q.length) this.consume(side, side.q.length);
      side.marks = side.marks.slice(-1);
    }
    // (a copy: finish removes each from the list)
    for (const ex of this.exchanges.slice()) if (!ex.emitted) this.finish(ex, 'incomplete');
  }

  // ───────────────────────────── gaps, ends, resync ─────────────────────────────

  private onGap(side: Side, length: number, at: Position): void {
    const lost = `${length} bytes not captured`;
    const msg = side.msg;
    // Counted before the cut message is settled, charged after it (its exchange comes first).
    const swallowed = side.mode === 'head' || side.mode === 'length' ? this.gapSurplus(side, length) : undefined;
    const consumeGap = (n: number): void => {
      // The gap bytes are "consumed" without data: move the offset, keep a mark for times.
      side.qOff += n;
      side.marks = [{ off: side.qOff, frame: at.frame, tsUs: at.tsUs, acked: undefined }];
    };
    if (side.q.length === 0 && msg && (side.mode === 'length' || side.mode === 'chunk-data') && length <= msg.remaining) {
      // Not told apart from the next response yet (headProbe): perhaps no body at all.
      if (msg.headProbe) {
        if (msg.probeGap) msg.probeGap.bytes += length;
        else msg.probeGap = { bytes: length, warnings: msg.warnings.length };
      }
      msg.holed = true;
      msg.bodySize += length;
      msg.wire += length;
      msg.remaining -= length;
      noteBodyGap(msg, length);
      consumeGap(length);
      if (msg.remaining === 0) {
        if (side.mode === 'length') this.onMessageEnd(side);
        else side.mode = 'chunk-crlf';
      }
      return;
    }
    if (side.q.length === 0 && msg && side.mode === 'close') {
      msg.holed = true;
      msg.bodySize += length;
      msg.wire += length;
      noteBodyGap(msg, length);
      consumeGap(length);
      return;
    }
    switch (side.mode) {
      case 'tunnel':
      case 'dead':
        consumeGap(length);
        return;
      case 'connect':
        this.tunnel(`CONNECT ${this.connectTarget} tunnel: ${lost} before its protocol was known: not decoded`);
        consumeGap(length);
        return;
      case 'await':
        this.dirWarn(side, `${side.dir}: ${lost} while waiting for the protocol switch: held bytes dropped`);
        side.q.clear();
        consumeGap(length);
        return;
      case 'forward':
        return;
    }
    // Framing is lost: drop what is buffered, end the current message, look for a start line.
    if (msg) {
      msg.holed = true;
      msg.cut = true;
      msg.warnings.push(`message cut by a capture gap (${lost})`);
      if (side.mode === 'head') this.salvageHead(side, msg);
      else this.onMessageEnd(side);
      if (this.handedOff) {
        // The salvaged head switched protocols: the gap belongs to the next decoder.
        this.next?.gap(side.dir, length, at);
        return;
      }
    } else if (side.mode === 'resync' && side.q.length && side.q.indexOf(10, 0, side.q.length) < 0) {
      // Looking for a start line, and the segment before this gap held only the start of one
      // (perhaps after the tail of a body without a line feed, in an earlier segment).
      this.skipToCutStartLine(side);
      const cutMsg = this.newMsg(side);
      cutMsg.holed = true;
      cutMsg.cut = true;
      cutMsg.warnings.push(`message cut by a capture gap (${lost})`);
      side.msg = cutMsg;
      this.salvageStartLine(side, cutMsg);
    }
    if (side.q.length) this.consume(side, side.q.length);
    if (swallowed) this.noteLostMessages(side, swallowed);
    consumeGap(length);
    side.msg = undefined;
    // The bytes after the gap may start a message or be the middle of one: test the first line
    // like any other (the start-line patterns are strict enough).
    this.enterResync(side, `a capture gap (${lost})`, true);
  }

  /**
   * Before a gap, in resync, the held bytes (no line feed) may be a body's tail sent in its own
   * segment — a JSON body after its head was cut by a small snaplen — then the cut start of the
   * next message in the next segment ("{nope" then "GET /stream HT"). A message starts where a
   * segment starts far more often than not: when the held bytes are not a cut start line from
   * their first byte, drop them up to the first segment start that is one.
   */
  private skipToCutStartLine(side: Side): void {
    const q = side.q;
    const partial = side.dir === 'c2s' ? partialRequestLine : partialStatusLine;
    const text = latin1Text(q.peek(q.length));
    if (partial(text)) return;
    const from = side.qOff;
    for (const m of side.marks) {
      if (m.off <= from) continue;
      if (m.off >= from + q.length) break;
      if (partial(text.slice(m.off - from))) {
        this.consume(side, m.off - from);
        return;
      }
    }
  }

  /**
   * A header section cut by a capture gap (a small snaplen cuts every head): when its start line
   * and some whole header lines were captured, report the message from them — as cut, so the
   * call is incomplete — instead of losing the request or response altogether.
   */
  /**
   * The capture kept only the start of the start line (small snaplen: "POST /RPC2 HTT" before the
   * gap): what it shows — method and target, or version and status — still makes an incomplete
   * call, paired like any other.
   */
  private salvageStartLine(side: Side, msg: Msg): void {
    const text = latin1Text(side.q.peek(side.q.length));
    if (side.dir === 'c2s') {
      const r = partialRequestLine(text);
      if (!r) {
        side.msg = undefined;
        return;
      }
      msg.request = { method: r.method, uri: r.uri, version: r.version };
      msg.warnings.push(`request line cut by the capture after ${side.q.length} bytes${r.targetComplete ? '' : ': the target may be longer'}`);
    } else {
      const st = partialStatusLine(text);
      if (!st) {
        side.msg = undefined;
        return;
      }
      msg.status = st;
      msg.warnings.push(`status line cut by the capture after ${side.q.length} bytes`);
    }
    this.consume(side, side.q.length, msg);
    side.messages++;
    if (side.dir === 'c2s') this.onRequestHead(side, msg);
    else this.onResponseHead(side, msg);
    if (side.msg === msg) {
      msg.cut = true;
      this.onMessageEnd(side);
    }
  }

  private salvageHead(side: Side, msg: Msg): void {
    const q = side.q;
    const max = this.session.env.limits.maxHeaderBytes;
    const firstLf = q.indexOf(10, 0, max);
    if (firstLf < 0 && q.length > 0 && q.length <= max) {
      this.salvageStartLine(side, msg);
      return;
    }
    const line = firstLf >= 0 ? latin1Text(q.peek(firstLf + 1)) : '';
    if (firstLf < 0 || !(side.dir === 'c2s' ? looksLikeRequestLine(line) : looksLikeStatusLine(line))) {
      side.msg = undefined; // not even a start line: nothing to report
      return;
    }
    let last = firstLf;
    for (let n = q.indexOf(10, last + 1, max); n >= 0; n = q.indexOf(10, last + 1, max)) last = n;
    this.onHead(side, last + 1);
    if (side.msg === msg) {
      msg.warnings.push('header section cut by the capture gap: fields after it are unknown');
      this.onMessageEnd(side);
    }
  }

  /**
   * The response to a request that was not captured, before its first body byte: when a status
   * line stands where its body should start, the lost request was a HEAD (RFC 9112 §6.3 item 1:
   * no body whatever the header says) and the bytes are the next response, not this body.
   * 'more' until enough bytes tell.
   */
  private headProbe(side: Side, msg: Msg): 'more' | 'body' | 'no-body' {
    const q = side.q;
    const n = Math.min(q.length, 13);
    const text = latin1Text(q.peek(n));
    const statusLine = /^HTTP\/1\.[01] [1-5]\d\d[ \r\n]/;
    if (n < 13) {
      // Could it still become a status line? (a body shorter than that, all here, is a body)
      const prefix = 'HTTP/1.1 200 ';
      const could = [...text].every((ch, i) => (i === 7 ? ch === '0' || ch === '1' : i >= 9 && i <= 11 ? ch >= '0' && ch <= '9' : i === 12 ? ch === ' ' || ch === '\r' || ch === '\n' : ch === prefix[i]));
      if (could && !side.ended) return 'more';
      msg.headProbe = false;
      return 'body';
    }
    msg.headProbe = false;
    if (!statusLine.test(text)) return 'body';
    const g = msg.probeGap;
    if (g) {
      // The gap before this status line was not the body either: it held whole responses.
      msg.probeGap = undefined;
      msg.bodySize -= g.bytes;
      msg.wire -= g.bytes;
      msg.holed = false;
      msg.bodyGaps = undefined;
      msg.warnings.length = g.warnings;
    }
    msg.warnings.push('no body though the header announces one: the next response starts here, so the request that was not captured was a HEAD (RFC 9112 §6.3)');
    msg.remaining = 0;
    this.onMessageEnd(side);
    if (g && g.bytes >= MIN_LOST_MESSAGE) this.noteLostMessages(side, { surplus: g.bytes, bytes: g.bytes });
    return 'no-body';
  }

  private onEnd(side: Side): void {
    if (side.mode === 'connect') {
      // The tunnel ended before its first bytes said enough: decide with what there is.
      if (side.dir === 'c2s') this.decideTunnel(true);
      return;
    }
    const msg = side.msg;
    if (msg) {
      if (side.mode === 'close') {
        // RFC 9112 §6.3 item 8: the body ends with the connection.
        this.onMessageEnd(side);
      } else if (side.mode === 'head') {
        if (side.q.length) this.dirWarn(side, `${side.dir}: ${side.q.length} bytes of an unfinished message head at the end of the connection`);
        side.msg = undefined;
      } else if (msg.events && (side.mode === 'length' || side.mode.startsWith('chunk'))) {
        // A stream the client gave up on (EventSource.close(), an aborted fetch) ends with the
        // connection: whether that is its end or the capture's is known at `close`.
        msg.endedEarly = unfinished(side, msg);
      } else if (side.dir === 'c2s' && (msg.answeredBy = this.finalStatus(msg)) !== undefined) {
        // A request body after the server's final answer: abandoned if the connection was closed
        // (FIN, RST), cut if the capture ended; known at `close` (settleEarlyEnd).
        msg.endedEarly = unfinished(side, msg);
      } else if (side.mode === 'length' || side.mode.startsWith('chunk') || side.mode === 'trailers') {
        // Closed (FIN, RST) before its end: the message really stopped there (RFC 9112 §8), e.g. a
        // download the client cancelled; or the capture ended. Known at `close` (settleEarlyEnd).
        msg.endedEarly = unfinished(side, msg);
      } else {
        msg.warnings.push('connection ended before the message did');
        msg.cut = true;
        this.onMessageEnd(side);
      }
    } else if (side.q.length && side.mode === 'head') {
      // (not in 'resync': bytes skipped while looking for a start line were warned about when the
      // skipping began; gunicorn's body after a response to HEAD, to the end of the connection, is
      // one warning)
      this.dirWarn(side, `${side.dir}: ${side.q.length} undecoded bytes at the end of the connection`);
    }
  }

  /**
   * The status of the final (>= 200) response this request's exchange already has, if any (the
   * response being read, else the one already put on the call).
   */
  private finalStatus(msg: Msg): number | undefined {
    const ex = this.exchanges.find((e) => e.req === msg);
    const code = ex?.resp?.status?.status ?? ex?.call.status?.code;
    return typeof code === 'number' && code >= 200 ? code : undefined;
  }

  /**
   * A request body the client closed the connection on after the server had already given its
   * final answer was not lost but abandoned, as it should be: RFC 9110 §10.1.1 (a final status
   * instead of 100 Continue: the body need not be sent) and RFC 9112 §9.6 (an early response to
   * an upload: the client stops sending).
   */
  private noteAbandonedBody(side: Side, msg: Msg): void {
    const expect = (headerValue(msg.headers, 'expect') ?? '').toLowerCase() === '100-continue';
    const interim100 = this.exchanges.find((e) => e.req === msg)?.interim.some((i) => i.status === 100);
    if (msg.bodySize === 0 && expect && !interim100) {
      msg.warnings.push(`request body not sent: the server answered ${msg.answeredBy} instead of 100 Continue (RFC 9110 §10.1.1)`);
    } else {
      const of = side.mode === 'length' ? ` of ${msg.bodySize + msg.remaining}` : '';
      msg.warnings.push(`request body stopped after ${msg.bodySize}${of} bytes: the server had already answered ${msg.answeredBy} (RFC 9112 §9.6)`);
    }
  }

  /**
   * A streamed body (server-sent events, NDJSON) the connection ended: closed (FIN) or reset (RST),
   * the stream is over and the call complete with a note; at the end of the capture it is cut.
   */
  private settleEarlyEnd(side: Side, how: CloseReason | undefined): void {
    const msg = side.msg!;
    const what = msg.endedEarly!;
    msg.endedEarly = undefined;
    if (msg.answeredBy !== undefined && (how === 'fin' || how === 'rst')) {
      this.noteAbandonedBody(side, msg);
    } else if ((how === 'fin' || how === 'rst') && msg.events) {
      const by = how === 'rst' ? 'the connection was reset (TCP RST)' : 'the connection was closed (TCP FIN)';
      msg.warnings.push(`${side.dir === 's2c' ? 'response' : 'request'} stream ended because ${by} before its end (${what}): e.g. the client stopped reading (EventSource closed, fetch aborted)`);
    } else if (how === 'fin' || how === 'rst') {
      // Not a capture cut: the sender never sent the rest (RFC 9112 §8: an incomplete message).
      // A client that closes during a response has given up on it (an aborted fetch or download).
      const by = this.closedBy(how);
      const hint = side.dir === 's2c' && by.startsWith('the client') ? ': the client gave up on it (e.g. an aborted fetch or download)' : '';
      msg.warnings.push(`${side.dir === 's2c' ? 'response' : 'request'} cut short: ${by} before its end (${what.replace(' missing', ' never sent')}; RFC 9112 §8)${hint}`);
      msg.aborted = true;
    } else {
      msg.warnings.push(`connection ended before the message did (${what})`);
      msg.cut = true;
    }
    this.onMessageEnd(side);
  }

  /** Who ended a connection that closed (FIN) or was reset (RST): the side whose FIN came first. */
  private closedBy(how: 'fin' | 'rst'): string {
    if (how === 'rst') return 'the connection was reset (TCP RST)';
    const c = this.c2s.endAt;
    const s = this.s2c.endAt;
    if (c && (!s || capturedBefore(c, s))) return 'the client closed the connection (TCP FIN)';
    if (s && (!c || capturedBefore(s, c))) return 'the server closed the connection (TCP FIN)';
    return 'the connection was closed (TCP FIN both ways)';
  }

  private enterResync(side: Side, why: string, atLineStart: boolean): void {
    side.mode = 'resync';
    side.atLineStart = atLineStart;
    this.resetScan(side);
    if (!side.resyncWarned) {
      side.resyncWarned = true;
      this.dirWarn(side, `${side.dir}: ${why}: looking for the next ${side.dir === 'c2s' ? 'request' : 'status'} line`);
    }
  }

  /** Lost sync in the middle of a message: finish it as cut and look for a start line. */
  private loseSync(side: Side): void {
    const msg = side.msg;
    if (msg) {
      msg.cut = true;
      this.onMessageEnd(side);
    }
    this.enterResync(side, 'broken message framing', false);
    side.mode = 'resync';
  }

  /** Look for the next start line. True when found (mode is 'head' again). */
  private resync(side: Side): boolean {
    const q = side.q;
    while (q.length) {
      // side.scan: bytes already known to hold no LF (keeps byte-by-byte arrival linear).
      const lf = q.indexOf(10, side.scan, MAX_RESYNC_LINE);
      if (lf < 0) {
        side.scan = q.length;
        if (q.length >= MAX_RESYNC_LINE) {
          this.consume(side, q.length);
          side.scan = 0;
          side.atLineStart = false;
        }
        return false;
      }
      side.scan = 0;
      // A start line plausibleStart also takes: a request line whose method token is longer than
      // it allows (a body tail of token bytes with no line feed, then the next request line:
      // ab -p's 64 KiB of `p` after a lost segment) would go back to resync at once, forever.
      const looksLike = side.dir === 'c2s' ? (t: string) => looksLikeRequestLine(t) && methodFits(t) : looksLikeStatusLine;
      let start = side.atLineStart && looksLike(latin1Text(q.peek(lf + 1))) ? 0 : -1;
      if (start < 0) {
        // A message starts where a segment starts far more often than not: the bytes before it on
        // this line may be the tail of a body without a line feed (a JSON body sent in its own
        // segment after its head was cut by a small snaplen, then the next request).
        const from = side.qOff;
        for (const m of side.marks) {
          if (m.off <= from) continue;
          if (m.off >= from + lf) break;
          if (looksLike(latin1Text(q.peek(lf + 1).subarray(m.off - from)))) {
            start = m.off - from;
            break;
          }
        }
      }
      if (start >= 0) {
        if (start) this.consume(side, start);
        side.mode = 'head';
        side.resyncWarned = false;
        this.resetScan(side);
        return true;
      }
      this.consume(side, lf + 1);
      side.atLineStart = true;
    }
    return false;
  }

  /** Stop decoding one direction (bounds exceeded). */
  private stop(side: Side): void {
    side.mode = 'dead';
    if (side.q.length) this.consume(side, side.q.length);
    side.marks = side.marks.slice(-1);
  }

  private abandonMsg(side: Side): void {
    side.msg = undefined;
  }

  private dirWarn(side: Side, message: string): void {
    const last = side.last;
    this.session.warn(message, last ? { frame: last.frame, tsUs: last.tsUs, streamOffset: last.off } : undefined);
  }

  // ───────────────────────────── calls ─────────────────────────────

  /** The events of a streamed body, read to its end. */
  private finishEvents(msg: Msg): EventStreamReader {
    const r = msg.events!;
    const end = msg.end ?? msg.start;
    if (msg.eventCodings) readCodedEventStream(r, previewBytes(msg), msg.bodySize, msg.eventCodings, this.session.env, end);
    else {
      if (msg.holed) r.warnings.push('a capture gap in the body: events after it were not read');
      r.end(end);
    }
    return r;
  }

  /** `how`: the connection ended (close), so a request still without a response was given up on. */
  private finish(ex: Exchange, state: 'complete' | 'incomplete' | 'aborted', how?: CloseReason): void {
    if (ex.emitted) return;
    ex.emitted = true;
    // Forget it (an earlier exchange may still wait for its request body: not always the first).
    // The list holds no other emitted exchange: each is removed here.
    const at = this.exchanges.indexOf(ex);
    if (at >= 0) this.exchanges.splice(at, 1);
    // A stand-in for a lost request that no response came for: there is nothing to show.
    if (ex.lost && !ex.resp) return;
    const call = ex.call;
    const env = this.session.env;
    const req = ex.req;
    const resp = ex.resp;
    const flowId = this.session.flow.id;
    const http: HttpLayer = { version: req?.request?.version ?? resp?.status?.version ?? 'HTTP/1.1' };
    if (ex.warnings.length) call.warnings.push(...ex.warnings);
    if (req?.request) {
      http.method = req.request.method;
      http.uri = req.request.uri;
      http.requestHeaders = req.headers;
      const host = firstValue(req, 'host') ?? /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(req.request.uri)?.[1];
      if (host !== undefined) http.host = host;
      if (req.warnings.length) call.warnings.push(...req.warnings);
      call.request = { headers: req.headers, wireBytes: req.wire };
      if (req.bodySize > 0 || req.previewBytes > 0) {
        const decoded = decodeHttpBody(previewToDecode(req), req.bodySize, req.headers, env, undefined, req.request.uri);
        if (req.holed) decoded.body.truncated = true;
        http.requestBody = decoded.body;
        call.request.body = decoded.body;
        for (const w of decoded.warnings) call.warnings.push(`request body: ${w}`);
      }
      if (req.trailers) call.request.trailers = req.trailers;
      call.timing.startUs = req.start.tsUs;
      call.timing.requestEndUs = (req.end ?? req.start).tsUs;
      call.ranges = { request: [{ flowId, dir: 'c2s', offset: req.start.off, length: req.wire }] };
      if (!ex.reqDone) call.warnings.push('request not finished');
    }
    if (ex.interim.length) http.interim = ex.interim;
    if (resp?.status && ex.respDone) {
      http.status = resp.status.status;
      http.reason = resp.status.reason;
      http.responseHeaders = resp.headers;
      if (resp.warnings.length) call.warnings.push(...resp.warnings);
      const noBody = resp.bodySize === 0 && resp.previewBytes === 0;
      const decoded = noBody ? { body: undefined, warnings: [] as string[] } : decodeHttpBody(previewToDecode(resp), resp.bodySize, resp.headers, env, req?.headers, req?.request?.uri);
      if (decoded.body) {
        if (resp.holed) decoded.body.truncated = true;
        http.responseBody = decoded.body;
      }
      for (const w of decoded.warnings) call.warnings.push(`response body: ${w}`);
      call.response = { headers: resp.headers, wireBytes: ex.respWire };
      if (decoded.body) call.response.body = decoded.body;
      if (resp.trailers) call.response.trailers = resp.trailers;
      call.timing.responseStartUs = resp.start.tsUs;
      call.timing.endUs = (resp.end ?? resp.start).tsUs;
      if (!req) call.timing.startUs = resp.start.tsUs;
      const rs = ex.respStart ?? resp.start;
      (call.ranges ??= {}).response = [{ flowId, dir: 's2c', offset: rs.off, length: ex.respWire }];
    } else {
      if (req) call.timing.endUs = (req.end ?? req.start).tsUs;
      if (ex.interim.length) call.warnings.push(`no final response (only ${ex.interim.map((i) => i.status).join(', ')})`);
      else if (resp) call.warnings.push('response not finished');
      else if (!ex.respLost && req && (how === 'fin' || how === 'rst')) {
        // The connection ended with the request unanswered: it never will be (RFC 9112 §9.6).
        const serverEnd = this.s2c.endAt;
        if (serverEnd && capturedBefore(serverEnd, req.start)) {
          // Sent on a keep-alive connection the server had already closed (its idle timeout): the
          // request was never read; a client retries it on a new connection (RFC 9112 §9.3.1).
          call.warnings.push(`no response: sent ${fmtDelay(req.start.tsUs - serverEnd.tsUs)} after the server closed the connection (TCP FIN): a stale keep-alive connection, the request never read (a client retries it on a new connection)`);
        } else {
          const by = this.closedBy(how);
          const client = by.startsWith('the client');
          const when = client && req.end && !req.aborted && this.c2s.endAt ? `${fmtDelay(this.c2s.endAt.tsUs - req.end.tsUs)} after the request` : 'first';
          call.warnings.push(`no response: ${by} ${when}${client ? ': the client gave up on it (e.g. an aborted fetch, a page left)' : ''}`);
        }
        state = 'aborted';
      } else if (!ex.respLost) call.warnings.push('no response');
      if (resp) {
        http.status = resp.status?.status;
        http.reason = resp.status?.reason;
        http.responseHeaders = resp.headers;
        call.response = { headers: resp.headers, wireBytes: ex.respWire + resp.wire };
      }
      if (state !== 'aborted') state = 'incomplete';
    }
    if (req?.events || resp?.events) {
      const readers = [req?.events ? this.finishEvents(req) : undefined, resp?.events && ex.respDone ? this.finishEvents(resp) : undefined];
      applyEventStreams(call, readers, env.limits.maxMessagesPerCall);
    }
    if (!req) state = 'incomplete'; // the request was not captured
    const frames: number[] = [];
    for (const f of req?.frames ?? []) addFrame(frames, f);
    const respFrames = ex.respFrames.length ? ex.respFrames : (resp?.frames ?? []);
    for (const f of respFrames) addFrame(frames, f);
    if (frames.length) call.frames = frames;
    call.http = http;
    call.state = state;
    // The previews are decoded now: drop them so a long connection keeps nothing per call.
    if (req) {
      req.preview = [];
      req.lentFrom = -1;
    }
    if (resp) {
      resp.preview = [];
      resp.lentFrom = -1;
    }
    emitHttpCall(call, this.session);
  }
}

/** What of a message the connection ended in was still to come (Msg.endedEarly). */
function unfinished(side: Side, msg: Msg): string {
  return side.mode === 'length' ? `${msg.remaining} body bytes missing` : side.mode === 'trailers' ? 'trailer section not finished' : 'chunked body not finished';
}

/** A delay for a warning: `850 µs`, `3.2 ms`, `152 ms`. */
function fmtDelay(us: number): string {
  if (us < 1000) return `${Math.max(0, Math.round(us))} µs`;
  return us < 10_000 ? `${(us / 1000).toFixed(1)} ms` : `${Math.round(us / 1000)} ms`;
}

/** Was position a captured before b? (an earlier frame, and not a later timestamp; without frame numbers, an earlier timestamp) */
function capturedBefore(a: Pos, b: Pos): boolean {
  if (a.tsUs > b.tsUs) return false;
  return a.frame > 0 && b.frame > 0 ? a.frame < b.frame : a.tsUs < b.tsUs;
}

/**
 * What a CONNECT tunnel carries, from the client's first bytes: what the TLS decoder's own probe
 * takes for a client's first record (a ClientHello, RFC 8446 §4.1.2), the HTTP/2 preface (RFC 9113
 * §3.4), an HTTP/1.x request line; 'raw' for anything else, undefined while a prefix of one of
 * them (unless `final`).
 */
function tunnelProtocol(head: Uint8Array, final: boolean): 'tls' | 'http2' | 'http' | 'raw' | undefined {
  const tls = probeTls(head, 'c2s');
  if (tls === 'accept') return 'tls';
  if (tls === 'need-more') return final ? 'raw' : undefined;
  const n = Math.min(head.length, H2_PREFACE.length);
  if (latin1Text(head.subarray(0, n)) === H2_PREFACE.slice(0, n)) return n === H2_PREFACE.length ? 'http2' : final ? 'raw' : undefined;
  const line = http1RequestStart(head);
  if (line === 'yes') return 'http';
  if (line === 'need-more' && !final) return undefined;
  return 'raw';
}

/**
 * One HTTP/2 connection (RFC 9113): frames per direction, HPACK per direction, streams as calls.
 *
 * Plain HTTP/2 exchanges become `http2` calls through the shared HTTP helpers (body decoding and
 * body routers: XML-RPC, JSON-RPC, gRPC-Web…); streams whose content-type is application/grpc
 * become `grpc` calls (decoders/grpc).
 */
import type { CloseReason, DecoderSession, Position, StreamDecoder } from '../core/decoder';
import type { Call, Dir, HeaderList } from '../core/model';
import type { HttpUpgradeInit } from '../core/handoff';
import { ByteQueue, be32, concatBytes } from '../core/bytes';
import {
  ABSOLUTE_MAX_FRAME_SIZE,
  DEFAULT_MAX_FRAME_SIZE,
  FLAG_ACK,
  FLAG_END_HEADERS,
  FLAG_END_STREAM,
  FLAG_PADDED,
  FLAG_PRIORITY,
  FRAME_HEADER_BYTES,
  FrameType,
  PREFACE,
  SETTINGS_HEADER_TABLE_SIZE,
  SETTINGS_MAX_FRAME_SIZE,
  errorCodeName,
  plausibleFrameHeader,
  readFrameHeader,
  type FrameHeader,
} from './frames';
import { HpackDecoder, UNKNOWN_ENTRY } from './hpack';
import { PositionTrack } from './positions';
import { HTTP1_LINE_MAX, http1RequestStart } from '../http1/request-start';
import { isGrpcContentType, GrpcCallBuilder, noteStreamReset, type GrpcFinishInfo } from '../grpc/call';
import { decodeHttpBody } from '../http-common/body';
import { emitHttpCall } from '../http-common/exchange';
import { applyEventStreams, EventStreamReader, eventStreamFormat, readCodedEventStream, streamCodings } from '../http-common/event-stream';

const other = (d: Dir): Dir => (d === 'c2s' ? 's2c' : 'c2s');
const MAX_OPEN_STREAMS = 4096;
const MAX_CLOSED_REMEMBERED = 65536;
const MAX_FRAMES_PER_CALL = 64;
/** How far to look for a frame boundary after a gap or a mid-frame capture start. */
const RESYNC_WINDOW = 256 << 10;
const MAX_PATHS_SEEN = 1024;
/** How far past a candidate frame header the boundary search looks for the next one. */
const RESYNC_FRAME_LOOK = 1 << 20;
/** Bytes the searches for one frame boundary may look at before they are paced (see resync). */
const RESYNC_FREE_WORK = 4 << 20;
/** The largest gap inside a frame that is zero-filled (the frame then decoded around its hole). */
const MAX_GAP_FILL = 1 << 20;
/** A stream id this far above the highest seen may be a stream whose HEADERS fell in a gap. */
const NEW_STREAM_WINDOW = 2048;
const HPACK_GAP_REASON = 'before a gap in the capture';

interface BodyAcc {
  chunks: Uint8Array[];
  kept: number;
  size: number;
  /** Bytes that fell in gaps of the capture (not in `chunks`, not in `size`). */
  missing?: number;
}

/** [start, end) ranges of a frame payload that were missing from the capture (zero-filled). */
type Holes = Array<[number, number]>;

interface H2Stream {
  id: number;
  call: Call;
  grpc?: GrpcCallBuilder;
  /** Request headers are unknown (the stream started before the capture) and no hint applied. */
  headersUnknown: boolean;
  /** The order of its request header block among the connection's (see pathsSeen). */
  requestOrder?: number;
  hinted: boolean;
  pushed: boolean;
  requestHeaders?: HeaderList;
  requestTrailers?: HeaderList;
  responseHeaders?: HeaderList;
  responseTrailers?: HeaderList;
  interim: Array<{ status: number; tsUs: number }>;
  body: { c2s: BodyAcc; s2c: BodyAcc };
  ended: { c2s: boolean; s2c: boolean };
  wire: { c2s: number; s2c: number };
  rst?: { code: number; dir: Dir; tsUs: number };
  lastUs: number;
  /** A header block of this stream was cut by a gap: the call is incomplete. */
  cut?: boolean;
  /** "data may be incomplete" already said for this direction. */
  gapNoted?: { c2s?: boolean; s2c?: boolean };
  /** The RST_STREAM is already explained in the call's warnings. */
  rstNoted?: boolean;
  /** DATA bytes the server sent in a response defined to have no content (to HEAD, 204, 304): not its body. */
  noContentData?: number;
  /** noContentResponse's answer, once the response headers are there ('' when the response has content). */
  noContent?: string;
  /** Server-sent events / NDJSON bodies, per direction (decided at the first DATA of that side). */
  events?: { c2s?: EventStreamReader | null; s2c?: EventStreamReader | null };
  /** Content codings of a streamed body: its events are read at the end. */
  eventCodings?: { c2s?: string[]; s2c?: string[] };
}

interface DirState {
  queue: ByteQueue;
  track: PositionTrack;
  /** `track.at`, as the callback gRPC readers take (made once, not per DATA frame). */
  posAt: (offset: number) => Position;
  /** Stream offset of the first byte in `queue`. */
  offset: number;
  /** Frames from this direction must fit the other side's SETTINGS_MAX_FRAME_SIZE. */
  maxFrameSize: number;
  /** A SETTINGS_MAX_FRAME_SIZE for this direction was seen (see frameLimitKnown). */
  maxFrameSizeSeen?: boolean;
  hpack?: HpackDecoder;
  /** Waiting for the connection preface (client direction, at the start). */
  preface: 'maybe' | 'done';
  /** Looking for a frame boundary (mid-frame start, after a gap). */
  resync: boolean;
  /**
   * Queue length the next boundary search waits for (0: search at every segment), and the bytes
   * the searches for this boundary have looked at (see RESYNC_FREE_WORK).
   */
  resyncWait: number;
  resyncWork: number;
  /** Header block being continued by CONTINUATION frames. */
  continuation?: { streamId: number; fragments: Uint8Array[]; bytes: number; endStream: boolean; promisedId?: number; start: Position; cutAt?: number; wire: number; frames: number[] };
  oversizeWarned: boolean;
  dead: boolean;
  /** Zero-filled ranges (stream offsets, [start, end)) in `queue`: gaps inside a frame of known length. */
  holes: Holes;
  /** The queue starts right after a gap, at a segment boundary: a frame header there needs no second one to confirm it. */
  afterGap: boolean;
  /** Gaps that lost the frame boundary, and the warnings about them said so far. */
  losses: number;
  lossWarned: number;
  /** Gaps inside frames (zero-filled). */
  filled: number;
  filledBytes: number;
  /** Where this direction ended (FIN, RST, end of capture), once it has. */
  endedAt?: Position;
  /** A frame of this direction was seen (the first must be SETTINGS, RFC 9113 §3.4). */
  framed?: boolean;
}

function newDir(preface: 'maybe' | 'done'): DirState {
  const track = new PositionTrack();
  return {
    queue: new ByteQueue(),
    track,
    posAt: (offset) => track.at(offset),
    offset: -1,
    maxFrameSize: DEFAULT_MAX_FRAME_SIZE,
    preface,
    resync: false,
    resyncWait: 0,
    resyncWork: 0,
    oversizeWarned: false,
    dead: false,
    holes: [],
    afterGap: false,
    losses: 0,
    lossWarned: 0,
    filled: 0,
    filledBytes: 0,
  };
}

/** Runs of a body of `length` bytes: [start, end, missing], around its holes (relative to the body). */
function bodyRuns(length: number, holes: Holes | undefined): Array<[number, number, boolean]> {
  if (!holes) return [[0, length, false]];
  const runs: Array<[number, number, boolean]> = [];
  let o = 0;
  for (const [a, b] of holes) {
    if (a > o) runs.push([o, a, false]);
    runs.push([a, b, true]);
    o = b;
  }
  if (o < length) runs.push([o, length, false]);
  return runs;
}

/** Holes of [from, to) in the stream, relative to `from`. */
function holesIn(holes: Holes, from: number, to: number): Holes | undefined {
  let out: Holes | undefined;
  for (const [a, b] of holes) {
    const x = Math.max(a, from);
    const y = Math.min(b, to);
    if (x < y) (out ??= []).push([x - from, y - from]);
  }
  return out;
}

/** Where the first hole starts in [from, to) of a payload, relative to `from`; undefined when none. */
function firstHole(holes: Holes | undefined, from: number, to: number): number | undefined {
  if (!holes) return undefined;
  let first: number | undefined;
  for (const [a, b] of holes) if (a < to && b > from) first = Math.min(first ?? Infinity, Math.max(a, from) - from);
  return first;
}

function hdr(headers: HeaderList | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of headers) if (k === name) return v;
  return undefined;
}

/**
 * A final response defined to have no content (RFC 9110 §6.4.1): the response to HEAD, a 204 or a
 * 304. What it is, for a warning ("the response to HEAD /big", "a 204 response"); else undefined.
 */
function noContentResponse(s: H2Stream): string | undefined {
  if (!s.responseHeaders) return undefined;
  // Worked out once per stream (asked at every DATA frame of a response): '' for a response with content.
  if (s.noContent === undefined) {
    const status = hdr(s.responseHeaders, ':status');
    if (hdr(s.requestHeaders, ':method') === 'HEAD') s.noContent = `the response to HEAD ${hdr(s.requestHeaders, ':path') ?? ''}`.trimEnd();
    else s.noContent = status === '204' || status === '304' ? `a ${status} response` : '';
  }
  return s.noContent || undefined;
}

/** The warning for DATA in a response that has no content (see H2Stream.noContentData). */
function noContentWarning(s: H2Stream, what: string): string {
  return `${s.noContentData} bytes of DATA in ${what}, which has no content (RFC 9110 §6.4.1; malformed, RFC 9113 §8.1.1): not counted as its body`;
}

export class Http2Connection implements StreamDecoder {
  private dirs: Record<Dir, DirState> = { c2s: newDir('maybe'), s2c: newDir('done') };
  private streams = new Map<number, H2Stream>();
  private closed = new Set<number>();
  /** The highest stream id ever put in `closed`: a stream above it was never closed (no Set lookup). */
  private maxClosedId = -1;
  private prefaceSeen = false;
  private upgraded = false;
  private goawayWarned = false;
  /** The client spoke HTTP/1.1 after all: the connection went to this decoder (toHttp1). */
  private http1?: StreamDecoder;
  /** The server's latest GOAWAY: client streams above its last stream id are not processed. */
  private serverGoaway?: { last: number; code: number };
  /** The first GOAWAY with an error code (a connection error, RFC 9113 §5.4.1: its sender closes the connection next). */
  private connError?: { who: string; last: number; code: number; text: string; at: Position };
  /** The flow's roles were guessed the wrong way round (mid-connection capture): we swap them. */
  private swapped = false;
  private rolesKnown = false;
  /** Bytes of this connection were missing from the capture (a gap, snaplen). */
  private gapSeen = false;
  /**
   * :path values the client's header blocks spelled out (or referred to entries the capture saw
   * added), by the order of the request that first did: an rpc whose :path is an entry from before
   * the capture is not one of those sent earlier (GrpcCallBuilder.guessMethod). Bounded.
   */
  private readonly pathsSeen = new Map<string, number>();
  private requestsSeen = 0;
  /** Packets that carried the middle frames of the header block being decoded (HEADERS + CONTINUATION…). */
  private blockFrames?: number[];
  /** Highest client-initiated stream id seen. */
  private maxStreamId = 0;
  private maxStreamIdBefore = 0;

  constructor(private readonly session: DecoderSession, init?: unknown) {
    const up = init as HttpUpgradeInit | undefined;
    if (up && up.kind === 'http-upgrade') this.startFromUpgrade(up);
  }

  // ---- StreamDecoder -------------------------------------------------------------------------

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.http1) return this.http1.data(dir, bytes, at);
    if (this.swapped) dir = other(dir);
    try {
      const d = this.dirs[dir];
      if (d.dead || bytes.length === 0) return;
      if (d.offset < 0) {
        // First bytes of this direction: without a preface (or upgrade), they may start mid-frame.
        if (dir === 's2c' && !this.prefaceSeen && !this.upgraded) d.resync = true;
      }
      if (d.queue.length === 0) d.offset = at.streamOffset;
      d.track.add(at);
      // Framed in place: only what this call leaves unconsumed is copied (own() below). Nothing
      // keeps a view of a frame past its handling (bodies, header fragments and messages kept are copies).
      d.queue.pushView(bytes);
      if (d.queue.length > this.session.env.limits.maxBufferedBytes) {
        this.session.warn(`HTTP/2 ${dir}: more than ${this.session.env.limits.maxBufferedBytes} bytes buffered without a complete frame; dropped`, at);
        this.lose(dir, at, 'buffer limit');
        return;
      }
      this.pump(dir);
    } catch (e) {
      this.session.warn(`HTTP/2 decoder error (${dir}): ${(e as Error).message}`, at);
      this.dirs[dir].dead = true;
    } finally {
      // `bytes` may change once we return. (Both sides: a role swap may have moved the queue.)
      this.dirs.c2s.queue.own();
      this.dirs.s2c.queue.own();
    }
  }

  gap(dir: Dir, length: number, at: Position): void {
    if (this.http1) return this.http1.gap(dir, length, at);
    if (this.swapped) dir = other(dir);
    try {
      if (this.dirs[dir].dead || length <= 0) return;
      if (!this.fillGap(dir, length, at)) this.lose(dir, at, `${length} bytes missing from the capture`);
    } catch (e) {
      this.session.warn(`HTTP/2 decoder error: ${(e as Error).message}`, at);
    }
  }

  end(dir: Dir, at: Position): void {
    if (this.http1) return this.http1.end(dir, at);
    if (this.swapped) dir = other(dir);
    const d = this.dirs[dir];
    d.endedAt = at;
    if (d.preface === 'maybe' && d.queue.length && !d.dead) {
      // A client direction shorter than the preface, or than an HTTP/1.1 request line: decide now.
      try {
        this.pump(dir);
      } catch (e) {
        this.session.warn(`HTTP/2 decoder error: ${(e as Error).message}`, at);
      }
      if (this.http1) return;
    }
    if (d.resync && d.queue.length && !d.dead) {
      try {
        if (this.resync(dir, true)) this.pump(dir);
      } catch (e) {
        this.session.warn(`HTTP/2 decoder error: ${(e as Error).message}`, at);
      }
    }
    if (d.queue.length > 0 && !d.dead) {
      const first = d.track.at(d.offset);
      this.session.warn(`HTTP/2 ${dir}: ${d.queue.length} bytes of an incomplete frame at the end`, first);
    }
    if (d.losses > d.lossWarned) {
      this.session.warn(`HTTP/2 ${dir}: ${d.losses - d.lossWarned} more gap(s) in the capture lost a frame boundary (${d.losses} in all); decoding went on from the next frame found`, at);
    }
    if (d.filled) {
      this.session.warn(`HTTP/2 ${dir}: ${d.filled} gap(s) inside frames (${d.filledBytes} bytes missing from the capture, e.g. cut by snaplen): those frames decoded around them`, at);
    }
    d.queue.clear();
    d.holes = [];
  }

  close(at: Position, how: CloseReason = 'capture-end'): void {
    if (this.http1) return this.http1.close(at, how);
    for (const s of [...this.streams.values()]) {
      const ce = this.connError;
      if (ce && !this.wholeByLength(s) && !this.clientStoppedStream(s)) {
        // A stream left open by a connection error ended with it (RFC 9113 §5.4.1), not when the
        // TCP connection went later (lua-http's client keeps it open after the server's GOAWAY
        // COMPRESSION_ERROR until it gives up), nor at the end of the capture.
        const g = this.serverGoaway;
        const unprocessed = g && s.id % 2 === 1 && s.id > g.last && !s.responseHeaders && !s.pushed; // finish says so
        if (!unprocessed) s.call.warnings.push(`stream ${s.id} ended by the ${ce.who}'s connection error: GOAWAY ${errorCodeName(ce.code)}${ce.text ? ` (${ce.text})` : ''}, last stream ${ce.last} (RFC 9113 §5.4.1)`);
        this.finish(s, s.ended.s2c ? 'complete' : 'aborted', ce.at, !s.ended.s2c);
        continue;
      }
      if (how === 'rst' || how === 'fin') {
        // The connection is gone, so the stream can never finish. With its response ended, only the
        // request side was left open (RFC 9113 §8.1: a server may answer before the request ends);
        // otherwise it was cut short (a proxy dropping its upstream leg after the client cancelled,
        // a peer that crashed…).
        const gone = how === 'rst' ? 'reset (TCP RST)' : 'closed (TCP FIN both ways)';
        if (this.clientStoppedStream(s)) {
          s.call.warnings.push(`response stream of stream ${s.id} ended because the connection was ${gone} before its end`);
          this.finish(s, 'complete', at, true);
          continue;
        }
        if (this.wholeByLength(s)) {
          // curl closes the connection once it has content-length bytes, before the END_STREAM a
          // server (Node's http2) sends in a later empty DATA frame: the response had arrived.
          s.call.warnings.push(`response of stream ${s.id} had all its content-length bytes; the connection was ${gone} before the server's END_STREAM`);
          this.finish(s, 'complete', at);
          continue;
        }
        // (a stream whose request was all before the capture, answered in it, left nothing of its
        // request to finish: its END_STREAM came before the capture, or the server would not have ended)
        const requestUnseen = s.headersUnknown && !s.hinted && s.wire.c2s === 0;
        if (!(s.ended.s2c && requestUnseen))
          s.call.warnings.push(s.ended.s2c ? `request of stream ${s.id} not finished when the connection was ${gone}` : `stream ${s.id} still open when the connection was ${gone}`);
        // (an open stream lasted until the connection went: an etcd watch ends when etcdctl exits, not at its last event)
        this.finish(s, s.ended.s2c ? 'complete' : 'aborted', at, !s.ended.s2c);
      } else {
        s.call.warnings.push(`stream ${s.id} still open at the end of the capture`);
        this.finish(s, 'incomplete', at);
      }
    }
    this.streams.clear();
  }

  // ---- framing -------------------------------------------------------------------------------

  /**
   * Bytes are missing and where the next frame starts is unknown: drop what is buffered and look
   * for a frame boundary again. Header blocks may have been lost with them, so the HPACK table is
   * reset to partial mode (fields that refer to older dynamic entries decode to a placeholder);
   * gRPC readers of open streams forget their message framing until a DATA frame starts one.
   */
  private lose(dir: Dir, at: Position, why: string): void {
    const d = this.dirs[dir];
    this.gapSeen = true;
    if (d.continuation) {
      const s = this.streams.get(d.continuation.streamId);
      if (s) {
        s.cut = true;
        s.call.warnings.push(`header block of stream ${d.continuation.streamId} (${dir}) lost in a gap before its END_HEADERS`);
      }
    }
    d.queue.clear();
    d.holes = [];
    d.offset = -1;
    d.continuation = undefined;
    d.resync = true;
    d.resyncWait = 0;
    d.resyncWork = 0;
    d.afterGap = true;
    if (d.preface === 'maybe') d.preface = 'done';
    d.losses++;
    const say = d.lossWarned < 3;
    if (say) d.lossWarned++;
    if (!d.hpack) {
      // Nothing decoded yet: a table we never saw the start of.
      d.hpack = new HpackDecoder({ partial: true });
      d.hpack.partialReason = HPACK_GAP_REASON;
      if (say) this.session.warn(`HTTP/2 ${dir}: ${why}; HPACK state unknown`, at);
    } else if (!d.hpack.lost) {
      d.hpack.resetPartial(HPACK_GAP_REASON);
      if (say) this.session.warn(`HTTP/2 ${dir}: ${why}; HPACK table reset: later header fields that refer to older dynamic entries show as unknown`, at);
    } else if (say) this.session.warn(`HTTP/2 ${dir}: ${why}`, at);
    for (const s of this.streams.values()) {
      if (s.ended[dir]) continue;
      s.grpc?.unknownGap(dir);
      const noted = (s.gapNoted ??= {});
      if (!noted[dir]) {
        noted[dir] = true;
        s.call.warnings.push(`${why} (${dir}): stream data may be incomplete`);
      }
    }
  }

  /**
   * A gap inside the frame being read, whose header is in the buffer (so its length is known):
   * zero-fill the missing part up to the frame's end and remember it as a hole, so the frame is
   * decoded around it and the next frame boundary stays known. A gap running past the frame's
   * end loses the boundary after it (`lose`). False when the frame's length is unknown.
   */
  private fillGap(dir: Dir, length: number, at: Position): boolean {
    const d = this.dirs[dir];
    if (d.preface === 'maybe' || d.queue.length < FRAME_HEADER_BYTES) return false;
    if (d.resync && !this.resyncAtGap(dir)) return false;
    const have = d.queue.length;
    if (d.offset + have !== at.streamOffset) return false;
    const h = readFrameHeader(d.queue.peek(FRAME_HEADER_BYTES));
    const total = FRAME_HEADER_BYTES + h.length;
    if (total <= have || total > this.session.env.limits.maxBufferedBytes) return false;
    const fill = Math.min(length, total - have);
    if (fill > MAX_GAP_FILL) return false;
    d.filled++;
    d.filledBytes += fill;
    this.gapSeen = true;
    d.track.add(at);
    d.holes.push([at.streamOffset, at.streamOffset + fill]);
    d.queue.push(new Uint8Array(fill));
    this.pump(dir);
    const rest = length - fill;
    if (rest > 0 && !d.dead) {
      this.lose(dir, { ...at, streamOffset: at.streamOffset + fill }, `${rest} bytes missing from the capture`);
    }
    return true;
  }

  /**
   * Looking for a frame boundary, the data so far ends in a gap: accept a frame header at the
   * segment boundary right after the previous gap when it is plausible (RFC 9113 §4.1 sanity and
   * a stream we know or a new client stream just above the highest seen). Its frame runs into
   * the gap, so no second header can confirm it.
   */
  private resyncAtGap(dir: Dir): boolean {
    const d = this.dirs[dir];
    if (!d.afterGap || d.queue.length < FRAME_HEADER_BYTES) return false;
    const head = d.queue.peek(FRAME_HEADER_BYTES);
    if (!plausibleFrameHeader(head, 0, this.frameLimit(d)) || !this.plausibleStream(head)) return false;
    d.resync = false;
    d.resyncWait = 0;
    d.resyncWork = 0;
    d.afterGap = false;
    return true;
  }

  private plausibleStream(head: Uint8Array): boolean {
    const h = readFrameHeader(head, 0);
    if (h.streamId === 0) return true;
    if (this.streams.has(h.streamId) || this.wasClosed(h.streamId)) return true;
    return h.streamId % 2 === 1 && h.streamId > this.maxStreamId && h.streamId <= this.maxStreamId + NEW_STREAM_WINDOW;
  }

  /**
   * Hand the connection to the HTTP/1.1 decoder with the client's bytes queued so far, each piece
   * with the position of the packet that carried it. The server's SETTINGS frame was consumed:
   * HTTP/1.1 sees the server's bytes from the next one (pipeline contract: session.handoff).
   */
  private toHttp1(d: DirState): void {
    const from = d.offset;
    const first = d.track.at(from);
    this.session.warn(
      'the server opened with an HTTP/2 SETTINGS frame (h2c with prior knowledge) but the client sent an HTTP/1.1 request; decoded as HTTP/1.1',
      first,
    );
    let next: StreamDecoder | undefined;
    try {
      next = this.session.handoff('http');
    } catch (e) {
      this.session.warn(`HTTP/2: hand-off to HTTP/1.1 failed: ${(e as Error)?.message ?? String(e)}`, first);
    }
    this.dirs.c2s.dead = true;
    this.dirs.s2c.dead = true;
    if (!next) return;
    this.http1 = next;
    const bytes = d.queue.peek(d.queue.length).slice();
    const to = from + bytes.length;
    const starts = d.track.startsIn(from, to);
    for (let i = 0; i < starts.length; i++) {
      const a = starts[i].streamOffset;
      const b = i + 1 < starts.length ? starts[i + 1].streamOffset : to;
      if (b > a) next.data('c2s', bytes.subarray(a - from, b - from), starts[i]);
    }
    this.consume(d, bytes.length);
    if (d.endedAt) next.end('c2s', d.endedAt);
    const s2c = this.dirs.s2c;
    if (s2c.endedAt) next.end('s2c', s2c.endedAt);
  }

  private pump(dir: Dir): void {
    const d = this.dirs[dir];
    const limits = this.session.env.limits;
    if (d.preface === 'maybe') {
      const n = Math.min(d.queue.length, PREFACE.length);
      const head = d.queue.peek(n);
      for (let i = 0; i < n; i++) {
        if (head[i] !== PREFACE[i]) {
          d.preface = 'done';
          break;
        }
      }
      if (d.preface === 'done' && dir === 'c2s' && !this.upgraded && !this.swapped) {
        // The server spoke first (a SETTINGS frame: the probe's cue), but the client opens with
        // something else: an HTTP/1.1 request (Java's HttpClient asks for `Upgrade: h2c`; a server
        // that only takes h2c with prior knowledge, such as nghttpd, then closes the connection).
        const verdict = http1RequestStart(d.queue.peek(Math.min(d.queue.length, HTTP1_LINE_MAX)));
        if (verdict === 'need-more' && !d.endedAt) {
          d.preface = 'maybe';
          return;
        }
        if (verdict === 'yes') {
          this.toHttp1(d);
          return;
        }
      }
      if (d.preface === 'maybe') {
        if (n < PREFACE.length) return;
        this.consume(d, PREFACE.length);
        d.preface = 'done';
        this.prefaceSeen = true;
        // A table created early (server SETTINGS before the preface) starts empty after all.
        for (const x of [this.dirs.c2s, this.dirs.s2c]) if (x.hpack && x.hpack.tableEntries === 0 && !x.hpack.lost) x.hpack.partial = false;
      } else if (!this.upgraded) {
        d.resync = true; // mid-connection start: the first bytes may be inside a frame
      }
    }
    for (;;) {
      if (d.dead) return;
      if (d.resync && !this.resync(dir)) return;
      if (d.queue.length < FRAME_HEADER_BYTES) return;
      const h = readFrameHeader(d.queue.peek(FRAME_HEADER_BYTES));
      const total = FRAME_HEADER_BYTES + h.length;
      if (total > limits.maxBufferedBytes) {
        this.session.warn(`HTTP/2 ${dir}: frame of ${h.length} bytes exceeds the buffer limit`, d.track.at(d.offset));
        this.lose(dir, d.track.at(d.offset), 'oversized frame');
        return;
      }
      if (d.queue.length < total) return;
      const frame = d.queue.peek(total);
      const start = d.track.at(d.offset);
      const end = d.track.at(d.offset + total - 1);
      const frameOffset = d.offset;
      if (h.length > d.maxFrameSize && !d.oversizeWarned && this.frameLimitKnown(d)) {
        d.oversizeWarned = true;
        this.session.warn(`HTTP/2 ${dir}: ${frameTypeName(h.type)} frame of ${h.length} bytes exceeds the peer's SETTINGS_MAX_FRAME_SIZE ${d.maxFrameSize} (FRAME_SIZE_ERROR)`, start);
      }
      const holes = d.holes.length ? holesIn(d.holes, frameOffset + FRAME_HEADER_BYTES, frameOffset + total) : undefined;
      this.onFrame(this.dirs.c2s === d ? 'c2s' : 's2c', h, frame.subarray(FRAME_HEADER_BYTES), frameOffset, start, end, holes);
      this.consume(d, total);
    }
  }

  private consume(d: DirState, n: number): void {
    d.queue.skip(n);
    d.offset += n;
    d.track.drop(d.offset);
    if (d.holes.length) d.holes = d.holes.filter(([, b]) => b > d.offset);
  }

  /** Drop bytes until two consecutive plausible frame headers (or one ending the buffer exactly). */
  private resync(dir: Dir, final = false): boolean {
    const d = this.dirs[dir];
    const max = this.frameLimit(d);
    const avail = d.queue.length;
    if (avail < FRAME_HEADER_BYTES) return false;
    if (!final && !d.afterGap && avail < d.resyncWait) return false;
    const dropAt = RESYNC_WINDOW + 2 * FRAME_HEADER_BYTES + max;
    const look = Math.min(avail, RESYNC_WINDOW + 2 * FRAME_HEADER_BYTES + Math.min(max, RESYNC_FRAME_LOOK));
    // Each search starts again from the first byte: fed in small segments, the searches cost the
    // square of the bytes waited for. Past a budget linear in the bytes, a search that found nothing
    // runs again only once the queue has doubled (or reached what a waiting candidate needs, or a
    // threshold below): a boundary is found later in the stream's bytes, never elsewhere in them.
    d.resyncWork += look;
    const pace = d.resyncWork > RESYNC_FREE_WORK + 16 * avail;
    const buf = d.queue.peek(look);
    if (d.afterGap) {
      // Right after a gap: a segment boundary, where senders usually start a frame.
      d.afterGap = false;
      if (plausibleFrameHeader(buf, 0, max) && this.plausibleStream(buf)) {
        d.resync = false;
        return true;
      }
    }
    let skip = -1;
    // After a gap in a connection whose streams we know, a frame must also name a plausible stream.
    const known = this.gapSeen && this.maxStreamId > 0;
    for (let i = 0; i + FRAME_HEADER_BYTES <= buf.length && i <= RESYNC_WINDOW; i++) {
      if (!plausibleFrameHeader(buf, i, max)) continue;
      if (known && !this.plausibleStream(buf.subarray(i, i + FRAME_HEADER_BYTES))) continue;
      const length = readFrameHeader(buf, i).length;
      const next = i + FRAME_HEADER_BYTES + length;
      if (next + FRAME_HEADER_BYTES <= buf.length) {
        if (plausibleFrameHeader(buf, next, max) && longConfirmed(buf, next) && (!known || this.plausibleStream(buf.subarray(next, next + FRAME_HEADER_BYTES)))) {
          skip = i;
          break;
        }
        continue;
      }
      if (final && next === buf.length && look === avail) {
        skip = i; // ends exactly where the data ends: accept
        break;
      }
      // A frame longer than the default limit (possible only while the limit is unknown) is waited
      // for only where the bytes begin, at a segment boundary where senders start frames: a false
      // header inside the bytes claiming megabytes would hold the search back.
      if (i > 0 && length > DEFAULT_MAX_FRAME_SIZE) continue;
      // Not enough bytes to confirm: wait for more (bounded by the window).
      if (avail < RESYNC_WINDOW) {
        if (pace) d.resyncWait = Math.min(RESYNC_WINDOW, Math.max(next + FRAME_HEADER_BYTES, 2 * avail));
        return false;
      }
    }
    if (skip < 0) {
      if (avail > dropAt) {
        const drop = avail - FRAME_HEADER_BYTES;
        this.session.warn(`HTTP/2 ${dir}: no frame boundary found in ${drop} bytes; skipped`, d.track.at(d.offset));
        this.consume(d, drop);
        d.resyncWait = 0;
        d.resyncWork = 0;
      } else if (pace) d.resyncWait = Math.min(avail < RESYNC_WINDOW ? RESYNC_WINDOW : dropAt + 1, 2 * avail);
      return false;
    }
    d.resyncWait = 0;
    d.resyncWork = 0;
    if (skip > 0) {
      this.session.warn(`HTTP/2 ${dir}: skipped ${skip} bytes to find a frame boundary (capture started mid-frame or after a gap)`, d.track.at(d.offset));
      this.consume(d, skip);
    }
    d.resync = false;
    return true;
  }

  /**
   * Is the largest frame this direction may send known? From the connection's start (the peer's
   * first SETTINGS, RFC 9113 §6.5.2: 16,384 unless it says more) or from a SETTINGS_MAX_FRAME_SIZE
   * seen later. A connection joined late has not seen it: grpcio's server sends 20 KB DATA frames.
   */
  private frameLimitKnown(d: DirState): boolean {
    return d.maxFrameSizeSeen || this.prefaceSeen || this.upgraded;
  }

  /** The longest frame taken as plausible when looking for a frame boundary. */
  private frameLimit(d: DirState): number {
    return this.frameLimitKnown(d) ? Math.max(d.maxFrameSize, DEFAULT_MAX_FRAME_SIZE) : ABSOLUTE_MAX_FRAME_SIZE;
  }

  /** A request header block: its order on the connection, and its :path if new (see pathsSeen). */
  private notePath(s: H2Stream, headers: HeaderList): void {
    s.requestOrder = ++this.requestsSeen;
    const path = hdr(headers, ':path');
    if (path !== undefined && this.pathsSeen.size < MAX_PATHS_SEEN && !this.pathsSeen.has(path)) this.pathsSeen.set(path, s.requestOrder);
  }

  /** Did the client spell out `path` in a request before stream `s`'s? (GrpcCallBuilder's rpc guess) */
  private pathsBefore(s: H2Stream): (path: string) => boolean {
    const order = s.requestOrder ?? this.requestsSeen + 1;
    return (path) => (this.pathsSeen.get(path) ?? order) < order;
  }

  private hpackFor(dir: Dir): HpackDecoder {
    const d = this.dirs[dir];
    if (!d.hpack) d.hpack = new HpackDecoder({ partial: !this.prefaceSeen && !this.upgraded });
    return d.hpack;
  }

  /** `holes`: payload ranges that were missing from the capture (zero-filled). */
  private onFrame(dir: Dir, h: FrameHeader, p: Uint8Array, frameOffset: number, start: Position, end: Position, holes?: Holes): void {
    const d = this.dirs[dir];
    if (!d.framed) {
      d.framed = true;
      if (h.type !== FrameType.SETTINGS) this.prefaceNotSettings(dir, h, start);
    }
    if (d.continuation && h.type !== FrameType.CONTINUATION) {
      this.session.warn(`HTTP/2 ${dir}: ${frameTypeName(h.type)} frame where CONTINUATION of stream ${d.continuation.streamId} was expected (PROTOCOL_ERROR)`, start);
      d.continuation = undefined;
      this.hpackFor(dir).lost = true;
    }
    switch (h.type) {
      case FrameType.DATA:
        return this.onData(dir, h, p, frameOffset, start, end, holes);
      case FrameType.HEADERS:
        return this.onHeadersFrame(dir, h, p, start, end, holes);
      case FrameType.CONTINUATION:
        return this.onContinuation(dir, h, p, start, end, holes);
      case FrameType.PUSH_PROMISE:
        return this.onPushPromise(dir, h, p, start, end, holes);
      case FrameType.RST_STREAM: {
        if (p.length !== 4 || h.streamId === 0) return this.session.warn(`HTTP/2 ${dir}: malformed RST_STREAM`, start);
        if (holes) return; // its error code is missing from the capture
        const s = this.streams.get(h.streamId);
        if (!s) return;
        const code = be32(p, 0);
        s.rst = { code, dir, tsUs: start.tsUs };
        this.touch(s, dir, start, end, FRAME_HEADER_BYTES + h.length);
        s.call.fields['http2.rst_stream.error'] = errorCodeName(code);
        if (dir === 'c2s' && (code === 8 || code === 0) && this.clientStoppedStream(s)) {
          s.call.warnings.push(`response stream ended because the client cancelled stream ${s.id} (RST_STREAM ${errorCodeName(code)}): e.g. EventSource closed, fetch aborted`);
          s.rstNoted = true;
          this.finish(s, 'complete', end);
          return;
        }
        const noContent = s.noContentData ? noContentResponse(s) : undefined;
        if (dir === 'c2s' && noContent) {
          // The response ended at its HEADERS (RFC 9110 §6.4.1); the DATA after them made the stream
          // malformed (RFC 9113 §8.1.1), and the client resets it, PROTOCOL_ERROR by the RFC.
          s.call.warnings.push(`${noContentWarning(s, noContent)}; the client then reset the stream (RST_STREAM ${errorCodeName(code)})`);
          s.rstNoted = true;
          s.noContentData = undefined;
          this.finish(s, 'complete', end);
          return;
        }
        if (dir === 'c2s' && (code === 0 || code === 5 || code === 8) && this.wholeByLength(s)) {
          // curl ends a transfer once it has the content-length bytes (RFC 9113 §8.1.1) and resets a
          // stream the server has not ended yet (RST_STREAM STREAM_CLOSED): Twisted's h2 server sends
          // END_STREAM in a later empty DATA frame, so with parallel streams the reset comes first.
          s.call.warnings.push(`response of stream ${s.id} had all its content-length bytes; the client then reset the stream (RST_STREAM ${errorCodeName(code)}) before the server's END_STREAM`);
          s.rstNoted = true;
          this.finish(s, 'complete', end);
          return;
        }
        if (dir === 's2c' && code === 0 && s.ended.s2c) {
          // RFC 9113 §8.1: a server that has sent its complete response may stop the rest of the
          // request with RST_STREAM NO_ERROR, and the client must not discard that response (nginx
          // answers a POST to a static file or a `return` location so, before the body is sent).
          s.call.warnings.push(`the server answered before the request ended, then stopped its upload: RST_STREAM NO_ERROR on stream ${s.id} after the complete response (RFC 9113 §8.1)`);
          s.rstNoted = true;
          this.finish(s, 'complete', end);
          return;
        }
        this.finish(s, 'aborted', end);
        return;
      }
      case FrameType.SETTINGS: {
        if (h.flags & FLAG_ACK) return;
        if (holes) this.session.warn(`HTTP/2 ${dir}: SETTINGS frame partly missing from the capture; only its captured entries applied`, start);
        if (h.streamId !== 0 || h.length % 6) return this.session.warn(`HTTP/2 ${dir}: malformed SETTINGS frame`, start);
        for (let o = 0; o + 6 <= p.length; o += 6) {
          if (holes && firstHole(holes, o, o + 6) !== undefined) continue;
          const id = (p[o] << 8) | p[o + 1];
          const v = be32(p, o + 2);
          if (id === SETTINGS_HEADER_TABLE_SIZE) this.hpackFor(other(dir)).setSettingsLimit(v);
          else if (id === SETTINGS_MAX_FRAME_SIZE) {
            if (v < DEFAULT_MAX_FRAME_SIZE || v > ABSOLUTE_MAX_FRAME_SIZE) this.session.warn(`HTTP/2 ${dir}: invalid SETTINGS_MAX_FRAME_SIZE ${v}`, start);
            else {
              this.dirs[other(dir)].maxFrameSize = v;
              this.dirs[other(dir)].maxFrameSizeSeen = true;
            }
          }
        }
        return;
      }
      case FrameType.GOAWAY: {
        if (holes && firstHole(holes, 0, 8) !== undefined) return;
        if (p.length < 8) return this.session.warn(`HTTP/2 ${dir}: malformed GOAWAY`, start);
        const last = be32(p, 0) & 0x7fffffff;
        const code = be32(p, 4);
        const debug = p.subarray(8, Math.min(p.length, 8 + 512));
        // NO_ERROR is a graceful shutdown (RFC 9113 §6.8; apache's idle "timeout", Go's "graceful"):
        // worth a word only when it leaves open streams of the other side unprocessed.
        // The server's is kept: finish tells the client streams above its last one (a last stream
        // id never increases, §6.8) that they were not processed.
        if (dir === 's2c') this.serverGoaway = { last, code };
        // A stream the other side initiated above the last one this side processed: never processed.
        let dropped = false;
        if (code === 0) for (const st of this.streams.values()) if (st.id > last && st.id % 2 === (dir === 's2c' ? 1 : 0)) dropped = true;
        let text = '';
        for (const b of debug) text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
        if (code !== 0) this.connError ??= { who: dir === 'c2s' ? 'client' : 'server', last, code, text, at: start };
        if ((code !== 0 || dropped) && !this.goawayWarned) {
          this.goawayWarned = true;
          this.session.warn(`HTTP/2 GOAWAY from ${dir === 'c2s' ? 'client' : 'server'}: last stream ${last}, ${errorCodeName(code)}${text ? `: ${text}` : ''}`, start);
        }
        return;
      }
      default:
        // PRIORITY, PING, WINDOW_UPDATE, unknown types (§5.5: ignored).
        if (h.streamId) {
          const s = this.streams.get(h.streamId);
          if (s) s.wire[dir] += FRAME_HEADER_BYTES + h.length;
        }
        return;
    }
  }

  /** Strip padding (§6.1, §6.2, §6.6). Returns undefined when the pad length is too large. */
  private unpad(h: FrameHeader, p: Uint8Array): { body: Uint8Array; skip: number } | undefined {
    if (!(h.flags & FLAG_PADDED)) return { body: p, skip: 0 };
    if (p.length < 1) return undefined;
    const pad = p[0];
    if (pad >= p.length) return undefined;
    return { body: p.subarray(1, p.length - pad), skip: 1 };
  }

  private onData(dir: Dir, h: FrameHeader, p: Uint8Array, frameOffset: number, start: Position, end: Position, holes?: Holes): void {
    if (h.streamId === 0) return this.session.warn(`HTTP/2 ${dir}: DATA on stream 0 (PROTOCOL_ERROR)`, start);
    // A pad length that fell in a gap reads as 0: the padding then counts as (missing) body.
    let body = p;
    let skip = 0;
    if (holes && firstHole(holes, 0, 1) === 0) {
      body = p.subarray(1);
      skip = 1;
    } else if (h.flags & FLAG_PADDED) {
      const u = this.unpad(h, p);
      if (!u) return this.session.warn(`HTTP/2 ${dir}: DATA padding longer than the frame`, start);
      body = u.body;
      skip = u.skip;
    }
    const s = this.streamFor(h.streamId, dir, start, 'DATA');
    if (!s) return;
    this.touch(s, dir, start, end, FRAME_HEADER_BYTES + h.length);
    if (dir === 's2c' && body.length && !s.grpc && noContentResponse(s)) {
      // hyper 0.14's h2 server sends the GET's body after the response to HEAD; the h2 crate's
      // client then resets the stream PROTOCOL_ERROR. The response was whole at its HEADERS.
      s.noContentData = (s.noContentData ?? 0) + body.length;
      if (h.flags & FLAG_END_STREAM) this.endStream(s, dir, end);
      return;
    }
    if (!s.grpc && this.gapSeen) this.grpcByShape(s, dir, body, holes ? firstHole(holes, skip, p.length) : undefined);
    const payloadOffset = frameOffset + FRAME_HEADER_BYTES + skip;
    const bodyHoles = holes ? holesIn(holes.map(([a, b]) => [a - skip, b - skip]), 0, body.length) : undefined;
    if (s.grpc) {
      const posAt = this.dirs[dir].posAt;
      s.grpc.dataFrameStart(dir, body.length && !(bodyHoles && bodyHoles[0][0] === 0) ? body[0] : undefined);
      if (!bodyHoles) {
        // (the usual case: the whole body captured)
        if (body.length) s.grpc.data(dir, body, payloadOffset, posAt);
      } else {
        for (const [a, b, missing] of bodyRuns(body.length, bodyHoles)) {
          if (missing) s.grpc.gap(dir, b - a, payloadOffset + a, posAt);
          else if (b > a) s.grpc.data(dir, a === 0 && b === body.length ? body : body.subarray(a, b), payloadOffset + a, posAt);
        }
      }
    } else {
      const acc = s.body[dir];
      const events = this.eventsOf(s, dir);
      for (const [a, b, missing] of bodyRuns(body.length, bodyHoles)) {
        // The body's size on the wire counts what fell in gaps; its kept bytes stop at the first
        // gap (never glued over it): the body is then cut by the capture, as in HTTP/1.
        acc.size += b - a;
        if (missing) {
          acc.missing = (acc.missing ?? 0) + (b - a);
          continue;
        }
        if (acc.missing) continue;
        if (events && b > a) {
          const track = this.dirs[dir].track;
          const base = payloadOffset + a;
          events.push(body.subarray(a, b), (i) => track.at(base + i));
        }
        const room = this.session.env.limits.maxBodyBytes - acc.kept;
        if (room > 0 && b > a) {
          const part = body.subarray(a, Math.min(b, a + room)).slice();
          acc.chunks.push(part);
          acc.kept += part.length;
        }
      }
    }
    if (h.flags & FLAG_END_STREAM) this.endStream(s, dir, end);
  }

  /** The event reader of a streamed body read as it arrives (none when not streamed, or content-coded). */
  private eventsOf(s: H2Stream, dir: Dir): EventStreamReader | undefined {
    const ev = (s.events ??= {});
    if (ev[dir] === undefined) {
      const headers = dir === 'c2s' ? s.requestHeaders : s.responseHeaders;
      const format = eventStreamFormat(headers);
      ev[dir] = format ? new EventStreamReader(format, dir, this.session.env.limits) : null;
      const codings = format ? streamCodings(headers) : [];
      if (codings.length) (s.eventCodings ??= {})[dir] = codings;
    }
    const r = ev[dir];
    return r && !s.eventCodings?.[dir] ? r : undefined;
  }

  /** Read every streamed body of a stream to its end and set the call's messages and kind. */
  private finishEvents(s: H2Stream): void {
    if (!s.events) return;
    const readers: EventStreamReader[] = [];
    for (const dir of ['c2s', 's2c'] as Dir[]) {
      const r = s.events[dir];
      if (!r) continue;
      const acc = s.body[dir];
      const end = { frame: s.call.frames[s.call.frames.length - 1] ?? 0, tsUs: s.lastUs };
      const codings = s.eventCodings?.[dir];
      if (codings) {
        readCodedEventStream(r, concatBytes(acc.chunks), acc.size, codings, this.session.env, end);
      } else {
        if (acc.missing) r.warnings.push('a capture gap in the body: events after it were not read');
        r.end(end);
      }
      readers.push(r);
    }
    applyEventStreams(s.call, readers, this.session.env.limits.maxMessagesPerCall);
  }

  /** A request that ended, and a response (not gRPC) with every byte its content-length announced, captured without a gap. */
  private wholeByLength(s: H2Stream): boolean {
    if (!s.ended.c2s || s.ended.s2c || s.grpc || !s.responseHeaders) return false;
    const cl = hdr(s.responseHeaders, 'content-length')?.trim();
    const acc = s.body.s2c;
    return cl !== undefined && /^\d{1,15}$/.test(cl) && !acc.missing && acc.size === Number(cl);
  }

  /** The client stopped a streamed response (RST_STREAM CANCEL/NO_ERROR, connection closed): its end, not a failure. */
  private clientStoppedStream(s: H2Stream): boolean {
    return !!s.responseHeaders && !!s.events?.s2c && !s.ended.s2c;
  }

  private onHeadersFrame(dir: Dir, h: FrameHeader, p: Uint8Array, start: Position, end: Position, holes?: Holes): void {
    if (h.streamId === 0) return this.session.warn(`HTTP/2 ${dir}: HEADERS on stream 0 (PROTOCOL_ERROR)`, start);
    const u = holes && firstHole(holes, 0, 1) === 0 ? { body: p.subarray(1), skip: 1 } : this.unpad(h, p);
    if (!u) return this.session.warn(`HTTP/2 ${dir}: HEADERS padding longer than the frame`, start);
    let block = u.body;
    let priority: { exclusive: boolean; dependency: number; weight: number } | undefined;
    if (h.flags & FLAG_PRIORITY) {
      if (block.length < 5) return this.session.warn(`HTTP/2 ${dir}: HEADERS too short for its priority fields`, start);
      priority = { exclusive: (block[0] & 0x80) !== 0, dependency: be32(block, 0) & 0x7fffffff, weight: block[4] + 1 };
      block = block.subarray(5);
    }
    const endStream = (h.flags & FLAG_END_STREAM) !== 0;
    // A gap inside the block: only the part before it can be decoded.
    const blockStart = u.skip + (priority ? 5 : 0);
    const cutAt = firstHole(holes, blockStart, blockStart + block.length);
    if (h.flags & FLAG_END_HEADERS) {
      this.onHeaderBlock(dir, h.streamId, block, endStream, start, end, FRAME_HEADER_BYTES + h.length, priority, undefined, cutAt);
    } else {
      // Wire bytes and packets are counted once the block ends (RFC 9113 §6.10: CONTINUATION frames follow).
      this.dirs[dir].continuation = { streamId: h.streamId, fragments: [block.slice()], bytes: block.length, endStream, start, cutAt, wire: FRAME_HEADER_BYTES + h.length, frames: [end.frame] };
    }
  }

  private onPushPromise(dir: Dir, h: FrameHeader, p: Uint8Array, start: Position, end: Position, holes?: Holes): void {
    const u = this.unpad(h, p);
    if (!u || u.body.length < 4) return this.session.warn(`HTTP/2 ${dir}: malformed PUSH_PROMISE`, start);
    if (holes && firstHole(holes, u.skip, u.skip + 4) !== undefined) {
      // The promised stream id is missing: the block cannot be attached; its insertions are lost.
      this.hpackFor(dir).resetPartial(HPACK_GAP_REASON);
      return this.session.warn(`HTTP/2 ${dir}: PUSH_PROMISE on stream ${h.streamId} cut by a gap in the capture`, start);
    }
    const promisedId = be32(u.body, 0) & 0x7fffffff;
    const block = u.body.subarray(4);
    const cutAt = firstHole(holes, u.skip + 4, u.skip + 4 + block.length);
    if (h.flags & FLAG_END_HEADERS) this.onHeaderBlock(dir, h.streamId, block, false, start, end, FRAME_HEADER_BYTES + h.length, undefined, promisedId, cutAt);
    else this.dirs[dir].continuation = { streamId: h.streamId, fragments: [block.slice()], bytes: block.length, endStream: false, promisedId, start, cutAt, wire: FRAME_HEADER_BYTES + h.length, frames: [end.frame] };
  }

  private onContinuation(dir: Dir, h: FrameHeader, p: Uint8Array, start: Position, end: Position, holes?: Holes): void {
    const d = this.dirs[dir];
    const c = d.continuation;
    if (!c || c.streamId !== h.streamId) {
      this.session.warn(`HTTP/2 ${dir}: unexpected CONTINUATION on stream ${h.streamId} (PROTOCOL_ERROR)`, start);
      this.hpackFor(dir).lost = true;
      return;
    }
    const hole = firstHole(holes, 0, p.length);
    if (hole !== undefined && c.cutAt === undefined) c.cutAt = c.bytes + hole;
    c.fragments.push(p.slice());
    c.bytes += p.length;
    c.wire += FRAME_HEADER_BYTES + h.length;
    if (c.frames.length < MAX_FRAMES_PER_CALL && c.frames[c.frames.length - 1] !== start.frame) c.frames.push(start.frame);
    // A header block is at most ~maxHeaderBytes decoded; allow some room for literal encodings.
    if (c.bytes > 4 * this.session.env.limits.maxHeaderBytes + 65536) {
      this.session.warn(`HTTP/2 ${dir}: header block of stream ${h.streamId} longer than ${c.bytes} bytes; dropped`, start);
      d.continuation = undefined;
      this.hpackFor(dir).lost = true;
      return;
    }
    if (!(h.flags & FLAG_END_HEADERS)) return;
    d.continuation = undefined;
    const block = new Uint8Array(c.bytes);
    let o = 0;
    for (const f of c.fragments) block.set(f, o), (o += f.length);
    this.blockFrames = c.frames;
    try {
      this.onHeaderBlock(dir, c.streamId, block, c.endStream, c.start, end, c.wire, undefined, c.promisedId, c.cutAt);
    } finally {
      this.blockFrames = undefined;
    }
  }

  private onHeaderBlock(
    dir: Dir,
    streamId: number,
    block: Uint8Array,
    endStream: boolean,
    start: Position,
    end: Position,
    wire: number,
    priority?: { exclusive: boolean; dependency: number; weight: number },
    promisedId?: number,
    cutAt?: number,
  ): void {
    const limits = this.session.env.limits;
    const hpack = this.hpackFor(dir);
    const wasLost = hpack.lost;
    const r =
      cutAt === undefined
        ? hpack.decode(block, limits.maxHeaderBytes, limits.maxHeaders)
        : hpack.decode(block.subarray(0, cutAt), limits.maxHeaderBytes, limits.maxHeaders, 'before a header block cut by a gap in the capture');
    const cutNote =
      cutAt === undefined
        ? undefined
        : `${promisedId !== undefined ? 'push promise' : dir === 'c2s' ? 'request' : 'response'} header block of stream ${promisedId ?? streamId} cut by a gap in the capture (${cutAt} of ${block.length} bytes captured): ${r.headers.length} field(s) decoded`;
    if (!this.rolesKnown && !r.error && promisedId === undefined) {
      const isRequest = r.headers.some(([k]) => k === ':method');
      const isResponse = r.headers.some(([k]) => k === ':status');
      if (isRequest !== isResponse) {
        this.rolesKnown = true;
        if ((dir === 'c2s') !== isRequest) {
          this.swapRoles();
          dir = other(dir);
        }
      }
    }
    if (r.error && !wasLost) this.session.warn(`HPACK error (${dir}, stream ${streamId}): ${r.error}; later header blocks from this side cannot be decoded`, start);
    const headers = r.error ? undefined : r.headers;

    if (promisedId !== undefined) {
      // PUSH_PROMISE: the server's idea of a request; the promised stream gets the response.
      const s = this.openStream(promisedId, start, headers, true);
      if (!s) return;
      s.pushed = true;
      s.call.fields['http2.push_promise'] = true;
      s.call.fields['http2.associated_stream'] = streamId;
      s.ended.c2s = true;
      s.call.timing.requestEndUs = end.tsUs;
      this.addFrames(s, start, end);
      if (r.error) s.call.warnings.push(`push promise headers could not be decoded: ${r.error}`);
      if (cutNote) {
        s.cut = true;
        s.call.warnings.push(cutNote);
      }
      for (const w of r.warnings) s.call.warnings.push(w);
      return;
    }

    let s = this.streams.get(streamId);
    if (!s) {
      if (this.wasClosed(streamId)) return;
      if (dir === 'c2s') {
        s = this.openStream(streamId, start, headers, false);
        if (!s) return;
        if (priority) {
          s.call.fields['http2.headers.weight'] = priority.weight;
          s.call.fields['http2.headers.dependency'] = priority.dependency;
          if (priority.exclusive) s.call.fields['http2.headers.exclusive'] = true;
        }
        if (!headers) {
          s.headersUnknown = true;
          s.call.warnings.push(`request headers of stream ${streamId} could not be decoded (${r.error})`);
        }
        if (cutNote) {
          s.cut = true;
          s.headersUnknown = true;
          s.call.warnings.push(cutNote);
        }
        for (const w of r.warnings) s.call.warnings.push(w);
        const bad = headers && !cutNote ? malformedBlock(headers, 'request') : undefined;
        if (bad) s.call.warnings.push(`malformed request header block (${bad})`);
        this.touch(s, dir, start, end, wire);
        if (endStream) this.endStream(s, dir, end);
        return;
      }
      s = this.streamFor(streamId, dir, start, 'HEADERS');
      if (!s) return;
    }
    this.touch(s, dir, start, end, wire);
    if (cutNote) {
      s.cut = true;
      s.call.warnings.push(cutNote);
    }
    for (const w of r.warnings) s.call.warnings.push(w);
    if (!headers) {
      s.call.warnings.push(`${dir === 'c2s' ? 'request' : 'response'} headers could not be decoded (${r.error})`);
      s.headersUnknown = s.headersUnknown || dir === 'c2s';
      if (endStream) this.endStream(s, dir, end);
      return;
    }
    // The block's role, decided once: it is both checked (malformedBlock) and stored by it.
    const statusText = dir === 'c2s' ? undefined : hdr(headers, ':status');
    const kind: 'request' | 'response' | 'trailers' =
      dir === 'c2s' ? (s.requestHeaders ? 'trailers' : 'request') : !s.responseHeaders && statusText !== undefined ? 'response' : 'trailers';
    if (!cutNote) {
      const bad = malformedBlock(headers, kind);
      if (bad) s.call.warnings.push(`malformed ${kind === 'trailers' ? 'trailer' : kind} header block (${bad})`);
    }
    if (dir === 'c2s') {
      if (kind === 'request') {
        s.requestHeaders = headers;
        this.notePath(s, headers);
      } else {
        s.requestTrailers = headers;
        if (s.grpc) s.call.warnings.push('request trailers on a gRPC stream');
      }
    } else {
      const status = statusText === undefined ? NaN : Number(statusText);
      if (kind === 'response' && status >= 100 && status < 200) {
        s.interim.push({ status, tsUs: start.tsUs });
      } else if (kind === 'response') {
        s.responseHeaders = headers;
        s.call.timing.responseStartUs = start.tsUs;
        // The response says gRPC where the request could not: its headers unknown, or its content-type
        // an HPACK entry from before the capture (grpc C-core indexes it on a connection's first call;
        // a Trailers-Only error answered with a literal content-type names it again).
        if (!s.grpc && isGrpcContentType(hdr(headers, 'content-type')) && (s.headersUnknown || s.hinted || contentTypeLost(s.requestHeaders))) this.becomeGrpc(s);
        s.grpc?.responseHeaders(headers, endStream);
      } else {
        if (!s.responseHeaders && statusText === undefined && !s.headersUnknown) s.call.warnings.push('response trailers without response headers');
        s.responseTrailers = headers;
        s.grpc?.trailers(headers);
      }
    }
    if (endStream) this.endStream(s, dir, end);
  }

  private swapRoles(): void {
    this.swapped = true;
    const c = this.dirs.c2s;
    this.dirs.c2s = this.dirs.s2c;
    this.dirs.s2c = c;
    this.session.warn('HTTP/2: client and server were guessed the wrong way round; swapped (requests come from ' + this.session.flow.server.ip + ':' + this.session.flow.server.port + ')');
    for (const s of this.streams.values()) this.applyRoles(s.call);
  }

  private applyRoles(call: Call): void {
    if (!this.swapped) return;
    call.client = this.session.flow.server;
    call.server = this.session.flow.client;
  }

  private get serverPort(): number {
    return this.swapped ? this.session.flow.client.port : this.session.flow.server.port;
  }

  // ---- streams -------------------------------------------------------------------------------

  /** A stream first seen on a request HEADERS (or PUSH_PROMISE). */
  private openStream(id: number, start: Position, headers: HeaderList | undefined, pushed: boolean): H2Stream | undefined {
    if (this.streams.size >= MAX_OPEN_STREAMS) {
      const oldest = this.streams.values().next().value as H2Stream;
      oldest.call.warnings.push(`more than ${MAX_OPEN_STREAMS} concurrent streams: reported early`);
      this.finish(oldest, 'incomplete', start);
    }
    if (id % 2 === 1 && id > this.maxStreamId) this.maxStreamId = id;
    const grpc = !!headers && isGrpcContentType(hdr(headers, 'content-type'));
    const call = this.session.newCall(grpc ? 'grpc' : 'http2', start);
    this.applyRoles(call);
    call.fields['http2.streamid'] = id;
    const s: H2Stream = {
      id,
      call,
      headersUnknown: !headers,
      hinted: false,
      pushed,
      requestHeaders: headers,
      interim: [],
      body: { c2s: { chunks: [], kept: 0, size: 0 }, s2c: { chunks: [], kept: 0, size: 0 } },
      ended: { c2s: false, s2c: false },
      wire: { c2s: 0, s2c: 0 },
      lastUs: start.tsUs,
    };
    this.streams.set(id, s);
    if (headers && !pushed) this.notePath(s, headers);
    if (grpc) {
      s.grpc = new GrpcCallBuilder(call, this.session, this.pathsBefore(s));
      s.grpc.requestHeaders(headers!);
    }
    return s;
  }

  /** A frame on a stream we have no request HEADERS for. */
  private streamFor(id: number, dir: Dir, start: Position, what: string): H2Stream | undefined {
    const known = this.streams.get(id);
    if (known) return known;
    if (this.wasClosed(id)) {
      // Frames in flight after a reset or after the stream ended (RFC 9113 §5.1): normal, ignored.
      void what;
      return undefined;
    }
    const hint = this.session.env.hints?.find((x) => x.port === this.serverPort);
    this.maxStreamIdBefore = this.maxStreamId;
    const s = this.openStream(id, start, undefined, false)!;
    s.headersUnknown = true;
    if (hint) {
      const headers: HeaderList = Object.entries(hint.headers).map(([k, v]) => [k.toLowerCase(), v]);
      s.requestHeaders = headers;
      s.hinted = true;
      s.call.warnings.push(`stream ${id} started before the capture: request headers taken from the hint for port ${hint.port}`);
      if (isGrpcContentType(hdr(headers, 'content-type'))) this.becomeGrpc(s);
    } else if (this.gapSeen && id > this.maxStreamIdBefore) {
      s.call.warnings.push(`request headers of stream ${id} missing from the capture (lost in a gap): headers unknown`);
    } else {
      s.call.warnings.push(`stream ${id} started before the capture: headers unknown`);
    }
    return s;
  }

  /**
   * `late`: gRPC known only from the stream's shape, after the response's header blocks may have
   * come (at its first s2c DATA or its end): they carry the status, handed over like the request's.
   */
  private becomeGrpc(s: H2Stream, late = false): void {
    if (s.grpc) return;
    s.call.protocol = 'grpc';
    s.grpc = new GrpcCallBuilder(s.call, this.session, this.pathsBefore(s));
    if (s.requestHeaders) s.grpc.requestHeaders(s.requestHeaders);
    else s.call.method = s.call.method || '?';
    if (late && s.responseHeaders) s.grpc.responseHeaders(s.responseHeaders, !s.responseTrailers);
    if (late && s.responseTrailers) s.grpc.trailers(s.responseTrailers);
    // DATA already buffered as a plain body (before the response headers said gRPC): replay it.
    for (const dir of ['c2s', 's2c'] as Dir[]) {
      const acc = s.body[dir];
      if (acc.size && acc.size === acc.kept && !acc.missing) {
        let off = 0;
        for (const c of acc.chunks) {
          s.grpc.data(dir, c, off, () => ({ frame: s.call.frames[0] ?? 0, tsUs: s.call.timing.startUs, streamOffset: off }));
          off += c.length;
        }
      } else if (acc.size) s.call.warnings.push(`${acc.size} bytes of ${dir} DATA before the stream was known to be gRPC were not decoded`);
      s.body[dir] = { chunks: [], kept: 0, size: 0 };
    }
  }

  private touch(s: H2Stream, dir: Dir, start: Position, end: Position, wire: number): void {
    s.wire[dir] += wire;
    s.lastUs = end.tsUs;
    this.addFrames(s, start, end);
  }

  private addFrames(s: H2Stream, start: Position, end: Position): void {
    const f = s.call.frames;
    addFrame(f, start.frame);
    // The packets of a header block's middle frames, in order, before its last one.
    if (this.blockFrames) for (const n of this.blockFrames) addFrame(f, n);
    if (end.frame !== start.frame) addFrame(f, end.frame);
  }

  private endStream(s: H2Stream, dir: Dir, end: Position): void {
    if (s.ended[dir]) return;
    s.ended[dir] = true;
    if (dir === 'c2s') s.call.timing.requestEndUs = end.tsUs;
    if (s.ended.c2s && s.ended.s2c) this.finish(s, 'complete', end);
  }

  /** Did this stream end (and is it still remembered)? A new request's stream id is above every closed one. */
  private wasClosed(id: number): boolean {
    return id <= this.maxClosedId && this.closed.has(id);
  }

  /** `untilAt`: the call lasted until `at` (the connection's close), not only until its last frame. */
  private finish(s: H2Stream, state: Call['state'], at: Position, untilAt = false): void {
    if (!this.streams.delete(s.id)) return;
    this.closed.add(s.id);
    if (s.id > this.maxClosedId) this.maxClosedId = s.id;
    if (this.closed.size > MAX_CLOSED_REMEMBERED) {
      let n = this.closed.size / 2;
      for (const id of this.closed) {
        this.closed.delete(id);
        if (--n <= 0) break;
      }
    }
    const call = s.call;
    call.timing.endUs = untilAt && at.tsUs > s.lastUs ? at.tsUs : s.lastUs;
    if (((s.headersUnknown && !s.hinted) || s.cut) && state === 'complete') state = 'incomplete';
    call.state = state;
    // A stream above the last one a GOAWAY said was processed, and that got no response: it was
    // not processed at all (RFC 9113 §6.8), whatever reset or close ended it; a client may retry it.
    // That holds too for a client stream opened after the server's GOAWAY (sent before the client read it).
    const g = this.serverGoaway;
    const unprocessed = g && s.id % 2 === 1 && s.id > g.last && !s.responseHeaders && !s.pushed ? g : undefined;
    if (unprocessed) {
      call.warnings.push(`stream ${s.id} not processed: the server's GOAWAY (last stream ${unprocessed.last}, ${errorCodeName(unprocessed.code)}) came first (RFC 9113 §6.8); a client may retry it on a new connection`);
      s.rstNoted = true;
    }
    if (s.noContentData) {
      const what = noContentResponse(s);
      if (what) call.warnings.push(noContentWarning(s, what));
    }
    if (s.rst && !s.rstNoted) {
      // NO_ERROR from the server before its response ended: RFC 9113 §8.1 allows it only after a
      // complete response, so the response is cut (lua-http 0.4's server resets so a stream whose
      // trailers it fails to send, and its client then drops the body).
      const cutByServer = s.rst.dir === 's2c' && s.rst.code === 0 && s.responseHeaders && !s.ended.s2c;
      call.warnings.push(
        cutByServer
          ? `stream ${s.id} reset by the server (RST_STREAM NO_ERROR) before its response ended: the response is cut (RFC 9113 §8.1 allows NO_ERROR after a complete one)`
          : `stream ${s.id} reset by the ${s.rst.dir === 'c2s' ? 'client' : 'server'}: RST_STREAM ${errorCodeName(s.rst.code)}`,
      );
    }
    try {
      if (s.grpc) {
        s.grpc.finish({ rst: rstInfo(s), wire: s.wire, requestTrailers: s.requestTrailers, ended: s.ended, goaway: unprocessed });
        // Set in place on the parts the builder has just made (a spread into a new object cost
        // more than the rest of finish; the key order is the same: existing keys keep their place).
        const req = (call.request ??= {});
        req.headers = s.requestHeaders;
        req.wireBytes = s.wire.c2s;
        const res = (call.response ??= {});
        res.headers = s.responseHeaders;
        res.trailers = s.responseTrailers;
        res.wireBytes = s.wire.s2c;
        if (s.hinted) call.fields['grpc.hinted'] = true;
        this.session.emit(call);
        return;
      }
      if (this.gapSeen && this.grpcByShape(s)) {
        this.streams.set(s.id, s);
        this.closed.delete(s.id);
        this.finish(s, state, at);
        return;
      }
      if (this.looksLikeGrpc(s)) {
        call.warnings.push('content-type unknown (HPACK entry from before the capture): decoded as gRPC by its message framing');
        this.becomeGrpc(s, true);
        this.streams.set(s.id, s);
        this.closed.delete(s.id);
        this.finish(s, state, at);
        return;
      }
      if (s.headersUnknown && !s.requestHeaders && this.wholeMessagesOnly(s)) {
        // (no trailers and no header block to back the framing: not taken as gRPC, but said, with the way to decode it)
        call.warnings.push(
          `its DATA are whole gRPC length-prefixed messages: a hint for port ${this.serverPort} with the stream's :path and content-type decodes them (CLI: --hint ${this.serverPort},:path=/pkg.Service/Method,content-type=application/grpc)`,
        );
      }
      this.emitHttp(s);
    } catch (e) {
      call.warnings.push(`decoder error: ${(e as Error).message}`);
      this.session.emit(call);
    }
  }

  /**
   * After a gap the request's content-type may be an HPACK entry we lost: a POST (or unknown
   * method) to a `/pkg.Service/Method` path whose content-type is a placeholder is taken as gRPC,
   * so its messages are framed (cut ones become warnings) — at the first DATA of a side when it
   * starts with a gRPC message prefix (flags 0 or 1), or at the end of the stream.
   */
  private grpcByShape(s: H2Stream, dir?: Dir, body?: Uint8Array, holeAt?: number): boolean {
    if (s.grpc || s.hinted) return false;
    if (dir) {
      const acc = s.body[dir];
      if (acc.size || acc.missing || !body) return false;
      if (body.length < 5 || body[0] > 1 || (holeAt !== undefined && holeAt < 5)) return false;
    }
    const ct = hdr(s.requestHeaders, 'content-type');
    if (ct !== undefined && ct !== UNKNOWN_ENTRY) return false;
    const method = hdr(s.requestHeaders, ':method');
    if (method !== undefined && method !== 'POST') return false;
    const path = hdr(s.requestHeaders, ':path');
    if (path === undefined || path === UNKNOWN_ENTRY) {
      // Request headers lost or cut before :path: only the message prefix of a first DATA speaks.
      if (!body || be32(body, 1) > 4 * this.session.env.limits.maxBodyBytes) return false;
      if (!s.headersUnknown) {
        // The header block was read, but :path (and content-type) were references to HPACK entries
        // lost in a gap (RFC 7541 §2.3.2; grpc C-core indexes them on a connection's first call, so
        // a snaplen that cuts that block hides them from every later call). A gRPC request header
        // that survived (grpc-timeout, grpc-encoding…), or a DATA frame holding exactly whole
        // length-prefixed messages, says gRPC.
        if (!refersToLostEntry(s.requestHeaders)) return false;
        if (!s.requestHeaders?.some(([k]) => k.startsWith('grpc-')) && (holeAt !== undefined || !wholeMessages(body))) return false;
      }
    } else {
      if (!s.requestHeaders?.some(([k]) => k === UNKNOWN_ENTRY)) return false;
      if (!/^\/[^/\s]+\.[^/\s]+\/[^/\s]+$/.test(path)) return false;
    }
    for (const d of ['c2s', 's2c'] as Dir[]) {
      // A side already buffered must not contradict the framing.
      const c = s.body[d].chunks[0];
      if (c && c[0] > 1) return false;
    }
    s.call.warnings.push(`content-type unknown (lost in a gap): taken as gRPC by its ${path === undefined || path === UNKNOWN_ENTRY ? 'message framing' : ':path'}`);
    this.becomeGrpc(s, true);
    return true;
  }

  /**
   * A stream whose content-type is unknown but whose bodies are exactly gRPC length-prefixed
   * messages. With its :path unknown too (a client that indexes every header — grpc-go,
   * grpc-java, C-core — sends a method it called before the capture as one indexed field, RFC 7541
   * §6.1), the framing alone is not enough: a POST whose response ended with a second HEADERS
   * (trailers, which gRPC always sends: PROTOCOL-HTTP2.md "Responses") must back it.
   */
  private looksLikeGrpc(s: H2Stream): boolean {
    if (s.headersUnknown && !s.requestHeaders) return this.grpcResponseShape(s);
    if (!contentTypeLost(s.requestHeaders)) return false;
    const path = hdr(s.requestHeaders, ':path');
    if (path === undefined || path === UNKNOWN_ENTRY) {
      if (hdr(s.requestHeaders, ':method') !== 'POST') return false;
      // Trailers, or Trailers-Only: one HEADERS that ended the response, with fields beside :status;
      // or, for a call that got no answer (a deadline, a cancel), a gRPC request field the client
      // spelled out (grpc-timeout changes with every call, so C-core never finds it in its table).
      const trailersOnly = s.ended.s2c && !s.body.s2c.size && (s.responseHeaders?.length ?? 0) > 1;
      const grpcField = s.requestHeaders?.some(([k]) => k === 'grpc-timeout' || k === 'grpc-encoding' || k === 'grpc-accept-encoding');
      if (!s.responseTrailers?.length && !trailersOnly && !grpcField) return false;
    } else if (!/^\/[^/]+\/[^/]+$/.test(path)) return false;
    let any = false;
    for (const dir of ['c2s', 's2c'] as Dir[]) {
      const acc = s.body[dir];
      if (acc.size !== acc.kept) return false;
      if (!wholeMessages(concatBytes(acc.chunks))) return false;
      any ||= acc.kept > 0;
    }
    return any;
  }

  /**
   * A stream whose request came before the capture (a capture started mid-connection): only its
   * response speaks. grpc-js's server (Node's nghttp2) indexes content-type, grpc-status 0 and
   * grpc-message on a connection's first call (RFC 7541 §6.2.1), so later responses name them only by
   * dynamic-table index. gRPC when the response's fields refer to such entries and none is a known
   * content-type, the response ended with trailers (PROTOCOL-HTTP2.md "Responses": Response-Headers
   * *Length-Prefixed-Message Trailers), and its DATA are whole length-prefixed messages (a request
   * side seen in part must be too).
   */
  /** Every DATA of the stream was captured and is a run of whole length-prefixed messages, at least one. */
  private wholeMessagesOnly(s: H2Stream): boolean {
    let any = false;
    for (const dir of ['c2s', 's2c'] as Dir[]) {
      const acc = s.body[dir];
      if (acc.size !== acc.kept || acc.missing || (acc.kept && !wholeMessages(concatBytes(acc.chunks)))) return false;
      any ||= acc.kept > 0;
    }
    return any;
  }

  private grpcResponseShape(s: H2Stream): boolean {
    if (s.hinted || !contentTypeLost(s.responseHeaders) || !s.responseTrailers?.length) return false;
    const res = s.body.s2c;
    if (!res.kept || res.size !== res.kept || !wholeMessages(concatBytes(res.chunks))) return false;
    const req = s.body.c2s;
    return !req.size || (req.size === req.kept && wholeMessages(concatBytes(req.chunks)));
  }

  private emitHttp(s: H2Stream): void {
    const call = s.call;
    const env = this.session.env;
    const req = s.requestHeaders ?? [];
    const res = s.responseHeaders ?? [];
    const method = hdr(req, ':method') ?? (s.headersUnknown ? '?' : '');
    const path = hdr(req, ':path');
    const authority = hdr(req, ':authority') ?? hdr(req, 'host');
    const statusText = hdr(res, ':status');
    const status = statusText !== undefined && /^\d{3}$/.test(statusText) ? Number(statusText) : undefined;
    const body = (dir: Dir, headers: HeaderList) => {
      const acc = s.body[dir];
      if (acc.missing) call.warnings.push(`${dir === 'c2s' ? 'request' : 'response'} body: ${acc.missing} bytes missing from the capture (gap): kept up to the gap`);
      if (!acc.size && !acc.chunks.length) return undefined;
      const r = decodeHttpBody(concatBytes(acc.chunks), acc.size, withoutPseudo(headers), env, dir === 's2c' ? withoutPseudo(req) : undefined, path);
      for (const w of r.warnings) call.warnings.push(`${dir === 'c2s' ? 'request' : 'response'} body: ${w}`);
      return r.body;
    };
    call.method = method;
    if (path !== undefined) call.target = path;
    if (status !== undefined) call.status = { code: status, ok: status < 400 };
    call.fields['http2.header.method'] = method;
    call.http = {
      version: 'HTTP/2',
      method,
      uri: path,
      host: authority,
      status,
      reason: undefined,
      requestHeaders: s.requestHeaders,
      responseHeaders: s.responseHeaders,
      requestBody: body('c2s', req),
      responseBody: body('s2c', res),
    };
    if (s.interim.length) call.http.interim = s.interim.map((i) => ({ status: i.status, tsUs: i.tsUs }));
    call.request = { headers: s.requestHeaders, trailers: s.requestTrailers, body: call.http.requestBody, wireBytes: s.wire.c2s };
    call.response = { headers: s.responseHeaders, trailers: s.responseTrailers, body: call.http.responseBody, wireBytes: s.wire.s2c };
    this.finishEvents(s);
    delete call.fields['http2.header.method'];
    const rst = rstInfo(s);
    if (rst) noteStreamReset(call, rst);
    emitHttpCall(call, this.session);
  }

  /**
   * Each side's connection preface starts with a SETTINGS frame (RFC 9113 §3.4; after an h2c
   * Upgrade too, §3.2), and a peer may treat anything else as a connection error PROTOCOL_ERROR.
   * Varnish 7.1 answers an upgraded request with HEADERS on stream 1 before its SETTINGS when the
   * backend is quick: curl then sends GOAWAY PROTOCOL_ERROR "SETTINGS expected". Said only when the
   * capture holds the connection's start (the client preface or the 101) and no bytes before.
   */
  private prefaceNotSettings(dir: Dir, h: FrameHeader, at: Position): void {
    if (!(this.prefaceSeen || this.upgraded) || this.swapped || this.gapSeen) return;
    const who = dir === 'c2s' ? 'client' : 'server';
    const what = `${frameTypeName(h.type)}${h.streamId ? ` on stream ${h.streamId}` : ''}`;
    const msg = `the ${who}'s first frame is ${what}, not SETTINGS: its connection preface must start with SETTINGS (RFC 9113 §3.4), and the ${dir === 'c2s' ? 'server' : 'client'} may close the connection with PROTOCOL_ERROR`;
    this.session.warn(`HTTP/2: ${msg}`, at);
  }

  // ---- h2c upgrade ---------------------------------------------------------------------------

  private startFromUpgrade(init: HttpUpgradeInit): void {
    this.upgraded = true;
    const r = init.request;
    const at: Position = { frame: r.frame, tsUs: r.startUs, streamOffset: 0 };
    const headers: HeaderList = [
      [':method', r.method],
      [':scheme', 'http'],
      [':path', r.uri],
    ];
    for (const [k, v] of r.headers) {
      const n = k.toLowerCase();
      if (n === 'host') headers.splice(3, 0, [':authority', v]);
      else if (n !== 'connection' && n !== 'upgrade' && n !== 'http2-settings' && n !== 'keep-alive' && n !== 'transfer-encoding') headers.push([n, v]);
    }
    const s = this.openStream(1, at, headers, false)!;
    s.call.fields['http2.upgrade'] = 'h2c';
    s.call.fields['http.upgrade_call'] = init.upgradeCallId;
    if (r.body && r.body.length) {
      if (s.grpc) s.grpc.data('c2s', r.body, 0, () => at);
      else {
        const keep = r.body.subarray(0, this.session.env.limits.maxBodyBytes).slice();
        s.body.c2s = { chunks: [keep], kept: keep.length, size: r.body.length };
      }
    }
    s.ended.c2s = true;
    s.call.timing.requestEndUs = r.endUs;
    this.addFrames(s, at, { frame: r.frame, tsUs: r.endUs, streamOffset: 0 });
    // The client still sends the preface after the 101; HPACK starts fresh in both directions.
    this.dirs.c2s.hpack = new HpackDecoder();
    this.dirs.s2c.hpack = new HpackDecoder();
  }
}

/** A stream's RST_STREAM as the gRPC call builder reads it (code, its name, who sent it, when). */
function rstInfo(s: H2Stream): GrpcFinishInfo['rst'] {
  return s.rst ? { code: s.rst.code, name: errorCodeName(s.rst.code), by: s.rst.dir, tsUs: s.rst.tsUs } : undefined;
}

/** A packet number into a call's frames (once each, up to MAX_FRAMES_PER_CALL). */
function addFrame(frames: number[], n: number): void {
  // (the newest packet first: a stream's frames mostly come in order)
  if (frames.length < MAX_FRAMES_PER_CALL && frames[frames.length - 1] !== n && !frames.includes(n)) frames.push(n);
}

function withoutPseudo(headers: HeaderList): HeaderList {
  return headers.filter(([k]) => !k.startsWith(':'));
}

/**
 * A frame header that claims more than the default SETTINGS_MAX_FRAME_SIZE (only plausible while
 * the limit is unknown) confirms a boundary only with a plausible header of ordinary length right
 * after its end: the upper bytes of a false header (a length field read from a frame's type and
 * flags) readily claim tens of kilobytes.
 */
function longConfirmed(buf: Uint8Array, at: number): boolean {
  const length = readFrameHeader(buf, at).length;
  if (length <= DEFAULT_MAX_FRAME_SIZE) return true;
  const after = at + FRAME_HEADER_BYTES + length;
  return after + FRAME_HEADER_BYTES <= buf.length && plausibleFrameHeader(buf, after, DEFAULT_MAX_FRAME_SIZE);
}

function frameTypeName(t: number): string {
  return ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION'][t] ?? `type 0x${t.toString(16)}`;
}

/** Headers read, but with no content-type other than an HPACK entry from before the capture (or a gap). */
function contentTypeLost(headers: HeaderList | undefined): boolean {
  if (!headers || !refersToLostEntry(headers)) return false;
  const ct = hdr(headers, 'content-type');
  return ct === undefined || ct === UNKNOWN_ENTRY;
}

/** Does a header block hold a field (name or value) from an HPACK entry lost in a gap (RFC 7541 §2.3.2)? */
function refersToLostEntry(headers: HeaderList | undefined): boolean {
  return !!headers?.some(([k, v]) => k === UNKNOWN_ENTRY || v === UNKNOWN_ENTRY);
}

/** Does `b` hold exactly whole gRPC length-prefixed messages (flag 0 or 1, lengths that add up)? */
function wholeMessages(b: Uint8Array): boolean {
  let p = 0;
  while (p < b.length) {
    if (b.length - p < 5 || b[p] > 1) return false;
    p += 5 + be32(b, p + 1);
  }
  return p === b.length;
}

const REQUEST_PSEUDO = new Set([':method', ':scheme', ':authority', ':path', ':protocol']);
/**
 * Is this a field about the connection, not the message: not allowed in HTTP/2 (RFC 9113 §8.2.2)?
 * (By length first: asked of every field of every header block, and a Set lookup hashed each new name.)
 */
function connectionSpecific(name: string): boolean {
  switch (name.length) {
    case 7:
      return name === 'upgrade';
    case 10:
      return name === 'connection' || name === 'keep-alive';
    case 16:
      return name === 'proxy-connection';
    case 17:
      return name === 'transfer-encoding';
    default:
      return false;
  }
}

/**
 * What makes a decoded header block malformed (RFC 9113 §8.2.1 field names, §8.2.2 connection-specific
 * fields, §8.3 pseudo-header fields), as a short reason naming the section; undefined when nothing does.
 * A peer would reset such a stream (PROTOCOL_ERROR); the decoder reads it anyway and says so.
 * Placeholders for HPACK entries lost in a gap are skipped.
 */
function malformedBlock(headers: HeaderList, kind: 'request' | 'response' | 'trailers'): string | undefined {
  let regularSeen = false;
  const seen: string[] = [];
  for (const [name, value] of headers) {
    if (name === UNKNOWN_ENTRY) continue;
    if (name.charCodeAt(0) === 58 /* : */) {
      if (kind === 'trailers') return `RFC 9113 §8.1: pseudo-header ${name} in trailers`;
      if (regularSeen) return `RFC 9113 §8.3: pseudo-header ${name} after a regular field`;
      if (kind === 'request' ? !REQUEST_PSEUDO.has(name) : name !== ':status') return `RFC 9113 §8.3: pseudo-header ${name} in a ${kind}`;
      if (seen.includes(name)) return `RFC 9113 §8.3: pseudo-header ${name} repeated`;
      seen.push(name);
      continue;
    }
    regularSeen = true;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if ((c >= 65 && c <= 90) || c <= 0x20 || c >= 0x7f) return `RFC 9113 §8.2.1: field name "${name}" has ${c >= 65 && c <= 90 ? 'upper-case letters' : 'a character not allowed'}`;
    }
    if (connectionSpecific(name) || (name === 'te' && value.trim().toLowerCase() !== 'trailers')) return `RFC 9113 §8.2.2: connection-specific field ${name}${name === 'te' ? `: ${value}` : ''}`;
  }
  return undefined;
}

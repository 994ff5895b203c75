/**
 * The decoder contract (after Zeek's analyzer interface and Wireshark's dissector tables).
 *
 * A decoder gets the reassembled bytes of one connection, per direction, in order, split at
 * any boundary. It keeps its state in the instance, reports calls through its session and
 * never throws: the pipeline catches anything that escapes, turns it into a flow warning and
 * stops feeding that decoder (the flow's other calls and all other flows are unaffected).
 */
import type { Call, Dir, Endpoint } from './model';
import type { DecoderEnv } from './env';

/** Where in the capture some bytes came from. */
export interface Position {
  /** 1-based frame number of the packet that carried the first of these bytes. */
  frame: number;
  /** Capture timestamp of that packet, µs since epoch. */
  tsUs: number;
  /** Offset of the first of these bytes in this direction's reassembled stream. */
  streamOffset: number;
  /**
   * TCP data: the other direction's stream offset the packet acknowledged (every byte before it
   * had reached the sender when it sent these bytes), when known.
   */
  acked?: number;
}

export type ProbeResult = 'accept' | 'reject' | 'need-more';

export interface FlowInfo {
  id: number;
  transport: 'tcp' | 'udp';
  client: Endpoint;
  server: Endpoint;
}

/** What a decoder can do to the world: report calls and warnings, hand off the stream. */
export interface DecoderSession {
  readonly flow: FlowInfo;
  readonly env: DecoderEnv;
  /** A fresh call id (unique in this analysis). */
  nextCallId(): number;
  /**
   * Report a call. Calls are reported once, when complete or when the decoder gives up on them
   * (at `end`, as 'incomplete' or 'pending'). A call may be reported again with the same id
   * only to update it (live view); consumers keep the last version.
   */
  emit(call: Call): void;
  /** A warning about the flow itself (not about one call). */
  warn(message: string, at?: Position): void;
  /**
   * Hand the rest of this connection to another decoder (HTTP Upgrade → websocket/h2c).
   * Returns the new decoder; the caller forwards the bytes after the hand-off point to it and
   * the pipeline routes every later byte to it. `init` is passed to the new decoder's `create`.
   */
  handoff(decoderId: string, init?: unknown): StreamDecoder | undefined;
  /**
   * The id of the decoder whose probe takes `head`, the first bytes of direction `dir`, as the
   * pipeline chooses one for a new TCP connection (probe order; hand-off-only decoders left out):
   * what a CONNECT tunnel carries when it is not TLS, HTTP/2 or HTTP/1.x. 'need-more' while a
   * probe waits for more bytes and none has accepted; undefined when every probe declines.
   */
  probe?(head: Uint8Array, dir: Dir): string | 'need-more' | undefined;
  /** Base fields for a new call on this flow (id, flowId, client, server, fields, frames, warnings). */
  newCall(protocol: string, at: Position): Call;
  /** What the analysis shares across its flows (absent in a decoder run alone, as in some tests). */
  readonly capture?: CaptureScope;
  /**
   * Every call this flow reports from now on carries these fields (those it does not set itself):
   * the calls inside a CONNECT tunnel carry the tunnel's target (`http.proxy_tunnel`).
   */
  tagCalls?(fields: Record<string, string>): void;
}

/**
 * What one analysis (one capture) shares across its flows, learned in capture order: gRPC
 * schemas a server sent in answer to reflection, used for the calls after them on any
 * connection.
 */
export interface CaptureScope {
  /** Per-capture state of a decoder, by a key of its own ('protobuf.learned'). */
  readonly state: Map<string, unknown>;
  /**
   * Something learned on this flow now changes how other flows decode. A sharded run (each
   * worker decoding some of the flows) cannot pass it on and must fall back to one pipeline.
   */
  learned(what: string): void;
  /**
   * Call `fn` once at the end of the capture, after every flow has closed: state kept across
   * connections (Socket.IO long-polling acks by session id) reports what still waits. Say
   * `learned` before holding anything `fn` will report: what it reports belongs to no flow, so a
   * sharded run cannot merge it (its workers' end reports would share one order key) and must
   * fall back to one pipeline first. A report made without it makes the pipeline say `learned`
   * then, late but before a parallel CLI run could wait for ever.
   */
  atEnd?(fn: () => void): void;
}

export interface StreamDecoder {
  /** Bytes of one direction, in stream order. `bytes` may be a view into a shared buffer: copy what you keep. */
  data(dir: Dir, bytes: Uint8Array, at: Position): void;
  /** `length` bytes of this direction were never captured (loss or snaplen). Never glue over a gap. */
  gap(dir: Dir, length: number, at: Position): void;
  /** This direction ended (FIN, RST or end of capture). Called for both directions before `close`. */
  end(dir: Dir, at: Position): void;
  /**
   * The flow is over (end of capture or both directions ended): report what is left. `how` says why
   * (absent from older callers: treat it as the end of the capture).
   */
  close(at: Position, how?: CloseReason): void;
}

/**
 * Why a flow was closed: both directions ended with FIN (`fin`), a TCP RST (`rst`), the capture
 * ended with the connection still open (`capture-end`), or a new connection reused its ports before
 * its end was seen (`superseded`).
 */
export type CloseReason = 'fin' | 'rst' | 'capture-end' | 'superseded';

/** A datagram decoder (UDP): each datagram is whole. */
export interface DatagramDecoder {
  datagram(dir: Dir, bytes: Uint8Array, at: Position): void;
  close(at: Position, how?: CloseReason): void;
}

export interface DecoderSpec {
  /** Lower-case Wireshark filter name: 'http', 'http2', 'grpc', 'amqp', 'mqtt'… */
  id: string;
  /** Human name for menus: 'HTTP/1.1', 'AMQP 0-9-1'. */
  name: string;
  transport: 'tcp' | 'udp';
  /** Likely server ports (Wireshark's tcp.port table, Zeek's likely_server_ports). */
  ports?: number[];
  /**
   * Side-effect-free heuristic on the first bytes of a direction (the client's first, or the
   * server's first when the client's are not seen). 'need-more' asks for more bytes (up to 64).
   */
  probe?(head: Uint8Array, dir: Dir): ProbeResult;
  /** Probes run in increasing order of this number (default 100); cheap/specific first. */
  probeOrder?: number;
  /**
   * A head that starts mid-connection (the capture began after the connection opened, so no
   * handshake or magic bytes; asked only when the flow's SYN is not in the capture): only the
   * protocol's framing to go by. `byPort`: the flow is on one
   * of `ports`, and framing alone is enough; otherwise every decoder's `probe` has declined the
   * flow, and the framing must say more (whole packets, known codes) before taking it.
   */
  probeMidstream?(head: Uint8Array, dir: Dir, byPort: boolean): ProbeResult;
  /**
   * Asked when this decoder takes a connection whose roles were guessed (no SYN, no well-known
   * port): true when the first bytes say the guess is backwards (a broker-only command in the
   * bytes taken for the client's). The pipeline then turns the connection round before decoding.
   */
  rolesReversed?(heads: { c2s: Uint8Array; s2c: Uint8Array }): boolean;
  /**
   * Asked when `probe` took one direction's first bytes by heuristic (not by port): true when the
   * other direction's first bytes rule the protocol out (a Redis server never speaks first, so an FTP
   * greeting before `AUTH TLS` is no Redis). `joinedLate`: the connection's start is not in the
   * capture, so a head may begin inside a message.
   */
  refute?(heads: { c2s: Uint8Array; s2c: Uint8Array }, joinedLate: boolean): boolean;
  /** Only reachable through hand-off or decode-as (e.g. websocket, grpc-web). */
  handoffOnly?: boolean;
  create(session: DecoderSession, init?: unknown): StreamDecoder | DatagramDecoder;
}

/**
 * The pipeline: capture bytes → frames → packets → flows (TCP reassembly) → decoders → calls.
 *
 * One direction, no back and forth. Push capture bytes in chunks of any size (a file read in
 * MiB chunks, or a live `tcpdump -w -` pipe); calls come out of the sink as they complete.
 * Memory stays bounded by the open flows and their buffers, never by the capture size:
 * closed flows are summarised and dropped.
 *
 * Dispatch per new flow (Wireshark's port tables + heuristics, Zeek's DPD):
 *   user decode-as (port) → server port → client port → probes (by probeOrder) → raw.
 * A port match whose probe rejects the first bytes falls through to the probes.
 */
import { newCallOn } from './core/call';
import { latin1Text } from './core/bytes';
import { CaptureReader } from './capture/reader';
import { SECRETS_TLS_KEY_LOG } from './capture/dsb';
import { NetDecoder } from './net/decode';
import { formatDuration } from './export/common';
import type { CaptureInfo, RawFrame } from './capture/types';
import type { Packet } from './net/types';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './net/types';
import type { Call, CaptureWarning, Dir, Endpoint, FlowSummary, SeenAs } from './core/model';
import type { CaptureScope, CloseReason, DatagramDecoder, DecoderSession, DecoderSpec, FlowInfo, Position, StreamDecoder } from './core/decoder';
import type { DecoderEnv } from './core/env';
import { TcpStream, type TcpStreamSink } from './flows/tcp-stream';
import { RecentSegments, dirBit } from './flows/copies';
import { ALL_DECODERS } from './registry';
import { FlowCorrelator } from './calls/correlator';

export interface DecodeAsRule {
  transport: 'tcp' | 'udp';
  port: number;
  decoderId: string;
}

/** Parse Wireshark's decode-as syntax: `tcp.port==8000,http` (also `udp.port==…`). */
export function parseDecodeAs(text: string, known: DecoderSpec[] = ALL_DECODERS): DecodeAsRule {
  const m = /^\s*(tcp|udp)\.port\s*==\s*(\d{1,5})\s*,\s*([a-z0-9_.-]+)\s*$/i.exec(text);
  if (!m) throw new Error(`bad decode-as rule "${text}": expected tcp.port==PORT,PROTOCOL (e.g. tcp.port==8000,http)`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new Error(`bad decode-as rule "${text}": port ${port} out of range`);
  const decoderId = m[3].toLowerCase();
  if (!known.some((d) => d.id === decoderId)) {
    throw new Error(`bad decode-as rule "${text}": unknown protocol "${decoderId}" (known: ${known.map((d) => d.id).join(', ')})`);
  }
  return { transport: m[1].toLowerCase() as 'tcp' | 'udp', port, decoderId };
}

export interface PipelineSink {
  call(c: Call): void;
  /** A flow's summary, when it closes (or at the end for flows still open). */
  flow?(f: FlowSummary): void;
  warning?(w: CaptureWarning): void;
  info?(i: CaptureInfo): void;
  /** Every frame (for a frame index), only when given. */
  frame?(f: RawFrame): void;
}

export interface PipelineOptions {
  env: DecoderEnv;
  decodeAs?: DecodeAsRule[];
  decoders?: DecoderSpec[];
  /** Bytes of each direction held while choosing a decoder (default 8 KiB). */
  maxProbeBytes?: number;
  /** Out-of-order bytes waiting per direction (default 4 MiB). */
  maxPendingBytes?: number;
  /** Capture time after which a publish is released unlinked (default 10 s). */
  flowWindowUs?: number;
  /**
   * A UDP flow silent for this long (capture time) is closed, as the end of the capture would close
   * it: UDP has no FIN, and a host resolving names opens a flow per lookup. Default 30 s, Linux
   * conntrack's UDP timeout; looked for every 5 s of capture time. A datagram on the same ports
   * after that starts a new flow.
   */
  udpIdleUs?: number;
  /**
   * The same for a UDP flow that is a stream: more than two datagrams, both ways (QUIC, RTP…).
   * Default 120 s, conntrack's udp_timeout_stream.
   */
  udpStreamIdleUs?: number;
  /**
   * At most this many UDP flows open at once (default 4096): past it, the flows silent for 1 s or
   * more (the longest-open first) are closed early, 1024 at a time, so a host that resolves each name
   * from a new socket at a high rate cannot fill the memory within the idle timeout.
   */
  maxUdpFlows?: number;
  /** Called after each decoder callback with the events it received (tests: chunking). */
  tap?: (flowId: number, event: TapEvent) => void;
  /**
   * Decode only a share of the flows (the CLI's parallel mode, one pipeline per worker thread).
   * Every flow is still tracked, so flow ids and flow ends are those of a full run, but only the
   * flows whose `shardOfFlow` is `index` get a decoder and report calls and summaries; capture and
   * network warnings are reported by shard 0 only.
   */
  shard?: {
    index: number;
    count: number;
    /**
     * A publish or delivery reached the flow correlator: joining it to calls of other
     * connections needs every flow, which a shard does not have.
     */
    crossFlow?: (c: Call) => void;
    /** A decoder learned something other flows decode with (CaptureScope.learned). */
    learned?: (what: string) => void;
  };
  /** Call ids; default 1, 2, 3… in order of creation. */
  nextCallId?: () => number;
}

/**
 * Which of `count` shards decodes flow `id`: in turn, in the order the flows open. Every shard
 * parses every frame, so all give a flow the same id and agree without talking. (A hash of the
 * ports split the gRPC benchmark capture's connections 58:42, and the wall time is the busier
 * worker's.)
 */
export function shardOfFlow(id: number, count: number): number {
  return (id - 1) % count;
}

/** Frames may be this far out of time order without a warning (interfaces merged by a capture tool). */
const BACKWARDS_US = 10_000;

/**
 * `Pipeline.orderKey` past the end of the input: what closing flow N reports has key
 * END_ORDER_KEY + N (flows close in id order).
 */
export const END_ORDER_KEY = 2 ** 40;

/** What a decoder was fed, for replaying a flow in tests. */
export type TapEvent =
  | { type: 'attach'; decoderId: string; flow: FlowInfo }
  | { type: 'data'; dir: Dir; bytes: Uint8Array; at: Position }
  | { type: 'datagram'; dir: Dir; bytes: Uint8Array; at: Position }
  | { type: 'gap'; dir: Dir; length: number; at: Position }
  | { type: 'end'; dir: Dir; at: Position }
  | { type: 'close'; at: Position };

export interface PipelineStats {
  bytes: number;
  frames: number;
  packets: number;
  calls: number;
  flowsOpen: number;
  flowsTotal: number;
}

interface HeldBytes {
  dir: Dir;
  bytes: Uint8Array;
  at: Position;
  kind: 'data' | 'gap' | 'end';
  length: number;
  /** A gap standing for captured bytes not kept while a connection joined late waited (see deliver). */
  skipped?: boolean;
}

const NO_BYTES = new Uint8Array(0);
const OTHER: Record<Dir, Dir> = { c2s: 's2c', s2c: 'c2s' };

/**
 * The reassembly sink of a flow another shard decodes: its streams still run (they say when the
 * flow ends), their bytes and gaps go nowhere (no position or closure per segment).
 */
const NO_SINK: TcpStreamSink = {
  data() {},
  gap() {},
};

class Flow implements FlowInfo {
  transport: 'tcp' | 'udp';
  client: Endpoint;
  server: Endpoint;
  /** Key of this flow in the pipeline's table (transport and ports, see `portKey`). */
  portKey: number;
  summary: FlowSummary;
  streams?: { c2s: TcpStream; s2c: TcpStream };
  decoder?: StreamDecoder | DatagramDecoder;
  spec?: DecoderSpec;
  /** Chosen and failed decoders are final; undefined means still choosing. */
  decided = false;
  held: HeldBytes[] = [];
  heldBytes: { c2s: number; s2c: number } = { c2s: 0, s2c: 0 };
  /** (replaced, never written in place: they start as the one shared empty array) */
  head: { c2s: Uint8Array; s2c: Uint8Array } = { c2s: NO_BYTES, s2c: NO_BYTES };
  dead = false;
  closed = false;
  /** Decoded by another shard (see PipelineOptions.shard). */
  foreign = false;
  /**
   * The end of each direction was handed on. (Declared fields: properties added later would give
   * flows different shapes, and the code reading them would be optimized again.)
   */
  endC2s = false;
  endS2c = false;
  /** Fields every call of this flow gets (DecoderSession.tagCalls). */
  callTags: Record<string, string> | undefined = undefined;
  /** Client's initial sequence number, from its SYN. */
  isn: number | undefined;
  lastFrame = 0;
  /**
   * Capture time of the last packet. (Starts as the first packet's time, not 0: a field that
   * starts as a small integer changes the object's shape when it first holds a time.)
   */
  lastUs: number;
  /**
   * Per-packet counts, kept here while the flow is open and copied into `summary` when it closes
   * (see `summarize`): the summary takes optional fields in varying order (synUs, finUs…), so
   * its shape differs between flows, and reading it for every packet was a polymorphic access.
   */
  packets = 0;
  c2sBytes = 0;
  s2cBytes = 0;
  /** The handshake is waiting for the client's final ACK: summary.synAckUs set, summary.ackUs not. */
  awaitingAck = false;
  /** Made when a decoder is attached (a flow no decoder claims, or another shard's, has none). */
  session: DecoderSession | undefined;
  /** Turned round after it opened (see Pipeline.reverse): its streams' own labels are the other way. */
  reversed = false;
  /**
   * Only when the capture can hold copies of a packet (Pipeline.copies): where the flow's first
   * packet was captured (Packet.vantage), the directions seen there (bits, see `dirBit`), what
   * other segments point to (emptied when the flow closes), and the copies dropped.
   */
  vantage = 0;
  vantageDirs = 0;
  ref: ConnRef | undefined = undefined;
  copyFrames = 0;
  copyBytes = 0;
  copyVantages: number[] | undefined = undefined;

  constructor(
    public id: number,
    transport: 'tcp' | 'udp',
    client: Endpoint,
    server: Endpoint,
    roleFrom: FlowSummary['roleFrom'],
    frame: number,
    tsUs: number,
  ) {
    this.transport = transport;
    this.client = client;
    this.server = server;
    this.portKey = portKey(transport === 'udp', client.port, server.port);
    this.lastUs = tsUs;
    this.summary = {
      id,
      transport,
      client,
      server,
      protocol: transport,
      dispatch: 'none',
      c2sBytes: 0,
      s2cBytes: 0,
      packets: 0,
      firstFrame: frame,
      startUs: tsUs,
      endUs: tsUs,
      synSeen: false,
      roleFrom,
      gapBytes: { c2s: 0, s2c: 0 },
      calls: 0,
      warnings: [],
    };
  }
}

const MAX_FLOW_WARNINGS = 20;

/** What a remembered segment points to: its flow while open (see RecentSegments). */
interface ConnRef {
  flow: Flow | undefined;
}

/**
 * Addresses and ports under which an open flow's connection was also captured (NAT): their packets
 * are copies, dropped; the flow's summary and calls say so (SeenAs). It holds no Flow: after the flow
 * closes its alias still drops late copies (until idle) without keeping the flow's state alive.
 */
interface Alias {
  /** Client's ISN when the alias began with a SYN: another SYN on these ports is a new connection. */
  isn: number | undefined;
  lastUs: number;
  seen: SeenAs;
  vantages: number[];
}

/** What segments of closed connections point to. */
const CLOSED: ConnRef = { flow: undefined };

/** An alias unused for this long (capture time) is forgotten. */
const ALIAS_IDLE_US = 120_000_000;
const MAX_ALIASES = 50_000;
/** At most this many other address pairs and interfaces listed per flow. */
const MAX_SEEN_AS = 8;


/**
 * The flow table's key: transport and the two ports, in either order (numbers, no string built per
 * packet). Flows that share it (same ports, other addresses) sit in one small list.
 */
function portKey(udp: boolean, portA: number, portB: number): number {
  return (portA < portB ? portA * 65536 + portB : portB * 65536 + portA) + (udp ? 4294967296 : 0);
}

/** The historical string key of a connection (recently closed connections are remembered by it). */
/** A connection closed (FIN both ways, or RST) a moment ago: when, its client, each direction's next sequence number. */
interface ClosedConn {
  at: number;
  client: string;
  c2s: number | undefined;
  s2c: number | undefined;
}

/** How far from where a closed connection's direction stopped a segment may start and still be its own. */
const CLOSED_SEQ_WINDOW = 16 << 20;

/**
 * Does a data segment continue its direction of a connection just closed? A server's data in flight
 * when the client reset the connection arrives after the RST (RFC 9293 §3.10.7.4: the receiver drops
 * it); its sequence numbers go on from where the connection stopped, while a new connection on the
 * same ports starts with a SYN, or elsewhere in the sequence space.
 */
function continuesClosed(closed: ClosedConn, p: Packet): boolean {
  const next = `${p.src}|${p.srcPort}` === closed.client ? closed.c2s : closed.s2c;
  if (next === undefined) return false;
  const d = (p.seq - next) | 0;
  return d >= -CLOSED_SEQ_WINDOW && d <= CLOSED_SEQ_WINDOW;
}

function connKey(transport: string, ipA: string, portA: number, ipB: string, portB: number): string {
  const a = `${ipA}|${portA}`;
  const b = `${ipB}|${portB}`;
  return a < b ? `${transport}|${a}|${b}` : `${transport}|${b}|${a}`;
}

export class Pipeline {
  private reader: CaptureReader;
  private net: NetDecoder;
  /** Open flows by port key (see `portKey`); a list only when ports collide across addresses. */
  private flows = new Map<number, Flow | Flow[]>();
  /** Open flows in the order they were opened. */
  private openFlows = new Set<Flow>();
  /** Open UDP flows (see `udpIdleUs`). */
  private udpFlows = new Set<Flow>();
  private readonly udpIdleUs: number;
  private readonly udpStreamIdleUs: number;
  private readonly maxUdpFlows: number;
  /** Capture time of the next look for idle UDP flows. */
  private nextUdpSweepUs = 0;
  /** Recently closed connections: their stray last ACKs, and data sent after a reset, must not open ghost flows. */
  private closedKeys = new Map<string, ClosedConn>();
  private nextFlowId = 1;
  private nextCallId = 1;
  /**
   * Recent TCP segments, when the capture may hold copies of a packet: a Linux cooked capture
   * (`-i any`) or a pcapng file with several interfaces. Undefined otherwise (no cost, no change).
   */
  private copies: RecentSegments<ConnRef> | undefined;
  /** Other addresses of open flows' connections (NAT), by connKey. */
  private aliases = new Map<string, Alias>();
  private decoders: DecoderSpec[];
  private probeOrder: DecoderSpec[];
  private midstreamOrder: DecoderSpec[];
  /** Bytes of each direction's head the probes read before the flow is decided (PipelineOptions.maxProbeBytes). */
  private readonly probeBytes: number;
  private serverPorts: Map<number, DecoderSpec[]>;
  private correlator: FlowCorrelator;
  private host: SessionHost | undefined;
  private lastTsUs = 0;
  private lastFrame = 0;
  readonly stats: PipelineStats = { bytes: 0, frames: 0, packets: 0, calls: 0, flowsOpen: 0, flowsTotal: 0 };
  private ended = false;
  /**
   * Where the pipeline is, so that parallel shards can merge what they report in the order of a
   * full run: 2F+1 while frame F is processed, 2F+2 after it, END_ORDER_KEY + N while flow N is
   * closed at the end of the input; while the i-th (from 1) of k idle UDP flows is closed before a
   * datagram of frame F, 2F + 1/2 + i/(2(k+1)): a key of its own, since that flow may belong to
   * another shard than the datagram's (see `expireUdp`).
   */
  orderKey = 0;
  private readonly allocCallId: () => number;
  private warnedBackwards = false;

  constructor(
    private readonly opts: PipelineOptions,
    private readonly sink: PipelineSink,
  ) {
    this.decoders = opts.decoders ?? ALL_DECODERS;
    this.probeBytes = opts.maxProbeBytes ?? 8192;
    this.probeOrder = this.decoders.filter((d) => d.probe && !d.handoffOnly).sort((a, b) => (a.probeOrder ?? 100) - (b.probeOrder ?? 100));
    // (a decoder reached only by hand-off may still recognise a connection joined after the hand-off: WebSocket)
    this.midstreamOrder = this.decoders.filter((d) => d.probeMidstream).sort((a, b) => (a.probeOrder ?? 100) - (b.probeOrder ?? 100));
    this.serverPorts = new Map();
    for (const d of this.decoders) {
      if (d.handoffOnly) continue;
      for (const p of d.ports ?? []) {
        const list = this.serverPorts.get(p) ?? [];
        list.push(d);
        this.serverPorts.set(p, list);
      }
    }
    this.allocCallId = opts.nextCallId ?? (() => this.nextCallId++);
    this.udpIdleUs = opts.udpIdleUs ?? DEFAULT_UDP_IDLE_US;
    this.udpStreamIdleUs = Math.max(this.udpIdleUs, opts.udpStreamIdleUs ?? DEFAULT_UDP_STREAM_IDLE_US);
    this.maxUdpFlows = Math.max(1, opts.maxUdpFlows ?? DEFAULT_MAX_UDP_FLOWS);
    const quietShard = opts.shard !== undefined && opts.shard.index !== 0;
    this.correlator = new FlowCorrelator({
      windowUs: opts.flowWindowUs,
      nextCallId: this.allocCallId,
      emit: (c) => {
        this.stats.calls++;
        // The sink's own failure is not the decoder's: the decoder that emitted the call would
        // catch it as its own and stop. Kept and thrown from push/end instead (first one wins).
        try {
          sink.call(c);
        } catch (e) {
          this.sinkError ??= { error: e };
        }
      },
    });
    this.reader = new CaptureReader({
      frame: (f) => {
        this.stats.frames++;
        this.lastFrame = f.frame;
        this.orderKey = 2 * f.frame + 1;
        if (f.tsUs > this.lastTsUs) this.lastTsUs = f.tsUs;
        else if (f.tsUs < this.lastTsUs - BACKWARDS_US && !this.warnedBackwards) {
          // Said once: a merged capture or a stepped clock; durations across it can come out negative.
          this.warnedBackwards = true;
          if (!quietShard) sink.warning?.({ frame: f.frame, message: `capture time goes back ${formatDuration(this.lastTsUs - f.tsUs)} here (frames not in time order: merged captures, or the clock was set back): calls across this point can show negative durations` });
        }
        sink.frame?.(f);
        this.net.frame(f);
        this.orderKey = 2 * f.frame + 2;
      },
      warning: (w) => {
        if (!quietShard) sink.warning?.(w);
      },
      info: (i) => {
        if (!this.copies && (i.interfaces.length > 1 || i.interfaces.some((x) => x.linkType === 113 || x.linkType === 276))) this.copies = new RecentSegments();
        sink.info?.(i);
      },
      secrets: (type, data) => this.secrets(type, data),
    });
    this.net = new NetDecoder({
      packet: (p) => this.packet(p),
      warning: (w) => {
        if (!quietShard) sink.warning?.(w);
      },
    });
  }

  /** Feed capture bytes (any chunk size). */
  push(chunk: Uint8Array): void {
    this.stats.bytes += chunk.length;
    this.reader.push(chunk);
    this.rethrowSinkError();
  }

  /** What decoders asked to run at the end of the capture (CaptureScope.atEnd). */
  private readonly endHooks: Array<() => void> = [];
  /** Running endHooks: what they report belongs to no flow (see `endReport`). */
  private inEndHooks = false;

  /** An exception of the sink's `call` (see the correlator's emit), thrown to the caller. */
  private sinkError: { error: unknown } | undefined;

  private rethrowSinkError(): void {
    const e = this.sinkError;
    if (!e) return;
    this.sinkError = undefined;
    throw e.error;
  }

  /** End of input: flush fragments, close every flow, release held calls. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.orderKey = END_ORDER_KEY;
    this.reader.end();
    this.net.flush();
    for (const flow of [...this.openFlows]) {
      this.orderKey = END_ORDER_KEY + flow.id;
      this.closeFlow(flow, 'capture-end');
    }
    this.flows.clear();
    this.openFlows.clear();
    this.udpFlows.clear();
    this.aliases.clear();
    this.copies?.clear();
    this.orderKey = 2 * END_ORDER_KEY - 1;
    this.inEndHooks = true;
    for (const fn of this.endHooks.splice(0)) {
      try {
        fn();
      } catch {
        // a decoder's end-of-capture report failed: what it held is lost, the rest goes on
      }
    }
    this.inEndHooks = false;
    this.orderKey = 2 * END_ORDER_KEY;
    this.correlator.flush();
    this.rethrowSinkError();
  }

  /** A pcapng Decryption Secrets Block: TLS key log text goes to the key store (decoders/tls). */
  private secrets(type: number, data: Uint8Array): void {
    if (type !== SECRETS_TLS_KEY_LOG || !this.opts.env.tlsSecrets) return;
    this.opts.env.tlsSecrets.add(latin1Text(data));
  }

  get captureInfo(): CaptureInfo | undefined {
    return this.reader.info;
  }

  // ── packets → flows ────────────────────────────────────────────────────────────────────────

  private packet(p: Packet): void {
    this.stats.packets++;
    if (p.proto === 17) return this.udpPacket(p);
    if (p.proto !== 6) return;
    const transport = 'tcp';
    const pk = portKey(false, p.srcPort, p.dstPort);
    let flow = this.findFlow(pk, p);
    if (this.copies !== undefined && this.isCopy(flow, p)) return;
    const isSyn = (p.flags & TCP_SYN) !== 0 && (p.flags & TCP_ACK) === 0;
    if (flow && isSyn && flow.isn !== undefined && flow.isn !== p.seq) {
      // A new connection reusing the same ports (a different ISN): close the old one.
      this.closeFlow(flow, 'superseded');
      this.removeFlow(flow);
      flow = undefined;
    }
    if (!flow && !isSyn && this.closedKeys.size) {
      const closed = this.closedKeys.get(connKey(transport, p.src, p.srcPort, p.dst, p.dstPort));
      if (closed !== undefined && p.tsUs - closed.at < 120_000_000 && (p.payloadWireLength === 0 || continuesClosed(closed, p))) {
        // (its copies on other interfaces or addresses are stray too)
        this.copies?.add(p, CLOSED);
        return;
      }
    }
    if (!flow) {
      flow = this.openFlow(transport, p, isSyn);
      this.addFlow(flow);
      if (this.copies !== undefined) this.firstPacket(flow, p);
    }
    this.tcp(flow, this.arrive(flow, p), p);
    if (flow.closed) {
      this.removeFlow(flow);
      this.closedKeys.set(connKey(transport, p.src, p.srcPort, p.dst, p.dstPort), {
        at: p.tsUs,
        client: `${flow.client.ip}|${flow.client.port}`,
        c2s: flow.streams?.c2s.nextSeq,
        s2c: flow.streams?.s2c.nextSeq,
      });
      if (this.closedKeys.size > 50_000) {
        // Forget the oldest half (Map keeps insertion order).
        let n = 25_000;
        for (const k of this.closedKeys.keys()) {
          this.closedKeys.delete(k);
          if (--n === 0) break;
        }
      }
    }
  }

  /**
   * Is this TCP segment (UDP datagram) a copy of one captured already (see RecentSegments): the same packet on
   * another interface of the same host, with the same addresses or translated (NAT)? (Or on the same
   * interface: a bridge with br_netfilter passes a packet through its device more than once.) Its
   * bytes are those of the segment it copies, so dropping it loses nothing the decoders would use:
   * it is counted on the flow (FlowSummary.copies), decoded once. A flow is read from where its
   * first packet was captured: once a direction was seen there, that direction's packets from other
   * interfaces are copies (their first copy is used only while the flow's own interface has not
   * shown that direction yet, so a one-sided route still reaches the decoder). A segment first
   * seen on another connection's addresses makes these addresses that connection's (an Alias).
   */
  private isCopy(flow: Flow | undefined, p: Packet): boolean {
    const copies = this.copies!;
    if (flow === undefined) {
      if (this.aliases.size > 0) {
        const key = connKey(p.proto === 17 ? 'udp' : 'tcp', p.src, p.srcPort, p.dst, p.dstPort);
        const a = this.aliases.get(key);
        if (a !== undefined) {
          const newSyn = (p.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN && a.isn !== p.seq;
          if (!newSyn && p.tsUs - a.lastUs < ALIAS_IDLE_US) {
            if (p.tsUs > a.lastUs) a.lastUs = p.tsUs;
            this.noteVantage(a.vantages, a.seen.interfaces, p.vantage);
            return true;
          }
          this.aliases.delete(key);
        }
      }
      const e = copies.find(p);
      if (e < 0) return false;
      // (not on the addresses of an open flow: findFlow would have found it)
      const first = copies.conn(e)?.flow;
      if (first === undefined || first.closed) return true; // a late copy of a segment of a flow closed since: it must not open a flow of its own
      this.addAlias(first, e, p);
      return true;
    }
    const bit = dirBit(p.src, p.srcPort, p.dst, p.dstPort);
    const there = p.vantage === flow.vantage;
    if (!there && flow.vantage !== -1 && p.vantage !== -1 && (flow.vantageDirs & bit) !== 0) {
      this.countCopy(flow, p);
      return true;
    }
    const e = copies.find(p);
    if (e >= 0 && copies.conn(e) === flow.ref) {
      if (there) flow.vantageDirs |= bit;
      this.countCopy(flow, p);
      return true;
    }
    if (there) flow.vantageDirs |= bit;
    if (e < 0) copies.add(p, flow.ref!);
    return false;
  }

  /** A flow opened by packet `p`, in a capture that may hold copies: read from where `p` was captured. */
  private firstPacket(flow: Flow, p: Packet): void {
    flow.vantage = p.vantage;
    flow.vantageDirs = dirBit(p.src, p.srcPort, p.dst, p.dstPort);
    flow.ref = { flow };
    this.copies!.add(p, flow.ref);
  }

  private countCopy(flow: Flow, p: Packet): void {
    flow.copyFrames++;
    flow.copyBytes += p.payloadWireLength;
    if (p.vantage !== flow.vantage) this.noteVantage((flow.copyVantages ??= []), undefined, p.vantage);
  }

  /** Remember where a copy was captured (a few interfaces per flow). */
  private noteVantage(list: number[], names: string[] | undefined, vantage: number): void {
    if (vantage === -1 || list.length >= MAX_SEEN_AS || list.includes(vantage)) return;
    list.push(vantage);
    names?.push(this.vantageName(vantage));
  }

  /** An interface's name for the user: the pcapng interface's name, or `ifindex N` from an SLL2 header. */
  private vantageName(vantage: number): string {
    const index = Math.floor(vantage / 4294967296);
    const ifindex = vantage - index * 4294967296;
    const iface = this.reader.info?.interfaces[index];
    if (iface?.linkType === 276) return iface.name && iface.name !== 'any' ? `${iface.name} ifindex ${ifindex}` : `ifindex ${ifindex}`;
    return iface?.name ?? `interface ${iface?.id ?? index}`;
  }

  /** Packet `p` is the segment in slot `e` (of `flow`) captured with other addresses (NAT): they are the flow's too. */
  private addAlias(flow: Flow, e: number, p: Packet): void {
    const c = flow.client;
    const sv = flow.server;
    const fromClient = this.copies!.bit(e) === dirBit(c.ip, c.port, sv.ip, sv.port);
    const src = { ip: p.src, port: p.srcPort };
    const dst = { ip: p.dst, port: p.dstPort };
    const seen: SeenAs = { client: fromClient ? src : dst, server: fromClient ? dst : src, interfaces: [] };
    const alias: Alias = { isn: (p.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN ? p.seq : undefined, lastUs: p.tsUs, seen, vantages: [] };
    this.noteVantage(alias.vantages, seen.interfaces, p.vantage);
    const list = (flow.summary.alsoSeenAs ??= []);
    if (list.length < MAX_SEEN_AS) list.push(seen);
    if (this.aliases.size >= MAX_ALIASES) {
      let n = MAX_ALIASES >> 1;
      for (const k of this.aliases.keys()) {
        this.aliases.delete(k);
        if (--n === 0) break;
      }
    }
    this.aliases.set(connKey(p.proto === 17 ? 'udp' : 'tcp', p.src, p.srcPort, p.dst, p.dstPort), alias);
  }

  /** A packet of `flow` arrived: count it and its payload; its direction. */
  private arrive(flow: Flow, p: Packet): Dir {
    const dir: Dir = flow.client.port === p.srcPort && flow.client.ip === p.src ? 'c2s' : 's2c';
    flow.packets++;
    if (dir === 'c2s') flow.c2sBytes += p.payloadWireLength;
    else flow.s2cBytes += p.payloadWireLength;
    flow.lastFrame = p.frame;
    flow.lastUs = p.tsUs;
    return dir;
  }

  /** The open flow of this packet's connection (either direction), if any. */
  private findFlow(pk: number, p: Packet): Flow | undefined {
    const e = this.flows.get(pk);
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return sameConnection(e, p) ? e : undefined;
    for (const f of e) if (sameConnection(f, p)) return f;
    return undefined;
  }

  private addFlow(flow: Flow): void {
    this.openFlows.add(flow);
    const e = this.flows.get(flow.portKey);
    if (e === undefined) this.flows.set(flow.portKey, flow);
    else if (Array.isArray(e)) e.push(flow);
    else this.flows.set(flow.portKey, [e, flow]);
  }

  private removeFlow(flow: Flow): void {
    this.openFlows.delete(flow);
    const e = this.flows.get(flow.portKey);
    if (e === flow) this.flows.delete(flow.portKey);
    else if (Array.isArray(e)) {
      const i = e.indexOf(flow);
      if (i >= 0) e.splice(i, 1);
      if (e.length === 1) this.flows.set(flow.portKey, e[0]);
      else if (e.length === 0) this.flows.delete(flow.portKey);
    }
  }

  private openFlow(transport: 'tcp' | 'udp', p: Packet, isSyn: boolean): Flow {
    let srcIsClient: boolean;
    let roleFrom: FlowSummary['roleFrom'];
    const synAck = transport === 'tcp' && (p.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK);
    if (isSyn) {
      srcIsClient = true;
      roleFrom = 'syn';
    } else if (synAck) {
      srcIsClient = false;
      roleFrom = 'syn';
    } else {
      const srcServer = this.isLikelyServerPort(transport, p.srcPort);
      const dstServer = this.isLikelyServerPort(transport, p.dstPort);
      if (srcServer !== dstServer) {
        srcIsClient = dstServer;
        roleFrom = 'port';
      } else {
        srcIsClient = p.srcPort > p.dstPort;
        roleFrom = 'guess';
      }
    }
    const src = { ip: p.src, port: p.srcPort };
    const dst = { ip: p.dst, port: p.dstPort };
    const flow = new Flow(this.nextFlowId++, transport, srcIsClient ? src : dst, srcIsClient ? dst : src, roleFrom, p.frame, p.tsUs);
    this.stats.flowsOpen++;
    this.stats.flowsTotal++;
    const shard = this.opts.shard;
    if (shard && shardOfFlow(flow.id, shard.count) !== shard.index) {
      // Another shard decodes this flow: track it (ids, ends), feed it to no decoder.
      flow.decided = true;
      flow.foreign = true;
    }
    if (transport === 'tcp') {
      const mk = (dir: Dir) =>
        new TcpStream(
          flow.foreign
            ? NO_SINK
            : {
                data: (bytes, offset, frame, tsUs, acked) =>
                  this.deliver(flow, flow.reversed ? OTHER[dir] : dir, 'data', bytes, bytes.length, acked === undefined ? { frame, tsUs, streamOffset: offset } : { frame, tsUs, streamOffset: offset, acked }),
                gap: (length, offset, frame, tsUs) => {
                  const d = flow.reversed ? OTHER[dir] : dir;
                  flow.summary.gapBytes[d] += length;
                  this.deliver(flow, d, 'gap', EMPTY, length, { frame, tsUs, streamOffset: offset });
                },
              },
          this.opts.maxPendingBytes,
        );
      flow.streams = { c2s: mk('c2s'), s2c: mk('s2c') };
    }
    // A decode-as rule or a port decides at once for protocols without a probe.
    if (!flow.foreign) this.decideByPort(flow);
    return flow;
  }

  private isLikelyServerPort(transport: 'tcp' | 'udp', port: number): boolean {
    if (this.opts.decodeAs?.some((r) => r.transport === transport && r.port === port)) return true;
    if (transport === 'tcp' && this.serverPorts.has(port)) return true;
    return port < 1024;
  }

  private tcp(flow: Flow, arrived: Dir, p: Packet): void {
    let dir = arrived;
    const reversed = flow.reversed;
    const s = flow.summary;
    const streams = flow.streams!;
    const stream = streams[dir];
    const other = streams[dir === 'c2s' ? 's2c' : 'c2s'];
    const f = p.flags;
    if (f & TCP_SYN) {
      s.synSeen = true;
      if (f & TCP_ACK) {
        if (s.synAckUs === undefined) {
          s.synAckUs = p.tsUs;
          flow.awaitingAck = s.ackUs === undefined;
        }
      } else {
        // A retransmitted SYN (same ISN) before the handshake completed restarts the RTT clock, as
        // Wireshark's tcp.analysis.initial_rtt does: the RTO before it is not a round trip.
        if (s.ackUs === undefined && s.synUs !== undefined && s.synUs !== p.tsUs) {
          s.synUs = p.tsUs;
          s.synAckUs = undefined;
          flow.awaitingAck = false;
        }
        s.synUs ??= p.tsUs;
        flow.isn ??= p.seq;
      }
      stream.syn(p.seq);
    } else if (dir === 'c2s' && flow.awaitingAck && f & TCP_ACK) {
      s.ackUs = p.tsUs;
      flow.awaitingAck = false;
      if (s.synUs !== undefined) s.handshakeRttUs = p.tsUs - s.synUs;
    }
    if (f & TCP_FIN) {
      s.finUs ??= {};
      s.finUs[dir] ??= p.tsUs;
    }
    if (f & TCP_ACK) {
      // The first acknowledgement from a side whose SYN was seen acknowledges the other side's SYN,
      // whether or not that was captured: where the other side's data starts (RFC 9293 §3.5).
      if (stream.synSeen && !other.started) other.expectStart(p.ack);
      other.acked(p.ack, p.frame, p.tsUs, p.payloadWireLength > 0 || (f & (TCP_FIN | TCP_RST)) !== 0);
    }
    // An empty segment of a side whose SYN was lost, the other's seen, carries its next sequence number.
    if (!(f & (TCP_SYN | TCP_FIN | TCP_RST)) && p.payloadWireLength === 0 && other.synSeen && !stream.started) stream.expectStart(p.seq);
    if (p.payloadWireLength > 0 || f & TCP_FIN) {
      // SYN-carried data (TFO) starts after the SYN's sequence number.
      const seq = f & TCP_SYN ? (p.seq + 1) >>> 0 : p.seq;
      // The other side's bytes this segment acknowledged, as a stream offset, for the decoders.
      const acked = f & TCP_ACK && other.started ? other.offsetOf(p.ack) : undefined;
      stream.segment(seq, p.payload, p.payloadWireLength, p.frame, p.tsUs, (f & TCP_FIN) !== 0, acked);
    }
    // Bytes this packet delivered decided the flow's decoder, which turned the connection round (Pipeline.reverse).
    if (flow.reversed !== reversed) dir = OTHER[dir];
    if (f & TCP_RST) {
      s.rstUs ??= p.tsUs;
      this.closeFlow(flow, 'rst');
      return;
    }
    if (stream.ended && !flow.decided) this.decide(flow, true);
    if (stream.ended) this.endDir(flow, dir, { frame: p.frame, tsUs: p.tsUs, streamOffset: stream.delivered });
    if (streams.c2s.ended && streams.s2c.ended) this.closeFlow(flow, 'fin');
  }

  /** A UDP datagram: its flow (a new one after a silence longer than `idleLimit` on the same ports), then its decoder. */
  private udpPacket(p: Packet): void {
    if (p.tsUs >= this.nextUdpSweepUs || this.udpFlows.size >= this.maxUdpFlows) this.expireUdp(p.tsUs);
    let flow = this.findFlow(portKey(true, p.srcPort, p.dstPort), p);
    if (flow && p.tsUs - flow.lastUs > this.idleLimit(flow)) {
      this.udpFlows.delete(flow);
      this.closeFlow(flow, 'capture-end');
      this.removeFlow(flow);
      flow = undefined;
    }
    if (this.copies !== undefined && this.isCopy(flow, p)) return;
    if (!flow) {
      flow = this.openFlow('udp', p, false);
      this.addFlow(flow);
      this.udpFlows.add(flow);
      if (this.copies !== undefined) this.firstPacket(flow, p);
    }
    this.udp(flow, this.arrive(flow, p), p);
  }

  private udp(flow: Flow, dir: Dir, p: Packet): void {
    const at = { frame: p.frame, tsUs: p.tsUs, streamOffset: 0 };
    if (!flow.decided) {
      flow.decided = true;
      if (!flow.decoder) this.decideByProbe(flow, dir, p.payload, true);
      // The probed head is a view into the capture chunk: a flow must not keep the chunk alive.
      flow.head[dir] = EMPTY;
    }
    const d = flow.decoder as DatagramDecoder | undefined;
    if (!d || flow.dead) return;
    this.opts.tap?.(flow.id, { type: 'datagram', dir, bytes: p.payload.slice(), at });
    this.guard(flow, () => d.datagram(dir, p.payload, at));
  }

  /**
   * Close the UDP flows silent for longer than `udpIdleUs` (`udpStreamIdleUs`) before `nowUs`, in the order they were
   * opened: their memory goes, their last calls come out. Runs every UDP_SWEEP_US of capture time
   * (a quarter of the timeout when that is shorter): one pass over the open UDP flows then, not per
   * datagram. A datagram on the ports of a flow silent for longer closes it at once (udpPacket).
   */
  /** How long this UDP flow may stay silent. */
  private idleLimit(flow: Flow): number {
    return flow.packets > 2 && flow.c2sBytes > 0 && flow.s2cBytes > 0 ? this.udpStreamIdleUs : this.udpIdleUs;
  }

  private expireUdp(nowUs: number): void {
    const sweep = nowUs >= this.nextUdpSweepUs;
    if (sweep) this.nextUdpSweepUs = nowUs + Math.min(UDP_SWEEP_US, this.udpIdleUs / 4);
    // Too many open: the quiet ones (silent for UDP_EVICT_QUIET_US) go too, up to MAX_IDLE_CLOSES,
    // so the next pass comes after as many new flows (one pass per 1024 new flows at most).
    const quiet: Flow[] | undefined = this.udpFlows.size >= this.maxUdpFlows ? [] : undefined;
    let idle: Flow[] = [];
    for (const flow of this.udpFlows) {
      const silent = nowUs - flow.lastUs;
      if (silent > this.idleLimit(flow)) {
        if (idle.length === MAX_IDLE_CLOSES) {
          // The rest at the next datagram: keys stay distinct (below).
          this.nextUdpSweepUs = nowUs;
          break;
        }
        idle.push(flow);
      } else if (quiet && silent >= UDP_EVICT_QUIET_US && quiet.length < MAX_IDLE_CLOSES) quiet.push(flow);
      if (!sweep && quiet && idle.length + quiet.length >= MAX_IDLE_CLOSES) break;
    }
    if (quiet) {
      if (idle.length + quiet.length === 0) {
        // Every open flow is busy: the longest-open go anyway.
        for (const flow of this.udpFlows) if (quiet.push(flow) === MAX_IDLE_CLOSES) break;
      }
      // Closed in the order they were opened (flow ids are in that order).
      idle = idle.concat(quiet.slice(0, MAX_IDLE_CLOSES - idle.length)).sort((a, b) => a.id - b.id);
    }
    if (!idle.length) return;
    // Each close reports under a key of its own, between the frame's network warnings (key - 1/2)
    // and the datagram (key): at most 1024 of them keep the keys distinct for any key below 2^41.
    const key = this.orderKey;
    const k = idle.length;
    idle.forEach((flow, i) => {
      this.orderKey = key - 0.5 + (0.5 * (i + 1)) / (k + 1);
      this.udpFlows.delete(flow);
      this.closeFlow(flow, 'capture-end');
      this.removeFlow(flow);
    });
    this.orderKey = key;
  }

  // ── choosing a decoder ─────────────────────────────────────────────────────────────────────

  private decideByPort(flow: Flow): void {
    const rule = this.opts.decodeAs?.find((r) => r.transport === flow.transport && (r.port === flow.server.port || r.port === flow.client.port));
    if (rule) {
      const spec = this.decoders.find((d) => d.id === rule.decoderId);
      if (spec) return this.attach(flow, spec, 'decode-as');
    }
    // Port-matched decoders without a probe are taken at once; with a probe, wait for bytes.
    const byPort = this.portCandidates(flow);
    if (byPort.length && !byPort[0].probe) this.attach(flow, byPort[0], 'port');
  }

  private portCandidates(flow: Flow): DecoderSpec[] {
    const server = (this.serverPorts.get(flow.server.port) ?? []).filter((d) => d.transport === flow.transport);
    const client = (this.serverPorts.get(flow.client.port) ?? []).filter((d) => d.transport === flow.transport);
    return [...server, ...client.filter((d) => !server.includes(d))];
  }

  /** Decide with the bytes held so far; `final` forces a decision (flow ending / too many bytes). */
  private decide(flow: Flow, final: boolean): void {
    if (flow.decided) return;
    const heads = flow.head;
    const dirs: Dir[] = (['c2s', 's2c'] as Dir[]).filter((d) => heads[d].length > 0);
    let needMore = false;
    // The connection's start is not in the capture (no SYN): the capture joined it late.
    const joinedLate = !flow.summary.synSeen;
    // 1. port candidates, confirmed by their probe when they have one (a connection's start, else
    //    its framing when the capture joined it late)
    for (const spec of this.portCandidates(flow)) {
      if (!spec.probe) return this.attach(flow, spec, 'port');
      let r = this.probeSpec(spec, heads, dirs);
      if (r !== 'accept' && spec.probeMidstream && joinedLate) {
        const m = this.probeSpec(spec, heads, dirs, true);
        if (m !== 'reject') r = m;
      }
      if (r === 'accept') return this.attach(flow, spec, 'port');
      if (r === 'need-more') needMore = true;
    }
    if (needMore && !final) return;
    // 2. heuristics, cheap and specific first
    let undecided: DecoderSpec | undefined;
    let undecidedCount = 0;
    for (const spec of this.probeOrder) {
      if (spec.transport !== flow.transport) continue;
      const r = this.probeSpec(spec, heads, dirs);
      if (r === 'accept') {
        if (spec.refute?.(heads, joinedLate)) continue;
        return this.attach(flow, spec, 'probe');
      }
      if (r === 'need-more') {
        needMore = true;
        undecided ??= spec;
        undecidedCount++;
      }
    }
    if (needMore && !final) return;
    // Bytes were lost before anything could be decided (a small snaplen keeps ~14 bytes of each
    // segment): a heuristic that alone found its protocol's start, cut short, takes the flow. Not
    // when the flow simply ended with all its bytes: then the start it found was all there was,
    // and too short to be that protocol (Zabbix's `agent.ping\n` is no DNS length prefix).
    if (final && undecidedCount === 1 && dirs.some((d) => heads[d].length >= 8) && this.bytesLost(flow)) return this.attach(flow, undecided!, 'probe');
    // 3. a port candidate whose probe was undecided still beats raw
    const fallback = this.portCandidates(flow)[0];
    if (fallback && final && dirs.length) {
      const r = this.probeSpec(fallback, heads, dirs);
      if (r !== 'reject') return this.attach(flow, fallback, 'port');
    }
    // 4. no decoder recognised a start: a connection the capture joined late, by framing alone
    for (const spec of joinedLate ? this.midstreamOrder : []) {
      if (spec.transport !== flow.transport) continue;
      const r = this.probeSpec(spec, heads, dirs, false);
      if (r === 'accept') {
        if (spec.refute?.(heads, true)) continue;
        return this.attach(flow, spec, 'probe');
      }
      if (r === 'need-more') needMore = true;
    }
    if (needMore && !final) return;
    if (final || (dirs.some((d) => heads[d].length >= this.probeBytes) && !this.awaitingOtherSide(flow))) {
      flow.decided = true;
      flow.held = [];
    }
  }

  /**
   * A connection the capture joined late whose first bytes are one side's long message (a body in
   * flight): the other side's first bytes, which may start a message, are waited for until its
   * head is full too. Meanwhile each side keeps what the probes read (its head) and holds the rest
   * as a gap (deliver).
   */
  private awaitingOtherSide(flow: Flow): boolean {
    return !flow.summary.synSeen && (flow.head.c2s.length < this.probeBytes || flow.head.s2c.length < this.probeBytes);
  }

  /** Some of the flow's bytes were not captured: a gap was delivered, or a hole is known to be waiting. */
  private bytesLost(flow: Flow): boolean {
    return flow.held.some((h) => h.kind === 'gap' && !h.skipped) || (flow.streams !== undefined && (flow.streams.c2s.hasHole || flow.streams.s2c.hasHole));
  }

  /** The spec's probe over each direction's head (its mid-connection probe when `midstream` says by port or not). */
  private probeSpec(spec: DecoderSpec, heads: Flow['head'], dirs: Dir[], midstream?: boolean): 'accept' | 'reject' | 'need-more' {
    let any: 'reject' | 'need-more' = 'reject';
    for (const dir of dirs) {
      let r: 'accept' | 'reject' | 'need-more';
      try {
        r = midstream === undefined ? spec.probe!(heads[dir], dir) : spec.probeMidstream!(heads[dir], dir, midstream);
      } catch {
        r = 'reject';
      }
      if (r === 'accept') return r;
      if (r === 'need-more') any = 'need-more';
    }
    return any;
  }

  private decideByProbe(flow: Flow, dir: Dir, head: Uint8Array, final: boolean): void {
    flow.head[dir] = head;
    flow.decided = false;
    this.decide(flow, final);
  }

  private attach(flow: Flow, spec: DecoderSpec, how: FlowSummary['dispatch']): void {
    if (flow.transport === 'tcp' && flow.summary.roleFrom === 'guess' && spec.rolesReversed && this.askReversed(spec, flow)) this.reverse(flow);
    flow.decided = true;
    flow.spec = spec;
    flow.summary.protocol = spec.id;
    flow.summary.dispatch = how;
    this.opts.tap?.(flow.id, { type: 'attach', decoderId: spec.id, flow: { id: flow.id, transport: flow.transport, client: flow.client, server: flow.server } });
    this.guard(flow, () => {
      flow.decoder = spec.create((flow.session ??= new FlowSession(flow, this.sessionHost())));
    });
    // Replay what was held while choosing.
    const held = flow.held;
    flow.held = [];
    for (const h of held) this.feed(flow, h.dir, h.kind, h.bytes, h.length, h.at);
  }

  private askReversed(spec: DecoderSpec, flow: Flow): boolean {
    try {
      return spec.rolesReversed!(flow.head);
    } catch {
      return false;
    }
  }

  /**
   * Turn an undecided flow round: the guessed client is the server. Its streams keep their
   * reassembly state and deliver under the other label; what was held and counted swaps sides.
   */
  private reverse(flow: Flow): void {
    flow.reversed = !flow.reversed;
    const client = flow.server;
    flow.server = flow.client;
    flow.client = client;
    const s = flow.summary;
    s.client = flow.client;
    s.server = flow.server;
    s.roleFrom = 'payload';
    if (flow.streams) flow.streams = { c2s: flow.streams.s2c, s2c: flow.streams.c2s };
    const c2sBytes = flow.c2sBytes;
    flow.c2sBytes = flow.s2cBytes;
    flow.s2cBytes = c2sBytes;
    s.gapBytes = { c2s: s.gapBytes.s2c, s2c: s.gapBytes.c2s };
    for (const a of s.alsoSeenAs ?? []) {
      const c = a.client;
      a.client = a.server;
      a.server = c;
    }
    if (s.finUs) s.finUs = { ...(s.finUs.s2c !== undefined ? { c2s: s.finUs.s2c } : {}), ...(s.finUs.c2s !== undefined ? { s2c: s.finUs.c2s } : {}) };
    flow.heldBytes = { c2s: flow.heldBytes.s2c, s2c: flow.heldBytes.c2s };
    flow.head = { c2s: flow.head.s2c, s2c: flow.head.c2s };
    const endC2s = flow.endC2s;
    flow.endC2s = flow.endS2c;
    flow.endS2c = endC2s;
    for (const h of flow.held) h.dir = OTHER[h.dir];
  }

  // ── bytes → decoders ──────────────────────────────────────────────────────────────────────

  private deliver(flow: Flow, dir: Dir, kind: 'data' | 'gap', bytes: Uint8Array, length: number, at: Position): void {
    if (flow.foreign) return;
    if (!flow.decided) {
      if (kind === 'data') {
        const head = flow.head[dir];
        if (head.length < this.probeBytes) {
          const take = bytes.subarray(0, this.probeBytes - head.length);
          const joined = new Uint8Array(head.length + take.length);
          joined.set(head);
          joined.set(take, head.length);
          flow.head[dir] = joined;
        }
      }
      const skip = kind === 'data' && flow.heldBytes[dir] >= this.probeBytes && !flow.summary.synSeen;
      if (skip) {
        // A connection joined late waiting for the other side's first bytes (awaitingOtherSide) keeps
        // the first bytes of this side's long message; the rest is held as a gap, not kept.
        const last = flow.held[flow.held.length - 1];
        if (last?.skipped && last.dir === dir) last.length += length;
        else flow.held.push({ dir, kind: 'gap', bytes: EMPTY, length, at, skipped: true });
      } else flow.held.push({ dir, kind, bytes: kind === 'data' ? bytes.slice() : EMPTY, length, at });
      flow.heldBytes[dir] += length;
      // This side's head was probed in full already: nothing new for the probes.
      if (skip) return;
      // A gap before anything was decided: decide with what we have. (A gap before any byte at all,
      // a first segment lost, leaves nothing to decide with: the bytes after it are waited for.)
      const seen = flow.head.c2s.length > 0 || flow.head.s2c.length > 0;
      this.decide(flow, (kind === 'gap' && seen) || (flow.heldBytes[dir] > this.probeBytes && !this.awaitingOtherSide(flow)));
      return;
    }
    this.feed(flow, dir, kind, bytes, length, at);
  }

  private feed(flow: Flow, dir: Dir, kind: 'data' | 'gap' | 'end', bytes: Uint8Array, length: number, at: Position): void {
    const d = flow.decoder as StreamDecoder | undefined;
    if (!d || flow.dead) return;
    if (kind === 'data') {
      this.opts.tap?.(flow.id, { type: 'data', dir, bytes: bytes.slice(), at });
      // (guard() inlined: no closure per segment)
      try {
        d.data(dir, bytes, at);
      } catch (e) {
        this.stopDecoder(flow, e);
      }
    } else if (kind === 'gap') {
      this.opts.tap?.(flow.id, { type: 'gap', dir, length, at });
      this.guard(flow, () => d.gap(dir, length, at));
    } else {
      this.opts.tap?.(flow.id, { type: 'end', dir, at });
      this.guard(flow, () => d.end(dir, at));
    }
  }

  private endDir(flow: Flow, dir: Dir, at: Position): void {
    if (dir === 'c2s') {
      if (flow.endC2s) return;
      flow.endC2s = true;
    } else {
      if (flow.endS2c) return;
      flow.endS2c = true;
    }
    if (!flow.decided) {
      flow.held.push({ dir, kind: 'end', bytes: EMPTY, length: 0, at });
      return;
    }
    this.feed(flow, dir, 'end', EMPTY, 0, at);
  }

  private closeFlow(flow: Flow, how: CloseReason): void {
    if (flow.closed) return;
    const at = { frame: flow.lastFrame, tsUs: flow.lastUs, streamOffset: 0 };
    if (flow.streams) {
      for (const dir of ['c2s', 's2c'] as Dir[]) {
        const st = flow.streams[dir];
        st.finish(flow.lastFrame, flow.lastUs);
      }
    }
    if (!flow.decided) this.decide(flow, true);
    if (flow.streams) {
      for (const dir of ['c2s', 's2c'] as Dir[]) this.endDir(flow, dir, { ...at, streamOffset: flow.streams[dir].delivered });
    }
    flow.closed = true;
    if (flow.ref) flow.ref.flow = undefined;
    const d = flow.decoder;
    if (d && !flow.dead) {
      this.opts.tap?.(flow.id, { type: 'close', at });
      this.guard(flow, () => d.close(at, how));
    }
    this.stats.flowsOpen--;
    if (flow.copyFrames > 0) flow.summary.copies = { frames: flow.copyFrames, bytes: flow.copyBytes, interfaces: (flow.copyVantages ?? []).map((v) => this.vantageName(v)) };
    if (!flow.foreign) this.sink.flow?.(summarize(flow));
  }

  /** Run decoder code; anything it throws becomes a flow warning and the decoder is stopped. */
  private guard(flow: Flow, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.stopDecoder(flow, e);
    }
  }

  private stopDecoder(flow: Flow, e: unknown): void {
    flow.dead = true;
    const msg = e instanceof Error ? e.message : String(e);
    this.flowWarn(flow, `${flow.spec?.id ?? 'decoder'} stopped on this connection: ${msg}`);
  }

  private flowWarn(flow: Flow, message: string): void {
    const w = flow.summary.warnings;
    if (w.length < MAX_FLOW_WARNINGS) w.push(message);
    else if (w.length === MAX_FLOW_WARNINGS) w.push('further warnings on this connection suppressed');
  }

  /**
   * A decoder reports at the end of the capture (CaptureScope.atEnd). Its report belongs to no
   * flow, so the shards of a sharded run would each give it the same order key and their output
   * could not be merged: a decoder must say `learned` before it holds anything to report, and
   * should one forget, this says it for it (the run then falls back to one pipeline) rather than
   * leave a parallel run waiting.
   */
  private endReport(): void {
    this.opts.shard?.learned?.('a report at the end of the capture');
  }

  /**
   * What every flow's session asks of the pipeline: one object for all flows (a session per flow
   * used to carry five closures and their context, ~400 bytes on each of 16k open UDP flows).
   */
  private sessionHost(): SessionHost {
    const pipeline = this;
    return (this.host ??= {
      env: this.opts.env,
      capture: { state: new Map(), learned: (what: string) => pipeline.opts.shard?.learned?.(what), atEnd: (fn: () => void) => pipeline.endHooks.push(fn) },
      allocCallId: this.allocCallId,
      emit(flow: Flow, call: Call) {
        if (pipeline.inEndHooks) pipeline.endReport();
        flow.summary.calls++;
        if (flow.callTags) for (const k in flow.callTags) if (!(k in call.fields)) call.fields[k] = flow.callTags[k];
        const seenAs = flow.summary.alsoSeenAs;
        if (seenAs !== undefined && call.flowId === flow.id) call.alsoSeenAs = seenAs.map((a) => ({ client: a.client, server: a.server, interfaces: a.interfaces.slice() }));
        if (pipeline.opts.shard && (call.kind === 'publish' || call.kind === 'deliver')) pipeline.opts.shard.crossFlow?.(call);
        pipeline.correlator.add(call);
      },
      warn(flow: Flow, message: string) {
        if (pipeline.inEndHooks) pipeline.endReport();
        pipeline.flowWarn(flow, message);
      },
      handoff(session: FlowSession, decoderId: string, init?: unknown) {
        const flow = session.flow;
        const spec = pipeline.decoders.find((d) => d.id === decoderId);
        if (!spec) {
          pipeline.flowWarn(flow, `no decoder for "${decoderId}" after the upgrade; the rest of the connection is not decoded`);
          flow.decoder = undefined;
          return undefined;
        }
        let next: StreamDecoder | undefined;
        try {
          next = spec.create(session, init) as StreamDecoder;
        } catch (e) {
          pipeline.flowWarn(flow, `${decoderId} could not start: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }
        flow.decoder = next;
        flow.spec = spec;
        flow.summary.protocol = spec.id;
        flow.summary.dispatch = 'handoff';
        return next;
      },
      probe(head: Uint8Array, dir: Dir) {
        // (the heuristics of `decide`, step 2, over one direction's head)
        const heads = { c2s: head, s2c: head };
        let more = false;
        for (const spec of pipeline.probeOrder) {
          if (spec.transport !== 'tcp') continue;
          const r = pipeline.probeSpec(spec, heads, [dir]);
          if (r === 'accept') return spec.id;
          if (r === 'need-more') more = true;
        }
        return more ? 'need-more' : undefined;
      },
    });
  }
}

interface SessionHost {
  env: DecoderEnv;
  capture: CaptureScope;
  allocCallId: () => number;
  emit(flow: Flow, call: Call): void;
  warn(flow: Flow, message: string): void;
  handoff(session: FlowSession, decoderId: string, init?: unknown): StreamDecoder | undefined;
  probe(head: Uint8Array, dir: Dir): string | 'need-more' | undefined;
}

/** A flow's DecoderSession, made when a decoder is attached to it. */
class FlowSession implements DecoderSession {
  readonly env: DecoderEnv;
  readonly capture: CaptureScope;
  constructor(
    readonly flow: Flow,
    private readonly host: SessionHost,
  ) {
    this.env = host.env;
    this.capture = host.capture;
  }
  nextCallId(): number {
    return this.host.allocCallId();
  }
  emit(call: Call): void {
    this.host.emit(this.flow, call);
  }
  warn(message: string, at?: Position): void {
    this.host.warn(this.flow, at ? `frame ${at.frame}: ${message}` : message);
  }
  handoff(decoderId: string, init?: unknown): StreamDecoder | undefined {
    return this.host.handoff(this, decoderId, init);
  }
  probe(head: Uint8Array, dir: Dir): string | 'need-more' | undefined {
    return this.host.probe(head, dir);
  }
  tagCalls(fields: Record<string, string>): void {
    this.flow.callTags = { ...this.flow.callTags, ...fields };
  }
  newCall(protocol: string, at: Position): Call {
    return newCallOn(this.flow, this.host.allocCallId(), protocol, at);
  }
}

const EMPTY = new Uint8Array(0);

/** Default `udpIdleUs` and `udpStreamIdleUs`. */
const DEFAULT_UDP_IDLE_US = 30_000_000;
const DEFAULT_UDP_STREAM_IDLE_US = 120_000_000;
/** Longest capture time between two looks for idle UDP flows. */
const UDP_SWEEP_US = 5_000_000;
const DEFAULT_MAX_UDP_FLOWS = 4096;
const UDP_EVICT_QUIET_US = 1_000_000;
/** Idle UDP flows closed in one look (see `orderKey`). */
const MAX_IDLE_CLOSES = 1024;

/** The flow's summary, with the counts kept in the flow while it was open. */
function summarize(flow: Flow): FlowSummary {
  const s = flow.summary;
  s.packets = flow.packets;
  s.c2sBytes = flow.c2sBytes;
  s.s2cBytes = flow.s2cBytes;
  s.endUs = flow.lastUs;
  return s;
}

/** Is packet `p` on this flow's connection (its transport, addresses and ports, either direction)? */
function sameConnection(f: Flow, p: Packet): boolean {
  if ((f.transport === 'tcp') !== (p.proto === 6)) return false;
  const c = f.client;
  const s = f.server;
  return (
    (c.port === p.srcPort && s.port === p.dstPort && c.ip === p.src && s.ip === p.dst) ||
    (c.port === p.dstPort && s.port === p.srcPort && c.ip === p.dst && s.ip === p.src)
  );
}

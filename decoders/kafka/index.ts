/**
 * Apache Kafka wire protocol (kafka.apache.org/protocol, KIP-482 flexible versions), reached on
 * port 9092 or by probe on a plausible request header (size, api key ≤ known, version,
 * correlation id, client id length).
 *
 * Each connection is a series of size-prefixed requests (c2s) and responses (s2c). A response
 * names only its correlation id: each request's api key and version are remembered by
 * correlation id to decode it (request header v2 / response header v1 in flexible versions,
 * except ApiVersions whose response header stays v0; an UNSUPPORTED_VERSION ApiVersions answer
 * is a v0 body).
 *
 * Calls: Produce → one 'publish' per (topic, partition) with its record batches, completed by
 * the base offset and error code of the response; Fetch → a 'unary' call plus one 'deliver' per
 * record batch returned. Both set msg.key `kafka|topic|partition|base offset`, which links a
 * produced batch to its fetches. Other APIs → 'unary' calls, decoded field by field for the
 * common ones (messages.ts), by name and size for the rest.
 *
 * Capture gaps (snaplen, loss; see gap()): a message cut by a gap keeps its header (api key,
 * version, correlation id: still paired) and the body as far as it goes, and the size prefix says
 * where the next one starts; a gap over a boundary resynchronises on the next plausible header.
 */
import type { CaptureScope, CloseReason, DecoderSpec, DecoderSession, Position, StreamDecoder } from '../core/decoder';
import type { Call, Dir } from '../core/model';
import type { Limits } from '../core/env';
import { be16, be32 } from '../core/bytes';
import { addFrames } from '../calls/stream';
import { type Cut, SizePrefixedFraming } from '../calls/framing';
import { leftWaiting } from '../calls/ended';
import { MAX_API_KEY, apiName, errorName, isFlexible } from './apis';
import { REQUESTS, RESPONSES } from './messages';
import { KReader, readStruct } from './schema';
import { readBatches, type RecordBatch, type RecordContext } from './records';
import { RegistrySchemas } from './schema-registry';

/** Kafka's default socket.request.max.bytes is 100 MiB: larger sizes are not Kafka. */
const MAX_FRAME = 100 << 20;
const MAX_PENDING = 10000;
/** Bytes looked at per data event while resynchronising after a gap (more are dropped unread). */
const RESYNC_WINDOW = 64 * 1024;
/** Correlation ids after a gap must follow the last one seen within this distance (they count up per request). */
const CORR_WINDOW = 65536;
/**
 * Calls whose records look framed by a schema registry with an id the capture has not taught yet
 * wait this long (capture time, checked as this connection's bytes come) for the registry lookup
 * a consumer makes right after the Fetch; at most MAX_HELD groups wait.
 */
const HOLD_US = 2_000_000;
const MAX_HELD = 256;

/** Calls emitted together once the schema ids they wait for are learned (or the wait is over). */
interface Held {
  calls: Call[];
  waiting: Set<number>;
  /** Decode the records again, with what the capture has taught since. */
  redo: Array<() => void>;
  untilUs: number;
}

const cutText = (what: string, c: Cut) => `${what} cut by a capture gap: ${c.captured} of ${c.total} bytes captured, ${c.total - c.captured} missing`;

export function probeKafka(head: Uint8Array): 'accept' | 'reject' | 'need-more' {
  if (head.length < 14) return head.length >= 8 && quick(head) === 'reject' ? 'reject' : 'need-more';
  if (quick(head) === 'reject') return 'reject';
  const size = be32(head, 0);
  // A client opens a connection with a small request (ApiVersions, Metadata, SASL; a Produce is
  // bounded by max.request.size, 1 MiB by default): a first frame of 16 MiB or more is another
  // protocol's header read as a size (OpenFlow's version byte 1–4 makes 16–64 MiB).
  if (size >= FIRST_REQUEST_MAX) return 'reject';
  const cl = be16(head, 12);
  if (cl === 0xffff) return 'accept';
  if (cl > size - 10 || cl > 1024) return 'reject';
  // client id must look like text
  for (let i = 14; i < Math.min(head.length, 14 + cl); i++) if (head[i] < 0x20 || head[i] > 0x7e) return 'reject';
  // The first request must read by its api key's schema within its declared size: SMPP's bind
  // (command_id 2, status 0, sequence number 1) passes the header checks as Produce v2 with an empty
  // client id, and its system id then reads as a topic count of 1.6 billion. A frame not all in the
  // head is read with zeros for its missing bytes (they read as empty arrays and strings), so only
  // the bytes seen can fail it.
  if (size <= PROBE_READ_MAX) {
    let frame = head.subarray(4, 4 + size);
    if (frame.length < size) {
      const padded = new Uint8Array(size);
      padded.set(frame);
      frame = padded;
    }
    if (!readsAsRequest(frame)) return 'reject';
  }
  return 'accept';
}

/** A first request this large is no Kafka client's (see probeKafka). */
const FIRST_REQUEST_MAX = 16 << 20;

/** The largest first request the probe reads by its schema (larger ones: the header checks alone). */
const PROBE_READ_MAX = 64 * 1024;

/** Does a whole request frame (without its size) read by its api key's schema, header and body? */
function readsAsRequest(frame: Uint8Array): boolean {
  const r = new KReader(frame);
  const key = r.int16();
  const version = r.int16();
  r.int32();
  r.string(false);
  const flexible = isFlexible(key, version);
  if (flexible) r.tagged();
  const schema = REQUESTS[key];
  if (schema && !r.error) readStruct(r, schema, version, flexible);
  return !r.error;
}

/**
 * A broker answers a connection's requests in order, each response starting with its request's
 * correlation id (Kafka protocol guide, "The protocol": size, correlation id): a first response whose
 * size is implausible or whose id is below the first request's is no Kafka answer. SMPP reads as
 * Produce v2 (command_id 2, status 0 as the id) and its answer's command_id 0x80000002 as id -2^31+2.
 */
export function refuteKafka(c2s: Uint8Array, s2c: Uint8Array, joinedLate: boolean): boolean {
  if (joinedLate || c2s.length < 12 || s2c.length < 8) return false;
  const size = be32(s2c, 0);
  if (size < 4 || size > MAX_FRAME) return true;
  return (be32(s2c, 4) | 0) < (be32(c2s, 8) | 0);
}

function quick(head: Uint8Array): 'reject' | 'ok' {
  const size = be32(head, 0);
  if (size < 10 || size > MAX_FRAME) return 'reject';
  const key = be16(head, 4);
  const ver = be16(head, 6);
  if (key > MAX_API_KEY || ver > 20) return 'reject';
  return 'ok';
}

interface Pending {
  key: number;
  version: number;
  call: Call;
  publishes: Call[];
  start: Position;
  /** Schema ids the publishes' records wait for, and how to decode them again (see Held). */
  waiting?: Set<number>;
  redo?: Array<() => void>;
}

/** Per-capture map topic id → name, from Metadata responses (capture scope key). */
const TOPIC_IDS = 'kafka.topicIds';
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const MAX_TOPIC_IDS = 100_000;

function topicIdsOf(scope: CaptureScope | undefined): Map<string, string> | undefined {
  if (!scope) return undefined;
  let m = scope.state.get(TOPIC_IDS) as Map<string, string> | undefined;
  if (!m) scope.state.set(TOPIC_IDS, (m = new Map()));
  return m;
}

class KafkaDecoder implements StreamDecoder {
  private readonly framing: SizePrefixedFraming;
  /** Highest correlation id seen in a request (resynchronisation wants the next ones above it). */
  private lastCorr: number | undefined;
  private pending = new Map<number, Pending>();
  /** Correlation ids of acks=0 Produce requests (no response is due; a few brokers send one anyway). */
  private unanswered = new Set<number>();
  private rawSasl = false;
  private readonly recLimits: Limits;
  private held: Held[] = [];
  /** Registered with the capture's registry schemas while calls are held. */
  private waiter?: (id: number) => void;

  private usedTopicIds = false;
  /** Topic ids of this connection when the decoder runs without a capture scope (tests, tools). */
  private readonly localTopicIds = new Map<string, string>();

  private topicIds(): Map<string, string> {
    return topicIdsOf(this.session.capture) ?? this.localTopicIds;
  }

  /**
   * A topic's name: its own, else the name a Metadata response (v10+) gave its id on any connection
   * of the capture — Fetch v13+ and Produce v13+ name topics by id only (KIP-516), and without the
   * name their deliveries would not meet their publishes. Unknown ids stay ids.
   */
  private topicName(t: Record<string, unknown>): string {
    const n = t.name ?? t.topic;
    if (typeof n === 'string' && n) return n;
    const id = t.topic_id;
    if (typeof id !== 'string' || !id) return '';
    if (!this.usedTopicIds) {
      this.usedTopicIds = true;
      this.session.capture?.learned('Kafka topic ids');
    }
    return this.topicIds().get(id) ?? id;
  }

  /** Metadata v10+ names each topic's id: kept for the Fetch/Produce that use ids only. */
  private learnTopicIds(value: Record<string, unknown>): void {
    const topics = value.topics;
    if (!Array.isArray(topics)) return;
    const ids = this.topicIds();
    for (const t of topics as Array<Record<string, unknown>>) {
      if (typeof t?.topic_id === 'string' && t.topic_id !== ZERO_UUID && typeof t.name === 'string' && t.name && (ids.size < MAX_TOPIC_IDS || ids.has(t.topic_id))) ids.set(t.topic_id, t.name);
    }
  }

  constructor(private readonly session: DecoderSession) {
    this.recLimits = { ...session.env.limits, maxBodyBytes: Math.min(session.env.limits.maxBodyBytes, 16384) };
    this.framing = new SizePrefixedFraming(session, {
      prefix: 'kafka: ',
      unit: 'message',
      minSize: 0,
      maxSize: MAX_FRAME,
      resyncWindow: RESYNC_WINDOW,
      resumesAt: (dir) => (dir === 'c2s' ? 'request header (size, api key, version, correlation id)' : 'response to a waiting correlation id'),
      plausible: (dir, b, i, final) => this.plausible(dir, b, i, final),
      pdu: (dir, body, start, end, frames, wire, cut) => (dir === 'c2s' ? this.request(body, start, end, frames, wire, cut) : this.response(body, start, end, frames, wire, cut)),
      tooLarge: (dir, size, head, at) => {
        this.session.warn(`kafka: ${dir === 'c2s' ? 'request' : 'response'} of ${size} bytes is larger than the buffer limit; skipped`, at);
        if (dir === 's2c' && head.length >= 8) {
          const corr = be32(head, 4) | 0;
          const p = this.pending.get(corr);
          if (p) {
            this.pending.delete(corr);
            this.abandon(p, `response of ${size} bytes not decoded (larger than the buffer limit)`);
          }
        }
      },
    });
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    if (this.held.length) this.releaseHeld(at.tsUs);
    this.framing.data(dir, bytes, at);
  }

  /**
   * Bytes not captured (snaplen, loss). Inside a message whose size prefix was captured the size
   * says where the next one starts: the message is decoded from its captured head (header, and the
   * body as far as it goes) and framing resumes after it. A gap that swallows a boundary makes the
   * direction resynchronise on the next plausible header (requests: size, api key, version, a
   * correlation id above the last one; responses: the correlation id of a waiting request).
   */
  gap(dir: Dir, length: number, at: Position): void {
    this.framing.gap(dir, length, at);
  }

  private plausible(dir: Dir, b: Uint8Array, i: number, final: boolean): 'yes' | 'no' | 'more' {
    const left = b.length - i;
    const short = final ? 'no' : 'more';
    if (left < 4) return short;
    const size = be32(b, i);
    if (dir === 's2c') {
      if (size < 4 || size > MAX_FRAME) return 'no';
      if (left < 8) return short;
      const corr = be32(b, i + 4) | 0;
      return this.pending.has(corr) || this.unanswered.has(corr) ? 'yes' : 'no';
    }
    if (size < 10 || size > MAX_FRAME) return 'no';
    if (left >= 6 && be16(b, i + 4) > MAX_API_KEY) return 'no';
    if (left >= 8 && be16(b, i + 6) > 20) return 'no';
    if (left < 12) return short;
    const corr = be32(b, i + 8) | 0;
    if (corr < 0) return 'no';
    if (this.lastCorr !== undefined && (corr <= this.lastCorr || corr > this.lastCorr + CORR_WINDOW)) return 'no';
    if (left < 14) return final && this.lastCorr !== undefined ? 'yes' : short;
    const cl = be16(b, i + 12);
    if (cl === 0xffff) return 'yes';
    if (cl > size - 10 || cl > 1024) return 'no';
    // (Bounded: the first 64 bytes of a client id say enough.)
    const seen = Math.min(cl, left - 14, 64);
    for (let k = 0; k < seen; k++) {
      const c = b[i + 14 + k];
      if (c < 0x20 || c > 0x7e) return 'no';
    }
    return seen === Math.min(cl, 64) || final ? 'yes' : 'more';
  }

  end(): void {}

  close(at: Position, how: CloseReason = 'capture-end'): void {
    // A connection that ended (FIN/RST) will never bring the response: the request was cut short
    // (a consumer closing with its long-poll Fetch outstanding), not cut off by the capture — unless
    // the server's direction has holes, where the response may simply not have been captured.
    const left = this.framing.gapped.s2c
      ? { state: 'incomplete' as const, warning: 'no response in the capture (bytes of the server side were not captured)' }
      : leftWaiting(how, 'response', 'no response before the end of the capture');
    for (const p of this.pending.values()) this.abandon(p, left.warning, left.state);
    this.pending.clear();
    this.releaseHeld(Infinity);
    this.framing.summary(at);
  }

  private abandon(p: Pending, why: string, state: 'incomplete' | 'aborted' = 'incomplete'): void {
    for (const c of [p.call, ...p.publishes]) {
      if (p.publishes.length && c === p.call) continue;
      const acks = c.fields['kafka.acks'];
      c.state = acks === 0 ? 'complete' : state;
      if (acks !== 0) c.warnings.push(why);
      this.session.emit(c);
    }
  }

  private request(b: Uint8Array, start: Position, end: Position, frames: number[], wire: number, cut?: Cut): void {
    if (this.rawSasl && !cut && (b.length < 10 || be16(b, 0) > MAX_API_KEY || be16(b, 2) > 20)) {
      this.event('sasl-token', start, end, frames, wire, 'c2s');
      return;
    }
    this.rawSasl = false;
    const r = new KReader(b);
    const key = r.int16();
    const version = r.int16();
    const corr = r.int32();
    const call = this.session.newCall('kafka', start);
    const name = b.length >= 2 ? apiName(key) : 'request';
    call.method = name;
    call.kind = 'unary';
    call.frames = frames.slice(0, 64);
    call.timing.requestEndUs = end.tsUs;
    if (b.length >= 2) call.fields['kafka.api_key'] = key;
    if (b.length >= 4) call.fields['kafka.api_version'] = version;
    if (cut) call.warnings.push(cutText('request', cut));
    if (b.length < 8) {
      // Cut before its correlation id: no response can be paired with it.
      call.state = 'incomplete';
      call.warnings.push('correlation id not captured: its response cannot be paired');
      call.request = { value: { size: wire - 4 }, wireBytes: wire };
      this.session.emit(call);
      return;
    }
    if (corr >= 0 && (this.lastCorr === undefined || corr > this.lastCorr)) this.lastCorr = corr;
    const clientId = r.string(false);
    const flexible = isFlexible(key, version);
    if (flexible) r.tagged();
    call.fields['kafka.correlation_id'] = corr;
    if (clientId !== null && !r.error) call.fields['kafka.client_id'] = clientId;
    if (clientId && !r.error) call.fields['client.name'] = clientId;
    if (key < 0 || key > MAX_API_KEY) call.warnings.push(`unknown api key ${key}`);
    const schema = REQUESTS[key];
    let value: Record<string, unknown> = { size: wire - 4 };
    if (schema && !r.error) {
      value = readStruct(r, schema, version, flexible);
      // A cut body is read as far as it goes; what is missing is said once, by the cut warning.
      if (r.error && !cut) call.warnings.push(`${name} v${version} request: ${r.error}`);
    } else if (r.error && !cut) call.warnings.push(`request header: ${r.error}`);
    if (cut) value = { ...value, size: wire - 4 };
    call.request = { value, wireBytes: wire };
    const p: Pending = { key, version, call, publishes: [], start };

    if (key === 0 && !cut) this.producePublishes(p, value, end);
    else {
      if (key === 0) {
        // A cut Produce: one publish call for what was captured (its record batches are not all there).
        call.kind = 'publish';
        const t = (value.topic_data as Array<Record<string, unknown>> | undefined)?.[0];
        const topic = t && typeof t.name === 'string' && t.name ? t.name : undefined;
        if (topic) {
          call.target = topic;
          call.fields['kafka.topic'] = topic;
          call.fields['msg.destination'] = topic;
        }
        if (typeof value.acks === 'number') call.fields['kafka.acks'] = value.acks;
      } else setTargetFields(call, value, (t) => this.topicName(t));
      call.request.value = scrubRecords(value);
    }
    if (key === 0 && value.acks === 0) {
      // acks=0: the broker sends no response (a few, like librdkafka's mock broker, send one anyway).
      this.unanswered.add(corr);
      if (this.unanswered.size > MAX_PENDING) this.unanswered.delete(this.unanswered.values().next().value as number);
      for (const c of p.publishes) {
        c.state = 'complete';
        c.status = { code: 'sent', text: 'acks=0', ok: true };
        this.session.emit(c);
      }
      if (!p.publishes.length) {
        call.state = 'complete';
        call.kind = cut ? 'publish' : 'oneway';
        if (cut) call.status = { code: 'sent', text: 'acks=0', ok: true };
        this.session.emit(call);
      }
      return;
    }
    if (this.pending.has(corr)) this.abandon(this.pending.get(corr)!, `correlation id ${corr} reused before the response`);
    this.pending.set(corr, p);
    if (this.pending.size > MAX_PENDING) {
      const first = this.pending.entries().next().value as [number, Pending];
      this.pending.delete(first[0]);
      this.abandon(first[1], 'too many requests without responses');
    }
  }

  private producePublishes(p: Pending, value: Record<string, unknown>, end: Position): void {
    const call = p.call;
    const topics = (value.topic_data as Array<Record<string, unknown>>) ?? [];
    for (const t of topics) {
      const topic = this.topicName(t);
      for (const part of (t.partition_data as Array<Record<string, unknown>>) ?? []) {
        const pc: Call = p.publishes.length === 0 ? call : { ...call, id: this.session.nextCallId(), fields: { ...call.fields }, frames: [...call.frames], warnings: [...call.warnings], timing: { ...call.timing } };
        pc.kind = 'publish';
        pc.method = 'Produce';
        pc.target = topic;
        pc.fields['kafka.topic'] = topic;
        pc.fields['kafka.partition'] = part.index as number;
        pc.fields['kafka.acks'] = value.acks as number;
        pc.fields['msg.destination'] = topic;
        const recs = part.records as Uint8Array | null;
        let src = recs;
        const fill = (ctx: RecordContext = {}) => {
          const batches = src ? readBatches(src, { ...this.session.env, limits: this.recLimits }, 0, ctx) : { batches: [], partialBytes: 0 };
          if (batches.partialBytes) pc.warnings.push(`${batches.partialBytes} bytes of an incomplete record batch`);
          const summary = batchValues(batches.batches, pc);
          pc.request = {
            value: { transactional_id: value.transactional_id, acks: value.acks, timeout_ms: value.timeout_ms, topic, partition: part.index, batches: summary },
            body: firstValue(batches.batches),
            wireBytes: recs?.length ?? 0,
          };
        };
        const redos = p.redo?.length ?? 0;
        this.fillRecords(pc, fill, p);
        // Records that may be read again (see Held) keep their own copy: the frame's bytes are the stream buffer's.
        if ((p.redo?.length ?? 0) > redos && recs) src = recs.slice();
        pc.timing.requestEndUs = end.tsUs;
        p.publishes.push(pc);
      }
    }
    if (!p.publishes.length) call.request!.value = scrubRecords(value);
  }

  private response(b: Uint8Array, start: Position, end: Position, frames: number[], wire: number, cut?: Cut): void {
    const r = new KReader(b);
    if (cut && b.length < 4) {
      this.event('response', start, end, frames, wire, 's2c', `${cutText('response', cut)}; its correlation id was not captured`);
      return;
    }
    const corr = r.int32();
    const p = this.pending.get(corr);
    if (!p) {
      const cutNote = cut ? `; ${cutText('response', cut)}` : '';
      if (!this.rawSasl && this.unanswered.delete(corr)) {
        this.event('Produce response', start, end, frames, wire, 's2c', `response to an acks=0 Produce (correlation id ${corr}): Kafka brokers send none${cutNote}`);
        return;
      }
      const why = this.framing.gapped.c2s ? `response to correlation id ${corr}, whose request was not captured` : `response to unknown correlation id ${corr}`;
      this.event(this.rawSasl ? 'sasl-token' : 'response', start, end, frames, wire, 's2c', this.rawSasl ? undefined : why + cutNote);
      return;
    }
    this.pending.delete(corr);
    let { key, version } = p;
    let flexible = isFlexible(key, version);
    if (flexible && key !== 18) r.tagged();
    const call = p.call;
    const name = apiName(key);
    // An ApiVersions request the broker does not support is answered with a v0 body.
    if (key === 18 && r.left >= 2 && be16(b, r.o) === 35) {
      version = 0;
      flexible = false;
    }
    const schema = RESPONSES[key];
    let value: Record<string, unknown> = { size: b.length };
    const warnings: string[] = [];
    if (cut) {
      // Read as far as the captured head goes; what is missing is said once, by the cut warning.
      warnings.push(cutText('response', cut));
      if (schema && !r.error) value = { ...readStruct(r, schema, version, flexible), size: b.length };
    } else if (key === 18 && version === 0 && p.version > 0) {
      // Brokers answer v0 (KIP-511); others keep the newer layout: whichever reads the body to its
      // end. librdkafka's mock broker writes neither (a v3 count before v0 entries): read as either
      // it gave a made-up throttle time, so only the error is shown.
      const at = r.o;
      value = readStruct(r, schema, 0, false);
      if (r.error || r.left !== 0) {
        const r3 = new KReader(b, at);
        value = readStruct(r3, schema, p.version, true);
        if (r3.error || r3.left !== 0) value = { error_code: 35 };
      }
    } else if (schema && !r.error) {
      value = readStruct(r, schema, version, flexible);
      if (r.error) warnings.push(`${name} v${p.version} response: ${r.error}`);
    }
    const respStart = start.tsUs;
    const respEnd = end.tsUs;
    if (key === 3) this.learnTopicIds(value);

    if (key === 0 && p.publishes.length) {
      const parts = new Map<string, Record<string, unknown>>();
      for (const t of (value.responses as Array<Record<string, unknown>>) ?? []) {
        for (const pr of (t.partition_responses as Array<Record<string, unknown>>) ?? []) parts.set(`${this.topicName(t)}|${pr.index}`, pr);
      }
      for (const pc of p.publishes) {
        const pr = parts.get(`${pc.target}|${pc.fields['kafka.partition']}`);
        pc.timing.responseStartUs = respStart;
        pc.timing.endUs = respEnd;
        addFrames(pc.frames, frames);
        pc.state = 'complete';
        pc.warnings.push(...warnings);
        if (!pr && cut) pc.response = { value: scrubRecords(value), wireBytes: wire };
        else if (!pr) {
          pc.warnings.push('partition missing from the Produce response');
          pc.status = { code: 'missing', ok: false };
        } else {
          const ec = Number(pr.error_code ?? 0);
          pc.response = { value: pr, wireBytes: wire };
          pc.status = { code: ec, text: errorName(ec), ok: ec === 0 };
          pc.fields['kafka.error_code'] = ec;
          if (ec === 0 && pr.base_offset !== undefined && pr.base_offset !== -1) {
            pc.fields['kafka.offset'] = pr.base_offset as number;
            pc.fields['msg.key'] = `kafka|${pc.target}|${pc.fields['kafka.partition']}|${pr.base_offset}`;
          }
        }
      }
      this.emitOrHold(p.publishes, p.waiting, p.redo, respEnd);
      return;
    }

    call.timing.responseStartUs = respStart;
    call.timing.endUs = respEnd;
    addFrames(call.frames, frames);
    call.state = 'complete';
    call.warnings.push(...warnings);
    const deliveries: Call[] = [];
    const held: { waiting?: Set<number>; redo?: Array<() => void> } = {};
    if (key === 1) {
      for (const t of (value.responses as Array<Record<string, unknown>>) ?? []) {
        const topic = this.topicName(t);
        for (const part of (t.partitions as Array<Record<string, unknown>>) ?? []) {
          const recs = part.records as Uint8Array | null;
          if (!recs || !recs.length) continue;
          let src = recs;
          const read = (ctx: RecordContext) => readBatches(src, { ...this.session.env, limits: this.recLimits }, 0, ctx).batches;
          const first: RecordContext = { schemas: RegistrySchemas.of(this.session.capture, true), waiting: new Set() };
          const batches = read(first);
          // Records that may be read again (see Held) keep their own copy: the frame's bytes are the stream buffer's.
          if (first.waiting!.size && this.session.capture) src = recs.slice();
          // Read again once per pass of redo (all of this part's deliveries take their batch from it), not once per delivery.
          let again: { learned: number; batches: RecordBatch[] } | undefined;
          const readAgain = (ctx: RecordContext) => {
            const learned = ctx.schemas?.byId.size ?? 0;
            if (again?.learned !== learned) again = { learned, batches: read(ctx) };
            return again.batches;
          };
          part.records = { size: recs.length, batches: batches.length };
          for (let bi = 0; bi < batches.length; bi++) {
            const batch = batches[bi];
            if (batch.control) continue;
            const d = this.session.newCall('kafka', start);
            d.kind = 'deliver';
            d.method = 'Fetch';
            d.target = topic;
            d.state = 'complete';
            d.frames = frames.slice(0, 64);
            d.timing.endUs = respEnd;
            d.fields['kafka.api_key'] = 1;
            d.fields['kafka.api_version'] = p.version;
            d.fields['kafka.correlation_id'] = corr;
            d.fields['kafka.topic'] = topic;
            d.fields['kafka.partition'] = part.partition_index as number;
            d.fields['kafka.offset'] = String(batch.baseOffset);
            const off = Number(batch.baseOffset);
            if (Number.isSafeInteger(off)) d.fields['kafka.offset'] = off;
            d.fields['msg.key'] = `kafka|${topic}|${part.partition_index}|${batch.baseOffset}`;
            d.fields['msg.destination'] = topic;
            const fill = (ctx?: RecordContext) => {
              // (The first time with the batch read above; again when schemas came: the whole part read again, this batch taken.)
              const b = ctx ? (readAgain(ctx)[bi] ?? batch) : batch;
              const summary = batchValues([b], d);
              d.request = { value: { topic, partition: part.partition_index, ...(summary[0] as object) }, body: firstValue([b]), wireBytes: b.sizeBytes };
            };
            this.fillRecords(d, fill, held, first.waiting);
            d.status = { code: 0, text: 'NONE', ok: true };
            d.parentId = call.id;
            deliveries.push(d);
          }
        }
      }
    }
    if (key === 17 && p.version === 0 && value.error_code === 0) this.rawSasl = true;
    call.response = { value: scrubRecords(value), wireBytes: wire };
    const err = firstError(value);
    if (!cut || err || hasErrorCode(value)) {
      call.status = err ? { code: err, text: errorName(err), ok: false } : { code: 0, text: 'NONE', ok: true };
      call.fields['kafka.error_code'] = err ?? 0;
    }
    if (deliveries.length) call.childIds = deliveries.map((d) => d.id);
    this.emitOrHold([call, ...deliveries], held.waiting, held.redo, respEnd);
  }

  /**
   * Fill a call's records (`fill`) with the schemas learned so far. Keys and values that look
   * framed with an id not learned yet are noted in `into.waiting`, with how to fill the call again
   * (its own warnings replaced, later ones kept). `readWaiting`: the records were read already
   * (`fill()` uses them), noting these ids.
   */
  private fillRecords(c: Call, fill: (ctx?: RecordContext) => void, into: { waiting?: Set<number>; redo?: Array<() => void> }, readWaiting?: Set<number>): void {
    // (Made when missing: the choices of workspace .avsc schemas for untaught ids are kept in it.)
    const schemas = () => RegistrySchemas.of(this.session.capture, true);
    const w0 = c.warnings.length;
    let waiting = readWaiting;
    if (waiting) fill();
    else {
      const ctx: RecordContext = { schemas: schemas(), waiting: new Set() };
      fill(ctx);
      waiting = ctx.waiting!;
    }
    let n = c.warnings.length - w0;
    if (!waiting.size || !this.session.capture) return;
    into.waiting ??= new Set();
    for (const id of waiting) into.waiting.add(id);
    (into.redo ??= []).push(() => {
      const tail = c.warnings.splice(w0);
      tail.splice(0, n);
      fill({ schemas: schemas() });
      n = c.warnings.length - w0;
      c.warnings.push(...tail);
    });
  }

  /** Emit these calls, or hold them while schema ids they need may still be learned (see HOLD_US). */
  private emitOrHold(calls: Call[], waiting: Set<number> | undefined, redo: Array<() => void> | undefined, endUs: number | undefined): void {
    const store = waiting?.size ? RegistrySchemas.of(this.session.capture, true) : undefined;
    if (!store || !redo) {
      for (const c of calls) this.session.emit(c);
      return;
    }
    this.held.push({ calls, waiting: waiting!, redo, untilUs: (endUs ?? 0) + HOLD_US });
    if (!this.waiter) {
      this.waiter = (id) => this.learnedId(id);
      store.waiters.add(this.waiter);
    }
    if (this.held.length > MAX_HELD) this.release(this.held.shift()!);
  }

  /** The capture learned a schema id: emit the held calls that now have all theirs. */
  private learnedId(id: number): void {
    const store = RegistrySchemas.of(this.session.capture, false);
    const ready = this.held.filter((h) => h.waiting.has(id) && [...h.waiting].every((x) => store?.byId.has(x)));
    if (!ready.length) return;
    this.held = this.held.filter((h) => !ready.includes(h));
    for (const h of ready) this.release(h);
  }

  /** Emit the held calls whose wait ends before `nowUs` (all at Infinity). */
  private releaseHeld(nowUs: number): void {
    const due = this.held.filter((h) => h.untilUs < nowUs);
    if (!due.length) return;
    this.held = this.held.filter((h) => h.untilUs >= nowUs);
    for (const h of due) this.release(h);
  }

  private release(h: Held): void {
    const store = RegistrySchemas.of(this.session.capture, false);
    if ([...h.waiting].some((x) => store?.byId.has(x))) {
      try {
        for (const r of h.redo) r();
      } catch (e) {
        h.calls[0]?.warnings.push(`kafka: records not decoded again with the schemas learned since: ${(e as Error)?.message ?? String(e)}`);
      }
    }
    for (const c of h.calls) this.session.emit(c);
    if (!this.held.length && this.waiter) {
      store?.waiters.delete(this.waiter);
      this.waiter = undefined;
    }
  }

  private event(method: string, start: Position, end: Position, frames: number[], wire: number, dir: Dir, warning?: string): void {
    const c = this.session.newCall('kafka', start);
    c.kind = 'event';
    c.method = method;
    c.state = 'complete';
    c.frames = frames.slice(0, 64);
    c.timing.endUs = end.tsUs;
    c.request = { value: { dir, size: wire - 4 }, wireBytes: wire };
    if (warning) c.warnings.push(warning);
    this.session.emit(c);
  }
}

function batchValues(batches: RecordBatch[], call: Call): unknown[] {
  let n = 0;
  const out = batches.map((b) => {
    n += b.recordCount;
    call.warnings.push(...b.warnings);
    return {
      base_offset: b.baseOffset <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b.baseOffset) : b.baseOffset.toString(),
      magic: b.magic,
      compression: b.compression,
      ...(b.transactional ? { transactional: true } : {}),
      ...(b.producerId !== undefined ? { producer_id: b.producerId, base_sequence: b.baseSequence } : {}),
      record_count: b.recordCount,
      size: b.sizeBytes,
      records: b.records,
    };
  });
  call.fields['kafka.record_count'] = n;
  // The schema of the first value a registry serializer framed (schema-registry.ts), for filtering.
  const framed = batches.flatMap((b) => b.records).find((r) => r.value_schema)?.value_schema;
  if (framed) {
    call.fields['kafka.schema_id'] = framed.id;
    call.fields['kafka.schema_format'] = framed.format;
  }
  if (batches.some((b) => b.compression !== 'none')) call.fields['kafka.compression'] = batches.find((b) => b.compression !== 'none')!.compression;
  return out;
}

function firstValue(batches: RecordBatch[]) {
  for (const b of batches) for (const r of b.records) if (r.value) return r.value;
  return undefined;
}

/** Replace raw record bytes (Uint8Array) by their size, so values stay plain JSON. */
function scrubRecords(v: Record<string, unknown>): Record<string, unknown> {
  const walk = (x: unknown, depth: number): unknown => {
    if (x instanceof Uint8Array) return { size: x.length };
    if (depth > 8 || x === null || typeof x !== 'object') return x;
    if (Array.isArray(x)) return x.map((y) => walk(y, depth + 1));
    const o: Record<string, unknown> = {};
    for (const [k, y] of Object.entries(x)) o[k] = walk(y, depth + 1);
    return o;
  };
  return walk(v, 0) as Record<string, unknown>;
}

/** Whether a decoded body (a cut one: read as far as it went) holds an error_code at all. */
function hasErrorCode(v: unknown, depth = 0): boolean {
  if (depth > 8 || v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some((x) => hasErrorCode(x, depth + 1));
  const o = v as Record<string, unknown>;
  if (typeof o.error_code === 'number') return true;
  return Object.values(o).some((x) => typeof x === 'object' && hasErrorCode(x, depth + 1));
}

/** The first non-zero error_code anywhere in a decoded body (bounded walk). */
function firstError(v: unknown, depth = 0, budget = { n: 10000 }): number | undefined {
  if (depth > 8 || v === null || typeof v !== 'object' || budget.n-- <= 0) return undefined;
  if (Array.isArray(v)) {
    for (const x of v) {
      const e = firstError(x, depth + 1, budget);
      if (e) return e;
    }
    return undefined;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.error_code === 'number' && o.error_code !== 0) return o.error_code;
  for (const x of Object.values(o)) {
    if (typeof x === 'object') {
      const e = firstError(x, depth + 1, budget);
      if (e) return e;
    }
  }
  return undefined;
}

function setTargetFields(call: Call, v: Record<string, unknown>, topicName: (t: Record<string, unknown>) => string): void {
  const group = v.group_id ?? (Array.isArray(v.groups) ? (v.groups[0] as Record<string, unknown>)?.group_id : undefined) ?? v.key;
  if (typeof group === 'string') {
    call.target = group;
    call.fields['kafka.group_id'] = group;
  }
  const topics = v.topics ?? v.topic_data;
  if (Array.isArray(topics) && topics.length) {
    // A topic may be listed more than once (kafkajs' Fetch v11 names a topic once per partition group).
    const names = [...new Set(topics.map((t) => (t && typeof t === 'object' ? topicName(t as Record<string, unknown>) : t)).filter((x) => typeof x === 'string' && x) as string[])];
    if (names.length) {
      call.fields['kafka.topic'] = names[0];
      if (!call.target) call.target = names.slice(0, 5).join(', ') + (names.length > 5 ? '…' : '');
    }
  }
  if (typeof v.transactional_id === 'string' && !call.target) call.target = v.transactional_id;
}

export const spec: DecoderSpec = {
  id: 'kafka',
  name: 'Kafka',
  transport: 'tcp',
  ports: [9092],
  probeOrder: 150,
  // Requests only: a Kafka server never speaks first, and a response (size, correlation id) read as a
  // request header passes for Produce v0–v20 whenever the correlation id is small (an HTTP/2 server's
  // SETTINGS frame `00 00 12 04 00…` did).
  probe: (head, dir) => (dir === 'c2s' ? probeKafka(head) : 'reject'),
  refute: (heads, joinedLate) => refuteKafka(heads.c2s, heads.s2c, joinedLate),
  create: (session) => new KafkaDecoder(session),
};

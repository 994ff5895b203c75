/**
 * The RabbitMQ stream protocol (rabbitmq-server deps/rabbitmq_stream/docs/PROTOCOL.adoc), spoken by
 * the rabbitmq_stream plugin and its clients (Java, Go, .NET, Rust, the JS client, rstream). Reached
 * on port 5552, or by probe: a client's first frame is PeerProperties (key 0x0011) with a sane size.
 *
 * Frames: uint32 size, uint16 key (high bit set on a response), uint16 version, then for requests
 * that expect an answer a uint32 correlation id; a response repeats it and adds a uint16 response
 * code. Calls:
 * - requests answered by correlation id (either side asks: the server sends ConsumerUpdate and may
 *   send Close) → `unary`, the response code as the status (`✓ 1 OK`, `✗ 2 STREAM_DOES_NOT_EXIST`);
 *   the server's Tune answered by the client's Tune the same way;
 * - Publish → one `publish` per published message (publishing id), to the stream its publisher was
 *   declared on, the message read as AMQP 1.0 sections (message.ts); its PublishConfirm or
 *   PublishError sets the status;
 * - Deliver → one `deliver` per entry of the Osiris chunk (chunk.ts), with its offset, from the
 *   stream of its subscription. Publish and delivery share msg.key `rabbitstream|stream|size|digest`
 *   of the entry's bytes (stored and delivered unchanged), so the correlator joins them;
 * - StoreOffset → `oneway`; Heartbeat, MetadataUpdate and a Credit error → `event`; Credit itself
 *   (one per chunk a consumer takes) makes no call.
 *
 * Gaps (snaplen, loss): a frame whose size was captured is decoded from its captured head (a
 * request keeps its correlation id, so its response is still paired) and framing resumes after it;
 * a gap over a frame boundary resynchronises on the next plausible header (known key, version 1–2).
 */
import { rolesBackwards, type Side } from '../core/roles';
import type { CloseReason, DecoderSpec, DecoderSession, Position, StreamDecoder } from '../core/decoder';
import type { Call, Dir } from '../core/model';
import { be16, be32 } from '../core/bytes';
import { addFrames } from '../calls/stream';
import { type Cut, SizePrefixedFraming } from '../calls/framing';
import { leftWaiting } from '../calls/ended';
import { messageKey } from '../calls/key';
import { MAX_KEY, NO_CORRELATION, Reader, StreamError, codeName, commandName, readsExactly } from './protocol';
import { readChunk } from './chunk';
import { decodeMessage, fillMessage, readSubBatch, type SubBatch } from './message';

const OTHER: Record<Dir, Dir> = { c2s: 's2c', s2c: 'c2s' };
/** Larger frames are not this protocol (the broker's frame_max defaults to 1 MiB; clients may ask more). */
const MAX_FRAME = 64 << 20;
const MAX_PENDING = 10_000;
const RESYNC_WINDOW = 64 * 1024;
const PROTO = 'rabbitstream';
/** Who sends the commands that carry no correlation id (Tune and Heartbeat: either side). */
const SENDER: Record<number, Dir> = { 0x02: 'c2s', 0x03: 's2c', 0x04: 's2c', 0x08: 's2c', 0x09: 'c2s', 0x0a: 'c2s', 0x10: 's2c' };

/**
 * Side-effect-free probe: a client's PeerProperties request (or the server's answer to it). Decided
 * on its first 12 bytes (size, key 0x0011, version, correlation id), so a capture that kept only the
 * head of each segment (`-s 80`: 14 bytes on loopback) is still recognised; the bytes after it, when
 * there, must read as a property count and a first key length that fit the frame — which tells it from
 * a Kafka SaslHandshake v1 (the same key and version), whose client id and mechanism follow instead.
 */
export function probeRabbitStream(head: Uint8Array, dir: Dir): 'accept' | 'reject' | 'need-more' {
  if (head.length < 8) return head.length >= 4 && (be32(head, 0) < 4 || be32(head, 0) > 1 << 20) ? 'reject' : 'need-more';
  const size = be32(head, 0);
  const key = be16(head, 4);
  const version = be16(head, 6);
  if (size < 4 || size > 1 << 20 || version < 1 || version > 2) return 'reject';
  if (dir === 'c2s' && key === 0x0011) {
    if (head.length < 12) return 'need-more';
    if (size < 12) return 'reject';
    if (head.length >= 14 && be16(head, 12) !== 0) return 'reject';
    if (head.length < 16) return 'accept';
    const n = be32(head, 12);
    if (n > 1000 || n * 4 > size - 12) return 'reject';
    if (head.length >= 18 && n > 0 && be16(head, 16) > Math.min(1024, size - 14)) return 'reject';
    return 'accept';
  }
  if (dir === 's2c' && key === 0x8011) {
    if (head.length < 14) return 'need-more';
    const code = be16(head, 12);
    return code >= 1 && code <= 0x13 ? 'accept' : 'reject';
  }
  const r = midStream(head, dir, size, key, version);
  if (r !== 'reject') return r;
  // The other side's frame: a connection joined late whose roles the ports guessed backwards (a
  // stream port above the client's); the pipeline turns it round (rolesReversed).
  return midStream(head, dir === 'c2s' ? 's2c' : 'c2s', size, key, version);
}

/** Frames only the broker sends (responses, Deliver, PublishConfirm, PublishError, MetadataUpdate) and only a client sends. */
const BROKER_KEYS = new Set([0x0003, 0x0004, 0x0008, 0x0010]);
const CLIENT_KEYS = new Set([0x0001, 0x0002, 0x0005, 0x0006, 0x0007, 0x0009, 0x000a, 0x000b, 0x000c, 0x000d, 0x000e, 0x000f, 0x0011, 0x0012, 0x0013, 0x0015]);

/** Who sent the frames at the start of a head, by their keys (a Tune or Close comes from either). */
function streamSides(head: Uint8Array): Set<Side> {
  const sides = new Set<Side>();
  for (let i = 0, n = 0; n < 8 && head.length - i >= 8; n++) {
    const size = be32(head, i);
    const key = be16(head, i + 4);
    const version = be16(head, i + 6);
    if (size < 4 || size > 1 << 20 || version < 1 || version > 2) break;
    if (key & 0x8000 || BROKER_KEYS.has(key)) sides.add('server');
    else if (CLIENT_KEYS.has(key)) sides.add('client');
    i += 4 + size;
  }
  return sides;
}

/**
 * A capture that starts inside a connection (a consumer already reading): the frames that make
 * most of such traffic, each with a layout specific enough to tell — a Deliver (its chunk's magic
 * 0x5 and type), a Publish (a message count and first message that fit its size), a PublishConfirm
 * (its size is its id count's), a Credit or a Heartbeat (fixed sizes), a request whose fields read
 * exactly to its end, a response that is just a response code.
 */
function midStream(head: Uint8Array, dir: Dir, size: number, key: number, version: number): 'accept' | 'reject' | 'need-more' {
  if (key === 0x0017) return size === 4 && version === 1 ? 'accept' : 'reject';
  // Tune (either side): frame max and heartbeat, nothing else.
  if (key === 0x0014) return size === 12 && version === 1 ? 'accept' : 'reject';
  if (dir === 'c2s' && key === 0x0009) return size === 7 && version === 1 ? 'accept' : 'reject';
  if (dir === 's2c' && key === 0x0008) {
    const at = version === 2 ? 17 : 9;
    if (size < at - 4 + 48) return 'reject';
    if (head.length < at + 2) return 'need-more';
    return head[at] >> 4 === 5 && head[at + 1] <= 2 ? 'accept' : 'reject';
  }
  if (dir === 's2c' && key === 0x0003) {
    if (head.length < 13) return 'need-more';
    const n = be32(head, 9);
    return version === 1 && n >= 1 && size === 9 + 8 * n ? 'accept' : 'reject';
  }
  if (key & 0x8000 && dir === 's2c') {
    // A response: most are exactly a code (size 10), OK or an error of the table.
    const cmd = key & 0x7fff;
    if (cmd < 1 || cmd > MAX_KEY || NO_CORRELATION.has(cmd) || version > 2) return 'reject';
    if (head.length < 14) return 'need-more';
    const code = be16(head, 12);
    return size === 10 && code >= 1 && code <= 0x13 ? 'accept' : 'reject';
  }
  if (dir === 'c2s' && key >= 1 && key <= MAX_KEY && !NO_CORRELATION.has(key)) {
    // A request whose fields read exactly to its end.
    if (size > 4096) return 'reject';
    if (head.length < size + 4) return head.length >= 4096 ? 'reject' : 'need-more';
    return readsExactly(key, head.subarray(12, size + 4)) ? 'accept' : 'reject';
  }
  if (dir === 'c2s' && key === 0x0002) {
    const at = version === 2 ? 0 : 21;
    if (head.length < (version === 2 ? 13 : 25)) return 'need-more';
    const n = be32(head, 9);
    if (n < 1 || n > 100_000 || n * 12 > size - 5) return 'reject';
    if (version === 2) return 'accept';
    const len = be32(head, at);
    return (len & 0x80000000) !== 0 || len <= size - 21 ? 'accept' : 'reject';
  }
  return 'reject';
}

const cutText = (c: Cut) => `frame cut by a capture gap: ${c.captured} of ${c.total} bytes captured, ${c.total - c.captured} missing`;

interface Pending {
  call: Call;
  key: number;
}

class RabbitStreamDecoder implements StreamDecoder {
  private readonly framing: SizePrefixedFraming;
  /** Requests waiting for their response: `<dir of the request>|<correlation id>`. */
  private readonly pending = new Map<string, Pending>();
  /** A Tune waiting for the other side's Tune. */
  private tune?: { dir: Dir; call: Call };
  /** Publisher id → the stream and reference it was declared with. */
  private readonly publishers = new Map<number, { stream: string; reference?: string; last?: bigint }>();
  /** Subscription id → stream. */
  private readonly subscriptions = new Map<number, string>();
  /** Subscription id → the offset it asked to start from (an `offset` specification). */
  private readonly startOffsets = new Map<number, bigint>();
  /** Publishes waiting for their confirm: `<publisher id>|<publishing id>`. */
  private readonly unconfirmed = new Map<string, Call[]>();
  private unconfirmedCount = 0;

  constructor(private readonly session: DecoderSession) {
    this.framing = new SizePrefixedFraming(session, {
      prefix: 'rabbitstream: ',
      unit: 'frame',
      minSize: 4,
      maxSize: MAX_FRAME,
      resyncWindow: RESYNC_WINDOW,
      resumesAt: () => 'frame header',
      plausible: (dir, b, i, final) => this.plausible(dir, b, i, final),
      pdu: (dir, body, start, end, frames, wire, cut) => this.frame(dir, body, start, end, frames, wire, cut),
      tooLarge: (dir, size, _head, at) => session.warn(`rabbitstream: frame of ${size} bytes (${dir}) is larger than the buffer limit; skipped`, at),
    });
  }

  data(dir: Dir, bytes: Uint8Array, at: Position): void {
    this.framing.data(dir, bytes, at);
  }

  gap(dir: Dir, length: number, at: Position): void {
    this.framing.gap(dir, length, at);
  }

  /** A frame header after a gap: a sane size, a known key in the right direction, version 1–2, a waiting correlation id for a response. */
  private plausible(dir: Dir, b: Uint8Array, i: number, final: boolean): 'yes' | 'no' | 'more' {
    const left = b.length - i;
    const short = final ? 'no' : 'more';
    if (left < 4) return short;
    const size = be32(b, i);
    if (size < 4 || size > MAX_FRAME) return 'no';
    if (left < 8) return short;
    const key = be16(b, i + 4);
    const cmd = key & 0x7fff;
    const version = be16(b, i + 6);
    if (cmd < 1 || cmd > MAX_KEY || version < 1 || version > 2) return 'no';
    if (key & 0x8000 && cmd !== 0x09) {
      if (left < 12) return short;
      return this.pending.has(`${OTHER[dir]}|${be32(b, i + 8)}`) ? 'yes' : 'no';
    }
    return 'yes';
  }

  end(): void {}

  close(at: Position, how: CloseReason = 'capture-end'): void {
    const left = (what: string, dir: Dir) =>
      this.framing.gapped[dir] ? { state: 'incomplete' as const, warning: `no ${what} in the capture (bytes of that side were not captured)` } : leftWaiting(how, what, `no ${what} before the end of the capture`);
    for (const [k, p] of this.pending) {
      const l = left('response', OTHER[k.slice(0, 3) as Dir]);
      this.finish(p.call, l.state, l.warning);
    }
    this.pending.clear();
    if (this.tune) {
      const l = left('Tune answer', OTHER[this.tune.dir]);
      this.finish(this.tune.call, l.state, l.warning);
      this.tune = undefined;
    }
    const l = left('PublishConfirm', 's2c');
    for (const list of this.unconfirmed.values()) for (const c of list) this.finish(c, l.state, l.warning);
    this.unconfirmed.clear();
    this.framing.summary(at);
  }

  private newCall(dir: Dir, method: string, start: Position, frames: number[], key: number, version: number): Call {
    const c = this.session.newCall(PROTO, start);
    c.method = method;
    c.kind = 'unary';
    c.frames = frames.slice(0, 64);
    c.fields['rabbitstream.command'] = method;
    c.fields['rabbitstream.key'] = key;
    c.fields['rabbitstream.version'] = version;
    if (dir === 's2c') c.fields['rabbitstream.dir'] = 's2c';
    return c;
  }

  /** Another call of the frame `base` was made for (a Publish's next message, a chunk's next entry): `fields` as `base` had them before its first. */
  private sibling(base: Call, fields: Call['fields']): Call {
    return { ...base, id: this.session.nextCallId(), fields: { ...fields }, frames: [...base.frames], warnings: [], timing: { ...base.timing } };
  }

  private finish(c: Call, state: Call['state'], warning?: string): void {
    c.state = state;
    if (warning) c.warnings.push(warning);
    this.session.emit(c);
  }

  /** One frame (after its size): `b` is cut short when `cut` says so. */
  private frame(dir: Dir, b: Uint8Array, start: Position, end: Position, frames: number[], wire: number, cut?: Cut): void {
    if (b.length < 4) {
      const c = this.newCall(dir, 'frame', start, frames, -1, -1);
      c.kind = 'event';
      c.request = { value: { size: wire - 4 }, wireBytes: wire };
      this.finish(c, cut ? 'incomplete' : 'complete', cut ? cutText(cut) : `frame of ${b.length} bytes: too short for a key and version`);
      return;
    }
    const key = be16(b, 0);
    const version = be16(b, 2);
    const cmd = key & 0x7fff;
    const r = new Reader(b, 4);
    const warn = (c: Call, e: unknown) => {
      if (!(e instanceof StreamError)) throw e;
      if (!cut) c.warnings.push(`${commandName(cmd)}${key & 0x8000 ? ' response' : ''}: ${e.message}`);
    };
    if (key & 0x8000) return this.response(dir, cmd, version, r, start, end, frames, wire, warn, cut);
    if (cmd === 0x02 && dir === 'c2s') return this.publish(version, r, start, end, frames, wire, warn, cut);
    if ((cmd === 0x03 || cmd === 0x04) && dir === 's2c') return this.confirm(cmd, r, start, end, frames, warn, cut);
    if (cmd === 0x08 && dir === 's2c') return this.deliver(version, r, start, end, frames, wire, warn, cut);
    if (cmd === 0x09 && dir === 'c2s') return; // Credit: one per chunk taken, no answer unless it fails
    if (cmd === 0x14) return this.tuneFrame(dir, version, r, start, end, frames, wire, warn, cut);
    if (NO_CORRELATION.has(cmd) || cmd < 1 || cmd > MAX_KEY) {
      const c = this.newCall(dir, commandName(cmd), start, frames, key, version);
      c.kind = cmd === 0x0a ? 'oneway' : 'event';
      c.timing.requestEndUs = end.tsUs;
      c.timing.endUs = end.tsUs;
      let value: Record<string, unknown> = {};
      try {
        value = this.oneway(cmd, r, c);
      } catch (e) {
        warn(c, e);
      }
      if (cmd < 1 || cmd > MAX_KEY) c.warnings.push(`unknown command key 0x${key.toString(16).padStart(4, '0')}`);
      else if (SENDER[cmd] && SENDER[cmd] !== dir) c.warnings.push(`${commandName(cmd)} sent by the ${dir === 'c2s' ? 'client' : 'server'}`);
      c.request = { value, wireBytes: wire };
      if (cmd === 0x0a) c.status = { code: 'sent', ok: true }; // (StoreOffset has no response)
      this.finish(c, cut ? 'incomplete' : 'complete', cut ? cutText(cut) : undefined);
      return;
    }
    // A request with a correlation id.
    const c = this.newCall(dir, commandName(cmd), start, frames, key, version);
    c.timing.requestEndUs = end.tsUs;
    if (b.length < 8) {
      c.request = { value: { size: wire - 4 }, wireBytes: wire };
      this.finish(c, 'incomplete', `${cut ? `${cutText(cut)}; ` : ''}correlation id not captured: its response cannot be paired`);
      return;
    }
    const corr = r.u32();
    c.fields['rabbitstream.correlation_id'] = corr;
    let value: Record<string, unknown> = {};
    try {
      value = this.request(cmd, r, c);
      if (r.left > 0 && !cut) c.warnings.push(`${commandName(cmd)}: ${r.left} bytes after its fields`);
    } catch (e) {
      warn(c, e);
    }
    if (cut) c.warnings.push(cutText(cut));
    c.request = { value, wireBytes: wire };
    const pk = `${dir}|${corr}`;
    const old = this.pending.get(pk);
    if (old) this.finish(old.call, 'incomplete', `correlation id ${corr} used again before the response`);
    this.pending.set(pk, { call: c, key: cmd });
    if (this.pending.size > MAX_PENDING) {
      const [k, first] = this.pending.entries().next().value as [string, Pending];
      this.pending.delete(k);
      this.finish(first.call, 'incomplete', 'too many requests without responses');
    }
  }

  /** The fields of a request that carries a correlation id (after it). */
  private request(cmd: number, r: Reader, c: Call): Record<string, unknown> {
    const stream = (s: string | null) => {
      if (s !== null) {
        c.target = s;
        c.fields['rabbitstream.stream'] = s;
      }
      return s;
    };
    switch (cmd) {
      case 0x01: {
        const id = r.u8('publisher id');
        c.fields['rabbitstream.publisher_id'] = id;
        const reference = r.string('publisher reference');
        const s = stream(r.string('stream'));
        if (s !== null && (this.publishers.size < MAX_PENDING || this.publishers.has(id))) this.publishers.set(id, { stream: s, reference: reference ?? undefined });
        if (reference) c.fields['rabbitstream.publisher_reference'] = reference;
        return { publisher_id: id, publisher_reference: reference, stream: s };
      }
      case 0x05: {
        const reference = r.string('publisher reference');
        if (reference) c.fields['rabbitstream.publisher_reference'] = reference;
        return { publisher_reference: reference, stream: stream(r.string('stream')) };
      }
      case 0x06: {
        const id = r.u8('publisher id');
        c.fields['rabbitstream.publisher_id'] = id;
        stream(this.publishers.get(id)?.stream ?? null);
        return { publisher_id: id };
      }
      case 0x07: {
        const id = r.u8('subscription id');
        c.fields['rabbitstream.subscription_id'] = id;
        const s = stream(r.string('stream'));
        if (s !== null && (this.subscriptions.size < MAX_PENDING || this.subscriptions.has(id))) this.subscriptions.set(id, s);
        const offset = r.offsetSpec();
        c.fields['rabbitstream.offset_type'] = offset.type;
        if (offset.offset !== undefined && this.startOffsets.size < MAX_PENDING) this.startOffsets.set(id, BigInt(offset.offset));
        else this.startOffsets.delete(id);
        const credit = r.u16('credit');
        const properties = r.left ? r.map('properties') : {};
        return { subscription_id: id, stream: s, offset_specification: offset, credit, properties };
      }
      case 0x0b: {
        const reference = r.string('reference');
        if (reference) c.fields['rabbitstream.reference'] = reference;
        return { reference, stream: stream(r.string('stream')) };
      }
      case 0x0c: {
        const id = r.u8('subscription id');
        c.fields['rabbitstream.subscription_id'] = id;
        stream(this.subscriptions.get(id) ?? null);
        return { subscription_id: id };
      }
      case 0x0d:
        return { stream: stream(r.string('stream')), arguments: r.map('arguments') };
      case 0x0e:
      case 0x1c:
        return { stream: stream(r.string('stream')) };
      case 0x0f: {
        const streams = r.strings('streams');
        if (streams.length) c.target = streams.slice(0, 5).join(', ') + (streams.length > 5 ? '…' : '');
        if (typeof streams[0] === 'string') c.fields['rabbitstream.stream'] = streams[0];
        return { streams };
      }
      case 0x11: {
        const properties = r.map('peer properties');
        const name = properties.connection_name;
        if (typeof name === 'string' && name) c.fields['client.name'] = name;
        return { properties };
      }
      case 0x12:
        return {};
      case 0x13: {
        const mechanism = r.string('mechanism');
        const data = r.bytes('SASL data');
        if (mechanism) c.fields['rabbitstream.sasl_mechanism'] = mechanism;
        let shown: unknown = data === null ? null : { size: data.length };
        if (mechanism === 'PLAIN' && data) {
          const parts = new TextDecoder().decode(data).split('\0');
          shown = parts.length === 3 ? `user ${JSON.stringify(parts[1])}, password (redacted)` : '(redacted)';
        } else if (data && mechanism !== 'EXTERNAL' && mechanism !== 'ANONYMOUS') shown = `(redacted, ${data.length} bytes)`;
        return { mechanism, sasl_opaque_data: shown };
      }
      case 0x15: {
        const vhost = r.string('virtual host');
        if (vhost !== null) {
          c.target = vhost;
          c.fields['rabbitstream.vhost'] = vhost;
        }
        return { virtual_host: vhost };
      }
      case 0x16: {
        const code = r.u16('closing code');
        const reason = r.string('closing reason');
        c.fields['rabbitstream.closing_code'] = code;
        return { closing_code: code, closing_reason: reason };
      }
      case 0x18: {
        const routingKey = r.string('routing key');
        const superStream = stream(r.string('super stream'));
        return { routing_key: routingKey, super_stream: superStream };
      }
      case 0x19:
      case 0x1e:
        return { [cmd === 0x19 ? 'super_stream' : 'name']: stream(r.string('super stream')) };
      case 0x1a: {
        const id = r.u8('subscription id');
        c.fields['rabbitstream.subscription_id'] = id;
        stream(this.subscriptions.get(id) ?? null);
        const active = r.u8('active');
        return { subscription_id: id, active: active !== 0 };
      }
      case 0x1b:
        return { commands: r.array('commands', 6, () => ({ key: commandName(r.u16('key')), min_version: r.u16('min version'), max_version: r.u16('max version') })) };
      case 0x1d: {
        const name = stream(r.string('name'));
        return { name, partitions: r.strings('partitions'), binding_keys: r.strings('binding keys'), arguments: r.map('arguments') };
      }
      case 0x1f: {
        const s = stream(r.string('stream'));
        return { stream: s, offset_specification: r.offsetSpec(), properties: r.left ? r.map('properties') : {} };
      }
      default:
        return { size: r.b.length + 4, hex: r.hex(64) };
    }
  }

  /** The fields of a response after its correlation id and code. */
  private responseBody(cmd: number, r: Reader): Record<string, unknown> {
    switch (cmd) {
      case 0x05:
        return { sequence: r.u64('sequence') };
      case 0x0b:
        return { offset: r.u64('offset') };
      case 0x11:
      case 0x15:
        return { properties: r.map(cmd === 0x11 ? 'peer properties' : 'connection properties') };
      case 0x12:
        return { mechanisms: r.strings('mechanisms') };
      case 0x13: {
        const d = r.left ? r.bytes('SASL data') : null;
        return d ? { sasl_opaque_data: { size: d.length } } : {};
      }
      case 0x18:
      case 0x19:
        return { streams: r.strings('streams') };
      case 0x1a:
        return { offset_specification: r.offsetSpec() };
      case 0x1b:
        return { commands: r.array('commands', 6, () => ({ key: commandName(r.u16('key')), min_version: r.u16('min version'), max_version: r.u16('max version') })) };
      case 0x1c: {
        const stats: Record<string, number | string> = {};
        const n = r.count('stats', 10);
        for (let i = 0; i < n; i++) {
          const k = r.string('stat name') ?? '';
          Object.defineProperty(stats, k, { value: r.u64('stat value', true), enumerable: true, writable: true, configurable: true });
        }
        return { stats };
      }
      case 0x1f:
        return { offset_type: r.u16('offset type'), offset: r.u64('offset') };
      default:
        return {};
    }
  }

  private response(dir: Dir, cmd: number, version: number, r: Reader, start: Position, end: Position, frames: number[], wire: number, warn: (c: Call, e: unknown) => void, cut?: Cut): void {
    if (cmd === 0x09) {
      // CreditResponse: the server answers a Credit only when it fails (no correlation id).
      const c = this.newCall(dir, 'Credit', start, frames, 0x8009, version);
      c.kind = 'event';
      c.timing.endUs = end.tsUs;
      const value: Record<string, unknown> = {};
      try {
        const code = r.u16('response code');
        const id = r.u8('subscription id');
        value.response_code = code;
        value.subscription_id = id;
        c.fields['rabbitstream.subscription_id'] = id;
        c.fields['rabbitstream.response_code'] = code;
        c.status = { code, text: codeName(code), ok: code === 1 };
        const s = this.subscriptions.get(id);
        if (s) c.target = s;
      } catch (e) {
        warn(c, e);
      }
      c.response = { value, wireBytes: wire };
      this.finish(c, cut ? 'incomplete' : 'complete', cut ? cutText(cut) : undefined);
      return;
    }
    const corr = r.left >= 4 ? r.u32() : undefined;
    const p = corr === undefined ? undefined : this.pending.get(`${OTHER[dir]}|${corr}`);
    if (!p || p.key !== cmd) {
      const c = this.newCall(dir, `${commandName(cmd)} response`, start, frames, cmd | 0x8000, version);
      c.kind = 'event';
      c.timing.endUs = end.tsUs;
      c.response = { value: { size: wire - 4 }, wireBytes: wire };
      if (corr !== undefined) c.fields['rabbitstream.correlation_id'] = corr;
      const why =
        corr === undefined
          ? 'its correlation id was not captured'
          : p
            ? `correlation id ${corr} belongs to a ${commandName(p.key)} request`
            : this.framing.gapped[OTHER[dir]]
              ? `response to correlation id ${corr}, whose request was not captured`
              : `response to unknown correlation id ${corr}`;
      this.finish(c, 'complete', cut ? `${cutText(cut)}; ${why}` : why);
      return;
    }
    this.pending.delete(`${OTHER[dir]}|${corr}`);
    const c = p.call;
    addFrames(c.frames, frames);
    c.timing.responseStartUs = start.tsUs;
    c.timing.endUs = end.tsUs;
    let value: Record<string, unknown> = {};
    try {
      if (cmd === 0x0f) {
        // Metadata answers per stream (no response code of its own).
        const brokers = r.array('brokers', 8, () => ({ reference: r.u16('broker reference'), host: r.string('host'), port: r.u32('port') }));
        const streams = r.array('stream metadata', 10, () => {
          const stream = r.string('stream');
          const code = r.u16('response code');
          return { stream, response_code: code, code: codeName(code), leader: r.u16('leader reference'), replicas: r.array('replicas', 2, () => r.u16('replica reference')) };
        });
        value = { brokers, streams };
        const bad = streams.find((s) => s.response_code !== 1);
        const code = bad ? bad.response_code : 1;
        c.status = { code, text: bad ? `${codeName(code)}${streams.length > 1 ? ` (${bad.stream})` : ''}` : 'OK', ok: !bad };
        c.fields['rabbitstream.response_code'] = code;
      } else {
        const code = r.u16('response code');
        c.fields['rabbitstream.response_code'] = code;
        c.status = { code, text: codeName(code), ok: code === 1 || code === 0x0a };
        value = { response_code: code };
        if (code === 1 || r.left > 0) value = { ...value, ...this.responseBody(cmd, r) };
      }
      if (r.left > 0 && !cut) c.warnings.push(`${commandName(cmd)} response: ${r.left} bytes after its fields`);
    } catch (e) {
      warn(c, e);
    }
    if (cut) c.warnings.push(cutText(cut));
    c.response = { value, wireBytes: wire };
    this.finish(c, 'complete');
  }

  /** Tune (PROTOCOL.adoc "Tune"): the server proposes frame max and heartbeat, the client answers with its own. */
  private tuneFrame(dir: Dir, version: number, r: Reader, start: Position, end: Position, frames: number[], wire: number, warn: (c: Call, e: unknown) => void, cut?: Cut): void {
    const value: Record<string, unknown> = {};
    const read = (c: Call) => {
      try {
        value.frame_max = r.u32('frame max');
        value.heartbeat = r.u32('heartbeat');
      } catch (e) {
        warn(c, e);
      }
      if (cut) c.warnings.push(cutText(cut));
    };
    if (this.tune && this.tune.dir !== dir) {
      const c = this.tune.call;
      this.tune = undefined;
      read(c);
      addFrames(c.frames, frames);
      c.timing.responseStartUs = start.tsUs;
      c.timing.endUs = end.tsUs;
      c.response = { value, wireBytes: wire };
      const said = [value.frame_max !== undefined ? `frame max ${value.frame_max}` : '', value.heartbeat !== undefined ? `heartbeat ${value.heartbeat} s` : ''].filter(Boolean);
      c.status = { code: 'tuned', ...(said.length ? { text: said.join(', ') } : {}), ok: true };
      this.finish(c, 'complete');
      return;
    }
    if (this.tune) this.finish(this.tune.call, 'incomplete', 'no Tune from the other side');
    const c = this.newCall(dir, 'Tune', start, frames, 0x14, version);
    c.timing.requestEndUs = end.tsUs;
    read(c);
    c.request = { value, wireBytes: wire };
    this.tune = { dir, call: c };
  }

  /** Commands without a correlation id other than Publish, PublishConfirm/Error, Deliver, Tune. */
  private oneway(cmd: number, r: Reader, c: Call): Record<string, unknown> {
    switch (cmd) {
      case 0x0a: {
        const reference = r.string('reference');
        const stream = r.string('stream');
        const offset = r.u64('offset');
        if (stream !== null) {
          c.target = stream;
          c.fields['rabbitstream.stream'] = stream;
        }
        if (reference) c.fields['rabbitstream.reference'] = reference;
        c.fields['rabbitstream.offset'] = offset;
        return { reference, stream, offset };
      }
      case 0x10: {
        const code = r.u16('code');
        const stream = r.string('stream');
        if (stream !== null) {
          c.target = stream;
          c.fields['rabbitstream.stream'] = stream;
        }
        c.fields['rabbitstream.response_code'] = code;
        // News about the stream (6 STREAM_NOT_AVAILABLE: it was deleted or lost its leader), not a failure.
        c.status = { code, text: codeName(code), ok: true };
        return { code, stream };
      }
      case 0x09: {
        const id = r.u8('subscription id');
        return { subscription_id: id, credit: r.u16('credit') };
      }
      case 0x17:
        return {};
      default:
        return { size: r.b.length + 4, hex: r.hex(64) };
    }
  }

  /** Publish (v1; v2 adds a filter value per message): one publish call per publishing id. */
  private publish(version: number, r: Reader, start: Position, end: Position, frames: number[], wire: number, warn: (c: Call, e: unknown) => void, cut?: Cut): void {
    const base = this.newCall('c2s', 'Publish', start, frames, 0x02, version);
    base.kind = 'publish';
    base.timing.requestEndUs = end.tsUs;
    const made: Call[] = [];
    let pubId: number | undefined;
    try {
      pubId = r.u8('publisher id');
      const pub = this.publishers.get(pubId);
      const n = r.count('published messages', 12);
      const baseFields = { ...base.fields };
      for (let i = 0; i < n; i++) {
        const publishingId = r.u64('publishing id');
        const filter = version >= 2 ? r.string('filter value') : undefined;
        const c = i === 0 ? base : this.sibling(base, baseFields);
        c.fields['rabbitstream.publisher_id'] = pubId;
        c.fields['rabbitstream.publishing_id'] = publishingId;
        if (pub) {
          c.target = pub.stream;
          c.fields['rabbitstream.stream'] = pub.stream;
          if (pub.reference) c.fields['rabbitstream.publisher_reference'] = pub.reference;
        }
        if (filter) c.fields['rabbitstream.filter_value'] = filter;
        if (pub?.reference) {
          // With a reference the broker deduplicates: a publishing id not above the highest one it stored
          // for that reference is confirmed but not stored (no delivery will follow).
          const idn = BigInt(publishingId);
          if (pub.last !== undefined && idn <= pub.last)
            c.warnings.push(`publishing id ${publishingId} is not above ${pub.last} (publisher reference ${JSON.stringify(pub.reference)}): the broker confirms it as a duplicate and does not store it`);
          else pub.last = idn;
        }
        made.push(c);
        const head: Record<string, unknown> = { publishing_id: publishingId, ...(filter !== undefined ? { filter_value: filter } : {}) };
        if (r.left > 0 && r.b[r.o] & 0x80) {
          const sb = readSubBatch(r.b, r.o, this.session.env);
          if (typeof sb === 'string') throw new StreamError(sb);
          r.o += sb.size;
          this.fillSubBatch(c, 'request', sb.entry, head, sb.size);
          this.keyed(c, pub?.stream, sb.entry.data);
        } else {
          const m = r.bytes('message');
          if (m === null) throw new StreamError('a null message');
          fillMessage(c, 'request', m, m.length + 12, this.session.env);
          c.request!.value = { ...head, message: c.request!.value };
          this.keyed(c, pub?.stream, m);
        }
      }
      if (!pub && made.length) for (const c of made) c.warnings.push(`publisher ${pubId} was not declared in this capture: its stream is unknown`);
    } catch (e) {
      warn(made[made.length - 1] ?? base, e);
    }
    if (!made.length) {
      // Nothing readable: one call for the frame.
      const pub = pubId === undefined ? undefined : this.publishers.get(pubId);
      if (pub) {
        base.target = pub.stream;
        base.fields['rabbitstream.stream'] = pub.stream;
      }
      if (pubId !== undefined) base.fields['rabbitstream.publisher_id'] = pubId;
      base.request = { value: { publisher_id: pubId, size: wire - 4 }, wireBytes: wire };
      this.finish(base, cut ? 'incomplete' : 'complete', cut ? cutText(cut) : undefined);
      return;
    }
    for (const c of made) {
      if (cut) {
        c.warnings.push(cutText(cut));
      }
      const k = `${pubId}|${c.fields['rabbitstream.publishing_id']}`;
      const list = this.unconfirmed.get(k) ?? [];
      list.push(c);
      this.unconfirmed.set(k, list);
      if (++this.unconfirmedCount > MAX_PENDING) {
        const [k0, l0] = this.unconfirmed.entries().next().value as [string, Call[]];
        const first = l0.shift()!;
        if (!l0.length) this.unconfirmed.delete(k0);
        this.unconfirmedCount--;
        this.finish(first, 'incomplete', 'no PublishConfirm seen (too many unconfirmed publishes)');
      }
    }
  }

  private keyed(c: Call, stream: string | undefined, bytes: Uint8Array): void {
    c.fields['msg.key'] = messageKey(PROTO, stream ?? '', bytes);
    c.fields['msg.destination'] = stream ?? '';
  }

  /** A sub-batch entry's messages, each decoded; the first one's body as the call's body. */
  private fillSubBatch(c: Call, side: 'request' | 'response', sb: SubBatch, head: Record<string, unknown>, wire: number): void {
    const messages = (sb.messages ?? []).slice(0, 100).map((m) => decodeMessage(m, this.session.env, c.warnings));
    if (sb.warning) c.warnings.push(sb.warning);
    c.fields['rabbitstream.sub_batch_records'] = sb.records;
    c.fields['rabbitstream.compression'] = sb.compression;
    c[side] = {
      value: { ...head, sub_batch: { compression: sb.compression, records: sb.records, uncompressed_size: sb.uncompressedSize, size: sb.data.length }, messages: messages.map(shownMessage) },
      wireBytes: wire,
      ...(messages[0]?.body ? { body: messages[0].body } : {}),
      ...(messages[0]?.headers ? { headers: messages[0].headers } : {}),
    };
  }

  /** PublishConfirm / PublishError: the status of the publishes they name. */
  private confirm(cmd: number, r: Reader, start: Position, end: Position, frames: number[], warn: (c: Call, e: unknown) => void, cut?: Cut): void {
    let pubId = -1;
    const settle = (id: number | string, status: NonNullable<Call['status']>) => {
      const k = `${pubId}|${id}`;
      const list = this.unconfirmed.get(k);
      const c = list?.shift();
      if (!c) return false;
      if (!list!.length) this.unconfirmed.delete(k);
      this.unconfirmedCount--;
      addFrames(c.frames, frames);
      c.timing.responseStartUs = start.tsUs;
      c.timing.endUs = end.tsUs;
      c.status = status;
      if (!status.ok) c.fields['rabbitstream.response_code'] = status.code;
      this.finish(c, 'complete');
      return true;
    };
    try {
      pubId = r.u8('publisher id');
      const n = r.count(cmd === 0x03 ? 'publishing ids' : 'publishing errors', cmd === 0x03 ? 8 : 10);
      for (let i = 0; i < n; i++) {
        const id = r.u64('publishing id');
        if (cmd === 0x03) settle(id, { code: 'confirmed', text: 'PublishConfirm', ok: true });
        else {
          const code = r.u16('error code');
          if (!settle(id, { code, text: codeName(code), ok: false })) {
            // An error for a publish not in the capture still says something: an event.
            const e = this.newCall('s2c', 'PublishError', start, frames, cmd, 1);
            e.kind = 'event';
            e.timing.endUs = end.tsUs;
            e.fields['rabbitstream.publisher_id'] = pubId;
            e.fields['rabbitstream.publishing_id'] = id;
            e.fields['rabbitstream.response_code'] = code;
            e.status = { code, text: codeName(code), ok: false };
            e.response = { value: { publisher_id: pubId, publishing_id: id, code }, wireBytes: 0 };
            this.finish(e, 'complete');
          }
        }
      }
    } catch (e) {
      // What was read is applied; the malformed rest is an event that says so.
      const c = this.newCall('s2c', commandName(cmd), start, frames, cmd, 1);
      c.kind = 'event';
      c.timing.endUs = end.tsUs;
      c.response = { value: { publisher_id: pubId }, wireBytes: 0 };
      warn(c, e);
      if (cut) c.warnings.push(cutText(cut));
      this.finish(c, cut ? 'incomplete' : 'complete');
    }
  }

  /** Deliver: one delivery per entry of its chunk. */
  private deliver(version: number, r: Reader, start: Position, end: Position, frames: number[], wire: number, warn: (c: Call, e: unknown) => void, cut?: Cut): void {
    const base = this.newCall('s2c', 'Deliver', start, frames, 0x08, version);
    base.kind = 'deliver';
    base.timing.responseStartUs = start.tsUs;
    base.timing.endUs = end.tsUs;
    try {
      const subId = r.u8('subscription id');
      base.fields['rabbitstream.subscription_id'] = subId;
      const stream = this.subscriptions.get(subId);
      if (stream !== undefined) {
        base.target = stream;
        base.fields['rabbitstream.stream'] = stream;
      }
      const committed = version >= 2 ? r.u64('committed chunk id') : undefined;
      const chunk = readChunk(r, this.session.env);
      base.fields['rabbitstream.chunk_id'] = chunk.firstOffset;
      const info = {
        first_offset: chunk.firstOffset,
        type: chunk.type,
        timestamp: chunk.timestamp,
        epoch: chunk.epoch,
        entries: chunk.entries,
        records: chunk.records,
        ...(committed !== undefined ? { committed_chunk_id: committed } : {}),
      };
      const notes = [...chunk.warnings, ...(stream === undefined ? [`subscription ${subId} was not made in this capture: its stream is unknown`] : []), ...(cut ? [cutText(cut)] : [])];
      if (!chunk.read.length) {
        base.kind = 'event';
        base.response = { value: { subscription_id: subId, chunk: info }, wireBytes: wire };
        base.status = { code: 'delivered', text: `${chunk.type} chunk`, ok: true };
        this.finish(base, cut ? 'incomplete' : 'complete', notes.join('; ') || undefined);
        return;
      }
      const baseFields = { ...base.fields };
      chunk.read.forEach((entry, i) => {
        const c = i === 0 ? base : this.sibling(base, baseFields);
        c.fields['rabbitstream.offset'] = entry.offset;
        // The broker sends whole chunks: entries before the offset the subscription asked for reach the
        // client, which skips them.
        const from = this.startOffsets.get(subId);
        if (from !== undefined && BigInt(entry.offset) < from) c.fields['rabbitstream.before_start'] = true;
        const head = { offset: entry.offset, chunk: info };
        if (entry.subBatch) {
          this.fillSubBatch(c, 'response', entry.subBatch, head, entry.size);
          this.keyed(c, stream, entry.subBatch.data);
        } else {
          const m = fillMessage(c, 'response', entry.message!, entry.size, this.session.env);
          c.response!.value = { ...head, message: c.response!.value };
          this.keyed(c, stream, entry.message!);
          if (m.amqp091 && m.data) {
            // Published over AMQP 0-9-1 into a stream queue: keyed as the amqp decoder keys that publish
            // (its exchange/routing key and body), so the delivery joins it across protocols.
            const { exchange, routingKey } = m.amqp091;
            c.fields['msg.key'] = messageKey('amqp', exchange ? `${exchange}/${routingKey}` : routingKey, m.data);
            c.fields['rabbitstream.published_via'] = 'amqp';
          }
        }
        c.warnings.push(...notes);
        c.status = { code: 'delivered', ok: true };
        this.finish(c, 'complete');
      });
    } catch (e) {
      warn(base, e);
      base.kind = 'event';
      base.response = { value: { size: wire - 4 }, wireBytes: wire };
      this.finish(base, cut ? 'incomplete' : 'complete', cut ? cutText(cut) : undefined);
    }
  }
}

/** A message of a sub-batch as a value: its sections, and its body as text (or hex) when it is not JSON. */
function shownMessage(m: ReturnType<typeof decodeMessage>): Record<string, unknown> {
  if (!m.body || m.value.body !== undefined) return m.value;
  return { ...m.value, body: m.body.text ?? { size: m.body.size, hex: m.body.hex } };
}

export const spec: DecoderSpec = {
  id: PROTO,
  name: 'RabbitMQ Streams',
  transport: 'tcp',
  ports: [5552],
  probeOrder: 120,
  probe: (head, dir) => probeRabbitStream(head, dir),
  rolesReversed: (heads) => rolesBackwards(heads, streamSides),
  create: (session) => new RabbitStreamDecoder(session),
};

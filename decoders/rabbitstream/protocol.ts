/**
 * The RabbitMQ stream protocol's vocabulary (rabbitmq-server deps/rabbitmq_stream/docs/PROTOCOL.adoc):
 * its types (big-endian integers; `string` an int16 length, `bytes` an int32 length, -1 for null;
 * arrays an int32 count), command keys, response codes and offset specifications, and a bounded
 * reader of them.
 */
import { be16, be32, toHex, utf8Text } from '../core/bytes';

/** Command keys (PROTOCOL.adoc "Commands"); a response sets the high bit (0x8000). */
export const COMMANDS: Record<number, string> = {
  0x01: 'DeclarePublisher',
  0x02: 'Publish',
  0x03: 'PublishConfirm',
  0x04: 'PublishError',
  0x05: 'QueryPublisherSequence',
  0x06: 'DeletePublisher',
  0x07: 'Subscribe',
  0x08: 'Deliver',
  0x09: 'Credit',
  0x0a: 'StoreOffset',
  0x0b: 'QueryOffset',
  0x0c: 'Unsubscribe',
  0x0d: 'Create',
  0x0e: 'Delete',
  0x0f: 'Metadata',
  0x10: 'MetadataUpdate',
  0x11: 'PeerProperties',
  0x12: 'SaslHandshake',
  0x13: 'SaslAuthenticate',
  0x14: 'Tune',
  0x15: 'Open',
  0x16: 'Close',
  0x17: 'Heartbeat',
  0x18: 'Route',
  0x19: 'Partitions',
  0x1a: 'ConsumerUpdate',
  0x1b: 'ExchangeCommandVersions',
  0x1c: 'StreamStats',
  0x1d: 'CreateSuperStream',
  0x1e: 'DeleteSuperStream',
  0x1f: 'ResolveOffsetSpec',
};
export const MAX_KEY = 0x1f;

/** Commands sent without a correlation id (and answered by none, Tune and Credit's error aside). */
export const NO_CORRELATION = new Set([0x02, 0x03, 0x04, 0x08, 0x09, 0x0a, 0x10, 0x14, 0x17]);

export const commandName = (key: number): string => COMMANDS[key] ?? `command 0x${key.toString(16).padStart(4, '0')}`;

/** Response codes (PROTOCOL.adoc "Response Codes"). */
export const RESPONSE_CODES: Record<number, string> = {
  0x01: 'OK',
  0x02: 'STREAM_DOES_NOT_EXIST',
  0x03: 'SUBSCRIPTION_ID_ALREADY_EXISTS',
  0x04: 'SUBSCRIPTION_ID_DOES_NOT_EXIST',
  0x05: 'STREAM_ALREADY_EXISTS',
  0x06: 'STREAM_NOT_AVAILABLE',
  0x07: 'SASL_MECHANISM_NOT_SUPPORTED',
  0x08: 'AUTHENTICATION_FAILURE',
  0x09: 'SASL_ERROR',
  0x0a: 'SASL_CHALLENGE',
  0x0b: 'SASL_AUTHENTICATION_FAILURE_LOOPBACK',
  0x0c: 'VIRTUAL_HOST_ACCESS_FAILURE',
  0x0d: 'UNKNOWN_FRAME',
  0x0e: 'FRAME_TOO_LARGE',
  0x0f: 'INTERNAL_ERROR',
  0x10: 'ACCESS_REFUSED',
  0x11: 'PRECONDITION_FAILED',
  0x12: 'PUBLISHER_DOES_NOT_EXIST',
  0x13: 'NO_OFFSET',
};

export const codeName = (code: number): string => RESPONSE_CODES[code] ?? `code ${code}`;

/** Offset specification types (Subscribe, ConsumerUpdate, ResolveOffsetSpec). */
export const OFFSET_TYPES: Record<number, string> = { 0: 'none', 1: 'first', 2: 'last', 3: 'next', 4: 'offset', 5: 'timestamp' };

export class StreamError extends Error {}

const MAX_COUNT = 100_000;

/** Reads the protocol's types from one frame; every length and count is checked against what is left. */
export class Reader {
  o: number;
  constructor(
    readonly b: Uint8Array,
    start = 0,
  ) {
    this.o = start;
  }

  get left(): number {
    return this.b.length - this.o;
  }

  need(n: number, what: string): void {
    if (n < 0 || this.o + n > this.b.length) throw new StreamError(`${what} runs past the end of the frame (${n} bytes needed, ${this.left} left)`);
  }

  u8(what = 'uint8'): number {
    this.need(1, what);
    return this.b[this.o++];
  }

  u16(what = 'uint16'): number {
    this.need(2, what);
    const v = be16(this.b, this.o);
    this.o += 2;
    return v;
  }

  u32(what = 'uint32'): number {
    this.need(4, what);
    const v = be32(this.b, this.o);
    this.o += 4;
    return v;
  }

  i32(what = 'int32'): number {
    return this.u32(what) | 0;
  }

  /** A 64-bit integer: a number when exact, else its digits. */
  u64(what = 'uint64', signed = false): number | string {
    this.need(8, what);
    const dv = new DataView(this.b.buffer, this.b.byteOffset + this.o, 8);
    const v = signed ? dv.getBigInt64(0) : dv.getBigUint64(0);
    this.o += 8;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v.toString();
  }

  string(what = 'string'): string | null {
    const n = (this.u16(what) << 16) >> 16;
    if (n === -1) return null;
    if (n < 0) throw new StreamError(`${what}: negative length ${n}`);
    this.need(n, what);
    const s = utf8Text(this.b.subarray(this.o, this.o + n));
    this.o += n;
    return s;
  }

  bytes(what = 'bytes'): Uint8Array | null {
    const n = this.i32(what);
    if (n === -1) return null;
    if (n < 0) throw new StreamError(`${what}: negative length ${n}`);
    this.need(n, what);
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }

  /** An array count, bounded by what is left (`min` bytes per element) and by MAX_COUNT. */
  count(what: string, min: number): number {
    const n = this.i32(`${what} count`);
    if (n < 0 || n > MAX_COUNT || n * min > this.left) throw new StreamError(`${what}: implausible count ${n} (${this.left} bytes left)`);
    return n;
  }

  array<T>(what: string, min: number, read: () => T): T[] {
    const n = this.count(what, min);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(read());
    return out;
  }

  strings(what: string): Array<string | null> {
    return this.array(what, 2, () => this.string(what));
  }

  /** A [Key Value] array of strings as an object (properties, arguments). */
  map(what: string): Record<string, string | null> {
    const o: Record<string, string | null> = {};
    const n = this.count(what, 4);
    for (let i = 0; i < n; i++) {
      const k = this.string(`${what} key`) ?? '';
      Object.defineProperty(o, k, { value: this.string(`${what} value`), enumerable: true, writable: true, configurable: true });
    }
    return o;
  }

  /** OffsetType (uint16) and, for offset and timestamp, its 64-bit value. */
  offsetSpec(): { type: string; offset?: number | string; timestamp?: number | string } {
    const t = this.u16('offset type');
    const type = OFFSET_TYPES[t] ?? `type ${t}`;
    if (t === 4) return { type, offset: this.u64('offset') };
    if (t === 5) return { type, timestamp: this.u64('timestamp', true) };
    return { type };
  }

  hex(n: number): string {
    return toHex(this.b.subarray(this.o, Math.min(this.b.length, this.o + n)));
  }
}

/**
 * Whether `body` (a request's bytes after its correlation id) reads exactly as command `cmd`'s fields,
 * to the last byte: how a capture that starts inside a connection is recognised from a request (an
 * exact parse of typed, length-prefixed fields is specific; Kafka's requests with the same key do not
 * end where a stream request would).
 */
export function readsExactly(cmd: number, body: Uint8Array): boolean {
  const r = new Reader(body);
  try {
    switch (cmd) {
      case 0x01:
        r.u8();
        r.string();
        r.string();
        break;
      case 0x05:
      case 0x0b:
      case 0x18:
        r.string();
        r.string();
        break;
      case 0x06:
      case 0x0c:
        r.u8();
        break;
      case 0x07:
        r.u8();
        r.string();
        r.offsetSpec();
        r.u16();
        if (r.left) r.map('properties');
        break;
      case 0x0d:
        r.string();
        r.map('arguments');
        break;
      case 0x0e:
      case 0x15:
      case 0x19:
      case 0x1c:
      case 0x1e:
        r.string();
        break;
      case 0x0f:
        r.strings('streams');
        break;
      case 0x11:
        r.map('properties');
        break;
      case 0x12:
        break;
      case 0x13:
        r.string();
        r.bytes();
        break;
      case 0x16:
        r.u16();
        r.string();
        break;
      case 0x1a:
        r.u8();
        if (r.u8() > 1) return false;
        break;
      case 0x1b:
        r.array('commands', 6, () => [r.u16(), r.u16(), r.u16()]);
        break;
      case 0x1d:
        r.string();
        r.strings('partitions');
        r.strings('binding keys');
        r.map('arguments');
        break;
      case 0x1f:
        r.string();
        r.offsetSpec();
        if (r.left) r.map('properties');
        break;
      default:
        return false;
    }
  } catch {
    return false;
  }
  return r.left === 0;
}

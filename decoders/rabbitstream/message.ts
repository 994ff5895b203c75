/**
 * What a stream message is: the bytes a publisher sent, stored and delivered unchanged. The stream
 * clients (Java, Go, .NET, the JS client, rstream) encode an AMQP 1.0 message (OASIS AMQP 1.0 Part 3
 * §3.2: header, annotations, properties, application-properties, data / amqp-sequence /
 * amqp-value, footer), read here with decoders/amqp1's type system; bytes that do not start with a
 * described section are a raw payload.
 *
 * Sub-batch entries (osiris_log.erl "SubBatchEntry"; the Java client's sub-entry batching): several
 * messages, each an int32 size and its bytes, compressed as a whole (0 none, 1 gzip, 2 snappy,
 * 3 lz4, 4 zstd). None and gzip are read here; the others are named.
 */
import type { Body, Call, HeaderList } from '../core/model';
import type { DecoderEnv } from '../core/env';
import { be32, utf8Bytes } from '../core/bytes';
import { payloadBody } from '../calls/payload';
import { Amqp1Map, Amqp1Reader, isDescribed, plain } from '../amqp1/types';

export const COMPRESSION = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

const SECTIONS: Record<number, string> = {
  0x70: 'header',
  0x71: 'delivery-annotations',
  0x72: 'message-annotations',
  0x73: 'properties',
  0x74: 'application-properties',
  0x75: 'data',
  0x76: 'amqp-sequence',
  0x77: 'amqp-value',
  0x78: 'footer',
};
const HEADER_FIELDS = ['durable', 'priority', 'ttl', 'first-acquirer', 'delivery-count'];
const PROPERTY_FIELDS = ['message-id', 'user-id', 'to', 'subject', 'reply-to', 'correlation-id', 'content-type', 'content-encoding', 'absolute-expiry-time', 'creation-time', 'group-id', 'group-sequence', 'reply-to-group-id'];
/** Sections named by their symbolic descriptors (§3.2) rather than by code. */
const SYMBOLIC: Record<string, number> = {
  'amqp:header:list': 0x70,
  'amqp:delivery-annotations:map': 0x71,
  'amqp:message-annotations:map': 0x72,
  'amqp:properties:list': 0x73,
  'amqp:application-properties:map': 0x74,
  'amqp:data:binary': 0x75,
  'amqp:amqp-sequence:list': 0x76,
  'amqp:amqp-value:*': 0x77,
  'amqp:footer:map': 0x78,
};

export interface DecodedMessage {
  /** Sections by name (properties with field names), the body's value when it is JSON or a value. */
  value: Record<string, unknown>;
  headers?: HeaderList;
  body?: Body;
  /** Facts for fields: message id, subject, correlation id, content type. */
  props: Record<string, string>;
  /** The data sections' bytes, joined (the payload an AMQP 0-9-1 publisher sent, when one did). */
  data?: Uint8Array;
  /** The exchange and routing key RabbitMQ noted (message annotations) for a message published over AMQP 0-9-1. */
  amqp091?: { exchange: string; routingKey: string };
}

function listFields(list: unknown, names: string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (!Array.isArray(list)) return o;
  names.forEach((k, i) => {
    if (i < list.length && list[i] !== null && list[i] !== undefined) o[k] = plain(list[i]);
  });
  return o;
}

/** Whether the bytes start like an AMQP 1.0 message section (described type 0x00 0x53 0x70–0x78, or a symbol). */
export function looksAmqp1(b: Uint8Array): boolean {
  if (b.length < 3 || b[0] !== 0x00) return false;
  if (b[1] === 0x53) return b[2] >= 0x70 && b[2] <= 0x78;
  if (b[1] === 0x80) return b.length >= 10 && b[2] === 0 && b[3] === 0 && b[4] === 0 && b[5] === 0 && b[6] === 0 && b[7] === 0 && b[8] === 0 && b[9] >= 0x70 && b[9] <= 0x78;
  return b[1] === 0xa3;
}

/** One stream message: AMQP 1.0 sections when it looks like them, else a raw payload. */
export function decodeMessage(bytes: Uint8Array, env: DecoderEnv, warnings: string[]): DecodedMessage {
  const props: Record<string, string> = {};
  if (!looksAmqp1(bytes)) {
    const body = payloadBody(bytes, bytes.length, env.limits, undefined, undefined, warnings);
    return { value: body.kind === 'json' ? { body: body.value } : {}, body, props };
  }
  const value: Record<string, unknown> = {};
  const headers: HeaderList = [];
  const data: Uint8Array[] = [];
  let bodyValue: unknown;
  let contentType: string | undefined;
  let contentEncoding: string | undefined;
  let amqp091: DecodedMessage['amqp091'];
  const r = new Amqp1Reader(bytes);
  try {
    while (r.left > 0) {
      const s = r.value();
      if (!isDescribed(s)) throw new Error('a message section is not a described value');
      const code = typeof s.descriptor === 'number' ? s.descriptor : Object.hasOwn(SYMBOLIC, String(s.descriptor)) ? SYMBOLIC[String(s.descriptor)] : undefined;
      switch (code) {
        case 0x70:
          value.header = listFields(s.value, HEADER_FIELDS);
          break;
        case 0x71:
        case 0x72:
        case 0x78:
          value[SECTIONS[code]] = plain(s.value);
          if (code === 0x72 && s.value instanceof Amqp1Map) {
            const ex = s.value.get('x-exchange');
            const rk = s.value.get('x-routing-key');
            if (typeof ex === 'string' && typeof rk === 'string') amqp091 = { exchange: ex, routingKey: rk };
          }
          break;
        case 0x73: {
          const p = listFields(s.value, PROPERTY_FIELDS);
          value.properties = p;
          if (typeof p['content-type'] === 'string') contentType = p['content-type'];
          if (typeof p['content-encoding'] === 'string') contentEncoding = p['content-encoding'];
          for (const k of ['message-id', 'correlation-id', 'subject', 'reply-to', 'to', 'content-type'] as const) {
            const v = p[k];
            if (v !== undefined && v !== null) props[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
          }
          break;
        }
        case 0x74:
          if (s.value instanceof Amqp1Map) for (const [k, x] of s.value.entries.slice(0, 1000)) headers.push([String(k), typeof x === 'string' ? x : JSON.stringify(plain(x))]);
          value['application-properties'] = plain(s.value);
          break;
        case 0x75:
          if (s.value instanceof Uint8Array) data.push(s.value);
          break;
        case 0x76:
          bodyValue = [...((bodyValue as unknown[]) ?? []), ...(Array.isArray(s.value) ? s.value.map((x) => plain(x)) : [])];
          break;
        case 0x77:
          bodyValue = s.value;
          break;
        default:
          value[`section ${String(s.descriptor)}`] = plain(s.value);
      }
    }
  } catch (e) {
    warnings.push(`message: ${(e as Error).message}`);
  }
  let body: Body | undefined;
  let all: Uint8Array | undefined;
  if (data.length) {
    all = data.length === 1 ? data[0] : concat(data);
    body = payloadBody(all, all.length, env.limits, contentType, contentEncoding, warnings);
  } else if (bodyValue instanceof Uint8Array) body = payloadBody(bodyValue, bodyValue.length, env.limits, contentType, contentEncoding, warnings);
  else if (typeof bodyValue === 'string') {
    // An amqp-value string (Go and .NET clients' text messages): shown as text, or JSON when it parses.
    const b = utf8Bytes(bodyValue);
    body = payloadBody(b, b.length, env.limits, contentType, contentEncoding, warnings);
  } else if (bodyValue !== undefined) value.body = plain(bodyValue);
  if (body?.kind === 'json') value.body = body.value;
  return { value, headers: headers.length ? headers : undefined, body, props, ...(all ? { data: all } : {}), ...(amqp091 ? { amqp091 } : {}) };
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Fill the message side of a publish (`request`) or delivery (`response`) from its bytes. */
export function fillMessage(call: Call, side: 'request' | 'response', bytes: Uint8Array, wire: number, env: DecoderEnv): DecodedMessage {
  const m = decodeMessage(bytes, env, call.warnings);
  const part = (call[side] = { value: m.value, wireBytes: wire } as NonNullable<Call['request']>);
  if (m.headers) part.headers = m.headers;
  if (m.body) part.body = m.body;
  if (m.props['message-id'] !== undefined) call.fields['rabbitstream.message_id'] = m.props['message-id'];
  if (m.props['correlation-id'] !== undefined) {
    call.fields['rabbitstream.correlation_id'] = m.props['correlation-id'];
    call.fields['msg.correlation_id'] = m.props['correlation-id'];
  }
  if (m.props.subject !== undefined) call.fields['rabbitstream.subject'] = m.props.subject;
  if (m.props['reply-to'] !== undefined) call.fields['msg.reply_to'] = m.props['reply-to'];
  return m;
}

export interface SubBatch {
  compression: string;
  records: number;
  uncompressedSize: number;
  /** The compressed (or not) body as sent: what publish and delivery share. */
  data: Uint8Array;
  /** The messages inside, when the body could be read. */
  messages?: Uint8Array[];
  warning?: string;
}

/**
 * A sub-batch entry's header from its first byte on (1 bit set, 3 bits compression, 4 reserved;
 * uint16 records; uint32 uncompressed length; uint32 length; body). `b` holds at least the entry.
 * Returns the entry and its size, or a reason it cannot be read.
 */
export function readSubBatch(b: Uint8Array, o: number, env: DecoderEnv): { entry: SubBatch; size: number } | string {
  if (b.length - o < 11) return 'sub-batch entry header runs past the end';
  const t = b[o];
  const cmp = (t >> 4) & 0x07;
  const records = (b[o + 1] << 8) | b[o + 2];
  const uncompressedSize = be32(b, o + 3);
  const length = be32(b, o + 7);
  if (length > b.length - o - 11) return `sub-batch entry of ${length} bytes runs past the end (${b.length - o - 11} left)`;
  const data = b.subarray(o + 11, o + 11 + length);
  const entry: SubBatch = { compression: COMPRESSION[cmp] ?? `type ${cmp}`, records, uncompressedSize, data };
  let plainBytes: Uint8Array | undefined;
  if (cmp === 0) plainBytes = data;
  else if (cmp === 1) {
    if (uncompressedSize > env.limits.maxDecompressedBytes) entry.warning = `gzip sub-batch of ${uncompressedSize} bytes uncompressed is larger than the decompression limit: not decoded`;
    else {
      try {
        plainBytes = env.compression.gunzip(data, env.limits.maxDecompressedBytes);
      } catch (e) {
        entry.warning = `gzip sub-batch: ${(e as Error).message}`;
      }
    }
  } else entry.warning = `${entry.compression} sub-batch: its messages are not decoded`;
  if (plainBytes) {
    const msgs: Uint8Array[] = [];
    let p = 0;
    while (p + 4 <= plainBytes.length && msgs.length < records && msgs.length < 10_000) {
      const n = be32(plainBytes, p);
      if (n > plainBytes.length - p - 4) {
        entry.warning = `sub-batch message ${msgs.length} of ${n} bytes runs past the end`;
        break;
      }
      msgs.push(plainBytes.subarray(p + 4, p + 4 + n));
      p += 4 + n;
    }
    if (!entry.warning && msgs.length !== records) entry.warning = `sub-batch says ${records} records, holds ${msgs.length}`;
    entry.messages = msgs;
  }
  return { entry, size: 11 + length };
}

/**
 * An AMQP 1.0 message (OASIS AMQP 1.0 Part 3 §3.2: header, delivery and message annotations,
 * properties, application-properties, data / amqp-sequence / amqp-value, footer) as callscope shows
 * it, from the bytes of a whole message: an AMQP 1.0 transfer's payload (./index.ts) or a RabbitMQ
 * stream entry (../rabbitstream), which stores what the publisher encoded. Sections may be named by
 * code or by symbol; bytes that do not start with a described section are a raw payload.
 */
import type { Body, HeaderList } from '../core/model';
import type { DecoderEnv } from '../core/env';
import { concatBytes, utf8Bytes } from '../core/bytes';
import { payloadBody } from '../calls/payload';
import { Amqp1Map, Amqp1Reader, isDescribed, plain } from './types';

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
  /** The amqp-value or amqp-sequence body as plain data, when the message has one. */
  bodyValue?: unknown;
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
function looksAmqp1(b: Uint8Array): boolean {
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
    all = data.length === 1 ? data[0] : concatBytes(data);
    body = payloadBody(all, all.length, env.limits, contentType, contentEncoding, warnings);
  } else if (bodyValue instanceof Uint8Array) body = payloadBody(bodyValue, bodyValue.length, env.limits, contentType, contentEncoding, warnings);
  else if (typeof bodyValue === 'string') {
    // An amqp-value string (Go and .NET clients' text messages): shown as text, or JSON when it parses.
    const b = utf8Bytes(bodyValue);
    body = payloadBody(b, b.length, env.limits, contentType, contentEncoding, warnings);
  } else if (bodyValue !== undefined) value.body = plain(bodyValue);
  if (body?.kind === 'json') value.body = body.value;
  return {
    value,
    headers: headers.length ? headers : undefined,
    body,
    props,
    ...(all ? { data: all } : {}),
    ...(bodyValue !== undefined ? { bodyValue: plain(bodyValue) } : {}),
    ...(amqp091 ? { amqp091 } : {}),
  };
}

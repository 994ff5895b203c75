/**
 * MQTT data representation: MQTT 3.1.1 §1.5 (UTF-8 strings, binary data), MQTT 5.0 §1.5
 * (variable byte integers, string pairs) and §2.2.2 properties. Reads are bounded by the
 * packet; a short read sets `error`.
 */
import { be16, be32, toHex, utf8Text, utf8Strict } from '../core/bytes';

export class MqttReader {
  error: string | undefined;
  constructor(
    readonly b: Uint8Array,
    public o = 0,
    readonly end = b.length,
  ) {}
  get left(): number {
    return this.end - this.o;
  }
  private need(n: number, what: string): boolean {
    if (this.error) return false;
    if (this.o + n > this.end) {
      this.error = `${what} runs past the end of the packet`;
      this.o = this.end;
      return false;
    }
    return true;
  }
  byte(): number {
    return this.need(1, 'byte') ? this.b[this.o++] : 0;
  }
  u16(): number {
    if (!this.need(2, 'two-byte integer')) return 0;
    const v = be16(this.b, this.o);
    this.o += 2;
    return v;
  }
  u32(): number {
    if (!this.need(4, 'four-byte integer')) return 0;
    const v = be32(this.b, this.o);
    this.o += 4;
    return v;
  }
  /** §1.5.5 variable byte integer (at most 4 bytes). */
  varint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 4; i++) {
      const c = this.byte();
      if (this.error) return 0;
      v += (c & 0x7f) * mul;
      if (!(c & 0x80)) return v;
      mul *= 128;
    }
    this.error = 'variable byte integer longer than 4 bytes';
    return 0;
  }
  binary(): Uint8Array {
    const n = this.u16();
    if (!this.need(n, 'binary data')) return new Uint8Array(0);
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
  string(): string {
    return utf8Text(this.binary());
  }
  rest(): Uint8Array {
    const v = this.b.subarray(this.o, this.end);
    this.o = this.end;
    return v;
  }
}

type PropType = 'byte' | 'u16' | 'u32' | 'varint' | 'string' | 'binary' | 'pair';

/** MQTT 5.0 §2.2.2.2 property identifiers. */
export const PROPERTIES: Record<number, [string, PropType]> = {
  1: ['payload-format-indicator', 'byte'],
  2: ['message-expiry-interval', 'u32'],
  3: ['content-type', 'string'],
  8: ['response-topic', 'string'],
  9: ['correlation-data', 'binary'],
  11: ['subscription-identifier', 'varint'],
  17: ['session-expiry-interval', 'u32'],
  18: ['assigned-client-identifier', 'string'],
  19: ['server-keep-alive', 'u16'],
  21: ['authentication-method', 'string'],
  22: ['authentication-data', 'binary'],
  23: ['request-problem-information', 'byte'],
  24: ['will-delay-interval', 'u32'],
  25: ['request-response-information', 'byte'],
  26: ['response-information', 'string'],
  28: ['server-reference', 'string'],
  31: ['reason-string', 'string'],
  33: ['receive-maximum', 'u16'],
  34: ['topic-alias-maximum', 'u16'],
  35: ['topic-alias', 'u16'],
  36: ['maximum-qos', 'byte'],
  37: ['retain-available', 'byte'],
  38: ['user-property', 'pair'],
  39: ['maximum-packet-size', 'u32'],
  40: ['wildcard-subscription-available', 'byte'],
  41: ['subscription-identifier-available', 'byte'],
  42: ['shared-subscription-available', 'byte'],
};

export interface Props {
  /** Named values; user properties in `user-property` as [name, value] pairs; repeated subscription ids as an array. */
  values: Record<string, unknown>;
  /** Raw correlation data (for the broker-RPC correlation id). */
  correlation?: Uint8Array;
  userProps: Array<[string, string]>;
}

/** Binary as text when it is printable UTF-8, else `0x…` hex. */
export function binText(b: Uint8Array): string {
  const s = utf8Strict(b);
  if (s !== undefined && !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s)) return s;
  return `0x${toHex(b, 256)}`;
}

/** §2.2.2 properties: length (varint) then (identifier, value)*. */
export function readProps(r: MqttReader): Props {
  const out: Props = { values: {}, userProps: [] };
  const len = r.varint();
  if (r.error) return out;
  if (len > r.left) {
    r.error = `properties length ${len} runs past the end of the packet`;
    return out;
  }
  const end = r.o + len;
  const sub = new MqttReader(r.b, r.o, end);
  let count = 0;
  while (sub.o < end && !sub.error && count++ < 4096) {
    const id = sub.varint();
    const def = PROPERTIES[id];
    if (!def) {
      r.error = `unknown property identifier ${id}`;
      break;
    }
    const [name, t] = def;
    let v: unknown;
    switch (t) {
      case 'byte':
        v = sub.byte();
        break;
      case 'u16':
        v = sub.u16();
        break;
      case 'u32':
        v = sub.u32();
        break;
      case 'varint':
        v = sub.varint();
        break;
      case 'string':
        v = sub.string();
        break;
      case 'binary': {
        const b = sub.binary();
        if (id === 9) out.correlation = b.slice();
        v = binText(b);
        break;
      }
      case 'pair': {
        const k = sub.string();
        const val = sub.string();
        out.userProps.push([k, val]);
        continue;
      }
    }
    if (name in out.values) {
      const prev = out.values[name];
      out.values[name] = Array.isArray(prev) ? [...prev, v] : [prev, v];
    } else out.values[name] = v;
  }
  if (sub.error && !r.error) r.error = sub.error;
  if (out.userProps.length) out.values['user-property'] = out.userProps;
  r.o = end;
  return out;
}

/** MQTT 5.0 §2.4 reason codes. */
export const REASONS: Record<number, string> = {
  0x00: 'Success',
  0x01: 'Granted QoS 1',
  0x02: 'Granted QoS 2',
  0x04: 'Disconnect with Will Message',
  0x10: 'No matching subscribers',
  0x11: 'No subscription existed',
  0x18: 'Continue authentication',
  0x19: 'Re-authenticate',
  0x80: 'Unspecified error',
  0x81: 'Malformed Packet',
  0x82: 'Protocol Error',
  0x83: 'Implementation specific error',
  0x84: 'Unsupported Protocol Version',
  0x85: 'Client Identifier not valid',
  0x86: 'Bad User Name or Password',
  0x87: 'Not authorized',
  0x88: 'Server unavailable',
  0x89: 'Server busy',
  0x8a: 'Banned',
  0x8b: 'Server shutting down',
  0x8c: 'Bad authentication method',
  0x8d: 'Keep Alive timeout',
  0x8e: 'Session taken over',
  0x8f: 'Topic Filter invalid',
  0x90: 'Topic Name invalid',
  0x91: 'Packet Identifier in use',
  0x92: 'Packet Identifier not found',
  0x93: 'Receive Maximum exceeded',
  0x94: 'Topic Alias invalid',
  0x95: 'Packet too large',
  0x96: 'Message rate too high',
  0x97: 'Quota exceeded',
  0x98: 'Administrative action',
  0x99: 'Payload format invalid',
  0x9a: 'Retain not supported',
  0x9b: 'QoS not supported',
  0x9c: 'Use another server',
  0x9d: 'Server moved',
  0x9e: 'Shared Subscriptions not supported',
  0x9f: 'Connection rate exceeded',
  0xa0: 'Maximum connect time',
  0xa1: 'Subscription Identifiers not supported',
  0xa2: 'Wildcard Subscriptions not supported',
};

/** MQTT 3.1.1 §3.2.2.3 CONNACK return codes. */
export const CONNACK_V3: Record<number, string> = {
  0: 'Connection Accepted',
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'Server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
};

export const PACKET_TYPES = ['Reserved', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'];

/** §2.2.2 properties, strictly: known identifiers, values inside the packet, UTF-8 strings valid. */
function propsValid(r: MqttReader): boolean {
  const len = r.varint();
  if (r.error || len > r.left) return false;
  const sub = new MqttReader(r.b, r.o, r.o + len);
  while (sub.o < sub.end && !sub.error) {
    const def = PROPERTIES[sub.varint()];
    if (!def) return false;
    switch (def[1]) {
      case 'byte':
        sub.byte();
        break;
      case 'u16':
        sub.u16();
        break;
      case 'u32':
        sub.u32();
        break;
      case 'varint':
        sub.varint();
        break;
      case 'binary':
        sub.binary();
        break;
      case 'pair': // name and value, both strings
        if (utf8Strict(sub.binary()) === undefined || utf8Strict(sub.binary()) === undefined) return false;
        break;
      case 'string':
        if (utf8Strict(sub.binary()) === undefined) return false;
        break;
    }
  }
  if (sub.error) return false;
  r.o = sub.end;
  return true;
}

/** A topic filter list (SUBSCRIBE with options, UNSUBSCRIBE without) that ends exactly with the packet. */
function filtersValid(r: MqttReader, options: (o: number) => boolean): boolean {
  let n = 0;
  while (r.left > 0) {
    const f = r.binary();
    if (r.error || f.length === 0 || utf8Strict(f) === undefined) return false;
    if (options.length && !options(r.byte())) return false;
    n++;
  }
  return !r.error && n > 0;
}

const SUBACK_V3 = new Set([0, 1, 2, 0x80]);
const SUBACK_V5 = new Set([0, 1, 2, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2]);

/**
 * The protocol version of a connection whose CONNECT is not in the capture, from the shape of one
 * packet: 5 or 4 when only that version's layout fits the packet, undefined when both fit.
 * MQTT 5.0 adds a property list (§2.2.2) to CONNACK, the acknowledgements, SUBSCRIBE, SUBACK,
 * UNSUBSCRIBE, UNSUBACK and PUBLISH, and a body to DISCONNECT; AUTH exists only in 5.0.
 */
export function sniffVersion(type: number, flags: number, body: Uint8Array): 4 | 5 | undefined {
  const n = body.length;
  switch (type) {
    case 2: // CONNACK: flags + code (3.1.1 §3.2), then properties (5.0 §3.2.2.3)
      return n === 2 ? 4 : n > 2 ? 5 : undefined;
    case 4:
    case 5:
    case 6:
    case 7: // PUBACK…PUBCOMP: packet id only in 3.1.1; a reason code and properties may follow in 5.0
      return n > 2 ? 5 : undefined;
    case 11: // UNSUBACK: packet id only in 3.1.1; properties and a reason code per filter in 5.0
      return n === 2 ? 4 : n > 2 ? 5 : undefined;
    case 14: // DISCONNECT: empty in 3.1.1
      return n > 0 ? 5 : undefined;
    case 15: // AUTH
      return 5;
    case 8:
    case 10: {
      const sub = type === 8;
      const v3 = new MqttReader(body);
      v3.u16();
      const ok3 = filtersValid(v3, sub ? (o) => o <= 2 : () => true);
      const v5 = new MqttReader(body);
      v5.u16();
      const ok5 = propsValid(v5) && filtersValid(v5, sub ? (o) => (o & 0xc0) === 0 && (o & 3) <= 2 && (o >> 4) <= 2 : () => true);
      return ok3 === ok5 ? undefined : ok5 ? 5 : 4;
    }
    case 9: {
      if (n < 3) return undefined;
      const codes3 = body.subarray(2).every((c) => SUBACK_V3.has(c));
      const v5 = new MqttReader(body);
      v5.u16();
      const ok5 = propsValid(v5) && v5.left > 0 && body.subarray(v5.o).every((c) => SUBACK_V5.has(c));
      return codes3 === ok5 ? undefined : ok5 ? 5 : 4;
    }
    case 3: {
      // The payload is free-form, so only a property list that cannot be one speaks for 3.1.1, and
      // a non-empty valid one for 5.0.
      const r = new MqttReader(body);
      const topic = r.binary();
      if (r.error || utf8Strict(topic) === undefined) return undefined;
      if ((flags >> 1) & 3) r.u16();
      if (r.error || r.left === 0) return undefined;
      const empty = r.b[r.o] === 0;
      if (!propsValid(r)) return 4;
      return empty ? undefined : 5;
    }
  }
  return undefined;
}

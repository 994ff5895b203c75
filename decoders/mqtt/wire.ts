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

/**
 * The body readers of the serializations Dubbo bodies are decoded in, picked by the serialization
 * id of a Dubbo 2 header or by the name a Triple wrapper carries (./triple.ts):
 *
 *   hessian2 (id 2; "hessian2", Triple's "hessian4")  ./hessian.ts
 *   fastjson2 (id 23; "fastjson2")                      ./jsonb.ts: 4-byte length + JSONB per value
 *   fastjson (id 6), gson (id 16)                       one JSON value per line (their ObjectOutput println each value)
 */
import { toHex, utf8Text } from '../core/bytes';
import { HessianEnd, HessianReader, type HValue } from './hessian';
import { Fastjson2BodyReader, utfValue } from './jsonb';
import { parseJsonBounded } from '../http-common/body';

/** What the Dubbo decoder reads a body with. Past the end: HessianEnd; malformed: another Error. */
export interface ValueReader {
  readonly done: boolean;
  readonly pos: number;
  string(): string;
  value(): HValue;
}

/** Serialization ids → names (Dubbo's Serialization SPI content type ids). */
export const SERIALIZATIONS: Record<number, string> = {
  2: 'hessian2',
  3: 'java',
  4: 'compactedjava',
  6: 'fastjson',
  7: 'nativejava',
  8: 'kryo',
  9: 'fst',
  10: 'native-hessian',
  11: 'avro',
  12: 'protostuff',
  16: 'gson',
  21: 'protobuf-json',
  22: 'protobuf',
  23: 'fastjson2',
  25: 'kryo2',
};

/** The serializations read here, by id. */
const DECODED: Record<number, 'hessian2' | 'fastjson2' | 'json'> = { 2: 'hessian2', 23: 'fastjson2', 6: 'json', 16: 'json' };

/** By name, as a Triple wrapper's serializeType gives it (ReflectionPackableMethod: hessian2 travels as "hessian4"). */
const BY_NAME: Record<string, 'hessian2' | 'fastjson2' | 'json'> = { hessian2: 'hessian2', hessian4: 'hessian2', fastjson2: 'fastjson2', fastjson: 'json', gson: 'json' };

/** A reader for a body in serialization `id`, or undefined for one not decoded here. */
export function readerForId(id: number, body: Uint8Array, maxDepth: number): ValueReader | undefined {
  const kind = DECODED[id];
  return kind ? readerOf(kind, body, maxDepth) : undefined;
}

/** A reader for bytes in the serialization named `name` (a Triple wrapper's serializeType), or undefined. */
export function readerForName(name: string, bytes: Uint8Array, maxDepth: number): ValueReader | undefined {
  const kind = Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined;
  return kind ? readerOf(kind, bytes, maxDepth) : undefined;
}

/** Whether bytes in the serialization named `name` are read here. */
export function isReadableName(name: string): boolean {
  return Object.hasOwn(BY_NAME, name);
}

/** Whether `name` is a serialization a Triple wrapper may name (the ones read here and the other Dubbo ones). */
export function isSerializationName(name: string): boolean {
  return Object.hasOwn(BY_NAME, name) || Object.values(SERIALIZATIONS).includes(name);
}

/** Bytes not decoded (a serialization not read here, or a value that did not read): the first 1 KiB as hex. */
export function undecoded(serialization: string, bytes: Uint8Array): Record<string, unknown> {
  return { serialization, size: bytes.length, hex: toHex(bytes, 1024), ...(bytes.length > 1024 ? { truncated: true } : {}) };
}

function readerOf(kind: 'hessian2' | 'fastjson2' | 'json', body: Uint8Array, maxDepth: number): ValueReader {
  if (kind === 'hessian2') return new HessianReader(body, 0, body.length, maxDepth);
  if (kind === 'fastjson2') return new Fastjson2BodyReader(body, 0, body.length, maxDepth);
  return new JsonLinesReader(body, maxDepth);
}

/**
 * A body of JSON lines: one value per line (`"2.0.2"`, `"org.demo.Service"`, `{"id":1}`…), read
 * line by line from the bytes, so `pos` is a byte offset as the other readers' is. Throws
 * HessianEnd past the last line (a body cut short), an Error on a line that is not JSON.
 */
export class JsonLinesReader implements ValueReader {
  pos = 0;

  constructor(
    private readonly body: Uint8Array,
    private readonly maxDepth: number,
  ) {}

  get done(): boolean {
    return utf8Text(this.body.subarray(this.pos)).trim() === '';
  }

  value(): HValue {
    if (this.done) throw new HessianEnd('end of body');
    let end = this.body.indexOf(0x0a, this.pos);
    if (end < 0) end = this.body.length;
    const line = utf8Text(this.body.subarray(this.pos, end)).replace(/\r$/, '');
    this.pos = end + 1;
    const r = parseJsonBounded(line, this.maxDepth);
    if (!r.ok) throw new Error(`${r.warning} (line ${JSON.stringify(line.slice(0, 40))})`);
    return r.value as HValue;
  }

  string(): string {
    return utfValue(this.value());
  }
}

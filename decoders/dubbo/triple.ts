/**
 * Dubbo 3 Triple's wrapper for interface-based (non-IDL) services. Triple is gRPC over HTTP/2; a
 * method whose arguments and result are not protobuf messages travels in protobuf wrappers
 * (apache/dubbo dubbo-rpc-triple TripleCustomerProtocolWapper, packed by ReflectionPackableMethod):
 *
 *   request   TripleRequestWrapper  { string serializeType = 1; repeated bytes args = 2; repeated string argTypes = 3; }
 *   response  TripleResponseWrapper { string serializeType = 1; bytes data = 2; string type = 3; }
 *
 * Each arg and the data are one value written by the named serialization's ObjectOutput
 * (hessian2 travels as "hessian4"; fastjson2 as its 4-byte length + JSONB). A response whose type is
 * `java.lang.Exception` carries the exception. The gRPC decoder asks here first for a message it
 * has no schema for (decoders/grpc/messages.ts); anything that is not exactly this shape — other
 * field numbers or wire types, no serializeType, or a name that is no Dubbo serialization — is
 * left to the protobuf decoder as before.
 */
import { utf8Strict } from '../core/bytes';
import type { HValue } from './hessian';
import { isReadableName, isSerializationName, readerForName, undecoded } from './readers';

export interface TripleWrapper {
  /** The message as shown: request `{serializeType, parameterTypes, arguments}`, response `{serializeType, type, value | exception}`. */
  value: Record<string, unknown>;
  serializeType: string;
  warnings: string[];
}

/** A wrapper's fields: its one serializeType (field 1), the bytes of fields 2 and 3 in order. */
interface WrapperFields {
  serializeType: string;
  f2: Uint8Array[];
  f3: Uint8Array[];
}

/**
 * Fields 1–3, each length-delimited (wire type 2), exactly one field 1 and it a name `accept`
 * takes; undefined for any other shape. Runs for every gRPC message without a schema, so it stops
 * at the first field 1 that names no serialization (without decoding it as text: the names are
 * short ASCII) rather than splitting the whole message first.
 */
function wrapperFields(b: Uint8Array, accept: (name: string) => boolean): WrapperFields | undefined {
  let serializeType: string | undefined;
  const f2: Uint8Array[] = [];
  const f3: Uint8Array[] = [];
  let i = 0;
  while (i < b.length) {
    const key = b[i++];
    // keys 0x0a, 0x12, 0x1a: fields 1, 2, 3 with wire type 2 (one byte each)
    if (key !== 0x0a && key !== 0x12 && key !== 0x1a) return undefined;
    let len = 0;
    for (let shift = 0; ; shift += 7) {
      if (i >= b.length || shift > 28) return undefined;
      const c = b[i++];
      len += (c & 0x7f) * 2 ** shift;
      if (!(c & 0x80)) break;
    }
    if (len > b.length - i) return undefined;
    if (key === 0x0a) {
      if (serializeType !== undefined) return undefined;
      serializeType = asciiName(b, i, i + len);
      if (!serializeType || !accept(serializeType)) return undefined;
    } else (key === 0x12 ? f2 : f3).push(b.subarray(i, i + len));
    i += len;
  }
  return serializeType === undefined ? undefined : { serializeType, f2, f3 };
}

/** `b[from, to)` as text when it is short ASCII (what a serialization name is), else undefined. */
function asciiName(b: Uint8Array, from: number, to: number): string | undefined {
  if (to - from > 32) return undefined;
  let s = '';
  for (let i = from; i < to; i++) {
    if (b[i] >= 0x80) return undefined;
    s += String.fromCharCode(b[i]);
  }
  return s;
}

/** One arg / the data in `serializeType`; on failure its bytes as hex and a warning. */
function decodeValue(serializeType: string, bytes: Uint8Array, maxDepth: number, what: string, warnings: string[]): unknown {
  const r = readerForName(serializeType, bytes, maxDepth);
  if (!r) {
    warnings.push(`${what}: ${serializeType} not decoded (hessian2, fastjson2, fastjson and gson are)`);
    return undecoded(serializeType, bytes);
  }
  try {
    const v: HValue = r.value();
    if (!r.done) warnings.push(`${what}: ${bytes.length - r.pos} bytes after the value`);
    return v;
  } catch (e) {
    warnings.push(`${what}: ${(e as Error).message}`);
    return undecoded(serializeType, bytes);
  }
}

/**
 * A gRPC message read as a Triple wrapper, or undefined when it is not one. Never throws. A
 * serializeType read here (hessian2/4, fastjson2, fastjson, gson) is enough with the shape; another
 * Dubbo serialization's name (kryo, protobuf…) only when the call's headers are Triple's
 * (`triHeaders`: tri-* request headers), as a one-string message could otherwise be taken.
 */
export function decodeTripleWrapper(bytes: Uint8Array, side: 'request' | 'response', maxDepth: number, triHeaders = false): TripleWrapper | undefined {
  const f = wrapperFields(bytes, (name) => isReadableName(name) || (triHeaders && isSerializationName(name)));
  if (!f) return undefined;
  const { serializeType } = f;
  const warnings: string[] = [];
  if (side === 'request') {
    const types: string[] = [];
    for (const t of f.f3) {
      const s = utf8Strict(t);
      if (s === undefined) return undefined;
      types.push(s);
    }
    const args = f.f2;
    // WrapRequestPack adds a type for each argument (written after the args, TripleRequestWrapper.toByteArray)
    if (types.length !== args.length) return undefined;
    const value: Record<string, unknown> = { serializeType, parameterTypes: types };
    value.arguments = args.map((a, i) => decodeValue(serializeType, a, maxDepth, `argument ${i}`, warnings));
    return { value, serializeType, warnings };
  }
  const data = f.f2;
  const type = f.f3;
  // TripleResponseWrapper.toByteArray always writes the type (its builder refuses none); the data when there is some
  if (data.length > 1 || type.length !== 1) return undefined;
  const typeName = utf8Strict(type[0]);
  if (typeName === undefined) return undefined;
  const value: Record<string, unknown> = { serializeType, type: typeName };
  const v = data.length ? decodeValue(serializeType, data[0], maxDepth, 'data', warnings) : null;
  // ReflectionPackableMethod.WrapResponsePack: an exception goes as type java.lang.Exception
  if (typeName === 'java.lang.Exception') value.exception = v;
  else value.value = v;
  return { value, serializeType, warnings };
}

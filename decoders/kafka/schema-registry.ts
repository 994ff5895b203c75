/**
 * Kafka keys and values framed by a schema registry's serializers (Confluent's wire format, also
 * written by Apicurio and Redpanda in their compatible modes): byte 0 is a magic 0, bytes 1–4 a
 * big-endian schema id, then the payload — Avro binary, JSON (the JSON Schema serializer), or for
 * Protobuf a list of message indexes (zig-zag varints: a count then the indexes; a single 0 byte
 * means [0], the file's first message) then the protobuf message.
 *
 * The schemas come from the capture itself: the serializers register and look them up over the
 * registry's REST API, usually in the same capture, and `learnRegistryExchange` reads those
 * exchanges (any path prefix, as Apicurio's /apis/ccompat/v7):
 *   POST /subjects/{subject}/versions  {"schema", "schemaType", "references"} → {"id"}
 *   POST /subjects/{subject}           (is this schema registered?) → {"subject", "id", "version", "schema"}
 *   GET  /schemas/ids/{id}             → {"schema", "schemaType", "references"}
 *   GET  /subjects/{subject}/versions/{version|latest} → {"subject", "id", "version", "schema", …}
 * schemaType is AVRO when absent. References ({name, subject, version}) name other subjects'
 * versions: Avro named types they define, Protobuf files they import, looked up when decoding.
 *
 * Learned in capture order, like gRPC server reflection: a producer registers before it produces.
 * A consumer asks for an id after the Fetch that brought it: the Kafka decoder holds such
 * deliveries until the id is learned (see index.ts `held`).
 *
 * Conservative: with the id known, the payload is decoded with its schema (a mismatch is a warning
 * and the bytes in hex). With the id unknown, only a payload that is plainly JSON is taken as
 * framed: other bytes that happen to start with a 0 stay what they were.
 */
import * as protobuf from 'protobufjs';
import type { Body, Call } from '../core/model';
import type { CaptureScope } from '../core/decoder';
import type { DecoderEnv } from '../core/env';
import { be32, fromBase64, toHex, utf8Strict } from '../core/bytes';
import { payloadBody } from '../calls/payload';
import { KReader } from './schema';
import { targetPath } from '../http-common/target';
import { parseAvroSchema, type AvroSchema, type Names } from '../avro/schema';
import { decodeAvro } from '../avro/decode';
import { avroDefinitionsOf, type AvroSchemaFile } from '../avro/definitions';
import { decodeProtobuf, decodeRaw, resolverFor, resolverOf, type TypeResolver } from '../protobuf/decode';
import * as descriptor from 'protobufjs/ext/descriptor';
import { WELL_KNOWN, addWellKnown, protoDefinitionsOf } from '../protobuf/definitions';
import { editionOf } from '../protobuf/learned';

export type SchemaFormat = 'avro' | 'json' | 'protobuf';

interface Reference {
  name: string;
  subject: string;
  version: number;
}

interface RegSchema {
  format: SchemaFormat;
  text: string;
  references: Reference[];
  subject?: string;
  /** Every subject seen naming this id. */
  subjects?: Set<string>;
  id: number;
  /** Parsed on first use (an error: said once per value decoded with it). */
  avro?: AvroSchema | Error;
  proto?: { root: protobuf.Root; top: string[]; error?: string; resolve: TypeResolver } | Error;
}

const KEY = 'kafka.schemaRegistry';
const MAX_SCHEMAS = 10_000;
const MAX_SCHEMA_CHARS = 1 << 20;
const MAX_TOTAL_CHARS = 32 << 20;
const MAX_REFERENCES = 64;
const MAX_INDEXES = 32;

/** What a capture's registry exchanges taught: schema id → schema, subject and version → schema. */
export class RegistrySchemas {
  readonly byId = new Map<number, RegSchema>();
  private readonly byVersion = new Map<string, RegSchema>();
  private chars = 0;
  /** Called when an id is learned (Kafka decoders holding values that wait for one). */
  readonly waiters = new Set<(id: number) => void>();
  /** Ids the capture did not teach → the workspace `.avsc` record that alone read a value of theirs (see `workspaceAvro`). */
  readonly workspace = new Map<number, AvroSchemaFile>();

  constructor(readonly scope?: CaptureScope) {}

  static of(scope: CaptureScope | undefined, create: boolean): RegistrySchemas | undefined {
    if (!scope) return undefined;
    let s = scope.state.get(KEY) as RegistrySchemas | undefined;
    if (!s && create) scope.state.set(KEY, (s = new RegistrySchemas(scope)));
    return s;
  }

  /** Add a schema; returns whether the id is new. */
  add(s: RegSchema, version?: number): boolean {
    if (s.text.length > MAX_SCHEMA_CHARS || this.byId.size >= MAX_SCHEMAS || this.chars + s.text.length > MAX_TOTAL_CHARS) return false;
    const old = this.byId.get(s.id);
    // (A version of a known id keeps the schema learned first: one copy of its text, parsed once.)
    if (s.subject !== undefined && version !== undefined && this.byVersion.size < MAX_SCHEMAS) this.byVersion.set(`${s.subject}|${version}`, old ?? s);
    if (old) {
      // Ids are global: the same schema under another subject keeps its id (the subject is then not shown).
      if (s.subject !== undefined) (old.subjects ??= new Set()).add(s.subject);
      return false;
    }
    if (s.subject !== undefined) s.subjects = new Set([s.subject]);
    this.chars += s.text.length;
    this.byId.set(s.id, s);
    // (A waiting Kafka decoder's failure is its own: the registry call that taught the id goes on.)
    for (const w of [...this.waiters]) {
      try {
        w(s.id);
      } catch {
        this.waiters.delete(w);
      }
    }
    return true;
  }

  reference(r: Reference): RegSchema | undefined {
    return this.byVersion.get(`${r.subject}|${r.version}`);
  }
}

function asFormat(t: unknown): SchemaFormat | undefined {
  if (t === undefined || t === null || t === 'AVRO') return 'avro';
  if (t === 'JSON') return 'json';
  if (t === 'PROTOBUF') return 'protobuf';
  return undefined;
}

function references(v: unknown): Reference[] {
  if (!Array.isArray(v)) return [];
  const out: Reference[] = [];
  for (const r of v.slice(0, MAX_REFERENCES) as Array<Record<string, unknown>>) {
    if (r && typeof r.name === 'string' && typeof r.subject === 'string' && typeof r.version === 'number') out.push({ name: r.name, subject: r.subject, version: r.version });
  }
  return out;
}

const SUBJECT_VERSIONS = /(?:^|\/)subjects\/([^/]+)\/versions(?:\/([^/]+))?$/;
const SUBJECT = /(?:^|\/)subjects\/([^/]+)$/;
const SCHEMA_ID = /(?:^|\/)schemas\/ids\/(\d{1,10})$/;

function subjectOf(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A finished HTTP exchange that may be a schema registry call (see the file comment): learn the
 * schema it names, and mark the call with `schema_registry.schema_id` / `.subject`.
 */
export function learnRegistryExchange(call: Call, scope: CaptureScope | undefined): void {
  try {
    learn(call, scope);
  } catch (e) {
    call.warnings.push(`schema registry: ${(e as Error)?.message ?? String(e)}`);
  }
}

function learn(call: Call, scope: CaptureScope | undefined): void {
  const h = call.http;
  // (Runs for every HTTP exchange: the raw target is tested before anything is made of it.)
  if (!h?.uri || h.status !== 200 || !scope || (!h.uri.includes('subjects/') && !h.uri.includes('schemas/ids/'))) return;
  const path = targetPath(h.uri, h.method)?.split('?')[0];
  if (!path) return;
  const req = h.requestBody?.kind === 'json' ? (h.requestBody.value as Record<string, unknown>) : undefined;
  const resp = (h.responseBody ?? call.response?.body)?.kind === 'json' ? ((h.responseBody ?? call.response?.body)!.value as Record<string, unknown>) : undefined;
  if (!resp || typeof resp !== 'object' || Array.isArray(resp)) return;
  let m: RegExpMatchArray | null;
  let schema: RegSchema | undefined;
  let version: number | undefined;
  const method = h.method ?? '';
  if (method === 'GET' && (m = path.match(SCHEMA_ID))) {
    const format = asFormat(resp.schemaType);
    if (typeof resp.schema === 'string' && format) schema = { format, text: resp.schema, references: references(resp.references), id: Number(m[1]) };
  } else if ((m = path.match(SUBJECT_VERSIONS)) && (method === 'POST' ? !m[2] : method === 'GET' && m[2])) {
    // POST: the schema is the request's, the id the response's. GET of a version: all in the response.
    const src = method === 'POST' ? req : resp;
    const format = src && asFormat(src.schemaType);
    if (src && typeof src.schema === 'string' && format && typeof resp.id === 'number') {
      schema = { format, text: src.schema, references: references(src.references), id: resp.id, subject: subjectOf(m[1]) };
      if (typeof resp.version === 'number') version = resp.version;
    }
  } else if (method === 'POST' && (m = path.match(SUBJECT))) {
    const format = req && asFormat(req.schemaType);
    if (req && typeof req.schema === 'string' && format && typeof resp.id === 'number') {
      schema = { format, text: req.schema, references: references(req.references), id: resp.id, subject: subjectOf(m[1]) };
      if (typeof resp.version === 'number') version = resp.version;
    }
  }
  if (!schema || !Number.isSafeInteger(schema.id)) return;
  call.fields['schema_registry.schema_id'] = schema.id;
  if (schema.subject !== undefined) call.fields['schema_registry.subject'] = schema.subject;
  const store = RegistrySchemas.of(scope, true)!;
  if (store.add(schema, version)) scope.learned('schema registry');
}

/** A framed key or value, decoded. */
export interface Framed {
  body: Body;
  /** The record's `key_schema` / `value_schema`: the id, the format, and what else is known (subject, Protobuf message, workspace file, how it was read). */
  schema: { id: number; format: SchemaFormat; subject?: string; message_indexes?: number[]; message_type?: string; file?: string; note?: string };
  warnings: string[];
}

/**
 * Whether these bytes may be framed with an id this capture has not taught (yet): magic 0, an id
 * of 1 or more, a payload. Used to hold a delivery until the registry lookup that follows it.
 */
export function framedId(b: Uint8Array): number | undefined {
  return headerId(b, 6);
}

/** The schema id of a header (magic 0, an id of 1 to 2^31 - 1) in at least `min` bytes. */
function headerId(b: Uint8Array, min: number): number | undefined {
  if (b.length < min || b[0] !== 0) return undefined;
  const id = be32(b, 1);
  return id >= 1 && id <= 0x7fffffff ? id : undefined;
}

/**
 * Decode `b` (a whole key or value) as framed; undefined when it is not (see the file comment).
 * `store` holds what the capture taught so far.
 */
export function decodeFramed(b: Uint8Array, store: RegistrySchemas | undefined, env: DecoderEnv, size = b.length): Framed | undefined {
  const id = headerId(b, 5);
  if (id === undefined) return undefined;
  const payload = b.subarray(5);
  const known = store?.byId.get(id);
  if (!known) return size > b.length ? undefined : guess(b, id, store, env);
  const only = known.subjects?.size === 1 ? [...known.subjects][0] : undefined;
  const schema: Framed['schema'] = { id, format: known.format, ...(only !== undefined ? { subject: only } : {}) };
  const warnings: string[] = [];
  const hex = (why: string): Framed => {
    warnings.push(why);
    return { body: { size, kind: 'binary', hex: toHex(payload, 4096), ...(size > b.length ? { truncated: true } : {}) }, schema, warnings };
  };
  if (size > b.length) return hex(`schema id ${id}: ${size} bytes, more than the ${b.length} kept for decoding; not decoded`);
  if (known.format === 'json') {
    // (payloadBody reads it as UTF-8 itself: bytes that are not are no JSON)
    const body = payloadBody(payload, payload.length, env.limits, 'application/json', undefined, warnings);
    if (body.kind !== 'json') return hex(`schema id ${id} (JSON): the payload is not JSON`);
    body.size = size;
    return { body, schema, warnings };
  }
  if (known.format === 'avro') {
    const parsed = avroOf(known, store!);
    if (parsed instanceof Error) return hex(`schema id ${id} (Avro): ${parsed.message}; not decoded`);
    const r = decodeAvro(payload, parsed, env.limits.maxDepth);
    if (!r.ok) return hex(`schema id ${id}: ${r.warnings.join('; ')}`);
    return { body: { size: b.length, kind: 'avro', value: r.value }, schema, warnings };
  }
  return decodeProto(payload, id, known, store!, env, schema, size);
}

/**
 * Protobuf: message indexes, then the message. Writers differ: Confluent's format is zig-zag
 * varints; confluent-kafka-python before 1.8 wrote plain (unsigned) varints (its
 * `use.deprecated.format`), and @kafkajs/confluent-schema-registry writes no indexes at all (the
 * file's first message follows the id). Each reading is tried in that order; the first whose
 * message decodes cleanly with the type it names wins (said in `note` when it is not the
 * standard one), else the standard reading with its warnings, else the message without a schema.
 */
function decodeProto(payload: Uint8Array, id: number, known: RegSchema, store: RegistrySchemas, env: DecoderEnv, schema: Framed['schema'], size: number): Framed {
  const readings: Array<{ indexes: number[]; end: number; note?: string }> = [];
  const zz = messageIndexes(payload, true);
  if (zz) readings.push(zz);
  const plain = messageIndexes(payload, false);
  if (plain && (!zz || plain.end !== zz.end || plain.indexes.join() !== zz.indexes.join())) readings.push({ ...plain, note: 'message indexes written as unsigned varints (confluent-kafka-python before 1.8)' });
  if (payload.length && payload[0] !== 0) readings.push({ indexes: [0], end: 0, note: 'no message indexes (the first message of the schema, as @kafkajs/confluent-schema-registry writes it)' });
  let fallback: Framed | undefined;
  let typeError: string | undefined;
  for (const rd of readings) {
    const type = protoType(known, store, rd.indexes, env);
    if (typeof type === 'string') {
      typeError ??= type;
      continue;
    }
    const r = decodeProtobuf(payload.subarray(rd.end), type.name, type.resolve, env.limits);
    const framed: Framed = {
      body: { size, kind: r.raw ? 'protobuf-raw' : 'protobuf', value: r.value, contentType: `protobuf:${type.name}` },
      schema: { ...schema, ...(rd.end ? { message_indexes: rd.indexes } : {}), message_type: type.name, ...(rd.note ? { note: rd.note } : {}) },
      warnings: r.warnings,
    };
    if (!r.warnings.length && !r.raw) return framed;
    // Only the standard reading is shown with its warnings: the others are guesses about writers.
    if (!rd.note) fallback ??= framed;
  }
  if (fallback) return fallback;
  const rd = readings[0];
  const r = decodeRaw(payload.subarray(rd?.end ?? 0), env.limits);
  return {
    body: { size, kind: 'protobuf-raw', value: r.value },
    schema: { ...schema, ...(rd?.end ? { message_indexes: rd.indexes } : {}) },
    warnings: [`schema id ${id} (Protobuf): ${typeError ?? 'message indexes do not parse'}; decoded without a schema`, ...r.warnings],
  };
}

/**
 * An id this capture did not teach: a JSON object or array after the id is JSON Schema framing;
 * Avro when exactly one record schema of the workspace's `.avsc` files reads the whole payload
 * (and then that id keeps that schema); anything else is left alone. (Raw protobuf is no test:
 * the Avro of the held-out run read as well-formed protobuf.)
 */
function guess(b: Uint8Array, id: number, store: RegistrySchemas | undefined, env: DecoderEnv): Framed | undefined {
  const payload = b.subarray(5);
  const text = utf8Strict(payload);
  if (text === undefined || !/^\s*[[{]/.test(text)) return workspaceAvro(payload, id, store, env, b.length);
  const warnings: string[] = [];
  const body = payloadBody(payload, payload.length, env.limits, undefined, undefined, warnings);
  if (body.kind !== 'json') return undefined;
  body.size = b.length;
  return { body, schema: { id, format: 'json', note: `schema id ${id} not seen in this capture` }, warnings };
}

const MAX_WORKSPACE_IDS = 10_000;

/**
 * A record that alone reads a value of an untaught id keeps that id for the rest of the capture
 * (in `store`, so per capture, and said to `scope.learned`: other connections' values of the id
 * decode with it, which a sharded run cannot pass on).
 */
function workspaceAvro(payload: Uint8Array, id: number, store: RegistrySchemas | undefined, env: DecoderEnv, size: number): Framed | undefined {
  const ws = avroDefinitionsOf(env.definitions);
  if (!ws?.records.length) return undefined;
  let pick = store?.workspace.get(id);
  let value: unknown;
  if (pick) {
    const r = decodeAvro(payload, pick.schema, env.limits.maxDepth);
    if (!r.ok) return undefined;
    value = r.value;
  } else {
    for (const cand of ws.records) {
      const r = decodeAvro(payload, cand.schema, env.limits.maxDepth);
      if (!r.ok) continue;
      if (pick) return undefined; // two schemas read these bytes: not a safe guess
      pick = cand;
      value = r.value;
    }
    if (!pick) return undefined;
    if (store && store.workspace.size < MAX_WORKSPACE_IDS) {
      store.workspace.set(id, pick);
      store.scope?.learned('workspace Avro schemas for schema ids');
    }
  }
  const file = pick.file.split(/[\\/]/).pop() ?? pick.file;
  return {
    body: { size, kind: 'avro', value },
    schema: { id, format: 'avro', file, message_type: pick.schema.name, note: `schema id ${id} not seen in this capture: ${pick.schema.name} from ${file}, the one workspace schema that reads these bytes` },
    warnings: [],
  };
}

/**
 * Confluent's message indexes: a zig-zag count (0: the list [0]) then that many zig-zag indexes;
 * with `zigzag` false, plain varints (confluent-kafka-python before 1.8).
 */
export function messageIndexes(b: Uint8Array, zigzag = true): { indexes: number[]; end: number } | undefined {
  const r = new KReader(b);
  const next = () => (zigzag ? r.varint() : r.uvarint());
  const n = next();
  if (r.error || n < 0 || n > MAX_INDEXES) return undefined;
  if (n === 0) return { indexes: [0], end: r.o };
  const indexes: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = next();
    if (r.error || x < 0) return undefined;
    indexes.push(x);
  }
  return { indexes, end: r.o };
}

function avroOf(s: RegSchema, store: RegistrySchemas): AvroSchema | Error {
  if (s.avro) return s.avro;
  try {
    const names: Names = new Map();
    // Referenced schemas first (their own references before them), so their named types resolve.
    const seen = new Set<RegSchema>();
    const addRefs = (x: RegSchema, depth: number) => {
      for (const r of x.references) {
        const rs = store.reference(r);
        if (!rs) throw new Error(`referenced schema ${r.subject} version ${r.version} (${r.name}) not seen in this capture`);
        if (seen.has(rs) || depth > 16) continue;
        seen.add(rs);
        addRefs(rs, depth + 1);
        parseAvroSchema(rs.text, names);
      }
    };
    addRefs(s, 0);
    s.avro = parseAvroSchema(s.text, names);
  } catch (e) {
    s.avro = e instanceof Error ? e : new Error(String(e));
  }
  return s.avro;
}

function protoType(s: RegSchema, store: RegistrySchemas, indexes: number[], env: DecoderEnv): { name: string; resolve: TypeResolver } | string {
  if (!s.proto) {
    try {
      const root = new protobuf.Root();
      addWellKnown(root);
      const top = protoFile(s.text, root);
      let error: string | undefined;
      for (const r of s.references) {
        if (WELL_KNOWN.has(r.name)) continue;
        const rs = store.reference(r);
        if (!rs) {
          error = `imported ${r.name} (${r.subject} version ${r.version}) not seen in this capture`;
          continue;
        }
        if (rs.format === 'protobuf') protoFile(rs.text, root);
      }
      try {
        root.resolveAll();
      } catch (e) {
        error ??= (e as Error).message;
      }
      s.proto = { root, top, error, resolve: resolverFor(root) };
    } catch (e) {
      s.proto = e instanceof Error ? e : new Error(String(e));
    }
  }
  if (s.proto instanceof Error) return `schema does not parse (${s.proto.message})`;
  let name = s.proto.top[indexes[0]];
  if (!name) return `message index ${indexes[0]} of ${s.proto.top.length} messages`;
  let t = s.proto.root.lookupType(name);
  for (const i of indexes.slice(1)) {
    const nested = t.nestedArray.filter((x) => x instanceof protobuf.Type) as protobuf.Type[];
    if (!nested[i]) return `nested message index ${i} of ${name}`;
    t = nested[i];
    name = t.fullName.slice(1);
  }
  if (s.proto.error) {
    // The registry's schema does not resolve (an import it does not carry): the workspace's .proto files may define the type.
    const ws = protoDefinitionsOf(env.definitions);
    const resolve = ws && resolverOf(ws);
    if (resolve?.(name)) return { name, resolve };
    return s.proto.error;
  }
  return { name, resolve: s.proto.resolve };
}

/**
 * Add one Protobuf schema to `root`: .proto text, or (as confluent-kafka-python before 2.0
 * registers them) a base64 FileDescriptorProto. Returns the full names of its top-level messages,
 * in order (what message indexes count).
 */
function protoFile(text: string, root: protobuf.Root): string[] {
  const trimmed = text.trim();
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? fromBase64(trimmed) : undefined;
  if (!bytes) {
    const parsed = protobuf.parse(text, root, { keepCase: true });
    const pkg = parsed.package ? root.lookup(parsed.package) : root;
    return pkg instanceof protobuf.Namespace ? pkg.nestedArray.filter((x) => x instanceof protobuf.Type).map((x) => x.fullName.slice(1)) : [];
  }
  const fd = descriptor.FileDescriptorProto.decode(bytes) as unknown as descriptor.IFileDescriptorProto;
  const ns: protobuf.Namespace = fd.package ? root.define(fd.package) : root;
  const ctx = { edition: editionOf(fd), keepCase: true };
  const top: string[] = [];
  for (const m of fd.messageType ?? []) {
    const t = protobuf.Type.fromDescriptor(m, ctx);
    if (!ns.get(t.name)) ns.add(t);
    top.push(fd.package ? `${fd.package}.${t.name}` : t.name);
  }
  for (const e of fd.enumType ?? []) {
    const en = protobuf.Enum.fromDescriptor(e, ctx);
    if (!ns.get(en.name)) ns.add(en);
  }
  return top;
}

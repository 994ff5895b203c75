/**
 * Schemas a capture teaches: the FileDescriptorProtos a server sends in answer to gRPC server
 * reflection (grpc.reflection.v1 / v1alpha ServerReflectionInfo: `file_containing_symbol`,
 * `file_by_filename`…). grpcurl, Postman, Evans and grpcui ask for them before calling a
 * service they have no .proto for; the same answers let callscope decode the calls that follow,
 * on any connection of the capture, with field and enum names — no .proto in the workspace.
 *
 * Only forward in capture order: a call made before the answer was decoded without it. The
 * workspace's own definitions come first; learned ones fill in services they do not define.
 * Bounded: MAX_FILES descriptors, MAX_BYTES in all, each at most MAX_FILE_BYTES; a descriptor
 * that does not parse, or whose names clash with one learned before, is left out with a warning.
 */
import * as protobuf from 'protobufjs';
import * as descriptor from 'protobufjs/ext/descriptor';
import { WELL_KNOWN, addWellKnown, indexService, type ProtoDefinitions, type ProtoMethodInfo } from './definitions';
import type { CaptureScope } from '../core/decoder';
import { fromBase64 } from '../core/bytes';

const MAX_FILES = 2000;
const MAX_BYTES = 16 << 20;
const MAX_FILE_BYTES = 4 << 20;
/** Definitions waiting for a type they use, retried when more files come. */
const MAX_UNRESOLVED = 64;
/** Problems said per answer (the rest counted). */
const MAX_WARNINGS = 20;
/** Key of the learned schemas in CaptureScope.state. */
const KEY = 'protobuf.learned';

interface LearnedFile {
  name: string;
  proto: descriptor.IFileDescriptorProto;
}

export class LearnedSchemas {
  private count = 0;
  private names = new Set<string>();
  private bytes = 0;
  private built?: ProtoDefinitions;
  /** Types and services whose references did not resolve yet, with their file. */
  private unresolved: Array<{ obj: protobuf.ReflectionObject; file: string }> = [];

  /** The capture's learned schemas; made when `create`, else undefined until something is learned. */
  static of(scope: CaptureScope | undefined, create: boolean): LearnedSchemas | undefined {
    if (!scope) return undefined;
    let s = scope.state.get(KEY) as LearnedSchemas | undefined;
    if (!s && create) scope.state.set(KEY, (s = new LearnedSchemas()));
    return s;
  }

  /** Learned files so far. */
  get size(): number {
    return this.count;
  }

  /**
   * Add serialized FileDescriptorProtos (one reflection answer) to the definitions. Returns the
   * names of the files new to this capture, and what went wrong (files that do not parse,
   * definitions that clash with ones learned before). A file already learned (the same name) is
   * kept as first seen.
   */
  add(protos: Uint8Array[]): { added: string[]; warnings: string[] } {
    const added: string[] = [];
    const warnings: string[] = [];
    const files: LearnedFile[] = [];
    for (const bytes of protos) {
      if (this.count >= MAX_FILES || this.names.size >= 2 * MAX_FILES || this.bytes + bytes.length > MAX_BYTES) {
        warnings.push(`reflection: more than ${MAX_FILES} files or ${MAX_BYTES >> 20} MiB of descriptors in this capture; the rest not learned`);
        break;
      }
      if (bytes.length > MAX_FILE_BYTES) {
        warnings.push(`reflection: a file descriptor of ${bytes.length} bytes not learned (limit ${MAX_FILE_BYTES >> 20} MiB)`);
        continue;
      }
      let proto: descriptor.IFileDescriptorProto;
      try {
        proto = descriptor.FileDescriptorProto.decode(bytes) as unknown as descriptor.IFileDescriptorProto;
      } catch (e) {
        warnings.push(`reflection: a file descriptor that does not parse (${(e as Error).message})`);
        continue;
      }
      const name = typeof proto.name === 'string' && proto.name ? proto.name : `(unnamed ${this.names.size + 1})`;
      if (this.names.has(name)) continue;
      this.names.add(name);
      this.bytes += bytes.length;
      // The well-known types are bundled; a server's copy of them (by their own file names, or
      // @grpc/reflection's google_protobuf.proto) would clash.
      if (WELL_KNOWN.has(name) || proto.package === 'google.protobuf') continue;
      files.push({ name, proto });
      this.count++;
      added.push(name);
    }
    if (files.length) this.integrate(files, warnings);
    if (warnings.length > MAX_WARNINGS) warnings.splice(MAX_WARNINGS, warnings.length - MAX_WARNINGS, `reflection: ${warnings.length - MAX_WARNINGS} more problems with these descriptors`);
    return { added, warnings };
  }

  /** The rpc at this path (`/pkg.Service/Method`) as the learned files define it. */
  lookup(path: string | undefined): { method: ProtoMethodInfo; defs: ProtoDefinitions } | undefined {
    const defs = this.built;
    const method = path ? defs?.methods.get(path) : undefined;
    return defs && method?.requestType ? { method, defs } : undefined;
  }

  /**
   * Add files to the one root (never rebuilt: a capture of many answers interleaved with calls
   * stays linear). The definitions are a new object each time, so that type lookups cached for
   * the previous one (grpc/messages.ts resolverOf) do not keep "not found" for types that came
   * later; its maps are shared.
   */
  private integrate(files: LearnedFile[], warnings: string[]): void {
    let defs = this.built;
    if (defs) defs = { ...defs };
    else {
      const root = new protobuf.Root();
      addWellKnown(root);
      defs = { kind: 'proto', root, methods: new Map(), services: new Map(), messages: new Map(), files: [], warnings: [] };
    }
    const root = defs.root;
    const added: Array<{ obj: protobuf.ReflectionObject; file: string }> = [];
    for (const f of files) {
      const p = f.proto;
      const ctx = { edition: editionOf(p), keepCase: true };
      let ns: protobuf.Namespace = root;
      try {
        if (p.package) ns = root.define(p.package);
      } catch (e) {
        warnings.push(`reflection: ${f.name}: ${(e as Error).message}`);
        continue;
      }
      // One by one: a definition that fails (a clash with one learned before, from another
      // server's version of the package) leaves the rest of its file usable.
      const add = (make: () => protobuf.ReflectionObject) => {
        try {
          const obj = make();
          ns.add(obj);
          added.push({ obj, file: f.name });
        } catch (e) {
          warnings.push(`reflection: ${f.name}: ${(e as Error).message}`);
        }
      };
      for (const m of p.messageType ?? []) add(() => protobuf.Type.fromDescriptor(m, ctx));
      for (const e of p.enumType ?? []) add(() => protobuf.Enum.fromDescriptor(e, ctx));
      for (const svc of p.service ?? []) add(() => protobuf.Service.fromDescriptor(svc, ctx));
      defs.files.push(f.name);
    }
    // Resolve what was added, and what could not be resolved before (a type it uses may have come
    // in this answer: clients ask for a file's dependencies one answer at a time, so a reference
    // that does not resolve yet is no error); bounded, so that answers full of dangling references
    // stay linear. A service that never resolves is not indexed: its calls decode without a schema.
    const retry = this.unresolved.length <= MAX_UNRESOLVED ? this.unresolved : [];
    this.unresolved = [];
    for (const item of [...retry, ...added]) {
      const { obj } = item;
      if (!(obj instanceof protobuf.Type || obj instanceof protobuf.Service)) continue;
      try {
        obj.resolveAll();
      } catch {
        if (this.unresolved.length < MAX_UNRESOLVED * 2) this.unresolved.push(item);
        continue;
      }
      if (obj instanceof protobuf.Service) indexService(defs, obj, () => item.file);
    }
    this.built = defs;
  }
}

/** The protobufjs edition of a file: its syntax, or its edition (FileDescriptorProto.edition). */
export function editionOf(p: descriptor.IFileDescriptorProto): string {
  const syntax = (p as { syntax?: string }).syntax;
  if (syntax === 'proto3') return 'proto3';
  if (syntax === 'editions') {
    const edition = (p as { edition?: number | string }).edition;
    if (edition === 1001 || edition === 'EDITION_2024') return '2024';
    return '2023';
  }
  return 'proto2';
}

/**
 * The answers of one server reflection stream: each answer's file descriptors
 * (ServerReflectionResponse `file_descriptor_response.file_descriptor_proto`, bytes as base64 in
 * the value the protobuf decoder gave) are learned for the capture, which is told (`learned`: a
 * sharded run falls back to one pipeline); the files this stream taught are named on its call.
 */
export class ReflectionAnswers {
  private files: string[] = [];
  constructor(private readonly capture: CaptureScope | undefined) {}

  /** Learn one decoded answer; returns what went wrong (for the message's warnings). */
  learn(value: unknown): string[] {
    const list = (value as { file_descriptor_response?: { file_descriptor_proto?: unknown } } | undefined)?.file_descriptor_response?.file_descriptor_proto;
    const store = Array.isArray(list) && list.length ? LearnedSchemas.of(this.capture, true) : undefined;
    if (!store) return [];
    const protos: Uint8Array[] = [];
    for (const b64 of list as unknown[]) {
      const bytes = typeof b64 === 'string' ? fromBase64(b64) : undefined;
      if (bytes) protos.push(bytes);
    }
    const r = store.add(protos);
    if (r.added.length) {
      this.files.push(...r.added);
      this.capture?.learned('gRPC server reflection');
    }
    return r.warnings;
  }

  /** `protobuf.reflection_files` on the reflection call: the files it taught (the first 20). */
  note(fields: Record<string, string | number | boolean>): void {
    if (!this.files.length) return;
    const shown = this.files.slice(0, 20).join(', ');
    fields['protobuf.reflection_files'] = this.files.length > 20 ? `${shown} (+${this.files.length - 20} more)` : shown;
  }
}

/**
 * The `proto` entry of `env.definitions`: .proto files parsed with protobufjs (no file system:
 * the host hands us the texts), an index of services, rpcs and messages with their source
 * positions (protobufjs keeps none, so the source text is scanned), and load warnings.
 *
 * Imports are resolved across the given files by relative path under any root; the
 * google/protobuf well-known types come from protobufjs's bundled `common` definitions.
 */
import * as protobuf from 'protobufjs';
import { oneByteCopy, oneByteSource } from '../core/bytes';
import type { DefinitionRef } from '../core/model';
import { HttpRuleIndex, httpBindingsOf, type HttpRule } from './http-rules';

export interface SourcePos {
  file: string;
  /** 1-based. */
  line: number;
  column: number;
}

export interface ProtoMethodInfo extends SourcePos {
  /** `pkg.Service` */
  service: string;
  /** `Method` */
  name: string;
  /** `/pkg.Service/Method` */
  path: string;
  requestType: string;
  responseType: string;
  requestStream: boolean;
  responseStream: boolean;
}

export interface ProtoDefinitions {
  kind: 'proto';
  root: protobuf.Root;
  /** Keyed by `/pkg.Service/Method`. */
  methods: Map<string, ProtoMethodInfo>;
  /** Keyed by fully-qualified name without the leading dot. */
  services: Map<string, SourcePos>;
  messages: Map<string, SourcePos>;
  /** The rpcs' `option (google.api.http)` bindings (HTTP/JSON transcoding), when any rpc has one. */
  httpRules?: HttpRuleIndex<ProtoMethodInfo>;
  files: string[];
  warnings: string[];
}

export interface ProtoFile {
  /** Path as the host knows it (absolute or relative to a root); used for imports and positions. */
  path: string;
  text: string;
  /** Directory the import paths are relative to (a --proto root); optional. */
  root?: string;
}

export const WELL_KNOWN = new Set(protobuf.common ? Object.keys(protobuf.common).filter((k) => k.endsWith('.proto')) : []);

/** Imports that only carry options (custom options parse fine without them). */
/**
 * Imports that only carry options (custom options parse fine without them), also under a repository prefix
 * (etcd's `github.com/gogo/protobuf/gogoproto/gogo.proto`, `github.com/envoyproxy/protoc-gen-validate/validate/…`).
 */
const OPTION_ONLY_IMPORTS = /(^|\/)(google\/protobuf\/descriptor\.proto|google\/api\/[^/]+\.proto|validate\/validate\.proto|gogoproto\/gogo\.proto|protoc-gen-openapiv2\/.*|protoc-gen-swagger\/.*)$/;

let wellKnownRoot: protobuf.Root | undefined;

/** Add the bundled google/protobuf types to a root. */
export function addWellKnown(root: protobuf.Root): void {
  for (const name of WELL_KNOWN) {
    const json = protobuf.common.get(name);
    if (json) root.addJSON((json as { nested: Record<string, protobuf.AnyNestedObject> }).nested);
  }
}

export function emptyProtoDefinitions(): ProtoDefinitions {
  return buildProtoDefinitions([]);
}

/** A root with only the well-known types (for decoding without user definitions). */
export function wellKnownTypes(): protobuf.Root {
  if (!wellKnownRoot) {
    wellKnownRoot = new protobuf.Root();
    addWellKnown(wellKnownRoot);
    wellKnownRoot.resolveAll();
  }
  return wellKnownRoot;
}

function normPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/\/+/g, '/');
}

/**
 * Parse the files into one Root and index what they define. Never throws: parse errors,
 * duplicates, unresolved imports and unresolved types become warnings.
 */
export function buildProtoDefinitions(files: ProtoFile[], opts: { maxFiles?: number } = {}): ProtoDefinitions {
  const warnings: string[] = [];
  const root = new protobuf.Root();
  addWellKnown(root);
  const defs: ProtoDefinitions = { kind: 'proto', root, methods: new Map(), services: new Map(), messages: new Map(), files: [], warnings };
  const list = files.slice(0, opts.maxFiles ?? 5000).map((f) => ({ ...f, path: normPath(f.path), root: f.root ? normPath(f.root).replace(/\/$/, '') : undefined }));
  if (files.length > list.length) warnings.push(`only the first ${list.length} of ${files.length} .proto files were loaded`);

  // Import path → file, by every suffix a root could make of it.
  const byRelative = new Map<string, typeof list>();
  for (const f of list) {
    const rel = f.root && f.path.startsWith(f.root + '/') ? f.path.slice(f.root.length + 1) : undefined;
    const keys = new Set<string>();
    if (rel) keys.add(rel);
    const parts = f.path.split('/');
    for (let i = 0; i < parts.length; i++) keys.add(parts.slice(i).join('/'));
    for (const k of keys) {
      const arr = byRelative.get(k) ?? [];
      arr.push(f);
      byRelative.set(k, arr);
    }
  }

  // Parse each file once, dependencies first (depth-first over imports).
  const parsed = new Map<string, 'busy' | 'done' | 'failed'>();
  const definedBy = new Map<string, string>(); // fq name → file
  const parseFile = (f: (typeof list)[number], depth: number): void => {
    if (parsed.has(f.path) || depth > 64) return;
    parsed.set(f.path, 'busy');
    let result: protobuf.IParserResult;
    // Parse into a scratch root first: a duplicate name must not leave half a file in `root`.
    try {
      const scratch = new protobuf.Root();
      result = protobuf.parse(protocSpelling(oneByteSource(f.text)), scratch, { keepCase: true, alternateCommentMode: true });
    } catch (e) {
      warnings.push(`${f.path}: ${(e as Error).message}`);
      parsed.set(f.path, 'failed');
      return;
    }
    for (const imp of [...(result.imports ?? []), ...(result.weakImports ?? [])]) {
      if (WELL_KNOWN.has(imp)) continue;
      let candidates = byRelative.get(normPath(imp));
      if (candidates && candidates.length > 1) {
        // A file beside the importer comes first: etcd's raft_internal.proto imports "rpc.proto", its
        // sibling, compiled with its own folder on the include path, not functional/rpcpb/rpc.proto.
        const dir = f.path.slice(0, f.path.lastIndexOf('/') + 1);
        const beside = candidates.find((c) => c.path === dir + normPath(imp));
        if (beside) candidates = [beside];
      }
      if (!candidates || candidates.length === 0) {
        if (!OPTION_ONLY_IMPORTS.test(imp)) warnings.push(`${f.path}: import "${imp}" not found among the loaded .proto files`);
        continue;
      }
      if (candidates.length > 1) {
        const distinct = new Set(candidates.map((c) => c.text));
        if (distinct.size > 1) warnings.push(`${f.path}: import "${imp}" is ambiguous (${candidates.map((c) => c.path).join(', ')}); using ${candidates[0].path}`);
      }
      parseFile(candidates[0], depth + 1);
    }
    // Check for duplicates before merging.
    const names: string[] = [];
    collectNames(result.root, names);
    const dups = names.filter((n) => definedBy.has(n) && definedBy.get(n) !== f.path);
    if (dups.length) {
      const sameText = list.find((o) => o.path === definedBy.get(dups[0]))?.text === f.text;
      if (!sameText) warnings.push(`${f.path}: ${dups.slice(0, 5).join(', ')}${dups.length > 5 ? '…' : ''} already defined in ${definedBy.get(dups[0])}; this file's definitions are ignored`);
      parsed.set(f.path, 'failed');
      return;
    }
    try {
      protobuf.parse(protocSpelling(oneByteSource(f.text)), root, { keepCase: true, alternateCommentMode: true });
    } catch (e) {
      warnings.push(`${f.path}: ${(e as Error).message}`);
      parsed.set(f.path, 'failed');
      return;
    }
    for (const n of names) definedBy.set(n, f.path);
    parsed.set(f.path, 'done');
    defs.files.push(f.path);
    indexPositions(f.path, f.text, defs);
  };
  // A copy of a well-known type's file (google/protobuf/timestamp.proto vendored beside the user's
  // files, as many repositories do) is the bundled one: not parsed again (its names would clash).
  const bundled = (path: string) => {
    for (const wk of WELL_KNOWN) if (path === wk || path.endsWith('/' + wk)) return true;
    return false;
  };
  for (const f of list) if (!bundled(f.path)) parseFile(f, 0);

  resolveEach(root, (obj, e) => warnings.push(`${definedBy.get(obj.fullName.slice(1)) ?? '?'}: ${e.message}`));
  indexMethods(defs, (svc) => definedBy.get(svc) ?? '');
  return defs;
}

/**
 * Spellings protoc's tokenizer takes and protobufjs's parser does not, rewritten before parsing:
 * a sign is its own token in protoc, so `- 4` is a negative constant as much as `-4` (an enum value
 * `X = - 4;`, `[default = - 1152921504606846976]`), and a hexadecimal literal may start `0X` as well as
 * `0x` (protobuf language spec: hexLit = "0" ("x" | "X") hexDigit…). Comments and strings are left alone;
 * the blanks between a sign and its number move after the number, so lines (and the positions
 * indexPositions reads from the text) stay.
 */
export function protocSpelling(text: string): string {
  if (!/-[ \t\r\n]|0X/.test(text)) return text;
  let out = '';
  let last = 0;
  const n = text.length;
  const identChar = (ch: string | undefined) => ch !== undefined && /[0-9A-Za-z_.]/.test(ch);
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 1;
    } else if (c === '"' || c === "'") {
      for (i++; i < n && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '0' && text[i + 1] === 'X' && !identChar(text[i - 1])) {
      out += text.slice(last, i) + '0x';
      last = i + 2;
      i++;
    } else if (c === '-' && !identChar(text[i - 1])) {
      let j = i + 1;
      while (j < n && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r' || text[j] === '\n')) j++;
      if (j === i + 1 || !/^([0-9.]|inf|nan)/i.test(text.slice(j, j + 3))) continue;
      let k = j;
      while (k < n && identChar(text[k])) k++;
      out += text.slice(last, i + 1) + text.slice(j, k).replace(/^0X/, '0x') + text.slice(i + 1, j);
      last = k;
      i = k - 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Resolve types and services one by one, so that one bad reference does not hide the rest. */
export function resolveEach(ns: protobuf.NamespaceBase, failed: (obj: protobuf.ReflectionObject, e: Error) => void): void {
  for (const obj of ns.nestedArray) {
    try {
      if (obj instanceof protobuf.Type || obj instanceof protobuf.Service) obj.resolveAll();
    } catch (e) {
      failed(obj, e as Error);
    }
    if (obj instanceof protobuf.Namespace) resolveEach(obj, failed);
  }
}

/**
 * Index the rpcs of every service under `defs.root` by path (`/pkg.Service/Method`), at the
 * position the source scan found (indexPositions), else the service's, else `fileOf`'s file.
 */
export function indexMethods(defs: ProtoDefinitions, fileOf: (service: string) => string, ns: protobuf.NamespaceBase = defs.root): void {
  for (const obj of ns.nestedArray) {
    if (obj instanceof protobuf.Service) indexService(defs, obj, fileOf);
    if (obj instanceof protobuf.Namespace || obj instanceof protobuf.Type) indexMethods(defs, fileOf, obj);
  }
}

/** Index one service's rpcs (see indexMethods). */
export function indexService(defs: ProtoDefinitions, obj: protobuf.Service, fileOf: (service: string) => string): void {
  // These names go into every call's JSON line, so they must be one-byte strings (see
  // oneByteCopy). A name sliced from the text (m.name) is, the text being parsed through
  // oneByteSource, and so is `path`, made of one-byte parts; a protobufjs fullName is not
  // always (two-byte even then, as the one-byte test shows): those are copied.
  const svc = oneByteCopy(obj.fullName.slice(1));
  for (const m of obj.methodsArray) {
    const path = `/${svc}/${m.name}`;
    const pos = defs.methods.get(path);
    const info: ProtoMethodInfo = {
      service: svc,
      name: m.name,
      path,
      requestType: oneByteCopy((m.resolvedRequestType?.fullName ?? m.requestType).replace(/^\./, '')),
      responseType: oneByteCopy((m.resolvedResponseType?.fullName ?? m.responseType).replace(/^\./, '')),
      requestStream: !!m.requestStream,
      responseStream: !!m.responseStream,
      file: pos?.file ?? defs.services.get(svc)?.file ?? fileOf(svc),
      line: pos?.line ?? defs.services.get(svc)?.line ?? 1,
      column: pos?.column ?? defs.services.get(svc)?.column ?? 1,
    };
    defs.methods.set(path, info);
    for (const b of httpBindingsOf(m)) {
      defs.httpRules ??= new HttpRuleIndex();
      if (!defs.httpRules.add(b, info)) defs.warnings.push(`${info.file}:${info.line}: rpc ${svc}.${m.name}: google.api.http ${b.verb.toLowerCase()} "${b.template.slice(0, 200)}" is not a path template (google/api/http.proto); ignored`);
    }
  }
}

/** Where a call to this rpc is defined (the `definition` of gRPC, Connect and transcoded HTTP calls). */
export function rpcRef(m: ProtoMethodInfo): DefinitionRef {
  return { kind: 'proto-rpc', name: `${m.service}.${m.name}`, file: m.file, line: m.line, column: m.column };
}

/**
 * The rpc an HTTP request is transcoded to (grpc-gateway, Envoy's JSON transcoder): the most specific
 * `google.api.http` binding matching its method and path. `uri` is the request target as sent.
 */
export function matchHttpRule(defs: ProtoDefinitions | undefined, method: string | undefined, uri: string | undefined): HttpRule<ProtoMethodInfo> | undefined {
  return defs?.httpRules?.match(method, uri);
}

function collectNames(ns: protobuf.NamespaceBase, out: string[]): void {
  for (const obj of ns.nestedArray) {
    if (obj instanceof protobuf.Type || obj instanceof protobuf.Service || obj instanceof protobuf.Enum) out.push(obj.fullName.slice(1));
    if (obj instanceof protobuf.Namespace || obj instanceof protobuf.Type) collectNames(obj, out);
  }
}

/**
 * Find `message`, `enum`, `service` and `rpc` declarations in the source, with their scopes,
 * skipping comments and strings. Records positions under fully-qualified names; rpc positions
 * are stored as placeholder method entries (filled in by buildProtoDefinitions).
 */
export function indexPositions(file: string, text: string, defs: ProtoDefinitions): void {
  const tokens = tokenize(text);
  let pkg = '';
  const scope: Array<{ name: string | undefined; kind: string }> = [];
  const prefix = () => {
    const names = scope.map((s) => s.name).filter((n): n is string => !!n);
    return [pkg, ...names].filter(Boolean).join('.');
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === 'package' && scope.length === 0 && tokens[i + 1]) {
      pkg = tokens[i + 1].text;
      continue;
    }
    if ((t.text === 'message' || t.text === 'service' || t.text === 'enum') && tokens[i + 1] && tokens[i + 2]?.text === '{') {
      const name = tokens[i + 1].text;
      const full = prefix() ? `${prefix()}.${name}` : name;
      const pos = { file, line: t.line, column: t.column };
      if (t.text === 'service') {
        if (defs.services.has(full)) defs.warnings.push(`${file}:${t.line}: service ${full} defined twice`);
        else defs.services.set(full, pos);
      } else if (!defs.messages.has(full)) defs.messages.set(full, pos);
      scope.push({ name, kind: t.text });
      i += 2;
      continue;
    }
    if (t.text === 'rpc' && tokens[i + 1] && scope.length && scope[scope.length - 1].kind === 'service') {
      const svc = prefix();
      const name = tokens[i + 1].text;
      const path = `/${svc}/${name}`;
      defs.methods.set(path, { service: svc, name, path, requestType: '', responseType: '', requestStream: false, responseStream: false, file, line: t.line, column: t.column });
      continue;
    }
    if (t.text === '{') scope.push({ name: undefined, kind: 'block' });
    else if (t.text === '}') scope.pop();
  }
}

interface Tok {
  text: string;
  line: number;
  column: number;
}

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  const n = text.length;
  const adv = (k: number) => {
    for (let j = 0; j < k && i < n; j++, i++) {
      if (text[i] === '\n') line++, (col = 1);
      else col++;
    }
  };
  while (i < n) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') adv(1);
    } else if (c === '/' && text[i + 1] === '*') {
      adv(2);
      while (i < n && !(text[i] === '*' && text[i + 1] === '/')) adv(1);
      adv(2);
    } else if (c === '"' || c === "'") {
      adv(1);
      while (i < n && text[i] !== c) adv(text[i] === '\\' ? 2 : 1);
      adv(1);
    } else if (/[A-Za-z_.]/.test(c)) {
      const l = line;
      const co = col;
      let s = '';
      while (i < n && /[A-Za-z0-9_.]/.test(text[i])) (s += text[i]), adv(1);
      out.push({ text: s, line: l, column: co });
    } else if (c === '{' || c === '}') {
      out.push({ text: c, line, column: col });
      adv(1);
    } else adv(1);
  }
  return out;
}

/** Look up an rpc by its HTTP/2 path (`/pkg.Service/Method`). */
export function lookupMethod(defs: ProtoDefinitions | undefined, path: string | undefined): ProtoMethodInfo | undefined {
  if (!defs || !path) return undefined;
  const m = defs.methods.get(path);
  return m && m.requestType ? m : undefined;
}

/** The protobuf entry from env.definitions, if the host loaded one. */
export function protoDefinitionsOf(definitions: Record<string, unknown> | undefined): ProtoDefinitions | undefined {
  const d = definitions?.proto as ProtoDefinitions | undefined;
  return d && d.kind === 'proto' ? d : undefined;
}

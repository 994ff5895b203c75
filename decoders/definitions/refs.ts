/**
 * External `$ref`s of an OpenAPI or AsyncAPI document split across files (`$ref: './paths/persons.yaml'`,
 * `schemas/Person.yaml`, `../common.yaml#/components/schemas/Error`): bundled in memory. Each file
 * a ref names is read once (through the injected `readText`: no file system here), parsed with
 * positions, and put whole into the root's data under EXTERNAL_KEY (`[EXTERNAL_KEY][i]`); every
 * ref is rewritten to a local pointer (`#/x-callscope-files/3/components/schemas/Error`, refs
 * inside a file resolved against that file, a ref back into the root to `#/…`). Everything that
 * follows local refs — the operation index, ajv — then works across files, and `locate` turns a
 * pointer into the file and line where it is written.
 *
 * Bounded: files per document, nesting depth (a file reached through how many others), each
 * file's size and the total, nodes visited. `http(s)://` refs are not fetched (a note). A missing,
 * unreadable or unparsable file, a fragment that is not there, or a cycle of refs that only refer
 * to each other is a problem at the `$ref` that names it, and the ref is dropped (the rest of the
 * document works). Files referring to each other (a schema recursive across files) are fine: each
 * file is read once. Pure.
 */
import { parseSource, ptr, type Pos, type SourceDoc } from './source';

/** The private key of the root data holding the referenced files' data. */
export const EXTERNAL_KEY = 'x-callscope-files';

/**
 * Reads a referenced file by its path (resolved against the referring file, with its separators):
 * its text, undefined when there is no such file, or why it cannot be read.
 */
export type ReadText = (path: string) => string | { error: string } | undefined;

export interface RefOptions {
  readText?: ReadText;
  /** Referenced files per document (200). */
  maxFiles?: number;
  /** How deep a chain of files referring to files goes (16). */
  maxDepth?: number;
  /** Bytes (characters) per referenced file (4 MiB). */
  maxFileBytes?: number;
  /** Bytes of all the referenced files of a document (32 MiB). */
  maxTotalBytes?: number;
}

export const MAX_REF_FILES = 200;
export const MAX_REF_DEPTH = 16;
const MAX_FILE_BYTES = 4 << 20;
const MAX_TOTAL_BYTES = 32 << 20;
const MAX_NODES = 2_000_000;
const MAX_PROBLEMS = 100;

/** A problem of a definition document, where it is written (the `$ref` that names a missing file…). */
export interface DefinitionProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  /** 'info' for a note (an http ref not fetched), 'warning' for something broken. */
  severity: 'warning' | 'info';
}

/** The warnings among a document's problems as `file:line: message`, for its `errors`. */
export function warningLines(problems: readonly DefinitionProblem[]): string[] {
  return problems.filter((p) => p.severity === 'warning').map((p) => `${p.file}:${p.line}: ${p.message}`);
}

export interface Located extends Pos {
  file: string;
}

export interface Bundled {
  /** The root's data, refs rewritten to local pointers, the referenced files under EXTERNAL_KEY. */
  data: Record<string, unknown>;
  /** Where the node at a path of `data` (['paths', '/persons', 'get'], [EXTERNAL_KEY, '0', 'get']) is written. */
  locate(path: readonly string[]): Located | undefined;
  /** The referenced files read (those a change to should re-parse the document), in order. */
  files: string[];
  problems: DefinitionProblem[];
}

/** A path's separator: backslash for a Windows path without a slash. */
function sepOf(p: string): string {
  return p.includes('\\') && !p.includes('/') ? '\\' : '/';
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[a-z]:[\\/]/i.test(p);
}

/** `from`'s folder joined with `rel` (or `rel` when absolute), `.` and `..` resolved. */
export function resolveRefPath(from: string, rel: string): string {
  const sep = sepOf(from);
  const base = isAbsolute(rel) ? [] : from.split(/[\\/]/).slice(0, -1);
  const out: string[] = [];
  for (const [i, seg] of [...base, ...rel.split(/[\\/]/)].entries()) {
    if (seg === '..') {
      if (out.length > 1 || (out.length === 1 && out[0] !== '' && !/^[a-z]:$/i.test(out[0]))) out.pop();
    } else if (seg === '.' || (seg === '' && i > 0)) continue;
    else out.push(seg);
  }
  const joined = out.join(sep);
  return joined === '' && isAbsolute(from) ? sep : joined;
}

/** The same file? (case-insensitive for a Windows path) */
function pathKey(p: string): string {
  return sepOf(p) === '\\' ? p.toLowerCase() : p;
}

function pointerSegments(fragment: string): string[] | undefined {
  if (fragment === '' || fragment === '/') return [];
  if (!fragment.startsWith('/')) return undefined;
  return fragment
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function at(data: unknown, segs: readonly string[]): unknown {
  let node = data;
  for (const k of segs) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}

function decodePath(p: string): string {
  let out = p;
  if (/^file:\/\//i.test(out)) out = out.replace(/^file:\/\/(localhost)?/i, '').replace(/^\/([a-z]:)/i, '$1');
  try {
    return decodeURIComponent(out);
  } catch {
    return out;
  }
}

interface Visit {
  node: unknown;
  key: string;
  parent?: Visit;
}

function pathOf(v: Visit): string[] {
  const out: string[] = [];
  for (let x: Visit | undefined = v; x?.parent; x = x.parent) out.push(x.key);
  return out.reverse();
}

/** Bundle a parsed root document's external refs (see the top of this file). Mutates `src.data`. */
export function bundleRefs(file: string, src: SourceDoc, opts: RefOptions = {}): Bundled {
  const maxFiles = opts.maxFiles ?? MAX_REF_FILES;
  const maxDepth = opts.maxDepth ?? MAX_REF_DEPTH;
  const maxFileBytes = opts.maxFileBytes ?? MAX_FILE_BYTES;
  const maxTotalBytes = opts.maxTotalBytes ?? MAX_TOTAL_BYTES;
  const data = src.data;
  const files: Array<{ path: string; src: SourceDoc; depth: number }> = [];
  /** Resolved path → its index in `files`, -1 for the root, or the problem it had. */
  const known = new Map<string, number | string>();
  const problems: DefinitionProblem[] = [];
  const reported = new Set<string>();
  let total = 0;
  let nodes = 0;
  /** Objects with a local $ref (rewritten or the root's own), with the ref as written (for the cycle check). */
  const rewritten: Array<{ obj: Record<string, unknown>; owner: number; visit: Visit; written: string }> = [];
  const ownerOf = new WeakMap<object, number>();

  const srcOf = (owner: number) => (owner < 0 ? src : files[owner].src);
  const fileOf = (owner: number) => (owner < 0 ? file : files[owner].path);
  const problem = (owner: number, visit: Visit | undefined, message: string, severity: DefinitionProblem['severity'] = 'warning', once?: string) => {
    if (once !== undefined) {
      if (reported.has(once)) return;
      reported.add(once);
    }
    if (problems.length >= MAX_PROBLEMS) return;
    const segs = visit ? pathOf(visit) : [];
    const pos = srcOf(owner).posOf(visit ? [...segs, '$ref'] : []) ?? srcOf(owner).posOf(segs) ?? { line: 1, column: 1 };
    problems.push({ file: fileOf(owner), line: pos.line, column: pos.column, message, severity });
  };
  const localOf = (target: number, segs: readonly string[]) => pointerOf(target < 0 ? segs : [EXTERNAL_KEY, String(target), ...segs]);

  /** The index of a referenced file, reading it the first time; a string: why it cannot be used. */
  const load = (path: string, depth: number): number | string => {
    const key = pathKey(path);
    if (key === pathKey(file)) return -1;
    const seen = known.get(key);
    if (seen !== undefined) return seen;
    let result: number | string;
    let text: ReturnType<ReadText>;
    if (depth <= maxDepth && files.length < maxFiles) {
      try {
        text = opts.readText?.(path);
      } catch (e) {
        text = { error: e instanceof Error ? e.message : String(e) };
      }
    }
    if (depth > maxDepth) result = `referenced through more than ${maxDepth} files: not followed`;
    else if (files.length >= maxFiles) result = `more than ${maxFiles} referenced files: not read`;
    else if (!opts.readText) result = 'not read (no file access here)';
    else if (text === undefined) result = 'file not found';
    else if (typeof text !== 'string') result = text.error;
    else if (text.length > maxFileBytes) result = `larger than ${maxFileBytes} bytes: not read`;
    else if (total + text.length > maxTotalBytes) result = `the referenced files exceed ${maxTotalBytes} bytes in total: not read`;
    else {
      const parsed = parseSource(text);
      if (!parsed) result = 'not a YAML or JSON mapping';
      else {
        total += text.length;
        result = files.length;
        files.push({ path, src: parsed, depth });
        if (parsed.errors.length) problem(result, undefined, `${parsed.errors[0]}${parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more YAML errors)` : ''}`);
      }
    }
    known.set(key, result);
    return result;
  };

  /** Rewrite the refs of one file's data (the root: owner -1). */
  const walk = (owner: number): void => {
    const ownerFile = fileOf(owner);
    const depth = owner < 0 ? 0 : files[owner].depth;
    const seen = new WeakSet<object>();
    const stack: Visit[] = [{ node: srcOf(owner).data, key: '' }];
    while (stack.length) {
      const v = stack.pop()!;
      const node = v.node;
      if (!node || typeof node !== 'object' || seen.has(node)) continue;
      seen.add(node);
      if (++nodes > MAX_NODES) {
        problem(owner, undefined, `more than ${MAX_NODES} nodes across the referenced files: the rest of the refs are not followed`, 'warning', 'nodes');
        return;
      }
      if (Array.isArray(node)) {
        for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i], key: String(i), parent: v });
        continue;
      }
      const obj = node as Record<string, unknown>;
      // (in the order written; the root's own files are walked on their own, not as part of the root)
      const entries = Object.entries(obj);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i];
        if (x && typeof x === 'object' && !(owner < 0 && !v.parent && k === EXTERNAL_KEY)) stack.push({ node: x, key: k, parent: v });
      }
      const ref = obj.$ref;
      if (typeof ref !== 'string') continue;
      const hash = ref.indexOf('#');
      const pathPart = hash < 0 ? ref : ref.slice(0, hash);
      const fragment = hash < 0 ? '' : ref.slice(hash + 1);
      const segs = pointerSegments(fragment);
      if (pathPart === '') {
        // A local ref: inside a referenced file, local to that file.
        if (segs) {
          if (owner >= 0) obj.$ref = localOf(owner, segs);
          rewritten.push({ obj, owner, visit: v, written: ref });
          ownerOf.set(obj, owner);
        }
        continue;
      }
      if (/^[a-z][a-z0-9+.-]+:/i.test(pathPart) && !/^file:/i.test(pathPart)) {
        problem(owner, v, `$ref ${ref}: not fetched (callscope reads no network); what it names is not indexed or checked`, 'info', `url ${owner} ${pathPart}`);
        delete obj.$ref;
        continue;
      }
      const target = resolveRefPath(ownerFile, decodePath(pathPart));
      const idx = segs ? load(target, depth + 1) : `"${fragment}" is not a JSON pointer`;
      if (typeof idx === 'string') {
        problem(owner, v, `$ref ${ref}: ${idx} (${target})`, 'warning', `${owner} ${target} ${idx}`);
        delete obj.$ref;
        continue;
      }
      if (at(idx < 0 ? data : files[idx].src.data, segs!) === undefined) {
        problem(owner, v, `$ref ${ref}: no #${fragment} in ${target}`, 'warning', `${owner} ${ref}`);
        delete obj.$ref;
        continue;
      }
      obj.$ref = localOf(idx, segs!);
      rewritten.push({ obj, owner, visit: v, written: ref });
      ownerOf.set(obj, owner);
    }
  };

  walk(-1);
  for (let i = 0; i < files.length; i++) walk(i);
  if (files.length) data[EXTERNAL_KEY] = files.map((f) => f.src.data);

  // Refs that only lead to each other (a.yaml is `$ref: b.yaml`, b.yaml is `$ref: a.yaml`): no
  // schema and no operation at the end; dropped so that nothing follows them round.
  const resolving = (o: unknown): Record<string, unknown> | undefined => {
    const r = o && typeof o === 'object' ? (o as { $ref?: unknown }).$ref : undefined;
    if (typeof r !== 'string' || !r.startsWith('#')) return undefined;
    const segs = pointerSegments(r.slice(1));
    const t = segs && at(data, segs);
    return t && typeof t === 'object' && !Array.isArray(t) ? (t as Record<string, unknown>) : undefined;
  };
  const clear = new WeakSet<object>();
  for (const r of rewritten) {
    const chain: object[] = [];
    let o: Record<string, unknown> | undefined = r.obj;
    while (o && typeof o.$ref === 'string' && !clear.has(o) && !chain.includes(o) && chain.length < 64) {
      chain.push(o);
      o = resolving(o);
    }
    if (o && chain.includes(o)) {
      // (reported where it was entered; the ref that closes the cycle is dropped, so that every way in ends)
      const round = chain.slice(chain.indexOf(o)).map((x) => fileOf(ownerOf.get(x) ?? -1).split(/[\\/]/).pop());
      problem(r.owner, r.visit, `$ref ${r.written}: leads round a cycle of refs that only refer to each other (${[...round, round[0]].join(' → ')}): nothing at its end`, 'warning');
      delete o.$ref;
    }
    for (const c of chain) clear.add(c);
  }

  return {
    data,
    files: files.map((f) => f.path),
    problems,
    locate(path) {
      if (path[0] === EXTERNAL_KEY && path.length >= 2) {
        const f = files[Number(path[1])];
        if (!f) return undefined;
        const pos = f.src.posOf(path.slice(2));
        return pos && { file: f.path, ...pos };
      }
      const pos = src.posOf(path);
      return pos && { file, ...pos };
    },
  };
}

/**
 * Follow local `$ref`s from a node at `path`: the node they end at and its path (where it is
 * written, what a JSON pointer to it is). Undefined for a ref that goes nowhere.
 */
export function followRefs<T = Record<string, unknown>>(data: unknown, node: unknown, path: readonly string[]): { node: T; path: string[] } | undefined {
  let n = node;
  let p = [...path];
  for (let i = 0; i < 16; i++) {
    if (!n || typeof n !== 'object') return undefined;
    const ref = (n as { $ref?: unknown }).$ref;
    if (typeof ref !== 'string') return { node: n as T, path: p };
    const segs = ref.startsWith('#') ? pointerSegments(ref.slice(1)) : undefined;
    if (!segs) return undefined;
    p = segs;
    n = at(data, segs);
  }
  return undefined;
}

/** A path as a JSON pointer (`#/paths/~1persons/get`). */
export function pointerOf(path: readonly string[]): string {
  return '#' + path.map((s) => '/' + ptr(s)).join('');
}

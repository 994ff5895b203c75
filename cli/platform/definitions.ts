/**
 * Definitions loading on the host (Node): finds definition files beside the capture (recursive,
 * skipping node_modules and dot-folders, bounded) and under `--proto` roots, and hands their
 * texts to the pure builders in decoders/ (which never touch the file system).
 *
 * Extensible: each kind of definition is a `DefinitionLoader` in LOADERS (file extension,
 * builder). Add Thrift IDL, WSDL… by appending a loader.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Definitions } from '../../decoders/core/env';
import { buildProtoDefinitions } from '../../decoders/protobuf/definitions';
import { buildThriftDefinitions } from '../../decoders/thrift/idl';
import { buildWsdlDefinitions } from '../../decoders/soap/wsdl';
import { buildGraphqlDefinitions } from '../../decoders/graphql/schema';
import { buildAvroDefinitions } from '../../decoders/avro/definitions';

export interface DefinitionFile {
  /** Absolute path. */
  path: string;
  /** The root it was found under (capture folder or a --proto dir). */
  root: string;
  text: string;
}

export interface DefinitionLoader {
  /** Key in env.definitions ('proto', 'thrift', 'wsdl'…). */
  kind: string;
  /** File name suffixes this loader reads ('.proto'). */
  extensions: string[];
  /** Build the entry from the files found; return it with its warnings. */
  build(files: DefinitionFile[]): { entry: unknown; warnings: string[] };
}

export const LOADERS: DefinitionLoader[] = [
  {
    kind: 'proto',
    extensions: ['.proto'],
    build(files) {
      const defs = buildProtoDefinitions(files.map((f) => ({ path: f.path, text: f.text, root: f.root })));
      return { entry: defs, warnings: defs.warnings };
    },
  },
  {
    kind: 'thrift',
    extensions: ['.thrift'],
    build(files) {
      const defs = buildThriftDefinitions(files.map((f) => ({ path: f.path, text: f.text })));
      return { entry: defs, warnings: defs.warnings };
    },
  },
  {
    kind: 'graphql',
    extensions: ['.graphql', '.graphqls', '.gql'],
    build(files) {
      const defs = buildGraphqlDefinitions(files.map((f) => ({ path: f.path, text: f.text })));
      return { entry: defs, warnings: defs.warnings };
    },
  },
  {
    // Avro schemas: candidates for Kafka values framed with a schema id the capture did not teach.
    kind: 'avro',
    extensions: ['.avsc'],
    build(files) {
      const defs = buildAvroDefinitions(files.map((f) => ({ path: f.path, text: f.text })));
      return { entry: defs, warnings: defs.warnings };
    },
  },
  {
    kind: 'wsdl',
    // (.xsd: the schemas a WSDL imports, typing its messages)
    extensions: ['.wsdl', '.xsd'],
    build(files) {
      const defs = buildWsdlDefinitions(files.map((f) => ({ path: f.path, text: f.text })));
      return { entry: defs, warnings: defs.warnings };
    },
  },
];

const MAX_FILES = 2000;
const MAX_FILE_BYTES = 2 << 20;
const MAX_TOTAL_BYTES = 64 << 20;
const MAX_DEPTH = 12;
const MAX_DIRS = 5000;

interface Found {
  path: string;
  root: string;
}

async function walk(root: string, exts: string[], out: Found[], warnings: string[], budget: { dirs: number }): Promise<void> {
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
    if (--budget.dirs < 0) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (depth === 0) warnings.push(`cannot read ${dir}: ${(e as Error).message}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await visit(p, depth + 1);
      else if (e.isFile() && exts.some((x) => e.name.endsWith(x))) {
        if (out.length >= MAX_FILES) {
          warnings.push(`more than ${MAX_FILES} definition files under ${root}: the rest are ignored`);
          return;
        }
        out.push({ path: p, root });
      }
    }
  };
  await visit(root, 0);
}

/**
 * Load definitions for an analysis: files under the capture's folder (auto-discovery) and under
 * each `protoDirs` root. Never throws for bad files: they become warnings.
 */
export async function loadDefinitions(opts: { captureFile?: string; protoDirs?: string[] }): Promise<{ definitions: Definitions; warnings: string[]; files: string[] }> {
  const warnings: string[] = [];
  const definitions: Definitions = {};
  const roots: string[] = [];
  for (const d of opts.protoDirs ?? []) {
    const abs = path.resolve(d);
    try {
      const st = await fs.stat(abs);
      if (!st.isDirectory()) {
        warnings.push(`--proto ${d}: not a directory`);
        continue;
      }
    } catch {
      warnings.push(`--proto ${d}: not found`);
      continue;
    }
    roots.push(abs);
  }
  if (opts.captureFile) roots.push(path.dirname(path.resolve(opts.captureFile)));
  const allFiles: string[] = [];
  for (const loader of LOADERS) {
    const found: Found[] = [];
    const seen = new Set<string>();
    const budget = { dirs: MAX_DIRS };
    for (const root of roots) {
      const part: Found[] = [];
      await walk(root, loader.extensions, part, warnings, budget);
      for (const f of part) {
        if (seen.has(f.path)) continue; // a file under two roots: keep the first (explicit roots first)
        seen.add(f.path);
        found.push(f);
      }
    }
    if (!found.length) continue;
    const files: DefinitionFile[] = [];
    let total = 0;
    for (const f of found) {
      try {
        const st = await fs.stat(f.path);
        if (st.size > MAX_FILE_BYTES) {
          warnings.push(`${f.path}: larger than ${MAX_FILE_BYTES} bytes, skipped`);
          continue;
        }
        if (total + st.size > MAX_TOTAL_BYTES) {
          warnings.push(`definition files exceed ${MAX_TOTAL_BYTES} bytes in total: the rest are skipped`);
          break;
        }
        total += st.size;
        files.push({ path: f.path, root: f.root, text: await fs.readFile(f.path, 'utf8') });
      } catch (e) {
        warnings.push(`${f.path}: ${(e as Error).message}`);
      }
    }
    try {
      const r = loader.build(files);
      definitions[loader.kind] = r.entry;
      warnings.push(...r.warnings);
    } catch (e) {
      warnings.push(`${loader.kind} definitions: ${(e as Error).message}`);
    }
    allFiles.push(...files.map((f) => f.path));
  }
  return { definitions, warnings, files: allFiles };
}

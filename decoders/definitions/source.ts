/**
 * YAML/JSON definition sources with positions: one parser (YAML 1.2 reads JSON too) that keeps
 * where each key was written, so Go to Definition lands on the operation or channel line.
 */
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Document, type YAMLMap } from 'yaml';

export interface Pos {
  /** 1-based */
  line: number;
  column: number;
}

export interface SourceDoc {
  /** The document as plain data. */
  data: Record<string, unknown>;
  /**
   * Position of the key at a JSON pointer-like path ['paths', '/persons', 'get'] (the key's own
   * line; a list item's start for an index); [] is the document's first key.
   */
  posOf(path: readonly string[]): Pos | undefined;
  errors: string[];
}

/** Parse YAML or JSON text; undefined when it is not a mapping at the top. */
export function parseSource(text: string): SourceDoc | undefined {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch {
    return undefined;
  }
  if (!isMap(doc.contents)) return undefined;
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const root = doc.contents as YAMLMap;
  return {
    data: data as Record<string, unknown>,
    errors: doc.errors.map((e) => e.message),
    posOf(path) {
      let node: unknown = root;
      let offset: number | undefined = root.items[0] && isScalar(root.items[0].key) ? root.items[0].key.range?.[0] : undefined;
      if (!path.length && offset === undefined) return { line: 1, column: 1 };
      for (const k of path) {
        if (isSeq(node)) {
          const item = /^\d+$/.test(k) ? node.items[Number(k)] : undefined;
          if (!item) return undefined;
          offset = (item as { range?: [number, number, number] }).range?.[0];
          node = item;
          continue;
        }
        if (!isMap(node)) return undefined;
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === k);
        if (!pair) return undefined;
        offset = isScalar(pair.key) && pair.key.range ? pair.key.range[0] : undefined;
        node = pair.value;
      }
      if (offset === undefined) return undefined;
      const lp = lineCounter.linePos(offset);
      return { line: lp.line, column: lp.col };
    },
  };
}

/** Quick check before parsing: does the text declare one of these top-level keys? */
export function declaresKey(text: string, keys: readonly string[]): string | undefined {
  const head = text.slice(0, 64 * 1024);
  for (const k of keys) {
    const re = new RegExp(`(^|[\\n{,])\\s*["']?${k}["']?\\s*:`, 'm');
    if (re.test(head)) return k;
  }
  return undefined;
}

/** Resolve a local `$ref` ("#/components/schemas/X") in a document. */
export function resolveRef(data: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = data;
  for (const raw of ref.slice(2).split('/')) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}

/** JSON pointer escaping of one segment. */
export function ptr(seg: string): string {
  return seg.replace(/~/g, '~0').replace(/\//g, '~1');
}

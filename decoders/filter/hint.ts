/**
 * "Did you mean…?" for filter field names. The filter language accepts any dotted field name
 * (decoders add their own: `http.status`, `mqtt.topic`…), so a typo such as `http.stauts == 200`
 * parses and silently matches nothing. Once the capture is decoded the host says which field
 * names its calls have; a name that is neither built in, nor a field the language documents, nor
 * one of those, is worth a warning naming the closest known name. Pure: unit-tested; the editor's filter bar and the CLI's --filter use it.
 */
import { FILTER_FIELDS, isBuiltinField, parseFilter, type FilterNode } from './index';

export interface FieldHint {
  field: string;
  /** Where the name is in the filter text (end exclusive). */
  start: number;
  end: number;
  /** The closest known field name, if one is close enough. */
  suggestion?: string;
  message: string;
}

/** Edit distance counting a swap of two neighbouring letters as one edit (stauts → status: 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known name closest to `name`: a few edits away, or one it is the beginning of (`dur` → `duration`). */
export function closestField(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    if (k === name) return k;
    const kl = k.toLowerCase();
    // Case only, then a prefix of a longer name, then a few edits (more for longer names).
    const score = kl === lower ? 0 : lower.length >= 2 && kl.startsWith(lower) ? 0.5 + (k.length - name.length) / 100 : editDistance(lower, kl);
    if (score < bestScore || (score === bestScore && best !== undefined && k < best)) {
      best = k;
      bestScore = score;
    }
  }
  return best !== undefined && bestScore <= Math.max(1, Math.floor(name.length / 4)) ? best : undefined;
}

function fieldsOf(node: FilterNode | null, out: Array<{ field: string; start: number }>): Array<{ field: string; start: number }> {
  if (!node) return out;
  switch (node.type) {
    case 'and':
    case 'or':
      fieldsOf(node.left, out);
      fieldsOf(node.right, out);
      break;
    case 'not':
      fieldsOf(node.operand, out);
      break;
    default:
      out.push({ field: node.field, start: node.start });
  }
  return out;
}

/** The most names the host lists; with that many the list may be partial, so no warning is given. */
export const FIELD_NAMES_CAP = 500;

/**
 * A warning for the first field name the capture's calls do not have and the language does not
 * know, or undefined. `captureFields` are the names the host reported once decoding finished
 * (undefined before: no warning then, the calls still coming may have the field).
 */
export function unknownFieldHint(text: string, captureFields: readonly string[] | undefined): FieldHint | undefined {
  if (!captureFields || captureFields.length >= FIELD_NAMES_CAP) return undefined;
  const r = parseFilter(text);
  if (!r.ok) return undefined;
  const documented = FILTER_FIELDS.map((f) => f.name);
  const known = new Set([...documented, ...captureFields]);
  for (const { field, start } of fieldsOf(r.node, [])) {
    if (isBuiltinField(field) || known.has(field)) continue;
    const suggestion = closestField(field, known);
    return { field, start, end: start + field.length, suggestion, message: `no call in this capture has a field '${field}'${suggestion ? ` — did you mean ${suggestion}?` : ''}` };
  }
  return undefined;
}

/** The parser's "unknown field 'dur': …" with the built-in field it was likely meant to be. */
export function withSuggestion(message: string): string {
  const m = /^unknown field '([^']+)'/.exec(message);
  if (!m) return message;
  const suggestion = closestField(m[1], FILTER_FIELDS.map((f) => f.name).filter((n) => isBuiltinField(n)));
  return suggestion ? `unknown field '${m[1]}' — did you mean ${suggestion}? (${message.slice(m[0].length).replace(/^:\s*/, '')})` : message;
}

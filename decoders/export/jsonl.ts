/**
 * JSON Lines export: one call per line, the call model as it is (plain data), so `jq` and the
 * golden tests read the same thing the UI shows.
 */
import type { Call } from '../core/model';

/**
 * One line (no trailing newline) for a call. Bigints, if any decoder kept one, become strings.
 * `ranges` (offsets into the editor's reassembled streams, meaningless outside it) is left out:
 * 8% of an HTTP call's line.
 */
export function callToJsonLine(c: Call): string {
  const ranges = c.ranges;
  // (set aside and put back, not deleted: a deleted property would make the object slower to print)
  if (ranges) c.ranges = undefined;
  try {
    // The fast path: a replacer function makes stringify several times slower.
    return JSON.stringify(c);
  } catch {
    return JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } finally {
    if (ranges) c.ranges = ranges;
  }
}

/** All calls as JSON Lines, each line ending in `\n`. */
export function toJsonl(calls: Iterable<Call>): string {
  let out = '';
  for (const c of calls) out += callToJsonLine(c) + '\n';
  return out;
}

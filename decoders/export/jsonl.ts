/**
 * JSON Lines export: one call per line, the call model as it is (plain data), so `jq` and the
 * golden tests read the same thing the UI shows.
 */
import type { Body, Call } from '../core/model';
import { verbatimJson } from '../http-common/body';

/**
 * Stand-ins for JSON bodies printed as sent (http-common/body verbatimJson): a string no capture can hold
 * (a per-process nonce between U+0001 characters), as JSON.stringify prints it.
 */
const NONCE = Math.random().toString(36).slice(2, 12);
const STAND_INS = [0, 1, 2, 3].map((i) => `\u0001callscope-${NONCE}-${i}\u0001`);
const STAND_IN_TEXTS = STAND_INS.map((s) => JSON.stringify(s));

/**
 * One line (no trailing newline) for a call. Bigints, if any decoder kept one, become strings.
 * `ranges` (offsets into the editor's reassembled streams, meaningless outside it) is left out:
 * 8% of an HTTP call's line. A JSON body whose text as sent says exactly what its value says is
 * printed as that text: printing the parsed value again cost as much as the rest of the line.
 */
export function callToJsonLine(c: Call): string {
  return callJson(c, false);
}

/** The call as JSON text, as callToJsonLine prints it; with `ranges` when `withRanges` (the editor's spill file). */
export function callJson(c: Call, withRanges: boolean): string {
  const ranges = withRanges ? undefined : c.ranges;
  // (set aside and put back, not deleted: a deleted property would make the object slower to print)
  if (ranges) c.ranges = undefined;
  const swapped = swapVerbatimBodies(c);
  let line: string;
  try {
    // The fast path: a replacer function makes stringify several times slower.
    line = JSON.stringify(c);
  } catch {
    line = JSON.stringify(c, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } finally {
    if (ranges) c.ranges = ranges;
    if (swapped) for (let i = 0; i < swapped.length; i += 3) (swapped[i] as Body).value = swapped[i + 1];
  }
  if (swapped) {
    for (let i = 0; i < swapped.length; i += 3) {
      const mark = STAND_IN_TEXTS[i / 3];
      const text = swapped[i + 2] as string;
      for (let at = line.indexOf(mark); at >= 0; at = line.indexOf(mark, at + text.length)) line = line.slice(0, at) + text + line.slice(at + mark.length);
    }
  }
  return line;
}

/**
 * Puts a stand-in in place of the value of each JSON body of the call kept verbatim; returns
 * [body, value, text, …] to put back, or undefined when there is none.
 */
function swapVerbatimBodies(c: Call): unknown[] | undefined {
  let out: unknown[] | undefined;
  const consider = (b: Body | undefined) => {
    if (b === undefined || b.kind !== 'json') return;
    const text = verbatimJson(b);
    if (text === undefined) return;
    out ??= [];
    if (out.length / 3 >= STAND_INS.length) return;
    for (let i = 0; i < out.length; i += 3) if (out[i] === b) return;
    out.push(b, b.value, text);
    b.value = STAND_INS[(out.length - 3) / 3];
  };
  consider(c.request?.body);
  consider(c.response?.body);
  if (c.http) {
    consider(c.http.requestBody);
    consider(c.http.responseBody);
  }
  return out;
}

/** All calls as JSON Lines, each line ending in `\n`. */
export function toJsonl(calls: Iterable<Call>): string {
  let out = '';
  for (const c of calls) out += callToJsonLine(c) + '\n';
  return out;
}

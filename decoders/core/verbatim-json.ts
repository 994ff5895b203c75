/**
 * JSON values whose text as sent can stand in for them in a JSON line.
 *
 * A JSON body is parsed (to check it and to show it as a value) and, for JSON Lines, printed again:
 * printing a parsed body costs as much as printing the rest of the call. When the text as sent
 * says exactly what the value says, the line can carry that text instead (export/jsonl.ts).
 * That holds when JSON.parse accepted the text whole, no integer was turned into an exact string
 * (parseJsonExact), and the text has no CR or LF (JSON allows them between tokens, a JSON line
 * does not). Formatting that does not change the value (spaces, `1.50`, `\u00e9`) stays as sent.
 *
 * Keyed by the parsed object: should a decoder replace a body's value, the new value has no entry
 * and is printed as usual.
 */
const texts = new WeakMap<object, string>();

/**
 * Below this the stand-in costs more than it saves (measured on the 84,442 calls of the HTTP bench
 * capture, 240-character bodies: 9.5 µs a line spliced, 7.4 µs printed). Above it printing the value
 * grows ~10 ns a character and the splice ~0.4: 10 KB bodies 82 → 12 µs, 100 KB 955 → 39 µs.
 */
const VERBATIM_MIN_CHARS = 1024;

/** Note that `text` (which JSON.parse turned into `value`, all integers as parsed) may stand for `value`. */
export function keepVerbatimJson(value: unknown, text: string): void {
  if (text.length < VERBATIM_MIN_CHARS) return;
  if (value === null || typeof value !== 'object') return;
  if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) return;
  texts.set(value, text);
}

/** The text that may stand for this value in a JSON line, if one was kept. */
export function verbatimJson(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' ? texts.get(value) : undefined;
}

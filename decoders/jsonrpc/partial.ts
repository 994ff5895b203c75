/**
 * The start of a JSON text whose end the capture lost (a small snaplen, a gap): the values that
 * were captured whole, in objects and arrays left open. `{"jsonrpc":"2.0","id":1,"method":"mul","par`
 * reads as `{jsonrpc: "2.0", id: 1, method: "mul"}`, the object marked cut. A value cut in its middle
 * (a string, a number: `12` may have been `123`) is left out; a cut object or array keeps what it
 * held before. RFC 8259 grammar; nesting bounded.
 */
import { inexact } from '../http-common/body';

export interface JsonPrefix {
  /** The top-level value as far as it was captured (undefined when not even its start was). */
  value: unknown;
  /** The text held the whole value (then `value` is what JSON.parse gives). */
  complete: boolean;
  /** Objects and arrays whose end was not captured. */
  cut: WeakSet<object>;
}

const WS = /[ \t\r\n]/;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
/** A string the text ends inside of. */
const STRING_START = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{0,4})?)*$/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** A number the text ends inside of (or right after: it may go on). */
const NUMBER_START = /-?(?:(?:0|[1-9]\d*)(?:\.\d*)?(?:[eE][+-]?\d*)?)?$/y;
const WORDS = [
  ['true', true],
  ['false', false],
  ['null', null],
] as const;

class Cut extends Error {}

/** Parse the captured start of a JSON text; undefined when it is not JSON (a syntax error before the end). */
export function parseJsonPrefix(text: string, maxDepth = 64): JsonPrefix | undefined {
  const cut = new WeakSet<object>();
  let i = 0;
  const ws = () => {
    while (i < text.length && WS.test(text[i])) i++;
  };
  const need = () => {
    if (i >= text.length) throw new Cut();
  };
  // a complete scalar, or Cut at the end of the text, or a syntax error (sticky regexes: no slicing)
  const scalar = (): unknown => {
    if (text[i] === '"') {
      STRING.lastIndex = i;
      const m = STRING.exec(text);
      if (!m) {
        STRING_START.lastIndex = i;
        if (STRING_START.test(text)) throw new Cut();
        throw new SyntaxError('bad string');
      }
      i += m[0].length;
      return JSON.parse(m[0]);
    }
    NUMBER_START.lastIndex = i;
    if (NUMBER_START.test(text)) throw new Cut(); // a number at the end of the text may go on
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m) {
      i += m[0].length;
      // An integer a double cannot hold exactly keeps its digits (the rule of parseJsonExact).
      return m[0].length >= 16 && /^-?\d+$/.test(m[0]) && inexact(m[0]) ? m[0] : Number(m[0]);
    }
    for (const [word, v] of WORDS) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
      if (text.length - i < word.length && word.startsWith(text.slice(i))) throw new Cut();
    }
    throw new SyntaxError('unexpected character');
  };
  // returns the value; a container cut in its middle is returned (marked) through `partial`
  const value = (depth: number, partial: (v: object) => void): unknown => {
    ws();
    need();
    if (depth > maxDepth) throw new SyntaxError('too deep');
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      const close = c === '{' ? '}' : ']';
      const container: Record<string, unknown> | unknown[] = c === '{' ? {} : [];
      // (once: a Cut passes through more than one handler on its way out)
      const keep = () => {
        if (cut.has(container)) return;
        cut.add(container);
        partial(container);
      };
      /** Past the blanks: the end of the text keeps what was read and stops (Cut). */
      const more = () => {
        ws();
        if (i >= text.length) {
          keep();
          throw new Cut();
        }
      };
      more();
      if (text[i] === close) {
        i++;
        return container;
      }
      for (;;) {
        let key = '';
        let v: unknown;
        try {
          if (!Array.isArray(container)) {
            more();
            if (text[i] !== '"') throw new SyntaxError('expected a member name');
            key = scalar() as string;
            ws();
            need();
            if (text[i] !== ':') throw new SyntaxError('expected :');
            i++;
          }
          v = value(depth + 1, (p) => add(container, key, p));
        } catch (e) {
          if (e instanceof Cut) keep();
          throw e;
        }
        add(container, key, v);
        more();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return container;
        }
        throw new SyntaxError(`expected , or ${close}`);
      }
    }
    return scalar();
  };
  let top: unknown;
  try {
    top = value(0, (p) => {
      top = p;
    });
  } catch (e) {
    if (e instanceof Cut) return top === undefined ? undefined : { value: top, complete: false, cut };
    return undefined;
  }
  ws();
  if (i < text.length) return undefined;
  return { value: top, complete: true, cut };
}

/** An element into an array, or a member into an object. */
function add(container: Record<string, unknown> | unknown[], key: string, v: unknown): void {
  if (Array.isArray(container)) container.push(v);
  else define(container, key, v);
}

function define(o: Record<string, unknown>, key: string, v: unknown): void {
  if (key === '__proto__' || Object.hasOwn(Object.prototype, key)) {
    Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  } else o[key] = v;
}

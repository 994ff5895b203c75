/**
 * GraphQL lexical tokens (spec.graphql.org October 2021 §2.1), shared by the operation scanner
 * (operation.ts) and the schema index (schema.ts): names, punctuators (`...` as one), strings and
 * block strings (contents skipped), numbers and anything else as `other`; whitespace, commas,
 * the BOM and `#` comments ignored. Each token has its 1-based line and column. Text past `max`
 * characters is not read.
 */

export interface Token {
  t: 'name' | 'punct' | 'string' | 'other';
  /** The name or punctuator; empty for strings and other tokens. */
  v: string;
  line: number;
  column: number;
}

const PUNCT = '{}()[]:=@$!|&';

export function* graphqlTokens(src: string, max: number): Generator<Token> {
  const end = Math.min(src.length, max);
  const s = src;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      lineStart = ++i;
    } else if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x2c || c === 0xfeff) i++;
    else if (c === 0x23) {
      while (i < end && s.charCodeAt(i) !== 0x0a && s.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x22) {
      const at = { line, column: i - lineStart + 1 };
      if (s.startsWith('"""', i)) {
        // a block string; \""" is an escaped triple quote inside it
        let j = i + 3;
        while (j < end && !(s.startsWith('"""', j) && s[j - 1] !== '\\')) {
          if (s.charCodeAt(j) === 0x0a) {
            line++;
            lineStart = j + 1;
          }
          j++;
        }
        i = j + 3;
      } else {
        i++;
        while (i < end && s[i] !== '"' && s[i] !== '\n') i += s[i] === '\\' ? 2 : 1;
        i++;
      }
      yield { t: 'string', v: '', ...at };
    } else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f) {
      let j = i + 1;
      while (j < end && /[A-Za-z0-9_]/.test(s[j])) j++;
      yield { t: 'name', v: s.slice(i, j), line, column: i - lineStart + 1 };
      i = j;
    } else if (s.startsWith('...', i)) {
      yield { t: 'punct', v: '...', line, column: i - lineStart + 1 };
      i += 3;
    } else if (PUNCT.includes(s[i])) {
      yield { t: 'punct', v: s[i], line, column: i - lineStart + 1 };
      i++;
    } else {
      // numbers and anything else
      const column = i - lineStart + 1;
      let j = i + 1;
      while (j < end && /[0-9.eE+-]/.test(s[j])) j++;
      i = j;
      yield { t: 'other', v: '', line, column };
    }
  }
}

/** `--filter EXPR`: the editor's filter language (decoders/filter), with errors pointing at the spot. */
import { compileFilter as compile } from '../decoders/filter/index';
import type { Call } from '../decoders/core/model';
import { UserError } from './platform/analyze';

export function compileFilter(text: string): (c: Call) => boolean {
  const r = compile(text);
  if (r.ok) return r.test;
  const { message, start, end } = r.error;
  const caret = ' '.repeat(start) + '^'.repeat(Math.max(1, end - start));
  throw new UserError(`bad --filter: ${message}\n  ${text}\n  ${caret}`);
}

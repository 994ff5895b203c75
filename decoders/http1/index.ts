/**
 * HTTP/1.1 — not implemented yet (stub so the registry is complete; the owner replaces this file).
 */
import type { DecoderSpec } from '../core/decoder';

export const spec: DecoderSpec = {
  id: 'http',
  name: 'HTTP/1.1',
  transport: 'tcp',
  handoffOnly: true,
  create: () => ({ data() {}, gap() {}, end() {}, close() {} }),
};

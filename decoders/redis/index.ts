/**
 * Redis (RESP) — not implemented yet (stub so the registry is complete; the owner replaces this file).
 */
import type { DecoderSpec } from '../core/decoder';

export const spec: DecoderSpec = {
  id: 'redis',
  name: 'Redis (RESP)',
  transport: 'tcp',
  handoffOnly: true,
  create: () => ({ data() {}, gap() {}, end() {}, close() {} }),
};

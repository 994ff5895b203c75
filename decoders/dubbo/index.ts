/**
 * Dubbo — not implemented yet (stub so the registry is complete; the owner replaces this file).
 */
import type { DecoderSpec } from '../core/decoder';

export const spec: DecoderSpec = {
  id: 'dubbo',
  name: 'Dubbo',
  transport: 'tcp',
  handoffOnly: true,
  create: () => ({ data() {}, gap() {}, end() {}, close() {} }),
};

/**
 * AMQP 0-9-1 — not implemented yet (stub so the registry is complete; the owner replaces this file).
 */
import type { DecoderSpec } from '../core/decoder';

export const spec: DecoderSpec = {
  id: 'amqp',
  name: 'AMQP 0-9-1',
  transport: 'tcp',
  handoffOnly: true,
  create: () => ({ data() {}, gap() {}, end() {}, close() {} }),
};

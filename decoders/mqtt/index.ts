/**
 * MQTT — not implemented yet (stub so the registry is complete; the owner replaces this file).
 */
import type { DecoderSpec } from '../core/decoder';

export const spec: DecoderSpec = {
  id: 'mqtt',
  name: 'MQTT',
  transport: 'tcp',
  handoffOnly: true,
  create: () => ({ data() {}, gap() {}, end() {}, close() {} }),
};

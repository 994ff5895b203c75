/**
 * Keys that let the flow correlator join a published message to its deliveries across
 * connections. Every broker decoder sets, on `kind: 'publish'` and `kind: 'deliver'` calls:
 *   fields['msg.key']            = messageKey(family, destination, payload)   (same message ⇒ same key)
 * and for RPC over a broker, on the request publish:
 *   fields['msg.reply_to']       = where the reply is expected (queue, topic, inbox subject)
 *   fields['msg.correlation_id'] = correlation id / correlation data as text (when the protocol has one)
 * and on the reply publish: its destination in fields['msg.destination'] and the same correlation id.
 */

/** FNV-1a 32-bit of `bytes[from, to)`, continuing from `h` (the hash of what came before; the offset basis to start). */
export function fnv1a(bytes: Uint8Array, from = 0, to = bytes.length, h = 0x811c9dc5): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** FNV-1a 32-bit of the bytes, as 8 hex digits. Cheap, deterministic, good enough to match payloads. */
export function digest(bytes: Uint8Array): string {
  return fnv1a(bytes).toString(16).padStart(8, '0');
}

/** `family|destination|size|digest` — family is 'amqp', 'mqtt', 'redis', 'nats', 'stomp', 'zmtp'… */
export function messageKey(family: string, destination: string, payload: Uint8Array): string {
  return `${family}|${destination}|${payload.length}|${digest(payload)}`;
}

/**
 * Calls kept waiting for their answer, by id, in a bounded map: a new call under an id still
 * waiting hands the old one to `replaced`; past `max` waiting, the oldest goes to `evicted`. Shared
 * by the layers that pair by an id of the protocol's own (Socket.IO acks, SignalR invocations,
 * GraphQL-over-WebSocket operations).
 */
export function holdWaiting<K, V>(map: Map<K, V>, key: K, value: V, max: number, replaced: (old: V) => void, evicted: (oldest: V) => void): void {
  const old = map.get(key);
  if (old !== undefined) replaced(old);
  map.set(key, value);
  if (map.size > max) {
    const [k, oldest] = map.entries().next().value as [K, V];
    map.delete(k);
    evicted(oldest);
  }
}

/**
 * What HTTP/1.1 hands to the decoder that takes over a connection after `101 Switching
 * Protocols` (WebSocket, h2c). Passed as `init` to `session.handoff(id, init)`.
 */
import type { HeaderList } from './model';

export interface HttpUpgradeInit {
  kind: 'http-upgrade';
  /** Lower-case token from the Upgrade header: 'websocket', 'h2c'. */
  protocol: string;
  request: { method: string; uri: string; headers: HeaderList; startUs: number; endUs: number; frame: number; body?: Uint8Array };
  response: { status: number; reason: string; headers: HeaderList; startUs: number; endUs: number; frame: number };
  /** The id of the HTTP call that carried the upgrade (already emitted by HTTP/1.1). */
  upgradeCallId: number;
}

/** Case-insensitive header lookup (first value). */
export function header(headers: HeaderList | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const n = name.toLowerCase();
  for (const [k, v] of headers) if (k.toLowerCase() === n) return v;
  return undefined;
}

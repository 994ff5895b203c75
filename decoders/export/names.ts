/**
 * Participant naming shared by the sequence diagram exports: a server is its `ip:port`, a client
 * its IP (ephemeral ports would make one lifeline per connection), unless the user named them
 * (setting `callscope.serviceNames`: { "127.0.0.1:8000": "calculator", "10.0.0.5": "web" }).
 */
import type { Call, Endpoint } from '../core/model';
import { endpointLabel } from './common';

export type ServiceNames = Record<string, string>;

function hostLabel(ip: string): string {
  return ip.includes(':') ? `[${ip}]` : ip;
}

/** The lifeline label of a server endpoint. */
export function serverName(e: Endpoint, names: ServiceNames = {}): string {
  return names[endpointLabel(e)] ?? names[e.ip] ?? endpointLabel(e);
}

/** The lifeline label of a client endpoint. */
export function clientName(e: Endpoint, names: ServiceNames = {}): string {
  return names[endpointLabel(e)] ?? names[e.ip] ?? `client ${hostLabel(e.ip)}`;
}

/** Who sends first and who answers, as lifeline labels (a delivery flows broker → consumer). */
export function callParties(c: Call, names: ServiceNames = {}): { from: string; to: string } {
  const client = clientName(c.client, names);
  const server = serverName(c.server, names);
  return c.kind === 'deliver' ? { from: server, to: client } : { from: client, to: server };
}

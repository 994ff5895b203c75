/**
 * Compact call-list rows for the webview, and the size of a call. Pure.
 */
import type { Call } from '../../decoders/core/model';
import type { CallRow } from '../../webview/protocol';
import { endpointLabel, requestHost, startedByServer } from '../../decoders/export/common';

export { startedByServer };


export function callSize(c: Call): number {
  const side = (p: Call['request']) => p?.wireBytes ?? p?.body?.size ?? 0;
  const http = c.http ? (c.http.requestBody?.size ?? 0) + (c.http.responseBody?.size ?? 0) : 0;
  return side(c.request) + side(c.response) || http;
}

/** User-given service names (setting callscope.serviceNames), by `ip:port` or `ip`. */
let serviceNames: Record<string, string> = {};
export function setServiceNames(names: Record<string, string>): void {
  serviceNames = names;
}

/** The server's lifeline name: a user-given name, else hostNameOf. */
function serverNameOf(c: Call): string | undefined {
  const named = serviceNames[endpointLabel(c.server)] ?? serviceNames[c.server.ip];
  if (named) return named;
  return hostNameOf(c);
}

/**
 * The name a call gives the server it reached: a ZeroMQ socket's type; a TLS handshake's SNI; the HTTP host / :authority — except through a
 * forward proxy, where a CONNECT's authority, the Host of every call inside its tunnel and that of
 * a request in absolute form (RFC 9112 §3.2.2, `GET http://origin/path`: what clients send to a
 * proxy) name the destination, not the proxy the packets went to: those say `proxy :PORT`.
 */
export function hostNameOf(c: Call): string | undefined {
  if (c.protocol === 'zmtp') {
    // ZeroMQ has no broker: the server is a socket of the application, named by its type (`REP :5555`).
    const type = c.fields[c.fields['zmtp.dir'] === 's2c' ? 'zmtp.socket_type' : 'zmtp.peer_socket_type'];
    return typeof type === 'string' && type ? `${type} :${c.server.port}` : undefined;
  }
  if (c.protocol === 'tls') {
    // the server name the client asked for (SNI), as the HTTP calls inside name it by their Host
    const sni = c.fields['tls.handshake.extensions_server_name'];
    if (typeof sni === 'string' && sni && c.fields['http.proxy_tunnel'] === undefined) return sni;
  }
  const viaProxy = c.fields['http.proxy_tunnel'] !== undefined || (c.protocol === 'http' && (c.method === 'CONNECT' || /^https?:\/\//i.test(c.http?.uri ?? '')));
  if (viaProxy) return `proxy :${c.server.port}`;
  return requestHost(c);
}

/**
 * The row of a call built from the whole Call: the reference the worker's compact index
 * (call-index.ts, which sorts and builds rows from its columns) is tested against.
 */
export function toRow(c: Call): CallRow {
  const row: CallRow = {
    id: c.id,
    protocol: c.protocol,
    kind: c.kind,
    state: c.state,
    flowId: c.flowId,
    client: endpointLabel(c.client),
    server: endpointLabel(c.server),
    method: c.method,
    startUs: c.timing.startUs,
    sizeBytes: callSize(c),
    warnings: c.warnings.length,
    hasDefinition: !!c.definition,
  };
  if (c.target !== undefined) row.target = c.target;
  if (c.status) row.status = c.status;
  if (c.timing.endUs !== undefined) row.endUs = c.timing.endUs;
  if (c.timing.responseStartUs !== undefined) row.responseStartUs = c.timing.responseStartUs;
  const name = serverNameOf(c);
  if (name) row.serverName = name;
  const own = c.fields['client.name'];
  const clientName = serviceNames[row.client] ?? (typeof own === 'string' && own ? own : undefined);
  if (clientName) row.clientName = clientName;
  if (startedByServer(c)) row.fromServer = true;
  if (c.links?.publishId !== undefined) row.publishId = c.links.publishId;
  return row;
}


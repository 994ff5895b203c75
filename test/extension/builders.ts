/** Builders with defaults for calls used by the host-logic tests. */
import type { Call } from '../../decoders/core/model';

let nextId = 1;
export function makeCall(over: Partial<Call> = {}): Call {
  const id = over.id ?? nextId++;
  return {
    id,
    protocol: 'http',
    kind: 'unary',
    state: 'complete',
    flowId: 1,
    client: { ip: '127.0.0.1', port: 51234 },
    server: { ip: '127.0.0.1', port: 8080 },
    method: 'GET',
    target: '/persons/7',
    status: { code: 200, text: 'OK', ok: true },
    timing: { startUs: 1_700_000_000_000_000, requestEndUs: 1_700_000_000_000_100, responseStartUs: 1_700_000_000_003_000, endUs: 1_700_000_000_003_500 },
    fields: {},
    frames: [4, 6],
    warnings: [],
    ...over,
  };
}

export function xmlrpcCall(over: Partial<Call> = {}): Call {
  const body = '<?xml version="1.0"?><methodCall><methodName>add</methodName><params><param><value><int>2</int></value></param></params></methodCall>';
  return makeCall({
    protocol: 'xmlrpc',
    method: 'add',
    target: '/RPC2',
    http: {
      version: 'HTTP/1.1',
      method: 'POST',
      uri: '/RPC2',
      host: 'localhost:8000',
      status: 200,
      reason: 'OK',
      requestHeaders: [['Host', 'localhost:8000'], ['Content-Type', 'text/xml'], ['Content-Length', String(body.length)]],
      responseHeaders: [['Content-Type', 'text/xml']],
      requestBody: { size: body.length, kind: 'xml', text: body, contentType: 'text/xml' },
      responseBody: { size: 10, kind: 'xml', text: '<ok>5</ok>', contentType: 'text/xml' },
    },
    ...over,
  });
}

/** A POST carrying a SOAP envelope, as the HTTP decoders hand it to the SOAP router (shared by the SOAP tests). */
import type { Call, HeaderList } from '../../../decoders/core/model';

export function httpCall(reqCt: string, reqText: string, respText: string | undefined, status = 200, extra: HeaderList = [], at: { port?: number; target?: string } = {}): Call {
  const target = at.target ?? '/svc';
  return {
    id: 1,
    protocol: 'http',
    kind: 'unary',
    state: 'complete',
    flowId: 1,
    client: { ip: '127.0.0.1', port: 1 },
    server: { ip: '127.0.0.1', port: at.port ?? 8700 },
    method: 'POST',
    target,
    timing: { startUs: 0 },
    fields: {},
    frames: [1],
    warnings: [],
    http: {
      version: 'HTTP/1.1',
      method: 'POST',
      uri: target,
      status,
      requestHeaders: [['Content-Type', reqCt], ...extra],
      requestBody: { size: reqText.length, kind: 'xml', contentType: reqCt, text: reqText },
      ...(respText !== undefined ? { responseBody: { size: respText.length, kind: 'xml' as const, contentType: reqCt, text: respText } } : {}),
    },
  };
}

// Page script (bundled by esbuild into bundle.js): every client and transport in turn against
// the HTTP/1.1 origin and the HTTP/2 (TLS) origin; results in window.LOG, window.DONE at the end.
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web';
import * as gw from 'grpc-web';
import { connectScenarios, officialScenarios, registry } from './scenarios.js';

window.LOG = [];
const log = (o) => window.LOG.push({ seq: window.LOG.length, ...o });
(async () => {
  try {
    const q = new URLSearchParams(location.search);
    const L = registry(new Uint8Array(await (await fetch('/gwlab.pb')).arrayBuffer()));
    const only = q.get('only');
    for (const [v, base] of [['h1', q.get('h1')], ['h2', q.get('h2')]]) {
      if (only && only !== v) continue;
      await connectScenarios(`connect-proto/${v}`, createConnectTransport({ baseUrl: base, useBinaryFormat: true, useHttpGet: true }), L, log);
      await connectScenarios(`connect-json/${v}`, createConnectTransport({ baseUrl: base, useBinaryFormat: false, useHttpGet: true }), L, log);
      await connectScenarios(`grpcweb-proto/${v}`, createGrpcWebTransport({ baseUrl: base, useBinaryFormat: true }), L, log);
      await connectScenarios(`grpcweb-json/${v}`, createGrpcWebTransport({ baseUrl: base, useBinaryFormat: false }), L, log);
      await officialScenarios(`official-text/${v}`, base, 'text', L, gw, log);
      await officialScenarios(`official-binary/${v}`, base, 'binary', L, gw, log);
    }
  } catch (e) {
    log({ error: String(e) });
  }
  window.DONE = true;
})();

// Node reference client (bundled for node by record.sh): the connect-web scenarios of the page
// with @connectrpc/connect-node transports, HTTP/1.1 and h2c, to compare with what Chromium sends.
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { connectScenarios, registry } from './scenarios.js';

const [pb, h1, h2c, out] = process.argv.slice(2);
const lines = [];
const log = (o) => lines.push(JSON.stringify({ seq: lines.length, ...o }));
const L = registry(readFileSync(pb));
for (const [v, base, httpVersion] of [['h1', h1, '1.1'], ['h2c', h2c, '2']]) {
  await connectScenarios(`node-connect-proto/${v}`, createConnectTransport({ baseUrl: base, httpVersion, useBinaryFormat: true, useHttpGet: true }), L, log);
  await connectScenarios(`node-connect-json/${v}`, createConnectTransport({ baseUrl: base, httpVersion, useBinaryFormat: false, useHttpGet: true }), L, log);
  await connectScenarios(`node-grpcweb-proto/${v}`, createGrpcWebTransport({ baseUrl: base, httpVersion, useBinaryFormat: true }), L, log);
  await connectScenarios(`node-grpcweb-json/${v}`, createGrpcWebTransport({ baseUrl: base, httpVersion, useBinaryFormat: false }), L, log);
}
writeFileSync(out, `${lines.join('\n')}\n`);
process.exit(0);

// Held-out Triple check: dubbo-js 3.0.0-alpha (@apachedubbo/dubbo, @apachedubbo/dubbo-node with
// @bufbuild/protobuf 1.x) serving and calling one unary method over HTTP/1.1 on 127.0.0.1 — Triple's HTTP
// RPC sub-protocol (TRI-Protocol-Version, TRI-Service-Version/Group/Timeout headers; JSON, or binary
// protobuf with `proto` as the second argument), a result and a DubboError(NotFound). Not in run.sh yet:
//   npm install @apachedubbo/dubbo@3.0.0-alpha @apachedubbo/dubbo-node@3.0.0-alpha @bufbuild/protobuf@1
//   tcpdump -i lo -w tri.pcap 'tcp port 22060' & node triple-lab.cjs 22060 [proto]; node dist/cli.js tri.pcap
// Seen (JSON): two dubbo calls, Say({sentence: "hello"}) ✓ 200 and ✗ 404 NOT_FOUND: no such sentence.
const http = require('node:http');
const { proto3, ScalarType, MethodKind } = require('@bufbuild/protobuf');
const { dubboNodeAdapter, createDubboTransport } = require('@apachedubbo/dubbo-node');
const { createPromiseClient, DubboError, Code } = require('@apachedubbo/dubbo');
const SayRequest = proto3.makeMessageType('apache.dubbo.demo.example.v1.SayRequest', [{ no: 1, name: 'sentence', kind: 'scalar', T: ScalarType.STRING }]);
const SayResponse = proto3.makeMessageType('apache.dubbo.demo.example.v1.SayResponse', [{ no: 1, name: 'sentence', kind: 'scalar', T: ScalarType.STRING }]);
const ExampleService = { typeName: 'apache.dubbo.demo.example.v1.ExampleService', methods: { say: { name: 'Say', I: SayRequest, O: SayResponse, kind: MethodKind.Unary } } };
const port = Number(process.argv[2] || 22060);
const binary = process.argv[3] === 'proto';
const server = http.createServer(dubboNodeAdapter({ routes: (r) => r.service(ExampleService, { say(req) { if (req.sentence === 'fail') throw new DubboError('no such sentence', Code.NotFound); return { sentence: `You said: ${req.sentence}` }; } }, { serviceGroup: 'dubbo', serviceVersion: '1.0.0' }) }));
server.listen(port, '127.0.0.1', async () => {
  const transport = createDubboTransport({ baseUrl: `http://127.0.0.1:${port}`, httpVersion: '1.1', useBinaryFormat: binary });
  const client = createPromiseClient(ExampleService, transport, { serviceVersion: '1.0.0', serviceGroup: 'dubbo' });
  for (const s of ['hello', 'fail']) {
    try { console.log(JSON.stringify(await client.say({ sentence: s }, { timeoutMs: 3000 }))); } catch (e) { console.log('error', e.code, e.rawMessage); }
  }
  server.close();
  setTimeout(() => process.exit(0), 100);
});
setTimeout(() => process.exit(3), 15000);

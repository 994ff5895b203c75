// reflection-lab client: a grpc-js client that knows no .proto. It asks the server by reflection
// (v1alpha, the only version grpc-go 1.33 serves; v1 with --v1), builds its stub from the
// descriptors it got, calls every unary method of the first non-standard service with an empty
// request, then ends the reflection stream. Usage: node client.cjs HOST:PORT [--v1]
// NODE_PATH must reach @grpc/grpc-js, @grpc/proto-loader, @grpc/reflection and protobufjs
// (samples/node_modules).
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');
const descriptor = require('protobufjs/ext/descriptor');

const target = process.argv[2];
const version = process.argv.includes('--v1') ? 'v1' : 'v1alpha';
const reflProto = path.join(path.dirname(require.resolve('@grpc/reflection/package.json')), `build/proto/grpc/reflection/${version}/reflection.proto`);
const opts = { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true };
const Reflection = grpc.loadPackageDefinition(loader.loadSync(reflProto, opts)).grpc.reflection[version].ServerReflection;

async function main() {
  const refl = new Reflection(target, grpc.credentials.createInsecure());
  const stream = refl.ServerReflectionInfo();
  const answers = [];
  let wake;
  stream.on('data', (m) => {
    answers.push(m);
    wake?.();
  });
  const ask = async (req) => {
    const n = answers.length;
    stream.write(req);
    while (answers.length === n) await new Promise((r) => (wake = r));
    return answers[n];
  };
  const services = (await ask({ list_services: '*' })).list_services_response.service.map((s) => s.name);
  console.log('services:', services.join(', '));
  const svc = services.find((s) => !s.startsWith('grpc.'));
  const files = new Map();
  const want = [(await ask({ file_containing_symbol: svc })).file_descriptor_response.file_descriptor_proto];
  while (want.length) {
    for (const b of want.pop()) {
      const fd = descriptor.FileDescriptorProto.decode(b);
      if (files.has(fd.name)) continue;
      files.set(fd.name, fd);
      for (const dep of fd.dependency ?? []) {
        if (files.has(dep)) continue;
        const a = await ask({ file_by_filename: dep });
        if (a.file_descriptor_response) want.push(a.file_descriptor_response.file_descriptor_proto);
      }
    }
  }
  console.log('files:', [...files.keys()].join(', '));
  const root = protobuf.Root.fromDescriptor(descriptor.FileDescriptorSet.create({ file: [...files.values()] }));
  const def = loader.fromJSON(root.toJSON(), opts);
  const parts = svc.split('.');
  let Svc = grpc.loadPackageDefinition(def);
  for (const p of parts) Svc = Svc[p];
  const client = new Svc(target, grpc.credentials.createInsecure());
  for (const [name, m] of Object.entries(Svc.service)) {
    if (m.requestStream || m.responseStream) continue;
    const r = await new Promise((res) => client[name]({ id: 1 }, { deadline: Date.now() + 2000 }, (err, v) => res(err ? `${err.code} ${err.details}` : JSON.stringify(v).slice(0, 120))));
    console.log(name, '→', r);
  }
  stream.end();
  await new Promise((r) => setTimeout(r, 100));
  client.close();
  refl.close();
}
main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));

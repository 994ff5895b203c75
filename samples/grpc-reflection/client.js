// A client that knows nothing of the Inventory service: it asks the server by reflection
// (grpc.reflection.v1.ServerReflection/ServerReflectionInfo: list the services, the file that
// defines one, a file by name), builds its stub from the descriptors it got back, then calls
// GetItem (found, not found) and WatchStock (server streaming) on a second connection, as
// grpcurl does on one.
// Usage: node client.js PORT
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');
const descriptor = require('protobufjs/ext/descriptor');

const port = Number(process.argv[2] || 50053);
const target = `127.0.0.1:${port}`;
const reflProto = path.join(path.dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto/grpc/reflection/v1/reflection.proto');
const reflDef = loader.loadSync(reflProto, { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true });
const Reflection = grpc.loadPackageDefinition(reflDef).grpc.reflection.v1.ServerReflection;

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
    stream.write({ host: target, ...req });
    while (answers.length === n) await new Promise((r) => (wake = r));
    return answers[n];
  };
  const list = await ask({ list_services: '*' });
  const names = list.list_services_response.service.map((s) => s.name);
  console.log('services:', names.join(', '));
  const svc = names.find((n) => n.endsWith('.Inventory'));
  const files = (await ask({ file_containing_symbol: svc })).file_descriptor_response.file_descriptor_proto;
  // By file name: @grpc/reflection answers NOT_FOUND for a well-known file it was not given by
  // name (the descriptors above already hold it), an error answer inside the stream.
  const byName = await ask({ file_by_filename: 'google/protobuf/timestamp.proto' });
  console.log('by name:', byName.error_response?.error_message ?? `${byName.file_descriptor_response.file_descriptor_proto.length} file(s)`);
  const dep = byName.file_descriptor_response?.file_descriptor_proto ?? [];
  const missing = await ask({ file_containing_symbol: 'callscope.nothing.Here' });
  console.log('unknown symbol:', missing.error_response?.error_message);
  // The stub, from the descriptors alone.
  const set = descriptor.FileDescriptorSet.create({ file: [...dep, ...files].map((b) => descriptor.FileDescriptorProto.decode(b)) });
  const root = protobuf.Root.fromDescriptor(set);
  const def = loader.fromJSON(root.toJSON(), { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true });
  const Inventory = grpc.loadPackageDefinition(def).callscope.inventory.v1.Inventory;
  // Its own connection: what it learned on the reflection stream applies across connections.
  const inv = new Inventory(target, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  const get = (sku) => new Promise((r) => inv.GetItem({ sku }, (err, item) => r(err ? `${err.code} ${err.details}` : item)));
  console.log('GetItem SKU-1:', JSON.stringify(await get('SKU-1')));
  console.log('GetItem SKU-9:', await get('SKU-9'));
  await new Promise((r) => {
    const w = inv.WatchStock({ skus: ['SKU-1'] });
    w.on('data', (c) => console.log('stock', JSON.stringify(c)));
    w.on('end', r);
    w.on('error', r);
  });
  stream.end();
  await new Promise((r) => setTimeout(r, 100));
  inv.close();
  refl.close();
}
main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

// gRPC over TLS for the tls-keylog sample (@grpc/grpc-js, from samples/node_modules).
//   node grpc.cjs server PORT KEY.pem CERT.pem
//   node grpc.cjs client PORT CERT.pem      (run with NODE_OPTIONS=--tls-keylog=FILE to log its keys)
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const def = loader.loadSync(path.join(__dirname, 'notes.proto'), { keepCase: true, defaults: true });
const notes = grpc.loadPackageDefinition(def).notes;
const [role, port, ...files] = process.argv.slice(2);

if (role === 'server') {
  const [keyFile, certFile] = files;
  const stored = [];
  const server = new grpc.Server();
  server.addService(notes.Notes.service, {
    Add(call, cb) {
      const note = { ...call.request, id: stored.length + 1 };
      stored.push(note);
      cb(null, { id: note.id });
    },
    List(call) {
      for (const n of stored) if (!call.request.tag || n.tags.includes(call.request.tag)) call.write(n);
      call.end();
    },
  });
  const creds = grpc.ServerCredentials.createSsl(null, [{ private_key: fs.readFileSync(keyFile), cert_chain: fs.readFileSync(certFile) }]);
  server.bindAsync(`127.0.0.1:${port}`, creds, (err) => {
    if (err) throw err;
    console.log(`listening on ${port}`);
  });
} else {
  const [certFile] = files;
  const creds = grpc.credentials.createSsl(fs.readFileSync(certFile));
  const client = new notes.Notes(`127.0.0.1:${port}`, creds, { 'grpc.ssl_target_name_override': 'grpc.callscope.test', 'grpc.default_authority': 'grpc.callscope.test' });
  const add = (n) => new Promise((ok, ko) => client.Add(n, (e, r) => (e ? ko(e) : ok(r))));
  (async () => {
    console.log(await add({ text: 'buy milk', tags: ['home'] }));
    console.log(await add({ text: 'review the TLS decoder', tags: ['work', 'tls'] }));
    console.log(await add({ text: 'water the plants', tags: ['home'] }));
    await new Promise((ok, ko) => {
      const s = client.List({ tag: 'home' });
      s.on('data', (n) => console.log(n));
      s.on('error', ko);
      s.on('end', ok);
    });
    client.close();
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

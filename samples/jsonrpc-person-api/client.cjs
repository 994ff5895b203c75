// Walks the Person API over JSON-RPC 2.0 with jayson's HTTP client, on one keep-alive connection:
// calls with params by name and by position, a notification, a batch (with a notification and an
// error inside), an application error and an unknown method (-32601).
// Run: node client.cjs HOST PORT
'use strict';
const http = require('node:http');
const jayson = require('jayson');

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let nextId = 1;
const client = jayson.Client.http({
  host: process.argv[2],
  port: Number(process.argv[3]),
  path: '/rpc',
  agent,
  generator: () => nextId++,
});

const call = (method, params, id) =>
  new Promise((resolve, reject) =>
    client.request(method, params, id, (err, response) => (err ? reject(err) : resolve(response))),
  );
const batch = (requests) =>
  new Promise((resolve, reject) =>
    client.request(requests, (err, responses) => (err ? reject(err) : resolve(responses))),
  );
const show = (label, value) => console.log(`${label} -> ${JSON.stringify(value)}`);

(async () => {
  show('signup', await call('signup', { name: 'Alice', email: 'alice@example.org', age: 34 }));
  show('readPerson', await call('readPerson', ['1234']));
  show('trackEvent (notification)', await call('trackEvent', { event: 'profile-viewed', personid: '1234' }, null));
  show(
    'batch',
    await batch([
      client.request('addItemToUsersItemsList', { personid: '1234', itemid: '456' }),
      client.request('modifyItem', { itemid: '456', changes: { key: 'value', title: 'Bike', price: 129.5 } }),
      client.request('trackEvent', { event: 'item-added', itemid: '456' }, null),
      client.request('readUsersItemsList', ['1234']),
      client.request('readPerson', { personid: '9999' }),
    ]),
  );
  show('removeItem', await call('removeItem', { itemid: '456' }));
  show('resign', await call('resign', { personid: '1234' }));
  show('readPerson (gone)', await call('readPerson', { personid: '1234' }));
  show('deletePerson (unknown method)', await call('deletePerson', { personid: '1234' }));
  agent.destroy();
})().catch((err) => {
  console.error(err);
  agent.destroy();
  process.exitCode = 1;
});

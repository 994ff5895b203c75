// Person API SOAP client (npm soap). Usage: node client.cjs WSDL_URL_OR_FILE ENDPOINT [soap12]
const soap = require('soap');
const http = require('http');

async function main() {
  const [wsdl, endpoint, mode] = process.argv.slice(2);
  const soap12 = mode === 'soap12';
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const client = await soap.createClientAsync(wsdl, {
    endpoint,
    forceSoap12Headers: soap12,
    wsdl_options: { httpAgent: agent },
  });
  client.addSoapHeader({ 'tns:requestId': 'req-42' }, '', 'tns', 'http://callscope.example/person');
  const opts = { httpAgent: agent };
  const call = async (name, args) => {
    try {
      const [result] = await client[`${name}Async`](args, opts);
      console.log(name, '->', JSON.stringify(result));
    } catch (e) {
      console.log(name, '-> fault', e.root ? JSON.stringify(e.root.Envelope.Body.Fault) : e.message);
    }
  };
  await call('signup', { person: { name: 'Ada Lovelace', email: 'ada@example.org', age: 36, birthday: '1815-12-10', tags: ['math', 'poetry & more'] } });
  await call('readPerson', { personId: '1234' });
  await call('addItemToUsersItemsList', { personId: '1234', itemId: '456' });
  await call('readUsersItemsList', { personId: '1234' });
  await call('resign', { personId: '1234' });
  await call('readPerson', { personId: '1234' });
  agent.destroy();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});

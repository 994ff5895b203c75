// Person API SOAP server (npm soap). Usage: node server.cjs PORT
const http = require('http');
const fs = require('fs');
const path = require('path');
const soap = require('soap');

const port = Number(process.argv[2] || 8700);
const people = {};
const lists = {};

function notFound(personId, soap12) {
  // node-soap turns a thrown { Fault } into a SOAP Fault (1.1 or 1.2 shape as given)
  if (soap12) {
    return { Fault: { Code: { Value: 'soap:Sender', Subcode: { Value: 'tns:NotFound' } }, Reason: { Text: `no such person: ${personId}` }, statusCode: 500 } };
  }
  return { Fault: { faultcode: 'soap:Client', faultstring: `no such person: ${personId}`, detail: { notFound: { personId } }, statusCode: 500 } };
}

const impl = {
  signup(args) {
    const p = { ...args.person, id: '1234' };
    people[p.id] = p;
    lists[p.id] = [];
    return { personId: p.id };
  },
  readPerson(args, cb, headers, req) {
    const p = people[args.personId];
    if (!p) throw notFound(args.personId, /soap\+xml/.test(req.headers['content-type'] || ''));
    return { person: p };
  },
  addItemToUsersItemsList(args) {
    (lists[args.personId] ||= []).push(args.itemId);
    return { ok: true };
  },
  readUsersItemsList(args) {
    return { item: (lists[args.personId] || []).map((k) => ({ key: k, title: `Espresso machine ${k}`, price: 129.5 })) };
  },
  resign(args) {
    delete people[args.personId];
    return { ok: true };
  },
};

const service = { PersonService: { PersonSoap11Port: impl, PersonSoap12Port: impl } };
const wsdl = fs.readFileSync(path.join(__dirname, 'person.wsdl'), 'utf8');
const server = http.createServer((req, res) => {
  res.statusCode = 404;
  res.end();
});
server.keepAliveTimeout = 30000;
server.listen(port, '127.0.0.1', () => {
  soap.listen(server, '/person', service, wsdl);
  // SOAP 1.2 answers need forceSoap12Headers on the server side too (otherwise node-soap answers 1.1 envelopes)
  soap.listen(server, { path: '/person12', services: service, xml: wsdl, forceSoap12Headers: true });
  console.log('listening', port);
});

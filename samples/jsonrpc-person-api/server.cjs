// The Person API as JSON-RPC 2.0 methods over HTTP, served by jayson (samples/package.json).
// Params may come by name ({"personid": "1234"}) or by position (["1234"]): both are accepted.
// Run: node server.cjs HOST PORT
'use strict';
const jayson = require('jayson');

const persons = new Map();
const items = new Map();
const lists = new Map();
let nextPersonId = 1234;
const events = [];

const arg = (params, name, index) => (Array.isArray(params) ? params[index] : params[name]);

function personOrError(server, personid) {
  if (!persons.has(personid)) {
    return { error: server.error(404, 'no such person', { personid }) };
  }
  return { person: persons.get(personid) };
}

const server = new jayson.Server({
  signup(params, callback) {
    const personid = String(nextPersonId++);
    persons.set(personid, { ...params, personid, createdAt: '2024-05-01T12:00:00Z' });
    lists.set(personid, []);
    callback(null, personid);
  },
  resign(params, callback) {
    const personid = arg(params, 'personid', 0);
    const { error } = personOrError(server, personid);
    if (error) return callback(error);
    persons.delete(personid);
    lists.delete(personid);
    callback(null, true);
  },
  readPerson(params, callback) {
    const { error, person } = personOrError(server, arg(params, 'personid', 0));
    callback(error || null, person);
  },
  readUsersItemsList(params, callback) {
    const personid = arg(params, 'personid', 0);
    const { error } = personOrError(server, personid);
    if (error) return callback(error);
    callback(null, lists.get(personid).filter((id) => items.has(id)).map((id) => items.get(id)));
  },
  addItemToUsersItemsList(params, callback) {
    const personid = arg(params, 'personid', 0);
    const itemid = arg(params, 'itemid', 1);
    const { error } = personOrError(server, personid);
    if (error) return callback(error);
    if (!items.has(itemid)) items.set(itemid, { itemid });
    lists.get(personid).push(itemid);
    callback(null, true);
  },
  modifyItem(params, callback) {
    const itemid = arg(params, 'itemid', 0);
    if (!items.has(itemid)) return callback(server.error(404, 'no such item', { itemid }));
    Object.assign(items.get(itemid), arg(params, 'changes', 1));
    callback(null, items.get(itemid));
  },
  removeItem(params, callback) {
    items.delete(arg(params, 'itemid', 0));
    callback(null, null);
  },
  // Meant to be called as a notification (no id): nothing is sent back.
  trackEvent(params, callback) {
    events.push(params);
    callback(null, true);
  },
});

const [host, port] = [process.argv[2], Number(process.argv[3])];
server.http().listen(port, host, () => console.log(`jsonrpc person api listening on ${host} port ${port}`));

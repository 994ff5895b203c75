/**
 * tRPC's HTTP RPC specification (trpc.io/docs/rpc): queries as GET with `?input=`, mutations as POST
 * with a JSON body, batches (`/a,b?batch=1`, inputs keyed "0", "1"), answers `{"result":{"data"}}` or
 * `{"error":{"message","code","data":{"code","httpStatus","path"}}}`. Bodies as tRPC 11.25's standalone
 * server and httpLink/httpBatchLink client sent them (test/heldout-rpc/trpc/lab.mjs).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { calls } from '../http1/feed';

const get = (uri: string) => `GET ${uri} HTTP/1.1\r\nHost: h\r\n\r\n`;
const post = (uri: string, body: string) => `POST ${uri} HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const answer = (body: string, status = '200 OK') => `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const one = (req: string, res: string) => calls([{ dir: 'c2s', data: req }, { dir: 's2c', data: res }])[0];

describe('tRPC over HTTP', () => {
  it('a query (GET ?input=) and a mutation (POST): procedure, input and data', () => {
    const q = one(get('/person.byId?input=%7B%22id%22%3A%221%22%7D'), answer('{"result":{"data":{"id":"1","name":"Ada"}}}'));
    assert.equal(q.protocol, 'trpc');
    assert.equal(q.method, 'person.byId');
    assert.equal(q.target, '/');
    assert.deepEqual(q.request?.value, { id: '1' });
    assert.deepEqual(q.response?.value, { id: '1', name: 'Ada' });
    assert.equal(q.fields['trpc.type'], 'query');
    const m = one(post('/api/trpc/person.create', '{"name":"Grace"}'), answer('{"result":{"data":{"id":"2","name":"Grace"}}}'));
    assert.equal(m.method, 'person.create');
    assert.equal(m.target, '/api/trpc');
    assert.equal(m.fields['trpc.type'], 'mutation');
    assert.equal(m.fields['http.request.method'], 'POST', 'the HTTP layer is kept');
  });

  it('an error fails the call with its tRPC code and message', () => {
    const e = one(get('/person.byId?input=%7B%22id%22%3A%229%22%7D'), answer('{"error":{"message":"no person 9","code":-32004,"data":{"code":"NOT_FOUND","httpStatus":404,"path":"person.byId"}}}', '404 Not Found'));
    assert.deepEqual(e.status, { code: 'NOT_FOUND', text: 'no person 9', ok: false });
  });

  it('a batch: procedures, inputs by index, results in order; superjson values unwrapped', () => {
    const b = one(
      get('/person.byId,person.byId,hello?batch=1&input=%7B%220%22%3A%7B%22json%22%3A%7B%22id%22%3A%221%22%7D%7D%2C%221%22%3A%7B%22id%22%3A%222%22%7D%7D'),
      answer('[{"result":{"data":{"json":{"id":"1","name":"Ada"}}}},{"result":{"data":{"id":"2","name":"Grace"}}},{"result":{"data":"world"}}]'),
    );
    assert.equal(b.kind, 'batch');
    assert.equal(b.method, 'person.byId, person.byId, hello');
    assert.deepEqual(b.request?.value, [{ id: '1' }, { id: '2' }, undefined]);
    assert.deepEqual(b.response?.value, [{ id: '1', name: 'Ada' }, { id: '2', name: 'Grace' }, 'world']);
  });

  it('JSON that is not a tRPC answer, or a path that is no procedure, stays HTTP', () => {
    assert.equal(one(get('/person.byId'), answer('{"data":{"id":"1"}}')).protocol, 'http');
    assert.equal(one(get('/api/persons/1'), answer('{"result":{"data":1}}')).protocol, 'http');
  });
});

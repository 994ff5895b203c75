import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alikeCalls, compareMetrics } from '../../webview/compare';
import type { Call } from '../../decoders/core/model';

// The REST, gRPC and SOAP Person API samples merged with mergecap (what Compare's hint suggests).
const rest = [{ method: 'POST', target: '/persons' }, { method: 'GET', target: '/persons/1234' }, { method: 'POST', target: '/persons/1234/items' }, { method: 'PUT', target: '/items/456' }];
const grpc = ['GetPerson', 'ListPersons', 'CreatePersons', 'Chat'].map((m) => ({ method: `callscope.person.v1.PersonService/${m}`, target: `/callscope.person.v1.PersonService/${m}` }));
const soap = [{ method: 'signup', target: '/soap' }, { method: 'readPerson', target: '/soap' }, { method: 'addItemToUsersItemsList', target: '/soap' }];
const candidates = (base: { method: string; target?: string }, proto: string) => [
  { protocol: 'http', rows: proto === 'http' ? [base] : rest },
  { protocol: 'grpc', rows: proto === 'grpc' ? [base] : grpc },
  { protocol: 'soap', rows: proto === 'soap' ? [base] : soap },
];
const picked = (base: { method: string; target?: string }, proto: string) =>
  alikeCalls(`${base.method} ${base.target ?? ''}`, candidates(base, proto), proto).map((p) => `${p.protocol} ${p.row.method}`);

describe('Compare lines up the same operation, not just any call of each protocol', () => {
  it('POST /persons/1234/items: SOAP addItemToUsersItemsList, not gRPC GetPerson', () => {
    assert.deepEqual(picked(rest[2], 'http'), ['http POST', 'soap addItemToUsersItemsList']);
  });
  it('gRPC GetPerson: a REST call on /persons and SOAP readPerson', () => {
    const got = picked(grpc[0], 'grpc');
    assert.equal(got.length, 3);
    assert.equal(got[2], 'soap readPerson');
  });
  it('nothing alike anywhere: each protocol\'s first call, as before', () => {
    assert.deepEqual(picked({ method: 'PUT', target: '/zzz' }, 'http'), ['http PUT', 'grpc callscope.person.v1.PersonService/GetPerson', 'soap signup']);
  });
  it('nothing selected: each protocol\'s first call', () => {
    assert.deepEqual(alikeCalls('', candidates(rest[0], 'none')).map((p) => p.row.method), ['POST', 'callscope.person.v1.PersonService/GetPerson', 'signup']);
  });
  it('a gRPC column is headed by its method name', () => {
    const call = { id: 9, protocol: 'grpc', kind: 'unary', state: 'complete', flowId: 1, client: { ip: '127.0.0.1', port: 1 }, server: { ip: '127.0.0.1', port: 2 }, method: 'callscope.person.v1.PersonService/GetPerson', timing: { startUs: 0 }, fields: {}, frames: [], warnings: [] } as unknown as Call;
    assert.equal(compareMetrics(call, undefined, false).label, 'gRPC GetPerson');
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statusBadge, targetAfterMethod } from '../../webview/format';
import { callExpression } from '../../webview/body-view';
import type { CallRow } from '../../webview/protocol';

function row(over: Partial<CallRow> = {}): CallRow {
  return { id: 2, protocol: 'xmlrpc', kind: 'unary', state: 'complete', flowId: 2, client: '127.0.0.1:38068', server: '127.0.0.1:8000', method: 'fun_div', target: '/RPC2', startUs: 1, endUs: 2, sizeBytes: 778, warnings: 0, hasDefinition: false, ...over };
}

describe('an XML-RPC fault reads as a fault (the walkthrough\'s fun_div(1, 0))', () => {
  it('the status cell says "fault 1", not a bare "1"', () => {
    const b = statusBadge(row({ status: { code: 1, text: "<class 'ZeroDivisionError'>:division by zero", ok: false } }));
    assert.equal(b.text, 'fault 1');
    assert.equal(b.tone, 'error');
    assert.equal(b.label, "error: 1 <class 'ZeroDivisionError'>:division by zero");
  });
  it('string fault codes too; a fault cut by the capture and HTTP errors keep their words', () => {
    assert.equal(statusBadge(row({ status: { code: 'Server.Busy', ok: false } })).text, 'fault Server.Busy');
    assert.equal(statusBadge(row({ status: { code: 'fault', text: 'fault not captured whole', ok: false } })).text, 'fault');
    assert.equal(statusBadge(row({ status: { code: 500, text: 'Internal Server Error', ok: false } })).text, '500');
    assert.equal(statusBadge(row({ status: { code: 200, text: 'OK', ok: true } })).text, '200');
  });
  it('other protocols are unchanged', () => {
    assert.equal(statusBadge(row({ protocol: 'amqp', status: { code: 312, text: 'NO_ROUTE', ok: false } })).text, '312');
    assert.equal(statusBadge(row({ protocol: 'jsonrpc', status: { code: -32601, text: 'Method not found', ok: false } })).text, '-32601');
  });
  it('a Twirp call reads as its HTTP status and Twirp code (404 not_found)', () => {
    assert.equal(statusBadge(row({ protocol: 'twirp', status: { code: 404, text: 'not_found', ok: false } })).text, '404 not_found');
    assert.equal(statusBadge(row({ protocol: 'twirp', status: { code: 200, text: 'OK', ok: true } })).text, '200 OK');
    // Connect's codes are gRPC's, by name as gRPC's are (a column of 0s and a 5 said nothing)
    assert.equal(statusBadge(row({ protocol: 'connect', status: { code: 5, text: 'not_found', ok: false } })).text, 'not_found');
    assert.equal(statusBadge(row({ protocol: 'connect', status: { code: 0, text: 'ok', ok: true } })).text, 'ok');
    assert.equal(statusBadge(row({ protocol: 'connect', state: 'aborted', status: { code: 4, text: 'deadline_exceeded', ok: false } })).text, 'deadline_exceeded');
    // Dubbo's response status byte says little alone (a column of 20s)
    assert.equal(statusBadge(row({ protocol: 'dubbo', status: { code: 20, text: 'OK', ok: true } })).text, '20 OK');
    assert.equal(statusBadge(row({ protocol: 'dubbo', status: { code: 70, text: 'SERVICE_ERROR', ok: false } })).text, '70 SERVICE_ERROR');
  });
});

describe('the call expression of a failed call', () => {
  it('an XML-RPC fault: "→ fault 1: …", not its struct as JSON', () => {
    const fault = { faultCode: 1, faultString: "<class 'ZeroDivisionError'>:division by zero" };
    assert.equal(callExpression('fun_div', { value: fault }, 'response', true), "→ fault 1: <class 'ZeroDivisionError'>:division by zero");
    assert.equal(callExpression('fun_div', { value: [1, 0] }, 'request'), 'fun_div(1, 0)');
  });
  it('a JSON-RPC error: "→ error -32601: Method not found"', () => {
    assert.equal(callExpression('deletePerson', { value: { code: -32601, message: 'Method not found' } }, 'response', true), '→ error -32601: Method not found');
  });
  it('a Twirp error: "→ error not_found: …", not its JSON', () => {
    const e = { code: 'not_found', msg: 'person 42 not found', meta: { id: '42' } };
    assert.equal(callExpression('callscope.person.v1.PersonService/GetPerson', { value: e }, 'response', true, 'twirp'), '→ error not_found: person 42 not found');
  });
  it('a successful result that happens to have such keys stays a value', () => {
    assert.equal(callExpression('status', { value: { code: 1, message: 'hi' } }, 'response'), '→ {"code":1,"message":"hi"}');
    assert.equal(callExpression('fun_add', { value: 5 }, 'response', false), '→ 5');
  });
});

describe('the call expression of a Dubbo call', () => {
  it('its arguments and the value of its answer, not their wrappers', () => {
    const req = { value: { parameterTypes: ['java.lang.String'], arguments: ['1234'], attachments: { path: 'org.demo.PersonService' } } };
    assert.equal(callExpression('readPerson', req, 'request', false, 'dubbo'), 'readPerson("1234")');
    assert.equal(callExpression('signup', { value: { value: '1234', attachments: { dubbo: '2.0.2' } } }, 'response', false, 'dubbo'), '→ "1234"');
    assert.equal(callExpression('removeItem', { value: { value: null } }, 'response', false, 'dubbo'), '→ null');
    const ex = { value: { exception: { $class: 'org.demo.NotFoundException', detailMessage: 'no such person: 9999' } } };
    assert.equal(callExpression('readPerson', ex, 'response', true, 'dubbo'), '→ NotFoundException: no such person: 9999');
  });
});

describe('the target after the method', () => {
  it('is left out when it repeats a gRPC method path', () => {
    assert.equal(targetAfterMethod('callscope.person.v1.PersonService/GetPerson', '/callscope.person.v1.PersonService/GetPerson'), undefined);
    assert.equal(targetAfterMethod('/pkg.Svc/M', '/pkg.Svc/M'), undefined);
  });
  it('is kept otherwise', () => {
    assert.equal(targetAfterMethod('fun_add', '/RPC2'), '/RPC2');
    assert.equal(targetAfterMethod('GET', '/persons/1234'), '/persons/1234');
    assert.equal(targetAfterMethod('CONNECT', undefined), undefined);
  });
});

describe('a cancelled gRPC call', () => {
  it('reads CANCELLED, not "1" (grpc-person-api\'s last ListPersons)', () => {
    const b = statusBadge(row({ protocol: 'grpc', state: 'aborted', status: { code: 1, text: 'CANCELLED', ok: false } }));
    assert.equal(b.text, 'CANCELLED');
    assert.equal(b.icon, 'aborted');
    assert.equal(statusBadge(row({ protocol: 'http', state: 'aborted', status: undefined })).text, 'aborted');
  });
});

describe('broker statuses by name where the number says little', () => {
  it('MQTT: Success, Connection Accepted, granted 2,1 (not a column of 0s)', () => {
    assert.equal(statusBadge(row({ protocol: 'mqtt', method: 'PUBLISH', status: { code: 0, text: 'Success', ok: true } })).text, 'Success');
    assert.equal(statusBadge(row({ protocol: 'mqtt', method: 'SUBSCRIBE', status: { code: 2, text: 'granted 2,1', ok: true } })).text, 'granted 2,1');
    assert.equal(statusBadge(row({ protocol: 'mqtt', method: 'fare/quote', status: { code: 'reply', text: 'reply on passenger/p-7/replies', ok: true } })).text, 'reply');
  });
  it('Kafka: an error by name, success stays 0', () => {
    assert.equal(statusBadge(row({ protocol: 'kafka', status: { code: 35, text: 'UNSUPPORTED_VERSION', ok: false } })).text, 'UNSUPPORTED_VERSION');
    assert.equal(statusBadge(row({ protocol: 'kafka', status: { code: 0, text: 'NONE', ok: true } })).text, '0');
  });
});

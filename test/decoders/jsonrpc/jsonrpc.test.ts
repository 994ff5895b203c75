import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../../decoders/core/model';
import { calls } from '../http1/feed';

function exchange(request: unknown, response?: unknown, status = '200 OK'): Call[] {
  const rq = JSON.stringify(request);
  const packets: Array<{ dir: 'c2s' | 's2c'; data: string }> = [{ dir: 'c2s', data: `POST /rpc HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(rq)}\r\n\r\n${rq}` }];
  if (response === null) packets.push({ dir: 's2c', data: `HTTP/1.1 ${status}\r\nContent-Length: 0\r\n\r\n` });
  else if (response !== undefined) {
    const rs = JSON.stringify(response);
    packets.push({ dir: 's2c', data: `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(rs)}\r\n\r\n${rs}` });
  }
  return calls(packets);
}

describe('JSON-RPC 2.0 §4 request object and §5 response object', () => {
  it('pairs a call with its result', () => {
    const [c] = exchange({ jsonrpc: '2.0', method: 'subtract', params: [42, 23], id: 1 }, { jsonrpc: '2.0', result: 19, id: 1 });
    assert.equal(c.protocol, 'jsonrpc');
    assert.equal(c.kind, 'unary');
    assert.equal(c.method, 'subtract');
    assert.equal(c.target, '/rpc');
    assert.deepEqual(c.request?.value, [42, 23]);
    assert.equal(c.response?.value, 19);
    assert.equal(c.status?.ok, true);
    assert.equal(c.fields['jsonrpc.method'], 'subtract');
    assert.equal(c.fields['jsonrpc.id'], 1);
    assert.deepEqual(c.warnings, []);
  });
  it('named params and string ids', () => {
    const [c] = exchange({ jsonrpc: '2.0', method: 'person.get', params: { id: 'p1' }, id: 'abc' }, { jsonrpc: '2.0', result: { name: 'Ada' }, id: 'abc' });
    assert.deepEqual(c.request?.value, { id: 'p1' });
    assert.deepEqual(c.response?.value, { name: 'Ada' });
    assert.equal(c.fields['jsonrpc.id'], 'abc');
  });
  it('warns when the response id does not match', () => {
    const [c] = exchange({ jsonrpc: '2.0', method: 'm', id: 1 }, { jsonrpc: '2.0', result: 0, id: 2 });
    assert.ok(c.warnings.some((w) => /does not match/.test(w)));
  });
});

describe('JSON-RPC 2.0 §4.1 notification', () => {
  it('is oneway and expects no response even when HTTP answers 204', () => {
    const [c] = exchange({ jsonrpc: '2.0', method: 'update', params: [1, 2, 3] }, null, '204 No Content');
    assert.equal(c.kind, 'oneway');
    assert.equal(c.method, 'update');
    assert.equal(c.state, 'complete');
    assert.equal(c.fields['jsonrpc.id'], undefined);
    assert.deepEqual(c.warnings, []);
  });
});

describe('JSON-RPC 2.0 §5.1 error object', () => {
  it('sets status {code, text: message, ok: false} and keeps data', () => {
    const [c] = exchange({ jsonrpc: '2.0', method: 'foobar', id: '1' }, { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found', data: { m: 'foobar' } }, id: '1' });
    assert.deepEqual(c.status, { code: -32601, text: 'Method not found', ok: false });
    assert.deepEqual(c.response?.value, { code: -32601, message: 'Method not found', data: { m: 'foobar' } });
    assert.equal(c.fields['jsonrpc.error.code'], -32601);
  });
});

describe('JSON-RPC 2.0 §6 batch', () => {
  it('makes a batch call with children paired by id, responses in any order, notifications without response', () => {
    const cs = exchange(
      [
        { jsonrpc: '2.0', method: 'sum', params: [1, 2, 4], id: '1' },
        { jsonrpc: '2.0', method: 'notify_hello', params: [7] },
        { jsonrpc: '2.0', method: 'subtract', params: [42, 23], id: '2' },
        { foo: 'boo' },
        { jsonrpc: '2.0', method: 'get_data', id: '9' },
      ],
      [
        { jsonrpc: '2.0', result: ['hello', 5], id: '9' },
        { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null },
        { jsonrpc: '2.0', result: 19, id: '2' },
        { jsonrpc: '2.0', result: 7, id: '1' },
      ],
    );
    const outer = cs.find((c) => c.kind === 'batch')!;
    assert.equal(outer.protocol, 'jsonrpc');
    assert.equal(outer.childIds?.length, 5);
    const kids = outer.childIds!.map((id) => cs.find((c) => c.id === id)!);
    assert.ok(kids.every((k) => k.parentId === outer.id));
    assert.deepEqual(
      kids.map((k) => [k.method, k.kind, k.response?.value, k.status?.ok]),
      [
        ['sum', 'unary', 7, true],
        ['notify_hello', 'oneway', undefined, undefined],
        ['subtract', 'unary', 19, true],
        ['?', 'unary', { code: -32600, message: 'Invalid Request' }, false],
        ['get_data', 'unary', ['hello', 5], true],
      ],
    );
    assert.equal(outer.status?.ok, false);
    assert.equal(outer.fields['jsonrpc.batch.errors'], 1);
  });
  it('marks a child without a response incomplete', () => {
    const cs = exchange([{ jsonrpc: '2.0', method: 'a', id: 1 }, { jsonrpc: '2.0', method: 'b', id: 2 }], [{ jsonrpc: '2.0', result: 1, id: 1 }]);
    const b = cs.find((c) => c.method === 'b')!;
    assert.equal(b.state, 'incomplete');
  });
  it('an all-notification batch gets no response', () => {
    const cs = exchange([{ jsonrpc: '2.0', method: 'n1' }, { jsonrpc: '2.0', method: 'n2' }], null, '204 No Content');
    assert.equal(cs.filter((c) => c.kind === 'oneway').length, 2);
    assert.ok(cs.every((c) => c.state === 'complete'));
  });
});

describe('JSON-RPC 1.0 (method, params, id; no version member)', () => {
  it('is recognised when clear', () => {
    const [c] = exchange({ method: 'echo', params: ['Hello'], id: 1 }, { result: 'Hello', error: null, id: 1 });
    assert.equal(c.protocol, 'jsonrpc');
    assert.equal(c.response?.value, 'Hello');
    assert.equal(c.fields['jsonrpc.version'], '1.0');
  });
  it('plain JSON is not JSON-RPC', () => {
    const [c] = exchange({ method: 'card', amount: 3 }, { ok: true });
    assert.equal(c.protocol, 'http');
  });
});

function rawExchange(body: string, response: unknown): Call[] {
  const rs = JSON.stringify(response);
  return calls([
    { dir: 'c2s', data: `POST /rpc HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}` },
    { dir: 's2c', data: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(rs)}\r\n\r\n${rs}` },
  ]);
}

describe('JSON-RPC 2.0 §7 examples of requests the server rejects (§5.1 -32700/-32600, §6 empty and invalid batches)', () => {
  it('invalid JSON answered with a parse error is a failed jsonrpc call, not plain HTTP', () => {
    const [c] = rawExchange('{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]', { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
    assert.equal(c.protocol, 'jsonrpc');
    assert.equal(c.method, '?');
    assert.deepEqual(c.status, { code: -32700, text: 'Parse error', ok: false });
    assert.ok(c.warnings.some((w) => /not valid JSON/.test(w)));
  });
  it('a request object whose method is not a string (§4) keeps its id and gets the server error', () => {
    const [c] = exchange({ jsonrpc: '2.0', method: 1, params: 'bar', id: 7 }, { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: 7 });
    assert.equal(c.protocol, 'jsonrpc');
    assert.equal(c.method, '?');
    assert.equal(c.fields['jsonrpc.id'], 7);
    assert.equal(c.fields['jsonrpc.error.code'], -32600);
    assert.deepEqual(c.warnings, ['invalid request: method is a number, not a string (JSON-RPC 2.0 §4)']);
  });
  it('an empty batch gets one error object', () => {
    const [c] = exchange([], { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null });
    assert.equal(c.protocol, 'jsonrpc');
    assert.equal(c.kind, 'batch');
    assert.equal(c.method, 'batch(0)');
    assert.equal(c.status?.ok, false);
  });
  it('a batch of invalid requests: one child per element, each with its error', () => {
    const err = { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null };
    const cs = exchange([1, 2, 3], [err, err, err]);
    const batch = cs.find((c) => c.kind === 'batch')!;
    assert.equal(batch.protocol, 'jsonrpc');
    const kids = cs.filter((c) => c.parentId === batch.id);
    assert.equal(kids.length, 3);
    assert.ok(kids.every((k) => k.status?.code === -32600 && k.warnings.includes('invalid request in batch')));
  });
  it('JSON that is not JSON-RPC stays HTTP', () => {
    const [c] = exchange({ hello: 'world' }, { ok: true });
    assert.equal(c.protocol, 'http');
  });
});

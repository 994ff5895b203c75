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

describe("system.multicall over JSON-RPC (aria2's RPC interface, after XML-RPC's convention)", () => {
  // The request and answer aria2 1.36 gave (test/heldout-rpc: aria2c --enable-rpc)
  const req = { jsonrpc: '2.0', id: 6, method: 'system.multicall', params: [[{ methodName: 'aria2.getVersion', params: ['token:s3cret'] }, { methodName: 'aria2.tellActive', params: ['token:s3cret'] }, { methodName: 'aria2.nosuch', params: [] }]] };
  it('each inner call is a child with its result or its error', () => {
    const cs = exchange(req, { id: 6, jsonrpc: '2.0', result: [[{ version: '1.36.0' }], [[]], { code: 1, message: 'Unauthorized' }] });
    const parent = cs.find((c) => c.method === 'system.multicall')!;
    const kids = cs.filter((c) => c.parentId === parent.id);
    assert.equal(parent.kind, 'batch');
    assert.deepEqual(parent.status, { code: 200, text: '1 of 3 failed', ok: false });
    assert.deepEqual(parent.childIds, kids.map((k) => k.id));
    assert.deepEqual(
      kids.map((k) => [k.protocol, k.method, k.request?.value, k.response?.value, k.status?.ok, k.status?.text]),
      [
        ['jsonrpc', 'aria2.getVersion', ['token:s3cret'], { version: '1.36.0' }, true, 'OK'],
        ['jsonrpc', 'aria2.tellActive', ['token:s3cret'], [], true, 'OK'],
        ['jsonrpc', 'aria2.nosuch', [], { code: 1, message: 'Unauthorized' }, false, 'Unauthorized'],
      ],
    );
  });
  it('a multicall that failed as a whole fails every entry; a missing result is said; other shapes stay one call', () => {
    const failed = exchange(req, { id: 6, jsonrpc: '2.0', error: { code: 1, message: 'Unauthorized' } });
    assert.deepEqual(failed.filter((c) => c.parentId !== undefined).map((c) => c.status?.text), ['Unauthorized', 'Unauthorized', 'Unauthorized']);
    const short = exchange(req, { id: 6, jsonrpc: '2.0', result: [[1]] });
    assert.match(short.find((c) => c.kind === 'batch')!.warnings.join(), /3 calls but 1 results/);
    assert.deepEqual(short.filter((c) => c.parentId !== undefined).map((c) => c.state), ['complete', 'incomplete', 'incomplete']);
    const other = exchange({ jsonrpc: '2.0', id: 1, method: 'system.multicall', params: { calls: [] } }, { jsonrpc: '2.0', id: 1, result: [] });
    assert.deepEqual(other.map((c) => c.kind), ['unary']);
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

describe('JSON-RPC answered over server-sent events (MCP Streamable HTTP, modelcontextprotocol.io 2025-11-25 "Transports")', () => {
  // As the official MCP TypeScript SDK 1.32's server answers (test/heldout-rpc/mcp/lab.cjs): the POSTed
  // request's answer is an event stream holding the JSON-RPC response (and anything the server sends first).
  const post = (body: unknown) => {
    const b = JSON.stringify(body);
    return `POST /mcp HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nmcp-session-id: s1\r\nContent-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`;
  };
  const sse = (...objects: unknown[]) => {
    const events = objects.map((o) => `event: message\ndata: ${JSON.stringify(o)}\n\n`).join('');
    return `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache, no-transform\r\nContent-Length: ${Buffer.byteLength(events)}\r\n\r\n${events}`;
  };
  const call = (req: unknown, ...answer: unknown[]) =>
    calls([
      { dir: 'c2s', data: post(req) },
      { dir: 's2c', data: sse(...answer) },
    ])[0];
  it('the response object in the stream is the answer: result, or error', () => {
    const c = call({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'add', arguments: { a: 2, b: 3 } } }, { result: { content: [{ type: 'text', text: '5' }] }, jsonrpc: '2.0', id: 2 });
    assert.deepEqual([c.protocol, c.method, c.kind, c.warnings], ['jsonrpc', 'tools/call', 'unary', []]);
    assert.deepEqual(c.response?.value, { content: [{ type: 'text', text: '5' }] });
    assert.equal(c.fields['mcp.tool'], 'add');
    const e = call({ jsonrpc: '2.0', id: 5, method: 'nope/nothing', params: {} }, { jsonrpc: '2.0', id: 5, error: { code: -32601, message: 'Method not found' } });
    assert.deepEqual(e.status, { code: -32601, text: 'Method not found', ok: false });
  });
  it('a notification the server sends first stays a message; the response is found by its id', () => {
    const c = call({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'slow', arguments: {} } }, { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1, total: 2 } }, { jsonrpc: '2.0', id: 7, result: { content: [] } });
    assert.deepEqual(c.response?.value, { content: [] });
    assert.equal(c.messages?.length, 2);
    assert.deepEqual(c.warnings, []);
  });
  it('MCP: a tool result with isError fails the call, with its text', () => {
    const c = call({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'readPerson', arguments: { id: '9' } } }, { result: { content: [{ type: 'text', text: 'no person 9' }], isError: true }, jsonrpc: '2.0', id: 3 });
    assert.deepEqual(c.status, { code: 'isError', text: 'no person 9', ok: false });
    assert.equal(c.fields['mcp.tool_error'], true);
  });
});

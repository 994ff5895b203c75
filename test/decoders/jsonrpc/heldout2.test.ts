/**
 * JSON-RPC 2.0 cases from the second HTTP held-out round (test/heldout-http/go-lab: a hand-written
 * Go net/http server that answers batches in reverse order, as §6 allows).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../../decoders/core/model';
import { calls } from '../http1/feed';

function exchange(request: unknown, response: unknown): Call[] {
  const rq = JSON.stringify(request);
  const rs = JSON.stringify(response);
  return calls([
    { dir: 'c2s', data: `POST /rpc HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(rq)}\r\n\r\n${rq}` },
    { dir: 's2c', data: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(rs)}\r\n\r\n${rs}` },
  ]);
}

const children = (cs: Call[]) => {
  const batch = cs.find((c) => c.kind === 'batch')!;
  return { batch, kids: cs.filter((c) => c.parentId === batch.id) };
};

describe('JSON-RPC 2.0 §4 a request whose id is null, in a §6 batch', () => {
  it('gets the response with id null (a result), not "no response"; the ids "1" and 1 stay apart', () => {
    const { batch, kids } = children(
      exchange(
        [
          { jsonrpc: '2.0', id: null, method: 'mul', params: [1, 2] },
          { jsonrpc: '2.0', id: '1', method: 'mul', params: [1, 3] },
          { jsonrpc: '2.0', id: 1, method: 'mul', params: [1, 4] },
        ],
        [
          { jsonrpc: '2.0', id: 1, result: 4 },
          { jsonrpc: '2.0', id: '1', result: 3 },
          { jsonrpc: '2.0', id: null, result: 2 },
        ],
      ),
    );
    assert.deepEqual(
      kids.map((k) => [k.response?.value, k.state, k.status?.ok]),
      [
        [2, 'complete', true],
        [3, 'complete', true],
        [4, 'complete', true],
      ],
    );
    assert.deepEqual(batch.warnings, []);
  });
  it('next to an element that is not a request: the -32600 error goes to that element, the result to the id-null call', () => {
    const invalid = { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } };
    const { batch, kids } = children(exchange([{ jsonrpc: '2.0', id: null, method: 'mul', params: [2, 2] }, 7], [invalid, { jsonrpc: '2.0', id: null, result: 4 }]));
    assert.deepEqual(
      kids.map((k) => [k.method, k.response?.value, k.status?.code]),
      [
        ['mul', 4, 200],
        ['?', invalid.error, -32600],
      ],
    );
    assert.deepEqual(batch.warnings, []);
  });
  it('an id-null call that failed takes its own error (not a -32600 meant for an invalid element)', () => {
    const { kids } = children(
      exchange(
        [7, { jsonrpc: '2.0', id: null, method: 'nope' }],
        [
          { jsonrpc: '2.0', id: null, error: { code: -32601, message: 'Method not found' } },
          { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } },
        ],
      ),
    );
    assert.deepEqual(
      kids.map((k) => [k.method, k.status?.code]),
      [
        ['?', -32600],
        ['nope', -32601],
      ],
    );
  });
});

/**
 * One capture gap inside an HTTP body carrying JSON-RPC or XML-RPC: one warning per layer that has
 * something to add. HTTP/1 says how many bytes the gap lost; the RPC layer what it could not read
 * (nothing when every member was read); the JSON body layer nothing (its text is what the RPC layer
 * read).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { calls, type Packet } from '../http1/feed';

/** A POST whose body has a `gap`-byte hole at `at` (request or response side), the rest captured. */
function holed(ct: string, request: string, response: string, side: 'c2s' | 's2c', at: number, gap: number): Packet[] {
  const head = (n: number) => `Content-Type: ${ct}\r\nContent-Length: ${n}\r\n\r\n`;
  const out: Packet[] = [];
  const part = (dir: 'c2s' | 's2c', start: string, body: string) => {
    if (dir !== side) return out.push({ dir, data: start + head(body.length) + body });
    out.push({ dir, data: start + head(body.length) + body.slice(0, at) }, { dir, data: '', gap }, { dir, data: body.slice(at + gap) });
  };
  part('c2s', 'POST /rpc HTTP/1.1\r\nHost: h\r\n', request);
  part('s2c', 'HTTP/1.1 200 OK\r\n', response);
  return out;
}

const REQ = '{"jsonrpc":"2.0","id":1,"method":"mul","params":[6,7]}';
const RESP = '{"jsonrpc":"2.0","id":1,"result":{"product":42,"of":[6,7]}}';

describe('one capture gap in a JSON-RPC or XML-RPC body over HTTP/1.1: one warning per layer', () => {
  it('JSON-RPC request cut inside its params: the gap, then what JSON-RPC could not read', () => {
    const [c] = calls(holed('application/json', REQ, RESP, 'c2s', REQ.indexOf('7'), 3));
    assert.equal(c.method, 'mul');
    assert.deepEqual(c.request?.value, [6]);
    assert.deepEqual(c.response?.value, { product: 42, of: [6, 7] });
    assert.deepEqual(c.warnings, ['body incomplete: 3 bytes not captured (capture gap)', 'JSON-RPC request: body not captured whole: params read in part']);
  });

  it('JSON-RPC request cut after its params: only the gap (JSON-RPC read everything)', () => {
    const [c] = calls(holed('application/json', REQ, RESP, 'c2s', REQ.length - 1, 1));
    assert.deepEqual(c.request?.value, [6, 7]);
    assert.deepEqual(c.warnings, ['body incomplete: 1 bytes not captured (capture gap)']);
  });

  it('JSON-RPC response cut inside its result', () => {
    const [c] = calls(holed('application/json', REQ, RESP, 's2c', RESP.indexOf('[6'), 4));
    assert.deepEqual(c.response?.value, { product: 42 });
    assert.deepEqual(c.warnings, ['body incomplete: 4 bytes not captured (capture gap)', 'JSON-RPC response: body not captured whole: result read in part']);
  });

  it('JSON-RPC response cut before its result', () => {
    const [c] = calls(holed('application/json', REQ, RESP, 's2c', 10, 4));
    assert.equal(c.response?.value, undefined);
    assert.deepEqual(c.warnings, ['body incomplete: 4 bytes not captured (capture gap)', 'JSON-RPC response: body not captured whole: no result or error read']);
  });

  it('XML-RPC request cut inside its second param', () => {
    const x = '<?xml version="1.0"?><methodCall><methodName>m</methodName><params><param><value><int>1</int></value></param><param><value><int>2</int></value></param></params></methodCall>';
    const r = '<?xml version="1.0"?><methodResponse><params><param><value><int>3</int></value></param></params></methodResponse>';
    const [c] = calls(holed('text/xml', x, r, 'c2s', x.indexOf('<int>2'), 3));
    assert.equal(c.method, 'm');
    assert.deepEqual(c.request?.value, [1]);
    assert.equal(c.response?.value, 3);
    assert.deepEqual(c.warnings, ['body incomplete: 3 bytes not captured (capture gap)', 'XML-RPC request: body not captured whole: only its first 1 param read']);
  });

  it('a batch request cut inside its second element: the responses to the requests past the cut are counted in its one warning', () => {
    const batch = JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'a', params: [1] },
      { jsonrpc: '2.0', id: 2, method: 'b', params: [2] },
      { jsonrpc: '2.0', id: 3, method: 'c', params: [3] },
      { jsonrpc: '2.0', id: 4, method: 'd', params: [4] },
    ]);
    const resp = JSON.stringify([
      { jsonrpc: '2.0', id: 4, result: 'd' },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } },
      { jsonrpc: '2.0', id: 1, result: 'a' },
      { jsonrpc: '2.0', id: 3, result: 'c' },
      { jsonrpc: '2.0', id: 2, result: 'b' },
    ]);
    const at = batch.indexOf('[2]');
    const cs = calls(holed('application/json', batch, resp, 'c2s', at + 1, 4));
    const outer = cs.find((c) => c.kind === 'batch')!;
    assert.equal(outer.method, 'batch(2+)');
    assert.deepEqual(
      cs.filter((c) => c.parentId === outer.id).map((k) => [k.method, k.response?.value, k.warnings]),
      [
        ['a', 'a', []],
        ['b', 'b', ['request cut by the capture: params read in part']],
      ],
    );
    assert.deepEqual(outer.warnings, [
      'body incomplete: 4 bytes not captured (capture gap)',
      '1 batch responses without a usable id',
      'JSON-RPC request: body not captured whole: only its first 2 requests read; 2 responses answer requests not captured',
    ]);
  });
});

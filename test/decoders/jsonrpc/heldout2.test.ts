/**
 * JSON-RPC 2.0 cases from the second HTTP held-out round (test/heldout-http/go-lab: a hand-written
 * Go net/http server that answers batches in reverse order, as §6 allows).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Call } from '../../../decoders/core/model';
import { calls } from '../http1/feed';
import { parseJsonPrefix } from '../../../decoders/jsonrpc/partial';
import { parseJsonExact } from '../../../decoders/http-common/body';

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

/**
 * A request whose body the capture cut (tcpdump -s 256 of go-lab: Go writes head and body in one
 * segment), then the response, possibly cut too: the body's captured start, then a gap.
 */
function cutExchange(request: string, keep: number, response: string, keepResp = response.length): Call[] {
  const head = (n: number, ct = 'application/json') => `Content-Type: ${ct}\r\nContent-Length: ${n}\r\n\r\n`;
  const packets: Parameters<typeof calls>[0] = [{ dir: 'c2s', data: `POST /rpc HTTP/1.1\r\nHost: h\r\n${head(Buffer.byteLength(request))}${request.slice(0, keep)}` }];
  if (keep < request.length) packets.push({ dir: 'c2s', data: '', gap: request.length - keep });
  packets.push({ dir: 's2c', data: `HTTP/1.1 200 OK\r\n${head(response.length)}${response.slice(0, keepResp)}` });
  if (keepResp < response.length) packets.push({ dir: 's2c', data: '', gap: response.length - keepResp });
  return calls(packets);
}

describe('JSON-RPC 2.0 request bodies cut by the capture (snaplen): read from what was captured', () => {
  const req = '{"jsonrpc":"2.0","id":1,"method":"mul","params":[6,7]}';
  it('cut after the method: a jsonrpc call named by it, the complete response read, a warning says what is missing', () => {
    const [c] = cutExchange(req, req.indexOf(',"params"') + 5, '{"jsonrpc":"2.0","id":1,"result":42}');
    assert.equal(c.protocol, 'jsonrpc');
    assert.equal(c.method, 'mul');
    assert.equal(c.kind, 'unary');
    assert.equal(c.fields['jsonrpc.id'], 1);
    assert.equal(c.response?.value, 42);
    assert.equal(c.request?.value, undefined);
    assert.ok(c.warnings.some((w) => /^JSON-RPC request: body not captured whole: params not read$/.test(w)), c.warnings.join(' | '));
  });
  it('cut inside the params: the params read so far, marked in part', () => {
    const [c] = cutExchange(req, req.indexOf('7'), '{"jsonrpc":"2.0","id":1,"result":42}');
    assert.deepEqual(c.request?.value, [6]);
    assert.ok(c.warnings.some((w) => /params read in part$/.test(w)), c.warnings.join(' | '));
  });
  it('cut before the method name ended: method "?", the answer still read; a cut error keeps its code', () => {
    const r = '{"jsonrpc":"2.0","id":"u-0","error":{"code":404,"message":"no such user"}}';
    const [c] = cutExchange('{"jsonrpc":"2.0","id":"u-0","method":"user.get","params":{"id":0}}', 35, r, r.indexOf('"message"') + 5);
    assert.equal(c.protocol, 'jsonrpc');
    assert.equal(c.method, '?');
    assert.deepEqual(c.status, { code: 404, text: undefined, ok: false });
    assert.ok(c.warnings.includes('JSON-RPC response: body not captured whole: error read in part'), c.warnings.join(' | '));
  });
  it('a cut batch lists the requests captured with their method; responses to the others are counted', () => {
    const batch = JSON.stringify([
      { jsonrpc: '2.0', id: 10, method: 'mul', params: [2, 3] },
      { jsonrpc: '2.0', method: 'log', params: ['note'] },
      { jsonrpc: '2.0', id: 11, method: 'mul', params: [1] },
    ]);
    const resp = JSON.stringify([
      { jsonrpc: '2.0', id: 11, error: { code: -32602, message: 'Invalid params' } },
      { jsonrpc: '2.0', id: 10, result: 6 },
    ]);
    const cs = cutExchange(batch, batch.indexOf('"params":["note"'), resp);
    const outer = cs.find((c) => c.kind === 'batch')!;
    assert.equal(outer.method, 'batch(2+)');
    const kids = cs.filter((c) => c.parentId === outer.id);
    assert.deepEqual(
      kids.map((k) => [k.method, k.kind, k.response?.value ?? null]),
      [
        ['mul', 'unary', 6],
        ['log', 'oneway', null],
      ],
    );
    assert.ok(outer.warnings.some((w) => /only its first 2 requests read; 1 response answers a request not captured$/.test(w)), outer.warnings.join(' | '));
    assert.deepEqual(kids[1].warnings, ['request cut by the capture: params not read; no id read: a call or a notification']);
  });
  it('a cut batch response: a request whose answer lies past the cut is incomplete, and says so', () => {
    const batch = JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'a' },
      { jsonrpc: '2.0', id: 2, method: 'b' },
    ]);
    const resp = JSON.stringify([
      { jsonrpc: '2.0', id: 2, result: 'B' },
      { jsonrpc: '2.0', id: 1, result: 'A' },
    ]);
    const cs = cutExchange(batch, batch.length, resp, resp.indexOf('"result":"A"'));
    const kids = cs.filter((c) => c.parentId !== undefined);
    assert.deepEqual(
      kids.map((k) => [k.method, k.response?.value ?? null, k.state]),
      [
        ['a', null, 'incomplete'],
        ['b', 'B', 'complete'],
      ],
    );
    assert.deepEqual(kids[0].warnings, ['no response with id 1 in the batch response as far as it was captured']);
  });
  it('JSON that is not JSON-RPC, cut, stays HTTP', () => {
    const body = '{"user":{"name":"ada","roles":["admin","dev"]}}';
    const [c] = cutExchange(body, 20, '{"ok":true}');
    assert.equal(c.protocol, 'http');
  });
});

describe('parseJsonPrefix (RFC 8259 text cut anywhere)', () => {
  it('every prefix parses without throwing; only the whole value (trailing spaces aside) is complete and equals JSON.parse', () => {
    for (const text of [
      '[{"jsonrpc":"2.0","id":10,"method":"mul","params":[2.5e3,-3,true,null,"a\\"b\\u00e9"]},{"x":{}} ]',
      ' {"a" : [ [], {}, 0, -0.5, 1E+2 ], "b":"\\n"} ',
    ]) {
      for (let k = 0; k <= text.length; k++) {
        const p = parseJsonPrefix(text.slice(0, k));
        if (text.slice(k).trim() === '') {
          assert.equal(p?.complete, true);
          assert.deepEqual(p?.value, JSON.parse(text));
        } else assert.notEqual(p?.complete, true, `complete at ${k}: ${text.slice(0, k)}`);
      }
    }
  });
  it('RFC 8259 §6: a whole integer a double cannot hold keeps its digits, as in a whole body (the id of a cut request still matches its answer)', () => {
    assert.deepEqual(parseJsonPrefix('{"id":9007199254740993,"n":-18446744073709551615,"ok":9007199254740991,"f":1.5e300,"m":"x')?.value, {
      id: '9007199254740993',
      n: '-18446744073709551615',
      ok: 9007199254740991,
      f: 1.5e300,
    });
    // the same rule as a whole body (parseJsonExact): 2^53 and 2^60, which a double holds exactly, stay numbers
    const text = '{"a":9007199254740992,"b":1152921504606846976,"c":-9007199254740992,"d":9007199254740993}';
    const whole = parseJsonExact(text).value;
    assert.deepEqual(whole, { a: 9007199254740992, b: 2 ** 60, c: -9007199254740992, d: '9007199254740993' });
    assert.deepEqual(parseJsonPrefix(text)?.value, whole);
    assert.deepEqual(parseJsonPrefix(`${text.slice(0, -1)},"e":`)?.value, whole);
  });
  it('a cut number or word is left out (12 may have been 123), a syntax error is not JSON', () => {
    assert.deepEqual(parseJsonPrefix('{"a":1,"b":12')?.value, { a: 1 });
    assert.deepEqual(parseJsonPrefix('{"a":1.')?.value, {});
    assert.deepEqual(parseJsonPrefix('[true,fa')?.value, [true]);
    assert.equal(parseJsonPrefix('{"a":1}}'), undefined);
    assert.equal(parseJsonPrefix('{a:1'), undefined);
  });
  it('a large cut batch parses in linear time', () => {
    const one = '{"jsonrpc":"2.0","id":1,"method":"m","params":["xxxxxxxxxxxxxxxxxxxxxxxxxx"]},';
    const text = `[${one.repeat(20_000)}{"jsonrpc"`;
    const t0 = performance.now();
    const p = parseJsonPrefix(text);
    assert.equal((p?.value as unknown[]).length, 20_001);
    assert.ok(performance.now() - t0 < 2000, `${performance.now() - t0} ms`);
  });
});

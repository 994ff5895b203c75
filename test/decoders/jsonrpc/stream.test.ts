import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec, probeJsonRpc } from '../../../decoders/jsonrpc/stream';
import { run, assertSplitInvariant, fuzz, type Script } from '../calls/harness';
import { testSession } from '../../helpers/session';
import { toHex } from '../../../decoders/core/bytes';
import { feedWithGaps, type GapStep } from '../../helpers/gaps';
import type { StreamDecoder } from '../../../decoders/core/decoder';

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (s: string) => toHex(enc(s));

// Go 1.19 net/rpc/jsonrpc client → server on 127.0.0.1:9422, one TCP segment per message.
const GO: Script = [
  ['c2s', '7b226d6574686f64223a2241726974682e4d756c7469706c79222c22706172616d73223a5b7b2241223a362c2242223a377d5d2c226964223a307d0a'],
  ['s2c', '7b226964223a302c22726573756c74223a34322c226572726f72223a6e756c6c7d0a'],
  ['c2s', '7b226d6574686f64223a2241726974682e446976696465222c22706172616d73223a5b7b2241223a312c2242223a307d5d2c226964223a317d0a'],
  ['s2c', '7b226964223a312c22726573756c74223a6e756c6c2c226572726f72223a22646976696465206279207a65726f227d0a'],
  ['c2s', '7b226d6574686f64223a2241726974682e4e6f7065222c22706172616d73223a5b7b2241223a312c2242223a347d5d2c226964223a337d0a'],
  ['s2c', '7b226964223a332c22726573756c74223a6e756c6c2c226572726f72223a227270633a2063616e27742066696e64206d6574686f642041726974682e4e6f7065227d0a'],
];

describe('JSON-RPC 1.0 §2 over a raw TCP stream (Go net/rpc/jsonrpc)', () => {
  it('probes the first bytes of a request or a response', () => {
    assert.equal(probeJsonRpc(enc('{"method":"Arith.Multiply","params":[{"A":6}],"id":0}\n'), 'c2s'), 'accept');
    assert.equal(probeJsonRpc(enc('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}'), 'c2s'), 'accept');
    assert.equal(probeJsonRpc(enc('{"id":0,"result":42,"error":null}\n'), 's2c'), 'accept');
    assert.equal(probeJsonRpc(enc('Content-Length: 52\r\n\r\n'), 'c2s'), 'accept');
    assert.equal(probeJsonRpc(enc('{"'), 'c2s'), 'need-more');
    assert.equal(probeJsonRpc(enc('GET / HTTP/1.1\r\n'), 'c2s'), 'reject');
    assert.equal(probeJsonRpc(enc('{"name":"not rpc","value":1234567890,"more":"padding padding padding"}'), 'c2s'), 'reject');
  });
  it('pairs each request with the response of the same id: result, and errors as strings', () => {
    const { calls, session } = run(spec, GO, undefined, 9422, 'fin');
    assert.deepEqual(session.warnings, []);
    assert.deepEqual(calls.map((c) => [c.method, c.kind, c.state, c.status?.ok, c.fields['jsonrpc.id']]), [
      ['Arith.Multiply', 'unary', 'complete', true, 0],
      ['Arith.Divide', 'unary', 'complete', false, 1],
      ['Arith.Nope', 'unary', 'complete', false, 3],
    ]);
    assert.deepEqual(calls[0].request?.value, [{ A: 6, B: 7 }]);
    assert.equal(calls[0].response?.value, 42);
    assert.deepEqual(calls[1].status, { code: 'error', text: 'divide by zero', ok: false });
    assert.equal(calls[0].fields['jsonrpc.version'], '1.0');
    assert.deepEqual(calls[0].frames, [1, 2]);
    assert.equal(calls[0].timing.endUs, 1_001_000);
    for (const c of calls) assert.deepEqual(c.warnings, []);
  });
  it('gives the same calls whatever the segmentation', () => assertSplitInvariant(spec, GO, 9422));
  it('all messages in one segment, without newlines between them', () => {
    const { calls } = run(spec, [['c2s', GO[0][1].replace(/0a$/, '') + GO[2][1]], ['s2c', GO[3][1] + GO[1][1]]], undefined, 9422);
    assert.deepEqual(calls.map((c) => [c.method, c.response?.value]), [['Arith.Divide', 'divide by zero'], ['Arith.Multiply', 42]]);
  });
  it('an unanswered request when the connection closes is aborted; at the capture end, incomplete', () => {
    assert.equal(run(spec, [GO[0]], undefined, 9422, 'rst').calls[0].state, 'aborted');
    assert.equal(run(spec, [GO[0]], undefined, 9422).calls[0].state, 'incomplete');
  });
  it('a response whose request was not captured is kept, with a warning', () => {
    const { calls } = run(spec, [GO[1]], undefined, 9422);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].response?.value, 42);
    assert.match(calls[0].warnings[0], /request is not in the capture/);
  });
  it('never throws on mutated input', () => fuzz(spec, [GO]));
});

describe('LSP base protocol: Content-Length framing, requests both ways, notifications', () => {
  const framed = (o: unknown) => {
    const body = JSON.stringify(o);
    return hex(`Content-Length: ${enc(body).length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${body}`);
  };
  const script: Script = [
    ['c2s', framed({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null } })],
    ['s2c', framed({ jsonrpc: '2.0', id: 1, result: { capabilities: {} } })],
    ['c2s', framed({ jsonrpc: '2.0', method: 'initialized', params: {} })],
    ['s2c', framed({ jsonrpc: '2.0', id: 0, method: 'window/workDoneProgress/create', params: { token: 't' } })],
    ['c2s', framed({ jsonrpc: '2.0', id: 0, result: null })],
    ['c2s', framed({ jsonrpc: '2.0', id: 2, method: 'shutdown' })],
    ['s2c', framed({ jsonrpc: '2.0', id: 2, error: { code: -32600, message: 'not now' } })],
  ];
  it('decodes every message; a server request is paired with the client answer', () => {
    const { calls, session } = run(spec, script, undefined, 2087);
    assert.deepEqual(session.warnings, []);
    assert.deepEqual(calls.map((c) => [c.method, c.kind, c.fields['jsonrpc.direction'] ?? 'c2s', c.status?.code]), [
      ['initialize', 'unary', 'c2s', 0],
      ['initialized', 'oneway', 'c2s', undefined],
      ['window/workDoneProgress/create', 'unary', 'server-to-client', 0],
      ['shutdown', 'unary', 'c2s', -32600],
    ]);
    assert.equal(calls[0].fields['jsonrpc.transport'], 'tcp-content-length');
  });
  it('gives the same calls whatever the segmentation', () => assertSplitInvariant(spec, script.slice(0, 3), 2087));
});

describe('Gaps (bytes not captured: snaplen, loss) in a JSON-RPC stream', () => {
  /** Feed text segments and gaps (of that many bytes, in that direction). */
  function feed(steps: GapStep[]) {
    const session = testSession({ flow: { server: { ip: '127.0.0.1', port: 9422 } } });
    feedWithGaps(spec.create(session) as StreamDecoder, steps, { bytesOf: enc, how: 'fin' });
    return session;
  }
  it('a request cut after its id is listed and paired, with the params read so far; a segment that starts a message ends the resynchronisation', () => {
    // jayson over TCP: members in this order, one message per segment
    const s = feed([
      ['c2s', '{"method":"add","jsonrpc":"2.0","id":"a1","params":[3,'],
      ['gap', 'c2s', 4],
      ['s2c', '{"jsonrpc":"2.0","id":"a1","result":7}\n'],
      ['c2s', '{"method":"add","jsonrpc":"2.0","id":"a2","params":[1,1]}\n'],
      ['s2c', '{"jsonrpc":"2.0","id":"a2","error":{"code":4000,"message":"no'],
      ['gap', 's2c', 20],
    ]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.fields['jsonrpc.id'], c.state, c.request?.value, c.response?.value, c.status?.code]), [
      ['add', 'a1', 'complete', [3], 7, 0],
      ['add', 'a2', 'complete', [1, 1], { code: 4000 }, 4000],
    ]);
    assert.equal(s.calls[1].status?.text, undefined);
    assert.deepEqual(s.calls[0].warnings, ['request not captured whole (capture gap): params read in part']);
    assert.deepEqual(s.calls[1].warnings, ['response not captured whole (capture gap): error read in part']);
  });
  it('a cut batch: its whole elements are decoded, the cut one named', () => {
    const s = feed([
      ['c2s', '[{"method":"ping","jsonrpc":"2.0","params":[],"id":"p"},{"method":"add","jsonrpc":"2.0","params":[1,1],"id":"q"},{"method":"ping","jso'],
      ['gap', 'c2s', 30],
      ['s2c', '[{"jsonrpc":"2.0","id":"p","result":"pong"},{"jsonrpc":"2.0","id":"q","result":2}]\n'],
    ]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.fields['jsonrpc.id'] ?? null, c.state, c.response?.value ?? null]), [
      ['ping', null, 'incomplete', null],
      ['ping', 'p', 'complete', 'pong'],
      ['add', 'q', 'complete', 2],
    ]);
    assert.deepEqual(s.calls[0].warnings, ['request not captured whole (capture gap): its id was not captured, so it is not paired']);
  });
  it('the cut message is read as a JSON prefix, not searched: an "id" or "error" member inside params or a result is not taken for the top-level one', () => {
    const s = feed([
      ['c2s', '{"jsonrpc":"2.0","method":"find","params":{"id":5,"name":"ab'],
      ['gap', 'c2s', 12],
      ['c2s', '{"jsonrpc":"2.0","id":1,"method":"get"}\n'],
      ['s2c', '{"jsonrpc":"2.0","id":5,"result":[]}\n'],
      ['s2c', '{"jsonrpc":"2.0","id":1,"result":{"error":{"code":3,"msg":"x'],
      ['gap', 's2c', 10],
    ]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.fields['jsonrpc.id'] ?? null, c.state, c.status?.ok ?? null, c.response?.value ?? null]), [
      ['find', null, 'incomplete', null, null],
      ['?', null, 'incomplete', true, []],
      ['get', 1, 'complete', true, { error: { code: 3 } }],
    ]);
    assert.deepEqual(s.calls[0].warnings, ['request not captured whole (capture gap): its id was not captured, so it is not paired']);
    assert.deepEqual(s.calls[0].request?.value, { id: 5 });
    assert.deepEqual(s.calls[2].warnings, ['response not captured whole (capture gap): result read in part']);
  });
  it('a cut request with a 64-bit id keeps its digits and pairs with its answer', () => {
    const s = feed([
      ['c2s', '{"jsonrpc":"2.0","id":12345678901234567890,"method":"put","params":["abc'],
      ['gap', 'c2s', 5],
      ['s2c', '{"jsonrpc":"2.0","id":12345678901234567890,"result":true}\n'],
    ]);
    assert.deepEqual(s.calls.map((c) => [c.method, c.fields['jsonrpc.id'], c.state, c.response?.value]), [['put', '12345678901234567890', 'complete', true]]);
  });
});

describe('Stratum (JSON-RPC 1.0 as mining pools speak it, newline-delimited over TCP)', () => {
  it('an error sent as [code, message, traceback] gives the status its code and message', () => {
    const script: Script = [
      ['c2s', hex('{"id":4,"method":"mining.submit","params":["w.rig","job7","00000000","5f1e","0a0b"]}\n')],
      ['s2c', hex('{"id":4,"result":null,"error":[21,"Stale job!",null]}\n')],
      ['c2s', hex('{"id":5,"method":"mining.submit","params":["w.rig","job8","00000001","5f1f","0a0c"]}\n')],
      ['s2c', hex('{"id":5,"result":true,"error":null}\n')],
    ];
    const { calls } = run(spec, script, undefined, 3333, 'fin');
    assert.deepEqual(calls.map((c) => [c.method, c.status]), [
      ['mining.submit', { code: 21, text: 'Stale job!', ok: false }],
      ['mining.submit', { code: 0, text: 'OK', ok: true }],
    ]);
  });
});

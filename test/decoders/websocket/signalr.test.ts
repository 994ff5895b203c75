/**
 * SignalR's JSON hub protocol over WebSocket (aspnetcore SignalR HubProtocol.md: records ended by 0x1E;
 * handshake, 1 Invocation, 2 StreamItem, 3 Completion, 4 StreamInvocation, 6 Ping, 7 Close). The texts
 * are what the @microsoft/signalr 10 client sent and what a hub answered (test/heldout-rpc/signalr/lab.cjs).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/websocket/index';
import { feedWs, wsFrameHex } from './ws-feed';
import type { Call } from '../../../decoders/core/model';
import { assertSplitInvariant } from '../calls/harness';

const RS = '\x1e';
const frame = (dir: 'c2s' | 's2c', t: string) => wsFrameHex(dir, t);
const SESSION: Array<['c2s' | 's2c', string]> = [
  ['c2s', frame('c2s', `{"protocol":"json","version":1}${RS}`)],
  ['s2c', frame('s2c', `{}${RS}`)],
  ['c2s', frame('c2s', `{"type":6}${RS}`)],
  ['c2s', frame('c2s', `{"target":"SendMessage","arguments":["ada","hello"],"invocationId":"0","type":1}${RS}`)],
  ['s2c', frame('s2c', `{"type":1,"target":"ReceiveMessage","arguments":["ada","hello"]}${RS}{"type":3,"invocationId":"0","result":{"delivered":true}}${RS}`)],
  ['c2s', frame('c2s', `{"target":"Fail","arguments":[],"invocationId":"1","type":1}${RS}`)],
  ['s2c', frame('s2c', `{"type":3,"invocationId":"1","error":"An unexpected error occurred invoking 'Fail' on the server."}${RS}`)],
  ['c2s', frame('c2s', `{"target":"Counter","arguments":[7],"invocationId":"2","type":4}${RS}`)],
  ['s2c', frame('s2c', `{"type":2,"invocationId":"2","item":7}${RS}`)],
  ['s2c', frame('s2c', `{"type":2,"invocationId":"2","item":14}${RS}`)],
  ['s2c', frame('s2c', `{"type":3,"invocationId":"2"}${RS}`)],
  ['c2s', frame('c2s', `{"type":7}${RS}`)],
];

const feed = (script: Array<['c2s' | 's2c', string]>): Call[] => feedWs('/chat?id=t1', [], script.map(([d, h]) => [d, Buffer.from(h, 'hex')])).calls;

describe('SignalR JSON hub protocol over WebSocket', () => {
  it('handshake, an invocation and its completion, the hub calling the client, an error, a stream; pings make no calls', () => {
    const cs = feed(SESSION);
    assert.deepEqual(
      cs.map((c) => `${c.method} ${c.kind} ${c.status?.code ?? ''}`.trim()),
      ['handshake unary ok', 'ReceiveMessage oneway', 'SendMessage unary completion', 'Fail unary error', 'Counter server-stream completion', 'close event'],
    );
    const send = cs[2];
    assert.deepEqual(send.request?.value, ['ada', 'hello']);
    assert.deepEqual(send.response?.value, { delivered: true });
    assert.equal(cs[1].fields['websocket.dir'], 's2c', 'the hub called the client');
    assert.match(cs[3].status?.text ?? '', /invoking 'Fail'/);
    assert.deepEqual(cs[4].messages!.filter((m) => m.label === 'stream item').map((m) => m.value), [7, 14]);
    assert.ok(cs.every((c) => c.protocol === 'signalr'));
  });

  it('a stream the caller cancels (CancelInvocation, type 5) is complete and says so', () => {
    const cs = feed([
      ['c2s', frame('c2s', `{"protocol":"json","version":1}${RS}`)],
      ['s2c', frame('s2c', `{}${RS}`)],
      ['c2s', frame('c2s', `{"target":"Counter","arguments":[7],"invocationId":"5","type":4}${RS}`)],
      ['s2c', frame('s2c', `{"type":2,"invocationId":"5","item":7}${RS}`)],
      ['c2s', frame('c2s', `{"type":5,"invocationId":"5"}${RS}`)],
    ]);
    const stream = cs.find((c) => c.method === 'Counter')!;
    assert.equal(stream.state, 'complete');
    assert.deepEqual(stream.status, { code: 'cancelled', text: 'by the caller', ok: true });
  });

  it('recognised without the upgrade request by its handshake; any split gives the same calls', () => {
    assertSplitInvariant(spec, SESSION);
  });
});

describe('SignalR MessagePack hub protocol (HubProtocol.md, "MessagePack Encoding") over WebSocket', () => {
  // Records as @microsoft/signalr-protocol-msgpack writes them: VarInt length, then an array by
  // position (hex written by python3-msgpack from the same arrays; test/heldout-rpc/signalr/lab.cjs
  // records the real client).
  const bin = (dir: 'c2s' | 's2c', hex: string) => wsFrameHex(dir, Buffer.from(hex, 'hex'), 0x82);
  const MP: Array<['c2s' | 's2c', string]> = [
    ['c2s', frame('c2s', `{"protocol":"messagepack","version":1}${RS}`)],
    ['s2c', frame('s2c', `{}${RS}`)],
    // Invocation [1, {}, "0", "SendMessage", ["ada", "hello"], []]
    ['c2s', bin('c2s', '1d960180a130ab53656e644d65737361676592a3616461a568656c6c6f90')],
    // the hub calls the client: [1, {}, nil, "ReceiveMessage", …], then Completion [3, {}, "0", 3, {delivered: true}] — two records in one message
    ['s2c', bin('s2c', '1f960180c0ae526563656976654d65737361676592a3616461a568656c6c6f90' + '12950380a1300381a964656c697665726564c3')],
    // StreamInvocation [4, {}, "2", "Counter", [7], []], items 7 and 14, a void completion
    ['c2s', bin('c2s', '10960480a132a7436f756e746572910790')],
    ['s2c', bin('s2c', '06940280a1320706940280a1320e')],
    ['s2c', bin('s2c', '06940380a13202')],
    // an error completion for an invocation "1", a ping (no call), a close [7, nil, false]
    ['c2s', bin('c2s', '1d960180a131ab53656e644d65737361676592a3616461a568656c6c6f90')],
    ['s2c', bin('s2c', '0b950380a13101a4626f6f6d' + '029106')],
    ['s2c', bin('s2c', '049307c0c2')],
  ];
  it('the same calls as the JSON protocol: invocations answered by completions, the hub calling back, a stream with its items, an error, close', () => {
    const calls = feed(MP);
    const brief = calls.map((c) => [c.protocol, c.method, c.kind, c.status?.code ?? '']);
    assert.deepEqual(brief, [
      ['signalr', 'handshake', 'unary', 'ok'],
      ['signalr', 'ReceiveMessage', 'oneway', ''],
      ['signalr', 'SendMessage', 'unary', 'completion'],
      ['signalr', 'Counter', 'server-stream', 'completion'],
      ['signalr', 'SendMessage', 'unary', 'error'],
      ['signalr', 'close', 'event', ''],
    ]);
    assert.equal(calls[0].fields['signalr.protocol'], 'messagepack');
    assert.deepEqual(calls[2].request?.value, ['ada', 'hello']);
    assert.deepEqual(calls[2].response?.value, { delivered: true });
    assert.equal(calls[2].request?.body?.kind, 'msgpack');
    assert.deepEqual(calls[3].messages?.filter((x) => x.label === 'stream item').map((x) => x.value), [7, 14]);
    assert.equal(calls[4].status?.text, 'boom');
  });
  it('any split gives the same calls', () => {
    assertSplitInvariant(spec, MP);
  });
  it('a binary message that is not VarInt-framed MessagePack is a warning, and stays a WebSocket message', () => {
    const script: Array<['c2s' | 's2c', string]> = [...MP.slice(0, 2), ['c2s', bin('c2s', 'ff')]];
    const { calls, warnings } = feedWs('/chat', [], script.map(([d, h]) => [d, Buffer.from(h, 'hex')]));
    assert.match(warnings.join(' '), /not length-prefixed MessagePack/);
    assert.equal(calls.at(-1)?.protocol, 'websocket');
  });
});

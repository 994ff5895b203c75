/**
 * JSON integers beyond ±2^53 in message payloads keep their digits (as exact strings, as HTTP JSON
 * bodies do), with a note on the call saying so: WebSocket messages, broker payloads, JSON-RPC
 * over TCP and over WebSocket.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpUpgradeInit } from '../../../decoders/core/handoff';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { toHex } from '../../../decoders/core/bytes';
import { spec as websocket } from '../../../decoders/websocket/index';
import { spec as mqtt } from '../../../decoders/mqtt/index';
import { spec as stomp } from '../../../decoders/stomp/index';
import { spec as jsonrpcTcp } from '../../../decoders/jsonrpc/stream';
import { payloadBody as brokerPayload } from '../../../decoders/calls/payload';
import { payloadBody as messagePayload, payloadValue } from '../../../decoders/websocket/payload';
import { DEFAULT_LIMITS } from '../../../decoders/core/env';
import { run } from './harness';
import { replay, seg } from '../redis/feed';
import { C311, CONNACK } from '../mqtt/packets';

const BIG = '{"id":12345678901234567890}';
const NOTE = 'payload: 1 integer beyond ±2^53 kept as exact strings (a JSON number that large loses digits as a double)';
const enc = (s: string) => new TextEncoder().encode(s);
/** A WebSocket handshake at `uri` handed over by the HTTP layer. */
const upgrade = (uri: string): HttpUpgradeInit => ({
  kind: 'http-upgrade',
  protocol: 'websocket',
  request: { method: 'GET', uri, headers: [], startUs: 0, endUs: 0, frame: 1 },
  response: { status: 101, reason: 'Switching Protocols', headers: [['Upgrade', 'websocket']], startUs: 0, endUs: 0, frame: 2 },
  upgradeCallId: 1,
});

describe('JSON integers beyond ±2^53 in message payloads keep their digits', () => {
  it('the two payload decoders: exact digits, and a note for the call', () => {
    const notes: string[] = [];
    assert.deepEqual(brokerPayload(enc(BIG), BIG.length, DEFAULT_LIMITS, undefined, undefined, notes).value, { id: '12345678901234567890' });
    assert.deepEqual(messagePayload(enc(BIG), DEFAULT_LIMITS, undefined, BIG.length, notes).value, { id: '12345678901234567890' });
    assert.deepEqual(payloadValue(enc('[9007199254740993,1]'), DEFAULT_LIMITS, notes), ['9007199254740993', 1]);
    assert.deepEqual(notes, [NOTE, NOTE, NOTE]);
    // within ±2^53 (and inside strings): numbers as before, no note
    const none: string[] = [];
    assert.deepEqual(brokerPayload(enc('{"n":9007199254740991,"s":"12345678901234567890"}'), 48, DEFAULT_LIMITS, undefined, undefined, none).value, { n: 9007199254740991, s: '12345678901234567890' });
    assert.deepEqual(none, []);
  });

  it('a WebSocket text message', () => {
    const init = upgrade('/ws');
    const s = replay((x: DecoderSession) => websocket.create(x, init) as StreamDecoder, [seg('s2c', `81${BIG.length.toString(16).padStart(2, '0')}${toHex(enc(BIG))}`)]);
    assert.equal(s.calls.length, 1);
    assert.deepEqual(s.calls[0].response?.body?.value, { id: '12345678901234567890' });
    assert.deepEqual(s.calls[0].warnings, [NOTE]);
  });

  it('JSON-RPC over WebSocket: a 64-bit id pairs the request with its response, digits kept', () => {
    const init = upgrade('/rpc');
    const frame = (t: string) => `81${t.length.toString(16).padStart(2, '0')}${toHex(enc(t))}`;
    const s = replay((x: DecoderSession) => websocket.create(x, init) as StreamDecoder, [
      // (unmasked both ways: the decoder does not insist on masking)
      seg('c2s', frame('{"jsonrpc":"2.0","id":12345678901234567890,"method":"m"}')),
      seg('s2c', frame('{"jsonrpc":"2.0","id":12345678901234567891,"result":1}')),
      seg('s2c', frame('{"jsonrpc":"2.0","id":12345678901234567890,"result":2}')),
    ]);
    const call = s.calls.find((c) => c.method === 'm')!;
    assert.equal(call.fields['jsonrpc.id'], '12345678901234567890');
    assert.equal(call.status?.ok, true);
    assert.deepEqual(call.response?.body?.value, { jsonrpc: '2.0', id: '12345678901234567890', result: 2 });
  });

  it('an MQTT PUBLISH payload', () => {
    const topic = 't/1';
    const body = `${toHex(enc(topic)).padStart(4 + 2 * topic.length, '0').replace(/^0000/, '0003')}${toHex(enc(BIG))}`;
    const pub = `30${(body.length / 2).toString(16).padStart(2, '0')}${body}`;
    const { calls } = run(mqtt, [
      ['c2s', C311],
      ['s2c', CONNACK],
      ['c2s', pub],
    ]);
    const p = calls.find((c) => c.method === 'PUBLISH')!;
    assert.deepEqual(p.request?.body?.value, { id: '12345678901234567890' });
    assert.deepEqual(p.warnings, [NOTE]);
  });

  it('a STOMP SEND body', () => {
    const frame = `SEND\ndestination:/queue/a\ncontent-type:application/json\n\n${BIG}\0`;
    const { calls } = run(stomp, [['c2s', toHex(enc(frame))]], undefined, 61613);
    const send = calls.find((c) => c.method === 'SEND')!;
    assert.deepEqual(send.request?.body?.value, { id: '12345678901234567890' });
    assert.ok(send.warnings.includes(NOTE), send.warnings.join(' | '));
  });

  it('JSON-RPC over TCP: the 64-bit id pairs, params keep their digits', () => {
    const { calls } = run(jsonrpcTcp, [
      ['c2s', toHex(enc('{"jsonrpc":"2.0","id":18446744073709551615,"method":"get","params":[12345678901234567890]}\n'))],
      ['s2c', toHex(enc('{"jsonrpc":"2.0","id":18446744073709551615,"result":-12345678901234567890}\n'))],
    ]);
    assert.equal(calls.length, 1);
    const c = calls[0];
    assert.equal(c.fields['jsonrpc.id'], '18446744073709551615');
    assert.deepEqual(c.request?.value, ['12345678901234567890']);
    assert.equal(c.response?.value, '-12345678901234567890');
    assert.deepEqual(c.warnings, [`request ${NOTE.replace('1 integer', '2 integers')}`, `response ${NOTE.replace('1 integer', '2 integers')}`]);
  });
});

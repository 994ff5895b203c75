/**
 * Fuzz: the layers read from WebSocket text (Socket.IO packets, GraphQL over WebSocket messages, SignalR records)
 * and the GraphQL scanners (operations, schemas) take mutated and random text without throwing or
 * hanging. Seeds are real packets of the socketio-chat and graphql-person-api samples.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feedWs, wsFrame } from './ws-feed';
import { operationInfo } from '../../../decoders/graphql/operation';
import { buildGraphqlDefinitions } from '../../../decoders/graphql/schema';
import { parseSio, pollingPackets } from '../../../decoders/websocket/socketio';
import { rng } from '../calls/harness';

const SIO = ['0{"sid":"a","upgrades":[],"pingInterval":25000}', '40', '40{"sid":"b"}', '420["chat message",{"seq":1}]', '430[{"ok":true}]', '451-1["upload","x",{"_placeholder":true,"num":0}]', '44/admin,{"message":"no"}', '2probe', '3', '41'];
const GQL = ['{"type":"connection_init"}', '{"type":"connection_ack"}', '{"id":"1","type":"subscribe","payload":{"query":"subscription { a(x: 1) { b } }"}}', '{"id":"1","type":"next","payload":{"data":{"a":{"b":1}}}}', '{"id":"1","type":"error","payload":[{"message":"m"}]}', '{"id":"1","type":"complete"}', '{"type":"ping"}'];
const SIGNALR = ['{"protocol":"json","version":1}\x1e', '{}\x1e', '{"target":"Send","arguments":["a"],"invocationId":"0","type":1}\x1e', '{"type":3,"invocationId":"0","result":1}\x1e', '{"type":4,"target":"C","arguments":[7],"invocationId":"1"}\x1e{"type":2,"invocationId":"1","item":7}\x1e', '{"type":7,"error":"x"}\x1e'];
const ALPHABET = '[]{}",:0123456789-/#.\\ \nabcdeqrstuvwxyz_@!$()=';

function mutate(s: string, r: () => number): string {
  const c = [...s];
  for (let k = 1 + Math.floor(r() * 4); k > 0; k--) {
    const at = Math.floor(r() * (c.length + 1));
    const op = r();
    const ch = ALPHABET[Math.floor(r() * ALPHABET.length)];
    if (op < 0.4 && c.length) c[Math.min(at, c.length - 1)] = ch;
    else if (op < 0.7) c.splice(at, 1);
    else c.splice(at, 0, ch);
  }
  return c.join('');
}

function feed(uri: string, sub: string | undefined, msgs: string[], r: () => number): void {
  feedWs(uri, sub ? [['Sec-WebSocket-Protocol', sub]] : [], msgs.map((m) => {
    const dir = r() < 0.5 ? 'c2s' : 's2c';
    return [dir, wsFrame(dir, m, r() < 0.1 ? 0x82 : 0x81)];
  }));
}

describe('fuzz: Socket.IO and GraphQL-over-WebSocket layers, GraphQL scanners', () => {
  it('1,500 mutated Socket.IO, graphql-ws and SignalR conversations decode without throwing', () => {
    const r = rng(21);
    for (let n = 0; n < 500; n++) {
      feed('/socket.io/?EIO=4&transport=websocket', undefined, SIO.map((m) => (r() < 0.5 ? mutate(m, r) : m)), r);
      feed('/graphql', 'graphql-transport-ws', GQL.map((m) => (r() < 0.5 ? mutate(m, r) : m)), r);
      feed('/chat?id=1', undefined, SIGNALR.map((m, i) => (i > 0 && r() < 0.5 ? mutate(m, r) : m)), r);
    }
  });

  it('the scanners take random and mutated text and stop (operations, schemas, polling payloads, packets)', () => {
    const r = rng(5);
    const seeds = ['query Q($a: Int = 1) @d { a(x: {y: "}"}) { b ... on T { c } } }', 'type Query { a(x: [Int!] = [1]): T @deprecated } schema { query: Query }', '"""doc""" extend type Mutation { m: Int }'];
    for (let n = 0; n < 3000; n++) {
      const t = r() < 0.2 ? Array.from({ length: Math.floor(r() * 200) }, () => ALPHABET[Math.floor(r() * ALPHABET.length)]).join('') : mutate(seeds[n % seeds.length], r);
      operationInfo(t);
      const d = buildGraphqlDefinitions([{ path: 'f.graphql', text: t }]);
      assert.ok(d.fields instanceof Map);
      parseSio(t, 32);
      pollingPackets(t, n % 2 ? 3 : 4, 32);
    }
  });
});

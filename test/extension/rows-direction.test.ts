import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostNameOf, startedByServer, toRow } from '../../extension/analysis/rows';
import type { Call } from '../../decoders/core/model';
import { makeCall } from './builders';

// Which calls the sequence diagram draws from the server: the direction fields the decoders set,
// and events or one-way messages that only the server side carries.
test('startedByServer: direction fields and server-only events', () => {
  const c = (p: Partial<Call>) => makeCall(p);
  assert.equal(startedByServer(c({ fields: { 'websocket.dir': 's2c' } })), true);
  assert.equal(startedByServer(c({ fields: { 'amqp.direction': 's2c' } })), true); // basic.return, channel.close from the broker
  assert.equal(startedByServer(c({ fields: { 'mqtt.dir': 's2c' } })), true); // an MQTT 5 server's DISCONNECT
  assert.equal(startedByServer(c({ fields: { 'rabbitstream.dir': 's2c' } })), true); // a stream server's Tune, ConsumerUpdate
  assert.equal(startedByServer(c({ kind: 'event', fields: { 'nats.ping_from': 's2c' }, request: { wireBytes: 6 }, response: { wireBytes: 6 } })), true);
  assert.equal(startedByServer(c({ kind: 'event', fields: { 'nats.ping_from': 'c2s' }, request: { wireBytes: 6 }, response: { wireBytes: 6 } })), false);
  // NATS INFO, a Redis push or MONITOR line: an event with a response side only
  assert.equal(startedByServer(c({ kind: 'event', fields: {}, request: undefined, response: { wireBytes: 300 } })), true);
  assert.equal(startedByServer(c({ kind: 'oneway', fields: {}, request: undefined, response: { wireBytes: 30 } })), true);
  // an ordinary call, and a client event
  assert.equal(startedByServer(c({ kind: 'unary', fields: {}, request: undefined, response: { wireBytes: 30 } })), false);
  assert.equal(startedByServer(c({ kind: 'event', fields: {}, request: { wireBytes: 10 }, response: undefined })), false);
});

// ZeroMQ has no broker: the server lane is the socket that bound the port, named by its type.
test('toRow: a ZeroMQ server is named by its socket type', () => {
  const z = (fields: Call['fields']) => toRow(makeCall({ protocol: 'zmtp', server: { ip: '127.0.0.1', port: 5556 }, fields })).serverName;
  assert.equal(z({ 'zmtp.dir': 's2c', 'zmtp.socket_type': 'PUB', 'zmtp.peer_socket_type': 'SUB' }), 'PUB :5556');
  assert.equal(z({ 'zmtp.dir': 'c2s', 'zmtp.socket_type': 'REQ', 'zmtp.peer_socket_type': 'REP' }), 'REP :5556');
  assert.equal(z({ 'zmtp.socket_type': 'DEALER', 'zmtp.peer_socket_type': 'ROUTER' }), 'ROUTER :5556'); // the handshake
  assert.equal(z({ 'zmtp.mechanism': 'CURVE' }), undefined);
});

test('hostNameOf: a TLS handshake names its server by SNI, except inside a proxy tunnel', () => {
  assert.equal(hostNameOf(makeCall({ protocol: 'tls', fields: { 'tls.handshake.extensions_server_name': 'api.example.test' } })), 'api.example.test');
  assert.equal(hostNameOf(makeCall({ protocol: 'tls', fields: {} })), undefined);
  assert.equal(hostNameOf(makeCall({ protocol: 'tls', server: { ip: '127.0.0.1', port: 3128 }, fields: { 'tls.handshake.extensions_server_name': 'api.example.test', 'http.proxy_tunnel': '127.0.0.1:443' } })), 'proxy :3128');
});

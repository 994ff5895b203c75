import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatSize, formatTime, formatCount, statusBadge, shortEndpoints, protocolFamily } from '../../webview/format';
import { visibleRange, scrollGeometry, scrollTopForIndex, scrollToReveal, pagesFor } from '../../webview/virtual';
import { layoutDiagram, serverLifeline, fitLaneWidth, placeLabel, labelSlots, LANE_PX, STEP_PX, MIN_LANE_PX, GUTTER_PX, LABEL_CHAR_PX } from '../../webview/diagram-layout';
import { teachingSteps, textParts } from '../../webview/teaching';
import { jsonTokens, xmlTokens, decodeRawProtobuf, hexLines, findBytes, httpBodyOffset } from '../../webview/pretty';
import { waterfallBar, axisTicks } from '../../webview/waterfall';
import { compareMetrics, alikeCalls, compareHint, COMPARED_PROTOCOLS } from '../../webview/compare';
import type { CallRow } from '../../webview/protocol';
import type { Call, FlowSummary } from '../../decoders/core/model';

function row(over: Partial<CallRow> = {}): CallRow {
  return { id: 1, protocol: 'xmlrpc', kind: 'unary', state: 'complete', flowId: 1, client: '127.0.0.1:38066', server: '127.0.0.1:8000', method: 'fun_add', target: '/RPC2', status: { code: 200, text: 'OK', ok: true }, startUs: 1_000_000, endUs: 1_000_760, sizeBytes: 594, warnings: 0, hasDefinition: false, ...over };
}

const flow: FlowSummary = {
  id: 1, transport: 'tcp', client: { ip: '127.0.0.1', port: 38066 }, server: { ip: '127.0.0.1', port: 8000 }, protocol: 'xmlrpc', dispatch: 'probe', c2sBytes: 336, s2cBytes: 258, packets: 12, firstFrame: 1,
  startUs: 999_900, endUs: 1_001_200, synSeen: true, handshakeRttUs: 32, synUs: 999_900, synAckUs: 999_916, ackUs: 999_932, finUs: { s2c: 1_000_800, c2s: 1_001_100 }, roleFrom: 'syn', gapBytes: { c2s: 0, s2c: 0 }, calls: 1, warnings: [],
};

const funAdd: Call = {
  id: 1, protocol: 'xmlrpc', kind: 'unary', state: 'complete', flowId: 1, client: { ip: '127.0.0.1', port: 38066 }, server: { ip: '127.0.0.1', port: 8000 }, method: 'fun_add', target: '/RPC2',
  status: { code: 200, text: 'OK', ok: true }, timing: { startUs: 1_000_000, requestEndUs: 1_000_016, responseStartUs: 1_000_760, endUs: 1_000_760 },
  request: { wireBytes: 336, value: [2, 3], body: { size: 191, kind: 'xml', text: '<methodCall/>' } }, response: { wireBytes: 258, value: 5 },
  http: { version: 'HTTP/1.1', method: 'POST', uri: '/RPC2', status: 200, reason: 'OK', requestHeaders: [['Content-Type', 'text/xml']] },
  fields: {}, frames: [4, 6, 8], warnings: [],
};

describe('format', () => {
  it('durations with units', () => {
    assert.equal(formatDuration(12), '12 µs');
    assert.equal(formatDuration(3400), '3.4 ms');
    assert.equal(formatDuration(1_250_000), '1.25 s');
    assert.equal(formatDuration(125_000_000), '2 min 5 s');
    assert.equal(formatDuration(undefined), '—');
  });
  it('sizes in B/KiB/MiB', () => {
    assert.equal(formatSize(512), '512 B');
    assert.equal(formatSize(1536), '1.5 KiB');
    assert.equal(formatSize(12.3 * 1024 * 1024), '12.3 MiB');
  });
  it('times: relative, delta, absolute', () => {
    assert.equal(formatTime(1_500_000, 'relative', 1_000_000), '0.500000');
    assert.equal(formatTime(1_500_000, 'delta', 0, 1_400_000), '+0.100000');
    assert.equal(formatTime(Date.UTC(2024, 0, 1, 12, 34, 56) * 1000 + 123456, 'absolute', 0), '12:34:56.123456');
  });
  it('counts, endpoints, families', () => {
    assert.equal(formatCount(1234567), '1\u202f234\u202f567');
    assert.deepEqual(shortEndpoints('127.0.0.1:5', '127.0.0.1:80'), { client: ':5', server: ':80' });
    assert.deepEqual(shortEndpoints('10.0.0.1:5', '10.0.0.2:80'), { client: '10.0.0.1:5', server: '10.0.0.2:80' });
    assert.equal(protocolFamily('grpc'), 'grpc');
    assert.equal(protocolFamily('mqtt'), 'messaging');
  });
  it('status is icon + text, never colour alone', () => {
    const e = statusBadge(row({ protocol: 'grpc', status: { code: 5, text: 'NOT_FOUND', ok: false } }));
    assert.deepEqual([e.tone, e.icon, e.text], ['error', 'error', 'NOT_FOUND']);
    assert.equal(statusBadge(row({ kind: 'publish', status: undefined })).text, 'sent');
    assert.equal(statusBadge(row({ protocol: 'dns', status: { code: 3, text: 'NXDOMAIN', ok: false } })).text, 'NXDOMAIN');
    assert.equal(statusBadge(row({ protocol: 'tls', status: { code: 48, text: 'unknown_ca', ok: false } })).text, 'unknown_ca');
    assert.equal(statusBadge(row({ protocol: 'tls', status: { code: 'TLS 1.3', ok: true } })).text, 'TLS 1.3');
    assert.equal(statusBadge(row({ protocol: 'http', status: { code: 404, text: 'Not Found', ok: false } })).text, '404 Not Found');
    assert.equal(statusBadge(row({ state: 'pending', status: undefined, endUs: undefined })).tone, 'pending');
    assert.equal(statusBadge(row({ state: 'aborted' })).icon, 'aborted');
  });
});

describe('virtual scroller', () => {
  it('plain geometry for small lists', () => {
    assert.deepEqual(scrollGeometry(100, 22), { spacerPx: 2200, scaled: false });
    const r = visibleRange(220, 440, 100, 22, 2);
    assert.equal(r.start, 8);
    assert.equal(r.end, 10 + 21 + 2);
    assert.equal(r.offsetPx, 8 * 22);
  });
  it('a million rows: compressed spacer, first and last rows reachable', () => {
    const total = 1_000_000;
    const g = scrollGeometry(total, 22);
    assert.ok(g.scaled && g.spacerPx <= 8_000_000);
    const top = visibleRange(0, 500, total, 22, 0);
    assert.equal(top.start, 0);
    const bottom = visibleRange(g.spacerPx - 500, 500, total, 22, 0);
    assert.equal(bottom.end, total);
    const mid = scrollTopForIndex(500_000, 500, total, 22);
    assert.equal(Math.round(visibleRange(mid, 500, total, 22, 0).topIndex), 500_000);
  });
  it('reveal moves minimally', () => {
    assert.equal(scrollToReveal(3, 0, 220, 100, 22), undefined);
    assert.equal(scrollToReveal(20, 0, 220, 100, 22), (21 - 10) * 22);
    assert.equal(scrollToReveal(2, 220, 220, 100, 22), 44);
  });
  it('pages', () => {
    assert.deepEqual(pagesFor(150, 450, 200), [0, 1, 2]);
    assert.deepEqual(pagesFor(0, 0, 200), []);
  });
});

describe('diagram layout', () => {
  it('request and response arrows between a client and a server lifeline', () => {
    const L = layoutDiagram([row()], { showConnections: false });
    assert.deepEqual(L.lifelines.map((l) => [l.label, l.role]), [['client 127.0.0.1', 'client'], ['server :8000', 'server']]);
    assert.equal(L.lifelines[1].x - L.lifelines[0].x, LANE_PX);
    assert.deepEqual(L.arrows.map((a) => [a.phase, a.x1 < a.x2]), [['request', true], ['response', false]]);
    assert.equal(L.arrows[1].y - L.arrows[0].y, STEP_PX);
    assert.match(L.arrows[1].label, /200/);
  });
  it('handshake and teardown when connections are shown, in time order', () => {
    const L = layoutDiagram([row()], { showConnections: true, flows: new Map([[1, flow]]) });
    assert.deepEqual(L.arrows.map((a) => a.phase), ['syn', 'syn-ack', 'ack', 'request', 'response', 'fin', 'fin']);
  });
  it('publish to a broker and delivery from it; renames win; gRPC services name lifelines', () => {
    const L = layoutDiagram(
      [
        row({ id: 1, protocol: 'mqtt', kind: 'publish', method: 'PUBLISH', target: 'trips/new', server: '10.0.0.5:1883', client: '10.0.0.2:5000', status: undefined }),
        row({ id: 2, protocol: 'mqtt', kind: 'deliver', method: 'PUBLISH', target: 'trips/new', server: '10.0.0.5:1883', client: '10.0.0.3:6000', status: undefined, startUs: 1_000_100 }),
      ],
      { showConnections: false, names: { 's:10.0.0.5:1883': 'broker' } },
    );
    assert.deepEqual(L.lifelines.map((l) => l.label), ['client 10.0.0.2', 'client 10.0.0.3', 'broker']);
    assert.equal(L.arrows[0].phase, 'publish');
    assert.equal(L.arrows[1].phase, 'deliver');
    assert.ok(L.arrows[1].x1 > L.arrows[1].x2, 'delivery goes from the broker to the consumer');
    assert.equal(serverLifeline({ server: '1.2.3.4:50051', protocol: 'grpc', target: '/people.People/GetPerson' }).label, 'People');
    assert.equal(serverLifeline({ server: '127.0.0.1:6379', protocol: 'redis' }).label, 'redis :6379'); // a data store first
  });
  it('services on one host get their own lifelines from the names their connections gave', () => {
    const L = layoutDiagram(
      [
        row({ id: 1, protocol: 'amqp', kind: 'publish', method: 'basic.publish', target: 'trips', server: '127.0.0.1:5672', client: '127.0.0.1:44866', clientName: 'trip-service', status: undefined }),
        row({ id: 2, protocol: 'amqp', kind: 'deliver', method: 'basic.deliver', target: 'trips', server: '127.0.0.1:5672', client: '127.0.0.1:44876', clientName: 'dispatcher', status: undefined, startUs: 1_000_100 }),
        row({ id: 3, protocol: 'amqp', kind: 'deliver', method: 'basic.deliver', target: 'trips', server: '127.0.0.1:5672', client: '127.0.0.1:44890', status: undefined, startUs: 1_000_200 }),
      ],
      { showConnections: false },
    );
    assert.deepEqual(L.lifelines.map((l) => l.label).sort(), ['amqp broker :5672', 'client 127.0.0.1', 'dispatcher', 'trip-service']);
  });
  it('a server lane takes the name its calls agree on, else its address', () => {
    const server = '127.0.0.1:23441';
    const label = (...names: Array<string | undefined>) => layoutDiagram(names.map((serverName, i) => row({ id: i + 1, server, serverName, startUs: 1_000_000 + i })), { showConnections: false }).lifelines.find((l) => l.role !== 'client')!.label;
    assert.equal(label('api.test', 'api.test:23441'), 'api.test'); // a TLS handshake's SNI, then the Host of the calls inside
    assert.equal(label(undefined, 'api.test'), 'api.test'); // a call without a name does not decide
    assert.equal(label('tls13.test', 'tls12.test'), 'server :23441'); // one server, several names
    assert.equal(layoutDiagram([row({ server, serverName: 'a.test' })], { showConnections: false, names: { [`s:${server}`]: 'edge' } }).lifelines[1].label, 'edge');
  });
  it('a message the server started points from the server to the client', () => {
    const L = layoutDiagram([row({ protocol: 'websocket', kind: 'oneway', method: 'text', target: '/chat', fromServer: true, status: undefined })], { showConnections: false });
    assert.equal(L.arrows.length, 1);
    assert.ok(L.arrows[0].x1 > L.arrows[0].x2, 'server → client');
  });
  it('a Connect or Twirp arrow says the method, as a gRPC one does', () => {
    for (const protocol of ['connect', 'twirp', 'grpc']) {
      const L = layoutDiagram([row({ protocol, method: 'callscope.person.v1.PersonService/GetPerson', target: '/twirp/callscope.person.v1.PersonService/GetPerson' })], { showConnections: false });
      assert.equal(L.arrows[0].label, 'GetPerson', protocol);
    }
  });
  it('streamed messages become arrows when known', () => {
    const r = row({ protocol: 'grpc', kind: 'server-stream', target: '/p.S/List', status: { code: 0, text: 'OK', ok: true } });
    const msgs = [{ dir: 'c2s' as const, index: 0, tsUs: 1_000_000, size: 5 }, { dir: 's2c' as const, index: 0, tsUs: 1_000_100, size: 9 }, { dir: 's2c' as const, index: 1, tsUs: 1_000_200, size: 9 }];
    const L = layoutDiagram([r], { showConnections: false, messages: new Map([[1, msgs]]) });
    assert.deepEqual(L.arrows.map((a) => a.phase), ['message', 'message', 'message', 'response']);
  });
});

describe('diagram lanes fitted to the pane', () => {
  // Seven lifelines, as in samples/mqtt-basics: six named clients and the broker.
  const names = ['trip-service', 'dispatcher', 'driver-42', 'fare-service', 'passenger-app', 'rider-7'];
  const seven = names.map((clientName, i) => row({ id: i + 1, protocol: 'mqtt', kind: 'publish', method: 'PUBLISH', target: 'rides/status', server: '127.0.0.1:1883', client: `127.0.0.1:${5000 + i}`, clientName, status: undefined, startUs: 1_000_000 + i }));

  it('lanes narrow to fit the pane, never below the minimum, never above their natural width', () => {
    assert.equal(fitLaneWidth(GUTTER_PX + 7 * 80, 7), 80);
    assert.equal(fitLaneWidth(300, 7), MIN_LANE_PX, 'too narrow: the minimum (then it scrolls)');
    assert.equal(fitLaneWidth(4000, 2), LANE_PX, 'a wide pane does not stretch the lanes');
    assert.equal(fitLaneWidth(0, 3), LANE_PX, 'a hidden pane: natural width');
  });
  it('seven lanes fit a 460 px pane; the layout says its lane width', () => {
    const natural = layoutDiagram(seven, { showConnections: false });
    assert.equal(natural.lifelines.length, 7);
    assert.ok(natural.width > 460, `natural width ${natural.width} runs off a 460 px pane`);
    const L = layoutDiagram(seven, { showConnections: false, fitWidth: 460 });
    assert.ok(L.width <= 460, `fitted width ${L.width}`);
    assert.equal(L.laneWidth, L.lifelines[1].x - L.lifelines[0].x);
    assert.ok(L.laneWidth >= MIN_LANE_PX);
    const narrow = layoutDiagram(seven, { showConnections: false, fitWidth: 250 });
    assert.equal(narrow.laneWidth, MIN_LANE_PX);
    assert.equal(narrow.width, GUTTER_PX + 7 * MIN_LANE_PX, 'wider than the pane: it scrolls sideways');
    assert.equal(layoutDiagram(seven, { showConnections: false, fitWidth: 460, laneWidth: 100 }).laneWidth, 100, 'a fixed lane width (zoomed by hand) wins');
  });
  it('arrow labels stay inside the diagram and are cut only when the whole width is too small', () => {
    const L = layoutDiagram(seven, { showConnections: false, fitWidth: 300 });
    for (const a of L.arrows) {
      const half = (a.label.length * LABEL_CHAR_PX) / 2;
      assert.ok(a.labelX - half >= 0 && a.labelX + half <= L.width, `${a.label} at ${a.labelX} in ${L.width}`);
      assert.equal(a.label, 'PUBLISH rides/status', 'wider than its lane, not cut');
    }
    assert.deepEqual(placeLabel('PUBLISH rides/status', 20, 400), { label: 'PUBLISH rides/status', labelX: 4 + (20 * LABEL_CHAR_PX) / 2 });
    const cut = placeLabel('a very long label that cannot fit', 50, 100);
    assert.ok(cut.label.endsWith('…') && cut.label.length * LABEL_CHAR_PX <= 92, cut.label);
  });
  it('lifeline names get the room up to their neighbours, twice as much on two rows', () => {
    const xs = [100, 160, 220, 280];
    assert.deepEqual(labelSlots(xs, 320, 1), [{ from: 2, to: 128 }, { from: 132, to: 188 }, { from: 192, to: 248 }, { from: 252, to: 318 }]);
    const two = labelSlots(xs, 320, 2);
    assert.deepEqual(two[2], { from: 162, to: 318 }, 'its row neighbours are two lanes away');
    assert.deepEqual(two[1], { from: 2, to: 218 }, 'the first name of the lower row may use the room from the edge');
    assert.deepEqual(two[3], { from: 222, to: 318 }, 'the last name may use the room up to the edge');
  });
});

describe('teaching', () => {
  it('the XML-RPC walkthrough: handshake, stub, wire, server, result, answer, teardown', () => {
    const steps = teachingSteps(funAdd, flow);
    assert.deepEqual(steps.map((s) => s.id), ['handshake', 'serialize', 'wire', 'server', 'reply', 'receive', 'teardown']);
    assert.match(steps[1].text, /fun_add\(2, 3\)/);
    assert.match(steps[4].text, /`5`/);
    assert.match(steps[0].text, /32 µs/);
    assert.deepEqual(steps[0].phases, ['syn', 'syn-ack', 'ack']);
    assert.equal(steps[3].lifeline, 'server');
  });
  it('a fault is explained as an error in the body', () => {
    const fault: Call = { ...funAdd, method: 'fun_div', status: { code: 1, text: 'division by zero', ok: false } };
    const reply = teachingSteps(fault, undefined).find((s) => s.id === 'reply')!;
    assert.match(reply.text, /<fault>/);
    assert.match(reply.title, /error/);
  });
  it('reused connections, gRPC trailers, broker publish', () => {
    assert.equal(teachingSteps(funAdd, flow, true)[0].id, 'reuse');
    const g = teachingSteps({ ...funAdd, protocol: 'grpc', http: undefined, status: { code: 5, text: 'NOT_FOUND', ok: false } }, undefined);
    assert.match(g.find((s) => s.id === 'reply')!.text, /grpc-status/);
    // Twirp and Connect: RPC over a POST whose path names the procedure (not REST's verb and resource)
    const tw = teachingSteps({ ...funAdd, protocol: 'twirp', method: 'pkg.People/GetPerson', http: { ...funAdd.http!, uri: '/twirp/pkg.People/GetPerson', status: 404 }, status: { code: 404, text: 'not_found', ok: false } }, undefined);
    assert.match(tw.find((s) => s.id === 'serialize')!.text, /GetPerson.*Twirp sends it as an HTTP POST to `\/twirp\/pkg.People\/GetPerson`/);
    assert.doesNotMatch(tw.find((s) => s.id === 'serialize')!.text, /REST/);
    assert.match(tw.find((s) => s.id === 'reply')!.text, /with a JSON error — 404 \(not_found\)/);
    // a proxy's 502 without a Twirp error body: the code is made from the status, not read from a JSON error
    const proxy = teachingSteps({ ...funAdd, protocol: 'twirp', method: 'pkg.People/GetPerson', fields: { 'twirp.status_from': 'http_status' }, http: { ...funAdd.http!, uri: '/twirp/pkg.People/GetPerson', status: 502 }, status: { code: 502, text: 'unavailable', ok: false } }, undefined);
    const proxyReply = proxy.find((s) => s.id === 'reply')!.text;
    assert.match(proxyReply, /HTTP 502 without a Twirp error body .*from the HTTP status alone: 502 \(unavailable\)/);
    assert.doesNotMatch(proxyReply, /with a JSON error/);
    // a Connect stream's error comes in its end-stream message under HTTP 200, not as the HTTP status
    const stream = teachingSteps({ ...funAdd, protocol: 'connect', method: 'pkg.People/Watch', kind: 'server-stream', fields: { 'connect.streaming': true, 'connect.code': 'not_found' }, http: { ...funAdd.http!, uri: '/pkg.People/Watch', status: 200 }, status: { code: 5, text: 'not_found', ok: false } }, undefined);
    const streamReply = stream.find((s) => s.id === 'reply')!.text;
    assert.match(streamReply, /HTTP 200 .*end-stream message.*5 \(not_found\)/);
    assert.doesNotMatch(streamReply, /HTTP status mirrors/);
    const hs = teachingSteps({ ...funAdd, protocol: 'hessian' }, undefined);
    assert.match(hs.find((s) => s.id === 'serialize')!.text, /Hessian call/);
    const p = teachingSteps({ ...funAdd, protocol: 'mqtt', kind: 'publish', target: 'trips/new', status: undefined }, undefined);
    assert.deepEqual(p.map((s) => s.id), ['publish', 'route']);
    // JSON-RPC over WebSocket (aria2): no HTTP request of its own, a WebSocket message carries it
    const ws = teachingSteps({ ...funAdd, protocol: 'jsonrpc', http: undefined, fields: { 'websocket.opcode': 1, 'jsonrpc.method': 'aria2.getVersion' } }, undefined);
    assert.match(ws.find((s) => s.id === 'wire')!.text, /as a WebSocket message/);
  });
  it('ZeroMQ is taught without a broker: the sockets talk to each other, named by their types', () => {
    const z = (over: Partial<Call>) => teachingSteps({ ...funAdd, protocol: 'zmtp', http: undefined, ...over }, undefined);
    const all = [
      z({ kind: 'event', method: 'handshake', fields: { 'zmtp.version': '3.1', 'zmtp.mechanism': 'NULL', 'zmtp.socket_type': 'REQ', 'zmtp.peer_socket_type': 'REP' } }),
      z({ kind: 'event', method: 'SUBSCRIBE', target: 'weather', fields: { 'zmtp.dir': 'c2s', 'zmtp.topic': 'weather', 'zmtp.socket_type': 'SUB' } }),
      z({ kind: 'deliver', method: 'PUB', target: 'weather.paris', fields: { 'zmtp.dir': 's2c', 'zmtp.parts': 2, 'zmtp.socket_type': 'PUB', 'zmtp.peer_socket_type': 'SUB', 'zmtp.topic': 'weather.paris' } }),
      z({ kind: 'oneway', method: 'PUSH', status: undefined, fields: { 'zmtp.dir': 'c2s', 'zmtp.parts': 1, 'zmtp.socket_type': 'PUSH', 'zmtp.peer_socket_type': 'PULL' } }),
      z({ kind: 'unary', method: 'REQ', status: { code: 'OK', ok: true }, fields: { 'zmtp.dir': 'c2s', 'zmtp.parts': 2, 'zmtp.socket_type': 'REQ', 'zmtp.peer_socket_type': 'REP', 'zmtp.reply_parts': 2 } }),
    ];
    for (const steps of all) {
      const text = steps.map((s) => s.text).join(' ');
      assert.doesNotMatch(text, /the \S+ broker|broker (keeps|routes|delivers|decouples)/i);
      assert.match(text, /no broker/i);
    }
    assert.match(all[0][0].text, /64-byte ZMTP greeting.*REQ on the connecting side, REP on the side that bound/);
    assert.match(all[1][0].text, /The SUB socket at .* tells the socket at .* `weather`/);
    assert.match(all[2][0].text, /the PUB socket at 127\.0\.0\.1:8000 sends the message on `weather\.paris`/);
    assert.match(all[3][0].text, /round robin/);
    assert.deepEqual(all[4].map((s) => s.id), ['send', 'reply']);
    // the lanes: the socket that bound the port, by its type, not "zmtp broker"
    const L = layoutDiagram([row({ protocol: 'zmtp', kind: 'deliver', method: 'PUB', serverName: 'PUB :5556', server: '127.0.0.1:5556', status: undefined }), row({ id: 2, protocol: 'zmtp', kind: 'unary', method: 'REQ', server: '127.0.0.1:5555' })], { showConnections: false });
    assert.deepEqual(L.lifelines.filter((l) => l.role !== 'client').map((l) => [l.label, l.role]), [['PUB :5556', 'server'], ['server :5555', 'server']]);
  });
  it('WebSocket, DNS, TLS, upgrades, server-sent events and Engine.IO are taught as what they are, not as REST', () => {
    const t = (over: Partial<Call>, flowOver?: Partial<FlowSummary>) => teachingSteps({ ...funAdd, http: undefined, status: undefined, ...over }, flowOver && { ...flow, ...flowOver });
    const text = (steps: ReturnType<typeof teachingSteps>) => steps.map((s) => s.text).join(' ');
    const rest = /In REST|names the resource/;
    const wsFromServer = t({ protocol: 'websocket', kind: 'oneway', method: 'text', request: undefined, response: { wireBytes: 18 }, fields: { 'websocket.dir': 's2c' } });
    assert.match(text(wsFromServer), /The server at 127\.0\.0\.1:8000 sends a WebSocket text message of 18 B to the client/);
    assert.doesNotMatch(text(wsFromServer), /masked/); // only a client's frames are
    assert.match(text(wsFromServer), /turned into a WebSocket\. /);
    // A connection the capture joined after its upgrade: no URI, and the story says the upgrade came before the capture.
    assert.match(text(t({ protocol: 'websocket', kind: 'oneway', method: 'text', target: undefined, request: undefined, response: { wireBytes: 18 }, fields: { 'websocket.dir': 's2c' } })), /turned into a WebSocket before this capture began/);
    assert.match(text(t({ protocol: 'websocket', kind: 'event', method: 'ping', fields: { 'websocket.dir': 'c2s' } })), /pong carrying the same payload/);
    assert.match(text(t({ protocol: 'websocket', kind: 'event', method: 'close', fields: { 'websocket.dir': 'c2s', 'websocket.close_code': 1000 } })), /code 1000 \(normal closure\)/);
    const dns = t({ protocol: 'dns', method: 'A', target: 'api.test', request: { wireBytes: 49 }, status: { code: 3, text: 'NXDOMAIN', ok: false }, fields: { 'dns.id': 7, 'dns.qry.name': 'api.test', 'dns.count.answers': 0 } }, { transport: 'udp' });
    assert.deepEqual(dns.map((s) => s.id).filter((id) => id === 'query' || id === 'answer'), ['query', 'answer']);
    assert.match(text(dns), /one UDP datagram.*`NXDOMAIN` \(the name does not exist\) with 0 answer records/);
    const tls = t({ protocol: 'tls', kind: 'event', method: 'TLS handshake', status: { code: 'TLS 1.3', ok: true }, fields: { 'tls.handshake.extensions_server_name': 'api.test', 'tls.handshake.version': 'TLS 1.3', 'tls.handshake.extensions_alpn_selected': 'h2' } });
    assert.match(text(tls), /`api\.test` \(SNI\).*ALPN `h2`.*one round trip/);
    const upgrade = t({ protocol: 'http', method: 'GET', http: { version: 'HTTP/1.1', method: 'GET', uri: '/chat', status: 101, reason: 'Switching Protocols', requestHeaders: [['Upgrade', 'websocket'], ['Connection', 'Upgrade']] }, status: { code: 101, text: 'Switching Protocols', ok: true }, timing: { ...funAdd.timing } });
    assert.match(text(upgrade), /asks to change protocols.*Sec-WebSocket-Accept.*no more HTTP/);
    const sse = t({ protocol: 'http', kind: 'server-stream', method: 'GET', http: { version: 'HTTP/1.1', method: 'GET', uri: '/events', status: 200, reason: 'OK', responseHeaders: [['Content-Type', 'text/event-stream']] }, status: { code: 200, text: 'OK', ok: true } });
    assert.match(text(sse), /server-sent events/);
    const eio = t({ protocol: 'socketio', method: 'open', fields: { 'engineio.transport': 'polling' } });
    assert.match(text(eio), /Engine\.IO.*opens a session.*long-polling/);
    const info = t({ protocol: 'nats', kind: 'event', method: 'INFO', target: undefined, request: undefined, response: { wireBytes: 300 }, fields: {} });
    assert.match(text(info), /The NATS server at 127\.0\.0\.1:8000 sends `INFO` to the client/);
    const init = t({ protocol: 'graphql', method: 'connection_init', fields: { 'graphql.transport': 'websocket' } });
    assert.match(text(init), /a message of the sub-protocol itself.*as a WebSocket message/);
    assert.match(text(t({ protocol: 'dubbo', kind: 'event', method: 'heartbeat', fields: { 'dubbo.event': true } })), /the framework, not your code/);
    for (const steps of [wsFromServer, dns, tls, upgrade, eio, info]) assert.doesNotMatch(text(steps), rest);
  });
  it('code spans', () => {
    assert.deepEqual(textParts('call `f(1)` now'), [{ code: false, text: 'call ' }, { code: true, text: 'f(1)' }, { code: false, text: ' now' }]);
  });
});

describe('pretty printers', () => {
  it('JSON tokens keep keys and numbers apart', () => {
    const t = jsonTokens({ a: [1, 'x'] });
    assert.equal(t.map((x) => x.t).join(''), '{\n  "a": [\n    1,\n    "x"\n  ]\n}');
    assert.ok(t.some((x) => x.c === 'key' && x.t === '"a"'));
  });
  it('XML re-indented, short elements on one line', () => {
    const text = xmlTokens("<?xml version='1.0'?><methodCall><methodName>fun_add</methodName><params><param><value><int>2</int></value></param></params></methodCall>").map((x) => x.t).join('');
    assert.equal(text, "<?xml version='1.0'?>\n<methodCall>\n  <methodName>fun_add</methodName>\n  <params>\n    <param>\n      <value>\n        <int>2</int>\n      </value>\n    </param>\n  </params>\n</methodCall>");
  });
  it('raw protobuf: varints, strings, nested messages', () => {
    // field 1 varint 150; field 2 "testing"; field 3 { field 1: 1 }
    const b = Uint8Array.from([0x08, 0x96, 0x01, 0x12, 0x07, ...new TextEncoder().encode('testing'), 0x1a, 0x02, 0x08, 0x01]);
    const f = decodeRawProtobuf(b)!;
    assert.equal(f[0].value, '150');
    assert.equal(f[1].text, 'testing');
    assert.equal(f[2].message![0].value, '1');
    assert.equal(decodeRawProtobuf(Uint8Array.from([0x0f])), undefined);
  });
  it('hex lines, search, HTTP body offset', () => {
    const b = new TextEncoder().encode('POST / HTTP/1.1\r\nA: b\r\n\r\nbody');
    assert.equal(hexLines(b).length, 2);
    assert.equal(hexLines(b)[0].ascii, 'POST / HTTP/1.1·');
    assert.equal(findBytes(b, 'A: b'), 17);
    assert.equal(httpBodyOffset(b), b.length - 4);
  });
});

describe('compare on a capture with fewer than two protocols', () => {
  it('one protocol: says what Compare is for, what the capture has, and how to get one that works', () => {
    const hint = compareHint(['http'], ['http']);
    assert.match(hint.purpose, /REST, XML-RPC, JSON-RPC, GraphQL, gRPC, SOAP and Thrift side by side/);
    assert.equal(hint.capture, 'This capture has only HTTP calls.');
    assert.match(hint.howTo, /samples\/rest-person-api/);
    assert.match(hint.command, /^mergecap -w \S+ rest-person-api\/rest-person-api\.pcapng grpc-person-api\//);
  });
  it('messaging only: names what the capture has instead', () => {
    assert.equal(compareHint([], ['mqtt', 'tcp']).capture, 'This capture has no HTTP, HTTP/2, XML-RPC, JSON-RPC, GraphQL, gRPC, Connect, Twirp, SOAP, Thrift, Dubbo and Hessian calls: only MQTT traffic, which has no request/response operation to line up.');
    assert.match(compareHint(['http'], ['http', 'websocket']).capture, /^This capture has only HTTP calls \(and WebSocket traffic/);
    assert.ok(COMPARED_PROTOCOLS.includes('http2'), 'REST over HTTP/2 is compared too');
  });
});

describe('waterfall and compare', () => {
  it('bars sit on the capture axis', () => {
    const bar = waterfallBar({ startUs: 250, endUs: 500, responseStartUs: 450 }, [0, 1000]);
    assert.deepEqual([bar.left, bar.width, bar.open], [0.25, 0.25, false]);
    assert.ok(Math.abs(bar.waitFraction! - 0.8) < 1e-9);
    assert.equal(waterfallBar({ startUs: 900 }, [0, 1000]).open, true);
    assert.deepEqual(axisTicks(0, 1000, 4).map((t) => t.label), ['0', '500 µs', '1 ms']);
  });
  it('metrics and operation matching', () => {
    const m = compareMetrics(funAdd, flow, true);
    assert.deepEqual([m.wireBytes, m.packets, m.roundTrips, m.latencyUs], [594, 3, 2, 760]);
    // GetPerson shares "person" with GET /persons/1234 and nothing with addItem (listed first).
    const [pick] = alikeCalls('GetPerson', [{ protocol: 'http', rows: [{ method: 'addItem' }, { method: 'GET', target: '/persons/1234' }] }]);
    assert.equal(pick.row.target, '/persons/1234');
    assert.ok(pick.score > 0);
  });
});

import { flowWarningText } from '../../decoders/export/common';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable, humanUs, formatBytes } from '../../cli/table';
import type { Call, FlowSummary } from '../../decoders/core/model';

function flow(o: Partial<FlowSummary>): FlowSummary {
  return {
    id: 1, transport: 'tcp', client: { ip: '10.0.0.1', port: 40000 }, server: { ip: '10.0.0.2', port: 9120 }, protocol: 'tcp', dispatch: 'none',
    c2sBytes: 0, s2cBytes: 0, packets: 2, firstFrame: 1, startUs: 1e15, endUs: 1e15, synSeen: true, roleFrom: 'syn', gapBytes: { c2s: 0, s2c: 0 }, calls: 0, warnings: [], ...o,
  };
}
function call(o: Partial<Call>): Call {
  return { id: 1, protocol: 'xmlrpc', kind: 'unary', state: 'complete', flowId: 1, client: { ip: '10.0.0.1', port: 40000 }, server: { ip: '10.0.0.2', port: 8000 }, method: 'fun_add', timing: { startUs: 1e15, endUs: 1e15 + 760 }, fields: {}, frames: [], warnings: [], ...o };
}

describe('the terminal timeline', () => {
  it('an RPC line shows arguments and result', () => {
    const t = formatTable([call({ request: { value: [2, 3] }, response: { value: 5 }, status: { code: 200, text: 'OK', ok: true } })], []);
    assert.match(t, /fun_add\(2, 3\) → 5\s+✓ 200 OK/);
    assert.match(t, /760 µs/);
  });
  it('GraphQL and Socket.IO lines: an operation with its variables and data, an event with its arguments and ack; any request value (null, a string) prints', () => {
    const t = formatTable(
      [
        call({ id: 1, protocol: 'graphql', method: 'Signup', request: { value: { query: 'mutation Signup…', variables: { n: 'Ada' } } }, response: { value: { signup: { id: '1' } } } }),
        call({ id: 2, protocol: 'graphql', method: 'connection_init', kind: 'unary', request: { value: null } }),
        call({ id: 3, protocol: 'graphql', method: 'ka', kind: 'event', request: { value: 'x' } }),
        call({ id: 4, protocol: 'socketio', method: 'chat', request: { value: [{ text: 'hi' }] }, response: { value: [{ ok: true }] } }),
        call({ id: 5, protocol: 'socketio', method: 'ping', request: { value: null } }),
      ],
      [],
    );
    assert.match(t, /Signup\(\{n: "Ada"\}\) → \{signup: \{id: "1"\}\}/);
    assert.match(t, /connection_init/);
    assert.match(t, /chat\(\{text: "hi"\}\) → \{ok: true\}/);
  });
  it('a SOAP line shows what the Body carries (the WSDL parts, a wrapped operation unwrapped), not the Header blocks first', () => {
    // WCF over SOAP 1.2 + WS-Addressing (held-out .NET round): the Header held Action, MessageID, ReplyTo, To
    const header = { Action: { '@s:mustUnderstand': '1', '#text': 'http://callscope.test/shop/IShop/Add' }, MessageID: 'urn:uuid:07d1cfcd-9dc7-4570-9312-87c79ecc4e14' };
    const t = formatTable(
      [
        call({ id: 1, protocol: 'soap', method: 'Add', request: { value: { Header: header, Body: { Add: { a: '2', b: '3' } } } }, response: { value: { Body: { AddResponse: { AddResult: '5' } } } } }),
        call({ id: 2, protocol: 'soap', method: 'Add', request: { value: { Header: header, Body: { Add: { a: '2', b: '3' } }, parts: { parameters: { a: 2, b: 3 } } } }, response: { value: { Body: { AddResponse: { AddResult: '5' } }, parts: { parameters: { AddResult: 5 } } } } }),
        call({ id: 3, protocol: 'soap', method: 'Concat', request: { value: { Body: { Concat: {} }, parts: { a: 'x', n: 7 } } }, response: { value: { Body: { Fault: { faultcode: 'soap:Server' } } } }, status: { code: 'soap:Server', ok: false } }),
      ],
      [],
    );
    assert.match(t, /Add\(\{a: "2", b: "3"\}\) → \{AddResult: "5"\}/);
    assert.match(t, /Add\(\{a: 2, b: 3\}\) → \{AddResult: 5\}/);
    assert.match(t, /Concat\(\{a: "x", n: 7\}\)\s+✗ soap:Server/);
    assert.doesNotMatch(t, /MessageID/);
  });
  it('a gRPC call says its method once (its target is the same path with a slash); a REST call says method and target', () => {
    const t = formatTable(
      [
        call({ id: 1, protocol: 'grpc', method: 'pkg.S/Get', target: '/pkg.S/Get', status: { code: 0, text: 'OK', ok: true } }),
        call({ id: 2, protocol: 'http', method: 'GET', target: '/persons/1', status: { code: 200, text: 'OK', ok: true }, timing: { startUs: 1e15 + 1, endUs: 1e15 + 9 } }),
      ],
      [],
    );
    assert.match(t, /grpc\s+pkg\.S\/Get\s+✓ 0 OK/);
    assert.match(t, /http\s+GET \/persons\/1\s+✓ 200 OK/);
  });
  it('IPv6 endpoints in brackets, so that the port stands apart', () => {
    const t = formatTable([call({ client: { ip: '::1', port: 40000 }, server: { ip: 'fe80::2', port: 8000 } })], []);
    assert.match(t, /\[::1\]:40000 → \[fe80::2\]:8000/);
  });
  it('one line per call: line breaks in a fault string are shown as \\n', () => {
    const t = formatTable([call({ method: 'nosuch', request: { value: [1] }, status: { code: -32601, text: 'server error. method not found.\n\nnosuch', ok: false } })], []);
    const lines = t.split('\n').filter((l) => l.includes('nosuch('));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /✗ -32601 server error\. method not found\.\\n\\nnosuch$/);
    assert.doesNotMatch(t, /^nosuch$/m);
  });
  it('a capture with 200,000 calls (a DNS-heavy one) is printed, not a stack overflow', () => {
    const calls = Array.from({ length: 200_000 }, (_, i) => call({ id: i + 1, protocol: 'dns', method: 'A', target: `h${i}.example`, timing: { startUs: 1e15 + i, endUs: 1e15 + i + 50 } }));
    const t = formatTable(calls, []);
    assert.match(t, /200000 calls\n$/);
  });
  it('deliveries sit under their publish', () => {
    const pub = call({ id: 1, protocol: 'mqtt', kind: 'publish', method: 'PUBLISH', target: 'trips/new', links: { deliveryIds: [2] } });
    const del = call({ id: 2, protocol: 'mqtt', kind: 'deliver', method: 'PUBLISH', target: 'trips/new', timing: { startUs: 1e15 + 5 }, links: { publishId: 1 } });
    const lines = formatTable([del, pub], []).split('\n');
    const i = lines.findIndex((l) => l.includes('PUBLISH trips/new') && !l.includes('└'));
    assert.match(lines[i + 1], /└ PUBLISH trips\/new/);
  });
  it('refused, empty and undecoded connections are listed, nothing hidden', () => {
    const t = formatTable([], [
      flow({ id: 1, rstUs: 1e15 + 10 }),
      flow({ id: 2, client: { ip: '10.0.0.3', port: 1 }, synAckUs: 1e15 + 5, c2sBytes: 0 }),
      flow({ id: 3, client: { ip: '10.0.0.4', port: 2 }, synAckUs: 1e15 + 5, c2sBytes: 300, s2cBytes: 2048, packets: 7 }),
    ]);
    assert.match(t, /1 connection refused \(SYN answered by RST\):\n {2}10\.0\.0\.1:40000 → 10\.0\.0\.2:9120/);
    assert.match(t, /1 connection without data:/);
    assert.match(t, /1 connection not decoded .*\n {2}tcp {2}10\.0\.0\.4:2 → 10\.0\.0\.2:9120 {2}300 B → \/ ← 2\.0 KiB {2}7 packets/);
  });
  it('IPv6 endpoints of the listed connections are bracketed (RFC 3986 §3.2.2), as in the rows', () => {
    const t = formatTable([], [
      flow({ id: 1, client: { ip: '::1', port: 40000 }, server: { ip: 'fe80::2', port: 9120 }, rstUs: 1e15 + 10 }),
      flow({ id: 2, client: { ip: '::1', port: 40001 }, server: { ip: '::1', port: 9120 }, synAckUs: 1e15 + 5, c2sBytes: 0 }),
      flow({ id: 3, client: { ip: '::1', port: 40002 }, server: { ip: '::1', port: 9120 }, synAckUs: 1e15 + 5, c2sBytes: 300, s2cBytes: 2048, packets: 7 }),
    ]);
    assert.match(t, /refused.*\n {2}\[::1\]:40000 → \[fe80::2\]:9120\n/);
    assert.match(t, /without data:\n {2}tcp {2}\[::1\]:40001 → \[::1\]:9120 /);
    assert.match(t, /not decoded .*\n {2}tcp {2}\[::1\]:40002 → \[::1\]:9120 /);
  });
  it('connections also captured with other addresses (NAT) and copies from other interfaces are said once, under the calls', () => {
    const t = formatTable([], [
      flow({ id: 1, protocol: 'http', server: { ip: '10.99.1.1', port: 28380 }, alsoSeenAs: [{ client: { ip: '10.0.0.1', port: 40000 }, server: { ip: '10.99.0.2', port: 80 }, interfaces: ['ifindex 2', 'ifindex 3'] }] }),
      flow({ id: 2, protocol: 'http', copies: { frames: 14, bytes: 900, interfaces: ['veth1'] } }),
    ]);
    assert.match(t, /1 connection also captured with other addresses \(NAT: each call is shown once, with the addresses seen first\):\n {2}tcp {2}10\.0\.0\.1:40000 → 10\.99\.1\.1:28380 {2}also as 10\.0\.0\.1:40000 → 10\.99\.0\.2:80 \(ifindex 2, ifindex 3\)\n/);
    assert.match(t, /\n14 frames were copies of packets captured on other interfaces: counted once\n/);
    assert.doesNotMatch(formatTable([], [flow({ id: 3, protocol: 'http' })]), /NAT|copies/);
  });
  it('flow warnings name the flow with bracketed IPv6 endpoints', () => {
    assert.equal(flowWarningText({ id: 3, client: { ip: '::1', port: 5000 }, server: { ip: '10.0.0.2', port: 80 } }, 'gap'), 'flow 3 [::1]:5000 → 10.0.0.2:80: gap');
  });
  it('readable durations and sizes', () => {
    assert.equal(humanUs(999), '999 µs');
    assert.equal(humanUs(12_345), '12.3 ms');
    assert.equal(humanUs(2_500_000), '2.50 s');
    assert.equal(formatBytes(1536), '1.5 KiB');
  });
});

/**
 * gRPC on an HTTP/2 connection the capture joined late, from a client that indexes every header
 * (grpc-go, grpc-java, C-core: RFC 7541 §6.1 indexed fields for a method called before the
 * capture). Reproduces samples/grpc-go/grpc-go.pcap cut after its sixth HEADERS frame
 * (`editcap -r grpc-go.pcap cut.pcap 29-70`): the GetPerson calls that followed were `http2 POST`
 * rows with hex bodies and no status, although the bodies were whole gRPC messages and the trailers'
 * values (`3`, `id must be positive`) were literals.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, c2s, s2c, frame, lpm, norm } from '../http2/h2';
import { buildProtoDefinitions } from '../../../decoders/protobuf/definitions';
import { statusFromUnnamedFields } from '../../../decoders/grpc/call';
import { UNKNOWN_ENTRY } from '../../../decoders/http2/hpack';
import { testSession } from '../../helpers/session';

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
};
const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
const ascii = (s: string) => Array.from(new TextEncoder().encode(s), (b) => b.toString(16).padStart(2, '0')).join('');

// Request block: 83 = :method POST, 86 = :scheme http (static, RFC 7541 Appendix A), then be bf c0 c1 =
// dynamic indexes 62–65 (§2.3.3): entries the client added before the capture (:path, :authority,
// content-type, te…), unknown here.
const REQ = '83 86 be bf c0 c1';
// Response headers: 88 = :status 200, be = an unknown entry (content-type).
const RES = '88 be';
// Trailers as grpc-go writes an error status the second time its names are used: literal with
// incremental indexing, name by index (§6.2.1: 01xxxxxx, 6-bit prefix). 7e = name index 62 (unknown),
// value "3"; the new entry is now 62, so the next name (unknown, grpc-message) is 64: 7f 01.
const TRAILERS_ERR = `7e 01 33 7f 01 13 ${ascii('id must be positive')}`;

const PROTO = `
syntax = "proto3";
package demo.v1;
message GetRequest { int64 id = 1; }
message Person { int64 id = 1; string name = 2; repeated string tags = 3; }
message Filter { string name_prefix = 1; int32 limit = 2; }
message Empty {}
service People {
  rpc Get(GetRequest) returns (Person);
  rpc Find(Filter) returns (stream Person);
  rpc Ping(Empty) returns (Empty);
  rpc Delete(GetRequest) returns (Empty);
}
`;
const defs = buildProtoDefinitions([{ path: 'proto/demo.proto', text: PROTO }]);
const withProto = () => ({ ...testSession().env, definitions: { proto: defs } });

describe('PROTOCOL-HTTP2 + RFC 7541 §2.3.2: a gRPC call whose :path and content-type are HPACK entries from before the capture', () => {
  it('is gRPC by its framing and trailers; grpc-status and grpc-message read from the unnamed trailers', () => {
    const s = feed([c2s(frame(1, 0x4, 7, hex(REQ)), frame(0, 0x1, 7, lpm(hex('08 ff ff ff ff ff ff ff ff ff 01'))))].concat([s2c(frame(1, 0x4, 7, hex(RES)), frame(1, 0x5, 7, hex(TRAILERS_ERR)))]));
    const c = s.calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.method, '?');
    assert.deepEqual(c.status, { code: 3, text: 'INVALID_ARGUMENT', ok: false });
    assert.equal(c.fields['grpc.status_from'], 'unnamed_trailer');
    assert.equal(c.fields['grpc.message'], 'id must be positive');
    assert.deepEqual(c.response?.trailers, [
      [UNKNOWN_ENTRY, '3'],
      [UNKNOWN_ENTRY, 'id must be positive'],
    ]);
    assert.ok(c.warnings.some((w) => w.startsWith('grpc-status taken to be 3')));
  });

  it('a POST with an unknown :path and whole-message bodies but no trailers stays HTTP/2', () => {
    const s = feed([c2s(frame(1, 0x4, 7, hex(REQ)), frame(0, 0x1, 7, lpm([8, 1]))), s2c(frame(1, 0x4, 7, hex(RES)), frame(0, 0x1, 7, lpm([8, 2])))]);
    assert.equal(s.calls[0].protocol, 'http2');
  });

  it('with a loaded .proto, the one rpc whose types fit every message names the call, and its messages are decoded with them', () => {
    // Find: a Filter (string 1, varint 2) answered by two Persons (a stream): only Find fits.
    const filter = hex(`0a 02 ${ascii('An')} 10 05`);
    const p1 = hex(`08 01 12 03 ${ascii('Ann')} 1a 01 ${ascii('x')}`);
    const p2 = hex(`08 02 12 04 ${ascii('Anna')}`);
    const s = feed(
      [
        c2s(frame(1, 0x4, 9, hex(REQ)), frame(0, 0x1, 9, lpm(filter))),
        s2c(frame(1, 0x4, 9, hex(RES)), frame(0, 0, 9, lpm(p1)), frame(0, 0, 9, lpm(p2)), frame(1, 0x5, 9, hex('7e 01 30'))),
      ],
      { env: withProto() },
    );
    const c = s.calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.method, 'demo.v1.People/Find');
    assert.equal(c.target, '/demo.v1.People/Find');
    assert.equal(c.fields['grpc.method_guessed'], true);
    assert.equal(c.kind, 'server-stream');
    assert.equal(c.definition?.file, 'proto/demo.proto');
    assert.deepEqual(c.request?.value, { name_prefix: 'An', limit: 5 });
    assert.deepEqual(
      c.messages?.filter((m) => m.dir === 's2c').map((m) => m.value),
      [
        { id: '1', name: 'Ann', tags: ['x'] },
        { id: '2', name: 'Anna' },
      ],
    );
    assert.equal(c.response?.body?.kind, 'protobuf');
    assert.deepEqual(c.status, { code: 0, text: 'OK', ok: true });
    assert.ok(c.warnings.some((w) => w.startsWith('rpc /demo.v1.People/Find guessed')));
  });

  it('messages that fit several rpcs leave the call unnamed, the candidates in a warning', () => {
    // A lone varint field 1 fits GetRequest (Get's and Delete's request), not Filter (a string) nor Empty.
    const s = feed([c2s(frame(1, 0x4, 7, hex(REQ)), frame(0, 0x1, 7, lpm([8, 7]))), s2c(frame(1, 0x4, 7, hex(RES)), frame(1, 0x5, 7, hex(TRAILERS_ERR)))], { env: withProto() });
    const c = s.calls[0];
    assert.equal(c.method, '?');
    assert.equal(c.fields['grpc.method_guessed'], undefined);
    assert.deepEqual(c.request?.value, { 1: 7 });
    assert.ok(c.warnings.includes('rpc unknown (its :path is an HPACK entry from before the capture): its messages fit 2 rpcs of the loaded .proto files (demo.v1.People/Get, demo.v1.People/Delete)'));
  });

  it('an rpc whose :path the client sent earlier on the connection is not the unknown entry (tie-break)', () => {
    // Stream 5 names /demo.v1.People/Delete as a literal (§6.2.2, new name); stream 7's :path is an entry
    // from before the capture and its lone varint fits Get and Delete: an index-everything encoder would
    // have referred to Delete's entry, so it is Get.
    const lit = (name: string, value: string) => `00 ${(name.length).toString(16).padStart(2, '0')} ${ascii(name)} ${(value.length).toString(16).padStart(2, '0')} ${ascii(value)}`;
    const del = hex(`83 86 ${lit(':path', '/demo.v1.People/Delete')} ${lit('content-type', 'application/grpc')}`);
    const s = feed(
      [
        c2s(frame(1, 0x4, 5, del), frame(0, 0x1, 5, lpm([8, 1]))),
        s2c(frame(1, 0x4, 5, hex(`88 ${lit('content-type', 'application/grpc')}`)), frame(0, 0, 5, lpm([])), frame(1, 0x5, 5, hex(lit('grpc-status', '0')))),
        c2s(frame(1, 0x4, 7, hex(REQ)), frame(0, 0x1, 7, lpm([8, 7]))),
        s2c(frame(1, 0x4, 7, hex(RES)), frame(1, 0x5, 7, hex(TRAILERS_ERR))),
      ],
      { env: withProto() },
    );
    const c = s.calls.find((x) => x.fields['http2.streamid'] === 7)!;
    assert.equal(c.method, 'demo.v1.People/Get');
    assert.equal(c.fields['grpc.method_guessed'], true);
    assert.deepEqual(c.request?.value, { id: '7' });
    assert.ok(c.warnings.some((w) => w.includes('the one whose :path the client had not sent earlier on this connection')));
  });

  it('RFC 9113 §4.2: a connection joined late takes frames above 16,384 bytes (the peer may have allowed them in SETTINGS the capture missed)', () => {
    // grpcio's server answered with 20,146-byte DATA frames (samples/grpc-python cut at 30 %): the
    // boundary search skipped the whole packet and every response was lost.
    const big = new Uint8Array(20_000).fill(0x61);
    const msg = lpm(concat(hex('0a a0 9c 01'), big)); // field 1, 20,000 bytes (varint a0 9c 01)
    const s = feed([
      c2s(frame(1, 0x4, 9, hex(REQ)), frame(0, 0x1, 9, lpm([8, 1]))),
      s2c(frame(1, 0x4, 9, hex(RES)), frame(0, 0, 9, msg), frame(8, 0, 0, [0, 0, 0, 1]), frame(1, 0x5, 9, hex('7e 01 30'))),
    ]);
    const c = s.calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.state, 'complete');
    assert.equal(c.fields['grpc.response_messages'], 1);
    assert.equal(c.response?.body?.size, 20_004);
    assert.equal(s.warnings.length, 0, s.warnings.join('; '));
  });

  it('the same calls whatever the split (chunking)', () => {
    const pkts = [c2s(frame(1, 0x4, 7, hex(REQ)), frame(0, 0x1, 7, lpm(hex('08 2a')))), s2c(frame(1, 0x4, 7, hex(RES)), frame(1, 0x5, 7, hex(TRAILERS_ERR)))];
    const whole = norm(feed(pkts, { env: withProto() }));
    for (const split of [1, 2, 5]) assert.equal(norm(feed(pkts, { split, env: withProto() })), whole);
  });
});

describe('statusFromUnnamedFields', () => {
  it('the first unnamed 0–16 is the status; a text right after a non-zero one its message', () => {
    assert.deepEqual(statusFromUnnamedFields([[UNKNOWN_ENTRY, '14'], [UNKNOWN_ENTRY, 'unavailable']]), { code: 14, message: 'unavailable' });
    assert.deepEqual(statusFromUnnamedFields([[UNKNOWN_ENTRY, '0'], [UNKNOWN_ENTRY, 'x']]), { code: 0 });
    assert.deepEqual(statusFromUnnamedFields([[UNKNOWN_ENTRY, UNKNOWN_ENTRY], [UNKNOWN_ENTRY, '5']]), { code: 5 });
    assert.equal(statusFromUnnamedFields([[UNKNOWN_ENTRY, '17']]), undefined);
    assert.equal(statusFromUnnamedFields([['x-count', '3']]), undefined);
    assert.equal(statusFromUnnamedFields(undefined), undefined);
  });
});

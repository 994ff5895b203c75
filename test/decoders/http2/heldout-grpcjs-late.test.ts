/**
 * Held-out round 16 (test/heldout-h2r16/README.md): a capture of @grpc/grpc-js 1.14 (client option
 * grpc.default_compression_algorithm deflate) cut to start mid-connection, in the middle of 300
 * concurrent unary calls. Node's nghttp2 HPACK encoder indexes content-type, grpc-encoding, grpc-status
 * and grpc-message on the connection's first call (RFC 7541 §6.2.1), so every later header block names
 * them only by dynamic-table index, which the capture never saw (RFC 7541 §2.3.2).
 *  - A stream whose request came before the capture was shown as HTTP/2 `? 200` with a binary body:
 *    only its response speaks, and it is gRPC's shape (PROTOCOL-HTTP2.md "Responses": headers, whole
 *    length-prefixed messages, trailers).
 *  - A request whose grpc-encoding is such an entry had every compressed message "not decoded":
 *    the message's own bytes show gzip (RFC 1952 §2.3.1) or zlib, gRPC's deflate (RFC 1950 §2.2).
 * Frames written from the capture's (grpcjs-late.pcap), stream ids and the protobuf kept.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pkt } from './h2';
import { feed } from './h2';
import { sniffGrpcEncoding } from '../../../decoders/grpc/messages';

const hex = (s: string) => Uint8Array.from((s.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
const c2s = (h: string): Pkt => ({ dir: 'c2s', data: hex(h) });
const s2c = (h: string): Pkt => ({ dir: 's2c', data: hex(h) });

// Stream 13, its request before the capture. HEADERS (END_HEADERS): :status 200 (static 8), then three
// dynamic entries (content-type, grpc-accept-encoding, grpc-encoding as the server indexed them).
const RESP_HEADERS = s2c('000004 01 04 0000000d 88c0bfbe');
// DATA: one message, uncompressed, 13 bytes: Resp{text: "echo:c0", n: 0, blob: ""}
const RESP_DATA = s2c('000012 00 00 0000000d 00 0000000d 0a076563686f3a633010001a00');
// HEADERS (END_STREAM | END_HEADERS): trailers grpc-status 0 and grpc-message OK, both dynamic entries
const RESP_TRAILERS = s2c('000002 01 05 0000000d bfbe');
const PING = c2s('000008 06 00 00000000 0000000000000001');

describe('gRPC PROTOCOL-HTTP2 "Responses": a stream that started before the capture, known by its response', () => {
  it('is gRPC with its message when the response has gRPC shape and its content-type is a lost HPACK entry', () => {
    const c = feed([RESP_HEADERS, PING, RESP_DATA, RESP_TRAILERS], { how: 'fin' }).calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.equal(c.messages?.filter((m) => m.dir === 's2c').length, 1);
    assert.match(JSON.stringify(c.response?.value ?? c.messages), /echo:c0/);
    assert.ok(c.warnings.some((w) => /decoded as gRPC by its message framing/.test(w)));
    assert.ok(c.warnings.some((w) => /grpc-status unknown/.test(w)));
  });
  it('stays HTTP/2 without trailers (a plain HTTP/2 response ends with its DATA)', () => {
    const dataEnd = s2c('000012 00 01 0000000d 00 0000000d 0a076563686f3a633010001a00');
    assert.equal(feed([RESP_HEADERS, PING, dataEnd], { how: 'fin' }).calls[0].protocol, 'http2');
  });
  it('stays HTTP/2 when the body is not whole length-prefixed messages', () => {
    const text = s2c('00000b 00 00 0000000d 68656c6c6f20776f726c64');
    assert.equal(feed([RESP_HEADERS, PING, text, RESP_TRAILERS], { how: 'fin' }).calls[0].protocol, 'http2');
  });
  it('stays HTTP/2 when the response names a content-type that is not gRPC', () => {
    // content-type: text/plain as a literal (static name index 31)
    const known = s2c('00000e 01 04 0000000d 88 0f10 0a746578742f706c61696e');
    assert.equal(feed([known, PING, RESP_DATA, RESP_TRAILERS], { how: 'fin' }).calls[0].protocol, 'http2');
  });
});

describe('gRPC PROTOCOL-HTTP2 "Compressed-Flag" with grpc-encoding a lost HPACK entry', () => {
  // Stream 15 sent in the capture: :method POST (static 3), :scheme http (6), :path /lab.v1.Lab/Unary
  // (literal, name index 4), then a dynamic entry from before the capture (grpc-encoding: deflate).
  const REQ = (data: string) => [
    c2s('000016 01 04 0000000f 8386 4411 2f6c61622e76312e4c61622f556e617279 c1'),
    c2s(data),
    s2c('000002 01 04 0000000f 88c0'),
    s2c('00000b 00 00 0000000f 00 00000006 0a046c617374'),
    s2c('000002 01 05 0000000f bfbe'),
  ];
  it('a zlib message (RFC 1950 §2.2: 78 9c) is inflated and decoded', () => {
    // DATA (END_STREAM): compressed flag 1, 14 bytes: zlib of Req{text: "last"}
    const c = feed(REQ('000013 00 01 0000000f 01 0000000e 789ce362c9492c2e0100048301c3'), { how: 'fin' }).calls[0];
    assert.equal(c.protocol, 'grpc');
    assert.ok(!c.warnings.some((w) => /not decoded/.test(w)), c.warnings.join('; '));
    assert.match(JSON.stringify(c.request?.value), /last/);
    assert.ok(c.warnings.some((w) => /c2s grpc-encoding unknown .*gzip or deflate by their first bytes/.test(w)));
  });
  it('a gzip message (RFC 1952 §2.3.1: 1f 8b) is gunzipped', () => {
    const c = feed(REQ('00001f 00 01 0000000f 01 0000001a 1f8b0800000000000203e362c9492c2e0100b952468e06000000'), { how: 'fin' }).calls[0];
    assert.match(JSON.stringify(c.request?.value), /last/);
  });
  it('other bytes are not guessed at: the message is not decoded, and says why', () => {
    const c = feed(REQ('000010 00 01 0000000f 01 0000000b 0a046c617374ffffffffff'), { how: 'fin' }).calls[0];
    assert.ok(c.warnings.some((w) => /grpc-encoding unknown .* neither gzip nor zlib: message not decoded/.test(w)), c.warnings.join('; '));
  });
  it('sniffGrpcEncoding: zlib headers for each window size, gzip, and near misses', () => {
    assert.equal(sniffGrpcEncoding(hex('789c')), 'deflate');
    assert.equal(sniffGrpcEncoding(hex('7801')), 'deflate');
    assert.equal(sniffGrpcEncoding(hex('78da')), 'deflate');
    assert.equal(sniffGrpcEncoding(hex('1f8b08')), 'gzip');
    assert.equal(sniffGrpcEncoding(hex('789d')), undefined); // FCHECK wrong
    assert.equal(sniffGrpcEncoding(hex('889c')), undefined); // CINFO 8
    assert.equal(sniffGrpcEncoding(hex('0a04')), undefined);
    assert.equal(sniffGrpcEncoding(hex('78')), undefined);
  });
});

describe('RFC 9113 §5.1: a stream answered in the capture whose request was all before it', () => {
  it('is not said to have a request "not finished" when the connection closes (nothing of it was seen)', () => {
    const c = feed([RESP_HEADERS, PING, RESP_DATA, RESP_TRAILERS], { how: 'fin' }).calls[0];
    assert.ok(!c.warnings.some((w) => /not finished/.test(w)), c.warnings.join('; '));
    assert.ok(c.warnings.some((w) => /started before the capture/.test(w)));
  });
  it('still is when a request DATA frame of the stream was seen without its END_STREAM', () => {
    const reqData = c2s('000008 00 00 0000000d 00000000030a0178');
    const c = feed([RESP_HEADERS, reqData, RESP_DATA, RESP_TRAILERS], { how: 'fin' }).calls[0];
    assert.ok(c.warnings.some((w) => /request of stream 13 not finished/.test(w)), c.warnings.join('; '));
  });
});

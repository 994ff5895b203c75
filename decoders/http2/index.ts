/**
 * HTTP/2 (RFC 9113) with HPACK (RFC 7541), carrying plain HTTP exchanges, gRPC
 * (PROTOCOL-HTTP2.md) and gRPC-Web.
 *
 * Reached by:
 *  - the probe on the client connection preface `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` (any port);
 *  - the probe on a plausible frame header (known type, flags the type defines, length within
 *    the default SETTINGS_MAX_FRAME_SIZE, stream-id rules, fixed payload sizes; a second header
 *    right after the first when the head holds it), in either direction: captures that start
 *    mid-connection. That heuristic is weaker than most protocols' magic bytes, so the probe
 *    runs late (probeOrder 150): cheap, specific probes go first;
 *  - hand-off from HTTP/1.1 after `101 Switching Protocols` with `Upgrade: h2c`
 *    (`create(session, init: HttpUpgradeInit)`: the upgrading request becomes stream 1);
 *  - decode-as. h2c has no standard port.
 *
 * Streams become calls: content-type application/grpc[+codec] → `grpc` calls (decoders/grpc);
 * anything else → `http2` calls through decoders/http-common (body decoding and the body
 * routers: XML-RPC, JSON-RPC, gRPC-Web…). Streams whose request headers were never seen
 * (capture started mid-stream) are `incomplete` unless an env.hints entry for the server port
 * supplies `:path`/content-type (Wireshark's "fake headers").
 */
import type { DecoderSpec, ProbeResult } from '../core/decoder';
import type { Dir } from '../core/model';
import { DEFAULT_MAX_FRAME_SIZE, FRAME_HEADER_BYTES, PREFACE, plausibleFrameHeader, readFrameHeader } from './frames';
import { Http2Connection } from './connection';

export { Http2Connection } from './connection';
export { HpackDecoder, HpackError, huffmanDecode } from './hpack';
export { PREFACE, plausibleFrameHeader, readFrameHeader, errorCodeName } from './frames';

export function probeHttp2(head: Uint8Array, _dir: Dir): ProbeResult {
  if (head.length === 0) return 'need-more';
  // Connection preface.
  let prefix = true;
  for (let i = 0; i < Math.min(head.length, PREFACE.length); i++) {
    if (head[i] !== PREFACE[i]) {
      prefix = false;
      break;
    }
  }
  if (prefix) return head.length >= PREFACE.length ? 'accept' : 'need-more';
  // Mid-connection: frame sanity.
  if (head.length < FRAME_HEADER_BYTES) {
    // Reject early what cannot be a frame header: the type byte and reserved bit, when present.
    if (head.length >= 4 && head[3] > 9) return 'reject';
    return 'need-more';
  }
  if (!plausibleFrameHeader(head, 0, DEFAULT_MAX_FRAME_SIZE)) return 'reject';
  if (knownSettingsFrame(head)) return 'accept';
  const next = FRAME_HEADER_BYTES + readFrameHeader(head, 0).length;
  if (next + FRAME_HEADER_BYTES <= head.length) return plausibleFrameHeader(head, next, DEFAULT_MAX_FRAME_SIZE) ? 'accept' : 'reject';
  if (next + FRAME_HEADER_BYTES <= 64 && head.length < 64 && head.length < next + FRAME_HEADER_BYTES) return 'need-more';
  return 'accept';
}

/**
 * A whole SETTINGS frame with at least one entry, every identifier one RFC 9113 §6.5.2 (or RFC
 * 8441 / RFC 9218) defines and every value valid for it: what a server that speaks first sends
 * before the client's preface arrives (§3.4: the server preface is a SETTINGS frame; nghttpd,
 * h2o). Specific enough to decide alone — waiting for a second frame that is not coming let
 * other probes take such a head (Kafka read it as a Produce request).
 */
function knownSettingsFrame(head: Uint8Array): boolean {
  const h = readFrameHeader(head, 0);
  if (h.type !== 0x4 || h.flags !== 0 || h.streamId !== 0 || h.length === 0 || h.length % 6 || h.length > 6 * 16) return false;
  if (head.length < FRAME_HEADER_BYTES + h.length) return false;
  for (let o = FRAME_HEADER_BYTES; o < FRAME_HEADER_BYTES + h.length; o += 6) {
    const id = (head[o] << 8) | head[o + 1];
    const v = ((head[o + 2] << 24) >>> 0) + ((head[o + 3] << 16) | (head[o + 4] << 8) | head[o + 5]);
    if (id === 2 || id === 8 || id === 9) {
      if (v > 1) return false; // ENABLE_PUSH, ENABLE_CONNECT_PROTOCOL, NO_RFC7540_PRIORITIES
    } else if (id === 4) {
      if (v > 0x7fffffff) return false; // INITIAL_WINDOW_SIZE
    } else if (id === 5) {
      if (v < 16384 || v > 0xffffff) return false; // MAX_FRAME_SIZE
    } else if (id !== 1 && id !== 3 && id !== 6) return false;
  }
  return true;
}

export const spec: DecoderSpec = {
  id: 'http2',
  name: 'HTTP/2',
  transport: 'tcp',
  ports: [],
  probeOrder: 150,
  probe: probeHttp2,
  create: (session, init) => new Http2Connection(session, init),
};

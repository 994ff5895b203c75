/**
 * HTTP/2 frame vocabulary (RFC 9113 §4.1, §6, §7, §11) and the frame-header sanity check used
 * both by the probe (mid-connection captures) and to find a frame boundary again after a gap.
 */

export const FRAME_HEADER_BYTES = 9;
export const DEFAULT_MAX_FRAME_SIZE = 16384;
/** 2^24 - 1: the largest length the 24-bit field can carry (and SETTINGS_MAX_FRAME_SIZE's ceiling). */
export const ABSOLUTE_MAX_FRAME_SIZE = 0xffffff;

export const PREFACE = Uint8Array.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', (c) => c.charCodeAt(0));

export enum FrameType {
  DATA = 0x0,
  HEADERS = 0x1,
  PRIORITY = 0x2,
  RST_STREAM = 0x3,
  SETTINGS = 0x4,
  PUSH_PROMISE = 0x5,
  PING = 0x6,
  GOAWAY = 0x7,
  WINDOW_UPDATE = 0x8,
  CONTINUATION = 0x9,
}

export const FRAME_TYPE_NAMES = ['DATA', 'HEADERS', 'PRIORITY', 'RST_STREAM', 'SETTINGS', 'PUSH_PROMISE', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'CONTINUATION'];

export const FLAG_END_STREAM = 0x1;
export const FLAG_ACK = 0x1;
export const FLAG_END_HEADERS = 0x4;
export const FLAG_PADDED = 0x8;
export const FLAG_PRIORITY = 0x20;

/** Flags defined per type (others are "unused" and must be ignored, but a sane sender leaves them 0). */
const DEFINED_FLAGS = [
  FLAG_END_STREAM | FLAG_PADDED, // DATA
  FLAG_END_STREAM | FLAG_END_HEADERS | FLAG_PADDED | FLAG_PRIORITY, // HEADERS
  0, // PRIORITY
  0, // RST_STREAM
  FLAG_ACK, // SETTINGS
  FLAG_END_HEADERS | FLAG_PADDED, // PUSH_PROMISE
  FLAG_ACK, // PING
  0, // GOAWAY
  0, // WINDOW_UPDATE
  FLAG_END_HEADERS, // CONTINUATION
];

/** RFC 9113 §7 error codes. */
export const ERROR_CODE_NAMES = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED',
];

export function errorCodeName(code: number): string {
  return ERROR_CODE_NAMES[code] ?? `0x${code.toString(16)}`;
}

export const SETTINGS_HEADER_TABLE_SIZE = 0x1;
export const SETTINGS_MAX_FRAME_SIZE = 0x5;

export interface FrameHeader {
  length: number;
  type: number;
  flags: number;
  streamId: number;
}

export function readFrameHeader(b: Uint8Array, o = 0): FrameHeader {
  return {
    length: (b[o] << 16) | (b[o + 1] << 8) | b[o + 2],
    type: b[o + 3],
    flags: b[o + 4],
    streamId: ((b[o + 5] & 0x7f) << 24) + ((b[o + 6] << 16) | (b[o + 7] << 8) | b[o + 8]),
  };
}

/**
 * Does this look like a frame header a real implementation would send? Known type, only the
 * flags the type defines, reserved bit clear, stream id zero exactly for connection frames,
 * and the fixed payload sizes of §6.3–6.9. Unknown types are legal but say nothing, so they fail.
 */
export function plausibleFrameHeader(b: Uint8Array, o: number, maxLength: number): boolean {
  if (b.length - o < FRAME_HEADER_BYTES) return false;
  const h = readFrameHeader(b, o);
  if (h.type > FrameType.CONTINUATION) return false;
  if (h.length > maxLength) return false;
  if (b[o + 5] & 0x80) return false;
  if (h.flags & ~DEFINED_FLAGS[h.type]) return false;
  const connectionLevel = h.type === FrameType.SETTINGS || h.type === FrameType.PING || h.type === FrameType.GOAWAY;
  if (connectionLevel !== (h.streamId === 0) && h.type !== FrameType.WINDOW_UPDATE) return false;
  switch (h.type) {
    case FrameType.PRIORITY:
      return h.length === 5;
    case FrameType.RST_STREAM:
    case FrameType.WINDOW_UPDATE:
      return h.length === 4;
    case FrameType.PING:
      return h.length === 8;
    case FrameType.SETTINGS:
      return h.length % 6 === 0 && (!(h.flags & FLAG_ACK) || h.length === 0);
    case FrameType.GOAWAY:
      return h.length >= 8;
    case FrameType.PUSH_PROMISE:
      return h.length >= 4 && h.streamId % 2 === 1;
    case FrameType.HEADERS:
      return h.length > 0 || !!(h.flags & FLAG_END_HEADERS);
    default:
      return true;
  }
}

/**
 * Feeding the WebSocket decoder in unit tests: frames as RFC 6455 §5.2 writes them (a client's
 * masked with the key 37fa213d, §5.3; 7- or 16-bit lengths) and a decoder made from an HTTP/1.1 Upgrade
 * with a request URI and response headers (Sec-WebSocket-Protocol…). Shared by the tests of the
 * layers carried over WebSocket (Socket.IO, GraphQL, SignalR, AMQP 1.0).
 */
import type { HttpUpgradeInit } from '../../../decoders/core/handoff';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import type { Call, HeaderList } from '../../../decoders/core/model';
import { spec } from '../../../decoders/websocket/index';
import { testSession } from '../../helpers/session';

/** One frame, FIN set: text (0x81) unless `b0` says otherwise (0x82 binary). */
export function wsFrame(dir: 'c2s' | 's2c', payload: string | Uint8Array, b0 = 0x81): Buffer {
  const b = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  const mask = dir === 'c2s' ? 0x80 : 0;
  const len = b.length < 126 ? [b.length | mask] : [126 | mask, b.length >> 8, b.length & 255];
  if (dir === 's2c') return Buffer.concat([Buffer.from([b0, ...len]), b]);
  const key = [0x37, 0xfa, 0x21, 0x3d];
  return Buffer.concat([Buffer.from([b0, ...len, ...key]), b.map((c, i) => c ^ key[i & 3])]);
}

/** The same frame as hex (the calls/harness scripts). */
export const wsFrameHex = (dir: 'c2s' | 's2c', payload: string | Uint8Array, b0 = 0x81) => wsFrame(dir, payload, b0).toString('hex');

export function wsInit(uri: string, responseHeaders: HeaderList = []): HttpUpgradeInit {
  return {
    kind: 'http-upgrade',
    protocol: 'websocket',
    request: { method: 'GET', uri, headers: [], startUs: 0, endUs: 0, frame: 1 },
    response: { status: 101, reason: 'Switching Protocols', headers: [['Upgrade', 'websocket'], ...responseHeaders], startUs: 0, endUs: 0, frame: 2 },
    upgradeCallId: 1,
  };
}

/** Feed already framed bytes (one packet each) to a WebSocket decoder after that Upgrade; the calls and session warnings. */
export function feedWs(uri: string, responseHeaders: HeaderList, script: Array<['c2s' | 's2c', Uint8Array]>): { calls: Call[]; warnings: string[] } {
  const s = testSession({ flow: { server: { ip: '127.0.0.1', port: 8700 } } });
  const d = spec.create(s as DecoderSession, wsInit(uri, responseHeaders)) as StreamDecoder;
  const off = { c2s: 0, s2c: 0 };
  script.forEach(([dir, b], i) => {
    d.data(dir, b, { frame: i + 3, tsUs: 1_000_000 + i * 1000, streamOffset: off[dir] });
    off[dir] += b.length;
  });
  d.close({ frame: 999, tsUs: 2_000_000, streamOffset: 0 });
  return { calls: s.calls, warnings: s.warnings };
}

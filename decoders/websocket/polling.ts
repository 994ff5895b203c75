/**
 * Socket.IO's HTTP long-polling transport (engine-io-protocol "HTTP long-polling"): the client
 * GETs `/socket.io/?EIO=4&transport=polling` for what the server has to say and POSTs what it
 * has, each body a payload of Engine.IO packets. Every Socket.IO connection starts this way
 * unless the client asks for WebSocket only; the handshake (open, namespace CONNECT) is often
 * all polling, before the upgrade. The HTTP exchange becomes a socketio call named after its
 * packets, the packets decoded on each side, its HTTP layer kept.
 */
import type { Call } from '../core/model';
import type { DecoderSession } from '../core/decoder';
import type { BodyRouter } from '../http-common/routers';
import { queryParam } from '../http-common/body';
import { packetName, pollingPackets, type PolledPacket } from './socketio';

export const socketIoPollingRouter: BodyRouter = {
  id: 'socketio',
  match(call: Call): boolean {
    const uri = call.http?.uri;
    return uri !== undefined && uri.includes('EIO=') && /[?&]EIO=\d/.test(uri) && /[?&]transport=polling\b/.test(uri);
  },
  apply(call: Call, session: DecoderSession): void {
    const http = call.http!;
    const uri = http.uri ?? '';
    const eio = Number(queryParam(uri, 'EIO') ?? 4);
    const depth = session.env.limits.maxDepth;
    const read = (b: typeof http.requestBody): PolledPacket[] | undefined => {
      const t = b ? (b.text ?? b.jsonText) : undefined;
      if (b?.truncated) call.warnings.push('Engine.IO payload larger than the preview: its first packets only');
      return t ? pollingPackets(t, eio, depth) : undefined;
    };
    const sent = read(http.requestBody);
    const got = read(http.responseBody);
    call.protocol = 'socketio';
    const names = [...(sent ?? []), ...(got ?? [])].filter((p) => p.type !== 'noop').map(packetName);
    call.method = names.length ? (names.length > 3 ? `${names.slice(0, 3).join(', ')} +${names.length - 3}` : names.join(', ')) : http.method === 'POST' ? 'send' : 'poll';
    const ns = [...(sent ?? []), ...(got ?? [])].find((p) => p.nsp !== undefined)?.nsp;
    call.target = ns ?? http.uri?.split('?')[0] ?? '/';
    if (sent) (call.request ??= {}).value = sent;
    if (got) (call.response ??= {}).value = got;
    call.fields['engineio.transport'] = 'polling';
    call.fields['engineio.version'] = eio;
    const sid = queryParam(uri, 'sid');
    const open = got?.find((p) => p.type === 'open')?.data as Record<string, unknown> | undefined;
    const s = sid ?? (typeof open?.sid === 'string' ? open.sid : undefined);
    if (s) call.fields['engineio.sid'] = s;
    const err = got?.find((p) => p.type === 'CONNECT_ERROR');
    if (err) {
      const msg = (err.data as Record<string, unknown> | undefined)?.message;
      call.status = { code: 'CONNECT_ERROR', text: typeof msg === 'string' ? msg : undefined, ok: false };
    }
  },
};

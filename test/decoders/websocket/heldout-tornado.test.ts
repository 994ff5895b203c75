/**
 * Held-out round 14 (test/heldout-lua/README.md): Tornado 6.2's WebSocket server with
 * websocket_max_message_size 200000; its client (websocket_connect, no compression) sends a 300000-byte
 * text message. The server reads the frame header (RFC 6455 §5.2: 127-length form, 300000), answers
 * close 1009 "message too big" and resets the connection while the client is still writing: 161792 of
 * the frame's 300014 bytes were captured. The bytes are the capture's (tornado-ws-plain.pcap, third
 * connection: frames 82 and 89), the frame kept to its header and first 64 payload bytes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CloseReason, DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { spec } from '../../../decoders/websocket/index';
import { testSession } from '../../helpers/session';
import { wsInit } from './ws-feed';

const hex = (s: string) => Uint8Array.from((s.match(/../g) ?? []).map((x) => parseInt(x, 16)));
// FIN text, masked, 127-length 300000, key 6ff96a39, then "0000000\\n0000001\\n…" masked
const HEAD = '81ff00000000000493e06ff96a39';
const PAYLOAD = '5fc95a095fc95a335fc95a095fc95b335fc95a095fc958335fc95a095fc959335fc95a095fc95e335fc95a095fc95f335fc95a095fc95c335fc95a095fc95d33';
// close 1009 "message too big"
const CLOSE = '881103f16d65737361676520746f6f20626967';

function run(how?: CloseReason, cutAt = PAYLOAD.length / 2) {
  const s = testSession({ flow: { server: { ip: '127.0.0.1', port: 28114 } } });
  const d = spec.create(s as DecoderSession, wsInit('/ws?third=1')) as StreamDecoder;
  const c = hex(HEAD + PAYLOAD.slice(0, cutAt * 2));
  d.data('c2s', c, { frame: 82, tsUs: 1_000_000, streamOffset: 0 });
  d.data('s2c', hex(CLOSE), { frame: 89, tsUs: 1_001_000, streamOffset: 0 });
  d.close({ frame: 90, tsUs: 1_002_000, streamOffset: 0 }, how);
  return s;
}

describe('RFC 6455 §5.2: a data frame the connection ended inside (Tornado 1009, then TCP RST)', () => {
  it('is a message of its own, aborted, with the bytes that were sent — not only a flow warning', () => {
    const s = run('rst');
    const text = s.calls.find((c) => c.method === 'text');
    assert.ok(text, 'the cut message is a call');
    assert.equal(text.state, 'aborted');
    assert.equal(text.fields['websocket.dir'], 'c2s');
    assert.equal(text.request?.body?.text, '0000000\n0000001\n0000002\n0000003\n0000004\n0000005\n0000006\n0000007\n');
    assert.deepEqual(text.warnings, ["the connection was reset (TCP RST) after 78 of this frame's 300014 bytes: the message was not sent whole"]);
    assert.deepEqual(s.warnings, []);
    const close = s.calls.find((c) => c.method === 'close');
    assert.equal(close?.status?.code, 1009);
  });
  it('at the end of the capture it is incomplete', () => {
    const text = run(undefined).calls.find((c) => c.method === 'text');
    assert.equal(text?.state, 'incomplete');
    assert.match(text?.warnings[0] ?? '', /^the capture ends after 78 of this frame's 300014 bytes$/);
  });
  it('a ping of the same direction still waiting for its pong is still settled', () => {
    const s = testSession({ flow: { server: { ip: '127.0.0.1', port: 28114 } } });
    const d = spec.create(s as DecoderSession, wsInit('/ws')) as StreamDecoder;
    // a masked ping "p" (key 6ff96a39), then the cut frame
    d.data('c2s', hex(`8981${'6ff96a39'}1f${HEAD}${PAYLOAD.slice(0, 16)}`), { frame: 3, tsUs: 1, streamOffset: 0 });
    d.close({ frame: 4, tsUs: 2, streamOffset: 0 }, 'rst');
    assert.deepEqual(
      s.calls.map((c) => [c.method, c.state]),
      [
        ['text', 'aborted'],
        ['ping', 'incomplete'],
      ],
    );
  });
  it('a cut inside the frame header stays a flow warning', () => {
    const s = testSession({ flow: { server: { ip: '127.0.0.1', port: 28114 } } });
    const d = spec.create(s as DecoderSession, wsInit('/ws')) as StreamDecoder;
    d.data('c2s', hex(HEAD.slice(0, 12)), { frame: 3, tsUs: 1, streamOffset: 0 });
    d.close({ frame: 4, tsUs: 2, streamOffset: 0 }, 'fin');
    assert.equal(s.calls.filter((c) => c.method === 'text').length, 0);
    assert.deepEqual(s.warnings, ['c2s: 6 bytes of an unfinished frame at the end']);
  });
});

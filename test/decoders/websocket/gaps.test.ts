/**
 * WebSocket over a capture with gaps (snaplen, kernel drops): frames of RFC 6455 §5.7 and of the
 * websocket-chat sample (Python websockets), cut the way `tcpdump -s 80`/`-s 128` cut them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spec } from '../../../decoders/websocket/index';
import type { HttpUpgradeInit } from '../../../decoders/core/handoff';
import type { DecoderSession, StreamDecoder } from '../../../decoders/core/decoder';
import { feed, snaplen, data, hole, pkt, brief, assertGapSplitInvariant, type Step } from '../../helpers/gap-feed';

function init(headers: Array<[string, string]> = [['Upgrade', 'websocket']]): HttpUpgradeInit {
  return {
    kind: 'http-upgrade',
    protocol: 'websocket',
    request: { method: 'GET', uri: '/chat', headers: [], startUs: 0, endUs: 0, frame: 1 },
    response: { status: 101, reason: 'Switching Protocols', headers, startUs: 0, endUs: 0, frame: 2 },
    upgradeCallId: 1,
  };
}
const ws = (headers?: Array<[string, string]>) => (s: DecoderSession) => spec.create(s, init(headers)) as StreamDecoder;
const create = ws();
const hex = (t: string) => Buffer.from(t).toString('hex');
/** An unmasked server frame (§5.2) with a 7-bit length. */
const server = (t: string, b0 = 0x81) => b0.toString(16).padStart(2, '0') + Buffer.byteLength(t).toString(16).padStart(2, '0') + hex(t);
/** A client frame masked with key 37fa213d (§5.3), payload given as hex. */
function clientHex(payload: string, b0 = 0x81): string {
  const key = [0x37, 0xfa, 0x21, 0x3d];
  const p = Buffer.from(payload, 'hex').map((c, i) => c ^ key[i & 3]);
  return b0.toString(16).padStart(2, '0') + (0x80 | p.length).toString(16).padStart(2, '0') + '37fa213d' + Buffer.from(p).toString('hex');
}
const client = (t: string, b0 = 0x81) => clientHex(hex(t), b0);
const body = (c: { request?: { body?: { text?: string; size?: number; truncated?: boolean } }; response?: { body?: { text?: string; size?: number; truncated?: boolean } } }) => c.request?.body ?? c.response?.body;

describe('RFC 6455 §5.2 base framing: a gap inside a frame', () => {
  it('a masked client frame cut in its payload: opcode and length kept, the captured head unmasked, the next frame read', () => {
    const f = client('{"type":"chat","text":"hi there"}');
    const steps: Step[] = [data('c2s', f.slice(0, 2 * 20)), hole('c2s', f.length / 2 - 20), data('c2s', client('next'))];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['text /chat complete', 'text /chat complete']);
    const b = body(s.calls[0])!;
    assert.equal(b.size, 33);
    assert.equal(b.truncated, true);
    assert.equal(b.text, '{"type":"chat"');
    assert.deepEqual(s.calls[0].warnings, ['frame cut by a capture gap: 20 of 39 bytes captured, 19 missing']);
    assert.equal(body(s.calls[1])!.text, 'next');
    assert.deepEqual(s.warnings, []);
    assertGapSplitInvariant(create, steps);
  });

  it('a JSON-RPC response cut by a gap does not complete its request by guesswork', () => {
    const req = client('{"jsonrpc":"2.0","method":"add","params":[2,3],"id":1}');
    const resp = server('{"jsonrpc":"2.0","result":5,"id":1}');
    const s = feed(create, [data('c2s', req), data('s2c', resp.slice(0, 2 * 16)), hole('s2c', resp.length / 2 - 16)]);
    assert.deepEqual(brief(s), ['text /chat complete', 'add /chat incomplete']);
  });
});

describe('RFC 6455 §5.4 fragmentation and §5.2: a gap over a frame boundary', () => {
  it('a fragmented message whose last fragments fell in the gap ends there; the next frame after the gap is found', () => {
    const steps: Step[] = [data('s2c', server('part one, ', 0x01)), hole('s2c', 30), data('s2c', server('next'))];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['text /chat complete', 'text /chat complete']);
    assert.match(s.calls[0].warnings.join(), /fragments after a capture gap may be missing/);
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0], /s2c: 30 bytes missing from the capture at a frame boundary; decoding resumes at the next plausible frame header/);
    assertGapSplitInvariant(create, steps);
  });

  it('inside a segment that starts in the middle of a frame, a whole masked frame is found', () => {
    const f = client('lost message');
    const steps: Step[] = [hole('c2s', 5), data('c2s', f.slice(10) + client('found'))];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['text /chat complete']);
    assert.equal(body(s.calls[0])!.text, 'found');
  });

  it('a pong the gap may have swallowed leaves its ping incomplete', () => {
    const s = feed(create, [data('s2c', server('ping?', 0x89)), hole('c2s', 11), data('s2c', server('ping2', 0x89)), data('c2s', client('ping2', 0x8a))]);
    assert.deepEqual(brief(s), ['ping /chat incomplete', 'ping /chat complete']);
  });

  it('bytes handed over after an Upgrade response cut by a gap are not frames: the first frame after the gap is found', () => {
    const steps: Step[] = [data('s2c', hex('Connection: Upgr')), hole('s2c', 67), data('s2c', server('welcome to /chat'))];
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['text /chat complete']);
    assert.match(s.warnings[0], /bytes before the first frame are not a WebSocket frame/);
  });
});

describe('RFC 7692 permessage-deflate: a compressed message cut by a gap', () => {
  it('is not inflated; with context takeover later messages are inflated against a window of unknown bytes, what they repeat of it marked', () => {
    // "Hello" compressed (RFC 7692 §7.2.3.1), then the same text again referring back to it (§7.2.3.2).
    const hello = 'c107f248cdc9c90700';
    const again = 'c105f200110000';
    const steps: Step[] = [data('s2c', hello.slice(0, 8)), hole('s2c', 5), data('s2c', again), data('s2c', 'c107f248cdc9c90700')];
    const s = feed(ws([['Sec-WebSocket-Extensions', 'permessage-deflate']]), steps);
    assert.deepEqual(brief(s), ['text /chat complete', 'text /chat complete', 'text /chat complete']);
    assert.match(s.calls[0].warnings.join(), /frame cut by a capture gap/);
    assert.match(s.calls[1].warnings.join(), /partly decompressed: 4 of its 5 bytes repeat an earlier message cut by a capture gap/);
    assert.equal(body(s.calls[1])!.text, 'H⟨4 bytes not captured⟩', 'its literal H, then a copy of the lost ello');
    assert.equal(body(s.calls[2])!.text, 'Hello', 'a message that does not refer back is inflated');
  });
});

describe('MQTT over WebSocket (subprotocol mqtt): a message cut by a gap reaches the MQTT decoder as a cut packet', () => {
  it('the PUBLISH inside is named with its topic', () => {
    const publish = '321d000f72696465732f726571756573746564000a7b2274726970223a317d'; // QoS 1 'rides/requested' id 10
    const frame = '82' + (0x80 | 31).toString(16) + '00000000' + publish; // masked with a zero key
    // 27 bytes captured: the frame header, then the PUBLISH up to its packet identifier.
    const s = feed(ws([['Sec-WebSocket-Protocol', 'mqtt']]), [data('c2s', frame.slice(0, 2 * 27)), hole('c2s', 37 - 27), data('s2c', '8204' + '4002000a')]);
    assert.deepEqual(brief(s), ['PUBLISH rides/requested complete']);
    assert.equal(s.calls[0].fields['websocket.subprotocol'], 'mqtt');
    assert.match(s.calls[0].warnings.join(), /PUBLISH cut by a capture gap/);
  });
});

describe('WebSocket under tcpdump -s 80 (14 payload bytes per segment, then a gap)', () => {
  it('every message is listed with its opcode and size', () => {
    const packets = [
      pkt('s2c', server('welcome to /chat')),
      pkt('c2s', client('hello')),
      pkt('c2s', client('{"type":"chat","text":"hi there"}')),
      pkt('s2c', server('echo: {"type":"chat","text":"hi there"}')),
      pkt('c2s', client('are you there?', 0x89)),
      pkt('s2c', server('are you there?', 0x8a)),
      pkt('c2s', clientHex('0fa0' + hex('bye'), 0x88)),
    ];
    const steps = snaplen(packets, 14);
    const s = feed(create, steps);
    assert.deepEqual(brief(s), ['text /chat complete', 'text /chat complete', 'text /chat complete', 'text /chat complete', 'ping /chat complete', 'close /chat complete']);
    assert.equal(body(s.calls[2])!.size, 33);
    assert.deepEqual(s.warnings, []);
    assertGapSplitInvariant(create, steps);
  });
});

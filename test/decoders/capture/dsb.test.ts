/**
 * pcapng Decryption Secrets Blocks (draft-ietf-opsawg-pcapng §4.7): secrets type + length + data,
 * handed to the `secrets` handler in file order (a DSB precedes the packets it decrypts), bounded,
 * skipped when damaged or when nobody asks for them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureReader } from '../../../decoders/capture/reader';
import type { CaptureHandlers } from '../../../decoders/capture/types';
import * as B from '../../helpers/pcap-builder';

const TEXT = 'CLIENT_RANDOM 247c5b278031fbc87c0331f823b51795338391e41b64c18171d1b530c81be3fa 00\n';

function read(file: Uint8Array, withSecrets = true, chunk = file.length) {
  const events: string[] = [];
  const warnings: string[] = [];
  const h: CaptureHandlers = {
    frame: (f) => events.push(`frame ${f.frame}`),
    warning: (w) => warnings.push(w.message),
  };
  if (withSecrets) h.secrets = (type, data) => events.push(`secrets ${type.toString(16)} ${new TextDecoder().decode(data)}`);
  const r = new CaptureReader(h);
  for (let i = 0; i < file.length; i += chunk) r.push(file.subarray(i, i + chunk));
  r.end();
  return { events, warnings };
}

const frame = B.epb({ data: B.ethernet(B.tcpPacket({})), tsUs: 1_000_000 });

describe('pcapng §4.7 Decryption Secrets Block', () => {
  for (const bigEndian of [false, true]) {
    it(`TLS key log text reaches the handler before the packets after it (${bigEndian ? 'big' : 'little'}-endian)`, () => {
      const file = B.pcapngFile([{ bigEndian, blocks: [B.idb(), frame, B.dsb(TEXT), frame] }]);
      const { events, warnings } = read(file);
      assert.deepEqual(events, ['frame 1', `secrets 544c534b ${TEXT}`, 'frame 2']);
      assert.deepEqual(warnings, []);
      // any chunking of the file
      assert.deepEqual(read(file, true, 7).events, events);
    });
  }
  it('without a secrets handler the block is skipped, as before', () => {
    const file = B.pcapngFile([{ blocks: [B.idb(), B.dsb(TEXT), frame] }]);
    assert.deepEqual(read(file, false), { events: ['frame 1'], warnings: [] });
  });
  it('a secrets length past the block: a warning, skipped, the packets after it still read', () => {
    const bad: B.RawBlockSpec = { type: 'raw', blockType: 10, body: (le) => new B.Writer(le).u32(0x544c534b).u32(1000).raw(B.bytes('CLIENT_RANDOM')).bytes() };
    const { events, warnings } = read(B.pcapngFile([{ blocks: [B.idb(), bad, frame] }]));
    assert.deepEqual(events, ['frame 1']);
    assert.match(warnings[0], /claims 1000 bytes of secrets/);
  });
});

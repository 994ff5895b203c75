/**
 * A live capture decrypted with a key log keeps the secrets that decrypted it: pcapng Decryption
 * Secrets Blocks (draft-ietf-opsawg-pcapng §4.7, secrets type 0x544c534b "TLSK") right after the
 * Section Header Block, as `editcap --inject-secrets tls,KEYLOG` writes them; the saved file then
 * opens decrypted without the key log. Secrets of sessions the capture does not hold stay out.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Call } from '../../decoders/core/model';
import { Pipeline } from '../../decoders/pipeline';
import { CaptureToPcapng } from '../../decoders/capture/pcapng-writer';
import { firstSectionHeader, tlsSecretsBlock } from '../../decoders/capture/dsb';
import { nodeEnv } from '../../cli/platform/node-env';
import { LiveFeed } from '../../cli/platform/live-feed';
import { injectTlsSecrets, keyLogPieces } from '../../cli/platform/inject-secrets';
import { loadDefinitions } from '../../cli/platform/definitions';
import { fromHex, toHex } from '../../decoders/core/bytes';
import { SAMPLES } from '../helpers/samples';

const tmp = mkdtempSync(join(tmpdir(), 'callscope-inject-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const SAMPLE = join(SAMPLES, 'tls-keylog/tls-keylog.pcap');
const KEYS = join(SAMPLES, 'tls-keylog/tls-keylog.keys');
/** A secret of a session the capture does not hold (another tab of the browser writing the key log). */
const FOREIGN = `CLIENT_RANDOM ${'ab'.repeat(32)} ${'cd'.repeat(48)}`;

describe('pcapng §4.7 Decryption Secrets Block', () => {
  it('layout: type 0x0000000A, total length, secrets type TLSK, secrets length, data padded to 32 bits, total length', () => {
    assert.equal(toHex(tlsSecretsBlock('AB\n', true)), '0a000000' + '18000000' + '4b534c54' + '03000000' + '41420a00' + '18000000');
    assert.equal(toHex(tlsSecretsBlock('ABCD', false)), '0000000a' + '00000018' + '544c534b' + '00000004' + '41424344' + '00000018');
  });
  it('the first Section Header Block: its end and byte order, big-endian too; not a pcapng file: undefined', () => {
    assert.deepEqual(firstSectionHeader(fromHex('0a0d0d0a1c0000004d3c2b1a')), { end: 28, littleEndian: true });
    assert.deepEqual(firstSectionHeader(fromHex('0a0d0d0a000000201a2b3c4d')), { end: 32, littleEndian: false });
    assert.equal(firstSectionHeader(fromHex('d4c3b2a102000400')), undefined, 'classic pcap');
    assert.equal(firstSectionHeader(fromHex('0a0d0d0a1d0000004d3c2b1a')), undefined, 'a length not a multiple of 4');
  });
  it('large key logs are cut at line ends into blocks the reader takes (≤ 8 MiB each)', () => {
    const line = `${FOREIGN}\n`;
    const text = line.repeat(Math.ceil((17 << 20) / line.length));
    const pieces = keyLogPieces(text);
    assert.equal(pieces.length, 3);
    assert.equal(pieces.join(''), text);
    for (const p of pieces) assert.ok(p.length <= 8 << 20 && p.endsWith('\n'));
  });
  it('a classic pcap file is left as it is', async () => {
    const f = join(tmp, 'classic.pcap');
    writeFileSync(f, readFileSync(SAMPLE));
    assert.equal(await injectTlsSecrets(f, FOREIGN), false);
    assert.deepEqual(readFileSync(f), readFileSync(SAMPLE));
  });
});

describe('live: the saved capture carries the secrets that decrypted it', () => {
  it('the TLS sample recorded as pcapng through a LiveFeed with its key log opens decrypted alone: 35 calls', async () => {
    const { definitions } = await loadDefinitions({ captureFile: SAMPLE });
    const conv = new CaptureToPcapng();
    const pcapng = Buffer.concat([conv.push(new Uint8Array(readFileSync(SAMPLE))), conv.end()]);
    const keyText = readFileSync(KEYS, 'latin1');
    const keyFile = join(tmp, 'browser.keys');
    writeFileSync(keyFile, `${FOREIGN}\n${keyText}`);
    const out = join(tmp, 'live.pcapng');
    const calls: Call[] = [];
    const feed = new LiveFeed({ definitions, tlsKeyLogs: [keyFile], file: out }, { call: (c) => calls.push(c) });
    await feed.ready;
    for (let o = 0; o < pcapng.length; o += 4096) feed.push(pcapng.subarray(o, o + 4096));
    await feed.end();
    assert.equal(calls.length, 35);

    const saved = new Uint8Array(readFileSync(out));
    assert.equal(saved.length > pcapng.length, true, 'the file grew by the blocks');
    const text = Buffer.from(saved).toString('latin1');
    assert.ok(!text.includes('ab'.repeat(32)), 'the foreign secret is not in the file');
    // Opened alone (no key log): decrypted, the same calls.
    const again: Call[] = [];
    const p = new Pipeline({ env: nodeEnv({ definitions }) }, { call: (c) => again.push(c) });
    p.push(saved);
    p.end();
    assert.equal(again.length, 35);
    assert.equal(again.filter((c) => c.protocol !== 'tls').length, calls.filter((c) => c.protocol !== 'tls').length);
    assert.ok(again.filter((c) => c.protocol !== 'tls').length > 20, 'calls inside TLS decoded');
    // The block right after the Section Header Block holds key log lines of the sample's own, only.
    const shb = firstSectionHeader(saved)!;
    const dv = new DataView(saved.buffer, saved.byteOffset);
    assert.equal(dv.getUint32(shb.end, true), 0x0a, 'a DSB follows the SHB');
    assert.equal(dv.getUint32(shb.end + 8, true), 0x544c534b);
    const inBlock = Buffer.from(saved.subarray(shb.end + 16, shb.end + 16 + dv.getUint32(shb.end + 12, true))).toString('latin1');
    const sampleLines = new Set(keyText.split('\n').map((l) => l.trim().toLowerCase()));
    const lines = inBlock.split('\n').filter(Boolean);
    assert.ok(lines.length > 0);
    for (const l of lines) assert.ok(sampleLines.has(l.toLowerCase()), l);
  });
});

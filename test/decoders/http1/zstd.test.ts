/**
 * RFC 9110 §8.4.1 content codings, RFC 8878 §3.1.1 zstd frames: an HTTP/1.1 response with
 * `Content-Encoding: zstd` decodes on every Node (decoders/core/zstd.ts where node:zlib has no
 * zstd). The frames were made with the zstd 1.5.4 CLI.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nodeEnv } from '../../../cli/platform/node-env';
import { concatBytes, fromHex } from '../../../decoders/core/bytes';
import type { Call } from '../../../decoders/core/model';
import { calls, enc, run, type Packet } from './feed';

const CRLF = '\r\n';
const head = (lines: string[]) => enc(lines.join(CRLF) + CRLF + CRLF);
const JSON_ITEMS = JSON.stringify(Array.from({ length: 8 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['alpha', 'beta'] })));
// `zstd -3 b.json` (JSON_ITEMS): one compressed block.
const ZSTD_JSON = fromHex(
  '28b52ffd64890025030014045b7b226964223a302c226e616d65223a226974656d2d30222c2274616773223a5b22616c706861222c2262657461225d7d2c' +
    '31313232333334343535363637375d0f00c016201f181990058c0764064601f281910159c0784066601420af504c41011b4c2511',
);
// `head -c 1048576 /dev/zero | zstd -19`: 50 bytes, 1 MiB of zeros.
const ZSTD_ZEROS = fromHex('28b52ffd04684c000008000100fcff39100202001000020010000200100002001000020010000200100003001000f13e16e1');

// `yes 'callscope zstd block' | head -c 300000 | zstd -19`: three blocks.
const ZSTD_LINES = fromHex('28b52ffd0468ec0000a863616c6c73636f7065207a73746420626c6f636b0a0100d1ff319f4c440000000100fdff984f20450000000100dd131d00016f897251');

function response(headers: string[], body: Uint8Array): Packet[] {
  return [
    { dir: 'c2s', data: ['GET /items HTTP/1.1', 'Host: h', 'Accept-Encoding: gzip, deflate, br, zstd', '', ''].join(CRLF) },
    { dir: 's2c', data: concatBytes([head(['HTTP/1.1 200 OK', ...headers]), body]) },
  ];
}

function one(packets: Packet[], opts?: Parameters<typeof run>[1]): Call {
  const cs = opts ? run(packets, opts).calls : calls(packets);
  assert.equal(cs.length, 1);
  return cs[0];
}

describe('Content-Encoding: zstd (RFC 8878)', () => {
  it('a JSON body with Content-Length decodes to its value', () => {
    const c = one(response(['Content-Type: application/json', 'Content-Encoding: zstd', `Content-Length: ${ZSTD_JSON.length}`], ZSTD_JSON));
    assert.deepEqual(c.warnings, []);
    assert.equal(c.response?.body?.encoding, 'zstd');
    assert.equal(c.response?.body?.kind, 'json');
    assert.equal(c.response?.body?.decodedSize, JSON_ITEMS.length);
    assert.deepEqual(c.response?.body?.value, JSON.parse(JSON_ITEMS));
  });
  it('a chunked zstd body, the packets split anywhere', () => {
    const chunked = concatBytes([enc(`40${CRLF}`), ZSTD_JSON.subarray(0, 0x40), enc(`${CRLF}${(ZSTD_JSON.length - 0x40).toString(16)}${CRLF}`), ZSTD_JSON.subarray(0x40), enc(`${CRLF}0${CRLF}${CRLF}`)]);
    const packets = response(['Content-Type: application/json', 'Content-Encoding: zstd', 'Transfer-Encoding: chunked'], chunked);
    for (const split of [undefined, 1, 7, 100]) {
      const c = one(packets, { split });
      assert.deepEqual(c.response?.body?.value, JSON.parse(JSON_ITEMS), `split ${split}`);
    }
  });
  it('a body that expands past maxDecompressedBytes gets the limit warning, not an exception', () => {
    const c = one(response(['Content-Type: application/octet-stream', 'Content-Encoding: zstd', `Content-Length: ${ZSTD_ZEROS.length}`], ZSTD_ZEROS), { env: nodeEnv({ limits: { maxDecompressedBytes: 256 << 10 } }) });
    assert.ok(c.warnings.includes('response body: zstd body expands past 256 KiB: decoding stopped'), JSON.stringify(c.warnings));
    assert.equal(c.response?.body?.kind, 'binary');
  });
  it('a body larger than the preview: the whole blocks in the preview are decoded', () => {
    const c = one(response(['Content-Type: text/plain', 'Content-Encoding: zstd', `Content-Length: ${ZSTD_LINES.length}`], ZSTD_LINES), { env: nodeEnv({ limits: { maxBodyBytes: 50 } }) });
    assert.deepEqual(c.warnings, []);
    assert.equal(c.response?.body?.truncated, true);
    assert.equal(c.response?.body?.text, 'callscope zstd block\n'.repeat(3).slice(0, 50));
  });
  it('a corrupt body gets a warning and keeps its hex', () => {
    const c = one(response(['Content-Type: application/json', 'Content-Encoding: zstd', 'Content-Length: 4'], enc('abcd')));
    assert.deepEqual(c.warnings, ['response body: zstd body is corrupt: not a zstd frame (magic number 64636261)']);
    assert.equal(c.response?.body?.hex, '61626364');
    // §3.1.1.2.2: the block header's Block_Type made 3 (reserved).
    const bad = ZSTD_JSON.slice();
    bad[7] |= 0x06;
    const d = one(response(['Content-Type: application/json', 'Content-Encoding: zstd', `Content-Length: ${bad.length}`], bad));
    assert.deepEqual(d.warnings, ['response body: zstd body is corrupt: zstd block of the reserved type 3']);
    assert.equal(d.response?.body?.kind, 'binary');
  });
});

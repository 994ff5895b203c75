/**
 * PROTOCOL-HTTP2.md Compressed-Flag with `grpc-encoding: zstd`, and the same message coding in
 * Connect (which shares grpcDecompress): decoded on every Node (decoders/core/zstd.ts where
 * node:zlib has no zstd). The frame was made with the zstd 1.5.4 CLI (`printf '\x0a\x03Ada' | zstd`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, frame, block, c2s, s2c, preface, lpm } from '../http2/h2';
import { buildProtoDefinitions } from '../../../decoders/protobuf/definitions';
import { grpcDecompress } from '../../../decoders/grpc/messages';
import { fromHex } from '../../../decoders/core/bytes';
import { nodeEnv } from '../../../cli/platform/node-env';

const PROTO = `syntax = "proto3"; package t;
message Req { int64 id = 1; }
message Res { string name = 1; }
service S { rpc Get(Req) returns (Res); }`;
const defs = buildProtoDefinitions([{ path: 'proto/t.proto', text: PROTO }]);
// t.Res { name: "Ada" } (0a 03 41 64 61) as an RFC 8878 frame: Window_Descriptor, raw block, checksum.
const ADA_ZSTD = fromHex('28b52ffd04582900000a034164614eaf26d0');
// `head -c 1048576 /dev/zero | zstd -19`: 1 MiB of zeros.
const ZEROS = fromHex('28b52ffd04684c000008000100fcff39100202001000020010000200100002001000020010000200100003001000f13e16e1');

const REQH = block([[':method', 'POST'], [':scheme', 'http'], [':path', '/t.S/Get'], ['content-type', 'application/grpc'], ['grpc-encoding', 'zstd'], ['grpc-accept-encoding', 'zstd,gzip']]);
const RESH = block([[':status', '200'], ['content-type', 'application/grpc'], ['grpc-encoding', 'zstd']]);
const OK = block([['grpc-status', '0']]);

describe('grpc-encoding zstd (RFC 8878)', () => {
  it('a compressed response message decodes with the schema', () => {
    const env = { ...nodeEnv(), definitions: { proto: defs } };
    const s = feed([c2s(preface(), frame(1, 0x4, 1, REQH), frame(0, 1, 1, lpm([8, 42]))), s2c(frame(1, 0x4, 1, RESH), frame(0, 0, 1, lpm(ADA_ZSTD, 1)), frame(1, 0x5, 1, OK))], { env });
    const c = s.calls[0];
    assert.deepEqual(c.warnings, []);
    assert.deepEqual(c.response?.value, { name: 'Ada' });
    assert.equal(c.fields['grpc.encoding'], 'zstd');
  });
  it('a message past maxDecompressedBytes and a corrupt one: warnings, the call still there', () => {
    const env = nodeEnv({ limits: { maxDecompressedBytes: 64 << 10 } });
    const s = feed([c2s(preface(), frame(1, 0x4, 1, REQH), frame(0, 1, 1, lpm(ZEROS, 1))), s2c(frame(1, 0x4, 1, RESH), frame(0, 0, 1, lpm([1, 2, 3, 4], 1)), frame(1, 0x5, 1, OK))], { env });
    const c = s.calls[0];
    assert.ok(c.warnings.some((w) => w.includes(`zstd message decompresses past ${64 << 10} bytes: not decoded`)), JSON.stringify(c.warnings));
    assert.ok(c.warnings.some((w) => w.includes('zstd decompression failed: not a zstd frame')), JSON.stringify(c.warnings));
    assert.equal(c.status?.ok, true);
  });
  it('grpcDecompress (shared with Connect) undoes zstd', () => {
    const warnings: string[] = [];
    assert.deepEqual([...(grpcDecompress(ADA_ZSTD, 'zstd', nodeEnv(), warnings) ?? [])], [0x0a, 3, 0x41, 0x64, 0x61]);
    assert.deepEqual(warnings, []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feed, norm, type Pkt } from '../http2/h2';
import { binaryHeaderValue } from '../../../decoders/grpc/status';
import { HpackDecoder } from '../../../decoders/http2/hpack';
import { buildProtoDefinitions } from '../../../decoders/protobuf/definitions';
import { testSession } from '../../helpers/session';
import { readFileSync } from 'node:fs';

// A real capture: grpcio 1.51.1 (grpc C-core 29) client and server on 127.0.0.1, TCP payloads of
// frames 4–17: SETTINGS with 0xfe03 = 1 both ways (GRPC_ALLOW_TRUE_BINARY_METADATA), GetPerson(1)
// → OK with an `x-trace-bin` trailer, GetPerson(42) → Trailers-Only NOT_FOUND carrying a
// google.rpc.Status in `grpc-status-details-bin` sent as true binary (NUL, then the raw bytes).
const CAPTURE: Array<[Pkt['dir'], string]> = [
  ['c2s', '505249202a20485454502f322e300d0a0d0a534d0d0a0d0a0000240400000000000002000000000003000000000004003fffff0005003fffff000600002000fe0300000001000004080000000000003f0000'], // frame 4
  ['s2c', '0000180400000000000004003fffff0005003fffff000600002000fe0300000001000004080000000000003f0000'], // frame 6
  ['s2c', '000000040100000000'], // frame 8
  ['c2s', '00000004010000000000010b01040000000140053a706174682c2f63616c6c73636f70652e706572736f6e2e76312e506572736f6e536572766963652f476574506572736f6e400a3a617574686f726974790e3132372e302e302e313a393130318386400c636f6e74656e742d74797065106170706c69636174696f6e2f677270634002746508747261696c6572734014677270632d6163636570742d656e636f64696e67176964656e746974792c206465666c6174652c20677a6970400c677270632d74696d656f7574023553400a757365722d6167656e7430677270632d707974686f6e2f312e35312e3120677270632d632f32392e302e3020286c696e75783b2063687474703229000c782d726571756573742d696403722d31000004080000000001000000050000070001000000010000000002080100000408000000000000000005'], // frame 10
  ['s2c', '0000080600000000000000000000000000'], // frame 11
  ['c2s', '0000080601000000000000000000000000'], // frame 12
  ['s2c', '00004e01040000000188400c636f6e74656e742d74797065106170706c69636174696f6e2f677270634014677270632d6163636570742d656e636f64696e67176964656e746974792c206465666c6174652c20677a697000008e00000000000100000000890801120c416461204c6f76656c6163651a0f616461406578616d706c652e6f726720012a01612a0162320c0a047465616d1204636f72653a060880e2cfaa06423f0a2f747970652e676f6f676c65617069732e636f6d2f63616c6c73636f70652e706572736f6e2e76312e41646472657373120c0a064c6f6e646f6e1202554b510000000000001240000035010500000001400b677270632d7374617475730130000b782d7365727665642d627906707974686f6e000b782d74726163652d62696e040000010200000408000000000000000007'], // frame 13
  ['c2s', '0000080600000000000000000000000000'], // frame 14
  ['s2c', '0000080601000000000000000000000000'], // frame 15
  ['c2s', '00001c010400000003c4c38386c2c1c0400c677270632d74696d656f757405353031306dbf000004080000000003000000050000070001000000030000000002082a0000040800000000000000008e'], // frame 16
  ['s2c', '0000a701050000000388c0400b677270632d7374617475730135000c677270632d6d65737361676513706572736f6e203432206e6f7420666f756e640017677270632d7374617475732d64657461696c732d62696e5a0008051213706572736f6e203432206e6f7420666f756e641a400a2f747970652e676f6f676c65617069732e636f6d2f63616c6c73636f70652e706572736f6e2e76312e41646472657373120d0a074e6f77686572651202585800000408000000000000000007'], // frame 17
];
const PROTO = 'samples/grpc-person-api/person.proto';
const env = { ...testSession().env, definitions: { proto: buildProtoDefinitions([{ path: PROTO, text: readFileSync(PROTO, 'utf8') }]) } };
const pkts = (): Pkt[] => CAPTURE.map(([dir, hex]) => ({ dir, data: Uint8Array.from(Buffer.from(hex, 'hex')) }));

describe('PROTOCOL-HTTP2.md (binary header values): grpc C-core true-binary metadata', () => {
  it('decodes grpc-status-details-bin sent raw after SETTINGS 0xfe03, without a base64 warning', () => {
    const s = feed(pkts(), { env });
    const [ok, notFound] = s.calls;
    assert.equal(ok.status?.code, 0);
    assert.equal(notFound.status?.text, 'NOT_FOUND');
    assert.deepEqual(notFound.warnings, []);
    assert.deepEqual(JSON.parse(String(notFound.fields['grpc.status_details'])), {
      code: 5,
      message: 'person 42 not found',
      details: [{ '@type': 'type.googleapis.com/callscope.person.v1.Address', city: 'Nowhere', country: 'XX' }],
    });
    // The trailer keeps every octet: NUL marker, then 00 01 02.
    const trace = ok.response?.trailers?.find(([k]) => k === 'x-trace-bin')?.[1];
    assert.deepEqual([...(binaryHeaderValue(trace!) ?? [])], [0, 1, 2]);
  });
  it('same calls at every split', () => {
    const whole = norm(feed(pkts(), { env }));
    for (const split of [1, 3, 7, 64]) assert.equal(norm(feed(pkts(), { env, split })), whole);
  });
  it('base64 values, padded or not, still decode; a raw value with octets ≥ 0x80 keeps them', () => {
    assert.deepEqual([...binaryHeaderValue('AAEC')!], [0, 1, 2]);
    assert.deepEqual([...binaryHeaderValue('AAE')!], [0, 1]);
    assert.deepEqual([...binaryHeaderValue('AAE=')!], [0, 1]);
    assert.equal(binaryHeaderValue('not base64!'), undefined);
    // HPACK literal without indexing, new name "x-bin", value 00 c3 a9 ff (valid UTF-8 inside, kept as octets).
    const h = new HpackDecoder().decode(Uint8Array.of(0x00, 5, 0x78, 0x2d, 0x62, 0x69, 0x6e, 4, 0x00, 0xc3, 0xa9, 0xff), 1 << 16, 100);
    assert.deepEqual([...binaryHeaderValue(h.headers[0][1])!], [0xc3, 0xa9, 0xff]);
  });
});

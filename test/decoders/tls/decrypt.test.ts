/**
 * TLS decryption with a key log: the key schedule and record protection against the known-answer
 * traces of RFC 8448 (TLS 1.3) and a record of samples/tls-keylog (TLS 1.2 AES-GCM), the key log
 * format, and a whole connection through the TLS decoder: what it decrypts, what it hands on, how
 * it fails.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../../../decoders/core/bytes';
import { RecordKeys, hkdfExpandLabel, prf12, suiteInfo, tls12Keys } from '../../../decoders/tls/decrypt';
import { KeyLog, MAX_HELD_BYTES, MAX_LINE } from '../../../decoders/tls/keylog';
import { nodeCrypto, nodeEnv } from '../../../cli/platform/node-env';
import { createCipheriv, createHmac } from 'node:crypto';
import { testSession } from '../../helpers/session';
import { feedTls, gap, seg, type Segment } from './feed';
import '../../../decoders/registry';
import type { Call } from '../../../decoders/core/model';
import { InnerStream } from '../../../decoders/tls/inner';
import { HOLD_BYTES, HOLD_LOOKS, HOLD_SEGMENTS, HOLD_US, spec as tlsSpec } from '../../../decoders/tls/index';
import type { StreamDecoder } from '../../../decoders/core/decoder';
import type { Dir } from '../../../decoders/core/model';

const h = (s: string) => fromHex(s);
const c = nodeCrypto;

/** A TLS 1.3 application data record sealed with one side's RFC 8448 traffic secret. */
const seal13 = (secretHex: string, seq: number, data: Uint8Array) => {
  const secret = h(secretHex);
  const key = hkdfExpandLabel(c, 'sha256', secret, 'key', new Uint8Array(0), 16);
  const iv = hkdfExpandLabel(c, 'sha256', secret, 'iv', new Uint8Array(0), 12);
  const nonce = iv.slice();
  for (let i = 0; i < 8; i++) nonce[11 - i] ^= Math.floor(seq / 2 ** (8 * i)) & 0xff;
  const inner = new Uint8Array(data.length + 1);
  inner.set(data);
  inner[data.length] = 23;
  const len = inner.length + 16;
  const header = Uint8Array.of(23, 3, 3, len >> 8, len & 0xff);
  const e = createCipheriv('aes-128-gcm', key, nonce);
  e.setAAD(header);
  return new Uint8Array(Buffer.concat([header, e.update(inner), e.final(), e.getAuthTag()]));
};

// ── RFC 8448 §3 "Simple 1-RTT Handshake" (TLS_AES_128_GCM_SHA256) ─────────────────────────────

const CLIENT_HELLO = h(`
  01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83
  02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b 00 09 00 00 06 73 65 72 76 65 72 ff 01
  00 01 00 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 23 00 00 00 33 00
  26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69
  1e 52 9a af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01
  05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01`);
const SERVER_HELLO = h(`
  02 00 00 56 03 03 a6 af 06 a4 12 18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1 55 77 2e
  d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1
  56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04`);
const CLIENT_RANDOM = 'cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7';
const SECRETS = {
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21',
  SERVER_HANDSHAKE_TRAFFIC_SECRET: 'b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38',
  CLIENT_TRAFFIC_SECRET_0: '9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5',
  SERVER_TRAFFIC_SECRET_0: 'a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643',
};
const KEY_LOG = Object.entries(SECRETS)
  .map(([label, secret]) => `${label} ${CLIENT_RANDOM} ${secret}`)
  .join('\n');

/** {server} send handshake record: EncryptedExtensions, Certificate, CertificateVerify, Finished. */
const SERVER_FLIGHT = h(`17 03 03 02 a2
  d1 ff 33 4a 56 f5 bf f6 59 4a 07 cc 87 b5 80 23 3f 50 0f 45 e4 89 e7 f3 3a f3 5e df 78 69 fc f4
  0a a4 0a a2 b8 ea 73 f8 48 a7 ca 07 61 2e f9 f9 45 cb 96 0b 40 68 90 51 23 ea 78 b1 11 b4 29 ba
  91 91 cd 05 d2 a3 89 28 0f 52 61 34 aa dc 7f c7 8c 4b 72 9d f8 28 b5 ec f7 b1 3b d9 ae fb 0e 57
  f2 71 58 5b 8e a9 bb 35 5c 7c 79 02 07 16 cf b9 b1 18 3e f3 ab 20 e3 7d 57 a6 b9 d7 47 76 09 ae
  e6 e1 22 a4 cf 51 42 73 25 25 0c 7d 0e 50 92 89 44 4c 9b 3a 64 8f 1d 71 03 5d 2e d6 5b 0e 3c dd
  0c ba e8 bf 2d 0b 22 78 12 cb b3 60 98 72 55 cc 74 41 10 c4 53 ba a4 fc d6 10 92 8d 80 98 10 e4
  b7 ed 1a 8f d9 91 f0 6a a6 24 82 04 79 7e 36 a6 a7 3b 70 a2 55 9c 09 ea d6 86 94 5b a2 46 ab 66
  e5 ed d8 04 4b 4c 6d e3 fc f2 a8 94 41 ac 66 27 2f d8 fb 33 0e f8 19 05 79 b3 68 45 96 c9 60 bd
  59 6e ea 52 0a 56 a8 d6 50 f5 63 aa d2 74 09 96 0d ca 63 d3 e6 88 61 1e a5 e2 2f 44 15 cf 95 38
  d5 1a 20 0c 27 03 42 72 96 8a 26 4e d6 54 0c 84 83 8d 89 f7 2c 24 46 1a ad 6d 26 f5 9e ca ba 9a
  cb bb 31 7b 66 d9 02 f4 f2 92 a3 6a c1 b6 39 c6 37 ce 34 31 17 b6 59 62 22 45 31 7b 49 ee da 0c
  62 58 f1 00 d7 d9 61 ff b1 38 64 7e 92 ea 33 0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e 1b 7a 6c 71 78
  af 36 87 90 18 e3 f2 52 10 7f 24 3d 24 3d c7 33 9d 56 84 c8 b0 37 8b f3 02 44 da 8c 87 c8 43 f5
  e5 6e b4 c5 e8 28 0a 2b 48 05 2c f9 3b 16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4 61 e6 6f 99 88
  2b d8 9f c5 08 00 be cc a6 2d 6c 74 11 6d bd 29 72 fd a1 fa 80 f8 5d f8 81 ed be 5a 37 66 89 36
  b3 35 58 3b 59 91 86 dc 5c 69 18 a3 96 fa 48 a1 81 d6 b6 fa 4f 9d 62 d5 13 af bb 99 2f 2b 99 2f
  67 f8 af e6 7f 76 91 3f a3 88 cb 56 30 c8 ca 01 e0 c6 5d 11 c6 6a 1e 2a c4 c8 59 77 b7 c7 a6 99
  9b bf 10 dc 35 ae 69 f5 51 56 14 63 6c 0b 9b 68 c1 9e d2 e3 1c 0b 3b 66 76 30 38 eb ba 42 f3 b3
  8e dc 03 99 f3 a9 f2 3f aa 63 97 8c 31 7f c9 fa 66 a7 3f 60 f0 50 4d e9 3b 5b 84 5e 27 55 92 c1
  23 35 ee 34 0b bc 4f dd d5 02 78 40 16 e4 b3 be 7e f0 4d da 49 f4 b4 40 a3 0c b5 d2 af 93 98 28
  fd 4a e3 79 4e 44 f9 4d f5 a6 31 ed e4 2c 17 19 bf da bf 02 53 fe 51 75 be 89 8e 75 0e dc 53 37
  0d 2b`);
/** {client} send handshake record: Finished. */
const CLIENT_FINISHED = h(`17 03 03 00 35
  75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a 4b fc 44 d8 7f 38 f8 03 38
  ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7 26 c4 05 46`);
/** {server} send handshake record: NewSessionTicket (application keys, sequence 0). */
const NEW_SESSION_TICKET = h(`17 03 03 00 de
  3a 6b 8f 90 41 4a 97 d6 95 9c 34 87 68 0d e5 13 4a 2b 24 0e 6c ff ac 11 6e 95 d4 1d 6a f8 f6 b5 80 dc
  f3 d1 1d 63 c7 58 db 28 9a 01 59 40 25 2f 55 71 3e 06 1d c1 3e 07 88 91 a3 8e fb cf 57 53 ad 8e f1 70
  ad 3c 73 53 d1 6d 9d a7 73 b9 ca 7f 2b 9f a1 b6 c0 d4 a3 d0 3f 75 e0 9c 30 ba 1e 62 97 2a c4 6f 75 f7
  b9 81 be 63 43 9b 29 99 ce 13 06 46 15 13 98 91 d5 e4 c5 b4 06 f1 6e 3f c1 81 a7 7c a4 75 84 00 25 db
  2f 0a 77 f8 1b 5a b0 5b 94 c0 13 46 75 5f 69 23 2c 86 51 9d 86 cb ee ac 87 aa c3 47 d1 43 f9 60 5d 64
  f6 50 db 4d 02 3e 70 e9 52 ca 49 fe 51 37 12 1c 74 bc 26 97 68 7e 24 87 46 d6 df 35 30 05 f3 bc e1 86
  96 12 9c 81 53 55 6b 3b 6c 67 79 b3 7b f1 59 85 68 4f`);
/** {client} send application_data record: the bytes 00…31. */
const CLIENT_DATA = h(`17 03 03 00 43
  a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55 cb ef ac ea 42 f9 14 aa 66 bc ab 3f 2b 98 19 a8 a5 b4 6b
  39 5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62 92 a2 97 70 14 bd 1e 3d ea e6 3a ee bb 21 69 49 15 e4`);
/** {server} send application_data record: the same bytes back (application keys, sequence 1). */
const SERVER_DATA = h(`17 03 03 00 43
  2e 93 7e 11 ef 4a c7 40 e5 38 ad 36 00 5f c4 a4 69 32 fc 32 25 d0 5f 82 aa 1b 36 e3 0e fa f9 7d 90 e6
  df fc 60 2d cb 50 1a 59 a8 fc c4 9c 4b f2 e5 f0 a2 1c 00 47 c2 ab f3 32 54 0d d0 32 e1 67 c2 95 5d`);
const DATA_0_TO_31 = Uint8Array.from({ length: 50 }, (_, i) => i);

const record = (type: number, version: number, body: Uint8Array) => {
  const r = new Uint8Array(5 + body.length);
  r.set([type, version >> 8, version & 0xff, body.length >> 8, body.length & 0xff]);
  r.set(body, 5);
  return r;
};

const suite13 = suiteInfo(0x1301, true)!;

describe('RFC 8446 §7.1 HKDF-Expand-Label, §7.3 traffic keys (RFC 8448 §3 values)', () => {
  it('server handshake traffic secret → write key and IV', () => {
    const secret = h(SECRETS.SERVER_HANDSHAKE_TRAFFIC_SECRET);
    assert.equal(toHex(hkdfExpandLabel(c, 'sha256', secret, 'key', new Uint8Array(0), 16)), '3fce516009c21727d0f2e4e86ee403bc');
    assert.equal(toHex(hkdfExpandLabel(c, 'sha256', secret, 'iv', new Uint8Array(0), 12)), '5d313eb2671276ee13000b30');
  });
  it('finished key ("finished" label, 32 bytes)', () => {
    const secret = h(SECRETS.SERVER_HANDSHAKE_TRAFFIC_SECRET);
    assert.equal(toHex(hkdfExpandLabel(c, 'sha256', secret, 'finished', new Uint8Array(0), 32)), '008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8');
  });
});

describe('RFC 8446 §5.2, §5.3 record protection (RFC 8448 §3 records)', () => {
  it('the server flight opens with the server handshake keys, sequence 0: its inner content type is handshake', () => {
    const keys = RecordKeys.fromSecret(c, suite13, h(SECRETS.SERVER_HANDSHAKE_TRAFFIC_SECRET));
    const o = keys.open(SERVER_FLIGHT.subarray(0, 5), SERVER_FLIGHT.subarray(5))!;
    assert.equal(o.type, 22);
    assert.equal(o.plaintext.length, 657);
    assert.equal(toHex(o.plaintext.subarray(0, 4)), '08000024'); // EncryptedExtensions, 36 bytes
    assert.equal(toHex(o.plaintext.subarray(-36, -32)), '14000020'); // Finished, 32 bytes
  });
  it('the client Finished opens with the client handshake keys', () => {
    const keys = RecordKeys.fromSecret(c, suite13, h(SECRETS.CLIENT_HANDSHAKE_TRAFFIC_SECRET));
    const o = keys.open(CLIENT_FINISHED.subarray(0, 5), CLIENT_FINISHED.subarray(5))!;
    assert.deepEqual([o.type, toHex(o.plaintext.subarray(0, 8))], [22, '14000020a8ec436d']);
  });
  it('application data: the per-record nonce is the IV XOR the sequence number (server record 1 after the ticket)', () => {
    const server = RecordKeys.fromSecret(c, suite13, h(SECRETS.SERVER_TRAFFIC_SECRET_0));
    assert.equal(server.open(SERVER_DATA.subarray(0, 5), SERVER_DATA.subarray(5), 0), undefined, 'sequence 0 is the ticket');
    const o = server.open(SERVER_DATA.subarray(0, 5), SERVER_DATA.subarray(5), 1)!;
    assert.deepEqual([o.type, [...o.plaintext]], [23, [...DATA_0_TO_31]]);
    const client = RecordKeys.fromSecret(c, suite13, h(SECRETS.CLIENT_TRAFFIC_SECRET_0));
    assert.deepEqual([...client.open(CLIENT_DATA.subarray(0, 5), CLIENT_DATA.subarray(5))!.plaintext], [...DATA_0_TO_31]);
  });
  it('a changed byte fails the tag: undefined, never an exception', () => {
    const keys = RecordKeys.fromSecret(c, suite13, h(SECRETS.CLIENT_TRAFFIC_SECRET_0));
    const bad = CLIENT_DATA.slice();
    bad[20] ^= 1;
    assert.equal(keys.open(bad.subarray(0, 5), bad.subarray(5)), undefined);
    assert.equal(keys.open(bad.subarray(0, 5), bad.subarray(5, 10)), undefined);
  });
  it('§7.2 KeyUpdate: the next secret is HKDF-Expand-Label(secret, "traffic upd", "", Hash.length)', () => {
    const keys = RecordKeys.fromSecret(c, suite13, h(SECRETS.CLIENT_TRAFFIC_SECRET_0));
    const next = keys.next()!;
    assert.equal(toHex(next.secret!), toHex(hkdfExpandLabel(c, 'sha256', h(SECRETS.CLIENT_TRAFFIC_SECRET_0), 'traffic upd', new Uint8Array(0), 32)));
    assert.equal(next.seq, 0);
  });
});

// ── TLS 1.2 ───────────────────────────────────────────────────────────────────────────────────

// samples/tls-keylog: the client's first application data record of four TLS 1.2 connections (sequence
// number 1: the Finished was 0), with the hellos' randoms and the master secret of their CLIENT_RANDOM
// lines. Each is a GET request.
const T12: Array<{ suite: number; what: string; etm: boolean; clientRandom: string; serverRandom: string; master: string; fragment: string }> = [
  {
    suite: 0xc02b,
    what: 'ECDHE-ECDSA-AES128-GCM-SHA256, curl (RFC 5288: salt + explicit nonce)',
    etm: false,
    clientRandom: '7b53a7cb6039efa5b518e7c2395d2d3be711f3765e6ae2ca355619ae324c0f66',
    serverRandom: 'b07b9e488ec49899e5512850f6118af6d7009b68097c48be444f574e47524401',
    master: '3fd1535b7ca300f66c62ff953da65899b98bdf0095c2af167ff4abafffdbbe65b136a7b0fd31055eceb61f9efb84f957',
    fragment: `
      b0 7f 7f 17 71 49 dd 82 91 80 78 49 20 f8 03 15 4c a3 35 3d 27 a7 5c a3 0d de be 32 e4 68 f6 c8 30 cd fa d5
      cc fb 4e e2 29 77 02 fc 32 64 52 7e ec 6b 00 05 c4 aa 9f 0c da 39 db 0b 18 f7 60 fe 20 02 53 00 e8 8f ec cb
      3a 06 9b 7d 0c 6f f6 ad 3a 27 2d ad 53 b0 89 90 4a 35 20 80 c5 a6 b7 5a 70 34 0b 08 29 c9 b6 36 54 96 23 68
      a9 5d f9 9e 56 32 34 d2 c8 d9 d7 e4 d9`,
  },
  {
    suite: 0xc023,
    what: 'ECDHE-ECDSA-AES128-SHA256, curl, encrypt_then_mac (RFC 7366)',
    etm: true,
    clientRandom: '99843420ba8fc528f0d5cc73a974b973c45dea6e4f3d62597ab498aba8abaea7',
    serverRandom: '0a7adab9d136161b124d51d0c098941ff6c3d15207a6f275444f574e47524401',
    master: '5c9bc2f3ae11a8cca3b8d63ae01fb1bd7dd20d08c7148958d2e30b6664d852ecfd1e8bd698632077c8081a2495926312',
    fragment: `
      4b 3d e0 e8 d5 e6 53 57 08 a0 ce 88 44 9c 28 aa e1 85 ec f9 98 8b e7 92 a8 f9 50 9f 8c dd 73 b0 a2 4c 33 d7
      55 79 64 cf 41 60 6f f7 75 da 01 5b 81 17 9a 5c ca f5 74 48 63 67 e4 58 b9 ea 07 3b 6c d2 93 f0 31 1b c4 80
      a4 54 67 ed ba d6 1b 97 db c7 a8 c6 2b 4b fe 31 d1 b4 de 38 28 1f a5 aa cc 36 d4 ac 6b 0b 9d a9 be f4 22 f9
      f2 83 ca da ab 58 66 9b b1 64 fc da 23 87 69 b7 a6 d7 ff 9d 1f a5 4c 46 18 ef ee 6f 60 73 3d 00 d6 13 31 ff
      0e d9 41 ba 23 36 88 b9 d4 c5 b0 f5 64 b4 21 01`,
  },
  {
    suite: 0xc024,
    what: 'ECDHE-ECDSA-AES256-SHA384, s_client -no_etm (MAC, then padding, then CBC: RFC 5246 §6.2.3.2)',
    etm: false,
    clientRandom: 'a97ecd95fa012a8b04faaa41d2555349a18657c73bc8f9e5d0bb36c9c31665a3',
    serverRandom: '2f88c7795d0815046a8d5300f37e4c8db89495e5a1c7a53b444f574e47524401',
    master: '96ae58666231edda0b7010c1f9eb6bb4f9f63f316bd198290c7c75554fd92c3c98e396499fbfc7204bb4a16f256dbdaa',
    fragment: `
      df c2 9e 5c 9f c1 d3 e5 a0 55 1a 2c 37 77 19 f7 d8 3e 14 63 ec d5 71 fc 4a 8a 17 94 a2 31 97 fc be 33 59 76
      45 d0 90 46 55 da 2e 0c cd 2e 4f a2 7c 11 35 25 5a 0f 2d 30 f5 6b 33 27 2c 1b ee 10 5d 7e 2f f1 5c 0a 11 78
      7d 6a fb 0c 11 f4 bc 6d 41 12 11 d3 b5 77 78 fb ca 08 ff de a0 e9 a9 96`,
  },
  {
    suite: 0xc0ae,
    what: 'ECDHE-ECDSA-AES128-CCM8, s_client (RFC 7251: an 8-byte tag)',
    etm: false,
    clientRandom: '12b60e936a43799b3bba099d7c046f281711c5ad58b68e56afb1b163d8f5d1b8',
    serverRandom: '6d79bad392bc392ac916d93d67095a49f112be577adf9aba444f574e47524401',
    master: '37a8e7dac02ae562c0632b30c8dd1d13a27f0ab67f0f217b8de3daa21d5107604334d60a2526664f7431d6af4018f9c2',
    fragment: `
      00 00 00 00 00 00 00 01 99 8c b0 ff f9 f6 25 62 2d 44 ac 95 91 2f 66 25 41 24 a3 ca b4 86 6a 70 f3 c1`,
  },
];

describe('RFC 5246 §5 PRF, §6.3 key block, §6.2.3 records: AES-GCM, AES-CBC, AES-CCM_8 (records of samples/tls-keylog)', () => {
  it('P_SHA256 expands to any length; the first block is HMAC(secret, A(1) + seed)', () => {
    const a = prf12(c, 'sha256', h('00'), 'x', h('01'), 100);
    assert.equal(a.length, 100);
    assert.equal(toHex(prf12(c, 'sha256', h('00'), 'x', h('01'), 32)), toHex(a.subarray(0, 32)));
    // RFC 5246 §5, with node:crypto's HMAC directly: A(1) = HMAC(secret, label + seed), A(2) = HMAC(secret, A(1))
    const hmac = (...parts: Buffer[]) => createHmac('sha256', Buffer.from([0])).update(Buffer.concat(parts)).digest();
    const labelSeed = Buffer.from([0x78, 0x01]);
    const a1 = hmac(labelSeed);
    const a2 = hmac(a1);
    assert.equal(toHex(a.subarray(0, 64)), toHex(Buffer.concat([hmac(a1, labelSeed), hmac(a2, labelSeed)])));
  });
  for (const t of T12) {
    it(`${t.what}: the record opens at sequence number 1, not 0`, () => {
      const suite = suiteInfo(t.suite, false)!;
      const keys = tls12Keys(c, suite, h(t.master), h(t.clientRandom), h(t.serverRandom), t.etm);
      const frag = h(t.fragment);
      const header = Uint8Array.of(23, 3, 3, frag.length >> 8, frag.length & 0xff);
      assert.equal(keys.c2s.open(header, frag, 0), undefined);
      const o = keys.c2s.open(header, frag, 1)!;
      assert.equal(o.type, 23);
      assert.match(new TextDecoder().decode(o.plaintext), /^GET \/\S* HTTP\/1\.[01]\r\n/);
      assert.ok(o.plaintext.length <= keys.c2s.plainBytes(frag.length) + 15, 'the plaintext estimate is close');
      // the other direction's keys do not open it
      assert.equal(keys.s2c.open(header, frag, 1), undefined);
    });
  }
  it('suites: AEAD and AES-CBC ones are known, ARIA is not, TLS 1.3 suites only in TLS 1.3', () => {
    assert.equal(suiteInfo(0xcca9, false)?.aead, 'chacha20-poly1305');
    assert.equal(suiteInfo(0xc030, false)?.hash, 'sha384');
    assert.equal(suiteInfo(0xc023, false)?.cbc, 'aes-128-cbc'); // ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
    assert.equal(suiteInfo(0xc05c, false), undefined); // ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256
    assert.equal(suiteInfo(0x1301, false), undefined);
    assert.equal(suiteInfo(0x1305, true)?.tagBytes, 8); // TLS_AES_128_CCM_8_SHA256
  });
});

// ── key log ───────────────────────────────────────────────────────────────────────────────────

describe('NSS key log format', () => {
  it('keeps CLIENT_RANDOM and the TLS 1.3 secrets; skips comments, blank lines, other labels; CRLF is fine', () => {
    const k = new KeyLog();
    k.add(`# SSL/TLS secrets log file\r\n\r\n${KEY_LOG.replace(/\n/g, '\r\n')}\r\nEXPORTER_SECRET ${CLIENT_RANDOM} ${'ab'.repeat(32)}\r\nCLIENT_RANDOM ${T12[0].clientRandom} ${T12[0].master}`);
    assert.equal(k.size, 5);
    assert.equal(toHex(k.get('CLIENT_RANDOM', h(T12[0].clientRandom))!), T12[0].master);
    assert.equal(toHex(k.get('SERVER_TRAFFIC_SECRET_0', h(CLIENT_RANDOM))!), SECRETS.SERVER_TRAFFIC_SECRET_0);
    assert.equal(k.get('EXPORTER_SECRET', h(CLIENT_RANDOM)), undefined);
    assert.equal(k.malformed, 0);
  });
  it('malformed entries are counted, not kept: bad hex, a short random, a wrong secret length, an overlong line', () => {
    const k = new KeyLog();
    k.add(`CLIENT_RANDOM zz${T12[0].clientRandom.slice(2)} ${T12[0].master}\nCLIENT_RANDOM abcd ${T12[0].master}\nCLIENT_RANDOM ${T12[0].clientRandom} 0011\nCLIENT_RANDOM ${T12[0].clientRandom} ${'0'.repeat(MAX_LINE)}`);
    assert.deepEqual([k.size, k.malformed], [0, 4]);
  });
});

// ── the decoder ───────────────────────────────────────────────────────────────────────────────

function rfc8448Segments(): Segment[] {
  return [
    seg('c2s', record(22, 0x0301, CLIENT_HELLO)),
    seg('s2c', record(22, 0x0303, SERVER_HELLO)),
    seg('s2c', SERVER_FLIGHT),
    seg('c2s', CLIENT_FINISHED),
    seg('s2c', NEW_SESSION_TICKET),
    seg('c2s', CLIENT_DATA),
    seg('s2c', SERVER_DATA),
    // close_notify alerts are not in RFC 8448 §3's trace
  ];
}

function feedWithKeys(segments: Segment[], keyLog: string, split: Parameters<typeof feedTls>[1] = 'whole') {
  const env = nodeEnv({ tlsKeyLog: keyLog });
  return feedTls(segments, split, 'fin', testSession({ env, flow: { server: { ip: '192.0.2.10', port: 443 } } }));
}

const tlsCall = (calls: Call[]) => calls.find((x) => x.protocol === 'tls')!;

describe('the TLS decoder with a key log (RFC 8448 §3 connection)', () => {
  it('decrypts the handshake flight, the ticket and the data; lists the hidden handshake messages', () => {
    const s = feedWithKeys(rfc8448Segments(), KEY_LOG);
    const t = tlsCall(s.calls);
    assert.equal(t.fields['tls.decrypted_records'], 5);
    assert.equal(t.fields['tls.undecrypted_records'], undefined);
    const labels = t.messages!.map((m) => `${m.dir} ${m.label}`);
    for (const l of ['s2c EncryptedExtensions', 's2c Certificate', 's2c CertificateVerify', 's2c Finished', 'c2s Finished', 's2c NewSessionTicket', 'c2s ApplicationData (first record)', 's2c ApplicationData (first record)']) {
      assert.ok(labels.includes(l), `${l} in ${labels.join(', ')}`);
    }
    // each with its length from its handshake header (RFC 8448 §3: 36 + 441 + 132 + 32 bytes in the 657-byte flight)
    const size = (l: string) => t.messages!.find((m) => `${m.dir} ${m.label}` === l)?.size;
    assert.deepEqual(['s2c EncryptedExtensions', 's2c Certificate', 's2c CertificateVerify', 's2c Finished', 'c2s Finished', 's2c NewSessionTicket'].map(size), [36, 441, 132, 32, 32, 201]);
    assert.ok(!t.warnings.some((w) => w.startsWith('encrypted: calls inside TLS')), t.warnings.join('; '));
  });
  it('any split of the streams gives the same calls (every byte, random)', () => {
    const whole = JSON.stringify(feedWithKeys(rfc8448Segments(), KEY_LOG).calls);
    assert.equal(JSON.stringify(feedWithKeys(rfc8448Segments(), KEY_LOG, 'bytes').calls), whole);
    for (const seed of [1, 2, 3]) assert.equal(JSON.stringify(feedWithKeys(rfc8448Segments(), KEY_LOG, seed).calls), whole);
  });
  it('without a key log: as before (no decryption, no word about keys)', () => {
    const s = feedTls(rfc8448Segments(), 'whole', 'fin');
    const t = tlsCall(s.calls);
    assert.equal(t.fields['tls.decrypted_records'], undefined);
    assert.ok(!t.warnings.some((w) => /key log/.test(w)));
    assert.ok(t.warnings.some((w) => w.startsWith('encrypted: calls inside TLS')));
  });
  it('a key log without this connection: said once, with the hint', () => {
    const s = feedWithKeys(rfc8448Segments(), `CLIENT_RANDOM ${T12[0].clientRandom} ${T12[0].master}`);
    const t = tlsCall(s.calls);
    assert.equal(t.warnings.filter((w) => w.startsWith('no key in the key log for this connection (client random cb34ecb1e78163ba…)')).length, 1);
    assert.ok(t.warnings.some((w) => w.includes('--tls-keylog')));
  });
  it('a wrong key: the tag fails, said once per direction', () => {
    const wrong = KEY_LOG.replace(SECRETS.SERVER_TRAFFIC_SECRET_0, '00'.repeat(32));
    const t = tlsCall(feedWithKeys(rfc8448Segments(), wrong).calls);
    assert.equal(t.fields['tls.undecrypted_records'], 2);
    assert.equal(t.warnings.filter((w) => /fails authentication/.test(w)).length, 1);
  });
  it('the handshake not captured: without the ClientHello there is no client random to look up', () => {
    const t = tlsCall(feedWithKeys(rfc8448Segments().slice(2), KEY_LOG).calls);
    assert.ok(t.warnings.some((w) => w.startsWith('not decrypted: the ClientHello is not in the capture')), t.warnings.join('; '));
  });
  it('a gap inside a record: that record is lost, the next one still opens (the sequence number counts it)', () => {
    const segs = rfc8448Segments();
    // the ticket record, its middle 100 bytes missing
    segs.splice(4, 1, seg('s2c', NEW_SESSION_TICKET.subarray(0, 50)), gap('s2c', 100), seg('s2c', NEW_SESSION_TICKET.subarray(150)));
    const t = tlsCall(feedWithKeys(segs, KEY_LOG).calls);
    assert.equal(t.fields['tls.decrypted_records'], 4);
    assert.equal(t.fields['tls.undecrypted_records'], undefined);
    assert.ok(t.warnings.some((w) => /cut by a gap: not decrypted/.test(w)), t.warnings.join('; '));
    assert.ok(t.messages!.some((m) => m.dir === 's2c' && m.label === 'ApplicationData (first record)'));
  });
  it('a gap that swallows record headers: the next record is found and its sequence number searched for', () => {
    const segs = rfc8448Segments();
    // The ticket record lost whole, header included: the server side resynchronises on the data
    // record, which the decoder expects as record 0 but was sent as record 1; it opens at 1.
    segs.splice(4, 1, gap('s2c', NEW_SESSION_TICKET.length));
    const t = tlsCall(feedWithKeys(segs, KEY_LOG).calls);
    assert.equal(t.fields['tls.decrypted_records'], 4);
    assert.equal(t.fields['tls.undecrypted_records'], undefined);
  });
  it('a loss of 140 whole records: the sequence number is found from the bytes lost, the records after it open', () => {
    // The server's application records 1…200 (0 is the ticket), 1000 bytes of data each, sealed here
    // with the RFC 8448 server application keys; records 10…149 are lost with their headers.
    const seal = (seq: number, data: Uint8Array) => seal13(SECRETS.SERVER_TRAFFIC_SECRET_0, seq, data);
    const segs = rfc8448Segments().slice(0, 6); // up to the client data; the server data is replaced
    const records = Array.from({ length: 200 }, (_, i) => seal(i + 1, new Uint8Array(1000).fill(0x41 + (i % 26))));
    for (let i = 0; i < 200; i++) {
      if (i === 9) segs.push(gap('s2c', records.slice(9, 149).reduce((n, r) => n + r.length, 0)));
      if (i >= 9 && i < 149) continue;
      segs.push(seg('s2c', records[i]));
    }
    const t = tlsCall(feedWithKeys(segs, KEY_LOG).calls);
    assert.equal(t.fields['tls.undecrypted_records'], undefined, t.warnings.join('; '));
    assert.equal(t.fields['tls.decrypted_records'], 4 + 60);
  });
});

describe('the decoder of the plaintext (tls/inner.ts)', () => {
  const enc = (t: string) => new TextEncoder().encode(t);
  const at = (frame: number) => ({ frame, tsUs: 1_000_000 + frame, streamOffset: 0 });
  const run = (alpn: string | undefined, feed: (i: InnerStream) => void) => {
    const s = testSession();
    const warnings: string[] = [];
    const i = new InnerStream(s, alpn, (c) => (c.fields['tls.call_id'] = 99), (w) => warnings.push(w));
    feed(i);
    i.close(at(9), 'fin');
    return { calls: s.calls, warnings, id: i.decoderId };
  };
  const request = enc('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
  const response = enc('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  it('no ALPN: the probes find HTTP/1.1; its calls are decorated', () => {
    const r = run(undefined, (i) => {
      i.data('c2s', request, at(1));
      i.data('s2c', response, at(2));
    });
    assert.equal(r.id, 'http');
    assert.deepEqual(r.calls.map((c) => [c.protocol, c.method, c.status?.code, c.fields['tls.call_id']]), [['http', 'GET', 200, 99]]);
    assert.equal(r.calls[0].timing.startUs, 1_000_001);
  });
  it('ALPN h2 picks HTTP/2 before any byte', () => {
    assert.equal(run('h2', () => {}).id, 'http2');
  });
  it('a gap before any plaintext (the first record lost) does not decide: the bytes after it do', () => {
    const r = run(undefined, (i) => {
      i.gap('c2s', 40, at(1));
      i.data('c2s', request, at(2));
      i.data('s2c', response, at(3));
    });
    assert.equal(r.id, 'http');
  });
  it('plaintext no decoder knows: a warning with its first bytes, nothing else', () => {
    const r = run(undefined, (i) => {
      i.data('c2s', Uint8Array.from({ length: 64 }, (_, k) => (k * 37) & 0xff), at(1));
    });
    assert.equal(r.id, undefined);
    assert.equal(r.calls.length, 0);
    assert.match(r.warnings.join(), /not a protocol callscope decodes \(first bytes 00254a6f/);
  });
});


// ── live capture: secrets that come after the records ───────────────────────────────────────

describe('a growing key log (live capture): the secrets come after the first encrypted records', () => {
  const enc = (t: string) => new TextEncoder().encode(t);
  /** The RFC 8448 connection carrying two HTTP/1.1 exchanges (the client's records 0 and 1, the server's 1 and 2 after its ticket). */
  const httpSegments = (): Segment[] => [
    ...rfc8448Segments().slice(0, 5),
    seg('c2s', seal13(SECRETS.CLIENT_TRAFFIC_SECRET_0, 0, enc('GET /a HTTP/1.1\r\nHost: x\r\n\r\n'))),
    seg('s2c', seal13(SECRETS.SERVER_TRAFFIC_SECRET_0, 1, enc('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'))),
    seg('c2s', seal13(SECRETS.CLIENT_TRAFFIC_SECRET_0, 1, enc('GET /b HTTP/1.1\r\nHost: x\r\n\r\n'))),
    seg('s2c', seal13(SECRETS.SERVER_TRAFFIC_SECRET_0, 2, enc('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'))),
  ];
  /** A decoder on a growing key log, fed segment by segment (segment i is frame i + 1 at 1 s + i ms, or at `tsUs(i)`). */
  const live = (store: KeyLog, tsUs = (i: number) => 1_000_000 + i * 1000) => {
    const s = testSession({ env: { ...nodeEnv(), tlsSecrets: store }, flow: { server: { ip: '192.0.2.10', port: 443 } } });
    const d = tlsSpec.create(s) as StreamDecoder;
    const off: Record<Dir, number> = { c2s: 0, s2c: 0 };
    let i = 0;
    return {
      s,
      feed(segs: Segment[]) {
        for (const g of segs) {
          const at = { frame: i + 1, tsUs: tsUs(i), streamOffset: off[g.dir] };
          i++;
          if ('gap' in g) {
            d.gap(g.dir, g.gap, at);
            off[g.dir] += g.gap;
          } else {
            d.data(g.dir, g.bytes, at);
            off[g.dir] += g.bytes.length;
          }
        }
      },
      close() {
        const at = { frame: i + 1, tsUs: tsUs(i), streamOffset: 0 };
        d.end('c2s', { ...at, streamOffset: off.c2s });
        d.end('s2c', { ...at, streamOffset: off.s2c });
        d.close(at, 'fin');
        return s;
      },
    };
  };
  const growing = (text = '') => {
    const k = new KeyLog();
    k.setGrowing(true);
    if (text) k.add(text);
    return k;
  };
  const http = (calls: Call[]) => calls.filter((x) => x.protocol === 'http').map((x) => `${x.method} ${x.target} ${x.status?.code}`);
  const fileResult = () => JSON.stringify(feedTls(httpSegments(), 'whole', 'fin', testSession({ env: nodeEnv({ tlsKeyLog: KEY_LOG }), flow: { server: { ip: '192.0.2.10', port: 443 } } })).calls);

  it('the key log read whole (a file): both calls, the reference', () => {
    assert.deepEqual(http(JSON.parse(fileResult())), ['GET /a 200', 'GET /b 404']);
  });
  it('records first, then the secrets: held, then decoded when they come — the calls appear at once, the same as from a file', () => {
    const store = growing();
    const l = live(store);
    l.feed(httpSegments());
    assert.equal(l.s.calls.length, 0, 'nothing decided while waiting');
    assert.ok(store.heldBytes > 0);
    store.add(KEY_LOG);
    assert.deepEqual(http(l.s.calls), ['GET /a 200', 'GET /b 404'], 'the calls come out when the secrets are added');
    assert.equal(store.heldBytes, 0);
    assert.equal(JSON.stringify(l.close().calls), fileResult());
  });
  it('any split of the streams: the same calls when the secrets come late', () => {
    for (const split of ['bytes', 1, 2] as const) {
      const store = growing();
      const s = testSession({ env: { ...nodeEnv(), tlsSecrets: store }, flow: { server: { ip: '192.0.2.10', port: 443 } } });
      // feedTls ends and closes the connection: the close waits, the secrets then release it all
      feedTls(httpSegments(), split, 'fin', s);
      assert.equal(s.calls.length, 0);
      store.add(KEY_LOG);
      assert.equal(JSON.stringify(s.calls), fileResult(), `split ${split}`);
    }
  });
  it('the secrets in two parts (handshake secrets, then traffic secrets), between packets: the same calls', () => {
    const lines = KEY_LOG.split('\n');
    const store = growing();
    const l = live(store);
    const segs = httpSegments();
    l.feed(segs.slice(0, 3));
    store.add(lines.slice(0, 2).join('\n'));
    l.feed(segs.slice(3, 6));
    assert.equal(l.s.calls.length, 0, 'half the secrets: still waiting');
    store.add(lines.slice(2).join('\n'));
    l.feed(segs.slice(6));
    assert.equal(JSON.stringify(l.close().calls), fileResult());
  });
  it('the secrets there before the records: decided at once (no wait)', () => {
    const l = live(growing(KEY_LOG));
    l.feed(httpSegments());
    assert.deepEqual(http(l.s.calls), ['GET /a 200', 'GET /b 404']);
    assert.equal(JSON.stringify(l.close().calls), fileResult());
  });
  it('the connection over before its secrets come (a short call on loopback): its close waits too, then all of it comes out', () => {
    const store = growing();
    const l = live(store);
    l.feed(httpSegments());
    l.close();
    assert.equal(l.s.calls.length, 0, 'the close waits with the rest');
    store.looked();
    store.add(KEY_LOG);
    assert.equal(JSON.stringify(l.s.calls), fileResult());
  });
  it('never: after HOLD_LOOKS looks at the key log, today\'s warning (with how long it waited); secrets added after are not used', () => {
    const store = growing(`CLIENT_RANDOM ${T12[0].clientRandom} ${T12[0].master}`);
    const l = live(store);
    l.feed(httpSegments());
    l.close();
    for (let i = 1; i < HOLD_LOOKS; i++) store.looked();
    assert.equal(l.s.calls.length, 0, `still waiting after ${HOLD_LOOKS - 1} looks`);
    store.looked();
    store.add(KEY_LOG);
    const t = tlsCall(l.s.calls);
    assert.equal(http(l.s.calls).length, 0);
    assert.ok(t.warnings.some((w) => w.startsWith('no key in the key log for this connection (client random cb34ecb1e78163ba…)') && w.includes(`looked at ${HOLD_LOOKS} times`)), t.warnings.join('; '));
    assert.ok(t.warnings.some((w) => w.startsWith('encrypted: calls inside TLS')));
    // the same as the key log read whole, but for the words of the warning
    const file = tlsCall(feedTls(httpSegments(), 'whole', 'fin', testSession({ env: nodeEnv({ tlsKeyLog: `CLIENT_RANDOM ${T12[0].clientRandom} ${T12[0].master}` }), flow: { server: { ip: '192.0.2.10', port: 443 } } })).calls);
    assert.deepEqual({ ...t, warnings: [] }, { ...file, warnings: [] });
    assert.deepEqual(
      t.warnings.map((w) => w.replace(/ \(the key log is followed while capturing: [^)]*\)$/, '')),
      file.warnings,
    );
  });
  it('too late (capture time): after HOLD_US the connection is decided without them, said so', () => {
    const store = growing();
    const segs = httpSegments();
    // segments from the 4th on come HOLD_US + 1 s later
    const l = live(store, (i) => 1_000_000 + i * 1000 + (i >= 4 ? HOLD_US + 1_000_000 : 0));
    l.feed(segs);
    store.add(KEY_LOG);
    const t = tlsCall(l.close().calls);
    assert.equal(http(l.s.calls).length, 0);
    assert.ok(t.warnings.some((w) => w.startsWith('no key in the key log') && w.includes(`waited ${HOLD_US / 1e6} s of capture`)), t.warnings.join('; '));
  });
  it('memory bounded: a connection waiting in vain holds at most HOLD_BYTES, then goes on as without keys', () => {
    const store = growing();
    const l = live(store);
    l.feed(rfc8448Segments().slice(0, 5));
    // 16 KiB records of application data, as many as it takes to pass the bound, and more
    const big = new Uint8Array(5 + 16_000);
    big.set([23, 3, 3, 16_000 >> 8, 16_000 & 0xff]);
    const n = Math.ceil(HOLD_BYTES / big.length) + 20;
    assert.ok(n < HOLD_SEGMENTS, 'the byte bound is the one tested');
    l.feed(Array.from({ length: n }, () => seg('s2c', big)));
    // decided at the bound: secrets added now change nothing
    store.add(KEY_LOG);
    const t = tlsCall(l.close().calls);
    assert.equal(t.fields['tls.decrypted_records'], undefined);
    assert.equal(t.fields['tls.app_data.s2c_bytes'], 0xde + n * 16_000);
    assert.ok(t.warnings.some((w) => w.startsWith('no key in the key log') && /its first \d+ encrypted bytes were held for them/.test(w)), t.warnings.join('; '));
    assert.equal(store.heldBytes, 0, 'the store\'s budget given back');
  });
  it('memory bounded over all connections: past MAX_HELD_BYTES held together, a waiting connection stops waiting', () => {
    const store = growing();
    const other = live(store);
    other.feed(rfc8448Segments().slice(0, 5));
    // another connection holds nearly all of the budget
    const rest = MAX_HELD_BYTES - store.heldBytes - 10;
    assert.ok(store.reserve(rest));
    other.feed(httpSegments().slice(5, 6));
    store.add(KEY_LOG);
    const t = tlsCall(other.close().calls);
    assert.ok(t.warnings.some((w) => w.includes(`the connections waiting for theirs held ${MAX_HELD_BYTES >> 20} MiB`)), t.warnings.join('; '));
    store.reserve(-rest);
    assert.equal(store.heldBytes, 0);
  });
  it('the key log stops growing (the capture stopped): the waiting connections are decided then', () => {
    const store = growing();
    const l = live(store);
    l.feed(httpSegments());
    l.close();
    assert.equal(l.s.calls.length, 0);
    store.setGrowing(false);
    store.add(KEY_LOG);
    const t = tlsCall(l.s.calls);
    assert.ok(t.warnings.some((w) => w.includes('followed until the capture stopped')), t.warnings.join('; '));
  });
  it('a key log read whole (not growing): decided at the first encrypted record, as before', () => {
    const store = new KeyLog();
    store.add(`CLIENT_RANDOM ${T12[0].clientRandom} ${T12[0].master}`);
    const l = live(store);
    l.feed(httpSegments());
    store.add(KEY_LOG);
    const t = tlsCall(l.close().calls);
    assert.equal(http(l.s.calls).length, 0);
    assert.ok(t.warnings.some((w) => w.startsWith('no key in the key log') && w.endsWith('setting')), t.warnings.join('; '));
  });
});

// ── RFC 8446 §4.2.10, §2.3: 0-RTT early data (the §3 connection with an early_data extension and
// records sealed here under a made-up client_early_traffic_secret; the key log names it CLIENT_EARLY_TRAFFIC_SECRET)

/** A TLS 1.3 record sealed with a secret (AES-128-GCM, SHA-256), its inner content type given (§5.2). */
const sealInner = (secretHex: string, seq: number, data: Uint8Array, type: number) => {
  const secret = h(secretHex);
  const key = hkdfExpandLabel(c, 'sha256', secret, 'key', new Uint8Array(0), 16);
  const iv = hkdfExpandLabel(c, 'sha256', secret, 'iv', new Uint8Array(0), 12);
  const nonce = iv.slice();
  for (let i = 0; i < 8; i++) nonce[11 - i] ^= Math.floor(seq / 2 ** (8 * i)) & 0xff;
  const inner = Uint8Array.of(...data, type);
  const len = inner.length + 16;
  const header = Uint8Array.of(23, 3, 3, len >> 8, len & 0xff);
  const e = createCipheriv('aes-128-gcm', key, nonce);
  e.setAAD(header);
  return new Uint8Array(Buffer.concat([header, e.update(inner), e.final(), e.getAuthTag()]));
};
const EARLY_SECRET = '5f2d0d1c3b4a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
/** The §3 ClientHello with an empty early_data extension (0x002a, §4.2.10) added: handshake length c0 → c4, extensions 91 → 95. */
const CLIENT_HELLO_EARLY = (() => {
  const b = Uint8Array.of(...CLIENT_HELLO, 0x00, 0x2a, 0x00, 0x00);
  b[3] = 0xc4;
  const ext = 4 + 2 + 32 + 1 + 0 + 2 + 6 + 2; // type+len, version, random, session id length (0), suites length + 3 suites, compression
  b[ext] = 0x00;
  b[ext + 1] = 0x95;
  return b;
})();
const EARLY_REQUEST = new TextEncoder().encode('GET /early HTTP/1.1\r\nHost: server\r\n\r\n');
const END_OF_EARLY_DATA = Uint8Array.of(5, 0, 0, 0); // §4.5: HandshakeType end_of_early_data(5), length 0

function earlySegments(): Segment[] {
  return [
    seg('c2s', record(22, 0x0301, CLIENT_HELLO_EARLY)),
    seg('c2s', sealInner(EARLY_SECRET, 0, EARLY_REQUEST, 23)),
    seg('s2c', record(22, 0x0303, SERVER_HELLO)),
    seg('s2c', SERVER_FLIGHT),
    seg('c2s', sealInner(EARLY_SECRET, 1, END_OF_EARLY_DATA, 22)),
    seg('c2s', CLIENT_FINISHED),
    seg('s2c', NEW_SESSION_TICKET),
    seg('c2s', CLIENT_DATA),
    seg('s2c', SERVER_DATA),
  ];
}

describe('TLS 1.3 0-RTT early data (RFC 8446 §4.2.10)', () => {
  it('the ClientHello fixture parses with its early_data extension', () => {
    assert.equal(CLIENT_HELLO_EARLY.length, 4 + 0xc4);
    assert.equal((CLIENT_HELLO_EARLY[49] << 8) | CLIENT_HELLO_EARLY[50], 0x95);
  });
  it('with CLIENT_EARLY_TRAFFIC_SECRET: the early request is decrypted and handed on first, EndOfEarlyData read, then the handshake keys as before', () => {
    const s = feedWithKeys(earlySegments(), `${KEY_LOG}\nCLIENT_EARLY_TRAFFIC_SECRET ${CLIENT_RANDOM} ${EARLY_SECRET}`);
    const t = tlsCall(s.calls);
    assert.equal(t.fields['tls.early_data'], true);
    assert.equal(t.fields['tls.early_data_records'], 2);
    assert.equal(t.fields['tls.decrypted_records'], 7);
    assert.equal(t.fields['tls.undecrypted_records'], undefined);
    const labels = t.messages!.map((m) => `${m.dir} ${m.label}`);
    const order = ['c2s ApplicationData (0-RTT early data)', 's2c ServerHello', 'c2s EndOfEarlyData', 'c2s Finished', 'c2s ApplicationData (first record)'].map((l) => labels.indexOf(l));
    assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), labels.join(', '));
    assert.ok(s.calls.some((x) => x.protocol === 'http' && x.method === 'GET' && x.target === '/early'), JSON.stringify(s.calls.map((x) => [x.protocol, x.method, x.target])));
  });
  it('any split of the streams gives the same calls', () => {
    const log = `${KEY_LOG}\nCLIENT_EARLY_TRAFFIC_SECRET ${CLIENT_RANDOM} ${EARLY_SECRET}`;
    const whole = JSON.stringify(feedWithKeys(earlySegments(), log).calls);
    assert.equal(JSON.stringify(feedWithKeys(earlySegments(), log, 'bytes').calls), whole);
    for (const seed of [1, 2]) assert.equal(JSON.stringify(feedWithKeys(earlySegments(), log, seed).calls), whole);
  });
  it('without it: the early records are skipped with a warning, and the client Finished and data still open', () => {
    const s = feedWithKeys(earlySegments(), KEY_LOG);
    const t = tlsCall(s.calls);
    assert.equal(t.fields['tls.decrypted_records'], 5);
    assert.equal(t.fields['tls.undecrypted_records'], undefined);
    assert.ok(t.warnings.some((w) => /0-RTT early data not decrypted \(the key log has no CLIENT_EARLY_TRAFFIC_SECRET/.test(w)), t.warnings.join('; '));
    const labels = t.messages!.map((m) => `${m.dir} ${m.label}`);
    assert.ok(labels.includes('c2s Finished') && labels.includes('c2s ApplicationData (first record)'), labels.join(', '));
  });
});

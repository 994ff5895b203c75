import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { feedTls, only, seg } from './feed';

const rep = (byte: string, n: number) => byte.repeat(n);
// encrypted_client_hello (draft-ietf-tls-esni §5, type 0xfe0d) as GREASE (§6.2) sends it: outer,
// HKDF-SHA256/AES-128-GCM, config_id, a 32-byte enc and a 16-byte payload (58 bytes of data).
const ECH = `fe0d 003a 00 0001 0001 01 0020 ${rep('77', 32)} 0010 ${rep('88', 16)}`;
const KEY_SHARE = `0033 0026 0024 001d 0020 ${rep('22', 32)}`; // key_share (RFC 8446 §4.2.8): x25519
const SNI = '0000 0014 0012 00 000f 6170692e6578616d706c652e636f6d'; // server_name (RFC 6066 §3) "api.example.com"
const len = (hexText: string, bytes: number) => (hexText.replace(/\s/g, '').length / 2).toString(16).padStart(bytes * 2, '0');
/** A TLS 1.3 ClientHello (RFC 8446 §4.1.2) with these extensions, in one record (§5.1). */
function hello(exts: string): string {
  const body = `0303 ${rep('11', 32)} 00 0006 1301 1302 c02f 01 00 ${len(exts, 2)} ${exts}`;
  const hs = `01 ${len(body, 3)} ${body}`;
  return `16 0301 ${len(hs, 2)} ${hs}`;
}
/** Without server_name, as Chromium sends to https://127.0.0.1. */
const HELLO_IP = hello(`${KEY_SHARE} ${ECH}`);
const HELLO_NAME = hello(`${SNI} ${KEY_SHARE} ${ECH}`);
const SERVER_HELLO_13 = `16 0303 005a 02 000056 0303 ${rep('33', 32)} 00 1301 00 002e 002b 0002 0304 0033 0024 001d 0020 ${rep('44', 32)}`;
const ECH_WARNING = 'ClientHello offers Encrypted Client Hello: the server name shown is the public (outer) one';

describe('draft-ietf-tls-esni §6.2: GREASE encrypted_client_hello', () => {
  it('without server_name (a browser to an IP address) there is no outer name to warn about', () => {
    const c = only(feedTls([seg('c2s', HELLO_IP), seg('s2c', SERVER_HELLO_13)]));
    assert.equal(c.fields['tls.handshake.extensions_server_name'], undefined);
    assert.ok(!c.warnings.includes(ECH_WARNING), c.warnings.join(' | '));
  });
  it('with a server_name the name shown may be the public one: the warning stays', () => {
    const c = only(feedTls([seg('c2s', HELLO_NAME), seg('s2c', SERVER_HELLO_13)]));
    assert.equal(c.fields['tls.handshake.extensions_server_name'], 'api.example.com');
    assert.ok(c.warnings.includes(ECH_WARNING), c.warnings.join(' | '));
  });
});

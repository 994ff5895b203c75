import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { probeTls, ENCRYPTED_HINT, MAX_RECORD } from '../../../decoders/tls/index';
import { parseClientHello, parseServerHello, ssl2Hello } from '../../../decoders/tls/hello';
import { cipherSuiteName, versionName, alertName, isGrease } from '../../../decoders/tls/names';
import { feedTls, only, seg, gap, hex, prng, tsOf, type Segment } from './feed';

const rep = (byte: string, n: number) => byte.repeat(n);

// ── fixtures, field by field ────────────────────────────────────────────────────────────────

/** A ClientHello as a TLS 1.3 client sends it (RFC 8446 §4.1.2), in one record (§5.1). */
const CLIENT_HELLO = `
  16 0301 0092                      # record: handshake, legacy_record_version TLS 1.0, 146 bytes
  01 00008e                         # handshake: ClientHello, 142 bytes
  0303                              # legacy_version: TLS 1.2
  ${rep('11', 32)}                  # random
  00                                # legacy_session_id: empty
  0006 1301 1302 c02f               # cipher_suites: 3
  01 00                             # legacy_compression_methods: null
  005f                              # extensions: 95 bytes
  0000 0014 0012 00 000f 6170692e6578616d706c652e636f6d   # server_name (RFC 6066 §3): host_name "api.example.com"
  0010 000e 000c 02 6832 08 687474702f312e31              # ALPN (RFC 7301 §3.1): "h2", "http/1.1"
  002b 0007 06 0a0a 0304 0303                             # supported_versions (§4.2.1): GREASE, TLS 1.3, TLS 1.2
  0033 0026 0024 001d 0020 ${rep('22', 32)}               # key_share (§4.2.8): x25519
`;

/** The same hello without server_name and ALPN (RFC 6066 §3: SNI is optional). */
const CLIENT_HELLO_NO_SNI = `
  16 0301 0059 01 000055 0303 ${rep('11', 32)} 00 0006 1301 1302 c02f 01 00
  0026                                                    # extensions: 38 bytes
  0033 0026 0024 001d 0020 ${rep('22', 32)}               # key_share only
`;

/** TLS 1.3 ServerHello (§4.1.3): version chosen through supported_versions. */
const SERVER_HELLO_13 = `
  16 0303 005a
  02 000056                         # ServerHello, 86 bytes
  0303 ${rep('33', 32)}             # legacy_version, random
  00                                # legacy_session_id_echo: empty
  1301                              # cipher_suite: TLS_AES_128_GCM_SHA256
  00                                # legacy_compression_method
  002e
  002b 0002 0304                    # supported_versions: TLS 1.3
  0033 0024 001d 0020 ${rep('44', 32)}   # key_share: x25519
`;
const CCS = '14 0303 0001 01'; // change_cipher_spec (§5: compatibility only in TLS 1.3)
/** TLS 1.3: everything after the ServerHello is an opaque application_data record (§5.2). */
const encrypted = (len: number, fill = 'aa') => `17 0303 ${len.toString(16).padStart(4, '0')} ${rep(fill, len)}`;

/** TLS 1.2 ServerHello (RFC 5246 §7.4.1.3) with ALPN h2 (RFC 7301 §3.1) and ServerHelloDone (§7.4.5). */
const SERVER_HELLO_12 = `
  16 0303 005e
  02 000056 0303 ${rep('55', 32)}
  20 ${rep('66', 32)}               # session_id: 32 bytes (a new session)
  c02f 00                           # TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, no compression
  000e ff01 0001 00                 # renegotiation_info
  0010 0005 0003 02 6832            # ALPN: "h2"
  0e 000000                         # ServerHelloDone
`;
const CLIENT_KEY_EXCHANGE = `16 0303 0025 10 000021 20 ${rep('77', 32)}`;
/** After ChangeCipherSpec the Finished is an encrypted handshake record (RFC 5246 §7.4.9). */
const FINISHED_12 = `16 0303 0028 ${rep('88', 40)}`;
const app12 = (len: number) => `17 0303 ${len.toString(16).padStart(4, '0')} ${rep('99', len)}`;

/** HelloRetryRequest (RFC 8446 §4.1.4): a ServerHello whose random is SHA-256("HelloRetryRequest"). */
const HELLO_RETRY_REQUEST = `
  16 0303 0038 02 000034 0303
  cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c
  00 1302 00 000c
  002b 0002 0304                    # supported_versions: TLS 1.3
  0033 0002 0017                    # key_share selected_group: secp256r1
`;

/** A fatal protocol_version alert in the clear (RFC 8446 §6, RFC 5246 §7.2). */
const ALERT_PROTOCOL_VERSION = '15 0303 0002 02 46';

/** SSL 2.0-compatible ClientHello (RFC 5246 Appendix E.2). */
const SSL2_HELLO = `
  802e                              # 2-byte header, high bit set: 46 bytes
  01 0301                           # msg_type CLIENT-HELLO, version TLS 1.0
  0015 0000 0010                    # cipher_spec_length 21, session_id_length 0, challenge_length 16
  010080 070080 030080 060040 020080 040080 000039   # 7 cipher specs
  ${rep('ab', 16)}                  # challenge
`;

const tls13Flow: Segment[] = [
  seg('c2s', CLIENT_HELLO),
  seg('s2c', `${SERVER_HELLO_13} ${CCS} ${encrypted(32)} ${encrypted(20)}`), // EncryptedExtensions … Finished
  seg('c2s', `${CCS} ${encrypted(17, 'bb')}`), // the client's Finished
  seg('c2s', encrypted(48, 'cc')), // request
  seg('s2c', `${encrypted(64, 'dd')} ${encrypted(100, 'ee')}`), // response
];

const tls12Flow: Segment[] = [
  seg('c2s', CLIENT_HELLO),
  seg('s2c', SERVER_HELLO_12),
  seg('c2s', `${CLIENT_KEY_EXCHANGE} ${CCS} ${FINISHED_12}`),
  seg('s2c', `${CCS} ${FINISHED_12}`),
  seg('c2s', app12(30)),
  seg('s2c', app12(300)),
];

const json = (x: unknown) => JSON.parse(JSON.stringify(x));

describe('RFC 8446 §4.1.2 ClientHello: SNI (RFC 6066 §3), ALPN (RFC 7301 §3.1), supported_versions (§4.2.1)', () => {
  it('parses the hello fields', () => {
    const ch = parseClientHello(hex(CLIENT_HELLO).subarray(9));
    assert.deepEqual(ch.problems, []);
    assert.equal(ch.version, 0x0303);
    assert.equal(ch.serverName, 'api.example.com');
    assert.deepEqual(ch.alpn, ['h2', 'http/1.1']);
    assert.deepEqual(ch.supportedVersions, [0x0304, 0x0303], 'GREASE (RFC 8701) left out');
    assert.equal(ch.cipherSuiteCount, 3);
    assert.deepEqual(ch.keyShareGroups, [29]);
    assert.deepEqual(ch.extensions, [0, 16, 43, 51]);
  });
  it('becomes the fields of the call, in Wireshark vocabulary', () => {
    const c = only(feedTls(tls13Flow));
    assert.equal(c.protocol, 'tls');
    assert.equal(c.kind, 'event');
    assert.equal(c.method, 'TLS handshake');
    assert.equal(c.target, 'api.example.com');
    assert.equal(c.fields['tls.handshake.extensions_server_name'], 'api.example.com');
    assert.equal(c.fields['tls.handshake.extensions_alpn_str'], 'h2,http/1.1');
    assert.equal(c.fields['tls.handshake.extensions.supported_version'], 'TLS 1.3,TLS 1.2');
    assert.equal(c.fields['tls.handshake.cipher_suites_count'], 3);
    assert.equal(c.fields['tls.record.version'], 'TLS 1.0');
  });
  it('without SNI the target is the server address', () => {
    const c = only(feedTls([seg('c2s', CLIENT_HELLO_NO_SNI), seg('s2c', SERVER_HELLO_13)]));
    assert.equal(c.target, '192.0.2.10:443');
    assert.equal(c.fields['tls.handshake.extensions_server_name'], undefined);
  });
  it('split at every byte boundary, or at random, gives the same call', () => {
    for (const flow of [tls13Flow, tls12Flow]) {
      const whole = json(feedTls(flow).calls);
      assert.deepEqual(json(feedTls(flow, 'bytes').calls), whole);
      for (const seed of [1, 2, 3, 4]) assert.deepEqual(json(feedTls(flow, seed).calls), whole);
    }
  });
  it('a ClientHello spread over two records (RFC 8446 §5.1: handshake messages may be fragmented)', () => {
    const body = hex(CLIENT_HELLO).subarray(5);
    const rec = (b: Uint8Array) => Uint8Array.from([0x16, 3, 1, b.length >> 8, b.length & 0xff, ...b]);
    const c = only(feedTls([seg('c2s', rec(body.subarray(0, 60))), seg('c2s', rec(body.subarray(60))), seg('s2c', SERVER_HELLO_13), seg('c2s', encrypted(17))]));
    assert.equal(c.target, 'api.example.com');
    assert.equal(c.timing.startUs, tsOf(0));
    assert.equal(c.timing.requestEndUs, tsOf(1));
    assert.deepEqual(c.warnings, [ENCRYPTED_HINT]);
  });
});

describe('RFC 8446 §4.1.3 ServerHello, §5 record protection: a TLS 1.3 connection', () => {
  const c = only(feedTls(tls13Flow));
  it('version from supported_versions, cipher suite and group named', () => {
    assert.equal(c.fields['tls.handshake.version'], 'TLS 1.3');
    assert.equal(c.fields['tls.handshake.ciphersuite'], 'TLS_AES_128_GCM_SHA256');
    assert.equal(c.fields['tls.handshake.extensions_key_share_group'], 'x25519');
    assert.deepEqual(c.status, { code: 'TLS 1.3', ok: true });
    assert.equal(c.state, 'complete');
  });
  it('timing: ClientHello → ServerHello → the client Finished', () => {
    assert.deepEqual(c.timing, { startUs: tsOf(0), requestEndUs: tsOf(0), responseStartUs: tsOf(1), endUs: tsOf(2) });
  });
  it('the server flight before the client Finished is handshake; the rest is application data', () => {
    assert.equal(c.fields['tls.app_data.c2s_bytes'], 48);
    assert.equal(c.fields['tls.app_data.s2c_bytes'], 164);
    assert.deepEqual(
      c.messages?.map((m) => `${m.dir} ${m.label}`),
      [
        'c2s ClientHello',
        's2c ServerHello',
        's2c ChangeCipherSpec',
        's2c encrypted handshake (EncryptedExtensions … Finished)',
        's2c encrypted handshake (EncryptedExtensions … Finished)',
        'c2s ChangeCipherSpec',
        'c2s Finished (encrypted)',
        'c2s encrypted, after the handshake (first record: application data or NewSessionTicket)',
        's2c encrypted, after the handshake (first record: application data or NewSessionTicket)',
      ],
    );
  });
  it('says the calls inside are encrypted and how to see them', () => {
    assert.deepEqual(c.warnings, [ENCRYPTED_HINT]);
    assert.match(ENCRYPTED_HINT, /callscope proxy --listen/);
  });
  it('wire bytes each way', () => {
    const bytes = (d: 'c2s' | 's2c') => tls13Flow.reduce((n, g) => n + (g.dir === d && 'bytes' in g ? g.bytes.length : 0), 0);
    assert.equal(c.request?.wireBytes, bytes('c2s'));
    assert.equal(c.response?.wireBytes, bytes('s2c'));
  });
});

describe('RFC 5246 §7.3 TLS 1.2 full handshake; ALPN chosen in the ServerHello (RFC 7301 §3.1)', () => {
  const c = only(feedTls(tls12Flow));
  it('version, suite, ALPN selected in the status', () => {
    assert.equal(c.fields['tls.handshake.version'], 'TLS 1.2');
    assert.equal(c.fields['tls.handshake.ciphersuite'], 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    assert.equal(c.fields['tls.handshake.extensions_alpn_selected'], 'h2');
    assert.deepEqual(c.status, { code: 'TLS 1.2', text: 'h2', ok: true });
    assert.equal(c.fields['tls.resumed'], undefined);
  });
  it('the handshake ends with the later Finished; records after ChangeCipherSpec are encrypted', () => {
    assert.equal(c.timing.endUs, tsOf(3));
    assert.equal(c.fields['tls.app_data.c2s_bytes'], 30);
    assert.equal(c.fields['tls.app_data.s2c_bytes'], 300);
    const labels = c.messages?.map((m) => `${m.dir} ${m.label}`) ?? [];
    assert.ok(labels.includes('s2c ServerHelloDone') && labels.includes('c2s ClientKeyExchange'));
    assert.equal(labels.filter((l) => l.endsWith('Finished (encrypted)')).length, 2);
  });
  it('an abbreviated handshake echoing the session id is a resumption (RFC 5246 §7.3)', () => {
    const sid = rep('66', 32);
    const hello = `16 0301 0079 01 000075 0303 ${rep('11', 32)} 20 ${sid} 0006 1301 1302 c02f 01 00 0026 0033 0026 0024 001d 0020 ${rep('22', 32)}`;
    const sh = `16 0303 004a 02 000046 0303 ${rep('55', 32)} 20 ${sid} c02f 00`;
    const r = only(feedTls([seg('c2s', hello), seg('s2c', `${sh} ${CCS} ${FINISHED_12}`), seg('c2s', `${CCS} ${FINISHED_12}`), seg('c2s', app12(10))]));
    assert.equal(r.fields['tls.resumed'], true);
    assert.equal(r.state, 'complete');
    assert.equal(r.timing.endUs, tsOf(2));
  });
});

describe('RFC 8446 §4.1.4 HelloRetryRequest', () => {
  it('is named, with the group it asks for; the second ClientHello follows in the clear', () => {
    const c = only(
      feedTls([
        seg('c2s', CLIENT_HELLO),
        seg('s2c', `${HELLO_RETRY_REQUEST} ${CCS}`),
        seg('c2s', `${CCS} ${CLIENT_HELLO}`),
        seg('s2c', `${SERVER_HELLO_13} ${encrypted(40)}`),
        seg('c2s', encrypted(17)),
      ]),
    );
    assert.equal(parseServerHello(hex(HELLO_RETRY_REQUEST).subarray(9)).hrr, true);
    assert.equal(c.fields['tls.handshake.hello_retry_request'], true);
    assert.equal(c.fields['tls.handshake.extensions_key_share_selected_group'], 'secp256r1');
    assert.deepEqual(c.status, { code: 'TLS 1.3', ok: true });
    assert.equal(c.timing.responseStartUs, tsOf(1), 'the server answered with the HRR');
    assert.deepEqual(c.messages?.filter((m) => /Hello/.test(m.label ?? '')).map((m) => m.label), ['ClientHello', 'HelloRetryRequest', 'ClientHello (after HelloRetryRequest)', 'ServerHello']);
    assert.equal(c.state, 'complete');
  });
});

describe('RFC 8446 §6 / RFC 5246 §7.2 alerts in the clear', () => {
  it('a refused handshake has the alert as its status', () => {
    const c = only(feedTls([seg('c2s', CLIENT_HELLO), seg('s2c', ALERT_PROTOCOL_VERSION)], 'whole', 'fin'));
    assert.deepEqual(c.status, { code: 70, text: 'protocol_version', ok: false });
    assert.equal(c.fields['tls.alert_message.desc'], 70);
    assert.equal(c.fields['tls.alert_message.level'], 2);
    assert.equal(c.state, 'complete');
    assert.equal(c.timing.endUs, tsOf(1));
    assert.deepEqual(c.warnings, [], 'nothing was encrypted: no hint');
  });
  it('a client refusing the certificate after the ServerHello (TLS 1.2)', () => {
    const c = only(feedTls([seg('c2s', CLIENT_HELLO), seg('s2c', SERVER_HELLO_12), seg('c2s', '15 0303 0002 02 30')]));
    assert.deepEqual(c.status, { code: 48, text: 'unknown_ca', ok: false });
  });
  it('an encrypted alert (after ChangeCipherSpec) is only counted', () => {
    const c = only(feedTls([...tls12Flow, seg('s2c', `15 0303 001a ${rep('00', 26)}`)]));
    assert.deepEqual(c.status, { code: 'TLS 1.2', text: 'h2', ok: true });
    assert.equal(c.messages?.at(-1)?.label, 'Alert (encrypted)');
  });
  it('names', () => {
    assert.equal(alertName(40), 'handshake_failure');
    assert.equal(alertName(120), 'no_application_protocol');
    assert.equal(alertName(201), 'alert 201');
  });
});

describe('handshake outcome when the connection ends early', () => {
  it('no answer: pending at the end of the capture, aborted on FIN or RST', () => {
    assert.equal(only(feedTls([seg('c2s', CLIENT_HELLO)])).state, 'pending');
    const fin = only(feedTls([seg('c2s', CLIENT_HELLO)], 'whole', 'fin'));
    assert.equal(fin.state, 'aborted');
    assert.equal(fin.status, undefined);
    assert.match(fin.warnings.join(' '), /before the server answered the ClientHello/);
    assert.match(only(feedTls([seg('c2s', CLIENT_HELLO)], 'whole', 'rst')).warnings.join(' '), /reset/);
  });
  it('a capture that starts after the handshake: a TLS session, incomplete', () => {
    const c = only(feedTls([seg('c2s', encrypted(100)), seg('s2c', `${encrypted(200)} ${encrypted(10)}`)]));
    assert.equal(c.method, 'TLS session');
    assert.equal(c.state, 'incomplete');
    assert.equal(c.target, '192.0.2.10:443');
    assert.equal(c.fields['tls.app_data.c2s_bytes'], 100);
    assert.equal(c.fields['tls.app_data.s2c_bytes'], 210);
    assert.equal(c.fields['tls.record.version'], 'TLS 1.2');
    assert.ok(c.warnings.includes(ENCRYPTED_HINT));
  });
});

describe('RFC 5246 Appendix E.2: SSL 2.0-compatible ClientHello', () => {
  it('is recognised and named, then TLS records follow', () => {
    const r = ssl2Hello(hex(SSL2_HELLO));
    assert.ok(r && r !== 'need-more');
    assert.equal(r.length, 48);
    assert.deepEqual(r.hello, { version: 0x0301, cipherSpecCount: 7 });
    const c = only(feedTls([seg('c2s', SSL2_HELLO), seg('s2c', SERVER_HELLO_12)]));
    assert.equal(c.fields['tls.record.version'], 'SSL 2.0');
    assert.equal(c.fields['tls.handshake.ssl2_client_hello'], true);
    assert.equal(c.fields['tls.handshake.cipher_suites_count'], 7);
    assert.equal(c.messages?.[0].label, 'ClientHello (SSL 2.0-compatible)');
    assert.deepEqual(c.status, { code: 'TLS 1.2', text: 'h2', ok: true });
    assert.deepEqual(json(feedTls([seg('c2s', SSL2_HELLO), seg('s2c', SERVER_HELLO_12)], 'bytes').calls), json([c]));
  });
});

describe('RFC 8446 §5.1 record layer: truncated and garbage input', () => {
  it('a record cut at the end of the capture is a warning', () => {
    const cut = hex(CLIENT_HELLO).subarray(0, 100);
    const c = only(feedTls([seg('c2s', cut)]));
    assert.match(c.warnings.join(' '), /the last record is cut: 100 of its 151 bytes/);
  });
  it('a length beyond 2^14 + 2048 is not a record: warning, the rest is searched', () => {
    const c = only(feedTls([seg('c2s', CLIENT_HELLO), seg('s2c', `17 0303 ${(MAX_RECORD + 1).toString(16)} 00 00`)]));
    assert.match(c.warnings.join(' '), /s2c: not a TLS record at stream offset 0 \(1703034801\)/);
  });
  it('garbage between records: warning, decoding resumes at two chained records', () => {
    const c = only(feedTls([seg('c2s', CLIENT_HELLO), seg('s2c', SERVER_HELLO_12), seg('s2c', `de ad be ef 00 01 02 ${CCS} ${FINISHED_12}`)]));
    assert.match(c.warnings[0], /s2c: not a TLS record at stream offset 99 \(deadbeef00\)/);
    assert.ok(c.messages?.some((m) => m.dir === 's2c' && m.label === 'Finished (encrypted)'), 'resynchronised on ChangeCipherSpec + Finished');
  });
  it('garbage from the start (decode-as on something else): no call, a flow warning, no throw', () => {
    const s = feedTls([seg('c2s', '474554202f20485454502f312e310d0a0d0a')]);
    assert.equal(s.calls.length, 0);
    assert.deepEqual(s.warnings, ['tls: no TLS record in this connection']);
  });
  it('random bytes and truncations never throw, whatever the split', () => {
    const r = prng(443);
    const sources = [tls13Flow, tls12Flow];
    for (let i = 0; i < 300; i++) {
      const base: Segment[] = sources[i % 2].map((g) => ('bytes' in g ? { ...g, bytes: g.bytes.slice() } : g));
      for (const g of base) {
        if (!('bytes' in g)) continue;
        const n = Math.floor(r() * 6);
        for (let k = 0; k < n; k++) g.bytes[Math.floor(r() * g.bytes.length)] = Math.floor(r() * 256);
        if (r() < 0.2) (g as { bytes: Uint8Array }).bytes = g.bytes.subarray(0, Math.floor(r() * g.bytes.length));
      }
      if (r() < 0.3) base.splice(Math.floor(r() * base.length), 0, gap(r() < 0.5 ? 'c2s' : 's2c', 1 + Math.floor(r() * 300)));
      const whole = json(feedTls(base));
      const split = json(feedTls(base, i));
      // The decoder turns a throw into a flow warning and stops: that must not happen either.
      assert.ok(!JSON.stringify(whole).includes('tls: internal error'), `mutation ${i}: internal error`);
      assert.deepEqual(split, whole, `mutation ${i}: split differs`);
    }
  });
});

describe('gaps (loss, snaplen)', () => {
  it('a gap inside application data keeps the record boundaries', () => {
    const big = hex(encrypted(256, 'cc'));
    const c = only(
      feedTls([...tls13Flow.slice(0, 3), seg('c2s', big.subarray(0, 100)), gap('c2s', 161), seg('c2s', encrypted(16, 'cc')), seg('s2c', encrypted(10))]),
    );
    assert.equal(c.fields['tls.app_data.c2s_bytes'], 256 + 16);
    assert.deepEqual(c.warnings, [ENCRYPTED_HINT]);
  });
  it('a gap over a record header: warning, resynchronised on the next two records', () => {
    const c = only(feedTls([...tls12Flow.slice(0, 4), gap('c2s', 3), seg('c2s', `0003 ${rep('99', 3)} ${app12(20)} ${app12(40)}`), seg('s2c', app12(5))]));
    assert.match(c.warnings[0], /c2s: 3 bytes missing from the capture \(frame 5\); looking for the next record/);
    assert.equal(c.fields['tls.app_data.c2s_bytes'], 60);
  });
  it('a gap inside a certificate record loses that record only', () => {
    const cert = `16 0303 0104 0b 000100 ${rep('cd', 256)}`;
    const sh = hex(SERVER_HELLO_12);
    const c = only(feedTls([seg('c2s', CLIENT_HELLO), seg('s2c', sh), seg('s2c', hex(cert).subarray(0, 50)), gap('s2c', 100), seg('s2c', hex(cert).subarray(150)), seg('s2c', `${CCS} ${FINISHED_12}`)]));
    assert.match(c.warnings[0], /s2c: Certificate cut by a gap of 100 bytes \(frame 4\): 41 of its 256 bytes captured/);
    assert.ok(c.messages?.some((m) => m.dir === 's2c' && m.label === 'Finished (encrypted)'));
  });
});

describe('snaplen: a hello cut by a gap keeps what was captured', () => {
  it('the server name (the first extension) survives a ClientHello cut after 80 bytes of its body', () => {
    const ch = hex(CLIENT_HELLO);
    const c = only(feedTls([seg('c2s', ch.subarray(0, 89)), gap('c2s', ch.length - 89), seg('s2c', SERVER_HELLO_13), seg('c2s', encrypted(17))]));
    assert.equal(c.method, 'TLS handshake');
    assert.equal(c.target, 'api.example.com');
    assert.equal(c.fields['tls.handshake.cipher_suites_count'], 3);
    assert.equal(c.fields['tls.handshake.extensions_alpn_str'], undefined, 'ALPN was in the lost part');
    assert.deepEqual(c.status, { code: 'TLS 1.3', ok: true });
    assert.match(c.warnings[0], /c2s: ClientHello cut by a gap of 62 bytes \(frame 2\): 80 of its 142 bytes captured/);
    assert.equal(c.messages?.[0].label, 'ClientHello (cut by a gap)');
  });
});

describe('snaplen: segments cut short', () => {
  it('a ServerHello cut before supported_versions: TLS 1.3 inferred from the encrypted records right after it', () => {
    const sh = hex(SERVER_HELLO_13);
    const c = only(feedTls([seg('c2s', CLIENT_HELLO), seg('s2c', sh.subarray(0, 29)), gap('s2c', sh.length - 29), seg('s2c', `${CCS} ${encrypted(32)}`), seg('c2s', `${CCS} ${encrypted(17)}`), seg('c2s', encrypted(40))]));
    assert.equal(c.fields['tls.handshake.version'], 'TLS 1.3');
    assert.match(c.warnings.join(' | '), /TLS 1\.3 inferred/);
    assert.equal(c.fields['tls.app_data.c2s_bytes'], 40);
    assert.equal(c.timing.endUs, tsOf(4));
  });
  it('a TLS 1.2 ServerHello cut the same way stays of unknown version', () => {
    const sh = hex(SERVER_HELLO_12);
    const c = only(feedTls([seg('c2s', CLIENT_HELLO), seg('s2c', sh.subarray(0, 20)), gap('s2c', sh.length - 20), seg('c2s', `${CLIENT_KEY_EXCHANGE} ${CCS} ${FINISHED_12}`), seg('s2c', `${CCS} ${FINISHED_12}`), seg('s2c', app12(7))]));
    assert.deepEqual(c.status, { code: 'TLS', ok: true });
    assert.equal(c.fields['tls.handshake.version'], undefined);
    assert.equal(c.state, 'complete');
  });
  it('every segment cut: records tracked through the gaps, a header right after a gap taken as it is', () => {
    const a = hex(app12(100));
    const b = hex(app12(300));
    const c = only(
      feedTls([
        ...tls12Flow.slice(0, 4),
        seg('c2s', a.subarray(0, 20)),
        gap('c2s', a.length - 20), // inside the record: still in step
        seg('c2s', b.subarray(0, 20)),
        gap('c2s', b.length - 20 + 7), // past its end, over the next header
        seg('c2s', app12(60)), // a segment that starts with a record
        seg('s2c', app12(5)),
      ]),
    );
    assert.equal(c.fields['tls.app_data.c2s_bytes'], 100 + 300 + 60);
    // The gap ran 7 bytes past the record it cut (292 = 300 + 5 - 20 + 7): the next header is lost, so the whole gap is named.
    assert.match(c.warnings.join(' | '), /c2s: 292 bytes missing from the capture \(frame 8\); looking for the next record/);
  });
});

describe('probe: a ClientHello on any port, without claiming other protocols', () => {
  it('accepts a ClientHello (record 22, version 0x0301–0x0304, handshake type 1) and asks for bytes up to its version', () => {
    const ch = hex(CLIENT_HELLO);
    assert.equal(probeTls(ch, 'c2s'), 'accept');
    for (let n = 0; n < 11; n++) assert.equal(probeTls(ch.subarray(0, n), 'c2s'), 'need-more', `${n} bytes`);
    assert.equal(probeTls(hex(SERVER_HELLO_13), 's2c'), 'accept');
    assert.equal(probeTls(hex(SSL2_HELLO), 'c2s'), 'accept');
    assert.equal(probeTls(hex(`${encrypted(20)} ${encrypted(5)}`), 'c2s'), 'accept', 'two chained records: a capture that starts mid-connection');
  });
  it('rejects the first bytes of the other protocols and near-misses', () => {
    const text = (t: string) => new TextEncoder().encode(t);
    const others: Array<[string, Uint8Array]> = [
      ['HTTP/1.1', text('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
      ['HTTP/2 preface', text('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')],
      ['AMQP', text('AMQP\x00\x00\x09\x01')],
      ['MQTT CONNECT', hex('10 10 0004 4d515454 04 02 003c 0004 74657374')],
      ['Redis', text('*1\r\n$4\r\nPING\r\n')],
      ['Kafka', hex('00000010 0012 0003 00000001 0004 74657374')],
      ['Dubbo', hex('dabb c2 00 0000000000000001 00000010')],
      ['Thrift framed', hex('00000020 80010001 00000003 666f6f')],
      ['SSL 3.0 record version (out of the probe range)', hex(CLIENT_HELLO.replace('16 0301', '16 0300'))],
      ['ClientHello from the server side', hex(CLIENT_HELLO)],
      ['ServerHello with a bad legacy_version', Uint8Array.from(hex(SERVER_HELLO_13), (b, i) => (i === 9 ? 9 : b))],
      ['record length over the maximum', hex('17 0303 ffff 00')],
      ['one record then garbage', hex(`${encrypted(3)} 41 42 43 44 45`)],
    ];
    for (const [name, b] of others) assert.equal(probeTls(b, name === 'ClientHello from the server side' ? 's2c' : 'c2s'), 'reject', name);
  });
});

describe('names (IANA TLS registries)', () => {
  it('versions, suites, GREASE', () => {
    assert.equal(versionName(0x0304), 'TLS 1.3');
    assert.equal(versionName(0x7f1c), 'TLS 1.3 (draft 28)');
    assert.equal(versionName(0x0300), 'SSL 3.0');
    assert.equal(cipherSuiteName(0x1302), 'TLS_AES_256_GCM_SHA384');
    assert.equal(cipherSuiteName(0xc0b4), '0xc0b4');
    assert.ok(isGrease(0xfafa) && !isGrease(0x0a1a));
  });
});

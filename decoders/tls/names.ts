/**
 * Names for the numbers a TLS handshake shows in the clear, as the IANA "Transport Layer Security
 * (TLS) Parameters" registries define them: protocol versions, cipher suites (the common ones: the
 * rest are shown as hex, e.g. `0xc0ad`), alerts, handshake message types, extensions and groups.
 * Also the ports where TLS is expected, shared with the CLI's list of undecoded connections.
 */

/** Server ports where TLS is expected from the first byte (no STARTTLS). */
export const TLS_PORTS = [
  443, // HTTPS
  8443, // HTTPS alternate
  465, // SMTP submission over TLS (RFC 8314)
  636, // LDAPS
  853, // DNS over TLS (RFC 7858)
  989, 990, // FTPS data / control
  992, // telnets
  993, // IMAPS
  994, // IRCS
  995, // POP3S
  2376, // Docker daemon over TLS
  5061, // SIP over TLS
  5223, // XMPP (legacy TLS)
  5671, // AMQPS
  6380, // Redis over TLS (also plain Redis; its probe decides)
  6443, // Kubernetes API
  8883, // MQTTS
  9093, // Kafka over TLS
];

/** UDP ports where QUIC is expected. */
export const QUIC_PORTS = [443, 8443];

/** Likely encrypted: a TLS or QUIC port (for hints on connections nobody decoded). */
export function isEncryptedPort(transport: 'tcp' | 'udp', port: number): boolean {
  return transport === 'tcp' ? TLS_PORTS.includes(port) : QUIC_PORTS.includes(port);
}

const hex4 = (n: number) => '0x' + n.toString(16).padStart(4, '0');

/** RFC 8701 GREASE values: 0x0a0a, 0x1a1a … 0xfafa. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

/** `TLS 1.2`, `SSL 3.0`, `TLS 1.3 (draft 28)`, `GREASE`, else hex. */
export function versionName(v: number): string {
  switch (v) {
    case 0x0002:
      return 'SSL 2.0';
    case 0x0300:
      return 'SSL 3.0';
    case 0x0301:
      return 'TLS 1.0';
    case 0x0302:
      return 'TLS 1.1';
    case 0x0303:
      return 'TLS 1.2';
    case 0x0304:
      return 'TLS 1.3';
  }
  if (v >> 8 === 0x7f) return `TLS 1.3 (draft ${v & 0xff})`;
  if (isGrease(v)) return 'GREASE';
  return hex4(v);
}

/** TLS 1.3 or one of its drafts. */
export function isTls13(v: number | undefined): boolean {
  return v === 0x0304 || (v !== undefined && v >> 8 === 0x7f);
}

const SUITES: Record<number, string> = {
  // TLS 1.3 (RFC 8446 §B.4)
  0x1301: 'TLS_AES_128_GCM_SHA256',
  0x1302: 'TLS_AES_256_GCM_SHA384',
  0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
  0x1304: 'TLS_AES_128_CCM_SHA256',
  0x1305: 'TLS_AES_128_CCM_8_SHA256',
  // ECDHE with AEAD (RFC 5289, RFC 7905)
  0xc02b: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  0xc02c: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  0xc02f: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  0xc030: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  0xcca8: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  0xcca9: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  0xccaa: 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  0x009e: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  0x009f: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  0x009c: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  0x009d: 'TLS_RSA_WITH_AES_256_GCM_SHA384',
  0xc0ac: 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM',
  0xc0ad: 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM',
  // CBC suites (RFC 4492, RFC 5246, RFC 5289)
  0xc009: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  0xc00a: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  0xc013: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  0xc014: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  0xc023: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  0xc024: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  0xc027: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  0xc028: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  0x0033: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  0x0039: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA',
  0x0067: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  0x006b: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256',
  0x002f: 'TLS_RSA_WITH_AES_128_CBC_SHA',
  0x0035: 'TLS_RSA_WITH_AES_256_CBC_SHA',
  0x003c: 'TLS_RSA_WITH_AES_128_CBC_SHA256',
  0x003d: 'TLS_RSA_WITH_AES_256_CBC_SHA256',
  0x000a: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  0x0005: 'TLS_RSA_WITH_RC4_128_SHA',
  0x0004: 'TLS_RSA_WITH_RC4_128_MD5',
  // signalling values
  0x00ff: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
  0x5600: 'TLS_FALLBACK_SCSV',
};

/** Cipher suite name for the common ones, `0x….` otherwise (GREASE named as such). */
export function cipherSuiteName(v: number): string {
  return SUITES[v] ?? (isGrease(v) ? 'GREASE' : hex4(v));
}

const ALERTS: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  60: 'export_restriction',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  111: 'certificate_unobtainable',
  112: 'unrecognized_name',
  113: 'bad_certificate_status_response',
  114: 'bad_certificate_hash_value',
  115: 'unknown_psk_identity',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

/** Alert description (RFC 8446 §6, RFC 5246 §7.2), `alert 123` when unknown. */
export function alertName(d: number): string {
  return ALERTS[d] ?? `alert ${d}`;
}

const HANDSHAKE: Record<number, string> = {
  0: 'HelloRequest',
  1: 'ClientHello',
  2: 'ServerHello',
  3: 'HelloVerifyRequest',
  4: 'NewSessionTicket',
  5: 'EndOfEarlyData',
  8: 'EncryptedExtensions',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
  21: 'CertificateURL',
  22: 'CertificateStatus',
  24: 'KeyUpdate',
  25: 'CompressedCertificate',
  254: 'MessageHash',
};

export function handshakeName(t: number): string {
  return HANDSHAKE[t] ?? `handshake type ${t}`;
}

const EXTENSIONS: Record<number, string> = {
  0: 'server_name',
  1: 'max_fragment_length',
  5: 'status_request',
  10: 'supported_groups',
  11: 'ec_point_formats',
  13: 'signature_algorithms',
  14: 'use_srtp',
  15: 'heartbeat',
  16: 'application_layer_protocol_negotiation',
  18: 'signed_certificate_timestamp',
  21: 'padding',
  22: 'encrypt_then_mac',
  23: 'extended_master_secret',
  27: 'compress_certificate',
  28: 'record_size_limit',
  35: 'session_ticket',
  41: 'pre_shared_key',
  42: 'early_data',
  43: 'supported_versions',
  44: 'cookie',
  45: 'psk_key_exchange_modes',
  47: 'certificate_authorities',
  49: 'post_handshake_auth',
  50: 'signature_algorithms_cert',
  51: 'key_share',
  57: 'quic_transport_parameters',
  17513: 'application_settings',
  0xfe0d: 'encrypted_client_hello',
  0xff01: 'renegotiation_info',
};

export function extensionName(t: number): string {
  return EXTENSIONS[t] ?? (isGrease(t) ? 'GREASE' : `extension ${t}`);
}

const GROUPS: Record<number, string> = {
  23: 'secp256r1',
  24: 'secp384r1',
  25: 'secp521r1',
  29: 'x25519',
  30: 'x448',
  256: 'ffdhe2048',
  257: 'ffdhe3072',
  258: 'ffdhe4096',
  259: 'ffdhe6144',
  260: 'ffdhe8192',
  0x11ec: 'X25519MLKEM768',
  0x6399: 'X25519Kyber768Draft00',
};

/** Named group (RFC 8446 §4.2.7), hex otherwise. */
export function groupName(g: number): string {
  return GROUPS[g] ?? (isGrease(g) ? 'GREASE' : hex4(g));
}

/**
 * DNS mnemonics (IANA "Domain Name System (DNS) Parameters" registry): RR types, classes, opcodes,
 * response codes and EDNS(0) option codes. Unknown numbers are named the RFC 3597 way (`TYPE65280`,
 * `CLASS32`).
 */

const TYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 17: 'RP', 18: 'AFSDB',
  24: 'SIG', 25: 'KEY', 28: 'AAAA', 29: 'LOC', 33: 'SRV', 35: 'NAPTR', 36: 'KX', 37: 'CERT', 39: 'DNAME', 41: 'OPT',
  42: 'APL', 43: 'DS', 44: 'SSHFP', 45: 'IPSECKEY', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 49: 'DHCID', 50: 'NSEC3',
  51: 'NSEC3PARAM', 52: 'TLSA', 53: 'SMIMEA', 55: 'HIP', 59: 'CDS', 60: 'CDNSKEY', 61: 'OPENPGPKEY', 62: 'CSYNC',
  63: 'ZONEMD', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 108: 'EUI48', 109: 'EUI64', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR',
  252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: 'ANY', 256: 'URI', 257: 'CAA', 32768: 'TA', 32769: 'DLV',
};

const CLASSES: Record<number, string> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

const OPCODES: Record<number, string> = { 0: 'QUERY', 1: 'IQUERY', 2: 'STATUS', 4: 'NOTIFY', 5: 'UPDATE', 6: 'DSO' };

/** RCODEs, including the extended ones that only EDNS(0) (RFC 6891 §6.1.3) and TSIG/TKEY can carry. */
const RCODES: Record<number, string> = {
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 6: 'YXDOMAIN', 7: 'YXRRSET',
  8: 'NXRRSET', 9: 'NOTAUTH', 10: 'NOTZONE', 11: 'DSOTYPENI', 16: 'BADVERS', 17: 'BADKEY', 18: 'BADTIME',
  19: 'BADMODE', 20: 'BADNAME', 21: 'BADALG', 22: 'BADTRUNC', 23: 'BADCOOKIE',
};

const EDNS_OPTIONS: Record<number, string> = {
  1: 'LLQ', 2: 'UL', 3: 'NSID', 5: 'DAU', 6: 'DHU', 7: 'N3U', 8: 'CLIENT-SUBNET', 9: 'EXPIRE', 10: 'COOKIE',
  11: 'TCP-KEEPALIVE', 12: 'PADDING', 13: 'CHAIN', 14: 'KEY-TAG', 15: 'EDE', 16: 'CLIENT-TAG', 17: 'SERVER-TAG',
  18: 'REPORT-CHANNEL', 19: 'ZONEVERSION',
};

/** RFC 8914 §4 Extended DNS Error info codes. */
const EDE_CODES: Record<number, string> = {
  0: 'Other Error', 1: 'Unsupported DNSKEY Algorithm', 2: 'Unsupported DS Digest Type', 3: 'Stale Answer',
  4: 'Forged Answer', 5: 'DNSSEC Indeterminate', 6: 'DNSSEC Bogus', 7: 'Signature Expired', 8: 'Signature Not Yet Valid',
  9: 'DNSKEY Missing', 10: 'RRSIGs Missing', 11: 'No Zone Key Bit Set', 12: 'NSEC Missing', 13: 'Cached Error',
  14: 'Not Ready', 15: 'Blocked', 16: 'Censored', 17: 'Filtered', 18: 'Prohibited', 19: 'Stale NXDOMAIN Answer',
  20: 'Not Authoritative', 21: 'Not Supported', 22: 'No Reachable Authority', 23: 'Network Error', 24: 'Invalid Data',
  25: 'Signature Expired before Valid', 26: 'Too Early', 27: 'Unsupported NSEC3 Iterations Value',
  28: 'Unable to conform to policy', 29: 'Synthesized', 30: 'Invalid Query Type',
};

/** RFC 9460 §14.3.2 SvcParamKeys (7 dohpath: RFC 9461; 8 ohttp: RFC 9540). */
const SVC_KEYS: Record<number, string> = {
  0: 'mandatory', 1: 'alpn', 2: 'no-default-alpn', 3: 'port', 4: 'ipv4hint', 5: 'ech', 6: 'ipv6hint', 7: 'dohpath', 8: 'ohttp',
};

export function typeName(t: number): string {
  return TYPES[t] ?? `TYPE${t}`;
}

export function className(c: number): string {
  return CLASSES[c] ?? `CLASS${c}`;
}

export function opcodeName(o: number): string {
  return OPCODES[o] ?? `OPCODE${o}`;
}

export function rcodeName(r: number): string {
  return RCODES[r] ?? `RCODE${r}`;
}

export function ednsOptionName(code: number): string {
  return EDNS_OPTIONS[code] ?? `OPT${code}`;
}

export function edeName(code: number): string {
  return EDE_CODES[code] ?? `EDE${code}`;
}

export function svcKeyName(k: number): string {
  return SVC_KEYS[k] ?? `key${k}`;
}

/** Opcodes a message can plausibly carry (the probe rejects the others). */
export function knownOpcode(o: number): boolean {
  return o in OPCODES;
}

/** Well-known RR types, meta-types and the private-use range: what the probe expects in a question. */
export function plausibleQtype(t: number): boolean {
  return t !== 0 && (t in TYPES || t < 260 || (t >= 65280 && t <= 65534));
}

/** QCLASS values a question can carry (RFC 6762 §5.4: mDNS sets the top bit to ask for a unicast response). */
export function plausibleQclass(c: number): boolean {
  const base = c & 0x7fff;
  return base === 1 || base === 3 || base === 4 || base === 254 || base === 255;
}

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../../decoders/core/bytes';
import { parseMessage, readName } from '../../../decoders/dns/wire';
import { probeTcp, probeUdp } from '../../../decoders/dns/index';
import { QUERY_TIMEOUT_US } from '../../../decoders/dns/calls';
import type { Call } from '../../../decoders/core/model';
import { AA, QR, RA, RD, TC, answer, framed, ipv4, msg, name, pos, query, tcp, udp } from './build';
import { rng } from '../../helpers/split';

const values = (c: Call) => ({ req: c.request?.value as Record<string, unknown> | undefined, res: c.response?.value as Record<string, unknown> | undefined });

describe('RFC 1035 §4.1.1 header', () => {
  it('reads the ID, the flags and the four counts', () => {
    const m = parseMessage(fromHex(`
      12 34   # ID
      85 a3   # QR=1 opcode=0 AA=1 TC=0 RD=1 RA=1 Z=0 AD=1 CD=0 RCODE=3 (NXDOMAIN)
      00 00 00 00 00 00 00 00`))!;
    assert.equal(m.header.id, 0x1234);
    assert.deepEqual([m.header.qr, m.header.aa, m.header.tc, m.header.rd, m.header.ra, m.header.ad, m.header.cd], [true, true, false, true, true, true, false]);
    assert.equal(m.rcode, 3);
    assert.equal(m.whole, true);
  });
  it('a message shorter than the 12-byte header is not a message', () => {
    assert.equal(parseMessage(fromHex('12 34 01 00 00 01')), undefined);
  });
});

describe('RFC 1035 §4.1.4 message compression', () => {
  // The section's own example: F.ISI.ARPA, then FOO.F.ISI.ARPA as "FOO" + a pointer, then ARPA
  // as a pointer into the middle of the first name.
  const example = fromHex(`
    be ef 84 00 00 01 00 02 00 00 00 00
    01 66 03 69 73 69 04 61 72 70 61 00  00 01 00 01   # offset 12: f.isi.arpa A IN
    03 66 6f 6f c0 0c                                   # offset 28: foo + pointer to 12
    00 01 00 01 00 00 0e 10 00 04 c0 00 02 01            #   A 192.0.2.1
    c0 12                                               # offset 48: pointer to 18 ("arpa")
    00 02 00 01 00 00 0e 10 00 02 c0 0c                  #   NS, RDATA a pointer to 12`);
  it('follows pointers in owner names and in RDATA', () => {
    const m = parseMessage(example)!;
    assert.deepEqual(m.warnings, []);
    assert.deepEqual(
      m.answers.map((a) => [a.name, a.type, a.data]),
      [
        ['foo.f.isi.arpa', 1, '192.0.2.1'],
        ['arpa', 2, 'f.isi.arpa'],
      ],
    );
  });
  it('a pointer to itself is a loop', () => {
    const m = parseMessage(fromHex('00 01 01 00 00 01 00 00 00 00 00 00  c0 0c 00 01 00 01'))!;
    assert.equal(m.whole, false);
    assert.match(m.warnings[0], /compression loop/);
  });
  it('two pointers that point at each other are a loop', () => {
    const m = parseMessage(fromHex('00 01 01 00 00 01 00 00 00 00 00 00  c0 0e c0 0c 00 01'))!;
    assert.match(m.warnings[0], /compression loop: pointer at offset 12 leads back to offset 14/);
  });
  it('a label followed by a pointer back to it is a loop, not an endless name', () => {
    const r = readName(fromHex('00 01 01 00 00 01 00 00 00 00 00 00  01 61 c0 0c'), 12);
    assert.equal(r.next, -1);
    assert.match(r.error!, /compression loop/);
  });
  it('a pointer past the end of the message', () => {
    const m = parseMessage(fromHex('00 01 01 00 00 01 00 00 00 00 00 00  c0 ff 00 01 00 01'))!;
    assert.match(m.warnings[0], /points to 255, past the end of the message \(18 bytes\)/);
  });
  it('a pointer cut by the end of the message', () => {
    const r = readName(fromHex('00 01 01 00 00 01 00 00 00 00 00 00  c0'), 12);
    assert.match(r.error!, /cut by the end/);
  });
  it('a chain of more than 128 pointers stops', () => {
    // Offset 12 holds the root; each later pointer points at the one before it.
    const b = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
    for (let k = 0; k < 200; k++) {
      const prev = k === 0 ? 12 : 13 + 2 * (k - 1);
      b.push(0xc0 | (prev >> 8), prev & 0xff);
    }
    const r = readName(Uint8Array.from(b), b.length - 2);
    assert.match(r.error!, /more than 128 compression pointers/);
    assert.equal(readName(Uint8Array.from(b), 13 + 2 * 50).name, '.');
  });
  it('a name longer than 255 octets (RFC 1035 §3.1)', () => {
    const long = Array.from({ length: 5 }, () => 'a'.repeat(63)).join('.');
    const r = readName(Uint8Array.from([...new Array(12).fill(0), ...name(long)]), 12);
    assert.match(r.error!, /longer than 255 octets/);
  });
  it('the retired extended label types 0x40 and 0x80 (RFC 6891 §5)', () => {
    const m = parseMessage(fromHex('00 01 01 00 00 01 00 00 00 00 00 00  41 02 00 00 01 00 01'))!;
    assert.match(m.warnings[0], /label type 0x40/);
  });
  it('labels with dots, backslashes or bytes outside printable ASCII are escaped; UTF-8 kept', () => {
    const b = Uint8Array.from([...new Array(12).fill(0), 3, 0x61, 0x2e, 0x62, 2, 0x00, 0x20, 5, ...Buffer.from('café'), 0]);
    assert.equal(readName(b, 12).name, 'a\\.b.\\000\\032.café');
  });
});

describe('RFC 1035 §4.1.2–4.1.3 counts that lie', () => {
  it('65535 announced answers in a message holding one: one answer, a warning, no work beyond the bytes', () => {
    const ok = answer(7, 'a.test', 1, [{ name: 'a.test', type: 1, rdata: ipv4('192.0.2.7') }]);
    const b = ok.slice();
    b[6] = 0xff;
    b[7] = 0xff;
    const t = Date.now();
    const m = parseMessage(b)!;
    assert.ok(Date.now() - t < 100);
    assert.equal(m.answers.length, 1);
    assert.match(m.warnings[0], /announces 65535 answer records, the message ends after 1/);
  });
  it('65535 announced questions in an empty message', () => {
    const m = parseMessage(fromHex('00 01 01 00 ff ff ff ff ff ff ff ff'))!;
    assert.deepEqual(m.questions, []);
    assert.match(m.warnings[0], /65535 questions, the message ends after 0/);
  });
  it('an RDLENGTH past the end of the message', () => {
    const b = answer(7, 'a.test', 1, [{ name: 'a.test', type: 1, rdata: ipv4('192.0.2.7') }]);
    const m = parseMessage(b.subarray(0, b.length - 2))!;
    assert.match(m.warnings[0], /RDLENGTH 4 runs past the end/);
  });
  it('records beyond the kept limit are counted, not listed', () => {
    const an = Array.from({ length: 30 }, (_, i) => ({ name: 'm.test', type: 1, rdata: [10, 0, 0, i] }));
    const m = parseMessage(answer(1, 'm.test', 1, an), { maxRecords: 10 })!;
    assert.equal(m.answers.length, 10);
    assert.equal(m.dropped, 20);
  });
});

describe('RDATA of the common types (RFC 1035 §3.3, RFC 3596, RFC 2782, RFC 9460, RFC 3597)', () => {
  const one = (type: number, rdata: number[]) => parseMessage(answer(1, 'x.test', type, [{ name: 'x.test', type, rdata }]))!;
  it('A, AAAA, NS, CNAME, PTR', () => {
    assert.equal(one(1, [192, 0, 2, 1]).answers[0].data, '192.0.2.1');
    assert.equal(one(28, [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]).answers[0].data, '2001:db8::1');
    assert.equal(one(2, name('ns1.x.test')).answers[0].data, 'ns1.x.test');
    assert.equal(one(5, name('y.test')).answers[0].data, 'y.test');
    assert.equal(one(12, name('host.x.test')).answers[0].data, 'host.x.test');
  });
  it('MX, SOA, TXT, SRV, CAA', () => {
    assert.equal(one(15, [0, 10, ...name('mx.x.test')]).answers[0].data, '10 mx.x.test');
    const soa = [...name('ns.x.test'), ...name('admin.x.test'), 0, 0, 0, 1, 0, 0, 0x0e, 0x10, 0, 0, 0, 60, 0, 9, 0x3a, 0x80, 0, 0, 0, 30];
    assert.equal(one(6, soa).answers[0].data, 'ns.x.test admin.x.test 1 3600 60 604800 30');
    assert.deepEqual(one(16, [5, ...Buffer.from('hello'), 0, 3, ...Buffer.from('a"b')]).answers[0].data, ['hello', '', 'a"b']);
    assert.equal(one(33, [0, 1, 0, 5, 0x1f, 0x90, ...name('svc.x.test')]).answers[0].data, '1 5 8080 svc.x.test');
    assert.equal(one(257, [0, 5, ...Buffer.from('issueca.test')]).answers[0].data, '0 issue "ca.test"');
  });
  it('HTTPS/SVCB: priority, target, alpn, port, hints, ech; AliasMode', () => {
    const rdata = fromHex(`
      00 01 00                      # priority 1, target "." (RFC 9460 §2.2)
      00 01 00 06 02 68 32 02 68 33 # alpn=h2,h3
      00 03 00 02 20 fb             # port=8443
      00 04 00 04 c0 00 02 01       # ipv4hint=192.0.2.1
      00 05 00 03 01 02 03          # ech (base64)
      00 06 00 10 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01`);
    assert.equal(one(65, [...rdata]).answers[0].data, '1 . alpn=h2,h3 port=8443 ipv4hint=192.0.2.1 ech=AQID ipv6hint=2001:db8::1');
    assert.equal(one(64, [0, 0, ...name('pool.x.test')]).answers[0].data, '0 pool.x.test');
    const bad = one(65, [0, 1, 0, 0, 3, 0, 9, 1]);
    assert.match(bad.answers[0].data as string, /^\\# 8 /);
    assert.match(bad.warnings[0], /SvcParam runs past RDLENGTH/);
  });
  it('HTTPS answers set dns.svcb.targetname and dns.svcb.svcparam.alpn on the call', () => {
    const { s, d } = udp();
    d.datagram('c2s', query(1, 'svc.test', 65), pos(1));
    d.datagram('s2c', answer(1, 'svc.test', 65, [{ name: 'svc.test', type: 65, rdata: [0, 1, ...name('pool.svc.test'), 0, 1, 0, 3, 2, 0x68, 0x32] }]), pos(2));
    assert.deepEqual([s.calls[0].method, s.calls[0].fields['dns.svcb.targetname'], s.calls[0].fields['dns.svcb.svcparam.alpn']], ['HTTPS', 'pool.svc.test', 'h2']);
  });
  it('other types in the RFC 3597 generic form, named by number', () => {
    const m = one(65280, [0xde, 0xad]);
    assert.equal(m.answers[0].data, '\\# 2 dead');
    assert.equal(m.answers[0].type, 65280);
  });
  it('a wrong RDLENGTH for A is a warning and the generic form', () => {
    const m = one(1, [1, 2, 3]);
    assert.equal(m.answers[0].data, '\\# 3 010203');
    assert.match(m.warnings[0], /A record: RDLENGTH 3, expected 4/);
  });
  it('a name in RDATA that runs past RDLENGTH', () => {
    const b = answer(1, 'x.test', 5, [{ name: 'x.test', type: 5, rdata: name('y.test') }]);
    // Shrink RDLENGTH from 8 to 3: the name continues past it.
    b[b.length - 9] = 3;
    const m = parseMessage(b)!;
    assert.match(m.warnings.join(' '), /CNAME: name runs past RDLENGTH/);
  });
  it('a TTL with the top bit set counts as zero (RFC 2181 §8)', () => {
    const m = parseMessage(answer(1, 'x.test', 1, [{ name: 'x.test', type: 1, ttl: 0x80000000, rdata: [1, 2, 3, 4] }]))!;
    assert.equal(m.answers[0].ttl, 0);
  });
});

describe('RFC 6891 EDNS(0)', () => {
  it('UDP payload size, DO bit, extended RCODE, version and options', () => {
    const cookie = [0, 10, 0, 24, ...new Array(8).fill(0xaa), ...new Array(16).fill(0xbb)];
    const ede = [0, 15, 0, 6, 0, 18, ...Buffer.from('nope')];
    const m = parseMessage(msg({ id: 1, flags: QR, qd: [['x.test', 1]], opt: { size: 4096, extRcode: 1, do: true, options: [...cookie, ...ede] } }))!;
    assert.equal(m.edns!.udpPayloadSize, 4096);
    assert.equal(m.edns!.do, true);
    // Header RCODE 0 + upper bits 1 → 16 (BADVERS), RFC 6891 §6.1.3.
    assert.equal(m.rcode, 16);
    assert.deepEqual(
      m.edns!.options.map((o) => [o.name, o.value]),
      [
        ['COOKIE', { client: 'aa'.repeat(8), server: 'bb'.repeat(16) }],
        ['EDE', { code: 18, name: 'Prohibited', text: 'nope' }],
      ],
    );
    assert.deepEqual(m.additional, []);
  });
  it('two OPT records (FORMERR) and an option past RDLENGTH are warnings', () => {
    const b = msg({ id: 1, qd: [['x.test', 1]], ar: [{ name: '.', type: 41, rdata: [0, 10, 0, 9, 1] }], opt: {} });
    const m = parseMessage(b)!;
    assert.match(m.warnings.join(' | '), /EDNS option COOKIE runs past RDLENGTH/);
    assert.match(m.warnings.join(' | '), /more than one OPT record/);
  });
});

describe('UDP: a query and its response are one call (RFC 1035 §4.2.1, §7.3)', () => {
  it('method, target, status, values and Wireshark fields', () => {
    const { s, d } = udp();
    d.datagram('c2s', query(0x1111, 'api.test', 1, { opt: { size: 1232, do: true } }), pos(1));
    d.datagram('s2c', answer(0x1111, 'api.test', 1, [{ name: 'api.test', type: 5, rdata: name('edge.test') }, { name: 'edge.test', type: 1, ttl: 60, rdata: ipv4('192.0.2.9') }], { flags: QR | AA | RD | RA }), pos(2));
    d.close(pos(3));
    assert.equal(s.calls.length, 1);
    const c = s.calls[0];
    assert.deepEqual([c.protocol, c.kind, c.state, c.method, c.target], ['dns', 'unary', 'complete', 'A', 'api.test']);
    assert.deepEqual(c.status, { code: 0, text: 'NOERROR', ok: true });
    assert.deepEqual(c.frames, [1, 2]);
    assert.equal(c.timing.endUs! - c.timing.startUs, 1000);
    assert.deepEqual(values(c).res!.answers, [
      { name: 'api.test', type: 'CNAME', ttl: 300, data: 'edge.test' },
      { name: 'edge.test', type: 'A', ttl: 60, data: '192.0.2.9' },
    ]);
    assert.deepEqual(values(c).req!.questions, [{ name: 'api.test', type: 'A' }]);
    const f = c.fields;
    assert.equal(f['dns.id'], 0x1111);
    assert.equal(f['dns.qry.name'], 'api.test');
    assert.equal(f['dns.qry.type'], 1);
    assert.equal(f['dns.flags.rcode'], 0);
    assert.equal(f['dns.a'], '192.0.2.9');
    assert.equal(f['dns.cname'], 'edge.test');
    assert.equal(f['dns.count.answers'], 2);
    assert.equal(f['dns.flags.truncated'], false);
    assert.equal(f['dns.flags.authoritative'], true);
    assert.equal(f['dns.resp.z.do'], true);
    assert.equal(f['dns.rr.udp_payload_size'], 1232);
  });
  it('NXDOMAIN and SERVFAIL are not ok, named', () => {
    const { s, d } = udp();
    d.datagram('c2s', query(1, 'nope.test'), pos(1));
    d.datagram('s2c', answer(1, 'nope.test', 1, [], { flags: QR | RD | RA | 3 }), pos(2));
    d.datagram('c2s', query(2, 'x.test', 28), pos(3));
    // An Extended DNS Error (RFC 8914 §4.23, "Network Error") with its text.
    d.datagram('s2c', answer(2, 'x.test', 28, [], { flags: QR | RD | RA | 2, opt: { options: [0, 15, 0, 6, 0, 23, ...Buffer.from('down')] } }), pos(4));
    assert.deepEqual([s.calls[1].fields['dns.opt.ext_error.info_code'], s.calls[1].fields['dns.opt.ext_error.extra_text']], [23, 'down']);
    assert.deepEqual(
      s.calls.map((c) => [c.method, c.status]),
      [
        ['A', { code: 3, text: 'NXDOMAIN', ok: false }],
        ['AAAA', { code: 2, text: 'SERVFAIL', ok: false }],
      ],
    );
  });
  it('pairs by ID and question: answers out of order, same ID for another question not mixed up', () => {
    const { s, d } = udp();
    d.datagram('c2s', query(5, 'a.test', 1), pos(1));
    d.datagram('c2s', query(6, 'a.test', 28), pos(2));
    d.datagram('s2c', answer(6, 'a.test', 28, []), pos(3));
    d.datagram('s2c', answer(5, 'b.test', 1, []), pos(4));
    d.datagram('s2c', answer(5, 'a.test', 1, []), pos(5));
    d.close(pos(6));
    assert.deepEqual(
      s.calls.map((c) => [c.method, c.target, c.state, c.frames]),
      [
        ['AAAA', 'a.test', 'complete', [2, 3]],
        ['A', 'b.test', 'incomplete', [4]],
        ['A', 'a.test', 'complete', [1, 5]],
      ],
    );
    assert.equal(s.calls[1].warnings[0], 'response without its query in the capture');
  });
  it('names compare case-insensitively ("0x20" randomised case, RFC 4343)', () => {
    const { s, d } = udp();
    d.datagram('c2s', query(9, 'ApI.tEsT'), pos(1));
    d.datagram('s2c', answer(9, 'api.test', 1, []), pos(2));
    assert.equal(s.calls[0].state, 'complete');
    assert.equal(s.calls[0].target, 'ApI.tEsT');
  });
  it('a response without a question (FORMERR) pairs by ID alone', () => {
    const { s, d } = udp();
    d.datagram('c2s', msg({ id: 3, qd: [['a.test', 1], ['b.test', 1]] }), pos(1));
    d.datagram('s2c', msg({ id: 3, flags: QR | 1 }), pos(2));
    assert.deepEqual([s.calls[0].state, s.calls[0].status?.text, s.calls[0].fields['dns.count.queries']], ['complete', 'FORMERR', 2]);
  });
  it('a retransmitted query counts on the first send; no response gives "no response" with the sends', () => {
    const { s, d } = udp();
    const q = query(0x77, 'slow.test');
    d.datagram('c2s', q, pos(1, 1_000_000));
    d.datagram('c2s', q, pos(2, 2_000_000));
    d.datagram('c2s', q, pos(3, 3_000_000));
    d.close(pos(4, 4_000_000));
    assert.equal(s.calls.length, 1);
    const c = s.calls[0];
    assert.deepEqual([c.state, c.frames, c.fields['dns.retransmissions'], c.timing.startUs, c.timing.requestEndUs], ['pending', [1, 2, 3], 2, 1_000_000, 3_000_000]);
    assert.deepEqual(c.warnings, ['no response in the capture (query sent 3 times)']);
  });
  it('a retransmitted query that is then answered is one complete call timed from the first send', () => {
    const { s, d } = udp();
    d.datagram('c2s', query(8, 'x.test'), pos(1, 1_000_000));
    d.datagram('c2s', query(8, 'x.test'), pos(2, 2_000_000));
    d.datagram('s2c', answer(8, 'x.test', 1, []), pos(3, 2_000_100));
    assert.deepEqual([s.calls[0].state, s.calls[0].timing.startUs, s.calls[0].timing.endUs, s.calls[0].fields['dns.retransmissions']], ['complete', 1_000_000, 2_000_100, 1]);
  });
  it(`a query unanswered for ${QUERY_TIMEOUT_US / 1e6} s of capture time is reported before the flow ends`, () => {
    const { s, d } = udp();
    d.datagram('c2s', query(1, 'a.test'), pos(1, 1_000_000));
    d.datagram('c2s', query(2, 'b.test'), pos(2, 1_000_000 + QUERY_TIMEOUT_US + 1));
    assert.deepEqual(
      s.calls.map((c) => [c.target, c.state, c.warnings]),
      [['a.test', 'pending', [`no response within ${QUERY_TIMEOUT_US / 1e6} s`]]],
    );
  });
  it('a second response to an answered query is a duplicate', () => {
    const { s, d } = udp();
    d.datagram('c2s', query(4, 'a.test'), pos(1));
    d.datagram('s2c', answer(4, 'a.test', 1, []), pos(2));
    d.datagram('s2c', answer(4, 'a.test', 1, []), pos(3));
    assert.deepEqual(
      s.calls.map((c) => [c.state, c.warnings[0]]),
      [
        ['complete', undefined],
        ['incomplete', 'duplicate response: this query was already answered'],
      ],
    );
  });
  it('a query seen from the flow\'s "server" side makes its sender the client of the call', () => {
    const { s, d } = udp();
    d.datagram('s2c', query(4, 'a.test'), pos(1));
    d.datagram('c2s', answer(4, 'a.test', 1, []), pos(2));
    assert.deepEqual([s.calls[0].client.ip, s.calls[0].server.ip], ['10.0.0.53', '10.0.0.1']);
  });
  it('a truncated (TC) answer says the client should ask again over TCP (RFC 7766 §5)', () => {
    const { s, d } = udp();
    d.datagram('c2s', query(4, 'big.test', 16), pos(1));
    d.datagram('s2c', answer(4, 'big.test', 16, [], { flags: QR | AA | TC | RD | RA, opt: {} }), pos(2));
    assert.equal(s.calls[0].fields['dns.flags.truncated'], true);
    assert.deepEqual(s.calls[0].warnings, ["truncated (TC): the answer did not fit in the client's 1232-byte EDNS limit; the client should ask again over TCP (RFC 7766 §5)"]);
    assert.ok(s.calls[0].status?.ok);
  });
  it('a datagram too short for a header is a flow warning', () => {
    const { s, d } = udp();
    d.datagram('c2s', Uint8Array.of(1, 2, 3), pos(1));
    assert.deepEqual(s.calls, []);
    assert.match(s.warnings[0], /3-byte datagram is too short/);
  });
  it('NOTIFY and UPDATE are named by their opcode, target the zone', () => {
    const { s, d } = udp();
    d.datagram('c2s', msg({ id: 1, flags: 5 << 11, qd: [['zone.test', 6]] }), pos(1));
    d.datagram('s2c', msg({ id: 1, flags: QR | (5 << 11), qd: [['zone.test', 6]] }), pos(2));
    assert.deepEqual([s.calls[0].method, s.calls[0].target, s.calls[0].fields['dns.flags.opcode']], ['UPDATE', 'zone.test', 5]);
  });
});

describe('RFC 6762 mDNS', () => {
  const group = { client: { ip: '10.0.0.7', port: 5353 }, server: { ip: '224.0.0.251', port: 5353 } };
  it('a query to the group is oneway, with the unicast-response (QU) bit read from QCLASS (§5.4)', () => {
    const { s, d } = udp(group);
    d.datagram('c2s', msg({ id: 0, flags: 0, qd: [['_http._tcp.local', 12, 0x8001]] }), pos(1));
    assert.deepEqual([s.calls[0].kind, s.calls[0].state, s.calls[0].method, s.calls[0].target], ['oneway', 'complete', 'PTR', '_http._tcp.local']);
    assert.equal(s.calls[0].fields['dns.qry.qu'], true);
    assert.equal(s.calls[0].fields['mdns'], true);
    assert.deepEqual(values(s.calls[0]).req!.questions, [{ name: '_http._tcp.local', type: 'PTR', unicastResponse: true }]);
  });
  it('an announcement to the group is an event, with cache-flush read from CLASS (§10.2)', () => {
    const { s, d } = udp(group);
    const an = [
      { name: '_http._tcp.local', type: 12, ttl: 4500, rdata: name('Büro._http._tcp.local') },
      { name: 'host.local', type: 1, class: 0x8001, ttl: 120, rdata: ipv4('10.0.0.7') },
    ];
    d.datagram('c2s', msg({ id: 0, flags: QR | AA, an }), pos(1));
    const c = s.calls[0];
    assert.deepEqual([c.kind, c.method, c.target, c.status?.ok], ['event', 'PTR', '_http._tcp.local', true]);
    assert.deepEqual((values(c).res!.answers as unknown[])[1], { name: 'host.local', type: 'A', cacheFlush: true, ttl: 120, data: '10.0.0.7' });
    assert.equal(c.fields['dns.ptr.domain_name'], 'Büro._http._tcp.local');
  });
  it('a unicast response from 5353 to 5353 (a QU answer, §5.4) is an event: its question went to the group', () => {
    const { s, d } = udp({ client: { ip: '10.0.0.8', port: 5353 }, server: { ip: '10.0.0.7', port: 5353 } });
    d.datagram('s2c', msg({ id: 0, flags: QR | AA, an: [{ name: 'host.local', type: 1, class: 0x8001, rdata: ipv4('10.0.0.7') }] }), pos(1));
    d.close(pos(2));
    assert.deepEqual(s.calls.map((c) => [c.kind, c.state, c.client.ip, c.warnings]), [['event', 'complete', '10.0.0.7', []]]);
  });
  it('a unicast query to port 5353 pairs like DNS (§5.1 one-shot queries)', () => {
    const { s, d } = udp({ client: { ip: '10.0.0.1', port: 40000 }, server: { ip: '10.0.0.7', port: 5353 } });
    d.datagram('c2s', query(0x42, 'host.local'), pos(1));
    d.datagram('s2c', answer(0x42, 'host.local', 1, [{ name: 'host.local', type: 1, class: 0x8001, rdata: ipv4('10.0.0.7') }]), pos(2));
    assert.deepEqual([s.calls.length, s.calls[0].kind, s.calls[0].state, s.calls[0].fields['dns.a']], [1, 'unary', 'complete', '10.0.0.7']);
  });
});

describe('RFC 7766 / RFC 1035 §4.2.2 DNS over TCP', () => {
  const q1 = query(0x0101, 'a.test', 1);
  const q2 = query(0x0202, 'a.test', 28);
  const r1 = answer(0x0101, 'a.test', 1, [{ name: 'a.test', type: 1, rdata: ipv4('192.0.2.1') }]);
  const r2 = answer(0x0202, 'a.test', 28, []);
  function feed(chunksC2s: Uint8Array[], chunksS2c: Uint8Array[]) {
    const { s, d } = tcp();
    let frame = 1;
    let off = 0;
    for (const b of chunksC2s) {
      d.data('c2s', b, pos(frame++, undefined, off));
      off += b.length;
    }
    off = 0;
    for (const b of chunksS2c) {
      d.data('s2c', b, pos(frame++, undefined, off));
      off += b.length;
    }
    d.end('c2s', pos(frame));
    d.end('s2c', pos(frame));
    d.close(pos(frame), 'fin');
    return s;
  }
  it('pipelined queries answered out of order (§6.2.1.1) pair by ID', () => {
    const s = feed([framed(q1, q2)], [framed(r2, r1)]);
    assert.deepEqual(
      s.calls.map((c) => [c.method, c.state, c.status?.text, c.fields['dns.a'], c.request?.wireBytes]),
      [
        ['AAAA', 'complete', 'NOERROR', undefined, q2.length + 2],
        ['A', 'complete', 'NOERROR', '192.0.2.1', q1.length + 2],
      ],
    );
  });
  it('split at every byte: the same calls, timed by the segments that carried the first and last bytes', () => {
    const whole = feed([framed(q1, q2)], [framed(r1, r2)]).calls;
    const c2s = framed(q1, q2);
    const s2c = framed(r1, r2);
    for (let cut = 1; cut < c2s.length; cut++) {
      const s = feed([c2s.subarray(0, cut), c2s.subarray(cut)], [s2c]);
      assert.equal(s.calls.length, 2, `c2s cut at ${cut}`);
      assert.deepEqual(s.calls.map((c) => [c.method, c.state, c.fields['dns.id']]), whole.map((c) => [c.method, c.state, c.fields['dns.id']]), `c2s cut at ${cut}`);
    }
    for (let cut = 1; cut < s2c.length; cut++) {
      const s = feed([c2s], [s2c.subarray(0, cut), s2c.subarray(cut)]);
      assert.deepEqual(s.calls.map((c) => [c.method, c.state, c.response?.value]), whole.map((c) => [c.method, c.state, c.response?.value]), `s2c cut at ${cut}`);
    }
    // One byte per data() call.
    const bytes = (b: Uint8Array) => Array.from(b, (x) => Uint8Array.of(x));
    const s = feed(bytes(c2s), bytes(s2c));
    assert.deepEqual(s.calls.map((c) => [c.method, c.state]), whole.map((c) => [c.method, c.state]));
    // The length prefix alone in the first segment (frame 1), the rest in the second (frame 2).
    const t = feed([c2s.subarray(0, 2), c2s.subarray(2)], [s2c]);
    assert.deepEqual(t.calls[0].frames, [1, 2, 3]);
  });
  it('a gap inside a response of known length: the response is cut, the next one decodes', () => {
    const { s, d } = tcp();
    d.data('c2s', framed(q1, q2), pos(1));
    const s2c = framed(r1, r2);
    const firstLen = r1.length + 2;
    d.data('s2c', s2c.subarray(0, 20), pos(2));
    d.gap('s2c', firstLen - 20, pos(3, undefined, 20));
    d.data('s2c', s2c.subarray(firstLen), pos(4, undefined, firstLen));
    d.close(pos(5));
    assert.deepEqual(
      s.calls.map((c) => [c.method, c.state, c.warnings]),
      [
        ['A', 'complete', [`response cut: ${firstLen - 20} bytes of the message were not captured`]],
        ['AAAA', 'complete', []],
      ],
    );
  });
  it('a gap that hides a length prefix stops the direction with a warning', () => {
    const { s, d } = tcp();
    d.data('c2s', framed(q1), pos(1));
    d.gap('s2c', 5, pos(2));
    d.data('s2c', framed(r1), pos(3, undefined, 5));
    d.close(pos(4), 'capture-end');
    assert.match(s.warnings[0], /server direction: a gap hid a length prefix/);
    assert.deepEqual([s.calls[0].state, s.calls[0].warnings], ['pending', ['no response in the capture']]);
  });
  it('a query still waiting when the connection closes is aborted', () => {
    const s = feed([framed(q1)], []);
    assert.deepEqual([s.calls[0].state, s.calls[0].warnings], ['aborted', ['no response: the connection was closed (TCP FIN both ways) first']]);
  });
  it('a query cut inside its question pairs with its answer by ID, which names the call', () => {
    const { s, d } = tcp();
    const f = framed(query(0x0303, 'www.example.test', 1));
    d.data('c2s', f.subarray(0, 2 + 12 + 9), pos(1));
    d.gap('c2s', f.length - 23, pos(2, undefined, 23));
    d.data('s2c', framed(answer(0x0303, 'www.example.test', 1, [{ name: 'www.example.test', type: 1, rdata: ipv4('192.0.2.3') }])), pos(3));
    d.close(pos(4), 'fin');
    assert.deepEqual(s.calls.map((c) => [c.method, c.target, c.state, c.fields['dns.a']]), [['A', 'www.example.test', 'complete', '192.0.2.3']]);
    assert.equal((s.calls[0].request?.value as { questions: unknown[] }).questions.length, 0);
  });
  it('a query cut inside its question and never answered keeps the name read so far', () => {
    const { s, d } = tcp();
    const f = framed(query(0x0304, 'www.example.test', 1));
    // The header and 12 bytes of the name: "www", "example", then the cut.
    d.data('c2s', f.subarray(0, 2 + 12 + 12), pos(1));
    d.gap('c2s', f.length - 26, pos(2, undefined, 26));
    d.close(pos(3), 'capture-end');
    assert.deepEqual(s.calls.map((c) => [c.method, c.target, c.state]), [['QUERY', 'www.example…', 'pending']]);
  });
  it('a message cut by the end of the stream is reported with what was captured', () => {
    const { s, d } = tcp();
    d.data('c2s', framed(q1), pos(1));
    d.data('s2c', framed(r1).subarray(0, 30), pos(2));
    d.end('s2c', pos(3));
    d.close(pos(3), 'capture-end');
    assert.deepEqual([s.calls[0].method, s.calls[0].state], ['A', 'complete']);
    assert.match(s.calls[0].warnings[0], /^response cut: \d+ bytes/);
  });
  it('a zone transfer over several messages is one server-stream call ended by the SOA (RFC 5936 §2.2)', () => {
    const soa = { name: 'zone.test', type: 6, rdata: [...name('ns.zone.test'), ...name('admin.zone.test'), ...new Array(20).fill(0)] };
    const a = (n: number) => ({ name: `h${n}.zone.test`, type: 1, rdata: [10, 0, 0, n] });
    const m1 = answer(0x0a, 'zone.test', 252, [soa, a(1)], { flags: QR | AA });
    const m2 = msg({ id: 0x0a, flags: QR | AA, an: [a(2), a(3)] });
    const m3 = msg({ id: 0x0a, flags: QR | AA, an: [a(4), soa] });
    const s = feed([framed(query(0x0a, 'zone.test', 252))], [framed(m1, m2, m3)]);
    assert.equal(s.calls.length, 1);
    const c = s.calls[0];
    assert.deepEqual([c.kind, c.state, c.method, c.fields['dns.count.answers'], c.messages?.length], ['server-stream', 'complete', 'AXFR', 6, 3]);
    assert.equal((values(c).res!.answers as unknown[]).length, 6);
    // The same transfer cut before its closing SOA: aborted when the connection closed, with a warning.
    const cut = feed([framed(query(0x0a, 'zone.test', 252))], [framed(m1, m2)]);
    assert.deepEqual([cut.calls[0].state, cut.calls[0].warnings], ['aborted', ['the connection closed before the zone transfer ended']]);
  });
});

describe('probes', () => {
  it('UDP: a query or a response that parses whole is accepted', () => {
    assert.equal(probeUdp(query(1, 'a.test')), 'accept');
    assert.equal(probeUdp(answer(1, 'a.test', 1, [{ name: 'a.test', type: 1, rdata: [1, 2, 3, 4] }])), 'accept');
    assert.equal(probeUdp(msg({ id: 0, flags: QR | AA, an: [{ name: 'h.local', type: 1, rdata: [1, 2, 3, 4] }] })), 'accept');
  });
  it('UDP: a plausible header that does not parse is left to the port; noise is rejected', () => {
    const q = query(1, 'a.test');
    assert.equal(probeUdp(Uint8Array.from([...q, 0, 0, 0])), 'need-more');
    assert.equal(probeUdp(Uint8Array.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x00, 0x00])), 'reject');
    assert.equal(probeUdp(new Uint8Array(12)), 'need-more');
    assert.equal(probeUdp(Uint8Array.of(1, 2, 3)), 'reject');
    // QUIC long header (RFC 9000 §17.2).
    assert.equal(probeUdp(Uint8Array.from([0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0x44, 0xd0, ...new Array(40).fill(0)])), 'reject');
  });
  it('NetBIOS name service (RFC 1002 §4.2.12 name query, §4.2.2 registration) has DNS framing but is not DNS: rejected', () => {
    // NAME QUERY REQUEST, broadcast, for "WORKGROUP<1b>": first-level encoded (§4.1) into one
    // 32-letter label; QTYPE NB (0x0020), QCLASS IN.
    const nbQuery = fromHex('8a1c 0110 0001 0000 0000 0000 20 464845504643454c45484643455046464641434143414341434143414341424c 00 0020 0001'.replace(/\s/g, ''));
    assert.equal(nbQuery.length, 50);
    assert.equal(probeUdp(nbQuery), 'reject');
    // NAME REGISTRATION REQUEST for "HOST1<00>": the question and an NB additional record (name
    // pointer, TTL, NB_FLAGS, address).
    const reg = fromHex('8a1d 2910 0001 0000 0000 0001 20 4549455046444645444243414341434143414341434143414341434143414141 00 0020 0001 c00c 0020 0001 000493e0 0006 0000 0a404005'.replace(/\s/g, ''));
    assert.equal(probeUdp(reg), 'reject');
    assert.equal(probeTcp(framed(nbQuery)), 'reject');
    // Cut after the encoded label (a snaplen): still a NetBIOS name.
    assert.equal(probeTcp(framed(nbQuery).subarray(0, 47)), 'reject');
  });
  it('TCP: waits for the length and header, accepts a first question, rejects HTTP/2, TLS and zero lengths', () => {
    const f = framed(query(1, 'a.test'));
    assert.equal(probeTcp(f.subarray(0, 1)), 'need-more');
    assert.equal(probeTcp(f.subarray(0, 2)), 'need-more');
    // The first label's length byte alone: wait; a whole label (cut by a snaplen, say): take it.
    assert.equal(probeTcp(f.subarray(0, 15)), 'need-more');
    assert.equal(probeTcp(f.subarray(0, 16)), 'accept');
    assert.equal(probeTcp(f.subarray(0, 25)), 'accept');
    assert.equal(probeTcp(f.subarray(0, 26)), 'accept');
    // A binary label is no sign of a host name.
    assert.equal(probeTcp(Uint8Array.from([0, 40, 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 0xff, 0x01])), 'need-more');
    assert.equal(probeTcp(f), 'accept');
    assert.equal(probeTcp(new TextEncoder().encode('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')), 'reject');
    assert.equal(probeTcp(Uint8Array.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, ...new Array(40).fill(7)])), 'reject');
    assert.equal(probeTcp(Uint8Array.from([0, 0, 0, 0x20, 0, 0x12, 0, 0])), 'reject');
    assert.equal(probeTcp(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n')), 'reject');
  });
});

describe('fuzz: mutated and random messages never throw, never hang', () => {
  const seeds = [
    query(1, 'api.test', 1, { opt: { size: 4096, do: true, options: [0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8] } }),
    answer(1, 'api.test', 65, [{ name: 'api.test', type: 65, rdata: [0, 1, 0, 0, 1, 0, 3, 2, 0x68, 0x32] }, { name: 'api.test', type: 6, rdata: [...name('a'), ...name('b'), ...new Array(20).fill(1)] }], { opt: {} }),
    answer(2, 'x.test', 16, [{ name: 'x.test', type: 16, rdata: [3, 0x61, 0x62, 0x63] }, { name: 'x.test', type: 33, rdata: [0, 1, 0, 2, 0, 3, ...name('t.x')] }]),
    fromHex('be ef 84 00 00 01 00 02 00 00 00 00 01 66 03 69 73 69 04 61 72 70 61 00 00 01 00 01 03 66 6f 6f c0 0c 00 01 00 01 00 00 0e 10 00 04 c0 00 02 01 c0 12 00 02 00 01 00 00 0e 10 00 02 c0 0c'),
  ];
  it('UDP and TCP decoders and the probes', () => {
    const r = rng(53);
    const t0 = Date.now();
    for (let i = 0; i < 3000; i++) {
      const src = seeds[i % seeds.length];
      const b = src.slice();
      const n = 1 + Math.floor(r() * 6);
      for (let k = 0; k < n; k++) b[Math.floor(r() * b.length)] = r() < 0.3 ? [0, 0xff, 0xc0, 0x0c][Math.floor(r() * 4)] : Math.floor(r() * 256);
      const cut = r() < 0.2 ? b.subarray(0, Math.floor(r() * b.length)) : b;
      probeUdp(cut);
      probeTcp(framed(cut).subarray(0, Math.floor(r() * (cut.length + 3))));
      const u = udp(r() < 0.3 ? { client: { ip: '10.0.0.7', port: 5353 }, server: { ip: '224.0.0.251', port: 5353 } } : {});
      u.d.datagram(r() < 0.5 ? 'c2s' : 's2c', cut, pos(1));
      u.d.datagram(r() < 0.5 ? 'c2s' : 's2c', src, pos(2));
      u.d.close(pos(3));
      const t = tcp();
      const stream = framed(cut, src);
      let off = 0;
      while (off < stream.length) {
        const len = 1 + Math.floor(r() * 40);
        if (r() < 0.05) t.d.gap('s2c', len, pos(4, undefined, off));
        else t.d.data('s2c', stream.subarray(off, off + len), pos(4, undefined, off));
        off += len;
      }
      t.d.end('s2c', pos(5));
      t.d.close(pos(5), 'rst');
      for (const c of [...u.s.calls, ...t.s.calls]) JSON.stringify(c);
    }
    const random = new Uint8Array(4096);
    for (let i = 0; i < 200; i++) {
      for (let k = 0; k < random.length; k++) random[k] = Math.floor(r() * 256);
      parseMessage(random.subarray(0, 12 + Math.floor(r() * 4000)));
    }
    assert.ok(Date.now() - t0 < 20_000);
  });
});

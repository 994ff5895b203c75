/**
 * RFC 9113 §3.4: the server preface is a SETTINGS frame, and a server may send it before the
 * client's preface arrives (nghttpd, h2o do). On a port without a registered decoder the flow's
 * first bytes are then the server's SETTINGS: the HTTP/2 probe must take them, not wait for a
 * second frame while another probe (Kafka read `00 00 12 04 00…` as a Produce request) claims
 * the flow.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../../decoders/pipeline';
import type { Call, FlowSummary } from '../../../decoders/core/model';
import { nodeEnv } from '../../../cli/platform/node-env';
import { pcapFile, tcpConversation } from '../../helpers/pcap-builder';
import { probeHttp2 } from '../../../decoders/http2/index';
import { http1RequestStart } from '../../../decoders/http1/request-start';
import { fromHex } from '../../../decoders/core/bytes';
import { block, frame, preface, settings } from './h2';
import { concatBytes } from '../../../decoders/core/bytes';

// nghttpd 1.52 (`-c 512 -w 15`): MAX_CONCURRENT_STREAMS 100, INITIAL_WINDOW_SIZE 32767, HEADER_TABLE_SIZE 512.
const NGHTTPD_SETTINGS = fromHex('000012040000000000' + '000300000064' + '000400007fff' + '000100000200');

describe('RFC 9113 §3.4 server preface first', () => {
  it('the probe accepts a whole SETTINGS frame of known identifiers alone', () => {
    assert.equal(probeHttp2(NGHTTPD_SETTINGS, 's2c'), 'accept');
    // An unknown identifier (0x0a) or an invalid value (ENABLE_PUSH 2) is not enough alone.
    assert.equal(probeHttp2(settings([[0x0a, 1]]), 's2c'), 'need-more');
    assert.equal(probeHttp2(settings([[2, 2]]), 's2c'), 'need-more');
    assert.equal(probeHttp2(settings([]), 's2c'), 'need-more');
  });

  it('a flow whose first bytes are the server SETTINGS on an unregistered port is HTTP/2', () => {
    const req = block([[':method', 'GET'], [':scheme', 'http'], [':path', '/index.html'], [':authority', 'h']]);
    const res = block([[':status', '200'], ['content-type', 'text/plain']]);
    const frames = tcpConversation({
      client: { ip: '127.0.0.1', port: 49508 },
      server: { ip: '127.0.0.1', port: 23040 },
      exchanges: [
        { dir: 's2c', data: NGHTTPD_SETTINGS },
        { dir: 'c2s', data: concatBytes([preface(), settings([[3, 100]]), frame(4, 1, 0), frame(1, 0x5, 1, req)]) },
        { dir: 's2c', data: concatBytes([frame(4, 1, 0), frame(1, 0x4, 1, res), frame(0, 1, 1, new TextEncoder().encode('hi'))]) },
      ],
    });
    const calls: Call[] = [];
    const flows: FlowSummary[] = [];
    const p = new Pipeline({ env: nodeEnv() }, { call: (c) => calls.push(c), flow: (f) => flows.push(f) });
    p.push(pcapFile(frames));
    p.end();
    assert.deepEqual(flows.map((f) => [f.protocol, f.dispatch]), [['http2', 'probe']]);
    assert.deepEqual(calls.map((c) => [c.protocol, c.method, c.target, c.status?.code, c.warnings]), [['http2', 'GET', '/index.html', 200, []]]);
  });

  // Java's HttpClient (17) on an http:// URL with HTTP_2 asks for `Upgrade: h2c` (RFC 7540 §3.2);
  // nghttpd takes only prior knowledge: it sends its SETTINGS on accept, reads the request and
  // closes. Recorded on loopback (nghttpd 1.52, OpenJDK 17.0.15); the request as sent.
  const JAVA_UPGRADE =
    'GET /index.html HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\nContent-Length: 0\r\nHost: 127.0.0.1:21890\r\n' +
    'HTTP2-Settings: AAEAAEAAAAIAAAAAAAMAAAAAAAQBAAAAAAUAAEAAAAYABgAA\r\nUpgrade: h2c\r\nUser-Agent: Java-http-client/17.0.15\r\n\r\n';

  function run(mss: number, teardown = true) {
    const frames = tcpConversation({
      client: { ip: '127.0.0.1', port: 33200 },
      server: { ip: '127.0.0.1', port: 21890 },
      exchanges: [
        { dir: 's2c', data: fromHex('000006040000000000' + '000300000064') },
        { dir: 'c2s', data: JAVA_UPGRADE },
      ],
      mss,
      teardown,
    });
    const calls: Call[] = [];
    const flows: FlowSummary[] = [];
    const p = new Pipeline({ env: nodeEnv() }, { call: (c) => calls.push(c), flow: (f) => flows.push(f) });
    p.push(pcapFile(frames));
    p.end();
    return { calls, flows };
  }

  it('a client that answers the server SETTINGS with an HTTP/1.1 request is decoded as HTTP/1.1, split anywhere', () => {
    const { calls, flows } = run(1460);
    const warnings = flows.flatMap((f) => f.warnings ?? []);
    assert.deepEqual(
      calls.map((c) => [c.protocol, c.method, c.target, c.state, c.frames, c.warnings.length, /^no response/.test(c.warnings[0])]),
      [['http', 'GET', '/index.html', 'aborted', [5], 1, true]],
    );
    assert.equal(calls[0]?.request?.headers?.find(([k]) => k === 'Upgrade')?.[1], 'h2c');
    assert.equal(flows[0].protocol, 'http');
    assert.ok(warnings.some((w) => /server opened with an HTTP\/2 SETTINGS frame .* client sent an HTTP\/1\.1 request; decoded as HTTP\/1\.1/.test(w)), warnings.join('\n'));
    assert.ok(!warnings.some((w) => /incomplete frame/.test(w)), warnings.join('\n'));
    const want = JSON.stringify(calls.map((c) => [c.method, c.target, c.state, c.request?.headers]));
    for (let mss = 1; mss <= JAVA_UPGRADE.length; mss++) {
      const r = run(mss);
      assert.equal(JSON.stringify(r.calls.map((c) => [c.method, c.target, c.state, c.request?.headers])), want, `mss ${mss}`);
    }
  });

  it('a capture that ends inside the request line still hands the bytes to HTTP/1.1', () => {
    const { calls, flows } = run(10, false);
    assert.equal(flows[0].protocol, 'http');
    assert.deepEqual(calls.map((c) => [c.protocol, c.method, c.target]), [['http', 'GET', '/index.html']]);
  });

  it('http1RequestStart: RFC 9112 §3 request line, yes / no / need-more', () => {
    const t = (s: string) => http1RequestStart(new TextEncoder().encode(s));
    assert.equal(t('GET / HTTP/1.1\r\n'), 'yes');
    assert.equal(t('M-SEARCH * HTTP/1.1\r\n'), 'yes');
    assert.equal(t('POST /x HTTP/1.0\n'), 'yes');
    for (const part of ['G', 'GET', 'GET ', 'GET /a', 'GET /a ', 'GET /a HTTP/1', 'GET /a HTTP/1.1', 'GET /a HTTP/1.1\r']) assert.equal(t(part), 'need-more', part);
    for (const bad of ['PRI * HTTP/2.0\r\n', 'get / HTTP/1.1\r\n', 'GET  / HTTP/1.1\r\n', 'GET / HTTP/1.1 \r\n', 'GET / HTTX', '\x00\x00\x12\x04', 'GET /\x01 HTTP/1.1']) assert.equal(t(bad), 'no', JSON.stringify(bad));
  });
});

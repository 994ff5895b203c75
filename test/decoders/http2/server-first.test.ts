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
});

/**
 * The CLI's parallel JSONL mode (cli/platform/parallel.ts, CALLSCOPE_WORKERS=2) prints exactly
 * what the single pipeline prints — stdout and stderr, byte for byte — for every sample capture:
 * merged in order, call ids renumbered, and for captures it cannot split (calls linked across
 * connections) the lines already written followed by the rest of a single-pipeline run. Small
 * read chunks make the merge work across many chunks and exercise that fallback mid-output.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT, SAMPLES, sampleCaptures } from '../helpers/samples';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('callscope-parallel-');
const CLI = join(tmp, 'cli.js');

function run(file: string, env: Record<string, string>, ...args: string[]) {
  return runFormat('jsonl', file, env, ...args);
}
function runFormat(format: string, file: string, env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, file, '--format', format, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    timeout: 60_000,
    env: { ...process.env, CALLSCOPE_WORKERS: '', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  await esbuild.build({ entryPoints: [join(ROOT, 'cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: CLI, logLevel: 'error' });
});

describe('callscope --format jsonl with CALLSCOPE_WORKERS=2', () => {
  for (const rel of sampleCaptures().filter((p) => !p.endsWith('.gz'))) {
    it(`${rel}: same output as one pipeline`, () => {
      const file = join(SAMPLES, rel);
      const one = run(file, {});
      assert.equal(one.code, 0, one.err);
      // Two workers, and one worker (what large captures get on a busy machine: its own ids, links
      // across connections joined as in one pipeline).
      for (const workers of ['2', '1']) {
        const chunk = '4096';
        // Output buffers of 3000 bytes: most chunks send several batches, some lines are longer.
        const par = run(file, { CALLSCOPE_WORKERS: workers, CALLSCOPE_PARALLEL_MIN_BYTES: '0', CALLSCOPE_PARALLEL_CHUNK_BYTES: chunk, CALLSCOPE_PARALLEL_OUT_BYTES: '3000' });
        assert.equal(par.code, 0, par.err);
        assert.equal(par.out, one.out, `stdout differs (${workers} worker(s), chunks of ${chunk} bytes)`);
        assert.equal(par.err, one.err, `stderr differs (${workers} worker(s), chunks of ${chunk} bytes)`);
      }
    });
  }

  it('a filter is applied the same way', () => {
    const file = join(SAMPLES, 'rest-person-api/rest-person-api.pcapng');
    const one = run(file, {}, '--filter', 'http.status >= 300');
    const par = run(file, { CALLSCOPE_WORKERS: '2', CALLSCOPE_PARALLEL_MIN_BYTES: '0', CALLSCOPE_PARALLEL_CHUNK_BYTES: '4096' }, '--filter', 'http.status >= 300');
    assert.equal(par.out, one.out);
    assert.equal(par.err, one.err);
  });

  it('--jobs 1 is one decoding thread; --jobs 2 splits small captures only when told to', () => {
    const file = join(SAMPLES, 'rest-person-api/rest-person-api.pcapng');
    const one = run(file, {});
    assert.equal(run(file, { CALLSCOPE_WORKERS: '2', CALLSCOPE_PARALLEL_MIN_BYTES: '0' }, '--jobs', '1').out, one.out);
    assert.equal(run(file, {}, '--jobs', '1').out, one.out);
    const par = run(file, { CALLSCOPE_PARALLEL_MIN_BYTES: '0', CALLSCOPE_PARALLEL_CHUNK_BYTES: '4096', CALLSCOPE_PARALLEL_DEBUG: '1' }, '--jobs', '2');
    assert.equal(par.out, one.out);
    assert.match(par.err, /parallel run \(2 workers\): done/);
  });

  it('a µs timestamp whose digits hold those of a provisional id (1745035990…) is no id: the run stays parallel', () => {
    // (the gRPC bench capture fell back to one pipeline after 87,787 of 108,779 lines for a startUs of
    // 1795388145035999: one line in about 100,000 has such a timestamp, so most large captures did)
    const { writeFileSync } = require('node:fs') as typeof import('node:fs');
    const B = require('../helpers/pcap-builder') as typeof import('../helpers/pcap-builder');
    const frames = B.tcpConversation({
      startUs: 1_745_035_990_000_000,
      exchanges: [
        { dir: 'c2s', data: 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n' },
        { dir: 's2c', data: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' },
      ],
    });
    const file = join(tmp, 'ts-4503599.pcap');
    writeFileSync(file, B.pcapFile(frames));
    const one = run(file, {});
    assert.match(one.out, /"startUs":1745035990\d{6}/);
    const par = run(file, { CALLSCOPE_PARALLEL_MIN_BYTES: '0', CALLSCOPE_PARALLEL_DEBUG: '1' }, '--jobs', '2');
    assert.equal(par.out, one.out);
    assert.match(par.err, /parallel run \(2 workers\): done/);
  });

  it('state kept across connections (Socket.IO acks over long-polling, SockJS over HTTP) hands over to one pipeline, output unchanged', () => {
    // (the event and its ACK, a SockJS session's sends and its stream, are on different connections: split
    // between the workers they would not meet; the decoders say so with CaptureScope.learned)
    const { writeFileSync } = require('node:fs') as typeof import('node:fs');
    const B = require('../helpers/pcap-builder') as typeof import('../helpers/pcap-builder');
    let port = 40100;
    const exchange = (atMs: number, req: string, res: string) =>
      B.tcpConversation({ client: { ip: '127.0.0.1', port: port++ }, server: { ip: '127.0.0.1', port: 3000 }, startUs: 1_795_394_435_000_000 + atMs * 1000, exchanges: [{ dir: 'c2s', data: req }, { dir: 's2c', data: res }] });
    const http = (method: string, uri: string, body: string, answer: string) =>
      [`${method} ${uri} HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`, `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${answer.length}\r\nConnection: close\r\n\r\n${answer}`] as const;
    const sio = '/socket.io/?EIO=4&transport=polling&sid=9Um_J3XhwrtuKnaxAAAA';
    const sj = '/echo/104/0a4ddmfh';
    for (const [name, convs, reason] of [
      ['sio-polling-acks', Array.from({ length: 6 }, (_, i) => exchange(i * 10, ...(i % 2 ? http('GET', sio, '', `43${i - 1}[${i}]`) : http('POST', sio, `42${i}["sum",${i}]`, 'ok')))), 'Socket.IO acknowledgements over long-polling'],
      ['sockjs-http', [exchange(0, ...http('POST', `${sj}/xhr`, '', 'o\n')), ...Array.from({ length: 5 }, (_, i) => exchange(10 + i * 10, ...(i % 2 ? http('POST', `${sj}/xhr`, '', `a["m${i}"]\n`) : http('POST', `${sj}/xhr_send`, `["m${i}"]`, ''))))], 'SockJS sessions over HTTP'],
    ] as const) {
      const file = join(tmp, `${name}.pcap`);
      writeFileSync(file, B.pcapFile(convs.flat().sort((a, b) => a.tsUs - b.tsUs)));
      const one = run(file, {});
      assert.equal(one.code, 0, one.err);
      assert.match(one.out, name === 'sockjs-http' ? /"protocol":"sockjs"/ : /"socketio.ack_by"/, name);
      const par = run(file, { CALLSCOPE_WORKERS: '2', CALLSCOPE_PARALLEL_MIN_BYTES: '0', CALLSCOPE_PARALLEL_DEBUG: '1' });
      assert.equal(par.code, 0, par.err);
      assert.equal(par.out, one.out, name);
      assert.match(par.err, new RegExp(`fallback after \\d+ lines: ${reason}`), name);
    }
  });

  it('a bad --jobs is a usage error', () => {
    const r = run(join(SAMPLES, 'rest-person-api/rest-person-api.pcapng'), {}, '--jobs', '0');
    assert.equal(r.code, 2);
    assert.match(r.err, /--jobs must be a whole number from 1 to 16 \(got "0"\)/);
  });

  it('a worker that runs out of heap hands over to one pipeline, output unchanged', () => {
    const file = join(SAMPLES, 'grpc-person-api/grpc-person-api.pcap');
    const one = run(file, {});
    const par = run(file, { CALLSCOPE_WORKERS: '2', CALLSCOPE_PARALLEL_MIN_BYTES: '0', CALLSCOPE_PARALLEL_CHUNK_BYTES: '4096', CALLSCOPE_PARALLEL_HEAP_MB: '1', CALLSCOPE_PARALLEL_DEBUG: '1' });
    assert.equal(par.code, 0, par.err);
    assert.equal(par.out, one.out);
    assert.match(par.err, /fallback after \d+ lines: decoding worker \d ran out of memory/);
  });
});

describe('callscope --format table|har in a decoding worker', () => {
  // Captures of 16 MiB or more are decoded by one worker whose heap is bounded; its rows wait in
  // a sorted spool (on disk past CALLSCOPE_SPOOL_BYTES) and its text goes out a buffer at a time.
  const spill = { CALLSCOPE_WORKERS: '1', CALLSCOPE_PARALLEL_MIN_BYTES: '0', CALLSCOPE_PARALLEL_CHUNK_BYTES: '4096', CALLSCOPE_PARALLEL_OUT_BYTES: '3000', CALLSCOPE_SPOOL_BYTES: '4000', CALLSCOPE_PARALLEL_DEBUG: '1' };
  for (const rel of ['xmlrpc-walkthrough/xmlrpc-walkthrough.pcap', 'rest-person-api/rest-person-api.pcapng', 'mqtt-basics/mqtt-basics.pcapng', 'ride-hailing/ride-hailing.pcapng', 'jsonrpc-person-api/jsonrpc-person-api.pcap', 'grpc-person-api/grpc-person-api.pcap']) {
    for (const format of ['table', 'har']) {
      it(`${rel} --format ${format}: the same as in this thread`, () => {
        const file = join(SAMPLES, rel);
        const one = runFormat(format, file, {});
        assert.equal(one.code, 0, one.err);
        const w = runFormat(format, file, spill);
        assert.equal(w.code, 0, w.err);
        assert.equal(w.out, one.out);
        assert.match(w.err, /parallel run \(1 worker\): done/);
        assert.equal(w.err.replace(/^callscope: (worker 1\/1|parallel run).*\n/gm, ''), one.err);
      });
    }
  }
});

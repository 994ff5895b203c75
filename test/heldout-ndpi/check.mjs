#!/usr/bin/env node
// Runs callscope (dist/cli.js) over the nDPI 4.2 and tcpdump 4.99 test captures named below and
// checks the calls per protocol (and some methods) against what the captures hold, as counted with
// tshark, tcpdump and the protocol specs (README.md). Not part of the CI tests: the captures are
// not in this repository.
//   node test/heldout-ndpi/check.mjs NDPI_PCAP_DIR [TCPDUMP_TESTS_DIR]
// e.g. nDPI-4.2/tests/pcap and tcpdump-4.99.3/tests from the Debian source packages.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');
const [ndpi, tcpdump] = process.argv.slice(2);
if (!ndpi) {
  console.error('usage: check.mjs NDPI_PCAP_DIR [TCPDUMP_TESTS_DIR]');
  process.exit(2);
}

// file → expected counts: "protocol" or "protocol method" → calls; warnings: no warning other than those matching
const NDPI = {
  'amqp.pcap': { amqp: 31, 'amqp basic.publish': 23, 'amqp basic.deliver': 8 },
  'mqtt.pcap': { mqtt: 6, 'mqtt CONNECT': 2, 'mqtt SUBSCRIBE': 1, 'mqtt PUBLISH': 2, 'mqtt DISCONNECT': 1 },
  'coap_mqtt.pcap': { mqtt: 3207, 'mqtt PUBLISH': 3203, 'mqtt PINGREQ': 2 },
  'nats.pcap': { nats: 7, 'nats PING': 3 },
  'websocket.pcap': { websocket: 5 },
  'pinterest.pcap': { websocket: 0 },
  'monero.pcap': { jsonrpc: 82, 'jsonrpc mining.submit': 47, 'jsonrpc mining.notify': 27 },
  'zcash.pcap': { jsonrpc: 41, 'jsonrpc submit': 30, 'jsonrpc job': 10 },
  'http-lines-split.pcap': { http: 1 },
  'http_auth.pcap': { http: 1 },
  'http_ipv6.pcap': { http: 0 },
  'http-crash-content-disposition.pcap': { http: 1 },
  'http-manipulated.pcap': { http: 4 },
  'aimini-http.pcap': { http: 6 },
  'exe_download.pcap': { http: 1 },
  'exe_download_as_png.pcap': { http: 2 },
  'log4j-webapp-exploit.pcap': { http: 3 },
  'WebattackRCE.pcap': { http: 797 },
  'WebattackSQLinj.pcap': { http: 9 },
  'WebattackXSS.pcap': { http: 1778 },
  '1kxun.pcap': { http: 24 },
  'android.pcap': { http: 4 },
  'iphone.pcap': { http: 1 },
  'facebook.pcap': { http: 0 },
};
const TCPDUMP = {
  'resp_1_benchmark.pcap': { redis: 15, 'redis LRANGE': 4 },
  'resp_2_inline.pcap': { redis: 12, 'redis LPUSH': 5 },
  'resp_3_malicious.pcap': { redis: 12, 'redis PING': 9, 'redis INCR': 3 },
  'resp_4_infiniteloop.pcapng': { redis: 0 },
  'zmtp1.pcap': { zmtp: 4, 'zmtp handshake': 1, 'zmtp REQ': 3 },
  'zmtp1-inf-loop-1.pcapng': { zmtp: 0 },
  'epgm_zmtp1.pcap': { zmtp: 0 },
  'pgm_zmtp1.pcap': { zmtp: 0 },
};

let bad = 0;
function check(dir, table) {
  for (const [file, want] of Object.entries(table)) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      console.log(`skip  ${file} (not found)`);
      continue;
    }
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [cli, path, '--format', 'jsonl'], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 120_000 });
    const got = {};
    for (const line of r.stdout.split('\n')) {
      if (!line) continue;
      const c = JSON.parse(line);
      got[c.protocol] = (got[c.protocol] ?? 0) + 1;
      const k = `${c.protocol} ${c.method}`;
      got[k] = (got[k] ?? 0) + 1;
    }
    const diffs = Object.entries(want)
      .filter(([k, n]) => (got[k] ?? 0) !== n)
      .map(([k, n]) => `${k}: ${got[k] ?? 0}, want ${n}`);
    if (r.status !== 0) diffs.push(`exit code ${r.status}`);
    if (diffs.length) bad++;
    console.log(`${diffs.length ? 'FAIL' : 'ok  '}  ${file} (${Date.now() - t0} ms)${diffs.length ? `: ${diffs.join('; ')}` : ''}`);
  }
}
check(ndpi, NDPI);
if (tcpdump) check(tcpdump, TCPDUMP);
console.log(bad ? `${bad} capture(s) differ` : 'all as expected');
process.exit(bad ? 1 : 0);

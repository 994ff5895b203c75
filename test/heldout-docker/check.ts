/**
 * Compares what the clients of run.sh logged (OUT/clients.log) with callscope's calls and flows in
 * each capture of OUT, and prints tshark's view next to it. Exit 1 when a figure differs.
 * usage: npx tsx test/heldout-docker/check.ts [OUT]   (default /tmp/heldout-docker)
 */
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { analyzeFile } from '../../cli/platform/analyze';
import type { Call, FlowSummary } from '../../decoders/core/model';

const OUT = process.argv[2] ?? '/tmp/heldout-docker';
const CAPTURES = ['any-sll2.pcap', 'any-sll.pcap', 'ifaces.pcapng'];
let failed = 0;

let known = 0;
/** `knownBad`: a difference README.md explains (counted apart, not a failure). */
function expect(what: string, got: unknown, want: unknown, knownBad = false): void {
  const ok = JSON.stringify(got) === JSON.stringify(want);
  if (!ok && knownBad) known++;
  else if (!ok) failed++;
  console.log(`  ${ok ? 'ok   ' : knownBad ? 'KNOWN' : 'FAIL '} ${what}: ${JSON.stringify(got)}${ok ? '' : ` (expected ${JSON.stringify(want)})`}`);
}

function tshark(file: string, args: string[]): string[] {
  try {
    return execFileSync('tshark', ['-r', file, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** `scenario http STATUS URL` lines: per scenario, the sorted `STATUS PATH` list. */
function logged(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of readFileSync(join(OUT, 'clients.log'), 'utf8').split('\n')) {
    const w = line.split(' ');
    if (w[1] !== 'http') continue;
    const list = m.get(w[0]) ?? [];
    list.push(`${w[2]} ${new URL(w[3]).pathname}`);
    m.set(w[0], list);
  }
  for (const l of m.values()) l.sort();
  return m;
}

/** Client ports of the hairpin connections (a container to the published port): from their SYNs. */
let hairpinPorts = new Set<number>();

/** The scenario of a call, from its addresses (run.sh's topology). */
function scenario(c: Call): string {
  if (c.server.ip === '10.99.1.2') return 'masq';
  if (c.client.ip === '10.99.1.2') return 'published';
  if (c.server.ip === '10.99.1.1' || ((c.client.ip === '10.99.0.3' || c.client.ip === '10.99.0.1') && hairpinPorts.has(c.client.port))) return 'hairpin';
  if (c.client.ip === '10.99.1.1') return 'hostlocal';
  return 'bridge';
}

async function main(): Promise<void> {
  const want = logged();
  for (const name of CAPTURES) {
    const file = join(OUT, name);
    if (!existsSync(file)) continue;
    const calls: Call[] = [];
    const flows: FlowSummary[] = [];
    await analyzeFile(file, {}, { call: (c) => calls.push(c), flow: (f) => flows.push(f) });
    console.log(`${name}:`);
    hairpinPorts = new Set(tshark(file, ['-Y', 'ip.src == 10.99.0.3 && tcp.dstport == 28380 && tcp.flags.syn == 1', '-T', 'fields', '-e', 'tcp.srcport']).map(Number));
    const http = calls.filter((c) => c.protocol === 'http');
    const got = new Map<string, string[]>();
    for (const c of http) {
      const s = scenario(c);
      const list = got.get(s) ?? [];
      list.push(`${c.status?.code} ${c.target}`);
      got.set(s, list);
    }
    // dumpcap writes each interface's packets in blocks: the hairpin connection (br_netfilter passes its
    // packets through the bridge three times, half translated) is read from the bridge's view there
    const blocks = name === 'ifaces.pcapng';
    for (const [s, list] of want) expect(`${s}: HTTP calls`, (got.get(s) ?? []).sort(), list, blocks && s === 'hairpin');
    expect('redis calls', calls.filter((c) => c.protocol === 'redis').map((c) => c.method).sort(), ['GET', 'GET', 'INCR', 'SET']);
    // DNS over UDP: 2 lookups through the published UDP port (DNAT), 1 container to container
    const dnsLogged = readFileSync(join(OUT, 'clients.log'), 'utf8').split('\n').filter((l) => l.split(' ')[1] === 'dns');
    const dns = calls.filter((c) => c.protocol === 'dns');
    expect('DNS lookups', dns.map((c) => `${scenario(c)} ${c.target}`).sort(), dnsLogged.map((l) => `${l.split(' ')[0]} ${l.split(' ')[2]}`).sort(), blocks);
    if (!blocks) expect('DNS through DNAT also seen as', [...new Set(dns.filter((c) => c.client.ip === '10.99.1.2').map((c) => (c.alsoSeenAs ?? []).map((a) => `${a.server.ip}:${a.server.port}`).join()))], ['10.99.0.2:28303']);
    expect('mqtt publishes, deliveries', [calls.filter((c) => c.kind === 'publish').length, calls.filter((c) => c.kind === 'deliver').length], [2, 2]);
    // one flow per connection: tshark's distinct initial sequence numbers of the clients' SYNs
    const isns = new Set(tshark(file, ['-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0', '-T', 'fields', '-e', 'tcp.seq_raw']));
    expect('TCP flows = connections (distinct SYN ISNs)', flows.filter((f) => f.transport === 'tcp').length, isns.size, blocks);
    // NAT named on the calls that went through it (not recoverable when interfaces are written in blocks)
    if (name !== 'ifaces.pcapng') {
      const nat = (c: Call) => (c.alsoSeenAs ?? []).map((a) => `${a.client.ip}:${a.client.port === c.client.port ? '=' : a.client.port} → ${a.server.ip}:${a.server.port}`).join(', ');
      expect('published calls also seen after DNAT', [...new Set(calls.filter((c) => c.client.ip === '10.99.1.2').map(nat))].sort(), ['10.99.1.2:= → 10.99.0.2:28300', '10.99.1.2:= → 10.99.0.2:28301', '10.99.1.2:= → 10.99.0.2:28302', '10.99.1.2:= → 10.99.0.2:28303']);
      expect('MASQUERADE calls also seen from the host', [...new Set(calls.filter((c) => c.server.ip === '10.99.1.2').map(nat))], ['10.99.1.1:= → 10.99.1.2:28310']);
      expect('bridge calls (no NAT) name none', calls.filter((c) => scenario(c) === 'bridge' && c.alsoSeenAs).length, 0);
    }
    // bytes counted once: the flows of the 200 000-byte responses (published, bridge, masq) carry one copy of them
    expect('flows with a 200 kB response, one copy each', flows.filter((f) => f.s2cBytes > 150_000).map((f) => f.s2cBytes < 250_000), [true, true, true]);
    const requests = tshark(file, ['-d', 'tcp.port==28380,http', '-d', 'tcp.port==28300,http', '-d', 'tcp.port==28310,http', '-Y', 'http.request']).length;
    console.log(`  tshark: ${requests} HTTP requests, ${new Set(tshark(file, ['-T', 'fields', '-e', 'tcp.stream'])).size} TCP streams; callscope: ${http.length} HTTP calls, ${flows.length} flows, copies ${flows.reduce((n, f) => n + (f.copies?.frames ?? 0), 0)} frames`);
  }
  console.log(failed ? `${failed} figure(s) differ` : `all figures as logged${known ? ` (${known} known difference(s), see README.md)` : ''}`);
  process.exit(failed ? 1 : 0);
}
void main();

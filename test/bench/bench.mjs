#!/usr/bin/env node
// callscope benchmark: decode large real captures with the CLI and, for scale, with tshark.
//
//   npm run bench                        both captures, made once into .cache/bench/:
//                                          http-bench.pcap (≥ 500 MiB HTTP/1.1, make-capture.sh) and
//                                          grpc-bench.pcap (≥ 200 MiB gRPC over h2c, make-grpc-capture.sh)
//   npm run bench -- --quick             the small variants (http-bench-quick.pcap ~50 MiB, grpc-bench-quick.pcap ~25 MiB)
//   npm run bench -- --only http|grpc    one of the two
//   BENCH_FILE=path npm run bench        any capture (gRPC when its .meta.json says decodeAs, or BENCH_GRPC_PORT=N)
//   options: --no-tshark (or BENCH_SKIP_TSHARK=1), BENCH_TSHARK_TIMEOUT=seconds (default 1800),
//            BENCH_CLI=path (another build of the CLI than dist/cli.js)
//
// For each tool: wall time, CPU time (user + system, with GNU time), MB/s (10^6 bytes of capture file
// per second), calls and calls/s, peak RSS of the child process (from /usr/bin/time when installed,
// else polled from /proc/<pid>/status VmHWM), and the machine's cores and load when the runs began
// (wall times on a shared machine move with its load; CPU seconds move less).
//   callscope: node dist/cli.js FILE --format jsonl --stats > /dev/null; calls from the `calls=N` that
//              --stats prints on stderr (or, without it, a second run counting the JSONL lines). Run
//              twice: the default (two decoding threads when the machine has two cores) and --jobs 1.
//              gRPC captures with --proto samples/grpc-person-api (the .proto a user would have).
//   tshark:    HTTP: tshark -r FILE -Y http -T fields -e http.request.method -e http.request.uri
//              -e http.response.code; its rows are counted through a pipe: calls = request rows.
//              gRPC: tshark -r FILE -d tcp.port==PORT,http2 -Y 'http2.headers.path || grpc' -T fields
//              -E occurrence=a -e http2.headers.path -e http2.headers.status -e grpc.message_length
//              (tshark 4.0 has no grpc.path/grpc.status fields): calls = :path values, messages = gRPC
//              message lengths.
// It reports and never gates: it exits 0 once it has measured, whatever the figures.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const skipTshark = argv.includes('--no-tshark') || process.env.BENCH_SKIP_TSHARK === '1';
const tsharkTimeoutS = Number(process.env.BENCH_TSHARK_TIMEOUT ?? 1800);
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
const unknown = argv.filter((a, i) => !['--quick', '--no-tshark', '--only'].includes(a) && !(onlyAt >= 0 && i === onlyAt + 1));
if (unknown.length || (onlyAt >= 0 && only !== 'http' && only !== 'grpc')) {
  console.error(`bench: unknown option(s): ${unknown.join(' ')}\nusage: bench.mjs [--quick] [--only http|grpc] [--no-tshark]`);
  process.exit(2);
}

const log = (s) => process.stderr.write(`bench: ${s}\n`);

// ---- the captures ---------------------------------------------------------------------------------
/** Makes .cache/bench/NAME with SCRIPT when it (or its .meta.json) is missing. */
function ensureCapture(name, script) {
  const f = join(root, '.cache', 'bench', name);
  if (!existsSync(f) || !existsSync(`${f}.meta.json`)) {
    log(`making ${relative(root, f)} (once; see test/bench/${script})`);
    const r = spawnSync('bash', [join(here, script), ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
    if (r.status !== 0) {
      log(`could not make ${relative(root, f)}`);
      return undefined;
    }
  }
  return f;
}
const readMeta = (f) => {
  try {
    return JSON.parse(readFileSync(`${f}.meta.json`, 'utf8'));
  } catch {
    return undefined;
  }
};

/** { kind: 'http'|'grpc', file, meta, port } for each capture to measure. */
const captures = [];
if (process.env.BENCH_FILE) {
  const f = process.env.BENCH_FILE;
  if (!existsSync(f)) {
    log(`no such file: ${f}`);
    process.exit(1);
  }
  const meta = readMeta(f);
  const port = Number(process.env.BENCH_GRPC_PORT) || (meta?.decodeAs ? meta.port : undefined);
  captures.push({ kind: port ? 'grpc' : 'http', file: f, meta, port });
} else {
  for (const [kind, name, script] of [
    ['http', quick ? 'http-bench-quick.pcap' : 'http-bench.pcap', 'make-capture.sh'],
    ['grpc', quick ? 'grpc-bench-quick.pcap' : 'grpc-bench.pcap', 'make-grpc-capture.sh'],
  ]) {
    if (only && only !== kind) continue;
    const f = ensureCapture(name, script);
    if (!f) continue;
    const meta = readMeta(f);
    captures.push({ kind, file: f, meta, port: kind === 'grpc' ? (meta?.port ?? (quick ? 9251 : 9250)) : undefined });
  }
  if (!captures.length) process.exit(1);
}

// ---- the CLI ----------------------------------------------------------------------------------------
// BENCH_CLI=path measures another build of the CLI (e.g. one made from a clean checkout).
const cli = process.env.BENCH_CLI || join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
  log('dist/cli.js missing: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(cli)) log('build failed: the CLI row will be empty');
}

// ---- measuring one child ------------------------------------------------------------------------
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Runs cmd with stdout to /dev/null ('ignore') or counted ('count': lines and a per-line callback).
 * Resolves { code, wallS, rssKiB, cpuS (user + system seconds, with GNU time), stderr, lines }.
 */
function measure(cmd, args, { stdout = 'ignore', onLine, timeoutS } = {}) {
  return new Promise((resolve) => {
    const tmp = mkdtempSync(join(tmpdir(), 'callscope-bench-'));
    const timeFile = join(tmp, 'time');
    const [exe, exeArgs] = gnuTime ? [gnuTime, ['-f', '%M %U %S', '-o', timeFile, cmd, ...args]] : [cmd, args];
    const t0 = process.hrtime.bigint();
    const child = spawn(exe, exeArgs, { cwd: root, stdio: ['ignore', stdout === 'count' ? 'pipe' : 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => {
      if (stderr.length < 1 << 20) stderr += d;
    });
    let lines = 0;
    if (stdout === 'count') {
      let rest = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d) => {
        const parts = (rest + d).split('\n');
        rest = parts.pop();
        lines += parts.length;
        if (onLine) for (const p of parts) onLine(p);
      });
      child.stdout.on('end', () => {
        if (rest) {
          lines++;
          onLine?.(rest);
        }
      });
    }
    // Without GNU time: poll the high-water mark of the process itself (a grandchild under time).
    let polledKiB = 0;
    const poll = gnuTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) polledKiB = Math.max(polledKiB, Number(m[1]));
          } catch {}
        }, 20);
    let timedOut = false;
    const timer = timeoutS
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
        }, timeoutS * 1000)
      : undefined;
    child.on('close', (code, signal) => {
      const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
      if (poll) clearInterval(poll);
      if (timer) clearTimeout(timer);
      let rssKiB = polledKiB;
      let cpuS;
      if (gnuTime) {
        try {
          const text = readFileSync(timeFile, 'utf8').trim().split('\n');
          // GNU time prints "Command exited with non-zero status N" first; keep its status.
          const [rss, user, sys] = text[text.length - 1].split(' ').map(Number);
          rssKiB = rss || 0;
          if (Number.isFinite(user) && Number.isFinite(sys)) cpuS = user + sys;
        } catch {}
      }
      rmSync(tmp, { recursive: true, force: true });
      resolve({ code: timedOut ? 'timeout' : (code ?? signal), wallS, rssKiB, cpuS, stderr, lines });
    });
  });
}

// ---- runs ---------------------------------------------------------------------------------------
const tshark = spawnSync('sh', ['-c', 'command -v tshark'], { encoding: 'utf8' }).stdout.trim();
const fmt = (n, d = 1) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(d));

async function runCallscope(file, extra = [], tool = 'callscope') {
  if (!existsSync(cli)) return { tool, code: 'no dist/cli.js' };
  log(`${tool}: node ${relative(root, cli) || cli} FILE --format jsonl --stats ${extra.join(' ')} > /dev/null`);
  let r = await measure(process.execPath, [cli, file, '--format', 'jsonl', '--stats', ...extra]);
  let stats = /frames=(\d+) calls=(\d+)/.exec(r.stderr);
  if (r.code !== 0 && /--stats/.test(r.stderr)) {
    log('the CLI does not know --stats: measuring without it');
    r = await measure(process.execPath, [cli, file, '--format', 'jsonl', ...extra]);
    stats = null;
  }
  let calls = stats ? Number(stats[2]) : undefined;
  const frames = stats ? Number(stats[1]) : undefined;
  if (calls === undefined && r.code === 0) {
    log('counting the JSONL lines (second run)');
    calls = (await measure(process.execPath, [cli, file, '--format', 'jsonl', ...extra], { stdout: 'count' })).lines;
  }
  if (r.code !== 0) log(`callscope exited with ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const warnings = (r.stderr.match(/callscope: warning/g) ?? []).length;
  if (warnings) log(`callscope printed ${warnings} warning line(s), e.g. ${/callscope: warning: .*/.exec(r.stderr)?.[0]}`);
  return { tool, ...r, calls, frames };
}

async function runTsharkHttp(file) {
  log(`tshark: -Y http -T fields (this takes a while on a large capture; at most ${tsharkTimeoutS}s)`);
  let requests = 0;
  let responses = 0;
  const r = await measure(
    tshark,
    ['-r', file, '-Y', 'http', '-T', 'fields', '-e', 'http.request.method', '-e', 'http.request.uri', '-e', 'http.response.code'],
    {
      stdout: 'count',
      timeoutS: tsharkTimeoutS,
      onLine: (line) => {
        const [method, , code] = line.split('\t');
        if (method) requests++;
        if (code) responses++;
      },
    },
  );
  return { tool: 'tshark', ...r, calls: requests, note: `${responses} responses` };
}

async function runTsharkGrpc(file, port) {
  const filter = 'http2.headers.path || grpc';
  log(`tshark: -d tcp.port==${port},http2 -Y '${filter}' -T fields (at most ${tsharkTimeoutS}s)`);
  // One row per packet; a packet may carry several HEADERS/DATA frames: occurrence=a lists them all.
  let paths = 0;
  let statuses = 0;
  let messages = 0;
  const count = (field) => (field ? field.split('\u0001').length : 0);
  const r = await measure(
    tshark,
    ['-r', file, '-d', `tcp.port==${port},http2`, '-Y', filter, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=\u0001',
      '-e', 'http2.headers.path', '-e', 'http2.headers.status', '-e', 'grpc.message_length'],
    {
      stdout: 'count',
      timeoutS: tsharkTimeoutS,
      onLine: (line) => {
        const [path, status, lengths] = line.split('\t');
        paths += count(path);
        statuses += count(status);
        messages += count(lengths);
      },
    },
  );
  return { tool: 'tshark', ...r, calls: paths, note: `${statuses} :status, ${messages} gRPC messages` };
}

async function benchOne({ kind, file, meta, port }) {
  const fileBytes = statSync(file).size;
  const MB = fileBytes / 1e6;
  const loadStart = loadavg();
  log(`capture ${file} (${kind}): ${MB.toFixed(1)} MB`);
  // gRPC: with the Person API's .proto, as a user has it (messages decoded with field names).
  const proto = kind === 'grpc' && !process.env.BENCH_FILE ? ['--proto', join(root, 'samples', 'grpc-person-api')] : [];
  // The default (two decoding threads on a 2-core machine or more), then one thread.
  const rows = [await runCallscope(file, proto), await runCallscope(file, [...proto, '--jobs', '1'], 'callscope --jobs 1')];
  if (tshark && !skipTshark) rows.push(kind === 'grpc' ? await runTsharkGrpc(file, port) : await runTsharkHttp(file));
  else rows.push({ tool: 'tshark', code: tshark ? 'skipped' : 'not installed' });

  const table = [['tool', 'exit', 'wall s', 'CPU s', 'MB/s', 'calls', 'calls/s', 'peak RSS MiB', 'frames']];
  for (const r of rows) {
    const ran = typeof r.wallS === 'number';
    table.push([
      r.tool,
      String(r.code),
      ran ? fmt(r.wallS, 2) : '-',
      ran && r.cpuS !== undefined ? fmt(r.cpuS, 2) : '-',
      ran ? fmt(MB / r.wallS) : '-',
      r.calls === undefined ? '-' : String(r.calls),
      ran && r.calls !== undefined ? fmt(r.calls / r.wallS, 0) : '-',
      ran && r.rssKiB ? fmt(r.rssKiB / 1024, 0) : '-',
      r.frames === undefined ? '-' : String(r.frames),
    ]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\ncapture: ${relative(process.cwd(), file) || file}  ${MB.toFixed(1)} MB  (${kind === 'grpc' ? `gRPC, port ${port}` : 'HTTP/1.1'})`);
  if (meta?.tcpdump) {
    console.log(
      `made by ${kind === 'grpc' ? 'make-grpc-capture.sh' : 'make-capture.sh'} in ${meta.loadSeconds}s: ${meta.tcpdump.captured} packets, ` +
        `${meta.tcpdump.droppedByKernel} dropped by kernel` +
        (meta.rpcs !== undefined ? `; the clients made ${meta.rpcs} RPCs` : ''),
    );
  }
  // Wall times on a shared machine move with its load: the load when this capture's runs began, and
  // the CPU seconds each tool used (user + system), say how much.
  console.log(`machine: ${cpus().length} cores, load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} when these runs began`);
  console.log(line(table[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table.slice(1)) console.log(line(row));
  for (const r of rows) if (r.note && typeof r.wallS === 'number') console.log(`${r.tool}: ${r.note}`);
  const [ours, single, theirs] = rows;
  if (typeof ours.wallS === 'number' && typeof theirs.wallS === 'number') {
    console.log(`speed ratio: callscope is ${(theirs.wallS / ours.wallS).toFixed(1)}x tshark's speed` + (typeof single.wallS === 'number' ? ` (one thread: ${(theirs.wallS / single.wallS).toFixed(1)}x)` : ''));
    if (ours.calls !== undefined && theirs.calls !== undefined && ours.calls !== theirs.calls) {
      console.log(`note: call counts differ (callscope ${ours.calls}, tshark ${kind === 'grpc' ? ':path headers' : 'requests'} ${theirs.calls})`);
    }
  }
  if (typeof meta?.rpcs === 'number' && ours.calls !== undefined) {
    console.log(
      ours.calls === meta.rpcs
        ? `callscope's call count equals the RPCs the load made (${meta.rpcs})`
        : `MISMATCH: callscope found ${ours.calls} calls, the load made ${meta.rpcs} RPCs`,
    );
  }
}

for (const c of captures) await benchOne(c);
if (!gnuTime) console.log('(peak RSS polled from /proc/<pid>/status VmHWM every 20 ms)');
process.exit(0);

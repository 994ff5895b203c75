#!/usr/bin/env node
// callscope benchmark: decode a large real HTTP capture with the CLI and, for scale, with tshark.
//
//   npm run bench                        the ≥ 500 MiB capture (.cache/bench/http-bench.pcap, made once)
//   npm run bench -- --quick             a ~50 MiB capture (.cache/bench/http-bench-quick.pcap)
//   BENCH_FILE=path npm run bench        any capture
//   options: --no-tshark (or BENCH_SKIP_TSHARK=1), BENCH_TSHARK_TIMEOUT=seconds (default 1800)
//
// For each tool: wall time, MB/s (10^6 bytes of capture file per second), calls and calls/s, peak RSS
// of the child process (from /usr/bin/time when installed, else polled from /proc/<pid>/status VmHWM).
//   callscope: node dist/cli.js FILE --format jsonl --stats > /dev/null; calls from the `calls=N` that
//              --stats prints on stderr (or, without it, a second run counting the JSONL lines).
//   tshark:    tshark -r FILE -Y http -T fields -e http.request.method -e http.request.uri
//              -e http.response.code; its rows are counted through a pipe: calls = request rows.
// It reports and never gates: it exits 0 once it has measured, whatever the figures.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const skipTshark = argv.includes('--no-tshark') || process.env.BENCH_SKIP_TSHARK === '1';
const tsharkTimeoutS = Number(process.env.BENCH_TSHARK_TIMEOUT ?? 1800);
const unknown = argv.filter((a) => !['--quick', '--no-tshark'].includes(a));
if (unknown.length) {
  console.error(`bench: unknown option(s): ${unknown.join(' ')}\nusage: bench.mjs [--quick] [--no-tshark]`);
  process.exit(2);
}

const log = (s) => process.stderr.write(`bench: ${s}\n`);

// ---- the capture ----------------------------------------------------------------------------------
let file = process.env.BENCH_FILE;
if (!file) {
  file = join(root, '.cache', 'bench', quick ? 'http-bench-quick.pcap' : 'http-bench.pcap');
  if (!existsSync(file) || !existsSync(`${file}.meta.json`)) {
    log(`making ${relative(root, file)} (once; see test/bench/make-capture.sh)`);
    const r = spawnSync('bash', [join(here, 'make-capture.sh'), ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
    if (r.status !== 0) {
      log('could not make the benchmark capture');
      process.exit(1);
    }
  }
}
if (!existsSync(file)) {
  log(`no such file: ${file}`);
  process.exit(1);
}
const fileBytes = statSync(file).size;
let meta;
try {
  meta = JSON.parse(readFileSync(`${file}.meta.json`, 'utf8'));
} catch {}

// ---- the CLI ----------------------------------------------------------------------------------------
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) {
  log('dist/cli.js missing: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(cli)) log('build failed: the CLI row will be empty');
}

// ---- measuring one child ------------------------------------------------------------------------
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Runs cmd with stdout to /dev/null ('ignore') or counted ('count': lines and a per-line callback).
 * Resolves { code, wallS, rssKiB, stderr, lines }.
 */
function measure(cmd, args, { stdout = 'ignore', onLine, timeoutS } = {}) {
  return new Promise((resolve) => {
    const tmp = mkdtempSync(join(tmpdir(), 'callscope-bench-'));
    const timeFile = join(tmp, 'time');
    const [exe, exeArgs] = gnuTime ? [gnuTime, ['-f', '%M', '-o', timeFile, cmd, ...args]] : [cmd, args];
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
      if (gnuTime) {
        try {
          const text = readFileSync(timeFile, 'utf8').trim().split('\n');
          rssKiB = Number(text[text.length - 1]) || 0;
          // GNU time prints "Command exited with non-zero status N" first; keep its status.
        } catch {}
      }
      rmSync(tmp, { recursive: true, force: true });
      resolve({ code: timedOut ? 'timeout' : (code ?? signal), wallS, rssKiB, stderr, lines });
    });
  });
}

// ---- runs ---------------------------------------------------------------------------------------
const rows = [];
const MB = fileBytes / 1e6;
log(`capture ${file}: ${MB.toFixed(1)} MB`);

if (existsSync(cli)) {
  log('callscope: node dist/cli.js FILE --format jsonl --stats > /dev/null');
  let r = await measure(process.execPath, [cli, file, '--format', 'jsonl', '--stats']);
  let stats = /frames=(\d+) calls=(\d+)/.exec(r.stderr);
  if (r.code !== 0 && /--stats/.test(r.stderr)) {
    log('the CLI does not know --stats: measuring without it');
    r = await measure(process.execPath, [cli, file, '--format', 'jsonl']);
    stats = null;
  }
  let calls = stats ? Number(stats[2]) : undefined;
  const frames = stats ? Number(stats[1]) : undefined;
  if (calls === undefined && r.code === 0) {
    log('counting the JSONL lines (second run)');
    calls = (await measure(process.execPath, [cli, file, '--format', 'jsonl'], { stdout: 'count' })).lines;
  }
  if (r.code !== 0) log(`callscope exited with ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const warnings = (r.stderr.match(/callscope: warning/g) ?? []).length;
  if (warnings) log(`callscope printed ${warnings} warning line(s), e.g. ${/callscope: warning: .*/.exec(r.stderr)?.[0]}`);
  rows.push({ tool: 'callscope', ...r, calls, frames });
} else {
  rows.push({ tool: 'callscope', code: 'no dist/cli.js' });
}

const tshark = spawnSync('sh', ['-c', 'command -v tshark'], { encoding: 'utf8' }).stdout.trim();
if (tshark && !skipTshark) {
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
  rows.push({ tool: 'tshark', ...r, calls: requests, note: `${responses} responses` });
} else {
  rows.push({ tool: 'tshark', code: tshark ? 'skipped' : 'not installed' });
}

// ---- report -------------------------------------------------------------------------------------
const fmt = (n, d = 1) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(d));
const table = [['tool', 'exit', 'wall s', 'MB/s', 'calls', 'calls/s', 'peak RSS MiB', 'frames']];
for (const r of rows) {
  const ran = typeof r.wallS === 'number';
  table.push([
    r.tool,
    String(r.code),
    ran ? fmt(r.wallS, 2) : '-',
    ran ? fmt(MB / r.wallS) : '-',
    r.calls === undefined ? '-' : String(r.calls),
    ran && r.calls !== undefined ? fmt(r.calls / r.wallS, 0) : '-',
    ran && r.rssKiB ? fmt(r.rssKiB / 1024, 0) : '-',
    r.frames === undefined ? '-' : String(r.frames),
  ]);
}
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
const line = (row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`\ncapture: ${relative(process.cwd(), file) || file}  ${MB.toFixed(1)} MB`);
if (meta?.tcpdump) {
  console.log(
    `made by make-capture.sh in ${meta.loadSeconds}s: ${meta.tcpdump.captured} packets, ` +
      `${meta.tcpdump.droppedByKernel} dropped by kernel`,
  );
}
console.log(line(table[0]));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table.slice(1)) console.log(line(row));
const [ours, theirs] = [rows[0], rows[1]];
if (typeof ours.wallS === 'number' && typeof theirs.wallS === 'number') {
  console.log(`\nspeed ratio: callscope is ${(theirs.wallS / ours.wallS).toFixed(1)}x tshark's speed`);
  if (ours.calls !== undefined && theirs.calls !== undefined && ours.calls !== theirs.calls) {
    console.log(`note: call counts differ (callscope ${ours.calls}, tshark requests ${theirs.calls})`);
  }
}
if (!gnuTime) console.log('(peak RSS polled from /proc/<pid>/status VmHWM every 20 ms)');
process.exit(0);

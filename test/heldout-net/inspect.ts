/**
 * Compact view of what callscope makes of a capture, for comparing with tshark:
 * calls (method target status state warnings), flows (bytes, gaps, retransmitted, warnings), capture warnings.
 * usage: npx tsx test/heldout-net/inspect.ts CAPTURE…   (add -q for counts only)
 */
import { analyzeFile } from '../../cli/platform/analyze';

async function main(): Promise<void> {
  const quiet = process.argv.includes('-q');
  for (const file of process.argv.slice(2).filter((a) => a !== '-q')) {
    const lines: string[] = [];
    let calls = 0;
    let complete = 0;
    const flows: string[] = [];
    const warns: string[] = [];
    try {
      await analyzeFile(
        file,
        {},
        {
          call(c) {
            calls++;
            if (c.state === 'complete') complete++;
            const f = c.fields as Record<string, unknown>;
            const body = f['http.response.body.size'] ?? '';
            lines.push(`  call ${c.method ?? ''} ${c.target ?? ''} ${f['http.status'] ?? ''} ${c.state} body=${body} dur=${c.timing.endUs !== undefined ? c.timing.endUs - c.timing.startUs : '?'}${c.warnings.length ? ` ⚠ ${c.warnings.join(' | ')}` : ''}`);
          },
          flow(f) {
            flows.push(`  flow ${f.id} ${f.client.ip}:${f.client.port}→${f.server.ip}:${f.server.port} ${f.protocol} c2s=${f.c2sBytes} s2c=${f.s2cBytes} pk=${f.packets} gaps=${f.gapBytes.c2s}/${f.gapBytes.s2c} syn=${f.synSeen} rtt=${f.handshakeRttUs ?? '-'} role=${f.roleFrom} calls=${f.calls}${f.warnings.length ? ` ⚠ ${f.warnings.join(' | ')}` : ''}`);
          },
          warning(w) {
            warns.push(`  warn ${w.frame !== undefined ? `frame ${w.frame}: ` : ''}${w.message}`);
          },
        },
      );
    } catch (e) {
      warns.push(`  THREW ${(e as Error).message}`);
    }
    console.log(`${file}: calls=${calls} complete=${complete} flows=${flows.length} warnings=${warns.length}`);
    if (!quiet) console.log([...lines, ...flows, ...warns].join('\n'));
  }
}
void main();

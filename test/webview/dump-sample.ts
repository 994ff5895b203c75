/**
 * Preview helper: decodes a sample with the real pipeline and writes {calls, flows, warnings}
 * as JSON for the fake host.  npx tsx test/webview/dump-sample.ts samples/x/x.pcap > /tmp/x.json
 */
import { analyzeFile } from '../../cli/platform/analyze';
import type { Call, FlowSummary, CaptureWarning } from '../../decoders/core/model';

const calls: Call[] = [];
const flows: FlowSummary[] = [];
const warnings: CaptureWarning[] = [];
async function main(): Promise<void> {
const files = process.argv.slice(2);
for (const f of files) {
  const base = calls.length;
  const fbase = flows.length ? Math.max(...flows.map((x) => x.id)) : 0;
  await analyzeFile(f, {}, {
    call: (c) => calls.push({ ...c, id: c.id + base, flowId: c.flowId + fbase }),
    flow: (x) => flows.push({ ...x, id: x.id + fbase }),
    warning: (w) => warnings.push(w),
  });
}
}
void main().then(() => process.stdout.write(JSON.stringify({ calls, flows, warnings }, (_k, v) => (typeof v === 'bigint' ? String(v) : v))));

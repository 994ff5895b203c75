/**
 * The sample captures under samples/ and helpers to decode them, shared by the golden,
 * chunking and fuzz tests: every capture added to samples/ is covered automatically.
 */
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Call, FlowSummary, CaptureWarning } from '../../decoders/core/model';
import { analyzeFile } from '../../cli/platform/analyze';
import { loadDefinitions } from '../../cli/platform/definitions';
import type { Definitions } from '../../decoders/core/env';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const SAMPLES = join(ROOT, 'samples');

const CAPTURE = /\.(pcap|pcapng|cap)(\.gz)?$/i;

/** Paths (relative to samples/) of every capture, sorted. */
export function sampleCaptures(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (CAPTURE.test(name)) out.push(relative(SAMPLES, p));
    }
  };
  walk(SAMPLES);
  return out.sort();
}

export interface Decoded {
  calls: Call[];
  flows: FlowSummary[];
  warnings: CaptureWarning[];
  frames: number;
}

const defsCache = new Map<string, Definitions>();

/** Definitions found beside a sample (what the CLI and editor discover automatically). */
export async function sampleDefinitions(rel: string): Promise<Definitions> {
  const dir = dirname(join(SAMPLES, rel));
  let d = defsCache.get(dir);
  if (!d) {
    d = (await loadDefinitions({ captureFile: join(SAMPLES, rel), protoDirs: [] })).definitions;
    defsCache.set(dir, d);
  }
  return d;
}

export async function decodeSample(rel: string): Promise<Decoded> {
  const calls = new Map<number, Call>();
  const flows: FlowSummary[] = [];
  const warnings: CaptureWarning[] = [];
  const definitions = await sampleDefinitions(rel);
  const r = await analyzeFile(join(SAMPLES, rel), { definitions }, {
    call: (c) => calls.set(c.id, c),
    flow: (f) => flows.push(f),
    warning: (w) => warnings.push(w),
  });
  return { calls: [...calls.values()], flows, warnings, frames: r.frames };
}

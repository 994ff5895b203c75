#!/usr/bin/env node
// The one test command (`npm test`): type-check every folder, lint, run the unit, golden, chunking,
// fuzz and CLI tests with node's test runner, then the end-to-end tests in a real VS Code
// (skipped with --unit). Prints node's test summary; exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '../..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));

function run(cmd, argv, opts = {}) {
  console.log(`\n$ ${cmd} ${argv.join(' ')}`);
  const r = spawnSync(cmd, argv, { stdio: 'inherit', cwd: root, ...opts });
  return r.status ?? 1;
}

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'e2e') continue;
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

let failed = 0;
const tsc = join(root, 'node_modules/.bin/tsc');
for (const project of ['decoders', 'cli', 'extension', 'webview', 'test']) {
  if (!existsSync(join(root, project, 'tsconfig.json'))) continue;
  if (filters.length) break;
  const code = run(tsc, ['-p', project]);
  if (code) {
    console.error(`type-check failed: ${project}`);
    failed++;
  }
}

// Lint (Biome, correctness rules only: biome.json): unused code, unsafe optional chaining, shadowed
// globals, == instead of ===, fallthrough… Formatting is not checked.
if (!filters.length) {
  const code = run(join(root, 'node_modules/.bin/biome'), ['lint', '--max-diagnostics=50']);
  if (code) {
    console.error('lint failed (npx biome lint)');
    failed++;
  }
}

let files = findTests(join(root, 'test')).sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
const code = run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=600000', ...files]);
if (code) failed++;

if (!unitOnly && !filters.length && existsSync(join(root, 'test/e2e/run.mjs'))) {
  const e2e = run(process.execPath, [join(root, 'test/e2e/run.mjs')]);
  if (e2e) failed++;
}

console.log(failed ? `\ncallscope tests: FAILED (${failed} stage(s))` : '\ncallscope tests: all stages passed');
process.exit(failed ? 1 : 0);

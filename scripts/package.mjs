#!/usr/bin/env node
// `npm run package`: a production build and a .vsix for desktop VS Code (vsce 3 packages offline;
// the bundles need no node_modules at run time, hence --no-dependencies).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(process.execPath, ['esbuild.mjs', '--production']);
const out = process.argv[2] ?? `${pkg.name}-${pkg.version}.vsix`;
// Relative links in README.md point into the repository (vsce cannot guess it from a non-GitHub URL).
const base = String(pkg.repository?.url ?? 'https://example.invalid/callscope').replace(/\.git$/, '') + '/raw/main';
run(process.execPath, [join(repo, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--baseContentUrl', base, '--baseImagesUrl', base, '--out', out]);
console.log(`packaged ${out}`);

// Bundles: the extension host (CommonJS, vscode external), its decoding worker, the webview
// (browser IIFE) and the CLI (Node, with a shebang). `node esbuild.mjs --watch` rebuilds on change;
// `--production` minifies. Entries that do not exist yet are skipped.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, chmodSync, readdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', target: 'es2022' };
const builds = [
  { entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  { entryPoints: ['extension/worker.ts'], outfile: 'dist/worker.js', platform: 'node', format: 'cjs' },
  { entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife' },
  { entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
].filter((b) => existsSync(b.entryPoints[0]));

mkdirSync('dist', { recursive: true });
// Static webview assets (CSS, codicons) copied as they are.
if (existsSync('webview/static')) for (const f of readdirSync('webview/static')) copyFileSync(`webview/static/${f}`, `dist/${f}`);

if (watch) {
  for (const b of builds) (await esbuild.context({ ...common, ...b })).watch();
  console.log(`watching ${builds.length} bundles…`);
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
  console.log(`built ${builds.map((b) => b.outfile).join(', ')}`);
}

#!/usr/bin/env node
// Bundles the extension with esbuild into dist/extension.js: one CommonJS file holding
// @backend-sidecar/client and vscode-jsonrpc; only `vscode` (given by the editor) stays external.
//   node scripts/bundle.mjs [--production]   (--production: minified, no source map)
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');

await build({
  entryPoints: [join(root, 'src', 'extension.ts')],
  outfile: join(root, 'dist', 'extension.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
});

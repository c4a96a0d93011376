#!/usr/bin/env node
// Writes src/generated/protocol.ts from protocol/backend-sidecar.openrpc.json and
// src/generated/sidecarConfig.ts from protocol/sidecar-config.schema.json. Without the
// configuration schema (it comes from its own change), sidecarConfig.ts is kept as it is.
//
//   node scripts/generate-types.mjs [--check] [--config-schema FILE]
// --check writes nothing and exits 1 when a generated file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProtocol } from './protocolDocument.mjs';
import { generateConfigTypes, generateProtocolTypes } from './typeGenerator.mjs';

const generatedDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'generated');
export const generatedPath = join(generatedDir, 'protocol.ts');
export const generatedConfigPath = join(generatedDir, 'sidecarConfig.ts');

/**
 * What the generated files should hold now: path -> text. sidecarConfig.ts is left out when the
 * configuration schema is not there.
 * @param {{documentPath?: string, configSchemaPath?: string}} [options]
 */
export function expectedGeneratedFiles(options = {}) {
  const { document, configSchema } = loadProtocol(options);
  const files = new Map([[generatedPath, generateProtocolTypes(document)]]);
  if (configSchema) files.set(generatedConfigPath, generateConfigTypes(configSchema));
  return files;
}

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function main(argv) {
  const check = argv.includes('--check');
  const at = argv.indexOf('--config-schema');
  const files = expectedGeneratedFiles(at >= 0 ? { configSchemaPath: argv[at + 1] } : {});
  if (!files.has(generatedConfigPath)) console.error('note: sidecar-config.schema.json not found; kept src/generated/sidecarConfig.ts as it is');
  let stale = 0;
  for (const [path, text] of files) {
    const current = read(path);
    if (current === text) {
      console.log(`up to date: ${path}`);
    } else if (check) {
      console.error(`stale: ${path} (run \`npm run generate:ts\` at the repository root)`);
      stale++;
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${path}`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));

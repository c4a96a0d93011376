#!/usr/bin/env node
// Copies the configuration's JSON Schema (../protocol/sidecar-config.schema.json, the contract of
// record) into schemas/, which package.json's jsonValidation names: a .vsix holds only its own
// folder, so the schema must be inside it. Run by `build` and `prepackage`.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'schemas'), { recursive: true });
copyFileSync(join(root, '..', 'protocol', 'sidecar-config.schema.json'), join(root, 'schemas', 'sidecar-config.schema.json'));

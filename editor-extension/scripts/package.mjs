#!/usr/bin/env node
// Builds the .vsix: bundles the extension (esbuild), publishes the sidecar self-contained into
// sidecar/, and packs both with @vscode/vsce into a platform-specific package.
//
//   npm run package                         # linux-x64 -> backend-sidecar.vsix
//   npm run package -- --rid osx-arm64      # -> backend-sidecar-darwin-arm64.vsix (see README.md)
//
// Needs the .NET 10 SDK (dotnet on PATH) and the npm devDependencies (npm ci at the repository root).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(root, '..');

// .NET runtime identifier -> VS Code target platform.
const targets = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'linux-musl-x64': 'alpine-x64',
  'osx-x64': 'darwin-x64',
  'osx-arm64': 'darwin-arm64',
  'win-x64': 'win32-x64',
  'win-arm64': 'win32-arm64',
};

const ridFlag = process.argv.indexOf('--rid');
const rid = ridFlag >= 0 ? process.argv[ridFlag + 1] : 'linux-x64';
const target = targets[rid];
if (!target) fail(`unknown --rid ${rid}; one of: ${Object.keys(targets).join(', ')}`);
const out = join(root, rid === 'linux-x64' ? 'backend-sidecar.vsix' : `backend-sidecar-${target}.vsix`);

step('bundle the extension', process.execPath, [join(root, 'scripts', 'bundle.mjs'), '--production']);

const sidecarDir = join(root, 'sidecar');
rmSync(sidecarDir, { recursive: true, force: true });
step(`publish the sidecar for ${rid}`, 'dotnet', [
  'publish', join(repo, 'src', 'BackendSidecar'), '-c', 'Release', '-r', rid, '--self-contained',
  '-p:PublishReadyToRun=true', '-o', sidecarDir, '--nologo', '-v', 'quiet',
]);
const executable = join(sidecarDir, rid.startsWith('win') ? 'backend-sidecar.exe' : 'backend-sidecar');
if (!existsSync(executable)) fail(`dotnet publish did not produce ${executable}`);
if (!rid.startsWith('win')) chmodSync(executable, 0o755);

rmSync(out, { force: true });
// --no-dependencies: everything the extension needs is in dist/extension.js (and sidecar/).
step(`pack ${out}`, process.execPath, [
  join(repo, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package',
  '--no-dependencies', '--allow-missing-repository', '--target', target, '--out', out,
]);
console.log(`\n${out}`);

function step(title, command, args) {
  console.log(`\n== ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' } });
  if (result.error) fail(`${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`${title} failed (exit ${result.status ?? result.signal})`);
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

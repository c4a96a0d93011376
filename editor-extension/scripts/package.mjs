#!/usr/bin/env node
// Builds the .vsix: bundles the extension (esbuild), publishes the sidecar into sidecar/, and packs
// both with @vscode/vsce into a platform-specific package.
//
//   npm run package                         # linux-x64 -> backend-sidecar.vsix
//   npm run package -- --rid osx-arm64      # -> backend-sidecar-darwin-arm64.vsix (see README.md)
//
// The sidecar is NativeAOT (one native executable, about 20 ms to start) when the build runs on the
// target's OS, which NativeAOT needs (its own architecture too on Linux, which has no cross linker by
// default); otherwise it is a self-contained single-file build of the same code (ReadyToRun, the .NET
// runtime inside), which any OS can produce.
//
// Needs the .NET 10 SDK (dotnet on PATH), a C toolchain for NativeAOT (clang or gcc on Linux), and the
// npm devDependencies (npm ci at the repository root).
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
const aot = nativeAotPossible(rid);
// PublishAot is on in BackendSidecar.csproj; the single-file build turns it off for this publish only.
const build = aot ? [] : ['-p:PublishAot=false', '--self-contained', '-p:PublishSingleFile=true', '-p:PublishReadyToRun=true'];
step(`publish the sidecar for ${rid} (${aot ? 'NativeAOT' : `single-file: NativeAOT for ${rid} needs a build on ${rid}`})`, 'dotnet', [
  'publish', join(repo, 'src', 'BackendSidecar'), '-c', 'Release', '-r', rid, ...build, '-o', sidecarDir, '--nologo', '-v', 'quiet',
]);
const windows = rid.startsWith('win');
const executable = join(sidecarDir, windows ? 'backend-sidecar.exe' : 'backend-sidecar');
if (!existsSync(executable)) fail(`dotnet publish did not produce ${executable}`);
if (!windows) chmodSync(executable, 0o755);

rmSync(out, { force: true });
// --no-dependencies: everything the extension needs is in dist/extension.js (and sidecar/).
step(`pack ${out}`, process.execPath, [
  join(repo, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package',
  '--no-dependencies', '--allow-missing-repository', '--target', target, '--out', out,
]);
console.log(`\n${out}`);

/** NativeAOT compiles and links with the target OS's toolchain: same OS, and on Linux the same architecture. */
function nativeAotPossible(targetRid) {
  const hostOs = { linux: 'linux', darwin: 'osx', win32: 'win' }[process.platform];
  const [os, arch, ...rest] = targetRid.split('-'); // linux-musl-x64 has a third part: it needs a musl toolchain
  if (os !== hostOs || rest.length > 0) return false;
  return os !== 'linux' || arch === process.arch;
}

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

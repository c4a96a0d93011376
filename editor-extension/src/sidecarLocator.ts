import { sidecarExecutable } from '@backend-sidecar/client';
import { accessSync, chmodSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { isFile } from './files';
import { SetupError } from './setupError';

/** How to run the sidecar, and where that came from (for messages). */
export interface SidecarLaunch {
  command: string;
  args: string[];
  source: 'setting' | 'bundled' | 'dotnet';
}

export interface LocateSidecarInput {
  /** backendSidecar.sidecarPath; empty or undefined when not set. */
  settingPath?: string;
  /** The extension's folder: the bundled sidecar is in its sidecar/ folder. */
  extensionPath: string;
  /** The workspace folders: a BackendSidecar checkout above them (or above the extension) gives the built dll. */
  workspaceFolders: readonly string[];
  /** PATH, to find `dotnet`. */
  path?: string;
  platform?: NodeJS.Platform;
}

/**
 * Finds the sidecar: the setting, else the one bundled in the extension, else `dotnet` on a
 * backend-sidecar.dll built in a BackendSidecar checkout (when developing the extension itself).
 * @throws {SetupError} sidecarNotFound, listing every place that was tried.
 */
export function locateSidecar(input: LocateSidecarInput): SidecarLaunch {
  const platform = input.platform ?? process.platform;
  const setting = input.settingPath?.trim();
  if (setting) {
    const path = resolveSetting(setting, input.workspaceFolders[0]);
    if (isFile(path)) return { command: path, args: ['serve'], source: 'setting' };
    throw new SetupError('sidecarNotFound', `backendSidecar.sidecarPath is ${path}, which is not a file`, [path]);
  }

  const searched: string[] = [];
  // package.mjs publishes the target's build there: backend-sidecar.exe in a win32 .vsix.
  const bundled = sidecarExecutable(join(input.extensionPath, 'sidecar'), platform);
  searched.push(bundled);
  if (isFile(bundled)) {
    ensureExecutable(bundled, platform);
    return { command: bundled, args: ['serve'], source: 'bundled' };
  }

  for (const root of repositoryRoots([input.extensionPath, ...input.workspaceFolders])) {
    const binDir = join(root, 'src', 'BackendSidecar', 'bin');
    const dlls = configurations(binDir).map((c) => join(binDir, c, 'net10.0', 'backend-sidecar.dll'));
    searched.push(join(binDir, '*', 'net10.0', 'backend-sidecar.dll'));
    const dll = dlls.find(isFile);
    if (!dll) continue;
    const dotnet = findOnPath(platform === 'win32' ? 'dotnet.exe' : 'dotnet', input.path ?? process.env.PATH ?? '');
    if (dotnet) return { command: dotnet, args: [dll, 'serve'], source: 'dotnet' };
    searched.push(`dotnet on PATH (for ${dll})`);
  }
  throw new SetupError('sidecarNotFound', 'backend-sidecar was not found', searched);
}

/** A setting may be absolute, start with ~ or ${workspaceFolder}, or be relative to the workspace folder. */
export function resolveSetting(value: string, workspaceFolder: string | undefined): string {
  let path = value.replace(/\$\{workspaceFolder\}/g, workspaceFolder ?? '');
  if (path === '~' || path.startsWith('~/')) path = join(process.env.HOME ?? '', path.slice(1));
  if (isAbsolute(path)) return path;
  return workspaceFolder ? resolve(workspaceFolder, path) : resolve(path);
}

/** Checkouts of BackendSidecar (folders with BackendSidecar.sln) at or above the given folders. */
export function repositoryRoots(starts: readonly string[]): string[] {
  const roots: string[] = [];
  for (const start of starts) {
    let dir = resolve(start);
    for (let i = 0; i < 12; i++) {
      if (existsSync(join(dir, 'BackendSidecar.sln'))) {
        if (!roots.includes(dir)) roots.push(dir);
        break;
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return roots;
}

/** Release before Debug, then any other build configuration folder. */
function configurations(binDir: string): string[] {
  let found: string[] = [];
  try {
    found = readdirSync(binDir);
  } catch {
    return [];
  }
  const rank = (c: string) => (c === 'Release' ? 0 : c === 'Debug' ? 1 : 2);
  return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function findOnPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isFile(candidate)) return candidate;
  }
  return undefined;
}

/** A .vsix may lose the executable bit on the way (zip tools differ): put it back rather than fail with EACCES. */
function ensureExecutable(path: string, platform: NodeJS.Platform): void {
  if (platform === 'win32') return;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    try {
      chmodSync(path, 0o755);
    } catch {
      // Then the spawn fails and says EACCES, which is the clearest message there is.
    }
  }
}

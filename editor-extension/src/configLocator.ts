import { join } from 'node:path';
import { isFile } from './files';
import { resolveSetting } from './sidecarLocator';
import { SetupError } from './setupError';

/** Where the configuration is looked for when backendSidecar.configFile is empty, in this order. */
export const defaultConfigFiles = ['.vscode/backends.json', 'backends.json'] as const;

/**
 * Finds the backends configuration: backendSidecar.configFile when set, else the defaults in the
 * workspace folder.
 * @throws {SetupError} noWorkspace, or configNotFound listing what was searched.
 */
export function locateConfig(setting: string | undefined, workspaceFolder: string | undefined): string {
  const configured = setting?.trim();
  if (!workspaceFolder && !configured) throw new SetupError('noWorkspace', 'no folder is open');
  const candidates = configured ? [resolveSetting(configured, workspaceFolder)] : defaultConfigFiles.map((f) => join(workspaceFolder!, f));
  const found = candidates.find(isFile);
  if (found) return found;
  throw new SetupError('configNotFound', configured ? `backendSidecar.configFile is ${candidates[0]}, which does not exist` : 'no backends configuration was found', candidates);
}

/** Whether a session state means "this folder has no configuration" (nothing to show, nothing wrong). */
export function hasNoConfig(state: { kind: string; error?: unknown }): boolean {
  return state.kind === 'failed' && (SetupError.is(state.error, 'configNotFound') || SetupError.is(state.error, 'noWorkspace'));
}

/** Whether a workspace folder has a backends configuration (the setting's, or a default file). */
export function folderHasConfig(setting: string | undefined, workspaceFolder: string): string | undefined {
  try {
    return locateConfig(setting, workspaceFolder);
  } catch {
    return undefined;
  }
}

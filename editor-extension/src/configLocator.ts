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

import { join } from 'node:path';

/**
 * The sidecar's file name on a platform: `backend-sidecar.exe` on Windows (a published win-x64 build is
 * named so, and spawn does not add the extension), `backend-sidecar` everywhere else.
 */
export function sidecarExecutableName(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'backend-sidecar.exe' : 'backend-sidecar';
}

/**
 * The sidecar executable in a folder that holds a published sidecar (an app's resources, an extension's
 * `sidecar/` folder, `dotnet publish -o` output), for `SidecarClientOptions.command`.
 */
export function sidecarExecutable(folder: string, platform: NodeJS.Platform = process.platform): string {
  return join(folder, sidecarExecutableName(platform));
}

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the first folder above `start` that holds BackendSidecar.sln. */
export function repoRoot(start: string = __dirname): string {
  let dir = start;
  for (let i = 0; i < 20; i++) {
    if (existsSync(join(dir, 'BackendSidecar.sln'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`no BackendSidecar.sln above ${start}`);
}

/**
 * The sidecar the tests drive: BACKEND_SIDECAR_PATH when set (./test.sh sets it to the NativeAOT binary it
 * publishes, the one that ships), else the executable `dotnet build src/BackendSidecar -c Release` makes.
 */
export function sidecarPath(): string {
  const built = join(repoRoot(), 'src', 'BackendSidecar', 'bin', 'Release', 'net10.0', process.platform === 'win32' ? 'backend-sidecar.exe' : 'backend-sidecar');
  const path = process.env.BACKEND_SIDECAR_PATH || built;
  if (!existsSync(path)) {
    throw new Error(`${path} does not exist: build the sidecar first (dotnet build src/BackendSidecar -c Release), or set BACKEND_SIDECAR_PATH`);
  }
  return path;
}

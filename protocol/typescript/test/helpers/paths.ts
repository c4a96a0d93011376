import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package folder (protocol/typescript), found from the compiled test's location. */
export const packageRoot: string = findPackageRoot(__dirname);
/** The protocol folder (the OpenRPC document, README.md). */
export const protocolDir: string = dirname(packageRoot);
/** The repository root (where BackendSidecar.sln is). */
export const repositoryRoot: string = dirname(protocolDir);
export const fakeSidecarPath: string = join(packageRoot, 'test', 'fixtures', 'fakeSidecar.mjs');

function findPackageRoot(start: string): string {
  let dir = start;
  for (let i = 0; i < 10; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@backend-sidecar/client') return dir;
    dir = dirname(dir);
  }
  throw new Error(`no @backend-sidecar/client package above ${start}`);
}

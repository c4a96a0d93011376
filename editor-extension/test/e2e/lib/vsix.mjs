// The .vsix under test: the one `npm run package` builds in editor-extension (so the test always runs
// the current source and the sidecar published with it), or E2E_VSIX when given.
import fs from 'node:fs';
import path from 'node:path';
import { excerpt, runBounded } from './processes.mjs';

const PYTHON_READ_MANIFEST = `
import sys, zipfile
sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("extension/package.json").decode())
`;

export async function obtainVsix({ extensionDir, log }) {
  let vsix;
  if (process.env.E2E_VSIX) {
    vsix = path.resolve(process.env.E2E_VSIX);
  } else {
    const start = Date.now();
    // build:ts first: the bundle takes @backend-sidecar/client from its built dist/.
    log('npm run build:ts, then npm run package (bundle the extension, publish the sidecar, vsce)');
    await runBounded('npm', ['run', 'build:ts'], { cwd: path.dirname(extensionDir), timeoutMs: 300_000 })
      .catch((e) => { throw new Error(`npm run build:ts failed: ${excerpt(e.message)}`); });
    await runBounded('npm', ['run', 'package'], { cwd: extensionDir, timeoutMs: 300_000 })
      .catch((e) => { throw new Error(`npm run package failed: ${excerpt(e.message)}`); });
    vsix = path.join(extensionDir, 'backend-sidecar.vsix');
    log(`packaged in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
  if (!fs.existsSync(vsix)) throw new Error(`no .vsix at ${vsix}`);
  // The id VS Code lists it under, from the manifest inside the .vsix (python3: a zip reader at hand).
  const pkg = JSON.parse(await runBounded('python3', ['-c', PYTHON_READ_MANIFEST, vsix], { timeoutMs: 30_000 }));
  const sidecar = await runBounded('python3', ['-c', 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).getinfo("extension/sidecar/backend-sidecar").file_size)', vsix], { timeoutMs: 30_000 })
    .catch(() => { throw new Error(`${vsix} holds no extension/sidecar/backend-sidecar`); });
  return { path: vsix, id: `${pkg.publisher}.${pkg.name}`.toLowerCase(), sidecarBytes: Number(sidecar) };
}

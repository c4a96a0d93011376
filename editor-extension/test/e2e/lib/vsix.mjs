// The .vsix under test: E2E_VSIX if given, else the one `npm run package` builds in editor-extension
// (so the test always runs the current source), else, while the extension does not exist yet, the
// stub in fixtures/ packed here.
import fs from 'node:fs';
import path from 'node:path';
import { runBounded } from './processes.mjs';

const PYTHON_ZIP = `
import os, sys, zipfile
out, root = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, _, files in os.walk(root):
        for name in files:
            full = os.path.join(folder, name)
            z.write(full, os.path.relpath(full, root))
`;

const PYTHON_READ_MANIFEST = `
import sys, zipfile
sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("extension/package.json").decode())
`;

export async function obtainVsix({ extensionDir, fixturesDir, runDir, log }) {
  if (process.env.E2E_VSIX) {
    const vsix = path.resolve(process.env.E2E_VSIX);
    return { vsix, ...(await describe(vsix)), source: `E2E_VSIX=${vsix}` };
  }
  if (fs.existsSync(path.join(extensionDir, 'package.json'))) {
    log('npm run package (editor-extension)');
    await runBounded('npm', ['run', 'package'], { cwd: extensionDir, timeoutMs: 300_000 });
    const vsix = path.join(extensionDir, 'backend-sidecar.vsix');
    if (!fs.existsSync(vsix)) throw new Error(`npm run package did not produce ${vsix}`);
    return { vsix, ...(await describe(vsix)), source: 'npm run package' };
  }
  const vsix = path.join(runDir, 'stub.vsix');
  await packStub(path.join(fixturesDir, 'stub-extension'), vsix, path.join(runDir, 'stub-vsix'));
  return { vsix, ...(await describe(vsix)), source: 'the stub in fixtures/stub-extension (editor-extension has no package.json yet)' };
}

async function describe(vsix) {
  const pkg = JSON.parse(await runBounded('python3', ['-c', PYTHON_READ_MANIFEST, vsix], { timeoutMs: 30_000 }));
  return { id: `${pkg.publisher}.${pkg.name}`.toLowerCase(), version: pkg.version };
}

const xml = (s) => String(s).replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

// A .vsix is a zip of [Content_Types].xml, extension.vsixmanifest and the extension under extension/.
async function packStub(source, vsix, staging) {
  const pkg = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8'));
  fs.cpSync(source, path.join(staging, 'extension'), { recursive: true });
  fs.writeFileSync(path.join(staging, '[Content_Types].xml'), `<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension=".json" ContentType="application/json"/><Default Extension=".js" ContentType="application/javascript"/><Default Extension=".vsixmanifest" ContentType="text/xml"/></Types>
`);
  fs.writeFileSync(path.join(staging, 'extension.vsixmanifest'), `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011" xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">
  <Metadata>
    <Identity Language="en-US" Id="${xml(pkg.name)}" Version="${xml(pkg.version)}" Publisher="${xml(pkg.publisher)}"/>
    <DisplayName>${xml(pkg.displayName)}</DisplayName>
    <Description xml:space="preserve">${xml(pkg.description)}</Description>
    <Properties>
      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="${xml(pkg.engines.vscode)}"/>
      <Property Id="Microsoft.VisualStudio.Code.ExtensionKind" Value="workspace"/>
    </Properties>
  </Metadata>
  <Installation><InstallationTarget Id="Microsoft.VisualStudio.Code"/></Installation>
  <Dependencies/>
  <Assets><Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true"/></Assets>
</PackageManifest>
`);
  await runBounded('python3', ['-c', PYTHON_ZIP, vsix, staging], { timeoutMs: 30_000 });
}

import * as assert from 'node:assert/strict';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { locateConfig } from '../../src/configLocator';
import { SetupError } from '../../src/setupError';
import { locateSidecar } from '../../src/sidecarLocator';
import { TempDir } from './tempDir';

describe('locateSidecar', () => {
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.remove());

  const throwsSetup = (fn: () => unknown): SetupError => {
    try {
      fn();
    } catch (e) {
      assert.ok(SetupError.is(e, 'sidecarNotFound'), `expected sidecarNotFound, got ${e}`);
      return e;
    }
    assert.fail('expected a SetupError');
  };

  it('Setting_WinsOverEverything_RelativeToTheWorkspace', () => {
    dir.write('ext/sidecar/backend-sidecar', '', 0o755);
    const mine = dir.write('ws/tools/my-sidecar', '', 0o755);

    const launch = locateSidecar({ settingPath: 'tools/my-sidecar', extensionPath: join(dir.path, 'ext'), workspaceFolders: [join(dir.path, 'ws')] });

    assert.deepEqual(launch, { command: mine, args: ['serve'], source: 'setting' });
  });

  it('Setting_PointsNowhere_ErrorNamesIt_NoFallback', () => {
    dir.write('ext/sidecar/backend-sidecar', '', 0o755);
    const error = throwsSetup(() => locateSidecar({ settingPath: '${workspaceFolder}/missing', extensionPath: join(dir.path, 'ext'), workspaceFolders: [join(dir.path, 'ws')] }));
    assert.deepEqual(error.searched, [join(dir.path, 'ws', 'missing')]);
  });

  it('NoSetting_BundledSidecar_UsedAndMadeExecutable', () => {
    const bundled = dir.write('ext/sidecar/backend-sidecar', '', 0o644);

    const launch = locateSidecar({ extensionPath: join(dir.path, 'ext'), workspaceFolders: [], platform: 'linux' });

    assert.deepEqual(launch, { command: bundled, args: ['serve'], source: 'bundled' });
    accessSync(bundled, constants.X_OK);
  });

  it('NoSetting_Windows_BundledExeUsed', () => {
    dir.write('ext/sidecar/backend-sidecar', '', 0o755);
    const exe = dir.write('ext/sidecar/backend-sidecar.exe', '', 0o644);

    const launch = locateSidecar({ extensionPath: join(dir.path, 'ext'), workspaceFolders: [], platform: 'win32' });

    assert.deepEqual(launch, { command: exe, args: ['serve'], source: 'bundled' });
  });

  it('NoBundled_BuiltDllInACheckoutAboveTheWorkspace_RunWithDotnet', () => {
    dir.write('repo/BackendSidecar.sln');
    const dll = dir.write('repo/src/BackendSidecar/bin/Debug/net10.0/backend-sidecar.dll');
    const dotnet = dir.write('tools/dotnet', '', 0o755);

    const launch = locateSidecar({ extensionPath: join(dir.path, 'ext'), workspaceFolders: [join(dir.path, 'repo', 'examples', 'demo')], path: join(dir.path, 'tools'), platform: 'linux' });

    assert.deepEqual(launch, { command: dotnet, args: [dll, 'serve'], source: 'dotnet' });
  });

  it('NothingFound_ListsEveryPlaceSearched', () => {
    dir.write('repo/BackendSidecar.sln');

    const error = throwsSetup(() => locateSidecar({ extensionPath: join(dir.path, 'repo', 'editor-extension'), workspaceFolders: [], path: '', platform: 'linux' }));

    assert.deepEqual(error.searched, [
      join(dir.path, 'repo', 'editor-extension', 'sidecar', 'backend-sidecar'),
      join(dir.path, 'repo', 'src', 'BackendSidecar', 'bin', '*', 'net10.0', 'backend-sidecar.dll'),
    ]);
  });
});

describe('locateConfig', () => {
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.remove());

  it('Default_DotVscodeFirstThenRoot', () => {
    const root = dir.write('backends.json', '{}');
    assert.equal(locateConfig('', dir.path), root);
    const vscodeFile = dir.write('.vscode/backends.json', '{}');
    assert.equal(locateConfig(undefined, dir.path), vscodeFile);
  });

  it('Setting_RelativeToTheWorkspace', () => {
    const file = dir.write('conf/dev.json', '{}');
    assert.equal(locateConfig('conf/dev.json', dir.path), file);
  });

  it('Missing_SetupErrorListsTheCandidates', () => {
    assert.throws(() => locateConfig('', dir.path), (e: unknown) =>
      SetupError.is(e, 'configNotFound') && e.searched.join() === [join(dir.path, '.vscode/backends.json'), join(dir.path, 'backends.json')].join());
    assert.throws(() => locateConfig('', undefined), (e: unknown) => SetupError.is(e, 'noWorkspace'));
  });
});

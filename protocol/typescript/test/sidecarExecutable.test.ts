import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { sidecarExecutable, sidecarExecutableName } from '@backend-sidecar/client';

describe('sidecarExecutable', () => {
  it('Windows_NamesTheExe', () => {
    assert.equal(sidecarExecutableName('win32'), 'backend-sidecar.exe');
  });

  it('MacOsAndLinux_NameHasNoExtension', () => {
    assert.equal(sidecarExecutableName('darwin'), 'backend-sidecar');
    assert.equal(sidecarExecutableName('linux'), 'backend-sidecar');
  });

  it('Folder_JoinedWithThePlatformsName', () => {
    assert.equal(sidecarExecutable(join('app', 'resources'), 'win32'), join('app', 'resources', 'backend-sidecar.exe'));
    assert.equal(sidecarExecutable(join('app', 'resources'), 'darwin'), join('app', 'resources', 'backend-sidecar'));
  });

  it('NoPlatformGiven_ThisProcesssPlatform', () => {
    assert.equal(sidecarExecutableName(), process.platform === 'win32' ? 'backend-sidecar.exe' : 'backend-sidecar');
  });
});

// main.js, the Electron glue, loaded under plain Node with a fake `electron` module: it must wire
// runBackendApp to the real app, ipcMain, BrowserWindow and dialog the way Electron expects.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import Module = require('node:module');
import { join } from 'node:path';
import { BackendChannels } from '@backend-sidecar/electron-main-example';
import { TestTimeouts, repoRoot, withTimeout } from '@backend-sidecar/test-support';
import { FakeApp, FakeIpcMain, FakeWebContents } from './fakeElectron';

const exampleDir = join(repoRoot(), 'examples', 'electron-main');
const mainJs = join(exampleDir, 'main.js');

class FakeBrowserWindow {
  static readonly created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loaded: string | undefined;

  constructor(readonly options: { webPreferences: { preload: string; contextIsolation: boolean; sandbox: boolean } }) {
    FakeBrowserWindow.created.push(this);
  }

  loadFile(path: string): Promise<void> {
    this.loaded = path;
    return Promise.resolve();
  }

  isDestroyed(): boolean {
    return this.webContents.destroyed;
  }

  close(): void {
    this.webContents.destroyed = true;
  }
}

describe('Electron example main.js (fake electron module)', () => {
  const loader = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const originalResolve = loader._resolveFilename;
  const savedSidecarPath = process.env.BACKEND_SIDECAR_PATH;
  afterEach(() => {
    loader._resolveFilename = originalResolve;
    delete require.cache['electron'];
    delete require.cache[mainJs];
    if (savedSidecarPath === undefined) delete process.env.BACKEND_SIDECAR_PATH;
    else process.env.BACKEND_SIDECAR_PATH = savedSidecarPath;
  });

  it('mainJs_SidecarMissing_ShowsSplashThenTheErrorDialogAndQuits', async () => {
    const app = new FakeApp();
    const ipcMain = new FakeIpcMain();
    const dialogs: string[][] = [];
    const electron = { app, ipcMain, BrowserWindow: FakeBrowserWindow, dialog: { showErrorBox: (title: string, content: string) => dialogs.push([title, content]) } };
    loader._resolveFilename = function (request: string, ...rest: unknown[]) {
      return request === 'electron' ? 'electron' : originalResolve.call(this, request, ...rest);
    };
    require.cache['electron'] = { id: 'electron', filename: 'electron', loaded: true, exports: electron } as unknown as NodeJS.Module;
    process.env.BACKEND_SIDECAR_PATH = '/nonexistent/backend-sidecar';

    require(mainJs);
    await withTimeout(app.hasQuit, TestTimeouts.Unexpected);

    const [splash] = FakeBrowserWindow.created;
    assert.equal(FakeBrowserWindow.created.length, 1, 'only the splash: no main window without a backend');
    assert.equal(splash!.loaded, join(exampleDir, 'renderer', 'splash.html'));
    assert.ok(existsSync(splash!.loaded!));
    assert.equal(splash!.options.webPreferences.preload, join(exampleDir, 'preload.js'));
    assert.deepEqual([splash!.options.webPreferences.contextIsolation, splash!.options.webPreferences.sandbox], [true, true]);
    assert.equal(splash!.webContents.sent[0]?.channel, BackendChannels.startFailed);
    assert.equal(dialogs.length, 1);
    assert.match(dialogs[0]![1]!, /backend-sidecar could not be started: .*ENOENT.* \(-32097\)/);
  });
});

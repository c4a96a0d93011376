// runBackendApp and its IPC handlers with fake Electron objects, against the real sidecar and a
// real Python backend: what the renderer sees when the app starts, when the backend is killed and
// comes back, when it calls backend:* and when the app quits.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackendChannels, runBackendApp, type BackendApp, type BackendAppOptions } from '@backend-sidecar/electron-main-example';
import { BackendFolder, EventRecorder, TestTimeouts, freePort, isAlive, killIfAlive, repoRoot, sidecarPath, withTimeout } from '@backend-sidecar/test-support';
import { FakeApp, FakeIpcMain, type FakeWindow, type Sent } from './fakeElectron';

interface Started {
  app: FakeApp;
  ipc: FakeIpcMain;
  running: BackendApp;
}

describe('Electron main-process example (fake Electron, real sidecar)', function () {
  this.timeout(60000);
  const folder = new BackendFolder();
  const started: Started[] = [];
  const pids = new Set<number>();
  afterEach(async () => {
    for (const { app, running } of started.splice(0)) {
      if (!app.quitted) app.quit();
      await withTimeout(running.closed, TestTimeouts.Unexpected).catch(() => undefined);
      killIfAlive(running.controller?.client.pid);
    }
    for (const pid of pids) killIfAlive(pid);
    pids.clear();
  });
  after(() => folder.remove());
  // The sidecars inherit this process's environment: their state and attach sockets go to the test's
  // folder, not to the user's ~/.local/state and runtime folder.
  const saved = { XDG_STATE_HOME: process.env.XDG_STATE_HOME, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR };
  before(() => {
    process.env.XDG_STATE_HOME = join(folder.dir, 'state');
    process.env.XDG_RUNTIME_DIR = join(folder.dir, 'run');
  });
  after(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  function start(options: Partial<BackendAppOptions> & { configPath: string }): Started {
    const app = new FakeApp();
    const ipc = new FakeIpcMain();
    const running = runBackendApp({ app, ipcMain: ipc }, {
      sidecarCommand: sidecarPath(),
      backend: 'api',
      createSplashWindow: () => app.createWindow('splash'),
      createMainWindow: () => app.createWindow('main'),
      shutdownTimeoutMs: 20000,
      ...options,
    });
    const result = { app, ipc, running };
    started.push(result);
    return result;
  }

  it('runBackendApp_BackendStarts_SplashUntilRunningThenHandlersAnswerAndEventsReachTheWindowThroughACrash', async () => {
    const { configPath } = await folder.writeApiConfig();
    let splashStatesWhenMainCreated: string[] = [];
    const { app, ipc, running } = start({
      configPath,
      createMainWindow: () => {
        splashStatesWhenMainCreated = states(app.windows[0]!.webContents.sent);
        return app.createWindow('main');
      },
    });

    const status = await running.ready;
    assert.equal(status?.state, 'running');
    pids.add(status!.pid!);
    const [splash, main] = app.windows as [FakeWindow, FakeWindow];
    assert.deepEqual(app.windows.map((w) => w.name), ['splash', 'main']);
    assert.deepEqual(splashStatesWhenMainCreated, ['starting', 'running'], 'the main window comes once the splash has seen running');
    assert.equal(splash.isDestroyed(), true);

    const all = await ipc.invoke(BackendChannels.status);
    assert.deepEqual(all.ok && all.result.backends.map((b: any) => [b.backend, b.state, b.pid]), [['api', 'running', status!.pid]]);

    const sent = new EventRecorder<Sent>(main.webContents.onSend);
    process.kill(status!.pid!, 'SIGKILL');
    const back = await sent.waitFor((s) => s.channel === BackendChannels.statusChanged && s.payload.state === 'running' && s.payload.pid !== status!.pid);
    pids.add(back.payload.pid);
    assert.deepEqual(states(sent.values).slice(0, 2), ['backoff', 'starting']);
    assert.equal(sent.values[0]!.payload.lastExit.signal, 'SIGKILL');

    const restarted = await ipc.invoke(BackendChannels.restart);
    assert.equal(restarted.ok, true);
    assert.equal(restarted.result.state, 'running');
    assert.notEqual(restarted.result.pid, back.payload.pid);
    pids.add(restarted.result.pid);

    const stopped = await ipc.invoke(BackendChannels.stop, { backend: 'api' });
    assert.deepEqual(stopped.ok && [stopped.result.state, stopped.result.pid], ['stopped', null]);
    assert.equal(isAlive(restarted.result.pid), false);
    assert.deepEqual(states(main.webContents.sent).slice(-2), ['stopping', 'stopped']);

    const again = await ipc.invoke(BackendChannels.start);
    assert.equal(again.ok && again.result.state, 'running');
    pids.add(again.result.pid);

    const unknown = await ipc.invoke(BackendChannels.start, { backend: 'nope' });
    assert.equal(unknown.ok, false);
    assert.equal(unknown.error.code, -32010);
    assert.deepEqual(unknown.error.data.known, ['api']);

    const sidecarPid = running.controller!.client.pid!;
    main.close();
    await withTimeout(running.closed, TestTimeouts.Unexpected);

    assert.equal(app.quitted, true);
    assert.equal(app.quitCalls, 2, 'the first quit is held back until the backends are stopped, then quit again');
    assert.equal(isAlive(sidecarPid), false);
    assert.equal(isAlive(again.result.pid), false);
    assert.equal(ipc.handlers.size, 0);
  });

  // Two apps (or an app and an editor window) on one configuration file share one sidecar (protocol
  // 1.1, "Attach"): the second one's sidecar relays to the first one's, and quitting either only
  // detaches it while the other is still there.
  it('runBackendApp_ASecondAppOnTheSameConfig_SharesTheBackend_QuittingTheFirstLeavesItRunningForTheSecond', async () => {
    const { configPath } = await folder.writeApiConfig();
    const first = start({ configPath });
    const status = (await first.running.ready)!;
    pids.add(status.pid!);
    const firstSidecar = first.running.controller!.client.pid!;
    pids.add(firstSidecar);
    const second = start({ configPath });
    const shared = await second.running.ready;
    assert.deepEqual([shared?.state, shared?.pid], ['running', status.pid], 'the second app reaches the running backend, not a second one');

    (first.app.windows.at(-1) as FakeWindow).close();
    await withTimeout(first.running.closed, TestTimeouts.Unexpected);
    assert.equal(first.app.quitted, true);
    assert.equal(isAlive(status.pid!), true, 'the backend keeps running for the second app');
    const all = await second.ipc.invoke(BackendChannels.status);
    assert.deepEqual(all.ok && all.result.backends.map((b: any) => [b.state, b.pid]), [['running', status.pid]]);

    // The last one to quit stops it, and the first app's sidecar ends with it.
    (second.app.windows.at(-1) as FakeWindow).close();
    await withTimeout(second.running.closed, TestTimeouts.Unexpected);
    const deadline = Date.now() + TestTimeouts.Unexpected;
    while ((isAlive(status.pid!) || isAlive(firstSidecar)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(isAlive(status.pid!), false, 'the backend stops with the last app');
    assert.equal(isAlive(firstSidecar), false, 'the shared sidecar ends with the last app');
  });

  it('runBackendApp_BackendExitsBeforeHealthy_SplashGetsTheErrorAndTheAppQuitsWithNothingLeft', async () => {
    const port = await freePort();
    const configPath = folder.writeConfig({
      api: folder.backend({ port, extra: { args: ['-c', 'import sys; print("cannot load the model"); sys.exit(3)'], restart: { policy: 'never' } } }),
    }, 'exits.json');
    const { app, running } = start({ configPath });

    assert.equal(await running.ready, undefined);
    await withTimeout(running.closed, TestTimeouts.Unexpected);

    assert.deepEqual(app.windows.map((w) => w.name), ['splash']);
    const failure = app.windows[0]!.webContents.sent.find((s) => s.channel === BackendChannels.startFailed);
    assert.equal(failure?.payload.code, -32014);
    assert.deepEqual(failure?.payload.data.lastLines, ['cannot load the model']);
    assert.equal(app.quitted, true);
    assert.equal(isAlive(running.controller!.client.pid!), false);
  });

  it('runBackendApp_SplashClosedWhileStarting_StopsTheBackendAndNeverOpensTheMainWindow', async () => {
    const { configPath } = await folder.writeApiConfig({ neverHealthy: true });
    let splashCreated!: (window: FakeWindow) => void;
    const splashWindow = new Promise<FakeWindow>((resolve) => { splashCreated = resolve; });
    const { app, running } = start({
      configPath,
      createSplashWindow: () => {
        const window = app.createWindow('splash');
        splashCreated(window);
        return window;
      },
    });
    const splash = await splashWindow;
    const starting = await new EventRecorder<Sent>(splash.webContents.onSend).waitFor((s) => s.payload.state === 'starting');
    pids.add(starting.payload.pid);

    splash.close();

    assert.equal(await withTimeout(running.ready, TestTimeouts.Unexpected), undefined);
    await withTimeout(running.closed, TestTimeouts.Unexpected);
    assert.deepEqual(app.windows.map((w) => w.name), ['splash']);
    assert.equal(isAlive(starting.payload.pid), false);
    assert.equal(isAlive(running.controller!.client.pid!), false);
  });

  it('preload_ChannelNames_MatchTheMainProcess', () => {
    const preload = readFileSync(join(repoRoot(), 'examples', 'electron-main', 'preload.js'), 'utf8');

    for (const channel of Object.values(BackendChannels)) assert.ok(preload.includes(`'${channel}'`), `preload.js does not use ${channel}`);
  });
});

function states(sent: Sent[]): string[] {
  return sent.filter((s) => s.channel === BackendChannels.statusChanged).map((s) => s.payload.state);
}

"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
// runBackendApp and its IPC handlers with fake Electron objects, against the real sidecar and a
// real Python backend: what the renderer sees when the app starts, when the backend is killed and
// comes back, when it calls backend:* and when the app quits.
const assert = __importStar(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const electron_main_example_1 = require("@backend-sidecar/electron-main-example");
const test_support_1 = require("@backend-sidecar/test-support");
const fakeElectron_1 = require("./fakeElectron");
describe('Electron main-process example (fake Electron, real sidecar)', function () {
    this.timeout(60000);
    const folder = new test_support_1.BackendFolder();
    const started = [];
    const pids = new Set();
    afterEach(async () => {
        for (const { app, running } of started.splice(0)) {
            if (!app.quitted)
                app.quit();
            await withTimeout(running.closed, test_support_1.TestTimeouts.Unexpected).catch(() => undefined);
            (0, test_support_1.killIfAlive)(running.controller?.client.pid);
        }
        for (const pid of pids)
            (0, test_support_1.killIfAlive)(pid);
        pids.clear();
    });
    after(() => folder.remove());
    function start(options) {
        const app = new fakeElectron_1.FakeApp();
        const ipc = new fakeElectron_1.FakeIpcMain();
        const running = (0, electron_main_example_1.runBackendApp)({ app, ipcMain: ipc }, {
            sidecarCommand: (0, test_support_1.sidecarPath)(),
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
        let splashStatesWhenMainCreated = [];
        const { app, ipc, running } = start({
            configPath,
            createMainWindow: () => {
                splashStatesWhenMainCreated = states(app.windows[0].webContents.sent);
                return app.createWindow('main');
            },
        });
        const status = await running.ready;
        assert.equal(status?.state, 'running');
        pids.add(status.pid);
        const [splash, main] = app.windows;
        assert.deepEqual(app.windows.map((w) => w.name), ['splash', 'main']);
        assert.deepEqual(splashStatesWhenMainCreated, ['starting', 'running'], 'the main window comes once the splash has seen running');
        assert.equal(splash.isDestroyed(), true);
        const all = await ipc.invoke(electron_main_example_1.BackendChannels.status);
        assert.deepEqual(all.ok && all.result.backends.map((b) => [b.backend, b.state, b.pid]), [['api', 'running', status.pid]]);
        const sent = new test_support_1.EventRecorder(main.webContents.onSend);
        process.kill(status.pid, 'SIGKILL');
        const back = await sent.waitFor((s) => s.channel === electron_main_example_1.BackendChannels.statusChanged && s.payload.state === 'running' && s.payload.pid !== status.pid);
        pids.add(back.payload.pid);
        assert.deepEqual(states(sent.values).slice(0, 2), ['backoff', 'starting']);
        assert.equal(sent.values[0].payload.lastExit.signal, 'SIGKILL');
        const restarted = await ipc.invoke(electron_main_example_1.BackendChannels.restart);
        assert.equal(restarted.ok, true);
        assert.equal(restarted.result.state, 'running');
        assert.notEqual(restarted.result.pid, back.payload.pid);
        pids.add(restarted.result.pid);
        const stopped = await ipc.invoke(electron_main_example_1.BackendChannels.stop, { backend: 'api' });
        assert.deepEqual(stopped.ok && [stopped.result.state, stopped.result.pid], ['stopped', null]);
        assert.equal((0, test_support_1.isAlive)(restarted.result.pid), false);
        assert.deepEqual(states(main.webContents.sent).slice(-2), ['stopping', 'stopped']);
        const again = await ipc.invoke(electron_main_example_1.BackendChannels.start);
        assert.equal(again.ok && again.result.state, 'running');
        pids.add(again.result.pid);
        const unknown = await ipc.invoke(electron_main_example_1.BackendChannels.start, { backend: 'nope' });
        assert.equal(unknown.ok, false);
        assert.equal(unknown.error.code, -32010);
        assert.deepEqual(unknown.error.data.known, ['api']);
        const sidecarPid = running.controller.client.pid;
        main.close();
        await withTimeout(running.closed, test_support_1.TestTimeouts.Unexpected);
        assert.equal(app.quitted, true);
        assert.equal(app.quitCalls, 2, 'the first quit is held back until the backends are stopped, then quit again');
        assert.equal((0, test_support_1.isAlive)(sidecarPid), false);
        assert.equal((0, test_support_1.isAlive)(again.result.pid), false);
        assert.equal(ipc.handlers.size, 0);
    });
    it('runBackendApp_BackendExitsBeforeHealthy_SplashGetsTheErrorAndTheAppQuitsWithNothingLeft', async () => {
        const port = await (0, test_support_1.freePort)();
        const configPath = folder.writeConfig({
            api: folder.backend({ port, extra: { args: ['-c', 'import sys; print("cannot load the model"); sys.exit(3)'], restart: { policy: 'never' } } }),
        }, 'exits.json');
        const { app, running } = start({ configPath });
        assert.equal(await running.ready, undefined);
        await withTimeout(running.closed, test_support_1.TestTimeouts.Unexpected);
        assert.deepEqual(app.windows.map((w) => w.name), ['splash']);
        const failure = app.windows[0].webContents.sent.find((s) => s.channel === electron_main_example_1.BackendChannels.startFailed);
        assert.equal(failure?.payload.code, -32014);
        assert.deepEqual(failure?.payload.data.lastLines, ['cannot load the model']);
        assert.equal(app.quitted, true);
        assert.equal((0, test_support_1.isAlive)(running.controller.client.pid), false);
    });
    it('runBackendApp_SplashClosedWhileStarting_StopsTheBackendAndNeverOpensTheMainWindow', async () => {
        const { configPath } = await folder.writeApiConfig({ neverHealthy: true });
        let splashCreated;
        const splashWindow = new Promise((resolve) => { splashCreated = resolve; });
        const { app, running } = start({
            configPath,
            createSplashWindow: () => {
                const window = app.createWindow('splash');
                splashCreated(window);
                return window;
            },
        });
        const splash = await splashWindow;
        const starting = await new test_support_1.EventRecorder(splash.webContents.onSend).waitFor((s) => s.payload.state === 'starting');
        pids.add(starting.payload.pid);
        splash.close();
        assert.equal(await withTimeout(running.ready, test_support_1.TestTimeouts.Unexpected), undefined);
        await withTimeout(running.closed, test_support_1.TestTimeouts.Unexpected);
        assert.deepEqual(app.windows.map((w) => w.name), ['splash']);
        assert.equal((0, test_support_1.isAlive)(starting.payload.pid), false);
        assert.equal((0, test_support_1.isAlive)(running.controller.client.pid), false);
    });
    it('preload_ChannelNames_MatchTheMainProcess', () => {
        const preload = (0, node_fs_1.readFileSync)((0, node_path_1.join)((0, test_support_1.repoRoot)(), 'examples', 'electron-main', 'preload.js'), 'utf8');
        for (const channel of Object.values(electron_main_example_1.BackendChannels))
            assert.ok(preload.includes(`'${channel}'`), `preload.js does not use ${channel}`);
    });
});
function states(sent) {
    return sent.filter((s) => s.channel === electron_main_example_1.BackendChannels.statusChanged).map((s) => s.payload.state);
}
function withTimeout(promise, ms) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
//# sourceMappingURL=backendApp.test.js.map
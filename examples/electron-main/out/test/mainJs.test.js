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
// main.js, the Electron glue, loaded under plain Node with a fake `electron` module: it must wire
// runBackendApp to the real app, ipcMain, BrowserWindow and dialog the way Electron expects.
const assert = __importStar(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const Module = require("node:module");
const node_path_1 = require("node:path");
const electron_main_example_1 = require("@backend-sidecar/electron-main-example");
const test_support_1 = require("@backend-sidecar/test-support");
const fakeElectron_1 = require("./fakeElectron");
const exampleDir = (0, node_path_1.join)((0, test_support_1.repoRoot)(), 'examples', 'electron-main');
const mainJs = (0, node_path_1.join)(exampleDir, 'main.js');
class FakeBrowserWindow {
    options;
    static created = [];
    webContents = new fakeElectron_1.FakeWebContents();
    loaded;
    constructor(options) {
        this.options = options;
        FakeBrowserWindow.created.push(this);
    }
    loadFile(path) {
        this.loaded = path;
        return Promise.resolve();
    }
    isDestroyed() {
        return this.webContents.destroyed;
    }
    close() {
        this.webContents.destroyed = true;
    }
}
describe('Electron example main.js (fake electron module)', () => {
    const loader = Module;
    const originalResolve = loader._resolveFilename;
    const savedSidecarPath = process.env.BACKEND_SIDECAR_PATH;
    afterEach(() => {
        loader._resolveFilename = originalResolve;
        delete require.cache['electron'];
        delete require.cache[mainJs];
        if (savedSidecarPath === undefined)
            delete process.env.BACKEND_SIDECAR_PATH;
        else
            process.env.BACKEND_SIDECAR_PATH = savedSidecarPath;
    });
    it('mainJs_SidecarMissing_ShowsSplashThenTheErrorDialogAndQuits', async () => {
        const app = new fakeElectron_1.FakeApp();
        const ipcMain = new fakeElectron_1.FakeIpcMain();
        const dialogs = [];
        const electron = { app, ipcMain, BrowserWindow: FakeBrowserWindow, dialog: { showErrorBox: (title, content) => dialogs.push([title, content]) } };
        loader._resolveFilename = function (request, ...rest) {
            return request === 'electron' ? 'electron' : originalResolve.call(this, request, ...rest);
        };
        require.cache['electron'] = { id: 'electron', filename: 'electron', loaded: true, exports: electron };
        process.env.BACKEND_SIDECAR_PATH = '/nonexistent/backend-sidecar';
        require(mainJs);
        await withTimeout(app.hasQuit, test_support_1.TestTimeouts.Unexpected);
        const [splash] = FakeBrowserWindow.created;
        assert.equal(FakeBrowserWindow.created.length, 1, 'only the splash: no main window without a backend');
        assert.equal(splash.loaded, (0, node_path_1.join)(exampleDir, 'renderer', 'splash.html'));
        assert.ok((0, node_fs_1.existsSync)(splash.loaded));
        assert.equal(splash.options.webPreferences.preload, (0, node_path_1.join)(exampleDir, 'preload.js'));
        assert.deepEqual([splash.options.webPreferences.contextIsolation, splash.options.webPreferences.sandbox], [true, true]);
        assert.equal(splash.webContents.sent[0]?.channel, electron_main_example_1.BackendChannels.startFailed);
        assert.equal(dialogs.length, 1);
        assert.match(dialogs[0][1], /backend-sidecar could not be started: .*ENOENT.* \(-32097\)/);
    });
});
function withTimeout(promise, ms) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
//# sourceMappingURL=mainJs.test.js.map
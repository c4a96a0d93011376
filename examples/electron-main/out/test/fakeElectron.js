"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FakeWindow = exports.FakeWebContents = exports.FakeIpcMain = exports.FakeApp = void 0;
function emitter() {
    const listeners = new Set();
    return {
        fire: (value) => listeners.forEach((l) => l(value)),
        event: (listener) => {
            listeners.add(listener);
            return { dispose: () => listeners.delete(listener) };
        },
    };
}
/** app: whenReady resolves at once; quit() emits before-quit and quits unless a listener prevents it. */
class FakeApp {
    listeners = new Map();
    /** Windows in the order they were created; closed ones stay, marked destroyed. */
    windows = [];
    isPackaged = false;
    quitCalls = 0;
    quitted = false;
    signalQuitted;
    /** Resolves once a quit went through (was not prevented). */
    hasQuit = new Promise((resolve) => { this.signalQuitted = resolve; });
    /** What `new BrowserWindow()` does in main.js. */
    createWindow(name) {
        const window = new FakeWindow(name, () => {
            if (this.windows.every((w) => w.isDestroyed()))
                this.emitWindowAllClosed();
        });
        this.windows.push(window);
        return window;
    }
    whenReady() {
        return Promise.resolve();
    }
    on(event, listener) {
        this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
        return this;
    }
    quit() {
        this.quitCalls++;
        let prevented = false;
        for (const listener of this.listeners.get('before-quit') ?? [])
            listener({ preventDefault: () => { prevented = true; } });
        if (!prevented) {
            this.quitted = true;
            this.signalQuitted();
        }
    }
    /** What Electron does when the last window closes. */
    emitWindowAllClosed() {
        for (const listener of this.listeners.get('window-all-closed') ?? [])
            listener({ preventDefault: () => undefined });
    }
}
exports.FakeApp = FakeApp;
/** ipcMain: invoke() plays the renderer's ipcRenderer.invoke. */
class FakeIpcMain {
    handlers = new Map();
    handle(channel, listener) {
        if (this.handlers.has(channel))
            throw new Error(`Attempted to register a second handler for '${channel}'`);
        this.handlers.set(channel, listener);
    }
    removeHandler(channel) {
        this.handlers.delete(channel);
    }
    async invoke(channel, ...args) {
        const handler = this.handlers.get(channel);
        if (!handler)
            throw new Error(`No handler registered for '${channel}'`);
        // Electron structured-clones the answer: only plain data crosses.
        return structuredClone(await handler({ sender: 'renderer' }, ...args));
    }
}
exports.FakeIpcMain = FakeIpcMain;
class FakeWebContents {
    sent = [];
    sends = emitter();
    destroyed = false;
    /** Every send(), as an event (for EventRecorder). */
    get onSend() {
        return this.sends.event;
    }
    send(channel, payload) {
        if (this.destroyed)
            throw new Error('Object has been destroyed');
        const sent = { channel, payload: structuredClone(payload) };
        this.sent.push(sent);
        this.sends.fire(sent);
    }
    isDestroyed() {
        return this.destroyed;
    }
}
exports.FakeWebContents = FakeWebContents;
/** A BrowserWindow; closing the last one tells the app, as Electron does. */
class FakeWindow {
    name;
    onClosed;
    webContents = new FakeWebContents();
    constructor(name, onClosed) {
        this.name = name;
        this.onClosed = onClosed;
    }
    isDestroyed() {
        return this.webContents.destroyed;
    }
    close() {
        if (this.webContents.destroyed)
            return;
        this.webContents.destroyed = true;
        this.onClosed();
    }
}
exports.FakeWindow = FakeWindow;
//# sourceMappingURL=fakeElectron.js.map
// Fakes of the Electron main-process objects that runBackendApp uses, recording what happens.
import type { AppLike, IpcMainLike, QuitEventLike, WebContentsLike, WindowLike } from '@backend-sidecar/electron-main-example';
import type { Subscribe } from '@backend-sidecar/test-support';

type Listener<T> = (value: T) => void;

function emitter<T>(): { fire: (value: T) => void; event: Subscribe<T> } {
  const listeners = new Set<Listener<T>>();
  return {
    fire: (value) => listeners.forEach((l) => l(value)),
    event: (listener) => {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
  };
}

/** app: whenReady resolves at once; quit() emits before-quit and quits unless a listener prevents it. */
export class FakeApp implements AppLike {
  private readonly listeners = new Map<string, ((event: QuitEventLike) => void)[]>();
  /** Windows in the order they were created; closed ones stay, marked destroyed. */
  readonly windows: FakeWindow[] = [];
  readonly isPackaged = false;
  quitCalls = 0;
  quitted = false;
  private signalQuitted!: () => void;
  /** Resolves once a quit went through (was not prevented). */
  readonly hasQuit = new Promise<void>((resolve) => { this.signalQuitted = resolve; });

  /** What `new BrowserWindow()` does in main.js. */
  createWindow(name: string): FakeWindow {
    const window = new FakeWindow(name, () => {
      if (this.windows.every((w) => w.isDestroyed())) this.emitWindowAllClosed();
    });
    this.windows.push(window);
    return window;
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  on(event: string, listener: (event: QuitEventLike) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  quit(): void {
    this.quitCalls++;
    let prevented = false;
    for (const listener of this.listeners.get('before-quit') ?? []) listener({ preventDefault: () => { prevented = true; } });
    if (!prevented) {
      this.quitted = true;
      this.signalQuitted();
    }
  }

  /** What Electron does when the last window closes. */
  emitWindowAllClosed(): void {
    for (const listener of this.listeners.get('window-all-closed') ?? []) listener({ preventDefault: () => undefined });
  }
}

/** ipcMain: invoke() plays the renderer's ipcRenderer.invoke. */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();

  handle(channel: string, listener: (event: unknown, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  async invoke(channel: string, ...args: unknown[]): Promise<any> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    // Electron structured-clones the answer: only plain data crosses.
    return structuredClone(await handler({ sender: 'renderer' }, ...args));
  }
}

export interface Sent {
  channel: string;
  payload: any;
}

export class FakeWebContents implements WebContentsLike {
  readonly sent: Sent[] = [];
  private readonly sends = emitter<Sent>();
  destroyed = false;

  /** Every send(), as an event (for EventRecorder). */
  get onSend(): Subscribe<Sent> {
    return this.sends.event;
  }

  send(channel: string, payload: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const sent = { channel, payload: structuredClone(payload) };
    this.sent.push(sent);
    this.sends.fire(sent);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** A BrowserWindow; closing the last one tells the app, as Electron does. */
export class FakeWindow implements WindowLike {
  readonly webContents = new FakeWebContents();

  constructor(readonly name: string, private readonly onClosed: () => void) {}

  isDestroyed(): boolean {
    return this.webContents.destroyed;
  }

  close(): void {
    if (this.webContents.destroyed) return;
    this.webContents.destroyed = true;
    this.onClosed();
  }
}

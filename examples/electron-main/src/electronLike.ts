// The parts of Electron's main-process API that this example uses, as interfaces: main.js passes
// the real `app`, `ipcMain` and `BrowserWindow`s, the tests pass fakes (Electron cannot be
// installed here, and logic tested without it is logic that does not depend on it).

/** The event of `before-quit`: preventDefault() cancels this quit. */
export interface QuitEventLike {
  preventDefault(): void;
}

/** Electron's `app` (the subset used here). */
export interface AppLike {
  whenReady(): Promise<unknown>;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: QuitEventLike) => void): unknown;
  quit(): void;
}

/** Electron's `ipcMain` (the subset used here): `handle` answers `ipcRenderer.invoke`. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: unknown, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** A BrowserWindow's `webContents` (the subset used here). */
export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

/** A BrowserWindow (the subset used here). */
export interface WindowLike {
  readonly webContents: WebContentsLike;
  isDestroyed(): boolean;
  close(): void;
}

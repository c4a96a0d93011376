import type { BackendStatus, SidecarClientOptions } from '@backend-sidecar/client';
import { BackendController, toIpcError, type IpcError } from './backendController';
import { BackendChannels } from './channels';
import type { AppLike, IpcMainLike, WindowLike } from './electronLike';

/** How {@link runBackendApp} runs the backend and the windows. */
export interface BackendAppOptions {
  /** The backend-sidecar executable (bundled in the app's resources when packaged). */
  sidecarCommand: string;
  /** The sidecar configuration (backends.json). */
  configPath: string;
  /** A profile of the configuration, e.g. "production" for the bundled backend executable. */
  profile?: string;
  /** The backend the window needs; it is started before the window is created. */
  backend: string;
  /** Creates the splash window, shown until the backend is running. */
  createSplashWindow: () => WindowLike;
  /** Creates the main window, once the backend is running. */
  createMainWindow: () => WindowLike;
  /** The backend could not be started (the splash got `backend:startFailed` too). Default: quit. */
  onStartFailed?: (error: IpcError) => void;
  /** The sidecar's stderr lines (its log). */
  stderr?: (line: string) => void;
  /** How long quitting may take: covers the backends' graceful stop. Default 15000 ms. */
  shutdownTimeoutMs?: number;
  /** Extra SidecarClient options (e.g. parentPid, env). */
  client?: Partial<SidecarClientOptions>;
}

/** A running app, for the caller that wants to wait for it (tests, or a main.js that logs). */
export interface BackendApp {
  /** Settles once the main window is created (resolves with the backend's status) or the start failed (resolves undefined). */
  readonly ready: Promise<BackendStatus | undefined>;
  /** Settles once everything is shut down and the app was told to quit for good. */
  readonly closed: Promise<void>;
  /** The controller, once the sidecar runs. */
  readonly controller: BackendController | undefined;
}

/**
 * The main process of an app whose window needs a local backend: on `ready` it shows a splash,
 * spawns the sidecar, starts the backend and waits until it is running, then creates the main
 * window (renderers get every statusChanged through `backend:statusChanged`). Quitting (last window
 * closed, Cmd+Q, app.quit()) is held back until every backend is stopped and the sidecar is gone.
 */
export function runBackendApp(electron: { app: AppLike; ipcMain: IpcMainLike }, options: BackendAppOptions): BackendApp {
  const { app, ipcMain } = electron;
  let controller: BackendController | undefined;
  let launching: Promise<BackendController | undefined> | undefined;
  let shuttingDown: Promise<void> | undefined;
  let shutDown = false;
  let signalClosed!: () => void;
  const closed = new Promise<void>((resolve) => { signalClosed = resolve; });

  const launch = async (): Promise<BackendStatus | undefined> => {
    await app.whenReady();
    const splash = options.createSplashWindow();
    launching = BackendController.launch({
      command: options.sidecarCommand,
      configPath: options.configPath,
      backend: options.backend,
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
      ...(options.stderr ? { stderr: options.stderr } : {}),
      ...options.client,
    }).then((c) => (controller = c), (error: unknown) => failed(splash, error));
    const launched = await launching;
    if (!launched || shuttingDown) return undefined;
    launched.addRenderer(splash.webContents);
    launched.registerIpc(ipcMain);
    try {
      const status = await launched.startBackend();
      if (shuttingDown) return undefined;
      const window = options.createMainWindow();
      launched.addRenderer(window.webContents);
      launched.removeRenderer(splash.webContents);
      if (!splash.isDestroyed()) splash.close();
      return status;
    } catch (error) {
      if (!shuttingDown) failed(splash, error);
      return undefined;
    }
  };

  const failed = (splash: WindowLike, error: unknown): undefined => {
    const ipcError = toIpcError(error);
    if (!splash.isDestroyed()) splash.webContents.send(BackendChannels.startFailed, ipcError);
    (options.onStartFailed ?? (() => app.quit()))(ipcError);
    return undefined;
  };

  const shutdown = async (): Promise<void> => {
    const launched = await launching?.catch(() => undefined);
    await launched?.dispose(options.shutdownTimeoutMs ?? 15000);
  };

  // The example quits when its last window closes, on macOS too (where apps often stay in the dock).
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (shutDown) return;
    event.preventDefault();
    shuttingDown ??= shutdown().finally(() => {
      shutDown = true;
      app.quit();
      signalClosed();
    });
  });

  return {
    ready: launch(),
    closed,
    get controller() {
      return controller;
    },
  };
}

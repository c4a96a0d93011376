import {
  SidecarClient, SidecarError, type BackendStatus, type SidecarClientOptions, type SidecarExit, type StatusChangedParams, type StatusResult,
} from '@backend-sidecar/client';
import { BackendChannels } from './channels';
import type { IpcMainLike, WebContentsLike } from './electronLike';

/** A SidecarError as it crosses IPC (Electron keeps only an Error's message, so it travels as data). */
export interface IpcError {
  code: number;
  message: string;
  data: unknown;
}

/** What every `backend:*` handler resolves with: never a rejection, so the renderer sees code and data. */
export type IpcResult<T> = { ok: true; result: T } | { ok: false; error: IpcError };

/** What the renderer may send: only which backend. Never args or env: a compromised page could run anything with them. */
interface BackendRequest {
  backend?: string;
}

/**
 * Owns the sidecar for the main process: starts it, forwards every statusChanged to the renderers
 * that want it, answers the renderer's `backend:*` IPC calls, and shuts everything down.
 */
export class BackendController {
  private readonly renderers = new Set<WebContentsLike>();
  private registeredOn: IpcMainLike | undefined;

  private constructor(
    readonly client: SidecarClient,
    /** The backend a request without a name is about (the one the window needs). */
    readonly backend: string,
  ) {
    client.onStatusChanged((change) => this.broadcast(BackendChannels.statusChanged, change));
    client.onExit((exit) => this.broadcast(BackendChannels.sidecarExited, exit satisfies SidecarExit));
  }

  /** Spawns the sidecar and initializes it (quick: it starts no backend unless the configuration says autoStart). */
  static async launch(options: SidecarClientOptions & { backend: string }): Promise<BackendController> {
    const { backend, ...clientOptions } = options;
    return new BackendController(await SidecarClient.start(clientOptions), backend);
  }

  /** Starts the backend and resolves once it is running; rejects with a SidecarError if it cannot get there. */
  startBackend(): Promise<BackendStatus> {
    return this.client.start({ backend: this.backend });
  }

  /** Sends statusChanged (and sidecarExited) to this renderer until it is destroyed or removed. */
  addRenderer(webContents: WebContentsLike): void {
    this.renderers.add(webContents);
  }

  removeRenderer(webContents: WebContentsLike): void {
    this.renderers.delete(webContents);
  }

  /** Registers the `backend:start|stop|restart|status` handlers. */
  registerIpc(ipcMain: IpcMainLike): void {
    this.registeredOn = ipcMain;
    ipcMain.handle(BackendChannels.start, (_event, request) => this.answer(() => this.client.start({ backend: this.nameIn(request) })));
    ipcMain.handle(BackendChannels.stop, (_event, request) => this.answer(() => this.client.stop({ backend: this.nameIn(request) })));
    ipcMain.handle(BackendChannels.restart, (_event, request) => this.answer(() => this.client.restart({ backend: this.nameIn(request) })));
    ipcMain.handle(BackendChannels.status, (_event, request) => this.answer<StatusResult>(() => this.client.status(this.statusParams(request))));
  }

  /**
   * Removes the handlers, then ends the sidecar: shutdown stops every backend gracefully (SIGTERM,
   * then SIGKILL after its stop.timeoutMs), then exit; the sidecar is killed if it has not gone
   * within `timeoutMs`. Give a timeout that covers the backends' stop.timeoutMs.
   * When other clients share the sidecar (another app or an editor window on the same configuration
   * file: protocol 1.1, "Attach"), shutdown only detaches this app and the sidecar is left serving them.
   */
  async dispose(timeoutMs: number): Promise<void> {
    for (const channel of [BackendChannels.start, BackendChannels.stop, BackendChannels.restart, BackendChannels.status]) {
      this.registeredOn?.removeHandler(channel);
    }
    this.registeredOn = undefined;
    await this.client.dispose(timeoutMs, { detach: true });
    this.renderers.clear();
  }

  private broadcast(channel: string, payload: StatusChangedParams | SidecarExit): void {
    for (const renderer of this.renderers) {
      if (renderer.isDestroyed()) this.renderers.delete(renderer);
      else renderer.send(channel, payload);
    }
  }

  private nameIn(request: unknown): string {
    const backend = (request as BackendRequest | undefined)?.backend;
    return typeof backend === 'string' ? backend : this.backend;
  }

  private statusParams(request: unknown): { backend?: string } {
    const backend = (request as BackendRequest | undefined)?.backend;
    return typeof backend === 'string' ? { backend } : {};
  }

  private async answer<T>(call: () => Promise<T>): Promise<IpcResult<T>> {
    try {
      return { ok: true, result: await call() };
    } catch (error) {
      return { ok: false, error: toIpcError(error) };
    }
  }
}

/** A SidecarError (or any error) as plain data that survives Electron's structured clone. */
export function toIpcError(error: unknown): IpcError {
  if (error instanceof SidecarError) return { code: error.code, message: error.message, data: error.data ?? null };
  return { code: -32603, message: error instanceof Error ? error.message : String(error), data: null };
}

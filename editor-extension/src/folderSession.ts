import type * as vscode from 'vscode';
import { locateConfig } from './configLocator';
import { ConfigWatcher } from './configWatcher';
import { SidecarController, type BackendFailure, type ControllerOptions } from './controller/sidecarController';
import type { SecretEnvStore } from './secrets';
import { locateSidecar } from './sidecarLocator';
import { sidecarLine, transitionLine, type ChannelLine } from './sidecarLogLine';
import { LogChannels } from './view/logChannels';
import { StatusBarView } from './view/statusBar';
import type { VscodeApi } from './vscodeApi';

// One workspace folder's sidecar with its status bar items, log channels and config watcher. A
// multi-root workspace has one per folder; a folder without a configuration sits idle (its session
// failed with configNotFound, which shows nothing) until one is created.

export interface FolderSessionOptions {
  api: VscodeApi;
  /** The folder's path. */
  path: string;
  /** The folder's name (as VS Code shows it). */
  name: string;
  /** Its position in the workspace: later folders' items go further right. */
  index: number;
  /** The folder's name while the workspace serves several, else undefined: it then goes on items and channels. */
  label: () => string | undefined;
  extensionPath: string;
  version: string;
  secrets: SecretEnvStore;
  /** Writes to the shared "Backend Sidecar" channel. */
  log: (line: ChannelLine) => void;
  /** A backend of this folder failed (the activation decides whether to notify). */
  onFailure: (failure: BackendFailure) => void;
  /** How the controller reaches a sidecar (tests); default: connectSidecar. */
  startClient?: ControllerOptions['startClient'];
}

export class FolderSession implements vscode.Disposable {
  readonly controller: SidecarController;
  readonly logs: LogChannels;
  private readonly statusBar: StatusBarView;
  private readonly watcher: ConfigWatcher;
  private readonly subscriptions: { dispose(): unknown }[];

  constructor(private readonly options: FolderSessionOptions) {
    const { api, path } = options;
    const uri = api.Uri.file(path);
    const settings = () => api.workspace.getConfiguration('backendSidecar', uri);
    this.controller = new SidecarController({
      plan: async () => {
        // The config first: a folder without one is not a reason to complain about the sidecar.
        const configPath = locateConfig(settings().get<string>('configFile'), path);
        const launch = locateSidecar({
          settingPath: settings().get<string>('sidecarPath'),
          extensionPath: options.extensionPath,
          workspaceFolders: (api.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
        });
        this.log({ level: 'info', message: `starting ${launch.command} ${launch.args.join(' ')} (${launch.source}) with ${configPath}` });
        const profile = settings().get<string>('profile')?.trim();
        return { command: launch.command, args: launch.args, configPath, ...(profile ? { profile } : {}) };
      },
      secretEnv: (backend) => options.secrets.get(backend),
      clientInfo: { name: 'vscode-backend-sidecar', version: options.version },
      ...(options.startClient ? { startClient: options.startClient } : {}),
    });
    const controller = this.controller;
    this.logs = new LogChannels({
      createChannel: (name) => api.window.createOutputChannel(name, { log: true }),
      fetchTail: (backend, tail) => controller.logs(backend, tail),
      folder: options.label,
    });
    this.statusBar = new StatusBarView(api, controller, Date.now, {
      key: path,
      folder: options.label,
      order: options.index,
      lastLines: (backend) => controller.lastLines(backend),
    });
    this.watcher = new ConfigWatcher(api, () => void controller.reload(), path);
    this.subscriptions = [
      controller.onLog((params) => this.logs.append(params)),
      controller.onSidecarOutput((line) => {
        const shown = sidecarLine(line);
        if (shown) this.log(shown);
      }),
      controller.onStatusChanged((change) => this.log(transitionLine(change))),
      controller.onBackendFailed((failure) => options.onFailure(failure)),
      controller.onDidChangeSession((state) => {
        if (state.kind === 'running') this.logs.newSession();
      }),
    ];
  }

  get path(): string {
    return this.options.path;
  }

  get name(): string {
    return this.options.name;
  }

  /** Re-renders the status bar (e.g. the folder names appeared because another folder is now served). */
  render(): void {
    this.statusBar.render();
  }

  /** Writes to the shared channel, with the folder's name when the workspace serves several. */
  private log(line: ChannelLine): void {
    const label = this.options.label();
    this.options.log(label ? { level: line.level, message: `[${label}] ${line.message}` } : line);
  }

  /** Stops this folder's sidecar (shutdown, exit) and disposes its views. */
  async close(timeoutMs: number): Promise<void> {
    try {
      await this.controller.close(timeoutMs);
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    for (const d of [this.statusBar, this.watcher, this.logs, ...this.subscriptions]) d.dispose();
  }
}

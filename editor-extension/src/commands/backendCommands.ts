import type * as vscode from 'vscode';
import type { BackendStatus, CancellationToken, DiagnoseResult } from '@backend-sidecar/client';
import type { SessionState } from '../controller/sidecarController';
import { errorActionTitles, presentError, type ErrorAction, type ErrorPresentation } from '../errorPresentation';
import { parseSecretInput } from '../secrets';
import { oneLine } from '../view/format';
import { backendActionItems, backendItems, sessionActionItems, type BackendAction, type SessionAction } from '../view/quickPicks';
import { browserUrl } from '../browserUrl';
import { hasNoConfig } from '../configLocator';
import { writeStarterConfig } from './starterConfig';
import { showActionsCommand } from '../view/statusBarModel';
import type { VscodeApi } from '../vscodeApi';

// The palette commands (category "Backend") and the status bar's action quick pick. With several
// backends a command asks which (quick pick); with one it acts at once. Long actions run in a
// cancellable notification progress: cancelling cancels the request ($/cancelRequest). In a
// multi-root workspace every folder with a configuration has its own sidecar (a "target"): the
// quick picks list the backends of all of them, each with its folder.

export const commandIds = {
  start: 'backendSidecar.start',
  stop: 'backendSidecar.stop',
  restart: 'backendSidecar.restart',
  showLogs: 'backendSidecar.showLogs',
  showStatus: 'backendSidecar.showStatus',
  diagnose: 'backendSidecar.diagnose',
  restartSidecar: 'backendSidecar.restartSidecar',
  setSecret: 'backendSidecar.setSecret',
  openInBrowser: 'backendSidecar.openInBrowser',
  createConfiguration: 'backendSidecar.createConfiguration',
  showActions: showActionsCommand,
} as const;

/** What the commands need of the controller (SidecarController has it all). */
export interface CommandController {
  readonly state: SessionState;
  readonly configPath: string | undefined;
  whenReady(): Promise<BackendStatus[]>;
  start(backend: string, token?: CancellationToken): Promise<BackendStatus>;
  stop(backend: string, token?: CancellationToken): Promise<BackendStatus>;
  restart(backend: string, token?: CancellationToken): Promise<BackendStatus>;
  diagnose(backend: string, token?: CancellationToken): Promise<DiagnoseResult>;
  restartSidecar(): Promise<void>;
  readonly statuses: BackendStatus[];
}

export interface CommandLogs {
  show(backend: string): Promise<void>;
  note(backend: string, level: 'info' | 'warn' | 'error', message: string): void;
}

/** One workspace folder's sidecar. */
export interface CommandTarget {
  /** Identifies the folder in command arguments (its path). */
  key: string;
  /** The folder's name, shown in quick picks when there are several. */
  folder: string;
  controller: CommandController;
  logs: CommandLogs;
}

/** A workspace folder for "Create Configuration": where its configuration is, if it has one. */
export interface ConfigFolder {
  name: string;
  path: string;
  configPath: string | undefined;
}

export interface CommandDeps {
  vscode: VscodeApi;
  /** The folders' sidecars, those with a configuration first. Default: the one of `controller` and `logs`. */
  targets?: () => CommandTarget[];
  controller?: CommandController;
  logs?: CommandLogs;
  secrets: { set(backend: string, name: string, value: string | undefined): Promise<void> };
  showSidecarLog: () => void;
  /** Writes a line to the "Backend Sidecar" channel (errors and their details). */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** The workspace folders, for "Create Configuration". */
  configFolders?: () => ConfigFolder[];
  now?: () => number;
}

/** A backend of a target: what the commands act on. */
interface Picked {
  target: CommandTarget;
  backend: string;
}

export class BackendCommands {
  constructor(private readonly deps: CommandDeps) {}

  /** Registers every command; returns the registrations to dispose. */
  register(): vscode.Disposable[] {
    // Arguments (from the status bar and the action quick pick): the backend, then the folder's key.
    const handlers: Record<keyof typeof commandIds, (arg?: unknown, folder?: unknown) => Promise<unknown>> = {
      start: (a, f) => this.start(a, f),
      stop: (a, f) => this.stop(a, f),
      restart: (a, f) => this.restart(a, f),
      showLogs: (a, f) => this.showLogs(a, f),
      showStatus: () => this.showStatus(),
      diagnose: (a, f) => this.diagnose(a, f),
      restartSidecar: () => this.restartSidecar(),
      setSecret: (a, f) => this.setSecret(a, f),
      openInBrowser: (a, f) => this.openInBrowser(a, f),
      createConfiguration: () => this.createConfiguration(),
      showActions: (a, f) => this.showActions(a, f),
    };
    return Object.entries(handlers).map(([key, handler]) =>
      this.deps.vscode.commands.registerCommand(commandIds[key as keyof typeof commandIds], handler));
  }

  async start(arg?: unknown, folder?: unknown): Promise<BackendStatus | undefined> {
    const picked = await this.pickBackend(arg, folder, 'Start which backend?');
    return picked && this.longAction(`Starting ${picked.backend}`, picked, (token) => picked.target.controller.start(picked.backend, token));
  }

  async stop(arg?: unknown, folder?: unknown): Promise<BackendStatus | undefined> {
    const picked = await this.pickBackend(arg, folder, 'Stop which backend?');
    return picked && this.longAction(`Stopping ${picked.backend}`, picked, (token) => picked.target.controller.stop(picked.backend, token));
  }

  async restart(arg?: unknown, folder?: unknown): Promise<BackendStatus | undefined> {
    const picked = await this.pickBackend(arg, folder, 'Restart which backend?');
    return picked && this.longAction(`Restarting ${picked.backend}`, picked, (token) => picked.target.controller.restart(picked.backend, token));
  }

  async showLogs(arg?: unknown, folder?: unknown): Promise<void> {
    const picked = await this.pickBackend(arg, folder, 'Show the logs of which backend?');
    if (picked) await picked.target.logs.show(picked.backend);
  }

  /** Every backend with its state; picking one offers its actions. */
  async showStatus(): Promise<void> {
    const ready = await this.ready(this.served());
    if (!ready) return;
    if (ready.every((r) => r.statuses.length === 0)) return this.noBackends(ready[0]?.target);
    const item = await this.deps.vscode.window.showQuickPick(this.items(ready), {
      title: 'Backends', placeHolder: 'Pick a backend for its actions', matchOnDescription: true, matchOnDetail: true,
    });
    if (item) await this.showActions(item.backend, item.target.key);
  }

  async diagnose(arg?: unknown, folder?: unknown): Promise<DiagnoseResult | undefined> {
    const picked = await this.pickBackend(arg, folder, 'Diagnose which backend?');
    if (!picked) return undefined;
    const { backend, target } = picked;
    const result = await this.longAction(`Diagnosing ${backend}`, picked, (token) => target.controller.diagnose(backend, token));
    if (!result) return undefined;
    const { vscode } = this.deps;
    target.logs.note(backend, 'info', `Diagnose: ${result.checks.length} checks`);
    for (const check of result.checks) {
      target.logs.note(backend, check.ok ? 'info' : check.severity === 'error' ? 'error' : 'warn', `${check.ok ? '✓' : '✗'} ${check.id}: ${check.message}`);
      // Where a command was looked for: the line a "not found" needs, too long for a notification.
      const searched = check.detail?.searched;
      if (!check.ok && Array.isArray(searched) && searched.length > 0) target.logs.note(backend, 'error', `  searched: ${searched.join(', ')}`);
    }
    const failed = result.checks.filter((c) => !c.ok);
    if (failed.length === 0) {
      void vscode.window.showInformationMessage(`${backend}: all ${result.checks.length} checks passed.`);
    } else {
      const choice = await vscode.window.showWarningMessage(
        oneLine(`${backend}: ${failed.length} check${failed.length === 1 ? '' : 's'} failed: ${failed[0]!.message}`), errorActionTitles.showLogs);
      if (choice) await target.logs.show(backend);
    }
    return result;
  }

  async restartSidecar(folder?: unknown): Promise<void> {
    const target = await this.pickTarget(folder, 'Restart the sidecar of which folder?');
    if (!target) return;
    const { vscode } = this.deps;
    const { controller } = target;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Restarting backend-sidecar' }, () => controller.restartSidecar());
    if (controller.state.kind === 'failed') await this.showError(controller.state.error, undefined, target);
  }

  /** Opens the backend's web page (its health URL's server, or its port on loopback) in the browser. */
  async openInBrowser(arg?: unknown, folder?: unknown): Promise<string | undefined> {
    const picked = await this.pickBackend(arg, folder, 'Open which backend in the browser?', (s) => browserUrl(s) !== undefined);
    if (!picked) return undefined;
    const status = picked.target.controller.statuses.find((s) => s.backend === picked.backend);
    const url = status && browserUrl(status);
    if (!url) return undefined;
    const { vscode } = this.deps;
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  }

  /** Writes a starter .vscode/backends.json in a folder that has no configuration, and opens it. */
  async createConfiguration(): Promise<string | undefined> {
    const { vscode } = this.deps;
    const folders = this.deps.configFolders?.() ?? [];
    if (folders.length === 0) {
      void vscode.window.showWarningMessage('Open a folder first: the configuration goes into its .vscode folder.');
      return undefined;
    }
    const without = folders.filter((f) => f.configPath === undefined);
    if (without.length === 0) {
      // Nothing to create: the existing one is what the user is after.
      const existing = folders[0]!.configPath!;
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(existing)));
      void vscode.window.showInformationMessage(`${folders.length === 1 ? 'This folder has' : 'Every folder has'} a backends configuration already.`);
      return undefined;
    }
    let folder = without[0]!;
    if (without.length > 1) {
      const item = await vscode.window.showQuickPick(without.map((f) => ({ label: f.name, description: f.path, folder: f })), { placeHolder: 'Create a backends configuration in which folder?' });
      if (!item) return undefined;
      folder = item.folder;
    }
    const path = writeStarterConfig(folder.path);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(path)));
    return path;
  }

  async setSecret(arg?: unknown, folder?: unknown): Promise<void> {
    const picked = await this.pickBackend(arg, folder, 'Set a secret for which backend?');
    if (!picked) return;
    const { backend, target } = picked;
    const { vscode, secrets } = this.deps;
    const { controller } = target;
    const text = await vscode.window.showInputBox({
      title: `Secret for ${backend}`,
      prompt: 'NAME=value: passed to the backend as an environment variable, kept in the editor\'s secret storage. NAME= removes it.',
      placeHolder: 'API_KEY=…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => {
        const parsed = parseSecretInput(value);
        return typeof parsed === 'string' ? parsed : undefined;
      },
    });
    if (text === undefined) return;
    const parsed = parseSecretInput(text);
    if (typeof parsed === 'string') return;
    await secrets.set(backend, parsed.name, parsed.value);
    const running = controller.statuses.some((s) => s.backend === backend && s.state !== 'stopped' && s.state !== 'failed');
    const message = parsed.value === undefined ? `Removed the secret ${parsed.name} of ${backend}.` : `Stored the secret ${parsed.name} for ${backend}; it is passed on its next start.`;
    const choice = running ? await vscode.window.showInformationMessage(message, 'Restart Now') : await vscode.window.showInformationMessage(message);
    if (choice === 'Restart Now') await this.restart(backend, target.key);
  }

  /** The status bar click: the actions for a backend's state, or for the session. */
  async showActions(arg?: unknown, folder?: unknown): Promise<void> {
    const { vscode } = this.deps;
    const targets = this.served(folder);
    const live = targets.filter((t) => t.controller.state.kind === 'running').map((target) => ({ target, statuses: target.controller.statuses }));
    let picked: Picked | undefined;
    if (typeof arg === 'string') {
      const owner = live.find((r) => r.statuses.some((s) => s.backend === arg));
      if (owner) picked = { target: owner.target, backend: arg };
    } else if (live.some((r) => r.statuses.length > 0)) {
      const item = await vscode.window.showQuickPick(this.items(live), { title: 'Backends', placeHolder: 'Pick a backend' });
      if (!item) return;
      picked = { target: item.target, backend: item.backend };
    }
    const status = picked && picked.target.controller.statuses.find((s) => s.backend === picked.backend);
    if (!picked || !status) {
      const target = targets[0];
      if (!target) return;
      const item = await vscode.window.showQuickPick(sessionActionItems(target.controller.state.kind === 'failed'), { title: this.several() ? `backend-sidecar (${target.folder})` : 'backend-sidecar' });
      if (item) await this.runSessionAction(item.action, target);
      return;
    }
    const item = await vscode.window.showQuickPick(backendActionItems(status), { title: `${this.several() ? `${picked.target.folder}/` : ''}${status.backend}: ${status.state}` });
    if (item) await this.runBackendAction(item.action, status.backend, picked.target.key);
  }

  private runBackendAction(action: BackendAction, backend: string, folder: string): Promise<unknown> {
    switch (action) {
      case 'start': return this.start(backend, folder);
      case 'stop': return this.stop(backend, folder);
      case 'restart': return this.restart(backend, folder);
      case 'showLogs': return this.showLogs(backend, folder);
      case 'openInBrowser': return this.openInBrowser(backend, folder);
      case 'diagnose': return this.diagnose(backend, folder);
      case 'setSecret': return this.setSecret(backend, folder);
    }
  }

  private async runSessionAction(action: SessionAction | ErrorAction, target: CommandTarget | undefined, backend?: string): Promise<void> {
    const { vscode } = this.deps;
    switch (action) {
      case 'restartSidecar':
        return this.restartSidecar(target?.key);
      case 'showSidecarLog':
        return this.deps.showSidecarLog();
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'backendSidecar');
        return;
      case 'openConfig': {
        const path = target?.controller.configPath;
        if (!path) return this.runSessionAction('openSettings', target);
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(path)));
        return;
      }
      case 'showLogs':
        if (backend && target) await target.logs.show(backend);
        return;
    }
  }

  /** Runs a request in a cancellable notification; a failure is shown (undefined returned). */
  private async longAction<T>(title: string, picked: Picked, work: (token: CancellationToken) => Promise<T>): Promise<T | undefined> {
    const { vscode } = this.deps;
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => work(token));
    } catch (error) {
      await this.showError(error, picked.backend, picked.target);
      return undefined;
    }
  }

  /** Shows an error with the buttons that help, and runs the one chosen. */
  showError(error: unknown, backend?: string, target?: CommandTarget): Promise<void> {
    return this.present(presentError(error, backend), target);
  }

  /**
   * Shows a notification with its buttons, and runs the one chosen. The "Backend Sidecar" channel
   * gets what the notification leaves out (the searched folders), and the message itself when it is
   * not about a backend: a backend's failure is already there, as its transition to failed.
   * @param target The folder's sidecar the notification is about (Open Config, Show Logs). Default: the first.
   */
  async present(shown: ErrorPresentation, target: CommandTarget | undefined = this.targets()[0]): Promise<void> {
    if (shown.severity === 'none') return;
    const level = shown.severity === 'error' ? 'error' : 'warn';
    if (shown.backend === undefined) this.deps.log?.(level, shown.message);
    if (shown.detail) this.deps.log?.(level, `${shown.backend ? `${shown.backend}: ` : ''}${shown.detail}`);
    const { window } = this.deps.vscode;
    const titles = shown.actions.map((a) => errorActionTitles[a]);
    const choice = shown.severity === 'error' ? await window.showErrorMessage(shown.message, ...titles) : await window.showWarningMessage(shown.message, ...titles);
    const action = shown.actions.find((a) => errorActionTitles[a] === choice);
    if (action) await this.runSessionAction(action, target, shown.backend);
  }

  private targets(): CommandTarget[] {
    const { targets, controller, logs } = this.deps;
    if (targets) return targets();
    return controller && logs ? [{ key: '', folder: '', controller, logs }] : [];
  }

  /**
   * The targets a command is about: the folder named by the argument, else those with a
   * configuration, else all (so that the first says why there is none).
   */
  private served(folder?: unknown): CommandTarget[] {
    const all = this.targets();
    const named = typeof folder === 'string' ? all.filter((t) => t.key === folder) : [];
    if (named.length > 0) return named;
    const withConfig = all.filter((t) => !hasNoConfig(t.controller.state));
    return withConfig.length > 0 ? withConfig : all.slice(0, 1);
  }

  /** Whether quick picks and titles must name the folder. */
  private several(): boolean {
    return this.targets().filter((t) => !hasNoConfig(t.controller.state)).length > 1;
  }

  /** The targets' statuses once their sessions are up; shows why when none is (undefined). */
  private async ready(targets: CommandTarget[]): Promise<Array<{ target: CommandTarget; statuses: BackendStatus[] }> | undefined> {
    const ready: Array<{ target: CommandTarget; statuses: BackendStatus[] }> = [];
    let failure: { error: unknown; target: CommandTarget } | undefined;
    for (const target of targets) {
      try {
        ready.push({ target, statuses: await target.controller.whenReady() });
      } catch (error) {
        failure ??= { error, target };
      }
    }
    if (ready.length > 0) return ready;
    if (failure) await this.showError(failure.error, undefined, failure.target);
    return undefined;
  }

  private items(ready: Array<{ target: CommandTarget; statuses: readonly BackendStatus[] }>): Array<ReturnType<typeof backendItems>[number] & { target: CommandTarget }> {
    const several = this.several();
    return ready.flatMap(({ target, statuses }) => backendItems(statuses, this.now(), several ? target.folder : undefined).map((item) => ({ ...item, target })));
  }

  private async pickTarget(folder: unknown, placeHolder: string): Promise<CommandTarget | undefined> {
    const targets = this.served(folder);
    if (targets.length <= 1) return targets[0];
    const item = await this.deps.vscode.window.showQuickPick(targets.map((t) => ({ label: t.folder, target: t })), { placeHolder });
    return item?.target;
  }

  /**
   * The backend named by the argument (a status bar click), the only one, or the one the user picks.
   * @param eligible Which backends the command applies to (default: all).
   */
  private async pickBackend(arg: unknown, folder: unknown, placeHolder: string, eligible?: (s: BackendStatus) => boolean): Promise<Picked | undefined> {
    const ready = await this.ready(this.served(folder));
    if (!ready) return undefined;
    if (typeof arg === 'string') {
      const owner = ready.find((r) => r.statuses.some((s) => s.backend === arg));
      if (owner) return { target: owner.target, backend: arg };
    }
    const candidates = ready.map((r) => ({ target: r.target, statuses: eligible ? r.statuses.filter(eligible) : r.statuses }));
    const count = candidates.reduce((n, r) => n + r.statuses.length, 0);
    if (count === 0) {
      if (eligible && ready.some((r) => r.statuses.length > 0)) {
        void this.deps.vscode.window.showInformationMessage('No backend has an HTTP health URL or a port to open.');
        return undefined;
      }
      await this.noBackends(ready[0]?.target);
      return undefined;
    }
    if (count === 1) {
      const only = candidates.find((r) => r.statuses.length === 1)!;
      return { target: only.target, backend: only.statuses[0]!.backend };
    }
    const item = await this.deps.vscode.window.showQuickPick(this.items(candidates), { placeHolder, matchOnDescription: true });
    return item && { target: item.target, backend: item.backend };
  }

  private async noBackends(target: CommandTarget | undefined): Promise<void> {
    const choice = await this.deps.vscode.window.showWarningMessage('The backends configuration has no backends.', errorActionTitles.openConfig);
    if (choice) await this.runSessionAction('openConfig', target);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}

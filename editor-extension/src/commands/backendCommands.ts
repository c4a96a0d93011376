import type * as vscode from 'vscode';
import type { BackendStatus, CancellationToken, DiagnoseResult } from '@backend-sidecar/client';
import type { SessionState } from '../controller/sidecarController';
import { errorActionTitles, presentError, type ErrorAction, type ErrorPresentation } from '../errorPresentation';
import { parseSecretInput } from '../secrets';
import { oneLine } from '../view/format';
import { backendActionItems, backendItems, sessionActionItems, type BackendAction, type SessionAction } from '../view/quickPicks';
import { showActionsCommand } from '../view/statusBarModel';
import type { VscodeApi } from '../vscodeApi';

// The palette commands (category "Backend") and the status bar's action quick pick. With several
// backends a command asks which (quick pick); with one it acts at once. Long actions run in a
// cancellable notification progress: cancelling cancels the request ($/cancelRequest).

export const commandIds = {
  start: 'backendSidecar.start',
  stop: 'backendSidecar.stop',
  restart: 'backendSidecar.restart',
  showLogs: 'backendSidecar.showLogs',
  showStatus: 'backendSidecar.showStatus',
  diagnose: 'backendSidecar.diagnose',
  restartSidecar: 'backendSidecar.restartSidecar',
  setSecret: 'backendSidecar.setSecret',
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

export interface CommandDeps {
  vscode: VscodeApi;
  controller: CommandController;
  logs: {
    show(backend: string): Promise<void>;
    note(backend: string, level: 'info' | 'warn' | 'error', message: string): void;
  };
  secrets: { set(backend: string, name: string, value: string | undefined): Promise<void> };
  showSidecarLog: () => void;
  now?: () => number;
}

export class BackendCommands {
  constructor(private readonly deps: CommandDeps) {}

  /** Registers every command; returns the registrations to dispose. */
  register(): vscode.Disposable[] {
    const handlers: Record<keyof typeof commandIds, (arg?: unknown) => Promise<unknown>> = {
      start: (a) => this.start(a),
      stop: (a) => this.stop(a),
      restart: (a) => this.restart(a),
      showLogs: (a) => this.showLogs(a),
      showStatus: () => this.showStatus(),
      diagnose: (a) => this.diagnose(a),
      restartSidecar: () => this.restartSidecar(),
      setSecret: (a) => this.setSecret(a),
      showActions: (a) => this.showActions(a),
    };
    return Object.entries(handlers).map(([key, handler]) =>
      this.deps.vscode.commands.registerCommand(commandIds[key as keyof typeof commandIds], handler));
  }

  async start(arg?: unknown): Promise<BackendStatus | undefined> {
    const backend = await this.pickBackend(arg, 'Start which backend?');
    return backend === undefined ? undefined : this.longAction(`Starting ${backend}`, backend, (token) => this.deps.controller.start(backend, token));
  }

  async stop(arg?: unknown): Promise<BackendStatus | undefined> {
    const backend = await this.pickBackend(arg, 'Stop which backend?');
    return backend === undefined ? undefined : this.longAction(`Stopping ${backend}`, backend, (token) => this.deps.controller.stop(backend, token));
  }

  async restart(arg?: unknown): Promise<BackendStatus | undefined> {
    const backend = await this.pickBackend(arg, 'Restart which backend?');
    return backend === undefined ? undefined : this.longAction(`Restarting ${backend}`, backend, (token) => this.deps.controller.restart(backend, token));
  }

  async showLogs(arg?: unknown): Promise<void> {
    const backend = await this.pickBackend(arg, 'Show the logs of which backend?');
    if (backend) await this.deps.logs.show(backend);
  }

  /** Every backend with its state; picking one offers its actions. */
  async showStatus(): Promise<void> {
    const statuses = await this.ready();
    if (!statuses) return;
    if (statuses.length === 0) return this.noBackends();
    const item = await this.deps.vscode.window.showQuickPick(backendItems(statuses, this.now()), {
      title: 'Backends', placeHolder: 'Pick a backend for its actions', matchOnDescription: true, matchOnDetail: true,
    });
    if (item) await this.showActions(item.backend);
  }

  async diagnose(arg?: unknown): Promise<DiagnoseResult | undefined> {
    const backend = await this.pickBackend(arg, 'Diagnose which backend?');
    if (!backend) return undefined;
    const result = await this.longAction(`Diagnosing ${backend}`, backend, (token) => this.deps.controller.diagnose(backend, token));
    if (!result) return undefined;
    const { logs, vscode } = this.deps;
    logs.note(backend, 'info', `Diagnose: ${result.checks.length} checks`);
    for (const check of result.checks) {
      logs.note(backend, check.ok ? 'info' : check.severity === 'error' ? 'error' : 'warn', `${check.ok ? '✓' : '✗'} ${check.id}: ${check.message}`);
    }
    const failed = result.checks.filter((c) => !c.ok);
    if (failed.length === 0) {
      void vscode.window.showInformationMessage(`${backend}: all ${result.checks.length} checks passed.`);
    } else {
      const choice = await vscode.window.showWarningMessage(
        oneLine(`${backend}: ${failed.length} check${failed.length === 1 ? '' : 's'} failed: ${failed[0]!.message}`), errorActionTitles.showLogs);
      if (choice) await logs.show(backend);
    }
    return result;
  }

  async restartSidecar(): Promise<void> {
    const { vscode, controller } = this.deps;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Restarting backend-sidecar' }, () => controller.restartSidecar());
    if (controller.state.kind === 'failed') await this.showError(controller.state.error);
  }

  async setSecret(arg?: unknown): Promise<void> {
    const backend = await this.pickBackend(arg, 'Set a secret for which backend?');
    if (!backend) return;
    const { vscode, secrets, controller } = this.deps;
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
    if (choice === 'Restart Now') await this.restart(backend);
  }

  /** The status bar click: the actions for a backend's state, or for the session. */
  async showActions(arg?: unknown): Promise<void> {
    const { controller, vscode } = this.deps;
    const statuses = controller.state.kind === 'running' ? controller.statuses : [];
    let backend = typeof arg === 'string' ? arg : undefined;
    if (backend === undefined && statuses.length > 0) {
      const item = await vscode.window.showQuickPick(backendItems(statuses, this.now()), { title: 'Backends', placeHolder: 'Pick a backend' });
      if (!item) return;
      backend = item.backend;
    }
    const status = statuses.find((s) => s.backend === backend);
    if (!status) {
      const item = await vscode.window.showQuickPick(sessionActionItems(controller.state.kind === 'failed'), { title: 'backend-sidecar' });
      if (item) await this.runSessionAction(item.action);
      return;
    }
    const item = await vscode.window.showQuickPick(backendActionItems(status), { title: `${status.backend}: ${status.state}` });
    if (item) await this.runBackendAction(item.action, status.backend);
  }

  private runBackendAction(action: BackendAction, backend: string): Promise<unknown> {
    switch (action) {
      case 'start': return this.start(backend);
      case 'stop': return this.stop(backend);
      case 'restart': return this.restart(backend);
      case 'showLogs': return this.showLogs(backend);
      case 'diagnose': return this.diagnose(backend);
      case 'setSecret': return this.setSecret(backend);
    }
  }

  private async runSessionAction(action: SessionAction | ErrorAction, backend?: string): Promise<void> {
    const { vscode, controller, logs } = this.deps;
    switch (action) {
      case 'restartSidecar':
        return this.restartSidecar();
      case 'showSidecarLog':
        return this.deps.showSidecarLog();
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'backendSidecar');
        return;
      case 'openConfig': {
        const path = controller.configPath;
        if (!path) return this.runSessionAction('openSettings');
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(path)));
        return;
      }
      case 'showLogs':
        if (backend) await logs.show(backend);
        return;
    }
  }

  /** Runs a request in a cancellable notification; a failure is shown (undefined returned). */
  private async longAction<T>(title: string, backend: string, work: (token: CancellationToken) => Promise<T>): Promise<T | undefined> {
    const { vscode } = this.deps;
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => work(token));
    } catch (error) {
      await this.showError(error, backend);
      return undefined;
    }
  }

  /** Shows an error with the buttons that help, and runs the one chosen. */
  showError(error: unknown, backend?: string): Promise<void> {
    return this.present(presentError(error, backend));
  }

  /** Shows a notification with its buttons, and runs the one chosen. */
  async present(shown: ErrorPresentation): Promise<void> {
    if (shown.severity === 'none') return;
    const { window } = this.deps.vscode;
    const titles = shown.actions.map((a) => errorActionTitles[a]);
    const choice = shown.severity === 'error' ? await window.showErrorMessage(shown.message, ...titles) : await window.showWarningMessage(shown.message, ...titles);
    const action = shown.actions.find((a) => errorActionTitles[a] === choice);
    if (action) await this.runSessionAction(action, shown.backend);
  }

  private async ready(): Promise<BackendStatus[] | undefined> {
    try {
      return await this.deps.controller.whenReady();
    } catch (error) {
      await this.showError(error);
      return undefined;
    }
  }

  /** The backend named by the argument (a status bar click), the only one, or the one the user picks. */
  private async pickBackend(arg: unknown, placeHolder: string): Promise<string | undefined> {
    const statuses = await this.ready();
    if (!statuses) return undefined;
    if (typeof arg === 'string' && statuses.some((s) => s.backend === arg)) return arg;
    if (statuses.length === 0) {
      await this.noBackends();
      return undefined;
    }
    if (statuses.length === 1) return statuses[0]!.backend;
    const item = await this.deps.vscode.window.showQuickPick(backendItems(statuses, this.now()), { placeHolder, matchOnDescription: true });
    return item?.backend;
  }

  private async noBackends(): Promise<void> {
    const choice = await this.deps.vscode.window.showWarningMessage('The backends configuration has no backends.', errorActionTitles.openConfig);
    if (choice) await this.runSessionAction('openConfig');
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}

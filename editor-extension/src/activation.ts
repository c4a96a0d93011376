import type * as vscode from 'vscode';
import { BackendCommands, type CommandTarget, type ConfigFolder } from './commands/backendCommands';
import { folderHasConfig, hasNoConfig } from './configLocator';
import type { BackendFailure, ControllerOptions, SidecarController } from './controller/sidecarController';
import { presentBackendFailure, presentCrash } from './errorPresentation';
import { FolderSession } from './folderSession';
import { SecretEnvStore } from './secrets';
import { type ChannelLine } from './sidecarLogLine';
import { ErrorCodes } from '@backend-sidecar/client';
import type { VscodeApi } from './vscodeApi';

/** The parts of vscode.ExtensionContext that activation uses. */
export interface ActivationContext {
  extensionPath: string;
  secrets: vscode.SecretStorage;
  subscriptions: { dispose(): unknown }[];
  extension?: { packageJSON: { version?: string } };
}

export interface ActiveExtension {
  /** The first folder's controller (the only one in a single-folder workspace). */
  readonly controller: SidecarController;
  /** One per workspace folder, in the workspace's order. */
  readonly sessions: readonly FolderSession[];
  commands: BackendCommands;
  /** Stops every sidecar (shutdown, exit) and disposes everything. */
  deactivate(): Promise<void>;
}

/** What tests replace. */
export interface ActivationOptions {
  /** How a folder's controller reaches a sidecar; default: connectSidecar (spawns one). */
  startClient?: ControllerOptions['startClient'];
}

/** Context keys for the commands' `when` clauses (package.json). */
export const contextKeys = {
  /** Some folder has a backends configuration: the backend commands apply. */
  hasConfig: 'backendSidecar.hasConfig',
  /** Some folder has none: "Create Configuration" applies. */
  canCreateConfig: 'backendSidecar.canCreateConfig',
} as const;

/** How long deactivate lets the sidecar stop its backends before it kills it (the host gives ~5 s). */
const deactivateTimeoutMs = 4000;

/**
 * Wires the editor to one sidecar per workspace folder: status bar, log channels, commands, config
 * watching, and a notification when a backend fails on its own.
 */
export function activateWith(api: VscodeApi, context: ActivationContext, options: ActivationOptions = {}): ActiveExtension {
  const sidecarLog = api.window.createOutputChannel('Backend Sidecar', { log: true });
  const log = (line: ChannelLine) => sidecarLog[line.level](line.message);
  const secrets = new SecretEnvStore(context.secrets);
  const version = context.extension?.packageJSON.version ?? '0.0.0';
  let sessions: FolderSession[] = [];

  const served = () => sessions.filter((s) => !hasNoConfig(s.controller.state));
  /** Folder names go on items and channels only when they are needed to tell folders apart. */
  const labelOf = (session: () => FolderSession | undefined) => () => {
    const self = session();
    return self && sessions.length > 1 && served().length > 1 ? self.name : undefined;
  };
  const targetOf = (s: FolderSession): CommandTarget => ({ key: s.path, folder: s.name, controller: s.controller, logs: s.logs });
  const configFolders = (): ConfigFolder[] => sessions.map((s) => ({
    name: s.name,
    path: s.path,
    configPath: folderHasConfig(api.workspace.getConfiguration('backendSidecar', api.Uri.file(s.path)).get<string>('configFile'), s.path),
  }));

  const commands = new BackendCommands({
    vscode: api,
    targets: () => sessions.map(targetOf),
    secrets,
    showSidecarLog: () => sidecarLog.show(true),
    log: (level, message) => log({ level, message }),
    configFolders,
  });

  const updateContext = () => {
    const folders = configFolders();
    void api.commands.executeCommand('setContext', contextKeys.hasConfig, folders.some((f) => f.configPath !== undefined));
    void api.commands.executeCommand('setContext', contextKeys.canCreateConfig, folders.some((f) => f.configPath === undefined));
    for (const s of sessions) s.render();
  };

  const onFailure = (session: FolderSession, failure: BackendFailure) => {
    // A request of the editor that waited on it has shown its own answer.
    if (failure.attended) return;
    void commands.present(presentBackendFailure(failure, labelOf(() => session)()), targetOf(session));
    if (failure.status.lastError?.code === ErrorCodes.CannotStart) void logWhereSearched(session, failure.status.backend);
    if (failure.lastLines.length > 0) log({ level: 'error', message: `${failure.status.backend}: last output:\n${failure.lastLines.join('\n')}` });
  };

  /** A command "not found": where it was looked for goes to the channel (Diagnose finds it out). */
  const logWhereSearched = async (session: FolderSession, backend: string) => {
    try {
      const result = await session.controller.diagnose(backend);
      for (const check of result.checks) {
        const searched = check.detail?.searched;
        if (!check.ok && Array.isArray(searched)) {
          log({ level: 'error', message: `${backend}: ${check.message}; searched: ${searched.join(', ')}` });
          // Show Logs on the notification opens the backend's channel: it says where, too.
          session.logs.note(backend, 'error', `${check.message}; searched: ${searched.join(', ')}`);
        }
      }
    } catch {
      // The sidecar went away meanwhile: the notification said what matters.
    }
  };

  const open = (folder: { uri: { fsPath: string }; name?: string }, index: number): FolderSession => {
    let self: FolderSession | undefined;
    const session = new FolderSession({
      api, path: folder.uri.fsPath, name: folder.name ?? folder.uri.fsPath.split(/[\\/]/).pop() ?? folder.uri.fsPath, index,
      label: labelOf(() => self), extensionPath: context.extensionPath, version, secrets, log,
      onFailure: (failure) => onFailure(session, failure),
      ...(options.startClient ? { startClient: options.startClient } : {}),
    });
    self = session;
    session.controller.onCrash((crash) => {
      const shown = presentCrash(crash);
      if (shown) void commands.present(shown, targetOf(session));
    });
    session.controller.onDidChangeSession((state) => {
      updateContext();
      // No config in a folder is normal: the commands say so when used.
      if (state.kind === 'failed' && !hasNoConfig(state)) void commands.showError(state.error, undefined, targetOf(session));
    });
    void session.controller.open();
    return session;
  };

  const openFolders = () => (api.workspace.workspaceFolders ?? []).map((f, i) => open(f as { uri: { fsPath: string }; name?: string }, i));
  sessions = openFolders();

  // Folders added or removed: a sidecar for each new folder, the removed ones' stopped.
  const folderChanges = api.workspace.onDidChangeWorkspaceFolders(() => {
    const wanted = (api.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const kept = sessions.filter((s) => wanted.includes(s.path));
    for (const gone of sessions.filter((s) => !wanted.includes(s.path))) void gone.close(deactivateTimeoutMs);
    sessions = (api.workspace.workspaceFolders ?? []).map((f, i) => kept.find((s) => s.path === f.uri.fsPath) ?? open(f as { uri: { fsPath: string }; name?: string }, i));
    updateContext();
  });
  updateContext();

  const subscriptions: { dispose(): unknown }[] = [folderChanges, sidecarLog, ...commands.register()];
  let deactivation: Promise<void> | undefined;
  return {
    get controller() {
      const first = sessions[0];
      if (!first) throw new Error('no workspace folder is open');
      return first.controller;
    },
    get sessions() {
      return sessions;
    },
    commands,
    deactivate: () => (deactivation ??= (async () => {
      try {
        await Promise.all(sessions.map((s) => s.close(deactivateTimeoutMs)));
      } finally {
        for (const s of subscriptions) s.dispose();
      }
    })()),
  };
}

import type * as vscode from 'vscode';
import { BackendCommands } from './commands/backendCommands';
import { locateConfig } from './configLocator';
import { ConfigWatcher } from './configWatcher';
import { SidecarController } from './controller/sidecarController';
import { presentCrash } from './errorPresentation';
import { SecretEnvStore } from './secrets';
import { SetupError } from './setupError';
import { locateSidecar } from './sidecarLocator';
import { LogChannels } from './view/logChannels';
import { StatusBarView } from './view/statusBar';
import type { VscodeApi } from './vscodeApi';

/** The parts of vscode.ExtensionContext that activation uses. */
export interface ActivationContext {
  extensionPath: string;
  secrets: vscode.SecretStorage;
  subscriptions: { dispose(): unknown }[];
  extension?: { packageJSON: { version?: string } };
}

export interface ActiveExtension {
  controller: SidecarController;
  commands: BackendCommands;
  /** Stops the sidecar (shutdown, exit) and disposes everything. */
  deactivate(): Promise<void>;
}

/** How long deactivate lets the sidecar stop its backends before it kills it (the host gives ~5 s). */
const deactivateTimeoutMs = 4000;

/** Wires the controller to the editor: status bar, log channels, commands, config watching. */
export function activateWith(api: VscodeApi, context: ActivationContext): ActiveExtension {
  const folderPath = () => api.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const settings = () => api.workspace.getConfiguration('backendSidecar', api.workspace.workspaceFolders?.[0]?.uri);
  const sidecarLog = api.window.createOutputChannel('Backend Sidecar', { log: true });
  const secrets = new SecretEnvStore(context.secrets);

  const controller = new SidecarController({
    plan: async () => {
      // The config first: a workspace without one is not a reason to complain about the sidecar.
      const configPath = locateConfig(settings().get<string>('configFile'), folderPath());
      const launch = locateSidecar({
        settingPath: settings().get<string>('sidecarPath'),
        extensionPath: context.extensionPath,
        workspaceFolders: (api.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      });
      sidecarLog.info(`starting ${launch.command} ${launch.args.join(' ')} (${launch.source}) with ${configPath}`);
      const profile = settings().get<string>('profile')?.trim();
      return { command: launch.command, args: launch.args, configPath, ...(profile ? { profile } : {}) };
    },
    secretEnv: (backend) => secrets.get(backend),
    clientInfo: { name: 'vscode-backend-sidecar', version: context.extension?.packageJSON.version ?? '0.0.0' },
  });

  const logs = new LogChannels({
    createChannel: (name) => api.window.createOutputChannel(name, { log: true }),
    fetchTail: (backend, tail) => controller.logs(backend, tail),
  });
  const commands = new BackendCommands({ vscode: api, controller, logs, secrets, showSidecarLog: () => sidecarLog.show(true) });
  const statusBar = new StatusBarView(api, controller);
  const watcher = new ConfigWatcher(api, () => void controller.reload());

  const subscriptions: { dispose(): unknown }[] = [
    statusBar, watcher, logs, sidecarLog, ...commands.register(),
    controller.onLog((params) => logs.append(params)),
    controller.onSidecarOutput((line) => sidecarLog.info(line)),
    controller.onStatusChanged((change) => sidecarLog.info(`${change.backend}: ${change.previousState} -> ${change.state} (${change.reason})`)),
    controller.onCrash((crash) => {
      const shown = presentCrash(crash);
      if (shown) void commands.present(shown);
    }),
    controller.onDidChangeSession((state) => {
      if (state.kind === 'running') logs.newSession();
      // No config in this workspace is normal: the commands say so when used.
      if (state.kind === 'failed' && !SetupError.is(state.error, 'configNotFound') && !SetupError.is(state.error, 'noWorkspace')) {
        void commands.showError(state.error);
      }
    }),
  ];
  void controller.open();

  let deactivation: Promise<void> | undefined;
  return {
    controller,
    commands,
    deactivate: () => (deactivation ??= (async () => {
      try {
        await controller.close(deactivateTimeoutMs);
      } finally {
        for (const s of subscriptions) s.dispose();
      }
    })()),
  };
}

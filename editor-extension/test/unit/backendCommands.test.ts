import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, SidecarError, type BackendStatus, type CancellationToken, type DiagnoseResult } from '@backend-sidecar/client';
import { BackendCommands, commandIds, type CommandController } from '../../src/commands/backendCommands';
import type { SessionState } from '../../src/controller/sidecarController';
import { SecretEnvStore } from '../../src/secrets';
import { SetupError } from '../../src/setupError';
import { FakeVscode } from './fakeVscode';
import { running, status } from './samples';
import { MemorySecrets } from './memorySecrets';

type Call = { method: string; backend?: string; token?: CancellationToken };

/** A controller that records calls and answers with what the test set. */
class FakeController implements CommandController {
  state: SessionState = { kind: 'running', generation: 1, pid: 100 };
  configPath: string | undefined = '/w/.vscode/backends.json';
  statuses: BackendStatus[] = [running()];
  readonly calls: Call[] = [];
  /** The next backend request's outcome: a status, an error to throw, or 'wait for cancel'. */
  next: BackendStatus | Error | 'untilCancelled' | undefined;
  diagnoseResult: DiagnoseResult = { backend: 'api', ok: true, checks: [] };
  readyError: unknown;

  async whenReady(): Promise<BackendStatus[]> {
    if (this.readyError) throw this.readyError;
    return this.statuses;
  }
  start(backend: string, token?: CancellationToken) {
    return this.request('start', backend, token);
  }
  stop(backend: string, token?: CancellationToken) {
    return this.request('stop', backend, token);
  }
  restart(backend: string, token?: CancellationToken) {
    return this.request('restart', backend, token);
  }
  async diagnose(backend: string, token?: CancellationToken): Promise<DiagnoseResult> {
    this.calls.push({ method: 'diagnose', backend, ...(token ? { token } : {}) });
    return this.diagnoseResult;
  }
  async restartSidecar(): Promise<void> {
    this.calls.push({ method: 'restartSidecar' });
  }
  private async request(method: string, backend: string, token?: CancellationToken): Promise<BackendStatus> {
    this.calls.push({ method, backend, ...(token ? { token } : {}) });
    const next = this.next;
    if (next instanceof Error) throw next;
    if (next === 'untilCancelled') {
      // What the client does: $/cancelRequest, then the sidecar answers -32800.
      return new Promise((_, reject) => token!.onCancellationRequested(() => reject(new SidecarError(ErrorCodes.RequestCancelled, 'cancelled', undefined))));
    }
    return next ?? running({ backend });
  }
}

class FakeLogs {
  readonly shown: string[] = [];
  readonly notes: Array<{ backend: string; level: string; message: string }> = [];
  async show(backend: string) {
    this.shown.push(backend);
  }
  note(backend: string, level: 'info' | 'warn' | 'error', message: string) {
    this.notes.push({ backend, level, message });
  }
}

describe('BackendCommands (fake vscode)', () => {
  let vscode: FakeVscode;
  let controller: FakeController;
  let logs: FakeLogs;
  let secrets: MemorySecrets;
  let sidecarLogShown: number;
  let logged: Array<[string, string]>;
  let commands: BackendCommands;

  beforeEach(() => {
    vscode = new FakeVscode();
    controller = new FakeController();
    logs = new FakeLogs();
    secrets = new MemorySecrets();
    sidecarLogShown = 0;
    logged = [];
    commands = new BackendCommands({
      vscode: vscode.api, controller, logs, secrets: new SecretEnvStore(secrets), showSidecarLog: () => sidecarLogShown++, log: (level, message) => logged.push([level, message]),
    });
  });

  it('register_EveryContributedCommandHasAHandler_AllInCategoryBackend', () => {
    commands.register();
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    const contributed = manifest.contributes.commands as Array<{ command: string; title: string; category: string }>;

    assert.deepEqual(contributed.map((c) => c.command).sort(), [...vscode.commands.keys()].sort());
    assert.deepEqual(Object.values(commandIds).sort(), [...vscode.commands.keys()].sort());
    assert.ok(contributed.every((c) => c.category === 'Backend'));
    assert.deepEqual(contributed.filter((c) => c.command !== commandIds.showActions).map((c) => `${c.category}: ${c.title}`),
      ['Backend: Start', 'Backend: Stop', 'Backend: Restart', 'Backend: Show Logs', 'Backend: Show Status', 'Backend: Diagnose', 'Backend: Restart Sidecar', 'Backend: Set Secret',
        'Backend: Open in Browser', 'Backend: Create Configuration']);
  });

  it('start_OneBackend_ActsAtOnceInACancellableNotification', async () => {
    const result = await commands.start();

    assert.equal(vscode.quickPicks.length, 0);
    assert.deepEqual(controller.calls.map((c) => [c.method, c.backend]), [['start', 'api']]);
    assert.deepEqual(vscode.progress[0]!.options, { location: 15, title: 'Starting api', cancellable: true });
    assert.equal(controller.calls[0]!.token, vscode.progress[0]!.token, 'the progress token is the request token');
    assert.equal(result?.state, 'running');
    assert.deepEqual(vscode.messages, []);
  });

  it('stop_SeveralBackends_AsksWhichWithAQuickPick', async () => {
    controller.statuses = [running(), status({ backend: 'worker', state: 'running', pid: 7 })];
    vscode.pick('worker');

    await commands.stop();

    assert.deepEqual(vscode.quickPicks[0]!.items.map((i) => i.label), ['api', 'worker']);
    assert.equal(vscode.quickPicks[0]!.options?.placeHolder, 'Stop which backend?');
    assert.deepEqual(controller.calls.map((c) => [c.method, c.backend]), [['stop', 'worker']]);
  });

  it('restart_SeveralBackendsPickDismissed_DoesNothing', async () => {
    controller.statuses = [running(), running({ backend: 'worker' })];

    await commands.restart();

    assert.deepEqual(controller.calls, []);
  });

  it('restart_ArgumentNamesABackend_NoQuestion', async () => {
    controller.statuses = [running(), running({ backend: 'worker' })];

    await commands.restart('worker');

    assert.deepEqual([vscode.quickPicks.length, controller.calls[0]!.method, controller.calls[0]!.backend], [0, 'restart', 'worker']);
  });

  it('start_CancelledFromTheNotification_CancelsTheRequestAndShowsNoError', async () => {
    controller.next = 'untilCancelled';
    vscode.onProgress = (call) => setImmediate(() => call.token.cancel());

    const result = await commands.start();

    assert.equal(result, undefined);
    assert.equal(controller.calls[0]!.token!.isCancellationRequested, true);
    assert.deepEqual(vscode.messages, []);
  });

  it('start_CannotStart_SearchedFoldersGoToTheLogNotTheToast_OpenConfigOpensTheFile', async () => {
    controller.next = new SidecarError(ErrorCodes.CannotStart, 'executable "uvicorn" not found', { backend: 'api', searched: ['/w/.venv/bin'] });
    vscode.messageAnswers.push('Open Config');

    await commands.start();

    assert.deepEqual(vscode.messages, [{ severity: 'error', message: 'Cannot start api: executable "uvicorn" not found. Diagnose shows where it was looked for.', items: ['Open Config', 'Show Logs'] }]);
    assert.deepEqual(logged, [['error', 'api: Searched: /w/.venv/bin']]);
    assert.deepEqual(vscode.openedDocuments, ['/w/.vscode/backends.json']);
  });

  it('start_PortInUse_NamesTheProcess', async () => {
    controller.next = new SidecarError(ErrorCodes.PortInUse, 'port in use', { backend: 'api', port: 8882, pid: 31, processName: 'python3' });

    await commands.start();

    assert.match(vscode.messages[0]!.message, /port 8882 is in use by python3 \(PID 31\)/);
  });

  it('restart_ExitedBeforeHealthy_ShowLogsOpensTheBackendsChannel', async () => {
    controller.next = new SidecarError(ErrorCodes.ExitedBeforeHealthy, 'exited', { backend: 'api', exitCode: 3, signal: null, lastLines: ['bad config'] });
    vscode.messageAnswers.push('Show Logs');

    await commands.restart();

    assert.deepEqual(vscode.messages[0]!.items, ['Show Logs']);
    assert.deepEqual(logs.shown, ['api']);
  });

  it('start_NoSidecar_ShowsTheSetupErrorWithOpenSettings', async () => {
    controller.readyError = new SetupError('sidecarNotFound', 'backend-sidecar was not found', ['/ext/sidecar/backend-sidecar']);
    vscode.messageAnswers.push('Open Settings');

    await commands.start();

    assert.deepEqual(controller.calls, []);
    assert.deepEqual(vscode.messages[0]!.items, ['Open Settings']);
    assert.deepEqual(vscode.executed, [{ command: 'workbench.action.openSettings', args: ['backendSidecar'] }]);
  });

  it('showLogs_OneBackend_ShowsItsChannel', async () => {
    await commands.showLogs();
    assert.deepEqual(logs.shown, ['api']);
  });

  it('showActions_BackendRunning_OffersItsActions_StopRunsStop', async () => {
    vscode.pick('Stop');

    await commands.showActions('api');

    assert.deepEqual(vscode.quickPicks[0]!.items.map((i) => i.label), ['$(debug-restart) Restart', '$(debug-stop) Stop', '$(output) Show Logs', '$(globe) Open in Browser', '$(checklist) Diagnose', '$(key) Set Secret']);
    assert.equal(vscode.quickPicks[0]!.options?.title, 'api: running');
    assert.deepEqual(controller.calls.map((c) => [c.method, c.backend]), [['stop', 'api']]);
  });

  it('showActions_SessionFailed_OffersRestartSidecar', async () => {
    controller.state = { kind: 'failed', error: new Error('x') };
    vscode.pick('Restart Sidecar');

    await commands.showActions();

    assert.deepEqual(vscode.quickPicks[0]!.items.map((i) => i.label), ['$(refresh) Restart Sidecar', '$(output) Show Sidecar Log', '$(settings-gear) Open Settings']);
    assert.deepEqual(controller.calls.map((c) => c.method), ['restartSidecar']);
  });

  it('showActions_Summary_PicksTheBackendFirst', async () => {
    controller.statuses = ['a', 'b', 'c', 'd'].map((backend) => status({ backend }));
    vscode.pick('c');
    vscode.pick('Start');

    await commands.showActions();

    assert.deepEqual(controller.calls.map((c) => [c.method, c.backend]), [['start', 'c']]);
  });

  it('showStatus_ListsEveryBackendWithItsState', async () => {
    controller.statuses = [running(), status({ backend: 'worker', state: 'failed' })];

    await commands.showStatus();

    assert.deepEqual(vscode.quickPicks[0]!.items.map((i) => [i.label, i.description?.split(' · ')[0]]), [['api', '$(pass) running'], ['worker', '$(error) failed']]);
  });

  it('diagnose_WritesEveryCheckToTheChannel_WarnsAboutFailures', async () => {
    controller.diagnoseResult = {
      backend: 'api', ok: false, checks: [
        { id: 'command.found', ok: true, severity: 'error', message: 'python3 found' },
        { id: 'port.free', ok: false, severity: 'error', message: 'port 8882 is in use by nginx' },
      ],
    };
    vscode.messageAnswers.push('Show Logs');

    await commands.diagnose();

    assert.deepEqual(logs.notes.map((n) => [n.level, n.message]), [
      ['info', 'Diagnose: 2 checks'], ['info', '✓ command.found: python3 found'], ['error', '✗ port.free: port 8882 is in use by nginx'],
    ]);
    assert.deepEqual(vscode.messages[0], { severity: 'warning', message: 'api: 1 check failed: port 8882 is in use by nginx', items: ['Show Logs'] });
    assert.deepEqual(logs.shown, ['api']);
  });

  it('setSecret_StoresNameValueInSecretStorage_ValueNeverShown', async () => {
    vscode.inputBoxAnswers.push('API_KEY=super-secret-value');

    await commands.setSecret();

    assert.equal(vscode.inputBoxes[0]!.password, true);
    assert.equal(secrets.data.get('backendSidecar.secretEnv.api'), JSON.stringify({ API_KEY: 'super-secret-value' }));
    assert.deepEqual(vscode.messages.map((m) => m.items), [['Restart Now']]);
    assert.ok(vscode.messages.every((m) => !m.message.includes('super-secret-value')));
    const validate = vscode.inputBoxes[0]!.validateInput as (v: string) => string | undefined;
    assert.equal(validate('A=b'), undefined);
    assert.match(validate('nope')!, /NAME=value/);
  });

  it('setSecret_RestartNow_RestartsTheBackend', async () => {
    vscode.inputBoxAnswers.push('TOKEN=x');
    vscode.messageAnswers.push('Restart Now');

    await commands.setSecret();

    assert.deepEqual(controller.calls.map((c) => [c.method, c.backend]), [['restart', 'api']]);
  });

  it('restartSidecar_InProgress_ThenShowsWhyItFailed', async () => {
    controller.restartSidecar = async () => {
      controller.calls.push({ method: 'restartSidecar' });
      controller.state = { kind: 'failed', error: new SetupError('sidecarNotFound', 'backend-sidecar was not found', []) };
    };

    await commands.restartSidecar();

    assert.equal(vscode.progress[0]!.options.title, 'Restarting backend-sidecar');
    assert.match(vscode.messages[0]!.message, /backend-sidecar was not found/);
    assert.equal(sidecarLogShown, 0);
  });
});

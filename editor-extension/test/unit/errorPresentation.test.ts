import * as assert from 'node:assert/strict';
import { ClientErrorCodes, ErrorCodes, SidecarError } from '@backend-sidecar/client';
import { presentCrash, presentError } from '../../src/errorPresentation';
import { SetupError } from '../../src/setupError';
import { status } from './samples';

const error = (code: number, message: string, data?: unknown) => new SidecarError(code, message, data as never);

describe('errorPresentation', () => {
  it('CannotStart_SearchedFoldersAreADetailForTheLog_ToastOffersOpenConfigAndShowLogs', () => {
    const shown = presentError(error(ErrorCodes.CannotStart, 'executable "uvicorn" not found', { backend: 'api', searched: ['/w/.venv/bin', '/usr/bin'] }));

    assert.deepEqual(shown, {
      severity: 'error',
      message: 'Cannot start api: executable "uvicorn" not found. Diagnose shows where it was looked for.',
      actions: ['openConfig', 'showLogs'],
      backend: 'api',
      detail: 'Searched: /w/.venv/bin, /usr/bin',
    });
  });

  it('PortInUse_NamesTheProcessHoldingThePort', () => {
    const shown = presentError(error(ErrorCodes.PortInUse, 'port 8882 is in use', { backend: 'api', port: 8882, pid: 777, processName: 'nginx' }));

    assert.match(shown.message, /port 8882 is in use by nginx \(PID 777\), which the sidecar did not start/);
    assert.deepEqual(shown.actions, ['openConfig']);
  });

  it('PortInUse_UnknownHolder_SaysSo', () => {
    const shown = presentError(error(ErrorCodes.PortInUse, 'in use', { backend: 'api', port: 8882, pid: null, processName: null }));
    assert.match(shown.message, /in use by a process the sidecar cannot name/);
  });

  it('StartupTimeoutAndExitedBeforeHealthy_OfferShowLogsForTheBackend', () => {
    const timeout = presentError(error(ErrorCodes.StartupTimeout, 'not healthy within 30000 ms', { backend: 'api', status: status() }));
    const exited = presentError(error(ErrorCodes.ExitedBeforeHealthy, 'exited', { backend: 'api', exitCode: 1, signal: null, lastLines: ['Traceback', 'ImportError: no module x', ''] }));

    assert.deepEqual([timeout.actions, timeout.backend], [['showLogs'], 'api']);
    assert.equal(timeout.message, 'api did not become healthy in time: not healthy within 30000 ms');
    assert.deepEqual(exited.actions, ['showLogs']);
    assert.equal(exited.message, 'api exited (code 1) before it became healthy: ImportError: no module x');
  });

  it('InvalidConfiguration_NamesThePathAndOffersOpenConfig', () => {
    const shown = presentError(error(ErrorCodes.InvalidConfiguration, 'must be >= 1', { path: '$.backends.api.health.intervalMs' }));
    assert.equal(shown.message, 'The backends configuration is invalid at $.backends.api.health.intervalMs: must be >= 1');
    assert.deepEqual(shown.actions, ['openConfig']);
  });

  it('Cancelled_ShowsNothing', () => {
    assert.equal(presentError(error(ErrorCodes.RequestCancelled, 'cancelled')).severity, 'none');
  });

  it('ConnectionClosed_OffersSidecarLogAndRestart', () => {
    const shown = presentError(error(ClientErrorCodes.ConnectionClosed, 'backend-sidecar exited (SIGKILL) before answering'));
    assert.deepEqual(shown.actions, ['showSidecarLog', 'restartSidecar']);
  });

  it('PlainError_OnlyItsMessage_NeverAStackTrace', () => {
    const e = new Error('boom\n    at somewhere (file.js:1:1)');
    const shown = presentError(e);
    assert.equal(shown.message, 'boom at somewhere (file.js:1:1)');
    assert.doesNotMatch(shown.message, /Error:/);
  });

  it('SetupErrors_ListWhatWasSearchedAndOfferOpenSettings', () => {
    const sidecar = presentError(new SetupError('sidecarNotFound', 'backend-sidecar was not found', ['/ext/sidecar/backend-sidecar']));
    const config = presentError(new SetupError('configNotFound', 'no backends configuration was found', ['/w/.vscode/backends.json', '/w/backends.json']));

    assert.equal(sidecar.severity, 'error');
    assert.match(sidecar.message, /Searched: \/ext\/sidecar\/backend-sidecar\. Set backendSidecar\.sidecarPath/);
    assert.deepEqual(sidecar.actions, ['openSettings']);
    assert.match(config.message, /Searched: \/w\/\.vscode\/backends\.json, \/w\/backends\.json/);
  });

  it('presentCrash_Restarting_SaysSoWithTheCount_GivingUp_LeftToTheFailedState', () => {
    const exit = { code: null, signal: 'SIGKILL' as const, stderrTail: [] };
    const shown = presentCrash({ exit, restart: true, attempt: 2, maxRestarts: 5, windowMs: 180_000 });

    assert.equal(shown?.message, 'backend-sidecar exited unexpectedly (SIGKILL); restarting it (restart 2 of at most 5 in 3 minutes).');
    assert.equal(presentCrash({ exit, restart: false, attempt: 5, maxRestarts: 5, windowMs: 180_000 }), undefined);
  });
});

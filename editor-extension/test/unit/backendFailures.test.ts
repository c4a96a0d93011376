import * as assert from 'node:assert/strict';
import { ErrorCodes, SidecarError } from '@backend-sidecar/client';
import { SidecarController, type BackendFailure } from '../../src/controller/sidecarController';
import { presentBackendFailure } from '../../src/errorPresentation';
import { fakeClients, outputLines, stdoutLine, type FakeSidecarClient } from './fakeSidecarClient';
import { status } from './samples';
import { TempDir } from './tempDir';

/** Polls (bounded) until `condition` holds: the controller fetches the last lines asynchronously. */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Backend failures (SidecarController on a fake client)', () => {
  let dir: TempDir;
  let controller: SidecarController;
  let client: FakeSidecarClient;
  let failures: BackendFailure[];

  beforeEach(async () => {
    dir = new TempDir();
    const configPath = dir.write('backends.json', JSON.stringify({ backends: { api: { command: 'python3', autoStart: true } } }));
    const fake = fakeClients(() => [status()]);
    controller = new SidecarController({ plan: async () => ({ command: 'backend-sidecar', args: [], configPath }), secretEnv: async () => ({}), startClient: fake.startClient });
    failures = [];
    controller.onBackendFailed((f) => failures.push(f));
    await controller.open();
    client = fake.clients[0]!;
  });
  afterEach(async () => {
    await controller.close();
    dir.remove();
  });

  const gaveUp = { code: ErrorCodes.TooManyRestarts, message: 'gave up after exited with code 1: 3 restarts in 60000 ms' };

  it('AutoStartExitsAndIsRetried_OneFailureWhenItGivesUp_NotOnePerRetry_WithTheLastOutputLines', async () => {
    client.output.set('api', [...outputLines('loading', '', 'Traceback (most recent call last):', 'a', 'b', 'c', 'ImportError: no module named fastapi'), stdoutLine('bye', 8)]);
    client.change('stopped', { state: 'starting' });
    for (let retry = 0; retry < 3; retry++) {
      client.change('starting', { state: 'backoff', lastExit: { code: 1, signal: null, at: '2025-01-01T00:00:00.000Z' } });
      client.change('backoff', { state: 'starting' });
    }
    client.change('starting', { state: 'failed', lastError: gaveUp });

    await until(() => failures.length > 0, 'the failure');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(failures.length, 1);
    assert.equal(failures[0]!.attended, false);
    assert.deepEqual(failures[0]!.lastLines, ['a', 'b', 'c', 'ImportError: no module named fastapi', 'bye']);
    assert.deepEqual(controller.lastLines('api'), failures[0]!.lastLines);
    assert.equal(failures[0]!.headline, 'ImportError: no module named fastapi', 'the last stderr line, not a later print');

    client.change('failed', { state: 'starting' });
    assert.deepEqual(controller.lastLines('api'), [], 'forgotten once it starts again');
  });

  it('FailureWhileAPaletteStartWaitsOnIt_IsAttended_TheAnswerReportsIt', async () => {
    client.answer = async (backend) => {
      // As the sidecar does: the statusChanged to failed comes before the error answer.
      client.change('starting', { backend, state: 'failed', lastError: { code: ErrorCodes.ExitedBeforeHealthy, message: 'exited with code 1 before it became healthy' } });
      throw new SidecarError(ErrorCodes.ExitedBeforeHealthy, 'exited', { backend, exitCode: 1, signal: null, lastLines: [] });
    };

    await assert.rejects(controller.start('api'));

    await until(() => failures.length > 0, 'the failure');
    assert.equal(failures[0]!.attended, true);
  });

  it('presentBackendFailure_InWordsWithShowLogsAndOpenConfig_NoProtocolCodeNoSearchedPaths', () => {
    const notFound = presentBackendFailure({ status: status({ state: 'failed', lastError: { code: ErrorCodes.CannotStart, message: 'command "pyhton3" not found' } }), headline: undefined });
    const exited = presentBackendFailure({
      status: status({ state: 'failed', lastError: { code: ErrorCodes.ExitedBeforeHealthy, message: 'exited with code 1 before it became healthy' } }),
      headline: 'ImportError: no module named fastapi',
    }, 'shop');
    const gave = presentBackendFailure({ status: status({ state: 'failed', lastError: gaveUp }), headline: undefined });

    assert.deepEqual(notFound, { severity: 'error', message: 'Backend api could not start: command "pyhton3" not found.', actions: ['showLogs', 'openConfig'], backend: 'api' });
    assert.equal(exited.message, 'Backend api (shop) exited with code 1 before it became healthy. Last output: ImportError: no module named fastapi');
    assert.equal(gave.message, 'Backend api stopped restarting: gave up after exited with code 1: 3 restarts in 60000 ms.');
    for (const shown of [notFound, exited, gave]) assert.doesNotMatch(shown.message, /-32\d{3}|Searched/);
  });
});

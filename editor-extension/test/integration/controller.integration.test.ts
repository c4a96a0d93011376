import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SidecarClient, type BackendState, type StatusChangedParams } from '@backend-sidecar/client';
import { SidecarController, type SessionState } from '../../src/controller/sidecarController';
import { TempDir } from '../unit/tempDir';
import { TestTimeouts, builtSidecar, freePort, isAlive, isolatedEnv, killIfAlive, logLine, nextEvent, pythonBackend, statusOf, webConfig } from './realSidecar';

// The extension's controller against the real built sidecar and a real python backend: start,
// crash of the backend and its recovery, crash of the sidecar itself, reload, stop. Every process
// seen is checked dead at the end, and killed by PID if a test failed half-way.

const secret = 's3cret-token-value';

describe('SidecarController with the real sidecar (integration)', function () {
  this.timeout(90_000);
  let dir: TempDir;
  let controller: SidecarController | undefined;
  const pids = new Set<number>();
  const changes: StatusChangedParams[] = [];

  beforeEach(() => {
    dir = new TempDir();
    dir.write('server.py', pythonBackend);
    changes.length = 0;
  });

  afterEach(async () => {
    try {
      await controller?.close(TestTimeouts.Unexpected);
      for (const pid of pids) assert.equal(isAlive(pid), false, `process ${pid} was left behind`);
    } finally {
      for (const pid of pids) killIfAlive(pid);
      pids.clear();
      controller = undefined;
      dir.remove();
    }
  });

  /** A controller on the built sidecar with `config`, recording every PID and status change. */
  function createController(config: string, secrets: Record<string, string> = {}): SidecarController {
    const configPath = dir.write('backends.json', config);
    const created = new SidecarController({
      plan: async () => ({ command: builtSidecar(), args: ['serve'], configPath }),
      secretEnv: async (backend) => (backend === 'web' ? secrets : {}),
      // The sidecar opens its attach socket for the configuration file: in the test's folder.
      startClient: (options) => SidecarClient.start({ ...options, env: isolatedEnv(dir.path) }),
    });
    created.onDidChangeSession((state) => {
      if (state.kind === 'running' && state.pid) pids.add(state.pid);
    });
    created.onStatusChanged((change) => {
      changes.push(change);
      if (change.pid !== null) pids.add(change.pid);
    });
    controller = created;
    return created;
  }

  const running = (state: SessionState) => state.kind === 'running';

  it('StartCrashRecoverStop_FollowsTheBackendAndLeavesNoProcess', async () => {
    const port = await freePort();
    const c = createController(webConfig(port), { API_TOKEN: secret });

    await c.open();
    assert.equal(c.state.kind, 'running');
    assert.deepEqual(c.statuses.map((s) => [s.backend, s.state]), [['web', 'stopped']]);

    const started = await c.start('web');
    assert.equal(started.state, 'running');
    assert.equal(typeof started.pid, 'number');
    pids.add(started.pid!);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    assert.deepEqual([health.status, await health.json()], [200, { status: 'ok' }]);

    // The secret reached the backend's environment, and the sidecar masks it in the log.
    assert.equal(await logLine(c, 'web', (text) => text.startsWith('token=')), 'token=***');
    assert.ok((await c.logs('web', 200)).entries.every((e) => !e.text.includes(secret)));

    const recovered = statusOf(c, 'web', (s) => s.state === 'running' && s.pid !== started.pid);
    process.kill(started.pid!, 'SIGKILL');
    const after = await recovered;
    pids.add(after.pid!);
    assert.equal(after.lastExit?.signal, 'SIGKILL');
    assert.ok(after.restartCount >= 1);
    assert.equal(isAlive(started.pid!), false);
    const statesAfterCrash = changes.slice(changes.findIndex((ch) => ch.previousState === 'running')).map((ch) => ch.state);
    assert.ok(statesAfterCrash.includes('starting'), `states after the crash: ${statesAfterCrash.join(' -> ')}`);

    const stopped = await c.stop('web');
    assert.equal(stopped.state, 'stopped');
    assert.equal(isAlive(after.pid!), false);

    const sidecarPid = (c.state as { pid?: number }).pid!;
    await c.close(TestTimeouts.Unexpected);
    assert.equal(c.state.kind, 'stopped');
    assert.equal(isAlive(sidecarPid), false);
  });

  it('SidecarKilled_RestartedAndTheBackendBroughtBack', async () => {
    const c = createController(webConfig(await freePort()));
    await c.open();
    const first = await c.start('web');
    const firstSidecar = (c.state as { pid: number }).pid;

    const crashed = nextEvent(c.onCrash);
    const newSession = nextEvent(c.onDidChangeSession, (s) => running(s) && (s as { pid: number }).pid !== firstSidecar);
    process.kill(firstSidecar, 'SIGKILL');

    const crash = await crashed;
    assert.deepEqual([crash.exit.signal, crash.restart, crash.attempt, crash.maxRestarts], ['SIGKILL', true, 1, 5]);
    await newSession;
    const back = await statusOf(c, 'web', (s) => s.state === 'running');
    pids.add(back.pid!);
    assert.notEqual(back.pid, first.pid);
    assert.equal(isAlive(firstSidecar), false);
  });

  it('AutoStartWithASecret_StartedByTheControllerWithItsSecretEnv_ReloadBringsItBack', async () => {
    const c = createController(webConfig(await freePort(), { autoStart: true }), { API_TOKEN: secret });
    await c.open();

    const first = await statusOf(c, 'web', (s) => s.state === 'running');
    assert.equal(await logLine(c, 'web', (text) => text.startsWith('token=')), 'token=***', 'the secret was passed, masked');

    const generation = (c.state as { generation: number }).generation;
    await c.reload();
    assert.equal((c.state as { generation: number }).generation, generation + 1);
    const again = await statusOf(c, 'web', (s) => s.state === 'running');
    assert.notEqual(again.pid, first.pid);
    assert.equal(isAlive(first.pid!), false);
  });

  it('InvalidConfig_SessionFailsWithTheSidecarsError_NoProcessLeft', async () => {
    const c = createController(JSON.stringify({ backends: { web: { command: 'python3', health: { intervalMs: 0 } } } }));

    await c.open();

    assert.equal(c.state.kind, 'failed');
    const error = (c.state as { error: { code?: number; data?: { path?: string } } }).error;
    assert.equal(error.code, -32011);
    assert.match(error.data?.path ?? '', /intervalMs/);
    await assert.rejects(c.whenReady(), (e: unknown) => e === error);
  });

  it('Start_MissingCommand_RejectsWithCannotStartAndWhatWasSearched', async () => {
    const config = JSON.parse(webConfig(await freePort())) as { backends: { web: { command: string } } };
    config.backends.web.command = 'no-such-command-for-backend-sidecar-tests';
    const c = createController(JSON.stringify(config));
    await c.open();

    await assert.rejects(c.start('web'), (e: { code?: number; data?: { searched?: string[] } }) => e.code === -32012 && (e.data?.searched?.length ?? 0) > 0);
    const states = new Set<BackendState>(c.statuses.map((s) => s.state));
    assert.deepEqual([...states], ['failed']);
  });

  it('ConfigFileChanged_ReloadUsesTheNewConfig', async () => {
    const c = createController(webConfig(await freePort()));
    await c.open();
    assert.deepEqual(c.statuses.map((s) => s.backend), ['web']);

    const config = JSON.parse(webConfig(await freePort())) as { backends: Record<string, unknown> };
    config.backends.other = { command: 'python3', args: ['-c', 'pass'] };
    writeFileSync(join(dir.path, 'backends.json'), JSON.stringify(config));
    await c.reload();

    assert.deepEqual(c.statuses.map((s) => s.backend).sort(), ['other', 'web']);
  });
});

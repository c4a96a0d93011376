import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { activateWith, type ActiveExtension } from '../../src/activation';
import { FakeVscode } from '../unit/fakeVscode';
import { MemorySecrets } from '../unit/memorySecrets';
import { TempDir } from '../unit/tempDir';
import { TestTimeouts, builtSidecar, freePort, isAlive, isolatedEnv, killIfAlive, nextEvent, pythonBackend, statusOf, webConfig } from './realSidecar';

// The whole extension as activate() wires it, on a fake `vscode` module, driving the real sidecar:
// the status bar follows a real backend through start, crash, recovery, a palette restart and stop.

describe('Extension activation with the real sidecar (integration, fake vscode)', function () {
  this.timeout(90_000);
  let dir: TempDir;
  let fake: FakeVscode;
  let active: ActiveExtension | undefined;
  const pids = new Set<number>();

  // activate() spawns the sidecar with this process's environment: its logs, state and attach socket go
  // to the test's folder, not to the user's ~/.local/state.
  const userFolders = ['XDG_STATE_HOME', 'XDG_RUNTIME_DIR'] as const;
  const savedEnv = new Map<string, string | undefined>();

  beforeEach(() => {
    dir = new TempDir();
    const isolated = isolatedEnv(dir.path);
    for (const name of userFolders) {
      savedEnv.set(name, process.env[name]);
      process.env[name] = isolated[name];
    }
    fake = new FakeVscode();
    fake.workspaceFolders = [{ uri: { fsPath: dir.path } }];
    fake.settings['backendSidecar.sidecarPath'] = builtSidecar();
  });

  afterEach(async () => {
    try {
      await active?.deactivate();
      for (const pid of pids) assert.equal(isAlive(pid), false, `process ${pid} was left behind`);
    } finally {
      for (const pid of pids) killIfAlive(pid);
      pids.clear();
      active = undefined;
      for (const [name, value] of savedEnv) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      dir.remove();
    }
  });

  function activate(): ActiveExtension {
    active = activateWith(fake.api, { extensionPath: join(dir.path, 'ext'), secrets: new MemorySecrets() as unknown as vscode.SecretStorage, subscriptions: [] });
    active.controller.onDidChangeSession((s) => s.kind === 'running' && s.pid && pids.add(s.pid));
    active.controller.onStatusChanged((s) => s.pid !== null && pids.add(s.pid));
    return active;
  }

  const sidecarChannel = () => fake.channel('Backend Sidecar')!;
  const channelText = () => sidecarChannel().text.join('\n');
  async function until(condition: () => boolean, what: string): Promise<void> {
    const end = Date.now() + TestTimeouts.Unexpected;
    while (!condition()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; channel:\n${channelText()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const shownTexts = () => fake.statusBarItems.filter((i) => i.visible).map((i) => i.text);
  const run = (id: string, ...args: unknown[]) => fake.commands.get(id)!(...args) as Promise<unknown>;

  it('StatusBarFollowsStartCrashRecoveryRestartAndStop_CommandsWork', async () => {
    const port = await freePort();
    dir.write('.vscode/server.py', pythonBackend);
    dir.write('.vscode/backends.json', webConfig(port, { autoStart: true }));
    const { controller } = activate();
    const seen: string[] = [];
    controller.onDidChangeStatuses(() => seen.push(...shownTexts()));

    const first = await statusOf(controller, 'web', (s) => s.state === 'running');
    pids.add(first.pid!);
    assert.deepEqual(shownTexts(), ['$(pass) web: running']);

    // The backend crashes: the status bar shows it coming back.
    seen.length = 0;
    const recovered = statusOf(controller, 'web', (s) => s.state === 'running' && s.pid !== first.pid);
    process.kill(first.pid!, 'SIGKILL');
    const second = await recovered;
    assert.ok(seen.some((t) => /^\$\(sync~spin\) web: (backoff|starting)$/.test(t)), `texts seen: ${seen.join(', ')}`);
    assert.deepEqual(shownTexts(), ['$(pass) web: running']);

    // "Backend: Restart" from the palette: one backend, so no question. (The status bar follows the
    // statusChanged notifications, which may arrive just after the answer.)
    const restarted = await run('backendSidecar.restart') as { state: string; pid: number };
    assert.deepEqual([restarted.state, restarted.pid !== second.pid], ['running', true]);
    await statusOf(controller, 'web', (s) => s.state === 'running' && s.pid === restarted.pid);
    assert.deepEqual(shownTexts(), ['$(pass) web: running']);
    assert.deepEqual(fake.progress.map((p) => p.options.title), ['Restarting web']);

    // "Backend: Show Logs": the channel is shown with the replayed lines.
    await run('backendSidecar.showLogs');
    const channel = fake.channel('Backend: web')!;
    assert.ok(channel.shown >= 1);
    assert.ok(channel.text.includes(`listening on ${port}`), `channel: ${channel.text.join(' | ')}`);

    await run('backendSidecar.stop');
    await statusOf(controller, 'web', (s) => s.state === 'stopped');
    assert.deepEqual(shownTexts(), ['$(circle-slash) web: stopped']);
    assert.deepEqual(fake.messages, []);
    // The backend's log file is in the test's folder (XDG_STATE_HOME above), not in ~/.local/state.
    const stateFiles = readdirSync(join(dir.path, 'state', 'backend-sidecar'), { recursive: true }).map(String);
    assert.ok(stateFiles.some((f) => f.endsWith('web.log')), `files: ${stateFiles.join(', ')}`);
  });

  it('AutoStartCommandNotFound_OneErrorNotificationInWords_SearchedPathsInTheChannelAtErrorLevel', async () => {
    dir.write('.vscode/backends.json', JSON.stringify({ backends: { api: { command: 'pyhton3-not-installed', autoStart: true } } }));
    const { controller } = activate();

    await statusOf(controller, 'api', (s) => s.state === 'failed');
    await until(() => fake.messages.length > 0 && channelText().includes('searched:'), 'the notification and the searched paths');
    await new Promise((r) => setTimeout(r, 200));

    assert.deepEqual(fake.messages, [{ severity: 'error', message: 'Backend api could not start: command "pyhton3-not-installed" not found.', items: ['Show Logs', 'Open Config'] }]);
    const errors = sidecarChannel().lines.filter((l) => l.level === 'error').map((l) => l.message);
    assert.equal(errors[0], 'api: stopped -> failed (command "pyhton3-not-installed" not found)');
    assert.match(errors[1]!, /^api: command "pyhton3-not-installed" not found; searched: \//);
    assert.equal(errors.length, 2, `error lines: ${errors.join(' | ')}`);
    const tooltip = (fake.statusBarItems.find((i) => i.visible)!.tooltip as { value: string }).value;
    assert.doesNotMatch(tooltip, /-320\d\d/);
  });

  it('AutoStartExitsBeforeHealthy_OneNotificationWithItsLastOutputLine_TooltipShowsTheLines_EachTransitionOnceInTheChannel', async () => {
    const port = await freePort();
    dir.write('.vscode/backends.json', JSON.stringify({
      backends: {
        api: {
          command: 'python3', args: ['-c', 'import sys; print("starting up", flush=True); sys.exit("ModuleNotFoundError: No module named fastapi")'],
          port, health: { http: 'http://127.0.0.1:${port}/health', intervalMs: 200 },
          autoStart: true,
        },
      },
    }));
    const { controller } = activate();

    await statusOf(controller, 'api', (s) => s.state === 'failed');
    await until(() => fake.messages.length > 0, 'the notification');
    await new Promise((r) => setTimeout(r, 300));

    assert.deepEqual(fake.messages, [{
      severity: 'error', message: 'Backend api exited with code 1 before it became healthy: ModuleNotFoundError: No module named fastapi: install it in the backend\'s Python environment, or point searchPaths at the environment that has it.', items: ['Show Logs', 'Open Config'],
    }]);
    const tooltip = (fake.statusBarItems.find((i) => i.visible)!.tooltip as { value: string }).value;
    // stdout and stderr are read apart: either order is what the process printed.
    assert.match(tooltip, /Last output:\n\n```text\n(starting up\nModuleNotFoundError: No module named fastapi|ModuleNotFoundError: No module named fastapi\nstarting up)\n```/);
    // Each event once: the sidecar's own lines for the transitions and the failed autoStart are not echoed.
    const about = (pattern: RegExp) => sidecarChannel().text.filter((l) => pattern.test(l));
    assert.equal(about(/api: (stopped|Stopped) -> (starting|Starting)/).length, 1, `channel: ${channelText()}`);
    assert.equal(about(/exited with code 1 before it became healthy/).length, 1, `channel: ${channelText()}`);
    assert.ok(sidecarChannel().lines.some((l) => l.level === 'error' && /^api: starting -> failed/.test(l.message)));
  });

  it('RunningBackendKeepsCrashing_GivesUpAfterItsRestarts_OneNotificationNotOnePerRestart', async () => {
    const port = await freePort();
    dir.write('.vscode/server.py', pythonBackend);
    dir.write('.vscode/crashing.py', 'import runpy, sys, threading, os\nthreading.Timer(0.8, lambda: (print("worker crashed: out of memory", flush=True), os._exit(3))).start()\nsys.argv = ["server.py", sys.argv[1]]\nrunpy.run_path(os.path.join(os.path.dirname(__file__), "server.py"), run_name="__main__")\n');
    dir.write('.vscode/backends.json', webConfig(port, {
      args: ['-u', '${configDir}/crashing.py', '${port}'],
      autoStart: true,
      restart: { policy: 'on-failure', maxRestarts: 1, windowMs: 60000, backoff: { initialMs: 50, factor: 1, maxMs: 50, jitter: 0 } },
    }));
    const { controller } = activate();
    const states: string[] = [];
    controller.onStatusChanged((c) => states.push(c.state));

    // Two starts of a python server and two crashes: more than the usual bound on a loaded machine.
    const failed = (await nextEvent(controller.onDidChangeStatuses, (all) => all.some((s) => s.backend === 'web' && s.state === 'failed'), 3 * TestTimeouts.Unexpected))
      .find((s) => s.backend === 'web')!;
    await until(() => fake.messages.length > 0, 'the notification');
    await new Promise((r) => setTimeout(r, 300));

    assert.ok(states.filter((s) => s === 'backoff').length >= 1, `states: ${states.join(' -> ')}`);
    assert.equal(failed.lastError?.code, -32016);
    assert.equal(fake.messages.length, 1, `messages: ${fake.messages.map((m) => m.message).join(' | ')}`);
    assert.match(fake.messages[0]!.message, /^Backend web stopped restarting: gave up .*\. Last output: worker crashed: out of memory$/);
    assert.doesNotMatch(fake.messages[0]!.message, /-320\d\d/);
  });

  it('ConfigFileCreated_WatcherReloads_StatusBarAppears', async () => {
    const { controller } = activate();
    await controller.whenReady().catch(() => undefined);
    assert.equal(controller.state.kind, 'failed');
    assert.deepEqual(shownTexts(), [], 'no config: nothing in the status bar');
    assert.deepEqual(fake.messages, [], 'no config: no notification either');

    dir.write('server.py', pythonBackend);
    dir.write('backends.json', webConfig(await freePort()));
    const running = nextEvent(controller.onDidChangeSession, (s) => s.kind === 'running', TestTimeouts.Unexpected);
    fake.watchers.at(-1)!.created.fire({});
    await running;

    assert.deepEqual(shownTexts(), ['$(circle-slash) web: stopped']);
  });
});

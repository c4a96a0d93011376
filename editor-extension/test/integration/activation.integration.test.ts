import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { activateWith, type ActiveExtension } from '../../src/activation';
import { FakeVscode } from '../unit/fakeVscode';
import { MemorySecrets } from '../unit/memorySecrets';
import { TempDir } from '../unit/tempDir';
import { TestTimeouts, builtSidecar, freePort, isAlive, killIfAlive, nextEvent, pythonBackend, statusOf, webConfig } from './realSidecar';

// The whole extension as activate() wires it, on a fake `vscode` module, driving the real sidecar:
// the status bar follows a real backend through start, crash, recovery, a palette restart and stop.

describe('Extension activation with the real sidecar (integration, fake vscode)', function () {
  this.timeout(90_000);
  let dir: TempDir;
  let fake: FakeVscode;
  let active: ActiveExtension | undefined;
  const pids = new Set<number>();

  beforeEach(() => {
    dir = new TempDir();
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
      dir.remove();
    }
  });

  function activate(): ActiveExtension {
    active = activateWith(fake.api, { extensionPath: join(dir.path, 'ext'), secrets: new MemorySecrets() as unknown as vscode.SecretStorage, subscriptions: [] });
    active.controller.onDidChangeSession((s) => s.kind === 'running' && s.pid && pids.add(s.pid));
    active.controller.onStatusChanged((s) => s.pid !== null && pids.add(s.pid));
    return active;
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

import * as assert from 'node:assert/strict';
import { SidecarClient } from '@backend-sidecar/client';
import { SidecarController } from '../../src/controller/sidecarController';
import { TempDir } from '../unit/tempDir';
import { TestTimeouts, builtSidecar, freePort, isAlive, isolatedEnv, killIfAlive, pythonBackend, statusOf, webConfig } from './realSidecar';

// Two editor windows on the same folder, as two controllers on the real built sidecar: the second
// attaches to the first one's sidecar (one backend, one pid, no port fight); closing the first
// window leaves the backend to the second; closing the last one stops it and leaves no process.
// The sockets go to a temporary runtime folder, not the user's.

describe('Two windows on one configuration (attach, integration)', function () {
  this.timeout(90_000);
  let dir: TempDir;
  const controllers: SidecarController[] = [];
  const pids = new Set<number>();

  beforeEach(() => {
    dir = new TempDir();
    dir.write('server.py', pythonBackend);
  });

  afterEach(async () => {
    try {
      await Promise.all(controllers.map((c) => c.close(TestTimeouts.Unexpected)));
      await untilGone([...pids]);
    } finally {
      for (const pid of pids) killIfAlive(pid);
      pids.clear();
      controllers.length = 0;
      dir.remove();
    }
  });

  /** A window's controller on the built sidecar, with the sockets in this test's folder. */
  function window(configPath: string): SidecarController {
    const env = isolatedEnv(dir.path);
    const controller = new SidecarController({
      plan: async () => ({ command: builtSidecar(), args: ['serve'], configPath }),
      secretEnv: async () => ({}),
      startClient: (options) => SidecarClient.start({ ...options, env }),
    });
    controller.onDidChangeSession((state) => {
      if (state.kind === 'running' && state.pid) pids.add(state.pid);
    });
    controller.onStatusChanged((change) => {
      if (change.pid !== null) pids.add(change.pid);
    });
    controllers.push(controller);
    return controller;
  }

  it('SecondWindowAttaches_OneBackendPid_FirstCloseLeavesItRunning_LastCloseStopsIt', async () => {
    const port = await freePort();
    const configPath = dir.write('backends.json', webConfig(port));
    const first = window(configPath);
    await first.open();
    const started = await first.start('web');
    assert.equal(started.state, 'running');
    pids.add(started.pid!);

    const second = window(configPath);
    await second.open();
    assert.equal(second.state.kind, 'running');
    // The second window sees the first one's backend, and starting it there is the same process.
    assert.deepEqual(second.statuses.map((s) => [s.backend, s.state, s.pid]), [['web', 'running', started.pid]]);
    assert.equal((await second.start('web')).pid, started.pid);

    await first.close(TestTimeouts.Unexpected);
    assert.equal(isAlive(started.pid!), true, 'closing the first window stopped the backend of the second');
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    assert.equal(health.status, 200);
    assert.equal((await second.logs('web', 10)).backend, 'web', 'the second window still talks to the sidecar');
    assert.equal((await statusOf(second, 'web', () => true)).state, 'running');

    await second.close(TestTimeouts.Unexpected);
    // The first window's sidecar served the second one: it stops the backend and exits as the last one leaves.
    await untilGone([...pids]);
  });

  /** Resolves once none of the processes is alive; fails after the usual bound. */
  async function untilGone(processes: number[]): Promise<void> {
    const deadline = Date.now() + TestTimeouts.Unexpected;
    while (processes.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const pid of processes) assert.equal(isAlive(pid), false, `process ${pid} was left behind`);
  }
});

// SidecarClient (vscode-jsonrpc, header framing) against the real backend-sidecar and a real
// Python backend: proves the framing against the peer the editor extension uses, and checks every
// message on the wire against the OpenRPC document (RealSidecarFixture.cleanUp).
import * as assert from 'node:assert/strict';
import {
  CancellationTokenSource, ClientErrorCodes, ErrorCodes, SidecarError, type LogParams, type StatusChangedParams,
} from '@backend-sidecar/client';
import { BackendFolder, EventRecorder, freePort, isAlive } from '@backend-sidecar/test-support';
import { RealSidecarFixture } from './helpers/realSidecar';

describe('SidecarClient against the real sidecar', function () {
  this.timeout(60000);
  const folder = new BackendFolder();
  const sidecar = new RealSidecarFixture();
  afterEach(() => sidecar.cleanUp());
  after(() => folder.remove());

  it('lifecycle_RealBackend_StartsLogsRecoversFromSigkillRestartsWithNewArgsAndStops', async () => {
    const { configPath, port } = await folder.writeApiConfig();
    const { client, wire } = await sidecar.start({ configPath });
    const changes = new EventRecorder<StatusChangedParams>(client.onStatusChanged);
    const logs = new EventRecorder<LogParams>(client.onLog);

    assert.equal(client.initializeResult.serverInfo.name, 'backend-sidecar');
    assert.deepEqual(client.initializeResult.backends.map((b) => [b.backend, b.state, b.port]), [['api', 'stopped', port]]);

    const started = await client.start({ backend: 'api' });
    sidecar.backendPids.add(started.pid!);
    assert.equal(started.state, 'running');
    assert.ok(isAlive(started.pid!), 'the backend pid should be a live process');
    // The notifications of a transition arrive before the answer that reports its end.
    assert.deepEqual(changes.values.map((c) => [c.previousState, c.state]), [['stopped', 'starting'], ['starting', 'running']]);

    const status = await client.status();
    assert.deepEqual(status.backends.map((b) => [b.backend, b.state, b.pid, b.health?.ok]), [['api', 'running', started.pid, true]]);

    await client.subscribe({ logs: ['api'] });
    await get(port, '/echo?text=hello-from-the-log-test');
    const logged = await logs.waitFor((batch) => batch.entries.some((e) => e.text === 'hello-from-the-log-test'));
    assert.equal(logged.backend, 'api');
    assert.equal(logged.entries.find((e) => e.text === 'hello-from-the-log-test')!.stream, 'stdout');

    const beforeCrash = changes.values.length;
    process.kill(started.pid!, 'SIGKILL');
    const back = await changes.waitFor((c) => c.state === 'running' && c.pid !== started.pid, { from: beforeCrash });
    sidecar.backendPids.add(back.pid!);
    const backoff = await changes.waitFor((c) => c.state === 'backoff', { from: beforeCrash, timeoutMs: 0 });
    assert.ok(changes.values.indexOf(backoff) < changes.values.indexOf(back), 'backoff should come before running again');
    assert.deepEqual(backoff.lastExit && [backoff.lastExit.code, backoff.lastExit.signal], [null, 'SIGKILL']);
    assert.equal(back.restartCount, 1);
    assert.equal(isAlive(started.pid!), false);

    const restarted = await client.restart({ backend: 'api', args: folder.args({ port, tag: 'second' }) });
    sidecar.backendPids.add(restarted.pid!);
    assert.equal(restarted.state, 'running');
    assert.notEqual(restarted.pid, back.pid);
    assert.deepEqual(changes.values.at(-1) && [changes.values.at(-1)!.state, changes.values.at(-1)!.pid], ['running', restarted.pid]);
    assert.deepEqual(await get(port, '/'), { pid: restarted.pid, tag: 'second', args: ['--port', String(port), '--tag', 'second'] });

    const stopped = await client.stop({ backend: 'api' });
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.pid, null);
    assert.deepEqual(changes.values.slice(-2).map((c) => [c.previousState, c.state]), [['running', 'stopping'], ['stopping', 'stopped']]);
    assert.equal(isAlive(restarted.pid!), false);

    const sidecarPid = client.pid!;
    await client.dispose(20000);
    assert.deepEqual(client.exitStatus && [client.exitStatus.code, client.exitStatus.signal], [0, null]);
    assert.equal(isAlive(sidecarPid), false);
    assert.deepEqual(wire.filter((l) => l.dir === 'in').map((l) => (l.message as { method?: string }).method).slice(-2), ['shutdown', 'exit']);
  });

  it('errors_UnknownBackendAndCancelledStartWait_RejectWithTheContractsCodes', async () => {
    const [apiPort, slowPort] = [await freePort(), await freePort()];
    const configPath = folder.writeConfig({
      api: folder.backend({ port: apiPort }),
      slow: folder.backend({ port: slowPort, neverHealthy: true }),
    }, 'two-backends.json');
    const { client } = await sidecar.start({ configPath });
    const changes = new EventRecorder<StatusChangedParams>(client.onStatusChanged);

    const unknown = await client.status({ backend: 'nope' }).then(() => undefined, (e: unknown) => e);
    assert.ok(unknown instanceof SidecarError && unknown.is(ErrorCodes.UnknownBackend), `got ${String(unknown)}`);
    assert.equal(unknown.data.backend, 'nope');
    assert.deepEqual([...unknown.data.known].sort(), ['api', 'slow']);

    const source = new CancellationTokenSource();
    const pending = client.start({ backend: 'slow' }, source.token).then(() => undefined, (e: unknown) => e);
    const starting = await changes.waitFor((c) => c.backend === 'slow' && c.state === 'starting');
    sidecar.backendPids.add(starting.pid!);
    source.cancel();
    const cancelled = await pending;
    assert.ok(cancelled instanceof SidecarError && cancelled.is(ErrorCodes.RequestCancelled), `got ${String(cancelled)}`);

    // Cancelling ends the wait, not the start (protocol/README.md): the backend is still trying.
    const { backends } = await client.status({ backend: 'slow' });
    assert.equal(backends[0]!.state, 'starting');
    const stopped = await client.stop({ backend: 'slow' });
    assert.equal(stopped.state, 'stopped');
    assert.equal(isAlive(starting.pid!), false);
  });

  it('start_InvalidConfigurationFile_RejectsWith32011NamingTheFieldAndLeavesNoSidecar', async () => {
    const configPath = folder.writeConfig({ api: { command: 'python3', health: { http: 'http://127.0.0.1:1/health', intervalMs: 0 } } }, 'invalid.json');

    const error = await SidecarClientStartError(configPath);

    assert.ok(error instanceof SidecarError && error.is(ErrorCodes.InvalidConfiguration), `got ${String(error)}`);
    assert.match(error.data.path, /intervalMs/);
  });

  it('dispose_BackendRunning_StopsItGracefullyAndLeavesNoProcess', async () => {
    const { configPath } = await folder.writeApiConfig();
    const { client } = await sidecar.start({ configPath });
    const running = await client.start({ backend: 'api' });
    sidecar.backendPids.add(running.pid!);
    const sidecarPid = client.pid!;

    await client.dispose(20000);

    assert.equal(client.exitStatus?.code, 0);
    assert.equal(isAlive(sidecarPid), false);
    assert.equal(isAlive(running.pid!), false);
    const afterDispose = await client.status().then(() => undefined, (e: unknown) => e);
    assert.ok(afterDispose instanceof SidecarError && afterDispose.is(ClientErrorCodes.ConnectionClosed));
  });

  /** SidecarClient.start through the fixture, expecting it to fail. */
  async function SidecarClientStartError(configPath: string): Promise<unknown> {
    try {
      await sidecar.start({ configPath });
    } catch (error) {
      return error;
    }
    return assert.fail('SidecarClient.start should have failed');
  }
});

/** GET on the backend; resolves with its JSON answer. */
async function get(port: number, path: string): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10000) });
  assert.equal(response.status, 200);
  return response.json();
}

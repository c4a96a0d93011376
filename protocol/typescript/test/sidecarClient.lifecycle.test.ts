import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ClientErrorCodes, SidecarError, type SidecarExit } from '@backend-sidecar/client';
import { FakeSidecarFixture, TestTimeouts, isAlive, nextEvent } from './helpers/fakeSidecar';

describe('SidecarClient lifecycle (fake sidecar)', () => {
  const fake = new FakeSidecarFixture();
  afterEach(() => fake.cleanUp());
  after(() => fake.remove());

  it('dispose_SidecarExitsNormally_SendsShutdownThenExitAndFiresNoOnExit', async () => {
    const { client, transcriptPath } = await fake.start();
    await client.start();
    const exits: SidecarExit[] = [];
    client.onExit((exit) => exits.push(exit));

    await client.dispose(TestTimeouts.Unexpected);

    assert.deepEqual(client.exitStatus && [client.exitStatus.code, client.exitStatus.signal], [0, null]);
    const sent = readFileSync(transcriptPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.dir === 'in').map((l) => l.message.method);
    assert.deepEqual(sent.slice(-2), ['shutdown', 'exit']);
    assert.deepEqual(exits, []);
    assert.equal(isAlive(client.pid!), false);
  });

  it('dispose_StopBackends_SendsShutdownWithStopBackendsAndPlainShutdownOtherwise', async () => {
    const shutdownParams = async (dispose: (client: Awaited<ReturnType<FakeSidecarFixture['start']>>['client']) => Promise<void>) => {
      const { client, transcriptPath } = await fake.start();
      await dispose(client);
      const received = readFileSync(transcriptPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.dir === 'in');
      return received.find((l) => l.message.method === 'shutdown').message.params;
    };

    assert.deepEqual(await shutdownParams((c) => c.dispose(TestTimeouts.Unexpected, { stopBackends: true })), { stopBackends: true });
    // A plain shutdown stays the 1.0 message (no params), which a 1.0 sidecar accepts.
    assert.equal(await shutdownParams((c) => c.dispose(TestTimeouts.Unexpected)), undefined);
  });

  it('dispose_Detach_SidecarAnsweredButServesOthers_LeftRunning_WithoutDetachKilled', async () => {
    const shared = await fake.start({ flags: ['--serve-others'] });
    const began = Date.now();
    await shared.client.dispose(TestTimeouts.Unexpected, { detach: true });
    assert.ok(Date.now() - began < TestTimeouts.Unexpected / 2, 'detach should not wait for the whole timeout');
    assert.equal(isAlive(shared.client.pid!), true, 'a sidecar that serves other clients must not be killed');

    const alone = await fake.start({ flags: ['--serve-others'] });
    await alone.client.dispose(500);
    assert.equal(alone.client.exitStatus?.signal, 'SIGKILL', 'without detach, a sidecar still running at the deadline is killed');
  });

  it('dispose_SidecarHangsOnShutdown_KillsItOnceTheTimeoutPasses', async () => {
    const { client } = await fake.start({ flags: ['--hang-on-shutdown'] });
    const exits: SidecarExit[] = [];
    client.onExit((exit) => exits.push(exit));
    const began = Date.now();

    await client.dispose(300);

    assert.ok(Date.now() - began >= 290, 'dispose should have waited for the timeout before killing');
    assert.equal(client.exitStatus?.signal, 'SIGKILL');
    assert.equal(isAlive(client.pid!), false);
    assert.deepEqual(exits, []);
  });

  it('dispose_CalledTwice_ReturnsTheSamePromise', async () => {
    const { client } = await fake.start();

    const first = client.dispose();
    const second = client.dispose();

    assert.equal(first, second);
    await first;
  });

  it('onExit_SidecarCrashesDuringRequest_FiresWithExitCodeAndRequestRejectsConnectionClosed', async () => {
    const { client } = await fake.start({ flags: ['--crash-on', 'status'] });
    const exited = nextEvent(client.onExit);

    const error = await client.status().then(() => undefined, (e: unknown) => e);
    const exit = await exited;

    assert.deepEqual([exit.code, exit.signal], [3, null]);
    assert.ok(error instanceof SidecarError && error.is(ClientErrorCodes.ConnectionClosed), `got ${String(error)}`);
    assert.equal(error.data?.exitCode, 3);
    assert.match(error.message, /exited \(code 3\)/);
  });

  it('request_AfterDispose_RejectsConnectionClosed', async () => {
    const { client } = await fake.start();
    await client.dispose();

    const error = await client.status().then(() => undefined, (e: unknown) => e);

    assert.ok(error instanceof SidecarError);
    assert.equal(error.code, ClientErrorCodes.ConnectionClosed);
  });

  it('start_StderrCallback_ReceivesTheSidecarsStderrLines', async () => {
    const lines: string[] = [];
    let ready!: () => void;
    const readyLine = new Promise<void>((resolve) => { ready = resolve; });

    const { client } = await fake.start({ client: { stderr: (line) => { lines.push(line); if (line.startsWith('fake-sidecar: ready')) ready(); } } });
    await withTimeout(readyLine, TestTimeouts.Unexpected);

    assert.deepEqual(lines, [`fake-sidecar: ready pid=${client.pid}`]);
  });

  it('start_CommandDoesNotExist_RejectsConnectionClosedNamingTheCause', async () => {
    const error = await fake.startFailing({ command: '/nonexistent/backend-sidecar' });

    assert.ok(error instanceof SidecarError, `got ${String(error)}`);
    assert.equal(error.code, ClientErrorCodes.ConnectionClosed);
    assert.match(error.message, /could not be started: .*ENOENT/);
  });

  it('start_SidecarDiesOnInitialize_RejectsConnectionClosedWithExitAndStderr', async () => {
    const error = await fake.startFailing({ flags: ['--crash-on', 'initialize'] });

    assert.ok(error instanceof SidecarError && error.is(ClientErrorCodes.ConnectionClosed), `got ${String(error)}`);
    assert.equal(error.data?.exitCode, 3);
    assert.match(error.data?.stderrTail.join('\n') ?? '', /^fake-sidecar: ready pid=\d+$/);
  });

  it('start_InitializeNeverAnswered_KillsTheSidecarAfterInitializeTimeout', async () => {
    const error = await fake.startFailing({ flags: ['--ignore', 'initialize'], initializeTimeoutMs: 300 });

    assert.ok(error instanceof SidecarError && error.is(ClientErrorCodes.ConnectionClosed), `got ${String(error)}`);
    assert.match(error.message, /did not answer initialize within 300 ms/);
    assert.ok(error.data?.pid, 'the error should name the sidecar pid');
    assert.equal(isAlive(error.data.pid), false);
  });
});

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

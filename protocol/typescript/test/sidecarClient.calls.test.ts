import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  CancellationTokenSource, ErrorCodes, ProtocolVersion, SidecarError, clientName, clientVersion,
  type LogParams, type StatusChangedParams,
} from '@backend-sidecar/client';
import { FakeSidecarFixture, nextEvent } from './helpers/fakeSidecar';

const twoBackends = { backends: { api: { command: 'ok' }, worker: { command: 'ok' }, model: { command: 'slow' }, bad: { command: 'broken' } } };

describe('SidecarClient typed calls (fake sidecar)', () => {
  const fake = new FakeSidecarFixture();
  afterEach(() => fake.cleanUp());
  after(() => fake.remove());

  it('start_SidecarAnswersInitialize_ExposesResultAndSendsDefaults', async () => {
    const { client, transcriptPath } = await fake.start();

    assert.equal(client.initializeResult.protocolVersion, '1.0');
    assert.equal(client.initializeResult.serverInfo.name, 'fake-sidecar');
    assert.deepEqual(client.initializeResult.backends.map((b) => [b.backend, b.state]), [['api', 'stopped']]);
    assert.equal(typeof client.pid, 'number');
    const initialize = JSON.parse(readFileSync(transcriptPath, 'utf8').split('\n')[0]!).message;
    assert.equal(initialize.method, 'initialize');
    assert.deepEqual(initialize.params, { protocolVersion: ProtocolVersion, clientInfo: { name: clientName, version: clientVersion }, parentPid: process.pid });
  });

  it('start_OptionsGiveConfigProfileAndParentPid_SendsThemInInitialize', async () => {
    const { client, transcriptPath } = await fake.start({
      config: twoBackends,
      client: { profile: 'production', parentPid: 1, clientInfo: { name: 'tests', version: '9' } },
    });

    assert.deepEqual(client.initializeResult.backends.map((b) => b.backend), ['api', 'worker', 'model', 'bad']);
    const params = JSON.parse(readFileSync(transcriptPath, 'utf8').split('\n')[0]!).message.params;
    assert.deepEqual(params, { protocolVersion: '1.1', clientInfo: { name: 'tests', version: '9' }, parentPid: 1, config: twoBackends, profile: 'production' });
  });

  it('start_BackendStarts_ResolvesRunningAndFiresStatusChangedInOrder', async () => {
    const { client } = await fake.start();
    const changes: StatusChangedParams[] = [];
    client.onStatusChanged((change) => changes.push(change));

    const status = await client.start({ backend: 'api' });

    assert.equal(status.state, 'running');
    assert.equal(typeof status.pid, 'number');
    assert.deepEqual(changes.map((c) => [c.previousState, c.state, c.reason]), [
      ['stopped', 'starting', 'start requested'],
      ['starting', 'running', 'health check passed'],
    ]);
  });

  it('statusLogsDiagnoseRestartStop_OneBackend_ReturnTypedResults', async () => {
    const { client } = await fake.start();
    const first = await client.start();

    const all = await client.status();
    const logs = await client.logs({ tail: 1 });
    const diagnosis = await client.diagnose();
    const restarted = await client.restart();
    const stopped = await client.stop();

    assert.deepEqual(all.backends.map((b) => b.state), ['running']);
    assert.equal(logs.backend, 'api');
    assert.deepEqual(logs.entries.map((e) => [e.stream, e.text]), [['stdout', 'hello from the backend']]);
    assert.equal(logs.truncated, true);
    assert.equal(logs.nextSeq, 3);
    assert.equal(diagnosis.ok, true);
    assert.equal(diagnosis.checks[0]!.id, 'command.found');
    assert.equal(restarted.state, 'running');
    assert.notEqual(restarted.pid, first.pid);
    assert.equal(stopped.state, 'stopped');
    assert.deepEqual(stopped.lastExit && { code: stopped.lastExit.code, signal: stopped.lastExit.signal }, { code: null, signal: 'SIGTERM' });
  });

  it('subscribe_LogsForOneBackend_DeliversOnlyItsLogNotifications', async () => {
    const { client } = await fake.start({ config: twoBackends });
    const batches: LogParams[] = [];
    client.onLog((batch) => batches.push(batch));

    assert.deepEqual(await client.subscribe({ logs: ['worker'] }), {});
    await client.start({ backend: 'api' });
    const workerLine = nextEvent(client.onLog, (b) => b.entries.some((e) => e.text === 'hello from the backend'));
    await client.start({ backend: 'worker' });
    await workerLine;

    assert.ok(batches.length > 0);
    assert.ok(batches.every((b) => b.backend === 'worker' && b.dropped === 0));
  });

  it('start_UnknownBackend_RejectsWithSidecarErrorCarryingKnownNames', async () => {
    const { client } = await fake.start({ config: twoBackends });

    const error = await client.start({ backend: 'nope' }).then(() => undefined, (e: unknown) => e);

    assert.ok(error instanceof SidecarError, `expected a SidecarError, got ${String(error)}`);
    assert.ok(error.is(ErrorCodes.UnknownBackend));
    // Narrowed by is(): data has the contract's -32010 shape.
    assert.deepEqual(error.data.known, ['api', 'worker', 'model', 'bad']);
    assert.equal(error.data.backend, 'nope');
    assert.match(error.message, /unknown backend 'nope'/);
    assert.ok(SidecarError.isSidecarError(error, ErrorCodes.UnknownBackend));
  });

  it('start_BackendExitsBeforeHealthy_RejectsWith32014AndLastLines', async () => {
    const { client } = await fake.start({ config: twoBackends });
    const failed = nextEvent(client.onStatusChanged, (c) => c.backend === 'bad' && c.state === 'failed');

    const error = await client.start({ backend: 'bad' }).then(() => undefined, (e: unknown) => e);

    assert.ok(error instanceof SidecarError && error.is(ErrorCodes.ExitedBeforeHealthy));
    assert.deepEqual([error.data.exitCode, error.data.signal, error.data.lastLines], [1, null, ['boom']]);
    assert.equal((await failed).lastError?.code, ErrorCodes.ExitedBeforeHealthy);
  });

  it('start_BackendLeftOutWithSeveralConfigured_RejectsWith32602', async () => {
    const { client } = await fake.start({ config: twoBackends });

    const error = await client.logs().then(() => undefined, (e: unknown) => e);

    assert.ok(error instanceof SidecarError);
    assert.equal(error.code, ErrorCodes.InvalidParams);
  });

  it('start_TokenCancelledWhileWaiting_SendsCancelRequestAndRejectsWith32800', async () => {
    const { client, transcriptPath } = await fake.start({ config: twoBackends });
    const source = new CancellationTokenSource();
    const starting = nextEvent(client.onStatusChanged, (c) => c.backend === 'model' && c.state === 'starting');

    const pending = client.start({ backend: 'model' }, source.token).then(() => undefined, (e: unknown) => e);
    await starting;
    source.cancel();
    const error = await pending;

    assert.ok(error instanceof SidecarError, `expected a SidecarError, got ${String(error)}`);
    assert.equal(error.code, ErrorCodes.RequestCancelled);
    const messages = readFileSync(transcriptPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.dir === 'in').map((l) => l.message);
    const startId = messages.find((m) => m.method === 'start' && m.params.backend === 'model').id;
    assert.deepEqual(messages.filter((m) => m.method === '$/cancelRequest').map((m) => m.params), [{ id: startId }]);
  });

  it('shutdown_ThenRequest_RejectsWith32017', async () => {
    const { client } = await fake.start();
    await client.start();

    await client.shutdown();
    const error = await client.status().then(() => undefined, (e: unknown) => e);

    assert.ok(error instanceof SidecarError);
    assert.equal(error.code, ErrorCodes.ShuttingDown);
  });
});

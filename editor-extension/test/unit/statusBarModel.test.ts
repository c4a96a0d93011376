import * as assert from 'node:assert/strict';
import { ClientErrorCodes, SidecarError, type BackendState } from '@backend-sidecar/client';
import { SetupError } from '../../src/setupError';
import { backendText, backendTooltip, maxBackendItems, stateBackground, stateIcon, statusBarItems } from '../../src/view/statusBarModel';
import { now, running, status } from './samples';

const allStates: BackendState[] = ['stopped', 'starting', 'running', 'unhealthy', 'stopping', 'backoff', 'failed'];

describe('statusBarModel', () => {
  it('stateIcon_EachState_IsTheCodiconOfTheIssue', () => {
    assert.deepEqual(Object.fromEntries(allStates.map((s) => [s, stateIcon(s)])), {
      stopped: '$(circle-slash)', starting: '$(sync~spin)', running: '$(pass)', unhealthy: '$(warning)',
      stopping: '$(sync~spin)', backoff: '$(sync~spin)', failed: '$(error)',
    });
  });

  it('backendText_Running_ReadsIconBackendColonState', () => {
    assert.equal(backendText(running()), '$(pass) api: running');
    assert.equal(backendText(status({ backend: 'worker', state: 'failed' })), '$(error) worker: failed');
  });

  it('backendText_StartingWithProgress_ReadsLoadingPercent', () => {
    const loading = status({ state: 'starting', pid: 4242, progress: { percent: 45, message: 'shard 5/10', at: new Date(now).toISOString() } });
    assert.equal(backendText(loading), '$(sync~spin) api: loading 45%');
    assert.equal(backendText(status({ state: 'starting', progress: { percent: null, message: 'Loading model x', at: new Date(now).toISOString() } })), '$(sync~spin) api: loading: Loading model x');
    assert.equal(backendText(status({ state: 'starting', progress: null })), '$(sync~spin) api: starting');
  });

  it('backendTooltip_ShowsProgressResourcesAndTheExitHint', () => {
    const loading = backendTooltip(status({ state: 'starting', pid: 4242, progress: { percent: 45, message: 'shard 5/10', at: new Date(now).toISOString() } }), now);
    assert.match(loading, /Loading: 45% shard 5\/10/);

    const sampled = backendTooltip(running({ resources: { cpuPercent: 12.5, rssBytes: 210 * 1024 * 1024, processes: 3 } }), now);
    assert.match(sampled, /Resources: CPU 12\.5%, 210 MB, 3 processes/);

    const crashed = backendTooltip(status({
      state: 'failed',
      lastExit: { code: 1, signal: null, at: new Date(now).toISOString(), cause: 'missing-module', hint: "ModuleNotFoundError: No module named 'torch'" },
    }), now);
    assert.match(crashed, /Why: ModuleNotFoundError: No module named 'torch'/);
  });

  it('stateBackground_FailedIsError_UnhealthyAndBackoffAreWarning_OthersNone', () => {
    assert.deepEqual(Object.fromEntries(allStates.map((s) => [s, stateBackground(s)])), {
      stopped: undefined, starting: undefined, running: undefined, stopping: undefined,
      unhealthy: 'statusBarItem.warningBackground', backoff: 'statusBarItem.warningBackground', failed: 'statusBarItem.errorBackground',
    });
  });

  it('backendTooltip_Running_ShowsPidUptimeRestartsAndHealthLatency', () => {
    const tooltip = backendTooltip(running({ restartCount: 2 }), now);

    assert.match(tooltip, /^\*\*api\*\*: running/);
    assert.match(tooltip, /PID: 4242/);
    assert.match(tooltip, /Uptime: 3m 12s/);
    assert.match(tooltip, /Restarts: 2/);
    assert.match(tooltip, /Health: ok, 12 ms/);
    assert.doesNotMatch(tooltip, /Last error/);
  });

  it('backendTooltip_Failed_SaysWhatHappenedInWords_LastErrorAndLastExit_NoPidNoProtocolCode', () => {
    const tooltip = backendTooltip(status({
      state: 'failed', restartCount: 3,
      lastExit: { code: null, signal: 'SIGKILL', at: new Date(now).toISOString() },
      lastError: { code: -32016, message: 'gave up after 3 restarts' },
    }), now);

    assert.doesNotMatch(tooltip, /PID/);
    assert.match(tooltip, /Last exit: SIGKILL/);
    assert.match(tooltip, /Last error: gave up after 3 restarts {2}$/m);
    assert.match(tooltip, /^\*\*api\*\* stopped restarting: gave up after 3 restarts\.$/m);
    assert.doesNotMatch(tooltip, /-320\d\d/);
  });

  it('backendTooltip_ExitedBeforeHealthy_ShowsTheLastOutputLinesInAFence', () => {
    const tooltip = backendTooltip(status({
      state: 'failed',
      lastExit: { code: 1, signal: null, at: new Date(now).toISOString() },
      lastError: { code: -32014, message: 'exited with code 1 before it became healthy' },
    }), now, ['Traceback (most recent call last):', 'ModuleNotFoundError: No module named \'fastapi\'', 'has ``` inside']);

    assert.match(tooltip, /^\*\*api\*\* exited with code 1 before it became healthy\.$/m);
    assert.match(tooltip, /Last output:\n\n```text\nTraceback \(most recent call last\):\nModuleNotFoundError: No module named 'fastapi'\nhas ` ` ` inside\n```\n/);
    assert.doesNotMatch(tooltip, /-32014/);
  });

  it('backendTooltip_NotFailed_NoLastOutput', () => {
    assert.doesNotMatch(backendTooltip(running(), now, ['old line']), /Last output/);
  });

  it('statusBarItems_WithAFolder_NamesItOnEveryItem', () => {
    const items = statusBarItems({ kind: 'running', generation: 1, pid: 1 }, [running()], now, { folder: 'shop' });
    assert.equal(items[0]!.text, '$(pass) shop/api: running');
    assert.equal(items[0]!.name, 'Backend shop/api');
    assert.match(items[0]!.tooltip, /^\*\*api\*\* in shop: running/);
    assert.equal(statusBarItems({ kind: 'starting' }, [], now, { folder: 'shop' })[0]!.text, '$(sync~spin) Backend (shop): starting');
    assert.equal(statusBarItems({ kind: 'running', generation: 1, pid: 1 }, [running()], now)[0]!.name, 'Backend api');
  });

  it('backendTooltip_UnhealthyBackoff_ShowsFailingHealthAndNextRestart', () => {
    const tooltip = backendTooltip(status({
      state: 'backoff',
      health: { ok: false, checkedAt: new Date(now).toISOString(), latencyMs: 2000, detail: 'HTTP 503', consecutiveFailures: 3 },
      nextRestartAt: new Date(now + 4000).toISOString(),
    }), now);

    assert.match(tooltip, /Health: failing \(3 in a row\): HTTP 503, 2000 ms/);
    assert.match(tooltip, /Next restart: in 4s/);
  });

  it('backendTooltip_MarkdownInNamesAndMessages_IsEscaped', () => {
    const tooltip = backendTooltip(status({ backend: 'a*b', lastError: { code: -32012, message: 'no [link](x)' } }), now);

    assert.match(tooltip, /\*\*a\\\*b\*\*/);
    assert.match(tooltip, /no \\\[link\\\]\(x\)/);
  });

  it('statusBarItems_FewBackends_OneItemEachWithItsActionsCommand', () => {
    const items = statusBarItems({ kind: 'running', generation: 1, pid: 1 }, [running(), status({ backend: 'worker', state: 'unhealthy' })], now);

    assert.deepEqual(items.map((i) => [i.id, i.text, i.background]), [
      ['backend:api', '$(pass) api: running', undefined],
      ['backend:worker', '$(warning) worker: unhealthy', 'statusBarItem.warningBackground'],
    ]);
    assert.deepEqual(items[1]!.command, { command: 'backendSidecar.showActions', arguments: ['worker'] });
  });

  it('statusBarItems_MoreThanThreeBackends_OneSummaryWithTheWorstState', () => {
    const statuses = ['a', 'b', 'c', 'd'].map((backend) => running({ backend }));
    statuses[2] = status({ backend: 'c', state: 'failed' });

    const items = statusBarItems({ kind: 'running', generation: 1, pid: 1 }, statuses, now);

    assert.equal(maxBackendItems, 3);
    assert.equal(items.length, 1);
    assert.equal(items[0]!.text, '$(error) Backends: 3/4 running');
    assert.equal(items[0]!.background, 'statusBarItem.errorBackground');
    assert.match(items[0]!.tooltip, /\$\(error\) \*\*c\*\*: failed/);
    assert.deepEqual(items[0]!.command.arguments, []);
  });

  it('statusBarItems_SessionStates_StartingSpinsFailedIsRedNoConfigShowsNothing', () => {
    assert.deepEqual(statusBarItems({ kind: 'stopped' }, [], now), []);
    assert.equal(statusBarItems({ kind: 'starting' }, [], now)[0]!.text, '$(sync~spin) Backend: starting');
    assert.deepEqual(statusBarItems({ kind: 'failed', error: new SetupError('configNotFound', 'none', ['/w/backends.json']) }, [], now), []);

    const failed = statusBarItems({ kind: 'failed', error: new SidecarError(ClientErrorCodes.ConnectionClosed, 'backend-sidecar exited (SIGKILL)', undefined) }, [], now);
    assert.equal(failed[0]!.text, '$(error) Backend: sidecar failed');
    assert.equal(failed[0]!.background, 'statusBarItem.errorBackground');
    assert.match(failed[0]!.tooltip, /backend-sidecar exited \(SIGKILL\)/);
  });
});

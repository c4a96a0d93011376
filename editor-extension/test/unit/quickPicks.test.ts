import * as assert from 'node:assert/strict';
import type { BackendState } from '@backend-sidecar/client';
import { backendActionItems, backendItems, sessionActionItems } from '../../src/view/quickPicks';
import { now, running, status } from './samples';

describe('quickPicks', () => {
  const actions = (state: BackendState, external = false) => backendActionItems(status({ state, external })).map((i) => i.action);

  it('backendActionItems_EachState_OffersWhatMakesSense', () => {
    assert.deepEqual(actions('running'), ['restart', 'stop', 'showLogs', 'diagnose', 'setSecret']);
    assert.deepEqual(actions('unhealthy'), ['restart', 'stop', 'showLogs', 'diagnose']);
    assert.deepEqual(actions('starting'), ['stop', 'showLogs']);
    assert.deepEqual(actions('stopping'), ['showLogs']);
    assert.deepEqual(actions('backoff'), ['restart', 'stop', 'showLogs', 'diagnose']);
    assert.deepEqual(actions('stopped'), ['start', 'showLogs', 'diagnose', 'setSecret']);
    assert.deepEqual(actions('failed'), ['start', 'showLogs', 'diagnose', 'setSecret']);
  });

  it('backendActionItems_Labels_HaveCodiconsAndExplainSpecialCases', () => {
    const items = backendActionItems(status({ state: 'running', external: true }));
    assert.equal(items[0]!.label, '$(debug-restart) Restart');
    assert.match(items.find((i) => i.action === 'stop')!.description!, /stops monitoring/);
    assert.match(backendActionItems(status({ state: 'backoff' }))[0]!.description!, /without waiting/);
  });

  it('sessionActionItems_FailedSession_RestartFirst', () => {
    assert.deepEqual(sessionActionItems(true).map((i) => i.action), ['restartSidecar', 'showSidecarLog', 'openSettings']);
    assert.deepEqual(sessionActionItems(false).map((i) => i.action), ['showSidecarLog', 'openConfig', 'restartSidecar']);
  });

  it('backendItems_ShowStateIconAndFacts_LastErrorAsDetail', () => {
    const items = backendItems([
      running({ restartCount: 1 }),
      status({ backend: 'worker', state: 'failed', lastError: { code: -32014, message: 'exited with code 1' } }),
    ], now);

    assert.deepEqual(items[0], { label: 'api', description: '$(pass) running · PID 4242 · port 8882 · up 3m 12s · 1 restarts', backend: 'api' });
    assert.deepEqual(items[1], { label: 'worker', description: '$(error) failed', detail: 'Last error: exited with code 1', backend: 'worker' });
  });
});

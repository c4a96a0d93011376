import * as assert from 'node:assert/strict';
import { sidecarLine, transitionLine } from '../../src/sidecarLogLine';

describe('sidecarLogLine', () => {
  it('sidecarLine_TakesOffTimeLevelAndCategory_MapsTheLevel', () => {
    assert.deepEqual(sidecarLine('15:20:18.592 info: BackendSidecar.Session[0] initialized by shell : 2 backends'), { level: 'info', message: 'initialized by shell : 2 backends' });
    assert.deepEqual(sidecarLine('15:20:52.305 warn: BackendSidecar.Session[0] exit without shutdown'), { level: 'warn', message: 'exit without shutdown' });
    assert.deepEqual(sidecarLine('15:20:52.305 fail: BackendSidecar.Backend.api[0] api: a StatusChanged handler failed'), { level: 'error', message: 'api: a StatusChanged handler failed' });
  });

  it('sidecarLine_ATransition_LeftOut_StatusChangedCarriesIt', () => {
    assert.equal(sidecarLine('15:20:19.022 info: BackendSidecar.Backend.bad[0] bad: Stopped -> Failed: command "pyhton3" not found'), undefined);
    assert.equal(sidecarLine('15:20:19.022 warn: BackendSidecar.Session[0] bad did not start: command "pyhton3" not found'), undefined);
  });

  it('sidecarLine_OtherShapes_KeptAsTheyAre', () => {
    assert.deepEqual(sidecarLine('[extension] backend-sidecar exited (SIGKILL)'), { level: 'info', message: '[extension] backend-sidecar exited (SIGKILL)' });
    assert.deepEqual(sidecarLine('   at Program.Main()'), { level: 'info', message: '   at Program.Main()' });
  });

  it('transitionLine_FailedIsAnError_TroubleAWarning', () => {
    assert.deepEqual(transitionLine({ backend: 'api', previousState: 'starting', state: 'failed', reason: 'command "x" not found' }), { level: 'error', message: 'api: starting -> failed (command "x" not found)' });
    assert.equal(transitionLine({ backend: 'api', previousState: 'running', state: 'backoff', reason: 'exited with code 1' }).level, 'warn');
    assert.equal(transitionLine({ backend: 'api', previousState: 'running', state: 'unhealthy', reason: 'health failed' }).level, 'warn');
    assert.equal(transitionLine({ backend: 'api', previousState: 'starting', state: 'running', reason: 'health check passed' }).level, 'info');
  });
});

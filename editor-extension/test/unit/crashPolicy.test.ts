import * as assert from 'node:assert/strict';
import { CrashRestartPolicy } from '../../src/controller/crashPolicy';

describe('CrashRestartPolicy', () => {
  it('recordCrash_FiveCrashesInThreeMinutes_RestartsFiveTimesThenGivesUp', () => {
    let time = 0;
    const policy = new CrashRestartPolicy(() => time);

    const decisions = [0, 1, 2, 3, 4, 5].map(() => {
      time += 10_000;
      return policy.recordCrash();
    });

    assert.deepEqual(decisions.map((d) => d.restart), [true, true, true, true, true, false]);
    assert.deepEqual(decisions.map((d) => d.attempt), [1, 2, 3, 4, 5, 5]);
  });

  it('recordCrash_OldCrashesLeaveTheWindow_RestartsAgain', () => {
    let time = 0;
    const policy = new CrashRestartPolicy(() => time);
    for (let i = 0; i < 5; i++) policy.recordCrash();

    time = 3 * 60_000;

    assert.deepEqual([policy.recordCrash().restart, policy.recordCrash().attempt], [true, 2]);
  });

  it('reset_AfterGivingUp_RestartsAgain', () => {
    const policy = new CrashRestartPolicy(() => 0);
    for (let i = 0; i < 6; i++) policy.recordCrash();

    policy.reset();

    assert.equal(policy.recordCrash().restart, true);
  });
});

import * as assert from 'node:assert/strict';
import { autoStartBackends, parseBackendsConfig, startOrder, withoutAutoStart } from '../../src/controller/backendsConfig';

const text = JSON.stringify({
  backends: {
    db: { command: 'db', autoStart: true },
    api: { command: 'api', dependsOn: ['db'], profiles: { prod: { autoStart: true } } },
    worker: { command: 'w', dependsOn: ['api', 'db'], autoStart: true },
  },
});

describe('backendsConfig', () => {
  it('parseBackendsConfig_AppliesTheProfileToAutoStart', () => {
    assert.deepEqual(autoStartBackends(parseBackendsConfig(text)!), ['db', 'worker']);
    assert.deepEqual(autoStartBackends(parseBackendsConfig(text, 'prod')!), ['db', 'api', 'worker']);
  });

  it('parseBackendsConfig_NotAConfig_Undefined', () => {
    assert.equal(parseBackendsConfig('{ nope'), undefined);
    assert.equal(parseBackendsConfig('[]'), undefined);
    assert.equal(parseBackendsConfig('{"backends": {"a": 1}}'), undefined);
  });

  it('withoutAutoStart_RemovesItEverywhere_LeavesTheOriginalAlone', () => {
    const config = parseBackendsConfig(text)!;

    const inline = withoutAutoStart(config) as unknown as { backends: Record<string, Record<string, unknown>> };

    assert.equal(JSON.stringify(inline).includes('autoStart'), false);
    assert.equal(inline.backends.api!.command, 'api');
    assert.equal(JSON.stringify(config.raw).includes('autoStart'), true);
  });

  it('startOrder_DependenciesFirstOnce_CyclesDoNotLoop', () => {
    assert.deepEqual(startOrder(parseBackendsConfig(text)!, 'worker'), ['db', 'api', 'worker']);
    const cyclic = parseBackendsConfig(JSON.stringify({ backends: { a: { command: 'a', dependsOn: ['b'] }, b: { command: 'b', dependsOn: ['a'] } } }))!;
    assert.deepEqual(startOrder(cyclic, 'a'), ['b', 'a']);
  });
});

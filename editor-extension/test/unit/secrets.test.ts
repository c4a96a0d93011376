import * as assert from 'node:assert/strict';
import { SecretEnvStore, parseSecretInput } from '../../src/secrets';
import { MemorySecrets } from './memorySecrets';

describe('secrets', () => {
  it('parseSecretInput_NameEqualsValue_ValueMayHoldEqualsAndSpaces', () => {
    assert.deepEqual(parseSecretInput('API_KEY=a=b c'), { name: 'API_KEY', value: 'a=b c' });
    assert.deepEqual(parseSecretInput('API_KEY='), { name: 'API_KEY', value: undefined });
    assert.match(parseSecretInput('nope') as string, /NAME=value/);
    assert.match(parseSecretInput('1BAD=x') as string, /not a valid/);
  });

  it('SecretEnvStore_SetGetRemove_PerBackend', async () => {
    const storage = new MemorySecrets();
    const store = new SecretEnvStore(storage);

    await store.set('api', 'API_KEY', 'k1');
    await store.set('api', 'TOKEN', 't1');
    await store.set('worker', 'API_KEY', 'w1');
    await store.set('api', 'TOKEN', undefined);

    assert.deepEqual(await store.get('api'), { API_KEY: 'k1' });
    assert.deepEqual(await store.get('worker'), { API_KEY: 'w1' });
    assert.deepEqual(await store.names('api'), ['API_KEY']);
    await store.set('api', 'API_KEY', undefined);
    assert.deepEqual(await store.get('api'), {});
    assert.equal(storage.data.has('backendSidecar.secretEnv.api'), false);
  });

  it('SecretEnvStore_UnreadableValue_Empty', async () => {
    const storage = new MemorySecrets();
    storage.data.set('backendSidecar.secretEnv.api', 'not json');
    assert.deepEqual(await new SecretEnvStore(storage).get('api'), {});
  });
});

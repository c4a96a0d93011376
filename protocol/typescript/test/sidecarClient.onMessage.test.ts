import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Message, MessageDirection } from '@backend-sidecar/client';
import { FakeSidecarFixture } from './helpers/fakeSidecar';

describe('SidecarClient onMessage (fake sidecar)', () => {
  const fake = new FakeSidecarFixture();
  afterEach(() => fake.cleanUp());
  after(() => fake.remove());

  it('onMessage_Session_SeesExactlyTheMessagesOnTheWireInOrder', async () => {
    const seen: { direction: MessageDirection; message: Message }[] = [];
    const { client, transcriptPath } = await fake.start({ client: { onMessage: (direction, message) => seen.push({ direction, message }) } });

    await client.start();
    await client.status();

    const transcript = readFileSync(transcriptPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(
      seen.map((s) => [s.direction === 'sent' ? 'in' : 'out', JSON.stringify(s.message)]),
      transcript.map((l) => [l.dir, JSON.stringify(l.message)]),
    );
    assert.deepEqual(seen.filter((s) => s.direction === 'sent').map((s) => (s.message as { method?: string }).method), ['initialize', 'start', 'status']);
  });

  it('onMessage_ObserverThrows_TheConnectionGoesOn', async () => {
    const { client } = await fake.start({ client: { onMessage: () => { throw new Error('a broken trace'); } } });

    const status = await client.start();

    assert.equal(status.state, 'running');
  });
});

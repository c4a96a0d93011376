import * as assert from 'node:assert/strict';
import { SidecarController } from '../../src/controller/sidecarController';
import { fakeClients } from './fakeSidecarClient';
import { status } from './samples';
import { TempDir } from './tempDir';

// How the controller spawns the sidecar: with the configuration file on the command line (so that
// a second window attaches), except for an inline configuration, which cannot be shared.

describe('Spawn arguments (attach)', () => {
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.remove());

  async function spawnArgs(secrets: Record<string, string>): Promise<{ args: string[] | undefined; inline: boolean }> {
    const configPath = dir.write('backends.json', JSON.stringify({ backends: { api: { command: 'python3', autoStart: true } } }));
    const fakes = fakeClients(() => [status()]);
    const controller = new SidecarController({ plan: async () => ({ command: 'backend-sidecar', args: ['serve'], configPath }), secretEnv: async () => secrets, startClient: fakes.startClient });
    await controller.open();
    await controller.close();
    const options = fakes.clients[0]!.options;
    return { args: options.args, inline: options.config !== undefined };
  }

  it('ConfigurationFile_ServeGetsItsPath_SoASecondWindowAttaches', async () => {
    assert.deepEqual(await spawnArgs({}), { args: ['serve', '--config', dir.path + '/backends.json'], inline: false });
  });

  it('AutoStartWithSecrets_InlineConfiguration_ASidecarOfItsOwn', async () => {
    assert.deepEqual(await spawnArgs({ TOKEN: 'x' }), { args: ['serve'], inline: true });
  });
});

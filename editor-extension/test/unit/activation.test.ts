import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type * as vscode from 'vscode';
import { ErrorCodes, SidecarError, type BackendStatus } from '@backend-sidecar/client';
import { activateWith, contextKeys, type ActiveExtension } from '../../src/activation';
import { until } from './backendFailures.test';
import { fakeClients, outputLines, type FakeSidecarClient } from './fakeSidecarClient';
import { FakeVscode } from './fakeVscode';
import { MemorySecrets } from './memorySecrets';
import { running, status } from './samples';
import { TempDir } from './tempDir';

// activate() as the editor runs it, on the fake vscode module, with fake sidecars: what a person
// sees when a backend fails on its own, the Backend Sidecar channel, the context keys that hide
// the commands, Create Configuration, Open in Browser, and one sidecar per folder of a multi-root
// workspace.

const config = (backends: Record<string, unknown>) => JSON.stringify({ backends });

describe('Extension activation (fake vscode, fake sidecars)', () => {
  let dirs: TempDir[];
  let fake: FakeVscode;
  let active: ActiveExtension | undefined;
  let clients: FakeSidecarClient[];
  /** The backends each new fake sidecar reports, by the folder of its config. */
  let backendsOf: (configDir: string) => BackendStatus[];

  beforeEach(() => {
    dirs = [];
    fake = new FakeVscode();
    fake.settings['backendSidecar.sidecarPath'] = process.execPath;
    backendsOf = () => [status()];
  });
  afterEach(async () => {
    await active?.deactivate();
    active = undefined;
    for (const d of dirs) d.remove();
  });

  function folder(name: string, files: Record<string, string> = {}): TempDir {
    const dir = new TempDir();
    for (const [path, content] of Object.entries(files)) dir.write(path, content);
    dirs.push(dir);
    fake.workspaceFolders = [...(fake.workspaceFolders ?? []), { uri: { fsPath: dir.path }, name }];
    return dir;
  }

  async function activate(expectedSidecars: number): Promise<ActiveExtension> {
    const fakes = fakeClients((options) => backendsOf(options.cwd ?? ''));
    clients = fakes.clients;
    active = activateWith(fake.api, { extensionPath: '/nowhere', secrets: new MemorySecrets() as unknown as vscode.SecretStorage, subscriptions: [] }, { startClient: fakes.startClient });
    await Promise.all(active.sessions.map((s) => s.controller.whenReady().catch(() => undefined)));
    assert.equal(clients.length, expectedSidecars);
    return active;
  }

  const errors = () => fake.messages.filter((m) => m.severity === 'error');
  const sidecarChannel = () => fake.channel('Backend Sidecar')!;
  const shownTexts = () => fake.statusBarItems.filter((i) => i.visible).map((i) => i.text);
  const run = (id: string, ...args: unknown[]) => fake.commands.get(id)!(...args) as Promise<unknown>;

  it('AutoStartCommandNotFound_OneErrorNotificationWithShowLogsAndOpenConfig_InWords_SearchedPathsInTheChannel', async () => {
    const dir = folder('app', { '.vscode/backends.json': config({ api: { command: 'pyhton3', autoStart: true } }) });
    await activate(1);
    const client = clients[0]!;
    client.diagnoseResult = { backend: 'api', ok: false, checks: [{ id: 'command', ok: false, severity: 'error', message: 'command "pyhton3" not found', detail: { searched: ['/app/.venv/bin', '/usr/bin'] } }] };
    fake.messageAnswers.push('Open Config');

    client.change('stopped', { state: 'failed', lastError: { code: ErrorCodes.CannotStart, message: 'command "pyhton3" not found' } }, 'command "pyhton3" not found');

    await until(() => errors().length > 0 && fake.openedDocuments.length > 0, 'the notification and Open Config');
    assert.deepEqual(errors(), [{ severity: 'error', message: 'Backend api could not start: command "pyhton3" not found.', items: ['Show Logs', 'Open Config'] }]);
    assert.deepEqual(fake.openedDocuments, [join(dir.path, '.vscode/backends.json')]);
    await until(() => sidecarChannel().text.some((l) => l.includes('searched')), 'the searched paths in the channel');
    const errorLines = sidecarChannel().lines.filter((l) => l.level === 'error').map((l) => l.message);
    assert.deepEqual(errorLines, ['api: stopped -> failed (command "pyhton3" not found)', 'api: command "pyhton3" not found; searched: /app/.venv/bin, /usr/bin']);
    assert.deepEqual(fake.channel('Backend: api')!.lines.filter((l) => l.level === 'error').map((l) => l.message),
      ['command "pyhton3" not found; searched: /app/.venv/bin, /usr/bin']);
    const tooltip = fake.statusBarItems.find((i) => i.visible)!.tooltip as { value: string };
    assert.match(tooltip.value, /could not start: command "pyhton3" not found/);
    assert.doesNotMatch(tooltip.value, /-32012/);
  });

  it('ExitsBeforeHealthyAndGivesUpAfterRetries_OneNotification_ShowLogsOpensItsChannel_TooltipHasTheLastLines', async () => {
    folder('app', { '.vscode/backends.json': config({ api: { command: 'python3', autoStart: true } }) });
    await activate(1);
    const client = clients[0]!;
    client.output.set('api', outputLines('Traceback (most recent call last):', 'ModuleNotFoundError: No module named \'fastapi\''));
    fake.messageAnswers.push('Show Logs');

    client.change('stopped', { state: 'starting' });
    for (let i = 0; i < 3; i++) {
      client.change('starting', { state: 'backoff' }, 'exited with code 1; restarting in 100 ms');
      client.change('backoff', { state: 'starting' });
    }
    client.change('starting', { state: 'failed', lastError: { code: ErrorCodes.TooManyRestarts, message: 'gave up after exited with code 1: 3 restarts in 60000 ms' } });

    await until(() => fake.channel('Backend: api')?.shown === 1, 'Show Logs to open the channel');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(errors().map((m) => [m.message, m.items]), [[
      'Backend api stopped restarting: gave up after exited with code 1: 3 restarts in 60000 ms. Last output: ModuleNotFoundError: No module named \'fastapi\'', ['Show Logs', 'Open Config'],
    ]]);
    const tooltip = (fake.statusBarItems.find((i) => i.visible)!.tooltip as { value: string }).value;
    assert.match(tooltip, /```text\nTraceback \(most recent call last\):\nModuleNotFoundError: No module named 'fastapi'\n```/);
  });

  it('ExitsBeforeHealthyWithAnExitHint_TheNotificationSaysTheCauseInWords_NoProtocolCode', async () => {
    folder('app', { '.vscode/backends.json': config({ api: { command: 'python3', autoStart: true } }) });
    await activate(1);
    const client = clients[0]!;
    const missing = 'ModuleNotFoundError: No module named \'fastapi\'';
    client.output.set('api', outputLines('Traceback (most recent call last):', missing));
    const hint = `${missing}: install it in the backend's Python environment, or point searchPaths at the environment that has it`;

    client.change('stopped', { state: 'starting' });
    client.change('starting', {
      state: 'failed',
      lastExit: { code: 1, signal: null, at: '2025-01-01T00:00:00.000Z', cause: 'missing-module', hint },
      lastError: { code: ErrorCodes.ExitedBeforeHealthy, message: 'exited with code 1 before it became healthy' },
    });

    await until(() => errors().length > 0, 'the notification');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(errors().map((m) => m.message), [`Backend api exited with code 1 before it became healthy: ${hint}.`]);
    assert.doesNotMatch(errors()[0]!.message, /-32\d{3}|missing-module/);
  });

  it('SidecarChannel_EachTransitionOnce_TheSidecarsOwnTransitionLineLeftOut_LevelsKept', async () => {
    folder('app', { 'backends.json': config({ api: { command: 'python3' } }) });
    await activate(1);
    const client = clients[0]!;
    client.stderr('15:20:20.006 info: BackendSidecar.Backend.api[0] api: Stopped -> Starting: start requested');
    client.change('stopped', { state: 'starting' }, 'start requested');
    client.stderr('15:20:20.100 warn: BackendSidecar.Session[0] something to know');

    const lines = sidecarChannel().lines.filter((l) => !l.message.startsWith('starting '));
    assert.deepEqual(lines, [{ level: 'info', message: 'api: stopped -> starting (start requested)' }, { level: 'warn', message: 'something to know' }]);
  });

  it('PaletteStartFails_OnlyTheCommandsNotification_NotASecondOne', async () => {
    folder('app', { '.vscode/backends.json': config({ api: { command: 'python3' } }) });
    await activate(1);
    const client = clients[0]!;
    client.answer = async (backend) => {
      client.change('starting', { backend, state: 'failed', lastError: { code: ErrorCodes.ExitedBeforeHealthy, message: 'exited with code 1 before it became healthy' } });
      throw new SidecarError(ErrorCodes.ExitedBeforeHealthy, 'exited', { backend, exitCode: 1, signal: null, lastLines: ['boom'] });
    };

    await run('backendSidecar.start');
    await new Promise((r) => setTimeout(r, 30));

    assert.deepEqual(errors().map((m) => m.message), ['api exited (code 1) before it became healthy: boom']);
  });

  it('NoConfiguration_CommandsHidden_CreateConfigurationWritesAStarterAndOpensIt_ThenTheyShow', async () => {
    const dir = folder('app');
    await activate(0);
    assert.deepEqual([fake.contextKeys.get(contextKeys.hasConfig), fake.contextKeys.get(contextKeys.canCreateConfig)], [false, true]);
    assert.deepEqual(shownTexts(), []);

    const path = await run('backendSidecar.createConfiguration') as string;

    assert.equal(path, join(dir.path, '.vscode', 'backends.json'));
    assert.deepEqual(fake.openedDocuments, [path]);
    const written = JSON.parse(readFileSync(path, 'utf8'));
    assert.deepEqual(Object.keys(written.backends), ['web']);
    fake.watchers.find((w) => w.pattern.base.fsPath === dir.path)!.created.fire({});
    await until(() => fake.contextKeys.get(contextKeys.hasConfig) === true, 'hasConfig after the reload');
    assert.equal(fake.contextKeys.get(contextKeys.canCreateConfig), false);
  });

  it('CreateConfiguration_FolderHasOne_OpensItAndWritesNothing', async () => {
    const dir = folder('app', { 'backends.json': '{"backends": {}}' });
    backendsOf = () => [];
    await activate(1);

    assert.equal(await run('backendSidecar.createConfiguration'), undefined);

    assert.deepEqual(fake.openedDocuments, [join(dir.path, 'backends.json')]);
    assert.equal(existsSync(join(dir.path, '.vscode', 'backends.json')), false);
  });

  it('OpenInBrowser_TheBackendWithAnHttpHealthUrl_OpensItsServer', async () => {
    folder('app', { 'backends.json': config({ api: { command: 'python3' }, worker: { command: 'python3' } }) });
    backendsOf = () => [running(), status({ backend: 'worker', state: 'running', pid: 9 })];
    await activate(1);

    const url = await run('backendSidecar.openInBrowser');

    assert.equal(url, 'http://127.0.0.1:8882/');
    assert.deepEqual(fake.openedExternal, ['http://127.0.0.1:8882/']);
    assert.equal(fake.quickPicks.length, 0, 'only one backend has a URL: no question');
  });

  it('MultiRoot_OneSidecarPerFolderWithAConfiguration_ItemsAndChannelsNamedByFolder', async () => {
    const shop = folder('shop', { '.vscode/backends.json': config({ api: { command: 'python3' } }) });
    folder('blog', { 'backends.json': config({ api: { command: 'python3' } }) });
    folder('docs');
    backendsOf = () => [running()];
    await activate(2);

    assert.deepEqual(clients.map((c) => basename(c.options.cwd!) === '.vscode' ? 'shop' : 'blog').sort(), ['blog', 'shop']);
    assert.deepEqual(shownTexts().sort(), ['$(pass) blog/api: running', '$(pass) shop/api: running']);
    const shopItem = fake.statusBarItems.find((i) => i.visible && i.text.includes('shop/'))!;
    assert.deepEqual(shopItem.command!.arguments, ['api', shop.path], 'a click names the folder: both have an "api"');
    fake.pick('Stop');
    await run(shopItem.command!.command, ...shopItem.command!.arguments!);
    assert.equal(fake.quickPicks.at(-1)!.options?.title, 'shop/api: running');
    fake.quickPicks.length = 0;
    assert.equal(fake.contextKeys.get(contextKeys.canCreateConfig), true, 'docs has none');

    // A palette command asks which, listing both with their folders; the pick goes to that folder's sidecar.
    fake.quickPickAnswers.push((items) => items.find((i) => i.description?.startsWith('shop')));
    await run('backendSidecar.stop');
    assert.deepEqual(fake.quickPicks[0]!.items.map((i) => `${i.label} ${i.description?.split(' · ')[0]}`).sort(), ['api blog', 'api shop']);
    const shopClient = clients.find((c) => c.options.cwd === join(shop.path, '.vscode'))!;
    const blogClient = clients.find((c) => c !== shopClient)!;
    assert.deepEqual(shopClient.calls.filter((c) => c.method === 'stop').map((c) => c.params), [{ backend: 'api' }, { backend: 'api' }]);
    assert.deepEqual(blogClient.calls.filter((c) => c.method === 'stop'), []);

    await run('backendSidecar.showLogs', 'api', shop.path);
    assert.ok(fake.channel('Backend: api (shop)'), `channels: ${fake.channels.map((c) => c.name).join(', ')}`);
  });
  it('Attach_SpawnsServeWithTheConfigPath_CloseDetaches_RestartSidecarStopsTheSharedOne', async () => {
    const dir = folder('app', { '.vscode/backends.json': config({ api: { command: 'python3' } }) });
    const configPath = join(dir.path, '.vscode', 'backends.json');
    await activate(1);
    const first = clients[0]!;

    // --config on the command line is what lets a second window's `serve` attach to this one's sidecar.
    assert.deepEqual(first.options.args, ['serve', '--config', configPath]);
    assert.equal(first.options.configPath, configPath, 'initialize still names the configuration');

    // Restart Sidecar wants a new sidecar, so the shared one stops for every window.
    await run('backendSidecar.restartSidecar');
    assert.deepEqual(first.calls.filter((c) => c.method === 'dispose').map((c) => c.params), [{ stopBackends: true }]);
    assert.equal(clients.length, 2);
    const second = clients[1]!;
    assert.deepEqual(second.options.args, ['serve', '--config', configPath]);

    // Closing the window only detaches: the backends stop when the last window leaves.
    await active!.deactivate();
    assert.deepEqual(second.calls.filter((c) => c.method === 'dispose').map((c) => c.params), [{ detach: true }]);
  });
});

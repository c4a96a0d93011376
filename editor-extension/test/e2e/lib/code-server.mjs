// code-server (VS Code's server and web workbench) for one run: its user data, extensions and XDG
// folders all live in the run folder, so nothing is read from or written to $HOME.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { groupAlive, killGroup, runBounded, waitUntil } from './processes.mjs';

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
  'remote.autoForwardPorts': false,
};

export class CodeServer {
  // `name` tells a second instance apart (a second window: its own user data, server and extension
  // host); every instance of a run shares the extensions and the XDG folders, as a person's windows
  // share their home, so their sidecars find each other's attach socket (XDG_RUNTIME_DIR).
  constructor({ installDir, runDir, log, name = '' }) {
    this.entry = path.join(installDir, 'node_modules/code-server/out/node/entry.js');
    this.runDir = runDir;
    this.log = log;
    const suffix = name ? `-${name}` : '';
    this.userData = path.join(runDir, `user-data${suffix}`);
    this.logFile = path.join(runDir, `code-server${suffix}.log`);
    this.child = null;
    const xdg = path.join(runDir, 'xdg');
    this.env = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(xdg, 'config'),
      XDG_DATA_HOME: path.join(xdg, 'data'),
      XDG_CACHE_HOME: path.join(xdg, 'cache'),
      XDG_STATE_HOME: path.join(xdg, 'state'),
      XDG_RUNTIME_DIR: path.join(xdg, 'runtime'), // the sidecar's attach socket
      TMPDIR: path.join(runDir, 'tmp'), // where the server puts its vscode-ipc-*.sock files
    };
    for (const k of ['PASSWORD', 'HASHED_PASSWORD', 'GITHUB_TOKEN', 'PORT', 'CODE_SERVER_CONFIG', 'VSCODE_IPC_HOOK_CLI']) delete this.env[k];
    fs.mkdirSync(path.join(this.userData, 'User'), { recursive: true });
    fs.mkdirSync(this.env.TMPDIR, { recursive: true });
    fs.mkdirSync(this.env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(this.userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    fs.writeFileSync(path.join(runDir, 'code-server.yaml'), 'auth: none\ncert: false\n');
    this.common = ['--user-data-dir', this.userData, '--extensions-dir', path.join(runDir, 'extensions'),
      '--config', path.join(runDir, 'code-server.yaml')];
  }

  cli(args, timeoutMs) {
    return runBounded(process.execPath, [this.entry, ...this.common, ...args], { env: this.env, timeoutMs });
  }

  // Installs through VS Code's own .vsix path and checks the extension is then listed.
  async installExtension(vsix, id) {
    await this.cli(['--install-extension', vsix], 90_000);
    const listed = await this.cli(['--list-extensions', '--show-versions'], 60_000);
    const line = listed.split('\n').find((l) => l.toLowerCase().startsWith(`${id}@`));
    if (!line) throw new Error(`${id} is not listed after --install-extension:\n${listed}`);
    return line.trim();
  }

  // Starts the server on a port the OS picks (port 0) and returns its URL once /healthz answers.
  async start(folder) {
    const out = fs.openSync(this.logFile, 'a');
    // detached: the server leads its own process group, which also holds its extension host, so
    // stop() can end all of it and nothing else.
    this.child = spawn(process.execPath, [this.entry, ...this.common, '--bind-addr', '127.0.0.1:0', '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--ignore-last-opened', folder],
    { env: this.env, detached: true, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const child = this.child;
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    const port = await waitUntil(() => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`code-server exited early:\n${this.logTail()}`);
      const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(this.logFile, 'utf8'));
      return m && Number(m[1]);
    }, { timeoutMs: 60_000, what: 'code-server to listen' });
    this.url = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok,
      { timeoutMs: 30_000, what: 'code-server /healthz' });
    return this.url;
  }

  // SIGTERM to the server's process group, SIGKILL to whatever of it is left after 10 s.
  async stop() {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (killGroup(child.pid, 'SIGTERM')) {
      try {
        await waitUntil(() => !groupAlive(child.pid), { timeoutMs: 10_000, what: 'code-server to exit' });
      } catch {
        this.log(`code-server's process group outlived SIGTERM by 10 s: SIGKILL`);
        killGroup(child.pid, 'SIGKILL');
        await waitUntil(() => !groupAlive(child.pid), { timeoutMs: 5_000, what: 'code-server to die' }).catch(() => {});
      }
    }
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 2000))]);
  }

  logTail(lines = 40) {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no code-server log)';
    }
  }
}

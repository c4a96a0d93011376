#!/usr/bin/env node
// End-to-end test of the extension in a real VS Code: code-server (VS Code 1.100's server and web
// workbench) in headless Chromium, driven by playwright-core. README.md in this folder tells more.
//
//   node editor-extension/test/e2e/run.mjs
//
// It installs the editor (install.sh, cached) while `npm run package` builds the .vsix, installs the
// .vsix into VS Code, opens a workspace whose .vscode/backends.json has one backend "api"
// (fixtures/workspace/backend.py), and follows it in the status bar through start, a SIGKILL and
// recovery, and the palette's "Backend: Show Status", "Restart", "Show Logs", "Stop" and "Start";
// then it closes the editor and checks nothing is left running. Screenshots go to shots/.
// The last line reads "N passed, M failed"; the exit code is 0 only when nothing failed.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeServer } from './lib/code-server.mjs';
import { alive, childrenOf, commandLine, descendsFrom, excerpt, killGroup, parentPid, processesIn, runBounded, sleep, waitUntil } from './lib/processes.mjs';
import { obtainVsix } from './lib/vsix.mjs';
import { Workbench } from './lib/workbench.mjs';
import { makeWorkspace } from './lib/workspace.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EXTENSION_DIR = path.resolve(HERE, '../..');
const SHOTS = path.join(HERE, 'shots');
const INSTALL_DIR = process.env.BACKEND_SIDECAR_E2E_DIR
  || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'backend-sidecar-e2e');
const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium-headless-shell';
const INSTALL_TIMEOUT_MS = Number(process.env.E2E_INSTALL_TIMEOUT_MS || 600_000);
const RUN_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 360_000); // after the install
const BACKEND = 'api';
const BROKEN = 'broken'; // added later with a command that does not exist

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const log = (msg) => console.log(`[e2e ${secs().padStart(5)}s] ${msg}`);
const shot = (name) => path.join(SHOTS, name);

const results = []; // {name, ok, reason, secs}
let failedAlready = false;
const run = { dir: null, server: null, bench: null, second: null, chromium: null, workspace: null, pidFile: null, backendPids: new Set() };

// Runs one test. After a failure the later steps of the scenario are skipped (they depend on it);
// `always` steps (the teardown checks) run regardless.
async function test(name, fn, { always = false } = {}) {
  if (failedAlready && !always) {
    results.push({ name, skipped: true });
    console.log(`SKIP ${name}`);
    return;
  }
  const start = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, secs: (Date.now() - start) / 1000 });
    console.log(`PASS ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failedAlready = true;
    results.push({ name, ok: false, reason: e.message });
    console.log(`FAIL ${name}\n  ${String(e.message).split('\n').join('\n  ')}`);
    await onFailure(name);
  }
}

async function onFailure(name) {
  if (run.bench) {
    const file = shot(`failure-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 40)}.png`);
    await run.bench.screenshot(file).then(() => log(`screenshot: ${file}`), () => {});
  }
  if (run.server) console.log(`--- code-server log (last lines)\n${run.server.logTail(25)}`);
  for (const file of findFiles(path.join(run.dir || '/nonexistent', 'user-data/logs'), /exthost\.log$|Backend.*\.log$/)) {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-25);
    console.log(`--- ${path.relative(run.dir, file)} (last lines)\n${lines.join('\n')}`);
  }
}

function findFiles(dir, pattern, found = []) {
  let entries = [];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return found; }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) findFiles(full, pattern, found);
    else if (pattern.test(e.name)) found.push(full);
  }
  return found;
}

// The live backend's pid from its pid file, once it differs from `previous`.
async function backendPid({ previous = null, timeoutMs = 30_000 } = {}) {
  const pid = await waitUntil(() => {
    const pid = Number(fs.readFileSync(run.pidFile, 'utf8'));
    return pid && pid !== previous && alive(pid) && commandLine(pid).includes('backend.py') && pid;
  }, { timeoutMs, what: previous ? `a new backend process (the old one was ${previous})` : 'the backend to write its pid file' });
  run.backendPids.add(pid);
  return pid;
}

function expectSequence(states, expected, what) {
  let i = 0;
  for (const s of states) if (s === expected[i]) i++;
  if (i < expected.length) throw new Error(`${what}: expected the status bar to show ${expected.join(' -> ')} in that order, it showed ${states.join(' -> ') || '(nothing)'}`);
}

async function scenario() {
  // The editor's install and the extension's packaging (a dotnet publish) are independent: at once.
  const settle = (promise) => promise.then((value) => ({ value }), (error) => ({ error }));
  const installing = settle(runBounded('bash', [path.join(HERE, 'install.sh'), INSTALL_DIR], { timeoutMs: INSTALL_TIMEOUT_MS }));
  const packaging = settle(obtainVsix({ extensionDir: EXTENSION_DIR, log }));

  await test('install code-server, Chromium and playwright-core (install.sh)', async () => {
    const { value: out, error } = await installing;
    if (error) {
      const summary = error.message.split('\n').filter((l) => /^install failed: |did not finish within/.test(l)).pop();
      throw new Error(`install.sh failed${summary ? `: ${summary}` : ''}\n${excerpt(error.message)}`);
    }
    for (const line of out.trim().split('\n')) log(`  ${line}`);
    if (!fs.existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}`);
  });
  let vsix;
  await test('npm run package builds the .vsix with the sidecar in it', async () => {
    const { value, error } = await packaging;
    if (error) throw error;
    vsix = value;
    log(`${vsix.path}: ${(fs.statSync(vsix.path).size / 1e6).toFixed(1)} MB, sidecar ${(vsix.sidecarBytes / 1e6).toFixed(1)} MB`);
  }, { always: true });
  if (failedAlready) return console.log('(the editor could not be set up: the other tests did not run)');
  const watchdog = setTimeout(() => abort(`the run took longer than ${RUN_TIMEOUT_MS} ms (E2E_TIMEOUT_MS)`), RUN_TIMEOUT_MS);
  watchdog.unref();

  fs.mkdirSync(SHOTS, { recursive: true });
  for (const f of fs.readdirSync(SHOTS)) if (f.endsWith('.png')) fs.rmSync(path.join(SHOTS, f), { force: true });
  run.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-sidecar-e2e-'));
  log(`run folder ${run.dir}`);
  Object.assign(run, await makeWorkspace(run.dir, BACKEND));
  run.server = new CodeServer({ installDir: INSTALL_DIR, runDir: run.dir, log });

  await test('the .vsix installs into VS Code', async () => {
    log(`installed ${await run.server.installExtension(vsix.path, vsix.id)}`);
  });

  await test('VS Code opens the workspace', async () => {
    const url = await run.server.start(run.workspace);
    log(`code-server at ${url} (pgid ${run.server.child.pid})`);
    run.chromium = createRequire(path.join(INSTALL_DIR, 'package.json'))('playwright-core').chromium;
    run.bench = await Workbench.open({ chromium: run.chromium, executablePath: CHROMIUM, runDir: run.dir, url, folder: run.workspace, log });
    await run.bench.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'backend.py' }).first()
      .waitFor({ state: 'visible', timeout: 60_000 });
  });

  let pid;
  await test('the status bar reaches "api: running" (autoStart)', async () => {
    await run.bench.waitForState(BACKEND, 'running', 60_000);
    await run.bench.recordStates(BACKEND);
    pid = await backendPid();
    const sidecars = processesIn(run.dir).filter((p) => p.cmd.includes('/sidecar/backend-sidecar'));
    if (sidecars.length !== 1) throw new Error(`expected one sidecar process from the extension, found ${sidecars.length}: ${sidecars.map((p) => p.cmd).join('; ')}`);
    if (parentPid(pid) !== sidecars[0].pid) throw new Error(`backend ${pid} is a child of ${parentPid(pid)} (${commandLine(parentPid(pid))}), not of the sidecar ${sidecars[0].pid}`);
    log(`backend pid ${pid}, child of the sidecar pid ${sidecars[0].pid} (${sidecars[0].cmd})`);
    await run.bench.screenshot(shot('01-running.png'));
  });

  await test('"Backend: Show Status" lists api with the pid of the backend process', async () => {
    await run.bench.runCommand('Backend: Show Status');
    const row = await run.bench.quickPickRow(new RegExp(`\\b${BACKEND}\\b[\\s\\S]*\\b${pid}\\b`), 15_000)
      .catch(async (e) => { throw new Error(`no row with "${BACKEND}" and pid ${pid}: ${e.message}`); });
    log(`Show Status: ${row.replace(/\s+/g, ' ')}`);
    await run.bench.screenshot(shot('02-show-status.png'));
    await run.bench.dismissQuickPick();
  });

  await test('after a SIGKILL of the backend the status bar goes through backoff back to "api: running"', async () => {
    await run.bench.takeStates();
    process.kill(pid, 'SIGKILL');
    log(`SIGKILL to backend pid ${pid}`);
    await run.bench.waitForRecordedState('backoff', 15_000);
    await run.bench.screenshot(shot('03-backoff.png')); // still in backoff for ~2 s, unless the machine is very slow
    const newPid = await backendPid({ previous: pid });
    await run.bench.waitForState(BACKEND, 'running', 30_000);
    expectSequence(await run.bench.takeStates(), ['running', 'backoff', 'running'], 'crash and recovery');
    log(`backend came back as pid ${newPid}`);
    pid = newPid;
    await run.bench.screenshot(shot('04-recovered.png'));
  });

  await test('"Backend: Restart" from the palette restarts it (new pid, "api: running")', async () => {
    await run.bench.takeStates();
    await run.bench.runCommand('Backend: Restart', shot('05-palette-restart.png'));
    const newPid = await backendPid({ previous: pid });
    await waitUntil(() => !alive(pid), { timeoutMs: 10_000, what: `the old backend ${pid} to be gone` });
    await run.bench.waitForState(BACKEND, 'running', 30_000);
    const states = await run.bench.takeStates();
    if (!states.slice(1).some((s) => s !== 'running')) throw new Error(`the status bar never left "running" during the restart (${states.join(' -> ')})`);
    log(`restarted: pid ${pid} -> ${newPid}; states ${states.join(' -> ')}`);
    pid = newPid;
    await run.bench.screenshot(shot('06-restarted.png'));
  });

  await test('"Backend: Show Logs" shows the backend\'s own lines in the Output panel', async () => {
    await run.bench.runCommand('Backend: Show Logs');
    const line = `pid ${pid}`;
    const panel = await waitUntil(async () => {
      const p = await run.bench.outputPanel();
      return p.text.includes('e2e-backend: tick') && p.text.includes(line) && p;
    }, { timeoutMs: 15_000, what: `the Output panel to show "e2e-backend: tick ... ${line}"` })
      .catch(async (e) => { throw new Error(`${e.message}; it shows channel "${(await run.bench.outputPanel().catch(() => ({}))).channel}"`); });
    if (panel.channel && panel.channel !== `Backend: ${BACKEND}`) throw new Error(`the Output panel shows channel "${panel.channel}", expected "Backend: ${BACKEND}"`);
    log(`Output panel, channel "${panel.channel}": ${panel.text.split('\n').filter((l) => l.includes('e2e-backend')).slice(-1)[0]}`);
    await run.bench.screenshot(shot('07-logs.png'));
  });

  await test('"Backend: Stop" stops it ("api: stopped", process gone)', async () => {
    await run.bench.runCommand('Backend: Stop');
    await run.bench.waitForState(BACKEND, 'stopped', 30_000);
    await waitUntil(() => !alive(pid), { timeoutMs: 10_000, what: `backend ${pid} to be gone` });
    await run.bench.screenshot(shot('08-stopped.png'));
  });

  // Started again, so that closing the editor below finds a backend to stop.
  await test('"Backend: Start" starts it again ("api: running", new pid)', async () => {
    await run.bench.runCommand('Backend: Start');
    pid = await backendPid({ previous: pid });
    await run.bench.waitForState(BACKEND, 'running', 30_000);
    await run.bench.screenshot(shot('09-started.png'));
  });

  // A second window on the same folder, as a person opens the project again: a second code-server
  // (its own user data dir, server and extension host). Its extension spawns `serve --config` for the same file, which finds
  // the first window's sidecar by its attach socket and relays to it instead of starting the backend.
  let relay;
  await test('a second window on the same folder attaches to the running sidecar: the same backend pid, one set of backends, no port fight', async () => {
    const supervisor = parentPid(pid);
    await run.bench.takeStates();
    const server = new CodeServer({ installDir: INSTALL_DIR, runDir: run.dir, log, name: 'second' });
    run.second = { server, bench: null };
    const url = await server.start(run.workspace);
    log(`second code-server at ${url} (pgid ${server.child.pid})`);
    run.second.bench = await Workbench.open({ chromium: run.chromium, executablePath: CHROMIUM, runDir: run.dir, url, folder: run.workspace, log, name: 'second' });
    const bench = run.second.bench;
    await bench.waitForState(BACKEND, 'running', 90_000);
    await bench.recordStates(BACKEND);
    const tooltip = await bench.hoverStatusItem(BACKEND);
    log(`second window's tooltip: ${tooltip.replace(/\s+/g, ' ')}`);
    if (!new RegExp(`PID: ${pid}\\b`).test(tooltip)) throw new Error(`the second window's tooltip does not show the running backend's pid ${pid}: ${tooltip}`);
    await bench.screenshot(shot('10-second-window.png'));

    const sidecars = processesIn(run.dir).filter((p) => p.cmd.includes('/sidecar/backend-sidecar'));
    const backends = processesIn(run.dir).filter((p) => p.cmd.includes('backend.py'));
    if (backends.length !== 1 || backends[0].pid !== pid || parentPid(pid) !== supervisor) {
      throw new Error(`expected one backend, ${pid}, child of the first sidecar ${supervisor}; found ${backends.map((p) => `${p.pid} (parent ${parentPid(p.pid)})`).join(', ')}`);
    }
    const others = sidecars.filter((p) => p.pid !== supervisor);
    if (others.length !== 1 || !descendsFrom(others[0].pid, server.child.pid)) {
      throw new Error(`expected the first sidecar ${supervisor} and one sidecar process of the second window; found ${sidecars.map((p) => `${p.pid} ${p.cmd}`).join('; ')}`);
    }
    relay = others[0].pid;
    // It relays to the first one: it supervises nothing of its own.
    const children = childrenOf(relay);
    if (children.length) throw new Error(`the second window's sidecar ${relay} has child processes (${children.map((c) => `${c} ${commandLine(c)}`).join('; ')}): it started backends of its own`);
    const sockets = fs.readdirSync(path.join(run.dir, 'xdg/runtime/backend-sidecar')).filter((f) => f.endsWith('.sock'));
    if (sockets.length !== 1) throw new Error(`expected one attach socket, found ${sockets.join(', ') || 'none'}`);
    const firstStates = await run.bench.takeStates();
    if (firstStates.some((st) => st !== 'running')) throw new Error(`the first window's api left "running" while the second attached: ${firstStates.join(' -> ')}`);
    if (Number(fs.readFileSync(run.pidFile, 'utf8')) !== pid) throw new Error('the backend was started again (its pid file changed)');
    log(`second window: backend ${pid} under the first sidecar ${supervisor}; the second window's sidecar process ${relay} (${commandLine(relay)}) only relays`);
  });

  await test('closing the second window leaves the backend running for the first one', async () => {
    const { server, bench } = run.second;
    await bench.close();
    await server.stop();
    run.second = null;
    await waitUntil(() => !alive(relay), { timeoutMs: 15_000, what: `the second window's sidecar process ${relay} to exit` });
    await sleep(2000); // a stop the detach caused would show by now
    if (!alive(pid)) throw new Error(`the backend ${pid} stopped when the second window closed`);
    if (Number(fs.readFileSync(run.pidFile, 'utf8')) !== pid) throw new Error('the backend was restarted when the second window closed');
    const states = await run.bench.takeStates();
    if (states.some((st) => st !== 'running')) throw new Error(`the first window's api left "running" when the second window closed: ${states.join(' -> ')}`);
    await run.bench.waitForState(BACKEND, 'running', 5_000);
    const tooltip = await run.bench.hoverStatusItem(BACKEND);
    if (!new RegExp(`PID: ${pid}\\b`).test(tooltip)) throw new Error(`the first window's tooltip does not show pid ${pid}: ${tooltip}`);
    await run.bench.screenshot(shot('11-second-window-closed.png'));
    await run.bench.page.mouse.move(640, 300);
  });

  // A backend that fails on its own: a second one, with a mistyped command and autoStart, added to
  // the configuration as a person would. The config watcher starts a new session, which starts it.
  await test('an autoStart backend that cannot start shows one error notification in words, with "Show Logs" and "Open Config"', async () => {
    const configFile = path.join(run.workspace, '.vscode/backends.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    config.backends[BROKEN] = { command: 'pyhton3-e2e-missing', args: ['server.py'], autoStart: true };
    fs.writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
    await run.bench.waitForState(BROKEN, 'failed', 45_000);
    const { message, buttons } = await run.bench.notification(new RegExp(`Backend ${BROKEN} could not start`), 20_000);
    log(`notification: "${message}" [${buttons.join('] [')}]`);
    if (!message.includes('command "pyhton3-e2e-missing" not found')) throw new Error(`the notification does not say what is wrong: "${message}"`);
    if (/-32\d{3}|Searched/.test(message)) throw new Error(`the notification shows a protocol code or the searched paths: "${message}"`);
    for (const title of ['Show Logs', 'Open Config']) if (!buttons.includes(title)) throw new Error(`the notification has no "${title}" button: [${buttons.join('] [')}]`);
    await new Promise((r) => setTimeout(r, 2000)); // a second notification (one per retry) would show by now
    const toasts = await run.bench.page.locator('.notifications-toasts .notification-list-item-message', { hasText: BROKEN }).count();
    if (toasts !== 1) throw new Error(`expected one notification about ${BROKEN}, found ${toasts}`);
    await run.bench.screenshot(shot('12-failure-notification.png'));
    const tooltip = await run.bench.hoverStatusItem(BROKEN);
    log(`tooltip: ${tooltip.replace(/\s+/g, ' ')}`);
    if (/-32\d{3}/.test(tooltip)) throw new Error(`the tooltip shows a protocol code: ${tooltip}`);
    if (!/could not start/.test(tooltip)) throw new Error(`the tooltip does not say what happened: ${tooltip}`);
    await run.bench.screenshot(shot('13-failure-tooltip.png'));
    await run.bench.page.mouse.move(640, 300);
    await run.bench.waitForState(BACKEND, 'running', 30_000); // the reload brought api back
  });

  await test('"Show Logs" on that notification opens the Output panel on the backend\'s channel', async () => {
    const { toast } = await run.bench.notification(new RegExp(`Backend ${BROKEN} could not start`), 5_000);
    await toast.locator('.monaco-button', { hasText: 'Show Logs' }).click();
    const panel = await waitUntil(async () => {
      const p = await run.bench.outputPanel().catch(() => null);
      return p && p.channel === `Backend: ${BROKEN}` && p;
    }, { timeoutMs: 15_000, what: `the Output panel to show channel "Backend: ${BROKEN}"` });
    log(`Output panel, channel "${panel.channel}": ${panel.text.split('\n').slice(-2).join(' / ')}`);
    await run.bench.screenshot(shot('14-failure-logs.png'));
  });

  // A backends.json of its own (in sub/.vscode, which the extension's config watcher does not follow):
  // editing the workspace's config would be saved (code-server saves on its own) and reloaded.
  await test('a .vscode/backends.json without $schema gets completion from the extension\'s schema', async () => {
    const scratch = path.join(run.workspace, 'sub/.vscode/backends.json');
    fs.mkdirSync(path.dirname(scratch), { recursive: true });
    fs.writeFileSync(scratch, '{\n  "backends": {\n    "web": {\n      \n    }\n  }\n}\n');
    await run.bench.openFile('sub/.vscode/backends.json');
    // Line 4 is the empty inside of "web": {}: a property key goes there.
    const keyboard = run.bench.page.keyboard;
    await keyboard.press('Control+Home');
    for (let i = 0; i < 3; i++) await keyboard.press('ArrowDown');
    await keyboard.press('End');
    let labels = [];
    for (let attempt = 0; attempt < 5 && !labels.includes('dependsOn'); attempt++) {
      await keyboard.press('Control+Space');
      labels = await run.bench.suggestions(15_000).catch(() => []);
      if (!labels.includes('dependsOn')) {
        await keyboard.press('Escape');
        await new Promise((r) => setTimeout(r, 2000)); // the JSON server may still be loading the schema
      }
    }
    log(`suggestions: ${labels.join(', ')}`);
    await run.bench.screenshot(shot('15-schema-completion.png'));
    // The suggest widget lists what fits on screen, alphabetically: the first of the backend's properties.
    for (const expected of ['args', 'autoStart', 'command', 'dependsOn']) {
      if (!labels.includes(expected)) throw new Error(`no "${expected}" among the suggestions: ${labels.join(', ') || '(none)'}`);
    }
    await keyboard.press('Escape');
  });
}

// Closes the browser and code-server's process group (which holds the extension host and the
// sidecar), then checks that nothing of this run is left: no backend, sidecar, editor or browser.
async function teardown() {
  if (run.second) {
    await run.second.bench?.close();
    await run.second.server.stop();
    run.second = null;
  }
  if (run.bench) {
    if (run.bench.consoleErrors.length) log(`browser console errors: ${run.bench.consoleErrors.length} (first: ${run.bench.consoleErrors[0].slice(0, 200)})`);
    await run.bench.close();
    run.bench = null;
  }
  if (run.server) await run.server.stop();
  if (!run.dir) return;
  await test('closing the editor stops the backend and the sidecar: nothing is left running', async () => {
    let left = [];
    try {
      await waitUntil(() => {
        left = processesIn(run.dir);
        for (const pid of run.backendPids) if (alive(pid) && !left.some((p) => p.pid === pid)) left.push({ pid, cmd: commandLine(pid) });
        return left.length === 0;
      }, { timeoutMs: 15_000, what: 'the processes of this run to exit' });
    } catch {
      // They live in this run's private folder, so they are ours: end them, then fail.
      for (const p of left) { killGroup(p.pid, 'SIGKILL'); try { process.kill(p.pid, 'SIGKILL'); } catch {} }
      throw new Error(`left running 15 s after the editor closed:\n${left.map((p) => `${p.pid} ${p.cmd}`).join('\n')}`);
    }
  }, { always: true });
}

function finish(code) {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.filter((r) => r.ok === false).length;
  const skipped = results.filter((r) => r.skipped).length;
  if (run.dir) {
    if (failed || process.env.E2E_KEEP) log(`kept the run folder ${run.dir}`);
    else fs.rmSync(run.dir, { recursive: true, force: true });
  }
  console.log(`screenshots: ${SHOTS}`);
  console.log(`e2e took ${secs()} s${skipped ? `; ${skipped} skipped after a failure` : ''}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? (failed ? 1 : 0));
}

let finishing = false;
async function abort(reason) {
  if (finishing) return;
  finishing = true;
  console.log(`FAIL ${reason}`);
  results.push({ name: reason, ok: false });
  await teardown().catch((e) => console.log(`teardown: ${e.message}`));
  finish(1);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => abort(`interrupted by ${signal}`));

try {
  await scenario();
} catch (e) {
  results.push({ name: 'the e2e harness', ok: false, reason: e.message });
  console.log(`FAIL the e2e harness: ${e.stack}`);
}
if (!finishing) {
  finishing = true;
  await teardown();
  finish();
}

// Child processes of the e2e run: bounded commands, process groups, and a look at /proc for
// anything of the run that is still alive.
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `probe` until it returns a truthy value; a bounded wait for a condition no event tells us
// about (a process we did not start going away, a file written by the backend).
export async function waitUntil(probe, { timeoutMs, intervalMs = 200, what }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) break;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (${lastError.message})` : ''}`);
}

// Runs a command in its own process group and resolves with its output; on timeout the whole group
// is killed and the promise rejects with the output so far.
export function runBounded(command, args, { timeoutMs, ...options }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      killGroup(child.pid, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(Object.assign(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}\n${output}`), { output }));
    });
  });
}

export function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // the group is already empty
  }
}

export function groupAlive(pgid) {
  return killGroup(pgid, 0);
}

// A pid is alive when it exists and is not a zombie waiting for its parent.
export function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function commandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

// Every live process, other than this one, whose command line or working directory lies in `dir`:
// the run folder holds the workspace, the extensions and the user data, so a backend, sidecar,
// editor or browser of this run shows up here and nothing of another run does.
export function processesIn(dir) {
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid || !alive(entry)) continue;
    let cwd = '';
    try { cwd = fs.readlinkSync(`/proc/${entry}/cwd`); } catch {}
    const cmd = commandLine(entry);
    if (cmd.includes(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) found.push({ pid: Number(entry), cmd });
  }
  return found;
}

export function parentPid(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

// The live processes whose parent is `pid`.
export function childrenOf(pid) {
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e) && alive(e) && parentPid(e) === pid).map(Number);
}

// Whether `ancestor` is `pid`'s parent, its parent's parent, and so on.
export function descendsFrom(pid, ancestor) {
  for (let p = pid, hops = 0; p && p > 1 && hops < 64; p = parentPid(p), hops++) if (p === ancestor) return true;
  return false;
}

// The lines of a long error output worth reading: those that say "error", and the last ones.
export function excerpt(text, { errors = 8, last = 12 } = {}) {
  const lines = String(text).split('\n');
  const flagged = lines.filter((l) => /error|✘|failed/i.test(l)).slice(0, errors);
  return [...new Set([...flagged, '...', ...lines.slice(-last)])].join('\n');
}

import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { sidecarExecutableName, type BackendStatus } from '@backend-sidecar/client';
import type { Event } from '../../src/controller/emitter';

/** Bounds for waiting on events: a real sidecar starting a real python backend on a busy 2-core machine. */
export const TestTimeouts = { Unexpected: 20_000 } as const;

/** The repository root: the first folder above this file that holds BackendSidecar.sln. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 12; i++) {
    if (existsSync(join(dir, 'BackendSidecar.sln'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`no BackendSidecar.sln above ${__dirname}`);
}

/**
 * The sidecar the tests drive: BACKEND_SIDECAR_PATH when set (test.sh sets it to the NativeAOT binary it
 * publishes), else the one `dotnet build -c Release` makes.
 */
export function builtSidecar(): string {
  const path = process.env.BACKEND_SIDECAR_PATH || join(repoRoot(), 'src', 'BackendSidecar', 'bin', 'Release', 'net10.0', sidecarExecutableName());
  if (!existsSync(path)) throw new Error(`${path} is missing: run "dotnet build -c Release" (test.sh does) first, or set BACKEND_SIDECAR_PATH`);
  return path;
}

/**
 * The sidecar's environment for a test: its attach socket (and log folders) in `dir`, not the user's
 * runtime and state folders.
 */
export function isolatedEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, XDG_RUNTIME_DIR: join(dir, 'run'), XDG_STATE_HOME: join(dir, 'state') };
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether a process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export function killIfAlive(pid: number): void {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone meanwhile.
  }
}

/** The next event that matches, or a rejection after the timeout. */
export function nextEvent<T>(event: Event<T>, predicate: (value: T) => boolean = () => true, timeoutMs: number = TestTimeouts.Unexpected): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no matching event within ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = event((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    });
  });
}

/** Resolves with the backend's status once it matches: now, or at a later status change. */
export async function statusOf(
  source: { statuses: BackendStatus[]; onDidChangeStatuses: Event<readonly BackendStatus[]> },
  backend: string,
  predicate: (s: BackendStatus) => boolean,
): Promise<BackendStatus> {
  const find = (statuses: readonly BackendStatus[]) => statuses.find((s) => s.backend === backend && predicate(s));
  const pending = nextEvent(source.onDidChangeStatuses, (statuses) => find(statuses) !== undefined);
  const now = find(source.statuses);
  if (now) {
    pending.catch(() => undefined);
    return now;
  }
  return find(await pending)!;
}

/**
 * A backend for the tests: python3's stdlib HTTP server answering /health with {"status": "ok"}. It
 * prints its API_TOKEN (a secretEnv: the sidecar must mask it as ***) and the port it listens on.
 */
export const pythonBackend = `
import http.server, json, os, sys
port = int(sys.argv[1])
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/health"
        body = json.dumps({"status": "ok"} if ok else {"error": "not found"}).encode()
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
print("token=" + os.environ.get("API_TOKEN", "<none>"), flush=True)
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Health)
print("listening on %d" % port, flush=True)
server.serve_forever()
`;

/** A backends.json for one python backend named `web` on `port`. */
export function webConfig(port: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    backends: {
      web: {
        command: 'python3',
        args: ['-u', '${configDir}/server.py', '${port}'],
        port,
        health: { http: 'http://127.0.0.1:${port}/health', intervalMs: 250, timeoutMs: 1000, startupTimeoutMs: 15000, failureThreshold: 3 },
        restart: { policy: 'on-failure', maxRestarts: 3, windowMs: 60000, backoff: { initialMs: 100, factor: 1, maxMs: 100, jitter: 0 } },
        stop: { timeoutMs: 5000 },
        ...extra,
      },
    },
  }, null, 2);
}

/**
 * Resolves once the backend has logged a line that matches: already (logs), or later (log
 * notifications). The sidecar reads output and probes health concurrently, so "running" does not
 * mean that a line printed before listening has been read yet.
 */
export async function logLine(
  source: { logs(backend: string, tail: number): Promise<{ entries: Array<{ text: string }> }>; onLog: Event<{ backend: string; entries: Array<{ text: string }> }> },
  backend: string,
  predicate: (text: string) => boolean,
): Promise<string> {
  const pending = nextEvent(source.onLog, (log) => log.backend === backend && log.entries.some((e) => predicate(e.text)));
  const found = (await source.logs(backend, 200)).entries.find((e) => predicate(e.text));
  if (found) {
    pending.catch(() => undefined);
    return found.text;
  }
  return (await pending).entries.find((e) => predicate(e.text))!.text;
}

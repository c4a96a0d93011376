// The workspace the editor opens for the test, with a port for its backend that the OS picked.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/workspace');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// The workspace: backend.py and a .vscode/backends.json with one backend that starts by itself.
export async function makeWorkspace(dir, backend) {
  const port = await freePort();
  const workspace = path.join(dir, 'workspace');
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.copyFileSync(path.join(FIXTURE, 'backend.py'), path.join(workspace, 'backend.py'));
  const pidFile = path.join(workspace, `${backend}.pid`);
  const config = {
    backends: {
      [backend]: {
        command: 'python3',
        args: ['-u', path.join(workspace, 'backend.py')],
        cwd: workspace,
        env: { PORT: String(port), PID_FILE: pidFile },
        port,
        health: { http: 'http://127.0.0.1:${port}/health', intervalMs: 500, timeoutMs: 1000, startupTimeoutMs: 20000, failureThreshold: 3 },
        // A 2 s backoff keeps "<backend>: backoff" on screen long enough for a screenshot.
        restart: { policy: 'on-failure', maxRestarts: 5, windowMs: 60000, backoff: { initialMs: 2000, factor: 2, maxMs: 8000, jitter: 0 } },
        stop: { signal: 'SIGTERM', timeoutMs: 5000 },
        autoStart: true,
      },
    },
  };
  fs.writeFileSync(path.join(workspace, '.vscode/backends.json'), `${JSON.stringify(config, null, 2)}\n`);
  fs.writeFileSync(path.join(workspace, 'README.md'), '# e2e workspace\n\nMade by editor-extension/test/e2e/run.mjs.\n');
  return { workspace, pidFile };
}

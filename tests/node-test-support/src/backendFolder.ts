import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';
import { pythonBackendSource } from './pythonBackend';

/** What {@link BackendFolder.backend} varies in a backend's configuration. */
export interface TestBackendOptions {
  port: number;
  tag?: string;
  neverHealthy?: boolean;
  /** Merged over the generated configuration (e.g. restart or stop settings). */
  extra?: Record<string, unknown>;
}

/**
 * A temporary folder with the Python test backend (backend.py) and the configuration files a test
 * writes next to it. Remove it in `after`.
 */
export class BackendFolder {
  readonly dir = mkdtempSync(join(tmpdir(), 'sidecar-node-test-'));
  readonly script = join(this.dir, 'backend.py');

  constructor() {
    writeFileSync(this.script, pythonBackendSource);
  }

  /**
   * One backend's configuration: python3 backend.py on `port`, an HTTP health check expecting
   * {"status": "ok"}, quick health polling and a short backoff so that crash tests stay fast.
   */
  backend(options: TestBackendOptions): Record<string, unknown> {
    return {
      command: 'python3',
      args: this.args(options),
      env: { PYTHONUNBUFFERED: '1' },
      port: options.port,
      health: { http: 'http://127.0.0.1:${port}/health', expectJson: { status: 'ok' }, intervalMs: 500, timeoutMs: 1000, startupTimeoutMs: 15000 },
      restart: { policy: 'on-failure', maxRestarts: 5, windowMs: 60000, backoff: { initialMs: 200, factor: 2, maxMs: 1000, jitter: 0 } },
      stop: { signal: 'SIGTERM', timeoutMs: 5000 },
      log: { file: join(this.dir, `backend-${options.port}.log`) },
      ...options.extra,
    };
  }

  /** The backend's argv after `python3` (use it to restart with other args). */
  args(options: { port: number; tag?: string; neverHealthy?: boolean }): string[] {
    return [this.script, '--port', String(options.port), ...(options.tag ? ['--tag', options.tag] : []), ...(options.neverHealthy ? ['--never-healthy'] : [])];
  }

  /** Writes `{backends}` as a configuration file in the folder and returns its path. */
  writeConfig(backends: Record<string, Record<string, unknown>>, name = 'backends.json'): string {
    const path = join(this.dir, name);
    writeFileSync(path, JSON.stringify({ backends }, null, 2));
    return path;
  }

  /** A configuration with one backend "api" on a free port; returns the path and the port. */
  async writeApiConfig(options: Omit<TestBackendOptions, 'port'> = {}): Promise<{ configPath: string; port: number }> {
    const port = await freePort();
    return { configPath: this.writeConfig({ api: this.backend({ port, ...options }) }), port };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

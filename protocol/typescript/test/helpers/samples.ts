// Hand-written messages as CONTRACT.md defines them, for the schema tests.
import type { BackendStatus, LogEntry } from '@backend-sidecar/client';

export function runningStatus(overrides: Partial<BackendStatus> = {}): BackendStatus {
  return {
    backend: 'api',
    state: 'running',
    pid: 41235,
    startedAt: '2025-01-31T09:30:00.120Z',
    uptimeMs: 5210,
    restartCount: 0,
    external: false,
    port: 8882,
    healthUrl: 'http://127.0.0.1:8882/health',
    health: { ok: true, checkedAt: '2025-01-31T09:30:05.000Z', latencyMs: 3, detail: null, consecutiveFailures: 0 },
    lastExit: null,
    lastError: null,
    nextRestartAt: null,
    logFile: '/tmp/backend-sidecar/api.log',
    ...overrides,
  };
}

export function stoppedStatus(overrides: Partial<BackendStatus> = {}): BackendStatus {
  return runningStatus({ state: 'stopped', pid: null, startedAt: null, uptimeMs: null, health: null, ...overrides });
}

export function logEntry(overrides: Partial<LogEntry> = {}): LogEntry {
  return { seq: 1, time: '2025-01-31T09:30:00.500Z', stream: 'stdout', text: 'Uvicorn running on http://127.0.0.1:8882', ...overrides };
}

/** Drops one key from an object (to make a required key missing). */
export function without<T extends object>(value: T, key: keyof T): Partial<T> {
  const copy: Partial<T> = { ...value };
  delete copy[key];
  return copy;
}

import type { BackendStatus } from '@backend-sidecar/client';

/** A fixed "now" for tooltips and quick picks: 2025-01-01T00:10:00Z. */
export const now = Date.parse('2025-01-01T00:10:00Z');

/** A backend status with every key present (as the contract says), overridable. */
export function status(overrides: Partial<BackendStatus> = {}): BackendStatus {
  return {
    backend: 'api',
    state: 'stopped',
    pid: null,
    startedAt: null,
    uptimeMs: null,
    restartCount: 0,
    external: false,
    port: null,
    healthUrl: null,
    health: null,
    lastExit: null,
    lastError: null,
    nextRestartAt: null,
    logFile: null,
    ...overrides,
  };
}

/** A running backend started 3 minutes 12 seconds before {@link now}, healthy in 12 ms. */
export function running(overrides: Partial<BackendStatus> = {}): BackendStatus {
  return status({
    state: 'running',
    pid: 4242,
    startedAt: new Date(now - 192_000).toISOString(),
    uptimeMs: 1000,
    port: 8882,
    healthUrl: 'http://127.0.0.1:8882/health',
    health: { ok: true, checkedAt: new Date(now).toISOString(), latencyMs: 12, detail: null, consecutiveFailures: 0 },
    ...overrides,
  });
}

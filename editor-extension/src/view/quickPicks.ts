import type { BackendState, BackendStatus } from '@backend-sidecar/client';
import { browserUrl } from '../browserUrl';
import { formatDuration } from './format';
import { stateIcon } from './statusBarModel';

// Quick pick items as plain data; the commands show them with window.showQuickPick.

/** What can be done to one backend. */
export type BackendAction = 'start' | 'stop' | 'restart' | 'showLogs' | 'openInBrowser' | 'diagnose' | 'setSecret';

/** What can be done to the sidecar itself. */
export type SessionAction = 'restartSidecar' | 'showSidecarLog' | 'openSettings' | 'openConfig';

export interface ActionItem<A extends string = BackendAction | SessionAction> {
  label: string;
  description?: string;
  action: A;
}

export interface BackendItem {
  label: string;
  description: string;
  detail?: string;
  backend: string;
}

const labels: Record<BackendAction | SessionAction, string> = {
  start: '$(play) Start',
  stop: '$(debug-stop) Stop',
  restart: '$(debug-restart) Restart',
  showLogs: '$(output) Show Logs',
  openInBrowser: '$(globe) Open in Browser',
  diagnose: '$(checklist) Diagnose',
  setSecret: '$(key) Set Secret',
  restartSidecar: '$(refresh) Restart Sidecar',
  showSidecarLog: '$(output) Show Sidecar Log',
  openSettings: '$(settings-gear) Open Settings',
  openConfig: '$(go-to-file) Open Config',
};

/** Per state, the actions that make sense, the likeliest first. */
const byState: Record<BackendState, BackendAction[]> = {
  running: ['restart', 'stop', 'showLogs', 'diagnose', 'setSecret'],
  unhealthy: ['restart', 'stop', 'showLogs', 'diagnose'],
  starting: ['stop', 'showLogs'],
  backoff: ['restart', 'stop', 'showLogs', 'diagnose'],
  stopping: ['showLogs'],
  stopped: ['start', 'showLogs', 'diagnose', 'setSecret'],
  failed: ['start', 'showLogs', 'diagnose', 'setSecret'],
};

/** Where the browser can go while the backend serves (running or unhealthy). */
const servingStates: ReadonlySet<BackendState> = new Set(['running', 'unhealthy']);

/** The quick pick of a backend's status bar item. */
export function backendActionItems(status: BackendStatus): ActionItem<BackendAction>[] {
  const actions = [...byState[status.state]];
  const url = servingStates.has(status.state) ? browserUrl(status) : undefined;
  if (url) actions.splice(actions.indexOf('showLogs') + 1, 0, 'openInBrowser');
  return actions.map((action) => ({
    label: labels[action],
    action,
    ...(action === 'restart' && status.state === 'backoff' ? { description: 'now, without waiting for the backoff' } : {}),
    ...(action === 'stop' && status.external ? { description: 'stops monitoring it: it was found running, not started here' } : {}),
    ...(action === 'openInBrowser' ? { description: url } : {}),
  }));
}

/** The quick pick of the session item (the sidecar is starting, failed, or has no backends). */
export function sessionActionItems(sessionFailed: boolean): ActionItem<SessionAction>[] {
  const actions: SessionAction[] = sessionFailed ? ['restartSidecar', 'showSidecarLog', 'openSettings'] : ['showSidecarLog', 'openConfig', 'restartSidecar'];
  return actions.map((action) => ({ label: labels[action], action }));
}

/** One row per backend: name, state with its icon, and what a glance needs (PID, port, uptime, last error). */
export function backendItems(statuses: readonly BackendStatus[], now: number, folder?: string): BackendItem[] {
  return statuses.map((s) => {
    const facts = [
      s.pid !== null ? `PID ${s.pid}` : undefined,
      s.port !== null ? `port ${s.port}` : undefined,
      s.startedAt !== null ? `up ${formatDuration(now - Date.parse(s.startedAt))}` : undefined,
      s.restartCount > 0 ? `${s.restartCount} restarts` : undefined,
    ].filter((f) => f !== undefined);
    return {
      label: s.backend,
      description: `${folder ? `${folder} · ` : ''}${stateIcon(s.state)} ${s.state}${facts.length ? ` · ${facts.join(' · ')}` : ''}`,
      ...(s.lastError ? { detail: `Last error: ${s.lastError.message}` } : {}),
      backend: s.backend,
    };
  });
}

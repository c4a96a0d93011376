import type { BackendState, BackendStatus } from '@backend-sidecar/client';
import type { SessionState } from '../controller/sidecarController';
import { presentError } from '../errorPresentation';
import { SetupError } from '../setupError';
import { escapeMarkdown, formatDuration, formatExit, oneLine } from './format';

// What the status bar shows, as plain data: the glue (statusBar.ts) only copies it onto
// StatusBarItems. Per backend: `$(<icon>) <backend>: <state>`.

/** The theme colours the items use (ThemeColor ids). */
export type StatusBackground = 'statusBarItem.errorBackground' | 'statusBarItem.warningBackground';

export interface StatusBarItemModel {
  /** Stable per item, so the glue can reuse its StatusBarItem: `backend:<name>`, `summary` or `session`. */
  id: string;
  text: string;
  /** Markdown. */
  tooltip: string;
  background: StatusBackground | undefined;
  /** The command a click runs, with its arguments. */
  command: { command: string; arguments: unknown[] };
}

/** Up to this many backends get an item each; more get one summarising item. */
export const maxBackendItems = 3;

/** The command a click on an item runs: the quick pick of actions for its backend (or for the session). */
export const showActionsCommand = 'backendSidecar.showActions';

const icons: Record<BackendState, string> = {
  running: '$(pass)',
  starting: '$(sync~spin)',
  stopping: '$(sync~spin)',
  backoff: '$(sync~spin)',
  unhealthy: '$(warning)',
  failed: '$(error)',
  stopped: '$(circle-slash)',
};

export function stateIcon(state: BackendState): string {
  return icons[state];
}

export function stateBackground(state: BackendState): StatusBackground | undefined {
  if (state === 'failed') return 'statusBarItem.errorBackground';
  if (state === 'unhealthy' || state === 'backoff') return 'statusBarItem.warningBackground';
  return undefined;
}

/** `$(pass) api: running`. */
export function backendText(status: BackendStatus): string {
  return `${stateIcon(status.state)} ${status.backend}: ${status.state}`;
}

/** Worst first: the summary shows the most urgent state. */
const severity: BackendState[] = ['failed', 'unhealthy', 'backoff', 'starting', 'stopping', 'stopped', 'running'];

/** The tooltip of one backend: PID, uptime, restarts, health, last exit and error (Markdown). */
export function backendTooltip(status: BackendStatus, now: number): string {
  const lines: string[] = [];
  const facts: Array<[string, string | undefined]> = [
    ['PID', status.pid !== null ? String(status.pid) : undefined],
    ['Uptime', uptime(status, now)],
    ['Restarts', String(status.restartCount)],
    ['Port', status.port !== null ? String(status.port) : undefined],
    ['Health', health(status)],
    ['Last exit', status.lastExit ? formatExit(status.lastExit) : undefined],
    ['Last error', status.lastError ? `${status.lastError.message} (${status.lastError.code})` : undefined],
    ['Next restart', status.nextRestartAt ? `in ${formatDuration(Date.parse(status.nextRestartAt) - now)}` : undefined],
  ];
  lines.push(`**${escapeMarkdown(status.backend)}**: ${status.state}${status.external ? ' (external: found running, monitored only)' : ''}`, '');
  for (const [label, value] of facts) {
    if (value !== undefined) lines.push(`${label}: ${escapeMarkdown(oneLine(value, 200))}  `);
  }
  lines.push('', 'Click for actions');
  return lines.join('\n');
}

function uptime(status: BackendStatus, now: number): string | undefined {
  // startedAt, not uptimeMs: the tooltip is redrawn later than the status was taken.
  if (status.startedAt !== null) return formatDuration(now - Date.parse(status.startedAt));
  return status.uptimeMs !== null ? formatDuration(status.uptimeMs) : undefined;
}

function health(status: BackendStatus): string | undefined {
  const h = status.health;
  if (!h) return undefined;
  const latency = h.latencyMs !== null ? `, ${h.latencyMs} ms` : '';
  if (h.ok) return `ok${latency}`;
  const failures = h.consecutiveFailures > 1 ? ` (${h.consecutiveFailures} in a row)` : '';
  return `failing${failures}${h.detail ? `: ${h.detail}` : ''}${latency}`;
}

/** Every status bar item for the session and its backends (empty: show nothing). */
export function statusBarItems(session: SessionState, statuses: readonly BackendStatus[], now: number): StatusBarItemModel[] {
  switch (session.kind) {
    case 'stopped':
      return [];
    case 'starting':
      return [sessionItem('$(sync~spin) Backend: starting', 'Starting backend-sidecar…', undefined)];
    case 'failed':
      // A workspace without a backends file is not an error: the extension just stays out of the way.
      if (SetupError.is(session.error, 'configNotFound') || SetupError.is(session.error, 'noWorkspace')) return [];
      return [sessionItem('$(error) Backend: sidecar failed', `**backend-sidecar is not running**\n\n${escapeMarkdown(presentError(session.error).message)}\n\nClick for actions`, 'statusBarItem.errorBackground')];
    case 'running':
      break;
  }
  if (statuses.length === 0) return [sessionItem('$(circle-slash) Backend: none configured', 'The configuration has no backends.', undefined)];
  if (statuses.length <= maxBackendItems) {
    return statuses.map((s) => ({
      id: `backend:${s.backend}`,
      text: backendText(s),
      tooltip: backendTooltip(s, now),
      background: stateBackground(s.state),
      command: { command: showActionsCommand, arguments: [s.backend] },
    }));
  }
  return [summaryItem(statuses)];
}

function summaryItem(statuses: readonly BackendStatus[]): StatusBarItemModel {
  const worst = [...statuses].sort((a, b) => severity.indexOf(a.state) - severity.indexOf(b.state))[0]!;
  const running = statuses.filter((s) => s.state === 'running').length;
  const rows = statuses.map((s) => `${stateIcon(s.state)} **${escapeMarkdown(s.backend)}**: ${s.state}${s.pid !== null ? ` (PID ${s.pid})` : ''}  `);
  return {
    id: 'summary',
    text: `${stateIcon(worst.state)} Backends: ${running}/${statuses.length} running`,
    tooltip: [...rows, '', 'Click for actions'].join('\n'),
    background: stateBackground(worst.state),
    command: { command: showActionsCommand, arguments: [] },
  };
}

function sessionItem(text: string, tooltip: string, background: StatusBackground | undefined): StatusBarItemModel {
  return { id: 'session', text, tooltip, background, command: { command: showActionsCommand, arguments: [] } };
}


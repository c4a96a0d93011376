import type { BackendState, BackendStatus } from '@backend-sidecar/client';
import type { SessionState } from '../controller/sidecarController';
import { failureSentence, presentError } from '../errorPresentation';
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
  /** What the item is called where the user hides or shows status bar items. */
  name: string;
}

/** What else the items need besides the statuses. */
export interface StatusBarContext {
  /**
   * The workspace folder these backends belong to, when the workspace has several with a
   * configuration: it prefixes every item (`shop/api: running`) so that folders are told apart.
   */
  folder?: string;
  /** A failed backend's last output lines (SidecarController.lastLines). */
  lastLines?: (backend: string) => readonly string[];
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

/**
 * `$(pass) api: running`, or `$(pass) shop/api: running` with a folder; while starting with loading
 * progress (protocol 1.1), `api: loading 45%`.
 */
export function backendText(status: BackendStatus, folder?: string): string {
  return `${stateIcon(status.state)} ${folder ? `${folder}/` : ''}${status.backend}: ${loadingText(status) ?? status.state}`;
}

/** `loading 45%`, or the progress message when the pattern gives no percent; undefined without progress. */
export function loadingText(status: BackendStatus): string | undefined {
  const p = status.state === 'starting' ? status.progress : null;
  if (!p) return undefined;
  if (p.percent !== null && p.percent !== undefined) return `loading ${Math.floor(p.percent)}%`;
  return p.message ? `loading: ${oneLine(p.message, 40)}` : undefined;
}

/** `CPU 12.5%, 210 MB, 3 processes` (protocol 1.1), undefined when nobody sampled. */
export function resourcesText(status: BackendStatus): string | undefined {
  const r = status.resources;
  if (!r) return undefined;
  const cpu = r.cpuPercent !== null && r.cpuPercent !== undefined ? `CPU ${r.cpuPercent}%, ` : '';
  const mb = Math.round(r.rssBytes / (1024 * 1024));
  return `${cpu}${mb} MB, ${r.processes} ${r.processes === 1 ? 'process' : 'processes'}`;
}

/** Worst first: the summary shows the most urgent state. */
const severity: BackendState[] = ['failed', 'unhealthy', 'backoff', 'starting', 'stopping', 'stopped', 'running'];

/**
 * The tooltip of one backend: PID, uptime, restarts, health, last exit and error in words (no
 * protocol codes), and for a failed backend its last output lines (Markdown).
 */
export function backendTooltip(status: BackendStatus, now: number, lastLines: readonly string[] = [], folder?: string): string {
  const lines: string[] = [];
  const facts: Array<[string, string | undefined]> = [
    ['PID', status.pid !== null ? String(status.pid) : undefined],
    ['Uptime', uptime(status, now)],
    ['Restarts', String(status.restartCount)],
    ['Port', status.port !== null ? String(status.port) : undefined],
    ['Health', health(status)],
    ['Loading', status.state === 'starting' && status.progress ? progressText(status.progress) : undefined],
    ['Resources', resourcesText(status)],
    ['Last exit', status.lastExit ? formatExit(status.lastExit) : undefined],
    ['Why', status.lastExit?.hint ?? undefined],
    ['Last error', status.lastError ? status.lastError.message : undefined],
    ['Next restart', status.nextRestartAt ? `in ${formatDuration(Date.parse(status.nextRestartAt) - now)}` : undefined],
  ];
  const title = `**${escapeMarkdown(status.backend)}**${folder ? ` in ${escapeMarkdown(folder)}` : ''}`;
  if (status.state === 'failed') lines.push(`${title} ${escapeMarkdown(failureSentence(status))}.`, '');
  else lines.push(`${title}: ${status.state}${status.external ? ' (external: found running, monitored only)' : ''}`, '');
  for (const [label, value] of facts) {
    if (value !== undefined) lines.push(`${label}: ${escapeMarkdown(oneLine(value, 200))}  `);
  }
  if (status.state === 'failed' && lastLines.length > 0) {
    // A fence keeps the output as it was printed; a fence inside the output must not end it.
    lines.push('', 'Last output:', '', '```text', ...lastLines.map((l) => oneLine(l, 200).replace(/```/g, '` ` `')), '```');
  }
  lines.push('', 'Click for actions');
  return lines.join('\n');
}

function progressText(p: NonNullable<BackendStatus['progress']>): string {
  const percent = p.percent !== null && p.percent !== undefined ? `${p.percent}%` : undefined;
  return [percent, p.message ?? undefined].filter((x) => x !== undefined).join(' ');
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
export function statusBarItems(session: SessionState, statuses: readonly BackendStatus[], now: number, context: StatusBarContext = {}): StatusBarItemModel[] {
  const { folder } = context;
  const backendWord = folder ? `Backend (${folder})` : 'Backend';
  const sessionName = folder ? `Backend Sidecar (${folder})` : 'Backend Sidecar';
  switch (session.kind) {
    case 'stopped':
      return [];
    case 'starting':
      return [sessionItem(`$(sync~spin) ${backendWord}: starting`, 'Starting backend-sidecar…', undefined, sessionName)];
    case 'failed':
      // A workspace without a backends file is not an error: the extension just stays out of the way.
      if (SetupError.is(session.error, 'configNotFound') || SetupError.is(session.error, 'noWorkspace')) return [];
      return [sessionItem(`$(error) ${backendWord}: sidecar failed`, `**backend-sidecar is not running**\n\n${escapeMarkdown(presentError(session.error).message)}\n\nClick for actions`, 'statusBarItem.errorBackground', sessionName)];
    case 'running':
      break;
  }
  if (statuses.length === 0) return [sessionItem(`$(circle-slash) ${backendWord}: none configured`, 'The configuration has no backends.', undefined, sessionName)];
  if (statuses.length <= maxBackendItems) {
    return statuses.map((s) => ({
      id: `backend:${s.backend}`,
      text: backendText(s, folder),
      tooltip: backendTooltip(s, now, context.lastLines?.(s.backend) ?? [], folder),
      background: stateBackground(s.state),
      command: { command: showActionsCommand, arguments: [s.backend] },
      name: `Backend ${folder ? `${folder}/` : ''}${s.backend}`,
    }));
  }
  return [summaryItem(statuses, folder)];
}

function summaryItem(statuses: readonly BackendStatus[], folder?: string): StatusBarItemModel {
  const worst = [...statuses].sort((a, b) => severity.indexOf(a.state) - severity.indexOf(b.state))[0]!;
  const running = statuses.filter((s) => s.state === 'running').length;
  const rows = statuses.map((s) => `${stateIcon(s.state)} **${escapeMarkdown(s.backend)}**: ${s.state}${s.pid !== null ? ` (PID ${s.pid})` : ''}  `);
  return {
    id: 'summary',
    text: `${stateIcon(worst.state)} ${folder ? `${folder}: ` : ''}Backends: ${running}/${statuses.length} running`,
    tooltip: [...(folder ? [`**${escapeMarkdown(folder)}**`, ''] : []), ...rows, '', 'Click for actions'].join('\n'),
    background: stateBackground(worst.state),
    command: { command: showActionsCommand, arguments: [] },
    name: folder ? `Backends of ${folder}` : 'Backends',
  };
}

function sessionItem(text: string, tooltip: string, background: StatusBackground | undefined, name: string): StatusBarItemModel {
  return { id: 'session', text, tooltip, background, command: { command: showActionsCommand, arguments: [] }, name };
}


import type { BackendState, StatusChangedParams } from '@backend-sidecar/client';

// The "Backend Sidecar" channel: the sidecar's own stderr log and the extension's notes, each event
// once and at its level. The channel adds its own time stamp and level, so the sidecar's are taken
// off; the sidecar's transition lines are left out because the extension writes every transition
// itself from statusChanged, where it knows the level (a failure is an error).

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface ChannelLine {
  level: LogLevel;
  message: string;
}

const levels: Record<string, LogLevel> = { trce: 'trace', dbug: 'debug', info: 'info', warn: 'warn', fail: 'error', crit: 'error' };

/** `15:20:19.022 info: BackendSidecar.Backend.bad[0] message`: the simple console format, one line. */
const consoleLine = /^(?:\d{2}:\d{2}:\d{2}(?:\.\d+)? )?(trce|dbug|info|warn|fail|crit): \S+\[\d+\] ?(.*)$/;

/**
 * `bad: Stopped -> Failed: command "x" not found`: a backend's transition as the sidecar logs it;
 * `bad did not start: …`: an autoStart's failure, which is that same transition to failed.
 */
const transition = /^\S+: [A-Z][a-z]+ -> [A-Z][a-z]+: |^\S+ did not start: /;

/**
 * A line the sidecar wrote to stderr, as the channel should show it; undefined for a transition
 * or a failed autoStart (statusChanged carries them). A line of another shape (a stack trace's, the runtime's) stays as is.
 */
export function sidecarLine(line: string): ChannelLine | undefined {
  const match = consoleLine.exec(line);
  if (!match) return { level: 'info', message: line };
  const message = match[2]!;
  if (transition.test(message)) return undefined;
  return { level: levels[match[1]!]!, message };
}

const levelOfState: Partial<Record<BackendState, LogLevel>> = { failed: 'error', unhealthy: 'warn', backoff: 'warn' };

/** `api: starting -> failed (command "x" not found)`, at error level for a failure, warn for trouble. */
export function transitionLine(change: Pick<StatusChangedParams, 'backend' | 'previousState' | 'state' | 'reason'>): ChannelLine {
  return { level: levelOfState[change.state] ?? 'info', message: `${change.backend}: ${change.previousState} -> ${change.state} (${change.reason})` };
}

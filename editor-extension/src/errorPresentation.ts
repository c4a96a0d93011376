import { ClientErrorCodes, ErrorCodes, SidecarError, type BackendStatus } from '@backend-sidecar/client';
import { describeExit, type SidecarCrash } from './controller/sidecarController';
import { SetupError } from './setupError';
import { formatExit, oneLine } from './view/format';

// What a failure looks like to the user: one sentence they can act on and the buttons that help.
// Never a stack trace: only messages and the contract's error data are used.

/** The buttons a notification may offer. */
export type ErrorAction = 'openConfig' | 'openSettings' | 'showLogs' | 'showSidecarLog' | 'restartSidecar';

export const errorActionTitles: Record<ErrorAction, string> = {
  openConfig: 'Open Config',
  openSettings: 'Open Settings',
  showLogs: 'Show Logs',
  showSidecarLog: 'Show Sidecar Log',
  restartSidecar: 'Restart Sidecar',
};

export interface ErrorPresentation {
  /** 'none': nothing to show (the user cancelled). */
  severity: 'error' | 'warning' | 'none';
  message: string;
  actions: ErrorAction[];
  /** The backend the error is about, for Show Logs. */
  backend?: string;
  /** What is worth keeping but too long for a notification (the searched folders): for the log channel. */
  detail?: string;
}

/**
 * Turns any failure of an action into what to show.
 * @param backend The backend the action was for, when the error does not say.
 */
export function presentError(error: unknown, backend?: string): ErrorPresentation {
  if (error instanceof SetupError) return presentSetupError(error);
  if (!(error instanceof SidecarError)) {
    return { severity: 'error', message: oneLine(error instanceof Error ? error.message : String(error)), actions: [] };
  }
  const named = (error.data as { backend?: unknown } | undefined)?.backend;
  const who = typeof named === 'string' ? named : backend;
  const subject = who ?? 'the backend';
  const result = (message: string, actions: ErrorAction[], severity: 'error' | 'warning' = 'error'): ErrorPresentation => ({
    severity, message: oneLine(message), actions, ...(who !== undefined ? { backend: who } : {}),
  });

  if (error.is(ErrorCodes.RequestCancelled)) return { severity: 'none', message: 'cancelled', actions: [] };
  if (error.is(ErrorCodes.CannotStart)) {
    // The folders searched can be a dozen: the log channel and Diagnose have them, the toast does not.
    const shown = result(`Cannot start ${subject}: ${error.message}.${error.data?.searched?.length ? ' Diagnose shows where it was looked for.' : ''}`, ['openConfig', 'showLogs']);
    return error.data?.searched?.length ? { ...shown, detail: `Searched: ${error.data.searched.join(', ')}` } : shown;
  }
  if (error.is(ErrorCodes.PortInUse)) {
    const d = error.data;
    const holder = d?.pid != null ? `${d.processName ?? 'a process'} (PID ${d.pid})` : 'a process the sidecar cannot name';
    return result(`Cannot start ${subject}: port ${d?.port ?? '?'} is in use by ${holder}, which the sidecar did not start. Stop it or change the port.`, ['openConfig']);
  }
  if (error.is(ErrorCodes.StartupTimeout)) return result(`${subject} did not become healthy in time: ${error.message}`, ['showLogs']);
  if (error.is(ErrorCodes.ExitedBeforeHealthy)) {
    const d = error.data;
    const how = d ? (d.signal ?? `code ${d.exitCode}`) : undefined;
    const last = d?.lastLines?.filter((l) => l.trim() !== '').at(-1);
    return result(`${subject} exited${how ? ` (${how})` : ''} before it became healthy${last ? `: ${last}` : '.'}`, ['showLogs']);
  }
  if (error.is(ErrorCodes.TooManyRestarts)) return result(`${subject} gave up: ${error.message}`, ['showLogs']);
  if (error.is(ErrorCodes.InvalidConfiguration)) {
    const path = error.data?.path ? ` at ${error.data.path}` : '';
    return result(`The backends configuration is invalid${path}: ${error.message}`, ['openConfig']);
  }
  if (error.is(ErrorCodes.UnknownBackend)) {
    const known = error.data?.known?.length ? ` Configured: ${error.data.known.join(', ')}.` : '';
    return result(`${error.message}.${known}`, ['openConfig']);
  }
  if (error.is(ErrorCodes.ShuttingDown)) return result('backend-sidecar is shutting down.', [], 'warning');
  if (error.is(ClientErrorCodes.ConnectionClosed)) return result(`backend-sidecar is not running: ${error.message}`, ['showSidecarLog', 'restartSidecar']);
  return result(error.message, ['showSidecarLog']);
}

function presentSetupError(error: SetupError): ErrorPresentation {
  const searched = error.searched.length ? ` Searched: ${error.searched.join(', ')}.` : '';
  switch (error.problem) {
    case 'noWorkspace':
      return { severity: 'warning', message: 'Open a folder with a backends.json to use Backend Sidecar.', actions: [] };
    case 'configNotFound':
      return { severity: 'warning', message: oneLine(`No backends configuration: ${error.message}.${searched} Create .vscode/backends.json or set backendSidecar.configFile.`), actions: ['openSettings'] };
    case 'sidecarNotFound':
      return { severity: 'error', message: oneLine(`${error.message}.${searched} Set backendSidecar.sidecarPath to a backend-sidecar executable.`), actions: ['openSettings'] };
  }
}

/** The parts of a BackendFailure (controller) that its notification needs. */
export interface FailureFacts {
  status: Pick<BackendStatus, 'backend' | 'lastError' | 'lastExit'>;
  /** The output line that says why (BackendFailure.headline). */
  headline: string | undefined;
}

/**
 * The notification of a backend that failed on its own (autoStart, gave up restarting): what
 * happened in words, never a protocol code, with Show Logs and Open Config.
 * @param where Which folder it belongs to, in a workspace with several.
 */
export function presentBackendFailure(failure: FailureFacts, where?: string): ErrorPresentation {
  const name = where ? `${failure.status.backend} (${where})` : failure.status.backend;
  const hint = exitHint(failure.status);
  const cause = hint !== undefined ? `: ${hint.replace(/[.\s]+$/, '')}` : '';
  // The hint usually quotes the line that says why; then the line again is noise.
  const output = failure.headline !== undefined && !hint?.includes(failure.headline) ? ` Last output: ${failure.headline}` : '';
  return {
    severity: 'error',
    message: oneLine(`Backend ${name} ${failureSentence(failure.status)}${cause}.${output}`, 400),
    actions: ['showLogs', 'openConfig'],
    backend: failure.status.backend,
  };
}

/**
 * The last exit's cause in words (protocol 1.1), when that exit is what the failure is about and the
 * hint says more than the sentence: a start that could not spawn or a startup timeout has an older
 * exit, or one the sidecar caused and the sentence already says; a plain exit code's hint only
 * repeats the code and the last line.
 */
function exitHint(status: Pick<BackendStatus, 'lastError' | 'lastExit'>): string | undefined {
  const exit = status.lastExit;
  if (!exit?.hint || exit.cause === 'exit-code' || exit.cause === 'exited') return undefined;
  const code = status.lastError?.code;
  return code === undefined || code === ErrorCodes.ExitedBeforeHealthy || code === ErrorCodes.TooManyRestarts ? exit.hint : undefined;
}

/** "could not start: command \"x\" not found", "exited with code 1 before it became healthy", …: no codes. */
export function failureSentence(status: Pick<BackendStatus, 'lastError' | 'lastExit'>): string {
  const error = status.lastError;
  if (!error) return status.lastExit ? `failed (${formatExit(status.lastExit)})` : 'failed';
  const message = error.message.replace(/[.\s]+$/, '');
  switch (error.code) {
    case ErrorCodes.CannotStart:
    case ErrorCodes.PortInUse:
      return `could not start: ${message}`;
    case ErrorCodes.ExitedBeforeHealthy:
      return message;
    case ErrorCodes.StartupTimeout:
      return `did not become healthy in time: ${message}`;
    case ErrorCodes.TooManyRestarts:
      return `stopped restarting: ${message}`;
    default:
      return `failed: ${message}`;
  }
}

/**
 * The notice for a sidecar crash that is being restarted. When it is not (too many crashes), the
 * session's failed state carries the error and that is what gets shown.
 */
export function presentCrash(crash: SidecarCrash): ErrorPresentation | undefined {
  if (!crash.restart) return undefined;
  const minutes = Math.round(crash.windowMs / 60_000);
  return {
    severity: 'warning',
    message: `backend-sidecar exited unexpectedly (${describeExit(crash.exit)}); restarting it (restart ${crash.attempt} of at most ${crash.maxRestarts} in ${minutes} minutes).`,
    actions: ['showSidecarLog'],
  };
}

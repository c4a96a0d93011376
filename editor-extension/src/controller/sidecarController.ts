import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  ClientErrorCodes, SidecarClient, SidecarError,
  type BackendState, type BackendStatus, type CancellationToken, type ClientInfo, type DiagnoseResult,
  type LogParams, type LogsResult, type SidecarClientOptions, type SidecarExit, type StatusChangedParams,
} from '@backend-sidecar/client';
import { autoStartBackends, parseBackendsConfig, startOrder, withoutAutoStart, type BackendsConfig } from './backendsConfig';
import { connectSidecar, sidecarArgs } from './connectSidecar';
import { CrashRestartPolicy, type CrashDecision } from './crashPolicy';
import { Emitter, type Event } from './emitter';

// The extension's core: one sidecar session per workspace, the status of every backend, and what
// happens when the sidecar dies or the configuration changes. It knows nothing of `vscode`: the
// glue gives it a plan (where the sidecar and the config are) and secrets, and listens to its events.
// Session changes (open, reload, restart, close) run one at a time on a queue; backend requests run
// concurrently against the current session.

/** How to run the sidecar and with which configuration; resolved anew for every session. */
export interface SessionPlan {
  command: string;
  args: string[];
  configPath: string;
  profile?: string;
}

export type SessionState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; generation: number; pid: number | undefined }
  /** No session: `error` says why (a SetupError, or the SidecarError of the spawn or of initialize). */
  | { kind: 'failed'; error: unknown };

/**
 * A backend that ended `failed`. `attended`: a request of this editor was waiting on it (a palette
 * Start), so its answer reports the error; otherwise it failed on its own (autoStart, gave up
 * restarting) and nobody has been told yet.
 */
export interface BackendFailure {
  status: BackendStatus;
  /** The backend's last output lines (stdout and stderr, oldest first, blank lines left out). */
  lastLines: string[];
  /**
   * The line that most likely says why: the last stderr line, else the last line. stdout and
   * stderr are read apart, so a final print may arrive after the error that ended the process.
   */
  headline: string | undefined;
  attended: boolean;
}

/** How many of a failed backend's last output lines are kept for its notification and tooltip. */
export const failureLineCount = 5;

/** The sidecar exited without being asked to. */
export interface SidecarCrash extends CrashDecision {
  exit: SidecarExit;
}

export interface ControllerOptions {
  /** Where the sidecar and its config are; throws a SetupError when they cannot be found. */
  plan: () => Promise<SessionPlan>;
  /** The secretEnv of a backend (empty when it has none). */
  secretEnv: (backend: string) => Promise<Record<string, string>>;
  /** Reaches an initialized sidecar for the plan. Default: {@link connectSidecar} (spawns one). */
  startClient?: (options: SidecarClientOptions) => Promise<SidecarClient>;
  crashPolicy?: CrashRestartPolicy;
  /** initialize.parentPid. Default: this process (the extension host). */
  parentPid?: number;
  clientInfo?: ClientInfo;
  /** How long a reload or restart lets the old sidecar stop its backends before it is killed. */
  restartTimeoutMs?: number;
}

const activeStates: ReadonlySet<BackendState> = new Set(['starting', 'running', 'unhealthy', 'backoff']);

/** Whether a backend is up or on its way up (what a reload or a crash should bring back). */
export function isActive(state: BackendState): boolean {
  return activeStates.has(state);
}

interface Session {
  client: SidecarClient;
  config: BackendsConfig | undefined;
  generation: number;
}

export class SidecarController {
  private readonly sessionChanged = new Emitter<SessionState>();
  private readonly statusesChanged = new Emitter<readonly BackendStatus[]>();
  private readonly statusChanged = new Emitter<StatusChangedParams>();
  private readonly logReceived = new Emitter<LogParams>();
  private readonly sidecarOutput = new Emitter<string>();
  private readonly crashed = new Emitter<SidecarCrash>();
  private readonly backendFailed = new Emitter<BackendFailure>();

  private readonly crashPolicy: CrashRestartPolicy;
  private readonly startClient: (options: SidecarClientOptions) => Promise<SidecarClient>;
  private queue: Promise<void> = Promise.resolve();
  private session: Session | undefined;
  private sessionState: SessionState = { kind: 'stopped' };
  private statusMap = new Map<string, BackendStatus>();
  private generation = 0;
  private closed = false;
  private lastPlan: SessionPlan | undefined;
  /** Backend -> how many requests of this editor wait on its start (their answers report a failure). */
  private readonly waiting = new Map<string, number>();
  /** Backend -> its last output lines, while it is failed. */
  private readonly failureLines = new Map<string, string[]>();

  constructor(private readonly options: ControllerOptions) {
    this.crashPolicy = options.crashPolicy ?? new CrashRestartPolicy();
    this.startClient = options.startClient ?? connectSidecar;
  }

  /** The session changed: starting, running (a new sidecar), failed or stopped. */
  get onDidChangeSession(): Event<SessionState> {
    return this.sessionChanged.event;
  }

  /** Any backend's status changed (or the session did): every backend's latest status, in config order. */
  get onDidChangeStatuses(): Event<readonly BackendStatus[]> {
    return this.statusesChanged.event;
  }

  /** One backend changed state, with the sidecar's reason. */
  get onStatusChanged(): Event<StatusChangedParams> {
    return this.statusChanged.event;
  }

  /** New log lines of a backend (every backend is subscribed). */
  get onLog(): Event<LogParams> {
    return this.logReceived.event;
  }

  /** A line the sidecar wrote to stderr, or a note of the controller about the sidecar. */
  get onSidecarOutput(): Event<string> {
    return this.sidecarOutput.event;
  }

  /** The sidecar died; says whether it is being restarted. */
  get onCrash(): Event<SidecarCrash> {
    return this.crashed.event;
  }

  /** A backend ended failed (once per failure, not per retry: backoff is not failed). */
  get onBackendFailed(): Event<BackendFailure> {
    return this.backendFailed.event;
  }

  /** The last output lines of a failed backend (empty while they are being fetched, or when it is not failed). */
  lastLines(backend: string): readonly string[] {
    return this.failureLines.get(backend) ?? [];
  }

  get state(): SessionState {
    return this.sessionState;
  }

  get statuses(): BackendStatus[] {
    return [...this.statusMap.values()];
  }

  /** The configuration file of the current (or last planned) session. */
  get configPath(): string | undefined {
    return this.lastPlan?.configPath;
  }

  /** Opens the first session (a no-op once one is open). */
  open(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.session) await this.openSession([]);
    });
  }

  /**
   * The configuration (or where it is) changed: a new session, bringing back the backends that were up.
   * A shared sidecar keeps the configuration it loaded, so the old one is stopped for every window
   * (stopBackends): they see their sidecar end and come back on the new one, as after a crash.
   */
  reload(): Promise<void> {
    return this.enqueue(async () => {
      const restore = this.activeBackends();
      await this.closeSession(this.options.restartTimeoutMs ?? 30_000, true);
      await this.openSession(restore);
    });
  }

  /** "Restart Sidecar": a new sidecar, the crash count forgotten, the backends that were up brought back. */
  restartSidecar(): Promise<void> {
    this.crashPolicy.reset();
    return this.reload();
  }

  /**
   * Ends the session for good (deactivate): shutdown, exit, SIGKILL after `timeoutMs`. On a sidecar
   * that other windows share, shutdown only detaches this one: the backends stop with the last window.
   */
  close(timeoutMs = 4000): Promise<void> {
    this.closed = true;
    return this.enqueue(() => this.closeSession(timeoutMs));
  }

  /**
   * Waits for pending session changes, then returns the running session's statuses.
   * @throws the reason there is no session (a SetupError or SidecarError).
   */
  async whenReady(): Promise<BackendStatus[]> {
    await this.queue;
    this.requireSession();
    return this.statuses;
  }

  /** Starts a backend (its dependencies first when they have secrets) and resolves once it is running. */
  async start(backend: string, token?: CancellationToken): Promise<BackendStatus> {
    return this.startWithDependencies(this.requireSession(), backend, 'start', true, token);
  }

  async restart(backend: string, token?: CancellationToken): Promise<BackendStatus> {
    return this.startWithDependencies(this.requireSession(), backend, 'restart', true, token);
  }

  async stop(backend: string, token?: CancellationToken): Promise<BackendStatus> {
    return this.requireSession().client.stop({ backend }, token);
  }

  async logs(backend: string, tail: number): Promise<LogsResult> {
    return this.requireSession().client.logs({ backend, tail });
  }

  async diagnose(backend: string, token?: CancellationToken): Promise<DiagnoseResult> {
    return this.requireSession().client.diagnose({ backend }, token);
  }

  private requireSession(): Session {
    if (this.session) return this.session;
    const state = this.sessionState;
    if (state.kind === 'failed') throw state.error;
    throw new SidecarError(ClientErrorCodes.ConnectionClosed, state.kind === 'starting' ? 'backend-sidecar is still starting' : 'backend-sidecar is not running', undefined);
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async openSession(restore: readonly string[]): Promise<void> {
    if (this.closed) return;
    this.setState({ kind: 'starting' });
    let plan: SessionPlan;
    let config: BackendsConfig | undefined;
    try {
      plan = await this.options.plan();
      this.lastPlan = plan;
      config = parseBackendsConfig(await readFile(plan.configPath, 'utf8'), plan.profile);
    } catch (error) {
      this.setState({ kind: 'failed', error });
      return;
    }
    // A config file never holds secrets: when a backend that the sidecar would auto-start has some,
    // send the config inline without autoStart and start those backends here, with their secretEnv.
    const takeOverAutoStart = config !== undefined && (await this.anySecrets(autoStartBackends(config).flatMap((b) => startOrder(config!, b))));
    let client: SidecarClient;
    try {
      client = await this.startClient({
        command: plan.command,
        args: sidecarArgs(plan.args, plan.configPath, takeOverAutoStart),
        // ${configDir} of an inline config is the sidecar's working directory.
        cwd: dirname(plan.configPath),
        parentPid: this.options.parentPid ?? process.pid,
        ...(this.options.clientInfo ? { clientInfo: this.options.clientInfo } : {}),
        ...(takeOverAutoStart ? { config: withoutAutoStart(config!) } : { configPath: plan.configPath }),
        ...(plan.profile ? { profile: plan.profile } : {}),
        stderr: (line) => this.sidecarOutput.fire(line),
      });
    } catch (error) {
      this.setState({ kind: 'failed', error });
      return;
    }
    if (this.closed) {
      await client.dispose();
      return;
    }
    const session: Session = { client, config, generation: ++this.generation };
    this.session = session;
    // Subscribed before any other await: the client delivers events from the next turn on.
    client.onStatusChanged((change) => this.applyStatus(session, change));
    client.onLog((log) => this.logReceived.fire(log));
    client.onExit((exit) => this.handleCrash(session, exit));
    this.statusMap = new Map(client.initializeResult.backends.map((s) => [s.backend, s]));
    this.setState({ kind: 'running', generation: session.generation, pid: client.pid });
    this.statusesChanged.fire(this.statuses);
    void this.bringUp(session, takeOverAutoStart ? autoStartBackends(config!) : [], restore);
  }

  /**
   * After initialize: turn logs on (and resource samples, protocol 1.1, for the tooltips: one sample per
   * health interval; a 1.0 sidecar ignores the member), then start what the sidecar did not start by itself.
   */
  private async bringUp(session: Session, autoStart: readonly string[], restore: readonly string[]): Promise<void> {
    try {
      await session.client.subscribe({ logs: true, resources: true });
    } catch (error) {
      this.note(`could not subscribe to logs: ${messageOf(error)}`);
    }
    const wanted = [...new Set([...autoStart, ...restore])].filter((name) => this.statusMap.has(name));
    await Promise.all(wanted.map(async (name) => {
      try {
        await this.startWithDependencies(session, name, 'start', false);
      } catch (error) {
        if (this.session === session) this.note(`${name} did not start: ${messageOf(error)}`);
      }
    }));
  }

  /**
   * Starts (or restarts) a backend with its secretEnv. The sidecar starts dependencies by itself,
   * but without secrets: those that have secrets and are not up are started here first.
   */
  private async startWithDependencies(session: Session, backend: string, how: 'start' | 'restart', wait: boolean, token?: CancellationToken): Promise<BackendStatus> {
    const dependencies = session.config ? startOrder(session.config, backend).slice(0, -1) : [];
    for (const dependency of dependencies) {
      const secretEnv = await this.options.secretEnv(dependency);
      const state = this.statusMap.get(dependency)?.state;
      if (Object.keys(secretEnv).length === 0 || (state !== undefined && isActive(state))) continue;
      await this.waitingOn(dependency, () => session.client.start({ backend: dependency, secretEnv, wait: true }, token));
    }
    // Always sent, even empty: a secret the user removed must not stay in force.
    const params = { backend, wait, secretEnv: await this.options.secretEnv(backend) };
    const request = () => (how === 'start' ? session.client.start(params, token) : session.client.restart(params, token));
    return wait ? this.waitingOn(backend, request) : request();
  }

  /**
   * Marks a backend as waited on while its request runs. The sidecar sends the statusChanged to
   * failed before the error answer, so a failure seen meanwhile is the request's to report.
   */
  private async waitingOn<T>(backend: string, request: () => Promise<T>): Promise<T> {
    this.waiting.set(backend, (this.waiting.get(backend) ?? 0) + 1);
    try {
      return await request();
    } finally {
      const left = (this.waiting.get(backend) ?? 1) - 1;
      if (left > 0) this.waiting.set(backend, left);
      else this.waiting.delete(backend);
    }
  }

  private async anySecrets(backends: readonly string[]): Promise<boolean> {
    for (const backend of backends) {
      if (Object.keys(await this.options.secretEnv(backend)).length > 0) return true;
    }
    return false;
  }

  private applyStatus(session: Session, change: StatusChangedParams): void {
    if (this.session !== session) return;
    const { previousState: _previous, reason: _reason, ...status } = change;
    this.statusMap.set(status.backend, status);
    if (status.state !== 'failed') this.failureLines.delete(status.backend);
    this.statusChanged.fire(change);
    this.statusesChanged.fire(this.statuses);
    if (status.state === 'failed' && change.previousState !== 'failed') void this.reportFailure(session, status, (this.waiting.get(status.backend) ?? 0) > 0);
  }

  /** Fetches the failed backend's last output lines (for its notification and tooltip), then tells. */
  private async reportFailure(session: Session, status: BackendStatus, attended: boolean): Promise<void> {
    let lastLines: string[] = [];
    let headline: string | undefined;
    try {
      const { entries } = await session.client.logs({ backend: status.backend, tail: 50 });
      const output = entries.filter((e) => e.stream !== 'sidecar' && e.text.trim() !== '').slice(-failureLineCount);
      lastLines = output.map((e) => e.text);
      headline = (output.filter((e) => e.stream === 'stderr').at(-1) ?? output.at(-1))?.text;
    } catch {
      // The sidecar went away: the failure is still worth telling, without its lines.
    }
    if (this.session !== session || this.statusMap.get(status.backend)?.state !== 'failed') return;
    this.failureLines.set(status.backend, lastLines);
    this.statusesChanged.fire(this.statuses);
    this.backendFailed.fire({ status, lastLines, headline, attended });
  }

  private handleCrash(session: Session, exit: SidecarExit): void {
    if (this.session !== session) return;
    const restore = this.activeBackends();
    this.session = undefined;
    this.statusMap = new Map();
    this.failureLines.clear();
    const decision = this.crashPolicy.recordCrash();
    this.note(`backend-sidecar exited (${describeExit(exit)})`);
    this.crashed.fire({ exit, ...decision });
    if (decision.restart && !this.closed) {
      this.setState({ kind: 'starting' });
      void this.enqueue(() => this.openSession(restore));
    } else {
      const error = new SidecarError(ClientErrorCodes.ConnectionClosed,
        `backend-sidecar exited (${describeExit(exit)}) and was restarted ${decision.attempt} times in ${Math.round(decision.windowMs / 60_000)} minutes: giving up`,
        { pid: session.client.pid ?? null, exitCode: exit.code, signal: exit.signal, stderrTail: exit.stderrTail });
      this.setState({ kind: 'failed', error });
    }
    this.statusesChanged.fire([]);
  }

  private async closeSession(timeoutMs: number, stopBackends = false): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session) await session.client.dispose(timeoutMs, stopBackends ? { stopBackends } : { detach: true });
    this.statusMap = new Map();
    this.failureLines.clear();
    this.setState({ kind: 'stopped' });
    this.statusesChanged.fire([]);
  }

  private activeBackends(): string[] {
    return this.statuses.filter((s) => isActive(s.state)).map((s) => s.backend);
  }

  private setState(state: SessionState): void {
    this.sessionState = state;
    this.sessionChanged.fire(state);
  }

  private note(message: string): void {
    this.sidecarOutput.fire(`[extension] ${message}`);
  }
}

/** "code 1", "SIGKILL" or the spawn error. */
export function describeExit(exit: SidecarExit): string {
  if (exit.spawnError) return `could not be started: ${exit.spawnError.message}`;
  return exit.signal ?? `code ${exit.code}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import {
  CancellationToken, Emitter, RequestType0, StreamMessageReader, StreamMessageWriter, createMessageConnection,
  type Event, type MessageConnection, type MessageReader, type MessageWriter,
} from 'vscode-jsonrpc/node';
import {
  DiagnoseRequest, ExitNotification, InitializeRequest, LogNotification, LogsRequest, ProtocolVersion, RestartRequest,
  ShutdownRequest, StartRequest, StatusChangedNotification, StatusRequest, StopRequest, SubscribeRequest,
  type BackendStatus, type ClientInfo, type DiagnoseParams, type DiagnoseResult, type InitializeParams,
  type InitializeResult, type LogParams, type LogsParams, type LogsResult, type RestartParams, type ShutdownParams,
  type StartParams, type StatusChangedParams, type StatusParams, type StatusResult, type StopParams,
  type SubscribeParams, type SubscribeResult,
} from './generated/protocol';
import type { SidecarConfig } from './generated/sidecarConfig';
import { tapReader, tapWriter, type MessageObserver } from './messageTap';
import { ClientErrorCodes, SidecarError, isConnectionFailure, toSidecarError, type ConnectionClosedData } from './sidecarError';
import { SidecarProcess, type SidecarExit } from './sidecarProcess';

/** The client's name and version, sent as clientInfo unless the host gives its own. */
export const clientName = '@backend-sidecar/client';
export const clientVersion = '0.1.0';

/** How {@link SidecarClient.dispose} leaves the sidecar. */
export interface DisposeOptions {
  /**
   * shutdown's `stopBackends` (protocol 1.1): stop every backend and end the sidecar even when other
   * clients are attached to it. Without it, on a shared sidecar, shutdown only detaches this client.
   */
  stopBackends?: boolean;
  /**
   * This client may be one of several on a shared sidecar (protocol 1.1, "Attach"): when the sidecar
   * answered shutdown but still runs a moment after exit, it is serving the other clients, so it is
   * left running rather than killed. Without it, a sidecar still running at the deadline is killed.
   */
  detach?: boolean;
}

/** With {@link DisposeOptions.detach}: how long an answered sidecar may take to exit before it counts as serving others. */
const detachGraceMs = 3000;

/** shutdown without params, as a 1.0 sidecar knows it (the generated type carries the 1.1 params). */
const PlainShutdownRequest = new RequestType0<null, void>(ShutdownRequest.method);

/** How {@link SidecarClient.start} spawns and initializes the sidecar. */
export interface SidecarClientOptions {
  /** The sidecar executable (e.g. the path of `backend-sidecar`). */
  command: string;
  /** Its arguments (e.g. `["serve"]`). The configuration goes through initialize, not here. */
  args?: string[];
  /** initialize.configPath: a configuration file. */
  configPath?: string;
  /** initialize.config: an inline configuration. */
  config?: SidecarConfig;
  /** initialize.profile. */
  profile?: string;
  /** initialize.parentPid: the sidecar exits (stopping every backend) when this process dies. Default: this process. */
  parentPid?: number;
  /** The sidecar's working directory. */
  cwd?: string;
  /** The sidecar's environment. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** initialize.clientInfo. Default: this package's name and version. */
  clientInfo?: ClientInfo;
  /** Called with every line the sidecar writes to stderr (its human-readable log). */
  stderr?: (line: string) => void;
  /** How long to wait for the initialize answer before killing the sidecar. Default: 30000. */
  initializeTimeoutMs?: number;
  /**
   * Called with every message sent and received, initialize included (a protocol trace). It runs
   * before the message is handled; a throwing observer is ignored.
   */
  onMessage?: MessageObserver;
}

/**
 * A running backend-sidecar, spawned with stdio pipes and spoken to with vscode-jsonrpc (header
 * framing). Create it with {@link SidecarClient.start}; end it with {@link SidecarClient.dispose}.
 *
 * Every request method rejects with a {@link SidecarError}: the sidecar's error (code, message, data
 * as the contract defines them), or {@link ClientErrorCodes.ConnectionClosed} when the sidecar is gone.
 * Cancelling a token sends `$/cancelRequest`; the sidecar then answers -32800 (RequestCancelled).
 *
 * Events are delivered after the promise of {@link SidecarClient.start} settles, not before: subscribe
 * right after `await SidecarClient.start(...)`, before awaiting anything else.
 */
export class SidecarClient {
  private readonly statusChanged = new Emitter<StatusChangedParams>();
  private readonly log = new Emitter<LogParams>();
  private readonly exit = new Emitter<SidecarExit>();
  private expectingExit = false;
  private disposal: Promise<void> | undefined;
  private initialized: InitializeResult | undefined;

  private constructor(
    private readonly sidecar: SidecarProcess,
    private readonly connection: MessageConnection,
  ) {
    connection.onNotification(StatusChangedNotification.type, (params) => this.statusChanged.fire(params));
    connection.onNotification(LogNotification.type, (params) => this.log.fire(params));
    // Transport errors surface as rejected requests and, when the sidecar dies, as onExit.
    connection.onError(() => undefined);
    void sidecar.exited.then((exit) => {
      // Rejects pending requests (mapped to ConnectionClosed with this exit) and stops reading.
      connection.dispose();
      if (!this.expectingExit) this.exit.fire(exit);
    });
  }

  /**
   * Spawns the sidecar, sends initialize and resolves once it is answered.
   * @throws {SidecarError} the sidecar's error answer to initialize (e.g. -32011 invalid configuration),
   *   or ConnectionClosed when it could not be spawned, exited or did not answer in time. The sidecar
   *   is not left running in either case.
   */
  static async start(options: SidecarClientOptions): Promise<SidecarClient> {
    const sidecar = SidecarProcess.spawn(options.command, options.args ?? [], options);
    let reader: MessageReader = new StreamMessageReader(sidecar.child.stdout);
    let writer: MessageWriter = new StreamMessageWriter(sidecar.child.stdin);
    if (options.onMessage) {
      reader = tapReader(reader, options.onMessage);
      writer = tapWriter(writer, options.onMessage);
    }
    const connection = createMessageConnection(reader, writer);
    const client = new SidecarClient(sidecar, connection);
    connection.listen();
    const params: InitializeParams = {
      protocolVersion: ProtocolVersion,
      clientInfo: options.clientInfo ?? { name: clientName, version: clientVersion },
      parentPid: options.parentPid ?? process.pid,
      ...(options.configPath !== undefined ? { configPath: options.configPath } : {}),
      ...(options.config !== undefined ? { config: options.config } : {}),
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
    };
    const timeoutMs = options.initializeTimeoutMs ?? 30000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const answer = await Promise.race([client.request(() => connection.sendRequest(InitializeRequest.type, params)), timedOut]);
      if (answer === 'timeout') {
        throw new SidecarError(ClientErrorCodes.ConnectionClosed, `backend-sidecar did not answer initialize within ${timeoutMs} ms`, client.closedData());
      }
      client.initialized = answer;
      return client;
    } catch (error) {
      await client.kill();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The answer to initialize: protocol version, server info and every backend's status at that time. */
  get initializeResult(): InitializeResult {
    return this.initialized!;
  }

  /** The sidecar's process ID. */
  get pid(): number | undefined {
    return this.sidecar.pid;
  }

  /** How the sidecar exited; undefined while it runs. */
  get exitStatus(): SidecarExit | undefined {
    return this.sidecar.exitStatus;
  }

  /** A backend changed state (the statusChanged notification). */
  get onStatusChanged(): Event<StatusChangedParams> {
    return this.statusChanged.event;
  }

  /** New log lines of a subscribed backend (the log notification; see {@link subscribe}). */
  get onLog(): Event<LogParams> {
    return this.log.event;
  }

  /** The sidecar process exited without being asked to (not fired for {@link dispose}). */
  get onExit(): Event<SidecarExit> {
    return this.exit.event;
  }

  /** Starts a backend; with `wait` (the default) resolves once it is running. */
  start(params: StartParams = {}, token?: CancellationToken): Promise<BackendStatus> {
    return this.request(() => this.connection.sendRequest(StartRequest.type, params, token));
  }

  /** Stops a backend; with `wait` (the default) resolves once its whole process group is gone. */
  stop(params: StopParams = {}, token?: CancellationToken): Promise<BackendStatus> {
    return this.request(() => this.connection.sendRequest(StopRequest.type, params, token));
  }

  /** Restarts a backend (same params as {@link start}). */
  restart(params: RestartParams = {}, token?: CancellationToken): Promise<BackendStatus> {
    return this.request(() => this.connection.sendRequest(RestartRequest.type, params, token));
  }

  /** The status of one backend, or of every backend when `backend` is left out. */
  status(params: StatusParams = {}, token?: CancellationToken): Promise<StatusResult> {
    return this.request(() => this.connection.sendRequest(StatusRequest.type, params, token));
  }

  /** A backend's buffered log lines. */
  logs(params: LogsParams = {}, token?: CancellationToken): Promise<LogsResult> {
    return this.request(() => this.connection.sendRequest(LogsRequest.type, params, token));
  }

  /** Turns log notifications ({@link onLog}) on for every backend (`true`), none, or the named ones. */
  subscribe(params: SubscribeParams, token?: CancellationToken): Promise<SubscribeResult> {
    return this.request(() => this.connection.sendRequest(SubscribeRequest.type, params, token));
  }

  /** Checks a backend's configuration and surroundings; starts nothing. */
  diagnose(params: DiagnoseParams = {}, token?: CancellationToken): Promise<DiagnoseResult> {
    return this.request(() => this.connection.sendRequest(DiagnoseRequest.type, params, token));
  }

  /**
   * Stops every backend gracefully (on a sidecar other clients are attached to, only detaches this
   * one, unless `options.stopBackends`); resolves once the sidecar has answered. Then only `exit` (sent by
   * {@link dispose}) is useful: every other request gets -32017.
   */
  async shutdown(token?: CancellationToken, options: DisposeOptions = {}): Promise<void> {
    await this.request(() => this.sendShutdown(options, token));
  }

  /** Sends params only for stopBackends, so that a 1.0 sidecar sees the shutdown it knows. */
  private sendShutdown(options: DisposeOptions, token?: CancellationToken): Promise<null> {
    return options.stopBackends
      ? this.connection.sendRequest(ShutdownRequest.type, { stopBackends: true } satisfies ShutdownParams, token)
      : this.connection.sendRequest(PlainShutdownRequest, token);
  }

  /**
   * Ends the sidecar: shutdown, then exit, then SIGKILL if it is still running once `timeoutMs` has
   * passed since the call. Never rejects; calling it again returns the same promise.
   *
   * shutdown stops every backend gracefully, which can take up to their stop.timeoutMs: give a
   * timeout that covers it, or the sidecar is killed mid-way (its backends are then left to its
   * parent-death handling). On a sidecar other clients are attached to, shutdown only detaches this
   * client unless `options.stopBackends` (protocol 1.1, README "Attach").
   */
  dispose(timeoutMs = 2000, options: DisposeOptions = {}): Promise<void> {
    this.disposal ??= this.disposeCore(timeoutMs, options);
    return this.disposal;
  }

  private async disposeCore(timeoutMs: number, options: DisposeOptions): Promise<void> {
    this.expectingExit = true;
    const deadline = delay(timeoutMs);
    try {
      if (this.sidecar.exitStatus === undefined) {
        // Any answer to shutdown, even an error such as -32017 (already shutting down), means exit is next.
        const shutdown = Promise.resolve()
          .then(() => this.sendShutdown(options))
          .then(() => true, (error: unknown) => !isConnectionFailure(error));
        const answered = await Promise.race([shutdown, deadline.promise.then(() => false)]);
        if (answered) await Promise.resolve().then(() => this.connection.sendNotification(ExitNotification.type)).catch(() => undefined);
        const grace = answered && options.detach && !options.stopBackends ? delay(detachGraceMs) : undefined;
        const exited = await Promise.race([this.sidecar.exited.then(() => true), deadline.promise.then(() => false), ...(grace ? [grace.promise.then(() => false)] : [])]);
        grace?.cancel();
        // The host's session of a shared sidecar only detached: the process keeps serving the others.
        if (!exited && !grace) await this.kill();
      }
    } finally {
      deadline.cancel();
      this.connection.dispose();
      this.statusChanged.dispose();
      this.log.dispose();
      this.exit.dispose();
    }
  }

  /** SIGKILLs the sidecar and waits (bounded) for it to be gone. */
  private async kill(): Promise<void> {
    this.expectingExit = true;
    this.sidecar.kill('SIGKILL');
    const bound = delay(5000);
    await Promise.race([this.sidecar.exited, bound.promise]);
    bound.cancel();
  }

  private async request<R>(send: () => Promise<R>): Promise<R> {
    try {
      return await send();
    } catch (error) {
      throw toSidecarError(error, () => ({ message: this.closedMessage(), data: this.closedData() }));
    }
  }

  private closedData(): ConnectionClosedData {
    const exit = this.sidecar.exitStatus;
    return { pid: this.sidecar.pid ?? null, exitCode: exit?.code ?? null, signal: exit?.signal ?? null, stderrTail: exit?.stderrTail ?? this.sidecar.stderrTail() };
  }

  private closedMessage(): string {
    const exit = this.sidecar.exitStatus;
    if (exit?.spawnError) return `backend-sidecar could not be started: ${exit.spawnError.message}`;
    if (exit) return `backend-sidecar exited (${exit.signal ?? `code ${exit.code}`}) before answering`;
    return this.disposal ? 'the client was disposed' : 'the connection to backend-sidecar is closed';
  }
}

function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

import type {
  BackendStatus, CancellationToken, DiagnoseResult, LogEntry, LogParams, SidecarClient, SidecarClientOptions, SidecarExit, StatusChangedParams,
} from '@backend-sidecar/client';
import { Emitter } from '../../src/controller/emitter';
import { status } from './samples';

// A stand-in for an initialized SidecarClient: the test fires statusChanged, log and exit, and
// decides the answers of start and restart. Only what SidecarController calls is here.

export class FakeSidecarClient {
  readonly statusEvents = new Emitter<StatusChangedParams>();
  readonly logEvents = new Emitter<LogParams>();
  readonly exitEvents = new Emitter<SidecarExit>();
  readonly onStatusChanged = this.statusEvents.event;
  readonly onLog = this.logEvents.event;
  readonly onExit = this.exitEvents.event;
  readonly calls: Array<{ method: string; params?: unknown }> = [];
  /** Per backend, its output as `logs` returns it. */
  readonly output = new Map<string, LogEntry[]>();
  /** The answer of the next start/restart: a function run when it is asked (it may fire events first). */
  answer: ((backend: string) => Promise<BackendStatus>) | undefined;
  disposed = false;
  diagnoseResult: DiagnoseResult | undefined;
  readonly pid = 4000;

  constructor(readonly options: SidecarClientOptions, readonly backends: BackendStatus[]) {}

  get initializeResult() {
    return { protocolVersion: '1.0', serverInfo: { name: 'backend-sidecar', version: '0' }, backends: this.backends };
  }

  async subscribe(params: unknown) {
    this.calls.push({ method: 'subscribe', params });
    return {};
  }
  start(params: { backend: string }, _token?: CancellationToken) {
    this.calls.push({ method: 'start', params });
    return this.answer?.(params.backend) ?? Promise.resolve(status({ backend: params.backend, state: 'running' }));
  }
  restart(params: { backend: string }, token?: CancellationToken) {
    return this.start(params, token);
  }
  async stop(params: { backend: string }) {
    this.calls.push({ method: 'stop', params });
    return status({ backend: params.backend });
  }
  async logs(params: { backend: string; tail: number }) {
    const entries = this.output.get(params.backend) ?? [];
    return { backend: params.backend, entries: entries.slice(-params.tail), truncated: false, nextSeq: entries.length + 1 };
  }
  async diagnose(params: { backend: string }) {
    this.calls.push({ method: 'diagnose', params });
    return this.diagnoseResult ?? { backend: params.backend, ok: true, checks: [] };
  }
  async dispose(_timeoutMs?: number, options: { stopBackends?: boolean } = {}) {
    this.disposed = true;
    this.calls.push({ method: 'dispose', params: options });
  }

  /** Fires a statusChanged from `previousState` to the status given. */
  change(previousState: BackendStatus['state'], next: Partial<BackendStatus> & { state: BackendStatus['state'] }, reason = 'because'): void {
    this.statusEvents.fire({ ...status(next), previousState, reason });
  }

  /** A line on the sidecar's stderr. */
  stderr(line: string): void {
    this.options.stderr?.(line);
  }
}

/** Output lines as the sidecar keeps them. */
export function outputLines(...texts: string[]): LogEntry[] {
  return texts.map((text, i) => ({ seq: i + 1, time: '2025-01-01T00:00:00.000Z', stream: 'stderr', text }));
}

/** A line the backend printed on stdout. */
export function stdoutLine(text: string, seq: number): LogEntry {
  return { seq, time: '2025-01-01T00:00:00.000Z', stream: 'stdout', text };
}

/** A startClient for SidecarController that hands out fake clients and keeps them. */
export function fakeClients(backends: (options: SidecarClientOptions) => BackendStatus[]) {
  const clients: FakeSidecarClient[] = [];
  const startClient = async (options: SidecarClientOptions) => {
    const client = new FakeSidecarClient(options, backends(options));
    clients.push(client);
    return client as unknown as SidecarClient;
  };
  return { clients, startClient };
}

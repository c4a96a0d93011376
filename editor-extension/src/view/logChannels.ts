import type { LogEntry, LogParams, LogsResult } from '@backend-sidecar/client';

// One output channel per backend, named "Backend: <backend>", fed by log notifications. When a
// channel is first opened (and again after a new sidecar), the backend's recent lines are fetched
// with `logs` and written first; notifications that arrive meanwhile wait and are deduplicated by
// seq. Lines the sidecar dropped for a slow client are announced as a line, not silently lost.

/** The part of vscode.LogOutputChannel that this uses. */
export interface LogSink {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(preserveFocus?: boolean): void;
  dispose(): void;
}

export interface LogChannelsOptions {
  /** Creates a channel (window.createOutputChannel(name, { log: true })). */
  createChannel: (name: string) => LogSink;
  /** Fetches a backend's last lines (the controller's logs). */
  fetchTail: (backend: string, tail: number) => Promise<LogsResult>;
  /** The folder in the channels' names, in a workspace with several (asked when a channel is created). */
  folder?: () => string | undefined;
  /** How many lines to replay. Default: 200. */
  replayLines?: number;
}

/** The name of a backend's channel: "Backend: api", or "Backend: api (shop)" for a folder of several. */
export function channelName(backend: string, folder?: string): string {
  return `Backend: ${backend}${folder ? ` (${folder})` : ''}`;
}

/** How a log line is written: stdout as is, the other streams marked. */
export function formatEntry(entry: LogEntry): string {
  return entry.stream === 'stdout' ? entry.text : `[${entry.stream}] ${entry.text}`;
}

/** The sidecar's line for a transition to failed: `stopped -> failed: command "x" not found`. */
const failedLine = /^\w+ -> failed\b/;

type Pending = { kind: 'entries'; entries: LogEntry[] } | { kind: 'dropped'; count: number };

class BackendLog {
  lastSeq = 0;
  /** Set while the tail is being fetched: notifications wait here. */
  pending: Pending[] | undefined;
  ready: Promise<void> = Promise.resolve();

  constructor(readonly sink: LogSink) {}

  write(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      if (entry.seq <= this.lastSeq) continue;
      this.lastSeq = entry.seq;
      // The sidecar's line about a failure is an error in this channel too.
      if (entry.stream === 'sidecar' && failedLine.test(entry.text)) this.sink.error(formatEntry(entry));
      else this.sink.info(formatEntry(entry));
    }
  }

  dropped(count: number): void {
    this.sink.warn(`… ${count} log line${count === 1 ? ' was' : 's were'} dropped here because the editor did not keep up; they are in the backend's log file`);
  }
}

export class LogChannels {
  private readonly logs = new Map<string, BackendLog>();

  constructor(private readonly options: LogChannelsOptions) {}

  /** A log notification. */
  append(params: LogParams): void {
    const log = this.channel(params.backend);
    const batch: Pending[] = [];
    if (params.dropped > 0) batch.push({ kind: 'dropped', count: params.dropped });
    batch.push({ kind: 'entries', entries: params.entries });
    if (log.pending) log.pending.push(...batch);
    else this.apply(log, batch);
  }

  /** Writes a line of the extension's own (e.g. diagnose results) to a backend's channel. */
  note(backend: string, level: 'info' | 'warn' | 'error', message: string): void {
    this.channel(backend).sink[level](message);
  }

  /** Shows a backend's channel once its replay is written. */
  async show(backend: string): Promise<void> {
    const log = this.channel(backend);
    await log.ready;
    log.sink.show(true);
  }

  /** A new sidecar: its seq numbers start again, so every open channel replays anew. */
  newSession(): void {
    for (const [backend, log] of this.logs) {
      log.sink.info('— backend-sidecar (re)started —');
      log.lastSeq = 0;
      this.replay(backend, log);
    }
  }

  dispose(): void {
    for (const log of this.logs.values()) log.sink.dispose();
    this.logs.clear();
  }

  private channel(backend: string): BackendLog {
    let log = this.logs.get(backend);
    if (!log) {
      log = new BackendLog(this.options.createChannel(channelName(backend, this.options.folder?.())));
      this.logs.set(backend, log);
      this.replay(backend, log);
    }
    return log;
  }

  private replay(backend: string, log: BackendLog): void {
    const pending: Pending[] = [];
    log.pending = pending;
    log.ready = this.options.fetchTail(backend, this.options.replayLines ?? 200).then(
      (result) => {
        if (log.pending !== pending) return;
        if (result.truncated) log.sink.info('… (earlier lines are in the log file)');
        log.write(result.entries);
      },
      () => undefined, // No sidecar right now: live lines still arrive.
    ).then(() => {
      if (log.pending !== pending) return;
      log.pending = undefined;
      this.apply(log, pending);
    });
  }

  private apply(log: BackendLog, batch: readonly Pending[]): void {
    for (const item of batch) {
      if (item.kind === 'dropped') log.dropped(item.count);
      else log.write(item.entries);
    }
  }
}

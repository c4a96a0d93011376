import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How the sidecar process ended. */
export interface SidecarExit {
  /** The exit code; null when a signal ended the process or it could not be spawned. */
  code: number | null;
  /** The signal that ended the process; null otherwise. */
  signal: NodeJS.Signals | null;
  /** The sidecar's last stderr lines, oldest first (at most {@link stderrTailLines}). */
  stderrTail: string[];
  /** Why the process could not be spawned (e.g. ENOENT); undefined when it ran. */
  spawnError?: Error;
}

/** How many stderr lines are kept for error messages. */
export const stderrTailLines = 20;

/** The options of {@link SidecarProcess.spawn}. */
export interface SidecarProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with every stderr line of the sidecar (its human-readable log). */
  stderr?: (line: string) => void;
}

/**
 * The sidecar as a child process with stdio pipes: stdin/stdout carry JSON-RPC, stderr is read
 * line by line (always drained, so a chatty sidecar never blocks on a full pipe).
 */
export class SidecarProcess {
  /** Settles once the process has exited (or failed to spawn); never rejects. */
  readonly exited: Promise<SidecarExit>;
  private exit: SidecarExit | undefined;
  private readonly tail: string[] = [];

  private constructor(readonly child: ChildProcessWithoutNullStreams, options: SidecarProcessOptions) {
    // Writes after the sidecar died fail with EPIPE; vscode-jsonrpc reports those through its own
    // error path, and an unhandled 'error' event here would crash the host.
    child.stdin.on('error', () => undefined);
    child.stdout.on('error', () => undefined);
    child.stderr.on('error', () => undefined);
    const lines = createInterface({ input: child.stderr, crlfDelay: Infinity });
    lines.on('line', (line) => {
      this.tail.push(line);
      if (this.tail.length > stderrTailLines) this.tail.shift();
      try {
        options.stderr?.(line);
      } catch {
        // A throwing listener must not stop the draining of stderr.
      }
    });
    this.exited = new Promise<SidecarExit>((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal, stderrTail: [...this.tail] };
        resolve(this.exit);
      });
      child.on('error', (error) => {
        // 'error' without 'exit' means the process never ran; after 'exit' it is a kill() failure.
        if (child.pid === undefined && this.exit === undefined) {
          this.exit = { code: null, signal: null, stderrTail: [...this.tail], spawnError: error };
          resolve(this.exit);
        }
      });
    });
  }

  /** Spawns the sidecar. Spawn failures (e.g. ENOENT) do not throw: they settle {@link exited}. */
  static spawn(command: string, args: readonly string[], options: SidecarProcessOptions): SidecarProcess {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    return new SidecarProcess(child, options);
  }

  /** The sidecar's process ID; undefined when it could not be spawned. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How the process ended; undefined while it runs. */
  get exitStatus(): SidecarExit | undefined {
    return this.exit;
  }

  /** The sidecar's last stderr lines so far. */
  stderrTail(): string[] {
    return [...this.tail];
  }

  /** Sends a signal unless the process has already exited. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.exit === undefined && this.child.pid !== undefined) {
      try {
        this.child.kill(signal);
      } catch {
        // Already gone between the check and the kill.
      }
    }
  }
}

/** What to do after the sidecar died without being asked to. */
export interface CrashDecision {
  restart: boolean;
  /** How many restarts the window now holds (this one included when restarting). */
  attempt: number;
  maxRestarts: number;
  windowMs: number;
}

/**
 * Restarts the sidecar after a crash, at most {@link maxRestarts} times within {@link windowMs}: the
 * rule of vscode-languageclient's DefaultErrorHandler (5 restarts in 3 minutes), so a sidecar that
 * cannot stay up is not respawned forever.
 */
export class CrashRestartPolicy {
  private restarts: number[] = [];

  constructor(
    private readonly now: () => number = Date.now,
    readonly maxRestarts = 5,
    readonly windowMs = 3 * 60_000,
  ) {}

  /** Records a crash and says whether to restart. */
  recordCrash(): CrashDecision {
    const now = this.now();
    this.restarts = this.restarts.filter((at) => now - at < this.windowMs);
    const restart = this.restarts.length < this.maxRestarts;
    if (restart) this.restarts.push(now);
    return { restart, attempt: this.restarts.length, maxRestarts: this.maxRestarts, windowMs: this.windowMs };
  }

  /** Forgets past crashes (the user restarted the sidecar by hand). */
  reset(): void {
    this.restarts = [];
  }
}

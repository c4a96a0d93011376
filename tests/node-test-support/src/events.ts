/** Bounds for waiting: Expected to show that something does NOT happen, Unexpected as a hang guard. */
export const TestTimeouts = { Expected: 200, Unexpected: 20000 } as const;

/** The shape of vscode-jsonrpc's Event and of any `onX(listener)` that returns a disposable. */
export type Subscribe<T> = (listener: (value: T) => void) => { dispose(): void };

/** Resolves with the first event matching the predicate; rejects after timeoutMs. */
export function nextEvent<T>(event: Subscribe<T>, predicate: (value: T) => boolean = () => true, timeoutMs: number = TestTimeouts.Unexpected): Promise<T> {
  const recorder = new EventRecorder(event);
  return recorder.waitFor(predicate, { timeoutMs }).finally(() => recorder.dispose());
}

/**
 * Records every event from the moment it is created, so that a test can wait for one that may
 * already have arrived, and then look at the order of all of them.
 */
export class EventRecorder<T> {
  readonly values: T[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly subscription: { dispose(): void };

  constructor(event: Subscribe<T>) {
    this.subscription = event((value) => {
      this.values.push(value);
      for (const wake of [...this.waiters]) wake();
    });
  }

  /**
   * The first recorded value at or after `from` that matches; waits for it up to `timeoutMs`.
   * @returns the value (its index is `values.indexOf(value)`)
   */
  waitFor(predicate: (value: T) => boolean, options: { from?: number; timeoutMs?: number } = {}): Promise<T> {
    const from = options.from ?? 0;
    const timeoutMs = options.timeoutMs ?? TestTimeouts.Unexpected;
    return new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        const found = this.values.slice(from).find(predicate);
        if (found === undefined) return false;
        done();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching event within ${timeoutMs} ms; got ${this.values.length - from}: ${JSON.stringify(this.values.slice(from)).slice(0, 2000)}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      const wake = (): void => void check();
      if (!check()) this.waiters.add(wake);
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/** The promise's value, or a rejection once `ms` have passed (a hang guard for awaits that have no event). */
export function withTimeout<T>(promise: Promise<T>, ms: number = TestTimeouts.Unexpected): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

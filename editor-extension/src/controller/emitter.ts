/** Something to call when a subscription or resource is no longer needed (the shape of vscode.Disposable). */
export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener (the shape of vscode.Event, so the glue can pass these straight on). */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/**
 * A tiny event emitter: the controller must not import `vscode`, and vscode-jsonrpc's Emitter is not
 * part of the client's public surface.
 */
export class Emitter<T> {
  private listeners: Array<(value: T) => void> = [];

  readonly event: Event<T> = (listener) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };

  fire(value: T): void {
    // A snapshot, so a listener that unsubscribes while being called does not skip the next one.
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // One failing listener (a view) must not keep the others from hearing about the change.
      }
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}

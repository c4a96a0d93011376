import { ConnectionError, ErrorCodes as JsonRpcErrorCodes, ResponseError } from 'vscode-jsonrpc';
import type { ErrorDataFor } from './generated/protocol';

/**
 * Codes the client itself raises; they never travel on the wire. They sit in vscode-jsonrpc's
 * reserved range, which the contract leaves unused.
 */
export const ClientErrorCodes = {
  /**
   * The connection to the sidecar is gone before an answer came: the sidecar exited or could not be
   * spawned, it did not answer initialize in time, or the client was disposed.
   */
  ConnectionClosed: -32097,
} as const;

/** error.data of {@link ClientErrorCodes.ConnectionClosed}. */
export interface ConnectionClosedData {
  /** The sidecar's process ID; null when it could not be spawned. */
  pid: number | null;
  /** The sidecar's exit code; null while it runs or when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended the sidecar; null otherwise. */
  signal: NodeJS.Signals | null;
  /** The sidecar's last stderr lines, oldest first. */
  stderrTail: string[];
}

/** The type of {@link SidecarError.data} for a code: the contract's data, or the client's own. */
export type SidecarErrorData<C extends number> = C extends typeof ClientErrorCodes.ConnectionClosed
  ? ConnectionClosedData | undefined
  : ErrorDataFor<C>;

/**
 * An error answer of the sidecar (a JSON-RPC error object: `code`, `message`, `data`), or a
 * client-side failure with a {@link ClientErrorCodes} code.
 *
 * Narrow with {@link SidecarError.is}: `if (e instanceof SidecarError && e.is(ErrorCodes.UnknownBackend)) e.data.known`.
 */
export class SidecarError<C extends number = number> extends Error {
  override readonly name = 'SidecarError';

  /**
   * @param code The contract's error code (see ErrorCodes) or a {@link ClientErrorCodes} code.
   * @param message The sidecar's message (a short sentence naming the problem).
   * @param data The error's data as the contract defines it for the code; undefined when absent.
   */
  constructor(
    readonly code: C,
    message: string,
    readonly data: SidecarErrorData<C>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether this error has the given code; narrows `data` to that code's type. */
  is<K extends number>(code: K): this is SidecarError<K> {
    return (this.code as number) === code;
  }

  /** Whether a value is a SidecarError, optionally with the given code. */
  static isSidecarError<K extends number = number>(value: unknown, code?: K): value is SidecarError<K> {
    return value instanceof SidecarError && (code === undefined || value.code === code);
  }
}

/** vscode-jsonrpc's own codes for a transport that failed or went away. */
const transportCodes = new Set<number>([
  JsonRpcErrorCodes.MessageWriteError,
  JsonRpcErrorCodes.MessageReadError,
  JsonRpcErrorCodes.PendingResponseRejected,
  JsonRpcErrorCodes.ConnectionInactive,
]);

/** Whether vscode-jsonrpc failed a request because the connection is gone, not because the sidecar answered so. */
export function isConnectionFailure(error: unknown): boolean {
  return (error instanceof ResponseError && transportCodes.has(error.code)) || error instanceof ConnectionError;
}

/**
 * Maps what vscode-jsonrpc rejects a request with to a SidecarError.
 * @param closed What to say when the connection is gone (the sidecar's exit, if known).
 */
export function toSidecarError(error: unknown, closed: () => { message: string; data: ConnectionClosedData | undefined }): Error {
  if (error instanceof SidecarError) return error;
  if (error instanceof ResponseError && !transportCodes.has(error.code)) {
    return new SidecarError(error.code, error.message, error.data, { cause: error });
  }
  if (isConnectionFailure(error)) {
    const { message, data } = closed();
    return new SidecarError(ClientErrorCodes.ConnectionClosed, message, data, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

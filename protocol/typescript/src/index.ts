// @backend-sidecar/client: the protocol's generated types and method constants, and a SidecarClient
// that spawns backend-sidecar and speaks to it. Nothing here depends on `vscode`.
export * from './generated/protocol';
export * from './generated/sidecarConfig';
export { ClientErrorCodes, SidecarError, isConnectionFailure, type ConnectionClosedData, type SidecarErrorData } from './sidecarError';
export { SidecarClient, clientName, clientVersion, type DisposeOptions, type SidecarClientOptions } from './sidecarClient';
export { sidecarExecutable, sidecarExecutableName } from './sidecarExecutable';
export { type MessageDirection, type MessageObserver } from './messageTap';
export { stderrTailLines, type SidecarExit } from './sidecarProcess';
export { CancellationTokenSource, type CancellationToken, type Disposable, type Event, type Message } from 'vscode-jsonrpc';

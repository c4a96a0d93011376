/**
 * The IPC channels between the main process and the renderer. preload.js repeats these strings
 * (a sandboxed preload script cannot require this file); a test checks that they agree.
 */
export const BackendChannels = {
  /** invoke: `{backend?}` -> IpcResult<BackendStatus>, once running. */
  start: 'backend:start',
  /** invoke: `{backend?}` -> IpcResult<BackendStatus>, once stopped. */
  stop: 'backend:stop',
  /** invoke: `{backend?}` -> IpcResult<BackendStatus>, once running again. */
  restart: 'backend:restart',
  /** invoke: `{backend?}` -> IpcResult<StatusResult>. */
  status: 'backend:status',
  /** main -> renderer: StatusChangedParams, on every state change of every backend. */
  statusChanged: 'backend:statusChanged',
  /** main -> splash: IpcError, when the backend could not be started. */
  startFailed: 'backend:startFailed',
  /** main -> renderer: SidecarExit, when the sidecar itself died (its backends are stopped by it or with it). */
  sidecarExited: 'backend:sidecarExited',
} as const;

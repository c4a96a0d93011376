// The Electron example's logic, free of the electron module (main.js wires it to the real one).
export { runBackendApp, type BackendApp, type BackendAppOptions } from './backendApp';
export { BackendController, toIpcError, type IpcError, type IpcResult } from './backendController';
export { BackendChannels } from './channels';
export type { AppLike, IpcMainLike, QuitEventLike, WebContentsLike, WindowLike } from './electronLike';

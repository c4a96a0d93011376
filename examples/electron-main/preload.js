// Exposes window.backend to the page: the four IPC calls and the main process's notifications.
// A sandboxed preload cannot require the channel constants from dist/, so they are repeated here
// (test/preload.test.ts checks that they match src/channels.ts).
const { contextBridge, ipcRenderer } = require('electron');

/** Subscribes to a main -> renderer channel; returns a function that unsubscribes. */
function on(channel, listener) {
  const wrapped = (_event, payload) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => ipcRenderer.removeListener(channel, wrapped);
}

contextBridge.exposeInMainWorld('backend', {
  // Each resolves with {ok: true, result} or {ok: false, error: {code, message, data}}.
  start: (backend) => ipcRenderer.invoke('backend:start', { backend }),
  stop: (backend) => ipcRenderer.invoke('backend:stop', { backend }),
  restart: (backend) => ipcRenderer.invoke('backend:restart', { backend }),
  status: (backend) => ipcRenderer.invoke('backend:status', { backend }),
  onStatusChanged: (listener) => on('backend:statusChanged', listener),
  onStartFailed: (listener) => on('backend:startFailed', listener),
  onSidecarExited: (listener) => on('backend:sidecarExited', listener),
});

// Electron's main process: only the glue that needs the `electron` module. Everything else is in
// src/ (built to dist/ by `npm run build`), tested under plain Node with fakes of app, ipcMain and
// the windows. Run it with Electron installed: `npx electron .` in this folder.
const path = require('node:path');
const { app, BrowserWindow, dialog, ipcMain } = require('electron');
const { runBackendApp } = require('./dist');

const repoRoot = path.join(__dirname, '..', '..');
// Packaged: the sidecar and the configuration ship in the app's resources (electron-builder
// "extraResources"), and the "production" profile points each backend at its bundled executable.
// In development: the sidecar built from this repository and the demo configuration.
const sidecarCommand = app.isPackaged
  ? path.join(process.resourcesPath, 'backend-sidecar', 'backend-sidecar')
  : process.env.BACKEND_SIDECAR_PATH || path.join(repoRoot, 'src', 'BackendSidecar', 'bin', 'Release', 'net10.0', 'backend-sidecar');
const configPath = app.isPackaged ? path.join(process.resourcesPath, 'backends.json') : path.join(repoRoot, 'examples', 'demo', 'backends.json');

const webPreferences = { preload: path.join(__dirname, 'preload.js'), contextIsolation: true, sandbox: true };

runBackendApp({ app, ipcMain }, {
  sidecarCommand,
  configPath,
  profile: app.isPackaged ? 'production' : undefined,
  backend: 'api',
  createSplashWindow: () => {
    const splash = new BrowserWindow({ width: 420, height: 220, frame: false, resizable: false, webPreferences });
    void splash.loadFile(path.join(__dirname, 'renderer', 'splash.html'));
    return splash;
  },
  createMainWindow: () => {
    const window = new BrowserWindow({ width: 900, height: 640, webPreferences });
    void window.loadFile(path.join(__dirname, 'renderer', 'index.html'));
    return window;
  },
  onStartFailed: (error) => {
    dialog.showErrorBox('The backend did not start', `${error.message} (${error.code})`);
    app.quit();
  },
  stderr: (line) => console.error(`[sidecar] ${line}`),
});

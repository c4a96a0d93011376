// Electron's main process: only the glue that needs the `electron` module. Everything else is in
// src/ (built to dist/ by `npm run build`), tested under plain Node with fakes of app, ipcMain and
// the windows. Run it with Electron installed: `npx electron .` in this folder.
const fs = require('node:fs');
const path = require('node:path');
const { app, BrowserWindow, dialog, ipcMain } = require('electron');
const { sidecarExecutable } = require('@backend-sidecar/client');
const { runBackendApp } = require('./dist');

const repoRoot = path.join(__dirname, '..', '..');
// Packaged: the sidecar (the NativeAOT publish, backend-sidecar.exe on Windows) and the configuration
// ship in the app's resources (electron-builder "extraResources"), and the "production" profile points
// each backend at its bundled executable. In development: the sidecar published from this repository
// as the README says (artifacts/sidecar), else the one `dotnet build` made, and the demo configuration.
const developmentSidecars = [path.join(repoRoot, 'artifacts', 'sidecar'), path.join(repoRoot, 'src', 'BackendSidecar', 'bin', 'Release', 'net10.0')]
  .map((folder) => sidecarExecutable(folder));
const developmentSidecar = () => developmentSidecars.find((file) => fs.existsSync(file)) ?? developmentSidecars[0];
const sidecarCommand = app.isPackaged
  ? sidecarExecutable(path.join(process.resourcesPath, 'backend-sidecar'))
  : process.env.BACKEND_SIDECAR_PATH || developmentSidecar();
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

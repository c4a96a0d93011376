// Helpers for the Node tests that drive the real backend-sidecar with a real backend.
export { BackendFolder, type TestBackendOptions } from './backendFolder';
export { EventRecorder, TestTimeouts, nextEvent, withTimeout, type Subscribe } from './events';
export { freePort } from './ports';
export { isAlive, killIfAlive } from './processes';
export { pythonBackendSource } from './pythonBackend';
export { repoRoot, sidecarPath } from './sidecarPath';

import { SidecarClient, type SidecarClientOptions } from '@backend-sidecar/client';

/**
 * The one place that decides how the extension reaches a sidecar for a configuration. Today it
 * always spawns `backend-sidecar serve` and initializes it. Attaching to a sidecar that already
 * serves the same configuration (issue 11, item 1: a local endpoint per configuration) belongs
 * here: look for that endpoint first, connect and initialize through it, and spawn only when there
 * is none. The controller only needs an initialized SidecarClient back, whichever way it came.
 */
export function connectSidecar(options: SidecarClientOptions): Promise<SidecarClient> {
  return SidecarClient.start(options);
}

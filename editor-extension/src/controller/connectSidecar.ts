import { SidecarClient, type SidecarClientOptions } from '@backend-sidecar/client';

/**
 * The one place that decides how the extension reaches a sidecar for a configuration: it spawns
 * `backend-sidecar serve` and initializes it. Attaching to a sidecar that already serves the same
 * configuration file (protocol 1.1, "Attach") is the sidecar's own doing when the file is on its
 * command line (see {@link sidecarArgs}): the controller only needs an initialized SidecarClient back.
 */
export function connectSidecar(options: SidecarClientOptions): Promise<SidecarClient> {
  return SidecarClient.start(options);
}

/**
 * The sidecar's arguments for a session. With the configuration file on the command line, a
 * `serve` for a file that a live sidecar already serves relays to it (a second window shares the
 * first one's backends, no port fight) instead of starting a second set. An inline configuration
 * (sent when autoStart backends have secrets) cannot be shared, so it gets a sidecar of its own.
 */
export function sidecarArgs(serveArgs: readonly string[], configPath: string, inline: boolean): string[] {
  return inline ? [...serveArgs] : [...serveArgs, '--config', configPath];
}

import type { BackendStatus } from '@backend-sidecar/client';

/**
 * Where "Open in Browser" goes for a backend: the root of its HTTP health URL's server (the health
 * path itself is for machines), else http://127.0.0.1:<port>/; undefined when it has neither.
 */
export function browserUrl(status: Pick<BackendStatus, 'healthUrl' | 'port'>): string | undefined {
  if (status.healthUrl) {
    try {
      const url = new URL(status.healthUrl);
      if (url.protocol === 'http:' || url.protocol === 'https:') {
        // A server bound to every interface is reached on loopback.
        if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
        return `${url.origin}/`;
      }
    } catch {
      // Not a URL: fall back to the port.
    }
  }
  return status.port !== null ? `http://127.0.0.1:${status.port}/` : undefined;
}

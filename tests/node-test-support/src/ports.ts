import { createServer } from 'node:net';

/**
 * A loopback port that was free a moment ago: the OS picks it (port 0), we close the socket and
 * hand the number to a backend. Tests run in parallel with others on this machine, so never a fixed port.
 */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

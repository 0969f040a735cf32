/**
 * Free ports for tests that must name a port up front (the demo launcher
 * reads its ports from env). Everything else listens on port 0 directly.
 */
import { createServer, type Server } from 'node:net';

const HOST = '127.0.0.1';

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * `count` distinct ports that were free a moment ago: all are held open at
 * once so the kernel cannot hand out the same one twice, then released.
 * Another process may still take one before the caller does; tests that use
 * these should fail loudly on EADDRINUSE rather than retry silently.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    await Promise.all(servers.map((server) => listen(server, 0)));
    return servers.map((server) => {
      const address = server.address();
      if (typeof address !== 'object' || address === null)
        throw new Error('a listening socket has no port');
      return address.port;
    });
  } finally {
    await Promise.all(servers.filter((server) => server.listening).map(close));
  }
}

/** Can something listen on `port` of 127.0.0.1 right now? */
export async function isPortFree(port: number): Promise<boolean> {
  const server = createServer();
  try {
    await listen(server, port);
    return true;
  } catch {
    return false;
  } finally {
    if (server.listening) await close(server);
  }
}

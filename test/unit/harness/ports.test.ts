import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePorts, isPortFree } from '../../harness/ports.js';

describe('ports', () => {
  it('hands out distinct ports that are free', async () => {
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) {
      expect(port).toBeGreaterThan(0);
      expect(await isPortFree(port)).toBe(true);
    }
  });

  it('sees a port that something listens on as taken', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const address = server.address();
      if (typeof address !== 'object' || address === null) throw new Error('no address');
      expect(await isPortFree(address.port)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isPortFree, startPostgres, trackedCount, useHarness } from '../../harness/index.js';

useHarness();

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('startPostgres', () => {
  it('serves a fresh server of its own on 127.0.0.1, and close() stops it and removes its data, twice safely', async () => {
    const before = trackedCount();
    const server = await startPostgres({ fsync: false });
    expect(trackedCount()).toBe(before + 1);
    expect(server.host).toBe('127.0.0.1');
    const url = await server.createDatabase('harness_check');
    expect(
      await query(
        url,
        "SELECT current_database() AS db, (SELECT count(*)::int FROM pg_database WHERE datname = 'harness_check') AS n",
      ),
    ).toEqual([{ db: 'harness_check', n: 1 }]);
    expect(
      await query(server.url(), "SELECT setting FROM pg_settings WHERE name = 'listen_addresses'"),
    ).toEqual([{ setting: '127.0.0.1' }]);
    expect(existsSync(server.dataDir)).toBe(true);
    await expect(server.createDatabase('x"; DROP DATABASE postgres; --')).rejects.toThrow(
      /plain database name/,
    );

    await server.close();
    await server.close();
    expect(existsSync(server.dataDir)).toBe(false);
    expect(await isPortFree(server.port)).toBe(true);
    await expect(query(url, 'SELECT 1')).rejects.toThrow();
  });
});

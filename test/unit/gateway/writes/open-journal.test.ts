import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../../gateway/config/index.js';
import { openWriteJournal } from '../../../../gateway/writes/index.js';
import { createMemorySource } from '../fixtures/memory-source.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-open-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openWriteJournal', () => {
  it('opens the SQLite journal the config names, with its defaults', async () => {
    const config = await resolveConfig({
      sources: [createMemorySource()],
      writes: { sqlitePath: join(dir, 'nested', 'journal.db') },
    });
    expect(config.writes).toMatchObject({
      journal: 'sqlite',
      postgresUrl: null,
      idempotencyKeyTtlMs: 86_400_000,
    });
    const journal = await openWriteJournal(config.writes);
    try {
      expect(journal.engine).toBe('sqlite');
      expect(await journal.list()).toEqual([]);
    } finally {
      await journal.close();
    }
  });

  it('refuses postgres without a URL, and never quotes the URL when it is malformed', async () => {
    const config = await resolveConfig({
      sources: [createMemorySource()],
      writes: { journal: 'postgres' },
    });
    await expect(openWriteJournal(config.writes)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    const failure = await resolveConfig({
      sources: [createMemorySource()],
      writes: { postgresUrl: '' },
    }).catch((error: unknown) => error as Error);
    expect(failure).toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

// The token registry's conformance suite on its embedded default: a SQLite file per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteTokenStore } from '../../gateway/auth/index.js';
import { tokenStoreSuite } from './token-store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

tokenStoreSuite('sqlite', {
  async freshDatabase() {
    const path = join(dir, `tokens-${(files += 1)}.db`);
    return async () => createSqliteTokenStore({ path });
  },
});

// The token registry's conformance suite on PostgreSQL: one server for the file, one schema per test.
import { beforeAll } from 'vitest';
import { createPostgresTokenStore } from '../../gateway/auth/index.js';
import { startPostgresDatabase, useHarness } from '../harness/index.js';
import { tokenStoreSuite } from './token-store-suite.js';

useHarness();
let url: string;
beforeAll(async () => {
  ({ url } = await startPostgresDatabase('tokens', { fsync: false }));
});
let schemas = 0;

tokenStoreSuite('postgres', {
  async freshDatabase() {
    const schema = `tokens_${(schemas += 1)}`;
    return async () => createPostgresTokenStore({ connectionString: url, schema });
  },
});

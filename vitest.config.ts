import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql ships CJS (main) and ESM (module) with no "exports" map: Node
    // loads the CJS build for libraries (@graphql-tools, graphql-yoga), Vite
    // would pick the ESM one for our files, and two graphql instances refuse
    // each other's types ("from another module or realm"). Use Node's choice.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers; forks keep each file's sockets and
    // gRPC channels in their own process so one file's leak cannot hang another.
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default is cores - 1 = one): most files
    // wait on the servers they start (demo systems, PostgreSQL, Redis, Chromium, child
    // gateways), so a second file fills those waits. Tests count, never time, so sharing the
    // CPU cannot change an outcome; their limits are safety nets sized for a loaded machine.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/harness/global-setup.ts'],
  },
});

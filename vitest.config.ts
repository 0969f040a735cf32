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
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/harness/global-setup.ts'],
  },
});

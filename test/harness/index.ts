/**
 * The shared test harness: real demo systems and a real gateway on
 * 127.0.0.1 port 0, a GraphQL client over real HTTP, child processes for
 * entry points, a private Redis (`startRedis`), and one cleanup that stops
 * all of it, even after a failure.
 *
 * @example
 * useHarness(); // once per file: closeAll() in afterAll
 *
 * it('costs one storefront call', async () => {
 *   const systems = await startSystems(['storefront']);
 *   const gateway = await startGatewayOn(demoConfig(systems));
 *   const { body } = await gateway.graphql('{ storefront { getProduct(productId: "prod_00001") { title } } }');
 *   expect(body.data?.storefront.getProduct.title).toBe(catalogue().products[0].title);
 *   expect(systems.counts().storefront).toEqual({ getProduct: 1 });
 * });
 */
export { useHarness, closeAll, track, untrack, trackedCount, type Closeable } from './cleanup.js';
export { freePorts, isPortFree } from './ports.js';
export { spawnProcess, type TestProcess, type ProcessExit, type SpawnOptions } from './process.js';
export {
  startSystems,
  availableSystems,
  rawErpCall,
  type Systems,
  type StartSystemsOptions,
} from './systems.js';
export {
  startGatewayOn,
  type TestGateway,
  type GraphQLResult,
  type GraphQLResponse,
  type GraphQLCallOptions,
} from './gateway.js';
export { startRedis, ensureRedisServer, pingRedis, type TestRedis } from './redis.js';
export {
  demoConfig,
  unifiedDemoConfig,
  COMMERCE_SCHEMA,
  DEMO_AUTH,
  DEMO_ANONYMOUS_SCOPES,
  DEMO_PIPELINE,
  NO_READ_CACHE,
} from './demo-config.js';
export { startOpenApiMock, type OpenApiMock, type MockRequest } from './openapi-mock.js';
export {
  startPostgres,
  startPostgresDatabase,
  type PostgresDatabase,
  type PostgresServer,
  type PostgresServerOptions,
} from './postgres.js';
export { startPostgresServer } from './postgres-server.js';
export { startIssuer, ISSUER_AUDIENCE, type TestIssuer, type IssuerKey } from './issuer.js';
// The CLI: runCli in this process for argument, output and exit-code cases (a spawn costs
// seconds); spawnCli for what only the real bin shows. Prefer runCli, keep a few spawnCli.
export {
  runCli,
  spawnCli,
  REPO_ROOT,
  SWITCHBOARD_BIN,
  type CliRun,
  type CliRunOptions,
  type CliSpawnOptions,
} from './cli.js';
// Billing spoken to directly over gRPC, for tests of the demo system itself.
export {
  createBillingClient,
  type BillingClient,
  type BillingCallOptions,
  type BillingClientOptions,
  type BillingWire,
} from './billing-client.js';
export { startOfflineChromium, CHROMIUM, type OfflineBrowser } from './chromium.js';
// The write tests' fixture: the demo systems, a gateway with the write mutations and its own
// journal, and each system's records of an order; and the config and inputs it is made of.
export {
  startWriteFixture,
  writesConfig,
  tempDir,
  orderInput,
  PLACE_ORDER,
  WRITE_PIPELINE,
  type WriteFixture,
} from './writes.js';
export { recordsReader, type OrderRecords, type RecordsReader } from './order-records.js';

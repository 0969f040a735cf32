/** The gateway's public entry. */
export {
  defineConfig,
  resolveConfig,
  DEFAULTS,
  type SwitchboardConfig,
  type ResolvedConfig,
  type PlaygroundTab,
  type SourceEndpointMode,
} from './config/index.js';
export {
  createGateway,
  subgraphPath,
  federationPath,
  NAMESPACED_PATH,
  FEDERATION_PATH,
  type Gateway,
  type GatewayOptions,
} from './server.js';
export {
  GatewayError,
  isGatewayError,
  toGraphQLError,
  GATEWAY_ERROR_CODES,
  type GatewayErrorCode,
} from './errors.js';
export { createSubgraphSchema } from './subgraph.js';
export { createNamespacedSchema, namespaceOf } from './namespace.js';
export { createLoaders, type Loaders } from './loaders.js';
export { createLogger, type Logger, type LogLevel } from './logger.js';
export type { GatewayContext } from './context.js';
export type {
  Telemetry,
  GatewayMetrics,
  CallTelemetry,
  JournalStepFacts,
} from './telemetry/index.js';

/** Metrics and traces (docs/operations.md): what the gateway tells its operators about itself. */
export {
  createTelemetry,
  type Telemetry,
  type TelemetryInit,
  type TelemetryOptions,
} from './telemetry.js';
export type { CallTelemetry } from './call-telemetry.js';
export {
  createGatewayMetrics,
  type GatewayMetrics,
  type RequestOutcome,
  type CacheReads,
} from './metrics.js';
export { createLabelCap, OTHER, type LabelCap } from './labels.js';
export {
  createTracing,
  type GatewayTracing,
  type JournalStepFacts,
  type TracingOptions,
} from './tracing.js';
export { createCallTelemetryStep, createAttemptTelemetryStep } from './steps.js';
export { createRequestTelemetry, type RequestTelemetry } from './request-plugin.js';
export { metricsResponse } from './metrics-endpoint.js';

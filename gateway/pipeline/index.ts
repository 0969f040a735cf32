/** The outbound pipeline: every call from the gateway to a system of record. */
export type { Call, SingleCall, BatchCall, StreamCall, Invoke, Subscribe, PipelineContext, CallNotice, CallEntity } from './call.js';
export type { SourcePolicy, OperationPolicy, RetryPolicy, BreakerPolicy, BulkheadPolicy, RateLimitPolicy, CachePolicy } from './options.js';
export { operationPolicy, defaultSourcePolicy, PIPELINE_DEFAULTS } from './options.js';
export type { PipelineStep, StepFactory, StepScope } from './step.js';
export { createSourcePipeline, STEPS, type SourcePipeline } from './pipeline.js';
export { createRetryStep, mayRepeat } from './retry.js';
export { createBreakerStep, countsAgainstBreaker } from './breaker.js';
export { createBulkheadStep } from './bulkhead.js';
export { createPushbackStep } from './pushback.js';
export { createRateLimitStep } from './rate-limit.js';
export { createTimeoutStep } from './timeout.js';
export { RefusedCall, type RefusalReason } from './refusal.js';

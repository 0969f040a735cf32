/** Per-caller limits: the limiter store contract and its two adapters, the operation's measure, the headers. */
export type { LimiterStore, LimitCounter, LimitDecision, LimitPolicy } from './store.js';
export { createMemoryLimiterStore } from './memory.js';
export { createRedisLimiterStore, type RedisLimiterStoreOptions } from './redis.js';
export {
  measureOperation,
  type OperationMeasure,
  DEFAULT_LIST_SIZE,
  SIZE_ARGUMENTS,
} from './measure.js';
export { rateLimitHeaders, type LimitOutcome } from './headers.js';

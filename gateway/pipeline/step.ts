/**
 * The shape of one outbound step. A step is built once per source at
 * start-up (its state, such as a breaker or a bulkhead, is that source's and
 * shared by every request) and wraps the next step's `invoke` and, when it
 * has a say in them, the next step's `subscribe`.
 */
import type { Source } from '../../sources/common/index.js';
import type { ReadCache } from '../cache/index.js';
import type { Logger } from '../logger.js';
import type { Telemetry } from '../telemetry/index.js';
import type { Invoke, Subscribe } from './call.js';
import type { SourcePolicy } from './options.js';

/** What a step factory is given: the source, its resolved policy, the logger and the gateway's shared services. */
export interface StepScope {
  readonly source: Source;
  readonly policy: SourcePolicy;
  readonly logger: Logger;
  /** The gateway's read cache (one per gateway, shared by every source); undefined when the gateway has none. */
  readonly cache?: ReadCache;
  /** The gateway's metrics and tracing (gateway/telemetry); undefined, or without either, when both are off. */
  readonly telemetry?: Telemetry;
}

export interface PipelineStep {
  /** The step's name, as in logs and `/readyz`. */
  readonly name: string;
  /** Wraps single and batch calls. */
  readonly invoke?: (next: Invoke) => Invoke;
  /** Wraps the opening of subscription streams. */
  readonly subscribe?: (next: Subscribe) => Subscribe;
  /** Safe facts about the step's state for `/readyz` (e.g. the breaker's), for a step that keeps state. */
  readonly state?: () => Readonly<Record<string, string | number | boolean>>;
  /** Releases timers and connections. */
  readonly close?: () => void | Promise<void>;
}

export type StepFactory = (scope: StepScope) => PipelineStep;

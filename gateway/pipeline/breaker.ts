/**
 * The source's circuit breaker (cockatiel `circuitBreaker` with a
 * `SamplingBreaker`: the failure rate over a rolling window). It opens when
 * more than `failureRatio` of at least `minimumCalls` calls in the last
 * `windowMs` failed; while open, calls fail fast with SOURCE_UNAVAILABLE,
 * `details.reason: "circuit open"`, without reaching the backend; after
 * `halfOpenAfterMs` one probe call goes through and its outcome closes or
 * reopens the circuit (calls arriving meanwhile wait for the probe).
 *
 * Only what says the backend is unwell counts as a failure: SOURCE_TIMEOUT,
 * SOURCE_UNAVAILABLE, SOURCE_BAD_RESPONSE. A not-found, a refusal, bad input,
 * bad credentials or a rate-limit answer say nothing of its health, and a
 * call its caller abandoned says nothing at all.
 *
 * Subscriptions: the breaker gates the opening of a stream (fails fast while
 * the circuit is open) and counts how its connect ended (stream-connect.ts):
 * a stream that never opened (a connect timeout, a refused connection) is a
 * failure like a call's, one that opened a success. What happens after, in
 * a stream's long life, does not feed it.
 */
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  handleWhen,
  IsolatedCircuitError,
  SamplingBreaker,
} from 'cockatiel';
import { SourceError } from '../../sources/common/index.js';
import type { Call, StreamCall } from './call.js';
import type { BreakerPolicy } from './options.js';
import { refuse, RefusedCall } from './refusal.js';
import type { StepFactory } from './step.js';
import { watchConnect, type ConnectOutcome } from './stream-connect.js';

/** A stream whose caller left while it connected: neither a success nor a failure of the backend. */
const ABANDONED = new Error('the caller left while the stream connected');

const UNWELL: ReadonlySet<string> = new Set([
  'SOURCE_TIMEOUT',
  'SOURCE_UNAVAILABLE',
  'SOURCE_BAD_RESPONSE',
]);

/** Does this failure say the backend is unwell? */
export function countsAgainstBreaker(error: unknown): boolean {
  return error instanceof SourceError && !(error instanceof RefusedCall) && UNWELL.has(error.code);
}

const STATE_NAMES: Readonly<Record<CircuitState, string>> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * cockatiel's SamplingBreaker takes a minimum rate (calls per second) where
 * our policy says a minimum number of calls per window. It splits the window
 * into max(5, ceil(windowMs / 1000)) slices of a whole number of ms; the rate
 * is computed over that rounded length, less half a call, so "at least
 * `minimumCalls`" holds exactly despite floating point.
 */
function samplingBreaker(policy: BreakerPolicy): SamplingBreaker {
  const slices = Math.max(5, Math.ceil(policy.windowMs / 1000));
  const windowMs = Math.max(1, Math.round(policy.windowMs / slices)) * slices;
  const minimumRps = ((policy.minimumCalls - 0.5) * 1000) / windowMs;
  return new SamplingBreaker({
    threshold: policy.failureRatio,
    duration: policy.windowMs,
    minimumRps,
  });
}

export const createBreakerStep: StepFactory = ({ source: { name: source }, policy, logger }) => {
  if (!policy.breaker.enabled) return { name: 'breaker', state: () => ({ state: 'disabled' }) };
  const { halfOpenAfterMs } = policy.breaker;
  // Failures of calls whose caller went away: not the backend's fault, not counted.
  const abandoned = new WeakSet<object>();
  const breaker = circuitBreaker(
    handleWhen(
      (error) => countsAgainstBreaker(error) && !abandoned.has(error) && error !== ABANDONED,
    ),
    { halfOpenAfter: halfOpenAfterMs, breaker: samplingBreaker(policy.breaker) },
  );
  let openedAt = 0;
  breaker.onBreak((reason) => {
    openedAt = Date.now();
    const code =
      'error' in reason && reason.error instanceof SourceError ? reason.error.code : undefined;
    logger.warn('circuit opened: calls fail fast', { source, code, halfOpenAfterMs });
  });
  breaker.onHalfOpen(() =>
    logger.info('circuit half-open: one probe call goes through', { source }),
  );
  breaker.onReset(() => logger.info('circuit closed: calls flow again', { source }));

  const open = (call: Call | StreamCall): RefusedCall =>
    refuse(call, {
      code: 'SOURCE_UNAVAILABLE',
      reason: 'circuit open',
      safeMessage: `${source} is failing; its circuit breaker is open and the call was not sent.`,
    });

  return {
    name: 'breaker',
    invoke: (next) => (call) =>
      breaker
        .execute(() =>
          next(call).catch((error: unknown) => {
            if (call.ctx.signal?.aborted === true && typeof error === 'object' && error !== null)
              abandoned.add(error);
            throw error;
          }),
        )
        .catch((error: unknown) => {
          throw error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError
            ? open(call)
            : error;
        }),
    subscribe: (next) => (call) => {
      const state = breaker.state;
      const openNow =
        state === CircuitState.Isolated ||
        (state === CircuitState.Open && Date.now() - openedAt < halfOpenAfterMs);
      if (openNow) throw open(call);
      // The connect's outcome is recorded as one call's. A refusal here (the
      // circuit opened, or a probe is out, since the check above) is dropped:
      // the stream was already let through.
      const record = (outcome: Promise<ConnectOutcome>): void => {
        breaker
          .execute(async () => {
            const result = await outcome;
            if (!result.ok) throw 'abandoned' in result ? ABANDONED : result.error;
          })
          .catch(() => undefined);
      };
      return watchConnect(call, next, { started: record });
    },
    state: () => ({ state: STATE_NAMES[breaker.state] }),
  };
};
